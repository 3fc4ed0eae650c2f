/* contract.c: see contract.h.  Finding and loading contracts, the status
 * helpers the flow shares, new (from a won deal or an accepted quote) and
 * update of a draft. */
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
#include "record.h"
#include "utf8.h"

#define TEXT_MAX 200		/* bytes of number, title, parties */
#define TERMS_MAX 10000

static void copy(char *dst, size_t n, const char *s)
{
	snprintf(dst, n, "%s", s ? s : "");
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

/* The contract by id (when digits) else by number: 0; 1 after "no such
 * contract" when there is none; 77 after "not visible" when there is one
 * the actor may not see, unless any (the caller has a rule of its own). */
static int lookup_in(struct crm_ctx *ctx, const char *which, bool any, int64_t *id)
{
	static const char sql[] =
		"SELECT c.id, CASE WHEN " CRM_SQL_CONTRACT_SEEN("c") " THEN 1 ELSE 0 END"
		" FROM contracts c WHERE c.id = :id OR c.number = :number"
		" ORDER BY CASE WHEN c.id = :id THEN 0 ELSE 1 END LIMIT 1";
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), all_digits(which) && strlen(which) < 19
		     ? strtoll(which, NULL, 10) : -1);
	crm_bind_str(st, crm_param_index(st, ":number"), which);
	int rc = crm_db_row(ctx->db, st, "cannot find contract");
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("no such contract '%s'", which);
	if (rc)
		return rc;
	*id = crm_col_int(st, 0);
	bool seen = crm_col_int(st, 1) != 0;
	crm_stmt_reset(st);
	if (seen || any)
		return 0;
	crm_warn("permission denied: contract '%s' is not visible to '%s'", which, ctx->actor.login);
	return EX_NOPERM;
}

static int lookup(struct crm_ctx *ctx, const char *which, int64_t *id)
{
	return lookup_in(ctx, which, false, id);
}

int crm_contract_find(struct crm_ctx *ctx, const char *number_or_id, int64_t *id)
{
	return lookup(ctx, number_or_id, id);
}

static const char load_sql[] =
	"SELECT c.id, c.amount, coalesce(c.owner_id, 0), coalesce(c.account_id, 0), c.status,"
	" c.currency, coalesce(c.start_date, ''), coalesce(c.signed_on, ''), c.created_at,"
	" c.number, coalesce(c.deal_id, 0), c.approval_round, coalesce(c.end_date, ''),"
	" CASE WHEN " CRM_SQL_VISIBLE_OWNED("c.owner_id") " THEN 1 ELSE 0 END"
	" FROM contracts c WHERE c.id = :id";

static int load(struct crm_ctx *ctx, int64_t id, struct crm_contract *c)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, load_sql);
	if (!st)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), id);
	int rc = crm_db_row(ctx->db, st, "cannot read contract");
	if (rc)
		return rc;
	memset(c, 0, sizeof *c);
	c->b.id = crm_col_int(st, 0);
	c->b.amount = crm_col_int(st, 1);
	c->b.owner_id = crm_col_int(st, 2);
	c->b.account_id = crm_col_int(st, 3);
	copy(c->b.status, sizeof c->b.status, crm_col_text(st, 4));
	copy(c->b.currency, sizeof c->b.currency, crm_col_text(st, 5));
	copy(c->b.start_date, sizeof c->b.start_date, crm_col_text(st, 6));
	copy(c->b.signed_on, sizeof c->b.signed_on, crm_col_text(st, 7));
	copy(c->b.created_at, sizeof c->b.created_at, crm_col_text(st, 8));
	copy(c->number, sizeof c->number, crm_col_text(st, 9));
	c->deal_id = crm_col_int(st, 10);
	c->round = (int)crm_col_int(st, 11);
	copy(c->end_date, sizeof c->end_date, crm_col_text(st, 12));
	c->owned = crm_col_int(st, 13) != 0;
	crm_stmt_reset(st);
	return 0;
}

int crm_contract_get(struct crm_ctx *ctx, const char *which, struct crm_contract *c)
{
	int64_t id;
	int st = lookup(ctx, which, &id);
	return st ? st : load(ctx, id, c);
}

int crm_contract_get_any(struct crm_ctx *ctx, const char *which, struct crm_contract *c)
{
	int64_t id;
	int st = lookup_in(ctx, which, true, &id);
	return st ? st : load(ctx, id, c);
}

int crm_contract_require_owner(struct crm_ctx *ctx, const struct crm_contract *c)
{
	if (c->owned)
		return 0;
	crm_warn("permission denied: '%s' may not change contract %s", ctx->actor.login, c->number);
	return EX_NOPERM;
}

int crm_contract_require_status(const struct crm_contract *c, const char *verb,
				const char *const *ok)
{
	char want[96] = "";
	for (size_t i = 0; ok[i]; i++) {
		if (!strcmp(c->b.status, ok[i]))
			return 0;
		size_t n = strlen(want);
		snprintf(want + n, sizeof want - n, "%s%s", i ? (ok[i + 1] ? ", " : " or ") : "", ok[i]);
	}
	crm_warn("contract %s is %s: cannot %s (needs %s)", c->number, c->b.status, verb, want);
	return EX_DATAERR;
}

int crm_contract_set_status(struct crm_ctx *ctx, const struct crm_contract *c,
			    const char *status, const char *action)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE contracts SET status = ?1, updated_at = ?2 WHERE id = ?3");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, status);
	crm_bind_str(st, 2, ctx->now_iso);
	crm_bind_int(st, 3, c->b.id);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update contract");
	return crm_audit_write(ctx->db, "contract", c->b.id, action, "status", c->b.status, status);
}

int crm_contract_date(struct crm_ctx *ctx, const char *s, const char *what, char out[11])
{
	crm_time t;
	if (crm_time_parse(s, ctx->now, &t) != 0) {
		crm_warn("invalid %s '%s'", what, s);
		return EX_DATAERR;
	}
	crm_time_date(t, out);
	return 0;
}

/* ---- new and update ---- */

/* The values of a contract being made or changed. */
struct values {
	char *number, *title, *party_a, *party_b, *currency, *terms;
	char start[11], end[11];
	int64_t amount;
};

static void values_free(struct values *v)
{
	free(v->number);
	free(v->title);
	free(v->party_a);
	free(v->party_b);
	free(v->currency);
	free(v->terms);
}

static int text_value(const char *given, const char *what, size_t max, char **dst)
{
	if (!given)
		return 0;
	if (!crm_utf8_valid(given, strlen(given), NULL)) {
		crm_warn("invalid UTF-8 in %s", what);
		return EX_DATAERR;
	}
	if (strlen(given) > max) {
		crm_warn("%s too long (%zu bytes, at most %zu)", what, strlen(given), max);
		return EX_DATAERR;
	}
	free(*dst);
	*dst = *given ? crm_xstrdup(given) : NULL;
	return 0;
}

/* Put the given values over v, checking each. */
static int take_input(struct crm_ctx *ctx, const struct crm_contract_input *in, struct values *v)
{
	int st;
	const char *why;
	if ((st = text_value(in->number, "number", 64, &v->number)) ||
	    (st = text_value(in->title, "title", TEXT_MAX, &v->title)) ||
	    (st = text_value(in->party_a, "party_a", TEXT_MAX, &v->party_a)) ||
	    (st = text_value(in->party_b, "party_b", TEXT_MAX, &v->party_b)) ||
	    (st = text_value(in->terms, "terms", TERMS_MAX, &v->terms)) ||
	    (st = text_value(in->currency, "currency", 7, &v->currency)))
		return st;
	if (in->number && !*in->number) {
		crm_warn("invalid number ''");
		return EX_DATAERR;
	}
	if (in->amount && crm_money_amount(in->amount, &v->amount, &why)) {
		crm_warn("%s '%s'", why, in->amount);
		return EX_DATAERR;
	}
	if (in->start_date && (*in->start_date ? crm_contract_date(ctx, in->start_date,
				"start date", v->start) : (*v->start = '\0', 0)))
		return EX_DATAERR;
	if (in->end_date && (*in->end_date ? crm_contract_date(ctx, in->end_date, "end date",
				v->end) : (*v->end = '\0', 0)))
		return EX_DATAERR;
	if (*v->start && *v->end && strcmp(v->end, v->start) < 0) {
		crm_warn("end date %s is before start date %s", v->end, v->start);
		return EX_DATAERR;
	}
	if (!v->currency)
		v->currency = crm_xstrdup(ctx->cfg->currency ? ctx->cfg->currency : "CNY");
	return 0;
}

static int number_taken(struct crm_ctx *ctx, const char *number, int64_t self, bool *taken)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT 1 FROM contracts WHERE number = ?1 AND id <> ?2");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, number);
	crm_bind_int(st, 2, self);
	int rc = crm_step(st);
	crm_stmt_reset(st);
	if (rc != CRM_ROW && rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read contracts");
	*taken = rc == CRM_ROW;
	return 0;
}

/* C-000001 on from the count of contracts, past any number taken. */
static int next_number(struct crm_ctx *ctx, char **out)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT count(*) FROM contracts");
	if (!st)
		return EX_SOFTWARE;
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read contracts");
	int64_t n = crm_col_int(st, 0);
	crm_stmt_reset(st);
	for (;;) {
		char buf[32];
		bool taken;
		int rc;
		snprintf(buf, sizeof buf, "C-%06lld", (long long)++n);
		if ((rc = number_taken(ctx, buf, 0, &taken)))
			return rc;
		if (!taken) {
			*out = crm_xstrdup(buf);
			return 0;
		}
	}
}

/* Where a new contract comes from. */
struct origin {
	int64_t deal_id, quote_id, account_id, owner_id;
	char *deal_title, *account_name, *currency, *terms;
	int64_t amount;
	bool has_amount;
};

static void origin_free(struct origin *g)
{
	free(g->deal_title);
	free(g->account_name);
	free(g->currency);
	free(g->terms);
}

static int parse_ref(const char *what, const char *s, int64_t *id)
{
	return crm_id_parse(what, s, id);
}

static int load_quote(struct crm_ctx *ctx, int64_t id, struct origin *g)
{
	static const char sql[] =
		"SELECT q.status, q.deal_id, coalesce(q.account_id, d.account_id, 0), q.currency,"
		" q.total, coalesce(d.owner_id, q.owner_id, 0), q.terms"
		" FROM quotes q JOIN deals d ON d.id = q.deal_id"
		" WHERE q.id = :id AND " CRM_SQL_VISIBLE_OWNED("q.owner_id");
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), id);
	int rc = crm_db_row(ctx->db, st, "cannot read quote");
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("no such quote %lld", (long long)id);
	if (rc)
		return rc;
	if (strcmp(crm_col_text(st, 0), "accepted")) {
		crm_warn("quote %lld is %s, not accepted", (long long)id, crm_col_text(st, 0));
		crm_stmt_reset(st);
		return EX_DATAERR;
	}
	g->quote_id = id;
	g->deal_id = crm_col_int(st, 1);
	g->account_id = crm_col_int(st, 2);
	free(g->currency);	/* the quote's currency wins over its deal's */
	g->currency = crm_xstrdup(crm_col_text(st, 3));
	g->amount = crm_col_int(st, 4);
	g->has_amount = true;
	g->owner_id = crm_col_int(st, 5);
	if (crm_col_str(st, 6))
		g->terms = crm_xstrdup(crm_col_str(st, 6));
	crm_stmt_reset(st);
	return 0;
}

/* The deal (won, seen), its title, account and owner; for a contract
 * from the deal alone, its latest accepted quote if any. */
static int load_deal(struct crm_ctx *ctx, int64_t id, bool alone, struct origin *g)
{
	static const char sql[] =
		"SELECT d.status, d.title, coalesce(d.account_id, 0), coalesce(d.owner_id, 0),"
		" d.currency, d.amount, coalesce(a.name, ''),"
		" (SELECT q.id FROM quotes q WHERE q.deal_id = d.id AND q.status = 'accepted'"
		"  ORDER BY q.decided_at DESC NULLS LAST, q.id DESC LIMIT 1)"
		" FROM deals d LEFT JOIN accounts a ON a.id = d.account_id"
		" WHERE d.id = :id AND " CRM_SQL_VISIBLE_OWNED("d.owner_id");
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), id);
	int rc = crm_db_row(ctx->db, st, "cannot read deal");
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("no such deal %lld", (long long)id);
	if (rc)
		return rc;
	if (strcmp(crm_col_text(st, 0), "won")) {
		crm_warn("deal %lld is %s, not won", (long long)id, crm_col_text(st, 0));
		crm_stmt_reset(st);
		return EX_DATAERR;
	}
	g->deal_id = id;
	g->deal_title = crm_xstrdup(crm_col_text(st, 1));
	if (!g->account_id)
		g->account_id = crm_col_int(st, 2);
	g->owner_id = crm_col_int(st, 3);
	if (!g->currency && crm_col_str(st, 4))
		g->currency = crm_xstrdup(crm_col_str(st, 4));
	if (!g->has_amount)
		g->amount = crm_col_int(st, 5);
	g->account_name = crm_xstrdup(crm_col_text(st, 6));
	int64_t quote = crm_col_null(st, 7) ? 0 : crm_col_int(st, 7);
	crm_stmt_reset(st);
	return alone && quote ? load_quote(ctx, quote, g) : 0;
}

static int load_origin(struct crm_ctx *ctx, const struct crm_contract_input *in,
		       struct origin *g)
{
	int64_t id;
	int st;
	if (in->quote) {
		if ((st = parse_ref("quote", in->quote, &id)) || (st = load_quote(ctx, id, g)))
			return st;
		return load_deal(ctx, g->deal_id, false, g);
	}
	if ((st = parse_ref("deal", in->deal, &id)) || (st = load_deal(ctx, id, true, g)))
		return st;
	return 0;
}

static const char insert_sql[] =
	"INSERT INTO contracts (number, title, deal_id, quote_id, account_id, party_a, party_b,"
	" amount, currency, start_date, end_date, terms, owner_id, created_at, updated_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?14)";

static int insert(struct crm_ctx *ctx, const struct origin *g, const struct values *v,
		  int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, insert_sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, v->number);
	crm_bind_text(st, 2, v->title);
	crm_bind_id(st, 3, g->deal_id);
	crm_bind_id(st, 4, g->quote_id);
	crm_bind_id(st, 5, g->account_id);
	crm_bind_text(st, 6, v->party_a);
	crm_bind_text(st, 7, v->party_b);
	crm_bind_int(st, 8, v->amount);
	crm_bind_str(st, 9, v->currency);
	crm_bind_text(st, 10, v->start);
	crm_bind_text(st, 11, v->end);
	crm_bind_text(st, 12, v->terms);
	crm_bind_id(st, 13, g->owner_id ? g->owner_id : ctx->actor.id);
	crm_bind_str(st, 14, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot insert contract");
	*id = crm_db_last_id(ctx->db);
	return 0;
}

/* The audit rows of the values of contract id that differ from old's
 * (old NULL: a new contract, every value given). */
static int audit_values(struct crm_ctx *ctx, int64_t id, const char *action,
			const struct values *old, const struct values *v)
{
	char am[CRM_MONEY_LEN], oam[CRM_MONEY_LEN];
	crm_money_format(v->amount, am);
	if (old)
		crm_money_format(old->amount, oam);
	const char *names[] = {"number", "title", "party_a", "party_b", "amount", "currency",
			       "start_date", "end_date", "terms"};
	const char *now[] = {v->number, v->title, v->party_a, v->party_b, am, v->currency,
			     v->start, v->end, v->terms};
	const char *was[] = {old ? old->number : NULL, old ? old->title : NULL,
			     old ? old->party_a : NULL, old ? old->party_b : NULL,
			     old ? oam : NULL, old ? old->currency : NULL,
			     old ? old->start : NULL, old ? old->end : NULL,
			     old ? old->terms : NULL};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		const char *n = now[i] && *now[i] ? now[i] : NULL;
		const char *o = was[i] && *was[i] ? was[i] : NULL;
		if ((!n && !o) || (n && o && !strcmp(n, o)))
			continue;
		int st = crm_audit_write(ctx->db, "contract", id, action, names[i], o, n);
		if (st)
			return st;
	}
	return 0;
}

/* The quote's lines, copied with the line they came from. */
static int copy_lines(struct crm_ctx *ctx, int64_t quote_id, int64_t contract_id)
{
	struct crm_line *l;
	size_t n;
	int st = crm_lines_load(ctx->db, "quote", quote_id, &l, &n);
	if (st)
		return st;
	for (size_t i = 0; i < n; i++) {
		l[i].source_line = l[i].id;
		l[i].delivered = 0;
	}
	st = n ? crm_lines_insert(ctx->db, "contract", contract_id, l, n) : 0;
	crm_lines_free(l, n);
	return st;
}

static int print_made(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	if (!out)
		return 0;
	struct crm_contract c;
	int st = load(ctx, id, &c);
	if (st)
		return st;
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	char am[CRM_MONEY_LEN], sid[24];
	crm_money_format(c.b.amount, am);
	snprintf(sid, sizeof sid, "%lld", (long long)id);
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_col(o, "number", CRM_COL_TEXT);
	crm_out_col(o, "status", CRM_COL_TEXT);
	crm_out_col(o, "amount", CRM_COL_MONEY);
	crm_out_col(o, "currency", CRM_COL_TEXT);
	const char *f[] = {sid, c.number, c.b.status, am, c.b.currency};
	crm_out_row(o, f);
	crm_out_end(o);
	return 0;
}

static int make(struct crm_ctx *ctx, const struct crm_contract_input *in, FILE *out)
{
	struct origin g = {0};
	struct values v = {0};
	int64_t id = 0;
	bool taken = false;
	int st = load_origin(ctx, in, &g);
	if (!st && g.quote_id && in->amount) {
		crm_warn("--amount does not go with an accepted quote: the amount is quote %lld's"
			 " total", (long long)g.quote_id);
		st = EX_USAGE;
	}
	if (!st) {
		v.amount = g.amount;
		v.title = g.deal_title ? crm_xstrdup(g.deal_title) : NULL;
		v.party_a = g.account_name && *g.account_name ? crm_xstrdup(g.account_name) : NULL;
		v.party_b = ctx->cfg->sales.company ? crm_xstrdup(ctx->cfg->sales.company) : NULL;
		v.terms = g.terms ? crm_xstrdup(g.terms) : NULL;
		v.currency = g.currency && *g.currency ? crm_xstrdup(g.currency) : NULL;
		st = take_input(ctx, in, &v);
	}
	if (!st && v.number && !(st = number_taken(ctx, v.number, 0, &taken)) && taken) {
		crm_warn("contract number '%s' is taken", v.number);
		st = EX_DATAERR;
	}
	if (!st && !v.number)
		st = next_number(ctx, &v.number);
	if (!st && !(st = insert(ctx, &g, &v, &id)) &&
	    !(st = audit_values(ctx, id, "create", NULL, &v)) &&
	    !(st = crm_audit_write(ctx->db, "contract", id, "create", "status", NULL, "draft")) &&
	    g.quote_id)
		st = copy_lines(ctx, g.quote_id, id);
	if (!st)
		st = print_made(ctx, id, out);
	origin_free(&g);
	values_free(&v);
	return st;
}

int crm_contract_new(struct crm_ctx *ctx, const struct crm_contract_input *in, FILE *out)
{
	if (!in->deal == !in->quote) {
		crm_warn("new needs one of --deal and --quote");
		return EX_USAGE;
	}
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	return crm_ctx_end(ctx, make(ctx, in, out));
}

static int load_values(struct crm_ctx *ctx, int64_t id, struct values *v)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT number, title, party_a, party_b, amount, currency, coalesce(start_date, ''),"
		" coalesce(end_date, ''), terms FROM contracts WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read contract");
	char **t[] = {&v->number, &v->title, &v->party_a, &v->party_b};
	for (int i = 0; i < 4; i++)
		*t[i] = crm_col_str(st, i) ? crm_xstrdup(crm_col_str(st, i)) : NULL;
	v->amount = crm_col_int(st, 4);
	v->currency = crm_xstrdup(crm_col_text(st, 5));
	copy(v->start, sizeof v->start, crm_col_text(st, 6));
	copy(v->end, sizeof v->end, crm_col_text(st, 7));
	v->terms = crm_col_str(st, 8) ? crm_xstrdup(crm_col_str(st, 8)) : NULL;
	crm_stmt_reset(st);
	return 0;
}

static int store_values(struct crm_ctx *ctx, int64_t id, const struct values *v)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE contracts SET number = ?1, title = ?2, party_a = ?3, party_b = ?4,"
		" amount = ?5, currency = ?6, start_date = ?7, end_date = ?8, terms = ?9,"
		" updated_at = ?10 WHERE id = ?11");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, v->number);
	crm_bind_text(st, 2, v->title);
	crm_bind_text(st, 3, v->party_a);
	crm_bind_text(st, 4, v->party_b);
	crm_bind_int(st, 5, v->amount);
	crm_bind_str(st, 6, v->currency);
	crm_bind_text(st, 7, v->start);
	crm_bind_text(st, 8, v->end);
	crm_bind_text(st, 9, v->terms);
	crm_bind_str(st, 10, ctx->now_iso);
	crm_bind_int(st, 11, id);
	return crm_step(st) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot update contract");
}

static int change(struct crm_ctx *ctx, const char *which, const struct crm_contract_input *in,
		  FILE *out)
{
	static const char *const editable[] = {"draft", "rejected", NULL};
	struct crm_contract c;
	struct values old = {0}, v = {0};
	bool taken = false;
	int st;
	if ((st = crm_contract_get(ctx, which, &c)) || (st = crm_contract_require_owner(ctx, &c)) ||
	    (st = crm_contract_require_status(&c, "update", editable)))
		return st;
	if (!(st = load_values(ctx, c.b.id, &old)) && !(st = load_values(ctx, c.b.id, &v)))
		st = take_input(ctx, in, &v);
	if (!st && in->number && !(st = number_taken(ctx, v.number, c.b.id, &taken)) && taken) {
		crm_warn("contract number '%s' is taken", v.number);
		st = EX_DATAERR;
	}
	if (!st && !(st = store_values(ctx, c.b.id, &v)))
		st = audit_values(ctx, c.b.id, "update", &old, &v);
	if (!st)
		st = print_made(ctx, c.b.id, out);
	values_free(&old);
	values_free(&v);
	return st;
}

int crm_contract_update(struct crm_ctx *ctx, const char *which,
			const struct crm_contract_input *in, FILE *out)
{
	if (in->deal || in->quote) {
		crm_warn("update: --deal and --quote are fixed when a contract is made");
		return EX_USAGE;
	}
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	return crm_ctx_end(ctx, change(ctx, which, in, out));
}
