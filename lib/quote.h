/* quote.h: quotes on deals (crm-quote): a numbered, versioned document with
 * lines (lines.h, doc 'quote'), totals kept on the quote, a validity date,
 * status draft -> sent -> accepted / rejected / expired (superseded when a
 * later version is sent or accepted), and the approval of a discount above
 * its ceiling.  quote.c the header and its life, quote_line.c the lines,
 * quote_render.c the HTML and PDF documents (the one module linking cairo
 * and pango).  Visibility is the deal's: a quote is owned by its deal's
 * owner. */
#ifndef CRM_QUOTE_H
#define CRM_QUOTE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"
#include "lines.h"

struct crm_out;

/* A quote's header as stored. */
struct crm_quote {
	int64_t id, deal_id, account_id, contact_id, owner_id;
	char *number, *status, *approval, *currency, *valid_until, *terms;	/* approval NULL: none */
	int version;
	int64_t net, tax, total;
	char *created_at;
};

/* Quote id into q when the actor may see it (free with crm_quote_clear):
 * 0, or 1 after "no such quote ID" for a missing and an invisible one. */
int crm_quote_load(struct crm_ctx *ctx, int64_t id, struct crm_quote *q);
void crm_quote_clear(struct crm_quote *q);

/* ---- commands: one transaction each, -n honoured ---- */

struct crm_quote_new {
	int64_t deal_id;
	const char *valid_until;	/* YYYY-MM-DD; NULL = now + quotes.valid_for */
	const char *terms;
};
int crm_quote_create(struct crm_ctx *ctx, const struct crm_quote_new *n, FILE *out);

/* A line as given: product (sku or id) or description, and the texts of
 * qty (NULL = 1), price, discount and tax (NULL = the product's, or none). */
struct crm_quote_line_in {
	const char *product, *description, *qty, *price, *discount, *tax;
};
/* Add lines to draft id (all or nothing); print its lines. */
int crm_quote_add_lines(struct crm_ctx *ctx, int64_t id, const struct crm_quote_line_in *in,
			size_t n, FILE *out);
/* The same from TSV on in: columns sku or description, and qty,
 * unit_price, discount, tax_rate (each optional); every bad row reported. */
int crm_quote_lines_tsv(struct crm_ctx *ctx, int64_t id, FILE *in, const char *name, FILE *out);
int crm_quote_remove_line(struct crm_ctx *ctx, int64_t id, int line_no, FILE *out);

struct crm_quote_filter {
	int64_t deal, account;		/* 0 = any */
	const char *status, *owner;	/* NULL = any */
};
int crm_quote_list(struct crm_ctx *ctx, const struct crm_quote_filter *f, FILE *out);
/* "# quote" (field, value), "# lines", "# totals"; -f table without the #. */
int crm_quote_show(struct crm_ctx *ctx, int64_t id, FILE *out);

enum crm_quote_act { CRM_QUOTE_SEND, CRM_QUOTE_ACCEPT, CRM_QUOTE_REJECT };
/* send: a draft with lines and no pending or refused discount; accept: a
 * sent quote still valid, the deal's amount set to its total (audited as
 * crm-stage update) and its other versions superseded; reject: a sent one,
 * with reason (NULL = none). */
int crm_quote_decide(struct crm_ctx *ctx, int64_t id, enum crm_quote_act act, const char *reason,
		     FILE *out);
/* Every sent quote the actor sees whose valid_until is before today:
 * expired, printed (id, number, version, valid_until). */
int crm_quote_expire(struct crm_ctx *ctx, FILE *out);
/* Version N+1 of quote id's number as a draft with its lines copied. */
int crm_quote_revise(struct crm_ctx *ctx, int64_t id, FILE *out);
/* Decide a pending discount: approve or refuse, by an approver of
 * quotes.discount_approvers (others 77, nothing written). */
int crm_quote_approve(struct crm_ctx *ctx, int64_t id, bool approve, const char *comment,
		      FILE *out);

/* For the 360-degree view (account_show.c): the quotes of account_id the
 * actor may see, columns id, number, version, status, approval, currency,
 * total, valid_until, owner; it declares them on o.  table is the
 * section's (unused).  0 or an exit status after reporting. */
int crm_quote_account_section(struct crm_ctx *ctx, int64_t account_id, bool table,
			      struct crm_out *o);

/* ---- quote_render.c ---- */

enum crm_render_kind { CRM_RENDER_HTML, CRM_RENDER_PDF };
/* Render quote id into the output file path (outfile.h rules: never the
 * database, a symbolic link, or an existing file without force). */
int crm_quote_render(struct crm_ctx *ctx, int64_t id, enum crm_render_kind kind,
		     const char *path, bool force);

/* Template substitution (quote_render.c): {{name}} is the value of name
 * HTML-escaped, {{#lines}}...{{/lines}} repeats its text once per line
 * with the line's names; an unknown name is empty.  get(name, row, data)
 * returns a value (NULL = empty); row -1 outside the lines.  Returns the
 * malloc'd text, or NULL with *why for an unclosed block or tag. */
typedef const char *crm_tmpl_get(const char *name, int row, void *data);
char *crm_template_fill(const char *tmpl, int nrows, crm_tmpl_get *get, void *data,
			const char **why);
/* s HTML-escaped (& < > " ') appended to b. */
struct crm_buf;
void crm_html_escape(struct crm_buf *b, const char *s);

/* ---- shared by quote*.c ---- */

/* Recompute the lines' totals and the approval of quote q (draft) after a
 * change of its lines, writing lines, totals and audit rows. */
int crm_quote_store_lines(struct crm_ctx *ctx, struct crm_quote *q, struct crm_line *l, size_t n);

#endif
