/* record.c: the record of field values of any kind (record.h): its
 * checks, insert, load and audited apply.  The commands built on them are
 * in record_cmd.c, listing and show in record_list.c, dupes, merge and
 * forget in record_merge.c, import in record_import.c. */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "json.h"
#include "money.h"
#include "normalise.h"
#include "record.h"
#include "text.h"
#include "utf8.h"

#define CUSTOM_MAX 10000

const char *crm_source_id(const struct crm_config *cfg, const char *s)
{
	for (size_t i = 0; i < cfg->nsources; i++) {
		if (strcmp(cfg->sources[i].id, s) == 0)
			return s;
		if (strcmp(cfg->sources[i].name, s) == 0)
			return cfg->sources[i].id;
	}
	return cfg->nsources ? NULL : s;
}

const char *crm_kind_visible(const struct crm_kind *k)
{
	if (k->visible)
		return k->visible;
	return k->pool ? CRM_SQL_VISIBLE_LEAD("t.owner_id") : CRM_SQL_VISIBLE_OWNED("t.owner_id");
}

int crm_kind_field(const struct crm_kind *k, const char *name)
{
	for (int i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return i;
	return -1;
}

int crm_id_parse(const char *entity, const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || *s == '+' || *s == ' ') {
		crm_warn("invalid %s id '%s'", entity, s);
		return EX_USAGE;
	}
	*id = v;
	return 0;
}

/* ---- the record ---- */

struct slot {
	char *s;
	size_t cap;
	bool set;
};

#define NKEYS 4			/* duplicate keys a kind may have */

struct crm_owners {
	size_t n;
	char **login;		/* sorted with strcmp */
	int64_t *id;
};

/* The statements of a kind, built from its fields once per process and
 * kept, so that the connection's cache (by address) prepares each once
 * however many records a bulk path holds. */
struct kind_sql {
	const struct crm_kind *k;
	char *ins, *upd, *sel;
	int p_custom, p_key, p_lead, p_now, p_by, p_assigned;	/* parameters of ins */
	int pu_key, pu_now, pu_changed, pu_id;			/* and of upd */
};

struct crm_rec {
	struct crm_ctx *ctx;
	const struct crm_kind *k;
	int nslots;			/* k->nfields, then the custom fields */
	struct slot *v;
	const struct crm_custom_field **cf;	/* [h - k->nfields] */
	int ho;				/* the owner field, or -1 */
	int key_h[NKEYS];		/* the field of each duplicate key */
	struct slot key[NKEYS];		/* the keys of the current values */
	bool prepared;			/* key and json hold the current values */
	const struct crm_owners *owners;	/* logins known without the database */
	int64_t owner_id;		/* the owner slot, resolved */
	int64_t ref_owner;		/* owner of the account an account slot names */
	int64_t lead_id;
	int64_t ref_parent;		/* of the row the last reference names */
	int *seq;			/* the custom fields in the order put */
	int nseq;
	char *cached_login;
	int64_t cached_id;
	bool trusted_utf8;
	bool trusted_refs;		/* account references need not be visible */
	const char *where;
	char err[512];
	struct crm_buf json;
	const struct kind_sql *q;	/* the kind's statements */
	struct crm_rec *cur;		/* apply's copy of the stored record */
};

static void slot_reserve(struct slot *sl, size_t n)
{
	if (sl->cap < n) {
		sl->cap = n < 32 ? 32 : 2 * n;
		sl->s = crm_xrealloc(sl->s, sl->cap);
	}
}

static void slot_copy(struct slot *sl, const char *s, size_t n)
{
	slot_reserve(sl, n + 1);
	memmove(sl->s, s, n);
	sl->s[n] = '\0';
	sl->set = true;
}

struct crm_rec *crm_rec_new(struct crm_ctx *ctx, const struct crm_kind *k)
{
	struct crm_rec *r = crm_xcalloc(1, sizeof *r);
	const struct crm_config *cfg = ctx->cfg;
	size_t ncustom = 0;
	r->ctx = ctx;
	r->k = k;
	for (size_t i = 0; i < cfg->ncustom_fields; i++)
		ncustom += strcmp(cfg->custom_fields[i].entity, k->entity) == 0;
	r->nslots = k->nfields + (int)ncustom;
	r->v = crm_xcalloc((size_t)r->nslots, sizeof *r->v);
	r->cf = crm_xcalloc(ncustom ? ncustom : 1, sizeof *r->cf);
	ncustom = 0;
	for (size_t i = 0; i < cfg->ncustom_fields; i++)
		if (strcmp(cfg->custom_fields[i].entity, k->entity) == 0)
			r->cf[ncustom++] = &cfg->custom_fields[i];
	r->ho = crm_kind_field(k, "owner");
	for (int j = 0; j < k->nkeys && j < NKEYS; j++)
		r->key_h[j] = crm_kind_field(k, k->keys[j].field);
	return r;
}

void crm_rec_free(struct crm_rec *r)
{
	if (!r)
		return;
	for (int i = 0; i < r->nslots; i++)
		free(r->v[i].s);
	for (int i = 0; i < NKEYS; i++)
		free(r->key[i].s);
	free(r->v);
	free(r->cf);
	free(r->seq);
	free(r->cached_login);
	free(r->json.s);
	crm_rec_free(r->cur);
	free(r);
}

void crm_rec_clear(struct crm_rec *r)
{
	for (int i = 0; i < r->nslots; i++)
		r->v[i].set = false;
	r->owner_id = r->ref_owner = r->lead_id = r->ref_parent = 0;
	r->nseq = 0;
	r->prepared = false;
	r->err[0] = '\0';
}

const struct crm_kind *crm_rec_kind(const struct crm_rec *r) { return r->k; }
struct crm_ctx *crm_rec_ctx(const struct crm_rec *r) { return r->ctx; }
int crm_rec_nfields(const struct crm_rec *r) { return r->nslots; }
const char *crm_rec_error(const struct crm_rec *r) { return r->err; }

int crm_rec_refuse(struct crm_rec *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	return EX_DATAERR;
}
void crm_rec_trust_utf8(struct crm_rec *r, bool trusted) { r->trusted_utf8 = trusted; }
void crm_rec_trust_refs(struct crm_rec *r, bool trusted) { r->trusted_refs = trusted; }
void crm_rec_where(struct crm_rec *r, const char *where) { r->where = where; }
void crm_rec_set_lead(struct crm_rec *r, int64_t lead_id) { r->lead_id = lead_id; }
int64_t crm_rec_ref_parent(const struct crm_rec *r) { return r->ref_parent; }
int64_t crm_rec_owner_id(const struct crm_rec *r) { return r->owner_id; }

int crm_rec_field(const struct crm_rec *r, const char *name)
{
	int h = crm_kind_field(r->k, name);
	if (h >= 0)
		return h;
	for (h = r->k->nfields; h < r->nslots; h++)
		if (strcmp(r->cf[h - r->k->nfields]->name, name) == 0)
			return h;
	return -1;
}

const char *crm_rec_field_name(const struct crm_rec *r, int h)
{
	return h < r->k->nfields ? r->k->fields[h].name : r->cf[h - r->k->nfields]->name;
}

const char *crm_rec_get(const struct crm_rec *r, int h)
{
	return h >= 0 && h < r->nslots && r->v[h].set ? r->v[h].s : NULL;
}

void crm_rec_unset_empty(struct crm_rec *r)
{
	for (int h = 0; h < r->nslots; h++)
		if (r->v[h].set && !r->v[h].s[0])
			r->v[h].set = false;
}

bool crm_rec_any_set(const struct crm_rec *r)
{
	for (int h = 0; h < r->nslots; h++)
		if (r->v[h].set)
			return true;
	return false;
}

static const char *val(const struct crm_rec *r, int h)
{
	return r->v[h].set ? r->v[h].s : "";
}

static bool has_value(const struct crm_rec *r, int h)
{
	return h >= 0 && r->v[h].set && r->v[h].s[0];
}

/* "why 'value'", the value cut on a character boundary when long. */
static int fail(struct crm_rec *r, int status, const char *why, const char *value)
{
	size_t n = strlen(value);
	bool cut = n > 80;
	if (cut)
		for (n = 80; n > 0 && ((unsigned char)value[n] & 0xc0) == 0x80; n--)
			;
	snprintf(r->err, sizeof r->err, "%s '%.*s%s'", why, (int)n, value, cut ? "..." : "");
	return status;
}

/* A refusal the kind may word its own way. */
static int refuse(struct crm_rec *r, int h, enum crm_refusal what, const char *why,
		  const char *value)
{
	int st;
	if (r->k->refuse && (st = r->k->refuse(r, h, what, why, value, r->err, sizeof r->err)))
		return st;
	return fail(r, EX_DATAERR, why, value);
}

struct crm_owners *crm_owners_load(struct crm_ctx *ctx)
{
	static const char sql[] = "SELECT login, id FROM users ORDER BY login";
	struct crm_owners *o = crm_xcalloc(1, sizeof *o);
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

void crm_owners_free(struct crm_owners *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->login[i]);
	free(o->login);
	free(o->id);
	free(o);
}

void crm_rec_use_owners(struct crm_rec *r, const struct crm_owners *o) { r->owners = o; }

static int64_t known_owner(const struct crm_owners *o, const char *login)
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

static int resolve_owner(struct crm_rec *r, const char *login)
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

/* The statement that looks up a reference of field f: owner, visible,
 * parent.  Built once per field and kept (the connection caches by
 * address). */
static const char *ref_sql(const struct crm_field *f)
{
	static struct {
		const struct crm_field *f;
		char *sql;
	} built[8];
	int i = 0;
	while (i < 8 && built[i].f && built[i].f != f)
		i++;
	if (i == 8)
		crm_die(EX_SOFTWARE, "internal error: more than 8 reference fields");
	if (!built[i].f) {
		built[i].f = f;
		built[i].sql = crm_xasprintf("SELECT t.owner_id, " CRM_SQL_AS_INT(CRM_SQL_VISIBLE_OWNED("t.owner_id"))
					     ", %s%s%s FROM %s t WHERE t.id = :id",
					     f->ref_parent ? "coalesce(t." : "0",
					     f->ref_parent ? f->ref_parent : "",
					     f->ref_parent ? ", 0)" : "",
					     f->kind == CRM_FK_REF ? f->ref : "accounts");
	}
	return built[i].sql;
}

/* A reference (an account, or a row of f->ref): it must exist and be
 * visible to the actor.  A contact's account lends its owner to a new
 * contact that has none. */
static int resolve_ref(struct crm_rec *r, int h, const char *text)
{
	const struct crm_field *f = &r->k->fields[h];
	const char *entity = f->kind == CRM_FK_REF ? f->name : "account";
	char what[64];
	char *end;
	errno = 0;
	long long id = strtoll(text, &end, 10);
	snprintf(what, sizeof what, "invalid %s id", entity);
	if (errno || end == text || *end || id <= 0 || *text == '+')
		return fail(r, EX_DATAERR, what, text);
	struct crm_stmt *s = crm_db_stmt(r->ctx->db, ref_sql(f));
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(r->ctx, s);
	int rc = crm_step(s);
	if (rc == CRM_DONE && crm_dialect(r->ctx->db)->row_security) {
		/* row-level security hid it: a reference the tool chose itself
		 * (trusted: a mail's sender) stands, with no owner to lend */
		snprintf(what, sizeof what, "%s %lld", entity, id);
		struct crm_ctx *ctx = r->ctx;
		const char *table = f->kind == CRM_FK_REF ? f->ref : "accounts";
		if (crm_ctx_hidden(ctx, table, id, NULL) == EX_NOPERM) {
			if (r->trusted_refs) {
				r->ref_owner = r->ref_parent = 0;
				return 0;
			}
			snprintf(r->err, sizeof r->err, "permission denied: %s is not visible to '%s'",
				 what, ctx->actor.login);
			return EX_NOPERM;
		}
	}
	if (rc == CRM_DONE) {
		snprintf(what, sizeof what, "unknown %s", entity);
		return refuse(r, h, CRM_REFUSE_MISSING, what, text);
	}
	if (rc != CRM_ROW) {
		char msg[96];
		snprintf(msg, sizeof msg, "cannot read %s", entity);
		return crm_db_fail(r->ctx->db, msg);
	}
	bool visible = crm_col_int(s, 1);
	int64_t owner = crm_col_int(s, 0), parent = crm_col_int(s, 2);
	crm_stmt_reset(s);
	if (!r->trusted_refs && !visible) {
		snprintf(r->err, sizeof r->err, "permission denied: %s %lld is not visible to '%s'",
			 entity, id, r->ctx->actor.login);
		return EX_NOPERM;
	}
	if (strcmp(f->name, "account") == 0)
		r->ref_owner = owner;
	if (f->ref_parent)
		r->ref_parent = parent;
	return 0;
}

/* The built-in field checks, on the trimmed value in sl; given is the
 * value as given, which some kinds quote when they refuse it. */
static int check_builtin(struct crm_rec *r, int h, struct slot *sl, const char *given)
{
	const struct crm_field *f = &r->k->fields[h];
	const struct crm_config *cfg = r->ctx->cfg;
	const char *shown = r->k->quote_given ? given : sl->s, *why, *id;
	size_t len = strlen(sl->s);
	char small[256], *norm;
	int64_t cents;
	int ok;
	if (f->kind == CRM_FK_OWNER && !len)
		r->owner_id = 0;
	if (f->ref_parent && !len)
		r->ref_parent = 0;
	if (f->kind == CRM_FK_MONEY && !len)
		slot_copy(sl, "0.00", 4);
	if (!len)
		return 0;
	if (len > f->max_len) {
		char toolong[96];
		snprintf(toolong, sizeof toolong, "too long (%zu bytes, at most %zu)", len, f->max_len);
		return refuse(r, h, CRM_REFUSE_TOO_LONG, toolong, shown);
	}
	if (f->check && (why = f->check(cfg, sl->s)))
		return fail(r, EX_DATAERR, why, shown);
	if (f->canon) {
		const char *canon = f->canon(r->ctx, sl->s, small, sizeof small, &why);
		if (!canon)
			return fail(r, EX_DATAERR, why, shown);
		if (canon != sl->s)
			slot_copy(sl, canon, strlen(canon));
	}
	switch (f->kind) {
	case CRM_FK_PHONE:
	case CRM_FK_EMAIL:
		/* the import loop allocates nothing for the usual lengths */
		norm = len < sizeof small ? small : crm_xmalloc(len + 1);
		ok = (f->kind == CRM_FK_PHONE ? crm_norm_phone(sl->s, norm) : crm_norm_email(sl->s, norm)) > 0;
		if (norm != small)
			free(norm);
		if (!ok)
			return fail(r, EX_DATAERR, f->kind == CRM_FK_PHONE ? "invalid phone" : "invalid email", shown);
		break;
	case CRM_FK_TAGS:
		crm_tags_canonical(sl->s);
		break;
	case CRM_FK_SOURCE:
		if (!(id = crm_source_id(cfg, sl->s)))
			return fail(r, EX_DATAERR, "unknown source", shown);
		if (id != sl->s)
			slot_copy(sl, id, strlen(id));
		break;
	case CRM_FK_OWNER:
		if (resolve_owner(r, sl->s) != 0)
			return fail(r, EX_DATAERR, "unknown user", sl->s);
		break;
	case CRM_FK_ACCOUNT:
	case CRM_FK_REF:
		return resolve_ref(r, h, sl->s);
	case CRM_FK_MONEY:
		if (crm_money_amount(sl->s, &cents, &why) != 0)
			return fail(r, EX_DATAERR, why, shown);
		crm_money_format(cents, small);
		slot_copy(sl, small, strlen(small));
		break;
	case CRM_FK_TEXT:
	case CRM_FK_INT:
		break;
	}
	return 0;
}

int crm_rec_put(struct crm_rec *r, int h, const char *value)
{
	struct slot *sl = &r->v[h];
	size_t len = strlen(value);
	const char *why;
	bool as_given = h >= r->k->nfields && r->k->custom_as_given;
	sl->set = false;
	r->prepared = false;
	if (!r->trusted_utf8 && !as_given && !crm_utf8_valid(value, len, NULL)) {
		snprintf(r->err, sizeof r->err, "invalid UTF-8 in %s", crm_rec_field_name(r, h));
		return EX_DATAERR;
	}
	slot_copy(sl, value, len);
	sl->set = false;
	if (!as_given)
		crm_trim(sl->s);
	if (h < r->k->nfields) {
		int st = check_builtin(r, h, sl, value);
		if (st)
			return st;
	} else {
		size_t n = strlen(sl->s), max = r->k->custom_max_len ? r->k->custom_max_len : CUSTOM_MAX;
		if (n > max) {
			char toolong[96];
			snprintf(toolong, sizeof toolong, "too long (%zu bytes, at most %zu)", n, max);
			return refuse(r, h, CRM_REFUSE_TOO_LONG, toolong, r->k->quote_given ? value : sl->s);
		}
		const struct crm_custom_field *cf = r->cf[h - r->k->nfields];
		if (n && crm_custom_field_check(cf, sl->s, &why))
			return refuse(r, h, CRM_REFUSE_CUSTOM, why, sl->s);
		char money[CRM_MONEY_LEN];
		const char *stored = crm_custom_field_stored(cf, sl->s, money);
		if (stored != sl->s)
			memcpy(sl->s, stored, strlen(stored) + 1);	/* never longer */
		int i = 0;
		while (i < r->nseq && r->seq[i] != h)
			i++;
		if (i == r->nseq) {
			if (!r->seq)
				r->seq = crm_xcalloc((size_t)(r->nslots - r->k->nfields), sizeof *r->seq);
			r->seq[r->nseq++] = h;
		}
	}
	sl->set = true;
	return 0;
}

int crm_rec_set(struct crm_rec *r, const char *field, const char *value)
{
	int h = crm_rec_field(r, field);
	if (h < 0)
		return crm_usage_fail("unknown field '%s'", field);
	int st = crm_rec_put(r, h, value);
	if (st)
		crm_warn("%s", r->err);
	return st;
}

int crm_rec_set_pair(struct crm_rec *r, const char *pair)
{
	const char *eq = strchr(pair, '=');
	if (!eq || eq == pair)
		return crm_usage_fail("--set wants FIELD=VALUE, not '%s'", pair);
	char *field = crm_xstrndup(pair, (size_t)(eq - pair));
	int st = crm_rec_set(r, field, eq + 1);
	free(field);
	return st;
}

int crm_rec_check_new(struct crm_rec *r)
{
	if (r->k->check_new)
		return r->k->check_new(r);
	for (int h = r->k->nfields; h < r->nslots; h++) {
		if (r->cf[h - r->k->nfields]->required && !has_value(r, h)) {
			snprintf(r->err, sizeof r->err, "missing required field '%s'", crm_rec_field_name(r, h));
			return EX_DATAERR;
		}
	}
	static const char *const name_only[] = {"name", NULL};
	const char *const *one = r->k->one_of ? r->k->one_of : name_only;
	for (int i = 0; one[i]; i++)
		if (has_value(r, crm_kind_field(r->k, one[i])))
			return 0;
	/* "lead has no name, company, phone or email" */
	int n = snprintf(r->err, sizeof r->err, "%s has no %s", r->k->entity, one[0]);
	for (int i = 1; one[i] && n > 0 && (size_t)n < sizeof r->err; i++)
		n += snprintf(r->err + n, sizeof r->err - (size_t)n, "%s%s",
			      one[i + 1] ? ", " : " or ", one[i]);
	return EX_DATAERR;
}

/* ---- statements built from the kind ---- */

static struct crm_stmt *stmt(struct crm_rec *r, int which);

/* "cannot insert lead: ..." */
static int db_fail(struct crm_rec *r, const char *what)
{
	char msg[64];
	snprintf(msg, sizeof msg, "%s %s", what, r->k->entity);
	return crm_db_fail(r->ctx->db, msg);
}

static void add_param(struct crm_buf *q, const char *sep, int i)
{
	char num[48];
	snprintf(num, sizeof num, "%s?%d", sep, i);
	crm_buf_add(q, num);
}

/* INSERT INTO t (fields..., custom, keys..., [lead_id,] created_at,
 * updated_at [, created_by, assigned_at]): parameters 1..n for the
 * fields, then the rest (created_at and updated_at share one). */
static void insert_sql(struct kind_sql *r)
{
	const struct crm_kind *k = r->k;
	struct crm_buf q = {0};
	int n = k->nfields, p = n;
	crm_buf_add(&q, "INSERT INTO ");
	crm_buf_add(&q, k->table);
	crm_buf_add(&q, " (");
	for (int i = 0; i < n; i++) {
		crm_buf_add(&q, k->fields[i].column);
		crm_buf_add(&q, ", ");
	}
	crm_buf_add(&q, "custom");
	for (int j = 0; j < k->nkeys; j++) {
		crm_buf_add(&q, ", ");
		crm_buf_add(&q, k->keys[j].column);
	}
	crm_buf_add(&q, k->from_lead ? ", lead_id" : "");
	crm_buf_add(&q, ", created_at, updated_at");
	crm_buf_add(&q, k->pool ? ", created_by, assigned_at) VALUES (" : ") VALUES (");
	for (int i = 1; i <= n; i++)
		add_param(&q, i > 1 ? ", " : "", i);
	add_param(&q, ", ", r->p_custom = ++p);
	r->p_key = p + 1;
	for (int j = 0; j < k->nkeys; j++)
		add_param(&q, ", ", ++p);
	if (k->from_lead)
		add_param(&q, ", ", r->p_lead = ++p);
	add_param(&q, ", ", r->p_now = ++p);
	add_param(&q, ", ", p);
	if (k->pool) {
		add_param(&q, ", ", r->p_by = ++p);
		add_param(&q, ", ", r->p_assigned = ++p);
	}
	crm_buf_add(&q, ")");
	r->ins = q.s;
}

/* A money field's canonical text ("1200.00") as cents. */
static int64_t cents_of(const char *s)
{
	int64_t cents = 0;
	return crm_money_parse(s, &cents) == 0 ? cents : 0;
}

static void bind_value(struct crm_stmt *st, int i, const char *s)
{
	/* bound values live in the record until the statement is stepped */
	if (s && *s)
		crm_bind_str(st, i, s);
	else
		crm_bind_null(st, i);
}

/* The duplicate keys of the record's current values, into r->key. */
static void make_keys(struct crm_rec *r)
{
	for (int j = 0; j < r->k->nkeys && j < NKEYS; j++) {
		const char *in = r->key_h[j] >= 0 ? val(r, r->key_h[j]) : "";
		struct slot *out = &r->key[j];
		long len = 0;
		slot_reserve(out, strlen(in) + 1);	/* a key is never longer */
		if (*in) {
			switch (r->k->keys[j].key) {
			case CRM_KEY_PHONE: len = crm_norm_phone(in, out->s); break;
			case CRM_KEY_EMAIL: len = crm_norm_email(in, out->s); break;
			case CRM_KEY_COMPANY: len = (long)crm_norm_company(in, out->s); break;
			case CRM_KEY_NAME: len = (long)crm_norm_name(in, out->s); break;
			}
		}
		if (len <= 0)
			out->s[0] = '\0';
	}
}

/* Bind the fields to 1..n and the duplicate keys from key on. */
static void bind_fields(struct crm_rec *r, struct crm_stmt *st, int key, bool insert)
{
	const struct crm_kind *k = r->k;
	for (int i = 0; i < k->nfields; i++) {
		const struct crm_field *f = &k->fields[i];
		if (f->kind == CRM_FK_OWNER)
			crm_bind_id(st, i + 1, r->owner_id);
		else if (f->kind == CRM_FK_ACCOUNT || f->kind == CRM_FK_REF)
			crm_bind_id(st, i + 1, has_value(r, i) ? strtoll(val(r, i), NULL, 10) : 0);
		else if (f->kind == CRM_FK_INT)
			crm_bind_int(st, i + 1, strtoll(val(r, i), NULL, 10));
		else if (f->kind == CRM_FK_MONEY)
			crm_bind_int(st, i + 1, cents_of(val(r, i)));
		else if (insert && f->initial && !has_value(r, i))
			crm_bind_str(st, i + 1, f->initial);
		else
			bind_value(st, i + 1, val(r, i));
	}
	for (int j = 0; j < k->nkeys && j < NKEYS; j++)
		bind_value(st, key + j, r->key[j].s);
}

static const char *custom_json(struct crm_rec *r)
{
	bool given = r->k->custom_given_order;
	int nb = r->k->nfields, n = given ? r->nseq : r->nslots - nb;
	r->json.len = 0;	/* the buffer is reused from row to row */
	for (int i = 0; i < n; i++) {
		int h = given ? r->seq[i] : nb + i;
		if (has_value(r, h))
			crm_json_member(&r->json, crm_rec_field_name(r, h), r->v[h].s);
	}
	crm_json_end(&r->json);
	return r->json.s;
}

const char *crm_rec_custom_json(struct crm_rec *r)
{
	const char *json = custom_json(r);
	return json ? json : "";
}

void crm_rec_prepare(struct crm_rec *r)
{
	make_keys(r);
	custom_json(r);
	r->prepared = true;
}

static const char *login_of(struct crm_ctx *ctx, int64_t id)
{
	static char login[128];
	if (id == ctx->actor.id)
		return ctx->actor.login;
	struct crm_stmt *s = crm_db_stmt(ctx->db, "SELECT login FROM users WHERE id = ?1");
	login[0] = '\0';
	if (s) {
		crm_bind_int(s, 1, id);
		if (crm_step(s) == CRM_ROW)
			snprintf(login, sizeof login, "%s", crm_col_text(s, 0));
	}
	return login;
}

/* How the kind calls the owner of an unowned record. */
static const char *nobody(const struct crm_kind *k) { return k->pool ? "the pool" : "nobody"; }

int crm_rec_insert(struct crm_rec *r, bool check, bool audit, int64_t *id)
{
	struct crm_ctx *ctx = r->ctx;
	const struct crm_actor *a = &ctx->actor;
	int ho = r->ho, st;

	if (!has_value(r, ho)) {
		int64_t owner = r->k->owner_is_actor ? a->id
			: r->k->no_account_owner ? 0 : r->ref_owner;
		if (!owner && a->role == CRM_ROLE_REP && !a->single_user)
			owner = a->id;
		r->owner_id = owner;
		if (owner) {
			const char *login = login_of(ctx, owner);
			slot_copy(&r->v[ho], login, strlen(login));
		}
	}
	if (check && a->role != CRM_ROLE_ADMIN) {
		char whose[200];
		snprintf(whose, sizeof whose, "%s%s%ss of '%.100s'", r->where ? r->where : "",
			 r->where ? ": " : "", r->k->entity, r->owner_id ? val(r, ho) : nobody(r->k));
		if ((st = crm_ctx_may_change(ctx, r->owner_id, whose)))
			return st;
	}
	if (r->k->insert)
		return r->k->insert(r, audit, id);
	struct crm_stmt *s = stmt(r, 'i');
	if (!s)
		return EX_SOFTWARE;
	if (!r->prepared)
		crm_rec_prepare(r);
	const struct kind_sql *q = r->q;
	bind_fields(r, s, q->p_key, true);
	bind_value(s, q->p_custom, r->json.s);
	if (r->k->from_lead)
		crm_bind_id(s, q->p_lead, r->lead_id);
	crm_bind_str(s, q->p_now, ctx->now_iso);
	if (r->k->pool) {
		bind_value(s, q->p_by, a->login);
		if (r->owner_id)
			crm_bind_str(s, q->p_assigned, ctx->now_iso);
	}
	if (crm_step(s) != CRM_DONE)
		return db_fail(r, "cannot insert");
	*id = crm_db_last_id(ctx->db);
	crm_stmt_reset(s);
	if (audit)
		for (int h = 0; h < r->nslots; h++)
			if (has_value(r, h) && (st = crm_audit_write(ctx->db, r->k->entity, *id, "create",
					crm_rec_field_name(r, h), NULL, r->v[h].s)))
				return st;
	return r->k->written ? r->k->written(r, *id, true, !audit) : 0;
}

/* ---- load and apply ---- */

/* SELECT fields..., owner_id, custom, visible FROM t WHERE id = :id */
static void select_sql(struct kind_sql *r)
{
	struct crm_buf q = {0};
	crm_buf_add(&q, "SELECT ");
	for (int i = 0; i < r->k->nfields; i++) {
		const struct crm_field *f = &r->k->fields[i];
		if (f->kind == CRM_FK_OWNER) {
			crm_buf_add(&q, "(SELECT login FROM users u WHERE u.id = t.owner_id)");
		} else {	/* money in cents too: crm_rec_load formats it */
			crm_buf_add(&q, "t.");
			crm_buf_add(&q, f->column);
		}
		crm_buf_add(&q, ", ");
	}
	crm_buf_add(&q, "t.owner_id, t.custom, ");
	crm_buf_add(&q, crm_kind_visible(r->k));
	crm_buf_add(&q, " FROM ");
	crm_buf_add(&q, r->k->table);
	crm_buf_add(&q, " t WHERE t.id = :id");
	r->sel = q.s;
}

int crm_rec_load(struct crm_rec *r, int64_t id, bool for_change)
{
	struct crm_ctx *ctx = r->ctx;
	int n = r->k->nfields, st, rc;
	char what[64];

	struct crm_stmt *s = stmt(r, 's');
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(ctx, s);
	snprintf(what, sizeof what, "cannot read %s", r->k->entity);
	if ((rc = crm_db_row(ctx->db, s, what)) == CRM_EX_NOTFOUND) {
		snprintf(what, sizeof what, "%s %lld", r->k->entity, (long long)id);
		if ((st = crm_ctx_hidden(ctx, r->k->table, id, what)))
			return st;
		crm_warn("%s%s%s %lld not found", r->where ? r->where : "", r->where ? ": " : "",
			 r->k->entity, (long long)id);
	}
	if (rc)
		return rc;
	int64_t owner = crm_col_int(s, n);
	snprintf(what, sizeof what, "%s %lld", r->k->entity, (long long)id);
	if (!crm_col_int(s, n + 2)) {
		/* the pool's records: the actor's own rules have the last word */
		st = r->k->pool ? crm_ctx_may_see(ctx, owner, what) : EX_NOPERM;
		if (!r->k->pool)
			crm_warn("permission denied: %s is not visible to '%s'", what, ctx->actor.login);
		if (st) {
			crm_stmt_reset(s);
			return st;
		}
	}
	if (for_change && (st = crm_ctx_may_change(ctx, owner, what))) {
		crm_stmt_reset(s);
		return st;
	}
	crm_rec_clear(r);
	for (int h = 0; h < n; h++) {
		const char *v = crm_col_text(s, h);
		char money[CRM_MONEY_LEN];
		if (r->k->fields[h].kind == CRM_FK_MONEY) {	/* cents; none is 0.00 */
			crm_money_format(crm_col_int(s, h), money);
			v = money;
		}
		slot_copy(&r->v[h], v, strlen(v));
	}
	r->owner_id = owner;
	for (int h = n; h < r->nslots; h++)
		slot_copy(&r->v[h], "", 0);
	char *custom = crm_col_null(s, n + 1) ? NULL
		: crm_xstrdup(crm_col_text(s, n + 1));
	crm_stmt_reset(s);
	if (!custom)
		return 0;
	struct crm_json *js = crm_json_parse(custom, strlen(custom));
	free(custom);
	if (!js) {
		crm_warn("%s: its custom fields are not valid JSON", what);
		return EX_DATAERR;
	}
	for (size_t j = 0; j < crm_json_count(js); j++) {
		const char *v = crm_json_each_text(js, j);
		for (int h = n; h < r->nslots; h++)
			if (strcmp(crm_rec_field_name(r, h), crm_json_key(js, j)) == 0)
				slot_copy(&r->v[h], v, strlen(v));
	}
	crm_json_free(js);
	return 0;
}

/* UPDATE t SET fields... = ?1..?n, keys..., updated_at [, assigned_at]
 * WHERE id */
static void update_sql(struct kind_sql *r)
{
	const struct crm_kind *k = r->k;
	struct crm_buf q = {0};
	int n = k->nfields, p = n, ho = crm_kind_field(k, "owner");
	crm_buf_add(&q, "UPDATE ");
	crm_buf_add(&q, k->table);
	crm_buf_add(&q, " SET ");
	for (int i = 0; i < n; i++) {
		crm_buf_add(&q, k->fields[i].column);
		add_param(&q, " = ", i + 1);
		crm_buf_add(&q, ", ");
	}
	r->pu_key = p + 1;
	for (int j = 0; j < k->nkeys; j++) {
		crm_buf_add(&q, k->keys[j].column);
		add_param(&q, " = ", ++p);
		crm_buf_add(&q, ", ");
	}
	crm_buf_add(&q, "updated_at");
	add_param(&q, " = ", r->pu_now = ++p);
	if (k->pool && ho >= 0) {
		r->pu_changed = ++p;
		char num[200];
		/* the owner cast: PostgreSQL types a parameter by its first use */
		snprintf(num, sizeof num, ", assigned_at = CASE WHEN ?%d = 0 THEN assigned_at"
			 " WHEN CAST(?%d AS BIGINT) IS NULL THEN NULL ELSE ?%d END", r->pu_changed,
			 ho + 1, r->pu_now);
		crm_buf_add(&q, num);
	}
	add_param(&q, " WHERE id = ", r->pu_id = ++p);
	r->upd = q.s;
}

/* The statements of kind k, built the first time. */
static const struct kind_sql *kind_sql(const struct crm_kind *k)
{
	static struct kind_sql built[16];
	int i = 0;
	while (i < 16 && built[i].k && built[i].k != k)
		i++;
	if (i == 16 || k->nkeys > NKEYS)
		crm_die(EX_SOFTWARE, "internal error: kind %s: more than 16 kinds or %d keys",
			k->entity, NKEYS);
	if (!built[i].k) {
		built[i].k = k;
		insert_sql(&built[i]);
		select_sql(&built[i]);
		update_sql(&built[i]);
	}
	return &built[i];
}

static struct crm_stmt *stmt(struct crm_rec *r, int which)
{
	if (!r->q)
		r->q = kind_sql(r->k);
	return crm_db_stmt(r->ctx->db, which == 'i' ? r->q->ins : which == 'u' ? r->q->upd : r->q->sel);
}

static int write_row(struct crm_rec *cur, int64_t id, bool owner_changed)
{
	int st;
	struct crm_stmt *s = stmt(cur, 'u');
	if (!s)
		return EX_SOFTWARE;
	const struct kind_sql *q = cur->q;
	make_keys(cur);
	bind_fields(cur, s, q->pu_key, false);
	crm_bind_str(s, q->pu_now, cur->ctx->now_iso);
	if (q->pu_changed)
		crm_bind_int(s, q->pu_changed, owner_changed);
	crm_bind_int(s, q->pu_id, id);
	st = crm_step(s) == CRM_DONE ? 0 : db_fail(cur, "cannot update");
	crm_stmt_reset(s);
	return st;
}

/* Set custom field h of record id to value (a string; none removes it),
 * edited in C (json.h) as json_set and json_remove would, on either
 * engine: NULL when no field is left, unless the kind keeps "{}". */
static int write_custom(struct crm_rec *cur, int64_t id, int h, const char *value)
{
	struct crm_db *db = cur->ctx->db;
	/* the table name comes from the kind, never from input */
	char *sql = crm_xasprintf("SELECT custom FROM %s WHERE id = ?1", cur->k->table);
	struct crm_stmt *s;
	int rc = crm_db_prepare(db, sql, &s);
	free(sql);
	if (rc != CRM_OK)
		return crm_db_fail(db, "cannot update custom field");
	crm_bind_int(s, 1, id);
	if ((rc = crm_step(s)) != CRM_ROW) {
		crm_stmt_finish(s);
		return rc == CRM_DONE ? 0 : crm_db_fail(db, "cannot update custom field");
	}
	struct crm_json *o = crm_col_null(s, 0) ? crm_json_new()
		: crm_json_parse(crm_col_text(s, 0), (size_t)crm_col_bytes(s, 0));
	crm_stmt_finish(s);
	if (!o) {
		crm_warn("%s %lld: cannot read its custom fields", cur->k->entity, (long long)id);
		return EX_DATAERR;
	}
	if (value && *value)
		crm_json_set(o, crm_rec_field_name(cur, h), value);
	else
		crm_json_remove(o, crm_rec_field_name(cur, h));
	char *text = crm_json_count(o) || cur->k->custom_keep_empty ? crm_json_text(o) : NULL;
	crm_json_free(o);
	sql = crm_xasprintf("UPDATE %s SET custom = ?1 WHERE id = ?2", cur->k->table);
	rc = crm_db_prepare(db, sql, &s);
	free(sql);
	if (rc != CRM_OK) {
		free(text);
		return crm_db_fail(db, "cannot update custom field");
	}
	crm_bind_text(s, 1, text);
	crm_bind_int(s, 2, id);
	rc = crm_step(s);
	crm_stmt_finish(s);
	free(text);
	return rc == CRM_DONE ? 0 : crm_db_fail(db, "cannot update custom field");
}

/* Would making parent the parent of account id close a loop? */
static bool parent_loop(struct crm_ctx *ctx, int64_t id, int64_t parent)
{
	static const char sql[] =
		"WITH RECURSIVE up(id) AS (SELECT CAST(?1 AS BIGINT) UNION SELECT a.parent_id FROM accounts a"
		" JOIN up ON a.id = up.id WHERE a.parent_id IS NOT NULL)"
		" SELECT 1 FROM up WHERE id = ?2";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return true;
	crm_bind_int(s, 1, parent);
	crm_bind_int(s, 2, id);
	bool loop = crm_step(s) == CRM_ROW;
	crm_stmt_reset(s);
	return loop;
}

/* May field h of chg take its new value on record id?  0 or a status. */
static int check_change(struct crm_rec *chg, int64_t id, int h)
{
	struct crm_ctx *ctx = chg->ctx;
	const char *name = crm_rec_field_name(chg, h), *nv = chg->v[h].s;
	const char *where = chg->where ? chg->where : "", *sep = chg->where ? ": " : "";
	bool builtin = h < chg->k->nfields;
	if (!*nv && (builtin ? chg->k->fields[h].required : chg->cf[h - chg->k->nfields]->required)) {
		crm_warn("%s%s%s %lld: %s cannot be empty", where, sep, chg->k->entity, (long long)id, name);
		return EX_DATAERR;
	}
	if (!builtin)
		return 0;
	const struct crm_field *f = &chg->k->fields[h];
	if (f->kind == CRM_FK_OWNER) {
		char whose[200];
		snprintf(whose, sizeof whose, "%ss of '%.100s'", chg->k->entity, *nv ? nv : nobody(chg->k));
		return crm_ctx_may_change(ctx, chg->owner_id, whose);
	}
	if (f->kind == CRM_FK_ACCOUNT && *nv && strcmp(chg->k->table, "accounts") == 0 &&
	    parent_loop(ctx, id, strtoll(nv, NULL, 10))) {
		crm_warn("%s%saccount %lld cannot be under account %s: they would contain each other",
			 where, sep, (long long)id, nv);
		return EX_DATAERR;
	}
	return 0;
}

static const char *nonempty(const char *s) { return s && *s ? s : NULL; }

int crm_rec_apply(struct crm_rec *chg, int64_t id, const char *action, struct crm_diff *diff)
{
	struct crm_ctx *ctx = chg->ctx;
	bool changed = false, owner_changed = false;
	int st;

	if (!chg->cur)
		chg->cur = crm_rec_new(ctx, chg->k);
	struct crm_rec *cur = chg->cur;
	cur->where = chg->where;
	if ((st = crm_rec_load(cur, id, true)))
		return st;
	if (chg->k->changing && (st = chg->k->changing(chg, cur, id)))
		return st;
	int nb = chg->k->nfields, nh = chg->k->custom_given_order ? nb + chg->nseq : chg->nslots;
	for (int i = 0; i < nh; i++) {
		int h = i < nb || !chg->k->custom_given_order ? i : chg->seq[i - nb];
		if (!chg->v[h].set)
			continue;
		bool builtin = h < chg->k->nfields;
		if (builtin && chg->k->fields[h].kind == CRM_FK_INT && !chg->v[h].s[0])
			slot_copy(&chg->v[h], "0", 1);
		if (strcmp(chg->v[h].s, cur->v[h].s) == 0)
			continue;
		const char *name = crm_rec_field_name(chg, h), *nv = chg->v[h].s;
		if ((st = check_change(chg, id, h)))
			return st;
		if (builtin && chg->k->fields[h].kind == CRM_FK_OWNER) {
			cur->owner_id = chg->owner_id;
			owner_changed = true;
		}
		if ((st = crm_audit_write(ctx->db, chg->k->entity, id, action, name,
				       nonempty(cur->v[h].s), nonempty(nv))))
			return st;
		if (diff)
			crm_diff_row(diff, id, name, cur->v[h].s, nv);
		if (!builtin && (st = write_custom(cur, id, h, nv)))
			return st;
		slot_copy(&cur->v[h], nv, strlen(nv));
		changed = true;
	}
	if (!changed)
		return 0;
	if (diff)
		diff->records++;
	if ((st = write_row(cur, id, owner_changed)))
		return st;
	return chg->k->written ? chg->k->written(chg, id, false, false) : 0;
}

/* ---- seeds for link-or-create, and duplicate keys ---- */

int crm_rec_seed_put(struct crm_rec *r, const char *name, const char *value, const char *where)
{
	if (!value || !*value)
		return 0;
	int st = crm_rec_put(r, crm_rec_field(r, name), value);
	if (st)
		crm_warn("%s: %s", where, crm_rec_error(r));
	return st;
}

char *crm_rec_login_of(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, "SELECT login FROM users WHERE id = ?1");
	if (!s || !id)
		return crm_xstrdup("");
	crm_bind_int(s, 1, id);
	char *login = crm_xstrdup(crm_step(s) == CRM_ROW ? crm_col_text(s, 0) : "");
	crm_stmt_reset(s);
	return login;
}

void crm_rec_bind_key(struct crm_stmt *st, int i, const char *text, enum crm_key kind)
{
	if (!text || !*text) {
		crm_bind_null(st, i);
		return;
	}
	char *out = crm_xmalloc(strlen(text) + 1);
	long n = kind == CRM_KEY_COMPANY ? (long)crm_norm_company(text, out)
		: kind == CRM_KEY_NAME ? (long)crm_norm_name(text, out)
		: kind == CRM_KEY_PHONE ? crm_norm_phone(text, out) : crm_norm_email(text, out);
	if (n > 0) {
		crm_bind_owned(st, i, out);
	} else {
		crm_bind_null(st, i);
		free(out);
	}
}
