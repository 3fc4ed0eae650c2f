/* pay_record.c: payments and invoices (crm-pay record, payments,
 * invoice, invoices) and the payments section of the 360-degree view. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "pay_int.h"
#include "record.h"

static int may_write(struct crm_ctx *ctx, const struct crm_contract *c)
{
	char why[PAY_WHY];
	int st = crm_pay_may_write(ctx, c, why);
	if (!st && (st = crm_pay_contract_live(c, why)) == 0)
		return 0;
	crm_warn("%s", why);
	return st;
}

static int past_date(struct crm_ctx *ctx, const char *on, const char *what, char out[CRM_DATE_LEN])
{
	char why[PAY_WHY];
	int st = crm_pay_past_date(ctx, on, what, out, why);
	if (st)
		crm_warn("%s", why);
	return st;
}

/* ---- record ---- */

struct open_set {
	int64_t *id, *seq, *open, *alloc;
	size_t n;
	int64_t total;
};

static void open_free(struct open_set *o)
{
	free(o->id);
	free(o->seq);
	free(o->open);
	free(o->alloc);
}

static int open_load(struct crm_ctx *ctx, int64_t contract, struct open_set *o)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"SELECT id, seq, amount - paid FROM instalments WHERE contract_id = ?1"
		" AND paid < amount ORDER BY due_on, seq");
	int rc;
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, contract);
	while ((rc = crm_step(s)) == CRM_ROW) {
		size_t n = o->n + 1;
		o->id = crm_xrealloc(o->id, n * sizeof *o->id);
		o->seq = crm_xrealloc(o->seq, n * sizeof *o->seq);
		o->open = crm_xrealloc(o->open, n * sizeof *o->open);
		o->id[o->n] = crm_col_int(s, 0);
		o->seq[o->n] = crm_col_int(s, 1);
		o->open[o->n] = crm_col_int(s, 2);
		o->total += o->open[o->n];
		o->n = n;
	}
	o->alloc = crm_xcalloc(o->n ? o->n : 1, sizeof *o->alloc);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read instalments");
}

static int allocate_one(struct crm_ctx *ctx, int64_t payment, const struct open_set *o, size_t i)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"INSERT INTO payment_allocations (payment_id, instalment_id, amount) VALUES (?1, ?2, ?3)");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, payment);
	crm_bind_int(s, 2, o->id[i]);
	crm_bind_int(s, 3, o->alloc[i]);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot allocate payment");
	if (!(s = crm_db_stmt(ctx->db,
		"UPDATE instalments SET paid = paid + ?2 WHERE id = ?1 RETURNING paid - ?2, paid")))
		return EX_SOFTWARE;
	crm_bind_int(s, 1, o->id[i]);
	crm_bind_int(s, 2, o->alloc[i]);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot allocate payment");
	char was[CRM_MONEY_LEN], now[CRM_MONEY_LEN];
	crm_money_format(crm_col_int(s, 0), was);
	crm_money_format(crm_col_int(s, 1), now);
	crm_stmt_reset(s);
	return crm_audit_write(ctx->db, "instalment", o->id[i], "update", "paid", was, now);
}

int crm_pay_payment_write(struct crm_ctx *ctx, const struct crm_contract *c,
			  const struct crm_pay_record_in *in, int64_t amount, const char *on,
			  int64_t *id, char why[PAY_WHY])
{
	struct open_set o = {0};
	int st = open_load(ctx, c->b.id, &o);
	if (!st && amount > o.total) {
		char a[CRM_MONEY_LEN], b[CRM_MONEY_LEN];
		crm_money_format(amount, a);
		crm_money_format(o.total, b);
		snprintf(why, PAY_WHY, "payment %s is more than the open balance %s of contract '%s'",
			 a, b, c->number);
		st = EX_DATAERR;
	}
	struct crm_stmt *s = st ? NULL : crm_db_stmt(ctx->db,
		"INSERT INTO payments (contract_id, paid_on, amount, method, reference, note,"
		" recorded_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!s) {
		open_free(&o);
		return st ? st : EX_SOFTWARE;
	}
	crm_bind_int(s, 1, c->b.id);
	crm_bind_str(s, 2, on);
	crm_bind_int(s, 3, amount);
	crm_bind_text(s, 4, in->method);
	crm_bind_text(s, 5, in->reference);
	crm_bind_text(s, 6, in->note);
	crm_bind_id(s, 7, ctx->actor.id);
	crm_bind_str(s, 8, ctx->now_iso);
	if (crm_step(s) != CRM_DONE) {
		open_free(&o);
		return crm_db_fail(ctx->db, "cannot record payment");
	}
	*id = crm_db_last_id(ctx->db);
	char m[CRM_MONEY_LEN], *what;
	crm_money_format(amount, m);
	what = crm_xasprintf("%s on %s to contract %s", m, on, c->number);
	st = crm_audit_write(ctx->db, "payment", *id, "create", NULL, NULL, what);
	free(what);
	crm_pay_allocate(amount, o.open, o.n, o.alloc);
	for (size_t i = 0; i < o.n && !st; i++)
		if (o.alloc[i])
			st = allocate_one(ctx, *id, &o, i);
	open_free(&o);
	return st;
}

static int print_payment(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"SELECT a.payment_id, c.number, p.paid_on, i.seq, a.amount, i.amount - i.paid"
		" FROM payment_allocations a JOIN payments p ON p.id = a.payment_id"
		" JOIN instalments i ON i.id = a.instalment_id JOIN contracts c ON c.id = p.contract_id"
		" WHERE a.payment_id = ?1 ORDER BY i.due_on, i.seq");
	static const char *const names[] = {
		"payment_id", "contract", "paid_on", "seq", "allocated", "open",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_NUM, CRM_COL_MONEY, CRM_COL_MONEY,
	};
	int rc;
	if (!s)
		return EX_SOFTWARE;
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		crm_out_col(o, names[i], kinds[i]);
	crm_bind_int(s, 1, ids[0]);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char a[CRM_MONEY_LEN], b[CRM_MONEY_LEN];
		crm_money_format(crm_col_int(s, 4), a);
		crm_money_format(crm_col_int(s, 5), b);
		const char *row[] = {
			crm_col_text(s, 0), crm_col_text(s, 1), crm_col_text(s, 2), crm_col_text(s, 3),
			a, b,
		};
		crm_out_row(o, row);
	}
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read payments");
}

int crm_pay_record(struct crm_ctx *ctx, const struct crm_pay_record_in *in, FILE *out)
{
	struct crm_contract c;
	char on[CRM_DATE_LEN], why[PAY_WHY];
	int64_t amount, id = 0;
	int st;
	if ((st = crm_pay_amount_arg(in->amount, &amount)) ||
	    (st = past_date(ctx, in->on, "payment", on)) || (st = crm_db_begin(ctx->db)))
		return st;
	if (!(st = crm_pay_contract(ctx, in->contract, &c)) && !(st = may_write(ctx, &c)) &&
	    (st = crm_pay_payment_write(ctx, &c, in, amount, on, &id, why)) == EX_DATAERR)
		crm_warn("%s", why);
	if (!out || st)
		return crm_ctx_end(ctx, st);
	return crm_ctx_end_print(ctx, st, print_payment, &id, 1, out);
}

/* ---- lists ---- */

struct filter {
	int64_t contract, owner;
	char since[CRM_DATE_LEN], until[CRM_DATE_LEN];
};

static int filter_resolve(struct crm_ctx *ctx, const struct crm_pay_filter *f, struct filter *r)
{
	struct crm_contract c;
	int st = 0;
	memset(r, 0, sizeof *r);
	if (f->contract && !(st = crm_pay_contract(ctx, f->contract, &c)))
		r->contract = c.b.id;
	if (!st && f->owner)
		st = crm_ctx_filter_user(ctx, f->owner, &r->owner);
	if (!st && f->since)
		st = crm_pay_date_arg(ctx, "--since", f->since, r->since);
	if (!st && f->until)
		st = crm_pay_date_arg(ctx, "--until", f->until, r->until);
	return st;
}

#define LIST_WHERE(date) \
	" WHERE " PAY_SQL_VISIBLE \
	" AND (CAST(:contract AS BIGINT) IS NULL OR c.id = :contract)" \
	" AND (CAST(:owner AS BIGINT) IS NULL OR c.owner_id = :owner)" \
	" AND (CAST(:since AS TEXT) IS NULL OR " date " >= :since)" \
	" AND (CAST(:until AS TEXT) IS NULL OR " date " <= :until)"

static int list(struct crm_ctx *ctx, const struct crm_pay_filter *f, struct crm_out *o,
		const char *sql, const char *const *names, const enum crm_col_kind *kinds,
		size_t ncols, int money_col)
{
	struct filter r;
	int st, rc;
	if ((st = filter_resolve(ctx, f, &r)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_pay_bind_actor(ctx, s);
	if (r.contract)
		crm_bind_int(s, crm_param_index(s, ":contract"), r.contract);
	if (r.owner)
		crm_bind_int(s, crm_param_index(s, ":owner"), r.owner);
	crm_bind_named_text(s, ":since", *r.since ? r.since : NULL);
	crm_bind_named_text(s, ":until", *r.until ? r.until : NULL);
	for (size_t i = 0; i < ncols; i++)
		crm_out_col(o, names[i], kinds[i]);
	while ((rc = crm_step(s)) == CRM_ROW) {
		const char *row[16];
		char m[CRM_MONEY_LEN];
		for (size_t i = 0; i < ncols; i++)
			row[i] = crm_col_str(s, (int)i);
		crm_money_format(crm_col_int(s, money_col), m);
		row[money_col] = m;
		crm_out_row(o, row);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read payments");
}

int crm_pay_list(struct crm_ctx *ctx, const struct crm_pay_filter *f, struct crm_out *o)
{
	static const char sql[] =
		"SELECT p.id, c.number, p.paid_on, p.amount, c.currency, p.method, p.reference,"
		" u.login, r.login, p.note FROM payments p JOIN contracts c ON c.id = p.contract_id"
		" LEFT JOIN users u ON u.id = c.owner_id LEFT JOIN users r ON r.id = p.recorded_by"
		LIST_WHERE("p.paid_on") " ORDER BY p.paid_on, p.id";
	static const char *const names[] = {
		"id", "contract", "paid_on", "amount", "currency", "method", "reference", "owner",
		"recorded_by", "note",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_INT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_MONEY, CRM_COL_TEXT, CRM_COL_TEXT,
		CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT,
	};
	return list(ctx, f, o, sql, names, kinds, 10, 3);
}

int crm_pay_invoices(struct crm_ctx *ctx, const struct crm_pay_filter *f, struct crm_out *o)
{
	static const char sql[] =
		"SELECT v.id, c.number, v.number, v.issued_on, v.amount, c.currency, v.kind, u.login,"
		" v.note FROM invoices v JOIN contracts c ON c.id = v.contract_id"
		" LEFT JOIN users u ON u.id = c.owner_id"
		LIST_WHERE("v.issued_on") " ORDER BY v.issued_on, v.id";
	static const char *const names[] = {
		"id", "contract", "number", "issued_on", "amount", "currency", "kind", "owner", "note",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_INT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_MONEY, CRM_COL_TEXT,
		CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT,
	};
	return list(ctx, f, o, sql, names, kinds, 9, 4);
}

/* ---- invoice ---- */

static int invoice_check(struct crm_ctx *ctx, const struct crm_contract *c, const char *number,
			 int64_t amount, char why[PAY_WHY])
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"SELECT (SELECT count(*) FROM invoices WHERE number = ?2),"
		" coalesce((SELECT sum(amount) FROM invoices WHERE contract_id = ?1), 0)");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, c->b.id);
	crm_bind_str(s, 2, number);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read invoices");
	int64_t dup = crm_col_int(s, 0), sum = crm_col_int(s, 1);
	crm_stmt_reset(s);
	if (dup) {
		snprintf(why, PAY_WHY, "invoice '%s' is already recorded", number);
		return EX_DATAERR;
	}
	if (sum + amount > c->b.amount) {
		char t[CRM_MONEY_LEN], a[CRM_MONEY_LEN];
		crm_money_format(sum + amount, t);
		crm_money_format(c->b.amount, a);
		snprintf(why, PAY_WHY, "invoices would total %s, more than the amount %s of contract"
			 " '%s'", t, a, c->number);
		return EX_DATAERR;
	}
	return 0;
}

int crm_pay_invoice_write(struct crm_ctx *ctx, const struct crm_contract *c,
			  const struct crm_pay_invoice_in *in, int64_t amount, const char *on,
			  char why[PAY_WHY])
{
	int st = invoice_check(ctx, c, in->number, amount, why);
	if (st)
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"INSERT INTO invoices (contract_id, number, amount, issued_on, kind, note, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, c->b.id);
	crm_bind_str(s, 2, in->number);
	crm_bind_int(s, 3, amount);
	crm_bind_str(s, 4, on);
	crm_bind_str(s, 5, in->kind ? in->kind : "normal");
	crm_bind_text(s, 6, in->note);
	crm_bind_str(s, 7, ctx->now_iso);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot record invoice");
	char m[CRM_MONEY_LEN], *what;
	crm_money_format(amount, m);
	what = crm_xasprintf("%s %s on %s to contract %s", in->number, m, on, c->number);
	st = crm_audit_write(ctx->db, "invoice", crm_db_last_id(ctx->db), "create", NULL, NULL,
				 what);
	free(what);
	return st;
}

static int print_invoice(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	char arg[24];
	snprintf(arg, sizeof arg, "%lld", (long long)ids[0]);
	struct crm_pay_filter f = { .contract = arg };
	int st = crm_pay_invoices(ctx, &f, o);
	crm_out_end(o);
	return st;
}

int crm_pay_invoice(struct crm_ctx *ctx, const struct crm_pay_invoice_in *in, FILE *out)
{
	struct crm_contract c;
	char on[CRM_DATE_LEN], why[PAY_WHY];
	int64_t amount;
	int st;
	if (in->kind && strcmp(in->kind, "normal") && strcmp(in->kind, "special"))
		return crm_usage_fail("--kind: expected normal or special, not '%s'", in->kind);
	if (!*in->number) {
		crm_warn("empty invoice number");
		return EX_DATAERR;
	}
	if ((st = crm_pay_amount_arg(in->amount, &amount)) ||
	    (st = past_date(ctx, in->on, "invoice", on)) || (st = crm_db_begin(ctx->db)))
		return st;
	if (!(st = crm_pay_contract(ctx, in->contract, &c)) && !(st = may_write(ctx, &c)) &&
	    (st = crm_pay_invoice_write(ctx, &c, in, amount, on, why)) == EX_DATAERR)
		crm_warn("%s", why);
	if (!out || st)
		return crm_ctx_end(ctx, st);
	return crm_ctx_end_print(ctx, st, print_invoice, &c.b.id, 1, out);
}
