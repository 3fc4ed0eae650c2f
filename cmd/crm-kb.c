/* crm-kb: the knowledge base: articles, their full-text search, suggestions for tickets */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "kb.h"
#include "opts.h"
#include "out.h"
#include "record.h"
#include "rows.h"
#include "search.h"
#include "text.h"

enum {
	OPT_TITLE = CRM_OPT_TOOL, OPT_BODY, OPT_FILE, OPT_FORMAT, OPT_TAGS, OPT_PUBLISH,
	OPT_STATUS, OPT_TAG, OPT_CSV, OPT_TSV, OPT_SKIP_BAD, OPT_REJECT, OPT_LIMIT, OPT_ALL,
	OPT_TICKET, OPT_TICKETS, OPT_NOTES,
};

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"title", required_argument, NULL, OPT_TITLE},
	{"body", required_argument, NULL, OPT_BODY},
	{"file", required_argument, NULL, OPT_FILE},
	{"text-format", required_argument, NULL, OPT_FORMAT},
	{"tags", required_argument, NULL, OPT_TAGS},
	{"publish", no_argument, NULL, OPT_PUBLISH},
	{"status", required_argument, NULL, OPT_STATUS},
	{"tag", required_argument, NULL, OPT_TAG},
	{"csv", no_argument, NULL, OPT_CSV},
	{"tsv", no_argument, NULL, OPT_TSV},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"reject", required_argument, NULL, OPT_REJECT},
	CRM_FORCEOPT,
	{"limit", required_argument, NULL, OPT_LIMIT},
	{"all", no_argument, NULL, OPT_ALL},
	{"ticket", required_argument, NULL, OPT_TICKET},
	{"tickets", no_argument, NULL, OPT_TICKETS},
	{"notes", no_argument, NULL, OPT_NOTES},
	{0},
};

static const int add_opts[] = {OPT_TITLE, OPT_BODY, OPT_FILE, OPT_FORMAT, OPT_TAGS, OPT_PUBLISH, 0};
static const int edit_opts[] = {OPT_TITLE, OPT_BODY, OPT_FILE, OPT_FORMAT, OPT_TAGS, 0};
static const int list_opts[] = {OPT_STATUS, OPT_TAG, 0};
static const int import_opts[] = {OPT_CSV, OPT_TSV, OPT_SKIP_BAD, OPT_REJECT, CRM_OPT_FORCE, 0};
static const int search_opts[] = {OPT_LIMIT, OPT_ALL, OPT_TICKETS, OPT_NOTES, 0};
static const int suggest_opts[] = {OPT_LIMIT, OPT_TICKET, 0};
static const int none[] = {0};

static FILE *output(struct crm_opts *o)
{
	return o->quiet ? NULL : stdout;
}

/* The whole of path ("-": stdin), malloc'd; NULL after reporting. */
static char *slurp(const char *path, int *st)
{
	char *text;
	*st = crm_read_text(path, CRM_KB_BODY_MAX, &text);
	return *st ? NULL : text;
}

/* The article values of the options; *body a slurped body to free. */
static int article(const struct crm_args *a, bool stdin_body, struct crm_kb_article *k,
		   char **body)
{
	int st = 0;
	*body = NULL;
	memset(k, 0, sizeof *k);
	if (crm_arg(a, OPT_BODY) && crm_arg(a, OPT_FILE))
		return crm_usage_fail("--body and --file exclude each other");
	k->title = crm_arg(a, OPT_TITLE);
	k->format = crm_arg(a, OPT_FORMAT);
	k->tags = crm_arg(a, OPT_TAGS);
	k->status = crm_arg(a, OPT_PUBLISH) ? "published" : NULL;
	k->body = crm_arg(a, OPT_BODY);
	if (!k->body && (crm_arg(a, OPT_FILE) || stdin_body)) {
		if (!(*body = slurp(crm_arg(a, OPT_FILE) ? crm_arg(a, OPT_FILE) : "-", &st)))
			return st;
		k->body = *body;
	}
	return 0;
}

static int article_id(const char *s, int64_t *id)
{
	return crm_id_parse("article", s, id);
}

static int cmd_add(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_kb_article k;
	struct crm_ctx ctx;
	char *body;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, add_opts, &a)) ||
	    (st = crm_operands(argc, 0, 0, NULL)))
		return st;
	if (!crm_arg(&a, OPT_TITLE))
		return crm_usage_fail("add needs --title");
	if ((st = article(&a, true, &k, &body)))
		return st;
	if (!(st = crm_ctx_open(&ctx, o))) {
		st = crm_kb_add(&ctx, &k, output(o));
		crm_ctx_close(&ctx);
	}
	free(body);
	return st;
}

static int cmd_edit(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_kb_article k;
	struct crm_ctx ctx;
	char *body;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, edit_opts, &a)) ||
	    (st = crm_operands(argc, 1, 1, "article")) || (st = article_id(argv[0], &id)) ||
	    (st = article(&a, false, &k, &body)))
		return st;
	if (!(st = crm_ctx_open(&ctx, o))) {
		st = crm_kb_edit(&ctx, id, &k, output(o));
		crm_ctx_close(&ctx);
	}
	free(body);
	return st;
}

static int publish(struct crm_opts *o, int argc, char **argv, bool on)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, none, &a)) ||
	    (st = crm_operands(argc, 1, 1, "article")) || (st = article_id(argv[0], &id)) ||
	    (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_kb_publish(&ctx, id, on, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_publish(struct crm_opts *o, int argc, char **argv) { return publish(o, argc, argv, true); }
static int cmd_unpublish(struct crm_opts *o, int argc, char **argv) { return publish(o, argc, argv, false); }

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, list_opts, &a)) ||
	    (st = crm_operands(argc, 0, 0, NULL)))
		return st;
	struct crm_kb_filter f = {crm_arg(&a, OPT_STATUS), crm_arg(&a, OPT_TAG)};
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_kb_list(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, none, &a)) ||
	    (st = crm_operands(argc, 1, 1, "article")) || (st = article_id(argv[0], &id)) ||
	    (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_kb_show(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_import(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, import_opts, &a)))
		return st;
	if (crm_arg(&a, OPT_CSV) && crm_arg(&a, OPT_TSV))
		return crm_usage_fail("--csv and --tsv exclude each other");
	if (crm_arg(&a, OPT_REJECT) && !crm_arg(&a, OPT_SKIP_BAD))
		return crm_usage_fail("--reject goes with --skip-bad");
	int fmt = crm_arg(&a, OPT_CSV) ? CRM_ROWS_CSV : crm_arg(&a, OPT_TSV) ? CRM_ROWS_TSV
		  : CRM_ROWS_GUESS;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_kb_import(&ctx, fmt, crm_arg(&a, OPT_SKIP_BAD) != NULL, crm_arg(&a, OPT_REJECT),
			   argv, argc, stdout);
	crm_ctx_close(&ctx);
	return st;
}

/* The operands as one query, malloc'd. */
static char *joined(int argc, char **argv)
{
	struct crm_buf b = {0};
	for (int i = 0; i < argc; i++) {
		if (i)
			crm_buf_addc(&b, ' ');
		crm_buf_add(&b, argv[i]);
	}
	return crm_buf_take(&b);
}

static int limit_of(const struct crm_args *a)
{
	const char *v = crm_arg(a, OPT_LIMIT);
	long n = v ? crm_opt_long("--limit", v) : 20;
	return n > 100000 ? 100000 : (int)n;
}

static int cmd_search(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, search_opts, &a)) ||
	    (st = crm_operands(argc, 1, -1, "query")))
		return st;
	bool tickets = crm_arg(&a, OPT_TICKETS), notes = crm_arg(&a, OPT_NOTES);
	if (tickets && notes)
		return crm_usage_fail("--tickets and --notes exclude each other");
	if ((tickets || notes) && crm_arg(&a, OPT_ALL))
		return crm_usage_fail("--all goes with a search of the articles");
	int limit = limit_of(&a);
	char *q = joined(argc, argv);
	if (!q[strspn(q, " \t\n")]) {
		free(q);
		return crm_usage_fail("search: an empty query");
	}
	if (!(st = crm_ctx_open(&ctx, o))) {
		if (tickets || notes) {
			struct crm_out *out = crm_out_new(stdout, o->format, !o->no_header);
			st = tickets ? crm_search_tickets(&ctx, q, limit, out)
			     : crm_search_interactions(&ctx, q, limit, out);
			crm_out_end(out);
		} else
			st = crm_kb_search(&ctx, q, limit, crm_arg(&a, OPT_ALL) != NULL, stdout);
		crm_ctx_close(&ctx);
	}
	free(q);
	return st;
}

static int cmd_suggest(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	const char *ticket;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, suggest_opts, &a)))
		return st;
	if ((ticket = crm_arg(&a, OPT_TICKET))) {
		if ((st = crm_operands(argc, 0, 0, NULL)))
			return st;
	} else if ((st = crm_operands(argc, 1, -1, "text (or --ticket ID)")))
		return st;
	int limit = limit_of(&a);
	char *text = joined(argc, argv);
	if (!(st = crm_ctx_open(&ctx, o))) {
		st = crm_kb_suggest(&ctx, ticket, text, limit, stdout);
		crm_ctx_close(&ctx);
	}
	free(text);
	return st;
}

static int cmd_link(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, none, &a)) ||
	    (st = crm_operands(argc, 2, 2, "ticket and article")) ||
	    (st = article_id(argv[1], &id)) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_kb_link(&ctx, argv[0], id, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_completion(struct crm_opts *o, int argc, char **argv)
{
	if (!strcmp(o->complete, "subcommands")) {
		crm_complete_subcommands(o->cmds, stdout);
		return 0;
	}
	if (!strcmp(o->complete, "statuses")) {
		puts("draft\npublished");
		return 0;
	}
	if (!strcmp(o->complete, "formats")) {
		puts("text\nmarkdown");
		return 0;
	}
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add, .synopsis = "--title TITLE [--body TEXT | --file PATH] [--text-format F]\n"
				     "\t[--tags A,B] [--publish] [< BODY]",
	 .summary = "an article (a draft unless --publish)"},
	{"edit", cmd_edit, .synopsis = "ID [--title TITLE] [--body TEXT | --file PATH]\n"
				       "\t[--text-format F] [--tags A,B]",
	 .summary = "change an article, each field audited"},
	{"publish", cmd_publish, .synopsis = "ID", .summary = "make an article readable by everyone"},
	{"unpublish", cmd_unpublish, .synopsis = "ID", .summary = "take an article back to draft"},
	{"list", cmd_list, .synopsis = "[--status S] [--tag TAG]", .summary = "the articles you see"},
	{"show", cmd_show, .synopsis = "ID", .summary = "an article's fields, body and history"},
	{"import", cmd_import, .synopsis = "[--csv|--tsv] [--skip-bad [--reject FILE [--force]]]"
					   " [FILE...]",
	 .summary = "articles from CSV or TSV (title, body, tags, status, format)"},
	{"search", cmd_search, .synopsis = "QUERY... [--limit N] [--all]\n"
					   "--tickets QUERY... [--limit N]\n"
					   "--notes QUERY... [--limit N]",
	 .summary = "articles (or tickets, or notes) matching QUERY, best first"},
	{"suggest", cmd_suggest, .synopsis = "--ticket TICKET [--limit N]\n"
					     "TEXT... [--limit N]",
	 .summary = "the published articles likely to answer a ticket"},
	{"link", cmd_link, .synopsis = "TICKET ARTICLE",
	 .summary = "record that an article helped with a ticket"},
	{.run = cmd_completion},
};

static void usage(FILE *fp)
{
	if (fp == stderr) {
		crm_usage_error();
		return;
	}
	fputs("Usage:\n", fp);
	crm_usage_synopsis(fp, "crm-kb", cmds);
	fputs("\n"
	      "The knowledge base: articles in text or Markdown, found by full-text search\n"
	      "(Chinese included), suggested for tickets, linked to the tickets they helped.\n"
	      "Everyone reads published articles; anyone may add a draft and edit their own;\n"
	      "managers and admins edit, publish and import.\n"
	      "\n"
	      "Commands:\n", fp);
	crm_usage_summaries(fp, cmds);
	fputs("\n"
	      "Options:\n"
	      "      --title <text>      the article's title\n"
	      "      --body <text>       its body (add: else --file, else stdin)\n"
	      "      --file <path>       read the body from path (- for stdin)\n"
	      "      --text-format <f>   text (default) or markdown\n"
	      "      --tags <a,b>        its tags (edit: empty clears)\n"
	      "      --publish           add: published at once (managers, admins)\n"
	      "      --status <s>        list: draft or published\n"
	      "      --tag <tag>         list: only articles with this tag\n"
	      "      --csv               import: read CSV whatever the file name\n"
	      "      --tsv               import: read TSV whatever the file name\n"
	      "      --skip-bad          import: the good rows, reject the bad ones\n"
	      "      --reject <file>     where rejected rows go (default stderr)\n"
	      "      --force             overwrite an existing reject file\n"
	      "      --limit <n>         search, suggest: at most n rows (default 20, 0 all)\n"
	      "      --all               search: drafts too (managers, admins)\n"
	      "      --tickets           search the tickets you see instead\n"
	      "      --notes             search the interactions you see instead\n"
	      "      --ticket <ticket>   suggest: for this ticket's subject and body\n"
	      "\n"
	      CRM_HELP_COMMON
	      "See crm-kb(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
