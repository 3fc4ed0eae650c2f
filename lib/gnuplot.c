/* gnuplot.c: see gnuplot.h */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "gnuplot.h"
#include "utf8.h"

struct crm_plot {
	enum crm_plot_style style;
	char *title, *xlabel, *ylabel;
	char **series;
	size_t nseries;
	char **cells;		/* per row: the label, then one value per series */
	size_t nrows, cap;
	double ymin, ymax;
	size_t label_width, value_width;
};

/* Text for one line of the script or one data field: control characters
 * (a TAB would split a field) and double quotes (gnuplot reads quoted
 * fields in data) become spaces and single quotes. */
static char *plain(const char *s)
{
	char *r = crm_xstrdup(s ? s : "");
	for (char *p = r; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == 0x7F)
			*p = ' ';
		else if (*p == '"')
			*p = '\'';
	}
	return r;
}

struct crm_plot *crm_plot_new(enum crm_plot_style style, const char *title,
			      const char *xlabel, const char *ylabel)
{
	struct crm_plot *p = crm_xcalloc(1, sizeof *p);
	p->style = style;
	p->title = plain(title);
	p->xlabel = xlabel ? plain(xlabel) : NULL;
	p->ylabel = ylabel ? plain(ylabel) : NULL;
	return p;
}

void crm_plot_series(struct crm_plot *p, const char *name)
{
	p->series = crm_xrealloc(p->series, (p->nseries + 1) * sizeof *p->series);
	p->series[p->nseries++] = plain(name);
}

/* A finite number written in full, or NULL for a missing value. */
static char *number(const char *s, double *v)
{
	char *end;
	if (!s || !*s)
		return NULL;
	errno = 0;
	*v = strtod(s, &end);
	if (*end || errno || !isfinite(*v))
		return NULL;
	return crm_xstrdup(s);
}

void crm_plot_row(struct crm_plot *p, const char *label, const char *const *values)
{
	size_t w = p->nseries + 1;
	if ((p->nrows + 1) * w > p->cap) {
		p->cap = p->cap ? 2 * p->cap : 16 * w;
		while (p->cap < (p->nrows + 1) * w)
			p->cap *= 2;
		p->cells = crm_xrealloc(p->cells, p->cap * sizeof *p->cells);
	}
	char **row = p->cells + p->nrows * w;
	/* an empty group ("no source") still needs a visible tick label */
	row[0] = plain(label && *label ? label : "(none)");
	size_t lw = crm_utf8_width(row[0]);
	if (lw > p->label_width)
		p->label_width = lw;
	for (size_t j = 0; j < p->nseries; j++) {
		double v;
		row[j + 1] = number(values[j], &v);
		if (!row[j + 1])
			continue;
		if (strlen(row[j + 1]) > p->value_width)
			p->value_width = strlen(row[j + 1]);
		if (v < p->ymin)
			p->ymin = v;
		if (v > p->ymax)
			p->ymax = v;
	}
	p->nrows++;
}

/* A gnuplot single-quoted string: only '' needs escaping. */
static void quoted(FILE *fp, const char *s)
{
	fputc('\'', fp);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', fp);
		fputc(*s, fp);
	}
	fputc('\'', fp);
}

static void setting(FILE *fp, const char *what, const char *text)
{
	if (!text || !*text)
		return;
	fprintf(fp, "set %s ", what);
	quoted(fp, text);
	fputc('\n', fp);
}

static void write_head(struct crm_plot *p, FILE *fp)
{
	const char *term = getenv("CRM_GNUPLOT_TERMINAL");
	/* wide enough that bars, and the value above a lone series' bars,
	 * do not collide */
	size_t bar = p->style == CRM_PLOT_BARS && p->nseries == 1 && 8 * p->value_width + 16 > 48
		     ? 8 * p->value_width + 16 : 48;
	size_t width = 160 + bar * p->nrows * (p->style == CRM_PLOT_BARS ? p->nseries : 1);
	width = width < 900 ? 900 : width > 4000 ? 4000 : width;

	fprintf(fp, "# %s: written by %s; run it with gnuplot > chart.png\n", p->title,
		crm_progname ? crm_progname : "crm");
	if (term && *term)
		fprintf(fp, "set terminal %s\n", term);
	else
		fprintf(fp, "set terminal pngcairo size %zu,600 font \"Noto Sans CJK SC,10\"\n", width);
	fputs("set encoding utf8\n"
	      "set termoption noenhanced\n"	/* labels are text, not markup */
	      "set datafile separator tab\n"
	      "set datafile missing 'NaN'\n"
	      "set key outside top right autotitle columnheader\n"
	      "set grid ytics\n"
	      "set border 3\n"
	      "set tics nomirror\n", fp);
	setting(fp, "title", p->title);
	setting(fp, "xlabel", p->xlabel);
	setting(fp, "ylabel", p->ylabel);
	if (p->ymin >= 0)
		fputs("set yrange [0:*]\n", fp);
	/* money in the millions would otherwise print as 1e+06 */
	if (p->ymax >= 1e5 || p->ymin <= -1e5)
		fputs("set format y '%.0f'\n", fp);
	if (p->nrows > 8 || p->label_width > 12)
		fputs("set xtics rotate by 45 right\n", fp);
}

static void write_data(struct crm_plot *p, FILE *fp)
{
	size_t w = p->nseries + 1;
	fputs("$data << EOD\nlabel", fp);
	for (size_t j = 0; j < p->nseries; j++)
		fprintf(fp, "\t%s", p->series[j]);
	fputc('\n', fp);
	for (size_t i = 0; i < p->nrows; i++) {
		char **row = p->cells + i * w;
		fputs(row[0], fp);
		for (size_t j = 1; j < w; j++)
			fprintf(fp, "\t%s", row[j] ? row[j] : "NaN");
		fputc('\n', fp);
	}
	fputs("EOD\n", fp);
}

static void write_plot(struct crm_plot *p, FILE *fp)
{
	if (p->nrows == 0 || p->nseries == 0) {
		/* an empty period still gives a picture, saying so */
		fputs("set xrange [0:1]\nset yrange [0:1]\nunset xtics\nunset ytics\nunset grid\n"
		      "set label 1 'no data' at graph 0.5, graph 0.5 center\n"
		      "plot -1 notitle\n", fp);
		return;
	}
	if (p->style == CRM_PLOT_BARS) {
		fputs("set style data histograms\n"
		      "set style histogram clustered gap 1\n"
		      "set style fill solid 0.8 border -1\n"
		      "set boxwidth 0.9\n", fp);
		fprintf(fp, "plot for [i=2:%zu] $data using i:xtic(1) title columnheader(i)", p->nseries + 1);
		/* one series: its value above each bar */
		if (p->nseries == 1)
			fputs(", $data using 0:2:2 with labels offset 0,0.8 notitle", fp);
		fputc('\n', fp);
	} else {
		fprintf(fp, "plot for [i=2:%zu] $data using 0:i:xtic(1) with linespoints"
			" pointtype 7 linewidth 2 title columnheader(i)\n", p->nseries + 1);
	}
}

static void plot_free(struct crm_plot *p)
{
	for (size_t i = 0; i < p->nrows * (p->nseries + 1); i++)
		free(p->cells[i]);
	for (size_t j = 0; j < p->nseries; j++)
		free(p->series[j]);
	free(p->cells);
	free(p->series);
	free(p->title);
	free(p->xlabel);
	free(p->ylabel);
	free(p);
}

int crm_plot_end(struct crm_plot *p, FILE *fp)
{
	if (!p)
		return 0;
	write_head(p, fp);
	write_data(p, fp);
	write_plot(p, fp);
	plot_free(p);
	return 0;
}
