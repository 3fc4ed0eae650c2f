/* lines.h: the line items of quotes, contracts and orders (the doc_lines
 * table) and the one rule of their arithmetic, so that a quote, the
 * contract made from it and its orders add up the same way.
 *
 * Quantities are thousandths (2.5 => 2500), rates basis points (13% =>
 * 1300), money cents.  Per line, each step rounded half up to the cent:
 *   net   = qty * unit_price * (1 - discount)
 *   tax   = net * tax_rate
 *   total = net + tax
 * and a document's net, tax and total are the sums of its lines'. */
#ifndef CRM_LINES_H
#define CRM_LINES_H

#include <stddef.h>
#include <stdint.h>

#define CRM_QTY_SCALE 1000
#define CRM_RATE_SCALE 10000
#define CRM_QTY_LEN 32
#define CRM_LINE_MAX_QTY 1000000000000LL	/* a billion units */
#define CRM_LINE_MAX_PRICE 1000000000000000LL	/* ten trillion a unit */
#define CRM_RATE_LEN 16

struct crm_db;
struct crm_out;

struct crm_line {
	int64_t id;		/* doc_lines.id once stored */
	int line_no;
	int64_t product_id;	/* 0: a line of free text */
	char *sku;		/* the product's, when loaded; NULL otherwise */
	char *description;
	char *unit;		/* NULL: none */
	int64_t qty;
	int64_t unit_price;
	int discount;
	int tax_rate;
	int64_t net, tax, total;	/* crm_line_compute */
	int64_t delivered;	/* orders: thousandths delivered */
	int64_t source_line;	/* the line it was copied from, 0 none */
};

/* Fill net, tax and total; -1 when a value is out of range (qty above
 * CRM_LINE_MAX_QTY, price above CRM_LINE_MAX_PRICE, rates above 100%). */
int crm_line_compute(struct crm_line *l);
/* Sum the lines into *net, *tax, *total; -1 on overflow. */
int crm_lines_sum(const struct crm_line *l, size_t n, int64_t *net, int64_t *tax,
		  int64_t *total);

/* "2", "2.5", "0.125" => thousandths, > 0; -1 when malformed, zero,
 * negative or with more than three decimals. */
int crm_qty_parse(const char *s, int64_t *qty);
void crm_qty_format(int64_t qty, char out[CRM_QTY_LEN]);	/* "2.5", "2" */
/* A rate as a percentage "13%", "6.5%" or a fraction "0.13" (as TSV
 * writes it), 0..100% => basis points; -1 otherwise (a bare "13" too: it
 * would be 1300%). */
int crm_rate_parse(const char *s, int *bp);
void crm_rate_format(int bp, char out[CRM_RATE_LEN]);	/* "0.1300" */

/* Store n lines of doc ("quote", "contract", "order") doc_id numbered
 * from 1 in their order, ids into l[i].id; inside the caller's
 * transaction.  0 or an exit status after reporting. */
int crm_lines_insert(struct crm_db *db, const char *doc, int64_t doc_id, struct crm_line *l,
		     size_t n);
/* The lines of doc doc_id in order (with the products' skus) into a
 * malloc'd array; 0 or an exit status after reporting. */
int crm_lines_load(struct crm_db *db, const char *doc, int64_t doc_id, struct crm_line **out,
		   size_t *n);
void crm_lines_free(struct crm_line *l, size_t n);
/* Delete the lines of doc doc_id (a draft's, before storing new ones). */
int crm_lines_delete(struct crm_db *db, const char *doc, int64_t doc_id);

/* Columns of a line as TSV and their kinds: line, sku, description, unit,
 * qty, unit_price, discount, tax_rate, net, tax, total. */
void crm_lines_header(struct crm_out *o);
void crm_lines_row(struct crm_out *o, const struct crm_line *l);

#endif
