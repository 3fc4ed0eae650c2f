/* ctx.c: see ctx.h */
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "audit.h"
#include "ctx.h"
#include "db.h"
#include "dialect.h"
#include "err.h"

static const char *const role_names[] = {"rep", "manager", "admin"};

const char *crm_role_name(enum crm_role r) { return role_names[r]; }

int crm_role_parse(const char *s)
{
	for (int i = 0; i < 3; i++)
		if (strcmp(s, role_names[i]) == 0)
			return i;
	return -1;
}

/* The Unix login, from the password database: $LOGNAME and $USER are
 * whatever the caller sets them to. */
static char *unix_login(void)
{
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return crm_xstrdup(pw->pw_name);
	return crm_xasprintf("%lu", (unsigned long)getuid());
}

/* Look login up into *a; *found says whether a user (active or not) has it. */
static int lookup_user(struct crm_ctx *ctx, const char *login, struct crm_actor *a, bool *found)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT id, role, team_id, active FROM users WHERE login = ?");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, login);
	int rc = crm_step(st);
	*found = rc == CRM_ROW;
	if (rc == CRM_DONE)
		return 0;
	if (rc != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read users");
	a->id = crm_col_int(st, 0);
	a->role = (enum crm_role)crm_role_parse(crm_col_text(st, 1));
	a->team_id = crm_col_int(st, 2);
	if (!crm_col_int(st, 3)) {
		crm_warn("user '%s' is deactivated", login);
		return EX_NOPERM;
	}
	return 0;
}

/* login as an active user, or 77 naming where the name came from. */
static int active_user(struct crm_ctx *ctx, const char *login, const char *from, struct crm_actor *a)
{
	bool found;
	int st = lookup_user(ctx, login, a, &found);
	if (!st && !found) {
		crm_warn("unknown user '%s' (%s)", login, from);
		st = EX_NOPERM;
	}
	return st;
}

/* Who runs the command (SPEC §4 "Identity"): the Unix login when a crm
 * user has it, and then CRM_USER may name no one else; otherwise CRM_USER
 * (a cron job or a service account), failing that the Unix login.  Sets
 * me->real_login, or reports and returns 77. */
static int who_am_i(struct crm_ctx *ctx, struct crm_actor *me)
{
	const char *env = getenv("CRM_USER");
	char *login = unix_login();
	bool found;
	int st = lookup_user(ctx, login, me, &found);
	if (!st && found && env && *env && strcmp(env, login) != 0) {
		crm_warn("permission denied: CRM_USER '%s' is not your login '%s'", env, login);
		st = EX_NOPERM;
	} else if (!st && !found) {
		if (env && *env)
			st = active_user(ctx, env, "from CRM_USER", me);
		else
			st = active_user(ctx, login, "your Unix login; set CRM_USER", me);
	}
	if (!st)
		me->real_login = crm_xstrdup(found || !env || !*env ? login : env);
	free(login);
	return st;
}

/* On PostgreSQL the server knows who connected: a login role that is a
 * crm user is the actor, and CRM_USER may name no one else; a role that
 * is none (a service account, the database's owner) falls back to
 * who_am_i.  *server is the session's role, NULL on SQLite. */
static int who_connected(struct crm_ctx *ctx, const char *server, struct crm_actor *me)
{
	bool found = false;
	int st = server ? lookup_user(ctx, server, me, &found) : 0;
	if (st || !found)
		return st ? st : who_am_i(ctx, me);
	const char *env = getenv("CRM_USER");
	if (env && *env && strcmp(env, server) != 0) {
		crm_warn("permission denied: CRM_USER '%s' is not your PostgreSQL role '%s'", env, server);
		return EX_NOPERM;
	}
	me->real_login = crm_xstrdup(server);
	return 0;
}

/* The actor, and on PostgreSQL the role the server then holds the
 * session to (SET ROLE): the one it connected as, or one the server lets
 * it act as. */
static int resolve_actor(struct crm_ctx *ctx)
{
	struct crm_actor *a = &ctx->actor;
	const char *as = ctx->opts->as_user && *ctx->opts->as_user ? ctx->opts->as_user : NULL;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT CASE WHEN EXISTS (SELECT 1 FROM users) THEN 1 ELSE 0 END");
	if (!st)
		return EX_SOFTWARE;
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read users");
	if (!crm_col_int(st, 0)) {
		/* single-user mode: everyone is the admin */
		const char *env = getenv("CRM_USER");
		a->real_login = env && *env ? crm_xstrdup(env) : unix_login();
		a->login = crm_xstrdup(as ? as : a->real_login);
		a->single_user = true;
		a->role = CRM_ROLE_ADMIN;
		return 0;
	}
	char *server = crm_db_session_role(ctx->db);
	int rc = who_connected(ctx, server, a);
	if (!rc && as && strcmp(as, a->real_login) != 0) {
		if (a->role != CRM_ROLE_ADMIN) {
			crm_warn("permission denied: '%s' may not act as '%s' (only an admin may use --as)",
				 a->real_login, as);
			rc = EX_NOPERM;
		} else if (!(rc = active_user(ctx, as, "from --as", a)))
			a->login = crm_xstrdup(as);
	} else if (!rc)
		a->login = crm_xstrdup(a->real_login);
	if (!rc && server && strcmp(server, a->login) != 0)
		rc = crm_db_set_role(ctx->db, a->login);
	free(server);
	return rc;
}

int crm_ctx_open_config(struct crm_ctx *ctx, struct crm_opts *opts)
{
	int st;
	memset(ctx, 0, sizeof *ctx);
	ctx->opts = opts;
	char *path = NULL;
	if (!opts->config_path)
		path = crm_config_default_path();
	ctx->cfg = crm_config_load(path ? path : opts->config_path, opts->config_explicit, &st);
	free(path);
	if (!ctx->cfg)
		return st;
	if (ctx->cfg->timezone)
		crm_time_set_zone(ctx->cfg->timezone);
	if ((st = crm_now(&ctx->now))) {
		crm_config_free(ctx->cfg);
		ctx->cfg = NULL;
		return st;
	}
	crm_time_iso(ctx->now, ctx->now_iso);
	return 0;
}

char *crm_ctx_db_path(const struct crm_opts *opts)
{
	return opts->db_path && *opts->db_path ? crm_xstrdup(opts->db_path) : crm_db_default_path();
}

static int open_ctx(struct crm_ctx *ctx, struct crm_opts *opts, enum crm_db_mode mode)
{
	int st = crm_ctx_open_config(ctx, opts);
	if (st)
		return st;
	char *path = crm_ctx_db_path(opts);
	st = crm_db_open(path, mode, &crm_audit_ext, &ctx->db);
	free(path);
	if (!st)
		st = resolve_actor(ctx);
	if (st) {
		crm_ctx_close(ctx);
		return st;
	}
	crm_db_set_origin(ctx->db, ctx->actor.login, ctx->actor.real_login, crm_progname, ctx->now_iso);
	return 0;
}

int crm_ctx_open(struct crm_ctx *ctx, struct crm_opts *opts)
{
	return open_ctx(ctx, opts, CRM_DB_EXISTING);
}

int crm_ctx_open_create(struct crm_ctx *ctx, struct crm_opts *opts)
{
	return open_ctx(ctx, opts, CRM_DB_CREATE);
}

void crm_ctx_close(struct crm_ctx *ctx)
{
	crm_db_close(ctx->db);
	crm_config_free(ctx->cfg);
	free(ctx->actor.login);
	free(ctx->actor.real_login);
	memset(ctx, 0, sizeof *ctx);
}

void crm_ctx_bind_actor(struct crm_ctx *ctx, struct crm_stmt *st)
{
	int i;
	if ((i = crm_param_index(st, ":actor_id")))
		crm_bind_int(st, i, ctx->actor.id);
	if ((i = crm_param_index(st, ":actor_role")))
		crm_bind_int(st, i, (int)ctx->actor.role);
	if ((i = crm_param_index(st, ":actor_team")))
		crm_bind_int(st, i, ctx->actor.team_id);
	if ((i = crm_param_index(st, ":queue_team")))	/* tickets: service.queue */
		crm_bind_int(st, i, ctx->cfg && ctx->cfg->service.queue == CRM_QUEUE_TEAM);
}

/* Is owner_id the actor, or in the actor's team / reporting to them? */
static bool manages(struct crm_ctx *ctx, int64_t owner_id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT 1 FROM users WHERE id = ?1 AND (team_id = ?2 OR manager_id = ?3)");
	if (!st)
		return false;
	crm_bind_int(st, 1, owner_id);
	crm_bind_int(st, 2, ctx->actor.team_id);
	crm_bind_int(st, 3, ctx->actor.id);
	return crm_step(st) == CRM_ROW;
}

static bool may_touch(struct crm_ctx *ctx, int64_t owner_id, bool change)
{
	const struct crm_actor *a = &ctx->actor;
	if (a->role == CRM_ROLE_ADMIN || (owner_id && owner_id == a->id))
		return true;
	if (!owner_id)
		return !change || a->role == CRM_ROLE_MANAGER;
	return a->role == CRM_ROLE_MANAGER && manages(ctx, owner_id);
}

int crm_ctx_may_see(struct crm_ctx *ctx, int64_t owner_id, const char *what)
{
	if (may_touch(ctx, owner_id, false))
		return 0;
	crm_warn("permission denied: %s is not visible to '%s'", what, ctx->actor.login);
	return EX_NOPERM;
}

int crm_ctx_may_see_owned(struct crm_ctx *ctx, int64_t owner_id, const char *what)
{
	/* unowned accounts, contacts and deals are the managers' to see */
	if (!owner_id && ctx->actor.role == CRM_ROLE_REP) {
		crm_warn("permission denied: %s is not visible to '%s'", what, ctx->actor.login);
		return EX_NOPERM;
	}
	return crm_ctx_may_see(ctx, owner_id, what);
}

int crm_ctx_may_change(struct crm_ctx *ctx, int64_t owner_id, const char *what)
{
	if (may_touch(ctx, owner_id, true))
		return 0;
	crm_warn("permission denied: '%s' may not change %s", ctx->actor.login, what);
	return EX_NOPERM;
}

int crm_ctx_require_admin(struct crm_ctx *ctx, const char *what)
{
	if (ctx->actor.role == CRM_ROLE_ADMIN)
		return 0;
	crm_warn("permission denied: only an admin may %s", what);
	return EX_NOPERM;
}

bool crm_ctx_sees(struct crm_ctx *ctx, int64_t owner_id)
{
	return may_touch(ctx, owner_id, false);
}

int crm_ctx_hidden(struct crm_ctx *ctx, const char *table, int64_t id, const char *what)
{
	if (!crm_dialect(ctx->db)->row_security)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT " CRM_SQL_AS_INT("crm_row_hidden(?1, ?2)"));
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, table);
	crm_bind_int(st, 2, id);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read the rows of others");
	bool hidden = crm_col_int(st, 0);
	crm_stmt_reset(st);
	if (!hidden)
		return 0;
	if (what)
		crm_warn("permission denied: %s is not visible to '%s'", what, ctx->actor.login);
	return EX_NOPERM;
}

int crm_ctx_filter_user(struct crm_ctx *ctx, const char *login, int64_t *id)
{
	if (!(*id = crm_ctx_user_id(ctx, login))) {
		crm_warn("unknown user '%s'", login);
		return EX_DATAERR;
	}
	char *what = crm_xasprintf("user '%s'", login);
	int st = crm_ctx_may_see(ctx, *id, what);
	free(what);
	return st;
}

int crm_ctx_filter_team(struct crm_ctx *ctx, const char *name, int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT id FROM teams WHERE name = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, name);
	int rc = crm_step(st);
	*id = rc == CRM_ROW ? crm_col_int(st, 0) : 0;
	crm_stmt_reset(st);
	if (rc != CRM_ROW && rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read teams");
	if (!*id) {
		crm_warn("unknown team '%s'", name);
		return EX_DATAERR;
	}
	if (ctx->actor.role == CRM_ROLE_ADMIN || *id == ctx->actor.team_id)
		return 0;
	crm_warn("permission denied: team '%s' is not visible to '%s'", name, ctx->actor.login);
	return EX_NOPERM;
}

int crm_ctx_require_manager(struct crm_ctx *ctx, const char *what)
{
	if (ctx->actor.role >= CRM_ROLE_MANAGER)
		return 0;
	crm_warn("permission denied: only a manager or an admin may %s", what);
	return EX_NOPERM;
}

int crm_ctx_end(struct crm_ctx *ctx, int st)
{
	if (st || ctx->opts->dry_run) {
		crm_db_rollback(ctx->db);
		return st;
	}
	return crm_db_commit(ctx->db);
}

int crm_ctx_end_print(struct crm_ctx *ctx, int st,
		      int (*print)(struct crm_ctx *, const int64_t *, size_t, FILE *),
		      const int64_t *ids, size_t n, FILE *out)
{
	bool dry_run = ctx->opts->dry_run;
	if (!st && dry_run)
		st = print(ctx, ids, n, out);
	if ((st = crm_ctx_end(ctx, st)) || dry_run)
		return st;
	return print(ctx, ids, n, out);
}

int64_t crm_ctx_user_id(struct crm_ctx *ctx, const char *login)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT id FROM users WHERE login = ?");
	if (!st)
		return 0;
	crm_bind_str(st, 1, login);
	return crm_step(st) == CRM_ROW ? crm_col_int(st, 0) : 0;
}
