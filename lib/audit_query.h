/* audit_query.h: reading the audit trail (audit.h) for an admin: rows
 * chosen by entity, record, actor, tool, field, action and time, streamed
 * in id order; the head of the chain to keep somewhere else; and the check
 * of such an anchor against the database. */
#ifndef CRM_AUDIT_QUERY_H
#define CRM_AUDIT_QUERY_H

#include <stdio.h>

#include "ctx.h"

/* Each filter is NULL when not given; id needs entity. */
struct crm_audit_filter {
	const char *entity, *id, *actor, *tool, *field, *action, *since, *until;
};

/* The matching rows on out: id, at, actor, real_actor, tool, entity,
 * entity_id, action, field, old_value, new_value, erased (1 when forget
 * took the values).  Admins only (77).  0 or an exit status after
 * reporting; 64 for a bad filter. */
int crm_audit_query(struct crm_ctx *ctx, const struct crm_audit_filter *f, FILE *out);

/* "id" and "hash" of the last audit row. */
int crm_audit_print_head(struct crm_ctx *ctx, FILE *out);

/* Check anchor "ID:HASH" (a head printed earlier): the chain is whole and
 * row ID still has that hash.  Prints audit, audit_rows and anchor lines;
 * 0, 65 when the chain or the anchor fails, 64 for a malformed anchor. */
int crm_audit_check_anchor(struct crm_ctx *ctx, const char *anchor, FILE *out);

#endif
