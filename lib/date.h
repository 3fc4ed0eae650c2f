/* date.h: instants and dates.  Instants are seconds since the epoch,
 * stored as ISO-8601 UTC text ("2026-11-22T18:14:13Z"); calendar dates
 * ("2026-11-22") are taken in the local time zone (TZ, or the config's
 * timezone).  CRM_NOW, an ISO-8601 instant or date, replaces the clock in
 * every tool: for tests, back-fills and replays. */
#ifndef CRM_DATE_H
#define CRM_DATE_H

#include <stdbool.h>
#include <stdint.h>

typedef int64_t crm_time;

#define CRM_ISO_LEN 21	/* "YYYY-MM-DDTHH:MM:SSZ" + NUL */
#define CRM_DATE_LEN 11	/* "YYYY-MM-DD" + NUL */

/* Now: CRM_NOW when set and not empty, else the clock.  Returns 0, or
 * EX_USAGE after reporting "invalid CRM_NOW 'x'". */
int crm_now(crm_time *out);

/* Parse an input date: "YYYY-MM-DD" (local midnight), "YYYY-MM-DDTHH:MM[:SS]"
 * with optional "Z" or "+HH:MM"/"-HH:MM" (no zone = local), a space instead
 * of "T", and relative forms measured back from now: "now", "today",
 * "yesterday", "tomorrow", "Nd", "Nw", "Nm" (calendar months), "Ny"; the
 * relative day forms give local midnight of that day.  Returns 0 or -1
 * (nothing reported: the caller names the place). */
int crm_time_parse(const char *s, crm_time now, crm_time *out);

/* Like crm_time_parse, but forward for "Nd"... ("+3d" and "3d" both mean
 * 3 days after now): due dates and --until of away. */
int crm_time_parse_future(const char *s, crm_time now, crm_time *out);

/* Strict ISO-8601 UTC text as stored in the database. */
int crm_time_parse_iso(const char *s, crm_time *out);

void crm_time_iso(crm_time t, char out[CRM_ISO_LEN]);	/* UTC instant */
void crm_time_date(crm_time t, char out[CRM_DATE_LEN]);	/* local date */
/* Local midnight starting the day that holds t, and the same shifted by
 * days (DST-safe). */
crm_time crm_time_day_start(crm_time t);
crm_time crm_time_add_days(crm_time t, int days);
crm_time crm_time_add_months(crm_time t, int months);

/* Calendar arithmetic on day numbers: days since 1970-01-01 of the
 * proleptic Gregorian calendar (H. Hinnant's days_from_civil and
 * civil_from_days), no time zone involved. */
int64_t crm_days_from_civil(int64_t y, int m, int d);
void crm_civil_from_days(int64_t days, int *y, int *m, int *d);
/* The day number of a valid "YYYY-MM-DD" (leap days checked): 0, or -1
 * with nothing reported; crm_date_of_days is the inverse. */
int crm_date_days(const char *s, int64_t *days);
void crm_date_of_days(int64_t days, char out[CRM_DATE_LEN]);

/* Select the zone for local dates (an IANA name like "Asia/Shanghai");
 * leaves TZ alone when the environment sets it. */
void crm_time_set_zone(const char *zone);

#endif
