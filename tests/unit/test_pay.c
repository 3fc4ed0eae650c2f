/* test_pay.c: the split rule of instalment plans (floor of each share in
 * cents, the remainder to the last) and the allocation of a payment,
 * oldest open instalment first, each worked out by hand; and the calendar
 * dates the plans count days on. */
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
#include "pay.h"

static void test_split_scenario(void **state)
{
	(void)state;
	/* 1,130,000.00 in 30/60/10: 339,000.00, 678,000.00, 113,000.00 */
	const int bp[] = {3000, 6000, 1000};
	int64_t out[3];
	assert_int_equal(crm_pay_split(113000000, bp, 3, out), 0);
	assert_int_equal(out[0], 33900000);
	assert_int_equal(out[1], 67800000);
	assert_int_equal(out[2], 11300000);
}

static void test_split_remainder(void **state)
{
	(void)state;
	/* 1.00 in thirds: 0.33, 0.33 and the 0.34 left */
	const int thirds[] = {3333, 3333, 3334};
	int64_t out[3];
	assert_int_equal(crm_pay_split(100, thirds, 3, out), 0);
	assert_int_equal(out[0], 33);
	assert_int_equal(out[1], 33);
	assert_int_equal(out[2], 34);
	/* 0.01 in halves: floor(0.5) = 0 first, the cent last */
	const int halves[] = {5000, 5000};
	assert_int_equal(crm_pay_split(1, halves, 2, out), 0);
	assert_int_equal(out[0], 0);
	assert_int_equal(out[1], 1);
	/* 999.99 in 30/60/10: 299.99 (29999.7 floored), 599.99 (59999.4), 100.01 */
	const int bp[] = {3000, 6000, 1000};
	assert_int_equal(crm_pay_split(99999, bp, 3, out), 0);
	assert_int_equal(out[0], 29999);
	assert_int_equal(out[1], 59999);
	assert_int_equal(out[2], 10001);
	assert_int_equal(out[0] + out[1] + out[2], 99999);
}

static void test_split_large(void **state)
{
	(void)state;
	/* no overflow of total * share near the top of int64 */
	const int bp[] = {3000, 7000};
	int64_t out[2], total = INT64_MAX / 2;
	assert_int_equal(crm_pay_split(total, bp, 2, out), 0);
	assert_true(out[0] == total / 10000 * 3000 + total % 10000 * 3000 / 10000);
	assert_true(out[0] + out[1] == total);
}

static void test_split_refused(void **state)
{
	(void)state;
	const int short_of[] = {3000, 6000};
	const int negative[] = {11000, -1000};
	int64_t out[2];
	assert_int_equal(crm_pay_split(100, short_of, 2, out), -1);
	assert_int_equal(crm_pay_split(100, negative, 2, out), -1);
	assert_int_equal(crm_pay_split(-100, (const int[]){10000}, 1, out), -1);
	assert_int_equal(crm_pay_split(100, NULL, 0, out), -1);
}

static void test_allocate(void **state)
{
	(void)state;
	/* the scenario: 339,000.00 on time fills the first; 400,000.00 late
	 * goes to the second, which keeps 278,000.00 open */
	int64_t open[] = {33900000, 67800000, 11300000}, alloc[3];
	assert_int_equal(crm_pay_allocate(33900000, open, 3, alloc), 0);
	assert_int_equal(alloc[0], 33900000);
	assert_int_equal(alloc[1], 0);
	assert_int_equal(alloc[2], 0);
	open[0] = 0;
	assert_int_equal(crm_pay_allocate(40000000, open, 3, alloc), 0);
	assert_int_equal(alloc[0], 0);
	assert_int_equal(alloc[1], 40000000);
	assert_int_equal(open[1] - alloc[1], 27800000);
	/* across three: 10 over 3, 4 and 5 open */
	int64_t small[] = {3, 4, 5}, a[3];
	assert_int_equal(crm_pay_allocate(10, small, 3, a), 0);
	assert_int_equal(a[0], 3);
	assert_int_equal(a[1], 4);
	assert_int_equal(a[2], 3);
	/* more than is open: what is left over */
	assert_int_equal(crm_pay_allocate(15, small, 3, a), 3);
	assert_int_equal(a[2], 5);
}

static void test_dates(void **state)
{
	(void)state;
	int64_t d, e;
	char s[CRM_DATE_LEN];
	assert_int_equal(crm_date_days("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(crm_date_days("2026-01-05", &d), 0);
	crm_date_of_days(d + 30, s);
	assert_string_equal(s, "2026-02-04");
	crm_date_of_days(d + 90, s);
	assert_string_equal(s, "2026-04-05");
	assert_int_equal(crm_date_days("2024-02-29", &e), 0);
	crm_date_of_days(e + 1, s);
	assert_string_equal(s, "2024-03-01");
	assert_int_equal(crm_date_days("2025-02-29", &d), -1);
	assert_int_equal(crm_date_days("2026-13-01", &d), -1);
	assert_int_equal(crm_date_days("2026-1-01", &d), -1);
	assert_int_equal(crm_date_days("2026-01-01x", &d), -1);
	assert_int_equal(crm_date_days("", &d), -1);
}

/* ---- the 360-degree section, on a scratch database ---- */

struct scratch {
	char dir[64], path[96];
	struct crm_opts opts;
	struct crm_ctx ctx;
};

static int setup_db(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);
	if (!s)
		return -1;
	snprintf(s->dir, sizeof s->dir, "/tmp/test_pay.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->path, sizeof s->path, "%s/crm.db", s->dir);
	s->opts.db_path = s->path;
	s->opts.format = CRM_FMT_TSV;
	setenv("CRM_NOW", "2026-03-10T01:00:00Z", 1);
	setenv("TZ", "Asia/Shanghai", 1);
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

static void test_account_section(void **state)
{
	struct scratch *s = *state;
	/* the scenario on 2026-03-10: instalment 1 paid, 2 overdue with
	 * 278,000.00 open, 3 not due; one invoice */
	assert_int_equal(crm_db_exec(s->ctx.db,
		"INSERT INTO accounts (id, name, created_at, updated_at) VALUES (1, 'A', 'x', 'x');"
		"INSERT INTO contracts (id, number, account_id, amount, currency, status, created_at,"
		" updated_at) VALUES (1, 'C-1', 1, 113000000, 'CNY', 'active', 'x', 'x');"
		"INSERT INTO instalments (contract_id, seq, due_on, amount, paid, created_at) VALUES"
		" (1, 1, '2026-01-05', 33900000, 33900000, 'x'), (1, 2, '2026-02-04', 67800000, 40000000, 'x'),"
		" (1, 3, '2026-04-05', 11300000, 0, 'x');"
		"INSERT INTO payments (contract_id, paid_on, amount, created_at) VALUES"
		" (1, '2026-01-05', 33900000, 'x'), (1, '2026-02-20', 40000000, 'x');"
		"INSERT INTO invoices (contract_id, number, amount, issued_on, kind, created_at) VALUES"
		" (1, 'FP-1', 33900000, '2026-01-06', 'special', 'x');"), 0);
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct crm_out *o = crm_out_new(fp, CRM_FMT_TSV, true);
	assert_int_equal(crm_pay_account_section(&s->ctx, 1, o), 0);
	crm_out_end(o);
	fclose(fp);
	assert_string_equal(buf,
		"contract\tkind\tref\tdate\tcurrency\tamount\tpaid\topen\tstatus\n"
		"C-1\tinstalment\t1\t2026-01-05\tCNY\t339000.00\t339000.00\t0.00\tpaid\n"
		"C-1\tinstalment\t2\t2026-02-04\tCNY\t678000.00\t400000.00\t278000.00\toverdue\n"
		"C-1\tinstalment\t3\t2026-04-05\tCNY\t113000.00\t0.00\t113000.00\tcurrent\n"
		"C-1\tinvoice\tFP-1\t2026-01-06\tCNY\t339000.00\t\t\tspecial\n"
		"\tcollected\t\t2026-02-20\tCNY\t739000.00\t\t\t\n"
		"\toutstanding\t\t2026-02-04\tCNY\t391000.00\t\t\toverdue\n");
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_scenario),
		cmocka_unit_test(test_split_remainder),
		cmocka_unit_test(test_split_large),
		cmocka_unit_test(test_split_refused),
		cmocka_unit_test(test_allocate),
		cmocka_unit_test(test_dates),
		cmocka_unit_test_setup_teardown(test_account_section, setup_db, teardown_db),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
