/* test_opts.c: the option collector (order, last values, refusals, the
 * cap), the usage lines printed from a subcommand table, and the
 * "N bad rows, nothing DONE" end of a batch. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "opts.h"

enum { OPT_NAME = CRM_OPT_TOOL, OPT_SET, OPT_FLAG };

static const char short_opts[] = CRM_SHORTOPTS "k:";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"kind", required_argument, NULL, 'k'},
	{"name", required_argument, NULL, OPT_NAME},
	{"set", required_argument, NULL, OPT_SET},
	{"flag", no_argument, NULL, OPT_FLAG},
	{0},
};

/* stderr goes to a file while on; off returns what was written (free it) */
static int saved_fd = -1;
static char err_path[] = "/tmp/crm-opts-XXXXXX";

static void stderr_on(void)
{
	int fd = mkstemp(err_path);
	assert_true(fd >= 0);
	fflush(stderr);
	saved_fd = dup(2);
	dup2(fd, 2);
	close(fd);
}

static char *stderr_off(void)
{
	static char buf[4096];
	fflush(stderr);
	dup2(saved_fd, 2);
	close(saved_fd);
	FILE *fp = fopen(err_path, "r");
	assert_non_null(fp);
	size_t n = fread(buf, 1, sizeof buf - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	unlink(err_path);
	strcpy(err_path, "/tmp/crm-opts-XXXXXX");
	return buf;
}

static int parse(int argc, char **argv, const int *allowed, struct crm_opts *o,
		 struct crm_args *a, int *left, char ***rest)
{
	optind = 0;
	int st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, a);
	*left = argc;
	*rest = argv;
	return st;
}

static void test_args_order_and_last(void **state)
{
	char *argv[] = {"add", "--name", "a", "--set", "x=1", "op", "-k", "call", "--name", "b",
			"-q", "--flag", NULL};
	struct crm_opts o = {0};
	struct crm_args a;
	char **rest;
	int left;
	assert_int_equal(parse(12, argv, NULL, &o, &a, &left, &rest), 0);
	assert_int_equal(left, 1);
	assert_string_equal(rest[0], "op");
	assert_true(o.quiet);			/* the shared options are not collected */
	assert_int_equal(a.n, 5);
	const int codes[] = {OPT_NAME, OPT_SET, 'k', OPT_NAME, OPT_FLAG};
	for (int i = 0; i < 5; i++)
		assert_int_equal(a.code[i], codes[i]);
	assert_string_equal(a.given[1], "x=1");
	assert_null(a.given[4]);		/* a flag has no value */
	assert_string_equal(crm_arg(&a, OPT_NAME), "b");
	assert_string_equal(crm_arg(&a, 'k'), "call");
	assert_string_equal(crm_arg(&a, OPT_FLAG), "");
	assert_null(crm_arg(&a, 'V'));
}

static void test_args_refused(void **state)
{
	static const int allowed[] = {OPT_NAME, 0};
	char *argv[] = {"add", "--name", "a", "--set", "x=1", NULL};
	struct crm_opts o = {0};
	struct crm_args a;
	char **rest;
	int left;
	stderr_on();
	int st = parse(5, argv, allowed, &o, &a, &left, &rest);
	char *err = stderr_off();
	assert_int_equal(st, EX_USAGE);
	assert_string_equal(err, "crm: add: --set does not apply\nTry 'crm --help'.\n");
}

static void test_args_too_many(void **state)
{
	enum { N = CRM_ARGS_MAX + 1 };
	char *argv[N + 2] = {"add"};
	for (int i = 1; i <= N; i++)
		argv[i] = "--flag";
	struct crm_opts o = {0};
	struct crm_args a;
	char **rest;
	int left;
	assert_int_equal(parse(N, argv, NULL, &o, &a, &left, &rest), 0);
	assert_int_equal(a.n, CRM_ARGS_MAX);
	stderr_on();
	int st = parse(N + 1, argv, NULL, &o, &a, &left, &rest);
	char *err = stderr_off();
	assert_int_equal(st, EX_USAGE);
	assert_string_equal(err, "crm: too many options\nTry 'crm --help'.\n");
}

static int run(struct crm_opts *o, int argc, char **argv) { return 0; }

static const struct crm_subcmd cmds[] = {
	{"run", run, .synopsis = "[--to LOGIN]\n\t[--explain]", .implied = true},
	{"import", run, .synopsis = "[--csv|--tsv]\n\t[FILE...]\n< TSV", .summary = "read rows"},
	{"dupes", run, .synopsis = "", .summary = "list duplicates;\nnothing else"},
	{"hidden", run, .synopsis = NULL},
	{0},
};

static void test_usage_lines(void **state)
{
	char *text;
	size_t len;
	FILE *fp = open_memstream(&text, &len);
	crm_usage_synopsis(fp, "crm-x", cmds);
	crm_usage_subcmd(fp, "crm-x y", &cmds[1]);
	crm_usage_summaries(fp, cmds);
	fclose(fp);
	assert_string_equal(text,
		"  crm-x [run] [--to LOGIN]\n"
		"        [--explain]\n"
		"  crm-x import [--csv|--tsv]\n"
		"               [FILE...]\n"
		"  crm-x import < TSV\n"
		"  crm-x dupes\n"
		"  crm-x y import [--csv|--tsv]\n"
		"                 [FILE...]\n"
		"  crm-x y import < TSV\n"
		"  import    read rows\n"
		"  dupes     list duplicates;\n"
		"            nothing else\n");
	free(text);
}

static void test_nothing_done(void **state)
{
	stderr_on();
	assert_int_equal(crm_nothing_done(0, "bad row", "imported", EX_DATAERR), 0);
	assert_int_equal(crm_nothing_done(1, "bad row", "imported", EX_DATAERR), EX_DATAERR);
	assert_int_equal(crm_nothing_done(3, "duplicate", "imported", EX_NOPERM), EX_NOPERM);
	char *err = stderr_off();
	assert_string_equal(err, "crm: 1 bad row, nothing imported\n"
				 "crm: 3 duplicates, nothing imported\n");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_args_order_and_last),
		cmocka_unit_test(test_args_refused),
		cmocka_unit_test(test_args_too_many),
		cmocka_unit_test(test_usage_lines),
		cmocka_unit_test(test_nothing_done),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
