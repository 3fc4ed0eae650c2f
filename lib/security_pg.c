/* security_pg.c: see security_pg.h.  Never edit a released revision:
 * append one.
 *
 * The policies spell ctx.h's visibility with the actor's id, rank and team
 * read by functions in place of bound parameters.  Each is called as a
 * scalar subquery, (SELECT crm_actor_rank()), which the planner runs once
 * per statement rather than once per row. */
#include <stddef.h>

#include "lead_dups.h"
#include "record_dups.h"
#include "schema_pg.h"
#include "security_pg.h"

#define RANK "(SELECT crm_actor_rank())"
#define ME "(SELECT crm_actor_id())"
#define TEAM "(SELECT crm_actor_team())"
/* CRM_SQL_VISIBLE, CRM_SQL_VISIBLE_LEAD and CRM_SQL_VISIBLE_OWNED of
 * ctx.h and record.h; the pool only for someone crm knows */
#define VISIBLE(o)                                                                       \
	"(" RANK " = 2 OR " o " = " ME " OR (" RANK " = 1 AND " o " IN (SELECT u.id FROM" \
	" users u WHERE u.team_id = " TEAM " OR u.manager_id = " ME ")))"
#define VISIBLE_LEAD(o) "((" o " IS NULL AND " RANK " >= 0) OR " VISIBLE(o) ")"
#define VISIBLE_OWNED(o) "((" o " IS NULL AND " RANK " >= 1) OR " VISIBLE(o) ")"

/* Rows of t that vis lets the actor see, change and delete; any crm login
 * may add rows (what it may then see is vis). */
#define POLICIES(t, vis)                                                             \
	"ALTER TABLE " t " ENABLE ROW LEVEL SECURITY;"                               \
	"CREATE POLICY crm_read ON " t " FOR SELECT USING " vis ";"                  \
	"CREATE POLICY crm_add ON " t " FOR INSERT WITH CHECK (" RANK " >= 0);"      \
	"CREATE POLICY crm_change ON " t " FOR UPDATE USING " vis                    \
	" WITH CHECK (" RANK " >= 0);"                                               \
	"CREATE POLICY crm_remove ON " t " FOR DELETE USING " vis ";"

/* Read by every crm login, written by admins only. */
#define ADMIN_WRITES(t)                                                              \
	"ALTER TABLE " t " ENABLE ROW LEVEL SECURITY;"                               \
	"CREATE POLICY crm_read ON " t " FOR SELECT USING (true);"                   \
	"CREATE POLICY crm_add ON " t " FOR INSERT WITH CHECK (" RANK " = 2);"       \
	"CREATE POLICY crm_change ON " t " FOR UPDATE USING (" RANK " = 2)"          \
	" WITH CHECK (" RANK " = 2);"                                                \
	"CREATE POLICY crm_remove ON " t " FOR DELETE USING (" RANK " = 2);"

/* An interaction is seen with its subject (subject.c's
 * CRM_SUBJECT_VISIBLE): the subject's own policy decides; tickets have
 * none yet (security_pg.h). */
#define SUBJECT_SEEN(type, id)                                                       \
	"(CASE " type " WHEN 'lead' THEN EXISTS (SELECT 1 FROM leads s WHERE s.id = " id ")" \
	" WHEN 'account' THEN EXISTS (SELECT 1 FROM accounts s WHERE s.id = " id ")"  \
	" WHEN 'contact' THEN EXISTS (SELECT 1 FROM contacts s WHERE s.id = " id ")"  \
	" WHEN 'deal' THEN EXISTS (SELECT 1 FROM deals s WHERE s.id = " id ")"        \
	" WHEN 'ticket' THEN " RANK " >= 0 ELSE false END)"

static const char *const steps[] = {
	/* revision 1: group roles, grants, the actor, row-level security */
	"CREATE TABLE crm_security (revision INTEGER NOT NULL);"
	"INSERT INTO crm_security (revision) VALUES (0);"

	"CREATE FUNCTION crm_actor_id() RETURNS BIGINT LANGUAGE sql STABLE AS"
	" $$SELECT id FROM users WHERE login = current_user AND active = 1$$;"
	"CREATE FUNCTION crm_actor_team() RETURNS BIGINT LANGUAGE sql STABLE AS"
	" $$SELECT team_id FROM users WHERE login = current_user AND active = 1$$;"
	"CREATE FUNCTION crm_actor_rank() RETURNS INTEGER LANGUAGE sql STABLE AS"
	" $$SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM users) THEN 2"
	"  ELSE coalesce((SELECT CASE role WHEN 'admin' THEN 2 WHEN 'manager' THEN 1 ELSE 0 END"
	"   FROM users WHERE login = current_user AND active = 1), -1) END$$;"

	/* Does the row exist?  Asked by a tool that found no row of table t
	 * with that id among those the actor may see, to tell "not visible"
	 * from "no such" as the tools do on SQLite.  It answers nothing but
	 * that, and only for the tables named. */
	"CREATE FUNCTION crm_row_hidden(t TEXT, row_id BIGINT) RETURNS BOOLEAN"
	" LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$"
	" DECLARE found BOOLEAN;"
	" BEGIN"
	"  IF t IS NULL OR t NOT IN ('leads', 'accounts', 'contacts', 'deals', 'interactions', 'tasks')"
	"  THEN RETURN false; END IF;"
	"  EXECUTE format('SELECT EXISTS (SELECT 1 FROM %I WHERE id = $1)', t) INTO found USING row_id;"
	"  RETURN found;"
	" END$$;"

	/* The last id of a table of crm's, rows the actor may not see
	 * included (where an import's ids begin), and the table's identity
	 * sequence moved to it (after rows given their ids): ids, nothing
	 * more. */
	CRM_SECURITY_PG_IDS
	/* The duplicates among the leads after p_after (lead_dups.h) against
	 * every lead, for an importer who sees only some: by phone (key 1),
	 * e-mail (2), company and name (3) into a new table, by each key of
	 * each new row (0) into a filled one.  What the importer then learns
	 * of a lead it may not see is that the customer is taken. */
	"CREATE FUNCTION crm_lead_dups(p_after BIGINT, p_key INTEGER)"
	" RETURNS TABLE (id BIGINT, first BIGINT, k INTEGER)"
	" LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$"
	" #variable_conflict use_column\n"
	" BEGIN"
	"  IF p_key = 1 THEN RETURN QUERY " CRM_LEAD_DUPS_PHONE("p_after") ";"
	"  ELSIF p_key = 2 THEN RETURN QUERY " CRM_LEAD_DUPS_EMAIL("p_after") ";"
	"  ELSIF p_key = 3 THEN RETURN QUERY " CRM_LEAD_DUPS_COMPANY("p_after") ";"
	"  ELSE RETURN QUERY " CRM_LEAD_DUPS_NEW("p_after", " OFFSET 0") ";"
	"  END IF;"
	" END$$;"

	/* The audit's chain, which every writer extends and crm check
	 * verifies, beyond the rows an actor may read: the last row up to an
	 * id (all: NULL), and each row's id with the hash audit.c's chain
	 * gives it after the row before and the hash stored.  Hashes only,
	 * never a value. */
	"CREATE FUNCTION crm_audit_tail(upto BIGINT) RETURNS TABLE (id BIGINT, hash BYTEA)"
	" LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS"
	" $$SELECT a.id, a.hash FROM audit a WHERE upto IS NULL OR a.id <= upto"
	" ORDER BY a.id DESC LIMIT 1$$;"
	"CREATE FUNCTION crm_audit_chain() RETURNS TABLE (id BIGINT, want BYTEA, hash BYTEA)"
	" LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$"
	" DECLARE r RECORD; zeros BYTEA := decode(repeat('00', 32), 'hex'); prev BYTEA := zeros;"
	" BEGIN"
	"  FOR r IN SELECT * FROM audit a ORDER BY a.id LOOP"
	"   id := r.id; hash := r.hash;"
	"   want := sha256(prev || crm_audit_frame(r.at) || crm_audit_frame(r.actor)"
	"    || crm_audit_frame(r.real_actor) || crm_audit_frame(r.tool) || crm_audit_frame(r.entity)"
	"    || crm_audit_frame(r.entity_id::text) || crm_audit_frame(r.action)"
	"    || crm_audit_frame(r.field)"
	"    || CASE WHEN r.old_sha IS NULL THEN crm_audit_value(r.old_value)"
	"       WHEN r.old_sha ~ '^[0-9a-fA-F]{64}$' THEN '\\x02'::bytea || decode(r.old_sha, 'hex')"
	"       ELSE '\\x02'::bytea || zeros END"
	"    || CASE WHEN r.new_sha IS NULL THEN crm_audit_value(r.new_value)"
	"       WHEN r.new_sha ~ '^[0-9a-fA-F]{64}$' THEN '\\x02'::bytea || decode(r.new_sha, 'hex')"
	"       ELSE '\\x02'::bytea || zeros END);"
	"   prev := CASE WHEN octet_length(r.hash) = 32 THEN r.hash ELSE zeros END;"
	"   RETURN NEXT;"
	"  END LOOP;"
	" END$$;"
	/* set-wise audit rows chain on from the last of all rows, which
	 * crm_audit_tail reads past row-level security (crm_audit_hash
	 * itself keeps the chain in a setting of the transaction, which a
	 * SECURITY DEFINER function with its own search_path would lose) */
	CRM_AUDIT_HASH_FN("CREATE OR REPLACE", "SELECT t.id, t.hash INTO last_id, prev"
			  " FROM crm_audit_tail(NULL) t")

	/* The record an imported account, contact or deal duplicates
	 * (record_dups.h), among everyone's: an importer who may not see it
	 * learns that the customer is there, not whose it is. */
	"CREATE FUNCTION crm_account_dup(p_name TEXT) RETURNS TABLE (id BIGINT)"
	" LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$"
	CRM_ACCOUNT_DUP("p_name") "$$;"
	"CREATE FUNCTION crm_contact_dup(p_name TEXT, p_phone TEXT, p_email TEXT, p_account BIGINT)"
	" RETURNS TABLE (id BIGINT, why TEXT)"
	" LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$"
	CRM_CONTACT_DUP("p_name", "p_phone", "p_email", "p_account") "$$;"
	"CREATE FUNCTION crm_deal_external(p_ext TEXT) RETURNS BIGINT"
	" LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$"
	CRM_DEAL_EXTERNAL("p_ext") " ORDER BY id LIMIT 1$$;"

	/* The contact and account of a mail's sender (ticket_mail.c), among
	 * everyone's: (0, 0) when none. */
	"CREATE FUNCTION crm_mail_sender(p_email TEXT) RETURNS TABLE (contact BIGINT, account BIGINT)"
	" LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS $$"
	" BEGIN"
	"  contact := 0; account := 0;"
	"  SELECT c.id, c.a INTO contact, account FROM (" CRM_CONTACT_BY_EMAIL("p_email") ") AS c(id, a);"
	"  IF coalesce(account, 0) = 0 THEN"
	"   SELECT a.id INTO account FROM (" CRM_ACCOUNT_BY_EMAIL("p_email") ") AS a(id);"
	"  END IF;"
	"  contact := coalesce(contact, 0); account := coalesce(account, 0);"
	"  RETURN NEXT;"
	" END$$;"

	/* Who called a SECURITY DEFINER function, in which current_user is
	 * the function's owner: the role the session was SET to (which the
	 * server grants only to its members), else the one it logged in as. */
	"CREATE FUNCTION crm_caller() RETURNS TEXT LANGUAGE sql STABLE AS"
	" $$SELECT CASE current_setting('role') WHEN 'none' THEN session_user::text"
	" ELSE current_setting('role') END$$;"
	/* The leads and won deals ROI counts for a manager (roi.c): costs are
	 * the company's, so is the revenue, in sums per channel; the columns
	 * those sums need and no others, to managers and admins only. */
	"CREATE FUNCTION crm_roi_leads(p_since TEXT, p_until TEXT) RETURNS TABLE (id BIGINT,"
	" created_at TEXT, source TEXT, campaign TEXT, region TEXT, owner_id BIGINT)"
	" LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS"
	" $$SELECT l.id, l.created_at, l.source, l.campaign, l.region, l.owner_id FROM leads l"
	" WHERE l.created_at >= p_since AND l.created_at < p_until AND EXISTS (SELECT 1 FROM users u"
	" WHERE u.login = crm_caller() AND u.active = 1 AND u.role IN ('manager', 'admin'))$$;"
	"CREATE FUNCTION crm_roi_won() RETURNS TABLE (lead_id BIGINT, account_id BIGINT,"
	" amount BIGINT, owner_id BIGINT, status TEXT)"
	" LANGUAGE sql STABLE SECURITY DEFINER SET search_path FROM CURRENT AS"
	" $$SELECT d.lead_id, d.account_id, d.amount, d.owner_id, d.status FROM deals d"
	" WHERE d.status = 'won' AND d.lead_id IS NOT NULL AND EXISTS (SELECT 1 FROM users u"
	" WHERE u.login = crm_caller() AND u.active = 1 AND u.role IN ('manager', 'admin'))$$;"

	/* A login's role of the server, made when missing (if the caller may
	 * create roles) and put in the group of its crm role; an admin's may
	 * create roles itself, every other login's is granted to crm_admin so
	 * that admins may SET ROLE to it.  NULL, or what could not be done. */
	"CREATE FUNCTION crm_role_ensure(p_login TEXT, p_role TEXT) RETURNS TEXT"
	" LANGUAGE plpgsql AS $$"
	" BEGIN"
	"  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_login) THEN"
	"   BEGIN"
	"    EXECUTE format('CREATE ROLE %I LOGIN', p_login);"
	"   EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;"
	"   WHEN insufficient_privilege THEN"
	"    RETURN format('no PostgreSQL role ''%s'' (%s): a database administrator can make it:"
	" CREATE ROLE %I LOGIN IN ROLE %I', p_login, SQLERRM, p_login, 'crm_' || p_role);"
	"   END;"
	"  END IF;"
	"  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'crm_' || p_role) THEN"
	"   RETURN format('no group role crm_%s on the server (crm init makes it when its role"
	" may create roles)', p_role);"
	"  END IF;"
	/* the roles are the cluster's: another database's crm may be granting
	 * the same ones at this moment ("tuple concurrently updated") */
	"  FOR attempt IN 1..10 LOOP"
	"   BEGIN"
	"    EXECUTE format('GRANT %I TO %I', 'crm_' || p_role, p_login);"
	"    IF p_role = 'admin' THEN"
	"     EXECUTE format('ALTER ROLE %I CREATEROLE', p_login);"
	"    ELSIF NOT pg_has_role('crm_admin', p_login, 'MEMBER') THEN"
	"     EXECUTE format('GRANT %I TO crm_admin', p_login);"
	"    END IF;"
	"    RETURN NULL;"
	"   EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN"
	"    RETURN format('the PostgreSQL role ''%s'' is not set up for crm (%s)', p_login, SQLERRM);"
	"   WHEN internal_error THEN"
	"    IF attempt = 10 THEN RAISE; END IF;"
	"    PERFORM pg_sleep(0.02 * attempt);"
	"   END;"
	"  END LOOP;"
	"  RETURN NULL;"
	" END$$;"

	/* the group roles, when this role may make them, and their grants */
	"DO $$"
	" DECLARE g TEXT; s TEXT := quote_ident(current_schema());"
	" BEGIN"
	"  FOREACH g IN ARRAY ARRAY['crm_rep', 'crm_manager', 'crm_admin'] LOOP"
	"   IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = g) THEN"
	"    BEGIN"
	"     EXECUTE format('CREATE ROLE %I NOLOGIN', g);"
	"    EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN NULL;"
	"    END;"
	"   END IF;"
	"  END LOOP;"
	"  IF (SELECT count(*) FROM pg_roles WHERE rolname IN ('crm_rep', 'crm_manager', 'crm_admin')) < 3"
	"  THEN RETURN; END IF;"
	"  EXECUTE 'GRANT USAGE ON SCHEMA ' || s || ' TO crm_rep, crm_manager, crm_admin';"
	"  EXECUTE 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ' || s ||"
	"   ' TO crm_rep, crm_manager, crm_admin';"
	"  EXECUTE 'GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ' || s ||"
	"   ' TO crm_rep, crm_manager, crm_admin';"
	"  REVOKE INSERT, UPDATE, DELETE ON users, teams, audit FROM crm_rep, crm_manager;"
	"  GRANT INSERT ON audit TO crm_rep, crm_manager;"
	"  GRANT UPDATE (old_value, new_value, old_sha, new_sha) ON audit TO crm_rep, crm_manager;"
	"  GRANT UPDATE (away_from, away_until) ON users TO crm_rep, crm_manager;"
	"  REVOKE DELETE ON audit FROM crm_admin;"
	"  REVOKE INSERT, UPDATE, DELETE ON crm_schema_version, crm_security"
	"   FROM crm_rep, crm_manager, crm_admin;"
	" END$$;"

	POLICIES("leads", VISIBLE_LEAD("owner_id"))
	/* and an approver the customer of a contract it approves (contract.h
	 * CRM_SQL_CONTRACT_SEEN), as the tools name it to them */
	POLICIES("accounts", "(" VISIBLE_OWNED("owner_id") " OR EXISTS (SELECT 1 FROM contracts c"
		 " JOIN contract_approvals ap ON ap.contract_id = c.id JOIN contract_approvers ca"
		 " ON ca.approval_id = ap.id WHERE c.account_id = accounts.id AND ca.user_id = " ME "))")
	POLICIES("contacts", VISIBLE_OWNED("owner_id"))
	POLICIES("deals", VISIBLE_OWNED("owner_id"))
	POLICIES("interactions", SUBJECT_SEEN("subject_type", "subject_id"))
	POLICIES("tasks", VISIBLE("owner_id"))
	/* an audit row is read with what it is about (a forgotten or merged
	 * record's rows by admins); rows of what has no policy yet by all */
	"ALTER TABLE audit ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY crm_read ON audit FOR SELECT USING (" RANK " = 2 OR CASE entity"
	" WHEN 'lead' THEN EXISTS (SELECT 1 FROM leads s WHERE s.id = entity_id)"
	" WHEN 'account' THEN EXISTS (SELECT 1 FROM accounts s WHERE s.id = entity_id)"
	" WHEN 'contact' THEN EXISTS (SELECT 1 FROM contacts s WHERE s.id = entity_id)"
	" WHEN 'deal' THEN EXISTS (SELECT 1 FROM deals s WHERE s.id = entity_id)"
	" WHEN 'interaction' THEN EXISTS (SELECT 1 FROM interactions s WHERE s.id = entity_id)"
	" WHEN 'task' THEN EXISTS (SELECT 1 FROM tasks s WHERE s.id = entity_id)"
	" ELSE " RANK " >= 0 END);"
	"CREATE POLICY crm_add ON audit FOR INSERT WITH CHECK (" RANK " >= 0);"
	/* forget erases values (audit.h CRM_AUDIT_ERASE_VALUES: the value
	 * goes, its SHA-256 stays) of rows it may read, or of records gone
	 * (merged away); only an admin writes anything else, and a row that
	 * holds both a value and a digest of one is refused, so nothing can
	 * be written in that the chain's check would not catch */
	"CREATE POLICY crm_change ON audit FOR UPDATE USING (" RANK " = 2 OR (" RANK " >= 0 AND (CASE entity"
	" WHEN 'lead' THEN EXISTS (SELECT 1 FROM leads s WHERE s.id = entity_id)"
	" WHEN 'account' THEN EXISTS (SELECT 1 FROM accounts s WHERE s.id = entity_id)"
	" WHEN 'contact' THEN EXISTS (SELECT 1 FROM contacts s WHERE s.id = entity_id)"
	" WHEN 'deal' THEN EXISTS (SELECT 1 FROM deals s WHERE s.id = entity_id)"
	" ELSE true END OR NOT crm_row_hidden(CASE entity WHEN 'lead' THEN 'leads'"
	" WHEN 'account' THEN 'accounts' WHEN 'contact' THEN 'contacts' WHEN 'deal' THEN 'deals'"
	" END, entity_id))))"
	" WITH CHECK (" RANK " = 2 OR ((old_value IS NULL OR old_sha IS NULL)"
	" AND (new_value IS NULL OR new_sha IS NULL)));"
	ADMIN_WRITES("teams")
	/* users: an admin changes anyone, others only absence (the column
	 * grants above), their own or, for a manager, anyone's */
	"ALTER TABLE users ENABLE ROW LEVEL SECURITY;"
	"CREATE POLICY crm_read ON users FOR SELECT USING (true);"
	"CREATE POLICY crm_add ON users FOR INSERT WITH CHECK (" RANK " = 2);"
	"CREATE POLICY crm_change ON users FOR UPDATE USING (" RANK " >= 1 OR login = current_user);"
	"CREATE POLICY crm_remove ON users FOR DELETE USING (" RANK " = 2);",
};

int crm_security_pg_count(void)
{
	return (int)(sizeof steps / sizeof steps[0]);
}

const char *crm_security_pg_step(int i)
{
	return i >= 0 && i < crm_security_pg_count() ? steps[i] : NULL;
}
