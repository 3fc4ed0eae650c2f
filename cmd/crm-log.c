/* crm-log: log calls, emails, meetings and visits, and read timelines */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "interaction.h"
#include "subject.h"
#include "opts.h"
#include "out.h"

enum { OPT_ACCOUNT = CRM_OPT_TOOL, OPT_CONTACT, OPT_DEAL };

static const char short_opts[] = CRM_SHORTOPTS "l:k:a:x:o:b:s:u:";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"lead", required_argument, NULL, 'l'},
	{"account", required_argument, NULL, OPT_ACCOUNT},
	{"contact", required_argument, NULL, OPT_CONTACT},
	{"deal", required_argument, NULL, OPT_DEAL},
	{"kind", required_argument, NULL, 'k'},
	{"at", required_argument, NULL, 'a'},
	{"next", required_argument, NULL, 'x'},
	{"owner", required_argument, NULL, 'o'},
	{"by", required_argument, NULL, 'b'},
	{"since", required_argument, NULL, 's'},
	{"until", required_argument, NULL, 'u'},
	{0},
};

struct args {
	struct crm_interaction in;
	struct crm_log_filter f;
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
	a->in.kind = a->f.kind = crm_arg(&opt, 'k');
	a->in.at = crm_arg(&opt, 'a');
	a->in.next_step = crm_arg(&opt, 'x');
	a->f.owner = crm_arg(&opt, 'o');
	a->f.by = crm_arg(&opt, 'b');
	a->f.since = crm_arg(&opt, 's');
	a->f.until = crm_arg(&opt, 'u');
	return 0;
}

/* The whole of stdin as a summary, trailing newlines removed. */
static int read_summary(char **out)
{
	size_t len = 0, cap = 4096, n;
	char *s = crm_xmalloc(cap);
	while ((n = fread(s + len, 1, cap - len - 1, stdin)) > 0)
		if ((len += n) == cap - 1)
			s = crm_xrealloc(s, cap *= 2);
	if (ferror(stdin)) {
		crm_warn_errno("stdin: read error");
		free(s);
		return EX_IOERR;
	}
	if (memchr(s, '\0', len)) {
		crm_warn("stdin: NUL byte in summary");
		free(s);
		return EX_DATAERR;
	}
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	s[len] = '\0';
	*out = s;
	return 0;
}

static struct crm_out *output(struct crm_opts *o)
{
	return crm_out_new(stdout, o->format, !o->no_header);
}

static int cmd_add(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	char *summary = NULL;
	int st;
	if ((st = parse(o, &argc, &argv, &a)))
		return st;
	bool bulk = !a.in.subject_type;
	if (a.f.owner || a.f.by || a.f.since || a.f.until)
		return crm_usage_fail("--owner, --by, --since and --until are for list");
	if (argc > 1 || (bulk && argc > 0))
		return crm_usage_fail("unexpected argument '%s'", argv[bulk ? 0 : 1]);
	if (bulk && isatty(STDIN_FILENO))
		return crm_usage_fail("add needs --lead, --account, --contact or --deal, or TSV on stdin");
	if (bulk && a.in.next_step)
		return crm_usage_fail("--next is for one interaction; use a next_step column");
	if (!bulk && !a.in.kind)
		return crm_usage_fail("add needs --kind");
	if (!bulk && ((argc == 1 && strcmp(argv[0], "-") == 0) || (argc == 0 && !isatty(STDIN_FILENO)))) {
		if ((st = read_summary(&summary)))
			return st;
		a.in.summary = summary;
	} else if (!bulk && argc == 1) {
		a.in.summary = argv[0];
	}
	if (!(st = crm_ctx_open(&ctx, o))) {
		FILE *out = o->quiet ? NULL : stdout;
		st = bulk ? crm_log_add_tsv(&ctx, stdin, "-", &a.in, out) : crm_log_add(&ctx, &a.in, out);
		crm_ctx_close(&ctx);
	}
	free(summary);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	struct args a;
	struct crm_ctx ctx;
	int st;
	if ((st = parse(o, &argc, &argv, &a)))
		return st;
	if (argc > 0)
		return crm_usage_fail("unexpected argument '%s'", argv[0]);
	if (a.in.at || a.in.next_step)
		return crm_usage_fail("--at and --next are for add");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	struct crm_out *out = output(o);
	st = crm_log_list(&ctx, &a.f, out);
	crm_out_end(out);
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
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_log_complete(&ctx, o->complete);
	crm_ctx_close(&ctx);
	return st;
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add,
	 .synopsis = "(--lead ID | --account ID | --contact ID | --deal ID) --kind KIND\n"
		     "\t[--at DATE] [--next TEXT] [SUMMARY | -]\n"
		     "[--kind KIND] [--at DATE] < interactions.tsv"},
	{"list", cmd_list, .synopsis = "[--lead ID | --account ID | --contact ID | --deal ID]\n"
				       "\t[--owner LOGIN] [--by LOGIN] [--kind KIND]\n"
				       "\t[--since DATE] [--until DATE]"},
	{.run = complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-log", cmds))
		return;
	fputs("\n"
	      "Log interactions with customers (call, email, meeting, visit, wechat, note\n"
	      "and kinds from the config) and list them as timelines.\n"
	      "\n"
	      "Options:\n"
	      "  -l, --lead <id>         the lead the interaction is with\n"
	      "      --account <id>      the account\n"
	      "      --contact <id>      the contact\n"
	      "      --deal <id>         the deal\n"
	      "  -k, --kind <kind>       call, email, meeting, visit, wechat, note, ...\n"
	      "  -a, --at <date>         when it happened (default now)\n"
	      "  -x, --next <text>       the agreed next step\n"
	      "  -o, --owner <login>     list: subjects this user owns\n"
	      "  -b, --by <login>        list: interactions this user logged\n"
	      "  -s, --since <date>      list: from this date or time\n"
	      "  -u, --until <date>      list: up to this time, or to the end of this date\n"
	      CRM_HELP_COMMON
	      "See crm-log(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
