-- pg/funnel.sql: bench/funnel.sql for psql (PostgreSQL).  The same query in
-- the dialect's spellings: greatest() for SQLite's two-argument max(),
-- count(*) FILTER for the sum of a truth value, to_char(..., 'FM0.0000')
-- for printf('%.4f') (exact numeric division, rounded half away from
-- zero: bench/run.sh checks the bytes agree with crm-report's before it
-- times them).
\set ON_ERROR_STOP on
\pset format unaligned
\pset fieldsep '\t'
\pset tuples_only on
\pset footer off
WITH st(idx, id, name) AS (VALUES
	(1, 'contact', 'Contact'), (2, 'qualify', 'Qualify'), (3, 'proposal', 'Proposal'),
	(4, 'negotiation', 'Negotiation'), (5, 'won', 'Won')),
cohort AS (
	SELECT count(*) AS n,
	       count(*) FILTER (WHERE first_contact_at IS NOT NULL
	                        OR status IN ('contacted', 'qualified', 'converted')) AS contacted
	FROM leads
	WHERE created_at >= '2024-12-31T16:00:00Z' AND created_at < '2025-12-31T16:00:00Z'),
deal AS (
	SELECT (d.status = 'won')::int AS won,
	       greatest(coalesce((SELECT idx FROM st WHERE id = d.stage), 0),
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
       CASE WHEN step > 1 THEN to_char(1.0 * n / lag(n) OVER (ORDER BY step), 'FM0.0000') ELSE '' END AS conv_prev,
       to_char(1.0 * n / first_value(n) OVER (ORDER BY step), 'FM0.0000') AS conv_top
FROM steps ORDER BY step;
