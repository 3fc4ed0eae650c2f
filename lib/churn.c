/* churn.c: the churn-risk query (see churn.h).  One statement: the
 * purchase days of every account (orders and won deals without orders,
 * one UNION, so that one day's several purchases count once) and its
 * overdue instalments are grouped once over their tables; the rest
 * (last contact, tickets, the latest survey) are index look-ups per
 * account (interactions_subject, contacts_account, deals_account,
 * tickets_account, surveys_account).  Points and reasons are CASEs over
 * those facts, so that the report and the reminder read the same words. */
#include <stdlib.h>
#include <string.h>

#include "churn.h"
#include "date.h"
#include "dialect.h"
#include "err.h"
#include "order.h"
#include "pay.h"
#include "ticket.h"

#define LIVE "c.status IN ('approved', 'signed', 'active', 'completed')"
#define TODAY "CAST(:churn_today AS BIGINT)"
#define TZ "CAST(:churn_tz AS BIGINT)"
#define IDLE "CAST(:churn_idle AS BIGINT)"
/* cents as crm_money_format prints them (a positive amount) */
#define MONEY(x) "CAST(" x " / 100 AS TEXT) || '.' || CASE WHEN " x " %% 100 < 10 THEN '0'" \
	" ELSE '' END || CAST(" x " %% 100 AS TEXT)"
#define LAST_AT(from, where) \
	"coalesce((SELECT max(i.at) FROM " from " WHERE " where "), '')"

/* The last contact: the latest interaction on the account, its contacts,
 * deals or tickets, else its creation (a list for the dialect's greatest). */
static const char touched_list[] =
	LAST_AT("interactions i", "i.subject_type = 'account' AND i.subject_id = a.id") ", "
	LAST_AT("contacts c JOIN interactions i ON i.subject_type = 'contact' AND i.subject_id = c.id",
		"c.account_id = a.id") ", "
	LAST_AT("deals d JOIN interactions i ON i.subject_type = 'deal' AND i.subject_id = d.id",
		"d.account_id = a.id") ", "
	LAST_AT("tickets t JOIN interactions i ON i.subject_type = 'ticket' AND i.subject_id = t.id",
		"t.account_id = a.id") ", "
	"a.created_at";

/* %1$s the local day of d.closed_at less the offset (its epoch), %2$s
 * the epoch of the last contact, %3$s the greatest of the points, %4$s
 * the days of o.ordered_on, %5$s the days of i.due_on (since 1970).
 * @FILTER@ is where the caller's conditions go. */
static const char churn_fmt[] =
	"WITH p (aid, day) AS ("
	"SELECT o.account_id, %4$s FROM orders o"
	" WHERE o.status <> 'cancelled' AND o.account_id IS NOT NULL"
	" UNION"
	" SELECT d.account_id, (%1$s + " TZ ") / 86400 FROM deals d"
	" WHERE " CRM_SQL_DEAL_PURCHASE("d") "),"
	" ps AS (SELECT aid, count(*) AS n, min(day) AS first, max(day) AS last FROM p"
	" WHERE day <= " TODAY " GROUP BY aid),"
	" od AS (SELECT c.account_id AS aid, CAST(sum(i.amount - i.paid) AS BIGINT) AS owed,"
	" min(%5$s) AS oldest, min(c.currency) AS cur, max(c.currency) AS cur2"
	" FROM instalments i JOIN contracts c ON c.id = i.contract_id"
	" WHERE i.paid < i.amount AND i.due_on < CAST(:churn_date AS TEXT) AND " LIVE
	" AND c.account_id IS NOT NULL GROUP BY c.account_id)"
	/* k: the facts of each account, made once (each is read many times below) */
	", k AS MATERIALIZED (SELECT a.id AS aid, a.name AS name, a.owner_id AS owner_id, ps.last AS last,"
	" " TODAY " - ps.last AS since,"
	" CASE WHEN ps.n >= 2 THEN (ps.last - ps.first) / (ps.n - 1) END AS usual,"
	" " TODAY " - (%2$s + " TZ ") / 86400 AS idle,"
	" (SELECT count(*) FROM tickets t WHERE t.account_id = a.id"
	" AND t.created_at >= CAST(:churn_t90 AS TEXT)) AS tickets,"
	" (SELECT count(*) FROM tickets t WHERE t.account_id = a.id"
	" AND " CRM_SQL_TICKET_BREACH("t", "CAST(:churn_now AS TEXT)")
	" >= CAST(:churn_t90 AS TEXT)) AS breaches,"
	" (SELECT s.id FROM surveys s WHERE s.account_id = a.id"
	" AND s.answered_at >= CAST(:churn_t180 AS TEXT)"
	" ORDER BY s.answered_at DESC, s.id DESC LIMIT 1) AS sid,"
	" od.owed AS owed, " TODAY " - od.oldest AS late, od.cur AS cur, od.cur2 AS cur2"
	" FROM ps JOIN accounts a ON a.id = ps.aid LEFT JOIN od ON od.aid = a.id"
	" WHERE a.forgotten_at IS NULL@FILTER@)"
	" SELECT y.aid AS aid, y.name AS name, y.owner_id AS owner_id,"
	" CASE WHEN y.total > 100 THEN 100 ELSE y.total END AS score,"
	" y.last AS last, y.since AS since, y.usual AS usual, y.p_slow AS p_slow, y.r_slow AS r_slow,"
	" y.p_idle AS p_idle, y.r_idle AS r_idle, y.p_tickets AS p_tickets, y.r_tickets AS r_tickets,"
	" y.p_rating AS p_rating, y.r_rating AS r_rating, y.p_overdue AS p_overdue,"
	" y.r_overdue AS r_overdue,"
	" CASE WHEN y.best = 0 THEN NULL WHEN y.p_slow = y.best THEN y.r_slow"
	" WHEN y.p_idle = y.best THEN y.r_idle WHEN y.p_tickets = y.best THEN y.r_tickets"
	" WHEN y.p_rating = y.best THEN y.r_rating ELSE y.r_overdue END AS top"
	/* y: the reasons, the sum and the largest of the points */
	" FROM (SELECT s.aid, s.name, s.owner_id, s.last, s.since, s.usual,"
	" s.p_slow + s.p_idle + s.p_tickets + s.p_rating + s.p_overdue AS total, %3$s AS best,"
	" s.p_slow, CASE WHEN s.p_slow > 0 THEN 'no purchase for ' || CAST(s.since AS TEXT)"
	" || ' days; usually every ' || CAST(s.usual AS TEXT) END AS r_slow,"
	" s.p_idle, CASE WHEN s.p_idle > 0 THEN 'no contact for ' || CAST(s.idle AS TEXT) || ' days'"
	" END AS r_idle,"
	" s.p_tickets, CASE WHEN s.p_tickets > 0 THEN"
	" CASE WHEN s.breaches > 0 THEN CAST(s.breaches AS TEXT)"
	" || CASE WHEN s.breaches = 1 THEN ' SLA breach' ELSE ' SLA breaches' END"
	" || CASE WHEN s.tickets >= 3 THEN ', ' ELSE ' in 90 days' END ELSE '' END"
	" || CASE WHEN s.tickets >= 3 THEN CAST(s.tickets AS TEXT) || ' tickets in 90 days' ELSE '' END"
	" END AS r_tickets,"
	" s.p_rating, CASE WHEN s.p_rating > 0 THEN"
	" CASE WHEN s.csat <= 2 THEN 'rated ' || CAST(s.csat AS TEXT) || '/5' ELSE '' END"
	" || CASE WHEN s.csat <= 2 AND s.nps <= 6 THEN ', ' ELSE '' END"
	" || CASE WHEN s.nps <= 6 THEN 'NPS ' || CAST(s.nps AS TEXT) ELSE '' END"
	" || coalesce(' on ' || s.ticket, '') END AS r_rating,"
	" s.p_overdue, CASE WHEN s.p_overdue > 0 THEN"
	" CASE WHEN s.cur = s.cur2 THEN " MONEY("s.owed") " || ' ' || s.cur"
	" ELSE 'payments in several currencies' END || ' overdue ' || CAST(s.late AS TEXT)"
	" || CASE WHEN s.late = 1 THEN ' day' ELSE ' days' END END AS r_overdue"
	/* s: the points */
	" FROM (SELECT k.*, sv.csat, sv.nps, st.number AS ticket,"
	" CASE WHEN k.usual > 0 AND 2 * k.since >= 3 * k.usual THEN"
	" CASE WHEN k.since >= 4 * k.usual THEN 40 ELSE 10 * k.since / k.usual END"
	" ELSE 0 END AS p_slow,"
	" CASE WHEN k.idle >= 2 * " IDLE " THEN 30 WHEN k.idle >= " IDLE " THEN 20 ELSE 0 END AS p_idle,"
	" CASE WHEN k.breaches >= 2 THEN 30 ELSE 15 * k.breaches END"
	" + CASE WHEN k.tickets >= 3 THEN 10 ELSE 0 END AS p_tickets,"
	" CASE WHEN sv.csat <= 2 OR sv.nps <= 6 THEN 20 ELSE 0 END AS p_rating,"
	" CASE WHEN k.owed IS NULL THEN 0 WHEN k.late > 60 THEN 30 WHEN k.late > 30 THEN 20"
	" ELSE 10 END AS p_overdue"
	" FROM k LEFT JOIN surveys sv ON sv.id = k.sid LEFT JOIN tickets st ON st.id = sv.ticket_id) s) y";

void crm_churn_sql(struct crm_db *db, const char **head, const char **tail)
{
	static char *sql;
	static const char *rest;
	if (!sql) {
		const struct crm_dialect *d = crm_dialect(db);
		char *closed = crm_xasprintf(d->epoch, "d.closed_at");
		char *touched = crm_xasprintf(d->greatest, touched_list);
		char *touched_epoch = crm_xasprintf(d->epoch, touched);
		char *best = crm_xasprintf(d->greatest,
					   "s.p_slow, s.p_idle, s.p_tickets, s.p_rating, s.p_overdue");
		char *ordered = crm_xasprintf(d->days, "o.ordered_on", "'1970-01-01'");
		char *due = crm_xasprintf(d->days, "i.due_on", "'1970-01-01'");
		sql = crm_xasprintf(churn_fmt, closed, touched_epoch, best, ordered, due);
		free(closed);
		free(touched);
		free(touched_epoch);
		free(best);
		free(ordered);
		free(due);
		char *mark = strstr(sql, "@FILTER@");
		*mark = '\0';
		rest = mark + strlen("@FILTER@");
	}
	*head = sql;
	*tail = rest;
}

void crm_churn_bind(struct crm_ctx *ctx, struct crm_stmt *st, int idle)
{
	char date[CRM_DATE_LEN], t90[CRM_ISO_LEN], t180[CRM_ISO_LEN];
	int64_t today = 0;
	crm_time start = crm_time_day_start(ctx->now);
	crm_time_date(ctx->now, date);
	crm_date_days(date, &today);
	int i;
	if ((i = crm_param_index(st, ":churn_today")))
		crm_bind_int(st, i, today);
	/* the local zone's offset today: local day = (epoch + tz) / 86400 */
	if ((i = crm_param_index(st, ":churn_tz")))
		crm_bind_int(st, i, today * 86400 - start);
	if ((i = crm_param_index(st, ":churn_idle")))
		crm_bind_int(st, i, idle);
	crm_bind_named_text(st, ":churn_date", date);
	crm_time_iso(crm_time_add_days(start, -90), t90);
	crm_time_iso(crm_time_add_days(start, -180), t180);
	crm_bind_named_text(st, ":churn_t90", t90);
	crm_bind_named_text(st, ":churn_now", ctx->now_iso);
	crm_bind_named_text(st, ":churn_t180", t180);
}
