/* test_utf8.c: validation, decoding, encoding and display width */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "utf8.h"

static bool valid(const char *s, size_t *bad)
{
	return crm_utf8_valid(s, strlen(s), bad);
}

static void test_valid_text(void **state)
{
	size_t bad = 99;

	(void)state;
	assert_true(valid("", &bad));
	assert_true(valid("plain ascii, long enough for the word loop", &bad));
	assert_true(valid("\xC3\xA9t\xC3\xA9", &bad));		/* été */
	assert_true(valid("\xE4\xB8\xAD\xE6\x96\x87", &bad));	/* 中文 */
	assert_true(valid("\xF0\x9F\x98\x80", &bad));		/* U+1F600 */
	assert_true(valid("\xF4\x8F\xBF\xBF", &bad));		/* U+10FFFF */
	assert_true(valid("\xEF\xBB\xBF", &bad));		/* BOM is a character */
	assert_int_equal(bad, 99);	/* untouched on success */
	/* NUL is a valid character; rejecting it is the readers' job */
	assert_true(crm_utf8_valid("a\0b", 3, NULL));
}

static void test_invalid_sequences(void **state)
{
	size_t bad;

	(void)state;
	/* overlong forms of '/' and of U+07FF */
	assert_false(valid("\xC0\xAF", &bad));
	assert_int_equal(bad, 0);
	assert_false(valid("x\xC1\xBF", &bad));
	assert_int_equal(bad, 1);
	assert_false(valid("ab\xE0\x80\xAF", &bad));
	assert_int_equal(bad, 2);
	assert_false(valid("\xE0\x9F\xBF", &bad));
	assert_false(valid("\xF0\x80\x80\xAF", &bad));
	assert_false(valid("\xF0\x8F\xBF\xBF", &bad));
	/* surrogates, high and low */
	assert_false(valid("ok \xED\xA0\x80", &bad));
	assert_int_equal(bad, 3);
	assert_false(valid("\xED\xBF\xBF", &bad));
	/* above U+10FFFF, and lead bytes that can never start one */
	assert_false(valid("\xF4\x90\x80\x80", &bad));
	assert_false(valid("\xF5\x80\x80\x80", &bad));
	assert_false(valid("\xFF", &bad));
	assert_false(valid("\xFE", &bad));
	/* truncated at the end and cut by another character */
	assert_false(valid("abc\xE4\xB8", &bad));
	assert_int_equal(bad, 3);
	assert_false(valid("\xE4\xB8" "a", &bad));
	assert_false(valid("\xF0\x9F\x98", &bad));
	assert_false(valid("\xC3", &bad));
	/* a lone continuation byte */
	assert_false(valid("\x80", &bad));
	/* found after a long ASCII run (the eight-bytes-at-a-time path) */
	assert_false(valid("0123456789abcdefg\x80xyz", &bad));
	assert_int_equal(bad, 17);
	assert_false(valid("0123456789abcdef\xE4\xB8\xADxx\xC0\x80", &bad));
	assert_int_equal(bad, 21);
	/* the length bounds the check: the valid prefix passes */
	assert_true(crm_utf8_valid("ab\xE4\xB8", 2, &bad));
	assert_false(crm_utf8_valid("\xE4\xB8\xAD", 2, &bad));
}

static void test_decode(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(crm_utf8_decode("A", 1, &cp), 1);
	assert_int_equal(cp, 0x41);
	assert_int_equal(crm_utf8_decode("\xC3\xA9", 2, &cp), 2);
	assert_int_equal(cp, 0xE9);
	assert_int_equal(crm_utf8_decode("\xE4\xB8\xAD", 3, &cp), 3);
	assert_int_equal(cp, 0x4E2D);
	assert_int_equal(crm_utf8_decode("\xF0\xA0\x80\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x20000);
	assert_int_equal(crm_utf8_decode("\xE4\xB8\xAD", 2, &cp), 0);
	assert_int_equal(crm_utf8_decode("\xC0\x80", 2, &cp), 0);
	assert_int_equal(crm_utf8_decode("\xED\xA0\x80", 3, &cp), 0);
	assert_int_equal(crm_utf8_decode("", 0, &cp), 0);
}

static void test_encode(void **state)
{
	static const uint32_t cps[] = { 0, 0x7F, 0x80, 0x7FF, 0x800, 0xD7FF,
					0xE000, 0xFFFF, 0x10000, 0x10FFFF };
	static const size_t lens[] = { 1, 1, 2, 2, 3, 3, 3, 3, 4, 4 };
	char buf[4];
	uint32_t back;

	(void)state;
	for (size_t i = 0; i < sizeof cps / sizeof cps[0]; i++) {
		assert_int_equal(crm_utf8_encode(cps[i], buf), lens[i]);
		assert_int_equal(crm_utf8_decode(buf, lens[i], &back), lens[i]);
		assert_int_equal(back, cps[i]);
	}
	assert_int_equal(crm_utf8_encode(0x4E2D, buf), 3);
	assert_memory_equal(buf, "\xE4\xB8\xAD", 3);
	/* not characters: the replacement character instead */
	assert_int_equal(crm_utf8_encode(0xD800, buf), 3);
	assert_memory_equal(buf, "\xEF\xBF\xBD", 3);
	assert_int_equal(crm_utf8_encode(0x110000, buf), 3);
	assert_memory_equal(buf, "\xEF\xBF\xBD", 3);
}

static void test_cp_width(void **state)
{
	(void)state;
	assert_int_equal(crm_utf8_cp_width('a'), 1);
	assert_int_equal(crm_utf8_cp_width(' '), 1);
	assert_int_equal(crm_utf8_cp_width(0xE9), 1);		/* é */
	assert_int_equal(crm_utf8_cp_width(0x0416), 1);		/* Cyrillic Ж */
	assert_int_equal(crm_utf8_cp_width(0x4E2D), 2);		/* 中 */
	assert_int_equal(crm_utf8_cp_width(0x9FA5), 2);
	assert_int_equal(crm_utf8_cp_width(0x3400), 2);		/* extension A */
	assert_int_equal(crm_utf8_cp_width(0x20000), 2);	/* extension B */
	assert_int_equal(crm_utf8_cp_width(0x30000), 2);	/* extension G */
	assert_int_equal(crm_utf8_cp_width(0x3000), 2);		/* ideographic space */
	assert_int_equal(crm_utf8_cp_width(0x3001), 2);		/* 、 */
	assert_int_equal(crm_utf8_cp_width(0x300A), 2);		/* 《 */
	assert_int_equal(crm_utf8_cp_width(0x3042), 2);		/* あ */
	assert_int_equal(crm_utf8_cp_width(0x30AB), 2);		/* カ */
	assert_int_equal(crm_utf8_cp_width(0xAC00), 2);		/* 가 */
	assert_int_equal(crm_utf8_cp_width(0xD7A3), 2);
	assert_int_equal(crm_utf8_cp_width(0x1100), 2);		/* Hangul initial */
	assert_int_equal(crm_utf8_cp_width(0xFF01), 2);		/* ！ */
	assert_int_equal(crm_utf8_cp_width(0xFF10), 2);		/* ０ */
	assert_int_equal(crm_utf8_cp_width(0xFF60), 2);
	assert_int_equal(crm_utf8_cp_width(0xFF61), 1);		/* halfwidth ｡ */
	assert_int_equal(crm_utf8_cp_width(0xFF76), 1);		/* halfwidth ｶ */
	assert_int_equal(crm_utf8_cp_width(0xFFE5), 2);		/* ￥ */
	assert_int_equal(crm_utf8_cp_width(0xFFE8), 1);
	assert_int_equal(crm_utf8_cp_width(0x1F600), 2);	/* 😀 */
	assert_int_equal(crm_utf8_cp_width(0x1F44D), 2);	/* 👍 */
	assert_int_equal(crm_utf8_cp_width(0x1F680), 2);	/* 🚀 */
	assert_int_equal(crm_utf8_cp_width(0x0300), 0);		/* combining grave */
	assert_int_equal(crm_utf8_cp_width(0x036F), 0);
	assert_int_equal(crm_utf8_cp_width(0x3099), 0);		/* kana voicing mark */
	assert_int_equal(crm_utf8_cp_width(0x200B), 0);		/* zero width space */
	assert_int_equal(crm_utf8_cp_width(0x200D), 0);		/* ZWJ */
	assert_int_equal(crm_utf8_cp_width(0xFE0F), 0);		/* variation selector */
	assert_int_equal(crm_utf8_cp_width(0xFEFF), 0);
	assert_int_equal(crm_utf8_cp_width('\n'), 0);
	assert_int_equal(crm_utf8_cp_width(0x7F), 0);
}

static void test_width(void **state)
{
	(void)state;
	assert_int_equal(crm_utf8_width(""), 0);
	assert_int_equal(crm_utf8_width("abc"), 3);
	assert_int_equal(crm_utf8_width("\xE4\xB8\xAD\xE6\x96\x87"), 4);	/* 中文 */
	assert_int_equal(crm_utf8_width("Zhang \xE5\xBC\xA0\xE4\xB8\x89"), 10);	/* Zhang 张三 */
	assert_int_equal(crm_utf8_width("e\xCC\x81"), 1);	/* e + combining acute */
	assert_int_equal(crm_utf8_width("\xEF\xBC\x91\xEF\xBC\x92"), 4);	/* １２ */
	assert_int_equal(crm_utf8_width("\xE3\x80\x8A" "x" "\xE3\x80\x8B"), 5);	/* 《x》 */
	/* each invalid byte is one cell */
	assert_int_equal(crm_utf8_width("a\xFF" "b"), 3);
	assert_int_equal(crm_utf8_width("\xE4\xB8"), 2);
	assert_int_equal(crm_utf8_width("\xC0\xAF" "\xE4\xB8\xAD"), 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_text),
		cmocka_unit_test(test_invalid_sequences),
		cmocka_unit_test(test_decode),
		cmocka_unit_test(test_encode),
		cmocka_unit_test(test_cp_width),
		cmocka_unit_test(test_width),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
