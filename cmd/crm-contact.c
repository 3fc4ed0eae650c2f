/* crm-contact: the people at customers, and their import */
#include <stdio.h>

#include "contact.h"
#include "opts.h"
#include "record.h"

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"name", required_argument, NULL, CRM_RT_FIELD + 0},
	{"account", required_argument, NULL, CRM_RT_FIELD + 1},
	{"title", required_argument, NULL, CRM_RT_FIELD + 2},
	{"phone", required_argument, NULL, CRM_RT_FIELD + 3},
	{"email", required_argument, NULL, CRM_RT_FIELD + 4},
	{"wechat", required_argument, NULL, CRM_RT_FIELD + 5},
	{"region", required_argument, NULL, CRM_RT_FIELD + 6},
	{"city", required_argument, NULL, CRM_RT_FIELD + 7},
	{"tags", required_argument, NULL, CRM_RT_FIELD + 8},
	{"owner", required_argument, NULL, CRM_RT_FIELD + 9},
	{"notes", required_argument, NULL, CRM_RT_FIELD + 10},
	CRM_RT_LONGOPTS,
	{0},
};

static const struct crm_rec_tool tool = {
	&crm_contact_kind, short_opts, long_opts, NULL, NULL,
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-contact", crm_rt_cmds(&tool)))
		return;
	fputs("\n"
	      "Keep the people at customers: who they are, which account they belong\n"
	      "to, how to reach them; merge duplicates and erase a person on request.\n"
	      "\n"
	      "Field options (add, update):\n"
	      "      --name <name>         the person's name\n"
	      "      --account <id>        the account the contact belongs to\n"
	      "      --title <title>       job title\n"
	      "      --phone <phone>       phone (checked and normalised)\n"
	      "      --email <address>     e-mail address\n"
	      "      --wechat <id>         WeChat id\n"
	      "      --region <region>     region or province\n"
	      "      --city <city>         city\n"
	      "      --tags <a,b>          tags, separated by commas\n"
	      "      --owner <login>       owner (default: the account's owner)\n"
	      "      --notes <text>        notes\n"
	      "      --set <field=value>   any field, custom fields included\n"
	      "\n"
	      CRM_RT_IMPORT_HELP
	      "\n"
	      "List options (also --owner and --account, as filters):\n"
	      "      --unowned             only contacts nobody owns\n"
	      "      --tag <tag>           only contacts with this tag\n"
	      "      --since <date>        created at or after date\n"
	      "      --until <date>        created before date\n"
	      "      --search <text>       text in the name, e-mail or phone\n"
	      "      --fields <a,b,...>    columns to print\n"
	      "      --sort <[-]field>     order by field (- for descending)\n"
	      "      --limit <n>           print at most n contacts\n"
	      "\n"
	      "Common options:\n"
	      CRM_HELP_COMMON_WIDE
	      "See crm-contact(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_rt_main(&tool, argc, argv, usage);
}
