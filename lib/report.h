/* report.h: the sales reports of crm-report(1): funnel, forecast (and its
 * snapshots and accuracy), kpi, leaderboard, lost, activity, cycle, rfm,
 * clv, churn, service and backlog.
 * Each is one SQL query streamed to lib/out.h or drawn with lib/gnuplot.h;
 * all share the window (--since/--until/--period), the filters (owner,
 * team, source, campaign, region), one level of grouping (--by) and the
 * visibility rules of ctx.h.  crm-report(1) says which date each report
 * windows on and how each figure is computed. */
#ifndef CRM_REPORT_H
#define CRM_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

struct crm_report_opts {
	const char *since, *until;	/* as for crm_time_parse; a bare date of
					 * until takes in that whole day */
	const char *period;		/* "2026", "2026-03", "2026-Q1", "2026-W10" */
	const char *owner, *team;	/* login, team name */
	const char *source, *campaign, *region;
	const char *by;			/* one of crm_report_dimensions */
	const char *metric;		/* leaderboard: one of crm_report_metrics */
	const char *pipeline;		/* funnel, cycle: NULL = the default one */
	bool snapshot;			/* forecast: store it for the current period */
	int min_score;			/* churn: only scores from this (0 = all) */
	int idle;			/* churn: days of silence (0 = CRM_CHURN_IDLE) */
	bool dry_run;			/* forecast --snapshot: show, store nothing */
	/* clv: print the fitted parameters instead of the accounts; the
	 * horizon in periods (0: 3) of period_weeks weeks (0: 52), and the
	 * discount rate per period (>= 0) */
	bool params;
	int horizon;
	double period_weeks, discount;
	enum crm_format format;
	bool header;
};

/* Every report: 0, or an exit status after reporting (64 for an option
 * the report does not take, 65 for an unknown user, team, pipeline or a
 * bad date, 77 for --owner naming someone the actor may not see). */
int crm_report_funnel(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_forecast(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_accuracy(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_kpi(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_leaderboard(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_lost(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_activity(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_cycle(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_rfm(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
/* Tickets (report_service.c): service levels of the tickets opened in the
 * window, and the backlog of open ones by age. */
int crm_report_service(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_backlog(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
/* Churn risk (report_churn.c, crm-report(1) "CHURN"): every account the
 * actor sees with a purchase, its score, risk and reasons (churn.h), by
 * score; --by owner or team; min_score and idle; no window. */
int crm_report_churn(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
/* Customer lifetime value (report_clv.c): the BG/NBD and Gamma-Gamma
 * models (clv.h) fitted over the accounts' purchases up to --until, per
 * account, or summed --by segment (the RFM segment), owner, industry or
 * region; --params: the fitted parameters. */
int crm_report_clv(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
/* The 360 view's lifetime value of account_id to date, its purchases as
 * clv counts them: revenue, purchases (days), average_order, first and
 * last purchase (no row when none).  The caller has checked visibility. */
struct crm_out;
int crm_clv_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o);
/* Receivables (receivable.c, crm-report(1) "RECEIVABLES"): ageing of the
 * open instalments now, --by account (default), owner or team; the
 * collections forecast and bookings against collections, --period week,
 * month (default) or quarter, which for these two names the length of a
 * row's period, not a window. */
int crm_report_ageing(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_collections(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);
int crm_report_bookings(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp);

/* NULL-terminated names, for --help, checks and completion. */
extern const char *const crm_report_dimensions[];
extern const char *const crm_report_metrics[];

#endif
