/* deal.c: a new deal with its history, and the deal kind of the record
 * engine (record.h) that add and update go through: its fields, and the
 * pipeline rules as its hooks.  The value checks are deal_field.c's,
 * stage changes are in deal_move.c, listing in deal_list.c, importing in
 * deal_import.c. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "deal.h"
#include "err.h"
#include "money.h"
#include "record.h"
#include "text.h"
#include "tsv.h"
#include "utf8.h"

#define TEXT_MAX 1000	/* bytes of a title, campaign or product */

/* ---- a new deal ---- */

int crm_deal_stage_row(struct crm_ctx *ctx, int64_t id, const char *from, const char *to,
		       const char *at, const char *reason)
{
	static const char sql[] =
		"INSERT INTO deal_stages (deal_id, from_stage, to_stage, at, actor, reason)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	crm_bind_text(s, 2, from);
	crm_bind_text(s, 3, to);
	crm_bind_text(s, 4, at);
	crm_bind_text(s, 5, ctx->actor.login);
	crm_bind_text(s, 6, reason);
	return crm_step(s) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot write deal history");
}

static int audit_new(struct crm_ctx *ctx, int64_t id, const struct crm_deal_new *d,
		     const struct crm_pipeline *p, const struct crm_stage *stage, const char *currency)
{
	char amount[CRM_MONEY_LEN], account[24], contact[24], lead[24];
	char *owner = crm_rec_login_of(ctx, d->owner_id);
	crm_money_format(d->amount, amount);
	snprintf(account, sizeof account, "%lld", (long long)d->account_id);
	snprintf(contact, sizeof contact, "%lld", (long long)d->contact_id);
	snprintf(lead, sizeof lead, "%lld", (long long)d->lead_id);
	const char *const f[][2] = {
		{"title", d->title}, {"pipeline", p->id}, {"stage", stage->id}, {"amount", amount},
		{"currency", currency}, {"close_date", d->expected_close}, {"owner", owner},
		{"account", d->account_id ? account : NULL}, {"contact", d->contact_id ? contact : NULL},
		{"source", d->source}, {"campaign", d->campaign}, {"product", d->product},
		{"lead", d->lead_id ? lead : NULL}, {"external_id", d->external_id},
		{"custom", d->custom},
	};
	int st = 0;
	for (size_t i = 0; i < sizeof f / sizeof f[0] && !st; i++)
		if (f[i][1] && *f[i][1])
			st = crm_audit_write(ctx->db, "deal", id, "create", f[i][0], NULL, f[i][1]);
	free(owner);
	return st;
}

int crm_deal_insert(struct crm_ctx *ctx, const struct crm_deal_new *d, bool audit, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO deals (title, account_id, contact_id, pipeline, stage, status, amount,"
		" currency, expected_close, closed_at, owner_id, source, campaign, product, lead_id,"
		" loss_reason, external_id, custom, created_at, updated_at, stage_changed_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
		" ?18, ?19, ?20, ?21)";
	const struct crm_pipeline *p = crm_config_pipeline(ctx->cfg, d->pipeline);
	const struct crm_stage *stage = d->stage ? crm_pipeline_stage(p, d->stage)
						 : crm_deal_first_stage(p);
	const char *created = d->created_at ? d->created_at : ctx->now_iso;
	const char *closed = NULL;
	const char *currency = d->currency && *d->currency ? d->currency : ctx->cfg->currency;
	int st;

	if (stage->kind != CRM_STAGE_OPEN)
		closed = d->closed_at ? d->closed_at : ctx->now_iso;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_text(s, 1, d->title);
	crm_bind_id(s, 2, d->account_id);
	crm_bind_id(s, 3, d->contact_id);
	crm_bind_text(s, 4, p->id);
	crm_bind_text(s, 5, stage->id);
	crm_bind_text(s, 6, crm_deal_status_name(stage->kind));
	crm_bind_int(s, 7, d->amount);
	crm_bind_text(s, 8, currency);
	crm_bind_text(s, 9, d->expected_close);
	crm_bind_text(s, 10, closed);
	crm_bind_id(s, 11, d->owner_id);
	crm_bind_text(s, 12, d->source);
	crm_bind_text(s, 13, d->campaign);
	crm_bind_text(s, 14, d->product);
	crm_bind_id(s, 15, d->lead_id);
	crm_bind_text(s, 16, stage->kind == CRM_STAGE_LOST ? d->loss_reason : NULL);
	crm_bind_text(s, 17, d->external_id);
	crm_bind_text(s, 18, d->custom);
	crm_bind_text(s, 19, created);
	crm_bind_text(s, 20, ctx->now_iso);
	crm_bind_text(s, 21, closed ? closed : created);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot add deal");
	*id = crm_db_last_id(ctx->db);
	if (closed) {
		const char *entry = d->entry_stage ? d->entry_stage : crm_deal_first_stage(p)->id;
		if ((st = crm_deal_stage_row(ctx, *id, NULL, entry, created, NULL)) ||
		    (st = crm_deal_stage_row(ctx, *id, entry, stage->id, closed, d->loss_reason)))
			return st;
	} else if ((st = crm_deal_stage_row(ctx, *id, NULL, stage->id, created, NULL))) {
		return st;
	}
	return audit ? audit_new(ctx, *id, d, p, stage, currency) : 0;
}

/* ---- the deal kind: add and update through the record engine ---- */

enum {
	DF_TITLE, DF_ACCOUNT, DF_CONTACT, DF_AMOUNT, DF_CURRENCY, DF_CLOSE, DF_OWNER, DF_SOURCE,
	DF_CAMPAIGN, DF_PRODUCT, DF_PIPELINE, DF_STAGE, DF_N
};

static const char *currency_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
				  const char **why)
{
	char why_buf[8];
	if (crm_deal_currency(v, buf, why_buf, sizeof why_buf)) {
		*why = "invalid currency";
		return NULL;
	}
	return buf;
}

static const char *close_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
			       const char **why)
{
	char why_buf[8];
	if (crm_deal_close_date(ctx, v, buf, why_buf, sizeof why_buf)) {
		*why = "invalid close date";
		return NULL;
	}
	return buf;
}

/* An account or contact id as a number: "007" and "+7" are 7. */
static const char *id_canon(const char *v, char *buf, size_t n)
{
	char *end;
	long long id = strtoll(v, &end, 10);
	if (*end || id <= 0)
		return NULL;
	snprintf(buf, n, "%lld", id);
	return buf;
}

static const char *account_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
				 const char **why)
{
	*why = "invalid account id";
	return id_canon(v, buf, n);
}

static const char *contact_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
				 const char **why)
{
	*why = "invalid contact id";
	return id_canon(v, buf, n);
}

static const char *source_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
				const char **why)
{
	snprintf(buf, n, "%s", v);	/* at most TEXT_MAX bytes: buf holds more */
	return crm_deal_source(ctx->cfg, buf, why);
}

/* Deals word some refusals their own way. */
static int refuse(const struct crm_rec *r, int h, enum crm_refusal what, const char *why,
		  const char *value, char *out, size_t n)
{
	const char *name = crm_rec_field_name(r, h);
	char label[200];
	switch (what) {
	case CRM_REFUSE_TOO_LONG:
		snprintf(out, n, "%s %s", name, why);
		return EX_DATAERR;
	case CRM_REFUSE_CUSTOM:
		snprintf(label, sizeof label, "%s: %s", name, why);
		return crm_deal_why_value(out, n, label, value);
	case CRM_REFUSE_MISSING:
		snprintf(out, n, "%s %lld not found", name, strtoll(value, NULL, 10));
		return CRM_EX_NOTFOUND;
	}
	return 0;
}

static const char *get(const struct crm_rec *r, int h)
{
	const char *v = crm_rec_get(r, h);
	return v ? v : "";
}

/* A contact at another account than the deal's is a mistake. */
static int check_contact(const struct crm_rec *r, const char *account)
{
	int64_t contact = strtoll(get(r, DF_CONTACT), NULL, 10), at = crm_rec_ref_parent(r);
	int64_t acc = strtoll(account, NULL, 10);
	if (contact && at && acc && at != acc) {
		crm_warn("contact %lld is at account %lld, not %lld", (long long)contact,
			 (long long)at, (long long)acc);
		return EX_DATAERR;
	}
	return 0;
}

/* The rules of a new deal: a title, a pipeline of the config, an open
 * stage of it, the required custom fields, and a contact at the deal's
 * account (which the contact gives when the deal names none). */
static int check_new(struct crm_rec *r)
{
	struct crm_ctx *ctx = crm_rec_ctx(r);
	const struct crm_stage *stage = NULL;
	int st;
	if (!*get(r, DF_TITLE))
		return crm_usage_fail("add needs --title");
	const char *pname = *get(r, DF_PIPELINE) ? get(r, DF_PIPELINE) : NULL;
	const struct crm_pipeline *p = crm_config_pipeline(ctx->cfg, pname);
	if (!p) {
		crm_warn("unknown pipeline '%s'", pname);
		return EX_DATAERR;
	}
	if (*get(r, DF_STAGE)) {
		char why[400];
		if (crm_deal_stage(p, get(r, DF_STAGE), &stage, why, sizeof why)) {
			crm_warn("%s", why);
			return EX_DATAERR;
		}
		if (stage->kind != CRM_STAGE_OPEN) {
			crm_warn("a new deal starts in an open stage, not '%s' (add it, then use %s)",
				 stage->id, crm_deal_status_name(stage->kind));
			return EX_DATAERR;
		}
	}
	for (size_t i = 0; i < ctx->cfg->ncustom_fields; i++) {
		const struct crm_custom_field *cf = &ctx->cfg->custom_fields[i];
		if (cf->required && strcmp(cf->entity, "deal") == 0 &&
		    !*get(r, crm_rec_field(r, cf->name))) {
			crm_warn("a deal needs %s (a required custom field)", cf->name);
			return EX_DATAERR;
		}
	}
	if ((st = crm_rec_put(r, DF_PIPELINE, p->id)) ||
	    (stage && (st = crm_rec_put(r, DF_STAGE, stage->id))))
		return st;
	if (!*get(r, DF_ACCOUNT) && crm_rec_ref_parent(r)) {
		char account[24];
		snprintf(account, sizeof account, "%lld", (long long)crm_rec_ref_parent(r));
		crm_rec_trust_refs(r, true);	/* the contact's own account */
		st = crm_rec_put(r, DF_ACCOUNT, account);
		crm_rec_trust_refs(r, false);
		if (st) {
			crm_warn("%s", crm_rec_error(r));
			return st;
		}
	}
	return check_contact(r, get(r, DF_ACCOUNT));
}

/* A new account or contact must agree with the contact the deal keeps. */
static int changing(struct crm_rec *chg, const struct crm_rec *cur, int64_t id)
{
	bool account = crm_rec_get(chg, DF_ACCOUNT), contact = crm_rec_get(chg, DF_CONTACT);
	int st;
	if (!account && !contact)
		return 0;
	if (!contact && *get(cur, DF_CONTACT) &&
	    (st = crm_rec_put(chg, DF_CONTACT, get(cur, DF_CONTACT)))) {
		crm_warn("%s", crm_rec_error(chg));
		return st;
	}
	return check_contact(chg, get(account ? chg : cur, DF_ACCOUNT));
}

static int insert(struct crm_rec *r, bool audit, int64_t *id)
{
	int64_t amount = 0;
	crm_money_parse(get(r, DF_AMOUNT), &amount);
	struct crm_deal_new d = {
		.title = get(r, DF_TITLE),
		.account_id = strtoll(get(r, DF_ACCOUNT), NULL, 10),
		.contact_id = strtoll(get(r, DF_CONTACT), NULL, 10),
		.owner_id = crm_rec_owner_id(r),
		.pipeline = get(r, DF_PIPELINE),
		.stage = *get(r, DF_STAGE) ? get(r, DF_STAGE) : NULL,
		.amount = amount,
		.currency = get(r, DF_CURRENCY),
		.expected_close = get(r, DF_CLOSE),
		.source = get(r, DF_SOURCE),
		.campaign = get(r, DF_CAMPAIGN),
		.product = get(r, DF_PRODUCT),
		.custom = crm_rec_custom_json(r),
	};
	return crm_deal_insert(crm_rec_ctx(r), &d, audit, id);
}

static const struct crm_field fields[DF_N] = {
	[DF_TITLE] = {"title", "title", CRM_FK_TEXT, TEXT_MAX, .required = true},
	[DF_ACCOUNT] = {"account", "account_id", CRM_FK_ACCOUNT, TEXT_MAX, .canon = account_canon},
	[DF_CONTACT] = {"contact", "contact_id", CRM_FK_REF, TEXT_MAX, .canon = contact_canon,
			.ref = "contacts", .ref_parent = "account_id"},
	[DF_AMOUNT] = {"amount", "amount", CRM_FK_MONEY, TEXT_MAX},
	[DF_CURRENCY] = {"currency", "currency", CRM_FK_TEXT, TEXT_MAX, .canon = currency_canon},
	[DF_CLOSE] = {"close_date", "expected_close", CRM_FK_TEXT, TEXT_MAX, .canon = close_canon},
	[DF_OWNER] = {"owner", "owner_id", CRM_FK_OWNER, TEXT_MAX},
	[DF_SOURCE] = {"source", "source", CRM_FK_TEXT, TEXT_MAX, .canon = source_canon},
	[DF_CAMPAIGN] = {"campaign", "campaign", CRM_FK_TEXT, TEXT_MAX},
	[DF_PRODUCT] = {"product", "product", CRM_FK_TEXT, TEXT_MAX},
	[DF_PIPELINE] = {"pipeline", "pipeline", CRM_FK_TEXT, TEXT_MAX},
	[DF_STAGE] = {"stage", "stage", CRM_FK_TEXT, TEXT_MAX},
};

/* Listing, show and stage changes are deal_list.c's and deal_move.c's;
 * the kind holds the values and their rules. */
const struct crm_kind crm_deal_kind = {
	.entity = "deal", .table = "deals",
	.fields = fields, .nfields = DF_N,
	.refuse = refuse,
	.owner_is_actor = true,
	.check_new = check_new,
	.changing = changing,
	.insert = insert,
	.custom_given_order = true,
	.custom_keep_empty = true,
	.custom_as_given = true,
	.custom_max_len = SIZE_MAX,
};

/* Put each field into a new deal record; unknown fields are refused
 * without the usage hint. */
static int put_all(struct crm_rec *r, const struct crm_deal_field *f, int n)
{
	for (int i = 0; i < n; i++) {
		int h = crm_rec_field(r, f[i].name), st;
		if (h < 0) {
			crm_warn("unknown field '%s'", f[i].name);
			return EX_USAGE;
		}
		if ((st = crm_rec_put(r, h, f[i].value ? f[i].value : ""))) {
			crm_warn("%s", crm_rec_error(r));
			return st;
		}
	}
	return 0;
}

static int print_deal(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	struct crm_deal_filter f;
	crm_deal_filter_init(&f);
	f.id = id;
	return crm_deal_list(ctx, &f, out);
}

int crm_deal_add(struct crm_ctx *ctx, const struct crm_deal_field *f, int n, FILE *out)
{
	struct crm_rec *r = crm_rec_new(ctx, &crm_deal_kind);
	int64_t id;
	int st;
	if ((st = put_all(r, f, n)) || (st = crm_rec_check_new(r)) || (st = crm_db_begin(ctx->db)))
		goto out;
	st = crm_rec_insert(r, true, true, &id);
	if (!st && ctx->opts->dry_run && !ctx->opts->quiet)
		st = print_deal(ctx, id, out);
	if (!(st = crm_ctx_end(ctx, st)) && !ctx->opts->dry_run && !ctx->opts->quiet)
		st = print_deal(ctx, id, out);
out:
	crm_rec_free(r);
	return st;
}

int crm_deal_update(struct crm_ctx *ctx, int64_t id, const struct crm_deal_field *f, int n,
		    FILE *out)
{
	struct crm_rec *r = crm_rec_new(ctx, &crm_deal_kind);
	int st;
	if ((st = put_all(r, f, n)))
		goto out;
	if (crm_rec_get(r, DF_PIPELINE) || crm_rec_get(r, DF_STAGE)) {
		st = crm_usage_fail(crm_rec_get(r, DF_STAGE)
				    ? "update: the stage changes with move, won, lost or reopen"
				    : "update: a deal keeps its pipeline");
		goto out;
	}
	if (!crm_rec_any_set(r)) {
		st = crm_usage_fail("update: nothing to change (give a field option or --set)");
		goto out;
	}
	struct crm_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	if (!(st = crm_db_begin(ctx->db)))
		st = crm_ctx_end(ctx, crm_rec_apply(r, id, "update", &diff));
out:
	crm_rec_free(r);
	return st;
}
