/* leadfield.c: see leadfield.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "leadfield.h"
#include "normalise.h"
#include "text.h"

const struct crm_lead_field_def crm_lead_fields_def[CRM_LEAD_NFIELDS] = {
	[CRM_LF_NAME]     = {"name", "name", true, 200},
	[CRM_LF_COMPANY]  = {"company", "company", false, 300},
	[CRM_LF_TITLE]    = {"title", "title", false, 200},
	[CRM_LF_PHONE]    = {"phone", "phone", true, 64},
	[CRM_LF_EMAIL]    = {"email", "email", true, 254},
	[CRM_LF_REGION]   = {"region", "region", false, 100},
	[CRM_LF_CITY]     = {"city", "city", false, 100},
	[CRM_LF_INDUSTRY] = {"industry", "industry", false, 100},
	[CRM_LF_SOURCE]   = {"source", "source", false, 100},
	[CRM_LF_CAMPAIGN] = {"campaign", "campaign", false, 200},
	[CRM_LF_TAGS]     = {"tags", "tags", false, 1000},
	[CRM_LF_HEAT]     = {"heat", "heat", false, 50},
	[CRM_LF_OWNER]    = {"owner", "owner_id", false, 100},
	[CRM_LF_NOTES]    = {"notes", "notes", true, 65536},
	[CRM_LF_STATUS]   = {"status", "status", false, 20},
	[CRM_LF_SCORE]    = {"score", "score", false, 12},
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
