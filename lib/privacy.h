/* privacy.h: a person, not a row (PIPL, GDPR).  Finds every record that
 * holds one person's data -- the leads, contacts and accounts that share
 * their normalised phone or e-mail or are linked by conversion, the deals,
 * tasks and interactions about those, and the audit rows of all of them --
 * and either exports it as one document or erases it (forget).
 *
 * Who the person is grows to a fixed point: the phone and e-mail keys of
 * every lead, contact and private account found find more; a lead's
 * contact, account and deal, a contact's lead and a private account's
 * contacts are followed.  An account is private (the person) when its name
 * is the name of one of the person's leads or contacts, as conversion makes
 * it for a lead without a company, or when forget --person says so; a
 * company's account only loses the person's phone and e-mail. */
#ifndef CRM_PRIVACY_H
#define CRM_PRIVACY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"

/* Whom to export: any of these (each list may be empty, not all). */
struct crm_privacy_query {
	char **phones, **emails, **names;
	int nphones, nemails, nnames;
};

/* Write everything held about the person as one JSON document (text:
 * as readable text instead).  Admins only (77 otherwise); 1 when nothing
 * is found, 65 for a phone or e-mail that is not one. */
int crm_privacy_export(struct crm_ctx *ctx, const struct crm_privacy_query *q, bool text,
		       FILE *out);

/* Forget the person of record id of entity ("lead", "contact" or
 * "account"; person: the account is a private person) and every other
 * record of theirs, in one transaction, printing the TSV entity, id,
 * found_by, erased of each record changed (-n: only printing it).  1 when
 * the record does not exist, 77 when the actor may not change it or one of
 * the others.  After the commit the write-ahead log is emptied. */
int crm_privacy_forget(struct crm_ctx *ctx, const char *entity, int64_t id, bool person,
		       FILE *out);

#endif
