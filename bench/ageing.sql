-- ageing.sql: the receivables ageing at CRM_NOW (2026-03-02, Asia/Shanghai)
-- by account, by hand, as someone who knows the schema would write it for
-- the sqlite3 shell: what "crm-report ageing" must compute (crm-report(1)):
-- the open balance of each open instalment of a contract that takes
-- payments, in the bucket of its days past due.  Printed as "crm-report
-- ageing -H" prints it, for bench/run.sh to compare before it times them.
.mode tabs
.headers off
WITH x AS (
	SELECT a.id AS aid, a.name AS name, c.currency AS cur,
	       julianday('2026-03-02') - julianday(i.due_on) AS late, i.amount - i.paid AS open
	FROM instalments i JOIN contracts c ON c.id = i.contract_id
	LEFT JOIN accounts a ON a.id = c.account_id
	WHERE i.paid < i.amount AND c.status IN ('approved', 'signed', 'active', 'completed')),
g AS (
	SELECT name, aid, cur,
	       sum(CASE WHEN late <= 0 THEN open ELSE 0 END) AS b0,
	       sum(CASE WHEN late BETWEEN 1 AND 30 THEN open ELSE 0 END) AS b1,
	       sum(CASE WHEN late BETWEEN 31 AND 60 THEN open ELSE 0 END) AS b2,
	       sum(CASE WHEN late BETWEEN 61 AND 90 THEN open ELSE 0 END) AS b3,
	       sum(CASE WHEN late > 90 THEN open ELSE 0 END) AS b4,
	       sum(open) AS t
	FROM x GROUP BY name, aid, cur)
SELECT coalesce(name, ''), cur, printf('%d.%02d', b0 / 100, b0 % 100), printf('%d.%02d', b1 / 100, b1 % 100),
       printf('%d.%02d', b2 / 100, b2 % 100), printf('%d.%02d', b3 / 100, b3 % 100),
       printf('%d.%02d', b4 / 100, b4 % 100), printf('%d.%02d', t / 100, t % 100)
FROM g ORDER BY name NULLS FIRST, aid, cur;
