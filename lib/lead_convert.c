/* lead_convert.c: see lead_convert.h */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "account.h"
#include "contact.h"
#include "lead_convert.h"
#include "db.h"
#include "deal.h"
#include "err.h"
#include "lead.h"
#include "leadfield.h"
#include "out.h"
#include "tsv.h"

/* What one conversion made, printed once all of them succeeded. */
struct result {
	int64_t lead, account, contact, deal;
	bool account_created, contact_created;
};

struct results {
	struct result *r;
	size_t n, cap;
};

static const char *given(const char *s) { return s && *s ? s : NULL; }

static const char *first_of(const char *a, const char *b, const char *c, const char *d)
{
	return *a ? a : *b ? b : *c ? c : d;
}

/* Report "where: msg" (where may be NULL) and return 65. */
static int fail(const char *where, const char *msg)
{
	crm_warn("%s%s%s", where ? where : "", where ? ": " : "", msg);
	return EX_DATAERR;
}

/* The deal's own values, checked before the lead is touched. */
struct deal_values {
	int64_t amount;
	char close[CRM_DATE_LEN];
	const struct crm_pipeline *p;
	const struct crm_stage *stage;
};

static int check_deal(struct crm_ctx *ctx, const struct crm_convert *c, const char *where,
		      struct deal_values *dv)
{
	char why[400];
	memset(dv, 0, sizeof *dv);
	if (given(c->amount) && crm_deal_amount(c->amount, &dv->amount, why, sizeof why))
		return fail(where, why);
	if (given(c->close_date) && crm_deal_close_date(ctx, c->close_date, dv->close, why, sizeof why))
		return fail(where, why);
	if (!(dv->p = crm_config_pipeline(ctx->cfg, given(c->pipeline)))) {
		snprintf(why, sizeof why, "unknown pipeline '%.80s'", c->pipeline);
		return fail(where, why);
	}
	dv->stage = crm_deal_first_stage(dv->p);
	if (given(c->stage)) {
		if (crm_deal_stage(dv->p, c->stage, &dv->stage, why, sizeof why))
			return fail(where, why);
		if (dv->stage->kind != CRM_STAGE_OPEN) {
			snprintf(why, sizeof why, "a new deal starts in an open stage, not '%s'", dv->stage->id);
			return fail(where, why);
		}
	}
	return 0;
}

static int audit_id(struct crm_ctx *ctx, int64_t lead, const char *field, int64_t id)
{
	char text[24];
	if (!id)
		return 0;
	snprintf(text, sizeof text, "%lld", (long long)id);
	return crm_audit_write(ctx->db, "lead", lead, "convert", field, NULL, text);
}

static int mark_converted(struct crm_ctx *ctx, const struct result *res, const char *old_status)
{
	static const char sql[] =
		"UPDATE leads SET status = 'converted', converted_at = ?2, updated_at = ?2,"
		" account_id = ?3, contact_id = ?4, deal_id = ?5 WHERE id = ?1";
	int st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, res->lead);
	crm_bind_str(s, 2, ctx->now_iso);
	crm_bind_id(s, 3, res->account);
	crm_bind_id(s, 4, res->contact);
	crm_bind_id(s, 5, res->deal);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot convert lead");
	if ((st = crm_audit_write(ctx->db, "lead", res->lead, "convert", "status", old_status,
			       "converted")) ||
	    (st = audit_id(ctx, res->lead, "account_id", res->account)) ||
	    (st = audit_id(ctx, res->lead, "contact_id", res->contact)))
		return st;
	return audit_id(ctx, res->lead, "deal_id", res->deal);
}

/* Inside the caller's transaction.  where: the place messages start with
 * (a TSV line), NULL for none. */
static int convert_one(struct crm_ctx *ctx, const struct crm_convert *c, struct crm_lead_rec *r,
		       const char *where, struct result *res)
{
	struct deal_values dv;
	int st;
	memset(res, 0, sizeof *res);
	res->lead = c->lead_id;
	if ((st = check_deal(ctx, c, where, &dv)))
		return st;
	crm_rec_where(r, where);
	st = crm_lead_load(r, c->lead_id, true);
	crm_rec_where(r, NULL);
	if (st)
		return st;
#define V(f) crm_lead_rec_get(r, CRM_LF_##f)
	const char *status = V(STATUS);
	if (strcmp(status, "converted") == 0 || strcmp(status, "disqualified") == 0) {
		char msg[200];
		snprintf(msg, sizeof msg, "lead %lld is %s%s", (long long)c->lead_id,
			 strcmp(status, "converted") == 0 ? "already " : "", status);
		return fail(where, msg);
	}
	int64_t owner = *V(OWNER) ? crm_ctx_user_id(ctx, V(OWNER)) : ctx->actor.id;
	/* a lead without a company is a private customer: the account is the person */
	const char *name = first_of(V(COMPANY), V(NAME), V(EMAIL), V(PHONE));
	struct crm_account_seed as = {
		.name = name, .industry = V(INDUSTRY), .region = V(REGION), .city = V(CITY),
		.phone = V(PHONE), .email = V(EMAIL), .source = V(SOURCE), .owner_id = owner,
		.lead_id = c->lead_id,
	};
	if ((st = crm_account_link_or_create(ctx, &as, &res->account, &res->account_created)))
		return st;
	if (*V(NAME) || *V(PHONE) || *V(EMAIL)) {
		struct crm_contact_seed cs = {
			.account_id = res->account, .name = V(NAME), .title = V(TITLE), .phone = V(PHONE),
			.email = V(EMAIL), .owner_id = owner, .lead_id = c->lead_id,
		};
		if ((st = crm_contact_link_or_create(ctx, &cs, &res->contact, &res->contact_created)))
			return st;
	}
	struct crm_deal_new d = {
		.title = given(c->title) ? c->title : name, .account_id = res->account,
		.contact_id = res->contact, .owner_id = owner, .lead_id = c->lead_id,
		.pipeline = dv.p->id, .stage = dv.stage->id, .amount = dv.amount,
		.expected_close = dv.close, .source = V(SOURCE), .campaign = V(CAMPAIGN),
	};
	if ((st = crm_deal_insert(ctx, &d, true, &res->deal)))
		return st;
	return mark_converted(ctx, res, status);
#undef V
}

static void print_results(struct crm_ctx *ctx, const struct results *rs, FILE *out)
{
	static const char *const names[] = {
		"lead_id", "account_id", "contact_id", "deal_id", "account_created", "contact_created"
	};
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	for (int i = 0; i < 6; i++)
		crm_out_col(o, names[i], CRM_COL_NUM);
	for (size_t i = 0; i < rs->n; i++) {
		const struct result *r = &rs->r[i];
		char t[4][24];
		snprintf(t[0], sizeof t[0], "%lld", (long long)r->lead);
		snprintf(t[1], sizeof t[1], "%lld", (long long)r->account);
		snprintf(t[2], sizeof t[2], "%lld", (long long)r->contact);
		snprintf(t[3], sizeof t[3], "%lld", (long long)r->deal);
		const char *row[] = {t[0], t[1], r->contact ? t[2] : NULL, t[3],
				     r->account_created ? "1" : "0", r->contact_created ? "1" : "0"};
		crm_out_row(o, row);
	}
	crm_out_end(o);
}

int crm_lead_convert(struct crm_ctx *ctx, const struct crm_convert *c, FILE *out)
{
	struct crm_lead_rec *r = crm_lead_rec_new(ctx);
	struct result res;
	int st = crm_db_begin(ctx->db);
	if (!st)
		st = crm_ctx_end(ctx, convert_one(ctx, c, r, NULL, &res));
	if (!st && out)
		print_results(ctx, &(struct results){&res, 1, 1}, out);
	crm_lead_rec_free(r);
	return st;
}

/* A column's value in the current row, else the default. */
static const char *cell(struct crm_tsv *t, int col, const char *dflt)
{
	const char *v = col >= 0 ? crm_tsv_field(t, (size_t)col, NULL) : "";
	return *v ? v : dflt;
}

int crm_lead_convert_tsv(struct crm_ctx *ctx, FILE *in, const char *name,
			 const struct crm_convert *defaults, FILE *out)
{
	static const char *const names[] = {"id", "title", "amount", "stage", "close_date", "pipeline"};
	struct results rs = {0};
	int col[6], st, rc, first_bad = 0;
	long bad = 0;
	struct crm_tsv *t = crm_tsv_open(in, name, &st);
	if (!t)
		return st;
	for (int i = 0; i < 6; i++)
		col[i] = crm_tsv_col(t, names[i]);
	if (col[0] < 0) {
		crm_warn("%s:1: no column 'id'", crm_tsv_name(t));
		crm_tsv_close(t);
		return EX_DATAERR;
	}
	struct crm_lead_rec *r = crm_lead_rec_new(ctx);
	if ((st = crm_db_begin(ctx->db)))
		goto out;
	/* every row is converted, even after a bad one, so that each is checked
	 * against what the rows before it made; then all is rolled back */
	while ((rc = crm_tsv_next(t)) != 0) {
		char where[300], *end;
		snprintf(where, sizeof where, "%s:%ld", crm_tsv_name(t), crm_tsv_line(t));
		const char *idtext = rc > 0 ? crm_tsv_field(t, (size_t)col[0], NULL) : "";
		long long id = strtoll(idtext, &end, 10);
		if (rc < 0) {
			st = -rc;
		} else if (!*idtext || *end || id <= 0) {
			crm_warn("%s: invalid lead id '%s'", where, idtext);
			st = EX_DATAERR;
		} else {
			struct crm_convert c = {
				.lead_id = id, .title = cell(t, col[1], defaults->title),
				.amount = cell(t, col[2], defaults->amount), .stage = cell(t, col[3], defaults->stage),
				.close_date = cell(t, col[4], defaults->close_date),
				.pipeline = cell(t, col[5], defaults->pipeline),
			};
			if (rs.n == rs.cap)
				rs.r = crm_xrealloc(rs.r, (rs.cap = rs.cap ? 2 * rs.cap : 16) * sizeof *rs.r);
			if (!(st = convert_one(ctx, &c, r, where, &rs.r[rs.n])))
				rs.n++;
		}
		if (st == EX_DATAERR || st == CRM_EX_NOTFOUND || st == EX_NOPERM) {
			first_bad = bad++ ? first_bad : st;
			st = 0;
		} else if (st) {
			break;
		}
	}
	if (!st)
		st = crm_nothing_done(bad, "bad row", "converted", first_bad);
	st = crm_ctx_end(ctx, st);
	if (!st && out)
		print_results(ctx, &rs, out);
out:
	free(rs.r);
	crm_lead_rec_free(r);
	crm_tsv_close(t);
	return st;
}
