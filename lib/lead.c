/* lead.c: leads as a kind of the record engine (record.h): the field
 * table of leadfield.c, duplicate keys, and the heat and score that follow
 * every write; and the writing commands (add, update, bulk update).  Listing is in lead_list.c, dupes/merge/forget in
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

/* ---- the lead kind ---- */

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
		"UPDATE leads SET heat_manual = (heat IS NOT NULL) WHERE id = ?1");
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

const struct crm_kind crm_lead_kind = {
	.entity = "lead",
	.table = "leads",
	.fields = crm_lead_fields_def,
	.nfields = CRM_LEAD_NFIELDS + 1,
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.one_of = one_of,
	.pool = true,
	.quote_given = true,
	.repoint = crm_lead_repoint,
	.written = written,
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

/* ---- bulk update from TSV ---- */

struct bulk {
	struct crm_ctx *ctx;
	struct crm_tsv *t;
	struct crm_rec *r, *probe;
	int *handle;		/* per column, -1 = ignored */
	int idcol;
	struct crm_batch_ids *ids;
	struct crm_batch_ro *ro;
	struct crm_diff *diff;
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
			crm_warn("%s:%ld: %s", name, line, crm_rec_error(b->r));
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
		crm_rec_where(b->probe, where);
		st = crm_lead_load(b->probe, id, true);
		crm_rec_where(b->probe, NULL);
		return st;
	}
	crm_rec_where(b->r, where);
	st = crm_rec_apply(b->r, id, "update", b->diff);
	crm_rec_where(b->r, NULL);
	return st;
}

int crm_lead_update_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out)
{
	struct crm_diff diff = {ctx->opts->dry_run ? out : NULL, !ctx->opts->no_header, 0, 0};
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
	crm_rec_trust_utf8(b.r, true);
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
			 diff.records, diff.records == 1 ? "lead" : "leads",
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
