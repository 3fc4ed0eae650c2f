/* test_roi.c: the figures of the ROI report (ratios, money per unit, the
 * months of costs) and the pro rata cost of a period, against values worked
 * out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "ctx.h"
#include "err.h"
#include "roi.h"

static void ratio(void **state)
{
	char b[32];
	(void)state;
	crm_roi_ratio(3, 4, b);
	assert_string_equal(b, "0.7500");
	crm_roi_ratio(11, 15, b);		/* 0.73333 */
	assert_string_equal(b, "0.7333");
	crm_roi_ratio(2, 3, b);			/* 0.66666 */
	assert_string_equal(b, "0.6667");
	crm_roi_ratio(1, 20000, b);		/* 0.00005: half, up */
	assert_string_equal(b, "0.0001");
	crm_roi_ratio(-1, 20000, b);		/* away from zero */
	assert_string_equal(b, "-0.0001");
	crm_roi_ratio(-1, 30000, b);		/* rounds to zero: no "-0" */
	assert_string_equal(b, "0.0000");
	crm_roi_ratio(-310000, 310000, b);
	assert_string_equal(b, "-1.0000");
	crm_roi_ratio(700000, 200000, b);
	assert_string_equal(b, "3.5000");
	crm_roi_ratio(5, -4, b);
	assert_string_equal(b, "-1.2500");
	crm_roi_ratio(0, 7, b);
	assert_string_equal(b, "0.0000");
	crm_roi_ratio(5, 0, b);
	assert_string_equal(b, "inf");
	crm_roi_ratio(-5, 0, b);
	assert_string_equal(b, "-inf");
	crm_roi_ratio(0, 0, b);
	assert_string_equal(b, "");
	crm_roi_ratio(INT64_MAX, 1, b);		/* no overflow on the way */
	assert_string_equal(b, "9223372036854775807.0000");
}

static void per(void **state)
{
	char b[32];
	(void)state;
	crm_roi_per(1000, 3, b);		/* 3.333... cents */
	assert_string_equal(b, "3.33");
	crm_roi_per(1000, 6, b);		/* 1.666... */
	assert_string_equal(b, "1.67");
	crm_roi_per(5, 2, b);			/* 2.5 cents: half, up */
	assert_string_equal(b, "0.03");
	crm_roi_per(310000, 1, b);
	assert_string_equal(b, "3100.00");
	crm_roi_per(0, 4, b);
	assert_string_equal(b, "0.00");
	crm_roi_per(100, 0, b);
	assert_string_equal(b, "inf");
	crm_roi_per(0, 0, b);
	assert_string_equal(b, "");
}

static void month(void **state)
{
	char from[11], to[11];
	(void)state;
	assert_int_equal(crm_roi_month("2026-02", from, to), 0);
	assert_string_equal(from, "2026-02-01");
	assert_string_equal(to, "2026-02-28");
	assert_int_equal(crm_roi_month("2024-02", from, to), 0);
	assert_string_equal(to, "2024-02-29");
	assert_int_equal(crm_roi_month("2000-02", from, to), 0);
	assert_string_equal(to, "2000-02-29");
	assert_int_equal(crm_roi_month("2100-02", from, to), 0);
	assert_string_equal(to, "2100-02-28");
	assert_int_equal(crm_roi_month("2026-12", from, to), 0);
	assert_string_equal(from, "2026-12-01");
	assert_string_equal(to, "2026-12-31");
	assert_int_equal(crm_roi_month("2026-13", from, to), -1);
	assert_int_equal(crm_roi_month("2026-00", from, to), -1);
	assert_int_equal(crm_roi_month("2026-1", from, to), -1);
	assert_int_equal(crm_roi_month("2026-01-01", from, to), -1);
	assert_int_equal(crm_roi_month("26-01", from, to), -1);
	assert_int_equal(crm_roi_month("2026/01", from, to), -1);
	assert_int_equal(crm_roi_month("", from, to), -1);
	assert_int_equal(crm_roi_month("0000-01", from, to), -1);
}

/* A database with costs, and cost list over a window. */
struct db {
	char dir[64];
	struct crm_opts opts;
	struct crm_ctx ctx;
};

static int db_setup(void **state)
{
	struct db *d = crm_xcalloc(1, sizeof *d);
	strcpy(d->dir, "/tmp/test_roi.XXXXXX");
	const char *dir = mkdtemp(d->dir);
	if (!dir)
		return -1;
	char *path = crm_xasprintf("%s/crm.db", dir);
	setenv("CRM_NOW", "2026-03-02T09:00:00Z", 1);
	setenv("TZ", "Asia/Shanghai", 1);
	setenv("XDG_CONFIG_HOME", dir, 1);
	unsetenv("CRM_CONFIG");
	unsetenv("CRM_USER");
	d->opts.db_path = path;
	d->opts.quiet = true;
	if (crm_ctx_open_create(&d->ctx, &d->opts) != 0)
		return -1;
	*state = d;
	return 0;
}

static int db_teardown(void **state)
{
	struct db *d = *state;
	crm_ctx_close(&d->ctx);
	char *cmd = crm_xasprintf("rm -rf '%s'", d->dir);
	if (system(cmd) != 0)
		return -1;
	free(cmd);
	free((char *)d->opts.db_path);
	free(d);
	return 0;
}

static char *run_list(struct db *d, const char *since, const char *until)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);
	struct crm_roi_filter f = {.since = since, .until = until};
	d->opts.no_header = true;
	assert_int_equal(crm_cost_list(&d->ctx, &f, fp), 0);
	fclose(fp);
	return buf;
}

static void add(struct db *d, const char *from, const char *to, const char *amount, int want)
{
	struct crm_cost_input in = {.source = "web", .from = from, .to = to, .amount = amount};
	assert_int_equal(crm_cost_add(&d->ctx, &in, NULL), want);
}

static void prorate(void **state)
{
	struct db *d = *state;
	/* 100.00 over 3 days: one day is 33.333 => 33.33, two 66.667 => 66.67 */
	add(d, "2026-01-30", "2026-02-01", "100", 0);
	/* 0.05 over 2 days: one day is 2.5 cents => 3 (halves up) */
	add(d, "2026-02-01", "2026-02-02", "0.05", 0);
	char *s = run_list(d, "2026-01-31", "2026-02-01");
	assert_string_equal(s,
		"1\tweb\t\t2026-01-30\t2026-02-01\t3\t100.00\t66.67\t\n"
		"2\tweb\t\t2026-02-01\t2026-02-02\t2\t0.05\t0.03\t\n");
	free(s);
	s = run_list(d, "2026-01-30", "2026-01-30");
	assert_string_equal(s, "1\tweb\t\t2026-01-30\t2026-02-01\t3\t100.00\t33.33\t\n");
	free(s);
	s = run_list(d, NULL, NULL);	/* whole periods keep their amount */
	assert_string_equal(s,
		"1\tweb\t\t2026-01-30\t2026-02-01\t3\t100.00\t100.00\t\n"
		"2\tweb\t\t2026-02-01\t2026-02-02\t2\t0.05\t0.05\t\n");
	free(s);
	s = run_list(d, "2026-02-03", NULL);	/* nothing overlaps */
	assert_string_equal(s, "");
	free(s);
}

static void refused(void **state)
{
	struct db *d = *state;
	add(d, "2026-02-01", "2026-01-31", "1", 65);
	add(d, "2026-02-30", "2026-03-01", "1", 65);
	add(d, "2026-02-01", "2026-02-02", "-1", 65);
	add(d, "2026-02-01", "2026-02-02", "1.234", 65);
	add(d, "2026-02-01", "2026-02-02", "", 65);
	/* a huge amount over a long period would overflow the pro rata share */
	add(d, "2000-01-01", "2099-12-31", "90000000000000000", 65);
	char *s = run_list(d, NULL, NULL);
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	crm_set_progname("test_roi");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ratio),
		cmocka_unit_test(per),
		cmocka_unit_test(month),
		cmocka_unit_test_setup_teardown(prorate, db_setup, db_teardown),
		cmocka_unit_test_setup_teardown(refused, db_setup, db_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
