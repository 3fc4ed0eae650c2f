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

	/* 4: accounts and contacts (crm-account, crm-contact) */
	"CREATE TABLE accounts ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT,"				/* NULL only once forgotten */
	"  name_norm TEXT,"
	"  industry TEXT, size TEXT, region TEXT, city TEXT, address TEXT, website TEXT,"
	"  phone TEXT, phone_norm TEXT, email TEXT, email_norm TEXT,"
	"  source TEXT, tags TEXT, notes TEXT,"
	"  custom TEXT,"			/* JSON object of custom fields */
	"  owner_id INTEGER REFERENCES users(id),"
	"  parent_id INTEGER REFERENCES accounts(id),"
	"  lead_id INTEGER,"			/* the lead it was converted from */
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	"  last_activity_at TEXT, forgotten_at TEXT"
	");"
	"CREATE INDEX accounts_owner ON accounts(owner_id);"
	"CREATE INDEX accounts_name ON accounts(name_norm);"
	"CREATE INDEX accounts_phone ON accounts(phone_norm) WHERE phone_norm IS NOT NULL;"
	"CREATE INDEX accounts_email ON accounts(email_norm) WHERE email_norm IS NOT NULL;"
	"CREATE TABLE contacts ("
	"  id INTEGER PRIMARY KEY,"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  name TEXT, name_norm TEXT, title TEXT,"
	"  phone TEXT, phone_norm TEXT, email TEXT, email_norm TEXT,"
	"  wechat TEXT, region TEXT, city TEXT,"
	"  tags TEXT, notes TEXT, custom TEXT,"
	"  owner_id INTEGER REFERENCES users(id),"
	"  lead_id INTEGER,"
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	"  last_activity_at TEXT, forgotten_at TEXT"
	");"
	"CREATE INDEX contacts_account ON contacts(account_id);"
	"CREATE INDEX contacts_owner ON contacts(owner_id);"
	"CREATE INDEX contacts_phone ON contacts(phone_norm) WHERE phone_norm IS NOT NULL;"
	"CREATE INDEX contacts_email ON contacts(email_norm) WHERE email_norm IS NOT NULL;"
	"CREATE INDEX contacts_name ON contacts(name_norm);"
	"CREATE INDEX accounts_parent ON accounts(parent_id) WHERE parent_id IS NOT NULL;"
	"CREATE INDEX accounts_created ON accounts(created_at);"
	"CREATE INDEX accounts_industry ON accounts(industry);"
	"CREATE INDEX accounts_region ON accounts(region);",

	/* 5: deals, their stage history, and lead conversion (crm-stage) */
	"CREATE TABLE deals ("
	"  id INTEGER PRIMARY KEY,"
	"  title TEXT NOT NULL,"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  contact_id INTEGER REFERENCES contacts(id),"
	"  pipeline TEXT NOT NULL DEFAULT 'default',"
	"  stage TEXT NOT NULL,"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost')),"
	"  amount INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),"	/* cents */
	"  currency TEXT,"
	"  expected_close TEXT,"		/* YYYY-MM-DD */
	"  closed_at TEXT,"
	"  owner_id INTEGER REFERENCES users(id),"
	"  source TEXT, campaign TEXT, product TEXT,"
	"  lead_id INTEGER,"
	"  loss_reason TEXT, loss_note TEXT,"
	"  external_id TEXT,"			/* the id in the CRM it was imported from */
	"  custom TEXT,"
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	"  stage_changed_at TEXT NOT NULL,"
	"  last_activity_at TEXT"
	");"
	"CREATE INDEX deals_stage ON deals(pipeline, stage);"
	"CREATE INDEX deals_owner ON deals(owner_id, status);"
	"CREATE INDEX deals_status ON deals(status, expected_close);"
	"CREATE INDEX deals_closed ON deals(closed_at);"
	"CREATE INDEX deals_created ON deals(created_at);"
	"CREATE INDEX deals_account ON deals(account_id);"
	"CREATE INDEX deals_lead ON deals(lead_id);"
	"CREATE INDEX deals_source ON deals(source, campaign);"
	"CREATE INDEX deals_stuck ON deals(status, stage_changed_at);"
	"CREATE INDEX deals_external ON deals(external_id) WHERE external_id IS NOT NULL;"
	"CREATE TABLE deal_stages ("		/* one row per stage a deal entered */
	"  id INTEGER PRIMARY KEY,"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id),"
	"  from_stage TEXT,"
	"  to_stage TEXT NOT NULL,"
	"  at TEXT NOT NULL,"
	"  actor TEXT,"
	"  reason TEXT"
	");"
	"CREATE INDEX deal_stages_deal ON deal_stages(deal_id, at);"
	"CREATE INDEX deal_stages_to ON deal_stages(to_stage, at);"
	"ALTER TABLE leads ADD COLUMN account_id INTEGER;"
	"ALTER TABLE leads ADD COLUMN contact_id INTEGER;"
	"ALTER TABLE leads ADD COLUMN deal_id INTEGER;"
	"ALTER TABLE leads ADD COLUMN converted_at TEXT;",

	/* 6: channel costs and forecast snapshots (crm-roi, crm-report) */
	"CREATE TABLE costs ("
	"  id INTEGER PRIMARY KEY,"
	"  source TEXT NOT NULL,"
	"  campaign TEXT,"
	"  period_start TEXT NOT NULL,"		/* YYYY-MM-DD, inclusive */
	"  period_end TEXT NOT NULL,"		/* YYYY-MM-DD, inclusive */
	"  amount INTEGER NOT NULL CHECK (amount >= 0),"	/* cents */
	"  note TEXT,"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX costs_source ON costs(source, campaign, period_start);"
	"CREATE TABLE forecast_snapshots ("
	"  id INTEGER PRIMARY KEY,"
	"  taken_at TEXT NOT NULL,"
	"  period TEXT NOT NULL,"		/* '2026-03', '2026-Q1', '2026-W10' */
	"  owner_id INTEGER REFERENCES users(id),"
	"  team_id INTEGER REFERENCES teams(id),"
	"  deals INTEGER NOT NULL,"
	"  amount INTEGER NOT NULL,"
	"  weighted INTEGER NOT NULL"
	");"
	"CREATE INDEX forecast_snapshots_period ON forecast_snapshots(period, owner_id);",

	/* 7: the audit becomes tamper-evident (audit.h): who ran the command
	 * beside whom it acted as, the hashes of values forget erased, and
	 * each row's hash chained to the row before; audit.c (crm_audit_ext) chains the rows
	 * written before this version when it migrates */
	"ALTER TABLE audit ADD COLUMN real_actor TEXT;"
	"ALTER TABLE audit ADD COLUMN old_sha TEXT;"
	"ALTER TABLE audit ADD COLUMN new_sha TEXT;"
	"ALTER TABLE audit ADD COLUMN hash BLOB;"
	"CREATE INDEX audit_at ON audit(at);"
	"CREATE INDEX audit_actor ON audit(actor, at);",
};

int crm_schema_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *crm_schema_step(int i)
{
	return i >= 0 && i < crm_schema_count() ? migrations[i] : NULL;
}
