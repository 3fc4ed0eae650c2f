/* handover.c: see handover.h */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "handover.h"

struct taker {
	int64_t id;
	char *login;
	long load;		/* open leads, plus what this handover gave them */
};

struct handover {
	struct crm_ctx *ctx;
	int64_t from_id;
	char *from;		/* login */
	struct taker *takers;
	size_t ntakers;
	struct crm_out *out;
};

/* Records taken out of a query before any is changed: changing owner_id
 * while stepping through the owner index would move rows under the cursor. */
struct record {
	int64_t id;
	char *name;
	char *type;		/* of the subject, for tasks */
	int64_t subject_id;
};

static int move_leads(struct handover *h);
static int move_accounts(struct handover *h);
static int move_contacts(struct handover *h);
static int move_deals(struct handover *h);
static int move_quotes(struct handover *h);
static int move_contracts(struct handover *h);
static int move_orders(struct handover *h);
static int move_tickets(struct handover *h);
static int move_tasks(struct handover *h);

/* The handover steps, in order.  Each moves one kind of record from
 * h->from to the takers, writing an audit row with the previous owner and
 * an output row per record.  Tasks come last, so that a task on a record
 * follows the record to its new owner. */
static int (*const steps[])(struct handover *h) = {
	move_leads,
	move_accounts,
	move_contacts,
	move_deals,
	move_quotes,
	move_contracts,
	move_orders,
	move_tickets,
	move_tasks,
};

static struct taker *least_loaded(struct handover *h)
{
	struct taker *best = &h->takers[0];
	for (size_t i = 1; i < h->ntakers; i++)
		if (h->takers[i].load < best->load)
			best = &h->takers[i];
	best->load++;
	return best;
}

static struct taker *taker_by_id(struct handover *h, int64_t id)
{
	for (size_t i = 0; i < h->ntakers; i++)
		if (h->takers[i].id == id)
			return &h->takers[i];
	return NULL;
}

static int collect(struct handover *h, const char *sql, struct record **out, size_t *n)
{
	struct crm_stmt *st = crm_db_stmt(h->ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, h->from_id);
	int rc;
	*out = NULL;
	*n = 0;
	while ((rc = crm_step(st)) == CRM_ROW) {
		*out = crm_xrealloc(*out, (*n + 1) * sizeof **out);
		struct record *r = &(*out)[(*n)++];
		r->id = crm_col_int(st, 0);
		r->name = crm_xstrdup(crm_col_text(st, 1));
		r->type = crm_xstrdup(crm_col_text(st, 2));
		r->subject_id = crm_col_int(st, 3);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(h->ctx->db, "cannot read records to hand over");
}

static void free_records(struct record *r, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(r[i].name);
		free(r[i].type);
	}
	free(r);
}

/* Give record id to t: run the UPDATE sql (?1 id, ?2 owner, ?3 now if it
 * has one), write
 * its audit row and print it. */
static int give(struct handover *h, const char *type, const char *sql, const struct record *r,
		const struct taker *t)
{
	struct crm_ctx *ctx = h->ctx;
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, r->id);
	crm_bind_int(st, 2, t->id);
	if (crm_param_count(st) >= 3)
		crm_bind_str(st, 3, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot hand over");
	int rc = crm_audit_write(ctx->db, type, r->id, "handover", "owner", h->from, t->login);
	char id[24];
	snprintf(id, sizeof id, "%" PRId64, r->id);
	const char *f[] = {type, id, r->name, h->from, t->login};
	crm_out_row(h->out, f);
	return rc;
}

/* A lead's new owner gets a fresh first-contact window (assigned_at) and
 * does not count it against their claim limit. */
static int move_leads(struct handover *h)
{
	struct record *r;
	size_t n;
	int st = collect(h, "SELECT id, name, '', 0 FROM leads WHERE owner_id = ?1"
			    " AND status IN ('new', 'contacted', 'qualified') ORDER BY id", &r, &n);
	for (size_t i = 0; !st && i < n; i++)
		st = give(h, "lead", "UPDATE leads SET owner_id = ?2, assigned_at = ?3, updated_at = ?3,"
				     " claimed_at = NULL WHERE id = ?1", &r[i], least_loaded(h));
	free_records(r, n);
	return st;
}

/* The first column of sql for ?1 = id, 0 when there is no row. */
static int64_t int_of(struct crm_ctx *ctx, const char *sql, int64_t id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return 0;
	crm_bind_int(st, 1, id);
	return crm_step(st) == CRM_ROW ? crm_col_int(st, 0) : 0;
}

/* Every account is a customer kept, not only open ones. */
static int move_accounts(struct handover *h)
{
	struct record *r;
	size_t n;
	int st = collect(h, "SELECT id, name, '', 0 FROM accounts WHERE owner_id = ?1 ORDER BY id", &r, &n);
	for (size_t i = 0; !st && i < n; i++)
		st = give(h, "account", "UPDATE accounts SET owner_id = ?2, updated_at = ?3 WHERE id = ?1",
			  &r[i], least_loaded(h));
	free_records(r, n);
	return st;
}

/* Records of entity listed by select (id, name, '', account_id) go with
 * their account when that went to a taker, else to the least loaded. */
static int move_with_account(struct handover *h, const char *entity, const char *select,
			     const char *update)
{
	struct record *r;
	size_t n;
	int st = collect(h, select, &r, &n);
	for (size_t i = 0; !st && i < n; i++) {
		struct taker *t = taker_by_id(h, int_of(h->ctx, "SELECT owner_id FROM accounts WHERE id = ?1",
							 r[i].subject_id));
		st = give(h, entity, update, &r[i], t ? t : least_loaded(h));
	}
	free_records(r, n);
	return st;
}

static int move_contacts(struct handover *h)
{
	return move_with_account(h, "contact",
		"SELECT id, name, '', coalesce(account_id, 0) FROM contacts WHERE owner_id = ?1 ORDER BY id",
		"UPDATE contacts SET owner_id = ?2, updated_at = ?3 WHERE id = ?1");
}

/* A closed deal stays with who won or lost it, for the figures. */
static int move_deals(struct handover *h)
{
	return move_with_account(h, "deal",
		"SELECT id, title, '', coalesce(account_id, 0) FROM deals"
		" WHERE owner_id = ?1 AND status = 'open' ORDER BY id",
		"UPDATE deals SET owner_id = ?2, updated_at = ?3 WHERE id = ?1");
}

/* Quotes not yet decided, contracts not yet over, orders not yet
 * delivered and tickets not yet resolved go with their account; the
 * decided, finished and resolved ones stay with who did the work. */
static int move_quotes(struct handover *h)
{
	return move_with_account(h, "quote",
		"SELECT id, number, '', coalesce(account_id, 0) FROM quotes"
		" WHERE owner_id = ?1 AND status IN ('draft', 'sent') ORDER BY id",
		"UPDATE quotes SET owner_id = ?2, updated_at = ?3 WHERE id = ?1");
}

static int move_contracts(struct handover *h)
{
	return move_with_account(h, "contract",
		"SELECT id, number, '', coalesce(account_id, 0) FROM contracts WHERE owner_id = ?1"
		" AND status IN ('draft', 'pending', 'approved', 'rejected', 'signed', 'active')"
		" ORDER BY id",
		"UPDATE contracts SET owner_id = ?2, updated_at = ?3 WHERE id = ?1");
}

static int move_orders(struct handover *h)
{
	return move_with_account(h, "order",
		"SELECT id, number, '', coalesce(account_id, 0) FROM orders"
		" WHERE owner_id = ?1 AND status IN ('open', 'partial') ORDER BY id",
		"UPDATE orders SET owner_id = ?2, updated_at = ?3 WHERE id = ?1");
}

static int move_tickets(struct handover *h)
{
	return move_with_account(h, "ticket",
		"SELECT id, number, '', coalesce(account_id, 0) FROM tickets"
		" WHERE owner_id = ?1 AND status IN ('new', 'open', 'pending') ORDER BY id",
		"UPDATE tickets SET owner_id = ?2, updated_at = ?3 WHERE id = ?1");
}

/* A task on a lead that went to a taker goes with it; others are spread. */
static int move_tasks(struct handover *h)
{
	struct record *r;
	size_t n;
	int st = collect(h, "SELECT id, title, subject_type, subject_id FROM tasks"
			    " WHERE owner_id = ?1 AND status = 'open' ORDER BY id", &r, &n);
	for (size_t i = 0; !st && i < n; i++) {
		struct taker *t = NULL;
		if (strcmp(r[i].type, "lead") == 0)
			t = taker_by_id(h, int_of(h->ctx, "SELECT owner_id FROM leads WHERE id = ?1",
						   r[i].subject_id));
		else if (strcmp(r[i].type, "account") == 0)
			t = taker_by_id(h, int_of(h->ctx, "SELECT owner_id FROM accounts WHERE id = ?1",
						   r[i].subject_id));
		else if (strcmp(r[i].type, "contact") == 0)
			t = taker_by_id(h, int_of(h->ctx, "SELECT owner_id FROM contacts WHERE id = ?1",
						   r[i].subject_id));
		else if (strcmp(r[i].type, "deal") == 0)
			t = taker_by_id(h, int_of(h->ctx, "SELECT owner_id FROM deals WHERE id = ?1",
						   r[i].subject_id));
		st = give(h, "task", "UPDATE tasks SET owner_id = ?2 WHERE id = ?1",
			  &r[i], t ? t : least_loaded(h));
	}
	free_records(r, n);
	return st;
}

static int add_takers(struct handover *h, int64_t to_id, int64_t team_id)
{
	struct crm_ctx *ctx = h->ctx;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT u.id, u.login,"
		" (SELECT count(*) FROM leads l WHERE l.owner_id = u.id"
		"   AND l.status IN ('new', 'contacted', 'qualified'))"
		" FROM users u WHERE u.active = 1 AND u.id <> ?3 AND (u.id = ?1 OR (u.team_id = ?2"
		"   AND NOT (coalesce(u.away_until, '') > ?4 AND coalesce(u.away_from, '') <= ?4)))"
		" ORDER BY u.id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, to_id);
	crm_bind_int(st, 2, to_id ? -1 : team_id);
	crm_bind_int(st, 3, h->from_id);
	crm_bind_str(st, 4, ctx->now_iso);
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		h->takers = crm_xrealloc(h->takers, (h->ntakers + 1) * sizeof *h->takers);
		h->takers[h->ntakers++] = (struct taker){
			crm_col_int(st, 0), crm_xstrdup(crm_col_text(st, 1)),
			crm_col_int(st, 2),
		};
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read users");
}

static char *name_of(struct crm_ctx *ctx, const char *sql, int64_t id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return NULL;
	crm_bind_int(st, 1, id);
	return crm_step(st) == CRM_ROW ? crm_xstrdup(crm_col_text(st, 0)) : NULL;
}

static int no_takers(struct handover *h, int64_t to_id, int64_t team_id)
{
	struct crm_ctx *ctx = h->ctx;
	char *name = to_id ? name_of(ctx, "SELECT login FROM users WHERE id = ?1", to_id)
			   : name_of(ctx, "SELECT name FROM teams WHERE id = ?1", team_id);
	if (to_id == h->from_id)
		crm_warn("cannot hand over from '%s' to '%s'", h->from, h->from);
	else if (to_id)
		crm_warn("user '%s' is deactivated", name ? name : "");
	else
		crm_warn("team '%s' has nobody available to take over from '%s'", name ? name : "", h->from);
	free(name);
	return EX_DATAERR;
}

int crm_handover(struct crm_ctx *ctx, int64_t from_id, int64_t to_id, int64_t team_id,
		 struct crm_out *out)
{
	struct handover h = { .ctx = ctx, .from_id = from_id, .out = out };
	static const char *const cols[] = {"type", "id", "name", "from", "to"};
	if (!(h.from = name_of(ctx, "SELECT login FROM users WHERE id = ?1", from_id)))
		return crm_db_fail(ctx->db, "cannot read users");
	int st = add_takers(&h, to_id, team_id);
	if (!st && h.ntakers == 0)
		st = no_takers(&h, to_id, team_id);
	if (!st)
		crm_out_cols(out, cols, 5);
	for (size_t i = 0; !st && i < sizeof steps / sizeof steps[0]; i++)
		st = steps[i](&h);
	for (size_t i = 0; i < h.ntakers; i++)
		free(h.takers[i].login);
	free(h.takers);
	free(h.from);
	return st;
}

/* May the actor hand over the team's records: an admin, or its manager. */
static int may_use_team(struct crm_ctx *ctx, int64_t team_id, const char *team)
{
	const struct crm_actor *me = &ctx->actor;
	if (me->role == CRM_ROLE_ADMIN || (me->role == CRM_ROLE_MANAGER && (team_id == me->team_id ||
	    int_of(ctx, "SELECT manager_id FROM teams WHERE id = ?1", team_id) == me->id)))
		return 0;
	crm_warn("permission denied: '%s' may not hand over to team '%s'", ctx->actor.login, team);
	return EX_NOPERM;
}

int crm_handover_run(struct crm_ctx *ctx, const char *from, const char *to, const char *team,
		     struct crm_out *out)
{
	int64_t from_id = crm_ctx_user_id(ctx, from), to_id = 0, team_id = 0;
	if (!ctx->actor.single_user && ctx->actor.role == CRM_ROLE_REP) {
		crm_warn("permission denied: only a manager or an admin may hand over");
		return EX_NOPERM;
	}
	if (!from_id) {
		crm_warn("user '%s' not found", from);
		return CRM_EX_NOTFOUND;
	}
	if (to && !(to_id = crm_ctx_user_id(ctx, to))) {
		crm_warn("unknown user '%s'", to);
		return EX_DATAERR;
	}
	if (team) {
		struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT id FROM teams WHERE name = ?1");
		if (!st)
			return EX_SOFTWARE;
		crm_bind_str(st, 1, team);
		if (crm_step(st) != CRM_ROW) {
			crm_warn("unknown team '%s'", team);
			return EX_DATAERR;
		}
		team_id = crm_col_int(st, 0);
	}
	char *what = crm_xasprintf("the records of '%s'", from);
	int rc = crm_ctx_may_change(ctx, from_id, what);
	free(what);
	if (!rc && to_id) {
		what = crm_xasprintf("the records of '%s'", to);
		rc = crm_ctx_may_change(ctx, to_id, what);
		free(what);
	}
	if (!rc && team_id)
		rc = may_use_team(ctx, team_id, team);
	if (rc || (rc = crm_db_begin(ctx->db)))
		return rc;
	rc = crm_handover(ctx, from_id, to_id, team_id, out);
	return crm_ctx_end(ctx, rc);
}
