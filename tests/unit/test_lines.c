/* test_lines.c: the arithmetic of line items, worked out by hand in each
 * test (per line, half up to the cent, then summed), and the parsers of
 * quantities and rates. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "lines.h"

static struct crm_line line(int64_t qty, int64_t price, int discount, int tax)
{
	struct crm_line l = {.qty = qty, .unit_price = price, .discount = discount, .tax_rate = tax};
	assert_int_equal(crm_line_compute(&l), 0);
	return l;
}

static void test_scenario_quote(void **state)
{
	(void)state;
	/* 10 servers at 80,000.00 and one service at 200,000.00, 13% VAT:
	 * net 1,000,000.00, tax 130,000.00, total 1,130,000.00 */
	struct crm_line l[2] = {line(10000, 8000000, 0, 1300), line(1000, 20000000, 0, 1300)};
	int64_t net, tax, total;
	assert_int_equal(l[0].net, 80000000);
	assert_int_equal(l[0].tax, 10400000);
	assert_int_equal(crm_lines_sum(l, 2, &net, &tax, &total), 0);
	assert_int_equal(net, 100000000);
	assert_int_equal(tax, 13000000);
	assert_int_equal(total, 113000000);
}

static void test_rounding_per_line(void **state)
{
	(void)state;
	/* 1.5 x 99.99 less 7.5%: 14998.5 * 0.925 = 13873.6125 cents -> 13874;
	 * 13% of it 1803.62 -> 1804 */
	struct crm_line a = line(1500, 9999, 750, 1300);
	assert_int_equal(a.net, 13874);
	assert_int_equal(a.tax, 1804);
	assert_int_equal(a.total, 15678);
	/* half a cent of tax goes up: 5 cents at 10% */
	struct crm_line b = line(1000, 5, 0, 1000);
	assert_int_equal(b.tax, 1);
	/* three lines of 0.33 at 13%: each tax 4.29 -> 4 cents; summed per
	 * line 12, where taxing the sum (0.99) would give 13 */
	struct crm_line c[3] = {line(1000, 33, 0, 1300), line(1000, 33, 0, 1300),
				line(1000, 33, 0, 1300)};
	int64_t net, tax, total;
	assert_int_equal(crm_lines_sum(c, 3, &net, &tax, &total), 0);
	assert_int_equal(net, 99);
	assert_int_equal(tax, 12);
	assert_int_equal(total, 111);
	/* a full discount */
	assert_int_equal(line(1000, 5000, 10000, 1300).total, 0);
}

static void test_out_of_range(void **state)
{
	(void)state;
	struct crm_line l = {.qty = 0, .unit_price = 100};
	assert_int_equal(crm_line_compute(&l), -1);
	l = (struct crm_line){.qty = 1000, .unit_price = 100, .discount = 10001};
	assert_int_equal(crm_line_compute(&l), -1);
	l = (struct crm_line){.qty = 1000, .unit_price = 100, .tax_rate = -1};
	assert_int_equal(crm_line_compute(&l), -1);
	l = (struct crm_line){.qty = CRM_LINE_MAX_QTY + 1, .unit_price = 100};
	assert_int_equal(crm_line_compute(&l), -1);
	/* the largest qty at the largest price is 1e24 cents: refused, not wrapped */
	l = (struct crm_line){.qty = CRM_LINE_MAX_QTY, .unit_price = CRM_LINE_MAX_PRICE,
			      .tax_rate = 10000};
	assert_int_equal(crm_line_compute(&l), -1);
	/* 5,000 units at the largest price, 5e18 cents, fit; two do not add up */
	struct crm_line big[2] = {line(5000000, CRM_LINE_MAX_PRICE, 0, 0),
				  line(5000000, CRM_LINE_MAX_PRICE, 0, 0)};
	assert_int_equal(big[0].net, 5000000000000000000LL);
	int64_t net, tax, total;
	assert_int_equal(crm_lines_sum(big, 2, &net, &tax, &total), -1);
}

static void test_qty(void **state)
{
	(void)state;
	int64_t q = 7;
	char buf[CRM_QTY_LEN];
	assert_int_equal(crm_qty_parse("2", &q), 0);
	assert_int_equal(q, 2000);
	assert_int_equal(crm_qty_parse("2.5", &q), 0);
	assert_int_equal(q, 2500);
	assert_int_equal(crm_qty_parse("0.125", &q), 0);
	assert_int_equal(q, 125);
	const char *bad[] = {"", "0", "0.000", "-1", "1.2345", "1.", ".5", "1e3", "1,5", "abc"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		q = 7;
		assert_int_equal(crm_qty_parse(bad[i], &q), -1);
		assert_int_equal(q, 7);
	}
	crm_qty_format(2500, buf);
	assert_string_equal(buf, "2.5");
	crm_qty_format(2000, buf);
	assert_string_equal(buf, "2");
	crm_qty_format(125, buf);
	assert_string_equal(buf, "0.125");
}

static void test_rate(void **state)
{
	(void)state;
	int bp = 7;
	char buf[CRM_RATE_LEN];
	assert_int_equal(crm_rate_parse("13%", &bp), 0);
	assert_int_equal(bp, 1300);
	assert_int_equal(crm_rate_parse("6.5%", &bp), 0);
	assert_int_equal(bp, 650);
	assert_int_equal(crm_rate_parse("0.13", &bp), 0);
	assert_int_equal(bp, 1300);
	assert_int_equal(crm_rate_parse("1", &bp), 0);
	assert_int_equal(bp, 10000);
	assert_int_equal(crm_rate_parse("0", &bp), 0);
	assert_int_equal(bp, 0);
	const char *bad[] = {"13", "101%", "-1%", "0.12345", "%", "", "abc", "1.5"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		bp = 7;
		assert_int_equal(crm_rate_parse(bad[i], &bp), -1);
		assert_int_equal(bp, 7);
	}
	crm_rate_format(1300, buf);
	assert_string_equal(buf, "0.1300");
	crm_rate_format(10000, buf);
	assert_string_equal(buf, "1.0000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scenario_quote), cmocka_unit_test(test_rounding_per_line),
		cmocka_unit_test(test_out_of_range), cmocka_unit_test(test_qty),
		cmocka_unit_test(test_rate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
