/* record_bulk.c: the bulk update of any kind from TSV (crm-lead update,
 * crm-account update, ... with rows on stdin): an id column plus field
 * columns, every row checked before any is applied, in one transaction. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "batch.h"
#include "db.h"
#include "err.h"
#include "record.h"
#include "tsv.h"

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
	const char *name = crm_tsv_name(b->t), *entity = crm_rec_kind(b->r)->entity;
	bool stops = crm_rec_kind(b->r)->missing_stops;
	long line = crm_tsv_line(b->t);
	const char *idtext = crm_tsv_field(b->t, (size_t)b->idcol, NULL);
	char *end, where[300];
	errno = 0;
	long long id = strtoll(idtext, &end, 10);
	if (errno || end == idtext || *end || id <= 0) {
		crm_warn("%s:%ld: invalid %s id '%s'", name, line, entity, idtext);
		return EX_DATAERR;
	}
	long first = apply ? 0 : crm_batch_ids_add(b->ids, id, line);
	if (first) {
		crm_warn("%s:%ld: id %lld already updated on line %ld", name, line, id, first);
		return EX_DATAERR;
	}
	crm_rec_clear(b->r);
	for (size_t i = 0; i < crm_tsv_ncols(b->t); i++) {
		int st;
		if (b->handle[i] >= 0 && (st = crm_rec_put(b->r, b->handle[i], crm_tsv_field(b->t, i, NULL)))) {
			crm_warn("%s:%ld: %s", name, line, crm_rec_error(b->r));
			return st == EX_NOPERM ? st : EX_DATAERR;
		}
	}
	int st = crm_batch_ro_check(b->ro, entity, id);
	if (st)
		return st;
	/* a missing record: a bad row (go on checking), or the end */
	int missing = stops ? CRM_EX_NOTFOUND : EX_DATAERR;
	snprintf(where, sizeof where, "%s:%ld", name, line);
	if (!apply || bad) {
		/* nothing written yet, or ever: only check that the record is there */
		if (bad && stops)
			return 0;
		if (!b->probe)
			b->probe = crm_rec_new(b->ctx, crm_rec_kind(b->r));
		crm_rec_where(b->probe, where);
		st = crm_rec_load(b->probe, id, true);
		crm_rec_where(b->probe, NULL);
		return st == CRM_EX_NOTFOUND ? missing : st;
	}
	crm_rec_where(b->r, where);
	st = crm_rec_apply(b->r, id, "update", b->diff);
	crm_rec_where(b->r, NULL);
	return st == CRM_EX_NOTFOUND ? missing : st;
}

int crm_rec_update_tsv(struct crm_ctx *ctx, const struct crm_kind *k, FILE *in,
		       const char *name, FILE *out)
{
	struct crm_diff diff = crm_rec_diff(ctx, out);
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
	b.r = crm_rec_new(ctx, k);
	crm_rec_trust_utf8(b.r, true);	/* the TSV reader refuses invalid UTF-8 */
	b.ids = crm_batch_ids_new();
	size_t ncols = crm_tsv_ncols(b.t);
	b.handle = crm_xcalloc(ncols, sizeof *b.handle);
	const char **ro = crm_xcalloc(ncols, sizeof *ro);
	for (size_t i = 0; i < ncols; i++) {
		const char *col = crm_tsv_colname(b.t, i);
		b.handle[i] = crm_rec_field(b.r, col);
		if (b.handle[i] >= 0 && k->computed && k->computed(ctx->cfg, b.handle[i]))
			b.handle[i] = -1;
		for (int c = 0; b.handle[i] < 0 && (int)i != b.idcol && c < k->ncols; c++)
			if (strcmp(k->cols[c].name, col) == 0)
				ro[i] = k->cols[c].expr;
	}
	char *from = crm_xasprintf("FROM %s t LEFT JOIN users u ON u.id = t.owner_id"
				   " WHERE t.id = :id AND %s", k->table,
				   crm_kind_visible(k));
	st = crm_batch_ro_new(ctx, b.t, ro, from, &b.ro);
	free(from);
	free(ro);
	if (st)
		goto out;
	st = crm_batch_run(ctx, b.t, bulk_row, &b, &began);
	if (began && !(st = crm_ctx_end(ctx, st)) && !ctx->opts->quiet)
		crm_warn("%s %ld %s%s, %ld %s", ctx->opts->dry_run ? "would update" : "updated",
			 diff.records, k->entity, diff.records == 1 ? "" : "s",
			 diff.fields, diff.fields == 1 ? "field" : "fields");
out:
	crm_batch_ro_free(b.ro);
	crm_batch_ids_free(b.ids);
	free(b.handle);
	crm_rec_free(b.r);
	crm_rec_free(b.probe);
	crm_tsv_close(b.t);
	return st;
}
