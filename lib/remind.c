/* remind.c: crm-task remind, the list that cron mails each morning (see
 * task.h).  Days are counted in whole local calendar days and a task is
 * overdue only from the day after its due date, so the list depends on the
 * date of "now", not on the hour it runs: twice on one day gives one list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "churn.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "subject.h"
#include "task.h"

/* When a lead was last touched: its last interaction, or its (re)assignment
 * or claim when that came later, or its creation (the dialect's greatest). */
#define TOUCHED "coalesce(l.last_activity_at, ''), coalesce(l.assigned_at, '')," \
	" coalesce(l.claimed_at, ''), l.created_at"
#define OPEN_LEAD "l.status IN ('new', 'contacted', 'qualified')"
#define NEXT_STEP "(SELECT i.next_step FROM interactions i WHERE i.subject_type = 'lead'" \
	" AND i.subject_id = l.id ORDER BY i.at DESC, i.id DESC LIMIT 1)"
/* Leave out what was already sent today (with --unsent). */
#define UNSENT(recipient, type, id, reason) \
	" AND NOT (:unsent = 1 AND EXISTS (SELECT 1 FROM reminders_sent r WHERE r.day = :day" \
	" AND r.recipient_id = " recipient " AND r.subject_type = " type \
	" AND r.subject_id = " id " AND r.reason = '" reason "'))"

/* ---- pay: an open instalment of a contract that takes payments ---- */
#define PAY_OPEN "i.paid < i.amount AND c.status IN ('approved', 'signed', 'active', 'completed')"
#define PAY_TITLE "'instalment ' || CAST(i.seq AS TEXT) || ' due ' || i.due_on"

/* ---- tickets: the clock that runs, the first response's until it is given ---- */
#define SLA_FIRST "(t.first_response_at IS NULL AND t.first_response_due IS NOT NULL)"
#define SLA_NEXT "(CASE WHEN " SLA_FIRST " THEN t.first_response_due ELSE t.resolve_due END)"
#define SLA_TITLE "CASE WHEN " SLA_FIRST " THEN 'first response' ELSE 'resolution' END" \
	" || ' due ' || " SLA_NEXT " || ': ' || t.subject"

/* Columns: the nine of the output less days, then since (the instant days
 * count from), and the key recorded by --mark: recipient id, type, id.
 * %1$s is the subject's name, %2$s when a lead was last touched. */
static const char remind_sql[] =
	"SELECT u.login, u.email, t.subject_type, t.subject_id, %1$s, 'overdue', 1,"
	"   t.title, t.due, u.id, 'task', t.id"
	" FROM tasks t JOIN users u ON u.id = t.owner_id"
	" WHERE t.status = 'open' AND t.due < :today AND " CRM_SQL_VISIBLE("t.owner_id")
	UNSENT("u.id", "'task'", "t.id", "overdue")
	" UNION ALL"
	" SELECT u.login, u.email, 'lead', l.id, coalesce(l.name, l.company), 'idle', 2,"
	"   " NEXT_STEP ", %2$s, u.id, 'lead', l.id"
	" FROM leads l JOIN users u ON u.id = l.owner_id"
	" WHERE " OPEN_LEAD " AND %2$s < :idle_before AND " CRM_SQL_VISIBLE("l.owner_id")
	UNSENT("u.id", "'lead'", "l.id", "idle")
	" UNION ALL"
	" SELECT m.login, m.email, 'lead', l.id, coalesce(l.name, l.company), 'escalation', 3,"
	"   " NEXT_STEP ", %2$s, m.id, 'lead', l.id"
	" FROM leads l JOIN users o ON o.id = l.owner_id LEFT JOIN teams tm ON tm.id = o.team_id"
	" JOIN users m ON m.id = coalesce(o.manager_id, tm.manager_id)"
	" WHERE " OPEN_LEAD " AND %2$s < :escalate_before AND m.id <> o.id"
	"   AND " CRM_SQL_VISIBLE("l.owner_id")
	UNSENT("m.id", "'lead'", "l.id", "escalation")
	" UNION ALL"
	/* each lead's latest reclaim from each rep (the earliest row of that
	 * instant) */
	" SELECT u.login, u.email, 'lead', e.lead_id, coalesce(l.name, l.company), 'reclaimed', 4,"
	"   e.reason, e.at, u.id, 'lead', e.lead_id"
	" FROM (SELECT p.user_id, p.lead_id, p.reason, p.at, row_number() OVER"
	"   (PARTITION BY p.user_id, p.lead_id ORDER BY p.at DESC, p.id) AS nth"
	"   FROM pool_events p WHERE p.action = 'reclaim' AND " CRM_SQL_VISIBLE("p.user_id")
	"   AND (p.notified = 0 OR (:unsent = 0 AND EXISTS (SELECT 1 FROM reminders_sent r"
	"     WHERE r.day = :day AND r.recipient_id = p.user_id AND r.subject_type = 'lead'"
	"     AND r.subject_id = p.lead_id AND r.reason = 'reclaimed')))) AS e"
	" JOIN users u ON u.id = e.user_id LEFT JOIN leads l ON l.id = e.lead_id"
	" WHERE e.nth = 1"
	/* ---- contracts (crm-contract): approvals and rejects ----
	 * the approvers of each pending step (frozen in contract_approvers
	 * when the step was made), from the day it became theirs; and the
	 * owner of a contract rejected today.  An approver sees their own
	 * rows even when the contract is not theirs to see otherwise. */
	" UNION ALL"
	" SELECT u.login, u.email, 'contract', c.id, c.number, 'approval', 5,"
	"   'step ' || CAST(a.step AS TEXT) || ': ' || a.approver, a.pending_since, u.id,"
	"   'contract', c.id"
	" FROM contract_approvals a JOIN contracts c ON c.id = a.contract_id"
	"   AND c.approval_round = a.round AND c.status = 'pending'"
	" JOIN contract_approvers ca ON ca.approval_id = a.id JOIN users u ON u.id = ca.user_id"
	" WHERE a.status = 'pending' AND (u.id = :actor_id OR " CRM_SQL_VISIBLE("c.owner_id") ")"
	UNSENT("u.id", "'contract'", "c.id", "approval")
	" UNION ALL"
	" SELECT u.login, u.email, 'contract', c.id, c.number, 'rejected', 6,"
	"   coalesce(a.comment, ''), a.decided_at, u.id, 'contract', c.id"
	" FROM contract_approvals a JOIN contracts c ON c.id = a.contract_id"
	"   AND c.approval_round = a.round AND c.status = 'rejected'"
	" JOIN users u ON u.id = c.owner_id"
	" WHERE a.status = 'rejected' AND a.decided_at >= :today"
	"   AND " CRM_SQL_VISIBLE("c.owner_id")
	UNSENT("u.id", "'contract'", "c.id", "rejected")
	/* ---- end of contracts ---- */
	/* ---- pay (crm-pay): overdue instalments remind the contract's owner
	 * from payments.remind_after days past due, and its owner's manager
	 * from payments.escalate_after; since is the due date ---- */
	" UNION ALL"
	" SELECT u.login, u.email, 'contract', c.id, c.number, 'payment_overdue', 7,"
	"   " PAY_TITLE ", i.due_on, u.id, 'instalment', i.id"
	" FROM instalments i JOIN contracts c ON c.id = i.contract_id JOIN users u ON u.id = c.owner_id"
	" WHERE " PAY_OPEN " AND i.due_on < :pay_remind_before AND " CRM_SQL_VISIBLE("c.owner_id")
	UNSENT("u.id", "'instalment'", "i.id", "payment_overdue")
	" UNION ALL"
	" SELECT m.login, m.email, 'contract', c.id, c.number, 'payment_escalation', 8,"
	"   " PAY_TITLE ", i.due_on, m.id, 'instalment', i.id"
	" FROM instalments i JOIN contracts c ON c.id = i.contract_id"
	" JOIN users o ON o.id = c.owner_id LEFT JOIN teams tm ON tm.id = o.team_id"
	" JOIN users m ON m.id = coalesce(o.manager_id, tm.manager_id)"
	" WHERE " PAY_OPEN " AND i.due_on < :pay_escalate_before AND m.id <> o.id"
	"   AND " CRM_SQL_VISIBLE("c.owner_id")
	UNSENT("m.id", "'instalment'", "i.id", "payment_escalation")
	/* ---- end of pay ---- */
	/* ---- churn (churn.h): an account scoring at least CRM_CHURN_HIGH
	 * reminds its owner; the title is the reason with the most points,
	 * since (a number here) the days from its last purchase.  %3$s and
	 * %4$s are the halves of the churn query. ---- */
	" UNION ALL"
	" SELECT u.login, u.email, 'account', z.aid, z.name, 'churn_risk', 9, z.top,"
	"   CAST(z.since AS TEXT), u.id, 'account', z.aid"
	" FROM (%3$s AND " CRM_SQL_VISIBLE("a.owner_id") "%4$s) z JOIN users u ON u.id = z.owner_id"
	" WHERE z.score >= :churn_high"
	UNSENT("u.id", "'account'", "z.aid", "churn_risk")
	/* ---- end of churn ---- */
	/* ---- tickets (crm-ticket): an SLA due time that is near
	 * (sla_warn_at passed) or missed reminds the owner; a missed one goes
	 * to the owner's manager too; since is the warning or the due time ---- */
	" UNION ALL"
	" SELECT u.login, u.email, 'ticket', t.id, t.number, 'sla_approaching', 10,"
	"   " SLA_TITLE ", t.sla_warn_at, u.id, 'ticket', t.id"
	" FROM tickets t JOIN users u ON u.id = t.owner_id"
	" WHERE t.status IN ('new', 'open') AND t.sla_warn_at <= :now AND " SLA_NEXT " > :now"
	"   AND " CRM_SQL_VISIBLE("t.owner_id")
	UNSENT("u.id", "'ticket'", "t.id", "sla_approaching")
	" UNION ALL"
	" SELECT u.login, u.email, 'ticket', t.id, t.number, 'sla_breached', 11,"
	"   " SLA_TITLE ", " SLA_NEXT ", u.id, 'ticket', t.id"
	" FROM tickets t JOIN users u ON u.id = t.owner_id"
	" WHERE t.status IN ('new', 'open') AND " SLA_NEXT " <= :now"
	"   AND " CRM_SQL_VISIBLE("t.owner_id")
	UNSENT("u.id", "'ticket'", "t.id", "sla_breached")
	" UNION ALL"
	" SELECT m.login, m.email, 'ticket', t.id, t.number, 'sla_escalation', 12,"
	"   " SLA_TITLE " || ' (' || o.login || ')', " SLA_NEXT ", m.id, 'ticket', t.id"
	" FROM tickets t JOIN users o ON o.id = t.owner_id LEFT JOIN teams tm ON tm.id = o.team_id"
	" JOIN users m ON m.id = coalesce(o.manager_id, tm.manager_id)"
	" WHERE t.status IN ('new', 'open') AND " SLA_NEXT " <= :now AND m.id <> o.id"
	"   AND " CRM_SQL_VISIBLE("t.owner_id")
	UNSENT("m.id", "'ticket'", "t.id", "sla_escalation")
	/* ---- end of tickets ---- */
	" ORDER BY 1, 7, 3, 4, 12";

enum { R_LOGIN, R_EMAIL, R_STYPE, R_SID, R_SNAME, R_REASON, R_RANK, R_TITLE, R_SINCE,
       R_RID, R_KTYPE, R_KID };

struct sent {
	int64_t recipient, id;
	const char *type, *reason;	/* static strings */
};

static void bind_days_before(struct crm_stmt *st, const char *name, crm_time today, int days)
{
	/* idle for at least days <=> touched before the start of day today - days + 1 */
	char iso[CRM_ISO_LEN];
	crm_time_iso(crm_time_add_days(today, 1 - days), iso);
	crm_bind_named_text(st, name, iso);
}

/* ---- pay: due at least days ago <=> due before the date today - days + 1 ---- */
static void bind_date_before(struct crm_stmt *st, const char *name, crm_time now, int days)
{
	char d[CRM_DATE_LEN];
	crm_time_date(crm_time_add_days(crm_time_day_start(now), 1 - days), d);
	crm_bind_named_text(st, name, d);
}

static const char *const reasons[] = {"overdue", "idle", "escalation", "reclaimed",
	"approval", "rejected",			/* contracts */
	"payment_overdue", "payment_escalation",	/* instalments */
	"churn_risk",				/* accounts (churn.h) */
	"sla_approaching", "sla_breached", "sla_escalation",	/* tickets */
};
#define CHURN_RANK 9

static int mark(struct crm_ctx *ctx, const char *day, const struct sent *s)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO reminders_sent (day, recipient_id, subject_type, subject_id,"
		" reason, sent_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT DO NOTHING");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, day);
	crm_bind_int(st, 2, s->recipient);
	crm_bind_str(st, 3, s->type);
	crm_bind_int(st, 4, s->id);
	crm_bind_str(st, 5, s->reason);
	crm_bind_str(st, 6, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot record reminder");
	if (crm_db_changes(ctx->db) == 0)
		return 0;	/* already recorded today */
	if (strcmp(s->reason, "reclaimed") == 0) {
		if (!(st = crm_db_stmt(ctx->db,
			"UPDATE pool_events SET notified = 1"
			" WHERE action = 'reclaim' AND user_id = ?1 AND lead_id = ?2 AND notified = 0")))
			return EX_SOFTWARE;
		crm_bind_int(st, 1, s->recipient);
		crm_bind_int(st, 2, s->id);
		if (crm_step(st) != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot record reminder");
	}
	char what[64];
	snprintf(what, sizeof what, "%s %lld", s->type, (long long)s->id);
	return crm_audit_write(ctx->db, "reminder", s->recipient, "mark", s->reason, NULL, what);
}

static const char *const remind_cols[] = {
	"recipient", "email", "subject_type", "subject_id", "subject_name", "reason", "days", "title",
};

/* Print the rows; with sent != NULL, keep the key of each in *sent. */
static int list(struct crm_ctx *ctx, struct crm_stmt *st, struct crm_out *out,
		struct sent **sent, size_t *nsent)
{
	size_t cap = 0;
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		crm_time since;
		char days[24] = "";
		const char *from = crm_col_text(st, R_SINCE);
		/* an instant, or (an instalment's due date) a local date, or
		 * (churn) the days themselves */
		if (crm_col_int(st, R_RANK) == CHURN_RANK)
			snprintf(days, sizeof days, "%s", from);
		else if (crm_time_parse_iso(from, &since) == 0 ||
		    (strlen(from) == 10 && crm_time_parse(from, ctx->now, &since) == 0))
			snprintf(days, sizeof days, "%ld", crm_task_days(since, ctx->now));
		if (out)
			crm_out_row(out, (const char *[]){
				crm_col_text(st, R_LOGIN), crm_col_text(st, R_EMAIL),
				crm_col_text(st, R_STYPE), crm_col_text(st, R_SID),
				crm_col_text(st, R_SNAME), crm_col_text(st, R_REASON), days,
				crm_col_text(st, R_TITLE),
			});
		if (!sent)
			continue;
		if (*nsent == cap)
			*sent = crm_xrealloc(*sent, (cap = cap ? 2 * cap : 64) * sizeof **sent);
		struct sent *s = &(*sent)[(*nsent)++];
		s->recipient = crm_col_int(st, R_RID);
		s->id = crm_col_int(st, R_KID);
		const char *kt = crm_col_text(st, R_KTYPE);
		s->type = !strcmp(kt, "task") ? "task" : !strcmp(kt, "contract") ? "contract"
			: !strcmp(kt, "instalment") ? "instalment" : !strcmp(kt, "ticket") ? "ticket"
			: !strcmp(kt, "account") ? "account"
			: "lead";
		s->reason = reasons[crm_col_int(st, R_RANK) - 1];
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list reminders");
}

int crm_task_remind(struct crm_ctx *ctx, bool do_mark, bool unsent, FILE *fp)
{
	static char *sql;
	char day[CRM_DATE_LEN], today_iso[CRM_ISO_LEN];
	crm_time today = crm_time_day_start(ctx->now);
	crm_time_date(ctx->now, day);
	crm_time_iso(today, today_iso);

	if (!sql) {
		char *name = crm_subject_sql(ctx, CRM_SUBJECT_NAME, "t.subject_type", "t.subject_id");
		char *touched = crm_xasprintf(crm_dialect(ctx->db)->greatest, TOUCHED);
		const char *churn_head, *churn_tail;
		crm_churn_sql(ctx->db, &churn_head, &churn_tail);
		sql = crm_xasprintf(remind_sql, name, touched, churn_head, churn_tail);
		free(name);
		free(touched);
	}
	int rc;
	if (do_mark && (rc = crm_db_begin(ctx->db)))
		return rc;
	struct crm_stmt *st;
	if (crm_db_prepare(ctx->db, sql, &st) != CRM_OK) {
		crm_warn("internal error: cannot prepare statement: %s",
			 crm_db_errmsg(ctx->db));
		return crm_ctx_end(ctx, EX_SOFTWARE);
	}
	crm_ctx_bind_actor(ctx, st);
	crm_bind_named_text(st, ":today", today_iso);
	crm_bind_named_text(st, ":day", day);
	crm_bind_named_text(st, ":now", ctx->now_iso);
	bind_days_before(st, ":idle_before", today, ctx->cfg->followup.remind_after);
	bind_days_before(st, ":escalate_before", today, ctx->cfg->followup.escalate_after);
	crm_bind_int(st, crm_param_index(st, ":unsent"), unsent);
	/* ---- pay ---- */
	bind_date_before(st, ":pay_remind_before", ctx->now, ctx->cfg->sales.overdue_remind_after);
	bind_date_before(st, ":pay_escalate_before", ctx->now,
			 ctx->cfg->sales.overdue_escalate_after);
	/* ---- churn ---- */
	crm_churn_bind(ctx, st, CRM_CHURN_IDLE);
	crm_bind_int(st, crm_param_index(st, ":churn_high"), CRM_CHURN_HIGH);

	struct crm_out *out = fp ? crm_out_new(fp, ctx->opts->format, !ctx->opts->no_header) : NULL;
	for (size_t i = 0; out && i < sizeof remind_cols / sizeof remind_cols[0]; i++)
		crm_out_col(out, remind_cols[i], i == 3 || i == 6 ? CRM_COL_INT : CRM_COL_TEXT);
	struct sent *sent = NULL;
	size_t nsent = 0;
	rc = list(ctx, st, out, do_mark ? &sent : NULL, &nsent);
	crm_stmt_finish(st);
	crm_out_end(out);
	/* marked after the query is done with the tables it reads */
	for (size_t i = 0; i < nsent && !rc; i++)
		rc = mark(ctx, day, &sent[i]);
	free(sent);
	if (!do_mark)
		return rc;
	return crm_ctx_end(ctx, rc);
}
