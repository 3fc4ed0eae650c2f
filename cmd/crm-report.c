/* crm-report: sales funnel, forecast, KPIs, leaderboard, losses, activity, cycle times, RFM, customer lifetime value, churn risk, receivables and service */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "complete.h"
#include "ctx.h"
#include "err.h"
#include "opts.h"
#include "report.h"

enum { OPT_SOURCE = CRM_OPT_TOOL, OPT_CAMPAIGN, OPT_REGION, OPT_PIPELINE, OPT_SNAPSHOT, OPT_RANK,
       OPT_MIN_SCORE, OPT_IDLE, OPT_PARAMS, OPT_HORIZON, OPT_DISCOUNT, OPT_PERIOD_WEEKS };

static const char short_opts[] = CRM_SHORTOPTS "s:u:p:o:t:b:m:";
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"since", required_argument, NULL, 's'},
	{"until", required_argument, NULL, 'u'},
	{"period", required_argument, NULL, 'p'},
	{"owner", required_argument, NULL, 'o'},
	{"team", required_argument, NULL, 't'},
	{"source", required_argument, NULL, OPT_SOURCE},
	{"campaign", required_argument, NULL, OPT_CAMPAIGN},
	{"region", required_argument, NULL, OPT_REGION},
	{"by", required_argument, NULL, 'b'},
	{"metric", required_argument, NULL, 'm'},
	{"rank", required_argument, NULL, OPT_RANK},
	{"pipeline", required_argument, NULL, OPT_PIPELINE},
	{"snapshot", no_argument, NULL, OPT_SNAPSHOT},
	{"min-score", required_argument, NULL, OPT_MIN_SCORE},
	{"idle", required_argument, NULL, OPT_IDLE},
	{"params", no_argument, NULL, OPT_PARAMS},
	{"horizon", required_argument, NULL, OPT_HORIZON},
	{"discount", required_argument, NULL, OPT_DISCOUNT},
	{"period-weeks", required_argument, NULL, OPT_PERIOD_WEEKS},
	{0},
};

/* clv's numbers: a whole number of periods from 1 to 1000; a discount
 * rate from 0 to 10 (1000% a period); a period of more than 0 and at
 * most 520 weeks; the horizon at most 100 years (5200 weeks) */
static int clv_opts(const struct crm_args *a, const char *name, struct crm_report_opts *ro)
{
	const char *h = crm_arg(a, OPT_HORIZON), *d = crm_arg(a, OPT_DISCOUNT);
	const char *w = crm_arg(a, OPT_PERIOD_WEEKS);
	char *end;
	if (strcmp(name, "clv") != 0) {
		if (ro->params || h || d || w)
			return crm_usage_fail("--params, --horizon, --discount and --period-weeks are for clv");
		return 0;
	}
	ro->horizon = 3;
	ro->discount = 0.1;
	ro->period_weeks = 52;
	if (h) {
		errno = 0;
		long v = strtol(h, &end, 10);
		if (errno || end == h || *end || v < 1 || v > 1000)
			return crm_usage_fail("--horizon: want a whole number of periods from 1 to 1000, not '%s'", h);
		ro->horizon = (int)v;
	}
	if (d) {
		errno = 0;
		double v = strtod(d, &end);
		if (errno || end == d || *end || !isfinite(v) || v < 0 || v > 10)
			return crm_usage_fail("--discount: want a rate per period from 0 to 10, not '%s'", d);
		ro->discount = v;
	}
	if (w) {
		errno = 0;
		double v = strtod(w, &end);
		if (errno || end == w || *end || !isfinite(v) || v <= 0 || v > 520)
			return crm_usage_fail("--period-weeks: want more than 0 and at most 520 weeks, not '%s'", w);
		ro->period_weeks = v;
	}
	/* beyond that the expectations take ever longer (2F1 near z = 1)
	 * and mean nothing */
	if (ro->horizon * ro->period_weeks > 5200)
		return crm_usage_fail("--horizon %d periods of %g weeks: more than 100 years", ro->horizon,
				      ro->period_weeks);
	return 0;
}

typedef int report_fn(struct crm_ctx *, const struct crm_report_opts *, FILE *);

/* A whole number from lo to hi for opt, or -1 after reporting. */
static int number(const char *opt, const char *s, long lo, long hi)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < lo || v > hi) {
		crm_usage_fail("%s: want a whole number from %ld to %ld, not '%s'", opt, lo, hi, s);
		return -1;
	}
	return (int)v;
}

static int run(struct crm_opts *o, int argc, char **argv, report_fn *fn)
{
	struct crm_args a;
	const char *name = argv[0];
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, NULL, &a)))
		return st;
	struct crm_report_opts ro = {
		.since = crm_arg(&a, 's'), .until = crm_arg(&a, 'u'), .period = crm_arg(&a, 'p'),
		.owner = crm_arg(&a, 'o'), .team = crm_arg(&a, 't'),
		.source = crm_arg(&a, OPT_SOURCE), .campaign = crm_arg(&a, OPT_CAMPAIGN),
		.region = crm_arg(&a, OPT_REGION), .by = crm_arg(&a, 'b'),
		.metric = crm_arg(&a, OPT_RANK) ? crm_arg(&a, OPT_RANK) : crm_arg(&a, 'm'), .pipeline = crm_arg(&a, OPT_PIPELINE),
		.snapshot = crm_arg(&a, OPT_SNAPSHOT) != NULL,
		.params = crm_arg(&a, OPT_PARAMS) != NULL,
	};
	if (argc > 0)
		return crm_usage_fail("unexpected argument '%s'", argv[0]);
	if (ro.metric && strcmp(name, "leaderboard") != 0)
		return crm_usage_fail("--metric is for leaderboard");
	if (crm_arg(&a, OPT_RANK) && crm_arg(&a, 'm'))
		return crm_usage_fail("give only one of --metric and --rank");
	if (ro.snapshot && strcmp(name, "forecast") != 0)
		return crm_usage_fail("--snapshot is for forecast");
	if (ro.pipeline && strcmp(name, "funnel") != 0 && strcmp(name, "cycle") != 0)
		return crm_usage_fail("--pipeline is for funnel and cycle");
	if ((crm_arg(&a, OPT_MIN_SCORE) || crm_arg(&a, OPT_IDLE)) && strcmp(name, "churn") != 0)
		return crm_usage_fail("--%s is for churn", crm_arg(&a, OPT_MIN_SCORE) ? "min-score" : "idle");
	if (crm_arg(&a, OPT_MIN_SCORE) &&
	    (ro.min_score = number("--min-score", crm_arg(&a, OPT_MIN_SCORE), 0, 100)) < 0)
		return EX_USAGE;
	if (crm_arg(&a, OPT_IDLE) && (ro.idle = number("--idle", crm_arg(&a, OPT_IDLE), 1, 36500)) < 0)
		return EX_USAGE;
	if (o->dry_run && !ro.snapshot)
		return crm_usage_fail("--dry-run is for forecast --snapshot");
	if ((st = clv_opts(&a, name, &ro)))
		return st;
	ro.dry_run = o->dry_run;
	ro.format = o->format;
	ro.header = !o->no_header;
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = fn(&ctx, &ro, o->quiet && ro.snapshot ? NULL : stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_funnel(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_funnel); }
static int cmd_forecast(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_forecast); }
static int cmd_accuracy(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_accuracy); }
static int cmd_kpi(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_kpi); }
static int cmd_leaderboard(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_leaderboard); }
static int cmd_lost(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_lost); }
static int cmd_activity(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_activity); }
static int cmd_cycle(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_cycle); }
static int cmd_rfm(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_rfm); }
static int cmd_churn(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_churn); }
static int cmd_clv(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_clv); }
static int cmd_ageing(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_ageing); }
static int cmd_collections(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_collections); }
static int cmd_bookings(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_bookings); }
static int cmd_service(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_service); }
static int cmd_backlog(struct crm_opts *o, int c, char **v) { return run(o, c, v, crm_report_backlog); }

static int complete(struct crm_opts *o, int argc, char **argv)
{
	static const char *const formats[] = { "tsv", "csv", "table", "gnuplot", NULL };
	const char *const *list = NULL;
	if (strcmp(o->complete, "dimensions") == 0)
		list = crm_report_dimensions;
	else if (strcmp(o->complete, "metrics") == 0)
		list = crm_report_metrics;
	else if (strcmp(o->complete, "formats") == 0)
		list = formats;
	for (; list && *list; list++)
		puts(*list);
	return list ? 0 : crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"funnel", cmd_funnel, .synopsis = NULL},
	{"forecast", cmd_forecast, .synopsis = "[--snapshot] [options as above]"},
	{"accuracy", cmd_accuracy, .synopsis = "[--by owner|team] [options as above]"},
	{"kpi", cmd_kpi, .synopsis = NULL},
	{"leaderboard", cmd_leaderboard, .synopsis = "[--metric METRIC | --rank METRIC] [options as above]"},
	{"lost", cmd_lost, .synopsis = NULL},
	{"activity", cmd_activity, .synopsis = NULL},
	{"cycle", cmd_cycle, .synopsis = NULL},
	{"rfm", cmd_rfm, .synopsis = NULL},
	{"churn", cmd_churn,
	 .synopsis = "[--min-score N] [--idle DAYS] [--owner LOGIN] [--team TEAM]\n"
		     "\t[--by owner|team]"},
	{"clv", cmd_clv,
	 .synopsis = "[--params] [--horizon N] [--discount RATE] [--period-weeks W]\n"
		     "\t[--by segment|owner|industry|region] [options as above]"},
	{"ageing", cmd_ageing, .synopsis = "[--by account|owner|team] [--owner LOGIN] [--team TEAM]"},
	{"collections", cmd_collections,
	 .synopsis = "[--period week|month|quarter] [--owner LOGIN]\n\t[--team TEAM]"},
	{"bookings", cmd_bookings,
	 .synopsis = "[--period week|month|quarter] [--since DATE]\n"
		     "\t[--until DATE] [--owner LOGIN] [--team TEAM]"},
	{"service", cmd_service,
	 .synopsis = "[--by owner|team|category|account|priority|month|...]\n"
		     "\t[--since DATE] [--until DATE] [--owner LOGIN] [--team TEAM]"},
	{"backlog", cmd_backlog,
	 .synopsis = "[--by owner|team|category|account|priority] [--owner LOGIN]\n"
		     "\t[--team TEAM]"},
	{.run = complete},
};

static void usage(FILE *fp)
{
	if (!crm_usage_head(fp, "crm-report", NULL))
		return;
	/* the reports with only the options all take share a line */
	const char *sep = "";
	fputs("  crm-report ", fp);
	for (const struct crm_subcmd *sc = cmds; sc->name; sc++) {
		if (!sc->synopsis) {
			fprintf(fp, "%s%s", sep, sc->name);
			sep = "|";
		}
	}
	fputs(" [--since DATE] [--until DATE]\n"
	      "             [--period PERIOD] [--owner LOGIN] [--team TEAM] [--source SOURCE]\n"
	      "             [--campaign CAMPAIGN] [--region REGION] [--by DIMENSION]\n"
	      "             [--pipeline PIPELINE] [-f tsv|csv|table|gnuplot]\n", fp);
	crm_usage_synopsis(fp, "crm-report", cmds);
	fputs("\n"
	      "Reports on leads, deals and activities: the funnel of a lead cohort, the\n"
	      "weighted forecast and its accuracy, KPIs per period, the leaderboard, loss\n"
	      "reasons, activity per rep, days spent in each stage, RFM segments,\n"
	      "customer lifetime value (BG/NBD and Gamma-Gamma) and the accounts at risk\n"
	      "of churning; receivables: ageing of open instalments, the collections\n"
	      "forecast, and bookings against collections; service: tickets' response\n"
	      "and resolution times, SLA attainment, CSAT and NPS, and the backlog.\n"
	      "\n"
	      "Dimensions: owner team source campaign region industry month week quarter\n"
	      "(stage for forecast; segment for clv; category account priority for service\n"
	      "and backlog).  Metrics: won_amount won_count deals activities win_rate\n"
	      "collected outstanding.\n"
	      "\n"
	      "Options:\n"
	      "  -s, --since <date>      from this date or time\n"
	      "  -u, --until <date>      up to this time, or to the end of this date\n"
	      "  -p, --period <period>   one period: 2026, 2026-03, 2026-Q1 or 2026-W10;\n"
	      "                          collections, bookings: week, month or quarter\n"
	      "  -o, --owner <login>     only records this user owns\n"
	      "  -t, --team <team>       only records owned by this team\n"
	      "      --source <source>   only this source (channel)\n"
	      "      --campaign <name>   only this campaign\n"
	      "      --region <region>   only this region\n"
	      "  -b, --by <dimension>    one row (or block of rows) per value of this\n"
	      "  -m, --metric <metric>   leaderboard: rank by this (default won_amount)\n"
	      "      --rank <metric>     leaderboard: the same as --metric\n"
	      "      --pipeline <id>     funnel, cycle: this pipeline (default the first)\n"
	      "      --snapshot          forecast: store it for the current period\n"
	      "      --min-score <n>     churn: only accounts scoring at least n (0-100)\n"
	      "      --idle <days>       churn: silence from this many days (default 60)\n"
	      "      --params            clv: print the fitted model parameters\n"
	      "      --horizon <n>       clv: periods of value to count (default 3)\n"
	      "      --discount <rate>   clv: discount rate per period (default 0.1)\n"
	      "      --period-weeks <w>  clv: weeks in a period (default 52)\n"
	      "  -d, --db <path>         database (default $CRM_DB)\n"
	      "  -c, --config <path>     config file (default $CRM_CONFIG)\n"
	      "  -f, --format <fmt>      output as tsv, csv, table or gnuplot\n"
	      "  -H, --no-header         print no header line\n"
	      "      --csv-raw           CSV cells as they are (no ' before = + - @)\n"
	      "  -n, --dry-run           forecast --snapshot: show it, store nothing\n"
	      "      --as <login>        act as this user (admins only)\n"
	      "  -q, --quiet             forecast --snapshot: print nothing\n"
	      "  -h, --help              display this help\n"
	      "  -V, --version           display version\n"
	      "\n"
	      "See crm-report(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
