-- pg/assign.sql: bench/assign.sql for psql (PostgreSQL): the same UPDATE,
-- every open lead of the pool to its region's team, round-robin.  users.active
-- is an integer there (0 or 1), so it is compared, not taken as a truth
-- value.  :now is set by the runner (psql -v now=...).
\set ON_ERROR_STOP on
BEGIN;
WITH rule(region, team) AS (VALUES ('上海', 'east'), ('浙江', 'east'), ('江苏', 'east'),
	('北京', 'north'), ('山东', 'north'), ('广东', 'south'), ('福建', 'south'),
	('四川', 'west'), ('湖北', 'west')),
member AS (
	SELECT u.id, t.name AS team, row_number() OVER (PARTITION BY t.id ORDER BY u.id) - 1 AS k,
	       count(*) OVER (PARTITION BY t.id) AS n
	FROM users u JOIN teams t ON t.id = u.team_id WHERE u.active = 1),
pool AS (
	SELECT l.id, r.team, row_number() OVER (PARTITION BY l.region ORDER BY l.id) - 1 AS k
	FROM leads l JOIN rule r ON r.region = l.region
	WHERE l.owner_id IS NULL AND l.status IN ('new', 'contacted', 'qualified')
	  AND l.forgotten_at IS NULL)
UPDATE leads SET owner_id = m.id, assigned_at = :'now', updated_at = :'now'
FROM pool JOIN member m ON m.team = pool.team AND m.k = pool.k % m.n
WHERE leads.id = pool.id;
COMMIT;
