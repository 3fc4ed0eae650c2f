/* roi.h: what marketing channels cost (the costs table: crm-roi cost, in
 * cost.c) and what they bring back: the ROI report per source or campaign
 * over a cohort of leads (roi.c), with each cost period counted pro rata by
 * the days it shares with the report period. */
#ifndef CRM_ROI_H
#define CRM_ROI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "rows.h"

/* One cost as given on the command line or in an import row; NULL or ""
 * means not given.  Either period ("2026-03") or from and to. */
struct crm_cost_input {
	const char *source, *campaign, *period, *from, *to, *amount, *note;
};

struct crm_cost_import_opts {
	enum crm_rows_format format;	/* CRM_ROWS_GUESS: by file name */
	bool skip_bad;
	const char *reject;		/* with skip_bad; NULL = stderr */
};

/* Filters of the report and of cost list.  since and until are whole local
 * days (until inclusive); leads count by creation, costs pro rata. */
struct crm_roi_filter {
	const char *since, *until;
	const char *source, *campaign;
	const char *owner, *team, *region;	/* leads only: costs have none */
	bool by_campaign;			/* rows per source and campaign */
};

/* Writers: managers and admins only (77), one transaction, audited; the
 * costs written (or removed) go to out as cost list prints them. */
int crm_cost_add(struct crm_ctx *ctx, const struct crm_cost_input *in, FILE *out);
int crm_cost_import(struct crm_ctx *ctx, const struct crm_cost_import_opts *o,
		    const char *file, FILE *out);
int crm_cost_remove(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out);

int crm_cost_list(struct crm_ctx *ctx, const struct crm_roi_filter *f, FILE *out);
/* The report in ctx->opts->format: tsv, csv, table (with a totals row) or
 * a gnuplot script charting revenue against cost per channel. */
int crm_roi_report(struct crm_ctx *ctx, const struct crm_roi_filter *f, FILE *out);

/* ---- shared by cost.c and roi.c ---- */

/* The report period resolved: instants for leads (until exclusive; "0000"
 * and "9999" when open), local days for costs ("0000-01-01" and
 * "9999-12-31" when open), and the ids of --owner and --team. */
struct crm_roi_window {
	char since[CRM_ISO_LEN], until[CRM_ISO_LEN];
	crm_time lo, hi;
	bool closed;		/* both --since and --until given */
	char from_day[CRM_DATE_LEN], to_day[CRM_DATE_LEN];
	int64_t owner, team;
};

/* 0, or 64 (bad date) / 65 (unknown user or team) after reporting. */
int crm_roi_window(struct crm_ctx *ctx, const struct crm_roi_filter *f, struct crm_roi_window *w);
/* Bind :since :until :from_day :to_day :source :campaign :region :owner
 * :team and the actor, where the statement has them. */
struct crm_stmt;
void crm_roi_window_bind(struct crm_ctx *ctx, struct crm_stmt *st,
			 const struct crm_roi_filter *f, const struct crm_roi_window *w);

/* SQL over a costs row, in the dialect of db (malloc'd): the days of its
 * period, and its part of the amount for :from_day..:to_day: amount * d / n
 * for d of its n days inside, to the cent, halves up; a period wholly
 * inside keeps its amount exactly (and cost.c refuses amounts for which
 * amount * 2n would overflow). */
struct crm_db;
char *crm_roi_days_sql(struct crm_db *db);
char *crm_roi_prorated_sql(struct crm_db *db);

/* num / den with four decimals, halves away from zero: "0.7333"; "inf"
 * (or "-inf") when den is 0 and num is not, "" for 0 / 0. */
void crm_roi_ratio(int64_t num, int64_t den, char out[32]);
/* cents / n as money rounded to the cent, halves up: "12.35"; "inf" when
 * n is 0 and cents is not, "" for 0 / 0. */
void crm_roi_per(int64_t cents, int64_t n, char out[32]);
/* "2026-02" => "2026-02-01" and "2026-02-28"; -1 when malformed. */
int crm_roi_month(const char *period, char from[11], char to[11]);

#endif
