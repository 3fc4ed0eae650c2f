/* crm-account: customers, their import, and the 360-degree view of one */
#include <stdio.h>

#include "account.h"
#include "opts.h"
#include "record.h"

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"name", required_argument, NULL, CRM_RT_FIELD + 0},
	{"industry", required_argument, NULL, CRM_RT_FIELD + 1},
	{"size", required_argument, NULL, CRM_RT_FIELD + 2},
	{"region", required_argument, NULL, CRM_RT_FIELD + 3},
	{"city", required_argument, NULL, CRM_RT_FIELD + 4},
	{"address", required_argument, NULL, CRM_RT_FIELD + 5},
	{"website", required_argument, NULL, CRM_RT_FIELD + 6},
	{"phone", required_argument, NULL, CRM_RT_FIELD + 7},
	{"email", required_argument, NULL, CRM_RT_FIELD + 8},
	{"source", required_argument, NULL, CRM_RT_FIELD + 9},
	{"tags", required_argument, NULL, CRM_RT_FIELD + 10},
	{"owner", required_argument, NULL, CRM_RT_FIELD + 11},
	{"parent", required_argument, NULL, CRM_RT_FIELD + 12},
	{"notes", required_argument, NULL, CRM_RT_FIELD + 13},
	CRM_RT_LONGOPTS,
	{"person", no_argument, NULL, CRM_RT_PERSON},
	{0},
};

static const char *const person_fields[] = {CRM_ACCOUNT_PERSON_FIELDS, NULL};

static const struct crm_rec_tool tool = {
	&crm_account_kind, short_opts, long_opts, crm_account_show, person_fields,
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-account", crm_rt_cmds(&tool)))
		return;
	fputs("\n"
	      "Keep the customers: their profile, tags and custom fields, duplicates\n"
	      "merged, and everything about one of them in one view (show).\n"
	      "\n"
	      "Field options (add, update):\n"
	      "      --name <name>         the company's (or person's) name\n"
	      "      --industry <name>     industry\n"
	      "      --size <size>         size, e.g. the number of employees\n"
	      "      --region <region>     region, province or country\n"
	      "      --city <city>         city\n"
	      "      --address <text>      address\n"
	      "      --website <url>       web site\n"
	      "      --phone <phone>       phone (checked and normalised)\n"
	      "      --email <address>     e-mail address\n"
	      "      --source <id>         source (channel)\n"
	      "      --tags <a,b>          tags, separated by commas\n"
	      "      --owner <login>       owner; an empty value leaves it unowned\n"
	      "      --parent <id>         the account this one belongs to\n"
	      "      --notes <text>        notes\n"
	      "      --set <field=value>   any field, custom fields included\n"
	      "\n"
	      CRM_RT_IMPORT_HELP
	      "\n"
	      "List options (also --owner, --industry, --region, --source and\n"
	      "--parent, as filters):\n"
	      "      --unowned             only accounts nobody owns\n"
	      "      --tag <tag>           only accounts with this tag\n"
	      "      --since <date>        created at or after date\n"
	      "      --until <date>        created before date\n"
	      "      --search <text>       text in the name, e-mail or phone\n"
	      "      --fields <a,b,...>    columns to print\n"
	      "      --sort <[-]field>     order by field (- for descending)\n"
	      "      --limit <n>           print at most n accounts\n"
	      "      --person              forget: the account is a person; erase its\n"
	      "                            name and address too\n"
	      "\n"
	      "Common options:\n"
	      CRM_HELP_COMMON_WIDE
	      "See crm-account(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_rt_main(&tool, argc, argv, usage);
}
