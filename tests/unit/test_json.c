/* test_json.c: the JSON object editor and the text it writes.  The
 * expected texts are what SQLite 3.40's json(), json_object(),
 * json_remove() and json_set() return for the same input, so that moving
 * an edit from SQL into C changes no byte. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "json.h"

static struct crm_json *parse(const char *s)
{
	return crm_json_parse(s, strlen(s));
}

static void assert_text(const struct crm_json *o, const char *want)
{
	char *got = crm_json_text(o);
	assert_string_equal(got, want);
	free(got);
}

static void assert_minified(const char *in, const char *want)
{
	char *got = crm_json_minify(in, strlen(in));
	if (!want) {
		if (got)
			fail_msg("'%s' was accepted as '%s'", in, got);
		return;
	}
	if (!got)
		fail_msg("'%s' was rejected", in);
	assert_string_equal(got, want);
	free(got);
}

static void test_parse_and_read(void **state)
{
	struct crm_json *o = parse(" { \"size\" : \"large\" , \"n\":12, \"ok\":true, \"no\":false,"
				   " \"none\":null, \"esc\":\"a\\\"b\\\\c\\nd\\u00e9\\ud83d\\ude00\" } ");
	assert_non_null(o);
	assert_int_equal(crm_json_count(o), 6);
	assert_string_equal(crm_json_key(o, 0), "size");
	assert_int_equal(crm_json_type(o, 0), CRM_JSON_STRING);
	assert_string_equal(crm_json_value(o, 0), "large");
	assert_int_equal(crm_json_type(o, 1), CRM_JSON_NUMBER);
	assert_string_equal(crm_json_value(o, 1), "12");
	assert_int_equal(crm_json_type(o, 2), CRM_JSON_TRUE);
	assert_int_equal(crm_json_type(o, 3), CRM_JSON_FALSE);
	assert_int_equal(crm_json_type(o, 4), CRM_JSON_NULL);
	assert_string_equal(crm_json_value(o, 5), "a\"b\\c\nd\xc3\xa9\xf0\x9f\x98\x80");
	assert_int_equal(crm_json_find(o, "ok"), 2);
	assert_int_equal(crm_json_find(o, "missing"), -1);
	/* escapes are kept as written */
	assert_text(o, "{\"size\":\"large\",\"n\":12,\"ok\":true,\"no\":false,\"none\":null,"
		       "\"esc\":\"a\\\"b\\\\c\\nd\\u00e9\\ud83d\\ude00\"}");
	crm_json_free(o);

	o = parse("{}");
	assert_non_null(o);
	assert_int_equal(crm_json_count(o), 0);
	assert_text(o, "{}");
	crm_json_free(o);
}

static void test_not_an_object(void **state)
{
	static const char *const bad[] = {
		"", " ", "[]", "\"x\"", "12", "null", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
		"{\"a\":1}x", "{\"a\":01}", "{\"a\":\"x\ty\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}",
		"{a:1}", "{\"a\":tru}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":1e}", "{'a':1}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct crm_json *o = parse(bad[i]);
		if (o)
			fail_msg("'%s' was taken as an object", bad[i]);
	}
}

static void test_set(void **state)
{
	struct crm_json *o = parse("{\"a\":\"1\",\"b\":\"2\"}");
	/* json_set replaces in place and appends what is new */
	crm_json_set(o, "a", "x");
	crm_json_set(o, "c", "line\none\ttab\x01\x1f\"q\"\\/\x7f\xc3\xa9");
	assert_text(o, "{\"a\":\"x\",\"b\":\"2\",\"c\":\"line\\none\\ttab\\u0001\\u001f\\\"q\\\"\\\\/"
		       "\x7f\xc3\xa9\"}");
	assert_string_equal(crm_json_value(o, 2), "line\none\ttab\x01\x1f\"q\"\\/\x7f\xc3\xa9");
	crm_json_set_json(o, "b", "12");
	assert_int_equal(crm_json_type(o, 1), CRM_JSON_NUMBER);
	assert_text(o, "{\"a\":\"x\",\"b\":12,\"c\":\"line\\none\\ttab\\u0001\\u001f\\\"q\\\"\\\\/"
		       "\x7f\xc3\xa9\"}");
	crm_json_free(o);

	o = crm_json_new();
	crm_json_set(o, "k\"ey", "");
	assert_text(o, "{\"k\\\"ey\":\"\"}");
	assert_int_equal(crm_json_find(o, "k\"ey"), 0);
	crm_json_free(o);
}

static void test_remove(void **state)
{
	/* json_remove('{"a":1,"a":2,"b":3}', '$."a"') is {"a":2,"b":3} */
	struct crm_json *o = parse("{\"a\":1,\"a\":2,\"b\":3}");
	assert_true(crm_json_remove(o, "a"));
	assert_text(o, "{\"a\":2,\"b\":3}");
	assert_false(crm_json_remove(o, "zz"));
	assert_true(crm_json_remove(o, "b"));
	assert_true(crm_json_remove(o, "a"));
	assert_text(o, "{}");
	assert_false(crm_json_remove(o, "a"));
	crm_json_free(o);
}

static void test_minify(void **state)
{
	/* json(' { "a" : "x\u00e9\n" , "b":[1, 2 ,{"c": 1.50e3}], "d":true} ') */
	assert_minified(" { \"a\" : \"x\\u00e9\\n\" , \"b\":[1, 2 ,{\"c\": 1.50e3}], \"d\":true} ",
			"{\"a\":\"x\\u00e9\\n\",\"b\":[1,2,{\"c\":1.50e3}],\"d\":true}");
	assert_minified("[ ]", "[]");
	assert_minified(" \"x\" ", "\"x\"");
	assert_minified("-0.5E+3", "-0.5E+3");
	assert_minified("null", "null");
	assert_minified("{\"a\":[1,2,]}", NULL);
	assert_minified("[1] [2]", NULL);
	assert_minified("", NULL);
	/* deeper than any custom field, and not too deep */
	char deep[2101];
	memset(deep, '[', 1050);
	memset(deep + 1050, ']', 1050);
	deep[2100] = '\0';
	assert_minified(deep, NULL);
	memset(deep, '[', 999);
	memset(deep + 999, ']', 999);
	deep[1998] = '\0';
	char *got = crm_json_minify(deep, strlen(deep));
	assert_non_null(got);
	free(got);
}

static void test_quote(void **state)
{
	/* json_object('a', char(8,9,10,11,12,13,1,31,34,92,47,127) || 'é') */
	char *q = crm_json_quote("\b\t\n\v\f\r\x01\x1f\"\\/\x7f\xc3\xa9");
	assert_string_equal(q, "\"\\b\\t\\n\\u000b\\f\\r\\u0001\\u001f\\\"\\\\/\x7f\xc3\xa9\"");
	free(q);
	q = crm_json_quote("");
	assert_string_equal(q, "\"\"");
	free(q);
}

struct leaves {
	char out[1024];
	size_t len;
};

static void collect(void *arg, const char *path, enum crm_json_type type, const char *value)
{
	struct leaves *l = arg;
	l->len += (size_t)snprintf(l->out + l->len, sizeof l->out - l->len, "%s=%d:%s;", path,
				   (int)type, value);
}

static void test_leaves(void **state)
{
	struct leaves l = {.len = 0};
	const char *doc = "{\"id\":7,\"name\":\"A\\u00e9\",\"none\":null,"
			  "\"custom\":{\"size\":\"L\",\"tags\":[\"x\",true]},\"e\":{}}";
	assert_int_equal(crm_json_leaves(doc, strlen(doc), collect, &l), 0);
	assert_string_equal(l.out, "id=3:7;name=4:A\xc3\xa9;none=0:null;custom.size=4:L;"
				   "custom.tags[0]=4:x;custom.tags[1]=1:true;");
	l.len = 0;
	assert_int_equal(crm_json_leaves("{\"a\":", 5, collect, &l), -1);
}

/* Each member as json_each gives it (sqlite3: SELECT key, value FROM
 * json_each('{"b":"x\\u00e9","a":true,"c":null,"d":1.50,"e":[1, 2],"a2":false}')
 * ORDER BY key gives a 1, a2 0, b xé, c NULL, d 1.5, e [1,2]; we keep a
 * number as written, 1.50, which custom fields never hold: they store text). */
static void test_each_text(void **state)
{
	(void)state;
	const char *text = "{\"b\":\"x\\u00e9\",\"a\":true,\"c\":null,\"d\":1.50,\"e\":[1, 2],\"a2\":false}";
	struct crm_json *o = crm_json_parse(text, strlen(text));
	assert_non_null(o);
	size_t *ix = crm_json_by_key(o);
	static const char *const keys[] = {"a", "a2", "b", "c", "d", "e"};
	static const char *const values[] = {"1", "0", "x\xc3\xa9", "", "1.50", "[1,2]"};
	for (size_t i = 0; i < 6; i++) {
		assert_string_equal(crm_json_key(o, ix[i]), keys[i]);
		assert_string_equal(crm_json_each_text(o, ix[i]), values[i]);
	}
	free(ix);
	crm_json_free(o);
	struct crm_json *empty = crm_json_parse("{}", 2);
	ix = crm_json_by_key(empty);
	free(ix);
	crm_json_free(empty);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_read),
		cmocka_unit_test(test_not_an_object),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_remove),
		cmocka_unit_test(test_minify),
		cmocka_unit_test(test_quote),
		cmocka_unit_test(test_leaves),
		cmocka_unit_test(test_each_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
