/* pool.c: see pool.h */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "pool.h"
#include "task.h"

#define OPEN_STATUS "('new', 'contacted', 'qualified')"

struct lead {
	int64_t id;
	char *name;
	int64_t owner_id;
	char *owner;		/* login */
	bool first;		/* reclaimed for want of a first contact */
};

static void free_leads(struct lead *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(l[i].name);
		free(l[i].owner);
	}
	free(l);
}

static int pool_event(struct crm_ctx *ctx, int64_t lead_id, int64_t user_id, const char *action,
		      const char *reason)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO pool_events (lead_id, user_id, action, reason, at) VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, lead_id);
	crm_bind_id(st, 2, user_id);
	crm_bind_str(st, 3, action);
	crm_bind_text(st, 4, reason);
	crm_bind_str(st, 5, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot record pool event");
	return 0;
}

/* The leads to reclaim, taken out before any changes: changing owner_id
 * while stepping through the owner index would move rows under the cursor. */
static int find_stale(struct crm_ctx *ctx, const char *first_cut, const char *idle_cut,
		      struct lead **out, size_t *n)
{
	/* named parameters only: a ?N after the named ones of CRM_SQL_VISIBLE
	 * would share their numbers */
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT l.id, l.name, l.owner_id, u.login, CASE WHEN l.status = 'new'"
		"   AND l.first_contact_at IS NULL AND coalesce(l.assigned_at, l.created_at) < :first"
		"   THEN 1 ELSE 0 END"
		" FROM leads l JOIN users u ON u.id = l.owner_id"
		" WHERE l.status IN " OPEN_STATUS " AND " CRM_SQL_VISIBLE("l.owner_id")
		"   AND ((l.status = 'new' AND l.first_contact_at IS NULL"
		"         AND coalesce(l.assigned_at, l.created_at) < :first)"
		"     OR coalesce(l.last_activity_at, l.assigned_at, l.created_at) < :idle)"
		" ORDER BY l.id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_text(st, crm_param_index(st, ":first"), first_cut);
	crm_bind_text(st, crm_param_index(st, ":idle"), idle_cut);
	crm_ctx_bind_actor(ctx, st);
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = crm_step(st)) == CRM_ROW) {
		*out = crm_xrealloc(*out, (*n + 1) * sizeof **out);
		(*out)[(*n)++] = (struct lead){
			crm_col_int(st, 0), crm_xstrdup(crm_col_text(st, 1)),
			crm_col_int(st, 2), crm_xstrdup(crm_col_text(st, 3)),
			crm_col_int(st, 4) != 0,
		};
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read leads");
}

static int reclaim_one(struct crm_ctx *ctx, const struct lead *l, const char *reason)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE leads SET owner_id = NULL, claimed_at = NULL, updated_at = ?2 WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, l->id);
	crm_bind_str(st, 2, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot reclaim lead");
	int rc = pool_event(ctx, l->id, l->owner_id, "reclaim", reason);
	if (!rc)
		rc = crm_audit_write(ctx->db, "lead", l->id, "reclaim", "owner", l->owner, NULL);
	return rc ? rc : crm_task_close_first_contact(ctx, "lead", l->id);
}

/* The instant days before now, as stored text; "" when days < 0 (off). */
static void cutoff(struct crm_ctx *ctx, int days, char out[CRM_ISO_LEN])
{
	out[0] = '\0';
	if (days >= 0)
		crm_time_iso(crm_time_add_days(ctx->now, -days), out);
}

int crm_pool_reclaim(struct crm_ctx *ctx, struct crm_out *out)
{
	int first = ctx->cfg->followup.reclaim_after_first, idle = ctx->cfg->followup.reclaim_after_idle;
	static const char *const cols[] = {"id", "name", "from", "reason"};
	if (first < 0 && idle < 0) {
		crm_warn("reclaim is off (followup.reclaim_after_* unset)");
		return 0;
	}
	if (!ctx->actor.single_user && ctx->actor.role == CRM_ROLE_REP) {
		crm_warn("permission denied: only a manager or an admin may reclaim leads");
		return EX_NOPERM;
	}
	char first_cut[CRM_ISO_LEN], idle_cut[CRM_ISO_LEN];
	cutoff(ctx, first, first_cut);
	cutoff(ctx, idle, idle_cut);
	struct lead *l = NULL;
	size_t n = 0;
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	if (!(st = find_stale(ctx, first_cut, idle_cut, &l, &n)))
		crm_out_cols(out, cols, 4);
	for (size_t i = 0; !st && i < n; i++) {
		char *reason = l[i].first ? crm_xasprintf("no first contact within %d days", first)
					  : crm_xasprintf("no activity for %d days", idle);
		char id[24];
		snprintf(id, sizeof id, "%" PRId64, l[i].id);
		if (!(st = reclaim_one(ctx, &l[i], reason)))
			crm_out_row(out, (const char *[]){id, l[i].name, l[i].owner, reason});
		free(reason);
	}
	free_leads(l, n);
	return crm_ctx_end(ctx, st);
}

/* Was lead id reclaimed from the actor within the cooldown?  Reports it. */
static bool cooling_down(struct crm_ctx *ctx, int64_t id)
{
	int days = ctx->cfg->pool.reclaim_cooldown;
	if (days <= 0)
		return false;
	char cut[CRM_ISO_LEN];
	cutoff(ctx, days, cut);
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT max(at) FROM pool_events WHERE lead_id = ?1 AND user_id = ?2"
		" AND action = 'reclaim' AND at > ?3");
	if (!st)
		return true;
	crm_bind_int(st, 1, id);
	crm_bind_int(st, 2, ctx->actor.id);
	crm_bind_str(st, 3, cut);
	crm_time at;
	if (crm_step(st) != CRM_ROW || crm_col_null(st, 0) ||
	    crm_time_parse_iso(crm_col_text(st, 0), &at) != 0)
		return false;
	char on[CRM_DATE_LEN], until[CRM_DATE_LEN];
	crm_time_date(at, on);
	crm_time_date(crm_time_add_days(at, days), until);
	crm_warn("permission denied: lead %" PRId64 " was reclaimed from '%s' on %s (cooldown until %s)",
		 id, ctx->actor.login, on, until);
	return true;
}

/* Check one lead for claiming: 0, or the status after reporting. */
static int check_claim(struct crm_ctx *ctx, int64_t id, char **name)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT l.name, l.owner_id, l.status, u.login FROM leads l"
		" LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	if (crm_step(st) != CRM_ROW) {
		/* row-level security hides a lead someone else holds */
		int hidden = crm_ctx_hidden(ctx, "leads", id, NULL);
		if (hidden == EX_NOPERM) {
			crm_warn("lead %" PRId64 " is not in the pool: it belongs to someone else", id);
			return EX_DATAERR;
		}
		if (hidden)
			return hidden;
		crm_warn("lead %" PRId64 " not found", id);
		return CRM_EX_NOTFOUND;
	}
	const char *status = crm_col_text(st, 2);
	if (crm_col_int(st, 1) == ctx->actor.id) {
		crm_warn("lead %" PRId64 " is already yours", id);
		return EX_DATAERR;
	}
	if (!crm_col_null(st, 1)) {
		/* the rep learns the customer is taken, not by whom */
		if (crm_ctx_sees(ctx, crm_col_int(st, 1)))
			crm_warn("lead %" PRId64 " is not in the pool: it belongs to '%s'", id,
				 crm_col_text(st, 3));
		else
			crm_warn("lead %" PRId64 " is not in the pool: it belongs to someone else", id);
		return EX_DATAERR;
	}
	if (strcmp(status, "converted") == 0 || strcmp(status, "disqualified") == 0) {
		crm_warn("lead %" PRId64 " is %s", id, status);
		return EX_DATAERR;
	}
	*name = crm_xstrdup(crm_col_text(st, 0));
	return cooling_down(ctx, id) ? EX_NOPERM : 0;
}

static int check_limit(struct crm_ctx *ctx, size_t wanted)
{
	int limit = ctx->cfg->pool.claim_limit;
	if (limit <= 0)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT count(*) FROM leads WHERE owner_id = ?1 AND claimed_at IS NOT NULL"
		" AND status IN " OPEN_STATUS);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, ctx->actor.id);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot count claimed leads");
	long held = (long)crm_col_int(st, 0);
	if (held + (long)wanted <= limit)
		return 0;
	crm_warn("permission denied: claim limit reached: '%s' holds %ld claimed open leads, "
		 "the limit is %d", ctx->actor.login, held, limit);
	return EX_NOPERM;
}

static int claim_one(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE leads SET owner_id = ?2, assigned_at = ?3, claimed_at = ?3, updated_at = ?3"
		" WHERE id = ?1 AND owner_id IS NULL");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	crm_bind_int(st, 2, ctx->actor.id);
	crm_bind_str(st, 3, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot claim lead");
	int rc = pool_event(ctx, id, ctx->actor.id, "claim", NULL);
	if (!rc)
		rc = crm_audit_write(ctx->db, "lead", id, "claim", "owner", NULL, ctx->actor.login);
	return rc ? rc : crm_task_first_contact(ctx, id, ctx->actor.id);
}

int crm_pool_claim(struct crm_ctx *ctx, const int64_t *ids, size_t n, struct crm_out *out)
{
	static const char *const cols[] = {"id", "name", "owner"};
	if (!ctx->actor.id) {
		crm_warn("permission denied: claiming needs a user (the database has none)");
		return EX_NOPERM;
	}
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	char **names = crm_xcalloc(n ? n : 1, sizeof *names);
	size_t wanted = 0;
	for (size_t i = 0; i < n; i++) {
		bool again = false;
		for (size_t j = 0; j < i; j++)
			again |= ids[j] == ids[i];
		if (again)
			continue;	/* the same lead twice is one claim */
		int rc = check_claim(ctx, ids[i], &names[i]);
		st = st ? st : rc;
		wanted += names[i] != NULL;
	}
	if (!st && !(st = check_limit(ctx, wanted)))
		crm_out_cols(out, cols, 3);
	for (size_t i = 0; !st && i < n; i++) {
		if (!names[i] || (st = claim_one(ctx, ids[i])))
			continue;
		char id[24];
		snprintf(id, sizeof id, "%" PRId64, ids[i]);
		const char *f[] = {id, names[i], ctx->actor.login};
		crm_out_row(out, f);
	}
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return crm_ctx_end(ctx, st);
}
