/* account.h: customers (accounts) and the 360-degree view of one.
 * (Contract for lead conversion and imports; the rest of the module's API
 * is added below by its author.) */
#ifndef CRM_ACCOUNT_H
#define CRM_ACCOUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "record.h"

/* What a new account starts from (NULL or "" = no value). */
struct crm_account_seed {
	const char *name, *industry, *region, *city, *phone, *email, *source;
	int64_t owner_id;	/* 0 = none */
	int64_t lead_id;	/* the lead it is converted from, 0 = none */
};

/* Inside the caller's transaction: the id of an existing account that is a
 * duplicate of seed (same normalised company name, phone or e-mail), or of
 * a new account made from it (audited).  *created says which. */
int crm_account_link_or_create(struct crm_ctx *ctx, const struct crm_account_seed *seed,
			       int64_t *id, bool *created);

/* (A duplicate is looked for among accounts not forgotten, by name first,
 * then phone, then e-mail, and linked whoever owns it: one customer, one
 * account.  No permission is checked: the caller has checked the lead.
 * An empty name is bad input, 65.) */

/* ---- the rest of the module: account.c, account_show.c ---- */

/* Fields, columns and rules of accounts for the record machinery. */
extern const struct crm_kind crm_account_kind;
/* A company's name and address are not personal; a private person's are
 * (forget --person). */
#define CRM_ACCOUNT_PERSON_FIELDS "name", "address"

/* The one list of tables that refer to an account (contacts, child
 * accounts, deals, leads, interactions, tasks, reminders, audit rows); a
 * new table with an account reference joins it. */
int crm_account_repoint(struct crm_db *db, int64_t from, int64_t to);

/* The 360-degree view of account id: sections profile, contacts, deals,
 * timeline, tasks, history, each "# name", a header and rows (empty
 * sections too), a blank line between; -f table: a vertical profile and
 * each section as a table under its title. */
int crm_account_show(struct crm_ctx *ctx, int64_t id, FILE *out);

#endif
