/* crm-roi: channel costs, and the return on them per source or campaign */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "opts.h"
#include "roi.h"

enum {
	OPT_SINCE = CRM_OPT_TOOL, OPT_UNTIL, OPT_BY, OPT_REGION, OPT_SOURCE, OPT_CAMPAIGN,
	OPT_PERIOD, OPT_FROM, OPT_TO, OPT_AMOUNT, OPT_NOTE, OPT_CSV, OPT_TSV, OPT_SKIP_BAD,
	OPT_REJECT
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

static const int report_opts[] = {
	OPT_SINCE, OPT_UNTIL, OPT_BY, 'o', 't', OPT_REGION, OPT_SOURCE, OPT_CAMPAIGN, 0
};
static const int add_opts[] = {
	OPT_SOURCE, OPT_CAMPAIGN, OPT_PERIOD, OPT_FROM, OPT_TO, OPT_AMOUNT, OPT_NOTE, 0
};
static const int import_opts[] = {OPT_CSV, OPT_TSV, OPT_SKIP_BAD, OPT_REJECT, 0};
static const int list_opts[] = {OPT_SOURCE, OPT_CAMPAIGN, OPT_SINCE, OPT_UNTIL, 0};
static const int no_opts[] = {0};

struct args {
	struct crm_cost_input in;
	struct crm_roi_filter f;
	struct crm_cost_import_opts imp;
};

/* Take the options; refuse (64) those that are not for this command
 * (allowed: its option codes, ending with 0). */
static int parse(struct crm_opts *o, int *argc, char ***argv, struct args *a, const int *allowed,
		 const char *cmd)
{
	struct crm_args opt;
	int st;
	memset(a, 0, sizeof *a);
	if ((st = crm_args_parse(o, argc, argv, short_opts, long_opts, NULL, &opt)))
		return st;
	for (int i = 0; i < opt.n; i++) {
		int c = opt.code[i];
		const char *v = opt.given[i];
		const int *p = allowed;
		while (*p && *p != c)
			p++;
		if (!*p)
			return crm_usage_fail("--%s is not an option of '%s'",
					      crm_opt_name(long_opts, c), cmd);
		switch (c) {
		case OPT_SINCE: a->f.since = v; break;
		case OPT_UNTIL: a->f.until = v; break;
		case 'o': a->f.owner = v; break;
		case 't': a->f.team = v; break;
		case OPT_REGION: a->f.region = v; break;
		case OPT_SOURCE: a->f.source = a->in.source = v; break;
		case OPT_CAMPAIGN: a->f.campaign = a->in.campaign = v; break;
		case OPT_PERIOD: a->in.period = v; break;
		case OPT_FROM: a->in.from = v; break;
		case OPT_TO: a->in.to = v; break;
		case OPT_AMOUNT: a->in.amount = v; break;
		case OPT_NOTE: a->in.note = v; break;
		case OPT_CSV: a->imp.format = CRM_ROWS_CSV; break;
		case OPT_TSV: a->imp.format = CRM_ROWS_TSV; break;
		case OPT_SKIP_BAD: a->imp.skip_bad = true; break;
		case OPT_REJECT: a->imp.reject = v; break;
		case OPT_BY:
			if (strcmp(v, "source") && strcmp(v, "campaign"))
				return crm_usage_fail("unknown --by '%s' (source, campaign)", v);
			a->f.by_campaign = strcmp(v, "campaign") == 0;
			break;
		}
	}
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
	if ((st = parse(o, &argc, &argv, &a, report_opts, "report")) ||
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
	if ((st = parse(o, &argc, &argv, &a, add_opts, "cost add")) || (st = no_operands(argc, argv)))
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
	if ((st = parse(o, &argc, &argv, &a, import_opts, "cost import")))
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
	if ((st = parse(o, &argc, &argv, &a, list_opts, "cost list")) ||
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
	if ((st = parse(o, &argc, &argv, &a, no_opts, "cost remove")))
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

static const struct crm_subcmd cost_cmds[] = {
	{"add", cost_add, .synopsis = "--source S [--campaign C] --amount AMOUNT [--note TEXT]\n"
				      "\t(--period YYYY-MM | --from DATE --to DATE)"},
	{"import", cost_import, .synopsis = "[--csv|--tsv] [--skip-bad [--reject FILE [--force]]]\n"
					    "\t[FILE | -]"},
	{"list", cost_list,
	 .synopsis = "[--source S] [--campaign C] [--since DATE] [--until DATE]"},
	{"remove", cost_remove, .synopsis = "ID..."},
	{0},
};

static int cmd_cost(struct crm_opts *o, int argc, char **argv)
{
	if (argc < 2 || argv[1][0] == '-')
		return crm_usage_fail("cost needs 'add', 'import', 'list' or 'remove'");
	for (const struct crm_subcmd *sc = cost_cmds; sc->name; sc++)
		if (strcmp(sc->name, argv[1]) == 0)
			return sc->run(o, argc - 1, argv + 1);
	return crm_usage_fail("unknown cost command '%s'", argv[1]);
}

static int complete(struct crm_opts *o, int argc, char **argv)
{
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"report", cmd_report, .synopsis = "[--since DATE] [--until DATE] [--by source|campaign]\n"
					   "\t[--owner LOGIN] [--team TEAM] [--region R] [--source S]\n"
					   "\t[--campaign C]", .implied = true},
	{"cost", cmd_cost, .synopsis = NULL},	/* its own are in cost_cmds */
	{.run = complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-roi", cmds))
		return;
	crm_usage_synopsis(fp, "crm-roi cost", cost_cmds);
	fputs("\n"
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
	static char report[] = "report";
	char **v = crm_xcalloc((size_t)*argc + 2, sizeof *v);
	v[0] = argv[0];
	v[1] = report;
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
