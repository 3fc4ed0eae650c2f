-- assign-full.sql: assign.sql plus the rest of what crm-assign must write
-- for each lead it assigns, set-wise: an audit row for the owner, the
-- first-contact task (due three days on, the default), and the task's
-- three audit rows (title, due, owner_id).  The baseline for how much
-- crm-assign spends beyond the rows the SPEC makes it write.  :now and
-- :due are set by the runner (.parameter set).
.bail on
PRAGMA foreign_keys = ON;
PRAGMA synchronous = NORMAL;
BEGIN IMMEDIATE;
CREATE TEMP TABLE pick (lead_id INTEGER PRIMARY KEY, owner_id INTEGER NOT NULL);
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
INSERT INTO pick SELECT pool.id, m.id FROM pool JOIN member m ON m.team = pool.team AND m.k = pool.k % m.n;
UPDATE leads SET owner_id = p.owner_id, assigned_at = :now, updated_at = :now
FROM pick p WHERE leads.id = p.lead_id;
INSERT INTO audit (at, actor, tool, entity, entity_id, action, field, old_value, new_value)
SELECT :now, 'admin', 'sqlite3', 'lead', p.lead_id, 'assign', 'owner', NULL, u.login
FROM pick p JOIN users u ON u.id = p.owner_id ORDER BY p.lead_id;
INSERT INTO tasks (subject_type, subject_id, title, kind, due, owner_id, created_at)
SELECT 'lead', lead_id, 'first contact', 'first_contact', :due, owner_id, :now FROM pick ORDER BY lead_id;
INSERT INTO audit (at, actor, tool, entity, entity_id, action, field, old_value, new_value)
SELECT :now, 'admin', 'sqlite3', 'task', t.id, 'create', f.column2, NULL,
       CASE f.column1 WHEN 1 THEN t.title WHEN 2 THEN t.due ELSE t.owner_id END
FROM tasks t CROSS JOIN (VALUES (1, 'title'), (2, 'due'), (3, 'owner_id')) f ORDER BY t.id;
COMMIT;
