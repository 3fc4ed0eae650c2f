/* admin.h: the database as a whole, for crm(1): initialise, check
 * (integrity, foreign keys, schema version, config against the data);
 * backup.h holds backup and restore. */
#ifndef CRM_ADMIN_H
#define CRM_ADMIN_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"

/* crm init: create the database, or bring an existing one up to date;
 * with group, share it with the Unix group group_name (NULL: the group of
 * the database's directory).  0 or an exit status after reporting. */
int crm_admin_init(struct crm_opts *o, bool group, const char *group_name);
int crm_admin_check(struct crm_ctx *ctx);
int crm_admin_schema_version(void);
/* "  crm-lead    leads: ..." for each tool of the suite. */
void crm_admin_list_tools(FILE *fp);
/* Check that the config's assignment rules name users and teams that exist
 * and are active; reports each problem with its config line, returns 0 or 78. */
int crm_admin_check_rules(struct crm_ctx *ctx);

#endif
