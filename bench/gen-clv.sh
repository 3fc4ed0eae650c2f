#!/bin/sh
# gen-clv.sh DB [CUSTOMERS]: the purchase logs for the clv benchmark, made
# by sqlite3 alone with recursive CTEs into DB, a database with the users
# of bench/run.sh's template:
#  - CUSTOMERS accounts (default 100,000), owned round-robin by the reps;
#  - each makes its first purchase on a day of 2024 and then buys every
#    7 (1 + c^2) days or so (c = 0..9 by a hash of its id; each gap half
#    to one and a half of that), until it is gone 0 to 699 days after its
#    first purchase (another hash) or 2026-03-01 comes, as won deals worth
#    about 1,000 to 40,000 around a level of the account's own.
# The same every time.
set -eu
db=${1:?usage: gen-clv.sh DB [CUSTOMERS]}
n=${2:-100000}
sqlite3 -batch -bail "$db" <<EOF
PRAGMA foreign_keys = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE reps AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM users WHERE role = 'rep';
WITH RECURSIVE a(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM a WHERE i < $n)
INSERT INTO accounts (id, name, owner_id, created_at, updated_at)
SELECT i, '客户' || printf('%06d', i), r.id, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'
FROM a JOIN reps r ON r.k = a.i % (SELECT count(*) FROM reps);
CREATE TEMP TABLE c AS
SELECT id, (id * 2654435761 % 4294967296) / 7 % 366 AS first,
       7 * (1 + ((id * 40503 % 65536) / 3 % 10) * ((id * 40503 % 65536) / 3 % 10)) AS gap,
       (id * 69069 % 4294967296) / 13 % 700 AS life,
       5000 + (id * 7919 % 100000) AS level, owner_id FROM accounts;
WITH RECURSIVE p(aid, k, day) AS (
	SELECT id, 0, first FROM c
	UNION ALL
	SELECT p.aid, p.k + 1, p.day + c.gap / 2 + ((p.aid * 31 + p.k * 2654435761) % 4294967296) / 17 % c.gap
	FROM p JOIN c ON c.id = p.aid
	WHERE p.day + c.gap / 2 < c.first + c.life AND p.day + c.gap / 2 < 790)
INSERT INTO deals (title, account_id, stage, status, amount, currency, closed_at, owner_id,
                   created_at, updated_at, stage_changed_at)
SELECT 'd' || p.aid || '-' || p.k, p.aid, 'won', 'won',
       (c.level + ((p.aid * 13 + p.k * 7) % 101) * c.level / 100) * 100 / 5, 'CNY',
       strftime('%Y-%m-%dT%H:%M:%SZ', '2024-01-01 02:00:00', '+' || p.day || ' days'),
       c.owner_id, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z'
FROM p JOIN c ON c.id = p.aid WHERE p.day < 790;
COMMIT;
ANALYZE;
EOF
