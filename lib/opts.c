/* opts.c: see opts.h */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "err.h"
#include "opts.h"

static void (*tool_usage)(FILE *);

int crm_usage_error(void)
{
	fprintf(stderr, "Try '%s --help'.\n", crm_progname);
	return EX_USAGE;
}

int crm_usage_fail(const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s: ", crm_progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return crm_usage_error();
}

const char *crm_opt_name(const struct option *opts, int code)
{
	for (const struct option *o = opts; o->name; o++)
		if (o->val == code)
			return o->name;
	return "?";
}

int crm_opt_allowed(const struct option *opts, const int *allowed, int code, const char *sub)
{
	for (const int *p = allowed; *p; p++)
		if (*p == code)
			return 0;
	return crm_usage_fail("%s: --%s does not apply", sub, crm_opt_name(opts, code));
}

int crm_args_parse(struct crm_opts *o, int *argc, char ***argv, const char *short_opts,
		   const struct option *long_opts, const int *allowed, struct crm_args *a)
{
	int c;
	memset(a->value, 0, sizeof a->value);
	a->n = 0;
	while ((c = crm_getopt(o, *argc, *argv, short_opts, long_opts)) != -1) {
		if (c < 0 || c >= CRM_OPT_END)
			return crm_usage_error();
		if (allowed && crm_opt_allowed(long_opts, allowed, c, (*argv)[0]))
			return EX_USAGE;
		if (a->n == CRM_ARGS_MAX)
			return crm_usage_fail("too many options");
		a->value[c] = optarg ? optarg : "";
		a->code[a->n] = c;
		a->given[a->n++] = optarg;
	}
	*argc -= optind;
	*argv += optind;
	return 0;
}

const char *crm_arg(const struct crm_args *a, int code)
{
	return a->value[code];
}

int crm_operands(int argc, int min, int max, const char *what)
{
	if (argc < min)
		return crm_usage_fail("missing %s", what);
	if (max >= 0 && argc > max)
		return crm_usage_fail("unexpected argument");
	return 0;
}

int crm_opt_time(const char *opt, const char *arg, crm_time now, crm_time *out)
{
	if (crm_time_parse(arg, now, out) != 0)
		return crm_usage_fail("invalid date for %s '%s'", opt, arg);
	return 0;
}

long crm_opt_long(const char *opt, const char *arg)
{
	char *end;
	errno = 0;
	long v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < 0)
		exit(crm_usage_fail("invalid number for %s '%s'", opt, arg));
	return v;
}

static void opts_from_env(struct crm_opts *o)
{
	if (!o->db_path)
		o->db_path = getenv("CRM_DB");
	if (!o->config_path) {
		o->config_path = getenv("CRM_CONFIG");
		o->config_explicit = o->config_path && *o->config_path;
		if (!o->config_explicit)
			o->config_path = NULL;
	}
}

/* 1 when c was a shared option and has been taken. */
static int take_common(struct crm_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'd': o->db_path = arg; return 1;
	case 'c': o->config_path = arg; o->config_explicit = true; return 1;
	case 'H': o->no_header = true; return 1;
	case 'n': o->dry_run = true; return 1;
	case 'q': o->quiet = true; return 1;
	case CRM_OPT_AS: o->as_user = arg; return 1;
	case CRM_OPT_COMPLETE: o->complete = arg; return 1;
	case CRM_OPT_FORCE: o->force = true; return 1;
	case CRM_OPT_CSV_RAW:
		o->csv_raw = true;
		crm_out_csv_raw(true);
		return 1;
	case 'f': {
		int f = crm_format_parse(arg);
		if (f < 0)
			exit(crm_usage_fail("unknown format '%s' (tsv, csv, table)", arg));
		o->format = (enum crm_format)f;
		o->format_set = true;
		return 1;
	}
	case 'h':
		if (tool_usage)
			tool_usage(stdout);
		exit(crm_finish(0));
	case '?':
		exit(crm_usage_error());
	}
	return 0;
}

int crm_getopt(struct crm_opts *o, int argc, char **argv,
	       const char *short_opts, const struct option *long_opts)
{
	int c;
	/* skip the '+' of CRM_SHORTOPTS: subcommand options may follow operands */
	if (short_opts[0] == '+')
		short_opts++;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) != -1)
		if (!take_common(o, c, optarg))
			return c;
	if (o->format == CRM_FMT_JSON && !o->json_ok)
		exit(crm_usage_fail("-f json is not offered by this command"));
	opts_from_env(o);
	return -1;
}

void crm_usage_subcmd(FILE *fp, const char *prog, const struct crm_subcmd *sc)
{
	/* an implied name is no part of what the lines below align with */
	int indent = (int)(strlen(prog) + 3 + (sc->implied ? 0 : strlen(sc->name) + 1));
	const char *s = sc->synopsis;
	do {
		int n = (int)strcspn(s, "\n");
		if (*s == '\t')
			fprintf(fp, "%*s%.*s\n", indent, "", n - 1, s + 1);
		else
			fprintf(fp, sc->implied ? "  %s [%s]%s%.*s\n" : "  %s %s%s%.*s\n", prog,
				sc->name, n ? " " : "", n, s);
		s += n + (s[n] == '\n');
	} while (*s);
}

void crm_usage_synopsis(FILE *fp, const char *prog, const struct crm_subcmd *cmds)
{
	for (const struct crm_subcmd *sc = cmds; sc->name; sc++)
		if (sc->synopsis)
			crm_usage_subcmd(fp, prog, sc);
}

bool crm_usage_head(FILE *fp, const char *prog, const struct crm_subcmd *cmds)
{
	if (fp == stderr) {
		crm_usage_error();
		return false;
	}
	fputs("Usage:\n", fp);
	if (cmds)
		crm_usage_synopsis(fp, prog, cmds);
	return true;
}

void crm_usage_summaries(FILE *fp, const struct crm_subcmd *cmds)
{
	for (const struct crm_subcmd *sc = cmds; sc->name; sc++) {
		const char *s = sc->summary;
		for (bool first = true; s && *s; first = false) {
			int n = (int)strcspn(s, "\n");
			fprintf(fp, "  %-9s %.*s\n", first ? sc->name : "", n, s);
			s += n + (s[n] == '\n');
		}
	}
}

static const struct option main_long_opts[] = {
	CRM_LONGOPTS,
	{"version", no_argument, NULL, 'V'},
	{0},
};

int crm_main(int argc, char **argv, const struct crm_subcmd *cmds,
	     void (*usage)(FILE *))
{
	static struct crm_opts opts;
	int c;

	crm_set_progname(argv[0]);
	/* past a file size limit (ulimit -f) a write should fail with EFBIG,
	 * reported and rolled back (74), not kill the tool mid-transaction */
	signal(SIGXFSZ, SIG_IGN);
	tool_usage = usage;
	opts.cmds = cmds;
	opterr = 1;
	while ((c = getopt_long(argc, argv, CRM_SHORTOPTS "V", main_long_opts, NULL)) != -1) {
		if (c == 'V') {
			printf("%s %s\n", crm_progname, CRM_VERSION);
			return crm_finish(0);
		}
		take_common(&opts, c, optarg);
	}
	argc -= optind;
	argv += optind;
	const struct crm_subcmd *sc = cmds;
	if (argc == 0) {
		while (sc->name)
			sc++;
		if (opts.complete && sc->run) {
			opts_from_env(&opts);
			return crm_finish(sc->run(&opts, argc, argv));
		}
		usage(stderr);
		return EX_USAGE;
	}
	for (; sc->name; sc++)
		if (strcmp(sc->name, argv[0]) == 0)
			break;
	if (!sc->name)
		return crm_usage_fail("unknown command '%s'", argv[0]);
	optind = 0;	/* glibc: 0 restarts the scan of a new argv from scratch */
	return crm_finish(sc->run(&opts, argc, argv));
}
