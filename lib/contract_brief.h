/* contract_brief.h: what crm-pay reads of a contract (number or id,
 * amount, dates, owner, status) with the contracts' own/team/all
 * visibility.  Written for the pay branch until crm-contract lands: the
 * contract worker's lib/contract.h exports the same three functions and
 * struct, and the integrator keeps one of the two. */
#ifndef CRM_CONTRACT_BRIEF_H
#define CRM_CONTRACT_BRIEF_H

#include <stdint.h>

#include "ctx.h"

struct crm_contract_brief {
	int64_t id, amount, owner_id, account_id;
	char status[16], currency[8], start_date[11], signed_on[11], created_at[CRM_ISO_LEN];
};

/* Load contract id: 0; 1 after "no such contract ID" when there is none;
 * 77 after "permission denied: contract ID is not visible to 'LOGIN'"
 * when the actor may not see it; another status when the store fails. */
int crm_contract_load_brief(struct crm_ctx *ctx, int64_t id, struct crm_contract_brief *out);
/* The id of the contract whose number is number_or_id, else whose id it
 * is: 0, 1 after "no such contract 'X'", or a status.  No visibility:
 * the caller decides what the actor may do with it. */
int crm_contract_find(struct crm_ctx *ctx, const char *number_or_id, int64_t *id);
/* Does the actor see contract id (CRM_SQL_VISIBLE_OWNED of record.h)?
 * 1 yes, 0 no or no such contract; nothing reported. */
int crm_contract_may_see(struct crm_ctx *ctx, int64_t id);

#endif
