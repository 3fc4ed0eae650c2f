/* test_config_service.c: the service key of crm.yaml: defaults, a full
 * configuration, and every validation message with its line:column
 * (columns counted by hand in the comments above each case). */
#include <fcntl.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "calendar.h"
#include "err.h"

#define CONFIG_TEST_DIR "/tmp/test_config_service.XXXXXX"
#include "config_fixture.h"

/* Days since 1970-01-01, through timegm (not the loader). */
static int64_t day(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	return (int64_t)timegm(&tm) / 86400;
}

static void test_defaults(void **state)
{
	(void)state;
	struct crm_config *c = load_ok("currency: CNY\n");
	const struct crm_service *s = &c->service;
	assert_null(s->calendar.timezone);
	assert_int_equal(s->calendar.days, 0x3e);	/* bits 1..5: mon..fri */
	assert_int_equal(s->calendar.nhours, 1);
	assert_int_equal(s->calendar.hours[0].start, 9 * 3600);
	assert_int_equal(s->calendar.hours[0].end, 18 * 3600);
	assert_int_equal(s->calendar.nholidays, 0);
	assert_int_equal(s->calendar.nworkdays, 0);
	for (int p = 0; p < CRM_NPRIO; p++) {
		assert_int_equal(s->sla[p].first_response, 0);
		assert_int_equal(s->sla[p].resolve, 0);
	}
	assert_int_equal(s->warn_before, 3600);
	assert_int_equal(s->queue, CRM_QUEUE_OWN);
	assert_null(s->survey_url);
	assert_int_equal(s->nassign, 0);
	crm_config_free(c);

	/* The calendar's zone defaults to the config's. */
	c = load_ok("timezone: Asia/Shanghai\n");
	assert_string_equal(c->service.calendar.timezone, "Asia/Shanghai");
	crm_config_free(c);
	c = load_ok("timezone: Asia/Shanghai\nservice:\n  calendar: {timezone: Europe/Berlin}\n");
	assert_string_equal(c->service.calendar.timezone, "Europe/Berlin");
	assert_int_equal(c->service.calendar.nhours, 1);
	crm_config_free(c);

	/* Built-in defaults (no file) have the default calendar too. */
	int status;
	c = crm_config_load(NULL, false, &status);
	assert_non_null(c);
	assert_int_equal(c->service.calendar.days, 0x3e);
	assert_int_equal(c->service.calendar.nhours, 1);
	crm_config_free(c);
}

static const char full[] =
	"timezone: Asia/Shanghai\n"
	"service:\n"
	"  calendar:\n"
	"    days: [mon, tue, wed, thu, fri]\n"
	"    hours: [\"09:00-12:00\", \"13:00-18:00\"]\n"
	"    holidays: [2026-10-01, \"2026-10-02..2026-10-07\"]\n"
	"    workdays: [2026-10-10]\n"
	"  sla:\n"
	"    urgent: {first_response: 1h, resolve: 4h}\n"
	"    high:   {first_response: 4h, resolve: 16h}\n"
	"    low: {resolve: 1h30m}\n"
	"  warn_before: 30m\n"
	"  queue: team\n"
	"  survey:\n"
	"    url: \"https://example.com/s/{code}\"\n"
	"  assign:\n"
	"    - {match: {category: billing}, to: fay}\n"
	"    - {name: urgent, match: {priority: urgent, channel: [phone, wechat]}, team: support, method: least-loaded}\n"
	"    - {account_owner: true}\n";

static void test_full(void **state)
{
	(void)state;
	struct crm_config *c = load_ok(full);
	const struct crm_service *s = &c->service;
	const struct crm_calendar *k = &s->calendar;
	assert_string_equal(k->timezone, "Asia/Shanghai");
	assert_int_equal(k->days, 0x3e);
	assert_int_equal(k->nhours, 2);
	assert_int_equal(k->hours[0].start, 9 * 3600);
	assert_int_equal(k->hours[0].end, 12 * 3600);
	assert_int_equal(k->hours[1].start, 13 * 3600);
	assert_int_equal(k->hours[1].end, 18 * 3600);
	assert_int_equal(k->nholidays, 2);
	assert_int_equal(k->holidays[0].first, day(2026, 10, 1));
	assert_int_equal(k->holidays[0].last, day(2026, 10, 1));
	assert_int_equal(k->holidays[1].first, day(2026, 10, 2));
	assert_int_equal(k->holidays[1].last, day(2026, 10, 7));
	assert_int_equal(k->nworkdays, 1);
	assert_int_equal(k->workdays[0].first, day(2026, 10, 10));
	assert_int_equal(s->sla[CRM_PRIO_URGENT].first_response, 3600);
	assert_int_equal(s->sla[CRM_PRIO_URGENT].resolve, 4 * 3600);
	assert_int_equal(s->sla[CRM_PRIO_HIGH].first_response, 4 * 3600);
	assert_int_equal(s->sla[CRM_PRIO_HIGH].resolve, 16 * 3600);
	assert_int_equal(s->sla[CRM_PRIO_NORMAL].first_response, 0);
	assert_int_equal(s->sla[CRM_PRIO_LOW].first_response, 0);
	assert_int_equal(s->sla[CRM_PRIO_LOW].resolve, 5400);
	assert_int_equal(s->warn_before, 1800);
	assert_int_equal(s->queue, CRM_QUEUE_TEAM);
	assert_string_equal(s->survey_url, "https://example.com/s/{code}");
	assert_int_equal(s->nassign, 3);
	assert_string_equal(s->assign[0].name, "rule 1");
	assert_int_equal(s->assign[0].nmatch, 1);
	assert_string_equal(s->assign[0].match[0].field, "category");
	assert_string_equal(s->assign[0].match[0].values[0], "billing");
	assert_string_equal(s->assign[0].to, "fay");
	assert_null(s->assign[0].team);
	assert_false(s->assign[0].account_owner);
	assert_int_equal(s->assign[0].line, 17);
	assert_string_equal(s->assign[1].name, "urgent");
	assert_int_equal(s->assign[1].nmatch, 2);
	assert_string_equal(s->assign[1].match[1].field, "channel");
	assert_int_equal(s->assign[1].match[1].nvalues, 2);
	assert_string_equal(s->assign[1].match[1].values[1], "wechat");
	assert_string_equal(s->assign[1].team, "support");
	assert_int_equal(s->assign[1].method, CRM_ASSIGN_LEAST_LOADED);
	assert_true(s->assign[2].account_owner);
	assert_int_equal(s->assign[2].nmatch, 0);
	assert_null(s->assign[2].to);
	assert_int_equal(s->assign[2].line, 19);
	assert_int_equal(crm_priority_index("urgent"), CRM_PRIO_URGENT);
	assert_int_equal(crm_priority_index("critical"), -1);

	/* The loaded calendar at work: Wed 2026-09-30 17:00 +08 (09:00Z) plus
	 * the urgent resolve SLA of 4h: 1h on Wednesday, the holidays to
	 * 10-07 skipped, then Thu 10-08 09:00-12:00 +08: 1h + 3h = 4h, ending
	 * at 12:00 +08 = 04:00Z. */
	crm_time from;
	assert_int_equal(crm_time_parse_iso("2026-09-30T09:00:00Z", &from), 0);
	char out[CRM_ISO_LEN];
	crm_time_iso(crm_cal_add_business(k, from, s->sla[CRM_PRIO_URGENT].resolve), out);
	assert_string_equal(out, "2026-10-08T04:00:00Z");
	crm_config_free(c);
}

/* A make-up day alone keeps a calendar with no weekdays working. */
static void test_workdays_only(void **state)
{
	(void)state;
	struct crm_config *c = load_ok("service:\n  calendar: {days: [], workdays: [2026-10-10]}\n");
	assert_int_equal(c->service.calendar.days, 0);
	crm_config_free(c);
	/* "  calendar: {days: []}": '{' at 13, "days:" 14-18, '[' at 20. */
	load_bad("service:\n  calendar: {days: []}\n", "2:20: calendar without working days");
	/* "  calendar: {hours: []}": "hours:" 14-19, '[' at 21. */
	load_bad("service:\n  calendar: {hours: []}\n", "2:21: calendar without working hours");
}

static void test_bad_calendar(void **state)
{
	(void)state;
	/* "    days: [mon, funday, mon]": '[' 11, mon 12-14, funday 17-22, mon 25. */
	load_bad("service:\n  calendar:\n    days: [mon, funday, mon]\n",
		 "3:17: unknown weekday 'funday'\n"
		 "3:25: duplicate weekday 'mon'");
	/* "    hours: [": '[' at 12; items of 13, 12, 13, 13 and 13 characters
	 * (quotes included) with ", " between start at 13, 28, 42, 57, 72. */
	load_bad("service:\n  calendar:\n"
		 "    hours: [\"12:00-09:00\", \"9:00-10:00\", \"13:00-18:00\", \"17:00-19:00\", "
		 "\"10:00-11:00\"]\n",
		 "3:13: hours '12:00-09:00' end before they start\n"
		 "3:28: invalid hours '9:00-10:00'\n"
		 "3:57: hours '17:00-19:00' overlap '13:00-18:00'\n"
		 "3:72: hours '10:00-11:00' out of order, after '13:00-18:00'");
	/* "    hours: [24:00-24:00, 08:60-09:00, 18:00-24:00]": '[' 12, items of
	 * 11 characters at 13, 26, 39; only the last is good. */
	load_bad("service:\n  calendar:\n    hours: [24:00-24:00, 08:60-09:00, 18:00-24:00]\n",
		 "3:13: invalid hours '24:00-24:00'\n"
		 "3:26: invalid hours '08:60-09:00'");
	/* "    holidays: [": '[' at 15; items at 16 (10 chars), 28 (24 with the
	 * quotes), 54 (22) and 78. */
	load_bad("service:\n  calendar:\n"
		 "    holidays: [2026-02-30, \"2026-10-07..2026-10-02\", 2026-10-01..2026-10-07, "
		 "2026-13-01..2026-12-01x]\n"
		 "    workdays: [2026-10-10, 10/10, 2025-02-29]\n",
		 "3:16: invalid date '2026-02-30' in 'holidays'\n"
		 "3:28: reversed range '2026-10-07..2026-10-02' in 'holidays'\n"
		 "3:78: invalid date '2026-13-01..2026-12-01x' in 'holidays'\n"
		 "4:28: invalid date '10/10' in 'workdays'\n"
		 "4:35: invalid date '2025-02-29' in 'workdays'");
	/* "  calendar: {timezone: ../etc, weekends: [sat]}": timezone value at 24,
	 * "weekends" at 32. */
	load_bad("service:\n  calendar: {timezone: ../etc, weekends: [sat]}\n",
		 "2:24: invalid timezone '../etc'\n"
		 "2:32: unknown key 'weekends'");
	load_bad("service: []\n", "1:10: expected a mapping for 'service'");
}

static void test_bad_sla(void **state)
{
	(void)state;
	/* line 4 "    urgent: {first_response: 1x, resolve: 90}": 1x at 30, 90 at 43;
	 * line 5 "    high: {first_response: 1h30m, resolve: 0m, respond: 2h}":
	 * 0m at 44, respond at 48; line 6 "  warn_before: 30s": 30s at 16;
	 * line 7 "  queue: everyone": at 10; line 8 "  wait: 1h": at 3. */
	load_bad("service:\n"
		 "  sla:\n"
		 "    critical: {first_response: 1h}\n"
		 "    urgent: {first_response: 1x, resolve: 90}\n"
		 "    high: {first_response: 1h30m, resolve: 0m, respond: 2h}\n"
		 "  warn_before: 30s\n"
		 "  queue: everyone\n"
		 "  wait: 1h\n",
		 "3:5: unknown priority 'critical'\n"
		 "4:30: invalid duration '1x' for 'first_response'\n"
		 "4:43: invalid duration '90' for 'resolve'\n"
		 "5:44: invalid duration '0m' for 'resolve'\n"
		 "5:48: unknown key 'respond'\n"
		 "6:16: invalid duration '30s' for 'warn_before'\n"
		 "7:10: unknown queue 'everyone'\n"
		 "8:3: unknown key 'wait'");
	/* "  sla: {high: {resolve: 1m30h}, normal: {resolve: h}}": 1m30h at 25,
	 * h at 51 ("resolve:" 42-49, a space). */
	load_bad("service:\n  sla: {high: {resolve: 1m30h}, normal: {resolve: h}}\n",
		 "2:25: invalid duration '1m30h' for 'resolve'\n"
		 "2:51: invalid duration 'h' for 'resolve'");
}

static void test_bad_rules(void **state)
{
	(void)state;
	/* Each rule's '{' is at column 7; line 4's critical at 35, line 6's
	 * status at 16, line 8's fax at 25 ("channel:" 16-23, a
	 * space), line 9's method value at 31 ("method:" 23-29), line 10's
	 * user at 17 (after "to: fay, " 8-16). */
	load_bad("service:\n"
		 "  assign:\n"
		 "    - {match: {category: billing}}\n"
		 "    - {match: {priority: [urgent, critical]}, team: support}\n"
		 "    - {to: fay, team: support}\n"
		 "    - {match: {status: open}, account_owner: true}\n"
		 "    - {account_owner: false}\n"
		 "    - {match: {channel: fax}, to: fay}\n"
		 "    - {team: support, method: random}\n"
		 "    - {to: fay, user: fay}\n",
		 "3:7: neither to, team nor account_owner in rule 'rule 1'\n"
		 "4:35: unknown priority 'critical'\n"
		 "5:7: more than one of to, team and account_owner in rule 'rule 3'\n"
		 "6:16: unknown ticket field 'status'\n"
		 "7:7: neither to, team nor account_owner in rule 'rule 5'\n"
		 "8:25: unknown channel 'fax'\n"
		 "9:31: unknown method 'random'\n"
		 "10:17: unknown key 'user'");
	/* Globs are not checked against the priorities. */
	struct crm_config *c = load_ok("service:\n  assign:\n    - {match: {priority: \"*gent\"}, to: fay}\n");
	assert_string_equal(c->service.assign[0].match[0].values[0], "*gent");
	crm_config_free(c);
}

/* The example closing crm.yaml(5)'s Service subsection loads. */
static void test_man_example(void **state)
{
	(void)state;
	const char *srcdir = getenv("CRM_SRCDIR");
	char path[PATH_MAX];
	snprintf(path, sizeof path, "%s/man/man5/crm.yaml.5", srcdir ? srcdir : CRM_SRCDIR);
	char *page = read_file(path);
	char *start = strstr(page, "\n.Ss Service: calendar, SLAs, queue, surveys and assignment\n");
	assert_non_null(start);
	char *scoring = strstr(start, "\n.Ss Scoring\n");
	assert_non_null(scoring);
	start = strstr(start, "\nservice:\n");
	assert_non_null(start);
	assert_true(start < scoring);
	char *end = strstr(start, "\n.Ed\n");
	assert_non_null(end);
	end[1] = '\0';
	struct crm_config *c = load_ok(start + 1);
	const struct crm_service *s = &c->service;
	assert_string_equal(s->calendar.timezone, "Asia/Shanghai");
	assert_int_equal(s->calendar.nhours, 2);
	assert_int_equal(s->calendar.nholidays, 1);
	assert_int_equal(s->calendar.holidays[0].last - s->calendar.holidays[0].first, 6);
	assert_int_equal(s->calendar.nworkdays, 1);
	assert_int_equal(s->sla[CRM_PRIO_NORMAL].resolve, 24 * 3600);
	assert_int_equal(s->queue, CRM_QUEUE_TEAM);
	assert_non_null(s->survey_url);
	crm_config_free(c);
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_workdays_only),
		cmocka_unit_test(test_bad_calendar),
		cmocka_unit_test(test_bad_sla),
		cmocka_unit_test(test_bad_rules),
		cmocka_unit_test(test_man_example),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
