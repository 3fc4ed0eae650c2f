/* user.h: users and teams: who may act, in which role, under whom.
 * Only admins change users (any actor in single-user mode, so the first
 * admin can be made); everyone may list them. */
#ifndef CRM_USER_H
#define CRM_USER_H

#include <stdbool.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

/* A login: 1 to 64 letters, digits and . _ - @, a letter or digit first. */
bool crm_user_login_ok(const char *s);
/* On PostgreSQL, the login's role of the server, made when the actor may
 * and put in the group role of role (security_pg.h); what the server
 * would not do is a warning, and the user stands.  0 on SQLite. */
int crm_user_server_role(struct crm_ctx *ctx, const char *login, const char *role);
/* A weight (a whole number from 1) or, zero_ok, a capacity (from 0). */
bool crm_user_number_ok(const char *s, bool zero_ok);

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
/* Deactivate login and, in the same transaction, hand everything it owns
 * to the user to (crm_handover), printing the moved records to out. */
int crm_user_deactivate_handover(struct crm_ctx *ctx, const char *login, const char *to,
				 struct crm_out *out);
int crm_user_activate(struct crm_ctx *ctx, const char *login);
/* Mark a user away from now until the start of the day after until
 * (NULL = back now). */
int crm_user_away(struct crm_ctx *ctx, const char *login, const char *until);

/* crm-user import (user_import.c): users from CSV or TSV with their team
 * (made when missing) and manager (a login or a name; made as a manager
 * when no user has it); all-or-nothing unless skip_bad. */
struct crm_user_import_opts {
	int format;		/* enum crm_rows_format */
	const char *map;	/* "Header=field,..." */
	bool skip_bad;
	const char *reject;	/* with skip_bad; NULL = stderr */
};
int crm_user_import(struct crm_ctx *ctx, const struct crm_user_import_opts *o,
		    char **files, int nfiles, FILE *out);

int crm_team_add(struct crm_ctx *ctx, const char *name, const char *manager);
int crm_team_list(struct crm_ctx *ctx, struct crm_out *out);

#endif
