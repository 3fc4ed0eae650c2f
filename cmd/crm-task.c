/* crm-task: tasks with due dates, and the daily reminder list */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "subject.h"
#include "opts.h"
#include "out.h"
#include "task.h"

enum {
	OPT_ACCOUNT = CRM_OPT_TOOL, OPT_CONTACT, OPT_DEAL, OPT_OVERDUE, OPT_TODAY, OPT_WEEK,
	OPT_MARK, OPT_UNSENT,
};

static const char short_opts[] = CRM_SHORTOPTS "t:D:o:l:mas:u:";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"title", required_argument, NULL, 't'},
	{"due", required_argument, NULL, 'D'},
	{"owner", required_argument, NULL, 'o'},
	{"lead", required_argument, NULL, 'l'},
	{"account", required_argument, NULL, OPT_ACCOUNT},
	{"contact", required_argument, NULL, OPT_CONTACT},
	{"deal", required_argument, NULL, OPT_DEAL},
	{"mine", no_argument, NULL, 'm'},
	{"all", no_argument, NULL, 'a'},
	{"overdue", no_argument, NULL, OPT_OVERDUE},
	{"today", no_argument, NULL, OPT_TODAY},
	{"week", no_argument, NULL, OPT_WEEK},
	{"status", required_argument, NULL, 's'},
	{"until", required_argument, NULL, 'u'},
	{"mark", no_argument, NULL, OPT_MARK},
	{"unsent", no_argument, NULL, OPT_UNSENT},
	{0},
};

struct args {
	struct crm_task_input in;
	struct crm_task_filter f;
	int nwho, nwhen;
	const char *until;
	bool mark, unsent;
};

static int parse(struct crm_opts *o, int *argc, char ***argv, struct args *a)
{
	struct crm_args opt;
	int st;
	memset(a, 0, sizeof *a);
	if ((st = crm_args_parse(o, argc, argv, short_opts, long_opts, NULL, &opt)) ||
	    (st = crm_subject_options(&opt, long_opts, &a->in.subject_type, &a->in.subject_id)))
		return st;
	a->f.subject_type = a->in.subject_type;
	a->f.subject_id = a->in.subject_id;
	/* the last of --mine, --owner and --all, and of --overdue, --today
	 * and --week, counted (only one may be given) */
	for (int i = 0; i < opt.n; i++) {
		switch (opt.code[i]) {
		case 'o': a->f.who = CRM_TASK_OWNER; a->nwho++; break;
		case 'm': a->f.who = CRM_TASK_MINE; a->nwho++; break;
		case 'a': a->f.who = CRM_TASK_ALL; a->nwho++; break;
		case OPT_OVERDUE: a->f.when = CRM_TASK_OVERDUE; a->nwhen++; break;
		case OPT_TODAY: a->f.when = CRM_TASK_TODAY; a->nwhen++; break;
		case OPT_WEEK: a->f.when = CRM_TASK_WEEK; a->nwhen++; break;
		}
	}
	a->in.title = crm_arg(&opt, 't');
	a->in.due = crm_arg(&opt, 'D');
	a->in.owner = a->f.owner = crm_arg(&opt, 'o');
	a->f.status = crm_arg(&opt, 's');
	a->until = crm_arg(&opt, 'u');
	a->mark = crm_arg(&opt, OPT_MARK) != NULL;
	a->unsent = crm_arg(&opt, OPT_UNSENT) != NULL;
	return 0;
}

/* Options that belong to other subcommands are refused rather than ignored. */
static int only(const struct args *a, const char *allowed)
{
	static const struct { char key; const char *name; } opts[] = {
		{'t', "--title"}, {'D', "--due"}, {'o', "--owner"}, {'l', "--lead"}, {'w', "--mine/--all"},
		{'W', "--overdue/--today/--week"}, {'s', "--status"}, {'u', "--until"}, {'M', "--mark"},
		{'U', "--unsent"},
	};
	const bool given[] = {
		a->in.title, a->in.due, a->in.owner, a->in.subject_type,
		a->f.who == CRM_TASK_MINE || a->f.who == CRM_TASK_ALL, a->nwhen > 0, a->f.status,
		a->until, a->mark, a->unsent,
	};
	for (size_t i = 0; i < sizeof opts / sizeof opts[0]; i++)
		if (given[i] && !strchr(allowed, opts[i].key))
			return crm_usage_fail("%s does not apply here", opts[i].name);
	return 0;
}

static FILE *output(struct crm_opts *o)
{
	return o->quiet ? NULL : stdout;
}

static int cmd_add(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = only(&a, "tDol")))
		return st;
	if (argc > 0)
		return crm_usage_fail("unexpected argument '%s'", argv[0]);
	if (!a.in.title || !a.in.due)
		return crm_usage_fail("add needs --title and --due");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_task_add(&ctx, &a.in, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = only(&a, "olwWs")))
		return st;
	if (argc > 0)
		return crm_usage_fail("unexpected argument '%s'", argv[0]);
	if (a.nwho > 1)
		return crm_usage_fail("give only one of --mine, --owner and --all");
	if (a.nwhen > 1)
		return crm_usage_fail("give only one of --overdue, --today and --week");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	struct crm_out *out = crm_out_new(stdout, o->format, !o->no_header);
	st = crm_task_list(&ctx, &a.f, out);
	crm_out_end(out);
	crm_ctx_close(&ctx);
	return st;
}

static int change(struct crm_opts *o, int argc, char **argv, enum crm_task_op op)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = only(&a, op == CRM_TASK_SNOOZE ? "u" : "")))
		return st;
	if (argc == 0)
		return crm_usage_fail("missing task id");
	if (op == CRM_TASK_SNOOZE && !a.until)
		return crm_usage_fail("snooze needs --until DATE");
	int64_t *ids = crm_xmalloc((size_t)argc * sizeof *ids);
	for (int i = 0; i < argc; i++) {
		char *end;
		long long v = strtoll(argv[i], &end, 10);
		if (!*argv[i] || *end || v <= 0) {
			free(ids);
			return crm_usage_fail("invalid task id '%s'", argv[i]);
		}
		ids[i] = v;
	}
	if (!(st = crm_ctx_open(&ctx, o))) {
		st = crm_task_set(&ctx, op, ids, (size_t)argc, a.until, output(o));
		crm_ctx_close(&ctx);
	}
	free(ids);
	return st;
}

static int cmd_done(struct crm_opts *o, int argc, char **argv) { return change(o, argc, argv, CRM_TASK_DONE); }
static int cmd_reopen(struct crm_opts *o, int argc, char **argv) { return change(o, argc, argv, CRM_TASK_REOPEN); }
static int cmd_snooze(struct crm_opts *o, int argc, char **argv) { return change(o, argc, argv, CRM_TASK_SNOOZE); }

static int cmd_remind(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)) || (st = only(&a, "MU")))
		return st;
	if (argc > 0)
		return crm_usage_fail("unexpected argument '%s'", argv[0]);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_task_remind(&ctx, a.mark, a.unsent, output(o));
	crm_ctx_close(&ctx);
	return st;
}

static int complete(struct crm_opts *o, int argc, char **argv)
{
	struct crm_ctx ctx;
	int st;
	if (strcmp(o->complete, "subcommands") == 0) {
		crm_complete_subcommands(o->cmds, stdout);
		return 0;
	}
	if (strcmp(o->complete, "statuses") == 0) {
		puts("open\ndone\nall");
		return 0;
	}
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_task_complete(&ctx, o->complete);
	crm_ctx_close(&ctx);
	return st;
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add, .synopsis = "--title TEXT --due DATE [--owner LOGIN]\n"
				     "\t[--lead ID | --account ID | --contact ID | --deal ID]"},
	{"list", cmd_list,
	 .synopsis = "[--mine | --owner LOGIN | --all] [--overdue | --today | --week]\n"
		     "\t[--status open|done|all] [--lead ID | ...]"},
	{"done", cmd_done, .synopsis = "ID..."},
	{"reopen", cmd_reopen, .synopsis = "ID..."},
	{"snooze", cmd_snooze, .synopsis = "ID... --until DATE"},
	{"remind", cmd_remind, .synopsis = "[--mark] [--unsent]"},
	{.run = complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-task", cmds))
		return;
	fputs("\n"
	      "Keep track of what is to be done by when, and list each morning who must be\n"
	      "reminded of what: overdue tasks, idle leads, escalations, reclaimed leads.\n"
	      "\n"
	      "Options:\n"
	      "  -t, --title <text>      what is to be done\n"
	      "  -D, --due <date>        when: 2026-03-05, tomorrow, 3d, 2w\n"
	      "  -o, --owner <login>     whose task it is (default you)\n"
	      "  -l, --lead <id>         the lead the task is about\n"
	      "      --account <id>      the account\n"
	      "      --contact <id>      the contact\n"
	      "      --deal <id>         the deal\n"
	      "  -m, --mine              list your own tasks (the default for reps)\n"
	      "  -a, --all               list every task you may see\n"
	      "      --overdue           list tasks past their due date\n"
	      "      --today             list tasks due today\n"
	      "      --week              list tasks due this week (Monday to Sunday)\n"
	      "  -s, --status <status>   open (default), done or all\n"
	      "  -u, --until <date>      snooze: the new due date\n"
	      "      --mark              remind: record the rows as sent today\n"
	      "      --unsent            remind: leave out rows already sent today\n"
	      CRM_HELP_COMMON
	      "See crm-task(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
