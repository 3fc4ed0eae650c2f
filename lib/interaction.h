/* interaction.h: the interaction log (calls, emails, meetings, visits,
 * WeChat messages, notes) and what an interaction does to its subject
 * (subject.h). */
#ifndef CRM_INTERACTION_H
#define CRM_INTERACTION_H

#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

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
