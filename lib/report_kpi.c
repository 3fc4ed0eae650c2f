/* report_kpi.c: crm-report kpi.  Each figure counts the events of its own
 * kind whose time falls in the period: leads created, leads first
 * contacted (and the median time it took them), deals created, deals won
 * and lost (closed_at), and for the deals won, the days since their lead
 * came in; payments received (collected, 回款额) and what is still open
 * of the instalments due in the period (outstanding: the balance now).
 * The median is taken in SQL with window functions: the one or
 * two middle values of each period's ordered times. */
#include <stdint.h>
#include <string.h>

#include "dialect.h"
#include "report_int.h"

/* the figures of a period, in the order of the query's columns 1..10 */
enum { LEADS, CONTACTED, MID_SUM, MID_N, OPENED, WON, AMOUNT, LOST, DAYS_SUM, DAYS_N, COLLECTED,
       OUTSTANDING, NKPI };

/* Payments and instalments take their owner and fields from their
 * contract: its owner, its deal's source and campaign, its account's
 * region and industry. */
#define CONTRACT_OF(x, expr) "(SELECT " expr " FROM contracts c WHERE c.id = " x ".contract_id)"
#define CONTRACT_DEAL(x, f) \
	"(SELECT d." f " FROM contracts c JOIN deals d ON d.id = c.deal_id WHERE c.id = " x ".contract_id)"
#define CONTRACT_ACCOUNT(x, f) \
	"(SELECT a." f " FROM contracts c JOIN accounts a ON a.id = c.account_id" \
	" WHERE c.id = " x ".contract_id)"
#define PAY_BASE(x) { \
	CONTRACT_OF(x, "c.owner_id"), CRM_SQL_VISIBLE(CONTRACT_OF(x, "c.owner_id")), \
	CONTRACT_DEAL(x, "source"), CONTRACT_DEAL(x, "campaign"), CONTRACT_ACCOUNT(x, "region"), \
	CONTRACT_ACCOUNT(x, "industry"), NULL, NULL, NULL }
const struct crm_rep_base crm_rep_payments = PAY_BASE("p"), crm_rep_instalments = PAY_BASE("i");

static void kpi_sql(struct crm_rep *r)
{
	const struct crm_dialect *d = crm_dialect(r->ctx->db);
	crm_rep_sql(r, "WITH ev(g, new_leads, contacted, fc, opened, won, amount, lost, l2w, collected,"
		    " outstanding) AS (SELECT ");
	crm_rep_group(r, &crm_rep_leads, "l.created_at", CRM_TIME_INSTANT);
	/* typed: PostgreSQL types a UNION's NULLs pairwise, text when two meet */
	crm_rep_sql(r, ", 1, 0, CAST(NULL AS BIGINT), 0, 0, 0, 0, CAST(NULL AS BIGINT), 0, 0"
		    " FROM leads l WHERE TRUE");
	crm_rep_where(r, &crm_rep_leads, "l.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_leads, "l.first_contact_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", 0, 1, ");
	crm_rep_sqlf(r, d->epoch, "l.first_contact_at");
	crm_rep_sql(r, " - ");
	crm_rep_sqlf(r, d->epoch, "l.created_at");
	crm_rep_sql(r, ", 0, 0, 0, 0, NULL, 0, 0 FROM leads l WHERE l.first_contact_at IS NOT NULL");
	crm_rep_where(r, &crm_rep_leads, "l.first_contact_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", 0, 0, NULL, 1, 0, 0, 0, NULL, 0, 0 FROM deals d WHERE TRUE");
	crm_rep_where(r, &crm_rep_deals, "d.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	crm_rep_sql(r, ", 0, 0, NULL, 0, CASE WHEN d.status = 'won' THEN 1 ELSE 0 END,"
		    " CASE WHEN d.status = 'won' THEN d.amount ELSE 0 END,"
		    " CASE WHEN d.status = 'lost' THEN 1 ELSE 0 END, CASE WHEN d.status = 'won' THEN ");
	crm_rep_sqlf(r, d->epoch, "d.closed_at");
	crm_rep_sql(r, " - (SELECT ");
	crm_rep_sqlf(r, d->epoch, "l.created_at");
	crm_rep_sql(r, " FROM leads l WHERE l.id = d.lead_id) END, 0, 0"
		    " FROM deals d WHERE d.status IN ('won', 'lost') AND d.closed_at IS NOT NULL");
	crm_rep_where(r, &crm_rep_deals, "d.closed_at", CRM_TIME_INSTANT);
	/* collected: payments received in the period */
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_payments, "p.paid_on", CRM_TIME_DATE);
	crm_rep_sql(r, ", 0, 0, NULL, 0, 0, 0, 0, NULL, p.amount, 0 FROM payments p WHERE TRUE");
	crm_rep_where(r, &crm_rep_payments, "p.paid_on", CRM_TIME_DATE);
	/* outstanding: what is open now of the instalments due in the period */
	crm_rep_sql(r, " UNION ALL SELECT ");
	crm_rep_group(r, &crm_rep_instalments, "i.due_on", CRM_TIME_DATE);
	crm_rep_sql(r, ", 0, 0, NULL, 0, 0, 0, 0, NULL, 0, i.amount - i.paid FROM instalments i"
		    " WHERE i.paid < i.amount AND " CONTRACT_OF("i", "c.status")
		    " IN ('approved', 'signed', 'active', 'completed')");
	crm_rep_where(r, &crm_rep_instalments, "i.due_on", CRM_TIME_DATE);
	/* mid has one row per g: max() is that row's figure, and grouping by
	 * it too would cost SQLite a second sort */
	crm_rep_sql(r, "), med AS (SELECT g, fc, row_number() OVER (PARTITION BY g ORDER BY fc) AS rn,"
		    " count(*) OVER (PARTITION BY g) AS cnt FROM ev WHERE fc IS NOT NULL),"
		    " mid AS (SELECT g, sum(fc) AS s, count(*) AS n FROM med"
		    " WHERE rn IN ((cnt + 1) / 2, (cnt + 2) / 2) GROUP BY g)"
		    " SELECT e.g, sum(new_leads), sum(contacted), coalesce(max(m.s), 0), coalesce(max(m.n), 0),"
		    " sum(opened), sum(won), sum(amount), sum(lost), coalesce(sum(l2w), 0), count(l2w),"
		    " sum(collected), sum(outstanding)"
		    " FROM ev e LEFT JOIN mid m ON m.g IS NOT DISTINCT FROM e.g GROUP BY e.g"
		    " ORDER BY e.g NULLS FIRST");
}

static void kpi_row(struct crm_rep *r, const char *g, const int64_t *k)
{
	char f[12][32];
	crm_rep_count(k[LEADS], f[0]);
	crm_rep_count(k[CONTACTED], f[1]);
	crm_rep_mean(k[MID_SUM], k[MID_N], 3600, f[2]);
	crm_rep_count(k[OPENED], f[3]);
	crm_rep_count(k[WON], f[4]);
	crm_rep_money(k[AMOUNT], f[5]);
	crm_rep_count(k[LOST], f[6]);
	crm_rep_rate(k[WON], k[WON] + k[LOST], f[7]);
	f[8][0] = '\0';
	if (k[WON])	/* in cents, halves up */
		crm_rep_money((2 * k[AMOUNT] + k[WON]) / (2 * k[WON]), f[8]);
	crm_rep_mean(k[DAYS_SUM], k[DAYS_N], 86400, f[9]);
	crm_rep_money(k[COLLECTED], f[10]);
	crm_rep_money(k[OUTSTANDING], f[11]);
	if (g)
		crm_rep_row(r, (const char *[]){ g, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
						 f[8], f[9], f[10], f[11] });
	else
		crm_rep_footer(r, (const char *[]){ "total", f[0], f[1], "", f[3], f[4], f[5], f[6],
						    f[7], f[8], f[9], f[10], f[11] });
	if (!g)
		return;
	crm_rep_point(r, g, "new leads", f[0]);
	crm_rep_point(r, g, "contacted", f[1]);
	crm_rep_point(r, g, "deals opened", f[3]);
	crm_rep_point(r, g, "deals won", f[4]);
}

static void kpi_empty(struct crm_rep *r, const char *key)
{
	static const int64_t zero[NKPI];
	kpi_row(r, key, zero);
}

int crm_report_kpi(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	int st;
	if ((st = crm_rep_open(&r, ctx, o, fp, "kpi", CRM_DIMS_COMMON, CRM_DIM_MONTH)))
		return st;
	kpi_sql(&r);
	if (!(st = crm_rep_prepare(&r))) {
		int64_t all[NKPI] = { 0 };
		int k;
		static const char *const names[] = {
			"new_leads", "contacted", "median_hours_to_contact", "deals_opened", "deals_won",
			"won_amount", "deals_lost", "win_rate", "avg_deal_size", "avg_days_to_win",
			"collected", "outstanding",
		};
		static const enum crm_col_kind kinds[] = {
			CRM_COL_INT, CRM_COL_INT, CRM_COL_NUM, CRM_COL_INT, CRM_COL_INT, CRM_COL_MONEY,
			CRM_COL_INT, CRM_COL_RATE, CRM_COL_NUM, CRM_COL_NUM, CRM_COL_MONEY, CRM_COL_MONEY,
		};
		crm_rep_cols_begin(&r);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			crm_rep_col(&r, names[i], kinds[i]);
		crm_rep_chart(&r, crm_dim_is_period(r.dim) ? CRM_PLOT_LINES : CRM_PLOT_BARS, "KPIs",
			      r.dim_name, "count");
		while ((k = crm_rep_step(&r)) > 0) {
			int64_t v[NKPI];
			for (int i = 0; i < NKPI; i++) {
				v[i] = crm_rep_col_int(&r, i + 1);
				all[i] += v[i];
			}
			crm_rep_gap(&r, crm_rep_col_text(&r, 0), kpi_empty);
			kpi_row(&r, crm_rep_col_text(&r, 0), v);
		}
		if (k < 0) {
			st = -k;
		} else {
			crm_rep_gap_end(&r, kpi_empty);
			kpi_row(&r, NULL, all);
		}
	}
	crm_rep_close(&r);
	return st;
}
