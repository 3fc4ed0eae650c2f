/* ctx.h: what every command works with once its options are read: the
 * loaded config, the open database, "now", and the acting user with the
 * visibility rules of SPEC §4 "Identity and visibility".
 *
 * Identity: the Unix login when a crm user has it, else CRM_USER, else the
 * Unix login; --as names someone else only for an admin.  With no users
 * the database is in single-user mode and the actor is an admin.
 *
 * Visibility: a rep sees and changes the records they own, a manager
 * those owned by anyone in their team or reporting to them, an admin
 * everything.  Unowned leads (the pool, 公海) are visible to all;
 * only managers and admins change them (reps claim them). */
#ifndef CRM_CTX_H
#define CRM_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "date.h"
#include "opts.h"

struct crm_db;

enum crm_role { CRM_ROLE_REP, CRM_ROLE_MANAGER, CRM_ROLE_ADMIN };

struct crm_actor {
	int64_t id;		/* users.id; 0 in single-user mode */
	char *login;		/* whom the command acts as (--as) */
	char *real_login;	/* who runs it: differs from login only under --as */
	enum crm_role role;
	int64_t team_id;	/* 0 when none */
	bool single_user;
};

struct crm_ctx {
	struct crm_opts *opts;
	struct crm_config *cfg;
	struct crm_db *db;
	struct crm_actor actor;
	crm_time now;
	char now_iso[CRM_ISO_LEN];
};

/* Read CRM_NOW, load the config (78 on a bad one), open the database (66
 * when the path holds none: only crm init creates one) and resolve the
 * actor (77 for an unknown or inactive user, for CRM_USER naming someone
 * other than a crm user's own Unix login, and for --as naming someone else
 * when the caller is not an admin).  Returns 0 or an exit status after
 * reporting; on failure nothing needs closing. */
int crm_ctx_open(struct crm_ctx *ctx, struct crm_opts *opts);
/* The same for crm init: creates the database when missing. */
int crm_ctx_open_create(struct crm_ctx *ctx, struct crm_opts *opts);
/* The database path the options name: -d, else CRM_DB, else the XDG
 * default (free it). */
char *crm_ctx_db_path(const struct crm_opts *opts);
/* Only the config and now, for commands that must not touch the database. */
int crm_ctx_open_config(struct crm_ctx *ctx, struct crm_opts *opts);
void crm_ctx_close(struct crm_ctx *ctx);

const char *crm_role_name(enum crm_role r);
int crm_role_parse(const char *s);	/* -1 when unknown */

/* May the actor see / change a record owned by owner_id (0 = unowned)?
 * Returns 0, or 77 after reporting "permission denied: ..." with what. */
int crm_ctx_may_see(struct crm_ctx *ctx, int64_t owner_id, const char *what);
int crm_ctx_may_change(struct crm_ctx *ctx, int64_t owner_id, const char *what);
/* crm_ctx_may_see for accounts, contacts and deals, which have no pool: an
 * unowned one is visible to managers and admins only (as
 * CRM_SQL_VISIBLE_OWNED in record.h says in SQL). */
int crm_ctx_may_see_owned(struct crm_ctx *ctx, int64_t owner_id, const char *what);
/* Only admins (or single-user mode) may: manage users, teams, ... */
int crm_ctx_require_admin(struct crm_ctx *ctx, const char *what);
/* Only managers and admins (or single-user mode) may: merge, forget, ... */
int crm_ctx_require_manager(struct crm_ctx *ctx, const char *what);
/* crm_ctx_may_see without a message: for wording a message about another
 * record so that it reveals nothing the actor may not see. */
bool crm_ctx_sees(struct crm_ctx *ctx, int64_t owner_id);
/* After a query for row id of table found nothing: on PostgreSQL, whose
 * row-level security leaves out what the actor may not see, 77 with
 * "permission denied: WHAT is not visible" when the row is there all the
 * same, as the tools say on SQLite (security_pg.h, crm_row_hidden); else
 * 0, and the caller reports it missing.  what NULL: 77 without a word. */
int crm_ctx_hidden(struct crm_ctx *ctx, const char *table, int64_t id, const char *what);
/* Resolve the user or team an explicit filter (--owner, --team) names:
 * 65 when unknown, 77 when out of the actor's sight (a team is in sight of
 * its members and of admins), so that a filter never answers with an
 * empty list what it may not answer at all. */
int crm_ctx_filter_user(struct crm_ctx *ctx, const char *login, int64_t *id);
int crm_ctx_filter_team(struct crm_ctx *ctx, const char *name, int64_t *id);

/* SQL for "the actor may see rows whose owner column is OWNER": use the
 * named parameters :actor_id, :actor_role (0 rep, 1 manager, 2 admin) and
 * :actor_team, bound by crm_ctx_bind_actor(). */
#define CRM_SQL_VISIBLE(owner) \
	"(:actor_role = 2 OR " owner " = :actor_id OR (:actor_role = 1 AND " owner \
	" IN (SELECT u.id FROM users u WHERE u.team_id = :actor_team OR u.manager_id = :actor_id)))"
/* Leads add the pool: unowned leads are visible to everyone. */
#define CRM_SQL_VISIBLE_LEAD(owner) "(" owner " IS NULL OR " CRM_SQL_VISIBLE(owner) ")"

/* A condition selected as a number (crm_col_int reads it): 1 or 0.  A
 * PostgreSQL boolean is no number, and NULL reads as 0 on both. */
#define CRM_SQL_AS_INT(cond) "CASE WHEN " cond " THEN 1 ELSE 0 END"

struct crm_stmt;
/* Bind :actor_id, :actor_role, :actor_team where the statement has them. */
void crm_ctx_bind_actor(struct crm_ctx *ctx, struct crm_stmt *st);

/* End the command's transaction: roll back after an error (st != 0) or
 * for a dry run (-n), else commit.  Returns st or the commit's status. */
int crm_ctx_end(struct crm_ctx *ctx, int st);
/* crm_ctx_end for a command that shows the records it wrote with
 * print(ctx, ids, n, out): from inside the transaction a dry run drops,
 * else once it is committed; not after an error.  Returns st, the
 * commit's or print's status. */
int crm_ctx_end_print(struct crm_ctx *ctx, int st,
		      int (*print)(struct crm_ctx *, const int64_t *, size_t, FILE *),
		      const int64_t *ids, size_t n, FILE *out);

/* User id of an active or inactive login, 0 when unknown. */
int64_t crm_ctx_user_id(struct crm_ctx *ctx, const char *login);

#endif
