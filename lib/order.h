/* order.h: orders (crm-order(1)) made from an approved, signed or active
 * contract: all of its lines or some of them, in part (several orders a
 * contract, never more of a line than the contract holds), and their
 * delivery: open -> partial -> fulfilled, or cancelled while nothing is
 * delivered.  The orders table and the doc_lines of doc 'order'; an order
 * is its contract owner's, seen as CRM_SQL_VISIBLE_OWNED. */
#ifndef CRM_ORDER_H
#define CRM_ORDER_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "out.h"

/* "N:QTY" as given to --line: line number N of the contract (new) or of
 * the order (deliver), and a quantity. */
struct crm_order_pick {
	int line_no;
	int64_t qty;		/* thousandths */
};
/* 0, or 64 after "invalid --line 'x' (want LINE:QTY)". */
int crm_order_pick_parse(const char *s, struct crm_order_pick *p);

/* A new order of contract which (number or id); no picks: every line's
 * quantity not yet ordered.  Prints id, number, contract, status, net,
 * tax, total, currency. */
int crm_order_new(struct crm_ctx *ctx, const char *contract, const struct crm_order_pick *p,
		  size_t n, FILE *out);

struct crm_order_filter {
	const char *contract, *status, *owner;
};
int crm_order_list(struct crm_ctx *ctx, const struct crm_order_filter *f, FILE *out);
/* The order's fields, then "# lines" with qty and delivered. */
int crm_order_show(struct crm_ctx *ctx, const char *which, FILE *out);
/* Count deliveries (no picks: everything still to deliver); all lines
 * delivered => fulfilled, some => partial. */
int crm_order_deliver(struct crm_ctx *ctx, const char *which, const struct crm_order_pick *p,
		      size_t n, FILE *out);
int crm_order_cancel(struct crm_ctx *ctx, const char *which, FILE *out);

/* The 360 view's section of account_id (who sees the account sees it):
 * id, number, contract, status, total, currency, ordered_on, fulfilled_on,
 * owner.  Columns and rows into o; 0 or a status. */
int crm_order_account_section(struct crm_ctx *ctx, int64_t account_id, struct crm_out *o);

/* A purchase of an account (crm-report clv and churn) is an order that
 * is not cancelled, or a won deal none of whose contracts has such an
 * order: a sale that went on to orders counts through them, not twice.
 * The deal's condition over alias d: */
#define CRM_SQL_DEAL_PURCHASE(d) \
	"(" d ".status = 'won' AND " d ".account_id IS NOT NULL AND " d ".closed_at IS NOT NULL" \
	" AND NOT EXISTS (SELECT 1 FROM contracts pc JOIN orders po ON po.contract_id = pc.id" \
	" WHERE pc.deal_id = " d ".id AND po.status <> 'cancelled'))"

#endif
