/* fuzz_tsv.c: the TSV reader (lib/tsv.c) on any bytes.  Besides not
 * crashing, every row it accepts must hold NUL-free, valid UTF-8 fields of
 * the stated length, and must come back unchanged through the writer and
 * the reader again. */
#include <sysexits.h>

#include "fuzz.h"
#include "tsv.h"
#include "utf8.h"

/* Every accepted row of the input, through the writer, into out. */
static void tsv_write_back(const uint8_t *data, size_t size, FILE *out, size_t *rows)
{
	int status;
	FILE *in = crm_fuzz_stream(data, size);
	struct crm_tsv *t = crm_tsv_open(in, "in.tsv", &status);
	*rows = 0;
	if (!t) {
		CRM_FUZZ_CHECK(status == EX_DATAERR);
		fclose(in);
		return;
	}
	size_t n = crm_tsv_ncols(t);
	const char **f = malloc(n * sizeof *f);
	CRM_FUZZ_CHECK(n > 0 && f);
	for (size_t i = 0; i < n; i++) {
		const char *name = crm_tsv_colname(t, i);
		int at = crm_tsv_col(t, name);
		CRM_FUZZ_CHECK(at >= 0 && (size_t)at <= i && strcmp(crm_tsv_colname(t, (size_t)at), name) == 0);
		f[i] = name;
	}
	CRM_FUZZ_CHECK(crm_tsv_colname(t, n) == NULL);
	crm_tsv_put_row(out, f, n);
	int rc;
	long last = crm_tsv_line(t);
	while ((rc = crm_tsv_next(t)) != 0) {
		CRM_FUZZ_CHECK(rc == 1 || rc == -EX_DATAERR);
		CRM_FUZZ_CHECK(crm_tsv_line(t) == last + 1);
		last = crm_tsv_line(t);
		if (rc < 0)
			continue;
		for (size_t i = 0; i < n; i++) {
			size_t len;
			f[i] = crm_tsv_field(t, i, &len);
			CRM_FUZZ_CHECK(strlen(f[i]) == len);
			CRM_FUZZ_CHECK(crm_utf8_valid(f[i], len, NULL));
		}
		crm_tsv_put_row(out, f, n);
		(*rows)++;
	}
	free(f);
	crm_tsv_close(t);
	fclose(in);
}

/* Read the written text again: the same header, the same rows. */
static void tsv_compare(const uint8_t *data, size_t size, const char *text, size_t len,
			size_t rows)
{
	int st1, st2;
	FILE *in = crm_fuzz_stream(data, size);
	FILE *again = crm_fuzz_stream((const uint8_t *)text, len);
	struct crm_tsv *a = crm_tsv_open(in, "in.tsv", &st1);
	struct crm_tsv *b = crm_tsv_open(again, "again.tsv", &st2);
	CRM_FUZZ_CHECK(a && b && crm_tsv_ncols(a) == crm_tsv_ncols(b));
	size_t n = crm_tsv_ncols(a), seen = 0;
	for (size_t i = 0; i < n; i++)
		CRM_FUZZ_CHECK(strcmp(crm_tsv_colname(a, i), crm_tsv_colname(b, i)) == 0);
	int rc;
	while ((rc = crm_tsv_next(a)) != 0) {
		if (rc < 0)
			continue;
		CRM_FUZZ_CHECK(crm_tsv_next(b) == 1);
		for (size_t i = 0; i < n; i++) {
			size_t la, lb;
			const char *fa = crm_tsv_field(a, i, &la), *fb = crm_tsv_field(b, i, &lb);
			CRM_FUZZ_CHECK(la == lb && memcmp(fa, fb, la) == 0);
		}
		seen++;
	}
	CRM_FUZZ_CHECK(seen == rows && crm_tsv_next(b) == 0);
	crm_tsv_close(a);
	crm_tsv_close(b);
	fclose(in);
	fclose(again);
}

int crm_fuzz_tsv(const uint8_t *data, size_t size)
{
	char *text = NULL;
	size_t len = 0, rows;
	FILE *out = open_memstream(&text, &len);
	CRM_FUZZ_CHECK(out != NULL);
	tsv_write_back(data, size, out, &rows);
	CRM_FUZZ_CHECK(fclose(out) == 0);
	if (len)
		tsv_compare(data, size, text, len, rows);
	free(text);
	return 0;
}

#ifdef CRM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return crm_fuzz_tsv(data, size);
}
#endif
