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

int crm_schema_pg_count(void);          /* number of steps */
const char *crm_schema_pg_step(int i);  /* SQL of step i (0-based), or NULL */

#endif
