/* out.h: write result rows as tsv, csv, an aligned table or JSON Lines.
 * A tool declares its columns once, then streams rows.  TSV and CSV are
 * written as they come (memory does not grow with rows); a table is for
 * people, so it is buffered to measure display widths (CJK = 2 cells),
 * right-aligns numbers, shows rate columns as percentages and can end with a
 * totals row.  JSON Lines is one object a row, streamed: an empty field is
 * null, an INT column a number. */
#ifndef CRM_OUT_H
#define CRM_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum crm_format { CRM_FMT_TSV, CRM_FMT_CSV, CRM_FMT_TABLE, CRM_FMT_GNUPLOT, CRM_FMT_JSON };

/* Parse "tsv", "csv", "table", "gnuplot", "json"; -1 when unknown.  Only
 * commands that set crm_opts.json_ok take -f json (opts.h). */
int crm_format_parse(const char *s);

enum crm_col_kind {
	CRM_COL_TEXT,	/* left-aligned */
	CRM_COL_INT,	/* right-aligned; summed in a totals row */
	CRM_COL_MONEY,	/* "1234.50", right-aligned; summed in a totals row */
	CRM_COL_RATE,	/* "0.7333" shown as "73.3%" in a table */
	CRM_COL_NUM,	/* other numbers: right-aligned, not summed */
};

/* CSV output is for spreadsheets, which run a cell starting with = + - @
 * TAB or CR as a formula: such a text cell (not one that is a plain
 * number, like "-12.50") is written with a leading ' (OWASP's advice).
 * raw (--csv-raw) writes every cell as it is. */
void crm_out_csv_raw(bool raw);
/* The text of a CSV cell of a column of kind: s itself, or a malloc'd
 * guarded copy in *copy (NULL otherwise; the caller frees it). */
const char *crm_out_csv_cell(const char *s, enum crm_col_kind kind, char **copy);

struct crm_out;

struct crm_out *crm_out_new(FILE *fp, enum crm_format fmt, bool header);
/* Declare the next column (call once per column before the first row). */
void crm_out_col(struct crm_out *o, const char *name, enum crm_col_kind kind);
/* Convenience: n TEXT columns at once. */
void crm_out_cols(struct crm_out *o, const char *const *names, size_t n);
/* One row of as many fields as columns; NULL means empty. */
void crm_out_row(struct crm_out *o, const char *const *fields);
/* Table only: end with a totals row labelled in the first column. */
void crm_out_totals(struct crm_out *o, const char *label);
/* Table only: end with a totals row the caller computed (rates that are
 * ratios of sums cannot be summed).  TSV and CSV ignore it. */
void crm_out_footer(struct crm_out *o, const char *const *fields);
/* Flush (tables are printed here) and free. */
void crm_out_end(struct crm_out *o);

#endif
