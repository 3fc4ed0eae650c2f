/* test_gnuplot.c: the gnuplot scripts, compared whole with scripts written
 * out by hand: bars with a value label, lines, quoting of titles, missing
 * values, empty labels, an empty chart, the terminal override. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "err.h"
#include "gnuplot.h"

static char *render(struct crm_plot *p)
{
	char *buf = NULL;
	size_t size = 0;
	FILE *fp = open_memstream(&buf, &size);
	assert_non_null(fp);
	assert_int_equal(crm_plot_end(p, fp), 0);
	fclose(fp);
	return buf;
}

#define HEAD(width) \
	"set terminal pngcairo size " width ",600 font \"Noto Sans CJK SC,10\"\n" \
	"set encoding utf8\n" \
	"set termoption noenhanced\n" \
	"set datafile separator tab\n" \
	"set datafile missing 'NaN'\n" \
	"set key outside top right autotitle columnheader\n" \
	"set grid ytics\n" \
	"set border 3\n" \
	"set tics nomirror\n"

static void test_bars(void **state)
{
	(void)state;
	unsetenv("CRM_GNUPLOT_TERMINAL");
	struct crm_plot *p = crm_plot_new(CRM_PLOT_BARS, "Funnel", "step", "count");
	crm_plot_series(p, "count");
	crm_plot_row(p, "leads", (const char *[]){ "30" });
	crm_plot_row(p, "赢单", (const char *[]){ "7" });
	char *s = render(p);
	assert_string_equal(s,
		"# Funnel: written by test; run it with gnuplot > chart.png\n"
		HEAD("900")
		"set title 'Funnel'\n"
		"set xlabel 'step'\n"
		"set ylabel 'count'\n"
		"set yrange [0:*]\n"
		"$data << EOD\n"
		"label\tcount\n"
		"leads\t30\n"
		"赢单\t7\n"
		"EOD\n"
		"set style data histograms\n"
		"set style histogram clustered gap 1\n"
		"set style fill solid 0.8 border -1\n"
		"set boxwidth 0.9\n"
		"plot for [i=2:2] $data using i:xtic(1) title columnheader(i),"
		" $data using 0:2:2 with labels offset 0,0.8 notitle\n");
	free(s);
}

static void test_lines_missing_and_quotes(void **state)
{
	(void)state;
	unsetenv("CRM_GNUPLOT_TERMINAL");
	struct crm_plot *p = crm_plot_new(CRM_PLOT_LINES, "Rep's \"KPIs\"\n2026", NULL, NULL);
	crm_plot_series(p, "won\tamount");
	crm_plot_series(p, "rate");
	crm_plot_row(p, "2026-01", (const char *[]){ "1234567.50", "inf" });
	crm_plot_row(p, "", (const char *[]){ "", "-0.5" });
	crm_plot_row(p, "2026-03", (const char *[]){ NULL, "1e3x" });
	char *s = render(p);
	assert_string_equal(s,
		"# Rep's 'KPIs' 2026: written by test; run it with gnuplot > chart.png\n"
		HEAD("900")
		"set title 'Rep''s ''KPIs'' 2026'\n"
		"set format y '%.0f'\n"
		"$data << EOD\n"
		"label\twon amount\trate\n"
		"2026-01\t1234567.50\tNaN\n"
		"(none)\tNaN\t-0.5\n"
		"2026-03\tNaN\tNaN\n"
		"EOD\n"
		"plot for [i=2:3] $data using 0:i:xtic(1) with linespoints pointtype 7 linewidth 2"
		" title columnheader(i)\n");
	free(s);
}

static void test_empty_and_terminal(void **state)
{
	(void)state;
	setenv("CRM_GNUPLOT_TERMINAL", "svg size 800,400", 1);
	struct crm_plot *p = crm_plot_new(CRM_PLOT_BARS, "Lost", "reason", "deals");
	crm_plot_series(p, "deals");
	char *s = render(p);
	unsetenv("CRM_GNUPLOT_TERMINAL");
	assert_string_equal(s,
		"# Lost: written by test; run it with gnuplot > chart.png\n"
		"set terminal svg size 800,400\n"
		"set encoding utf8\n"
		"set termoption noenhanced\n"
		"set datafile separator tab\n"
		"set datafile missing 'NaN'\n"
		"set key outside top right autotitle columnheader\n"
		"set grid ytics\n"
		"set border 3\n"
		"set tics nomirror\n"
		"set title 'Lost'\n"
		"set xlabel 'reason'\n"
		"set ylabel 'deals'\n"
		"set yrange [0:*]\n"
		"$data << EOD\n"
		"label\tdeals\n"
		"EOD\n"
		"set xrange [0:1]\nset yrange [0:1]\nunset xtics\nunset ytics\nunset grid\n"
		"set label 1 'no data' at graph 0.5, graph 0.5 center\n"
		"plot -1 notitle\n");
	free(s);
}

/* Many rows: wider picture, slanted labels; two series: no value labels. */
static void test_wide(void **state)
{
	(void)state;
	unsetenv("CRM_GNUPLOT_TERMINAL");
	struct crm_plot *p = crm_plot_new(CRM_PLOT_BARS, "t", "x", "y");
	crm_plot_series(p, "a");
	crm_plot_series(p, "b");
	for (int i = 0; i < 10; i++)
		crm_plot_row(p, "r", (const char *[]){ "1", "2" });
	char *s = render(p);
	/* 160 + 48 * 10 rows * 2 series */
	assert_non_null(strstr(s, "size 1120,600"));
	assert_non_null(strstr(s, "set xtics rotate by 45 right\n"));
	assert_non_null(strstr(s, "plot for [i=2:3] $data using i:xtic(1) title columnheader(i)\n"));
	assert_null(strstr(s, "with labels"));
	free(s);
}

int main(void)
{
	crm_set_progname("test");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bars),
		cmocka_unit_test(test_lines_missing_and_quotes),
		cmocka_unit_test(test_empty_and_terminal),
		cmocka_unit_test(test_wide),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
