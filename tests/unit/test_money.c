/* test_money.c: cents in and out.  The parser takes a NUL-terminated string
 * (NULL is not allowed); every rejection must leave the caller's value
 * untouched, so the bad-input tests check that too. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "money.h"

static void assert_parses(const char *s, int64_t want)
{
	int64_t cents = 4242;
	if (crm_money_parse(s, &cents) != 0)
		fail_msg("'%s' was rejected", s);
	if (cents != want)
		fail_msg("'%s' gave %lld cents, want %lld", s, (long long)cents, (long long)want);
}

static void assert_rejects(const char *s)
{
	int64_t cents = 4242;
	if (crm_money_parse(s, &cents) != -1)
		fail_msg("'%s' was accepted as %lld cents", s, (long long)cents);
	assert_int_equal(cents, 4242);
}

static void test_plain_numbers(void **state)
{
	(void)state;
	assert_parses("0", 0);
	assert_parses("1234", 123400);
	assert_parses("1234.5", 123450);
	assert_parses("1234.50", 123450);
	assert_parses("1234.05", 123405);
	assert_parses("0.01", 1);
	assert_parses("007", 700);
}

static void test_signs(void **state)
{
	(void)state;
	assert_parses("-12.30", -1230);
	assert_parses("+12.30", 1230);
	assert_parses("-0", 0);
	assert_parses("-0.00", 0);
	assert_parses("-0.01", -1);
}

static void test_surrounding_spaces(void **state)
{
	(void)state;
	assert_parses("  12  ", 1200);
	assert_parses("\t-3.5\t", -350);
}

static void test_grouping(void **state)
{
	(void)state;
	assert_parses("1,234", 123400);
	assert_parses("1,234.50", 123450);
	assert_parses("1,234,567.89", 123456789);
	assert_parses("12,345", 1234500);
	assert_parses("123,456", 12345600);
	assert_parses("-1,000", -100000);
}

static void test_bad_grouping(void **state)
{
	(void)state;
	assert_rejects("12,34");
	assert_rejects("1,2345");
	assert_rejects("1234,567");
	assert_rejects(",123");
	assert_rejects("1,");
	assert_rejects("1,,234");
	assert_rejects("1,234,56");
	assert_rejects("1,234.5,0");
	assert_rejects("1, 234");
}

static void test_currency_signs(void **state)
{
	(void)state;
	assert_parses("\xc2\xa5" "12", 1200);		/* ¥12 */
	assert_parses("\xef\xbf\xa5" "1,234.50", 123450);	/* ￥1,234.50 */
	assert_parses("$3.99", 399);
	assert_parses("\xe2\x82\xac" "5", 500);		/* €5 */
	assert_parses("\xc2\xa3" "0.5", 50);		/* £0.5 */
	assert_parses("\xc2\xa5 12", 1200);		/* a space after the sign */
	assert_parses("-$3.99", -399);
	assert_parses("$-3.99", -399);
	assert_parses(" -\xc2\xa5" "1,000.00 ", -100000);
}

static void test_currency_codes(void **state)
{
	(void)state;
	assert_parses("CNY 12", 1200);
	assert_parses("CNY12", 1200);
	assert_parses("RMB 1,000", 100000);
	assert_parses("USD 0.99", 99);
	assert_parses("EUR 7", 700);
	assert_parses("cny 12", 1200);
	assert_parses("-CNY 12", -1200);
	assert_parses("CNY -12", -1200);
}

static void test_bad_currency(void **state)
{
	(void)state;
	assert_rejects("CNYX 12");
	assert_rejects("GBP 12");
	assert_rejects("CNY");
	assert_rejects("$");
	assert_rejects("$$12");
	assert_rejects("CNY $12");
	assert_rejects("12 CNY");
	assert_rejects("12$");
	assert_rejects("\xc2" "12");	/* half a ¥ */
}

static void test_decimals(void **state)
{
	(void)state;
	assert_rejects("1.234");	/* an error, not a rounding */
	assert_rejects("12.");
	assert_rejects(".5");
	assert_rejects("1..2");
	assert_rejects("1.2.3");
	assert_rejects("1.-2");
}

static void test_malformed(void **state)
{
	(void)state;
	assert_rejects("");
	assert_rejects("   ");
	assert_rejects("abc");
	assert_rejects("12abc");
	assert_rejects("--1");
	assert_rejects("+-1");
	assert_rejects("-$-1");
	assert_rejects("- 1");
	assert_rejects("-");
	assert_rejects("1 2");
	assert_rejects("1e5");
	assert_rejects("0x10");
	assert_rejects("\xef\xbc\x91\xef\xbc\x92");	/* full-width 12 */
}

static void test_limits(void **state)
{
	(void)state;
	assert_parses("92233720368547758.07", INT64_MAX);
	assert_parses("92,233,720,368,547,758.07", INT64_MAX);
	assert_parses("-92233720368547758.08", INT64_MIN);
	assert_rejects("92233720368547758.08");
	assert_rejects("-92233720368547758.09");
	assert_rejects("92233720368547759");
	assert_rejects("100000000000000000");
	assert_rejects("99999999999999999999999999");
}

static void assert_amount(const char *s, int64_t want)
{
	int64_t cents = 4242;
	const char *why = NULL;
	if (crm_money_amount(s, &cents, &why) != 0)
		fail_msg("'%s' was refused: %s", s, why);
	if (cents != want)
		fail_msg("'%s' gave %lld cents, want %lld", s, (long long)cents, (long long)want);
}

static void assert_refused(const char *s, const char *want_why)
{
	int64_t cents = 4242;
	const char *why = NULL;
	if (crm_money_amount(s, &cents, &why) != -1)
		fail_msg("'%s' was accepted as %lld cents", s, (long long)cents);
	assert_int_equal(cents, 4242);
	assert_non_null(why);
	assert_string_equal(why, want_why);
}

/* The one rule for every amount given as input: deals, costs, custom
 * money fields. */
static void test_amount(void **state)
{
	(void)state;
	assert_amount("0", 0);
	assert_amount("1,000", 100000);		/* grouping, as on a quote */
	assert_amount(" 12", 1200);		/* spaces around are trimmed */
	assert_amount("12 ", 1200);
	assert_amount("\xc2\xa5" "12", 1200);	/* ¥12: a currency sign is dropped */
	assert_amount("CNY 12.5", 1250);
	assert_amount("+3", 300);
	assert_amount("92233720368547758.07", INT64_MAX);
	assert_refused("-0", "negative amount");	/* no minus sign, even on zero */
	assert_refused("-0.00", "negative amount");
	assert_refused("-12.50", "negative amount");
	assert_refused("\xc2\xa5-1", "negative amount");
	assert_refused("-92233720368547758.09", "negative amount");
	assert_refused("92233720368547758.08", "amount too large");
	assert_refused("99999999999999999999999", "amount too large");
	assert_refused("12.345", "amount with more than two decimals");
	assert_refused("0.001", "amount with more than two decimals");
	assert_refused("1e5", "invalid amount");
	assert_refused("1,00", "invalid amount");
	assert_refused("12.", "invalid amount");
	assert_refused("", "invalid amount");
	assert_refused("12 CNY", "invalid amount");
	assert_refused("0x10", "invalid amount");
}

static void assert_formats(int64_t cents, const char *want)
{
	char out[CRM_MONEY_LEN];
	crm_money_format(cents, out);
	assert_string_equal(out, want);
}

static void test_format(void **state)
{
	(void)state;
	assert_formats(0, "0.00");
	assert_formats(1, "0.01");
	assert_formats(10, "0.10");
	assert_formats(123450, "1234.50");
	assert_formats(24000000, "240000.00");
	assert_formats(-1, "-0.01");
	assert_formats(-1230, "-12.30");
	assert_formats(INT64_MAX, "92233720368547758.07");
	assert_formats(INT64_MIN, "-92233720368547758.08");
}

static void test_percent(void **state)
{
	(void)state;
	static const struct { const char *in; int bp; } good[] = {
		{"13", 1300}, {"13%", 1300}, {"6.5", 650}, {"6.5%", 650}, {"0.01%", 1},
		{"0", 0}, {"100", 10000}, {"100%", 10000}, {"07", 700},
	};
	for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
		int bp = -1;
		assert_int_equal(crm_percent_parse(good[i].in, &bp), 0);
		assert_int_equal(bp, good[i].bp);
	}
	static const char *const bad[] = {
		"", "%", "100.01", "101%", "-1", "+5", "1.234", "13%%", "1,3", "¥13", "13 %", "1e2",
		".5", "5.", "99999999999999999999999",
	};
	int bp = 42;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		assert_int_equal(crm_percent_parse(bad[i], &bp), -1);
	assert_int_equal(bp, 42);
	assert_int_equal(crm_percent_parse(NULL, &bp), -1);
}

static void test_decimal(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(crm_decimal_parse("2.5", 3, &v), 0);
	assert_int_equal(v, 2500);
	assert_int_equal(crm_decimal_parse("0.125", 3, &v), 0);
	assert_int_equal(v, 125);
	assert_int_equal(crm_decimal_parse("0.1255", 3, &v), -1);
	assert_int_equal(crm_decimal_parse("922337203685477580", 1, &v), 0);
	assert_int_equal(crm_decimal_parse("922337203685477580", 2, &v), -1);
}

static void test_round_trip(void **state)
{
	static const int64_t values[] = { 0, 5, -5, 99, 100, -100, 123456789, INT64_MAX, INT64_MIN };
	(void)state;
	for (size_t i = 0; i < sizeof values / sizeof *values; i++) {
		char text[CRM_MONEY_LEN];
		crm_money_format(values[i], text);
		assert_parses(text, values[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_numbers),
		cmocka_unit_test(test_signs),
		cmocka_unit_test(test_surrounding_spaces),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_bad_grouping),
		cmocka_unit_test(test_currency_signs),
		cmocka_unit_test(test_currency_codes),
		cmocka_unit_test(test_bad_currency),
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
