/* contract.h: contracts (crm-contract(1)) made from a won deal or an
 * accepted quote, their approval chain from the config, signing and the
 * life after it; the contracts, contract_approvals and contract_approvers
 * tables and the doc_lines of doc 'contract'.
 *
 * Status flow: draft -> pending -> approved | rejected (-> submitted again)
 * -> signed -> active -> completed | terminated.
 *
 * Visibility: the owner's (own/team/all, as CRM_SQL_VISIBLE_OWNED), and a
 * contract pending a step its viewer may decide (contract_approvers).
 * Changing (update, submit, sign, ...) is the owner's side's only. */
#ifndef CRM_CONTRACT_H
#define CRM_CONTRACT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

/* What another module (payments, orders) checks a contract by. */
struct crm_contract_brief {
	int64_t id, amount, owner_id, account_id;	/* amount in cents; 0: no account */
	char status[16];
	char currency[8];
	char start_date[11];		/* "" when none */
	char signed_on[11];		/* "" when not signed */
	char created_at[CRM_ISO_LEN];
};

/* The contract a number ("C-000001") or an id names among those the actor
 * sees: 0, 1 after "no such contract 'X'", or another status. */
int crm_contract_find(struct crm_ctx *ctx, const char *number_or_id, int64_t *id);

/* The 360 view's section of account_id (who sees the account sees it):
 * id, number, title, status, approval (the pending step "2/2 finance",
 * "approved", "rejected" or ""), amount, currency, start_date, end_date,
 * signed_on, owner.  Columns and rows into o; 0 or a status. */
int crm_contract_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o);

/* The values of new and update, as given (NULL: not given). */
struct crm_contract_input {
	const char *deal, *quote;
	const char *number, *title, *party_a, *party_b, *amount, *currency;
	const char *start_date, *end_date, *terms;
};

int crm_contract_new(struct crm_ctx *ctx, const struct crm_contract_input *in, FILE *out);
int crm_contract_update(struct crm_ctx *ctx, const char *which,
			const struct crm_contract_input *in, FILE *out);

struct crm_contract_filter {
	const char *status, *owner, *account, *pending_for;	/* pending_for: a login or "me" */
};
int crm_contract_list(struct crm_ctx *ctx, const struct crm_contract_filter *f, FILE *out);
/* The fields, "# lines", "# approvals" (every round, step by step). */
int crm_contract_show(struct crm_ctx *ctx, const char *which, FILE *out);

enum crm_contract_op {
	CRM_CONTRACT_SUBMIT, CRM_CONTRACT_APPROVE, CRM_CONTRACT_REJECT, CRM_CONTRACT_SIGN,
	CRM_CONTRACT_ACTIVATE, CRM_CONTRACT_COMPLETE, CRM_CONTRACT_TERMINATE,
};
/* One move of the status flow; text is the comment (approve, reject), the
 * date (sign --on) or the reason (terminate). */
int crm_contract_move(struct crm_ctx *ctx, enum crm_contract_op op, const char *which,
		      const char *text, FILE *out);

struct crm_contract_import_opts {
	int format;		/* enum crm_rows_format */
	bool skip_bad;
	const char *reject;	/* with skip_bad; NULL = stderr */
};
/* Historical contracts from CSV/TSV: number, account (id or name), owner
 * (login), amount, currency, start_date, end_date, signed_on, status (and
 * title, terms).  Prints id, number. */
int crm_contract_import(struct crm_ctx *ctx, const struct crm_contract_import_opts *o,
			char **files, int nfiles, FILE *out);

/* --- contract.c for contract_flow.c, approval.c and order.c --- */

/* Visible to the actor: the owner's side, or an approver of a pending step. */
#define CRM_SQL_CONTRACT_SEEN(c) \
	"(" CRM_SQL_VISIBLE_OWNED(c ".owner_id") " OR EXISTS (SELECT 1 FROM contract_approvals ap" \
	" JOIN contract_approvers ca ON ca.approval_id = ap.id WHERE ap.contract_id = " c ".id" \
	" AND ap.status = 'pending' AND ca.user_id = :actor_id))"

struct crm_contract {
	struct crm_contract_brief b;
	char number[64];
	int64_t deal_id;
	int round;
	char end_date[11];
	bool owned;		/* the actor is on the owner's side (may change it) */
};
/* Find which and load it, with the lock of the caller's transaction. */
int crm_contract_get(struct crm_ctx *ctx, const char *which, struct crm_contract *c);
/* The same among all contracts, whatever the actor sees, for a caller with
 * a rule of its own (finance's recorders in crm-pay); c->owned says
 * whether the actor is on the owner's side. */
int crm_contract_get_any(struct crm_ctx *ctx, const char *which, struct crm_contract *c);
/* 0 when the actor may change c, else 77 after reporting. */
int crm_contract_require_owner(struct crm_ctx *ctx, const struct crm_contract *c);
/* 0 when c's status is one of the NULL-ended list, else 65 after "contract
 * C-000001 is draft: cannot sign (needs approved)". */
int crm_contract_require_status(const struct crm_contract *c, const char *verb,
				const char *const *ok);
int crm_contract_set_status(struct crm_ctx *ctx, const struct crm_contract *c,
			    const char *status, const char *action);
/* A date as given (YYYY-MM-DD, today, 7d...) into out; 65 after "invalid
 * WHAT 'x'". */
int crm_contract_date(struct crm_ctx *ctx, const char *s, const char *what, char out[11]);

/* approval.c: the chain of a new round for c, from the config's rule for
 * its amount (none: *approved).  0 or a status after reporting (78 for a
 * step no user may decide). */
int crm_approval_start(struct crm_ctx *ctx, struct crm_contract *c, bool *approved);
/* The pending step of c's round: its approval id, step, approver spec and
 * whether the actor may decide it.  1 when there is none. */
struct crm_approval_step {
	int64_t id;
	int step, nsteps;
	char approver[128];
	bool mine;
};
int crm_approval_current(struct crm_ctx *ctx, const struct crm_contract *c,
			 struct crm_approval_step *s);
/* Decide the pending step (approve or reject) with comment; *last: it
 * was the chain's last step. */
int crm_approval_decide(struct crm_ctx *ctx, const struct crm_contract *c,
			const struct crm_approval_step *s, bool approve, const char *comment,
			bool *last);
/* Every round's steps of contract id: round, step, approver, status,
 * pending_since, decided_by, decided_at, comment. */
int crm_approval_print(struct crm_ctx *ctx, int64_t id, struct crm_out *o);

#endif
