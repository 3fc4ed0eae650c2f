/* record_merge.c: duplicates and privacy for accounts and contacts: dupes
 * (groups sharing a phone, an e-mail or a name key, found set-wise),
 * merge (fold duplicates into one record, re-point what referred to them,
 * keep a snapshot in the audit trail) and forget (erase personal data,
 * keep the row for aggregate figures). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "json.h"
#include "privacy.h"
#include "record.h"

static int prepare(struct crm_ctx *ctx, struct crm_buf *q, struct crm_stmt **s, const char *what)
{
	int rc = crm_db_prepare(ctx->db, q->s, s);
	free(q->s);
	q->s = NULL;
	q->len = q->cap = 0;
	return rc == CRM_OK ? 0 : crm_db_fail(ctx->db, what);
}

int crm_rec_dupes(struct crm_ctx *ctx, const struct crm_kind *k, FILE *out)
{
	static const char *const names[] = {"group", "id", "name", "phone", "email", "match"};
	struct crm_buf q = {0};
	struct crm_stmt *s;
	const char *row[6];
	int st, rc;

	/* one group per shared key; both sides must be visible to the actor */
	crm_buf_add(&q, "WITH v AS (SELECT t.id, t.phone_norm, t.email_norm, ");
	crm_buf_add(&q, k->name_key);
	crm_buf_add(&q, " AS name_key FROM ");
	crm_buf_add(&q, k->table);
	crm_buf_add(&q, " t WHERE t.forgotten_at IS NULL AND " CRM_SQL_VISIBLE_OWNED("t.owner_id") "),"
		" k AS (SELECT id, 1 AS m, phone_norm AS key FROM v WHERE phone_norm IS NOT NULL"
		"  UNION ALL SELECT id, 2, email_norm FROM v WHERE email_norm IS NOT NULL"
		"  UNION ALL SELECT id, 3, name_key FROM v WHERE name_key IS NOT NULL),"
		" c AS (SELECT id, m, count(*) OVER w AS n, min(id) OVER w AS first FROM k"
		"  WINDOW w AS (PARTITION BY m, key))"
		" SELECT dense_rank() OVER (ORDER BY c.first, c.m), c.id, t.name, t.phone, t.email,"
		"  CASE c.m WHEN 1 THEN 'phone' WHEN 2 THEN 'email' ELSE :name_match END FROM c JOIN ");
	crm_buf_add(&q, k->table);
	crm_buf_add(&q, " t ON t.id = c.id WHERE c.n > 1 ORDER BY 1, c.id");
	if ((st = prepare(ctx, &q, &s, "cannot find duplicates")))
		return st;
	crm_ctx_bind_actor(ctx, s);
	crm_bind_str(s, crm_param_index(s, ":name_match"), k->name_match);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, names[0], CRM_COL_INT);
	crm_out_col(o, names[1], CRM_COL_INT);
	crm_out_cols(o, names + 2, 4);
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (int i = 0; i < 6; i++)
			row[i] = crm_col_str(s, i);
		crm_out_row(o, row);
	}
	crm_out_end(o);
	crm_stmt_finish(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot find duplicates");
}

/* ---- merge ---- */

/* What keep lacks, taken from dup, into chg: empty fields filled, tags
 * united; the owner stays keep's. */
static int fill_from(struct crm_rec *chg, const struct crm_rec *keep, const struct crm_rec *dup,
		     int64_t keep_id, int64_t dup_id)
{
	const struct crm_kind *k = crm_rec_kind(chg);
	int tags = crm_rec_field(chg, "tags"), owner = crm_rec_field(chg, "owner");
	crm_rec_clear(chg);
	for (int h = 0; h < crm_rec_nfields(chg); h++) {
		const char *kv = crm_rec_get(keep, h), *dv = crm_rec_get(dup, h);
		char *both = NULL;
		if (!*dv || (h == owner && *kv))
			continue;
		/* an account does not become its own parent */
		if (h < k->nfields && k->fields[h].kind == CRM_FK_ACCOUNT &&
		    strcmp(k->table, "accounts") == 0 && strtoll(dv, NULL, 10) == keep_id)
			continue;
		if (h == tags && *kv)
			dv = both = crm_xasprintf("%s,%s", kv, dv);
		else if (*kv)
			continue;
		int st = crm_rec_put(chg, h, dv);
		free(both);
		if (st) {
			crm_warn("%s %lld: %s", crm_rec_kind(chg)->entity, (long long)dup_id,
				 crm_rec_error(chg));
			return st;
		}
	}
	return 0;
}

/* An audit row on the duplicate with all it held, then delete it. */
static int snapshot_and_delete(struct crm_ctx *ctx, const struct crm_kind *k, int64_t dup,
			       int64_t keep)
{
	struct crm_buf q = {0};
	struct crm_stmt *s;
	char keep_text[24];
	int st;

	const struct crm_dialect *d = crm_dialect(ctx->db);
	struct crm_buf pairs = {0};
	for (int i = 0; i < k->ncols; i++) {
		crm_buf_add(&pairs, i ? ", '" : "'");
		crm_buf_add(&pairs, k->cols[i].name);
		crm_buf_add(&pairs, "', ");
		crm_buf_add(&pairs, k->cols[i].expr);
	}
	char *custom = crm_xasprintf(d->json_embed, "t.custom");
	crm_buf_add(&pairs, ", 'custom', ");
	crm_buf_add(&pairs, custom);
	free(custom);
	char *object = crm_xasprintf(d->json_object, pairs.s);
	free(pairs.s);
	crm_buf_add(&q, "SELECT ");
	crm_buf_add(&q, object);
	free(object);
	crm_buf_add(&q, " FROM ");
	crm_buf_add(&q, k->table);
	crm_buf_add(&q, " t LEFT JOIN users u ON u.id = t.owner_id WHERE t.id = ?1");
	if ((st = prepare(ctx, &q, &s, "cannot read record")))
		return st;
	crm_bind_int(s, 1, dup);
	if (crm_step(s) != CRM_ROW) {
		crm_stmt_finish(s);
		return crm_db_fail(ctx->db, "cannot read record");
	}
	char *snapshot = crm_json_minify(crm_col_text(s, 0), (size_t)crm_col_bytes(s, 0));
	crm_stmt_finish(s);
	if (!snapshot)
		return crm_db_fail(ctx->db, "cannot read record");
	snprintf(keep_text, sizeof keep_text, "%lld", (long long)keep);
	st = crm_audit_write(ctx->db, k->entity, dup, "merge", "merged_into", snapshot, keep_text);
	free(snapshot);
	if (st)
		return st;
	crm_buf_add(&q, "DELETE FROM ");
	crm_buf_add(&q, k->table);
	crm_buf_add(&q, " WHERE id = ?1");
	if ((st = prepare(ctx, &q, &s, "cannot delete record")))
		return st;
	crm_bind_int(s, 1, dup);
	st = crm_step(s) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot delete record");
	crm_stmt_finish(s);
	return st;
}

/* Merge and forget cannot be undone (crm.yaml(5) permissions). */
static int require_manager(struct crm_ctx *ctx, const struct crm_kind *k, const char *verb)
{
	char what[48];
	snprintf(what, sizeof what, "%s %s", verb, k->table);
	return crm_ctx_require_manager(ctx, what);
}

int crm_rec_merge(struct crm_ctx *ctx, const struct crm_kind *k, int64_t keep,
		  const int64_t *dups, int ndups, FILE *out)
{
	struct crm_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	char keep_text[24];
	int st;

	for (int i = 0; i < ndups; i++) {
		if (dups[i] == keep)
			return crm_usage_fail("merge: %s %lld cannot be merged into itself", k->entity,
					      (long long)keep);
		for (int j = 0; j < i; j++)
			if (dups[j] == dups[i])
				return crm_usage_fail("merge: %s %lld given twice", k->entity,
						      (long long)dups[i]);
	}
	if (!ctx->cfg->permissions.rep_merge && (st = require_manager(ctx, k, "merge")))
		return st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	struct crm_rec *rk = crm_rec_new(ctx, k), *rd = crm_rec_new(ctx, k), *chg = crm_rec_new(ctx, k);
	snprintf(keep_text, sizeof keep_text, "%lld", (long long)keep);
	for (int i = 0; i < ndups && !st; i++) {
		if ((st = crm_rec_load(rk, keep, true)) || (st = crm_rec_load(rd, dups[i], true)) ||
		    (st = fill_from(chg, rk, rd, keep, dups[i])) || (st = crm_rec_apply(chg, keep, "merge", &diff)) ||
		    (st = k->repoint(ctx->db, dups[i], keep)) ||
		    (st = snapshot_and_delete(ctx, k, dups[i], keep)))
			break;
		/* the kept record's history finds the merged one through this row */
		char dup_text[24];
		snprintf(dup_text, sizeof dup_text, "%lld", (long long)dups[i]);
		if ((st = crm_audit_write(ctx->db, k->entity, keep, "merge", "merged_from", NULL, dup_text)))
			break;
		crm_diff_row(&diff, dups[i], "merged_into", NULL, keep_text);
	}
	crm_rec_free(rk);
	crm_rec_free(rd);
	crm_rec_free(chg);
	return crm_ctx_end(ctx, st);
}

/* ---- forget ---- */

int crm_rec_forget(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id,
		   const char *const *more, FILE *out)
{
	int st;
	if (!ctx->cfg->permissions.rep_forget && (st = require_manager(ctx, k, "forget")))
		return st;
	return crm_privacy_forget(ctx, k->entity, id, more != NULL, out);
}
