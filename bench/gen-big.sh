#!/bin/sh
# gen-big.sh DB [LEADS [DEALS]]: a large database for the report and ROI
# benchmarks, made by sqlite3 alone with recursive CTEs (seconds, not
# minutes): LEADS leads (default 1,000,000) over 2025, every fifth one
# converted into one of DEALS deals (default 200,000), each deal with four
# stage changes (800,000) along one of ten paths: straight through, won,
# skipped stages, lost, reopened after a loss; 12 reps in 3 teams; monthly
# costs per source.  The same every time.  Needs "crm" (for the schema) on
# PATH or in CRM_BIN.
set -eu
db=${1:?usage: gen-big.sh DB [LEADS [DEALS]]}
leads=${2:-1000000}
deals=${3:-200000}
bin=${CRM_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
rm -f "$db" "$db-wal" "$db-shm"
CRM_DB=$db CRM_CONFIG=/dev/null "$bin/crm" init >/dev/null 2>&1 ||
	CRM_DB=$db "$bin/crm" init >/dev/null

sqlite3 -batch -bail "$db" <<EOF
PRAGMA foreign_keys = OFF;
PRAGMA synchronous = OFF;
BEGIN;
INSERT INTO teams (id, name, created_at) VALUES
  (1, 'east', '2024-01-01T00:00:00Z'), (2, 'north', '2024-01-01T00:00:00Z'),
  (3, 'south', '2024-01-01T00:00:00Z');
INSERT INTO users (id, login, name, role, created_at) VALUES (1, 'admin', 'Admin', 'admin', '2024-01-01T00:00:00Z');
WITH RECURSIVE u(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM u WHERE i < 13)
INSERT INTO users (id, login, name, team_id, role, created_at)
  SELECT i, 'rep' || (i - 1), 'Rep ' || (i - 1), (i - 2) % 3 + 1, 'rep', '2024-01-01T00:00:00Z' FROM u;

-- leads: created every ~31 s through 2025 (local time +08:00), 70% contacted
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $leads)
INSERT INTO leads (id, name, company, source, campaign, region, industry, status, owner_id,
                   created_at, updated_at, first_contact_at, deal_id, converted_at)
SELECT i, 'lead ' || i, 'company ' || (i % 50000),
       CASE i % 6 WHEN 0 THEN 'web' WHEN 1 THEN 'expo' WHEN 2 THEN 'referral'
                  WHEN 3 THEN 'ads' WHEN 4 THEN 'cold-call' ELSE 'wechat' END,
       CASE WHEN i % 6 = 3 THEN 'campaign-' || (i % 4) END,
       CASE i % 4 WHEN 0 THEN 'east' WHEN 1 THEN 'north' WHEN 2 THEN 'south' ELSE 'west' END,
       CASE i % 5 WHEN 0 THEN 'machinery' WHEN 1 THEN 'electronics' WHEN 2 THEN 'chemicals'
                  WHEN 3 THEN 'auto' ELSE 'food' END,
       CASE WHEN i % 5 = 0 AND i / 5 <= $deals THEN 'converted'
            WHEN i % 10 < 7 THEN 'contacted' ELSE 'new' END,
       CASE WHEN i % 20 = 19 THEN NULL ELSE i % 12 + 2 END,
       strftime('%Y-%m-%dT%H:%M:%SZ', 1735660800 + (i * 31536000 / $leads), 'unixepoch'),
       strftime('%Y-%m-%dT%H:%M:%SZ', 1735660800 + (i * 31536000 / $leads), 'unixepoch'),
       CASE WHEN i % 10 < 7 OR (i % 5 = 0 AND i / 5 <= $deals)
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1735660800 + (i * 31536000 / $leads) + 3600 * (i % 97), 'unixepoch') END,
       CASE WHEN i % 5 = 0 AND i / 5 <= $deals THEN i / 5 END,
       CASE WHEN i % 5 = 0 AND i / 5 <= $deals
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', 1735660800 + (i * 31536000 / $leads) + 86400 * (i % 40), 'unixepoch') END
FROM n;

-- ten paths of four stage changes; the last one is where the deal stands
CREATE TEMP TABLE path (p INTEGER, k INTEGER, stage TEXT, PRIMARY KEY (p, k));
INSERT INTO path VALUES
  (0,1,'contact'),(0,2,'qualify'),(0,3,'proposal'),(0,4,'negotiation'),
  (1,1,'contact'),(1,2,'qualify'),(1,3,'proposal'),(1,4,'negotiation'),
  (2,1,'contact'),(2,2,'qualify'),(2,3,'negotiation'),(2,4,'proposal'),
  (3,1,'contact'),(3,2,'qualify'),(3,3,'proposal'),(3,4,'won'),
  (4,1,'contact'),(4,2,'proposal'),(4,3,'negotiation'),(4,4,'won'),
  (5,1,'contact'),(5,2,'proposal'),(5,3,'negotiation'),(5,4,'lost'),
  (6,1,'qualify'),(6,2,'proposal'),(6,3,'lost'),(6,4,'proposal'),
  (7,1,'contact'),(7,2,'lost'),(7,3,'contact'),(7,4,'qualify'),
  (8,1,'contact'),(8,2,'qualify'),(8,3,'negotiation'),(8,4,'won'),
  (9,1,'contact'),(9,2,'qualify'),(9,3,'lost'),(9,4,'qualify');

WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $deals)
INSERT INTO deals (id, title, account_id, pipeline, stage, status, amount, currency, expected_close,
                   closed_at, owner_id, source, campaign, lead_id, loss_reason, created_at,
                   updated_at, stage_changed_at)
SELECT n.i, 'deal ' || n.i, NULL, 'default', p.stage,
       CASE p.stage WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE 'open' END,
       (n.i * 7919 % 100000) * 100, 'CNY',
       date(l.created_at, '+' || (30 + n.i % 120) || ' days'),
       CASE WHEN p.stage IN ('won', 'lost') THEN strftime('%Y-%m-%dT%H:%M:%SZ', l.created_at, '+' || (4 * (n.i % 9 + 1)) || ' days') END,
       l.owner_id, l.source, l.campaign, l.id,
       CASE WHEN p.stage = 'lost' THEN CASE n.i % 3 WHEN 0 THEN 'price' WHEN 1 THEN 'competitor' ELSE 'timing' END END,
       l.created_at, l.created_at, strftime('%Y-%m-%dT%H:%M:%SZ', l.created_at, '+' || (4 * (n.i % 9 + 1)) || ' days')
FROM n JOIN leads l ON l.id = n.i * 5 JOIN path p ON p.p = n.i % 10 AND p.k = 4;

INSERT INTO deal_stages (deal_id, from_stage, to_stage, at, actor)
SELECT d.id, (SELECT q.stage FROM path q WHERE q.p = d.id % 10 AND q.k = p.k - 1), p.stage,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.created_at, '+' || ((p.k - 1) * (d.id % 9 + 1)) || ' days'), 'rep'
FROM deals d JOIN path p ON p.p = d.id % 10
ORDER BY d.id, p.k;

WITH RECURSIVE m(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM m WHERE k < 11),
     s(source, amount) AS (VALUES ('web', 1500000), ('expo', 4000000), ('referral', 0),
                                  ('ads', 6000000), ('cold-call', 500000))
INSERT INTO costs (source, period_start, period_end, amount, created_at)
SELECT s.source, date('2025-01-01', '+' || m.k || ' months'),
       date('2025-01-01', '+' || (m.k + 1) || ' months', '-1 day'), s.amount, '2025-01-01T00:00:00Z'
FROM m, s;
COMMIT;
ANALYZE;
EOF
