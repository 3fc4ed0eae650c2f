/* user.c: see user.h */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "handover.h"
#include "normalise.h"
#include "user.h"

bool crm_user_login_ok(const char *s)
{
	if (!*s || strlen(s) > 64 || !(isalnum((unsigned char)*s)))
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("._-@", *s))
			return false;
	return true;
}

bool crm_user_number_ok(const char *s, bool zero_ok)
{
	if (!*s || strlen(s) > 9)
		return false;
	for (const char *p = s; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	return zero_ok || atol(s) > 0;
}

static int64_t team_id(struct crm_ctx *ctx, const char *name)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT id FROM teams WHERE name = ?");
	if (!st)
		return 0;
	crm_bind_str(st, 1, name);
	return crm_step(st) == CRM_ROW ? crm_col_int(st, 0) : 0;
}

/* Check every given field; returns 0 or 65 after naming the first fault. */
static int check_input(struct crm_ctx *ctx, const struct crm_user_input *in, bool adding)
{
	if (adding && (!in->login || !crm_user_login_ok(in->login))) {
		crm_warn("invalid login '%s' (letters, digits and . _ - @)", in->login ? in->login : "");
		return EX_DATAERR;
	}
	if ((adding && (!in->name || !*in->name)) || (in->name && !*in->name)) {
		crm_warn("a user needs a name (--name)");
		return EX_DATAERR;
	}
	if (in->email && *in->email) {
		char *norm = crm_xmalloc(strlen(in->email) + 1);
		int ok = crm_norm_email(in->email, norm) > 0;
		free(norm);
		if (!ok) {
			crm_warn("invalid email '%s'", in->email);
			return EX_DATAERR;
		}
	}
	if (in->role && crm_role_parse(in->role) < 0) {
		crm_warn("unknown role '%s' (rep, manager or admin)", in->role);
		return EX_DATAERR;
	}
	if (in->team && *in->team && !team_id(ctx, in->team)) {
		crm_warn("unknown team '%s' (create it with 'crm-user team add')", in->team);
		return EX_DATAERR;
	}
	if (in->manager && *in->manager) {
		if (!crm_ctx_user_id(ctx, in->manager)) {
			crm_warn("unknown manager '%s'", in->manager);
			return EX_DATAERR;
		}
		if (in->login && strcmp(in->manager, in->login) == 0) {
			crm_warn("user '%s' cannot be their own manager", in->login);
			return EX_DATAERR;
		}
	}
	if (in->weight && !crm_user_number_ok(in->weight, false)) {
		crm_warn("invalid weight '%s' (a whole number from 1)", in->weight);
		return EX_DATAERR;
	}
	if (in->capacity && *in->capacity && !crm_user_number_ok(in->capacity, true)) {
		crm_warn("invalid capacity '%s' (a whole number)", in->capacity);
		return EX_DATAERR;
	}
	return 0;
}

#define USER_SELECT \
	"SELECT u.id, u.login, u.name, u.email, t.name, u.role, m.login, u.active, u.weight,"\
	" u.capacity, u.away_until,"\
	" (SELECT count(*) FROM leads l WHERE l.owner_id = u.id"\
	"   AND l.status NOT IN ('converted', 'disqualified')), u.created_at"\
	" FROM users u LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id"

static const char *const user_cols[] = {
	"id", "login", "name", "email", "team", "role", "manager", "active", "weight",
	"capacity", "away_until", "open_leads", "created_at",
};
#define NUSER_COLS (sizeof user_cols / sizeof user_cols[0])

static void declare_user_cols(struct crm_out *out)
{
	for (size_t i = 0; i < NUSER_COLS; i++)
		crm_out_col(out, user_cols[i], i == 0 || i == 8 || i == 9 || i == 11 ? CRM_COL_INT : CRM_COL_TEXT);
}

static void emit_user(struct crm_stmt *st, struct crm_out *out)
{
	const char *f[NUSER_COLS];
	for (size_t i = 0; i < NUSER_COLS; i++)
		f[i] = crm_col_text(st, (int)i);
	crm_out_row(out, f);
}

/* Print the rows of sql (user_cols_sql + a WHERE) with login bound to ?1. */
static int print_users(struct crm_ctx *ctx, const char *sql, const char *arg1,
		       const char *arg2, struct crm_out *out, int *count)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_text(st, 1, arg1);
	crm_bind_text(st, 2, arg2);
	int rc;
	*count = 0;
	while ((rc = crm_step(st)) == CRM_ROW) {
		emit_user(st, out);
		(*count)++;
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list users");
}

static const char show_sql[] =
	USER_SELECT " WHERE u.login = ?1 AND CAST(?2 AS TEXT) IS NULL";

int crm_user_show(struct crm_ctx *ctx, const char *login, struct crm_out *out)
{
	int n;
	if (!crm_ctx_user_id(ctx, login)) {
		crm_warn("user '%s' not found", login);
		return CRM_EX_NOTFOUND;
	}
	declare_user_cols(out);
	return print_users(ctx, show_sql, login, NULL, out, &n);
}

static const char list_sql[] =
	USER_SELECT " WHERE (CAST(?1 AS TEXT) IS NULL OR t.name = ?1) AND (CAST(?2 AS TEXT) IS NOT NULL OR u.active = 1)"
	" ORDER BY u.login";

int crm_user_list(struct crm_ctx *ctx, const char *team, bool all, struct crm_out *out)
{
	int n;
	if (team && !team_id(ctx, team)) {
		crm_warn("unknown team '%s'", team);
		return EX_DATAERR;
	}
	declare_user_cols(out);
	return print_users(ctx, list_sql, team, all ? "all" : NULL, out, &n);
}

/* Set one column of a user, with its audit row, when the value changes. */
static int set_field(struct crm_ctx *ctx, int64_t id, const char *field, const char *sql_get,
		     const char *sql_set, const char *value, int64_t value_id, const char *action)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql_get);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read user");
	char *old = crm_xstrdup(crm_col_text(st, 0));
	int rc = 0;
	if (strcmp(old, value ? value : "") != 0) {
		st = crm_db_stmt(ctx->db, sql_set);
		if (!st) {
			free(old);
			return EX_SOFTWARE;
		}
		if (value_id)
			crm_bind_int(st, 1, value_id);
		else
			crm_bind_text(st, 1, value);
		crm_bind_int(st, 2, id);
		if (crm_step(st) != CRM_DONE)
			rc = crm_db_fail(ctx->db, "cannot update user");
		else
			rc = crm_audit_write(ctx->db, "user", id, action, field, *old ? old : NULL,
					  value && *value ? value : NULL);
	}
	free(old);
	return rc;
}

#define GET(expr) "SELECT " expr " FROM users u WHERE u.id = ?1"
#define SET(col) "UPDATE users SET " col " = ?1 WHERE id = ?2"

static int apply_input(struct crm_ctx *ctx, int64_t id, const struct crm_user_input *in,
		       const char *action)
{
	int st = 0;
	if (in->name)
		st = set_field(ctx, id, "name", GET("u.name"), SET("name"), in->name, 0, action);
	if (!st && in->email)
		st = set_field(ctx, id, "email", GET("u.email"), SET("email"), in->email, 0, action);
	if (!st && in->role)
		st = set_field(ctx, id, "role", GET("u.role"), SET("role"), in->role, 0, action);
	if (!st && in->team)
		st = set_field(ctx, id, "team", GET("(SELECT name FROM teams WHERE id = u.team_id)"),
			       SET("team_id"), in->team, *in->team ? team_id(ctx, in->team) : 0, action);
	if (!st && in->manager)
		st = set_field(ctx, id, "manager", GET("(SELECT login FROM users m WHERE m.id = u.manager_id)"),
			       SET("manager_id"), in->manager,
			       *in->manager ? crm_ctx_user_id(ctx, in->manager) : 0, action);
	if (!st && in->weight)
		st = set_field(ctx, id, "weight", GET("u.weight"), SET("weight"), in->weight, 0, action);
	if (!st && in->capacity)
		st = set_field(ctx, id, "capacity", GET("u.capacity"), SET("capacity"), in->capacity, 0, action);
	return st;
}

int crm_user_server_role(struct crm_ctx *ctx, const char *login, const char *role)
{
	if (!crm_dialect(ctx->db)->row_security)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT crm_role_ensure(?1, ?2)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, login);
	crm_bind_str(st, 2, role);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot set up the server's role");
	if (!crm_col_null(st, 0))
		crm_warn("warning: user '%s': %s", login, crm_col_text(st, 0));
	crm_stmt_reset(st);
	return 0;
}

static int64_t user_for_change(struct crm_ctx *ctx, const char *login, int *st)
{
	int64_t id = crm_ctx_user_id(ctx, login);
	*st = 0;
	if (!id) {
		crm_warn("user '%s' not found", login);
		*st = CRM_EX_NOTFOUND;
	}
	return id;
}

int crm_user_add(struct crm_ctx *ctx, const struct crm_user_input *in, struct crm_out *out)
{
	int st;
	if ((st = crm_ctx_require_admin(ctx, "add users")) || (st = check_input(ctx, in, true)))
		return st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if (ctx->actor.single_user && (!in->role || strcmp(in->role, "admin") != 0)) {
		crm_warn("the first user must be an admin (--role admin): "
			 "after it only admins can add users");
		return crm_ctx_end(ctx, EX_DATAERR);
	}
	if (crm_ctx_user_id(ctx, in->login)) {
		crm_warn("user '%s' already exists", in->login);
		return crm_ctx_end(ctx, EX_DATAERR);
	}
	struct crm_stmt *ins = crm_db_stmt(ctx->db,
		"INSERT INTO users (login, name, role, created_at) VALUES (?1, ?2, ?3, ?4)");
	if (!ins)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_bind_str(ins, 1, in->login);
	crm_bind_str(ins, 2, in->name);
	crm_bind_str(ins, 3, in->role ? in->role : "rep");
	crm_bind_str(ins, 4, ctx->now_iso);
	if (crm_step(ins) != CRM_DONE)
		return crm_ctx_end(ctx, crm_db_fail(ctx->db, "cannot add user"));
	int64_t id = crm_db_last_id(ctx->db);
	st = crm_audit_write(ctx->db, "user", id, "create", "login", NULL, in->login);
	if (!st)
		st = crm_user_server_role(ctx, in->login, in->role ? in->role : "rep");
	struct crm_user_input rest = *in;
	rest.name = rest.role = NULL;
	if (!st)
		st = apply_input(ctx, id, &rest, "create");
	if (!st)
		st = crm_user_show(ctx, in->login, out);
	return crm_ctx_end(ctx, st);
}

int crm_user_update(struct crm_ctx *ctx, const char *login, const struct crm_user_input *in)
{
	int st;
	if ((st = crm_ctx_require_admin(ctx, "change users")))
		return st;
	struct crm_user_input chk = *in;
	chk.login = login;
	if ((st = check_input(ctx, &chk, false)) || (st = crm_db_begin(ctx->db)))
		return st;
	int64_t id = user_for_change(ctx, login, &st);
	if (!st)
		st = apply_input(ctx, id, in, "update");
	if (!st && in->role)
		st = crm_user_server_role(ctx, login, in->role);
	return crm_ctx_end(ctx, st);
}

static int set_active(struct crm_ctx *ctx, const char *login, bool active)
{
	int st;
	if ((st = crm_ctx_require_admin(ctx, active ? "activate users" : "deactivate users")) ||
	    (st = crm_db_begin(ctx->db)))
		return st;
	int64_t id = user_for_change(ctx, login, &st);
	if (!st)
		st = set_field(ctx, id, "active", GET("u.active"), SET("active"), active ? "1" : "0", 0,
			       active ? "activate" : "deactivate");
	return crm_ctx_end(ctx, st);
}

int crm_user_deactivate(struct crm_ctx *ctx, const char *login) { return set_active(ctx, login, false); }
int crm_user_activate(struct crm_ctx *ctx, const char *login) { return set_active(ctx, login, true); }

int crm_user_deactivate_handover(struct crm_ctx *ctx, const char *login, const char *to,
				 struct crm_out *out)
{
	int st;
	if ((st = crm_ctx_require_admin(ctx, "deactivate users")) || (st = crm_db_begin(ctx->db)))
		return st;
	int64_t id = user_for_change(ctx, login, &st), to_id = 0;
	if (!st && !(to_id = crm_ctx_user_id(ctx, to))) {
		crm_warn("unknown user '%s'", to);
		st = EX_DATAERR;
	}
	if (!st)
		st = crm_handover(ctx, id, to_id, 0, out);
	if (!st)
		st = set_field(ctx, id, "active", GET("u.active"), SET("active"), "0", 0,
			       "deactivate");
	return crm_ctx_end(ctx, st);
}

int crm_user_away(struct crm_ctx *ctx, const char *login, const char *until)
{
	int st;
	char until_iso[CRM_ISO_LEN] = "";
	if (until) {
		crm_time t;
		if (crm_time_parse_future(until, ctx->now, &t) != 0) {
			crm_warn("invalid date '%s'", until);
			return EX_DATAERR;
		}
		/* away "until 2026-03-09" means back on the morning of the 10th */
		crm_time_iso(crm_time_add_days(crm_time_day_start(t), 1), until_iso);
		if (strcmp(until_iso, ctx->now_iso) <= 0) {
			crm_warn("date '%s' is in the past", until);
			return EX_DATAERR;
		}
	}
	int64_t self = crm_ctx_user_id(ctx, login);
	if (!(self && self == ctx->actor.id) && ctx->actor.role == CRM_ROLE_REP) {
		crm_warn("permission denied: '%s' may not mark '%s' away", ctx->actor.login, login);
		return EX_NOPERM;
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	int64_t id = user_for_change(ctx, login, &st);
	if (!st)
		st = set_field(ctx, id, "away_from", GET("u.away_from"), SET("away_from"),
			       until ? ctx->now_iso : NULL, 0, "away");
	if (!st)
		st = set_field(ctx, id, "away_until", GET("u.away_until"), SET("away_until"),
			       until ? until_iso : NULL, 0, "away");
	return crm_ctx_end(ctx, st);
}

int crm_team_add(struct crm_ctx *ctx, const char *name, const char *manager)
{
	int st;
	if ((st = crm_ctx_require_admin(ctx, "add teams")))
		return st;
	if (!*name || strlen(name) > 100) {
		crm_warn("invalid team name '%s'", name);
		return EX_DATAERR;
	}
	int64_t mid = 0;
	if (manager && *manager && !(mid = crm_ctx_user_id(ctx, manager))) {
		crm_warn("unknown manager '%s'", manager);
		return EX_DATAERR;
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if (team_id(ctx, name)) {
		crm_warn("team '%s' already exists", name);
		return crm_ctx_end(ctx, EX_DATAERR);
	}
	struct crm_stmt *ins = crm_db_stmt(ctx->db,
		"INSERT INTO teams (name, manager_id, created_at) VALUES (?1, ?2, ?3)");
	if (!ins)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_bind_str(ins, 1, name);
	crm_bind_id(ins, 2, mid);
	crm_bind_str(ins, 3, ctx->now_iso);
	if (crm_step(ins) != CRM_DONE)
		return crm_ctx_end(ctx, crm_db_fail(ctx->db, "cannot add team"));
	int64_t id = crm_db_last_id(ctx->db);
	return crm_ctx_end(ctx, crm_audit_write(ctx->db, "team", id, "create", "name", NULL, name));
}

int crm_team_list(struct crm_ctx *ctx, struct crm_out *out)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT t.id, t.name, m.login,"
		" (SELECT count(*) FROM users u WHERE u.team_id = t.id AND u.active = 1)"
		" FROM teams t LEFT JOIN users m ON m.id = t.manager_id ORDER BY t.name");
	if (!st)
		return EX_SOFTWARE;
	crm_out_col(out, "id", CRM_COL_INT);
	crm_out_col(out, "name", CRM_COL_TEXT);
	crm_out_col(out, "manager", CRM_COL_TEXT);
	crm_out_col(out, "members", CRM_COL_INT);
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		const char *f[4];
		for (int i = 0; i < 4; i++)
			f[i] = crm_col_text(st, i);
		crm_out_row(out, f);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list teams");
}
