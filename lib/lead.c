/* lead.c: leads as a kind of the record engine (record.h): the field
 * table of leadfield.c, list columns, duplicate keys, and the heat and
 * score that follow every write; the lead names over the engine; and the
 * writing commands (add, update, bulk update).  Listing is in
 * lead_list.c, dupes/merge/forget in lead_merge.c, bulk import in
 * lead_import.c. */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "err.h"
#include "lead.h"
#include "leadfield.h"
#include "normalise.h"
#include "record.h"
#include "score.h"

/* ---- the lead kind ---- */

static const struct crm_col cols[] = {
	{"id", "t.id", .listed = true, .type = CRM_COL_INT},
	{"name", "t.name", .listed = true},
	{"company", "t.company", .listed = true},
	{"title", "t.title", .listed = true},
	{"phone", "t.phone", .listed = true},
	{"email", "t.email", .listed = true},
	{"region", "t.region", .listed = true},
	{"city", "t.city", .listed = true},
	{"industry", "t.industry", .listed = true},
	{"source", "t.source", .listed = true},
	{"campaign", "t.campaign", .listed = true},
	{"tags", "t.tags", .listed = true},
	{"heat", "t.heat", .listed = true},
	{"score", "t.score", .listed = true, .type = CRM_COL_INT},
	{"status", "t.status", .listed = true},
	{"owner", "u.login", .listed = true},
	{"created_at", "t.created_at", .listed = true},
	{"notes", "t.notes", .listed = false},
	{"updated_at", "t.updated_at", .listed = false},
	{"assigned_at", "t.assigned_at", .listed = false},
	{"first_contact_at", "t.first_contact_at", .listed = false},
	{"last_activity_at", "t.last_activity_at", .listed = false},
	{"disqualify_reason", "t.disqualify_reason", .listed = false},
	{"claimed_at", "t.claimed_at", .listed = false},
	{"created_by", "t.created_by", .listed = false},
	{"forgotten_at", "t.forgotten_at", .listed = false},
};

static const char *const one_of[] = {"name", "company", "phone", "email", NULL};

static const struct crm_dupkey keys[] = {
	{"phone", "phone_norm", CRM_KEY_PHONE},
	{"email", "email_norm", CRM_KEY_EMAIL},
	{"company", "company_norm", CRM_KEY_COMPANY},
	{"name", "name_norm", CRM_KEY_NAME},
};

/* A heat given by hand stays until cleared; a cleared one is derived from
 * the score again (score.c honours heat_manual). */
static int mark_heat_manual(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db,
		"UPDATE leads SET heat_manual = CASE WHEN heat IS NOT NULL THEN 1 ELSE 0 END WHERE id = ?1");
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	return crm_step(s) == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot update lead");
}

/* The heat and score follow every write; an import scores its batch. */
static int written(struct crm_rec *r, int64_t id, bool created, bool batch)
{
	struct crm_ctx *ctx = crm_rec_ctx(r);
	const char *heat = crm_rec_get(r, CRM_LF_HEAT);
	int st;
	if (heat && (!created || *heat) && (st = mark_heat_manual(ctx, id)))
		return st;
	if (batch)
		return 0;
	st = crm_score_lead(ctx, id);
	return st == 1 ? 0 : st;
}

/* A score the scoring rules compute is read-only. */
static bool computed(const struct crm_config *cfg, int h)
{
	return h == CRM_LF_SCORE && crm_score_computed(cfg);
}

const struct crm_kind crm_lead_kind = {
	.entity = "lead",
	.table = "leads",
	.fields = crm_lead_fields_def,
	.nfields = CRM_LEAD_NFIELDS + 1,
	.cols = cols,
	.ncols = (int)(sizeof cols / sizeof cols[0]),
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.one_of = one_of,
	.pool = true,
	.quote_given = true,
	.repoint = crm_lead_repoint,
	.written = written,
	.computed = computed,
	.missing_stops = true,
};

/* ---- the lead record: the record engine's, by the names leads use ---- */

struct crm_rec *crm_lead_rec_new(struct crm_ctx *ctx) { return crm_rec_new(ctx, &crm_lead_kind); }
void crm_lead_rec_free(struct crm_rec *r) { crm_rec_free(r); }
void crm_lead_rec_clear(struct crm_rec *r) { crm_rec_clear(r); }
int crm_lead_rec_field(const struct crm_rec *r, const char *name) { return crm_rec_field(r, name); }
const char *crm_lead_rec_field_name(const struct crm_rec *r, int h) { return crm_rec_field_name(r, h); }
int crm_lead_rec_nfields(const struct crm_rec *r) { return crm_rec_nfields(r); }
int crm_lead_rec_put(struct crm_rec *r, int h, const char *value) { return crm_rec_put(r, h, value); }
int crm_lead_rec_set(struct crm_rec *r, const char *field, const char *value)
{
	return crm_rec_set(r, field, value);
}
int crm_lead_rec_set_pair(struct crm_rec *r, const char *pair) { return crm_rec_set_pair(r, pair); }
const char *crm_lead_rec_error(const struct crm_rec *r) { return crm_rec_error(r); }
const char *crm_lead_rec_get(const struct crm_rec *r, int h) { return crm_rec_get(r, h); }
int crm_lead_rec_check_new(struct crm_rec *r) { return crm_rec_check_new(r); }
int crm_lead_parse_id(const char *s, int64_t *id) { return crm_id_parse("lead", s, id); }
int crm_lead_load(struct crm_rec *r, int64_t id, bool for_change) { return crm_rec_load(r, id, for_change); }

int crm_lead_insert(struct crm_rec *r, bool audit, const char *what, int64_t *id)
{
	crm_rec_where(r, what);
	int st = crm_rec_insert(r, true, audit, id);
	crm_rec_where(r, NULL);
	return st;
}

/* ---- the bulk insert of the importer ---- */

/* The row crm_rec_insert writes (the fields, custom, the duplicate keys,
 * created_at, updated_at, created_by, assigned_at), and what its written
 * hook and the engine's id add: heat_manual and the id. */
enum { BULK_NKEYS = 4 };

struct crm_lead_bulk {
	struct crm_ctx *ctx;
	struct crm_bulk *b;
	char *key[BULK_NKEYS];
	size_t keycap[BULK_NKEYS];
	int key_h[BULK_NKEYS];
};

int crm_lead_bulk_begin(struct crm_ctx *ctx, struct crm_lead_bulk **out)
{
	const struct crm_kind *k = &crm_lead_kind;
	const char *names[64];
	int n = 0, st;
	for (int i = 0; i < k->nfields; i++)
		names[n++] = k->fields[i].column;
	names[n++] = "custom";
	for (int j = 0; j < k->nkeys; j++)
		names[n++] = k->keys[j].column;
	names[n++] = "created_at";
	names[n++] = "updated_at";
	names[n++] = "created_by";
	names[n++] = "assigned_at";
	names[n++] = "heat_manual";
	names[n++] = "id";
	struct crm_lead_bulk *lb = crm_xcalloc(1, sizeof *lb);
	lb->ctx = ctx;
	for (int j = 0; j < BULK_NKEYS; j++)
		lb->key_h[j] = crm_kind_field(k, k->keys[j].field);
	*out = NULL;
	if ((st = crm_db_bulk_begin(ctx->db, k->table, names, n, &lb->b))) {
		free(lb);
		return st;
	}
	*out = lb;
	return 0;
}

static bool given(const char *v) { return v && *v; }

/* The duplicate key j of the value, as crm_rec_insert's make_keys: NULL
 * when it normalises to nothing. */
static const char *bulk_key(struct crm_lead_bulk *lb, int j, const char *in)
{
	if (!given(in))
		return NULL;
	size_t need = strlen(in) + 1;
	if (lb->keycap[j] < need) {
		lb->keycap[j] = need < 256 ? 256 : 2 * need;
		lb->key[j] = crm_xrealloc(lb->key[j], lb->keycap[j]);
	}
	char *out = lb->key[j];
	long len = 0;
	switch (crm_lead_kind.keys[j].key) {
	case CRM_KEY_PHONE: len = crm_norm_phone(in, out); break;
	case CRM_KEY_EMAIL: len = crm_norm_email(in, out); break;
	case CRM_KEY_COMPANY: len = (long)crm_norm_company(in, out); break;
	case CRM_KEY_NAME: len = (long)crm_norm_name(in, out); break;
	}
	return len > 0 && *out ? out : NULL;
}

int crm_lead_bulk_insert(struct crm_lead_bulk *lb, struct crm_lead_rec *r, int64_t id,
			 const char *what)
{
	struct crm_ctx *ctx = lb->ctx;
	const struct crm_actor *a = &ctx->actor;
	const struct crm_kind *k = &crm_lead_kind;
	struct crm_bulk *b = lb->b;
	const char *owner_login = crm_rec_get(r, CRM_LF_OWNER);
	int64_t owner;

	/* the owner and the check of crm_rec_insert: a rep's lead with none
	 * is the rep's */
	if (given(owner_login)) {
		owner = crm_rec_owner_id(r);
	} else {
		owner = a->role == CRM_ROLE_REP && !a->single_user ? a->id : 0;
		owner_login = owner ? a->login : NULL;
	}
	if (a->role != CRM_ROLE_ADMIN) {
		char whose[200];
		snprintf(whose, sizeof whose, "%s%s%ss of '%.100s'", what ? what : "",
			 what ? ": " : "", k->entity, owner ? owner_login : "the pool");
		int st = crm_ctx_may_change(ctx, owner, whose);
		if (st)
			return st;
	}
	for (int i = 0; i < k->nfields; i++) {
		const struct crm_field *f = &k->fields[i];
		const char *v = crm_rec_get(r, i);
		if (f->kind == CRM_FK_OWNER)
			crm_bulk_id(b, owner);
		else if (f->kind == CRM_FK_INT)
			crm_bulk_int(b, v ? strtoll(v, NULL, 10) : 0);
		else if (!given(v) && f->initial)
			crm_bulk_text(b, f->initial);
		else
			crm_bulk_text(b, given(v) ? v : NULL);
	}
	const char *json = crm_rec_custom_json(r);
	crm_bulk_text(b, given(json) ? json : NULL);
	for (int j = 0; j < k->nkeys && j < BULK_NKEYS; j++)
		crm_bulk_text(b, bulk_key(lb, j, lb->key_h[j] >= 0 ? crm_rec_get(r, lb->key_h[j]) : NULL));
	crm_bulk_text(b, ctx->now_iso);
	crm_bulk_text(b, ctx->now_iso);
	crm_bulk_text(b, given(a->login) ? a->login : NULL);
	crm_bulk_text(b, owner ? ctx->now_iso : NULL);
	/* written(): a heat the file gives is a heat set by hand */
	crm_bulk_int(b, given(crm_rec_get(r, CRM_LF_HEAT)) ? 1 : 0);
	crm_bulk_int(b, id);
	return crm_bulk_row(b) ? -1 : 0;
}

int crm_lead_bulk_end(struct crm_lead_bulk *lb)
{
	int st = crm_bulk_end(lb->b, "cannot insert lead");
	lb->b = NULL;
	crm_lead_bulk_abort(lb);
	return st;
}

void crm_lead_bulk_abort(struct crm_lead_bulk *lb)
{
	if (!lb)
		return;
	crm_bulk_abort(lb->b);
	for (int j = 0; j < BULK_NKEYS; j++)
		free(lb->key[j]);
	free(lb);
}

int crm_lead_apply(struct crm_rec *chg, int64_t id, const char *action, struct crm_lead_diff *d)
{
	struct crm_diff diff = {d ? d->fp : NULL, d && d->header, d ? d->leads : 0, d ? d->fields : 0};
	int st = crm_rec_apply(chg, id, action, d ? &diff : NULL);
	if (d) {
		d->header = diff.header;
		d->leads = diff.records;
		d->fields = diff.fields;
	}
	return st;
}

/* ---- commands ---- */

int crm_lead_add(struct crm_ctx *ctx, struct crm_rec *r, FILE *out)
{
	int64_t id;
	int st;
	if (crm_rec_check_new(r)) {
		crm_warn("%s", crm_rec_error(r));
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

int crm_lead_change(struct crm_ctx *ctx, int64_t id, struct crm_rec *r,
		    const char *action, FILE *out)
{
	struct crm_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	return crm_ctx_end(ctx, crm_rec_apply(r, id, action, &diff));
}

int crm_lead_update(struct crm_ctx *ctx, int64_t id, struct crm_rec *r, FILE *out)
{
	if (!crm_rec_any_set(r))
		return crm_usage_fail("update: nothing to change (give a field option or --set)");
	if (crm_rec_get(r, CRM_LF_SCORE) && crm_score_computed(ctx->cfg)) {
		crm_warn("update: field 'score' is read-only (computed by the scoring rules)");
		return EX_DATAERR;
	}
	return crm_lead_change(ctx, id, r, "update", out);
}

int crm_lead_update_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out)
{
	return crm_rec_update_tsv(ctx, &crm_lead_kind, in, name, out);
}
