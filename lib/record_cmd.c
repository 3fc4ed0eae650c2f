/* record_cmd.c: the record commands of every kind built on the record
 * engine (record.c), and the subcommands of the tools made of one kind
 * (crm-account, crm-contact): their options read and checked against what
 * each subcommand takes, then add, update, tag and untag, each in one
 * transaction (-n prints what would change and rolls back); bulk update,
 * list, show, import, dupes, merge and forget are called from here into
 * record_bulk.c, record_list.c, record_import.c and record_merge.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "batch.h"
#include "complete.h"
#include "db.h"
#include "err.h"
#include "record.h"
#include "rows.h"
#include "tsv.h"

int crm_rec_add(struct crm_ctx *ctx, struct crm_rec *r, FILE *out)
{
	struct crm_rec_filter f;
	int64_t id;
	int st;
	if (crm_rec_check_new(r)) {
		crm_warn("%s", crm_rec_error(r));
		return EX_DATAERR;
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	st = crm_rec_insert(r, true, true, &id);
	crm_rec_filter_init(&f);
	f.id = id;
	if (!st && ctx->opts->dry_run)
		st = crm_rec_list(ctx, crm_rec_kind(r), &f, out);
	if ((st = crm_ctx_end(ctx, st)))
		return st;
	return ctx->opts->dry_run ? 0 : crm_rec_list(ctx, crm_rec_kind(r), &f, out);
}

int crm_rec_update(struct crm_ctx *ctx, int64_t id, struct crm_rec *r, FILE *out)
{
	struct crm_diff diff = crm_rec_diff(ctx, out);
	int st;
	if (!crm_rec_any_set(r))
		return crm_usage_fail("update: nothing to change (give a field option or --set)");
	if ((st = crm_db_begin(ctx->db)))
		return st;
	return crm_ctx_end(ctx, crm_rec_apply(r, id, "update", &diff));
}

int crm_rec_tag(struct crm_ctx *ctx, const struct crm_kind *k, int64_t id, char **tags,
		int ntags, bool remove, FILE *out)
{
	struct crm_rec *r = crm_rec_new(ctx, k), *given = crm_rec_new(ctx, k);
	struct crm_buf joined = {0};
	struct crm_diff diff = crm_rec_diff(ctx, out);
	char *edited = NULL;
	int ht = crm_kind_field(k, "tags"), st;

	if ((st = crm_db_begin(ctx->db)))
		goto out;
	if ((st = crm_rec_load(r, id, true)))
		goto out;
	for (int i = 0; i < ntags; i++) {
		crm_buf_add(&joined, i ? "," : "");
		crm_buf_add(&joined, tags[i]);
	}
	/* the given tags in canonical form, through the same check as --tags */
	if ((st = crm_rec_set(given, "tags", joined.s)))
		goto out;
	edited = crm_tags_edit(crm_rec_get(r, ht), crm_rec_get(given, ht), remove);
	crm_rec_clear(given);
	if ((st = crm_rec_set(given, "tags", edited)))
		goto out;
	st = crm_rec_apply(given, id, remove ? "untag" : "tag", &diff);
out:
	st = crm_ctx_end(ctx, st);
	free(joined.s);
	free(edited);
	crm_rec_free(r);
	crm_rec_free(given);
	return st;
}


/* ---- the subcommands of a record tool ---- */

enum sub { S_ADD, S_IMPORT, S_LIST, S_ONE, S_UPDATE, S_FORGET };

static const char *opt_name(const struct crm_rec_tool *t, int code)
{
	return crm_opt_name(t->long_opts, code);
}

static bool is_field(int code) { return code >= CRM_RT_FIELD && code < CRM_RT_SET; }

/* The fields list filters by: these, and the kind's own filters. */
static bool filter_field(const struct crm_kind *k, const char *name)
{
	static const char *const names[] = {"owner", "account", "parent", "industry", "region", "source"};
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	for (int i = 0; k->filters && k->filters[i]; i++)
		if (strcmp(k->filters[i], name) == 0)
			return true;
	return false;
}

static bool takes(const struct crm_rec_tool *t, enum sub s, int code)
{
	switch (s) {
	case S_ADD:
	case S_UPDATE:
		return is_field(code) || code == CRM_RT_SET;
	case S_LIST:
		return (is_field(code) && filter_field(t->kind, opt_name(t, code))) ||
		       (code >= CRM_RT_UNOWNED && code <= CRM_RT_LIMIT);
	case S_IMPORT:
		return code >= CRM_RT_CSV && code <= CRM_RT_REJECT;
	case S_FORGET:
		return code == CRM_RT_PERSON;
	case S_ONE:
		break;
	}
	return false;
}

/* Read the options, refusing those sub does not take. */
static int parse(const struct crm_rec_tool *t, enum sub s, struct crm_opts *o, int *argc,
		 char ***argv, struct crm_args *a)
{
	int allowed[CRM_OPT_END - CRM_OPT_TOOL + 1], n = 0;
	for (const struct option *lo = t->long_opts; lo->name; lo++)
		if (lo->val >= CRM_OPT_TOOL && takes(t, s, lo->val))
			allowed[n++] = lo->val;
	allowed[n] = 0;
	return crm_args_parse(o, argc, argv, t->short_opts, t->long_opts, allowed, a);
}

/* The value of the field option called name, or NULL. */
static const char *field_arg(const struct crm_rec_tool *t, const struct crm_args *a,
			     const char *name)
{
	for (const struct option *o = t->long_opts; o->name; o++)
		if (is_field(o->val) && strcmp(o->name, name) == 0)
			return crm_arg(a, o->val);
	return NULL;
}

/* The field options and --set, in the order given, into a new record. */
static int record(const struct crm_rec_tool *t, struct crm_ctx *ctx, const struct crm_args *a,
		  struct crm_rec **out)
{
	struct crm_rec *r = crm_rec_new(ctx, t->kind);
	int st = 0;
	for (int i = 0; i < a->n && !st; i++) {
		int c = a->code[i];
		if (c == CRM_RT_SET)
			st = crm_rec_set_pair(r, a->given[i]);
		else if (is_field(c))
			st = crm_rec_set(r, opt_name(t, c), a->given[i]);
	}
	if (st) {
		crm_rec_free(r);
		return st;
	}
	*out = r;
	return 0;
}

int crm_rt_add(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	struct crm_rec *r;
	int st;
	if ((st = parse(t, S_ADD, o, &argc, &argv, &a)) || (st = crm_operands(argc, 0, 0, "")) ||
	    (st = crm_ctx_open(&ctx, o)))
		return st;
	if (!(st = record(t, &ctx, &a, &r))) {
		st = crm_rec_add(&ctx, r, stdout);
		crm_rec_free(r);
	}
	crm_ctx_close(&ctx);
	return st;
}

int crm_rt_import(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	static const char *const policies[] = {"skip", "update", "error"};
	struct crm_rec_import_opts io = {.format = CRM_ROWS_GUESS};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(t, S_IMPORT, o, &argc, &argv, &a)))
		return st;
	if (crm_arg(&a, CRM_RT_CSV) && crm_arg(&a, CRM_RT_TSV))
		return crm_usage_fail("--csv and --tsv exclude each other");
	if (crm_arg(&a, CRM_RT_REJECT) && !crm_arg(&a, CRM_RT_SKIP_BAD))
		return crm_usage_fail("--reject goes with --skip-bad");
	if (crm_arg(&a, CRM_RT_ON_DUP)) {
		int p = 0;
		while (p < 3 && strcmp(policies[p], crm_arg(&a, CRM_RT_ON_DUP)) != 0)
			p++;
		if (p == 3)
			return crm_usage_fail("unknown --on-duplicate policy '%s' (skip, update, error)",
					      crm_arg(&a, CRM_RT_ON_DUP));
		io.on_duplicate = (enum crm_import_dup)p;
	}
	io.format = crm_arg(&a, CRM_RT_CSV) ? CRM_ROWS_CSV
		    : crm_arg(&a, CRM_RT_TSV) ? CRM_ROWS_TSV : CRM_ROWS_GUESS;
	io.map = crm_arg(&a, CRM_RT_MAP);
	io.skip_bad = crm_arg(&a, CRM_RT_SKIP_BAD) != NULL;
	io.reject = crm_arg(&a, CRM_RT_REJECT);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_rec_import(&ctx, t->kind, &io, argv, argc, stdout);
	crm_ctx_close(&ctx);
	return st;
}

/* An id option value: "invalid account id 'x'" (64) otherwise. */
static int id_arg(const char *entity, const char *s, int64_t *id)
{
	if (!s)
		return 0;
	int st = crm_id_parse(entity, s, id);
	return st ? crm_usage_error() : 0;
}

int crm_rt_list(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_rec_filter f;
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(t, S_LIST, o, &argc, &argv, &a)) || (st = crm_operands(argc, 0, 0, "")))
		return st;
	crm_rec_filter_init(&f);
	f.owner = field_arg(t, &a, "owner");
	f.industry = field_arg(t, &a, "industry");
	f.region = field_arg(t, &a, "region");
	f.source = field_arg(t, &a, "source");
	for (int i = 0; t->kind->filters && t->kind->filters[i] && i < CRM_REC_FILTERS; i++)
		f.eq[i] = field_arg(t, &a, t->kind->filters[i]);
	if ((st = id_arg("account", field_arg(t, &a, "account"), &f.account)) ||
	    (st = id_arg("account", field_arg(t, &a, "parent"), &f.account)))
		return st;
	f.unowned = crm_arg(&a, CRM_RT_UNOWNED) != NULL;
	f.tag = crm_arg(&a, CRM_RT_TAG);
	f.since = crm_arg(&a, CRM_RT_SINCE);
	f.until = crm_arg(&a, CRM_RT_UNTIL);
	f.search = crm_arg(&a, CRM_RT_SEARCH);
	f.fields = crm_arg(&a, CRM_RT_FIELDS);
	f.sort = crm_arg(&a, CRM_RT_SORT);
	if (crm_arg(&a, CRM_RT_LIMIT))
		f.limit = crm_opt_long("--limit", crm_arg(&a, CRM_RT_LIMIT));
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_rec_list(&ctx, t->kind, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

/* Parse the options of sub, then an id as the first operand and at least
 * min (at most max, -1 = any) more, and open the context. */
static int with_id(const struct crm_rec_tool *t, enum sub s, struct crm_opts *o, int *argc,
		   char ***argv, struct crm_args *a, int min, int max, int64_t *id, struct crm_ctx *ctx)
{
	char what[48];
	int st;
	snprintf(what, sizeof what, "%s id", t->kind->entity);
	if ((st = parse(t, s, o, argc, argv, a)) ||
	    (st = crm_operands(*argc, 1 + min, max < 0 ? -1 : 1 + max, what)) ||
	    (st = crm_id_parse(t->kind->entity, (*argv)[0], id)))
		return st;
	(*argc)--;
	(*argv)++;
	return crm_ctx_open(ctx, o);
}

int crm_rt_show(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = with_id(t, S_ONE, o, &argc, &argv, &a, 0, 0, &id, &ctx)))
		return st;
	st = t->show ? t->show(&ctx, id, stdout) : crm_rec_show(&ctx, t->kind, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

int crm_rt_update(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	struct crm_rec *r;
	int64_t id = 0;
	int st;
	if ((st = parse(t, S_UPDATE, o, &argc, &argv, &a)) || (st = crm_operands(argc, 0, 1, "")))
		return st;
	if (argc == 0 && a.n)
		return crm_usage_fail("update: field options need %s %s id",
				      t->kind->entity[0] == 'a' ? "an" : "a", t->kind->entity);
	if (argc == 1 && (st = crm_id_parse(t->kind->entity, argv[0], &id)))
		return st;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	if (argc == 0) {
		st = crm_rec_update_tsv(&ctx, t->kind, stdin, "-", stdout);
	} else if (!(st = record(t, &ctx, &a, &r))) {
		st = crm_rec_update(&ctx, id, r, stdout);
		crm_rec_free(r);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int tag_or_untag(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv,
			bool remove)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = with_id(t, S_ONE, o, &argc, &argv, &a, 0, -1, &id, &ctx)))
		return st;
	if (argc == 0)
		st = crm_usage_fail("missing tag");
	else
		st = crm_rec_tag(&ctx, t->kind, id, argv, argc, remove, stdout);
	crm_ctx_close(&ctx);
	return st;
}

int crm_rt_tag(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	return tag_or_untag(t, o, argc, argv, false);
}

int crm_rt_untag(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	return tag_or_untag(t, o, argc, argv, true);
}

int crm_rt_dupes(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(t, S_ONE, o, &argc, &argv, &a)) || (st = crm_operands(argc, 0, 0, "")) ||
	    (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_rec_dupes(&ctx, t->kind, stdout);
	crm_ctx_close(&ctx);
	return st;
}

int crm_rt_merge(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t keep;
	char what[64];
	int st;
	snprintf(what, sizeof what, "%s ids (KEEP DUP...)", t->kind->entity);
	if ((st = parse(t, S_ONE, o, &argc, &argv, &a)) || (st = crm_operands(argc, 2, -1, what)) ||
	    (st = crm_id_parse(t->kind->entity, argv[0], &keep)))
		return st;
	int64_t *dups = crm_xcalloc((size_t)argc, sizeof *dups);
	for (int i = 1; i < argc && !st; i++)
		st = crm_id_parse(t->kind->entity, argv[i], &dups[i - 1]);
	if (!st && !(st = crm_ctx_open(&ctx, o))) {
		st = crm_rec_merge(&ctx, t->kind, keep, dups, argc - 1, stdout);
		crm_ctx_close(&ctx);
	}
	free(dups);
	return st;
}

int crm_rt_forget(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = with_id(t, S_FORGET, o, &argc, &argv, &a, 0, 0, &id, &ctx)))
		return st;
	st = crm_rec_forget(&ctx, t->kind, id, crm_arg(&a, CRM_RT_PERSON) ? t->person_fields : NULL,
			    stdout);
	crm_ctx_close(&ctx);
	return st;
}

int crm_rt_complete(const struct crm_rec_tool *t, struct crm_opts *o, int argc, char **argv)
{
	struct crm_ctx ctx;
	if (strcmp(o->complete, "duplicates") == 0) {
		puts("skip\nupdate\nerror");
		return 0;
	}
	if (strcmp(o->complete, "fields") != 0)
		return crm_complete(o);
	if (!freopen("/dev/null", "w", stderr) || crm_ctx_open_config(&ctx, o) != 0)
		return 0;
	crm_rec_complete_fields(&ctx, t->kind, stdout);
	crm_ctx_close(&ctx);
	return 0;
}

/* ---- the whole tool ---- */

static const struct crm_rec_tool *tool;	/* the one crm_rt_main runs */

#define RUN(f) static int run_##f(struct crm_opts *o, int argc, char **argv) \
	{ return crm_rt_##f(tool, o, argc, argv); }
RUN(add)
RUN(import)
RUN(list)
RUN(show)
RUN(update)
RUN(tag)
RUN(untag)
RUN(dupes)
RUN(merge)
RUN(forget)
RUN(complete)
#undef RUN

enum { FORGET = 9 };	/* cmds[FORGET]: its synopsis names --person where it applies */
static struct crm_subcmd cmds[] = {
	{"add", run_add, .synopsis = "--name NAME [field options] [--set FIELD=VALUE]..."},
	{"import", run_import, .synopsis = "[--csv|--tsv] [--map H=F,...] [--on-duplicate POLICY]\n"
					   "\t[--skip-bad [--reject FILE [--force]]] [FILE...]"},
	{"list", run_list, .synopsis = "[filter options] [--fields F,...] [--sort [-]FIELD]\n"
				       "\t[--limit N]"},
	{"show", run_show, .synopsis = "ID"},
	{"update", run_update, .synopsis = "ID [field options] [--set FIELD=VALUE]...\n"
					   "< TSV"},
	{"tag", run_tag, .synopsis = "ID TAG..."},
	{"untag", run_untag, .synopsis = "ID TAG..."},
	{"dupes", run_dupes, .synopsis = ""},
	{"merge", run_merge, .synopsis = "KEEP DUP..."},
	[FORGET] = {"forget", run_forget, .synopsis = "ID"},
	{.run = run_complete},
};

const struct crm_subcmd *crm_rt_cmds(const struct crm_rec_tool *t)
{
	tool = t;
	cmds[FORGET].synopsis = t->person_fields ? "[--person] ID" : "ID";
	return cmds;
}

int crm_rt_main(const struct crm_rec_tool *t, int argc, char **argv, void (*usage)(FILE *))
{
	return crm_main(argc, argv, crm_rt_cmds(t), usage);
}
