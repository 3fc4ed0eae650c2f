/* csv.h: CSV (RFC 4180) reading and writing on libcsv, with the same pull
 * interface as tsv.h so importers need not care which one they read.
 * A UTF-8 BOM is stripped; CRLF and LF both end records; quoted fields may
 * hold newlines.  Errors carry file and line.  A record longer than
 * CRM_RECORD_MAX (tsv.h) is refused as the TSV reader refuses a line. */
#ifndef CRM_CSV_H
#define CRM_CSV_H

#include <stddef.h>
#include <stdio.h>

#ifdef CRM_CSV_IMPL
/* libcsv's header is also called csv.h; under -Ilib only this reaches it. */
#include_next <csv.h>
#endif

struct crm_csv;

struct crm_csv *crm_csv_open(FILE *fp, const char *name, int *status);
/* The same for an input read twice (crm_csv_rewind): a pipe is first
 * copied to a temporary file (crm_spool), closed with c. */
struct crm_csv *crm_csv_open_twice(FILE *fp, const char *name, int *status);
void crm_csv_close(struct crm_csv *c);
/* Read c again from its first row, with the same line numbers: its file
 * must be seekable (crm_csv_open_twice makes it so); 0, or a status after
 * reporting. */
int crm_csv_rewind(struct crm_csv *c);
size_t crm_csv_ncols(const struct crm_csv *c);
const char *crm_csv_colname(const struct crm_csv *c, size_t i);
int crm_csv_col(const struct crm_csv *c, const char *name);
/* 1 row, 0 end, -status after reporting (wrong field count, invalid UTF-8,
 * NUL byte, malformed quoting); a bad row does not stop the reader. */
int crm_csv_next(struct crm_csv *c);
const char *crm_csv_field(const struct crm_csv *c, size_t i, size_t *len);
size_t crm_csv_nfields(const struct crm_csv *c);	/* fields in the current row */
long crm_csv_line(const struct crm_csv *c);	/* line where the current record starts */
const char *crm_csv_name(const struct crm_csv *c);
/* The text of a record that could not be parsed (malformed quoting), as
 * read through the end of the line where parsing failed; NULL for a record
 * that was parsed, even one with another problem. */
const char *crm_csv_raw(const struct crm_csv *c, size_t *len);

/* Writer (libcsv's csv_fwrite quoting): one field, or a whole row + CRLF. */
void crm_csv_put(FILE *fp, const char *s);
void crm_csv_put_row(FILE *fp, const char *const *fields, size_t n);

#endif
