/* tsv.c: see tsv.h
 * The reader is on the import hot path (a million rows in a few seconds),
 * so in the steady state it allocates nothing: input is read in chunks
 * into one buffer, each line is gathered into a reused line buffer (never
 * more than CRM_RECORD_MAX bytes of it), copied once into a second reused
 * buffer, which is cut into fields and unescaped in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "err.h"
#include "tsv.h"
#include "utf8.h"

#define CHUNK 65536

struct crm_tsv {
	FILE *fp;
	FILE *copy;		/* crm_tsv_open_twice's copy of a pipe, else NULL */
	long start;		/* where the header begins, for crm_tsv_rewind */
	char *name;		/* for messages: "stdin" for "-" */
	char *in;		/* CHUNK bytes read ahead from fp */
	size_t in_len, in_pos;
	bool in_eof;
	char *line;		/* raw line, newline removed */
	size_t line_cap;
	size_t line_len;
	char *buf;		/* copy of line, cut into fields */
	size_t buf_cap;
	size_t ncols;
	char **names;		/* point into names_buf */
	char *names_buf;
	const char **fields;	/* ncols entries into buf */
	size_t *lens;
	long lineno;
	bool done;
};

static const char empty[] = "";

/* Turn the four escapes back in place; any other backslash stays. */
static size_t unescape(char *s, size_t n)
{
	char *w = memchr(s, '\\', n);
	const char *r, *end = s + n;

	if (!w)
		return n;
	r = w;
	while (r < end) {
		if (*r == '\\' && r + 1 < end) {
			switch (r[1]) {
			case 't': *w++ = '\t'; r += 2; continue;
			case 'n': *w++ = '\n'; r += 2; continue;
			case 'r': *w++ = '\r'; r += 2; continue;
			case '\\': *w++ = '\\'; r += 2; continue;
			}
		}
		*w++ = *r++;
	}
	*w = '\0';
	return (size_t)(w - s);
}

static void line_reserve(struct crm_tsv *t, size_t n)
{
	if (t->line_cap >= n)
		return;
	size_t cap = t->line_cap ? t->line_cap : 128;
	while (cap < n)
		cap *= 2;
	t->line = crm_xrealloc(t->line, cap);
	t->line_cap = cap;
}

/* 1 when there is input at t->in_pos, 0 at its end, -74 on a read error. */
static int fill(struct crm_tsv *t)
{
	if (t->in_pos < t->in_len)
		return 1;
	if (t->in_eof)
		return 0;
	errno = 0;
	t->in_len = fread(t->in, 1, CHUNK, t->fp);
	t->in_pos = 0;
	if (t->in_len < CHUNK) {
		t->in_eof = true;
		if (ferror(t->fp)) {
			crm_warn("%s: read error: %s", t->name, strerror(errno ? errno : EIO));
			return -EX_IOERR;
		}
	}
	return t->in_len > 0;
}

/* Read one line into t->line.  1 = a line, 0 = end, -74 = read error,
 * -65 = a line longer than CRM_RECORD_MAX, reported; the rest of it is
 * read past without being kept, so the next call reads the next line. */
static int read_line(struct crm_tsv *t)
{
	bool any = false, too_long = false;
	int r;

	t->line_len = 0;
	while ((r = fill(t)) > 0) {
		const char *s = t->in + t->in_pos;
		size_t avail = t->in_len - t->in_pos;
		const char *nl = memchr(s, '\n', avail);
		size_t n = nl ? (size_t)(nl - s) : avail;

		any = true;
		t->in_pos += n + (nl != NULL);
		if (t->line_len + n > CRM_RECORD_MAX)
			too_long = true;
		if (!too_long) {
			line_reserve(t, t->line_len + n + 1);
			memcpy(t->line + t->line_len, s, n);
			t->line_len += n;
		}
		if (nl)
			break;
	}
	if (r < 0)
		return r;
	if (!any)
		return 0;
	t->lineno++;
	line_reserve(t, t->line_len + 1);
	if (too_long) {
		crm_warn("%s:%ld: record longer than %d bytes", t->name, t->lineno,
			 CRM_RECORD_MAX);
		t->line_len = 0;
	}
	t->line[t->line_len] = '\0';
	return too_long ? -EX_DATAERR : 1;
}

/* Problems that concern the whole line, before it is cut: 0 or -65. */
static int check_line(const struct crm_tsv *t)
{
	if (t->line_len > 0 && t->line[t->line_len - 1] == '\r') {
		crm_warn("%s:%ld: CR at end of line (convert CRLF with dos2unix)",
			 t->name, t->lineno);
		return -EX_DATAERR;
	}
	if (memchr(t->line, '\0', t->line_len)) {
		crm_warn("%s:%ld: NUL byte", t->name, t->lineno);
		return -EX_DATAERR;
	}
	return 0;
}

static void copy_line(struct crm_tsv *t)
{
	if (t->buf_cap < t->line_len + 1) {
		t->buf_cap = t->line_len + 1 > 2 * t->buf_cap ? t->line_len + 1 : 2 * t->buf_cap;
		free(t->buf);
		t->buf = crm_xmalloc(t->buf_cap);
	}
	memcpy(t->buf, t->line, t->line_len + 1);
}

static size_t count_fields(const char *s, size_t n)
{
	size_t k = 1;
	const char *end = s + n;

	while ((s = memchr(s, '\t', (size_t)(end - s))) != NULL) {
		k++;
		s++;
	}
	return k;
}

struct named {
	const char *name;
	size_t i;
};

static int by_name_then_place(const void *a, const void *b)
{
	const struct named *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

long crm_header_duplicate(const char *const *names, size_t n)
{
	struct named *v = crm_xcalloc(n ? n : 1, sizeof *v);
	size_t k = 0;
	long first = -1;

	for (size_t i = 0; i < n; i++)
		if (*names[i])
			v[k++] = (struct named){names[i], i};
	qsort(v, k, sizeof *v, by_name_then_place);
	/* in each run of one name, the second is where it first repeats */
	for (size_t j = 1; j < k; j++) {
		bool run_starts = j == 1 || strcmp(v[j - 1].name, v[j - 2].name) != 0;
		if (run_starts && strcmp(v[j].name, v[j - 1].name) == 0 &&
		    (first < 0 || v[j].i < (size_t)first))
			first = (long)v[j].i;
	}
	free(v);
	return first;
}

static int read_header(struct crm_tsv *t, int *status)
{
	int r = read_line(t);
	size_t bad;

	if (r <= 0) {
		if (r == 0)
			crm_warn("%s: empty input", t->name);
		*status = r == 0 ? EX_DATAERR : -r;
		return -1;
	}
	/* a BOM, as spreadsheets write one, only at the start of the stream;
	 * all of them, so that no column name starts with one (a writer would
	 * give it back as a BOM the next reader drops) */
	while (t->line_len >= 3 && memcmp(t->line, "\xEF\xBB\xBF", 3) == 0) {
		t->line_len -= 3;
		memmove(t->line, t->line + 3, t->line_len + 1);
	}
	if ((r = check_line(t)) < 0) {
		*status = -r;
		return -1;
	}
	if (!crm_utf8_valid(t->line, t->line_len, &bad)) {
		crm_warn("%s:1: invalid UTF-8 in header", t->name);
		*status = EX_DATAERR;
		return -1;
	}
	if (t->line_len == 0) {
		crm_warn("%s:1: empty header line", t->name);
		*status = EX_DATAERR;
		return -1;
	}
	t->ncols = count_fields(t->line, t->line_len);
	t->names_buf = crm_xstrdup(t->line);
	t->names = crm_xcalloc(t->ncols, sizeof *t->names);
	t->fields = crm_xcalloc(t->ncols, sizeof *t->fields);
	t->lens = crm_xcalloc(t->ncols, sizeof *t->lens);
	char *p = t->names_buf;
	for (size_t i = 0; i < t->ncols; i++) {
		char *tab = strchr(p, '\t');
		if (tab)
			*tab = '\0';
		unescape(p, strlen(p));
		t->names[i] = p;
		p = tab ? tab + 1 : p + strlen(p);
	}
	long dup = crm_header_duplicate((const char *const *)t->names, t->ncols);
	if (dup >= 0) {
		crm_warn("%s:1: duplicate column '%s'", t->name, t->names[dup]);
		*status = EX_DATAERR;
		return -1;
	}
	return 0;
}

struct crm_tsv *crm_tsv_open(FILE *fp, const char *name, int *status)
{
	struct crm_tsv *t = crm_xcalloc(1, sizeof *t);

	t->fp = fp;
	t->start = ftell(fp);	/* -1 for a pipe: then no rewind */
	t->name = crm_xstrdup(!name || strcmp(name, "-") == 0 ? "stdin" : name);
	t->in = crm_xmalloc(CHUNK);
	*status = 0;
	if (read_header(t, status) < 0) {
		crm_tsv_close(t);
		return NULL;
	}
	t->line_len = 0;
	t->line[0] = '\0';
	return t;
}

struct crm_tsv *crm_tsv_open_twice(FILE *fp, const char *name, int *status)
{
	FILE *in, *copy;
	long start;
	if ((*status = crm_spool(fp, name, &in, &copy, &start)))
		return NULL;
	struct crm_tsv *t = crm_tsv_open(in, name, status);
	if (t)
		t->copy = copy;
	else if (copy)
		fclose(copy);
	return t;
}

int crm_tsv_rewind(struct crm_tsv *t)
{
	if (t->start < 0 || fseek(t->fp, t->start, SEEK_SET) != 0) {
		crm_warn_errno("%s: cannot read again", t->name);
		return EX_IOERR;
	}
	clearerr(t->fp);
	t->in_len = t->in_pos = 0;
	t->in_eof = false;
	t->lineno = 0;
	t->done = false;
	/* the header is the one read at open; step over it */
	int r = read_line(t);
	if (r <= 0)
		return r < 0 ? -r : EX_DATAERR;
	t->line_len = 0;
	t->line[0] = '\0';
	return 0;
}

void crm_tsv_close(struct crm_tsv *t)
{
	if (!t)
		return;
	if (t->copy)
		fclose(t->copy);
	free(t->name);
	free(t->in);
	free(t->line);
	free(t->buf);
	free(t->names);
	free(t->names_buf);
	free(t->fields);
	free(t->lens);
	free(t);
}

size_t crm_tsv_ncols(const struct crm_tsv *t) { return t->ncols; }
const char *crm_tsv_name(const struct crm_tsv *t) { return t->name; }
long crm_tsv_line(const struct crm_tsv *t) { return t->lineno; }
const char *crm_tsv_raw(const struct crm_tsv *t) { return t->line ? t->line : empty; }

const char *crm_tsv_colname(const struct crm_tsv *t, size_t i)
{
	return i < t->ncols ? t->names[i] : NULL;
}

int crm_tsv_col(const struct crm_tsv *t, const char *name)
{
	for (size_t i = 0; i < t->ncols; i++)
		if (strcmp(t->names[i], name) == 0)
			return (int)i;
	return -1;
}

int crm_tsv_next(struct crm_tsv *t)
{
	size_t got = 0, bad;
	int r;

	if (t->done)
		return 0;
	r = read_line(t);
	if (r == 0 || r == -EX_IOERR) {
		t->done = true;
		return r;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		t->fields[i] = empty;
		t->lens[i] = 0;
	}
	if (r < 0 || (r = check_line(t)) < 0)
		return r;
	copy_line(t);

	char *p = t->buf, *end = t->buf + t->line_len;
	for (;;) {
		char *tab = memchr(p, '\t', (size_t)(end - p));
		char *fend = tab ? tab : end;
		if (got < t->ncols) {
			*fend = '\0';
			t->fields[got] = p;
			t->lens[got] = (size_t)(fend - p);
		}
		got++;
		if (!tab)
			break;
		p = tab + 1;
	}
	if (got != t->ncols) {
		crm_warn("%s:%ld: expected %zu fields, got %zu", t->name, t->lineno,
			 t->ncols, got);
		return -EX_DATAERR;
	}
	if (!crm_utf8_valid(t->line, t->line_len, &bad)) {
		/* Escapes are ASCII, so the raw line locates the column. */
		size_t col = 0;
		for (size_t i = 0; i < bad; i++)
			col += t->line[i] == '\t';
		crm_warn("%s:%ld: invalid UTF-8 in column '%s'", t->name, t->lineno,
			 t->names[col]);
		return -EX_DATAERR;
	}
	if (memchr(t->line, '\\', t->line_len)) {
		for (size_t i = 0; i < t->ncols; i++)
			t->lens[i] = unescape((char *)t->fields[i], t->lens[i]);
	}
	return 1;
}

const char *crm_tsv_field(const struct crm_tsv *t, size_t i, size_t *len)
{
	if (i >= t->ncols) {
		if (len)
			*len = 0;
		return empty;
	}
	if (len)
		*len = t->lens[i];
	return t->fields[i];
}

void crm_tsv_put(FILE *fp, const char *s)
{
	if (!s)
		return;
	for (;;) {
		size_t plain = strcspn(s, "\t\n\r\\");
		if (plain)
			fwrite(s, 1, plain, fp);
		s += plain;
		if (!*s)
			return;
		putc('\\', fp);
		switch (*s) {
		case '\t': putc('t', fp); break;
		case '\n': putc('n', fp); break;
		case '\r': putc('r', fp); break;
		default: putc('\\', fp); break;
		}
		s++;
	}
}

void crm_tsv_put_row(FILE *fp, const char *const *fields, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i)
			putc('\t', fp);
		crm_tsv_put(fp, fields[i]);
	}
	putc('\n', fp);
}
