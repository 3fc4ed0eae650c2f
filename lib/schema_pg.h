/* schema_pg.h: the database schema for PostgreSQL 15, as forward steps
 * (HACKING, "The PostgreSQL schema").
 *
 * Step 0 builds, from nothing, the database that SQLite's migrations 0..8
 * of schema.c build (schema version 9), and creates crm_schema_version,
 * the one-row table that holds the version there (SQLite's user_version).
 * Step i >= 1 takes schema version 8 + i to 9 + i, as migrations[8 + i]
 * of schema.c does: crm_schema_pg_count() + 8 == crm_schema_count(), and
 * the version recorded is the same number on both engines.  The backend
 * runs the steps and sets crm_schema_version.version. */
#ifndef CRM_SCHEMA_PG_H
#define CRM_SCHEMA_PG_H

/* The schema version before step 1: step 0 takes an empty database to
 * version CRM_SCHEMA_PG_BASE + 1, step i >= 1 takes version BASE + i to
 * BASE + i + 1. */
#define CRM_SCHEMA_PG_BASE 8

/* crm_audit_hash(row_id, at, ..., new_value) in plpgsql: audit.c's chain
 * hash, the chain's last row kept in a setting of the transaction, read
 * first by the statement last (which sets last_id and prev).  create is
 * "CREATE" or "CREATE OR REPLACE": step 0 makes it, security_pg.c's
 * revision 1 reads the last row past row-level security. */
#define CRM_AUDIT_HASH_FN(create, last) \
	create " FUNCTION crm_audit_hash(row_id BIGINT, at TEXT, actor TEXT, real_actor TEXT," \
	"  tool TEXT, entity TEXT, entity_id BIGINT, action TEXT, field TEXT, old_value TEXT," \
	"  new_value TEXT) RETURNS BYTEA LANGUAGE plpgsql VOLATILE AS $$" \
	" DECLARE kept TEXT := current_setting('crm.audit_chain', true);" \
	"   prev BYTEA; last_id BIGINT; h BYTEA;" \
	" BEGIN" \
	"   IF kept IS NULL OR kept = '' THEN" \
	"     " last ";" \
	"     last_id := coalesce(last_id, 0);" \
	"   ELSE" \
	"     last_id := split_part(kept, ':', 1)::bigint;" \
	"     prev := decode(split_part(kept, ':', 2), 'hex');" \
	"   END IF;" \
	"   IF prev IS NULL OR octet_length(prev) <> 32 THEN" \
	"     prev := decode(repeat('00', 32), 'hex');" \
	"   END IF;" \
	"   IF row_id IS NOT NULL AND row_id <> last_id + 1 THEN" \
	"     RAISE EXCEPTION 'audit rows chained out of order';" \
	"   END IF;" \
	"   h := sha256(prev || crm_audit_frame(at) || crm_audit_frame(actor)" \
	"     || crm_audit_frame(real_actor) || crm_audit_frame(tool) || crm_audit_frame(entity)" \
	"     || crm_audit_frame(entity_id::text) || crm_audit_frame(action)" \
	"     || crm_audit_frame(field) || crm_audit_value(old_value) || crm_audit_value(new_value));" \
	"   PERFORM set_config('crm.audit_chain', (last_id + 1)::text || ':' || encode(h, 'hex'), true);" \
	"   RETURN h;" \
	" END $$;"

int crm_schema_pg_count(void);          /* number of steps */
const char *crm_schema_pg_step(int i);  /* SQL of step i (0-based), or NULL */

#endif
