/* crm-product: the catalogue: products, list prices, tax rates, discount ceilings and quantity tiers */
#include <stdio.h>
#include <string.h>

#include "complete.h"
#include "err.h"
#include "lines.h"
#include "money.h"
#include "opts.h"
#include "product.h"
#include "rows.h"

enum {
	O_FIELD = CRM_OPT_TOOL,	/* + the field's index */
	O_SET = CRM_OPT_TOOL + 16, O_CSV, O_TSV, O_MAP, O_ON_DUP, O_SKIP_BAD, O_REJECT, O_ALL,
	O_SEARCH, O_CLEAR,
};

static const char short_opts[] = CRM_SHORTOPTS;
static const struct option long_opts[] = {
	CRM_LONGOPTS,
	{"sku", required_argument, NULL, O_FIELD + 0},
	{"name", required_argument, NULL, O_FIELD + 1},
	{"unit", required_argument, NULL, O_FIELD + 2},
	{"price", required_argument, NULL, O_FIELD + 3},
	{"currency", required_argument, NULL, O_FIELD + 4},
	{"tax-rate", required_argument, NULL, O_FIELD + 5},
	{"max-discount", required_argument, NULL, O_FIELD + 6},
	{"active", required_argument, NULL, O_FIELD + 7},
	{"notes", required_argument, NULL, O_FIELD + 8},
	{"set", required_argument, NULL, O_SET},
	{"csv", no_argument, NULL, O_CSV},
	{"tsv", no_argument, NULL, O_TSV},
	{"map", required_argument, NULL, O_MAP},
	{"on-duplicate", required_argument, NULL, O_ON_DUP},
	{"skip-bad", no_argument, NULL, O_SKIP_BAD},
	{"reject", required_argument, NULL, O_REJECT},
	CRM_FORCEOPT,
	{"all", no_argument, NULL, O_ALL},
	{"search", required_argument, NULL, O_SEARCH},
	{"clear", no_argument, NULL, O_CLEAR},
	{0},
};

static const char *const field_names[] = {
	"sku", "name", "unit", "price", "currency", "tax_rate", "max_discount", "active", "notes",
};

static const int field_opts[] = {
	O_FIELD + 0, O_FIELD + 1, O_FIELD + 2, O_FIELD + 3, O_FIELD + 4, O_FIELD + 5, O_FIELD + 6,
	O_FIELD + 7, O_FIELD + 8, O_SET, 0,
};

/* The field options and --set, in the order given, into a new record. */
static int record(struct crm_ctx *ctx, const struct crm_args *a, struct crm_rec **out)
{
	struct crm_rec *r = crm_rec_new(ctx, &crm_product_kind);
	int st = 0;
	for (int i = 0; i < a->n && !st; i++) {
		int c = a->code[i];
		if (c == O_SET)
			st = crm_rec_set_pair(r, a->given[i]);
		else if (c >= O_FIELD && c < O_SET)
			st = crm_rec_set(r, field_names[c - O_FIELD], a->given[i]);
	}
	if (st) {
		crm_rec_free(r);
		return st;
	}
	*out = r;
	return 0;
}

/* The product an operand names (sku or id): 0, or 1 after "no such product". */
static int product_arg(struct crm_ctx *ctx, const char *ref, int64_t *id)
{
	if ((*id = crm_product_find(ctx, ref)))
		return 0;
	crm_warn("no such product '%s'", ref);
	return CRM_EX_NOTFOUND;
}

static int cmd_add(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	struct crm_rec *r;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, field_opts, &a)) ||
	    (st = crm_operands(argc, 0, 0, "")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	if (!(st = record(&ctx, &a, &r))) {
		st = crm_product_add(&ctx, r, stdout);
		crm_rec_free(r);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_update(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	struct crm_rec *r;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, field_opts, &a)) ||
	    (st = crm_operands(argc, 0, 1, "")))
		return st;
	if (argc == 0 && a.n)
		return crm_usage_fail("update: field options need a product (sku or id)");
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	if (argc == 0)
		st = crm_product_update_tsv(&ctx, stdin, "-", stdout);
	else if (!(st = product_arg(&ctx, argv[0], &id)) && !(st = record(&ctx, &a, &r))) {
		st = crm_product_update(&ctx, id, r, stdout);
		crm_rec_free(r);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_deactivate(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, (const int[]){0}, &a)) ||
	    (st = crm_operands(argc, 1, 1, "product (sku or id)")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	if (!(st = product_arg(&ctx, argv[0], &id))) {
		struct crm_rec *r = crm_rec_new(&ctx, &crm_product_kind);
		if (!(st = crm_rec_set(r, "active", "0")))
			st = crm_product_update(&ctx, id, r, stdout);
		crm_rec_free(r);
	}
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_import(struct crm_opts *o, int argc, char **argv)
{
	static const char *const policies[] = {"skip", "update", "error"};
	static const int allowed[] = {O_CSV, O_TSV, O_MAP, O_ON_DUP, O_SKIP_BAD, O_REJECT, 0};
	struct crm_rec_import_opts io = {.format = CRM_ROWS_GUESS};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)))
		return st;
	if (crm_arg(&a, O_CSV) && crm_arg(&a, O_TSV))
		return crm_usage_fail("--csv and --tsv exclude each other");
	if (crm_arg(&a, O_REJECT) && !crm_arg(&a, O_SKIP_BAD))
		return crm_usage_fail("--reject goes with --skip-bad");
	if (crm_arg(&a, O_ON_DUP)) {
		int p = 0;
		while (p < 3 && strcmp(policies[p], crm_arg(&a, O_ON_DUP)) != 0)
			p++;
		if (p == 3)
			return crm_usage_fail("unknown --on-duplicate policy '%s' (skip, update, error)",
					      crm_arg(&a, O_ON_DUP));
		io.on_duplicate = (enum crm_import_dup)p;
	}
	io.format = crm_arg(&a, O_CSV) ? CRM_ROWS_CSV : crm_arg(&a, O_TSV) ? CRM_ROWS_TSV
		    : CRM_ROWS_GUESS;
	io.map = crm_arg(&a, O_MAP);
	io.skip_bad = crm_arg(&a, O_SKIP_BAD) != NULL;
	io.reject = crm_arg(&a, O_REJECT);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_product_import(&ctx, &io, argv, argc, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_list(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_ALL, O_SEARCH, 0};
	struct crm_product_filter f = {0};
	struct crm_args a;
	struct crm_ctx ctx;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)) ||
	    (st = crm_operands(argc, 0, 0, "")))
		return st;
	f.all = crm_arg(&a, O_ALL) != NULL;
	f.search = crm_arg(&a, O_SEARCH);
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	st = crm_product_list(&ctx, &f, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_show(struct crm_opts *o, int argc, char **argv)
{
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, (const int[]){0}, &a)) ||
	    (st = crm_operands(argc, 1, 1, "product (sku or id)")) || (st = crm_ctx_open(&ctx, o)))
		return st;
	if (!(st = product_arg(&ctx, argv[0], &id)))
		st = crm_product_show(&ctx, id, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_price(struct crm_opts *o, int argc, char **argv)
{
	static const int allowed[] = {O_CLEAR, 0};
	struct crm_args a;
	struct crm_ctx ctx;
	int64_t id, qty = 0, price = 0;
	const char *why;
	int st;
	if ((st = crm_args_parse(o, &argc, &argv, short_opts, long_opts, allowed, &a)))
		return st;
	bool clear = crm_arg(&a, O_CLEAR) != NULL;
	if ((st = crm_operands(argc, 1, clear ? 2 : 3, "product (sku or id)")))
		return st;
	if (!clear && argc < 3)
		return crm_usage_fail("price: give MIN_QTY and PRICE (or --clear)");
	if (argc > 1 && crm_qty_parse(argv[1], &qty)) {
		crm_warn("invalid quantity '%s'", argv[1]);
		return 65;
	}
	if (argc > 2 && crm_money_amount(argv[2], &price, &why)) {
		crm_warn("%s '%s'", why, argv[2]);
		return 65;
	}
	if ((st = crm_ctx_open(&ctx, o)))
		return st;
	if (!(st = product_arg(&ctx, argv[0], &id)))
		st = crm_product_set_tier(&ctx, id, qty, price, clear, stdout);
	crm_ctx_close(&ctx);
	return st;
}

static int cmd_complete(struct crm_opts *o, int argc, char **argv)
{
	if (strcmp(o->complete, "duplicates") == 0) {
		puts("skip\nupdate\nerror");
		return 0;
	}
	return crm_complete(o);
}

static const struct crm_subcmd cmds[] = {
	{"add", cmd_add, .synopsis = "--sku SKU --name NAME [field options] [--set FIELD=VALUE]..."},
	{"import", cmd_import, .synopsis = "[--csv|--tsv] [--map H=F,...] [--on-duplicate POLICY]\n"
					   "\t[--skip-bad [--reject FILE [--force]]] [FILE...]"},
	{"list", cmd_list, .synopsis = "[--all] [--search TEXT]"},
	{"show", cmd_show, .synopsis = "SKU|ID"},
	{"update", cmd_update, .synopsis = "SKU|ID [field options] [--set FIELD=VALUE]...\n< TSV"},
	{"deactivate", cmd_deactivate, .synopsis = "SKU|ID"},
	{"price", cmd_price, .synopsis = "SKU|ID MIN_QTY PRICE\n"
					 "--clear SKU|ID [MIN_QTY]"},
	{.run = cmd_complete},
};

static void usage(FILE *fp)
{
	if (fp == stderr) {
		crm_usage_error();
		return;
	}
	fputs("Usage:\n", fp);
	crm_usage_synopsis(fp, "crm-product", cmds);
	fputs("\n"
	      "Keep the catalogue quotes are made from: products with their list price,\n"
	      "tax rate and discount ceiling, and prices by quantity (tiers).  Everyone\n"
	      "reads it; managers and admins change it.\n"
	      "\n"
	      "Field options (add, update):\n"
	      "      --sku <sku>           the product's code (unique)\n"
	      "      --name <name>         its name\n"
	      "      --unit <unit>         the unit it is sold in (台, set, hour)\n"
	      "      --price <amount>      list price of one unit\n"
	      "      --currency <code>     currency (default: the config's)\n"
	      "      --tax-rate <rate>     tax rate, 13% or 0.13 (default: the config's)\n"
	      "      --max-discount <rate> discount ceiling (empty: the config's)\n"
	      "      --active <0|1>        whether quotes may use it\n"
	      "      --notes <text>        notes\n"
	      "      --set <field=value>   any field, custom fields included\n"
	      "\n"
	      "Import options:\n"
	      "      --csv                 read CSV whatever the file name\n"
	      "      --tsv                 read TSV whatever the file name\n"
	      "      --map <H=field,...>   take field from the column headed H\n"
	      "      --on-duplicate <p>    same sku: skip (default), update or error\n"
	      "      --skip-bad            import the good rows, reject the bad ones\n"
	      "      --reject <file>       where rejected rows go (default stderr)\n"
	      "      --force               overwrite an existing reject file\n"
	      "\n"
	      "List and price options:\n"
	      "      --all                 inactive products too\n"
	      "      --search <text>       text in the sku or name\n"
	      "      --clear               price: remove the tier (all without MIN_QTY)\n"
	      "\n"
	      "Common options:\n"
	      CRM_HELP_COMMON_WIDE
	      "See crm-product(1).\n", fp);
}

int main(int argc, char **argv)
{
	return crm_main(argc, argv, cmds, usage);
}
