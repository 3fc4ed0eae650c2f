/* order.c: see order.h.  What a contract line still has to order is its
 * quantity less the quantities of the lines copied from it into orders
 * that are not cancelled (doc_lines.source_line). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "contract.h"
#include "db.h"
#include "err.h"
#include "lines.h"
#include "money.h"
#include "order.h"
#include "record.h"

#define ORDER_SEEN CRM_SQL_VISIBLE_OWNED("o.owner_id")

int crm_order_pick_parse(const char *s, struct crm_order_pick *p)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (end == s || *end != ':' || n <= 0 || n > 1000000 || crm_qty_parse(end + 1, &p->qty)) {
		crm_warn("invalid --line '%s' (want LINE:QTY)", s);
		return EX_USAGE;
	}
	p->line_no = (int)n;
	return 0;
}

static int ordered_of(struct crm_ctx *ctx, int64_t line_id, int64_t *qty)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT coalesce(sum(l.qty), 0) FROM doc_lines l JOIN orders o ON o.id = l.doc_id"
		" WHERE l.doc = 'order' AND l.source_line = ?1 AND o.status <> 'cancelled'");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, line_id);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read orders");
	*qty = crm_col_int(st, 0);
	crm_stmt_reset(st);
	return 0;
}

/* The lines of the new order: copies of the contract's lines l with the
 * quantities picked (or what is left of each). */
static int pick_lines(struct crm_ctx *ctx, const struct crm_contract *c, struct crm_line *l,
		      size_t nl, const struct crm_order_pick *p, size_t np, size_t *nout)
{
	int64_t *want = crm_xcalloc(nl ? nl : 1, sizeof *want);
	int st = 0;
	for (size_t i = 0; i < np && !st; i++) {
		if (p[i].line_no > (int)nl) {
			crm_warn("contract %s has no line %d", c->number, p[i].line_no);
			st = EX_DATAERR;
		} else {
			want[p[i].line_no - 1] += p[i].qty;
		}
	}
	size_t n = 0;
	for (size_t i = 0; i < nl && !st; i++) {
		int64_t done = 0;
		if ((st = ordered_of(ctx, l[i].id, &done)))
			break;
		int64_t left = l[i].qty - done, w = np ? want[i] : left;
		if (w > left) {
			char q[CRM_QTY_LEN], d[CRM_QTY_LEN], a[CRM_QTY_LEN];
			crm_qty_format(l[i].qty, q);
			crm_qty_format(done, d);
			crm_qty_format(w, a);
			crm_warn("contract %s line %d: %s more would exceed its quantity %s (%s ordered)",
				 c->number, l[i].line_no, a, q, d);
			st = EX_DATAERR;
		} else if (w > 0) {
			if (n != i) {	/* slot n's line is not ordered: its strings go */
				free(l[n].sku);
				free(l[n].description);
				free(l[n].unit);
				l[n] = l[i];
				l[i].sku = l[i].description = l[i].unit = NULL;
			}
			l[n].source_line = l[i].id;
			l[n].qty = w;
			l[n].delivered = 0;
			if (crm_line_compute(&l[n])) {
				crm_warn("contract %s line %d: amount out of range", c->number,
					 l[i].line_no);
				st = EX_DATAERR;
			}
			n++;
		}
	}
	free(want);
	if (!st && !n) {
		crm_warn("contract %s: nothing left to order", c->number);
		st = EX_DATAERR;
	}
	*nout = n;
	return st;
}

static int next_number(struct crm_ctx *ctx, char out[32])
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT count(*) FROM orders");
	struct crm_stmt *taken = crm_db_stmt(ctx->db, "SELECT 1 FROM orders WHERE number = ?1");
	if (!st || !taken)
		return EX_SOFTWARE;
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read orders");
	int64_t n = crm_col_int(st, 0);
	crm_stmt_reset(st);
	for (int rc = CRM_ROW; rc == CRM_ROW;) {
		snprintf(out, 32, "O-%06lld", (long long)++n);
		crm_bind_str(taken, 1, out);
		rc = crm_step(taken);
		crm_stmt_reset(taken);
		if (rc != CRM_ROW && rc != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot read orders");
	}
	return 0;
}

static int insert_order(struct crm_ctx *ctx, const struct crm_contract *c, const char *number,
			int64_t net, int64_t tax, int64_t total, int64_t *id)
{
	char today[11];
	crm_time_date(ctx->now, today);
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO orders (number, contract_id, account_id, net, tax, total, currency,"
		" ordered_on, owner_id, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, number);
	crm_bind_int(st, 2, c->b.id);
	crm_bind_id(st, 3, c->b.account_id);
	crm_bind_int(st, 4, net);
	crm_bind_int(st, 5, tax);
	crm_bind_int(st, 6, total);
	crm_bind_str(st, 7, c->b.currency);
	crm_bind_str(st, 8, today);
	crm_bind_id(st, 9, c->b.owner_id);
	crm_bind_str(st, 10, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot insert order");
	*id = crm_db_last_id(ctx->db);
	return 0;
}

static const char summary_sql[] =
	"SELECT o.id, o.number, c.number, o.status, o.net, o.tax, o.total, o.currency,"
	" o.ordered_on, coalesce(o.fulfilled_on, ''), coalesce(u.login, '')"
	" FROM orders o JOIN contracts c ON c.id = o.contract_id"
	" LEFT JOIN users u ON u.id = o.owner_id";

static const char *const summary_cols[] = {
	"id", "number", "contract", "status", "net", "tax", "total", "currency", "ordered_on",
	"fulfilled_on", "owner",
};

static void summary_rows(struct crm_stmt *st, struct crm_out *o, int *rc)
{
	for (size_t i = 0; i < sizeof summary_cols / sizeof summary_cols[0]; i++)
		crm_out_col(o, summary_cols[i], i == 0 ? CRM_COL_INT : i >= 4 && i <= 6
			    ? CRM_COL_MONEY : CRM_COL_TEXT);
	while ((*rc = crm_step(st)) == CRM_ROW) {
		char m[3][CRM_MONEY_LEN];
		const char *f[11];
		for (int i = 0; i < 11; i++)
			f[i] = crm_col_text(st, i);
		for (int i = 0; i < 3; i++) {
			crm_money_format(crm_col_int(st, 4 + i), m[i]);
			f[4 + i] = m[i];
		}
		crm_out_row(o, f);
	}
}

static int print_one(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	static const char sql[] = "%s WHERE o.id = ?1";
	static char *q;
	if (!out)
		return 0;
	if (!q)
		q = crm_xasprintf(sql, summary_sql);
	struct crm_stmt *st;
	if (crm_db_prepare(ctx->db, q, &st) != CRM_OK)
		return crm_db_fail(ctx->db, "cannot read order");
	crm_bind_int(st, 1, id);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	int rc;
	summary_rows(st, o, &rc);
	crm_stmt_finish(st);
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read order");
}

static int make(struct crm_ctx *ctx, const char *which, const struct crm_order_pick *p,
		size_t np, FILE *out)
{
	static const char *const from[] = {"approved", "signed", "active", NULL};
	struct crm_contract c;
	struct crm_line *l = NULL;
	size_t nl = 0, n = 0;
	int64_t net, tax, total, id = 0;
	char number[32];
	int st;
	if ((st = crm_contract_get(ctx, which, &c)) || (st = crm_contract_require_owner(ctx, &c)) ||
	    (st = crm_contract_require_status(&c, "order", from)) ||
	    (st = crm_lines_load(ctx->db, "contract", c.b.id, &l, &nl)))
		return st;
	if (!nl) {
		crm_warn("contract %s has no lines to order", c.number);
		st = EX_DATAERR;
	}
	if (!st)
		st = pick_lines(ctx, &c, l, nl, p, np, &n);
	if (!st && crm_lines_sum(l, n, &net, &tax, &total)) {
		crm_warn("order total out of range");
		st = EX_DATAERR;
	}
	if (!st && !(st = next_number(ctx, number)) &&
	    !(st = insert_order(ctx, &c, number, net, tax, total, &id)) &&
	    !(st = crm_lines_insert(ctx->db, "order", id, l, n)) &&
	    !(st = crm_audit_write(ctx->db, "order", id, "create", "number", NULL, number)))
		st = crm_audit_write(ctx->db, "order", id, "create", "contract", NULL, c.number);
	crm_lines_free(l, nl);
	return st ? st : print_one(ctx, id, out);
}

int crm_order_new(struct crm_ctx *ctx, const char *contract, const struct crm_order_pick *p,
		  size_t n, FILE *out)
{
	int st = crm_db_begin(ctx->db);
	return st ? st : crm_ctx_end(ctx, make(ctx, contract, p, n, out));
}

/* ---- one order ---- */

struct order {
	int64_t id, owner_id;
	char number[32], status[16];
};

static int find(struct crm_ctx *ctx, const char *which, struct order *r)
{
	static const char sql[] =
		"SELECT o.id, coalesce(o.owner_id, 0), o.number, o.status,"
		" CASE WHEN " ORDER_SEEN " THEN 1 ELSE 0 END FROM orders o"
		" WHERE o.id = :id OR o.number = :number"
		" ORDER BY CASE WHEN o.id = :id THEN 0 ELSE 1 END LIMIT 1";
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	char *end;
	long long v = strtoll(which, &end, 10);
	crm_ctx_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), *which && !*end ? v : -1);
	crm_bind_str(st, crm_param_index(st, ":number"), which);
	int rc = crm_db_row(ctx->db, st, "cannot read order");
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("no such order '%s'", which);
	if (rc)
		return rc;
	r->id = crm_col_int(st, 0);
	r->owner_id = crm_col_int(st, 1);
	snprintf(r->number, sizeof r->number, "%s", crm_col_text(st, 2));
	snprintf(r->status, sizeof r->status, "%s", crm_col_text(st, 3));
	bool seen = crm_col_int(st, 4) != 0;
	crm_stmt_reset(st);
	if (seen)
		return 0;
	crm_warn("permission denied: order '%s' is not visible to '%s'", which, ctx->actor.login);
	return EX_NOPERM;
}

static int set_status(struct crm_ctx *ctx, const struct order *r, const char *status)
{
	char today[11];
	crm_time_date(ctx->now, today);
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE orders SET status = ?1, updated_at = ?2,"
		" fulfilled_on = CASE WHEN ?1 = 'fulfilled' THEN ?3 ELSE fulfilled_on END"
		" WHERE id = ?4");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, status);
	crm_bind_str(st, 2, ctx->now_iso);
	crm_bind_str(st, 3, today);
	crm_bind_int(st, 4, r->id);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update order");
	return strcmp(r->status, status) ? crm_audit_write(ctx->db, "order", r->id, "update",
							   "status", r->status, status) : 0;
}

static int require(const struct order *r, const char *verb, const char *a, const char *b)
{
	if (!strcmp(r->status, a) || (b && !strcmp(r->status, b)))
		return 0;
	crm_warn("order %s is %s: cannot %s (needs %s%s%s)", r->number, r->status, verb, a,
		 b ? " or " : "", b ? b : "");
	return EX_DATAERR;
}

static int store_delivered(struct crm_ctx *ctx, int64_t order, const struct crm_line *l,
			   int64_t was)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE doc_lines SET delivered = ?1 WHERE id = ?2");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, l->delivered);
	crm_bind_int(st, 2, l->id);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update order line");
	char o[CRM_QTY_LEN], n[CRM_QTY_LEN], field[32];
	crm_qty_format(was, o);
	crm_qty_format(l->delivered, n);
	snprintf(field, sizeof field, "line %d delivered", l->line_no);
	return crm_audit_write(ctx->db, "order", order, "deliver", field, o, n);
}

static int deliver(struct crm_ctx *ctx, const char *which, const struct crm_order_pick *p,
		   size_t np, FILE *out)
{
	struct order r;
	struct crm_line *l = NULL;
	size_t nl = 0;
	int st;
	if ((st = find(ctx, which, &r)) || (st = crm_ctx_may_change(ctx, r.owner_id, "this order")) ||
	    (st = require(&r, "deliver", "open", "partial")) ||
	    (st = crm_lines_load(ctx->db, "order", r.id, &l, &nl)))
		return st;
	int64_t *add = crm_xcalloc(nl ? nl : 1, sizeof *add);
	for (size_t i = 0; i < np && !st; i++) {
		if (p[i].line_no > (int)nl) {
			crm_warn("order %s has no line %d", r.number, p[i].line_no);
			st = EX_DATAERR;
		} else {
			add[p[i].line_no - 1] += p[i].qty;
		}
	}
	size_t done = 0;
	for (size_t i = 0; i < nl && !st; i++) {
		int64_t was = l[i].delivered, more = np ? add[i] : l[i].qty - was;
		if (was + more > l[i].qty) {
			char a[CRM_QTY_LEN], q[CRM_QTY_LEN], d[CRM_QTY_LEN];
			crm_qty_format(more, a);
			crm_qty_format(l[i].qty, q);
			crm_qty_format(was, d);
			crm_warn("order %s line %d: delivering %s more would exceed its quantity %s"
				 " (%s delivered)", r.number, l[i].line_no, a, q, d);
			st = EX_DATAERR;
			break;
		}
		l[i].delivered = was + more;
		if (more)
			st = store_delivered(ctx, r.id, &l[i], was);
		done += l[i].delivered == l[i].qty;
	}
	if (!st)
		st = set_status(ctx, &r, done == nl ? "fulfilled" : "partial");
	free(add);
	crm_lines_free(l, nl);
	return st ? st : print_one(ctx, r.id, out);
}

int crm_order_deliver(struct crm_ctx *ctx, const char *which, const struct crm_order_pick *p,
		      size_t n, FILE *out)
{
	int st = crm_db_begin(ctx->db);
	return st ? st : crm_ctx_end(ctx, deliver(ctx, which, p, n, out));
}

static int cancel(struct crm_ctx *ctx, const char *which, FILE *out)
{
	struct order r;
	int st;
	if ((st = find(ctx, which, &r)) || (st = crm_ctx_may_change(ctx, r.owner_id, "this order")) ||
	    (st = require(&r, "cancel", "open", NULL)) || (st = set_status(ctx, &r, "cancelled")))
		return st;
	return print_one(ctx, r.id, out);
}

int crm_order_cancel(struct crm_ctx *ctx, const char *which, FILE *out)
{
	int st = crm_db_begin(ctx->db);
	return st ? st : crm_ctx_end(ctx, cancel(ctx, which, out));
}

/* ---- reading ---- */

int crm_order_list(struct crm_ctx *ctx, const struct crm_order_filter *f, FILE *out)
{
	static const char filter[] =
		"%s WHERE " ORDER_SEEN
		" AND (CAST(:status AS TEXT) IS NULL OR o.status = :status)"
		" AND (CAST(:owner AS BIGINT) IS NULL OR o.owner_id = :owner)"
		" AND (CAST(:contract AS BIGINT) IS NULL OR o.contract_id = :contract)"
		" ORDER BY o.id";
	static const char *const statuses[] = {"open", "partial", "fulfilled", "cancelled", NULL};
	static char *q;
	int64_t owner = 0, contract = 0;
	int st;
	bool known = !f->status;
	for (size_t i = 0; f->status && statuses[i]; i++)
		known |= !strcmp(f->status, statuses[i]);
	if (!known) {
		crm_warn("unknown status '%s'", f->status);
		return EX_USAGE;
	}
	if ((f->owner && (st = crm_ctx_filter_user(ctx, f->owner, &owner))) ||
	    (f->contract && (st = crm_contract_find(ctx, f->contract, &contract))))
		return st;
	if (!q)
		q = crm_xasprintf(filter, summary_sql);
	struct crm_stmt *s;
	if (crm_db_prepare(ctx->db, q, &s) != CRM_OK)
		return crm_db_fail(ctx->db, "cannot list orders");
	crm_ctx_bind_actor(ctx, s);
	crm_bind_text(s, crm_param_index(s, ":status"), f->status);
	crm_bind_id(s, crm_param_index(s, ":owner"), owner);
	crm_bind_id(s, crm_param_index(s, ":contract"), contract);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	int rc;
	summary_rows(s, o, &rc);
	crm_stmt_finish(s);
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list orders");
}

int crm_order_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o)
{
	static const char filter[] = "%s WHERE o.account_id = ?1 ORDER BY o.id";
	static char *q;
	if (!q)
		q = crm_xasprintf(filter, summary_sql);
	struct crm_stmt *s;
	if (crm_db_prepare(ctx->db, q, &s) != CRM_OK)
		return crm_db_fail(ctx->db, "cannot list orders");
	crm_bind_int(s, 1, account_id);
	int rc;
	summary_rows(s, o, &rc);
	crm_stmt_finish(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list orders");
}

int crm_order_show(struct crm_ctx *ctx, const char *which, FILE *out)
{
	struct order r;
	struct crm_line *l;
	size_t n;
	int st;
	if ((st = find(ctx, which, &r)) || (st = crm_lines_load(ctx->db, "order", r.id, &l, &n)))
		return st;
	bool table = ctx->opts->format == CRM_FMT_TABLE;
	if (!table)
		fputs("# order\n", out);
	st = print_one(ctx, r.id, out);
	fputs(table ? "\nlines\n" : "\n# lines\n", out);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_lines_header(o);
	for (size_t i = 0; i < n; i++)
		crm_lines_row(o, &l[i]);
	crm_out_end(o);
	/* a section of its own: lines.h's columns are the same for every document */
	fputs(table ? "\ndelivery\n" : "\n# delivery\n", out);
	o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, "line", CRM_COL_NUM);
	crm_out_col(o, "qty", CRM_COL_NUM);
	crm_out_col(o, "delivered", CRM_COL_NUM);
	crm_out_col(o, "to_deliver", CRM_COL_NUM);
	for (size_t i = 0; i < n; i++) {
		char no[24], q[CRM_QTY_LEN], d[CRM_QTY_LEN], left[CRM_QTY_LEN] = "0";
		snprintf(no, sizeof no, "%d", l[i].line_no);
		crm_qty_format(l[i].qty, q);
		crm_qty_format(l[i].delivered, d);
		if (l[i].qty > l[i].delivered)
			crm_qty_format(l[i].qty - l[i].delivered, left);
		const char *f[] = {no, q, d, left};
		crm_out_row(o, f);
	}
	crm_out_end(o);
	crm_lines_free(l, n);
	return st;
}
