/* test_record.c: the pieces records share (tags, the custom-field JSON, ids)
 * and the contracts lead conversion relies on: linking a lead to an
 * existing account or contact, or making one, on a scratch database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <cmocka.h>

#include "account.h"
#include "contact.h"
#include "db.h"
#include "err.h"
#include "record.h"

static void tags_are(const char *in, const char *want)
{
	char buf[1025];
	snprintf(buf, sizeof buf, "%s", in);
	crm_tags_canonical(buf);
	assert_string_equal(buf, want);
}

static void test_tags_canonical(void **state)
{
	(void)state;
	tags_are("b\xef\xbc\x8c" "a; b", "b,a");		/* full-width comma */
	tags_are(" vip \xef\xbc\x9b vip,,", "vip");		/* full-width semicolon */
	tags_are("\xe3\x80\x80x\xe3\x80\x80,y", "x,y");	/* ideographic spaces trimmed */
	tags_are(" , ;", "");
	tags_are("", "");
	tags_are("ab,a,abc,a", "ab,a,abc");			/* a prefix is another tag */
}

static void test_tags_edit(void **state)
{
	(void)state;
	char *s = crm_tags_edit("a,b", "c", false);
	assert_string_equal(s, "a,b,c");
	free(s);
	s = crm_tags_edit("", "c", false);
	assert_string_equal(s, "c");
	free(s);
	s = crm_tags_edit("ab,a,abc", "a,zz", true);
	assert_string_equal(s, "ab,abc");
	free(s);
	s = crm_tags_edit("a", "a", true);
	assert_string_equal(s, "");
	free(s);
}

static void test_json(void **state)
{
	(void)state;
	struct crm_buf b = {0};
	crm_json_end(&b);
	assert_string_equal(b.s, "");
	b.len = 0;
	crm_json_member(&b, "note", "say \"hi\"\\\n\x01");
	crm_json_member(&b, "城市", "上海");
	crm_json_end(&b);
	assert_string_equal(b.s, "{\"note\":\"say \\\"hi\\\"\\\\\\u000a\\u0001\",\"城市\":\"上海\"}");
	free(b.s);
}

static void test_id_parse(void **state)
{
	(void)state;
	int64_t id = 0;
	assert_int_equal(crm_id_parse("account", "42", &id), 0);
	assert_int_equal(id, 42);
	const char *bad[] = {"0", "-1", "+3", "4x", "", " 5", "99999999999999999999"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(crm_id_parse("account", bad[i], &id), EX_USAGE);
}

/* ---- link or create, on a scratch database ---- */

struct scratch {
	char dir[64];
	char path[96];
	struct crm_opts opts;
	struct crm_ctx ctx;
};

static int setup_db(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/test_record.XXXXXX");
	if (!s || !mkdtemp(s->dir))
		return -1;
	snprintf(s->path, sizeof s->path, "%s/crm.db", s->dir);
	s->opts.db_path = s->path;
	setenv("CRM_NOW", "2026-03-02T09:00:00Z", 1);
	setenv("XDG_CONFIG_HOME", s->dir, 1);
	unsetenv("CRM_CONFIG");
	if (crm_ctx_open_create(&s->ctx, &s->opts) || crm_db_begin(s->ctx.db))
		return -1;
	*state = s;
	return 0;
}

static int teardown_db(void **state)
{
	struct scratch *s = *state;
	char cmd[128];
	crm_db_rollback(s->ctx.db);
	crm_ctx_close(&s->ctx);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		return -1;
	free(s);
	return 0;
}

static void test_account_link_or_create(void **state)
{
	struct scratch *s = *state;
	struct crm_account_seed seed = {.name = "北京百度网讯科技有限公司", .industry = "互联网",
					.phone = "010 6552 1234", .lead_id = 7};
	int64_t a, b;
	bool created;
	assert_int_equal(crm_account_link_or_create(&s->ctx, &seed, &a, &created), 0);
	assert_true(created);
	/* the same company in another spelling is linked */
	seed = (struct crm_account_seed){.name = "北京百度网讯科技（北京）有限公司", .lead_id = 8};
	assert_int_equal(crm_account_link_or_create(&s->ctx, &seed, &b, &created), 0);
	assert_false(created);
	assert_int_equal(a, b);
	/* so is another name with the same phone */
	seed = (struct crm_account_seed){.name = "Baidu", .phone = "+86 10 65521234"};
	assert_int_equal(crm_account_link_or_create(&s->ctx, &seed, &b, &created), 0);
	assert_false(created);
	assert_int_equal(a, b);
	seed = (struct crm_account_seed){.name = "Acme", .email = "x@acme.example"};
	assert_int_equal(crm_account_link_or_create(&s->ctx, &seed, &b, &created), 0);
	assert_true(created);
	assert_int_not_equal(a, b);
	/* a new account is audited and remembers its lead */
	struct crm_stmt *st = crm_db_stmt(s->ctx.db,
		"SELECT lead_id, industry, (SELECT count(*) FROM audit WHERE entity = 'account'"
		" AND entity_id = ?1 AND action = 'create') FROM accounts WHERE id = ?1");
	crm_bind_int(st, 1, a);
	assert_int_equal(crm_step(st), CRM_ROW);
	assert_int_equal(crm_col_int(st, 0), 7);
	assert_string_equal(crm_col_str(st, 1), "互联网");
	assert_int_equal(crm_col_int(st, 2), 3);
	crm_stmt_reset(st);
	/* no name: bad input */
	seed = (struct crm_account_seed){.phone = "13800138000"};
	assert_int_equal(crm_account_link_or_create(&s->ctx, &seed, &b, &created), EX_DATAERR);
}

static void test_contact_link_or_create(void **state)
{
	struct scratch *s = *state;
	struct crm_account_seed as = {.name = "Acme"};
	int64_t acc, other, c1, c2;
	bool created;
	assert_int_equal(crm_account_link_or_create(&s->ctx, &as, &acc, &created), 0);
	as.name = "Other";
	assert_int_equal(crm_account_link_or_create(&s->ctx, &as, &other, &created), 0);
	struct crm_contact_seed seed = {.account_id = acc, .name = "王伟", .email = "ww@acme.example"};
	assert_int_equal(crm_contact_link_or_create(&s->ctx, &seed, &c1, &created), 0);
	assert_true(created);
	/* the same e-mail in other case */
	seed = (struct crm_contact_seed){.name = "Wang", .email = "WW@Acme.example"};
	assert_int_equal(crm_contact_link_or_create(&s->ctx, &seed, &c2, &created), 0);
	assert_false(created);
	assert_int_equal(c1, c2);
	/* the same name at the same account, not at another */
	seed = (struct crm_contact_seed){.account_id = acc, .name = "王 伟"};
	assert_int_equal(crm_contact_link_or_create(&s->ctx, &seed, &c2, &created), 0);
	assert_false(created);
	seed.account_id = other;
	assert_int_equal(crm_contact_link_or_create(&s->ctx, &seed, &c2, &created), 0);
	assert_true(created);
	/* without a name the e-mail stands in; with nothing, bad input */
	seed = (struct crm_contact_seed){.email = "nameless@example.com"};
	assert_int_equal(crm_contact_link_or_create(&s->ctx, &seed, &c2, &created), 0);
	assert_true(created);
	seed = (struct crm_contact_seed){.title = "CEO"};
	assert_int_equal(crm_contact_link_or_create(&s->ctx, &seed, &c2, &created), EX_DATAERR);
}

/* The engine's money and reference kinds, a rewriting check and a kind's
 * own wording, on a toy kind stored in the deals table. */
static const char *upper_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
			       const char **why)
{
	(void)ctx;
	if (strlen(v) != 3) {
		*why = "invalid currency";
		return NULL;
	}
	for (size_t i = 0; i < 4; i++)
		buf[i] = (char)(v[i] >= 'a' && v[i] <= 'z' ? v[i] - 32 : v[i]);
	return buf;
}

static int toy_refuse(const struct crm_rec *r, int h, enum crm_refusal what, const char *why,
		      const char *value, char *out, size_t n)
{
	if (what != CRM_REFUSE_MISSING)
		return 0;
	snprintf(out, n, "%s %s not found", crm_rec_field_name(r, h), value);
	return 1;
}

static const struct crm_field toy_fields[] = {
	{"title", "title", CRM_FK_TEXT, 20, .personal = false},
	{"amount", "amount", CRM_FK_MONEY, 40, .personal = false},
	{"currency", "currency", CRM_FK_TEXT, 10, .canon = upper_canon},
	{"contact", "contact_id", CRM_FK_REF, 20, .ref = "contacts", .ref_parent = "account_id"},
	{"owner", "owner_id", CRM_FK_OWNER, 100, .personal = false},
	{"pipeline", "pipeline", CRM_FK_TEXT, 20, .initial = "default"},
	{"stage", "stage", CRM_FK_TEXT, 20, .initial = "lead"},
	{"status", "status", CRM_FK_TEXT, 20, .initial = "open"},
	{"changed", "stage_changed_at", CRM_FK_TEXT, 30, .initial = "2026-03-02T09:00:00Z"},
};
static const struct crm_kind toy_kind = {
	.entity = "toy", .table = "deals", .fields = toy_fields, .nfields = 9,
};
static const struct crm_kind toy_worded = {
	.entity = "toy", .table = "deals", .fields = toy_fields, .nfields = 9,
	.refuse = toy_refuse,
};

static void test_money_ref_canon(void **state)
{
	struct scratch *s = *state;
	struct crm_account_seed as = {.name = "Acme"};
	struct crm_contact_seed cs = {.name = "王伟"};
	int64_t acc, con, id;
	bool created;
	assert_int_equal(crm_account_link_or_create(&s->ctx, &as, &acc, &created), 0);
	cs.account_id = acc;
	assert_int_equal(crm_contact_link_or_create(&s->ctx, &cs, &con, &created), 0);

	struct crm_rec *r = crm_rec_new(&s->ctx, &toy_kind);
	assert_int_equal(crm_rec_put(r, 1, " 1,200.5 "), 0);
	assert_string_equal(crm_rec_get(r, 1), "1200.50");
	assert_int_equal(crm_rec_put(r, 1, ""), 0);
	assert_string_equal(crm_rec_get(r, 1), "0.00");
	assert_int_equal(crm_rec_put(r, 1, "-5"), EX_DATAERR);
	assert_string_equal(crm_rec_error(r), "negative amount '-5'");
	assert_int_equal(crm_rec_put(r, 2, "usd"), 0);
	assert_string_equal(crm_rec_get(r, 2), "USD");
	assert_int_equal(crm_rec_put(r, 2, "dollar"), EX_DATAERR);
	assert_string_equal(crm_rec_error(r), "invalid currency 'dollar'");
	assert_int_equal(crm_rec_put(r, 3, "x1"), EX_DATAERR);
	assert_string_equal(crm_rec_error(r), "invalid contact id 'x1'");
	assert_int_equal(crm_rec_put(r, 3, "99"), EX_DATAERR);
	assert_string_equal(crm_rec_error(r), "unknown contact '99'");
	char text[24];
	snprintf(text, sizeof text, "%lld", (long long)con);
	assert_int_equal(crm_rec_put(r, 3, text), 0);
	assert_int_equal(crm_rec_ref_parent(r), acc);

	/* stored as cents, loaded in its text form */
	assert_int_equal(crm_rec_put(r, 0, "t"), 0);
	assert_int_equal(crm_rec_put(r, 1, "12.5"), 0);
	assert_int_equal(crm_rec_put(r, 2, "eur"), 0);
	assert_int_equal(crm_rec_insert(r, false, false, &id), 0);
	struct crm_stmt *st = crm_db_stmt(s->ctx.db, "SELECT amount, contact_id FROM deals WHERE id = ?1");
	crm_bind_int(st, 1, id);
	assert_int_equal(crm_step(st), CRM_ROW);
	assert_int_equal(crm_col_int(st, 0), 1250);
	assert_int_equal(crm_col_int(st, 1), con);
	crm_stmt_reset(st);
	struct crm_rec *l = crm_rec_new(&s->ctx, &toy_kind);
	assert_int_equal(crm_rec_load(l, id, false), 0);
	assert_string_equal(crm_rec_get(l, 1), "12.50");
	assert_string_equal(crm_rec_get(l, 2), "EUR");
	crm_rec_free(l);
	crm_rec_free(r);

	/* a kind's own wording and status */
	r = crm_rec_new(&s->ctx, &toy_worded);
	assert_int_equal(crm_rec_put(r, 3, "99"), 1);
	assert_string_equal(crm_rec_error(r), "contact 99 not found");
	crm_rec_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tags_canonical),
		cmocka_unit_test(test_tags_edit),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_id_parse),
		cmocka_unit_test_setup_teardown(test_account_link_or_create, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_contact_link_or_create, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_money_ref_canon, setup_db, teardown_db),
	};
	crm_set_progname("test_record");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
