/* churn.h: the churn-risk signals of the accounts that have bought
 * something, written once for crm-report churn (report_churn.c) and the
 * churn_risk reminder of crm-task remind (remind.c).  crm-report(1),
 * "CHURN", is the reference for the signals, their points and the risk
 * levels; in short:
 *
 *	slowing   no purchase for at least 1.5 times the account's usual
 *	          interval (the mean gap between its purchase days, two or
 *	          more of them): 10 points per interval elapsed, at most 40
 *	silence   no interaction on the account, its contacts, deals or
 *	          tickets (or since its creation) for idle days: 20, twice
 *	          that: 30
 *	tickets   15 per SLA breach in 90 days (at most 30), and 10 for 3 or
 *	          more tickets opened in 90 days
 *	rating    the latest survey answered in 180 days gave CSAT <= 2 or
 *	          NPS <= 6: 20
 *	overdue   open instalments past due on its live contracts: 10, more
 *	          than 30 days past due 20, more than 60 days 30
 *
 * score = the sum, at most 100; high from CRM_CHURN_HIGH, medium from
 * CRM_CHURN_MEDIUM.  A purchase is a day with an order that is not
 * cancelled, or with a won deal (its close date) none of whose contracts
 * has such an order; days count in whole local calendar days. */
#ifndef CRM_CHURN_H
#define CRM_CHURN_H

#include "ctx.h"
#include "db.h"

#define CRM_CHURN_HIGH 50
#define CRM_CHURN_MEDIUM 25
#define CRM_CHURN_IDLE 60	/* days of silence, when not given */

/* The columns of the query, one row per account with a purchase (up to
 * today).  LAST is the last purchase in days since 1970-01-01, SINCE the
 * days from it to today, USUAL the usual interval (NULL with one
 * purchase day), P_x the points and R_x the reason (NULL for 0 points)
 * of each signal, TOP the reason with the most points (the first of the
 * signals in this order among equals; NULL for a score of 0). */
enum crm_churn_col {
	CRM_CHURN_AID, CRM_CHURN_NAME, CRM_CHURN_OWNER, CRM_CHURN_SCORE, CRM_CHURN_LAST,
	CRM_CHURN_SINCE, CRM_CHURN_USUAL,
	CRM_CHURN_P_SLOW, CRM_CHURN_R_SLOW, CRM_CHURN_P_IDLE, CRM_CHURN_R_IDLE,
	CRM_CHURN_P_TICKETS, CRM_CHURN_R_TICKETS, CRM_CHURN_P_RATING, CRM_CHURN_R_RATING,
	CRM_CHURN_P_OVERDUE, CRM_CHURN_R_OVERDUE, CRM_CHURN_TOP,
	CRM_CHURN_NCOLS
};
#define CRM_CHURN_SIGNALS 5	/* the (P, R) pairs from CRM_CHURN_P_SLOW */

/* The query as a SELECT in two halves, built once per process (it holds
 * pieces of db's dialect; do not free them): between head and tail go
 * conditions " AND ..." on the account, alias a (visibility, filters).
 * Its parameters are named :churn_* (bound by crm_churn_bind) and those
 * of the caller's conditions. */
void crm_churn_sql(struct crm_db *db, const char **head, const char **tail);

/* Bind the :churn_* parameters of st for today (ctx->now) and silence
 * after idle days. */
void crm_churn_bind(struct crm_ctx *ctx, struct crm_stmt *st, int idle);

/* The 360 view's churn risk of account_id (report_churn.c): score, risk,
 * reasons, last_purchase, days_since, usual_interval; no row when it has
 * bought nothing.  The caller has checked the account's visibility. */
struct crm_out;
int crm_churn_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o);

#endif
