/* privacy_export.c: crm-privacy export (privacy.h): the person's records,
 * gathered by privacy.c, as one JSON document or as readable text. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "err.h"
#include "json.h"
#include "normalise.h"
#include "privacy.h"
#include "privacy_int.h"
#include "record.h"

/* How a column becomes a member's value, as SQLite's json_object() made
 * it: text a string, an integer a number, JSON text embedded (minified),
 * cents "12.34" as a string; NULL null.  Hidden columns feed the account
 * of a company. */
enum kind { K_TEXT, K_INT, K_JSON, K_MONEY, K_HIDDEN };

struct field {
	const char *name, *sql;
	enum kind kind;
};

/* Each section: one JSON object per record, in order.  A company's
 * account shows only its name and the person's phone and e-mail; notes,
 * tasks and audit rows of records not the person's only where they hold
 * one of the person's texts (a column of has, unless keep holds). */
struct section {
	const char *name, *title, *label;
	const struct field *fields;	/* the SELECT's columns; the first the id */
	size_t nfields;
	const char *from;		/* FROM, WHERE: the rows of privacy_rec r */
	const char *keep;
	const char *has[3];
	const char *order;
};

static const struct field lead_fields[] = {
	{"id", "l.id", K_INT}, {"name", "l.name", K_TEXT}, {"company", "l.company", K_TEXT},
	{"title", "l.title", K_TEXT}, {"phone", "l.phone", K_TEXT}, {"email", "l.email", K_TEXT},
	{"region", "l.region", K_TEXT}, {"city", "l.city", K_TEXT},
	{"industry", "l.industry", K_TEXT}, {"source", "l.source", K_TEXT},
	{"campaign", "l.campaign", K_TEXT}, {"tags", "l.tags", K_TEXT}, {"heat", "l.heat", K_TEXT},
	{"score", "l.score", K_INT}, {"status", "l.status", K_TEXT}, {"owner", "u.login", K_TEXT},
	{"notes", "l.notes", K_TEXT}, {"custom", "l.custom", K_JSON},
	{"disqualify_reason", "l.disqualify_reason", K_TEXT},
	{"created_at", "l.created_at", K_TEXT}, {"updated_at", "l.updated_at", K_TEXT},
	{"converted_at", "l.converted_at", K_TEXT}, {"forgotten_at", "l.forgotten_at", K_TEXT},
};

static const struct field contact_fields[] = {
	{"id", "c.id", K_INT}, {"name", "c.name", K_TEXT}, {"account", "c.account_id", K_INT},
	{"account_name", "(SELECT a.name FROM accounts a WHERE a.id = c.account_id)", K_TEXT},
	{"title", "c.title", K_TEXT}, {"phone", "c.phone", K_TEXT}, {"email", "c.email", K_TEXT},
	{"wechat", "c.wechat", K_TEXT}, {"region", "c.region", K_TEXT}, {"city", "c.city", K_TEXT},
	{"tags", "c.tags", K_TEXT}, {"owner", "u.login", K_TEXT}, {"notes", "c.notes", K_TEXT},
	{"custom", "c.custom", K_JSON}, {"created_at", "c.created_at", K_TEXT},
	{"updated_at", "c.updated_at", K_TEXT}, {"forgotten_at", "c.forgotten_at", K_TEXT},
};

/* the person's own account; the last three columns are account_json's */
static const struct field account_fields[] = {
	{"id", "a.id", K_INT}, {"name", "a.name", K_TEXT}, {"industry", "a.industry", K_TEXT},
	{"region", "a.region", K_TEXT}, {"city", "a.city", K_TEXT},
	{"address", "a.address", K_TEXT}, {"website", "a.website", K_TEXT},
	{"phone", "a.phone", K_TEXT}, {"email", "a.email", K_TEXT}, {"source", "a.source", K_TEXT},
	{"tags", "a.tags", K_TEXT}, {"owner", "u.login", K_TEXT}, {"notes", "a.notes", K_TEXT},
	{"custom", "a.custom", K_JSON}, {"created_at", "a.created_at", K_TEXT},
	{"updated_at", "a.updated_at", K_TEXT}, {"forgotten_at", "a.forgotten_at", K_TEXT},
	{"phone", "CASE WHEN a.phone_norm IN " KEYS("phone") " THEN a.phone END", K_HIDDEN},
	{"email", "CASE WHEN a.email_norm IN " KEYS("email") " THEN a.email END", K_HIDDEN},
	{"person", "r.person", K_HIDDEN},
};
enum { A_NAME = 1, A_PHONE_KEY = 17, A_EMAIL_KEY, A_PERSON };

static const struct field deal_fields[] = {
	{"id", "d.id", K_INT}, {"title", "d.title", K_TEXT}, {"account", "d.account_id", K_INT},
	{"contact", "d.contact_id", K_INT}, {"lead", "d.lead_id", K_INT},
	{"pipeline", "d.pipeline", K_TEXT}, {"stage", "d.stage", K_TEXT},
	{"status", "d.status", K_TEXT}, {"amount", "d.amount", K_MONEY},
	{"currency", "d.currency", K_TEXT}, {"expected_close", "d.expected_close", K_TEXT},
	{"closed_at", "d.closed_at", K_TEXT}, {"product", "d.product", K_TEXT},
	{"owner", "u.login", K_TEXT}, {"created_at", "d.created_at", K_TEXT},
};

static const struct field interaction_fields[] = {
	{"id", "i.id", K_INT}, {"subject_type", "i.subject_type", K_TEXT},
	{"subject_id", "i.subject_id", K_INT}, {"kind", "i.kind", K_TEXT}, {"at", "i.at", K_TEXT},
	{"summary", "i.summary", K_TEXT}, {"next_step", "i.next_step", K_TEXT},
	{"user", "u.login", K_TEXT},
};

static const struct field task_fields[] = {
	{"id", "t.id", K_INT}, {"subject_type", "t.subject_type", K_TEXT},
	{"subject_id", "t.subject_id", K_INT}, {"title", "t.title", K_TEXT}, {"due", "t.due", K_TEXT},
	{"status", "t.status", K_TEXT}, {"owner", "u.login", K_TEXT},
};

static const struct field ticket_fields[] = {
	{"id", "t.id", K_INT}, {"number", "t.number", K_TEXT}, {"subject", "t.subject", K_TEXT},
	{"body", "t.body", K_TEXT}, {"channel", "t.channel", K_TEXT},
	{"status", "t.status", K_TEXT}, {"sender", "t.sender_name", K_TEXT},
	{"email", "t.sender_email", K_TEXT}, {"phone", "t.sender_phone", K_TEXT},
	{"owner", "u.login", K_TEXT}, {"created_at", "t.created_at", K_TEXT},
	{"resolved_at", "t.resolved_at", K_TEXT},
};

static const struct field survey_fields[] = {
	{"id", "s.id", K_INT}, {"ticket", "s.ticket_id", K_INT}, {"email", "s.email", K_TEXT},
	{"csat", "s.csat", K_INT}, {"nps", "s.nps", K_INT}, {"comment", "s.comment", K_TEXT},
	{"answered_at", "s.answered_at", K_TEXT},
};

static const struct field audit_fields[] = {
	{"id", "a.id", K_INT}, {"at", "a.at", K_TEXT}, {"actor", "a.actor", K_TEXT},
	{"tool", "a.tool", K_TEXT}, {"entity", "a.entity", K_TEXT},
	{"entity_id", "a.entity_id", K_INT}, {"action", "a.action", K_TEXT},
	{"field", "a.field", K_TEXT}, {"old_value", "a.old_value", K_TEXT},
	{"new_value", "a.new_value", K_TEXT},
};

#define FIELDS(f) f, sizeof f / sizeof f[0]

static const struct section sections[] = {
	{"leads", "Leads", "lead", FIELDS(lead_fields),
	 " FROM privacy_rec r JOIN leads l ON l.id = r.id LEFT JOIN users u ON u.id = l.owner_id"
	 " WHERE r.entity = 'lead'", NULL, {NULL}, "l.id"},
	{"contacts", "Contacts", "contact", FIELDS(contact_fields),
	 " FROM privacy_rec r JOIN contacts c ON c.id = r.id LEFT JOIN users u ON u.id = c.owner_id"
	 " WHERE r.entity = 'contact'", NULL, {NULL}, "c.id"},
	{"accounts", "Accounts", "account", FIELDS(account_fields),
	 " FROM privacy_rec r JOIN accounts a ON a.id = r.id LEFT JOIN users u ON u.id = a.owner_id"
	 " WHERE r.entity = 'account'", NULL, {NULL}, "a.id"},
	{"deals", "Deals", "deal", FIELDS(deal_fields),
	 " FROM privacy_rec r JOIN deals d ON d.id = r.id LEFT JOIN users u ON u.id = d.owner_id"
	 " WHERE r.entity = 'deal'", NULL, {NULL}, "d.id"},
	{"interactions", "Interactions", "interaction", FIELDS(interaction_fields),
	 " FROM privacy_rec r JOIN interactions i ON i.id = r.id LEFT JOIN users u ON u.id = i.user_id"
	 " WHERE r.entity = 'interaction' AND", "r.erase = 1", {"i.summary", "i.next_step"},
	 "i.at, i.id"},
	{"tasks", "Tasks", "task", FIELDS(task_fields),
	 " FROM privacy_rec r JOIN tasks t ON t.id = r.id LEFT JOIN users u ON u.id = t.owner_id"
	 " WHERE r.entity = 'task' AND", "r.erase = 1", {"t.title"}, "t.due, t.id"},
	{"tickets", "Tickets", "ticket", FIELDS(ticket_fields),
	 " FROM privacy_rec r JOIN tickets t ON t.id = r.id LEFT JOIN users u ON u.id = t.owner_id"
	 " WHERE r.entity = 'ticket'", NULL, {NULL}, "t.id"},
	{"surveys", "Satisfaction surveys", "survey", FIELDS(survey_fields),
	 " FROM privacy_rec r JOIN surveys s ON s.id = r.id WHERE r.entity = 'survey'", NULL, {NULL},
	 "s.id"},
	{"audit", "Audit trail", "audit row", FIELDS(audit_fields),
	 " FROM privacy_rec r JOIN audit a ON a.entity = r.entity AND a.entity_id = r.id WHERE",
	 "(r.erase = 1 AND r.entity IN ('lead', 'contact', 'account'))",
	 {"a.old_value", "a.new_value"}, "a.id"},
};

static char *section_sql(struct crm_ctx *ctx, const struct section *sec)
{
	struct crm_buf q = {0};
	crm_buf_add(&q, "SELECT ");
	for (size_t i = 0; i < sec->nfields; i++) {
		crm_buf_add(&q, i ? ", " : "");
		crm_buf_add(&q, sec->fields[i].sql);
	}
	crm_buf_add(&q, sec->from);
	if (sec->keep) {
		crm_buf_add(&q, " (");
		crm_buf_add(&q, sec->keep);
		for (size_t i = 0; i < 3 && sec->has[i]; i++) {
			crm_buf_add(&q, " OR ");
			crm_privacy_has_value(&q, ctx->db, sec->has[i]);
		}
		crm_buf_add(&q, ")");
	}
	crm_buf_add(&q, " ORDER BY ");
	crm_buf_add(&q, sec->order);
	return q.s;
}

/* Column i of the row as member name of o; -1 when a custom column is not
 * JSON (reported as SQLite's json() reported it). */
static int put(struct crm_ctx *ctx, struct crm_json *o, const char *name, struct crm_stmt *s,
	       int i, enum kind kind)
{
	if (crm_col_null(s, i)) {
		crm_json_set_json(o, name, "null");
		return 0;
	}
	char num[48];
	switch (kind) {
	case K_INT:
		snprintf(num, sizeof num, "%lld", (long long)crm_col_int(s, i));
		crm_json_set_json(o, name, num);
		return 0;
	case K_MONEY: {
		int64_t cents = crm_col_int(s, i);
		snprintf(num, sizeof num, "%lld.%02lld", (long long)(cents / 100), (long long)(cents % 100));
		crm_json_set(o, name, num);
		return 0;
	}
	case K_JSON: {
		char *json = crm_json_minify(crm_col_text(s, i), (size_t)crm_col_bytes(s, i));
		if (!json) {
			crm_warn("%s: cannot export: malformed JSON", crm_db_path(ctx->db));
			return -1;
		}
		crm_json_set_json(o, name, json);
		free(json);
		return 0;
	}
	default:
		crm_json_set(o, name, crm_col_text(s, i));
		return 0;
	}
}

/* A company's account: its id, name and the person's phone and e-mail. */
static int company_json(struct crm_ctx *ctx, struct crm_json *o, struct crm_stmt *s)
{
	crm_json_set_json(o, "person", "false");
	if (put(ctx, o, "name", s, A_NAME, K_TEXT) || put(ctx, o, "phone", s, A_PHONE_KEY, K_TEXT))
		return -1;
	return put(ctx, o, "email", s, A_EMAIL_KEY, K_TEXT);
}

/* The record on the current row as a JSON object (malloc'd), NULL after
 * reporting. */
static char *record_json(struct crm_ctx *ctx, const struct section *sec, struct crm_stmt *s)
{
	struct crm_json *o = crm_json_new();
	bool account = sec->fields == account_fields;
	int rc = put(ctx, o, sec->fields[0].name, s, 0, sec->fields[0].kind);
	if (!rc && account && !crm_col_int(s, A_PERSON))
		rc = company_json(ctx, o, s);
	else if (!rc && account)
		crm_json_set_json(o, "person", "true");
	for (size_t i = 1; !rc && !(account && !crm_col_int(s, A_PERSON)) && i < sec->nfields; i++)
		if (sec->fields[i].kind != K_HIDDEN)
			rc = put(ctx, o, sec->fields[i].name, s, (int)i, sec->fields[i].kind);
	char *json = rc ? NULL : crm_json_text(o);
	crm_json_free(o);
	return json;
}

/* A record as "    key: value" lines, nested keys joined with dots. */
static void text_line(void *arg, const char *path, enum crm_json_type type, const char *value)
{
	if (type == CRM_JSON_NULL)
		return;
	fprintf(arg, "    %s: %s\n", path,
		type == CRM_JSON_TRUE ? "yes" : type == CRM_JSON_FALSE ? "no" : value);
}

static int print_section(struct crm_ctx *ctx, const struct section *sec, bool text, bool last,
			 FILE *out)
{
	char *sql = section_sql(ctx, sec);
	struct crm_stmt *s;
	int rc = crm_db_prepare(ctx->db, sql, &s), n = 0, st = 0;
	free(sql);
	if (rc != CRM_OK)
		return crm_db_fail(ctx->db, "cannot export");
	if (!text)
		fprintf(out, "\"%s\": [", sec->name);
	while (!st && (rc = crm_step(s)) == CRM_ROW) {
		char *json = record_json(ctx, sec, s);
		if (!json) {
			st = EX_SOFTWARE;
		} else if (!text) {
			fprintf(out, "%s\n  %s", n ? "," : "", json);
		} else {
			if (!n)
				fprintf(out, "\n%s\n", sec->title);
			fprintf(out, "\n  %s %s\n", sec->label, crm_col_text(s, 0));
			crm_json_leaves(json, strlen(json), text_line, out);
		}
		free(json);
		n++;
	}
	if (!st && rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot export");
	crm_stmt_finish(s);
	if (st)
		return st;
	if (!text)
		fprintf(out, "%s]%s\n", n ? "\n" : "", last ? "" : ",");
	return 0;
}

static int seed_query(struct crm_ctx *ctx, const struct crm_privacy_query *q)
{
	static const char key_sql[] =
		"INSERT INTO privacy_key (kind, key) VALUES (?1, ?2) ON CONFLICT DO NOTHING";
	static const char name_sql[] =
		"INSERT INTO privacy_rec (entity, id, found_by)"
		" SELECT 'lead', id, 'name' FROM leads WHERE name_norm = crm_norm_name(?1)"
		" UNION ALL SELECT 'contact', id, 'name' FROM contacts WHERE name_norm = crm_norm_name(?1)"
		" UNION ALL SELECT 'account', id, 'name' FROM accounts WHERE name_norm = crm_norm_company(?1)"
		" ON CONFLICT DO NOTHING";
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
	return crm_db_exec(ctx->db, "UPDATE privacy_rec SET person = 1 WHERE entity = 'account'");
}

static int export(struct crm_ctx *ctx, const struct crm_privacy_query *q, bool text, FILE *out)
{
	static const char count_sql[] =
		"SELECT count(*) FROM privacy_rec WHERE entity IN ('lead', 'contact', 'account')";
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
	const int counts[] = {q->nphones, q->nemails, q->nnames};
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
