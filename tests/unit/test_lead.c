/* test_lead.c: the lead record (one validation path for every writer),
 * insert, load, apply with its audit rows, and re-pointing references,
 * on an in-memory database with a small config. */
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
#include "lead.h"
#include "leadfield.h"

static char config_path[] = "/tmp/test_lead_XXXXXX";

static int setup(void **state)
{
	static struct crm_opts opts;
	struct crm_ctx *ctx = calloc(1, sizeof *ctx);
	int fd = mkstemp(config_path);
	static const char yaml[] =
		"custom_fields:\n"
		"  lead:\n"
		"    - {name: budget, type: money}\n"
		"    - {name: wechat_id, type: text, required: true}\n";
	if (fd < 0 || write(fd, yaml, sizeof yaml - 1) != (ssize_t)(sizeof yaml - 1))
		return -1;
	close(fd);
	setenv("CRM_NOW", "2026-03-02T09:00:00Z", 1);
	opts.db_path = ":memory:";
	opts.config_path = config_path;
	opts.config_explicit = true;
	opts.as_user = "tester";
	if (crm_ctx_open(ctx, &opts) != 0)
		return -1;
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	crm_ctx_close(*state);
	free(*state);
	unlink(config_path);
	return 0;
}

static int put(struct crm_lead_rec *r, const char *field, const char *value)
{
	return crm_lead_rec_put(r, crm_lead_rec_field(r, field), value);
}

static void test_handles(void **state)
{
	struct crm_lead_rec *r = crm_lead_rec_new(*state);
	assert_int_equal(crm_lead_rec_field(r, "name"), CRM_LF_NAME);
	assert_int_equal(crm_lead_rec_field(r, "score"), CRM_LF_SCORE);
	assert_int_equal(crm_lead_rec_field(r, "disqualify_reason"), CRM_LEAD_NFIELDS);
	assert_int_equal(crm_lead_rec_field(r, "budget"), CRM_LEAD_NFIELDS + 1);
	assert_int_equal(crm_lead_rec_field(r, "wechat_id"), CRM_LEAD_NFIELDS + 2);
	assert_int_equal(crm_lead_rec_nfields(r), CRM_LEAD_NFIELDS + 3);
	assert_int_equal(crm_lead_rec_field(r, "id"), -1);
	assert_int_equal(crm_lead_rec_field(r, "Name"), -1);
	assert_string_equal(crm_lead_rec_field_name(r, CRM_LEAD_NFIELDS + 2), "wechat_id");
	crm_lead_rec_free(r);
}

static void test_canonical_values(void **state)
{
	struct crm_lead_rec *r = crm_lead_rec_new(*state);
	assert_null(crm_lead_rec_get(r, CRM_LF_NAME));
	assert_int_equal(put(r, "name", "\xe3\x80\x80 王伟 "), 0);	/* U+3000 and spaces trimmed */
	assert_string_equal(crm_lead_rec_get(r, CRM_LF_NAME), "王伟");
	assert_int_equal(put(r, "tags", " b，a; b ,,"), 0);
	assert_string_equal(crm_lead_rec_get(r, CRM_LF_TAGS), "b,a");
	assert_int_equal(put(r, "phone", " 138 0013 8000 "), 0);
	assert_string_equal(crm_lead_rec_get(r, CRM_LF_PHONE), "138 0013 8000");
	assert_int_equal(put(r, "budget", "1200.50"), 0);
	assert_string_equal(crm_lead_rec_get(r, CRM_LEAD_NFIELDS + 1), "1200.50");
	assert_int_equal(put(r, "budget", "7.5"), 0);	/* money is kept as money is written */
	assert_string_equal(crm_lead_rec_get(r, CRM_LEAD_NFIELDS + 1), "7.50");
	assert_int_equal(put(r, "city", "   "), 0);	/* set, to no value */
	assert_string_equal(crm_lead_rec_get(r, CRM_LF_CITY), "");
	crm_lead_rec_clear(r);
	assert_null(crm_lead_rec_get(r, CRM_LF_NAME));
	crm_lead_rec_free(r);
}

static void test_bad_values(void **state)
{
	struct crm_lead_rec *r = crm_lead_rec_new(*state);
	assert_int_equal(put(r, "phone", "138-abc"), 65);
	assert_string_equal(crm_lead_rec_error(r), "invalid phone '138-abc'");
	assert_null(crm_lead_rec_get(r, CRM_LF_PHONE));	/* a bad value is not kept */
	assert_int_equal(put(r, "email", "a@b"), 65);
	assert_string_equal(crm_lead_rec_error(r), "invalid email 'a@b'");
	assert_int_equal(put(r, "owner", "nobody"), 65);
	assert_string_equal(crm_lead_rec_error(r), "unknown user 'nobody'");
	assert_int_equal(put(r, "status", "won"), 65);
	assert_string_equal(crm_lead_rec_error(r), "unknown status 'won'");
	assert_int_equal(put(r, "score", "12x"), 65);
	assert_int_equal(put(r, "name", "\xe7\x8e"), 65);
	assert_string_equal(crm_lead_rec_error(r), "invalid UTF-8 in name");
	/* a long value is quoted cut to 80 bytes, on a character boundary */
	char big[301];
	memset(big, 'x', 300);
	big[300] = '\0';
	assert_int_equal(put(r, "name", big), 65);
	char want[200];
	snprintf(want, sizeof want, "too long (300 bytes, at most 200) '%.80s...'", big);
	assert_string_equal(crm_lead_rec_error(r), want);
	char cjk[301] = "";
	for (int i = 0; i < 100; i++)
		strcat(cjk, "王");
	assert_int_equal(put(r, "name", cjk), 65);
	snprintf(want, sizeof want, "too long (300 bytes, at most 200) '%.78s...'", cjk);
	assert_string_equal(crm_lead_rec_error(r), want);
	crm_lead_rec_free(r);
}

static void test_check_new(void **state)
{
	struct crm_lead_rec *r = crm_lead_rec_new(*state);
	assert_int_equal(put(r, "title", "CEO"), 0);
	assert_int_equal(crm_lead_rec_check_new(r), 65);
	assert_string_equal(crm_lead_rec_error(r), "missing required field 'wechat_id'");
	assert_int_equal(put(r, "wechat_id", "ww"), 0);
	assert_int_equal(crm_lead_rec_check_new(r), 65);
	assert_string_equal(crm_lead_rec_error(r), "lead has no name, company, phone or email");
	assert_int_equal(put(r, "email", "A@Example.COM"), 0);
	assert_int_equal(crm_lead_rec_check_new(r), 0);
	crm_lead_rec_free(r);
}

static const char *one(struct crm_ctx *ctx, const char *sql)
{
	static char buf[512];
	struct crm_stmt *s;
	buf[0] = '\0';
	if (crm_db_prepare(ctx->db, sql, &s) == CRM_OK &&
	    crm_step(s) == CRM_ROW)
		snprintf(buf, sizeof buf, "%s", crm_col_text(s, 0));
	crm_stmt_finish(s);
	return buf;
}

static void test_insert_load_apply(void **state)
{
	struct crm_ctx *ctx = *state;
	struct crm_lead_rec *r = crm_lead_rec_new(ctx), *cur = crm_lead_rec_new(ctx);
	int64_t id;
	assert_int_equal(put(r, "name", "Wang Wei"), 0);
	assert_int_equal(put(r, "phone", "+86 138-0013-8000"), 0);
	assert_int_equal(put(r, "wechat_id", "say \"hi\"\\\nbye"), 0);
	assert_int_equal(crm_db_begin(ctx->db), 0);
	assert_int_equal(crm_lead_insert(r, true, NULL, &id), 0);
	assert_true(id > 0);
	assert_string_equal(one(ctx, "SELECT phone_norm || '|' || name_norm || '|' || status FROM leads"),
			    "13800138000|wangwei|new");
	/* the custom JSON is valid and holds the value exactly */
	assert_string_equal(one(ctx, "SELECT json_extract(custom, '$.wechat_id') FROM leads"),
			    "say \"hi\"\\\nbye");
	assert_string_equal(one(ctx, "SELECT count(*) FROM audit WHERE action = 'create'"), "3");

	assert_int_equal(crm_lead_load(cur, id, true), 0);
	assert_string_equal(crm_lead_rec_get(cur, CRM_LF_NAME), "Wang Wei");
	assert_string_equal(crm_lead_rec_get(cur, CRM_LF_SCORE), "0");
	assert_string_equal(crm_lead_rec_get(cur, CRM_LEAD_NFIELDS + 2), "say \"hi\"\\\nbye");
	assert_int_equal(crm_lead_load(cur, id + 1, false), CRM_EX_NOTFOUND);

	/* apply writes only what differs, one audit row each */
	struct crm_lead_diff diff = {NULL, false, 0, 0};
	crm_lead_rec_clear(r);
	assert_int_equal(put(r, "name", "Wang Wei"), 0);
	assert_int_equal(put(r, "city", "上海"), 0);
	assert_int_equal(put(r, "budget", "99"), 0);
	assert_int_equal(crm_lead_apply(r, id, "update", &diff), 0);
	assert_int_equal(diff.leads, 1);
	assert_int_equal(diff.fields, 2);
	assert_string_equal(one(ctx, "SELECT group_concat(field, ',') FROM audit WHERE action = 'update'"),
			    "city,budget");
	assert_string_equal(one(ctx, "SELECT json_extract(custom, '$.budget') || city FROM leads"), "99.00上海");
	assert_int_equal(crm_lead_apply(r, id, "update", &diff), 0);	/* again: nothing */
	assert_int_equal(diff.fields, 2);

	/* references follow a merge */
	assert_int_equal(crm_db_exec(ctx->db,
		"INSERT INTO tasks (subject_type, subject_id, title, due, created_at)"
		" VALUES ('lead', 7, 't', 'x', 'x');"
		"INSERT INTO pool_events (lead_id, action, at) VALUES (7, 'claim', 'x');"), 0);
	assert_int_equal(crm_lead_repoint(ctx->db, 7, id), 0);
	assert_string_equal(one(ctx, "SELECT (SELECT subject_id FROM tasks) = (SELECT lead_id FROM pool_events)"
				     " AND (SELECT lead_id FROM pool_events) = (SELECT max(id) FROM leads)"), "1");
	crm_db_rollback(ctx->db);
	crm_lead_rec_free(r);
	crm_lead_rec_free(cur);
}

static void test_parse_id(void **state)
{
	int64_t id = 0;
	(void)state;
	assert_int_equal(crm_lead_parse_id("42", &id), 0);
	assert_int_equal(id, 42);
	assert_int_equal(crm_lead_parse_id("0", &id), 64);
	assert_int_equal(crm_lead_parse_id("-3", &id), 64);
	assert_int_equal(crm_lead_parse_id("4x", &id), 64);
	assert_int_equal(crm_lead_parse_id("", &id), 64);
	assert_int_equal(crm_lead_parse_id("+4", &id), 64);
	assert_int_equal(crm_lead_parse_id("99999999999999999999", &id), 64);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handles),
		cmocka_unit_test(test_canonical_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_check_new),
		cmocka_unit_test(test_insert_load_apply),
		cmocka_unit_test(test_parse_id),
	};
	crm_set_progname("test_lead");
	return cmocka_run_group_tests(tests, setup, teardown);
}
