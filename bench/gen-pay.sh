#!/bin/sh
# gen-pay.sh DB [INSTALMENTS]: the receivables half of the benchmark data,
# made by sqlite3 alone with recursive CTEs as gen.sh makes the rest, into
# DB, a database with the users and teams of bench/run.sh's template:
#  - INSTALMENTS / 4 contracts (default 250,000) on 10,000 accounts, owned
#    round-robin by the reps, signed through 2024-2025; one in twenty
#    terminated and one in fifty a draft (neither counts as receivable);
#  - four instalments each (30/30/30/10), due 0, 90, 180 and 360 days after
#    the signing, so their due dates run from 2024 into 2026 around
#    CRM_NOW (2026-03-02); of each, by a hash of its id, a third paid, a
#    third part paid, a third not paid.
# The same every time.
set -eu
db=${1:?usage: gen-pay.sh DB [INSTALMENTS]}
n=${2:-1000000}
contracts=$((n / 4))
sqlite3 -batch -bail "$db" <<EOF
PRAGMA foreign_keys = OFF;
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < 10000)
INSERT INTO accounts (id, name, created_at, updated_at)
SELECT i, '客户' || printf('%05d', i * 7919 % 10007), '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z' FROM a;
CREATE TEMP TABLE reps AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM users WHERE role = 'rep';
WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < $contracts)
INSERT INTO contracts (id, number, account_id, amount, currency, status, signed_on, start_date,
                       owner_id, created_at, updated_at)
SELECT i, 'B-' || i, (i * 2654435761 % 4294967296) / 7 % 10000 + 1,
       ((i * 7919 % 100000) + 1000) * 1000, 'CNY',
       CASE WHEN i % 20 = 7 THEN 'terminated' WHEN i % 50 = 3 THEN 'draft' ELSE 'active' END,
       date('2024-01-01', '+' || (i * 730 / $contracts) || ' days'),
       date('2024-01-01', '+' || (i * 730 / $contracts) || ' days'),
       r.id, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'
FROM c JOIN reps r ON r.k = c.i % (SELECT count(*) FROM reps);
CREATE TEMP TABLE part (seq INTEGER PRIMARY KEY, pct INTEGER, after INTEGER);
INSERT INTO part VALUES (1, 30, 0), (2, 30, 90), (3, 30, 180), (4, 10, 360);
INSERT INTO instalments (contract_id, seq, due_on, amount, paid, created_at)
SELECT c.id, p.seq, date(c.start_date, '+' || p.after || ' days'),
       CASE WHEN p.seq < 4 THEN c.amount * p.pct / 100 ELSE c.amount - 3 * (c.amount * 30 / 100) END,
       0, '2024-01-01T00:00:00Z'
FROM contracts c JOIN part p ON TRUE ORDER BY c.id, p.seq;
UPDATE instalments SET paid = CASE (id * 2654435761 % 4294967296) / 11 % 3
	WHEN 0 THEN amount WHEN 1 THEN amount / 3 ELSE 0 END;
COMMIT;
ANALYZE;
EOF
