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

/* Copy the database from (or when NULL the file src) into a new temporary
 * file beside near, sync it and verify it:
 * a backup (like NULL) must have this tool's schema version; a restore
 * copy, given the mode and group of the database it replaces (like), one
 * no newer.  0 with *tmp (free it). */
static int make_copy(struct crm_db *from, const char *src, const char *near, const char *file, const struct stat *like,
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
	st = crm_db_copy_into(from, src, *tmp, file);
	if (!st && fsync(fd) != 0) {
		crm_warn_errno("%s: cannot sync", file);
		st = EX_IOERR;
	}
	close(fd);
	if (!st)
		st = crm_db_file_verify(*tmp, file, like == NULL);
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
	if ((st = crm_db_integrity(ctx->db))) {
		crm_warn("%s: refusing to back up a database that fails its integrity check", db);
		return st;
	}
	if ((st = make_copy(ctx->db, NULL, path, path, NULL, &tmp)))
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
	const char *db = crm_db_path(ctx->db);
	int st;
	if ((st = crm_db_swap_prepare(ctx->db)) || (st = crm_db_begin(ctx->db)))
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
		crm_db_swap_done(ctx->db);
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
	char *tmp = NULL;
	int st;
	if ((st = restore_source(path, &from)) || (st = crm_db_file_verify(path, path, false)))
		return st;
	if (o->dry_run) {
		if (!o->quiet)
			crm_warn("%s: would restore %s (which does not exist) from it", path, db);
		return 0;
	}
	if ((st = make_copy(NULL, path, db, path, &like, &tmp)))
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
	if (!crm_db_is_pg(db) && lstat(db, &sb) != 0 && errno == ENOENT) {
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
	char *tmp = NULL;
	int st;
	if ((st = crm_ctx_require_admin(ctx, "restore the database")))
		return st;
	/* no file to put in place: the backend says what to use instead */
	if (crm_db_is_pg(db))
		return crm_db_swap_prepare(ctx->db);
	if ((st = restore_source(path, &from)))
		return st;
	if (stat(db, &live) != 0) {
		crm_warn_errno("%s", db);
		return EX_NOINPUT;
	}
	if (from.st_dev == live.st_dev && from.st_ino == live.st_ino) {
		crm_warn("%s: is the database itself", path);
		return EX_USAGE;
	}
	if ((st = crm_db_file_verify(path, path, false)))
		return st;
	if (ctx->opts->dry_run) {
		if (!ctx->opts->quiet)
			crm_warn("%s: would restore %s from it", path, db);
		return 0;
	}
	st = make_copy(NULL, path, db, path, &live, &tmp);
	if (!st && (st = swap_in(ctx, tmp)))
		unlink(tmp);
	free(tmp);
	if (!st && !ctx->opts->quiet)
		crm_warn("restored %s from %s", db, path);
	return st;
}
