/* contact.c: contacts as a kind of record (fields, columns, duplicate
 * key), the tables that refer to a contact, and linking a converted lead's
 * person to an existing contact or a new one. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "contact.h"
#include "db.h"
#include "err.h"
#include "normalise.h"

static const struct crm_field fields[] = {
	{"name", "name", CRM_FK_TEXT, 200, .personal = true, .required = true},
	{"account", "account_id", CRM_FK_ACCOUNT, 20, .personal = false},
	{"title", "title", CRM_FK_TEXT, 200, .personal = false},
	{"phone", "phone", CRM_FK_PHONE, 64, .personal = true},
	{"email", "email", CRM_FK_EMAIL, 254, .personal = true},
	{"wechat", "wechat", CRM_FK_TEXT, 100, .personal = true},
	{"region", "region", CRM_FK_TEXT, 100, .personal = false},
	{"city", "city", CRM_FK_TEXT, 100, .personal = false},
	{"tags", "tags", CRM_FK_TAGS, 1000, .personal = false},
	{"owner", "owner_id", CRM_FK_OWNER, 100, .personal = false},
	{"notes", "notes", CRM_FK_TEXT, 65536, .personal = true},
};

static const struct crm_dupkey keys[] = {
	{"phone", "phone_norm", CRM_KEY_PHONE},
	{"email", "email_norm", CRM_KEY_EMAIL},
	{"name", "name_norm", CRM_KEY_NAME},
};

static const struct crm_col cols[] = {
	{"id", "t.id", .listed = true},
	{"name", "t.name", .listed = true},
	{"account", "t.account_id", .listed = true},
	{"account_name", "(SELECT a.name FROM accounts a WHERE a.id = t.account_id)", .listed = true},
	{"title", "t.title", .listed = true},
	{"phone", "t.phone", .listed = true},
	{"email", "t.email", .listed = true},
	{"wechat", "t.wechat", .listed = true},
	{"region", "t.region", .listed = false},
	{"city", "t.city", .listed = false},
	{"tags", "t.tags", .listed = true},
	{"owner", "u.login", .listed = true},
	{"notes", "t.notes", .listed = false},
	{"lead", "t.lead_id", .listed = false},
	{"created_at", "t.created_at", .listed = true},
	{"updated_at", "t.updated_at", .listed = false},
	{"last_activity_at", "t.last_activity_at", .listed = false},
	{"forgotten_at", "t.forgotten_at", .listed = false},
};

const struct crm_kind crm_contact_kind = {
	.entity = "contact",
	.table = "contacts",
	.fields = fields,
	.nfields = (int)(sizeof fields / sizeof fields[0]),
	.cols = cols,
	.ncols = (int)(sizeof cols / sizeof cols[0]),
	.company = false,
	.custom_personal = true,
	.name_key = "CASE WHEN t.account_id IS NOT NULL AND t.name_norm IS NOT NULL"
		    " THEN t.account_id || '\t' || t.name_norm END",
	.name_match = "account+name",
	.repoint = crm_contact_repoint,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.from_lead = true,
};

int crm_contact_repoint(struct crm_db *db, int64_t from, int64_t to)
{
	static const char *const sql[] = {
		"UPDATE deals SET contact_id = ?2 WHERE contact_id = ?1",
		"UPDATE leads SET contact_id = ?2 WHERE contact_id = ?1",
		"UPDATE interactions SET subject_id = ?2 WHERE subject_type = 'contact' AND subject_id = ?1",
		"UPDATE tasks SET subject_id = ?2 WHERE subject_type = 'contact' AND subject_id = ?1",
		CRM_SQL_REPOINT_REMINDERS("contact"),
	};
	return crm_db_run_with_ids(db, sql, sizeof sql / sizeof sql[0], from, to,
				   "re-point contact references");
}

static const char *first_of(const char *a, const char *b, const char *c)
{
	return a && *a ? a : b && *b ? b : c;
}

int crm_contact_link_or_create(struct crm_ctx *ctx, const struct crm_contact_seed *seed,
			       int64_t *id, bool *created)
{
	static const char find_sql[] =
		"SELECT id FROM contacts WHERE forgotten_at IS NULL"
		" AND (phone_norm = ?2 OR email_norm = ?3 OR (account_id = ?4 AND name_norm = ?1))"
		" ORDER BY CASE WHEN phone_norm = ?2 THEN 1 ELSE 0 END DESC,"
		" CASE WHEN email_norm = ?3 THEN 1 ELSE 0 END DESC, id LIMIT 1";
	char where[64], account[24];
	int st;

	if (seed->lead_id)
		snprintf(where, sizeof where, "lead %lld: contact", (long long)seed->lead_id);
	else
		snprintf(where, sizeof where, "contact");
	*created = false;
	struct crm_stmt *s = crm_db_stmt(ctx->db, find_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_rec_bind_key(s, 1, seed->name, CRM_KEY_NAME);
	crm_rec_bind_key(s, 2, seed->phone, CRM_KEY_PHONE);
	crm_rec_bind_key(s, 3, seed->email, CRM_KEY_EMAIL);
	crm_bind_id(s, 4, seed->account_id);
	int rc = crm_step(s);
	if (rc == CRM_ROW) {
		*id = crm_col_int(s, 0);
		crm_stmt_reset(s);
		return 0;
	}
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot look for contacts");
	struct crm_rec *r = crm_rec_new(ctx, &crm_contact_kind);
	char *owner = crm_rec_login_of(ctx, seed->owner_id);
	snprintf(account, sizeof account, "%lld", (long long)seed->account_id);
	/* the caller has just linked or made the account */
	crm_rec_trust_refs(r, true);
	if (!(st = crm_rec_seed_put(r, "name", first_of(seed->name, seed->email, seed->phone), where)) &&
	    !(st = crm_rec_seed_put(r, "account", seed->account_id ? account : NULL, where)) &&
	    !(st = crm_rec_seed_put(r, "title", seed->title, where)) &&
	    !(st = crm_rec_seed_put(r, "phone", seed->phone, where)) &&
	    !(st = crm_rec_seed_put(r, "email", seed->email, where)) &&
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
