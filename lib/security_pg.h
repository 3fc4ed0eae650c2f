/* security_pg.h: who may do what on PostgreSQL, enforced by the server
 * (HACKING, "Roles on PostgreSQL").
 *
 * On SQLite the roles are crm's own and the file's permissions are the
 * boundary.  On PostgreSQL every crm login is a role of the server, and
 * the database holds:
 *   - three group roles, crm_rep, crm_manager and crm_admin, made by crm
 *     init when its role may create roles; a login is a member of the
 *     group of its crm role (crm_role_ensure), and the groups carry the
 *     table privileges: reps and managers read every table, write the
 *     customer data, add to the audit but never change or delete it, and
 *     change of users only their absence; admins write everything but the
 *     version tables, and may create roles;
 *   - row-level security on the customer data (leads, accounts, contacts,
 *     deals, interactions, tasks; an approver also sees the account of a
 *     contract it approves) mirroring
 *     ctx.h's CRM_SQL_VISIBLE* rules, and on users and teams (read by
 *     all, written by admins), so that psql with a rep's login sees and
 *     changes exactly the rows the tools show that rep.  A role that is
 *     no active crm login sees none of it (the pool neither); a database
 *     with no users yet is single-user: everyone is the admin, as on
 *     SQLite.  Not yet: quotes, contracts, orders, payments and tickets,
 *     whose visibility the config shares in (payment recorders, approver
 *     groups, a team's ticket queue) and the server cannot read;
 *   - crm_actor_id(), crm_actor_rank() (2 admin, 1 manager, 0 rep, -1
 *     no login) and crm_actor_team(): the current role as crm knows it;
 *   - the SECURITY DEFINER functions through which a tool looks beyond
 *     the actor's rows, each answering one narrow question
 *     (crm_row_hidden: does a row the actor may not see exist, so that
 *     the tools say "not visible" (77) as on SQLite rather than "no
 *     such");
 *     crm_mail_sender: a mail's contact and account; crm_roi_leads and
 *     crm_roi_won: the company's leads and won deals, for managers and
 *     admins only, read from crm_caller(), the role the session is SET
 *     to or logged in as (current_user there is the function's owner);
 *     crm_audit_tail and crm_audit_chain: the audit's chain, hashes only);
 *   - the audit under row-level security, read with what it is about,
 *     values erased (never written) by those who may read them;
 *   - crm_role_ensure(login, role), which crm-user calls.
 *
 * The security of a database is versioned on its own (crm_security:
 * revision), beside the schema version that both engines share; the
 * backend brings it up to date when it migrates. */
#ifndef CRM_SECURITY_PG_H
#define CRM_SECURITY_PG_H

/* crm_max_id(table) and crm_sync_ids(table), which db_common.c's
 * crm_db_max_id and the backend's crm_db_sync_ids call: part of revision
 * 1, here for the tests of the store that build no more of it. */
#define CRM_SECURITY_PG_IDS \
	"CREATE FUNCTION crm_max_id(t TEXT) RETURNS BIGINT" \
	" LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$" \
	" DECLARE m BIGINT;" \
	" BEGIN" \
	"  EXECUTE format('SELECT coalesce(max(id), 0) FROM %I', t) INTO m;" \
	"  RETURN m;" \
	" END$$;" \
	"CREATE FUNCTION crm_sync_ids(t TEXT) RETURNS BIGINT" \
	" LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path FROM CURRENT AS $$" \
	" DECLARE m BIGINT;" \
	" BEGIN" \
	"  EXECUTE format('SELECT setval(pg_get_serial_sequence(%L, ''id''), max(id)) FROM %I', t, t)" \
	"   INTO m;" \
	"  RETURN m;" \
	" END$$;"

int crm_security_pg_count(void);          /* number of revisions */
const char *crm_security_pg_step(int i);  /* SQL of revision i + 1, or NULL */

#endif
