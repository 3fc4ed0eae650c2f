/* crm-stage: deals and the pipeline they move through */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complete.h"
#include "ctx.h"
#include "deal.h"
#include "err.h"
#include "opts.h"
#include "record.h"
#include "rows.h"

enum {
	OPT_TITLE = CRM_OPT_TOOL, OPT_ACCOUNT, OPT_CONTACT, OPT_AMOUNT, OPT_CURRENCY, OPT_CLOSE,
	OPT_OWNER, OPT_SOURCE, OPT_CAMPAIGN, OPT_PRODUCT, OPT_PIPELINE, OPT_STAGE,
	OPT_SET, OPT_REASON, OPT_NOTE, OPT_TEAM, OPT_STATUS, OPT_BEFORE, OPT_AFTER, OPT_MIN, OPT_MAX,
	OPT_STUCK, OPT_FIELDS, OPT_SORT, OPT_LIMIT, OPT_CSV, OPT_TSV, OPT_MAP, OPT_STAGE_MAP,
	OPT_ENTRY, OPT_SKIP_BAD, OPT_REJECT, OPT_END
};
_Static_assert((int)OPT_END <= (int)CRM_OPT_END, "crm_args holds every option");

/* The deal field each field option sets, in enum order from OPT_TITLE. */
static const char *const field_of[] = {
	"title", "account", "contact", "amount", "currency", "close_date", "owner", "source",
	"campaign", "product", "pipeline", "stage",
};

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"title", required_argument, NULL, OPT_TITLE},
	{"account", required_argument, NULL, OPT_ACCOUNT},
	{"contact", required_argument, NULL, OPT_CONTACT},
	{"amount", required_argument, NULL, OPT_AMOUNT},
	{"currency", required_argument, NULL, OPT_CURRENCY},
	{"close-date", required_argument, NULL, OPT_CLOSE},
	{"owner", required_argument, NULL, OPT_OWNER},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"campaign", required_argument, NULL, OPT_CAMPAIGN},
	{"product", required_argument, NULL, OPT_PRODUCT},
	{"pipeline", required_argument, NULL, OPT_PIPELINE},
	{"stage", required_argument, NULL, OPT_STAGE},
	{"set", required_argument, NULL, OPT_SET},
	{"reason", required_argument, NULL, OPT_REASON},
	{"note", required_argument, NULL, OPT_NOTE},
	{"team", required_argument, NULL, OPT_TEAM},
	{"status", required_argument, NULL, OPT_STATUS},
	{"close-before", required_argument, NULL, OPT_BEFORE},
	{"close-after", required_argument, NULL, OPT_AFTER},
	{"min-amount", required_argument, NULL, OPT_MIN},
	{"max-amount", required_argument, NULL, OPT_MAX},
	{"stuck", required_argument, NULL, OPT_STUCK},
	{"fields", required_argument, NULL, OPT_FIELDS},
	{"sort", required_argument, NULL, OPT_SORT},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"csv", no_argument, NULL, OPT_CSV},
	{"tsv", no_argument, NULL, OPT_TSV},
	{"map", required_argument, NULL, OPT_MAP},
	{"stage-map", required_argument, NULL, OPT_STAGE_MAP},
	{"entry-stage", required_argument, NULL, OPT_ENTRY},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"reject", required_argument, NULL, OPT_REJECT},
	CRM_FORCEOPT,
	{0},
};

/* The options, and the field options and --set among them in order. */
struct args {
	struct crm_args opt;
	struct crm_deal_field fields[CRM_ARGS_MAX];
	int nfields;
	char *pairs[CRM_ARGS_MAX];			/* copies of --set values, split */
	int npairs;
};

static void args_free(struct args *a)
{
	for (int i = 0; i < a->npairs; i++)
		free(a->pairs[i]);
}

static int add_set(struct args *a, const char *pair)
{
	char *copy = crm_xstrdup(pair), *eq = strchr(copy, '=');
	a->pairs[a->npairs++] = copy;
	if (!eq || eq == copy)
		return crm_usage_fail("--set wants FIELD=VALUE, not '%s'", pair);
	*eq = '\0';
	a->fields[a->nfields++] = (struct crm_deal_field){copy, eq + 1};
	return 0;
}

/* Parse the options, refusing any the subcommand does not take (allowed:
 * its option codes, ending with 0). */
static int parse(struct crm_opts *o, int *argc, char ***argv, struct args *a, const int *allowed)
{
	int st;
	a->nfields = a->npairs = 0;
	if ((st = crm_args_parse(o, argc, argv, short_opts, long_opts, allowed, &a->opt)))
		return st;
	for (int i = 0; i < a->opt.n && !st; i++) {
		int c = a->opt.code[i];
		const char *v = a->opt.given[i];
		if (c == OPT_SET)
			st = add_set(a, v);
		else if (c <= OPT_STAGE)
			a->fields[a->nfields++] = (struct crm_deal_field){field_of[c - OPT_TITLE], v};
	}
	return st;
}

static const char *arg(const struct args *a, int code) { return crm_arg(&a->opt, code); }

#define FIELD_OPTS \
	OPT_TITLE, OPT_ACCOUNT, OPT_CONTACT, OPT_AMOUNT, OPT_CURRENCY, OPT_CLOSE, OPT_OWNER, \
	OPT_SOURCE, OPT_CAMPAIGN, OPT_PRODUCT, OPT_SET
#define FILTER_OPTS \
	OPT_STAGE, OPT_OWNER, OPT_TEAM, OPT_STATUS, OPT_BEFORE, OPT_AFTER, OPT_MIN, OPT_MAX, \
	OPT_STUCK, OPT_PIPELINE, OPT_ACCOUNT, OPT_FIELDS, OPT_SORT, OPT_LIMIT

static int cmd_add(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {FIELD_OPTS, OPT_PIPELINE, OPT_STAGE, 0};
	struct args a;
	struct crm_ctx ctx;
	int st;
	if (!(st = parse(o, &argc, &argv, &a, allowed)) && !(st = crm_operands(argc, 0, 0, "")) &&
	    !(st = crm_ctx_open(&ctx, o))) {
		st = crm_deal_add(&ctx, a.fields, a.nfields, stdout);
		crm_ctx_close(&ctx);
	}
	args_free(&a);
	return st;
}

static int cmd_update(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {FIELD_OPTS, 0};
	struct args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if (!(st = parse(o, &argc, &argv, &a, allowed)) && !(st = crm_operands(argc, 1, 1, "deal id")) &&
	    !(st = crm_id_parse("deal", argv[0], &id)) && !(st = crm_ctx_open(&ctx, o))) {
		st = crm_deal_update(&ctx, id, a.fields, a.nfields, stdout);
		crm_ctx_close(&ctx);
	}
	args_free(&a);
	return st;
}

/* move, won, lost and reopen: one deal from the operands, or (move) a TSV
 * of them on stdin. */
static int stage_change(struct crm_opts *o, int argc, char **argv, enum crm_move_kind kind)
{
	static const int allowed[][5] = {
		[CRM_MOVE] = {OPT_REASON, OPT_NOTE, OPT_AMOUNT, 0},
		[CRM_MOVE_WON] = {OPT_AMOUNT, OPT_REASON, 0},
		[CRM_MOVE_LOST] = {OPT_REASON, OPT_NOTE, 0},
		[CRM_MOVE_REOPEN] = {OPT_REASON, 0},
	};
	struct args a;
	struct crm_ctx ctx;
	struct crm_deal_move m = {.kind = kind};
	int st, max = kind == CRM_MOVE || kind == CRM_MOVE_REOPEN ? 2 : 1;
	if ((st = parse(o, &argc, &argv, &a, allowed[kind])))
		return st;
	bool bulk = kind == CRM_MOVE && argc == 0;
	if (bulk && (arg(&a, OPT_REASON) || arg(&a, OPT_NOTE) || arg(&a, OPT_AMOUNT)))
		return crm_usage_fail("move: give --reason, --note and --amount as columns of the TSV");
	if (bulk && isatty(STDIN_FILENO))
		return crm_usage_fail("move needs ID STAGE, or TSV on stdin");
	if (!bulk && ((st = crm_operands(argc, kind == CRM_MOVE ? 2 : 1, max,
				     kind == CRM_MOVE ? "deal id and stage" : "deal id")) ||
		      (st = crm_id_parse("deal", argv[0], &m.id))))
		return st;
	m.stage = argc > 1 ? argv[1] : NULL;
	m.reason = arg(&a, OPT_REASON);
	m.note = arg(&a, OPT_NOTE);
	m.amount = arg(&a, OPT_AMOUNT);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	FILE *out = o->quiet ? NULL : stdout;
	st = bulk ? crm_deal_move_tsv(&ctx, stdin, "-", out) : crm_deal_move(&ctx, &m, out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_move(struct crm_opts *o, int argc, char **argv)
{
	return stage_change(o, argc, argv, CRM_MOVE);
}
static int cmd_won(struct crm_opts *o, int argc, char **argv)
{
	return stage_change(o, argc, argv, CRM_MOVE_WON);
}
static int cmd_lost(struct crm_opts *o, int argc, char **argv)
{
	return stage_change(o, argc, argv, CRM_MOVE_LOST);
}
static int cmd_reopen(struct crm_opts *o, int argc, char **argv)
{
	return stage_change(o, argc, argv, CRM_MOVE_REOPEN);
}

static int list_or_stuck(struct crm_opts *o, int argc, char **argv, bool stuck)
{
	static const int allowed[] = {FILTER_OPTS, 0};
	struct crm_deal_filter f;
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) ||
	    (st = crm_operands(argc, stuck, stuck, stuck ? "number of days" : "")))
		return st;
	crm_deal_filter_init(&f);
	f.stage = arg(&a, OPT_STAGE);
	f.owner = arg(&a, OPT_OWNER);
	f.team = arg(&a, OPT_TEAM);
	f.status = arg(&a, OPT_STATUS);
	f.close_before = arg(&a, OPT_BEFORE);
	f.close_after = arg(&a, OPT_AFTER);
	f.min_amount = arg(&a, OPT_MIN);
	f.max_amount = arg(&a, OPT_MAX);
	f.pipeline = arg(&a, OPT_PIPELINE);
	f.fields = arg(&a, OPT_FIELDS);
	f.sort = arg(&a, OPT_SORT);
	if (stuck && arg(&a, OPT_STUCK))
		return crm_usage_fail("stuck: give the days once");
	if (stuck || arg(&a, OPT_STUCK))
		f.stuck = crm_opt_long("--stuck", stuck ? argv[0] : arg(&a, OPT_STUCK));
	if (arg(&a, OPT_ACCOUNT) && (st = crm_id_parse("account", arg(&a, OPT_ACCOUNT), &f.account)))
		return st;
	if (arg(&a, OPT_LIMIT))
		f.limit = crm_opt_long("--limit", arg(&a, OPT_LIMIT));
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_deal_list(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	return list_or_stuck(o, argc, argv, false);
}
static int cmd_stuck(struct crm_opts *o, int argc, char **argv)
{
	return list_or_stuck(o, argc, argv, true);
}

/* show and history: one deal id. */
static int one_deal(struct crm_opts *o, int argc, char **argv,
		    int (*run)(struct crm_ctx *, int64_t, FILE *))
{
	static const int allowed[] = {0};
	struct args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 1, 1, "deal id")) ||
	    (st = crm_id_parse("deal", argv[0], &id)) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = run(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	return one_deal(o, argc, argv, crm_deal_show);
}
static int cmd_history(struct crm_opts *o, int argc, char **argv)
{
	return one_deal(o, argc, argv, crm_deal_history);
}

static int cmd_stages(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {OPT_PIPELINE, 0};
	struct args a;
	struct crm_ctx ctx;
	int st;
	/* the stages live in the config: no database needed */
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 0, 0, "")) ||
	    (st = crm_ctx_open_config(&ctx, o)))
		return st;
	st = crm_deal_stages(&ctx, arg(&a, OPT_PIPELINE), stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_import(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {
		OPT_CSV, OPT_TSV, OPT_MAP, OPT_STAGE_MAP, OPT_PIPELINE, OPT_CURRENCY, OPT_ENTRY,
		OPT_SKIP_BAD, OPT_REJECT, 0
	};
	struct crm_deal_import_opts io = {0};
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)))
		return st;
	if (arg(&a, OPT_CSV) && arg(&a, OPT_TSV))
		return crm_usage_fail("--csv and --tsv exclude each other");
	if (arg(&a, OPT_REJECT) && !arg(&a, OPT_SKIP_BAD))
		return crm_usage_fail("--reject goes with --skip-bad");
	io.format = arg(&a, OPT_CSV) ? CRM_ROWS_CSV : arg(&a, OPT_TSV) ? CRM_ROWS_TSV : CRM_ROWS_GUESS;
	io.map = arg(&a, OPT_MAP);
	io.stage_map = arg(&a, OPT_STAGE_MAP);
	io.pipeline = arg(&a, OPT_PIPELINE);
	io.currency = arg(&a, OPT_CURRENCY);
	io.entry_stage = arg(&a, OPT_ENTRY);
	io.skip_bad = arg(&a, OPT_SKIP_BAD) != NULL;
	io.reject = arg(&a, OPT_REJECT);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_deal_import(&ctx, &io, argv, argc, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int complete(struct crm_opts *o, int argc, char **argv)
{
	struct crm_ctx ctx;
	if (strcmp(o->complete, "statuses") == 0) {
		puts("open\nwon\nlost");
		return 0;
	}
	if (strcmp(o->complete, "fields") != 0)
		return crm_complete(o);
	if (!freopen("/dev/null", "w", stderr) || crm_ctx_open_config(&ctx, o) != 0)
		return 0;
	crm_deal_complete_fields(ctx.cfg, stdout);
	crm_ctx_close(&ctx);
	return 0;
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add, .synopsis = "--title TITLE [field options] [--pipeline P] [--stage S]"},
	{"update", cmd_update, .synopsis = "ID [field options]"},
	{"move", cmd_move, .synopsis = "ID STAGE [--reason TEXT] [--note TEXT] [--amount A]\n"
				       "< TSV"},
	{"won", cmd_won, .synopsis = "ID [--amount A]"},
	{"lost", cmd_lost, .synopsis = "ID --reason REASON [--note TEXT]"},
	{"reopen", cmd_reopen, .synopsis = "ID [STAGE] [--reason TEXT]"},
	{"list", cmd_list, .synopsis = "[filter options] [--fields F,...] [--sort [-]FIELD]\n"
				       "\t[--limit N]"},
	{"stuck", cmd_stuck, .synopsis = "DAYS [filter options]"},
	{"show", cmd_show, .synopsis = "ID"},
	{"history", cmd_history, .synopsis = "ID"},
	{"stages", cmd_stages, .synopsis = "[--pipeline P]"},
	{"import", cmd_import,
	 .synopsis = "[--csv|--tsv] [--map H=F,...] [--stage-map THEIRS=OURS,...]\n"
		     "\t[--pipeline P] [--currency C] [--entry-stage S]\n"
		     "\t[--skip-bad [--reject FILE [--force]]] [FILE...]"},
	{.run = complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-stage", cmds))
		return;
	fputs("\n"
	      "Open deals, move them through the stages of their pipeline until they\n"
	      "are won or lost, list them, and import them with their history.\n"
	      "\n"
	      "Field options (add, update):\n"
	      "      --title <text>        what is being sold\n"
	      "      --account <id>        the customer's account\n"
	      "      --contact <id>        the contact person\n"
	      "      --amount <money>      amount (won: the final amount)\n"
	      "      --currency <code>     currency (default the config's)\n"
	      "      --close-date <date>   expected close date\n"
	      "      --owner <login>       owner (default yourself)\n"
	      "      --source <id>         source (channel) the deal came from\n"
	      "      --campaign <name>     campaign\n"
	      "      --product <name>      product\n"
	      "      --pipeline <id>       pipeline (default: default)\n"
	      "      --stage <id>          add: the first stage; list: deals in it\n"
	      "      --set <field=value>   any field, custom fields included\n"
	      "\n"
	      "Stage options (move, won, lost, reopen):\n"
	      "      --reason <text>       lost: one of the loss reasons; else why\n"
	      "      --note <text>         lost: a note on why it was lost\n"
	      "\n"
	      "List options (also --stage, --owner, --pipeline and --account):\n"
	      "      --team <name>         deals owned by this team\n"
	      "      --status <status>     open, won or lost\n"
	      "      --close-before <date> expected to close before date\n"
	      "      --close-after <date>  expected to close on or after date\n"
	      "      --min-amount <money>  at least this amount\n"
	      "      --max-amount <money>  at most this amount\n"
	      "      --stuck <days>        open, no stage change for this many days\n"
	      "      --fields <a,b,...>    columns to print\n"
	      "      --sort <[-]field>     order by field (- for descending)\n"
	      "      --limit <n>           print at most n deals\n"
	      "\n"
	      "Import options (also --pipeline and --currency, for rows without):\n"
	      "      --csv                 read CSV whatever the file name\n"
	      "      --tsv                 read TSV whatever the file name\n"
	      "      --map <H=field,...>   take field from the column headed H\n"
	      "      --stage-map <T=S,...> their stage T is our stage S\n"
	      "      --entry-stage <id>    the stage closed deals were in before\n"
	      "      --skip-bad            import the good rows, reject the bad ones\n"
	      "      --reject <file>       where rejected rows go (default stderr)\n"
      "      --force               overwrite an existing reject file\n"
	      "\n"
	      "Common options:\n"
	      "  -d, --db <path>           database (default $CRM_DB)\n"
	      "  -c, --config <path>       config file (default $CRM_CONFIG)\n"
	      "  -f, --format <fmt>        output as tsv, csv or table\n"
	      "  -H, --no-header           print no header line\n"
	      "      --csv-raw             CSV cells as they are (no ' before = + - @)\n"
	      "  -n, --dry-run             check and show what would change, write nothing\n"
	      "      --as <login>          act as this user (admins only)\n"
	      "  -q, --quiet               print nothing on success\n"
	      "  -h, --help                display this help\n"
	      "  -V, --version             display version\n"
	      "\n"
	      "See crm-stage(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
