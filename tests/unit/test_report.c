/* test_report.c: what the reports share that needs no database: number
 * formats, period keys of instants in Asia/Shanghai (ISO weeks across year
 * ends), the window from --period/--since/--until, and the empty periods
 * a grouped report prints; expected values worked out with a calendar. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "err.h"
#include "report_int.h"

static void test_rate(void **state)
{
	char s[32];
	(void)state;
	crm_rep_rate(1, 3, s);
	assert_string_equal(s, "0.3333");
	crm_rep_rate(2, 3, s);
	assert_string_equal(s, "0.6667");
	crm_rep_rate(5, 5, s);
	assert_string_equal(s, "1.0000");
	crm_rep_rate(7, 0, s);
	assert_string_equal(s, "inf");
	crm_rep_rate(0, 0, s);
	assert_string_equal(s, "");
	crm_rep_rate(0, 9, s);
	assert_string_equal(s, "0.0000");
	crm_rep_rate(3, 2, s);
	assert_string_equal(s, "1.5000");
}

static void test_numbers(void **state)
{
	char s[32];
	(void)state;
	crm_rep_mean(90 * 3600, 2, 3600, s);		/* 90 hours over 2 */
	assert_string_equal(s, "45.00");
	crm_rep_mean(100, 3, 1, s);
	assert_string_equal(s, "33.33");
	crm_rep_mean(5, 0, 86400, s);
	assert_string_equal(s, "");
	crm_rep_money(123456, s);
	assert_string_equal(s, "1234.56");
	crm_rep_money(-5, s);
	assert_string_equal(s, "-0.05");
	crm_rep_count(-12, s);
	assert_string_equal(s, "-12");
}

static crm_time at(const char *iso)
{
	crm_time t;
	assert_int_equal(crm_time_parse_iso(iso, &t), 0);
	return t;
}

static void test_period_keys(void **state)
{
	char k[16], a[CRM_DATE_LEN], b[CRM_DATE_LEN];
	(void)state;
	/* 2025-12-31T16:00Z is midnight of New Year's Day in Shanghai */
	crm_rep_period_key(CRM_DIM_MONTH, at("2025-12-31T16:00:00Z"), k);
	assert_string_equal(k, "2026-01");
	crm_rep_period_key(CRM_DIM_MONTH, at("2025-12-31T15:59:59Z"), k);
	assert_string_equal(k, "2025-12");
	crm_rep_period_key(CRM_DIM_QUARTER, at("2025-12-31T16:00:00Z"), k);
	assert_string_equal(k, "2026-Q1");
	crm_rep_period_key(CRM_DIM_QUARTER, at("2025-09-30T15:00:00Z"), k);
	assert_string_equal(k, "2025-Q3");
	/* Monday 2024-12-30 is in the first week of 2025 */
	crm_rep_period_key(CRM_DIM_WEEK, at("2024-12-29T16:00:00Z"), k);
	assert_string_equal(k, "2025-W01");
	/* Friday 2021-01-01 is in the last week of 2020, its 53rd */
	crm_rep_period_key(CRM_DIM_WEEK, at("2021-01-01T04:00:00Z"), k);
	assert_string_equal(k, "2020-W53");
	crm_rep_period_key(CRM_DIM_WEEK, at("2026-03-02T09:00:00Z"), k);
	assert_string_equal(k, "2026-W10");
	crm_rep_period_bounds(CRM_DIM_MONTH, at("2024-02-10T00:00:00Z"), a, b);
	assert_string_equal(a, "2024-02-01");
	assert_string_equal(b, "2024-02-29");
	crm_rep_period_bounds(CRM_DIM_WEEK, at("2026-03-02T09:00:00Z"), a, b);
	assert_string_equal(a, "2026-03-02");
	assert_string_equal(b, "2026-03-08");
	crm_rep_period_bounds(CRM_DIM_QUARTER, at("2026-12-31T00:00:00Z"), a, b);
	assert_string_equal(a, "2026-10-01");
	assert_string_equal(b, "2026-12-31");
}

/* Open a report with no database: enough for the window and --by. */
static int open_rep(struct crm_rep *r, struct crm_report_opts *o, struct crm_ctx *ctx,
		    struct crm_opts *opts)
{
	memset(ctx, 0, sizeof *ctx);
	memset(opts, 0, sizeof *opts);
	ctx->opts = opts;
	ctx->now = at("2026-03-02T09:00:00Z");
	ctx->actor.single_user = true;
	ctx->actor.role = CRM_ROLE_ADMIN;
	o->format = CRM_FMT_TSV;
	return crm_rep_open(r, ctx, o, NULL, "test", CRM_DIMS_COMMON, CRM_DIM_NONE);
}

static void test_window(void **state)
{
	struct crm_rep r;
	struct crm_ctx ctx;
	struct crm_opts opts;
	(void)state;
	static const struct {
		const char *period, *since, *until;
		int status;
		const char *from, *to, *first, *last;
	} cases[] = {
		{ "2026", NULL, NULL, 0, "2025-12-31T16:00:00Z", "2026-12-31T16:00:00Z", "2026-01-01", "2026-12-31" },
		{ "2024-02", NULL, NULL, 0, "2024-01-31T16:00:00Z", "2024-02-29T16:00:00Z", "2024-02-01", "2024-02-29" },
		{ "2025-Q4", NULL, NULL, 0, "2025-09-30T16:00:00Z", "2025-12-31T16:00:00Z", "2025-10-01", "2025-12-31" },
		{ "2020-W53", NULL, NULL, 0, "2020-12-27T16:00:00Z", "2021-01-03T16:00:00Z", "2020-12-28", "2021-01-03" },
		{ "2026-W01", NULL, NULL, 0, "2025-12-28T16:00:00Z", "2026-01-04T16:00:00Z", "2025-12-29", "2026-01-04" },
		{ NULL, "2026-01-05", "2026-01-05", 0, "2026-01-04T16:00:00Z", "2026-01-05T16:00:00Z", "2026-01-05", "2026-01-05" },
		{ NULL, "7d", "2026-02-27T12:30:00+08:00", 0, "2026-02-22T16:00:00Z", "2026-02-27T04:30:00Z", "2026-02-23", "2026-02-27" },
		{ "2025-W53", NULL, NULL, 65, NULL, NULL, NULL, NULL },
		{ "2025-13", NULL, NULL, 65, NULL, NULL, NULL, NULL },
		{ "2025-Q0", NULL, NULL, 65, NULL, NULL, NULL, NULL },
		{ "25-01", NULL, NULL, 65, NULL, NULL, NULL, NULL },
		{ "2025-01-01", NULL, NULL, 65, NULL, NULL, NULL, NULL },
		{ "2025-1", NULL, NULL, 65, NULL, NULL, NULL, NULL },
		{ NULL, "2026-02-30", NULL, 65, NULL, NULL, NULL, NULL },
		{ NULL, "2026-02-01", "2026-01-31", 64, NULL, NULL, NULL, NULL },
		{ "2026-01", "2026-01-01", NULL, 64, NULL, NULL, NULL, NULL },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct crm_report_opts o = { .period = cases[i].period, .since = cases[i].since,
					     .until = cases[i].until };
		int st = open_rep(&r, &o, &ctx, &opts);
		if (st != cases[i].status)
			fail_msg("case %zu: status %d", i, st);
		if (st)
			continue;
		assert_string_equal(r.since_iso, cases[i].from);
		assert_string_equal(r.until_iso, cases[i].to);
		assert_string_equal(r.since_date, cases[i].first);
		assert_string_equal(r.until_date, cases[i].last);
		crm_rep_close(&r);
	}
}

static void test_dimensions(void **state)
{
	struct crm_rep r;
	struct crm_ctx ctx;
	struct crm_opts opts;
	struct crm_report_opts o = { .by = "quarter" };
	(void)state;
	assert_int_equal(open_rep(&r, &o, &ctx, &opts), 0);
	assert_int_equal(r.dim, CRM_DIM_QUARTER);
	assert_string_equal(r.dim_name, "quarter");
	crm_rep_close(&r);
	o.by = "stage";		/* only forecast has it */
	assert_int_equal(open_rep(&r, &o, &ctx, &opts), 64);
	o.by = "Month";
	assert_int_equal(open_rep(&r, &o, &ctx, &opts), 64);
	o.by = "";
	assert_int_equal(open_rep(&r, &o, &ctx, &opts), 64);
}

static char seen[512];

static void record(struct crm_rep *r, const char *key)
{
	(void)r;
	strcat(seen, key);
	strcat(seen, " ");
}

static void test_gaps(void **state)
{
	struct crm_rep r;
	struct crm_ctx ctx;
	struct crm_opts opts;
	(void)state;
	/* months: the window starts before the first row and ends after the last */
	struct crm_report_opts o = { .by = "month", .since = "2025-04-10", .until = "2025-09-30" };
	assert_int_equal(open_rep(&r, &o, &ctx, &opts), 0);
	seen[0] = '\0';
	crm_rep_gap(&r, "2025-05", record);
	crm_rep_gap(&r, "", record);		/* no date: not a period */
	crm_rep_gap(&r, "2025-08", record);
	crm_rep_gap_end(&r, record);
	assert_string_equal(seen, "2025-04 2025-06 2025-07 2025-09 ");
	crm_rep_close(&r);

	/* weeks across a 53-week year, no window: only between rows */
	struct crm_report_opts w = { .by = "week" };
	assert_int_equal(open_rep(&r, &w, &ctx, &opts), 0);
	seen[0] = '\0';
	crm_rep_gap(&r, "2020-W51", record);
	crm_rep_gap(&r, "2021-W02", record);
	crm_rep_gap_end(&r, record);
	assert_string_equal(seen, "2020-W52 2020-W53 2021-W01 ");
	crm_rep_close(&r);

	/* quarters, no rows at all in the window */
	struct crm_report_opts q = { .by = "quarter", .period = "2025" };
	assert_int_equal(open_rep(&r, &q, &ctx, &opts), 0);
	seen[0] = '\0';
	crm_rep_gap_end(&r, record);
	assert_string_equal(seen, "2025-Q1 2025-Q2 2025-Q3 2025-Q4 ");
	crm_rep_close(&r);

	/* not a period: nothing to fill */
	struct crm_report_opts s = { .by = "source", .period = "2025" };
	assert_int_equal(open_rep(&r, &s, &ctx, &opts), 0);
	seen[0] = '\0';
	crm_rep_gap(&r, "web", record);
	crm_rep_gap_end(&r, record);
	assert_string_equal(seen, "");
	crm_rep_close(&r);
}

int main(void)
{
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	crm_set_progname("test");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_period_keys),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_dimensions),
		cmocka_unit_test(test_gaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
