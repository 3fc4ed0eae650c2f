-- pg/list.sql: bench/list.sql for psql (PostgreSQL): the same query; only
-- the shell's settings are psql's (tab-separated, a header, no footer).
\set ON_ERROR_STOP on
\pset format unaligned
\pset fieldsep '\t'
\pset footer off
SELECT l.id, l.name, l.company, l.title, l.phone, l.email, l.region, l.city, l.industry,
       l.source, l.campaign, l.tags, l.heat, l.score, l.status, u.login AS owner, l.created_at
FROM leads l LEFT JOIN users u ON u.id = l.owner_id
WHERE l.region = '广东'
ORDER BY l.id;
