/* config_lookup.c: questions asked of a loaded struct crm_config, the
 * built-in fields and CSV header aliases of each entity, the custom field
 * value checks, the default path and crm_config_free.  Loading is in
 * config.c. */
#include <ctype.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config_yaml.h"

const char *const crm_lead_fields[] = {
	"name", "company", "title", "phone", "email", "region", "city", "industry",
	"source", "campaign", "tags", "heat", "score", "status", "owner", "notes", NULL
};
/* Columns a custom field may not take even though rules cannot match them. */
static const char *const lead_reserved[] = {
	"id", "created_at", "updated_at", "created_by", "assigned_at",
	"first_contact_at", "last_activity_at", "disqualify_reason", "custom", NULL
};
static const char *const account_fields[] = {
	"name", "industry", "region", "city", "address", "phone", "email", "website",
	"source", "tags", "owner", "notes", NULL
};
static const char *const contact_fields[] = {
	"name", "account", "title", "phone", "email", "wechat", "region", "city",
	"tags", "owner", "notes", NULL
};
static const char *const deal_fields[] = {
	"name", "account", "contact", "pipeline", "stage", "amount", "currency",
	"probability", "close_date", "owner", "status", "lost_reason", "source", "notes", NULL
};
static const char *const common_reserved[] = {"id", "created_at", "updated_at", "custom", NULL};

/* Header variants, already normalised (crm_config_header_normalise), with
 * '|' between. */
struct builtin_alias {
	const char *field;
	const char *headers;
};

static const struct builtin_alias lead_aliases[] = {
	{"name", "姓名|名字|联系人|客户姓名|full name|contact"},
	{"company", "公司|公司名称|单位|企业|企业名称|客户名称|organization|organisation|account"},
	{"title", "职位|职务|岗位|job title|position"},
	{"phone", "手机|手机号|手机号码|电话|联系电话|联系方式|mobile|tel|telephone|phone number"},
	{"email", "邮箱|电子邮箱|电子邮件|邮件|e-mail|mail"},
	{"region", "省份|省|地区|区域|province|state"},
	{"city", "城市|市"},
	{"industry", "行业|所属行业|sector"},
	{"source", "来源|渠道|线索来源|channel|lead source"},
	{"campaign", "活动|市场活动|campaign name"},
	{"tags", "标签|tag"},
	{"heat", "热度"},
	{"owner", "负责人|销售|归属销售|销售代表|sales rep|owner login"},
	{"notes", "备注|说明|note|remarks|comments"},
	{NULL, NULL}
};

/* One row per entity; adding an entity's import aliases is adding a row. */
static const struct entity {
	const char *name;
	const char *const *fields;	/* built-in fields, identity aliases */
	const char *const *reserved;	/* further names a custom field may not take */
	const struct builtin_alias *aliases;
	bool custom;			/* may have custom_fields */
} entities[] = {
	{"lead", crm_lead_fields, lead_reserved, lead_aliases, true},
	{"account", account_fields, common_reserved, NULL, true},
	{"contact", contact_fields, common_reserved, NULL, true},
	{"deal", deal_fields, common_reserved, NULL, true},
};

static const struct entity *find_entity(const char *name)
{
	for (size_t i = 0; i < sizeof entities / sizeof entities[0]; i++)
		if (!strcmp(entities[i].name, name))
			return &entities[i];
	return NULL;
}

bool crm_config_entity_has_custom(const char *entity)
{
	const struct entity *e = find_entity(entity);
	return e && e->custom;
}

bool crm_config_builtin_field(const char *entity, const char *name)
{
	const struct entity *e = find_entity(entity);
	return e && (crm_config_index_of(e->fields, name) >= 0
			|| crm_config_index_of(e->reserved, name) >= 0);
}

/* ---- header aliases ---- */

static size_t blank_width(const char *s)
{
	if (*s == ' ' || *s == '_' || (*s >= '\t' && *s <= '\r'))
		return 1;
	if (!strncmp(s, "\xe3\x80\x80", 3))	/* U+3000 IDEOGRAPHIC SPACE */
		return 3;
	return 0;
}

/* Lower-case ASCII, drop surrounding blanks, and fold '_' and runs of blanks
 * into one space, so "Phone_Number " and "phone number" are one header. */
char *crm_config_header_normalise(const char *s)
{
	char *out = crm_xmalloc(strlen(s) + 1), *o = out;
	bool blank = false;
	while (*s) {
		size_t w = blank_width(s);
		if (w) {
			blank = true;
			s += w;
			continue;
		}
		if (blank && o > out)
			*o++ = ' ';
		blank = false;
		*o++ = (char)tolower((unsigned char)*s++);
	}
	*o = '\0';
	return out;
}

bool crm_config_header_eq(const char *norm, const char *name)
{
	char *n = crm_config_header_normalise(name);
	bool eq = !strcmp(norm, n);
	free(n);
	return eq;
}

static bool in_variants(const char *norm, const char *variants)
{
	size_t len = strlen(norm);
	for (const char *p = variants; *p; ) {
		size_t n = strcspn(p, "|");
		if (n == len && !memcmp(p, norm, n))
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

static const char *alias_of(const struct crm_config *c, const char *entity, const char *h)
{
	const struct entity *e = find_entity(entity);

	for (size_t i = 0; c && i < c->naliases; i++)
		if (crm_config_header_eq(h, c->aliases[i].header))
			return c->aliases[i].field;
	for (size_t i = 0; e && e->fields[i]; i++)
		if (crm_config_header_eq(h, e->fields[i]))
			return e->fields[i];
	for (size_t i = 0; c && i < c->ncustom_fields; i++)
		if (!strcmp(c->custom_fields[i].entity, entity)
		    && crm_config_header_eq(h, c->custom_fields[i].name))
			return c->custom_fields[i].name;
	for (const struct builtin_alias *a = e ? e->aliases : NULL; a && a->field; a++)
		if (in_variants(h, a->headers))
			return a->field;
	return NULL;
}

/* An entity without a row in the table gets the config's aliases and its
 * custom field names only. */
const char *crm_config_alias(const struct crm_config *c, const char *entity, const char *header)
{
	char *h = crm_config_header_normalise(header ? header : "");
	const char *found = *h ? alias_of(c, entity, h) : NULL;
	free(h);
	return found;
}

char *crm_config_default_path(void)
{
	const char *dir = getenv("XDG_CONFIG_HOME");
	/* The XDG base directory spec says to ignore a relative path. */
	if (dir && *dir == '/')
		return crm_xasprintf("%s/crm/crm.yaml", dir);
	const char *home = getenv("HOME");
	if (!home || !*home) {
		const struct passwd *pw = getpwuid(getuid());
		home = pw && pw->pw_dir ? pw->pw_dir : "";
	}
	return crm_xasprintf("%s/.config/crm/crm.yaml", home);
}

const struct crm_pipeline *crm_config_pipeline(const struct crm_config *c, const char *id)
{
	if (!id)
		return c->npipelines ? &c->pipelines[0] : NULL;
	for (size_t i = 0; i < c->npipelines; i++)
		if (!strcmp(c->pipelines[i].id, id))
			return &c->pipelines[i];
	return NULL;
}

int crm_pipeline_stage_index(const struct crm_pipeline *p, const char *id)
{
	for (size_t i = 0; i < p->nstages; i++)
		if (!strcmp(p->stages[i].id, id))
			return (int)i;
	return -1;
}

const struct crm_stage *crm_pipeline_stage(const struct crm_pipeline *p, const char *id)
{
	int i = crm_pipeline_stage_index(p, id);
	return i < 0 ? NULL : &p->stages[i];
}

const struct crm_custom_field *crm_config_custom_field(const struct crm_config *c,
		const char *entity, const char *name)
{
	for (size_t i = 0; i < c->ncustom_fields; i++)
		if (!strcmp(c->custom_fields[i].entity, entity)
		    && !strcmp(c->custom_fields[i].name, name))
			return &c->custom_fields[i];
	return NULL;
}

bool crm_config_has_loss_reason(const struct crm_config *c, const char *id)
{
	for (size_t i = 0; i < c->nloss_reasons; i++)
		if (!strcmp(c->loss_reasons[i].id, id))
			return true;
	return false;
}

bool crm_config_has_kind(const struct crm_config *c, const char *kind)
{
	for (size_t i = 0; i < c->ninteraction_kinds; i++)
		if (!strcmp(c->interaction_kinds[i], kind))
			return true;
	return false;
}

bool crm_config_has_heat(const struct crm_config *c, const char *id)
{
	for (size_t i = 0; i < c->nheat; i++)
		if (!strcmp(c->heat[i].id, id))
			return true;
	return false;
}

static bool all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return n > 0;
}

/* -?DIGITS(.DIGITS)? with at most max_decimals after the point (-1: any):
 * a number field.  Money goes through money.c, as every amount does. */
static bool decimal(const char *s, int max_decimals)
{
	s += *s == '-';
	size_t whole = strspn(s, "0123456789");
	if (!whole)
		return false;
	s += whole;
	if (!*s)
		return true;
	if (*s++ != '.')
		return false;
	size_t frac = strlen(s);
	return all_digits(s, frac) && (max_decimals < 0 || frac <= (size_t)max_decimals);
}

static bool calendar_date(const char *s)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !all_digits(s, 4)
	    || !all_digits(s + 5, 2) || !all_digits(s + 8, 2))
		return false;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (y < 1 || m < 1 || m > 12 || d < 1)
		return false;
	return d <= days[m - 1] + (m == 2 && leap);
}

int crm_custom_field_check(const struct crm_custom_field *f, const char *value, const char **why)
{
	const char *ignored;
	int64_t cents;
	if (!why)
		why = &ignored;
	*why = NULL;
	/* An empty field is "no value" (TSV convention), not a malformed one. */
	if (!value || !*value) {
		if (f->required)
			*why = "required field is empty";
	} else if (f->type == CRM_FIELD_NUMBER && !decimal(value, -1)) {
		*why = "not a number";
	} else if (f->type == CRM_FIELD_MONEY && crm_money_amount(value, &cents, why) != 0) {
		;
	} else if (f->type == CRM_FIELD_DATE && !calendar_date(value)) {
		*why = "not a date (YYYY-MM-DD)";
	} else if (f->type == CRM_FIELD_ENUM) {
		*why = "not one of the allowed values";
		for (size_t i = 0; i < f->nvalues; i++)
			if (!strcmp(f->values[i], value))
				*why = NULL;
	}
	return *why ? -1 : 0;
}

const char *crm_custom_field_stored(const struct crm_custom_field *f, const char *value,
				    char buf[CRM_MONEY_LEN])
{
	int64_t cents;
	const char *why;
	if (f->type != CRM_FIELD_MONEY || !value || crm_money_amount(value, &cents, &why) != 0)
		return value;
	crm_money_format(cents, buf);
	return buf;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_choices(struct crm_choice *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
	}
	free(v);
}

static void free_rule(struct crm_rule *r)
{
	for (size_t i = 0; i < r->nmatch; i++) {
		free(r->match[i].field);
		free_strings(r->match[i].values, r->match[i].nvalues);
	}
	free(r->match);
	free(r->name);
	free(r->user);
	free(r->team);
}

void crm_config_free(struct crm_config *c)
{
	if (!c)
		return;
	free(c->path);
	free(c->currency);
	free(c->timezone);
	for (size_t i = 0; i < c->npipelines; i++) {
		for (size_t j = 0; j < c->pipelines[i].nstages; j++) {
			free(c->pipelines[i].stages[j].id);
			free(c->pipelines[i].stages[j].name);
		}
		free(c->pipelines[i].stages);
		free(c->pipelines[i].id);
	}
	free(c->pipelines);
	free_choices(c->loss_reasons, c->nloss_reasons);
	free_choices(c->sources, c->nsources);
	for (size_t i = 0; i < c->nheat; i++)
		free(c->heat[i].id);
	free(c->heat);
	free_strings(c->interaction_kinds, c->ninteraction_kinds);
	for (size_t i = 0; i < c->ncustom_fields; i++) {
		free(c->custom_fields[i].entity);
		free(c->custom_fields[i].name);
		free_strings(c->custom_fields[i].values, c->custom_fields[i].nvalues);
	}
	free(c->custom_fields);
	for (size_t i = 0; i < c->naliases; i++) {
		free(c->aliases[i].header);
		free(c->aliases[i].field);
	}
	free(c->aliases);
	for (size_t i = 0; i < c->nrules; i++)
		free_rule(&c->rules[i]);
	free(c->rules);
	if (c->default_rule)
		free_rule(c->default_rule);
	free(c->default_rule);
	free(c->followup.first_contact_title);
	crm_config_free_sales(&c->sales);
	crm_config_free_service(&c->service);
	for (size_t i = 0; i < c->scoring.nrules; i++) {
		free(c->scoring.rules[i].field);
		free(c->scoring.rules[i].value);
	}
	free(c->scoring.rules);
	for (size_t i = 0; i < c->scoring.nkinds; i++)
		free(c->scoring.kinds[i].kind);
	free(c->scoring.kinds);
	free(c);
}
