/* report_funnel.c: crm-report funnel.  The cohort is the leads created in
 * the window; their deals (deals.lead_id) in one pipeline count at every
 * open stage up to the furthest they reached: the current stage, any stage
 * in their history (deal_stages), and so every earlier open stage they
 * skipped.  A deal that reached won at any time reached every open stage;
 * a lost stage counts at none, so a lost deal counts where it got before.
 * The won step counts the deals won now. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "dialect.h"
#include "err.h"
#include "report_int.h"

/* The pipeline's open stages in order, then its won stage: idx 1..n. */
/* The stages a funnel shows, open ones first, then won (free the array):
 * their count in *n. */
static const struct crm_stage **funnel_stages(const struct crm_pipeline *p, size_t *n)
{
	const struct crm_stage **out = crm_xcalloc(p->nstages ? p->nstages : 1, sizeof *out);
	*n = 0;
	for (size_t i = 0; i < p->nstages; i++)
		if (p->stages[i].kind == CRM_STAGE_OPEN)
			out[(*n)++] = &p->stages[i];
	for (size_t i = 0; i < p->nstages; i++)
		if (p->stages[i].kind == CRM_STAGE_WON)
			out[(*n)++] = &p->stages[i];
	return out;
}

/* st(idx, id, name): the stages as a table the query can join. */
static void stage_table(struct crm_rep *r, const struct crm_stage *const *s, size_t n)
{
	crm_rep_sql(r, "st(idx, id, name) AS (VALUES ");
	for (size_t i = 0; i < n; i++) {
		crm_rep_sqlf(r, "%s(%zu, ", i ? ", " : "", i + 1);
		crm_rep_text(r, s[i]->id);
		crm_rep_sql(r, ", ");
		crm_rep_text(r, s[i]->name);
		crm_rep_sql(r, ")");
	}
	crm_rep_sql(r, ")");
}

static void build(struct crm_rep *r, const struct crm_pipeline *p, const struct crm_stage *const *s,
		  size_t n)
{
	crm_rep_sql(r, "WITH ");
	stage_table(r, s, n);
	crm_rep_sql(r, ", deal AS (SELECT ");
	crm_rep_group(r, &crm_rep_leads, "l.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " AS g, CASE WHEN d.status = 'won' THEN 1 ELSE 0 END AS won, ");
	crm_rep_sqlf(r, crm_dialect(r->ctx->db)->greatest,
		     "coalesce((SELECT st.idx FROM st WHERE st.id = d.stage), 0),"
		     " coalesce((SELECT max(st.idx) FROM deal_stages s JOIN st ON st.id = s.to_stage"
		     " WHERE s.deal_id = d.id), 0)");
	crm_rep_sql(r, " AS top FROM deals d JOIN leads l ON l.id = d.lead_id WHERE d.pipeline = ");
	crm_rep_text(r, p->id);
	crm_rep_where(r, &crm_rep_leads, "l.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, "), tops AS (SELECT g, top, count(*) AS n, sum(won) AS w FROM deal GROUP BY g, top),"
		    " cohort AS (SELECT ");
	crm_rep_group(r, &crm_rep_leads, "l.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " AS g, count(*) AS n, coalesce(sum(CASE WHEN l.first_contact_at IS NOT NULL"
		    " OR l.status IN ('contacted', 'qualified', 'converted') THEN 1 ELSE 0 END), 0)"
		    " AS contacted FROM leads l WHERE TRUE");
	crm_rep_where(r, &crm_rep_leads, "l.created_at", CRM_TIME_INSTANT);
	if (r->dim != CRM_DIM_NONE)
		crm_rep_sql(r, " GROUP BY 1");
	crm_rep_sqlf(r, "), steps AS (SELECT g, 1 AS step, 'leads' AS stage, 'leads' AS name, n FROM cohort"
		     " UNION ALL SELECT g, 2, 'contacted', 'contacted', contacted FROM cohort"
		     " UNION ALL SELECT c.g, st.idx + 2, st.id, st.name, CASE WHEN st.idx < %zu"
		     " THEN (SELECT coalesce(sum(t.n), 0) FROM tops t WHERE t.g IS NOT DISTINCT FROM c.g"
		     " AND t.top >= st.idx)"
		     " ELSE (SELECT coalesce(sum(t.w), 0) FROM tops t WHERE t.g IS NOT DISTINCT FROM c.g) END"
		     " FROM cohort c, st)"
		     " SELECT g, step, stage, name, n, lag(n) OVER w, first_value(n) OVER w FROM steps"
		     " WINDOW w AS (PARTITION BY g ORDER BY step) ORDER BY g NULLS FIRST, step", n);
}

static void row(struct crm_rep *r, const char *g, int64_t step, const char *stage, const char *name,
		int64_t count, const int64_t *prev, int64_t top)
{
	char sstep[32], scount[32], sprev[32] = "", stop[32];
	crm_rep_count(step, sstep);
	crm_rep_count(count, scount);
	if (prev)
		crm_rep_rate(count, *prev, sprev);
	crm_rep_rate(count, top, stop);
	const char *f[] = { sstep, stage, name, scount, sprev, stop };
	const char *gf[] = { g, sstep, stage, name, scount, sprev, stop };
	crm_rep_row(r, r->dim == CRM_DIM_NONE ? f : gf);
	crm_rep_point(r, name, r->dim == CRM_DIM_NONE ? "count" : (*g ? g : "(none)"), scount);
}

/* The funnel of a period with no leads: every step, nobody in it. */
static void empty(struct crm_rep *r, const char *key)
{
	const struct crm_pipeline *p = crm_config_pipeline(r->ctx->cfg, r->o->pipeline);
	size_t n;
	const struct crm_stage **s = funnel_stages(p, &n);
	int64_t zero = 0;
	row(r, key, 1, "leads", "leads", 0, NULL, 0);
	row(r, key, 2, "contacted", "contacted", 0, &zero, 0);
	for (size_t i = 0; i < n; i++)
		row(r, key, (int64_t)i + 3, s[i]->id, s[i]->name, 0, &zero, 0);
	free(s);
}

int crm_report_funnel(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	int st;
	const struct crm_pipeline *p = crm_config_pipeline(ctx->cfg, o->pipeline);
	if (!p) {
		crm_warn("unknown pipeline '%s'", o->pipeline);
		return EX_DATAERR;
	}
	if ((st = crm_rep_open(&r, ctx, o, fp, "funnel", CRM_DIMS_COMMON, CRM_DIM_NONE)))
		return st;
	size_t n;
	const struct crm_stage **s = funnel_stages(p, &n);
	build(&r, p, s, n);
	free(s);
	if (!(st = crm_rep_prepare(&r))) {
		crm_rep_cols_begin(&r);
		crm_rep_col(&r, "step", CRM_COL_NUM);
		crm_rep_col(&r, "stage", CRM_COL_TEXT);
		crm_rep_col(&r, "name", CRM_COL_TEXT);
		crm_rep_col(&r, "count", CRM_COL_NUM);
		crm_rep_col(&r, "conv_prev", CRM_COL_RATE);
		crm_rep_col(&r, "conv_top", CRM_COL_RATE);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Funnel", "step", "count");
		int k;
		while ((k = crm_rep_step(&r)) > 0) {
			const char *g = crm_rep_col_text(&r, 0);
			int64_t step = crm_rep_col_int(&r, 1), prev = crm_rep_col_int(&r, 5);
			if (step == 1)
				crm_rep_gap(&r, g, empty);
			row(&r, g, step, crm_rep_col_text(&r, 2), crm_rep_col_text(&r, 3),
			    crm_rep_col_int(&r, 4), crm_rep_col_null(&r, 5) ? NULL : &prev,
			    crm_rep_col_int(&r, 6));
		}
		if (k < 0)
			st = -k;
		else
			crm_rep_gap_end(&r, empty);
	}
	crm_rep_close(&r);
	return st;
}
