/* contact.h: the people at customers; a contact belongs to an account.
 * (Contract for lead conversion and imports; the rest of the module's API
 * is added below by its author.) */
#ifndef CRM_CONTACT_H
#define CRM_CONTACT_H

#include <stdbool.h>
#include <stdint.h>

#include "ctx.h"
#include "record.h"

struct crm_contact_seed {
	int64_t account_id;	/* 0 = none */
	const char *name, *title, *phone, *email;
	int64_t owner_id;
	int64_t lead_id;
};

/* Inside the caller's transaction: an existing contact that duplicates
 * seed (same normalised phone or e-mail, or same name at the same
 * account), or a new one (audited). */
int crm_contact_link_or_create(struct crm_ctx *ctx, const struct crm_contact_seed *seed,
			       int64_t *id, bool *created);
/* (A contact needs a name: without one the e-mail or the phone stands in
 * for it; with none of the three it is bad input, 65.  Duplicates are
 * linked whoever owns them; no permission is checked.) */

/* ---- the rest of the module: contact.c ---- */

/* Fields, columns and rules of contacts for the record machinery.  A
 * contact is a person: forget erases its custom fields too. */
extern const struct crm_kind crm_contact_kind;

/* The one list of tables that refer to a contact (deals, leads,
 * interactions, tasks, reminders, audit rows). */
int crm_contact_repoint(struct crm_db *db, int64_t from, int64_t to);

#endif
