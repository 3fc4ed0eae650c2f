/* test_normalise.c: the duplicate-detection keys.  Inputs are written as
 * UTF-8 literals; full-width and punctuation code points are spelled out in
 * comments where they are easy to misread.  The functions take
 * NUL-terminated strings (NULL is not allowed); each check also makes sure
 * the key fits in strlen(in) + 1 bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "normalise.h"

/* test_normalise_pg.c includes this file to hold the server's normalisers
 * to the inputs below: it defines NOTE_INPUT to collect them and
 * NORMALISE_NO_MAIN, and runs NORMALISE_TESTS itself. */
#ifndef NOTE_INPUT
#define NOTE_INPUT(kind, in) ((void)0)
#endif

enum kind { PHONE, EMAIL, COMPANY, NAME };

/* Runs the function on a heap copy with exactly strlen(in) + 1 bytes of
 * output, so AddressSanitizer catches a key that grows. */
static long run(enum kind kind, const char *in, char **key)
{
	size_t room = strlen(in) + 1;
	char *out = malloc(room);
	long r = 0;

	assert_non_null(out);
	memset(out, 'Z', room);
	switch (kind) {
	case PHONE: r = crm_norm_phone(in, out); break;
	case EMAIL: r = crm_norm_email(in, out); break;
	case COMPANY: r = (long)crm_norm_company(in, out); break;
	case NAME: r = (long)crm_norm_name(in, out); break;
	}
	*key = out;
	return r;
}

/* The key, freed before any failure so a failing test reports only itself. */
static long key_of(enum kind kind, const char *in, char *copy, size_t size)
{
	char *out;
	long r = run(kind, in, &out);
	strncpy(copy, out, size - 1);
	copy[size - 1] = '\0';
	free(out);
	return r;
}

static void check(enum kind kind, const char *in, const char *want)
{
	char out[256];
	NOTE_INPUT(kind, in);
	long r = key_of(kind, in, out, sizeof out);
	if (r < 0 || strcmp(out, want) != 0 || (size_t)r != strlen(want))
		fail_msg("'%s' gave %ld '%s', want '%s'", in, r, r < 0 ? "" : out, want);
}

static void check_bad(enum kind kind, const char *in)
{
	char out[256];
	NOTE_INPUT(kind, in);
	long r = key_of(kind, in, out, sizeof out);
	if (r != -1)
		fail_msg("'%s' was accepted as '%s'", in, out);
	assert_string_equal(out, "");
}

#define PHONE_IS(in, want) check(PHONE, in, want)
#define EMAIL_IS(in, want) check(EMAIL, in, want)
#define COMPANY_IS(in, want) check(COMPANY, in, want)
#define NAME_IS(in, want) check(NAME, in, want)

/* Phones ------------------------------------------------------------- */

static void test_phone_mobile(void **state)
{
	(void)state;
	PHONE_IS("13800138000", "13800138000");
	PHONE_IS("138 0013 8000", "13800138000");
	PHONE_IS("138-0013-8000", "13800138000");
	PHONE_IS("138.0013.8000", "13800138000");
	PHONE_IS("(138) 0013 8000", "13800138000");
	PHONE_IS("19912345678", "19912345678");
	PHONE_IS(" 13800138000\t", "13800138000");
}

static void test_phone_country_prefix(void **state)
{
	(void)state;
	PHONE_IS("+86 138 0013 8000", "13800138000");
	PHONE_IS("+8613800138000", "13800138000");
	PHONE_IS("+86-138-0013-8000", "13800138000");
	PHONE_IS("(+86) 13800138000", "13800138000");
	PHONE_IS("0086 138 0013 8000", "13800138000");
	PHONE_IS("008613800138000", "13800138000");
	PHONE_IS("8613800138000", "13800138000");
	PHONE_IS("86 138 0013 8000", "13800138000");
	/* Without a + the bare 86 is only a prefix before a mobile. */
	PHONE_IS("861065521234", "861065521234");
	PHONE_IS("8612800138000", "8612800138000");
	PHONE_IS("861380013800012", "861380013800012");	/* 15 digits, not 13 */
}

static void test_phone_full_width(void **state)
{
	(void)state;
	/* １３８００１３８０００ */
	PHONE_IS("\xef\xbc\x91\xef\xbc\x93\xef\xbc\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91"
		 "\xef\xbc\x93\xef\xbc\x98\xef\xbc\x90\xef\xbc\x90\xef\xbc\x90", "13800138000");
	/* ＋８６（０１０）６５５２－１２３４ */
	PHONE_IS("\xef\xbc\x8b\xef\xbc\x98\xef\xbc\x96\xef\xbc\x88\xef\xbc\x90\xef\xbc\x91"
		 "\xef\xbc\x90\xef\xbc\x89\xef\xbc\x96\xef\xbc\x95\xef\xbc\x95\xef\xbc\x92"
		 "\xef\xbc\x8d\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94", "01065521234");
	/* 138 0013 8000 with ideographic spaces (U+3000) */
	PHONE_IS("138\xe3\x80\x80" "0013\xe3\x80\x80" "8000", "13800138000");
	/* an en dash (U+2013) as separator */
	PHONE_IS("010\xe2\x80\x93" "65521234", "01065521234");
}

static void test_phone_landline(void **state)
{
	(void)state;
	PHONE_IS("010-65521234", "01065521234");
	PHONE_IS("(010)6552-1234", "01065521234");
	PHONE_IS("(010) 6552-1234", "01065521234");
	PHONE_IS("+86 10 6552 1234", "01065521234");
	PHONE_IS("+86 (0)10 6552 1234", "01065521234");
	PHONE_IS("0086 10 6552 1234", "01065521234");
	PHONE_IS("+86 21 5012 3456", "02150123456");
	PHONE_IS("021-5012-3456", "02150123456");
	PHONE_IS("0571-8888-8888", "057188888888");
	PHONE_IS("0755 8888 888", "07558888888");
	PHONE_IS("+86 755 8888 8888", "075588888888");
	PHONE_IS("6552 1234", "65521234");	/* no area code: kept as given */
	PHONE_IS("655-2123", "6552123");
}

static void test_phone_service(void **state)
{
	(void)state;
	PHONE_IS("400-810-8888", "4008108888");
	PHONE_IS("400 810 8888", "4008108888");
	PHONE_IS("800-820-8820", "8008208820");
	PHONE_IS("+86 400 810 8888", "4008108888");
}

static void test_phone_extension(void **state)
{
	(void)state;
	PHONE_IS("010-65521234 \xe8\xbd\xac 123", "01065521234");	/* 转 */
	PHONE_IS("010-65521234\xe8\xbd\xac" "123", "01065521234");
	PHONE_IS("010-65521234 \xe5\x88\x86\xe6\x9c\xba 8", "01065521234");	/* 分机 */
	PHONE_IS("010-65521234 ext 12", "01065521234");
	PHONE_IS("010-65521234 ext. 12", "01065521234");
	PHONE_IS("010-65521234ext.12", "01065521234");
	PHONE_IS("010-65521234 EXT 12", "01065521234");
	PHONE_IS("010-65521234 x12", "01065521234");
	PHONE_IS("010-65521234 X 12", "01065521234");
	PHONE_IS("010-65521234#12", "01065521234");
	PHONE_IS("010-65521234 ext: 12", "01065521234");
	PHONE_IS("010-65521234 \xe8\xbd\xac", "01065521234");	/* marker, no digits */
	/* "-12" after a complete number */
	PHONE_IS("010-65521234-12", "01065521234");
	PHONE_IS("010-6552-1234-12", "01065521234");
	PHONE_IS("138-0013-8000-123", "13800138000");
	PHONE_IS("400-810-8888-1", "4008108888");
	PHONE_IS("0755-8888-8888-123456", "075588888888");
	PHONE_IS("86-13800138000-12", "13800138000");
	PHONE_IS("+1 415 555 0100 ext 5", "+14155550100");
}

static void test_phone_foreign(void **state)
{
	(void)state;
	PHONE_IS("+1 (415) 555-0100", "+14155550100");
	PHONE_IS("+44 20 7946 0958", "+442079460958");
	PHONE_IS("001 415 555 0100", "+14155550100");
	PHONE_IS("+852 2345 6789", "+85223456789");
	PHONE_IS("+1234567", "+1234567");
	PHONE_IS("+123456789012345", "+123456789012345");
}

static void test_phone_digit_counts(void **state)
{
	(void)state;
	PHONE_IS("1234567", "1234567");
	PHONE_IS("123456789012345", "123456789012345");
	check_bad(PHONE, "123456");
	check_bad(PHONE, "1234567890123456");
	check_bad(PHONE, "+123456");
	check_bad(PHONE, "+1234567890123456");
	check_bad(PHONE, "+86");
	check_bad(PHONE, "+86 123");
	check_bad(PHONE, "12345678901234567890123456789012345");	/* 35 digits */
	/* a second number is not an extension */
	check_bad(PHONE, "13800138000-13900139000");
	check_bad(PHONE, "010-65521234-1234567");
}

static void test_phone_bad(void **state)
{
	(void)state;
	check_bad(PHONE, "138abc");
	check_bad(PHONE, "138-abc");
	check_bad(PHONE, "tel 13800138000");
	check_bad(PHONE, "13800138000 mobile");
	check_bad(PHONE, "\xe6\x89\x8b\xe6\x9c\xba 13800138000");	/* 手机 */
	check_bad(PHONE, "13800138000/13900139000");
	check_bad(PHONE, "13800138000;13900139000");
	check_bad(PHONE, "13800138000+1");
	check_bad(PHONE, "++8613800138000");
	check_bad(PHONE, "+0 123 4567");
	check_bad(PHONE, "x12");
	check_bad(PHONE, "ext 12");
	check_bad(PHONE, "010-65521234 ext 12 ext 3");
	check_bad(PHONE, "010-65521234 ext 12a");
	check_bad(PHONE, "010-65521234 ext +1");
	check_bad(PHONE, "-");
	check_bad(PHONE, "()");
	check_bad(PHONE, "138\xff" "00138000");	/* invalid UTF-8 */
	check_bad(PHONE, "138\xe3\x80" "00138000");	/* truncated sequence */
}

static void test_phone_blank(void **state)
{
	char out[8] = "x";
	(void)state;
	assert_int_equal(crm_norm_phone("", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(crm_norm_phone(" \t ", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(crm_norm_phone("\xe3\x80\x80", out), 0);	/* U+3000 */
	assert_string_equal(out, "");
}

/* E-mail ------------------------------------------------------------- */

static void test_email(void **state)
{
	(void)state;
	EMAIL_IS("a@b.co", "a@b.co");
	EMAIL_IS("Foo.Bar@Example.COM", "foo.bar@example.com");
	EMAIL_IS("  Foo.Bar@Example.COM  ", "foo.bar@example.com");
	EMAIL_IS("\tzhang+crm@qq.com\n", "zhang+crm@qq.com");
	EMAIL_IS("\xe3\x80\x80Zhang@QQ.com\xe3\x80\x80", "zhang@qq.com");	/* U+3000 */
	EMAIL_IS("wang_li@mail.sub.example.cn", "wang_li@mail.sub.example.cn");
	/* non-ASCII is kept as it is: only ASCII is case-folded */
	EMAIL_IS("\xe5\xbc\xa0@\xe4\xbe\x8b\xe5\xad\x90.CN", "\xe5\xbc\xa0@\xe4\xbe\x8b\xe5\xad\x90.cn");
}

static void test_email_bad(void **state)
{
	static const char *const bad[] = {
		"ab", "ab.com", "a@b", "@b.com", "a@", "a@.com", "a@b.com.", "a@b..com",
		"a@@b.com", "a@b@c.com", "a b@c.com", "a@b .com", "a@b.com x",
		"a\xe3\x80\x80@b.com", "<a@b.com>", "a@b.com,", "a@b.com;c@d.com",
		"\"a\"@b.com", "a@b.com\x01", "a\x7f@b.com", "a@b\xff.com",
		"a\xef\xbc\xa0" "b.com",	/* full-width ＠ is not an @ */
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
		check_bad(EMAIL, bad[i]);
}

static void test_email_blank(void **state)
{
	char out[8] = "x";
	(void)state;
	assert_int_equal(crm_norm_email("", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(crm_norm_email("   ", out), 0);
	assert_string_equal(out, "");
}

/* Companies ---------------------------------------------------------- */

static void test_company_chinese_suffixes(void **state)
{
	(void)state;
	COMPANY_IS("北京百度网讯科技有限公司", "北京百度网讯科技");
	COMPANY_IS("中国平安保险股份有限公司", "中国平安保险");
	COMPANY_IS("某某有限责任公司", "某某");
	COMPANY_IS("华为技术有限公司深圳分公司", "华为技术有限公司深圳");
	COMPANY_IS("中粮总公司", "中粮");
	COMPANY_IS("X集团有限公司", "x");
	COMPANY_IS("中国平安（集团）股份有限公司", "中国平安");
	COMPANY_IS("某公司", "某");
}

static void test_company_latin_suffixes(void **state)
{
	(void)state;
	COMPANY_IS("ABC Co., Ltd.", "abc");
	COMPANY_IS("ABC Co.,Ltd", "abc");
	COMPANY_IS("Apple Inc.", "apple");
	COMPANY_IS("Foo Inc Inc. LLC", "foo");
	COMPANY_IS("Acme Corp.", "acme");
	COMPANY_IS("Acme Corporation", "acme");
	COMPANY_IS("McKinsey & Company", "mckinsey");
	COMPANY_IS("Tencent Holdings Limited", "tencentholdings");
	COMPANY_IS("Siemens GmbH", "siemens");
	COMPANY_IS("Foo GmbH & Co. KG", "foo");
	COMPANY_IS("Barclays PLC", "barclays");
	COMPANY_IS("AcmeCorp", "acme");	/* a camel-case capital starts a word */
	COMPANY_IS("Z Inc", "z");
}

static void test_company_suffix_word_boundary(void **state)
{
	(void)state;
	/* Latin suffixes only come off as whole words. */
	COMPANY_IS("Cisco", "cisco");
	COMPANY_IS("Costco", "costco");
	COMPANY_IS("COSTCO", "costco");
	COMPANY_IS("Zinc", "zinc");
	COMPANY_IS("Costco Wholesale Corporation", "costcowholesale");
}

static void test_company_never_empty(void **state)
{
	(void)state;
	COMPANY_IS("Company Limited", "company");
	COMPANY_IS("Limited", "limited");
	COMPANY_IS("Inc.", "inc");
	COMPANY_IS("集团公司", "集团");
	COMPANY_IS("有限公司", "有限");
	COMPANY_IS("公司", "公司");
}

static void test_company_region_tags(void **state)
{
	(void)state;
	COMPANY_IS("北京百度网讯科技（北京）有限公司", "北京百度网讯科技");
	COMPANY_IS("索尼（中国）有限公司", "索尼");
	COMPANY_IS("索尼(中国)有限公司", "索尼");
	COMPANY_IS("三星（中国）投资有限公司", "三星投资");
	COMPANY_IS("【上海】某某科技有限公司", "某某科技");
	COMPANY_IS("腾讯科技(深圳)有限公司", "腾讯科技");
	COMPANY_IS("某科技（广东省）有限公司", "某科技");
	COMPANY_IS("某科技(广西壮族自治区)有限公司", "某科技");
	COMPANY_IS("某科技（新疆维吾尔自治区）有限公司", "某科技");
	COMPANY_IS("某科技（上海市）有限公司", "某科技");
	COMPANY_IS("某科技（中国香港）有限公司", "某科技");
	COMPANY_IS("某科技（香港特别行政区）有限公司", "某科技");
	COMPANY_IS("某科技〔杭州〕有限公司", "某科技");
	COMPANY_IS("Foo (China) Co., Ltd.", "foo");
	COMPANY_IS("Foo (Hong Kong) Ltd", "foo");
	COMPANY_IS("Foo (H.K.) Limited", "foo");
	COMPANY_IS("Foo (Shanghai) Inc.", "foo");
	COMPANY_IS("Foo [Beijing] Inc.", "foo");
	COMPANY_IS("Foo ( Shenzhen ) Inc.", "foo");
	COMPANY_IS("Foo (USA), Inc.", "foo");
	COMPANY_IS("Foo (((China))) Inc", "foo");
}

static void test_company_other_brackets(void **state)
{
	(void)state;
	/* Brackets that name no region keep their content. */
	COMPANY_IS("Foo (Bar) Ltd", "foobar");
	COMPANY_IS("某某（科技）有限公司", "某某科技");
	COMPANY_IS("某某（北京朝阳）有限公司", "某某北京朝阳");
	COMPANY_IS("Foo () Ltd", "foo");
	/* Unbalanced brackets are punctuation: the region stays. */
	COMPANY_IS("Foo (China", "foochina");
	COMPANY_IS("Foo China) Inc", "foochina");
	/* A region outside brackets is part of the name. */
	COMPANY_IS("北京百度网讯科技有限公司", "北京百度网讯科技");
	COMPANY_IS("China Mobile Ltd", "chinamobile");
}

static void test_company_width_and_punctuation(void **state)
{
	(void)state;
	/* ＡＢＣ　Ｃｏ．，Ｌｔｄ． */
	COMPANY_IS("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3\xe3\x80\x80\xef\xbc\xa3\xef\xbd\x8f"
		   "\xef\xbc\x8e\xef\xbc\x8c\xef\xbc\xac\xef\xbd\x94\xef\xbd\x84\xef\xbc\x8e", "abc");
	COMPANY_IS("A.B.C. Trading & Co.", "abctrading");
	COMPANY_IS("O'Reilly Media, Inc.", "oreillymedia");
	COMPANY_IS("\"Quoted\" Name/Other-Part", "quotednameotherpart");
	/* 、，。· and curly quotes between Chinese words */
	COMPANY_IS("甲、乙，丙。丁\xc2\xb7戊", "甲乙丙丁戊");
	COMPANY_IS("\xe2\x80\x9c\xe7\x94\xb2\xe2\x80\x9d\xe4\xb9\x99", "甲乙");
	COMPANY_IS("《某某》科技", "某某科技");
	COMPANY_IS("3M China Ltd", "3mchina");
}

static void test_company_blank_and_bad(void **state)
{
	char out[8] = "x";
	(void)state;
	assert_int_equal(crm_norm_company("", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(crm_norm_company(" ,.\xe3\x80\x80 ", out), 0);
	assert_string_equal(out, "");
	/* Invalid bytes are dropped, the rest still gives a key. */
	COMPANY_IS("Foo\xff Inc", "foo");
	COMPANY_IS("\xe5\x8c\x97\xe4\xba\xac\xe5", "北京");
}

/* Person names ------------------------------------------------------- */

static void test_name(void **state)
{
	(void)state;
	NAME_IS("张三", "张三");
	NAME_IS("张 三", "张三");
	NAME_IS("张\xe3\x80\x80三", "张三");	/* U+3000 */
	NAME_IS("Zhang San", "zhangsan");
	NAME_IS("  ZHANG   SAN  ", "zhangsan");
	/* ＺＨＡＮＧ　Ｓａｎ */
	NAME_IS("\xef\xbc\xba\xef\xbc\xa8\xef\xbc\xa1\xef\xbc\xae\xef\xbc\xa7\xe3\x80\x80"
		"\xef\xbc\xb3\xef\xbd\x81\xef\xbd\x8e", "zhangsan");
	NAME_IS("O'Neil", "o'neil");
	NAME_IS("Jean-Luc", "jean-luc");
}

static void test_name_middle_dots(void **state)
{
	(void)state;
	NAME_IS("阿卜杜\xc2\xb7热合曼", "阿卜杜热合曼");	/* U+00B7 */
	NAME_IS("约翰\xe2\x80\xa2史密斯", "约翰史密斯");	/* U+2022 */
	NAME_IS("约翰\xe2\x80\xa7史密斯", "约翰史密斯");	/* U+2027 */
	NAME_IS("ジョン\xe3\x83\xbbスミス", "ジョンスミス");	/* U+30FB */
	NAME_IS("约翰 \xc2\xb7 史密斯", "约翰史密斯");
	NAME_IS("J. Smith", "j.smith");	/* a full stop is not a middle dot */
}

static void test_name_blank_and_bad(void **state)
{
	char out[8] = "x";
	(void)state;
	assert_int_equal(crm_norm_name("", out), 0);
	assert_string_equal(out, "");
	assert_int_equal(crm_norm_name(" \xe3\x80\x80\xc2\xb7 ", out), 0);
	assert_string_equal(out, "");
	NAME_IS("Li\xc0 Lei", "lilei");	/* an invalid byte is dropped */
}

#define NORMALISE_TESTS(X) \
	X(test_phone_mobile) \
	X(test_phone_country_prefix) \
	X(test_phone_full_width) \
	X(test_phone_landline) \
	X(test_phone_service) \
	X(test_phone_extension) \
	X(test_phone_foreign) \
	X(test_phone_digit_counts) \
	X(test_phone_bad) \
	X(test_phone_blank) \
	X(test_email) \
	X(test_email_bad) \
	X(test_email_blank) \
	X(test_company_chinese_suffixes) \
	X(test_company_latin_suffixes) \
	X(test_company_suffix_word_boundary) \
	X(test_company_never_empty) \
	X(test_company_region_tags) \
	X(test_company_other_brackets) \
	X(test_company_width_and_punctuation) \
	X(test_company_blank_and_bad) \
	X(test_name) \
	X(test_name_middle_dots) \
	X(test_name_blank_and_bad)

#ifndef NORMALISE_NO_MAIN
int main(void)
{
#define UNIT(f) cmocka_unit_test(f),
	const struct CMUnitTest tests[] = {NORMALISE_TESTS(UNIT)};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
#endif
