/* lead.c: the lead record, its one validation path, insert and apply, and
 * the writing commands built on them (add, update, bulk update, tag,
 * disqualify).  Listing is in lead_list.c, dupes/merge/forget in
 * lead_merge.c, bulk import in lead_import.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "batch.h"
#include "db.h"
#include "err.h"
#include "lead.h"
#include "score.h"
#include "leadfield.h"
#include "money.h"
#include "normalise.h"
#include "record.h"
#include "tsv.h"
#include "utf8.h"

/* Handles: the built-in fields in enum order, then the disqualify reason,
 * then the config's custom lead fields. */
#define F_REASON CRM_LEAD_NFIELDS
#define F_CUSTOM (CRM_LEAD_NFIELDS + 1)
#define REASON_MAX 1000
#define CUSTOM_MAX 10000

struct slot {
	char *s;
	size_t cap;
	bool set;
};

struct crm_lead_rec {
	struct crm_ctx *ctx;
	int nslots;
	struct slot *v;
	const struct crm_custom_field **cf;	/* [h - F_CUSTOM] */
	int64_t owner_id;			/* the owner slot, resolved */
	char *cached_login;			/* last login resolved, and its id */
	int64_t cached_id;
	bool trusted_utf8;
	bool prepared;				/* norm and json hold the keys */
	const struct crm_lead_owners *owners;	/* logins known without the database */
	const char *where;			/* "stdin:3" in messages, or NULL */
	char err[512];
	struct slot norm[4];			/* phone, email, company, name keys */
	struct crm_buf json;			/* custom fields as a JSON object */
	struct crm_lead_rec *cur;		/* apply's copy of the stored lead */
};

enum { NORM_PHONE, NORM_EMAIL, NORM_COMPANY, NORM_NAME };

struct crm_lead_owners {
	size_t n;
	char **login;		/* sorted with strcmp */
	int64_t *id;
};

static void slot_reserve(struct slot *sl, size_t n)
{
	if (sl->cap >= n)
		return;
	size_t cap = sl->cap ? sl->cap : 32;
	while (cap < n)
		cap *= 2;
	sl->s = crm_xrealloc(sl->s, cap);
	sl->cap = cap;
}

static void slot_copy(struct slot *sl, const char *s, size_t n)
{
	slot_reserve(sl, n + 1);
	memmove(sl->s, s, n);
	sl->s[n] = '\0';
	sl->set = true;
}

struct crm_lead_rec *crm_lead_rec_new(struct crm_ctx *ctx)
{
	struct crm_lead_rec *r = crm_xcalloc(1, sizeof *r);
	const struct crm_config *cfg = ctx->cfg;
	size_t ncustom = 0;
	r->ctx = ctx;
	for (size_t i = 0; i < cfg->ncustom_fields; i++)
		ncustom += strcmp(cfg->custom_fields[i].entity, "lead") == 0;
	r->nslots = F_CUSTOM + (int)ncustom;
	r->v = crm_xcalloc((size_t)r->nslots, sizeof *r->v);
	r->cf = crm_xcalloc(ncustom ? ncustom : 1, sizeof *r->cf);
	ncustom = 0;
	for (size_t i = 0; i < cfg->ncustom_fields; i++)
		if (strcmp(cfg->custom_fields[i].entity, "lead") == 0)
			r->cf[ncustom++] = &cfg->custom_fields[i];
	return r;
}

void crm_lead_rec_free(struct crm_lead_rec *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nslots; i++)
		free(r->v[i].s);
	for (int i = 0; i < 4; i++)
		free(r->norm[i].s);
	free(r->json.s);
	free(r->v);
	free(r->cf);
	free(r->cached_login);
	crm_lead_rec_free(r->cur);
	free(r);
}

void crm_lead_rec_clear(struct crm_lead_rec *r)
{
	for (int i = 0; i < r->nslots; i++)
		r->v[i].set = false;
	r->owner_id = 0;
	r->prepared = false;
	r->err[0] = '\0';
}

void crm_lead_rec_trust_utf8(struct crm_lead_rec *r, bool trusted) { r->trusted_utf8 = trusted; }
void crm_lead_rec_where(struct crm_lead_rec *r, const char *where) { r->where = where; }
int crm_lead_rec_nfields(const struct crm_lead_rec *r) { return r->nslots; }
const char *crm_lead_rec_error(const struct crm_lead_rec *r) { return r->err; }

int crm_lead_rec_field(const struct crm_lead_rec *r, const char *name)
{
	int f = crm_lead_field_index(name);
	if (f >= 0)
		return f;
	if (strcmp(name, "disqualify_reason") == 0)
		return F_REASON;
	for (int h = F_CUSTOM; h < r->nslots; h++)
		if (strcmp(r->cf[h - F_CUSTOM]->name, name) == 0)
			return h;
	return -1;
}

const char *crm_lead_rec_field_name(const struct crm_lead_rec *r, int h)
{
	if (h < CRM_LEAD_NFIELDS)
		return crm_lead_fields_def[h].name;
	if (h == F_REASON)
		return "disqualify_reason";
	return r->cf[h - F_CUSTOM]->name;
}

const char *crm_lead_rec_get(const struct crm_lead_rec *r, int h)
{
	return h >= 0 && h < r->nslots && r->v[h].set ? r->v[h].s : NULL;
}

/* "why 'value'", the value cut (on a character boundary) when long. */
static int fail(struct crm_lead_rec *r, const char *why, const char *value)
{
	size_t n = strlen(value);
	bool cut = n > 80;
	if (cut)
		for (n = 80; n > 0 && ((unsigned char)value[n] & 0xc0) == 0x80; n--)
			;
	snprintf(r->err, sizeof r->err, "%s '%.*s%s'", why, (int)n, value, cut ? "..." : "");
	return EX_DATAERR;
}

struct crm_lead_owners *crm_lead_owners_load(struct crm_ctx *ctx)
{
	static const char sql[] = "SELECT login, id FROM users ORDER BY login";
	struct crm_lead_owners *o = crm_xcalloc(1, sizeof *o);
	size_t cap = 0;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	while (s && crm_step(s) == CRM_ROW) {
		if (o->n == cap) {
			cap = cap ? 2 * cap : 16;
			o->login = crm_xrealloc(o->login, cap * sizeof *o->login);
			o->id = crm_xrealloc(o->id, cap * sizeof *o->id);
		}
		o->login[o->n] = crm_xstrdup(crm_col_text(s, 0));
		o->id[o->n++] = crm_col_int(s, 1);
	}
	if (s)
		crm_stmt_reset(s);
	return o;
}

void crm_lead_owners_free(struct crm_lead_owners *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->login[i]);
	free(o->login);
	free(o->id);
	free(o);
}

void crm_lead_rec_use_owners(struct crm_lead_rec *r, const struct crm_lead_owners *o)
{
	r->owners = o;
}

static int64_t known_owner(const struct crm_lead_owners *o, const char *login)
{
	size_t lo = 0, hi = o->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int c = strcmp(o->login[mid], login);
		if (c == 0)
			return o->id[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int resolve_owner(struct crm_lead_rec *r, const char *login)
{
	if (!*login) {
		r->owner_id = 0;
		return 0;
	}
	if (r->owners) {
		r->owner_id = known_owner(r->owners, login);
		return r->owner_id ? 0 : -1;
	}
	if (!r->cached_login || strcmp(r->cached_login, login) != 0) {
		int64_t id = crm_ctx_user_id(r->ctx, login);
		if (!id)
			return -1;
		free(r->cached_login);
		r->cached_login = crm_xstrdup(login);
		r->cached_id = id;
	}
	r->owner_id = r->cached_id;
	return 0;
}

int crm_lead_rec_put(struct crm_lead_rec *r, int h, const char *value)
{
	struct slot *sl = &r->v[h];
	size_t len = strlen(value);
	const char *why;
	sl->set = false;
	r->prepared = false;
	if (!r->trusted_utf8 && !crm_utf8_valid(value, len, NULL)) {
		snprintf(r->err, sizeof r->err, "invalid UTF-8 in %s", crm_lead_rec_field_name(r, h));
		return EX_DATAERR;
	}
	slot_reserve(sl, len + 1);
	if (h < CRM_LEAD_NFIELDS) {
		const char *out;
		if (crm_lead_value_check(r->ctx->cfg, h, value, sl->s, &out, &why))
			return fail(r, why, value);
		if (out != sl->s)
			slot_copy(sl, out, strlen(out));
		if (h == CRM_LF_OWNER && resolve_owner(r, sl->s) != 0)
			return fail(r, "unknown user", sl->s);
	} else {
		memcpy(sl->s, value, len + 1);
		crm_trim(sl->s);
		size_t n = strlen(sl->s), max = h == F_REASON ? REASON_MAX : CUSTOM_MAX;
		if (n > max) {
			char toolong[64];
			snprintf(toolong, sizeof toolong, "too long (%zu bytes, at most %zu)", n, max);
			return fail(r, toolong, value);
		}
		const struct crm_custom_field *cf = h >= F_CUSTOM ? r->cf[h - F_CUSTOM] : NULL;
		if (cf && n && crm_custom_field_check(cf, sl->s, &why))
			return fail(r, why, sl->s);
		char money[CRM_MONEY_LEN];
		const char *stored = cf ? crm_custom_field_stored(cf, sl->s, money) : sl->s;
		if (stored != sl->s)
			slot_copy(sl, stored, strlen(stored));
	}
	sl->set = true;
	return 0;
}

int crm_lead_rec_set(struct crm_lead_rec *r, const char *field, const char *value)
{
	int h = crm_lead_rec_field(r, field);
	if (h < 0)
		return crm_usage_fail("unknown field '%s'", field);
	if (crm_lead_rec_put(r, h, value)) {
		crm_warn("%s", r->err);
		return EX_DATAERR;
	}
	return 0;
}

int crm_lead_rec_set_pair(struct crm_lead_rec *r, const char *pair)
{
	const char *eq = strchr(pair, '=');
	if (!eq || eq == pair)
		return crm_usage_fail("--set wants FIELD=VALUE, not '%s'", pair);
	char *field = crm_xstrndup(pair, (size_t)(eq - pair));
	int st = crm_lead_rec_set(r, field, eq + 1);
	free(field);
	return st;
}

static bool has_value(const struct crm_lead_rec *r, int h)
{
	return r->v[h].set && r->v[h].s[0];
}

int crm_lead_rec_check_new(struct crm_lead_rec *r)
{
	for (int h = F_CUSTOM; h < r->nslots; h++) {
		if (r->cf[h - F_CUSTOM]->required && !has_value(r, h)) {
			snprintf(r->err, sizeof r->err, "missing required field '%s'", r->cf[h - F_CUSTOM]->name);
			return EX_DATAERR;
		}
	}
	if (!has_value(r, CRM_LF_NAME) && !has_value(r, CRM_LF_COMPANY) &&
	    !has_value(r, CRM_LF_PHONE) && !has_value(r, CRM_LF_EMAIL)) {
		snprintf(r->err, sizeof r->err, "lead has no name, company, phone or email");
		return EX_DATAERR;
	}
	return 0;
}

int crm_lead_parse_id(const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || *s == '+' || *s == ' ') {
		crm_warn("invalid lead id '%s'", s);
		return EX_USAGE;
	}
	*id = v;
	return 0;
}

/* ---- writing rows ---- */

static void bind_value(struct crm_stmt *st, int i, const char *s)
{
	if (s && *s)
		crm_bind_str(st, i, s);
	else
		crm_bind_null(st, i);
}

/* The duplicate keys of the record's current values, into r->norm. */
static void make_norms(struct crm_lead_rec *r, const struct crm_lead_rec *src)
{
	static const int from[4] = {CRM_LF_PHONE, CRM_LF_EMAIL, CRM_LF_COMPANY, CRM_LF_NAME};
	for (int k = 0; k < 4; k++) {
		const struct slot *v = &src->v[from[k]];
		const char *in = v->set ? v->s : "";
		struct slot *out = &r->norm[k];
		slot_reserve(out, strlen(in) + 1);
		long n = 0;
		if (*in) {
			switch (k) {
			case NORM_PHONE: n = crm_norm_phone(in, out->s); break;
			case NORM_EMAIL: n = crm_norm_email(in, out->s); break;
			case NORM_COMPANY: n = (long)crm_norm_company(in, out->s); break;
			case NORM_NAME: n = (long)crm_norm_name(in, out->s); break;
			}
		}
		if (n <= 0)
			out->s[0] = '\0';
	}
}

/* The custom fields with a value as a JSON object of strings, into
 * r->json; "" when there are none. */
static const char *make_custom_json(struct crm_lead_rec *r)
{
	r->json.len = 0;	/* the buffer is reused from row to row */
	for (int h = F_CUSTOM; h < r->nslots; h++)
		if (has_value(r, h))
			crm_json_member(&r->json, r->cf[h - F_CUSTOM]->name, r->v[h].s);
	crm_json_end(&r->json);
	return r->json.s;
}

void crm_lead_rec_prepare(struct crm_lead_rec *r)
{
	make_norms(r, r);
	make_custom_json(r);
	r->prepared = true;
}

static const char *val(const struct crm_lead_rec *r, int h)
{
	return r->v[h].set ? r->v[h].s : "";
}

/* A heat given by hand stays until cleared; a cleared one is derived from
 * the score again (score.c honours heat_manual). */
static int mark_heat_manual(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"UPDATE leads SET heat_manual = (heat IS NOT NULL) WHERE id = ?1");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	return crm_step(s) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot update lead");
}

/* The score follows every change of the fields it is computed from. */
static int score(struct crm_ctx *ctx, int64_t id)
{
	int st = crm_score_lead(ctx, id);
	return st == 1 ? 0 : st;
}

int crm_lead_insert(struct crm_lead_rec *r, bool audit, const char *what, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO leads (name, company, title, phone, email, region, city, industry,"
		" source, campaign, tags, heat, owner_id, notes, status, score, disqualify_reason,"
		" custom, phone_norm, email_norm, company_norm, name_norm, created_at, updated_at,"
		" created_by, assigned_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11,"
		" ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?23, ?24, ?25)";
	struct crm_ctx *ctx = r->ctx;
	const struct crm_actor *a = &ctx->actor;
	int64_t owner = has_value(r, CRM_LF_OWNER) ? r->owner_id : 0;
	int st;

	if (!owner && a->role == CRM_ROLE_REP && !a->single_user) {
		owner = a->id;
		r->owner_id = owner;
		slot_copy(&r->v[CRM_LF_OWNER], a->login, strlen(a->login));
	}
	if (a->role != CRM_ROLE_ADMIN) {
		char whose[160];
		snprintf(whose, sizeof whose, "%s%sleads of '%.100s'", what ? what : "",
			 what ? ": " : "", owner ? r->v[CRM_LF_OWNER].s : "the pool");
		if ((st = crm_ctx_may_change(ctx, owner, whose)))
			return st;
	}
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	for (int h = 0; h <= F_REASON; h++)
		if (h != CRM_LF_OWNER && h != CRM_LF_STATUS && h != CRM_LF_SCORE)
			bind_value(s, h + 1, val(r, h));
	crm_bind_id(s, CRM_LF_OWNER + 1, owner);
	bind_value(s, CRM_LF_STATUS + 1, has_value(r, CRM_LF_STATUS) ? val(r, CRM_LF_STATUS) : "new");
	crm_bind_int(s, CRM_LF_SCORE + 1, has_value(r, CRM_LF_SCORE) ?
			   strtoll(val(r, CRM_LF_SCORE), NULL, 10) : 0);
	if (!r->prepared)
		crm_lead_rec_prepare(r);
	bind_value(s, 18, r->json.s);
	for (int k = 0; k < 4; k++)
		bind_value(s, 19 + k, r->norm[k].s);
	crm_bind_str(s, 23, ctx->now_iso);
	bind_value(s, 24, a->login);
	if (owner)
		crm_bind_str(s, 25, ctx->now_iso);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot insert lead");
	*id = crm_db_last_id(ctx->db);
	if (has_value(r, CRM_LF_HEAT) && (st = mark_heat_manual(ctx, *id)))
		return st;
	if (!audit)
		return 0;
	for (int h = 0; h < r->nslots; h++)
		if (has_value(r, h) && (st = crm_audit_write(ctx->db, "lead", *id, "create",
				crm_lead_rec_field_name(r, h), NULL, r->v[h].s)))
			return st;
	return score(ctx, *id);
}

/* ---- loading and applying changes ---- */

int crm_lead_load(struct crm_lead_rec *r, int64_t id, bool for_change)
{
	static const char sql[] =
		"SELECT l.name, l.company, l.title, l.phone, l.email, l.region, l.city, l.industry,"
		" l.source, l.campaign, l.tags, l.heat, u.login, l.notes, l.status, l.score,"
		" l.disqualify_reason, l.owner_id, l.custom, "
		CRM_SQL_VISIBLE_LEAD("l.owner_id")
		" FROM leads l LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = :id";
	static const char custom_sql[] = "SELECT key, value FROM json_each(?1)";
	struct crm_ctx *ctx = r->ctx;
	char what[48];
	int st;

	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(ctx, s);
	int rc = crm_step(s);
	if (rc == CRM_DONE) {
		crm_warn("%s%slead %lld not found", r->where ? r->where : "", r->where ? ": " : "",
			 (long long)id);
		return CRM_EX_NOTFOUND;
	}
	if (rc != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read lead");
	int64_t owner = crm_col_int(s, 17);
	snprintf(what, sizeof what, "lead %lld", (long long)id);
	if (!crm_col_int(s, 19) && (st = crm_ctx_may_see(ctx, owner, what)))
		return st;
	if (for_change && (st = crm_ctx_may_change(ctx, owner, what)))
		return st;
	crm_lead_rec_clear(r);
	for (int h = 0; h <= F_REASON; h++)
		slot_copy(&r->v[h], crm_col_text(s, h), (size_t)crm_col_bytes(s, h));
	r->owner_id = owner;
	for (int h = F_CUSTOM; h < r->nslots; h++)
		slot_copy(&r->v[h], "", 0);
	if (crm_col_null(s, 18))
		return 0;
	struct crm_stmt *c = crm_db_stmt(ctx->db, custom_sql);
	if (!c)
		return EX_SOFTWARE;
	crm_bind_copy(c, 1, crm_col_text(s, 18));
	while ((rc = crm_step(c)) == CRM_ROW) {
		for (int h = F_CUSTOM; h < r->nslots; h++)
			if (strcmp(r->cf[h - F_CUSTOM]->name, crm_col_text(c, 0)) == 0)
				slot_copy(&r->v[h], crm_col_text(c, 1), (size_t)crm_col_bytes(c, 1));
	}
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read custom fields");
	return 0;
}

void crm_lead_diff_row(struct crm_lead_diff *d, int64_t id, const char *field,
		       const char *old_value, const char *new_value)
{
	struct crm_diff shared = {d->fp, d->header, 0, 0};
	crm_diff_row(&shared, id, field, old_value, new_value);
	d->header = shared.header;
	d->fields++;
}

static int write_row(struct crm_lead_rec *cur, int64_t id, bool owner_changed)
{
	static const char sql[] =
		"UPDATE leads SET name = ?1, company = ?2, title = ?3, phone = ?4, email = ?5,"
		" region = ?6, city = ?7, industry = ?8, source = ?9, campaign = ?10, tags = ?11,"
		" heat = ?12, owner_id = ?13, notes = ?14, status = ?15, score = ?16,"
		" disqualify_reason = ?17, phone_norm = ?18, email_norm = ?19, company_norm = ?20,"
		" name_norm = ?21, updated_at = ?22,"
		" assigned_at = CASE WHEN ?23 = 0 THEN assigned_at WHEN ?13 IS NULL THEN NULL ELSE ?22 END"
		" WHERE id = ?24";
	struct crm_ctx *ctx = cur->ctx;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	for (int h = 0; h <= F_REASON; h++)
		if (h != CRM_LF_OWNER && h != CRM_LF_SCORE)
			bind_value(s, h + 1, val(cur, h));
	crm_bind_id(s, CRM_LF_OWNER + 1, cur->owner_id);
	crm_bind_int(s, CRM_LF_SCORE + 1, strtoll(val(cur, CRM_LF_SCORE), NULL, 10));
	make_norms(cur, cur);
	for (int k = 0; k < 4; k++)
		bind_value(s, 18 + k, cur->norm[k].s);
	crm_bind_str(s, 22, ctx->now_iso);
	crm_bind_int(s, 23, owner_changed);
	crm_bind_int(s, 24, id);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot update lead");
	return 0;
}

static int write_custom(struct crm_lead_rec *cur, int64_t id, int h, const char *value)
{
	static const char sql[] =
		"UPDATE leads SET custom = nullif(CASE WHEN ?2 IS NULL"
		" THEN json_remove(coalesce(custom, '{}'), ?1)"
		" ELSE json_set(coalesce(custom, '{}'), ?1, ?2) END, '{}') WHERE id = ?3";
	struct crm_stmt *s = crm_db_stmt(cur->ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	char *path = crm_xasprintf("$.\"%s\"", cur->cf[h - F_CUSTOM]->name);
	crm_bind_owned(s, 1, path);
	bind_value(s, 2, value);
	crm_bind_int(s, 3, id);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(cur->ctx->db, "cannot update custom field");
	return 0;
}

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

/* Is field h of chg a change to cur?  Fills in what an empty value means. */
static bool differs(struct crm_lead_rec *chg, struct crm_lead_rec *cur, int h)
{
	if (h == CRM_LF_OWNER)
		return chg->owner_id != cur->owner_id;
	if (h == CRM_LF_SCORE && !chg->v[h].s[0])
		slot_copy(&chg->v[h], "0", 1);
	return strcmp(chg->v[h].s, cur->v[h].s) != 0;
}

int crm_lead_apply(struct crm_lead_rec *chg, int64_t id, const char *action,
		   struct crm_lead_diff *diff)
{
	struct crm_ctx *ctx = chg->ctx;
	bool owner_changed = false, changed = false;
	int st;

	if (!chg->cur)
		chg->cur = crm_lead_rec_new(ctx);
	struct crm_lead_rec *cur = chg->cur;
	cur->where = chg->where;
	if ((st = crm_lead_load(cur, id, true)))
		return st;
	for (int h = 0; h < chg->nslots; h++) {
		if (!chg->v[h].set || !differs(chg, cur, h))
			continue;
		const char *name = crm_lead_rec_field_name(chg, h), *nv = chg->v[h].s;
		if (!*nv && (h == CRM_LF_STATUS || (h >= F_CUSTOM && chg->cf[h - F_CUSTOM]->required))) {
			crm_warn("%s%slead %lld: %s cannot be empty", chg->where ? chg->where : "",
				 chg->where ? ": " : "", (long long)id, name);
			return EX_DATAERR;
		}
		if (h == CRM_LF_OWNER) {
			char whose[160];
			snprintf(whose, sizeof whose, "leads of '%.100s'", *nv ? nv : "the pool");
			if ((st = crm_ctx_may_change(ctx, chg->owner_id, whose)))
				return st;
			owner_changed = true;
			cur->owner_id = chg->owner_id;
		}
		if ((st = crm_audit_write(ctx->db, "lead", id, action, name,
				       nonempty(cur->v[h].s), nonempty(nv))))
			return st;
		if (diff)
			crm_lead_diff_row(diff, id, name, cur->v[h].s, nv);
		if (h >= F_CUSTOM && (st = write_custom(cur, id, h, nv)))
			return st;
		slot_copy(&cur->v[h], nv, strlen(nv));
		changed = true;
	}
	if (!changed)
		return 0;
	if (diff)
		diff->leads++;
	if ((st = write_row(cur, id, owner_changed)))
		return st;
	if (chg->v[CRM_LF_HEAT].set && (st = mark_heat_manual(ctx, id)))
		return st;
	return score(ctx, id);
}

/* ---- commands ---- */

int crm_lead_add(struct crm_ctx *ctx, struct crm_lead_rec *r, FILE *out)
{
	int64_t id;
	int st;
	if (crm_lead_rec_check_new(r)) {
		crm_warn("%s", r->err);
		return EX_DATAERR;
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	st = crm_lead_insert(r, true, NULL, &id);
	struct crm_lead_filter f;
	crm_lead_filter_init(&f);
	f.id = id;
	if (!st && ctx->opts->dry_run)
		st = crm_lead_list(ctx, &f, out);
	if ((st = crm_ctx_end(ctx, st)))
		return st;
	return ctx->opts->dry_run ? 0 : crm_lead_list(ctx, &f, out);
}

int crm_lead_change(struct crm_ctx *ctx, int64_t id, struct crm_lead_rec *r,
		    const char *action, FILE *out)
{
	struct crm_lead_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	return crm_ctx_end(ctx, crm_lead_apply(r, id, action, &diff));
}

int crm_lead_update(struct crm_ctx *ctx, int64_t id, struct crm_lead_rec *r, FILE *out)
{
	bool any = false;
	for (int h = 0; h < r->nslots; h++)
		any |= r->v[h].set;
	if (!any)
		return crm_usage_fail("update: nothing to change (give a field option or --set)");
	if (r->v[CRM_LF_SCORE].set && crm_score_computed(ctx->cfg)) {
		crm_warn("update: field 'score' is read-only (computed by the scoring rules)");
		return EX_DATAERR;
	}
	return crm_lead_change(ctx, id, r, "update", out);
}

/* ---- bulk update from TSV ---- */

struct bulk {
	struct crm_ctx *ctx;
	struct crm_tsv *t;
	struct crm_lead_rec *r, *probe;
	int *handle;		/* per column, -1 = ignored */
	int idcol;
	struct crm_batch_ids *ids;
	struct crm_batch_ro *ro;
	struct crm_lead_diff *diff;
};

/* One row (crm_batch_run): checked, and applied when apply and no row was
 * bad.  0, 65 bad, another status = stop. */
static int bulk_row(void *arg, bool apply, long bad)
{
	struct bulk *b = arg;
	const char *name = crm_tsv_name(b->t);
	long line = crm_tsv_line(b->t);
	const char *idtext = crm_tsv_field(b->t, (size_t)b->idcol, NULL);
	char *end;
	errno = 0;
	long long id = strtoll(idtext, &end, 10);
	if (errno || end == idtext || *end || id <= 0) {
		crm_warn("%s:%ld: invalid lead id '%s'", name, line, idtext);
		return EX_DATAERR;
	}
	long first = apply ? 0 : crm_batch_ids_add(b->ids, id, line);
	if (first) {
		crm_warn("%s:%ld: id %lld already updated on line %ld", name, line, id, first);
		return EX_DATAERR;
	}
	crm_lead_rec_clear(b->r);
	for (size_t i = 0; i < crm_tsv_ncols(b->t); i++) {
		if (b->handle[i] < 0)
			continue;
		if (crm_lead_rec_put(b->r, b->handle[i], crm_tsv_field(b->t, i, NULL))) {
			crm_warn("%s:%ld: %s", name, line, b->r->err);
			return EX_DATAERR;
		}
	}
	int st = crm_batch_ro_check(b->ro, "lead", id);
	if (st || bad)
		return st;	/* nothing will be written: only check */
	char where[300];
	snprintf(where, sizeof where, "%s:%ld", name, line);
	if (!apply) {
		/* before the lock: is the lead there, and the actor's to change? */
		if (!b->probe)
			b->probe = crm_lead_rec_new(b->ctx);
		crm_lead_rec_where(b->probe, where);
		st = crm_lead_load(b->probe, id, true);
		crm_lead_rec_where(b->probe, NULL);
		return st;
	}
	crm_lead_rec_where(b->r, where);
	st = crm_lead_apply(b->r, id, "update", b->diff);
	crm_lead_rec_where(b->r, NULL);
	return st;
}

int crm_lead_update_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out)
{
	struct crm_lead_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	struct bulk b = {.ctx = ctx, .diff = &diff};
	bool began = false;
	int st;

	if (!(b.t = crm_tsv_open_twice(in, name, &st)))
		goto out;
	if ((b.idcol = crm_tsv_col(b.t, "id")) < 0) {
		crm_warn("%s:1: missing column 'id'", crm_tsv_name(b.t));
		st = EX_DATAERR;
		goto out;
	}
	b.r = crm_lead_rec_new(ctx);
	crm_lead_rec_trust_utf8(b.r, true);
	b.ids = crm_batch_ids_new();
	size_t ncols = crm_tsv_ncols(b.t);
	b.handle = crm_xcalloc(ncols, sizeof *b.handle);
	const char **ro = crm_xcalloc(ncols, sizeof *ro);
	for (size_t i = 0; i < ncols; i++) {
		const char *col = crm_tsv_colname(b.t, i);
		b.handle[i] = crm_lead_rec_field(b.r, col);
		/* a computed score would be overwritten: read-only then */
		if (b.handle[i] == CRM_LF_SCORE && crm_score_computed(ctx->cfg))
			b.handle[i] = -1;
		if (b.handle[i] < 0 && (int)i != b.idcol)
			ro[i] = crm_lead_col_expr(col);
	}
	st = crm_batch_ro_new(ctx, b.t, ro, "FROM leads l LEFT JOIN users u ON u.id = l.owner_id"
			      " WHERE l.id = :id AND " CRM_SQL_VISIBLE_LEAD("l.owner_id"), &b.ro);
	free(ro);
	if (st)
		goto out;
	st = crm_batch_run(ctx, b.t, bulk_row, &b, &began);
	if (began && !(st = crm_ctx_end(ctx, st)) && !ctx->opts->quiet)
		crm_warn("%s %ld %s, %ld %s", ctx->opts->dry_run ? "would update" : "updated",
			 diff.leads, diff.leads == 1 ? "lead" : "leads",
			 diff.fields, diff.fields == 1 ? "field" : "fields");
out:
	crm_batch_ro_free(b.ro);
	crm_batch_ids_free(b.ids);
	free(b.handle);
	crm_lead_rec_free(b.r);
	crm_lead_rec_free(b.probe);
	crm_tsv_close(b.t);
	return st;
}
