/* leadfield.h: the built-in fields of a lead, by name, each with its
 * checks: the field table of the lead kind of the record engine (lead.c),
 * so every path that writes a lead (add, update, bulk update, import)
 * accepts the same input and reports it the same way; and the statuses. */
#ifndef CRM_LEADFIELD_H
#define CRM_LEADFIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "record.h"
#include "text.h"		/* crm_trim was declared here once */

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

/* Lead statuses, in lifecycle order. */
extern const char *const crm_lead_statuses[];	/* NULL-terminated */
bool crm_lead_status_valid(const char *s);

#endif
