/* schema.c: the database schema as a list of forward migrations.
 * migrations[i] takes a database from user_version i to i + 1.  Never edit
 * a released step: append a new one. */
#include <stddef.h>

#include "schema.h"

static const char *const migrations[] = {
	/* 1: users, teams, leads, audit */
	"CREATE TABLE teams ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE,"
	"  manager_id INTEGER REFERENCES users(id),"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  login TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  email TEXT,"
	"  team_id INTEGER REFERENCES teams(id),"
	"  role TEXT NOT NULL DEFAULT 'rep' CHECK (role IN ('rep', 'manager', 'admin')),"
	"  manager_id INTEGER REFERENCES users(id),"
	"  active INTEGER NOT NULL DEFAULT 1,"
	"  weight INTEGER NOT NULL DEFAULT 1 CHECK (weight > 0),"
	"  capacity INTEGER CHECK (capacity IS NULL OR capacity >= 0),"
	"  away_until TEXT,"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX users_team ON users(team_id);"
	"CREATE INDEX users_manager ON users(manager_id);"
	"CREATE TABLE leads ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT, company TEXT, title TEXT, phone TEXT, email TEXT,"
	"  region TEXT, city TEXT, industry TEXT, source TEXT, campaign TEXT,"
	"  tags TEXT, heat TEXT, score INTEGER NOT NULL DEFAULT 0,"
	"  status TEXT NOT NULL DEFAULT 'new' CHECK (status IN"
	"    ('new', 'contacted', 'qualified', 'converted', 'disqualified')),"
	"  owner_id INTEGER REFERENCES users(id),"
	"  notes TEXT,"
	"  custom TEXT,"			/* JSON object of custom fields */
	"  phone_norm TEXT, email_norm TEXT, company_norm TEXT, name_norm TEXT,"
	"  disqualify_reason TEXT,"
	"  created_at TEXT NOT NULL,"
	"  updated_at TEXT NOT NULL,"
	"  created_by TEXT,"
	"  assigned_at TEXT,"
	"  first_contact_at TEXT,"
	"  last_activity_at TEXT,"
	"  forgotten_at TEXT"
	");"
	CRM_LEAD_INDEXES
	"CREATE TABLE audit ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL,"
	"  actor TEXT,"
	"  tool TEXT NOT NULL,"
	"  entity TEXT NOT NULL,"
	"  entity_id INTEGER,"
	"  action TEXT NOT NULL,"
	"  field TEXT,"
	"  old_value TEXT,"
	"  new_value TEXT"
	");"
	"CREATE INDEX audit_entity ON audit(entity, entity_id);",

	/* 2: interactions and tasks (crm-log, crm-task) */
	"CREATE TABLE interactions ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_type TEXT NOT NULL CHECK (subject_type IN ('lead', 'account', 'contact', 'deal')),"
	"  subject_id INTEGER NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  summary TEXT,"
	"  next_step TEXT,"
	"  user_id INTEGER REFERENCES users(id),"	/* who logged it */
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX interactions_subject ON interactions(subject_type, subject_id, at);"
	"CREATE INDEX interactions_user ON interactions(user_id, at);"
	"CREATE INDEX interactions_at ON interactions(at);"
	"CREATE TABLE tasks ("
	"  id INTEGER PRIMARY KEY,"
	"  subject_type TEXT CHECK (subject_type IN ('lead', 'account', 'contact', 'deal')),"
	"  subject_id INTEGER,"
	"  title TEXT NOT NULL,"
	"  kind TEXT,"				/* 'first_contact' for the task made on assignment */
	"  due TEXT NOT NULL,"			/* ISO-8601 UTC instant */
	"  owner_id INTEGER REFERENCES users(id),"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),"
	"  created_at TEXT NOT NULL,"
	"  done_at TEXT"
	");"
	"CREATE INDEX tasks_owner ON tasks(owner_id, status, due);"
	"CREATE INDEX tasks_subject ON tasks(subject_type, subject_id, status);"
	"CREATE INDEX tasks_due ON tasks(status, due);"
	"CREATE TABLE reminders_sent ("
	"  day TEXT NOT NULL,"			/* local date the reminder was for */
	"  recipient_id INTEGER NOT NULL,"
	"  subject_type TEXT NOT NULL,"		/* 'task' for an overdue task */
	"  subject_id INTEGER NOT NULL,"
	"  reason TEXT NOT NULL,"
	"  sent_at TEXT NOT NULL,"
	"  PRIMARY KEY (day, recipient_id, subject_type, subject_id, reason)"
	") WITHOUT ROWID;"
	/* heat_manual = 1: the heat was set by hand and the score leaves it alone */
	"ALTER TABLE leads ADD COLUMN heat_manual INTEGER NOT NULL DEFAULT 0;",

	/* 3: assignment state and the lead pool (crm-assign) */
	"CREATE TABLE assign_state ("		/* smooth weighted round-robin per rule */
	"  rule TEXT NOT NULL,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  current INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (rule, user_id)"
	") WITHOUT ROWID;"
	"CREATE TABLE pool_events ("
	"  id INTEGER PRIMARY KEY,"
	"  lead_id INTEGER NOT NULL,"
	"  user_id INTEGER REFERENCES users(id),"	/* who lost or claimed it */
	"  action TEXT NOT NULL CHECK (action IN ('reclaim', 'claim', 'release')),"
	"  reason TEXT,"
	"  at TEXT NOT NULL,"
	"  notified INTEGER NOT NULL DEFAULT 0"
	");"
	"CREATE INDEX pool_events_lead ON pool_events(lead_id, user_id, at);"
	"CREATE INDEX pool_events_user ON pool_events(user_id, action, at);"
	"ALTER TABLE users ADD COLUMN away_from TEXT;"
	"ALTER TABLE leads ADD COLUMN claimed_at TEXT;",
};

int crm_schema_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *crm_schema_step(int i)
{
	return i >= 0 && i < crm_schema_count() ? migrations[i] : NULL;
}
