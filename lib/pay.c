/* pay.c: instalment plans (crm-pay plan, schedule) and what the pay
 * modules share: the split and allocation rules, dates, the contract a
 * command is about and who may record on it (pay.h, pay_int.h). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "date.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "pay_int.h"
#include "record.h"

int crm_pay_split(int64_t total, const int *bp, size_t n, int64_t *out)
{
	int64_t sum = 0, rest = total;
	for (size_t i = 0; i < n; i++) {
		if (bp[i] < 0)
			return -1;
		sum += bp[i];
	}
	if (sum != 10000 || total < 0 || n == 0)
		return -1;
	for (size_t i = 0; i + 1 < n; i++) {
		/* floor(total * bp / 10000) without overflowing total * bp */
		out[i] = total / 10000 * bp[i] + total % 10000 * bp[i] / 10000;
		rest -= out[i];
	}
	out[n - 1] = rest;
	return 0;
}

int64_t crm_pay_allocate(int64_t amount, const int64_t *open, size_t n, int64_t *alloc)
{
	for (size_t i = 0; i < n; i++) {
		alloc[i] = open[i] > 0 ? (amount < open[i] ? amount : open[i]) : 0;
		amount -= alloc[i];
	}
	return amount;
}


void crm_pay_today(struct crm_ctx *ctx, char out[CRM_DATE_LEN])
{
	crm_time_date(ctx->now, out);
}

static int date_why(struct crm_ctx *ctx, const char *opt, const char *s, char out[CRM_DATE_LEN],
		    char why[PAY_WHY])
{
	int64_t days;
	crm_time t;
	if (crm_date_days(s, &days) == 0) {
		snprintf(out, CRM_DATE_LEN, "%s", s);
		return 0;
	}
	/* a relative form, or an instant: its local date */
	if (strlen(s) != 10 && crm_time_parse(s, ctx->now, &t) == 0) {
		crm_time_date(t, out);
		return 0;
	}
	snprintf(why, PAY_WHY, "invalid date for %s '%s'", opt, s);
	return EX_DATAERR;
}

int crm_pay_date_arg(struct crm_ctx *ctx, const char *opt, const char *s, char out[CRM_DATE_LEN])
{
	char why[PAY_WHY];
	int st = date_why(ctx, opt, s, out, why);
	if (st)
		crm_warn("%s", why);
	return st;
}

int crm_pay_past_date(struct crm_ctx *ctx, const char *on, const char *what,
		      char out[CRM_DATE_LEN], char why[PAY_WHY])
{
	char today[CRM_DATE_LEN];
	crm_pay_today(ctx, today);
	if (!on) {
		memcpy(out, today, CRM_DATE_LEN);
		return 0;
	}
	int st = date_why(ctx, "--on", on, out, why);
	if (!st && strcmp(out, today) > 0) {
		snprintf(why, PAY_WHY, "%s date %s is in the future", what, out);
		st = EX_DATAERR;
	}
	return st;
}

int crm_pay_amount_why(const char *s, int64_t *cents, char why[PAY_WHY])
{
	const char *w;
	if (crm_money_amount(s, cents, &w)) {
		snprintf(why, PAY_WHY, "%s '%s'", w, s);
		return EX_DATAERR;
	}
	if (*cents == 0) {
		snprintf(why, PAY_WHY, "amount must be more than zero '%s'", s);
		return EX_DATAERR;
	}
	return 0;
}

int crm_pay_amount_arg(const char *s, int64_t *cents)
{
	char why[PAY_WHY];
	int st = crm_pay_amount_why(s, cents, why);
	if (st)
		crm_warn("%s", why);
	return st;
}

bool crm_pay_is_recorder(struct crm_ctx *ctx)
{
	const struct crm_sales *s = &ctx->cfg->sales;
	const char *me = ctx->actor.login;
	for (size_t i = 0; me && i < s->npayment_recorders; i++) {
		if (!strcmp(s->payment_recorders[i], me))
			return true;
		const struct crm_approver_group *g =
			crm_config_approver_group(ctx->cfg, s->payment_recorders[i]);
		for (size_t j = 0; g && j < g->nlogins; j++)
			if (!strcmp(g->logins[j], me))
				return true;
	}
	return false;
}

void crm_pay_bind_actor(struct crm_ctx *ctx, struct crm_stmt *st)
{
	crm_ctx_bind_actor(ctx, st);
	int i = crm_param_index(st, ":recorder");
	if (i)
		crm_bind_int(st, i, crm_pay_is_recorder(ctx));
}

int crm_pay_contract(struct crm_ctx *ctx, const char *arg, struct crm_contract *c)
{
	int st = crm_contract_get_any(ctx, arg, c);
	if (st || c->owned || crm_pay_is_recorder(ctx))
		return st;
	crm_warn("permission denied: contract '%s' is not visible to '%s'", arg, ctx->actor.login);
	return EX_NOPERM;
}

int crm_pay_contract_live(const struct crm_contract *c, char why[PAY_WHY])
{
	static const char *const live[] = {"approved", "signed", "active", "completed", NULL};
	for (const char *const *s = live; *s; s++)
		if (!strcmp(c->b.status, *s))
			return 0;
	if (!strcmp(c->b.status, "terminated"))
		snprintf(why, PAY_WHY, "contract '%s' is terminated: it takes no payments or invoices",
			 c->number);
	else
		snprintf(why, PAY_WHY, "contract '%s' is %s: payments and invoices need an approved,"
			 " signed or active contract", c->number, c->b.status);
	return EX_DATAERR;
}

int crm_pay_may_write(struct crm_ctx *ctx, const struct crm_contract *c, char why[PAY_WHY])
{
	if (crm_pay_is_recorder(ctx) || ctx->actor.role == CRM_ROLE_ADMIN ||
	    (c->b.owner_id ? crm_ctx_sees(ctx, c->b.owner_id) : ctx->actor.role == CRM_ROLE_MANAGER))
		return 0;
	snprintf(why, PAY_WHY, "permission denied: '%s' may not change payments of contract '%s'",
		 ctx->actor.login, c->number);
	return EX_NOPERM;
}

void crm_pay_contract_date(struct crm_ctx *ctx, const struct crm_contract *c,
			   char out[CRM_DATE_LEN])
{
	crm_time t;
	if (*c->b.start_date)
		snprintf(out, CRM_DATE_LEN, "%s", c->b.start_date);
	else if (*c->b.signed_on)
		snprintf(out, CRM_DATE_LEN, "%s", c->b.signed_on);
	else if (crm_time_parse_iso(c->b.created_at, &t) == 0)
		crm_time_date(t, out);
	else
		crm_pay_today(ctx, out);
}

/* ---- plan ---- */

struct part {
	char due_on[CRM_DATE_LEN];
	int64_t amount;
};

struct plan {
	struct crm_contract c;
	int64_t order_id, total;
	char base[CRM_DATE_LEN];	/* the date after days count from */
	struct part *parts;
	size_t n;
};

/* Percentages with days after the base date: a template or --split. */
static int plan_percent(struct plan *p, const int *bp, const int *after, size_t n)
{
	int64_t base, *amounts = crm_xcalloc(n, sizeof *amounts);
	if (crm_date_days(p->base, &base))
		base = 0;
	int st = crm_pay_split(p->total, bp, n, amounts);
	p->parts = crm_xcalloc(n, sizeof *p->parts);
	for (size_t i = 0; !st && i < n; i++) {
		p->parts[i].amount = amounts[i];
		crm_date_of_days(base + after[i], p->parts[i].due_on);
	}
	p->n = n;
	free(amounts);
	return st;
}

static int plan_template(struct crm_ctx *ctx, struct plan *p, const char *name)
{
	const struct crm_plan *t = crm_config_plan(ctx->cfg, name);
	if (!t) {
		crm_warn("unknown plan template '%s'", name);
		return EX_DATAERR;
	}
	int *bp = crm_xcalloc(t->nparts, sizeof *bp), *after = crm_xcalloc(t->nparts, sizeof *after);
	for (size_t i = 0; i < t->nparts; i++) {
		bp[i] = t->parts[i].percent;
		after[i] = t->parts[i].after;
	}
	int st = plan_percent(p, bp, after, t->nparts) ? EX_CONFIG : 0;
	free(bp);
	free(after);
	return st;
}

/* "30,60:60,10:90": percent, and days after the base date (default 0). */
static int plan_split(struct plan *p, const char *split)
{
	char *copy = crm_xstrdup(split), *save = NULL;
	int *bp = NULL, *after = NULL, sum = 0, st = 0;
	size_t n = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && !st; tok = strtok_r(NULL, ",", &save)) {
		char *colon = strchr(tok, ':');
		long days = 0;
		int64_t cents;
		if (colon) {
			char *end;
			*colon = '\0';
			days = strtol(colon + 1, &end, 10);
			if (colon[1] == '\0' || *end || days < 0 || days > 36500)
				st = -1;
		}
		size_t len = strlen(tok);
		if (len && tok[len - 1] == '%')
			tok[len - 1] = '\0';
		const char *why;
		if (st || crm_money_amount(tok, &cents, &why) || cents <= 0 || cents > 10000) {
			st = -1;
			break;
		}
		bp = crm_xrealloc(bp, (n + 1) * sizeof *bp);
		after = crm_xrealloc(after, (n + 1) * sizeof *after);
		bp[n] = (int)cents;
		after[n++] = (int)days;
		sum += (int)cents;
	}
	if (st || n == 0) {
		crm_warn("invalid split '%s'", split);
		st = EX_DATAERR;
	} else if (sum != 10000) {
		crm_warn("split '%s' adds up to %d.%02d%%, not 100%%", split, sum / 100, sum % 100);
		st = EX_DATAERR;
	} else {
		st = plan_percent(p, bp, after, n);
	}
	free(copy);
	free(bp);
	free(after);
	return st;
}

/* --due DATE:AMOUNT ..., which must add up to the total. */
static int plan_dates(struct plan *p, const char *const *due, size_t n)
{
	int64_t sum = 0, days;
	p->parts = crm_xcalloc(n, sizeof *p->parts);
	p->n = n;
	for (size_t i = 0; i < n; i++) {
		const char *colon = strchr(due[i], ':');
		size_t len = colon ? (size_t)(colon - due[i]) : 0;
		if (!colon || len != 10) {
			crm_warn("invalid --due '%s': expected DATE:AMOUNT", due[i]);
			return EX_DATAERR;
		}
		memcpy(p->parts[i].due_on, due[i], 10);
		p->parts[i].due_on[10] = '\0';
		if (crm_date_days(p->parts[i].due_on, &days)) {
			crm_warn("invalid date for --due '%s'", p->parts[i].due_on);
			return EX_DATAERR;
		}
		int st = crm_pay_amount_arg(colon + 1, &p->parts[i].amount);
		if (st)
			return st;
		sum += p->parts[i].amount;
	}
	if (sum != p->total) {
		char s[CRM_MONEY_LEN], t[CRM_MONEY_LEN];
		crm_money_format(sum, s);
		crm_money_format(p->total, t);
		crm_warn("instalments add up to %s, not the total %s of contract '%s'", s, t,
			 p->c.number);
		return EX_DATAERR;
	}
	return 0;
}

/* The total the plan divides: the order's with --order, else the contract's. */
static int plan_total(struct crm_ctx *ctx, struct plan *p, const char *order)
{
	p->total = p->c.b.amount;
	if (!order)
		return 0;
	int st = crm_id_parse("order", order, &p->order_id);
	if (st)
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, "SELECT contract_id, total FROM orders WHERE id = ?1");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, p->order_id);
	int rc = crm_step(s);
	int64_t contract = rc == CRM_ROW ? crm_col_int(s, 0) : 0;
	p->total = rc == CRM_ROW ? crm_col_int(s, 1) : 0;
	crm_stmt_reset(s);
	if (rc != CRM_ROW && rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read orders");
	if (contract != p->c.b.id) {
		crm_warn("no such order %s of contract '%s'", order, p->c.number);
		return CRM_EX_NOTFOUND;
	}
	return 0;
}

static int plan_check_dates(struct plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		if (strcmp(p->parts[i].due_on, p->base) < 0) {
			crm_warn("due date %s is before contract '%s' (%s)", p->parts[i].due_on,
				 p->c.number, p->base);
			return EX_DATAERR;
		}
	}
	return 0;
}

/* Drop the plan being replaced (of the order, or the contract's own):
 * refused once a payment is allocated to it. */
static int plan_drop(struct crm_ctx *ctx, struct plan *p, int64_t *next_seq)
{
	static const char paid_sql[] =
		"SELECT count(*), coalesce(sum(CASE WHEN paid > 0 THEN 1 ELSE 0 END), 0),"
		" (SELECT coalesce(max(j.seq), 0) FROM instalments j WHERE j.contract_id = ?1"
		"   AND j.order_id IS DISTINCT FROM ?2)"
		" FROM instalments WHERE contract_id = ?1 AND order_id IS NOT DISTINCT FROM ?2";
	static const char old_sql[] =
		"SELECT id, seq, due_on, amount FROM instalments WHERE contract_id = ?1"
		" AND order_id IS NOT DISTINCT FROM ?2 ORDER BY seq";
	static const char del_sql[] =
		"DELETE FROM instalments WHERE contract_id = ?1 AND order_id IS NOT DISTINCT FROM ?2";
	struct crm_stmt *s = crm_db_stmt(ctx->db, paid_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, p->c.b.id);
	crm_bind_id(s, 2, p->order_id);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read instalments");
	int64_t paid = crm_col_int(s, 1);
	*next_seq = crm_col_int(s, 2) + 1;
	crm_stmt_reset(s);
	if (paid) {
		crm_warn("contract '%s' has payments allocated to its plan: it cannot be replaced",
			 p->c.number);
		return EX_DATAERR;
	}
	if (!(s = crm_db_stmt(ctx->db, old_sql)))
		return EX_SOFTWARE;
	crm_bind_int(s, 1, p->c.b.id);
	crm_bind_id(s, 2, p->order_id);
	int rc, st = 0;
	/* the audit rows come after the read: collect them first */
	char **what = NULL;
	int64_t *ids = NULL;
	size_t n = 0;
	while ((rc = crm_step(s)) == CRM_ROW) {
		char m[CRM_MONEY_LEN];
		crm_money_format(crm_col_int(s, 3), m);
		what = crm_xrealloc(what, (n + 1) * sizeof *what);
		ids = crm_xrealloc(ids, (n + 1) * sizeof *ids);
		ids[n] = crm_col_int(s, 0);
		what[n++] = crm_xasprintf("seq %lld due %s %s", (long long)crm_col_int(s, 1),
					  crm_col_text(s, 2), m);
	}
	if (rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot read instalments");
	for (size_t i = 0; i < n; i++) {
		if (!st)
			st = crm_audit_write(ctx->db, "instalment", ids[i], "delete", NULL, what[i], NULL);
		free(what[i]);
	}
	free(what);
	free(ids);
	if (st || !n)
		return st;
	if (!(s = crm_db_stmt(ctx->db, del_sql)))
		return EX_SOFTWARE;
	crm_bind_int(s, 1, p->c.b.id);
	crm_bind_id(s, 2, p->order_id);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot replace the plan");
	return 0;
}

static int insert_one(struct crm_ctx *ctx, int64_t contract, int64_t order, int64_t seq,
		      const char *due_on, int64_t amount)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"INSERT INTO instalments (contract_id, order_id, seq, due_on, amount, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, contract);
	crm_bind_id(s, 2, order);
	crm_bind_int(s, 3, seq);
	crm_bind_str(s, 4, due_on);
	crm_bind_int(s, 5, amount);
	crm_bind_str(s, 6, ctx->now_iso);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot add instalment");
	char m[CRM_MONEY_LEN], *what;
	crm_money_format(amount, m);
	what = crm_xasprintf("seq %lld due %s %s", (long long)seq, due_on, m);
	int st = crm_audit_write(ctx->db, "instalment", crm_db_last_id(ctx->db), "create", NULL,
				 NULL, what);
	free(what);
	return st;
}

static int plan_insert(struct crm_ctx *ctx, struct plan *p, int64_t seq)
{
	int st = 0;
	for (size_t i = 0; i < p->n && !st; i++)
		if (p->parts[i].amount)	/* not a tiny total's empty remainder */
			st = insert_one(ctx, p->c.b.id, p->order_id, seq++, p->parts[i].due_on,
					p->parts[i].amount);
	return st;
}

int crm_pay_instalment_add(struct crm_ctx *ctx, const struct crm_contract *c, const char *due_on,
			   int64_t amount, char why[PAY_WHY])
{
	char base[CRM_DATE_LEN];
	crm_pay_contract_date(ctx, c, base);
	if (strcmp(due_on, base) < 0) {
		snprintf(why, PAY_WHY, "due date %s is before contract '%s' (%s)", due_on, c->number,
			 base);
		return EX_DATAERR;
	}
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"SELECT coalesce(max(seq), 0) + 1 FROM instalments WHERE contract_id = ?1");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, c->b.id);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read instalments");
	int64_t seq = crm_col_int(s, 0);
	crm_stmt_reset(s);
	return insert_one(ctx, c->b.id, 0, seq, due_on, amount);
}

static int may_write(struct crm_ctx *ctx, const struct crm_contract *c)
{
	char why[PAY_WHY];
	int st = crm_pay_may_write(ctx, c, why);
	if (st)
		crm_warn("%s", why);
	return st;
}

static int plan_build(struct crm_ctx *ctx, struct plan *p, const struct crm_pay_plan_in *in)
{
	int st;
	if ((st = crm_pay_contract(ctx, in->contract, &p->c)) || (st = may_write(ctx, &p->c)) ||
	    (st = plan_total(ctx, p, in->order)))
		return st;
	if (!strcmp(p->c.b.status, "terminated")) {
		crm_warn("contract '%s' is terminated: it takes no payment plan", p->c.number);
		return EX_DATAERR;
	}
	crm_pay_contract_date(ctx, &p->c, p->base);
	if (in->ndue)
		st = plan_dates(p, in->due, in->ndue);
	else if (in->split)
		st = plan_split(p, in->split);
	else
		st = plan_template(ctx, p, in->template_name ? in->template_name
					   : ctx->cfg->sales.default_plan);
	return st ? st : plan_check_dates(p);
}

static int print_schedule(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	char arg[24];
	snprintf(arg, sizeof arg, "%lld", (long long)ids[0]);
	int st = crm_pay_schedule(ctx, arg, o);
	crm_out_end(o);
	return st;
}

int crm_pay_plan(struct crm_ctx *ctx, const struct crm_pay_plan_in *in, FILE *out)
{
	struct plan p = {0};
	int64_t seq = 1;
	int st;
	if (!in->ndue && !in->split && !in->template_name && !ctx->cfg->sales.default_plan)
		return crm_usage_fail("plan needs --template, --split or --due"
				      " (the config names no default_plan)");
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if (!(st = plan_build(ctx, &p, in)) && !(st = plan_drop(ctx, &p, &seq)))
		st = plan_insert(ctx, &p, seq);
	free(p.parts);
	if (!out || st)
		return crm_ctx_end(ctx, st);
	return crm_ctx_end_print(ctx, st, print_schedule, &p.c.b.id, 1, out);
}

/* ---- schedule ---- */

int crm_pay_schedule(struct crm_ctx *ctx, const char *contract, struct crm_out *o)
{
	static const char sql[] =
		"SELECT seq, due_on, amount, paid FROM instalments WHERE contract_id = ?1"
		" ORDER BY due_on, seq";
	static const char *const names[] = {
		"seq", "due_on", "amount", "paid", "open", "status", "days_overdue",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_MONEY, CRM_COL_MONEY, CRM_COL_MONEY, CRM_COL_TEXT,
		CRM_COL_NUM,
	};
	struct crm_contract c;
	char today[CRM_DATE_LEN];
	int64_t now_days, due;
	int st, rc;
	if ((st = crm_pay_contract(ctx, contract, &c)))
		return st;
	crm_pay_today(ctx, today);
	crm_date_days(today, &now_days);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		crm_out_col(o, names[i], kinds[i]);
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, c.b.id);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char seq[24], amount[CRM_MONEY_LEN], paid[CRM_MONEY_LEN], open[CRM_MONEY_LEN], days[24];
		int64_t a = crm_col_int(s, 2), pd = crm_col_int(s, 3);
		int64_t late = crm_date_days(crm_col_text(s, 1), &due) ? 0 : now_days - due;
		snprintf(seq, sizeof seq, "%lld", (long long)crm_col_int(s, 0));
		crm_money_format(a, amount);
		crm_money_format(pd, paid);
		crm_money_format(a - pd, open);
		if (a == pd || late < 0)
			late = 0;
		snprintf(days, sizeof days, "%lld", (long long)late);
		const char *row[] = {
			seq, crm_col_text(s, 1), amount, paid, open,
			a == pd ? "paid" : late > 0 ? "overdue" : "current", days,
		};
		crm_out_row(o, row);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read instalments");
}

int crm_pay_complete_contracts(struct crm_ctx *ctx, FILE *out)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"SELECT c.number FROM contracts c WHERE " PAY_SQL_VISIBLE " ORDER BY c.number");
	int rc;
	if (!s)
		return EX_SOFTWARE;
	crm_pay_bind_actor(ctx, s);
	while ((rc = crm_step(s)) == CRM_ROW)
		fprintf(out, "%s\n", crm_col_text(s, 0));
	return rc == CRM_DONE ? 0 : EX_SOFTWARE;
}
