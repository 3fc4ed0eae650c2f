/* lines.c: line items of quotes, contracts and orders, and their sums. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "err.h"
#include "lines.h"
#include "money.h"
#include "out.h"

/* Products of a quantity, a price and a rate need more than 64 bits. */
__extension__ typedef unsigned __int128 u128;

/* a * b / d rounded half up, for non-negative operands; -1 on overflow. */
static int mul_div(int64_t a, int64_t b, int64_t d, int64_t *out)
{
	if (a < 0 || b < 0 || d <= 0)
		return -1;
	u128 r = ((u128)a * (u128)b * 2 + (u128)d) / ((u128)d * 2);
	if (r > (u128)INT64_MAX)
		return -1;
	*out = (int64_t)r;
	return 0;
}

int crm_line_compute(struct crm_line *l)
{
	if (l->qty <= 0 || l->unit_price < 0 || l->discount < 0 || l->discount > CRM_RATE_SCALE ||
	    l->tax_rate < 0 || l->tax_rate > CRM_RATE_SCALE || l->qty > CRM_LINE_MAX_QTY ||
	    l->unit_price > CRM_LINE_MAX_PRICE)
		return -1;
	/* net = qty * price * (10000 - discount) / (1000 * 10000), one rounding */
	u128 num = (u128)l->qty * (u128)l->unit_price * (u128)(CRM_RATE_SCALE - l->discount);
	u128 den = (u128)CRM_QTY_SCALE * CRM_RATE_SCALE;
	u128 net = (num * 2 + den) / (den * 2);
	if (net > (u128)INT64_MAX)
		return -1;
	l->net = (int64_t)net;
	if (mul_div(l->net, l->tax_rate, CRM_RATE_SCALE, &l->tax) || l->net > INT64_MAX - l->tax)
		return -1;
	l->total = l->net + l->tax;
	return 0;
}

int crm_lines_sum(const struct crm_line *l, size_t n, int64_t *net, int64_t *tax,
		  int64_t *total)
{
	int64_t a = 0, b = 0;
	for (size_t i = 0; i < n; i++) {
		if (l[i].net > INT64_MAX - a || l[i].tax > INT64_MAX - b)
			return -1;
		a += l[i].net;
		b += l[i].tax;
	}
	if (a > INT64_MAX - b)
		return -1;
	*net = a;
	*tax = b;
	*total = a + b;
	return 0;
}

int crm_qty_parse(const char *s, int64_t *qty)
{
	int64_t v;
	if (crm_decimal_parse(s, 3, &v) || v <= 0)
		return -1;
	*qty = v;
	return 0;
}

void crm_qty_format(int64_t qty, char out[CRM_QTY_LEN])
{
	int n = snprintf(out, CRM_QTY_LEN, "%" PRId64 ".%03d", qty / CRM_QTY_SCALE,
			 (int)(qty % CRM_QTY_SCALE));
	while (n > 0 && out[n - 1] == '0')
		out[--n] = '\0';
	if (n > 0 && out[n - 1] == '.')
		out[--n] = '\0';
}

int crm_rate_parse(const char *s, int *bp)
{
	int64_t v;
	size_t n = s ? strlen(s) : 0;
	if (n && s[n - 1] == '%')
		return crm_percent_parse(s, bp);
	if (crm_decimal_parse(s, 4, &v) || v > CRM_RATE_SCALE)
		return -1;
	*bp = (int)v;
	return 0;
}

void crm_rate_format(int bp, char out[CRM_RATE_LEN])
{
	snprintf(out, CRM_RATE_LEN, "%d.%04d", bp / CRM_RATE_SCALE, bp % CRM_RATE_SCALE);
}

int crm_lines_insert(struct crm_db *db, const char *doc, int64_t doc_id, struct crm_line *l,
		     size_t n)
{
	static const char sql[] =
		"INSERT INTO doc_lines (doc, doc_id, line_no, product_id, description, unit, qty,"
		" unit_price, discount, tax_rate, net, tax, total, delivered, source_line)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)"
		" RETURNING id";
	struct crm_stmt *st = crm_db_stmt(db, sql);
	if (!st)
		return crm_db_fail(db, "cannot store lines");
	for (size_t i = 0; i < n; i++) {
		crm_stmt_reset(st);
		crm_bind_str(st, 1, doc);
		crm_bind_int(st, 2, doc_id);
		crm_bind_int(st, 3, (int64_t)i + 1);
		crm_bind_id(st, 4, l[i].product_id);
		crm_bind_str(st, 5, l[i].description);
		crm_bind_text(st, 6, l[i].unit);
		crm_bind_int(st, 7, l[i].qty);
		crm_bind_int(st, 8, l[i].unit_price);
		crm_bind_int(st, 9, l[i].discount);
		crm_bind_int(st, 10, l[i].tax_rate);
		crm_bind_int(st, 11, l[i].net);
		crm_bind_int(st, 12, l[i].tax);
		crm_bind_int(st, 13, l[i].total);
		crm_bind_int(st, 14, l[i].delivered);
		crm_bind_id(st, 15, l[i].source_line);
		if (crm_step(st) != CRM_ROW)
			return crm_db_fail(db, "cannot store lines");
		l[i].id = crm_col_int(st, 0);
		l[i].line_no = (int)i + 1;
		crm_stmt_reset(st);
	}
	return 0;
}

static char *dup_or_null(const char *s)
{
	return s ? crm_xstrdup(s) : NULL;
}

int crm_lines_load(struct crm_db *db, const char *doc, int64_t doc_id, struct crm_line **out,
		   size_t *n)
{
	static const char sql[] =
		"SELECT l.id, l.line_no, l.product_id, p.sku, l.description, l.unit, l.qty,"
		" l.unit_price, l.discount, l.tax_rate, l.net, l.tax, l.total, l.delivered,"
		" l.source_line"
		" FROM doc_lines l LEFT JOIN products p ON p.id = l.product_id"
		" WHERE l.doc = ?1 AND l.doc_id = ?2 ORDER BY l.line_no";
	struct crm_stmt *st = crm_db_stmt(db, sql);
	struct crm_line *v = NULL;
	size_t len = 0, cap = 0;
	int rc;
	if (!st)
		return crm_db_fail(db, "cannot read lines");
	crm_bind_str(st, 1, doc);
	crm_bind_int(st, 2, doc_id);
	while ((rc = crm_step(st)) == CRM_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 8;
			v = crm_xrealloc(v, cap * sizeof *v);
		}
		struct crm_line *l = &v[len++];
		memset(l, 0, sizeof *l);
		l->id = crm_col_int(st, 0);
		l->line_no = (int)crm_col_int(st, 1);
		l->product_id = crm_col_int(st, 2);
		l->sku = dup_or_null(crm_col_str(st, 3));
		l->description = crm_xstrdup(crm_col_text(st, 4));
		l->unit = dup_or_null(crm_col_str(st, 5));
		l->qty = crm_col_int(st, 6);
		l->unit_price = crm_col_int(st, 7);
		l->discount = (int)crm_col_int(st, 8);
		l->tax_rate = (int)crm_col_int(st, 9);
		l->net = crm_col_int(st, 10);
		l->tax = crm_col_int(st, 11);
		l->total = crm_col_int(st, 12);
		l->delivered = crm_col_int(st, 13);
		l->source_line = crm_col_int(st, 14);
	}
	crm_stmt_reset(st);
	if (rc != CRM_DONE) {
		crm_lines_free(v, len);
		return crm_db_fail(db, "cannot read lines");
	}
	*out = v;
	*n = len;
	return 0;
}

void crm_lines_free(struct crm_line *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].sku);
		free(l[i].description);
		free(l[i].unit);
	}
	free(l);
}

int crm_lines_delete(struct crm_db *db, const char *doc, int64_t doc_id)
{
	static const char sql[] = "DELETE FROM doc_lines WHERE doc = ?1 AND doc_id = ?2";
	struct crm_stmt *st = crm_db_stmt(db, sql);
	if (!st)
		return crm_db_fail(db, "cannot delete lines");
	crm_bind_str(st, 1, doc);
	crm_bind_int(st, 2, doc_id);
	int rc = crm_step(st);
	crm_stmt_reset(st);
	return rc == CRM_DONE ? 0 : crm_db_fail(db, "cannot delete lines");
}

void crm_lines_header(struct crm_out *o)
{
	static const struct {
		const char *name;
		enum crm_col_kind kind;
	} cols[] = {
		{"line", CRM_COL_NUM}, {"sku", CRM_COL_TEXT}, {"description", CRM_COL_TEXT},
		{"unit", CRM_COL_TEXT}, {"qty", CRM_COL_NUM}, {"unit_price", CRM_COL_MONEY},
		{"discount", CRM_COL_RATE}, {"tax_rate", CRM_COL_RATE}, {"net", CRM_COL_MONEY},
		{"tax", CRM_COL_MONEY}, {"total", CRM_COL_MONEY},
	};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		crm_out_col(o, cols[i].name, cols[i].kind);
}

void crm_lines_row(struct crm_out *o, const struct crm_line *l)
{
	char no[24], qty[CRM_QTY_LEN], disc[CRM_RATE_LEN], tax_rate[CRM_RATE_LEN];
	char price[CRM_MONEY_LEN], net[CRM_MONEY_LEN], tax[CRM_MONEY_LEN], total[CRM_MONEY_LEN];
	snprintf(no, sizeof no, "%d", l->line_no);
	crm_qty_format(l->qty, qty);
	crm_rate_format(l->discount, disc);
	crm_rate_format(l->tax_rate, tax_rate);
	crm_money_format(l->unit_price, price);
	crm_money_format(l->net, net);
	crm_money_format(l->tax, tax);
	crm_money_format(l->total, total);
	const char *row[] = {
		no, l->sku ? l->sku : "", l->description, l->unit ? l->unit : "", qty, price,
		disc, tax_rate, net, tax, total,
	};
	crm_out_row(o, row);
}
