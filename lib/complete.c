/* complete.c: see complete.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "complete.h"
#include "ctx.h"
#include "db.h"
#include "err.h"
#include "leadfield.h"

/* Values from the database; no actor is needed to list logins and teams,
 * and a path that holds no database prints nothing (and stays as it was). */
static void print_db(struct crm_opts *o, const char *sql)
{
	struct crm_db *db;
	char *path = o->db_path && *o->db_path ? crm_xstrdup(o->db_path) : crm_db_default_path();
	if (crm_db_open(path, CRM_DB_EXISTING, &crm_audit_ext, &db) == 0) {
		struct crm_stmt *st = crm_db_stmt(db, sql);
		while (st && crm_step(st) == CRM_ROW)
			puts(crm_col_text(st, 0));
		crm_db_close(db);
	}
	free(path);
}

static void print_config(const struct crm_config *cfg, const char *kind)
{
	if (strcmp(kind, "sources") == 0)
		for (size_t i = 0; i < cfg->nsources; i++)
			puts(cfg->sources[i].id);
	else if (strcmp(kind, "heat") == 0)
		for (size_t i = 0; i < cfg->nheat; i++)
			puts(cfg->heat[i].id);
	else if (strcmp(kind, "kinds") == 0)
		for (size_t i = 0; i < cfg->ninteraction_kinds; i++)
			puts(cfg->interaction_kinds[i]);
	else if (strcmp(kind, "loss_reasons") == 0)
		for (size_t i = 0; i < cfg->nloss_reasons; i++)
			puts(cfg->loss_reasons[i].id);
	else if (strcmp(kind, "pipelines") == 0)
		for (size_t i = 0; i < cfg->npipelines; i++)
			puts(cfg->pipelines[i].id);
	else if (strcmp(kind, "stages") == 0)
		for (size_t p = 0; p < cfg->npipelines; p++)
			for (size_t i = 0; i < cfg->pipelines[p].nstages; i++)
				puts(cfg->pipelines[p].stages[i].id);
}

void crm_complete_subcommands(const struct crm_subcmd *cmds, FILE *out)
{
	for (; cmds && cmds->name; cmds++)
		fprintf(out, "%s\n", cmds->name);
}

int crm_complete(struct crm_opts *o)
{
	const char *kind = o->complete;
	if (strcmp(kind, "subcommands") == 0) {
		crm_complete_subcommands(o->cmds, stdout);
		return 0;
	}
	if (strcmp(kind, "formats") == 0) {
		puts("tsv\ncsv\ntable");
		return 0;
	}
	if (strcmp(kind, "roles") == 0) {
		puts("rep\nmanager\nadmin");
		return 0;
	}
	if (strcmp(kind, "statuses") == 0) {
		for (const char *const *s = crm_lead_statuses; *s; s++)
			puts(*s);
		return 0;
	}
	/* the rest need the config or the database; stay quiet on errors */
	if (!freopen("/dev/null", "w", stderr))
		return 0;
	if (strcmp(kind, "logins") == 0 || strcmp(kind, "teams") == 0) {
		print_db(o, strcmp(kind, "teams") == 0 ? "SELECT name FROM teams ORDER BY 1"
			 : "SELECT login FROM users WHERE active = 1 ORDER BY 1");
		return 0;
	}
	struct crm_ctx ctx;
	if (crm_ctx_open_config(&ctx, o) != 0)
		return 0;
	print_config(ctx.cfg, kind);
	crm_ctx_close(&ctx);
	return 0;
}
