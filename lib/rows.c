/* rows.c: see rows.h */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "batch.h"
#include "csv.h"
#include "err.h"
#include "rows.h"
#include "tsv.h"

struct crm_rows {
	enum crm_rows_format fmt;
	FILE *fp;
	bool own_fp;
	struct crm_tsv *tsv;
	struct crm_csv *csv;
};

static enum crm_rows_format guess(const char *path)
{
	const char *dot = strrchr(path, '.');

	if (dot && strchr(dot, '/') == NULL && strcasecmp(dot, ".csv") == 0)
		return CRM_ROWS_CSV;
	return CRM_ROWS_TSV;
}

static FILE *open_input(const char *path, int *status)
{
	struct stat st;
	FILE *fp;

	if (strcmp(path, "-") == 0)
		return stdin;
	if (!(fp = fopen(path, "r"))) {
		crm_warn_errno("%s", path);
		*status = EX_NOINPUT;
		return NULL;
	}
	/* fopen() opens a directory for reading; say so now, not at read time. */
	if (fstat(fileno(fp), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(fp);
		errno = EISDIR;
		crm_warn_errno("%s", path);
		*status = EX_NOINPUT;
		return NULL;
	}
	return fp;
}

static struct crm_rows *rows_open(const char *path, enum crm_rows_format fmt, bool twice,
				  int *status)
{
	struct crm_rows *r;
	FILE *fp;

	*status = 0;
	if (!(fp = open_input(path, status)))
		return NULL;
	r = crm_xcalloc(1, sizeof *r);
	r->fp = fp;
	r->own_fp = fp != stdin;
	r->fmt = fmt == CRM_ROWS_GUESS ? guess(path) : fmt;
	if (r->fmt == CRM_ROWS_CSV)
		r->csv = twice ? crm_csv_open_twice(fp, path, status) : crm_csv_open(fp, path, status);
	else
		r->tsv = twice ? crm_tsv_open_twice(fp, path, status) : crm_tsv_open(fp, path, status);
	if (!r->csv && !r->tsv) {
		crm_rows_close(r);
		return NULL;
	}
	return r;
}

struct crm_rows *crm_rows_open(const char *path, enum crm_rows_format fmt, int *status)
{
	return rows_open(path, fmt, false, status);
}

struct crm_rows *crm_rows_open_twice(const char *path, enum crm_rows_format fmt, int *status)
{
	return rows_open(path, fmt, true, status);
}

int crm_rows_rewind(struct crm_rows *r)
{
	return r->csv ? crm_csv_rewind(r->csv) : crm_tsv_rewind(r->tsv);
}

void crm_rows_close(struct crm_rows *r)
{
	if (!r)
		return;
	crm_tsv_close(r->tsv);
	crm_csv_close(r->csv);
	if (r->own_fp)
		fclose(r->fp);
	free(r);
}

enum crm_rows_format crm_rows_format(const struct crm_rows *r) { return r->fmt; }

size_t crm_rows_ncols(const struct crm_rows *r)
{
	return r->csv ? crm_csv_ncols(r->csv) : crm_tsv_ncols(r->tsv);
}

const char *crm_rows_colname(const struct crm_rows *r, size_t i)
{
	return r->csv ? crm_csv_colname(r->csv, i) : crm_tsv_colname(r->tsv, i);
}

int crm_rows_col(const struct crm_rows *r, const char *name)
{
	return r->csv ? crm_csv_col(r->csv, name) : crm_tsv_col(r->tsv, name);
}

int crm_rows_next(struct crm_rows *r)
{
	return r->csv ? crm_csv_next(r->csv) : crm_tsv_next(r->tsv);
}

const char *crm_rows_field(const struct crm_rows *r, size_t i)
{
	return r->csv ? crm_csv_field(r->csv, i, NULL) : crm_tsv_field(r->tsv, i, NULL);
}

long crm_rows_line(const struct crm_rows *r)
{
	return r->csv ? crm_csv_line(r->csv) : crm_tsv_line(r->tsv);
}

const char *crm_rows_name(const struct crm_rows *r)
{
	return r->csv ? crm_csv_name(r->csv) : crm_tsv_name(r->tsv);
}

static void put_row(const struct crm_rows *r, FILE *fp, const char **f, size_t n)
{
	if (r->csv)
		crm_csv_put_row(fp, f, n);
	else
		crm_tsv_put_row(fp, f, n);
}

void crm_rows_put_header(const struct crm_rows *r, FILE *fp, const char *extra)
{
	size_t n = crm_rows_ncols(r);
	const char **f = crm_xcalloc(n + 1, sizeof *f);

	for (size_t i = 0; i < n; i++)
		f[i] = crm_rows_colname(r, i);
	if (extra)
		f[n++] = extra;
	put_row(r, fp, f, n);
	free(f);
}

/* A TSV row is written back as it was read (the line may be bad in ways
 * that splitting would hide); a parsed CSV record is re-quoted, an
 * unparsable one written as read. */
void crm_rows_put_current(const struct crm_rows *r, FILE *fp, const char *extra)
{
	const char *raw;
	size_t len;

	if (r->tsv) {
		fputs(crm_tsv_raw(r->tsv), fp);
		if (extra) {
			putc('\t', fp);
			crm_tsv_put(fp, extra);
		}
		putc('\n', fp);
		return;
	}
	if ((raw = crm_csv_raw(r->csv, &len)) != NULL) {
		while (len > 0 && (raw[len - 1] == '\n' || raw[len - 1] == '\r'))
			len--;
		fwrite(raw, 1, len, fp);
		if (extra) {
			putc(',', fp);
			crm_csv_put(fp, extra);
		}
		fputs("\r\n", fp);
		return;
	}
	size_t n = crm_csv_nfields(r->csv);
	const char **f = crm_xcalloc(n + 1, sizeof *f);
	for (size_t i = 0; i < n; i++)
		f[i] = crm_csv_field(r->csv, i, NULL);
	if (extra)
		f[n++] = extra;
	crm_csv_put_row(fp, f, n);
	free(f);
}
