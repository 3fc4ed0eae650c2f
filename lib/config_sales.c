/* config_sales.c: the lead-to-cash part of the config (crm.yaml(5)
 * "Sales"): tax and discount defaults for products and quotes, approver
 * groups, the contract approval chain, payment plan templates and the
 * overdue reminders.  Part of the loader in config.c. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "config_yaml.h"
#include "money.h"

/* A percentage (crm_percent_parse) as basis points. */
static bool node_percent(struct crm_yaml *L, yaml_node_t *v, const char *what, int *bp)
{
	if (!crm_yaml_is(L, v, YAML_SCALAR_NODE, what))
		return false;
	if (crm_percent_parse(YTEXT(v), bp)) {
		crm_yaml_error(L, v, "invalid percentage '%s' for '%s'", YTEXT(v), what);
		return false;
	}
	return true;
}

static void percent(struct crm_yaml *L, yaml_node_t *m, const char *key, int *bp)
{
	yaml_node_t *v = crm_yaml_get(L, m, key);
	if (v)
		node_percent(L, v, key, bp);
}

/* A scalar or a list of scalars, as strings. */
static void strings(struct crm_yaml *L, yaml_node_t *v, const char *what, char ***out, size_t *n)
{
	if (v->type == YAML_SCALAR_NODE) {
		*PUSH(*out, *n) = crm_xstrdup(YTEXT(v));
		return;
	}
	if (!crm_yaml_is(L, v, YAML_SEQUENCE_NODE, what))
		return;
	EACH_ITEM(L, v, item) {
		if (crm_yaml_is(L, item, YAML_SCALAR_NODE, what) && *YTEXT(item))
			*PUSH(*out, *n) = crm_xstrdup(YTEXT(item));
	}
}

static void load_groups(struct crm_yaml *L, yaml_node_t *root)
{
	struct crm_sales *s = &L->cfg->sales;
	yaml_node_t *m = crm_yaml_get(L, root, "approvers");
	if (!m || !crm_yaml_is(L, m, YAML_MAPPING_NODE, "approvers"))
		return;
	EACH_PAIR(L, m, k, v) {
		const char *name = YTEXT(k);
		if (!crm_config_valid_id(name) || !strcmp(name, "manager") || !strcmp(name, "admin")) {
			crm_yaml_error(L, k, "invalid approver group '%s'", name);
			continue;
		}
		struct crm_approver_group *g = PUSH(s->groups, s->ngroups);
		g->name = crm_xstrdup(name);
		strings(L, v, "approvers", &g->logins, &g->nlogins);
	}
}

static void load_approval(struct crm_yaml *L, yaml_node_t *contracts)
{
	static const char *const keys[] = {"above", "steps", NULL};
	struct crm_sales *s = &L->cfg->sales;
	yaml_node_t *seq = crm_yaml_get(L, contracts, "approval");
	if (!seq || !crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, "approval"))
		return;
	EACH_ITEM(L, seq, m) {
		if (!crm_yaml_is(L, m, YAML_MAPPING_NODE, "approval rule"))
			continue;
		crm_yaml_check_keys(L, m, keys);
		struct crm_approval_rule *r = PUSH(s->approval, s->napproval);
		r->line = (int)m->start_mark.line + 1;
		yaml_node_t *above = crm_yaml_get(L, m, "above");
		const char *why = NULL;
		if (above && (!crm_yaml_is(L, above, YAML_SCALAR_NODE, "above") ||
			      crm_money_amount(YTEXT(above), &r->above, &why)))
			crm_yaml_error(L, above, "%s '%s' for 'above'", why ? why : "invalid amount",
				       above->type == YAML_SCALAR_NODE ? YTEXT(above) : "");
		yaml_node_t *steps = crm_yaml_get(L, m, "steps");
		if (steps)
			strings(L, steps, "steps", &r->steps, &r->nsteps);
		if (!r->nsteps)
			crm_yaml_error(L, m, "approval rule without steps");
	}
}

static void load_plan(struct crm_yaml *L, yaml_node_t *name, yaml_node_t *seq)
{
	static const char *const keys[] = {"percent", "after", NULL};
	struct crm_sales *s = &L->cfg->sales;
	if (!crm_config_valid_id(YTEXT(name))) {
		crm_yaml_error(L, name, "invalid plan name '%s'", YTEXT(name));
		return;
	}
	if (!crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, "plan"))
		return;
	struct crm_plan *p = PUSH(s->plans, s->nplans);
	int sum = 0;
	p->name = crm_xstrdup(YTEXT(name));
	EACH_ITEM(L, seq, m) {
		struct crm_plan_part *part = PUSH(p->parts, p->nparts);
		if (m->type == YAML_SCALAR_NODE) {	/* 30: a percentage due at once */
			node_percent(L, m, "percent", &part->percent);
		} else if (crm_yaml_is(L, m, YAML_MAPPING_NODE, "instalment")) {
			crm_yaml_check_keys(L, m, keys);
			percent(L, m, "percent", &part->percent);
			crm_yaml_days(L, m, "after", false, &part->after);
		}
		if (part->percent <= 0)
			crm_yaml_error(L, m, "instalment without a percentage in plan '%s'", p->name);
		sum += part->percent;
	}
	if (sum != 10000)
		crm_yaml_error(L, seq, "plan '%s' adds up to %d.%02d%%, not 100%%", p->name, sum / 100,
			       sum % 100);
}

static void load_payments(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const keys[] = {
		"plans", "default_plan", "recorders", "remind_after", "escalate_after", NULL
	};
	struct crm_sales *s = &L->cfg->sales;
	yaml_node_t *m = crm_yaml_get(L, root, "payments");
	if (!m || !crm_yaml_is(L, m, YAML_MAPPING_NODE, "payments"))
		return;
	crm_yaml_check_keys(L, m, keys);
	yaml_node_t *plans = crm_yaml_get(L, m, "plans");
	if (plans && crm_yaml_is(L, plans, YAML_MAPPING_NODE, "plans"))
		EACH_PAIR(L, plans, k, v)
			load_plan(L, k, v);
	yaml_node_t *dp = crm_yaml_get(L, m, "default_plan");
	if (dp && crm_yaml_is(L, dp, YAML_SCALAR_NODE, "default_plan")) {
		if (crm_config_plan(L->cfg, YTEXT(dp)))
			s->default_plan = crm_xstrdup(YTEXT(dp));
		else
			crm_yaml_error(L, dp, "unknown plan '%s'", YTEXT(dp));
	}
	yaml_node_t *rec = crm_yaml_get(L, m, "recorders");
	if (rec)
		strings(L, rec, "recorders", &s->payment_recorders, &s->npayment_recorders);
	crm_yaml_days(L, m, "remind_after", false, &s->overdue_remind_after);
	crm_yaml_days(L, m, "escalate_after", false, &s->overdue_escalate_after);
}

void crm_config_load_sales(struct crm_yaml *L, yaml_node_t *root)
{
	static const char *const qkeys[] = {
		"valid_for", "max_discount", "discount_approvers", "template", "company", NULL
	};
	static const char *const ckeys[] = {"approval", "company", NULL};
	struct crm_sales *s = &L->cfg->sales;
	s->tax_rate = 1300;
	s->max_discount = 1000;
	s->quote_valid_days = 30;
	s->overdue_remind_after = 1;
	s->overdue_escalate_after = 15;
	if (root)
		percent(L, root, "tax_rate", &s->tax_rate);
	load_groups(L, root);

	yaml_node_t *q = crm_yaml_get(L, root, "quotes");
	if (q && crm_yaml_is(L, q, YAML_MAPPING_NODE, "quotes")) {
		crm_yaml_check_keys(L, q, qkeys);
		crm_yaml_days(L, q, "valid_for", false, &s->quote_valid_days);
		percent(L, q, "max_discount", &s->max_discount);
		yaml_node_t *a = crm_yaml_get(L, q, "discount_approvers");
		if (a)
			strings(L, a, "discount_approvers", &s->discount_approvers,
				&s->ndiscount_approvers);
		const char *t = crm_yaml_str(L, q, "template");
		if (t && *t)
			s->quote_template = crm_xstrdup(t);
		const char *co = crm_yaml_str(L, q, "company");
		if (co && *co)
			s->quote_company = crm_xstrdup(co);
	}
	if (!s->ndiscount_approvers)
		*PUSH(s->discount_approvers, s->ndiscount_approvers) = crm_xstrdup("manager");

	yaml_node_t *c = crm_yaml_get(L, root, "contracts");
	if (c && crm_yaml_is(L, c, YAML_MAPPING_NODE, "contracts")) {
		crm_yaml_check_keys(L, c, ckeys);
		load_approval(L, c);
		const char *company = crm_yaml_str(L, c, "company");
		if (company && *company)
			s->company = crm_xstrdup(company);
	}
	load_payments(L, root);
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void crm_config_free_sales(struct crm_sales *s)
{
	free(s->quote_template);
	free(s->quote_company);
	free_list(s->discount_approvers, s->ndiscount_approvers);
	for (size_t i = 0; i < s->ngroups; i++) {
		free(s->groups[i].name);
		free_list(s->groups[i].logins, s->groups[i].nlogins);
	}
	free(s->groups);
	for (size_t i = 0; i < s->napproval; i++)
		free_list(s->approval[i].steps, s->approval[i].nsteps);
	free(s->approval);
	free(s->company);
	for (size_t i = 0; i < s->nplans; i++) {
		free(s->plans[i].name);
		free(s->plans[i].parts);
	}
	free(s->plans);
	free(s->default_plan);
	free_list(s->payment_recorders, s->npayment_recorders);
}

const struct crm_approver_group *crm_config_approver_group(const struct crm_config *c,
							   const char *name)
{
	for (size_t i = 0; i < c->sales.ngroups; i++)
		if (!strcmp(c->sales.groups[i].name, name))
			return &c->sales.groups[i];
	return NULL;
}

const struct crm_approval_rule *crm_config_approval_rule(const struct crm_config *c,
							  int64_t amount)
{
	for (size_t i = 0; i < c->sales.napproval; i++)
		if (amount > c->sales.approval[i].above)
			return &c->sales.approval[i];
	return NULL;
}

const struct crm_plan *crm_config_plan(const struct crm_config *c, const char *name)
{
	for (size_t i = 0; i < c->sales.nplans; i++)
		if (!strcmp(c->sales.plans[i].name, name))
			return &c->sales.plans[i];
	return NULL;
}
