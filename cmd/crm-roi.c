/* crm-roi: channel costs, and the return on them per source or campaign */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "opts.h"
#include "roi.h"

static void usage(FILE *fp)
{
	if (fp == stderr) {
		crm_usage_error();
		return;
	}
	fputs("Usage:\n"
	      "  crm-roi [report] [--since DATE] [--until DATE] [--by source|campaign]\n"
	      "          [--owner LOGIN] [--team TEAM] [--region R] [--source S]\n"
	      "          [--campaign C]\n"
	      "  crm-roi cost add --source S [--campaign C] --amount AMOUNT [--note TEXT]\n"
	      "                   (--period YYYY-MM | --from DATE --to DATE)\n"
	      "  crm-roi cost import [--csv|--tsv] [--skip-bad [--reject FILE [--force]]]\n"
	      "                      [FILE | -]\n"
	      "  crm-roi cost list [--source S] [--campaign C] [--since DATE] [--until DATE]\n"
	      "  crm-roi cost remove ID...\n"
	      "\n"
	      "Record what each marketing channel costs, and report per source or\n"
	      "campaign the leads of a period, the customers and revenue won from them,\n"
	      "the cost of the period, cost per lead and customer, ROAS and ROI.\n"
	      "\n"
	      "Report options:\n"
	      "      --since <date>      leads created from this day on\n"
	      "      --until <date>      leads created up to the end of this day\n"
	      "      --by <dimension>    one row per source (default) or campaign\n"
	      "  -o, --owner <login>     only leads this user owns\n"
	      "  -t, --team <team>       only leads owned by this team\n"
	      "      --region <region>   only leads from this region\n"
	      "      --source <id>       only this source; cost add: the channel\n"
	      "      --campaign <name>   only this campaign; cost add: the campaign\n"
	      "\n"
	      "Cost options:\n"
	      "      --period <month>    add: the month the cost is for, as 2026-03\n"
	      "      --from <date>       add: the first day the cost is for\n"
	      "      --to <date>         add: the last day the cost is for\n"
	      "      --amount <amount>   add: what was spent, as 12000 or 12000.50\n"
	      "      --note <text>       add: a note\n"
	      "      --csv               import: read CSV whatever the file name\n"
	      "      --tsv               import: read TSV whatever the file name\n"
	      "      --skip-bad          import: import the good rows, reject the bad\n"
	      "      --reject <file>     import: where rejected rows go (default stderr)\n"
      "      --force             import: overwrite an existing reject file\n"
	      "\n"
	      "Common options:\n"
	      "  -d, --db <path>         database (default $CRM_DB)\n"
	      "  -c, --config <path>     config file (default $CRM_CONFIG)\n"
	      "  -f, --format <fmt>      output as tsv, csv, table or (report) gnuplot\n"
	      "  -H, --no-header         print no header line\n"
	      "      --csv-raw           CSV cells as they are (no ' before = + - @)\n"
	      "  -n, --dry-run           check and show what would change, write nothing\n"
	      "      --as <login>        act as this user (admins only)\n"
	      "  -q, --quiet             print nothing on success\n"
	      "  -h, --help              display this help\n"
	      "  -V, --version           display version\n"
	      "\n"
	      "See crm-roi(1).\n", fp);
}

enum {
	OPT_SINCE = CRM_OPT_TOOL, OPT_UNTIL, OPT_BY, OPT_REGION, OPT_SOURCE, OPT_CAMPAIGN,
	OPT_PERIOD, OPT_FROM, OPT_TO, OPT_AMOUNT, OPT_NOTE, OPT_CSV, OPT_TSV, OPT_SKIP_BAD,
	OPT_REJECT, OPT_OWNER, OPT_TEAM, OPT_END
};

static const char short_opts[] = CRM_SHORTOPTS "o:t:";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"by", required_argument, NULL, OPT_BY},
	{"owner", required_argument, NULL, 'o'},
	{"team", required_argument, NULL, 't'},
	{"region", required_argument, NULL, OPT_REGION},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"campaign", required_argument, NULL, OPT_CAMPAIGN},
	{"period", required_argument, NULL, OPT_PERIOD},
	{"from", required_argument, NULL, OPT_FROM},
	{"to", required_argument, NULL, OPT_TO},
	{"amount", required_argument, NULL, OPT_AMOUNT},
	{"note", required_argument, NULL, OPT_NOTE},
	{"csv", no_argument, NULL, OPT_CSV},
	{"tsv", no_argument, NULL, OPT_TSV},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"reject", required_argument, NULL, OPT_REJECT},
	CRM_FORCEOPT,
	{0},
};

#define BIT(opt) (1u << ((opt) - CRM_OPT_TOOL))
#define REPORT_OPTS (BIT(OPT_SINCE) | BIT(OPT_UNTIL) | BIT(OPT_BY) | BIT(OPT_OWNER) | \
	BIT(OPT_TEAM) | BIT(OPT_REGION) | BIT(OPT_SOURCE) | BIT(OPT_CAMPAIGN))
#define ADD_OPTS (BIT(OPT_SOURCE) | BIT(OPT_CAMPAIGN) | BIT(OPT_PERIOD) | BIT(OPT_FROM) | \
	BIT(OPT_TO) | BIT(OPT_AMOUNT) | BIT(OPT_NOTE))
#define IMPORT_OPTS (BIT(OPT_CSV) | BIT(OPT_TSV) | BIT(OPT_SKIP_BAD) | BIT(OPT_REJECT))
#define LIST_OPTS (BIT(OPT_SOURCE) | BIT(OPT_CAMPAIGN) | BIT(OPT_SINCE) | BIT(OPT_UNTIL))

struct args {
	struct crm_cost_input in;
	struct crm_roi_filter f;
	struct crm_cost_import_opts imp;
	unsigned seen;
};

static const char *opt_name(int opt)
{
	for (const struct option *lo = long_opts; lo->name; lo++)
		if (lo->val == opt || (opt == OPT_OWNER && lo->val == 'o') ||
		    (opt == OPT_TEAM && lo->val == 't'))
			return lo->name;
	return "?";
}

/* Take the options; refuse (64) those that are not for this command. */
static int parse(struct crm_opts *o, int *argc, char ***argv, struct args *a, unsigned allowed,
		 const char *cmd)
{
	int c;
	memset(a, 0, sizeof *a);
	while ((c = crm_getopt(o, *argc, *argv, short_opts, long_opts)) != -1) {
		c = c == 'o' ? OPT_OWNER : c == 't' ? OPT_TEAM : c;
		if (c < CRM_OPT_TOOL || c >= OPT_END)
			return crm_usage_error();
		if (!(allowed & BIT(c)))
			return crm_usage_fail("--%s is not an option of '%s'", opt_name(c), cmd);
		a->seen |= BIT(c);
		switch (c) {
		case OPT_SINCE: a->f.since = optarg; break;
		case OPT_UNTIL: a->f.until = optarg; break;
		case OPT_OWNER: a->f.owner = optarg; break;
		case OPT_TEAM: a->f.team = optarg; break;
		case OPT_REGION: a->f.region = optarg; break;
		case OPT_SOURCE: a->f.source = a->in.source = optarg; break;
		case OPT_CAMPAIGN: a->f.campaign = a->in.campaign = optarg; break;
		case OPT_PERIOD: a->in.period = optarg; break;
		case OPT_FROM: a->in.from = optarg; break;
		case OPT_TO: a->in.to = optarg; break;
		case OPT_AMOUNT: a->in.amount = optarg; break;
		case OPT_NOTE: a->in.note = optarg; break;
		case OPT_CSV: a->imp.format = CRM_ROWS_CSV; break;
		case OPT_TSV: a->imp.format = CRM_ROWS_TSV; break;
		case OPT_SKIP_BAD: a->imp.skip_bad = true; break;
		case OPT_REJECT: a->imp.reject = optarg; break;
		case OPT_BY:
			if (strcmp(optarg, "source") && strcmp(optarg, "campaign"))
				return crm_usage_fail("unknown --by '%s' (source, campaign)", optarg);
			a->f.by_campaign = strcmp(optarg, "campaign") == 0;
			break;
		}
	}
	*argc -= optind;
	*argv += optind;
	if (o->format == CRM_FMT_GNUPLOT && strcmp(cmd, "report"))
		return crm_usage_fail("-f gnuplot is for the report");
	return 0;
}

static int no_operands(int argc, char **argv)
{
	return argc > 0 ? crm_usage_fail("unexpected argument '%s'", argv[0]) : 0;
}

static int cmd_report(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, REPORT_OPTS, "report")) ||
	    (st = no_operands(argc, argv)) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_roi_report(&ctx, &a.f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cost_add(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, ADD_OPTS, "cost add")) || (st = no_operands(argc, argv)))
		return st;
	if (!a.in.source || !a.in.amount)
		return crm_usage_fail("cost add needs --source and --amount");
	if (!a.in.period && !(a.in.from && a.in.to))
		return crm_usage_fail("cost add needs --period, or --from and --to");
	if (a.in.period && (a.in.from || a.in.to))
		return crm_usage_fail("give --period or --from and --to, not both");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_cost_add(&ctx, &a.in, o->quiet ? NULL : stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cost_import(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, IMPORT_OPTS, "cost import")))
		return st;
	if (argc > 1)
		return crm_usage_fail("unexpected argument '%s'", argv[1]);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_cost_import(&ctx, &a.imp, argc ? argv[0] : "-", o->quiet ? NULL : stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cost_list(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, LIST_OPTS, "cost list")) ||
	    (st = no_operands(argc, argv)) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_cost_list(&ctx, &a.f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cost_remove(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, 0, "cost remove")))
		return st;
	if (argc == 0)
		return crm_usage_fail("cost remove needs a cost id");
	int64_t *ids = crm_xcalloc((size_t)argc, sizeof *ids);
	for (int i = 0; i < argc && !st; i++) {
		char *end;
		long long v = strtoll(argv[i], &end, 10);
		if (!*argv[i] || *end || v <= 0)
			st = crm_usage_fail("invalid cost id '%s'", argv[i]);
		ids[i] = v;
	}
	if (!st && !(st = crm_ctx_open(&ctx, o))) {
		st = crm_cost_remove(&ctx, ids, (size_t)argc, o->quiet ? NULL : stdout);
		crm_ctx_close(&ctx);
	}
	free(ids);
	return st;
}

static int cmd_cost(struct crm_opts *o, int argc, char **argv)
{
	static const struct crm_subcmd cost_cmds[] = {
		{"add", cost_add}, {"import", cost_import}, {"list", cost_list},
		{"remove", cost_remove}, {NULL, NULL},
	};
	if (argc < 2 || argv[1][0] == '-')
		return crm_usage_fail("cost needs 'add', 'import', 'list' or 'remove'");
	for (const struct crm_subcmd *sc = cost_cmds; sc->name; sc++)
		if (strcmp(sc->name, argv[1]) == 0)
			return sc->run(o, argc - 1, argv + 1);
	return crm_usage_fail("unknown cost command '%s'", argv[1]);
}

static int complete(struct crm_opts *o, int argc, char **argv)
{
	static const char *const subcommands[] = {"report", "cost", NULL};
	return crm_complete(o, subcommands);
}

static const struct crm_subcmd cmds[] = {
	{"report", cmd_report},
	{"cost", cmd_cost},
	{NULL, complete},
};

/* Does the option at argv[i] take the next word as its value? */
static bool takes_value(const char *arg)
{
	if (arg[1] == '-') {
		size_t n = strcspn(arg + 2, "=");
		for (const struct option *lo = long_opts; lo->name; lo++)
			if (strlen(lo->name) == n && !strncmp(lo->name, arg + 2, n))
				return lo->has_arg == required_argument && !arg[2 + n];
		return false;
	}
	for (const char *p = arg + 1; *p; p++) {
		const char *s = strchr(short_opts + 1, *p);
		if (s && s[1] == ':')
			return !p[1];
	}
	return false;
}

/* "crm-roi --since 30d" means "crm-roi report --since 30d": put "report"
 * before the options when no command is named (an unknown one is left for
 * crm_main to refuse), unless -V or --complete asks for something else. */
static char **with_report(int *argc, char **argv)
{
	int i;
	for (i = 1; i < *argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "-V") || !strcmp(s, "--version") || !strncmp(s, "--complete", 10))
			return argv;
		if (s[0] != '-' || !s[1] || !strcmp(s, "--"))
			break;
		if (takes_value(s))
			i++;
	}
	if (i < *argc)
		return argv;
	char **v = crm_xcalloc((size_t)*argc + 2, sizeof *v);
	v[0] = argv[0];
	v[1] = "report";
	memcpy(v + 2, argv + 1, (size_t)(*argc - 1) * sizeof *v);
	(*argc)++;
	return v;
}

int main(int argc, char **argv)
{
	char **args = with_report(&argc, argv);
	int st = crm_main(argc, args, cmds, usage);
	if (args != argv)
		free(args);
	return st;
}
