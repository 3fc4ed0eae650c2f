/* report.c: what every report shares (see report_int.h): options, window,
 * filters, grouping, the query and the output. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "date.h"
#include "dialect.h"
#include "err.h"
#include "money.h"
#include "report_int.h"

const char *const crm_report_dimensions[] = {
	"owner", "team", "source", "campaign", "region", "industry", "month", "week",
	"quarter", "stage", "category", "account", "priority", NULL
};
static const enum crm_dim dim_values[] = {
	CRM_DIM_OWNER, CRM_DIM_TEAM, CRM_DIM_SOURCE, CRM_DIM_CAMPAIGN, CRM_DIM_REGION,
	CRM_DIM_INDUSTRY, CRM_DIM_MONTH, CRM_DIM_WEEK, CRM_DIM_QUARTER, CRM_DIM_STAGE,
	CRM_DIM_CATEGORY, CRM_DIM_ACCOUNT, CRM_DIM_PRIORITY,
};

const char *const crm_report_metrics[] = {
	"won_amount", "won_count", "deals", "activities", "win_rate", "collected", "outstanding",
	NULL
};

/* Region and industry are the account's, else the lead's it came from. */
#define DEAL_FIELD(f) \
	"coalesce((SELECT a." f " FROM accounts a WHERE a.id = d.account_id)," \
	" (SELECT l." f " FROM leads l WHERE l.id = d.lead_id))"

const struct crm_rep_base crm_rep_leads = {
	"l.owner_id", CRM_SQL_VISIBLE("l.owner_id"), "l.source", "l.campaign", "l.region",
	"l.industry", NULL, NULL, NULL,
};

const struct crm_rep_base crm_rep_deals = {
	"d.owner_id", CRM_SQL_VISIBLE("d.owner_id"), "d.source", "d.campaign",
	DEAL_FIELD("region"), DEAL_FIELD("industry"), NULL, NULL, NULL,
};

/* An interaction takes its fields from its subject: a lead, a deal, an
 * account, or a contact's account. */
#define SUBJECT_FIELD(lead, deal, account) \
	"(CASE i.subject_type" \
	" WHEN 'lead' THEN (SELECT " lead " FROM leads l WHERE l.id = i.subject_id)" \
	" WHEN 'deal' THEN (SELECT " deal " FROM deals d WHERE d.id = i.subject_id)" \
	" WHEN 'account' THEN (SELECT " account " FROM accounts a WHERE a.id = i.subject_id)" \
	" WHEN 'contact' THEN (SELECT " account " FROM contacts c JOIN accounts a" \
	" ON a.id = c.account_id WHERE c.id = i.subject_id) END)"

const struct crm_rep_base crm_rep_interactions = {
	"i.user_id", CRM_SQL_VISIBLE("i.user_id"),
	SUBJECT_FIELD("l.source", "d.source", "a.source"),
	SUBJECT_FIELD("l.campaign", "d.campaign", "NULL"),
	SUBJECT_FIELD("l.region", DEAL_FIELD("region"), "a.region"),
	SUBJECT_FIELD("l.industry", DEAL_FIELD("industry"), "a.industry"), NULL, NULL, NULL,
};

static int64_t weekday(int64_t z)	/* 0 = Monday */
{
	return ((z + 3) % 7 + 7) % 7;
}

static void day_key(enum crm_dim dim, int64_t z, char out[16])
{
	int y, m, d;
	if (dim == CRM_DIM_WEEK) {
		/* ISO 8601: a week belongs to the year of its Thursday */
		int64_t th = z - weekday(z) + 3;
		crm_civil_from_days(th, &y, &m, &d);
		snprintf(out, 16, "%04u-W%02u", (unsigned)y % 10000u,
			 (unsigned)((th - crm_days_from_civil(y, 1, 1)) / 7 + 1) % 100u);
		return;
	}
	crm_civil_from_days(z, &y, &m, &d);
	if (dim == CRM_DIM_QUARTER)
		snprintf(out, 16, "%04u-Q%u", (unsigned)y % 10000u, (unsigned)(m + 2) / 3 % 10u);
	else
		snprintf(out, 16, "%04u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u);
}

/* The local day of t, as days since the epoch. */
static int64_t local_day(crm_time t)
{
	char date[CRM_DATE_LEN];
	int y, m, d;
	crm_time_date(t, date);
	if (sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
		return 0;
	return crm_days_from_civil(y, m, d);
}

static void day_date(int64_t z, char out[CRM_DATE_LEN])
{
	int y, m, d;
	crm_civil_from_days(z, &y, &m, &d);
	snprintf(out, CRM_DATE_LEN, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
		 (unsigned)d % 100u);
}

/* First day and the day after the last of the period named by key
 * ("2026", "2026-03", "2026-Q1", "2026-W10"); false when malformed. */
static bool key_days(const char *key, int64_t *first, int64_t *end)
{
	int y, n, len;
	char c;
	if (sscanf(key, "%4d%n", &y, &len) == 1 && len == 4 && !key[4]) {
		*first = crm_days_from_civil(y, 1, 1);
		*end = crm_days_from_civil(y + 1, 1, 1);
	} else if (sscanf(key, "%4d-%2d%n", &y, &n, &len) == 2 && len == 7 && !key[7] &&
		   n >= 1 && n <= 12) {
		*first = crm_days_from_civil(y, n, 1);
		*end = n == 12 ? crm_days_from_civil(y + 1, 1, 1) : crm_days_from_civil(y, n + 1, 1);
	} else if (sscanf(key, "%4d-%c%1d%n", &y, &c, &n, &len) == 3 && len == 7 && !key[7] &&
		   c == 'Q' && n >= 1 && n <= 4) {
		*first = crm_days_from_civil(y, 3 * n - 2, 1);
		*end = n == 4 ? crm_days_from_civil(y + 1, 1, 1) : crm_days_from_civil(y, 3 * n + 1, 1);
	} else if (sscanf(key, "%4d-%c%2d%n", &y, &c, &n, &len) == 3 && len == 8 && !key[8] &&
		   c == 'W' && n >= 1 && n <= 53) {
		int64_t jan4 = crm_days_from_civil(y, 1, 4);
		char check[16];
		*first = jan4 - weekday(jan4) + 7 * (n - 1);
		*end = *first + 7;
		day_key(CRM_DIM_WEEK, *first, check);
		if (strcmp(check, key) != 0)	/* week 53 of a 52-week year */
			return false;
	} else {
		return false;
	}
	return y >= 1000;
}

void crm_rep_period_key(enum crm_dim dim, crm_time t, char out[16])
{
	day_key(dim, local_day(t), out);
}

void crm_rep_period_bounds(enum crm_dim dim, crm_time t, char first[CRM_DATE_LEN],
			   char last[CRM_DATE_LEN])
{
	char key[16];
	int64_t a = 0, b = 1;
	crm_rep_period_key(dim, t, key);
	key_days(key, &a, &b);
	day_date(a, first);
	day_date(b - 1, last);
}

/* Options */

static int parse_dim(struct crm_rep *r, unsigned dims, enum crm_dim def)
{
	const char *by = r->o->by;
	r->dim = def;
	if (!by)
		goto named;
	for (size_t i = 0; crm_report_dimensions[i]; i++) {
		if (strcmp(by, crm_report_dimensions[i]) != 0)
			continue;
		r->dim = dim_values[i];
		if (!(dims & CRM_DIM_BIT(r->dim)))
			return crm_usage_fail("%s: cannot group by '%s'", r->name, by);
		goto named;
	}
	return crm_usage_fail("--by: unknown dimension '%s'", by);
named:
	for (size_t i = 0; crm_report_dimensions[i]; i++)
		if (dim_values[i] == r->dim)
			r->dim_name = crm_report_dimensions[i];
	return 0;
}

static int parse_time(struct crm_rep *r, const char *opt, const char *s, crm_time *t)
{
	if (crm_time_parse(s, r->ctx->now, t) != 0) {
		crm_warn("%s: invalid date '%s'", opt, s);
		return EX_DATAERR;
	}
	return 0;
}

static int parse_window(struct crm_rep *r)
{
	const struct crm_report_opts *o = r->o;
	int st;
	if (o->period) {
		int64_t first, end;
		char a[CRM_DATE_LEN], b[CRM_DATE_LEN];
		if (o->since || o->until)
			return crm_usage_fail("give --period or --since/--until, not both");
		if (!key_days(o->period, &first, &end)) {
			crm_warn("--period: invalid period '%s'", o->period);
			return EX_DATAERR;
		}
		day_date(first, a);
		day_date(end, b);
		if (crm_time_parse(a, r->ctx->now, &r->since) || crm_time_parse(b, r->ctx->now, &r->until)) {
			crm_warn("--period: invalid period '%s'", o->period);
			return EX_DATAERR;
		}
		r->has_since = r->has_until = true;
	}
	if (o->since) {
		if ((st = parse_time(r, "--since", o->since, &r->since)))
			return st;
		r->has_since = true;
	}
	if (o->until) {
		if ((st = parse_time(r, "--until", o->until, &r->until)))
			return st;
		/* "--until 2026-03-05" takes in the whole of that day */
		if (r->until == crm_time_day_start(r->until))
			r->until = crm_time_add_days(r->until, 1);
		r->has_until = true;
	}
	if (r->has_since && r->has_until && r->since >= r->until)
		return crm_usage_fail("--since '%s' is not before --until '%s'",
				      o->since ? o->since : o->period, o->until ? o->until : o->period);
	if (r->has_since) {
		crm_time_iso(r->since, r->since_iso);
		crm_time_date(r->since, r->since_date);
	}
	if (r->has_until) {
		crm_time_iso(r->until, r->until_iso);
		crm_time_date(r->until - 1, r->until_date);
	}
	return 0;
}

static int resolve_people(struct crm_rep *r)
{
	const struct crm_report_opts *o = r->o;
	struct crm_ctx *ctx = r->ctx;
	int st;
	if ((o->owner && (st = crm_ctx_filter_user(ctx, o->owner, &r->owner_id))) ||
	    (o->team && (st = crm_ctx_filter_team(ctx, o->team, &r->team_id))))
		return st;
	r->restricted = !ctx->actor.single_user && ctx->actor.role != CRM_ROLE_ADMIN;
	return 0;
}

int crm_rep_open(struct crm_rep *r, struct crm_ctx *ctx, const struct crm_report_opts *o,
		 FILE *fp, const char *name, unsigned dims, enum crm_dim def)
{
	int st;
	memset(r, 0, sizeof *r);
	r->ctx = ctx;
	r->o = o;
	r->fp = fp;
	r->name = name;
	if ((st = parse_dim(r, dims, def)) || (st = parse_window(r)) || (st = resolve_people(r)))
		return st;
	if (fp && o->format != CRM_FMT_GNUPLOT)
		r->out = crm_out_new(fp, o->format, o->header);
	return 0;
}

/* The query */

void crm_rep_sql(struct crm_rep *r, const char *s)
{
	size_t n = strlen(s);
	if (r->len + n + 1 > r->cap) {
		r->cap = r->cap ? r->cap : 1024;
		while (r->len + n + 1 > r->cap)
			r->cap *= 2;
		r->sql = crm_xrealloc(r->sql, r->cap);
	}
	memcpy(r->sql + r->len, s, n + 1);
	r->len += n;
}

void crm_rep_sqlf(struct crm_rep *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = crm_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	crm_rep_sql(r, s);
	free(s);
}

static const char *add_param(struct crm_rep *r, const char *text, int64_t num)
{
	r->params = crm_xrealloc(r->params, (r->nparams + 1) * sizeof *r->params);
	r->params[r->nparams].text = text ? crm_xstrdup(text) : NULL;
	r->params[r->nparams].num = num;
	r->nparams++;
	snprintf(r->param_name, sizeof r->param_name, ":p%zu", r->nparams);
	return r->param_name;
}

void crm_rep_text(struct crm_rep *r, const char *value) { crm_rep_sql(r, add_param(r, value, 0)); }
void crm_rep_int(struct crm_rep *r, int64_t value) { crm_rep_sql(r, add_param(r, NULL, value)); }
const char *crm_rep_param(struct crm_rep *r, const char *value) { return add_param(r, value, 0); }

void crm_rep_filter(struct crm_rep *r, const struct crm_rep_base *b)
{
	const struct crm_report_opts *o = r->o;
	if (r->owner_id) {
		crm_rep_sqlf(r, " AND %s = ", b->owner);
		crm_rep_int(r, r->owner_id);
	}
	if (r->team_id) {
		crm_rep_sqlf(r, " AND %s IN (SELECT id FROM users WHERE team_id = ", b->owner);
		crm_rep_int(r, r->team_id);
		crm_rep_sql(r, ")");
	}
	const char *const col[] = { b->source, b->campaign, b->region };
	const char *const val[] = { o->source, o->campaign, o->region };
	for (int i = 0; i < 3; i++) {
		if (!val[i])
			continue;
		crm_rep_sqlf(r, " AND %s = ", col[i]);
		crm_rep_text(r, val[i]);
	}
	if (r->restricted)
		crm_rep_sqlf(r, " AND %s", b->visible);
}

void crm_rep_where(struct crm_rep *r, const struct crm_rep_base *b, const char *time,
		   enum crm_time_kind kind)
{
	bool date = kind == CRM_TIME_DATE;
	crm_rep_filter(r, b);
	if (r->has_since) {
		crm_rep_sqlf(r, " AND %s >= ", time);
		crm_rep_text(r, date ? r->since_date : r->since_iso);
	}
	if (r->has_until) {
		crm_rep_sqlf(r, " AND %s %s ", time, date ? "<=" : "<");
		crm_rep_text(r, date ? r->until_date : r->until_iso);
	}
}

void crm_rep_period(struct crm_rep *r, enum crm_dim dim, const char *time, enum crm_time_kind kind)
{
	enum crm_period p = dim == CRM_DIM_QUARTER ? CRM_PERIOD_QUARTER
			    : dim == CRM_DIM_WEEK ? CRM_PERIOD_WEEK : CRM_PERIOD_MONTH;
	const char *fmt = crm_dialect(r->ctx->db)->period[p][kind == CRM_TIME_DATE ? CRM_AT_DATE
										  : CRM_AT_INSTANT];
	crm_rep_sqlf(r, fmt, time);
}

void crm_rep_group(struct crm_rep *r, const struct crm_rep_base *b, const char *time,
		   enum crm_time_kind kind)
{
	switch (r->dim) {
	case CRM_DIM_NONE: crm_rep_sql(r, "NULL"); break;
	case CRM_DIM_OWNER: crm_rep_sqlf(r, "(SELECT login FROM users WHERE id = %s)", b->owner); break;
	case CRM_DIM_TEAM:
		crm_rep_sqlf(r, "(SELECT t.name FROM users u JOIN teams t ON t.id = u.team_id"
			     " WHERE u.id = %s)", b->owner);
		break;
	case CRM_DIM_SOURCE: crm_rep_sql(r, b->source); break;
	case CRM_DIM_CAMPAIGN: crm_rep_sql(r, b->campaign); break;
	case CRM_DIM_REGION: crm_rep_sql(r, b->region); break;
	case CRM_DIM_INDUSTRY: crm_rep_sql(r, b->industry); break;
	case CRM_DIM_STAGE: crm_rep_sql(r, "d.stage"); break;
	case CRM_DIM_CATEGORY: crm_rep_sql(r, b->category); break;
	case CRM_DIM_ACCOUNT: crm_rep_sql(r, b->account); break;
	case CRM_DIM_PRIORITY: crm_rep_sql(r, b->priority); break;
	default: crm_rep_period(r, r->dim, time, kind); break;
	}
}

int crm_rep_prepare(struct crm_rep *r)
{
	if (crm_db_prepare(r->ctx->db, r->sql, &r->st) != CRM_OK) {
		crm_warn("%s: cannot prepare the query: %s", r->name, crm_db_errmsg(r->ctx->db));
		return EX_SOFTWARE;
	}
	for (size_t i = 0; i < r->nparams; i++) {
		char name[32];
		snprintf(name, sizeof name, ":p%zu", i + 1);
		int k = crm_param_index(r->st, name);
		if (r->params[i].text)
			crm_bind_str(r->st, k, r->params[i].text);
		else
			crm_bind_int(r->st, k, r->params[i].num);
	}
	crm_ctx_bind_actor(r->ctx, r->st);
	return 0;
}

int crm_rep_step(struct crm_rep *r)
{
	int rc = crm_step(r->st);
	if (rc == CRM_ROW)
		return 1;
	if (rc == CRM_DONE)
		return 0;
	return -crm_db_fail(r->ctx->db, r->name);
}

const char *crm_rep_col_text(struct crm_rep *r, int i) { return crm_col_text(r->st, i); }
int64_t crm_rep_col_int(struct crm_rep *r, int i) { return crm_col_int(r->st, i); }
bool crm_rep_col_null(struct crm_rep *r, int i) { return crm_col_null(r->st, i); }

/* Output */

void crm_rep_cols_begin(struct crm_rep *r)
{
	if (r->dim != CRM_DIM_NONE)
		crm_rep_col(r, r->dim_name, CRM_COL_TEXT);
}

void crm_rep_col(struct crm_rep *r, const char *name, enum crm_col_kind kind)
{
	if (r->out)
		crm_out_col(r->out, name, kind);
}

void crm_rep_row(struct crm_rep *r, const char *const *fields)
{
	if (r->out)
		crm_out_row(r->out, fields);
}

void crm_rep_totals(struct crm_rep *r, const char *label)
{
	if (r->out)
		crm_out_totals(r->out, label);
}

void crm_rep_footer(struct crm_rep *r, const char *const *fields)
{
	if (r->out)
		crm_out_footer(r->out, fields);
}

bool crm_rep_charting(const struct crm_rep *r)
{
	return r->fp && !r->out;
}

void crm_rep_chart(struct crm_rep *r, enum crm_plot_style style, const char *title,
		   const char *xlabel, const char *ylabel)
{
	r->style = style;
	if (r->has_since && r->has_until)
		r->title = crm_xasprintf("%s, %s to %s", title, r->since_date, r->until_date);
	else if (r->has_since)
		r->title = crm_xasprintf("%s, since %s", title, r->since_date);
	else if (r->has_until)
		r->title = crm_xasprintf("%s, until %s", title, r->until_date);
	else
		r->title = crm_xstrdup(title);
	r->xlabel = xlabel ? crm_xstrdup(xlabel) : NULL;
	r->ylabel = ylabel ? crm_xstrdup(ylabel) : NULL;
}

void crm_rep_point(struct crm_rep *r, const char *label, const char *series, const char *value)
{
	/* a line over periods has no place for "no date" */
	if (!crm_rep_charting(r) || (r->style == CRM_PLOT_LINES && (!label || !*label)))
		return;
	r->cells = crm_xrealloc(r->cells, (r->ncells + 1) * sizeof *r->cells);
	r->cells[r->ncells].label = crm_xstrdup(label ? label : "");
	r->cells[r->ncells].series = crm_xstrdup(series ? series : "");
	r->cells[r->ncells].value = crm_xstrdup(value ? value : "");
	r->ncells++;
}

static size_t intern(const char ***list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*list)[i], s) == 0)
			return i;
	*list = crm_xrealloc(*list, (*n + 1) * sizeof **list);
	(*list)[*n] = s;
	return (*n)++;
}

/* The points as a table: labels down, series across, in the order first
 * seen. */
static void draw(struct crm_rep *r)
{
	const char **labels = NULL, **series = NULL;
	size_t nl = 0, ns = 0;
	for (size_t i = 0; i < r->ncells; i++) {
		intern(&labels, &nl, r->cells[i].label);
		intern(&series, &ns, r->cells[i].series);
	}
	const char **grid = crm_xcalloc(nl * ns > 0 ? nl * ns : 1, sizeof *grid);
	for (size_t i = 0; i < r->ncells; i++) {
		size_t a = intern(&labels, &nl, r->cells[i].label);
		size_t b = intern(&series, &ns, r->cells[i].series);
		grid[a * ns + b] = r->cells[i].value;
	}
	struct crm_plot *p = crm_plot_new(r->style, r->title ? r->title : r->name, r->xlabel, r->ylabel);
	for (size_t j = 0; j < ns; j++)
		crm_plot_series(p, series[j]);
	for (size_t i = 0; i < nl; i++)
		crm_plot_row(p, labels[i], grid + i * ns);
	crm_plot_end(p, r->fp);
	free(grid);
	free(labels);
	free(series);
}

void crm_rep_close(struct crm_rep *r)
{
	if (r->out)
		crm_out_end(r->out);
	else if (crm_rep_charting(r) && r->title)
		draw(r);
	if (r->st)
		crm_stmt_finish(r->st);
	for (size_t i = 0; i < r->nparams; i++)
		free(r->params[i].text);
	for (size_t i = 0; i < r->ncells; i++) {
		free(r->cells[i].label);
		free(r->cells[i].series);
		free(r->cells[i].value);
	}
	free(r->cells);
	free(r->params);
	free(r->sql);
	free(r->title);
	free(r->xlabel);
	free(r->ylabel);
	memset(r, 0, sizeof *r);
}

/* Empty periods */

static bool next_key(enum crm_dim dim, const char *key, char out[16])
{
	int64_t first, end;
	if (!key_days(key, &first, &end))
		return false;
	day_key(dim, end, out);
	return true;
}

/* empty() for every period from key from up to, not including, key to. */
static void fill(struct crm_rep *r, const char *from, const char *to, bool inclusive,
		 void (*empty)(struct crm_rep *, const char *))
{
	char k[16];
	snprintf(k, sizeof k, "%s", from);
	/* at most a few centuries of weeks, whatever the keys say */
	for (int guard = 0; guard < 50000; guard++) {
		int c = strcmp(k, to);
		if (c > 0 || (c == 0 && !inclusive))
			return;
		empty(r, k);
		if (!next_key(r->dim, k, k))
			return;
	}
}

void crm_rep_gap(struct crm_rep *r, const char *key, void (*empty)(struct crm_rep *, const char *))
{
	char from[16];
	if (!crm_dim_is_period(r->dim) || !key || !*key)
		return;
	if (!r->gap_started) {
		r->gap_started = true;
		if (r->has_since)
			crm_rep_period_key(r->dim, r->since, from);
		else
			snprintf(from, sizeof from, "%s", key);
	} else if (!next_key(r->dim, r->last_key, from)) {
		return;
	}
	fill(r, from, key, false, empty);
	snprintf(r->last_key, sizeof r->last_key, "%s", key);
}

void crm_rep_gap_end(struct crm_rep *r, void (*empty)(struct crm_rep *, const char *))
{
	char from[16], to[16];
	if (!crm_dim_is_period(r->dim) || !r->has_until)
		return;
	crm_rep_period_key(r->dim, r->until - 1, to);
	if (r->gap_started) {
		if (!next_key(r->dim, r->last_key, from))
			return;
	} else if (r->has_since) {
		crm_rep_period_key(r->dim, r->since, from);
	} else {
		return;
	}
	fill(r, from, to, true, empty);
	r->gap_started = true;
	snprintf(r->last_key, sizeof r->last_key, "%s", to);
}

/* Numbers */

void crm_rep_money(int64_t cents, char out[32])
{
	crm_money_format(cents, out);
}

void crm_rep_rate(int64_t n, int64_t d, char out[32])
{
	if (d == 0)
		snprintf(out, 32, "%s", n == 0 ? "" : "inf");
	else
		snprintf(out, 32, "%.4f", (double)n / (double)d);
}

void crm_rep_mean(int64_t sum, int64_t n, double unit, char out[32])
{
	if (n == 0)
		out[0] = '\0';
	else
		snprintf(out, 32, "%.2f", (double)sum / (double)n / unit);
}

void crm_rep_count(int64_t v, char out[32])
{
	snprintf(out, 32, "%lld", (long long)v);
}
