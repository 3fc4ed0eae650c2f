/* report_misc.c: crm-report leaderboard (reps ranked by what they won, or
 * another metric: also what they collected or have outstanding), lost (loss reasons), activity (interactions per rep and
 * kind) and cycle (days spent in each stage, and from lead to won). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "dialect.h"
#include "err.h"
#include "report_int.h"

/* Leading columns that are blank in a footer: the label goes first. */
static const char **footer_fields(struct crm_rep *r, size_t ncols, size_t *first)
{
	const char **f = crm_xcalloc(ncols + 1, sizeof *f);
	for (size_t i = 0; i <= ncols; i++)
		f[i] = "";
	f[0] = "total";
	*first = r->dim == CRM_DIM_NONE ? 0 : 1;
	return f;
}

/* leaderboard */

/* The ranking expression of a metric, and its column in the output (after
 * the group column); NULL when unknown. */
static const char *metric_sql(const char *metric, size_t *col)
{
	static const char *const exprs[] = {
		"a.amount", "a.won", "a.deals", "a.acts",
		/* nothing closed ranks below every rate */
		"CASE WHEN a.closed > 0 THEN 1.0 * a.won / a.closed ELSE -1 END",
		"a.collected", "a.outstanding",
	};
	static const size_t cols[] = { 5, 4, 6, 7, 8, 9, 10 };
	for (size_t i = 0; crm_report_metrics[i]; i++)
		if (strcmp(metric, crm_report_metrics[i]) == 0) {
			*col = cols[i];
			return exprs[i];
		}
	return NULL;
}

static void leaderboard_sql(struct crm_rep *r, const char *rank_by)
{
	crm_rep_sql(r, "WITH ev(g, uid, won, amount, closed, deals, acts, collected, outstanding) AS"
		    " (SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", d.owner_id, CASE WHEN d.status = 'won' THEN 1 ELSE 0 END,"
		    " CASE WHEN d.status = 'won' THEN d.amount ELSE 0 END, 1, 0, 0, 0, 0 FROM deals d WHERE d.status IN ('won', 'lost') AND d.closed_at IS NOT NULL");
	crm_rep_where(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", d.owner_id, 0, 0, 0, 1, 0, 0, 0 FROM deals d WHERE TRUE");
	crm_rep_where(r, &crm_rep_deals, "d.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_interactions, "i.at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", i.user_id, 0, 0, 0, 0, 1, 0, 0 FROM interactions i WHERE TRUE");
	crm_rep_where(r, &crm_rep_interactions, "i.at", CRM_TIME_INSTANT);
	/* collected and outstanding, as crm-report kpi counts them */
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_payments, "p.paid_on", CRM_TIME_DATE);
	crm_rep_sqlf(r, ", %s, 0, 0, 0, 0, 0, p.amount, 0 FROM payments p WHERE TRUE",
		     crm_rep_payments.owner);
	crm_rep_where(r, &crm_rep_payments, "p.paid_on", CRM_TIME_DATE);
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_instalments, "i.due_on", CRM_TIME_DATE);
	crm_rep_sqlf(r, ", %s, 0, 0, 0, 0, 0, 0, i.amount - i.paid FROM instalments i"
		     " WHERE i.paid < i.amount AND (SELECT c.status FROM contracts c"
		     " WHERE c.id = i.contract_id) IN ('approved', 'signed', 'active', 'completed')",
		     crm_rep_instalments.owner);
	crm_rep_where(r, &crm_rep_instalments, "i.due_on", CRM_TIME_DATE);
	crm_rep_sqlf(r, "), a AS (SELECT g, uid, sum(won) AS won, sum(amount) AS amount, sum(closed) AS closed,"
		     " sum(deals) AS deals, sum(acts) AS acts, sum(collected) AS collected,"
		     " sum(outstanding) AS outstanding FROM ev WHERE uid IS NOT NULL GROUP BY g, uid)"
		     " SELECT a.g, rank() OVER (PARTITION BY a.g ORDER BY %s DESC), u.login, u.name, t.name,"
		     " a.won, a.amount, a.deals, a.acts, a.closed, a.collected, a.outstanding"
		     " FROM a JOIN users u ON u.id = a.uid LEFT JOIN teams t ON t.id = u.team_id"
		     " ORDER BY a.g NULLS FIRST, 2, u.login", rank_by);
}

int crm_report_leaderboard(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	const char *metric = o->metric ? o->metric : "won_amount";
	size_t metric_col = 0;
	const char *rank_by = metric_sql(metric, &metric_col);
	int st;
	if (!rank_by)
		return crm_usage_fail("--metric: unknown metric '%s'", metric);
	if ((st = crm_rep_open(&r, ctx, o, fp, "leaderboard", CRM_DIMS_COMMON, CRM_DIM_NONE)))
		return st;
	leaderboard_sql(&r, rank_by);
	if (!(st = crm_rep_prepare(&r))) {
		int64_t won = 0, amount = 0, deals = 0, acts = 0, closed = 0, collected = 0;
		int64_t outstanding = 0;
		int k;
		static const char *const names[] = {
			"rank", "owner", "name", "team", "won_count", "won_amount", "deals", "activities",
			"win_rate", "collected", "outstanding",
		};
		static const enum crm_col_kind kinds[] = {
			CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_INT, CRM_COL_MONEY,
			CRM_COL_INT, CRM_COL_INT, CRM_COL_RATE, CRM_COL_MONEY, CRM_COL_MONEY,
		};
		crm_rep_cols_begin(&r);
		for (size_t i = 0; i < 11; i++)
			crm_rep_col(&r, names[i], kinds[i]);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Leaderboard", "rep", metric);
		while ((k = crm_rep_step(&r)) > 0) {
			char f[9][32];
			int64_t v[7];
			for (int i = 0; i < 7; i++)
				v[i] = crm_rep_col_int(&r, 5 + i);
			crm_rep_count(crm_rep_col_int(&r, 1), f[0]);
			crm_rep_count(v[0], f[1]);
			crm_rep_money(v[1], f[2]);
			crm_rep_count(v[2], f[3]);
			crm_rep_count(v[3], f[4]);
			crm_rep_rate(v[0], v[4], f[5]);
			crm_rep_money(v[5], f[6]);
			crm_rep_money(v[6], f[7]);
			won += v[0], amount += v[1], deals += v[2], acts += v[3], closed += v[4];
			collected += v[5], outstanding += v[6];
			const char *g = crm_rep_col_text(&r, 0);
			const char *row[] = { g, f[0], crm_rep_col_text(&r, 2), crm_rep_col_text(&r, 3),
					      crm_rep_col_text(&r, 4), f[1], f[2], f[3], f[4], f[5], f[6],
					      f[7] };
			const char *const *fields = r.dim == CRM_DIM_NONE ? row + 1 : row;
			crm_rep_row(&r, fields);
			crm_rep_point(&r, *row[3] ? row[3] : row[2], r.dim == CRM_DIM_NONE ? metric : g,
				      row[1 + metric_col]);
		}
		if (k < 0) {
			st = -k;
		} else {
			char t[7][32];
			size_t first;
			const char **f = footer_fields(&r, 12, &first);
			crm_rep_count(won, t[0]);
			crm_rep_money(amount, t[1]);
			crm_rep_count(deals, t[2]);
			crm_rep_count(acts, t[3]);
			crm_rep_rate(won, closed, t[4]);
			crm_rep_money(collected, t[5]);
			crm_rep_money(outstanding, t[6]);
			for (int i = 0; i < 7; i++)
				f[first + 4 + i] = t[i];
			crm_rep_footer(&r, f);
			free(f);
		}
	}
	crm_rep_close(&r);
	return st;
}

/* lost */

static const char *reason_name(const struct crm_config *c, const char *id)
{
	for (size_t i = 0; i < c->nloss_reasons; i++)
		if (strcmp(c->loss_reasons[i].id, id) == 0)
			return c->loss_reasons[i].name;
	return id;
}

int crm_report_lost(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	int st;
	if ((st = crm_rep_open(&r, ctx, o, fp, "lost", CRM_DIMS_COMMON, CRM_DIM_NONE)))
		return st;
	crm_rep_sql(&r, "WITH x AS (SELECT ");
	crm_rep_group(&r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(&r, " AS g, d.loss_reason AS reason, count(*) AS n, sum(d.amount) AS amount"
		    " FROM deals d WHERE d.status = 'lost'");
	crm_rep_where(&r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(&r, " GROUP BY 1, 2) SELECT g, reason, n, amount, sum(n) OVER (PARTITION BY g),"
		    " sum(amount) OVER (PARTITION BY g) FROM x ORDER BY g NULLS FIRST, n DESC,"
		    " reason NULLS FIRST");
	if (!(st = crm_rep_prepare(&r))) {
		int64_t count = 0, amount = 0;
		int k;
		crm_rep_cols_begin(&r);
		crm_rep_col(&r, "reason", CRM_COL_TEXT);
		crm_rep_col(&r, "name", CRM_COL_TEXT);
		crm_rep_col(&r, "count", CRM_COL_INT);
		crm_rep_col(&r, "amount", CRM_COL_MONEY);
		crm_rep_col(&r, "share", CRM_COL_RATE);
		crm_rep_col(&r, "amount_share", CRM_COL_RATE);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Lost deals by reason", "reason", "deals");
		while ((k = crm_rep_step(&r)) > 0) {
			char f[4][32];
			int64_t n = crm_rep_col_int(&r, 2), a = crm_rep_col_int(&r, 3);
			const char *g = crm_rep_col_text(&r, 0), *reason = crm_rep_col_text(&r, 1);
			crm_rep_count(n, f[0]);
			crm_rep_money(a, f[1]);
			crm_rep_rate(n, crm_rep_col_int(&r, 4), f[2]);
			crm_rep_rate(a, crm_rep_col_int(&r, 5), f[3]);
			count += n;
			amount += a;
			const char *name = reason_name(ctx->cfg, reason);
			const char *row[] = { g, reason, name, f[0], f[1], f[2], f[3] };
			crm_rep_row(&r, r.dim == CRM_DIM_NONE ? row + 1 : row);
			crm_rep_point(&r, *name ? name : "(none)", r.dim == CRM_DIM_NONE ? "deals" : g, f[0]);
		}
		if (k < 0) {
			st = -k;
		} else {
			char t[4][32];
			size_t first;
			const char **f = footer_fields(&r, 7, &first);
			crm_rep_count(count, t[0]);
			crm_rep_money(amount, t[1]);
			crm_rep_rate(count, count, t[2]);
			crm_rep_rate(amount, amount, t[3]);
			for (int i = 0; i < 4; i++)
				f[first + 2 + i] = t[i];
			crm_rep_footer(&r, f);
			free(f);
		}
	}
	crm_rep_close(&r);
	return st;
}

/* activity */

static void activity_empty(struct crm_rep *r, const char *key)
{
	size_t n = r->ctx->cfg->ninteraction_kinds;
	const char **row = crm_xcalloc(n + 3, sizeof *row);
	row[0] = key;
	row[1] = "";
	for (size_t i = 0; i <= n; i++)
		row[2 + i] = "0";
	crm_rep_row(r, row);
	free(row);
}

int crm_report_activity(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	const struct crm_config *c = ctx->cfg;
	size_t nk = c->ninteraction_kinds;
	int st;
	if ((st = crm_rep_open(&r, ctx, o, fp, "activity", CRM_DIMS_COMMON, CRM_DIM_MONTH)))
		return st;
	bool by_owner = r.dim == CRM_DIM_OWNER;
	crm_rep_sql(&r, "SELECT ");
	crm_rep_group(&r, &crm_rep_interactions, "i.at", CRM_TIME_INSTANT);
	crm_rep_sql(&r, ", (SELECT login FROM users WHERE id = i.user_id)");
	for (size_t i = 0; i < nk; i++) {
		crm_rep_sql(&r, ", sum(CASE WHEN i.kind = ");
		crm_rep_text(&r, c->interaction_kinds[i]);
		crm_rep_sql(&r, " THEN 1 ELSE 0 END)");
	}
	crm_rep_sql(&r, ", count(*) FROM interactions i WHERE TRUE");
	crm_rep_where(&r, &crm_rep_interactions, "i.at", CRM_TIME_INSTANT);
	crm_rep_sql(&r, " GROUP BY 1, i.user_id ORDER BY 1 NULLS FIRST, 2 NULLS FIRST");
	if (!(st = crm_rep_prepare(&r))) {
		int k;
		crm_rep_cols_begin(&r);
		if (!by_owner)
			crm_rep_col(&r, "owner", CRM_COL_TEXT);
		for (size_t i = 0; i < nk; i++)
			crm_rep_col(&r, c->interaction_kinds[i], CRM_COL_INT);
		crm_rep_col(&r, "total", CRM_COL_INT);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Activity", by_owner ? "owner" : r.dim_name, "interactions");
		const char **row = crm_xcalloc(nk + 3, sizeof *row);
		char (*num)[32] = crm_xcalloc(nk + 1, sizeof *num);
		while ((k = crm_rep_step(&r)) > 0) {
			const char *g = crm_rep_col_text(&r, 0), *owner = crm_rep_col_text(&r, 1);
			crm_rep_gap(&r, g, activity_empty);
			size_t n = 0;
			if (r.dim != CRM_DIM_NONE)
				row[n++] = g;
			if (!by_owner)
				row[n++] = owner;
			char *label = by_owner ? crm_xstrdup(g)
				      : r.dim == CRM_DIM_NONE ? crm_xstrdup(owner)
				      : crm_xasprintf("%s %s", g, owner);
			for (size_t i = 0; i <= nk; i++) {
				crm_rep_count(crm_rep_col_int(&r, (int)i + 2), num[i]);
				row[n++] = num[i];
				if (i < nk)
					crm_rep_point(&r, label, c->interaction_kinds[i], num[i]);
			}
			free(label);
			crm_rep_row(&r, row);
		}
		free(row);
		free(num);
		if (k < 0) {
			st = -k;
		} else {
			crm_rep_gap_end(&r, activity_empty);
			crm_rep_totals(&r, "total");
		}
	}
	crm_rep_close(&r);
	return st;
}

/* cycle */

static void cycle_sql(struct crm_rep *r, const struct crm_pipeline *p)
{
	const struct crm_dialect *d = crm_dialect(r->ctx->db);
	bool first = true;
	crm_rep_sql(r, "WITH st(idx, id, name) AS (VALUES ");
	for (size_t i = 0; i < p->nstages; i++) {
		if (p->stages[i].kind != CRM_STAGE_OPEN)
			continue;
		crm_rep_sqlf(r, "%s(%zu, ", first ? "" : ", ", i + 1);
		crm_rep_text(r, p->stages[i].id);
		crm_rep_sql(r, ", ");
		crm_rep_text(r, p->stages[i].name);
		crm_rep_sql(r, ")");
		first = false;
	}
	crm_rep_sql(r, "), moves AS (SELECT s.deal_id, s.to_stage AS stage, s.at AS entered,"
		    " lead(s.at) OVER (PARTITION BY s.deal_id ORDER BY s.at, s.id) AS left_at"
		    " FROM deal_stages s), stays(g, stage, secs) AS (SELECT ");
	crm_rep_group(r, &crm_rep_deals, "m.left_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", m.stage, ");
	crm_rep_sqlf(r, d->epoch, "m.left_at");
	crm_rep_sql(r, " - ");
	crm_rep_sqlf(r, d->epoch, "m.entered");
	crm_rep_sql(r, " FROM moves m JOIN deals d ON d.id = m.deal_id WHERE m.left_at IS NOT NULL"
		    " AND m.stage IN (SELECT id FROM st) AND d.pipeline = ");
	crm_rep_text(r, p->id);
	crm_rep_where(r, &crm_rep_deals, "m.left_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", NULL, ");
	crm_rep_sqlf(r, d->epoch, "d.closed_at");
	crm_rep_sql(r, " - ");
	crm_rep_sqlf(r, d->epoch, "l.created_at");
	crm_rep_sql(r, " FROM deals d JOIN leads l ON l.id = d.lead_id WHERE d.status = 'won' AND d.pipeline = ");
	crm_rep_text(r, p->id);
	crm_rep_where(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, "), ranked AS (SELECT g, stage, secs,"
		    " row_number() OVER (PARTITION BY g, stage ORDER BY secs NULLS FIRST) AS rn,"
		    " count(*) OVER (PARTITION BY g, stage) AS cnt FROM stays),"
		    " agg AS (SELECT g, stage, count(*) AS n, sum(secs) AS total,"
		    " sum(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN secs END) AS ms,"
		    " sum(CASE WHEN rn IN ((cnt + 1) / 2, (cnt + 2) / 2) THEN 1 ELSE 0 END) AS mn"
		    " FROM ranked GROUP BY g, stage),");
	crm_rep_sql(r, r->dim == CRM_DIM_NONE ? " grp AS (SELECT NULL AS g),"
		    : " grp AS (SELECT DISTINCT g FROM stays),");
	crm_rep_sql(r, " steps(idx, id, name) AS (SELECT idx, id, name FROM st UNION ALL"
		    " SELECT 1000000, NULL, NULL)"
		    " SELECT grp.g, steps.id, steps.name, coalesce(a.n, 0), coalesce(a.total, 0),"
		    " coalesce(a.ms, 0), coalesce(a.mn, 0)"
		    " FROM grp CROSS JOIN steps LEFT JOIN agg a ON a.g IS NOT DISTINCT FROM grp.g"
		    " AND a.stage IS NOT DISTINCT FROM steps.id ORDER BY grp.g NULLS FIRST, steps.idx");
}

int crm_report_cycle(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	int st;
	const struct crm_pipeline *p = crm_config_pipeline(ctx->cfg, o->pipeline);
	if (!p) {
		crm_warn("unknown pipeline '%s'", o->pipeline);
		return EX_DATAERR;
	}
	if ((st = crm_rep_open(&r, ctx, o, fp, "cycle", CRM_DIMS_COMMON, CRM_DIM_NONE)))
		return st;
	cycle_sql(&r, p);
	if (!(st = crm_rep_prepare(&r))) {
		int k;
		crm_rep_cols_begin(&r);
		crm_rep_col(&r, "stage", CRM_COL_TEXT);
		crm_rep_col(&r, "name", CRM_COL_TEXT);
		crm_rep_col(&r, "deals", CRM_COL_NUM);
		crm_rep_col(&r, "mean_days", CRM_COL_NUM);
		crm_rep_col(&r, "median_days", CRM_COL_NUM);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Days in each stage", "stage", "days");
		while ((k = crm_rep_step(&r)) > 0) {
			char f[3][32];
			const char *g = crm_rep_col_text(&r, 0);
			bool to_won = crm_rep_col_null(&r, 1);
			const char *stage = to_won ? "lead_to_won" : crm_rep_col_text(&r, 1);
			const char *name = to_won ? "lead to won" : crm_rep_col_text(&r, 2);
			int64_t n = crm_rep_col_int(&r, 3);
			crm_rep_count(n, f[0]);
			crm_rep_mean(crm_rep_col_int(&r, 4), n, 86400, f[1]);
			crm_rep_mean(crm_rep_col_int(&r, 5), crm_rep_col_int(&r, 6), 86400, f[2]);
			const char *row[] = { g, stage, name, f[0], f[1], f[2] };
			crm_rep_row(&r, r.dim == CRM_DIM_NONE ? row + 1 : row);
			if (r.dim == CRM_DIM_NONE) {
				crm_rep_point(&r, name, "mean days", f[1]);
				crm_rep_point(&r, name, "median days", f[2]);
			} else {
				crm_rep_point(&r, name, *g ? g : "(none)", f[2]);
			}
		}
		if (k < 0)
			st = -k;
	}
	crm_rep_close(&r);
	return st;
}
