/* lead.h: leads, the first records of the lifecycle: add, update (by flags
 * or as TSV on stdin), list, show, tag, disqualify, dupes, merge, forget.
 * Every write goes through one record of field values of the record
 * engine (record.h), filled field by field through the same checks, then
 * one insert or one apply function; visibility is enforced there, not in
 * cmd/. */
#ifndef CRM_LEAD_H
#define CRM_LEAD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "record.h"

/* A lead record is a record of the engine (record.h) of kind
 * crm_lead_kind; the names below are the engine's, as leads call them.
 * Handles: the built-in fields in enum crm_lead_field order, then
 * CRM_LF_REASON (disqualify_reason), then the config's custom lead
 * fields.  Buffers are reused from row to row, so a bulk path allocates
 * nothing per row. */
#define crm_lead_rec crm_rec
extern const struct crm_kind crm_lead_kind;

struct crm_lead_rec *crm_lead_rec_new(struct crm_ctx *ctx);
void crm_lead_rec_free(struct crm_lead_rec *r);
void crm_lead_rec_clear(struct crm_lead_rec *r);
int crm_lead_rec_field(const struct crm_lead_rec *r, const char *name);
const char *crm_lead_rec_field_name(const struct crm_lead_rec *r, int handle);
int crm_lead_rec_nfields(const struct crm_lead_rec *r);
/* Check value and keep its canonical form: 0, or 65 with the reason in
 * crm_lead_rec_error() ("invalid phone '138-abc'"), nothing reported.
 * The owner is a login, resolved here ("unknown user 'x'"). */
int crm_lead_rec_put(struct crm_lead_rec *r, int handle, const char *value);
/* The same for "field=value" or field and value from options: reports
 * "unknown field 'x'" (64) or the check's reason (65) itself. */
int crm_lead_rec_set(struct crm_lead_rec *r, const char *field, const char *value);
int crm_lead_rec_set_pair(struct crm_lead_rec *r, const char *pair);
const char *crm_lead_rec_error(const struct crm_lead_rec *r);
/* Value of a set field ("" for no value), or NULL when it is not set. */
const char *crm_lead_rec_get(const struct crm_lead_rec *r, int handle);

/* What a new lead must have: required custom fields, and at least one of
 * name, company, phone, email.  0 or 65 with crm_lead_rec_error(). */
int crm_lead_rec_check_new(struct crm_lead_rec *r);

/* Insert the record as a new lead (status new unless set).  A rep's lead
 * with no owner becomes the rep's.  audit: one audit row per value (add);
 * the importer writes one row for its whole batch instead.  Needs an open
 * transaction.  Returns 0 or an exit status after reporting (what names
 * the place in messages, e.g. "leads.csv:14"; NULL for none). */
int crm_lead_insert(struct crm_lead_rec *r, bool audit, const char *what, int64_t *id);

/* The importer's insert: many new leads in one stream (db.h's bulk
 * writer), each as crm_lead_insert(r, false, what) writes it but with
 * the id given (the caller takes them from the largest + 1 under the
 * write lock, then crm_db_sync_ids).  insert returns 0, an exit status
 * after reporting (permission), or -1 when the writer has failed: end
 * reports that.  end finishes and frees: 0 or an exit status. */
struct crm_lead_bulk;
int crm_lead_bulk_begin(struct crm_ctx *ctx, struct crm_lead_bulk **out);
int crm_lead_bulk_insert(struct crm_lead_bulk *lb, struct crm_lead_rec *r, int64_t id,
			 const char *what);
int crm_lead_bulk_end(struct crm_lead_bulk *lb);
void crm_lead_bulk_abort(struct crm_lead_bulk *lb);

/* The changes of crm_lead_apply, as -n prints them (change.h), counting
 * leads. */
struct crm_lead_diff {
	FILE *fp;
	bool header;
	long leads;
	long fields;
};

/* Apply the fields set in chg to lead id: check visibility and permission
 * (77), compare with the stored values, write only what differs, one
 * audit row (action) per changed field.  Needs an open transaction.
 * Returns 0 or an exit status after reporting (1: "lead 42 not found"). */
int crm_lead_apply(struct crm_lead_rec *chg, int64_t id, const char *action,
		   struct crm_lead_diff *diff);
/* Load the stored values of lead id into r (every field set), checking
 * that the actor may see it (change, when for_change). */
int crm_lead_load(struct crm_lead_rec *r, int64_t id, bool for_change);

/* "42" => 42; reports "invalid lead id 'x'" and returns 64 otherwise. */
int crm_lead_parse_id(const char *s, int64_t *id);

/* The commands.  Each opens and ends its own transaction, honours -n
 * (ctx->opts->dry_run: validate, print what would change, write nothing)
 * and returns 0 or an exit status after reporting. */
int crm_lead_add(struct crm_ctx *ctx, struct crm_lead_rec *r, FILE *out);
int crm_lead_update(struct crm_ctx *ctx, int64_t id, struct crm_lead_rec *r, FILE *out);
/* Bulk update from TSV: an id column plus field columns (custom fields by
 * name); an empty cell clears the field.  Each id at most once; columns
 * list prints that update cannot set (created_at, score when computed...)
 * must hold the stored value; other columns are ignored. */
int crm_lead_update_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out);
/* crm_lead_apply() in a transaction of its own, -n printing the changes. */
int crm_lead_change(struct crm_ctx *ctx, int64_t id, struct crm_lead_rec *r,
		    const char *action, FILE *out);

struct crm_lead_filter {
	const char *status, *owner, *source, *campaign, *region, *industry;
	const char *tag, *heat, *since, *until, *search;
	bool unassigned;
	int64_t id;		/* 0 = any */
	const char *fields;	/* "a,b,c", NULL = the default columns */
	const char *sort;	/* field, "-field" for descending; NULL = id */
	long limit;		/* < 0 = none */
};
void crm_lead_filter_init(struct crm_lead_filter *f);
int crm_lead_list(struct crm_ctx *ctx, const struct crm_lead_filter *f, FILE *out);
int crm_lead_show(struct crm_ctx *ctx, int64_t id, FILE *out);
/* Values for shell completion, one a line: subcommands, fields, statuses,
 * sources, heat, owners.  ctx->db may be NULL (then no owners). */
int crm_lead_complete(struct crm_ctx *ctx, const char *kind, FILE *out);

/* lead_merge.c */
int crm_lead_tag(struct crm_ctx *ctx, int64_t id, char **tags, int ntags, bool remove, FILE *out);
int crm_lead_disqualify(struct crm_ctx *ctx, int64_t id, const char *reason, FILE *out);
int crm_lead_dupes(struct crm_ctx *ctx, FILE *out);
int crm_lead_merge(struct crm_ctx *ctx, int64_t keep, const int64_t *dups, int ndups, FILE *out);
/* Forget the person of lead id everywhere (privacy.h). */
int crm_lead_forget(struct crm_ctx *ctx, int64_t id, FILE *out);
/* Point everything that refers to lead from at lead to instead: the one
 * list of tables with a lead reference (interactions, tasks, pool events,
 * reminders); a new table with a lead reference joins it.  Audit rows stay
 * where they are (audit.h CRM_AUDIT_MERGED). */
int crm_lead_repoint(struct crm_db *db, int64_t from, int64_t to);

#endif
