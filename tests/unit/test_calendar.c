/* test_calendar.c: business time over a service calendar.  Expected
 * instants are UTC text worked out by hand from the zone's offset:
 * Shanghai +08:00 all year; Berlin +01:00, and +02:00 from 2026-03-29
 * 02:00 local (01:00Z) to 2026-10-25 03:00 local (01:00Z).  Weekdays of
 * 2026 by hand: 2026-12-07 is a Monday (so 12-04 a Friday), 2026-10-01 a
 * Thursday (67 days = 9 weeks and 4 days before 12-07), 2026-03-29 a
 * Sunday.  The process's TZ is set to New York throughout, so that every
 * calendar here is in a zone other than TZ. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "calendar.h"
#include "date.h"

#define H 3600
#define MON_FRI 0x3e

static const char *iso(crm_time t)
{
	static char buf[4][CRM_ISO_LEN];
	static int i;
	i = (i + 1) % 4;
	crm_time_iso(t, buf[i]);
	return buf[i];
}

static crm_time utc(const char *s)
{
	crm_time t;
	assert_int_equal(crm_time_parse_iso(s, &t), 0);
	return t;
}

/* Days since 1970-01-01 of a date, through timegm (not the library). */
static int64_t day(int y, int m, int d)
{
	struct tm tm = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d};
	return (int64_t)timegm(&tm) / 86400;
}

static struct crm_cal_hours nine_six[] = {{9 * H, 18 * H}};
static struct crm_cal_hours lunch[] = {{9 * H, 12 * H}, {13 * H, 18 * H}};
static struct crm_cal_hours all_day[] = {{0, 24 * H}};

static struct crm_calendar shanghai(void)
{
	return (struct crm_calendar){.timezone = (char *)"Asia/Shanghai", .days = MON_FRI,
		.hours = nine_six, .nhours = 1};
}

/* Mainland China's National Day week of 2026 with its make-up Saturday. */
static struct crm_cal_dates golden_week[1], makeup[1];
static struct crm_calendar china(void)
{
	struct crm_calendar c = shanghai();
	golden_week[0] = (struct crm_cal_dates){day(2026, 10, 1), day(2026, 10, 7)};
	makeup[0] = (struct crm_cal_dates){day(2026, 10, 10), day(2026, 10, 10)};
	c.hours = lunch;
	c.nhours = 2;
	c.holidays = golden_week;
	c.nholidays = 1;
	c.workdays = makeup;
	c.nworkdays = 1;
	return c;
}

static void add_is(const struct crm_calendar *c, const char *from, int64_t secs,
		const char *want)
{
	assert_string_equal(iso(crm_cal_add_business(c, utc(from), secs)), want);
}

static int setup(void **state)
{
	(void)state;
	setenv("TZ", "America/New_York", 1);
	tzset();
	return 0;
}

static void test_weekend(void **state)
{
	(void)state;
	struct crm_calendar c = shanghai();
	/* Fri 2026-12-04 17:30 +08 = 09:30Z: half an hour on Friday, half on
	 * Monday 12-07 from 09:00 +08: 09:30 +08 = 01:30Z. */
	add_is(&c, "2026-12-04T09:30:00Z", H, "2026-12-07T01:30:00Z");
	assert_int_equal(crm_cal_business_seconds(&c, utc("2026-12-04T09:30:00Z"),
				utc("2026-12-07T01:30:00Z")), H);
	/* Exactly to the end of Friday: Friday 18:00 +08 = 10:00Z, not Monday. */
	add_is(&c, "2026-12-04T09:00:00Z", H, "2026-12-04T10:00:00Z");
	/* From Saturday 12-05 10:00 +08: Monday 09:00 + 1h = 02:00Z. */
	add_is(&c, "2026-12-05T02:00:00Z", H, "2026-12-07T02:00:00Z");
	/* The process's zone is untouched. */
	assert_string_equal(getenv("TZ"), "America/New_York");
	time_t t = (time_t)utc("2026-12-07T12:00:00Z");
	struct tm tm;
	localtime_r(&t, &tm);
	assert_int_equal(tm.tm_hour, 7);	/* New York is -05:00 in December */
}

static void test_lunch(void **state)
{
	(void)state;
	struct crm_calendar c = china();
	/* Mon 12-07 11:30 +08 (03:30Z) + 1h: 11:30-12:00, 13:00-13:30 +08 = 05:30Z. */
	add_is(&c, "2026-12-07T03:30:00Z", H, "2026-12-07T05:30:00Z");
	assert_int_equal(crm_cal_business_seconds(&c, utc("2026-12-07T03:30:00Z"),
				utc("2026-12-07T05:30:00Z")), H);
	/* Inside lunch (12:30 +08 = 04:30Z) the clock starts at 13:00: 05:00Z + 1h. */
	add_is(&c, "2026-12-07T04:30:00Z", H, "2026-12-07T06:00:00Z");
	/* A whole day is 3h + 5h = 8h: Mon 09:00 +08 (01:00Z) + 8h = 18:00 +08 = 10:00Z,
	 * and one second more is Tuesday 09:00:01 +08 = 01:00:01Z. */
	add_is(&c, "2026-12-07T01:00:00Z", 8 * H, "2026-12-07T10:00:00Z");
	add_is(&c, "2026-12-07T01:00:00Z", 8 * H + 1, "2026-12-08T01:00:01Z");
	assert_int_equal(crm_cal_business_seconds(&c, utc("2026-12-07T00:00:00Z"),
				utc("2026-12-08T00:00:00Z")), 8 * H);
}

static void test_holidays(void **state)
{
	(void)state;
	struct crm_calendar c = china();
	/* Wed 09-30 17:00 +08 (09:00Z) + 2h: one hour on Wednesday, then
	 * 10-01..10-07 are off, Thu 10-08 09:00-10:00 +08: 02:00Z. */
	add_is(&c, "2026-09-30T09:00:00Z", 2 * H, "2026-10-08T02:00:00Z");
	/* Fri 10-09 17:00 +08 + 2h: the make-up Saturday 10-10 09:00-10:00 +08. */
	add_is(&c, "2026-10-09T09:00:00Z", 2 * H, "2026-10-10T02:00:00Z");
	/* From 09-30 00:00 +08 to 10-12 00:00 +08: Wed 09-30, Thu 10-08, Fri
	 * 10-09 and Sat 10-10 work, 8h each: 32h. */
	assert_int_equal(crm_cal_business_seconds(&c, utc("2026-09-29T16:00:00Z"),
				utc("2026-10-11T16:00:00Z")), 32 * H);
	assert_false(crm_cal_is_working(&c, utc("2026-10-02T02:00:00Z")));	/* holiday Fri 10:00 */
	assert_true(crm_cal_is_working(&c, utc("2026-10-10T02:00:00Z")));	/* make-up Sat 10:00 */
	assert_false(crm_cal_is_working(&c, utc("2026-10-11T02:00:00Z")));	/* Sun 10:00 */
}

static void test_dst(void **state)
{
	(void)state;
	struct crm_calendar c = {.timezone = (char *)"Europe/Berlin", .days = MON_FRI,
		.hours = nine_six, .nhours = 1};
	/* Fri 03-27 17:30 CET = 16:30Z + 1h: Monday 03-30 09:30 CEST = 07:30Z. */
	add_is(&c, "2026-03-27T16:30:00Z", H, "2026-03-30T07:30:00Z");
	assert_int_equal(crm_cal_business_seconds(&c, utc("2026-03-27T16:30:00Z"),
				utc("2026-03-30T07:30:00Z")), H);
	assert_true(crm_cal_is_working(&c, utc("2026-03-30T07:00:00Z")));	/* 09:00 CEST */
	assert_false(crm_cal_is_working(&c, utc("2026-03-30T06:30:00Z")));	/* 08:30 CEST */
	assert_true(crm_cal_is_working(&c, utc("2026-03-27T08:00:00Z")));	/* 09:00 CET */

	/* Every day all day: Sat 03-28 00:00 CET (03-27 23:00Z) to Mon 03-30
	 * 00:00 CEST (03-29 22:00Z) is 24h + 23h. */
	struct crm_calendar all = {.timezone = (char *)"Europe/Berlin", .days = 0x7f,
		.hours = all_day, .nhours = 1};
	assert_int_equal(crm_cal_business_seconds(&all, utc("2026-03-27T23:00:00Z"),
				utc("2026-03-29T22:00:00Z")), 47 * H);
	/* 01:00-04:00 lasts 2h on 03-29 (02:00-03:00 does not exist) and 4h on
	 * 10-25 (02:00-03:00 comes twice). */
	struct crm_cal_hours night[] = {{1 * H, 4 * H}};
	struct crm_calendar n = {.timezone = (char *)"Europe/Berlin", .days = 0x01,
		.hours = night, .nhours = 1};
	assert_int_equal(crm_cal_business_seconds(&n, utc("2026-03-28T12:00:00Z"),
				utc("2026-03-29T12:00:00Z")), 2 * H);
	assert_int_equal(crm_cal_business_seconds(&n, utc("2026-10-24T12:00:00Z"),
				utc("2026-10-25T12:00:00Z")), 4 * H);
	/* Sun 03-29 01:00 CET = 00:00Z + 90 minutes: 01:00-02:00 CET, then the
	 * clock jumps to 03:00 CEST (01:00Z): 01:30Z. */
	add_is(&n, "2026-03-29T00:00:00Z", 90 * 60, "2026-03-29T01:30:00Z");
	/* Across the whole of 2026 all day: 365 days, the DST hour given back. */
	assert_int_equal(crm_cal_business_seconds(&all, utc("2025-12-31T23:00:00Z"),
				utc("2026-12-31T23:00:00Z")), 365 * 86400);
	assert_string_equal(getenv("TZ"), "America/New_York");
}

static void test_inside_outside(void **state)
{
	(void)state;
	struct crm_calendar c = shanghai();
	/* Mon 12-07 07:00 +08 (12-06 23:00Z) + 1h: 10:00 +08 = 02:00Z. */
	add_is(&c, "2026-12-06T23:00:00Z", H, "2026-12-07T02:00:00Z");
	/* Mon 20:00 +08 (12:00Z) + 1h: Tue 10:00 +08 = 12-08 02:00Z. */
	add_is(&c, "2026-12-07T12:00:00Z", H, "2026-12-08T02:00:00Z");
	/* Mon 10:00 +08 + 30m: 10:30. */
	add_is(&c, "2026-12-07T02:00:00Z", 1800, "2026-12-07T02:30:00Z");
	assert_true(crm_cal_is_working(&c, utc("2026-12-07T01:00:00Z")));	/* 09:00 */
	assert_false(crm_cal_is_working(&c, utc("2026-12-07T10:00:00Z")));	/* 18:00 */
	assert_true(crm_cal_is_working(&c, utc("2026-12-07T09:59:59Z")));
	assert_false(crm_cal_is_working(&c, utc("2026-12-05T02:00:00Z")));	/* Saturday */
	struct crm_calendar l = china();
	assert_false(crm_cal_is_working(&l, utc("2026-12-07T04:30:00Z")));	/* 12:30 */
	/* Outside to outside, over a night: nothing. */
	assert_int_equal(crm_cal_business_seconds(&c, utc("2026-12-07T10:00:00Z"),
				utc("2026-12-08T01:00:00Z")), 0);
}

static void test_empty(void **state)
{
	(void)state;
	struct crm_calendar c = shanghai();
	crm_time t = utc("2026-12-07T02:00:00Z"), sat = utc("2026-12-05T02:00:00Z");
	assert_int_equal(crm_cal_business_seconds(&c, t, t), 0);
	assert_int_equal(crm_cal_business_seconds(&c, t, t - 3600), 0);
	assert_int_equal(crm_cal_add_business(&c, t, 0), t);
	assert_int_equal(crm_cal_add_business(&c, t, -5), t);
	assert_int_equal(crm_cal_add_business(&c, sat, 0), sat);	/* from itself */
	/* No working day at all: the walk stops at its cap. */
	struct crm_calendar none = shanghai();
	none.days = 0;
	assert_int_equal(crm_cal_add_business(&none, t, 1), CRM_CAL_NEVER);
	assert_int_equal(crm_cal_business_seconds(&none, t, t + 400 * 86400), 0);
	/* Only one make-up day, a year away: found, past the skipped weeks. */
	struct crm_cal_dates one[] = {{day(2027, 12, 1), day(2027, 12, 1)}};
	none.workdays = one;
	none.nworkdays = 1;
	add_is(&none, "2026-12-07T02:00:00Z", H, "2027-12-01T02:00:00Z");
}

/* 2027 starts on a Friday and has 365 days: 52 weeks and a Friday, so
 * 52 * 5 + 1 = 261 weekdays of 9h. */
static void test_long_span(void **state)
{
	(void)state;
	struct crm_calendar c = shanghai();
	crm_time jan1 = utc("2026-12-31T16:00:00Z"), next = utc("2027-12-31T16:00:00Z");
	assert_int_equal(crm_cal_business_seconds(&c, jan1, next), 261 * 9 * H);
	/* 261 * 9h from 2027-01-01 00:00 +08 ends at the last weekday's
	 * 18:00: Fri 2027-12-31 18:00 +08 = 10:00Z. */
	add_is(&c, "2026-12-31T16:00:00Z", 261 * 9 * H, "2027-12-31T10:00:00Z");
}

/* The reference: minute by minute, through localtime_r under TZ=zone
 * (set here, not by the library), what the calendar says of each minute. */
static int64_t slow_seconds(const struct crm_calendar *c, crm_time from, crm_time to)
{
	char *saved = strdup(getenv("TZ"));
	setenv("TZ", c->timezone, 1);
	tzset();
	int64_t sum = 0;
	for (crm_time t = from; t < to; t += 60) {
		time_t tt = (time_t)t;
		struct tm tm;
		localtime_r(&tt, &tm);
		int64_t d = day(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
		bool works = c->days >> tm.tm_wday & 1, found = false;
		for (size_t i = 0; i < c->nholidays; i++)
			works &= !(d >= c->holidays[i].first && d <= c->holidays[i].last);
		for (size_t i = 0; i < c->nworkdays; i++)
			found |= d >= c->workdays[i].first && d <= c->workdays[i].last;
		works |= found;
		int s = tm.tm_hour * 3600 + tm.tm_min * 60;
		for (size_t i = 0; works && i < c->nhours; i++)
			if (s >= c->hours[i].start && s < c->hours[i].end)
				sum += 60;
	}
	setenv("TZ", saved, 1);
	tzset();
	free(saved);
	return sum;
}

static uint64_t rng = 20261207;
static int64_t rnd(int64_t n)
{
	rng = rng * 6364136223846793005u + 1442695040888963407u;
	return (int64_t)((rng >> 33) % (uint64_t)n);
}

static void properties(const struct crm_calendar *c, crm_time base, int64_t span)
{
	for (int i = 0; i < 300; i++) {
		crm_time from = base + rnd(span), to = from + rnd(20 * 86400);
		int64_t secs = 1 + rnd(120 * H);
		/* add then count gives back the amount */
		crm_time end = crm_cal_add_business(c, from, secs);
		assert_int_equal(crm_cal_business_seconds(c, from, end), secs);
		assert_true(crm_cal_is_working(c, end - 1));
		/* count then add lands at or before to, with nothing left between */
		int64_t got = crm_cal_business_seconds(c, from, to);
		crm_time back = crm_cal_add_business(c, from, got);
		assert_true(back <= to);
		assert_int_equal(crm_cal_business_seconds(c, back, to), 0);
		/* additive over a cut */
		crm_time mid = from + rnd(to - from + 1);
		assert_int_equal(crm_cal_business_seconds(c, from, mid)
				 + crm_cal_business_seconds(c, mid, to), got);
	}
	/* against the reference, on whole minutes and shorter spans */
	for (int i = 0; i < 40; i++) {
		crm_time from = base + rnd(span) / 60 * 60, to = from + rnd(9 * 86400) / 60 * 60;
		assert_int_equal(crm_cal_business_seconds(c, from, to), slow_seconds(c, from, to));
	}
}

static void test_properties(void **state)
{
	(void)state;
	struct crm_calendar c = china();
	properties(&c, utc("2026-09-01T00:00:00Z"), 90 * 86400);
	struct crm_calendar b = {.timezone = (char *)"Europe/Berlin", .days = 0x7e,
		.hours = lunch, .nhours = 2};
	properties(&b, utc("2026-03-01T00:00:00Z"), 240 * 86400);
	struct crm_cal_hours night[] = {{0, 2 * H + 1800}, {2 * H + 2700, 3 * H}, {22 * H, 24 * H}};
	struct crm_calendar n = {.timezone = (char *)"Europe/Berlin", .days = 0x7f,
		.hours = night, .nhours = 3};
	properties(&n, utc("2026-03-20T00:00:00Z"), 220 * 86400);
	assert_string_equal(getenv("TZ"), "America/New_York");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_weekend),
		cmocka_unit_test(test_lunch),
		cmocka_unit_test(test_holidays),
		cmocka_unit_test(test_dst),
		cmocka_unit_test(test_inside_outside),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_long_span),
		cmocka_unit_test(test_properties),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
