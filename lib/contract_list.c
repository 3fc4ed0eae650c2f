/* contract_list.c: list, show and the 360 view's section of contracts
 * (contract.h).  Only contracts the actor sees are read: the visibility
 * rule is in every statement. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "contract.h"
#include "db.h"
#include "err.h"
#include "lines.h"
#include "money.h"
#include "record.h"

/* The approval state: the pending step "2/2 finance", or how the latest
 * round ended, or "" before any submit (and for imported contracts). */
#define APPROVAL_STATE \
	"coalesce((SELECT CAST(ap.step AS TEXT) || '/' || CAST((SELECT count(*)" \
	"  FROM contract_approvals n WHERE n.contract_id = c.id AND n.round = c.approval_round)" \
	"  AS TEXT) || ' ' || ap.approver FROM contract_approvals ap WHERE ap.contract_id = c.id" \
	"  AND ap.round = c.approval_round AND ap.status = 'pending')," \
	" CASE WHEN c.approval_round = 0 THEN ''" \
	" WHEN EXISTS (SELECT 1 FROM contract_approvals r WHERE r.contract_id = c.id" \
	"  AND r.round = c.approval_round AND r.status = 'rejected') THEN 'rejected'" \
	" ELSE 'approved' END)"

static const char *const statuses[] = {
	"draft", "pending", "approved", "rejected", "signed", "active", "completed", "terminated",
	NULL,
};

static bool known_status(const char *s)
{
	for (size_t i = 0; statuses[i]; i++)
		if (!strcmp(s, statuses[i]))
			return true;
	return false;
}

static const char list_sql[] =
	"SELECT c.id, c.number, coalesce(c.title, ''), coalesce(a.name, ''), c.status, "
	APPROVAL_STATE ", c.amount, c.currency, coalesce(c.start_date, ''),"
	" coalesce(c.end_date, ''), coalesce(c.signed_on, ''), coalesce(u.login, '')"
	" FROM contracts c LEFT JOIN accounts a ON a.id = c.account_id"
	" LEFT JOIN users u ON u.id = c.owner_id"
	" WHERE " CRM_SQL_CONTRACT_SEEN("c")
	" AND (CAST(:status AS TEXT) IS NULL OR c.status = :status)"
	" AND (CAST(:owner AS BIGINT) IS NULL OR c.owner_id = :owner)"
	" AND (CAST(:account AS BIGINT) IS NULL OR c.account_id = :account)"
	" AND (CAST(:pending AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM contract_approvals pa"
	"   JOIN contract_approvers pu ON pu.approval_id = pa.id WHERE pa.contract_id = c.id"
	"   AND pa.round = c.approval_round AND pa.status = 'pending' AND pu.user_id = :pending))"
	" ORDER BY c.id";

static const char *const list_cols[] = {
	"id", "number", "title", "account", "status", "approval", "amount", "currency",
	"start_date", "end_date", "signed_on", "owner",
};

static void rows(struct crm_stmt *st, struct crm_out *o, int *rc)
{
	for (size_t i = 0; i < sizeof list_cols / sizeof list_cols[0]; i++)
		crm_out_col(o, list_cols[i], i == 0 ? CRM_COL_INT : i == 6 ? CRM_COL_MONEY
			    : CRM_COL_TEXT);
	while ((*rc = crm_step(st)) == CRM_ROW) {
		char am[CRM_MONEY_LEN];
		crm_money_format(crm_col_int(st, 6), am);
		const char *f[12];
		for (int i = 0; i < 12; i++)
			f[i] = i == 6 ? am : crm_col_text(st, i);
		crm_out_row(o, f);
	}
}

int crm_contract_list(struct crm_ctx *ctx, const struct crm_contract_filter *f, FILE *out)
{
	int64_t owner = 0, account = 0, pending = 0;
	int st;
	if (f->status && !known_status(f->status)) {
		crm_warn("unknown status '%s'", f->status);
		return EX_USAGE;
	}
	if (f->owner && (st = crm_ctx_filter_user(ctx, f->owner, &owner)))
		return st;
	if (f->account && (st = crm_id_parse("account", f->account, &account)))
		return st;
	if (f->pending_for && strcmp(f->pending_for, "me") &&
	    (st = crm_ctx_filter_user(ctx, f->pending_for, &pending)))
		return st;
	if (f->pending_for && !strcmp(f->pending_for, "me"))
		pending = ctx->actor.id;
	struct crm_stmt *s = crm_db_stmt(ctx->db, list_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, s);
	crm_bind_text(s, crm_param_index(s, ":status"), f->status);
	crm_bind_id(s, crm_param_index(s, ":owner"), owner);
	crm_bind_id(s, crm_param_index(s, ":account"), account);
	if (f->pending_for)
		crm_bind_int(s, crm_param_index(s, ":pending"), pending);
	else
		crm_bind_null(s, crm_param_index(s, ":pending"));
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	int rc;
	rows(s, o, &rc);
	crm_stmt_reset(s);
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list contracts");
}

static const char account_sql[] =
	"SELECT c.id, c.number, coalesce(c.title, ''), coalesce(a.name, ''), c.status, "
	APPROVAL_STATE ", c.amount, c.currency, coalesce(c.start_date, ''),"
	" coalesce(c.end_date, ''), coalesce(c.signed_on, ''), coalesce(u.login, '')"
	" FROM contracts c LEFT JOIN accounts a ON a.id = c.account_id"
	" LEFT JOIN users u ON u.id = c.owner_id WHERE c.account_id = ?1 ORDER BY c.id";

int crm_contract_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, account_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, account_id);
	int rc;
	rows(s, o, &rc);
	crm_stmt_reset(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list contracts");
}

static const char show_sql[] =
	"SELECT c.id, c.number, coalesce(c.title, ''), c.status, " APPROVAL_STATE ","
	" coalesce(CAST(c.deal_id AS TEXT), ''), coalesce(CAST(c.quote_id AS TEXT), ''),"
	" coalesce(CAST(c.account_id AS TEXT), ''), coalesce(a.name, ''),"
	" coalesce(c.party_a, ''), coalesce(c.party_b, ''), c.amount, c.currency,"
	" coalesce(c.start_date, ''), coalesce(c.end_date, ''), coalesce(c.signed_on, ''),"
	" coalesce(c.terms, ''), coalesce(u.login, ''), c.created_at, c.updated_at"
	" FROM contracts c LEFT JOIN accounts a ON a.id = c.account_id"
	" LEFT JOIN users u ON u.id = c.owner_id WHERE c.id = ?1";

static const char *const show_fields[] = {
	"id", "number", "title", "status", "approval", "deal", "quote", "account_id", "account",
	"party_a", "party_b", "amount", "currency", "start_date", "end_date", "signed_on", "terms",
	"owner", "created_at", "updated_at",
};

static int profile(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, show_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read contract");
	crm_out_col(o, "field", CRM_COL_TEXT);
	crm_out_col(o, "value", CRM_COL_TEXT);
	for (int i = 0; i < (int)(sizeof show_fields / sizeof show_fields[0]); i++) {
		char am[CRM_MONEY_LEN];
		const char *v = crm_col_text(s, i);
		if (i == 11) {
			crm_money_format(crm_col_int(s, i), am);
			v = am;
		}
		const char *f[] = {show_fields[i], v};
		crm_out_row(o, f);
	}
	crm_stmt_reset(s);
	return 0;
}

static int lines(struct crm_ctx *ctx, int64_t id, struct crm_out *o)
{
	struct crm_line *l;
	size_t n;
	int st = crm_lines_load(ctx->db, "contract", id, &l, &n);
	if (st)
		return st;
	crm_lines_header(o);
	for (size_t i = 0; i < n; i++)
		crm_lines_row(o, &l[i]);
	crm_lines_free(l, n);
	return 0;
}

int crm_contract_show(struct crm_ctx *ctx, const char *which, FILE *out)
{
	int64_t id;
	int st = crm_contract_find(ctx, which, &id);
	if (st)
		return st;
	bool table = ctx->opts->format == CRM_FMT_TABLE, header = !ctx->opts->no_header;
	int (*part[])(struct crm_ctx *, int64_t, struct crm_out *) = {
		profile, lines, crm_approval_print,
	};
	static const char *const names[] = {"contract", "lines", "approvals"};
	for (size_t i = 0; i < 3 && !st; i++) {
		if (table && i)
			fprintf(out, "\n%s\n", names[i]);
		else if (!table)
			fprintf(out, "%s# %s\n", i ? "\n" : "", names[i]);
		struct crm_out *o = crm_out_new(out, ctx->opts->format, header);
		st = part[i](ctx, id, o);
		crm_out_end(o);
	}
	return st;
}
