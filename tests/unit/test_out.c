/* test_out.c: tsv, csv, table and JSON Lines output; expected tables
 * worked out by hand (CJK characters count two cells, numbers
 * right-aligned, two spaces between columns, no trailing spaces). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "out.h"

struct sink {
	char *buf;
	size_t size;
	FILE *fp;
};

static struct crm_out *start(struct sink *s, enum crm_format fmt, bool header)
{
	s->buf = NULL;
	s->size = 0;
	s->fp = open_memstream(&s->buf, &s->size);
	assert_non_null(s->fp);
	return crm_out_new(s->fp, fmt, header);
}

/* End o, compare everything written with expected. */
static void finish(struct sink *s, struct crm_out *o, const char *expected)
{
	crm_out_end(o);
	fclose(s->fp);
	assert_string_equal(s->buf, expected);
	free(s->buf);
}

#define ROW(o, ...) do { \
	const char *row_[] = { __VA_ARGS__ }; \
	crm_out_row(o, row_); \
} while (0)

static void test_format_parse(void **state)
{
	(void)state;
	assert_int_equal(crm_format_parse("tsv"), CRM_FMT_TSV);
	assert_int_equal(crm_format_parse("csv"), CRM_FMT_CSV);
	assert_int_equal(crm_format_parse("table"), CRM_FMT_TABLE);
	assert_int_equal(crm_format_parse("gnuplot"), CRM_FMT_GNUPLOT);
	assert_int_equal(crm_format_parse("TSV"), -1);
	assert_int_equal(crm_format_parse("json"), CRM_FMT_JSON);
	assert_int_equal(crm_format_parse("JSON"), -1);
	assert_int_equal(crm_format_parse("jsonl"), -1);
	assert_int_equal(crm_format_parse(""), -1);
	assert_int_equal(crm_format_parse("tsvx"), -1);
	assert_int_equal(crm_format_parse(NULL), -1);
}

static void test_tsv(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TSV, true);

	(void)state;
	crm_out_col(o, "name", CRM_COL_TEXT);
	crm_out_col(o, "amount", CRM_COL_MONEY);
	crm_out_col(o, "rate", CRM_COL_RATE);
	ROW(o, "a\tb", "12.50", "0.7333");
	ROW(o, "line\nbreak\\", NULL, "inf");
	crm_out_totals(o, "total");	/* tables only */
	finish(&s, o, "name\tamount\trate\n"
		      "a\\tb\t12.50\t0.7333\n"
		      "line\\nbreak\\\\\t\tinf\n");
}

/* JSON Lines: no header line, empty is null, INT columns that are plain
 * integers are numbers, everything else a string with ", \ and control
 * characters escaped; UTF-8 passes as it is. */
static void test_json(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_JSON, true);

	(void)state;
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_col(o, "name", CRM_COL_TEXT);
	crm_out_col(o, "amount", CRM_COL_MONEY);
	ROW(o, "12", "a\"b\\c\td\ne\x01", "12.50");
	ROW(o, "-3", "王伟", NULL);
	ROW(o, "007", "", "");
	ROW(o, "1e5", "x", "0");
	finish(&s, o, "{\"id\":12,\"name\":\"a\\\"b\\\\c\\td\\ne\\u0001\",\"amount\":\"12.50\"}\n"
		      "{\"id\":-3,\"name\":\"王伟\",\"amount\":null}\n"
		      "{\"id\":\"007\",\"name\":null,\"amount\":null}\n"
		      "{\"id\":\"1e5\",\"name\":\"x\",\"amount\":\"0\"}\n");

	/* no rows: nothing at all, not even a header */
	o = start(&s, CRM_FMT_JSON, true);
	crm_out_col(o, "id", CRM_COL_INT);
	finish(&s, o, "");
}

static void test_tsv_no_header_and_no_rows(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TSV, false);
	const char *names[] = { "a", "b" };

	(void)state;
	crm_out_cols(o, names, 2);
	ROW(o, "1", "2");
	finish(&s, o, "1\t2\n");

	o = start(&s, CRM_FMT_TSV, true);
	crm_out_cols(o, names, 2);
	finish(&s, o, "a\tb\n");

	o = start(&s, CRM_FMT_GNUPLOT, true);
	crm_out_cols(o, names, 2);
	ROW(o, "2024-01", "3");
	finish(&s, o, "a\tb\n2024-01\t3\n");
}

static void test_csv(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_CSV, true);
	const char *footer[] = { "x", "y" };

	(void)state;
	crm_out_col(o, "name", CRM_COL_TEXT);
	crm_out_col(o, "rate", CRM_COL_RATE);
	ROW(o, "Acme, Inc.", "0.5000");
	ROW(o, "\xE5\xBC\xA0\xE4\xB8\x89 \"Zhang\"", NULL);
	crm_out_footer(o, footer);	/* tables only */
	finish(&s, o, "name,rate\r\n"
		      "\"Acme, Inc.\",0.5000\r\n"
		      "\"\xE5\xBC\xA0\xE4\xB8\x89 \"\"Zhang\"\"\",\r\n");
}

static void test_table_cjk_totals(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, true);

	(void)state;
	crm_out_col(o, "name", CRM_COL_TEXT);
	crm_out_col(o, "amount", CRM_COL_MONEY);
	crm_out_col(o, "rate", CRM_COL_RATE);
	crm_out_col(o, "n", CRM_COL_INT);
	ROW(o, "\xE5\xBC\xA0\xE4\xB8\x89", "1234.50", "0.7333", "3");	/* 张三 */
	ROW(o, "Li Lei", "20.05", "inf", "12");
	ROW(o, "\xE7\x8E\x8B", "", "", NULL);				/* 王 */
	crm_out_totals(o, "total");
	/* widths: name 6 (Li Lei), amount 7, rate 5 (73.3%), n 2 */
	finish(&s, o,
	       "name     amount   rate   n\n"
	       "------  -------  -----  --\n"
	       "\xE5\xBC\xA0\xE4\xB8\x89    1234.50  73.3%   3\n"
	       "Li Lei    20.05    inf  12\n"
	       "\xE7\x8E\x8B\n"
	       "------  -------  -----  --\n"
	       "total   1254.55         15\n");
}

static void test_table_cjk_header(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, true);

	(void)state;
	crm_out_col(o, "\xE9\x98\xB6\xE6\xAE\xB5", CRM_COL_TEXT);	/* 阶段, 4 cells */
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_col(o, "owner", CRM_COL_TEXT);
	ROW(o, "\xE8\xB5\xA2\xE5\x8D\x95\xE4\xBA\x86", "1", "\xE6\x9D\x8E");	/* 赢单了, 李 */
	ROW(o, "lost", "22", "Bob");
	/* widths: 6, 2, 5; the last column is not padded */
	finish(&s, o,
	       "\xE9\x98\xB6\xE6\xAE\xB5    id  owner\n"
	       "------  --  -----\n"
	       "\xE8\xB5\xA2\xE5\x8D\x95\xE4\xBA\x86   1  \xE6\x9D\x8E\n"
	       "lost    22  Bob\n");
}

static void test_table_money_totals(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, true);

	(void)state;
	crm_out_col(o, "who", CRM_COL_TEXT);
	crm_out_col(o, "amt", CRM_COL_MONEY);
	ROW(o, "a", "-0.50");
	ROW(o, "b", "3");
	ROW(o, "c", "1.5");
	ROW(o, "d", "");
	ROW(o, "e", "10.05");
	crm_out_totals(o, "sum");
	/* 3.00 + 1.50 + 10.05 - 0.50 = 14.05 */
	finish(&s, o,
	       "who    amt\n"
	       "---  -----\n"
	       "a    -0.50\n"
	       "b        3\n"
	       "c      1.5\n"
	       "d\n"
	       "e    10.05\n"
	       "---  -----\n"
	       "sum  14.05\n");

	o = start(&s, CRM_FMT_TABLE, true);
	crm_out_col(o, "who", CRM_COL_TEXT);
	crm_out_col(o, "amt", CRM_COL_MONEY);
	ROW(o, "x", "-5");
	ROW(o, "y", "1.25");
	crm_out_totals(o, "sum");
	finish(&s, o,
	       "who    amt\n"
	       "---  -----\n"
	       "x       -5\n"
	       "y     1.25\n"
	       "---  -----\n"
	       "sum  -3.75\n");

	/* sums too large for floating point to hold to the cent */
	o = start(&s, CRM_FMT_TABLE, false);
	crm_out_col(o, "who", CRM_COL_TEXT);
	crm_out_col(o, "amt", CRM_COL_MONEY);
	ROW(o, "x", "90071992547409.93");
	ROW(o, "y", "0.01");
	crm_out_totals(o, "s");
	finish(&s, o,
	       "x  90071992547409.93\n"
	       "y" "               " "0.01\n"
	       "-  -----------------\n"
	       "s  90071992547409.94\n");
}

static void test_rates(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, false);

	(void)state;
	crm_out_col(o, "r", CRM_COL_RATE);
	ROW(o, "0.7333");
	ROW(o, "1");
	ROW(o, "0.00049");
	ROW(o, "0.0005");
	ROW(o, "0.12345");	/* rounds on the fourth decimal: 12.3 */
	ROW(o, "0.12355");
	ROW(o, "inf");
	ROW(o, "");
	ROW(o, "-0.25");
	ROW(o, "1.5");
	ROW(o, "abc");
	ROW(o, "0");
	ROW(o, "-0.0004");
	ROW(o, "0.9996");
	ROW(o, "1.");
	finish(&s, o,
	       " 73.3%\n"
	       "100.0%\n"
	       "  0.0%\n"
	       "  0.1%\n"
	       " 12.3%\n"
	       " 12.4%\n"
	       "   inf\n"
	       "\n"
	       "-25.0%\n"
	       "150.0%\n"
	       "   abc\n"
	       "  0.0%\n"
	       "  0.0%\n"
	       "100.0%\n"
	       "    1.\n");
}

static void test_table_footer(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, true);
	const char *footer[] = { "all", "15", "0.3333" };

	(void)state;
	crm_out_col(o, "stage", CRM_COL_TEXT);
	crm_out_col(o, "deals", CRM_COL_INT);
	crm_out_col(o, "rate", CRM_COL_RATE);
	ROW(o, "lead", "10", "0.5");
	ROW(o, "won", "5", "1");
	crm_out_footer(o, footer);
	finish(&s, o,
	       "stage  deals    rate\n"
	       "-----  -----  ------\n"
	       "lead      10   50.0%\n"
	       "won        5  100.0%\n"
	       "-----  -----  ------\n"
	       "all       15   33.3%\n");
}

static void test_table_control_chars(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, true);

	(void)state;
	crm_out_col(o, "note", CRM_COL_TEXT);
	crm_out_col(o, "n", CRM_COL_NUM);
	ROW(o, "a\nb", "1");
	ROW(o, "tab\there", "2");
	ROW(o, "x\001y\r", "3.5");
	finish(&s, o,
	       "note" "         " "n\n"
	       "---------  ---\n"
	       "a\\nb" "         " "1\n"
	       "tab\\there" "    " "2\n"
	       "x\\x01y\\r" "   " "3.5\n");
}

/* ESC, BEL and the C1 control U+009B (CSI) cannot reach the terminal:
 * each is shown as \x and its code point, and measured as shown. */
static void test_table_terminal_controls(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, true);

	(void)state;
	crm_out_col(o, "name", CRM_COL_TEXT);
	crm_out_col(o, "n", CRM_COL_INT);
	ROW(o, "\033]0;pwned\007", "1");
	ROW(o, "a\xc2\x9b" "2J\x7f", "2");
	ROW(o, "\xc2\xa0\xc2\xa5", "3");	/* NBSP and ¥ are not controls */
	finish(&s, o,
	       "name" "              " "n\n"
	       "----------------  -\n"
	       "\\x1b]0;pwned\\x07  1\n"
	       "a\\x9b2J\\x7f" "       " "2\n"
	       "\xc2\xa0\xc2\xa5" "                " "3\n");
}

/* A text cell a spreadsheet would run as a formula gets a leading '; a
 * number, money, a plain numeric text or a date does not. */
static void test_csv_formulas(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_CSV, true);

	(void)state;
	crm_out_col(o, "name", CRM_COL_TEXT);
	crm_out_col(o, "amount", CRM_COL_MONEY);
	crm_out_col(o, "n", CRM_COL_NUM);
	ROW(o, "=HYPERLINK(\"http://x\")", "-12.50", "-3");
	ROW(o, "+cmd|' /C calc'!A0", "0.00", "+1");
	ROW(o, "-2+3", "1.00", "-0.5");
	ROW(o, "@SUM(A1)", NULL, NULL);
	ROW(o, "\tx", NULL, NULL);
	ROW(o, "\rx", NULL, NULL);
	ROW(o, "-12.50", NULL, NULL);
	ROW(o, "2026-03-02", NULL, NULL);
	ROW(o, "a=b", NULL, NULL);
	ROW(o, "-", NULL, NULL);
	finish(&s, o, "name,amount,n\r\n"
		      "\"'=HYPERLINK(\"\"http://x\"\")\",-12.50,-3\r\n"
		      "'+cmd|' /C calc'!A0,0.00,+1\r\n"
		      "'-2+3,1.00,-0.5\r\n"
		      "'@SUM(A1),,\r\n"
		      "'\tx,,\r\n"
		      "\"'\rx\",,\r\n"
		      "-12.50,,\r\n"
		      "2026-03-02,,\r\n"
		      "a=b,,\r\n"
		      "'-,,\r\n");

	crm_out_csv_raw(true);
	o = start(&s, CRM_FMT_CSV, false);
	crm_out_col(o, "name", CRM_COL_TEXT);
	ROW(o, "=1+1");
	finish(&s, o, "=1+1\r\n");
	crm_out_csv_raw(false);
}

static void test_table_empty(void **state)
{
	struct sink s;
	struct crm_out *o = start(&s, CRM_FMT_TABLE, true);

	(void)state;
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_col(o, "name", CRM_COL_TEXT);
	finish(&s, o, "id  name\n--  ----\n");

	o = start(&s, CRM_FMT_TABLE, false);
	crm_out_col(o, "id", CRM_COL_INT);
	finish(&s, o, "");

	/* totals over no rows are zero */
	o = start(&s, CRM_FMT_TABLE, true);
	crm_out_col(o, "who", CRM_COL_TEXT);
	crm_out_col(o, "n", CRM_COL_INT);
	crm_out_col(o, "amt", CRM_COL_MONEY);
	crm_out_totals(o, "total");
	finish(&s, o,
	       "who    n   amt\n"
	       "-----  -  ----\n"
	       "-----  -  ----\n"
	       "total  0  0.00\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_parse),
		cmocka_unit_test(test_tsv),
		cmocka_unit_test(test_tsv_no_header_and_no_rows),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_table_cjk_totals),
		cmocka_unit_test(test_table_cjk_header),
		cmocka_unit_test(test_table_money_totals),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_table_footer),
		cmocka_unit_test(test_table_control_chars),
		cmocka_unit_test(test_table_terminal_controls),
		cmocka_unit_test(test_csv_formulas),
		cmocka_unit_test(test_table_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
