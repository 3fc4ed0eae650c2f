/* test_deal.c: the values of a deal (amounts, close dates, currencies,
 * stages, loss reasons), a new deal's history, and stage changes with their
 * rules, on a scratch database with the built-in pipeline. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "db.h"
#include "deal.h"
#include "err.h"

struct scratch {
	char dir[64];
	char path[96];
	struct crm_opts opts;
	struct crm_ctx ctx;
};

static int setup_db(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	snprintf(s->dir, sizeof s->dir, "/tmp/test_deal.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->path, sizeof s->path, "%s/crm.db", s->dir);
	s->opts.db_path = s->path;
	s->opts.quiet = true;
	setenv("CRM_NOW", "2026-03-02T09:00:00Z", 1);
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	setenv("XDG_CONFIG_HOME", s->dir, 1);
	setenv("LOGNAME", "tester", 1);
	unsetenv("CRM_CONFIG");
	unsetenv("CRM_USER");
	if (crm_ctx_open_create(&s->ctx, &s->opts))
		return -1;
	*state = s;
	return 0;
}

static int teardown_db(void **state)
{
	struct scratch *s = *state;
	char cmd[128];
	crm_ctx_close(&s->ctx);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		return -1;
	free(s);
	return 0;
}

static void test_amount(void **state)
{
	(void)state;
	char why[100];
	int64_t c = -1;
	assert_int_equal(crm_deal_amount("1234.5", &c, why, sizeof why), 0);
	assert_int_equal(c, 123450);
	assert_int_equal(crm_deal_amount("1,200", &c, why, sizeof why), 0);
	assert_int_equal(c, 120000);
	assert_int_equal(crm_deal_amount("0", &c, why, sizeof why), 0);
	assert_int_equal(c, 0);
	assert_int_equal(crm_deal_amount("-5", &c, why, sizeof why), EX_DATAERR);
	assert_string_equal(why, "negative amount '-5'");
	assert_int_equal(crm_deal_amount("12.345", &c, why, sizeof why), EX_DATAERR);
	assert_string_equal(why, "amount with more than two decimals '12.345'");
	assert_int_equal(crm_deal_amount("", &c, why, sizeof why), EX_DATAERR);
	assert_string_equal(why, "invalid amount ''");
	assert_int_equal(crm_deal_amount("1e5", &c, why, sizeof why), EX_DATAERR);
	/* a long value is cut in the message, on a character boundary */
	char longv[200];
	memset(longv, '9', sizeof longv - 1);
	longv[sizeof longv - 1] = '\0';
	longv[0] = 'x';
	char big[200];
	assert_int_equal(crm_deal_amount(longv, &c, big, sizeof big), EX_DATAERR);
	assert_int_equal(strlen(big), strlen("invalid amount ''...") + 80);
}

static void test_currency(void **state)
{
	(void)state;
	char why[100], out[4];
	assert_int_equal(crm_deal_currency("usd", out, why, sizeof why), 0);
	assert_string_equal(out, "USD");
	const char *bad[] = {"US", "USDD", "U$D", "", "人民币"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(crm_deal_currency(bad[i], out, why, sizeof why), EX_DATAERR);
	assert_string_equal(why, "invalid currency '人民币'");
}

static void test_close_date(void **state)
{
	struct scratch *s = *state;
	char why[100], out[CRM_DATE_LEN];
	assert_int_equal(crm_deal_close_date(&s->ctx, "2026-04-30", out, why, sizeof why), 0);
	assert_string_equal(out, "2026-04-30");
	/* now is 17:00 on 2 March in Shanghai: 30 days on is 1 April */
	assert_int_equal(crm_deal_close_date(&s->ctx, "30d", out, why, sizeof why), 0);
	assert_string_equal(out, "2026-04-01");
	/* an instant is kept as its local date */
	assert_int_equal(crm_deal_close_date(&s->ctx, "2026-04-30T20:00:00Z", out, why, sizeof why), 0);
	assert_string_equal(out, "2026-05-01");
	assert_int_equal(crm_deal_close_date(&s->ctx, "2026-02-30", out, why, sizeof why), EX_DATAERR);
	assert_string_equal(why, "invalid close date '2026-02-30'");
	assert_int_equal(crm_deal_close_date(&s->ctx, "soon", out, why, sizeof why), EX_DATAERR);
}

static void test_stages(void **state)
{
	struct scratch *s = *state;
	const struct crm_pipeline *p = crm_config_pipeline(s->ctx.cfg, NULL);
	const struct crm_stage *st;
	char why[200];
	assert_string_equal(crm_deal_first_stage(p)->id, "contact");
	assert_string_equal(crm_deal_closed_stage(p, CRM_STAGE_WON)->id, "won");
	assert_string_equal(crm_deal_closed_stage(p, CRM_STAGE_LOST)->id, "lost");
	assert_int_equal(crm_deal_stage(p, "proposal", &st, why, sizeof why), 0);
	assert_int_equal(st->probability, 50);
	assert_int_equal(crm_deal_stage(p, "Negotiation", &st, why, sizeof why), 0);	/* display name */
	assert_string_equal(st->id, "negotiation");
	assert_int_equal(crm_deal_stage(p, "tender", &st, why, sizeof why), EX_DATAERR);
	assert_string_equal(why, "unknown stage 'tender' in pipeline 'default'");
	assert_string_equal(crm_deal_loss_reason(s->ctx.cfg, "price"), "price");
	assert_null(crm_deal_loss_reason(s->ctx.cfg, "cheap"));
}

static int64_t num(struct scratch *s, const char *sql)
{
	struct crm_stmt *st;
	int64_t v = -1;
	if (crm_db_prepare(s->ctx.db, sql, &st) == CRM_OK &&
	    crm_step(st) == CRM_ROW)
		v = crm_col_int(st, 0);
	crm_stmt_finish(st);
	return v;
}

static void text_is(struct scratch *s, const char *sql, const char *want)
{
	struct crm_stmt *st;
	assert_int_equal(crm_db_prepare(s->ctx.db, sql, &st), CRM_OK);
	assert_int_equal(crm_step(st), CRM_ROW);
	assert_string_equal(crm_col_text(st, 0), want);
	crm_stmt_finish(st);
}

static void test_insert_history(void **state)
{
	struct scratch *s = *state;
	int64_t id;
	assert_int_equal(crm_db_begin(s->ctx.db), 0);
	struct crm_deal_new open = {.title = "open one", .amount = 500};
	assert_int_equal(crm_deal_insert(&s->ctx, &open, true, &id), 0);
	assert_int_equal(id, 1);
	text_is(s, "SELECT group_concat(coalesce(from_stage, '-') || '>' || to_stage || '@' || at, ' ')"
		" FROM deal_stages WHERE deal_id = 1", "->contact@2026-03-02T09:00:00Z");
	text_is(s, "SELECT status || ' ' || currency || ' ' || stage_changed_at || ' ' || coalesce(closed_at, '-')"
		" FROM deals WHERE id = 1", "open CNY 2026-03-02T09:00:00Z -");
	assert_int_equal(num(s, "SELECT count(*) FROM audit WHERE entity = 'deal' AND entity_id = 1"), 5);
	/* an imported lost deal: entered its entry stage, then lost on its close date */
	struct crm_deal_new lost = {
		.title = "old one", .stage = "lost", .entry_stage = "proposal",
		.created_at = "2025-01-01T00:00:00Z", .closed_at = "2025-02-01T00:00:00Z",
		.loss_reason = "price", .currency = "USD",
	};
	assert_int_equal(crm_deal_insert(&s->ctx, &lost, false, &id), 0);
	text_is(s, "SELECT group_concat(coalesce(from_stage, '-') || '>' || to_stage || '@' || at, ' ')"
		" FROM (SELECT * FROM deal_stages WHERE deal_id = 2 ORDER BY id)",
		"->proposal@2025-01-01T00:00:00Z proposal>lost@2025-02-01T00:00:00Z");
	text_is(s, "SELECT status || ' ' || currency || ' ' || stage_changed_at || ' ' || closed_at || ' '"
		" || loss_reason || ' ' || created_at FROM deals WHERE id = 2",
		"lost USD 2025-02-01T00:00:00Z 2025-02-01T00:00:00Z price 2025-01-01T00:00:00Z");
	assert_int_equal(num(s, "SELECT count(*) FROM audit WHERE entity_id = 2"), 0);
	crm_db_commit(s->ctx.db);
}

static int move(struct scratch *s, enum crm_move_kind kind, const char *stage, const char *reason,
		const char *amount)
{
	struct crm_deal_move m = {.kind = kind, .id = 1, .stage = stage, .reason = reason, .amount = amount};
	return crm_deal_move(&s->ctx, &m, NULL);
}

static void test_moves(void **state)
{
	struct scratch *s = *state;
	int64_t id;
	struct crm_deal_new d = {.title = "t", .amount = 100};
	assert_int_equal(crm_db_begin(s->ctx.db), 0);
	assert_int_equal(crm_deal_insert(&s->ctx, &d, false, &id), 0);
	assert_int_equal(crm_db_commit(s->ctx.db), 0);
	assert_int_equal(move(s, CRM_MOVE, "qualify", NULL, NULL), 0);
	assert_int_equal(move(s, CRM_MOVE, "proposal", "sent", NULL), 0);
	assert_int_equal(move(s, CRM_MOVE, "nope", NULL, NULL), EX_DATAERR);
	assert_int_equal(move(s, CRM_MOVE, "qualify", NULL, "5"), EX_DATAERR);	/* amount: won only */
	assert_int_equal(move(s, CRM_MOVE_LOST, NULL, NULL, NULL), EX_DATAERR);	/* no reason */
	assert_int_equal(move(s, CRM_MOVE_LOST, NULL, "cheap", NULL), EX_DATAERR);
	assert_int_equal(move(s, CRM_MOVE_REOPEN, NULL, NULL, NULL), EX_DATAERR);	/* open */
	assert_int_equal(num(s, "SELECT count(*) FROM deal_stages"), 3);
	assert_int_equal(move(s, CRM_MOVE_WON, NULL, NULL, "-1"), EX_DATAERR);
	assert_int_equal(move(s, CRM_MOVE_WON, NULL, NULL, "250.5"), 0);
	assert_int_equal(num(s, "SELECT amount FROM deals"), 25050);
	assert_int_equal(move(s, CRM_MOVE, "qualify", NULL, NULL), EX_DATAERR);	/* closed */
	assert_int_equal(move(s, CRM_MOVE_REOPEN, "won", NULL, NULL), EX_DATAERR);
	assert_int_equal(move(s, CRM_MOVE_REOPEN, NULL, NULL, NULL), 0);
	text_is(s, "SELECT stage || ' ' || status || ' ' || coalesce(closed_at, '-') FROM deals", "proposal open -");
	assert_int_equal(move(s, CRM_MOVE, "lost", "price", NULL), 0);
	text_is(s, "SELECT status || ' ' || loss_reason FROM deals", "lost price");
	/* the same stage again changes nothing */
	assert_int_equal(move(s, CRM_MOVE_REOPEN, "negotiation", NULL, NULL), 0);
	assert_int_equal(move(s, CRM_MOVE, "negotiation", NULL, NULL), 0);
	text_is(s, "SELECT group_concat(coalesce(from_stage, '-') || '>' || to_stage || ':' || coalesce(reason, ''), ' ')"
		" FROM (SELECT * FROM deal_stages ORDER BY id)",
		"->contact: contact>qualify: qualify>proposal:sent proposal>won: won>proposal: "
		"proposal>lost:price lost>negotiation:");
	assert_int_equal(move(s, CRM_MOVE, "qualify", NULL, NULL), 0);
	struct crm_deal_move m = {.kind = CRM_MOVE, .id = 99, .stage = "qualify"};
	assert_int_equal(crm_deal_move(&s->ctx, &m, NULL), CRM_EX_NOTFOUND);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_currency),
		cmocka_unit_test_setup_teardown(test_close_date, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_stages, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_insert_history, setup_db, teardown_db),
		cmocka_unit_test_setup_teardown(test_moves, setup_db, teardown_db),
	};
	crm_set_progname("test_deal");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
