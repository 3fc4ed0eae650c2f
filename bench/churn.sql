-- churn.sql: the churn-risk report at CRM_NOW (2026-03-02, Asia/Shanghai,
-- +08:00) by hand, as someone who knows the schema would write it for the
-- sqlite3 shell: what "crm-report churn" must compute (crm-report(1),
-- CHURN), each table grouped once by account (no per-account look-ups),
-- the reasons ordered by their points.  Printed as "crm-report churn -H"
-- prints it, for bench/run.sh to compare before it times them.
.mode tabs
.headers off
WITH
-- purchase days, since 1970, local: orders not cancelled, won deals without such orders
p AS (
	SELECT account_id AS aid, CAST(julianday(ordered_on) - 2440587.5 AS INTEGER) AS day
	FROM orders WHERE status <> 'cancelled' AND account_id IS NOT NULL
	UNION
	SELECT d.account_id, (unixepoch(d.closed_at) + 28800) / 86400
	FROM deals d WHERE d.status = 'won' AND d.account_id IS NOT NULL AND d.closed_at IS NOT NULL
	AND d.id NOT IN (SELECT c.deal_id FROM contracts c JOIN orders o ON o.contract_id = c.id
	                 WHERE o.status <> 'cancelled' AND c.deal_id IS NOT NULL)),
ps AS (SELECT aid, count(*) AS n, min(day) AS first, max(day) AS last FROM p
       WHERE day <= 20514 GROUP BY aid),
-- the last interaction by account, whatever it was on
touch AS (
	SELECT aid, max(at) AS at FROM (
		SELECT subject_id AS aid, at FROM interactions WHERE subject_type = 'account'
		UNION ALL SELECT c.account_id, i.at FROM interactions i JOIN contacts c
			ON i.subject_type = 'contact' AND c.id = i.subject_id
		UNION ALL SELECT d.account_id, i.at FROM interactions i JOIN deals d
			ON i.subject_type = 'deal' AND d.id = i.subject_id
		UNION ALL SELECT t.account_id, i.at FROM interactions i JOIN tickets t
			ON i.subject_type = 'ticket' AND t.id = i.subject_id) x
	GROUP BY aid),
tk AS (
	SELECT account_id AS aid,
	       sum(CASE WHEN created_at >= '2025-12-01T16:00:00Z' THEN 1 ELSE 0 END) AS tickets,
	       sum(CASE WHEN breached_at >= '2025-12-01T16:00:00Z' THEN 1 ELSE 0 END) AS breaches
	FROM tickets WHERE account_id IS NOT NULL GROUP BY account_id),
sv AS (
	SELECT s.account_id AS aid, s.csat, s.nps, t.number,
	       row_number() OVER (PARTITION BY s.account_id ORDER BY s.answered_at DESC, s.id DESC) AS nth
	FROM surveys s LEFT JOIN tickets t ON t.id = s.ticket_id
	WHERE s.answered_at >= '2025-09-02T16:00:00Z'),
od AS (
	SELECT c.account_id AS aid, sum(i.amount - i.paid) AS owed,
	       20514 - min(CAST(julianday(i.due_on) - 2440587.5 AS INTEGER)) AS late,
	       min(c.currency) AS cur, max(c.currency) AS cur2
	FROM instalments i JOIN contracts c ON c.id = i.contract_id
	WHERE i.paid < i.amount AND i.due_on < '2026-03-02'
	AND c.status IN ('approved', 'signed', 'active', 'completed')
	GROUP BY c.account_id),
f AS (
	SELECT a.id AS aid, a.name, u.login, ps.last, 20514 - ps.last AS since,
	       CASE WHEN ps.n >= 2 THEN (ps.last - ps.first) / (ps.n - 1) END AS usual,
	       20514 - (unixepoch(max(coalesce(touch.at, ''), a.created_at)) + 28800) / 86400 AS idle,
	       coalesce(tk.tickets, 0) AS tickets, coalesce(tk.breaches, 0) AS breaches,
	       sv.csat, sv.nps, sv.number, od.owed, od.late, od.cur, od.cur2
	FROM ps JOIN accounts a ON a.id = ps.aid LEFT JOIN users u ON u.id = a.owner_id
	LEFT JOIN touch ON touch.aid = a.id LEFT JOIN tk ON tk.aid = a.id
	LEFT JOIN sv ON sv.aid = a.id AND sv.nth = 1 LEFT JOIN od ON od.aid = a.id
	WHERE a.forgotten_at IS NULL),
-- one row per signal that scores: (account, order, points, reason)
sig AS (
	SELECT aid, 1 AS k, CASE WHEN since >= 4 * usual THEN 40 ELSE 10 * since / usual END AS pts,
	       printf('no purchase for %d days; usually every %d', since, usual) AS why
	FROM f WHERE usual > 0 AND 2 * since >= 3 * usual
	UNION ALL
	SELECT aid, 2, CASE WHEN idle >= 120 THEN 30 ELSE 20 END, printf('no contact for %d days', idle)
	FROM f WHERE idle >= 60
	UNION ALL
	SELECT aid, 3, min(30, 15 * breaches) + CASE WHEN tickets >= 3 THEN 10 ELSE 0 END,
	       CASE WHEN breaches = 0 THEN printf('%d tickets in 90 days', tickets)
	            WHEN tickets < 3 THEN printf('%d SLA breach%s in 90 days', breaches, iif(breaches = 1, '', 'es'))
	            ELSE printf('%d SLA breach%s, %d tickets in 90 days', breaches, iif(breaches = 1, '', 'es'), tickets) END
	FROM f WHERE breaches > 0 OR tickets >= 3
	UNION ALL
	SELECT aid, 4, 20,
	       CASE WHEN csat <= 2 AND nps <= 6 THEN printf('rated %d/5, NPS %d', csat, nps)
	            WHEN csat <= 2 THEN printf('rated %d/5', csat) ELSE printf('NPS %d', nps) END
	       || coalesce(' on ' || number, '')
	FROM f WHERE csat <= 2 OR nps <= 6
	UNION ALL
	SELECT aid, 5, CASE WHEN late > 60 THEN 30 WHEN late > 30 THEN 20 ELSE 10 END,
	       CASE WHEN cur = cur2 THEN printf('%d.%02d %s', owed / 100, owed % 100, cur)
	            ELSE 'payments in several currencies' END
	       || printf(' overdue %d day%s', late, iif(late = 1, '', 's'))
	FROM f WHERE owed IS NOT NULL),
agg AS (
	SELECT aid, min(100, sum(pts)) AS score, group_concat(why, '; ') AS why
	FROM (SELECT * FROM sig ORDER BY aid, pts DESC, k) GROUP BY aid)
SELECT f.aid, f.name, coalesce(f.login, ''), coalesce(agg.score, 0),
       CASE WHEN agg.score >= 50 THEN 'high' WHEN agg.score >= 25 THEN 'medium' ELSE 'low' END,
       coalesce(agg.why, ''), date(f.last * 86400, 'unixepoch'), f.since, f.usual
FROM f LEFT JOIN agg ON agg.aid = f.aid
ORDER BY coalesce(agg.score, 0) DESC, f.aid;
