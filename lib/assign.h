/* assign.h: who gets a lead.  The config's assignment rules compiled once
 * per run, the round-robin (smooth weighted, its cursor kept per rule in
 * assign_state) and least-loaded pickers with capacity, away and weights,
 * and the run of crm-assign over TSV on stdin or over the whole pool. */
#ifndef CRM_ASSIGN_H
#define CRM_ASSIGN_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"

struct crm_assign_opts {
	bool unassigned;	/* every open lead without an owner, not stdin */
	const char *to;		/* --to: this user, whatever the rules say */
	bool reassign;		/* owned leads too (else kept and reported) */
	bool explain;		/* each rule tried, on stderr */
	FILE *in;		/* TSV with an id column, when !unassigned */
	const char *in_name;	/* for messages; NULL = "stdin" */
};

/* Assign in one transaction (-n: decide and print, write nothing) and
 * print each lead with owner and rule columns to out: the input columns
 * and then owner and rule, or with unassigned id, name, region, owner,
 * rule.  Every assignment also gives the new owner the first-contact task.
 * Returns 0 or an exit status after reporting: 78 for rules that name
 * unknown users or teams (before anything is written), 65 for bad input
 * rows and 77 for leads the actor may not see (both: every bad row
 * reported, nothing written or printed), 77 for a rep. */
int crm_assign_run(struct crm_ctx *ctx, const struct crm_assign_opts *o, FILE *out);

#endif
