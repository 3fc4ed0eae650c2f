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

	/* 8: from won deal to cash collected: the catalogue, quotes,
	 * contracts with their approvals, orders, instalment plans, payments
	 * and invoices (crm-product, crm-quote, crm-contract, crm-order,
	 * crm-pay).  Rates are basis points (1300 = 13%), quantities
	 * thousandths (2.5 = 2500), money cents, dates YYYY-MM-DD. */
	"CREATE TABLE products ("
	"  id INTEGER PRIMARY KEY,"
	"  sku TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  unit TEXT,"
	"  price INTEGER NOT NULL DEFAULT 0 CHECK (price >= 0),"	/* list price, cents */
	"  currency TEXT NOT NULL,"
	"  tax_rate INTEGER NOT NULL CHECK (tax_rate BETWEEN 0 AND 10000),"
	"  max_discount INTEGER CHECK (max_discount BETWEEN 0 AND 10000),"	/* NULL: the config's */
	"  active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),"
	"  notes TEXT, custom TEXT,"
	"  name_norm TEXT,"
	"  owner_id INTEGER REFERENCES users(id),"
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL"
	");"
	"CREATE INDEX products_name ON products(name_norm);"
	"CREATE TABLE product_prices ("		/* tiers: from min_qty on, this unit price */
	"  product_id INTEGER NOT NULL REFERENCES products(id),"
	"  min_qty INTEGER NOT NULL CHECK (min_qty > 0),"
	"  price INTEGER NOT NULL CHECK (price >= 0),"
	"  PRIMARY KEY (product_id, min_qty)"
	");"
	"CREATE TABLE quotes ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL,"			/* shared by a quote's versions */
	"  version INTEGER NOT NULL DEFAULT 1 CHECK (version > 0),"
	"  deal_id INTEGER NOT NULL REFERENCES deals(id),"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  contact_id INTEGER REFERENCES contacts(id),"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN"
	"    ('draft', 'sent', 'accepted', 'rejected', 'expired', 'superseded')),"
	"  approval TEXT CHECK (approval IN ('pending', 'approved', 'rejected')),"	/* of a discount */
	"  approved_by INTEGER REFERENCES users(id),"
	"  currency TEXT NOT NULL,"
	"  valid_until TEXT,"
	"  net INTEGER NOT NULL DEFAULT 0, tax INTEGER NOT NULL DEFAULT 0,"
	"  total INTEGER NOT NULL DEFAULT 0,"
	"  terms TEXT, notes TEXT, custom TEXT,"
	"  owner_id INTEGER REFERENCES users(id),"
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL,"
	"  sent_at TEXT, decided_at TEXT, reason TEXT,"
	"  UNIQUE (number, version)"
	");"
	"CREATE INDEX quotes_deal ON quotes(deal_id);"
	"CREATE INDEX quotes_owner ON quotes(owner_id, status);"
	"CREATE INDEX quotes_status ON quotes(status, valid_until);"
	"CREATE TABLE contracts ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL UNIQUE,"
	"  title TEXT,"
	"  deal_id INTEGER REFERENCES deals(id),"
	"  quote_id INTEGER REFERENCES quotes(id),"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  party_a TEXT, party_b TEXT,"		/* the customer, and us */
	"  amount INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),"
	"  currency TEXT NOT NULL,"
	"  start_date TEXT, end_date TEXT, signed_on TEXT,"
	"  terms TEXT, notes TEXT, custom TEXT,"
	"  status TEXT NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'pending', 'approved',"
	"    'rejected', 'signed', 'active', 'completed', 'terminated')),"
	"  approval_round INTEGER NOT NULL DEFAULT 0,"	/* the latest submission's */
	"  external_id TEXT,"
	"  owner_id INTEGER REFERENCES users(id),"
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL"
	");"
	"CREATE INDEX contracts_owner ON contracts(owner_id, status);"
	"CREATE INDEX contracts_account ON contracts(account_id);"
	"CREATE INDEX contracts_deal ON contracts(deal_id);"
	"CREATE INDEX contracts_status ON contracts(status);"
	"CREATE INDEX contracts_signed ON contracts(signed_on);"
	"CREATE TABLE contract_approvals ("	/* one row per step of each submission */
	"  id INTEGER PRIMARY KEY,"
	"  contract_id INTEGER NOT NULL REFERENCES contracts(id),"
	"  round INTEGER NOT NULL,"
	"  step INTEGER NOT NULL,"		/* 1, 2, ... in the chain's order */
	"  approver TEXT NOT NULL,"		/* group, manager, admin or login, as configured */
	"  status TEXT NOT NULL DEFAULT 'waiting' CHECK (status IN"
	"    ('waiting', 'pending', 'approved', 'rejected')),"	/* pending: its turn */
	"  decided_by INTEGER REFERENCES users(id),"
	"  comment TEXT,"
	"  pending_since TEXT, decided_at TEXT,"
	"  UNIQUE (contract_id, round, step)"
	");"
	"CREATE INDEX contract_approvals_pending ON contract_approvals(status, approver);"
	/* who may decide a step, resolved from its approver when the step is
	 * created, so a later change of groups or managers does not move it */
	"CREATE TABLE contract_approvers ("
	"  approval_id INTEGER NOT NULL REFERENCES contract_approvals(id),"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  PRIMARY KEY (approval_id, user_id)"
	");"
	"CREATE INDEX contract_approvers_user ON contract_approvers(user_id);"
	"CREATE TABLE orders ("
	"  id INTEGER PRIMARY KEY,"
	"  number TEXT NOT NULL UNIQUE,"
	"  contract_id INTEGER NOT NULL REFERENCES contracts(id),"
	"  account_id INTEGER REFERENCES accounts(id),"
	"  status TEXT NOT NULL DEFAULT 'open' CHECK (status IN"
	"    ('open', 'partial', 'fulfilled', 'cancelled')),"
	"  net INTEGER NOT NULL DEFAULT 0, tax INTEGER NOT NULL DEFAULT 0,"
	"  total INTEGER NOT NULL DEFAULT 0,"
	"  currency TEXT NOT NULL,"
	"  ordered_on TEXT NOT NULL, fulfilled_on TEXT,"
	"  notes TEXT, custom TEXT,"
	"  owner_id INTEGER REFERENCES users(id),"
	"  created_at TEXT NOT NULL, updated_at TEXT NOT NULL"
	");"
	"CREATE INDEX orders_contract ON orders(contract_id);"
	"CREATE INDEX orders_owner ON orders(owner_id, status);"
	/* The lines of quotes, contracts and orders: one table, one rule of
	 * arithmetic (lines.h).  An order line's delivered counts up to qty. */
	"CREATE TABLE doc_lines ("
	"  id INTEGER PRIMARY KEY,"
	"  doc TEXT NOT NULL CHECK (doc IN ('quote', 'contract', 'order')),"
	"  doc_id INTEGER NOT NULL,"
	"  line_no INTEGER NOT NULL CHECK (line_no > 0),"
	"  product_id INTEGER REFERENCES products(id),"
	"  description TEXT NOT NULL,"
	"  unit TEXT,"
	"  qty INTEGER NOT NULL CHECK (qty > 0),"
	"  unit_price INTEGER NOT NULL CHECK (unit_price >= 0),"
	"  discount INTEGER NOT NULL DEFAULT 0 CHECK (discount BETWEEN 0 AND 10000),"
	"  tax_rate INTEGER NOT NULL DEFAULT 0 CHECK (tax_rate BETWEEN 0 AND 10000),"
	"  net INTEGER NOT NULL, tax INTEGER NOT NULL, total INTEGER NOT NULL,"
	"  delivered INTEGER NOT NULL DEFAULT 0 CHECK (delivered >= 0),"
	"  source_line INTEGER REFERENCES doc_lines(id),"	/* the line it was copied from */
	"  UNIQUE (doc, doc_id, line_no)"
	");"
	"CREATE INDEX doc_lines_source ON doc_lines(source_line) WHERE source_line IS NOT NULL;"
	"CREATE TABLE instalments ("
	"  id INTEGER PRIMARY KEY,"
	"  contract_id INTEGER NOT NULL REFERENCES contracts(id),"
	"  order_id INTEGER REFERENCES orders(id),"
	"  seq INTEGER NOT NULL CHECK (seq > 0),"
	"  due_on TEXT NOT NULL,"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  paid INTEGER NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= amount),"
	"  note TEXT,"
	"  created_at TEXT NOT NULL,"
	"  UNIQUE (contract_id, seq)"
	");"
	"CREATE INDEX instalments_due ON instalments(due_on, contract_id);"
	/* the open ones, covering what ageing and the collections forecast read */
	"CREATE INDEX instalments_open ON instalments(contract_id, due_on, amount, paid)"
	"  WHERE paid < amount;"
	"CREATE TABLE payments ("
	"  id INTEGER PRIMARY KEY,"
	"  contract_id INTEGER NOT NULL REFERENCES contracts(id),"
	"  paid_on TEXT NOT NULL,"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  method TEXT,"			/* bank, cash, alipay, wechat, cheque, ... */
	"  reference TEXT,"
	"  note TEXT,"
	"  recorded_by INTEGER REFERENCES users(id),"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX payments_contract ON payments(contract_id, paid_on);"
	"CREATE INDEX payments_paid ON payments(paid_on);"
	"CREATE TABLE payment_allocations ("	/* oldest open instalment first */
	"  payment_id INTEGER NOT NULL REFERENCES payments(id),"
	"  instalment_id INTEGER NOT NULL REFERENCES instalments(id),"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  PRIMARY KEY (payment_id, instalment_id)"
	");"
	"CREATE INDEX payment_allocations_instalment ON payment_allocations(instalment_id);"
	"CREATE TABLE invoices ("		/* 发票 issued to the customer */
	"  id INTEGER PRIMARY KEY,"
	"  contract_id INTEGER NOT NULL REFERENCES contracts(id),"
	"  number TEXT NOT NULL UNIQUE,"
	"  amount INTEGER NOT NULL CHECK (amount > 0),"
	"  issued_on TEXT NOT NULL,"
	"  kind TEXT,"				/* normal (普票), special (专票) */
	"  note TEXT,"
	"  created_at TEXT NOT NULL"
	");"
	"CREATE INDEX invoices_contract ON invoices(contract_id, issued_on);",
};

int crm_schema_count(void)
{
	return (int)(sizeof migrations / sizeof migrations[0]);
}

const char *crm_schema_step(int i)
{
	return i >= 0 && i < crm_schema_count() ? migrations[i] : NULL;
}
