/* crm-quote: quotes on deals with line items, versions, discount approval and PDF/HTML rendering */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "err.h"
#include "opts.h"
#include "quote.h"
#include "record.h"

enum {
	O_DEAL = CRM_OPT_TOOL, O_VALID, O_TERMS, O_PRODUCT, O_TEXT, O_QTY, O_PRICE, O_DISCOUNT,
	O_TAX, O_STATUS, O_OWNER, O_ACCOUNT, O_REASON, O_COMMENT, O_HTML, O_PDF, O_OUTPUT,
};

static const char short_opts[] = CRM_SHORTOPTS "o:";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"deal", required_argument, NULL, O_DEAL},
	{"valid-until", required_argument, NULL, O_VALID},
	{"terms", required_argument, NULL, O_TERMS},
	{"product", required_argument, NULL, O_PRODUCT},
	{"text", required_argument, NULL, O_TEXT},
	{"qty", required_argument, NULL, O_QTY},
	{"price", required_argument, NULL, O_PRICE},
	{"discount", required_argument, NULL, O_DISCOUNT},
	{"tax", required_argument, NULL, O_TAX},
	{"status", required_argument, NULL, O_STATUS},
	{"owner", required_argument, NULL, O_OWNER},
	{"account", required_argument, NULL, O_ACCOUNT},
	{"reason", required_argument, NULL, O_REASON},
	{"comment", required_argument, NULL, O_COMMENT},
	{"html", no_argument, NULL, O_HTML},
	{"pdf", no_argument, NULL, O_PDF},
	{"output", required_argument, NULL, 'o'},
	CRM_FORCEOPT,
	{0},
};

/* Options, then operands: the quote id first when want_id, and between
 * min and max operands in all; the context opened. */
static int start(struct crm_opts *o, int *argc, char ***argv, const int *allowed,
		 struct crm_args *a, int min, int max, int64_t *id, struct crm_ctx *ctx)
{
	int st;
	if ((st = crm_args_parse(o, argc, argv, short_opts, long_opts, allowed, a)) ||
	    (st = crm_operands(*argc, min, max, "quote id")))
		return st;
	if (id && (st = crm_id_parse("quote", (*argv)[0], id)))
		return st;
	return crm_ctx_open(ctx, o);
}

static int id_opt(const char *entity, const char *s, int64_t *id)
{
	return s ? crm_id_parse(entity, s, id) : 0;
}

static int cmd_new(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_DEAL, O_VALID, O_TERMS, 0};
	struct crm_quote_new n = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 0, 0, "")))
		return st;
	if (!crm_arg(&a, O_DEAL))
		return crm_usage_fail("new needs --deal");
	if ((st = id_opt("deal", crm_arg(&a, O_DEAL), &n.deal_id)))
		return st;
	n.valid_until = crm_arg(&a, O_VALID);
	n.terms = crm_arg(&a, O_TERMS);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_quote_create(&ctx, &n, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_line(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_PRODUCT, O_TEXT, O_QTY, O_PRICE, O_DISCOUNT, O_TAX, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 1, 1, "quote id")) || (st = crm_id_parse("quote", argv[0], &id)))
		return st;
	if (!crm_arg(&a, O_PRODUCT) && !crm_arg(&a, O_TEXT))
		return crm_usage_fail("line needs --product SKU or --text DESCRIPTION");
	struct crm_quote_line_in in = {
		crm_arg(&a, O_PRODUCT), crm_arg(&a, O_TEXT), crm_arg(&a, O_QTY), crm_arg(&a, O_PRICE),
		crm_arg(&a, O_DISCOUNT), crm_arg(&a, O_TAX),
	};
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_quote_add_lines(&ctx, id, &in, 1, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_lines(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = start(o, &argc, &argv, (const int[]){0}, &a, 1, 1, &id, &ctx)))
		return st;
	st = crm_quote_lines_tsv(&ctx, id, stdin, "-", stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_rmline(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id, line;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, (const int[]){0}, &a)) ||
	    (st = crm_operands(argc, 2, 2, "quote id and line number")) ||
	    (st = crm_id_parse("quote", argv[0], &id)) || (st = crm_id_parse("line", argv[1], &line)))
		return st;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_quote_remove_line(&ctx, id, line > 100000 ? 0 : (int)line, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_DEAL, O_STATUS, O_OWNER, O_ACCOUNT, 0};
	struct crm_quote_filter f = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 0, 0, "")) ||
	    (st = id_opt("deal", crm_arg(&a, O_DEAL), &f.deal)) ||
	    (st = id_opt("account", crm_arg(&a, O_ACCOUNT), &f.account)))
		return st;
	f.status = crm_arg(&a, O_STATUS);
	f.owner = crm_arg(&a, O_OWNER);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_quote_list(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = start(o, &argc, &argv, (const int[]){0}, &a, 1, 1, &id, &ctx)))
		return st;
	st = crm_quote_show(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int decide(struct crm_opts *o, int argc, char **argv, enum crm_quote_act act)
{
	static const int none[] = {0}, reason[] = {O_REASON, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = start(o, &argc, &argv, act == CRM_QUOTE_REJECT ? reason : none, &a, 1, 1, &id,
			&ctx)))
		return st;
	st = crm_quote_decide(&ctx, id, act, crm_arg(&a, O_REASON), stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_send(struct crm_opts *o, int argc, char **argv)
{
	return decide(o, argc, argv, CRM_QUOTE_SEND);
}

static int cmd_accept(struct crm_opts *o, int argc, char **argv)
{
	return decide(o, argc, argv, CRM_QUOTE_ACCEPT);
}

static int cmd_reject(struct crm_opts *o, int argc, char **argv)
{
	return decide(o, argc, argv, CRM_QUOTE_REJECT);
}

static int cmd_expire(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = start(o, &argc, &argv, (const int[]){0}, &a, 0, 0, NULL, &ctx)))
		return st;
	st = crm_quote_expire(&ctx, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_revise(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = start(o, &argc, &argv, (const int[]){0}, &a, 1, 1, &id, &ctx)))
		return st;
	st = crm_quote_revise(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int approval(struct crm_opts *o, int argc, char **argv, bool approve)
{
	static const int allowed[] = {O_COMMENT, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = start(o, &argc, &argv, allowed, &a, 1, 1, &id, &ctx)))
		return st;
	st = crm_quote_approve(&ctx, id, approve, crm_arg(&a, O_COMMENT), stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_approve(struct crm_opts *o, int argc, char **argv)
{
	return approval(o, argc, argv, true);
}

static int cmd_refuse(struct crm_opts *o, int argc, char **argv)
{
	return approval(o, argc, argv, false);
}

static int cmd_render(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_HTML, O_PDF, 'o', 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 1, 1, "quote id")) || (st = crm_id_parse("quote", argv[0], &id)))
		return st;
	if (!crm_arg(&a, O_HTML) == !crm_arg(&a, O_PDF))
		return crm_usage_fail("render needs one of --html and --pdf");
	if (!crm_arg(&a, 'o'))
		return crm_usage_fail("render needs -o FILE");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_quote_render(&ctx, id, crm_arg(&a, O_PDF) ? CRM_RENDER_PDF : CRM_RENDER_HTML,
			      crm_arg(&a, 'o'), o->force);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_complete(struct crm_opts *o, int argc, char **argv)
{
	if (strcmp(o->complete, "quote-status") == 0) {
		puts("draft\nsent\naccepted\nrejected\nexpired\nsuperseded");
		return 0;
	}
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"new", cmd_new, .synopsis = "--deal ID [--valid-until DATE] [--terms TEXT]"},
	{"line", cmd_line, .synopsis = "ID (--product SKU | --text DESCRIPTION --price P) [--qty Q]\n"
				       "\t[--price P] [--discount RATE] [--tax RATE]"},
	{"lines", cmd_lines, .synopsis = "ID < TSV"},
	{"rmline", cmd_rmline, .synopsis = "ID N"},
	{"list", cmd_list, .synopsis = "[--deal ID] [--status S] [--owner LOGIN] [--account ID]"},
	{"show", cmd_show, .synopsis = "ID"},
	{"send", cmd_send, .synopsis = "ID"},
	{"accept", cmd_accept, .synopsis = "ID"},
	{"reject", cmd_reject, .synopsis = "ID [--reason TEXT]"},
	{"expire", cmd_expire, .synopsis = ""},
	{"revise", cmd_revise, .synopsis = "ID"},
	{"approve", cmd_approve, .synopsis = "ID [--comment TEXT]"},
	{"refuse-discount", cmd_refuse, .synopsis = "ID [--comment TEXT]"},
	{"render", cmd_render, .synopsis = "ID (--html | --pdf) -o FILE [--force]"},
	{.run = cmd_complete},
};

static void usage(FILE *fp)
{
	if (fp == stderr) {
		crm_usage_error();
		return;
	}
	fputs("Usage:\n", fp);
	crm_usage_synopsis(fp, "crm-quote", cmds);
	fputs("\n"
	      "Quote a deal: lines from the catalogue or free text, totals rounded per\n"
	      "line, versions, a discount above its ceiling approved, and the document\n"
	      "the customer receives as HTML or PDF.\n"
	      "\n"
	      "Options:\n"
	      "      --deal <id>           new, list: the deal\n"
	      "      --valid-until <date>  new: last day it is valid (default: valid_for)\n"
	      "      --terms <text>        new: terms printed on the quote\n"
	      "      --product <sku|id>    line: a product of the catalogue\n"
	      "      --text <text>         line: a description (free text with --price)\n"
	      "      --qty <n>             line: quantity (default 1)\n"
	      "      --price <amount>      line: unit price (default: the tier's)\n"
	      "      --discount <rate>     line: discount, 5% or 0.05\n"
	      "      --tax <rate>          line: tax rate (default: the product's)\n"
	      "      --status <status>     list: draft, sent, accepted, rejected, expired\n"
	      "                            or superseded\n"
	      "      --owner <login>       list: quotes of this owner\n"
	      "      --account <id>        list: quotes of this account\n"
	      "      --reason <text>       reject: why\n"
	      "      --comment <text>      approve, refuse-discount: a comment\n"
	      "      --html                render: an HTML document\n"
	      "      --pdf                 render: a PDF document\n"
	      "  -o, --output <file>       render: the file to write\n"
	      "      --force               render: replace an existing file\n"
	      "\n"
	      "Common options:\n"
	      CRM_HELP_COMMON_WIDE
	      "See crm-quote(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
