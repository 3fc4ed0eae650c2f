/* interaction.c: see interaction.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "batch.h"
#include "db.h"
#include "err.h"
#include "interaction.h"
#include "subject.h"
#include "opts.h"
#include "record.h"
#include "score.h"
#include "task.h"
#include "tsv.h"
#include "utf8.h"

#define SUMMARY_MAX 65536	/* bytes */
#define NEXT_MAX 1000


/* Output */

static const char *const log_cols[] = {
	"id", "at", "subject_type", "subject_id", "subject_name", "kind", "summary", "next_step", "user",
};
#define NLOG_COLS (sizeof log_cols / sizeof log_cols[0])

static void declare_log_cols(struct crm_out *out)
{
	for (size_t i = 0; out && i < NLOG_COLS; i++)
		crm_out_col(out, log_cols[i], i == 0 || i == 3 ? CRM_COL_INT : CRM_COL_TEXT);
}

static char *log_sql(struct crm_ctx *ctx, const char *where)
{
	char *name = crm_subject_sql(ctx, CRM_SUBJECT_NAME, "i.subject_type", "i.subject_id");
	char *vis = crm_subject_sql(ctx, CRM_SUBJECT_VISIBLE, "i.subject_type", "i.subject_id");
	char *sql = crm_xasprintf(
		"SELECT i.id, i.at, i.subject_type, i.subject_id, %s, i.kind, i.summary, i.next_step, u.login"
		" FROM interactions i LEFT JOIN users u ON u.id = i.user_id"
		" WHERE %s%s ORDER BY i.at, i.id", name, vis, where);
	free(name);
	free(vis);
	return sql;
}

static int prepare(struct crm_ctx *ctx, const char *sql, struct crm_stmt **st)
{
	if (crm_db_prepare(ctx->db, sql, st) != CRM_OK) {
		crm_warn("internal error: cannot prepare statement: %s",
			 crm_db_errmsg(ctx->db));
		return EX_SOFTWARE;
	}
	crm_ctx_bind_actor(ctx, *st);
	return 0;
}

static int print_rows(struct crm_ctx *ctx, struct crm_stmt *st, struct crm_out *out)
{
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		const char *f[NLOG_COLS];
		for (size_t i = 0; i < NLOG_COLS; i++)
			f[i] = crm_col_text(st, (int)i);
		crm_out_row(out, f);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list interactions");
}

/* Print what was written: only once all of it has been, so that a failed
 * command prints nothing on stdout. */
static int print_ids(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *fp)
{
	static char *sql;	/* built once: which subject tables exist does not change */
	struct crm_stmt *st;
	int rc = 0;
	if (!fp)
		return 0;
	if (!sql)
		sql = log_sql(ctx, " AND i.id = :id");
	if ((rc = prepare(ctx, sql, &st)))
		return rc;
	struct crm_out *out = crm_out_new(fp, ctx->opts->format, !ctx->opts->no_header);
	declare_log_cols(out);
	for (size_t i = 0; i < n && !rc; i++) {
		crm_stmt_reset(st);
		crm_bind_int(st, crm_param_index(st, ":id"), ids[i]);
		rc = print_rows(ctx, st, out);
	}
	crm_out_end(out);
	crm_stmt_finish(st);
	return rc;
}

/* Checking one interaction */

/* A parsed, checked interaction, ready to insert. */
struct checked {
	struct crm_subject subj;
	const char *kind, *summary, *next_step;
	char at[CRM_ISO_LEN];
};

static int check_text(const char *where, const char *what, const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0;
	if (!crm_utf8_valid(s ? s : "", len, NULL)) {
		crm_warn("%sinvalid UTF-8 in %s", where, what);
		return EX_DATAERR;
	}
	if (len > max) {
		crm_warn("%s%s too long (%zu bytes, at most %zu)", where, what, len, max);
		return EX_DATAERR;
	}
	return 0;
}

/* Check *in into *c; where ("stdin:3: " or "") prefixes messages.  A missing subject
 * is status notfound. */
static int check(struct crm_ctx *ctx, const struct crm_interaction *in, const char *where,
		 int notfound, struct checked *c)
{
	int st;
	crm_time at = ctx->now;
	memset(c, 0, sizeof *c);
	if (!in->kind || !crm_config_has_kind(ctx->cfg, in->kind)) {
		crm_warn("%sunknown interaction kind '%s'", where, in->kind ? in->kind : "");
		return EX_DATAERR;
	}
	if (in->at && *in->at && crm_time_parse(in->at, ctx->now, &at) != 0) {
		crm_warn("%sinvalid date '%s'", where, in->at);
		return EX_DATAERR;
	}
	if (at > ctx->now) {
		crm_warn("%sdate '%s' is in the future", where, in->at);
		return EX_DATAERR;
	}
	if ((st = check_text(where, "summary", in->summary, SUMMARY_MAX)) ||
	    (st = check_text(where, "next step", in->next_step, NEXT_MAX)))
		return st;
	crm_time_iso(at, c->at);
	c->kind = in->kind;
	c->summary = in->summary;
	c->next_step = in->next_step;
	/* where without its ": " */
	char *place = *where ? crm_xstrndup(where, strlen(where) - 2) : NULL;
	if ((st = crm_subject_find(ctx, in->subject_type, in->subject_id, &c->subj))) {
		crm_subject_report(place, in->subject_type, in->subject_id, st);
		free(place);
		return st == CRM_EX_NOTFOUND ? notfound : st;
	}
	char *what = place ? crm_xasprintf("%s %lld (%s)", c->subj.type, (long long)c->subj.id, place)
		: crm_xasprintf("%s %lld", c->subj.type, (long long)c->subj.id);
	free(place);
	st = crm_ctx_may_change(ctx, c->subj.owner_id, what);
	free(what);
	if (st)
		crm_subject_free(&c->subj);
	return st;
}

/* Writing one interaction */

static int audit_lead(struct crm_ctx *ctx, int64_t id, const char *field, const char *old, const char *new)
{
	return crm_audit_write(ctx->db, "lead", id, "update", field, *old ? old : NULL, new);
}

/* What an interaction at time at does to lead id. */
static int touch_lead(struct crm_ctx *ctx, int64_t id, const char *at)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT status, first_contact_at, last_activity_at FROM leads WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	if (crm_step(st) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read lead");
	char status[16], first[CRM_ISO_LEN], last[CRM_ISO_LEN];
	snprintf(status, sizeof status, "%s", crm_col_text(st, 0));
	snprintf(first, sizeof first, "%s", crm_col_text(st, 1));
	snprintf(last, sizeof last, "%s", crm_col_text(st, 2));

	/* a back-dated interaction can be the earliest contact, never the latest activity */
	bool new_status = strcmp(status, "new") == 0;
	bool new_first = !*first || strcmp(at, first) < 0;
	bool new_last = !*last || strcmp(at, last) > 0;
	int rc = 0;
	if (!new_status && !new_first && !new_last)
		return 0;
	if (!(st = crm_db_stmt(ctx->db,
		"UPDATE leads SET status = ?2, first_contact_at = ?3, last_activity_at = ?4, updated_at = ?5"
		" WHERE id = ?1")))
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	crm_bind_str(st, 2, new_status ? "contacted" : status);
	crm_bind_str(st, 3, new_first ? at : first);
	crm_bind_str(st, 4, new_last ? at : last);
	crm_bind_str(st, 5, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update lead");
	if (new_status)
		rc = audit_lead(ctx, id, "status", status, "contacted");
	if (!rc && new_first)
		rc = audit_lead(ctx, id, "first_contact_at", first, at);
	if (!rc && new_last)
		rc = audit_lead(ctx, id, "last_activity_at", last, at);
	return rc;
}


static int insert(struct crm_ctx *ctx, const struct checked *c, int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO interactions (subject_type, subject_id, kind, at, summary, next_step,"
		" user_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, c->subj.type);
	crm_bind_int(st, 2, c->subj.id);
	crm_bind_str(st, 3, c->kind);
	crm_bind_str(st, 4, c->at);
	crm_bind_text(st, 5, c->summary);
	crm_bind_text(st, 6, c->next_step);
	crm_bind_id(st, 7, ctx->actor.id);
	crm_bind_str(st, 8, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot add interaction");
	*id = crm_db_last_id(ctx->db);

	char subject[64];
	snprintf(subject, sizeof subject, "%s %lld", c->subj.type, (long long)c->subj.id);
	int rc = crm_audit_write(ctx->db, "interaction", *id, "create", "subject", NULL, subject);
	if (!rc)
		rc = crm_audit_write(ctx->db, "interaction", *id, "create", "kind", NULL, c->kind);
	if (!rc)
		rc = strcmp(c->subj.type, "lead") == 0 ? touch_lead(ctx, c->subj.id, c->at)
			: crm_subject_touch(ctx, &c->subj, c->at);
	if (!rc)
		rc = crm_task_close_first_contact(ctx, c->subj.type, c->subj.id);
	if (!rc && strcmp(c->subj.type, "lead") == 0)
		rc = crm_score_lead(ctx, c->subj.id);
	return rc;
}

int crm_log_add(struct crm_ctx *ctx, const struct crm_interaction *in, FILE *out)
{
	struct checked c;
	int64_t id;
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	if ((st = check(ctx, in, "", CRM_EX_NOTFOUND, &c)))
		return crm_ctx_end(ctx, st);
	st = insert(ctx, &c, &id);
	crm_subject_free(&c.subj);
	return crm_ctx_end_print(ctx, st, print_ids, &id, 1, out);
}

/* Bulk */

enum { C_TYPE, C_ID, C_KIND, C_AT, C_SUMMARY, C_NEXT, NBULK };
static const char *const bulk_cols[NBULK] = {
	"subject_type", "subject_id", "kind", "at", "summary", "next_step"
};

static int bulk_columns(struct crm_tsv *t, const struct crm_interaction *defaults, int col[NBULK])
{
	for (int i = 0; i < NBULK; i++) {
		col[i] = crm_tsv_col(t, bulk_cols[i]);
		bool required = i == C_TYPE || i == C_ID || (i == C_KIND && !defaults->kind);
		if (col[i] < 0 && required) {
			crm_warn("%s: missing column '%s'", crm_tsv_name(t), bulk_cols[i]);
			return EX_DATAERR;
		}
	}
	return 0;
}

static const char *field(struct crm_tsv *t, int col, const char *dflt)
{
	return col >= 0 ? crm_tsv_field(t, (size_t)col, NULL) : dflt;
}

/* Read row into in; 0 or 65 after reporting. */
static int bulk_row(struct crm_tsv *t, const int col[NBULK], const struct crm_interaction *defaults,
		    const char *where, struct crm_interaction *in)
{
	const char *type = field(t, col[C_TYPE], NULL), *id = field(t, col[C_ID], NULL);
	char *end;
	in->subject_type = crm_subject_type(type);
	if (!in->subject_type) {
		crm_warn("%sunknown subject type '%s' (lead, account, contact or deal)", where, type);
		return EX_DATAERR;
	}
	long long v = strtoll(id, &end, 10);
	if (!*id || *end || v <= 0) {
		crm_warn("%sinvalid subject_id '%s'", where, id);
		return EX_DATAERR;
	}
	in->subject_id = v;
	in->kind = field(t, col[C_KIND], defaults->kind);
	if (!*in->kind && defaults->kind)
		in->kind = defaults->kind;
	in->at = field(t, col[C_AT], defaults->at);
	if (!in->at || !*in->at)
		in->at = defaults->at;
	in->summary = field(t, col[C_SUMMARY], NULL);
	in->next_step = field(t, col[C_NEXT], NULL);
	return 0;
}

/* One pass over the rows of a bulk log: checking only, or writing too,
 * the ids written in *ids.  The status of the first bad row (every bad row
 * is reported; nothing is written after one), or of what stopped it. */
static int bulk_pass(struct crm_ctx *ctx, struct crm_tsv *t, const int col[NBULK],
		     const struct crm_interaction *defaults, bool apply, int64_t **ids, size_t *n)
{
	size_t cap = 0;
	int bad = 0, rc, st;
	while ((rc = crm_tsv_next(t)) != 0) {
		if (rc < 0) {
			if (!bad)
				bad = -rc;
			if (-rc != EX_DATAERR)
				break;	/* a read error: the rest cannot be read */
			continue;
		}
		char where[300];
		struct crm_interaction in;
		struct checked c;
		snprintf(where, sizeof where, "%s:%ld: ", crm_tsv_name(t), crm_tsv_line(t));
		if ((st = bulk_row(t, col, defaults, where, &in)) ||
		    (st = check(ctx, &in, where, EX_DATAERR, &c))) {
			if (!bad)
				bad = st;
			if (st != EX_DATAERR && st != EX_NOPERM)
				break;
			continue;
		}
		if (!bad && apply) {
			if (*n == cap)
				*ids = crm_xrealloc(*ids, (cap = cap ? 2 * cap : 64) * sizeof **ids);
			bad = insert(ctx, &c, &(*ids)[*n]);
			(*n)++;
		}
		crm_subject_free(&c.subj);
		if (bad && bad != EX_DATAERR && bad != EX_NOPERM)
			break;
	}
	return bad;
}

int crm_log_add_tsv(struct crm_ctx *ctx, FILE *fp, const char *name,
		    const struct crm_interaction *defaults, FILE *out)
{
	int st, col[NBULK];
	struct crm_tsv *t = crm_tsv_open_twice(fp, name, &st);
	int64_t *ids = NULL;
	size_t n = 0;
	/* every row is checked before the write lock is taken, and again
	 * under it, when what it names may have changed */
	if (t && !(st = bulk_columns(t, defaults, col))) {
		crm_db_reset_statements(ctx->db);
		if (!(st = bulk_pass(ctx, t, col, defaults, false, &ids, &n)) &&
		    !(st = crm_tsv_rewind(t)) && !(st = crm_db_begin(ctx->db))) {
			st = bulk_pass(ctx, t, col, defaults, true, &ids, &n);
			st = crm_ctx_end_print(ctx, st, print_ids, ids, n, out);
		}
	}
	crm_tsv_close(t);
	free(ids);
	return st;
}

/* Listing */

static int bind_time(struct crm_ctx *ctx, struct crm_stmt *st, const char *param, const char *s, bool until)
{
	crm_time t;
	char iso[CRM_ISO_LEN];
	if (!s)
		return 0;
	if (crm_time_parse(s, ctx->now, &t) != 0) {
		crm_warn("invalid date '%s'", s);
		return EX_DATAERR;
	}
	/* "--until 2026-03-05" takes in the whole of that day */
	if (until && t == crm_time_day_start(t))
		t = crm_time_add_days(t, 1);
	crm_time_iso(t, iso);
	crm_bind_copy(st, crm_param_index(st, param), iso);
	return 0;
}

static int64_t user_param(struct crm_ctx *ctx, const char *login, int *st)
{
	int64_t id = 0;
	if (login && !(id = crm_ctx_user_id(ctx, login))) {
		crm_warn("unknown user '%s'", login);
		*st = EX_DATAERR;
	}
	return id;
}

int crm_log_list(struct crm_ctx *ctx, const struct crm_log_filter *f, struct crm_out *out)
{
	int st = 0;
	char where[512] = "";
	if (f->kind && !crm_config_has_kind(ctx->cfg, f->kind)) {
		crm_warn("unknown interaction kind '%s'", f->kind);
		return EX_DATAERR;
	}
	int64_t owner = 0, by = user_param(ctx, f->by, &st);
	if (st || (f->owner && (st = crm_ctx_filter_user(ctx, f->owner, &owner))) ||
	    (f->subject_type && (st = crm_subject_filter(ctx, f->subject_type, f->subject_id))))
		return st;
	char *owner_expr = crm_subject_sql(ctx, CRM_SUBJECT_OWNER, "i.subject_type", "i.subject_id");
	if (f->subject_type)
		strcat(where, " AND i.subject_type = :stype AND i.subject_id = :sid");
	if (f->by)
		strcat(where, " AND i.user_id = :by");
	if (f->kind)
		strcat(where, " AND i.kind = :kind");
	if (f->since)
		strcat(where, " AND i.at >= :since");
	if (f->until)
		strcat(where, " AND i.at < :until");
	char *cond = f->owner ? crm_xasprintf("%s AND %s = :owner", where, owner_expr) : crm_xstrdup(where);
	char *sql = log_sql(ctx, cond);
	free(owner_expr);
	free(cond);
	struct crm_stmt *stmt;
	st = prepare(ctx, sql, &stmt);
	free(sql);
	if (st)
		return st;
	int i;
	if ((i = crm_param_index(stmt, ":stype")))
		crm_bind_str(stmt, i, f->subject_type);
	if ((i = crm_param_index(stmt, ":sid")))
		crm_bind_int(stmt, i, f->subject_id);
	if ((i = crm_param_index(stmt, ":by")))
		crm_bind_int(stmt, i, by);
	if ((i = crm_param_index(stmt, ":owner")))
		crm_bind_int(stmt, i, owner);
	if ((i = crm_param_index(stmt, ":kind")))
		crm_bind_str(stmt, i, f->kind);
	if (!(st = bind_time(ctx, stmt, ":since", f->since, false)) &&
	    !(st = bind_time(ctx, stmt, ":until", f->until, true))) {
		declare_log_cols(out);
		st = print_rows(ctx, stmt, out);
	}
	crm_stmt_finish(stmt);
	return st;
}

int crm_log_complete(struct crm_ctx *ctx, const char *kind)
{
	if (strcmp(kind, "kinds") == 0) {
		for (size_t i = 0; i < ctx->cfg->ninteraction_kinds; i++)
			puts(ctx->cfg->interaction_kinds[i]);
	} else if (strcmp(kind, "subjects") == 0) {
		crm_subject_types(stdout);
	} else if (strcmp(kind, "logins") == 0) {
		struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT login FROM users WHERE active = 1 ORDER BY 1");
		if (!st)
			return EX_SOFTWARE;
		while (crm_step(st) == CRM_ROW)
			puts(crm_col_text(st, 0));
	}
	return 0;
}
