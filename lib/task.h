/* task.h: tasks with due dates and owners, on a lead, account, contact or
 * deal; and the daily reminder list that cron mails (crm-task remind).
 * A task is overdue from the day after its due date (local time), so that
 * every list made on one day agrees with every other. */
#ifndef CRM_TASK_H
#define CRM_TASK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

/* Inside the caller's transaction: give owner_id the follow-up task of
 * followup.first_contact_within ("first contact", due that many days from
 * now) on lead lead_id, closing any open first-contact task of a previous
 * owner of that lead.  Audited.  Returns 0 or an exit status. */
int crm_task_first_contact(struct crm_ctx *ctx, int64_t lead_id, int64_t owner_id);
/* The same for every row of temp.crm_assigned(lead_id, owner_id), set-wise
 * (crm-assign fills that table with a night's decisions). */
int crm_task_first_contact_assigned(struct crm_ctx *ctx);

/* Inside the caller's transaction: give every open task of from_id to
 * to_id, one audit row each; *moved (may be NULL) gets the count. */
int crm_task_handover(struct crm_ctx *ctx, int64_t from_id, int64_t to_id, long *moved);

/* Close the open first-contact tasks on a subject (an interaction was
 * logged on it), inside the caller's transaction.  Audited. */
int crm_task_close_first_contact(struct crm_ctx *ctx, const char *subject_type, int64_t subject_id);

struct crm_task_input {
	const char *subject_type;	/* NULL: a task on nothing in particular */
	int64_t subject_id;
	const char *title;
	const char *due;		/* as for crm_time_parse_future */
	const char *owner;		/* login; NULL = the actor */
};

/* Add a task and print it as crm_task_list does on out (NULL: print
 * nothing). */
int crm_task_add(struct crm_ctx *ctx, const struct crm_task_input *in, FILE *out);

enum crm_task_who { CRM_TASK_DEFAULT, CRM_TASK_MINE, CRM_TASK_OWNER, CRM_TASK_ALL };
enum crm_task_when { CRM_TASK_ANY, CRM_TASK_OVERDUE, CRM_TASK_TODAY, CRM_TASK_WEEK };

struct crm_task_filter {
	enum crm_task_who who;		/* DEFAULT: mine for a rep, all visible otherwise */
	const char *owner;		/* login, for CRM_TASK_OWNER */
	enum crm_task_when when;	/* WEEK: the calendar week, Monday to Sunday */
	const char *status;		/* "open" (NULL), "done" or "all" */
	const char *subject_type;	/* with subject_id: the tasks on one subject */
	int64_t subject_id;
};

/* Columns id, due, owner, subject_type, subject_id, subject_name, title,
 * status, overdue_days; by due date.  Only the tasks the actor may see. */
int crm_task_list(struct crm_ctx *ctx, const struct crm_task_filter *f, struct crm_out *out);

enum crm_task_op { CRM_TASK_DONE, CRM_TASK_REOPEN, CRM_TASK_SNOOZE };

/* Mark tasks done, open them again, or move their due date to until
 * (snooze); all or nothing, in one transaction; prints the tasks on out
 * (NULL: print nothing). */
int crm_task_set(struct crm_ctx *ctx, enum crm_task_op op, const int64_t *ids, size_t n,
		 const char *until, FILE *out);

/* The reminder list (columns recipient, email, subject_type, subject_id,
 * subject_name, reason, days, title), described in crm-task(1).  mark
 * records the rows as sent today; unsent leaves out those already sent. */
int crm_task_remind(struct crm_ctx *ctx, bool mark, bool unsent, FILE *out);

/* Print completion values: "statuses", "logins". */
int crm_task_complete(struct crm_ctx *ctx, const char *kind);

/* Whole calendar days from the local date of from to that of to. */
long crm_task_days(crm_time from, crm_time to);

#endif
