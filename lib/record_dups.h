/* record_dups.h: the SQL that finds the record an imported account,
 * contact or deal duplicates, for record_import.c (deal_import.c asks
 * for visibility too) and
 * for the PostgreSQL functions that run it beyond the importer's own rows
 * (security_pg.c: crm_account_dup, crm_contact_dup, crm_deal_external).
 * The arguments are the SQL of the normalised keys. */
#ifndef CRM_RECORD_DUPS_H
#define CRM_RECORD_DUPS_H

/* an account of the same normalised name: (id) */
#define CRM_ACCOUNT_DUP(name) \
	"SELECT id FROM accounts WHERE forgotten_at IS NULL AND name_norm = " name " ORDER BY id LIMIT 1"
/* a contact of the same phone, e-mail, or name at the same account:
 * (id, the key it shares) */
#define CRM_CONTACT_DUP(name, phone, email, account)                                          \
	"SELECT id, CASE WHEN phone_norm = " phone " THEN 'phone' WHEN email_norm = " email     \
	" THEN 'email' ELSE 'name at the same account' END FROM contacts WHERE forgotten_at IS NULL" \
	" AND (phone_norm = " phone " OR email_norm = " email " OR (account_id = " account         \
	" AND name_norm = " name ")) ORDER BY id LIMIT 1"
/* the contact (id, account or 0), else the account (id), of a mail's
 * sender (ticket_mail.c; crm_mail_sender on PostgreSQL) */
#define CRM_CONTACT_BY_EMAIL(email)                                                       \
	"SELECT id, coalesce(account_id, 0) FROM contacts WHERE email_norm = " email        \
	" AND forgotten_at IS NULL ORDER BY id LIMIT 1"
#define CRM_ACCOUNT_BY_EMAIL(email) \
	"SELECT id FROM accounts WHERE email_norm = " email " AND forgotten_at IS NULL ORDER BY id LIMIT 1"
/* the deal imported before with this external id: (id) */
#define CRM_DEAL_EXTERNAL(ext) "SELECT id FROM deals WHERE external_id = " ext

#endif
