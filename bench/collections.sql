-- collections.sql: the collections forecast at CRM_NOW (2026-03-02) by
-- month, by hand: what "crm-report collections" must compute
-- (crm-report(1)): the open balance of the open instalments of contracts
-- that take payments, those past due in one 'overdue' row first, the rest
-- by the month they fall due.  Printed as "crm-report collections -H".
.mode tabs
.headers off
WITH x AS (
	SELECT CASE WHEN i.due_on < '2026-03-02' THEN 'overdue' ELSE substr(i.due_on, 1, 7) END AS k,
	       c.currency AS cur, i.amount - i.paid AS open
	FROM instalments i JOIN contracts c ON c.id = i.contract_id
	WHERE i.paid < i.amount AND c.status IN ('approved', 'signed', 'active', 'completed'))
SELECT k, cur, count(*), printf('%d.%02d', sum(open) / 100, sum(open) % 100)
FROM x GROUP BY k, cur ORDER BY k <> 'overdue', k, cur;
