/* config_service.c: the service part of the config (crm.yaml(5)
 * "Service"): the business-hours calendar the SLA clocks run on, the SLAs
 * per priority, the queue, the survey link and the ticket assignment
 * rules.  Part of the loader in config.c; the arithmetic on the calendar
 * is calendar.c's. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "config_yaml.h"
#include "date.h"

const char *const crm_priorities[] = {
	[CRM_PRIO_LOW] = "low", [CRM_PRIO_NORMAL] = "normal", [CRM_PRIO_HIGH] = "high",
	[CRM_PRIO_URGENT] = "urgent", NULL
};

/* The channels of tickets (the CHECK of tickets.channel in schema.c). */
static const char *const channels[] = {"email", "phone", "wechat", "web", "visit", NULL};

static const char *const weekdays[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

int crm_priority_index(const char *name)
{
	return crm_config_index_of(crm_priorities, name);
}

/* Exactly n digits at *p, advancing it. */
static bool digits(const char **p, int n, int *v)
{
	int acc = 0;
	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		acc = acc * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*v = acc;
	return true;
}


/* "YYYY-MM-DD" at *p, advancing it. */
static bool read_date(const char **p, int64_t *day)
{
	static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int y, m, d;
	if (!digits(p, 4, &y) || *(*p)++ != '-' || !digits(p, 2, &m) || *(*p)++ != '-'
	    || !digits(p, 2, &d))
		return false;
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap))
		return false;
	*day = crm_days_from_civil(y, m, d);
	return true;
}

/* "HH:MM" at *p, advancing it; 24:00 only when end. */
static bool read_clock(const char **p, bool end, int *secs)
{
	int h, m;
	if (!digits(p, 2, &h) || *(*p)++ != ':' || !digits(p, 2, &m))
		return false;
	if (m > 59 || h > 24 || (h == 24 && (m || !end)))
		return false;
	*secs = h * 3600 + m * 60;
	return true;
}

/* A duration of business time: "30m", "4h", "1h30m"; at most 10000h. */
static bool parse_duration(const char *s, int64_t *out)
{
	int64_t total = 0;
	bool hours = false, minutes = false;
	const char *p = s;
	while (*p) {
		int64_t n = 0;
		if (!isdigit((unsigned char)*p))
			return false;
		for (; isdigit((unsigned char)*p); p++)
			if ((n = n * 10 + (*p - '0')) > 600000)
				return false;
		if (*p == 'h' && !hours && !minutes) {
			hours = true;
			total += n * 3600;
		} else if (*p == 'm' && !minutes) {
			minutes = true;
			total += n * 60;
		} else {
			return false;
		}
		p++;
	}
	if (total <= 0 || total > INT64_C(10000) * 3600)
		return false;
	*out = total;
	return true;
}

static void duration(struct crm_yaml *L, yaml_node_t *m, const char *key, int64_t *out)
{
	yaml_node_t *v = crm_yaml_get(L, m, key);
	if (!v || !crm_yaml_is(L, v, YAML_SCALAR_NODE, key))
		return;
	if (!parse_duration(YTEXT(v), out))
		crm_yaml_error(L, v, "invalid duration '%s' for '%s'", YTEXT(v), key);
}

/* A list of dates or "first..last" ranges. */
static void load_dates(struct crm_yaml *L, yaml_node_t *cal, const char *key,
		struct crm_cal_dates **arr, size_t *n)
{
	yaml_node_t *seq = crm_yaml_get(L, cal, key);
	if (!seq || !crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, key))
		return;
	EACH_ITEM(L, seq, it) {
		if (!crm_yaml_is(L, it, YAML_SCALAR_NODE, key))
			continue;
		const char *p = YTEXT(it);
		struct crm_cal_dates r;
		if (!read_date(&p, &r.first)) {
			crm_yaml_error(L, it, "invalid date '%s' in '%s'", YTEXT(it), key);
			continue;
		}
		r.last = r.first;
		if (*p == '.' && p[1] == '.') {
			p += 2;
			if (!read_date(&p, &r.last) || *p) {
				crm_yaml_error(L, it, "invalid date '%s' in '%s'", YTEXT(it), key);
				continue;
			}
			if (r.last < r.first) {
				crm_yaml_error(L, it, "reversed range '%s' in '%s'", YTEXT(it), key);
				continue;
			}
		} else if (*p) {
			crm_yaml_error(L, it, "invalid date '%s' in '%s'", YTEXT(it), key);
			continue;
		}
		*PUSH(*arr, *n) = r;
	}
}

static void load_days(struct crm_yaml *L, yaml_node_t *seq, struct crm_calendar *c)
{
	if (!crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, "days"))
		return;
	c->days = 0;
	EACH_ITEM(L, seq, it) {
		if (!crm_yaml_is(L, it, YAML_SCALAR_NODE, "days"))
			continue;
		int d = crm_config_index_of(weekdays, YTEXT(it));
		if (d < 0)
			crm_yaml_error(L, it, "unknown weekday '%s'", YTEXT(it));
		else if (c->days & (1u << d))
			crm_yaml_error(L, it, "duplicate weekday '%s'", YTEXT(it));
		else
			c->days |= 1u << d;
	}
}

static void load_hours(struct crm_yaml *L, yaml_node_t *seq, struct crm_calendar *c)
{
	if (!crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, "hours"))
		return;
	yaml_node_t *prev = NULL;
	EACH_ITEM(L, seq, it) {
		if (!crm_yaml_is(L, it, YAML_SCALAR_NODE, "hours"))
			continue;
		const char *p = YTEXT(it);
		struct crm_cal_hours h;
		if (!read_clock(&p, false, &h.start) || *p++ != '-' || !read_clock(&p, true, &h.end)
		    || *p) {
			crm_yaml_error(L, it, "invalid hours '%s'", YTEXT(it));
			continue;
		}
		if (h.end <= h.start) {
			crm_yaml_error(L, it, "hours '%s' end before they start", YTEXT(it));
			continue;
		}
		const struct crm_cal_hours *last = c->nhours ? &c->hours[c->nhours - 1] : NULL;
		if (last && h.start < last->end) {
			crm_yaml_error(L, it, h.start >= last->start || h.end > last->start
				       ? "hours '%s' overlap '%s'" : "hours '%s' out of order, after '%s'",
				       YTEXT(it), YTEXT(prev));
			continue;
		}
		*PUSH(c->hours, c->nhours) = h;
		prev = it;
	}
}

static void load_calendar(struct crm_yaml *L, yaml_node_t *m)
{
	static const char *const keys[] = {
		"timezone", "days", "hours", "holidays", "workdays", NULL
	};
	static const char zone_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		"0123456789/_+-";
	struct crm_calendar *c = &L->cfg->service.calendar;
	const char *zone = L->cfg->timezone;
	yaml_node_t *days = NULL, *hours = NULL;

	c->days = 0x3e;		/* mon..fri */
	if (m && crm_yaml_is(L, m, YAML_MAPPING_NODE, "calendar")) {
		crm_yaml_check_keys(L, m, keys);
		/* The shape only, as for the top-level timezone (config.c). */
		const char *s = crm_yaml_str(L, m, "timezone");
		if (s && (!*s || *s == '/' || strstr(s, "..") || s[strspn(s, zone_chars)]))
			crm_yaml_error(L, crm_yaml_get(L, m, "timezone"), "invalid timezone '%s'", s);
		else if (s)
			zone = s;
		if ((days = crm_yaml_get(L, m, "days")))
			load_days(L, days, c);
		if ((hours = crm_yaml_get(L, m, "hours")))
			load_hours(L, hours, c);
		load_dates(L, m, "holidays", &c->holidays, &c->nholidays);
		load_dates(L, m, "workdays", &c->workdays, &c->nworkdays);
	}
	if (zone)
		c->timezone = crm_xstrdup(zone);
	if (!hours) {
		struct crm_cal_hours *h = PUSH(c->hours, c->nhours);
		h->start = 9 * 3600;
		h->end = 18 * 3600;
	} else if (hours->type == YAML_SEQUENCE_NODE
		   && hours->data.sequence.items.start == hours->data.sequence.items.top) {
		crm_yaml_error(L, hours, "calendar without working hours");
	}
	/* Else the clocks could never run out. */
	if (days && days->type == YAML_SEQUENCE_NODE && !c->days && !c->nworkdays)
		crm_yaml_error(L, days, "calendar without working days");
}

static void load_sla(struct crm_yaml *L, yaml_node_t *m)
{
	static const char *const keys[] = {"first_response", "resolve", NULL};
	if (!m || !crm_yaml_is(L, m, YAML_MAPPING_NODE, "sla"))
		return;
	crm_yaml_check_keys(L, m, NULL);
	EACH_PAIR(L, m, k, v) {
		int p = crm_priority_index(YTEXT(k));
		if (p < 0) {
			crm_yaml_error(L, k, "unknown priority '%s'", YTEXT(k));
			continue;
		}
		if (crm_yaml_null(v) || !crm_yaml_is(L, v, YAML_MAPPING_NODE, YTEXT(k)))
			continue;
		crm_yaml_check_keys(L, v, keys);
		duration(L, v, "first_response", &L->cfg->service.sla[p].first_response);
		duration(L, v, "resolve", &L->cfg->service.sla[p].resolve);
	}
}

static bool is_glob(const char *s)
{
	return s[strcspn(s, "*?[")] != '\0';
}

/* A value of a match: priorities and channels must exist (globs aside). */
/* A plain priority or channel must be one there is (a glob may match any). */
static bool match_value_ok(struct crm_yaml *L, yaml_node_t *it, const char *field)
{
	const char *s = YTEXT(it);
	if (!is_glob(s) && !strcmp(field, "priority") && crm_priority_index(s) < 0)
		crm_yaml_error(L, it, "unknown priority '%s'", s);
	else if (!is_glob(s) && !strcmp(field, "channel") && crm_config_index_of(channels, s) < 0)
		crm_yaml_error(L, it, "unknown channel '%s'", s);
	else
		return true;
	return false;
}

static void load_match(struct crm_yaml *L, yaml_node_t *m, struct crm_ticket_rule *r)
{
	static const char *const fields[] = {"category", "priority", "channel", NULL};
	crm_yaml_check_keys(L, m, NULL);
	EACH_PAIR(L, m, k, v) {
		if (crm_config_index_of(fields, YTEXT(k)) < 0) {
			crm_yaml_error(L, k, "unknown ticket field '%s'", YTEXT(k));
			continue;
		}
		struct crm_match *x = PUSH(r->match, r->nmatch);
		x->field = crm_xstrdup(YTEXT(k));
		crm_yaml_match_values(L, k, v, x, match_value_ok);
	}
}

static void load_rule(struct crm_yaml *L, yaml_node_t *m, struct crm_ticket_rule *r,
		size_t number)
{
	static const char *const keys[] = {
		"name", "match", "to", "team", "account_owner", "method", NULL
	};
	r->line = (int)m->start_mark.line + 1;
	if (!crm_yaml_is(L, m, YAML_MAPPING_NODE, "assign"))
		return;
	crm_yaml_check_keys(L, m, keys);
	const char *name = crm_yaml_str(L, m, "name");
	r->name = name ? crm_xstrdup(name) : crm_xasprintf("rule %zu", number);

	yaml_node_t *mn = crm_yaml_get(L, m, "match");
	if (mn && crm_yaml_is(L, mn, YAML_MAPPING_NODE, "match"))
		load_match(L, mn, r);
	yaml_node_t *to = crm_yaml_get(L, m, "to"), *team = crm_yaml_get(L, m, "team");
	if (to && crm_yaml_is(L, to, YAML_SCALAR_NODE, "to"))
		r->to = crm_xstrdup(YTEXT(to));
	if (team && crm_yaml_is(L, team, YAML_SCALAR_NODE, "team"))
		r->team = crm_xstrdup(YTEXT(team));
	crm_yaml_bool(L, m, "account_owner", &r->account_owner);
	int targets = (to != NULL) + (team != NULL) + r->account_owner;
	if (!targets)
		crm_yaml_error(L, m, "neither to, team nor account_owner in rule '%s'", r->name);
	else if (targets > 1)
		crm_yaml_error(L, m, "more than one of to, team and account_owner in rule '%s'",
			       r->name);

	const char *method = crm_yaml_str(L, m, "method");
	if (method && !strcmp(method, "least-loaded"))
		r->method = CRM_ASSIGN_LEAST_LOADED;
	else if (method && strcmp(method, "round-robin"))
		crm_yaml_error(L, crm_yaml_get(L, m, "method"), "unknown method '%s'", method);
}

void crm_config_load_service(struct crm_yaml *L, yaml_node_t *m)
{
	static const char *const keys[] = {
		"calendar", "sla", "warn_before", "queue", "survey", "assign", NULL
	};
	static const char *const queues[] = {[CRM_QUEUE_OWN] = "own", [CRM_QUEUE_TEAM] = "team", NULL};
	static const char *const survey_keys[] = {"url", NULL};
	struct crm_service *s = &L->cfg->service;

	s->warn_before = 3600;
	if (m && !crm_yaml_is(L, m, YAML_MAPPING_NODE, "service"))
		m = NULL;
	if (m)
		crm_yaml_check_keys(L, m, keys);
	load_calendar(L, crm_yaml_get(L, m, "calendar"));
	if (!m)
		return;
	load_sla(L, crm_yaml_get(L, m, "sla"));
	duration(L, m, "warn_before", &s->warn_before);

	const char *q = crm_yaml_str(L, m, "queue");
	int qi = q ? crm_config_index_of(queues, q) : CRM_QUEUE_OWN;
	if (qi < 0)
		crm_yaml_error(L, crm_yaml_get(L, m, "queue"), "unknown queue '%s'", q);
	else
		s->queue = (enum crm_queue)qi;

	yaml_node_t *sv = crm_yaml_get(L, m, "survey");
	if (sv && crm_yaml_is(L, sv, YAML_MAPPING_NODE, "survey")) {
		crm_yaml_check_keys(L, sv, survey_keys);
		const char *url = crm_yaml_str(L, sv, "url");
		if (url && *url)
			s->survey_url = crm_xstrdup(url);
	}

	yaml_node_t *seq = crm_yaml_get(L, m, "assign");
	if (seq && crm_yaml_is(L, seq, YAML_SEQUENCE_NODE, "assign"))
		EACH_ITEM(L, seq, it) {
			PUSH(s->assign, s->nassign);
			load_rule(L, it, &s->assign[s->nassign - 1], s->nassign);
		}
}

void crm_config_free_service(struct crm_service *s)
{
	free(s->calendar.timezone);
	free(s->calendar.hours);
	free(s->calendar.holidays);
	free(s->calendar.workdays);
	free(s->survey_url);
	for (size_t i = 0; i < s->nassign; i++) {
		struct crm_ticket_rule *r = &s->assign[i];
		for (size_t j = 0; j < r->nmatch; j++) {
			free(r->match[j].field);
			for (size_t k = 0; k < r->match[j].nvalues; k++)
				free(r->match[j].values[k]);
			free(r->match[j].values);
		}
		free(r->match);
		free(r->name);
		free(r->to);
		free(r->team);
	}
	free(s->assign);
}
