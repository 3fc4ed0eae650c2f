/* report_churn.c: crm-report churn.  Every account the actor sees with at
 * least one purchase, its churn-risk score (0-100), the risk level and the
 * reasons, by score, highest first: the query of churn.h (shared with the
 * churn_risk reminder of crm-task remind), with visibility and --owner or
 * --team inside it and --min-score over it.  The reasons are printed in
 * the order of their points (the signals' order among equals), joined
 * with "; ".  The chart counts the accounts of each risk level. */
#include <stdlib.h>
#include <string.h>

#include "churn.h"
#include "date.h"
#include "err.h"
#include "pay.h"
#include "record.h"
#include "report_int.h"

static const char *const risks[] = { "high", "medium", "low" };

/* the accounts (alias a) inside the query, and its rows (z) outside */
static const struct crm_rep_base churn_accounts = {
	"a.owner_id", CRM_SQL_VISIBLE_OWNED("a.owner_id"), "a.source", "NULL", "a.region",
	"a.industry", NULL, NULL, NULL,
};
static const struct crm_rep_base churn_rows = {
	"z.owner_id", "TRUE", "NULL", "NULL", "NULL", "NULL", NULL, NULL, NULL,
};

static size_t risk_of(int64_t score)
{
	return score >= CRM_CHURN_HIGH ? 0 : score >= CRM_CHURN_MEDIUM ? 1 : 2;
}

/* The reasons, by points (a stable sort of five), joined with "; ". */
static char *reasons_of(const int64_t *pts, const char *const *text)
{
	int order[CRM_CHURN_SIGNALS] = { 0 }, n = 0;
	for (int i = 0; i < CRM_CHURN_SIGNALS; i++) {
		if (pts[i] <= 0)
			continue;
		int j = n++;
		for (; j > 0 && pts[order[j - 1]] < pts[i]; j--)
			order[j] = order[j - 1];
		order[j] = i;
	}
	struct crm_buf b = {0};
	for (int k = 0; k < n; k++) {
		if (k)
			crm_buf_add(&b, "; ");
		crm_buf_add(&b, text[order[k]]);
	}
	return crm_buf_take(&b);
}

/* The reasons of a report row (its columns after the group's). */
static char *reasons(struct crm_rep *r)
{
	int64_t pts[CRM_CHURN_SIGNALS];
	const char *text[CRM_CHURN_SIGNALS];
	for (int i = 0; i < CRM_CHURN_SIGNALS; i++) {
		pts[i] = crm_rep_col_int(r, 1 + CRM_CHURN_P_SLOW + 2 * i);
		text[i] = crm_rep_col_text(r, 1 + CRM_CHURN_R_SLOW + 2 * i);
	}
	return reasons_of(pts, text);
}

static void chart_group(struct crm_rep *r, const char *g, const int64_t *counts)
{
	char v[32];
	for (size_t i = 0; i < 3; i++) {
		crm_rep_count(counts[i], v);
		crm_rep_point(r, risks[i], r->dim == CRM_DIM_NONE ? "accounts" : (*g ? g : "(none)"), v);
	}
}

int crm_report_churn(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	const char *head, *tail;
	int st;
	const char *bad = o->since ? "--since" : o->until ? "--until" : o->period ? "--period"
		: o->source ? "--source" : o->campaign ? "--campaign" : o->region ? "--region" : NULL;
	if (bad)
		return crm_usage_fail("%s does not apply to churn", bad);
	if ((st = crm_rep_open(&r, ctx, o, fp, "churn",
			       CRM_DIM_BIT(CRM_DIM_OWNER) | CRM_DIM_BIT(CRM_DIM_TEAM), CRM_DIM_NONE)))
		return st;
	crm_churn_sql(ctx->db, &head, &tail);
	crm_rep_sql(&r, "SELECT ");
	crm_rep_group(&r, &churn_rows, NULL, CRM_TIME_INSTANT);
	crm_rep_sql(&r, ", z.*, (SELECT u.login FROM users u WHERE u.id = z.owner_id) FROM (");
	crm_rep_sql(&r, head);
	crm_rep_filter(&r, &churn_accounts);
	crm_rep_sql(&r, tail);
	crm_rep_sql(&r, ") z WHERE z.score >= ");
	crm_rep_int(&r, o->min_score);
	crm_rep_sql(&r, " ORDER BY 1 NULLS FIRST, z.score DESC, z.aid");
	char *last = NULL;
	if (!(st = crm_rep_prepare(&r))) {
		static const char *const names[] = {
			"account_id", "account", "owner", "score", "risk", "reasons", "last_purchase",
			"days_since", "usual_interval",
		};
		static const enum crm_col_kind kinds[] = {
			CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_TEXT,
			CRM_COL_TEXT, CRM_COL_NUM, CRM_COL_NUM,
		};
		int64_t counts[3] = { 0 };
		int k;
		crm_churn_bind(ctx, r.st, o->idle > 0 ? o->idle : CRM_CHURN_IDLE);
		crm_rep_cols_begin(&r);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			crm_rep_col(&r, names[i], kinds[i]);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Accounts by churn risk", "risk", "accounts");
		while ((k = crm_rep_step(&r)) > 0) {
			const char *g = crm_rep_col_text(&r, 0);
			if (last && strcmp(last, g) != 0) {
				chart_group(&r, last, counts);
				memset(counts, 0, sizeof counts);
			}
			free(last);
			last = crm_xstrdup(g);
			int64_t score = crm_rep_col_int(&r, 1 + CRM_CHURN_SCORE);
			size_t risk = risk_of(score);
			counts[risk]++;
			char day[CRM_DATE_LEN];
			crm_date_of_days(crm_rep_col_int(&r, 1 + CRM_CHURN_LAST), day);
			char *why = reasons(&r);
			const char *row[] = {
				g, crm_rep_col_text(&r, 1 + CRM_CHURN_AID), crm_rep_col_text(&r, 1 + CRM_CHURN_NAME),
				crm_rep_col_text(&r, 1 + CRM_CHURN_NCOLS), crm_rep_col_text(&r, 1 + CRM_CHURN_SCORE),
				risks[risk], why, day, crm_rep_col_text(&r, 1 + CRM_CHURN_SINCE),
				crm_rep_col_text(&r, 1 + CRM_CHURN_USUAL),
			};
			crm_rep_row(&r, r.dim == CRM_DIM_NONE ? row + 1 : row);
			free(why);
		}
		if (last)
			chart_group(&r, last, counts);
		if (k < 0)
			st = -k;
	}
	free(last);
	crm_rep_close(&r);
	return st;
}

int crm_churn_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o)
{
	static char *sql;
	const char *head, *tail;
	if (!sql) {
		crm_churn_sql(ctx->db, &head, &tail);
		sql = crm_xasprintf("SELECT z.* FROM (%s AND a.id = :churn_account%s) z", head, tail);
	}
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_churn_bind(ctx, st, CRM_CHURN_IDLE);
	crm_bind_int(st, crm_param_index(st, ":churn_account"), account_id);
	static const char *const names[] = {
		"score", "risk", "reasons", "last_purchase", "days_since", "usual_interval",
	};
	crm_out_cols(o, names, sizeof names / sizeof names[0]);
	int rc = crm_step(st);
	if (rc == CRM_ROW) {
		int64_t pts[CRM_CHURN_SIGNALS];
		const char *text[CRM_CHURN_SIGNALS];
		for (int i = 0; i < CRM_CHURN_SIGNALS; i++) {
			pts[i] = crm_col_int(st, CRM_CHURN_P_SLOW + 2 * i);
			text[i] = crm_col_text(st, CRM_CHURN_R_SLOW + 2 * i);
		}
		char *why = reasons_of(pts, text), day[CRM_DATE_LEN];
		crm_date_of_days(crm_col_int(st, CRM_CHURN_LAST), day);
		crm_out_row(o, (const char *[]){
			crm_col_text(st, CRM_CHURN_SCORE), risks[risk_of(crm_col_int(st, CRM_CHURN_SCORE))],
			why, day, crm_col_text(st, CRM_CHURN_SINCE), crm_col_text(st, CRM_CHURN_USUAL),
		});
		free(why);
		rc = crm_step(st);
	}
	crm_stmt_reset(st);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the account's churn risk");
}
