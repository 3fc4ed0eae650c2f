/* test_text.c: trimming and the growing string (lib/text.h), and the
 * change report of -n (lib/change.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "change.h"
#include "text.h"

static void trimmed(const char *in, const char *want)
{
	char buf[64];
	snprintf(buf, sizeof buf, "%s", in);
	assert_string_equal(crm_trim(buf), want);
}

static void test_trim(void **state)
{
	(void)state;
	trimmed("", "");
	trimmed("  a b \t\r\n", "a b");
	/* U+3000 ideographic space at both ends, kept inside */
	trimmed("\xe3\x80\x80" "王\xe3\x80\x80伟" "\xe3\x80\x80 ", "王\xe3\x80\x80伟");
	trimmed("\xe3\x80\x80\xe3\x80\x80", "");
}

static void test_buf(void **state)
{
	(void)state;
	struct crm_buf b = {0};
	for (int i = 0; i < 100; i++)
		crm_buf_add(&b, "ab");
	assert_int_equal(b.len, 200);
	assert_int_equal(strlen(b.s), 200);
	free(b.s);
}

static void test_diff(void **state)
{
	(void)state;
	char *text = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&text, &size);
	assert_non_null(fp);
	struct crm_diff d = {fp, true, 0, 0};
	crm_diff_row(&d, 7, "city", "", "北京");
	crm_diff_row(&d, 7, "notes", "a\tb", "");
	fclose(fp);
	assert_string_equal(text, "id\tfield\told_value\tnew_value\n7\tcity\t\t北京\n7\tnotes\ta\\tb\t\n");
	assert_int_equal(d.fields, 2);
	assert_false(d.header);
	free(text);

	struct crm_diff count = {NULL, true, 0, 0};
	crm_diff_row(&count, 1, "x", "a", "b");
	assert_int_equal(count.fields, 1);
	assert_true(count.header);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_buf),
		cmocka_unit_test(test_diff),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
