/* test_date.c: instants, local dates and relative forms.  Every test sets
 * TZ itself; expected instants are written as UTC text worked out by hand
 * from the zone's offset (Shanghai +08:00 all year; New York -05:00, and
 * -04:00 from 2025-03-09 02:00 to 2025-11-02 02:00 local).  The functions
 * take NUL-terminated strings; NULL is not allowed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "date.h"
#include "err.h"

static void set_tz(const char *zone)
{
	setenv("TZ", zone, 1);
	tzset();
}

static const char *iso(crm_time t)
{
	static char buf[CRM_ISO_LEN];
	crm_time_iso(t, buf);
	return buf;
}

static const char *date(crm_time t)
{
	static char buf[CRM_DATE_LEN];
	crm_time_date(t, buf);
	return buf;
}

static crm_time from_iso(const char *s)
{
	crm_time t;
	if (crm_time_parse_iso(s, &t) != 0)
		fail_msg("'%s' is not a stored instant", s);
	return t;
}

/* crm_time_parse (dir < 0) or crm_time_parse_future (dir > 0) of s at
 * now, compared as UTC text. */
static void check(int dir, const char *s, const char *now, const char *want)
{
	crm_time t = 0, n = from_iso(now);
	int rc = dir < 0 ? crm_time_parse(s, n, &t) : crm_time_parse_future(s, n, &t);
	if (rc != 0)
		fail_msg("'%s' was rejected", s);
	if (strcmp(iso(t), want) != 0)
		fail_msg("'%s' gave %s, want %s", s, iso(t), want);
}

static void check_bad(int dir, const char *s)
{
	crm_time t = 77, n = from_iso("2025-03-31T04:00:00Z");
	int rc = dir < 0 ? crm_time_parse(s, n, &t) : crm_time_parse_future(s, n, &t);
	if (rc != -1)
		fail_msg("'%s' was accepted as %s", s, iso(t));
	assert_int_equal(t, 77);
}

#define PAST(s, now, want) check(-1, s, now, want)
#define FUTURE(s, now, want) check(1, s, now, want)

static void test_parse_iso(void **state)
{
	(void)state;
	set_tz("Asia/Shanghai");	/* stored instants ignore the zone */
	assert_int_equal(from_iso("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(from_iso("1969-12-31T23:59:59Z"), -1);
	assert_int_equal(from_iso("2000-03-01T12:34:56Z"), 951914096);
	assert_int_equal(from_iso("2024-02-29T23:59:59Z"), 1709251199);
	assert_int_equal(from_iso("2026-11-22T18:14:13Z"), 1795371253);
	assert_int_equal(from_iso("9999-12-31T23:59:59Z"), INT64_C(253402300799));
	assert_int_equal(from_iso("0000-01-01T00:00:00Z"), INT64_C(-62167219200));
}

static void test_parse_iso_bad(void **state)
{
	static const char *const bad[] = {
		"", "2026-11-22", "2026-11-22T18:14:13", "2026-11-22T18:14Z",
		"2026-11-22 18:14:13Z", "2026-11-22T18:14:13+00:00",
		"2026-11-22T18:14:13z", "2026-11-22T18:14:13Zx", " 2026-11-22T18:14:13Z",
		"2025-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z",
		"2026-04-31T00:00:00Z", "2026-11-00T00:00:00Z", "2026-11-22T24:00:00Z",
		"2026-11-22T23:60:00Z", "2026-11-22T23:59:60Z", "2026-1-22T18:14:13Z",
		"2026-11-22T18:14:1Z", "20261122T181413Z...", "+026-11-22T18:14:13Z",
	};
	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		crm_time t = 77;
		if (crm_time_parse_iso(bad[i], &t) != -1)
			fail_msg("'%s' was accepted", bad[i]);
		assert_int_equal(t, 77);
	}
}

static void test_iso_format(void **state)
{
	(void)state;
	set_tz("America/New_York");
	assert_string_equal(iso(0), "1970-01-01T00:00:00Z");
	assert_string_equal(iso(-1), "1969-12-31T23:59:59Z");
	assert_string_equal(iso(951914096), "2000-03-01T12:34:56Z");
	assert_string_equal(iso(1795371253), "2026-11-22T18:14:13Z");
	/* Beyond four-digit years the text is pinned, never longer. */
	assert_string_equal(iso(INT64_MAX), "9999-12-31T23:59:59Z");
	assert_string_equal(iso(INT64_MIN), "0000-01-01T00:00:00Z");
}

static void test_round_trip(void **state)
{
	static const char *const texts[] = {
		"1970-01-01T00:00:00Z", "1999-12-31T23:59:59Z", "2000-02-29T12:00:00Z",
		"2024-02-29T00:00:00Z", "2025-03-09T07:00:00Z", "2025-11-02T06:30:00Z",
		"0000-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "1900-03-01T00:00:01Z",
	};
	static const crm_time instants[] = { 0, 1, -1, 1741503600, INT64_C(253402300799) };
	(void)state;
	set_tz("America/New_York");
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++)
		assert_string_equal(iso(from_iso(texts[i])), texts[i]);
	for (size_t i = 0; i < sizeof instants / sizeof *instants; i++)
		assert_int_equal(from_iso(iso(instants[i])), instants[i]);
}

static void test_absolute_forms(void **state)
{
	const char *now = "2000-01-01T00:00:00Z";	/* ignored by absolute forms */
	(void)state;
	set_tz("Asia/Shanghai");
	PAST("2025-03-01", now, "2025-02-28T16:00:00Z");
	PAST("2025-03-01T08:30", now, "2025-03-01T00:30:00Z");
	PAST("2025-03-01 08:30", now, "2025-03-01T00:30:00Z");
	PAST("2025-03-01T08:30:15", now, "2025-03-01T00:30:15Z");
	PAST("2025-03-01 08:30:15", now, "2025-03-01T00:30:15Z");
	PAST("2025-03-01T08:30:15Z", now, "2025-03-01T08:30:15Z");
	PAST("2025-03-01T08:30Z", now, "2025-03-01T08:30:00Z");
	PAST("2025-03-01T08:30:00+05:30", now, "2025-03-01T03:00:00Z");
	PAST("2025-03-01T08:30-02:00", now, "2025-03-01T10:30:00Z");
	PAST("2025-03-01T00:30:00+01:00", now, "2025-02-28T23:30:00Z");
	FUTURE("2025-03-01", now, "2025-02-28T16:00:00Z");
	FUTURE("2025-03-01T08:30:00Z", now, "2025-03-01T08:30:00Z");

	set_tz("UTC");
	PAST("2025-03-01", now, "2025-03-01T00:00:00Z");
	PAST("2025-03-01 23:59:59", now, "2025-03-01T23:59:59Z");
}

static void test_calendar_validation(void **state)
{
	const char *now = "2000-01-01T00:00:00Z";
	static const char *const bad[] = {
		"2025-02-29", "1900-02-29", "2100-02-29", "2025-13-01", "2025-00-10",
		"2025-01-32", "2025-04-31", "2025-06-31", "2025-01-00",
		"2025-01-01T24:00", "2025-01-01T23:60", "2025-01-01T23:59:60",
		"2025-01-01x", "2025-01-01T", "2025-01-01T10", "2025-01-01T10:5",
		"2025-01-01T10:00:", "2025-01-01T10:00:00+24:00", "2025-01-01T10:00:00+05",
		"2025-01-01T10:00:00+05:60", "2025-01-01T10:00:00Z ", "2025-01-01T10:00:00ZZ",
		" 2025-01-01", "2025-01-01 ", "25-01-01", "2025/01/01", "2025-1-1",
		"20250101", "2025-01-01T10:00:00.5Z", "",
	};
	(void)state;
	set_tz("UTC");
	PAST("2024-02-29", now, "2024-02-29T00:00:00Z");
	PAST("2000-02-29", now, "2000-02-29T00:00:00Z");
	PAST("2025-12-31T23:59:59", now, "2025-12-31T23:59:59Z");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		check_bad(-1, bad[i]);
		check_bad(1, bad[i]);
	}
}

static void test_relative_words(void **state)
{
	const char *now = "2025-03-31T04:00:00Z";	/* 12:00 on 03-31 in Shanghai */
	(void)state;
	set_tz("Asia/Shanghai");
	PAST("now", now, "2025-03-31T04:00:00Z");
	PAST("today", now, "2025-03-30T16:00:00Z");
	PAST("yesterday", now, "2025-03-29T16:00:00Z");
	PAST("tomorrow", now, "2025-03-31T16:00:00Z");
	FUTURE("now", now, "2025-03-31T04:00:00Z");
	FUTURE("today", now, "2025-03-30T16:00:00Z");
	FUTURE("yesterday", now, "2025-03-29T16:00:00Z");
	FUTURE("tomorrow", now, "2025-03-31T16:00:00Z");

	/* 23:30 UTC is already the next local day in Shanghai. */
	PAST("today", "2025-03-31T23:30:00Z", "2025-03-31T16:00:00Z");
	/* Across a year end. */
	PAST("yesterday", "2025-01-01T01:00:00Z", "2024-12-30T16:00:00Z");
	PAST("tomorrow", "2024-12-31T15:00:00Z", "2024-12-31T16:00:00Z");
}

static void test_relative_back(void **state)
{
	const char *now = "2025-03-31T04:00:00Z";
	(void)state;
	set_tz("Asia/Shanghai");
	PAST("0d", now, "2025-03-30T16:00:00Z");
	PAST("3d", now, "2025-03-27T16:00:00Z");
	PAST("31d", now, "2025-02-27T16:00:00Z");	/* 2025-02-28 */
	PAST("365d", now, "2024-03-30T16:00:00Z");	/* 2024-03-31 */
	PAST("2w", now, "2025-03-16T16:00:00Z");
	PAST("1y", now, "2024-03-30T16:00:00Z");
	PAST("007d", now, "2025-03-23T16:00:00Z");
}

static void test_month_end_clamp(void **state)
{
	const char *now = "2025-03-31T04:00:00Z";
	(void)state;
	set_tz("Asia/Shanghai");
	PAST("1m", now, "2025-02-27T16:00:00Z");	/* 03-31 -> 02-28 */
	PAST("13m", now, "2024-02-28T16:00:00Z");	/* -> 2024-02-29 */
	PAST("2m", now, "2025-01-30T16:00:00Z");	/* -> 01-31 */
	PAST("3m", now, "2024-12-30T16:00:00Z");	/* -> 2024-12-31 */
	PAST("4m", now, "2024-11-29T16:00:00Z");	/* -> 2024-11-30 */
	PAST("12m", now, "2024-03-30T16:00:00Z");
	FUTURE("1m", now, "2025-04-29T16:00:00Z");	/* 03-31 -> 04-30 */
	FUTURE("11m", now, "2026-02-27T16:00:00Z");	/* -> 2026-02-28 */
}

static void test_leap_years(void **state)
{
	const char *now = "2024-02-29T04:00:00Z";	/* 12:00 on 2024-02-29 */
	(void)state;
	set_tz("Asia/Shanghai");
	PAST("1y", now, "2023-02-27T16:00:00Z");	/* -> 2023-02-28 */
	PAST("4y", now, "2020-02-28T16:00:00Z");	/* -> 2020-02-29 */
	PAST("12m", now, "2023-02-27T16:00:00Z");
	PAST("1d", now, "2024-02-27T16:00:00Z");
	FUTURE("1d", now, "2024-02-29T16:00:00Z");	/* 2024-03-01 */
	FUTURE("1y", now, "2025-02-27T16:00:00Z");	/* -> 2025-02-28 */
	/* 1900 was not a leap year, 2000 was (in UTC: Shanghai kept its
	 * local mean time until 1901). */
	set_tz("UTC");
	PAST("1d", "1900-03-01T12:00:00Z", "1900-02-28T00:00:00Z");
	PAST("1d", "2000-03-01T12:00:00Z", "2000-02-29T00:00:00Z");
}

static void test_relative_forward(void **state)
{
	const char *now = "2025-03-31T04:00:00Z";
	(void)state;
	set_tz("Asia/Shanghai");
	FUTURE("3d", now, "2025-04-02T16:00:00Z");	/* 04-03 */
	FUTURE("+3d", now, "2025-04-02T16:00:00Z");
	FUTURE("0d", now, "2025-03-30T16:00:00Z");
	FUTURE("1w", now, "2025-04-06T16:00:00Z");	/* 04-07 */
	FUTURE("+2w", now, "2025-04-13T16:00:00Z");
	FUTURE("1y", now, "2026-03-30T16:00:00Z");
	FUTURE("+1m", now, "2025-04-29T16:00:00Z");
}

static void test_relative_bad(void **state)
{
	static const char *const bad_both[] = {
		"d", "3", "-3d", "3x", "3dd", "3 d", " 3d", "3d ", "3D", "Today",
		"NOW", "today ", "1000000000d", "99999999999999999999d", "9999y",
		"++3d", "+", "+now", "+today", "3.5d", "d3", "now+1d",
	};
	(void)state;
	set_tz("Asia/Shanghai");
	for (size_t i = 0; i < sizeof bad_both / sizeof *bad_both; i++) {
		check_bad(-1, bad_both[i]);
		check_bad(1, bad_both[i]);
	}
	check_bad(-1, "+3d");	/* forward only where the caller asked for it */
}

/* America/New_York switched to EDT at 2025-03-09 02:00 and back to EST at
 * 2025-11-02 02:00. */
static void test_dst_day_start(void **state)
{
	(void)state;
	set_tz("America/New_York");
	/* 2025-03-09 12:00 EDT: that day began at 00:00 EST. */
	assert_string_equal(iso(crm_time_day_start(from_iso("2025-03-09T16:00:00Z"))),
			    "2025-03-09T05:00:00Z");
	/* 2025-11-02 12:00 EST: that day began at 00:00 EDT. */
	assert_string_equal(iso(crm_time_day_start(from_iso("2025-11-02T17:00:00Z"))),
			    "2025-11-02T04:00:00Z");
	/* Midnight itself is its own day start. */
	assert_string_equal(iso(crm_time_day_start(from_iso("2025-03-09T05:00:00Z"))),
			    "2025-03-09T05:00:00Z");
	assert_string_equal(iso(crm_time_day_start(from_iso("2025-03-09T04:59:59Z"))),
			    "2025-03-08T05:00:00Z");

	PAST("2025-03-09", "2000-01-01T00:00:00Z", "2025-03-09T05:00:00Z");
	PAST("2025-03-10", "2000-01-01T00:00:00Z", "2025-03-10T04:00:00Z");
	PAST("2025-03-09T03:00", "2000-01-01T00:00:00Z", "2025-03-09T07:00:00Z");
	PAST("2025-03-09T01:59:59", "2000-01-01T00:00:00Z", "2025-03-09T06:59:59Z");
}

static void test_dst_relative(void **state)
{
	(void)state;
	set_tz("America/New_York");
	/* now 2025-03-10 12:00 EDT */
	PAST("today", "2025-03-10T16:00:00Z", "2025-03-10T04:00:00Z");
	PAST("1d", "2025-03-10T16:00:00Z", "2025-03-09T05:00:00Z");
	PAST("2d", "2025-03-10T16:00:00Z", "2025-03-08T05:00:00Z");
	PAST("1w", "2025-03-10T16:00:00Z", "2025-03-03T05:00:00Z");
	/* now 2025-11-03 12:00 EST */
	PAST("yesterday", "2025-11-03T17:00:00Z", "2025-11-02T04:00:00Z");
	PAST("2d", "2025-11-03T17:00:00Z", "2025-11-01T04:00:00Z");
	FUTURE("1d", "2025-11-01T16:00:00Z", "2025-11-02T04:00:00Z");
	FUTURE("2d", "2025-11-01T16:00:00Z", "2025-11-03T05:00:00Z");
	FUTURE("1m", "2025-02-10T17:00:00Z", "2025-03-10T04:00:00Z");
}

static crm_time add_days(const char *t, int days)
{
	return crm_time_add_days(from_iso(t), days);
}

static crm_time add_months(const char *t, int months)
{
	return crm_time_add_months(from_iso(t), months);
}

static void test_dst_add_days(void **state)
{
	(void)state;
	set_tz("America/New_York");
	/* 2025-03-08 12:00 EST + 1 day = 2025-03-09 12:00 EDT, 23 hours on. */
	assert_string_equal(iso(add_days("2025-03-08T17:00:00Z", 1)), "2025-03-09T16:00:00Z");
	assert_int_equal(add_days("2025-03-08T17:00:00Z", 1) - from_iso("2025-03-08T17:00:00Z"),
			 23 * 3600);
	assert_string_equal(iso(add_days("2025-03-09T16:00:00Z", -1)), "2025-03-08T17:00:00Z");
	/* 2025-11-01 12:00 EDT + 1 day = 2025-11-02 12:00 EST, 25 hours on. */
	assert_string_equal(iso(add_days("2025-11-01T16:00:00Z", 1)), "2025-11-02T17:00:00Z");
	assert_string_equal(iso(add_days("2025-11-02T17:00:00Z", -1)), "2025-11-01T16:00:00Z");
	/* Across the whole summer and back: same wall clock. */
	assert_string_equal(iso(add_days("2025-01-15T17:00:00Z", 180)), "2025-07-14T16:00:00Z");
	assert_string_equal(iso(add_days("2025-07-14T16:00:00Z", -180)), "2025-01-15T17:00:00Z");
	assert_string_equal(iso(add_days("2025-01-15T17:00:00Z", 0)), "2025-01-15T17:00:00Z");
	/* Month and year ends. */
	assert_string_equal(iso(add_days("2024-02-28T17:00:00Z", 1)), "2024-02-29T17:00:00Z");
	assert_string_equal(iso(add_days("2025-02-28T17:00:00Z", 1)), "2025-03-01T17:00:00Z");
	assert_string_equal(iso(add_days("2025-12-31T17:00:00Z", 1)), "2026-01-01T17:00:00Z");
	assert_string_equal(iso(add_days("2025-01-01T17:00:00Z", 365)), "2026-01-01T17:00:00Z");
}

static void test_add_months(void **state)
{
	(void)state;
	set_tz("America/New_York");
	/* 2025-01-31 12:00 EST */
	assert_string_equal(iso(add_months("2025-01-31T17:00:00Z", 1)), "2025-02-28T17:00:00Z");
	assert_string_equal(iso(add_months("2025-01-31T17:00:00Z", 2)), "2025-03-31T16:00:00Z");
	assert_string_equal(iso(add_months("2025-01-31T17:00:00Z", 3)), "2025-04-30T16:00:00Z");
	assert_string_equal(iso(add_months("2025-03-31T16:00:00Z", -1)), "2025-02-28T17:00:00Z");
	assert_string_equal(iso(add_months("2025-01-31T17:00:00Z", -2)), "2024-11-30T17:00:00Z");
	assert_string_equal(iso(add_months("2025-01-31T17:00:00Z", 0)), "2025-01-31T17:00:00Z");
	assert_string_equal(iso(add_months("2025-01-31T17:00:00Z", -13)), "2023-12-31T17:00:00Z");
	/* Leap day plus and minus a year. */
	assert_string_equal(iso(add_months("2024-02-29T17:00:00Z", 12)), "2025-02-28T17:00:00Z");
	assert_string_equal(iso(add_months("2024-02-29T17:00:00Z", 48)), "2028-02-29T17:00:00Z");
	assert_string_equal(iso(add_months("2024-02-29T17:00:00Z", -12)), "2023-02-28T17:00:00Z");
}

static void test_local_date(void **state)
{
	(void)state;
	set_tz("Asia/Shanghai");
	assert_string_equal(date(from_iso("2025-02-28T15:59:59Z")), "2025-02-28");
	assert_string_equal(date(from_iso("2025-02-28T16:00:00Z")), "2025-03-01");
	assert_string_equal(date(from_iso("2024-12-31T16:00:00Z")), "2025-01-01");
	set_tz("UTC");
	assert_string_equal(date(from_iso("2025-02-28T16:00:00Z")), "2025-02-28");
	assert_string_equal(date(0), "1970-01-01");
	set_tz("America/New_York");
	assert_string_equal(date(from_iso("2025-03-09T04:59:59Z")), "2025-03-08");
	assert_string_equal(date(from_iso("2025-03-09T05:00:00Z")), "2025-03-09");
	assert_string_equal(date(from_iso("2025-11-02T03:59:59Z")), "2025-11-01");
	assert_string_equal(date(from_iso("2025-11-02T04:00:00Z")), "2025-11-02");
	/* Pinned to the four-digit years like crm_time_iso. */
	assert_string_equal(date(INT64_MAX), "9999-12-31");
	assert_string_equal(date(INT64_MIN), "0000-01-01");
}

static void test_date_round_trip(void **state)
{
	static const char *const days[] = { "2024-02-29", "2025-03-09", "2025-11-02", "1999-12-31" };
	(void)state;
	set_tz("America/New_York");
	for (size_t i = 0; i < sizeof days / sizeof *days; i++) {
		crm_time t;
		assert_int_equal(crm_time_parse(days[i], 0, &t), 0);
		assert_string_equal(date(t), days[i]);
		assert_int_equal(crm_time_day_start(t), t);
	}
}

static void test_now_from_env(void **state)
{
	crm_time t = 0;
	(void)state;
	set_tz("Asia/Shanghai");
	setenv("CRM_NOW", "2026-11-22T18:14:13Z", 1);
	assert_int_equal(crm_now(&t), 0);
	assert_string_equal(iso(t), "2026-11-22T18:14:13Z");
	setenv("CRM_NOW", "2025-03-31", 1);
	assert_int_equal(crm_now(&t), 0);
	assert_string_equal(iso(t), "2025-03-30T16:00:00Z");
	setenv("CRM_NOW", "2025-03-31T12:00:00+08:00", 1);
	assert_int_equal(crm_now(&t), 0);
	assert_string_equal(iso(t), "2025-03-31T04:00:00Z");
	setenv("CRM_NOW", "2025-03-31 12:00", 1);
	assert_int_equal(crm_now(&t), 0);
	assert_string_equal(iso(t), "2025-03-31T04:00:00Z");
	unsetenv("CRM_NOW");
}

static void test_now_bad_env(void **state)
{
	static const char *const bad[] = { "yesterday", "3d", "now", "2025-02-29", "soon", "2025-03-31T" };
	(void)state;
	crm_set_progname("test_date");
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		crm_time t = 77;
		setenv("CRM_NOW", bad[i], 1);
		assert_int_equal(crm_now(&t), EX_USAGE);	/* reported on stderr */
		assert_int_equal(t, 77);
	}
	unsetenv("CRM_NOW");
}

static void test_now_clock(void **state)
{
	crm_time t = 0;
	(void)state;
	unsetenv("CRM_NOW");
	time_t before = time(NULL);
	assert_int_equal(crm_now(&t), 0);
	assert_in_range(t, before, time(NULL));
	setenv("CRM_NOW", "", 1);	/* empty counts as unset */
	assert_int_equal(crm_now(&t), 0);
	assert_in_range(t, before, time(NULL));
	unsetenv("CRM_NOW");
}

static void test_set_zone(void **state)
{
	crm_time t = from_iso("2025-02-28T16:00:00Z");
	(void)state;
	set_tz("America/New_York");
	crm_time_set_zone("Asia/Shanghai");	/* the environment's TZ wins */
	assert_string_equal(getenv("TZ"), "America/New_York");
	assert_string_equal(date(t), "2025-02-28");

	unsetenv("TZ");
	crm_time_set_zone("Asia/Shanghai");
	assert_string_equal(getenv("TZ"), "Asia/Shanghai");
	assert_string_equal(date(t), "2025-03-01");
	crm_time_set_zone("UTC");	/* ours, so a later call may change it */
	assert_string_equal(getenv("TZ"), "UTC");
	crm_time_set_zone("");
	crm_time_set_zone(NULL);
	assert_string_equal(getenv("TZ"), "UTC");
	set_tz("America/New_York");	/* a user's TZ again */
	crm_time_set_zone("Asia/Shanghai");
	assert_string_equal(getenv("TZ"), "America/New_York");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_iso),
		cmocka_unit_test(test_parse_iso_bad),
		cmocka_unit_test(test_iso_format),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_absolute_forms),
		cmocka_unit_test(test_calendar_validation),
		cmocka_unit_test(test_relative_words),
		cmocka_unit_test(test_relative_back),
		cmocka_unit_test(test_month_end_clamp),
		cmocka_unit_test(test_leap_years),
		cmocka_unit_test(test_relative_forward),
		cmocka_unit_test(test_relative_bad),
		cmocka_unit_test(test_dst_day_start),
		cmocka_unit_test(test_dst_relative),
		cmocka_unit_test(test_dst_add_days),
		cmocka_unit_test(test_add_months),
		cmocka_unit_test(test_local_date),
		cmocka_unit_test(test_date_round_trip),
		cmocka_unit_test(test_now_from_env),
		cmocka_unit_test(test_now_bad_env),
		cmocka_unit_test(test_now_clock),
		cmocka_unit_test(test_set_zone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
