/* lead_merge.c: the lead commands whose changes are worked out from the
 * stored lead rather than given: dupes (groups of probable duplicates,
 * found set-wise with window functions), merge (fold duplicates into one
 * lead and re-point what referred to them), forget (erase a person's
 * personal data, keep the row for aggregate figures), tag, untag and
 * disqualify.  All of them write through crm_rec_apply() or audit
 * themselves. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "json.h"
#include "lead.h"
#include "leadfield.h"
#include "out.h"
#include "privacy.h"
#include "record.h"

int crm_lead_dupes(struct crm_ctx *ctx, FILE *out)
{
	/* First the keys shared by more than one lead, each counted by a
	 * window over its own index (no sort); then, on that small set, the
	 * actor's visibility, and the groups counted again among what is
	 * visible.  One group per shared key: a lead may be in a phone group
	 * and an e-mail group at once. */
	static const char sql[] =
		"WITH c AS ("
		"  SELECT id, 1 AS m, phone_norm AS key FROM (SELECT id, phone_norm,"
		"   count(*) OVER (PARTITION BY phone_norm) AS n FROM leads"
		"   WHERE phone_norm IS NOT NULL) p WHERE n > 1"
		"  UNION ALL SELECT id, 2, email_norm FROM (SELECT id, email_norm,"
		"   count(*) OVER (PARTITION BY email_norm) AS n FROM leads"
		"   WHERE email_norm IS NOT NULL) e WHERE n > 1"
		"  UNION ALL SELECT id, 3, company_norm || '\t' || name_norm FROM (SELECT id,"
		"   company_norm, name_norm, count(*) OVER (PARTITION BY company_norm, name_norm) AS n"
		"   FROM leads WHERE company_norm IS NOT NULL AND name_norm IS NOT NULL) cn WHERE n > 1),"
		" v AS (SELECT c.id, c.m, c.key FROM c JOIN leads l ON l.id = c.id"
		"  WHERE " CRM_SQL_VISIBLE_LEAD("l.owner_id") "),"
		" g AS (SELECT id, m, count(*) OVER w AS n, min(id) OVER w AS first FROM v"
		"  WINDOW w AS (PARTITION BY m, key))"
		" SELECT dense_rank() OVER (ORDER BY g.first, g.m), g.id, l.name, l.company, l.phone,"
		"  l.email, CASE g.m WHEN 1 THEN 'phone' WHEN 2 THEN 'email' ELSE 'company+name' END"
		" FROM g JOIN leads l ON l.id = g.id WHERE g.n > 1 ORDER BY 1, g.id";
	static const char *const names[] = {"group", "id", "name", "company", "phone", "email", "match"};
	const char *row[7];
	int rc;

	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, s);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, names[0], CRM_COL_INT);
	crm_out_col(o, names[1], CRM_COL_INT);
	crm_out_cols(o, names + 2, 5);
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (int i = 0; i < 7; i++)
			row[i] = crm_col_str(s, i);
		crm_out_row(o, row);
	}
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot find duplicates");
}

int crm_lead_repoint(struct crm_db *db, int64_t from, int64_t to)
{
	/* Every table that names a lead.  reminders_sent is keyed by its
	 * subject, so a row the kept lead already has is dropped. */
	static const char *const sql[] = {
		"UPDATE interactions SET subject_id = ?2 WHERE subject_type = 'lead' AND subject_id = ?1",
		"UPDATE tasks SET subject_id = ?2 WHERE subject_type = 'lead' AND subject_id = ?1",
		"UPDATE pool_events SET lead_id = ?2 WHERE lead_id = ?1",
		CRM_SQL_REPOINT_REMINDERS("lead"),
	};
	return crm_db_run_with_ids(db, sql, sizeof sql / sizeof sql[0], from, to,
				   "re-point lead references");
}

/* The values keep lacks, taken from dup, into chg: empty fields filled,
 * tags united; status, score and the disqualify reason stay keep's. */
static int fill_from(struct crm_lead_rec *chg, const struct crm_lead_rec *keep,
		     const struct crm_lead_rec *dup, int64_t dup_id)
{
	int reason = crm_lead_rec_field(chg, "disqualify_reason");
	crm_lead_rec_clear(chg);
	for (int h = 0; h < crm_lead_rec_nfields(chg); h++) {
		const char *k = crm_lead_rec_get(keep, h), *d = crm_lead_rec_get(dup, h);
		char *both = NULL;
		if (h == CRM_LF_STATUS || h == CRM_LF_SCORE || h == reason || !*d)
			continue;
		if (h == CRM_LF_TAGS && *k)
			d = both = crm_xasprintf("%s,%s", k, d);
		else if (*k)
			continue;
		int st = crm_lead_rec_put(chg, h, d);
		free(both);
		if (st) {
			crm_warn("lead %lld: %s", (long long)dup_id, crm_lead_rec_error(chg));
			return st;
		}
	}
	return 0;
}

/* Audit row on the duplicate with all it held, then delete it. */
static int snapshot_and_delete(struct crm_ctx *ctx, int64_t dup, int64_t keep)
{
	/* built at run time: it holds pieces of the dialect */
	const struct crm_dialect *d = crm_dialect(ctx->db);
	char *custom = crm_xasprintf(d->json_embed, "l.custom");
	char *pairs = crm_xasprintf("'id', l.id, 'name', l.name, 'company', l.company,"
		" 'title', l.title, 'phone', l.phone, 'email', l.email, 'region', l.region,"
		" 'city', l.city, 'industry', l.industry, 'source', l.source, 'campaign', l.campaign,"
		" 'tags', l.tags, 'heat', l.heat, 'score', l.score, 'status', l.status,"
		" 'owner', u.login, 'notes', l.notes, 'custom', %s,"
		" 'disqualify_reason', l.disqualify_reason, 'created_at', l.created_at,"
		" 'updated_at', l.updated_at, 'created_by', l.created_by,"
		" 'assigned_at', l.assigned_at, 'first_contact_at', l.first_contact_at,"
		" 'last_activity_at', l.last_activity_at, 'claimed_at', l.claimed_at", custom);
	char *object = crm_xasprintf(d->json_object, pairs);
	char *snap_sql = crm_xasprintf("SELECT %s FROM leads l LEFT JOIN users u ON u.id = l.owner_id"
				       " WHERE l.id = ?1", object);
	free(custom);
	free(pairs);
	free(object);
	static const char del_sql[] = "DELETE FROM leads WHERE id = ?1";
	char keep_text[24];
	int st;

	struct crm_stmt *s;
	int rc = crm_db_prepare(ctx->db, snap_sql, &s);
	free(snap_sql);
	if (rc != CRM_OK)
		return crm_db_fail(ctx->db, "cannot read lead");
	crm_bind_int(s, 1, dup);
	if (crm_step(s) != CRM_ROW) {
		crm_stmt_finish(s);
		return crm_db_fail(ctx->db, "cannot read lead");
	}
	char *snapshot = crm_json_minify(crm_col_text(s, 0), (size_t)crm_col_bytes(s, 0));
	crm_stmt_finish(s);
	if (!snapshot)
		return crm_db_fail(ctx->db, "cannot read lead");
	snprintf(keep_text, sizeof keep_text, "%lld", (long long)keep);
	st = crm_audit_write(ctx->db, "lead", dup, "merge", "merged_into", snapshot, keep_text);
	free(snapshot);
	if (st)
		return st;
	if (!(s = crm_db_stmt(ctx->db, del_sql)))
		return EX_SOFTWARE;
	crm_bind_int(s, 1, dup);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot delete lead");
	return 0;
}

static int merge_one(struct crm_ctx *ctx, int64_t keep, int64_t dup, struct crm_lead_rec *rk,
		     struct crm_lead_rec *rd, struct crm_lead_rec *chg, struct crm_diff *diff)
{
	char keep_text[24], dup_text[24];
	int st;
	if ((st = crm_lead_load(rk, keep, true)) || (st = crm_lead_load(rd, dup, true)))
		return st;
	if ((st = fill_from(chg, rk, rd, dup)) || (st = crm_rec_apply(chg, keep, "merge", diff)))
		return st;
	if ((st = crm_lead_repoint(ctx->db, dup, keep)))
		return st;
	if ((st = snapshot_and_delete(ctx, dup, keep)))
		return st;
	/* the kept lead's history finds the merged one through this row */
	snprintf(dup_text, sizeof dup_text, "%lld", (long long)dup);
	if ((st = crm_audit_write(ctx->db, "lead", keep, "merge", "merged_from", NULL, dup_text)))
		return st;
	snprintf(keep_text, sizeof keep_text, "%lld", (long long)keep);
	crm_diff_row(diff, dup, "merged_into", NULL, keep_text);
	return 0;
}

int crm_lead_merge(struct crm_ctx *ctx, int64_t keep, const int64_t *dups, int ndups, FILE *out)
{
	struct crm_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	int st;

	for (int i = 0; i < ndups; i++) {
		if (dups[i] == keep)
			return crm_usage_fail("merge: lead %lld cannot be merged into itself", (long long)keep);
		for (int j = 0; j < i; j++)
			if (dups[j] == dups[i])
				return crm_usage_fail("merge: lead %lld given twice", (long long)dups[i]);
	}
	if (!ctx->cfg->permissions.rep_merge && (st = crm_ctx_require_manager(ctx, "merge leads")))
		return st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	struct crm_lead_rec *rk = crm_lead_rec_new(ctx), *rd = crm_lead_rec_new(ctx);
	struct crm_lead_rec *chg = crm_lead_rec_new(ctx);
	for (int i = 0; i < ndups && !st; i++)
		st = merge_one(ctx, keep, dups[i], rk, rd, chg, &diff);
	crm_lead_rec_free(rk);
	crm_lead_rec_free(rd);
	crm_lead_rec_free(chg);
	return crm_ctx_end(ctx, st);
}

/* ---- tags and disqualify ---- */

int crm_lead_disqualify(struct crm_ctx *ctx, int64_t id, const char *reason, FILE *out)
{
	struct crm_lead_rec *r = crm_lead_rec_new(ctx);
	int st = crm_lead_rec_set(r, "status", "disqualified");
	if (!st)
		st = crm_lead_rec_set(r, "disqualify_reason", reason);
	if (!st && !*crm_lead_rec_get(r, crm_lead_rec_field(r, "disqualify_reason")))
		st = crm_usage_fail("disqualify: the reason must not be empty");
	if (!st)
		st = crm_lead_change(ctx, id, r, "disqualify", out);
	crm_lead_rec_free(r);
	return st;
}

int crm_lead_tag(struct crm_ctx *ctx, int64_t id, char **tags, int ntags, bool remove, FILE *out)
{
	struct crm_lead_rec *r = crm_lead_rec_new(ctx), *given = crm_lead_rec_new(ctx);
	char *joined = NULL, *edited = NULL;
	int st;

	if ((st = crm_db_begin(ctx->db)))
		goto out;
	if ((st = crm_lead_load(r, id, true)))
		goto out;
	/* canonical form of the given tags, through the same check as --tags */
	size_t len = 1;
	for (int i = 0; i < ntags; i++)
		len += strlen(tags[i]) + 1;
	joined = crm_xcalloc(1, len);
	for (int i = 0; i < ntags; i++)
		strcat(strcat(joined, i ? "," : ""), tags[i]);
	if ((st = crm_lead_rec_set(given, "tags", joined)))
		goto out;
	edited = crm_tags_edit(crm_lead_rec_get(r, CRM_LF_TAGS), crm_lead_rec_get(given, CRM_LF_TAGS),
			       remove);
	crm_lead_rec_clear(given);
	if ((st = crm_lead_rec_set(given, "tags", edited)))
		goto out;
	struct crm_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	st = crm_rec_apply(given, id, remove ? "untag" : "tag", &diff);
out:
	st = crm_ctx_end(ctx, st);
	free(joined);
	free(edited);
	crm_lead_rec_free(r);
	crm_lead_rec_free(given);
	return st;
}

/* ---- forget ---- */

int crm_lead_forget(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	int st;
	if (!ctx->cfg->permissions.rep_forget && (st = crm_ctx_require_manager(ctx, "forget leads")))
		return st;
	return crm_privacy_forget(ctx, "lead", id, false, out);
}
