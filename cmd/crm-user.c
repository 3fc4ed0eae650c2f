/* crm-user: manage users, teams, roles and managers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "opts.h"
#include "out.h"
#include "rows.h"
#include "user.h"

enum {
	OPT_WEIGHT = CRM_OPT_TOOL, OPT_CAPACITY, OPT_UNTIL, OPT_BACK, OPT_CSV, OPT_TSV, OPT_MAP,
	OPT_SKIP_BAD, OPT_REJECT, OPT_HANDOVER_TO
};

static const char short_opts[] = CRM_SHORTOPTS "l:N:e:t:r:m:a";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"login", required_argument, NULL, 'l'},
	{"name", required_argument, NULL, 'N'},
	{"email", required_argument, NULL, 'e'},
	{"team", required_argument, NULL, 't'},
	{"role", required_argument, NULL, 'r'},
	{"manager", required_argument, NULL, 'm'},
	{"weight", required_argument, NULL, OPT_WEIGHT},
	{"capacity", required_argument, NULL, OPT_CAPACITY},
	{"all", no_argument, NULL, 'a'},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"back", no_argument, NULL, OPT_BACK},
	{"csv", no_argument, NULL, OPT_CSV},
	{"tsv", no_argument, NULL, OPT_TSV},
	{"map", required_argument, NULL, OPT_MAP},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"reject", required_argument, NULL, OPT_REJECT},
	CRM_FORCEOPT,
	{"handover-to", required_argument, NULL, OPT_HANDOVER_TO},
	{0},
};

struct args {
	struct crm_user_input in;
	bool all, back;
	const char *until;
	const char *handover_to;
	struct crm_user_import_opts import;
	bool csv, tsv;
};

/* Parse every option; each subcommand then checks it got only its own. */
static int parse(struct crm_opts *o, int *argc, char ***argv, struct args *a)
{
	struct crm_args opt;
	int st = crm_args_parse(o, argc, argv, short_opts, long_opts, NULL, &opt);
	if (st)
		return st;
	*a = (struct args){
		.in = {.login = crm_arg(&opt, 'l'), .name = crm_arg(&opt, 'N'),
		       .email = crm_arg(&opt, 'e'), .team = crm_arg(&opt, 't'),
		       .role = crm_arg(&opt, 'r'), .manager = crm_arg(&opt, 'm'),
		       .weight = crm_arg(&opt, OPT_WEIGHT),
		       .capacity = crm_arg(&opt, OPT_CAPACITY)},
		.all = crm_arg(&opt, 'a') != NULL,
		.back = crm_arg(&opt, OPT_BACK) != NULL,
		.until = crm_arg(&opt, OPT_UNTIL),
		.handover_to = crm_arg(&opt, OPT_HANDOVER_TO),
		.import = {.map = crm_arg(&opt, OPT_MAP),
			   .skip_bad = crm_arg(&opt, OPT_SKIP_BAD) != NULL,
			   .reject = crm_arg(&opt, OPT_REJECT)},
		.csv = crm_arg(&opt, OPT_CSV) != NULL,
		.tsv = crm_arg(&opt, OPT_TSV) != NULL,
	};
	return 0;
}

static struct crm_out *output(struct crm_opts *o)
{
	return crm_out_new(stdout, o->format, !o->no_header);
}

static int with_ctx(struct crm_opts *o, struct crm_ctx *ctx)
{
	return crm_ctx_open(ctx, o);
}

static int cmd_add(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = crm_operands(argc, 0, 0, "")))
		return st;
	if (!a.in.login || !a.in.name)
		return crm_usage_fail("add needs --login and --name");
	if ((st = with_ctx(o, &ctx)))
		return st;
	struct crm_out *out = output(o);
	st = crm_user_add(&ctx, &a.in, out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = crm_operands(argc, 0, 0, "")))
		return st;
	if ((st = with_ctx(o, &ctx)))
		return st;
	struct crm_out *out = output(o);
	st = crm_user_list(&ctx, a.in.team, a.all, out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = crm_operands(argc, 1, 1, "login")))
		return st;
	if ((st = with_ctx(o, &ctx)))
		return st;
	struct crm_out *out = output(o);
	st = crm_user_show(&ctx, argv[0], out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_update(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = crm_operands(argc, 1, 1, "login")))
		return st;
	if (a.in.login)
		return crm_usage_fail("a login cannot be changed");
	if ((st = with_ctx(o, &ctx)))
		return st;
	st = crm_user_update(&ctx, argv[0], &a.in);
	crm_ctx_close(&ctx);
	return st;
}

static int set_active(struct crm_opts *o, int argc, char **argv, bool active)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = crm_operands(argc, 1, 1, "login")))
		return st;
	if (active && a.handover_to)
		return crm_usage_fail("--handover-to belongs to 'deactivate'");
	if ((st = with_ctx(o, &ctx)))
		return st;
	if (a.handover_to) {
		struct crm_out *out = output(o);
		st = crm_user_deactivate_handover(&ctx, argv[0], a.handover_to, out);
		crm_out_end(out);
	} else {
		st = active ? crm_user_activate(&ctx, argv[0]) : crm_user_deactivate(&ctx, argv[0]);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_deactivate(struct crm_opts *o, int argc, char **argv) { return set_active(o, argc, argv, false); }
static int cmd_activate(struct crm_opts *o, int argc, char **argv) { return set_active(o, argc, argv, true); }

static int cmd_away(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = crm_operands(argc, 1, 1, "login")))
		return st;
	if (!a.until == !a.back)
		return crm_usage_fail("away needs --until DATE or --back");
	if ((st = with_ctx(o, &ctx)))
		return st;
	st = crm_user_away(&ctx, argv[0], a.until);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_team(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)))
		return st;
	if (argc == 0)
		return crm_usage_fail("team needs 'add' or 'list'");
	bool add = strcmp(argv[0], "add") == 0;
	if (!add && strcmp(argv[0], "list") != 0)
		return crm_usage_fail("unknown team command '%s'", argv[0]);
	if ((st = crm_operands(argc - 1, add ? 1 : 0, add ? 1 : 0, "team name")))
		return st;
	if ((st = with_ctx(o, &ctx)))
		return st;
	if (add) {
		st = crm_team_add(&ctx, argv[1], a.in.manager);
	} else {
		struct crm_out *out = output(o);
		st = crm_team_list(&ctx, out);
		crm_out_end(out);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_import(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)))
		return st;
	if (a.csv && a.tsv)
		return crm_usage_fail("--csv and --tsv exclude each other");
	a.import.format = a.csv ? CRM_ROWS_CSV : a.tsv ? CRM_ROWS_TSV : CRM_ROWS_GUESS;
	if ((st = with_ctx(o, &ctx)))
		return st;
	st = crm_user_import(&ctx, &a.import, argv, argc, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int complete(struct crm_opts *o, int argc, char **argv)
{
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add, .synopsis = "--login LOGIN --name NAME [--email E] [--team T] [--role R]\n"
				     "\t[--manager LOGIN] [--weight N] [--capacity N]"},
	{"list", cmd_list, .synopsis = "[--team T] [--all]"},
	{"show", cmd_show, .synopsis = "LOGIN"},
	{"update", cmd_update,
	 .synopsis = "LOGIN [--name N] [--email E] [--team T] [--role R] ..."},
	{"deactivate", cmd_deactivate, .synopsis = "LOGIN [--handover-to LOGIN]"},
	{"activate", cmd_activate, .synopsis = "LOGIN"},
	{"away", cmd_away, .synopsis = "LOGIN (--until DATE | --back)"},
	{"team", cmd_team, .synopsis = "add NAME [--manager LOGIN]\n"
				       "list"},
	{"import", cmd_import, .synopsis = "[--csv|--tsv] [--map H=F,...]\n"
					   "\t[--skip-bad [--reject FILE [--force]]] [FILE...]"},
	{.run = complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-user", cmds))
		return;
	fputs("\n"
	      "Manage the people who use crm: their team, role (rep, manager or admin),\n"
	      "manager, round-robin weight and lead capacity.\n"
	      "\n"
	      "Options:\n"
	      "  -l, --login <login>     the user's login name\n"
	      "  -N, --name <name>       full name\n"
	      "  -e, --email <address>   e-mail address\n"
	      "  -t, --team <team>       team (created with 'team add')\n"
	      "  -r, --role <role>       rep (default), manager or admin\n"
	      "  -m, --manager <login>   the user's manager\n"
	      "      --weight <n>        share in round-robin assignment (default 1)\n"
	      "      --capacity <n>      most open leads the user may hold (empty: no cap)\n"
	      "  -a, --all               list deactivated users too\n"
	      "      --until <date>      away until this date (inclusive)\n"
	      "      --back              no longer away\n"
	      "      --handover-to <login> deactivate: give all their open work to this user\n"
	      "      --csv               import: read CSV whatever the file name\n"
	      "      --tsv               import: read TSV whatever the file name\n"
	      "      --map <H=field,...> import: take field from the column headed H\n"
	      "      --skip-bad          import: add the good rows, reject the bad ones\n"
	      "      --reject <file>     import: where rejected rows go (default stderr)\n"
      "      --force             import: overwrite an existing reject file\n"
	      "  -d, --db <path>         database (default $CRM_DB)\n"
	      "  -c, --config <path>     config file (default $CRM_CONFIG)\n"
	      "  -f, --format <fmt>      output as tsv, csv or table\n"
	      "  -H, --no-header         print no header line\n"
	      "      --csv-raw           CSV cells as they are (no ' before = + - @)\n"
	      "  -n, --dry-run           check and show, but write nothing\n"
	      "      --as <login>        act as this user (admins only)\n"
	      "  -q, --quiet             print less\n"
	      "  -h, --help              display this help\n"
	      "  -V, --version           display version\n"
	      "\n"
	      "See crm-user(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
