/* user_import.c: crm-user import: people with their team (office) and
 * manager from another CRM's export, in one transaction.  Pass one adds
 * every row's user, making the teams they name; pass two links managers,
 * once every row is in, so a manager may come after the people under them.
 * A manager named who is not a row of the files is made too, as a manager
 * in the team of the first row that names them.  Without --skip-bad both
 * passes are first checked before the write lock is taken (colmap.h
 * crm_import_run), the users the rows would add kept in memory. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "colmap.h"
#include "db.h"
#include "err.h"
#include "leadfield.h"
#include "normalise.h"
#include "user.h"

enum { U_LOGIN, U_NAME, U_EMAIL, U_TEAM, U_ROLE, U_MANAGER, U_WEIGHT, U_CAPACITY, U_NFIELDS };

static const char *const field_names[U_NFIELDS] = {
	"login", "name", "email", "team", "role", "manager", "weight", "capacity"
};

static const struct crm_colmap_alias aliases[] = {
	{"login", "用户名|账号|username|user name|user id|userid"},
	{"name", "sales agent|agent|sales rep|salesperson|姓名|名字|销售|full name|user"},
	{"email", "邮箱|电子邮箱|e-mail|mail"},
	{"team", "office|regional office|region|department|团队|部门|小组|分公司|办事处"},
	{"role", "角色"},
	{"manager", "主管|经理|上级|manager name|reports to"},
	{NULL, NULL}
};

/* A manager to link once every row is in. */
struct link {
	int64_t user, team;
	char *team_name;
	char *manager;		/* login or name */
	char *where;
};

struct uimp {
	struct crm_ctx *ctx;
	struct crm_colmap *map;
	struct crm_import_inputs in;
	bool apply;		/* writing, not only checking */
	struct crm_rejects rj;
	struct link *links;
	size_t nlinks;
	char **seen_login, **seen_name;	/* checking: the users that would be added */
	size_t nseen;
	int64_t max_before;
	long teams, added;
};

static int field_handle(void *arg, const char *name)
{
	for (int i = 0; i < U_NFIELDS; i++)
		if (strcmp(field_names[i], name) == 0)
			return i;
	return -1;
}

static const char *field_name(void *arg, int h) { return field_names[h]; }

/* "Moses Frase" => "moses.frase": letters and digits lowercased, blanks to
 * one '.', '.', '-' and '_' kept, other ASCII punctuation dropped.  NULL
 * for a name with anything beyond ASCII: no login is made up for it. */
static char *login_from_name(const char *name)
{
	char *out = crm_xmalloc(strlen(name) + 1), *o = out;
	for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
		if (*p >= 0x80) {
			free(out);
			return NULL;
		}
		if (isspace(*p)) {
			if (o > out && o[-1] != '.')
				*o++ = '.';
		} else if (isalnum(*p) || strchr(".-_", *p)) {
			*o++ = (char)tolower(*p);
		}
	}
	while (o > out && o[-1] == '.')
		o--;
	*o = '\0';
	if (!crm_user_login_ok(out)) {
		free(out);
		return NULL;
	}
	return out;
}

static int64_t lookup(struct crm_ctx *ctx, const char *sql, const char *text)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return 0;
	crm_bind_copy(s, 1, text);
	int64_t id = crm_step(s) == CRM_ROW ? crm_col_int(s, 0) : 0;
	crm_stmt_reset(s);
	return id;
}

/* The team called name, made when missing; 0 after reporting a failure. */
static int team_of(struct uimp *im, const char *name, int64_t *id, char *why, size_t whylen)
{
	*id = lookup(im->ctx, "SELECT id FROM teams WHERE name = ?1", name);
	if (*id || !*name)
		return 0;
	if (strlen(name) > 100) {
		snprintf(why, whylen, "invalid team name '%.100s...'", name);
		return EX_DATAERR;
	}
	if (!im->apply)
		return 0;
	struct crm_stmt *s = crm_db_stmt(im->ctx->db,
		"INSERT INTO teams (name, created_at) VALUES (?1, ?2)");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_copy(s, 1, name);
	crm_bind_str(s, 2, im->ctx->now_iso);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(im->ctx->db, "cannot add team");
	*id = crm_db_last_id(im->ctx->db);
	im->teams++;
	return crm_audit_write(im->ctx->db, "team", *id, "import", "name", NULL, name);
}

/* Insert a checked user with its audit rows. */
static int insert_user(struct uimp *im, const char *const v[U_NFIELDS], int64_t team, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO users (login, name, email, team_id, role, weight, capacity, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, coalesce(?6, 1), ?7, ?8)";
	struct crm_ctx *ctx = im->ctx;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	for (int i = 0; i < 3; i++)
		crm_bind_text(s, i + 1, v[i]);
	crm_bind_id(s, 4, team);
	crm_bind_copy(s, 5, v[U_ROLE] && *v[U_ROLE] ? v[U_ROLE] : "rep");
	crm_bind_text(s, 6, v[U_WEIGHT]);
	crm_bind_text(s, 7, v[U_CAPACITY]);
	crm_bind_str(s, 8, ctx->now_iso);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot add user");
	*id = crm_db_last_id(ctx->db);
	for (int i = 0; i < U_NFIELDS; i++) {
		if (i == U_MANAGER || !v[i] || !*v[i])
			continue;
		int st = crm_audit_write(ctx->db, "user", *id, "import", field_names[i], NULL, v[i]);
		if (st)
			return st;
	}
	return crm_user_server_role(ctx, v[0], v[U_ROLE] && *v[U_ROLE] ? v[U_ROLE] : "rep");
}

/* Checking: remember a user that would be added. */
static void seen_add(struct uimp *im, const char *login, const char *name)
{
	im->seen_login = crm_xrealloc(im->seen_login, (im->nseen + 1) * sizeof *im->seen_login);
	im->seen_name = crm_xrealloc(im->seen_name, (im->nseen + 1) * sizeof *im->seen_name);
	im->seen_login[im->nseen] = crm_xstrdup(login);
	im->seen_name[im->nseen++] = crm_xstrdup(name);
}

/* Checking: how many of the users that would be added have s in list. */
static long seen_count(struct uimp *im, char **list, const char *s)
{
	long n = 0;
	for (size_t i = 0; i < im->nseen; i++)
		n += strcmp(list[i], s) == 0;
	return n;
}

/* Check the values of one row (v[] trimmed, "" for none) and add the
 * user; 65 with why for a bad row. */
static int add_row(struct uimp *im, const char *v[U_NFIELDS], char *login_buf, char *why,
		   size_t whylen, int64_t *id, int64_t *team)
{
	char *made = NULL, norm[256];
	int st;
	if (!*v[U_NAME]) {
		snprintf(why, whylen, "a user needs a name");
		return EX_DATAERR;
	}
	if (!*v[U_LOGIN]) {
		if (!(made = login_from_name(v[U_NAME]))) {
			snprintf(why, whylen, "no login for '%s'", v[U_NAME]);
			return EX_DATAERR;
		}
		snprintf(login_buf, 65, "%s", made);
		free(made);
		v[U_LOGIN] = login_buf;
	}
	if (!crm_user_login_ok(v[U_LOGIN]))
		snprintf(why, whylen, "invalid login '%s' (letters, digits and . _ - @)", v[U_LOGIN]);
	else if (strlen(v[U_NAME]) > 200)
		snprintf(why, whylen, "name too long '%.80s...'", v[U_NAME]);
	else if (*v[U_EMAIL] && (strlen(v[U_EMAIL]) >= sizeof norm || crm_norm_email(v[U_EMAIL], norm) <= 0))
		snprintf(why, whylen, "invalid email '%s'", v[U_EMAIL]);
	else if (*v[U_ROLE] && crm_role_parse(v[U_ROLE]) < 0)
		snprintf(why, whylen, "unknown role '%s' (rep, manager or admin)", v[U_ROLE]);
	else if (*v[U_WEIGHT] && !crm_user_number_ok(v[U_WEIGHT], false))
		snprintf(why, whylen, "invalid weight '%s'", v[U_WEIGHT]);
	else if (*v[U_CAPACITY] && !crm_user_number_ok(v[U_CAPACITY], true))
		snprintf(why, whylen, "invalid capacity '%s'", v[U_CAPACITY]);
	else if (lookup(im->ctx, "SELECT id FROM users WHERE login = ?1", v[U_LOGIN]) ||
		 (!im->apply && seen_count(im, im->seen_login, v[U_LOGIN])))
		snprintf(why, whylen, "user '%s' already exists", v[U_LOGIN]);
	else if (*v[U_MANAGER] && (strcmp(v[U_MANAGER], v[U_LOGIN]) == 0 ||
				   strcmp(v[U_MANAGER], v[U_NAME]) == 0))
		snprintf(why, whylen, "user '%s' cannot be their own manager", v[U_LOGIN]);
	else
		why[0] = '\0';
	if (why[0])
		return EX_DATAERR;
	if ((st = team_of(im, v[U_TEAM], team, why, whylen)))
		return st;
	if (!im->apply) {
		seen_add(im, v[U_LOGIN], v[U_NAME]);
		return 0;
	}
	return insert_user(im, v, *team, id);
}

static int import_file(struct uimp *im, int fi)
{
	struct crm_rows *rows = im->in.rows[fi];
	const int *handle = im->in.handle[fi];
	char why[600], login[65];
	int st = 0, rc;

	size_t ncols = crm_rows_ncols(rows);
	im->rj.header_of = NULL;
	while ((rc = crm_rows_next(rows)) != 0) {
		const char *v[U_NFIELDS];
		char *vals[U_NFIELDS] = {0};
		int64_t id = 0, team = 0;
		if (rc < 0) {
			if ((st = -rc) != EX_DATAERR)
				break;
			crm_reject(&im->rj, rows, NULL);
			st = 0;
			continue;
		}
		for (int i = 0; i < U_NFIELDS; i++)
			v[i] = "";
		for (size_t i = 0; i < ncols; i++)
			if (handle[i] >= 0)
				v[handle[i]] = vals[handle[i]] = crm_trim(crm_xstrdup(crm_rows_field(rows, i)));
		st = add_row(im, v, login, why, sizeof why, &id, &team);
		if (!st && *v[U_MANAGER]) {
			im->links = crm_xrealloc(im->links, (im->nlinks + 1) * sizeof *im->links);
			im->links[im->nlinks++] = (struct link){id, team, crm_xstrdup(v[U_TEAM]),
				crm_xstrdup(v[U_MANAGER]),
				crm_xasprintf("%s:%ld", crm_rows_name(rows), crm_rows_line(rows))};
		}
		for (int i = 0; i < U_NFIELDS; i++)
			free(vals[i]);
		if (st == EX_DATAERR) {
			crm_reject(&im->rj, rows, why);
			st = 0;
		} else if (st) {
			break;
		}
	}
	return st;
}

/* The manager a link names: a login, else the one user of that name, else
 * a new manager in the team of the row.  0, or 65 after reporting. */
static int manager_of(struct uimp *im, const struct link *l, int64_t *id)
{
	static const char by_name[] =
		"SELECT CASE WHEN count(*) = 1 THEN min(id) ELSE -count(*) END FROM users WHERE name = ?1";
	if ((*id = lookup(im->ctx, "SELECT id FROM users WHERE login = ?1", l->manager)))
		return 0;
	if ((*id = lookup(im->ctx, by_name, l->manager)) > 0)
		return 0;
	if (*id < 0) {
		crm_warn("%s: manager '%s' names %lld users", l->where, l->manager, (long long)-*id);
		return EX_DATAERR;
	}
	char *login = login_from_name(l->manager);
	if (!login) {
		crm_warn("%s: no login for manager '%s'", l->where, l->manager);
		return EX_DATAERR;
	}
	const char *v[U_NFIELDS] = {login, l->manager, "", l->team_name, "manager", "", "", ""};
	int st = insert_user(im, v, l->team, id);
	free(login);
	return st;
}

/* Checking: the manager as manager_of will find or make them, the users
 * the rows and the links before would add being remembered. */
static int check_manager(struct uimp *im, const struct link *l)
{
	static const char by_name[] = "SELECT count(*) FROM users WHERE name = ?1";
	if (lookup(im->ctx, "SELECT id FROM users WHERE login = ?1", l->manager) ||
	    seen_count(im, im->seen_login, l->manager))
		return 0;
	long long n = lookup(im->ctx, by_name, l->manager) + seen_count(im, im->seen_name, l->manager);
	if (n > 1) {
		crm_warn("%s: manager '%s' names %lld users", l->where, l->manager, n);
		return EX_DATAERR;
	}
	if (n == 1)
		return 0;
	char *login = login_from_name(l->manager);
	if (!login) {
		crm_warn("%s: no login for manager '%s'", l->where, l->manager);
		return EX_DATAERR;
	}
	seen_add(im, login, l->manager);
	free(login);
	return 0;
}

static int link_managers(struct uimp *im)
{
	static const char sql[] = "UPDATE users SET manager_id = ?2 WHERE id = ?1";
	for (size_t i = 0; i < im->nlinks; i++) {
		const struct link *l = &im->links[i];
		int64_t manager;
		if (!im->apply) {
			im->rj.bad += check_manager(im, l) != 0;
			continue;
		}
		int st = manager_of(im, l, &manager);
		if (st == EX_DATAERR) {
			im->rj.bad++;
			continue;
		}
		if (st)
			return st;
		if (manager == l->user) {
			crm_warn("%s: a user cannot be their own manager '%s'", l->where, l->manager);
			im->rj.bad++;
			continue;
		}
		struct crm_stmt *s = crm_db_stmt(im->ctx->db, sql);
		if (!s)
			return EX_SOFTWARE;
		crm_bind_int(s, 1, l->user);
		crm_bind_int(s, 2, manager);
		if (crm_step(s) != CRM_DONE)
			return crm_db_fail(im->ctx->db, "cannot update user");
		if ((st = crm_audit_write(im->ctx->db, "user", l->user, "import", "manager", NULL,
				       l->manager)))
			return st;
	}
	return 0;
}

/* The users added, after the commit. */
static int print_users(struct uimp *im, FILE *out)
{
	static const char sql[] =
		"SELECT u.id, u.login, u.name, t.name, u.role, m.login FROM users u"
		" LEFT JOIN teams t ON t.id = u.team_id LEFT JOIN users m ON m.id = u.manager_id"
		" WHERE u.id > ?1 ORDER BY u.id";
	static const char *const cols[] = {"id", "login", "name", "team", "role", "manager"};
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, sql);
	const char *row[6];
	int rc;
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, im->max_before);
	struct crm_out *o = crm_out_new(out, im->ctx->opts->format, !im->ctx->opts->no_header);
	crm_out_col(o, cols[0], CRM_COL_INT);
	crm_out_cols(o, cols + 1, 5);
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (int i = 0; i < 6; i++)
			row[i] = crm_col_str(s, i);
		crm_out_row(o, row);
	}
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(im->ctx->db, "cannot list users");
}

static void free_links(struct uimp *im)
{
	for (size_t i = 0; i < im->nlinks; i++) {
		free(im->links[i].manager);
		free(im->links[i].team_name);
		free(im->links[i].where);
	}
	free(im->links);
	im->links = NULL;
	im->nlinks = 0;
	for (size_t i = 0; i < im->nseen; i++) {
		free(im->seen_login[i]);
		free(im->seen_name[i]);
	}
	free(im->seen_login);
	free(im->seen_name);
	im->seen_login = im->seen_name = NULL;
	im->nseen = 0;
}

/* One pass over every input: checking only, or writing (crm_import_run). */
static int run(void *arg, bool apply)
{
	struct uimp *im = arg;
	int st = 0;
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, "SELECT coalesce(max(id), 0) FROM users");
	if (!s)
		return EX_SOFTWARE;
	im->max_before = crm_step(s) == CRM_ROW ? crm_col_int(s, 0) : 0;
	crm_stmt_reset(s);
	im->apply = apply;
	for (int i = 0; i < im->in.n && !st; i++)
		st = import_file(im, i);
	if (!st && (im->rj.bad == 0 || im->rj.skip_bad))
		st = link_managers(im);
	if (!apply)
		free_links(im);
	if (!st && (st = crm_rejects_status(&im->rj)))
		return st;
	s = crm_db_stmt(im->ctx->db, "SELECT count(*) FROM users WHERE id > ?1");
	if (!st && s && apply) {
		crm_bind_int(s, 1, im->max_before);
		im->added = crm_step(s) == CRM_ROW ? crm_col_int(s, 0) : 0;
		crm_stmt_reset(s);
	}
	return st;
}

int crm_user_import(struct crm_ctx *ctx, const struct crm_user_import_opts *o,
		    char **files, int nfiles, FILE *out)
{
	struct uimp im = {.ctx = ctx};
	struct crm_colmap_fields f = {NULL, field_handle, field_name};
	int st;

	files = crm_import_files(files, &nfiles);
	if ((st = crm_ctx_require_admin(ctx, "import users")))
		return st;
	if (ctx->actor.single_user) {
		crm_warn("the first user must be an admin: add one with 'crm-user add --role admin'"
			 " before importing");
		return EX_DATAERR;
	}
	if (o->reject && !o->skip_bad)
		return crm_usage_fail("--reject goes with --skip-bad");
	if ((st = crm_colmap_new(o->map, &f, &im.map)) ||
	    (st = crm_rejects_open(&im.rj, ctx, o->skip_bad, o->reject, files, nfiles)) ||
	    (st = crm_import_inputs_open(&im.in, files, nfiles, (enum crm_rows_format)o->format,
					 im.map, "user", ctx->cfg, aliases, ctx->opts->quiet)))
		goto out;
	st = crm_rejects_save(&im.rj, crm_import_run(ctx, &im.in, o->skip_bad, run, &im));
	/* a dry run prints the users from inside the transaction it then drops */
	if (!st && !ctx->opts->dry_run)
		st = crm_db_commit(ctx->db);
	if (!st)
		st = print_users(&im, out);
	if (st || ctx->opts->dry_run)
		crm_db_rollback(ctx->db);
	if (!st && !ctx->opts->quiet)
		crm_warn("%s %ld users, %ld teams, rejected %ld", ctx->opts->dry_run ? "would import"
			 : "imported", im.added, im.teams, im.rj.bad);
out:
	st = crm_rejects_close(&im.rj, st);
	crm_import_inputs_close(&im.in);
	free_links(&im);
	crm_colmap_free(im.map);
	return st;
}
