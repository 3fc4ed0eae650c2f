/* admin.h: the database as a whole, for crm(1): initialise, check
 * (integrity, foreign keys, schema version, config against the data);
 * backup.h holds backup and restore. */
#ifndef CRM_ADMIN_H
#define CRM_ADMIN_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"

int crm_admin_init(struct crm_ctx *ctx, bool group);
int crm_admin_check(struct crm_ctx *ctx);
int crm_admin_schema_version(void);
/* "  crm-lead    leads: ..." for each tool of the suite. */
void crm_admin_list_tools(FILE *fp);
/* Check that the config's assignment rules name users and teams that exist
 * and are active; reports each problem with its config line, returns 0 or 78. */
int crm_admin_check_rules(struct crm_ctx *ctx);

#endif
