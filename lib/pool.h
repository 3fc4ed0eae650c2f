/* pool.h: the lead pool (公海), the open leads without an owner.  Reclaim
 * returns to it the leads their owner did not work (crm-assign reclaim);
 * claim lets a rep take leads from it, under pool.claim_limit and
 * pool.reclaim_cooldown (crm-lead claim).  Both record pool_events, which
 * crm-task remind reads to tell the old owner. */
#ifndef CRM_POOL_H
#define CRM_POOL_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"
#include "out.h"

/* Take back every open lead whose owner made no first contact within
 * followup.reclaim_after_first days of its assignment, or logged nothing
 * on it for followup.reclaim_after_idle days; close its open first-contact
 * task.  One transaction (-n: print only); prints id, name, from, reason.
 * Managers reclaim only from the people they manage; reps may not (77).
 * With both settings unset it reports that reclaim is off and returns 0. */
int crm_pool_reclaim(struct crm_ctx *ctx, struct crm_out *out);

/* Give the actor the leads ids[0..n) from the pool, with a first-contact
 * task each; all or nothing, in one transaction (-n: print only); prints
 * id, name, owner.  Refused: a lead that does not exist (1), is owned or
 * closed (65), that the actor lost to the pool within the cooldown (77),
 * or more open claimed leads than the claim limit (77). */
int crm_pool_claim(struct crm_ctx *ctx, const int64_t *ids, size_t n, struct crm_out *out);

#endif
