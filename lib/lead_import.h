/* lead_import.h: bulk import of leads from CSV or TSV files, built for a million
 * rows: one pass, one transaction, a reused prepared insert, indexes built
 * after the load when the table started empty, duplicates found afterwards
 * with set operations, and memory that does not grow with the row count. */
#ifndef CRM_LEAD_IMPORT_H
#define CRM_LEAD_IMPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"
#include "rows.h"

enum crm_dup_policy { CRM_DUP_SKIP, CRM_DUP_UPDATE, CRM_DUP_ERROR, CRM_DUP_ALLOW };

struct crm_import_opts {
	enum crm_rows_format format;	/* CRM_ROWS_GUESS: by file extension */
	const char *source;		/* for rows that have none */
	const char *campaign;
	const char *map;		/* "Header=field,..." */
	enum crm_dup_policy on_duplicate;
	bool skip_bad;
	const char *reject;		/* with skip_bad; NULL = stderr */
};

/* "skip" "update" "error" "allow" => policy, -1 when unknown. */
int crm_dup_policy_parse(const char *s);

/* Import files ("-" = stdin; none = stdin); the ids created go to out as
 * TSV headed "id".  Returns 0 or an exit status after reporting. */
int crm_lead_import(struct crm_ctx *ctx, const struct crm_import_opts *o,
		    char **files, int nfiles, FILE *out);

#endif
