/* crm-pay: instalment plans, payments and invoices of contracts */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "opts.h"
#include "out.h"
#include "pay.h"

enum {
	OPT_TEMPLATE = CRM_OPT_TOOL, OPT_SPLIT, OPT_DUE, OPT_ORDER, OPT_ON, OPT_METHOD, OPT_REF,
	OPT_NOTE, OPT_KIND, OPT_CONTRACT, OPT_SKIP_BAD, OPT_REJECT,
};

static const char short_opts[] = CRM_SHORTOPTS "s:u:o:";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	CRM_FORCEOPT,
	{"template", required_argument, NULL, OPT_TEMPLATE},
	{"split", required_argument, NULL, OPT_SPLIT},
	{"due", required_argument, NULL, OPT_DUE},
	{"order", required_argument, NULL, OPT_ORDER},
	{"on", required_argument, NULL, OPT_ON},
	{"method", required_argument, NULL, OPT_METHOD},
	{"ref", required_argument, NULL, OPT_REF},
	{"note", required_argument, NULL, OPT_NOTE},
	{"kind", required_argument, NULL, OPT_KIND},
	{"contract", required_argument, NULL, OPT_CONTRACT},
	{"since", required_argument, NULL, 's'},
	{"until", required_argument, NULL, 'u'},
	{"owner", required_argument, NULL, 'o'},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"reject", required_argument, NULL, OPT_REJECT},
	{0},
};

static FILE *output(const struct crm_opts *o)
{
	return o->quiet ? NULL : stdout;
}

/* Parse the options a subcommand takes (0-terminated allowed). */
static int parse(struct crm_opts *o, int *argc, char ***argv, const int *allowed,
		 struct crm_args *a)
{
	return crm_args_parse(o, argc, argv, short_opts, long_opts, allowed, a);
}

static int with_ctx(struct crm_opts *o, struct crm_ctx *ctx)
{
	return crm_ctx_open(ctx, o);
}

static int cmd_schedule(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, allowed, &a)) ||
	    (st = crm_operands(argc, 1, 1, "contract")) || (st = with_ctx(o, &ctx)))
		return st;
	struct crm_out *out = crm_out_new(stdout, o->format, !o->no_header);
	st = crm_pay_schedule(&ctx, argv[0], out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_plan(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {OPT_TEMPLATE, OPT_SPLIT, OPT_DUE, OPT_ORDER, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if (argc > 1 && strcmp(argv[1], "show") == 0)
		return cmd_schedule(o, argc - 1, argv + 1);
	if ((st = parse(o, &argc, &argv, allowed, &a)) || (st = crm_operands(argc, 1, 1, "contract")))
		return st;
	const char **due = crm_xcalloc(CRM_ARGS_MAX, sizeof *due);
	struct crm_pay_plan_in in = {
		.contract = argv[0], .order = crm_arg(&a, OPT_ORDER),
		.template_name = crm_arg(&a, OPT_TEMPLATE), .split = crm_arg(&a, OPT_SPLIT), .due = due,
	};
	for (int i = 0; i < a.n; i++)
		if (a.code[i] == OPT_DUE)
			due[in.ndue++] = a.given[i];
	if ((in.template_name != NULL) + (in.split != NULL) + (in.ndue > 0) > 1)
		st = crm_usage_fail("give only one of --template, --split and --due");
	else if (!(st = with_ctx(o, &ctx))) {
		st = crm_pay_plan(&ctx, &in, output(o));
		crm_ctx_close(&ctx);
	}
	free(due);
	return st;
}

static int cmd_record(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {OPT_ON, OPT_METHOD, OPT_REF, OPT_NOTE, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, allowed, &a)) ||
	    (st = crm_operands(argc, 2, 2, "contract and amount")) || (st = with_ctx(o, &ctx)))
		return st;
	struct crm_pay_record_in in = {
		.contract = argv[0], .amount = argv[1], .on = crm_arg(&a, OPT_ON),
		.method = crm_arg(&a, OPT_METHOD), .reference = crm_arg(&a, OPT_REF),
		.note = crm_arg(&a, OPT_NOTE),
	};
	st = crm_pay_record(&ctx, &in, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int list(struct crm_opts *o, int argc, char **argv,
		int (*fn)(struct crm_ctx *, const struct crm_pay_filter *, struct crm_out *))
{
	static const int allowed[] = {OPT_CONTRACT, 's', 'u', 'o', 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, allowed, &a)) || (st = crm_operands(argc, 0, 0, NULL)) ||
	    (st = with_ctx(o, &ctx)))
		return st;
	struct crm_pay_filter f = {
		.contract = crm_arg(&a, OPT_CONTRACT), .since = crm_arg(&a, 's'),
		.until = crm_arg(&a, 'u'), .owner = crm_arg(&a, 'o'),
	};
	struct crm_out *out = crm_out_new(stdout, o->format, !o->no_header);
	st = fn(&ctx, &f, out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_payments(struct crm_opts *o, int argc, char **argv) { return list(o, argc, argv, crm_pay_list); }
static int cmd_invoices(struct crm_opts *o, int argc, char **argv) { return list(o, argc, argv, crm_pay_invoices); }

static int cmd_invoice(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {OPT_ON, OPT_KIND, OPT_NOTE, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, allowed, &a)) ||
	    (st = crm_operands(argc, 3, 3, "contract, number and amount")) ||
	    (st = with_ctx(o, &ctx)))
		return st;
	struct crm_pay_invoice_in in = {
		.contract = argv[0], .number = argv[1], .amount = argv[2], .on = crm_arg(&a, OPT_ON),
		.kind = crm_arg(&a, OPT_KIND), .note = crm_arg(&a, OPT_NOTE),
	};
	st = crm_pay_invoice(&ctx, &in, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_import(struct crm_opts *o, int argc, char **argv);

static int complete(struct crm_opts *o, int argc, char **argv)
{
	if (strcmp(o->complete, "subcommands") == 0) {
		crm_complete_subcommands(o->cmds, stdout);
		return 0;
	}
	if (strcmp(o->complete, "kinds") == 0) {
		puts("normal\nspecial");
		return 0;
	}
	if (strcmp(o->complete, "contracts") == 0) {
		struct crm_ctx ctx;
		crm_warn_hold();	/* completion never prints messages */
		int st = crm_ctx_open(&ctx, o);
		crm_warn_release(false);
		if (st)
			return 0;
		st = crm_pay_complete_contracts(&ctx, stdout);
		crm_ctx_close(&ctx);
		return st;
	}
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"plan", cmd_plan, .synopsis = "CONTRACT (--template NAME | --split PCT[:DAYS],... |\n"
				       "\t--due DATE:AMOUNT...) [--order ID]\n"
				       "plan show CONTRACT",
	 .summary = "make or replace the instalment plan of a contract"},
	{"schedule", cmd_schedule, .synopsis = "CONTRACT",
	 .summary = "the instalments with what is paid, open and overdue"},
	{"record", cmd_record, .synopsis = "CONTRACT AMOUNT [--on DATE] [--method M] [--ref R]\n"
					   "\t[--note TEXT]",
	 .summary = "a payment, allocated to the oldest open instalment first"},
	{"payments", cmd_payments, .synopsis = "[--contract C] [--since DATE] [--until DATE]\n"
					       "\t[--owner LOGIN]",
	 .summary = "list payments"},
	{"invoice", cmd_invoice, .synopsis = "CONTRACT NUMBER AMOUNT [--on DATE]\n"
					     "\t[--kind normal|special] [--note TEXT]",
	 .summary = "record an invoice (发票) issued"},
	{"invoices", cmd_invoices, .synopsis = "[--contract C] [--since DATE] [--until DATE]\n"
					       "\t[--owner LOGIN]",
	 .summary = "list invoices"},
	{"import", cmd_import, .synopsis = "[--skip-bad [--reject FILE [--force]]] [FILE]",
	 .summary = "historical instalments, payments and invoices from TSV or CSV"},
	{.run = complete},
};

static int cmd_import(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {OPT_SKIP_BAD, OPT_REJECT, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, allowed, &a)) || (st = crm_operands(argc, 0, 1, NULL)))
		return st;
	bool skip_bad = crm_arg(&a, OPT_SKIP_BAD) != NULL;
	const char *reject = crm_arg(&a, OPT_REJECT);
	const char *name = argc ? argv[0] : "-";
	if (reject && !skip_bad)
		return crm_usage_fail("--reject goes with --skip-bad");
	if (!(st = with_ctx(o, &ctx))) {
		st = crm_pay_import(&ctx, name, skip_bad, reject, output(o));
		crm_ctx_close(&ctx);
	}
	return st;
}

static void usage(FILE *fp)
{
	if (fp == stderr) {
		crm_usage_error();
		return;
	}
	fputs("Usage:\n", fp);
	crm_usage_synopsis(fp, "crm-pay", cmds);
	fputs("\n"
	      "Instalment plans (回款计划) of contracts and orders, the payments received\n"
	      "against them, and the invoices (发票) issued.\n"
	      "\n"
	      "Commands:\n", fp);
	crm_usage_summaries(fp, cmds);
	fputs("\n"
	      "Options:\n"
	      "      --template <name>   plan: a plan of the config's payments.plans\n"
	      "      --split <list>      plan: percentages, each with :DAYS after the start\n"
	      "      --due <date:amt>    plan: one instalment by hand (repeat it)\n"
	      "      --order <id>        plan: the instalments of this order of the contract\n"
	      "      --on <date>         record, invoice: the date (default today)\n"
	      "      --method <method>   record: bank, cash, alipay, wechat, cheque...\n"
	      "      --ref <reference>   record: the bank's or the payer's reference\n"
	      "      --note <text>       record, invoice: a note\n"
	      "      --kind <kind>       invoice: normal (普票, default) or special (专票)\n"
	      "      --contract <c>      payments, invoices: of this contract only\n"
	      "  -s, --since <date>      payments, invoices: from this date\n"
	      "  -u, --until <date>      payments, invoices: up to this date\n"
	      "  -o, --owner <login>     payments, invoices: of this owner's contracts\n"
	      "      --skip-bad          import: import the good rows, reject the bad ones\n"
	      "      --reject <file>     import: where rejected rows go (default stderr)\n"
	      "      --force             import: overwrite an existing reject file\n"
	      "  -d, --db <path>         database (default $CRM_DB)\n"
	      "  -c, --config <path>     config file (default $CRM_CONFIG)\n"
	      "  -f, --format <fmt>      output as tsv, csv or table\n"
	      "  -H, --no-header         print no header line\n"
	      "      --csv-raw           CSV cells as they are (no ' before = + - @)\n"
	      "  -n, --dry-run           check and show, but write nothing\n"
	      "      --as <login>        act as this user (admins only)\n"
	      "  -q, --quiet             print nothing on success\n"
	      "  -h, --help              display this help\n"
	      "  -V, --version           display version\n"
	      "\n"
	      "See crm-pay(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
