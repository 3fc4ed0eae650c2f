/* deal_list.h: reading deals: list with filters, show, the stage history
 * of one deal, the stages of a pipeline, and what completion asks for. */
#ifndef CRM_DEAL_LIST_H
#define CRM_DEAL_LIST_H

#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "ctx.h"

struct crm_deal_filter {
	const char *stage, *owner, *team, *status, *pipeline;
	const char *close_before, *close_after;	/* expected close, dates */
	const char *min_amount, *max_amount;
	long stuck;			/* open, no stage change for this many days; < 0 = off */
	int64_t account;		/* 0 = any */
	int64_t id;			/* 0 = any */
	const char *fields;		/* "a,b", NULL = the default columns */
	const char *sort;		/* "field" or "-field"; NULL = id */
	long limit;			/* < 0 = none */
};
void crm_deal_filter_init(struct crm_deal_filter *f);
/* Deals the actor may see; -f table ends with the total amount. */
int crm_deal_list(struct crm_ctx *ctx, const struct crm_deal_filter *f, FILE *out);
/* "# deal" (every column; -f table: field and value) then "# history". */
int crm_deal_show(struct crm_ctx *ctx, int64_t id, FILE *out);
/* The stage changes of deal id: at, from, to, actor, reason. */
int crm_deal_history(struct crm_ctx *ctx, int64_t id, FILE *out);
/* The stages of a pipeline (NULL = default): order, id, name, probability
 * (a fraction), kind. */
int crm_deal_stages(struct crm_ctx *ctx, const char *pipeline, FILE *out);
/* Completion values that only this module knows: "fields". */
void crm_deal_complete_fields(const struct crm_config *cfg, FILE *out);

#endif
