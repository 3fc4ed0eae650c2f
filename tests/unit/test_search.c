/* test_search.c: the FTS query builder of lib/search.h: quoting, words too
 * short for a trigram index, suggest's overlapping pieces of Chinese, and
 * that no hostile text makes a query the FTS5 engine refuses (every query
 * built is run against a trigram table of a scratch database). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "search.h"

static void built(const char *text, bool any, const char *want, int nterms)
{
	char *q;
	int n = crm_fts_query(text, any, &q);
	if (!want) {
		assert_null(q);
		assert_int_equal(n, 0);
		return;
	}
	assert_non_null(q);
	assert_string_equal(q, want);
	assert_int_equal(n, nterms);
	free(q);
}

static void test_search_words(void **state)
{
	(void)state;
	built("printer jam", false, "\"printer\" \"jam\"", 2);
	built("  打印机卡纸\t", false, "\"打印机卡纸\"", 1);
	/* quotes doubled, operators kept as text */
	built("say\"hi\" NEAR(abc", false, "\"say\"\"hi\"\"\" \"NEAR(abc\"", 2);
	built("a*b* -foo col:val", false, "\"a*b*\" \"-foo\" \"col:val\"", 3);
	/* a word under three characters: the index cannot take it */
	built("printer 打印", false, NULL, 0);
	built("ab", false, NULL, 0);
	built("", false, NULL, 0);
	built("   ", false, NULL, 0);
	built(NULL, false, NULL, 0);
	/* the ideographic space separates too */
	built("打印机\xe3\x80\x80卡纸了", false, "\"打印机\" \"卡纸了\"", 2);
}

static void test_suggest_terms(void **state)
{
	(void)state;
	built("打印机卡纸", true, "\"打印机\" OR \"印机卡\" OR \"机卡纸\"", 3);
	built("打印机", true, "\"打印机\"", 1);
	built("打印", true, NULL, 0);
	/* punctuation and a change of script split words; short ones drop */
	built("Printer jams, HP-1020 打印机坏了！", true,
	      "\"Printer\" OR \"jams\" OR \"1020\" OR \"打印机\" OR \"印机坏\" OR \"机坏了\"", 6);
	/* each term once */
	built("jam jam JAM", true, "\"jam\" OR \"JAM\"", 2);
	built("\"\"\" *** ((( NEAR", true, "\"NEAR\"", 1);
	built("a b c", true, NULL, 0);
	int n;
	char **t = crm_fts_terms("打印机卡纸", &n);
	assert_int_equal(n, 3);
	assert_string_equal(t[0], "打印机");
	assert_string_equal(t[2], "机卡纸");
	for (int i = 0; i < n; i++)
		free(t[i]);
	free(t);
	assert_null(crm_fts_terms("ab", &n));
	assert_int_equal(n, 0);
}

static void test_invalid_utf8(void **state)
{
	(void)state;
	/* an invalid byte stays inside the quoted word of a search */
	built("ab\xff" "cd", false, "\"ab\xff" "cd\"", 1);
	/* and splits suggest's words */
	built("abc\xff" "def", true, "\"abc\" OR \"def\"", 2);
}

static const char *const hostile[] = {
	"\"", "\"\"", "\"abc", "abc\"", "a\"b\"c", "NEAR(abc def)", "NEAR", "abc NEAR/3 def",
	"***", "abc*", "^abc", "-abc", "abc:def", "title:abc", "(abc", "abc)", "((( )))",
	"abc AND", "OR abc", "NOT NOT NOT", "abc + def", "{title body}: abc", "'; DROP TABLE x;--",
	"打印机\"卡纸", "\\\"\\", "abc\x01" "def",
};

/* Every query built from hostile text runs without an FTS syntax error. */
static void test_hostile_run(void **state)
{
	(void)state;
	char dir[] = "/tmp/crm-test-search.XXXXXX", path[96], cmd[128];
	struct crm_db *db;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof path, "%s/crm.db", dir);
	assert_int_equal(crm_db_open(path, CRM_DB_CREATE, NULL, &db), 0);
	assert_int_equal(crm_db_exec(db, "CREATE VIRTUAL TABLE tri USING fts5(a, tokenize='trigram');"
				     "INSERT INTO tri VALUES ('say \"abc\" NEAR(abc def) 打印机\"卡纸');"), 0);
	for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
		for (int any = 0; any < 2; any++) {
			char *q;
			if (!crm_fts_query(hostile[i], any, &q))
				continue;
			struct crm_stmt *st;
			assert_int_equal(crm_db_prepare(db, "SELECT count(*) FROM tri WHERE tri MATCH ?1", &st),
					 CRM_OK);
			crm_bind_owned(st, 1, q);
			int rc = crm_step(st);
			if (rc != CRM_ROW)
				fail_msg("query from '%s' (any %d) failed: %s", hostile[i], any,
					 crm_db_errmsg(db));
			crm_stmt_finish(st);
		}
	}
	crm_db_close(db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static void test_snippet(void **state)
{
	(void)state;
	char *w[] = {"jam"};
	char *s = crm_search_snippet("the printer may jam when the paper is damp", w, 1);
	assert_string_equal(s, "...printer may [jam] when the pa...");
	free(s);
	char *z[] = {"打印"};
	s = crm_search_snippet("打印机", z, 1);
	assert_string_equal(s, "[打印]机");
	free(s);
	char *none[] = {"zzz"};
	s = crm_search_snippet("short", none, 1);
	assert_string_equal(s, "short");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search_words),
		cmocka_unit_test(test_suggest_terms),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_hostile_run),
		cmocka_unit_test(test_snippet),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
