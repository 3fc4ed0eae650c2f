/* crm-ticket: service tickets, their SLAs, mail intake and satisfaction surveys */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "err.h"
#include "opts.h"
#include "record.h"
#include "rows.h"
#include "text.h"
#include "ticket.h"

enum {
	F_SUBJECT, F_BODY, F_CHANNEL, F_CATEGORY, F_PRIORITY, F_STATUS, F_ACCOUNT, F_CONTACT,
	F_ORDER, F_CONTRACT, F_SENDER, F_EMAIL, F_PHONE, F_OWNER, F_TAGS,
};
enum {
	O_COMMENT = CRM_RT_END, O_FILE, O_BREACHED, O_APPROACHING, O_ALL, O_MARK, O_NPS,
};
#define FIELD(i) (CRM_RT_FIELD + (i))
#define MAIL_MAX (32u << 20)	/* a message with its attachments */
#define TEXT_MAX (1u << 20)

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"subject", required_argument, NULL, FIELD(F_SUBJECT)},
	{"body", required_argument, NULL, FIELD(F_BODY)},
	{"channel", required_argument, NULL, FIELD(F_CHANNEL)},
	{"category", required_argument, NULL, FIELD(F_CATEGORY)},
	{"priority", required_argument, NULL, FIELD(F_PRIORITY)},
	{"status", required_argument, NULL, FIELD(F_STATUS)},
	{"account", required_argument, NULL, FIELD(F_ACCOUNT)},
	{"contact", required_argument, NULL, FIELD(F_CONTACT)},
	{"order", required_argument, NULL, FIELD(F_ORDER)},
	{"contract", required_argument, NULL, FIELD(F_CONTRACT)},
	{"sender", required_argument, NULL, FIELD(F_SENDER)},
	{"email", required_argument, NULL, FIELD(F_EMAIL)},
	{"phone", required_argument, NULL, FIELD(F_PHONE)},
	{"owner", required_argument, NULL, FIELD(F_OWNER)},
	{"tags", required_argument, NULL, FIELD(F_TAGS)},
	CRM_RT_LONGOPTS,
	{"comment", required_argument, NULL, O_COMMENT},
	{"file", required_argument, NULL, O_FILE},
	{"breached", no_argument, NULL, O_BREACHED},
	{"approaching", no_argument, NULL, O_APPROACHING},
	{"all", no_argument, NULL, O_ALL},
	{"mark", no_argument, NULL, O_MARK},
	{"nps", no_argument, NULL, O_NPS},
	{0},
};

static int show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	return crm_ticket_show(ctx, id, out);
}

static const struct crm_rec_tool tool = {
	&crm_ticket_kind, short_opts, long_opts, show, NULL,
};

static FILE *output(const struct crm_opts *o)
{
	return o->quiet ? NULL : stdout;
}

#define RT(f) static int cmd_##f(struct crm_opts *o, int argc, char **argv) \
	{ return crm_rt_##f(&tool, o, argc, argv); }
RT(add)
RT(import)
RT(list)
RT(update)
RT(tag)
RT(untag)
RT(forget)
RT(complete)
#undef RT

/* show: the ticket's number or id */
static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, (const int[]){0}, &a)) ||
	    (st = crm_operands(argc, 1, 1, "TICKET")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	if (!(st = crm_ticket_find(&ctx, argv[0], &id)))
		st = crm_ticket_show(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_mail(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	char *buf;
	size_t len;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, (const int[]){0}, &a)) ||
	    (st = crm_operands(argc, 0, 1, "[FILE]")))
		return st;
	const char *path = argc ? argv[0] : "-";
	if ((st = crm_read_all(path, MAIL_MAX, &buf, &len)))
		return st;
	if (!(st = crm_ctx_open(&ctx, o))) {
		st = crm_ticket_from_mail(&ctx, buf, len, strcmp(path, "-") ? path : "standard input",
					  output(o));
		crm_ctx_close(&ctx);
	}
	free(buf);
	return st;
}

/* The text of reply and note: the operand, --file or standard input. */
static int text_of(const struct crm_args *a, int argc, char **argv, char **text)
{
	const char *file = crm_arg(a, O_FILE);
	if (argc > 1 && file)
		return crm_usage_fail("give the text or --file, not both");
	if (argc > 1 && strcmp(argv[1], "-")) {
		*text = crm_xstrdup(argv[1]);
		return 0;
	}
	int st = crm_read_text(file ? file : "-", TEXT_MAX, text);
	if (!st)
		crm_trim(*text);
	return st;
}

static int reply_or_note(struct crm_opts *o, int argc, char **argv, const char *kind)
{
	static const int allowed[] = {O_FILE, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	char *text = NULL;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 1, 2, "TICKET [TEXT]")) || (st = text_of(&a, argc, argv, &text)))
		return st;
	if (!(st = crm_ctx_open(&ctx, o))) {
		st = crm_ticket_reply(&ctx, argv[0], kind, text, output(o));
		crm_ctx_close(&ctx);
	}
	free(text);
	return st;
}

static int cmd_reply(struct crm_opts *o, int argc, char **argv)
{
	return reply_or_note(o, argc, argv, "reply");
}

static int cmd_note(struct crm_opts *o, int argc, char **argv)
{
	return reply_or_note(o, argc, argv, "note");
}

static int move(struct crm_opts *o, int argc, char **argv, const char *to)
{
	static const int allowed[] = {O_COMMENT, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 1, 1, "TICKET")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_ticket_move(&ctx, argv[0], to, crm_arg(&a, O_COMMENT), output(o));
	crm_ctx_close(&ctx);
	return st;
}

#define MOVE(name, to) static int cmd_##name(struct crm_opts *o, int argc, char **argv) \
	{ return move(o, argc, argv, to); }
MOVE(open, "open")
MOVE(pending, "pending")
MOVE(resolve, "resolved")
MOVE(close, "closed")
MOVE(reopen, "reopen")
#undef MOVE

static int cmd_assign(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, (const int[]){0}, &a)) ||
	    (st = crm_operands(argc, 1, 2, "TICKET [LOGIN]")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_ticket_assign(&ctx, argv[0], argc > 1 ? argv[1] : NULL, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_queue(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {
		FIELD(F_STATUS), FIELD(F_PRIORITY), FIELD(F_CATEGORY), FIELD(F_OWNER), O_BREACHED,
		O_APPROACHING, 0,
	};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 0, 0, "")))
		return st;
	struct crm_ticket_filter f = {
		.status = crm_arg(&a, FIELD(F_STATUS)), .priority = crm_arg(&a, FIELD(F_PRIORITY)),
		.category = crm_arg(&a, FIELD(F_CATEGORY)), .owner = crm_arg(&a, FIELD(F_OWNER)),
		.breached = crm_arg(&a, O_BREACHED) != NULL,
		.approaching = crm_arg(&a, O_APPROACHING) != NULL,
	};
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_ticket_queue(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_surveys(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_ALL, O_MARK, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 0, 0, "")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_survey_list(&ctx, crm_arg(&a, O_ALL) != NULL, crm_arg(&a, O_MARK) != NULL, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_rate(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_NPS, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 2, 3, "CODE SCORE [COMMENT]")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_survey_rate(&ctx, argv[0], crm_arg(&a, O_NPS) ? "nps" : "csat", argv[1],
			     argc > 2 ? argv[2] : NULL, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_answers(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {CRM_RT_CSV, CRM_RT_TSV, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 0, 1, "[FILE]")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	int fmt = crm_arg(&a, CRM_RT_CSV) ? CRM_ROWS_CSV : crm_arg(&a, CRM_RT_TSV) ? CRM_ROWS_TSV
		: CRM_ROWS_GUESS;
	st = crm_survey_import(&ctx, argc ? argv[0] : "-", fmt, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add, .synopsis = "--subject TEXT [field options] [--set FIELD=VALUE]...",
	 .summary = "open a ticket from the command line"},
	{"mail", cmd_mail, .synopsis = "[FILE] < MESSAGE",
	 .summary = "open a ticket from a mail message, or add a reply to its ticket"},
	{"import", cmd_import, .synopsis = "[--csv|--tsv] [--map H=F,...] [--on-duplicate POLICY]\n"
					   "\t[--skip-bad [--reject FILE [--force]]] [FILE...]",
	 .summary = "tickets from a web-form or WeChat form export"},
	{"list", cmd_list, .synopsis = "[--status S] [--priority P] [--category C] [--channel C]\n"
				       "\t[--owner LOGIN] [--account ID] [--search TEXT] [list options]",
	 .summary = "the tickets you see"},
	{"queue", cmd_queue, .synopsis = "[--status S] [--priority P] [--category C] [--owner LOGIN]\n"
					 "\t[--breached | --approaching]",
	 .summary = "the open tickets with their SLA state, most urgent first"},
	{"show", cmd_show, .synopsis = "TICKET", .summary = "a ticket, its thread, articles and survey"},
	{"update", cmd_update, .synopsis = "ID [field options] [--set FIELD=VALUE]...\n< TSV",
	 .summary = "change fields (link an account, contact, order or contract)"},
	{"reply", cmd_reply, .synopsis = "TICKET [TEXT | --file FILE | -]",
	 .summary = "answer the customer (the first reply is the first response)"},
	{"note", cmd_note, .synopsis = "TICKET [TEXT | --file FILE | -]",
	 .summary = "an internal note"},
	{"open", cmd_open, .synopsis = "TICKET [--comment TEXT]", .summary = "work on it"},
	{"pending", cmd_pending, .synopsis = "TICKET [--comment TEXT]",
	 .summary = "wait on the customer (the resolution clock stops)"},
	{"resolve", cmd_resolve, .synopsis = "TICKET [--comment TEXT]",
	 .summary = "solved: its survey is due"},
	{"close", cmd_close, .synopsis = "TICKET [--comment TEXT]", .summary = "done for good"},
	{"reopen", cmd_reopen, .synopsis = "TICKET [--comment TEXT]",
	 .summary = "a resolved ticket is open again"},
	{"assign", cmd_assign, .synopsis = "TICKET [LOGIN]",
	 .summary = "give it to LOGIN, or by the rules of service.assign"},
	{"tag", cmd_tag, .synopsis = "ID TAG..."},
	{"untag", cmd_untag, .synopsis = "ID TAG..."},
	{"surveys", cmd_surveys, .synopsis = "[--all] [--mark]",
	 .summary = "the surveys to send, for cron to mail"},
	{"rate", cmd_rate, .synopsis = "CODE SCORE [COMMENT] [--nps]",
	 .summary = "a customer's answer: CSAT 1-5, or NPS 0-10"},
	{"answers", cmd_answers, .synopsis = "[--csv|--tsv] [FILE]",
	 .summary = "answers from a form tool (code, csat, nps, comment)"},
	{"forget", cmd_forget, .synopsis = "ID", .summary = "erase the sender's personal data"},
	{.run = cmd_complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-ticket", cmds))
		return;
	fputs("\n"
	      "Service tickets: from the command line, a form export or a mail message;\n"
	      "assigned by rules, answered and noted, timed against the SLA in business\n"
	      "hours, and surveyed when resolved.\n"
	      "\n"
	      "Commands:\n", fp);
	crm_usage_summaries(fp, cmds);
	fputs("\n"
	      "Field options (add, update; list and queue filter by some):\n"
	      "      --subject <text>      what the ticket is about\n"
	      "      --body <text>         the customer's words\n"
	      "      --channel <c>         email, phone, wechat, web or visit\n"
	      "      --category <name>     category, as the team names them\n"
	      "      --priority <p>        low, normal (default), high or urgent\n"
	      "      --status <s>          import, list, queue: new, open, pending, ...\n"
	      "      --account <id>        the customer's account\n"
	      "      --contact <id>        the contact who asked\n"
	      "      --order <id>          the order it is about\n"
	      "      --contract <id>       the contract it is about\n"
	      "      --sender <name>       who asked, when not a contact\n"
	      "      --email <address>     their e-mail\n"
	      "      --phone <phone>       their phone\n"
	      "      --owner <login>       who works on it\n"
	      "      --tags <a,b>          tags\n"
	      "      --set <field=value>   any field, custom fields included\n"
	      "\n"
	      CRM_RT_IMPORT_HELP
	      "\n"
	      "Other options:\n"
	      "      --comment <text>      open ... reopen: an internal note with it\n"
	      "      --file <file>         reply, note: the text from a file\n"
	      "      --breached            queue: only tickets past a due time\n"
	      "      --approaching         queue: only tickets near one\n"
	      "      --all                 surveys: answered and sent ones too\n"
	      "      --mark                surveys: record the listed ones as sent\n"
	      "      --nps                 rate: the score is NPS (0-10), not CSAT\n"
	      "      --search <text>       list: text in the subject, body or e-mail\n"
	      "      --fields <a,b,...>    list: columns to print\n"
	      "      --sort <[-]field>     list: order by field\n"
	      "      --limit <n>           list: at most n tickets\n"
	      "      --tag <tag>           list: only tickets with this tag\n"
	      "      --since <date>        list: created at or after date\n"
	      "      --until <date>        list: created before date\n"
	      "      --unowned             list: only tickets nobody owns\n"
	      "\n"
	      "Common options:\n"
	      CRM_HELP_COMMON_WIDE
	      "See crm-ticket(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
