/* test_pay.c: the split rule of instalment plans (floor of each share in
 * cents, the remainder to the last) and the allocation of a payment,
 * oldest open instalment first, each worked out by hand; and the calendar
 * dates the plans count days on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

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
	assert_int_equal(crm_pay_date_days("1970-01-01", &d), 0);
	assert_int_equal(d, 0);
	assert_int_equal(crm_pay_date_days("2026-01-05", &d), 0);
	crm_pay_date_text(d + 30, s);
	assert_string_equal(s, "2026-02-04");
	crm_pay_date_text(d + 90, s);
	assert_string_equal(s, "2026-04-05");
	assert_int_equal(crm_pay_date_days("2024-02-29", &e), 0);
	crm_pay_date_text(e + 1, s);
	assert_string_equal(s, "2024-03-01");
	assert_int_equal(crm_pay_date_days("2025-02-29", &d), -1);
	assert_int_equal(crm_pay_date_days("2026-13-01", &d), -1);
	assert_int_equal(crm_pay_date_days("2026-1-01", &d), -1);
	assert_int_equal(crm_pay_date_days("2026-01-01x", &d), -1);
	assert_int_equal(crm_pay_date_days("", &d), -1);
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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
