/* crm: set up, check, back up, restore and migrate the crm database, and run crm-NOUN tools */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "backup.h"
#include "audit_query.h"
#include "ctx.h"
#include "migrate.h"
#include "err.h"
#include "opts.h"

static void usage(FILE *fp);

enum { OPT_TO = CRM_OPT_TOOL + 20 };
static const char short_opts[] = CRM_SHORTOPTS "g::";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"group", optional_argument, NULL, 'g'},
	{"to", required_argument, NULL, OPT_TO},
	CRM_FORCEOPT,
	{0},
};

static int cmd_init(struct crm_opts *o, int argc, char **argv)
{
	bool group = false;
	const char *group_name = NULL;
	int c;
	while ((c = crm_getopt(o, argc, argv, short_opts, long_opts)) != -1) {
		if (c != 'g')
			return crm_usage_error();
		group = true;
		group_name = optarg;
	}
	if (optind != argc)
		return crm_usage_fail("unexpected argument '%s'", argv[optind]);
	return crm_admin_init(o, group, group_name);
}

static int no_operands(struct crm_opts *o, int argc, char **argv, int want)
{
	int c;
	while ((c = crm_getopt(o, argc, argv, short_opts, long_opts)) != -1)
		return crm_usage_error();
	if (argc - optind < want)
		return crm_usage_fail("missing operand");
	if (argc - optind > want)
		return crm_usage_fail("unexpected argument '%s'", argv[optind + want]);
	return 0;
}

static int cmd_check(struct crm_opts *o, int argc, char **argv)
{
	int st;
	struct crm_ctx ctx;
	if ((st = no_operands(o, argc, argv, 0)) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_admin_check(&ctx);
	crm_ctx_close(&ctx);
	return st;
}

/* backup FILE, restore FILE */
static int cmd_file(struct crm_opts *o, int argc, char **argv)
{
	int st;
	struct crm_ctx ctx;
	if ((st = no_operands(o, argc, argv, 1)))
		return st;
	const char *file = argv[optind];
	if (!*file)
		return crm_usage_fail("%s: empty file name", argv[0]);
	if (strcmp(argv[0], "restore") == 0)
		return crm_restore_run(o, file);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_backup(&ctx, file);
	crm_ctx_close(&ctx);
	return st;
}

/* migrate --to TARGET */
static int cmd_migrate(struct crm_opts *o, int argc, char **argv)
{
	const char *to = NULL;
	int c, st;
	while ((c = crm_getopt(o, argc, argv, short_opts, long_opts)) != -1) {
		if (c != OPT_TO)
			return crm_usage_error();
		to = optarg;
	}
	if (optind != argc)
		return crm_usage_fail("unexpected argument '%s'", argv[optind]);
	if (!to)
		return crm_usage_fail("migrate: --to TARGET is required");
	struct crm_ctx ctx;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_migrate(&ctx, to, stdout);
	crm_ctx_close(&ctx);
	return st;
}

enum { OPT_ENTITY = CRM_OPT_TOOL, OPT_ID, OPT_ACTOR, OPT_TOOL, OPT_FIELD, OPT_ACTION,
       OPT_SINCE, OPT_UNTIL };
static const struct option audit_opts[] = {
	CRM_LONGOPTS,
	{"entity", required_argument, NULL, OPT_ENTITY},
	{"id", required_argument, NULL, OPT_ID},
	{"actor", required_argument, NULL, OPT_ACTOR},
	{"tool", required_argument, NULL, OPT_TOOL},
	{"field", required_argument, NULL, OPT_FIELD},
	{"action", required_argument, NULL, OPT_ACTION},
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{0},
};

static int cmd_audit(struct crm_opts *o, int argc, char **argv)
{
	struct crm_audit_filter f = {0};
	const char **slot[] = {&f.entity, &f.id, &f.actor, &f.tool, &f.field, &f.action,
			       &f.since, &f.until};
	bool filtered = false;
	int c, st;
	o->json_ok = true;
	while ((c = crm_getopt(o, argc, argv, CRM_SHORTOPTS, audit_opts)) != -1) {
		if (c < OPT_ENTITY || c > OPT_UNTIL)
			return crm_usage_error();
		*slot[c - OPT_ENTITY] = optarg;
		filtered = true;
	}
	const char *what = optind < argc ? argv[optind] : NULL;
	if (what && strcmp(what, "head") != 0 && strcmp(what, "verify") != 0)
		return crm_usage_fail("unknown audit command '%s'", what);
	if (what && filtered)
		return crm_usage_fail("audit %s takes no filters", what);
	int want = what && strcmp(what, "verify") == 0 ? 2 : what ? 1 : 0;
	if (argc - optind < want)
		return crm_usage_fail("missing operand");
	if (argc - optind > want)
		return crm_usage_fail("unexpected argument '%s'", argv[optind + want]);
	struct crm_ctx ctx;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	if (!what)
		st = crm_audit_query(&ctx, &f, stdout);
	else if (want == 1)
		st = crm_audit_print_head(&ctx, stdout);
	else
		st = crm_audit_check_anchor(&ctx, argv[optind + 1], stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_version(struct crm_opts *o, int argc, char **argv)
{
	int st = no_operands(o, argc, argv, 0);
	if (!st)
		printf("crm %s (schema version %d)\n", CRM_VERSION, crm_admin_schema_version());
	return st;
}

/* Directory holding this binary, so "crm lead" finds the crm-lead beside it
 * before any other on PATH. */
static char *self_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return crm_xstrdup(buf);
}

static int run_tool(const char *noun, char **argv)
{
	char *name = crm_xasprintf("crm-%s", noun);
	char *dir = self_dir();
	if (dir) {
		char *path = crm_xasprintf("%s/%s", dir, name);
		if (access(path, X_OK) == 0) {
			argv[0] = name;
			execv(path, argv);
		}
		free(path);
		free(dir);
	}
	argv[0] = name;
	execvp(name, argv);
	if (errno == ENOENT) {
		crm_warn("'%s' is not a crm command; see 'crm help'", noun);
		free(name);
		return EX_USAGE;
	}
	crm_warn_errno("cannot run '%s'", name);
	free(name);
	return EX_UNAVAILABLE;
}

static int cmd_help(struct crm_opts *o, int argc, char **argv)
{
	if (argc > 1) {
		static char help[] = "--help";
		char *args[] = {argv[1], help, NULL};
		return run_tool(argv[1], args);
	}
	usage(stdout);
	fputs("\nTools:\n", stdout);
	crm_admin_list_tools(stdout);
	return 0;
}

static const struct crm_subcmd cmds[] = {
	{"init", cmd_init, .synopsis = "[--group[=GROUP]]",
	 .summary = "create the database (mode 0600) and bring its schema up to date;\n"
		    "the other commands only open a database that exists"},
	{"check", cmd_check, .synopsis = "",
	 .summary = "integrity, foreign keys, schema version and config validation"},
	{"backup", cmd_file, .synopsis = "[--force] FILE",
	 .summary = "copy the database to FILE while others keep writing"},
	{"restore", cmd_file, .synopsis = "[-n] FILE",
	 .summary = "put the copy in FILE in place of the database"},
	{"migrate", cmd_migrate, .synopsis = "[-n] --to TARGET",
	 .summary = "copy the whole database, with its history, into a new one:\n"
		    "a SQLite file or an empty PostgreSQL database; counts the rows"},
	{"audit", cmd_audit,
	 .synopsis = "[--entity KIND [--id N]] [--actor LOGIN] [--tool NAME]\n"
		     "\t[--field NAME] [--action NAME] [--since DATE] [--until DATE]\n"
		     "head\n"
		     "verify ID:HASH",
	 .summary = "list audit rows (admins); head: the chain's last id and hash;\n"
		    "verify: the chain is whole and row ID still has HASH"},
	{"help", cmd_help, .synopsis = "[NOUN]",
	 .summary = "list the tools, or show NOUN's help"},
	{"version", cmd_version, .synopsis = "",
	 .summary = "print the version and schema version"},
	{0},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm", cmds))
		return;
	fputs("  crm NOUN [ARGS...]\n"
	      "\n"
	      "Create, check, back up, restore and migrate the crm database; 'crm NOUN\n"
	      "ARGS' runs crm-NOUN ARGS (crm lead list = crm-lead list).\n"
	      "\n"
	      "Commands:\n", fp);
	crm_usage_summaries(fp, cmds);
	fputs("\n"
	      "Options:\n"
	      "  -g, --group[=<group>]   init: share the database with a Unix group\n"
	      "                          (mode 0660, new directories 2770; default: the\n"
	      "                          group of the database's directory)\n"
	      "      --force             backup: replace an existing FILE\n"
	      "  -n, --dry-run           restore: only verify FILE; migrate: roll back\n"
	      "      --to <target>       migrate: a new SQLite file or PostgreSQL database\n"
	      "      --entity <kind>     audit: rows of this entity (lead, account, ...)\n"
	      "      --id <n>            audit: rows of this record of --entity\n"
	      "      --actor <login>     audit: rows written acting as this user\n"
	      "      --tool <name>       audit: rows written by this tool (crm-lead, ...)\n"
	      "      --field <name>      audit: rows changing this field\n"
	      "      --action <name>     audit: rows of this action (create, merge, ...)\n"
	      "      --since <date>      audit: rows at or after date (YYYY-MM-DD, 7d, ...)\n"
	      "      --until <date>      audit: rows before date\n"
	      "  -f, --format <fmt>      audit: output as tsv, csv, table or json (JSON Lines)\n"
	      "  -H, --no-header         audit, migrate: no header line\n"
	      "  -d, --db <path>         database (default $CRM_DB)\n"
	      "  -c, --config <path>     config file (default $CRM_CONFIG)\n"
	      "      --as <login>        act as this user (admins only)\n"
	      "  -q, --quiet             print less\n"
	      "  -h, --help              display this help\n"
	      "  -V, --version           display version\n"
	      "\n"
	      "See crm(1) and crm(7).\n", fp);
}

int main(int argc, char **argv)
{
	/* "crm NOUN ..." for any NOUN that is not one of ours runs crm-NOUN */
	if (argc > 1 && argv[1][0] != '-') {
		const struct crm_subcmd *sc = cmds;
		while (sc->name && strcmp(sc->name, argv[1]) != 0)
			sc++;
		if (!sc->name) {
			crm_set_progname(argv[0]);
			return run_tool(argv[1], argv + 1);
		}
	}
	return crm_main(argc, argv, cmds, usage);
}
