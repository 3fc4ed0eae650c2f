/* pay.h: crm-pay(1), what a contract is paid with: the instalment plan
 * (回款计划) made from a config template, percentages or dates and
 * amounts; payments recorded and allocated to the oldest open instalment
 * first; invoices (发票); the import of a migrating team's receivables;
 * and the payments section of the 360-degree view.
 *
 * Who may write: the contract's owner, their manager, an admin, or anyone
 * cfg->sales.payment_recorders names (a login, or an approver group the
 * actor belongs to), also on contracts they do not own.  Those recorders
 * also read every contract's plan, payments and invoices here. */
#ifndef CRM_PAY_H
#define CRM_PAY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

/* The split rule: part i is floor(total * bp[i] / 10000) cents and the
 * last part takes the remainder, so the parts add up to total exactly.
 * 0, or -1 when bp does not add up to 10000 or total is negative. */
int crm_pay_split(int64_t total, const int *bp, size_t n, int64_t *out);
/* Allocation, oldest first: alloc[i] = what of amount goes to the
 * instalment whose open balance is open[i] (in due order).  Returns what
 * is left over (more than all of open together). */
int64_t crm_pay_allocate(int64_t amount, const int64_t *open, size_t n, int64_t *alloc);


/* The date of option opt: YYYY-MM-DD or a relative form ("today", "3d"),
 * as a local date; 65 after "invalid date for --on 'x'". */
int crm_pay_date_arg(struct crm_ctx *ctx, const char *opt, const char *s, char out[CRM_DATE_LEN]);
/* Today's local date. */
void crm_pay_today(struct crm_ctx *ctx, char out[CRM_DATE_LEN]);

struct crm_pay_plan_in {
	const char *contract;		/* number or id */
	const char *order;		/* an order id of the contract: plan its total */
	const char *template_name;	/* --template; all three NULL: default_plan */
	const char *split;		/* "30,60:60,10:90": percent[:after days] */
	const char *const *due;		/* "DATE:AMOUNT" */
	size_t ndue;
};
/* Make (or replace, when none of it is paid) the plan; prints the
 * schedule.  65 for a plan that does not add up, a date before the
 * contract, a paid plan; 64 with no way given and no default_plan. */
int crm_pay_plan(struct crm_ctx *ctx, const struct crm_pay_plan_in *in, FILE *out);
/* seq, due_on, amount, paid, open, status (current, overdue, paid),
 * days_overdue of each instalment of the contract. */
int crm_pay_schedule(struct crm_ctx *ctx, const char *contract, struct crm_out *o);

struct crm_pay_record_in {
	const char *contract, *amount, *on, *method, *reference, *note;
};
/* One payment, allocated oldest instalment first, in one transaction. */
int crm_pay_record(struct crm_ctx *ctx, const struct crm_pay_record_in *in, FILE *out);

struct crm_pay_filter {
	const char *contract, *since, *until, *owner;	/* dates YYYY-MM-DD or relative */
};
int crm_pay_list(struct crm_ctx *ctx, const struct crm_pay_filter *f, struct crm_out *o);

struct crm_pay_invoice_in {
	const char *contract, *number, *amount, *on, *kind, *note;
};
/* An invoice; the contract's invoices may not total more than its amount. */
int crm_pay_invoice(struct crm_ctx *ctx, const struct crm_pay_invoice_in *in, FILE *out);
int crm_pay_invoices(struct crm_ctx *ctx, const struct crm_pay_filter *f, struct crm_out *o);

/* Historical plans, payments and invoices from TSV or CSV (path; "-"
 * stdin), one row each, in file order: a `type` column (instalment,
 * payment, invoice), `contract` (number or id), `amount`, the date
 * (`due_on`, `paid_on`, `issued_on`, or `date` for any) and for an invoice
 * `number`; optional `method`, `reference`, `kind`, `note`.  Every bad row
 * is reported and nothing imported, unless skip_bad: then the good rows
 * are and each bad one goes to the reject file (NULL: stderr) with an
 * `error` column.  Prints the counts (type, imported) unless out is NULL. */
int crm_pay_import(struct crm_ctx *ctx, const char *path, bool skip_bad, const char *reject,
		   FILE *out);

/* Completion (--complete=contracts): the numbers of the contracts the
 * actor may see here, one a line.  0 or a status, nothing reported. */
int crm_pay_complete_contracts(struct crm_ctx *ctx, FILE *out);

/* For the 360-degree view (crm-account show): one row per instalment of
 * the account's contracts (kind instalment: due_on, amount, paid, open,
 * status current/overdue/paid), per invoice (kind invoice), then the
 * lifetime figures: kind collected (all payments received) and kind
 * outstanding (the open balance), one row per currency.  Columns:
 * contract, kind, ref (seq or invoice number), date, currency, amount,
 * paid, open, status.  The caller has checked the account's visibility;
 * contracts the actor may not see are left out.  0 or a status. */
int crm_pay_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o);

#endif
