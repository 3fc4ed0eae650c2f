/* contract_brief.c: see contract_brief.h (until crm-contract lands). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "contract_brief.h"
#include "db.h"
#include "err.h"
#include "record.h"

static void copy(char *dst, size_t n, const char *src)
{
	snprintf(dst, n, "%s", src);
}

int crm_contract_load_brief(struct crm_ctx *ctx, int64_t id, struct crm_contract_brief *out)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT id, amount, coalesce(owner_id, 0), coalesce(account_id, 0), status, currency,"
		" start_date, signed_on, created_at FROM contracts WHERE id = ?1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_int(st, 1, id);
	int rc = crm_step(st);
	if (rc != CRM_ROW) {
		crm_stmt_reset(st);
		if (rc != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot read contracts");
		crm_warn("no such contract %lld", (long long)id);
		return CRM_EX_NOTFOUND;
	}
	memset(out, 0, sizeof *out);
	out->id = crm_col_int(st, 0);
	out->amount = crm_col_int(st, 1);
	out->owner_id = crm_col_int(st, 2);
	out->account_id = crm_col_int(st, 3);
	copy(out->status, sizeof out->status, crm_col_text(st, 4));
	copy(out->currency, sizeof out->currency, crm_col_text(st, 5));
	copy(out->start_date, sizeof out->start_date, crm_col_text(st, 6));
	copy(out->signed_on, sizeof out->signed_on, crm_col_text(st, 7));
	copy(out->created_at, sizeof out->created_at, crm_col_text(st, 8));
	crm_stmt_reset(st);
	char what[40];
	snprintf(what, sizeof what, "contract %lld", (long long)id);
	return crm_ctx_may_see_owned(ctx, out->owner_id, what);
}

int crm_contract_find(struct crm_ctx *ctx, const char *number_or_id, int64_t *id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT id FROM contracts WHERE number = ?1"
		" UNION ALL SELECT id FROM contracts WHERE CAST(id AS TEXT) = ?1"
		" AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.number = ?1) LIMIT 1");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, number_or_id);
	int rc = crm_step(st);
	*id = rc == CRM_ROW ? crm_col_int(st, 0) : 0;
	crm_stmt_reset(st);
	if (rc != CRM_ROW && rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read contracts");
	if (!*id) {
		crm_warn("no such contract '%s'", number_or_id);
		return CRM_EX_NOTFOUND;
	}
	return 0;
}

int crm_contract_may_see(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"SELECT 1 FROM contracts c WHERE c.id = :id AND " CRM_SQL_VISIBLE_OWNED("c.owner_id"));
	if (!st)
		return 0;
	crm_ctx_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), id);
	int rc = crm_step(st);
	crm_stmt_reset(st);
	return rc == CRM_ROW;
}
