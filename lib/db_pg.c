/* db_pg.c: the PostgreSQL backend of db.h (through db_backend.h): the one
 * file that names libpq.  A database is a PostgreSQL database, named by a
 * postgresql:// URI or a libpq keyword string; its schema comes from
 * schema_pg.h, versioned in the table crm_schema_version.
 *
 * The SQL of lib/ is written with SQLite's parameters (?1, ?, :name):
 * each statement is rewritten once to $1..$n, strings, quoted names and
 * comments left alone, and prepared once per connection (cached by the
 * address of its text, as on SQLite).  Values go as text and the server
 * infers their types; a parameter it cannot type is sent as text.  Rows
 * stream one at a time (single-row mode); when another statement runs on
 * the connection while one is half-way through its rows, the rest of
 * those rows are read into memory first (the statement is "parked"), so
 * statements nest as they do on SQLite.  crm_db_begin serialises writers
 * with one advisory lock, as BEGIN IMMEDIATE does on SQLite. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include <libpq-fe.h>

#include "db_backend.h"
#include "dialect.h"
#include "err.h"
#include "schema_pg.h"
#include "security_pg.h"

#define STMT_CACHE 128		/* power of two */
#define WRITE_LOCK "7161940213"	/* the advisory lock of writers: "crm" */
#define TEXTOID 25

struct pg_param {
	char *text;		/* NULL: SQL NULL; else num, or malloc'd */
	char num[24];
};

struct pg_stmt {
	struct crm_stmt base;
	struct pg_db *db;
	struct pg_stmt *next, *prev;	/* every live statement of db */
	char name[24];			/* of the prepared statement */
	bool cached;
	char *text;			/* the SQL rewritten, for a lazy prepare */
	bool prepared;			/* on the server under name */
	bool oneshot;			/* running unprepared (PQsendQueryParams) */
	bool ran;			/* has been sent once */
	int nparams;
	char **names;			/* names[i]: ":x" of parameter i+1, or NULL */
	struct pg_param *params;
	const char **values;		/* for PQsendQueryPrepared */
	enum { ST_IDLE, ST_RUNNING, ST_PARKED } state;
	PGresult *row;			/* a row streamed, one tuple */
	const PGresult *cur;		/* the current row is tuple ri of cur */
	int ri;
	PGresult *parked;		/* rows read ahead when parked, */
	int nparked, pnext;		/* how many, the next to read */
	PGresult *end;			/* and the result that ended them */
	int ncols;			/* -1 until known */
	unsigned char **blobs;		/* the bytea columns of the row decoded, by column */
	int nblobs;
};

struct pg_db {
	struct crm_db base;
	PGconn *conn;
	struct pg_stmt *active;		/* the statement whose rows are streaming */
	struct pg_stmt *stmts;
	unsigned long serial;		/* for statement names */
	char sqlstate[6];
	char *msg;			/* the server's primary message */
	int64_t changes, total_changes;
	bool inserted, open_done;
	bool lastval_ok;		/* lastval() has answered once: it always will now */
	struct crm_bulk *copying;	/* a bulk writer whose COPY is open */
	char *drops;			/* DEALLOCATE of finished statements, to send */
	int ndrops;
	char **fns;			/* SQL functions the callers need, by name */
	size_t nfns;
	struct {
		const char *sql;
		struct pg_stmt *st;
	} cache[STMT_CACHE];
};

#define PG(db) ((struct pg_db *)(db))
#define PST(st) ((struct pg_stmt *)(st))

/* ---- errors ---- */

static void set_error(struct pg_db *db, const char *state, const char *msg)
{
	snprintf(db->sqlstate, sizeof db->sqlstate, "%s", state ? state : "XX000");
	free(db->msg);
	db->msg = crm_xstrdup(msg ? msg : "unknown error");
	size_t n = strlen(db->msg);
	while (n && (db->msg[n - 1] == '\n' || db->msg[n - 1] == ' '))
		db->msg[--n] = '\0';
	/* libpq's own messages run over lines: one line */
	for (char *p = db->msg; (p = strpbrk(p, "\n\t"));)
		*p = ' ';
}

static void set_error_res(struct pg_db *db, const PGresult *r)
{
	const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
	if (!r || (PQstatus(db->conn) == CONNECTION_BAD && !msg)) {
		set_error(db, "08006", PQerrorMessage(db->conn));
		return;
	}
	set_error(db, PQresultErrorField(r, PG_DIAG_SQLSTATE),
		  msg ? msg : PQresultErrorMessage(r));
}

static bool is_class(const char *state, const char *cls)
{
	return strncmp(state, cls, 2) == 0;
}

static int pg_fail(struct crm_db *d, const char *what)
{
	struct pg_db *db = PG(d);
	const char *s = db->sqlstate, *msg = db->msg ? db->msg : "unknown error";
	/* lock_timeout is CRM_BUSY_TIMEOUT: said as SQLite says it */
	if (!strcmp(s, "55P03")) {
		crm_warn("%s: %s: database is locked (busy timeout expired)", d->path, what);
		return EX_UNAVAILABLE;
	}
	if (!strcmp(s, "40P01") || !strcmp(s, "40001") || !strcmp(s, "55006")) {
		crm_warn("%s: %s: database is locked (%s)", d->path, what, msg);
		return EX_UNAVAILABLE;
	}
	if (is_class(s, "08") || !strcmp(s, "57P01") || !strcmp(s, "57P02") ||
	    !strcmp(s, "57P03") || !strcmp(s, "53300")) {
		crm_warn("%s: %s: %s", d->path, what, msg);
		return EX_UNAVAILABLE;
	}
	if (is_class(s, "23")) {
		crm_warn("%s: %s", what, msg);
		return EX_DATAERR;
	}
	if (!strcmp(s, "53100") || !strcmp(s, "58030")) {
		crm_warn("%s: %s: %s", d->path, what, msg);
		return EX_IOERR;
	}
	if (!strcmp(s, "42501")) {	/* the server's grants or row-level security */
		crm_warn("%s: %s: permission denied: %s", d->path, what, msg);
		return EX_NOPERM;
	}
	if (!strcmp(s, "25006")) {
		crm_warn("%s: %s: %s", d->path, what, msg);
		return EX_CANTCREAT;
	}
	if (!strcmp(s, "XX001") || !strcmp(s, "XX002")) {
		crm_warn("%s: %s: %s", d->path, what, msg);
		return EX_DATAERR;
	}
	crm_warn("%s: %s: %s", d->path, what, msg);
	return EX_SOFTWARE;
}

static const char *pg_errmsg(struct crm_db *db)
{
	return PG(db)->msg ? PG(db)->msg : "not an error";
}

/* ---- the connection's one query at a time ---- */

static void clear_row(struct pg_stmt *st)
{
	PQclear(st->row);
	st->row = NULL;
	st->cur = NULL;
	for (int i = 0; i < st->nblobs; i++)
		PQfreemem(st->blobs[i]);
	free(st->blobs);
	st->blobs = NULL;
	st->nblobs = 0;
}

static void clear_parked(struct pg_stmt *st)
{
	PQclear(st->parked);
	PQclear(st->end);
	st->parked = st->end = NULL;
	st->nparked = st->pnext = 0;
}

/* Read what is left of the active statement's results, so that the
 * connection can run something else: the rows into one result (a result
 * a row costs kilobytes), the end as it is. */
static void bulk_pause(struct pg_db *db);

static void park(struct pg_db *db)
{
	if (db->copying)
		bulk_pause(db);	/* another statement mid-stream ends the COPY */
	struct pg_stmt *st = db->active;
	if (!st)
		return;
	PGresult *r;
	while ((r = PQgetResult(db->conn))) {
		if (PQresultStatus(r) != PGRES_SINGLE_TUPLE) {
			PQclear(st->end);
			st->end = r;
			continue;
		}
		if (!st->parked && !(st->parked = PQcopyResult(r, PG_COPYRES_ATTRS)))
			crm_die(EX_OSERR, "out of memory");
		for (int c = 0, n = PQnfields(r); c < n; c++) {
			bool null = PQgetisnull(r, 0, c);
			if (!PQsetvalue(st->parked, st->nparked, c, null ? NULL : PQgetvalue(r, 0, c),
					null ? -1 : PQgetlength(r, 0, c)))
				crm_die(EX_OSERR, "out of memory");
		}
		st->nparked++;
		PQclear(r);
	}
	st->state = ST_PARKED;
	db->active = NULL;
}

/* Drop the statement's remaining results. */
static void stop(struct pg_stmt *st)
{
	struct pg_db *db = st->db;
	if (st->state == ST_RUNNING && db->active == st) {
		PGresult *r;
		while ((r = PQgetResult(db->conn)))
			PQclear(r);
		db->active = NULL;
	}
	clear_parked(st);
	clear_row(st);
	st->state = ST_IDLE;
}

/* Run sql (no parameters, several statements allowed) for its last
 * result, which the caller clears; NULL after a connection failure. */
static PGresult *run(struct pg_db *db, const char *sql)
{
	park(db);
	return PQexec(db->conn, sql);
}

/* Run sql that returns no rows: 0, or -1 with the error kept. */
static int run_ok(struct pg_db *db, const char *sql)
{
	PGresult *r = run(db, sql);
	int ok = r && (PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK);
	if (!ok)
		set_error_res(db, r);
	PQclear(r);
	return ok ? 0 : -1;
}

static bool pg_in_transaction(struct crm_db *db)
{
	PGTransactionStatusType t = PQtransactionStatus(PG(db)->conn);
	return t == PQTRANS_INTRANS || t == PQTRANS_INERROR || t == PQTRANS_ACTIVE;
}

static void count_changes(struct pg_db *db, const PGresult *r)
{
	const char *n = PQcmdTuples((PGresult *)r);
	if (*n) {
		db->changes = strtoll(n, NULL, 10);
		db->total_changes += db->changes;
	}
	if (strncmp(PQcmdStatus((PGresult *)r), "INSERT", 6) == 0 && db->changes > 0)
		db->inserted = true;
}

static int pg_exec(struct crm_db *d, const char *sql)
{
	struct pg_db *db = PG(d);
	PGresult *r = run(db, sql);
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
		set_error_res(db, r);
		PQclear(r);
		return crm_db_fail(d, "cannot run statement");
	}
	count_changes(db, r);
	PQclear(r);
	return 0;
}

/* ---- transactions ---- */

static void pg_reset_statements(struct crm_db *db)
{
	for (struct pg_stmt *st = PG(db)->stmts; st; st = st->next)
		if (st->state != ST_IDLE)
			stop(st);
}

static int pg_begin(struct crm_db *d)
{
	struct pg_db *db = PG(d);
	pg_reset_statements(d);
	d->tx_serial++;
	/* read committed: the snapshot of each statement is taken once the
	 * lock is held, so a writer sees what the one before it wrote */
	if (run_ok(db, "BEGIN ISOLATION LEVEL READ COMMITTED") != 0)
		return crm_db_fail(d, "cannot start transaction");
	if (run_ok(db, "SELECT pg_advisory_xact_lock(" WRITE_LOCK ")") != 0) {
		int st = crm_db_fail(d, "cannot start transaction");
		PQclear(run(db, "ROLLBACK"));
		return st;
	}
	return 0;
}

static int pg_commit(struct crm_db *d)
{
	struct pg_db *db = PG(d);
	d->tx_serial++;
	PGresult *r = run(db, "COMMIT");
	/* COMMIT of a transaction that failed is a ROLLBACK, and says so */
	bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK && strcmp(PQcmdStatus(r), "COMMIT") == 0;
	if (!ok) {
		if (r && PQresultStatus(r) == PGRES_COMMAND_OK)
			set_error(db, "25P02", "the transaction failed and was rolled back");
		else
			set_error_res(db, r);
	}
	PQclear(r);
	if (!ok) {
		int st = crm_db_fail(d, "cannot commit");
		if (pg_in_transaction(d))
			PQclear(run(db, "ROLLBACK"));
		return st;
	}
	return 0;
}

static void pg_rollback(struct crm_db *d)
{
	d->tx_serial++;
	if (pg_in_transaction(d))
		PQclear(run(PG(d), "ROLLBACK"));
}

/* ---- statements ---- */

struct names {
	char **v;
	int n;
};

static int name_index(struct names *nm, const char *name, size_t len)
{
	for (int i = 0; i < nm->n; i++)
		if (nm->v[i] && strlen(nm->v[i]) == len && memcmp(nm->v[i], name, len) == 0)
			return i + 1;
	return 0;
}

static void grow_names(struct names *nm, int n)
{
	if (n <= nm->n)
		return;
	nm->v = crm_xrealloc(nm->v, (size_t)n * sizeof *nm->v);
	memset(nm->v + nm->n, 0, (size_t)(n - nm->n) * sizeof *nm->v);
	nm->n = n;
}

static bool ident_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '_' || (unsigned char)c >= 0x80;
}

/* sql with SQLite's parameters ?N, ? and :name as $N, numbered as SQLite
 * numbers them (? and a new :name take the largest number so far plus
 * one); nm gets the names.  Text in quotes, quoted names, comments,
 * dollar-quoted bodies and :: casts are copied as they are.  NULL when a
 * number is out of range. */
char *crm_pg_rewrite(const char *sql, char ***names, int *count);
char *crm_pg_rewrite(const char *sql, char ***names, int *count)
{
	struct names nm = {NULL, 0};
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (!f)
		crm_die(EX_OSERR, "out of memory");
	const char *p = sql;
	bool bad = false;
	while (*p && !bad) {
		if (*p == '\'' || *p == '"') {
			char q = *p;
			const char *e = p + 1;
			for (; *e; e++)
				if (*e == q) {
					if (e[1] == q)
						e++;
					else
						break;
				}
			if (*e)
				e++;
			fwrite(p, 1, (size_t)(e - p), f);
			p = e;
		} else if (p[0] == '-' && p[1] == '-') {
			const char *e = strchr(p, '\n');
			e = e ? e : p + strlen(p);
			fwrite(p, 1, (size_t)(e - p), f);
			p = e;
		} else if (p[0] == '/' && p[1] == '*') {
			const char *e = strstr(p + 2, "*/");
			e = e ? e + 2 : p + strlen(p);
			fwrite(p, 1, (size_t)(e - p), f);
			p = e;
		} else if (*p == '$' && (p == sql || !ident_char(p[-1])) &&
			   (p[1] == '$' || ((p[1] < '0' || p[1] > '9') && ident_char(p[1])))) {
			/* $tag$ ... $tag$ */
			const char *t = p + 1;
			while (*t != '$' && ident_char(*t))
				t++;
			if (*t != '$') {
				fputc(*p++, f);
				continue;
			}
			size_t tl = (size_t)(t - p + 1);
			const char *e = t + 1;
			while (*e && strncmp(e, p, tl) != 0)
				e++;
			e = *e ? e + tl : e;
			fwrite(p, 1, (size_t)(e - p), f);
			p = e;
		} else if (p[0] == ':' && p[1] == ':') {
			fputs("::", f);
			p += 2;
		} else if (*p == '?') {
			int i;
			if (p[1] >= '0' && p[1] <= '9') {
				char *e;
				long v = strtol(p + 1, &e, 10);
				if (v < 1 || v > 32766) {
					bad = true;
					break;
				}
				i = (int)v;
				p = e;
			} else {
				i = nm.n + 1;
				p++;
			}
			grow_names(&nm, i);
			fprintf(f, "$%d", i);
		} else if (*p == ':' && ident_char(p[1]) && !(p[1] >= '0' && p[1] <= '9')) {
			const char *e = p + 1;
			while (ident_char(*e))
				e++;
			int i = name_index(&nm, p, (size_t)(e - p));
			if (!i) {
				grow_names(&nm, nm.n + 1);
				i = nm.n;
				nm.v[i - 1] = crm_xstrndup(p, (size_t)(e - p));
			}
			fprintf(f, "$%d", i);
			p = e;
		} else {
			fputc(*p++, f);
		}
	}
	fclose(f);
	if (bad) {
		for (int i = 0; i < nm.n; i++)
			free(nm.v[i]);
		free(nm.v);
		free(out);
		return NULL;
	}
	*names = nm.v;
	*count = nm.n;
	return out;
}

static void free_stmt(struct pg_stmt *st)
{
	for (int i = 0; i < st->nparams; i++) {
		free(st->names[i]);
		if (st->params[i].text != st->params[i].num)
			free(st->params[i].text);
	}
	free(st->names);
	free(st->params);
	free(st->values);
	free(st->text);
	free(st);
}

/* Prepare st on the server under its name: 0, or -1 with the error kept.
 * In a transaction a failed prepare would end it, so it goes inside a
 * savepoint there. */
static int prepare_named(struct pg_stmt *st)
{
	struct pg_db *db = st->db;
	int n = st->nparams;
	park(db);
	bool in_tx = pg_in_transaction(&db->base);
	if (in_tx && run_ok(db, "SAVEPOINT crm_prepare") != 0)
		return -1;
	Oid *types = NULL;
	PGresult *r;
	for (;;) {
		r = PQprepare(db->conn, st->name, st->text, n, types);
		if (r && PQresultStatus(r) == PGRES_COMMAND_OK)
			break;
		/* "could not determine data type of parameter $N": text */
		const char *state = r ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : NULL;
		const char *msg = r ? PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY) : NULL;
		const char *dollar = msg ? strrchr(msg, '$') : NULL;
		int which = dollar ? atoi(dollar + 1) : 0;
		if (!state || strcmp(state, "42P18") != 0 || which < 1 || which > n ||
		    (types && types[which - 1] == TEXTOID))
			break;
		if (!types)
			types = crm_xcalloc((size_t)n, sizeof *types);
		types[which - 1] = TEXTOID;
		PQclear(r);
		if (in_tx)
			PQclear(PQexec(db->conn, "ROLLBACK TO SAVEPOINT crm_prepare"));
	}
	free(types);
	bool ok = r && PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		set_error_res(db, r);
	PQclear(r);
	if (in_tx) {
		if (!ok)
			PQclear(PQexec(db->conn, "ROLLBACK TO SAVEPOINT crm_prepare"));
		PQclear(PQexec(db->conn, "RELEASE SAVEPOINT crm_prepare"));
	}
	st->prepared = ok;
	return ok ? 0 : -1;
}

/* A statement for sql under a new name: prepared now (eager), or at its
 * second run, its first going unprepared in the same round trip as its
 * parameters (lazy: a cached statement outside a transaction, the most
 * of a short command's).  NULL with the error kept. */
static struct pg_stmt *make_stmt(struct pg_db *db, const char *sql, bool lazy)
{
	char **names = NULL;
	int n = 0;
	char *text = crm_pg_rewrite(sql, &names, &n);
	if (!text) {
		set_error(db, "42P02", "parameter number out of range");
		return NULL;
	}
	struct pg_stmt *st = crm_xcalloc(1, sizeof *st);
	st->base.be = &crm_backend_pg;
	st->db = db;
	st->nparams = n;
	st->names = names;
	st->text = text;
	st->params = crm_xcalloc((size_t)n + 1, sizeof *st->params);
	st->values = crm_xcalloc((size_t)n + 1, sizeof *st->values);
	st->ncols = -1;
	snprintf(st->name, sizeof st->name, "crm_%lu", ++db->serial);
	if (!lazy && prepare_named(st) != 0) {
		free_stmt(st);
		return NULL;
	}
	st->next = db->stmts;
	if (db->stmts)
		db->stmts->prev = st;
	db->stmts = st;
	return st;
}

static void pg_clear(struct crm_stmt *s)
{
	struct pg_stmt *st = PST(s);
	for (int i = 0; i < st->nparams; i++) {
		if (st->params[i].text != st->params[i].num)
			free(st->params[i].text);
		st->params[i].text = NULL;
	}
}

static void pg_reset(struct crm_stmt *s) { stop(PST(s)); }

static struct crm_stmt *pg_stmt(struct crm_db *d, const char *sql)
{
	struct pg_db *db = PG(d);
	size_t i = ((uintptr_t)sql >> 3) & (STMT_CACHE - 1);
	for (size_t n = 0; n < STMT_CACHE; n++, i = (i + 1) & (STMT_CACHE - 1)) {
		if (db->cache[i].sql == sql) {
			struct pg_stmt *st = db->cache[i].st;
			stop(st);
			pg_clear(&st->base);
			return &st->base;
		}
		if (!db->cache[i].sql)
			break;
	}
	if (db->cache[i].sql) {
		crm_warn("internal error: statement cache full");
		return NULL;
	}
	struct pg_stmt *st = make_stmt(db, sql, !pg_in_transaction(d));
	if (!st) {
		crm_warn("internal error: cannot prepare statement: %s", db->msg);
		return NULL;
	}
	st->cached = true;
	db->cache[i].sql = sql;
	db->cache[i].st = st;
	return &st->base;
}

static int pg_prepare(struct crm_db *d, const char *sql, struct crm_stmt **out)
{
	struct pg_stmt *st = make_stmt(PG(d), sql, false);
	*out = st ? &st->base : NULL;
	return st ? CRM_OK : 1;
}

static void unlink_stmt(struct pg_stmt *st)
{
	struct pg_db *db = st->db;
	stop(st);
	if (st->prev)
		st->prev->next = st->next;
	else
		db->stmts = st->next;
	if (st->next)
		st->next->prev = st->prev;
}

/* A finished statement's name is dropped on the server with others, in
 * one round trip a DROP_BATCH of them, not one each; what is left at the
 * close goes with the session.  In a failed transaction the drop fails
 * too: the names stay taken until the connection closes, and the error
 * kept is still the caller's. */
#define DROP_BATCH 32

static void drop_later(struct pg_db *db, const char *name)
{
	size_t n = strlen(db->drops ? db->drops : "");
	db->drops = crm_xrealloc(db->drops, n + strlen(name) + 16);
	sprintf(db->drops + n, "DEALLOCATE %s;", name);
	if (++db->ndrops < DROP_BATCH)
		return;
	if (PQstatus(db->conn) == CONNECTION_OK && PQtransactionStatus(db->conn) != PQTRANS_INERROR)
		PQclear(run(db, db->drops));
	free(db->drops);
	db->drops = NULL;
	db->ndrops = 0;
}

static void pg_finish(struct crm_stmt *s)
{
	struct pg_stmt *st = PST(s);
	if (!st)
		return;
	unlink_stmt(st);
	/* in a failed transaction this fails too: the name stays taken until
	 * the connection closes, and the error kept is still the caller's */
	if (st->prepared)
		drop_later(st->db, st->name);
	free_stmt(st);
}

/* Send st with its parameters: prepared when it has run before (or must,
 * in a transaction, where a failure would end it), else unprepared in one
 * round trip.  0, or 1 with the error kept. */
static int send(struct pg_stmt *st)
{
	struct pg_db *db = st->db;
	park(db);
	for (int i = 0; i < st->nparams; i++)
		st->values[i] = st->params[i].text;
	st->oneshot = !st->prepared && !st->ran && !pg_in_transaction(&db->base);
	if (!st->prepared && !st->oneshot && prepare_named(st) != 0)
		return 1;
	int ok = st->oneshot ? PQsendQueryParams(db->conn, st->text, st->nparams, NULL, st->values,
						 NULL, NULL, 0)
			     : PQsendQueryPrepared(db->conn, st->name, st->nparams, st->values, NULL,
						   NULL, 0);
	if (!ok) {
		set_error(db, "08006", PQerrorMessage(db->conn));
		return 1;
	}
	st->ran = true;
	PQsetSingleRowMode(db->conn);
	st->state = ST_RUNNING;
	db->active = st;
	return 0;
}

static int pg_step(struct crm_stmt *s)
{
	struct pg_stmt *st = PST(s);
	struct pg_db *db = st->db;
	clear_row(st);
	if (st->state == ST_IDLE && send(st) != 0)
		return 1;
	PGresult *r;
	if (st->state == ST_PARKED) {
		if (st->pnext < st->nparked) {
			st->cur = st->parked;
			st->ri = st->pnext++;
			return CRM_ROW;
		}
		r = st->end;
		st->end = NULL;
	} else {
		r = PQgetResult(db->conn);
	}
	ExecStatusType t = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (st->oneshot && r && t == PGRES_FATAL_ERROR &&
	    !strcmp(PQresultErrorField(r, PG_DIAG_SQLSTATE) ? PQresultErrorField(r, PG_DIAG_SQLSTATE) : "", "42P18")) {
		/* a parameter the server cannot type unprepared: prepared
		 * with it as text, and run again (outside a transaction, so
		 * the error ended nothing) */
		PQclear(r);
		stop(st);
		if (prepare_named(st) != 0 || send(st) != 0)
			return 1;
		return pg_step(s);
	}
	if (t == PGRES_SINGLE_TUPLE) {
		st->cur = st->row = r;
		st->ri = 0;
		st->ncols = PQnfields(r);
		return CRM_ROW;
	}
	int rc = CRM_DONE;
	if (t == PGRES_TUPLES_OK || t == PGRES_COMMAND_OK) {
		count_changes(db, r);
		if (st->ncols < 0)
			st->ncols = PQnfields(r);
	} else {
		set_error_res(db, r);
		rc = 1;
	}
	PQclear(r);
	stop(st);	/* reads the end of the results; next step runs again */
	return rc;
}

/* ---- binding ---- */

static struct pg_param *param(struct crm_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	if (i < 1 || i > st->nparams)
		return NULL;
	struct pg_param *p = &st->params[i - 1];
	if (p->text != p->num)
		free(p->text);
	p->text = NULL;
	return p;
}

static int pg_bind_int(struct crm_stmt *s, int i, int64_t v)
{
	struct pg_param *p = param(s, i);
	if (!p)
		return 1;
	snprintf(p->num, sizeof p->num, "%lld", (long long)v);
	p->text = p->num;
	return 0;
}

static int pg_bind_null(struct crm_stmt *s, int i) { return param(s, i) ? 0 : 1; }

static int pg_bind_copyn(struct crm_stmt *s, int i, const char *v, int len)
{
	struct pg_param *p = param(s, i);
	if (!p)
		return 1;
	if (v)
		p->text = len < 0 ? crm_xstrdup(v) : crm_xstrndup(v, (size_t)len);
	return 0;
}

/* Text parameters are NUL-terminated: a string bound in place is copied
 * too. */
static int pg_bind_strn(struct crm_stmt *s, int i, const char *v, int len)
{
	return pg_bind_copyn(s, i, v, len);
}

static int pg_bind_owned(struct crm_stmt *s, int i, char *v)
{
	struct pg_param *p = param(s, i);
	if (!p) {
		free(v);
		return 1;
	}
	p->text = v;
	return 0;
}

/* bytea's hex input, which the server reads for a parameter it types
 * bytea */
static int pg_bind_blob(struct crm_stmt *s, int i, const void *v, int len)
{
	if (!v)
		return pg_bind_null(s, i);
	static const char hex[] = "0123456789abcdef";
	const unsigned char *b = v;
	char *t = crm_xmalloc(2 * (size_t)len + 3), *q = t;
	*q++ = '\\';
	*q++ = 'x';
	for (int k = 0; k < len; k++) {
		*q++ = hex[b[k] >> 4];
		*q++ = hex[b[k] & 15];
	}
	*q = '\0';
	return pg_bind_owned(s, i, t);
}

static int pg_param_index(struct crm_stmt *s, const char *name)
{
	struct pg_stmt *st = PST(s);
	for (int i = 0; i < st->nparams; i++)
		if (st->names[i] && strcmp(st->names[i], name) == 0)
			return i + 1;
	return 0;
}

static int pg_param_count(struct crm_stmt *s) { return PST(s)->nparams; }

/* ---- columns ---- */

static bool has_col(struct pg_stmt *st, int i)
{
	return st->cur && i >= 0 && i < PQnfields(st->cur);
}

static bool pg_col_null(struct crm_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	return !has_col(st, i) || PQgetisnull(st->cur, st->ri, i);
}

static const char *pg_col_str(struct crm_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	return pg_col_null(s, i) ? NULL : PQgetvalue(st->cur, st->ri, i);
}

/* A number as SQLite reads one out of text: its leading integer (a
 * boolean t is 1). */
static int64_t pg_col_int(struct crm_stmt *s, int i)
{
	const char *v = pg_col_str(s, i);
	if (!v)
		return 0;
	if (v[0] == 't' && v[1] == '\0')
		return 1;
	return strtoll(v, NULL, 10);
}

static const void *pg_col_blob(struct crm_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	const char *v = pg_col_str(s, i);
	if (!v || PQftype(st->cur, i) != 17)	/* bytea */
		return v;
	/* each column its own, as SQLite's stay valid until the next step */
	if (!st->blobs) {
		st->nblobs = PQnfields(st->cur);
		st->blobs = crm_xcalloc((size_t)st->nblobs, sizeof *st->blobs);
	}
	if (!st->blobs[i]) {
		size_t n;
		if (!(st->blobs[i] = PQunescapeBytea((const unsigned char *)v, &n)))
			crm_die(EX_OSERR, "out of memory");
	}
	return st->blobs[i];
}

static int pg_col_bytes(struct crm_stmt *s, int i)
{
	struct pg_stmt *st = PST(s);
	if (pg_col_null(s, i))
		return 0;
	if (PQftype(st->cur, i) == 17) {
		const char *v = PQgetvalue(st->cur, st->ri, i);
		/* hex output: \x and two digits a byte */
		return v[0] == '\\' && v[1] == 'x' ? (int)(strlen(v) - 2) / 2 : PQgetlength(st->cur, st->ri, i);
	}
	return PQgetlength(st->cur, st->ri, i);
}

static int pg_col_count(struct crm_stmt *s)
{
	struct pg_stmt *st = PST(s);
	if (st->cur)
		return PQnfields(st->cur);
	if (st->ncols < 0) {
		park(st->db);
		if (!st->prepared && prepare_named(st) != 0)
			return 0;
		PGresult *r = PQdescribePrepared(st->db->conn, st->name);
		st->ncols = r && PQresultStatus(r) == PGRES_COMMAND_OK ? PQnfields(r) : 0;
		PQclear(r);
	}
	return st->ncols;
}

/* ---- the rest of the store ---- */

static int64_t pg_changes(struct crm_db *db) { return PG(db)->changes; }
static int64_t pg_total_changes(struct crm_db *db) { return PG(db)->total_changes; }

/* The value the last INSERT took from a sequence (an identity column) on
 * this connection: lastval().  Before any, 0; in a transaction inside a
 * savepoint, as an error would end it. */
static int64_t pg_last_id(struct crm_db *d)
{
	struct pg_db *db = PG(d);
	if (!db->inserted)
		return 0;
	/* lastval() fails (and so aborts the transaction) until the session
	 * has drawn from a sequence: a savepoint guards it until it has
	 * answered once, two round trips saved on every later insert */
	bool in_tx = pg_in_transaction(d) && !db->lastval_ok;
	if (in_tx && run_ok(db, "SAVEPOINT crm_lastval") != 0)
		return 0;
	PGresult *r = run(db, "SELECT lastval()");
	bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	int64_t id = ok ? strtoll(PQgetvalue(r, 0, 0), NULL, 10) : 0;
	PQclear(r);
	if (ok)
		db->lastval_ok = true;
	if (in_tx) {
		if (!ok)
			PQclear(PQexec(db->conn, "ROLLBACK TO SAVEPOINT crm_lastval"));
		PQclear(PQexec(db->conn, "RELEASE SAVEPOINT crm_lastval"));
	}
	return id;
}

static bool server_has_function(struct pg_db *db, const char *name, int nargs, int *failed)
{
	char n[16];
	snprintf(n, sizeof n, "%d", nargs);
	const char *v[2] = {name, n};
	park(db);
	PGresult *r = PQexecParams(db->conn,
		"SELECT 1 FROM pg_catalog.pg_proc WHERE proname = $1 AND (pronargs = $2::int"
		" OR $2::int < 0 OR provariadic <> 0) AND pg_catalog.pg_function_is_visible(oid)",
		2, NULL, v, NULL, NULL, 0);
	bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
	bool found = ok && PQntuples(r) > 0;
	if (!ok)
		set_error_res(db, r);
	PQclear(r);
	*failed = !ok;
	return found;
}

static int no_function(struct pg_db *db, const char *name, int nargs)
{
	crm_warn("%s: the SQL function %s (%d arguments) is written in C for SQLite;"
		 " on PostgreSQL the server must provide it (schema_pg)", db->base.path, name, nargs);
	return EX_SOFTWARE;
}

/* A function written in C cannot run in the server.  What the callers
 * need is the function by its name in their SQL: the server's own, made
 * by the PostgreSQL schema.  So define only checks that the server has
 * it, once the schema is there: during the open (extensions attach before
 * the migrations) the name is noted and checked after them. */
static int pg_define(struct crm_db *d, const char *name, int nargs, unsigned flags,
		     crm_fn_body *body, void *data)
{
	struct pg_db *db = PG(d);
	if (!db->open_done) {
		db->fns = crm_xrealloc(db->fns, (db->nfns + 1) * sizeof *db->fns);
		db->fns[db->nfns++] = crm_xasprintf("%d %s", nargs, name);
		return 0;
	}
	int failed;
	bool found = server_has_function(db, name, nargs, &failed);
	if (failed)
		return crm_db_fail(d, "cannot look up SQL functions");
	return found ? 0 : no_function(db, name, nargs);
}

static int check_functions(struct pg_db *db)
{
	for (size_t i = 0; i < db->nfns; i++) {
		char *sp = strchr(db->fns[i], ' ');
		int nargs = atoi(db->fns[i]), failed;
		bool found = server_has_function(db, sp + 1, nargs, &failed);
		if (failed)
			return crm_db_fail(&db->base, "cannot look up SQL functions");
		if (!found)
			return no_function(db, sp + 1, nargs);
	}
	return 0;
}

static int pg_integrity(struct crm_db *d)
{
	/* the server keeps its own pages sound; what is left to ask is that
	 * it answers */
	PGresult *r = run(PG(d), "SELECT 1");
	bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK;
	if (!ok)
		set_error_res(PG(d), r);
	PQclear(r);
	return ok ? 0 : crm_db_fail(d, "integrity check");
}

/* Foreign keys are always enforced there: nothing more to check. */
static int pg_check(struct crm_db *d) { return pg_integrity(d); }

static int unsupported(const char *path, const char *what, const char *instead)
{
	crm_warn("%s: %s on PostgreSQL: %s", path, what, instead);
	return EX_UNAVAILABLE;
}

/* Deleted rows stay in the table's pages until VACUUM reuses them, and in
 * the server's WAL: forget cannot promise there what it does on SQLite. */
static int pg_secure_delete(struct crm_db *d)
{
	return unsupported(d->path, "erasing deleted content",
			   "have the administrator VACUUM FULL the tables afterwards");
}

static int pg_checkpoint_truncate(struct crm_db *d)
{
	return unsupported(d->path, "emptying the write-ahead log",
			   "the server's WAL is its own (VACUUM and CHECKPOINT by the administrator)");
}

/* Forget asks first, and skips the two above on PostgreSQL. */
static bool pg_has_secure_delete(struct crm_db *d)
{
	(void)d;
	return false;
}

static char *pg_session_role(struct crm_db *d)
{
	PGresult *r = run(PG(d), "SELECT session_user");
	char *role = NULL;
	if (r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1)
		role = crm_xstrdup(PQgetvalue(r, 0, 0));
	else
		set_error_res(PG(d), r);
	PQclear(r);
	if (!role)
		crm_db_fail(d, "cannot read the session's role");
	return role;
}

/* SET ROLE, which the server grants only to a member of the role (or a
 * superuser): a crm admin's login is made a member of every other
 * login's role (security_pg.h), so that --as works for admins alone. */
static int pg_set_role(struct crm_db *d, const char *role)
{
	struct pg_db *db = PG(d);
	char *id = PQescapeIdentifier(db->conn, role, strlen(role));
	if (!id)
		crm_die(EX_OSERR, "out of memory");
	char *sql = crm_xasprintf("SET ROLE %s", id);
	PQfreemem(id);
	int rc = run_ok(db, sql);
	free(sql);
	if (rc == 0)
		return 0;
	if (!strcmp(db->sqlstate, "42501") || !strcmp(db->sqlstate, "22023") ||
	    !strcmp(db->sqlstate, "42704")) {
		crm_warn("permission denied: the server does not let this session act as '%s' (%s)",
			 role, db->msg);
		return EX_NOPERM;
	}
	return crm_db_fail(d, "cannot set the role");
}

/* Temporary tables of PostgreSQL live in the session's buffers and spill
 * to files of the server only past temp_buffers, which can be raised
 * before the session's first temporary table: to 256 MB. */
static int pg_private_temp(struct crm_db *d)
{
	if (run_ok(PG(d), "SET temp_buffers = '256MB'") != 0)
		return crm_db_fail(d, "cannot keep temporary tables in memory");
	return 0;
}

static int pg_forget_statistics(struct crm_db *d, const char *const *tables)
{
	/* pg_statistic keeps most common values of columns: ANALYZE again */
	for (; *tables; tables++) {
		char *id = PQescapeIdentifier(PG(d)->conn, *tables, strlen(*tables));
		if (!id) {
			set_error(PG(d), "XX000", PQerrorMessage(PG(d)->conn));
			return crm_db_fail(d, "cannot renew index statistics");
		}
		char *sql = crm_xasprintf("ANALYZE %s", id);
		PQfreemem(id);
		int failed = run_ok(PG(d), sql);
		free(sql);
		if (failed)
			return crm_db_fail(d, "cannot renew index statistics");
	}
	return 0;
}

static bool pg_has_table(struct crm_db *d, const char *table)
{
	struct crm_stmt *st = crm_db_stmt(d,
		"SELECT 1 FROM pg_catalog.pg_tables WHERE tablename = ?1"
		" AND (schemaname = current_schema() OR schemaname LIKE 'pg_temp%')");
	if (!st)
		return false;
	crm_bind_strn(st, 1, table, -1);
	bool found = crm_step(st) == CRM_ROW;
	crm_stmt_reset(st);
	return found;
}

static int pg_share(struct crm_db *d, gid_t gid)
{
	return unsupported(d->path, "crm init --group", "grant roles on the server instead");
}

static int pg_file_verify(const char *path, const char *file, bool exact)
{
	return unsupported(file, "crm restore", "use pg_restore");
}

static int pg_copy_into(struct crm_db *d, const char *src, const char *path, const char *file)
{
	return unsupported(d ? d->path : src, "crm backup", "use pg_dump");
}

static int pg_swap_prepare(struct crm_db *d)
{
	return unsupported(d->path, "crm restore", "use pg_restore");
}

static void pg_swap_done(struct crm_db *d) {}

/* ---- the bulk writer: COPY FROM STDIN in text format ---- */

#define COPY_CHUNK 65536	/* bytes gathered before PQputCopyData */

struct pg_bulk {
	char *sql;		/* COPY t (cols) FROM STDIN */
	char *flush;		/* staged: the INSERT from the staging table, or NULL */
	char *buf;
	size_t len, cap;
	char sqlstate[6];	/* a failure's, kept over later statements */
	char *msg;
};

static void bulk_keep_error(struct crm_bulk *b)
{
	struct pg_db *db = PG(b->db);
	struct pg_bulk *pb = b->be;
	b->failed = 1;
	memcpy(pb->sqlstate, db->sqlstate, sizeof pb->sqlstate);
	free(pb->msg);
	pb->msg = crm_xstrdup(db->msg ? db->msg : "unknown error");
}

static void bulk_put_error(struct pg_db *db)
{
	set_error(db, "08006", PQerrorMessage(db->conn));
}

/* Start the COPY: the rows of any statement half-way are read first. */
static int copy_open(struct crm_bulk *b)
{
	struct pg_db *db = PG(b->db);
	park(db);
	PGresult *r = PQexec(db->conn, ((struct pg_bulk *)b->be)->sql);
	bool ok = r && PQresultStatus(r) == PGRES_COPY_IN;
	if (!ok)
		set_error_res(db, r);
	PQclear(r);
	if (!ok) {
		/* a result other than COPY_IN may leave more to read */
		while ((r = PQgetResult(db->conn)))
			PQclear(r);
		return -1;
	}
	db->copying = b;
	return 0;
}

static int copy_flush(struct crm_bulk *b)
{
	struct pg_db *db = PG(b->db);
	struct pg_bulk *pb = b->be;
	if (pb->len && PQputCopyData(db->conn, pb->buf, (int)pb->len) != 1) {
		bulk_put_error(db);
		return -1;
	}
	pb->len = 0;
	return 0;
}

/* End the COPY (errmsg NULL: keep its rows; else the server drops them)
 * and read its result: 0, or -1 with the error kept. */
static int copy_close(struct crm_bulk *b, const char *errmsg)
{
	struct pg_db *db = PG(b->db);
	int rc = errmsg ? 0 : copy_flush(b);
	db->copying = NULL;
	if (PQputCopyEnd(db->conn, rc ? "client failed" : errmsg) != 1 && !rc) {
		bulk_put_error(db);
		rc = -1;
	}
	PGresult *r;
	bool seen = false;
	while ((r = PQgetResult(db->conn))) {
		if (!seen && !errmsg) {
			if (PQresultStatus(r) == PGRES_COMMAND_OK)
				count_changes(db, r);
			else if (!rc) {
				set_error_res(db, r);
				rc = -1;
			}
		}
		seen = true;
		PQclear(r);
		if (PQstatus(db->conn) == CONNECTION_BAD)
			break;
	}
	if (!seen && !errmsg && !rc) {	/* no result at all: the server went away */
		bulk_put_error(db);
		rc = -1;
	}
	struct pg_bulk *pb = b->be;
	pb->len = 0;
	if (pb->flush && !errmsg && !rc) {
		/* the staged rows into the table, under its policies */
		r = PQexec(db->conn, pb->flush);
		if (r && PQresultStatus(r) == PGRES_COMMAND_OK)
			count_changes(db, r);
		else {
			set_error_res(db, r);
			rc = -1;
		}
		PQclear(r);
	}
	return rc;
}

static void bulk_pause(struct pg_db *db)
{
	struct crm_bulk *b = db->copying;
	if (copy_close(b, NULL))
		bulk_keep_error(b);
}

/* COPY FROM refuses a table whose row-level security applies to the
 * session (security_pg.h): then the rows go into a temporary table of
 * the same columns, and from there into the table by one INSERT, which
 * the policies check, whenever the COPY ends.  0, or 1 with the error
 * kept. */
static int stage(struct pg_db *db, struct crm_bulk *b, struct pg_bulk *pb)
{
	char *lit = PQescapeLiteral(db->conn, b->table, strlen(b->table));
	if (!lit)
		crm_die(EX_OSERR, "out of memory");
	char *q = crm_xasprintf("SELECT row_security_active(%s)", lit);
	PQfreemem(lit);
	park(db);
	PGresult *r = PQexec(db->conn, q);
	free(q);
	bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	bool active = ok && PQgetvalue(r, 0, 0)[0] == 't';
	if (!ok)
		set_error_res(db, r);
	PQclear(r);
	if (!ok)
		return 1;
	if (!active)
		return 0;
	static unsigned long serial;
	char name[64];
	snprintf(name, sizeof name, "crm_stage_%lu", ++serial);
	char *cols = strchr(pb->sql, '(') + 1;	/* "a, b) FROM STDIN" */
	size_t ncols = (size_t)(strstr(cols, ") FROM STDIN") - cols);
	/* gone with the transaction, or with the session outside one */
	bool in_tx = PQtransactionStatus(db->conn) == PQTRANS_INTRANS;
	q = crm_xasprintf("CREATE TEMP TABLE %s%s AS SELECT %.*s FROM %s WITH NO DATA", name,
			  in_tx ? " ON COMMIT DROP" : "", (int)ncols, cols, b->table);
	if (run_ok(db, q) != 0) {
		free(q);
		return 1;
	}
	free(q);
	pb->flush = crm_xasprintf("INSERT INTO %s (%.*s) SELECT %.*s FROM %s; TRUNCATE %s", b->table,
				  (int)ncols, cols, (int)ncols, cols, name, name);
	q = crm_xasprintf("COPY %s (%.*s) FROM STDIN", name, (int)ncols, cols);
	free(pb->sql);
	pb->sql = q;
	return 0;
}

static int pg_bulk_begin(struct crm_bulk *b)
{
	struct pg_bulk *pb = crm_xcalloc(1, sizeof *pb);
	size_t len = strlen(b->table) + 32;
	for (int i = 0; i < b->ncols; i++)
		len += strlen(b->cols[i]) + 2;
	pb->sql = crm_xmalloc(len);
	int off = snprintf(pb->sql, len, "COPY %s (", b->table);
	for (int i = 0; i < b->ncols; i++)
		off += snprintf(pb->sql + off, len - (size_t)off, "%s%s", i ? ", " : "", b->cols[i]);
	snprintf(pb->sql + off, len - (size_t)off, ") FROM STDIN");
	if (stage(PG(b->db), b, pb)) {
		free(pb->sql);
		free(pb);
		return 1;
	}
	pb->cap = COPY_CHUNK + 4096;
	pb->buf = crm_xmalloc(pb->cap);
	b->be = pb;
	/* the COPY opens at the first row: an empty writer sends nothing */
	return 0;
}

static void reserve(struct pg_bulk *pb, size_t more)
{
	if (pb->len + more <= pb->cap)
		return;
	while (pb->len + more > pb->cap)
		pb->cap *= 2;
	pb->buf = crm_xrealloc(pb->buf, pb->cap);
}

/* Text in COPY's text format: backslash, tab, newline and carriage
 * return escaped (a backslash-period cannot start a line then). */
static void put_escaped(struct pg_bulk *pb, const char *p, size_t n)
{
	reserve(pb, 2 * n);
	char *q = pb->buf + pb->len;
	for (size_t i = 0; i < n; i++) {
		char c = p[i];
		switch (c) {
		case '\\': *q++ = '\\'; *q++ = '\\'; break;
		case '\t': *q++ = '\\'; *q++ = 't'; break;
		case '\n': *q++ = '\\'; *q++ = 'n'; break;
		case '\r': *q++ = '\\'; *q++ = 'r'; break;
		default: *q++ = c;
		}
	}
	pb->len = (size_t)(q - pb->buf);
}

/* bytea's hex input (\x and two digits a byte), its backslash escaped */
static void put_bytea(struct pg_bulk *pb, const unsigned char *p, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	reserve(pb, 2 * n + 3);
	char *q = pb->buf + pb->len;
	*q++ = '\\';
	*q++ = '\\';
	*q++ = 'x';
	for (size_t i = 0; i < n; i++) {
		*q++ = hex[p[i] >> 4];
		*q++ = hex[p[i] & 15];
	}
	pb->len = (size_t)(q - pb->buf);
}

static int pg_bulk_row(struct crm_bulk *b)
{
	struct pg_db *db = PG(b->db);
	struct pg_bulk *pb = b->be;
	if (db->copying != b && copy_open(b)) {
		bulk_keep_error(b);
		return -1;
	}
	for (int i = 0; i < b->ncols; i++) {
		const struct crm_bulk_val *v = &b->v[i];
		reserve(pb, 32);
		if (i)
			pb->buf[pb->len++] = '\t';
		switch (v->kind) {
		case CRM_BV_NULL:
			memcpy(pb->buf + pb->len, "\\N", 2);
			pb->len += 2;
			break;
		case CRM_BV_INT:
			pb->len += (size_t)snprintf(pb->buf + pb->len, 24, "%lld", (long long)v->i);
			break;
		case CRM_BV_TEXT: put_escaped(pb, v->p, (size_t)v->len); break;
		case CRM_BV_BLOB: put_bytea(pb, (const unsigned char *)v->p, (size_t)v->len); break;
		}
	}
	reserve(pb, 1);
	pb->buf[pb->len++] = '\n';
	if (pb->len >= COPY_CHUNK && copy_flush(b)) {
		bulk_keep_error(b);
		return -1;
	}
	return 0;
}

static int pg_bulk_end(struct crm_bulk *b)
{
	struct pg_db *db = PG(b->db);
	struct pg_bulk *pb = b->be;
	if (!b->failed && db->copying == b && copy_close(b, NULL))
		bulk_keep_error(b);
	if (b->failed) {
		set_error(db, pb->sqlstate, pb->msg);
		return 1;
	}
	free(pb->sql);
	free(pb->flush);
	free(pb->buf);
	free(pb);
	b->be = NULL;
	return 0;
}

static void pg_bulk_abort(struct crm_bulk *b)
{
	struct pg_db *db = PG(b->db);
	struct pg_bulk *pb = b->be;
	if (!pb)
		return;
	if (db->copying == b)
		copy_close(b, "aborted by the client");
	free(pb->sql);
	free(pb->flush);
	free(pb->buf);
	free(pb->msg);
	free(pb);
	b->be = NULL;
}

/* ---- open and close ---- */

static void pg_close(struct crm_db *d)
{
	struct pg_db *db = PG(d);
	while (db->stmts) {
		struct pg_stmt *st = db->stmts;
		unlink_stmt(st);
		free_stmt(st);
	}
	PQfinish(db->conn);
	free(db->msg);
	free(db->drops);
	for (size_t i = 0; i < db->nfns; i++)
		free(db->fns[i]);
	free(db->fns);
}

static void quiet(void *arg, const char *msg) {}

/* The connection string with no password, for messages. */
static char *shown_name(const char *path)
{
	char *s = crm_xstrdup(path);
	char *scheme = strstr(s, "://");
	if (scheme && !strchr(s, ' ')) {
		char *auth = scheme + 3, *at = strchr(auth, '@'), *slash = strchr(auth, '/');
		char *colon = strchr(auth, ':');
		if (at && (!slash || at < slash) && colon && colon < at)
			memmove(colon, at, strlen(at) + 1);
		char *pw = strstr(s, "password=");
		if (pw) {
			char *end = strchr(pw, '&');
			if (end)
				memmove(pw, end + 1, strlen(end + 1) + 1);
			else
				pw[pw[-1] == '?' || pw[-1] == '&' ? -1 : 0] = '\0';
		}
		return s;
	}
	char *pw = strstr(s, "password");
	while (pw) {
		char *e = pw + 8;
		while (*e == ' ')
			e++;
		if ((pw == s || pw[-1] == ' ') && *e == '=') {
			e++;
			while (*e == ' ')
				e++;
			if (*e == '\'') {
				for (e++; *e && *e != '\''; e++)
					if (*e == '\\' && e[1])
						e++;
				if (*e)
					e++;
			} else {
				while (*e && *e != ' ')
					e++;
			}
			memmove(pw, e, strlen(e) + 1);
		} else {
			pw = strstr(pw + 1, "password");
			continue;
		}
		pw = strstr(pw, "password");
	}
	return s;
}

static int query_int(struct pg_db *db, const char *sql, int *v)
{
	PGresult *r = run(db, sql);
	bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	if (ok)
		*v = atoi(PQgetvalue(r, 0, 0));
	else
		set_error_res(db, r);
	PQclear(r);
	return ok ? 0 : -1;
}

/* The schema version (0 without the table) and the revision of the
 * security (security_pg.h; 0 without its table). */
static int schema_version(struct pg_db *db, int *v, int *sec)
{
	PGresult *r = run(db, "SELECT count(*) FILTER (WHERE tablename = 'crm_schema_version'),"
			  " count(*) FILTER (WHERE tablename = 'crm_security')"
			  " FROM pg_catalog.pg_tables WHERE schemaname = current_schema()");
	bool ok = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	int has_v = ok ? atoi(PQgetvalue(r, 0, 0)) : 0, has_sec = ok ? atoi(PQgetvalue(r, 0, 1)) : 0;
	if (!ok)
		set_error_res(db, r);
	PQclear(r);
	*v = *sec = 0;
	if (!ok)
		return -1;
	if (has_v && query_int(db, "SELECT coalesce(max(version), 0) FROM crm_schema_version", v))
		return -1;
	if (has_sec && query_int(db, "SELECT coalesce(max(revision), 0) FROM crm_security", sec))
		return -1;
	return 0;
}

/* Is the database ours?  One with the version table is; crm init may
 * also take one with no table at all.  Asked before anything is written. */
static int is_crm(struct pg_db *db, enum crm_db_mode mode)
{
	const char *path = db->base.path;
	int tables, v, sec;
	if (query_int(db, "SELECT count(*) FROM pg_catalog.pg_tables WHERE"
		      " schemaname = current_schema()", &tables) || schema_version(db, &v, &sec))
		return crm_db_fail(&db->base, "cannot open database");
	if (v >= 1)
		return 0;
	if (mode == CRM_DB_CREATE && tables == 0)
		return 0;
	if (mode != CRM_DB_CREATE) {
		if (tables == 0)
			crm_warn("%s: no crm database there (run 'crm init' to create one)", path);
		else
			crm_warn("%s: not a crm database", path);
		return EX_NOINPUT;
	}
	crm_warn("%s: not a crm database; crm init will not write over it", path);
	return EX_CANTCREAT;
}

/* The revisions of the security after sec, in the transaction. */
static int secure(struct pg_db *db, int sec)
{
	for (; sec < crm_security_pg_count(); sec++)
		if (run_ok(db, crm_security_pg_step(sec)) != 0) {
			char what[64];
			snprintf(what, sizeof what, "security revision %d", sec + 1);
			return crm_db_fail(&db->base, what);
		}
	char sql[64];
	snprintf(sql, sizeof sql, "UPDATE crm_security SET revision = %d", sec);
	return crm_db_exec(&db->base, sql);
}

/* Every migration in one transaction, with the version. */
static int migrate(struct pg_db *db)
{
	struct crm_db *d = &db->base;
	/* the versions are schema.c's: step 0 builds version BASE + 1 */
	int v, sec, st, n = CRM_SCHEMA_PG_BASE + crm_schema_pg_count();
	int nsec = crm_security_pg_count();
	if (schema_version(db, &v, &sec))
		return crm_db_fail(d, "cannot read schema version");
	if (v > n || sec > nsec) {
		if (v > n)
			crm_warn("%s: database schema version %d is newer than this tool's (%d); "
				 "upgrade crm", d->path, v, n);
		else
			crm_warn("%s: database security revision %d is newer than this tool's (%d); "
				 "upgrade crm", d->path, sec, nsec);
		return EX_DATAERR;
	}
	if (v == n && sec == nsec)
		return 0;
	if ((st = crm_db_begin(d)))
		return st;
	/* another process may have migrated while we waited for the lock */
	if (schema_version(db, &v, &sec)) {
		st = crm_db_fail(d, "cannot read schema version");
		goto fail;
	}
	int from = v;
	while (v < n) {
		int step = v ? v - CRM_SCHEMA_PG_BASE : 0;
		if (step < 0 || run_ok(db, crm_schema_pg_step(step)) != 0) {
			char what[64];
			snprintf(what, sizeof what, "migration to schema version %d",
				 CRM_SCHEMA_PG_BASE + 1 + step);
			st = step < 0 ? EX_DATAERR : crm_db_fail(d, what);
			if (step < 0)
				crm_warn("%s: schema version %d has no PostgreSQL step", d->path, v);
			goto fail;
		}
		v = CRM_SCHEMA_PG_BASE + 1 + step;
	}
	if (run_ok(db, "CREATE TABLE IF NOT EXISTS crm_schema_version (version INTEGER NOT NULL)")) {
		st = crm_db_fail(d, "cannot create the schema version table");
		goto fail;
	}
	if (sec < nsec && (st = secure(db, sec)))
		goto fail;
	if ((st = check_functions(db)))
		goto fail;
	if (from < n && d->ext && d->ext->migrated && (st = d->ext->migrated(d, d->ext_state, from)))
		goto fail;
	char sql[96];
	snprintf(sql, sizeof sql, "DELETE FROM crm_schema_version;"
		 " INSERT INTO crm_schema_version (version) VALUES (%d)", v);
	if ((st = crm_db_exec(d, sql)))
		goto fail;
	return crm_db_commit(d);
fail:
	crm_db_rollback(d);
	return st;
}

static long busy_timeout_ms(void)
{
	const char *s = getenv("CRM_BUSY_TIMEOUT");
	if (s && *s) {
		char *end;
		long v = strtol(s, &end, 10);
		if (*end == '\0' && v >= 0 && v < 3600000)
			return v;
		crm_warn("ignoring invalid CRM_BUSY_TIMEOUT '%s'", s);
	}
	return 5000;
}

/* The session's time zone is crm's (the config's timezone, else TZ: both
 * reach TZ before the store opens), so that the dialect's period keys and
 * the server's dates are in the same zone as the tools' own.  A TZ that
 * names no zone the server knows (a POSIX rule, ":/path") leaves the
 * server's. */
static int set_zone(struct pg_db *db)
{
	const char *tz = getenv("TZ");
	if (!tz || !*tz || *tz == ':' || *tz == '/')
		return 0;
	char *lit = PQescapeLiteral(db->conn, tz, strlen(tz));
	if (!lit)
		return -1;
	char *probe = crm_xasprintf("SELECT 1 FROM pg_timezone_names WHERE name = %s", lit);
	PGresult *r = PQexec(db->conn, probe);
	bool known = r && PQresultStatus(r) == PGRES_TUPLES_OK && PQntuples(r) == 1;
	PQclear(r);
	free(probe);
	int st = 0;
	if (known) {
		char *set = crm_xasprintf("SET TimeZone = %s", lit);
		st = run_ok(db, set);
		free(set);
	}
	PQfreemem(lit);
	return st;
}

/* A zone name of the tz database (Asia/Shanghai, UTC, Etc/GMT+8), not a
 * POSIX rule (CST-8), which set_zone tells apart by asking the server. */
static bool zone_name(const char *tz)
{
	if (strchr(tz, '/'))
		return true;
	for (const char *p = tz; *p; p++)
		if (!((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || *p == '_'))
			return false;
	return true;
}

/* The open of a short command in one round trip: the session's settings
 * (sql), the time zone, the functions the extensions named and the schema
 * version, sent as one query.  true when the schema is current and every
 * function is there: nothing more to do.  Otherwise (a new or old
 * database, a missing function, a POSIX zone, any error) false, with the
 * whole query undone (one implicit transaction), for the long way. */
static bool open_fast(struct pg_db *db, const char *sql)
{
	const char *tz = getenv("TZ");
	bool zone = tz && *tz && *tz != ':' && *tz != '/';
	if (zone && !zone_name(tz))
		return false;
	char *q = NULL;
	size_t qlen = 0;
	FILE *f = open_memstream(&q, &qlen);
	if (!f)
		crm_die(EX_OSERR, "out of memory");
	fprintf(f, "%s;", sql);
	bool ok = true;
	if (zone) {
		/* a name the server does not know leaves its zone, as set_zone */
		char *lit = PQescapeLiteral(db->conn, tz, strlen(tz));
		ok = lit != NULL;
		if (lit)
			fprintf(f, " DO $crm$BEGIN PERFORM pg_catalog.set_config('TimeZone', %s, false);"
				" EXCEPTION WHEN invalid_parameter_value THEN NULL; END$crm$;", lit);
		PQfreemem(lit);
	}
	fputs(" SELECT true", f);
	for (size_t i = 0; ok && i < db->nfns; i++) {
		const char *name = strchr(db->fns[i], ' ') + 1;
		int nargs = atoi(db->fns[i]);
		char *lit = PQescapeLiteral(db->conn, name, strlen(name));
		ok = lit != NULL;
		if (lit)
			fprintf(f, " AND EXISTS (SELECT 1 FROM pg_catalog.pg_proc WHERE proname = %s"
				" AND (pronargs = %d OR %d < 0 OR provariadic <> 0)"
				" AND pg_catalog.pg_function_is_visible(oid))", lit, nargs, nargs);
		PQfreemem(lit);
	}
	fputs("; SELECT coalesce(max(version), 0) FROM crm_schema_version;"
	      " SELECT coalesce(max(revision), 0) FROM crm_security", f);
	fclose(f);
	if (!ok || !PQsendQuery(db->conn, q)) {
		free(q);
		return false;
	}
	free(q);
	PGresult *r;
	int n = 0, fns = 0, version = -1, revision = -1;
	while ((r = PQgetResult(db->conn))) {
		ExecStatusType t = PQresultStatus(r);
		if (t != PGRES_COMMAND_OK && t != PGRES_TUPLES_OK)
			ok = false;
		else if (t == PGRES_TUPLES_OK && PQntuples(r) == 1 && n++ == 0)
			fns = PQgetvalue(r, 0, 0)[0] == 't';
		else if (t == PGRES_TUPLES_OK && PQntuples(r) == 1 && n++ == 1)
			version = atoi(PQgetvalue(r, 0, 0));
		else if (t == PGRES_TUPLES_OK && PQntuples(r) == 1)
			revision = atoi(PQgetvalue(r, 0, 0));
		PQclear(r);
	}
	return ok && fns && version == CRM_SCHEMA_PG_BASE + crm_schema_pg_count() &&
	       revision == crm_security_pg_count();
}

static int pg_open(const char *path, enum crm_db_mode mode, const struct crm_db_ext *ext,
		   struct crm_db **out)
{
	int st;
	struct pg_db *db = crm_xcalloc(1, sizeof *db);
	struct crm_db *d = &db->base;
	char *shown = shown_name(path);
	crm_db_init_common(d, &crm_backend_pg, shown, NULL);
	free(shown);
	db->conn = PQconnectdb(path);
	if (!db->conn)
		crm_die(EX_OSERR, "out of memory");
	if (PQstatus(db->conn) != CONNECTION_OK) {
		set_error(db, "08001", PQerrorMessage(db->conn));
		st = crm_db_fail(d, "cannot connect");
		crm_db_close(d);
		return st;
	}
	PQsetNoticeProcessor(db->conn, quiet, NULL);
	/* a writer waits for the lock of another as long as on SQLite; a
	 * statement that runs long is not cut short (reports may).  A plain
	 * BEGIN (crm_db_exec) reads one snapshot throughout, as SQLite's
	 * does: repeatable read. */
	char sql[224];
	snprintf(sql, sizeof sql, "SET lock_timeout = %ld; SET client_encoding = 'UTF8';"
		 " SET standard_conforming_strings = on;"
		 " SET default_transaction_isolation = 'repeatable read'", busy_timeout_ms());
	/* extensions only name their functions here (pg_define) */
	d->ext = ext;
	if (ext && ext->attach && !(d->ext_state = ext->attach(d))) {
		crm_db_close(d);
		return EX_SOFTWARE;
	}
	if (open_fast(db, sql)) {
		db->open_done = true;
		*out = d;
		return 0;
	}
	if (run_ok(db, sql) != 0 || set_zone(db) != 0) {
		st = crm_db_fail(d, "cannot open database");
		crm_db_close(d);
		return st;
	}
	if ((st = is_crm(db, mode)) || (st = migrate(db))) {
		crm_db_close(d);
		return st;
	}
	/* no migration ran: the functions noted are checked now */
	if (!db->open_done && (st = check_functions(db))) {
		crm_db_close(d);
		return st;
	}
	db->open_done = true;
	*out = d;
	return 0;
}

const struct crm_backend crm_backend_pg = {
	.name = "postgresql",
	.dialect = &crm_dialect_postgresql,
	.open = pg_open,
	.close = pg_close,
	.share = pg_share,
	.reset_statements = pg_reset_statements,
	.begin = pg_begin,
	.commit = pg_commit,
	.rollback = pg_rollback,
	.in_transaction = pg_in_transaction,
	.stmt = pg_stmt,
	.prepare = pg_prepare,
	.fail = pg_fail,
	.errmsg = pg_errmsg,
	.exec = pg_exec,
	.changes = pg_changes,
	.total_changes = pg_total_changes,
	.last_id = pg_last_id,
	.define = pg_define,
	.check = pg_check,
	.integrity = pg_integrity,
	.secure_delete = pg_secure_delete,
	.checkpoint_truncate = pg_checkpoint_truncate,
	.has_secure_delete = pg_has_secure_delete,
	.session_role = pg_session_role,
	.set_role = pg_set_role,
	.private_temp = pg_private_temp,
	.forget_statistics = pg_forget_statistics,
	.has_table = pg_has_table,
	.catalogue_sql =
		"SELECT CAST(c.relname AS text), CAST(a.attname AS text),"
		" CASE WHEN a.atttypid IN (20, 21, 23) THEN 'integer' WHEN a.atttypid = 17 THEN 'blob'"
		" ELSE 'text' END, CASE WHEN a.attnotnull THEN 1 ELSE 0 END,"
		" COALESCE(array_position(p.conkey, a.attnum), 0),"
		" (SELECT CAST(r.relname AS text) FROM pg_constraint f JOIN pg_class r ON r.oid = f.confrelid"
		"  WHERE f.conrelid = c.oid AND f.contype = 'f' AND f.conkey = ARRAY[a.attnum] LIMIT 1)"
		" FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0"
		" AND NOT a.attisdropped"
		" LEFT JOIN pg_constraint p ON p.conrelid = c.oid AND p.contype = 'p'"
		" WHERE c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
		" AND c.relkind = 'r' AND c.relname NOT IN ('crm_schema_version', 'crm_security')"
		" ORDER BY c.relname COLLATE \"C\", a.attnum",
	.version_sql = "SELECT version FROM crm_schema_version",
	/* through the server's function: row-level security would hide rows */
	.sync_ids_sql = "SELECT crm_sync_ids('%1$s')",
	.file_verify = pg_file_verify,
	.copy_into = pg_copy_into,
	.swap_prepare = pg_swap_prepare,
	.swap_done = pg_swap_done,
	.bulk_begin = pg_bulk_begin,
	.bulk_row = pg_bulk_row,
	.bulk_end = pg_bulk_end,
	.bulk_abort = pg_bulk_abort,
	.finish = pg_finish,
	.reset = pg_reset,
	.clear = pg_clear,
	.step = pg_step,
	.bind_int = pg_bind_int,
	.bind_null = pg_bind_null,
	.bind_strn = pg_bind_strn,
	.bind_copyn = pg_bind_copyn,
	.bind_owned = pg_bind_owned,
	.bind_blob = pg_bind_blob,
	.param_index = pg_param_index,
	.param_count = pg_param_count,
	.col_int = pg_col_int,
	.col_null = pg_col_null,
	.col_str = pg_col_str,
	.col_bytes = pg_col_bytes,
	.col_blob = pg_col_blob,
	.col_count = pg_col_count,
};
