-- funnel.sql: the funnel of the leads created in 2025 (Asia/Shanghai), by
-- hand, as someone who knows the schema would write it for the sqlite3
-- shell: what "crm-report funnel --since 2025-01-01 --until 2025-12-31"
-- must compute (see crm-report(1)), for the default pipeline.  A deal
-- counts at every open stage up to the furthest it reached (its current
-- stage or any stage in its history; won counts as beyond them all); the
-- won step counts the deals won now.  Printed as "crm-report funnel -H"
-- prints it, for bench/run.sh to compare before it times the two.
.mode tabs
.headers off
WITH st(idx, id, name) AS (VALUES
	(1, 'contact', 'Contact'), (2, 'qualify', 'Qualify'), (3, 'proposal', 'Proposal'),
	(4, 'negotiation', 'Negotiation'), (5, 'won', 'Won')),
cohort AS (
	SELECT count(*) AS n,
	       sum(first_contact_at IS NOT NULL OR status IN ('contacted', 'qualified', 'converted')) AS contacted
	FROM leads
	WHERE created_at >= '2024-12-31T16:00:00Z' AND created_at < '2025-12-31T16:00:00Z'),
deal AS (
	SELECT d.status = 'won' AS won,
	       max(coalesce((SELECT idx FROM st WHERE id = d.stage), 0),
	           coalesce((SELECT max(st.idx) FROM deal_stages s JOIN st ON st.id = s.to_stage
	                     WHERE s.deal_id = d.id), 0)) AS top
	FROM deals d JOIN leads l ON l.id = d.lead_id
	WHERE d.pipeline = 'default'
	  AND l.created_at >= '2024-12-31T16:00:00Z' AND l.created_at < '2025-12-31T16:00:00Z'),
tops AS (SELECT top, count(*) AS n, sum(won) AS w FROM deal GROUP BY top),
steps AS (
	SELECT 1 AS step, 'leads' AS stage, 'leads' AS name, n FROM cohort
	UNION ALL SELECT 2, 'contacted', 'contacted', contacted FROM cohort
	UNION ALL SELECT idx + 2, id, name,
	       CASE WHEN idx < 5 THEN (SELECT coalesce(sum(n), 0) FROM tops WHERE top >= st.idx)
	            ELSE (SELECT coalesce(sum(w), 0) FROM tops) END
	FROM st)
SELECT step, stage, name, n AS count,
       CASE WHEN step > 1 THEN printf('%.4f', 1.0 * n / lag(n) OVER (ORDER BY step)) ELSE '' END AS conv_prev,
       printf('%.4f', 1.0 * n / first_value(n) OVER (ORDER BY step)) AS conv_top
FROM steps ORDER BY step;
