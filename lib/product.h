/* product.h: the catalogue (crm-product): products as a kind of the record
 * engine (sku, name, unit, list price, currency, tax rate, discount
 * ceiling, active), their quantity tiers (product_prices), and the look-ups
 * quotes make.  Everyone reads the catalogue; only managers and admins
 * write it.  A product is named by its sku or its id. */
#ifndef CRM_PRODUCT_H
#define CRM_PRODUCT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "record.h"

extern const struct crm_kind crm_product_kind;

struct crm_product {
	int64_t id;
	char *sku, *name, *unit, *currency;	/* unit NULL: none */
	int64_t price;				/* list price, cents */
	int tax_rate;				/* basis points */
	int max_discount;			/* basis points; -1: the config's */
	bool active;
};

/* The id of the product ref names: its sku, else (all digits) its id; 0
 * when there is none.  Reports nothing. */
int64_t crm_product_find(struct crm_ctx *ctx, const char *ref);
/* Product id into p (free with crm_product_clear); 0, or 1 when missing. */
int crm_product_load(struct crm_ctx *ctx, int64_t id, struct crm_product *p);
void crm_product_clear(struct crm_product *p);
/* The unit price of qty (thousandths) of product p: the price of the
 * highest tier whose min_qty is at most qty, else the list price.  0 or
 * an exit status after reporting. */
int crm_product_price_for(struct crm_ctx *ctx, const struct crm_product *p, int64_t qty,
			  int64_t *price);
/* The discount ceiling of a line of product id (0: free text): the
 * product's max_discount, else the config's quotes max_discount. */
int crm_product_ceiling(struct crm_ctx *ctx, int64_t product_id);

/* ---- commands: one transaction each, -n honoured; writers need a
 * manager or an admin (77) ---- */

/* Add r and print it as list does. */
int crm_product_add(struct crm_ctx *ctx, struct crm_rec *r, FILE *out);
int crm_product_update(struct crm_ctx *ctx, int64_t id, struct crm_rec *r, FILE *out);
/* TSV on in: an id (or sku) column plus field columns. */
int crm_product_update_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out);
int crm_product_import(struct crm_ctx *ctx, const struct crm_rec_import_opts *o, char **files,
		       int nfiles, FILE *out);

struct crm_product_filter {
	bool all;		/* inactive ones too */
	const char *search;	/* in sku or name */
};
/* Columns id, sku, name, unit, price, currency, tax_rate, max_discount
 * (empty: the config's), active, notes. */
int crm_product_list(struct crm_ctx *ctx, const struct crm_product_filter *f, FILE *out);
/* The product vertically (field, value), then "# tiers" (min_qty, price). */
int crm_product_show(struct crm_ctx *ctx, int64_t id, FILE *out);
/* Set the tier of product id from min_qty (thousandths) on to price
 * (cents); clear: remove that tier (min_qty 0: every tier). */
int crm_product_set_tier(struct crm_ctx *ctx, int64_t id, int64_t min_qty, int64_t price,
			 bool clear, FILE *out);

#endif
