/* csv.c: see csv.h
 * libcsv pushes fields and records through callbacks; we turn that into a
 * pull interface by feeding it the input one physical line at a time and
 * queueing the records it completes.  Feeding line by line is also how we
 * know line numbers: a record starts on the line being fed when the parser
 * was between records at that line's start.  Field text is copied into one
 * arena that is reset whenever the queue runs dry, so memory is bounded by
 * the longest record, not the row count. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* Ours and libcsv's header are both csv.h.  Ours is reached through -Ilib
 * (hence <>), and with CRM_CSV_IMPL it goes on to libcsv's with
 * #include_next. */
#define CRM_CSV_IMPL
#include <csv.h>
#include "err.h"
#include "tsv.h"
#include "utf8.h"

#define CHUNK 65536
#define OPTS (CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)
/* libcsv grows a field this much at a time (its default, 128 bytes, copies
 * a long field over and over) */
#define FIELD_BLOCK 4096
/* libcsv's state "no field of a record seen yet" (ROW_NOT_BEGUN). */
#define CSV_BETWEEN_RECORDS 0

enum rec_err { E_NONE, E_NUL, E_COUNT, E_UTF8, E_PARSE, E_READ, E_LONG };

struct field {
	size_t off, len;	/* in arena */
};

struct rec {
	size_t first, nfields;	/* in fields[] */
	long line;
	enum rec_err err;
	int code;		/* csv_error() or errno */
	size_t col;		/* column with bad UTF-8 */
	size_t raw_off, raw_len;	/* text of a malformed record, in arena */
};

struct crm_csv {
	FILE *fp;
	FILE *copy;		/* crm_csv_open_twice's copy of a pipe, else NULL */
	long start;		/* where the header begins, for crm_csv_rewind */
	char *name;
	struct csv_parser p;
	unsigned char *chunk;
	size_t clen, cpos;
	bool eof, finished, first_chunk, at_bol, skipping;
	long line;		/* line of the text being fed */
	long rec_line;		/* where the record being parsed started */

	char *arena;
	size_t alen, acap;
	struct field *fields;
	size_t nfields, fcap;
	size_t partial;		/* first field of the record being parsed */

	struct rec *q;
	size_t qhead, qlen, qcap;
	struct rec *cur;
	struct rec skip_rec;	/* malformed record whose line is being skipped */

	char *raw;		/* text of the record being parsed */
	size_t rawlen, rawcap;

	size_t ncols;		/* 0 while the header is read */
	char **names;
};

static const char empty[] = "";

/* p with room for need items of size bytes (cap counts items). */
static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	*cap = n;
	return crm_xrealloc(p, n * size);
}

static size_t arena_put(struct crm_csv *c, const void *s, size_t n)
{
	size_t off = c->alen;

	c->arena = grow(c->arena, &c->acap, c->alen + n + 1, 1);
	if (n)
		memcpy(c->arena + off, s, n);
	c->arena[off + n] = '\0';
	c->alen += n + 1;
	return off;
}

static struct rec *push_rec(struct crm_csv *c)
{
	c->q = grow(c->q, &c->qcap, c->qlen + 1, sizeof *c->q);
	struct rec *r = &c->q[c->qlen++];
	memset(r, 0, sizeof *r);
	return r;
}

static void on_field(void *s, size_t len, void *data)
{
	struct crm_csv *c = data;

	c->fields = grow(c->fields, &c->fcap, c->nfields + 1, sizeof *c->fields);
	c->fields[c->nfields].off = arena_put(c, s, len);
	c->fields[c->nfields].len = len;
	c->nfields++;
}

static void on_record(int term, void *data)
{
	struct crm_csv *c = data;
	struct rec *r = push_rec(c);
	size_t bad;

	(void)term;
	r->first = c->partial;
	r->nfields = c->nfields - c->partial;
	r->line = c->rec_line;
	c->partial = c->nfields;
	/* A record ended by a lone CR lets the next one start on this line. */
	c->rec_line = c->line;

	for (size_t i = 0; i < r->nfields && r->err == E_NONE; i++) {
		const struct field *f = &c->fields[r->first + i];
		if (memchr(c->arena + f->off, '\0', f->len))
			r->err = E_NUL;
	}
	if (r->err == E_NONE && c->ncols && r->nfields != c->ncols)
		r->err = E_COUNT;
	for (size_t i = 0; i < r->nfields && r->err == E_NONE; i++) {
		const struct field *f = &c->fields[r->first + i];
		if (!crm_utf8_valid(c->arena + f->off, f->len, &bad)) {
			r->err = E_UTF8;
			r->col = i;
		}
	}
}

/* The record being parsed is malformed: forget its fields and start the
 * parser afresh (libcsv has no reset short of re-initialising). */
static void drop_partial(struct crm_csv *c)
{
	c->nfields = c->partial;
	csv_free(&c->p);
	csv_init(&c->p, OPTS);
	csv_set_blk_size(&c->p, FIELD_BLOCK);
}

static void queue_skipped(struct crm_csv *c)
{
	struct rec *r = push_rec(c);

	*r = c->skip_rec;
	r->first = c->nfields;
	r->raw_off = arena_put(c, c->raw, c->rawlen);
	r->raw_len = c->rawlen;
	c->skipping = false;
}

static void raw_add(struct crm_csv *c, const void *s, size_t n)
{
	c->raw = grow(c->raw, &c->rawcap, c->rawlen + n + 1, 1);
	memcpy(c->raw + c->rawlen, s, n);
	c->rawlen += n;
}

static void finish(struct crm_csv *c)
{
	c->finished = true;
	if (c->skipping) {
		queue_skipped(c);
		return;
	}
	if (csv_fini(&c->p, on_field, on_record, c) != 0) {
		/* An opening quote with no closing one swallowed the rest. */
		struct rec *r = push_rec(c);
		r->err = E_PARSE;
		r->code = csv_error(&c->p);
		r->line = c->rec_line;
		r->first = c->partial;
		r->raw_off = arena_put(c, c->raw, c->rawlen);
		r->raw_len = c->rawlen;
		drop_partial(c);
	}
}

static void read_chunk(struct crm_csv *c)
{
	errno = 0;
	c->clen = fread(c->chunk, 1, CHUNK, c->fp);
	c->cpos = 0;
	if (c->clen < CHUNK) {
		c->eof = true;
		if (ferror(c->fp)) {
			struct rec *r = push_rec(c);
			r->err = E_READ;
			r->code = errno ? errno : EIO;
			r->line = c->line;
			r->first = c->nfields;
			c->finished = true;
		}
	}
	if (c->first_chunk) {
		c->first_chunk = false;
		if (c->clen >= 3 && memcmp(c->chunk, "\xEF\xBB\xBF", 3) == 0)
			c->cpos = 3;
	}
}

/* Feed one line (or what of it is in the chunk) to the parser. */
static void feed(struct crm_csv *c)
{
	const unsigned char *s = c->chunk + c->cpos;
	size_t avail = c->clen - c->cpos;
	const unsigned char *lf = memchr(s, '\n', avail);
	size_t n = lf ? (size_t)(lf - s) + 1 : avail;

	c->cpos += n;
	if (c->at_bol && !c->skipping && c->p.pstate == CSV_BETWEEN_RECORDS) {
		c->rec_line = c->line;
		c->rawlen = 0;
	}
	/* Refuse a record before it is all in memory: keep none of it and
	 * read past the rest of the line, as after malformed quoting. */
	if (!c->skipping && c->rawlen + n > CRM_RECORD_MAX) {
		c->skip_rec = (struct rec){ .err = E_LONG, .line = c->rec_line };
		c->skipping = true;
		c->rawlen = 0;
		drop_partial(c);
	}
	if (!c->skipping || c->skip_rec.err != E_LONG)
		raw_add(c, s, n);
	if (!c->skipping) {
		size_t done = csv_parse(&c->p, s, n, on_field, on_record, c);
		if (done < n) {
			c->skip_rec = (struct rec){ .err = E_PARSE, .line = c->line,
						    .code = csv_error(&c->p) };
			c->skipping = true;
			drop_partial(c);
		}
	}
	c->at_bol = lf != NULL;
	if (lf) {
		if (c->skipping)
			queue_skipped(c);
		c->line++;
	}
}

/* Move the fields of the record being parsed to the front of the arena:
 * every queued record has been consumed. */
static void compact(struct crm_csv *c)
{
	size_t k = c->nfields - c->partial;

	if (k > 0) {
		size_t base = c->fields[c->partial].off;
		memmove(c->arena, c->arena + base, c->alen - base);
		c->alen -= base;
		memmove(c->fields, c->fields + c->partial, k * sizeof *c->fields);
		for (size_t i = 0; i < k; i++)
			c->fields[i].off -= base;
	} else {
		c->alen = 0;
	}
	c->nfields = k;
	c->partial = 0;
	c->qhead = c->qlen = 0;
}

static const char *colname(const struct crm_csv *c, size_t i)
{
	return i < c->ncols ? c->names[i] : "?";
}

static int report(const struct crm_csv *c, const struct rec *r)
{
	switch (r->err) {
	case E_NONE:
		return 1;
	case E_NUL:
		crm_warn("%s:%ld: NUL byte", c->name, r->line);
		break;
	case E_COUNT:
		crm_warn("%s:%ld: expected %zu fields, got %zu", c->name, r->line,
			 c->ncols, r->nfields);
		break;
	case E_UTF8:
		if (c->ncols)
			crm_warn("%s:%ld: invalid UTF-8 in column '%s'", c->name,
				 r->line, colname(c, r->col));
		else
			crm_warn("%s:%ld: invalid UTF-8 in header", c->name, r->line);
		break;
	case E_PARSE:
		crm_warn("%s:%ld: malformed CSV: %s", c->name, r->line,
			 csv_strerror(r->code));
		return r->code == CSV_EPARSE ? -EX_DATAERR : -EX_SOFTWARE;
	case E_READ:
		crm_warn("%s: read error: %s", c->name, strerror(r->code));
		return -EX_IOERR;
	case E_LONG:
		crm_warn("%s:%ld: record longer than %d bytes", c->name, r->line, CRM_RECORD_MAX);
		break;
	}
	return -EX_DATAERR;
}

int crm_csv_next(struct crm_csv *c)
{
	c->cur = NULL;
	if (c->qhead == c->qlen) {
		compact(c);
		while (c->qlen == 0 && !c->finished) {
			if (c->cpos == c->clen) {
				if (c->eof) {
					finish(c);
					continue;
				}
				read_chunk(c);
				continue;
			}
			feed(c);
		}
		if (c->qlen == 0)
			return 0;
	}
	c->cur = &c->q[c->qhead++];
	return report(c, c->cur);
}

static void trim(char *s)
{
	size_t n = strlen(s), i = 0;

	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	memmove(s, s + i, n - i);
	s[n - i] = '\0';
}

static int read_header(struct crm_csv *c)
{
	int r = crm_csv_next(c);
	size_t n;

	if (r == 0) {
		crm_warn("%s: empty input", c->name);
		return EX_DATAERR;
	}
	if (r < 0)
		return -r;
	n = c->cur->nfields;
	c->names = crm_xcalloc(n, sizeof *c->names);
	for (size_t i = 0; i < n; i++) {
		c->names[i] = crm_xstrdup(crm_csv_field(c, i, NULL));
		trim(c->names[i]);
	}
	c->ncols = n;
	long dup = crm_header_duplicate((const char *const *)c->names, n);
	if (dup >= 0) {
		crm_warn("%s:%ld: duplicate column '%s'", c->name, c->cur->line, c->names[dup]);
		return EX_DATAERR;
	}
	return 0;
}

/* The reader's state at the start of its input. */
static void start(struct crm_csv *c)
{
	c->clen = c->cpos = 0;
	c->eof = c->finished = c->skipping = false;
	c->first_chunk = true;
	c->at_bol = true;
	c->line = 1;
	c->rec_line = 1;
	c->alen = c->nfields = c->partial = 0;
	c->qhead = c->qlen = 0;
	c->cur = NULL;
	c->rawlen = 0;
	csv_init(&c->p, OPTS);
	csv_set_blk_size(&c->p, FIELD_BLOCK);
}

struct crm_csv *crm_csv_open(FILE *fp, const char *name, int *status)
{
	struct crm_csv *c = crm_xcalloc(1, sizeof *c);

	c->fp = fp;
	c->start = ftell(fp);	/* -1 for a pipe: then no rewind */
	c->name = crm_xstrdup(!name || strcmp(name, "-") == 0 ? "stdin" : name);
	c->chunk = crm_xmalloc(CHUNK);
	start(c);
	if ((*status = read_header(c)) != 0) {
		crm_csv_close(c);
		return NULL;
	}
	return c;
}

struct crm_csv *crm_csv_open_twice(FILE *fp, const char *name, int *status)
{
	FILE *in, *copy;
	long at;
	if ((*status = crm_spool(fp, name, &in, &copy, &at)))
		return NULL;
	struct crm_csv *c = crm_csv_open(in, name, status);
	if (c)
		c->copy = copy;
	else if (copy)
		fclose(copy);
	return c;
}

int crm_csv_rewind(struct crm_csv *c)
{
	if (c->start < 0 || fseek(c->fp, c->start, SEEK_SET) != 0) {
		crm_warn_errno("%s: cannot read again", c->name);
		return EX_IOERR;
	}
	clearerr(c->fp);
	csv_free(&c->p);
	start(c);
	/* the header is the one read at open; step over it */
	int r = crm_csv_next(c);
	if (r <= 0)
		return r < 0 ? -r : EX_DATAERR;
	c->cur = NULL;
	return 0;
}

void crm_csv_close(struct crm_csv *c)
{
	if (!c)
		return;
	if (c->copy)
		fclose(c->copy);
	csv_free(&c->p);
	for (size_t i = 0; i < c->ncols; i++)
		free(c->names[i]);
	free(c->names);
	free(c->name);
	free(c->chunk);
	free(c->arena);
	free(c->fields);
	free(c->q);
	free(c->raw);
	free(c);
}

size_t crm_csv_ncols(const struct crm_csv *c) { return c->ncols; }
const char *crm_csv_name(const struct crm_csv *c) { return c->name; }
size_t crm_csv_nfields(const struct crm_csv *c) { return c->cur ? c->cur->nfields : 0; }
long crm_csv_line(const struct crm_csv *c) { return c->cur ? c->cur->line : 0; }

const char *crm_csv_colname(const struct crm_csv *c, size_t i)
{
	return i < c->ncols ? c->names[i] : NULL;
}

int crm_csv_col(const struct crm_csv *c, const char *name)
{
	for (size_t i = 0; i < c->ncols; i++)
		if (strcmp(c->names[i], name) == 0)
			return (int)i;
	return -1;
}

const char *crm_csv_field(const struct crm_csv *c, size_t i, size_t *len)
{
	if (!c->cur || i >= c->cur->nfields) {
		if (len)
			*len = 0;
		return empty;
	}
	const struct field *f = &c->fields[c->cur->first + i];
	if (len)
		*len = f->len;
	return c->arena + f->off;
}

const char *crm_csv_raw(const struct crm_csv *c, size_t *len)
{
	if (!c->cur || c->cur->err != E_PARSE)
		return NULL;
	if (len)
		*len = c->cur->raw_len;
	return c->arena + c->cur->raw_off;
}

/* libcsv drops spaces and tabs around unquoted fields, so those must be
 * quoted too for the text to come back unchanged. */
static bool needs_quotes(const char *s, size_t n)
{
	if (n == 0)
		return false;
	if (s[0] == ' ' || s[0] == '\t' || s[n - 1] == ' ' || s[n - 1] == '\t')
		return true;
	return strpbrk(s, ",\"\r\n") != NULL;
}

void crm_csv_put(FILE *fp, const char *s)
{
	size_t n;

	if (!s)
		return;
	n = strlen(s);
	if (needs_quotes(s, n))
		csv_fwrite(fp, s, n);
	else
		fwrite(s, 1, n, fp);
}

void crm_csv_put_row(FILE *fp, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc(',', fp);
		crm_csv_put(fp, fields[i]);
	}
	/* A lone empty field would make a blank line, which readers skip. */
	if (n == 1 && (!fields[0] || !*fields[0]))
		fputs("\"\"", fp);
	fputs("\r\n", fp);
}
