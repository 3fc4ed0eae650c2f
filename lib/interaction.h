/* interaction.h: the interaction log (calls, emails, meetings, visits,
 * WeChat messages, notes) and what an interaction does to its subject; and
 * the subjects themselves (lead, account, contact, deal): which table holds
 * each, who owns it and what it is called, for every tool that refers to one. */
#ifndef CRM_INTERACTION_H
#define CRM_INTERACTION_H

#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

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
 * crm-task: keep one subject in *type_out and *id_out.  Returns 0, or 64
 * after reporting a second subject or a bad id. */
int crm_subject_option(const char *type, const char *id, const char **type_out, int64_t *id_out);
/* A list's --lead, --account, --contact or --deal filter: 0 when the actor
 * may see that subject, else the status after reporting (1 not found, 77
 * out of sight), so that a list never answers it with an empty list. */
int crm_subject_filter(struct crm_ctx *ctx, const char *type, int64_t id);
/* Report a crm_subject_find failure: "where: lead 5 not found". */
void crm_subject_report(const char *where, const char *type, int64_t id, int status);

enum crm_subject_expr {
	CRM_SUBJECT_NAME,	/* its display name */
	CRM_SUBJECT_OWNER,	/* its owner's users.id */
	CRM_SUBJECT_VISIBLE,	/* a condition: the actor may see it (uses :actor_*) */
};

/* A SQL expression for the subject whose type and id are in the columns
 * type_col and id_col (constant SQL, never user data), covering only the
 * subject kinds whose table exists; malloc'd. */
char *crm_subject_sql(struct crm_ctx *ctx, enum crm_subject_expr what, const char *type_col,
		      const char *id_col);

struct crm_interaction {
	const char *subject_type;
	int64_t subject_id;
	const char *kind;	/* call email meeting visit wechat note + config */
	const char *at;		/* as for crm_time_parse; NULL = now */
	const char *summary;
	const char *next_step;
};

/* Log one interaction and apply it to its subject (see crm-log(1)): a new
 * lead becomes contacted, first and last activity times move, an open
 * first-contact task is closed and the lead is scored again.  One
 * transaction; on success prints the interaction as crm_log_list does on
 * out (NULL: print nothing). */
int crm_log_add(struct crm_ctx *ctx, const struct crm_interaction *in, FILE *out);

/* The same for every row of a TSV (columns subject_type, subject_id, kind,
 * and optional at, summary, next_step); kind and at of defaults fill a
 * missing column.  Every bad row is reported and nothing is written. */
int crm_log_add_tsv(struct crm_ctx *ctx, FILE *fp, const char *name,
		    const struct crm_interaction *defaults, FILE *out);

struct crm_log_filter {
	const char *subject_type;	/* with subject_id: one subject's timeline */
	int64_t subject_id;
	const char *owner;		/* login: subjects this user owns now */
	const char *by;			/* login: interactions this user logged */
	const char *kind;
	const char *since, *until;	/* as for crm_time_parse; until is exclusive */
};

/* Columns id, at, subject_type, subject_id, subject_name, kind, summary,
 * next_step, user; by time.  Only interactions on visible subjects. */
int crm_log_list(struct crm_ctx *ctx, const struct crm_log_filter *f, struct crm_out *out);

/* Print completion values: "kinds", "subjects", "logins". */
int crm_log_complete(struct crm_ctx *ctx, const char *kind);

#endif
