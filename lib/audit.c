/* audit.c: see audit.h */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "schema.h"

#define NMETA 8		/* at .. field: hashed as they are */
#define DIGEST SHA256_DIGEST_SIZE

struct crm_audit_chain {
	struct crm_db *db;
	unsigned char prev[DIGEST];
	int64_t last_id;	/* the row prev is the hash of */
	bool loaded;
	unsigned long serial;	/* the transaction it was loaded in */
};

/* One row as the chain sees it: the meta columns as text (NULL allowed)
 * and, for each value, its digest or nothing when it is NULL. */
struct chain_row {
	const unsigned char *meta[NMETA];
	int meta_len[NMETA];
	unsigned char value[2][DIGEST];
	bool has_value[2];
};

static const char hexdigits[] = "0123456789abcdef";

static void to_hex(const unsigned char *d, char out[CRM_SHA256_HEX])
{
	for (int i = 0; i < DIGEST; i++) {
		out[2 * i] = hexdigits[d[i] >> 4];
		out[2 * i + 1] = hexdigits[d[i] & 15];
	}
	out[2 * DIGEST] = '\0';
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

static bool from_hex(const unsigned char *s, unsigned char d[DIGEST])
{
	if (!s || strlen((const char *)s) != 2 * DIGEST)
		return false;
	for (int i = 0; i < DIGEST; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		d[i] = (unsigned char)(hi << 4 | lo);
	}
	return true;
}

/* A stored row hash: 32 bytes (a blob, or anything else of that length
 * that someone put there by hand). */
static bool stored_hash(struct crm_stmt *st, int col, unsigned char d[DIGEST])
{
	if (crm_col_null(st, col) || crm_col_bytes(st, col) != DIGEST)
		return false;
	memcpy(d, crm_col_blob(st, col), DIGEST);
	return true;
}

void crm_sha256_hex(const void *data, size_t len, char out[CRM_SHA256_HEX])
{
	struct sha256_ctx c;
	unsigned char d[DIGEST];
	sha256_init(&c);
	sha256_update(&c, len, data);
	sha256_digest(&c, DIGEST, d);
	to_hex(d, out);
}

static void digest_of(const unsigned char *s, int len, unsigned char d[DIGEST])
{
	struct sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, (size_t)len, s);
	sha256_digest(&c, DIGEST, d);
}

/* Each field is framed (a tag, and a length for text) so that no two
 * different rows hash the same bytes. */
static void chain_hash(const unsigned char prev[DIGEST], const struct chain_row *r,
		       unsigned char out[DIGEST])
{
	struct sha256_ctx c;
	sha256_init(&c);
	sha256_update(&c, DIGEST, prev);
	for (int i = 0; i < NMETA; i++) {
		if (!r->meta[i]) {
			sha256_update(&c, 1, (const uint8_t *)"\0");
			continue;
		}
		uint32_t n = (uint32_t)r->meta_len[i];
		unsigned char frame[5] = {1, (unsigned char)(n >> 24), (unsigned char)(n >> 16),
					  (unsigned char)(n >> 8), (unsigned char)n};
		sha256_update(&c, sizeof frame, frame);
		sha256_update(&c, n, r->meta[i]);
	}
	for (int v = 0; v < 2; v++) {
		if (!r->has_value[v]) {
			sha256_update(&c, 1, (const uint8_t *)"\0");
			continue;
		}
		sha256_update(&c, 1, (const uint8_t *)"\2");
		sha256_update(&c, DIGEST, r->value[v]);
	}
	sha256_digest(&c, DIGEST, out);
}

/* The id and stored hash of the last row up to id max_id, 0 and zeros
 * when there is none (a row without a hash: zeros), the rule
 * crm_audit_verify applies. */
static int load_prev(int64_t max_id, struct crm_audit_chain *c)
{
	struct crm_stmt *st;
	memset(c->prev, 0, DIGEST);
	c->last_id = 0;
	if (crm_db_prepare(c->db, crm_dialect(c->db)->row_security
			   ? "SELECT id, hash FROM crm_audit_tail(?1)"
			   : "SELECT id, hash FROM audit WHERE id <= ?1 ORDER BY id DESC LIMIT 1",
			   &st) != CRM_OK)
		return -1;
	crm_bind_int(st, 1, max_id);
	int rc = crm_step(st);
	if (rc == CRM_ROW) {
		c->last_id = crm_col_int(st, 0);
		stored_hash(st, 1, c->prev);
	}
	crm_stmt_finish(st);
	return rc == CRM_ROW || rc == CRM_DONE ? 0 : -1;
}

/* crm_audit_hash(id, at, ..., new_value): id is the row's own (NULL: the
 * next), and must follow the row hashed before, so that a set-wise INSERT
 * whose rows were computed in another order than their ids fails instead
 * of writing a broken chain. */
static void sql_audit_hash(struct crm_fn *fn, int argc)
{
	struct crm_audit_chain *c = crm_fn_data(fn);
	/* outside BEGIN ... COMMIT another process may append between two
	 * statements, so only a transaction may keep the cached hash */
	unsigned long serial = crm_db_tx_serial(c->db);
	if (!c->loaded || c->serial != serial || !crm_db_in_transaction(c->db)) {
		if (load_prev(INT64_MAX, c) != 0) {
			crm_fn_return_error(fn, "cannot read the audit chain");
			return;
		}
		c->serial = serial;
	}
	c->loaded = true;
	int64_t id = c->last_id + 1;
	if (!crm_fn_null(fn, 0) && crm_fn_int(fn, 0) != id) {
		c->loaded = false;
		crm_fn_return_error(fn, "audit rows chained out of order");
		return;
	}
	struct chain_row r;
	for (int i = 0; i < NMETA; i++) {
		r.meta[i] = crm_fn_null(fn, 1 + i) ? NULL : crm_fn_text(fn, 1 + i);
		r.meta_len[i] = crm_fn_bytes(fn, 1 + i);
	}
	for (int v = 0; v < 2; v++) {
		int x = 1 + NMETA + v;
		r.has_value[v] = !crm_fn_null(fn, x);
		if (r.has_value[v]) {
			const unsigned char *s = crm_fn_text(fn, x);
			digest_of(s, crm_fn_bytes(fn, x), r.value[v]);
		}
	}
	chain_hash(c->prev, &r, c->prev);
	c->last_id = id;
	crm_fn_return_blob(fn, c->prev, DIGEST);
	(void)argc;
}

static void sql_sha256(struct crm_fn *fn, int argc)
{
	if (crm_fn_null(fn, 0)) {
		crm_fn_return_null(fn);
		return;
	}
	char hex[CRM_SHA256_HEX];
	crm_sha256_hex(crm_fn_text(fn, 0), (size_t)crm_fn_bytes(fn, 0), hex);
	crm_fn_return_text(fn, hex, 2 * DIGEST);
	(void)argc;
}

static void *attach(struct crm_db *db)
{
	struct crm_audit_chain *c = crm_xcalloc(1, sizeof *c);
	c->db = db;
	if (crm_db_define(db, "crm_audit_hash", NMETA + 3, CRM_FN_DIRECT_ONLY, sql_audit_hash, c) ||
	    crm_db_define(db, "crm_sha256", 1, CRM_FN_DETERMINISTIC, sql_sha256, NULL)) {
		free(c);
		return NULL;
	}
	return c;
}

static void detach(void *state) { free(state); }

/* Chain every row after after_id that has no hash yet, in id order: the
 * rows written before the chain existed, at the migration that adds it. */
static int seal(struct crm_audit_chain *c, int64_t after_id)
{
	static const char sql[] =
		"UPDATE audit SET hash = crm_audit_hash(NULL, at, actor, real_actor, tool, entity,"
		" entity_id, action, field, old_value, new_value) WHERE id > ?1";
	if (load_prev(after_id, c) != 0)
		return -1;
	c->loaded = true;
	c->serial = crm_db_tx_serial(c->db);
	/* a range of a rowid table is updated in id order, which is the chain's */
	struct crm_stmt *st;
	if (crm_db_prepare(c->db, sql, &st) != CRM_OK)
		return -1;
	crm_bind_int(st, 1, after_id);
	int rc = crm_step(st);
	crm_stmt_finish(st);
	c->loaded = false;
	return rc == CRM_DONE ? 0 : -1;
}

static int migrated(struct crm_db *db, void *state, int from)
{
	if (from < CRM_SCHEMA_AUDIT_CHAIN && seal(state, 0) != 0)
		return crm_db_fail(db, "cannot chain the audit rows");
	return 0;
}

const struct crm_db_ext crm_audit_ext = {attach, migrated, detach};

static int db_error(struct crm_db *db, const char *what)
{
	crm_warn("%s: %s: %s", crm_db_path(db), what, crm_db_errmsg(db));
	return EX_SOFTWARE;
}

/* A value as the chain sees it: its erased hash when forget took it,
 * else the digest of what is stored. */
static bool row_value(struct crm_stmt *st, int value_col, int sha_col, unsigned char d[DIGEST])
{
	if (!crm_col_null(st, sha_col))
		return from_hex(crm_col_ustr(st, sha_col), d) || (memset(d, 0, DIGEST), true);
	if (crm_col_null(st, value_col))
		return false;
	const unsigned char *s = crm_col_ustr(st, value_col);
	digest_of(s, crm_col_bytes(st, value_col), d);
	return true;
}

/* The hash row st of crm_audit_verify's query should have after prev. */
static void want_hash(struct crm_stmt *st, const unsigned char prev[DIGEST], unsigned char want[DIGEST])
{
	struct chain_row r;
	for (int i = 0; i < NMETA; i++) {
		r.meta[i] = crm_col_ustr(st, 1 + i);
		r.meta_len[i] = crm_col_bytes(st, 1 + i);
	}
	r.has_value[0] = row_value(st, 9, 11, r.value[0]);
	r.has_value[1] = row_value(st, 10, 12, r.value[1]);
	chain_hash(prev, &r, want);
}

int crm_audit_verify(struct crm_db *db, int64_t *rows)
{
	static const char sql[] =
		"SELECT id, at, actor, real_actor, tool, entity, entity_id, action, field,"
		" old_value, new_value, old_sha, new_sha, hash FROM audit ORDER BY id";
	/* On PostgreSQL row-level security shows an actor only some rows:
	 * the server hashes the chain itself (crm_audit_chain, security_pg.h)
	 * and hands over each row's id, the hash due and the hash stored. */
	static const char server_sql[] = "SELECT id, want, hash FROM crm_audit_chain()";
	bool server = crm_dialect(db)->row_security;
	struct crm_stmt *st;
	const char *path = crm_db_path(db);
	if (crm_db_prepare(db, server ? server_sql : sql, &st) != CRM_OK)
		return db_error(db, "cannot read audit");
	unsigned char prev[DIGEST] = {0}, want[DIGEST], stored[DIGEST];
	int64_t last_id = 0, bad = 0;
	int rc;
	*rows = 0;
	while ((rc = crm_step(st)) == CRM_ROW) {
		int64_t id = crm_col_int(st, 0);
		if (!server)
			want_hash(st, prev, want);
		else if (!stored_hash(st, 1, want))
			memset(want, 0, DIGEST);
		bool has_hash = stored_hash(st, server ? 2 : 13, stored);
		(*rows)++;
		if (has_hash && memcmp(want, stored, DIGEST) == 0) {
			/* fine */
		} else if (id > last_id + 1) {
			if (id == last_id + 2)
				crm_warn("%s: audit row %lld deleted", path, (long long)(last_id + 1));
			else
				crm_warn("%s: audit rows %lld-%lld deleted", path, (long long)(last_id + 1),
					 (long long)(id - 1));
			bad++;
		} else if (!has_hash) {
			crm_warn("%s: audit row %lld has no hash (inserted outside crm)", path, (long long)id);
			bad++;
		} else {
			crm_warn("%s: audit row %lld altered or inserted (hash does not chain)", path,
				 (long long)id);
			bad++;
		}
		/* go on from what is stored, so one bad row is reported once */
		if (has_hash)
			memcpy(prev, stored, DIGEST);
		else
			memset(prev, 0, DIGEST);
		last_id = id;
	}
	crm_stmt_finish(st);
	if (rc != CRM_DONE)
		return db_error(db, "cannot read audit");
	return bad ? EX_DATAERR : 0;
}

int crm_audit_last_id(struct crm_db *db, int64_t *id)
{
	struct crm_stmt *st;
	*id = 0;
	if (crm_db_prepare(db, crm_dialect(db)->row_security ? "SELECT crm_max_id('audit')"
			   : "SELECT max(id) FROM audit", &st) != CRM_OK)
		return -1;
	int rc = crm_step(st);
	if (rc == CRM_ROW)
		*id = crm_col_int(st, 0);
	crm_stmt_finish(st);
	return rc == CRM_ROW ? 0 : -1;
}


int crm_audit_head(struct crm_db *db, int64_t *id, char hash[CRM_SHA256_HEX])
{
	struct crm_stmt *st;
	*id = 0;
	hash[0] = '\0';
	if (crm_db_prepare(db, crm_dialect(db)->row_security
			   ? "SELECT id, hash FROM crm_audit_tail(NULL)"
			   : "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", &st) != CRM_OK)
		return EX_SOFTWARE;
	int rc = crm_step(st);
	if (rc == CRM_ROW) {
		unsigned char d[DIGEST];
		*id = crm_col_int(st, 0);
		if (stored_hash(st, 1, d))
			to_hex(d, hash);
	}
	crm_stmt_finish(st);
	return rc == CRM_ROW || rc == CRM_DONE ? 0 : EX_SOFTWARE;
}

int crm_audit_write(struct crm_db *db, const char *entity, int64_t id, const char *action,
		    const char *field, const char *old_value, const char *new_value)
{
	static const char sql[] =
		"INSERT INTO audit (" CRM_AUDIT_COLUMNS ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,"
		" crm_audit_hash(NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10))";
	struct crm_stmt *st = crm_db_stmt(db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_audit_bind_origin(db, st);
	crm_bind_str(st, 5, entity);
	crm_bind_id(st, 6, id);
	crm_bind_str(st, 7, action);
	crm_bind_text(st, 8, field);
	if (old_value)
		crm_bind_copy(st, 9, old_value);
	if (new_value)
		crm_bind_copy(st, 10, new_value);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(db, "cannot write audit row");
	return 0;
}

int crm_audit_bind(struct crm_db *db, struct crm_stmt *st, int base)
{
	int64_t last;
	if (crm_audit_last_id(db, &last) != 0)
		return crm_db_fail(db, "cannot read audit");
	crm_audit_bind_origin(db, st);
	crm_bind_int(st, base, last);
	return 0;
}

void crm_audit_bind_origin(struct crm_db *db, struct crm_stmt *st)
{
	const char *now = crm_db_now(db);
	crm_bind_str(st, 1, now ? now : "");
	crm_bind_text(st, 2, crm_db_actor(db));
	crm_bind_text(st, 3, crm_db_real_actor(db));
	crm_bind_str(st, 4, crm_db_tool(db));
}
