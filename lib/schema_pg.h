/* schema_pg.h: the migrations that build the database on PostgreSQL, one
 * step per schema version (as schema.h's for SQLite), applied by db_pg.c
 * in one transaction, which records the version in the table
 * crm_schema_version (version int) where SQLite has user_version. */
#ifndef CRM_SCHEMA_PG_H
#define CRM_SCHEMA_PG_H

int crm_schema_pg_count(void);
const char *crm_schema_pg_step(int i);

#endif
