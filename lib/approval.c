/* approval.c: a contract's approval chain (see contract.h).  Each submit
 * starts a round: one contract_approvals row per step of the config's rule
 * for the amount, step 1 pending and the rest waiting.  Who may decide a
 * step is resolved when the round starts and kept in contract_approvers,
 * so the reminder list, visibility and the check of approve all read the
 * same rows, and a change of the config or of managers later does not
 * move a decision already asked for. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "contract.h"
#include "db.h"
#include "err.h"

#define INSERT_APPROVERS \
	"INSERT INTO contract_approvers (approval_id, user_id)" \
	" SELECT ?1, u.id FROM users u WHERE u.active = 1 AND "
#define ON_CONFLICT " ON CONFLICT DO NOTHING"

static const char by_login_sql[] = INSERT_APPROVERS "u.login = ?2" ON_CONFLICT;
static const char admins_sql[] = INSERT_APPROVERS "u.role = 'admin'" ON_CONFLICT;
/* the owner's own manager, their team's, and the managers in their team */
static const char managers_sql[] = INSERT_APPROVERS "u.id <> ?2 AND ("
	" u.id IN (SELECT o.manager_id FROM users o WHERE o.id = ?2)"
	" OR u.id IN (SELECT t.manager_id FROM teams t JOIN users o ON o.team_id = t.id"
	"   WHERE o.id = ?2)"
	" OR (u.role = 'manager' AND u.team_id IN (SELECT o.team_id FROM users o WHERE o.id = ?2)))"
	ON_CONFLICT;

static int run_insert(struct crm_ctx *ctx, const char *sql, int64_t approval, const char *login,
		      int64_t owner)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, approval);
	if (login)
		crm_bind_str(st, 2, login);
	else if (sql == managers_sql)
		crm_bind_int(st, 2, owner);
	return crm_step(st) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot record approvers");
}

static int count_approvers(struct crm_ctx *ctx, int64_t approval, int64_t *n)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT count(*) FROM contract_approvers WHERE approval_id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, approval);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read approvers");
	*n = crm_col_int(st, 0);
	crm_stmt_reset(st);
	return 0;
}

/* Who may decide step (spec) of approval: the logins of a group, the
 * owner's managers, the admins, or one login. */
static int resolve(struct crm_ctx *ctx, const char *spec, int step, int64_t approval,
		   int64_t owner)
{
	const struct crm_approver_group *g = crm_config_approver_group(ctx->cfg, spec);
	int st = 0;
	if (g)
		for (size_t i = 0; i < g->nlogins && !st; i++)
			st = run_insert(ctx, by_login_sql, approval, g->logins[i], 0);
	else if (!strcmp(spec, "manager"))
		st = run_insert(ctx, managers_sql, approval, NULL, owner);
	else if (!strcmp(spec, "admin"))
		st = run_insert(ctx, admins_sql, approval, NULL, 0);
	else
		st = run_insert(ctx, by_login_sql, approval, spec, 0);
	int64_t n = 0;
	if (!st && !(st = count_approvers(ctx, approval, &n)) && n == 0) {
		crm_warn("approval step %d '%s': no active user may approve it (check approvers: in"
			 " the config)", step, spec);
		st = EX_CONFIG;
	}
	return st;
}

static int insert_step(struct crm_ctx *ctx, const struct crm_contract *c, int round, int step,
		       const char *spec, int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO contract_approvals (contract_id, round, step, approver, status,"
		" pending_since) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, c->b.id);
	crm_bind_int(st, 2, round);
	crm_bind_int(st, 3, step);
	crm_bind_str(st, 4, spec);
	crm_bind_str(st, 5, step == 1 ? "pending" : "waiting");
	if (step == 1)
		crm_bind_str(st, 6, ctx->now_iso);
	else
		crm_bind_null(st, 6);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot record approval step");
	*id = crm_db_last_id(ctx->db);
	return 0;
}

int crm_approval_start(struct crm_ctx *ctx, struct crm_contract *c, bool *approved)
{
	const struct crm_approval_rule *r = crm_config_approval_rule(ctx->cfg, c->b.amount);
	int round = c->round + 1;
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"UPDATE contracts SET approval_round = ?1 WHERE id = ?2");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, round);
	crm_bind_int(s, 2, c->b.id);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update contract");
	c->round = round;
	*approved = !r;
	for (size_t i = 0; r && i < r->nsteps; i++) {
		int64_t id = 0;
		int st;
		if ((st = insert_step(ctx, c, round, (int)i + 1, r->steps[i], &id)) ||
		    (st = resolve(ctx, r->steps[i], (int)i + 1, id, c->b.owner_id)))
			return st;
		char what[160];
		snprintf(what, sizeof what, "round %d step %zu %s", round, i + 1, r->steps[i]);
		if ((st = crm_audit_write(ctx->db, "contract", c->b.id, "submit", "approval", NULL,
					  what)))
			return st;
	}
	return 0;
}

int crm_approval_current(struct crm_ctx *ctx, const struct crm_contract *c,
			 struct crm_approval_step *s)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT a.id, a.step, a.approver,"
		" (SELECT count(*) FROM contract_approvals n WHERE n.contract_id = a.contract_id"
		"  AND n.round = a.round),"
		" CASE WHEN EXISTS (SELECT 1 FROM contract_approvers ca WHERE ca.approval_id = a.id"
		"  AND ca.user_id = ?3) THEN 1 ELSE 0 END"
		" FROM contract_approvals a"
		" WHERE a.contract_id = ?1 AND a.round = ?2 AND a.status = 'pending'");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, c->b.id);
	crm_bind_int(st, 2, c->round);
	crm_bind_int(st, 3, ctx->actor.id);
	int rc = crm_db_row(ctx->db, st, "cannot read approvals");
	if (rc)
		return rc;
	s->id = crm_col_int(st, 0);
	s->step = (int)crm_col_int(st, 1);
	snprintf(s->approver, sizeof s->approver, "%s", crm_col_text(st, 2));
	s->nsteps = (int)crm_col_int(st, 3);
	s->mine = crm_col_int(st, 4) != 0;
	crm_stmt_reset(st);
	return 0;
}

static int next_step(struct crm_ctx *ctx, const struct crm_contract *c, int step)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE contract_approvals SET status = 'pending', pending_since = ?4"
		" WHERE contract_id = ?1 AND round = ?2 AND step = ?3 AND status = 'waiting'");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, c->b.id);
	crm_bind_int(st, 2, c->round);
	crm_bind_int(st, 3, step);
	crm_bind_str(st, 4, ctx->now_iso);
	return crm_step(st) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot update approvals");
}

int crm_approval_decide(struct crm_ctx *ctx, const struct crm_contract *c,
			const struct crm_approval_step *s, bool approve, const char *comment,
			bool *last)
{
	const char *status = approve ? "approved" : "rejected";
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE contract_approvals SET status = ?1, decided_by = ?2, decided_at = ?3,"
		" comment = ?4 WHERE id = ?5");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, status);
	crm_bind_id(st, 2, ctx->actor.id);
	crm_bind_str(st, 3, ctx->now_iso);
	crm_bind_text(st, 4, comment);
	crm_bind_int(st, 5, s->id);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot record decision");
	char field[160];
	snprintf(field, sizeof field, "step %d/%d %s", s->step, s->nsteps, s->approver);
	char *value = comment && *comment ? crm_xasprintf("%s: %s", status, comment)
					  : crm_xstrdup(status);
	int rc = crm_audit_write(ctx->db, "contract", c->b.id, approve ? "approve" : "reject", field,
				 "pending", value);
	free(value);
	*last = s->step >= s->nsteps;
	if (!rc && approve && !*last)
		rc = next_step(ctx, c, s->step + 1);
	return rc;
}

/* The logins who may decide approval id, "a,b". */
static int approvers_of(struct crm_ctx *ctx, int64_t id, char *out, size_t n)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT u.login FROM contract_approvers ca JOIN users u ON u.id = ca.user_id"
		" WHERE ca.approval_id = ?1 ORDER BY u.login");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc;
	size_t len = 0;
	*out = '\0';
	while ((rc = crm_step(st)) == CRM_ROW)
		if (len < n)
			len += (size_t)snprintf(out + len, n - len, "%s%s", len ? "," : "",
						crm_col_text(st, 0));
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read approvers");
}

int crm_approval_print(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	static const char *const cols[] = {
		"round", "step", "approver", "status", "may_decide", "pending_since", "decided_by",
		"decided_at", "comment",
	};
	for (size_t i = 0; i < sizeof cols / sizeof cols[0]; i++)
		crm_out_col(o, cols[i], i < 2 ? CRM_COL_INT : CRM_COL_TEXT);
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT a.id, a.round, a.step, a.approver, a.status, coalesce(a.pending_since, ''),"
		" coalesce(u.login, ''), coalesce(a.decided_at, ''), coalesce(a.comment, '')"
		" FROM contract_approvals a LEFT JOIN users u ON u.id = a.decided_by"
		" WHERE a.contract_id = ?1 ORDER BY a.round, a.step");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc, err = 0;
	while ((rc = crm_step(st)) == CRM_ROW && !err) {
		char who[1024];
		err = approvers_of(ctx, crm_col_int(st, 0), who, sizeof who);
		const char *f[] = {
			crm_col_text(st, 1), crm_col_text(st, 2), crm_col_text(st, 3),
			crm_col_text(st, 4), who, crm_col_text(st, 5), crm_col_text(st, 6),
			crm_col_text(st, 7), crm_col_text(st, 8),
		};
		crm_out_row(o, f);
	}
	crm_stmt_reset(st);
	if (err)
		return err;
	return rc == CRM_DONE || rc == CRM_ROW ? 0 : crm_db_fail(ctx->db, "cannot read approvals");
}
