/* config.c: reads crm.yaml through libyaml's document API into a struct
 * crm_config, section by section, with the defaults for whatever is left
 * out.  Node walking and error collection are in config_yaml.c, look-ups
 * and the entity tables in config_lookup.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_yaml.h"

static bool lead_field(const struct crm_config *c, const char *name)
{
	return crm_config_index_of(crm_lead_fields, name) >= 0
		|| crm_config_custom_field(c, "lead", name);
}

static void load_currency(struct crm_yaml *L, yaml_node_t *root)
{
	static const char upper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
	static const char zone_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789/_+-";
	const char *s = crm_yaml_str(L, root, "currency");
	if (s && (strlen(s) != 3 || strspn(s, upper) != 3))
		crm_yaml_error(L, crm_yaml_get(L, root, "currency"), "invalid currency '%s'", s);
	L->cfg->currency = crm_xstrdup(s ? s : "CNY");

	/* Only the shape of a zone name: whether tzdata has it is the system's
	 * business, and a path must not escape the zoneinfo directory. */
	s = crm_yaml_str(L, root, "timezone");
	if (s && (!*s || *s == '/' || strstr(s, "..") || s[strspn(s, zone_chars)]))
		crm_yaml_error(L, crm_yaml_get(L, root, "timezone"), "invalid timezone '%s'", s);
	else if (s)
		L->cfg->timezone = crm_xstrdup(s);
}

/* A list of ids or {id, name} maps: sources and loss reasons. */
static void load_choices(struct crm_yaml *L, yaml_node_t *seq, const char *key, const char *what,
		struct crm_choice **arr, size_t *n)
{
	static const char *const keys[] = {"id", "name", NULL};
	if (!crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, key))
		return;
	EACH_ITEM(L, seq, it) {
		yaml_node_t *idn = it;
		const char *name = NULL;
		if (it->type == YAML_MAPPING_NODE) {
			crm_yaml_check_keys(L, it, keys);
			if (!(idn = crm_yaml_get(L, it, "id"))) {
				crm_yaml_error(L, it, "missing key 'id'");
				continue;
			}
			name = crm_yaml_str(L, it, "name");
		}
		if (!crm_yaml_is(L, idn, YAML_SCALAR_NODE, key))
			continue;
		const char *id = YTEXT(idn);
		bool dup = false;
		for (size_t i = 0; i < *n; i++)
			dup |= !strcmp((*arr)[i].id, id);
		if (!crm_config_valid_id(id) || dup) {
			crm_yaml_error(L, idn, dup ? "duplicate %s '%s'" : "invalid %s id '%s'",
					what, id);
			continue;
		}
		struct crm_choice *c = PUSH(*arr, *n);
		c->id = crm_xstrdup(id);
		c->name = crm_xstrdup(name ? name : id);
	}
}

static void default_choices(struct crm_choice **arr, size_t *n, const char *const *ids)
{
	for (; *ids; ids++) {
		struct crm_choice *c = PUSH(*arr, *n);
		c->id = crm_xstrdup(*ids);
		c->name = crm_xstrdup(*ids);
	}
}

static void load_choice_lists(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const reasons[] = {
		"price", "competitor", "no-budget", "no-decision", "timing", "other", NULL
	};
	struct crm_config *c = L->cfg;
	yaml_node_t *n;

	if ((n = crm_yaml_get(L, root, "loss_reasons")))
		load_choices(L, n, "loss_reasons", "loss reason", &c->loss_reasons, &c->nloss_reasons);
	else
		default_choices(&c->loss_reasons, &c->nloss_reasons, reasons);
	if ((n = crm_yaml_get(L, root, "sources")))
		load_choices(L, n, "sources", "source", &c->sources, &c->nsources);
}

static void add_heat(struct crm_config *c, const char *id)
{
	struct crm_heat_level *h = PUSH(c->heat, c->nheat);
	h->id = crm_xstrdup(id);
	h->min_score = -1;
}

static void load_heat(struct crm_yaml *L, yaml_node_t *root)
{
	struct crm_config *c = L->cfg;
	yaml_node_t *n = crm_yaml_get(L, root, "heat");

	if (!n) {
		add_heat(c, "hot");
		add_heat(c, "warm");
		add_heat(c, "cold");
		return;
	}
	if (!crm_yaml_is(L, n, YAML_SEQUENCE_NODE, "heat"))
		return;
	EACH_ITEM(L, n, it) {
		if (!crm_yaml_is(L, it, YAML_SCALAR_NODE, "heat"))
			continue;
		if (crm_config_has_heat(c, YTEXT(it)))
			crm_yaml_error(L, it, "duplicate heat level '%s'", YTEXT(it));
		else if (!crm_config_valid_id(YTEXT(it)))
			crm_yaml_error(L, it, "invalid heat level '%s'", YTEXT(it));
		else
			add_heat(c, YTEXT(it));
	}
}

static void load_kinds(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const builtin[] = {
		"call", "email", "meeting", "visit", "wechat", "note", NULL
	};
	struct crm_config *c = L->cfg;
	yaml_node_t *n = crm_yaml_get(L, root, "interaction_kinds");

	for (int i = 0; builtin[i]; i++)
		*PUSH(c->interaction_kinds, c->ninteraction_kinds) = crm_xstrdup(builtin[i]);
	if (!n || !crm_yaml_is(L, n, YAML_SEQUENCE_NODE, "interaction_kinds"))
		return;
	/* Naming a built-in kind again is harmless; naming one twice is not. */
	EACH_ITEM(L, n, it) {
		if (!crm_yaml_is(L, it, YAML_SCALAR_NODE, "interaction_kinds"))
			continue;
		bool dup = false;
		for (yaml_node_item_t *j = n->data.sequence.items.start; j < it_i; j++) {
			yaml_node_t *prev = YNODE(L, *j);
			dup |= prev->type == YAML_SCALAR_NODE && !strcmp(YTEXT(prev), YTEXT(it));
		}
		if (dup)
			crm_yaml_error(L, it, "duplicate interaction kind '%s'", YTEXT(it));
		else if (!crm_config_valid_id(YTEXT(it)))
			crm_yaml_error(L, it, "invalid interaction kind '%s'", YTEXT(it));
		else if (!crm_config_has_kind(c, YTEXT(it)))
			*PUSH(c->interaction_kinds, c->ninteraction_kinds) = crm_xstrdup(YTEXT(it));
	}
}

static const char *const stage_kinds[] = {
	[CRM_STAGE_OPEN] = "open", [CRM_STAGE_WON] = "won", [CRM_STAGE_LOST] = "lost", NULL
};

static void load_stage(struct crm_yaml *L, yaml_node_t *m, struct crm_pipeline *p)
{
	static const char *const keys[] = {"id", "name", "probability", "kind", NULL};
	if (!crm_yaml_is(L, m, YAML_MAPPING_NODE, "stage"))
		return;
	crm_yaml_check_keys(L, m, keys);
	yaml_node_t *idn = crm_yaml_get(L, m, "id"), *kn = crm_yaml_get(L, m, "kind");
	if (!idn) {
		crm_yaml_error(L, m, "missing key 'id'");
		return;
	}
	if (!crm_yaml_is(L, idn, YAML_SCALAR_NODE, "id"))
		return;
	if (!crm_config_valid_id(YTEXT(idn)) || crm_pipeline_stage(p, YTEXT(idn))) {
		crm_yaml_error(L, idn, "%s stage id '%s'",
				crm_config_valid_id(YTEXT(idn)) ? "duplicate" : "invalid", YTEXT(idn));
		return;
	}
	int kind = CRM_STAGE_OPEN;
	if (kn && crm_yaml_is(L, kn, YAML_SCALAR_NODE, "kind")
	    && (kind = crm_config_index_of(stage_kinds, YTEXT(kn))) < 0)
		crm_yaml_error(L, kn, "unknown stage kind '%s'", YTEXT(kn));
	/* The probability of a won or lost stage goes without saying. */
	int prob = kind == CRM_STAGE_WON ? 100 : 0;
	if (kind == CRM_STAGE_OPEN && !crm_yaml_get(L, m, "probability"))
		crm_yaml_error(L, m, "missing key 'probability'");
	crm_yaml_int(L, m, "probability", 0, 100, &prob);
	const char *name = crm_yaml_str(L, m, "name");

	struct crm_stage *s = PUSH(p->stages, p->nstages);
	s->id = crm_xstrdup(YTEXT(idn));
	s->name = crm_xstrdup(name ? name : YTEXT(idn));
	s->probability = prob;
	s->kind = kind < 0 ? CRM_STAGE_OPEN : (enum crm_stage_kind)kind;
}

static void load_pipeline(struct crm_yaml *L, yaml_node_t *seq, const char *key, const char *id,
		struct crm_pipeline *p)
{
	size_t before = L->nproblems;
	yaml_node_t *extra[3] = {NULL, NULL, NULL};
	size_t count[3] = {0, 0, 0};

	p->id = crm_xstrdup(id);
	if (!crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, key))
		return;
	EACH_ITEM(L, seq, it)
		load_stage(L, it, p);
	/* After a broken stage these would only confuse. */
	if (L->nproblems != before)
		return;
	EACH_ITEM(L, seq, it) {
		enum crm_stage_kind k = p->stages[it_i - seq->data.sequence.items.start].kind;
		if (count[k]++ == 1)
			extra[k] = it;
	}
	for (int k = CRM_STAGE_WON; k <= CRM_STAGE_LOST; k++) {
		if (!count[k])
			crm_yaml_error(L, seq, "no %s stage in pipeline '%s'", stage_kinds[k], id);
		else if (extra[k])
			crm_yaml_error(L, extra[k], "more than one %s stage '%s'", stage_kinds[k],
					YTEXT(crm_yaml_get(L, extra[k], "id")));
	}
	if (!count[CRM_STAGE_OPEN])
		crm_yaml_error(L, seq, "no open stage in pipeline '%s'", id);
}

static void default_pipeline(struct crm_pipeline *p)
{
	static const struct {
		const char *id, *name;
		int probability;
		enum crm_stage_kind kind;
	} stages[] = {
		{"contact", "Contact", 10, CRM_STAGE_OPEN},
		{"qualify", "Qualify", 30, CRM_STAGE_OPEN},
		{"proposal", "Proposal", 50, CRM_STAGE_OPEN},
		{"negotiation", "Negotiation", 80, CRM_STAGE_OPEN},
		{"won", "Won", 100, CRM_STAGE_WON},
		{"lost", "Lost", 0, CRM_STAGE_LOST},
	};
	for (size_t i = 0; i < sizeof stages / sizeof stages[0]; i++) {
		struct crm_stage *s = PUSH(p->stages, p->nstages);
		s->id = crm_xstrdup(stages[i].id);
		s->name = crm_xstrdup(stages[i].name);
		s->probability = stages[i].probability;
		s->kind = stages[i].kind;
	}
}

static void load_pipelines(struct crm_yaml *L, yaml_node_t *root)
{
	struct crm_config *c = L->cfg;
	yaml_node_t *one = crm_yaml_get(L, root, "pipeline");
	yaml_node_t *many = crm_yaml_get(L, root, "pipelines");
	bool have_default = one != NULL;

	c->pipelines = crm_xcalloc(1, sizeof *c->pipelines);
	c->npipelines = 1;
	if (one)
		load_pipeline(L, one, "pipeline", "default", &c->pipelines[0]);
	if (many && crm_yaml_is(L, many, YAML_MAPPING_NODE, "pipelines")) {
		crm_yaml_check_keys(L, many, NULL);
		EACH_PAIR(L, many, k, v) {
			bool is_default = !strcmp(YTEXT(k), "default");
			if (!crm_config_valid_id(YTEXT(k))) {
				crm_yaml_error(L, k, "invalid pipeline id '%s'", YTEXT(k));
			} else if (is_default && have_default) {
				crm_yaml_error(L, k, "duplicate pipeline id '%s'", YTEXT(k));
			} else if (is_default) {
				have_default = true;
				load_pipeline(L, v, YTEXT(k), YTEXT(k), &c->pipelines[0]);
			} else {
				struct crm_pipeline *p = PUSH(c->pipelines, c->npipelines);
				load_pipeline(L, v, YTEXT(k), YTEXT(k), p);
			}
		}
	}
	if (!have_default) {
		free(c->pipelines[0].id);
		c->pipelines[0].id = crm_xstrdup("default");
		default_pipeline(&c->pipelines[0]);
	}
}

static const char *const field_types[] = {
	[CRM_FIELD_TEXT] = "text", [CRM_FIELD_NUMBER] = "number", [CRM_FIELD_MONEY] = "money",
	[CRM_FIELD_DATE] = "date", [CRM_FIELD_ENUM] = "enum", NULL
};

static void load_custom_field(struct crm_yaml *L, yaml_node_t *m, const char *entity)
{
	static const char *const keys[] = {"name", "type", "values", "required", "personal", NULL};
	struct crm_config *c = L->cfg;
	if (!crm_yaml_is(L, m, YAML_MAPPING_NODE, entity))
		return;
	crm_yaml_check_keys(L, m, keys);
	yaml_node_t *nn = crm_yaml_get(L, m, "name"), *tn = crm_yaml_get(L, m, "type");
	yaml_node_t *vn = crm_yaml_get(L, m, "values");
	if (!nn) {
		crm_yaml_error(L, m, "missing key 'name'");
		return;
	}
	if (!crm_yaml_is(L, nn, YAML_SCALAR_NODE, "name"))
		return;
	const char *name = YTEXT(nn);
	if (!crm_config_valid_id(name)) {
		crm_yaml_error(L, nn, "invalid field name '%s'", name);
		return;
	}
	if (crm_config_builtin_field(entity, name)) {
		crm_yaml_error(L, nn, "custom field shadows built-in %s field '%s'", entity, name);
		return;
	}
	if (crm_config_custom_field(c, entity, name)) {
		crm_yaml_error(L, nn, "duplicate custom field '%s'", name);
		return;
	}
	int type = CRM_FIELD_TEXT;
	if (tn && crm_yaml_is(L, tn, YAML_SCALAR_NODE, "type")
	    && (type = crm_config_index_of(field_types, YTEXT(tn))) < 0) {
		crm_yaml_error(L, tn, "unknown field type '%s'", YTEXT(tn));
		return;
	}

	struct crm_custom_field *f = PUSH(c->custom_fields, c->ncustom_fields);
	f->entity = crm_xstrdup(entity);
	f->name = crm_xstrdup(name);
	f->type = (enum crm_field_type)type;
	crm_yaml_bool(L, m, "required", &f->required);
	crm_yaml_bool(L, m, "personal", &f->personal);
	if (vn && type != CRM_FIELD_ENUM) {
		crm_yaml_error(L, vn, "values for a non-enum field '%s'", name);
	} else if (vn && crm_yaml_is(L, vn, YAML_SEQUENCE_NODE, "values")) {
		EACH_ITEM(L, vn, it) {
			if (!crm_yaml_is(L, it, YAML_SCALAR_NODE, "values"))
				continue;
			bool dup = false;
			for (size_t i = 0; i < f->nvalues; i++)
				dup |= !strcmp(f->values[i], YTEXT(it));
			if (dup)
				crm_yaml_error(L, it, "duplicate enum value '%s'", YTEXT(it));
			else
				*PUSH(f->values, f->nvalues) = crm_xstrdup(YTEXT(it));
		}
	}
	if (type == CRM_FIELD_ENUM && (!vn || (vn->type == YAML_SEQUENCE_NODE
			&& vn->data.sequence.items.start == vn->data.sequence.items.top)))
		crm_yaml_error(L, m, "enum field without values '%s'", name);
}

static void load_custom_fields(struct crm_yaml *L, yaml_node_t *root)
{
	yaml_node_t *m = crm_yaml_get(L, root, "custom_fields");
	if (!m || !crm_yaml_is(L, m, YAML_MAPPING_NODE, "custom_fields"))
		return;
	crm_yaml_check_keys(L, m, NULL);
	EACH_PAIR(L, m, k, v) {
		if (!crm_config_entity_has_custom(YTEXT(k)))
			crm_yaml_error(L, k, "unknown entity '%s'", YTEXT(k));
		else if (!crm_yaml_null(v) && crm_yaml_is(L, v, YAML_SEQUENCE_NODE, YTEXT(k)))
			EACH_ITEM(L, v, it)
				load_custom_field(L, it, YTEXT(k));
	}
}

static void load_import(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const keys[] = {"aliases", NULL};
	struct crm_config *c = L->cfg;
	yaml_node_t *m = crm_yaml_get(L, root, "import"), *a;
	if (!m || !crm_yaml_is(L, m, YAML_MAPPING_NODE, "import"))
		return;
	crm_yaml_check_keys(L, m, keys);
	if (!(a = crm_yaml_get(L, m, "aliases")) || !crm_yaml_is(L, a, YAML_MAPPING_NODE, "aliases"))
		return;
	crm_yaml_check_keys(L, a, NULL);
	EACH_PAIR(L, a, k, v) {
		char *h = crm_config_header_normalise(YTEXT(k));
		bool dup = false;
		for (size_t i = 0; i < c->naliases; i++)
			dup |= crm_config_header_eq(h, c->aliases[i].header);
		if (!*h || dup) {
			crm_yaml_error(L, k, "%s alias '%s'", dup ? "duplicate" : "empty", YTEXT(k));
		} else if (!crm_yaml_is(L, v, YAML_SCALAR_NODE, YTEXT(k))) {
			/* reported */
		} else if (!lead_field(c, YTEXT(v))) {
			crm_yaml_error(L, v, "unknown lead field '%s'", YTEXT(v));
		} else {
			struct crm_alias *al = PUSH(c->aliases, c->naliases);
			al->header = crm_xstrdup(YTEXT(k));
			al->field = crm_xstrdup(YTEXT(v));
		}
		free(h);
	}
}

static void load_match(struct crm_yaml *L, yaml_node_t *m, struct crm_rule *r)
{
	crm_yaml_check_keys(L, m, NULL);
	EACH_PAIR(L, m, k, v) {
		if (!lead_field(L->cfg, YTEXT(k))) {
			crm_yaml_error(L, k, "unknown lead field '%s'", YTEXT(k));
			continue;
		}
		struct crm_match *x = PUSH(r->match, r->nmatch);
		x->field = crm_xstrdup(YTEXT(k));
		crm_yaml_match_values(L, k, v, x, NULL);
	}
}

/* Rule number is 1-based; 0 is assignment.default. */
static void load_rule(struct crm_yaml *L, yaml_node_t *m, struct crm_rule *r, size_t number)
{
	static const char *const rule_keys[] = {
		"name", "match", "user", "team", "method", "capacity", NULL
	};
	static const char *const default_keys[] = {"user", "team", "method", "capacity", NULL};
	r->line = (int)m->start_mark.line + 1;
	if (!crm_yaml_is(L, m, YAML_MAPPING_NODE, number ? "rules" : "default"))
		return;
	crm_yaml_check_keys(L, m, number ? rule_keys : default_keys);
	const char *name = number ? crm_yaml_str(L, m, "name") : NULL;
	r->name = name ? crm_xstrdup(name)
		: number ? crm_xasprintf("rule %zu", number) : crm_xstrdup("default");

	yaml_node_t *mn = number ? crm_yaml_get(L, m, "match") : NULL;
	yaml_node_t *un = crm_yaml_get(L, m, "user"), *tn = crm_yaml_get(L, m, "team");
	if (mn && crm_yaml_is(L, mn, YAML_MAPPING_NODE, "match"))
		load_match(L, mn, r);
	if (un && tn)
		crm_yaml_error(L, m, "both user and team in rule '%s'", r->name);
	else if (!un && !tn)
		crm_yaml_error(L, m, "neither user nor team in rule '%s'", r->name);
	if (un && crm_yaml_is(L, un, YAML_SCALAR_NODE, "user"))
		r->user = crm_xstrdup(YTEXT(un));
	if (tn && crm_yaml_is(L, tn, YAML_SCALAR_NODE, "team"))
		r->team = crm_xstrdup(YTEXT(tn));

	const char *method = crm_yaml_str(L, m, "method");
	if (method && !strcmp(method, "least-loaded"))
		r->method = CRM_ASSIGN_LEAST_LOADED;
	else if (method && strcmp(method, "round-robin"))
		crm_yaml_error(L, crm_yaml_get(L, m, "method"), "unknown method '%s'", method);
	crm_yaml_int(L, m, "capacity", 0, INT_MAX, &r->capacity);
}

static void load_assignment(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const keys[] = {"rules", "default", NULL};
	struct crm_config *c = L->cfg;
	yaml_node_t *m = crm_yaml_get(L, root, "assignment"), *n;
	if (!m || !crm_yaml_is(L, m, YAML_MAPPING_NODE, "assignment"))
		return;
	crm_yaml_check_keys(L, m, keys);
	if ((n = crm_yaml_get(L, m, "rules")) && crm_yaml_is(L, n, YAML_SEQUENCE_NODE, "rules"))
		EACH_ITEM(L, n, it) {
			PUSH(c->rules, c->nrules);
			load_rule(L, it, &c->rules[c->nrules - 1], c->nrules);
		}
	if ((n = crm_yaml_get(L, m, "default"))) {
		c->default_rule = crm_xcalloc(1, sizeof *c->default_rule);
		load_rule(L, n, c->default_rule, 0);
	}
}

static void load_followup(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const fkeys[] = {
		"first_contact_within", "first_contact_title", "remind_after", "escalate_after",
		"reclaim_after_first", "reclaim_after_idle", NULL
	};
	static const char *const pkeys[] = {"claim_limit", "reclaim_cooldown", NULL};
	struct crm_config *c = L->cfg;
	yaml_node_t *m = crm_yaml_get(L, root, "followup");
	const char *title = NULL;

	c->followup.first_contact_within = 3;
	c->followup.remind_after = 3;
	c->followup.escalate_after = 7;
	c->followup.reclaim_after_first = -1;
	c->followup.reclaim_after_idle = -1;
	if (m && crm_yaml_is(L, m, YAML_MAPPING_NODE, "followup")) {
		crm_yaml_check_keys(L, m, fkeys);
		title = crm_yaml_str(L, m, "first_contact_title");
		crm_yaml_days(L, m, "first_contact_within", false, &c->followup.first_contact_within);
		crm_yaml_days(L, m, "remind_after", false, &c->followup.remind_after);
		crm_yaml_days(L, m, "escalate_after", false, &c->followup.escalate_after);
		crm_yaml_days(L, m, "reclaim_after_first", true, &c->followup.reclaim_after_first);
		crm_yaml_days(L, m, "reclaim_after_idle", true, &c->followup.reclaim_after_idle);
	}
	c->followup.first_contact_title = crm_xstrdup(title ? title : "first contact");

	m = crm_yaml_get(L, root, "pool");
	if (m && crm_yaml_is(L, m, YAML_MAPPING_NODE, "pool")) {
		crm_yaml_check_keys(L, m, pkeys);
		crm_yaml_int(L, m, "claim_limit", 0, INT_MAX, &c->pool.claim_limit);
		crm_yaml_days(L, m, "reclaim_cooldown", false, &c->pool.reclaim_cooldown);
	}
}

/* What reps may do beyond their own records' everyday changes: merge and
 * forget cannot be undone, so by default they need a manager or admin. */
static void load_permissions(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const keys[] = {"rep_merge", "rep_forget", NULL};
	yaml_node_t *m = crm_yaml_get(L, root, "permissions");
	if (m && crm_yaml_is(L, m, YAML_MAPPING_NODE, "permissions")) {
		crm_yaml_check_keys(L, m, keys);
		crm_yaml_bool(L, m, "rep_merge", &L->cfg->permissions.rep_merge);
		crm_yaml_bool(L, m, "rep_forget", &L->cfg->permissions.rep_forget);
	}
}

static void load_score_rule(struct crm_yaml *L, yaml_node_t *m)
{
	static const char *const keys[] = {"field", "value", "points", NULL};
	struct crm_config *c = L->cfg;
	int points = 0;
	bool complete = true;

	if (!crm_yaml_is(L, m, YAML_MAPPING_NODE, "fields"))
		return;
	crm_yaml_check_keys(L, m, keys);
	for (int i = 0; keys[i]; i++)
		if (!crm_yaml_get(L, m, keys[i])) {
			crm_yaml_error(L, m, "missing key '%s'", keys[i]);
			complete = false;
		}
	if (!complete)
		return;
	yaml_node_t *fn = crm_yaml_get(L, m, "field"), *vn = crm_yaml_get(L, m, "value");
	bool ok = crm_yaml_is(L, fn, YAML_SCALAR_NODE, "field");
	ok &= crm_yaml_is(L, vn, YAML_SCALAR_NODE, "value");
	ok &= crm_yaml_node_int(L, crm_yaml_get(L, m, "points"), "points", INT_MIN, INT_MAX, &points);
	if (ok && !lead_field(c, YTEXT(fn))) {
		crm_yaml_error(L, fn, "unknown lead field '%s'", YTEXT(fn));
		ok = false;
	}
	if (!ok)
		return;
	struct crm_score_rule *r = PUSH(c->scoring.rules, c->scoring.nrules);
	r->field = crm_xstrdup(YTEXT(fn));
	r->value = crm_xstrdup(YTEXT(vn));
	r->points = points;
}

static void load_scoring(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const keys[] = {"fields", "activities", "heat", NULL};
	struct crm_config *c = L->cfg;
	yaml_node_t *m = crm_yaml_get(L, root, "scoring"), *n;
	if (!m || !crm_yaml_is(L, m, YAML_MAPPING_NODE, "scoring"))
		return;
	crm_yaml_check_keys(L, m, keys);

	if ((n = crm_yaml_get(L, m, "fields")) && crm_yaml_is(L, n, YAML_SEQUENCE_NODE, "fields"))
		EACH_ITEM(L, n, it)
			load_score_rule(L, it);

	n = crm_yaml_get(L, m, "activities");
	if (n && crm_yaml_is(L, n, YAML_MAPPING_NODE, "activities")) {
		crm_yaml_check_keys(L, n, NULL);
		EACH_PAIR(L, n, k, v) {
			int points;
			if (!crm_config_has_kind(c, YTEXT(k))) {
				crm_yaml_error(L, k, "unknown interaction kind '%s'", YTEXT(k));
			} else if (crm_yaml_node_int(L, v, "points", INT_MIN, INT_MAX, &points)) {
				struct crm_kind_points *kp = PUSH(c->scoring.kinds, c->scoring.nkinds);
				kp->kind = crm_xstrdup(YTEXT(k));
				kp->points = points;
			}
		}
	}

	if ((n = crm_yaml_get(L, m, "heat")) && crm_yaml_is(L, n, YAML_MAPPING_NODE, "heat")) {
		crm_yaml_check_keys(L, n, NULL);
		EACH_PAIR(L, n, k, v) {
			struct crm_heat_level *h = NULL;
			for (size_t i = 0; i < c->nheat; i++)
				if (!strcmp(c->heat[i].id, YTEXT(k)))
					h = &c->heat[i];
			if (!h)
				crm_yaml_error(L, k, "unknown heat level '%s'", YTEXT(k));
			else
				crm_yaml_node_int(L, v, "heat threshold", 0, INT_MAX, &h->min_score);
		}
	}
}

/* Fill L->cfg from the document's root (NULL: defaults only).  Later
 * sections refer to earlier ones (rules to custom fields, scoring to heat
 * levels and kinds), hence the order. */
static void load_root(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const keys[] = {
		"currency", "timezone", "pipeline", "pipelines", "loss_reasons", "sources", "heat",
		"interaction_kinds", "custom_fields", "import", "assignment", "followup", "pool",
		"permissions", "scoring", "tax_rate", "approvers", "quotes", "contracts", "payments",
		"service", NULL
	};
	if (root && crm_yaml_null(root))
		root = NULL;
	if (root && root->type != YAML_MAPPING_NODE) {
		crm_yaml_error(L, root, "expected a mapping at the top level");
		root = NULL;
	}
	if (root)
		crm_yaml_check_keys(L, root, keys);
	load_currency(L, root);
	load_choice_lists(L, root);
	load_heat(L, root);
	load_kinds(L, root);
	load_pipelines(L, root);
	load_custom_fields(L, root);
	load_import(L, root);
	load_assignment(L, root);
	load_followup(L, root);
	load_permissions(L, root);
	load_scoring(L, root);
	crm_config_load_sales(L, root);
	crm_config_load_service(L, crm_yaml_get(L, root, "service"));
}

/* ---- reading the file ---- */

static char *slurp(FILE *f, size_t *len)
{
	size_t cap = 4096, n = 0, got;
	char *buf = crm_xmalloc(cap);
	while ((got = fread(buf + n, 1, cap - n, f)) > 0)
		if ((n += got) == cap)
			buf = crm_xrealloc(buf, cap *= 2);
	if (ferror(f)) {
		int e = errno;
		free(buf);
		errno = e;
		return NULL;
	}
	*len = n;
	return buf;
}

static void syntax_error(struct crm_yaml *L, const yaml_parser_t *parser, const char *buf)
{
	size_t line = parser->problem_mark.line + 1, column = parser->problem_mark.column + 1;
	if (parser->error == YAML_MEMORY_ERROR)
		crm_die(EX_SOFTWARE, "out of memory");
	if (parser->error == YAML_READER_ERROR) {
		/* The reader gives a byte offset only; count lines and characters. */
		line = column = 1;
		for (size_t i = 0; i < parser->problem_offset; i++) {
			if (buf[i] == '\n') {
				line++;
				column = 1;
			} else if ((buf[i] & 0xc0) != 0x80) {
				column++;
			}
		}
		if (parser->problem_value != -1) {
			crm_warn("%s:%zu:%zu: %s '%#x'", L->file, line, column,
					parser->problem, (unsigned)parser->problem_value);
			return;
		}
	}
	crm_warn("%s:%zu:%zu: %s%s%s%s", L->file, line, column,
			parser->problem ? parser->problem : "syntax error",
			parser->context ? " (" : "", parser->context ? parser->context : "",
			parser->context ? ")" : "");
}

static struct crm_config *finish(struct crm_yaml *L, int *status)
{
	if (!crm_yaml_report(L))
		return L->cfg;
	crm_config_free(L->cfg);
	*status = EX_CONFIG;
	return NULL;
}

struct crm_config *crm_config_load(const char *path, bool explicit_path, int *status)
{
	struct crm_yaml L = {.file = path, .cfg = crm_xcalloc(1, sizeof *L.cfg)};
	int ignored;
	FILE *f = NULL;
	char *buf;
	size_t len;

	if (!status)
		status = &ignored;
	*status = 0;
	if (!path || (!(f = fopen(path, "r")) && errno == ENOENT && !explicit_path)) {
		load_root(&L, NULL);
		return finish(&L, status);
	}
	if (!f || !(buf = slurp(f, &len))) {
		crm_warn_errno("%s", path);
		if (f)
			fclose(f);
		free(L.cfg);
		*status = EX_NOINPUT;
		return NULL;
	}
	fclose(f);
	L.cfg->path = crm_xstrdup(path);

	yaml_parser_t parser;
	yaml_document_t next;
	if (!yaml_parser_initialize(&parser))
		crm_die(EX_SOFTWARE, "out of memory");
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &L.doc)) {
		syntax_error(&L, &parser, buf);
		goto broken;
	}
	if (!yaml_parser_load(&parser, &next)) {
		syntax_error(&L, &parser, buf);
		yaml_document_delete(&L.doc);
		goto broken;
	}
	if (yaml_document_get_root_node(&next))
		crm_yaml_error(&L, yaml_document_get_root_node(&next), "more than one document");
	yaml_document_delete(&next);
	load_root(&L, yaml_document_get_root_node(&L.doc));
	yaml_document_delete(&L.doc);
	yaml_parser_delete(&parser);
	free(buf);
	return finish(&L, status);

broken:
	yaml_parser_delete(&parser);
	free(buf);
	crm_config_free(L.cfg);
	*status = EX_CONFIG;
	return NULL;
}
