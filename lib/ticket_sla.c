/* ticket_sla.c: a ticket's SLA clocks and its assignment by the config's
 * rules.
 *
 * The clocks run in business time (calendar.h) from the ticket's
 * creation: the first response is due service.sla.PRIORITY.first_response
 * after it, the resolution .resolve after it plus every business second
 * the ticket spent pending (waiting on the customer).  sla_warn_at is the
 * moment the next due time is service.warn_before away, so that
 * crm-task remind finds approaching tickets with a comparison.  A breach
 * is the first due time missed; it stays on the ticket (breached_at). */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "calendar.h"
#include "db.h"
#include "err.h"
#include "ticket.h"

static const struct crm_sla *sla_of(struct crm_ctx *ctx, const char *priority)
{
	int i = crm_priority_index(priority);
	return i < 0 ? NULL : &ctx->cfg->service.sla[i];
}

static bool instant(const char *s, crm_time *t)
{
	return s && *s && crm_time_parse_iso(s, t) == 0;
}

static void iso_or_null(struct crm_stmt *st, int i, bool has, crm_time t)
{
	char iso[CRM_ISO_LEN];
	if (!has || t == CRM_CAL_NEVER) {
		crm_bind_null(st, i);
		return;
	}
	crm_time_iso(t, iso);
	crm_bind_copy(st, i, iso);
}

/* Business seconds ticket id spent pending up to now, and whether it is
 * pending now. */
static int pending_time(struct crm_ctx *ctx, int64_t id, const struct crm_calendar *cal,
			int64_t *sum, bool *now_pending)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT at, to_status FROM ticket_events WHERE ticket_id = ?1 ORDER BY at, id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	crm_time since = 0, at;
	bool in = false;
	int rc;
	*sum = 0;
	while ((rc = crm_step(st)) == CRM_ROW) {
		if (!instant(crm_col_text(st, 0), &at))
			continue;
		bool pending = !strcmp(crm_col_text(st, 1), "pending");
		if (in && !pending)
			*sum += crm_cal_business_seconds(cal, since, at);
		if (pending && !in)
			since = at;
		in = pending;
	}
	crm_stmt_reset(st);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read the ticket's events");
	if (in)
		*sum += crm_cal_business_seconds(cal, since, ctx->now);
	*now_pending = in;
	return 0;
}

int crm_ticket_sla_refresh(struct crm_ctx *ctx, int64_t id)
{
	const struct crm_calendar *cal = &ctx->cfg->service.calendar;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT created_at, priority, status, coalesce(first_response_at, ''),"
		" coalesce(resolved_at, ''), coalesce(breached_at, '') FROM tickets WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_db_row(ctx->db, st, "cannot read ticket");
	if (rc)
		return rc;
	crm_time created, responded, resolved, breached;
	bool ok = instant(crm_col_text(st, 0), &created);
	const struct crm_sla *sla = sla_of(ctx, crm_col_text(st, 1));
	bool has_resp = instant(crm_col_text(st, 3), &responded);
	bool has_res = instant(crm_col_text(st, 4), &resolved);
	bool was_breached = instant(crm_col_text(st, 5), &breached);
	crm_stmt_reset(st);
	if (!ok || !sla)
		return 0;

	int64_t paused = 0;
	bool pending = false;
	int s = pending_time(ctx, id, cal, &paused, &pending);
	if (s)
		return s;
	bool has_fr = sla->first_response > 0, has_rs = sla->resolve > 0;
	crm_time fr_due = has_fr ? crm_cal_add_business(cal, created, sla->first_response) : 0;
	crm_time rs_due = has_rs ? crm_cal_add_business(cal, created, sla->resolve + paused) : 0;

	/* the first due time missed, if any */
	crm_time breach = CRM_CAL_NEVER;
	if (has_fr && fr_due != CRM_CAL_NEVER &&
	    ((has_resp && responded > fr_due) || (!has_resp && ctx->now > fr_due)))
		breach = fr_due;
	if (has_rs && rs_due != CRM_CAL_NEVER && rs_due < breach &&
	    ((has_res && resolved > rs_due) || (!has_res && !pending && ctx->now > rs_due)))
		breach = rs_due;
	bool new_breach = !was_breached && breach != CRM_CAL_NEVER;

	/* the next clock that runs, and when it comes within warn_before */
	bool warn = false;
	crm_time warn_at = 0;
	if (!has_res && !pending) {
		int64_t w = ctx->cfg->service.warn_before;
		if (has_fr && !has_resp) {
			warn = true;
			warn_at = crm_cal_add_business(cal, created, sla->first_response - w);
		} else if (has_rs) {
			warn = true;
			warn_at = crm_cal_add_business(cal, created, sla->resolve + paused - w);
		}
	}
	st = crm_db_stmt(ctx->db,
		"UPDATE tickets SET first_response_due = ?2, resolve_due = ?3, sla_warn_at = ?4,"
		" breached_at = coalesce(breached_at, ?5) WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	iso_or_null(st, 2, has_fr, fr_due);
	iso_or_null(st, 3, has_rs, rs_due);
	iso_or_null(st, 4, warn, warn_at);
	iso_or_null(st, 5, new_breach, breach);
	rc = crm_step(st);
	crm_stmt_reset(st);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update the ticket's SLA");
	if (new_breach) {
		char iso[CRM_ISO_LEN];
		crm_time_iso(breach, iso);
		return crm_audit_write(ctx->db, "ticket", id, "sla", "breached_at", NULL, iso);
	}
	return 0;
}

void crm_ticket_sla_state(struct crm_ctx *ctx, const char *status, const char *first_response_at,
			  const char *first_response_due, const char *resolve_due,
			  const char *breached_at, struct crm_sla_state *out)
{
	crm_time due, b;
	out->has_left = false;
	out->left = 0;
	bool breached = instant(breached_at, &b);
	if (!strcmp(status, "resolved") || !strcmp(status, "closed")) {
		out->state = breached ? "breached" : *resolve_due || *first_response_due ? "done" : "none";
		return;
	}
	const char *next = !*first_response_at && *first_response_due ? first_response_due
		: resolve_due;
	if (!instant(next, &due)) {
		out->state = breached ? "breached" : "none";
		return;
	}
	if (!strcmp(status, "pending")) {
		out->state = breached ? "breached" : "paused";
		return;
	}
	const struct crm_calendar *cal = &ctx->cfg->service.calendar;
	if (ctx->now >= due) {
		out->state = "breached";
		return;
	}
	out->has_left = true;
	out->left = crm_cal_business_seconds(cal, ctx->now, due);
	out->state = breached ? "breached" : out->left <= ctx->cfg->service.warn_before
		? "approaching" : "ok";
}

/* ---- assignment ---- */

static bool matches(const struct crm_ticket_rule *r, const char *const *fields,
		    const char *const *values)
{
	for (size_t i = 0; i < r->nmatch; i++) {
		const char *v = NULL;
		for (size_t k = 0; fields[k]; k++)
			if (!strcmp(fields[k], r->match[i].field))
				v = values[k];
		bool any = false;
		for (size_t k = 0; k < r->match[i].nvalues && !any; k++)
			any = fnmatch(r->match[i].values[k], v ? v : "", 0) == 0;
		if (!any)
			return false;
	}
	return true;
}

/* The active member of team with the fewest tickets assigned by this
 * rule so far (ties: the lowest id), counted in assign_state: a
 * round-robin that survives runs and new members. */
static int team_pick(struct crm_ctx *ctx, const struct crm_ticket_rule *r, int64_t *user)
{
	char key[160];
	snprintf(key, sizeof key, "ticket:%s", r->name);
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		r->method == CRM_ASSIGN_LEAST_LOADED
		? "SELECT u.id FROM users u JOIN teams tm ON tm.id = u.team_id WHERE tm.name = ?1"
		  " AND u.active = 1 ORDER BY (SELECT count(*) FROM tickets t WHERE t.owner_id = u.id"
		  " AND t.status IN ('new', 'open', 'pending')), u.id LIMIT 1"
		: "SELECT u.id FROM users u JOIN teams tm ON tm.id = u.team_id WHERE tm.name = ?1"
		  " AND u.active = 1 ORDER BY coalesce((SELECT s.current FROM assign_state s"
		  " WHERE s.rule = ?2 AND s.user_id = u.id), 0), u.id LIMIT 1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, r->team);
	if (r->method != CRM_ASSIGN_LEAST_LOADED)
		crm_bind_str(st, 2, key);
	int rc = crm_step(st);
	*user = rc == CRM_ROW ? crm_col_int(st, 0) : 0;
	crm_stmt_reset(st);
	if (rc != CRM_ROW && rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read the team");
	if (!*user || r->method == CRM_ASSIGN_LEAST_LOADED)
		return 0;
	st = crm_db_stmt(ctx->db,
		"INSERT INTO assign_state (rule, user_id, current) VALUES (?1, ?2, 1)"
		" ON CONFLICT (rule, user_id) DO UPDATE SET current = assign_state.current + 1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, key);
	crm_bind_int(st, 2, *user);
	rc = crm_step(st);
	crm_stmt_reset(st);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot keep the round-robin");
}

int crm_ticket_assign_rules(struct crm_ctx *ctx, int64_t id, int64_t *owner)
{
	const struct crm_service *sv = &ctx->cfg->service;
	*owner = 0;
	if (!sv->nassign)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT coalesce(t.category, ''), t.priority, t.channel, coalesce(a.owner_id, 0)"
		" FROM tickets t LEFT JOIN accounts a ON a.id = t.account_id WHERE t.id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_db_row(ctx->db, st, "cannot read ticket");
	if (rc)
		return rc;
	char *cat = crm_xstrdup(crm_col_text(st, 0)), *prio = crm_xstrdup(crm_col_text(st, 1));
	char *chan = crm_xstrdup(crm_col_text(st, 2));
	int64_t account_owner = crm_col_int(st, 3);
	crm_stmt_reset(st);
	static const char *const fields[] = {"category", "priority", "channel", NULL};
	const char *values[] = {cat, prio, chan};
	int s = 0;
	for (size_t i = 0; i < sv->nassign && !*owner && !s; i++) {
		const struct crm_ticket_rule *r = &sv->assign[i];
		if (!matches(r, fields, values))
			continue;
		if (r->to)
			*owner = crm_ctx_user_id(ctx, r->to);
		else if (r->account_owner)
			*owner = account_owner;
		else if (r->team)
			s = team_pick(ctx, r, owner);
	}
	free(cat);
	free(prio);
	free(chan);
	if (s || !*owner)
		return s;
	static const char *const give[] = {"UPDATE tickets SET owner_id = ?2 WHERE id = ?1"};
	if ((s = crm_db_run_with_ids(ctx->db, give, 1, id, *owner, "assign the ticket")))
		return s;
	char *login = crm_rec_login_of(ctx, *owner);
	s = crm_audit_write(ctx->db, "ticket", id, "assign", "owner", NULL, login);
	free(login);
	return s;
}
