/* audit.c: see audit.h */
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "err.h"

#define NMETA 8		/* at .. field: hashed as they are */
#define DIGEST SHA256_DIGEST_SIZE

struct crm_audit_chain {
	unsigned char prev[DIGEST];
	int64_t last_id;	/* the row prev is the hash of */
	bool loaded;
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
static bool stored_hash(sqlite3_stmt *st, int col, unsigned char d[DIGEST])
{
	if (sqlite3_column_type(st, col) == SQLITE_NULL || sqlite3_column_bytes(st, col) != DIGEST)
		return false;
	memcpy(d, sqlite3_column_blob(st, col), DIGEST);
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
static int load_prev(sqlite3 *h, int64_t max_id, struct crm_audit_chain *c)
{
	sqlite3_stmt *st;
	memset(c->prev, 0, DIGEST);
	c->last_id = 0;
	if (sqlite3_prepare_v2(h, "SELECT id, hash FROM audit WHERE id <= ?1 ORDER BY id DESC LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, max_id);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		c->last_id = sqlite3_column_int64(st, 0);
		stored_hash(st, 1, c->prev);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : -1;
}

/* crm_audit_hash(id, at, ..., new_value): id is the row's own (NULL: the
 * next), and must follow the row hashed before, so that a set-wise INSERT
 * whose rows were computed in another order than their ids fails instead
 * of writing a broken chain. */
static void sql_audit_hash(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct crm_audit_chain *c = sqlite3_user_data(cx);
	sqlite3 *h = sqlite3_context_db_handle(cx);
	/* outside BEGIN ... COMMIT another process may append between two
	 * statements, so only a transaction may keep the cached hash */
	if ((!c->loaded || sqlite3_get_autocommit(h)) && load_prev(h, INT64_MAX, c) != 0) {
		sqlite3_result_error(cx, "cannot read the audit chain", -1);
		return;
	}
	c->loaded = true;
	int64_t id = c->last_id + 1;
	if (sqlite3_value_type(argv[0]) != SQLITE_NULL && sqlite3_value_int64(argv[0]) != id) {
		c->loaded = false;
		sqlite3_result_error(cx, "audit rows chained out of order", -1);
		return;
	}
	argv++;
	struct chain_row r;
	for (int i = 0; i < NMETA; i++) {
		r.meta[i] = sqlite3_value_type(argv[i]) == SQLITE_NULL ? NULL : sqlite3_value_text(argv[i]);
		r.meta_len[i] = sqlite3_value_bytes(argv[i]);
	}
	for (int v = 0; v < 2; v++) {
		sqlite3_value *x = argv[NMETA + v];
		r.has_value[v] = sqlite3_value_type(x) != SQLITE_NULL;
		if (r.has_value[v]) {
			const unsigned char *s = sqlite3_value_text(x);
			digest_of(s, sqlite3_value_bytes(x), r.value[v]);
		}
	}
	chain_hash(c->prev, &r, c->prev);
	c->last_id = id;
	sqlite3_result_blob(cx, c->prev, DIGEST, SQLITE_TRANSIENT);
	(void)argc;
}

static void sql_sha256(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL) {
		sqlite3_result_null(cx);
		return;
	}
	char hex[CRM_SHA256_HEX];
	const unsigned char *s = sqlite3_value_text(argv[0]);
	crm_sha256_hex(s, (size_t)sqlite3_value_bytes(argv[0]), hex);
	sqlite3_result_text(cx, hex, 2 * DIGEST, SQLITE_TRANSIENT);
	(void)argc;
}

struct crm_audit_chain *crm_audit_register(sqlite3 *h)
{
	struct crm_audit_chain *c = crm_xcalloc(1, sizeof *c);
	if (sqlite3_create_function(h, "crm_audit_hash", NMETA + 3, SQLITE_UTF8 | SQLITE_DIRECTONLY,
				    c, sql_audit_hash, NULL, NULL) != SQLITE_OK ||
	    sqlite3_create_function(h, "crm_sha256", 1,
				    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
				    sql_sha256, NULL, NULL) != SQLITE_OK) {
		crm_warn("internal error: cannot register audit functions: %s", sqlite3_errmsg(h));
		free(c);
		return NULL;
	}
	return c;
}

void crm_audit_chain_free(struct crm_audit_chain *c) { free(c); }

void crm_audit_chain_reset(struct crm_audit_chain *c)
{
	if (c)
		c->loaded = false;
}

static int db_error(sqlite3 *h, const char *path, const char *what)
{
	crm_warn("%s: %s: %s", path, what, sqlite3_errmsg(h));
	return EX_SOFTWARE;
}

/* A value as the chain sees it: its erased hash when forget took it,
 * else the digest of what is stored. */
static bool row_value(sqlite3_stmt *st, int value_col, int sha_col, unsigned char d[DIGEST])
{
	if (sqlite3_column_type(st, sha_col) != SQLITE_NULL)
		return from_hex(sqlite3_column_text(st, sha_col), d) || (memset(d, 0, DIGEST), true);
	if (sqlite3_column_type(st, value_col) == SQLITE_NULL)
		return false;
	const unsigned char *s = sqlite3_column_text(st, value_col);
	digest_of(s, sqlite3_column_bytes(st, value_col), d);
	return true;
}

int crm_audit_verify(sqlite3 *h, const char *path, int64_t *rows)
{
	static const char sql[] =
		"SELECT id, at, actor, real_actor, tool, entity, entity_id, action, field,"
		" old_value, new_value, old_sha, new_sha, hash FROM audit ORDER BY id";
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return db_error(h, path, "cannot read audit");
	unsigned char prev[DIGEST] = {0}, want[DIGEST], stored[DIGEST];
	int64_t last_id = 0, bad = 0;
	int rc;
	*rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		struct chain_row r;
		for (int i = 0; i < NMETA; i++) {
			r.meta[i] = sqlite3_column_text(st, 1 + i);
			r.meta_len[i] = sqlite3_column_bytes(st, 1 + i);
		}
		r.has_value[0] = row_value(st, 9, 11, r.value[0]);
		r.has_value[1] = row_value(st, 10, 12, r.value[1]);
		chain_hash(prev, &r, want);
		bool has_hash = stored_hash(st, 13, stored);
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
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_error(h, path, "cannot read audit");
	return bad ? EX_DATAERR : 0;
}

int crm_audit_last_id(sqlite3 *h, int64_t *id)
{
	sqlite3_stmt *st;
	*id = 0;
	if (sqlite3_prepare_v2(h, "SELECT max(id) FROM audit", -1, &st, NULL) != SQLITE_OK)
		return -1;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int crm_audit_seal(sqlite3 *h, struct crm_audit_chain *c, int64_t after_id)
{
	static const char sql[] =
		"UPDATE audit SET hash = crm_audit_hash(NULL, at, actor, real_actor, tool, entity,"
		" entity_id, action, field, old_value, new_value) WHERE id > ?1";
	if (load_prev(h, after_id, c) != 0)
		return -1;
	c->loaded = true;
	/* a range of a rowid table is updated in id order, which is the chain's */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
		return -1;
	sqlite3_bind_int64(st, 1, after_id);
	int rc = sqlite3_step(st);
	sqlite3_finalize(st);
	c->loaded = false;
	return rc == SQLITE_DONE ? 0 : -1;
}

int crm_audit_head(sqlite3 *h, int64_t *id, char hash[CRM_SHA256_HEX])
{
	sqlite3_stmt *st;
	unsigned char d[DIGEST];
	*id = 0;
	hash[0] = '\0';
	if (sqlite3_prepare_v2(h, "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1", -1, &st,
			       NULL) != SQLITE_OK)
		return EX_SOFTWARE;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		if (stored_hash(st, 1, d))
			to_hex(d, hash);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : EX_SOFTWARE;
}
