/* report_service.c: crm-report service and backlog, over tickets.
 *
 * service: the tickets opened in the window, per group: how many, how
 * many are resolved and still open, the mean first-response and
 * resolution times in business hours (the config's calendar), SLA
 * attainment (a ticket with an SLA meets it when its first response came
 * by its due time and it was resolved by its resolve due time, pending
 * time left out; one still open past a due time has missed it), and the
 * answers to its surveys: CSAT (mean of 1-5) and NPS (% promoters 9-10
 * less % detractors 0-6).
 *
 * backlog: the tickets open now (new, open, pending) by age since they
 * were opened, in calendar days, with the oldest and those past a due
 * time.
 *
 * The times are business time, so the rows come from SQL one ticket at a
 * time, ordered by group, and are summed here: memory stays constant. */
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "report_int.h"

static const struct crm_rep_base tickets = {
	.owner = "t.owner_id",
	.visible = CRM_SQL_VISIBLE("t.owner_id"),
	.source = "t.channel",
	.campaign = "NULL",
	.region = "(SELECT a.region FROM accounts a WHERE a.id = t.account_id)",
	.industry = "(SELECT a.industry FROM accounts a WHERE a.id = t.account_id)",
	.category = "coalesce(t.category, '')",
	.account = "coalesce((SELECT a.name FROM accounts a WHERE a.id = t.account_id), '')",
	.priority = "t.priority",
};

#define SERVICE_DIMS (CRM_DIM_BIT(CRM_DIM_OWNER) | CRM_DIM_BIT(CRM_DIM_TEAM) | \
	CRM_DIM_BIT(CRM_DIM_CATEGORY) | CRM_DIM_BIT(CRM_DIM_ACCOUNT) | \
	CRM_DIM_BIT(CRM_DIM_PRIORITY) | CRM_DIMS_PERIOD)

static bool instant(const char *s, crm_time *t)
{
	return *s && crm_time_parse_iso(s, t) == 0;
}

struct svc {
	int64_t opened, resolved, open, fr_sum, fr_n, res_sum, res_n, sla_n, sla_met;
	int64_t csat_sum, csat_n, nps_n, promoters, detractors;
};

static void svc_row(struct crm_rep *r, const char *g, const struct svc *s)
{
	char f[11][32];
	crm_rep_count(s->opened, f[0]);
	crm_rep_count(s->resolved, f[1]);
	crm_rep_count(s->open, f[2]);
	crm_rep_mean(s->fr_sum, s->fr_n, 3600, f[3]);
	crm_rep_mean(s->res_sum, s->res_n, 3600, f[4]);
	crm_rep_count(s->sla_n, f[5]);
	crm_rep_count(s->sla_met, f[6]);
	crm_rep_rate(s->sla_met, s->sla_n, f[7]);
	crm_rep_count(s->csat_n, f[8]);
	crm_rep_mean(s->csat_sum, s->csat_n, 1, f[9]);
	f[10][0] = '\0';
	if (s->nps_n)	/* in points, -100..100, rounded half away from zero */
		snprintf(f[10], 32, "%.1f", 100.0 * (double)(s->promoters - s->detractors)
			 / (double)s->nps_n);
	if (r->dim == CRM_DIM_NONE) {
		crm_rep_row(r, (const char *[]){f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8],
						f[9], f[10]});
		crm_rep_point(r, "all", "opened", f[0]);
		crm_rep_point(r, "all", "resolved", f[1]);
	} else if (g) {
		crm_rep_row(r, (const char *[]){g, f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7],
						f[8], f[9], f[10]});
		crm_rep_point(r, g, "opened", f[0]);
		crm_rep_point(r, g, "resolved", f[1]);
	} else {
		crm_rep_footer(r, (const char *[]){"total", f[0], f[1], f[2], f[3], f[4], f[5], f[6],
						   f[7], f[8], f[9], f[10]});
	}
}

static void svc_add(struct svc *to, const struct svc *s)
{
	int64_t *a = &to->opened;
	const int64_t *b = &s->opened;
	for (size_t i = 0; i < sizeof *s / sizeof(int64_t); i++)
		a[i] += b[i];
}

/* One ticket's row into s: the columns of service_sql after the group. */
static void svc_ticket(struct crm_rep *r, const struct crm_calendar *cal, struct svc *s)
{
	crm_time created, fr, res, fr_due, res_due;
	const char *status = crm_rep_col_text(r, 1);
	bool has_fr = instant(crm_rep_col_text(r, 3), &fr);
	bool has_res = instant(crm_rep_col_text(r, 4), &res);
	bool has_fr_due = instant(crm_rep_col_text(r, 5), &fr_due);
	bool has_res_due = instant(crm_rep_col_text(r, 6), &res_due);
	bool breached = *crm_rep_col_text(r, 7) != '\0';
	s->opened++;
	bool done = !strcmp(status, "resolved") || !strcmp(status, "closed");
	if (done)
		s->resolved++;
	else
		s->open++;
	if (instant(crm_rep_col_text(r, 2), &created)) {
		if (has_fr) {
			s->fr_sum += crm_cal_business_seconds(cal, created, fr);
			s->fr_n++;
		}
		if (done && has_res) {
			s->res_sum += crm_cal_business_seconds(cal, created, res);
			s->res_n++;
		}
	}
	if (has_fr_due || has_res_due) {
		crm_time now = r->ctx->now;
		bool missed = breached ||
			(has_fr_due && (has_fr ? fr > fr_due : now > fr_due)) ||
			(has_res_due && (done && has_res ? res > res_due
					 : strcmp(status, "pending") && now > res_due));
		s->sla_n++;
		if (!missed)
			s->sla_met++;
	}
	if (!crm_rep_col_null(r, 8)) {
		s->csat_sum += crm_rep_col_int(r, 8);
		s->csat_n++;
	}
	if (!crm_rep_col_null(r, 9)) {
		int64_t n = crm_rep_col_int(r, 9);
		s->nps_n++;
		s->promoters += n >= 9;
		s->detractors += n <= 6;
	}
}

static void svc_empty(struct crm_rep *r, const char *key)
{
	static const struct svc zero;
	svc_row(r, key, &zero);
}

int crm_report_service(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	int st = crm_rep_open(&r, ctx, o, fp, "service", SERVICE_DIMS, CRM_DIM_NONE);
	if (st)
		return st;
	crm_rep_sql(&r, "SELECT ");
	crm_rep_group(&r, &tickets, "t.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(&r, " AS g, t.status, t.created_at, coalesce(t.first_response_at, ''),"
		    " coalesce(t.resolved_at, ''), coalesce(t.first_response_due, ''),"
		    " coalesce(t.resolve_due, ''), coalesce(t.breached_at, ''), s.csat, s.nps"
		    " FROM tickets t LEFT JOIN surveys s ON s.ticket_id = t.id"
		    " WHERE t.forgotten_at IS NULL");
	crm_rep_where(&r, &tickets, "t.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(&r, " ORDER BY g, t.id");
	if (!(st = crm_rep_prepare(&r))) {
		static const char *const names[] = {
			"opened", "resolved", "open", "first_response_hours", "resolution_hours",
			"sla_tickets", "sla_met", "sla_rate", "surveys", "csat", "nps",
		};
		static const enum crm_col_kind kinds[] = {
			CRM_COL_INT, CRM_COL_INT, CRM_COL_INT, CRM_COL_NUM, CRM_COL_NUM, CRM_COL_INT,
			CRM_COL_INT, CRM_COL_RATE, CRM_COL_INT, CRM_COL_NUM, CRM_COL_NUM,
		};
		crm_rep_cols_begin(&r);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			crm_rep_col(&r, names[i], kinds[i]);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Tickets", r.dim_name ? r.dim_name : "", "tickets");
		const struct crm_calendar *cal = &ctx->cfg->service.calendar;
		struct svc group = {0}, total = {0};
		char key[256] = "";
		bool any = false;
		int k;
		while ((k = crm_rep_step(&r)) > 0) {
			const char *g = crm_rep_col_text(&r, 0);
			if (any && strcmp(g, key)) {
				svc_row(&r, key, &group);
				svc_add(&total, &group);
				memset(&group, 0, sizeof group);
			}
			if (!any || strcmp(g, key)) {
				if (crm_dim_is_period(r.dim))
					crm_rep_gap(&r, g, svc_empty);
				snprintf(key, sizeof key, "%s", g);
			}
			any = true;
			svc_ticket(&r, cal, &group);
		}
		if (k < 0) {
			st = -k;
		} else {
			if (any && r.dim != CRM_DIM_NONE) {
				svc_row(&r, key, &group);
				svc_add(&total, &group);
			} else if (any) {
				total = group;
			}
			if (crm_dim_is_period(r.dim))
				crm_rep_gap_end(&r, svc_empty);
			svc_row(&r, NULL, &total);
		}
	}
	crm_rep_close(&r);
	return st;
}

/* ---- backlog ---- */

#define BACKLOG_DIMS (CRM_DIM_BIT(CRM_DIM_OWNER) | CRM_DIM_BIT(CRM_DIM_TEAM) | \
	CRM_DIM_BIT(CRM_DIM_CATEGORY) | CRM_DIM_BIT(CRM_DIM_ACCOUNT) | \
	CRM_DIM_BIT(CRM_DIM_PRIORITY))

enum { AGE_BUCKETS = 5 };	/* under 1 day, 1-3, 3-7, 7-30, over 30 */

struct backlog {
	int64_t n[AGE_BUCKETS], total, pending, overdue, oldest_days;
};

static void backlog_row(struct crm_rep *r, const char *g, const struct backlog *b)
{
	char f[9][32];
	for (int i = 0; i < AGE_BUCKETS; i++)
		crm_rep_count(b->n[i], f[i]);
	crm_rep_count(b->total, f[5]);
	crm_rep_count(b->pending, f[6]);
	crm_rep_count(b->overdue, f[7]);
	crm_rep_count(b->oldest_days, f[8]);
	const char *row[] = {g ? g : "total", f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8]};
	if (r->dim == CRM_DIM_NONE) {
		crm_rep_row(r, row + 1);
		crm_rep_point(r, "all", "open", f[5]);
	} else if (g) {
		crm_rep_row(r, row);
		crm_rep_point(r, g, "open", f[5]);
	} else {
		crm_rep_footer(r, row);
	}
}

int crm_report_backlog(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_rep r;
	int st = crm_rep_open(&r, ctx, o, fp, "backlog", BACKLOG_DIMS, CRM_DIM_NONE);
	if (st)
		return st;
	crm_rep_sql(&r, "SELECT ");
	crm_rep_group(&r, &tickets, "t.created_at", CRM_TIME_INSTANT);
	crm_rep_sql(&r, " AS g, t.status, t.created_at, coalesce(t.first_response_at, ''),"
		    " coalesce(t.first_response_due, ''), coalesce(t.resolve_due, '')"
		    " FROM tickets t WHERE t.status IN ('new', 'open', 'pending')"
		    " AND t.forgotten_at IS NULL");
	crm_rep_filter(&r, &tickets);
	crm_rep_sql(&r, " ORDER BY g, t.id");
	if (!(st = crm_rep_prepare(&r))) {
		static const char *const names[] = {
			"under_1d", "days_1_3", "days_3_7", "days_7_30", "over_30d", "open", "pending",
			"overdue", "oldest_days",
		};
		crm_rep_cols_begin(&r);
		for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
			crm_rep_col(&r, names[i], i == 8 ? CRM_COL_NUM : CRM_COL_INT);
		crm_rep_chart(&r, CRM_PLOT_BARS, "Open tickets", r.dim_name ? r.dim_name : "", "tickets");
		struct backlog group = {0}, total = {0};
		char key[256] = "";
		bool any = false;
		int k;
		while ((k = crm_rep_step(&r)) > 0) {
			const char *g = crm_rep_col_text(&r, 0);
			if (any && strcmp(g, key)) {
				backlog_row(&r, key, &group);
				memset(&group, 0, sizeof group);
			}
			snprintf(key, sizeof key, "%s", g);
			any = true;
			crm_time created, fr_due, res_due;
			if (!instant(crm_rep_col_text(&r, 2), &created))
				continue;
			int64_t days = (ctx->now - created) / 86400;
			int b = days < 1 ? 0 : days < 3 ? 1 : days < 7 ? 2 : days < 30 ? 3 : 4;
			bool pending = !strcmp(crm_rep_col_text(&r, 1), "pending");
			bool first = !*crm_rep_col_text(&r, 3);
			bool late = !pending &&
				((first && instant(crm_rep_col_text(&r, 4), &fr_due) && ctx->now > fr_due) ||
				 (instant(crm_rep_col_text(&r, 5), &res_due) && ctx->now > res_due));
			struct backlog *t[] = {&group, &total};
			for (int i = 0; i < 2; i++) {
				t[i]->n[b]++;
				t[i]->total++;
				t[i]->pending += pending;
				t[i]->overdue += late;
				if (days > t[i]->oldest_days)
					t[i]->oldest_days = days;
			}
		}
		if (k < 0) {
			st = -k;
		} else {
			if (any && r.dim != CRM_DIM_NONE)
				backlog_row(&r, key, &group);
			backlog_row(&r, NULL, &total);
		}
	}
	crm_rep_close(&r);
	return st;
}
