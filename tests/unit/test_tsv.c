/* test_tsv.c: the TSV reader and writer (escapes, bad rows, odd input) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "tsv.h"

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

/* Stop capturing; return what was written to stderr (caller frees). */
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

static struct crm_tsv *open_ok(FILE *fp, const char *name)
{
	int status = -1;
	struct crm_tsv *t = crm_tsv_open(fp, name, &status);

	assert_non_null(t);
	assert_int_equal(status, 0);
	return t;
}

static void expect_row(struct crm_tsv *t, long line, const char *a, const char *b)
{
	assert_int_equal(crm_tsv_next(t), 1);
	assert_int_equal(crm_tsv_line(t), line);
	assert_string_equal(crm_tsv_field(t, 0, NULL), a);
	if (b)
		assert_string_equal(crm_tsv_field(t, 1, NULL), b);
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
	FILE *fp = INPUT("id\tname\tnote\n1\t\xE5\xBC\xA0\xE4\xB8\x89\tfirst\n2\t\tsecond\n");
	struct crm_tsv *t = open_ok(fp, "x.tsv");
	size_t len;

	(void)state;
	assert_int_equal(crm_tsv_ncols(t), 3);
	assert_string_equal(crm_tsv_colname(t, 1), "name");
	assert_null(crm_tsv_colname(t, 3));
	assert_int_equal(crm_tsv_col(t, "note"), 2);
	assert_int_equal(crm_tsv_col(t, "id"), 0);
	assert_int_equal(crm_tsv_col(t, "missing"), -1);
	assert_string_equal(crm_tsv_name(t), "x.tsv");

	expect_row(t, 2, "1", "\xE5\xBC\xA0\xE4\xB8\x89");
	assert_string_equal(crm_tsv_field(t, 2, &len), "first");
	assert_int_equal(len, 5);
	assert_string_equal(crm_tsv_raw(t), "1\t\xE5\xBC\xA0\xE4\xB8\x89\tfirst");
	expect_row(t, 3, "2", "");
	assert_string_equal(crm_tsv_field(t, 1, &len), "");
	assert_int_equal(len, 0);
	assert_string_equal(crm_tsv_field(t, 7, &len), "");
	assert_int_equal(crm_tsv_next(t), 0);
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);
}

static void test_unescape(void **state)
{
	FILE *fp = INPUT("a\tb\n"
			 "x\\ty\\nz\\rw\\\\v\tplain\n"
			 "a\\qb\tend\\\n"
			 "\\\\t\t\\\\\\n\n"
			 "C:\\dir\\file\t\\x\\\n"
			 "h\\tdr\\\\\tq\n");
	struct crm_tsv *t = open_ok(fp, "x.tsv");
	size_t len;

	(void)state;
	expect_row(t, 2, "x\ty\nz\rw\\v", "plain");
	assert_int_equal(crm_tsv_field(t, 0, &len)[0], 'x');
	assert_int_equal(len, 9);
	/* escapes stay in the raw line */
	assert_string_equal(crm_tsv_raw(t), "x\\ty\\nz\\rw\\\\v\tplain");
	/* other backslashes are kept, so is a trailing one */
	expect_row(t, 3, "a\\qb", "end\\");
	/* \\t is a backslash then t; \\\n a backslash then a newline */
	expect_row(t, 4, "\\t", "\\\n");
	expect_row(t, 5, "C:\\dir\\file", "\\x\\");
	expect_row(t, 6, "h\tdr\\", "q");
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);
}

static void test_escaped_header(void **state)
{
	FILE *fp = INPUT("odd\\tname\tb\n1\t2\n");
	struct crm_tsv *t = open_ok(fp, "x.tsv");

	(void)state;
	assert_string_equal(crm_tsv_colname(t, 0), "odd\tname");
	assert_int_equal(crm_tsv_col(t, "b"), 1);
	crm_tsv_close(t);
	fclose(fp);
}

static void test_field_counts(void **state)
{
	FILE *fp = INPUT("a\tb\tc\n"
			 "1\t2\t3\n"
			 "1\t2\n"
			 "4\t5\t6\n"
			 "1\t2\t3\t4\n"
			 "\n"
			 "7\t8\t9\n"
			 "only");
	struct crm_tsv *t = open_ok(fp, "x.tsv");

	(void)state;
	capture();
	expect_row(t, 2, "1", "2");
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_line(t), 3);
	assert_string_equal(crm_tsv_raw(t), "1\t2");
	expect_row(t, 4, "4", "5");
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_line(t), 5);
	assert_int_equal(crm_tsv_next(t), -65);	/* an empty line */
	assert_int_equal(crm_tsv_line(t), 6);
	expect_row(t, 7, "7", "8");
	assert_string_equal(crm_tsv_field(t, 2, NULL), "9");
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_line(t), 8);
	assert_int_equal(crm_tsv_next(t), 0);
	ASSERT_STDERR("t: x.tsv:3: expected 3 fields, got 2\n"
		      "t: x.tsv:5: expected 3 fields, got 4\n"
		      "t: x.tsv:6: expected 3 fields, got 1\n"
		      "t: x.tsv:8: expected 3 fields, got 1\n");
	crm_tsv_close(t);
	fclose(fp);
}

static void test_one_column_empty_line(void **state)
{
	FILE *fp = INPUT("name\nann\n\nbob\n");
	struct crm_tsv *t = open_ok(fp, "x.tsv");

	(void)state;
	expect_row(t, 2, "ann", NULL);
	expect_row(t, 3, "", NULL);
	expect_row(t, 4, "bob", NULL);
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);
}

static void test_crlf(void **state)
{
	FILE *fp = INPUT("a\tb\r\n1\t2\r\n");
	FILE *fp2 = INPUT("a\tb\n1\t2\r\n3\t4\n5\t\r\n");
	int status = 0;
	struct crm_tsv *t;

	(void)state;
	capture();
	assert_null(crm_tsv_open(fp, "x.tsv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.tsv:1: CR at end of line (convert CRLF with dos2unix)\n");

	t = open_ok(fp2, "y.tsv");
	capture();
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_line(t), 2);
	expect_row(t, 3, "3", "4");
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_next(t), 0);
	ASSERT_STDERR("t: y.tsv:2: CR at end of line (convert CRLF with dos2unix)\n"
		      "t: y.tsv:4: CR at end of line (convert CRLF with dos2unix)\n");
	crm_tsv_close(t);
	fclose(fp);
	fclose(fp2);
}

static void test_nul(void **state)
{
	FILE *fp = INPUT("a\tb\n1\0x\t2\n3\t4\n");
	FILE *fp2 = INPUT("a\0\tb\n");
	struct crm_tsv *t = open_ok(fp, "x.tsv");
	int status = 0;

	(void)state;
	capture();
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_line(t), 2);
	expect_row(t, 3, "3", "4");
	assert_int_equal(crm_tsv_next(t), 0);
	assert_null(crm_tsv_open(fp2, "h.tsv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.tsv:2: NUL byte\nt: h.tsv:1: NUL byte\n");
	crm_tsv_close(t);
	fclose(fp);
	fclose(fp2);
}

static void test_invalid_utf8(void **state)
{
	FILE *fp = INPUT("id\tname\tcity\n"
			 "1\t\xC0\xAF\tx\n"		/* overlong */
			 "2\tok\t\xED\xA0\x80\n"	/* surrogate */
			 "3\t\xE5\xBC\xA0\tBei\xE4\xBA\n"	/* truncated at the end */
			 "\xFF\tb\tc\n"
			 "4\t\xE5\xBC\xA0\t\xE5\x8C\x97\xE4\xBA\xAC\n");
	FILE *fp2 = INPUT("id\tn\xE4me\n");
	struct crm_tsv *t = open_ok(fp, "x.tsv");
	int status = 0;

	(void)state;
	capture();
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_next(t), -65);
	assert_int_equal(crm_tsv_next(t), -65);
	expect_row(t, 6, "4", "\xE5\xBC\xA0");
	assert_string_equal(crm_tsv_field(t, 2, NULL), "\xE5\x8C\x97\xE4\xBA\xAC");
	assert_null(crm_tsv_open(fp2, "h.tsv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.tsv:2: invalid UTF-8 in column 'name'\n"
		      "t: x.tsv:3: invalid UTF-8 in column 'city'\n"
		      "t: x.tsv:4: invalid UTF-8 in column 'city'\n"
		      "t: x.tsv:5: invalid UTF-8 in column 'id'\n"
		      "t: h.tsv:1: invalid UTF-8 in header\n");
	crm_tsv_close(t);
	fclose(fp);
	fclose(fp2);
}

static void test_empty_and_header_only(void **state)
{
	FILE *empty = INPUT("");
	FILE *blank = INPUT("\n");
	FILE *hdr = INPUT("a\tb\n");
	FILE *hdr_nonl = INPUT("a\tb");
	int status = 0;
	struct crm_tsv *t;

	(void)state;
	capture();
	assert_null(crm_tsv_open(empty, "x.tsv", &status));
	assert_int_equal(status, 65);
	assert_null(crm_tsv_open(blank, "-", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.tsv: empty input\nt: stdin:1: empty header line\n");

	t = open_ok(hdr, "x.tsv");
	assert_int_equal(crm_tsv_ncols(t), 2);
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	t = open_ok(hdr_nonl, "x.tsv");
	assert_string_equal(crm_tsv_colname(t, 1), "b");
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(empty);
	fclose(blank);
	fclose(hdr);
	fclose(hdr_nonl);
}

static void test_missing_final_newline(void **state)
{
	FILE *fp = INPUT("a\tb\n1\t2\n3\t\\\\");
	struct crm_tsv *t = open_ok(fp, "x.tsv");

	(void)state;
	expect_row(t, 2, "1", "2");
	expect_row(t, 3, "3", "\\");
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);
}

static void test_duplicate_header(void **state)
{
	FILE *fp = INPUT("id\tname\tid\n1\t2\t3\n");
	int status = 0;

	(void)state;
	capture();
	assert_null(crm_tsv_open(fp, "x.tsv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.tsv:1: duplicate column 'id'\n");
	fclose(fp);
}

static void test_stdin_name(void **state)
{
	FILE *fp = INPUT("a\tb\n1\n");
	struct crm_tsv *t = open_ok(fp, NULL);

	(void)state;
	assert_string_equal(crm_tsv_name(t), "stdin");
	capture();
	assert_int_equal(crm_tsv_next(t), -65);
	ASSERT_STDERR("t: stdin:2: expected 2 fields, got 1\n");
	crm_tsv_close(t);
	fclose(fp);
}

static void test_huge_field(void **state)
{
	size_t n = 1 << 20;
	char *big = malloc(n + 64);
	char *text;
	size_t len, off = 0;
	FILE *fp;
	struct crm_tsv *t;

	(void)state;
	off += (size_t)sprintf(big, "k\tv\nkey\t");
	for (size_t i = 0; i < n; i++)
		big[off++] = (char)('a' + i % 26);
	memcpy(big + off, "\\t\nnext\tx\n", 10);
	off += 10;
	fp = input(big, off);
	t = open_ok(fp, "big.tsv");
	assert_int_equal(crm_tsv_next(t), 1);
	text = (char *)crm_tsv_field(t, 1, &len);
	assert_int_equal(len, n + 1);
	assert_int_equal(text[0], 'a');
	assert_int_equal(text[n - 1], 'a' + (n - 1) % 26);
	assert_int_equal(text[n], '\t');
	assert_int_equal(text[n + 1], '\0');
	expect_row(t, 3, "next", "x");
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);
	free(big);
}

/* A BOM before the header is dropped, as the CSV reader drops it, so the
 * first column is found by name; anywhere else it is data. */
static void test_bom(void **state)
{
	FILE *fp = INPUT("\xEF\xBB\xBFid\tname\n\xEF\xBB\xBF" "1\tx\n");
	struct crm_tsv *t = open_ok(fp, "x.tsv");

	(void)state;
	assert_int_equal(crm_tsv_col(t, "id"), 0);
	assert_string_equal(crm_tsv_colname(t, 0), "id");
	expect_row(t, 2, "\xEF\xBB\xBF" "1", "x");
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);

	/* a BOM alone is an empty header line, not a column named "" */
	fp = INPUT("\xEF\xBB\xBF\n1\n");
	int status = 0;
	capture();
	assert_null(crm_tsv_open(fp, "x.tsv", &status));
	assert_int_equal(status, 65);
	ASSERT_STDERR("t: x.tsv:1: empty header line\n");
	fclose(fp);
}

/* A line longer than CRM_RECORD_MAX is refused without being kept, and
 * the reader goes on with the next line. */
static void test_record_limit(void **state)
{
	size_t n = CRM_RECORD_MAX;
	char *big = malloc(2 * n + 64);
	size_t off = 0;
	char want[128];
	FILE *fp;
	struct crm_tsv *t;

	(void)state;
	off += (size_t)sprintf(big, "k\tv\n1\t");
	memset(big + off, 'a', n - 2);	/* line 2: exactly the limit */
	off += n - 2;
	off += (size_t)sprintf(big + off, "\n2\t");
	memset(big + off, 'b', n - 1);	/* line 3: one byte over */
	off += n - 1;
	off += (size_t)sprintf(big + off, "\n3\tx\n");
	fp = input(big, off);
	t = open_ok(fp, "big.tsv");
	assert_int_equal(crm_tsv_next(t), 1);
	assert_int_equal(strlen(crm_tsv_field(t, 1, NULL)), n - 2);
	capture();
	assert_int_equal(crm_tsv_next(t), -65);
	snprintf(want, sizeof want, "t: big.tsv:3: record longer than %d bytes\n", CRM_RECORD_MAX);
	ASSERT_STDERR(want);
	assert_string_equal(crm_tsv_raw(t), "");
	expect_row(t, 4, "3", "x");
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);

	/* a header that long: nothing to read the rest by */
	memset(big, 'h', n + 1);
	big[n + 1] = '\n';
	fp = input(big, n + 2);
	int status = 0;
	capture();
	assert_null(crm_tsv_open(fp, "big.tsv", &status));
	assert_int_equal(status, 65);
	snprintf(want, sizeof want, "t: big.tsv:1: record longer than %d bytes\n", CRM_RECORD_MAX);
	ASSERT_STDERR(want);
	fclose(fp);
	free(big);
}

/* 100,000 columns: the duplicate check must not compare every pair (it
 * took seconds); the first repeated name is the one reported. */
static void test_wide_header(void **state)
{
	enum { N = 100000 };
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	struct crm_tsv *t;
	int status = 0;

	(void)state;
	for (int i = 0; i < N; i++)
		fprintf(fp, "%sc%d", i ? "\t" : "", i);
	fputs("\n", fp);
	for (int i = 0; i < N; i++)
		fputs(i ? "\tx" : "x", fp);
	fputs("\n", fp);
	fclose(fp);
	fp = input(buf, size);
	t = open_ok(fp, "wide.tsv");
	assert_int_equal(crm_tsv_ncols(t), N);
	assert_int_equal(crm_tsv_next(t), 1);
	assert_string_equal(crm_tsv_field(t, N - 1, NULL), "x");
	crm_tsv_close(t);
	fclose(fp);
	free(buf);

	const char *names[] = {"a", "", "b", "", "c", "b", "a", "c"};
	assert_int_equal(crm_header_duplicate(names, 8), 5);
	assert_int_equal(crm_header_duplicate(names, 5), -1);
	fp = INPUT("z\ty\tx\ty\tz\n");
	capture();
	assert_null(crm_tsv_open(fp, "x.tsv", &status));
	ASSERT_STDERR("t: x.tsv:1: duplicate column 'y'\n");
	fclose(fp);
}

/* --- writer --- */

static char *written(FILE *fp, char **buf)
{
	fclose(fp);
	return *buf;
}

static void test_put(void **state)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	const char *row[] = { "a\tb", NULL, "line\nbreak\r", "back\\slash", "\\q", "\xE4\xB8\xAD" };

	(void)state;
	crm_tsv_put(fp, "plain");
	crm_tsv_put(fp, NULL);
	crm_tsv_put(fp, "");
	putc('|', fp);
	crm_tsv_put_row(fp, row, 6);
	crm_tsv_put_row(fp, row, 0);
	assert_string_equal(written(fp, &buf),
			    "plain|a\\tb\t\tline\\nbreak\\r\tback\\\\slash\t\\\\q\t\xE4\xB8\xAD\n\n");
	free(buf);
}

/* Write awkward values, read them back: the same strings must come out. */
static void test_round_trip(void **state)
{
	static const char *const pieces[] = {
		"a", "\t", "\n", "\r", "\\", "\\t", "\\n", "\\\\", "\xE5\xBC\xA0\xE4\xB8\x89",
		"\xE5\x8C\x97\xE4\xBA\xAC", " ", "x y", "\\q", "\r\n", "", "%s", "\"",
	};
	enum { ROWS = 300, COLS = 3 };
	static char vals[ROWS][COLS][128];
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	const char *hdr[COLS] = { "c0", "c1", "c2" };
	uint32_t seed = 12345;
	struct crm_tsv *t;

	(void)state;
	crm_tsv_put_row(fp, hdr, COLS);
	for (int r = 0; r < ROWS; r++) {
		const char *row[COLS];
		for (int c = 0; c < COLS; c++) {
			seed = seed * 1103515245u + 12345u;
			int k = (int)(seed >> 16) % 8;
			vals[r][c][0] = '\0';
			for (int i = 0; i < k; i++) {
				seed = seed * 1103515245u + 12345u;
				strcat(vals[r][c], pieces[(seed >> 16) % (sizeof pieces / sizeof pieces[0])]);
			}
			row[c] = vals[r][c];
		}
		crm_tsv_put_row(fp, row, COLS);
	}
	fclose(fp);
	/* every record is one line: ROWS + header newlines, nothing more */
	size_t lines = 0;
	for (size_t i = 0; i < size; i++)
		lines += buf[i] == '\n';
	assert_int_equal(lines, ROWS + 1);
	assert_null(memchr(buf, '\r', size));

	fp = input(buf, size);
	t = open_ok(fp, "rt.tsv");
	for (int r = 0; r < ROWS; r++) {
		assert_int_equal(crm_tsv_next(t), 1);
		for (int c = 0; c < COLS; c++) {
			size_t len;
			const char *got = crm_tsv_field(t, (size_t)c, &len);
			assert_string_equal(got, vals[r][c]);
			assert_int_equal(len, strlen(vals[r][c]));
		}
	}
	assert_int_equal(crm_tsv_next(t), 0);
	crm_tsv_close(t);
	fclose(fp);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_basic, teardown),
		cmocka_unit_test_teardown(test_unescape, teardown),
		cmocka_unit_test_teardown(test_escaped_header, teardown),
		cmocka_unit_test_teardown(test_field_counts, teardown),
		cmocka_unit_test_teardown(test_one_column_empty_line, teardown),
		cmocka_unit_test_teardown(test_crlf, teardown),
		cmocka_unit_test_teardown(test_nul, teardown),
		cmocka_unit_test_teardown(test_invalid_utf8, teardown),
		cmocka_unit_test_teardown(test_empty_and_header_only, teardown),
		cmocka_unit_test_teardown(test_missing_final_newline, teardown),
		cmocka_unit_test_teardown(test_duplicate_header, teardown),
		cmocka_unit_test_teardown(test_stdin_name, teardown),
		cmocka_unit_test_teardown(test_huge_field, teardown),
		cmocka_unit_test_teardown(test_bom, teardown),
		cmocka_unit_test_teardown(test_record_limit, teardown),
		cmocka_unit_test_teardown(test_wide_header, teardown),
		cmocka_unit_test_teardown(test_put, teardown),
		cmocka_unit_test_teardown(test_round_trip, teardown),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
