-- assign.sql: what "crm-assign --unassigned" does with the rules that
-- bench/run.sh writes into the config, as one UPDATE for the sqlite3
-- shell: every open lead in the pool goes, by its region, to that
-- region's team, round-robin among the team's active members in id order,
-- starting afresh in each region (row_number() over the region), as a
-- rule per region does with no cursor saved yet.  Only the owner and the
-- assignment time change: no audit rows and no first-contact tasks, which
-- crm-assign writes too.  :now is set by the runner (.parameter set).
.bail on
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
WITH rule(region, team) AS (VALUES ('上海', 'east'), ('浙江', 'east'), ('江苏', 'east'),
	('北京', 'north'), ('山东', 'north'), ('广东', 'south'), ('福建', 'south'),
	('四川', 'west'), ('湖北', 'west')),
member AS (
	SELECT u.id, t.name AS team, row_number() OVER (PARTITION BY t.id ORDER BY u.id) - 1 AS k,
	       count(*) OVER (PARTITION BY t.id) AS n
	FROM users u JOIN teams t ON t.id = u.team_id WHERE u.active),
pool AS (
	SELECT l.id, r.team, row_number() OVER (PARTITION BY l.region ORDER BY l.id) - 1 AS k
	FROM leads l JOIN rule r ON r.region = l.region
	WHERE l.owner_id IS NULL AND l.status IN ('new', 'contacted', 'qualified')
	  AND l.forgotten_at IS NULL)
UPDATE leads SET owner_id = m.id, assigned_at = :now, updated_at = :now
FROM pool JOIN member m ON m.team = pool.team AND m.k = pool.k % m.n
WHERE leads.id = pool.id;
COMMIT;
