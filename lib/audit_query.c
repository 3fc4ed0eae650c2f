/* audit_query.c: see audit_query.h */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "audit_query.h"
#include "db.h"
#include "err.h"
#include "out.h"
#include "record.h"

/* The entities the tools write audit rows for. */
static const char *const entities[] = {
	"account", "article", "contact", "contract", "cost", "deal", "forecast_snapshot",
	"instalment", "interaction", "invoice", "lead", "order", "payment", "product", "quote",
	"reminder", "survey", "task", "team", "ticket", "user", NULL,
};

static bool parse_id(const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || *s == '+' || *s == ' ')
		return false;
	*id = v;
	return true;
}

static int check_entity(const char *entity)
{
	for (const char *const *e = entities; *e; e++)
		if (strcmp(*e, entity) == 0)
			return 0;
	struct crm_buf list = {0};
	for (const char *const *e = entities; *e; e++) {
		crm_buf_add(&list, e == entities ? "" : ", ");
		crm_buf_add(&list, *e);
	}
	crm_warn("unknown entity '%s' (%s)", entity, list.s);
	free(list.s);
	return crm_usage_error();
}

/* The WHERE clause from fixed pieces, one per filter given, so the
 * planner sees plain equalities and uses audit_entity, audit_actor or
 * audit_at; the values are bound, never written into the SQL. */
static int build(struct crm_ctx *ctx, const struct crm_audit_filter *f, struct crm_buf *q,
		 char since[CRM_ISO_LEN], char until[CRM_ISO_LEN], int64_t *id)
{
	static const struct {
		size_t off;
		const char *sql;
	} eq[] = {
		{offsetof(struct crm_audit_filter, entity), " AND entity = :entity"},
		{offsetof(struct crm_audit_filter, actor), " AND actor = :actor"},
		{offsetof(struct crm_audit_filter, tool), " AND tool = :tool"},
		{offsetof(struct crm_audit_filter, field), " AND field = :field"},
		{offsetof(struct crm_audit_filter, action), " AND action = :action"},
	};
	crm_time t;
	int st;

	if (f->id && !f->entity)
		return crm_usage_fail("--id needs --entity");
	if (f->entity && (st = check_entity(f->entity)))
		return st;
	if (f->id && !parse_id(f->id, id))
		return crm_usage_fail("invalid --id '%s'", f->id);
	/* "~" sorts after any ISO-8601 text */
	strcpy(since, "");
	strcpy(until, "~");
	if (f->since) {
		if ((st = crm_opt_time("--since", f->since, ctx->now, &t)))
			return st;
		crm_time_iso(t, since);
	}
	if (f->until) {
		if ((st = crm_opt_time("--until", f->until, ctx->now, &t)))
			return st;
		crm_time_iso(t, until);
	}
	crm_buf_add(q, "SELECT id, at, actor, real_actor, tool, entity, entity_id, action, field,"
		       " old_value, new_value,"
		       " CASE WHEN old_sha IS NOT NULL OR new_sha IS NOT NULL THEN 1 ELSE 0 END"
		       " FROM audit WHERE TRUE");
	for (size_t i = 0; i < sizeof eq / sizeof eq[0]; i++)
		if (*(const char *const *)((const char *)f + eq[i].off))
			crm_buf_add(q, eq[i].sql);
	if (f->id)
		crm_buf_add(q, " AND entity_id = :id");
	if (f->since || f->until)
		crm_buf_add(q, " AND at >= :since AND at < :until");
	crm_buf_add(q, " ORDER BY id");
	return 0;
}

int crm_audit_query(struct crm_ctx *ctx, const struct crm_audit_filter *f, FILE *out)
{
	static const char *const names[] = {
		"id", "at", "actor", "real_actor", "tool", "entity", "entity_id", "action",
		"field", "old_value", "new_value", "erased",
	};
	static const bool ints[] = {1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1};
	char since[CRM_ISO_LEN], until[CRM_ISO_LEN];
	struct crm_buf q = {0};
	const char *row[12];
	int64_t id = 0;
	struct crm_stmt *s;
	int st, rc;

	if ((st = build(ctx, f, &q, since, until, &id)) ||
	    (st = crm_ctx_require_admin(ctx, "read the audit"))) {
		free(q.s);
		return st;
	}
	rc = crm_db_prepare(ctx->db, q.s, &s);
	free(q.s);
	if (rc != CRM_OK)
		return crm_db_fail(ctx->db, "cannot read audit");
	crm_bind_named_text(s, ":entity", f->entity);
	crm_bind_named_text(s, ":actor", f->actor);
	crm_bind_named_text(s, ":tool", f->tool);
	crm_bind_named_text(s, ":field", f->field);
	crm_bind_named_text(s, ":action", f->action);
	crm_bind_named_text(s, ":since", since);
	crm_bind_named_text(s, ":until", until);
	if ((rc = crm_param_index(s, ":id")))
		crm_bind_int(s, rc, id);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	for (size_t i = 0; i < 12; i++)
		crm_out_col(o, names[i], ints[i] ? CRM_COL_INT : CRM_COL_TEXT);
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (int i = 0; i < 12; i++)
			row[i] = crm_col_str(s, i);
		crm_out_row(o, row);
	}
	crm_out_end(o);
	crm_stmt_finish(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read audit");
}

int crm_audit_print_head(struct crm_ctx *ctx, FILE *out)
{
	char hash[CRM_SHA256_HEX], idtext[24];
	int64_t id;
	int st;

	if ((st = crm_ctx_require_admin(ctx, "read the audit")))
		return st;
	if (crm_audit_head(ctx->db, &id, hash) != 0)
		return crm_db_fail(ctx->db, "cannot read audit");
	snprintf(idtext, sizeof idtext, "%lld", (long long)id);
	fprintf(out, "id\t%s\nhash\t%s\n", idtext, hash);
	return 0;
}

/* "ID:HASH" with a positive id and 64 lowercase hex digits. */
static bool parse_anchor(const char *s, int64_t *id, char hash[CRM_SHA256_HEX])
{
	const char *colon = strchr(s, ':');
	if (!colon || colon == s || colon - s > 19 || strlen(colon + 1) != CRM_SHA256_HEX - 1)
		return false;
	char idtext[20];
	memcpy(idtext, s, (size_t)(colon - s));
	idtext[colon - s] = '\0';
	if (!parse_id(idtext, id))
		return false;
	for (const char *p = colon + 1; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return false;
	strcpy(hash, colon + 1);
	return true;
}

/* Is column i of st's row the bytes whose lowercase hex is want? */
static bool hash_is(struct crm_stmt *st, int i, const char *want)
{
	const unsigned char *h = crm_col_blob(st, i);
	int n = crm_col_bytes(st, i);
	if (strlen(want) != 2 * (size_t)n)
		return false;
	for (int k = 0; k < n; k++) {
		char hex[3];
		snprintf(hex, sizeof hex, "%02x", h[k]);
		if (memcmp(hex, want + 2 * k, 2) != 0)
			return false;
	}
	return true;
}

int crm_audit_check_anchor(struct crm_ctx *ctx, const char *anchor, FILE *out)
{
	char want[CRM_SHA256_HEX];
	int64_t id, rows = 0;
	int st;

	if (!parse_anchor(anchor, &id, want))
		return crm_usage_fail("invalid anchor '%s' (ID:HASH as 'crm audit head' prints)", anchor);
	if ((st = crm_ctx_require_admin(ctx, "read the audit")))
		return st;
	int chain_st = crm_audit_verify(ctx->db, &rows);
	if (chain_st && chain_st != EX_DATAERR)
		return chain_st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, "SELECT hash FROM audit WHERE id = ?1");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	int rc = crm_step(s);
	bool anchor_ok = false;
	if (rc == CRM_ROW) {
		anchor_ok = hash_is(s, 0, want);
		if (!anchor_ok)
			crm_warn("%s: audit row %lld does not have the anchored hash",
				 crm_db_path(ctx->db), (long long)id);
	} else if (rc == CRM_DONE) {
		crm_warn("%s: audit row %lld is missing", crm_db_path(ctx->db), (long long)id);
	} else {
		return crm_db_fail(ctx->db, "cannot read audit");
	}
	crm_stmt_reset(s);
	fprintf(out, "audit\t%s\naudit_rows\t%lld\nanchor\t%s\n", chain_st ? "failed" : "ok",
		(long long)rows, anchor_ok ? "ok" : "failed");
	return chain_st || !anchor_ok ? EX_DATAERR : 0;
}
