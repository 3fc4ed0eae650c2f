/* opts.h: the options every tool shares (-d -c -f -H -n -q --as --csv-raw,
 * -h, -V), the collector of a tool's own options, and the subcommand
 * table, so each cmd/ file only lists its own.
 *
 *   static const char short_opts[] = CRM_SHORTOPTS "s:";
 *   static const struct option long_opts[] = { CRM_LONGOPTS,
 *           {"status", required_argument, NULL, 's'}, {0} };
 *   struct crm_args a;
 *   if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, NULL, &a)))
 *           return st;
 *   status = crm_arg(&a, 's');
 */
#ifndef CRM_OPTS_H
#define CRM_OPTS_H

#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "date.h"
#include "out.h"

struct crm_subcmd;

struct crm_opts {
	const char *db_path;		/* -d, else CRM_DB, else the XDG default */
	const char *config_path;	/* -c, else CRM_CONFIG, else the XDG default */
	bool config_explicit;		/* named by -c or CRM_CONFIG */
	const char *as_user;		/* --as (CRM_USER is read by ctx.c) */
	enum crm_format format;		/* -f, default tsv */
	bool format_set;
	bool no_header;			/* -H */
	bool dry_run;			/* -n */
	bool quiet;			/* -q */
	bool force;			/* --force: an output file may replace one */
	bool csv_raw;			/* --csv-raw: no formula guard in -f csv */
	const char *complete;		/* hidden --complete=KIND */
	bool json_ok;			/* set by a command that writes -f json */
	const struct crm_subcmd *cmds;	/* the tool's subcommands, set by crm_main */
};

/* Long-only option values; a tool's own start at CRM_OPT_TOOL. */
enum {
	CRM_OPT_AS = CHAR_MAX + 1,
	CRM_OPT_COMPLETE,
	CRM_OPT_FORCE,		/* taken here, listed only by tools that write files */
	CRM_OPT_CSV_RAW,
	CRM_OPT_TOOL = CHAR_MAX + 16,
	CRM_OPT_END = CRM_OPT_TOOL + 64,	/* a tool's codes stay below */
};

/* The --help lines of the shared options, for a tool that offers all of
 * them with these words (a writer with -n and --csv-raw output). */
#define CRM_HELP_COMMON \
	"  -d, --db <path>         database (default $CRM_DB)\n" \
	"  -c, --config <path>     config file (default $CRM_CONFIG)\n" \
	"  -f, --format <fmt>      output as tsv, csv or table\n" \
	"  -H, --no-header         print no header line\n" \
	"      --csv-raw           CSV cells as they are (no ' before = + - @)\n" \
	"  -n, --dry-run           check and show, but write nothing\n" \
	"      --as <login>        act as this user (admins only)\n" \
	"  -q, --quiet             print nothing on success\n" \
	"  -h, --help              display this help\n" \
	"  -V, --version           display version\n" \
	"\n"

/* The same for the record tools, whose option column is two wider. */
#define CRM_HELP_COMMON_WIDE \
	"  -d, --db <path>           database (default $CRM_DB)\n" \
	"  -c, --config <path>       config file (default $CRM_CONFIG)\n" \
	"  -f, --format <fmt>        output as tsv, csv or table\n" \
	"  -H, --no-header           print no header line\n" \
	"      --csv-raw             CSV cells as they are (no ' before = + - @)\n" \
	"  -n, --dry-run             check and show what would change, write nothing\n" \
	"      --as <login>          act as this user (admins only)\n" \
	"  -q, --quiet               print no summary\n" \
	"  -h, --help                display this help\n" \
	"  -V, --version             display version\n" \
	"\n"

#define CRM_SHORTOPTS "+d:c:f:Hnqh"
#define CRM_LONGOPTS \
	{"db", required_argument, NULL, 'd'}, \
	{"config", required_argument, NULL, 'c'}, \
	{"format", required_argument, NULL, 'f'}, \
	{"no-header", no_argument, NULL, 'H'}, \
	{"csv-raw", no_argument, NULL, CRM_OPT_CSV_RAW}, \
	{"dry-run", no_argument, NULL, 'n'}, \
	{"quiet", no_argument, NULL, 'q'}, \
	{"as", required_argument, NULL, CRM_OPT_AS}, \
	{"complete", required_argument, NULL, CRM_OPT_COMPLETE}, \
	{"help", no_argument, NULL, 'h'}
/* --force, for the tools that write output files (outfile.h) */
#define CRM_FORCEOPT {"force", no_argument, NULL, CRM_OPT_FORCE}

struct crm_subcmd {
	const char *name;
	int (*run)(struct crm_opts *o, int argc, char **argv);
	/* Its usage after "PROG NAME ": one form a line, a line that starts
	 * with a tab going on with the form above it; "" the name alone,
	 * NULL none (the tool words it). */
	const char *synopsis;
	/* What it does, for a list of commands; lines after the first go on
	 * with it. */
	const char *summary;
	/* Run when no subcommand is named; its usage shows "[NAME]". */
	bool implied;
};

/* The whole main() of a tool with subcommands: sets the program name,
 * takes the shared options and -h/-V before the subcommand, then runs it
 * with argv[0] = the subcommand name; ends with crm_finish().  A NULL-named
 * entry ends cmds; its run (may be NULL) handles "--complete" with no
 * subcommand. */
int crm_main(int argc, char **argv, const struct crm_subcmd *cmds,
	     void (*usage)(FILE *));

/* The usage lines of sc under prog ("  crm-lead add [field options]..."),
 * a form's further lines aligned after the name; of every subcommand of
 * cmds that has a synopsis, in order. */
void crm_usage_subcmd(FILE *fp, const char *prog, const struct crm_subcmd *sc);
void crm_usage_synopsis(FILE *fp, const char *prog, const struct crm_subcmd *cmds);
/* The head of a tool's usage(fp): on stderr the short hint ("Try ...")
 * and false, the caller printing nothing more; else "Usage:" and the
 * synopsis of cmds under prog (none for NULL) and true:
 *   static void usage(FILE *fp)
 *   {
 *           if (!crm_usage_head(fp, "crm-task", cmds))
 *                   return;
 *           fputs("\nKeep track of ...", fp);
 *   } */
bool crm_usage_head(FILE *fp, const char *prog, const struct crm_subcmd *cmds);
/* "  NAME      summary" for every subcommand of cmds that has a summary. */
void crm_usage_summaries(FILE *fp, const struct crm_subcmd *cmds);

/* getopt_long that handles the shared options itself (and -h: full usage
 * to stdout, exit 0; an unknown option: the short hint, exit 64), returning
 * only the tool's own options, '?' never, and -1 at the end.  Options may
 * follow operands ("import x.csv --skip-bad"). */
int crm_getopt(struct crm_opts *o, int argc, char **argv,
	       const char *short_opts, const struct option *long_opts);

/* Most options one command line may give. */
#define CRM_ARGS_MAX 256

/* A command's own options, as given. */
struct crm_args {
	const char *value[CRM_OPT_END];	/* by code: the last value, "" for a
					 * flag, NULL when not given */
	int code[CRM_ARGS_MAX];		/* every option in the order given */
	const char *given[CRM_ARGS_MAX];	/* with its value, NULL for a flag */
	int n;
};

/* Read the options with crm_getopt into a, refusing with 64 any not in
 * allowed (as crm_opt_allowed; NULL: all are) and more than CRM_ARGS_MAX
 * ("too many options"); then *argc and *argv hold the operands. */
int crm_args_parse(struct crm_opts *o, int *argc, char ***argv, const char *short_opts,
		   const struct option *long_opts, const int *allowed, struct crm_args *a);
/* The last value of option code, NULL when not given. */
const char *crm_arg(const struct crm_args *a, int code);

/* "Try 'crm-lead --help'." on stderr; returns EX_USAGE. */
int crm_usage_error(void);
/* Report "msg" then the hint; returns EX_USAGE. */
int crm_usage_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The long name of option code in opts, "?" when it has none. */
const char *crm_opt_name(const struct option *opts, int code);
/* For tools whose subcommands take different options: 0 when code is in
 * allowed (0-terminated), else 64 after "SUB: --name does not apply". */
int crm_opt_allowed(const struct option *opts, const int *allowed, int code, const char *sub);
/* Between min and max operands (max < 0: no limit)?  0, or 64 after
 * "missing WHAT" / "unexpected argument". */
int crm_operands(int argc, int min, int max, const char *what);

/* Parse the date or instant of a filter option (--since, --until) as
 * crm_time_parse does: 0, or 64 after "invalid date for --since 'x'". */
int crm_opt_time(const char *opt, const char *arg, crm_time now, crm_time *out);

/* Parse a non-negative integer option value; exits 64 naming the option. */
long crm_opt_long(const char *opt, const char *arg);

#endif
