/* roi.c: see roi.h.  Costs are written and listed in cost.c.
 *
 * Attribution is by cohort: the report takes the leads created in the
 * period and follows them wherever they went, so a deal won in June from a
 * lead of March counts for March.  Everything is integer cents until the
 * ratios, which are computed here from the sums, rounding halves away from
 * zero. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "dialect.h"
#include "err.h"
#include "gnuplot.h"
#include "money.h"
#include "roi.h"

/* ---- figures ---- */

void crm_roi_ratio(int64_t num, int64_t den, char out[32])
{
	if (den == 0) {
		snprintf(out, 32, "%s", num > 0 ? "inf" : num < 0 ? "-inf" : "");
		return;
	}
	__int128 n = (__int128)num * 10000, d = den;
	if (d < 0)
		n = -n, d = -d;
	bool neg = n < 0;
	if (neg)
		n = -n;
	__int128 q = (2 * n + d) / (2 * d);
	snprintf(out, 32, "%s%lld.%04lld", neg && q ? "-" : "", (long long)(q / 10000),
		 (long long)(q % 10000));
}

void crm_roi_per(int64_t cents, int64_t n, char out[32])
{
	if (n == 0) {
		snprintf(out, 32, "%s", cents ? "inf" : "");
		return;
	}
	__int128 c = cents, d = n;
	if (d < 0)
		c = -c, d = -d;
	__int128 q = c >= 0 ? (2 * c + d) / (2 * d) : -((-2 * c + d - 1) / (2 * d));
	char m[CRM_MONEY_LEN];
	crm_money_format((int64_t)q, m);
	snprintf(out, 32, "%s", m);
}

static bool is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int crm_roi_month(const char *period, char from[11], char to[11])
{
	static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y = 0, m = 0;
	for (int i = 0; i < 7; i++)
		if (i == 4 ? period[i] != '-' : (period[i] < '0' || period[i] > '9'))
			return -1;
	if (period[7])
		return -1;
	y = atoi(period);
	m = atoi(period + 5);
	if (y < 1 || m < 1 || m > 12)
		return -1;
	int last = mdays[m - 1] + (m == 2 && is_leap(y));
	memcpy(from, period, 7);
	memcpy(from + 7, "-01", 4);
	memcpy(to, period, 7);
	to[7] = '-';
	to[8] = (char)('0' + last / 10);
	to[9] = (char)('0' + last % 10);
	to[10] = '\0';
	return 0;
}

/* ---- the share of a cost ---- */

char *crm_roi_days_sql(struct crm_db *db)
{
	char *days = crm_xasprintf(crm_dialect(db)->days, "period_end", "period_start");
	char *sql = crm_xasprintf("(%s + 1)", days);
	free(days);
	return sql;
}

char *crm_roi_prorated_sql(struct crm_db *db)
{
	const struct crm_dialect *d = crm_dialect(db);
	char *last = crm_xasprintf(d->least, "period_end, :to_day");
	char *first = crm_xasprintf(d->greatest, "period_start, :from_day");
	char *span = crm_xasprintf(d->days, last, first);
	char *inside = crm_xasprintf("0, %s + 1", span);
	char *in = crm_xasprintf(d->greatest, inside);
	char *all = crm_roi_days_sql(db);
	char *sql = crm_xasprintf("(CASE WHEN %s >= %s THEN amount ELSE (amount * %s * 2 + %s)"
				  " / (2 * %s) END)", in, all, in, all, all);
	free(last);
	free(first);
	free(span);
	free(inside);
	free(in);
	free(all);
	return sql;
}

/* ---- the period and the filters ---- */

static void bind_named(struct crm_stmt *st, const char *name, const char *value)
{
	int i = crm_param_index(st, name);
	if (i)
		crm_bind_text(st, i, value);
}

static void bind_named_id(struct crm_stmt *st, const char *name, int64_t id)
{
	int i = crm_param_index(st, name);
	if (i)
		crm_bind_id(st, i, id);
}

/* Whole local days: --since D from the midnight starting D's day, --until
 * D to the end of D's day. */
int crm_roi_window(struct crm_ctx *ctx, const struct crm_roi_filter *f, struct crm_roi_window *w)
{
	crm_time t;
	memset(w, 0, sizeof *w);
	strcpy(w->since, "0000");	/* below and above every stored instant */
	strcpy(w->until, "9999");
	strcpy(w->from_day, "0000-01-01");
	strcpy(w->to_day, "9999-12-31");
	crm_time lo = 0, hi = 0;
	int st;
	if (f->since) {
		if ((st = crm_opt_time("--since", f->since, ctx->now, &t)))
			return st;
		lo = crm_time_day_start(t);
		crm_time_iso(lo, w->since);
		crm_time_date(lo, w->from_day);
	}
	if (f->until) {
		if ((st = crm_opt_time("--until", f->until, ctx->now, &t)))
			return st;
		hi = crm_time_add_days(crm_time_day_start(t), 1);
		crm_time_iso(hi, w->until);
		crm_time_date(t, w->to_day);
	}
	if (f->since && f->until && hi <= lo)
		return crm_usage_fail("--until '%s' is before --since '%s'", f->until, f->since);
	w->lo = lo;
	w->hi = hi;
	w->closed = f->since && f->until;
	if ((f->owner && (st = crm_ctx_filter_user(ctx, f->owner, &w->owner))) ||
	    (f->team && (st = crm_ctx_filter_team(ctx, f->team, &w->team))))
		return st;
	return 0;
}

/* Below this share of the time over which leads were created, a period
 * is short. */
#define SEEK_SHARE 0.03

/* Does the period cover less than SEEK_SHARE of the time over which leads
 * were created?  (The first and last come from the created_at index.) */
static bool short_period(struct crm_ctx *ctx, const struct crm_roi_window *w)
{
	crm_time first, last;
	if (!w->closed)
		return false;
	/* two subqueries: min() and max() in one would scan the whole index */
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT (SELECT min(created_at) FROM leads), (SELECT max(created_at) FROM leads)");
	if (!st || crm_step(st) != CRM_ROW ||
	    crm_time_parse_iso(crm_col_text(st, 0), &first) != 0 ||
	    crm_time_parse_iso(crm_col_text(st, 1), &last) != 0 || last <= first)
		return false;
	crm_time from = w->lo > first ? w->lo : first, to = w->hi < last ? w->hi : last;
	return to <= from || (double)(to - from) / (double)(last - first) < SEEK_SHARE;
}

void crm_roi_window_bind(struct crm_ctx *ctx, struct crm_stmt *st, const struct crm_roi_filter *f,
			 const struct crm_roi_window *w)
{
	bind_named(st, ":since", w->since);
	bind_named(st, ":until", w->until);
	bind_named(st, ":from_day", w->from_day);
	bind_named(st, ":to_day", w->to_day);
	bind_named(st, ":source", f->source);
	bind_named(st, ":campaign", f->campaign);
	bind_named(st, ":region", f->region);
	bind_named_id(st, ":owner", w->owner);
	bind_named_id(st, ":team", w->team);
	crm_ctx_bind_actor(ctx, st);
}


/* ---- the report's query ---- */

/* The report is one query, assembled from the fixed parts below for the
 * filters given, so that a plain report costs what the same SQL written by
 * hand costs (bench/roi.sql).  It returns one row per channel (k1 the
 * source, k2 the campaign or NULL) and, for tables, a last row of totals
 * whose customers are distinct over all channels, not summed.  A won deal
 * with no account counts its lead as the customer.
 *
 * Two plans.  A period that holds a fair share of the leads is read best
 * by scanning leads, and deals in id order with a look-up of each deal's
 * lead (ids of both grow with time, so those look-ups land near each
 * other): index look-ups in created_at order would jump all over the
 * table, several times slower.  A short period is read through the
 * created_at index, and its deals through deals.lead_id. */
struct sql {
	char s[6144];
	size_t len;
};

static void add(struct sql *q, const char *part)
{
	size_t n = strlen(part);
	if (q->len + n >= sizeof q->s)
		crm_die(EX_SOFTWARE, "internal error: report query too long");
	memcpy(q->s + q->len, part, n + 1);
	q->len += n;
}

static void roi_query(struct sql *q, struct crm_ctx *ctx, const struct crm_roi_filter *f,
		      const struct crm_roi_window *w, bool seek, bool totals)
{
	const struct crm_dialect *d = crm_dialect(ctx->db);
	/* costs are the company's: revenue must be too (crm_roi_report) */
	bool all = ctx->actor.role >= CRM_ROLE_MANAGER;
	/* PostgreSQL's row-level security holds a manager to the team's rows:
	 * the channel's leads and won deals come from the server's functions
	 * that give managers the company's (security_pg.h) */
	bool server = all && ctx->actor.role == CRM_ROLE_MANAGER && d->row_security;
	const char *keys = f->by_campaign ? "k1, k2" : "k1";
	/* by source, k2 is no column to group by but NULL */
	const char *k2 = f->by_campaign ? "k2" : "NULL AS k2";
	add(q, "WITH cohort AS NOT MATERIALIZED (SELECT l.id, ");
	if (seek) {
		/* keep the short plan off the source index for grouping */
		char *source = crm_xasprintf(d->no_index, "l.source");
		add(q, source);
		free(source);
	} else {
		add(q, "l.source");
	}
	add(q, " AS k1, ");
	add(q, f->by_campaign ? "l.campaign" : "NULL");
	add(q, server ? " AS k2 FROM crm_roi_leads(:since, :until) l" : " AS k2 FROM leads l");
	if (!seek)
		add(q, d->not_indexed);
	add(q, " WHERE l.created_at >= :since AND l.created_at < :until");
	if (f->source)
		add(q, " AND l.source = :source");
	if (f->campaign)
		add(q, " AND l.campaign = :campaign");
	if (w->owner)
		add(q, " AND l.owner_id = :owner");
	if (w->team)
		add(q, " AND l.owner_id IN (SELECT u.id FROM users u WHERE u.team_id = :team)");
	if (f->region)
		add(q, " AND l.region = :region");
	if (!all)
		add(q, " AND " CRM_SQL_VISIBLE_LEAD("l.owner_id"));
	add(q, totals ? "), won AS MATERIALIZED (" : "), won AS (");
	add(q, "SELECT c.k1, c.k2, coalesce(d.account_id, -d.lead_id) AS customer, d.amount FROM ");
	const char *deals = server ? "crm_roi_won() d" : "deals d";
	if (seek) {
		add(q, "cohort c JOIN ");
		add(q, deals);
		add(q, " ON c.id = d.lead_id WHERE");
	} else {
		add(q, deals);
		add(q, d->not_indexed);
		add(q, " CROSS JOIN cohort c WHERE c.id = d.lead_id AND");
	}
	add(q, " d.status = 'won'");
	if (!all)
		add(q, " AND " CRM_SQL_VISIBLE("d.owner_id"));
	add(q, "), spent AS (SELECT source AS k1, ");
	add(q, f->by_campaign ? "campaign" : "NULL");
	add(q, " AS k2, sum(");
	char *prorated = crm_roi_prorated_sql(ctx->db);
	add(q, prorated);
	free(prorated);
	add(q, ") AS cost FROM costs WHERE period_start <= :to_day AND period_end >= :from_day");
	if (f->source)
		add(q, " AND source = :source");
	if (f->campaign)
		add(q, " AND campaign = :campaign");
	add(q, " GROUP BY ");
	add(q, keys);
	add(q, totals ? "), channels AS MATERIALIZED (" : "), channels AS (");
	add(q, "SELECT k1, ");
	add(q, k2);
	add(q, ", sum(leads) AS leads, sum(customers) AS customers,"
	    " sum(revenue) AS revenue, sum(cost) AS cost FROM (SELECT k1, ");
	add(q, k2);
	add(q, ", count(*) AS leads, 0 AS customers, 0 AS revenue, 0 AS cost FROM cohort GROUP BY ");
	add(q, keys);
	add(q, " UNION ALL SELECT k1, ");
	add(q, k2);
	add(q, ", 0, count(DISTINCT customer), sum(amount), 0 FROM won GROUP BY ");
	add(q, keys);
	add(q, " UNION ALL SELECT k1, k2, 0, 0, 0, cost FROM spent) AS x GROUP BY ");
	add(q, keys);
	add(q, ") SELECT 0, k1, k2, leads, customers, revenue, cost FROM channels");
	if (totals)
		add(q, " UNION ALL SELECT 1, NULL, NULL, coalesce(sum(leads), 0),"
		    " (SELECT count(DISTINCT customer) FROM won), coalesce(sum(revenue), 0),"
		    " coalesce(sum(cost), 0) FROM channels");
	add(q, " ORDER BY 1, 6 DESC, 2 NULLS FIRST, 3 NULLS FIRST");
}



/* ---- the report ---- */

struct channel {
	char *source, *campaign;
	int64_t leads, customers, revenue, cost;
};

/* The columns of a channel as the report prints them (f holds 11). */
static void channel_fields(const struct channel *c, char buf[9][32], const char **f)
{
	snprintf(buf[0], 32, "%lld", (long long)c->leads);
	snprintf(buf[1], 32, "%lld", (long long)c->customers);
	crm_roi_ratio(c->customers, c->leads, buf[2]);
	crm_money_format(c->revenue, buf[3]);
	crm_money_format(c->cost, buf[4]);
	crm_roi_per(c->cost, c->leads, buf[5]);
	crm_roi_per(c->cost, c->customers, buf[6]);
	crm_roi_ratio(c->revenue, c->cost, buf[7]);
	crm_roi_ratio(c->revenue - c->cost, c->cost, buf[8]);
	f[0] = c->source;
	f[1] = c->campaign;
	for (int i = 0; i < 9; i++)
		f[2 + i] = buf[i];
}

static void print_table(struct crm_ctx *ctx, const struct crm_roi_filter *f,
			const struct channel *ch, size_t n, const struct channel *total, FILE *out)
{
	static const char *const names[] = {"source", "campaign", "leads", "customers",
		"conversion", "revenue", "cost", "cost_per_lead", "cost_per_customer", "roas", "roi"};
	static const enum crm_col_kind kinds[] = {CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_INT,
		CRM_COL_INT, CRM_COL_RATE, CRM_COL_MONEY, CRM_COL_MONEY, CRM_COL_MONEY,
		CRM_COL_MONEY, CRM_COL_NUM, CRM_COL_RATE};
	int skip = f->by_campaign ? -1 : 1;	/* no campaign column by source */
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	char buf[9][32];
	const char *fields[11], *row[11];
	for (int i = 0; i < 11; i++)
		if (i != skip)
			crm_out_col(o, names[i], kinds[i]);
	for (size_t r = 0; r <= n; r++) {
		channel_fields(r < n ? &ch[r] : total, buf, fields);
		for (int i = 0, j = 0; i < 11; i++)
			if (i != skip)
				row[j++] = fields[i];
		if (r < n)
			crm_out_row(o, row);
		else
			crm_out_footer(o, row);
	}
	crm_out_end(o);
}

static void print_chart(const struct crm_roi_filter *f, const struct channel *ch, size_t n,
			FILE *out)
{
	struct crm_plot *p = crm_plot_new(CRM_PLOT_BARS,
		f->by_campaign ? "Revenue and cost per campaign" : "Revenue and cost per source",
		f->by_campaign ? "source / campaign" : "source", "amount");
	crm_plot_series(p, "revenue");
	crm_plot_series(p, "cost");
	for (size_t i = 0; i < n; i++) {
		char rev[CRM_MONEY_LEN], cost[CRM_MONEY_LEN];
		crm_money_format(ch[i].revenue, rev);
		crm_money_format(ch[i].cost, cost);
		const char *src = *ch[i].source ? ch[i].source : "(none)";
		char *label = f->by_campaign
			? crm_xasprintf("%s / %s", src, *ch[i].campaign ? ch[i].campaign : "(none)")
			: crm_xstrdup(src);
		crm_plot_row(p, label, (const char *const[]){rev, cost});
		free(label);
	}
	crm_plot_end(p, out);
}

int crm_roi_report(struct crm_ctx *ctx, const struct crm_roi_filter *f, FILE *out)
{
	struct crm_roi_window w;
	static char total_name[] = "total", no_campaign[] = "";
	struct channel *ch = NULL, total = {.source = total_name, .campaign = no_campaign};
	size_t n = 0, cap = 0;
	/* Costs are company-wide; set against one rep's revenue they would
	 * make a figure that answers nothing.  Managers and admins see the
	 * company's revenue here, in sums per channel and no more. */
	if (ctx->actor.role < CRM_ROLE_MANAGER) {
		crm_warn("permission denied: ROI needs company-wide revenue; ask a manager");
		return EX_NOPERM;
	}
	int st = crm_roi_window(ctx, f, &w), rc;
	if (st)
		return st;
	struct sql q = {.len = 0};
	struct crm_stmt *s;
	roi_query(&q, ctx, f, &w, short_period(ctx, &w), ctx->opts->format == CRM_FMT_TABLE);
	if (crm_db_prepare(ctx->db, q.s, &s) != CRM_OK)
		return crm_db_fail(ctx->db, "cannot compute the report");
	crm_roi_window_bind(ctx, s, f, &w);
	while ((rc = crm_step(s)) == CRM_ROW) {
		struct channel c = {NULL, NULL, crm_col_int(s, 3), crm_col_int(s, 4),
			crm_col_int(s, 5), crm_col_int(s, 6)};
		if (crm_col_int(s, 0)) {
			c.source = total.source;
			c.campaign = total.campaign;
			total = c;
			continue;
		}
		if (n == cap)
			ch = crm_xrealloc(ch, (cap = cap ? 2 * cap : 16) * sizeof *ch);
		c.source = crm_xstrdup(crm_col_text(s, 1));
		c.campaign = crm_xstrdup(crm_col_text(s, 2));
		ch[n++] = c;
	}
	if (rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot compute the report");
	crm_stmt_finish(s);
	if (!st && ctx->opts->format == CRM_FMT_GNUPLOT)
		print_chart(f, ch, n, out);
	else if (!st)
		print_table(ctx, f, ch, n, &total, out);
	for (size_t i = 0; i < n; i++) {
		free(ch[i].source);
		free(ch[i].campaign);
	}
	free(ch);
	return st;
}

