/* account_show.c: the 360-degree view of one account.  The view is a list
 * of sections, each a name, its columns and either one SQL query (?1 is
 * the account id) or a function; a later tool (contracts, payments,
 * tickets) adds its section as one more entry of sections[].  Who may see
 * the account sees all of it: its contacts, deals, timeline and tasks. */
#include <string.h>
#include <sysexits.h>

#include "account.h"
#include "churn.h"
#include "contract.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "order.h"
#include "pay.h"
#include "quote.h"
#include "report.h"
#include "ticket.h"

struct column {
	const char *name;
	enum crm_col_kind kind;
};

struct section {
	const char *name;
	const struct column *cols;	/* NULL-named end; unused with fn */
	const char *sql;
	int (*fn)(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o);
};

/* What belongs to the account: its contacts, deals and the leads it came
 * from, as (subject_type, subject_id) pairs. */
#define ACCOUNT_SUBJECTS \
	"WITH s(type, id) AS (SELECT 'account', ?1" \
	" UNION SELECT 'contact', id FROM contacts WHERE account_id = ?1" \
	" UNION SELECT 'deal', id FROM deals WHERE account_id = ?1" \
	" UNION SELECT 'lead', id FROM leads WHERE account_id = ?1" \
	" UNION SELECT 'lead', lead_id FROM accounts WHERE id = ?1 AND lead_id IS NOT NULL" \
	" UNION SELECT 'ticket', id FROM tickets WHERE account_id = ?1) "

#define SUBJECT_NAME(type, id) \
	"CASE " type " WHEN 'account' THEN (SELECT name FROM accounts WHERE id = " id ")" \
	" WHEN 'contact' THEN (SELECT name FROM contacts WHERE id = " id ")" \
	" WHEN 'deal' THEN (SELECT title FROM deals WHERE id = " id ")" \
	" WHEN 'lead' THEN (SELECT coalesce(name, company) FROM leads WHERE id = " id ")" \
	" WHEN 'ticket' THEN (SELECT number || ' ' || subject FROM tickets WHERE id = " id ") END"

static int profile(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_rec_profile(ctx, &crm_account_kind, id, table, o);
}

static int history(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_history_print(ctx, "account", id, o);
}

static int quotes(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_quote_account_section(ctx, id, table, o);
}

static int contracts(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_contract_account_section(ctx, id, o);
}

static int orders(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_order_account_section(ctx, id, o);
}

static int tickets(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_ticket_account_section(ctx, id, o);
}

static int value(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_clv_account_section(ctx, id, o);
}

static int churn(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_churn_account_section(ctx, id, o);
}

static int payments(struct crm_ctx *ctx, int64_t id, bool table, struct crm_out *o)
{
	return crm_pay_account_section(ctx, id, o);
}

static const struct column contact_cols[] = {
	{"id", CRM_COL_INT}, {"name", CRM_COL_TEXT}, {"title", CRM_COL_TEXT},
	{"phone", CRM_COL_TEXT}, {"email", CRM_COL_TEXT}, {"wechat", CRM_COL_TEXT},
	{"owner", CRM_COL_TEXT}, {NULL, 0}
};

static const struct column deal_cols[] = {
	{"id", CRM_COL_INT}, {"title", CRM_COL_TEXT}, {"stage", CRM_COL_TEXT},
	{"status", CRM_COL_TEXT}, {"amount", CRM_COL_MONEY}, {"expected_close", CRM_COL_TEXT},
	{"owner", CRM_COL_TEXT}, {NULL, 0}
};

static const struct column timeline_cols[] = {
	{"id", CRM_COL_INT}, {"at", CRM_COL_TEXT}, {"kind", CRM_COL_TEXT},
	{"subject_type", CRM_COL_TEXT}, {"subject_id", CRM_COL_INT},
	{"subject_name", CRM_COL_TEXT}, {"summary", CRM_COL_TEXT}, {"next_step", CRM_COL_TEXT},
	{"user", CRM_COL_TEXT}, {NULL, 0}
};

static const struct column task_cols[] = {
	{"id", CRM_COL_INT}, {"due", CRM_COL_TEXT}, {"title", CRM_COL_TEXT},
	{"subject_type", CRM_COL_TEXT}, {"subject_id", CRM_COL_INT},
	{"subject_name", CRM_COL_TEXT}, {"owner", CRM_COL_TEXT}, {NULL, 0}
};

/* The sections, in the order printed.  A new one plugs in here. */
static const struct section sections[] = {
	{"profile", NULL, NULL, profile},
	{"contacts", contact_cols,
	 "SELECT c.id, c.name, c.title, c.phone, c.email, c.wechat, u.login FROM contacts c"
	 " LEFT JOIN users u ON u.id = c.owner_id WHERE c.account_id = ?1 ORDER BY c.id", NULL},
	{"deals", deal_cols,
	 "SELECT d.id, d.title, d.stage, d.status, d.amount, d.expected_close, u.login"
	 " FROM deals d LEFT JOIN users u ON u.id = d.owner_id WHERE d.account_id = ?1"
	 " ORDER BY d.id", NULL},
	{"quotes", NULL, NULL, quotes},
	{"contracts", NULL, NULL, contracts},
	{"orders", NULL, NULL, orders},
	{"payments", NULL, NULL, payments},
	{"tickets", NULL, NULL, tickets},
	{"value", NULL, NULL, value},
	{"churn", NULL, NULL, churn},
	{"timeline", timeline_cols,
	 ACCOUNT_SUBJECTS
	 "SELECT i.id, i.at, i.kind, i.subject_type, i.subject_id,"
	 " " SUBJECT_NAME("i.subject_type", "i.subject_id") ", i.summary, i.next_step, u.login"
	 " FROM s JOIN interactions i ON i.subject_type = s.type AND i.subject_id = s.id"
	 " LEFT JOIN users u ON u.id = i.user_id ORDER BY i.at, i.id", NULL},
	{"tasks", task_cols,
	 ACCOUNT_SUBJECTS
	 "SELECT t.id, t.due, t.title, t.subject_type, t.subject_id,"
	 " " SUBJECT_NAME("t.subject_type", "t.subject_id") ", u.login"
	 " FROM s JOIN tasks t ON t.subject_type = s.type AND t.subject_id = s.id"
	 " LEFT JOIN users u ON u.id = t.owner_id WHERE t.status = 'open' ORDER BY t.due, t.id", NULL},
	{"history", NULL, NULL, history},
};

static int run_sql(struct crm_ctx *ctx, const struct section *sec, int64_t id, struct crm_out *o)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, sec->sql);
	const char *row[16];
	int n = 0, rc;
	if (!s)
		return EX_SOFTWARE;
	for (; sec->cols[n].name; n++)
		crm_out_col(o, sec->cols[n].name, sec->cols[n].kind);
	crm_bind_int(s, 1, id);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char money[16][CRM_MONEY_LEN];	/* money is formatted here, not in SQL */
		for (int i = 0; i < n; i++) {
			row[i] = crm_col_str(s, i);
			if (sec->cols[i].kind == CRM_COL_MONEY && row[i]) {
				crm_money_format(crm_col_int(s, i), money[i]);
				row[i] = money[i];
			}
		}
		crm_out_row(o, row);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the account's records");
}

int crm_account_show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	bool table = ctx->opts->format == CRM_FMT_TABLE;
	struct crm_rec *r = crm_rec_new(ctx, &crm_account_kind);
	int st;

	/* one read transaction: every section sees the same moment */
	if ((st = crm_db_exec(ctx->db, "BEGIN")))
		goto out;
	if ((st = crm_rec_load(r, id, false)))
		goto end;
	for (size_t i = 0; i < sizeof sections / sizeof sections[0] && !st; i++) {
		const struct section *sec = &sections[i];
		fprintf(out, "%s%s%s\n", i ? "\n" : "", table ? "" : "# ", sec->name);
		struct crm_out *o = crm_out_new(out, ctx->opts->format, table || !ctx->opts->no_header);
		st = sec->fn ? sec->fn(ctx, id, table, o) : run_sql(ctx, sec, id, o);
		crm_out_end(o);
	}
end:
	crm_db_exec(ctx->db, "COMMIT");
out:
	crm_rec_free(r);
	return st;
}
