/* privacy.c: see privacy.h.  The person's records are gathered in temporary
 * tables kept in memory (temp_store), never in a file: privacy_rec (entity,
 * id, how it was found, whether an account is the person, whether the
 * record is erased whole or only has the person's values taken out),
 * privacy_key (normalised phones and e-mails), privacy_name (the names as
 * an account's name key) and privacy_value (every text of the person's, to
 * find it inside titles, notes and audit values). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "account.h"
#include "audit.h"
#include "contact.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "json.h"
#include "lead.h"
#include "leadfield.h"
#include "normalise.h"
#include "out.h"
#include "privacy.h"
#include "privacy_int.h"
#include "record.h"
#include "text.h"
#include "ticket.h"

/* What the person's values become inside a title or a note kept. */
#define ERASED_MARK "***"

/* ---- normalisers as SQL functions ---- */

enum norm { NORM_PHONE, NORM_EMAIL, NORM_NAME, NORM_COMPANY };

static void norm_fn(struct crm_fn *fn, int argc)
{
	const char *in = (const char *)crm_fn_text(fn, 0);
	if (!in) {
		crm_fn_return_null(fn);
		return;
	}
	char *out = crm_xcalloc(1, strlen(in) + 1);
	long n;
	switch ((enum norm)(intptr_t)crm_fn_data(fn)) {
	case NORM_PHONE: n = crm_norm_phone(in, out); break;
	case NORM_EMAIL: n = crm_norm_email(in, out); break;
	case NORM_NAME: n = (long)crm_norm_name(in, out); break;
	default: n = (long)crm_norm_company(in, out); break;
	}
	if (n > 0)
		crm_fn_return_owned(fn, out, (int)n);
	else {
		free(out);
		crm_fn_return_null(fn);
	}
}

int crm_privacy_session_open(struct crm_ctx *ctx)
{
	static const char *const names[] = {
		"crm_norm_phone", "crm_norm_email", "crm_norm_name", "crm_norm_company"
	};
	for (int i = 0; i < 4; i++) {
		int st = crm_db_define(ctx->db, names[i], 1, CRM_FN_DETERMINISTIC, norm_fn,
				       (void *)(intptr_t)i);
		if (st)
			return st;
	}
	/* the person's keys and values never reach a temporary file */
	return crm_db_private_temp(ctx->db);
}

int crm_privacy_session_tables(struct crm_ctx *ctx)
{
	const char *keyed = crm_dialect(ctx->db)->without_rowid;
	char *sql = crm_xasprintf(
		"CREATE TEMP TABLE IF NOT EXISTS privacy_rec (entity TEXT NOT NULL,"
		" id INTEGER NOT NULL, found_by TEXT NOT NULL, person INTEGER NOT NULL DEFAULT 0,"
		" erase INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (entity, id))%1$s;"
		"CREATE TEMP TABLE IF NOT EXISTS privacy_key (kind TEXT NOT NULL, key TEXT NOT NULL,"
		" PRIMARY KEY (kind, key))%1$s;"
		"CREATE TEMP TABLE IF NOT EXISTS privacy_name (key TEXT PRIMARY KEY NOT NULL)%1$s;"
		"CREATE TEMP TABLE IF NOT EXISTS privacy_value (value TEXT PRIMARY KEY NOT NULL)%1$s;"
		"DELETE FROM privacy_rec; DELETE FROM privacy_key;"
		"DELETE FROM privacy_name; DELETE FROM privacy_value;", keyed);
	int st = crm_db_exec(ctx->db, sql);
	free(sql);
	return st;
}

/* ---- who the person is ---- */

static const char *const grow_sql[] = {
	"INSERT INTO privacy_key (kind, key)"
	" SELECT 'phone', phone_norm FROM leads WHERE id IN " SET("lead") " AND phone_norm IS NOT NULL"
	" UNION SELECT 'email', email_norm FROM leads WHERE id IN " SET("lead") " AND email_norm IS NOT NULL"
	" UNION SELECT 'phone', phone_norm FROM contacts WHERE id IN " SET("contact") " AND phone_norm IS NOT NULL"
	" UNION SELECT 'email', email_norm FROM contacts WHERE id IN " SET("contact") " AND email_norm IS NOT NULL"
	" UNION SELECT 'phone', phone_norm FROM accounts WHERE id IN " PERSON_ACCOUNTS " AND phone_norm IS NOT NULL"
	" UNION SELECT 'email', email_norm FROM accounts WHERE id IN " PERSON_ACCOUNTS " AND email_norm IS NOT NULL"
	" ON CONFLICT DO NOTHING",

	"INSERT INTO privacy_name (key) SELECT k FROM ("
	" SELECT crm_norm_company(name) AS k FROM leads WHERE id IN " SET("lead")
	" UNION SELECT crm_norm_company(name) FROM contacts WHERE id IN " SET("contact") ") AS n"
	" WHERE k IS NOT NULL ON CONFLICT DO NOTHING",

	"INSERT INTO privacy_rec (entity, id, found_by)"
	" SELECT 'lead', l.id, 'phone' FROM leads l WHERE l.phone_norm IN " KEYS("phone")
	" UNION ALL SELECT 'lead', l.id, 'email' FROM leads l WHERE l.email_norm IN " KEYS("email")
	" UNION ALL SELECT 'lead', l.id, 'link' FROM leads l WHERE l.contact_id IN " SET("contact")
	"  OR l.account_id IN " PERSON_ACCOUNTS
	"  OR l.id IN (SELECT lead_id FROM contacts WHERE id IN " SET("contact") ")"
	"  OR l.id IN (SELECT lead_id FROM accounts WHERE id IN " PERSON_ACCOUNTS ")"
	" ON CONFLICT DO NOTHING",

	"INSERT INTO privacy_rec (entity, id, found_by)"
	" SELECT 'contact', c.id, 'phone' FROM contacts c WHERE c.phone_norm IN " KEYS("phone")
	" UNION ALL SELECT 'contact', c.id, 'email' FROM contacts c WHERE c.email_norm IN " KEYS("email")
	" UNION ALL SELECT 'contact', c.id, 'link' FROM contacts c WHERE c.lead_id IN " SET("lead")
	"  OR c.id IN (SELECT contact_id FROM leads WHERE id IN " SET("lead") ")"
	" UNION ALL SELECT 'contact', c.id, 'account' FROM contacts c WHERE c.account_id IN " PERSON_ACCOUNTS
	" ON CONFLICT DO NOTHING",

	"INSERT INTO privacy_rec (entity, id, found_by)"
	" SELECT 'account', a.id, 'phone' FROM accounts a WHERE a.phone_norm IN " KEYS("phone")
	" UNION ALL SELECT 'account', a.id, 'email' FROM accounts a WHERE a.email_norm IN " KEYS("email")
	" UNION ALL SELECT 'account', a.id, 'link' FROM accounts a WHERE a.lead_id IN " SET("lead")
	"  OR a.id IN (SELECT account_id FROM leads WHERE id IN " SET("lead") ")"
	"  OR a.id IN (SELECT account_id FROM contacts WHERE id IN " SET("contact") ")"
	" ON CONFLICT DO NOTHING",

	"UPDATE privacy_rec SET person = 1 WHERE entity = 'account' AND person = 0"
	" AND id IN (SELECT id FROM accounts WHERE name_norm IN (SELECT key FROM privacy_name))",
};

static const char *const around_sql[] = {
	"UPDATE privacy_rec SET erase = 1 WHERE entity IN ('lead', 'contact')"
	" OR (entity = 'account' AND person = 1)",
	"INSERT INTO privacy_rec (entity, id, found_by)"
	" SELECT 'deal', d.id, 'link' FROM deals d WHERE d.lead_id IN " SET("lead")
	" OR d.contact_id IN " SET("contact") " OR d.account_id IN " PERSON_ACCOUNTS
	" OR d.id IN (SELECT deal_id FROM leads WHERE id IN " SET("lead") ") ON CONFLICT DO NOTHING",
	/* the tickets the person sent (their contact, or their e-mail or
	 * phone as the sender's), and the surveys of those tickets */
	"INSERT INTO privacy_rec (entity, id, found_by, erase)"
	" SELECT 'ticket', t.id, 'link', 1 FROM tickets t WHERE t.contact_id IN " SET("contact")
	" OR crm_norm_email(t.sender_email) IN " KEYS("email")
	" OR crm_norm_phone(t.sender_phone) IN " KEYS("phone")
	" OR t.account_id IN " PERSON_ACCOUNTS " ON CONFLICT DO NOTHING",
	"INSERT INTO privacy_rec (entity, id, found_by, erase)"
	" SELECT 'survey', s.id, 'ticket', 1 FROM surveys s WHERE s.ticket_id IN " SET("ticket")
	" ON CONFLICT DO NOTHING",
	/* tasks and interactions follow their subject: erase means the
	 * subject is the person's */
	/* (WHERE TRUE: SQLite would take ON CONFLICT for a join's) */
	"INSERT INTO privacy_rec (entity, id, found_by, erase)"
	" SELECT 'task', t.id, 'subject', r.erase FROM privacy_rec r"
	" JOIN tasks t ON t.subject_type = r.entity AND t.subject_id = r.id"
	" WHERE TRUE ON CONFLICT DO NOTHING",
	"INSERT INTO privacy_rec (entity, id, found_by, erase)"
	" SELECT 'interaction', i.id, 'subject', r.erase FROM privacy_rec r"
	" JOIN interactions i ON i.subject_type = r.entity AND i.subject_id = r.id"
	" WHERE TRUE ON CONFLICT DO NOTHING",
	/* the person's texts, longest first when replaced */
	"INSERT INTO privacy_value (value) SELECT v FROM ("
	" SELECT name AS v FROM leads WHERE id IN " SET("lead")
	" UNION ALL SELECT phone FROM leads WHERE id IN " SET("lead")
	" UNION ALL SELECT email FROM leads WHERE id IN " SET("lead")
	" UNION ALL SELECT phone_norm FROM leads WHERE id IN " SET("lead")
	" UNION ALL SELECT email_norm FROM leads WHERE id IN " SET("lead")
	" UNION ALL SELECT name_norm FROM leads WHERE id IN " SET("lead")
	" UNION ALL SELECT name FROM contacts WHERE id IN " SET("contact")
	" UNION ALL SELECT phone FROM contacts WHERE id IN " SET("contact")
	" UNION ALL SELECT email FROM contacts WHERE id IN " SET("contact")
	" UNION ALL SELECT wechat FROM contacts WHERE id IN " SET("contact")
	" UNION ALL SELECT phone_norm FROM contacts WHERE id IN " SET("contact")
	" UNION ALL SELECT email_norm FROM contacts WHERE id IN " SET("contact")
	" UNION ALL SELECT name_norm FROM contacts WHERE id IN " SET("contact")
	" UNION ALL SELECT name FROM accounts WHERE id IN " PERSON_ACCOUNTS
	" UNION ALL SELECT name_norm FROM accounts WHERE id IN " PERSON_ACCOUNTS
	" UNION ALL SELECT address FROM accounts WHERE id IN " PERSON_ACCOUNTS
	" UNION ALL SELECT sender_name FROM tickets WHERE id IN " SET("ticket")
	" UNION ALL SELECT sender_email FROM tickets WHERE id IN " SET("ticket")
	" UNION ALL SELECT sender_phone FROM tickets WHERE id IN " SET("ticket")
	" UNION ALL SELECT phone FROM accounts WHERE id IN " SET("account")
	"  AND (phone_norm IN " KEYS("phone") " OR id IN " ERASED_ACCOUNTS ")"
	" UNION ALL SELECT phone_norm FROM accounts WHERE id IN " SET("account")
	"  AND (phone_norm IN " KEYS("phone") " OR id IN " ERASED_ACCOUNTS ")"
	" UNION ALL SELECT email FROM accounts WHERE id IN " SET("account")
	"  AND (email_norm IN " KEYS("email") " OR id IN " ERASED_ACCOUNTS ")"
	" UNION ALL SELECT email_norm FROM accounts WHERE id IN " SET("account")
	"  AND (email_norm IN " KEYS("email") " OR id IN " ERASED_ACCOUNTS ")"
	/* earlier values of the person's identifying fields */
	" UNION ALL SELECT CASE x.n WHEN 1 THEN a.old_value ELSE a.new_value END"
	"  FROM privacy_rec r JOIN audit a ON a.entity = r.entity AND a.entity_id = r.id"
	"  CROSS JOIN (SELECT 1 AS n UNION ALL SELECT 2) x"
	"  WHERE r.erase = 1 AND (a.field IN ('phone', 'email')"
	"  OR (r.entity IN ('lead', 'contact') AND a.field IN ('name', 'wechat'))"
	"  OR (r.entity = 'account' AND r.person = 1 AND a.field IN ('name', 'address')))"
	") AS t WHERE v IS NOT NULL AND length(v) >= 2 ON CONFLICT DO NOTHING",
};

static int run_all(struct crm_ctx *ctx, const char *const *sql, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct crm_stmt *s = crm_db_stmt(ctx->db, sql[i]);
		if (!s)
			return EX_SOFTWARE;
		if (crm_step(s) != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot gather the person's records");
	}
	return 0;
}

int crm_privacy_gather(struct crm_ctx *ctx)
{
	int64_t before;
	do {
		before = crm_db_total_changes(ctx->db);
		int st = run_all(ctx, grow_sql, sizeof grow_sql / sizeof grow_sql[0]);
		if (st)
			return st;
	} while (crm_db_total_changes(ctx->db) != before);
	return run_all(ctx, around_sql, sizeof around_sql / sizeof around_sql[0]);
}

/* ---- what is erased, kind by kind ---- */

enum how {
	H_NULL,		/* the column becomes NULL */
	H_CUSTOM,	/* the custom field of that name goes from the JSON */
	H_KEY,		/* NULL with its _norm column, when the key is the person's */
	H_REPLACE,	/* the person's values in it become ERASED_MARK */
};

struct step {
	const char *name, *column;
	enum how how;
};

struct target {
	const char *entity, *table;
	const char *filter;	/* over r, the privacy_rec row */
	const char *also;	/* more of the SET list when erased whole */
	bool forgotten;		/* erased whole: forgotten_at, a forget audit row */
	bool custom_all;	/* every custom field goes */
	struct step steps[32];
	int n;
};

static void add_step(struct target *t, const char *name, const char *column, enum how how)
{
	if (t->n < (int)(sizeof t->steps / sizeof t->steps[0]))
		t->steps[t->n++] = (struct step){name, column, how};
}

static void add_custom(struct target *t, const struct crm_config *cfg, bool all)
{
	for (size_t i = 0; i < cfg->ncustom_fields; i++) {
		const struct crm_custom_field *f = &cfg->custom_fields[i];
		if (strcmp(f->entity, t->entity) == 0 && (all || f->personal))
			add_step(t, f->name, NULL, H_CUSTOM);
	}
}

static void add_kind(struct target *t, const struct crm_kind *k, bool person)
{
	static const char *const person_fields[] = {CRM_ACCOUNT_PERSON_FIELDS, NULL};
	for (int i = 0; i < k->nfields; i++) {
		bool extra = false;
		for (const char *const *p = person_fields; person && *p; p++)
			extra |= strcmp(*p, k->fields[i].name) == 0;
		if (k->fields[i].personal || extra)
			add_step(t, k->fields[i].name, k->fields[i].column, H_NULL);
	}
}

/* Every target in the order they are erased; returns how many. */
static int targets(const struct crm_config *cfg, struct target *t)
{
	int n = 0;
	t[n] = (struct target){.entity = "lead", .table = "leads", .filter = "r.erase = 1",
		.also = "phone_norm = NULL, email_norm = NULL, company_norm = NULL, name_norm = NULL",
		.forgotten = true};
	for (int f = 0; f < CRM_LEAD_NFIELDS; f++)
		if (crm_lead_fields_def[f].personal)
			add_step(&t[n], crm_lead_fields_def[f].name, crm_lead_fields_def[f].column, H_NULL);
	add_custom(&t[n++], cfg, false);

	t[n] = (struct target){.entity = "contact", .table = "contacts",
		.filter = "r.erase = 1",
		.also = "phone_norm = NULL, email_norm = NULL, name_norm = NULL, custom = NULL",
		.forgotten = true, .custom_all = true};
	add_kind(&t[n], &crm_contact_kind, false);
	add_custom(&t[n++], cfg, true);

	t[n] = (struct target){.entity = "account", .table = "accounts",
		.filter = "r.erase = 1 AND r.person = 1",
		.also = "phone_norm = NULL, email_norm = NULL, name_norm = NULL",
		.forgotten = true};
	add_kind(&t[n], &crm_account_kind, true);
	add_custom(&t[n++], cfg, false);

	t[n] = (struct target){.entity = "account", .table = "accounts",
		.filter = "r.erase = 1 AND r.person = 0",
		.also = "phone_norm = NULL, email_norm = NULL",
		.forgotten = true};
	add_kind(&t[n], &crm_account_kind, false);
	add_custom(&t[n++], cfg, false);

	t[n] = (struct target){.entity = "account", .table = "accounts",
		.filter = "r.erase = 0"};
	add_step(&t[n], "phone", "phone", H_KEY);
	add_step(&t[n++], "email", "email", H_KEY);

	t[n] = (struct target){.entity = "deal", .table = "deals", .filter = "TRUE"};
	add_step(&t[n], "title", "title", H_REPLACE);
	add_step(&t[n++], "loss_note", "loss_note", H_REPLACE);

	t[n] = (struct target){.entity = "ticket", .table = "tickets", .filter = "r.erase = 1",
		.also = "custom = NULL", .forgotten = true};
	add_kind(&t[n], &crm_ticket_kind, false);
	add_step(&t[n], "subject", "subject", H_REPLACE);
	add_custom(&t[n++], cfg, true);

	t[n] = (struct target){.entity = "survey", .table = "surveys", .filter = "r.erase = 1"};
	add_step(&t[n], "email", "email", H_NULL);
	add_step(&t[n++], "comment", "comment", H_NULL);

	t[n] = (struct target){.entity = "task", .table = "tasks", .filter = "TRUE"};
	add_step(&t[n++], "title", "title", H_REPLACE);

	t[n] = (struct target){.entity = "interaction", .table = "interactions",
		.filter = "r.erase = 1"};
	add_step(&t[n], "summary", "summary", H_NULL);
	add_step(&t[n++], "next_step", "next_step", H_NULL);

	t[n] = (struct target){.entity = "interaction", .table = "interactions",
		.filter = "r.erase = 0"};
	add_step(&t[n], "summary", "summary", H_REPLACE);
	add_step(&t[n++], "next_step", "next_step", H_REPLACE);
	return n;
}

void crm_privacy_has_value(struct crm_buf *q, struct crm_db *db, const char *col)
{
	char *pos = crm_xasprintf(crm_dialect(db)->strpos, col, "v.value");
	crm_buf_add(q, "EXISTS (SELECT 1 FROM privacy_value v WHERE ");
	crm_buf_add(q, pos);
	crm_buf_add(q, " > 0)");
	free(pos);
}

/* SQL: the custom field name of the record (alias: its columns' prefix),
 * NULL when it has none. */
static void custom_text(struct crm_buf *q, struct crm_db *db, const char *alias, const char *name)
{
	const struct crm_dialect *d = crm_dialect(db);
	/* names are checked ids (crm_config_valid_id): no quote to escape */
	char *key = crm_xasprintf(d->json_key, name);
	char *column = crm_xasprintf("%scustom", alias);
	char *literal = crm_xasprintf("'%s'", key);
	char *text = crm_xasprintf(d->json_text, column, literal);
	crm_buf_add(q, text);
	free(key);
	free(column);
	free(literal);
	free(text);
}

/* SQL: does step s hold something of the person's in the record (its
 * columns prefixed with alias)? */
static void step_holds(struct crm_buf *q, struct crm_db *db, const struct step *s,
		       const char *alias)
{
	char *col = crm_xasprintf("%s%s", alias, s->column ? s->column : "");
	switch (s->how) {
	case H_NULL:
		crm_buf_add(q, col);
		crm_buf_add(q, " IS NOT NULL");
		break;
	case H_CUSTOM:
		custom_text(q, db, alias, s->name);
		crm_buf_add(q, " IS NOT NULL");
		break;
	case H_KEY:
		crm_buf_add(q, col);
		crm_buf_add(q, "_norm IN (SELECT key FROM privacy_key WHERE kind = '");
		crm_buf_add(q, s->column);
		crm_buf_add(q, "')");
		break;
	case H_REPLACE:
		crm_privacy_has_value(q, db, col);
		break;
	}
	free(col);
}

static int prepare(struct crm_ctx *ctx, struct crm_buf *q, struct crm_stmt **s)
{
	int rc = crm_db_prepare(ctx->db, q->s, s);
	free(q->s);
	*q = (struct crm_buf){0};
	return rc == CRM_OK ? 0 : crm_db_fail(ctx->db, "cannot erase personal data");
}

static int step_done(struct crm_ctx *ctx, struct crm_stmt *s)
{
	int rc = crm_step(s);
	crm_stmt_finish(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot erase personal data");
}

/* "WHERE id IN (the target's records)" */
static void where_target(struct crm_buf *q, const struct target *t)
{
	crm_buf_add(q, " WHERE id IN (SELECT r.id FROM privacy_rec r WHERE r.entity = '");
	crm_buf_add(q, t->entity);
	crm_buf_add(q, "' AND ");
	crm_buf_add(q, t->filter);
	crm_buf_add(q, ")");
}

/* List the records of t that change (to o) and write their audit rows. */
static int plan(struct crm_ctx *ctx, const struct target *t, struct crm_out *o)
{
	struct crm_buf q = {0}, fields = {0};
	struct crm_stmt *s;
	int st, rc;

	crm_buf_add(&q, "SELECT r.id, r.found_by");
	for (int i = 0; i < t->n; i++) {
		crm_buf_add(&q, ", CASE WHEN ");
		step_holds(&q, ctx->db, &t->steps[i], "t.");
		crm_buf_add(&q, " THEN 1 ELSE 0 END");
	}
	crm_buf_add(&q, " FROM privacy_rec r JOIN ");
	crm_buf_add(&q, t->table);
	crm_buf_add(&q, " t ON t.id = r.id WHERE r.entity = '");
	crm_buf_add(&q, t->entity);
	crm_buf_add(&q, "' AND ");
	crm_buf_add(&q, t->filter);
	crm_buf_add(&q, " ORDER BY r.id");
	if ((st = prepare(ctx, &q, &s)))
		return st;
	while ((rc = crm_step(s)) == CRM_ROW) {
		int64_t id = crm_col_int(s, 0);
		char idtext[24];
		fields.len = 0;
		if (fields.s)
			fields.s[0] = '\0';
		for (int i = 0; i < t->n; i++) {
			if (!crm_col_int(s, 2 + i))
				continue;
			if (fields.len)
				crm_buf_add(&fields, ",");
			crm_buf_add(&fields, t->steps[i].name);
			if (!t->forgotten && (st = crm_audit_write(ctx->db, t->entity, id, "erase",
								t->steps[i].name, NULL, NULL)))
				break;
		}
		if (st)
			break;
		if (!fields.len && !t->forgotten)
			continue;
		snprintf(idtext, sizeof idtext, "%lld", (long long)id);
		const char *row[] = {t->entity, idtext, crm_col_text(s, 1), fields.len ? fields.s : NULL};
		crm_out_row(o, row);
	}
	crm_stmt_finish(s);
	free(fields.s);
	if (st)
		return st;
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot erase personal data");
}

/* Take custom field p out of the custom JSON of t's records that have
 * it, edited in C (json.h) as json_remove would: NULL when none is left. */
static int erase_custom(struct crm_ctx *ctx, const struct target *t, const struct step *p)
{
	struct crm_buf q = {0};
	struct crm_stmt *s;
	int64_t *ids = NULL;
	char **texts = NULL;
	size_t n = 0, cap = 0;
	int st, rc;

	crm_buf_add(&q, "SELECT id, custom FROM ");
	crm_buf_add(&q, t->table);
	where_target(&q, t);
	crm_buf_add(&q, " AND ");
	step_holds(&q, ctx->db, p, "");
	if ((st = prepare(ctx, &q, &s)))
		return st;
	/* all read before any is written */
	while ((rc = crm_step(s)) == CRM_ROW) {
		int64_t id = crm_col_int(s, 0);
		struct crm_json *o = crm_json_parse(crm_col_text(s, 1), (size_t)crm_col_bytes(s, 1));
		if (!o) {
			crm_warn("%s %lld: cannot read its custom fields", t->entity, (long long)id);
			st = EX_DATAERR;
			break;
		}
		crm_json_remove(o, p->name);
		if (n == cap) {
			cap = cap ? 2 * cap : 16;
			ids = crm_xrealloc(ids, cap * sizeof *ids);
			texts = crm_xrealloc(texts, cap * sizeof *texts);
		}
		ids[n] = id;
		texts[n++] = crm_json_count(o) ? crm_json_text(o) : NULL;
		crm_json_free(o);
	}
	crm_stmt_finish(s);
	if (!st && rc != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot erase personal data");
	if (!st && n) {
		crm_buf_add(&q, "UPDATE ");
		crm_buf_add(&q, t->table);
		crm_buf_add(&q, " SET custom = ?2 WHERE id = ?1");
		st = prepare(ctx, &q, &s);
		for (size_t i = 0; i < n && !st; i++) {
			crm_stmt_reset(s);
			crm_bind_int(s, 1, ids[i]);
			crm_bind_text(s, 2, texts[i]);
			if (crm_step(s) != CRM_DONE)
				st = crm_db_fail(ctx->db, "cannot erase personal data");
		}
		crm_stmt_finish(s);
	}
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
	free(texts);
	free(ids);
	return st;
}

static int erase_target(struct crm_ctx *ctx, const struct target *t)
{
	struct crm_buf q = {0};
	struct crm_stmt *s;
	int st;
	bool first = true;

	/* NULLs and the forgotten mark, in one UPDATE */
	crm_buf_add(&q, "UPDATE ");
	crm_buf_add(&q, t->table);
	crm_buf_add(&q, " SET ");
	for (int i = 0; i < t->n; i++) {
		if (t->steps[i].how != H_NULL)
			continue;
		crm_buf_add(&q, first ? "" : ", ");
		crm_buf_add(&q, t->steps[i].column);
		crm_buf_add(&q, " = NULL");
		first = false;
	}
	if (t->forgotten) {
		crm_buf_add(&q, first ? "" : ", ");
		crm_buf_add(&q, t->also);
		crm_buf_add(&q, ", forgotten_at = ?1, updated_at = ?1");
		first = false;
	}
	where_target(&q, t);
	if (!first) {
		if ((st = prepare(ctx, &q, &s)))
			return st;
		crm_bind_str(s, 1, ctx->now_iso);
		if ((st = step_done(ctx, s)))
			return st;
	} else {
		free(q.s);
		q = (struct crm_buf){0};
	}
	for (int i = 0; i < t->n; i++) {
		const struct step *p = &t->steps[i];
		if (p->how == H_NULL || (p->how == H_CUSTOM && t->custom_all))
			continue;
		if (p->how == H_CUSTOM) {
			if ((st = erase_custom(ctx, t, p)))
				return st;
			continue;
		}
		crm_buf_add(&q, "UPDATE ");
		crm_buf_add(&q, t->table);
		if (p->how == H_KEY) {
			crm_buf_add(&q, " SET ");
			crm_buf_add(&q, p->column);
			crm_buf_add(&q, " = NULL, ");
			crm_buf_add(&q, p->column);
			crm_buf_add(&q, "_norm = NULL");
		} else {
			crm_buf_add(&q, " SET ");
			crm_buf_add(&q, p->column);
			crm_buf_add(&q, " = replace(");
			crm_buf_add(&q, p->column);
			crm_buf_add(&q, ", ?1, '" ERASED_MARK "')");
		}
		where_target(&q, t);
		crm_buf_add(&q, " AND ");
		if (p->how == H_REPLACE) {
			char *pos = crm_xasprintf(crm_dialect(ctx->db)->strpos, p->column, "?1");
			crm_buf_add(&q, pos);
			crm_buf_add(&q, " > 0");
			free(pos);
		} else {
			step_holds(&q, ctx->db, p, "");
		}
		if ((st = prepare(ctx, &q, &s)))
			return st;
		if (p->how != H_REPLACE) {
			if ((st = step_done(ctx, s)))
				return st;
			continue;
		}
		/* each value of the person's, longest first */
		struct crm_stmt *v = crm_db_stmt(ctx->db, "SELECT value FROM privacy_value"
						       " ORDER BY length(value) DESC, value");
		if (!v) {
			crm_stmt_finish(s);
			return EX_SOFTWARE;
		}
		int rc;
		while ((rc = crm_step(v)) == CRM_ROW && !st) {
			crm_bind_copy(s, 1, crm_col_text(v, 0));
			if (crm_step(s) != CRM_DONE)
				st = crm_db_fail(ctx->db, "cannot erase personal data");
			crm_stmt_reset(s);
		}
		crm_stmt_reset(v);
		crm_stmt_finish(s);
		if (st)
			return st;
		if (rc != CRM_DONE && rc != CRM_ROW)
			return crm_db_fail(ctx->db, "cannot erase personal data");
	}
	if (!t->forgotten)
		return 0;
	/* the audit values of the fields erased, and snapshots of records
	 * merged into these */
	crm_buf_add(&q, "UPDATE audit SET " CRM_AUDIT_ERASE_VALUES " WHERE id IN (SELECT a.id FROM"
			" privacy_rec r JOIN audit a ON a.entity = r.entity AND a.entity_id = r.id"
			" WHERE r.entity = '");
	crm_buf_add(&q, t->entity);
	crm_buf_add(&q, "' AND ");
	crm_buf_add(&q, t->filter);
	crm_buf_add(&q, " AND a.field IN (''");
	for (int i = 0; i < t->n; i++) {
		crm_buf_add(&q, ", '");
		crm_buf_add(&q, t->steps[i].name);
		crm_buf_add(&q, "'");
	}
	crm_buf_add(&q, "))");
	if ((st = prepare(ctx, &q, &s)) || (st = step_done(ctx, s)))
		return st;
	crm_buf_add(&q, "UPDATE audit SET old_sha = coalesce(old_sha, crm_sha256(old_value)),"
			" old_value = NULL WHERE entity = '");
	crm_buf_add(&q, t->entity);
	crm_buf_add(&q, "' AND action = 'merge' AND field = 'merged_into' AND new_value IN"
			" (SELECT CAST(r.id AS TEXT) FROM privacy_rec r WHERE r.entity = '");
	crm_buf_add(&q, t->entity);
	crm_buf_add(&q, "' AND ");
	crm_buf_add(&q, t->filter);
	crm_buf_add(&q, ")");
	if ((st = prepare(ctx, &q, &s)))
		return st;
	return step_done(ctx, s);
}

/* Any audit value about the records gathered that holds one of the
 * person's texts; the planner's samples of the indexes on their keys. */
static int erase_elsewhere(struct crm_ctx *ctx)
{
	static const char *const keyed[] = {"leads", "contacts", "accounts", NULL};
	struct crm_buf q = {0};
	struct crm_stmt *s;
	int st;
	crm_buf_add(&q, "UPDATE audit SET " CRM_AUDIT_ERASE_VALUES " WHERE id IN (SELECT a.id FROM"
			" privacy_rec r JOIN audit a ON a.entity = r.entity AND a.entity_id = r.id WHERE ");
	crm_privacy_has_value(&q, ctx->db, "a.old_value");
	crm_buf_add(&q, " OR ");
	crm_privacy_has_value(&q, ctx->db, "a.new_value");
	crm_buf_add(&q, ")");
	if ((st = prepare(ctx, &q, &s)) || (st = step_done(ctx, s)))
		return st;
	return crm_db_forget_statistics(ctx->db, keyed);
}

/* The audit rows of records merged into the ones gathered (merge leaves
 * them on the merged record's id, audit.h CRM_AUDIT_MERGED): those records
 * were duplicates of the person and are gone, so every value of theirs
 * goes, the merge snapshots included. */
static int erase_merged(struct crm_ctx *ctx)
{
	static const char list_sql[] = "SELECT entity, id FROM privacy_rec";
	static const char erase_sql[] =
		"WITH RECURSIVE " CRM_AUDIT_MERGED("?1", "?2")
		" UPDATE audit SET " CRM_AUDIT_ERASE_VALUES " WHERE id IN (SELECT a.id FROM "
		CRM_AUDIT_MERGED_ROWS("?1") " WHERE m.hi <> " CRM_AUDIT_NO_END ")";
	struct crm_stmt *l = crm_db_stmt(ctx->db, list_sql);
	int rc, st = 0;
	if (!l)
		return EX_SOFTWARE;
	while (!st && (rc = crm_step(l)) == CRM_ROW) {
		struct crm_stmt *e = crm_db_stmt(ctx->db, erase_sql);
		if (!e)
			return EX_SOFTWARE;
		crm_bind_copy(e, 1, crm_col_text(l, 0));
		crm_bind_int(e, 2, crm_col_int(l, 1));
		if (crm_step(e) != CRM_DONE)
			st = crm_db_fail(ctx->db, "cannot erase personal data");
	}
	crm_stmt_reset(l);
	if (!st && rc != CRM_DONE && rc != CRM_ROW)
		st = crm_db_fail(ctx->db, "cannot erase personal data");
	return st;
}

/* A forget audit row on each record erased whole, the one named last. */
static int audit_forgotten(struct crm_ctx *ctx)
{
	static const char sql[] =
		"SELECT entity, id FROM privacy_rec WHERE erase = 1"
		" AND entity IN ('lead', 'contact', 'account')"
		" ORDER BY found_by = 'given', entity DESC, id";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int rc, st = 0;
	if (!s)
		return EX_SOFTWARE;
	while (!st && (rc = crm_step(s)) == CRM_ROW)
		st = crm_audit_write(ctx->db, crm_col_text(s, 0), crm_col_int(s, 1), "forget",
				  NULL, NULL, NULL);
	crm_stmt_reset(s);
	if (st)
		return st;
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot erase personal data");
}

/* 77 when the actor may not change one of the person's records. */
static int check_allowed(struct crm_ctx *ctx, const char *entity, int64_t id)
{
	static const char sql[] =
		"SELECT count(*) FROM privacy_rec r"
		" LEFT JOIN leads l ON r.entity = 'lead' AND l.id = r.id"
		" LEFT JOIN contacts c ON r.entity = 'contact' AND c.id = r.id"
		" LEFT JOIN accounts a ON r.entity = 'account' AND a.id = r.id"
		" WHERE (r.entity = 'lead' AND NOT " CRM_SQL_VISIBLE_OWNED("l.owner_id") ")"
		" OR (r.entity = 'contact' AND NOT " CRM_SQL_VISIBLE_OWNED("c.owner_id") ")"
		" OR (r.entity = 'account' AND NOT " CRM_SQL_VISIBLE_OWNED("a.owner_id") ")";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, s);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot gather the person's records");
	int64_t n = crm_col_int(s, 0);
	crm_stmt_reset(s);
	if (!n)
		return 0;
	crm_warn("forget: %s %lld: %lld other record%s of this person %s not yours to change;"
		 " ask an admin", entity, (long long)id, (long long)n, n == 1 ? "" : "s",
		 n == 1 ? "is" : "are");
	return EX_NOPERM;
}

/* The record named exists and the actor may change it, with the messages
 * its own tool gives. */
static int load_given(struct crm_ctx *ctx, const char *entity, int64_t id)
{
	if (strcmp(entity, "lead") == 0) {
		struct crm_lead_rec *r = crm_lead_rec_new(ctx);
		int st = crm_lead_load(r, id, true);
		crm_lead_rec_free(r);
		return st;
	}
	struct crm_rec *r = crm_rec_new(ctx, strcmp(entity, "contact") == 0 ? &crm_contact_kind
								     : &crm_account_kind);
	int st = crm_rec_load(r, id, true);
	crm_rec_free(r);
	return st;
}

static int forget(struct crm_ctx *ctx, const char *entity, int64_t id, bool person, FILE *out)
{
	static const char seed_sql[] =
		"INSERT INTO privacy_rec (entity, id, found_by, person, erase)"
		" VALUES (?1, ?2, 'given', ?3, 1)";
	static const char *const names[] = {"entity", "id", "found_by", "erased"};
	struct target t[16];
	int st;

	if ((st = load_given(ctx, entity, id)) || (st = crm_privacy_session_tables(ctx)))
		return st;
	/* the person's other records, which forget must find all of (and
	 * refuse when any is not the actor's), are out of sight of anyone
	 * but an admin under the server's row-level security */
	if (crm_dialect(ctx->db)->row_security && ctx->actor.role != CRM_ROLE_ADMIN) {
		crm_warn("forget: %s %lld: on PostgreSQL only an admin may forget: row-level security"
			 " hides the person's other records from '%s'", entity, (long long)id,
			 ctx->actor.login);
		return EX_NOPERM;
	}
	struct crm_stmt *s = crm_db_stmt(ctx->db, seed_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_str(s, 1, entity);
	crm_bind_int(s, 2, id);
	crm_bind_int(s, 3, person || strcmp(entity, "account") != 0);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot gather the person's records");
	if ((st = crm_privacy_gather(ctx)) || (st = check_allowed(ctx, entity, id)))
		return st;
	int n = targets(ctx->cfg, t);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	crm_out_cols(o, names, 4);
	for (int i = 0; i < n && !st; i++)
		st = plan(ctx, &t[i], o);
	crm_out_end(o);
	if (!st)
		st = audit_forgotten(ctx);
	for (int i = 0; i < n && !st; i++)
		st = erase_target(ctx, &t[i]);
	if (!st)
		st = erase_merged(ctx);
	return st ? st : erase_elsewhere(ctx);
}

/* An engine without secure delete (PostgreSQL) keeps the old versions of
 * the rows forget changed in its tables until VACUUM, and in its WAL:
 * one line on what the administrator runs, naming every table changed. */
static void tell_vacuum(struct crm_ctx *ctx)
{
	struct target t[16];
	struct crm_buf tables = {0};
	int n = targets(ctx->cfg, t);
	for (int i = 0; i < n; i++) {
		bool seen = false;
		for (int j = 0; j < i; j++)
			seen |= strcmp(t[j].table, t[i].table) == 0;
		if (!seen) {
			crm_buf_add(&tables, t[i].table);
			crm_buf_add(&tables, ", ");
		}
	}
	crm_buf_add(&tables, "audit");
	char *list = crm_buf_take(&tables);
	crm_warn("forget: the server keeps old versions of the rows erased until VACUUM;"
		 " to remove them, an administrator runs VACUUM FULL %s; then CHECKPOINT", list);
	free(list);
}

int crm_privacy_forget(struct crm_ctx *ctx, const char *entity, int64_t id, bool person,
		       FILE *out)
{
	bool wipe = crm_db_has_secure_delete(ctx->db);
	int st;
	if ((st = crm_privacy_session_open(ctx)) || (wipe && (st = crm_db_secure_delete(ctx->db))) ||
	    (st = crm_db_begin(ctx->db)))
		return st;
	st = crm_ctx_end(ctx, forget(ctx, entity, id, person, out));
	if (!st && !ctx->opts->dry_run) {
		if (wipe)
			st = crm_db_checkpoint_truncate(ctx->db);
		else
			tell_vacuum(ctx);
	}
	return st;
}
