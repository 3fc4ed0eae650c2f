/* product.c: the catalogue as a kind of record, its quantity tiers and the
 * look-ups of quote lines.  Products have no owner: every actor reads them
 * (list and show here, not the engine's, which hides unowned records from
 * reps), and the writers are checked for a manager's role up front. */
#include <ctype.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "lines.h"
#include "money.h"
#include "product.h"

enum { PF_SKU, PF_NAME, PF_UNIT, PF_PRICE, PF_CURRENCY, PF_TAX, PF_MAXDISC, PF_ACTIVE, PF_NOTES };

static const char *sku_why(const struct crm_config *cfg, const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if (*p <= ' ' || *p == 0x7f)
			return "invalid sku (no spaces or control characters)";
	return NULL;
}

static const char *currency_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
				  const char **why)
{
	size_t len = strlen(v);
	if (len != 3 || n < 4) {
		*why = "invalid currency (three letters, e.g. CNY)";
		return NULL;
	}
	for (size_t i = 0; i < 3; i++) {
		if (!isalpha((unsigned char)v[i])) {
			*why = "invalid currency (three letters, e.g. CNY)";
			return NULL;
		}
		buf[i] = (char)toupper((unsigned char)v[i]);
	}
	buf[3] = '\0';
	return buf;
}

/* "13%" or "0.13" as basis points, the form the column keeps. */
static const char *rate_canon(struct crm_ctx *ctx, const char *v, char *buf, size_t n,
			      const char **why)
{
	int bp;
	if (crm_rate_parse(v, &bp)) {
		*why = "invalid rate (13% or 0.13)";
		return NULL;
	}
	snprintf(buf, n, "%d", bp);
	return buf;
}

static const char *active_why(const struct crm_config *cfg, const char *v)
{
	return strcmp(v, "0") && strcmp(v, "1") ? "invalid active (0 or 1)" : NULL;
}

static const struct crm_field fields[] = {
	[PF_SKU] = {"sku", "sku", CRM_FK_TEXT, 64, .required = true, .check = sku_why},
	[PF_NAME] = {"name", "name", CRM_FK_TEXT, 300, .required = true},
	[PF_UNIT] = {"unit", "unit", CRM_FK_TEXT, 32},
	[PF_PRICE] = {"price", "price", CRM_FK_MONEY, 30},
	[PF_CURRENCY] = {"currency", "currency", CRM_FK_TEXT, 3, .required = true,
			 .canon = currency_canon},
	[PF_TAX] = {"tax_rate", "tax_rate", CRM_FK_INT, 16, .required = true, .canon = rate_canon},
	[PF_MAXDISC] = {"max_discount", "max_discount", CRM_FK_TEXT, 16, .canon = rate_canon},
	[PF_ACTIVE] = {"active", "active", CRM_FK_INT, 1, .required = true, .check = active_why},
	[PF_NOTES] = {"notes", "notes", CRM_FK_TEXT, 65536},
};

static const struct crm_dupkey keys[] = {{"name", "name_norm", CRM_KEY_NAME}};

static const struct crm_col cols[] = {
	{"id", "t.id", .listed = true}, {"sku", "t.sku", .listed = true},
	{"name", "t.name", .listed = true}, {"unit", "t.unit", .listed = true},
	{"price", "t.price", .listed = true}, {"currency", "t.currency", .listed = true},
	{"tax_rate", "t.tax_rate", .listed = true}, {"max_discount", "t.max_discount", .listed = true},
	{"active", "t.active", .listed = true}, {"notes", "t.notes", .listed = false},
};

static int64_t sku_id(struct crm_ctx *ctx, const char *sku)
{
	static const char sql[] = "SELECT id FROM products WHERE sku = ?1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int64_t id = 0;
	if (!s || !sku)
		return 0;
	crm_bind_str(s, 1, sku);
	if (crm_step(s) == CRM_ROW)
		id = crm_col_int(s, 0);
	crm_stmt_reset(s);
	return id;
}

static const char *value(const struct crm_rec *r, int h)
{
	const char *v = crm_rec_get(r, h);
	return v ? v : "";
}

/* Defaults from the config, the required fields and a unique sku. */
static int check_new(struct crm_rec *r)
{
	struct crm_ctx *ctx = crm_rec_ctx(r);
	char bp[CRM_RATE_LEN];
	if (!*value(r, PF_SKU))
		return crm_rec_refuse(r, "a product needs a sku");
	if (!*value(r, PF_NAME))
		return crm_rec_refuse(r, "product '%s' needs a name", value(r, PF_SKU));
	if (sku_id(ctx, value(r, PF_SKU)))
		return crm_rec_refuse(r, "sku '%s' is already in the catalogue", value(r, PF_SKU));
	crm_rate_format(ctx->cfg->sales.tax_rate, bp);
	if (!*value(r, PF_CURRENCY) && crm_rec_put(r, PF_CURRENCY, ctx->cfg->currency))
		return EX_DATAERR;
	if (!*value(r, PF_TAX))
		crm_rec_put(r, PF_TAX, bp);
	if (!*value(r, PF_ACTIVE))
		crm_rec_put(r, PF_ACTIVE, "1");
	if (!*value(r, PF_PRICE))
		crm_rec_put(r, PF_PRICE, "0");
	for (size_t i = 0; i < ctx->cfg->ncustom_fields; i++) {
		const struct crm_custom_field *cf = &ctx->cfg->custom_fields[i];
		if (cf->required && strcmp(cf->entity, "product") == 0 &&
		    !*value(r, crm_rec_field(r, cf->name)))
			return crm_rec_refuse(r, "missing required field '%s'", cf->name);
	}
	return 0;
}

static int changing(struct crm_rec *chg, const struct crm_rec *cur, int64_t id)
{
	const char *sku = crm_rec_get(chg, PF_SKU);
	int64_t other = sku ? sku_id(crm_rec_ctx(chg), sku) : 0;
	if (other && other != id) {
		crm_warn("sku '%s' is already in the catalogue", sku);
		return EX_DATAERR;
	}
	return 0;
}

static int64_t import_dup(struct crm_rec *r, const char **key)
{
	*key = "sku";
	return sku_id(crm_rec_ctx(r), crm_rec_get(r, PF_SKU));
}

const struct crm_kind crm_product_kind = {
	.entity = "product",
	.table = "products",
	.fields = fields,
	.nfields = (int)(sizeof fields / sizeof fields[0]),
	.cols = cols,
	.ncols = (int)(sizeof cols / sizeof cols[0]),
	.keys = keys,
	.nkeys = (int)(sizeof keys / sizeof keys[0]),
	.one_of = (const char *const[]){"sku", NULL},
	.check_new = check_new,
	.changing = changing,
	.import_dup = import_dup,
};

/* ---- look-ups ---- */

int64_t crm_product_find(struct crm_ctx *ctx, const char *ref)
{
	static const char sql[] = "SELECT id FROM products WHERE id = ?1";
	int64_t id = sku_id(ctx, ref);
	if (id || !ref || !*ref || strspn(ref, "0123456789") != strlen(ref) || strlen(ref) > 18)
		return id;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return 0;
	crm_bind_int(s, 1, strtoll(ref, NULL, 10));
	if (crm_step(s) == CRM_ROW)
		id = crm_col_int(s, 0);
	crm_stmt_reset(s);
	return id;
}

static char *dup_or_null(const char *s) { return s ? crm_xstrdup(s) : NULL; }

int crm_product_load(struct crm_ctx *ctx, int64_t id, struct crm_product *p)
{
	static const char sql[] =
		"SELECT id, sku, name, unit, price, currency, tax_rate, max_discount, active"
		" FROM products WHERE id = ?1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	memset(p, 0, sizeof *p);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	int rc = crm_step(s);
	if (rc == CRM_ROW) {
		p->id = crm_col_int(s, 0);
		p->sku = crm_xstrdup(crm_col_text(s, 1));
		p->name = crm_xstrdup(crm_col_text(s, 2));
		p->unit = dup_or_null(crm_col_str(s, 3));
		p->price = crm_col_int(s, 4);
		p->currency = crm_xstrdup(crm_col_text(s, 5));
		p->tax_rate = (int)crm_col_int(s, 6);
		p->max_discount = crm_col_null(s, 7) ? -1 : (int)crm_col_int(s, 7);
		p->active = crm_col_int(s, 8) != 0;
	}
	crm_stmt_reset(s);
	if (rc == CRM_ROW)
		return 0;
	return rc == CRM_DONE ? CRM_EX_NOTFOUND : crm_db_fail(ctx->db, "cannot read product");
}

void crm_product_clear(struct crm_product *p)
{
	free(p->sku);
	free(p->name);
	free(p->unit);
	free(p->currency);
	memset(p, 0, sizeof *p);
}

int crm_product_price_for(struct crm_ctx *ctx, const struct crm_product *p, int64_t qty,
			  int64_t *price)
{
	static const char sql[] =
		"SELECT price FROM product_prices WHERE product_id = ?1 AND min_qty <= ?2"
		" ORDER BY min_qty DESC LIMIT 1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, p->id);
	crm_bind_int(s, 2, qty);
	int rc = crm_step(s);
	*price = rc == CRM_ROW ? crm_col_int(s, 0) : p->price;
	crm_stmt_reset(s);
	return rc == CRM_ROW || rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read price tiers");
}

int crm_product_ceiling(struct crm_ctx *ctx, int64_t product_id)
{
	static const char sql[] = "SELECT max_discount FROM products WHERE id = ?1";
	int ceiling = ctx->cfg->sales.max_discount;
	struct crm_stmt *s = product_id ? crm_db_stmt(ctx->db, sql) : NULL;
	if (!s)
		return ceiling;
	crm_bind_int(s, 1, product_id);
	if (crm_step(s) == CRM_ROW && !crm_col_null(s, 0))
		ceiling = (int)crm_col_int(s, 0);
	crm_stmt_reset(s);
	return ceiling;
}

/* ---- commands ---- */

static int writer(struct crm_ctx *ctx)
{
	return crm_ctx_require_manager(ctx, "change the catalogue");
}

static int print_one(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out);

int crm_product_add(struct crm_ctx *ctx, struct crm_rec *r, FILE *out)
{
	int64_t id = 0;
	int st;
	if ((st = writer(ctx)))
		return st;
	if (crm_rec_check_new(r)) {
		crm_warn("%s", crm_rec_error(r));
		return EX_DATAERR;
	}
	if ((st = crm_db_begin(ctx->db)))
		return st;
	st = crm_rec_insert(r, false, true, &id);
	return crm_ctx_end_print(ctx, st, print_one, &id, 1, out);
}

int crm_product_update(struct crm_ctx *ctx, int64_t id, struct crm_rec *r, FILE *out)
{
	int st = writer(ctx);
	return st ? st : crm_rec_update(ctx, id, r, out);
}

int crm_product_update_tsv(struct crm_ctx *ctx, FILE *in, const char *name, FILE *out)
{
	int st = writer(ctx);
	return st ? st : crm_rec_update_tsv(ctx, &crm_product_kind, in, name, out);
}

int crm_product_import(struct crm_ctx *ctx, const struct crm_rec_import_opts *o, char **files,
		       int nfiles, FILE *out)
{
	int st = writer(ctx);
	return st ? st : crm_rec_import(ctx, &crm_product_kind, o, files, nfiles, out);
}

static const struct {
	const char *name;
	enum crm_col_kind kind;
} list_cols[] = {
	{"id", CRM_COL_INT}, {"sku", CRM_COL_TEXT}, {"name", CRM_COL_TEXT},
	{"unit", CRM_COL_TEXT}, {"price", CRM_COL_MONEY}, {"currency", CRM_COL_TEXT},
	{"tax_rate", CRM_COL_RATE}, {"max_discount", CRM_COL_RATE}, {"active", CRM_COL_NUM},
	{"notes", CRM_COL_TEXT},
};
#define NLIST (sizeof list_cols / sizeof list_cols[0])

#define PRODUCT_COLS "p.id, p.sku, p.name, p.unit, p.price, p.currency, p.tax_rate," \
	" p.max_discount, p.active, p.notes FROM products p"

/* One product row of s as list prints it. */
static void put_row(struct crm_stmt *s, struct crm_out *o)
{
	char price[CRM_MONEY_LEN], tax[CRM_RATE_LEN], disc[CRM_RATE_LEN];
	crm_money_format(crm_col_int(s, 4), price);
	crm_rate_format((int)crm_col_int(s, 6), tax);
	if (!crm_col_null(s, 7))
		crm_rate_format((int)crm_col_int(s, 7), disc);
	const char *row[NLIST] = {
		crm_col_str(s, 0), crm_col_str(s, 1), crm_col_str(s, 2), crm_col_str(s, 3), price,
		crm_col_str(s, 5), tax, crm_col_null(s, 7) ? NULL : disc, crm_col_str(s, 8),
		crm_col_str(s, 9),
	};
	crm_out_row(o, row);
}

static int list_where(struct crm_ctx *ctx, const char *sql, const struct crm_product_filter *f,
		      int64_t id, FILE *out)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	struct crm_out *o;
	int rc;
	if (!s)
		return EX_SOFTWARE;
	if (id)
		crm_bind_int(s, 1, id);
	else
		crm_bind_int(s, 1, f->all);
	o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	for (size_t i = 0; i < NLIST; i++)
		crm_out_col(o, list_cols[i].name, list_cols[i].kind);
	/* the search matches bytes, in C: the same on every engine */
	while ((rc = crm_step(s)) == CRM_ROW)
		if (!f || !f->search || strstr(crm_col_text(s, 1), f->search) ||
		    strstr(crm_col_text(s, 2), f->search))
			put_row(s, o);
	crm_stmt_reset(s);
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot list products");
}

int crm_product_list(struct crm_ctx *ctx, const struct crm_product_filter *f, FILE *out)
{
	static const char sql[] =
		"SELECT " PRODUCT_COLS " WHERE (?1 = 1 OR p.active = 1) ORDER BY p.sku";
	return list_where(ctx, sql, f, 0, out);
}

static int print_one(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	static const char sql[] = "SELECT " PRODUCT_COLS " WHERE p.id = ?1";
	return list_where(ctx, sql, NULL, ids[0], out);
}

static int print_tiers(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	static const char sql[] =
		"SELECT min_qty, price FROM product_prices WHERE product_id = ?1 ORDER BY min_qty";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int rc;
	if (!s)
		return EX_SOFTWARE;
	struct crm_out *o = crm_out_new(out, ctx->opts->format,
					ctx->opts->format == CRM_FMT_TABLE || !ctx->opts->no_header);
	crm_out_col(o, "min_qty", CRM_COL_NUM);
	crm_out_col(o, "price", CRM_COL_MONEY);
	crm_bind_int(s, 1, id);
	while ((rc = crm_step(s)) == CRM_ROW) {
		char qty[CRM_QTY_LEN], price[CRM_MONEY_LEN];
		crm_qty_format(crm_col_int(s, 0), qty);
		crm_money_format(crm_col_int(s, 1), price);
		const char *row[] = {qty, price};
		crm_out_row(o, row);
	}
	crm_stmt_reset(s);
	crm_out_end(o);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read price tiers");
}

int crm_product_show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	static const char sql[] = "SELECT " PRODUCT_COLS " WHERE p.id = ?1";
	bool table = ctx->opts->format == CRM_FMT_TABLE;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int rc, st;
	if (!s)
		return EX_SOFTWARE;
	crm_bind_int(s, 1, id);
	if ((rc = crm_step(s)) != CRM_ROW) {
		crm_stmt_reset(s);
		if (rc != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot read product");
		crm_warn("no such product %lld", (long long)id);
		return CRM_EX_NOTFOUND;
	}
	fprintf(out, "%s", table ? "" : "# product\n");
	struct crm_out *o = crm_out_new(out, ctx->opts->format, table || !ctx->opts->no_header);
	crm_out_col(o, "field", CRM_COL_TEXT);
	crm_out_col(o, "value", CRM_COL_TEXT);
	char price[CRM_MONEY_LEN], tax[CRM_RATE_LEN], disc[CRM_RATE_LEN];
	crm_money_format(crm_col_int(s, 4), price);
	crm_rate_format((int)crm_col_int(s, 6), tax);
	crm_rate_format(crm_col_null(s, 7) ? ctx->cfg->sales.max_discount : (int)crm_col_int(s, 7),
			disc);
	const char *v[NLIST] = {
		crm_col_str(s, 0), crm_col_str(s, 1), crm_col_str(s, 2), crm_col_str(s, 3), price,
		crm_col_str(s, 5), tax, disc, crm_col_str(s, 8), crm_col_str(s, 9),
	};
	for (size_t i = 0; i < NLIST; i++) {
		const char *row[] = {list_cols[i].name, v[i]};
		crm_out_row(o, row);
	}
	crm_stmt_reset(s);
	crm_out_end(o);
	fprintf(out, "\n%stiers\n", table ? "" : "# ");
	st = print_tiers(ctx, id, out);
	return st;
}

int crm_product_set_tier(struct crm_ctx *ctx, int64_t id, int64_t min_qty, int64_t price,
			 bool clear, FILE *out)
{
	static const char old_sql[] =
		"SELECT min_qty, price FROM product_prices WHERE product_id = ?1"
		" AND (?2 = 0 OR min_qty = ?2) ORDER BY min_qty";
	static const char del_sql[] =
		"DELETE FROM product_prices WHERE product_id = ?1 AND (?2 = 0 OR min_qty = ?2)";
	static const char set_sql[] =
		"INSERT INTO product_prices (product_id, min_qty, price) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (product_id, min_qty) DO UPDATE SET price = excluded.price";
	char field[64], oldv[CRM_MONEY_LEN], newv[CRM_MONEY_LEN], qty[CRM_QTY_LEN];
	int st, rc;
	if ((st = writer(ctx)) || (st = crm_db_begin(ctx->db)))
		return st;
	/* the tiers replaced or removed, each an audit row */
	struct crm_stmt *s = crm_db_stmt(ctx->db, old_sql);
	if (!s)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_bind_int(s, 1, id);
	crm_bind_int(s, 2, min_qty);
	bool had = false;
	while (!st && (rc = crm_step(s)) == CRM_ROW) {
		had = true;
		crm_qty_format(crm_col_int(s, 0), qty);
		crm_money_format(crm_col_int(s, 1), oldv);
		snprintf(field, sizeof field, "tier %s", qty);
		if (clear)
			st = crm_audit_write(ctx->db, "product", id, "price", field, oldv, NULL);
		else if (crm_col_int(s, 1) != price) {
			crm_money_format(price, newv);
			st = crm_audit_write(ctx->db, "product", id, "price", field, oldv, newv);
		}
	}
	crm_stmt_reset(s);
	if (st)
		return crm_ctx_end(ctx, st);
	if (clear && !had && min_qty) {
		crm_qty_format(min_qty, qty);
		crm_warn("product %lld has no tier from %s", (long long)id, qty);
		return crm_ctx_end(ctx, CRM_EX_NOTFOUND);
	}
	if (!clear && !had) {
		crm_qty_format(min_qty, qty);
		crm_money_format(price, newv);
		snprintf(field, sizeof field, "tier %s", qty);
		if ((st = crm_audit_write(ctx->db, "product", id, "price", field, NULL, newv)))
			return crm_ctx_end(ctx, st);
	}
	s = crm_db_stmt(ctx->db, clear ? del_sql : set_sql);
	if (!s)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_bind_int(s, 1, id);
	crm_bind_int(s, 2, min_qty);
	if (!clear)
		crm_bind_int(s, 3, price);
	rc = crm_step(s);
	crm_stmt_reset(s);
	st = rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot store the price tier");
	if ((st = crm_ctx_end(ctx, st)))
		return st;
	return print_tiers(ctx, id, out);
}
