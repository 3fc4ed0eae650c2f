/* pay_int.h: what the pay*.c modules share and nobody else uses: the
 * contract a command is about, with the recorders' exception to
 * visibility, and dates given on the command line. */
#ifndef CRM_PAY_INT_H
#define CRM_PAY_INT_H

#include "contract.h"
#include "pay.h"

/* Is the actor one of cfg->sales.payment_recorders (a login, or an
 * approver group that lists the actor's login)? */
bool crm_pay_is_recorder(struct crm_ctx *ctx);
/* SQL: the actor may see contract c.owner_id here (:recorder bound 1 for
 * a recorder, with the :actor_* of crm_ctx_bind_actor). */
#define PAY_SQL_VISIBLE \
	"(:recorder = 1 OR " CRM_SQL_VISIBLE_OWNED("c.owner_id") ")"
void crm_pay_bind_actor(struct crm_ctx *ctx, struct crm_stmt *st);

/* Find and load the contract arg names (number or id): 0, 1 after "no
 * such contract 'X'", 77 when the actor may not see it (recorders may),
 * or another status. */
int crm_pay_contract(struct crm_ctx *ctx, const char *arg, struct crm_contract *c);
/* Reasons a row or a command is refused, for the caller to report (a
 * message) or to put in a reject file (an import). */
#define PAY_WHY 256
/* 0 when payments and invoices may be taken on c, else 65 with why
 * (draft, pending, rejected, terminated). */
int crm_pay_contract_live(const struct crm_contract *c, char why[PAY_WHY]);
/* 0 when the actor may write c's payments (owner, manager, admin,
 * recorder), else 77 with why. */
int crm_pay_may_write(struct crm_ctx *ctx, const struct crm_contract *c, char why[PAY_WHY]);
/* Insert a payment of amount on date on to c and allocate it, oldest
 * open instalment first (*id the payment's): 0; 65 with why when it is
 * more than the open balance; another status after reporting. */
int crm_pay_payment_write(struct crm_ctx *ctx, const struct crm_contract *c,
			  const struct crm_pay_record_in *in, int64_t amount, const char *on,
			  int64_t *id, char why[PAY_WHY]);
/* Insert an invoice: 0; 65 with why for a number already recorded or a
 * total above the contract's amount; another status after reporting. */
int crm_pay_invoice_write(struct crm_ctx *ctx, const struct crm_contract *c,
			  const struct crm_pay_invoice_in *in, int64_t amount, const char *on,
			  char why[PAY_WHY]);
/* Add one instalment after the contract's others (import): 0; 65 with
 * why for a date before the contract; another status after reporting. */
int crm_pay_instalment_add(struct crm_ctx *ctx, const struct crm_contract *c, const char *due_on,
			   int64_t amount, char why[PAY_WHY]);
/* The local date a contract starts: start_date, else signed_on, else
 * the local date of its creation. */
void crm_pay_contract_date(struct crm_ctx *ctx, const struct crm_contract *c,
			   char out[CRM_DATE_LEN]);

/* An amount argument: 65 after "invalid amount 'x'" (negative, zero...);
 * crm_pay_amount_why the same into why, reporting nothing. */
int crm_pay_amount_arg(const char *s, int64_t *cents);
int crm_pay_amount_why(const char *s, int64_t *cents, char why[PAY_WHY]);
/* The local date of a payment or invoice: on (NULL: today), not in the
 * future; 65 with why. */
int crm_pay_past_date(struct crm_ctx *ctx, const char *on, const char *what,
		      char out[CRM_DATE_LEN], char why[PAY_WHY]);

#endif
