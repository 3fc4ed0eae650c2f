#!/bin/sh
# gen-notes.sh DB [INTERACTIONS]: the full-text half of the benchmark data,
# made by sqlite3 alone with recursive CTEs, into DB, a database with the
# users and teams of bench/run.sh's template:
#  - 10,000 leads owned round-robin by the reps;
#  - INTERACTIONS interactions (default 1,000,000) on them through 2025,
#    each summary a sentence of Chinese and Latin pieces picked by slices
#    of a multiplicative hash of its number: one of 100 products (so a
#    product's name is in about 1% of the summaries), one of 20 issues
#    and one of 10 endings; interaction_fts is kept by the schema's
#    triggers as they go in.
# The same every time.
set -eu
db=${1:?usage: gen-notes.sh DB [INTERACTIONS]}
n=${2:-1000000}
sqlite3 -batch -bail "$db" <<EOF
PRAGMA foreign_keys = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE reps AS
SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM users WHERE role = 'rep';
WITH RECURSIVE l(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM l WHERE i < 10000)
INSERT INTO leads (id, name, phone, status, owner_id, created_at, updated_at)
SELECT i, '客户' || i, '138' || printf('%08d', i), 'contacted', r.id,
       '2025-01-01T00:00:00Z', '2025-01-01T00:00:00Z'
FROM l JOIN reps r ON r.k = l.i % (SELECT count(*) FROM reps);
CREATE TEMP TABLE w (list TEXT, k INTEGER, v TEXT, PRIMARY KEY (list, k));
WITH RECURSIVE p(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM p WHERE k < 99)
INSERT INTO w SELECT 'product', k,
       substr('激光喷墨针式热敏彩色黑白高速便携工业家用', 1 + (k % 10) * 2, 2) ||
       substr('打印机复印机扫描仪投影仪碎纸机标签机考勤机收银机传真机装订机', 1 + (k / 10) * 3, 3) ||
       '-' || (k + 100)
FROM p;
INSERT INTO w SELECT 'issue', key, value FROM json_each('["卡纸","不开机","报错E02","缺墨","连不上网络","驱动装不上","噪音大","打印模糊","速度慢","需要报价","要求上门","续保咨询","换货","退款","配件询价","安装培训","paper jam","no power","firmware update","wants a quote"]');
INSERT INTO w SELECT 'end', key, value FROM json_each('["，已回电","，约下周上门","，已发资料","，等客户确认","，转技术支持",". Called back.","，已报价","，客户满意","，需再跟进","，已关闭"]');
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < $n),
h(i, x) AS (SELECT i, (i * 2654435761) % 4294967296 FROM s)
INSERT INTO interactions (subject_type, subject_id, kind, at, summary, user_id, created_at)
SELECT 'lead', h.i % 10000 + 1, 'call',
       strftime('%Y-%m-%dT%H:%M:%SZ', '2025-01-01', '+' || (h.i * 31536000 / $n) || ' seconds'),
       '客户反映' || p.v || e.v || x.v, r.id, '2025-01-01T00:00:00Z'
FROM h
JOIN w p ON p.list = 'product' AND p.k = h.x / 7 % 100
JOIN w e ON e.list = 'issue' AND e.k = h.x / 701 % 20
JOIN w x ON x.list = 'end' AND x.k = h.x / 14009 % 10
JOIN reps r ON r.k = (h.i % 10000 + 1) % (SELECT count(*) FROM reps);
INSERT INTO interaction_fts(interaction_fts) VALUES ('optimize');
COMMIT;
ANALYZE;
EOF
