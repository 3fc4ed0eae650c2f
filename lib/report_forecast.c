/* report_forecast.c: crm-report forecast (open deals by expected close
 * period, weighted by their stage's probability, beside what was won),
 * forecast --snapshot (the forecast of the current period, stored per
 * owner) and accuracy (each stored forecast against what its owners or
 * teams then won).  Weighted amounts are computed per deal in integer
 * cents, amount × probability / 100 rounded half up, then summed. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "err.h"
#include "report_int.h"

#define WEIGHTED \
	"(d.amount * coalesce((SELECT st.prob FROM st WHERE st.pipeline = d.pipeline" \
	" AND st.id = d.stage), 0) + 50) / 100"

/* st(pipeline, id, idx, prob): every stage of every pipeline. */
static void stage_table(struct crm_rep *r)
{
	const struct crm_config *c = r->ctx->cfg;
	bool first = true;
	crm_rep_sql(r, "st(pipeline, id, idx, prob) AS (VALUES ");
	for (size_t p = 0; p < c->npipelines; p++)
		for (size_t i = 0; i < c->pipelines[p].nstages; i++) {
			crm_rep_sql(r, first ? "(" : ", (");
			crm_rep_text(r, c->pipelines[p].id);
			crm_rep_sql(r, ", ");
			crm_rep_text(r, c->pipelines[p].stages[i].id);
			crm_rep_sqlf(r, ", %zu, %d)", i + 1, c->pipelines[p].stages[i].probability);
			first = false;
		}
	crm_rep_sql(r, ")");
}

static void forecast_row(struct crm_rep *r, const char *g, const int64_t *v)
{
	char f[5][32];
	crm_rep_count(v[0], f[0]);
	crm_rep_money(v[1], f[1]);
	crm_rep_money(v[2], f[2]);
	crm_rep_count(v[3], f[3]);
	crm_rep_money(v[4], f[4]);
	const char *gf[] = { g, f[0], f[1], f[2], f[3], f[4] };
	crm_rep_row(r, gf);
	crm_rep_point(r, g, "amount", f[1]);
	crm_rep_point(r, g, "weighted", f[2]);
	crm_rep_point(r, g, "won", f[4]);
}

static void forecast_empty(struct crm_rep *r, const char *key)
{
	static const int64_t zero[5];
	forecast_row(r, key, zero);
}

static void forecast_sql(struct crm_rep *r)
{
	crm_rep_sql(r, "WITH ");
	stage_table(r);
	crm_rep_sql(r, ", open AS (SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.expected_close", CRM_TIME_DATE);
	crm_rep_sql(r, " AS g, count(*) AS n, sum(d.amount) AS amount, sum(" WEIGHTED ") AS weighted"
		    " FROM deals d WHERE d.status = 'open'");
	crm_rep_where(r, &crm_rep_deals, "d.expected_close", CRM_TIME_DATE);
	crm_rep_sql(r, " GROUP BY 1), won AS (SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " AS g, count(*) AS n, sum(d.amount) AS amount FROM deals d"
		    " WHERE d.status = 'won'");
	crm_rep_where(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " GROUP BY 1), keys AS (SELECT g FROM open UNION SELECT g FROM won)"
		    " SELECT k.g, coalesce(o.n, 0), coalesce(o.amount, 0), coalesce(o.weighted, 0),"
		    " coalesce(w.n, 0), coalesce(w.amount, 0)"
		    " FROM keys k LEFT JOIN open o ON o.g IS NOT DISTINCT FROM k.g"
		    " LEFT JOIN won w ON w.g IS NOT DISTINCT FROM k.g ORDER BY ");
	if (r->dim == CRM_DIM_STAGE)	/* pipeline order, not alphabetical */
		crm_rep_sql(r, "(SELECT min(st.idx) FROM st WHERE st.id = k.g) NULLS FIRST, ");
	crm_rep_sql(r, "k.g NULLS FIRST");
}

static int snapshot(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);

int crm_report_forecast(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	int st;
	if (o->snapshot)
		return snapshot(ctx, o, fp);
	if ((st = crm_rep_open(&r, ctx, o, fp, "forecast", CRM_DIMS_COMMON | CRM_DIM_BIT(CRM_DIM_STAGE),
			       CRM_DIM_MONTH)))
		return st;
	forecast_sql(&r);
	if (!(st = crm_rep_prepare(&r))) {
		int k;
		crm_rep_cols_begin(&r);
		crm_rep_col(&r, "deals", CRM_COL_INT);
		crm_rep_col(&r, "amount", CRM_COL_MONEY);
		crm_rep_col(&r, "weighted", CRM_COL_MONEY);
		crm_rep_col(&r, "won_deals", CRM_COL_INT);
		crm_rep_col(&r, "won", CRM_COL_MONEY);
		crm_rep_chart(&r, crm_dim_is_period(r.dim) ? CRM_PLOT_LINES : CRM_PLOT_BARS,
			      "Forecast: open deals by expected close, and won", r.dim_name, "amount");
		while ((k = crm_rep_step(&r)) > 0) {
			int64_t v[5];
			for (int i = 0; i < 5; i++)
				v[i] = crm_rep_col_int(&r, i + 1);
			crm_rep_gap(&r, crm_rep_col_text(&r, 0), forecast_empty);
			forecast_row(&r, crm_rep_col_text(&r, 0), v);
		}
		if (k < 0) {
			st = -k;
		} else {
			crm_rep_gap_end(&r, forecast_empty);
			crm_rep_totals(&r, "total");
		}
	}
	crm_rep_close(&r);
	return st;
}

/* forecast --snapshot */

static int store(struct crm_ctx *ctx, const char *period, const int64_t *v, bool has_owner,
		 bool has_team)
{
	struct crm_stmt *ins = crm_db_stmt(ctx->db,
		"INSERT INTO forecast_snapshots (taken_at, period, owner_id, team_id, deals, amount,"
		" weighted) VALUES (?, ?, ?, ?, ?, ?, ?)");
	if (!ins)
		return EX_SOFTWARE;
	crm_bind_str(ins, 1, ctx->now_iso);
	crm_bind_copy(ins, 2, period);
	if (has_owner)
		crm_bind_int(ins, 3, v[0]);
	if (has_team)
		crm_bind_int(ins, 4, v[1]);
	for (int i = 0; i < 3; i++)
		crm_bind_int(ins, 5 + i, v[2 + i]);
	if (crm_step(ins) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot store the forecast");
	return crm_audit_write(ctx->db, "forecast_snapshot", crm_db_last_id(ctx->db),
			    "create", "period", NULL, period);
}

static int snapshot(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	char key[16], first[CRM_DATE_LEN], last[CRM_DATE_LEN];
	int st, k;
	if (o->since || o->until || o->period)
		return crm_usage_fail("--snapshot is the current period: no --since, --until or --period");
	if ((st = crm_rep_open(&r, ctx, o, fp, "forecast", CRM_DIMS_PERIOD, CRM_DIM_MONTH)))
		return st;
	crm_rep_period_key(r.dim, ctx->now, key);
	crm_rep_period_bounds(r.dim, ctx->now, first, last);
	crm_rep_sql(&r, "WITH ");
	stage_table(&r);
	crm_rep_sql(&r, " SELECT d.owner_id, u.team_id, count(*), sum(d.amount), sum(" WEIGHTED "),"
		    " u.login, t.name FROM deals d LEFT JOIN users u ON u.id = d.owner_id"
		    " LEFT JOIN teams t ON t.id = u.team_id"
		    " WHERE d.status = 'open' AND d.expected_close >= ");
	crm_rep_text(&r, first);
	crm_rep_sql(&r, " AND d.expected_close <= ");
	crm_rep_text(&r, last);
	crm_rep_filter(&r, &crm_rep_deals);
	crm_rep_sql(&r, " GROUP BY d.owner_id, u.team_id, u.login, t.name ORDER BY u.login NULLS FIRST");
	if ((st = crm_rep_prepare(&r)) || (!o->dry_run && (st = crm_db_begin(ctx->db)))) {
		crm_rep_close(&r);
		return st;
	}
	crm_rep_col(&r, "taken_at", CRM_COL_TEXT);
	crm_rep_col(&r, "period", CRM_COL_TEXT);
	crm_rep_col(&r, "owner", CRM_COL_TEXT);
	crm_rep_col(&r, "team", CRM_COL_TEXT);
	crm_rep_col(&r, "deals", CRM_COL_INT);
	crm_rep_col(&r, "amount", CRM_COL_MONEY);
	crm_rep_col(&r, "weighted", CRM_COL_MONEY);
	crm_rep_chart(&r, CRM_PLOT_BARS, "Forecast snapshot", "owner", "amount");
	while ((k = crm_rep_step(&r)) > 0) {
		int64_t v[5];
		char f[3][32];
		for (int i = 0; i < 5; i++)
			v[i] = crm_rep_col_int(&r, i);
		if (!o->dry_run && (st = store(ctx, key, v, !crm_rep_col_null(&r, 0),
					       !crm_rep_col_null(&r, 1))))
			break;
		crm_rep_count(v[2], f[0]);
		crm_rep_money(v[3], f[1]);
		crm_rep_money(v[4], f[2]);
		const char *owner = crm_rep_col_text(&r, 5);
		const char *row[] = { ctx->now_iso, key, owner, crm_rep_col_text(&r, 6), f[0], f[1], f[2] };
		crm_rep_row(&r, row);
		crm_rep_point(&r, owner, "amount", f[1]);
		crm_rep_point(&r, owner, "weighted", f[2]);
	}
	if (k < 0)
		st = -k;
	if (!o->dry_run) {
		if (st)
			crm_db_rollback(ctx->db);
		else
			st = crm_db_commit(ctx->db);
	}
	if (!st)
		crm_rep_totals(&r, "total");
	crm_rep_close(&r);
	return st;
}

/* accuracy */

struct mean {
	int64_t forecast, actual, error;
	int64_t n;
	double ape;		/* sum of the defined ones */
	int64_t napes;
};

/* sum / n in cents, halves away from zero */
static int64_t mean_cents(int64_t sum, int64_t n)
{
	int64_t a = sum < 0 ? -sum : sum;
	int64_t q = (2 * a + n) / (2 * n);
	return sum < 0 ? -q : q;
}

static void accuracy_row(struct crm_rep *r, const char *unit, const char *period, const char *taken,
			 int64_t forecast, int64_t actual, const char *ape)
{
	char f[3][32];
	crm_rep_money(forecast, f[0]);
	crm_rep_money(actual, f[1]);
	crm_rep_money(actual - forecast, f[2]);
	const char *row[] = { unit, period, taken, f[0], f[1], f[2], ape };
	crm_rep_row(r, row);
	if (strcmp(period, "mean") != 0) {
		char *label = crm_xasprintf("%s %s", *unit ? unit : "(none)", period);
		crm_rep_point(r, label, "forecast", f[0]);
		crm_rep_point(r, label, "actual", f[1]);
		free(label);
	}
}

static void mean_row(struct crm_rep *r, const char *unit, const struct mean *m)
{
	char ape[32] = "";
	if (m->n == 0)
		return;
	if (m->napes)
		snprintf(ape, sizeof ape, "%.4f", m->ape / (double)m->napes);
	accuracy_row(r, unit, "mean", "", mean_cents(m->forecast, m->n), mean_cents(m->actual, m->n), ape);
}

static void add(struct mean *m, int64_t forecast, int64_t actual)
{
	int64_t err = actual - forecast;
	m->forecast += forecast;
	m->actual += actual;
	m->error += err;
	m->n++;
	if (actual > 0) {
		m->ape += (double)(err < 0 ? -err : err) / (double)actual;
		m->napes++;
	}
}

static void accuracy_sql(struct crm_rep *r)
{
	bool team = r->dim == CRM_DIM_TEAM;
	crm_rep_sql(r, "WITH snap AS (SELECT s.period, s.taken_at, s.owner_id, s.team_id, s.weighted,"
		    " row_number() OVER (PARTITION BY s.period, s.owner_id ORDER BY s.taken_at, s.id) AS nth"
		    " FROM forecast_snapshots s WHERE TRUE");
	if (r->owner_id) {
		crm_rep_sql(r, " AND s.owner_id = ");
		crm_rep_int(r, r->owner_id);
	}
	if (r->team_id) {
		crm_rep_sql(r, " AND s.team_id = ");
		crm_rep_int(r, r->team_id);
	}
	if (r->restricted)
		crm_rep_sql(r, " AND " CRM_SQL_VISIBLE("s.owner_id"));
	if (r->has_since) {
		crm_rep_sql(r, " AND s.taken_at >= ");
		crm_rep_text(r, r->since_iso);
	}
	if (r->has_until) {
		crm_rep_sql(r, " AND s.taken_at < ");
		crm_rep_text(r, r->until_iso);
	}
	crm_rep_sql(r, "), won AS (SELECT d.owner_id, (SELECT u.team_id FROM users u WHERE u.id = d.owner_id)"
		    " AS team_id, d.amount, ");
	crm_rep_period(r, CRM_DIM_MONTH, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " AS m, ");
	crm_rep_period(r, CRM_DIM_QUARTER, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " AS q, ");
	crm_rep_period(r, CRM_DIM_WEEK, "d.closed_at", CRM_TIME_INSTANT);
	/* what was won is counted over the same deals as the forecast: a rep's
	 * team line is their own forecast against their own won deals */
	crm_rep_sqlf(r, " AS w FROM deals d WHERE d.status = 'won'%s),"
		     " units AS (SELECT period, %s AS unit, min(taken_at) AS taken_at, sum(weighted) AS forecast"
		     " FROM snap WHERE nth = 1 GROUP BY period, unit)"
		     " SELECT %s, u.period, u.taken_at, u.forecast,"
		     " (SELECT coalesce(sum(w.amount), 0) FROM won w WHERE w.%s IS NOT DISTINCT FROM u.unit AND"
		     " CASE WHEN u.period LIKE '%%-Q%%' THEN w.q WHEN u.period LIKE '%%-W%%' THEN w.w"
		     " ELSE w.m END = u.period)"
		     " FROM units u ORDER BY 1 NULLS FIRST, u.period",
		     r->restricted ? " AND " CRM_SQL_VISIBLE("d.owner_id") : "",
		     team ? "team_id" : "owner_id",
		     team ? "(SELECT name FROM teams WHERE id = u.unit)"
			  : "(SELECT login FROM users WHERE id = u.unit)",
		     team ? "team_id" : "owner_id");
}

int crm_report_accuracy(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	struct mean unit = { 0 }, all = { 0 };
	char *last = crm_xstrdup("");
	int st;
	if (o->source || o->campaign || o->region)
		return crm_usage_fail("accuracy: snapshots have no source, campaign or region");
	if ((st = crm_rep_open(&r, ctx, o, fp, "accuracy",
			       CRM_DIM_BIT(CRM_DIM_OWNER) | CRM_DIM_BIT(CRM_DIM_TEAM), CRM_DIM_OWNER))) {
		free(last);
		return st;
	}
	accuracy_sql(&r);
	if (!(st = crm_rep_prepare(&r))) {
		int k;
		crm_rep_cols_begin(&r);
		crm_rep_col(&r, "period", CRM_COL_TEXT);
		crm_rep_col(&r, "taken_at", CRM_COL_TEXT);
		crm_rep_col(&r, "forecast", CRM_COL_MONEY);
		crm_rep_col(&r, "actual", CRM_COL_MONEY);
		crm_rep_col(&r, "error", CRM_COL_MONEY);
		crm_rep_col(&r, "ape", CRM_COL_RATE);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Forecast accuracy", r.dim_name, "amount");
		while ((k = crm_rep_step(&r)) > 0) {
			const char *u = crm_rep_col_text(&r, 0);
			int64_t forecast = crm_rep_col_int(&r, 3), actual = crm_rep_col_int(&r, 4);
			char ape[32];
			if (unit.n && strcmp(u, last) != 0) {
				mean_row(&r, last, &unit);
				memset(&unit, 0, sizeof unit);
			}
			free(last);
			last = crm_xstrdup(u);
			crm_rep_rate(actual - forecast < 0 ? forecast - actual : actual - forecast, actual, ape);
			accuracy_row(&r, u, crm_rep_col_text(&r, 1), crm_rep_col_text(&r, 2), forecast,
				     actual, ape);
			add(&unit, forecast, actual);
			add(&all, forecast, actual);
		}
		if (k < 0) {
			st = -k;
		} else {
			mean_row(&r, last, &unit);
			mean_row(&r, "(all)", &all);
		}
	}
	free(last);
	crm_rep_close(&r);
	return st;
}
