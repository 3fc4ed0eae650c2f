/* db_sqlite.c: the SQLite backend of db.h (through db_backend.h): the one
 * file that names sqlite3.  A database is a file (mode 0600) in WAL mode
 * with foreign keys on; the schema version is PRAGMA user_version. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <sqlite3.h>

#include "db_backend.h"
#include "dialect.h"
#include "err.h"
#include "schema.h"

#define STMT_CACHE 128	/* power of two */

/* A statement is SQLite's own, behind the common head of db_backend.h. */
struct sq_stmt {
	struct crm_stmt base;
	sqlite3_stmt *h;
};

struct sq_cached {
	const char *sql;
	struct sq_stmt *st;
};

struct sq_db {
	struct crm_db base;
	sqlite3 *h;
	char *made_dir;		/* the first directory crm init made, or NULL */
	struct sq_cached cache[STMT_CACHE];
};

#define SQ(db) ((struct sq_db *)(db))
#define ST(st) (((struct sq_stmt *)(st))->h)

static bool sq_in_transaction(struct crm_db *db) { return !sqlite3_get_autocommit(SQ(db)->h); }
static const char *sq_errmsg(struct crm_db *db) { return sqlite3_errmsg(SQ(db)->h); }
static int64_t sq_changes(struct crm_db *db) { return sqlite3_changes(SQ(db)->h); }
static int64_t sq_total_changes(struct crm_db *db) { return sqlite3_total_changes(SQ(db)->h); }
static int64_t sq_last_id(struct crm_db *db) { return sqlite3_last_insert_rowid(SQ(db)->h); }
int crm_db_schema_version(void) { return crm_schema_count(); }

static int sq_fail(struct crm_db *db, const char *what)
{
	int rc = sqlite3_extended_errcode(SQ(db)->h);
	const char *msg = sqlite3_errmsg(SQ(db)->h);
	/* "disk I/O error" alone does not say whether the disk is full or
	 * the file too large: the system does */
	int sys = (rc & 0xff) == SQLITE_IOERR ? sqlite3_system_errno(SQ(db)->h) : 0;
	char why[256];
	if (sys) {
		snprintf(why, sizeof why, "%s (%s)", msg, strerror(sys));
		msg = why;
	}
	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		crm_warn("%s: %s: database is locked (busy timeout expired)", db->path, what);
		return EX_UNAVAILABLE;
	case SQLITE_FULL:
		crm_warn("%s: %s: %s", db->path, what, msg);
		return EX_IOERR;
	case SQLITE_IOERR:
		crm_warn("%s: %s: %s", db->path, what, msg);
		return EX_IOERR;
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		crm_warn("%s: %s: %s", db->path, what, msg);
		return EX_CANTCREAT;
	case SQLITE_CONSTRAINT:
		crm_warn("%s: %s", what, msg);
		return EX_DATAERR;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		crm_warn("%s: %s: %s", db->path, what, msg);
		return EX_DATAERR;
	default:
		crm_warn("%s: %s: %s", db->path, what, msg);
		return EX_SOFTWARE;
	}
}

static int sq_exec(struct crm_db *db, const char *sql)
{
	if (sqlite3_exec(SQ(db)->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return crm_db_fail(db, "cannot run statement");
	return 0;
}


/* mkdir -p for the directory part of path, mode 0700 (it holds personal
 * data); the first directory made is remembered so that crm init --group
 * can hand every one it made to the group. */
static int make_parent(struct crm_db *db)
{
	char *dir = crm_xstrdup(db->path);
	for (char *p = dir + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == 0) {
			if (!SQ(db)->made_dir)
				SQ(db)->made_dir = crm_xstrdup(dir);
		} else if (errno != EEXIST) {
			crm_warn_errno("cannot create directory '%s'", dir);
			free(dir);
			return EX_CANTCREAT;
		}
		*p = '/';
	}
	free(dir);
	return 0;
}

static int not_crm(struct crm_db *db, enum crm_db_mode mode)
{
	if (mode != CRM_DB_CREATE) {
		crm_warn("%s: not a crm database", db->path);
		return EX_NOINPUT;
	}
	crm_warn("%s: not a crm database; crm init will not write over it", db->path);
	return EX_CANTCREAT;
}

/* Only crm init creates: the file ourselves, so that it is born 0600
 * whatever the umask.  Every other command needs a file that is there and
 * not empty; what is inside is checked once it is open (is_crm). */
static int find_file(struct crm_db *db, enum crm_db_mode mode)
{
	const char *path = db->path;
	struct stat sb;
	if (strcmp(path, ":memory:") == 0)
		return 0;
	if (stat(path, &sb) != 0) {
		if (errno != ENOENT && errno != ENOTDIR) {
			crm_warn_errno("%s: cannot open database", path);
			return mode == CRM_DB_CREATE ? EX_CANTCREAT : EX_NOINPUT;
		}
		if (mode != CRM_DB_CREATE) {
			crm_warn("%s: no such database (run 'crm init' to create one)", path);
			return EX_NOINPUT;
		}
		int st = make_parent(db);
		if (st)
			return st;
		int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
		if (fd < 0 && errno != EEXIST) {
			crm_warn_errno("cannot create database '%s'", path);
			return EX_CANTCREAT;
		}
		if (fd >= 0)
			close(fd);
		return 0;
	}
	if (S_ISDIR(sb.st_mode)) {
		crm_warn("%s: is a directory, not a crm database", path);
		return mode == CRM_DB_CREATE ? EX_CANTCREAT : EX_NOINPUT;
	}
	if (!S_ISREG(sb.st_mode))
		return not_crm(db, mode);
	if (sb.st_size == 0 && mode != CRM_DB_CREATE) {
		crm_warn("%s: empty file, not a crm database", path);
		return EX_NOINPUT;
	}
	return 0;
}

static int user_version(struct crm_db *db, int *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(SQ(db)->h, "PRAGMA user_version", -1, &st, NULL) != SQLITE_OK)
		return crm_db_fail(db, "cannot read schema version");
	int rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return crm_db_fail(db, "cannot read schema version");
	return 0;
}

/* Is the open file a crm database?  Every crm schema has a version and,
 * since version 1, these four tables; crm init may also take a database
 * with nothing in it at all (an empty file, or an init that was
 * interrupted).  Asked before anything is written, so a file that is not
 * ours is left as it was. */
static int is_crm(struct crm_db *db, enum crm_db_mode mode)
{
	sqlite3_stmt *st;
	int v, rc = sqlite3_prepare_v2(SQ(db)->h,
		"SELECT count(*), coalesce(sum(type = 'table' AND name IN"
		" ('teams', 'users', 'leads', 'audit')), 0) FROM sqlite_master", -1, &st, NULL);
	if (rc == SQLITE_OK)
		rc = sqlite3_step(st);
	int objects = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	int ours = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
	sqlite3_finalize(st);
	if ((rc & 0xff) == SQLITE_NOTADB)
		return not_crm(db, mode);
	if (rc != SQLITE_ROW)
		return crm_db_fail(db, "cannot open database");
	if ((rc = user_version(db, &v)))
		return rc;
	if (v == 0 && objects == 0 && mode == CRM_DB_CREATE)
		return 0;
	return v >= 1 && ours == 4 ? 0 : not_crm(db, mode);
}

static int too_new(struct crm_db *db, int v)
{
	crm_warn("%s: database schema version %d is newer than this tool's (%d); "
		 "upgrade crm", db->path, v, crm_schema_count());
	return EX_DATAERR;
}

static int migrate(struct crm_db *db)
{
	int v, st;
	if ((st = user_version(db, &v)))
		return st;
	if (v > crm_schema_count())
		return too_new(db, v);
	if (v == crm_schema_count())
		return 0;
	if ((st = crm_db_begin(db)))
		return st;
	/* another process may have migrated while we waited for the lock */
	if ((st = user_version(db, &v)))
		goto fail;
	int from = v;
	for (; v < crm_schema_count(); v++) {
		if (sqlite3_exec(SQ(db)->h, crm_schema_step(v), NULL, NULL, NULL) != SQLITE_OK) {
			char what[64];
			snprintf(what, sizeof what, "migration to schema version %d", v + 1);
			st = crm_db_fail(db, what);
			goto fail;
		}
	}
	if (db->ext && db->ext->migrated && (st = db->ext->migrated(db, db->ext_state, from)))
		goto fail;
	char sql[64];
	snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v);
	if ((st = crm_db_exec(db, sql)))
		goto fail;
	return crm_db_commit(db);
fail:
	crm_db_rollback(db);
	return st;
}

static int busy_timeout_ms(void)
{
	const char *s = getenv("CRM_BUSY_TIMEOUT");
	if (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end == '\0' && v >= 0 && v < 3600000)
			return (int)v;
		crm_warn("ignoring invalid CRM_BUSY_TIMEOUT '%s'", s);
	}
	return 5000;
}

/* Switching to WAL needs a moment alone with the file, and the busy
 * handler is not consulted for it: two tools opening a new database at the
 * same time must take turns by hand, within the busy timeout. */
static int set_wal(struct crm_db *db)
{
	int waited = 0, limit = busy_timeout_ms();
	for (;;) {
		int rc = sqlite3_exec(SQ(db)->h, "PRAGMA journal_mode = WAL", NULL, NULL, NULL);
		if (rc == SQLITE_OK)
			return 0;
		if ((rc & 0xff) != SQLITE_BUSY || waited >= limit)
			return crm_db_fail(db, "cannot switch to WAL");
		sqlite3_sleep(20);
		waited += 20;
	}
}

static int sq_open(const char *path, enum crm_db_mode mode, const struct crm_db_ext *ext,
		struct crm_db **out)
{
	int st;
	*out = NULL;
	struct crm_db *db = crm_xcalloc(1, sizeof(struct sq_db));
	crm_db_init_common(db, &crm_backend_sqlite, path, NULL);
	if ((st = find_file(db, mode))) {
		crm_db_close(db);
		return st;
	}
	if (sqlite3_open_v2(path, &SQ(db)->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		st = SQ(db)->h ? crm_db_fail(db, "cannot open database") : EX_SOFTWARE;
		crm_db_close(db);
		return st;
	}
	sqlite3_extended_result_codes(SQ(db)->h, 1);
	db->ext = ext;	/* from now on: crm_db_close detaches */
	if (ext && ext->attach && !(db->ext_state = ext->attach(db))) {
		crm_db_close(db);
		return EX_SOFTWARE;
	}
	sqlite3_busy_timeout(SQ(db)->h, busy_timeout_ms());
	if (strcmp(path, ":memory:") != 0 && (st = is_crm(db, mode))) {
		crm_db_close(db);
		return st;
	}
	/* Keep the -wal and -shm files when the last connection closes: else
	 * every command creates both and deletes them again, and on ext4 that
	 * is a tenth of what a one-row command costs (make bench, "show").
	 * The WAL is still checkpointed at that close, and journal_size_limit
	 * (any value >= 0) has SQLite truncate it to nothing then. */
	int persist = 1;
	sqlite3_file_control(SQ(db)->h, "main", SQLITE_FCNTL_PERSIST_WAL, &persist);
	/* journal_mode is persistent; setting it again costs a lock, so look first */
	if (sqlite3_exec(SQ(db)->h, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;"
			 " PRAGMA journal_size_limit = 67108864;", NULL, NULL, NULL) != SQLITE_OK) {
		st = crm_db_fail(db, "cannot open database");
		crm_db_close(db);
		return st;
	}
	sqlite3_stmt *jm;
	if (sqlite3_prepare_v2(SQ(db)->h, "PRAGMA journal_mode", -1, &jm, NULL) != SQLITE_OK ||
	    sqlite3_step(jm) != SQLITE_ROW) {
		st = crm_db_fail(db, "cannot open database");
		sqlite3_finalize(jm);
		crm_db_close(db);
		return st;
	}
	int is_wal = strcmp((const char *)sqlite3_column_text(jm, 0), "wal") == 0;
	sqlite3_finalize(jm);
	if (!is_wal && strcmp(path, ":memory:") != 0 && (st = set_wal(db))) {
		crm_db_close(db);
		return st;
	}
	if ((st = migrate(db))) {
		crm_db_close(db);
		return st;
	}
	*out = db;
	return 0;
}

/* Give one file or directory to gid with mode; fd >= 0 is it, open. */
static int share_one(const char *path, int fd, gid_t gid, mode_t mode)
{
	int rc = fd >= 0 ? fchown(fd, (uid_t)-1, gid) : chown(path, (uid_t)-1, gid);
	if (rc == 0)
		rc = fd >= 0 ? fchmod(fd, mode) : chmod(path, mode);
	if (rc != 0) {
		crm_warn_errno("cannot make '%s' group-writable", path);
		return EX_CANTCREAT;
	}
	return 0;
}

static int share_file(const char *path, const char *suffix, gid_t gid)
{
	char *name = crm_xasprintf("%s%s", path, suffix);
	/* no O_CREAT for the database itself: it is there and may be a link */
	int fd = *suffix ? open(name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600)
			 : open(name, O_RDONLY | O_CLOEXEC);
	int st;
	if (fd < 0) {
		crm_warn_errno("cannot make '%s' group-writable", name);
		st = EX_CANTCREAT;
	} else {
		st = share_one(name, fd, gid, 0660);
		close(fd);
	}
	free(name);
	return st;
}

static int sq_share(struct crm_db *db, gid_t gid)
{
	char *dir = crm_xstrdup(db->path);
	char *slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		slash[1] = '\0';
	else
		*slash = '\0';
	struct stat sb;
	int st = 0;
	if (stat(dir, &sb) != 0) {
		crm_warn_errno("cannot read directory '%s'", dir);
		st = EX_CANTCREAT;
	}
	if (!st && gid == (gid_t)-1)
		gid = sb.st_gid;
	if (!st && SQ(db)->made_dir) {
		/* from the first directory made down to the database's */
		for (char *p = dir + strlen(SQ(db)->made_dir);; p++) {
			if (*p && *p != '/')
				continue;
			char c = *p;
			*p = '\0';
			st = share_one(dir, -1, gid, 02770);
			*p = c;
			if (st || !c)
				break;
		}
	} else if (!st && (sb.st_gid != gid || (sb.st_mode & 02070) != 02070) &&
		   (sb.st_mode & 0003) != 0003) {
		struct group *gr = getgrgid(gid);
		crm_warn("warning: directory '%s' is not setgid and writable for group '%s': "
			 "members cannot recreate the -wal and -shm files (chgrp and chmod 2770 it)",
			 dir, gr ? gr->gr_name : "?");
	}
	free(dir);
	for (const char *const *sfx = (const char *const[]){"", "-wal", "-shm", NULL}; !st && *sfx; sfx++)
		st = share_file(db->path, *sfx, gid);
	return st;
}

static void sq_finish(struct crm_stmt *st);

static void sq_close(struct crm_db *db)
{
	struct sq_cached *cache = SQ(db)->cache;
	for (size_t i = 0; i < STMT_CACHE; i++)
		sq_finish((struct crm_stmt *)cache[i].st);
	sqlite3_close(SQ(db)->h);
	free(SQ(db)->made_dir);
}


static void sq_reset_statements(struct crm_db *db)
{
	for (sqlite3_stmt *s = sqlite3_next_stmt(SQ(db)->h, NULL); s; s = sqlite3_next_stmt(SQ(db)->h, s))
		if (sqlite3_stmt_busy(s))
			sqlite3_reset(s);
}

static int sq_begin(struct crm_db *db)
{
	/* a cached statement stopped half-way holds a read snapshot: BEGIN
	 * IMMEDIATE would then fail at once with SQLITE_BUSY_SNAPSHOT instead
	 * of waiting for the busy timeout, whenever another process wrote */
	crm_db_reset_statements(db);
	db->tx_serial++;
	if (sqlite3_exec(SQ(db)->h, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return crm_db_fail(db, "cannot start transaction");
	return 0;
}

static int sq_commit(struct crm_db *db)
{
	db->tx_serial++;
	if (sqlite3_exec(SQ(db)->h, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		int st = crm_db_fail(db, "cannot commit");
		crm_db_rollback(db);
		return st;
	}
	return 0;
}

static void sq_rollback(struct crm_db *db)
{
	db->tx_serial++;
	if (!sqlite3_get_autocommit(SQ(db)->h))
		sqlite3_exec(SQ(db)->h, "ROLLBACK", NULL, NULL, NULL);
}

static struct crm_stmt *sq_stmt(struct crm_db *db, const char *sql)
{
	struct sq_cached *cache = SQ(db)->cache;
	size_t i = ((uintptr_t)sql >> 3) & (STMT_CACHE - 1);
	for (size_t n = 0; n < STMT_CACHE; n++, i = (i + 1) & (STMT_CACHE - 1)) {
		if (cache[i].sql == sql) {
			sqlite3_reset(cache[i].st->h);
			sqlite3_clear_bindings(cache[i].st->h);
			return &cache[i].st->base;
		}
		if (!cache[i].sql)
			break;
	}
	if (cache[i].sql) {
		crm_warn("internal error: statement cache full");
		return NULL;
	}
	sqlite3_stmt *h;
	if (sqlite3_prepare_v3(SQ(db)->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &h, NULL) != SQLITE_OK) {
		crm_warn("internal error: cannot prepare statement: %s", sqlite3_errmsg(SQ(db)->h));
		return NULL;
	}
	struct sq_stmt *st = crm_xcalloc(1, sizeof *st);
	st->base.be = &crm_backend_sqlite;
	st->h = h;
	cache[i].sql = sql;
	cache[i].st = st;
	return &st->base;
}

static int sq_prepare(struct crm_db *db, const char *sql, struct crm_stmt **out)
{
	sqlite3_stmt *h = NULL;
	int rc = sqlite3_prepare_v2(SQ(db)->h, sql, -1, &h, NULL);
	*out = NULL;
	if (rc != SQLITE_OK)
		return rc;
	struct sq_stmt *st = crm_xcalloc(1, sizeof *st);
	st->base.be = &crm_backend_sqlite;
	st->h = h;
	*out = &st->base;
	return CRM_OK;
}

static void sq_finish(struct crm_stmt *st)
{
	if (!st)
		return;
	sqlite3_finalize(ST(st));
	free(st);
}
static void sq_reset(struct crm_stmt *st) { sqlite3_reset(ST(st)); }
static void sq_clear(struct crm_stmt *st) { sqlite3_clear_bindings(ST(st)); }
static int sq_step(struct crm_stmt *st) { return sqlite3_step(ST(st)); }

static int sq_bind_int(struct crm_stmt *st, int i, int64_t v) { return sqlite3_bind_int64(ST(st), i, v); }
static int sq_bind_null(struct crm_stmt *st, int i) { return sqlite3_bind_null(ST(st), i); }

static int sq_bind_strn(struct crm_stmt *st, int i, const char *s, int len)
{
	return sqlite3_bind_text(ST(st), i, s, len, SQLITE_STATIC);
}

static int sq_bind_copyn(struct crm_stmt *st, int i, const char *s, int len)
{
	return sqlite3_bind_text(ST(st), i, s, len, SQLITE_TRANSIENT);
}

static int sq_bind_owned(struct crm_stmt *st, int i, char *s)
{
	return sqlite3_bind_text(ST(st), i, s, -1, free);
}

static int sq_bind_blob(struct crm_stmt *st, int i, const void *p, int len)
{
	return p ? sqlite3_bind_blob(ST(st), i, p, len, SQLITE_TRANSIENT) : sqlite3_bind_null(ST(st), i);
}

static int sq_param_index(struct crm_stmt *st, const char *name)
{
	return sqlite3_bind_parameter_index(ST(st), name);
}

static int sq_param_count(struct crm_stmt *st) { return sqlite3_bind_parameter_count(ST(st)); }

static int64_t sq_col_int(struct crm_stmt *st, int i) { return sqlite3_column_int64(ST(st), i); }
static bool sq_col_null(struct crm_stmt *st, int i) { return sqlite3_column_type(ST(st), i) == SQLITE_NULL; }
static const char *sq_col_str(struct crm_stmt *st, int i) { return (const char *)sqlite3_column_text(ST(st), i); }
static int sq_col_bytes(struct crm_stmt *st, int i) { return sqlite3_column_bytes(ST(st), i); }
static const void *sq_col_blob(struct crm_stmt *st, int i) { return sqlite3_column_blob(ST(st), i); }
static int sq_col_count(struct crm_stmt *st) { return sqlite3_column_count(ST(st)); }

/* ---- SQL functions written in C ---- */

struct crm_fn {
	sqlite3_context *cx;
	sqlite3_value **argv;
};

struct fn_def {
	crm_fn_body *body;
	void *data;
};

static void fn_call(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct fn_def *def = sqlite3_user_data(cx);
	struct crm_fn fn = {cx, argv};
	def->body(&fn, argc);
}

static int sq_define(struct crm_db *db, const char *name, int nargs, unsigned flags,
		  crm_fn_body *body, void *data)
{
	struct fn_def *def = crm_xcalloc(1, sizeof *def);
	int how = SQLITE_UTF8;
	def->body = body;
	def->data = data;
	if (flags & CRM_FN_DETERMINISTIC)
		how |= SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
	if (flags & CRM_FN_DIRECT_ONLY)
		how |= SQLITE_DIRECTONLY;
	/* SQLite frees def (with free) when the function is replaced or the
	 * connection closes, and also when this call fails */
	if (sqlite3_create_function_v2(SQ(db)->h, name, nargs, how, def, fn_call, NULL, NULL, free) !=
	    SQLITE_OK) {
		crm_warn("internal error: cannot define SQL function %s: %s", name,
			 sqlite3_errmsg(SQ(db)->h));
		return EX_SOFTWARE;
	}
	return 0;
}

void *crm_fn_data(struct crm_fn *fn) { return ((struct fn_def *)sqlite3_user_data(fn->cx))->data; }
bool crm_fn_null(struct crm_fn *fn, int i) { return sqlite3_value_type(fn->argv[i]) == SQLITE_NULL; }
int64_t crm_fn_int(struct crm_fn *fn, int i) { return sqlite3_value_int64(fn->argv[i]); }
const unsigned char *crm_fn_text(struct crm_fn *fn, int i) { return sqlite3_value_text(fn->argv[i]); }
int crm_fn_bytes(struct crm_fn *fn, int i) { return sqlite3_value_bytes(fn->argv[i]); }
void crm_fn_return_null(struct crm_fn *fn) { sqlite3_result_null(fn->cx); }
void crm_fn_return_error(struct crm_fn *fn, const char *msg) { sqlite3_result_error(fn->cx, msg, -1); }

void crm_fn_return_text(struct crm_fn *fn, const char *s, int len)
{
	sqlite3_result_text(fn->cx, s, len, SQLITE_TRANSIENT);
}

void crm_fn_return_owned(struct crm_fn *fn, char *s, int len)
{
	sqlite3_result_text(fn->cx, s, len, free);
}

void crm_fn_return_blob(struct crm_fn *fn, const void *p, int len)
{
	sqlite3_result_blob(fn->cx, p, len, SQLITE_TRANSIENT);
}

/* ---- checks ---- */

/* Report the last error of h about file (what failed) and return its
 * status: a full disk or an I/O error 74 (with the system's reason), a
 * file that is no database 65, else 73. */
static int file_fail(sqlite3 *h, const char *file, const char *what)
{
	int rc = h ? sqlite3_extended_errcode(h) : SQLITE_NOMEM;
	int sys = h && ((rc & 0xff) == SQLITE_IOERR || (rc & 0xff) == SQLITE_FULL)
		  ? sqlite3_system_errno(h) : 0;
	const char *msg = h ? sqlite3_errmsg(h) : sqlite3_errstr(rc);
	if (sys)
		crm_warn("%s: %s: %s (%s)", file, what, msg, strerror(sys));
	else
		crm_warn("%s: %s: %s", file, what, msg);
	switch (rc & 0xff) {
	case SQLITE_FULL:
	case SQLITE_IOERR:
		return EX_IOERR;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return EX_DATAERR;
	default:
		return EX_CANTCREAT;
	}
}

static const char *col_text(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);
	return s ? (const char *)s : "";
}

/* Run a checking pragma on h, reporting each row that is not "ok" against
 * path: 0, 65, or after a failed query what fail makes of it. */
static int check_pragma(sqlite3 *h, const char *path, const char *sql, const char *what,
			int *failed)
{
	sqlite3_stmt *st;
	int problems = 0, rc;
	*failed = 0;
	if ((rc = sqlite3_prepare_v2(h, sql, -1, &st, NULL)) != SQLITE_OK) {
		*failed = 1;
		return rc;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int n = sqlite3_column_count(st);
		if (n == 1 && strcmp(col_text(st, 0), "ok") == 0)
			continue;
		char line[512] = "";
		size_t len = 0;
		for (int i = 0; i < n && len < sizeof line - 1; i++)
			len += (size_t)snprintf(line + len, sizeof line - len, "%s%s",
						i ? " " : "", col_text(st, i));
		crm_warn("%s: %s: %s", path, what, line);
		problems++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		*failed = 1;
		return rc;
	}
	return problems ? EX_DATAERR : 0;
}

static int check_live(struct crm_db *db, const char *sql, const char *what)
{
	int failed, st = check_pragma(SQ(db)->h, db->path, sql, what, &failed);
	return failed ? crm_db_fail(db, what) : st;
}

static int sq_check(struct crm_db *db)
{
	int a = check_live(db, "PRAGMA integrity_check", "integrity check");
	int b = check_live(db, "PRAGMA foreign_key_check", "foreign key check");
	return a ? a : b;
}

static int sq_integrity(struct crm_db *db)
{
	return check_live(db, "PRAGMA integrity_check", "integrity check");
}

static int sq_secure_delete(struct crm_db *db)
{
	return crm_db_exec(db, "PRAGMA secure_delete = ON");
}

static int sq_checkpoint_truncate(struct crm_db *db)
{
	sqlite3_stmt *st;
	crm_db_reset_statements(db);	/* a statement left open is a reader */
	if (sqlite3_prepare_v2(SQ(db)->h, "PRAGMA main.wal_checkpoint(TRUNCATE)", -1, &st, NULL) != SQLITE_OK)
		return crm_db_fail(db, "cannot checkpoint the write-ahead log");
	int rc = sqlite3_step(st);
	/* one row: busy (1 when a reader or writer kept it from finishing),
	 * frames in the log, frames copied */
	bool busy = rc == SQLITE_ROW && sqlite3_column_int(st, 0) != 0;
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return crm_db_fail(db, "cannot checkpoint the write-ahead log");
	if (busy) {
		crm_warn("%s-wal: still in use by another connection; old page images stay in it"
			 " until the next checkpoint", db->path);
		return EX_UNAVAILABLE;
	}
	return 0;
}

/* A file has no logins: who may open it is the boundary. */
static char *sq_session_role(struct crm_db *db)
{
	(void)db;
	return NULL;
}

static int sq_set_role(struct crm_db *db, const char *role)
{
	(void)db;
	(void)role;
	return 0;
}

static bool sq_has_secure_delete(struct crm_db *db)
{
	(void)db;
	return true;
}

static int sq_private_temp(struct crm_db *db)
{
	return crm_db_exec(db, "PRAGMA temp_store = MEMORY");
}

static bool sq_has_table(struct crm_db *db, const char *table)
{
	struct crm_stmt *st = crm_db_stmt(db,
		"SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1");
	if (!st)
		return false;
	crm_bind_strn(st, 1, table, -1);
	bool found = crm_step(st) == CRM_ROW;
	crm_stmt_reset(st);
	return found;
}

/* ANALYZE with SQLITE_ENABLE_STAT4 keeps sample keys in sqlite_stat4. */
static int sq_forget_statistics(struct crm_db *db, const char *const *tables)
{
	if (!crm_db_has_table(db, "sqlite_stat4"))
		return 0;
	struct crm_stmt *st = crm_db_stmt(db, "DELETE FROM sqlite_stat4 WHERE tbl = ?1");
	for (; st && *tables; tables++) {
		crm_bind_strn(st, 1, *tables, -1);
		if (crm_step(st) != CRM_DONE)
			return crm_db_fail(db, "cannot erase index statistics");
		crm_stmt_reset(st);
	}
	return st ? 0 : EX_SOFTWARE;
}

/* ---- whole-file copies ---- */

static int query_int(sqlite3 *h, const char *sql, int *v)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	*v = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

static int sq_file_verify(const char *path, const char *file, bool exact)
{
	sqlite3 *h = NULL;
	int st, version, tables, failed;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		st = file_fail(h, file, "cannot open");
		sqlite3_close(h);
		return st;
	}
	sqlite3_extended_result_codes(h, 1);
	st = check_pragma(h, file, "PRAGMA integrity_check", "integrity check", &failed);
	if (failed)
		st = file_fail(h, file, "integrity check");
	if (st)
		goto out;
	if (query_int(h, "PRAGMA user_version", &version) ||
	    query_int(h, "SELECT count(*) FROM sqlite_master WHERE type = 'table'"
		      " AND name IN ('users', 'audit')", &tables)) {
		st = file_fail(h, file, "cannot read the schema");
		goto out;
	}
	if (tables != 2 || version < 1) {
		crm_warn("%s: not a crm database", file);
		st = EX_DATAERR;
	} else if (exact ? version != crm_db_schema_version() : version > crm_db_schema_version()) {
		crm_warn("%s: schema version %d, %s this tool's (%d)", file, version,
			 exact ? "not" : "newer than", crm_db_schema_version());
		st = exact ? EX_SOFTWARE : EX_DATAERR;
	}
out:
	sqlite3_close(h);
	return st;
}

/* With the online backup API: in WAL mode one read transaction, which
 * writers elsewhere do not wait for.  The copy is left in rollback-journal
 * mode, one self-contained file; the next open of it as a live database
 * turns WAL on again. */
static int copy_db(sqlite3 *from, const char *path, const char *file)
{
	sqlite3 *dst = NULL;
	int st = 0, rc;
	if (sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
		st = file_fail(dst, file, "cannot create");
		sqlite3_close(dst);
		return st;
	}
	sqlite3_extended_result_codes(dst, 1);
	sqlite3_backup *b = sqlite3_backup_init(dst, "main", from, "main");
	if (!b) {
		st = file_fail(dst, file, "cannot start copy");
		sqlite3_close(dst);
		return st;
	}
	while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED)
		sqlite3_sleep(10);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE)
		st = file_fail(dst, file, "copy failed");
	else if (sqlite3_exec(dst, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL) != SQLITE_OK)
		st = file_fail(dst, file, "copy failed");
	if (sqlite3_close(dst) != SQLITE_OK && !st)
		st = file_fail(dst, file, "copy failed");
	return st;
}

static int sq_copy_into(struct crm_db *db, const char *src, const char *path, const char *file)
{
	if (db)
		return copy_db(SQ(db)->h, path, file);
	sqlite3 *h = NULL;
	int st;
	if (sqlite3_open_v2(src, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		st = file_fail(h, src, "cannot open");
	else
		st = copy_db(h, path, file);
	sqlite3_close(h);
	return st;
}

static int sq_swap_prepare(struct crm_db *db)
{
	crm_db_reset_statements(db);	/* a half-read statement is a reader too */
	if (sqlite3_wal_checkpoint_v2(SQ(db)->h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		return crm_db_fail(db, "cannot empty the WAL before the restore");
	return 0;
}

static void sq_swap_done(struct crm_db *db)
{
	sqlite3_db_config(SQ(db)->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
}

/* ---- the bulk writer: one prepared INSERT, stepped a row at a time ---- */

static int sq_bulk_begin(struct crm_bulk *b)
{
	size_t len = strlen(b->table) + 32;
	for (int i = 0; i < b->ncols; i++)
		len += strlen(b->cols[i]) + 16;
	char *sql = crm_xmalloc(len);
	int off = snprintf(sql, len, "INSERT INTO %s (", b->table);
	for (int i = 0; i < b->ncols; i++)
		off += snprintf(sql + off, len - (size_t)off, "%s%s", i ? ", " : "", b->cols[i]);
	off += snprintf(sql + off, len - (size_t)off, ") VALUES (");
	for (int i = 0; i < b->ncols; i++)
		off += snprintf(sql + off, len - (size_t)off, "%s?%d", i ? ", " : "", i + 1);
	snprintf(sql + off, len - (size_t)off, ")");
	sqlite3_stmt *h = NULL;
	int rc = sqlite3_prepare_v3(SQ(b->db)->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &h, NULL);
	free(sql);
	b->be = h;
	return rc != SQLITE_OK;
}

static int sq_bulk_row(struct crm_bulk *b)
{
	sqlite3_stmt *h = b->be;
	for (int i = 0; i < b->ncols; i++) {
		const struct crm_bulk_val *v = &b->v[i];
		switch (v->kind) {
		case CRM_BV_NULL: sqlite3_bind_null(h, i + 1); break;
		case CRM_BV_INT: sqlite3_bind_int64(h, i + 1, v->i); break;
		case CRM_BV_TEXT: sqlite3_bind_text(h, i + 1, v->p, v->len, SQLITE_STATIC); break;
		case CRM_BV_BLOB: sqlite3_bind_blob(h, i + 1, v->p, v->len, SQLITE_STATIC); break;
		}
	}
	int rc = sqlite3_step(h);
	sqlite3_reset(h);
	return rc != SQLITE_DONE;
}

static int sq_bulk_end(struct crm_bulk *b)
{
	if (b->failed)
		return 1;	/* the row's error is still the connection's */
	sqlite3_finalize(b->be);
	b->be = NULL;
	return 0;
}

static void sq_bulk_abort(struct crm_bulk *b)
{
	sqlite3_finalize(b->be);
	b->be = NULL;
}

const struct crm_backend crm_backend_sqlite = {
	.name = "sqlite",
	.dialect = &crm_dialect_sqlite,
	.open = sq_open,
	.close = sq_close,
	.share = sq_share,
	.reset_statements = sq_reset_statements,
	.begin = sq_begin,
	.commit = sq_commit,
	.rollback = sq_rollback,
	.in_transaction = sq_in_transaction,
	.stmt = sq_stmt,
	.prepare = sq_prepare,
	.fail = sq_fail,
	.errmsg = sq_errmsg,
	.exec = sq_exec,
	.changes = sq_changes,
	.total_changes = sq_total_changes,
	.last_id = sq_last_id,
	.define = sq_define,
	.check = sq_check,
	.integrity = sq_integrity,
	.secure_delete = sq_secure_delete,
	.checkpoint_truncate = sq_checkpoint_truncate,
	.has_secure_delete = sq_has_secure_delete,
	.session_role = sq_session_role,
	.set_role = sq_set_role,
	.private_temp = sq_private_temp,
	.forget_statistics = sq_forget_statistics,
	.has_table = sq_has_table,
	/* pragma_table_list types virtual and shadow tables apart */
	.catalogue_sql =
		"SELECT t.name, c.name, CASE upper(c.type) WHEN 'INTEGER' THEN 'integer'"
		" WHEN 'BLOB' THEN 'blob' ELSE 'text' END, c.\"notnull\", c.pk,"
		" (SELECT k.\"table\" FROM pragma_foreign_key_list(t.name) k WHERE k.\"from\" = c.name)"
		" FROM pragma_table_list t, pragma_table_info(t.name) c"
		" WHERE t.schema = 'main' AND t.type = 'table' AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'"
		" ORDER BY t.name, c.cid",
	.version_sql = "PRAGMA user_version",
	.file_verify = sq_file_verify,
	.copy_into = sq_copy_into,
	.swap_prepare = sq_swap_prepare,
	.swap_done = sq_swap_done,
	.bulk_begin = sq_bulk_begin,
	.bulk_row = sq_bulk_row,
	.bulk_end = sq_bulk_end,
	.bulk_abort = sq_bulk_abort,
	.finish = sq_finish,
	.reset = sq_reset,
	.clear = sq_clear,
	.step = sq_step,
	.bind_int = sq_bind_int,
	.bind_null = sq_bind_null,
	.bind_strn = sq_bind_strn,
	.bind_copyn = sq_bind_copyn,
	.bind_owned = sq_bind_owned,
	.bind_blob = sq_bind_blob,
	.param_index = sq_param_index,
	.param_count = sq_param_count,
	.col_int = sq_col_int,
	.col_null = sq_col_null,
	.col_str = sq_col_str,
	.col_bytes = sq_col_bytes,
	.col_blob = sq_col_blob,
	.col_count = sq_col_count,
};
