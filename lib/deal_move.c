/* deal_move.c: every stage change of a deal (move, won, lost, reopen; one
 * deal or a TSV of them), each writing its history row, the deal's stage,
 * status, stage_changed_at and closed_at, and its audit rows together.
 * A bulk move checks every row before it takes the write lock. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "batch.h"
#include "db.h"
#include "deal.h"
#include "err.h"
#include "money.h"
#include "record.h"
#include "tsv.h"

/* The configured loss reasons as "(a, b, c)" for messages; malloc'd. */
static char *reason_list(const struct crm_config *cfg)
{
	struct crm_buf b = {0};
	crm_buf_add(&b, "(");
	for (size_t i = 0; i < cfg->nloss_reasons; i++) {
		crm_buf_add(&b, i ? ", " : "");
		crm_buf_add(&b, cfg->loss_reasons[i].id);
	}
	crm_buf_add(&b, ")");
	return b.s;
}

struct deal_row {
	int64_t id, owner_id, amount;
	char *title, *pipeline, *stage, *status, *loss_reason, *loss_note;
};

static void deal_row_free(struct deal_row *d)
{
	free(d->title);
	free(d->pipeline);
	free(d->stage);
	free(d->status);
	free(d->loss_reason);
	free(d->loss_note);
}

static int load_row(struct crm_ctx *ctx, int64_t id, struct deal_row *d)
{
	static const char sql[] =
		"SELECT title, pipeline, stage, status, amount, loss_reason, loss_note FROM deals WHERE id = ?1";
	int st;
	memset(d, 0, sizeof *d);
	if ((st = crm_deal_check(ctx, id, true, &d->owner_id)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	if (crm_step(s) != CRM_ROW)
		return crm_db_fail(ctx->db, "cannot read deal");
	d->id = id;
	d->title = crm_xstrdup(crm_col_text(s, 0));
	d->pipeline = crm_xstrdup(crm_col_text(s, 1));
	d->stage = crm_xstrdup(crm_col_text(s, 2));
	d->status = crm_xstrdup(crm_col_text(s, 3));
	d->amount = crm_col_int(s, 4);
	d->loss_reason = crm_xstrdup(crm_col_text(s, 5));
	d->loss_note = crm_xstrdup(crm_col_text(s, 6));
	crm_stmt_reset(s);
	return 0;
}

/* The last open stage of p that deal id was in; the first when none. */
static const struct crm_stage *last_open_stage(struct crm_ctx *ctx, int64_t id,
					       const struct crm_pipeline *p)
{
	static const char sql[] =
		"SELECT to_stage FROM deal_stages WHERE deal_id = ?1 ORDER BY at DESC, id DESC";
	const struct crm_stage *found = NULL;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return crm_deal_first_stage(p);
	crm_bind_int(s, 1, id);
	while (!found && crm_step(s) == CRM_ROW) {
		const struct crm_stage *st = crm_pipeline_stage(p, crm_col_text(s, 0));
		if (st && st->kind == CRM_STAGE_OPEN)
			found = st;
	}
	crm_stmt_reset(s);
	return found ? found : crm_deal_first_stage(p);
}

static int fail_where(const char *where, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail_where(const char *where, int status, const char *fmt, ...)
{
	char msg[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	crm_warn("%s%s", where, msg);
	return status;
}

/* Where a move goes: the target stage, checked against the deal. */
static int target_of(struct crm_ctx *ctx, const struct crm_deal_move *m, const struct deal_row *d,
		     const struct crm_pipeline *p, const char *where, const struct crm_stage **to)
{
	char why[300];
	bool open = strcmp(d->status, "open") == 0;
	long long id = (long long)d->id;
	if (m->kind == CRM_MOVE_REOPEN) {
		if (open)
			return fail_where(where, EX_DATAERR, "deal %lld is open: nothing to reopen", id);
		if (!m->stage || !*m->stage) {
			*to = last_open_stage(ctx, d->id, p);
			return 0;
		}
		if (crm_deal_stage(p, m->stage, to, why, sizeof why))
			return fail_where(where, EX_DATAERR, "%s", why);
		if ((*to)->kind != CRM_STAGE_OPEN)
			return fail_where(where, EX_DATAERR, "deal %lld: reopen into an open stage, not '%s'",
					  id, (*to)->id);
		return 0;
	}
	if (m->kind == CRM_MOVE && crm_deal_stage(p, m->stage ? m->stage : "", to, why, sizeof why))
		return fail_where(where, EX_DATAERR, "%s", why);
	if (m->kind == CRM_MOVE_WON || m->kind == CRM_MOVE_LOST)
		*to = crm_deal_closed_stage(p, m->kind == CRM_MOVE_WON ? CRM_STAGE_WON : CRM_STAGE_LOST);
	if (!open)
		return fail_where(where, EX_DATAERR, "deal %lld is %s: reopen it first", id, d->status);
	return 0;
}

/* The reason, note and amount a move takes, checked for its target. */
static int move_extras(struct crm_ctx *ctx, const struct crm_deal_move *m,
		       const struct crm_stage *to, const char *where, const char **reason,
		       int64_t *amount)
{
	*reason = m->reason && *m->reason ? m->reason : NULL;
	if (to->kind == CRM_STAGE_LOST) {
		char *list = reason_list(ctx->cfg);
		int st = 0;
		if (!*reason)
			st = fail_where(where, EX_DATAERR, "lost needs --reason %s", list);
		else if (!(*reason = crm_deal_loss_reason(ctx->cfg, m->reason)))
			st = fail_where(where, EX_DATAERR, "unknown loss reason '%s' %s", m->reason, list);
		free(list);
		if (st)
			return st;
	} else if (m->note && *m->note) {
		return fail_where(where, EX_DATAERR, "a note is for a lost deal (deal %lld goes to '%s')",
				  (long long)m->id, to->id);
	}
	if (m->amount && *m->amount) {
		if (to->kind != CRM_STAGE_WON)
			return fail_where(where, EX_DATAERR, "an amount is for a won deal (deal %lld goes to '%s')",
					  (long long)m->id, to->id);
		char why[300];
		if (crm_deal_amount(m->amount, amount, why, sizeof why))
			return fail_where(where, EX_DATAERR, "%s", why);
	}
	return 0;
}

/* Audit old -> new of field when they differ. */
static int audit_change(struct crm_ctx *ctx, int64_t id, const char *action, const char *field,
			const char *old, const char *new)
{
	old = old && *old ? old : NULL;
	new = new && *new ? new : NULL;
	if ((!old && !new) || (old && new && strcmp(old, new) == 0))
		return 0;
	return crm_audit_write(ctx->db, "deal", id, action, field, old, new);
}

static int write_move(struct crm_ctx *ctx, const struct deal_row *d, const struct crm_stage *to,
		      const char *action, const char *reason, const char *note, int64_t amount)
{
	static const char sql[] =
		"UPDATE deals SET stage = ?2, status = ?3, stage_changed_at = ?4, updated_at = ?4,"
		" closed_at = ?5, loss_reason = ?6, loss_note = ?7, amount = ?8 WHERE id = ?1";
	bool lost = to->kind == CRM_STAGE_LOST;
	const char *status = crm_deal_status_name(to->kind);
	char old_amount[CRM_MONEY_LEN], new_amount[CRM_MONEY_LEN];
	int st;
	if ((st = crm_deal_stage_row(ctx, d->id, d->stage, to->id, ctx->now_iso, reason)))
		return st;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, d->id);
	crm_bind_text(s, 2, to->id);
	crm_bind_text(s, 3, status);
	crm_bind_text(s, 4, ctx->now_iso);
	crm_bind_text(s, 5, to->kind == CRM_STAGE_OPEN ? NULL : ctx->now_iso);
	crm_bind_text(s, 6, lost ? reason : NULL);
	crm_bind_text(s, 7, lost ? note : NULL);
	crm_bind_int(s, 8, amount);
	if (crm_step(s) != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot move deal");
	crm_money_format(d->amount, old_amount);
	crm_money_format(amount, new_amount);
	if ((st = audit_change(ctx, d->id, action, "stage", d->stage, to->id)) ||
	    (st = audit_change(ctx, d->id, action, "status", d->status, status)) ||
	    (st = audit_change(ctx, d->id, action, "amount", old_amount, new_amount)) ||
	    (st = audit_change(ctx, d->id, action, "loss_reason", d->loss_reason, lost ? reason : NULL)))
		return st;
	return audit_change(ctx, d->id, action, "loss_note", d->loss_note, lost ? note : NULL);
}

/* Checking a bulk move without writing: the deals the rows before moved,
 * as those rows left them. */
struct moves_seen {
	struct crm_batch_ids *ids;	/* deal id => 1 + its index in d */
	struct deal_row *d;
	size_t n, cap;
};

static void set_text(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? crm_xstrdup(s) : NULL;
}

/* The values a move changes, from src into dst. */
static void moved_values(struct deal_row *dst, const struct deal_row *src)
{
	set_text(&dst->stage, src->stage);
	set_text(&dst->status, src->status);
	set_text(&dst->loss_reason, src->loss_reason);
	set_text(&dst->loss_note, src->loss_note);
	dst->amount = src->amount;
}

/* d as the rows before left it; the index of its entry in seen. */
static size_t seen_deal(struct moves_seen *seen, struct deal_row *d)
{
	long k = crm_batch_ids_add(seen->ids, d->id, (long)seen->n + 1);
	if (k) {
		moved_values(d, &seen->d[k - 1]);
		return (size_t)k - 1;
	}
	if (seen->n == seen->cap) {
		seen->cap = seen->cap ? 2 * seen->cap : 64;
		seen->d = crm_xrealloc(seen->d, seen->cap * sizeof *seen->d);
	}
	memset(&seen->d[seen->n], 0, sizeof *seen->d);
	moved_values(&seen->d[seen->n], d);
	return seen->n++;
}

static void seen_free(struct moves_seen *seen)
{
	for (size_t i = 0; i < seen->n; i++)
		deal_row_free(&seen->d[i]);
	free(seen->d);
	crm_batch_ids_free(seen->ids);
}

/* Move a deal, printing it to o (when not NULL); with seen, only check the
 * move, against the deal as the rows before left it. */
static int do_move(struct crm_ctx *ctx, const struct crm_deal_move *m, const char *where,
		   struct crm_out *o, struct moves_seen *seen)
{
	struct deal_row d;
	const struct crm_stage *to = NULL;
	const char *reason;
	size_t k = 0;
	int st;
	if ((st = load_row(ctx, m->id, &d)))
		goto out;
	if (seen)
		k = seen_deal(seen, &d);
	const struct crm_pipeline *p = crm_config_pipeline(ctx->cfg, d.pipeline);
	if (!p) {
		st = fail_where(where, EX_CONFIG, "deal %lld: pipeline '%s' is not in the config",
				(long long)d.id, d.pipeline);
		goto out;
	}
	int64_t amount = d.amount;
	if ((st = target_of(ctx, m, &d, p, where, &to)) ||
	    (st = move_extras(ctx, m, to, where, &reason, &amount)))
		goto out;
	if (strcmp(to->id, d.stage) == 0 && amount == d.amount) {
		if (!ctx->opts->quiet)
			crm_warn("%sdeal %lld is already in stage '%s'", where, (long long)d.id, to->id);
		goto out;
	}
	if (seen) {
		bool lost = to->kind == CRM_STAGE_LOST;
		struct deal_row after = {.stage = (char *)to->id,
			.status = (char *)crm_deal_status_name(to->kind), .amount = amount,
			.loss_reason = lost ? (char *)reason : NULL, .loss_note = lost ? (char *)m->note : NULL};
		moved_values(&seen->d[k], &after);
		goto out;
	}
	const char *action = m->kind == CRM_MOVE_REOPEN ? "reopen" : to->kind == CRM_STAGE_WON ? "won"
			     : to->kind == CRM_STAGE_LOST ? "lost" : "move";
	if ((st = write_move(ctx, &d, to, action, reason, m->note, amount)))
		goto out;
	if (o) {
		char id[24], money[CRM_MONEY_LEN];
		snprintf(id, sizeof id, "%lld", (long long)d.id);
		crm_money_format(amount, money);
		const char *row[] = {id, d.title, d.stage, to->id, crm_deal_status_name(to->kind), money};
		crm_out_row(o, row);
	}
out:
	deal_row_free(&d);
	return st;
}

/* The rows a move prints go to a buffer first: after a bad row in a
 * bulk move nothing is written, and nothing should look written. */
struct moved {
	char *buf;
	size_t len;
	FILE *fp;
	struct crm_out *o;
};

static void moved_open(struct crm_ctx *ctx, struct moved *mv, bool print)
{
	static const char *const names[] = {"id", "title", "from", "to", "status", "amount"};
	memset(mv, 0, sizeof *mv);
	if (!print)
		return;
	if (!(mv->fp = open_memstream(&mv->buf, &mv->len)))
		crm_die_errno(EX_OSERR, "cannot buffer output");
	mv->o = crm_out_new(mv->fp, ctx->opts->format, !ctx->opts->no_header);
	crm_out_col(mv->o, names[0], CRM_COL_NUM);
	crm_out_cols(mv->o, names + 1, 4);
	crm_out_col(mv->o, names[5], CRM_COL_MONEY);
}

static void moved_close(struct moved *mv, FILE *out, bool ok)
{
	if (!mv->fp)
		return;
	crm_out_end(mv->o);
	fclose(mv->fp);
	if (ok)
		fwrite(mv->buf, 1, mv->len, out);
	free(mv->buf);
}

int crm_deal_move(struct crm_ctx *ctx, const struct crm_deal_move *m, FILE *out)
{
	struct moved mv;
	int st = crm_db_begin(ctx->db);
	if (st)
		return st;
	moved_open(ctx, &mv, out != NULL);
	st = crm_ctx_end(ctx, do_move(ctx, m, "", mv.o, NULL));
	moved_close(&mv, out, st == 0);
	return st;
}

/* One row of a bulk move: 0, or the status of a bad row (reported). */
static int move_row(struct crm_ctx *ctx, struct crm_tsv *t, const int *col, struct crm_out *o,
		    struct moves_seen *seen)
{
	char where[300];
	const char *idtext = crm_tsv_field(t, (size_t)col[0], NULL);
	char *end;
	long long id = strtoll(idtext, &end, 10);
	snprintf(where, sizeof where, "%s:%ld: ", crm_tsv_name(t), crm_tsv_line(t));
	if (!*idtext || *end || id <= 0)
		return fail_where(where, EX_DATAERR, "invalid deal id '%s'", idtext);
	struct crm_deal_move m = {
		.kind = CRM_MOVE, .id = id, .stage = crm_tsv_field(t, (size_t)col[1], NULL),
		.reason = col[2] >= 0 ? crm_tsv_field(t, (size_t)col[2], NULL) : NULL,
		.note = col[3] >= 0 ? crm_tsv_field(t, (size_t)col[3], NULL) : NULL,
		.amount = col[4] >= 0 ? crm_tsv_field(t, (size_t)col[4], NULL) : NULL,
	};
	if (!*m.stage)
		return fail_where(where, EX_DATAERR, "no stage for deal %lld", id);
	return do_move(ctx, &m, where, o, seen);
}

/* One pass over the rows of a bulk move: with seen only checking them,
 * else moving them and printing each to o.  Every row is moved, even
 * after a bad one, so that each is checked against the deals as the rows
 * before it left them; the caller then rolls all back. */
static int move_pass(struct crm_ctx *ctx, struct crm_tsv *t, const int *col, struct crm_out *o,
		     struct moves_seen *seen)
{
	int st = 0, rc, first_bad = 0;
	long bad = 0;
	while ((rc = crm_tsv_next(t)) != 0) {
		st = rc < 0 ? -rc : move_row(ctx, t, col, o, seen);
		if (st == EX_DATAERR || st == CRM_EX_NOTFOUND || st == EX_NOPERM) {
			first_bad = bad++ ? first_bad : st;
			crm_warn_release(true);	/* the move fails: what was held back is part of why */
			st = 0;
		} else if (st) {
			break;
		}
	}
	if (!st)
		st = crm_nothing_done(bad, "bad row", "moved", first_bad);
	return st;
}

int crm_deal_move_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out)
{
	static const char *const names[] = {"id", "stage", "reason", "note", "amount"};
	struct moved mv;
	int col[5], st;
	struct crm_tsv *t = crm_tsv_open_twice(in, name, &st);
	for (int i = 0; t && i < 5; i++)
		col[i] = crm_tsv_col(t, names[i]);
	for (int i = 0; t && !st && i < 2; i++) {
		if (col[i] < 0) {
			crm_warn("%s:1: no column '%s'", crm_tsv_name(t), names[i]);
			st = EX_DATAERR;
		}
	}
	if (t && !st) {
		/* every row is checked first, without the write lock; what a good
		 * row says (already in its stage) it says when moved */
		struct moves_seen seen = {.ids = crm_batch_ids_new()};
		crm_db_reset_statements(ctx->db);
		crm_warn_hold();
		st = move_pass(ctx, t, col, NULL, &seen);
		crm_warn_release(st != 0);
		seen_free(&seen);
	}
	if (t && !st && !(st = crm_tsv_rewind(t)) && !(st = crm_db_begin(ctx->db))) {
		moved_open(ctx, &mv, out != NULL);
		st = crm_ctx_end(ctx, move_pass(ctx, t, col, mv.o, NULL));
		moved_close(&mv, out, st == 0);
	}
	crm_tsv_close(t);
	return st;
}
