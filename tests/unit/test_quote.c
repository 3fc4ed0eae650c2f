/* test_quote.c: the template substitution of rendered quotes: values
 * HTML-escaped, the lines block repeated per line, unknown names empty,
 * malformed templates refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "quote.h"
#include "text.h"

static const char *get(const char *name, int row, void *data)
{
	static const char *const descr[] = {"服务器", "<b>&'\""};
	(void)data;
	if (row >= 0)
		return !strcmp(name, "description") ? descr[row] : !strcmp(name, "no") ? (row ? "2" : "1")
		       : NULL;
	return !strcmp(name, "number") ? "Q-000001" : !strcmp(name, "customer") ? "A&B <co>" : NULL;
}

static void check(const char *tmpl, int rows, const char *want)
{
	const char *why = NULL;
	char *out = crm_template_fill(tmpl, rows, get, NULL, &why);
	assert_non_null(out);
	assert_string_equal(out, want);
	free(out);
}

static void test_values_escaped(void **state)
{
	(void)state;
	check("{{number}}: {{ customer }}", 0, "Q-000001: A&amp;B &lt;co&gt;");
	check("[{{nothing}}]", 0, "[]");
	check("no tags", 0, "no tags");
	check("", 0, "");
}

static void test_lines_block(void **state)
{
	(void)state;
	check("<{{#lines}}{{no}}={{description}};{{/lines}}>", 2,
	      "<1=服务器;2=&lt;b&gt;&amp;&#39;&quot;;>");
	check("a{{#lines}}x{{/lines}}b", 0, "ab");
	check("{{#lines}}{{number}}{{/lines}}", 1, "");	/* header names are not line names */
}

static void refused(const char *tmpl, const char *want)
{
	const char *why = NULL;
	assert_null(crm_template_fill(tmpl, 1, get, NULL, &why));
	assert_string_equal(why, want);
}

static void test_malformed(void **state)
{
	(void)state;
	refused("{{#lines}}x", "{{#lines}} without {{/lines}}");
	refused("a {{number", "{{ without }}");
	refused("{{#other}}{{/other}}", "a block other than {{#lines}}");
	refused("{{#lines}}{{#lines}}{{/lines}}{{/lines}}", "{{#lines}} inside {{#lines}}");
}

static void test_escape(void **state)
{
	struct crm_buf b = {0};
	(void)state;
	crm_buf_add(&b, "");
	crm_html_escape(&b, "x<y>&\"'中");
	assert_string_equal(b.s, "x&lt;y&gt;&amp;&quot;&#39;中");
	free(b.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_values_escaped),
		cmocka_unit_test(test_lines_block),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
