/* db_backend.h: what a backend of db.h provides, for db_common.c (which
 * implements db.h by dispatching through it) and the backends
 * (db_sqlite.c, db_pg.c).  No other file includes it.
 *
 * A connection is a backend's own struct whose first member is struct
 * crm_db, and a statement one whose first member is struct crm_stmt: both
 * name their backend, so every call of db.h finds its implementation in
 * one indirect call.  What every backend keeps alike (the path, the
 * origin of audit rows, the extension, the transaction serial) is here,
 * read by db_common.c. */
#ifndef CRM_DB_BACKEND_H
#define CRM_DB_BACKEND_H

#include "db.h"

struct crm_dialect;

struct crm_db {
	const struct crm_backend *be;
	char *path;
	char *actor, *real_actor, *tool, *now;
	const struct crm_db_ext *ext;
	void *ext_state;
	unsigned long tx_serial;
};

struct crm_stmt {
	const struct crm_backend *be;
};

struct crm_backend {
	const char *name;
	const struct crm_dialect *dialect;
	/* out is set only on success; the backend fills the common part
	 * with crm_db_init_common */
	int (*open)(const char *path, enum crm_db_mode mode, const struct crm_db_ext *ext,
		    struct crm_db **out);
	void (*close)(struct crm_db *db);	/* its own part; then db_common.c frees */
	int (*share)(struct crm_db *db, gid_t gid);
	void (*reset_statements)(struct crm_db *db);
	int (*begin)(struct crm_db *db);
	int (*commit)(struct crm_db *db);
	void (*rollback)(struct crm_db *db);
	bool (*in_transaction)(struct crm_db *db);
	struct crm_stmt *(*stmt)(struct crm_db *db, const char *sql);
	int (*prepare)(struct crm_db *db, const char *sql, struct crm_stmt **out);
	int (*fail)(struct crm_db *db, const char *what);
	const char *(*errmsg)(struct crm_db *db);
	int (*exec)(struct crm_db *db, const char *sql);
	int64_t (*changes)(struct crm_db *db);
	int64_t (*total_changes)(struct crm_db *db);
	int64_t (*last_id)(struct crm_db *db);
	int (*define)(struct crm_db *db, const char *name, int nargs, unsigned flags,
		      crm_fn_body *body, void *data);
	int (*check)(struct crm_db *db);
	int (*integrity)(struct crm_db *db);
	int (*secure_delete)(struct crm_db *db);
	int (*checkpoint_truncate)(struct crm_db *db);
	bool (*has_secure_delete)(struct crm_db *db);
	char *(*session_role)(struct crm_db *db);	/* NULL: no logins */
	int (*set_role)(struct crm_db *db, const char *role);
	int (*private_temp)(struct crm_db *db);
	int (*forget_statistics)(struct crm_db *db, const char *const *tables);
	bool (*has_table)(struct crm_db *db, const char *table);
	/* crm_db_catalogue: rows of table, column, type ('integer', 'text'
	 * or 'blob'), NOT NULL (1 or 0), place in the primary key (0 if
	 * none), the table a foreign key of the column names (NULL if
	 * none), by table name (bytewise) and column position; and one row
	 * of the schema version */
	const char *catalogue_sql, *version_sql;
	/* crm_db_sync_ids: a format of %1$s the table; NULL if not needed */
	const char *sync_ids_sql;
	/* db NULL: the file src (file_verify: path) */
	int (*file_verify)(const char *path, const char *file, bool exact);
	int (*copy_into)(struct crm_db *db, const char *src, const char *path, const char *file);
	int (*swap_prepare)(struct crm_db *db);
	void (*swap_done)(struct crm_db *db);

	/* the bulk writer: begin prepares its backend part (b's table and
	 * columns set; 0, or an error kept for fail), row writes b->v
	 * (0, or nonzero with the error kept: b->failed is set), end
	 * finishes and frees the backend part (0), or returns nonzero with
	 * the error current for fail (a failed row's too, b->failed),
	 * leaving the part to abort, which drops what is unwritten and
	 * frees it */
	int (*bulk_begin)(struct crm_bulk *b);
	int (*bulk_row)(struct crm_bulk *b);
	int (*bulk_end)(struct crm_bulk *b);
	void (*bulk_abort)(struct crm_bulk *b);

	void (*finish)(struct crm_stmt *st);
	void (*reset)(struct crm_stmt *st);
	void (*clear)(struct crm_stmt *st);
	int (*step)(struct crm_stmt *st);
	int (*bind_int)(struct crm_stmt *st, int i, int64_t v);
	int (*bind_null)(struct crm_stmt *st, int i);
	int (*bind_strn)(struct crm_stmt *st, int i, const char *s, int len);
	int (*bind_copyn)(struct crm_stmt *st, int i, const char *s, int len);
	int (*bind_owned)(struct crm_stmt *st, int i, char *s);
	int (*bind_blob)(struct crm_stmt *st, int i, const void *p, int len);
	int (*param_index)(struct crm_stmt *st, const char *name);
	int (*param_count)(struct crm_stmt *st);
	int64_t (*col_int)(struct crm_stmt *st, int i);
	bool (*col_null)(struct crm_stmt *st, int i);
	const char *(*col_str)(struct crm_stmt *st, int i);	/* NULL for NULL */
	int (*col_bytes)(struct crm_stmt *st, int i);
	const void *(*col_blob)(struct crm_stmt *st, int i);
	int (*col_count)(struct crm_stmt *st);
};

/* A bulk writer (db.h crm_db_bulk_begin): the common part gathers one
 * row of values, the backend writes it. */
enum crm_bulk_kind { CRM_BV_NULL, CRM_BV_TEXT, CRM_BV_INT, CRM_BV_BLOB };
struct crm_bulk_val {
	enum crm_bulk_kind kind;
	const char *p;		/* text or blob, the caller's until the row */
	int len;		/* bytes of p */
	int64_t i;
};
struct crm_bulk {
	struct crm_db *db;
	char *table;
	char **cols;
	int ncols;
	int col;		/* the next value's column */
	struct crm_bulk_val *v;
	int64_t rows;
	int failed;		/* the backend's row failed: nonzero */
	bool overflow;		/* too many or too few values in a row */
	void *be;		/* the backend's part */
};

extern const struct crm_backend crm_backend_sqlite, crm_backend_pg;

/* The common part of a new connection. */
void crm_db_init_common(struct crm_db *db, const struct crm_backend *be, const char *path,
			const struct crm_db_ext *ext);

#endif
