/* cost.c: the costs of crm-roi (see roi.h): add, import, list, remove.
 * A cost is an amount spent on a source (and campaign) over a period of
 * whole days; the report counts the part of it inside its own period. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "colmap.h"
#include "date.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "roi.h"
#include "utf8.h"

#define TEXT_MAX 200	/* bytes of a source or campaign */
#define NOTE_MAX 2000

/* Days since 1970-01-01 of a valid "YYYY-MM-DD". */
static int64_t day_number(const char *ymd)
{
	return crm_days_from_civil(atoi(ymd), atoi(ymd + 5), atoi(ymd + 8));
}

#define COST_WHERE "period_start <= :to_day AND period_end >= :from_day" \
	" AND (CAST(:source AS TEXT) IS NULL OR source = :source)" \
	" AND (CAST(:campaign AS TEXT) IS NULL OR campaign = :campaign)"

/* The SELECT of cost list (one false) or of one cost, built at the first
 * use and kept, so that crm_db_stmt caches it by its address: its days
 * are counted in the database's dialect. */
static const char *cost_sql(struct crm_ctx *ctx, bool one)
{
	static char *sql[2];
	if (!sql[one]) {
		char *days = crm_roi_days_sql(ctx->db), *part = crm_roi_prorated_sql(ctx->db);
		sql[one] = crm_xasprintf("SELECT id, source, campaign, period_start, period_end, %s,"
					 " amount, %s, note FROM costs WHERE %s", days, part,
					 one ? "id = :id" : COST_WHERE " ORDER BY period_start, source,"
					 " campaign NULLS FIRST, id");
		free(days);
		free(part);
	}
	return sql[one];
}

/* ---- cost rows out ---- */

static struct crm_out *cost_out(FILE *fp, struct crm_ctx *ctx)
{
	struct crm_out *o = crm_out_new(fp, ctx->opts->format, !ctx->opts->no_header);
	static const char *const names[] = {"id", "source", "campaign", "period_start",
		"period_end", "days", "amount", "in_period", "note"};
	static const enum crm_col_kind kinds[] = {CRM_COL_NUM, CRM_COL_TEXT, CRM_COL_TEXT,
		CRM_COL_TEXT, CRM_COL_TEXT, CRM_COL_NUM, CRM_COL_MONEY, CRM_COL_MONEY, CRM_COL_TEXT};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		crm_out_col(o, names[i], kinds[i]);
	return o;
}

static void cost_row(struct crm_out *o, struct crm_stmt *st)
{
	char amount[CRM_MONEY_LEN], part[CRM_MONEY_LEN];
	const char *f[9];
	crm_money_format(crm_col_int(st, 6), amount);
	crm_money_format(crm_col_int(st, 7), part);
	for (int i = 0; i < 6; i++)
		f[i] = crm_col_text(st, i);
	f[6] = amount;
	f[7] = part;
	f[8] = crm_col_text(st, 8);
	crm_out_row(o, f);
}

/* Print cost id onto o as it stands now. */
static int print_cost(struct crm_ctx *ctx, struct crm_out *o, int64_t id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, cost_sql(ctx, true));
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, crm_param_index(st, ":from_day"), "0000-01-01");
	crm_bind_str(st, crm_param_index(st, ":to_day"), "9999-12-31");
	crm_bind_int(st, crm_param_index(st, ":id"), id);
	int rc = crm_db_row(ctx->db, st, "cannot read costs");
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("cost %lld not found", (long long)id);
	if (rc)
		return rc;
	cost_row(o, st);
	crm_stmt_reset(st);
	return 0;
}

int crm_cost_list(struct crm_ctx *ctx, const struct crm_roi_filter *f, FILE *out)
{
	struct crm_roi_window w;
	int st = crm_roi_window(ctx, f, &w), rc;
	if (st)
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, cost_sql(ctx, false));
	if (!s)
		return EX_SOFTWARE;
	crm_roi_window_bind(ctx, s, f, &w);
	struct crm_out *o = cost_out(out, ctx);
	while ((rc = crm_step(s)) == CRM_ROW)
		cost_row(o, s);
	crm_out_totals(o, "total");
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read costs");
}

/* ---- writing costs ---- */

struct cost {
	const char *source, *campaign, *note;	/* NULL: none */
	char from[CRM_DATE_LEN], to[CRM_DATE_LEN];
	int64_t amount;
	char buf[3][NOTE_MAX + 1];		/* the texts, trimmed */
};

static bool given(const char *s)
{
	return s && *s;
}

/* s without surrounding blanks into buf, checked, as *out (NULL when
 * empty); NULL, or the reason it is refused. */
static char *take_text(const char *what, const char *s, size_t max, char *buf, const char **out)
{
	bool note = max == NOTE_MAX;
	*out = NULL;
	if (!s)
		return NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t len = strlen(s);
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	if (!crm_utf8_valid(s, len, NULL))
		return crm_xasprintf("invalid UTF-8 in %s", what);
	if (len > max)
		return crm_xasprintf("%s too long (%zu bytes, at most %zu)", what, len, max);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20 && !(note && (s[i] == '\n' || s[i] == '\t')))
			return crm_xasprintf("control character in %s", what);
	memcpy(buf, s, len);
	buf[len] = '\0';
	*out = len ? buf : NULL;
	return NULL;
}

static char *check_date(struct crm_ctx *ctx, const char *s, char out[CRM_DATE_LEN])
{
	crm_time t;
	if (crm_time_parse(s, ctx->now, &t) != 0)
		return crm_xasprintf("invalid date '%s'", s);
	crm_time_date(t, out);
	return NULL;
}

/* With a list of sources in the config, the id of s (an id or a display
 * name) or NULL; any s without a list. */
static const char *source_id(const struct crm_config *cfg, const char *s)
{
	if (cfg->nsources == 0)
		return s;
	for (size_t i = 0; i < cfg->nsources; i++)
		if (!strcmp(cfg->sources[i].id, s) || !strcmp(cfg->sources[i].name, s))
			return cfg->sources[i].id;
	return NULL;
}

/* Check in and fill c; NULL, or the reason (malloc'd) it is refused. */
static char *check_cost(struct crm_ctx *ctx, const struct crm_cost_input *in, struct cost *c)
{
	const struct crm_config *cfg = ctx->cfg;
	char *why;
	memset(c, 0, sizeof *c);
	if ((why = take_text("source", in->source, TEXT_MAX, c->buf[0], &c->source)) ||
	    (why = take_text("campaign", in->campaign, TEXT_MAX, c->buf[1], &c->campaign)) ||
	    (why = take_text("note", in->note, NOTE_MAX, c->buf[2], &c->note)))
		return why;
	if (!c->source)
		return crm_xstrdup("missing source");
	const char *id = source_id(cfg, c->source);
	if (!id)
		return crm_xasprintf("unknown source '%s'", c->source);
	c->source = id;
	if (given(in->period) && (given(in->from) || given(in->to)))
		return crm_xstrdup("give a period or from and to, not both");
	if (given(in->period)) {
		if (crm_roi_month(in->period, c->from, c->to))
			return crm_xasprintf("invalid period '%s' (YYYY-MM)", in->period);
	} else if (!given(in->from) || !given(in->to)) {
		return crm_xstrdup("missing period (or from and to)");
	} else if ((why = check_date(ctx, in->from, c->from)) || (why = check_date(ctx, in->to, c->to))) {
		return why;
	} else if (strcmp(c->to, c->from) < 0) {
		return crm_xasprintf("period ends before it starts '%s..%s'", c->from, c->to);
	}

	if (!given(in->amount))
		return crm_xstrdup("missing amount");
	const char *reason;
	if (crm_money_amount(in->amount, &c->amount, &reason) != 0)
		return crm_xasprintf("%s '%s'", reason, in->amount);
	/* the pro rata share multiplies it by twice the days (in SQL, where
	 * an overflowing integer would turn into an inexact real) */
	int64_t days = day_number(c->to) - day_number(c->from) + 1;
	if (c->amount > INT64_MAX / (2 * days))
		return crm_xasprintf("amount too large for its period '%s'", in->amount);
	return NULL;
}

static int may_change_costs(struct crm_ctx *ctx)
{
	if (ctx->actor.role >= CRM_ROLE_MANAGER)
		return 0;
	crm_warn("permission denied: only a manager or an admin may change costs");
	return EX_NOPERM;
}

static int insert_cost(struct crm_ctx *ctx, const struct cost *c, int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO costs (source, campaign, period_start, period_end, amount, note, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_text(st, 1, c->source);
	crm_bind_text(st, 2, c->campaign);
	crm_bind_text(st, 3, c->from);
	crm_bind_text(st, 4, c->to);
	crm_bind_int(st, 5, c->amount);
	crm_bind_text(st, 6, c->note);
	crm_bind_text(st, 7, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot add cost");
	*id = crm_db_last_id(ctx->db);

	char amount[CRM_MONEY_LEN];
	crm_money_format(c->amount, amount);
	const char *fields[] = {"source", "campaign", "period_start", "period_end", "amount", "note"};
	const char *values[] = {c->source, c->campaign, c->from, c->to, amount, c->note};
	int rc = 0;
	for (int i = 0; i < 6 && !rc; i++)
		if (values[i])
			rc = crm_audit_write(ctx->db, "cost", *id, "create", fields[i], NULL, values[i]);
	return rc;
}

/* The rows a writer printed inside its transaction go out only once it
 * has committed (or, with -n, rolled back on purpose). */
struct pending {
	char *buf;
	size_t len;
	FILE *fp;
	struct crm_out *o;
};

static void pending_start(struct crm_ctx *ctx, struct pending *p)
{
	memset(p, 0, sizeof *p);
	if (!(p->fp = open_memstream(&p->buf, &p->len)))
		crm_die_errno(EX_OSERR, "cannot buffer output");
	p->o = cost_out(p->fp, ctx);
}

static int pending_end(struct crm_ctx *ctx, struct pending *p, int st, FILE *out)
{
	crm_out_end(p->o);
	fclose(p->fp);
	st = crm_ctx_end(ctx, st);
	if (!st && out && p->len)
		fwrite(p->buf, 1, p->len, out);
	free(p->buf);
	return st;
}

int crm_cost_add(struct crm_ctx *ctx, const struct crm_cost_input *in, FILE *out)
{
	struct cost c;
	struct pending p;
	int64_t id;
	int st;
	char *why;
	if ((st = may_change_costs(ctx)))
		return st;
	if ((why = check_cost(ctx, in, &c))) {
		crm_warn("%s", why);
		free(why);
		return EX_DATAERR;
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	pending_start(ctx, &p);
	if (!(st = insert_cost(ctx, &c, &id)))
		st = print_cost(ctx, p.o, id);
	return pending_end(ctx, &p, st, out);
}

int crm_cost_remove(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	static const char del_sql[] = "DELETE FROM costs WHERE id = ?1"
		" RETURNING source, campaign, period_start, period_end, amount, note";
	static const char *const fields[] = {"source", "campaign", "period_start", "period_end",
		"amount", "note"};
	struct pending p;
	int st;
	if ((st = may_change_costs(ctx)) || (st = crm_db_begin(ctx->db)))
		return st;
	pending_start(ctx, &p);
	for (size_t i = 0; i < n && !st; i++) {
		if ((st = print_cost(ctx, p.o, ids[i])))
			break;
		struct crm_stmt *s = crm_db_stmt(ctx->db, del_sql);
		if (!s) {
			st = EX_SOFTWARE;
			break;
		}
		crm_bind_int(s, 1, ids[i]);
		if (crm_step(s) != CRM_ROW) {
			st = crm_db_fail(ctx->db, "cannot remove cost");
			break;
		}
		char *old[6];
		for (int j = 0; j < 6; j++) {
			old[j] = NULL;
			if (crm_col_null(s, j))
				continue;
			if (j == 4) {
				old[j] = crm_xmalloc(CRM_MONEY_LEN);
				crm_money_format(crm_col_int(s, j), old[j]);
			} else {
				old[j] = crm_xstrdup(crm_col_text(s, j));
			}
		}
		if (crm_step(s) != CRM_DONE)
			st = crm_db_fail(ctx->db, "cannot remove cost");
		for (int j = 0; j < 6; j++) {
			if (!st && old[j])
				st = crm_audit_write(ctx->db, "cost", ids[i], "delete", fields[j], old[j], NULL);
			free(old[j]);
		}
	}
	return pending_end(ctx, &p, st, out);
}


/* ---- import ----
 * Columns and bad rows go through colmap.h, as for the other importers. */

/* The fields of a cost row; the last three are columns of cost list that an
 * import takes and ignores, so a list can be imported again. */
enum { F_SOURCE, F_CAMPAIGN, F_PERIOD, F_FROM, F_TO, F_AMOUNT, F_NOTE, F_ID, F_DAYS,
       F_IN_PERIOD, NFIELDS, NINPUT = F_ID };

static const char *const field_names[NFIELDS] = {"source", "campaign", "period", "from", "to",
	"amount", "note", "id", "days", "in_period"};

static const struct crm_colmap_alias cost_aliases[] = {
	{"source", "来源|渠道|channel"},
	{"campaign", "活动|营销活动|推广活动"},
	{"period", "month|月份|期间"},
	{"from", "period start|start|start date|开始|开始日期"},
	{"to", "period end|end|end date|结束|结束日期"},
	{"amount", "cost|金额|费用|花费"},
	{"note", "notes|备注|说明"},
	{NULL, NULL},
};

static int field_handle(void *arg, const char *name)
{
	(void)arg;
	for (int i = 0; i < NFIELDS; i++)
		if (strcmp(field_names[i], name) == 0)
			return i;
	return -1;
}

static const char *field_name(void *arg, int h)
{
	(void)arg;
	return h >= 0 && h < NFIELDS ? field_names[h] : "?";
}

struct imp {
	struct crm_ctx *ctx;
	struct crm_rows *rows;
	int col[NINPUT];	/* column of each field, -1 = none */
	struct crm_rejects rj;
	struct crm_out *o;	/* where the costs written are printed */
	long done;
};

static int map_columns(struct imp *im)
{
	const struct crm_colmap_fields f = {NULL, field_handle, field_name};
	const char *name = crm_rows_name(im->rows);
	size_t ncols = crm_rows_ncols(im->rows);
	struct crm_colmap *m;
	int st = crm_colmap_new(NULL, &f, &m);
	if (st)
		return st;
	int *handle = crm_xcalloc(ncols ? ncols : 1, sizeof *handle);
	st = crm_colmap_columns(m, im->rows, "cost", im->ctx->cfg, cost_aliases,
				im->ctx->opts->quiet, handle);
	for (int i = 0; i < NINPUT; i++)
		im->col[i] = -1;
	for (size_t c = 0; c < ncols; c++)
		if (handle[c] >= 0 && handle[c] < NINPUT)
			im->col[handle[c]] = (int)c;
	free(handle);
	crm_colmap_free(m);
	if (st)
		return st;
	if (im->col[F_SOURCE] < 0 || im->col[F_AMOUNT] < 0) {
		crm_warn("%s:1: no column '%s'", name, im->col[F_SOURCE] < 0 ? "source" : "amount");
		return EX_DATAERR;
	}
	if (im->col[F_PERIOD] < 0 && (im->col[F_FROM] < 0 || im->col[F_TO] < 0)) {
		crm_warn("%s:1: no column 'period' (or 'from' and 'to')", name);
		return EX_DATAERR;
	}
	return 0;
}

static const char *field(struct imp *im, int f)
{
	return im->col[f] >= 0 ? crm_rows_field(im->rows, (size_t)im->col[f]) : NULL;
}

/* One pass over the rows: checking only, or writing (crm_import_run). */
static int import_rows(void *arg, bool apply)
{
	struct imp *im = arg;
	int rc, st = 0;
	while ((rc = crm_rows_next(im->rows)) != 0) {
		if (rc < 0) {
			if (-rc != EX_DATAERR)
				return -rc;
			crm_reject(&im->rj, im->rows, NULL);
			continue;
		}
		struct crm_cost_input in = {field(im, F_SOURCE), field(im, F_CAMPAIGN),
			field(im, F_PERIOD), field(im, F_FROM), field(im, F_TO), field(im, F_AMOUNT),
			field(im, F_NOTE)};
		struct cost c;
		char *why = check_cost(im->ctx, &in, &c);
		if (why) {
			crm_reject(&im->rj, im->rows, why);
			free(why);
			continue;
		}
		if (!apply || (im->rj.bad && !im->rj.skip_bad))
			continue;	/* nothing will be written: only check the rest */
		int64_t id;
		if ((st = insert_cost(im->ctx, &c, &id)) || (st = print_cost(im->ctx, im->o, id)))
			return st;
		im->done++;
	}
	return crm_rejects_status(&im->rj);
}

int crm_cost_import(struct crm_ctx *ctx, const struct crm_cost_import_opts *o,
		    const char *file, FILE *out)
{
	struct imp im = {.ctx = ctx};
	struct pending p;
	int st;
	if (o->reject && !o->skip_bad)
		return crm_usage_fail("--reject goes with --skip-bad");
	if ((st = may_change_costs(ctx)))
		return st;
	char *input = (char *)(file ? file : "-");
	if (!(im.rows = crm_rows_open_twice(input, o->format, &st)))
		return st;
	if ((st = map_columns(&im)) ||
	    (st = crm_rejects_open(&im.rj, ctx, o->skip_bad, o->reject, &input, 1)))
		goto out;
	struct crm_import_inputs in = {.n = 1, .rows = &im.rows};
	pending_start(ctx, &p);
	im.o = p.o;
	st = crm_import_run(ctx, &in, o->skip_bad, import_rows, &im);
	st = pending_end(ctx, &p, crm_rejects_save(&im.rj, st), out);
	if (!st && !ctx->opts->quiet)
		crm_warn("%s %ld, rejected %ld", ctx->opts->dry_run ? "would import" : "imported",
			 im.done, im.rj.bad);
	st = crm_rejects_close(&im.rj, st);
out:
	crm_rows_close(im.rows);
	return st;
}
