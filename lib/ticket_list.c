/* ticket_list.c: one ticket with its thread (show), the open tickets
 * with their SLA state (queue), and an account's tickets in the 360 view. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "date.h"
#include "db.h"
#include "err.h"
#include "ticket.h"

/* Rows of sql (?1 = id) under the columns names, all text but the first. */
static int rows(struct crm_ctx *ctx, const char *sql, int64_t id, const char *const *names,
		size_t n, struct crm_out *o)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	crm_out_cols(o, names, n);
	crm_bind_int(st, 1, id);
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		const char *f[12];
		for (size_t i = 0; i < n; i++)
			f[i] = crm_col_text(st, (int)i);
		crm_out_row(o, f);
	}
	crm_stmt_reset(st);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the ticket");
}

static int thread(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	static const char sql[] =
		"SELECT t.created_at, 'customer', coalesce(t.sender_name, t.sender_email, ''),"
		" coalesce(t.body, '') FROM tickets t WHERE t.id = ?1"
		" UNION ALL SELECT i.at, CASE i.kind WHEN 'email' THEN 'customer' ELSE i.kind END,"
		" coalesce(u.login, ''), coalesce(i.summary, '') FROM interactions i"
		" LEFT JOIN users u ON u.id = i.user_id"
		" WHERE i.subject_type = 'ticket' AND i.subject_id = ?1 ORDER BY 1";
	static const char *const names[] = {"at", "kind", "who", "text"};
	return rows(ctx, sql, id, names, 4, o);
}

static int articles(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	static const char sql[] =
		"SELECT a.id, a.title, ta.at, coalesce(u.login, '') FROM ticket_articles ta"
		" JOIN kb_articles a ON a.id = ta.article_id LEFT JOIN users u ON u.id = ta.user_id"
		" WHERE ta.ticket_id = ?1 ORDER BY ta.at";
	static const char *const names[] = {"article", "title", "linked_at", "by"};
	return rows(ctx, sql, id, names, 4, o);
}

static int attachment_list(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	static const char sql[] =
		"SELECT filename, coalesce(content_type, ''), CAST(coalesce(size, 0) AS TEXT)"
		" FROM ticket_attachments WHERE ticket_id = ?1 ORDER BY id";
	static const char *const names[] = {"filename", "content_type", "size"};
	return rows(ctx, sql, id, names, 3, o);
}

static int survey(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	static const char sql[] =
		"SELECT code, due_at, coalesce(sent_at, ''), coalesce(answered_at, ''),"
		" CASE WHEN csat IS NULL THEN '' ELSE CAST(csat AS TEXT) END,"
		" CASE WHEN nps IS NULL THEN '' ELSE CAST(nps AS TEXT) END, coalesce(comment, '')"
		" FROM surveys WHERE ticket_id = ?1";
	static const char *const names[] = {"code", "due_at", "sent_at", "answered_at", "csat", "nps",
					    "comment"};
	return rows(ctx, sql, id, names, 7, o);
}

int crm_ticket_show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	static const struct {
		const char *name;
		int (*fn)(struct crm_ctx *, int64_t, struct crm_out *);
	} sections[] = {
		{"thread", thread}, {"attachments", attachment_list}, {"articles", articles},
		{"survey", survey},
	};
	bool table = ctx->opts->format == CRM_FMT_TABLE;
	int st;
	if ((st = crm_db_exec(ctx->db, "BEGIN")))
		return st;
	fprintf(out, "%s\n", table ? "profile" : "# profile");
	struct crm_out *o = crm_out_new(out, ctx->opts->format, true);
	st = crm_rec_profile(ctx, &crm_ticket_kind, id, table, o);
	crm_out_end(o);
	for (size_t i = 0; i < sizeof sections / sizeof sections[0] && !st; i++) {
		fprintf(out, "\n%s%s\n", table ? "" : "# ", sections[i].name);
		o = crm_out_new(out, ctx->opts->format, true);
		st = sections[i].fn(ctx, id, o);
		crm_out_end(o);
	}
	if (!st) {
		fprintf(out, "\n%shistory\n", table ? "" : "# ");
		o = crm_out_new(out, ctx->opts->format, true);
		st = crm_history_print(ctx, "ticket", id, o);
		crm_out_end(o);
	}
	crm_db_exec(ctx->db, "COMMIT");
	return st;
}

int crm_ticket_queue(struct crm_ctx *ctx, const struct crm_ticket_filter *f, FILE *out)
{
	static const char sql[] =
		"SELECT t.id, coalesce(t.number, ''), t.status, t.priority, coalesce(t.category, ''),"
		" t.subject, coalesce(a.name, ''), coalesce(u.login, ''), t.created_at,"
		" coalesce(t.first_response_at, ''), coalesce(t.first_response_due, ''),"
		" coalesce(t.resolve_due, ''), coalesce(t.breached_at, '')"
		" FROM tickets t LEFT JOIN accounts a ON a.id = t.account_id"
		" LEFT JOIN users u ON u.id = t.owner_id"
		" WHERE t.status IN ('new', 'open', 'pending') AND t.forgotten_at IS NULL"
		" AND (CAST(:status AS TEXT) IS NULL OR t.status = :status)"
		" AND (CAST(:priority AS TEXT) IS NULL OR t.priority = :priority)"
		" AND (CAST(:category AS TEXT) IS NULL OR t.category = :category)"
		" AND (CAST(:owner AS BIGINT) = 0 OR t.owner_id = :owner)"
		" AND " CRM_SQL_TICKET_SEEN("t")
		" ORDER BY CASE t.priority WHEN 'urgent' THEN 0 WHEN 'high' THEN 1 WHEN 'normal' THEN 2"
		" ELSE 3 END, t.created_at, t.id";
	int64_t owner = 0;
	int st;
	if (f->owner && (st = crm_ctx_filter_user(ctx, f->owner, &owner)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_ticket_bind_actor(ctx, s);
	crm_bind_named_text(s, ":status", f->status);
	crm_bind_named_text(s, ":priority", f->priority);
	crm_bind_named_text(s, ":category", f->category);
	crm_bind_int(s, crm_param_index(s, ":owner"), owner);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, "id", CRM_COL_INT);
	static const char *const names[] = {
		"number", "status", "priority", "category", "subject", "account", "owner",
		"created_at", "first_response_due", "resolve_due", "sla", "left_minutes",
	};
	crm_out_cols(o, names, sizeof names / sizeof names[0]);
	int rc;
	while ((rc = crm_step(s)) == CRM_ROW) {
		struct crm_sla_state sla;
		crm_ticket_sla_state(ctx, crm_col_text(s, 2), crm_col_text(s, 9), crm_col_text(s, 10),
				     crm_col_text(s, 11), crm_col_text(s, 12), &sla);
		if ((f->breached && strcmp(sla.state, "breached")) ||
		    (f->approaching && strcmp(sla.state, "approaching")))
			continue;
		char left[24] = "";
		if (sla.has_left)
			snprintf(left, sizeof left, "%lld", (long long)(sla.left / 60));
		crm_out_row(o, (const char *[]){
			crm_col_text(s, 0), crm_col_text(s, 1), crm_col_text(s, 2), crm_col_text(s, 3),
			crm_col_text(s, 4), crm_col_text(s, 5), crm_col_text(s, 6), crm_col_text(s, 7),
			crm_col_text(s, 8), crm_col_text(s, 10), crm_col_text(s, 11), sla.state, left,
		});
	}
	crm_stmt_reset(s);
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list tickets");
}

int crm_ticket_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o)
{
	static const char sql[] =
		"SELECT t.id, coalesce(t.number, ''), t.status, t.priority, t.subject, t.created_at,"
		" coalesce(t.resolved_at, ''), coalesce(t.first_response_at, ''),"
		" coalesce(t.first_response_due, ''), coalesce(t.resolve_due, ''),"
		" coalesce(t.breached_at, ''),"
		" coalesce((SELECT CAST(s.csat AS TEXT) FROM surveys s WHERE s.ticket_id = t.id), ''),"
		" coalesce(u.login, '')"
		" FROM tickets t LEFT JOIN users u ON u.id = t.owner_id"
		" WHERE t.account_id = ?1 AND t.forgotten_at IS NULL ORDER BY t.created_at, t.id";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, account_id);
	crm_out_col(o, "id", CRM_COL_INT);
	static const char *const names[] = {
		"number", "status", "priority", "subject", "created_at", "resolved_at", "sla", "csat",
		"owner",
	};
	crm_out_cols(o, names, sizeof names / sizeof names[0]);
	int rc;
	while ((rc = crm_step(s)) == CRM_ROW) {
		struct crm_sla_state sla;
		crm_ticket_sla_state(ctx, crm_col_text(s, 2), crm_col_text(s, 7), crm_col_text(s, 8),
				     crm_col_text(s, 9), crm_col_text(s, 10), &sla);
		crm_out_row(o, (const char *[]){
			crm_col_text(s, 0), crm_col_text(s, 1), crm_col_text(s, 2), crm_col_text(s, 3),
			crm_col_text(s, 4), crm_col_text(s, 5), crm_col_text(s, 6), sla.state,
			crm_col_text(s, 11), crm_col_text(s, 12),
		});
	}
	crm_stmt_reset(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the account's tickets");
}
