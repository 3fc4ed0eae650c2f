/* date.c: see date.h.  Calendar arithmetic is done on struct tm and
 * handed to mktime() with tm_isdst = -1, so a day is a calendar day even
 * when it lasts 23 or 25 hours; no floating point anywhere. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "err.h"

/* The years 0000-9999 UTC: what four-digit ISO text can hold. */
#define TIME_MIN INT64_C(-62167219200)	/* 0000-01-01T00:00:00Z */
#define TIME_MAX INT64_C(253402300799)	/* 9999-12-31T23:59:59Z */

/* Relative counts above this cannot land inside the years 0000-9999 and
 * would overflow the int fields of struct tm once multiplied by 7 or 12. */
#define REL_MAX 4000000L

static bool is_leap(long year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(long year, int mon0)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	return mon0 == 1 && is_leap(year) ? 29 : days[mon0];
}

/* Exactly n ASCII digits at *p, advancing it. */
static bool read_digits(const char **p, int n, int *v)
{
	int acc = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return false;
		acc = acc * 10 + (c - '0');
	}
	*p += n;
	*v = acc;
	return true;
}

static bool in_range(int64_t t)
{
	return t >= TIME_MIN && t <= TIME_MAX;
}

/* A local wall-clock time to an instant.  mktime() returns -1 both for an
 * error and for 23:59:59 on 1969-12-31, so errno tells them apart. */
static int local_to_time(struct tm *tm, crm_time *out)
{
	tm->tm_isdst = -1;
	errno = 0;
	time_t t = mktime(tm);
	if (t == (time_t)-1 && errno != 0)
		return -1;
	if (!in_range((int64_t)t))
		return -1;
	*out = (crm_time)t;
	return 0;
}

static int local_midnight(long year, int mon0, int mday, crm_time *out)
{
	struct tm tm = { 0 };
	if (year - 1900 < -2000000 || year - 1900 > 2000000)
		return -1;
	tm.tm_year = (int)(year - 1900);
	tm.tm_mon = mon0;
	tm.tm_mday = mday;
	return local_to_time(&tm, out);
}

static bool local_tm(crm_time t, struct tm *tm)
{
	time_t tt = (time_t)t;
	return localtime_r(&tt, tm) != NULL;
}

/* "YYYY-MM-DD", "YYYY-MM-DD[T ]HH:MM[:SS][Z|+HH:MM|-HH:MM]". */
static int parse_absolute(const char *s, crm_time *out)
{
	const char *p = s;
	int year, mon, day, hour = 0, min = 0, sec = 0;

	if (!read_digits(&p, 4, &year) || *p++ != '-' || !read_digits(&p, 2, &mon)
	    || *p++ != '-' || !read_digits(&p, 2, &day))
		return -1;
	if (mon < 1 || mon > 12 || day < 1 || day > days_in_month(year, mon - 1))
		return -1;

	struct tm tm = { 0 };
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day;
	if (*p == '\0')
		return local_to_time(&tm, out);

	if (*p != 'T' && *p != ' ')
		return -1;
	p++;
	if (!read_digits(&p, 2, &hour) || *p++ != ':' || !read_digits(&p, 2, &min))
		return -1;
	if (*p == ':' && (p++, !read_digits(&p, 2, &sec)))
		return -1;
	if (hour > 23 || min > 59 || sec > 59)
		return -1;
	tm.tm_hour = hour;
	tm.tm_min = min;
	tm.tm_sec = sec;
	if (*p == '\0')
		return local_to_time(&tm, out);

	int offset = 0;
	if (*p == 'Z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om;
		if (!read_digits(&p, 2, &oh) || *p++ != ':' || !read_digits(&p, 2, &om))
			return -1;
		if (oh > 23 || om > 59)
			return -1;
		offset = sign * (oh * 3600 + om * 60);
	} else {
		return -1;
	}
	if (*p != '\0')
		return -1;
	int64_t t = (int64_t)timegm(&tm) - offset;
	if (!in_range(t))
		return -1;
	*out = t;
	return 0;
}

/* "now", "today", "yesterday", "tomorrow", or N followed by d, w, m or y,
 * counted back (dir -1) or forward (dir 1) from now to a local midnight. */
static int parse_relative(const char *s, crm_time now, int dir, crm_time *out)
{
	struct tm tm;
	long n = 0;
	const char *p = s;

	if (strcmp(s, "now") == 0) {
		*out = now;
		return 0;
	}
	if (!local_tm(now, &tm))
		return -1;
	if (strcmp(s, "today") == 0)
		return local_midnight(tm.tm_year + 1900L, tm.tm_mon, tm.tm_mday, out);
	if (strcmp(s, "yesterday") == 0)
		return local_midnight(tm.tm_year + 1900L, tm.tm_mon, tm.tm_mday - 1, out);
	if (strcmp(s, "tomorrow") == 0)
		return local_midnight(tm.tm_year + 1900L, tm.tm_mon, tm.tm_mday + 1, out);

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (*p - '0');
		if (n > REL_MAX)
			return -1;
	}
	if (p[0] == '\0' || p[1] != '\0')
		return -1;
	n *= dir;

	long year = tm.tm_year + 1900L;
	long months;
	int mday = tm.tm_mday;
	switch (*p) {
	case 'd':
		return local_midnight(year, tm.tm_mon, (int)(mday + n), out);
	case 'w':
		return local_midnight(year, tm.tm_mon, (int)(mday + 7 * n), out);
	case 'm':
		months = year * 12 + tm.tm_mon + n;
		break;
	case 'y':
		months = (year + n) * 12 + tm.tm_mon;
		break;
	default:
		return -1;
	}
	/* Floor division: months may be negative for years before 0000. */
	year = months >= 0 ? months / 12 : -((11 - months) / 12);
	int mon0 = (int)(months - year * 12);
	if (mday > days_in_month(year, mon0))
		mday = days_in_month(year, mon0);
	return local_midnight(year, mon0, mday, out);
}

int crm_now(crm_time *out)
{
	const char *env = getenv("CRM_NOW");

	/* An empty CRM_NOW counts as unset, like an empty TZ in most shells'
	 * scripts: "CRM_NOW= crm-lead ..." should mean the real clock. */
	if (env == NULL || *env == '\0') {
		*out = (crm_time)time(NULL);
		return 0;
	}
	if (parse_absolute(env, out) != 0) {
		crm_warn("invalid CRM_NOW '%s'", env);
		return EX_USAGE;
	}
	return 0;
}

int crm_time_parse(const char *s, crm_time now, crm_time *out)
{
	if (parse_absolute(s, out) == 0)
		return 0;
	return parse_relative(s, now, -1, out);
}

int crm_time_parse_future(const char *s, crm_time now, crm_time *out)
{
	if (parse_absolute(s, out) == 0)
		return 0;
	if (s[0] == '+' && s[1] >= '0' && s[1] <= '9')
		s++;
	return parse_relative(s, now, 1, out);
}

int crm_time_parse_iso(const char *s, crm_time *out)
{
	/* Only the one spelling the database stores: 20 characters ending Z. */
	if (strlen(s) != CRM_ISO_LEN - 1 || s[10] != 'T' || s[19] != 'Z')
		return -1;
	return parse_absolute(s, out);
}

static char *put_num(char *p, int v, int width)
{
	for (int i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
	return p + width;
}

/* Writes "YYYY-MM-DD" (10 bytes, no NUL); years outside 0000-9999 are
 * pinned to the nearest end so the width promised by the header holds. */
static char *put_date(char *p, const struct tm *tm)
{
	long year = tm->tm_year + 1900L;
	if (year < 0 || year > 9999) {
		memcpy(p, year < 0 ? "0000-01-01" : "9999-12-31", 10);
		return p + 10;
	}
	p = put_num(p, (int)year, 4);
	*p++ = '-';
	p = put_num(p, tm->tm_mon + 1, 2);
	*p++ = '-';
	return put_num(p, tm->tm_mday, 2);
}

void crm_time_iso(crm_time t, char out[CRM_ISO_LEN])
{
	struct tm tm;
	time_t tt;

	if (t < TIME_MIN)
		t = TIME_MIN;
	if (t > TIME_MAX)
		t = TIME_MAX;
	tt = (time_t)t;
	gmtime_r(&tt, &tm);
	char *p = put_date(out, &tm);
	*p++ = 'T';
	p = put_num(p, tm.tm_hour, 2);
	*p++ = ':';
	p = put_num(p, tm.tm_min, 2);
	*p++ = ':';
	p = put_num(p, tm.tm_sec, 2);
	*p++ = 'Z';
	*p = '\0';
}

void crm_time_date(crm_time t, char out[CRM_DATE_LEN])
{
	struct tm tm;

	if (t < TIME_MIN)
		t = TIME_MIN;
	if (t > TIME_MAX)
		t = TIME_MAX;
	if (!local_tm(t, &tm)) {
		strcpy(out, t < 0 ? "0000-01-01" : "9999-12-31");
		return;
	}
	*put_date(out, &tm) = '\0';
}

crm_time crm_time_day_start(crm_time t)
{
	struct tm tm;
	crm_time r;

	if (!local_tm(t, &tm))
		return t;
	if (local_midnight(tm.tm_year + 1900L, tm.tm_mon, tm.tm_mday, &r) != 0)
		return t;
	return r;
}

/* Both shifts keep the wall-clock time; when it does not exist on the
 * target day (inside a spring-forward gap) mktime() moves it past the gap.
 * Out of range, they fall back to plain seconds or leave t unchanged. */
crm_time crm_time_add_days(crm_time t, int days)
{
	struct tm tm;
	crm_time r;

	if (days == 0 || !local_tm(t, &tm))
		return t;
	if (days > REL_MAX || days < -REL_MAX)
		return t + (int64_t)days * 86400;
	tm.tm_mday += days;
	if (local_to_time(&tm, &r) != 0)
		return t + (int64_t)days * 86400;
	return r;
}

crm_time crm_time_add_months(crm_time t, int months)
{
	struct tm tm;
	crm_time r;

	if (months == 0 || !local_tm(t, &tm) || months > REL_MAX || months < -REL_MAX)
		return t;
	long total = (tm.tm_year + 1900L) * 12 + tm.tm_mon + months;
	long year = total >= 0 ? total / 12 : -((11 - total) / 12);
	int mon0 = (int)(total - year * 12);
	if (tm.tm_mday > days_in_month(year, mon0))
		tm.tm_mday = days_in_month(year, mon0);
	tm.tm_year = (int)(year - 1900);
	tm.tm_mon = mon0;
	if (local_to_time(&tm, &r) != 0)
		return t;
	return r;
}

void crm_time_set_zone(const char *zone)
{
	/* The value we put in TZ, so that a second config can still change
	 * it while a TZ the user's environment set always wins. */
	static char *ours;
	const char *env = getenv("TZ");

	if (zone == NULL || *zone == '\0')
		return;
	if (env != NULL && (ours == NULL || strcmp(env, ours) != 0))
		return;
	if (setenv("TZ", zone, 1) != 0)
		return;
	free(ours);
	ours = crm_xstrdup(zone);
	tzset();
}

int64_t crm_days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

void crm_civil_from_days(int64_t z, int *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

int crm_date_days(const char *s, int64_t *days)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9'))
			return -1;
	if (s[10])
		return -1;
	int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] || (m == 2 && d == 29 && !leap))
		return -1;
	*days = crm_days_from_civil(y, m, d);
	return 0;
}

void crm_date_of_days(int64_t days, char out[CRM_DATE_LEN])
{
	int y, m, d;
	crm_civil_from_days(days, &y, &m, &d);
	y %= 10000;
	const int v[] = { y / 1000, y / 100 % 10, y / 10 % 10, y % 10, -1, m / 10, m % 10, -1,
			  d / 10, d % 10 };
	for (int i = 0; i < 10; i++)
		out[i] = v[i] < 0 ? '-' : (char)('0' + v[i]);
	out[10] = '\0';
}
