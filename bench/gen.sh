#!/bin/sh
# gen.sh DB [LEADS [DEALS]]: the database half of the benchmark data (the
# CSV half is gen-leads.sh), made by sqlite3 alone with recursive CTEs, so
# a million leads take seconds, not minutes.  The same every time:
#  - LEADS leads (default 1,000,000) created through 2025 (+08:00), with
#    Chinese and Latin names and companies, provinces and cities,
#    industries, six sources and their campaigns, phones and addresses; 70%
#    contacted, one in twenty in the pool (no owner);
#  - every fifth lead converted into one of DEALS deals (default LEADS/5),
#    each with four stage changes along one of ten paths: straight
#    through, won, skipped stages, lost, reopened after a loss;
#  - interactions: a call on each contacted lead at its first contact, a
#    meeting on each deal at its last stage change;
#  - 12 reps in 3 teams and an admin; monthly costs per source for 2025.
# Needs sqlite3, and "crm" (for the schema) in CRM_BIN or build/bin.
set -eu
db=${1:?usage: gen.sh DB [LEADS [DEALS]]}
leads=${2:-1000000}
deals=${3:-$((leads / 5))}
bin=${CRM_BIN:-$(cd "$(dirname "$0")/.." && pwd)/build/bin}
rm -f "$db" "$db-wal" "$db-shm"
CRM_DB=$db CRM_CONFIG=/dev/null "$bin/crm" init >/dev/null

# Word lists are tables keyed 0..n-1; a lead picks from each by its own
# slice of a multiplicative hash of the lead's number, so the choices
# neither follow one another nor the id's residues that decide the rest.
sqlite3 -batch -bail "$db" <<EOF
PRAGMA foreign_keys = OFF;
PRAGMA synchronous = OFF;
BEGIN;
CREATE TEMP TABLE w (list TEXT, k INTEGER, v TEXT, v2 TEXT, PRIMARY KEY (list, k));
INSERT INTO w SELECT 'sur', key, value, NULL FROM json_each('["王","李","张","刘","陈","杨","黄","赵","吴","周","徐","孙","马","朱","胡","郭","何","高","林","罗"]');
INSERT INTO w SELECT 'giv', key, value, NULL FROM json_each('["伟","芳","娜","敏","静","丽","强","磊","军","洋","勇","艳","杰","娟","涛","明","超","秀英","华","慧"]');
INSERT INTO w SELECT 'lsur', key, value, NULL FROM json_each('["Wang","Li","Zhang","Liu","Chen","Smith","Brown","Garcia","Müller","Tanaka"]');
INSERT INTO w SELECT 'lgiv', key, value, NULL FROM json_each('["Wei","Na","Jun","Emma","Lucas","Mia","Noah","Anna","Ken","Yuki"]');
INSERT INTO w SELECT 'co', key, value, NULL FROM json_each('["华东精密","长江电子","北方重工","天府软件","珠江物流","东海食品","西部能源","中原纺织","南山医疗","蓝海科技"]');
INSERT INTO w SELECT 'suf', key, value, NULL FROM json_each('["有限公司","股份有限公司","集团","科技有限公司","(中国)有限公司"]');
INSERT INTO w SELECT 'lco', key, value, NULL FROM json_each('["Acme","Globex","Initech","Umbrella","Stark","Wayne","Hooli","Vandelay"]');
INSERT INTO w SELECT 'title', key, value, NULL FROM json_each('["总经理","采购经理","工程师","技术总监","销售总监","CEO","Buyer","Engineer"]');
INSERT INTO w SELECT 'place', key, substr(value, 1, instr(value, ':') - 1), substr(value, instr(value, ':') + 1)
  FROM json_each('["上海:上海","北京:北京","广东:广州","广东:深圳","浙江:杭州","江苏:苏州","四川:成都","湖北:武汉","山东:青岛","福建:厦门"]');
INSERT INTO w SELECT 'ind', key, value, NULL FROM json_each('["制造","电子","软件","物流","食品","能源","纺织","医疗","汽车","教育"]');

INSERT INTO teams (id, name, created_at) VALUES
  (1, 'east', '2024-01-01T00:00:00Z'), (2, 'north', '2024-01-01T00:00:00Z'),
  (3, 'south', '2024-01-01T00:00:00Z');
INSERT INTO users (id, login, name, role, created_at) VALUES (1, 'admin', 'Admin', 'admin', '2024-01-01T00:00:00Z');
WITH RECURSIVE u(i) AS (SELECT 2 UNION ALL SELECT i + 1 FROM u WHERE i < 13)
INSERT INTO users (id, login, name, team_id, role, created_at)
  SELECT i, 'rep' || (i - 1), 'Rep ' || (i - 1), (i - 2) % 3 + 1, 'rep', '2024-01-01T00:00:00Z' FROM u;

-- leads: created every 31536000/LEADS seconds through 2025 (local time +08:00)
CREATE TEMP TABLE g AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $leads),
h(i, h) AS (SELECT i, i * 2654435761 % 4294967296 FROM n)
SELECT i, h / 1009 % 5 = 0 AS latin,
       CASE WHEN h / 1009 % 5 = 0
            THEN (SELECT v FROM w WHERE list = 'lgiv' AND k = h / 1013 % 10) || ' ' ||
                 (SELECT v FROM w WHERE list = 'lsur' AND k = h / 1019 % 10)
            ELSE (SELECT v FROM w WHERE list = 'sur' AND k = h / 1013 % 20) ||
                 (SELECT v FROM w WHERE list = 'giv' AND k = h / 1019 % 20) END AS name,
       CASE WHEN h / 1009 % 5 = 0
            THEN (SELECT v FROM w WHERE list = 'lco' AND k = h / 1021 % 8) || ' ' || (h / 1031 % 100000) ||
                 CASE h / 1033 % 2 WHEN 0 THEN ' Ltd.' ELSE ' Inc.' END
            ELSE (SELECT v FROM w WHERE list = 'co' AND k = h / 1021 % 10) || (h / 1031 % 100000) ||
                 (SELECT v FROM w WHERE list = 'suf' AND k = h / 1033 % 5) END AS company,
       (SELECT v FROM w WHERE list = 'title' AND k = h / 1039 % 8) AS title,
       '1' || (3 + h / 1049 % 7) || printf('%09d', i * 7919 % 1000000000) AS phone,
       (SELECT v FROM w WHERE list = 'place' AND k = h / 1051 % 10) AS region,
       (SELECT v2 FROM w WHERE list = 'place' AND k = h / 1051 % 10) AS city,
       (SELECT v FROM w WHERE list = 'ind' AND k = h / 1061 % 10) AS industry,
       strftime('%Y-%m-%dT%H:%M:%SZ', 1735660800 + (i * 31536000 / $leads), 'unixepoch') AS created_at
FROM h;

INSERT INTO leads (id, name, company, title, phone, email, region, city, industry, source,
                   campaign, status, owner_id, name_norm, company_norm, phone_norm, email_norm,
                   created_at, updated_at, first_contact_at, last_activity_at, deal_id, converted_at)
SELECT i, name, company, title, phone, CASE WHEN latin THEN 'l' ELSE 'u' END || i || '@example.com',
       region, city, industry,
       CASE i % 6 WHEN 0 THEN 'web' WHEN 1 THEN 'expo' WHEN 2 THEN 'referral'
                  WHEN 3 THEN 'ads' WHEN 4 THEN 'cold-call' ELSE 'wechat' END,
       CASE WHEN i % 6 = 3 THEN 'campaign-' || (i % 4)
            WHEN i % 6 = 1 THEN CASE i % 3 WHEN 0 THEN 'expo-2025-sh' ELSE 'expo-2025-gz' END END,
       CASE WHEN i % 5 = 0 AND i / 5 <= $deals THEN 'converted'
            WHEN i % 10 < 7 THEN 'contacted' ELSE 'new' END,
       CASE WHEN i % 20 = 19 THEN NULL ELSE i % 12 + 2 END,
       lower(name), lower(company), phone, CASE WHEN latin THEN 'l' ELSE 'u' END || i || '@example.com',
       created_at, created_at,
       CASE WHEN i % 10 < 7 OR (i % 5 = 0 AND i / 5 <= $deals)
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (i % 97) || ' hours') END,
       CASE WHEN i % 10 < 7 OR (i % 5 = 0 AND i / 5 <= $deals)
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (i % 97) || ' hours') END,
       CASE WHEN i % 5 = 0 AND i / 5 <= $deals THEN i / 5 END,
       CASE WHEN i % 5 = 0 AND i / 5 <= $deals
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', created_at, '+' || (i % 40) || ' days') END
FROM g;
DROP TABLE g;

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
                   updated_at, stage_changed_at, last_activity_at)
SELECT n.i, l.company || ' ' || n.i, NULL, 'default', p.stage,
       CASE p.stage WHEN 'won' THEN 'won' WHEN 'lost' THEN 'lost' ELSE 'open' END,
       (n.i * 7919 % 100000) * 100, 'CNY',
       date(l.created_at, '+' || (30 + n.i % 120) || ' days'),
       CASE WHEN p.stage IN ('won', 'lost') THEN strftime('%Y-%m-%dT%H:%M:%SZ', l.created_at, '+' || (3 * (n.i % 9 + 1)) || ' days') END,
       l.owner_id, l.source, l.campaign, l.id,
       CASE WHEN p.stage = 'lost' THEN CASE n.i % 3 WHEN 0 THEN 'price' WHEN 1 THEN 'competitor' ELSE 'timing' END END,
       l.created_at, l.created_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', l.created_at, '+' || (3 * (n.i % 9 + 1)) || ' days'),
       strftime('%Y-%m-%dT%H:%M:%SZ', l.created_at, '+' || (3 * (n.i % 9 + 1)) || ' days')
FROM n JOIN leads l ON l.id = n.i * 5 JOIN path p ON p.p = n.i % 10 AND p.k = 4;

INSERT INTO deal_stages (deal_id, from_stage, to_stage, at, actor)
SELECT d.id, (SELECT q.stage FROM path q WHERE q.p = d.id % 10 AND q.k = p.k - 1), p.stage,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.created_at, '+' || ((p.k - 1) * (d.id % 9 + 1)) || ' days'),
       u.login
FROM deals d JOIN path p ON p.p = d.id % 10 LEFT JOIN users u ON u.id = d.owner_id
ORDER BY d.id, p.k;

INSERT INTO interactions (subject_type, subject_id, kind, at, summary, user_id, created_at)
SELECT 'lead', id, 'call', first_contact_at, '首次电话联系', owner_id, first_contact_at
FROM leads WHERE first_contact_at IS NOT NULL ORDER BY id;
INSERT INTO interactions (subject_type, subject_id, kind, at, summary, next_step, user_id, created_at)
SELECT 'deal', id, 'meeting', stage_changed_at, 'meeting about ' || stage,
       CASE status WHEN 'open' THEN 'send proposal' END, owner_id, stage_changed_at
FROM deals ORDER BY id;

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
