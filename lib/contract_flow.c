/* contract_flow.c: the moves of a contract's status flow (contract.h):
 * submit, approve, reject, sign, activate, complete, terminate.  Each
 * move is one transaction, checks the status it starts from (65 naming
 * the current one) and who may make it (77), and audits what it did. */
#include <stdio.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "contract.h"
#include "db.h"
#include "err.h"

static int print(struct crm_ctx *ctx, const struct crm_contract *c, const char *status,
		 const char *approval, FILE *out)
{
	if (!out)
		return 0;
	char id[24];
	snprintf(id, sizeof id, "%lld", (long long)c->b.id);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_col(o, "number", CRM_COL_TEXT);
	crm_out_col(o, "status", CRM_COL_TEXT);
	crm_out_col(o, "approval", CRM_COL_TEXT);
	const char *f[] = {id, c->number, status, approval};
	crm_out_row(o, f);
	crm_out_end(o);
	return 0;
}

static int submit(struct crm_ctx *ctx, struct crm_contract *c, FILE *out)
{
	static const char *const from[] = {"draft", "rejected", NULL};
	bool approved;
	int st;
	if ((st = crm_contract_require_owner(ctx, c)) ||
	    (st = crm_contract_require_status(c, "submit", from)) ||
	    (st = crm_approval_start(ctx, c, &approved)))
		return st;
	const char *status = approved ? "approved" : "pending";
	if ((st = crm_contract_set_status(ctx, c, status, "submit")))
		return st;
	struct crm_approval_step s;
	char approval[160] = "";
	if (!approved && !crm_approval_current(ctx, c, &s))
		snprintf(approval, sizeof approval, "%d/%d %s", s.step, s.nsteps, s.approver);
	return print(ctx, c, status, approval, out);
}

static int decide(struct crm_ctx *ctx, struct crm_contract *c, bool approve, const char *comment,
		  FILE *out)
{
	static const char *const from[] = {"pending", NULL};
	struct crm_approval_step s;
	bool last;
	int st;
	if ((st = crm_contract_require_status(c, approve ? "approve" : "reject", from)))
		return st;
	if ((st = crm_approval_current(ctx, c, &s)) == 1) {
		crm_warn("contract %s has no pending approval step", c->number);
		return EX_DATAERR;
	}
	if (st)
		return st;
	if (!s.mine) {
		crm_warn("permission denied: step %d of contract %s is for %s, not '%s'", s.step,
			 c->number, s.approver, ctx->actor.login);
		return EX_NOPERM;
	}
	if ((st = crm_approval_decide(ctx, c, &s, approve, comment, &last)))
		return st;
	const char *status = !approve ? "rejected" : last ? "approved" : "pending";
	char approval[160] = "";
	if (strcmp(status, c->b.status) && (st = crm_contract_set_status(ctx, c, status,
				approve ? "approve" : "reject")))
		return st;
	if (!strcmp(status, "pending") && !crm_approval_current(ctx, c, &s))
		snprintf(approval, sizeof approval, "%d/%d %s", s.step, s.nsteps, s.approver);
	return print(ctx, c, status, approval, out);
}

static int sign(struct crm_ctx *ctx, struct crm_contract *c, const char *on, FILE *out)
{
	static const char *const from[] = {"approved", NULL};
	char day[11], today[11], created[11];
	crm_time t;
	int st;
	if ((st = crm_contract_require_owner(ctx, c)) ||
	    (st = crm_contract_require_status(c, "sign", from)) ||
	    (st = crm_contract_date(ctx, on ? on : "today", "signing date", day)))
		return st;
	crm_time_date(ctx->now, today);
	if (crm_time_parse_iso(c->b.created_at, &t) == 0)
		crm_time_date(t, created);
	else
		snprintf(created, sizeof created, "%.10s", c->b.created_at);
	if (strcmp(day, created) < 0) {
		crm_warn("signing date %s is before contract %s was made (%s)", day, c->number,
			 created);
		return EX_DATAERR;
	}
	if (strcmp(day, today) > 0) {
		crm_warn("signing date %s is after today (%s)", day, today);
		return EX_DATAERR;
	}
	struct crm_stmt *s = crm_db_stmt(ctx->db, "UPDATE contracts SET signed_on = ?1 WHERE id = ?2");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_str(s, 1, day);
	crm_bind_int(s, 2, c->b.id);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update contract");
	if ((st = crm_audit_write(ctx->db, "contract", c->b.id, "sign", "signed_on", NULL, day)) ||
	    (st = crm_contract_set_status(ctx, c, "signed", "sign")))
		return st;
	return print(ctx, c, "signed", "", out);
}

static int simple(struct crm_ctx *ctx, struct crm_contract *c, enum crm_contract_op op,
		  const char *reason, FILE *out)
{
	static const char *const from_signed[] = {"signed", NULL};
	static const char *const from_active[] = {"active", NULL};
	static const char *const from_live[] = {"signed", "active", NULL};
	const char *verb = op == CRM_CONTRACT_ACTIVATE ? "activate"
			 : op == CRM_CONTRACT_COMPLETE ? "complete" : "terminate";
	const char *to = op == CRM_CONTRACT_ACTIVATE ? "active"
		       : op == CRM_CONTRACT_COMPLETE ? "completed" : "terminated";
	const char *const *from = op == CRM_CONTRACT_ACTIVATE ? from_signed
				: op == CRM_CONTRACT_COMPLETE ? from_active : from_live;
	int st;
	if ((st = crm_contract_require_owner(ctx, c)) ||
	    (st = crm_contract_require_status(c, verb, from)))
		return st;
	if (reason && (st = crm_audit_write(ctx->db, "contract", c->b.id, verb, "reason", NULL,
					    reason)))
		return st;
	if ((st = crm_contract_set_status(ctx, c, to, verb)))
		return st;
	return print(ctx, c, to, "", out);
}

static int move(struct crm_ctx *ctx, enum crm_contract_op op, const char *which,
		const char *text, FILE *out)
{
	struct crm_contract c;
	int st = crm_contract_get(ctx, which, &c);
	if (st)
		return st;
	switch (op) {
	case CRM_CONTRACT_SUBMIT:
		return submit(ctx, &c, out);
	case CRM_CONTRACT_APPROVE:
	case CRM_CONTRACT_REJECT:
		return decide(ctx, &c, op == CRM_CONTRACT_APPROVE, text, out);
	case CRM_CONTRACT_SIGN:
		return sign(ctx, &c, text, out);
	default:
		return simple(ctx, &c, op, text, out);
	}
}

int crm_contract_move(struct crm_ctx *ctx, enum crm_contract_op op, const char *which,
		      const char *text, FILE *out)
{
	if (op == CRM_CONTRACT_REJECT && (!text || !*text)) {
		crm_warn("reject needs --comment saying why");
		return EX_USAGE;
	}
	if (op == CRM_CONTRACT_TERMINATE && (!text || !*text)) {
		crm_warn("terminate needs --reason");
		return EX_USAGE;
	}
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	return crm_ctx_end(ctx, move(ctx, op, which, text, out));
}
