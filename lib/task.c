/* task.c: see task.h.  The reminder list is in remind.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "subject.h"
#include "task.h"
#include "utf8.h"

#define TITLE_MAX 1000	/* bytes */

long crm_task_days(crm_time from, crm_time to)
{
	/* a day is 23 to 25 hours long around DST changes: round */
	int64_t d = crm_time_day_start(to) - crm_time_day_start(from);
	return d >= 0 ? (long)((d + 43200) / 86400) : -(long)((-d + 43200) / 86400);
}

static int audit_id(struct crm_ctx *ctx, int64_t task_id, const char *action, const char *field,
		    int64_t old_id, int64_t new_id)
{
	char o[24], n[24];
	snprintf(o, sizeof o, "%lld", (long long)old_id);
	snprintf(n, sizeof n, "%lld", (long long)new_id);
	return crm_audit_write(ctx->db, "task", task_id, action, field, old_id ? o : NULL, new_id ? n : NULL);
}

/* Close the open first-contact tasks on a subject whose owner is not
 * keep_owner (-1: close them all). */
static int close_first_contact(struct crm_ctx *ctx, const char *type, int64_t id, int64_t keep_owner)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE tasks SET status = 'done', done_at = ?3"
		" WHERE subject_type = ?1 AND subject_id = ?2 AND kind = 'first_contact'"
		"   AND status = 'open' AND (?4 < 0 OR owner_id IS DISTINCT FROM nullif(?4, 0))"
		" RETURNING id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, type);
	crm_bind_int(st, 2, id);
	crm_bind_str(st, 3, ctx->now_iso);
	crm_bind_int(st, 4, keep_owner);
	int rc, status = 0;
	/* RETURNING rows are all computed by the first step: auditing between
	 * steps does not disturb the update */
	while ((rc = crm_step(st)) == CRM_ROW)
		if (!status)
			status = crm_audit_write(ctx->db, "task", crm_col_int(st, 0), "update",
					      "status", "open", "done");
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot close first-contact task");
	return status;
}

int crm_task_close_first_contact(struct crm_ctx *ctx, const char *subject_type, int64_t subject_id)
{
	return close_first_contact(ctx, subject_type, subject_id, -1);
}

static int insert_task(struct crm_ctx *ctx, const char *type, int64_t subject_id, const char *title,
		       const char *kind, const char *due_iso, int64_t owner_id, int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO tasks (subject_type, subject_id, title, kind, due, owner_id, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_text(st, 1, type);
	crm_bind_id(st, 2, type ? subject_id : 0);
	crm_bind_str(st, 3, title);
	crm_bind_text(st, 4, kind);
	crm_bind_str(st, 5, due_iso);
	crm_bind_id(st, 6, owner_id);
	crm_bind_str(st, 7, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot add task");
	*id = crm_db_last_id(ctx->db);
	int rc = crm_audit_write(ctx->db, "task", *id, "create", "title", NULL, title);
	if (!rc)
		rc = crm_audit_write(ctx->db, "task", *id, "create", "due", NULL, due_iso);
	if (!rc && owner_id)
		rc = audit_id(ctx, *id, "create", "owner_id", 0, owner_id);
	return rc;
}

int crm_task_first_contact(struct crm_ctx *ctx, int64_t lead_id, int64_t owner_id)
{
	int rc = close_first_contact(ctx, "lead", lead_id, owner_id);
	if (rc || !owner_id)
		return rc;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT 1 FROM tasks WHERE subject_type = 'lead' AND subject_id = ?1"
		" AND kind = 'first_contact' AND status = 'open' AND owner_id = ?2");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, lead_id);
	crm_bind_int(st, 2, owner_id);
	if ((rc = crm_step(st)) == CRM_ROW)
		return 0;	/* assigned again to the same owner: one task is enough */
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read tasks");
	char due[CRM_ISO_LEN];
	crm_time_iso(crm_time_add_days(ctx->now, ctx->cfg->followup.first_contact_within), due);
	int64_t id;
	return insert_task(ctx, "lead", lead_id, ctx->cfg->followup.first_contact_title,
			   "first_contact", due, owner_id, &id);
}

/* The set-wise crm_task_first_contact for a whole batch of assignments in
 * the temporary table crm_assigned(lead_id, owner_id): a statement per lead costs several
 * times more than these five, which is what a nightly run of a million
 * leads needs.  The same rows and audit rows as the one-lead version. */
int crm_task_first_contact_assigned(struct crm_ctx *ctx)
{
#define STALE_FIRST_CONTACT \
	" FROM tasks t JOIN crm_assigned d ON t.subject_type = 'lead' AND t.subject_id = d.lead_id" \
	" WHERE t.kind = 'first_contact' AND t.status = 'open' AND t.owner_id IS DISTINCT FROM d.owner_id"
	static const char audit_close[] = CRM_AUDIT_INSERT("?5 + row_number() OVER (ORDER BY t.id)",
		"?1 AS at, ?2 AS actor, ?3 AS real_actor, ?4 AS tool, 'task' AS entity, t.id AS entity_id,"
		" 'update' AS action, 'status' AS field, 'open' AS old_value, 'done' AS new_value"
		STALE_FIRST_CONTACT);
	static const char close[] =
		"UPDATE tasks SET status = 'done', done_at = ?1 WHERE id IN (SELECT t.id"
		STALE_FIRST_CONTACT ")";
	static const char insert[] =
		"INSERT INTO tasks (subject_type, subject_id, title, kind, due, owner_id, created_at)"
		" SELECT 'lead', d.lead_id, ?2, 'first_contact', ?3, d.owner_id, ?1"
		" FROM crm_assigned d WHERE d.owner_id IS NOT NULL AND NOT EXISTS (SELECT 1"
		"   FROM tasks t WHERE t.subject_type = 'lead' AND t.subject_id = d.lead_id"
		"   AND t.status = 'open' AND t.kind = 'first_contact' AND t.owner_id = d.owner_id)"
		" ORDER BY d.lead_id";
	/* the new tasks have the ids after ?5 and three audit rows each,
	 * numbered by a window in id order, which is also the order the rows
	 * come out in, for the chain: not from the task's id (a PostgreSQL
	 * sequence leaves gaps where rolled-back rows took ids), nor from the
	 * join's order (the planner's, row-level security's filters in it) */
	static const char audit_new[] = CRM_AUDIT_INSERT(
		"?6 + row_number() OVER (ORDER BY t.id, f.n)",
		"?1 AS at, ?2 AS actor, ?3 AS real_actor, ?4 AS tool, 'task' AS entity, t.id AS entity_id,"
		" 'create' AS action, f.field AS field, NULL AS old_value,"
		" CASE f.field WHEN 'title' THEN t.title WHEN 'due' THEN t.due"
		" ELSE CAST(t.owner_id AS TEXT) END"
		" AS new_value FROM tasks t CROSS JOIN (SELECT 1 AS n, 'title' AS field UNION ALL"
		" SELECT 2, 'due' UNION ALL SELECT 3, 'owner_id') f WHERE t.id > ?5");
#undef STALE_FIRST_CONTACT
	const char *const steps[] = {audit_close, close, insert, audit_new};
	char due[CRM_ISO_LEN];
	crm_time_iso(crm_time_add_days(ctx->now, ctx->cfg->followup.first_contact_within), due);
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT coalesce(max(id), 0) FROM tasks");
	if (!st || crm_step(st) != CRM_ROW)
		return st ? crm_db_fail(ctx->db, "cannot read tasks") : EX_SOFTWARE;
	int64_t last = crm_col_int(st, 0);
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		if (!(st = crm_db_stmt(ctx->db, steps[i])))
			return EX_SOFTWARE;
		/* the audit inserts: ?1-?4 the origin and the last audit row (?5
		 * closing, ?6 new, whose ?5 is the last task); the others ?1 now
		 * (and ?2, ?3) */
		int rc;
		if (steps[i] == audit_close) {
			if ((rc = crm_audit_bind(ctx->db, st, 5)))
				return rc;
		} else if (steps[i] == audit_new) {
			if ((rc = crm_audit_bind(ctx->db, st, 6)))
				return rc;
			crm_bind_int(st, 5, last);
		} else {
			crm_bind_str(st, 1, ctx->now_iso);
		}
		if (steps[i] == insert) {
			crm_bind_str(st, 2, ctx->cfg->followup.first_contact_title);
			crm_bind_str(st, 3, due);
		}
		if (crm_step(st) != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot write first-contact tasks");
	}
	/* the audit ids were given: PostgreSQL's sequence must learn of them */
	return crm_db_sync_ids(ctx->db, "audit");
}

int crm_task_handover(struct crm_ctx *ctx, int64_t from_id, int64_t to_id, long *moved)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"UPDATE tasks SET owner_id = ?2 WHERE owner_id = ?1 AND status = 'open' RETURNING id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, from_id);
	crm_bind_int(st, 2, to_id);
	int rc, status = 0;
	long n = 0;
	while ((rc = crm_step(st)) == CRM_ROW) {
		n++;
		if (!status)
			status = audit_id(ctx, crm_col_int(st, 0), "update", "owner_id", from_id, to_id);
	}
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot hand over tasks");
	if (moved)
		*moved = n;
	return status;
}

/* Listing */

static const char *const task_cols[] = {
	"id", "due", "owner", "subject_type", "subject_id", "subject_name", "title", "status",
	"overdue_days",
};
#define NTASK_COLS (sizeof task_cols / sizeof task_cols[0])

static void declare_task_cols(struct crm_out *out)
{
	for (size_t i = 0; i < NTASK_COLS; i++)
		crm_out_col(out, task_cols[i], i == 0 || i == 4 || i == 8 ? CRM_COL_INT : CRM_COL_TEXT);
}

/* SELECT of the task columns (less overdue_days) with the given WHERE. */
static char *task_sql(struct crm_ctx *ctx, const char *where)
{
	char *name = crm_subject_sql(ctx, CRM_SUBJECT_NAME, "t.subject_type", "t.subject_id");
	char *sql = crm_xasprintf(
		"SELECT t.id, t.due, u.login, t.subject_type, t.subject_id, %s, t.title, t.status"
		" FROM tasks t LEFT JOIN users u ON u.id = t.owner_id"
		" WHERE " CRM_SQL_VISIBLE("t.owner_id") "%s ORDER BY t.due, t.id", name, where);
	free(name);
	return sql;
}

static void emit_task(struct crm_ctx *ctx, struct crm_stmt *st, struct crm_out *out)
{
	const char *f[NTASK_COLS];
	char days[24] = "";
	crm_time due;
	for (size_t i = 0; i < NTASK_COLS - 1; i++)
		f[i] = crm_col_text(st, (int)i);
	if (strcmp(f[7], "open") == 0 && crm_time_parse_iso(f[1], &due) == 0) {
		long d = crm_task_days(due, ctx->now);
		if (d > 0)
			snprintf(days, sizeof days, "%ld", d);
	}
	f[NTASK_COLS - 1] = days;
	crm_out_row(out, f);
}

static void bind_iso(struct crm_stmt *st, const char *name, crm_time t)
{
	char iso[CRM_ISO_LEN];
	int i = crm_param_index(st, name);
	crm_time_iso(t, iso);
	if (i)
		crm_bind_copy(st, i, iso);
}

static void bind_named_id(struct crm_stmt *st, const char *name, int64_t id)
{
	int i = crm_param_index(st, name);
	if (i)
		crm_bind_id(st, i, id);
}

/* Run a task query and print its rows; *count gets how many. */
static int print_tasks(struct crm_ctx *ctx, struct crm_stmt *st, struct crm_out *out, long *count)
{
	int rc;
	long n = 0;
	crm_ctx_bind_actor(ctx, st);
	while ((rc = crm_step(st)) == CRM_ROW) {
		emit_task(ctx, st, out);
		n++;
	}
	if (count)
		*count = n;
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list tasks");
}

static int prepare(struct crm_ctx *ctx, const char *sql, struct crm_stmt **st)
{
	if (crm_db_prepare(ctx->db, sql, st) != CRM_OK) {
		crm_warn("internal error: cannot prepare statement: %s",
			 crm_db_errmsg(ctx->db));
		return EX_SOFTWARE;
	}
	return 0;
}

/* Print tasks by id (visible ones only) once they are written, so that a
 * failed command prints nothing on stdout. */
static int print_ids(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *fp)
{
	static char *sql;	/* built once: which subject tables exist does not change */
	struct crm_stmt *st;
	int rc;
	if (!fp)
		return 0;
	if (!sql)
		sql = task_sql(ctx, " AND t.id = :id");
	if ((rc = prepare(ctx, sql, &st)))
		return rc;
	struct crm_out *out = crm_out_new(fp, ctx->opts->format, !ctx->opts->no_header);
	declare_task_cols(out);
	for (size_t i = 0; i < n && !rc; i++) {
		crm_stmt_reset(st);
		bind_named_id(st, ":id", ids[i]);
		rc = print_tasks(ctx, st, out, NULL);
	}
	crm_out_end(out);
	crm_stmt_finish(st);
	return rc;
}

int crm_task_list(struct crm_ctx *ctx, const struct crm_task_filter *f, struct crm_out *out)
{
	const char *status = f->status ? f->status : "open";
	int64_t owner_id = 0;
	bool by_owner = false;
	char where[512] = "";
	int fst;

	if (strcmp(status, "open") && strcmp(status, "done") && strcmp(status, "all")) {
		crm_warn("unknown status '%s' (open, done or all)", status);
		return EX_DATAERR;
	}
	if (f->subject_type && (fst = crm_subject_filter(ctx, f->subject_type, f->subject_id)))
		return fst;
	switch (f->who) {
	case CRM_TASK_OWNER:
		if ((fst = crm_ctx_filter_user(ctx, f->owner, &owner_id)))
			return fst;
		by_owner = true;
		break;
	case CRM_TASK_MINE:
		owner_id = ctx->actor.id;
		by_owner = true;
		break;
	case CRM_TASK_DEFAULT:
		owner_id = ctx->actor.id;
		by_owner = ctx->actor.role == CRM_ROLE_REP;
		break;
	case CRM_TASK_ALL:
		break;
	}
	if (by_owner)
		strcat(where, " AND t.owner_id IS NOT DISTINCT FROM :owner");
	if (strcmp(status, "all") != 0)
		strcat(where, " AND t.status = :status");
	if (f->when == CRM_TASK_OVERDUE)
		strcat(where, " AND t.status = 'open' AND t.due < :from");
	else if (f->when != CRM_TASK_ANY)
		strcat(where, " AND t.due >= :from AND t.due < :to");
	if (f->subject_type)
		strcat(where, " AND t.subject_type = :stype AND t.subject_id = :sid");

	char *sql = task_sql(ctx, where);
	struct crm_stmt *st;
	int rc = prepare(ctx, sql, &st);
	free(sql);
	if (rc)
		return rc;
	bind_named_id(st, ":owner", owner_id);
	int i;
	if ((i = crm_param_index(st, ":status")))
		crm_bind_str(st, i, status);
	if ((i = crm_param_index(st, ":stype")))
		crm_bind_str(st, i, f->subject_type);
	bind_named_id(st, ":sid", f->subject_id);
	crm_time today = crm_time_day_start(ctx->now), from = today, to = crm_time_add_days(today, 1);
	if (f->when == CRM_TASK_WEEK) {
		struct tm tm;
		time_t t = (time_t)today;
		localtime_r(&t, &tm);
		from = crm_time_add_days(today, -((tm.tm_wday + 6) % 7));	/* back to Monday */
		to = crm_time_add_days(from, 7);
	}
	bind_iso(st, ":from", from);
	bind_iso(st, ":to", to);
	declare_task_cols(out);
	rc = print_tasks(ctx, st, out, NULL);
	crm_stmt_finish(st);
	return rc;
}

/* Adding */

static int check_title(const char *title)
{
	size_t len = title ? strlen(title) : 0;
	if (len == 0) {
		crm_warn("a task needs a title (--title)");
		return EX_DATAERR;
	}
	if (!crm_utf8_valid(title, len, NULL)) {
		crm_warn("invalid UTF-8 in title '%s'", title);
		return EX_DATAERR;
	}
	if (len > TITLE_MAX) {
		crm_warn("title too long (%zu bytes, at most %d)", len, TITLE_MAX);
		return EX_DATAERR;
	}
	return 0;
}

/* The owner of a new task: login, or the actor.  0 with *status set on error. */
static int64_t task_owner(struct crm_ctx *ctx, const char *login, int *status)
{
	*status = 0;
	if (!login)
		return ctx->actor.id;
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT id, active FROM users WHERE login = ?1");
	if (!st) {
		*status = EX_SOFTWARE;
		return 0;
	}
	crm_bind_str(st, 1, login);
	if (crm_step(st) != CRM_ROW) {
		crm_warn("unknown user '%s'", login);
		*status = EX_DATAERR;
		return 0;
	}
	if (!crm_col_int(st, 1)) {
		crm_warn("user '%s' is deactivated", login);
		*status = EX_DATAERR;
		return 0;
	}
	return crm_col_int(st, 0);
}

int crm_task_add(struct crm_ctx *ctx, const struct crm_task_input *in, FILE *out)
{
	int st;
	crm_time due;
	char due_iso[CRM_ISO_LEN];

	if ((st = check_title(in->title)))
		return st;
	if (!in->due || crm_time_parse_future(in->due, ctx->now, &due) != 0) {
		crm_warn("invalid due date '%s'", in->due ? in->due : "");
		return EX_DATAERR;
	}
	crm_time_iso(due, due_iso);
	int64_t owner_id = task_owner(ctx, in->owner, &st);
	if (st)
		return st;
	if (in->owner && (st = crm_ctx_may_change(ctx, owner_id, "the tasks of another user")))
		return st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if (in->subject_type) {
		struct crm_subject s;
		if ((st = crm_subject_find(ctx, in->subject_type, in->subject_id, &s))) {
			crm_subject_report(NULL, in->subject_type, in->subject_id, st);
			return crm_ctx_end(ctx, st);
		}
		char *what = crm_xasprintf("%s %lld", s.type, (long long)s.id);
		st = crm_ctx_may_change(ctx, s.owner_id, what);
		free(what);
		crm_subject_free(&s);
		if (st)
			return crm_ctx_end(ctx, st);
	}
	int64_t id;
	st = insert_task(ctx, in->subject_type, in->subject_id, in->title, NULL, due_iso, owner_id, &id);
	return crm_ctx_end_print(ctx, st, print_ids, &id, 1, out);
}

/* Changing */

static int change_one(struct crm_ctx *ctx, enum crm_task_op op, int64_t id, const char *until_iso)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT owner_id, status, due FROM tasks WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_db_row(ctx->db, st, "cannot read task");
	char what[40];
	snprintf(what, sizeof what, "task %lld", (long long)id);
	/* row-level security hid another's task: an owner no one is */
	if (rc == CRM_EX_NOTFOUND && crm_ctx_hidden(ctx, "tasks", id, NULL) == EX_NOPERM)
		return crm_ctx_may_change(ctx, -1, what);
	if (rc == CRM_EX_NOTFOUND)
		crm_warn("task %lld not found", (long long)id);
	if (rc)
		return rc;
	int64_t owner = crm_col_int(st, 0);
	bool open = strcmp(crm_col_text(st, 1), "open") == 0;
	char old_due[CRM_ISO_LEN];
	snprintf(old_due, sizeof old_due, "%s", crm_col_text(st, 2));
	if ((rc = crm_ctx_may_change(ctx, owner, what)))
		return rc;

	static const char set_done[] = "UPDATE tasks SET status = 'done', done_at = ?2 WHERE id = ?1";
	static const char set_open[] = "UPDATE tasks SET status = 'open', done_at = NULL WHERE id = ?1";
	static const char set_due[] = "UPDATE tasks SET due = ?2 WHERE id = ?1";
	const char *sql, *field = "status", *old = open ? "open" : "done", *new;
	switch (op) {
	case CRM_TASK_DONE:
		if (!open)
			return 0;	/* already done: nothing to change */
		sql = set_done, new = "done";
		break;
	case CRM_TASK_REOPEN:
		if (open)
			return 0;
		sql = set_open, new = "open";
		break;
	default:
		if (!open) {
			crm_warn("task %lld is done (reopen it first)", (long long)id);
			return EX_DATAERR;
		}
		sql = set_due, field = "due", old = old_due, new = until_iso;
		break;
	}
	if (strcmp(old, new) == 0)
		return 0;
	if (!(st = crm_db_stmt(ctx->db, sql)))
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	if (op != CRM_TASK_REOPEN)
		crm_bind_str(st, 2, op == CRM_TASK_DONE ? ctx->now_iso : until_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update task");
	return crm_audit_write(ctx->db, "task", id, "update", field, old, new);
}

int crm_task_set(struct crm_ctx *ctx, enum crm_task_op op, const int64_t *ids, size_t n,
		 const char *until, FILE *out)
{
	char until_iso[CRM_ISO_LEN] = "";
	int st = 0;
	if (op == CRM_TASK_SNOOZE) {
		crm_time t;
		if (!until || crm_time_parse_future(until, ctx->now, &t) != 0) {
			crm_warn("invalid date '%s'", until ? until : "");
			return EX_DATAERR;
		}
		if (t < crm_time_day_start(ctx->now)) {
			crm_warn("date '%s' is in the past", until);
			return EX_DATAERR;
		}
		crm_time_iso(t, until_iso);
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	for (size_t i = 0; i < n && !st; i++)
		st = change_one(ctx, op, ids[i], until_iso);
	return crm_ctx_end_print(ctx, st, print_ids, ids, n, out);
}

int crm_task_complete(struct crm_ctx *ctx, const char *kind)
{
	if (strcmp(kind, "statuses") == 0) {
		puts("open\ndone\nall");
		return 0;
	}
	if (strcmp(kind, "logins") != 0)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT login FROM users WHERE active = 1 ORDER BY 1");
	if (!st)
		return EX_SOFTWARE;
	while (crm_step(st) == CRM_ROW)
		puts(crm_col_text(st, 0));
	return 0;
}
