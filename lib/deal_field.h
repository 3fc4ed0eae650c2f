/* deal_field.h: the values of a deal, checked one way for add, update,
 * import, lead conversion and list filters, and whether a deal is there
 * for the actor. */
#ifndef CRM_DEAL_FIELD_H
#define CRM_DEAL_FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "ctx.h"
#include "date.h"

/* Each returns 0, or 65 with the reason in why ("negative amount '-5'"),
 * nothing reported, so the caller can put the place in front. */

/* Money as cents: malformed or negative amounts are refused. */
int crm_deal_amount(const char *s, int64_t *cents, char *why, size_t n);
/* An expected close date: "YYYY-MM-DD", an instant, or a relative form
 * counted forward from now ("30d"); kept as the local date. */
int crm_deal_close_date(struct crm_ctx *ctx, const char *s, char out[CRM_DATE_LEN],
			char *why, size_t n);
/* The source s names (trimmed in place; "" for none), as a lead's
 * source: its id, or NULL with why ("unknown source"). */
#define CRM_DEAL_SOURCE_MAX 100
const char *crm_deal_source(const struct crm_config *cfg, char *s, const char **why);
/* A currency code: three ASCII letters, kept in upper case (out[4]). */
int crm_deal_currency(const char *s, char out[4], char *why, size_t n);
/* The stage of pipeline p called id, refusing a stage the pipeline lacks
 * ("unknown stage 'x' in pipeline 'default'"). */
int crm_deal_stage(const struct crm_pipeline *p, const char *id, const struct crm_stage **out,
		   char *why, size_t n);
/* The first open stage of p, and its won or lost stage. */
const struct crm_stage *crm_deal_first_stage(const struct crm_pipeline *p);
const struct crm_stage *crm_deal_closed_stage(const struct crm_pipeline *p, enum crm_stage_kind k);
/* The loss reason id for s (an id or a display name of the config's
 * loss_reasons), or NULL. */
const char *crm_deal_loss_reason(const struct crm_config *cfg, const char *s);
/* "open", "won" or "lost": the status of a deal in a stage of kind k. */
const char *crm_deal_status_name(enum crm_stage_kind k);

/* "what 'value'" into why, the value cut at 80 bytes; returns 65. */
int crm_deal_why_value(char *why, size_t n, const char *what, const char *value);

/* Is deal id there and may the actor see it (and change it, when
 * for_change)?  0, or 1 / 77 after reporting; *owner_id gets its owner. */
int crm_deal_check(struct crm_ctx *ctx, int64_t id, bool for_change, int64_t *owner_id);

#endif
