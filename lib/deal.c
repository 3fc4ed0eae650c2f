/* deal.c: a new deal with its history, add and update.  The values of a
 * deal are checked in deal_field.c, stage changes are in deal_move.c,
 * listing in deal_list.c, importing in deal_import.c. */
#include <stdarg.h>
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

static int whyf(char *why, size_t n, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int whyf(char *why, size_t n, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why, n, fmt, ap);
	va_end(ap);
	return status;
}

static char *login_of(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, "SELECT login FROM users WHERE id = ?1");
	if (!s || !id)
		return crm_xstrdup("");
	crm_bind_int(s, 1, id);
	char *login = crm_xstrdup(crm_step(s) == CRM_ROW ? crm_col_text(s, 0) : "");
	crm_stmt_reset(s);
	return login;
}

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
	char *owner = login_of(ctx, d->owner_id);
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

/* ---- fields of add and update ---- */

enum {
	DF_TITLE, DF_ACCOUNT, DF_CONTACT, DF_AMOUNT, DF_CURRENCY, DF_CLOSE, DF_OWNER, DF_SOURCE,
	DF_CAMPAIGN, DF_PRODUCT, DF_PIPELINE, DF_STAGE, DF_N
};

/* update: ?1 id, ?2 value, ?3 now */
#define SET(col) "UPDATE deals SET " col " = ?2, updated_at = ?3 WHERE id = ?1"
static const struct {
	const char *name;
	const char *update;	/* NULL: add only */
	bool number;		/* bound as an integer */
} fields[DF_N] = {
	{"title", SET("title"), false},
	{"account", SET("account_id"), true},
	{"contact", SET("contact_id"), true},
	{"amount", SET("amount"), true},
	{"currency", SET("currency"), false},
	{"close_date", SET("expected_close"), false},
	{"owner", SET("owner_id"), true},
	{"source", SET("source"), false},
	{"campaign", SET("campaign"), false},
	{"product", SET("product"), false},
	{"pipeline", NULL, false},
	{"stage", NULL, false},
};

struct custom_value {
	const struct crm_custom_field *cf;
	char *value;		/* canonical; "" = no value */
};

/* Field values being checked: text[] is what audit rows and -n show
 * (an account id, an owner's login, an amount as "1200.00"). */
struct vals {
	bool set[DF_N];
	char *text[DF_N];
	int64_t num[DF_N];		/* account, contact and owner ids; amount in cents */
	int64_t contact_account;	/* the account the contact belongs to */
	struct custom_value *custom;
	size_t ncustom;
	char why[600];
};

static void vals_free(struct vals *v)
{
	for (int i = 0; i < DF_N; i++)
		free(v->text[i]);
	for (size_t i = 0; i < v->ncustom; i++)
		free(v->custom[i].value);
	free(v->custom);
}

/* An account or contact id the actor may see. */
static int check_ref(struct crm_ctx *ctx, int f, const char *value, struct vals *v)
{
	static const char account_sql[] =
		"SELECT owner_id, " CRM_SQL_VISIBLE_OWNED("owner_id") ", 0 FROM accounts WHERE id = :id";
	static const char contact_sql[] =
		"SELECT owner_id, " CRM_SQL_VISIBLE_OWNED("owner_id") ", coalesce(account_id, 0)"
		" FROM contacts WHERE id = :id";
	const char *what = fields[f].name;
	char *end;
	long long id = strtoll(value, &end, 10);
	if (!*value || *end || id <= 0) {
		char label[32];
		snprintf(label, sizeof label, "invalid %s id", what);
		return crm_deal_why_value(v->why, sizeof v->why, label, value);
	}
	struct crm_stmt *s = crm_db_stmt(ctx->db, f == DF_ACCOUNT ? account_sql : contact_sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(ctx, s);
	int rc = crm_step(s);
	if (rc == CRM_DONE)
		return whyf(v->why, sizeof v->why, CRM_EX_NOTFOUND, "%s %lld not found", what, id);
	if (rc != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read accounts");
	bool visible = crm_col_int(s, 1);
	if (f == DF_CONTACT)
		v->contact_account = crm_col_int(s, 2);
	crm_stmt_reset(s);
	if (!visible)
		return whyf(v->why, sizeof v->why, EX_NOPERM, "permission denied: %s %lld is not visible to '%s'",
			    what, id, ctx->actor.login);
	v->num[f] = id;
	return 0;
}

static int put_custom(struct crm_ctx *ctx, struct vals *v, const char *name, const char *value)
{
	const struct crm_custom_field *cf = crm_config_custom_field(ctx->cfg, "deal", name);
	const char *why;
	if (!cf)
		return whyf(v->why, sizeof v->why, EX_USAGE, "unknown field '%s'", name);
	if (*value && crm_custom_field_check(cf, value, &why)) {
		char what[200];
		snprintf(what, sizeof what, "%s: %s", name, why);
		return crm_deal_why_value(v->why, sizeof v->why, what, value);
	}
	char money[CRM_MONEY_LEN];
	char *canon = crm_xstrdup(crm_custom_field_stored(cf, value, money));
	size_t i = 0;
	while (i < v->ncustom && v->custom[i].cf != cf)
		i++;
	if (i == v->ncustom) {
		v->custom = crm_xrealloc(v->custom, (v->ncustom + 1) * sizeof *v->custom);
		v->custom[v->ncustom++].cf = cf;
	} else {
		free(v->custom[i].value);
	}
	v->custom[i].value = canon;
	return 0;
}

/* Check value for field name and keep its canonical form.  0, or an exit
 * status with the reason in v->why (64 unknown field, 65 bad value, 1 an
 * account or contact that is not there, 77 one the actor may not see). */
static int put(struct crm_ctx *ctx, struct vals *v, const char *name, const char *value)
{
	int f = 0, st = 0;
	while (f < DF_N && strcmp(fields[f].name, name) != 0)
		f++;
	if (f == DF_N)
		return put_custom(ctx, v, name, value);
	char *buf = crm_xstrdup(value), *text = crm_trim(buf), small[CRM_MONEY_LEN];
	const char *canon = text, *why;
	v->num[f] = 0;
	if (f == DF_CONTACT)
		v->contact_account = 0;
	if (!crm_utf8_valid(text, strlen(text), NULL))
		st = whyf(v->why, sizeof v->why, EX_DATAERR, "invalid UTF-8 in %s", name);
	else if (strlen(text) > TEXT_MAX)
		st = whyf(v->why, sizeof v->why, EX_DATAERR, "%s too long (%zu bytes, at most %d)", name,
			  strlen(text), TEXT_MAX);
	else if (!*text && f == DF_AMOUNT)
		canon = "0.00";
	if (st || !*text)
		goto out;
	switch (f) {
	case DF_ACCOUNT:
	case DF_CONTACT:
		if (!(st = check_ref(ctx, f, text, v))) {
			snprintf(small, sizeof small, "%lld", (long long)v->num[f]);
			canon = small;
		}
		break;
	case DF_AMOUNT:
		if (!(st = crm_deal_amount(text, &v->num[f], v->why, sizeof v->why))) {
			crm_money_format(v->num[f], small);
			canon = small;
		}
		break;
	case DF_CURRENCY:
		st = crm_deal_currency(text, small, v->why, sizeof v->why);
		canon = small;
		break;
	case DF_CLOSE:
		st = crm_deal_close_date(ctx, text, small, v->why, sizeof v->why);
		canon = small;
		break;
	case DF_OWNER:
		if (!(v->num[f] = crm_ctx_user_id(ctx, text)))
			st = crm_deal_why_value(v->why, sizeof v->why, "unknown user", text);
		break;
	case DF_SOURCE:
		if (!(canon = crm_deal_source(ctx->cfg, text, &why)))
			st = crm_deal_why_value(v->why, sizeof v->why, why, text);
		break;
	default:
		break;
	}
out:
	if (!st) {
		free(v->text[f]);
		v->text[f] = crm_xstrdup(canon);
		v->set[f] = true;
	}
	free(buf);
	return st;
}

static int put_all(struct crm_ctx *ctx, struct vals *v, const struct crm_deal_field *f, int n)
{
	for (int i = 0; i < n; i++) {
		int st = put(ctx, v, f[i].name, f[i].value ? f[i].value : "");
		if (st) {
			crm_warn("%s", v->why);
			return st;
		}
	}
	return 0;
}

/* The custom fields of v as a JSON object ("" when none has a value). */
static char *custom_json(const struct vals *v)
{
	struct crm_buf b = {0};
	for (size_t i = 0; i < v->ncustom; i++)
		if (*v->custom[i].value)
			crm_json_member(&b, v->custom[i].cf->name, v->custom[i].value);
	crm_json_end(&b);
	return b.s ? b.s : crm_xstrdup("");
}

/* A contact at another account than the deal's is a mistake. */
static int check_contact(struct vals *v, int64_t account)
{
	if (v->num[DF_CONTACT] && v->contact_account && account && v->contact_account != account) {
		crm_warn("contact %lld is at account %lld, not %lld", (long long)v->num[DF_CONTACT],
			 (long long)v->contact_account, (long long)account);
		return EX_DATAERR;
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
	struct vals v = {0};
	struct crm_deal_new d = {0};
	const struct crm_stage *stage = NULL;
	char *custom = NULL;
	int64_t id;
	int st;

	if ((st = put_all(ctx, &v, f, n)))
		goto out;
	if (!v.set[DF_TITLE] || !*v.text[DF_TITLE]) {
		st = crm_usage_fail("add needs --title");
		goto out;
	}
	const char *pname = v.set[DF_PIPELINE] && *v.text[DF_PIPELINE] ? v.text[DF_PIPELINE] : NULL;
	const struct crm_pipeline *p = crm_config_pipeline(ctx->cfg, pname);
	if (!p) {
		crm_warn("unknown pipeline '%s'", pname);
		st = EX_DATAERR;
		goto out;
	}
	if (v.set[DF_STAGE] && *v.text[DF_STAGE]) {
		if ((st = crm_deal_stage(p, v.text[DF_STAGE], &stage, v.why, sizeof v.why))) {
			crm_warn("%s", v.why);
			goto out;
		}
		if (stage->kind != CRM_STAGE_OPEN) {
			crm_warn("a new deal starts in an open stage, not '%s' (add it, then use %s)",
				 stage->id, crm_deal_status_name(stage->kind));
			st = EX_DATAERR;
			goto out;
		}
	}
	for (size_t i = 0; i < ctx->cfg->ncustom_fields; i++) {
		const struct crm_custom_field *cf = &ctx->cfg->custom_fields[i];
		bool given = false;
		for (size_t k = 0; k < v.ncustom; k++)
			given |= v.custom[k].cf == cf && *v.custom[k].value;
		if (cf->required && strcmp(cf->entity, "deal") == 0 && !given) {
			crm_warn("a deal needs %s (a required custom field)", cf->name);
			st = EX_DATAERR;
			goto out;
		}
	}
	if (!v.num[DF_ACCOUNT])
		v.num[DF_ACCOUNT] = v.contact_account;
	if ((st = check_contact(&v, v.num[DF_ACCOUNT])))
		goto out;
	if (!v.num[DF_OWNER]) {
		v.num[DF_OWNER] = ctx->actor.id;
	} else {
		char what[160];
		snprintf(what, sizeof what, "deals of '%.100s'", v.text[DF_OWNER]);
		if ((st = crm_ctx_may_change(ctx, v.num[DF_OWNER], what)))
			goto out;
	}
	custom = custom_json(&v);
	d.title = v.text[DF_TITLE];
	d.account_id = v.num[DF_ACCOUNT];
	d.contact_id = v.num[DF_CONTACT];
	d.owner_id = v.num[DF_OWNER];
	d.pipeline = p->id;
	d.stage = stage ? stage->id : NULL;
	d.amount = v.num[DF_AMOUNT];
	d.currency = v.text[DF_CURRENCY];
	d.expected_close = v.text[DF_CLOSE];
	d.source = v.text[DF_SOURCE];
	d.campaign = v.text[DF_CAMPAIGN];
	d.product = v.text[DF_PRODUCT];
	d.custom = custom;
	if ((st = crm_db_begin(ctx->db)))
		goto out;
	st = crm_deal_insert(ctx, &d, true, &id);
	if (!st && ctx->opts->dry_run && !ctx->opts->quiet)
		st = print_deal(ctx, id, out);
	if (!(st = crm_ctx_end(ctx, st)) && !ctx->opts->dry_run && !ctx->opts->quiet)
		st = print_deal(ctx, id, out);
out:
	free(custom);
	vals_free(&v);
	return st;
}

/* ---- update ---- */

/* The stored values of deal id in the text forms of struct vals. */
struct current {
	char *text[DF_N];
	int64_t owner_id, account_id;
	char *custom;
};

static void current_free(struct current *c)
{
	for (int i = 0; i < DF_N; i++)
		free(c->text[i]);
	free(c->custom);
}

static int load_current(struct crm_ctx *ctx, int64_t id, struct current *c)
{
	static const char sql[] =
		"SELECT d.title, d.account_id, d.contact_id,"
		" printf('%d.%02d', d.amount / 100, d.amount % 100), d.currency, d.expected_close,"
		" u.login, d.source, d.campaign, d.product, d.pipeline, d.stage,"
		" coalesce(d.owner_id, 0), coalesce(d.account_id, 0), d.custom"
		" FROM deals d LEFT JOIN users u ON u.id = d.owner_id WHERE d.id = ?1";
	int st;
	memset(c, 0, sizeof *c);
	if ((st = crm_deal_check(ctx, id, true, NULL)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read deal");
	for (int i = 0; i < DF_N; i++)
		c->text[i] = crm_xstrdup(crm_col_text(s, i));
	c->owner_id = crm_col_int(s, DF_N);
	c->account_id = crm_col_int(s, DF_N + 1);
	c->custom = crm_xstrdup(crm_col_text(s, DF_N + 2));
	crm_stmt_reset(s);
	return 0;
}

static int write_field(struct crm_ctx *ctx, int64_t id, int f, const struct vals *v)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, fields[f].update);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	if (f == DF_AMOUNT)
		crm_bind_int(s, 2, v->num[f]);
	else if (fields[f].number)
		crm_bind_id(s, 2, v->num[f]);
	else
		crm_bind_text(s, 2, v->text[f]);
	crm_bind_text(s, 3, ctx->now_iso);
	return crm_step(s) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot update deal");
}

static int update_custom(struct crm_ctx *ctx, int64_t id, const struct current *c,
			 const struct custom_value *cv, struct crm_diff *diff)
{
	static const char get_sql[] = "SELECT json_extract(?1, ?2)";
	static const char set_sql[] =
		"UPDATE deals SET custom = CASE WHEN ?3 IS NULL THEN json_remove(coalesce(custom, '{}'), ?2)"
		" ELSE json_set(coalesce(custom, '{}'), ?2, ?3) END, updated_at = ?4 WHERE id = ?1";
	char *path = crm_xasprintf("$.\"%s\"", cv->cf->name), *old = NULL;
	int st = EX_SOFTWARE;
	struct crm_stmt *s = crm_db_stmt(ctx->db, get_sql);
	if (!s)
		goto out;
	crm_bind_text(s, 1, *c->custom ? c->custom : "{}");
	crm_bind_str(s, 2, path);
	old = crm_xstrdup(crm_step(s) == CRM_ROW ? crm_col_text(s, 0) : "");
	crm_stmt_reset(s);
	st = 0;
	if (strcmp(old, cv->value) == 0)
		goto out;
	if ((st = crm_audit_write(ctx->db, "deal", id, "update", cv->cf->name, *old ? old : NULL,
			       *cv->value ? cv->value : NULL)))
		goto out;
	crm_diff_row(diff, id, cv->cf->name, old, cv->value);
	if (!(s = crm_db_stmt(ctx->db, set_sql))) {
		st = EX_SOFTWARE;
		goto out;
	}
	crm_bind_int(s, 1, id);
	crm_bind_str(s, 2, path);
	crm_bind_text(s, 3, cv->value);
	crm_bind_text(s, 4, ctx->now_iso);
	if (crm_step(s) != CRM_DONE)
		st = crm_db_fail(ctx->db, "cannot update deal");
out:
	free(path);
	free(old);
	return st;
}

static int apply_update(struct crm_ctx *ctx, int64_t id, struct vals *v, struct crm_diff *diff)
{
	struct current c;
	int st = load_current(ctx, id, &c);
	if (st)
		goto out;
	if (v->set[DF_ACCOUNT] || v->set[DF_CONTACT]) {
		int64_t account = v->set[DF_ACCOUNT] ? v->num[DF_ACCOUNT] : c.account_id;
		if (!v->set[DF_CONTACT] && *c.text[DF_CONTACT] &&
		    (st = check_ref(ctx, DF_CONTACT, c.text[DF_CONTACT], v)))
			goto out;
		if ((st = check_contact(v, account)))
			goto out;
	}
	for (int f = 0; f < DF_N; f++) {
		if (!v->set[f] || strcmp(c.text[f], v->text[f]) == 0)
			continue;
		if (f == DF_TITLE && !*v->text[f]) {
			crm_warn("deal %lld: title cannot be empty", (long long)id);
			st = EX_DATAERR;
			goto out;
		}
		if (f == DF_OWNER) {
			char what[160];
			snprintf(what, sizeof what, "deals of '%.100s'", *v->text[f] ? v->text[f] : "nobody");
			if ((st = crm_ctx_may_change(ctx, v->num[f], what)))
				goto out;
		}
		if ((st = crm_audit_write(ctx->db, "deal", id, "update", fields[f].name,
				       *c.text[f] ? c.text[f] : NULL, *v->text[f] ? v->text[f] : NULL)))
			goto out;
		crm_diff_row(diff, id, fields[f].name, c.text[f], v->text[f]);
		if ((st = write_field(ctx, id, f, v)))
			goto out;
	}
	for (size_t i = 0; i < v->ncustom && !st; i++)
		st = update_custom(ctx, id, &c, &v->custom[i], diff);
out:
	current_free(&c);
	return st;
}

int crm_deal_update(struct crm_ctx *ctx, int64_t id, const struct crm_deal_field *f, int n,
		    FILE *out)
{
	struct vals v = {0};
	int st;
	if ((st = put_all(ctx, &v, f, n)))
		goto out;
	if (v.set[DF_PIPELINE] || v.set[DF_STAGE]) {
		st = crm_usage_fail(v.set[DF_STAGE] ? "update: the stage changes with move, won, lost or reopen"
				    : "update: a deal keeps its pipeline");
		goto out;
	}
	bool any = v.ncustom > 0;
	for (int i = 0; i < DF_N; i++)
		any |= v.set[i];
	if (!any) {
		st = crm_usage_fail("update: nothing to change (give a field option or --set)");
		goto out;
	}
	struct crm_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	if (!(st = crm_db_begin(ctx->db)))
		st = crm_ctx_end(ctx, apply_update(ctx, id, &v, &diff));
out:
	vals_free(&v);
	return st;
}
