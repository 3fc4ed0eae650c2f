/* survey.c: the satisfaction survey of a resolved ticket: due once, listed
 * for cron to mail (with a code the customer answers with), answered by a
 * command or a form tool's export; CSAT 1-5 and NPS 0-10. */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sysexits.h>

#include "audit.h"
#include "config.h"
#include "db.h"
#include "err.h"
#include "rows.h"
#include "text.h"
#include "ticket.h"

#define CODE_LEN 12

/* An unguessable code: 12 characters of a 32-letter alphabet without
 * look-alikes (60 bits), from the kernel's random source. */
static int new_code(char code[CODE_LEN + 1])
{
	static const char alphabet[] = "abcdefghjkmnpqrstuvwxyz23456789";
	unsigned char b[CODE_LEN];
	if (getrandom(b, sizeof b, 0) != (ssize_t)sizeof b) {
		crm_warn("cannot read random bytes for a survey code");
		return EX_OSERR;
	}
	for (int i = 0; i < CODE_LEN; i++)
		code[i] = alphabet[b[i] % (sizeof alphabet - 1)];
	code[CODE_LEN] = '\0';
	return 0;
}

int crm_survey_due(struct crm_ctx *ctx, int64_t ticket_id)
{
	static const char sql[] =
		"INSERT INTO surveys (ticket_id, code, account_id, contact_id, email, due_at, created_at)"
		" SELECT t.id, ?2, t.account_id, t.contact_id,"
		"   coalesce(nullif(c.email, ''), t.sender_email), ?3, ?3"
		" FROM tickets t LEFT JOIN contacts c ON c.id = t.contact_id WHERE t.id = ?1"
		" ON CONFLICT (ticket_id) DO NOTHING";
	char code[CODE_LEN + 1];
	int st = new_code(code);
	if (st)
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, ticket_id);
	crm_bind_str(s, 2, code);
	crm_bind_str(s, 3, ctx->now_iso);
	int rc = crm_step(s);
	crm_stmt_reset(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot make the ticket's survey");
}

/* The template with {code} and {ticket} replaced. */
static char *link_of(const char *tmpl, const char *code, const char *ticket)
{
	struct crm_buf b = {0};
	if (!tmpl)
		return crm_xstrdup("");
	for (const char *p = tmpl; *p;) {
		if (!strncmp(p, "{code}", 6)) {
			crm_buf_add(&b, code);
			p += 6;
		} else if (!strncmp(p, "{ticket}", 8)) {
			crm_buf_add(&b, ticket);
			p += 8;
		} else {
			crm_buf_addn(&b, p, 1);
			p++;
		}
	}
	return b.s ? b.s : crm_xstrdup("");
}

int crm_survey_list(struct crm_ctx *ctx, bool all, bool mark, FILE *out)
{
	static const char sql[] =
		"SELECT s.id, s.code, t.number, coalesce(c.name, t.sender_name, ''), coalesce(s.email, ''),"
		" s.due_at, coalesce(s.sent_at, ''), CASE WHEN s.csat IS NULL THEN '' ELSE CAST(s.csat AS TEXT) END,"
		" CASE WHEN s.nps IS NULL THEN '' ELSE CAST(s.nps AS TEXT) END"
		" FROM surveys s JOIN tickets t ON t.id = s.ticket_id"
		" LEFT JOIN contacts c ON c.id = s.contact_id"
		" WHERE (:all = 1 OR (s.sent_at IS NULL AND s.answered_at IS NULL))"
		" AND t.forgotten_at IS NULL AND " CRM_SQL_TICKET_SEEN("t") " ORDER BY s.due_at, s.id";
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	struct crm_stmt *sent = crm_db_stmt(ctx->db,
		"UPDATE surveys SET sent_at = ?2 WHERE id = ?1 AND sent_at IS NULL");
	if (!s || !sent)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_ticket_bind_actor(ctx, s);
	crm_bind_int(s, crm_param_index(s, ":all"), all);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	static const char *const names[] = {
		"code", "ticket", "recipient", "email", "due_at", "link", "sent_at", "csat", "nps",
	};
	crm_out_cols(o, names, sizeof names / sizeof names[0]);
	int rc;
	while ((rc = crm_step(s)) == CRM_ROW) {
		char *link = link_of(ctx->cfg->service.survey_url, crm_col_text(s, 1),
				     crm_col_text(s, 2));
		crm_out_row(o, (const char *[]){crm_col_text(s, 1), crm_col_text(s, 2),
						crm_col_text(s, 3), crm_col_text(s, 4),
						crm_col_text(s, 5), link, crm_col_text(s, 6),
						crm_col_text(s, 7), crm_col_text(s, 8)});
		free(link);
		if (mark && !*crm_col_text(s, 6)) {
			crm_bind_int(sent, 1, crm_col_int(s, 0));
			crm_bind_str(sent, 2, ctx->now_iso);
			int r2 = crm_step(sent);
			crm_stmt_reset(sent);
			if (r2 != CRM_DONE) {
				rc = r2;
				break;
			}
		}
	}
	crm_stmt_reset(s);
	crm_out_end(o);
	if (rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot list surveys");
	return crm_ctx_end(ctx, st);
}

/* A score of scale: 0, or 65 with why. */
static int score_of(const char *scale, const char *s, int *v, char *why, size_t n)
{
	int lo = !strcmp(scale, "nps") ? 0 : 1, hi = !strcmp(scale, "nps") ? 10 : 5;
	char *end;
	long x = s && *s ? strtol(s, &end, 10) : -1;
	if (!s || !*s || *end || x < lo || x > hi) {
		snprintf(why, n, "%s score '%s' out of range %d-%d", scale, s ? s : "", lo, hi);
		return EX_DATAERR;
	}
	*v = (int)x;
	return 0;
}

/* Record one answer inside the caller's transaction; 1 for an unknown
 * code, 65 for a bad score, with why. */
static int answer(struct crm_ctx *ctx, const char *code, const char *csat, const char *nps,
		  const char *comment, char *why, size_t n, int64_t *id)
{
	int c = 0, p = 0, st;
	if (csat && *csat && (st = score_of("csat", csat, &c, why, n)))
		return st;
	if (nps && *nps && (st = score_of("nps", nps, &p, why, n)))
		return st;
	if (!(csat && *csat) && !(nps && *nps)) {
		snprintf(why, n, "no score given (csat 1-5 or nps 0-10)");
		return EX_DATAERR;
	}
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"UPDATE surveys SET csat = CASE WHEN ?2 > 0 THEN ?2 ELSE csat END,"
		" nps = CASE WHEN ?3 >= 0 THEN ?3 ELSE nps END, comment = coalesce(?4, comment),"
		" answered_at = ?5 WHERE code = ?1 RETURNING id");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_str(s, 1, code);
	crm_bind_int(s, 2, csat && *csat ? c : 0);
	crm_bind_int(s, 3, nps && *nps ? p : -1);
	crm_bind_text(s, 4, comment && *comment ? comment : NULL);
	crm_bind_str(s, 5, ctx->now_iso);
	int rc = crm_step(s);
	*id = rc == CRM_ROW ? crm_col_int(s, 0) : 0;
	crm_stmt_reset(s);
	if (rc == CRM_DONE) {
		snprintf(why, n, "no such survey code '%s'", code);
		return CRM_EX_NOTFOUND;
	}
	if (rc != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot record the answer");
	if (csat && *csat && (st = crm_audit_write(ctx->db, "survey", *id, "rate", "csat", NULL, csat)))
		return st;
	if (nps && *nps && (st = crm_audit_write(ctx->db, "survey", *id, "rate", "nps", NULL, nps)))
		return st;
	return 0;
}

int crm_survey_rate(struct crm_ctx *ctx, const char *code, const char *scale, const char *score,
		    const char *comment, FILE *out)
{
	char why[160];
	int64_t id;
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	bool nps = !strcmp(scale, "nps");
	st = answer(ctx, code, nps ? NULL : score, nps ? score : NULL, comment, why, sizeof why, &id);
	if (st && st != EX_SOFTWARE)
		crm_warn("%s", why);
	if (!st && out && !ctx->opts->quiet)
		fprintf(out, "%s\t%s\t%s\n", code, scale, score);
	return crm_ctx_end(ctx, st);
}

int crm_survey_import(struct crm_ctx *ctx, const char *path, int format, FILE *out)
{
	int st = 0, bad = 0, n = 0;
	struct crm_rows *r = crm_rows_open(path, (enum crm_rows_format)format, &st);
	if (!r)
		return st;
	int ccode = crm_rows_col(r, "code"), ccsat = crm_rows_col(r, "csat");
	int cnps = crm_rows_col(r, "nps"), ccomment = crm_rows_col(r, "comment");
	if (ccode < 0 || (ccsat < 0 && cnps < 0)) {
		crm_warn("%s: the header needs code and csat or nps", crm_rows_name(r));
		crm_rows_close(r);
		return EX_DATAERR;
	}
	if ((st = crm_db_begin(ctx->db))) {
		crm_rows_close(r);
		return st;
	}
	int rc;
	while (!st && (rc = crm_rows_next(r)) != 0) {
		char why[160];
		int64_t id;
		if (rc < 0) {		/* a malformed row, reported */
			bad++;
			continue;
		}
		int a = answer(ctx, crm_rows_field(r, (size_t)ccode),
			       ccsat >= 0 ? crm_rows_field(r, (size_t)ccsat) : NULL,
			       cnps >= 0 ? crm_rows_field(r, (size_t)cnps) : NULL,
			       ccomment >= 0 ? crm_rows_field(r, (size_t)ccomment) : NULL, why,
			       sizeof why, &id);
		if (a == EX_DATAERR || a == CRM_EX_NOTFOUND) {
			crm_warn("%s:%ld: %s", crm_rows_name(r), crm_rows_line(r), why);
			bad++;
		} else if (a) {
			st = a;
		} else {
			n++;
		}
	}
	crm_rows_close(r);
	if (!st && bad) {
		crm_warn("%d bad row%s: nothing imported", bad, bad == 1 ? "" : "s");
		st = EX_DATAERR;
	}
	if (!st && out && !ctx->opts->quiet)
		fprintf(out, "%d answer%s recorded\n", n, n == 1 ? "" : "s");
	return crm_ctx_end(ctx, st);
}
