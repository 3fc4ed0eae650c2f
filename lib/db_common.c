/* db_common.c: db.h for every backend: the choice of backend at open (a
 * PostgreSQL connection string or a file for SQLite), each call passed on
 * to the backend of its connection or statement (db_backend.h), and what
 * is the same on all: the origin of audit rows, the default path, binding
 * conveniences and the re-pointing of references. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db_backend.h"
#include "dialect.h"
#include "err.h"

bool crm_db_is_pg(const char *path)
{
	return strncmp(path, "postgresql://", 13) == 0 || strncmp(path, "postgres://", 11) == 0 ||
	       strchr(path, '=') != NULL;
}

static const struct crm_backend *backend_of(const char *path)
{
	return crm_db_is_pg(path) ? &crm_backend_pg : &crm_backend_sqlite;
}

void crm_db_init_common(struct crm_db *db, const struct crm_backend *be, const char *path,
			const struct crm_db_ext *ext)
{
	db->be = be;
	db->path = crm_xstrdup(path);
	db->tool = crm_xstrdup(crm_progname);
	db->ext = ext;
}

int crm_db_open(const char *path, enum crm_db_mode mode, const struct crm_db_ext *ext,
		struct crm_db **out)
{
	*out = NULL;
	return backend_of(path)->open(path, mode, ext, out);
}

void crm_db_close(struct crm_db *db)
{
	if (!db)
		return;
	db->be->close(db);
	if (db->ext && db->ext->detach)
		db->ext->detach(db->ext_state);
	free(db->path);
	free(db->actor);
	free(db->real_actor);
	free(db->tool);
	free(db->now);
	free(db);
}

void crm_db_set_origin(struct crm_db *db, const char *actor, const char *real_actor,
		       const char *tool, const char *now_iso)
{
	free(db->actor);
	free(db->real_actor);
	free(db->tool);
	free(db->now);
	db->actor = actor ? crm_xstrdup(actor) : NULL;
	db->real_actor = real_actor ? crm_xstrdup(real_actor) : NULL;
	db->tool = crm_xstrdup(tool);
	db->now = crm_xstrdup(now_iso);
}

const char *crm_db_path(const struct crm_db *db) { return db->path; }
const char *crm_db_now(const struct crm_db *db) { return db->now; }
const char *crm_db_actor(const struct crm_db *db) { return db->actor; }
const char *crm_db_real_actor(const struct crm_db *db) { return db->real_actor; }
const char *crm_db_tool(const struct crm_db *db) { return db->tool; }
unsigned long crm_db_tx_serial(const struct crm_db *db) { return db->tx_serial; }

/* ---- passed on to the backend ---- */

int crm_db_share(struct crm_db *db, gid_t gid) { return db->be->share(db, gid); }
void crm_db_reset_statements(struct crm_db *db) { db->be->reset_statements(db); }
int crm_db_begin(struct crm_db *db) { return db->be->begin(db); }
int crm_db_commit(struct crm_db *db) { return db->be->commit(db); }
void crm_db_rollback(struct crm_db *db) { db->be->rollback(db); }
bool crm_db_in_transaction(struct crm_db *db) { return db->be->in_transaction(db); }
struct crm_stmt *crm_db_stmt(struct crm_db *db, const char *sql) { return db->be->stmt(db, sql); }
int crm_db_prepare(struct crm_db *db, const char *sql, struct crm_stmt **out)
{
	return db->be->prepare(db, sql, out);
}
int crm_db_fail(struct crm_db *db, const char *what) { return db->be->fail(db, what); }
const char *crm_db_errmsg(struct crm_db *db) { return db->be->errmsg(db); }
int crm_db_exec(struct crm_db *db, const char *sql) { return db->be->exec(db, sql); }
int64_t crm_db_changes(struct crm_db *db) { return db->be->changes(db); }
int64_t crm_db_total_changes(struct crm_db *db) { return db->be->total_changes(db); }
int64_t crm_db_last_id(struct crm_db *db) { return db->be->last_id(db); }
int crm_db_define(struct crm_db *db, const char *name, int nargs, unsigned flags,
		  crm_fn_body *body, void *data)
{
	return db->be->define(db, name, nargs, flags, body, data);
}
int crm_db_check(struct crm_db *db) { return db->be->check(db); }
int crm_db_integrity(struct crm_db *db) { return db->be->integrity(db); }
int crm_db_secure_delete(struct crm_db *db) { return db->be->secure_delete(db); }
int crm_db_checkpoint_truncate(struct crm_db *db) { return db->be->checkpoint_truncate(db); }
bool crm_db_has_secure_delete(struct crm_db *db) { return db->be->has_secure_delete(db); }
char *crm_db_session_role(struct crm_db *db) { return db->be->session_role(db); }
int crm_db_set_role(struct crm_db *db, const char *role) { return db->be->set_role(db, role); }
int crm_db_private_temp(struct crm_db *db) { return db->be->private_temp(db); }
int crm_db_forget_statistics(struct crm_db *db, const char *const *tables)
{
	return db->be->forget_statistics(db, tables);
}
bool crm_db_has_table(struct crm_db *db, const char *table) { return db->be->has_table(db, table); }
int crm_db_file_verify(const char *path, const char *file, bool exact)
{
	return backend_of(path)->file_verify(path, file, exact);
}
int crm_db_copy_into(struct crm_db *db, const char *src, const char *path, const char *file)
{
	return (db ? db->be : backend_of(src))->copy_into(db, src, path, file);
}
int crm_db_swap_prepare(struct crm_db *db) { return db->be->swap_prepare(db); }
void crm_db_swap_done(struct crm_db *db) { db->be->swap_done(db); }

void crm_stmt_finish(struct crm_stmt *st)
{
	if (st)
		st->be->finish(st);
}
void crm_stmt_reset(struct crm_stmt *st) { st->be->reset(st); }
void crm_stmt_clear(struct crm_stmt *st) { st->be->clear(st); }
int crm_step(struct crm_stmt *st) { return st->be->step(st); }
int crm_bind_int(struct crm_stmt *st, int i, int64_t v) { return st->be->bind_int(st, i, v); }
int crm_bind_null(struct crm_stmt *st, int i) { return st->be->bind_null(st, i); }
int crm_bind_strn(struct crm_stmt *st, int i, const char *s, int len)
{
	return st->be->bind_strn(st, i, s, len);
}
int crm_bind_copyn(struct crm_stmt *st, int i, const char *s, int len)
{
	return st->be->bind_copyn(st, i, s, len);
}
int crm_bind_owned(struct crm_stmt *st, int i, char *s) { return st->be->bind_owned(st, i, s); }
int crm_param_index(struct crm_stmt *st, const char *name) { return st->be->param_index(st, name); }
int crm_param_count(struct crm_stmt *st) { return st->be->param_count(st); }
int64_t crm_col_int(struct crm_stmt *st, int i) { return st->be->col_int(st, i); }
bool crm_col_null(struct crm_stmt *st, int i) { return st->be->col_null(st, i); }
const char *crm_col_str(struct crm_stmt *st, int i) { return st->be->col_str(st, i); }
const unsigned char *crm_col_ustr(struct crm_stmt *st, int i)
{
	return (const unsigned char *)st->be->col_str(st, i);
}
const char *crm_col_text(struct crm_stmt *st, int i)
{
	const char *s = st->be->col_str(st, i);
	return s ? s : "";
}
int crm_col_bytes(struct crm_stmt *st, int i) { return st->be->col_bytes(st, i); }
const void *crm_col_blob(struct crm_stmt *st, int i) { return st->be->col_blob(st, i); }
int crm_col_count(struct crm_stmt *st) { return st->be->col_count(st); }

/* ---- the same on every backend ---- */

char *crm_db_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg == '/')
		return crm_xasprintf("%s/crm/crm.db", xdg);
	const char *home = getenv("HOME");
	return crm_xasprintf("%s/.local/share/crm/crm.db", home ? home : ".");
}

int crm_db_row(struct crm_db *db, struct crm_stmt *st, const char *what)
{
	int rc = crm_step(st);
	if (rc == CRM_ROW)
		return 0;
	return rc == CRM_DONE ? CRM_EX_NOTFOUND : crm_db_fail(db, what);
}

int crm_db_run_with_ids(struct crm_db *db, const char *const *sql, size_t n, int64_t a,
			int64_t b, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct crm_stmt *s = crm_db_stmt(db, sql[i]);
		if (!s)
			return EX_SOFTWARE;
		crm_bind_int(s, 1, a);
		crm_bind_int(s, 2, b);
		if (crm_step(s) != CRM_DONE) {
			char msg[96];
			snprintf(msg, sizeof msg, "cannot %s", what);
			return crm_db_fail(db, msg);
		}
	}
	return 0;
}

int crm_bind_str(struct crm_stmt *st, int i, const char *s) { return crm_bind_strn(st, i, s, -1); }
int crm_bind_copy(struct crm_stmt *st, int i, const char *s) { return crm_bind_copyn(st, i, s, -1); }

int crm_bind_text(struct crm_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return crm_bind_null(st, i);
	return crm_bind_copy(st, i, s);
}

int crm_bind_id(struct crm_stmt *st, int i, int64_t id)
{
	return id ? crm_bind_int(st, i, id) : crm_bind_null(st, i);
}

void crm_bind_named_text(struct crm_stmt *st, const char *name, const char *value)
{
	int i = crm_param_index(st, name);
	if (i)
		crm_bind_copy(st, i, value);
}

int crm_bind_blob(struct crm_stmt *st, int i, const void *p, int len)
{
	return st->be->bind_blob(st, i, p, len);
}

void crm_db_catalogue_free(struct crm_db_catalogue *c)
{
	for (size_t i = 0; i < c->ntables; i++) {
		struct crm_db_table *t = &c->tables[i];
		for (int k = 0; k < t->ncols; k++) {
			free(t->cols[k].name);
			free(t->cols[k].references);
		}
		free(t->cols);
		free(t->name);
	}
	free(c->tables);
	*c = (struct crm_db_catalogue){0};
}

int crm_db_catalogue(struct crm_db *db, struct crm_db_catalogue *out)
{
	struct crm_stmt *st;
	size_t cap = 0;
	int rc;
	*out = (struct crm_db_catalogue){0};
	if (crm_db_prepare(db, db->be->version_sql, &st) != CRM_OK)
		return crm_db_fail(db, "cannot read the schema version");
	rc = crm_step(st);
	if (rc == CRM_ROW)
		out->version = (int)crm_col_int(st, 0);
	crm_stmt_finish(st);
	if (rc != CRM_ROW)
		return crm_db_fail(db, "cannot read the schema version");
	if (crm_db_prepare(db, db->be->catalogue_sql, &st) != CRM_OK)
		return crm_db_fail(db, "cannot read the catalogue");
	while ((rc = crm_step(st)) == CRM_ROW) {
		const char *name = crm_col_text(st, 0), *type = crm_col_text(st, 2);
		struct crm_db_table *t = out->ntables ? &out->tables[out->ntables - 1] : NULL;
		if (!t || strcmp(t->name, name) != 0) {
			if (out->ntables == cap) {
				cap = cap ? 2 * cap : 64;
				out->tables = crm_xrealloc(out->tables, cap * sizeof *out->tables);
			}
			t = &out->tables[out->ntables++];
			*t = (struct crm_db_table){.name = crm_xstrdup(name)};
		}
		t->cols = crm_xrealloc(t->cols, (size_t)(t->ncols + 1) * sizeof *t->cols);
		const char *ref = crm_col_str(st, 5);
		t->cols[t->ncols++] = (struct crm_db_column){
			.name = crm_xstrdup(crm_col_text(st, 1)),
			.type = strcmp(type, "integer") == 0 ? CRM_DB_INTEGER
				: strcmp(type, "blob") == 0  ? CRM_DB_BLOB
							     : CRM_DB_TEXT,
			.not_null = crm_col_int(st, 3) != 0,
			.key = (int)crm_col_int(st, 4),
			.references = ref ? crm_xstrdup(ref) : NULL,
		};
	}
	crm_stmt_finish(st);
	if (rc != CRM_DONE) {
		crm_db_catalogue_free(out);
		return crm_db_fail(db, "cannot read the catalogue");
	}
	return 0;
}

int crm_db_sync_ids(struct crm_db *db, const char *table)
{
	if (!db->be->sync_ids_sql)
		return 0;
	char *sql = crm_xasprintf(db->be->sync_ids_sql, table);
	struct crm_stmt *st;
	int rc = crm_db_prepare(db, sql, &st);
	free(sql);
	if (rc == CRM_OK) {
		while ((rc = crm_step(st)) == CRM_ROW)
			;
		crm_stmt_finish(st);
	}
	if (rc != CRM_OK && rc != CRM_DONE) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s: cannot move the id sequence", table);
		return crm_db_fail(db, msg);
	}
	return 0;
}

/* ---- the bulk writer ---- */

int crm_db_bulk_begin(struct crm_db *db, const char *table, const char *const *cols,
		      int ncols, struct crm_bulk **out)
{
	struct crm_bulk *b = crm_xcalloc(1, sizeof *b);
	b->db = db;
	b->table = crm_xstrdup(table);
	b->ncols = ncols;
	b->cols = crm_xcalloc((size_t)ncols, sizeof *b->cols);
	for (int i = 0; i < ncols; i++)
		b->cols[i] = crm_xstrdup(cols[i]);
	b->v = crm_xcalloc((size_t)ncols, sizeof *b->v);
	*out = NULL;
	if (db->be->bulk_begin(b)) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s: cannot start writing rows", table);
		int st = crm_db_fail(db, msg);
		b->db = NULL;
		crm_bulk_abort(b);
		return st;
	}
	*out = b;
	return 0;
}

static struct crm_bulk_val *next_val(struct crm_bulk *b)
{
	if (b->col >= b->ncols) {
		b->overflow = true;
		return NULL;
	}
	return &b->v[b->col++];
}

void crm_bulk_int(struct crm_bulk *b, int64_t v)
{
	struct crm_bulk_val *x = next_val(b);
	if (x)
		*x = (struct crm_bulk_val){.kind = CRM_BV_INT, .i = v};
}

void crm_bulk_textn(struct crm_bulk *b, const char *s, int len)
{
	struct crm_bulk_val *x = next_val(b);
	if (x)
		*x = s ? (struct crm_bulk_val){.kind = CRM_BV_TEXT, .p = s,
					       .len = len < 0 ? (int)strlen(s) : len}
		       : (struct crm_bulk_val){.kind = CRM_BV_NULL};
}

void crm_bulk_text(struct crm_bulk *b, const char *s) { crm_bulk_textn(b, s, -1); }

void crm_bulk_null(struct crm_bulk *b)
{
	struct crm_bulk_val *x = next_val(b);
	if (x)
		*x = (struct crm_bulk_val){.kind = CRM_BV_NULL};
}

void crm_bulk_id(struct crm_bulk *b, int64_t id)
{
	if (id)
		crm_bulk_int(b, id);
	else
		crm_bulk_null(b);
}

void crm_bulk_blob(struct crm_bulk *b, const void *p, int len)
{
	struct crm_bulk_val *x = next_val(b);
	if (x)
		*x = p ? (struct crm_bulk_val){.kind = CRM_BV_BLOB, .p = p, .len = len}
		       : (struct crm_bulk_val){.kind = CRM_BV_NULL};
}

int crm_bulk_row(struct crm_bulk *b)
{
	if (b->col != b->ncols)
		b->overflow = true;
	if (!b->failed && !b->overflow) {
		if (b->db->be->bulk_row(b))
			b->failed = 1;
		else
			b->rows++;
	}
	b->col = 0;
	return b->failed || b->overflow;
}

int64_t crm_bulk_rows(const struct crm_bulk *b) { return b->rows; }

static void bulk_free(struct crm_bulk *b)
{
	for (int i = 0; i < b->ncols; i++)
		free(b->cols[i]);
	free(b->cols);
	free(b->v);
	free(b->table);
	free(b);
}

int crm_bulk_end(struct crm_bulk *b, const char *what)
{
	struct crm_db *db = b->db;
	int st = 0;
	if (b->overflow) {
		db->be->bulk_abort(b);
		crm_warn("internal error: %s: a row of %s without its %d values", what, b->table,
			 b->ncols);
		st = EX_SOFTWARE;
	} else if (db->be->bulk_end(b)) {
		st = crm_db_fail(db, what);	/* the error kept, maybe from a row before */
		db->be->bulk_abort(b);
	}
	bulk_free(b);
	return st;
}

void crm_bulk_abort(struct crm_bulk *b)
{
	if (!b)
		return;
	if (b->db)
		b->db->be->bulk_abort(b);
	bulk_free(b);
}

int crm_db_max_id(struct crm_db *db, const char *table, int64_t *id)
{
	/* row-level security would show only the actor's rows */
	char *sql = crm_xasprintf(crm_dialect(db)->row_security ? "SELECT crm_max_id('%s')"
				  : "SELECT coalesce(max(id), 0) FROM %s", table);
	struct crm_stmt *st;
	int rc = crm_db_prepare(db, sql, &st);
	free(sql);
	*id = 0;
	if (rc == CRM_OK) {
		rc = crm_step(st);
		if (rc == CRM_ROW)
			*id = crm_col_int(st, 0);
		crm_stmt_finish(st);
	}
	if (rc != CRM_ROW) {
		char msg[160];
		snprintf(msg, sizeof msg, "%s: cannot read the largest id", table);
		return crm_db_fail(db, msg);
	}
	return 0;
}
