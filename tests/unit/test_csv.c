/* test_csv.c: the CSV reader (libcsv, strict) and writer */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "csv.h"
#include "tsv.h"
#include "err.h"

/* --- helpers: in-memory input, captured stderr --- */

/* s must outlive the stream (read mode: fmemopen does not write to it) */
static FILE *input(const char *s, size_t n)
{
	FILE *fp = fmemopen((void *)s, n, "r");

	assert_non_null(fp);
	return fp;
}

#define INPUT(lit) input(lit, sizeof lit - 1)

static int saved_fd = -1;
static FILE *err_file;

static void capture(void)
{
	fflush(stderr);
	err_file = tmpfile();
	saved_fd = dup(2);
	dup2(fileno(err_file), 2);
}

static char *captured(void)
{
	long n;
	char *s;

	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	saved_fd = -1;
	n = ftell(err_file);
	s = calloc(1, (size_t)n + 1);
	rewind(err_file);
	assert_int_equal(fread(s, 1, (size_t)n, err_file), (size_t)n);
	fclose(err_file);
	return s;
}

#define ASSERT_STDERR(expected) do { \
	char *got_ = captured(); \
	assert_string_equal(got_, expected); \
	free(got_); \
} while (0)

static struct crm_csv *open_ok(FILE *fp, const char *name)
{
	int status = -1;
	struct crm_csv *c = crm_csv_open(fp, name, &status);

	assert_non_null(c);
	assert_int_equal(status, 0);
	return c;
}

static void expect_row(struct crm_csv *c, long line, const char *a, const char *b)
{
	assert_int_equal(crm_csv_next(c), 1);
	assert_int_equal(crm_csv_line(c), line);
	assert_string_equal(crm_csv_field(c, 0, NULL), a);
	if (b)
		assert_string_equal(crm_csv_field(c, 1, NULL), b);
}

static int setup(void **state)
{
	(void)state;
	crm_set_progname("t");
	return 0;
}

/* A failed assertion jumps out with stderr still captured: restore it and
 * show what was caught, cmocka's own message included. */
static int teardown(void **state)
{
	(void)state;
	if (saved_fd >= 0) {
		char *s = captured();
		fputs(s, stderr);
		free(s);
	}
	return 0;
}

/* --- reader --- */

static void test_basic(void **state)
{
	FILE *fp = INPUT("id,name,note\r\n"
			 "1,\xE5\xBC\xA0\xE4\xB8\x89,\"a, b\"\r\n"
			 "2,\"say \"\"hi\"\"\",\r\n"
			 "3,  padded  ,\"  kept  \"\r\n");
	struct crm_csv *c = open_ok(fp, "x.csv");
	size_t len;

	(void)state;
	assert_int_equal(crm_csv_ncols(c), 3);
	assert_string_equal(crm_csv_colname(c, 2), "note");
	assert_null(crm_csv_colname(c, 3));
	assert_int_equal(crm_csv_col(c, "name"), 1);
	assert_int_equal(crm_csv_col(c, "nope"), -1);
	assert_string_equal(crm_csv_name(c), "x.csv");

	expect_row(c, 2, "1", "\xE5\xBC\xA0\xE4\xB8\x89");
	assert_int_equal(crm_csv_nfields(c), 3);
	assert_string_equal(crm_csv_field(c, 2, &len), "a, b");
	assert_int_equal(len, 4);
	assert_null(crm_csv_raw(c, NULL));
	expect_row(c, 3, "2", "say \"hi\"");
	assert_string_equal(crm_csv_field(c, 2, &len), "");
	assert_int_equal(len, 0);
	/* libcsv trims unquoted fields; quotes keep the spaces */
	expect_row(c, 4, "3", "padded");
	assert_string_equal(crm_csv_field(c, 2, NULL), "  kept  ");
	assert_string_equal(crm_csv_field(c, 9, &len), "");
	assert_int_equal(crm_csv_next(c), 0);
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(fp);
}

static void test_quoted_newlines(void **state)
{
	FILE *fp = INPUT("id,note\n"			/* 1 */
			 "1,\"two\nlines\"\n"		/* 2-3 */
			 "2,plain\n"			/* 4 */
			 "3,\"a\r\nb\r\nc\"\r\n"	/* 5-7 */
			 "\n"				/* 8: blank, skipped */
			 "\"4\n\",x\n"			/* 9-10 */
			 "5,\"\"\"\n\"\"\"\n"		/* 11-12 */
			 "6,last");			/* 13, no newline */
	struct crm_csv *c = open_ok(fp, "x.csv");

	(void)state;
	expect_row(c, 2, "1", "two\nlines");
	expect_row(c, 4, "2", "plain");
	expect_row(c, 5, "3", "a\r\nb\r\nc");
	expect_row(c, 9, "4\n", "x");
	expect_row(c, 11, "5", "\"\n\"");
	expect_row(c, 13, "6", "last");
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(fp);
}

/* Read again from the first row, from the end or half-way, with the same
 * line numbers and the same messages. */
static void test_rewind(void **state)
{
	FILE *fp = INPUT("\xEF\xBB\xBFid,note\r\n"	/* 1 */
			 "1,\"two\nlines\"\n"		/* 2-3 */
			 "2\n"				/* 4: one field short */
			 "3,last");			/* 5, no newline */
	struct crm_csv *c = open_ok(fp, "x.csv");

	(void)state;
	for (int pass = 0; pass < 3; pass++) {
		if (pass)
			assert_int_equal(crm_csv_rewind(c), 0);
		expect_row(c, 2, "1", "two\nlines");
		if (pass == 1)
			continue;	/* half-way */
		capture();
		assert_int_equal(crm_csv_next(c), -65);
		ASSERT_STDERR("t: x.csv:4: expected 2 fields, got 1\n");
		expect_row(c, 5, "3", "last");
		assert_int_equal(crm_csv_next(c), 0);
	}
	assert_int_equal(crm_csv_ncols(c), 2);
	assert_string_equal(crm_csv_colname(c, 0), "id");
	crm_csv_close(c);
	fclose(fp);
}

static void test_field_counts(void **state)
{
	FILE *fp = INPUT("a,b,c\n"
			 "1,2,3\n"
			 "\"multi\nline\",2\n"	/* 3-4: two fields */
			 "4,5,6\n"
			 "\n"
			 "   \n"
			 "1,2,3,4\n"		/* 8 */
			 "7,8,9\n"
			 "only");		/* 10 */
	struct crm_csv *c = open_ok(fp, "x.csv");

	(void)state;
	capture();
	expect_row(c, 2, "1", "2");
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_line(c), 3);
	assert_int_equal(crm_csv_nfields(c), 2);
	assert_string_equal(crm_csv_field(c, 0, NULL), "multi\nline");
	assert_string_equal(crm_csv_field(c, 2, NULL), "");
	expect_row(c, 5, "4", "5");
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_line(c), 8);
	assert_int_equal(crm_csv_nfields(c), 4);
	assert_string_equal(crm_csv_field(c, 3, NULL), "4");
	expect_row(c, 9, "7", "8");
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_next(c), 0);
	ASSERT_STDERR("t: x.csv:3: expected 3 fields, got 2\n"
		      "t: x.csv:8: expected 3 fields, got 4\n"
		      "t: x.csv:10: expected 3 fields, got 1\n");
	crm_csv_close(c);
	fclose(fp);
}

static void test_bom_and_trim(void **state)
{
	FILE *fp = INPUT("\xEF\xBB\xBF id , name ,\" quoted \"\n1,2,3\n");
	FILE *fp2 = INPUT("\xEF\xBB\xBF");
	struct crm_csv *c = open_ok(fp, "x.csv");
	int status = 0;

	(void)state;
	assert_string_equal(crm_csv_colname(c, 0), "id");
	assert_string_equal(crm_csv_colname(c, 1), "name");
	assert_string_equal(crm_csv_colname(c, 2), "quoted");
	assert_int_equal(crm_csv_col(c, "id"), 0);
	expect_row(c, 2, "1", "2");
	crm_csv_close(c);
	capture();
	assert_null(crm_csv_open(fp2, "bom.csv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: bom.csv: empty input\n");
	fclose(fp);
	fclose(fp2);
}

static void test_malformed_quotes(void **state)
{
	FILE *fp = INPUT("a,b\n"
			 "1,ok\n"
			 "2,x\"y\n"		/* 3: quote inside an unquoted field */
			 "3,\"fine\"\n"
			 "4,\"ab\"cd\n"	/* 5: text after the closing quote */
			 "5,\"spans\n"
			 "two\" lines\"\n"	/* 6-7: error found on line 7 */
			 "6,good\n"		/* 8 */
			 "7,\"never closed\n"	/* 9: swallows the rest */
			 "8,lost\n");
	struct crm_csv *c = open_ok(fp, "x.csv");
	size_t len;

	(void)state;
	capture();
	expect_row(c, 2, "1", "ok");
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_line(c), 3);
	assert_int_equal(crm_csv_nfields(c), 0);
	assert_string_equal(crm_csv_raw(c, &len), "2,x\"y\n");
	assert_int_equal(len, 6);
	expect_row(c, 4, "3", "fine");
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_line(c), 5);
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_line(c), 7);
	assert_string_equal(crm_csv_raw(c, NULL), "5,\"spans\ntwo\" lines\"\n");
	expect_row(c, 8, "6", "good");
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_line(c), 9);
	assert_string_equal(crm_csv_raw(c, NULL), "7,\"never closed\n8,lost\n");
	assert_int_equal(crm_csv_next(c), 0);
	ASSERT_STDERR("t: x.csv:3: malformed CSV: error parsing data while strict checking enabled\n"
		      "t: x.csv:5: malformed CSV: error parsing data while strict checking enabled\n"
		      "t: x.csv:7: malformed CSV: error parsing data while strict checking enabled\n"
		      "t: x.csv:9: malformed CSV: error parsing data while strict checking enabled\n");
	crm_csv_close(c);
	fclose(fp);
}

static void test_malformed_header(void **state)
{
	FILE *fp = INPUT("a,b\"c\n1,2\n");
	int status = 0;

	(void)state;
	capture();
	assert_null(crm_csv_open(fp, "-", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: stdin:1: malformed CSV: error parsing data while strict checking enabled\n");
	fclose(fp);
}

static void test_nul_and_utf8(void **state)
{
	FILE *fp = INPUT("id,name,city\n"
			 "1,a\0b,x\n"			/* 2 */
			 "2,\"\xC0\xAF\",x\n"		/* 3: overlong */
			 "3,ok,\xED\xA0\x80\n"		/* 4: surrogate */
			 "4,\xE5\xBC\xA0,\"Bei\xE4\xBA\"\n"	/* 5: truncated */
			 "5,\xE5\xBC\xA0,\xE5\x8C\x97\xE4\xBA\xAC\n");
	FILE *fp2 = INPUT("id,n\xE4me\n");
	struct crm_csv *c = open_ok(fp, "x.csv");
	int status = 0;
	size_t len;

	(void)state;
	capture();
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_line(c), 2);
	crm_csv_field(c, 1, &len);
	assert_int_equal(len, 3);	/* the whole field, NUL and all */
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_next(c), -65);
	assert_int_equal(crm_csv_next(c), -65);
	expect_row(c, 6, "5", "\xE5\xBC\xA0");
	assert_null(crm_csv_open(fp2, "h.csv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.csv:2: NUL byte\n"
		      "t: x.csv:3: invalid UTF-8 in column 'name'\n"
		      "t: x.csv:4: invalid UTF-8 in column 'city'\n"
		      "t: x.csv:5: invalid UTF-8 in column 'city'\n"
		      "t: h.csv:1: invalid UTF-8 in header\n");
	crm_csv_close(c);
	fclose(fp);
	fclose(fp2);
}

static void test_empty_and_header_only(void **state)
{
	FILE *empty = INPUT("");
	FILE *blank = INPUT("\n\r\n");
	FILE *hdr = INPUT("a,b\r\n");
	FILE *hdr_nonl = INPUT("a,b");
	FILE *dup = INPUT("a,b, a\n");
	int status = 0;
	struct crm_csv *c;

	(void)state;
	capture();
	assert_null(crm_csv_open(empty, "x.csv", &status));
	assert_int_equal(status, 65);
	assert_null(crm_csv_open(blank, NULL, &status));
	assert_int_equal(status, 65);
	assert_null(crm_csv_open(dup, "d.csv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.csv: empty input\nt: stdin: empty input\n"
		      "t: d.csv:1: duplicate column 'a'\n");
	c = open_ok(hdr, "x.csv");
	assert_int_equal(crm_csv_ncols(c), 2);
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	c = open_ok(hdr_nonl, "x.csv");
	assert_string_equal(crm_csv_colname(c, 1), "b");
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(empty);
	fclose(blank);
	fclose(hdr);
	fclose(hdr_nonl);
	fclose(dup);
}

/* Enough records to cross many 64 KiB chunks, with quoted newlines
 * landing anywhere: every record's start line must still be right. */
static void test_many_chunks(void **state)
{
	enum { ROWS = 30000 };
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	long *lines = calloc(ROWS, sizeof *lines);
	long line = 2;
	struct crm_csv *c;

	(void)state;
	fputs("n,text\r\n", fp);
	for (int i = 0; i < ROWS; i++) {
		lines[i] = line;
		if (i % 7 == 0) {
			fprintf(fp, "%d,\"row %d\nhas\r\nthree lines\"\r\n", i, i);
			line += 3;
		} else if (i % 11 == 0) {
			fprintf(fp, "\n%d,\"\"\"quoted\"\" %d\"\n", i, i);
			lines[i]++;
			line += 2;
		} else {
			fprintf(fp, "%d,plain text for row %d\r\n", i, i);
			line += 1;
		}
	}
	fclose(fp);
	assert_true(size > 10 * 65536);
	fp = input(buf, size);
	c = open_ok(fp, "big.csv");
	for (int i = 0; i < ROWS; i++) {
		char want[64];
		assert_int_equal(crm_csv_next(c), 1);
		assert_int_equal(crm_csv_line(c), lines[i]);
		assert_int_equal(atoi(crm_csv_field(c, 0, NULL)), i);
		if (i % 7 == 0)
			snprintf(want, sizeof want, "row %d\nhas\r\nthree lines", i);
		else if (i % 11 == 0)
			snprintf(want, sizeof want, "\"quoted\" %d", i);
		else
			snprintf(want, sizeof want, "plain text for row %d", i);
		assert_string_equal(crm_csv_field(c, 1, NULL), want);
	}
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(fp);
	free(buf);
	free(lines);
}

static void test_huge_field(void **state)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 64);
	size_t off, len;
	FILE *fp;
	struct crm_csv *c;
	const char *f;

	(void)state;
	off = (size_t)sprintf(big, "k,v\nkey,\"");
	for (size_t i = 0; i < n; i++)
		big[off++] = i % 1000 == 999 ? '\n' : (char)('a' + i % 26);
	memcpy(big + off, "\"\nnext,x\n", 9);
	off += 9;
	fp = input(big, off);
	c = open_ok(fp, "big.csv");
	assert_int_equal(crm_csv_next(c), 1);
	f = crm_csv_field(c, 1, &len);
	assert_int_equal(len, n);
	assert_int_equal(f[0], 'a');
	assert_int_equal(f[999], '\n');
	assert_int_equal(f[n - 1], 'a' + (n - 1) % 26);
	expect_row(c, 2 + (long)(n / 1000) + 1, "next", "x");
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(fp);
	free(big);
}

/* --- writer --- */

/* A record longer than CRM_RECORD_MAX is refused before it is all in
 * memory; the next line is read as usual. */
static void test_record_limit(void **state)
{
	size_t n = CRM_RECORD_MAX;
	char *big = malloc(n + 64);
	size_t off;
	char want[128];
	FILE *fp;
	struct crm_csv *c;

	(void)state;
	off = (size_t)sprintf(big, "k,v\n1,\"");
	memset(big + off, 'a', n);
	off += n;
	off += (size_t)sprintf(big + off, "\"\n3,x\n");
	fp = input(big, off);
	c = open_ok(fp, "big.csv");
	capture();
	assert_int_equal(crm_csv_next(c), -65);
	snprintf(want, sizeof want, "t: big.csv:2: record longer than %d bytes\n", CRM_RECORD_MAX);
	ASSERT_STDERR(want);
	expect_row(c, 3, "3", "x");
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(fp);
	free(big);
}

/* 100,000 columns open at once (the duplicate check compared every pair). */
static void test_wide_header(void **state)
{
	enum { N = 100000 };
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	struct crm_csv *c;

	(void)state;
	for (int i = 0; i < N; i++)
		fprintf(fp, "%sc%d", i ? "," : "", i);
	fputs("\r\n", fp);
	for (int i = 0; i < N; i++)
		fputs(i ? ",x" : "x", fp);
	fputs("\r\n", fp);
	fclose(fp);
	fp = input(buf, size);
	c = open_ok(fp, "wide.csv");
	assert_int_equal(crm_csv_ncols(c), N);
	assert_int_equal(crm_csv_next(c), 1);
	assert_string_equal(crm_csv_field(c, N - 1, NULL), "x");
	crm_csv_close(c);
	fclose(fp);
	free(buf);
}

static void test_put(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	const char *row[] = { "a", "b,c", "say \"hi\"", " x", NULL, "two\nlines", "\xE4\xB8\xAD" };
	const char *one_empty[] = { "" };
	const char *one_null[] = { NULL };

	(void)state;
	crm_csv_put(fp, "plain");
	crm_csv_put(fp, NULL);
	crm_csv_put(fp, "");
	putc('|', fp);
	crm_csv_put(fp, "tab\t");
	putc('|', fp);
	crm_csv_put_row(fp, row, 7);
	crm_csv_put_row(fp, one_empty, 1);
	crm_csv_put_row(fp, one_null, 1);
	fclose(fp);
	assert_string_equal(buf, "plain|\"tab\t\"|"
			    "a,\"b,c\",\"say \"\"hi\"\"\",\" x\",,\"two\nlines\",\xE4\xB8\xAD\r\n"
			    "\"\"\r\n\"\"\r\n");
	free(buf);
}

static void test_round_trip(void **state)
{
	static const char *const pieces[] = {
		"a", ",", "\"", "\n", "\r\n", "\r", " ", "\t", "\xE5\xBC\xA0\xE4\xB8\x89",
		"x y", "\\", "''", "",
	};
	enum { ROWS = 400, COLS = 3 };
	static char vals[ROWS][COLS][128];
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	const char *hdr[COLS] = { "c0", "c1", "c2" };
	const char *one[1] = { "" };
	uint32_t seed = 777;
	struct crm_csv *c;

	(void)state;
	crm_csv_put_row(fp, hdr, COLS);
	for (int r = 0; r < ROWS; r++) {
		const char *row[COLS];
		for (int k = 0; k < COLS; k++) {
			seed = seed * 1103515245u + 12345u;
			int n = (int)(seed >> 16) % 8;
			vals[r][k][0] = '\0';
			for (int i = 0; i < n; i++) {
				seed = seed * 1103515245u + 12345u;
				strcat(vals[r][k], pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
			}
			row[k] = vals[r][k];
		}
		crm_csv_put_row(fp, row, COLS);
	}
	fclose(fp);

	fp = input(buf, size);
	c = open_ok(fp, "rt.csv");
	for (int r = 0; r < ROWS; r++) {
		assert_int_equal(crm_csv_next(c), 1);
		assert_int_equal(crm_csv_nfields(c), COLS);
		for (int k = 0; k < COLS; k++)
			assert_string_equal(crm_csv_field(c, (size_t)k, NULL), vals[r][k]);
	}
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(fp);
	free(buf);

	/* a one-column file whose values are empty keeps its rows */
	buf = NULL;
	fp = open_memstream(&buf, &size);
	hdr[0] = "only";
	crm_csv_put_row(fp, hdr, 1);
	crm_csv_put_row(fp, one, 1);
	crm_csv_put_row(fp, one, 1);
	fclose(fp);
	fp = input(buf, size);
	c = open_ok(fp, "one.csv");
	expect_row(c, 2, "", NULL);
	expect_row(c, 3, "", NULL);
	assert_int_equal(crm_csv_next(c), 0);
	crm_csv_close(c);
	fclose(fp);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_basic, teardown),
		cmocka_unit_test_teardown(test_quoted_newlines, teardown),
		cmocka_unit_test_teardown(test_rewind, teardown),
		cmocka_unit_test_teardown(test_field_counts, teardown),
		cmocka_unit_test_teardown(test_bom_and_trim, teardown),
		cmocka_unit_test_teardown(test_malformed_quotes, teardown),
		cmocka_unit_test_teardown(test_malformed_header, teardown),
		cmocka_unit_test_teardown(test_nul_and_utf8, teardown),
		cmocka_unit_test_teardown(test_empty_and_header_only, teardown),
		cmocka_unit_test_teardown(test_many_chunks, teardown),
		cmocka_unit_test_teardown(test_huge_field, teardown),
		cmocka_unit_test_teardown(test_record_limit, teardown),
		cmocka_unit_test_teardown(test_wide_header, teardown),
		cmocka_unit_test_teardown(test_put, teardown),
		cmocka_unit_test_teardown(test_round_trip, teardown),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
