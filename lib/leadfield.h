/* leadfield.h: the built-in fields of a lead, by name, and how each value
 * is checked and put in canonical form (the lead kind of the record
 * engine is made of them, lead.c).  Shared by every path that writes
 * a lead (add, update, bulk update, import) so they accept the same input
 * and report it the same way. */
#ifndef CRM_LEADFIELD_H
#define CRM_LEADFIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "record.h"
#include "text.h"

enum crm_lead_field {
	CRM_LF_NAME, CRM_LF_COMPANY, CRM_LF_TITLE, CRM_LF_PHONE, CRM_LF_EMAIL,
	CRM_LF_REGION, CRM_LF_CITY, CRM_LF_INDUSTRY, CRM_LF_SOURCE, CRM_LF_CAMPAIGN,
	CRM_LF_TAGS, CRM_LF_HEAT, CRM_LF_OWNER, CRM_LF_NOTES, CRM_LF_STATUS, CRM_LF_SCORE,
	CRM_LEAD_NFIELDS
};

/* The field set only by --set and disqualify, after the options' fields. */
#define CRM_LF_REASON CRM_LEAD_NFIELDS

/* The fields of the lead kind (lead.c), by handle: name as in TSV headers
 * and --flags, leads column ("owner" is owner_id by login), kind, size,
 * whether forget erases it, and its check. */
extern const struct crm_field crm_lead_fields_def[CRM_LEAD_NFIELDS + 1];

/* Index of a built-in field by name, or -1. */
int crm_lead_field_index(const char *name);

/* Lead statuses, in lifecycle order. */
extern const char *const crm_lead_statuses[];	/* NULL-terminated */
bool crm_lead_status_valid(const char *s);

/* Check value for built-in field f and give its canonical form: trimmed;
 * tags split on , ， ; and rejoined with "," without repeats; a source
 * given by display name becomes its id.  *out points into buf (which must
 * hold strlen(value) + 1 bytes) or at a constant.  An empty result means
 * "no value".  Returns 0, or -1 with *why ("invalid phone", "unknown heat
 * level", "too long (5000 bytes, at most 1000)"...) for the caller to put
 * in front of the quoted value.  The owner is only trimmed: logins are
 * resolved against the database by the caller. */
int crm_lead_value_check(const struct crm_config *cfg, int f, const char *value,
			 char *buf, const char **out, const char **why);

#endif
