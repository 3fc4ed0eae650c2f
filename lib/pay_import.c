/* pay_import.c: crm-pay import, the receivables a migrating team brings:
 * instalments, payments and invoices of contracts that exist, one row
 * each, applied in file order (so a payment row finds the instalments of
 * the rows above it) in one transaction.  A row is checked before anything
 * of it is written, so a bad row leaves nothing behind (pay.h). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "colmap.h"
#include "date.h"
#include "db.h"
#include "err.h"
#include "pay_int.h"
#include "rows.h"

enum { C_TYPE, C_CONTRACT, C_AMOUNT, C_DUE, C_PAID, C_ISSUED, C_DATE, C_NUMBER, C_METHOD,
       C_REF, C_KIND, C_NOTE, NCOLS };
static const char *const col_names[NCOLS] = {
	"type", "contract", "amount", "due_on", "paid_on", "issued_on", "date", "number",
	"method", "reference", "kind", "note",
};
static const char *const types[] = {"instalment", "payment", "invoice"};

struct imp {
	struct crm_ctx *ctx;
	struct crm_rows *rows;
	int col[NCOLS];
	long done[3];
};

/* Field c of the row, NULL when the column is missing or the cell empty. */
static const char *cell(const struct imp *im, int c)
{
	if (im->col[c] < 0)
		return NULL;
	const char *s = crm_rows_field(im->rows, (size_t)im->col[c]);
	return *s ? s : NULL;
}

static const char *row_date(const struct imp *im, int c)
{
	const char *s = cell(im, c);
	return s ? s : cell(im, C_DATE);
}

static int row_contract(struct imp *im, struct crm_contract *c, char why[PAY_WHY])
{
	const char *arg = cell(im, C_CONTRACT);
	if (!arg) {
		snprintf(why, PAY_WHY, "missing contract");
		return EX_DATAERR;
	}
	crm_warn_hold();	/* the row's error column says it */
	int st = crm_pay_contract(im->ctx, arg, c);
	crm_warn_release(false);
	if (st == CRM_EX_NOTFOUND) {
		snprintf(why, PAY_WHY, "no such contract '%s'", arg);
		return EX_DATAERR;
	}
	if (st == EX_NOPERM) {
		snprintf(why, PAY_WHY, "permission denied: contract '%s' is not visible to '%s'", arg,
			 im->ctx->actor.login);
		return EX_DATAERR;
	}
	if (st)
		return st;
	return crm_pay_may_write(im->ctx, c, why) ? EX_DATAERR : 0;
}

static int row_apply(struct imp *im, int type, char why[PAY_WHY])
{
	struct crm_contract c;
	char on[CRM_DATE_LEN];
	int64_t amount, id, days;
	int st;
	const char *a = cell(im, C_AMOUNT);
	if ((st = row_contract(im, &c, why)))
		return st;
	if (crm_pay_amount_why(a ? a : "", &amount, why))
		return EX_DATAERR;
	if (type == 0) {
		const char *due = row_date(im, C_DUE);
		if (!due || crm_date_days(due, &days)) {
			snprintf(why, PAY_WHY, "invalid due_on '%s'", due ? due : "");
			return EX_DATAERR;
		}
		return crm_pay_instalment_add(im->ctx, &c, due, amount, why);
	}
	const char *date = row_date(im, type == 1 ? C_PAID : C_ISSUED);
	if (!date) {
		snprintf(why, PAY_WHY, "missing %s", type == 1 ? "paid_on" : "issued_on");
		return EX_DATAERR;
	}
	if (crm_pay_past_date(im->ctx, date, type == 1 ? "payment" : "invoice", on, why) ||
	    crm_pay_contract_live(&c, why))
		return EX_DATAERR;
	if (type == 1) {
		struct crm_pay_record_in in = {
			.method = cell(im, C_METHOD), .reference = cell(im, C_REF), .note = cell(im, C_NOTE),
		};
		return crm_pay_payment_write(im->ctx, &c, &in, amount, on, &id, why);
	}
	struct crm_pay_invoice_in in = {
		.number = cell(im, C_NUMBER), .kind = cell(im, C_KIND), .note = cell(im, C_NOTE),
	};
	if (!in.number) {
		snprintf(why, PAY_WHY, "missing number");
		return EX_DATAERR;
	}
	if (in.kind && strcmp(in.kind, "normal") && strcmp(in.kind, "special")) {
		snprintf(why, PAY_WHY, "invalid kind '%s' (normal, special)", in.kind);
		return EX_DATAERR;
	}
	return crm_pay_invoice_write(im->ctx, &c, &in, amount, on, why);
}

static int run(struct imp *im, struct crm_rejects *rj)
{
	char why[PAY_WHY];
	int rc;
	while ((rc = crm_rows_next(im->rows)) != 0) {
		int st;
		if (rc < 0) {
			if ((st = -rc) != EX_DATAERR)
				return st;
			crm_reject(rj, im->rows, NULL);
			continue;
		}
		const char *t = cell(im, C_TYPE);
		int type = -1;
		for (int i = 0; t && i < 3; i++)
			if (!strcmp(t, types[i]))
				type = i;
		if (type < 0) {
			snprintf(why, PAY_WHY, "invalid type '%s' (instalment, payment, invoice)",
				 t ? t : "");
			st = EX_DATAERR;
		} else {
			st = row_apply(im, type, why);
		}
		if (st == EX_DATAERR) {
			crm_reject(rj, im->rows, why);
			continue;
		}
		if (st)
			return st;
		im->done[type]++;
	}
	return crm_rejects_status(rj);
}

static void print_counts(const struct imp *im, FILE *out)
{
	struct crm_out *o = crm_out_new(out, im->ctx->opts->format, !im->ctx->opts->no_header);
	crm_out_col(o, "type", CRM_COL_TEXT);
	crm_out_col(o, "imported", CRM_COL_INT);
	for (int i = 0; i < 3; i++) {
		char n[24];
		snprintf(n, sizeof n, "%ld", im->done[i]);
		crm_out_row(o, (const char *[]){ types[i], n });
	}
	crm_out_end(o);
}

int crm_pay_import(struct crm_ctx *ctx, const char *path, bool skip_bad, const char *reject,
		   FILE *out)
{
	struct imp im = {.ctx = ctx};
	struct crm_rejects rj;
	char *files[] = {(char *)path};
	int st;
	if ((st = crm_rejects_open(&rj, ctx, skip_bad, reject, files, 1)))
		return st;
	if (!(im.rows = crm_rows_open(path, CRM_ROWS_GUESS, &st)))
		return crm_rejects_close(&rj, st);
	for (int i = 0; i < NCOLS; i++)
		im.col[i] = crm_rows_col(im.rows, col_names[i]);
	for (int i = 0; i < 3 && !st; i++) {
		if (im.col[i] < 0) {
			crm_warn("%s: missing column '%s'", crm_rows_name(im.rows), col_names[i]);
			st = EX_DATAERR;
		}
	}
	if (!st && !(st = crm_db_begin(ctx->db))) {
		st = run(&im, &rj);
		st = crm_ctx_end(ctx, crm_rejects_save(&rj, st));
	}
	if (!st && out)
		print_counts(&im, out);
	crm_rows_close(im.rows);
	return crm_rejects_close(&rj, st);
}
