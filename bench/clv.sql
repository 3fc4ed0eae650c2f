-- clv.sql: the baseline of the clv task, what crm-report clv reads before
-- it fits anything: per account the repeat purchase days x, the weeks
-- from the first purchase to the last (t_x) and to the end of 2026-03-02
-- (T), local dates in Asia/Shanghai (UTC+8), purchases of a day as one.
WITH p AS (
	SELECT d.account_id AS aid, date(d.closed_at, '+8 hours') AS day, sum(d.amount) AS amt
	FROM deals d
	WHERE d.status = 'won' AND d.account_id IS NOT NULL AND d.closed_at IS NOT NULL
	  AND NOT EXISTS (SELECT 1 FROM contracts c JOIN orders o ON o.contract_id = c.id
	                  WHERE c.deal_id = d.id AND o.status <> 'cancelled')
	GROUP BY 1, 2)
SELECT aid, count(*) - 1,
       printf('%.2f', (julianday(max(day)) - julianday(min(day))) / 7.0),
       printf('%.2f', (julianday('2026-03-02') - julianday(min(day))) / 7.0)
FROM p WHERE day <= '2026-03-02' GROUP BY aid ORDER BY aid;
