/* crm-lead: capture, import, list, update, merge and forget leads */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complete.h"
#include "lead_convert.h"
#include "ctx.h"
#include "err.h"
#include "lead_import.h"
#include "out.h"
#include "pool.h"
#include "score.h"
#include "lead.h"
#include "leadfield.h"
#include "opts.h"

/* The field options are CRM_OPT_TOOL + their crm_lead_field index. */
#define OPT_FIELD(f) (CRM_OPT_TOOL + (f))
enum {
	OPT_SET = CRM_OPT_TOOL + CRM_LEAD_NFIELDS, OPT_CSV, OPT_TSV, OPT_MAP, OPT_ON_DUP,
	OPT_SKIP_BAD, OPT_REJECT, OPT_UNASSIGNED, OPT_TAG, OPT_SINCE, OPT_UNTIL, OPT_SEARCH,
	OPT_FIELDS, OPT_SORT, OPT_LIMIT, OPT_REASON, OPT_AMOUNT, OPT_STAGE, OPT_CLOSE_DATE,
	OPT_PIPELINE, OPT_END
};
_Static_assert((int)OPT_END <= (int)CRM_OPT_END, "crm_args holds every option");

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"name", required_argument, NULL, OPT_FIELD(CRM_LF_NAME)},
	{"company", required_argument, NULL, OPT_FIELD(CRM_LF_COMPANY)},
	{"title", required_argument, NULL, OPT_FIELD(CRM_LF_TITLE)},
	{"phone", required_argument, NULL, OPT_FIELD(CRM_LF_PHONE)},
	{"email", required_argument, NULL, OPT_FIELD(CRM_LF_EMAIL)},
	{"region", required_argument, NULL, OPT_FIELD(CRM_LF_REGION)},
	{"city", required_argument, NULL, OPT_FIELD(CRM_LF_CITY)},
	{"industry", required_argument, NULL, OPT_FIELD(CRM_LF_INDUSTRY)},
	{"source", required_argument, NULL, OPT_FIELD(CRM_LF_SOURCE)},
	{"campaign", required_argument, NULL, OPT_FIELD(CRM_LF_CAMPAIGN)},
	{"tags", required_argument, NULL, OPT_FIELD(CRM_LF_TAGS)},
	{"heat", required_argument, NULL, OPT_FIELD(CRM_LF_HEAT)},
	{"owner", required_argument, NULL, OPT_FIELD(CRM_LF_OWNER)},
	{"notes", required_argument, NULL, OPT_FIELD(CRM_LF_NOTES)},
	{"status", required_argument, NULL, OPT_FIELD(CRM_LF_STATUS)},
	{"score", required_argument, NULL, OPT_FIELD(CRM_LF_SCORE)},
	{"set", required_argument, NULL, OPT_SET},
	{"csv", no_argument, NULL, OPT_CSV},
	{"tsv", no_argument, NULL, OPT_TSV},
	{"map", required_argument, NULL, OPT_MAP},
	{"on-duplicate", required_argument, NULL, OPT_ON_DUP},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"reject", required_argument, NULL, OPT_REJECT},
	CRM_FORCEOPT,
	{"unassigned", no_argument, NULL, OPT_UNASSIGNED},
	{"tag", required_argument, NULL, OPT_TAG},
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"search", required_argument, NULL, OPT_SEARCH},
	{"fields", required_argument, NULL, OPT_FIELDS},
	{"sort", required_argument, NULL, OPT_SORT},
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"reason", required_argument, NULL, OPT_REASON},
	{"amount", required_argument, NULL, OPT_AMOUNT},
	{"stage", required_argument, NULL, OPT_STAGE},
	{"close-date", required_argument, NULL, OPT_CLOSE_DATE},
	{"pipeline", required_argument, NULL, OPT_PIPELINE},
	{0},
};

static int parse(struct crm_opts *o, int *argc, char ***argv, struct crm_args *a,
		 const int *allowed)
{
	return crm_args_parse(o, argc, argv, short_opts, long_opts, allowed, a);
}

#define FIELD_OPTS \
	OPT_FIELD(CRM_LF_NAME), OPT_FIELD(CRM_LF_COMPANY), OPT_FIELD(CRM_LF_TITLE), \
	OPT_FIELD(CRM_LF_PHONE), OPT_FIELD(CRM_LF_EMAIL), OPT_FIELD(CRM_LF_REGION), \
	OPT_FIELD(CRM_LF_CITY), OPT_FIELD(CRM_LF_INDUSTRY), OPT_FIELD(CRM_LF_SOURCE), \
	OPT_FIELD(CRM_LF_CAMPAIGN), OPT_FIELD(CRM_LF_TAGS), OPT_FIELD(CRM_LF_HEAT), \
	OPT_FIELD(CRM_LF_OWNER), OPT_FIELD(CRM_LF_NOTES), OPT_FIELD(CRM_LF_STATUS), \
	OPT_FIELD(CRM_LF_SCORE), OPT_SET

/* The field options and --set, in the order given, into a new record. */
static int record(struct crm_ctx *ctx, const struct crm_args *a, struct crm_lead_rec **out)
{
	struct crm_lead_rec *r = crm_lead_rec_new(ctx);
	int st = 0;
	for (int i = 0; i < a->n && !st; i++) {
		int c = a->code[i];
		if (c == OPT_SET)
			st = crm_lead_rec_set_pair(r, a->given[i]);
		else if (c < OPT_FIELD(CRM_LEAD_NFIELDS))
			st = crm_lead_rec_set(r, crm_lead_fields_def[c - CRM_OPT_TOOL].name, a->given[i]);
	}
	if (st) {
		crm_lead_rec_free(r);
		return st;
	}
	*out = r;
	return 0;
}

static int cmd_add(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {FIELD_OPTS, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	struct crm_lead_rec *r;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 0, 0, "")))
		return st;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	if (!(st = record(&ctx, &a, &r))) {
		st = crm_lead_add(&ctx, r, stdout);
		crm_lead_rec_free(r);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_import(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {
		OPT_CSV, OPT_TSV, OPT_FIELD(CRM_LF_SOURCE), OPT_FIELD(CRM_LF_CAMPAIGN), OPT_MAP,
		OPT_ON_DUP, OPT_SKIP_BAD, OPT_REJECT, 0
	};
	struct crm_import_opts io = {.format = CRM_ROWS_GUESS};
	struct crm_args a;
	struct crm_ctx ctx;
	int st, policy = CRM_DUP_SKIP;
	if ((st = parse(o, &argc, &argv, &a, allowed)))
		return st;
	if (crm_arg(&a, OPT_CSV) && crm_arg(&a, OPT_TSV))
		return crm_usage_fail("--csv and --tsv exclude each other");
	if (crm_arg(&a, OPT_ON_DUP) &&
	    (policy = crm_dup_policy_parse(crm_arg(&a, OPT_ON_DUP))) < 0)
		return crm_usage_fail("unknown --on-duplicate policy '%s' (skip, update, error, allow)",
				      crm_arg(&a, OPT_ON_DUP));
	io.format = crm_arg(&a, OPT_CSV) ? CRM_ROWS_CSV
		    : crm_arg(&a, OPT_TSV) ? CRM_ROWS_TSV : CRM_ROWS_GUESS;
	io.source = crm_arg(&a, OPT_FIELD(CRM_LF_SOURCE));
	io.campaign = crm_arg(&a, OPT_FIELD(CRM_LF_CAMPAIGN));
	io.map = crm_arg(&a, OPT_MAP);
	io.on_duplicate = (enum crm_dup_policy)policy;
	io.skip_bad = crm_arg(&a, OPT_SKIP_BAD) != NULL;
	io.reject = crm_arg(&a, OPT_REJECT);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_lead_import(&ctx, &io, argv, argc, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {
		OPT_FIELD(CRM_LF_STATUS), OPT_FIELD(CRM_LF_OWNER), OPT_UNASSIGNED,
		OPT_FIELD(CRM_LF_SOURCE), OPT_FIELD(CRM_LF_CAMPAIGN), OPT_FIELD(CRM_LF_REGION),
		OPT_FIELD(CRM_LF_INDUSTRY), OPT_TAG, OPT_FIELD(CRM_LF_HEAT), OPT_SINCE, OPT_UNTIL,
		OPT_SEARCH, OPT_FIELDS, OPT_SORT, OPT_LIMIT, 0
	};
	struct crm_lead_filter f;
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 0, 0, "")))
		return st;
	crm_lead_filter_init(&f);
	f.status = crm_arg(&a, OPT_FIELD(CRM_LF_STATUS));
	f.owner = crm_arg(&a, OPT_FIELD(CRM_LF_OWNER));
	f.unassigned = crm_arg(&a, OPT_UNASSIGNED) != NULL;
	f.source = crm_arg(&a, OPT_FIELD(CRM_LF_SOURCE));
	f.campaign = crm_arg(&a, OPT_FIELD(CRM_LF_CAMPAIGN));
	f.region = crm_arg(&a, OPT_FIELD(CRM_LF_REGION));
	f.industry = crm_arg(&a, OPT_FIELD(CRM_LF_INDUSTRY));
	f.tag = crm_arg(&a, OPT_TAG);
	f.heat = crm_arg(&a, OPT_FIELD(CRM_LF_HEAT));
	f.since = crm_arg(&a, OPT_SINCE);
	f.until = crm_arg(&a, OPT_UNTIL);
	f.search = crm_arg(&a, OPT_SEARCH);
	f.fields = crm_arg(&a, OPT_FIELDS);
	f.sort = crm_arg(&a, OPT_SORT);
	if (crm_arg(&a, OPT_LIMIT))
		f.limit = crm_opt_long("--limit", crm_arg(&a, OPT_LIMIT));
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_lead_list(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

/* Subcommands that take one lead id, and maybe more operands. */
static int with_id(struct crm_opts *o, int *argc, char ***argv, struct crm_args *a,
		   const int *allowed, int64_t *id, struct crm_ctx *ctx)
{
	int st;
	if ((st = parse(o, argc, argv, a, allowed)) || (st = crm_operands(*argc, 1, -1, "lead id")) ||
	    (st = crm_lead_parse_id((*argv)[0], id)))
		return st;
	(*argc)--;
	(*argv)++;
	return crm_ctx_open(ctx, o);
}

static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 1, 1, "lead id")) ||
	    (st = crm_lead_parse_id(argv[0], &id)) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_lead_show(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_update(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {FIELD_OPTS, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	struct crm_lead_rec *r;
	int64_t id;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 0, 1, "")))
		return st;
	if (argc == 0 && a.n)
		return crm_usage_fail("update: field options need a lead id");
	if (argc == 1 && (st = crm_lead_parse_id(argv[0], &id)))
		return st;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	if (argc == 0) {
		st = crm_lead_update_tsv(&ctx, stdin, "-", stdout);
	} else if (!(st = record(&ctx, &a, &r))) {
		st = crm_lead_update(&ctx, id, r, stdout);
		crm_lead_rec_free(r);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int tag_or_untag(struct crm_opts *o, int argc, char **argv, bool remove)
{
	static const int allowed[] = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = with_id(o, &argc, &argv, &a, allowed, &id, &ctx)))
		return st;
	if (argc == 0)
		st = crm_usage_fail("missing tag");
	else
		st = crm_lead_tag(&ctx, id, argv, argc, remove, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_tag(struct crm_opts *o, int argc, char **argv) { return tag_or_untag(o, argc, argv, false); }
static int cmd_untag(struct crm_opts *o, int argc, char **argv) { return tag_or_untag(o, argc, argv, true); }

static int cmd_disqualify(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {OPT_REASON, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 1, 1, "lead id")) ||
	    (st = crm_lead_parse_id(argv[0], &id)))
		return st;
	if (!crm_arg(&a, OPT_REASON))
		return crm_usage_fail("disqualify needs --reason");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_lead_disqualify(&ctx, id, crm_arg(&a, OPT_REASON), stdout);
	crm_ctx_close(&ctx);
	return st;
}

/* One lead from the operand, or a TSV of them on stdin. */
static int cmd_convert(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {
		OPT_FIELD(CRM_LF_TITLE), OPT_AMOUNT, OPT_STAGE, OPT_CLOSE_DATE, OPT_PIPELINE, 0
	};
	struct crm_convert c = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 0, 1, "")))
		return st;
	if (argc == 1 && (st = crm_lead_parse_id(argv[0], &c.lead_id)))
		return st;
	if (argc == 0 && isatty(STDIN_FILENO))
		return crm_usage_fail("convert needs a lead id, or TSV on stdin");
	c.title = crm_arg(&a, OPT_FIELD(CRM_LF_TITLE));
	c.amount = crm_arg(&a, OPT_AMOUNT);
	c.stage = crm_arg(&a, OPT_STAGE);
	c.close_date = crm_arg(&a, OPT_CLOSE_DATE);
	c.pipeline = crm_arg(&a, OPT_PIPELINE);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	FILE *out = o->quiet ? NULL : stdout;
	st = argc ? crm_lead_convert(&ctx, &c, out) : crm_lead_convert_tsv(&ctx, stdin, "-", &c, out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_dupes(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 0, 0, "")) ||
	    (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_lead_dupes(&ctx, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_merge(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t keep;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) ||
	    (st = crm_operands(argc, 2, -1, "lead ids (KEEP DUP...)")) ||
	    (st = crm_lead_parse_id(argv[0], &keep)))
		return st;
	int64_t *dups = crm_xcalloc((size_t)argc, sizeof *dups);
	for (int i = 1; i < argc && !st; i++)
		st = crm_lead_parse_id(argv[i], &dups[i - 1]);
	if (!st && !(st = crm_ctx_open(&ctx, o))) {
		st = crm_lead_merge(&ctx, keep, dups, argc - 1, stdout);
		crm_ctx_close(&ctx);
	}
	free(dups);
	return st;
}

static int cmd_forget(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = crm_operands(argc, 1, 1, "lead id")) ||
	    (st = crm_lead_parse_id(argv[0], &id)) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_lead_forget(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

/* Lead ids from the operands; at least min of them. */
static int parse_ids(int argc, char **argv, int min, int64_t **ids)
{
	if (argc < min)
		return crm_usage_fail("missing lead id");
	*ids = crm_xcalloc((size_t)argc, sizeof **ids);
	for (int i = 0; i < argc; i++) {
		int st = crm_lead_parse_id(argv[i], &(*ids)[i]);
		if (st) {
			free(*ids);
			return st;
		}
	}
	return 0;
}

/* claim and rescore: lead ids in (at least min), rows out. */
static int with_ids(struct crm_opts *o, int argc, char **argv, int min,
		    int (*run)(struct crm_ctx *, const int64_t *, size_t, struct crm_out *))
{
	static const int allowed[] = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t *ids = NULL;
	int st;
	if ((st = parse(o, &argc, &argv, &a, allowed)) || (st = parse_ids(argc, argv, min, &ids)))
		return st;
	if (!(st = crm_ctx_open(&ctx, o))) {
		struct crm_out *out = crm_out_new(stdout, o->format, !o->no_header);
		st = run(&ctx, ids, (size_t)argc, out);
		crm_out_end(out);
		crm_ctx_close(&ctx);
	}
	free(ids);
	return st;
}

/* Take leads from the pool (公海), within pool.claim_limit and not those
 * the actor lost in the last pool.reclaim_cooldown days. */
static int cmd_claim(struct crm_opts *o, int argc, char **argv)
{
	return with_ids(o, argc, argv, 1, crm_pool_claim);
}

/* Score leads again after the scoring rules changed (no ids: every lead). */
static int cmd_rescore(struct crm_opts *o, int argc, char **argv)
{
	return with_ids(o, argc, argv, 0, crm_score_rescore);
}

static int complete(struct crm_opts *o, int argc, char **argv)
{
	struct crm_ctx ctx;
	int st;
	if (strcmp(o->complete, "subcommands") == 0) {
		crm_complete_subcommands(o->cmds, stdout);
		return 0;
	}
	/* the deal options of convert */
	if (strcmp(o->complete, "stages") == 0 || strcmp(o->complete, "pipelines") == 0)
		return crm_complete(o);
	/* only owners live in the database */
	st = strcmp(o->complete, "owners") == 0 ? crm_ctx_open(&ctx, o) : crm_ctx_open_config(&ctx, o);
	if (st)
		return st;
	st = crm_lead_complete(&ctx, o->complete, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add, .synopsis = "[field options] [--set FIELD=VALUE]..."},
	{"import", cmd_import,
	 .synopsis = "[--csv|--tsv] [--source S] [--campaign C] [--map H=F,...]\n"
		     "\t[--on-duplicate POLICY]\n"
		     "\t[--skip-bad [--reject FILE [--force]]] [FILE...]"},
	{"list", cmd_list, .synopsis = "[filter options] [--fields F,...] [--sort [-]FIELD]\n"
				       "\t[--limit N]"},
	{"show", cmd_show, .synopsis = "ID"},
	{"update", cmd_update, .synopsis = "ID [field options] [--set FIELD=VALUE]...\n"
					   "< TSV"},
	{"tag", cmd_tag, .synopsis = "ID TAG..."},
	{"untag", cmd_untag, .synopsis = "ID TAG..."},
	{"disqualify", cmd_disqualify, .synopsis = "ID --reason TEXT"},
	{"dupes", cmd_dupes, .synopsis = ""},
	{"merge", cmd_merge, .synopsis = "KEEP DUP..."},
	{"forget", cmd_forget, .synopsis = "ID"},
	{"convert", cmd_convert, .synopsis = "ID [--title T] [--amount A] [--stage S]\n"
					     "\t[--close-date D] [--pipeline P]\n"
					     "[deal options] < TSV"},
	{"claim", cmd_claim, .synopsis = "ID..."},
	{"rescore", cmd_rescore, .synopsis = "[ID...]"},
	{.run = complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-lead", NULL))
		return;
	/* completion lists subcommands in the table's order, with convert
	 * after forget; the help shows it beside disqualify */
	const struct crm_subcmd *convert = cmds;
	while (convert->run != cmd_convert)
		convert++;
	for (const struct crm_subcmd *sc = cmds; sc->name; sc++) {
		if (sc != convert)
			crm_usage_subcmd(fp, "crm-lead", sc);
		if (sc->run == cmd_disqualify)
			crm_usage_subcmd(fp, "crm-lead", convert);
	}
	fputs("\n"
	      "Capture leads one by one or by the thousand from CSV and TSV, find and\n"
	      "merge duplicates, and erase a person's data on request.\n"
	      "\n"
	      "Field options (add, update):\n"
	      "      --name <name>         the person's name\n"
	      "      --company <name>      company\n"
	      "      --title <title>       job title\n"
	      "      --phone <phone>       phone (checked and normalised)\n"
	      "      --email <address>     e-mail address\n"
	      "      --region <region>     region or province\n"
	      "      --city <city>         city\n"
	      "      --industry <name>     industry\n"
	      "      --source <id>         source (channel); import: for rows without\n"
	      "      --campaign <name>     campaign; import: for rows without\n"
	      "      --tags <a,b>          tags, separated by commas\n"
	      "      --heat <level>        heat level (hot, warm, cold)\n"
	      "      --owner <login>       owner; an empty value returns it to the pool\n"
	      "      --notes <text>        notes\n"
	      "      --status <status>     update: new, contacted, qualified, converted\n"
	      "                            or disqualified\n"
	      "      --score <n>           update: the lead's score\n"
	      "      --set <field=value>   any field, custom fields included\n"
	      "\n"
	      "Import options:\n"
	      "      --csv                 read CSV whatever the file name\n"
	      "      --tsv                 read TSV whatever the file name\n"
	      "      --map <H=field,...>   take field from the column headed H\n"
	      "      --on-duplicate <p>    skip (default), update, error or allow\n"
	      "      --skip-bad            import the good rows, reject the bad ones\n"
	      "      --reject <file>       where rejected rows go (default stderr)\n"
      "      --force               overwrite an existing reject file\n"
	      "\n"
	      "List options (also --status, --owner, --source, --campaign, --region,\n"
	      "--industry and --heat, as filters):\n"
	      "      --unassigned          only leads in the pool (no owner)\n"
	      "      --tag <tag>           only leads with this tag\n"
	      "      --since <date>        created at or after date\n"
	      "      --until <date>        created before date\n"
	      "      --search <text>       text in the name or company\n"
	      "      --fields <a,b,...>    columns to print\n"
	      "      --sort <[-]field>     order by field (- for descending)\n"
	      "      --limit <n>           print at most n leads\n"
	      "      --reason <text>       disqualify: why\n"
	      "\n"
	      "Convert options (the deal; --title names it):\n"
	      "      --amount <money>      the deal's amount\n"
	      "      --stage <id>          its first stage (default the pipeline's first)\n"
	      "      --close-date <date>   its expected close date\n"
	      "      --pipeline <id>       its pipeline (default: default)\n"
	      "\n"
	      "Common options:\n"
	      CRM_HELP_COMMON_WIDE
	      "See crm-lead(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
