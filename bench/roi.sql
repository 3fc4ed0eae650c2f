-- roi.sql: the ROI report by source written by hand for the sqlite3 shell,
-- as an analyst would write it: leads created in the period (the cohort),
-- the distinct accounts (or leads, for deals without one) and the amount
-- won from them, the part of each cost period inside the period, and the
-- ratios, printed as "crm-roi -H" prints them.  bench/run.sh times it
-- against crm-roi on the same database.
-- Parameters (.parameter set): :since and :until, the period as UTC
-- instants (until exclusive); :from_day and :to_day, its first and last
-- local dates.  Scans rather than index look-ups: a period is a large share
-- of the leads, and deals are read in id order.
.mode tabs
.headers off
WITH cohort AS (
  SELECT id, source FROM leads NOT INDEXED
  WHERE created_at >= :since AND created_at < :until
), won AS (
  SELECT c.source, coalesce(d.account_id, -d.lead_id) AS customer, d.amount
  FROM deals d NOT INDEXED CROSS JOIN leads c ON c.id = d.lead_id
  WHERE d.status = 'won' AND c.created_at >= :since AND c.created_at < :until
), cost AS (
  SELECT source, amount, julianday(period_end) - julianday(period_start) + 1 AS days,
    julianday(min(period_end, :to_day)) - julianday(max(period_start, :from_day)) + 1 AS inside
  FROM costs WHERE period_start <= :to_day AND period_end >= :from_day
), r AS (
  SELECT source, sum(leads) AS leads, sum(customers) AS customers,
    sum(revenue) AS revenue, sum(cost) AS cost
  FROM (
    SELECT source, count(*) AS leads, 0 AS customers, 0 AS revenue, 0 AS cost
    FROM cohort GROUP BY source
    UNION ALL
    SELECT source, 0, count(DISTINCT customer), sum(amount), 0 FROM won GROUP BY source
    UNION ALL
    SELECT source, 0, 0, 0, sum(CASE WHEN inside >= days THEN amount
      ELSE (amount * CAST(inside AS INTEGER) * 2 + CAST(days AS INTEGER))
           / (2 * CAST(days AS INTEGER)) END)
    FROM cost GROUP BY source)
  GROUP BY source
)
SELECT source, leads, customers,
  CASE WHEN leads > 0 THEN printf('%d.%04d', (customers * 20000 + leads) / (2 * leads) / 10000,
    (customers * 20000 + leads) / (2 * leads) % 10000) ELSE '' END,
  printf('%d.%02d', revenue / 100, revenue % 100),
  printf('%d.%02d', cost / 100, cost % 100),
  CASE WHEN leads > 0 THEN printf('%d.%02d', (2 * cost + leads) / (2 * leads) / 100,
    (2 * cost + leads) / (2 * leads) % 100) WHEN cost > 0 THEN 'inf' ELSE '' END,
  CASE WHEN customers > 0 THEN printf('%d.%02d', (2 * cost + customers) / (2 * customers) / 100,
    (2 * cost + customers) / (2 * customers) % 100) WHEN cost > 0 THEN 'inf' ELSE '' END,
  CASE WHEN cost > 0 THEN printf('%d.%04d', (revenue * 20000 + cost) / (2 * cost) / 10000,
    (revenue * 20000 + cost) / (2 * cost) % 10000) WHEN revenue > 0 THEN 'inf' ELSE '' END,
  CASE WHEN cost > 0 THEN printf('%s%d.%04d', CASE WHEN revenue < cost
      AND (abs(revenue - cost) * 20000 + cost) / (2 * cost) > 0 THEN '-' ELSE '' END,
    (abs(revenue - cost) * 20000 + cost) / (2 * cost) / 10000,
    (abs(revenue - cost) * 20000 + cost) / (2 * cost) % 10000)
    WHEN revenue > 0 THEN 'inf' ELSE '' END
FROM r ORDER BY revenue DESC, source;
