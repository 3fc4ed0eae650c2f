/* deal.h: deals (opportunities) and the pipelines they move through: add,
 * update, stage changes (move, won, lost, reopen, one by one or as TSV),
 * list, show, history, the stages of a pipeline, and the import of deals
 * with their history from another CRM.  Every stage change goes through
 * one function, so deals.stage, status, stage_changed_at, closed_at and
 * the deal_stages row it writes never disagree. */
#ifndef CRM_DEAL_H
#define CRM_DEAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "config.h"
#include "ctx.h"
#include "date.h"
#include "deal_field.h"
#include "deal_list.h"

/* ---- a new deal ---- */

/* What a new deal starts from; NULL or "" = no value.  The callers have
 * checked every value. */
struct crm_deal_new {
	const char *title;
	int64_t account_id, contact_id, owner_id, lead_id;	/* 0 = none */
	const char *pipeline;		/* NULL = the default pipeline */
	const char *stage;		/* NULL = its first open stage */
	int64_t amount;			/* cents */
	const char *currency;		/* NULL = the config's */
	const char *expected_close;	/* YYYY-MM-DD */
	const char *source, *campaign, *product, *external_id;
	const char *custom;		/* a JSON object of custom fields */
	/* the history an import brings; NULL = now */
	const char *created_at;		/* ISO-8601 UTC */
	const char *entry_stage;	/* a closed deal: the stage it was in before, NULL = first */
	const char *closed_at;		/* a won or lost deal: when it closed */
	const char *loss_reason;
};

/* Insert inside the caller's transaction, with its history: a row from no
 * stage to the stage at created_at; a deal created won or lost enters
 * entry_stage at created_at and its closed stage at closed_at.  audit: an
 * audit row per value ("create"); an import writes one for its batch. */
int crm_deal_insert(struct crm_ctx *ctx, const struct crm_deal_new *d, bool audit, int64_t *id);

/* Write one history row of deal id: from (NULL for a new deal) to stage
 * to at the instant at, by the acting user. */
int crm_deal_stage_row(struct crm_ctx *ctx, int64_t id, const char *from, const char *to,
		       const char *at, const char *reason);

/* The deal kind of the record engine (record.h): add and update. */
extern const struct crm_kind crm_deal_kind;

/* ---- commands: one transaction each, -n honoured ---- */

/* A field of add or update as given: "title", "account" (an id),
 * "contact" (an id), "amount", "currency", "close_date", "owner" (a
 * login), "source", "campaign", "product", a custom deal field, and for add
 * "pipeline" and "stage". */
struct crm_deal_field {
	const char *name;
	const char *value;
};

/* Add a deal (the actor owns it unless an owner is given) and print it as
 * list does. */
int crm_deal_add(struct crm_ctx *ctx, const struct crm_deal_field *f, int n, FILE *out);
/* Change fields of deal id, one audit row each; -n prints the changes. */
int crm_deal_update(struct crm_ctx *ctx, int64_t id, const struct crm_deal_field *f, int n,
		    FILE *out);

enum crm_move_kind { CRM_MOVE, CRM_MOVE_WON, CRM_MOVE_LOST, CRM_MOVE_REOPEN };

struct crm_deal_move {
	enum crm_move_kind kind;
	int64_t id;
	const char *stage;	/* move: the stage; reopen: NULL = the last open one */
	const char *reason;	/* lost: a loss reason; else free text for the history */
	const char *note;	/* lost only */
	const char *amount;	/* won only: the final amount; NULL = keep */
};

/* deal_move.c.  Change the stage of one deal and print it (columns id, title, from, to,
 * status, amount; out NULL prints nothing).  A move into the won or lost
 * stage is won or lost; a closed deal moves only after reopen. */
int crm_deal_move(struct crm_ctx *ctx, const struct crm_deal_move *m, FILE *out);
/* The same for each row of a TSV (columns id and stage; optional reason,
 * note and amount), all or nothing: every bad row is reported. */
int crm_deal_move_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out);

/* ---- deal_import.c ---- */

struct crm_deal_import_opts {
	int format;			/* enum crm_rows_format */
	const char *map;		/* "Header=field,..." */
	const char *stage_map;		/* "Their stage=our stage,..." */
	const char *pipeline;		/* for rows that name none */
	const char *currency;		/* for rows that name none */
	const char *entry_stage;	/* the stage closed deals were in before */
	bool skip_bad;
	const char *reject;		/* with skip_bad; NULL = stderr */
};

/* Import deals from CSV or TSV files ("-" = stdin) with their history, in
 * one transaction; print id and status (new, duplicate) of each row. */
int crm_deal_import(struct crm_ctx *ctx, const struct crm_deal_import_opts *o, char **files,
		    int nfiles, FILE *out);

#endif
