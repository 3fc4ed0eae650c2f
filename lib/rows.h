/* rows.h: read records from a TSV or CSV file through one interface, so an
 * importer is written once.  The format is chosen by the caller or guessed
 * from the file name (.csv => CSV, anything else TSV). */
#ifndef CRM_ROWS_H
#define CRM_ROWS_H

#include <stddef.h>
#include <stdio.h>

enum crm_rows_format { CRM_ROWS_GUESS, CRM_ROWS_TSV, CRM_ROWS_CSV };

struct crm_rows;

/* Open path ("-" = stdin).  Reports and returns NULL with *status on error
 * (66 missing file, 65 bad header, 74 I/O). */
struct crm_rows *crm_rows_open(const char *path, enum crm_rows_format fmt, int *status);
/* As crm_rows_open, for an input read twice (crm_rows_rewind): a pipe is
 * first copied to a temporary file (crm_spool; 73 or 74 after reporting
 * when that fails). */
struct crm_rows *crm_rows_open_twice(const char *path, enum crm_rows_format fmt, int *status);
/* Read r, opened with crm_rows_open_twice, again from its first row, with
 * the same line numbers; 0, or a status after reporting. */
int crm_rows_rewind(struct crm_rows *r);
void crm_rows_close(struct crm_rows *r);
enum crm_rows_format crm_rows_format(const struct crm_rows *r);
size_t crm_rows_ncols(const struct crm_rows *r);
const char *crm_rows_colname(const struct crm_rows *r, size_t i);
int crm_rows_col(const struct crm_rows *r, const char *name);
int crm_rows_next(struct crm_rows *r);	/* as crm_tsv_next */
const char *crm_rows_field(const struct crm_rows *r, size_t i);
long crm_rows_line(const struct crm_rows *r);
const char *crm_rows_name(const struct crm_rows *r);
/* Write the header (plus extra column name, NULL for none) / the current
 * row (plus extra value) to fp in the input's own format: used for reject
 * files, which hold the original rows unchanged with an "error" column. */
void crm_rows_put_header(const struct crm_rows *r, FILE *fp, const char *extra);
void crm_rows_put_current(const struct crm_rows *r, FILE *fp, const char *extra);

#endif
