/* leadfield.c: see leadfield.h */
#include <string.h>

#include "leadfield.h"

static const char *heat_why(const struct crm_config *cfg, const char *v)
{
	return crm_config_has_heat(cfg, v) ? NULL : "unknown heat level";
}

static const char *status_why(const struct crm_config *cfg, const char *v)
{
	return crm_lead_status_valid(v) ? NULL : "unknown status";
}

/* An integer of at most 10 digits, perhaps negative. */
static const char *score_why(const struct crm_config *cfg, const char *v)
{
	const char *p = v;
	if (*p == '-')
		p++;
	if (!*p)
		return "invalid score";
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return "invalid score";
	return p - v > 10 ? "invalid score" : NULL;
}

const struct crm_field crm_lead_fields_def[CRM_LEAD_NFIELDS + 1] = {
	[CRM_LF_NAME]     = {"name", "name", CRM_FK_TEXT, 200, .personal = true},
	[CRM_LF_COMPANY]  = {"company", "company", CRM_FK_TEXT, 300, .personal = false},
	[CRM_LF_TITLE]    = {"title", "title", CRM_FK_TEXT, 200, .personal = false},
	[CRM_LF_PHONE]    = {"phone", "phone", CRM_FK_PHONE, 64, .personal = true},
	[CRM_LF_EMAIL]    = {"email", "email", CRM_FK_EMAIL, 254, .personal = true},
	[CRM_LF_REGION]   = {"region", "region", CRM_FK_TEXT, 100, .personal = false},
	[CRM_LF_CITY]     = {"city", "city", CRM_FK_TEXT, 100, .personal = false},
	[CRM_LF_INDUSTRY] = {"industry", "industry", CRM_FK_TEXT, 100, .personal = false},
	[CRM_LF_SOURCE]   = {"source", "source", CRM_FK_SOURCE, 100, .personal = false},
	[CRM_LF_CAMPAIGN] = {"campaign", "campaign", CRM_FK_TEXT, 200, .personal = false},
	[CRM_LF_TAGS]     = {"tags", "tags", CRM_FK_TAGS, 1000, .personal = false},
	[CRM_LF_HEAT]     = {"heat", "heat", CRM_FK_TEXT, 50, .check = heat_why},
	[CRM_LF_OWNER]    = {"owner", "owner_id", CRM_FK_OWNER, 100, .personal = false},
	[CRM_LF_NOTES]    = {"notes", "notes", CRM_FK_TEXT, 65536, .personal = true},
	[CRM_LF_STATUS]   = {"status", "status", CRM_FK_TEXT, 20, .check = status_why,
			     .required = true, .initial = "new"},
	[CRM_LF_SCORE]    = {"score", "score", CRM_FK_INT, 12, .check = score_why},
	[CRM_LF_REASON]   = {"disqualify_reason", "disqualify_reason", CRM_FK_TEXT, 1000,
			     .personal = false},
};

const char *const crm_lead_statuses[] = {
	"new", "contacted", "qualified", "converted", "disqualified", NULL
};

bool crm_lead_status_valid(const char *s)
{
	for (const char *const *p = crm_lead_statuses; *p; p++)
		if (strcmp(*p, s) == 0)
			return true;
	return false;
}
