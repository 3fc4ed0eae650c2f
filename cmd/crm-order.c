/* crm-order: orders made from contracts, and their delivery */
#include <stdio.h>
#include <string.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "opts.h"
#include "order.h"

enum { OPT_CONTRACT = CRM_OPT_TOOL, OPT_LINE, OPT_STATUS, OPT_OWNER };

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"contract", required_argument, NULL, OPT_CONTRACT},
	{"line", required_argument, NULL, OPT_LINE},
	{"status", required_argument, NULL, OPT_STATUS},
	{"owner", required_argument, NULL, OPT_OWNER},
	{0},
};

static const int new_opts[] = {OPT_CONTRACT, OPT_LINE, 0};
static const int list_opts[] = {OPT_CONTRACT, OPT_STATUS, OPT_OWNER, 0};
static const int deliver_opts[] = {OPT_LINE, 0};
static const int none[] = {0};

static FILE *output(struct crm_opts *o)
{
	return o->quiet ? NULL : stdout;
}

/* The --line values, in the order given. */
static int picks(const struct crm_args *a, struct crm_order_pick *p, size_t *n)
{
	*n = 0;
	for (int i = 0; i < a->n; i++) {
		if (a->code[i] != OPT_LINE)
			continue;
		int st = crm_order_pick_parse(a->given[i], &p[(*n)++]);
		if (st)
			return st;
	}
	return 0;
}

static int cmd_new(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_order_pick p[CRM_ARGS_MAX];
	struct crm_ctx ctx;
	size_t n;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, new_opts, &a)) ||
	    (st = crm_operands(argc, 0, 0, NULL)) || (st = picks(&a, p, &n)))
		return st;
	if (!crm_arg(&a, OPT_CONTRACT))
		return crm_usage_fail("new needs --contract");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_order_new(&ctx, crm_arg(&a, OPT_CONTRACT), p, n, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, list_opts, &a)) ||
	    (st = crm_operands(argc, 0, 0, NULL)))
		return st;
	struct crm_order_filter f = {
		.contract = crm_arg(&a, OPT_CONTRACT), .status = crm_arg(&a, OPT_STATUS),
		.owner = crm_arg(&a, OPT_OWNER),
	};
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_order_list(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int one(struct crm_opts *o, int argc, char **argv, int what)
{
	struct crm_args a;
	struct crm_order_pick p[CRM_ARGS_MAX];
	struct crm_ctx ctx;
	size_t n = 0;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts,
				 what == 'd' ? deliver_opts : none, &a)) ||
	    (st = crm_operands(argc, 1, 1, "order")) || (st = picks(&a, p, &n)))
		return st;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = what == 's' ? crm_order_show(&ctx, argv[0], stdout)
	   : what == 'd' ? crm_order_deliver(&ctx, argv[0], p, n, output(o))
	   : crm_order_cancel(&ctx, argv[0], output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_show(struct crm_opts *o, int argc, char **argv) { return one(o, argc, argv, 's'); }
static int cmd_deliver(struct crm_opts *o, int argc, char **argv) { return one(o, argc, argv, 'd'); }
static int cmd_cancel(struct crm_opts *o, int argc, char **argv) { return one(o, argc, argv, 'c'); }

static int cmd_completion(struct crm_opts *o, int argc, char **argv)
{
	if (!strcmp(o->complete, "subcommands")) {
		crm_complete_subcommands(o->cmds, stdout);
		return 0;
	}
	if (!strcmp(o->complete, "statuses")) {
		puts("open\npartial\nfulfilled\ncancelled");
		return 0;
	}
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"new", cmd_new, .synopsis = "--contract ID [--line N:QTY]...",
	 .summary = "an order of all or some of a contract's lines"},
	{"list", cmd_list, .synopsis = "[--contract ID] [--status S] [--owner LOGIN]",
	 .summary = "the orders you see"},
	{"show", cmd_show, .synopsis = "ID", .summary = "an order, its lines and their delivery"},
	{"deliver", cmd_deliver, .synopsis = "ID [--line N:QTY]...",
	 .summary = "count what was delivered (all of it without --line)"},
	{"cancel", cmd_cancel, .synopsis = "ID", .summary = "cancel an order nothing was delivered of"},
	{.run = cmd_completion},
};

static void usage(FILE *fp)
{
	if (fp == stderr) {
		crm_usage_error();
		return;
	}
	fputs("Usage:\n", fp);
	crm_usage_synopsis(fp, "crm-order", cmds);
	fputs("\n"
	      "Orders made from approved, signed or active contracts, whole or in part, and\n"
	      "what of them has been delivered.\n"
	      "\n"
	      "Commands:\n", fp);
	crm_usage_summaries(fp, cmds);
	fputs("\n"
	      "Options:\n"
	      "      --contract <id>     the contract (id or number)\n"
	      "      --line <n:qty>      new: of contract line n; deliver: of order line n\n"
	      "      --status <status>   list: open, partial, fulfilled or cancelled\n"
	      "      --owner <login>     list: only this owner's\n"
	      CRM_HELP_COMMON
	      "See crm-order(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
