/* db.h: the SQLite database: open or create (mode 0600), pragmas, busy
 * timeout, the versioned schema and its forward migrations, transactions,
 * statement cache and the audit trail.  Only lib/ includes this header;
 * cmd/ files never see sqlite3 types. */
#ifndef CRM_DB_H
#define CRM_DB_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct crm_db;

/* How crm_db_open treats a path that holds no crm database. */
enum crm_db_mode {
	CRM_DB_EXISTING,	/* refuse it: 66, naming the path */
	CRM_DB_CREATE,		/* crm init: create the file (mode 0600) and its
				 * directory (0700) when missing, initialise an
				 * empty one; a file that is not ours is 73 */
};

/* Open path and bring the schema up to date; refuses a missing path, an
 * empty file, a directory or a file that is not a crm database as mode
 * says, and a database newer than this tool.  Nothing is written to a file
 * that is not a crm database.  Returns 0 or an exit status after
 * reporting. */
int crm_db_open(const char *path, enum crm_db_mode mode, struct crm_db **out);
/* crm init --group: give the database and its -wal and -shm files (made
 * now when missing, so that none is born 0600 later) to group gid, mode
 * 0660, and each directory crm init made 2770 (setgid: files made in it
 * later take the group).  gid (gid_t)-1 is the group of the database's
 * directory.  A directory crm init did not make is left alone, with a
 * warning when the group cannot write it.  0 or 73 after reporting. */
int crm_db_share(struct crm_db *db, gid_t gid);
void crm_db_close(struct crm_db *db);
sqlite3 *crm_db_handle(struct crm_db *db);
const char *crm_db_path(const struct crm_db *db);
int crm_db_schema_version(void);	/* the version this tool writes */
/* The default path: $XDG_DATA_HOME/crm/crm.db or ~/.local/share/crm/crm.db. */
char *crm_db_default_path(void);

/* Who and what the audit rows name. */
/* actor is whom the command acts as, real_actor who runs it. */
void crm_db_set_origin(struct crm_db *db, const char *actor, const char *real_actor,
		       const char *tool, const char *now_iso);
const char *crm_db_now(const struct crm_db *db);	/* ISO-8601 UTC "now" */

/* BEGIN IMMEDIATE (waits up to the busy timeout), COMMIT, ROLLBACK.
 * crm_db_begin first resets every statement left half-way through its
 * rows (crm_db_reset_statements), since such a statement pins an old
 * snapshot. */
void crm_db_reset_statements(struct crm_db *db);
int crm_db_begin(struct crm_db *db);
int crm_db_commit(struct crm_db *db);
void crm_db_rollback(struct crm_db *db);

/* A prepared statement for sql, cached by the address of the string (pass
 * string literals), reset and with bindings cleared; NULL after reporting. */
sqlite3_stmt *crm_db_stmt(struct crm_db *db, const char *sql);
/* Turn a SQLite result code into an exit status after reporting it with
 * context: BUSY/LOCKED => 69 "database is locked", FULL => 74, READONLY,
 * CANTOPEN, PERM => 73, CONSTRAINT => 65, others => 70. */
int crm_db_fail(struct crm_db *db, const char *what);
/* Run sql without results (no parameters); 0 or exit status. */
int crm_db_exec(struct crm_db *db, const char *sql);

/* Run each of n statements (cached, no result rows) with ?1 = a and
 * ?2 = b: the re-pointing of references when records are merged.  0, or
 * an exit status after reporting "cannot WHAT". */
int crm_db_run_with_ids(struct crm_db *db, const char *const *sql, size_t n, int64_t a,
			int64_t b, const char *what);

/* Bind text, NULL for NULL or "" (an empty field is "no value"). */
int crm_bind_text(sqlite3_stmt *st, int i, const char *s);
int crm_bind_id(sqlite3_stmt *st, int i, int64_t id);	/* 0 binds NULL */
/* Bind value (copied; NULL binds NULL) to the named parameter, when the
 * statement has it: one statement serves every combination of filters. */
void crm_bind_named_text(sqlite3_stmt *st, const char *name, const char *value);
/* Column as text, "" for NULL. */
const char *crm_col_text(sqlite3_stmt *st, int i);

/* Write one audit row, chained (audit.h): entity ("lead"), id, action
 * ("create", "update", "delete", "merge", "assign", ...), field and
 * old/new values (may be NULL). */
int crm_db_audit(struct crm_db *db, const char *entity, int64_t id, const char *action,
		 const char *field, const char *old_value, const char *new_value);

/* For a set-wise CRM_AUDIT_INSERT (audit.h): bind ?1 at, ?2 actor, ?3
 * real_actor, ?4 tool, and parameter base to the last audit id.  0 or an
 * exit status after reporting.  crm_db_bind_origin binds only the four. */
int crm_db_bind_audit(struct crm_db *db, sqlite3_stmt *st, int base);
void crm_db_bind_origin(struct crm_db *db, sqlite3_stmt *st);

/* Integrity: PRAGMA integrity_check and foreign_key_check; reports each
 * problem and returns 0 or 65. */
int crm_db_check(struct crm_db *db);
/* The audit chain (audit.h), setting *rows to the rows checked; reports
 * each deleted, inserted or altered row and returns 0 or 65. */
int crm_db_check_audit(struct crm_db *db, int64_t *rows);
/* For forget: zero the space of deleted content (secure_delete) on this
 * connection, and after the commit empty the write-ahead log
 * (wal_checkpoint(TRUNCATE)) so no old copy of a page outlives the
 * transaction.  The checkpoint returns 69 after a warning when another
 * connection keeps it from finishing. */
int crm_db_secure_delete(struct crm_db *db);
int crm_db_checkpoint_truncate(struct crm_db *db);

#endif
