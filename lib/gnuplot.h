/* gnuplot.h: charts as complete gnuplot scripts with the data inline, so
 * that "crm-report funnel -f gnuplot | gnuplot > funnel.png" draws a
 * titled, labelled PNG.  Labels may be Chinese: the terminal names a CJK
 * font.  Used by crm-report and crm-roi.
 *
 *   struct crm_plot *p = crm_plot_new(CRM_PLOT_BARS, "Funnel", "step", "count");
 *   crm_plot_series(p, "count");
 *   crm_plot_row(p, "leads", (const char *[]){ "3000" });
 *   ...
 *   crm_plot_end(p, stdout);
 */
#ifndef CRM_GNUPLOT_H
#define CRM_GNUPLOT_H

#include <stdio.h>

enum crm_plot_style {
	CRM_PLOT_BARS,	/* one bar per row and series (clustered when several) */
	CRM_PLOT_LINES,	/* one line per series over the rows (periods) */
};

struct crm_plot;

/* A chart; title and axis labels are plain text (no gnuplot markup),
 * xlabel and ylabel may be NULL. */
struct crm_plot *crm_plot_new(enum crm_plot_style style, const char *title,
			      const char *xlabel, const char *ylabel);
/* Declare the next series, named in the key (call before the first row). */
void crm_plot_series(struct crm_plot *p, const char *name);
/* One x position: its label and one value per series, each a number as a
 * report prints it ("1234.50", "0.7333", "12"); NULL, "" or anything that
 * is not a number (e.g. "inf") is drawn as missing. */
void crm_plot_row(struct crm_plot *p, const char *label, const char *const *values);
/* Write the whole script to fp and free p.  The terminal is pngcairo with
 * a CJK font unless CRM_GNUPLOT_TERMINAL gives another "set terminal"
 * argument (e.g. "svg font 'Noto Sans CJK SC,10'").  Returns 0; a write
 * error stays in fp's error indicator for crm_finish() to report. */
int crm_plot_end(struct crm_plot *p, FILE *fp);

#endif
