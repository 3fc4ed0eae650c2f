/* assign.c: see assign.h
 *
 * One run loads every user with their open-lead count, compiles the rules
 * (each condition to a column of one lead SELECT, globs marked) and reads
 * the round-robin cursors; then it streams the leads once, decides each in
 * memory and queues the decision in a temporary table, which one UPDATE
 * and one audit INSERT carry out: a million leads cost one pass, and no
 * statement per lead but the first-contact task. */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "assign.h"
#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "out.h"
#include "task.h"
#include "tsv.h"

/* The lead SELECT: id, owner_id, the built-in fields a rule may match in
 * the order of fields[], then the text of each custom field that a rule
 * names (dialect.h json_text), its key a bound parameter. */
#define LEAD_FIELDS ", l.name, l.company, l.title, l.phone, l.email, l.region, l.city," \
	" l.industry, l.source, l.campaign, l.tags, l.heat, l.score, l.status, l.notes"
static const char *const fields[] = {
	"name", "company", "title", "phone", "email", "region", "city", "industry",
	"source", "campaign", "tags", "heat", "score", "status", "notes",
};
#define NFIELDS (sizeof fields / sizeof fields[0])
enum {
	COL_OWNER = -1, COL_ID, COL_OWNER_ID, COL_FIELDS,
	COL_NAME = COL_FIELDS, COL_REGION = COL_FIELDS + 5, COL_STATUS = COL_FIELDS + 13,
};
#define OPEN_STATUS "('new', 'contacted', 'qualified')"

struct buf {
	char *s;
	size_t len, cap;
};

struct user {
	int64_t id, team_id, manager_id;
	char *login;
	int weight;
	int capacity;		/* -1: the rule's */
	bool active;
	bool allowed;		/* the actor may give this user leads */
	char *away;		/* last day away ("2026-03-09"), NULL when here */
	long load;		/* open leads owned, kept current during the run */
};

struct member {
	struct user *u;
	int64_t current;	/* smooth weighted round-robin */
};

struct cond {
	int col;		/* column of the lead SELECT, or COL_OWNER */
	const struct crm_match *m;
	bool *glob;		/* per value: it holds * ? or [ */
	bool tags;		/* any one of the lead's tags may match */
};

struct rule {
	const struct crm_rule *cfg;
	struct cond *conds;
	struct user *user;	/* a user target, or a team with its members */
	int64_t team_id;
	struct member *members;
	size_t nmembers;
	bool allowed;		/* the actor manages the target */
	bool moved;		/* a round-robin cursor changed: save them */
	char *target;		/* "team east round-robin", "user alice" */
};

struct assigner {
	struct crm_ctx *ctx;
	const struct crm_assign_opts *o;
	struct user *users;	/* ordered by id */
	size_t nusers;
	struct rule *rules;	/* the config's, then its default */
	size_t nrules;
	const char **custom;	/* custom fields the rules name, in SELECT order */
	size_t ncustom;
	struct user *to;
	struct buf label;	/* the rule column of the current lead */
	/* the pool's decisions, kept here while its scan streams and
	 * written by write_queue through the bulk writer (each lead once) */
	bool defer;
	struct decision {
		int64_t id, owner, old;
	} *dec;
	size_t ndec, capdec;
};

enum verdict { V_ASSIGN, V_KEEP, V_UNASSIGNED, V_SKIP };
enum avail { HERE, INACTIVE, AWAY, FULL };

static void buf_add(struct buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = (b->len + n + 1) * 2;
		b->s = crm_xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

static void buf_cut(struct buf *b, size_t len)
{
	b->len = len;
	if (b->s)
		b->s[len] = '\0';
}

/* Short texts only: the result is cut at 511 bytes. */
static void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void buf_printf(struct buf *b, const char *fmt, ...)
{
	char s[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	buf_add(b, s, n < 0 ? 0 : (size_t)n < sizeof s ? (size_t)n : sizeof s - 1);
}

static void explain(struct assigner *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void explain(struct assigner *a, const char *fmt, ...)
{
	if (!a->o->explain)
		return;
	va_list ap;
	va_start(ap, fmt);
	fputs("  ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static bool is_open(const char *status)
{
	return strcmp(status, "converted") != 0 && strcmp(status, "disqualified") != 0;
}

static struct user *user_by_id(struct assigner *a, int64_t id)
{
	size_t lo = 0, hi = a->nusers;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (a->users[mid].id == id)
			return &a->users[mid];
		if (a->users[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static struct user *user_by_login(struct assigner *a, const char *login)
{
	for (size_t i = 0; i < a->nusers; i++)
		if (strcmp(a->users[i].login, login) == 0)
			return &a->users[i];
	return NULL;
}

/* Who the actor may give leads to: an admin anyone, a manager the members
 * of their team and those reporting to them. */
static bool may_assign_to(const struct crm_actor *me, const struct user *u)
{
	if (me->role == CRM_ROLE_ADMIN || u->id == me->id)
		return true;
	return me->role == CRM_ROLE_MANAGER &&
	       ((me->team_id && u->team_id == me->team_id) || u->manager_id == me->id);
}

static int load_users(struct assigner *a)
{
	struct crm_ctx *ctx = a->ctx;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT u.id, u.login, u.team_id, u.manager_id, u.active, u.weight, u.capacity,"
		" CASE WHEN u.away_until > ?1 AND coalesce(u.away_from, '') <= ?1 THEN u.away_until END,"
		" (SELECT count(*) FROM leads l WHERE l.owner_id = u.id AND l.status IN " OPEN_STATUS ")"
		" FROM users u ORDER BY u.id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, ctx->now_iso);
	int rc;
	size_t cap = 0;
	while ((rc = crm_step(st)) == CRM_ROW) {
		if (a->nusers == cap) {
			cap = cap ? 2 * cap : 16;
			a->users = crm_xrealloc(a->users, cap * sizeof *a->users);
		}
		struct user *u = &a->users[a->nusers++];
		memset(u, 0, sizeof *u);
		u->id = crm_col_int(st, 0);
		u->login = crm_xstrdup(crm_col_text(st, 1));
		u->team_id = crm_col_int(st, 2);
		u->manager_id = crm_col_int(st, 3);
		u->active = crm_col_int(st, 4) != 0;
		u->weight = crm_col_int(st, 5);
		u->capacity = crm_col_null(st, 6) ? -1 : crm_col_int(st, 6);
		crm_time back;
		if (!crm_col_null(st, 7) &&
		    crm_time_parse_iso(crm_col_text(st, 7), &back) == 0) {
			char day[CRM_DATE_LEN];
			crm_time_date(back - 1, day);	/* away_until is the morning after */
			u->away = crm_xstrdup(day);
		}
		u->load = crm_col_int(st, 8);
		u->allowed = may_assign_to(&ctx->actor, u);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read users");
}

static int field_col(struct assigner *a, const char *name)
{
	if (strcmp(name, "owner") == 0)
		return COL_OWNER;
	for (size_t i = 0; i < NFIELDS; i++)
		if (strcmp(fields[i], name) == 0)
			return COL_FIELDS + (int)i;
	for (size_t k = 0; k < a->ncustom; k++)
		if (strcmp(a->custom[k], name) == 0)
			return COL_FIELDS + (int)(NFIELDS + k);
	a->custom = crm_xrealloc(a->custom, (a->ncustom + 1) * sizeof *a->custom);
	a->custom[a->ncustom] = name;
	return COL_FIELDS + (int)(NFIELDS + a->ncustom++);
}

static int compile_team(struct assigner *a, struct rule *r)
{
	struct crm_ctx *ctx = a->ctx;
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT id, manager_id FROM teams WHERE name = ?");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, r->cfg->team);
	if (crm_step(st) != CRM_ROW) {
		crm_warn("rule '%s': unknown team '%s'", r->cfg->name, r->cfg->team);
		return EX_CONFIG;
	}
	r->team_id = crm_col_int(st, 0);
	const struct crm_actor *me = &ctx->actor;
	r->allowed = me->role == CRM_ROLE_ADMIN ||
		     (me->role == CRM_ROLE_MANAGER && (r->team_id == me->team_id ||
						      crm_col_int(st, 1) == me->id));
	for (size_t i = 0; i < a->nusers; i++) {
		if (a->users[i].team_id != r->team_id)
			continue;
		r->members = crm_xrealloc(r->members, (r->nmembers + 1) * sizeof *r->members);
		r->members[r->nmembers++] = (struct member){ &a->users[i], 0 };
	}
	r->target = crm_xasprintf("team %s %s", r->cfg->team,
				  r->cfg->method == CRM_ASSIGN_ROUND_ROBIN ? "round-robin" : "least-loaded");
	return 0;
}

static int compile_rule(struct assigner *a, const struct crm_rule *cfg, struct rule *r)
{
	r->cfg = cfg;
	r->conds = crm_xcalloc(cfg->nmatch ? cfg->nmatch : 1, sizeof *r->conds);
	for (size_t i = 0; i < cfg->nmatch; i++) {
		struct cond *c = &r->conds[i];
		c->m = &cfg->match[i];
		c->col = field_col(a, c->m->field);
		c->tags = strcmp(c->m->field, "tags") == 0;
		c->glob = crm_xcalloc(c->m->nvalues ? c->m->nvalues : 1, sizeof *c->glob);
		for (size_t j = 0; j < c->m->nvalues; j++)
			c->glob[j] = strpbrk(c->m->values[j], "*?[") != NULL;
	}
	if (cfg->team)
		return compile_team(a, r);
	if (!(r->user = user_by_login(a, cfg->user))) {
		crm_warn("rule '%s': unknown user '%s'", cfg->name, cfg->user);
		return EX_CONFIG;
	}
	r->allowed = r->user->allowed;
	r->target = crm_xasprintf("user %s", cfg->user);
	return 0;
}

static int compile_rules(struct assigner *a)
{
	const struct crm_config *cfg = a->ctx->cfg;
	a->nrules = cfg->nrules + (cfg->default_rule != NULL);
	a->rules = crm_xcalloc(a->nrules ? a->nrules : 1, sizeof *a->rules);
	for (size_t i = 0; i < a->nrules; i++) {
		int st = compile_rule(a, i < cfg->nrules ? &cfg->rules[i] : cfg->default_rule, &a->rules[i]);
		if (st)
			return st;
	}
	return 0;
}

static int load_cursors(struct assigner *a)
{
	struct crm_stmt *st = crm_db_stmt(a->ctx->db, "SELECT rule, user_id, current FROM assign_state");
	if (!st)
		return EX_SOFTWARE;
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		const char *name = crm_col_text(st, 0);
		int64_t uid = crm_col_int(st, 1);
		for (size_t i = 0; i < a->nrules; i++) {
			struct rule *r = &a->rules[i];
			if (strcmp(r->cfg->name, name) != 0)
				continue;
			for (size_t k = 0; k < r->nmembers; k++)
				if (r->members[k].u->id == uid)
					r->members[k].current = crm_col_int(st, 2);
		}
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(a->ctx->db, "cannot read assign_state");
}

static int save_cursors(struct assigner *a)
{
	static const char sql[] =
		"INSERT INTO assign_state (rule, user_id, current) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (rule, user_id) DO UPDATE SET current = excluded.current";
	for (size_t i = 0; i < a->nrules; i++) {
		struct rule *r = &a->rules[i];
		for (size_t k = 0; r->moved && k < r->nmembers; k++) {
			struct crm_stmt *st = crm_db_stmt(a->ctx->db, sql);
			if (!st)
				return EX_SOFTWARE;
			crm_bind_str(st, 1, r->cfg->name);
			crm_bind_int(st, 2, r->members[k].u->id);
			crm_bind_int(st, 3, r->members[k].current);
			if (crm_step(st) != CRM_DONE)
				return crm_db_fail(a->ctx->db, "cannot save round-robin state");
		}
	}
	return 0;
}

static const char *lead_value(struct assigner *a, struct crm_stmt *lead, int col)
{
	if (col != COL_OWNER)
		return crm_col_text(lead, col);
	struct user *u = user_by_id(a, crm_col_int(lead, COL_OWNER_ID));
	return u ? u->login : "";
}

static bool value_matches(const struct cond *c, const char *v)
{
	for (size_t j = 0; j < c->m->nvalues; j++) {
		const char *p = c->m->values[j];
		if (c->glob[j] ? fnmatch(p, v, 0) == 0 : strcmp(p, v) == 0)
			return true;
	}
	return false;
}

/* Does the condition hold?  hit and hitlen get the value that matched:
 * the field, or the one tag. */
static bool cond_holds(const struct cond *c, const char *v, const char **hit, size_t *hitlen)
{
	*hit = v;
	*hitlen = strlen(v);
	if (!c->tags)
		return value_matches(c, v);
	char tag[256];
	for (const char *p = v; *p; ) {
		size_t n = strcspn(p, ",");
		if (n < sizeof tag) {
			memcpy(tag, p, n);
			tag[n] = '\0';
			if (value_matches(c, tag)) {
				*hit = p;
				*hitlen = n;
				return true;
			}
		}
		p += n + (p[n] == ',');
	}
	return false;
}

static void explain_miss(struct assigner *a, const struct rule *r, const struct cond *c, const char *v)
{
	struct buf b = {0};
	const struct crm_match *m = c->m;
	if (c->tags)
		buf_puts(&b, "has none of ");
	else if (m->nvalues == 1)
		buf_puts(&b, c->glob[0] ? "does not match " : "is not ");
	else
		buf_puts(&b, "matches none of ");
	for (size_t j = 0; j < m->nvalues; j++)
		buf_printf(&b, "%s'%s'", j ? ", " : "", m->values[j]);
	explain(a, "rule '%s' (line %d): no, %s '%s' %s", r->cfg->name, r->cfg->line, m->field, v, b.s);
	free(b.s);
}

/* Test rule r on the lead; when it matches, the label holds
 * "name: field=value ... -> target". */
static bool rule_matches(struct assigner *a, const struct rule *r, struct crm_stmt *lead)
{
	buf_cut(&a->label, 0);
	buf_puts(&a->label, r->cfg->name);
	for (size_t i = 0; i < r->cfg->nmatch; i++) {
		const struct cond *c = &r->conds[i];
		const char *v = lead_value(a, lead, c->col), *hit;
		size_t n;
		if (!cond_holds(c, v, &hit, &n)) {
			explain_miss(a, r, c, v);
			return false;
		}
		buf_puts(&a->label, i ? " " : ": ");
		buf_puts(&a->label, c->m->field);
		buf_add(&a->label, "=", 1);
		buf_add(&a->label, hit, n);
	}
	if (r->cfg->line)
		explain(a, "rule '%s' (line %d): yes%s%s", r->cfg->name, r->cfg->line,
			r->cfg->nmatch ? ", " : "", r->cfg->nmatch ? a->label.s + strlen(r->cfg->name) + 2 : "");
	buf_puts(&a->label, " -> ");
	buf_puts(&a->label, r->target);
	return true;
}

static enum avail availability(const struct rule *r, const struct user *u, int *cap)
{
	*cap = u->capacity >= 0 ? u->capacity : r->cfg->capacity > 0 ? r->cfg->capacity : -1;
	if (!u->active)
		return INACTIVE;
	if (u->away)
		return AWAY;
	return *cap >= 0 && u->load >= *cap ? FULL : HERE;
}

static void explain_skip(struct assigner *a, const struct user *u, enum avail av, int cap)
{
	if (av == INACTIVE)
		explain(a, "%s skipped: deactivated", u->login);
	else if (av == AWAY)
		explain(a, "%s skipped: away until %s", u->login, u->away);
	else
		explain(a, "%s skipped: full, %ld open leads of %d", u->login, u->load, cap);
}

/* Pick a member of r's team: smooth weighted round-robin (each available
 * member gains its weight, the highest is picked and pays back the total)
 * or the fewest open leads per unit of weight.  Members who cannot take
 * the lead are skipped and their cursor reset, so that nobody is owed a
 * backlog when they come back.  NULL with *full when nobody could. */
static struct user *pick_member(struct assigner *a, struct rule *r, bool *full)
{
	struct member *best = NULL;
	int64_t total = 0;
	size_t nfull = 0;
	bool rr = r->cfg->method == CRM_ASSIGN_ROUND_ROBIN;
	for (size_t i = 0; i < r->nmembers; i++) {
		struct member *m = &r->members[i];
		int cap;
		enum avail av = availability(r, m->u, &cap);
		if (av != HERE) {
			nfull += av == FULL;
			if (rr && m->current) {
				m->current = 0;
				r->moved = true;
			}
			explain_skip(a, m->u, av, cap);
			continue;
		}
		if (rr) {
			m->current += m->u->weight;
			total += m->u->weight;
			if (!best || m->current > best->current)
				best = m;
		} else if (!best || m->u->load * best->u->weight < best->u->load * m->u->weight) {
			best = m;
		}
	}
	*full = nfull > 0;
	if (!best)
		return NULL;
	if (rr) {
		best->current -= total;
		r->moved = true;
	}
	return best->u;
}

/* The lead stays where it is: label "unassigned: why" (or "kept: why" for
 * an owned lead) and a note on stderr. */
static enum verdict not_placed(struct assigner *a, struct crm_stmt *lead, bool owned,
			       const char *why, const char *note)
{
	buf_cut(&a->label, 0);
	buf_printf(&a->label, "%s: %s", owned ? "kept" : "unassigned", why);
	explain(a, "-> %s", a->label.s);
	if (!a->ctx->opts->quiet)
		crm_warn("lead %" PRId64 ": %s", (int64_t)crm_col_int(lead, COL_ID), note);
	return V_UNASSIGNED;
}

static enum verdict place_by_rule(struct assigner *a, struct rule *r, struct crm_stmt *lead,
				  bool owned, struct user **who)
{
	char why[160], note[200];
	if (!r->allowed) {
		const char *kind = r->user ? "user" : "team";
		const char *name = r->user ? r->cfg->user : r->cfg->team;
		snprintf(why, sizeof why, "%s %s is not managed by %s", kind, name, a->ctx->actor.login);
		snprintf(note, sizeof note, "rule '%s' gives it to %s '%s', whom '%s' does not manage",
			 r->cfg->name, kind, name, a->ctx->actor.login);
		return not_placed(a, lead, owned, why, note);
	}
	if (r->user) {
		int cap;
		enum avail av = availability(r, r->user, &cap);
		if (av == HERE) {
			*who = r->user;
			return V_ASSIGN;
		}
		explain_skip(a, r->user, av, cap);
		snprintf(why, sizeof why, "%s %s", r->user->login, av == AWAY ? "away" : "full");
		if (av == AWAY)
			snprintf(note, sizeof note, "user '%s' is away until %s", r->user->login, r->user->away);
		else
			snprintf(note, sizeof note, "user '%s' is full", r->user->login);
		return not_placed(a, lead, owned, why, note);
	}
	bool full;
	if ((*who = pick_member(a, r, &full)))
		return V_ASSIGN;
	snprintf(why, sizeof why, full ? "team %s full" : "no one available in team %s", r->cfg->team);
	snprintf(note, sizeof note, full ? "team '%s' is full" : "no one available in team '%s'",
		 r->cfg->team);
	return not_placed(a, lead, owned, why, note);
}

/* Decide for the lead in the current row of st.  *who gets the owner it
 * should have (its present owner unless V_ASSIGN); the label the rule
 * column. */
static enum verdict decide(struct assigner *a, struct crm_stmt *lead, struct user **who)
{
	int64_t owner_id = crm_col_int(lead, COL_OWNER_ID);
	const char *status = crm_col_text(lead, COL_STATUS);
	struct user *owner = owner_id ? user_by_id(a, owner_id) : NULL;
	*who = owner;
	if (a->o->explain)
		fprintf(stderr, "lead %" PRId64 " (%s):\n", (int64_t)crm_col_int(lead, COL_ID),
			crm_col_text(lead, COL_NAME));
	buf_cut(&a->label, 0);
	if (!is_open(status)) {
		buf_printf(&a->label, "skipped: lead is %s", status);
	} else if (owner && !a->o->reassign) {
		buf_printf(&a->label, "kept: owned by %s", owner->login);
	} else if (a->to) {
		buf_printf(&a->label, "--to %s", a->to->login);
		*who = a->to;
		explain(a, "-> %s", a->to->login);
		return V_ASSIGN;
	} else {
		for (size_t i = 0; i < a->nrules; i++) {
			struct rule *r = &a->rules[i];
			if (!rule_matches(a, r, lead))
				continue;
			enum verdict v = place_by_rule(a, r, lead, owner != NULL, who);
			if (v == V_ASSIGN)
				explain(a, "-> %s", (*who)->login);
			return v;
		}
		return not_placed(a, lead, owner != NULL, "no rule matches",
				  "no rule matches and there is no default");
	}
	explain(a, "-> %s", a->label.s);
	return V_KEEP;
}

/* Queue the decision: the writes happen set-based after the scan. */
static int queue(struct assigner *a, int64_t id, struct user *old, struct user *new)
{
	if (a->defer) {
		if (a->ndec == a->capdec) {
			a->capdec = a->capdec ? 2 * a->capdec : 1024;
			a->dec = crm_xrealloc(a->dec, a->capdec * sizeof *a->dec);
		}
		a->dec[a->ndec++] = (struct decision){id, new->id, old ? old->id : 0};
		return 0;
	}
	struct crm_stmt *st = crm_db_stmt(a->ctx->db,
		"INSERT INTO crm_assigned (lead_id, owner_id, old_owner_id) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (lead_id) DO UPDATE SET owner_id = excluded.owner_id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	crm_bind_int(st, 2, new->id);
	crm_bind_id(st, 3, old ? old->id : 0);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(a->ctx->db, "cannot queue assignment");
	return 0;
}

/* Decide for one lead and queue the change; *owner gets the login to
 * print. */
static int process(struct assigner *a, struct crm_stmt *lead, const char **owner)
{
	struct user *who;
	int64_t id = crm_col_int(lead, COL_ID);
	struct user *old = user_by_id(a, crm_col_int(lead, COL_OWNER_ID));
	if (decide(a, lead, &who) == V_ASSIGN && who != old) {
		int st = queue(a, id, old, who);
		if (st)
			return st;
		if (old)
			old->load--;
		who->load++;
	}
	*owner = who ? who->login : "";
	return 0;
}

/* Carry out the queued decisions: one UPDATE and one audit INSERT for all
 * of them (a statement per lead costs several times more in SQLite), then
 * the first-contact tasks, set-wise too. */
/* The decisions kept in memory into crm_assigned, in one stream. */
static int write_deferred(struct assigner *a)
{
	static const char *const cols[] = {"lead_id", "owner_id", "old_owner_id"};
	struct crm_bulk *b;
	if (!a->ndec)
		return 0;
	int st = crm_db_bulk_begin(a->ctx->db, "crm_assigned", cols, 3, &b);
	if (st)
		return st;
	for (size_t i = 0; i < a->ndec; i++) {
		crm_bulk_int(b, a->dec[i].id);
		crm_bulk_int(b, a->dec[i].owner);
		crm_bulk_id(b, a->dec[i].old);
		if (crm_bulk_row(b))
			break;
	}
	return crm_bulk_end(b, "cannot queue assignment");
}

static int write_queue(struct assigner *a)
{
	struct crm_ctx *ctx = a->ctx;
	int dst = write_deferred(a);
	if (dst)
		return dst;
	static const char update[] =
		"UPDATE leads SET owner_id = d.owner_id, assigned_at = ?1, updated_at = ?1,"
		" claimed_at = NULL FROM crm_assigned d WHERE leads.id = d.lead_id";
	/* in lead order, each its id after ?5, the last audit row's: an id
	 * of NULL takes the next on SQLite but is refused on PostgreSQL */
	static const char audit[] = CRM_AUDIT_INSERT("?5 + row_number() OVER (ORDER BY d.lead_id)",
		"?1 AS at, ?2 AS actor, ?3 AS real_actor, ?4 AS tool, 'lead' AS entity,"
		" d.lead_id AS entity_id, 'assign' AS action, 'owner' AS field, o.login AS old_value,"
		" n.login AS new_value FROM crm_assigned d CROSS JOIN users n"
		" LEFT JOIN users o ON o.id = d.old_owner_id WHERE n.id = d.owner_id");
	struct crm_stmt *st = crm_db_stmt(ctx->db, update);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot assign leads");
	if (!(st = crm_db_stmt(ctx->db, audit)))
		return EX_SOFTWARE;
	int rc = crm_audit_bind(ctx->db, st, 5);
	if (rc)
		return rc;
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot write audit rows");
	/* the ids were given: PostgreSQL's sequence must learn of them */
	if ((rc = crm_db_sync_ids(ctx->db, "audit")))
		return rc;
	return crm_task_first_contact_assigned(ctx);
}

/* "SELECT l.id, owner" LEAD_FIELDS, the custom fields (their keys bound
 * from ?first on), " FROM leads l", then from and where. */
static struct crm_stmt *prepare_leads(struct assigner *a, const char *owner, int first,
				      const char *from, const char *where)
{
	const struct crm_dialect *d = crm_dialect(a->ctx->db);
	struct buf sql = {0};
	buf_puts(&sql, "SELECT l.id, ");
	buf_puts(&sql, owner);
	buf_puts(&sql, LEAD_FIELDS);
	for (size_t k = 0; k < a->ncustom; k++) {
		char param[24];
		snprintf(param, sizeof param, "?%zu", k + (size_t)first);
		char *text = crm_xasprintf(d->json_text, "l.custom", param);
		buf_puts(&sql, ", ");
		buf_puts(&sql, text);
		free(text);
	}
	buf_puts(&sql, " FROM leads l");
	buf_puts(&sql, from);
	buf_puts(&sql, where);
	struct crm_stmt *st;
	int rc = crm_db_prepare(a->ctx->db, sql.s, &st);
	free(sql.s);
	if (rc != CRM_OK) {
		crm_db_fail(a->ctx->db, "cannot read leads");
		return NULL;
	}
	for (size_t k = 0; k < a->ncustom; k++) {
		char *key = crm_xasprintf(d->json_key, a->custom[k]);
		crm_bind_owned(st, (int)k + first, key);
	}
	return st;
}

static int64_t count(struct assigner *a, const char *sql)
{
	struct crm_stmt *st = crm_db_stmt(a->ctx->db, sql);
	return st && crm_step(st) == CRM_ROW ? crm_col_int(st, 0) : 0;
}

/* --unassigned: every open lead without an owner, in id order.  When most
 * leads are candidates a plain scan of the table beats the owner index and
 * its sort. */
static int run_pool(struct assigner *a, struct crm_out *out)
{
#define POOL_WHERE " WHERE l.owner_id IS NULL AND l.status IN " OPEN_STATUS \
	" AND l.forgotten_at IS NULL ORDER BY l.id"
	a->defer = true;	/* each lead once: no conflict to resolve */
	int64_t n = count(a, "SELECT count(*) FROM leads WHERE owner_id IS NULL AND status IN " OPEN_STATUS);
	int64_t all = count(a, "SELECT max(id) FROM leads");
	struct crm_stmt *st = prepare_leads(a, "l.owner_id", 1,
					 n * 4 >= all ? crm_dialect(a->ctx->db)->not_indexed : "",
					 POOL_WHERE);
	if (!st)
		return EX_SOFTWARE;
	static const char *const cols[] = {"name", "region", "owner", "rule"};
	crm_out_col(out, "id", CRM_COL_INT);
	crm_out_cols(out, cols, 4);
	int rc, status = 0;
	while (!status && (rc = crm_step(st)) == CRM_ROW) {
		const char *f[5];
		if ((status = process(a, st, &f[3])))
			break;
		f[0] = crm_col_text(st, COL_ID);
		f[1] = crm_col_text(st, COL_NAME);
		f[2] = crm_col_text(st, COL_REGION);
		f[4] = a->label.s;
		crm_out_row(out, f);
	}
	if (!status && rc != CRM_DONE)
		status = crm_db_fail(a->ctx->db, "cannot read leads");
	crm_stmt_finish(st);
	return status;
}

static bool parse_id(const char *s, int64_t *id)
{
	char *end;
	if (*s < '1' || *s > '9' || strlen(s) > 18)
		return false;
	*id = strtoll(s, &end, 10);
	return *end == '\0';
}

/* Ids from TSV on stdin.  Every bad row is reported; after the first,
 * rows are only checked, and the caller rolls back and prints nothing. */
static int run_stdin(struct assigner *a, struct crm_tsv *t, struct crm_out *out)
{
	size_t ncols = crm_tsv_ncols(t), nout = ncols;
	int id_col = crm_tsv_col(t, "id");
	int owner_col = crm_tsv_col(t, "owner"), rule_col = crm_tsv_col(t, "rule");
	for (size_t i = 0; i < ncols; i++)
		crm_out_col(out, crm_tsv_colname(t, i), CRM_COL_TEXT);
	if (owner_col < 0) {
		crm_out_col(out, "owner", CRM_COL_TEXT);
		owner_col = (int)nout++;
	}
	if (rule_col < 0) {
		crm_out_col(out, "rule", CRM_COL_TEXT);
		rule_col = (int)nout++;
	}
	/* a lead given twice: the second time, it is owned as decided */
	struct crm_stmt *st = prepare_leads(a, "coalesce(d.owner_id, l.owner_id)", 2,
					 " LEFT JOIN crm_assigned d ON d.lead_id = l.id", " WHERE l.id = ?1");
	if (!st)
		return EX_SOFTWARE;
	const char **f = crm_xcalloc(nout, sizeof *f);
	int rc, status = 0, bad = 0;
	const char *name = crm_tsv_name(t);
	while (!status && (rc = crm_tsv_next(t)) != 0) {
		if (rc < 0) {
			bad = bad ? bad : -rc;
			continue;
		}
		long line = crm_tsv_line(t);
		int64_t id;
		const char *s = crm_tsv_field(t, (size_t)id_col, NULL);
		if (!parse_id(s, &id)) {
			crm_warn("%s:%ld: invalid lead id '%s'", name, line, s);
			bad = bad ? bad : EX_DATAERR;
			continue;
		}
		crm_stmt_reset(st);
		crm_bind_int(st, 1, id);
		if ((rc = crm_step(st)) != CRM_ROW) {
			int hidden = rc == CRM_DONE ? crm_ctx_hidden(a->ctx, "leads", id, NULL) : 0;
			if (rc != CRM_DONE)
				status = crm_db_fail(a->ctx->db, "cannot read leads");
			else if (hidden == EX_NOPERM)	/* row-level security hid it */
				crm_warn("%s:%ld: permission denied: lead %" PRId64 " is not visible to '%s'",
					 name, line, id, a->ctx->actor.login);
			else if (hidden)
				status = hidden;
			else
				crm_warn("%s:%ld: lead %" PRId64 " not found", name, line, id);
			bad = hidden == EX_NOPERM ? EX_NOPERM : bad ? bad : EX_DATAERR;
			continue;
		}
		struct user *owner = user_by_id(a, crm_col_int(st, COL_OWNER_ID));
		if (owner && !owner->allowed) {
			crm_warn("%s:%ld: permission denied: lead %" PRId64 " is not visible to '%s'",
				 name, line, id, a->ctx->actor.login);
			bad = EX_NOPERM;
			continue;
		}
		if (bad)
			continue;
		for (size_t i = 0; i < ncols; i++)
			f[i] = crm_tsv_field(t, i, NULL);
		if ((status = process(a, st, &f[owner_col])))
			break;
		f[rule_col] = a->label.s;
		crm_out_row(out, f);
	}
	free(f);
	crm_stmt_finish(st);
	return status ? status : bad;
}

static int prepare(struct assigner *a)
{
	struct crm_ctx *ctx = a->ctx;
	int st;
	if ((st = crm_admin_check_rules(ctx)) || (st = load_users(a)) || (st = compile_rules(a)))
		return st;
	if (!a->o->to && a->nrules == 0) {
		crm_warn("no assignment rules in the config: set assignment.rules or use --to");
		return EX_CONFIG;
	}
	if (a->o->to) {
		if (!(a->to = user_by_login(a, a->o->to))) {
			crm_warn("unknown user '%s'", a->o->to);
			return EX_DATAERR;
		}
		if (!a->to->active) {
			crm_warn("user '%s' is deactivated", a->o->to);
			return EX_DATAERR;
		}
		if (!a->to->allowed) {
			crm_warn("permission denied: '%s' may not give leads to '%s'",
				 ctx->actor.login, a->o->to);
			return EX_NOPERM;
		}
	}
	return 0;
}

static void free_assigner(struct assigner *a)
{
	free(a->dec);
	for (size_t i = 0; i < a->nrules; i++) {
		struct rule *r = &a->rules[i];
		for (size_t k = 0; r->conds && k < r->cfg->nmatch; k++)
			free(r->conds[k].glob);
		free(r->conds);
		free(r->members);
		free(r->target);
	}
	for (size_t i = 0; i < a->nusers; i++) {
		free(a->users[i].login);
		free(a->users[i].away);
	}
	free(a->rules);
	free(a->users);
	free(a->custom);
	free(a->label.s);
}

/* Read all of in into a temporary file before locking the database, so
 * that a writer feeding the pipe is never waiting for us. */
static FILE *spool(FILE *in, int *st)
{
	FILE *f = tmpfile();
	if (!f) {
		crm_warn_errno("cannot create a temporary file");
		*st = EX_CANTCREAT;
		return NULL;
	}
	*st = crm_fcopy(in, f);
	if (!*st && fflush(f) == 0) {
		rewind(f);
		return f;
	}
	crm_warn_errno("cannot read stdin");
	*st = EX_IOERR;
	fclose(f);
	return NULL;
}

static int open_input(struct assigner *a, FILE **in, struct crm_tsv **t, FILE **held)
{
	int st;
	if (!(*in = spool(a->o->in, &st)))
		return st;
	if (!(*t = crm_tsv_open(*in, a->o->in_name ? a->o->in_name : "-", &st)))
		return st;
	if (crm_tsv_col(*t, "id") < 0) {
		crm_warn("%s: no 'id' column", crm_tsv_name(*t));
		return EX_DATAERR;
	}
	if (!(*held = tmpfile())) {
		crm_warn_errno("cannot create a temporary file");
		return EX_CANTCREAT;
	}
	return 0;
}

static int begin(struct crm_ctx *ctx)
{
	crm_db_reset_statements(ctx->db);
	int st = crm_db_exec(ctx->db, "CREATE TEMP TABLE IF NOT EXISTS crm_assigned (lead_id INTEGER PRIMARY KEY,"
			     " owner_id INTEGER NOT NULL, old_owner_id INTEGER)");
	if (!st)
		st = ctx->opts->dry_run ? crm_db_exec(ctx->db, "BEGIN") : crm_db_begin(ctx->db);
	return st;
}

int crm_assign_run(struct crm_ctx *ctx, const struct crm_assign_opts *o, FILE *out)
{
	struct assigner a = { .ctx = ctx, .o = o };
	struct crm_tsv *t = NULL;
	FILE *in = NULL, *held = NULL;	/* the input, spooled; the output held back */
	int st = 0;
	if (!ctx->actor.single_user && ctx->actor.role == CRM_ROLE_REP) {
		crm_warn("permission denied: only a manager or an admin may assign leads");
		return EX_NOPERM;
	}
	if (!o->unassigned)
		st = open_input(&a, &in, &t, &held);
	if (!st && !(st = begin(ctx))) {
		/* rows read from stdin are held back until all of them proved good */
		struct crm_out *res = crm_out_new(held ? held : out, ctx->opts->format,
						  !ctx->opts->no_header);
		if (!(st = prepare(&a)) && !(st = load_cursors(&a)))
			st = t ? run_stdin(&a, t, res) : run_pool(&a, res);
		if (!st && !ctx->opts->dry_run && !(st = write_queue(&a)))
			st = save_cursors(&a);
		crm_out_end(res);
		st = crm_ctx_end(ctx, st);
		if (!st && held) {
			rewind(held);
			st = crm_fcopy(held, out);
		}
	}
	if (held)
		fclose(held);
	crm_tsv_close(t);
	if (in)
		fclose(in);
	free_assigner(&a);
	return st;
}
