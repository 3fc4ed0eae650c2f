/* deal_list.c: reading deals: list with filters, show, the stage history
 * of one deal, the stages of a pipeline, and what completion asks for.
 * Lists stream from SQLite to lib/out.h. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "deal_field.h"
#include "deal_list.h"
#include "dialect.h"
#include "err.h"
#include "money.h"
#include "out.h"
#include "record.h"

struct col {
	const char *name;
	const char *expr;
	const char *sort;	/* when it differs from expr */
	enum crm_col_kind kind;
	bool listed;		/* one of list's default columns */
};

static const struct col cols[] = {
	{"id", "d.id", NULL, CRM_COL_NUM, true},
	{"title", "d.title", NULL, CRM_COL_TEXT, true},
	{"account", "a.name", NULL, CRM_COL_TEXT, true},
	{"pipeline", "d.pipeline", NULL, CRM_COL_TEXT, true},
	{"stage", "d.stage", NULL, CRM_COL_TEXT, true},
	{"status", "d.status", NULL, CRM_COL_TEXT, true},
	{"amount", "d.amount", NULL, CRM_COL_MONEY, true},	/* cents, formatted in C */
	{"currency", "d.currency", NULL, CRM_COL_TEXT, true},
	{"close_date", "d.expected_close", NULL, CRM_COL_TEXT, true},
	{"owner", "u.login", NULL, CRM_COL_TEXT, true},
	{"account_id", "d.account_id", NULL, CRM_COL_NUM, false},
	{"contact", "c.name", NULL, CRM_COL_TEXT, false},
	{"contact_id", "d.contact_id", NULL, CRM_COL_NUM, false},
	{"source", "d.source", NULL, CRM_COL_TEXT, false},
	{"campaign", "d.campaign", NULL, CRM_COL_TEXT, false},
	{"product", "d.product", NULL, CRM_COL_TEXT, false},
	{"lead_id", "d.lead_id", NULL, CRM_COL_NUM, false},
	{"loss_reason", "d.loss_reason", NULL, CRM_COL_TEXT, false},
	{"loss_note", "d.loss_note", NULL, CRM_COL_TEXT, false},
	{"external_id", "d.external_id", NULL, CRM_COL_TEXT, false},
	{"created_at", "d.created_at", NULL, CRM_COL_TEXT, false},
	{"updated_at", "d.updated_at", NULL, CRM_COL_TEXT, false},
	{"stage_changed_at", "d.stage_changed_at", NULL, CRM_COL_TEXT, false},
	{"closed_at", "d.closed_at", NULL, CRM_COL_TEXT, false},
	{"last_activity_at", "d.last_activity_at", NULL, CRM_COL_TEXT, false},
	{"days_in_stage", NULL, NULL, CRM_COL_NUM, false},	/* DAYS_IN_STAGE, in the dialect */
};
#define NCOLS (sizeof cols / sizeof cols[0])

#define FROM \
	" FROM deals d LEFT JOIN users u ON u.id = d.owner_id" \
	" LEFT JOIN accounts a ON a.id = d.account_id" \
	" LEFT JOIN contacts c ON c.id = d.contact_id"

/* A selected column: a built-in one, or a custom deal field. */
struct pick {
	const struct col *col;
	const struct crm_custom_field *cf;
};

static int pick_field(const struct crm_config *cfg, const char *name, struct pick *p)
{
	p->col = NULL;
	for (size_t i = 0; i < NCOLS && !p->col; i++)
		if (strcmp(cols[i].name, name) == 0)
			p->col = &cols[i];
	p->cf = p->col ? NULL : crm_config_custom_field(cfg, "deal", name);
	return p->col || p->cf ? 0 : -1;
}

static int parse_fields(const struct crm_config *cfg, const char *spec, struct pick **out,
			size_t *n)
{
	size_t cap = NCOLS + cfg->ncustom_fields + 1;
	struct pick *p = crm_xcalloc(cap, sizeof *p);
	*n = 0;
	if (!spec) {
		for (size_t i = 0; i < NCOLS; i++)
			if (cols[i].listed)
				p[(*n)++].col = &cols[i];
		for (size_t i = 0; i < cfg->ncustom_fields; i++)
			if (strcmp(cfg->custom_fields[i].entity, "deal") == 0)
				p[(*n)++].cf = &cfg->custom_fields[i];
		*out = p;
		return 0;
	}
	for (const char *s = spec; *s; s++)
		cap += *s == ',';
	p = crm_xrealloc(p, cap * sizeof *p);
	char *copy = crm_xstrdup(spec), *save = NULL;
	int st = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && !st; tok = strtok_r(NULL, ",", &save))
		if (pick_field(cfg, tok, &p[(*n)++]) != 0)
			st = crm_usage_fail("unknown field '%s' in --fields", tok);
	free(copy);
	if (!st && *n == 0)
		st = crm_usage_fail("--fields wants at least one field");
	if (st) {
		free(p);
		return st;
	}
	*out = p;
	return 0;
}

/* The SQL of a pick; a custom field's JSON path is the parameter :cfN. */
static void add_expr(struct crm_ctx *ctx, struct crm_buf *q, const struct pick *p, int *ncf,
		     bool sort)
{
	if (p->col && !p->col->expr) {	/* whole days since the stage changed */
		const struct crm_dialect *d = crm_dialect(ctx->db);
		char *now = crm_xasprintf(d->epoch, ":now");
		char *then = crm_xasprintf(d->epoch, "d.stage_changed_at");
		crm_buf_add(q, "(");
		crm_buf_add(q, now);
		crm_buf_add(q, " - ");
		crm_buf_add(q, then);
		crm_buf_add(q, ") / 86400");
		free(now);
		free(then);
		return;
	}
	if (p->col) {
		crm_buf_add(q, sort && p->col->sort ? p->col->sort : p->col->expr);
		return;
	}
	bool numeric = sort && (p->cf->type == CRM_FIELD_NUMBER || p->cf->type == CRM_FIELD_MONEY);
	crm_sql_custom(ctx, q, "d.custom", ncf, numeric);
}

static void bind_cf_paths(struct crm_ctx *ctx, struct crm_stmt *st, const struct pick *picks,
			  size_t n, int *k)
{
	for (size_t i = 0; i < n; i++)
		if (!picks[i].col)
			crm_sql_custom_bind(ctx, st, picks[i].cf->name, k);
}

void crm_deal_filter_init(struct crm_deal_filter *f)
{
	memset(f, 0, sizeof *f);
	f->stuck = -1;
	f->limit = -1;
}

/* Filter values checked and ready to bind. */
struct bound {
	int64_t owner, team, min, max;
	char before[CRM_DATE_LEN], after[CRM_DATE_LEN];
	char stuck[CRM_ISO_LEN];
};

static bool stage_anywhere(const struct crm_config *cfg, const char *pipeline, const char *stage)
{
	for (size_t i = 0; i < cfg->npipelines; i++)
		if ((!pipeline || strcmp(cfg->pipelines[i].id, pipeline) == 0) &&
		    crm_pipeline_stage(&cfg->pipelines[i], stage))
			return true;
	return false;
}

static int bad(const char *why)
{
	crm_warn("%s", why);
	return EX_DATAERR;
}

static int add_filters(struct crm_ctx *ctx, const struct crm_deal_filter *f, struct crm_buf *q,
		       struct bound *b)
{
	char why[300];
	int st;
	if (f->id)
		crm_buf_add(q, " AND d.id = :id");
	if (f->pipeline) {
		if (!crm_config_pipeline(ctx->cfg, f->pipeline)) {
			crm_warn("unknown pipeline '%s'", f->pipeline);
			return EX_DATAERR;
		}
		crm_buf_add(q, " AND d.pipeline = :pipeline");
	}
	if (f->stage) {
		if (!stage_anywhere(ctx->cfg, f->pipeline, f->stage)) {
			crm_warn("unknown stage '%s'%s%s%s", f->stage, f->pipeline ? " in pipeline '" : "",
				 f->pipeline ? f->pipeline : "", f->pipeline ? "'" : "");
			return EX_DATAERR;
		}
		crm_buf_add(q, " AND d.stage = :stage");
	}
	if (f->status) {
		if (strcmp(f->status, "open") && strcmp(f->status, "won") && strcmp(f->status, "lost"))
			return crm_usage_fail("unknown status '%s' (open, won or lost)", f->status);
		crm_buf_add(q, " AND d.status = :status");
	}
	if (f->owner) {
		if ((st = crm_ctx_filter_user(ctx, f->owner, &b->owner)))
			return st;
		crm_buf_add(q, " AND d.owner_id = :owner");
	}
	if (f->team) {
		if ((st = crm_ctx_filter_team(ctx, f->team, &b->team)))
			return st;
		crm_buf_add(q, " AND d.owner_id IN (SELECT id FROM users WHERE team_id = :team)");
	}
	if (f->close_before) {
		if (crm_deal_close_date(ctx, f->close_before, b->before, why, sizeof why))
			return bad(why);
		crm_buf_add(q, " AND d.expected_close < :before");
	}
	if (f->close_after) {
		if (crm_deal_close_date(ctx, f->close_after, b->after, why, sizeof why))
			return bad(why);
		crm_buf_add(q, " AND d.expected_close >= :after");
	}
	if (f->min_amount) {
		if (crm_deal_amount(f->min_amount, &b->min, why, sizeof why))
			return bad(why);
		crm_buf_add(q, " AND d.amount >= :min");
	}
	if (f->max_amount) {
		if (crm_deal_amount(f->max_amount, &b->max, why, sizeof why))
			return bad(why);
		crm_buf_add(q, " AND d.amount <= :max");
	}
	if (f->stuck >= 0) {
		crm_time_iso(ctx->now - (crm_time)f->stuck * 86400, b->stuck);
		crm_buf_add(q, " AND d.status = 'open' AND d.stage_changed_at <= :stuck");
	}
	if (f->account)
		crm_buf_add(q, " AND d.account_id = :account");
	return 0;
}

static void bind_int(struct crm_stmt *s, const char *name, int64_t value)
{
	int i = crm_param_index(s, name);
	if (i)
		crm_bind_int(s, i, value);
}

static void bind_filters(struct crm_ctx *ctx, struct crm_stmt *s, const struct crm_deal_filter *f,
			 const struct bound *b)
{
	bind_int(s, ":id", f->id);
	crm_bind_named_text(s, ":pipeline", f->pipeline);
	crm_bind_named_text(s, ":stage", f->stage);
	crm_bind_named_text(s, ":status", f->status);
	bind_int(s, ":owner", b->owner);
	bind_int(s, ":team", b->team);
	crm_bind_named_text(s, ":before", b->before);
	crm_bind_named_text(s, ":after", b->after);
	bind_int(s, ":min", b->min);
	bind_int(s, ":max", b->max);
	crm_bind_named_text(s, ":stuck", b->stuck);
	bind_int(s, ":account", f->account);
	bind_int(s, ":limit", f->limit);
	crm_bind_named_text(s, ":now", ctx->now_iso);
	crm_ctx_bind_actor(ctx, s);
}

static const char *pick_name(const struct pick *p) { return p->col ? p->col->name : p->cf->name; }

static enum crm_col_kind pick_kind(const struct pick *p)
{
	if (p->col)
		return p->col->kind;
	return p->cf->type == CRM_FIELD_MONEY ? CRM_COL_MONEY :
	       p->cf->type == CRM_FIELD_NUMBER ? CRM_COL_NUM : CRM_COL_TEXT;
}

/* The query for f, prepared and bound; every filter is checked here,
 * before any output. */
static int prepare_list(struct crm_ctx *ctx, const struct crm_deal_filter *f,
			const struct pick *picks, size_t n, struct crm_stmt **out)
{
	struct crm_buf q = {0};
	struct pick sortpick;
	struct bound b = {0};
	int ncf = 0, st;

	*out = NULL;
	crm_buf_add(&q, "SELECT ");
	for (size_t i = 0; i < n; i++) {
		crm_buf_add(&q, i ? ", " : "");
		add_expr(ctx, &q, &picks[i], &ncf, false);
	}
	crm_buf_add(&q, FROM " WHERE " CRM_SQL_VISIBLE_OWNED("d.owner_id"));
	if ((st = add_filters(ctx, f, &q, &b)))
		goto out;
	bool desc = f->sort && *f->sort == '-';
	const char *sort = f->sort ? f->sort + desc : "id";
	if (pick_field(ctx->cfg, sort, &sortpick) != 0) {
		st = crm_usage_fail("unknown field '%s' in --sort", sort);
		goto out;
	}
	crm_buf_add(&q, " ORDER BY ");
	add_expr(ctx, &q, &sortpick, &ncf, true);
	crm_buf_add(&q, desc ? " DESC NULLS LAST, d.id DESC" : " NULLS FIRST, d.id");
	if (f->limit >= 0)
		crm_buf_add(&q, " LIMIT :limit");
	if (crm_db_prepare(ctx->db, q.s, out) != CRM_OK) {
		st = crm_db_fail(ctx->db, "cannot read deals");
		goto out;
	}
	int k = 0;
	bind_cf_paths(ctx, *out, picks, n, &k);
	bind_cf_paths(ctx, *out, &sortpick, 1, &k);
	bind_filters(ctx, *out, f, &b);
out:
	free(q.s);
	return st;
}

/* Hand each row of s to o (vertical: as field and value rows). */
static int run_list(struct crm_ctx *ctx, struct crm_stmt *s, const struct pick *picks, size_t n,
		    struct crm_out *o, FILE *out, bool vertical)
{
	const char **row = crm_xcalloc(n, sizeof *row);
	char (*money)[CRM_MONEY_LEN] = crm_xcalloc(n, sizeof *money);
	long rows = 0;
	int rc;
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (size_t i = 0; i < n; i++) {
			row[i] = crm_col_str(s, (int)i);
			if (row[i] && picks[i].col && picks[i].col->kind == CRM_COL_MONEY) {
				crm_money_format(crm_col_int(s, (int)i), money[i]);
				row[i] = money[i];
			}
			if (vertical)
				crm_out_row(o, (const char *[]){pick_name(&picks[i]), row[i]});
		}
		if (!vertical)
			crm_out_row(o, row);
		if ((++rows & 1023) == 0 && ferror(out))
			break;
	}
	free(row);
	free(money);
	return rc == CRM_ROW || rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read deals");
}

int crm_deal_list(struct crm_ctx *ctx, const struct crm_deal_filter *f, FILE *out)
{
	struct pick *picks = NULL;
	struct crm_stmt *s = NULL;
	size_t n = 0;
	int st = parse_fields(ctx->cfg, f->fields, &picks, &n);
	if (st)
		return st;
	if (!(st = prepare_list(ctx, f, picks, n, &s))) {
		struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
		for (size_t i = 0; i < n; i++)
			crm_out_col(o, pick_name(&picks[i]), pick_kind(&picks[i]));
		st = run_list(ctx, s, picks, n, o, out, false);
		if (!st && ctx->opts->format == CRM_FMT_TABLE)
			crm_out_totals(o, "total");
		crm_out_end(o);
	}
	crm_stmt_finish(s);
	free(picks);
	return st;
}

/* The stage history of deal id on o; the caller checked visibility. */
static int history(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	static const char sql[] =
		"SELECT at, from_stage, to_stage, actor, reason FROM deal_stages WHERE deal_id = ?1"
		" ORDER BY at, id";
	static const char *const names[] = {"at", "from", "to", "actor", "reason"};
	const char *row[5];
	int rc;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	crm_out_cols(o, names, 5);
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (int i = 0; i < 5; i++)
			row[i] = crm_col_str(s, i);
		crm_out_row(o, row);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read deal history");
}

int crm_deal_history(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	int st = crm_deal_check(ctx, id, false, NULL);
	if (st)
		return st;
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	st = history(ctx, id, o);
	crm_out_end(o);
	return st;
}

int crm_deal_show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	bool table = ctx->opts->format == CRM_FMT_TABLE, header = !ctx->opts->no_header || table;
	struct crm_deal_filter f;
	struct pick *picks;
	size_t n = 0;
	int st = crm_deal_check(ctx, id, false, NULL);
	if (st)
		return st;
	crm_deal_filter_init(&f);
	f.id = id;
	picks = crm_xcalloc(NCOLS + ctx->cfg->ncustom_fields, sizeof *picks);
	for (size_t i = 0; i < NCOLS; i++)
		picks[n++].col = &cols[i];
	for (size_t i = 0; i < ctx->cfg->ncustom_fields; i++)
		if (strcmp(ctx->cfg->custom_fields[i].entity, "deal") == 0)
			picks[n++].cf = &ctx->cfg->custom_fields[i];
	struct crm_stmt *s;
	if ((st = prepare_list(ctx, &f, picks, n, &s))) {
		free(picks);
		return st;
	}
	if (!table)
		fputs("# deal\n", out);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, header);
	if (table) {
		crm_out_col(o, "field", CRM_COL_TEXT);
		crm_out_col(o, "value", CRM_COL_TEXT);
	} else {
		for (size_t i = 0; i < n; i++)
			crm_out_col(o, pick_name(&picks[i]), pick_kind(&picks[i]));
	}
	st = run_list(ctx, s, picks, n, o, out, table);
	crm_stmt_finish(s);
	crm_out_end(o);
	free(picks);
	if (st)
		return st;
	fputs(table ? "\n" : "\n# history\n", out);
	o = crm_out_new(out, ctx->opts->format, header);
	st = history(ctx, id, o);
	crm_out_end(o);
	return st;
}

int crm_deal_stages(struct crm_ctx *ctx, const char *pipeline, FILE *out)
{
	static const char *const kinds[] = {"open", "won", "lost"};
	const struct crm_pipeline *p = crm_config_pipeline(ctx->cfg, pipeline);
	if (!p) {
		crm_warn("unknown pipeline '%s'", pipeline);
		return EX_DATAERR;
	}
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, "order", CRM_COL_NUM);
	crm_out_col(o, "id", CRM_COL_TEXT);
	crm_out_col(o, "name", CRM_COL_TEXT);
	crm_out_col(o, "probability", CRM_COL_RATE);
	crm_out_col(o, "kind", CRM_COL_TEXT);
	for (size_t i = 0; i < p->nstages; i++) {
		const struct crm_stage *s = &p->stages[i];
		char order[24], prob[16];
		snprintf(order, sizeof order, "%zu", i + 1);
		snprintf(prob, sizeof prob, "%d.%04d", s->probability / 100, s->probability % 100 * 100);
		const char *row[] = {order, s->id, s->name, prob, kinds[s->kind]};
		crm_out_row(o, row);
	}
	crm_out_end(o);
	return 0;
}

void crm_deal_complete_fields(const struct crm_config *cfg, FILE *out)
{
	for (size_t i = 0; i < NCOLS; i++)
		fprintf(out, "%s\n", cols[i].name);
	for (size_t i = 0; i < cfg->ncustom_fields; i++)
		if (strcmp(cfg->custom_fields[i].entity, "deal") == 0)
			fprintf(out, "%s\n", cfg->custom_fields[i].name);
}
