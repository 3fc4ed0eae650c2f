/* tsv.c: see tsv.h
 * The reader is on the import hot path (a million rows in a few seconds),
 * so in the steady state it allocates nothing: getline() reuses one line
 * buffer, the line is copied once into a second reused buffer, which is cut
 * into fields and unescaped in place. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "err.h"
#include "tsv.h"
#include "utf8.h"

struct crm_tsv {
	FILE *fp;
	char *name;		/* for messages: "stdin" for "-" */
	char *line;		/* raw line from getline(), newline removed */
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

/* Read one line into t->line.  1 = a line, 0 = end, -74 = read error. */
static int read_line(struct crm_tsv *t)
{
	ssize_t n;

	errno = 0;
	n = getline(&t->line, &t->line_cap, t->fp);
	if (n < 0) {
		if (ferror(t->fp)) {
			crm_warn("%s: read error: %s", t->name,
				 strerror(errno ? errno : EIO));
			return -EX_IOERR;
		}
		return 0;
	}
	t->lineno++;
	if (n > 0 && t->line[n - 1] == '\n')
		t->line[--n] = '\0';
	t->line_len = (size_t)n;
	return 1;
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
	for (size_t i = 0; i < t->ncols; i++) {
		if (!*t->names[i])
			continue;
		for (size_t j = 0; j < i; j++) {
			if (strcmp(t->names[i], t->names[j]) == 0) {
				crm_warn("%s:1: duplicate column '%s'", t->name, t->names[i]);
				*status = EX_DATAERR;
				return -1;
			}
		}
	}
	return 0;
}

struct crm_tsv *crm_tsv_open(FILE *fp, const char *name, int *status)
{
	struct crm_tsv *t = crm_xcalloc(1, sizeof *t);

	t->fp = fp;
	t->name = crm_xstrdup(!name || strcmp(name, "-") == 0 ? "stdin" : name);
	*status = 0;
	if (read_header(t, status) < 0) {
		crm_tsv_close(t);
		return NULL;
	}
	t->line_len = 0;
	t->line[0] = '\0';
	return t;
}

void crm_tsv_close(struct crm_tsv *t)
{
	if (!t)
		return;
	free(t->name);
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
	if ((r = read_line(t)) <= 0) {
		t->done = true;
		return r;
	}
	for (size_t i = 0; i < t->ncols; i++) {
		t->fields[i] = empty;
		t->lens[i] = 0;
	}
	if ((r = check_line(t)) < 0)
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
