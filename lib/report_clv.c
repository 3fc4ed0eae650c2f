/* report_clv.c: crm-report clv, customer lifetime value from the BG/NBD
 * and Gamma-Gamma models (clv.h).
 *
 * An account's purchases are its won deals (the amount, on the local date
 * of closed_at) and its orders (total, on ordered_on, cancelled ones
 * left out), except that a won deal with a contract (contracts.deal_id)
 * that has orders counts through those orders only, so that a sale is not
 * counted twice.  Purchases on one day are one purchase (their values
 * summed), as in the paper.  The calibration period runs from --since (or
 * the first purchase) to the end of --until (or today); time is counted
 * in weeks (days / 7).  The models are fitted over the accounts the
 * report covers: after --owner, --team, --source, --region and the
 * actor's visibility (a rep sees, and fits over, only the accounts they
 * own).  Amounts are in the currency's units, as they are stored, with
 * no conversion between currencies.
 *
 * Per account: frequency x (repeat purchase days), recency t_x and age T
 * in weeks, revenue to date and its mean per purchase day, P(alive), the
 * expected purchases in the next period, the expected value of a
 * purchase (Gamma-Gamma), and
 *
 *	clv = sum_{k=1..H} (E[Y(kL) | x, t_x, T] - E[Y((k-1)L) | x, t_x, T])
 *	      E[M | x, m] / (1 + d)^k
 *
 * for H = --horizon periods of L = --period-weeks weeks at the discount
 * rate d = --discount per period.  --by segment (the RFM segments of
 * report_rfm.c, from quintiles of the last purchase day and the number of
 * purchase days), owner, industry or region: one row per group. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "clv.h"
#include "date.h"
#include "err.h"
#include "order.h"
#include "money.h"
#include "record.h"
#include "report_int.h"

static const struct crm_rep_base accounts = {
	"a.owner_id", CRM_SQL_VISIBLE_OWNED("a.owner_id"), "a.source", "NULL", "a.region",
	"a.industry", NULL, NULL, NULL,
};

#define segments crm_rfm_segments

struct acct {
	int64_t id;
	char *name, *group;
	struct crm_clv_cust c;
	int64_t revenue, purchases, last;	/* cents; days; the day */
	int seg;
	double p_alive, next, aov, clv;
};

struct clv {
	struct acct *a;
	size_t n, cap;
	/* the current account's purchases */
	int64_t *days;
	double *values;
	size_t np, pcap;
};


static bool date_days(const char *date, int64_t *out)
{
	int y, m, d;
	if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31)
		return false;
	*out = crm_days_from_civil(y, m, d);
	return true;
}

static void clv_sql(struct crm_rep *r)
{
	crm_rep_sql(r, "SELECT a.id, a.name, ");
	crm_rep_group(r, &accounts, "NULL", CRM_TIME_DATE);
	crm_rep_sql(r, ", t.at, t.isdate, t.amt FROM (SELECT d.account_id AS aid, d.closed_at AS at,"
		    " 0 AS isdate, d.amount AS amt FROM deals d WHERE " CRM_SQL_DEAL_PURCHASE("d"));
	if (r->has_since) {
		crm_rep_sql(r, " AND d.closed_at >= ");
		crm_rep_text(r, r->since_iso);
	}
	if (r->has_until) {
		crm_rep_sql(r, " AND d.closed_at < ");
		crm_rep_text(r, r->until_iso);
	}
	crm_rep_sql(r, " UNION ALL SELECT coalesce(o.account_id, c.account_id), o.ordered_on, 1, o.total"
		    " FROM orders o JOIN contracts c ON c.id = o.contract_id WHERE o.status <> 'cancelled'");
	if (r->has_since) {
		crm_rep_sql(r, " AND o.ordered_on >= ");
		crm_rep_text(r, r->since_date);
	}
	if (r->has_until) {
		crm_rep_sql(r, " AND o.ordered_on <= ");
		crm_rep_text(r, r->until_date);
	}
	crm_rep_sql(r, ") t JOIN accounts a ON a.id = t.aid WHERE 1 = 1");
	crm_rep_filter(r, &accounts);
	crm_rep_sql(r, " ORDER BY a.id");
}

static int cmp_day(const void *x, const void *y)
{
	const int64_t *a = x, *b = y;
	return (*a > *b) - (*a < *b);
}

/* The purchases gathered for the last account read: sort them by day
 * (values with them) and summarise; an account with none before the end
 * is dropped. */
static void finish_account(struct clv *v, int64_t end)
{
	struct acct *a = &v->a[v->n - 1];
	/* sort (day, value) pairs together: days and values interleaved */
	struct pv { int64_t day; double value; } *p = crm_xcalloc(v->np ? v->np : 1, sizeof *p);
	for (size_t i = 0; i < v->np; i++)
		p[i] = (struct pv){ v->days[i], v->values[i] };
	qsort(p, v->np, sizeof *p, cmp_day);
	a->revenue = 0;
	a->purchases = 0;
	for (size_t i = 0; i < v->np; i++) {
		v->days[i] = p[i].day;
		v->values[i] = p[i].value;
		if (p[i].day <= end) {
			a->revenue += llround(p[i].value * 100);
			a->last = p[i].day;
			a->purchases += i == 0 || p[i].day != p[i - 1].day;
		}
	}
	free(p);
	if (crm_clv_summary(v->days, v->values, v->np, end, 7, &a->c) != 0) {
		free(a->name);
		free(a->group);
		v->n--;
	}
	v->np = 0;
}

static int read_accounts(struct crm_rep *r, struct clv *v, int64_t end)
{
	int k;
	int64_t cur = 0;
	while ((k = crm_rep_step(r)) > 0) {
		int64_t id = crm_rep_col_int(r, 0), day;
		const char *at = crm_rep_col_text(r, 3);
		if (v->n == 0 || id != cur) {
			if (v->n)
				finish_account(v, end);
			if (v->n == v->cap) {
				v->cap = v->cap ? 2 * v->cap : 256;
				v->a = crm_xrealloc(v->a, v->cap * sizeof *v->a);
			}
			memset(&v->a[v->n], 0, sizeof v->a[v->n]);
			v->a[v->n].id = cur = id;
			v->a[v->n].name = crm_xstrdup(crm_rep_col_text(r, 1));
			v->a[v->n].group = crm_xstrdup(crm_rep_col_text(r, 2));
			v->n++;
		}
		if (crm_rep_col_int(r, 4)) {
			if (!date_days(at, &day))
				continue;
		} else {
			crm_time t;
			char date[CRM_DATE_LEN];
			if (crm_time_parse_iso(at, &t) != 0)
				continue;
			crm_time_date(t, date);
			if (!date_days(date, &day))
				continue;
		}
		if (v->np == v->pcap) {
			v->pcap = v->pcap ? 2 * v->pcap : 64;
			v->days = crm_xrealloc(v->days, v->pcap * sizeof *v->days);
			v->values = crm_xrealloc(v->values, v->pcap * sizeof *v->values);
		}
		v->days[v->np] = day;
		v->values[v->np] = (double)crm_rep_col_int(r, 5) / 100;
		v->np++;
	}
	if (v->n)
		finish_account(v, end);
	return k < 0 ? -k : 0;
}

static int cmp_last(const void *x, const void *y)
{
	const struct acct *const *a = x, *const *b = y;
	return ((*a)->last > (*b)->last) - ((*a)->last < (*b)->last);
}

static int cmp_freq(const void *x, const void *y)
{
	const struct acct *const *a = x, *const *b = y;
	return ((*a)->purchases > (*b)->purchases) - ((*a)->purchases < (*b)->purchases);
}

/* The R or F score (crm_rfm_score) of each account into score, in the
 * order cmp sorts p: the same for the same value. */
static void scores(struct clv *v, struct acct **p, int (*cmp)(const void *, const void *),
		   int *score)
{
	qsort(p, v->n, sizeof *p, cmp);
	for (size_t i = 0, smaller = 0; i < v->n; i++) {
		if (i && cmp(&p[i - 1], &p[i]))
			smaller = i;
		score[p[i] - v->a] = crm_rfm_score(smaller, v->n);
	}
}

/* The RFM segment of each account, as report_rfm.c makes it. */
static void segment(struct clv *v)
{
	struct acct **p = crm_xcalloc(v->n ? v->n : 1, sizeof *p);
	int *rs = crm_xcalloc(v->n ? v->n : 1, sizeof *rs);
	int *fs = crm_xcalloc(v->n ? v->n : 1, sizeof *fs);
	for (size_t i = 0; i < v->n; i++)
		p[i] = &v->a[i];
	scores(v, p, cmp_last, rs);
	scores(v, p, cmp_freq, fs);
	for (size_t i = 0; i < v->n; i++)
		v->a[i].seg = crm_rfm_segment(rs[i], fs[i]);
	free(fs);
	free(rs);
	free(p);
}

static int cmp_clv(const void *x, const void *y)
{
	const struct acct *a = x, *b = y;
	if (a->clv != b->clv)
		return a->clv > b->clv ? -1 : 1;
	return (a->id > b->id) - (a->id < b->id);
}

static void money(double units, char out[32])
{
	crm_rep_money(llround(units * 100), out);
}

static void print_params(struct crm_rep *r, const struct crm_clv_bgnbd *m, const struct crm_clv_gg *g,
			 size_t n)
{
	char v[11][32];
	snprintf(v[0], 32, "%.6g", m->r);
	snprintf(v[1], 32, "%.6g", m->alpha);
	snprintf(v[2], 32, "%.6g", m->a);
	snprintf(v[3], 32, "%.6g", m->b);
	snprintf(v[4], 32, "%.4f", m->ll);
	snprintf(v[5], 32, "%zu", n);
	snprintf(v[6], 32, "%.6g", g->p);
	snprintf(v[7], 32, "%.6g", g->q);
	snprintf(v[8], 32, "%.6g", g->gamma);
	snprintf(v[9], 32, "%.4f", g->ll);
	snprintf(v[10], 32, "%zu", g->n);
	static const char *const model[] = { "bgnbd", "bgnbd", "bgnbd", "bgnbd", "bgnbd", "bgnbd",
		"gamma-gamma", "gamma-gamma", "gamma-gamma", "gamma-gamma", "gamma-gamma" };
	static const char *const name[] = { "r", "alpha", "a", "b", "log_likelihood", "customers",
		"p", "q", "gamma", "log_likelihood", "customers" };
	crm_rep_col(r, "model", CRM_COL_TEXT);
	crm_rep_col(r, "parameter", CRM_COL_TEXT);
	crm_rep_col(r, "value", CRM_COL_NUM);
	crm_rep_chart(r, CRM_PLOT_BARS, "CLV model parameters", "parameter", "value");
	for (int i = 0; i < 11; i++) {
		const char *row[] = { model[i], name[i], v[i] };
		crm_rep_row(r, row);
		if (i < 4 || (i >= 6 && i < 9))
			crm_rep_point(r, name[i], model[i], v[i]);
	}
}

static void print_accounts(struct crm_rep *r, struct clv *v)
{
	static const char *const names[] = {
		"account_id", "account", "frequency", "recency_weeks", "age_weeks", "revenue", "aov",
		"p_alive", "exp_purchases", "exp_aov", "clv",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_NUM, CRM_COL_NUM, CRM_COL_NUM, CRM_COL_MONEY,
		CRM_COL_MONEY, CRM_COL_RATE, CRM_COL_NUM, CRM_COL_MONEY, CRM_COL_MONEY,
	};
	int64_t revenue = 0;
	double next = 0, clv = 0;
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		crm_rep_col(r, names[i], kinds[i]);
	crm_rep_chart(r, CRM_PLOT_BARS, "Customer lifetime value, top 20 accounts", "account", "clv");
	qsort(v->a, v->n, sizeof *v->a, cmp_clv);
	for (size_t i = 0; i < v->n; i++) {
		struct acct *a = &v->a[i];
		char f[10][32];
		crm_rep_count(a->id, f[0]);
		crm_rep_count((int64_t)a->c.x, f[1]);
		snprintf(f[2], 32, "%.2f", a->c.tx);
		snprintf(f[3], 32, "%.2f", a->c.T);
		crm_rep_money(a->revenue, f[4]);
		crm_rep_money(a->purchases ? llround((double)a->revenue / (double)a->purchases) : 0, f[5]);
		snprintf(f[6], 32, "%.4f", a->p_alive);
		snprintf(f[7], 32, "%.4f", a->next);
		money(a->aov, f[8]);
		money(a->clv, f[9]);
		const char *row[] = { f[0], a->name, f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9] };
		crm_rep_row(r, row);
		if (i < 20)
			crm_rep_point(r, *a->name ? a->name : f[0], "clv", f[9]);
		revenue += a->revenue;
		next += a->next;
		clv += a->clv;
	}
	char t[3][32];
	crm_rep_money(revenue, t[0]);
	snprintf(t[1], 32, "%.4f", next);
	money(clv, t[2]);
	const char *foot[] = { "total", "", "", "", "", t[0], "", "", t[1], "", t[2] };
	crm_rep_footer(r, foot);
}

static int cmp_group(const void *x, const void *y)
{
	const struct acct *a = x, *b = y;
	int c = a->seg != b->seg ? (a->seg < b->seg ? -1 : 1) : strcmp(a->group, b->group);
	return c ? c : (a->id > b->id) - (a->id < b->id);
}

/* Per group: accounts, revenue, expected purchases and CLV summed, the
 * mean P(alive) and the mean CLV. */
static void print_groups(struct crm_rep *r, struct clv *v, bool by_segment)
{
	static const char *const names[] = {
		"accounts", "revenue", "p_alive", "exp_purchases", "clv", "clv_mean",
	};
	static const enum crm_col_kind kinds[] = {
		CRM_COL_INT, CRM_COL_MONEY, CRM_COL_RATE, CRM_COL_NUM, CRM_COL_MONEY, CRM_COL_MONEY,
	};
	crm_rep_col(r, by_segment ? "segment" : r->dim_name, CRM_COL_TEXT);
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		crm_rep_col(r, names[i], kinds[i]);
	crm_rep_chart(r, CRM_PLOT_BARS, "Customer lifetime value", by_segment ? "segment" : r->dim_name,
		      "clv");
	for (size_t i = 0; i < v->n; i++)
		if (!by_segment)
			v->a[i].seg = 0;
	qsort(v->a, v->n, sizeof *v->a, cmp_group);
	int64_t all_n = 0, all_rev = 0;
	double all_next = 0, all_clv = 0, all_alive = 0;
	for (size_t i = 0; i < v->n;) {
		size_t j = i;
		int64_t n = 0, rev = 0;
		double next = 0, clv = 0, alive = 0;
		for (; j < v->n && v->a[j].seg == v->a[i].seg && strcmp(v->a[j].group, v->a[i].group) == 0;
		     j++) {
			n++;
			rev += v->a[j].revenue;
			next += v->a[j].next;
			clv += v->a[j].clv;
			alive += v->a[j].p_alive;
		}
		char f[6][32];
		const char *g = by_segment ? segments[v->a[i].seg] : v->a[i].group;
		crm_rep_count(n, f[0]);
		crm_rep_money(rev, f[1]);
		snprintf(f[2], 32, "%.4f", alive / (double)n);
		snprintf(f[3], 32, "%.4f", next);
		money(clv, f[4]);
		money(clv / (double)n, f[5]);
		const char *row[] = { g, f[0], f[1], f[2], f[3], f[4], f[5] };
		crm_rep_row(r, row);
		crm_rep_point(r, *g ? g : "(none)", "clv", f[4]);
		all_n += n;
		all_rev += rev;
		all_next += next;
		all_clv += clv;
		all_alive += alive;
		i = j;
	}
	char t[6][32];
	crm_rep_count(all_n, t[0]);
	crm_rep_money(all_rev, t[1]);
	if (all_n)
		snprintf(t[2], 32, "%.4f", all_alive / (double)all_n);
	else
		t[2][0] = '\0';
	snprintf(t[3], 32, "%.4f", all_next);
	money(all_clv, t[4]);
	if (all_n)
		money(all_clv / (double)all_n, t[5]);
	else
		t[5][0] = '\0';
	const char *foot[] = { "total", t[0], t[1], t[2], t[3], t[4], t[5] };
	crm_rep_footer(r, foot);
}

int crm_report_clv(struct crm_ctx *ctx, const struct crm_report_opts *o, FILE *fp)
{
	struct crm_report_opts oo = *o;
	struct crm_rep r;
	struct clv v = { 0 };
	struct crm_clv_bgnbd m = { 0 };
	struct crm_clv_gg g = { 0 };
	bool by_segment = o->by && strcmp(o->by, "segment") == 0;
	int horizon = o->horizon > 0 ? o->horizon : 3;
	double weeks = o->period_weeks > 0 ? o->period_weeks : 52;
	int st;
	if (o->campaign)
		return crm_usage_fail("clv: accounts have no campaign: --campaign does not apply");
	if (o->params && o->by)
		return crm_usage_fail("clv: give --params or --by, not both");
	if (by_segment)
		oo.by = NULL;
	if ((st = crm_rep_open(&r, ctx, &oo, fp, "clv",
			       CRM_DIM_BIT(CRM_DIM_OWNER) | CRM_DIM_BIT(CRM_DIM_INDUSTRY) |
			       CRM_DIM_BIT(CRM_DIM_REGION), CRM_DIM_NONE)))
		return st;
	/* the last day of the calibration: that of --until, else today */
	char date[CRM_DATE_LEN];
	int64_t end;
	crm_time_date(r.has_until ? r.until - 1 : ctx->now, date);
	if (!date_days(date, &end)) {
		crm_warn("clv: bad end of calibration '%s'", date);
		crm_rep_close(&r);
		return EX_SOFTWARE;
	}
	clv_sql(&r);
	if ((st = crm_rep_prepare(&r)) || (st = read_accounts(&r, &v, end)))
		goto done;
	if (v.n == 0 && !o->params) {
		/* nothing bought: the columns and no rows */
		if (r.dim != CRM_DIM_NONE || by_segment)
			print_groups(&r, &v, by_segment);
		else
			print_accounts(&r, &v);
		goto done;
	}
	struct crm_clv_cust *c = crm_xcalloc(v.n ? v.n : 1, sizeof *c);
	for (size_t i = 0; i < v.n; i++)
		c[i] = v.a[i].c;
	if (v.n == 0 || crm_clv_bgnbd_fit(c, v.n, &m) != 0) {
		crm_warn("clv: the BG/NBD model cannot be fitted over %zu accounts%s", v.n,
			 v.n ? ": the fit did not converge" : "");
		st = EX_DATAERR;
	} else if (crm_clv_gg_fit(c, v.n, &g) != 0) {
		crm_warn("clv: the Gamma-Gamma model cannot be fitted: no account with a repeat purchase"
			 " of positive value, or the fit did not converge");
		st = EX_DATAERR;
	} else if (!o->params && g.q <= 1) {
		crm_warn("clv: the fitted Gamma-Gamma q = %g is not above 1: spend has no finite mean", g.q);
		st = EX_DATAERR;
	}
	free(c);
	if (st)
		goto done;
	if (o->params) {
		print_params(&r, &m, &g, v.n);
		goto done;
	}
	for (size_t i = 0; i < v.n; i++) {
		struct acct *a = &v.a[i];
		a->p_alive = crm_clv_p_alive(&m, &a->c);
		a->next = crm_clv_bgnbd_ey(&m, &a->c, weeks);
		a->aov = crm_clv_gg_mean(&g, &a->c);
		a->clv = crm_clv_value(&m, &g, &a->c, horizon, weeks, o->discount);
	}
	if (by_segment)
		segment(&v);
	if (r.dim != CRM_DIM_NONE || by_segment)
		print_groups(&r, &v, by_segment);
	else
		print_accounts(&r, &v);
done:
	for (size_t i = 0; i < v.n; i++) {
		free(v.a[i].name);
		free(v.a[i].group);
	}
	free(v.a);
	free(v.days);
	free(v.values);
	crm_rep_close(&r);
	return st;
}

static int cmp_text(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int crm_clv_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o)
{
	static const char sql[] =
		"SELECT d.closed_at, 0, d.amount FROM deals d WHERE d.account_id = ?1"
		" AND " CRM_SQL_DEAL_PURCHASE("d")
		" UNION ALL SELECT o.ordered_on, 1, o.total FROM orders o"
		" JOIN contracts c ON c.id = o.contract_id"
		" WHERE coalesce(o.account_id, c.account_id) = ?1 AND o.status <> 'cancelled'";
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, account_id);
	char **days = NULL;
	size_t n = 0, cap = 0;
	int64_t revenue = 0;
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		char day[CRM_DATE_LEN];
		crm_time t;
		const char *at = crm_col_text(st, 0);
		if (crm_col_int(st, 1))
			snprintf(day, sizeof day, "%s", at);
		else if (crm_time_parse_iso(at, &t) == 0)
			crm_time_date(t, day);
		else
			continue;
		if (n == cap)
			days = crm_xrealloc(days, (cap = cap ? 2 * cap : 16) * sizeof *days);
		days[n++] = crm_xstrdup(day);
		revenue += crm_col_int(st, 2);
	}
	crm_stmt_reset(st);
	if (n)
		qsort(days, n, sizeof *days, cmp_text);
	size_t purchases = 0;
	for (size_t i = 0; i < n; i++)
		purchases += !i || strcmp(days[i], days[i - 1]);
	static const char *const names[] = {
		"revenue", "purchases", "average_order", "first_purchase", "last_purchase",
	};
	crm_out_col(o, names[0], CRM_COL_MONEY);
	crm_out_col(o, names[1], CRM_COL_INT);
	crm_out_col(o, names[2], CRM_COL_MONEY);
	crm_out_cols(o, names + 3, 2);
	if (rc == CRM_DONE && purchases) {
		char rev[CRM_MONEY_LEN], avg[CRM_MONEY_LEN], cnt[24];
		crm_money_format(revenue, rev);
		crm_money_format((2 * revenue + (int64_t)purchases) / (2 * (int64_t)purchases), avg);
		snprintf(cnt, sizeof cnt, "%zu", purchases);
		crm_out_row(o, (const char *[]){rev, cnt, avg, days[0], days[n - 1]});
	}
	for (size_t i = 0; i < n; i++)
		free(days[i]);
	free(days);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the account's purchases");
}
