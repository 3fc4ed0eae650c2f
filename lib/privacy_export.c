/* privacy_export.c: crm-privacy export (privacy.h): the person's records,
 * gathered by privacy.c, as one JSON document or as readable text. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "err.h"
#include "normalise.h"
#include "privacy.h"
#include "privacy_int.h"
#include "record.h"

/* Each section: one JSON object per record, in order.  A company's
 * account shows only its name and the person's phone and e-mail; notes,
 * tasks and audit rows of records not the person's only where they hold
 * one of the person's texts. */
static const struct section {
	const char *name, *title, *label, *sql;	/* the SQL's rows: JSON, id */
} sections[] = {
	{"leads", "Leads", "lead",
	 "SELECT json_object('id', l.id, 'name', l.name, 'company', l.company, 'title', l.title,"
	 " 'phone', l.phone, 'email', l.email, 'region', l.region, 'city', l.city,"
	 " 'industry', l.industry, 'source', l.source, 'campaign', l.campaign, 'tags', l.tags,"
	 " 'heat', l.heat, 'score', l.score, 'status', l.status, 'owner', u.login, 'notes', l.notes,"
	 " 'custom', json(l.custom), 'disqualify_reason', l.disqualify_reason,"
	 " 'created_at', l.created_at, 'updated_at', l.updated_at, 'converted_at', l.converted_at,"
	 " 'forgotten_at', l.forgotten_at)"
	 ", l.id FROM temp.privacy_rec r JOIN leads l ON l.id = r.id LEFT JOIN users u ON u.id = l.owner_id"
	 " WHERE r.entity = 'lead' ORDER BY l.id"},
	{"contacts", "Contacts", "contact",
	 "SELECT json_object('id', c.id, 'name', c.name, 'account', c.account_id,"
	 " 'account_name', (SELECT a.name FROM accounts a WHERE a.id = c.account_id),"
	 " 'title', c.title, 'phone', c.phone, 'email', c.email, 'wechat', c.wechat,"
	 " 'region', c.region, 'city', c.city, 'tags', c.tags, 'owner', u.login, 'notes', c.notes,"
	 " 'custom', json(c.custom), 'created_at', c.created_at, 'updated_at', c.updated_at,"
	 " 'forgotten_at', c.forgotten_at)"
	 ", c.id FROM temp.privacy_rec r JOIN contacts c ON c.id = r.id LEFT JOIN users u ON u.id = c.owner_id"
	 " WHERE r.entity = 'contact' ORDER BY c.id"},
	{"accounts", "Accounts", "account",
	 "SELECT CASE WHEN r.person THEN json_object('id', a.id, 'person', json('true'), 'name', a.name,"
	 "  'industry', a.industry, 'region', a.region, 'city', a.city, 'address', a.address,"
	 "  'website', a.website, 'phone', a.phone, 'email', a.email, 'source', a.source,"
	 "  'tags', a.tags, 'owner', u.login, 'notes', a.notes, 'custom', json(a.custom),"
	 "  'created_at', a.created_at, 'updated_at', a.updated_at, 'forgotten_at', a.forgotten_at)"
	 " ELSE json_object('id', a.id, 'person', json('false'), 'name', a.name,"
	 "  'phone', CASE WHEN a.phone_norm IN " KEYS("phone") " THEN a.phone END,"
	 "  'email', CASE WHEN a.email_norm IN " KEYS("email") " THEN a.email END) END"
	 ", a.id FROM temp.privacy_rec r JOIN accounts a ON a.id = r.id LEFT JOIN users u ON u.id = a.owner_id"
	 " WHERE r.entity = 'account' ORDER BY a.id"},
	{"deals", "Deals", "deal",
	 "SELECT json_object('id', d.id, 'title', d.title, 'account', d.account_id,"
	 " 'contact', d.contact_id, 'lead', d.lead_id, 'pipeline', d.pipeline, 'stage', d.stage,"
	 " 'status', d.status, 'amount', printf('%d.%02d', d.amount / 100, d.amount % 100),"
	 " 'currency', d.currency, 'expected_close', d.expected_close, 'closed_at', d.closed_at,"
	 " 'product', d.product, 'owner', u.login, 'created_at', d.created_at)"
	 ", d.id FROM temp.privacy_rec r JOIN deals d ON d.id = r.id LEFT JOIN users u ON u.id = d.owner_id"
	 " WHERE r.entity = 'deal' ORDER BY d.id"},
	{"interactions", "Interactions", "interaction",
	 "SELECT json_object('id', i.id, 'subject_type', i.subject_type, 'subject_id', i.subject_id,"
	 " 'kind', i.kind, 'at', i.at, 'summary', i.summary, 'next_step', i.next_step, 'user', u.login)"
	 ", i.id FROM temp.privacy_rec r JOIN interactions i ON i.id = r.id LEFT JOIN users u ON u.id = i.user_id"
	 " WHERE r.entity = 'interaction' AND (r.erase = 1 OR " HAS_VALUE("i.summary")
	 " OR " HAS_VALUE("i.next_step") ") ORDER BY i.at, i.id"},
	{"tasks", "Tasks", "task",
	 "SELECT json_object('id', t.id, 'subject_type', t.subject_type, 'subject_id', t.subject_id,"
	 " 'title', t.title, 'due', t.due, 'status', t.status, 'owner', u.login)"
	 ", t.id FROM temp.privacy_rec r JOIN tasks t ON t.id = r.id LEFT JOIN users u ON u.id = t.owner_id"
	 " WHERE r.entity = 'task' AND (r.erase = 1 OR " HAS_VALUE("t.title") ") ORDER BY t.due, t.id"},
	{"audit", "Audit trail", "audit row",
	 "SELECT json_object('id', a.id, 'at', a.at, 'actor', a.actor, 'tool', a.tool,"
	 " 'entity', a.entity, 'entity_id', a.entity_id, 'action', a.action, 'field', a.field,"
	 " 'old_value', a.old_value, 'new_value', a.new_value)"
	 ", a.id FROM temp.privacy_rec r JOIN audit a ON a.entity = r.entity AND a.entity_id = r.id"
	 " WHERE (r.erase = 1 AND r.entity IN ('lead', 'contact', 'account'))"
	 " OR " HAS_VALUE("a.old_value") " OR " HAS_VALUE("a.new_value") " ORDER BY a.id"},
};

/* A record as "    key: value" lines, nested keys joined with dots. */
static int print_text(struct crm_ctx *ctx, const char *json, FILE *out)
{
	static const char sql[] =
		"SELECT replace(substr(fullkey, 3), '\"', ''), CASE type WHEN 'true' THEN 'yes' WHEN 'false' THEN 'no'"
		" ELSE atom END FROM json_tree(?1)"
		" WHERE type NOT IN ('object', 'array', 'null') ORDER BY id";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_copy(s, 1, json);
	int rc;
	while ((rc = crm_step(s)) == CRM_ROW)
		fprintf(out, "    %s: %s\n", crm_col_text(s, 0), crm_col_text(s, 1));
	crm_stmt_reset(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot export");
}

static int print_section(struct crm_ctx *ctx, const struct section *sec, bool text, bool last,
			 FILE *out)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, sec->sql);
	if (!s)
		return EX_SOFTWARE;
	int rc, n = 0, st = 0;
	if (!text)
		fprintf(out, "\"%s\": [", sec->name);
	while (!st && (rc = crm_step(s)) == CRM_ROW) {
		const char *json = crm_col_text(s, 0);
		if (!text) {
			fprintf(out, "%s\n  %s", n ? "," : "", json);
		} else {
			if (!n)
				fprintf(out, "\n%s\n", sec->title);
			fprintf(out, "\n  %s %s\n", sec->label, crm_col_text(s, 1));
			st = print_text(ctx, json, out);
		}
		n++;
	}
	crm_stmt_reset(s);
	if (st)
		return st;
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot export");
	if (!text)
		fprintf(out, "%s]%s\n", n ? "\n" : "", last ? "" : ",");
	return 0;
}

static int seed_query(struct crm_ctx *ctx, const struct crm_privacy_query *q)
{
	static const char key_sql[] =
		"INSERT OR IGNORE INTO temp.privacy_key (kind, key) VALUES (?1, ?2)";
	static const char name_sql[] =
		"INSERT OR IGNORE INTO temp.privacy_rec (entity, id, found_by)"
		" SELECT 'lead', id, 'name' FROM leads WHERE name_norm = crm_norm_name(?1)"
		" UNION ALL SELECT 'contact', id, 'name' FROM contacts WHERE name_norm = crm_norm_name(?1)"
		" UNION ALL SELECT 'account', id, 'name' FROM accounts WHERE name_norm = crm_norm_company(?1)";
	char *buf;
	for (int k = 0; k < 2; k++) {
		char **v = k ? q->emails : q->phones;
		int nv = k ? q->nemails : q->nphones;
		for (int i = 0; i < nv; i++) {
			buf = crm_xcalloc(1, strlen(v[i]) + 1);
			if ((k ? crm_norm_email(v[i], buf) : crm_norm_phone(v[i], buf)) <= 0) {
				free(buf);
				crm_warn("export: invalid %s '%s'", k ? "e-mail" : "phone", v[i]);
				return EX_DATAERR;
			}
			struct crm_stmt *s = crm_db_stmt(ctx->db, key_sql);
			if (!s) {
				free(buf);
				return EX_SOFTWARE;
			}
			crm_bind_str(s, 1, k ? "email" : "phone");
			crm_bind_copy(s, 2, buf);
			int rc = crm_step(s);
			free(buf);
			if (rc != CRM_DONE)
				return crm_db_fail(ctx->db, "cannot export");
		}
	}
	for (int i = 0; i < q->nnames; i++) {
		buf = crm_xcalloc(1, strlen(q->names[i]) + 1);
		size_t n = crm_norm_name(q->names[i], buf);
		free(buf);
		if (!n) {
			crm_warn("export: invalid name '%s'", q->names[i]);
			return EX_DATAERR;
		}
		struct crm_stmt *s = crm_db_stmt(ctx->db, name_sql);
		if (!s)
			return EX_SOFTWARE;
		crm_bind_str(s, 1, q->names[i]);
		if (crm_step(s) != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot export");
	}
	/* an account found by name is the person's own */
	return crm_db_exec(ctx->db, "UPDATE temp.privacy_rec SET person = 1 WHERE entity = 'account'");
}

static int export(struct crm_ctx *ctx, const struct crm_privacy_query *q, bool text, FILE *out)
{
	static const char count_sql[] =
		"SELECT count(*) FROM temp.privacy_rec WHERE entity IN ('lead', 'contact', 'account')";
	static const char *const kinds[] = {"phone", "email", "name"};
	int st;
	if ((st = crm_privacy_session_tables(ctx)) || (st = seed_query(ctx, q)) || (st = crm_privacy_gather(ctx)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, count_sql);
	if (!s)
		return EX_SOFTWARE;
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot export");
	int64_t found = crm_col_int(s, 0);
	crm_stmt_reset(s);
	if (!found) {
		crm_warn("export: no record holds this person's data");
		return 1;
	}
	char **lists[] = {q->phones, q->emails, q->names};
	int counts[] = {q->nphones, q->nemails, q->nnames};
	if (text) {
		fprintf(out, "Personal data held in crm\nExported at: %s\nAsked for:", ctx->now_iso);
		for (int k = 0; k < 3; k++)
			for (int i = 0; i < counts[k]; i++)
				fprintf(out, " %s %s;", kinds[k], lists[k][i]);
		fputc('\n', out);
	} else {
		fprintf(out, "{\n\"exported_at\": \"%s\",\n\"asked_for\": [", ctx->now_iso);
		for (int k = 0, n = 0; k < 3; k++)
			for (int i = 0; i < counts[k]; i++) {
				struct crm_buf b = {0};
				crm_json_member(&b, kinds[k], lists[k][i]);
				crm_json_end(&b);
				fprintf(out, "%s%s", n++ ? ", " : "", b.s);
				free(b.s);
			}
		fputs("],\n", out);
	}
	size_t n = sizeof sections / sizeof sections[0];
	for (size_t i = 0; i < n && !st; i++)
		st = print_section(ctx, &sections[i], text, i == n - 1, out);
	if (!text && !st)
		fputs("}\n", out);
	return st;
}

int crm_privacy_export(struct crm_ctx *ctx, const struct crm_privacy_query *q, bool text,
		       FILE *out)
{
	int st;
	if ((st = crm_ctx_require_admin(ctx, "export a person's data")) || (st = crm_privacy_session_open(ctx)))
		return st;
	/* one snapshot for the whole document; the temporary tables go with
	 * the rollback */
	if ((st = crm_db_exec(ctx->db, "BEGIN")))
		return st;
	st = export(ctx, q, text, out);
	crm_db_rollback(ctx->db);
	return st;
}
