/* crm-assign: assign leads by rules, hand them over, reclaim them to the pool */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assign.h"
#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "handover.h"
#include "opts.h"
#include "out.h"
#include "pool.h"

enum { OPT_TO = CRM_OPT_TOOL, OPT_FROM, OPT_TEAM };

static const char short_opts[] = CRM_SHORTOPTS "ure";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"unassigned", no_argument, NULL, 'u'},
	{"reassign", no_argument, NULL, 'r'},
	{"explain", no_argument, NULL, 'e'},
	{"to", required_argument, NULL, OPT_TO},
	{"from", required_argument, NULL, OPT_FROM},
	{"team", required_argument, NULL, OPT_TEAM},
	{0},
};

struct args {
	struct crm_assign_opts run;
	const char *from, *team;
};

/* Parse every option; each subcommand then checks it got only its own. */
static int parse(struct crm_opts *o, int *argc, char ***argv, struct args *a)
{
	struct crm_args opt;
	int st = crm_args_parse(o, argc, argv, short_opts, long_opts, NULL, &opt);
	if (st)
		return st;
	*a = (struct args){
		.run = {.unassigned = crm_arg(&opt, 'u') != NULL,
			.reassign = crm_arg(&opt, 'r') != NULL,
			.explain = crm_arg(&opt, 'e') != NULL, .to = crm_arg(&opt, OPT_TO)},
		.from = crm_arg(&opt, OPT_FROM),
		.team = crm_arg(&opt, OPT_TEAM),
	};
	if (*argc > 0)
		return crm_usage_fail("unexpected argument '%s'", (*argv)[0]);
	return 0;
}

static int cmd_run(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)))
		return st;
	if (o->complete)
		return crm_complete(o);
	if (a.from || a.team)
		return crm_usage_fail("--from and --team belong to 'handover'");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	a.run.in = stdin;
	st = crm_assign_run(&ctx, &a.run, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_handover(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)))
		return st;
	if (!a.from || !a.run.to == !a.team)
		return crm_usage_fail("handover needs --from and one of --to and --team");
	if (a.run.unassigned || a.run.reassign || a.run.explain)
		return crm_usage_fail("--unassigned, --reassign and --explain belong to 'run'");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	struct crm_out *out = crm_out_new(stdout, o->format, !o->no_header);
	st = crm_handover_run(&ctx, a.from, a.run.to, a.team, out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_reclaim(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)))
		return st;
	if (a.run.unassigned || a.run.reassign || a.run.explain || a.run.to || a.from || a.team)
		return crm_usage_fail("reclaim takes no options of its own");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	struct crm_out *out = crm_out_new(stdout, o->format, !o->no_header);
	st = crm_pool_reclaim(&ctx, out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static const struct crm_subcmd cmds[] = {
	{"run", cmd_run, .synopsis = "[--unassigned] [--to LOGIN] [--reassign] [--explain] [-n]",
	 .implied = true},
	{"handover", cmd_handover, .synopsis = "--from LOGIN (--to LOGIN | --team TEAM) [-n]"},
	{"reclaim", cmd_reclaim, .synopsis = "[-n]"},
	{0},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-assign", cmds))
		return;
	fputs("\n"
	      "Give leads an owner by the config's assignment rules (lead ids as TSV on\n"
	      "stdin, or every unassigned lead), hand over everything a person owns, and\n"
	      "return neglected leads to the pool.\n"
	      "\n"
	      "Options:\n"
	      "  -u, --unassigned        every open lead without an owner, not stdin\n"
	      "      --to <login>        give the leads to this user, whatever the rules say\n"
	      "  -r, --reassign          change the owner of owned leads too\n"
	      "  -e, --explain           print each rule tried and why, on stderr\n"
	      "      --from <login>      handover: whose records move\n"
	      "      --team <team>       handover: spread them over this team\n"
	      "  -d, --db <path>         database (default $CRM_DB)\n"
	      "  -c, --config <path>     config file (default $CRM_CONFIG)\n"
	      "  -f, --format <fmt>      output as tsv, csv or table\n"
	      "  -H, --no-header         print no header line\n"
	      "      --csv-raw           CSV cells as they are (no ' before = + - @)\n"
	      "  -n, --dry-run           show what would happen, but write nothing\n"
	      "      --as <login>        act as this user (admins only)\n"
	      "  -q, --quiet             do not report leads left unassigned\n"
	      "  -h, --help              display this help\n"
	      "  -V, --version           display version\n"
	      "\n"
	      "See crm-assign(1).\n", fp);
}

/* Does s take the next argument as its value? */
static bool takes_value(const char *s)
{
	static const char *const opts[] = {
		"-d", "-c", "-f", "--db", "--config", "--format", "--as", "--to", "--from", "--team",
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		if (strcmp(s, opts[i]) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	/* "crm-assign [options]" is "crm-assign run [options]": unless a
	 * subcommand or -V comes first, put "run" in front */
	int i = 1;
	bool version = false;
	for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
		version |= strcmp(argv[i], "-V") == 0 || strcmp(argv[i], "--version") == 0;
		i += takes_value(argv[i]);
	}
	bool named = false;
	for (const struct crm_subcmd *c = cmds; i < argc && c->name; c++)
		named |= strcmp(argv[i], c->name) == 0;
	if (named || version)
		return crm_main(argc, argv, cmds, usage);
	/* static: still reachable if a subcommand exits (-h) */
	static char **args;
	static char run[] = "run";
	args = crm_xmalloc((size_t)(argc + 2) * sizeof *args);
	args[0] = argv[0];
	args[1] = run;
	memcpy(args + 2, argv + 1, (size_t)argc * sizeof *argv);
	int st = crm_main(argc + 1, args, cmds, usage);
	free(args);
	return st;
}
