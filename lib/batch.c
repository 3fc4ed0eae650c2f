/* batch.c: see batch.h */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "batch.h"
#include "db.h"
#include "err.h"
#include "record.h"

struct crm_batch_ids {
	int64_t *id;		/* 0 = empty slot: ids are positive */
	long *line;
	size_t cap, n;		/* cap a power of two, at most half full */
};

struct crm_batch_ids *crm_batch_ids_new(void)
{
	struct crm_batch_ids *s = crm_xcalloc(1, sizeof *s);
	s->cap = 1024;
	s->id = crm_xcalloc(s->cap, sizeof *s->id);
	s->line = crm_xcalloc(s->cap, sizeof *s->line);
	return s;
}

void crm_batch_ids_free(struct crm_batch_ids *s)
{
	if (!s)
		return;
	free(s->id);
	free(s->line);
	free(s);
}

static size_t slot_of(const struct crm_batch_ids *s, int64_t id)
{
	uint64_t h = (uint64_t)id * UINT64_C(0x9E3779B97F4A7C15);	/* Fibonacci hashing */
	size_t i = (size_t)(h >> 32) & (s->cap - 1);
	while (s->id[i] && s->id[i] != id)
		i = (i + 1) & (s->cap - 1);
	return i;
}

static void grow(struct crm_batch_ids *s)
{
	int64_t *id = s->id;
	long *line = s->line;
	size_t cap = s->cap;
	s->cap *= 2;
	s->id = crm_xcalloc(s->cap, sizeof *s->id);
	s->line = crm_xcalloc(s->cap, sizeof *s->line);
	for (size_t i = 0; i < cap; i++) {
		if (!id[i])
			continue;
		size_t j = slot_of(s, id[i]);
		s->id[j] = id[i];
		s->line[j] = line[i];
	}
	free(id);
	free(line);
}

long crm_batch_ids_add(struct crm_batch_ids *s, int64_t id, long line)
{
	size_t i = slot_of(s, id);
	if (s->id[i])
		return s->line[i];
	s->id[i] = id;
	s->line[i] = line;
	if (++s->n * 2 > s->cap)
		grow(s);
	return 0;
}

struct crm_batch_ro {
	struct crm_ctx *ctx;
	const struct crm_tsv *t;
	size_t n;
	size_t *col;		/* the read-only columns of t */
	struct crm_stmt *st;	/* their stored values, in that order */
};

int crm_batch_ro_new(struct crm_ctx *ctx, const struct crm_tsv *t, const char *const *expr,
		     const char *from, struct crm_batch_ro **out)
{
	struct crm_batch_ro *ro = crm_xcalloc(1, sizeof *ro);
	struct crm_buf q = {0};
	size_t ncols = crm_tsv_ncols(t);

	*out = ro;
	ro->ctx = ctx;
	ro->t = t;
	ro->col = crm_xcalloc(ncols ? ncols : 1, sizeof *ro->col);
	crm_buf_add(&q, "SELECT ");
	for (size_t i = 0; i < ncols; i++) {
		if (!expr[i])
			continue;
		crm_buf_add(&q, ro->n ? ", " : "");
		crm_buf_add(&q, expr[i]);
		ro->col[ro->n++] = i;
	}
	crm_buf_add(&q, " ");
	crm_buf_add(&q, from);
	int st = 0;
	if (ro->n && crm_db_prepare(ctx->db, q.s, &ro->st) != CRM_OK)
		st = crm_db_fail(ctx->db, "cannot read stored values");
	free(q.s);
	return st;
}

void crm_batch_ro_free(struct crm_batch_ro *ro)
{
	if (!ro)
		return;
	crm_stmt_finish(ro->st);
	free(ro->col);
	free(ro);
}

int crm_batch_ro_check(struct crm_batch_ro *ro, const char *entity, int64_t id)
{
	const struct crm_tsv *t = ro->t;
	int st = 0, rc;

	if (!ro->n)
		return 0;
	crm_stmt_reset(ro->st);
	crm_bind_int(ro->st, crm_param_index(ro->st, ":id"), id);
	crm_ctx_bind_actor(ro->ctx, ro->st);
	if ((rc = crm_step(ro->st)) == CRM_DONE)
		return 0;
	if (rc != CRM_ROW)
		return crm_db_fail(ro->ctx->db, "cannot read stored values");
	for (size_t k = 0; k < ro->n && !st; k++) {
		const char *stored = crm_col_text(ro->st, (int)k);
		if (strcmp(stored, crm_tsv_field(t, ro->col[k], NULL)) != 0) {
			crm_warn("%s:%ld: %s %lld: column '%s' is read-only", crm_tsv_name(t),
				 crm_tsv_line(t), entity, (long long)id, crm_tsv_colname(t, ro->col[k]));
			st = EX_DATAERR;
		}
	}
	crm_stmt_reset(ro->st);
	return st;
}

/* One pass over the rows of t: the number of bad rows in *bad. */
static int batch_pass(struct crm_tsv *t, int (*row)(void *, bool, long), void *arg, bool apply,
		      long *bad)
{
	int rc, st = 0;
	while ((rc = crm_tsv_next(t)) != 0) {
		st = rc < 0 ? -rc : row(arg, apply, *bad);
		if (st == EX_DATAERR)
			(*bad)++;
		else if (st)
			return st;
		st = 0;
	}
	return st;
}

int crm_batch_run(struct crm_ctx *ctx, struct crm_tsv *t,
		  int (*row)(void *arg, bool apply, long bad), void *arg, bool *began)
{
	long bad = 0;
	int st;
	*began = false;
	/* a statement left half-way (the actor's look-up) pins the snapshot of
	 * before the input was read: a pipe's writer may have committed since */
	crm_db_reset_statements(ctx->db);
	if (!(st = batch_pass(t, row, arg, false, &bad)) && !bad &&
	    !(st = crm_tsv_rewind(t)) && !(st = crm_db_begin(ctx->db))) {
		*began = true;
		st = batch_pass(t, row, arg, true, &bad);
	}
	if (!st)
		st = crm_nothing_done(bad, "bad row", "updated", EX_DATAERR);
	return st;
}
