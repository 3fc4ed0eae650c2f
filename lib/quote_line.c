/* quote_line.c: the lines of a draft quote: added from the catalogue
 * (the tier price of the quantity, the product's tax rate and unit) or as
 * free text, from options or TSV, removed; after every change the lines,
 * the quote's totals (crm_lines_sum) and its discount approval are stored
 * again. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "product.h"
#include "quote.h"
#include "tsv.h"

/* Build line l from in for quote q; 0, or 65 after reporting "where: ...". */
static int build_line(struct crm_ctx *ctx, const struct crm_quote *q,
		      const struct crm_quote_line_in *in, const char *where, struct crm_line *l)
{
	struct crm_product p = {0};
	const char *sep = *where ? ": " : "", *why;
	int st = EX_DATAERR;
	memset(l, 0, sizeof *l);
	l->qty = CRM_QTY_SCALE;
	l->tax_rate = ctx->cfg->sales.tax_rate;
	if (in->qty && *in->qty && crm_qty_parse(in->qty, &l->qty)) {
		crm_warn("%s%sinvalid quantity '%s'", where, sep, in->qty);
		return st;
	}
	if (in->discount && *in->discount && crm_rate_parse(in->discount, &l->discount)) {
		crm_warn("%s%sinvalid discount '%s'", where, sep, in->discount);
		return st;
	}
	if (in->tax && *in->tax && crm_rate_parse(in->tax, &l->tax_rate)) {
		crm_warn("%s%sinvalid tax rate '%s'", where, sep, in->tax);
		return st;
	}
	if (in->price && *in->price && crm_money_amount(in->price, &l->unit_price, &why)) {
		crm_warn("%s%s%s '%s'", where, sep, why, in->price);
		return st;
	}
	if (in->product && *in->product) {
		int64_t pid = crm_product_find(ctx, in->product);
		if (!pid || crm_product_load(ctx, pid, &p)) {
			crm_warn("%s%sunknown product '%s'", where, sep, in->product);
			return st;
		}
		if (!p.active) {
			crm_warn("%s%sproduct '%s' is inactive", where, sep, p.sku);
			goto out;
		}
		if (strcmp(p.currency, q->currency)) {
			crm_warn("%s%sproduct '%s' is priced in %s, the quote in %s", where, sep, p.sku,
				 p.currency, q->currency);
			goto out;
		}
		l->product_id = p.id;
		l->sku = crm_xstrdup(p.sku);
		l->description = crm_xstrdup(in->description && *in->description ? in->description
					     : p.name);
		l->unit = p.unit ? crm_xstrdup(p.unit) : NULL;
		if (!(in->tax && *in->tax))
			l->tax_rate = p.tax_rate;
		if (!(in->price && *in->price) &&
		    (st = crm_product_price_for(ctx, &p, l->qty, &l->unit_price)))
			goto out;
		st = EX_DATAERR;
	} else if (!in->description || !*in->description) {
		crm_warn("%s%sa line needs a product or a description", where, sep);
		return st;
	} else if (!in->price || !*in->price) {
		crm_warn("%s%sline '%s' has no price", where, sep, in->description);
		return st;
	} else {
		l->description = crm_xstrdup(in->description);
	}
	if (crm_line_compute(l)) {
		crm_warn("%s%sline '%s' is out of range", where, sep, l->description);
		goto out;
	}
	st = 0;
out:
	crm_product_clear(&p);
	if (st) {
		free(l->sku);
		free(l->description);
		free(l->unit);
		memset(l, 0, sizeof *l);
	}
	return st;
}

/* Load draft id for a change of its lines, and its lines. */
static int open_draft(struct crm_ctx *ctx, int64_t id, struct crm_quote *q, struct crm_line **l,
		      size_t *n)
{
	char what[48];
	int st;
	*l = NULL;
	*n = 0;
	if ((st = crm_quote_load(ctx, id, q)))
		return st;
	snprintf(what, sizeof what, "quote %lld", (long long)id);
	if ((st = crm_ctx_may_change(ctx, q->owner_id, what)))
		return st;
	if (strcmp(q->status, "draft")) {
		crm_warn("quote %lld is %s: only a draft's lines change (revise it)", (long long)id,
			 q->status);
		return EX_DATAERR;
	}
	return crm_lines_load(ctx->db, "quote", id, l, n);
}

static int audit_line(struct crm_ctx *ctx, int64_t id, const char *action,
		      const struct crm_line *l, bool removed)
{
	char field[32], qty[CRM_QTY_LEN], price[CRM_MONEY_LEN], *v;
	snprintf(field, sizeof field, "line %d", l->line_no);
	crm_qty_format(l->qty, qty);
	crm_money_format(l->unit_price, price);
	v = crm_xasprintf("%s x %s @ %s", qty, l->description, price);
	int st = crm_audit_write(ctx->db, "quote", id, action, field, removed ? v : NULL,
				 removed ? NULL : v);
	free(v);
	return st;
}

static int print_lines(struct crm_ctx *ctx, const struct crm_line *l, size_t n, FILE *out)
{
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_lines_header(o);
	for (size_t i = 0; i < n; i++)
		crm_lines_row(o, &l[i]);
	crm_out_end(o);
	return 0;
}

/* Append the built lines add[0..m) to the draft's and store them all. */
static int append(struct crm_ctx *ctx, struct crm_quote *q, struct crm_line **l, size_t *n,
		  struct crm_line *add, size_t m)
{
	size_t old = *n;
	int st = 0;
	*l = crm_xrealloc(*l, (old + m + 1) * sizeof **l);
	memcpy(*l + old, add, m * sizeof *add);
	*n = old + m;
	for (size_t i = old; i < *n; i++)
		(*l)[i].line_no = (int)i + 1;
	if (!(st = crm_quote_store_lines(ctx, q, *l, *n)))
		for (size_t i = old; i < *n && !st; i++)
			st = audit_line(ctx, q->id, "line", &(*l)[i], false);
	return st;
}

static int finish(struct crm_ctx *ctx, int st, struct crm_quote *q, struct crm_line *l, size_t n,
		  FILE *out)
{
	if (!st && ctx->opts->dry_run)
		print_lines(ctx, l, n, out);
	st = crm_ctx_end(ctx, st);
	if (!st && !ctx->opts->dry_run)
		print_lines(ctx, l, n, out);
	crm_lines_free(l, n);
	crm_quote_clear(q);
	return st;
}

int crm_quote_add_lines(struct crm_ctx *ctx, int64_t id, const struct crm_quote_line_in *in,
			size_t m, FILE *out)
{
	struct crm_quote q = {0};
	struct crm_line *l = NULL, *add = crm_xcalloc(m + 1, sizeof *add);
	size_t n = 0, built = 0;
	int st;
	if ((st = crm_db_begin(ctx->db))) {
		free(add);
		return st;
	}
	if (!(st = open_draft(ctx, id, &q, &l, &n)))
		for (; built < m && !st; built++)
			st = build_line(ctx, &q, &in[built], "", &add[built]);
	if (!st)
		st = append(ctx, &q, &l, &n, add, m);
	else
		crm_lines_free(add, built);
	if (!st)
		free(add);
	return finish(ctx, st, &q, l, n, out);
}

int crm_quote_lines_tsv(struct crm_ctx *ctx, int64_t id, FILE *in, const char *name, FILE *out)
{
	struct crm_quote q = {0};
	struct crm_line *l = NULL, *add = NULL;
	size_t n = 0, m = 0;
	int st, rc, bad = 0;
	struct crm_tsv *t = crm_tsv_open(in, name, &st);
	if (!t)
		return st;
	int c[6] = {
		crm_tsv_col(t, "sku"), crm_tsv_col(t, "description"), crm_tsv_col(t, "qty"),
		crm_tsv_col(t, "unit_price"), crm_tsv_col(t, "discount"), crm_tsv_col(t, "tax_rate"),
	};
	if (c[0] < 0 && c[1] < 0) {
		crm_warn("%s: no column 'sku' or 'description'", crm_tsv_name(t));
		crm_tsv_close(t);
		return EX_DATAERR;
	}
	if ((st = crm_db_begin(ctx->db)) || (st = open_draft(ctx, id, &q, &l, &n))) {
		crm_tsv_close(t);
		if (st && crm_db_in_transaction(ctx->db))
			return finish(ctx, st, &q, l, n, out);
		return st;
	}
	while ((rc = crm_tsv_next(t)) == 1) {
		const char *v[6];
		char where[300];
		for (int i = 0; i < 6; i++)
			v[i] = c[i] >= 0 ? crm_tsv_field(t, (size_t)c[i], NULL) : NULL;
		struct crm_quote_line_in li = {v[0], v[1], v[2], v[3], v[4], v[5]};
		snprintf(where, sizeof where, "%s:%ld", crm_tsv_name(t), crm_tsv_line(t));
		add = crm_xrealloc(add, (m + 1) * sizeof *add);
		if (build_line(ctx, &q, &li, where, &add[m]))
			bad++;
		else
			m++;
	}
	crm_tsv_close(t);
	st = rc < 0 ? -rc : bad ? EX_DATAERR : 0;
	if (!st && !m) {
		crm_warn("%s: no lines", name);
		st = EX_DATAERR;
	}
	if (!st)
		st = append(ctx, &q, &l, &n, add, m);
	else
		crm_lines_free(add, m);
	if (!st)
		free(add);
	return finish(ctx, st, &q, l, n, out);
}

int crm_quote_remove_line(struct crm_ctx *ctx, int64_t id, int line_no, FILE *out)
{
	struct crm_quote q = {0};
	struct crm_line *l = NULL;
	size_t n = 0;
	int st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if (!(st = open_draft(ctx, id, &q, &l, &n))) {
		if (line_no < 1 || (size_t)line_no > n) {
			crm_warn("quote %lld has no line %d", (long long)id, line_no);
			st = CRM_EX_NOTFOUND;
		} else if (!(st = audit_line(ctx, id, "rmline", &l[line_no - 1], true))) {
			struct crm_line gone = l[line_no - 1];
			memmove(&l[line_no - 1], &l[line_no], (n - (size_t)line_no) * sizeof *l);
			n--;
			free(gone.sku);
			free(gone.description);
			free(gone.unit);
			st = crm_quote_store_lines(ctx, &q, l, n);
		}
	}
	return finish(ctx, st, &q, l, n, out);
}
