/* migrate.h: crm migrate: copy the whole database, every table of the
 * schema with its history, into a new database of either engine (a
 * SQLite file that does not exist yet, or a PostgreSQL database that
 * holds no rows), in one transaction, then count the rows on both sides. */
#ifndef CRM_MIGRATE_H
#define CRM_MIGRATE_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"

/* Copy ctx's database into target (admins only): its tables in an order
 * that satisfies their foreign keys (a reference that closes a cycle, or
 * names a later row of its own table, is set after every table is in),
 * each row with its id, NULLs, bytes and audit hashes as they are;
 * PostgreSQL's identity sequences moved past the ids copied.  Then prints
 * "table<TAB>rows" per table to out.  With -n the copy is rolled back (a
 * SQLite target removed).  0, or after reporting 65 (target holds rows,
 * another schema version), 66, 69 (cannot connect), 70 (the counts
 * differ, naming the table), 73 (target exists), 74 or 77; on failure
 * nothing is left written in target. */
int crm_migrate(struct crm_ctx *ctx, const char *target, FILE *out);

#endif
