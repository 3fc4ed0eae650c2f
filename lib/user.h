/* user.h: users and teams: who may act, in which role, under whom.
 * Only admins change users (any actor in single-user mode, so the first
 * admin can be made); everyone may list them. */
#ifndef CRM_USER_H
#define CRM_USER_H

#include <stdbool.h>

#include "ctx.h"
#include "out.h"

/* Fields as given on the command line or in a TSV row; NULL = not given,
 * "" = clear (where a field may be empty). */
struct crm_user_input {
	const char *login, *name, *email, *team, *role, *manager, *weight, *capacity;
};

int crm_user_add(struct crm_ctx *ctx, const struct crm_user_input *in, struct crm_out *out);
int crm_user_update(struct crm_ctx *ctx, const char *login, const struct crm_user_input *in);
/* List users (active only unless all), of one team when team is set. */
int crm_user_list(struct crm_ctx *ctx, const char *team, bool all, struct crm_out *out);
int crm_user_show(struct crm_ctx *ctx, const char *login, struct crm_out *out);
int crm_user_deactivate(struct crm_ctx *ctx, const char *login);
int crm_user_activate(struct crm_ctx *ctx, const char *login);
/* Mark a user away from now until the start of the day after until
 * (NULL = back now). */
int crm_user_away(struct crm_ctx *ctx, const char *login, const char *until);

int crm_team_add(struct crm_ctx *ctx, const char *name, const char *manager);
int crm_team_list(struct crm_ctx *ctx, struct crm_out *out);

/* Print completion values of kind "logins" or "teams", one a line. */
int crm_user_complete(struct crm_ctx *ctx, const char *kind);

#endif
