-- pg/roi.sql: bench/roi.sql for psql (PostgreSQL).  The same query in the
-- dialect's spellings: date subtraction for julianday(), least() and
-- greatest() for the two-argument min() and max(), the sums cast back to
-- bigint (PostgreSQL's sum of a bigint is numeric, whose / does not
-- truncate), and lpad() for printf('%d.%04d').  No NOT INDEXED: the
-- planner chooses.  Parameters (psql -v): since, until (UTC instants,
-- until exclusive), from_day, to_day (the period's first and last dates).
\set ON_ERROR_STOP on
\pset format unaligned
\pset fieldsep '\t'
\pset tuples_only on
\pset footer off
WITH cohort AS (
  SELECT id, source FROM leads
  WHERE created_at >= :'since' AND created_at < :'until'
), won AS (
  SELECT c.source, coalesce(d.account_id, -d.lead_id) AS customer, d.amount
  FROM deals d JOIN leads c ON c.id = d.lead_id
  WHERE d.status = 'won' AND c.created_at >= :'since' AND c.created_at < :'until'
), cost AS (
  SELECT source, amount, period_end::date - period_start::date + 1 AS days,
    least(period_end, :'to_day')::date - greatest(period_start, :'from_day')::date + 1 AS inside
  FROM costs WHERE period_start <= :'to_day' AND period_end >= :'from_day'
), r AS (
  SELECT source, sum(leads)::bigint AS leads, sum(customers)::bigint AS customers,
    sum(revenue)::bigint AS revenue, sum(cost)::bigint AS cost
  FROM (
    SELECT source, count(*) AS leads, 0 AS customers, 0 AS revenue, 0 AS cost
    FROM cohort GROUP BY source
    UNION ALL
    SELECT source, 0, count(DISTINCT customer), sum(amount)::bigint, 0 FROM won GROUP BY source
    UNION ALL
    SELECT source, 0, 0, 0, sum(CASE WHEN inside >= days THEN amount
      ELSE (amount * inside * 2 + days) / (2 * days) END)::bigint
    FROM cost GROUP BY source) s
  GROUP BY source
), q AS (
  SELECT source, leads, customers, revenue, cost,
    CASE WHEN leads > 0 THEN (customers * 20000 + leads) / (2 * leads) END AS conv,
    CASE WHEN leads > 0 THEN (2 * cost + leads) / (2 * leads) END AS cpl,
    CASE WHEN customers > 0 THEN (2 * cost + customers) / (2 * customers) END AS cac,
    CASE WHEN cost > 0 THEN (revenue * 20000 + cost) / (2 * cost) END AS roas,
    CASE WHEN cost > 0 THEN (abs(revenue - cost) * 20000 + cost) / (2 * cost) END AS roi
  FROM r
)
SELECT source, leads, customers,
  CASE WHEN leads > 0 THEN (conv / 10000)::text || '.' || lpad((conv % 10000)::text, 4, '0') ELSE '' END,
  (revenue / 100)::text || '.' || lpad((revenue % 100)::text, 2, '0'),
  (cost / 100)::text || '.' || lpad((cost % 100)::text, 2, '0'),
  CASE WHEN leads > 0 THEN (cpl / 100)::text || '.' || lpad((cpl % 100)::text, 2, '0')
    WHEN cost > 0 THEN 'inf' ELSE '' END,
  CASE WHEN customers > 0 THEN (cac / 100)::text || '.' || lpad((cac % 100)::text, 2, '0')
    WHEN cost > 0 THEN 'inf' ELSE '' END,
  CASE WHEN cost > 0 THEN (roas / 10000)::text || '.' || lpad((roas % 10000)::text, 4, '0')
    WHEN revenue > 0 THEN 'inf' ELSE '' END,
  CASE WHEN cost > 0 THEN CASE WHEN revenue < cost AND roi > 0 THEN '-' ELSE '' END ||
    (roi / 10000)::text || '.' || lpad((roi % 10000)::text, 4, '0')
    WHEN revenue > 0 THEN 'inf' ELSE '' END
FROM q ORDER BY revenue DESC, source;
