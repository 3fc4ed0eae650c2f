/* test_score.c: lead scoring: value matching, heat from thresholds, and
 * rescoring leads in a scratch database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "ctx.h"
#include "db.h"
#include "err.h"
#include "score.h"

static void test_value_matches(void **state)
{
	(void)state;
	assert_true(crm_score_value_matches("source", "expo", "expo"));
	assert_false(crm_score_value_matches("source", "expo-2024", "expo"));
	assert_true(crm_score_value_matches("source", "expo-2024", "expo*"));
	assert_true(crm_score_value_matches("region", "上海", "上*"));
	assert_false(crm_score_value_matches("region", "江苏", "上*"));
	assert_true(crm_score_value_matches("industry", "汽车", "汽?"));
	assert_true(crm_score_value_matches("company_size", "large", "[lm]*"));
	assert_false(crm_score_value_matches("company_size", "small", "[lm]*"));
	/* no value matches nothing, not even a bare star */
	assert_false(crm_score_value_matches("source", "", "*"));
	assert_false(crm_score_value_matches("source", NULL, "*"));
	/* case matters */
	assert_false(crm_score_value_matches("source", "Expo", "expo"));
}

static void test_value_matches_tags(void **state)
{
	(void)state;
	assert_true(crm_score_value_matches("tags", "vip,expo", "expo"));
	assert_true(crm_score_value_matches("tags", "vip,expo", "vip"));
	assert_false(crm_score_value_matches("tags", "vip,expo", "exp"));
	assert_true(crm_score_value_matches("tags", "vip,expo-2024", "expo*"));
	assert_false(crm_score_value_matches("tags", "vip,expo", "vip,expo,x"));
	/* other fields are whole values: a comma is just a character */
	assert_true(crm_score_value_matches("notes", "a,b", "a,b"));
	assert_false(crm_score_value_matches("notes", "a,b", "a"));
}

static struct crm_heat_level levels[] = {
	{"hot", 40}, {"warm", 20}, {"cold", -1},
};

static void test_heat(void **state)
{
	(void)state;
	struct crm_config cfg = {0};
	cfg.heat = levels;
	cfg.nheat = 3;
	assert_string_equal(crm_score_heat(&cfg, 45), "hot");
	assert_string_equal(crm_score_heat(&cfg, 40), "hot");
	assert_string_equal(crm_score_heat(&cfg, 39), "warm");
	assert_string_equal(crm_score_heat(&cfg, 20), "warm");
	/* below every threshold, and cold has none */
	assert_string_equal(crm_score_heat(&cfg, 19), "");
	assert_string_equal(crm_score_heat(&cfg, -3), "");
	levels[2].min_score = 0;
	assert_string_equal(crm_score_heat(&cfg, 0), "cold");
	assert_string_equal(crm_score_heat(&cfg, -1), "");
	/* no thresholds at all: heat is never derived */
	for (size_t i = 0; i < 3; i++)
		levels[i].min_score = -1;
	assert_null(crm_score_heat(&cfg, 100));
	levels[0].min_score = 40;
	levels[1].min_score = 20;
}

/* A scratch database and config, single-user (the actor is an admin). */
struct scratch {
	char dir[64];
	char db[96], yaml[96];
	struct crm_opts opts;
	struct crm_ctx ctx;
};

static const char yaml[] =
	"custom_fields:\n"
	"  lead:\n"
	"    - {name: company_size, type: enum, values: [small, medium, large]}\n"
	"scoring:\n"
	"  fields:\n"
	"    - {field: source, value: expo, points: 10}\n"
	"    - {field: region, value: \"上*\", points: 5}\n"
	"    - {field: tags, value: vip, points: 7}\n"
	"    - {field: company_size, value: large, points: 15}\n"
	"  activities: {call: 5, meeting: 15}\n"
	"  heat: {hot: 40, warm: 20, cold: 0}\n";

static int scratch_open(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/test_score.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->db, sizeof s->db, "%s/crm.db", s->dir);
	snprintf(s->yaml, sizeof s->yaml, "%s/crm.yaml", s->dir);
	FILE *fp = fopen(s->yaml, "w");
	fputs(yaml, fp);
	fclose(fp);
	setenv("CRM_NOW", "2026-03-02T09:00:00Z", 1);
	s->opts.db_path = s->db;
	s->opts.config_path = s->yaml;
	s->opts.config_explicit = true;
	if (crm_ctx_open_create(&s->ctx, &s->opts) != 0)
		return -1;
	const char *sql =
		"INSERT INTO leads (id, name, region, source, tags, custom, created_at, updated_at) VALUES"
		" (1, 'a', '上海', 'expo', 'vip,x', '{\"company_size\":\"large\"}', 'now', 'now'),"
		" (2, 'b', '江苏', 'web', NULL, NULL, 'now', 'now'),"
		" (3, 'c', '上海', 'web', NULL, 'not json', 'now', 'now');"
		"INSERT INTO interactions (subject_type, subject_id, kind, at, created_at) VALUES"
		" ('lead', 2, 'call', 'x', 'x'), ('lead', 2, 'call', 'x', 'x'), ('lead', 2, 'note', 'x', 'x'),"
		" ('lead', 3, 'meeting', 'x', 'x'), ('account', 3, 'meeting', 'x', 'x');";
	if (crm_db_exec(s->ctx.db, sql) != 0)
		return -1;
	*state = s;
	return 0;
}

static int scratch_close(void **state)
{
	struct scratch *s = *state;
	char path[128];
	crm_ctx_close(&s->ctx);
	static const char *const files[] = {"crm.db", "crm.db-wal", "crm.db-shm", "crm.yaml"};
	for (size_t i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "%s/%s", s->dir, files[i]);
		unlink(path);
	}
	rmdir(s->dir);
	free(s);
	return 0;
}

/* Rescore ids (n == 0: all) and return what was printed (malloc'd). */
static char *rescore(struct scratch *s, const int64_t *ids, size_t n, int *status)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct crm_out *out = crm_out_new(fp, CRM_FMT_TSV, false);
	*status = crm_score_rescore(&s->ctx, ids, n, out);
	crm_out_end(out);
	fclose(fp);
	return buf;
}

static char *query(struct scratch *s, const char *sql)
{
	struct crm_stmt *st;
	char *r = NULL;
	assert_int_equal(crm_db_prepare(s->ctx.db, sql, &st), CRM_OK);
	if (crm_step(st) == CRM_ROW)
		r = strdup(crm_col_str(st, 0));
	crm_stmt_finish(st);
	return r;
}

static void assert_query(struct scratch *s, const char *sql, const char *want)
{
	char *got = query(s, sql);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
}

static void test_rescore_all(void **state)
{
	struct scratch *s = *state;
	int st;
	/* 1: expo 10 + 上海 5 + vip 7 + large 15 = 37, warm
	 * 2: two calls 5 + 5 (a note is worth nothing) = 10, cold
	 * 3: 上海 5 + meeting 15 = 20 (the account's meeting is not the lead's), warm */
	char *out = rescore(s, NULL, 0, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, "1\t37\twarm\n2\t10\tcold\n3\t20\twarm\n");
	free(out);
	assert_query(s, "SELECT group_concat(score || ':' || heat, ' ') FROM leads", "37:warm 10:cold 20:warm");
	assert_query(s, "SELECT count(*) FROM audit WHERE entity = 'lead' AND field IN ('score', 'heat')", "6");
	/* nothing changes the second time: nothing printed, nothing audited */
	out = rescore(s, NULL, 0, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, "");
	free(out);
	assert_query(s, "SELECT count(*) FROM audit", "6");
}

static void test_rescore_manual_heat(void **state)
{
	struct scratch *s = *state;
	int st;
	crm_db_exec(s->ctx.db, "UPDATE leads SET heat = 'hot', heat_manual = 1 WHERE id = 2");
	int64_t ids[] = {2};
	char *out = rescore(s, ids, 1, &st);
	assert_int_equal(st, 0);
	assert_string_equal(out, "2\t10\thot\n");
	free(out);
	assert_query(s, "SELECT score || ':' || heat FROM leads WHERE id = 2", "10:hot");
	/* scoring inside a caller's transaction, as crm-log does */
	assert_int_equal(crm_score_lead(&s->ctx, 1), 0);
	assert_query(s, "SELECT score || ':' || heat FROM leads WHERE id = 1", "37:warm");
	assert_int_equal(crm_score_lead(&s->ctx, 99), CRM_EX_NOTFOUND);
}

static void test_rescore_bad_ids_and_dry_run(void **state)
{
	struct scratch *s = *state;
	int st;
	int64_t ids[] = {1, 99};
	char *out = rescore(s, ids, 2, &st);
	assert_int_equal(st, CRM_EX_NOTFOUND);
	free(out);
	assert_query(s, "SELECT count(*) FROM leads WHERE score <> 0", "0");
	s->opts.dry_run = true;
	out = rescore(s, NULL, 0, &st);
	s->opts.dry_run = false;
	assert_int_equal(st, 0);
	assert_string_equal(out, "1\t37\twarm\n2\t10\tcold\n3\t20\twarm\n");
	free(out);
	assert_query(s, "SELECT count(*) FROM leads WHERE score <> 0", "0");
	assert_query(s, "SELECT count(*) FROM audit", "0");
}

int main(void)
{
	crm_set_progname("test_score");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_value_matches),
		cmocka_unit_test(test_value_matches_tags),
		cmocka_unit_test(test_heat),
		cmocka_unit_test_setup_teardown(test_rescore_all, scratch_open, scratch_close),
		cmocka_unit_test_setup_teardown(test_rescore_manual_heat, scratch_open, scratch_close),
		cmocka_unit_test_setup_teardown(test_rescore_bad_ids_and_dry_run, scratch_open, scratch_close),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
