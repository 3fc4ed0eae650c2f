/* record_list.c: reading accounts and contacts: list with filters, fields,
 * sort and limit; the profile of one record (every column and custom
 * field) and show with its history (leads' too); completion of field
 * names.  Rows stream from SQLite to lib/out.h. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "json.h"
#include "record.h"

int crm_pick_find(struct crm_ctx *ctx, const struct crm_kind *k, const char *name,
		      struct crm_pick *p)
{
	for (int i = 0; i < k->ncols; i++) {
		if (strcmp(k->cols[i].name, name) == 0) {
			p->col = &k->cols[i];
			p->cf = NULL;
			return 0;
		}
	}
	p->col = NULL;
	p->cf = crm_config_custom_field(ctx->cfg, k->entity, name);
	return p->cf ? 0 : -1;
}

int crm_picks_parse(struct crm_ctx *ctx, const struct crm_kind *k, const char *spec,
		    struct crm_pick **out, size_t *n)
{
	const struct crm_config *cfg = ctx->cfg;
	size_t cap = (size_t)k->ncols + cfg->ncustom_fields + 1;
	for (const char *p = spec ? spec : ""; *p; p++)
		cap += *p == ',';
	struct crm_pick *p = crm_xcalloc(cap, sizeof *p);
	*n = 0;
	if (!spec) {
		for (int i = 0; i < k->ncols; i++)
			if (k->cols[i].listed)
				p[(*n)++].col = &k->cols[i];
		for (size_t i = 0; i < cfg->ncustom_fields; i++)
			if (strcmp(cfg->custom_fields[i].entity, k->entity) == 0)
				p[(*n)++].cf = &cfg->custom_fields[i];
		*out = p;
		return 0;
	}
	char *copy = crm_xstrdup(spec), *save = NULL;
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (crm_pick_find(ctx, k, tok, &p[*n]) != 0) {
			int st = crm_usage_fail("unknown field '%s' in --fields", tok);
			free(copy);
			free(p);
			return st;
		}
		(*n)++;
	}
	free(copy);
	if (*n == 0) {
		free(p);
		return crm_usage_fail("--fields wants at least one field");
	}
	*out = p;
	return 0;
}

/* The SQL of a pick; a custom field's JSON path is the parameter :cfN. */
void crm_sql_custom(struct crm_ctx *ctx, struct crm_buf *q, const char *custom, int *ncf,
		    bool numeric)
{
	char param[24];
	snprintf(param, sizeof param, ":cf%d", (*ncf)++);
	char *text = crm_xasprintf(crm_dialect(ctx->db)->json_text, custom, param);
	if (numeric)
		crm_buf_add(q, "CAST(");
	crm_buf_add(q, text);
	if (numeric)
		crm_buf_add(q, " AS DOUBLE PRECISION)");
	free(text);
}

void crm_sql_custom_bind(struct crm_ctx *ctx, struct crm_stmt *st, const char *name, int *k)
{
	char param[24];
	snprintf(param, sizeof param, ":cf%d", (*k)++);
	crm_bind_owned(st, crm_param_index(st, param),
		       crm_xasprintf(crm_dialect(ctx->db)->json_key, name));
}

static void add_expr(struct crm_ctx *ctx, struct crm_buf *q, const struct crm_pick *p, int *ncf)
{
	if (p->col)
		crm_buf_add(q, p->col->expr);
	else
		crm_sql_custom(ctx, q, "t.custom", ncf, false);
}

void crm_picks_bind(struct crm_ctx *ctx, struct crm_stmt *st, const struct crm_pick *picks,
		    size_t n, int *k)
{
	for (size_t i = 0; i < n; i++)
		if (!picks[i].col)
			crm_sql_custom_bind(ctx, st, picks[i].cf->name, k);
}

void crm_rec_filter_init(struct crm_rec_filter *f)
{
	memset(f, 0, sizeof *f);
	f->limit = -1;
}

static const char *account_column(const struct crm_kind *k)
{
	for (int i = 0; i < k->nfields; i++)
		if (k->fields[i].kind == CRM_FK_ACCOUNT)
			return k->fields[i].column;
	return NULL;
}

/* Check the filters and add their SQL; values are bound later. */
static int add_filters(struct crm_ctx *ctx, const struct crm_kind *k,
		       const struct crm_rec_filter *f, struct crm_buf *q,
		       char since[CRM_ISO_LEN], char until[CRM_ISO_LEN], int64_t *owner)
{
	crm_time t;
	if (f->id)
		crm_buf_add(q, " AND t.id = :id");
	if (f->owner && f->unowned)
		return crm_usage_fail("--owner and --unowned exclude each other");
	if (f->owner) {
		int st = crm_ctx_filter_user(ctx, f->owner, owner);
		if (st)
			return st;
		crm_buf_add(q, " AND t.owner_id = :owner");
	}
	if (f->unowned)
		crm_buf_add(q, " AND t.owner_id IS NULL");
	if (f->account && account_column(k)) {
		crm_buf_add(q, " AND t.");
		crm_buf_add(q, account_column(k));
		crm_buf_add(q, " = :account");
	}
	if (f->industry)
		crm_buf_add(q, " AND t.industry = :industry");
	if (f->region)
		crm_buf_add(q, " AND t.region = :region");
	if (f->source)
		crm_buf_add(q, " AND t.source = :source");
	for (int i = 0; k->filters && k->filters[i] && i < CRM_REC_FILTERS; i++) {
		if (!f->eq[i])
			continue;
		char name[16];
		snprintf(name, sizeof name, ":eq%d", i);
		crm_buf_add(q, " AND t.");
		crm_buf_add(q, k->fields[crm_kind_field(k, k->filters[i])].column);
		crm_buf_add(q, " = ");
		crm_buf_add(q, name);
	}
	static const char *const searched[] = {"t.name", "t.email", NULL};
	if (f->tag)
		crm_sql_tag_filter(ctx, q);
	if (f->search)
		crm_sql_search_filter(ctx, q, k->searched ? k->searched : searched,
				      k->searched ? NULL : "t.phone");
	if (f->since) {
		int st = crm_opt_time("--since", f->since, ctx->now, &t);
		if (st)
			return st;
		crm_time_iso(t, since);
		crm_buf_add(q, " AND t.created_at >= :since");
	}
	if (f->until) {
		int st = crm_opt_time("--until", f->until, ctx->now, &t);
		if (st)
			return st;
		crm_time_iso(t, until);
		crm_buf_add(q, " AND t.created_at < :until");
	}
	return 0;
}

static void bind_filters(struct crm_ctx *ctx, struct crm_stmt *st, const struct crm_rec_filter *f,
			 const char *since, const char *until, int64_t owner)
{
	int i;
	if ((i = crm_param_index(st, ":id")))
		crm_bind_int(st, i, f->id);
	if ((i = crm_param_index(st, ":owner")))
		crm_bind_int(st, i, owner);
	if ((i = crm_param_index(st, ":account")))
		crm_bind_int(st, i, f->account);
	if ((i = crm_param_index(st, ":limit")))
		crm_bind_int(st, i, f->limit);
	crm_bind_named_text(st, ":industry", f->industry);
	crm_bind_named_text(st, ":region", f->region);
	crm_bind_named_text(st, ":source", f->source);
	for (int k = 0; k < CRM_REC_FILTERS; k++) {
		char name[16];
		snprintf(name, sizeof name, ":eq%d", k);
		crm_bind_named_text(st, name, f->eq[k]);
	}
	crm_bind_named_text(st, ":tag", f->tag);
	crm_bind_named_text(st, ":search", f->search);
	crm_bind_named_text(st, ":since", since);
	crm_bind_named_text(st, ":until", until);
	crm_ctx_bind_actor(ctx, st);
}

const char *crm_pick_name(const struct crm_pick *p) { return p->col ? p->col->name : p->cf->name; }

static enum crm_col_kind pick_kind(const struct crm_pick *p)
{
	if (p->col && p->col->type)
		return p->col->type;
	return p->col && strcmp(p->col->name, "id") == 0 ? CRM_COL_INT : CRM_COL_TEXT;
}

static void from_where(struct crm_buf *q, const struct crm_kind *k)
{
	crm_buf_add(q, " FROM ");
	crm_buf_add(q, k->table);
	crm_buf_add(q, " t LEFT JOIN users u ON u.id = t.owner_id WHERE ");
	crm_buf_add(q, crm_kind_visible(k));
}

int crm_rec_list(struct crm_ctx *ctx, const struct crm_kind *k, const struct crm_rec_filter *f,
		 FILE *out)
{
	struct crm_buf q = {0};
	struct crm_pick *picks = NULL, sortpick;
	size_t n = 0;
	char since[CRM_ISO_LEN] = "", until[CRM_ISO_LEN] = "";
	int64_t owner = 0;
	int ncf = 0, st, rc;
	struct crm_stmt *s = NULL;

	if ((st = crm_picks_parse(ctx, k, f->fields, &picks, &n)))
		return st;
	crm_buf_add(&q, "SELECT ");
	for (size_t i = 0; i < n; i++) {
		if (i)
			crm_buf_add(&q, ", ");
		add_expr(ctx, &q, &picks[i], &ncf);
	}
	from_where(&q, k);
	if ((st = add_filters(ctx, k, f, &q, since, until, &owner)))
		goto out;
	bool desc = f->sort && *f->sort == '-';
	const char *sort = f->sort ? f->sort + desc : "id";
	if (crm_pick_find(ctx, k, sort, &sortpick) != 0) {
		st = crm_usage_fail("unknown field '%s' in --sort", sort);
		goto out;
	}
	crm_buf_add(&q, " ORDER BY ");
	add_expr(ctx, &q, &sortpick, &ncf);
	crm_buf_add(&q, desc ? " DESC NULLS LAST, t.id DESC" : " NULLS FIRST, t.id");
	if (f->limit >= 0)
		crm_buf_add(&q, " LIMIT :limit");
	if (crm_db_prepare(ctx->db, q.s, &s) != CRM_OK) {
		st = crm_db_fail(ctx->db, "cannot read records");
		goto out;
	}
	int kcf = 0;
	crm_picks_bind(ctx, s, picks, n, &kcf);
	crm_picks_bind(ctx, s, &sortpick, 1, &kcf);
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
		if ((++rows & 1023) == 0 && ferror(out))
			break;	/* a full disk or a closed pipe: crm_finish() reports it */
	}
	free(row);
	crm_out_end(o);
	if (rc != CRM_ROW && rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot read records");
out:
	crm_stmt_finish(s);
	free(picks);
	free(q.s);
	return st;
}

/* ---- profile and show ---- */

struct pairs {
	char **names, **values;
	size_t n, cap;
};

static void pair_add(struct pairs *p, const char *name, const char *value)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 32;
		p->names = crm_xrealloc(p->names, p->cap * sizeof *p->names);
		p->values = crm_xrealloc(p->values, p->cap * sizeof *p->values);
	}
	p->names[p->n] = crm_xstrdup(name);
	p->values[p->n++] = crm_xstrdup(value);
}

static void pairs_free(struct pairs *p)
{
	for (size_t i = 0; i < p->n; i++) {
		free(p->names[i]);
		free(p->values[i]);
	}
	free(p->names);
	free(p->values);
}

/* The custom fields the config declares, then any others the JSON holds
 * (a field the config no longer declares is still shown). */
static int custom_pairs(struct crm_ctx *ctx, const struct crm_kind *k, const char *json,
			struct pairs *p)
{
	const struct crm_config *cfg = ctx->cfg;
	size_t first = p->n;
	for (size_t i = 0; i < cfg->ncustom_fields; i++)
		if (strcmp(cfg->custom_fields[i].entity, k->entity) == 0)
			pair_add(p, cfg->custom_fields[i].name, "");
	if (!*json)
		return 0;
	struct crm_json *js = crm_json_parse(json, strlen(json));
	if (!js) {
		crm_warn("%s: its custom fields are not valid JSON", k->entity);
		return EX_DATAERR;
	}
	size_t *order = crm_json_by_key(js);
	for (size_t j = 0; j < crm_json_count(js); j++) {
		const char *key = crm_json_key(js, order[j]);
		size_t i = first;
		while (i < p->n && strcmp(p->names[i], key) != 0)
			i++;
		if (i == p->n)
			pair_add(p, key, "");
		free(p->values[i]);
		p->values[i] = crm_xstrdup(crm_json_each_text(js, order[j]));
	}
	free(order);
	crm_json_free(js);
	return 0;
}

int crm_rec_profile(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id, bool vertical,
		    struct crm_out *o)
{
	struct crm_buf q = {0};
	struct pairs p = {0};
	struct crm_stmt *s = NULL;
	int st = 0, rc;

	crm_buf_add(&q, "SELECT ");
	for (int i = 0; i < k->ncols; i++) {
		crm_buf_add(&q, k->cols[i].expr);
		crm_buf_add(&q, ", ");
	}
	crm_buf_add(&q, "t.custom, CASE WHEN ");
	crm_buf_add(&q, crm_kind_visible(k));
	crm_buf_add(&q, " THEN 1 ELSE 0 END");
	crm_buf_add(&q, " FROM ");
	crm_buf_add(&q, k->table);
	crm_buf_add(&q, " t LEFT JOIN users u ON u.id = t.owner_id WHERE t.id = :id");
	rc = crm_db_prepare(ctx->db, q.s, &s);
	free(q.s);
	if (rc != CRM_OK)
		return crm_db_fail(ctx->db, "cannot read record");
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(ctx, s);
	if ((rc = crm_step(s)) != CRM_ROW) {
		if (rc == CRM_DONE)
			crm_warn("%s %lld not found", k->entity, (long long)id);
		st = rc == CRM_DONE ? CRM_EX_NOTFOUND : crm_db_fail(ctx->db, "cannot read record");
	} else if (!crm_col_int(s, k->ncols + 1)) {
		crm_warn("permission denied: %s %lld is not visible to '%s'", k->entity,
			 (long long)id, ctx->actor.login);
		st = EX_NOPERM;
	}
	if (st) {
		crm_stmt_finish(s);
		return st;
	}
	for (int i = 0; i < k->ncols; i++)
		pair_add(&p, k->cols[i].name, crm_col_text(s, i));
	char *json = crm_xstrdup(crm_col_text(s, k->ncols));
	crm_stmt_finish(s);
	st = custom_pairs(ctx, k, json, &p);
	free(json);
	if (!st && vertical) {
		crm_out_col(o, "field", CRM_COL_TEXT);
		crm_out_col(o, "value", CRM_COL_TEXT);
		for (size_t i = 0; i < p.n; i++)
			crm_out_row(o, (const char *[]){p.names[i], p.values[i]});
	} else if (!st) {
		for (size_t i = 0; i < p.n; i++)
			crm_out_col(o, p.names[i], i == 0 ? CRM_COL_INT : CRM_COL_TEXT);
		crm_out_row(o, (const char *const *)p.values);
	}
	pairs_free(&p);
	return st;
}

int crm_rec_show(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id, FILE *out)
{
	bool table = ctx->opts->format == CRM_FMT_TABLE, header = !ctx->opts->no_header || table;
	struct crm_rec *r = crm_rec_new(ctx, k);
	int st = crm_rec_load(r, id, false);	/* nothing printed for a record not there */
	crm_rec_free(r);
	if (st)
		return st;
	if (!table)
		fprintf(out, "# %s\n", k->entity);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, header);
	st = crm_rec_profile(ctx, k, id, table, o);
	crm_out_end(o);
	if (st)
		return st;
	fputs(table ? "\nhistory\n" : "\n# history\n", out);
	o = crm_out_new(out, ctx->opts->format, header);
	st = crm_history_print(ctx, k->entity, id, o);
	crm_out_end(o);
	return st;
}

void crm_rec_complete_fields(struct crm_ctx *ctx, const struct crm_kind *k, FILE *out)
{
	const struct crm_config *cfg = ctx->cfg;
	for (int i = 0; i < k->ncols; i++)
		fprintf(out, "%s\n", k->cols[i].name);
	for (size_t i = 0; i < cfg->ncustom_fields; i++)
		if (strcmp(cfg->custom_fields[i].entity, k->entity) == 0)
			fprintf(out, "%s\n", cfg->custom_fields[i].name);
}

int crm_history_print(struct crm_ctx *ctx, const char *entity, int64_t id, struct crm_out *o)
{
	/* its own rows and those of the records merged into it, marked */
	static const char sql[] =
		"WITH RECURSIVE " CRM_AUDIT_MERGED("?1", "?2")
		" SELECT a.at, a.actor, a.tool, a.action, a.field, a.old_value, a.new_value,"
		" CASE WHEN m.hi <> " CRM_AUDIT_NO_END " THEN m.id END"
		" FROM " CRM_AUDIT_MERGED_ROWS("?1") " ORDER BY a.id";
	static const char *const names[] = {
		"at", "actor", "tool", "action", "field", "old_value", "new_value", "merged_from"
	};
	const char *row[8];
	int rc;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_str(s, 1, entity);
	crm_bind_int(s, 2, id);
	crm_out_cols(o, names, 7);
	crm_out_col(o, names[7], CRM_COL_INT);
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (int i = 0; i < 8; i++)
			row[i] = crm_col_str(s, i);
		crm_out_row(o, row);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read history");
}

/* "HAY contains NEEDLE": the dialect's strpos > 0. */
static void contains(struct crm_ctx *ctx, struct crm_buf *q, const char *hay, const char *needle)
{
	char *pos = crm_xasprintf(crm_dialect(ctx->db)->strpos, hay, needle);
	crm_buf_add(q, pos);
	crm_buf_add(q, " > 0");
	free(pos);
}

void crm_sql_tag_filter(struct crm_ctx *ctx, struct crm_buf *q)
{
	crm_buf_add(q, " AND ");
	contains(ctx, q, "',' || t.tags || ','", "',' || :tag || ','");
}

void crm_sql_search_filter(struct crm_ctx *ctx, struct crm_buf *q, const char *const *folded,
			   const char *exact)
{
	crm_buf_add(q, " AND (");
	for (size_t i = 0; folded[i]; i++) {
		char *col = crm_xasprintf("lower(%s)", folded[i]);
		if (i)
			crm_buf_add(q, " OR ");
		contains(ctx, q, col, "lower(:search)");
		free(col);
	}
	if (exact) {
		crm_buf_add(q, " OR ");
		contains(ctx, q, exact, ":search");
	}
	crm_buf_add(q, ")");
}
