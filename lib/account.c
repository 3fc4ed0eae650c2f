/* account.c: accounts as a kind of record (fields, columns, duplicate key),
 * the tables that refer to an account, and linking a converted lead to an
 * existing account or a new one.  The 360-degree view is account_show.c. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "account.h"
#include "db.h"
#include "err.h"
#include "normalise.h"

static const struct crm_field fields[] = {
	{"name", "name", CRM_FK_TEXT, 300, .personal = false, .required = true},
	{"industry", "industry", CRM_FK_TEXT, 100, .personal = false},
	{"size", "size", CRM_FK_TEXT, 50, .personal = false},
	{"region", "region", CRM_FK_TEXT, 100, .personal = false},
	{"city", "city", CRM_FK_TEXT, 100, .personal = false},
	{"address", "address", CRM_FK_TEXT, 500, .personal = false},
	{"website", "website", CRM_FK_TEXT, 300, .personal = false},
	{"phone", "phone", CRM_FK_PHONE, 64, .personal = true},
	{"email", "email", CRM_FK_EMAIL, 254, .personal = true},
	{"source", "source", CRM_FK_SOURCE, 100, .personal = false},
	{"tags", "tags", CRM_FK_TAGS, 1000, .personal = false},
	{"owner", "owner_id", CRM_FK_OWNER, 100, .personal = false},
	{"parent", "parent_id", CRM_FK_ACCOUNT, 20, .personal = false},
	{"notes", "notes", CRM_FK_TEXT, 65536, .personal = true},
};

static const struct crm_dupkey keys[] = {
	{"phone", "phone_norm", CRM_KEY_PHONE},
	{"email", "email_norm", CRM_KEY_EMAIL},
	{"name", "name_norm", CRM_KEY_COMPANY},
};

static const struct crm_col cols[] = {
	{"id", "t.id", .listed = true},
	{"name", "t.name", .listed = true},
	{"industry", "t.industry", .listed = true},
	{"size", "t.size", .listed = true},
	{"region", "t.region", .listed = true},
	{"city", "t.city", .listed = true},
	{"address", "t.address", .listed = false},
	{"website", "t.website", .listed = false},
	{"phone", "t.phone", .listed = true},
	{"email", "t.email", .listed = true},
	{"source", "t.source", .listed = true},
	{"tags", "t.tags", .listed = true},
	{"owner", "u.login", .listed = true},
	{"parent", "t.parent_id", .listed = true},
	{"parent_name", "(SELECT p.name FROM accounts p WHERE p.id = t.parent_id)", .listed = false},
	{"notes", "t.notes", .listed = false},
	{"contacts", "(SELECT count(*) FROM contacts c WHERE c.account_id = t.id)", .listed = false},
	{"lead", "t.lead_id", .listed = false},
	{"created_at", "t.created_at", .listed = true},
	{"updated_at", "t.updated_at", .listed = false},
	{"last_activity_at", "t.last_activity_at", .listed = false},
	{"forgotten_at", "t.forgotten_at", .listed = false},
};

const struct crm_kind crm_account_kind = {
	.entity = "account",
	.table = "accounts",
	.fields = fields,
	.nfields = (int)(sizeof fields / sizeof fields[0]),
	.cols = cols,
	.ncols = (int)(sizeof cols / sizeof cols[0]),
	.company = true,
	.custom_personal = false,	/* a company's custom fields are not a person's */
	.name_key = "t.name_norm",
	.name_match = "name",
	.repoint = crm_account_repoint,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.from_lead = true,
};

int crm_account_repoint(struct crm_db *db, int64_t from, int64_t to)
{
	/* Every table that names an account.  reminders_sent is keyed by its
	 * subject, so a row the kept account already has is dropped. */
	static const char *const sql[] = {
		"UPDATE contacts SET account_id = ?2 WHERE account_id = ?1",
		"UPDATE accounts SET parent_id = ?2 WHERE parent_id = ?1 AND id <> ?2",
		"UPDATE accounts SET parent_id = NULL WHERE parent_id = ?1",
		"UPDATE deals SET account_id = ?2 WHERE account_id = ?1",
		"UPDATE leads SET account_id = ?2 WHERE account_id = ?1",
		"UPDATE interactions SET subject_id = ?2 WHERE subject_type = 'account' AND subject_id = ?1",
		"UPDATE tasks SET subject_id = ?2 WHERE subject_type = 'account' AND subject_id = ?1",
		CRM_SQL_REPOINT_REMINDERS("account"),
	};
	return crm_db_run_with_ids(db, sql, sizeof sql / sizeof sql[0], from, to,
				   "re-point account references");
}

int crm_account_link_or_create(struct crm_ctx *ctx, const struct crm_account_seed *seed,
			       int64_t *id, bool *created)
{
	static const char find_sql[] =
		"SELECT id FROM accounts WHERE forgotten_at IS NULL"
		" AND (name_norm = ?1 OR phone_norm = ?2 OR email_norm = ?3)"
		" ORDER BY CASE WHEN name_norm = ?1 THEN 1 ELSE 0 END DESC,"
		" CASE WHEN phone_norm = ?2 THEN 1 ELSE 0 END DESC, id LIMIT 1";
	char where[64];
	int st;

	if (seed->lead_id)
		snprintf(where, sizeof where, "lead %lld: account", (long long)seed->lead_id);
	else
		snprintf(where, sizeof where, "account");
	*created = false;
	struct crm_stmt *s = crm_db_stmt(ctx->db, find_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_rec_bind_key(s, 1, seed->name, CRM_KEY_COMPANY);
	crm_rec_bind_key(s, 2, seed->phone, CRM_KEY_PHONE);
	crm_rec_bind_key(s, 3, seed->email, CRM_KEY_EMAIL);
	int rc = crm_step(s);
	if (rc == CRM_ROW) {
		*id = crm_col_int(s, 0);
		crm_stmt_reset(s);
		return 0;
	}
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot look for accounts");
	struct crm_rec *r = crm_rec_new(ctx, &crm_account_kind);
	char *owner = crm_rec_login_of(ctx, seed->owner_id);
	if (!(st = crm_rec_seed_put(r, "name", seed->name, where)) &&
	    !(st = crm_rec_seed_put(r, "industry", seed->industry, where)) &&
	    !(st = crm_rec_seed_put(r, "region", seed->region, where)) &&
	    !(st = crm_rec_seed_put(r, "city", seed->city, where)) &&
	    !(st = crm_rec_seed_put(r, "phone", seed->phone, where)) &&
	    !(st = crm_rec_seed_put(r, "email", seed->email, where)) &&
	    !(st = crm_rec_seed_put(r, "source", seed->source, where)) &&
	    !(st = crm_rec_seed_put(r, "owner", owner, where))) {
		crm_rec_set_lead(r, seed->lead_id);
		if ((st = crm_rec_check_new(r)))
			crm_warn("%s: %s", where, crm_rec_error(r));
		else if (!(st = crm_rec_insert(r, false, true, id)))
			*created = true;
	}
	free(owner);
	crm_rec_free(r);
	return st;
}
