/* lead_import.c: see lead_import.h.
 *
 * The plan, for a million rows within a small factor of a bare loader:
 * 1. one transaction; when leads is empty, drop its secondary indexes
 *    (DDL is transactional, so all-or-nothing still holds);
 * 2. stream each file once: every row goes through the lead record's
 *    checks (the same ones add and update use) in a reader thread, and
 *    through one reused prepared insert in the database's thread; the
 *    records are reused, nothing is allocated per row;
 * 3. build the indexes again, then find duplicates set-wise (see
 *    find_dups) for the ids above the largest one before the import;
 * 4. apply --on-duplicate to that set, write one audit row for the batch.
 * Ids are consecutive within the transaction, so the line of any new id
 * is kept as runs (first id, line - id) that change only at rejected rows,
 * multi-line CSV records and file boundaries. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "audit.h"
#include "colmap.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "lead_dups.h"
#include "lead_import.h"
#include "lead.h"
#include "leadfield.h"
#include "schema.h"
#include "score.h"

#define PROGRESS_EVERY 50000

struct run {
	int64_t first_id;
	long long offset;	/* line = id + offset */
	int file;
};

struct imp {
	struct crm_ctx *ctx;
	const struct crm_import_opts *o;
	struct crm_lead_rec *rec;
	char **files;
	int nfiles;
	int64_t max_before;
	bool empty_start, rebuild_indexes;
	long rows;
	struct run *runs;
	size_t nruns, capruns;
	bool **mapped;		/* per file: which handles its columns fill */
	struct crm_import_inputs in;	/* opened and mapped before the lock */
	struct crm_colmap *map;
	struct crm_rejects rj;
	bool progress;
	bool doomed;		/* reader's copy of pipeline.doomed */
	struct crm_lead_rec *scratch;	/* where a doomed reader checks rows */
	struct pipeline *pipe;
	struct crm_owners *owners;
	struct crm_lead_bulk *bulk;	/* the loader's stream of new rows */
	int64_t last_id;		/* the id of the last row given it */
};

static const char *const match_names[] = {"", "phone", "email", "company and name"};

int crm_dup_policy_parse(const char *s)
{
	static const char *const names[] = {"skip", "update", "error", "allow"};
	for (int i = 0; i < 4; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

/* ---- line numbers of new ids ---- */

static void note_line(struct imp *im, int64_t id, long line, int file)
{
	long long off = (long long)line - id;
	struct run *last = im->nruns ? &im->runs[im->nruns - 1] : NULL;
	if (last && last->file == file && last->offset == off)
		return;
	if (im->nruns == im->capruns) {
		im->capruns = im->capruns ? 2 * im->capruns : 64;
		im->runs = crm_xrealloc(im->runs, im->capruns * sizeof *im->runs);
	}
	im->runs[im->nruns++] = (struct run){id, off, file};
}

static long line_of(const struct imp *im, int64_t id, int *file)
{
	size_t lo = 0, hi = im->nruns;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;
		if (im->runs[mid].first_id <= id)
			lo = mid;
		else
			hi = mid;
	}
	*file = im->runs[lo].file;
	return (long)(id + im->runs[lo].offset);
}

/* ---- columns ---- */

/* The column mapping is lib/colmap.c's, shared with the other importers. */
static int field_handle(void *rec, const char *name) { return crm_lead_rec_field(rec, name); }
static const char *field_name(void *rec, int h) { return crm_lead_rec_field_name(rec, h); }

static int parse_map(struct imp *im)
{
	struct crm_colmap_fields f = {im->rec, field_handle, field_name};
	return crm_colmap_new(im->o->map, &f, &im->map);
}

/* ---- reading ---- */

/* Rows travel in batches of reused records from the reader thread, which
 * parses and checks them, to the loader (the thread that owns the
 * database), which inserts them: checking overlaps with SQLite's work. */
#define BATCH 256
#define NBATCH 4

struct batch {
	struct crm_lead_rec *rec[BATCH];
	long line[BATCH];
	int file[BATCH];
	int n;
};

struct pipeline {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	struct batch batch[NBATCH];
	long filled, loaded;	/* batches handed over and done; a ring */
	bool done;		/* the reader has handed over its last batch */
	bool doomed;		/* a bad row without --skip-bad: nothing will be written */
	int st;			/* the first failure on either side stops both */
};

static const char *file_name(const struct imp *im, int file)
{
	return strcmp(im->files[file], "-") ? im->files[file] : "stdin";
}

static void progress(struct imp *im, const char *name, bool done)
{
	if (!im->progress)
		return;
	if (done)
		fputs("\r\033[K", stderr);
	else
		fprintf(stderr, "\r%s: %s: %ld rows", crm_progname, name, im->rows);
	fflush(stderr);
}

/* Fill r from the current row and check it; 0 or 65 with the reason. */
static int read_row(struct imp *im, struct crm_lead_rec *r, struct crm_rows *rows,
		    const int *handle, size_t ncols)
{
	const char *v;
	crm_lead_rec_clear(r);
	for (size_t i = 0; i < ncols; i++)
		if (handle[i] >= 0 && crm_lead_rec_put(r, handle[i], crm_rows_field(rows, i)))
			return EX_DATAERR;
	if (im->o->source && (!(v = crm_lead_rec_get(r, CRM_LF_SOURCE)) || !*v) &&
	    crm_lead_rec_put(r, CRM_LF_SOURCE, im->o->source))
		return EX_DATAERR;
	if (im->o->campaign && (!(v = crm_lead_rec_get(r, CRM_LF_CAMPAIGN)) || !*v) &&
	    crm_lead_rec_put(r, CRM_LF_CAMPAIGN, im->o->campaign))
		return EX_DATAERR;
	return crm_lead_rec_check_new(r);
}

/* Hand the batch being filled to the loader; the next one to fill, or
 * NULL when the loader has failed. */
static struct batch *hand_over(struct pipeline *p, struct batch *b, bool last)
{
	pthread_mutex_lock(&p->mu);
	if (b && b->n)
		p->filled++;
	p->done = last;
	pthread_cond_broadcast(&p->cv);
	while (!last && !p->st && p->filled - p->loaded == NBATCH)
		pthread_cond_wait(&p->cv, &p->mu);
	b = p->st || last ? NULL : &p->batch[p->filled % NBATCH];
	pthread_mutex_unlock(&p->mu);
	if (b)
		b->n = 0;
	return b;
}

/* A bad row without --skip-bad: nothing will be written, so the loader is
 * let go at once (it rolls back and frees the write lock) while the reader
 * goes on checking the rest for the list of bad rows. */
static void doom(struct imp *im, struct pipeline *p, struct batch **bp)
{
	if (im->o->skip_bad || im->doomed)
		return;
	im->doomed = true;
	pthread_mutex_lock(&p->mu);
	p->doomed = true;
	pthread_mutex_unlock(&p->mu);
	*bp = hand_over(p, *bp, true);
}

static int stopped(struct pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	int st = p->st;
	pthread_mutex_unlock(&p->mu);
	return st;
}

/* Open every input and map its columns: a missing file or a bad header is
 * reported before the write lock is taken. */
static int open_inputs(struct imp *im)
{
	im->in.once = true;	/* a second pass would cost a million-row load its speed */
	int st = crm_import_inputs_open(&im->in, im->files, im->nfiles,
					(enum crm_rows_format)im->o->format, im->map, "lead",
					im->ctx->cfg, NULL, im->ctx->opts->quiet);
	for (int fi = 0; !st && fi < im->nfiles; fi++) {
		im->mapped[fi] = crm_xcalloc((size_t)crm_lead_rec_nfields(im->rec), sizeof **im->mapped);
		for (size_t i = 0; i < crm_rows_ncols(im->in.rows[fi]); i++)
			if (im->in.handle[fi][i] >= 0)
				im->mapped[fi][im->in.handle[fi][i]] = true;
	}
	return st;
}

static int read_file(struct imp *im, struct pipeline *p, struct batch **bp, int fi)
{
	struct crm_rows *rows = im->in.rows[fi];
	int st = 0, rc;

	const char *name = crm_rows_name(rows);
	im->rj.header_of = NULL;	/* each file has its own header in the reject file */
	size_t ncols = crm_rows_ncols(rows);
	const int *handle = im->in.handle[fi];
	while ((rc = crm_rows_next(rows)) != 0) {
		if (++im->rows % PROGRESS_EVERY == 0)
			progress(im, name, false);
		if (im->rows % BATCH == 0 && (st = stopped(p)))
			break;
		if (rc < 0) {
			if (-rc != EX_DATAERR) {
				st = -rc;
				break;
			}
			crm_reject(&im->rj, rows, NULL);
			doom(im, p, bp);
			continue;
		}
		struct batch *b = *bp;
		struct crm_lead_rec *r = b ? b->rec[b->n] : im->scratch;
		if (read_row(im, r, rows, handle, ncols)) {
			crm_reject(&im->rj, rows, crm_lead_rec_error(r));
			doom(im, p, bp);
			continue;
		}
		if (im->rj.bad && !im->o->skip_bad)
			continue;	/* nothing will be written: only check the rest */
		crm_rec_prepare(r);
		b->line[b->n] = crm_rows_line(rows);
		b->file[b->n++] = fi;
		if (b->n == BATCH && !(*bp = hand_over(p, b, false))) {
			st = stopped(p);
			break;
		}
	}
	progress(im, name, true);
	return st;
}

static void *reader(void *arg)
{
	struct imp *im = arg;
	struct pipeline *p = im->pipe;
	struct batch *b = &p->batch[0];
	int st = 0;
	for (int i = 0; i < im->nfiles && !st && (b || im->doomed); i++)
		st = read_file(im, p, &b, i);
	hand_over(p, b, true);
	if (st) {
		pthread_mutex_lock(&p->mu);
		if (!p->st)
			p->st = st;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	return NULL;
}

/* ---- loading ---- */

/* The bulk writer's end: 0 or its failure (reported). */
static int end_bulk(struct imp *im)
{
	int st = im->bulk ? crm_lead_bulk_end(im->bulk) : 0;
	im->bulk = NULL;
	return st;
}

/* Each row into the bulk writer with the next id: the rows stream to the
 * server, no round trip a row.  A failure of the writer shows at its end. */
static int insert_batch(struct imp *im, struct batch *b)
{
	char where[512];
	for (int i = 0; i < b->n; i++) {
		int64_t id = ++im->last_id;
		int st;
		const char *what = file_name(im, b->file[i]);
		if (im->ctx->actor.role != CRM_ROLE_ADMIN) {
			snprintf(where, sizeof where, "%s:%ld", what, b->line[i]);
			what = where;
		}
		if ((st = crm_lead_bulk_insert(im->bulk, b->rec[i], id, what)) < 0)
			return end_bulk(im);
		if (st)
			return st;
		note_line(im, id, b->line[i], b->file[i]);
	}
	return 0;
}

/* Insert what the reader hands over until it is done or either fails. */
static int load(struct imp *im)
{
	struct pipeline *p = im->pipe;
	pthread_t tid;
	int st;

	im->last_id = im->max_before;
	if ((st = crm_lead_bulk_begin(im->ctx, &im->bulk)))
		return st;
	if ((st = pthread_create(&tid, NULL, reader, im))) {
		crm_lead_bulk_abort(im->bulk);
		im->bulk = NULL;
		errno = st;
		crm_warn_errno("cannot start the reader thread");
		return EX_OSERR;
	}
	for (;;) {
		pthread_mutex_lock(&p->mu);
		while (p->loaded == p->filled && !p->done && !p->st)
			pthread_cond_wait(&p->cv, &p->mu);
		struct batch *b = p->loaded < p->filled && !p->st ? &p->batch[p->loaded % NBATCH] : NULL;
		pthread_mutex_unlock(&p->mu);
		if (!b)
			break;
		st = insert_batch(im, b);
		pthread_mutex_lock(&p->mu);
		p->loaded++;
		if (st && !p->st)
			p->st = st;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	pthread_mutex_lock(&p->mu);
	bool doomed = p->doomed;
	st = p->st;
	pthread_mutex_unlock(&p->mu);
	if (!st && !doomed && (st = end_bulk(im))) {
		pthread_mutex_lock(&p->mu);
		p->st = st;
		pthread_mutex_unlock(&p->mu);
	}
	crm_lead_bulk_abort(im->bulk);	/* what a failure left unwritten */
	im->bulk = NULL;
	if (doomed)
		crm_db_rollback(im->ctx->db);	/* others may write while the rest is checked */
	pthread_join(tid, NULL);
	return p->st;
}

static void pipeline_init(struct imp *im, struct pipeline *p)
{
	memset(p, 0, sizeof *p);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->cv, NULL);
	im->owners = crm_owners_load(im->ctx);
	for (int i = 0; i < NBATCH; i++) {
		for (int j = 0; j < BATCH; j++) {
			struct crm_lead_rec *r = crm_lead_rec_new(im->ctx);
			crm_rec_trust_utf8(r, true);	/* both readers refuse invalid UTF-8 */
			crm_rec_use_owners(r, im->owners);
			p->batch[i].rec[j] = r;
		}
	}
	im->scratch = crm_lead_rec_new(im->ctx);
	crm_rec_trust_utf8(im->scratch, true);
	crm_rec_use_owners(im->scratch, im->owners);
	im->pipe = p;
}

static void pipeline_free(struct imp *im)
{
	struct pipeline *p = im->pipe;
	if (!p)
		return;
	for (int i = 0; i < NBATCH; i++)
		for (int j = 0; j < BATCH; j++)
			crm_lead_rec_free(p->batch[i].rec[j]);
	crm_lead_rec_free(im->scratch);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->cv);
	crm_owners_free(im->owners);
}

/* ---- duplicates ---- */

/* DDL fails (the table is locked) while a statement of the connection is
 * still half-way through its rows (cached ones may be). */
static int schema_change(struct crm_db *db, const char *sql)
{
	crm_db_reset_statements(db);
	return crm_db_exec(db, sql);
}

/* Duplicates among the new rows, set-wise, in statements whose memory does
 * not grow with the rows (lead_dups.h); a row matching on several keys is
 * recorded once, for the first of phone, e-mail, company and name (ON
 * CONFLICT DO NOTHING, in that order).  On PostgreSQL the server runs the
 * same SQL in crm_lead_dups, beyond the rows row-level security lets the
 * importer see. */
#define INTO_DUPS(select) "INSERT INTO import_dups (id, first, k) " select " ON CONFLICT DO NOTHING"
static const char *const dups_all_sql[] = {
	INTO_DUPS(CRM_LEAD_DUPS_PHONE("?1")),
	INTO_DUPS(CRM_LEAD_DUPS_EMAIL("?1")),
	INTO_DUPS(CRM_LEAD_DUPS_COMPANY("?1")),
};
static const char dups_new_fmt[] = INTO_DUPS(CRM_LEAD_DUPS_NEW("?1", "%1$s"));
static const char *const dups_server_sql[] = {
	INTO_DUPS("SELECT id, first, k FROM crm_lead_dups(?1, 1)"),
	INTO_DUPS("SELECT id, first, k FROM crm_lead_dups(?1, 2)"),
	INTO_DUPS("SELECT id, first, k FROM crm_lead_dups(?1, 3)"),
	INTO_DUPS("SELECT id, first, k FROM crm_lead_dups(?1, 0)"),
};

static int find_dups(struct imp *im, long *ndups)
{
	struct crm_db *db = im->ctx->db;
	int st = schema_change(db, "CREATE TEMP TABLE IF NOT EXISTS import_dups ("
			       "id INTEGER PRIMARY KEY, first INTEGER NOT NULL, k INTEGER NOT NULL);"
			       "DELETE FROM import_dups;");
	if (st)
		return st;
	static char *dups_new_sql;	/* built once: it holds a piece of the dialect */
	if (!dups_new_sql)
		dups_new_sql = crm_xasprintf(dups_new_fmt, crm_dialect(db)->no_flatten);
	*ndups = 0;
	bool server = crm_dialect(db)->row_security;
	for (size_t i = 0; i < (im->empty_start ? 3 : 1); i++) {
		const char *sql = im->empty_start ? dups_all_sql[i] : dups_new_sql;
		if (server)
			sql = dups_server_sql[im->empty_start ? i : 3];
		struct crm_stmt *s = crm_db_stmt(db, sql);
		if (!s)
			return EX_SOFTWARE;
		crm_bind_int(s, 1, im->max_before);
		if (crm_step(s) != CRM_DONE)
			return crm_db_fail(db, "cannot find duplicates");
		*ndups += (long)crm_db_changes(db);
	}
	return 0;
}

/* Delete the duplicates in slices of ids: one DELETE ... IN over them all
 * would collect every id in memory first. */
static int delete_dups(struct imp *im)
{
	static const char sql[] = "DELETE FROM leads WHERE id IN (SELECT id FROM import_dups"
				  " WHERE id BETWEEN ?1 AND ?1 + 65535)";
	static const char max_sql[] = "SELECT coalesce(max(id), 0) FROM import_dups";
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, max_sql);
	if (!s)
		return EX_SOFTWARE;
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(im->ctx->db, "cannot read duplicates");
	int64_t last = crm_col_int(s, 0);
	crm_stmt_reset(s);
	for (int64_t lo = im->max_before + 1; lo <= last; lo += 65536) {
		if (!(s = crm_db_stmt(im->ctx->db, sql)))
			return EX_SOFTWARE;
		crm_bind_int(s, 1, lo);
		if (crm_step(s) != CRM_DONE)
			return crm_db_fail(im->ctx->db, "cannot delete duplicates");
	}
	return 0;
}

/* Fold new row id into target: the values its file gave replace the
 * target's (through crm_lead_apply, audited), then the row goes. */
static int update_target(struct imp *im, struct crm_lead_rec *nr, int64_t id, int file,
			 int64_t target)
{
	static const char del_sql[] = "DELETE FROM leads WHERE id = ?1";
	struct crm_lead_rec *chg = im->rec;
	int st;
	if ((st = crm_lead_load(nr, id, false)))
		return st;
	crm_lead_rec_clear(chg);
	for (int h = 0; h < crm_lead_rec_nfields(chg); h++) {
		const char *v = crm_lead_rec_get(nr, h);
		if (im->mapped[file][h] && *v && (st = crm_lead_rec_put(chg, h, v))) {
			crm_warn("%s", crm_lead_rec_error(chg));
			return st;
		}
	}
	if ((st = crm_lead_apply(chg, target, "import", NULL)))
		return st;
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, del_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	return crm_step(s) == CRM_DONE ? 0 : crm_db_fail(im->ctx->db, "cannot delete lead");
}

/* A new row merged away earlier hands its duplicates on to its own target. */
static int64_t final_target(struct imp *im, int64_t first)
{
	static const char sql[] = "SELECT first FROM import_dups WHERE id = ?1";
	while (first > im->max_before) {
		struct crm_stmt *s = crm_db_stmt(im->ctx->db, sql);
		if (!s)
			break;
		crm_bind_int(s, 1, first);
		if (crm_step(s) != CRM_ROW)
			break;
		first = crm_col_int(s, 0);
	}
	return first;
}

/* May the actor see existing lead id?  One they may not see is reported
 * without its id or owner: the rep learns the customer is taken, no more. */
static bool lead_visible(struct imp *im, int64_t id)
{
	static const char sql[] =
		"SELECT " CRM_SQL_AS_INT(CRM_SQL_VISIBLE_LEAD("owner_id")) " FROM leads WHERE id = :id";
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, sql);
	if (!s)
		return false;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(im->ctx, s);
	bool visible = crm_step(s) == CRM_ROW && crm_col_int(s, 0);
	crm_stmt_reset(s);
	return visible;
}

static int handle_dups(struct imp *im)
{
	static const char list_sql[] = "SELECT id, first, k FROM import_dups ORDER BY id";
	static const char *const outcome[] = {"skipped", "merged", "", "imported anyway"};
	enum crm_dup_policy policy = im->o->on_duplicate;
	struct crm_lead_rec *nr = policy == CRM_DUP_UPDATE ? crm_lead_rec_new(im->ctx) : NULL;
	int st = 0, rc;
	char target[600];

	struct crm_stmt *s = crm_db_stmt(im->ctx->db, list_sql);
	if (!s)
		return EX_SOFTWARE;
	while ((rc = crm_step(s)) == CRM_ROW) {
		int64_t id = crm_col_int(s, 0), first = crm_col_int(s, 1);
		int k = crm_col_int(s, 2), file, tfile;
		long line = line_of(im, id, &file);
		bool hidden = false;
		if (first <= im->max_before) {
			hidden = !lead_visible(im, first);
			if (hidden)
				snprintf(target, sizeof target, "a lead owned by someone else");
			else
				snprintf(target, sizeof target, "lead %lld", (long long)first);
		} else {
			long tline = line_of(im, first, &tfile);
			if (tfile == file)
				snprintf(target, sizeof target, "line %ld", tline);
			else
				snprintf(target, sizeof target, "%s:%ld", file_name(im, tfile), tline);
		}
		if (hidden && policy == CRM_DUP_UPDATE) {
			crm_warn("%s:%ld: permission denied: duplicate of %s (same %s)",
				 file_name(im, file), line, target, match_names[k]);
			st = EX_NOPERM;
			break;
		}
		crm_warn("%s:%ld: duplicate of %s (same %s)%s%s", file_name(im, file), line, target,
			 match_names[k], *outcome[policy] ? ", " : "", outcome[policy]);
		if (policy == CRM_DUP_UPDATE &&
		    (st = update_target(im, nr, id, file, final_target(im, first))))
			break;
	}
	crm_lead_rec_free(nr);
	if (st)
		return st;
	if (rc != CRM_ROW && rc != CRM_DONE)
		return crm_db_fail(im->ctx->db, "cannot read duplicates");
	return policy == CRM_DUP_SKIP ? delete_dups(im) : 0;
}

/* ---- the whole import ---- */


static int start(struct imp *im)
{
	struct crm_db *db = im->ctx->db;
	int st = crm_db_begin(db);
	if (st)
		return st;
	/* the last id of all leads, seen or not: the new ones come after it */
	if ((st = crm_db_max_id(db, "leads", &im->max_before)))
		return st;
	im->empty_start = im->max_before == 0;
	/* the indexes are rebuilt once, after the rows, by the only role that
	 * may: SQLite's (the server's are its tables' owner's) */
	im->rebuild_indexes = im->empty_start && !crm_dialect(db)->row_security;
	return im->rebuild_indexes ? schema_change(db, CRM_LEAD_DROP_INDEXES) : 0;
}

/* The new ids into a temporary file, printed only once committed; the
 * count and range for the summary and the audit row. */
static int collect(struct imp *im, FILE *ids, long *n, int64_t *lo, int64_t *hi)
{
	static const char sql[] = "SELECT id FROM leads WHERE id > ?1 ORDER BY id";
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, sql);
	int rc;
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, im->max_before);
	*n = 0;
	if (ids && !im->ctx->opts->no_header)
		fputs("id\n", ids);
	while ((rc = crm_step(s)) == CRM_ROW) {
		int64_t id = crm_col_int(s, 0);
		if (!(*n)++)
			*lo = id;
		*hi = id;
		if (ids)
			fprintf(ids, "%lld\n", (long long)id);
	}
	if (rc != CRM_DONE)
		return crm_db_fail(im->ctx->db, "cannot read leads");
	if (ids && (fflush(ids) != 0 || ferror(ids))) {
		crm_warn_errno("cannot write temporary file");
		return EX_IOERR;
	}
	return 0;
}

static int audit_batch(struct imp *im, long n, int64_t lo, int64_t hi)
{
	size_t len = 64;
	for (int i = 0; i < im->nfiles; i++)
		len += strlen(im->files[i]) + 2;
	char *text = crm_xmalloc(len);
	int off = snprintf(text, len, "%ld leads, ids %lld-%lld, from ", n, (long long)lo, (long long)hi);
	for (int i = 0; i < im->nfiles; i++)
		off += snprintf(text + off, len - (size_t)off, "%s%s", i ? ", " : "",
				strcmp(im->files[i], "-") ? im->files[i] : "stdin");
	int st = crm_audit_write(im->ctx->db, "lead", 0, "import", NULL, NULL, text);
	free(text);
	return st;
}

static int run_import(struct imp *im, FILE *ids, long *ndups, long *n)
{
	struct crm_db *db = im->ctx->db;
	int64_t lo = 0, hi = 0;
	int st;

	struct pipeline p;

	if ((st = start(im)))
		return st;
	pipeline_init(im, &p);
	st = load(im);
	pipeline_free(im);
	if (st)
		return st;
	if ((st = crm_rejects_status(&im->rj)))
		return st;
	if (im->rebuild_indexes && (st = schema_change(db, CRM_LEAD_INDEXES)))
		return st;
	if ((st = find_dups(im, ndups)) || (st = handle_dups(im)))
		return st;
	/* the ids were given: the engine's next one follows the largest left
	 * (PostgreSQL's setval outlives a rollback: not for -n, which rolls
	 * back) */
	if (!im->ctx->opts->dry_run && (st = crm_db_sync_ids(db, "leads")))
		return st;
	if (im->o->on_duplicate == CRM_DUP_ERROR &&
	    (st = crm_nothing_done(*ndups, "duplicate", "imported", EX_DATAERR)))
		return st;
	if ((st = collect(im, ids, n, &lo, &hi)))
		return st;
	/* scores follow the imported values (a no-op without scoring rules) */
	for (int64_t id = lo; *n && id <= hi; id++)
		if ((st = crm_score_lead(im->ctx, id)) > 1)
			return st;
	return *n ? audit_batch(im, *n, lo, hi) : 0;
}

int crm_lead_import(struct crm_ctx *ctx, const struct crm_import_opts *o,
		    char **files, int nfiles, FILE *out)
{
	files = crm_import_files(files, &nfiles);
	struct imp im = {.ctx = ctx, .o = o, .files = files, .nfiles = nfiles};
	bool dry = ctx->opts->dry_run;
	long ndups = 0, n = 0;
	FILE *ids = NULL;
	int st;

	im.rec = crm_lead_rec_new(ctx);
	im.mapped = crm_xcalloc((size_t)im.nfiles, sizeof *im.mapped);
	im.progress = !ctx->opts->quiet && isatty(STDERR_FILENO);
	if ((st = parse_map(&im)))
		goto out;
	if (o->reject && !o->skip_bad) {
		st = crm_usage_fail("--reject goes with --skip-bad");
		goto out;
	}
	/* check the defaults once, as the rows will */
	if ((o->source && (st = crm_lead_rec_set(im.rec, "source", o->source))) ||
	    (o->campaign && (st = crm_lead_rec_set(im.rec, "campaign", o->campaign))))
		goto out;
	if ((st = crm_rejects_open(&im.rj, ctx, o->skip_bad, o->reject, im.files, im.nfiles)) ||
	    (st = open_inputs(&im)))
		goto out;
	if (!dry && !(ids = tmpfile())) {
		crm_warn_errno("cannot create a temporary file");
		st = EX_CANTCREAT;
		goto out;
	}
	st = crm_ctx_end(ctx, crm_rejects_save(&im.rj, run_import(&im, ids, &ndups, &n)));
	if (!st && ids) {
		rewind(ids);
		/* a failed write shows at the final flush of stdout (74) */
		crm_fcopy(ids, out);
	}
	if (!st && !ctx->opts->quiet)
		crm_warn("%s %ld, duplicates %ld, rejected %ld", dry ? "would import" : "imported",
			 n, ndups, im.rj.bad);
out:
	if (ids)
		fclose(ids);
	st = crm_rejects_close(&im.rj, st);
	crm_import_inputs_close(&im.in);
	for (int i = 0; i < im.nfiles; i++)
		free(im.mapped[i]);
	free(im.mapped);
	crm_colmap_free(im.map);
	free(im.runs);
	crm_lead_rec_free(im.rec);
	return st;
}
