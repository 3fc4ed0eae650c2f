/* ticket_mail.c: a mail message piped in (a mail alias, procmail,
 * fetchmail) opens a ticket, or lands on the ticket it answers: the
 * "[T-000012]" tag in its subject, else its In-Reply-To or References
 * naming a message of a ticket.  The sender's e-mail links the contact and
 * its account.  A message already taken (its Message-ID) is not taken
 * twice, so a delivery that is retried does no harm. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "mail.h"
#include "normalise.h"
#include "record_dups.h"
#include "ticket.h"

/* The ticket number in a subject tag "[T-000012]", or "". */
static void subject_tag(const char *subject, char out[32])
{
	out[0] = '\0';
	for (const char *p = strstr(subject, "[T-"); p; p = strstr(p + 1, "[T-")) {
		size_t n = strspn(p + 3, "0123456789");
		if (n >= 1 && n <= 12 && p[3 + n] == ']') {
			snprintf(out, 32, "T-%.*s", (int)n, p + 3);
			return;
		}
	}
}

/* The id of the ticket that holds message id mid (as its first mail or in
 * its thread), 0 when none. */
static int64_t ticket_of_message(struct crm_ctx *ctx, const char *mid)
{
	if (!mid || !*mid)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT id FROM tickets WHERE message_id = ?1 UNION ALL"
		" SELECT subject_id FROM interactions WHERE message_id = ?1 AND subject_type = 'ticket'"
		" LIMIT 1");
	if (!st)
		return 0;
	crm_bind_str(st, 1, mid);
	int64_t id = crm_step(st) == CRM_ROW ? crm_col_int(st, 0) : 0;
	crm_stmt_reset(st);
	return id;
}

/* The ticket a message answers, 0 when it is a new one. */
static int64_t answered(struct crm_ctx *ctx, const struct crm_mail *m)
{
	char tag[32];
	subject_tag(m->subject, tag);
	if (*tag) {
		struct crm_stmt *st = crm_db_stmt(ctx->db, "SELECT id FROM tickets WHERE number = ?1");
		if (st) {
			crm_bind_str(st, 1, tag);
			int64_t id = crm_step(st) == CRM_ROW ? crm_col_int(st, 0) : 0;
			crm_stmt_reset(st);
			if (id)
				return id;
		}
	}
	int64_t id = ticket_of_message(ctx, m->in_reply_to);
	if (id || !m->references)
		return id;
	char *refs = crm_xstrdup(m->references), *save = NULL;
	for (char *r = strtok_r(refs, " ", &save); r && !id; r = strtok_r(NULL, " ", &save))
		id = ticket_of_message(ctx, r);
	free(refs);
	return id;
}

/* The contact (and its account) whose e-mail is the sender's, else an
 * account with that e-mail. */
static void sender_links(struct crm_ctx *ctx, const char *email, int64_t *contact, int64_t *account)
{
	char norm[320];
	*contact = *account = 0;
	if (!email || strlen(email) >= sizeof norm || crm_norm_email(email, norm) <= 0)
		return;
	/* PostgreSQL: among every contact and account, whoever may see them */
	bool server = crm_dialect(ctx->db)->row_security;
	struct crm_stmt *st = crm_db_stmt(ctx->db, server
		? "SELECT contact, account FROM crm_mail_sender(?1)" : CRM_CONTACT_BY_EMAIL("?1"));
	if (st) {
		crm_bind_str(st, 1, norm);
		if (crm_step(st) == CRM_ROW) {
			*contact = crm_col_int(st, 0);
			*account = crm_col_int(st, 1);
		}
		crm_stmt_reset(st);
	}
	if (*account || server)
		return;
	st = crm_db_stmt(ctx->db, CRM_ACCOUNT_BY_EMAIL("?1"));
	if (st) {
		crm_bind_str(st, 1, norm);
		if (crm_step(st) == CRM_ROW)
			*account = crm_col_int(st, 0);
		crm_stmt_reset(st);
	}
}

static int attachments(struct crm_ctx *ctx, int64_t ticket, int64_t interaction,
		       const struct crm_mail *m)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO ticket_attachments (ticket_id, interaction_id, filename, content_type, size)"
		" VALUES (?1, ?2, ?3, ?4, ?5)");
	if (!st)
		return EX_SOFTWARE;
	for (size_t i = 0; i < m->n_attachments; i++) {
		const struct crm_mail_part *p = &m->attachments[i];
		crm_bind_int(st, 1, ticket);
		crm_bind_id(st, 2, interaction);
		crm_bind_str(st, 3, p->filename && *p->filename ? p->filename : "(unnamed)");
		crm_bind_text(st, 4, p->content_type);
		crm_bind_int(st, 5, (int64_t)p->size);
		int rc = crm_step(st);
		crm_stmt_reset(st);
		if (rc != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot record the attachments");
	}
	return 0;
}

static int put(struct crm_rec *r, const char *field, const char *value)
{
	if (!value || !*value)
		return 0;
	if (crm_rec_put(r, crm_rec_field(r, field), value) == 0)
		return 0;
	crm_warn("the message's %s: %s", field, crm_rec_error(r));
	return EX_DATAERR;
}

/* A new ticket of m. */
static int open_ticket(struct crm_ctx *ctx, const struct crm_mail *m, int64_t *id)
{
	int64_t contact, account;
	char cs[24], as[24];
	sender_links(ctx, m->from_email, &contact, &account);
	snprintf(cs, sizeof cs, "%lld", (long long)contact);
	snprintf(as, sizeof as, "%lld", (long long)account);
	struct crm_rec *r = crm_rec_new(ctx, &crm_ticket_kind);
	crm_rec_trust_refs(r, true);	/* linked by the sender's own address */
	int st;
	/* an address our check refuses (no domain, "user@localhost") is kept
	 * as the sender's text rather than refusing the customer's mail */
	char *sender = NULL;
	const char *email = m->from_email;
	if (*email && crm_rec_put(r, crm_rec_field(r, "email"), email) != 0) {
		sender = crm_xasprintf("%s%s<%s>", m->from_name, *m->from_name ? " " : "", email);
		email = NULL;
	}
	if (!(st = put(r, "subject", *m->subject ? m->subject : "(no subject)")) &&
	    !(st = put(r, "body", m->body)) && !(st = put(r, "channel", "email")) &&
	    !(st = put(r, "sender", sender ? sender : m->from_name)) &&
	    !(st = put(r, "email", email)) &&
	    !(st = put(r, "contact", contact ? cs : NULL)) &&
	    !(st = put(r, "account", account ? as : NULL))) {
		if ((st = crm_rec_check_new(r)))
			crm_warn("the message: %s", crm_rec_error(r));
		else
			st = crm_rec_insert(r, false, true, id);
	}
	crm_rec_free(r);
	free(sender);
	if (st)
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, "UPDATE tickets SET message_id = ?2 WHERE id = ?1");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, *id);
	crm_bind_text(s, 2, m->message_id);
	int rc = crm_step(s);
	crm_stmt_reset(s);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot store the message id");
	return attachments(ctx, *id, 0, m);
}

/* m answers ticket id: it joins the thread, and a ticket waiting on the
 * customer (pending) or resolved is open again. */
static int add_reply(struct crm_ctx *ctx, int64_t id, const struct crm_mail *m)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO interactions (subject_type, subject_id, kind, at, summary, user_id,"
		" created_at, message_id) VALUES ('ticket', ?1, 'email', ?2, ?3, NULL, ?2, ?4)"
		" RETURNING id");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	crm_bind_str(st, 2, ctx->now_iso);
	crm_bind_str(st, 3, m->body);
	crm_bind_text(st, 4, m->message_id);
	int rc = crm_step(st);
	int64_t iid = rc == CRM_ROW ? crm_col_int(st, 0) : 0;
	crm_stmt_reset(st);
	if (rc != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot add the message to the ticket");
	int s = attachments(ctx, id, iid, m);
	return s ? s : crm_ticket_customer_replied(ctx, id);
}

static int print_result(struct crm_ctx *ctx, int64_t id, const char *action, FILE *out)
{
	if (!out || ctx->opts->quiet)
		return 0;
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT t.id, coalesce(t.number, ''), t.status,"
		" CASE WHEN t.account_id IS NULL THEN '' ELSE CAST(t.account_id AS TEXT) END,"
		" CASE WHEN t.contact_id IS NULL THEN '' ELSE CAST(t.contact_id AS TEXT) END,"
		" coalesce(u.login, '') FROM tickets t LEFT JOIN users u ON u.id = t.owner_id"
		" WHERE t.id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(o, "id", CRM_COL_INT);
	crm_out_cols(o, (const char *[]){"number", "status", "account", "contact", "owner", "action"},
		     6);
	int rc = crm_step(st);
	if (rc == CRM_ROW)
		crm_out_row(o, (const char *[]){crm_col_text(st, 0), crm_col_text(st, 1),
						crm_col_text(st, 2), crm_col_text(st, 3),
						crm_col_text(st, 4), crm_col_text(st, 5), action});
	crm_stmt_reset(st);
	crm_out_end(o);
	return rc == CRM_ROW ? 0 : crm_db_fail(ctx->db, "cannot read ticket");
}

int crm_ticket_from_mail(struct crm_ctx *ctx, const char *buf, size_t len, const char *name,
			 FILE *out)
{
	struct crm_mail m;
	char why[256];
	if (crm_mail_parse(buf, len, &m, why, sizeof why)) {
		crm_warn("%s: %s", name, why);
		return EX_DATAERR;
	}
	int st = crm_db_begin(ctx->db);
	int64_t id = 0;
	const char *action = "new";
	if (!st) {
		int64_t seen = ticket_of_message(ctx, m.message_id);
		if (seen) {
			id = seen;
			action = "duplicate";
		} else if ((id = answered(ctx, &m)) && !crm_ticket_closed(ctx, id)) {
			action = "reply";
			st = add_reply(ctx, id, &m);
		} else {		/* new, or written after its ticket was closed */
			st = open_ticket(ctx, &m, &id);
		}
	}
	crm_mail_free(&m);
	if (!st && ctx->opts->dry_run)
		st = print_result(ctx, id, action, out);
	st = crm_ctx_end(ctx, st);
	if (!st && !ctx->opts->dry_run)
		st = print_result(ctx, id, action, out);
	return st;
}
