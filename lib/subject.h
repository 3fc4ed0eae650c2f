/* subject.h: what an interaction or a task is about: the subjects (lead,
 * account, contact, deal), which table holds each, who owns it and what it
 * is called, for every tool that refers to one. */
#ifndef CRM_SUBJECT_H
#define CRM_SUBJECT_H

#include <stdint.h>
#include <stdio.h>

#include "ctx.h"

struct crm_subject {
	const char *type;	/* static: "lead" ... */
	int64_t id;
	int64_t owner_id;	/* 0 = unowned */
	char *name;		/* malloc'd, "" when none */
};

/* The canonical type name for s ("lead", "account", "contact", "deal"),
 * or NULL when s is none of them. */
const char *crm_subject_type(const char *s);

/* Find a subject.  Returns 0 (fill *out; free with crm_subject_free),
 * CRM_EX_NOTFOUND, or EX_DATAERR when its kind has no table yet; these
 * two unreported, for the caller to name the place.  Database errors are
 * reported and returned as their exit status. */
int crm_subject_find(struct crm_ctx *ctx, const char *type, int64_t id, struct crm_subject *out);
void crm_subject_free(struct crm_subject *s);
/* The --lead, --account, --contact or --deal ID option of crm-log and
 * crm-task among a (long_opts names them): keep one subject in *type_out
 * and *id_out.  Returns 0, or 64 after reporting a second subject or a bad
 * id. */
int crm_subject_options(const struct crm_args *a, const struct option *long_opts,
			const char **type_out, int64_t *id_out);
/* A list's --lead, --account, --contact or --deal filter: 0 when the actor
 * may see that subject, else the status after reporting (1 not found, 77
 * out of sight), so that a list never answers it with an empty list. */
int crm_subject_filter(struct crm_ctx *ctx, const char *type, int64_t id);
/* Report a crm_subject_find failure: "where: lead 5 not found". */
void crm_subject_report(const char *where, const char *type, int64_t id, int status);

enum crm_subject_expr {
	CRM_SUBJECT_NAME,	/* its display name; NULL when the actor may not see it (:actor_*) */
	CRM_SUBJECT_OWNER,	/* its owner's users.id */
	CRM_SUBJECT_VISIBLE,	/* a condition: the actor may see it (uses :actor_*) */
};

/* A SQL expression for the subject whose type and id are in the columns
 * type_col and id_col (constant SQL, never user data), covering only the
 * subject kinds whose table exists; malloc'd. */
char *crm_subject_sql(struct crm_ctx *ctx, enum crm_subject_expr what, const char *type_col,
		      const char *id_col);

/* Move the subject's last activity forward to at (ISO-8601), with an
 * audit row when it moved.  0 or an exit status after reporting. */
int crm_subject_touch(struct crm_ctx *ctx, const struct crm_subject *s, const char *at);
/* The subject types, one a line (for shell completion). */
void crm_subject_types(FILE *out);

#endif
