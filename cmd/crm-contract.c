/* crm-contract: contracts, their approval chain and signing */
#include <stdio.h>
#include <string.h>

#include "complete.h"
#include "contract.h"
#include "ctx.h"
#include "err.h"
#include "opts.h"
#include "rows.h"

enum {
	OPT_DEAL = CRM_OPT_TOOL, OPT_QUOTE, OPT_NUMBER, OPT_TITLE, OPT_PARTY_A, OPT_PARTY_B,
	OPT_AMOUNT, OPT_CURRENCY, OPT_START, OPT_END, OPT_TERMS, OPT_STATUS, OPT_OWNER,
	OPT_ACCOUNT, OPT_PENDING, OPT_COMMENT, OPT_ON, OPT_REASON, OPT_CSV, OPT_TSV, OPT_SKIP_BAD,
	OPT_REJECT, OPT_END_
};
_Static_assert((int)OPT_END_ <= (int)CRM_OPT_END, "crm_args holds every option");

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"deal", required_argument, NULL, OPT_DEAL},
	{"quote", required_argument, NULL, OPT_QUOTE},
	{"number", required_argument, NULL, OPT_NUMBER},
	{"title", required_argument, NULL, OPT_TITLE},
	{"party-a", required_argument, NULL, OPT_PARTY_A},
	{"party-b", required_argument, NULL, OPT_PARTY_B},
	{"amount", required_argument, NULL, OPT_AMOUNT},
	{"currency", required_argument, NULL, OPT_CURRENCY},
	{"start", required_argument, NULL, OPT_START},
	{"end", required_argument, NULL, OPT_END},
	{"terms", required_argument, NULL, OPT_TERMS},
	{"status", required_argument, NULL, OPT_STATUS},
	{"owner", required_argument, NULL, OPT_OWNER},
	{"account", required_argument, NULL, OPT_ACCOUNT},
	{"pending-for", required_argument, NULL, OPT_PENDING},
	{"comment", required_argument, NULL, OPT_COMMENT},
	{"on", required_argument, NULL, OPT_ON},
	{"reason", required_argument, NULL, OPT_REASON},
	{"csv", no_argument, NULL, OPT_CSV},
	{"tsv", no_argument, NULL, OPT_TSV},
	{"skip-bad", no_argument, NULL, OPT_SKIP_BAD},
	{"reject", required_argument, NULL, OPT_REJECT},
	CRM_FORCEOPT,
	{0},
};

#define VALUE_OPTS OPT_NUMBER, OPT_TITLE, OPT_PARTY_A, OPT_PARTY_B, OPT_AMOUNT, OPT_CURRENCY, \
	OPT_START, OPT_END, OPT_TERMS
static const int new_opts[] = {OPT_DEAL, OPT_QUOTE, VALUE_OPTS, 0};
static const int update_opts[] = {VALUE_OPTS, 0};
static const int list_opts[] = {OPT_STATUS, OPT_OWNER, OPT_ACCOUNT, OPT_PENDING, 0};
static const int none[] = {0};
static const int approve_opts[] = {OPT_COMMENT, 0};
static const int sign_opts[] = {OPT_ON, 0};
static const int terminate_opts[] = {OPT_REASON, 0};
static const int import_opts[] = {OPT_CSV, OPT_TSV, OPT_SKIP_BAD, OPT_REJECT, CRM_OPT_FORCE, 0};

static FILE *output(struct crm_opts *o)
{
	return o->quiet ? NULL : stdout;
}

static void input(const struct crm_args *a, struct crm_contract_input *in)
{
	*in = (struct crm_contract_input){
		.deal = crm_arg(a, OPT_DEAL), .quote = crm_arg(a, OPT_QUOTE),
		.number = crm_arg(a, OPT_NUMBER), .title = crm_arg(a, OPT_TITLE),
		.party_a = crm_arg(a, OPT_PARTY_A), .party_b = crm_arg(a, OPT_PARTY_B),
		.amount = crm_arg(a, OPT_AMOUNT), .currency = crm_arg(a, OPT_CURRENCY),
		.start_date = crm_arg(a, OPT_START), .end_date = crm_arg(a, OPT_END),
		.terms = crm_arg(a, OPT_TERMS),
	};
}

static int cmd_new(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_contract_input in;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, new_opts, &a)) ||
	    (st = crm_operands(argc, 0, 0, NULL)))
		return st;
	input(&a, &in);
	if (!in.deal == !in.quote)
		return crm_usage_fail("new needs one of --deal and --quote");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_contract_new(&ctx, &in, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_update(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_contract_input in;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, update_opts, &a)) ||
	    (st = crm_operands(argc, 1, 1, "contract")))
		return st;
	input(&a, &in);
	if (!a.n)
		return crm_usage_fail("update needs a value to change");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_contract_update(&ctx, argv[0], &in, output(o));
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
	struct crm_contract_filter f = {
		.status = crm_arg(&a, OPT_STATUS), .owner = crm_arg(&a, OPT_OWNER),
		.account = crm_arg(&a, OPT_ACCOUNT), .pending_for = crm_arg(&a, OPT_PENDING),
	};
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_contract_list(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, none, &a)) ||
	    (st = crm_operands(argc, 1, 1, "contract")))
		return st;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_contract_show(&ctx, argv[0], stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int move(struct crm_opts *o, int argc, char **argv, enum crm_contract_op op,
		const int *allowed, int text_opt)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 1, 1, "contract")))
		return st;
	const char *text = text_opt ? crm_arg(&a, text_opt) : NULL;
	if (op == CRM_CONTRACT_REJECT && (!text || !*text))
		return crm_usage_fail("reject needs --comment saying why");
	if (op == CRM_CONTRACT_TERMINATE && (!text || !*text))
		return crm_usage_fail("terminate needs --reason");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_contract_move(&ctx, op, argv[0], text, output(o));
	crm_ctx_close(&ctx);
	return st;
}

#define MOVE(name, op, allowed, text) \
	static int cmd_##name(struct crm_opts *o, int argc, char **argv) \
	{ return move(o, argc, argv, op, allowed, text); }
MOVE(submit, CRM_CONTRACT_SUBMIT, none, 0)
MOVE(approve, CRM_CONTRACT_APPROVE, approve_opts, OPT_COMMENT)
MOVE(reject, CRM_CONTRACT_REJECT, approve_opts, OPT_COMMENT)
MOVE(sign, CRM_CONTRACT_SIGN, sign_opts, OPT_ON)
MOVE(activate, CRM_CONTRACT_ACTIVATE, none, 0)
MOVE(complete, CRM_CONTRACT_COMPLETE, none, 0)
MOVE(terminate, CRM_CONTRACT_TERMINATE, terminate_opts, OPT_REASON)

static int cmd_import(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, import_opts, &a)))
		return st;
	if (crm_arg(&a, OPT_CSV) && crm_arg(&a, OPT_TSV))
		return crm_usage_fail("give only one of --csv and --tsv");
	if (crm_arg(&a, OPT_REJECT) && !crm_arg(&a, OPT_SKIP_BAD))
		return crm_usage_fail("--reject goes with --skip-bad");
	struct crm_contract_import_opts io = {
		.format = crm_arg(&a, OPT_CSV) ? CRM_ROWS_CSV : crm_arg(&a, OPT_TSV) ? CRM_ROWS_TSV
			: CRM_ROWS_GUESS,
		.skip_bad = crm_arg(&a, OPT_SKIP_BAD) != NULL, .reject = crm_arg(&a, OPT_REJECT),
	};
	static char *stdin_only[] = {(char *)"-"};
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_contract_import(&ctx, &io, argc ? argv : stdin_only, argc ? argc : 1, output(o));
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
		puts("draft\npending\napproved\nrejected\nsigned\nactive\ncompleted\nterminated");
		return 0;
	}
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"new", cmd_new, .synopsis = "--deal ID | --quote ID [--number N] [--title T]\n"
				     "\t[--amount A] [--currency C] [--start DATE] [--end DATE]\n"
				     "\t[--party-a NAME] [--party-b NAME] [--terms TEXT]",
	 .summary = "make a draft from a won deal or an accepted quote"},
	{"list", cmd_list, .synopsis = "[--status S] [--owner LOGIN] [--account ID]\n"
				       "\t[--pending-for LOGIN|me]",
	 .summary = "the contracts you see"},
	{"show", cmd_show, .synopsis = "ID", .summary = "fields, lines and the approval chain"},
	{"update", cmd_update, .synopsis = "ID [--number N] [--title T] [--amount A] ...",
	 .summary = "change a draft or rejected contract"},
	{"submit", cmd_submit, .synopsis = "ID", .summary = "send it through the approval chain"},
	{"approve", cmd_approve, .synopsis = "ID [--comment TEXT]",
	 .summary = "approve the step that is yours"},
	{"reject", cmd_reject, .synopsis = "ID --comment TEXT",
	 .summary = "send it back to the owner"},
	{"sign", cmd_sign, .synopsis = "ID [--on DATE]", .summary = "record the signing"},
	{"activate", cmd_activate, .synopsis = "ID", .summary = "a signed contract comes into force"},
	{"complete", cmd_complete, .synopsis = "ID",
	 .summary = "an active contract is fulfilled"},
	{"terminate", cmd_terminate, .synopsis = "ID --reason TEXT",
	 .summary = "end a signed or active contract early"},
	{"import", cmd_import, .synopsis = "[--csv | --tsv] [--skip-bad [--reject FILE]] [FILE...]",
	 .summary = "historical contracts from CSV or TSV"},
	{.run = cmd_completion},
};

static void usage(FILE *fp)
{
	if (fp == stderr) {
		crm_usage_error();
		return;
	}
	fputs("Usage:\n", fp);
	crm_usage_synopsis(fp, "crm-contract", cmds);
	fputs("\n"
	      "Contracts made from won deals and accepted quotes, approved step by step as the\n"
	      "config says, then signed, active and completed or terminated.\n"
	      "\n"
	      "Commands:\n", fp);
	crm_usage_summaries(fp, cmds);
	fputs("\n"
	      "Options:\n"
	      "      --deal <id>         new: the won deal\n"
	      "      --quote <id>        new: the accepted quote (its lines are copied)\n"
	      "      --number <text>     the contract number (default C-000001, ...)\n"
	      "      --title <text>      the title (default the deal's)\n"
	      "      --party-a <name>    the customer (default the account's name)\n"
	      "      --party-b <name>    us (default contracts.company in the config)\n"
	      "      --amount <money>    the amount (default the quote's total or the deal's)\n"
	      "      --currency <code>   the currency (default the quote's, deal's or config's)\n"
	      "      --start <date>      when it starts\n"
	      "      --end <date>        when it ends (not before --start)\n"
	      "      --terms <text>      the terms\n"
	      "      --status <status>   list: only contracts in this status\n"
	      "      --owner <login>     list: only this owner's\n"
	      "      --account <id>      list: only this account's\n"
	      "      --pending-for <login>  list: waiting for this approver (or me)\n"
	      "      --comment <text>    approve, reject: why\n"
	      "      --on <date>         sign: the day it was signed (default today)\n"
	      "      --reason <text>     terminate: why\n"
	      "      --csv               import: the files are CSV\n"
	      "      --tsv               import: the files are TSV\n"
	      "      --skip-bad          import: import the good rows, reject the bad\n"
	      "      --reject <file>     import: where rejected rows go (default stderr)\n"
	      "      --force             the reject file may replace a file\n"
	      CRM_HELP_COMMON
	      "See crm-contract(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
