/* admin.c: see admin.h */
#include <errno.h>
#include <grp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "audit.h"
#include "admin.h"
#include "db.h"
#include "err.h"

int crm_admin_schema_version(void) { return crm_db_schema_version(); }

int crm_admin_init(struct crm_opts *o, bool group, const char *group_name)
{
	gid_t gid = (gid_t)-1;
	if (group_name) {
		struct group *gr = getgrnam(group_name);
		if (!gr) {
			crm_warn("unknown group '%s'", group_name);
			return EX_USAGE;
		}
		gid = gr->gr_gid;
	}
	struct crm_ctx ctx;
	int st = crm_ctx_open_create(&ctx, o);
	if (st)
		return st;
	if (group)
		st = crm_db_share(ctx.db, gid);
	if (!st && !o->quiet)
		printf("%s\tschema version %d\n", crm_db_path(ctx.db), crm_db_schema_version());
	crm_ctx_close(&ctx);
	return st;
}

static bool target_exists(struct crm_ctx *ctx, const struct crm_rule *r)
{
	const char *sql = r->user ? "SELECT 1 FROM users WHERE login = ? AND active = 1"
				  : "SELECT 1 FROM teams WHERE name = ?";
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return false;
	crm_bind_str(st, 1, r->user ? r->user : r->team);
	return crm_step(st) == CRM_ROW;
}

int crm_admin_check_rules(struct crm_ctx *ctx)
{
	int bad = 0;
	const char *file = ctx->cfg->path ? ctx->cfg->path : "config";
	for (size_t i = 0; i <= ctx->cfg->nrules; i++) {
		const struct crm_rule *r = i < ctx->cfg->nrules ? &ctx->cfg->rules[i] : ctx->cfg->default_rule;
		if (!r || target_exists(ctx, r))
			continue;
		crm_warn("%s:%d: rule '%s': unknown %s '%s'", file, r->line, r->name,
			 r->user ? "user" : "team", r->user ? r->user : r->team);
		bad++;
	}
	return bad ? EX_CONFIG : 0;
}

int crm_admin_check(struct crm_ctx *ctx)
{
	int64_t audit_rows = 0;
	int db_st = crm_db_check(ctx->db);
	int audit_st = crm_audit_verify(ctx->db, &audit_rows);
	int rule_st = crm_admin_check_rules(ctx);
	printf("database\t%s\n", crm_db_path(ctx->db));
	printf("schema_version\t%d\n", crm_db_schema_version());
	printf("integrity\t%s\n", db_st ? "failed" : "ok");
	printf("audit\t%s\n", audit_st ? "failed" : "ok");
	printf("audit_rows\t%lld\n", (long long)audit_rows);
	printf("config\t%s\n", ctx->cfg->path ? ctx->cfg->path : "(built-in defaults)");
	printf("rules\t%s\n", rule_st ? "failed" : "ok");
	return db_st ? db_st : audit_st ? audit_st : rule_st;
}

void crm_admin_list_tools(FILE *fp)
{
	static const char *const tools[][2] = {
		{"crm-lead", "leads: add, import, list, show, update, dupes, merge, forget"},
		{"crm-user", "users, teams, roles and managers"},
		{"crm-assign", "assign leads by rules, hand over, reclaim to the pool"},
		{"crm-log", "the interaction log and timelines"},
		{"crm-task", "tasks and the daily reminders"},
		{"crm-stage", "deals and their pipeline"},
		{"crm-account", "customers and the 360-degree view"},
		{"crm-contact", "the people at customers"},
		{"crm-report", "funnel, forecast, KPIs and more"},
		{"crm-roi", "channel costs and ROI"},
		{"crm-privacy", "everything held about one person, to give them"},
	};
	for (size_t i = 0; i < sizeof tools / sizeof tools[0]; i++)
		fprintf(fp, "  %-12s %s\n", tools[i][0], tools[i][1]);
}
