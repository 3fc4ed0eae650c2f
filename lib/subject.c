/* subject.c: see subject.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "record.h"
#include "subject.h"
#include "ticket.h"

/* Where each kind of subject lives.  A later table plugs in here; it needs
 * an id, an owner (an expression over alias s) and a last_activity_at
 * column, which every interaction on it moves forward. */
struct subject_def {
	const char *type, *table;
	const char *name;	/* SQL over alias s */
	const char *visible;	/* SQL over alias s, with :actor_* */
	const char *find;	/* owner, name of id ?1 */
	const char *touch;	/* last_activity_at of id ?1 = ?2 when later */
};

#define SUBJECT(type, table, owner, name, visible) { type, table, name, visible, \
	"SELECT " owner ", " name " FROM " table " s WHERE s.id = ?1", \
	"UPDATE " table " SET last_activity_at = ?2 WHERE id = ?1" \
	" AND (last_activity_at IS NULL OR last_activity_at < ?2)" }

static const struct subject_def subjects[] = {
	SUBJECT("lead", "leads", "s.owner_id", "coalesce(s.name, s.company)",
		CRM_SQL_VISIBLE_LEAD("s.owner_id")),
	/* unowned accounts, contacts and deals: managers and admins only (record.h) */
	SUBJECT("account", "accounts", "s.owner_id", "s.name", CRM_SQL_VISIBLE_OWNED("s.owner_id")),
	SUBJECT("contact", "contacts", "s.owner_id", "s.name", CRM_SQL_VISIBLE_OWNED("s.owner_id")),
	SUBJECT("deal", "deals", "s.owner_id", "s.title", CRM_SQL_VISIBLE_OWNED("s.owner_id")),
	SUBJECT("ticket", "tickets", "s.owner_id", "s.number || ' ' || s.subject",
		CRM_SQL_TICKET_SEEN("s")),
};
#define NSUBJECTS (sizeof subjects / sizeof subjects[0])

static const struct subject_def *subject_def(const char *type)
{
	for (size_t i = 0; type && i < NSUBJECTS; i++)
		if (strcmp(subjects[i].type, type) == 0)
			return &subjects[i];
	return NULL;
}

const char *crm_subject_type(const char *s)
{
	const struct subject_def *d = subject_def(s);
	return d ? d->type : NULL;
}

static bool table_exists(struct crm_ctx *ctx, const char *table)
{
	return crm_db_has_table(ctx->db, table);
}

int crm_subject_find(struct crm_ctx *ctx, const char *type, int64_t id, struct crm_subject *out)
{
	const struct subject_def *d = subject_def(type);
	memset(out, 0, sizeof *out);
	if (!d || !table_exists(ctx, d->table))
		return EX_DATAERR;
	struct crm_stmt *st = crm_db_stmt(ctx->db, d->find);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_db_row(ctx->db, st, "cannot read subject");
	if (rc == CRM_EX_NOTFOUND && crm_ctx_hidden(ctx, d->table, id, NULL) == EX_NOPERM) {
		/* row-level security hid it: an owner no one is, whom the
		 * caller's check finds the actor may not see */
		out->type = d->type;
		out->id = id;
		out->owner_id = -1;
		out->name = crm_xstrdup("");
		return 0;
	}
	if (rc)
		return rc;
	out->type = d->type;
	out->id = id;
	out->owner_id = crm_col_int(st, 0);
	out->name = crm_xstrdup(crm_col_text(st, 1));
	return 0;
}

void crm_subject_free(struct crm_subject *s)
{
	free(s->name);
	s->name = NULL;
}

static int subject_option(const char *type, const char *id, const char **type_out, int64_t *id_out)
{
	char *end;
	long long v = strtoll(id, &end, 10);
	if (*type_out)
		return crm_usage_fail("give only one of --lead, --account, --contact and --deal");
	if (!*id || *end || v <= 0)
		return crm_usage_fail("invalid %s id '%s'", type, id);
	*type_out = type;
	*id_out = v;
	return 0;
}

int crm_subject_options(const struct crm_args *a, const struct option *long_opts,
			const char **type_out, int64_t *id_out)
{
	static const char *const types[] = {"lead", "account", "contact", "deal"};
	int st = 0;
	for (int i = 0; i < a->n && !st; i++)
		for (size_t k = 0; k < sizeof types / sizeof types[0]; k++)
			if (strcmp(crm_opt_name(long_opts, a->code[i]), types[k]) == 0)
				st = subject_option(types[k], a->given[i], type_out, id_out);
	return st;
}

int crm_subject_filter(struct crm_ctx *ctx, const char *type, int64_t id)
{
	struct crm_subject s;
	int st = crm_subject_find(ctx, type, id, &s);
	if (st) {
		crm_subject_report(NULL, type, id, st);
		return st;
	}
	char *what = crm_xasprintf("%s %lld", s.type, (long long)s.id);
	st = strcmp(s.type, "lead") == 0 ? crm_ctx_may_see(ctx, s.owner_id, what)
					 : crm_ctx_may_see_owned(ctx, s.owner_id, what);
	free(what);
	crm_subject_free(&s);
	return st;
}

void crm_subject_report(const char *where, const char *type, int64_t id, int status)
{
	const struct subject_def *d = subject_def(type);
	char place[300] = "";
	if (where)
		snprintf(place, sizeof place, "%s: ", where);
	if (status == CRM_EX_NOTFOUND)
		crm_warn("%s%s %lld not found", place, type, (long long)id);
	else if (status == EX_DATAERR && d)
		crm_warn("%s%s do not exist yet", place, d->table);
	else if (status == EX_DATAERR)
		crm_warn("%sunknown subject type '%s'", place, type ? type : "");
}

char *crm_subject_sql(struct crm_ctx *ctx, enum crm_subject_expr what, const char *type_col,
		      const char *id_col)
{
	size_t len = 0, cap = 256;
	char *s = crm_xmalloc(cap);
	len = (size_t)snprintf(s, cap, "(CASE %s", type_col);
	for (size_t i = 0; i < NSUBJECTS; i++) {
		const struct subject_def *d = &subjects[i];
		if (!table_exists(ctx, d->table))
			continue;
		char *part;
		if (what == CRM_SUBJECT_VISIBLE)
			part = crm_xasprintf(" WHEN '%s' THEN EXISTS (SELECT 1 FROM %s s WHERE s.id = %s AND %s)",
					     d->type, d->table, id_col, d->visible);
		else if (what == CRM_SUBJECT_NAME)	/* no name of what the actor may not see */
			part = crm_xasprintf(" WHEN '%s' THEN (SELECT %s FROM %s s WHERE s.id = %s AND %s)",
					     d->type, d->name, d->table, id_col, d->visible);
		else
			part = crm_xasprintf(" WHEN '%s' THEN (SELECT s.owner_id FROM %s s WHERE s.id = %s)",
					     d->type, d->table, id_col);
		size_t n = strlen(part);
		while (len + n + 32 > cap)
			s = crm_xrealloc(s, cap *= 2);
		memcpy(s + len, part, n + 1);
		len += n;
		free(part);
	}
	snprintf(s + len, cap - len, " ELSE %s END)", what == CRM_SUBJECT_VISIBLE ? "FALSE" : "NULL");
	return s;
}

int crm_subject_touch(struct crm_ctx *ctx, const struct crm_subject *s, const char *at)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, subject_def(s->type)->touch);
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, s->id);
	crm_bind_str(st, 2, at);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update last activity");
	if (crm_db_changes(ctx->db) == 0)
		return 0;
	return crm_audit_write(ctx->db, s->type, s->id, "update", "last_activity_at", NULL, at);
}

void crm_subject_types(FILE *out)
{
	for (size_t i = 0; i < NSUBJECTS; i++)
		fprintf(out, "%s\n", subjects[i].type);
}
