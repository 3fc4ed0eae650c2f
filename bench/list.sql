-- list.sql: what "crm-lead list --region 广东" prints (the default
-- columns, the owner's login, in id order), for the sqlite3 shell.  The
-- generated data holds no TAB, newline or backslash, so the shell's
-- unescaped output is byte for byte the tool's; bench/run.sh checks that.
.mode tabs
.headers on
SELECT l.id, l.name, l.company, l.title, l.phone, l.email, l.region, l.city, l.industry,
       l.source, l.campaign, l.tags, l.heat, l.score, l.status, u.login AS owner, l.created_at
FROM leads l LEFT JOIN users u ON u.id = l.owner_id
WHERE l.region = '广东'
ORDER BY l.id;
