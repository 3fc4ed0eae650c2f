/* leadfield.c: see leadfield.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "leadfield.h"
#include "normalise.h"
#include "text.h"

static const char *heat_why(const struct crm_config *cfg, const char *v)
{
	return crm_config_has_heat(cfg, v) ? NULL : "unknown heat level";
}

static const char *status_why(const struct crm_config *cfg, const char *v)
{
	return crm_lead_status_valid(v) ? NULL : "unknown status";
}

static int check_score(const char *v);

static const char *score_why(const struct crm_config *cfg, const char *v)
{
	return check_score(v) ? "invalid score" : NULL;
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

int crm_lead_field_index(const char *name)
{
	for (int i = 0; i < CRM_LEAD_NFIELDS; i++)
		if (strcmp(crm_lead_fields_def[i].name, name) == 0)
			return i;
	return -1;
}

bool crm_lead_status_valid(const char *s)
{
	for (const char *const *p = crm_lead_statuses; *p; p++)
		if (strcmp(*p, s) == 0)
			return true;
	return false;
}

static int check_score(const char *v)
{
	const char *p = v;
	if (*p == '-')
		p++;
	if (!*p)
		return -1;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return -1;
	return p - v > 10 ? -1 : 0;
}

int crm_lead_value_check(const struct crm_config *cfg, int f, const char *value,
			 char *buf, const char **out, const char **why)
{
	static char toolong[96];
	size_t len = strlen(value);
	memcpy(buf, value, len + 1);
	crm_trim(buf);
	*out = buf;
	len = strlen(buf);
	if (len == 0)
		return 0;
	if (len > crm_lead_fields_def[f].max_len) {
		snprintf(toolong, sizeof toolong, "too long (%zu bytes, at most %zu)",
			 len, crm_lead_fields_def[f].max_len);
		*why = toolong;
		return -1;
	}
	switch (f) {
	case CRM_LF_PHONE: {
		char norm[256];		/* len <= max_len: the import loop allocates nothing */
		int ok = crm_norm_phone(buf, norm) > 0;
		if (!ok) {
			*why = "invalid phone";
			return -1;
		}
		break;
	}
	case CRM_LF_EMAIL: {
		char norm[256];
		int ok = crm_norm_email(buf, norm) > 0;
		if (!ok) {
			*why = "invalid email";
			return -1;
		}
		break;
	}
	case CRM_LF_HEAT:
		if (!crm_config_has_heat(cfg, buf)) {
			*why = "unknown heat level";
			return -1;
		}
		break;
	case CRM_LF_SOURCE:
		if (cfg->nsources == 0)
			break;
		for (size_t i = 0; i < cfg->nsources; i++) {
			if (strcmp(cfg->sources[i].id, buf) == 0)
				return 0;
			if (strcmp(cfg->sources[i].name, buf) == 0) {
				*out = cfg->sources[i].id;
				return 0;
			}
		}
		*why = "unknown source";
		return -1;
	case CRM_LF_STATUS:
		if (!crm_lead_status_valid(buf)) {
			*why = "unknown status";
			return -1;
		}
		break;
	case CRM_LF_SCORE:
		if (check_score(buf) != 0) {
			*why = "invalid score";
			return -1;
		}
		break;
	case CRM_LF_TAGS:
		crm_tags_canonical(buf);	/* shared with accounts and contacts */
		break;
	}
	return 0;
}
