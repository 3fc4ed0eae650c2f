/* crm-privacy: everything held about one person, in one file to give them */
#include <stdio.h>
#include <stdlib.h>

#include "complete.h"
#include "err.h"
#include "opts.h"
#include "privacy.h"

enum { OPT_NAME = CRM_OPT_TOOL };

static const char short_opts[] = CRM_SHORTOPTS "p:e:t";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"phone", required_argument, NULL, 'p'},
	{"email", required_argument, NULL, 'e'},
	{"name", required_argument, NULL, OPT_NAME},
	{"text", no_argument, NULL, 't'},
	{0},
};

static int cmd_export(struct crm_opts *o, int argc, char **argv)
{
	struct crm_privacy_query q = {0};
	struct crm_ctx ctx;
	bool text = false;
	int c, st = 0;
	/* no list is longer than the arguments */
	q.phones = crm_xcalloc((size_t)argc, sizeof *q.phones);
	q.emails = crm_xcalloc((size_t)argc, sizeof *q.emails);
	q.names = crm_xcalloc((size_t)argc, sizeof *q.names);
	while ((c = crm_getopt(o, argc, argv, short_opts, long_opts)) != -1) {
		switch (c) {
		case 'p': q.phones[q.nphones++] = optarg; break;
		case 'e': q.emails[q.nemails++] = optarg; break;
		case OPT_NAME: q.names[q.nnames++] = optarg; break;
		case 't': text = true; break;
		default: st = crm_usage_error(); goto out;
		}
	}
	if (o->format_set || o->dry_run || o->no_header)
		st = crm_usage_fail("export: -f, -n and -H do not apply (JSON, or --text)");
	else if (!q.nphones && !q.nemails && !q.nnames)
		st = crm_usage_fail("export: give --phone, --email or --name");
	else if (!(st = crm_operands(argc - optind, 0, 0, "")) && !(st = crm_ctx_open(&ctx, o))) {
		st = crm_privacy_export(&ctx, &q, text, stdout);
		crm_ctx_close(&ctx);
	}
out:
	free(q.phones);
	free(q.emails);
	free(q.names);
	return st;
}

static int cmd_complete(struct crm_opts *o, int argc, char **argv)
{
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"export", cmd_export, .synopsis = "(--phone PHONE | --email ADDRESS | --name NAME)...\n"
					   "\t[--text]"},
	{.run = cmd_complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-privacy", cmds))
		return;
	fputs("\n"
	      "Gather what crm holds about one person (leads, contacts, accounts, deals,\n"
	      "interactions, tasks and audit rows) into one JSON document for them.\n"
	      "Only an admin may.  To erase the person, see crm-lead forget.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --phone <phone>     the person's phone (any written form)\n"
	      "  -e, --email <address>   the person's e-mail address\n"
	      "      --name <name>       the person's name\n"
	      "  -t, --text              readable text instead of JSON\n"
	      "  -d, --db <path>         database (default $CRM_DB)\n"
	      "  -c, --config <path>     config file (default $CRM_CONFIG)\n"
	      "      --as <login>        act as this user\n"
	      "  -h, --help              display this help\n"
	      "  -V, --version           display version\n"
	      "\n"
	      "See crm-privacy(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
