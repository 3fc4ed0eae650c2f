/* quote_render.c: a quote as a document the customer receives: HTML from a
 * template (built in, or quotes.template) by a small {{name}} and
 * {{#lines}}...{{/lines}} substitution with every value HTML-escaped, and
 * PDF laid out with pango on cairo so that Chinese text is shaped with the
 * Noto CJK fonts.  The one module that links cairo and pango. */
#include <cairo-pdf.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "err.h"
#include "money.h"
#include "outfile.h"
#include "quote.h"
#include "text.h"

/* ---- template substitution ---- */

void crm_html_escape(struct crm_buf *b, const char *s)
{
	char one[2] = {0, 0};
	for (; s && *s; s++) {
		switch (*s) {
		case '&': crm_buf_add(b, "&amp;"); break;
		case '<': crm_buf_add(b, "&lt;"); break;
		case '>': crm_buf_add(b, "&gt;"); break;
		case '"': crm_buf_add(b, "&quot;"); break;
		case '\'': crm_buf_add(b, "&#39;"); break;
		default:
			one[0] = *s;
			crm_buf_add(b, one);
		}
	}
}

static void add_n(struct crm_buf *b, const char *s, size_t n)
{
	char *t = crm_xstrndup(s, n);
	crm_buf_add(b, t);
	free(t);
}

/* Substitute tmpl[0..len) for row into b; NULL, or why it is malformed. */
static const char *fill(struct crm_buf *b, const char *tmpl, size_t len, int row, int nrows,
			crm_tmpl_get *get, void *data)
{
	static const char open_lines[] = "{{#lines}}", close_lines[] = "{{/lines}}";
	const char *p = tmpl, *end = tmpl + len;
	while (p < end) {
		const char *o = strstr(p, "{{");
		if (!o || o >= end) {
			add_n(b, p, (size_t)(end - p));
			break;
		}
		add_n(b, p, (size_t)(o - p));
		if (!strncmp(o, open_lines, sizeof open_lines - 1)) {
			const char *body = o + sizeof open_lines - 1;
			const char *c = strstr(body, close_lines);
			if (row >= 0)
				return "{{#lines}} inside {{#lines}}";
			if (!c || c >= end)
				return "{{#lines}} without {{/lines}}";
			for (int r = 0; r < nrows; r++) {
				const char *why = fill(b, body, (size_t)(c - body), r, nrows, get, data);
				if (why)
					return why;
			}
			p = c + sizeof close_lines - 1;
			continue;
		}
		const char *c = strstr(o + 2, "}}");
		if (!c || c >= end)
			return "{{ without }}";
		char *name = crm_xstrndup(o + 2, (size_t)(c - o - 2));
		crm_trim(name);
		if (name[0] == '/' || name[0] == '#') {
			free(name);
			return "a block other than {{#lines}}";
		}
		crm_html_escape(b, get(name, row, data));
		free(name);
		p = c + 2;
	}
	return NULL;
}

char *crm_template_fill(const char *tmpl, int nrows, crm_tmpl_get *get, void *data,
			const char **why)
{
	struct crm_buf b = {0};
	crm_buf_add(&b, "");
	if ((*why = fill(&b, tmpl, strlen(tmpl), -1, nrows, get, data))) {
		free(b.s);
		return NULL;
	}
	return b.s;
}

/* ---- the quote's values ---- */

struct doc {
	struct crm_quote q;
	struct crm_line *l;
	size_t n;
	char *company, *customer, *contact, *deal;
	char date[CRM_DATE_LEN], version[16];
	char net[80], tax[80], total[80];
	char cell[80];		/* one line value at a time */
};

/* "¥1,130,000.00" for CNY, "USD 1,000.00" for others. */
static void money_shown(int64_t cents, const char *currency, char *out, size_t n)
{
	char plain[CRM_MONEY_LEN], grouped[CRM_MONEY_LEN * 2];
	crm_money_format(cents, plain);
	const char *dot = strchr(plain, '.');
	size_t ints = (size_t)(dot - plain), j = 0;
	for (size_t i = 0; i < ints; i++) {
		if (i && (ints - i) % 3 == 0)
			grouped[j++] = ',';
		grouped[j++] = plain[i];
	}
	snprintf(grouped + j, sizeof grouped - j, "%s", dot);
	if (!strcmp(currency, "CNY"))
		snprintf(out, n, "\xc2\xa5%s", grouped);
	else
		snprintf(out, n, "%s %s", currency, grouped);
}

static void percent(int bp, char *out, size_t n)
{
	if (bp % 100)
		snprintf(out, n, "%d.%02d%%", bp / 100, bp % 100);
	else
		snprintf(out, n, "%d%%", bp / 100);
}

static const char *line_value(struct doc *d, const char *name, int row)
{
	const struct crm_line *l = &d->l[row];
	char qty[CRM_QTY_LEN];
	if (!strcmp(name, "no"))
		snprintf(d->cell, sizeof d->cell, "%d", l->line_no);
	else if (!strcmp(name, "sku"))
		return l->sku;
	else if (!strcmp(name, "description"))
		return l->description;
	else if (!strcmp(name, "unit"))
		return l->unit;
	else if (!strcmp(name, "qty")) {
		crm_qty_format(l->qty, qty);
		snprintf(d->cell, sizeof d->cell, "%s", qty);
	} else if (!strcmp(name, "unit_price"))
		money_shown(l->unit_price, d->q.currency, d->cell, sizeof d->cell);
	else if (!strcmp(name, "discount"))
		percent(l->discount, d->cell, sizeof d->cell);
	else if (!strcmp(name, "tax_rate"))
		percent(l->tax_rate, d->cell, sizeof d->cell);
	else if (!strcmp(name, "net"))
		money_shown(l->net, d->q.currency, d->cell, sizeof d->cell);
	else if (!strcmp(name, "tax"))
		money_shown(l->tax, d->q.currency, d->cell, sizeof d->cell);
	else if (!strcmp(name, "total"))
		money_shown(l->total, d->q.currency, d->cell, sizeof d->cell);
	else
		return NULL;
	return d->cell;
}

static const char *doc_value(const char *name, int row, void *data)
{
	struct doc *d = data;
	if (row >= 0)
		return line_value(d, name, row);
	const struct {
		const char *name, *value;
	} v[] = {
		{"company", d->company}, {"customer", d->customer}, {"contact", d->contact},
		{"deal", d->deal}, {"number", d->q.number}, {"version", d->version},
		{"date", d->date}, {"valid_until", d->q.valid_until}, {"currency", d->q.currency},
		{"status", d->q.status}, {"terms", d->q.terms}, {"net", d->net}, {"tax", d->tax},
		{"total", d->total},
	};
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
		if (!strcmp(v[i].name, name))
			return v[i].value;
	return NULL;
}

static char *text_of(struct crm_ctx *ctx, const char *sql, int64_t id)
{
	struct crm_stmt *s = id ? crm_db_stmt(ctx->db, sql) : NULL;
	char *v = NULL;
	if (!s)
		return NULL;
	crm_bind_int(s, 1, id);
	if (crm_step(s) == CRM_ROW && crm_col_str(s, 0))
		v = crm_xstrdup(crm_col_text(s, 0));
	crm_stmt_reset(s);
	return v;
}

static int doc_load(struct crm_ctx *ctx, int64_t id, struct doc *d)
{
	int st;
	memset(d, 0, sizeof *d);
	if ((st = crm_quote_load(ctx, id, &d->q)))
		return st;
	if ((st = crm_lines_load(ctx->db, "quote", id, &d->l, &d->n)))
		return st;
	d->company = ctx->cfg->sales.quote_company ? crm_xstrdup(ctx->cfg->sales.quote_company) : NULL;
	d->customer = text_of(ctx, "SELECT name FROM accounts WHERE id = ?1", d->q.account_id);
	d->contact = text_of(ctx, "SELECT name FROM contacts WHERE id = ?1", d->q.contact_id);
	d->deal = text_of(ctx, "SELECT title FROM deals WHERE id = ?1", d->q.deal_id);
	snprintf(d->date, sizeof d->date, "%.10s", d->q.created_at);
	snprintf(d->version, sizeof d->version, "%d", d->q.version);
	money_shown(d->q.net, d->q.currency, d->net, sizeof d->net);
	money_shown(d->q.tax, d->q.currency, d->tax, sizeof d->tax);
	money_shown(d->q.total, d->q.currency, d->total, sizeof d->total);
	return 0;
}

static void doc_free(struct doc *d)
{
	crm_quote_clear(&d->q);
	crm_lines_free(d->l, d->n);
	free(d->company);
	free(d->customer);
	free(d->contact);
	free(d->deal);
}

/* ---- HTML ---- */

static const char builtin_template[] =
	"<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\">\n"
	"<title>{{number}} v{{version}}</title>\n"
	"<style>body{font-family:\"Noto Sans CJK SC\",sans-serif;margin:2em}"
	"table{border-collapse:collapse;width:100%}th,td{border:1px solid #999;padding:4px}"
	"td.n{text-align:right}</style></head><body>\n"
	"<h1>报价单 Quote {{number}} v{{version}}</h1>\n"
	"<p>{{company}}</p>\n"
	"<p>客户 Customer: {{customer}} {{contact}}</p>\n"
	"<p>日期 Date: {{date}} &middot; 有效期至 Valid until: {{valid_until}}</p>\n"
	"<table><tr><th>#</th><th>描述 Description</th><th>数量 Qty</th><th>单位 Unit</th>"
	"<th>单价 Unit price</th><th>折扣 Discount</th><th>净额 Net</th><th>税 Tax</th>"
	"<th>合计 Total</th></tr>\n"
	"{{#lines}}<tr><td class=\"n\">{{no}}</td><td>{{description}}</td><td class=\"n\">{{qty}}</td>"
	"<td>{{unit}}</td><td class=\"n\">{{unit_price}}</td><td class=\"n\">{{discount}}</td>"
	"<td class=\"n\">{{net}}</td><td class=\"n\">{{tax}} ({{tax_rate}})</td>"
	"<td class=\"n\">{{total}}</td></tr>\n{{/lines}}"
	"</table>\n"
	"<p>净额 Net: {{net}}<br>税 Tax: {{tax}}<br><strong>合计 Total: {{total}}</strong></p>\n"
	"<p>{{terms}}</p>\n</body></html>\n";

static char *read_template(const char *path)
{
	FILE *fp = fopen(path, "r");
	struct crm_buf b = {0};
	char chunk[4096];
	size_t n;
	if (!fp) {
		crm_warn_errno("cannot read quotes template '%s'", path);
		return NULL;
	}
	crm_buf_add(&b, "");
	while ((n = fread(chunk, 1, sizeof chunk - 1, fp)) > 0) {
		chunk[n] = '\0';
		crm_buf_add(&b, chunk);
	}
	fclose(fp);
	return b.s;
}

static int render_html(struct crm_ctx *ctx, struct doc *d, FILE *fp)
{
	const char *path = ctx->cfg->sales.quote_template, *why;
	char *tmpl = path ? read_template(path) : NULL;
	if (path && !tmpl)
		return EX_CONFIG;
	char *html = crm_template_fill(tmpl ? tmpl : builtin_template, (int)d->n, doc_value, d, &why);
	if (!html) {
		crm_warn("quotes template '%s': %s", path ? path : "built-in", why);
		free(tmpl);
		return EX_CONFIG;
	}
	fputs(html, fp);
	free(html);
	free(tmpl);
	return 0;
}

/* ---- PDF ---- */

#define PAGE_W 595.0	/* A4 in points */
#define PAGE_H 842.0
#define MARGIN 40.0

struct pdf {
	cairo_t *cr;
	PangoLayout *layout;
	double y;
};

/* Text at x, y within width (align: 0 left, 1 right); its height. */
static double text(struct pdf *p, const char *s, double x, double width, int align,
		   const char *font)
{
	PangoFontDescription *fd = pango_font_description_from_string(font);
	int w, h;
	pango_layout_set_font_description(p->layout, fd);
	pango_font_description_free(fd);
	pango_layout_set_width(p->layout, (int)(width * PANGO_SCALE));
	pango_layout_set_alignment(p->layout, align ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT);
	pango_layout_set_text(p->layout, s ? s : "", -1);
	pango_layout_get_size(p->layout, &w, &h);
	cairo_move_to(p->cr, x, p->y);
	pango_cairo_show_layout(p->cr, p->layout);
	return (double)h / PANGO_SCALE;
}

static const struct {
	const char *head, *name;
	double width;
	int align;
} table_cols[] = {
	{"描述 Description", "description", 130, 0}, {"数量 Qty", "qty", 40, 1},
	{"单位 Unit", "unit", 35, 0}, {"单价 Unit price", "unit_price", 70, 1},
	{"折扣 Disc.", "discount", 35, 1}, {"净额 Net", "net", 70, 1},
	{"税 Tax", "tax", 65, 1}, {"合计 Total", "total", 70, 1},
};
#define NTABLE (sizeof table_cols / sizeof table_cols[0])
#define FONT "Noto Sans CJK SC 8"

static void table_row(struct pdf *p, struct doc *d, int row)
{
	double x = MARGIN, h = 0;
	for (size_t i = 0; i < NTABLE; i++) {
		const char *v = row < 0 ? table_cols[i].head : line_value(d, table_cols[i].name, row);
		double th = text(p, v, x, table_cols[i].width - 4, table_cols[i].align,
				 row < 0 ? "Noto Sans CJK SC Bold 8" : FONT);
		h = th > h ? th : h;
		x += table_cols[i].width;
	}
	p->y += h + 4;
	cairo_move_to(p->cr, MARGIN, p->y - 2);
	cairo_line_to(p->cr, PAGE_W - MARGIN, p->y - 2);
	cairo_set_line_width(p->cr, 0.5);
	cairo_stroke(p->cr);
}

static cairo_status_t write_fp(void *closure, const unsigned char *data, unsigned int len)
{
	return fwrite(data, 1, len, closure) == len ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static int render_pdf(struct crm_ctx *ctx, struct doc *d, FILE *fp)
{
	cairo_surface_t *sf = cairo_pdf_surface_create_for_stream(write_fp, fp, PAGE_W, PAGE_H);
	struct pdf p = {cairo_create(sf), NULL, MARGIN};
	char line[512];
	double w = PAGE_W - 2 * MARGIN;
	/* a font map of our own, so that everything it caches goes with it */
	PangoFontMap *fm = pango_cairo_font_map_new();
	PangoContext *pc = pango_font_map_create_context(fm);
	pango_cairo_update_context(p.cr, pc);
	p.layout = pango_layout_new(pc);
	cairo_set_source_rgb(p.cr, 0, 0, 0);
	snprintf(line, sizeof line, "报价单 Quote %s v%s", d->q.number, d->version);
	p.y += text(&p, line, MARGIN, w, 0, "Noto Sans CJK SC Bold 16") + 8;
	if (d->company)
		p.y += text(&p, d->company, MARGIN, w, 0, "Noto Sans CJK SC 11") + 4;
	snprintf(line, sizeof line, "客户 Customer: %s%s%s", d->customer ? d->customer : "",
		 d->contact ? " / " : "", d->contact ? d->contact : "");
	p.y += text(&p, line, MARGIN, w, 0, "Noto Sans CJK SC 10") + 2;
	snprintf(line, sizeof line, "日期 Date: %s    有效期至 Valid until: %s", d->date,
		 d->q.valid_until ? d->q.valid_until : "");
	p.y += text(&p, line, MARGIN, w, 0, "Noto Sans CJK SC 10") + 12;
	table_row(&p, d, -1);
	for (size_t i = 0; i < d->n; i++) {
		if (p.y > PAGE_H - MARGIN - 80) {
			cairo_show_page(p.cr);
			p.y = MARGIN;
			table_row(&p, d, -1);
		}
		table_row(&p, d, (int)i);
	}
	p.y += 8;
	snprintf(line, sizeof line, "净额 Net: %s", d->net);
	p.y += text(&p, line, MARGIN, w, 1, "Noto Sans CJK SC 10") + 2;
	snprintf(line, sizeof line, "税 Tax: %s", d->tax);
	p.y += text(&p, line, MARGIN, w, 1, "Noto Sans CJK SC 10") + 2;
	snprintf(line, sizeof line, "合计 Total: %s", d->total);
	p.y += text(&p, line, MARGIN, w, 1, "Noto Sans CJK SC Bold 12") + 12;
	if (d->q.terms)
		text(&p, d->q.terms, MARGIN, w, 0, "Noto Sans CJK SC 9");
	cairo_show_page(p.cr);
	g_object_unref(p.layout);
	g_object_unref(pc);
	g_object_unref(fm);
	cairo_destroy(p.cr);
	cairo_surface_finish(sf);
	cairo_status_t cs = cairo_surface_status(sf);
	cairo_surface_destroy(sf);
	/* cairo's and fontconfig's caches live until exit: free them, so a
	 * leak checker sees only what is ours */
	cairo_debug_reset_static_data();
	FcFini();
	if (cs != CAIRO_STATUS_SUCCESS) {
		crm_warn("cannot write the PDF: %s", cairo_status_to_string(cs));
		return EX_IOERR;
	}
	return 0;
}

int crm_quote_render(struct crm_ctx *ctx, int64_t id, enum crm_render_kind kind,
		     const char *path, bool force)
{
	struct crm_outfile of = {"-o", path, crm_db_path(ctx->db), NULL, 0, force};
	struct doc d;
	FILE *fp = NULL;
	int st;
	/* one read transaction: the header and the lines of one moment */
	if ((st = crm_db_exec(ctx->db, "BEGIN")))
		return st;
	st = doc_load(ctx, id, &d);
	crm_db_exec(ctx->db, "COMMIT");
	if (!st && !ctx->opts->dry_run && !(st = crm_outfile_open(&of, &fp))) {
		st = kind == CRM_RENDER_PDF ? render_pdf(ctx, &d, fp) : render_html(ctx, &d, fp);
		if (fclose(fp) && !st) {
			crm_warn_errno("%s", path);
			st = EX_IOERR;
		}
		if (st)
			remove(path);
	}
	doc_free(&d);
	return st;
}
