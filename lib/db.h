/* db.h: the store, whatever engine holds it: open or create, the versioned
 * schema and its forward migrations, transactions, statements (cached or
 * not), binding, stepping, columns, SQL functions defined in C, integrity
 * checks and whole-file copies.  No engine's type or name appears here: a
 * backend (db_sqlite.c) implements it, and every other file of lib/ talks
 * to the database only through it.  cmd/ files never include it.
 *
 *   struct crm_stmt *st = crm_db_stmt(db, sql);      (cached by address)
 *   crm_bind_int(st, 1, id);
 *   while ((rc = crm_step(st)) == CRM_ROW)
 *           use(crm_col_int(st, 0), crm_col_text(st, 1));
 *   if (rc != CRM_DONE) return crm_db_fail(db, "cannot read leads");
 */
#ifndef CRM_DB_H
#define CRM_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct crm_db;
struct crm_stmt;

/* Results of crm_db_prepare and crm_step; anything else is an engine
 * error that crm_db_fail turns into an exit status. */
enum { CRM_OK = 0, CRM_ROW = 100, CRM_DONE = 101 };

/* How crm_db_open treats a path that holds no crm database. */
enum crm_db_mode {
	CRM_DB_EXISTING,	/* refuse it: 66, naming the path */
	CRM_DB_CREATE,		/* crm init: create the file (mode 0600) and its
				 * directory (0700) when missing, initialise an
				 * empty one; a file that is not ours is 73 */
};

/* What a layer above the store adds to every connection (the audit chain,
 * audit.h): attach defines its SQL functions before the schema is
 * migrated and returns its state (NULL after reporting); migrated runs
 * inside the migration's transaction, told the version migrated from;
 * detach frees the state at close. */
struct crm_db_ext {
	void *(*attach)(struct crm_db *db);
	int (*migrated)(struct crm_db *db, void *state, int from_version);
	void (*detach)(void *state);
};

/* Open path and bring the schema up to date; refuses a missing path, an
 * empty file, a directory or a file that is not a crm database as mode
 * says, and a database newer than this tool.  Nothing is written to a file
 * that is not a crm database.  ext may be NULL.  Returns 0 or an exit
 * status after reporting. */
int crm_db_open(const char *path, enum crm_db_mode mode, const struct crm_db_ext *ext,
		struct crm_db **out);
/* crm init --group: give the database and its -wal and -shm files (made
 * now when missing, so that none is born 0600 later) to group gid, mode
 * 0660, and each directory crm init made 2770 (setgid: files made in it
 * later take the group).  gid (gid_t)-1 is the group of the database's
 * directory.  A directory crm init did not make is left alone, with a
 * warning when the group cannot write it.  0 or 73 after reporting. */
int crm_db_share(struct crm_db *db, gid_t gid);
void crm_db_close(struct crm_db *db);
/* Does path name a PostgreSQL server (a postgresql:// or postgres:// URI,
 * or a libpq keyword string: it has an '='), not a SQLite file? */
bool crm_db_is_pg(const char *path);
const char *crm_db_path(const struct crm_db *db);
int crm_db_schema_version(void);	/* the version this tool writes */
/* The default path: $XDG_DATA_HOME/crm/crm.db or ~/.local/share/crm/crm.db. */
char *crm_db_default_path(void);

/* Who and what the audit rows name. */
/* actor is whom the command acts as, real_actor who runs it. */
void crm_db_set_origin(struct crm_db *db, const char *actor, const char *real_actor,
		       const char *tool, const char *now_iso);
const char *crm_db_now(const struct crm_db *db);	/* ISO-8601 UTC "now" */
const char *crm_db_actor(const struct crm_db *db);
const char *crm_db_real_actor(const struct crm_db *db);
const char *crm_db_tool(const struct crm_db *db);

/* BEGIN (taking the write lock; waits up to the busy timeout), COMMIT,
 * ROLLBACK.  crm_db_begin first resets every statement left half-way
 * through its rows (crm_db_reset_statements), since such a statement pins
 * an old snapshot. */
void crm_db_reset_statements(struct crm_db *db);
int crm_db_begin(struct crm_db *db);
int crm_db_commit(struct crm_db *db);
void crm_db_rollback(struct crm_db *db);
bool crm_db_in_transaction(struct crm_db *db);
/* Changes at every BEGIN, COMMIT and ROLLBACK: what was read before may
 * have been changed by another process since. */
unsigned long crm_db_tx_serial(const struct crm_db *db);

/* A prepared statement for sql, cached by the address of the string (pass
 * string literals), reset and with bindings cleared; NULL after reporting. */
struct crm_stmt *crm_db_stmt(struct crm_db *db, const char *sql);
/* A statement for sql built at run time, not cached: CRM_OK, or an
 * engine error (unreported: crm_db_fail reports it).  Finish it. */
int crm_db_prepare(struct crm_db *db, const char *sql, struct crm_stmt **out);
void crm_stmt_finish(struct crm_stmt *st);	/* NULL is fine */
void crm_stmt_reset(struct crm_stmt *st);	/* to run again, bindings kept */
void crm_stmt_clear(struct crm_stmt *st);	/* every parameter back to NULL */
/* CRM_ROW (a row to read), CRM_DONE, or an engine error. */
int crm_step(struct crm_stmt *st);
/* Turn the last error into an exit status after reporting it with
 * context: lock and busy => 69 "database is locked", disk full and I/O
 * => 74, read-only, cannot open, permission => 73, constraint and
 * corruption => 65, others => 70. */
int crm_db_fail(struct crm_db *db, const char *what);
const char *crm_db_errmsg(struct crm_db *db);
/* Step st for the one row it loads: 0 with the row to read, CRM_EX_NOTFOUND
 * (1, err.h) unreported when there is none, or crm_db_fail(db, what). */
int crm_db_row(struct crm_db *db, struct crm_stmt *st, const char *what);
/* Run sql without results (no parameters; several statements allowed);
 * 0 or exit status. */
int crm_db_exec(struct crm_db *db, const char *sql);
/* Rows the last INSERT, UPDATE or DELETE changed; all since the open. */
int64_t crm_db_changes(struct crm_db *db);
int64_t crm_db_total_changes(struct crm_db *db);
/* The id of the last row inserted. */
int64_t crm_db_last_id(struct crm_db *db);

/* Run each of n statements (cached, no result rows) with ?1 = a and
 * ?2 = b: the re-pointing of references when records are merged.  0, or
 * an exit status after reporting "cannot WHAT". */
int crm_db_run_with_ids(struct crm_db *db, const char *const *sql, size_t n, int64_t a,
			int64_t b, const char *what);

/* Many rows into one table fast, in the open transaction: COPY FROM STDIN
 * on PostgreSQL (one stream, no round trip a row), one reused prepared
 * INSERT on SQLite.  begin names the table and its ncols columns; each
 * row gives every column in that order (crm_bulk_int, _text, _null,
 * _blob), then crm_bulk_row.  A text value is read at crm_bulk_row (keep
 * it until then); NULL text is SQL NULL and "" an empty string (unlike
 * crm_bind_text).  A row the engine refuses may show only later, at
 * another row or at the end: crm_bulk_row returns nonzero once the
 * writer has failed (unreported; go straight to the end).  crm_bulk_end
 * finishes and frees it: 0, or the exit status of crm_db_fail(db, what)
 * (a constraint 65, the server gone 69 with its message); after a
 * failure the transaction must be rolled back, as nothing of it may be
 * kept.  crm_bulk_abort(NULL) is fine: it drops what was not yet written.
 * Another statement on the connection mid-stream is allowed (PostgreSQL
 * ends that COPY first and begins another at the next row).  begin
 * returns 0 or an exit status after reporting. */
struct crm_bulk;
int crm_db_bulk_begin(struct crm_db *db, const char *table, const char *const *cols,
		      int ncols, struct crm_bulk **out);
void crm_bulk_int(struct crm_bulk *b, int64_t v);
void crm_bulk_text(struct crm_bulk *b, const char *s);	/* NULL: SQL NULL */
void crm_bulk_textn(struct crm_bulk *b, const char *s, int len);
void crm_bulk_null(struct crm_bulk *b);
void crm_bulk_id(struct crm_bulk *b, int64_t id);	/* 0 is NULL */
void crm_bulk_blob(struct crm_bulk *b, const void *p, int len);	/* p NULL: NULL */
int crm_bulk_row(struct crm_bulk *b);
int64_t crm_bulk_rows(const struct crm_bulk *b);	/* rows given so far */
int crm_bulk_end(struct crm_bulk *b, const char *what);
void crm_bulk_abort(struct crm_bulk *b);
/* The largest id of table (0 when empty): with ids given explicitly from
 * it + 1 under the write lock, then crm_db_sync_ids. */
int crm_db_max_id(struct crm_db *db, const char *table, int64_t *id);

/* Parameters, numbered from 1.  crm_bind_str keeps a pointer to s (it
 * must live until the statement is reset), crm_bind_copy copies, and
 * crm_bind_owned takes s (malloc'd) and frees it; len -1 is up to the
 * NUL.  crm_bind_text binds NULL for NULL or "" (an empty field is "no
 * value"). */
int crm_bind_int(struct crm_stmt *st, int i, int64_t v);
int crm_bind_null(struct crm_stmt *st, int i);
int crm_bind_str(struct crm_stmt *st, int i, const char *s);
int crm_bind_strn(struct crm_stmt *st, int i, const char *s, int len);
int crm_bind_copy(struct crm_stmt *st, int i, const char *s);
int crm_bind_copyn(struct crm_stmt *st, int i, const char *s, int len);
int crm_bind_owned(struct crm_stmt *st, int i, char *s);
int crm_bind_text(struct crm_stmt *st, int i, const char *s);
int crm_bind_id(struct crm_stmt *st, int i, int64_t id);	/* 0 binds NULL */
/* len bytes at p (copied) as a BLOB (bytea); p NULL binds NULL. */
int crm_bind_blob(struct crm_stmt *st, int i, const void *p, int len);
/* The number of the parameter :name, 0 when the statement has none. */
int crm_param_index(struct crm_stmt *st, const char *name);
int crm_param_count(struct crm_stmt *st);
/* Bind value (copied; NULL binds NULL) to the named parameter, when the
 * statement has it: one statement serves every combination of filters. */
void crm_bind_named_text(struct crm_stmt *st, const char *name, const char *value);

/* Columns of the current row, numbered from 0. */
int64_t crm_col_int(struct crm_stmt *st, int i);
bool crm_col_null(struct crm_stmt *st, int i);
const char *crm_col_text(struct crm_stmt *st, int i);	/* "" for NULL */
const char *crm_col_str(struct crm_stmt *st, int i);	/* NULL for NULL */
const unsigned char *crm_col_ustr(struct crm_stmt *st, int i);
int crm_col_bytes(struct crm_stmt *st, int i);
const void *crm_col_blob(struct crm_stmt *st, int i);
int crm_col_count(struct crm_stmt *st);

/* SQL functions written in C, for one connection.  In the body, the
 * arguments are read and one result set through struct crm_fn. */
struct crm_fn;
typedef void crm_fn_body(struct crm_fn *fn, int argc);
enum { CRM_FN_DETERMINISTIC = 1, CRM_FN_DIRECT_ONLY = 2 };
/* 0, or 70 after reporting. */
int crm_db_define(struct crm_db *db, const char *name, int nargs, unsigned flags,
		  crm_fn_body *body, void *data);
void *crm_fn_data(struct crm_fn *fn);
bool crm_fn_null(struct crm_fn *fn, int i);
int64_t crm_fn_int(struct crm_fn *fn, int i);
const unsigned char *crm_fn_text(struct crm_fn *fn, int i);
int crm_fn_bytes(struct crm_fn *fn, int i);
void crm_fn_return_null(struct crm_fn *fn);
void crm_fn_return_text(struct crm_fn *fn, const char *s, int len);	/* copied */
void crm_fn_return_owned(struct crm_fn *fn, char *s, int len);	/* freed */
void crm_fn_return_blob(struct crm_fn *fn, const void *p, int len);	/* copied */
void crm_fn_return_error(struct crm_fn *fn, const char *msg);

/* Integrity: the engine's integrity and foreign key checks; reports each
 * problem and returns 0 or 65. */
int crm_db_check(struct crm_db *db);
int crm_db_integrity(struct crm_db *db);	/* the first check only */
/* For forget: zero the space of deleted content on this connection, and
 * after the commit empty the write-ahead log so no old copy of a page
 * outlives the transaction.  The checkpoint returns 69 after a warning
 * when another connection keeps it from finishing. */
int crm_db_secure_delete(struct crm_db *db);
int crm_db_checkpoint_truncate(struct crm_db *db);
/* Does the engine have those two?  One whose server keeps old versions of
 * rows in its own storage (until its administrator reclaims them) has
 * not: the caller skips both and says what is left to do. */
bool crm_db_has_secure_delete(struct crm_db *db);
/* Who the server says connected: the login role a PostgreSQL session
 * authenticated as (session_user), newly allocated; NULL on an engine
 * with no logins of its own (SQLite: the file's permissions are the
 * boundary), or on failure (reported). */
char *crm_db_session_role(struct crm_db *db);
/* Act as role from now on (PostgreSQL's SET ROLE, so that the server's
 * grants and row-level security apply to it): 0, or 77 with the
 * server's refusal reported.  0 and nothing done on SQLite. */
int crm_db_set_role(struct crm_db *db, const char *role);
/* Keep this connection's temporary tables in memory, never in a file. */
int crm_db_private_temp(struct crm_db *db);
/* Drop the planner's samples of index keys on the tables named (a
 * NULL-terminated list), which may hold values forget erased. */
int crm_db_forget_statistics(struct crm_db *db, const char *const *tables);
/* Does the schema have a table of that name? */
bool crm_db_has_table(struct crm_db *db, const char *table);

/* The catalogue, for crm migrate: the tables of the crm schema as the
 * engine holds them, by name (bytewise), each with its columns in order;
 * not the engine's own tables (SQLite's sqlite_*, its full-text tables and
 * their shadow tables; PostgreSQL's crm_schema_version), and version the
 * schema version the database records.  0 or an exit status after
 * reporting; free it with crm_db_catalogue_free. */
enum crm_db_type { CRM_DB_INTEGER, CRM_DB_TEXT, CRM_DB_BLOB };
struct crm_db_column {
	char *name;
	enum crm_db_type type;
	bool not_null;
	int key;		/* its place in the primary key from 1, 0 if none */
	char *references;	/* the table its foreign key names, or NULL */
};
struct crm_db_table {
	char *name;
	struct crm_db_column *cols;
	int ncols;
};
struct crm_db_catalogue {
	int version;
	struct crm_db_table *tables;
	size_t ntables;
};
int crm_db_catalogue(struct crm_db *db, struct crm_db_catalogue *out);
void crm_db_catalogue_free(struct crm_db_catalogue *c);
/* After rows of table were inserted with the ids they had elsewhere: the
 * next id the engine gives follows the largest held (PostgreSQL moves the
 * identity sequence of table.id; SQLite's rowid needs nothing).  0 or an
 * exit status after reporting. */
int crm_db_sync_ids(struct crm_db *db, const char *table);

/* Whole-file copies (crm backup, crm restore).  file names the copy in
 * messages. */
/* Is the database file at path sound and a crm database of exactly this
 * tool's schema version (exact) or of one no newer?  0, or 65 (not sound,
 * not crm, newer), 70 (another version when exact), 73, 74. */
int crm_db_file_verify(const char *path, const char *file, bool exact);
/* Copy the open database db, or when db is NULL the database file src,
 * into the empty file at path, left as one self-contained file. */
int crm_db_copy_into(struct crm_db *db, const char *src, const char *path, const char *file);
/* Before the file of db is replaced by rename: empty its write-ahead log
 * into it (0 or an exit status); after: keep the closing connection from
 * writing into the files that are now the new database's. */
int crm_db_swap_prepare(struct crm_db *db);
void crm_db_swap_done(struct crm_db *db);

#endif
