/* calendar.h: business time over the service calendar of the config
 * (struct crm_calendar, config.h: working weekdays and hours, holidays,
 * make-up working days, a time zone): what SLA clocks run on.
 *
 * Working hours are wall-clock times in the calendar's zone; a business
 * second is a real second whose wall clock is inside them, so an interval
 * that a DST change shortens or lengthens counts what it really lasts: a
 * wall-clock hour a spring-forward skips is no time, one a fall-back
 * repeats is worked twice.  Make-up days (workdays) win over holidays.
 *
 * The zone is read once per process through localtime_r under a TZ set
 * for the occasion and put back at once (the process's zone is left as it
 * was), into a table of offset changes that covers 1900 to 2199 as far as
 * it is needed; outside those years the offset at the nearer end holds.
 * Not thread-safe (neither is the TZ the rest of crm uses). */
#ifndef CRM_CALENDAR_H
#define CRM_CALENDAR_H

#include <stdbool.h>
#include <stdint.h>

#include "config.h"
#include "date.h"

/* No end: add_business found no working time within CRM_CAL_MAX_DAYS. */
#define CRM_CAL_NEVER INT64_MAX
/* How far (days, 10 years) add_business looks for working time. */
#define CRM_CAL_MAX_DAYS 3653

/* Business seconds between from and to (0 when to <= from). */
int64_t crm_cal_business_seconds(const struct crm_calendar *c, crm_time from, crm_time to);

/* The instant at which seconds business seconds have passed since from:
 * from itself when seconds <= 0; when from is outside working time the
 * clock starts at the next working moment.  An amount that ends exactly
 * at the end of a working interval gives that end (Friday 17:00 plus 1h
 * with hours to 18:00 is Friday 18:00).  CRM_CAL_NEVER when the calendar
 * has not enough working time in CRM_CAL_MAX_DAYS days. */
crm_time crm_cal_add_business(const struct crm_calendar *c, crm_time from, int64_t seconds);

/* Is t inside working time (start included, end excluded)? */
bool crm_cal_is_working(const struct crm_calendar *c, crm_time t);

#endif
