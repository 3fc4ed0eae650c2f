/* backup.h: whole-database copies for crm(1).  A backup is taken only of a
 * sound database, written to a temporary file beside its name, synced,
 * verified (integrity, a crm schema of this version) and only then renamed
 * into place; a restore verifies a copy and puts it in place of the live
 * database with one rename, holding the write lock meanwhile. */
#ifndef CRM_BACKUP_H
#define CRM_BACKUP_H

#include "ctx.h"

/* Copy ctx's database to path (admins only; an existing regular file is
 * replaced only with --force).  0, or after reporting 64 (empty name), 65
 * (the database fails its integrity check), 73, 74 or 77; on failure
 * nothing is left at path nor beside it. */
int crm_backup(struct crm_ctx *ctx, const char *path);

/* Replace ctx's database by the copy at path (admins only): the copy must
 * pass its integrity check and hold a crm schema no newer than this tool's
 * (an older one is migrated on the next open).  With -n only verify.  0,
 * or after reporting 65 (a bad copy), 66 (missing), 69 (busy), 73, 74 or
 * 77; on failure the live database is untouched. */
int crm_restore(struct crm_ctx *ctx, const char *path);

/* crm restore: crm_restore on the database the options name, or, when
 * that database does not exist at all, the copy put in its place (by an
 * admin of the copy; its directory must exist).  The same statuses. */
int crm_restore_run(struct crm_opts *o, const char *path);

#endif
