/* report_rfm.c: crm-report rfm.  For each account with won deals in the
 * window: recency (whole days from its last win to the end of the window,
 * or now), frequency (wins) and monetary (won amount); a 1-5 score for
 * each by quintile of rank, 5 the most recent, most frequent, largest:
 * 1 + 5 (rank - 1) / n, where rank is 1 + the number of the group's n
 * accounts with a smaller value, so that equal values score the same (a
 * crowd of one-off buyers all scores F = 1); a segment from the R and F
 * scores:
 *
 *	champions	R >= 4 and F >= 4
 *	loyal		R >= 3 and F >= 3, not champions
 *	potential	R >= 3 and F <= 2
 *	at-risk		R <= 2 and F >= 3
 *	hibernating	R = 2 and F <= 2
 *	lost		R = 1 and F <= 2
 *
 * and each account's share of the revenue, and the cumulative share down
 * the list from the largest (the accounts that bring most of it). */
#include <stdlib.h>
#include <string.h>

#include "dialect.h"
#include "err.h"
#include "record.h"
#include "report_int.h"

const char *const crm_rfm_segments[] = {
	"champions", "loyal", "potential", "at-risk", "hibernating", "lost", NULL,
};
#define NSEG 6
#define segments crm_rfm_segments

int crm_rfm_score(size_t smaller, size_t n)
{
	return n ? 1 + (int)(5 * smaller / n) : 1;
}

int crm_rfm_segment(int r, int f)
{
	if (r >= 4 && f >= 4)
		return 0;
	if (r >= 3)
		return f >= 3 ? 1 : 2;
	if (f >= 3)
		return 3;
	return r == 2 ? 4 : 5;
}

static void rfm_sql(struct crm_rep *r)
{
	const struct crm_dialect *d = crm_dialect(r->ctx->db);
	crm_rep_sql(r, "WITH w AS (SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " AS g, d.account_id AS aid, max(d.closed_at) AS last, count(*) AS f,"
		    " sum(d.amount) AS m FROM deals d WHERE d.status = 'won' AND d.account_id IS NOT NULL"
		    " AND d.closed_at IS NOT NULL");
	crm_rep_where(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " GROUP BY 1, 2), s AS (SELECT w.*, (");
	crm_rep_sqlf(r, d->epoch, crm_rep_param(r, r->has_until ? r->until_iso : r->ctx->now_iso));
	crm_rep_sql(r, " - ");
	crm_rep_sqlf(r, d->epoch, "last");
	crm_rep_sql(r, ") / 86400 AS days,"
		    " rank() OVER (PARTITION BY g ORDER BY last) - 1 AS rs,"
		    " rank() OVER (PARTITION BY g ORDER BY f) - 1 AS fs,"
		    " rank() OVER (PARTITION BY g ORDER BY m) - 1 AS ms,"
		    " count(*) OVER (PARTITION BY g) AS n,"
		    " sum(m) OVER (PARTITION BY g) AS total,"
		    " sum(m) OVER (PARTITION BY g ORDER BY m DESC, aid ROWS UNBOUNDED PRECEDING) AS cum"
		    " FROM w)"
		    " SELECT g, aid, (SELECT a.name FROM accounts a WHERE a.id = aid");
	/* a won deal of the actor's may be with an account they may not see:
	 * its id and figures are the deal's, its name is not theirs to read */
	if (r->restricted)
		crm_rep_sql(r, " AND " CRM_SQL_VISIBLE_OWNED("a.owner_id"));
	crm_rep_sql(r, "), days, f, m, rs, fs, ms, n,"
		    " total, cum FROM s ORDER BY g NULLS FIRST, m DESC, aid");
}

/* Revenue per segment of one group, for the chart. */
static void chart_group(struct crm_rep *r, const char *g, const int64_t *sums)
{
	char v[32];
	for (size_t i = 0; i < NSEG; i++) {
		crm_rep_money(sums[i], v);
		crm_rep_point(r, segments[i], r->dim == CRM_DIM_NONE ? "revenue" : (*g ? g : "(none)"), v);
	}
}

int crm_report_rfm(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	char *last = NULL;
	int st;
	if ((st = crm_rep_open(&r, ctx, o, fp, "rfm", CRM_DIMS_COMMON, CRM_DIM_NONE)))
		return st;
	rfm_sql(&r);
	if (!(st = crm_rep_prepare(&r))) {
		int64_t sums[NSEG] = { 0 }, revenue = 0;
		int k;
		static const char *const names[] = {
			"account_id", "account", "recency_days", "frequency", "monetary", "r", "f", "m",
			"segment", "share", "cum_share",
		};
		static const enum crm_col_kind kinds[] = {
			CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_NUM, CRM_COL_INT, CRM_COL_MONEY, CRM_COL_NUM,
			CRM_COL_NUM, CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_RATE, CRM_COL_RATE,
		};
		crm_rep_cols_begin(&r);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			crm_rep_col(&r, names[i], kinds[i]);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Revenue by RFM segment", "segment", "revenue");
		while ((k = crm_rep_step(&r)) > 0) {
			char f[10][32];
			const char *g = crm_rep_col_text(&r, 0);
			int64_t m = crm_rep_col_int(&r, 5);
			size_t n = (size_t)crm_rep_col_int(&r, 9);
			int score[3];
			for (int i = 0; i < 3; i++)
				score[i] = crm_rfm_score((size_t)crm_rep_col_int(&r, 6 + i), n);
			size_t seg = (size_t)crm_rfm_segment(score[0], score[1]);
			if (last && strcmp(last, g) != 0) {
				chart_group(&r, last, sums);
				memset(sums, 0, sizeof sums);
			}
			free(last);
			last = crm_xstrdup(g);
			sums[seg] += m;
			revenue += m;
			crm_rep_count(crm_rep_col_int(&r, 1), f[0]);
			crm_rep_count(crm_rep_col_int(&r, 3), f[1]);
			crm_rep_count(crm_rep_col_int(&r, 4), f[2]);
			crm_rep_money(m, f[3]);
			for (int i = 0; i < 3; i++)
				crm_rep_count(score[i], f[4 + i]);
			crm_rep_rate(m, crm_rep_col_int(&r, 10), f[7]);
			crm_rep_rate(crm_rep_col_int(&r, 11), crm_rep_col_int(&r, 10), f[8]);
			const char *row[] = { g, f[0], crm_rep_col_text(&r, 2), f[1], f[2], f[3], f[4], f[5],
					      f[6], segments[seg],
					      f[7], f[8] };
			crm_rep_row(&r, r.dim == CRM_DIM_NONE ? row + 1 : row);
		}
		if (last)
			chart_group(&r, last, sums);
		if (k < 0) {
			st = -k;
		} else {
			char t[32];
			size_t first = r.dim == CRM_DIM_NONE ? 0 : 1;
			const char *foot[13];
			for (size_t i = 0; i < 13; i++)
				foot[i] = "";
			foot[0] = "total";
			crm_rep_money(revenue, t);
			foot[first + 4] = t;
			crm_rep_footer(&r, foot);
		}
	}
	free(last);
	crm_rep_close(&r);
	return st;
}
