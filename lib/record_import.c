/* record_import.c: bulk import of accounts or contacts from CSV or TSV
 * files, one transaction.  Every row goes through the record's checks; a
 * duplicate (an account of the same normalised name; a contact of the same
 * phone, e-mail, or name at the same account) is skipped, updated or an
 * error.  References are by name: a contact's account must exist, an
 * account's parent may come later in the same files, so parents are linked
 * once every row is in.  Without --skip-bad every row is checked before
 * the write lock is taken (colmap.h crm_import_run). */
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "colmap.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "normalise.h"
#include "record.h"
#include "record_dups.h"

static const struct crm_colmap_alias account_aliases[] = {
	{"name", "account|account name|公司|公司名称|客户|客户名称|企业|企业名称|单位|company|company name|organization|organisation|customer"},
	{"industry", "sector|行业|所属行业"},
	{"size", "employees|员工|员工数|人数|规模|headcount"},
	{"region", "office location|location|country|地区|省份|区域|province|state"},
	{"city", "城市"},
	{"address", "地址"},
	{"website", "网站|官网|url|web"},
	{"phone", "电话|联系电话|总机|tel|telephone"},
	{"email", "邮箱|电子邮箱|e-mail|mail"},
	{"source", "来源|渠道|channel"},
	{"tags", "标签|tag"},
	{"owner", "负责人|销售|owner login|sales rep"},
	{"parent", "subsidiary of|parent account|parent company|上级公司|母公司"},
	{"notes", "备注|说明|note|remarks|comments"},
	{NULL, NULL}
};

static const struct crm_colmap_alias contact_aliases[] = {
	{"name", "姓名|名字|联系人|full name|contact|contact name"},
	{"account", "account name|公司|公司名称|客户|客户名称|单位|company|company name|organization|organisation"},
	{"title", "职位|职务|岗位|job title|position"},
	{"phone", "手机|手机号|手机号码|电话|联系电话|mobile|tel|telephone|phone number"},
	{"email", "邮箱|电子邮箱|电子邮件|邮件|e-mail|mail"},
	{"wechat", "微信|微信号|wechat id|weixin"},
	{"region", "地区|省份|区域|province|state"},
	{"city", "城市"},
	{"tags", "标签|tag"},
	{"owner", "负责人|销售|owner login|sales rep"},
	{"notes", "备注|说明|note|remarks|comments"},
	{NULL, NULL}
};

/* An account link to make once every row is in. */
struct link {
	int64_t id;		/* checking: the duplicate updated, 0 for a new account */
	char *parent;		/* name, or id as text */
	char *where;		/* file:line */
	char *name;		/* checking: a new account's name, normalised */
};

struct imp {
	struct crm_ctx *ctx;
	const struct crm_kind *k;
	const struct crm_rec_import_opts *o;
	struct crm_rec *rec;
	struct crm_colmap *map;
	struct crm_import_inputs in;
	bool apply;		/* writing, not only checking */
	char **names;		/* checking: accounts the rows so far would make */
	size_t nnames;
	struct crm_rejects rj;
	char **files;
	int nfiles;
	int64_t *ids;		/* id and status of each row written, printed at the end */
	char *status;
	size_t nids, capids;
	long created, dups;
	struct link *links;
	size_t nlinks;
};

static int field_handle(void *arg, const char *name) { return crm_rec_field(arg, name); }
static const char *field_name(void *arg, int h) { return crm_rec_field_name(arg, h); }

static void note(struct imp *im, int64_t id, char status)
{
	if (im->nids == im->capids) {
		im->capids = im->capids ? 2 * im->capids : 64;
		im->ids = crm_xrealloc(im->ids, im->capids * sizeof *im->ids);
		im->status = crm_xrealloc(im->status, im->capids);
	}
	im->ids[im->nids] = id;
	im->status[im->nids++] = status;
}

/* The account called name (normalised), else the one whose id name is;
 * 0 when none. */
static int64_t account_by_name(struct crm_ctx *ctx, const char *name)
{
	static const char sql[] =
		"SELECT id FROM accounts WHERE forgotten_at IS NULL AND name_norm = ?1"
		" UNION ALL SELECT id FROM accounts WHERE id = ?2 ORDER BY 1 LIMIT 1";
	/* PostgreSQL: among every account, as on SQLite, whether the actor
	 * may see it or not (the caller asks that next) */
	static const char server_sql[] =
		"SELECT id FROM crm_account_dup(?1) UNION ALL SELECT CAST(?2 AS BIGINT)"
		" WHERE crm_row_hidden('accounts', ?2) ORDER BY 1 LIMIT 1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, crm_dialect(ctx->db)->row_security ? server_sql : sql);
	char *norm = crm_xmalloc(strlen(name) + 1), *end;
	if (!s) {
		free(norm);
		return 0;
	}
	if (crm_norm_company(name, norm) > 0)
		crm_bind_owned(s, 1, norm);
	else
		free(norm);
	long long id = strtoll(name, &end, 10);
	if (*name && !*end && id > 0)
		crm_bind_int(s, 2, id);
	int64_t found = crm_step(s) == CRM_ROW ? crm_col_int(s, 0) : 0;
	crm_stmt_reset(s);
	return found;
}

/* The existing record the current one duplicates, 0 when none; *why
 * names the key. */
static int64_t find_dup(struct imp *im, const char **why)
{
	static const char account_sql[] = CRM_ACCOUNT_DUP("?1");
	static const char contact_sql[] = CRM_CONTACT_DUP("?1", "?2", "?3", "?4");
	/* PostgreSQL: beyond the rows row-level security shows the importer */
	static const char account_server[] = "SELECT id FROM crm_account_dup(?1)";
	static const char contact_server[] = "SELECT id, why FROM crm_contact_dup(?1, ?2, ?3, ?4)";
	if (im->k->import_dup)
		return im->k->import_dup(im->rec, why);
	bool account = strcmp(im->k->entity, "account") == 0;
	bool server = crm_dialect(im->ctx->db)->row_security;
	struct crm_rec *r = im->rec;
	const char *v[4] = {
		crm_rec_get(r, crm_rec_field(r, "name")), crm_rec_get(r, crm_rec_field(r, "phone")),
		crm_rec_get(r, crm_rec_field(r, "email")), crm_rec_get(r, crm_rec_field(r, "account")),
	};
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, account ? (server ? account_server : account_sql)
					 : (server ? contact_server : contact_sql));
	if (!s)
		return 0;
	for (int i = 0; i < 3; i++) {
		if (!v[i] || !*v[i])
			continue;
		char *out = crm_xmalloc(strlen(v[i]) + 1);
		long n = i == 1 ? crm_norm_phone(v[i], out) : i == 2 ? crm_norm_email(v[i], out)
			: (long)(account ? crm_norm_company(v[i], out) : crm_norm_name(v[i], out));
		if (n > 0 && (i == 0 || !account))
			crm_bind_owned(s, i + 1, out);
		else
			free(out);
	}
	if (!account && v[3] && *v[3])
		crm_bind_int(s, 4, strtoll(v[3], NULL, 10));
	int64_t id = 0;
	*why = "name";
	if (crm_step(s) == CRM_ROW) {
		id = crm_col_int(s, 0);
		if (!account) {
			static char key[32];
			snprintf(key, sizeof key, "%s", crm_col_text(s, 1));
			*why = key;
		}
	}
	crm_stmt_reset(s);
	return id;
}

/* May the actor see existing account (or contact) id?  A duplicate or an
 * account they may not see is reported without its id or owner: they
 * learn the customer is taken, no more. */
static bool visible(struct imp *im, bool account, int64_t id)
{
	static const char account_sql[] =
		"SELECT " CRM_SQL_AS_INT(CRM_SQL_VISIBLE_OWNED("owner_id")) " FROM accounts WHERE id = :id";
	static const char contact_sql[] =
		"SELECT " CRM_SQL_AS_INT(CRM_SQL_VISIBLE_OWNED("owner_id")) " FROM contacts WHERE id = :id";
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, account ? account_sql : contact_sql);
	if (!s)
		return false;
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	crm_ctx_bind_actor(im->ctx, s);
	bool seen = crm_step(s) == CRM_ROW && crm_col_int(s, 0);
	crm_stmt_reset(s);
	return seen;
}

/* Fill the record from the current row.  0, 65 with the reason in *why,
 * or another status to stop.  A parent's name is kept in *parent. */
static int read_row(struct imp *im, struct crm_rows *rows, const int *handle, char *why,
		    size_t whylen, const char **parent)
{
	struct crm_rec *r = im->rec;
	int hacc = crm_rec_field(r, "account"), hpar = crm_rec_field(r, "parent"), st;
	char idtext[24];
	*parent = NULL;
	crm_rec_clear(r);
	for (size_t i = 0; i < crm_rows_ncols(rows); i++) {
		const char *v = crm_rows_field(rows, i);
		if (handle[i] < 0)
			continue;
		if (handle[i] == hpar) {	/* handle[i] >= 0 here */
			*parent = *v ? v : NULL;
			continue;
		}
		if (handle[i] == hacc && *v) {
			int64_t a = account_by_name(im->ctx, v);
			if (!a) {
				snprintf(why, whylen, "unknown account '%s'", v);
				return EX_DATAERR;
			}
			if (!visible(im, true, a)) {
				snprintf(why, whylen, "account '%s' is owned by someone else", v);
				return EX_DATAERR;
			}
			snprintf(idtext, sizeof idtext, "%lld", (long long)a);
			v = idtext;
		}
		if ((st = crm_rec_put(r, handle[i], v))) {
			snprintf(why, whylen, "%s", crm_rec_error(r));
			return st == EX_NOPERM || st == EX_DATAERR ? EX_DATAERR : st;
		}
	}
	if (crm_rec_check_new(r)) {
		snprintf(why, whylen, "%s", crm_rec_error(r));
		return EX_DATAERR;
	}
	return 0;
}

/* Write the row read: insert, or deal with the duplicate it is.  After a
 * bad row nothing is written (unless skip_bad), nor while only checking,
 * but duplicates are still looked for, so --on-duplicate error reports
 * every one.  *id is the record written, or while checking the duplicate
 * (0: none). */
static int write_row(struct imp *im, struct crm_rows *rows, int64_t *id, char *why, size_t whylen)
{
	const char *key = NULL;	/* set by find_dup when it finds one */
	int64_t dup = find_dup(im, &key);
	bool writing = im->rj.bad == 0 || im->rj.skip_bad;
	char where[300], target[64];
	int st;
	bool hidden = dup && !im->k->import_dup && !visible(im, strcmp(im->k->entity, "account") == 0, dup);
	snprintf(where, sizeof where, "%s:%ld", crm_rows_name(rows), crm_rows_line(rows));
	if (hidden)
		snprintf(target, sizeof target, "%s %s owned by someone else",
			 strchr("aeiou", im->k->entity[0]) ? "an" : "a", im->k->entity);
	else
		snprintf(target, sizeof target, "%s %lld", im->k->entity, (long long)dup);
	if (dup && im->o->on_duplicate == CRM_IMPORT_ERROR) {
		snprintf(why, whylen, "duplicate of %s (same %s)", target, key);
		im->dups++;
		return EX_DATAERR;
	}
	if (hidden && im->o->on_duplicate == CRM_IMPORT_UPDATE) {
		crm_warn("%s: permission denied: duplicate of %s (same %s)", where, target, key);
		return EX_NOPERM;
	}
	*id = dup;
	if (!writing)
		return 0;
	if (!dup) {
		if (!im->apply)
			return 0;
		crm_rec_where(im->rec, where);
		st = crm_rec_insert(im->rec, true, false, id);
		crm_rec_where(im->rec, NULL);
		if (!st) {
			im->created++;
			note(im, *id, 'n');
		}
		return st;
	}
	im->dups++;
	if (!im->ctx->opts->quiet)
		crm_warn("%s: duplicate of %s (same %s), %s", where, target,
			 key, im->o->on_duplicate == CRM_IMPORT_SKIP ? "skipped" : "updated");
	if (!im->apply)
		return 0;
	if (im->o->on_duplicate == CRM_IMPORT_SKIP) {
		note(im, hidden ? 0 : dup, 'd');	/* 0: printed without an id */
		return 0;
	}
	/* update: the row's values, the empty ones left alone */
	crm_rec_unset_empty(im->rec);
	crm_rec_where(im->rec, where);
	st = crm_rec_apply(im->rec, dup, "import", NULL);
	crm_rec_where(im->rec, NULL);
	if (!st)
		note(im, dup, 'u');
	return st;
}

/* An account name normalised, NULL when nothing is left of it. */
static char *company_norm(const char *name)
{
	char *norm = crm_xmalloc(strlen(name) + 1);
	if (crm_norm_company(name, norm) > 0)
		return norm;
	free(norm);
	return NULL;
}

static int import_file(struct imp *im, int fi)
{
	struct crm_rows *rows = im->in.rows[fi];
	const int *handle = im->in.handle[fi];
	bool account = strcmp(im->k->entity, "account") == 0;
	char why[600];
	int st = 0, rc;

	im->rj.header_of = NULL;	/* a new file has its own header in the reject file */
	crm_rec_trust_utf8(im->rec, true);	/* both readers refuse invalid UTF-8 */
	while ((rc = crm_rows_next(rows)) != 0) {
		const char *parent;
		int64_t id = 0;
		if (rc < 0) {
			if ((st = -rc) != EX_DATAERR)
				break;
			crm_reject(&im->rj, rows, NULL);
			st = 0;
			continue;
		}
		bool writing = im->rj.bad == 0 || im->rj.skip_bad;
		st = read_row(im, rows, handle, why, sizeof why, &parent);
		if (!st)
			st = write_row(im, rows, &id, why, sizeof why);
		if (st == EX_DATAERR) {
			crm_reject(&im->rj, rows, why);
			st = 0;
			continue;
		}
		if (st)
			break;
		char *name = NULL;
		if (!im->apply && writing && account && !id &&
		    (name = company_norm(crm_rec_get(im->rec, crm_rec_field(im->rec, "name"))))) {
			im->names = crm_xrealloc(im->names, (im->nnames + 1) * sizeof *im->names);
			im->names[im->nnames++] = name;
		}
		/* a skipped duplicate keeps its parent */
		bool skipped = im->apply ? im->status[im->nids - 1] == 'd'
			: id && im->o->on_duplicate == CRM_IMPORT_SKIP;
		if (parent && writing && !skipped) {
			im->links = crm_xrealloc(im->links, (im->nlinks + 1) * sizeof *im->links);
			im->links[im->nlinks++] = (struct link){id, crm_xstrdup(parent),
				crm_xasprintf("%s:%ld", crm_rows_name(rows), crm_rows_line(rows)),
				name ? crm_xstrdup(name) : NULL};
		}
	}
	return st;
}

static void free_links(struct imp *im)
{
	for (size_t i = 0; i < im->nlinks; i++) {
		free(im->links[i].parent);
		free(im->links[i].where);
		free(im->links[i].name);
	}
	free(im->links);
	im->links = NULL;
	im->nlinks = 0;
	for (size_t i = 0; i < im->nnames; i++)
		free(im->names[i]);
	free(im->names);
	im->names = NULL;
	im->nnames = 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Checking: each parent is an account already, or one the rows make (as
 * link_parents will find it), and not the account itself. */
static void check_parents(struct imp *im)
{
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, "SELECT coalesce(max(id), 0) FROM accounts");
	long long last = s && crm_step(s) == CRM_ROW ? crm_col_int(s, 0) : 0;
	if (s)
		crm_stmt_reset(s);
	qsort(im->names, im->nnames, sizeof *im->names, cmp_str);
	for (size_t i = 0; i < im->nlinks; i++) {
		const struct link *l = &im->links[i];
		int64_t parent = account_by_name(im->ctx, l->parent);
		bool known = parent != 0, own = parent && parent == l->id;
		char *norm, *end;
		if (!known && (norm = company_norm(l->parent))) {
			known = im->nnames &&
				bsearch(&norm, im->names, im->nnames, sizeof *im->names, cmp_str);
			own = known && l->name && strcmp(norm, l->name) == 0;
			free(norm);
		}
		/* an id not taken yet may be that of an account the rows make:
		 * those come after the last one there is */
		long long pid = 0;
		bool number = true;
		if (*l->parent) {
			pid = strtoll(l->parent, &end, 10);
			number = !*end;
		}
		if (!known && number && pid > last && pid - last <= (long long)im->nnames)
			known = true;
		if (!known || own) {
			crm_warn("%s: %s '%s'", l->where, own ? "an account cannot be its own parent"
				 : "unknown parent account", l->parent);
			im->rj.bad++;
		}
	}
}

/* Link each account to its parent, now that every row is in: through the
 * record, so each link is checked (no loops) and audited. */
static int link_parents(struct imp *im)
{
	struct crm_rec *r = im->rec;
	int hpar = crm_rec_field(r, "parent"), st;
	if (!im->apply) {
		check_parents(im);
		return 0;
	}
	for (size_t i = 0; i < im->nlinks; i++) {
		struct link *l = &im->links[i];
		int64_t parent = account_by_name(im->ctx, l->parent);
		char text[24];
		if (!parent && im->rj.skip_bad) {
			crm_warn("%s: unknown parent account '%s', imported without it", l->where, l->parent);
			continue;
		}
		if (!parent || parent == l->id) {
			crm_warn("%s: %s '%s'", l->where, parent ? "an account cannot be its own parent"
				 : "unknown parent account", l->parent);
			im->rj.bad++;
			continue;
		}
		if (im->rj.bad && !im->rj.skip_bad)
			continue;	/* nothing will be written */
		snprintf(text, sizeof text, "%lld", (long long)parent);
		crm_rec_clear(r);
		if ((st = crm_rec_put(r, hpar, text))) {
			crm_warn("%s: %s", l->where, crm_rec_error(r));
			return st;
		}
		crm_rec_where(r, l->where);
		st = crm_rec_apply(r, l->id, "import", NULL);
		crm_rec_where(r, NULL);
		if (st == EX_DATAERR)
			im->rj.bad++;
		else if (st)
			return st;
	}
	return 0;
}

/* One pass over every input: checking only, or writing (crm_import_run). */
static int run(void *arg, bool apply)
{
	struct imp *im = arg;
	int st = 0;
	im->apply = apply;
	im->dups = 0;
	for (int i = 0; i < im->nfiles && !st; i++)
		st = import_file(im, i);
	if (!st)
		st = link_parents(im);
	if (!apply)
		free_links(im);
	if (!st)
		st = crm_rejects_status(&im->rj);
	return st || !apply ? st : crm_import_audit(im->ctx->db, im->k->entity, im->created, im->files, im->nfiles);
}

static void print_ids(struct imp *im, FILE *out)
{
	static const char *const cols[] = {"id", "status"};
	struct crm_out *o = crm_out_new(out, im->ctx->opts->format, !im->ctx->opts->no_header);
	char id[24];
	crm_out_col(o, cols[0], CRM_COL_INT);
	crm_out_col(o, cols[1], CRM_COL_TEXT);
	for (size_t i = 0; i < im->nids; i++) {
		if (im->ids[i])
			snprintf(id, sizeof id, "%lld", (long long)im->ids[i]);
		else
			id[0] = '\0';
		const char *row[] = {id, im->status[i] == 'n' ? "new" : im->status[i] == 'u' ? "updated"
				     : "duplicate"};
		crm_out_row(o, row);
	}
	crm_out_end(o);
}

int crm_rec_import(struct crm_ctx *ctx, const struct crm_kind *k,
		   const struct crm_rec_import_opts *o, char **files, int nfiles, FILE *out)
{
	struct imp im = {.ctx = ctx, .k = k, .o = o};
	int st;

	files = crm_import_files(files, &nfiles);
	im.files = files;
	im.nfiles = nfiles;
	im.rec = crm_rec_new(ctx, k);
	struct crm_colmap_fields f = {im.rec, field_handle, field_name};
	if ((st = crm_colmap_new(o->map, &f, &im.map)) ||
	    (st = crm_rejects_open(&im.rj, ctx, o->skip_bad, o->reject, files, nfiles)) ||
	    (st = crm_import_inputs_open(&im.in, files, nfiles, (enum crm_rows_format)o->format,
					 im.map, k->entity, ctx->cfg,
					 strcmp(k->entity, "account") == 0 ? account_aliases
					 : contact_aliases, ctx->opts->quiet)))
		goto out;
	st = crm_import_run(ctx, &im.in, o->skip_bad, run, &im);
	st = crm_ctx_end(ctx, crm_rejects_save(&im.rj, st));
	if (!st)
		print_ids(&im, out);
	if (!st && !ctx->opts->quiet)
		crm_warn("%s %ld, duplicates %ld, rejected %ld", ctx->opts->dry_run ? "would import"
			 : "imported", im.created, im.dups, im.rj.bad);
out:
	st = crm_rejects_close(&im.rj, st);
	crm_import_inputs_close(&im.in);
	free_links(&im);
	free(im.ids);
	free(im.status);
	crm_colmap_free(im.map);
	crm_rec_free(im.rec);
	return st;
}
