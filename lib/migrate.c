/* migrate.c: see migrate.h.  Read both databases' catalogues (db.h), which
 * must list the same tables and columns at the same schema version; order
 * the tables so that every table a foreign key names comes first (a cycle,
 * teams.manager_id and users.team_id, is broken at the first table in name
 * order that cannot wait); copy each with one prepared multi-row INSERT
 * (BATCH_ROWS rows a statement: one round trip per batch on PostgreSQL)
 * and one for the rows left over. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "migrate.h"

#define BATCH_ROWS 500
#define BATCH_PARAMS 30000	/* below SQLite's 32766 and PostgreSQL's 65535 */

struct cell {
	char *p;		/* malloc'd; NULL for NULL */
	int len;		/* of a blob */
};

/* A reference set once every table is in: UPDATE t SET col = ref WHERE id. */
struct later {
	size_t table;
	int col;
	int64_t id, ref;
};

struct mig {
	struct crm_db *from, *to;
	const struct crm_db_catalogue *cat;
	size_t *pos;		/* pos[i]: the place of table i in the copy */
	struct later *later;
	size_t nlater, caplater;
};

static int find_table(const struct crm_db_catalogue *c, const char *name)
{
	for (size_t i = 0; i < c->ntables; i++)
		if (strcmp(c->tables[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* The column "id" when it alone is the primary key, else -1. */
static int id_col(const struct crm_db_table *t)
{
	int id = -1, keys = 0;
	for (int k = 0; k < t->ncols; k++) {
		keys += t->cols[k].key > 0;
		if (t->cols[k].key == 1 && strcmp(t->cols[k].name, "id") == 0)
			id = k;
	}
	return keys == 1 ? id : -1;
}

/* Each table after every other table its foreign keys name; when none is
 * ready (a cycle), the one left that most of the others left name (users,
 * before teams: its team_id waits, not every owner_id). */
static size_t *copy_order(const struct crm_db_catalogue *c, size_t *pos)
{
	size_t n = c->ntables, *order = crm_xcalloc(n ? n : 1, sizeof *order);
	bool *placed = crm_xcalloc(n ? n : 1, sizeof *placed);
	size_t *named = crm_xcalloc(n ? n : 1, sizeof *named);
	for (size_t k = 0; k < n; k++) {
		size_t pick = n, stuck = n;
		memset(named, 0, n * sizeof *named);
		for (size_t i = 0; i < n; i++) {
			if (placed[i])
				continue;
			bool ready = true;
			for (int j = 0; j < c->tables[i].ncols; j++) {
				const char *r = c->tables[i].cols[j].references;
				int ri = r ? find_table(c, r) : -1;
				if (ri < 0 || (size_t)ri == i || placed[ri])
					continue;
				ready = false;
				named[ri]++;
			}
			if (ready && pick == n)
				pick = i;
		}
		for (size_t j = 0; j < n && pick == n; j++)
			if (!placed[j] && (stuck == n || named[j] > named[stuck]))
				stuck = j;
		if (pick == n)
			pick = stuck;
		placed[pick] = true;
		order[k] = pick;
		pos[pick] = k;
	}
	free(named);
	free(placed);
	return order;
}

static void quote(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t need = *len + strlen(s) + 3;
	if (need >= *cap) {
		*cap = 2 * need;
		*buf = crm_xrealloc(*buf, *cap);
	}
	*len += (size_t)sprintf(*buf + *len, "\"%s\"", s);
}

static void append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t need = *len + strlen(s) + 1;
	if (need >= *cap) {
		*cap = 2 * need;
		*buf = crm_xrealloc(*buf, *cap);
	}
	memcpy(*buf + *len, s, strlen(s) + 1);
	*len += strlen(s);
}

/* "\"a\", \"b\"": the columns of t */
static char *column_list(const struct crm_db_table *t)
{
	char *b = NULL;
	size_t len = 0, cap = 0;
	append(&b, &len, &cap, "");
	for (int k = 0; k < t->ncols; k++) {
		if (k)
			append(&b, &len, &cap, ", ");
		quote(&b, &len, &cap, t->cols[k].name);
	}
	return b;
}

static char *select_sql(const struct crm_db_table *t)
{
	char *cols = column_list(t), *b = NULL;
	size_t len = 0, cap = 0;
	append(&b, &len, &cap, "SELECT ");
	append(&b, &len, &cap, cols);
	append(&b, &len, &cap, " FROM ");
	quote(&b, &len, &cap, t->name);
	free(cols);
	/* in the order of the key: rows go in as they stood */
	const char *sep = " ORDER BY ";
	for (int place = 1;; place++) {
		int k = 0;
		while (k < t->ncols && t->cols[k].key != place)
			k++;
		if (k == t->ncols)
			break;
		append(&b, &len, &cap, sep);
		quote(&b, &len, &cap, t->cols[k].name);
		sep = ", ";
	}
	return b;
}

static char *insert_sql(const struct crm_db_table *t, int rows)
{
	char *cols = column_list(t), *b = NULL;
	size_t len = 0, cap = 0;
	append(&b, &len, &cap, "INSERT INTO ");
	quote(&b, &len, &cap, t->name);
	append(&b, &len, &cap, " (");
	append(&b, &len, &cap, cols);
	append(&b, &len, &cap, ") VALUES ");
	free(cols);
	/* plain ?, numbered in order: SQLite looks a name up for each ?NNN */
	for (int r = 0; r < rows; r++) {
		append(&b, &len, &cap, r ? ", (" : "(");
		for (int k = 0; k < t->ncols; k++)
			append(&b, &len, &cap, k ? ", ?" : "?");
		append(&b, &len, &cap, ")");
	}
	return b;
}

/* Insert rows rows of cells with st (NULL: prepare one for them). */
static int flush(struct mig *m, const struct crm_db_table *t, struct crm_stmt *st,
		 struct cell *cells, int rows)
{
	struct crm_stmt *own = NULL;
	char what[160];
	snprintf(what, sizeof what, "%s: cannot copy the rows", t->name);
	if (!st) {
		char *sql = insert_sql(t, rows);
		int rc = crm_db_prepare(m->to, sql, &own);
		free(sql);
		if (rc != CRM_OK)
			goto fail;
		st = own;
	}
	for (int i = 0; i < rows * t->ncols; i++) {
		struct cell *c = &cells[i];
		if (!c->p)
			crm_bind_null(st, i + 1);
		else if (t->cols[i % t->ncols].type == CRM_DB_BLOB) {
			crm_bind_blob(st, i + 1, c->p, c->len);
			free(c->p);
		} else
			crm_bind_owned(st, i + 1, c->p);
		c->p = NULL;
	}
	int rc = crm_step(st);
	crm_stmt_reset(st);
	if (rc != CRM_DONE)
		goto fail;
	crm_stmt_finish(own);
	return 0;
fail:
	for (int i = 0; i < rows * t->ncols; i++) {
		free(cells[i].p);
		cells[i].p = NULL;
	}
	rc = crm_db_fail(m->to, what);
	crm_stmt_finish(own);
	return rc;
}

static void defer(struct mig *m, size_t table, int col, int64_t id, int64_t ref)
{
	if (m->nlater == m->caplater) {
		m->caplater = m->caplater ? 2 * m->caplater : 256;
		m->later = crm_xrealloc(m->later, m->caplater * sizeof *m->later);
	}
	m->later[m->nlater++] = (struct later){table, col, id, ref};
}

/* Copy table ti; *copied the rows read. */
static int copy_table(struct mig *m, size_t ti, int64_t *copied)
{
	const struct crm_db_table *t = &m->cat->tables[ti];
	int idc = id_col(t);
	/* which columns wait: a self-reference to a later row, a reference
	 * to a table not copied yet */
	int *wait = crm_xcalloc((size_t)t->ncols, sizeof *wait);	/* 1 self, 2 later */
	for (int k = 0; k < t->ncols; k++) {
		const char *r = t->cols[k].references;
		int ri = r ? find_table(m->cat, r) : -1;
		if (ri < 0)
			continue;
		if ((size_t)ri == ti)
			wait[k] = 1;
		else if (m->pos[ri] > m->pos[ti])
			wait[k] = 2;
		if (wait[k] && (idc < 0 || t->cols[k].not_null)) {
			crm_warn("%s.%s: cannot order the tables by this reference to %s",
				 t->name, t->cols[k].name, r);
			free(wait);
			return EX_SOFTWARE;
		}
	}
	int per = BATCH_PARAMS / t->ncols;
	if (per > BATCH_ROWS)
		per = BATCH_ROWS;
	if (per < 1)
		per = 1;
	struct cell *cells = crm_xcalloc((size_t)per * (size_t)t->ncols, sizeof *cells);
	struct crm_stmt *src = NULL, *batch = NULL;
	char *sql = select_sql(t);
	int rc = crm_db_prepare(m->from, sql, &src), st = 0, rows = 0;
	free(sql);
	char what[160];
	snprintf(what, sizeof what, "%s: cannot read the rows", t->name);
	if (rc != CRM_OK) {
		st = crm_db_fail(m->from, what);
		goto out;
	}
	*copied = 0;
	while ((rc = crm_step(src)) == CRM_ROW) {
		struct cell *row = &cells[rows * t->ncols];
		int64_t id = idc >= 0 ? crm_col_int(src, idc) : 0;
		for (int k = 0; k < t->ncols; k++) {
			if (crm_col_null(src, k))
				continue;
			if (wait[k]) {
				int64_t ref = crm_col_int(src, k);
				if (wait[k] == 2 || ref >= id) {
					defer(m, ti, k, id, ref);
					continue;
				}
			}
			if (t->cols[k].type == CRM_DB_BLOB) {
				int n = crm_col_bytes(src, k);
				row[k].p = crm_xmalloc(n ? (size_t)n : 1);
				memcpy(row[k].p, crm_col_blob(src, k), (size_t)n);
				row[k].len = n;
			} else
				row[k].p = crm_xstrdup(crm_col_text(src, k));
		}
		(*copied)++;
		if (++rows < per)
			continue;
		if (!batch) {
			char *ins = insert_sql(t, per);
			int prc = crm_db_prepare(m->to, ins, &batch);
			free(ins);
			if (prc != CRM_OK) {
				snprintf(what, sizeof what, "%s: cannot copy the rows", t->name);
				st = crm_db_fail(m->to, what);
				goto out;
			}
		}
		if ((st = flush(m, t, batch, cells, rows)))
			goto out;
		rows = 0;
	}
	if (rc != CRM_DONE) {
		st = crm_db_fail(m->from, what);
		goto out;
	}
	if (rows)
		st = flush(m, t, NULL, cells, rows);
	rows = 0;
	if (!st && idc >= 0)
		st = crm_db_sync_ids(m->to, t->name);
out:
	for (int i = 0; i < rows * t->ncols; i++)
		free(cells[i].p);
	free(cells);
	free(wait);
	crm_stmt_finish(src);
	crm_stmt_finish(batch);
	return st;
}

/* The references that waited for the rows they name. */
static int set_later(struct mig *m)
{
	for (size_t i = 0; i < m->nlater; i++) {
		const struct later *l = &m->later[i];
		const struct crm_db_table *t = &m->cat->tables[l->table];
		char *b = NULL;
		size_t len = 0, cap = 0;
		append(&b, &len, &cap, "UPDATE ");
		quote(&b, &len, &cap, t->name);
		append(&b, &len, &cap, " SET ");
		quote(&b, &len, &cap, t->cols[l->col].name);
		append(&b, &len, &cap, " = ?1 WHERE \"id\" = ?2");
		struct crm_stmt *st;
		int rc = crm_db_prepare(m->to, b, &st);
		free(b);
		/* one statement for the run of the same column */
		size_t j = i;
		while (rc == CRM_OK && j < m->nlater && m->later[j].table == l->table &&
		       m->later[j].col == l->col) {
			crm_bind_int(st, 1, m->later[j].ref);
			crm_bind_int(st, 2, m->later[j].id);
			rc = crm_step(st);
			crm_stmt_reset(st);
			rc = rc == CRM_DONE ? CRM_OK : rc;
			j++;
		}
		if (rc == CRM_OK)
			crm_stmt_finish(st);
		if (rc != CRM_OK) {
			char what[160];
			snprintf(what, sizeof what, "%s.%s: cannot set the references", t->name,
				 t->cols[l->col].name);
			rc = crm_db_fail(m->to, what);
			crm_stmt_finish(st);
			return rc;
		}
		i = j - 1;
	}
	return 0;
}

static int count_rows(struct crm_db *db, const char *table, int64_t *n)
{
	char *b = NULL;
	size_t len = 0, cap = 0;
	append(&b, &len, &cap, "SELECT count(*) FROM ");
	quote(&b, &len, &cap, table);
	struct crm_stmt *st;
	int rc = crm_db_prepare(db, b, &st);
	free(b);
	if (rc == CRM_OK && (rc = crm_step(st)) == CRM_ROW)
		*n = crm_col_int(st, 0);
	crm_stmt_finish(st);
	if (rc != CRM_ROW) {
		char what[160];
		snprintf(what, sizeof what, "%s: cannot count the rows", table);
		return crm_db_fail(db, what);
	}
	return 0;
}

/* The same tables with the same columns of the same types. */
static int same_schema(const struct crm_db_catalogue *a, const struct crm_db_catalogue *b,
		       const char *target)
{
	if (a->version != b->version) {
		crm_warn("%s: schema version %d, the source's %d", target, b->version, a->version);
		return EX_DATAERR;
	}
	for (size_t i = 0; i < a->ntables || i < b->ntables; i++) {
		const struct crm_db_table *s = i < a->ntables ? &a->tables[i] : NULL;
		const struct crm_db_table *t = i < b->ntables ? &b->tables[i] : NULL;
		bool same = s && t && strcmp(s->name, t->name) == 0 && s->ncols == t->ncols;
		for (int k = 0; same && k < s->ncols; k++)
			same = strcmp(s->cols[k].name, t->cols[k].name) == 0 &&
			       s->cols[k].type == t->cols[k].type;
		if (!same) {
			crm_warn("%s: table %s differs from the source's", target,
				 s ? s->name : t->name);
			return EX_SOFTWARE;
		}
	}
	return 0;
}

/* Does the target hold rows? 0 when it holds none. */
static int empty_target(struct crm_db *to, const struct crm_db_catalogue *c, const char *target)
{
	for (size_t i = 0; i < c->ntables; i++) {
		int64_t n = 0;
		int st = count_rows(to, c->tables[i].name, &n);
		if (st)
			return st;
		if (n) {
			crm_warn("%s: not an empty database (%s holds %lld rows); migrate into a new one",
				 target, c->tables[i].name, (long long)n);
			return EX_DATAERR;
		}
	}
	return 0;
}

static int copy_all(struct mig *m, const char *target, FILE *out, bool header)
{
	const struct crm_db_catalogue *c = m->cat;
	size_t n = c->ntables;
	m->pos = crm_xcalloc(n ? n : 1, sizeof *m->pos);
	size_t *order = copy_order(c, m->pos);
	int64_t *copied = crm_xcalloc(n ? n : 1, sizeof *copied);
	int st = 0;
	for (size_t k = 0; k < n && !st; k++)
		st = copy_table(m, order[k], &copied[order[k]]);
	if (!st)
		st = set_later(m);
	/* verify: count both sides */
	for (size_t i = 0; i < n && !st; i++) {
		int64_t a = 0, b = 0;
		if ((st = count_rows(m->from, c->tables[i].name, &a)) ||
		    (st = count_rows(m->to, c->tables[i].name, &b)))
			break;
		if (a != b || a != copied[i]) {
			crm_warn("%s: %s: %lld rows in the source, %lld copied, %lld in the target",
				 target, c->tables[i].name, (long long)a, (long long)copied[i],
				 (long long)b);
			st = EX_SOFTWARE;
		}
	}
	if (!st && out) {
		if (header)
			fputs("table\trows\n", out);
		for (size_t i = 0; i < n; i++)
			fprintf(out, "%s\t%lld\n", c->tables[i].name, (long long)copied[i]);
	}
	free(copied);
	free(order);
	return st;
}

/* On PostgreSQL each user copied gets the server's role of its login, in
 * the group of its crm role (security_pg.h); what the server would not do
 * is a warning. */
static int server_roles(struct crm_db *to)
{
	if (!crm_dialect(to)->row_security)
		return 0;
	struct crm_stmt *st;
	if (crm_db_prepare(to, "SELECT login, crm_role_ensure(login, role) FROM users ORDER BY id",
			   &st) != CRM_OK)
		return crm_db_fail(to, "cannot set up the server's roles");
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW)
		if (!crm_col_null(st, 1))
			crm_warn("warning: user '%s': %s", crm_col_text(st, 0), crm_col_text(st, 1));
	crm_stmt_finish(st);
	return rc == CRM_DONE ? 0 : crm_db_fail(to, "cannot set up the server's roles");
}

static void remove_sqlite(const char *path)
{
	static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
	for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
		char *p = crm_xasprintf("%s%s", path, ext[i]);
		unlink(p);
		free(p);
	}
}

int crm_migrate(struct crm_ctx *ctx, const char *target, FILE *out)
{
	int st;
	bool file = !crm_db_is_pg(target), made = false;
	struct crm_db *to = NULL;
	struct crm_db_catalogue a = {0}, b = {0};
	struct mig m = {.from = ctx->db};
	if ((st = crm_ctx_require_admin(ctx, "migrate the database")))
		return st;
	if (!*target) {
		crm_warn("--to: empty name");
		return EX_USAGE;
	}
	struct stat sb;
	if (file && lstat(target, &sb) == 0) {
		crm_warn("%s: exists; crm migrate makes a new database", target);
		return EX_CANTCREAT;
	}
	if ((st = crm_db_open(target, CRM_DB_CREATE, &crm_audit_ext, &to)))
		return st;
	made = file;
	m.to = to;
	if ((st = crm_db_catalogue(ctx->db, &a)) || (st = crm_db_catalogue(to, &b)) ||
	    (st = same_schema(&a, &b, target)))
		goto out;
	m.cat = &a;
	if ((st = crm_db_begin(ctx->db)))
		goto out;
	if (!(st = crm_db_begin(to))) {
		if (!(st = empty_target(to, &b, target)) &&
		    !(st = copy_all(&m, target, ctx->opts->quiet ? NULL : out,
				    !ctx->opts->no_header)) && !(st = server_roles(to)))
			made = false;
		if (st || ctx->opts->dry_run)
			crm_db_rollback(to);
		else if ((st = crm_db_commit(to)))
			made = true;
	}
	crm_db_rollback(ctx->db);
	if (!st && ctx->opts->dry_run)
		made = file;
out:
	crm_db_catalogue_free(&a);
	crm_db_catalogue_free(&b);
	free(m.pos);
	free(m.later);
	crm_db_close(to);
	if (made)
		remove_sqlite(target);
	return st;
}
