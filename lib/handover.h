/* handover.h: when a person leaves or changes job, everything they own goes
 * to one colleague or is spread over a team: open leads, open tasks and, as
 * those tools arrive, accounts and open deals.  Each moved record gets an
 * audit row that names its previous owner. */
#ifndef CRM_HANDOVER_H
#define CRM_HANDOVER_H

#include <stdint.h>

#include "ctx.h"
#include "out.h"

/* Inside the caller's transaction, with permissions already checked: move
 * the open records of from_id to to_id, or (to_id 0) over the active
 * members of team_id who are not away, each record to whoever has the
 * fewest open leads.  Prints one row per record to out (columns type, id,
 * name, from, to; declared here).  Returns 0 or an exit status after
 * reporting: 65 when the target cannot take them (the same user, a
 * deactivated one, a team with nobody available). */
int crm_handover(struct crm_ctx *ctx, int64_t from_id, int64_t to_id, int64_t team_id,
		 struct crm_out *out);

/* crm-assign handover: resolve the logins and the team (to or team is
 * NULL), check that the actor manages both sides (77), and run
 * crm_handover in one transaction (-n: print only).  An unknown from is
 * not found (1); an unknown to or team is bad input (65). */
int crm_handover_run(struct crm_ctx *ctx, const char *from, const char *to, const char *team,
		     struct crm_out *out);

#endif
