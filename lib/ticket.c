/* ticket.c: tickets as a kind of the record engine, their status flow,
 * replies and notes, and assignment (see ticket.h). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "ticket.h"

enum {
	TF_SUBJECT, TF_BODY, TF_CHANNEL, TF_CATEGORY, TF_PRIORITY, TF_STATUS, TF_ACCOUNT,
	TF_CONTACT, TF_ORDER, TF_CONTRACT, TF_SENDER, TF_EMAIL, TF_PHONE, TF_OWNER, TF_TAGS, TF_N
};

static const char *one_of_why(const char *const *ok, const char *what, const char *v)
{
	for (size_t i = 0; ok[i]; i++)
		if (strcmp(ok[i], v) == 0)
			return NULL;
	return what;
}

static const char *const channels[] = {"email", "phone", "wechat", "web", "visit", NULL};
static const char *const priorities[] = {"low", "normal", "high", "urgent", NULL};
static const char *const statuses[] = {"new", "open", "pending", "resolved", "closed", NULL};

static const char *channel_why(const struct crm_config *cfg, const char *v)
{
	(void)cfg;
	return one_of_why(channels, "unknown channel (email, phone, wechat, web, visit)", v);
}

static const char *priority_why(const struct crm_config *cfg, const char *v)
{
	(void)cfg;
	return one_of_why(priorities, "unknown priority (low, normal, high, urgent)", v);
}

static const char *status_why(const struct crm_config *cfg, const char *v)
{
	(void)cfg;
	return one_of_why(statuses, "unknown status (new, open, pending, resolved, closed)", v);
}

static const struct crm_field fields[TF_N] = {
	[TF_SUBJECT] = {"subject", "subject", CRM_FK_TEXT, 1000, .required = true},
	[TF_BODY] = {"body", "body", CRM_FK_TEXT, 1 << 20, .personal = true},
	[TF_CHANNEL] = {"channel", "channel", CRM_FK_TEXT, 16, .check = channel_why,
			.initial = "email"},
	[TF_CATEGORY] = {"category", "category", CRM_FK_TEXT, 100},
	[TF_PRIORITY] = {"priority", "priority", CRM_FK_TEXT, 16, .check = priority_why,
			 .initial = "normal"},
	[TF_STATUS] = {"status", "status", CRM_FK_TEXT, 16, .check = status_why, .initial = "new"},
	[TF_ACCOUNT] = {"account", "account_id", CRM_FK_ACCOUNT, 20},
	[TF_CONTACT] = {"contact", "contact_id", CRM_FK_REF, 20, .ref = "contacts",
			.ref_parent = "account_id"},
	[TF_ORDER] = {"order", "order_id", CRM_FK_REF, 20, .ref = "orders"},
	[TF_CONTRACT] = {"contract", "contract_id", CRM_FK_REF, 20, .ref = "contracts"},
	[TF_SENDER] = {"sender", "sender_name", CRM_FK_TEXT, 200, .personal = true},
	[TF_EMAIL] = {"email", "sender_email", CRM_FK_EMAIL, 254, .personal = true},
	[TF_PHONE] = {"phone", "sender_phone", CRM_FK_PHONE, 64, .personal = true},
	[TF_OWNER] = {"owner", "owner_id", CRM_FK_OWNER, 100},
	[TF_TAGS] = {"tags", "tags", CRM_FK_TAGS, 1000},
};

static const struct crm_col cols[] = {
	{"id", "t.id", .listed = true},
	{"number", "t.number", .listed = true},
	{"subject", "t.subject", .listed = true},
	{"body", "t.body", .listed = false},
	{"channel", "t.channel", .listed = true},
	{"category", "t.category", .listed = true},
	{"priority", "t.priority", .listed = true},
	{"status", "t.status", .listed = true},
	{"account", "t.account_id", .listed = true, .type = CRM_COL_INT},
	{"account_name", "(SELECT a.name FROM accounts a WHERE a.id = t.account_id)", .listed = false},
	{"contact", "t.contact_id", .listed = false, .type = CRM_COL_INT},
	{"order", "t.order_id", .listed = false, .type = CRM_COL_INT},
	{"contract", "t.contract_id", .listed = false, .type = CRM_COL_INT},
	{"sender", "t.sender_name", .listed = false},
	{"email", "t.sender_email", .listed = true},
	{"phone", "t.sender_phone", .listed = false},
	{"owner", "u.login", .listed = true},
	{"tags", "t.tags", .listed = false},
	{"first_response_at", "t.first_response_at", .listed = false},
	{"first_response_due", "t.first_response_due", .listed = false},
	{"resolve_due", "t.resolve_due", .listed = false},
	{"resolved_at", "t.resolved_at", .listed = false},
	{"closed_at", "t.closed_at", .listed = false},
	{"breached_at", "t.breached_at", .listed = false},
	{"created_at", "t.created_at", .listed = true},
	{"updated_at", "t.updated_at", .listed = false},
	{"forgotten_at", "t.forgotten_at", .listed = false},
};

static const char *const one_of[] = {"subject", NULL};
static const char *const filters[] = {"status", "priority", "category", "channel", NULL};
static const char *const searched[] = {"t.subject", "t.body", "t.sender_email", NULL};

/* A ticket's status moves through its own commands, which keep its events
 * and its clocks: update may not set it. */
static int changing(struct crm_rec *chg, const struct crm_rec *cur, int64_t id)
{
	(void)cur;
	if (!crm_rec_get(chg, TF_STATUS))
		return 0;
	crm_warn("ticket %lld: the status changes with open, pending, resolve, close or reopen",
		 (long long)id);
	return EX_DATAERR;
}

static int event(struct crm_ctx *ctx, int64_t id, const char *from, const char *to)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO ticket_events (ticket_id, at, from_status, to_status, user_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	crm_bind_str(st, 2, ctx->now_iso);
	crm_bind_text(st, 3, from);
	crm_bind_str(st, 4, to);
	crm_bind_id(st, 5, ctx->actor.id);
	int rc = crm_step(st);
	crm_stmt_reset(st);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot record the ticket's status");
}

/* A new ticket gets its number, its first event, an owner by the rules
 * when none was given, and its SLA clocks. */
static int written(struct crm_rec *r, int64_t id, bool created, bool batch)
{
	(void)batch;
	struct crm_ctx *ctx = crm_rec_ctx(r);
	int st;
	if (!created) {
		const char *p = crm_rec_get(r, TF_PRIORITY);
		return p ? crm_ticket_sla_refresh(ctx, id) : 0;
	}
	char number[32];
	snprintf(number, sizeof number, "T-%06lld", (long long)id);
	struct crm_stmt *s = crm_db_stmt(ctx->db, "UPDATE tickets SET number = ?2 WHERE id = ?1");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	crm_bind_str(s, 2, number);
	int rc = crm_step(s);
	crm_stmt_reset(s);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot number the ticket");
	const char *status = crm_rec_get(r, TF_STATUS);
	int64_t owner = 0;
	if ((st = crm_audit_write(ctx->db, "ticket", id, "create", "number", NULL, number)) ||
	    (st = event(ctx, id, NULL, status && *status ? status : "new")))
		return st;
	if (!crm_rec_owner_id(r) && (st = crm_ticket_assign_rules(ctx, id, &owner)))
		return st;
	return crm_ticket_sla_refresh(ctx, id);
}

const struct crm_kind crm_ticket_kind = {
	.entity = "ticket",
	.table = "tickets",
	.fields = fields,
	.nfields = TF_N,
	.cols = cols,
	.ncols = (int)(sizeof cols / sizeof cols[0]),
	.custom_personal = true,
	.one_of = one_of,
	.filters = filters,
	.searched = searched,
	.changing = changing,
	.written = written,
	.visible = CRM_SQL_TICKET_SEEN("t"),
	.no_account_owner = true,
};

void crm_ticket_bind_actor(struct crm_ctx *ctx, struct crm_stmt *st)
{
	crm_ctx_bind_actor(ctx, st);
}

/* ---- one ticket ---- */

struct ticket {
	int64_t id, owner_id, account_id, contact_id;
	char number[32], status[16], priority[16];
	char *email;
	bool first_response;
};

static int load(struct crm_ctx *ctx, int64_t id, struct ticket *t)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT id, coalesce(owner_id, 0), coalesce(number, ''), status, priority,"
		" coalesce(account_id, 0), coalesce(contact_id, 0), coalesce(sender_email, ''),"
		" CASE WHEN first_response_at IS NULL THEN 0 ELSE 1 END FROM tickets WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_db_row(ctx->db, st, "cannot read ticket");
	if (rc)
		return rc;
	memset(t, 0, sizeof *t);
	t->id = crm_col_int(st, 0);
	t->owner_id = crm_col_int(st, 1);
	snprintf(t->number, sizeof t->number, "%s", crm_col_text(st, 2));
	snprintf(t->status, sizeof t->status, "%s", crm_col_text(st, 3));
	snprintf(t->priority, sizeof t->priority, "%s", crm_col_text(st, 4));
	t->account_id = crm_col_int(st, 5);
	t->contact_id = crm_col_int(st, 6);
	t->email = crm_xstrdup(crm_col_text(st, 7));
	t->first_response = crm_col_int(st, 8) != 0;
	crm_stmt_reset(st);
	return 0;
}

static void ticket_free(struct ticket *t)
{
	free(t->email);
	t->email = NULL;
}

int crm_ticket_find(struct crm_ctx *ctx, const char *which, int64_t *id)
{
	static const char sql[] =
		"SELECT t.id, " CRM_SQL_AS_INT(CRM_SQL_TICKET_SEEN("t")) " FROM tickets t"
		" WHERE t.id = :id OR t.number = :number"
		" ORDER BY CASE WHEN t.id = :id THEN 0 ELSE 1 END LIMIT 1";
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	char *end;
	long long v = strtoll(which, &end, 10);
	crm_ticket_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), *which && !*end && v > 0 ? v : -1);
	crm_bind_str(st, crm_param_index(st, ":number"), which);
	int rc = crm_db_row(ctx->db, st, "cannot find ticket");
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("no such ticket '%s'", which);
	if (rc)
		return rc;
	*id = crm_col_int(st, 0);
	bool seen = crm_col_int(st, 1) != 0;
	crm_stmt_reset(st);
	if (seen)
		return 0;
	crm_warn("permission denied: ticket '%s' is not visible to '%s'", which, ctx->actor.login);
	return EX_NOPERM;
}

/* Find which for a change: seen, and the actor on the owner's side (an
 * agent of a team queue may work on a team mate's ticket). */
static int get_for_change(struct crm_ctx *ctx, const char *which, struct ticket *t)
{
	int64_t id;
	int st;
	if ((st = crm_ticket_find(ctx, which, &id)) || (st = load(ctx, id, t)))
		return st;
	return 0;
}

static int set_status(struct crm_ctx *ctx, struct ticket *t, const char *to)
{
	static const char sql[] =
		"UPDATE tickets SET status = ?2, updated_at = ?3,"
		" resolved_at = CASE WHEN ?2 = 'resolved' THEN ?3 WHEN ?2 IN ('open', 'pending', 'new')"
		"   THEN NULL ELSE resolved_at END,"
		" closed_at = CASE WHEN ?2 = 'closed' THEN ?3 ELSE closed_at END"
		" WHERE id = ?1";
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, t->id);
	crm_bind_str(st, 2, to);
	crm_bind_str(st, 3, ctx->now_iso);
	int rc = crm_step(st);
	crm_stmt_reset(st);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot change the ticket's status");
	int s;
	if ((s = crm_audit_write(ctx->db, "ticket", t->id, "status", "status", t->status, to)) ||
	    (s = event(ctx, t->id, t->status, to)))
		return s;
	if (!strcmp(to, "resolved") && (s = crm_survey_due(ctx, t->id)))
		return s;
	snprintf(t->status, sizeof t->status, "%s", to);
	return crm_ticket_sla_refresh(ctx, t->id);
}

/* Which moves are allowed: from -> to. */
static bool may_move(const char *from, const char *to)
{
	static const char *const moves[][2] = {
		{"new", "open"}, {"new", "pending"}, {"new", "resolved"}, {"new", "closed"},
		{"open", "pending"}, {"open", "resolved"}, {"open", "closed"},
		{"pending", "open"}, {"pending", "resolved"}, {"pending", "closed"},
		{"resolved", "closed"}, {"resolved", "open"},
	};
	for (size_t i = 0; i < sizeof moves / sizeof moves[0]; i++)
		if (!strcmp(moves[i][0], from) && !strcmp(moves[i][1], to))
			return true;
	return false;
}

static int print_ticket(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	if (!out)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT t.id, t.number, t.status, coalesce(u.login, '') FROM tickets t"
		" LEFT JOIN users u ON u.id = t.owner_id WHERE t.id = ?1");
	if (!st)
		return EX_SOFTWARE;
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_cols(o, (const char *[]){"number", "status", "owner"}, 3);
	int rc = CRM_DONE;
	for (size_t i = 0; i < n && rc == CRM_DONE; i++) {
		crm_bind_int(st, 1, ids[i]);
		if ((rc = crm_step(st)) == CRM_ROW) {
			crm_out_row(o, (const char *[]){crm_col_text(st, 0), crm_col_text(st, 1),
							crm_col_text(st, 2), crm_col_text(st, 3)});
			rc = CRM_DONE;
		}
		crm_stmt_reset(st);
	}
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read ticket");
}

static int add_interaction(struct crm_ctx *ctx, int64_t ticket, const char *kind,
			   const char *text, const char *message_id, int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO interactions (subject_type, subject_id, kind, at, summary, user_id,"
		" created_at, message_id) VALUES ('ticket', ?1, ?2, ?3, ?4, ?5, ?3, ?6) RETURNING id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, ticket);
	crm_bind_str(st, 2, kind);
	crm_bind_str(st, 3, ctx->now_iso);
	crm_bind_text(st, 4, text);
	crm_bind_id(st, 5, strcmp(kind, "email") ? ctx->actor.id : 0);
	crm_bind_text(st, 6, message_id);
	int rc = crm_step(st);
	if (rc == CRM_ROW)
		*id = crm_col_int(st, 0);
	crm_stmt_reset(st);
	return rc == CRM_ROW ? 0 : crm_db_fail(ctx->db, "cannot add to the ticket's thread");
}

int crm_ticket_move(struct crm_ctx *ctx, const char *which, const char *to, const char *comment,
		    FILE *out)
{
	struct ticket t = {0};
	int64_t note;
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	bool reopen = !strcmp(to, "reopen");
	if (reopen)
		to = "open";
	if (!(st = get_for_change(ctx, which, &t))) {
		if (reopen && strcmp(t.status, "resolved")) {
			crm_warn("ticket %s is %s: only a resolved ticket is reopened", t.number, t.status);
			st = EX_DATAERR;
		} else if (!may_move(t.status, to)) {
			crm_warn("ticket %s is %s: it cannot be %s", t.number, t.status,
				 !strcmp(to, "open") ? "opened" : !strcmp(to, "closed") ? "closed" : to);
			st = EX_DATAERR;
		} else if (!(st = set_status(ctx, &t, to)) && comment && *comment) {
			st = add_interaction(ctx, t.id, "note", comment, NULL, &note);
		}
	}
	ticket_free(&t);
	return crm_ctx_end_print(ctx, st, print_ticket, &t.id, 1, out);
}

/* The reply is the ticket's first response when it is the first. */
static int responded(struct crm_ctx *ctx, struct ticket *t)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE tickets SET first_response_at = ?2, updated_at = ?2 WHERE id = ?1"
		" AND first_response_at IS NULL");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, t->id);
	crm_bind_str(st, 2, ctx->now_iso);
	int rc = crm_step(st);
	crm_stmt_reset(st);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update ticket");
	t->first_response = true;
	return crm_audit_write(ctx->db, "ticket", t->id, "reply", "first_response_at", NULL,
			       ctx->now_iso);
}

int crm_ticket_reply(struct crm_ctx *ctx, const char *which, const char *kind, const char *text,
		     FILE *out)
{
	struct ticket t = {0};
	int64_t id = 0;
	int st;
	if (!text || !*text)
		return crm_usage_fail("%s: the text is empty", kind);
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if (!(st = get_for_change(ctx, which, &t))) {
		if (!strcmp(t.status, "closed")) {
			crm_warn("ticket %s is closed: it takes no more replies", t.number);
			st = EX_DATAERR;
		} else if (!(st = add_interaction(ctx, t.id, kind, text, NULL, &id)) &&
			   !strcmp(kind, "reply")) {
			if (!t.first_response)
				st = responded(ctx, &t);
			if (!st && !strcmp(t.status, "new"))
				st = set_status(ctx, &t, "open");
			else if (!st)
				st = crm_ticket_sla_refresh(ctx, t.id);
		}
	}
	ticket_free(&t);
	return crm_ctx_end_print(ctx, st, print_ticket, &t.id, 1, out);
}

int crm_ticket_assign(struct crm_ctx *ctx, const char *which, const char *login, FILE *out)
{
	struct ticket t = {0};
	int64_t owner = 0;
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	if (!(st = get_for_change(ctx, which, &t))) {
		if (!login) {
			if (!(st = crm_ticket_assign_rules(ctx, t.id, &owner)) && !owner) {
				crm_warn("ticket %s: no rule of service.assign gives it an owner", t.number);
				st = EX_DATAERR;
			}
		} else {
			struct crm_rec *r = crm_rec_new(ctx, &crm_ticket_kind);
			if (!(st = crm_rec_set(r, "owner", login))) {
				struct crm_diff d = crm_rec_diff(ctx, NULL);
				st = crm_rec_apply(r, t.id, "assign", &d);
			}
			crm_rec_free(r);
		}
	}
	ticket_free(&t);
	return crm_ctx_end_print(ctx, st, print_ticket, &t.id, 1, out);
}

int crm_ticket_customer_replied(struct crm_ctx *ctx, int64_t id)
{
	struct ticket t = {0};
	int st = load(ctx, id, &t);
	if (!st)
		st = !strcmp(t.status, "pending") || !strcmp(t.status, "resolved")
			? set_status(ctx, &t, "open") : crm_ticket_sla_refresh(ctx, id);
	ticket_free(&t);
	return st;
}

bool crm_ticket_closed(struct crm_ctx *ctx, int64_t id)
{
	struct ticket t = {0};
	bool closed = load(ctx, id, &t) == 0 && !strcmp(t.status, "closed");
	ticket_free(&t);
	return closed;
}
