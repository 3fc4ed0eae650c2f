/* schema.h: the migrations that build the database, one step per schema
 * version, and the lead indexes (which the bulk importer drops and builds
 * again around a load into an empty table). */
#ifndef CRM_SCHEMA_H
#define CRM_SCHEMA_H

/* The schema version whose migration started the audit chain. */
#define CRM_SCHEMA_AUDIT_CHAIN 7

/* Secondary indexes of leads: one per filter that crm-lead list offers and
 * one per duplicate key. */
#define CRM_LEAD_INDEXES \
	"CREATE INDEX IF NOT EXISTS leads_owner ON leads(owner_id, status);" \
	"CREATE INDEX IF NOT EXISTS leads_status ON leads(status);" \
	"CREATE INDEX IF NOT EXISTS leads_source ON leads(source, campaign);" \
	"CREATE INDEX IF NOT EXISTS leads_campaign ON leads(campaign);" \
	"CREATE INDEX IF NOT EXISTS leads_region ON leads(region);" \
	"CREATE INDEX IF NOT EXISTS leads_industry ON leads(industry);" \
	"CREATE INDEX IF NOT EXISTS leads_created ON leads(created_at);" \
	"CREATE INDEX IF NOT EXISTS leads_phone ON leads(phone_norm) WHERE phone_norm IS NOT NULL;" \
	"CREATE INDEX IF NOT EXISTS leads_email ON leads(email_norm) WHERE email_norm IS NOT NULL;" \
	"CREATE INDEX IF NOT EXISTS leads_company ON leads(company_norm, name_norm) WHERE company_norm IS NOT NULL;"

#define CRM_LEAD_DROP_INDEXES \
	"DROP INDEX IF EXISTS leads_owner; DROP INDEX IF EXISTS leads_status;" \
	"DROP INDEX IF EXISTS leads_source; DROP INDEX IF EXISTS leads_campaign;" \
	"DROP INDEX IF EXISTS leads_region; DROP INDEX IF EXISTS leads_industry;" \
	"DROP INDEX IF EXISTS leads_created; DROP INDEX IF EXISTS leads_phone;" \
	"DROP INDEX IF EXISTS leads_email; DROP INDEX IF EXISTS leads_company;"

int crm_schema_count(void);
const char *crm_schema_step(int i);

#endif
