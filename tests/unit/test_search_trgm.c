/* test_search_trgm.c: the pieces of lib/search.h that PostgreSQL's search
 * uses in place of FTS5 (crm_search_like's OR form, crm_search_rank,
 * crm_search_length, crm_search_snippet_best), and that crm_search_like
 * still writes the bytes SQLite's scans have always had.  The rank is
 * SQL of both engines: it is run here on SQLite, over ASCII text, against
 * counts made in C. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "search.h"
#include "text.h"

static const char *const cols[] = {"a", "b", NULL};

static void test_like(void **state)
{
	(void)state;
	struct crm_buf q = {0};
	/* SQLite's scan, as before the PostgreSQL search */
	crm_search_like(&q, "LIKE", cols, 2, false);
	assert_string_equal(q.s, " AND (a LIKE :w1 ESCAPE '\\' OR b LIKE :w1 ESCAPE '\\')"
			    " AND (a LIKE :w2 ESCAPE '\\' OR b LIKE :w2 ESCAPE '\\')");
	free(q.s);
	q = (struct crm_buf){0};
	crm_search_like(&q, "ILIKE", cols, 2, true);
	assert_string_equal(q.s, " AND ((a ILIKE :w1 ESCAPE '\\' OR b ILIKE :w1 ESCAPE '\\')"
			    " OR (a ILIKE :w2 ESCAPE '\\' OR b ILIKE :w2 ESCAPE '\\'))");
	free(q.s);
	q = (struct crm_buf){0};
	crm_search_like(&q, "ILIKE", cols, 0, true);
	assert_null(q.s);
	crm_search_length(&q, cols);
	assert_string_equal(q.s, "length(coalesce(a, '')) + length(coalesce(b, ''))");
	free(q.s);
}

/* Non-overlapping occurrences of w in s, ASCII case ignored. */
static int count(const char *s, const char *w)
{
	int n = 0;
	size_t wl = strlen(w);
	for (const char *p = s; *p;) {
		if (strncasecmp(p, w, wl) == 0) {
			n++;
			p += wl;
		} else {
			p++;
		}
	}
	return n;
}

static void test_rank(void **state)
{
	(void)state;
	static const int weights[] = {10, 1};
	static const char *const rows[][2] = {
		{"Toner", "toner toner: replace the TONER"},
		{"Misc", "no such word"},
		{"Printer toner", NULL},
		{"toner%_", "%_x %_"},
	};
	char *words[] = {"toner", "%_"};
	char dir[] = "/tmp/crm-test-trgm.XXXXXX", path[96], cmd[128];
	struct crm_db *db;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/crm.db", dir);
	assert_int_equal(crm_db_open(path, CRM_DB_CREATE, NULL, &db), 0);
	assert_int_equal(crm_db_exec(db, "CREATE TABLE t (a TEXT, b TEXT)"), 0);
	struct crm_buf q = {0};
	crm_buf_add(&q, "SELECT ");
	crm_search_rank(&q, cols, weights, 2);
	crm_buf_add(&q, " FROM t");
	for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
		struct crm_stmt *st;
		assert_int_equal(crm_db_prepare(db, "INSERT INTO t VALUES (?1, ?2)", &st), CRM_OK);
		crm_bind_str(st, 1, rows[r][0]);
		crm_bind_str(st, 2, rows[r][1]);
		assert_int_equal(crm_step(st), CRM_DONE);
		crm_stmt_finish(st);
		assert_int_equal(crm_db_prepare(db, q.s, &st), CRM_OK);
		crm_search_bind_words(st, words, 2);
		assert_int_equal(crm_step(st), CRM_ROW);
		long long want = 0;
		for (int w = 0; w < 2; w++)
			want -= 10 * count(rows[r][0], words[w]) +
				(rows[r][1] ? count(rows[r][1], words[w]) : 0);
		assert_int_equal(crm_col_int(st, 0), want);
		crm_stmt_finish(st);
		assert_int_equal(crm_db_exec(db, "DELETE FROM t"), 0);
	}
	free(q.s);
	crm_db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_snippet_best(void **state)
{
	(void)state;
	char *w[] = {"printer", "jams"};
	/* both words in the title, one in the body: the title, case ignored */
	const char *a[] = {"Printer JAMS", "If the printer stops, open tray 2.", NULL};
	char *s = crm_search_snippet_best(a, 3, w, 2);
	assert_string_equal(s, "[Printer] JAMS");
	free(s);
	/* a tie goes to the first column; the first word found is marked */
	const char *b[] = {"jams", "printer", NULL};
	s = crm_search_snippet_best(b, 3, w, 2);
	assert_string_equal(s, "[jams]");
	free(s);
	/* only the tags have it */
	char *z[] = {"打印机"};
	const char *c[] = {"Other", NULL, "硬件,打印机"};
	s = crm_search_snippet_best(c, 3, z, 1);
	assert_string_equal(s, "硬件,[打印机]");
	free(s);
	/* nowhere (a case ILIKE folds and ASCII does not): the start of the first */
	char *e[] = {"ÄBC"};
	const char *d[] = {"äbc and more than twenty-four characters", "x"};
	s = crm_search_snippet_best(d, 2, e, 1);
	assert_string_equal(s, "äbc and more than twenty...");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_like),
		cmocka_unit_test(test_rank),
		cmocka_unit_test(test_snippet_best),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
