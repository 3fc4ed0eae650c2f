/* lead_convert.h: lead conversion.  A qualified lead becomes an account (linked
 * to an existing one when it is a duplicate: same normalised company,
 * phone or e-mail), a contact at it (linked the same way) and a deal in
 * the first open stage, which inherits the lead's owner, source and
 * campaign; the lead is marked converted and points to all three.  One
 * transaction, audited; only who may change the lead may convert it. */
#ifndef CRM_LEAD_CONVERT_H
#define CRM_LEAD_CONVERT_H

#include <stdint.h>
#include <stdio.h>

#include "ctx.h"

/* One conversion; NULL or "" = the default. */
struct crm_convert {
	int64_t lead_id;
	const char *title;	/* default: the account's name */
	const char *amount;	/* default 0 */
	const char *stage;	/* an open stage; default the first */
	const char *close_date;	/* the expected close */
	const char *pipeline;	/* default: default */
};

/* Convert one lead and print lead_id, account_id, contact_id, deal_id,
 * account_created, contact_created (0 or 1) as TSV; -n writes nothing. */
int crm_lead_convert(struct crm_ctx *ctx, const struct crm_convert *c, FILE *out);

/* The same for every row of a TSV (an id column; optional title, amount,
 * stage, close_date and pipeline, whose empty cells take the values of
 * defaults), all or nothing: every bad row is reported. */
int crm_lead_convert_tsv(struct crm_ctx *ctx, FILE *in, const char *name,
			 const struct crm_convert *defaults, FILE *out);

#endif
