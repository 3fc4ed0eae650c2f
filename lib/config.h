/* config.h: the one YAML configuration (SPEC §4 "Configuration"), read
 * with libyaml, validated on load, with built-in defaults for everything
 * left out.  Every error names file:line:column and exits 78 through the
 * caller.  The file format is documented in crm.yaml(5) and shown whole in
 * examples/crm.yaml. */
#ifndef CRM_CONFIG_H
#define CRM_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "money.h"

enum crm_stage_kind { CRM_STAGE_OPEN, CRM_STAGE_WON, CRM_STAGE_LOST };

struct crm_stage {
	char *id;		/* "proposal" */
	char *name;		/* display name, may be Chinese */
	int probability;	/* win probability in percent, 0..100 */
	enum crm_stage_kind kind;
};

struct crm_pipeline {
	char *id;		/* "default" for the unnamed one */
	struct crm_stage *stages;	/* in order; exactly one won and one lost */
	size_t nstages;
};

struct crm_choice {		/* an id with a display name (sources, ...) */
	char *id;
	char *name;		/* = id when the config gives none */
};

enum crm_field_type {
	CRM_FIELD_TEXT, CRM_FIELD_NUMBER, CRM_FIELD_MONEY, CRM_FIELD_DATE, CRM_FIELD_ENUM
};

struct crm_custom_field {
	char *entity;		/* "lead", "account", "contact", "deal" */
	char *name;		/* lower_snake_case, not a built-in field */
	enum crm_field_type type;
	char **values;		/* enum only */
	size_t nvalues;
	bool required;
	bool personal;		/* holds a person's data: forget erases it */
};

struct crm_alias {
	char *header;		/* as written in a CSV header, e.g. "手机" */
	char *field;		/* our field or custom field name, e.g. "phone" */
};

/* One condition of a rule: the lead's field equals one of values, each of
 * which may be a glob (fnmatch(3)) when it holds * ? or [. */
struct crm_match {
	char *field;		/* lead field or custom field */
	char **values;
	size_t nvalues;
};

enum crm_assign_method { CRM_ASSIGN_ROUND_ROBIN, CRM_ASSIGN_LEAST_LOADED };

struct crm_rule {
	char *name;		/* "rule 2" when the config names none */
	struct crm_match *match;	/* all must hold; none = matches every lead */
	size_t nmatch;
	char *user;		/* exactly one of user and team */
	char *team;
	enum crm_assign_method method;
	int capacity;		/* max open leads per user; 0 = unlimited */
	int line;		/* where it was defined, for --explain */
};

struct crm_score_rule {
	char *field;
	char *value;		/* may be a glob */
	int points;
};

struct crm_kind_points {
	char *kind;		/* interaction kind */
	int points;
};

struct crm_heat_level {
	char *id;		/* "hot" */
	int min_score;		/* derived heat: highest level whose min_score <= score; -1 = none */
};

/* Lead to cash (crm.yaml(5) "Sales"): rates are basis points (1300 =
 * 13%), amounts cents, periods days. */

/* Who approves a step of a contract's approval chain, or a quote's
 * discount: a group of logins from approvers:, "manager" (the owner's
 * manager, or any manager of the owner's team), "admin" (any admin), or a
 * login. */
struct crm_approver_group {
	char *name;		/* "legal" */
	char **logins;
	size_t nlogins;
};

/* A contract whose amount is above (strictly) goes through steps in order;
 * the first rule in the file that matches applies, none: no approval. */
struct crm_approval_rule {
	int64_t above;		/* cents */
	char **steps;		/* group, "manager", "admin" or login */
	size_t nsteps;
	int line;
};

/* An instalment of a payment plan template: percent of the total, due
 * after days from the contract's start (else its signing, else today). */
struct crm_plan_part {
	int percent;		/* basis points of the total; the parts sum to 10000 */
	int after;		/* days */
};

struct crm_plan {
	char *name;		/* "30-60-10" */
	struct crm_plan_part *parts;
	size_t nparts;
};

struct crm_sales {
	int tax_rate;			/* default of new products, bp; default 1300 */
	int max_discount;		/* a line's ceiling where its product gives none; default 1000 */
	int quote_valid_days;		/* default 30 */
	char *quote_template;		/* HTML template path; NULL = built-in */
	char *quote_company;		/* our name on a rendered quote; NULL = none */
	char **discount_approvers;	/* default {"manager"} */
	size_t ndiscount_approvers;
	struct crm_approver_group *groups;
	size_t ngroups;
	struct crm_approval_rule *approval;
	size_t napproval;
	char *company;			/* contracts.company: our name, party_b; NULL = none */
	struct crm_plan *plans;
	size_t nplans;
	char *default_plan;		/* NULL = none */
	char **payment_recorders;	/* groups or logins who record payments on any contract */
	size_t npayment_recorders;
	int overdue_remind_after;	/* days past due before the owner is told; default 1 */
	int overdue_escalate_after;	/* days past due before the manager is; default 15 */
};

/* Service (crm.yaml(5) "Service"): the business-hours calendar SLA clocks
 * run on (calendar.h does the arithmetic), the SLA per priority, the
 * queue, the survey link and ticket assignment.  Durations are seconds of
 * business time. */

/* Ticket priorities, in order; the index is enum crm_priority. */
enum crm_priority { CRM_PRIO_LOW, CRM_PRIO_NORMAL, CRM_PRIO_HIGH, CRM_PRIO_URGENT, CRM_NPRIO };
extern const char *const crm_priorities[];	/* "low" ... "urgent", NULL */

/* A working interval of a working day, in seconds after local midnight. */
struct crm_cal_hours {
	int start, end;		/* 0 <= start < end <= 86400 ("24:00") */
};

/* Inclusive range of dates, as days since 1970-01-01 (a civil count, no
 * zone: 2026-10-01 is day 20727). */
struct crm_cal_dates {
	int64_t first, last;
};

struct crm_calendar {
	char *timezone;		/* IANA name; NULL = the process's zone (TZ / system) */
	unsigned days;		/* working weekdays: bit 0 Sunday .. bit 6 Saturday; default mon..fri */
	struct crm_cal_hours *hours;	/* in order, not overlapping; default 09:00-18:00 */
	size_t nhours;
	struct crm_cal_dates *holidays;	/* no work on these dates */
	size_t nholidays;
	struct crm_cal_dates *workdays;	/* work on these dates (make-up days); wins over holidays */
	size_t nworkdays;
};

struct crm_sla {
	int64_t first_response;	/* business seconds; 0 = no SLA for this clock */
	int64_t resolve;
};

enum crm_queue { CRM_QUEUE_OWN, CRM_QUEUE_TEAM };

/* An assignment rule for tickets, the shape of struct crm_rule: the first
 * rule whose match all hold assigns to a login (to), round-robin or least
 * loaded in a team, or to the owner of the ticket's account. */
struct crm_ticket_rule {
	char *name;		/* "rule 2" when the config names none */
	struct crm_match *match;	/* fields category, priority, channel; none = every ticket */
	size_t nmatch;
	char *to;		/* exactly one of to, team and account_owner */
	char *team;
	bool account_owner;
	enum crm_assign_method method;	/* for team */
	int line;
};

struct crm_service {
	struct crm_calendar calendar;
	struct crm_sla sla[CRM_NPRIO];	/* by enum crm_priority */
	int64_t warn_before;		/* business seconds; default 3600 */
	enum crm_queue queue;		/* default own */
	char *survey_url;		/* with {code} and {ticket}; NULL = no survey link */
	struct crm_ticket_rule *assign;
	size_t nassign;
};

/* The built-in lead fields, NULL-terminated: what rules, scoring and
 * import aliases may name besides lead custom fields. */
extern const char *const crm_lead_fields[];

struct crm_config {
	char *path;		/* NULL for built-in defaults */
	char *currency;		/* "CNY" */
	char *timezone;		/* NULL = TZ / system */

	struct crm_pipeline *pipelines;	/* [0] is the default pipeline */
	size_t npipelines;
	struct crm_choice *loss_reasons;
	size_t nloss_reasons;
	struct crm_choice *sources;	/* empty = any source accepted */
	size_t nsources;
	struct crm_heat_level *heat;	/* default hot, warm, cold */
	size_t nheat;
	char **interaction_kinds;	/* call email meeting visit wechat note + extra */
	size_t ninteraction_kinds;
	struct crm_custom_field *custom_fields;
	size_t ncustom_fields;
	struct crm_alias *aliases;	/* from import.aliases, added to built-ins */
	size_t naliases;

	struct crm_rule *rules;		/* assignment.rules in order */
	size_t nrules;
	struct crm_rule *default_rule;	/* assignment.default, NULL if none */

	struct {
		char *first_contact_title;	/* "first contact" */
		int first_contact_within;	/* days, default 3 */
		int remind_after;		/* days, default 3 */
		int escalate_after;		/* days, default 7 */
		int reclaim_after_first;	/* days, -1 = off (default) */
		int reclaim_after_idle;		/* days, -1 = off (default) */
	} followup;
	struct {
		int claim_limit;		/* default 0 = unlimited */
		int reclaim_cooldown;		/* days, default 0 */
	} pool;
	struct {
		bool rep_merge;			/* reps may merge records; default false */
		bool rep_forget;		/* reps may forget records; default false */
	} permissions;
	struct {
		struct crm_score_rule *rules;
		size_t nrules;
		struct crm_kind_points *kinds;
		size_t nkinds;
	} scoring;
	struct crm_sales sales;
	struct crm_service service;
};

/* Load path, or the built-in defaults when path is NULL.  explicit_path
 * says whether the user named the file (-c or CRM_CONFIG): a missing named
 * file is an error (66), a missing default file means defaults.  On error
 * reports "crm.yaml:12:5: ..." and returns NULL with *status (78, or 66). */
struct crm_config *crm_config_load(const char *path, bool explicit_path, int *status);
void crm_config_free(struct crm_config *cfg);

/* The default config path: $XDG_CONFIG_HOME/crm/crm.yaml or
 * ~/.config/crm/crm.yaml (malloc'd). */
char *crm_config_default_path(void);

/* Look-ups; NULL when absent.  A NULL pipeline id means the default. */
const struct crm_pipeline *crm_config_pipeline(const struct crm_config *c, const char *id);
const struct crm_stage *crm_pipeline_stage(const struct crm_pipeline *p, const char *id);
int crm_pipeline_stage_index(const struct crm_pipeline *p, const char *id);
const struct crm_custom_field *crm_config_custom_field(const struct crm_config *c,
		const char *entity, const char *name);
bool crm_config_has_loss_reason(const struct crm_config *c, const char *id);
bool crm_config_has_kind(const struct crm_config *c, const char *kind);
bool crm_config_has_heat(const struct crm_config *c, const char *id);
/* The field a CSV header maps to (config aliases first, then built-ins),
 * or NULL.  Matching ignores case and surrounding spaces. */
const char *crm_config_alias(const struct crm_config *c, const char *entity, const char *header);

/* Sales look-ups; NULL when absent. */
const struct crm_approver_group *crm_config_approver_group(const struct crm_config *c,
		const char *name);
/* The approval rule for an amount (cents), NULL when none applies. */
const struct crm_approval_rule *crm_config_approval_rule(const struct crm_config *c,
		int64_t amount);
const struct crm_plan *crm_config_plan(const struct crm_config *c, const char *name);

/* The index of a priority name, or -1. */
int crm_priority_index(const char *name);

/* Validate a custom field value; 0 or -1 with a reason in *why.  Money
 * follows crm_money_amount(), the rule of every amount. */
int crm_custom_field_check(const struct crm_custom_field *f, const char *value, const char **why);
/* The form a checked value is stored in: money as "1234.50" (written into
 * buf), anything else value itself. */
const char *crm_custom_field_stored(const struct crm_custom_field *f, const char *value,
				    char buf[CRM_MONEY_LEN]);

#endif
