/* score.h: the lead score and the heat that follows from it: points for
 * lead field values (scoring.fields) and for logged interactions by kind
 * (scoring.activities), heat from the thresholds (scoring.heat) unless it
 * was set by hand (leads.heat_manual = 1). */
#ifndef CRM_SCORE_H
#define CRM_SCORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ctx.h"
#include "out.h"

/* Score lead_id again inside the caller's transaction; writes score and
 * heat only when they change, with their audit rows.  Does nothing when
 * the config has no scoring section.  Returns 0, 1 when there is no such
 * lead (unreported), or an exit status. */
int crm_score_lead(struct crm_ctx *ctx, int64_t lead_id);
/* Does the config score leads (then a lead's score is computed, not set)? */
bool crm_score_computed(const struct crm_config *cfg);

/* Score the leads ids[0..n) again (n == 0: every lead the actor may see)
 * in one transaction, printing id, score and heat of each that changed. */
int crm_score_rescore(struct crm_ctx *ctx, const int64_t *ids, size_t n, struct crm_out *out);

/* Does a field's value match a rule's value: equal, or matched by it as a
 * glob (fnmatch(3)) when it holds * ? or [?  An empty value matches
 * nothing; for tags, any one tag of the comma-separated list may match. */
bool crm_score_value_matches(const char *field, const char *value, const char *pattern);

/* The heat derived from score: the level with the highest min_score not
 * above it; "" when the thresholds leave it below every level; NULL when
 * the config sets no threshold at all (heat is then never derived). */
const char *crm_score_heat(const struct crm_config *cfg, long score);

#endif
