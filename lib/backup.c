/* backup.c: see backup.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "backup.h"
#include "db.h"
#include "err.h"
#include "outfile.h"

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

/* PRAGMA integrity_check on h, each problem reported against file: 0, 65,
 * or the status of a failed query. */
static int integrity(sqlite3 *h, const char *file)
{
	sqlite3_stmt *st;
	int problems = 0, rc;
	if (sqlite3_prepare_v2(h, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
		return file_fail(h, file, "integrity check");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *line = (const char *)sqlite3_column_text(st, 0);
		if (line && strcmp(line, "ok") == 0)
			continue;
		if (problems++ < 10)
			crm_warn("%s: integrity check: %s", file, line ? line : "");
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return file_fail(h, file, "integrity check");
	return problems ? EX_DATAERR : 0;
}

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

/* Is the file at path (named file in messages) a sound crm database, of
 * exactly this tool's schema version (exact) or of one no newer? */
static int verify(const char *path, const char *file, bool exact)
{
	sqlite3 *h = NULL;
	int st, version, tables;
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		st = file_fail(h, file, "cannot open");
		sqlite3_close(h);
		return st;
	}
	sqlite3_extended_result_codes(h, 1);
	if ((st = integrity(h, file)))
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

/* Copy the database from into the (empty) file at path with the online
 * backup API: in WAL mode one read transaction, which writers elsewhere do
 * not wait for.  The copy is left in rollback-journal mode, one
 * self-contained file; the next open of it as a live database turns WAL on
 * again.  file names path in messages. */
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

/* Copy from into a new temporary file beside near, sync it and verify it:
 * a backup (like NULL) must have this tool's schema version; a restore
 * copy, given the mode and group of the database it replaces (like), one
 * no newer.  0 with *tmp (free it). */
static int make_copy(sqlite3 *from, const char *near, const char *file, const struct stat *like,
		     char **tmp)
{
	int fd, st;
	if ((st = crm_outfile_temp(near, tmp, &fd)))
		return st;
	if (like) {
		/* the team's group keeps its access; the owner is whoever restores */
		if (fchown(fd, (uid_t)-1, like->st_gid) != 0 && errno != EPERM)
			crm_warn_errno("%s: cannot keep the group", *tmp);
		fchmod(fd, like->st_mode & 07777);
	}
	st = copy_db(from, *tmp, file);
	if (!st && fsync(fd) != 0) {
		crm_warn_errno("%s: cannot sync", file);
		st = EX_IOERR;
	}
	close(fd);
	if (!st)
		st = verify(*tmp, file, like == NULL);
	if (st) {
		unlink(*tmp);
		free(*tmp);
		*tmp = NULL;
	}
	return st;
}

int crm_backup(struct crm_ctx *ctx, const char *path)
{
	const char *db = crm_db_path(ctx->db);
	struct crm_outfile of = {.what = "backup", .path = path, .db = db,
				 .force = ctx->opts->force};
	char *tmp;
	int st;
	if ((st = crm_ctx_require_admin(ctx, "back up the database")) ||
	    (st = crm_outfile_check(&of)))
		return st;
	if ((st = integrity(crm_db_handle(ctx->db), db))) {
		crm_warn("%s: refusing to back up a database that fails its integrity check", db);
		return st;
	}
	if ((st = make_copy(crm_db_handle(ctx->db), path, path, NULL, &tmp)))
		return st;
	if ((st = crm_outfile_publish(&of, tmp)))
		unlink(tmp);
	free(tmp);
	if (!st && !ctx->opts->quiet)
		crm_warn("backed up %s to %s", db, path);
	return st;
}

/* Put the verified copy tmp in place of the live database.  The WAL is
 * emptied into the database first and the write lock held across the
 * rename, so no committed change is in a WAL that the new file would
 * inherit; the old -wal and -shm go, to be made afresh for the new file. */
static int swap_in(struct crm_ctx *ctx, const char *tmp)
{
	sqlite3 *h = crm_db_handle(ctx->db);
	const char *db = crm_db_path(ctx->db);
	int st;
	crm_db_reset_statements(ctx->db);	/* a half-read statement is a reader too */
	if (sqlite3_wal_checkpoint_v2(h, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK)
		return crm_db_fail(ctx->db, "cannot empty the WAL before the restore");
	if ((st = crm_db_begin(ctx->db)))
		return st;
	char *wal = crm_xasprintf("%s-wal", db), *shm = crm_xasprintf("%s-shm", db);
	struct stat sb;
	if (stat(wal, &sb) == 0 && sb.st_size > 0) {
		crm_warn("%s: written to while being restored; try again", db);
		st = EX_UNAVAILABLE;
	} else if (rename(tmp, db) != 0) {
		crm_warn_errno("cannot replace '%s'", db);
		st = EX_CANTCREAT;
	} else {
		/* the files this connection would checkpoint into and delete at
		 * its close are now the new database's */
		sqlite3_db_config(h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		unlink(wal);
		unlink(shm);
		st = crm_outfile_sync_dir(db);
	}
	crm_db_rollback(ctx->db);
	free(wal);
	free(shm);
	return st;
}

/* Is there a file at path to restore from?  0, or 66 after reporting. */
static int restore_source(const char *path, struct stat *from)
{
	bool missing = stat(path, from) != 0;
	if (missing || S_ISDIR(from->st_mode)) {
		if (!missing)
			errno = EISDIR;
		crm_warn_errno("%s", path);
		return EX_NOINPUT;
	}
	return 0;
}

/* The database is gone (a lost disk, a deleted file): put the copy at path
 * where it was.  Who restores must be an admin of the copy, so the copy is
 * made first, beside db, and opened as the database it will be. */
static int restore_missing(struct crm_opts *o, const char *path, const char *db)
{
	struct stat from, like = {.st_mode = 0600, .st_gid = getegid()};
	sqlite3 *h = NULL;
	char *tmp = NULL;
	int st;
	if ((st = restore_source(path, &from)) || (st = verify(path, path, false)))
		return st;
	if (o->dry_run) {
		if (!o->quiet)
			crm_warn("%s: would restore %s (which does not exist) from it", path, db);
		return 0;
	}
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		st = file_fail(h, path, "cannot open");
	else
		st = make_copy(h, db, path, &like, &tmp);
	sqlite3_close(h);
	if (st)
		return st;
	struct crm_opts as_copy = *o;
	struct crm_ctx ctx;
	as_copy.db_path = tmp;
	if (!(st = crm_ctx_open(&ctx, &as_copy))) {
		st = crm_ctx_require_admin(&ctx, "restore the database");
		crm_ctx_close(&ctx);
	}
	/* link, not rename: a database made meanwhile is not replaced */
	if (!st && link(tmp, db) != 0) {
		crm_warn_errno("cannot create '%s'", db);
		st = EX_CANTCREAT;
	} else if (!st) {
		st = crm_outfile_sync_dir(db);
	}
	char *wal = crm_xasprintf("%s-wal", tmp), *shm = crm_xasprintf("%s-shm", tmp);
	unlink(tmp);
	unlink(wal);
	unlink(shm);
	free(wal);
	free(shm);
	free(tmp);
	if (!st && !o->quiet)
		crm_warn("restored %s from %s", db, path);
	return st;
}

int crm_restore_run(struct crm_opts *o, const char *path)
{
	char *db = crm_ctx_db_path(o);
	struct stat sb;
	struct crm_ctx ctx;
	int st;
	if (lstat(db, &sb) != 0 && errno == ENOENT) {
		st = restore_missing(o, path, db);
	} else if (!(st = crm_ctx_open(&ctx, o))) {
		st = crm_restore(&ctx, path);
		crm_ctx_close(&ctx);
	}
	free(db);
	return st;
}

int crm_restore(struct crm_ctx *ctx, const char *path)
{
	const char *db = crm_db_path(ctx->db);
	struct stat from, live;
	sqlite3 *h = NULL;
	char *tmp = NULL;
	int st;
	if ((st = crm_ctx_require_admin(ctx, "restore the database")) ||
	    (st = restore_source(path, &from)))
		return st;
	if (stat(db, &live) != 0) {
		crm_warn_errno("%s", db);
		return EX_NOINPUT;
	}
	if (from.st_dev == live.st_dev && from.st_ino == live.st_ino) {
		crm_warn("%s: is the database itself", path);
		return EX_USAGE;
	}
	if ((st = verify(path, path, false)))
		return st;
	if (ctx->opts->dry_run) {
		if (!ctx->opts->quiet)
			crm_warn("%s: would restore %s from it", path, db);
		return 0;
	}
	if (sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		st = file_fail(h, path, "cannot open");
	else
		st = make_copy(h, db, path, &live, &tmp);
	sqlite3_close(h);
	if (!st && (st = swap_in(ctx, tmp)))
		unlink(tmp);
	free(tmp);
	if (!st && !ctx->opts->quiet)
		crm_warn("restored %s from %s", db, path);
	return st;
}
