/* contract_import.c: historical contracts from CSV or TSV (contract.h),
 * for a team that migrates: the payments worker imports plans and
 * payments against them by number.  The batch rules of every import:
 * each bad row is listed and nothing is imported, unless --skip-bad. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "colmap.h"
#include "record.h"
#include "contract.h"
#include "db.h"
#include "err.h"
#include "money.h"
#include "rows.h"
#include "utf8.h"

enum { C_NUMBER, C_ACCOUNT, C_OWNER, C_AMOUNT, C_CURRENCY, C_START, C_END, C_SIGNED,
       C_STATUS, C_TITLE, C_TERMS, NCOLS };
static const char *const col_names[NCOLS] = {
	"number", "account", "owner", "amount", "currency", "start_date", "end_date", "signed_on",
	"status", "title", "terms",
};

struct row {
	const char *v[NCOLS];
	int64_t amount, account_id, owner_id;
	char start[11], end[11], signed_on[11];
	const char *status;
};

static char why_buf[512];

static const char *why(const char *fmt, const char *value)
{
	snprintf(why_buf, sizeof why_buf, fmt, value);
	return why_buf;
}

static bool date_ok(struct crm_ctx *ctx, const char *s, char out[11])
{
	crm_time t;
	*out = '\0';
	if (!*s)
		return true;
	if (crm_time_parse(s, ctx->now, &t))
		return false;
	crm_time_date(t, out);
	return true;
}

static int find_account(struct crm_ctx *ctx, const char *s, int64_t *id, const char **err)
{
	static const char sql[] =
		"SELECT a.id FROM accounts a WHERE (a.id = :id OR a.name = :name)"
		" AND " CRM_SQL_VISIBLE_OWNED("a.owner_id") " ORDER BY a.id LIMIT 2";
	struct crm_stmt *st = crm_db_stmt(ctx->db, sql);
	if (!st)
		return EX_SOFTWARE;
	char *end;
	long long v = strtoll(s, &end, 10);
	crm_ctx_bind_actor(ctx, st);
	crm_bind_int(st, crm_param_index(st, ":id"), *end ? -1 : v);
	crm_bind_str(st, crm_param_index(st, ":name"), s);
	int rc, n = 0;
	while ((rc = crm_step(st)) == CRM_ROW)
		if (n++ == 0)
			*id = crm_col_int(st, 0);
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read accounts");
	*err = n == 0 ? why("unknown account '%s'", s) : n > 1 ? why("ambiguous account '%s'", s)
		: NULL;
	return 0;
}

static bool known_status(const char *s)
{
	static const char *const ok[] = {"draft", "approved", "signed", "active", "completed",
					 "terminated", NULL};
	for (size_t i = 0; ok[i]; i++)
		if (!strcmp(s, ok[i]))
			return true;
	return false;
}

/* Check the row; NULL, or why it is refused in *err. */
static int check(struct crm_ctx *ctx, struct row *r, const char **err)
{
	const char *w;
	char today[11];
	crm_time_date(ctx->now, today);
	*err = NULL;
	for (int i = 0; i < NCOLS; i++)
		if (!crm_utf8_valid(r->v[i], strlen(r->v[i]), NULL))
			return *err = why("invalid UTF-8 in column '%s'", col_names[i]), 0;
	if (!*r->v[C_NUMBER])
		return *err = "missing number", 0;
	if (strlen(r->v[C_NUMBER]) > 64)
		return *err = why("number too long '%s'", r->v[C_NUMBER]), 0;
	if (crm_money_amount(r->v[C_AMOUNT], &r->amount, &w)) {
		snprintf(why_buf, sizeof why_buf, "%s '%s'", w, r->v[C_AMOUNT]);
		return *err = why_buf, 0;
	}
	if (strlen(r->v[C_CURRENCY]) > 7)
		return *err = why("invalid currency '%s'", r->v[C_CURRENCY]), 0;
	if (!date_ok(ctx, r->v[C_START], r->start))
		return *err = why("invalid start_date '%s'", r->v[C_START]), 0;
	if (!date_ok(ctx, r->v[C_END], r->end))
		return *err = why("invalid end_date '%s'", r->v[C_END]), 0;
	if (*r->start && *r->end && strcmp(r->end, r->start) < 0)
		return *err = why("end_date is before start_date '%s'", r->v[C_END]), 0;
	if (!date_ok(ctx, r->v[C_SIGNED], r->signed_on))
		return *err = why("invalid signed_on '%s'", r->v[C_SIGNED]), 0;
	if (strcmp(r->signed_on, today) > 0)
		return *err = why("signed_on is after today '%s'", r->v[C_SIGNED]), 0;
	r->status = *r->v[C_STATUS] ? r->v[C_STATUS] : *r->signed_on ? "signed" : "draft";
	if (!known_status(r->status))
		return *err = why("invalid status '%s'", r->status), 0;
	bool after_signing = strcmp(r->status, "draft") && strcmp(r->status, "approved");
	if (after_signing && !*r->signed_on)
		return *err = why("status '%s' needs signed_on", r->status), 0;
	r->owner_id = ctx->actor.id;
	if (*r->v[C_OWNER]) {
		r->owner_id = crm_ctx_user_id(ctx, r->v[C_OWNER]);
		if (!r->owner_id)
			return *err = why("unknown owner '%s'", r->v[C_OWNER]), 0;
		if (!crm_ctx_sees(ctx, r->owner_id))
			return *err = why("owner '%s' is not in your sight", r->v[C_OWNER]), 0;
	}
	r->account_id = 0;
	if (*r->v[C_ACCOUNT])
		return find_account(ctx, r->v[C_ACCOUNT], &r->account_id, err);
	return 0;
}

static int insert(struct crm_ctx *ctx, const struct row *r, int64_t *id, bool *taken)
{
	struct crm_stmt *st = crm_db_stmt(ctx->db,
		"INSERT INTO contracts (number, title, account_id, party_a, amount, currency,"
		" start_date, end_date, signed_on, terms, status, owner_id, created_at, updated_at)"
		" VALUES (?1, ?2, ?3, (SELECT name FROM accounts WHERE id = ?3), ?4, ?5, ?6, ?7, ?8,"
		" ?9, ?10, ?11, ?12, ?12) ON CONFLICT (number) DO NOTHING");
	if (!st)
		return EX_SOFTWARE;
	crm_bind_str(st, 1, r->v[C_NUMBER]);
	crm_bind_text(st, 2, r->v[C_TITLE]);
	crm_bind_id(st, 3, r->account_id);
	crm_bind_int(st, 4, r->amount);
	crm_bind_str(st, 5, *r->v[C_CURRENCY] ? r->v[C_CURRENCY]
		     : ctx->cfg->currency ? ctx->cfg->currency : "CNY");
	crm_bind_text(st, 6, r->start);
	crm_bind_text(st, 7, r->end);
	crm_bind_text(st, 8, r->signed_on);
	crm_bind_text(st, 9, r->v[C_TERMS]);
	crm_bind_str(st, 10, r->status);
	crm_bind_id(st, 11, r->owner_id);
	crm_bind_str(st, 12, ctx->now_iso);
	if (crm_step(st) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot insert contract");
	*taken = crm_db_changes(ctx->db) == 0;
	*id = crm_db_last_id(ctx->db);
	return 0;
}

static int import_file(struct crm_ctx *ctx, const char *path, int format,
		       struct crm_rejects *rj, struct crm_out *o)
{
	int st = 0;
	struct crm_rows *rows = crm_rows_open(path, (enum crm_rows_format)format, &st);
	if (!rows)
		return st;
	int col[NCOLS];
	for (int i = 0; i < NCOLS; i++)
		col[i] = crm_rows_col(rows, col_names[i]);
	if (col[C_NUMBER] < 0 || col[C_AMOUNT] < 0) {
		crm_warn("%s: missing column '%s'", crm_rows_name(rows),
			 col[C_NUMBER] < 0 ? "number" : "amount");
		crm_rows_close(rows);
		return EX_DATAERR;
	}
	rj->header_of = NULL;
	int rc;
	while (!st && (rc = crm_rows_next(rows)) != 0) {
		if (rc < 0) {
			crm_reject(rj, rows, NULL);
			continue;
		}
		struct row r;
		const char *err;
		for (int i = 0; i < NCOLS; i++)
			r.v[i] = col[i] >= 0 ? crm_rows_field(rows, (size_t)col[i]) : "";
		if ((st = check(ctx, &r, &err)))
			break;
		int64_t id = 0;
		bool taken = false;
		if (!err && (st = insert(ctx, &r, &id, &taken)))
			break;
		if (taken)
			err = why("contract number '%s' is taken", r.v[C_NUMBER]);
		if (err) {
			crm_reject(rj, rows, err);
			continue;
		}
		if ((st = crm_audit_write(ctx->db, "contract", id, "import", "status", NULL,
					  r.status)))
			break;
		if (o) {
			char sid[24];
			snprintf(sid, sizeof sid, "%lld", (long long)id);
			const char *f[] = {sid, r.v[C_NUMBER]};
			crm_out_row(o, f);
		}
	}
	crm_rows_close(rows);
	return st;
}

int crm_contract_import(struct crm_ctx *ctx, const struct crm_contract_import_opts *io,
			char **files, int nfiles, FILE *out)
{
	struct crm_rejects rj;
	int st;
	if ((st = crm_rejects_open(&rj, ctx, io->skip_bad, io->reject, files, nfiles)))
		return st;
	if ((st = crm_db_begin(ctx->db)))
		return crm_rejects_close(&rj, st);
	/* the ids go out only once the whole batch is known good */
	char *buf = NULL;
	size_t len = 0;
	FILE *mem = out ? open_memstream(&buf, &len) : NULL;
	struct crm_out *o = mem ? crm_out_new(mem, ctx->opts->format, !ctx->opts->no_header) : NULL;
	if (o) {
		crm_out_col(o, "id", CRM_COL_INT);
		crm_out_col(o, "number", CRM_COL_TEXT);
	}
	for (int i = 0; i < nfiles && !st; i++)
		st = import_file(ctx, files[i], io->format, &rj, o);
	if (!st)
		st = crm_rejects_status(&rj);
	crm_out_end(o);
	if (mem)
		fclose(mem);
	st = crm_ctx_end(ctx, crm_rejects_save(&rj, st));
	if (!st && buf)
		fwrite(buf, 1, len, out);
	free(buf);
	return crm_rejects_close(&rj, st);
}
