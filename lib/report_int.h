/* report_int.h: what the report modules (report*.c) share and nobody else
 * uses: the query being built (SQL text made only of constant fragments,
 * every value a bound parameter), the window, filters and grouping turned
 * into SQL, and the output, rows for lib/out.h or points for a chart. */
#ifndef CRM_REPORT_INT_H
#define CRM_REPORT_INT_H

#include <stdbool.h>
#include <stdint.h>

#include "db.h"
#include "gnuplot.h"
#include "report.h"

enum crm_dim {
	CRM_DIM_NONE, CRM_DIM_OWNER, CRM_DIM_TEAM, CRM_DIM_SOURCE, CRM_DIM_CAMPAIGN,
	CRM_DIM_REGION, CRM_DIM_INDUSTRY, CRM_DIM_MONTH, CRM_DIM_WEEK, CRM_DIM_QUARTER,
	CRM_DIM_STAGE, CRM_DIM_CATEGORY, CRM_DIM_ACCOUNT, CRM_DIM_PRIORITY,
};
#define CRM_DIM_BIT(d) (1u << (d))
/* what every report can be grouped by */
#define CRM_DIMS_COMMON (CRM_DIM_BIT(CRM_DIM_OWNER) | CRM_DIM_BIT(CRM_DIM_TEAM) | \
	CRM_DIM_BIT(CRM_DIM_SOURCE) | CRM_DIM_BIT(CRM_DIM_CAMPAIGN) | CRM_DIM_BIT(CRM_DIM_REGION) | \
	CRM_DIM_BIT(CRM_DIM_INDUSTRY) | CRM_DIMS_PERIOD)
#define CRM_DIMS_PERIOD (CRM_DIM_BIT(CRM_DIM_MONTH) | CRM_DIM_BIT(CRM_DIM_WEEK) | \
	CRM_DIM_BIT(CRM_DIM_QUARTER))

static inline int crm_dim_is_period(enum crm_dim d)
{
	return d == CRM_DIM_MONTH || d == CRM_DIM_WEEK || d == CRM_DIM_QUARTER;
}

/* How a kind of record names its owner and the fields filters and --by
 * use, as SQL over one alias (l for leads, d for deals, i for
 * interactions).  visible is CRM_SQL_VISIBLE over the owner column. */
struct crm_rep_base {
	const char *owner, *visible, *source, *campaign, *region, *industry;
	const char *category, *account, *priority;	/* tickets */
};
extern const struct crm_rep_base crm_rep_leads, crm_rep_deals, crm_rep_interactions;
/* payments (alias p) and instalments (alias i), through their contract
 * (report_kpi.c) */
extern const struct crm_rep_base crm_rep_payments, crm_rep_instalments;

enum crm_time_kind { CRM_TIME_INSTANT, CRM_TIME_DATE };

struct crm_rep_param {
	char *text;		/* NULL: the integer */
	int64_t num;
};

struct crm_rep_cell {
	char *label, *series, *value;
};

struct crm_rep {
	struct crm_ctx *ctx;
	const struct crm_report_opts *o;
	const char *name;		/* "funnel" */
	enum crm_dim dim;
	const char *dim_name;		/* the group column's name */
	int64_t owner_id, team_id;
	bool restricted;		/* the actor sees only some owners */
	/* the window: instants [since, until), local dates [since_date, until_date] */
	bool has_since, has_until;
	crm_time since, until;
	char since_iso[CRM_ISO_LEN], until_iso[CRM_ISO_LEN];
	char since_date[CRM_DATE_LEN], until_date[CRM_DATE_LEN];
	/* the query */
	char *sql;
	size_t len, cap;
	struct crm_rep_param *params;
	size_t nparams;
	char param_name[24];		/* the last one's, ":p3" */
	struct crm_stmt *st;
	/* output: a table or a chart */
	FILE *fp;		/* NULL: print nothing (forecast --snapshot -q) */
	struct crm_out *out;
	enum crm_plot_style style;
	char *title, *xlabel, *ylabel;
	struct crm_rep_cell *cells;
	size_t ncells;
	/* period groups seen, to print the empty ones in between */
	char last_key[16];
	bool gap_started;
};

/* Check the options against what report name takes (dims: CRM_DIM_BIT
 * set; NONE is always allowed) and resolve them: --by (or def), owner,
 * team, the window.  Returns 0 or an exit status after reporting. */
int crm_rep_open(struct crm_rep *r, struct crm_ctx *ctx, const struct crm_report_opts *o,
		 FILE *fp, const char *name, unsigned dims, enum crm_dim def);
/* Finish the output (table, or the chart script) and free everything. */
void crm_rep_close(struct crm_rep *r);

/* Build the SQL: append constant text; append a bound value's parameter. */
void crm_rep_sql(struct crm_rep *r, const char *s);
void crm_rep_sqlf(struct crm_rep *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void crm_rep_text(struct crm_rep *r, const char *value);
void crm_rep_int(struct crm_rep *r, int64_t value);
/* A new parameter bound to value, not appended: its name, valid until the
 * next parameter, as the operand of a dialect's expression (dialect.h). */
const char *crm_rep_param(struct crm_rep *r, const char *value);
/* " AND ..." for the filters, visibility and the window on time. */
void crm_rep_where(struct crm_rep *r, const struct crm_rep_base *b, const char *time,
		   enum crm_time_kind kind);
/* The same without the window. */
void crm_rep_filter(struct crm_rep *r, const struct crm_rep_base *b);
/* The group key of a row (NULL when not grouped), periods over time. */
void crm_rep_group(struct crm_rep *r, const struct crm_rep_base *b, const char *time,
		   enum crm_time_kind kind);
/* The period key (month, week or quarter as dim) of time. */
void crm_rep_period(struct crm_rep *r, enum crm_dim dim, const char *time, enum crm_time_kind kind);
/* Prepare and bind; 0 or exit status. */
int crm_rep_prepare(struct crm_rep *r);
/* Next row: 1, 0 at the end, or -status after reporting. */
int crm_rep_step(struct crm_rep *r);
const char *crm_rep_col_text(struct crm_rep *r, int i);	/* "" for NULL */
int64_t crm_rep_col_int(struct crm_rep *r, int i);
bool crm_rep_col_null(struct crm_rep *r, int i);

/* Output: declare columns (the group column first, when grouped, is
 * declared by crm_rep_cols_begin), then rows; charts instead collect
 * (label, series, value) points.  Only one of the two is active. */
void crm_rep_cols_begin(struct crm_rep *r);
void crm_rep_col(struct crm_rep *r, const char *name, enum crm_col_kind kind);
void crm_rep_row(struct crm_rep *r, const char *const *fields);
void crm_rep_totals(struct crm_rep *r, const char *label);
void crm_rep_footer(struct crm_rep *r, const char *const *fields);
bool crm_rep_charting(const struct crm_rep *r);
void crm_rep_chart(struct crm_rep *r, enum crm_plot_style style, const char *title,
		   const char *xlabel, const char *ylabel);
void crm_rep_point(struct crm_rep *r, const char *label, const char *series, const char *value);

/* With a period grouping, call before the rows of each group key: calls
 * empty(r, key) for each period with no rows since the last one (or the
 * start of the window); crm_rep_gap_end fills up to the window's end. */
void crm_rep_gap(struct crm_rep *r, const char *key, void (*empty)(struct crm_rep *, const char *));
void crm_rep_gap_end(struct crm_rep *r, void (*empty)(struct crm_rep *, const char *));

/* Number formats: money from cents; a rate n/d with four decimals, "inf"
 * for n/0 and empty for 0/0; a mean (sum/n/unit) with two decimals,
 * empty for n = 0. */
void crm_rep_money(int64_t cents, char out[32]);
void crm_rep_rate(int64_t n, int64_t d, char out[32]);
void crm_rep_mean(int64_t sum, int64_t n, double unit, char out[32]);
/* "%lld" */
void crm_rep_count(int64_t v, char out[32]);

/* RFM (report_rfm.c, read by clv's --by segment too): the 1-5 score of
 * a value that smaller of the group's n are below (equal values score the
 * same), the segment (an index of crm_rfm_segments) of R and F scores. */
extern const char *const crm_rfm_segments[];
int crm_rfm_score(size_t smaller, size_t n);
int crm_rfm_segment(int r, int f);

/* The window's local dates as period keys, for snapshots: the key of t. */
void crm_rep_period_key(enum crm_dim dim, crm_time t, char out[16]);
/* The first and last local dates of the period that holds t. */
void crm_rep_period_bounds(enum crm_dim dim, crm_time t, char first[CRM_DATE_LEN],
			   char last[CRM_DATE_LEN]);

#endif
