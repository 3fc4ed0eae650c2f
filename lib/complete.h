/* complete.h: the live values shell completion asks for with the hidden
 * --complete=KIND option of every tool, so completion scripts never hold
 * lists of users, teams, stages or sources. */
#ifndef CRM_COMPLETE_H
#define CRM_COMPLETE_H

#include "opts.h"

/* Print the values of KIND one a line: logins, teams, roles, sources,
 * heat, kinds (interaction kinds), statuses (lead), stages, pipelines,
 * loss_reasons, formats; or for "subcommands" the tool's (o->cmds).
 * Unknown kinds print nothing.  Errors are silent: completion must never
 * spill messages onto the command line. */
int crm_complete(struct crm_opts *o);
/* The names of cmds, one a line. */
void crm_complete_subcommands(const struct crm_subcmd *cmds, FILE *out);

#endif
