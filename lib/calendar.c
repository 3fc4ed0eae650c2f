/* calendar.c: see calendar.h.  Everything is done on "local seconds"
 * (an instant plus the zone's offset at it: seconds since 1970-01-01
 * 00:00 wall clock) and day numbers (local seconds / 86400), with the
 * zone's offsets in a table, so that no call goes through mktime(): a
 * report may ask for the clocks of 100,000 tickets.  Days are walked one
 * at a time, and whole weeks at once where nothing in them is special. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "err.h"

#define DAY INT64_C(86400)
/* The table grows by chunks of about a year, within 1900..2199. */
#define CHUNK (INT64_C(1) << 25)
#define ZONE_MIN INT64_C(-2208988800)	/* 1900-01-01T00:00:00Z */
#define ZONE_MAX INT64_C(7258118400)	/* 2200-01-01T00:00:00Z */

/* The offsets of one zone over [lo, hi): off[i] from at[i] to at[i + 1]. */
struct zone {
	char *name;		/* the TZ it was read under; NULL = TZ unset */
	int64_t lo, hi;
	int64_t *at;
	int32_t *off;
	size_t n;
};

static struct zone *zones;
static size_t nzones;

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static bool same_name(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* TZ as it was before zone_enter, to put back. */
struct saved_tz {
	bool swapped;
	char *old;
};

static void zone_enter(const char *name, struct saved_tz *s)
{
	const char *cur = getenv("TZ");
	s->swapped = false;
	s->old = NULL;
	if (same_name(name, cur))
		return;
	s->swapped = true;
	s->old = cur ? crm_xstrdup(cur) : NULL;
	if (name)
		setenv("TZ", name, 1);
	else
		unsetenv("TZ");
	tzset();
}

static void zone_leave(struct saved_tz *s)
{
	if (!s->swapped)
		return;
	if (s->old)
		setenv("TZ", s->old, 1);
	else
		unsetenv("TZ");
	tzset();
	free(s->old);
}

/* The offset of the current TZ at t, in seconds east of UTC. */
static int32_t raw_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!localtime_r(&tt, &tm))
		return 0;
	return (int32_t)((int64_t)timegm(&tm) - t);
}

/* The segments of [a, b) under the current TZ, appended to *at, *off. */
static void scan(int64_t a, int64_t b, int64_t **at, int32_t **off, size_t *n)
{
	size_t cap = 8;
	int64_t prev = a;
	int32_t cur = raw_offset(a);
	*at = crm_xmalloc(cap * sizeof **at);
	*off = crm_xmalloc(cap * sizeof **off);
	(*at)[0] = a;
	(*off)[0] = cur;
	*n = 1;
	for (int64_t x = a + DAY;; x += DAY) {
		if (x >= b)
			x = b - 1;
		int32_t o = raw_offset(x);
		if (o != cur) {
			/* The first instant of the new offset, in (prev, x]. */
			int64_t lo = prev, hi = x;
			while (hi - lo > 1) {
				int64_t mid = lo + (hi - lo) / 2;
				if (raw_offset(mid) == cur)
					lo = mid;
				else
					hi = mid;
			}
			if (*n == cap) {
				cap *= 2;
				*at = crm_xrealloc(*at, cap * sizeof **at);
				*off = crm_xrealloc(*off, cap * sizeof **off);
			}
			cur = raw_offset(hi);
			(*at)[*n] = hi;
			(*off)[(*n)++] = cur;
		}
		prev = x;
		if (x == b - 1)
			break;
	}
}

/* Grow z's table by [a, b), which touches it on the left or the right. */
static void extend(struct zone *z, int64_t a, int64_t b)
{
	int64_t *at;
	int32_t *off;
	size_t n;
	struct saved_tz saved;

	zone_enter(z->name, &saved);
	scan(a, b, &at, &off, &n);
	zone_leave(&saved);
	if (!z->n) {
		z->at = at;
		z->off = off;
		z->n = n;
		z->lo = a;
		z->hi = b;
		return;
	}
	/* Left part then right part, the first segment of the right part
	 * dropped when it continues the last of the left. */
	bool right = a == z->hi;
	int64_t *la = right ? z->at : at, *ra = right ? at : z->at;
	int32_t *lo = right ? z->off : off, *ro = right ? off : z->off;
	size_t ln = right ? z->n : n, rn = right ? n : z->n;
	size_t skip = ro[0] == lo[ln - 1];
	int64_t *nat = crm_xmalloc((ln + rn) * sizeof *nat);
	int32_t *noff = crm_xmalloc((ln + rn) * sizeof *noff);
	memcpy(nat, la, ln * sizeof *nat);
	memcpy(noff, lo, ln * sizeof *noff);
	memcpy(nat + ln, ra + skip, (rn - skip) * sizeof *nat);
	memcpy(noff + ln, ro + skip, (rn - skip) * sizeof *noff);
	free(z->at);
	free(z->off);
	free(at);
	free(off);
	z->at = nat;
	z->off = noff;
	z->n = ln + rn - skip;
	if (right)
		z->hi = b;
	else
		z->lo = a;
}

static int64_t clamp(int64_t t)
{
	return t < ZONE_MIN ? ZONE_MIN : t >= ZONE_MAX ? ZONE_MAX - 1 : t;
}

/* The index of the segment holding t (clamped to the table's years). */
static size_t seg(struct zone *z, int64_t t)
{
	t = clamp(t);
	if (!z->n) {
		int64_t a = floor_div(t, CHUNK) * CHUNK;
		extend(z, a < ZONE_MIN ? ZONE_MIN : a, a + CHUNK > ZONE_MAX ? ZONE_MAX : a + CHUNK);
	}
	while (t < z->lo)
		extend(z, z->lo - CHUNK < ZONE_MIN ? ZONE_MIN : z->lo - CHUNK, z->lo);
	while (t >= z->hi)
		extend(z, z->hi, z->hi + CHUNK > ZONE_MAX ? ZONE_MAX : z->hi + CHUNK);
	size_t lo = 0, hi = z->n;	/* at[lo] <= t < at[hi] */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The zone of a calendar: its own, else the process's. */
static struct zone *zone_of(const struct crm_calendar *c)
{
	const char *name = c->timezone ? c->timezone : getenv("TZ");
	for (size_t i = 0; i < nzones; i++)
		if (same_name(zones[i].name, name))
			return &zones[i];
	zones = crm_xrealloc(zones, (nzones + 1) * sizeof *zones);
	struct zone *z = &zones[nzones++];
	memset(z, 0, sizeof *z);
	z->name = name ? crm_xstrdup(name) : NULL;
	return z;
}

/* Where segment i ends: the next change, the end of what the table holds
 * so far (to be read on), or never (past the table's years). */
static int64_t seg_end(const struct zone *z, size_t i)
{
	if (i + 1 < z->n)
		return z->at[i + 1];
	return z->hi < ZONE_MAX ? z->hi : INT64_MAX;
}

static bool in_dates(const struct crm_cal_dates *r, size_t n, int64_t d)
{
	for (size_t i = 0; i < n; i++)
		if (d >= r[i].first && d <= r[i].last)
			return true;
	return false;
}

static bool any_dates(const struct crm_cal_dates *r, size_t n, int64_t d, int64_t e)
{
	for (size_t i = 0; i < n; i++)
		if (r[i].first < e && r[i].last >= d)
			return true;
	return false;
}

static bool works(const struct crm_calendar *c, int64_t d)
{
	if (in_dates(c->workdays, c->nworkdays, d))
		return true;
	if (in_dates(c->holidays, c->nholidays, d))
		return false;
	int wd = (int)(((d % 7) + 7 + 4) % 7);	/* 1970-01-01 was a Thursday */
	return c->days >> wd & 1;
}

static int64_t week_seconds(const struct crm_calendar *c)
{
	int64_t day = 0, ndays = 0;
	for (size_t i = 0; i < c->nhours; i++)
		day += c->hours[i].end - c->hours[i].start;
	for (int wd = 0; wd < 7; wd++)
		ndays += c->days >> wd & 1;
	return day * ndays;
}

/* Whether the week of days [d, d + 7) has no holiday and no make-up day,
 * and lies inside local seconds [lo, hi). */
static bool plain_week(const struct crm_calendar *c, int64_t d, int64_t lo, int64_t hi)
{
	return d * DAY >= lo && (d + 7) * DAY <= hi
		&& !any_dates(c->holidays, c->nholidays, d, d + 7)
		&& !any_dates(c->workdays, c->nworkdays, d, d + 7);
}

/* Working seconds between local seconds lo and hi: wall-clock arithmetic,
 * for a stretch of one offset. */
static int64_t local_seconds(const struct crm_calendar *c, int64_t lo, int64_t hi)
{
	int64_t sum = 0, week = week_seconds(c);
	for (int64_t d = floor_div(lo, DAY); d * DAY < hi; ) {
		if (plain_week(c, d, lo, hi)) {
			sum += week;
			d += 7;
			continue;
		}
		for (size_t i = 0; works(c, d) && i < c->nhours; i++) {
			int64_t a = d * DAY + c->hours[i].start, b = d * DAY + c->hours[i].end;
			a = a < lo ? lo : a;
			b = b > hi ? hi : b;
			sum += b > a ? b - a : 0;
		}
		d++;
	}
	return sum;
}

/* Spend *left working seconds from local seconds lo on, before hi and
 * within *budget days: true with the local moment they run out in *out,
 * else false with what is still left. */
static bool local_add(const struct crm_calendar *c, int64_t lo, int64_t hi, int64_t *left,
		int64_t *budget, int64_t *out)
{
	int64_t week = week_seconds(c);
	for (int64_t d = floor_div(lo, DAY); d * DAY < hi && *budget > 0; ) {
		if (*left > week && plain_week(c, d, lo, hi)) {
			*left -= week;
			d += 7;
			*budget -= 7;
			continue;
		}
		for (size_t i = 0; works(c, d) && i < c->nhours; i++) {
			int64_t a = d * DAY + c->hours[i].start, b = d * DAY + c->hours[i].end;
			a = a < lo ? lo : a;
			b = b > hi ? hi : b;
			if (b <= a)
				continue;
			if (b - a >= *left) {
				*out = a + *left;
				return true;
			}
			*left -= b - a;
		}
		d++;
		--*budget;
	}
	return false;
}

/* The instants of one offset are walked as wall-clock time: a wall-clock
 * hour a spring-forward skips is no time at all, one a fall-back repeats
 * is worked twice, as a clock on the wall would say. */
int64_t crm_cal_business_seconds(const struct crm_calendar *c, crm_time from, crm_time to)
{
	if (to <= from || !c->nhours)
		return 0;
	struct zone *z = zone_of(c);
	int64_t sum = 0;
	for (crm_time t = from; t < to; ) {
		size_t i = seg(z, t);
		int64_t off = z->off[i], end = seg_end(z, i);
		if (end > to)
			end = to;
		sum += local_seconds(c, t + off, end + off);
		t = end;
	}
	return sum;
}

crm_time crm_cal_add_business(const struct crm_calendar *c, crm_time from, int64_t seconds)
{
	if (seconds <= 0)
		return from;
	if (!c->nhours)
		return CRM_CAL_NEVER;
	struct zone *z = zone_of(c);
	int64_t left = seconds, budget = CRM_CAL_MAX_DAYS + 1, local;
	for (crm_time t = from; budget > 0; ) {
		size_t i = seg(z, t);
		int64_t off = z->off[i], end = seg_end(z, i);
		if (local_add(c, t + off, end == INT64_MAX ? INT64_MAX : end + off, &left, &budget,
			      &local))
			return local - off;
		if (end == INT64_MAX)
			break;
		t = end;
	}
	return CRM_CAL_NEVER;
}

bool crm_cal_is_working(const struct crm_calendar *c, crm_time t)
{
	struct zone *z = zone_of(c);
	int64_t local = t + z->off[seg(z, t)], d = floor_div(local, DAY), s = local - d * DAY;
	for (size_t i = 0; works(c, d) && i < c->nhours; i++)
		if (c->hours[i].start <= s && s < c->hours[i].end)
			return true;
	return false;
}
