/* tsv.h: the project's one TSV reader and writer (SPEC §4 "TSV").
 * UTF-8, LF-terminated lines, a header of column names, the same number of
 * fields on every line.  Inside a field \t \n \r \\ stand for TAB, newline,
 * CR and backslash; any other backslash is kept as it is.  The reader
 * streams: memory is bounded by the longest line, not the row count.  A
 * UTF-8 BOM before the header is dropped. */
#ifndef CRM_TSV_H
#define CRM_TSV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct crm_tsv;

/* The longest record either reader (this one and csv.h's) takes, in
 * bytes of input: a longer one is refused ("x.tsv:12: record longer than
 * 2097152 bytes") before it is all in memory.  Documented in crm(7). */
#define CRM_RECORD_MAX (2 * 1024 * 1024)

/* Header rules both readers share: the index of the first column whose
 * name repeats an earlier one (empty names never count), or -1.  Sorts,
 * so a header of 100,000 columns is checked at once. */
long crm_header_duplicate(const char *const *names, size_t n);

/* Read the header line of fp; name is used in messages ("-" or NULL for
 * stdin, shown as "stdin").  On error reports it ("x.tsv:1: ...") and
 * returns NULL with *status set to an exit status (65 bad data, 74 I/O).
 * An empty input (no header at all) is an error: "x.tsv: empty input". */
struct crm_tsv *crm_tsv_open(FILE *fp, const char *name, int *status);
/* The same for an input read twice (crm_tsv_rewind): a pipe is first
 * copied to a temporary file (crm_spool), closed with t. */
struct crm_tsv *crm_tsv_open_twice(FILE *fp, const char *name, int *status);
void crm_tsv_close(struct crm_tsv *t);

size_t crm_tsv_ncols(const struct crm_tsv *t);
const char *crm_tsv_colname(const struct crm_tsv *t, size_t i);
/* Index of the column called name, or -1. */
int crm_tsv_col(const struct crm_tsv *t, const char *name);

/* Read the next record: returns 1 for a row, 0 at end of input, or -status
 * after reporting the problem: "x.tsv:12: expected 6 fields, got 5",
 * "x.tsv:12: invalid UTF-8 in column 'name'", "x.tsv:12: NUL byte",
 * "x.tsv:12: CR at end of line (convert CRLF with dos2unix)".  A bad row
 * does not stop the reader: the next call reads the following line, so a
 * caller may collect every bad row. */
int crm_tsv_next(struct crm_tsv *t);
/* Read the same input again from its first data line, with the same line
 * numbers: the stream is sought back to where the header began, so it
 * must be seekable (crm_tsv_open_twice makes it so).  0, or an exit status
 * after reporting. */
int crm_tsv_rewind(struct crm_tsv *t);
/* Field i of the current row, unescaped and NUL-terminated; "" when empty.
 * Valid until the next crm_tsv_next().  len (when not NULL) gets its length. */
const char *crm_tsv_field(const struct crm_tsv *t, size_t i, size_t *len);
/* The current row's raw line without the newline, as it was read. */
const char *crm_tsv_raw(const struct crm_tsv *t);
long crm_tsv_line(const struct crm_tsv *t);	/* 1-based line of the current row */
const char *crm_tsv_name(const struct crm_tsv *t);

/* Writer: escape s (NULL = empty) onto fp. */
void crm_tsv_put(FILE *fp, const char *s);
/* Write n fields (NULL = empty) separated by TAB and ended by LF. */
void crm_tsv_put_row(FILE *fp, const char *const *fields, size_t n);

#endif
