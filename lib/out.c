/* out.c: see out.h */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "err.h"
#include "out.h"
#include "tsv.h"
#include "utf8.h"

struct sum {
	int64_t total;
	bool overflow;
};

struct line {
	char *s;
	size_t len, cap;
};

struct crm_out {
	FILE *fp;
	enum crm_format fmt;
	bool header, header_done;
	size_t ncols, colcap;
	char **names;
	enum crm_col_kind *kinds;
	struct sum *sums;	/* INT and MONEY columns, for crm_out_totals() */
	/* table only: display text of every cell, row after row */
	char **cells;
	size_t ncells, cellcap, nrows;
	char ***summary;	/* totals and footer rows, below a rule */
	size_t nsummary;
	struct line line;
};

int crm_format_parse(const char *s)
{
	static const char *const names[] = { "tsv", "csv", "table", "gnuplot", "json" };
	static const enum crm_format fmts[] = { CRM_FMT_TSV, CRM_FMT_CSV,
						CRM_FMT_TABLE, CRM_FMT_GNUPLOT, CRM_FMT_JSON };

	for (size_t i = 0; s && i < sizeof names / sizeof names[0]; i++)
		if (strcmp(s, names[i]) == 0)
			return (int)fmts[i];
	return -1;
}

struct crm_out *crm_out_new(FILE *fp, enum crm_format fmt, bool header)
{
	struct crm_out *o = crm_xcalloc(1, sizeof *o);

	o->fp = fp;
	/* Reports make their own gnuplot scripts; the data part is TSV. */
	o->fmt = fmt == CRM_FMT_GNUPLOT ? CRM_FMT_TSV : fmt;
	o->header = header;
	return o;
}

void crm_out_col(struct crm_out *o, const char *name, enum crm_col_kind kind)
{
	if (o->ncols == o->colcap) {
		o->colcap = o->colcap ? 2 * o->colcap : 8;
		o->names = crm_xrealloc(o->names, o->colcap * sizeof *o->names);
		o->kinds = crm_xrealloc(o->kinds, o->colcap * sizeof *o->kinds);
		o->sums = crm_xrealloc(o->sums, o->colcap * sizeof *o->sums);
	}
	o->names[o->ncols] = crm_xstrdup(name);
	o->kinds[o->ncols] = kind;
	o->sums[o->ncols] = (struct sum){ 0, false };
	o->ncols++;
}

void crm_out_cols(struct crm_out *o, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		crm_out_col(o, names[i], CRM_COL_TEXT);
}

/* "-12", "1234.5", "1234.50" as an integer number of cents; digits only, so
 * a total is exact. */
static bool parse_cents(const char *s, bool cents, int64_t *out)
{
	bool neg = *s == '-';
	int64_t v = 0;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++)
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, *s - '0', &v))
			return false;
	if (cents) {
		int frac = 0;
		if (*s == '.') {
			s++;
			for (; frac < 2 && *s >= '0' && *s <= '9'; s++, frac++)
				if (__builtin_mul_overflow(v, 10, &v) ||
				    __builtin_add_overflow(v, *s - '0', &v))
					return false;
			if (frac == 0)
				return false;
		}
		for (; frac < 2; frac++)
			if (__builtin_mul_overflow(v, 10, &v))
				return false;
	}
	if (*s)
		return false;
	*out = neg ? -v : v;
	return true;
}

static void add_to_sums(struct crm_out *o, const char *const *fields)
{
	int64_t v;

	for (size_t j = 0; j < o->ncols; j++) {
		enum crm_col_kind k = o->kinds[j];
		if ((k != CRM_COL_INT && k != CRM_COL_MONEY) || !fields[j] || !*fields[j])
			continue;
		if (!parse_cents(fields[j], k == CRM_COL_MONEY, &v) ||
		    __builtin_add_overflow(o->sums[j].total, v, &o->sums[j].total))
			o->sums[j].overflow = true;
	}
}

/* "0.7333" => "73.3%", rounding half up on the decimal digits (no floating
 * point, so the same input always prints the same).  False when s is not a
 * plain decimal ("inf", "", "n/a"), which is then shown as it is. */
static bool rate_percent(const char *s, char out[32])
{
	bool neg = *s == '-';
	long long whole = 0, tenths;
	int d[4] = { 0, 0, 0, 0 };
	int ndig = 0;

	if (neg)
		s++;
	if (*s < '0' || *s > '9')
		return false;
	for (; *s >= '0' && *s <= '9'; s++, ndig++) {
		if (ndig >= 15)
			return false;
		whole = whole * 10 + (*s - '0');
	}
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return false;
		for (int i = 0; *s >= '0' && *s <= '9'; s++, i++)
			if (i < 4)
				d[i] = *s - '0';
	}
	if (*s)
		return false;
	tenths = whole * 1000 + d[0] * 100 + d[1] * 10 + d[2] + (d[3] >= 5);
	snprintf(out, 32, "%s%lld.%lld%%", neg && tenths ? "-" : "", tenths / 10,
		 tenths % 10);
	return true;
}

/* A C1 control, U+0080..U+009F, is C2 80..C2 9F in UTF-8. */
static bool c1_at(const unsigned char *p)
{
	return p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F;
}

/* A table cell must stay on one line, measure what it shows and not drive
 * the terminal: every control character (C0, DEL, C1; ESC starts the
 * terminal's sequences) is shown as \n \t \r or \x and its code point in
 * two hex digits ("\x1b", "\x9b"), which is what its width counts. */
static char *display(const char *s, enum crm_col_kind kind)
{
	char pct[32], *r, *w;
	size_t n = 0;

	if (!s)
		return crm_xstrdup("");
	if (kind == CRM_COL_RATE && rate_percent(s, pct))
		return crm_xstrdup(pct);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		n += *p < 0x20 || *p == 0x7F || c1_at(p) ? 4 : 1;
	r = w = crm_xmalloc(n + 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (c1_at(p)) {
			w += sprintf(w, "\\x%02x", *++p);
			continue;
		}
		if (*p >= 0x20 && *p != 0x7F) {
			*w++ = (char)*p;
			continue;
		}
		switch (*p) {
		case '\n': w += sprintf(w, "\\n"); break;
		case '\t': w += sprintf(w, "\\t"); break;
		case '\r': w += sprintf(w, "\\r"); break;
		default: w += sprintf(w, "\\x%02x", *p); break;
		}
	}
	*w = '\0';
	return r;
}

static bool csv_raw;

void crm_out_csv_raw(bool raw) { csv_raw = raw; }

/* -?DIGITS(.DIGITS)?: a spreadsheet reads it as a number, not a formula. */
static bool plain_number(const char *s)
{
	s += *s == '-' || *s == '+';
	size_t whole = strspn(s, "0123456789");
	if (!whole)
		return false;
	s += whole;
	if (*s == '.' && s[1])
		s += 1 + strspn(s + 1, "0123456789");
	return *s == '\0';
}

const char *crm_out_csv_cell(const char *s, enum crm_col_kind kind, char **copy)
{
	*copy = NULL;
	if (csv_raw || !s || !*s || kind != CRM_COL_TEXT || !strchr("=+-@\t\r", *s) ||
	    plain_number(s))
		return s;
	*copy = crm_xasprintf("'%s", s);
	return *copy;
}

static void put_csv_row(struct crm_out *o, const char *const *fields)
{
	const char **cells = crm_xcalloc(o->ncols ? o->ncols : 1, sizeof *cells);
	char **copies = crm_xcalloc(o->ncols ? o->ncols : 1, sizeof *copies);
	for (size_t j = 0; j < o->ncols; j++)
		cells[j] = crm_out_csv_cell(fields[j], o->kinds[j], &copies[j]);
	crm_csv_put_row(o->fp, cells, o->ncols);
	for (size_t j = 0; j < o->ncols; j++)
		free(copies[j]);
	free(copies);
	free(cells);
}

static void json_string(FILE *fp, const char *s)
{
	putc('"', fp);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", fp); break;
		case '\\': fputs("\\\\", fp); break;
		case '\n': fputs("\\n", fp); break;
		case '\t': fputs("\\t", fp); break;
		case '\r': fputs("\\r", fp); break;
		default:
			if (*p < 0x20 || *p == 0x7F)
				fprintf(fp, "\\u%04x", *p);
			else
				putc(*p, fp);
		}
	}
	putc('"', fp);
}

/* An INT field that is a plain integer is written as a number. */
static bool json_number(const char *s)
{
	const char *p = s + (*s == '-');
	if (*p < '0' || *p > '9' || (*p == '0' && p[1]))
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '\0' && p - s < 19;
}

static void json_row(struct crm_out *o, const char *const *fields)
{
	putc('{', o->fp);
	for (size_t j = 0; j < o->ncols; j++) {
		if (j)
			putc(',', o->fp);
		json_string(o->fp, o->names[j]);
		putc(':', o->fp);
		if (!fields[j] || !*fields[j])
			fputs("null", o->fp);
		else if (o->kinds[j] == CRM_COL_INT && json_number(fields[j]))
			fputs(fields[j], o->fp);
		else
			json_string(o->fp, fields[j]);
	}
	fputs("}\n", o->fp);
}

static void put_header(struct crm_out *o)
{
	o->header_done = true;
	if (!o->header || o->fmt == CRM_FMT_JSON)
		return;
	if (o->fmt == CRM_FMT_CSV)
		crm_csv_put_row(o->fp, (const char *const *)o->names, o->ncols);
	else
		crm_tsv_put_row(o->fp, (const char *const *)o->names, o->ncols);
}

void crm_out_row(struct crm_out *o, const char *const *fields)
{
	add_to_sums(o, fields);
	if (o->fmt == CRM_FMT_JSON) {
		json_row(o, fields);
		return;
	}
	if (o->fmt != CRM_FMT_TABLE) {
		if (!o->header_done)
			put_header(o);
		if (o->fmt == CRM_FMT_CSV)
			put_csv_row(o, fields);
		else
			crm_tsv_put_row(o->fp, fields, o->ncols);
		return;
	}
	if (o->ncells + o->ncols > o->cellcap) {
		o->cellcap = o->cellcap ? 2 * o->cellcap : 64;
		while (o->cellcap < o->ncells + o->ncols)
			o->cellcap *= 2;
		o->cells = crm_xrealloc(o->cells, o->cellcap * sizeof *o->cells);
	}
	for (size_t j = 0; j < o->ncols; j++)
		o->cells[o->ncells++] = display(fields[j], o->kinds[j]);
	o->nrows++;
}

static void add_summary(struct crm_out *o, char **row)
{
	o->summary = crm_xrealloc(o->summary, (o->nsummary + 1) * sizeof *o->summary);
	o->summary[o->nsummary++] = row;
}

static void format_cents(int64_t v, char out[32])
{
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	snprintf(out, 32, "%s%llu.%02llu", v < 0 ? "-" : "",
		 (unsigned long long)(u / 100), (unsigned long long)(u % 100));
}

void crm_out_totals(struct crm_out *o, const char *label)
{
	char **row, buf[32];

	if (o->fmt != CRM_FMT_TABLE || o->ncols == 0)
		return;
	row = crm_xcalloc(o->ncols, sizeof *row);
	row[0] = display(label, CRM_COL_TEXT);
	for (size_t j = 1; j < o->ncols; j++) {
		const struct sum *s = &o->sums[j];
		buf[0] = '\0';
		/* An unreadable or overflowing column gets no total rather
		 * than a wrong one. */
		if (!s->overflow && o->kinds[j] == CRM_COL_INT)
			snprintf(buf, sizeof buf, "%lld", (long long)s->total);
		else if (!s->overflow && o->kinds[j] == CRM_COL_MONEY)
			format_cents(s->total, buf);
		row[j] = crm_xstrdup(buf);
	}
	add_summary(o, row);
}

void crm_out_footer(struct crm_out *o, const char *const *fields)
{
	char **row;

	if (o->fmt != CRM_FMT_TABLE)
		return;
	row = crm_xcalloc(o->ncols ? o->ncols : 1, sizeof *row);
	for (size_t j = 0; j < o->ncols; j++)
		row[j] = display(fields[j], o->kinds[j]);
	add_summary(o, row);
}

static void line_room(struct line *l, size_t n)
{
	if (l->len + n + 1 > l->cap) {
		l->cap = l->cap ? l->cap : 128;
		while (l->len + n + 1 > l->cap)
			l->cap *= 2;
		l->s = crm_xrealloc(l->s, l->cap);
	}
}

static void line_add(struct line *l, const char *s, size_t n)
{
	line_room(l, n);
	memcpy(l->s + l->len, s, n);
	l->len += n;
}

static void line_pad(struct line *l, char c, size_t n)
{
	line_room(l, n);
	memset(l->s + l->len, c, n);
	l->len += n;
}

static void line_end(struct crm_out *o)
{
	struct line *l = &o->line;

	while (l->len > 0 && l->s[l->len - 1] == ' ')
		l->len--;
	line_add(l, "\n", 1);
	fwrite(l->s, 1, l->len, o->fp);
	l->len = 0;
}

static bool right_aligned(enum crm_col_kind k)
{
	return k != CRM_COL_TEXT;
}

static void table_row(struct crm_out *o, char *const *cells, const size_t *width)
{
	for (size_t j = 0; j < o->ncols; j++) {
		size_t w = crm_utf8_width(cells[j]);
		size_t pad = width[j] > w ? width[j] - w : 0;
		if (j)
			line_add(&o->line, "  ", 2);
		if (right_aligned(o->kinds[j]))
			line_pad(&o->line, ' ', pad);
		line_add(&o->line, cells[j], strlen(cells[j]));
		if (!right_aligned(o->kinds[j]))
			line_pad(&o->line, ' ', pad);
	}
	line_end(o);
}

static void rule(struct crm_out *o, const size_t *width)
{
	for (size_t j = 0; j < o->ncols; j++) {
		if (j)
			line_add(&o->line, "  ", 2);
		line_pad(&o->line, '-', width[j]);
	}
	line_end(o);
}

static void widen(size_t *width, char *const *cells, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		size_t w = crm_utf8_width(cells[j]);
		if (w > width[j])
			width[j] = w;
	}
}

static void print_table(struct crm_out *o)
{
	size_t *width = crm_xcalloc(o->ncols ? o->ncols : 1, sizeof *width);
	char **head = crm_xcalloc(o->ncols ? o->ncols : 1, sizeof *head);

	if (o->ncols == 0)
		goto done;
	for (size_t j = 0; j < o->ncols; j++)
		head[j] = display(o->names[j], CRM_COL_TEXT);
	if (o->header)
		widen(width, head, o->ncols);
	for (size_t i = 0; i < o->nrows; i++)
		widen(width, o->cells + i * o->ncols, o->ncols);
	for (size_t i = 0; i < o->nsummary; i++)
		widen(width, o->summary[i], o->ncols);
	if (o->header) {
		table_row(o, head, width);
		rule(o, width);
	}
	for (size_t i = 0; i < o->nrows; i++)
		table_row(o, o->cells + i * o->ncols, width);
	if (o->nsummary)
		rule(o, width);
	for (size_t i = 0; i < o->nsummary; i++)
		table_row(o, o->summary[i], width);
done:
	for (size_t j = 0; j < o->ncols; j++)
		free(head[j]);
	free(head);
	free(width);
}

void crm_out_end(struct crm_out *o)
{
	if (!o)
		return;
	/* no columns declared: the command failed before its output began */
	if (o->ncols == 0)
		;
	else if (o->fmt == CRM_FMT_TABLE)
		print_table(o);
	else if (!o->header_done)
		put_header(o);
	for (size_t i = 0; i < o->ncells; i++)
		free(o->cells[i]);
	for (size_t i = 0; i < o->nsummary; i++) {
		for (size_t j = 0; j < o->ncols; j++)
			free(o->summary[i][j]);
		free(o->summary[i]);
	}
	for (size_t j = 0; j < o->ncols; j++)
		free(o->names[j]);
	free(o->summary);
	free(o->cells);
	free(o->names);
	free(o->kinds);
	free(o->sums);
	free(o->line.s);
	free(o);
}
