/* receivable.c: crm-report ageing, collections and bookings: what the
 * customers owe and when it comes in.  An instalment is open while paid <
 * amount, and counts only on a contract that takes payments (approved,
 * signed, active, completed: not a draft, nor a terminated one).  Days
 * past due are whole local calendar days: an instalment due today is
 * current, one due yesterday is 1 day past due.  Amounts in different
 * currencies are kept apart: every row carries its currency, and a table
 * gets a totals row only when all rows share one. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "date.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "gnuplot.h"
#include "money.h"
#include "pay.h"
#include "record.h"
#include "report.h"

#define LIVE "c.status IN ('approved', 'signed', 'active', 'completed')"
#define FILTERS \
	" AND " CRM_SQL_VISIBLE_OWNED("c.owner_id") \
	" AND (CAST(:owner AS BIGINT) IS NULL OR c.owner_id = :owner)" \
	" AND (CAST(:team AS BIGINT) IS NULL OR c.owner_id IN" \
	" (SELECT tu.id FROM users tu WHERE tu.team_id = :team))"

struct recv {
	struct crm_ctx *ctx;
	const struct crm_report_opts *o;
	int64_t owner, team;
	struct crm_out *out;
	struct crm_plot *plot;
	char currency[8];
	bool mixed;		/* rows in more than one currency */
	size_t plot_end;	/* the columns after are not drawn (a total) */
};

/* Options the receivables reports do not take are refused. */
static int recv_open(struct recv *r, struct crm_ctx *ctx, const struct crm_report_opts *o,
		     const char *name, bool window)
{
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	r->o = o;
	const char *bad = o->source ? "--source" : o->campaign ? "--campaign" : o->region ? "--region"
		: o->pipeline ? "--pipeline" : o->metric ? "--metric" : NULL;
	if (!bad && !window)
		bad = o->since ? "--since" : o->until ? "--until" : NULL;
	if (bad)
		return crm_usage_fail("%s does not apply to %s", bad, name);
	int st = 0;
	if (o->owner)
		st = crm_ctx_filter_user(ctx, o->owner, &r->owner);
	if (!st && o->team)
		st = crm_ctx_filter_team(ctx, o->team, &r->team);
	return st;
}

static void recv_bind(struct recv *r, struct crm_stmt *st)
{
	crm_ctx_bind_actor(r->ctx, st);
	if (r->owner)
		crm_bind_int(st, crm_param_index(st, ":owner"), r->owner);
	if (r->team)
		crm_bind_int(st, crm_param_index(st, ":team"), r->team);
}

static void recv_output(struct recv *r, FILE *fp, const char *title, const char *xlabel,
			const char *const *names, const enum crm_col_kind *kinds, size_t n,
			size_t plot_end)
{
	r->plot_end = plot_end;
	if (r->o->format == CRM_FMT_GNUPLOT) {
		r->plot = crm_plot_new(CRM_PLOT_BARS, title, xlabel, "amount");
		for (size_t i = 2; i < plot_end; i++)
			if (kinds[i] == CRM_COL_MONEY)
				crm_plot_series(r->plot, names[i]);
		return;
	}
	r->out = crm_out_new(fp, r->o->format, r->o->header);
	for (size_t i = 0; i < n; i++)
		crm_out_col(r->out, names[i], kinds[i]);
}

static void recv_row(struct recv *r, const char *const *row, size_t n, const enum crm_col_kind *kinds)
{
	/* row[1] is the currency */
	if (!*r->currency)
		snprintf(r->currency, sizeof r->currency, "%s", row[1]);
	else if (strcmp(r->currency, row[1]))
		r->mixed = true;
	if (r->out) {
		crm_out_row(r->out, row);
		return;
	}
	const char *v[16];
	size_t k = 0;
	for (size_t i = 2; i < r->plot_end; i++)
		if (kinds[i] == CRM_COL_MONEY)
			v[k++] = row[i];
	char *label = strcmp(row[1], r->ctx->cfg->currency) ? crm_xasprintf("%s %s", row[0], row[1])
		: crm_xstrdup(*row[0] ? row[0] : "-");
	crm_plot_row(r->plot, label, v);
	free(label);
}

static int recv_close(struct recv *r, FILE *fp, int st)
{
	if (r->out) {
		if (!st && !r->mixed && *r->currency)
			crm_out_totals(r->out, "total");
		crm_out_end(r->out);
	}
	if (r->plot)
		crm_plot_end(r->plot, fp);
	return st;
}

/* Fill row[first..] with money of columns col.. of st. */
static void money_cells(struct crm_stmt *st, int col, size_t n, char (*buf)[CRM_MONEY_LEN],
			const char **row)
{
	for (size_t i = 0; i < n; i++) {
		crm_money_format(crm_col_int(st, col + (int)i), buf[i]);
		row[i] = buf[i];
	}
}

/* ---- ageing ---- */

#define AGEING(key, join, group) \
	"SELECT " key ", c.currency," \
	" sum(CASE WHEN i.due_on >= :d0 THEN i.amount - i.paid ELSE 0 END)," \
	" sum(CASE WHEN i.due_on < :d0 AND i.due_on >= :d30 THEN i.amount - i.paid ELSE 0 END)," \
	" sum(CASE WHEN i.due_on < :d30 AND i.due_on >= :d60 THEN i.amount - i.paid ELSE 0 END)," \
	" sum(CASE WHEN i.due_on < :d60 AND i.due_on >= :d90 THEN i.amount - i.paid ELSE 0 END)," \
	" sum(CASE WHEN i.due_on < :d90 THEN i.amount - i.paid ELSE 0 END)," \
	" sum(i.amount - i.paid)" \
	" FROM instalments i JOIN contracts c ON c.id = i.contract_id " join \
	" WHERE i.paid < i.amount AND " LIVE FILTERS \
	" GROUP BY " group ", c.currency ORDER BY 1 NULLS FIRST, " group ", c.currency"

static const char ageing_account[] = AGEING("a.name",
	"LEFT JOIN accounts a ON a.id = c.account_id", "a.name, a.id");
static const char ageing_owner[] = AGEING("u.login",
	"LEFT JOIN users u ON u.id = c.owner_id", "u.login");
static const char ageing_team[] = AGEING("t.name",
	"LEFT JOIN users u ON u.id = c.owner_id LEFT JOIN teams t ON t.id = u.team_id", "t.name");

static void bind_days_ago(struct crm_stmt *st, const char *name, int64_t today, int days)
{
	char d[CRM_DATE_LEN];
	crm_date_of_days(today - days, d);
	crm_bind_named_text(st, name, d);
}

int crm_report_ageing(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	static const char *const by[] = {"account", "owner", "team"};
	static const char *const sqls[] = {ageing_account, ageing_owner, ageing_team};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_MONEY, CRM_COL_MONEY, CRM_COL_MONEY, CRM_COL_MONEY,
		CRM_COL_MONEY, CRM_COL_MONEY,
	};
	struct recv r;
	int k = -1, st, rc;
	for (int i = 0; i < 3; i++)
		if (!strcmp(o->by ? o->by : "account", by[i]))
			k = i;
	if (k < 0)
		return crm_usage_fail("ageing: --by account, owner or team, not '%s'", o->by);
	if (o->period)
		return crm_usage_fail("--period does not apply to ageing");
	if ((st = recv_open(&r, ctx, o, "ageing", false)))
		return st;
	const char *names[] = {
		by[k], "currency", "current", "days_1_30", "days_31_60", "days_61_90", "days_over_90",
		"total",
	};
	struct crm_stmt *s = crm_db_stmt(ctx->db, sqls[k]);
	if (!s)
		return EX_SOFTWARE;
	char today[CRM_DATE_LEN];
	int64_t t;
	crm_pay_today(ctx, today);
	crm_date_days(today, &t);
	crm_bind_named_text(s, ":d0", today);
	bind_days_ago(s, ":d30", t, 30);
	bind_days_ago(s, ":d60", t, 60);
	bind_days_ago(s, ":d90", t, 90);
	recv_bind(&r, s);
	recv_output(&r, fp, "Receivables ageing", by[k], names, kinds, 8, 7);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char m[6][CRM_MONEY_LEN];
		const char *row[8] = { crm_col_text(s, 0), crm_col_text(s, 1) };
		money_cells(s, 2, 6, m, row + 2);
		recv_row(&r, row, 8, kinds);
	}
	crm_stmt_reset(s);
	st = rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read instalments");
	return recv_close(&r, fp, st);
}

/* ---- collections and bookings: by period ---- */

static int period_of(const struct crm_report_opts *o, enum crm_period *p)
{
	static const char *const names[] = {"month", "quarter", "week"};
	const char *s = o->period ? o->period : "month";
	for (int i = 0; i < 3; i++)
		if (!strcmp(s, names[i])) {
			*p = (enum crm_period)i;
			return 0;
		}
	return crm_usage_fail("--period: expected week, month or quarter, not '%s'", s);
}

/* Open instalments by the period of their due date; those already past
 * due come first, in a row of their own named "overdue". */
static const char collections_sql[] =
	"SELECT x.k, x.currency, count(*), sum(x.open) FROM (SELECT CASE WHEN i.due_on < :d0"
	" THEN 'overdue' ELSE %1$s END AS k, c.currency AS currency, i.amount - i.paid AS open"
	" FROM instalments i JOIN contracts c ON c.id = i.contract_id"
	" WHERE i.paid < i.amount AND " LIVE FILTERS ") AS x"
	" GROUP BY x.k, x.currency"
	" ORDER BY CASE WHEN x.k = 'overdue' THEN 0 ELSE 1 END, x.k, x.currency";

static int run_periods(struct recv *r, FILE *fp, char **sql, const char *fmt, enum crm_period p,
		       const char *col1, const char *col2, const char *title, const char *const *names,
		       const enum crm_col_kind *kinds, size_t n)
{
	if (!sql[p]) {
		/* a stored date's month is its first seven characters on every
		 * engine, and cheaper to take than the dialect's calendar */
		const char *e = p == CRM_PERIOD_MONTH ? "substr(%1$s, 1, 7)"
			: crm_dialect(r->ctx->db)->period[p][CRM_AT_DATE];
		char *k1 = crm_xasprintf(e, col1), *k2 = crm_xasprintf(e, col2);
		sql[p] = crm_xasprintf(fmt, k1, k2);
		free(k1);
		free(k2);
	}
	struct crm_stmt *s;
	if (crm_db_prepare(r->ctx->db, sql[p], &s) != CRM_OK) {
		crm_warn("internal error: cannot prepare statement: %s", crm_db_errmsg(r->ctx->db));
		return EX_SOFTWARE;
	}
	char today[CRM_DATE_LEN], since[CRM_DATE_LEN] = "", until[CRM_DATE_LEN] = "";
	int st = 0, rc;
	crm_pay_today(r->ctx, today);
	if (r->o->since)
		st = crm_pay_date_arg(r->ctx, "--since", r->o->since, since);
	if (!st && r->o->until)
		st = crm_pay_date_arg(r->ctx, "--until", r->o->until, until);
	if (st) {
		crm_stmt_finish(s);
		return st;
	}
	crm_bind_named_text(s, ":d0", today);
	crm_bind_named_text(s, ":since", *since ? since : NULL);
	crm_bind_named_text(s, ":until", *until ? until : NULL);
	recv_bind(r, s);
	recv_output(r, fp, title, "period", names, kinds, n, n);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char m[4][CRM_MONEY_LEN];
		const char *row[8] = { crm_col_text(s, 0), crm_col_text(s, 1) };
		for (size_t i = 2; i < n; i++) {
			if (kinds[i] == CRM_COL_MONEY) {
				crm_money_format(crm_col_int(s, (int)i), m[i - 2]);
				row[i] = m[i - 2];
			} else {
				row[i] = crm_col_text(s, (int)i);
			}
		}
		recv_row(r, row, n, kinds);
	}
	st = rc == CRM_DONE ? 0 : crm_db_fail(r->ctx->db, "cannot read instalments");
	crm_stmt_finish(s);
	return st;
}

int crm_report_collections(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	static char *sql[3];
	static const char *const names[] = {"period", "currency", "instalments", "amount"};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_INT, CRM_COL_MONEY,
	};
	struct recv r;
	enum crm_period p = CRM_PERIOD_MONTH;
	int st;
	if (o->by)
		return crm_usage_fail("--by does not apply to collections");
	if ((st = period_of(o, &p)) || (st = recv_open(&r, ctx, o, "collections", false)))
		return st;
	st = run_periods(&r, fp, sql, collections_sql, p, "i.due_on", "i.due_on",
			 "Collections forecast", names, kinds, 4);
	return recv_close(&r, fp, st);
}

/* Contracts signed (their amount booked) and payments received, by the
 * period of the signing and of the payment; the window is on those dates. */
static const char bookings_sql[] =
	"SELECT k, currency, sum(n), sum(booked), sum(m), sum(collected) FROM ("
	" SELECT %1$s AS k, c.currency AS currency, 1 AS n, c.amount AS booked, 0 AS m,"
	" 0 AS collected FROM contracts c WHERE c.signed_on IS NOT NULL"
	" AND c.status <> 'terminated'"
	" AND (CAST(:since AS TEXT) IS NULL OR c.signed_on >= :since)"
	" AND (CAST(:until AS TEXT) IS NULL OR c.signed_on <= :until)" FILTERS
	" UNION ALL SELECT %2$s, c.currency, 0, 0, 1, p.amount"
	" FROM payments p JOIN contracts c ON c.id = p.contract_id WHERE TRUE"
	" AND (CAST(:since AS TEXT) IS NULL OR p.paid_on >= :since)"
	" AND (CAST(:until AS TEXT) IS NULL OR p.paid_on <= :until)" FILTERS
	") AS b GROUP BY k, currency ORDER BY k, currency";

int crm_report_bookings(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	static char *sql[3];
	static const char *const names[] = {
		"period", "currency", "contracts", "booked", "payments", "collected",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_INT, CRM_COL_MONEY, CRM_COL_INT, CRM_COL_MONEY,
	};
	struct recv r;
	enum crm_period p = CRM_PERIOD_MONTH;
	int st;
	if (o->by)
		return crm_usage_fail("--by does not apply to bookings");
	if ((st = period_of(o, &p)) || (st = recv_open(&r, ctx, o, "bookings", true)))
		return st;
	st = run_periods(&r, fp, sql, bookings_sql, p, "c.signed_on", "p.paid_on",
			 "Bookings and collections", names, kinds, 6);
	return recv_close(&r, fp, st);
}
