#!/bin/sh
# gen-churn.sh DB [ACCOUNTS]: the data of the churn benchmark, made by
# sqlite3 alone with recursive CTEs into DB, a database with the users and
# teams of bench/run.sh's template.  For ACCOUNTS accounts (default
# 100,000), owned round-robin by the reps, created on 2024-01-01:
#  - three won deals each, 30 to 119 days apart (by a hash of the
#    account), the first in 2024 or 2025;
#  - for every other account a contract on its first deal, active, with
#    two orders (so that deal counts only by them) 15 and 45 days after
#    it, one in ten of those cancelled, and two instalments due on its
#    start and 90 days later, a third of them unpaid;
#  - a contact each, with a call, and a call on the account, at dates
#    through 2025 and early 2026;
#  - two tickets on every third account in the 90 days before CRM_NOW
#    (2026-03-02), one in two breached; a survey on each ticket of every
#    sixth account, CSAT 1 to 5 and NPS 0 to 10 by the account's number.
# The same every time.
set -eu
db=${1:?usage: gen-churn.sh DB [ACCOUNTS]}
n=${2:-100000}
sqlite3 -batch -bail "$db" <<EOF
PRAGMA foreign_keys = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE reps AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM users WHERE role = 'rep';
CREATE TEMP TABLE n AS
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $n)
SELECT i, i * 2654435761 % 4294967296 AS h FROM a;
INSERT INTO accounts (id, name, owner_id, created_at, updated_at)
SELECT i, '客户' || printf('%06d', i), r.id, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'
FROM n JOIN reps r ON r.k = n.i % (SELECT count(*) FROM reps);
INSERT INTO contacts (id, account_id, name, owner_id, created_at, updated_at)
SELECT i, i, '联系人' || i, (SELECT owner_id FROM accounts WHERE id = i), '2024-01-01T00:00:00Z',
       '2024-01-01T00:00:00Z' FROM n;
-- deals 3i-2, 3i-1, 3i: the first on day h % 600 from 2024-01-01, then every 30 + h % 90 days
CREATE TEMP TABLE dd AS
SELECT 3 * n.i - 2 + j.j AS id, n.i AS aid,
       date('2024-01-01', '+' || (n.h / 7 % 600 + j.j * (30 + n.h / 11 % 90)) || ' days') AS day
FROM n JOIN (SELECT 0 AS j UNION ALL SELECT 1 UNION ALL SELECT 2) j ON TRUE;
INSERT INTO deals (id, title, account_id, stage, status, amount, currency, closed_at, owner_id,
                   created_at, updated_at, stage_changed_at)
SELECT dd.id, 'deal ' || dd.id, dd.aid, 'won', 'won', 100000, 'CNY', dd.day || 'T04:00:00Z',
       a.owner_id, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', dd.day || 'T04:00:00Z'
FROM dd JOIN accounts a ON a.id = dd.aid;
INSERT INTO contracts (id, number, deal_id, account_id, amount, currency, status, start_date,
                       signed_on, owner_id, created_at, updated_at)
SELECT dd.aid, 'K-' || dd.aid, dd.id, dd.aid, 1000000, 'CNY', 'active', dd.day, dd.day,
       a.owner_id, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'
FROM dd JOIN accounts a ON a.id = dd.aid WHERE dd.aid % 2 = 0 AND dd.id = 3 * dd.aid - 2;
INSERT INTO orders (number, contract_id, account_id, status, total, currency, ordered_on,
                    owner_id, created_at, updated_at)
SELECT 'O-' || c.id || '-' || k.k, c.id, c.account_id,
       CASE WHEN (c.id + k.k) % 10 = 3 THEN 'cancelled' ELSE 'open' END, 500000, 'CNY',
       date(c.start_date, '+' || k.k || ' days'), c.owner_id, '2024-01-01T00:00:00Z',
       '2024-01-01T00:00:00Z'
FROM contracts c JOIN (SELECT 15 AS k UNION ALL SELECT 45) k ON TRUE;
INSERT INTO instalments (contract_id, seq, due_on, amount, paid, created_at)
SELECT c.id, s.seq, date(c.start_date, '+' || s.after || ' days'), 500000,
       CASE WHEN (c.id * 7 + s.seq) % 3 = 0 THEN 0 ELSE 500000 END, '2024-01-01T00:00:00Z'
FROM contracts c JOIN (SELECT 1 AS seq, 0 AS after UNION ALL SELECT 2, 90) s ON TRUE;
INSERT INTO interactions (subject_type, subject_id, kind, at, user_id, created_at)
SELECT 'account', i, 'call', date('2025-03-01', '+' || (h / 13 % 360) || ' days') || 'T02:00:00Z',
       NULL, '2024-01-01T00:00:00Z' FROM n
UNION ALL
SELECT 'contact', i, 'call', date('2025-01-01', '+' || (h / 17 % 420) || ' days') || 'T02:00:00Z',
       NULL, '2024-01-01T00:00:00Z' FROM n;
INSERT INTO tickets (id, number, subject, account_id, status, created_at, updated_at, breached_at)
SELECT 2 * i + k.k, 'T-' || printf('%07d', 2 * i + k.k), 'ticket', i, 'open',
       date('2025-12-05', '+' || ((h / 19 + k.k * 31) % 85) || ' days') || 'T03:00:00Z',
       '2025-12-05T03:00:00Z',
       CASE WHEN (i + k.k) % 2 = 0 THEN date('2025-12-06', '+' || ((h / 19 + k.k * 31) % 85)
            || ' days') || 'T03:00:00Z' END
FROM n JOIN (SELECT 0 AS k UNION ALL SELECT 1) k ON TRUE WHERE i % 3 = 0;
INSERT INTO surveys (ticket_id, code, account_id, due_at, answered_at, csat, nps, created_at)
SELECT t.id, 'S' || t.id, t.account_id, t.created_at, t.created_at, t.account_id / 6 % 5 + 1,
       (t.account_id / 6 + t.id) % 11, t.created_at
FROM tickets t WHERE t.account_id % 6 = 0;
COMMIT;
ANALYZE;
EOF
