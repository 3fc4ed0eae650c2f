/* quote.c: a quote's header and its life: create from a deal, list, show,
 * send, accept (the deal's amount through the deal engine), reject,
 * expire, revise, and the approval of a discount above its ceiling. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "deal.h"
#include "err.h"
#include "money.h"
#include "out.h"
#include "product.h"
#include "quote.h"
#include "record.h"

#define QUOTE_COLS \
	"q.id, q.number, q.version, q.deal_id, q.account_id, q.contact_id, q.owner_id, q.status," \
	" q.approval, q.currency, q.valid_until, q.terms, q.net, q.tax, q.total, q.created_at"

static char *dup_or_null(const char *s) { return s ? crm_xstrdup(s) : NULL; }

static void read_quote(struct crm_stmt *s, struct crm_quote *q)
{
	q->id = crm_col_int(s, 0);
	q->number = crm_xstrdup(crm_col_text(s, 1));
	q->version = (int)crm_col_int(s, 2);
	q->deal_id = crm_col_int(s, 3);
	q->account_id = crm_col_int(s, 4);
	q->contact_id = crm_col_int(s, 5);
	q->owner_id = crm_col_int(s, 6);
	q->status = crm_xstrdup(crm_col_text(s, 7));
	q->approval = dup_or_null(crm_col_str(s, 8));
	q->currency = crm_xstrdup(crm_col_text(s, 9));
	q->valid_until = dup_or_null(crm_col_str(s, 10));
	q->terms = dup_or_null(crm_col_str(s, 11));
	q->net = crm_col_int(s, 12);
	q->tax = crm_col_int(s, 13);
	q->total = crm_col_int(s, 14);
	q->created_at = crm_xstrdup(crm_col_text(s, 15));
}

/* Load id whatever the actor sees; 0, 1 (none, unreported) or a status. */
static int load_any(struct crm_ctx *ctx, int64_t id, struct crm_quote *q, bool *visible)
{
	static const char sql[] =
		"SELECT " QUOTE_COLS ", CASE WHEN " CRM_SQL_VISIBLE_OWNED("q.owner_id")
		" THEN 1 ELSE 0 END FROM quotes q WHERE q.id = :id";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	memset(q, 0, sizeof *q);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(ctx, s);
	int rc = crm_step(s);
	if (rc == CRM_ROW) {
		read_quote(s, q);
		*visible = crm_col_int(s, 16) != 0;
	}
	crm_stmt_reset(s);
	if (rc == CRM_ROW)
		return 0;
	return rc == CRM_DONE ? CRM_EX_NOTFOUND : crm_db_fail(ctx->db, "cannot read quote");
}

int crm_quote_load(struct crm_ctx *ctx, int64_t id, struct crm_quote *q)
{
	bool visible = false;
	int st = load_any(ctx, id, q, &visible);
	if (st == CRM_EX_NOTFOUND)
		crm_warn("no such quote %lld", (long long)id);
	else if (!st && !visible) {
		crm_quote_clear(q);
		crm_warn("permission denied: quote %lld is not visible to '%s'", (long long)id,
			 ctx->actor.login);
		return EX_NOPERM;
	}
	return st;
}

void crm_quote_clear(struct crm_quote *q)
{
	free(q->number);
	free(q->status);
	free(q->approval);
	free(q->currency);
	free(q->valid_until);
	free(q->terms);
	free(q->created_at);
	memset(q, 0, sizeof *q);
}

/* Load for a change: visible, and changeable by the actor (a manager of
 * the owner, the owner, an admin). */
static int load_for_change(struct crm_ctx *ctx, int64_t id, struct crm_quote *q)
{
	char what[48];
	int st = crm_quote_load(ctx, id, q);
	if (st)
		return st;
	snprintf(what, sizeof what, "quote %lld", (long long)id);
	if ((st = crm_ctx_may_change(ctx, q->owner_id, what)))
		crm_quote_clear(q);
	return st;
}

static int audit(struct crm_ctx *ctx, int64_t id, const char *action, const char *field,
		 const char *old_value, const char *new_value)
{
	return crm_audit_write(ctx->db, "quote", id, action, field, old_value, new_value);
}

/* status of id from old to to (audited), with the instant column when
 * given (sent_at, decided_at) and the reason. */
static int set_status(struct crm_ctx *ctx, struct crm_quote *q, const char *to, const char *action,
		      const char *reason)
{
	static const char sql[] =
		"UPDATE quotes SET status = ?2, updated_at = ?3,"
		" sent_at = CASE WHEN ?2 = 'sent' THEN ?3 ELSE sent_at END,"
		" decided_at = CASE WHEN ?2 IN ('accepted', 'rejected', 'expired') THEN ?3"
		" ELSE decided_at END, reason = coalesce(?4, reason) WHERE id = ?1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, q->id);
	crm_bind_str(s, 2, to);
	crm_bind_str(s, 3, ctx->now_iso);
	crm_bind_text(s, 4, reason);
	int rc = crm_step(s);
	crm_stmt_reset(s);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update quote");
	int st = audit(ctx, q->id, action, "status", q->status, to);
	if (!st && reason && *reason)
		st = audit(ctx, q->id, action, "reason", NULL, reason);
	return st;
}

/* ---- create ---- */

static int next_number(struct crm_ctx *ctx, char *out, size_t n)
{
	static const char sql[] = "SELECT count(DISTINCT number) FROM quotes";
	static const char taken_sql[] = "SELECT 1 FROM quotes WHERE number = ?1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql), *t = crm_db_stmt(ctx->db, taken_sql);
	if (!s || !t)
		return EX_SOFTWARE;
	int64_t k = crm_step(s) == CRM_ROW ? crm_col_int(s, 0) : 0;
	crm_stmt_reset(s);
	for (;;) {
		snprintf(out, n, "Q-%06lld", (long long)++k);
		crm_bind_str(t, 1, out);
		int rc = crm_step(t);
		crm_stmt_reset(t);
		if (rc == CRM_DONE)
			return 0;
		if (rc != CRM_ROW)
			return crm_db_fail(ctx->db, "cannot number the quote");
	}
}

static int print_ids(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out);

static int valid_date(struct crm_ctx *ctx, const char *s, char out[CRM_DATE_LEN])
{
	crm_time t;
	if (crm_time_parse_future(s, ctx->now, &t)) {
		crm_warn("invalid date for --valid-until '%s'", s);
		return EX_DATAERR;
	}
	crm_time_date(t, out);
	return 0;
}

int crm_quote_create(struct crm_ctx *ctx, const struct crm_quote_new *n, FILE *out)
{
	static const char deal_sql[] =
		"SELECT d.owner_id, d.account_id, d.contact_id, d.currency, d.status FROM deals d"
		" WHERE d.id = :id AND " CRM_SQL_VISIBLE_OWNED("d.owner_id");
	static const char ins_sql[] =
		"INSERT INTO quotes (number, version, deal_id, account_id, contact_id, status, currency,"
		" valid_until, terms, owner_id, created_at, updated_at)"
		" VALUES (?1, 1, ?2, ?3, ?4, 'draft', ?5, ?6, ?7, ?8, ?9, ?9) RETURNING id";
	char number[32], until[CRM_DATE_LEN], what[48];
	int64_t id = 0;
	int st, rc;
	if (n->valid_until) {
		if ((st = valid_date(ctx, n->valid_until, until)))
			return st;
	} else {
		crm_time_date(crm_time_add_days(ctx->now, ctx->cfg->sales.quote_valid_days), until);
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	struct crm_stmt *d = crm_db_stmt(ctx->db, deal_sql);
	if (!d)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_bind_int(d, crm_param_index(d, ":id"), n->deal_id);
	crm_ctx_bind_actor(ctx, d);
	if ((rc = crm_step(d)) != CRM_ROW) {
		crm_stmt_reset(d);
		if (rc != CRM_DONE)
			return crm_ctx_end(ctx, crm_db_fail(ctx->db, "cannot read deal"));
		crm_warn("no such deal %lld", (long long)n->deal_id);
		return crm_ctx_end(ctx, CRM_EX_NOTFOUND);
	}
	int64_t owner = crm_col_int(d, 0), account = crm_col_int(d, 1), contact = crm_col_int(d, 2);
	char *currency = crm_xstrdup(crm_col_str(d, 3) ? crm_col_text(d, 3) : ctx->cfg->currency);
	crm_stmt_reset(d);
	snprintf(what, sizeof what, "deal %lld", (long long)n->deal_id);
	if ((st = crm_ctx_may_change(ctx, owner, what)) || (st = next_number(ctx, number, sizeof number)))
		goto out;
	struct crm_stmt *s = crm_db_stmt(ctx->db, ins_sql);
	if (!s) {
		st = EX_SOFTWARE;
		goto out;
	}
	crm_bind_str(s, 1, number);
	crm_bind_int(s, 2, n->deal_id);
	crm_bind_id(s, 3, account);
	crm_bind_id(s, 4, contact);
	crm_bind_str(s, 5, currency);
	crm_bind_str(s, 6, until);
	crm_bind_text(s, 7, n->terms);
	crm_bind_id(s, 8, owner);
	crm_bind_str(s, 9, ctx->now_iso);
	rc = crm_step(s);
	if (rc == CRM_ROW)
		id = crm_col_int(s, 0);
	crm_stmt_reset(s);
	if (rc != CRM_ROW) {
		st = crm_db_fail(ctx->db, "cannot insert quote");
		goto out;
	}
	char deal[24];
	snprintf(deal, sizeof deal, "%lld", (long long)n->deal_id);
	if (!(st = audit(ctx, id, "create", "number", NULL, number)) &&
	    !(st = audit(ctx, id, "create", "deal", NULL, deal)) &&
	    !(st = audit(ctx, id, "create", "valid_until", NULL, until)) &&
	    n->terms && *n->terms)
		st = audit(ctx, id, "create", "terms", NULL, n->terms);
out:
	free(currency);
	return crm_ctx_end_print(ctx, st, print_ids, &id, 1, out);
}

/* ---- list, show ---- */

static const struct {
	const char *name;
	enum crm_col_kind kind;
} list_cols[] = {
	{"id", CRM_COL_INT}, {"number", CRM_COL_TEXT}, {"version", CRM_COL_NUM},
	{"status", CRM_COL_TEXT}, {"approval", CRM_COL_TEXT}, {"deal", CRM_COL_NUM},
	{"account", CRM_COL_NUM}, {"currency", CRM_COL_TEXT}, {"net", CRM_COL_MONEY},
	{"tax", CRM_COL_MONEY}, {"total", CRM_COL_MONEY}, {"valid_until", CRM_COL_TEXT},
	{"owner", CRM_COL_TEXT},
};
#define NLIST (sizeof list_cols / sizeof list_cols[0])

#define LIST_SQL \
	"SELECT q.id, q.number, q.version, q.status, q.approval, q.deal_id, q.account_id," \
	" q.currency, q.net, q.tax, q.total, q.valid_until, u.login" \
	" FROM quotes q LEFT JOIN users u ON u.id = q.owner_id WHERE " \
	CRM_SQL_VISIBLE_OWNED("q.owner_id")

static void list_row(struct crm_stmt *s, struct crm_out *o)
{
	char m[3][CRM_MONEY_LEN];
	for (int i = 0; i < 3; i++)
		crm_money_format(crm_col_int(s, 8 + i), m[i]);
	const char *row[NLIST] = {
		crm_col_str(s, 0), crm_col_str(s, 1), crm_col_str(s, 2), crm_col_str(s, 3),
		crm_col_str(s, 4), crm_col_str(s, 5), crm_col_str(s, 6), crm_col_str(s, 7),
		m[0], m[1], m[2], crm_col_str(s, 11), crm_col_str(s, 12),
	};
	crm_out_row(o, row);
}

static int run_list(struct crm_ctx *ctx, struct crm_stmt *s, FILE *out)
{
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	int rc;
	for (size_t i = 0; i < NLIST; i++)
		crm_out_col(o, list_cols[i].name, list_cols[i].kind);
	crm_ctx_bind_actor(ctx, s);
	while ((rc = crm_step(s)) == CRM_ROW)
		list_row(s, o);
	crm_stmt_reset(s);
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list quotes");
}

int crm_quote_list(struct crm_ctx *ctx, const struct crm_quote_filter *f, FILE *out)
{
	static const char sql[] = LIST_SQL
		" AND (CAST(:deal AS BIGINT) IS NULL OR q.deal_id = :deal)"
		" AND (CAST(:account AS BIGINT) IS NULL OR q.account_id = :account)"
		" AND (CAST(:status AS TEXT) IS NULL OR q.status = :status)"
		" AND (CAST(:owner AS BIGINT) IS NULL OR q.owner_id = :owner)"
		" ORDER BY q.id";
	static const char *const statuses[] = {
		"draft", "sent", "accepted", "rejected", "expired", "superseded", NULL
	};
	int64_t owner = 0;
	int st;
	if (f->status) {
		int i = 0;
		while (statuses[i] && strcmp(statuses[i], f->status))
			i++;
		if (!statuses[i]) {
			crm_warn("unknown quote status '%s'", f->status);
			return EX_DATAERR;
		}
	}
	if (f->owner && (st = crm_ctx_filter_user(ctx, f->owner, &owner)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_id(s, crm_param_index(s, ":deal"), f->deal);
	crm_bind_id(s, crm_param_index(s, ":account"), f->account);
	crm_bind_text(s, crm_param_index(s, ":status"), f->status);
	crm_bind_id(s, crm_param_index(s, ":owner"), owner);
	return run_list(ctx, s, out);
}

static int print_ids(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	static const char sql[] = LIST_SQL " AND q.id = :id";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, crm_param_index(s, ":id"), ids[0]);
	return run_list(ctx, s, out);
}

int crm_quote_account_section(struct crm_ctx *ctx, int64_t account_id, bool table,
			      struct crm_out *o)
{
	static const char sql[] =
		"SELECT q.id, q.number, q.version, q.status, q.approval, q.currency, q.total,"
		" q.valid_until, u.login FROM quotes q LEFT JOIN users u ON u.id = q.owner_id"
		" WHERE q.account_id = :account AND " CRM_SQL_VISIBLE_OWNED("q.owner_id")
		" ORDER BY q.number, q.version";
	static const char *const names[] = {
		"id", "number", "version", "status", "approval", "currency", "total", "valid_until",
		"owner",
	};
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int rc;
	if (!s)
		return EX_SOFTWARE;
	for (size_t i = 0; i < 9; i++)
		crm_out_col(o, names[i], i == 0 ? CRM_COL_INT : i == 2 ? CRM_COL_NUM
			    : i == 6 ? CRM_COL_MONEY : CRM_COL_TEXT);
	crm_bind_int(s, crm_param_index(s, ":account"), account_id);
	crm_ctx_bind_actor(ctx, s);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char total[CRM_MONEY_LEN];
		crm_money_format(crm_col_int(s, 6), total);
		const char *row[] = {
			crm_col_str(s, 0), crm_col_str(s, 1), crm_col_str(s, 2), crm_col_str(s, 3),
			crm_col_str(s, 4), crm_col_str(s, 5), total, crm_col_str(s, 7), crm_col_str(s, 8),
		};
		crm_out_row(o, row);
	}
	crm_stmt_reset(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the account's quotes");
}

int crm_quote_show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	bool table = ctx->opts->format == CRM_FMT_TABLE;
	bool header = table || !ctx->opts->no_header;
	struct crm_quote q;
	struct crm_line *l = NULL;
	size_t n = 0;
	int st;
	if ((st = crm_quote_load(ctx, id, &q)))
		return st;
	if ((st = crm_lines_load(ctx->db, "quote", id, &l, &n)))
		goto out;
	char *owner = crm_rec_login_of(ctx, q.owner_id);
	char idt[24], ver[16], deal[24], acc[24], con[24], m[3][CRM_MONEY_LEN];
	snprintf(idt, sizeof idt, "%lld", (long long)q.id);
	snprintf(ver, sizeof ver, "%d", q.version);
	snprintf(deal, sizeof deal, "%lld", (long long)q.deal_id);
	snprintf(acc, sizeof acc, "%lld", (long long)q.account_id);
	snprintf(con, sizeof con, "%lld", (long long)q.contact_id);
	crm_money_format(q.net, m[0]);
	crm_money_format(q.tax, m[1]);
	crm_money_format(q.total, m[2]);
	const char *fields[][2] = {
		{"id", idt}, {"number", q.number}, {"version", ver}, {"status", q.status},
		{"approval", q.approval}, {"deal", deal}, {"account", q.account_id ? acc : NULL},
		{"contact", q.contact_id ? con : NULL}, {"currency", q.currency},
		{"valid_until", q.valid_until}, {"terms", q.terms}, {"owner", owner},
		{"created_at", q.created_at},
	};
	fprintf(out, "%s", table ? "" : "# quote\n");
	struct crm_out *o = crm_out_new(out, ctx->opts->format, header);
	crm_out_col(o, "field", CRM_COL_TEXT);
	crm_out_col(o, "value", CRM_COL_TEXT);
	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
		crm_out_row(o, fields[i]);
	crm_out_end(o);
	free(owner);
	fprintf(out, "\n%slines\n", table ? "" : "# ");
	o = crm_out_new(out, ctx->opts->format, header);
	crm_lines_header(o);
	for (size_t i = 0; i < n; i++)
		crm_lines_row(o, &l[i]);
	crm_out_end(o);
	fprintf(out, "\n%stotals\n", table ? "" : "# ");
	o = crm_out_new(out, ctx->opts->format, header);
	crm_out_col(o, "currency", CRM_COL_TEXT);
	crm_out_col(o, "net", CRM_COL_MONEY);
	crm_out_col(o, "tax", CRM_COL_MONEY);
	crm_out_col(o, "total", CRM_COL_MONEY);
	const char *row[] = {q.currency, m[0], m[1], m[2]};
	crm_out_row(o, row);
	crm_out_end(o);
out:
	crm_lines_free(l, n);
	crm_quote_clear(&q);
	return st;
}

/* ---- the life of a quote ---- */

/* Quotes of q's number other than q that are in one of the states of in
 * become superseded, each audited. */
static int supersede_others(struct crm_ctx *ctx, const struct crm_quote *q)
{
	static const char sql[] =
		"UPDATE quotes SET status = 'superseded', updated_at = ?3 WHERE number = ?1"
		" AND id <> ?2 AND status IN ('draft', 'sent') RETURNING id, version";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int64_t ids[64];
	int n = 0, rc, st = 0;
	if (!s)
		return EX_SOFTWARE;
	crm_bind_str(s, 1, q->number);
	crm_bind_int(s, 2, q->id);
	crm_bind_str(s, 3, ctx->now_iso);
	while ((rc = crm_step(s)) == CRM_ROW)
		if (n < 64)
			ids[n++] = crm_col_int(s, 0);
	crm_stmt_reset(s);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot supersede quotes");
	for (int i = 0; i < n && !st; i++)
		st = audit(ctx, ids[i], "supersede", "status", NULL, "superseded");
	return st;
}

/* The deal's amount becomes the quote's total, through the deal engine. */
static int set_deal_amount(struct crm_ctx *ctx, const struct crm_quote *q)
{
	char amount[CRM_MONEY_LEN];
	struct crm_rec *r = crm_rec_new(ctx, &crm_deal_kind);
	crm_money_format(q->total, amount);
	int st = crm_rec_set(r, "amount", amount);
	if (!st)
		st = crm_rec_apply(r, q->deal_id, "update", NULL);
	crm_rec_free(r);
	return st;
}

static const char *today(struct crm_ctx *ctx, char out[CRM_DATE_LEN])
{
	crm_time_date(ctx->now, out);
	return out;
}

static int64_t line_count(struct crm_ctx *ctx, int64_t id)
{
	static const char sql[] = "SELECT count(*) FROM doc_lines WHERE doc = 'quote' AND doc_id = ?1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int64_t n = 0;
	if (!s)
		return 0;
	crm_bind_int(s, 1, id);
	if (crm_step(s) == CRM_ROW)
		n = crm_col_int(s, 0);
	crm_stmt_reset(s);
	return n;
}

static int refuse_state(const struct crm_quote *q, const char *verb, const char *wanted)
{
	crm_warn("quote %lld is %s: only a %s quote can be %s", (long long)q->id, q->status, wanted,
		 verb);
	return EX_DATAERR;
}

int crm_quote_decide(struct crm_ctx *ctx, int64_t id, enum crm_quote_act act, const char *reason,
		     FILE *out)
{
	struct crm_quote q;
	int st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if ((st = load_for_change(ctx, id, &q)))
		return crm_ctx_end(ctx, st);
	switch (act) {
	case CRM_QUOTE_SEND:
		if (strcmp(q.status, "draft")) {
			st = refuse_state(&q, "sent", "draft");
		} else if (q.approval && strcmp(q.approval, "approved")) {
			crm_warn("quote %lld: its discount is %s approval", (long long)id,
				 strcmp(q.approval, "pending") ? "refused" : "waiting for");
			st = EX_DATAERR;
		} else if (!line_count(ctx, id)) {
			crm_warn("quote %lld has no lines", (long long)id);
			st = EX_DATAERR;
		} else if (!(st = set_status(ctx, &q, "sent", "send", NULL))) {
			st = supersede_others(ctx, &q);
		}
		break;
	case CRM_QUOTE_ACCEPT: {
		char day[CRM_DATE_LEN];
		if (strcmp(q.status, "sent"))
			st = refuse_state(&q, "accepted", "sent");
		else if (q.valid_until && strcmp(q.valid_until, today(ctx, day)) < 0) {
			crm_warn("quote %lld was valid until %s", (long long)id, q.valid_until);
			st = EX_DATAERR;
		} else if (!(st = set_status(ctx, &q, "accepted", "accept", NULL)) &&
			   !(st = supersede_others(ctx, &q)))
			st = set_deal_amount(ctx, &q);
		break;
	}
	case CRM_QUOTE_REJECT:
		st = strcmp(q.status, "sent") ? refuse_state(&q, "rejected", "sent")
		     : set_status(ctx, &q, "rejected", "reject", reason);
		break;
	}
	crm_quote_clear(&q);
	return crm_ctx_end_print(ctx, st, print_ids, &id, 1, out);
}

int crm_quote_expire(struct crm_ctx *ctx, FILE *out)
{
	static const char sql[] =
		"UPDATE quotes SET status = 'expired', decided_at = ?2, updated_at = ?2"
		" WHERE status = 'sent' AND valid_until < ?1 AND id IN (SELECT q.id FROM quotes q WHERE "
		CRM_SQL_VISIBLE_OWNED("q.owner_id") ") RETURNING id, number, version, valid_until";
	char day[CRM_DATE_LEN];
	int st, rc;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_bind_str(s, 1, today(ctx, day));
	crm_bind_str(s, 2, ctx->now_iso);
	crm_ctx_bind_actor(ctx, s);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_col(o, "number", CRM_COL_TEXT);
	crm_out_col(o, "version", CRM_COL_NUM);
	crm_out_col(o, "valid_until", CRM_COL_TEXT);
	int64_t *ids = NULL;
	size_t n = 0;
	while ((rc = crm_step(s)) == CRM_ROW) {
		const char *row[] = {crm_col_str(s, 0), crm_col_str(s, 1), crm_col_str(s, 2),
				     crm_col_str(s, 3)};
		ids = crm_xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n++] = crm_col_int(s, 0);
		crm_out_row(o, row);
	}
	crm_stmt_reset(s);
	st = rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot expire quotes");
	for (size_t i = 0; i < n && !st; i++)
		st = audit(ctx, ids[i], "expire", "status", "sent", "expired");
	free(ids);
	crm_out_end(o);
	return crm_ctx_end(ctx, st);
}

int crm_quote_revise(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	static const char sql[] =
		"INSERT INTO quotes (number, version, deal_id, account_id, contact_id, status, approval,"
		" currency, valid_until, terms, notes, owner_id, net, tax, total, created_at, updated_at)"
		" SELECT q.number, (SELECT max(v.version) + 1 FROM quotes v WHERE v.number = q.number),"
		" q.deal_id, q.account_id, q.contact_id, 'draft', NULL, q.currency, ?3, q.terms,"
		" q.notes, q.owner_id, 0, 0, 0, ?2, ?2 FROM quotes q WHERE q.id = ?1 RETURNING id";
	struct crm_quote q, nq;
	struct crm_line *l = NULL;
	size_t n = 0;
	int64_t nid = 0;
	char until[CRM_DATE_LEN], ver[16];
	int st, rc;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if ((st = load_for_change(ctx, id, &q)))
		return crm_ctx_end(ctx, st);
	if (!strcmp(q.status, "accepted") || !strcmp(q.status, "superseded")) {
		crm_warn("quote %lld is %s: revise the latest version", (long long)id, q.status);
		st = EX_DATAERR;
		goto out;
	}
	crm_time_date(crm_time_add_days(ctx->now, ctx->cfg->sales.quote_valid_days), until);
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s) {
		st = EX_SOFTWARE;
		goto out;
	}
	crm_bind_int(s, 1, id);
	crm_bind_str(s, 2, ctx->now_iso);
	crm_bind_str(s, 3, until);
	rc = crm_step(s);
	if (rc == CRM_ROW)
		nid = crm_col_int(s, 0);
	crm_stmt_reset(s);
	if (rc != CRM_ROW) {
		st = crm_db_fail(ctx->db, "cannot revise quote");
		goto out;
	}
	if ((st = crm_lines_load(ctx->db, "quote", id, &l, &n)))
		goto out;
	for (size_t i = 0; i < n; i++)
		l[i].source_line = l[i].id;
	bool visible;
	if ((st = load_any(ctx, nid, &nq, &visible)))
		goto out;
	snprintf(ver, sizeof ver, "%d", nq.version);
	if (!(st = audit(ctx, nid, "revise", "number", NULL, nq.number)) &&
	    !(st = audit(ctx, nid, "revise", "version", NULL, ver)))
		st = crm_quote_store_lines(ctx, &nq, l, n);
	crm_quote_clear(&nq);
out:
	crm_lines_free(l, n);
	crm_quote_clear(&q);
	return crm_ctx_end_print(ctx, st, print_ids, &nid, 1, out);
}

/* ---- lines and totals ---- */

static int update_totals(struct crm_ctx *ctx, struct crm_quote *q, int64_t net, int64_t tax,
			 int64_t total, const char *approval)
{
	static const char sql[] =
		"UPDATE quotes SET net = ?2, tax = ?3, total = ?4, approval = ?5, approved_by = NULL,"
		" updated_at = ?6 WHERE id = ?1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, q->id);
	crm_bind_int(s, 2, net);
	crm_bind_int(s, 3, tax);
	crm_bind_int(s, 4, total);
	crm_bind_text(s, 5, approval);
	crm_bind_str(s, 6, ctx->now_iso);
	int rc = crm_step(s);
	crm_stmt_reset(s);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update quote totals");
	const int64_t was[] = {q->net, q->tax, q->total}, now[] = {net, tax, total};
	static const char *const names[] = {"net", "tax", "total"};
	int st = 0;
	for (int i = 0; i < 3 && !st; i++) {
		char a[CRM_MONEY_LEN], b[CRM_MONEY_LEN];
		if (was[i] == now[i])
			continue;
		crm_money_format(was[i], a);
		crm_money_format(now[i], b);
		st = crm_audit_write(ctx->db, "quote", q->id, "lines", names[i], a, b);
	}
	if (!st && (q->approval ? !approval || strcmp(q->approval, approval) : approval != NULL))
		st = crm_audit_write(ctx->db, "quote", q->id, "lines", "approval", q->approval, approval);
	q->net = net;
	q->tax = tax;
	q->total = total;
	return st;
}

int crm_quote_store_lines(struct crm_ctx *ctx, struct crm_quote *q, struct crm_line *l, size_t n)
{
	int64_t net, tax, total;
	const char *approval = NULL;
	int st;
	for (size_t i = 0; i < n; i++)
		if (l[i].discount > crm_product_ceiling(ctx, l[i].product_id))
			approval = "pending";
	if (crm_lines_sum(l, n, &net, &tax, &total)) {
		crm_warn("quote %lld: its total is out of range", (long long)q->id);
		return EX_DATAERR;
	}
	if ((st = crm_lines_delete(ctx->db, "quote", q->id)) ||
	    (st = crm_lines_insert(ctx->db, "quote", q->id, l, n)))
		return st;
	return update_totals(ctx, q, net, tax, total, approval);
}

/* ---- approval of a discount ---- */

/* Is the actor one of quotes.discount_approvers for a quote of owner? */
static bool is_approver(struct crm_ctx *ctx, int64_t owner)
{
	static const char manager_sql[] =
		"SELECT 1 FROM users u LEFT JOIN teams t ON t.id = u.team_id"
		" WHERE u.id = ?1 AND (u.manager_id = ?2 OR t.manager_id = ?2"
		" OR (u.team_id = ?3 AND ?4 = 1))";
	const struct crm_sales *s = &ctx->cfg->sales;
	const struct crm_actor *a = &ctx->actor;
	if (a->single_user)
		return true;
	for (size_t i = 0; i < s->ndiscount_approvers; i++) {
		const char *spec = s->discount_approvers[i];
		const struct crm_approver_group *g = crm_config_approver_group(ctx->cfg, spec);
		if (!strcmp(spec, "admin") && a->role == CRM_ROLE_ADMIN)
			return true;
		if (!strcmp(spec, "manager") && a->role >= CRM_ROLE_MANAGER && owner != a->id) {
			struct crm_stmt *st = crm_db_stmt(ctx->db, manager_sql);
			if (!st)
				return false;
			crm_bind_int(st, 1, owner);
			crm_bind_int(st, 2, a->id);
			crm_bind_id(st, 3, a->team_id);
			crm_bind_int(st, 4, a->role == CRM_ROLE_MANAGER);
			bool ok = crm_step(st) == CRM_ROW;
			crm_stmt_reset(st);
			if (ok)
				return true;
		}
		if (g) {
			for (size_t j = 0; j < g->nlogins; j++)
				if (!strcmp(g->logins[j], a->login))
					return true;
		} else if (!strcmp(spec, a->login)) {
			return true;
		}
	}
	return false;
}

int crm_quote_approve(struct crm_ctx *ctx, int64_t id, bool approve, const char *comment,
		      FILE *out)
{
	static const char sql[] =
		"UPDATE quotes SET approval = ?2, approved_by = ?3, updated_at = ?4 WHERE id = ?1";
	struct crm_quote q;
	bool visible = false;
	const char *to = approve ? "approved" : "rejected";
	int st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	st = load_any(ctx, id, &q, &visible);
	bool approver = !st && is_approver(ctx, q.owner_id);
	if (st == CRM_EX_NOTFOUND) {
		crm_warn("no such quote %lld", (long long)id);
	} else if (!st && !approver) {
		crm_warn("permission denied: '%s' may not decide the discount of quote %lld",
			 ctx->actor.login, (long long)id);
		st = EX_NOPERM;
	} else if (!st && (!q.approval || strcmp(q.approval, "pending"))) {
		crm_warn("quote %lld has no discount waiting for approval", (long long)id);
		st = EX_DATAERR;
	} else if (!st) {
		struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
		if (!s) {
			st = EX_SOFTWARE;
		} else {
			crm_bind_int(s, 1, id);
			crm_bind_str(s, 2, to);
			crm_bind_id(s, 3, ctx->actor.id);
			crm_bind_str(s, 4, ctx->now_iso);
			int rc = crm_step(s);
			crm_stmt_reset(s);
			st = rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot update quote");
		}
		if (!st)
			st = audit(ctx, id, approve ? "approve" : "refuse", "approval", "pending", to);
		if (!st && comment && *comment)
			st = audit(ctx, id, approve ? "approve" : "refuse", "comment", NULL, comment);
	}
	crm_quote_clear(&q);
	return crm_ctx_end_print(ctx, st, print_ids, &id, 1, out);
}
