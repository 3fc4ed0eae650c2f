/* lead_list.c: reading leads: list with filters (each one an indexed
 * column, see CRM_LEAD_INDEXES), show with the audit history, and the
 * values shell completion asks for.  Lists stream from SQLite to lib/out.h:
 * memory does not grow with the number of rows. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "err.h"
#include "json.h"
#include "lead.h"
#include "leadfield.h"
#include "out.h"
#include "record.h"

#define K (&crm_lead_kind)

/* The SQL expression of a pick; custom fields use the parameter :cfN.
 * They are stored as JSON strings, so numbers sort as numbers. */
static void add_expr(struct crm_ctx *ctx, struct crm_buf *q, const struct crm_pick *p, int *ncf,
		     bool sort)
{
	if (p->col) {
		crm_buf_add(q, p->col->expr);
		return;
	}
	bool numeric = sort && (p->cf->type == CRM_FIELD_NUMBER || p->cf->type == CRM_FIELD_MONEY);
	crm_sql_custom(ctx, q, "t.custom", ncf, numeric);
}

void crm_lead_filter_init(struct crm_lead_filter *f)
{
	memset(f, 0, sizeof *f);
	f->limit = -1;
}

/* Check the filters and turn them into SQL; values are bound later. */
static int add_filters(struct crm_ctx *ctx, const struct crm_lead_filter *f, struct crm_buf *q,
		       char since[CRM_ISO_LEN], char until[CRM_ISO_LEN], int64_t *owner)
{
	static const struct { size_t off; const char *sql; } eq[] = {
		{offsetof(struct crm_lead_filter, campaign), " AND t.campaign = :campaign"},
		{offsetof(struct crm_lead_filter, region), " AND t.region = :region"},
		{offsetof(struct crm_lead_filter, industry), " AND t.industry = :industry"},
		{offsetof(struct crm_lead_filter, source), " AND t.source = :source"},
	};
	crm_time t;

	if (f->id)
		crm_buf_add(q, " AND t.id = :id");
	if (f->status) {
		if (!crm_lead_status_valid(f->status))
			return crm_usage_fail("unknown status '%s'", f->status);
		crm_buf_add(q, " AND t.status = :status");
	}
	if (f->heat) {
		if (!crm_config_has_heat(ctx->cfg, f->heat))
			return crm_usage_fail("unknown heat level '%s'", f->heat);
		crm_buf_add(q, " AND t.heat = :heat");
	}
	if (f->owner && f->unassigned)
		return crm_usage_fail("--owner and --unassigned exclude each other");
	if (f->owner) {
		int st = crm_ctx_filter_user(ctx, f->owner, owner);
		if (st)
			return st;
		crm_buf_add(q, " AND t.owner_id = :owner");
	}
	if (f->unassigned)
		crm_buf_add(q, " AND t.owner_id IS NULL");
	for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++)
		if (*(const char *const *)((const char *)f + eq[i].off))
			crm_buf_add(q, eq[i].sql);
	static const char *const searched[] = {"t.name", "t.company", NULL};
	if (f->tag)
		crm_sql_tag_filter(ctx, q);
	if (f->search)
		crm_sql_search_filter(ctx, q, searched, NULL);
	/* both bounds, always: with one SQLite prefers a scan in id order to
	 * the created_at index; "~" sorts after any ISO-8601 text */
	strcpy(until, "~");
	if (f->since) {
		int st = crm_opt_time("--since", f->since, ctx->now, &t);
		if (st)
			return st;
		crm_time_iso(t, since);
	}
	if (f->until) {
		int st = crm_opt_time("--until", f->until, ctx->now, &t);
		if (st)
			return st;
		crm_time_iso(t, until);
	}
	if (f->since || f->until)
		crm_buf_add(q, " AND t.created_at >= :since AND t.created_at < :until");
	return 0;
}

static void bind_filters(struct crm_ctx *ctx, struct crm_stmt *st, const struct crm_lead_filter *f,
			 const char *since, const char *until, int64_t owner)
{
	int i;
	if ((i = crm_param_index(st, ":id")))
		crm_bind_int(st, i, f->id);
	if ((i = crm_param_index(st, ":owner")))
		crm_bind_int(st, i, owner);
	if ((i = crm_param_index(st, ":limit")))
		crm_bind_int(st, i, f->limit);
	if (f->source) {
		/* a source may be named by its display name, as on input */
		const char *id = f->source;
		for (size_t k = 0; k < ctx->cfg->nsources; k++)
			if (strcmp(ctx->cfg->sources[k].name, f->source) == 0)
				id = ctx->cfg->sources[k].id;
		crm_bind_named_text(st, ":source", id);
	}
	crm_bind_named_text(st, ":status", f->status ? f->status : "");
	crm_bind_named_text(st, ":heat", f->heat ? f->heat : "");
	crm_bind_named_text(st, ":campaign", f->campaign ? f->campaign : "");
	crm_bind_named_text(st, ":region", f->region ? f->region : "");
	crm_bind_named_text(st, ":industry", f->industry ? f->industry : "");
	crm_bind_named_text(st, ":tag", f->tag ? f->tag : "");
	crm_bind_named_text(st, ":search", f->search ? f->search : "");
	crm_bind_named_text(st, ":since", since);
	crm_bind_named_text(st, ":until", until);
	crm_ctx_bind_actor(ctx, st);
}

static int add_sort(struct crm_ctx *ctx, const char *sort, struct crm_buf *q, struct crm_pick *p, int *ncf)
{
	bool desc = sort && *sort == '-';
	const char *name = sort ? sort + desc : "id";
	if (crm_pick_find(ctx, K, name, p) != 0)
		return crm_usage_fail("unknown field '%s' in --sort", name);
	crm_buf_add(q, " ORDER BY ");
	add_expr(ctx, q, p, ncf, true);
	crm_buf_add(q, desc ? " DESC NULLS LAST, t.id DESC" : " NULLS FIRST, t.id");
	return 0;
}

static enum crm_col_kind pick_kind(const struct crm_pick *p)
{
	if (p->col)
		return p->col->type;
	return p->cf->type == CRM_FIELD_MONEY ? CRM_COL_MONEY :
	       p->cf->type == CRM_FIELD_NUMBER ? CRM_COL_NUM : CRM_COL_TEXT;
}

static int prepare(struct crm_ctx *ctx, const char *sql, struct crm_stmt **st)
{
	if (crm_db_prepare(ctx->db, sql, st) != CRM_OK)
		return crm_db_fail(ctx->db, "cannot read leads");
	return 0;
}

int crm_lead_list(struct crm_ctx *ctx, const struct crm_lead_filter *f, FILE *out)
{
	struct crm_buf q = {0};
	struct crm_pick *picks = NULL, sortpick;
	size_t n = 0;
	char since[CRM_ISO_LEN] = "", until[CRM_ISO_LEN] = "";
	int64_t owner = 0;
	int ncf = 0, st, rc;
	struct crm_stmt *s = NULL;

	if ((st = crm_picks_parse(ctx, K, f->fields, &picks, &n)))
		return st;
	crm_buf_add(&q, "SELECT ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			crm_buf_add(&q, ", ");
		add_expr(ctx, &q, &picks[i], &ncf, false);
	}
	crm_buf_add(&q, " FROM leads t LEFT JOIN users u ON u.id = t.owner_id WHERE "
		CRM_SQL_VISIBLE_LEAD("t.owner_id"));
	if ((st = add_filters(ctx, f, &q, since, until, &owner)))
		goto out;
	if ((st = add_sort(ctx, f->sort, &q, &sortpick, &ncf)))
		goto out;
	if (f->limit >= 0)
		crm_buf_add(&q, " LIMIT :limit");
	if ((st = prepare(ctx, q.s, &s)))
		goto out;
	int cf = 0;
	crm_picks_bind(ctx, s, picks, n, &cf);
	crm_picks_bind(ctx, s, &sortpick, 1, &cf);
	bind_filters(ctx, s, f, since, until, owner);

	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	for (size_t i = 0; i < n; i++)
		crm_out_col(o, crm_pick_name(&picks[i]), pick_kind(&picks[i]));
	const char **row = crm_xcalloc(n, sizeof *row);
	long rows = 0;
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (size_t i = 0; i < n; i++)
			row[i] = crm_col_str(s, (int)i);
		crm_out_row(o, row);
		/* a full disk or closed pipe: stop early, crm_finish() reports it */
		if ((++rows & 1023) == 0 && ferror(out))
			break;
	}
	free(row);
	crm_out_end(o);
	if (rc != CRM_ROW && rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot read leads");
out:
	crm_stmt_finish(s);
	free(picks);
	free(q.s);
	return st;
}

/* ---- show ---- */

static int show_fields(struct crm_ctx *ctx, int64_t id, FILE *out, struct crm_out *o, bool vertical)
{
	static const char custom_sql[] = "SELECT coalesce(custom, '') FROM leads WHERE id = ?1";
	struct crm_buf q = {0};
	struct crm_stmt *s = NULL;
	char what[48];
	int st, rc;

	crm_buf_add(&q, "SELECT ");
	for (size_t i = 0; i < (size_t)K->ncols; i++) {
		crm_buf_add(&q, K->cols[i].expr);
		crm_buf_add(&q, ", ");
	}
	crm_buf_add(&q, "t.owner_id, " CRM_SQL_AS_INT(CRM_SQL_VISIBLE_LEAD("t.owner_id"))
		" FROM leads t LEFT JOIN users u ON u.id = t.owner_id WHERE t.id = :id");
	st = prepare(ctx, q.s, &s);
	free(q.s);
	if (st)
		return st;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(ctx, s);
	snprintf(what, sizeof what, "lead %lld", (long long)id);
	if ((rc = crm_step(s)) != CRM_ROW) {
		st = rc == CRM_DONE ? crm_ctx_hidden(ctx, "leads", id, what) : 0;
		if (rc == CRM_DONE && !st)
			crm_warn("lead %lld not found", (long long)id);
		if (!st)
			st = rc == CRM_DONE ? CRM_EX_NOTFOUND : crm_db_fail(ctx->db, "cannot read lead");
		crm_stmt_finish(s);
		return st;
	}
	if (!crm_col_int(s, (size_t)K->ncols + 1) &&
	    (st = crm_ctx_may_see(ctx, crm_col_int(s, (size_t)K->ncols), what))) {
		crm_stmt_finish(s);
		return st;
	}

	if (!vertical)
		fputs("# lead\n", out);
	/* names and values: the built-in columns, then the custom fields */
	size_t cap = (size_t)K->ncols + 8, n = 0;
	char **names = crm_xcalloc(cap, sizeof *names), **values = crm_xcalloc(cap, sizeof *values);
	for (size_t i = 0; i < (size_t)K->ncols; i++, n++) {
		names[n] = crm_xstrdup(K->cols[i].name);
		values[n] = crm_xstrdup(crm_col_text(s, (int)i));
	}
	crm_stmt_finish(s);
	const struct crm_config *cfg = ctx->cfg;
	size_t first_custom = n;
	for (size_t i = 0; i < cfg->ncustom_fields; i++) {
		if (strcmp(cfg->custom_fields[i].entity, "lead") != 0)
			continue;
		if (n == cap) {
			cap *= 2;
			names = crm_xrealloc(names, cap * sizeof *names);
			values = crm_xrealloc(values, cap * sizeof *values);
		}
		names[n] = crm_xstrdup(cfg->custom_fields[i].name);
		values[n++] = crm_xstrdup("");
	}
	struct crm_json *js = NULL;
	if (!(s = crm_db_stmt(ctx->db, custom_sql))) {
		st = EX_SOFTWARE;
		goto out;
	}
	crm_bind_int(s, 1, id);
	if ((rc = crm_step(s)) == CRM_ROW && *crm_col_text(s, 0) &&
	    !(js = crm_json_parse(crm_col_text(s, 0), strlen(crm_col_text(s, 0))))) {
		crm_warn("lead %lld: its custom fields are not valid JSON", (long long)id);
		st = EX_DATAERR;
	}
	crm_stmt_reset(s);
	if (rc != CRM_ROW && rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot read custom fields");
	size_t *order = js ? crm_json_by_key(js) : NULL;
	for (size_t j = 0; js && j < crm_json_count(js); j++) {
		const char *key = crm_json_key(js, order[j]);
		size_t k = first_custom;
		while (k < n && strcmp(names[k], key) != 0)
			k++;
		if (k == n) {	/* a field the config no longer declares */
			if (n == cap) {
				cap *= 2;
				names = crm_xrealloc(names, cap * sizeof *names);
				values = crm_xrealloc(values, cap * sizeof *values);
			}
			names[n] = crm_xstrdup(key);
			values[n++] = NULL;
		}
		free(values[k]);
		values[k] = crm_xstrdup(crm_json_each_text(js, order[j]));
	}
	free(order);
	crm_json_free(js);

	if (!st && vertical) {
		crm_out_col(o, "field", CRM_COL_TEXT);
		crm_out_col(o, "value", CRM_COL_TEXT);
		for (size_t i = 0; i < n; i++)
			crm_out_row(o, (const char *[]){names[i], values[i]});
	} else if (!st) {
		crm_out_cols(o, (const char *const *)names, n);
		crm_out_row(o, (const char *const *)values);
	}
out:
	for (size_t i = 0; i < n; i++) {
		free(names[i]);
		free(values[i]);
	}
	free(names);
	free(values);
	return st;
}

int crm_lead_show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	bool table = ctx->opts->format == CRM_FMT_TABLE, header = !ctx->opts->no_header;
	int st;
	struct crm_out *o = crm_out_new(out, ctx->opts->format, header || table);
	st = show_fields(ctx, id, out, o, table);
	crm_out_end(o);
	if (st)
		return st;
	fputs(table ? "\n" : "\n# history\n", out);
	o = crm_out_new(out, ctx->opts->format, header || table);
	st = crm_history_print(ctx, "lead", id, o);	/* show_fields checked visibility */
	crm_out_end(o);
	return st;
}

/* ---- completion ---- */

int crm_lead_complete(struct crm_ctx *ctx, const char *kind, FILE *out)
{
	const struct crm_config *cfg = ctx->cfg;
	if (strcmp(kind, "fields") == 0) {
		for (size_t i = 0; i < (size_t)K->ncols; i++)
			fprintf(out, "%s\n", K->cols[i].name);
		for (size_t i = 0; i < cfg->ncustom_fields; i++)
			if (strcmp(cfg->custom_fields[i].entity, "lead") == 0)
				fprintf(out, "%s\n", cfg->custom_fields[i].name);
	} else if (strcmp(kind, "statuses") == 0) {
		for (const char *const *p = crm_lead_statuses; *p; p++)
			fprintf(out, "%s\n", *p);
	} else if (strcmp(kind, "sources") == 0) {
		for (size_t i = 0; i < cfg->nsources; i++)
			fprintf(out, "%s\n", cfg->sources[i].id);
	} else if (strcmp(kind, "heat") == 0) {
		for (size_t i = 0; i < cfg->nheat; i++)
			fprintf(out, "%s\n", cfg->heat[i].id);
	} else if (strcmp(kind, "owners") == 0) {
		static const char sql[] = "SELECT login FROM users WHERE active = 1 ORDER BY login";
		struct crm_stmt *s = ctx->db ? crm_db_stmt(ctx->db, sql) : NULL;
		while (s && crm_step(s) == CRM_ROW)
			fprintf(out, "%s\n", crm_col_text(s, 0));
	} else {
		return crm_usage_fail("unknown completion '%s'", kind);
	}
	return 0;
}
