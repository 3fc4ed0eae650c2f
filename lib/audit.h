/* audit.h: the tamper-evident audit trail.  Every audit row carries a
 * SHA-256 hash chained to the row before it (by id), computed over the row
 * with its old and new values replaced by their own hashes, so that forget
 * can erase a value (keeping its hash in old_sha / new_sha) without
 * breaking the chain, and crm check can name any row deleted, inserted or
 * altered since.  Anyone who can write the file can still recompute the
 * whole chain: keep the head (crm_audit_head) somewhere else to anchor it.
 *
 * The chain is computed by two SQL functions registered on every
 * connection:
 *   crm_audit_hash(id, at, actor, real_actor, tool, entity, entity_id,
 *                  action, field, old_value, new_value) -> the new row's
 *                  hash (32 bytes), whose id (NULL: the next) must follow the row
 *                  hashed before, else the statement fails
 *   crm_sha256(text) -> hex SHA-256, NULL for NULL */
#ifndef CRM_AUDIT_H
#define CRM_AUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRM_SHA256_HEX 65	/* 64 hex digits and NUL */

/* The ten columns an audit row is made of, and the hash chained over them. */
#define CRM_AUDIT_VALUES \
	"at, actor, real_actor, tool, entity, entity_id, action, field, old_value, new_value"
#define CRM_AUDIT_COLUMNS CRM_AUDIT_VALUES ", hash"

/* A set-wise audit INSERT: ROWS is "SELECT-list FROM ...", the list naming
 * the ten CRM_AUDIT_VALUES by alias (?1 AS at, ...), and ID the id of each
 * row, an expression of the last audit id (crm_audit_bind), such as
 * "?5 + row_number() OVER (ORDER BY x.id)", giving each its own, which
 * crm_audit_hash checks follow one another.  A NULL id is no "next" on
 * PostgreSQL (NOT NULL fails), and ids given leave its sequence behind:
 * crm_db_sync_ids(db, "audit") after the INSERT. */
#define CRM_AUDIT_INSERT(id, rows) \
	"INSERT INTO audit (id, " CRM_AUDIT_COLUMNS ") SELECT id, " CRM_AUDIT_VALUES \
	", crm_audit_hash(id, " CRM_AUDIT_VALUES ") FROM (SELECT " id " AS id, " rows ") AS v"

/* The SET list that erases an audit row's values, keeping their hashes. */
#define CRM_AUDIT_ERASE_VALUES \
	"old_sha = coalesce(old_sha, crm_sha256(old_value)), old_value = NULL," \
	" new_sha = coalesce(new_sha, crm_sha256(new_value)), new_value = NULL"

/* Audit rows are never re-pointed: a merge writes 'merged_into' (new_value
 * the kept id, old_value a snapshot) on the merged record and then
 * 'merged_from' (new_value the merged id) on the kept one.  A record's
 * history is its own rows and those of the records merged into it,
 * directly or through a chain (42 into 17, then 17 into 5).
 *
 * CRM_AUDIT_MERGED(ENT, ID) is a recursive CTE "merged(id, lo, hi)": record
 * ID of entity ENT (SQL expressions such as "?1") and each record merged
 * into it, with the audit ids (lo, hi] that belong to that life of the id
 * (an id freed by a merge may be given again to a new record, whose own
 * history starts after the old one's 'merged_into').  It follows the
 * 'merged_from' rows, which audit_entity(entity, entity_id) finds.
 * CRM_AUDIT_MERGED_ROWS(ENT) joins it to those audit rows as "a"; the
 * root is the row with hi = CRM_AUDIT_NO_END. */
#define CRM_AUDIT_NO_END "9223372036854775807"
#define CRM_AUDIT_DEATH(ent, id) \
	" FROM audit d WHERE d.entity = " ent " AND d.entity_id = " id \
	" AND d.action = 'merge' AND d.field = 'merged_into'"
#define CRM_AUDIT_MERGED(ent, id) \
	"merged(id, lo, hi) AS (SELECT CAST(" id " AS BIGINT), coalesce((SELECT max(d.id)" \
	CRM_AUDIT_DEATH(ent, id) "), 0), " CRM_AUDIT_NO_END \
	" UNION SELECT CAST(a.new_value AS BIGINT), coalesce((SELECT d.id" \
	CRM_AUDIT_DEATH(ent, "CAST(a.new_value AS BIGINT)") " AND d.id < a.id" \
	" ORDER BY d.id DESC LIMIT 1 OFFSET 1), 0), a.id FROM merged m JOIN audit a" \
	" ON a.entity = " ent " AND a.entity_id = m.id AND a.id > m.lo AND a.id <= m.hi" \
	" WHERE a.action = 'merge' AND a.field = 'merged_from')"
#define CRM_AUDIT_MERGED_ROWS(ent) \
	"merged m JOIN audit a ON a.entity = " ent " AND a.entity_id = m.id" \
	" AND a.id > m.lo AND a.id <= m.hi"

struct crm_db;
struct crm_stmt;

/* Given to crm_db_open: defines the two functions on the connection and
 * chains the rows of a database migrated from before the chain. */
extern const struct crm_db_ext crm_audit_ext;

/* Write one audit row, chained: entity ("lead"), id, action ("create",
 * "update", "delete", "merge", "assign", ...), field and old/new values
 * (may be NULL).  0 or an exit status after reporting. */
int crm_audit_write(struct crm_db *db, const char *entity, int64_t id, const char *action,
		    const char *field, const char *old_value, const char *new_value);
/* For a set-wise CRM_AUDIT_INSERT: bind ?1 at, ?2 actor, ?3 real_actor,
 * ?4 tool, and parameter base to the last audit id.  0 or an exit status
 * after reporting.  crm_audit_bind_origin binds only the four. */
int crm_audit_bind(struct crm_db *db, struct crm_stmt *st, int base);
void crm_audit_bind_origin(struct crm_db *db, struct crm_stmt *st);

/* Hex SHA-256 of len bytes. */
void crm_sha256_hex(const void *data, size_t len, char out[CRM_SHA256_HEX]);

/* Walk the chain and report each deleted, inserted or altered row as
 * "audit row N ..."; sets *rows to the rows checked.  0, 65 when the
 * chain is broken, or another status after a database error. */
int crm_audit_verify(struct crm_db *db, int64_t *rows);

/* The last audit id, 0 when none; 0, or -1 with the error in the db. */
int crm_audit_last_id(struct crm_db *db, int64_t *id);

/* The last row's id and hash (0 and "" when the audit is empty). */
int crm_audit_head(struct crm_db *db, int64_t *id, char hash[CRM_SHA256_HEX]);

#endif
