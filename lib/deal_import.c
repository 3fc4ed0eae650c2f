/* deal_import.c: crm-stage import: deals from another CRM's export, with
 * the history their dates tell, in one transaction.  Columns are found as
 * for every importer (colmap.h); owners by login or by name; accounts by
 * name, linked to an existing one through duplicate detection or made;
 * stages through --stage-map.  The history: a deal entered its stage (a
 * closed one: --entry-stage) on its created date, and a won or lost deal
 * closed on its close date.  Every value of a row is checked before
 * anything of it is written, so a rejected row leaves no account behind;
 * without --skip-bad every row is checked before the write lock is taken
 * (colmap.h crm_import_run). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>

#include "audit.h"
#include "account.h"
#include "colmap.h"
#include "config_yaml.h"
#include "db.h"
#include "dialect.h"
#include "deal.h"
#include "err.h"
#include "money.h"
#include "record.h"
#include "text.h"

enum {
	IF_EXTERNAL, IF_TITLE, IF_ACCOUNT, IF_OWNER, IF_PRODUCT, IF_AMOUNT, IF_CURRENCY, IF_STAGE,
	IF_PIPELINE, IF_CREATED, IF_CLOSE, IF_SOURCE, IF_CAMPAIGN, IF_LOSS_REASON, IF_N
};

static const char *const field_names[IF_N] = {
	"external_id", "title", "account", "owner", "product", "amount", "currency", "stage",
	"pipeline", "created", "close_date", "source", "campaign", "loss_reason",
};

static const struct crm_colmap_alias aliases[] = {
	{"external_id", "opportunity id|opportunity|deal id|id|external id|crm id|商机编号|商机id|编号"},
	{"title", "name|deal|deal name|opportunity name|subject|商机|商机名称|项目|项目名称|标题"},
	{"account", "account name|company|company name|customer|customer name|organization|organisation|客户|客户名称|公司|公司名称"},
	{"owner", "sales agent|agent|sales rep|salesperson|owner login|user|负责人|销售|销售代表"},
	{"product", "product name|item|产品|产品名称"},
	{"amount", "close value|value|deal value|deal amount|revenue|金额|商机金额|合同金额|成交金额"},
	{"currency", "币种|货币"},
	{"stage", "deal stage|sales stage|status|阶段|销售阶段|商机阶段"},
	{"pipeline", "销售流程"},
	{"created", "engage date|created at|created date|create date|created on|date created|创建时间|创建日期"},
	{"close_date", "close|closed|closed date|closed at|closing date|expected close|expected close date|结单日期|成交日期|预计成交日期"},
	{"source", "lead source|channel|来源|渠道"},
	{"campaign", "campaign name|活动|市场活动"},
	{"loss_reason", "lost reason|reason lost|输单原因|丢单原因"},
	{NULL, NULL}
};

struct stage_pair {
	char *theirs, *ours;
};

struct imp {
	struct crm_ctx *ctx;
	const struct crm_deal_import_opts *o;
	const struct crm_config *cfg;
	const struct crm_custom_field **cf;	/* handle IF_N + k */
	size_t ncf;
	struct stage_pair *stages;
	size_t nstages;
	struct crm_colmap *map;
	struct crm_import_inputs in;
	bool apply;		/* writing, not only checking */
	char **files;
	int nfiles;
	struct crm_rejects rj;
	int64_t *ids;
	char *status;
	size_t nids, capids;
	long created, dups, accounts;
};

static int field_handle(void *arg, const char *name)
{
	struct imp *im = arg;
	for (int i = 0; i < IF_N; i++)
		if (strcmp(field_names[i], name) == 0)
			return i;
	for (size_t k = 0; k < im->ncf; k++)
		if (strcmp(im->cf[k]->name, name) == 0)
			return IF_N + (int)k;
	return -1;
}

static const char *field_name(void *arg, int h)
{
	struct imp *im = arg;
	return h < IF_N ? field_names[h] : im->cf[h - IF_N]->name;
}

/* --stage-map: their stage names (any case) to our stage ids. */
static int parse_stage_map(struct imp *im, const struct crm_pipeline *p)
{
	char *copy = crm_xstrdup(im->o->stage_map ? im->o->stage_map : ""), *save = NULL;
	int st = 0;
	for (char *tok = strtok_r(copy, ",", &save); tok && !st; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strrchr(tok, '='), why[300];
		const struct crm_stage *s;
		if (!eq || eq == tok) {
			st = crm_usage_fail("--stage-map wants THEIRS=OURS, not '%s'", tok);
			break;
		}
		*eq = '\0';
		if (crm_deal_stage(p, crm_trim(eq + 1), &s, why, sizeof why)) {
			st = crm_usage_fail("--stage-map: %s", why);
			break;
		}
		im->stages = crm_xrealloc(im->stages, (im->nstages + 1) * sizeof *im->stages);
		im->stages[im->nstages++] = (struct stage_pair){crm_xstrdup(crm_trim(tok)), crm_xstrdup(s->id)};
	}
	free(copy);
	return st;
}

static const char *map_stage(const struct imp *im, const char *theirs)
{
	for (size_t i = 0; i < im->nstages; i++)
		if (strcasecmp(im->stages[i].theirs, theirs) == 0)
			return im->stages[i].ours;
	return NULL;
}

/* One row's values, checked; the strings point into the row or buf. */
struct row {
	const char *v[IF_N];
	struct crm_deal_new d;
	const struct crm_pipeline *p;
	char currency[4], close[CRM_DATE_LEN], created[CRM_ISO_LEN], closed[CRM_ISO_LEN];
	char *title, *custom, *source_buf;
};

static void row_free(struct row *r)
{
	free(r->title);
	free(r->custom);
	free(r->source_buf);
}

/* The user a row names by login or by name; 0 after writing why. */
static int64_t owner_of(struct imp *im, const char *v, char *why, size_t n)
{
	static const char sql[] =
		"SELECT id, (SELECT count(*) FROM users WHERE login = ?1 OR lower(name) = lower(?1))"
		" FROM users WHERE login = ?1 OR lower(name) = lower(?1)"
		" ORDER BY CASE WHEN login = ?1 THEN 1 ELSE 0 END DESC LIMIT 1";
	static const char may_sql[] =
		"SELECT 1 FROM users WHERE id = ?1 AND (?2 = 2 OR id = ?3"
		" OR (?2 = 1 AND (team_id = ?4 OR manager_id = ?3)))";
	struct crm_ctx *ctx = im->ctx;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return 0;
	crm_bind_str(s, 1, v);
	int64_t id = 0, count = 0;
	if (crm_step(s) == CRM_ROW) {
		id = crm_col_int(s, 0);
		count = crm_col_int(s, 1);
	}
	crm_stmt_reset(s);
	if (!id) {
		snprintf(why, n, "unknown user '%s'", v);
		return 0;
	}
	if (count > 1 && crm_ctx_user_id(ctx, v) != id) {
		snprintf(why, n, "ambiguous user name '%s' (%lld users)", v, (long long)count);
		return 0;
	}
	if (!(s = crm_db_stmt(ctx->db, may_sql)))
		return 0;
	crm_bind_int(s, 1, id);
	crm_bind_int(s, 2, (int)ctx->actor.role);
	crm_bind_int(s, 3, ctx->actor.id);
	crm_bind_int(s, 4, ctx->actor.team_id);
	bool may = crm_step(s) == CRM_ROW;
	crm_stmt_reset(s);
	if (!may) {
		snprintf(why, n, "permission denied: '%s' may not give deals to '%s'", ctx->actor.login, v);
		return 0;
	}
	return id;
}

static int bad(char *why, size_t n, const char *what, const char *value)
{
	snprintf(why, n, "%s '%.80s'", what, value);
	return EX_DATAERR;
}

/* The stage of the row, mapped and checked against its pipeline. */
static int check_stage(struct imp *im, struct row *r, char *why, size_t n)
{
	const char *given = r->v[IF_STAGE], *mapped = *given ? map_stage(im, given) : NULL;
	const struct crm_stage *s;
	if (!*given) {
		r->d.stage = crm_deal_first_stage(r->p)->id;
	} else if (crm_deal_stage(r->p, mapped ? mapped : given, &s, why, n)) {
		if (!mapped && strlen(why) + 30 < n)
			strcat(why, " (map it with --stage-map)");
		return EX_DATAERR;
	} else {
		r->d.stage = s->id;
	}
	s = crm_pipeline_stage(r->p, r->d.stage);
	if (s->kind == CRM_STAGE_OPEN)
		return 0;
	r->d.entry_stage = NULL;
	if (im->o->entry_stage) {
		const struct crm_stage *e;
		if (crm_deal_stage(r->p, im->o->entry_stage, &e, why, n))
			return EX_DATAERR;
		r->d.entry_stage = e->id;
	}
	return 0;
}

/* The created and close dates: when the deal entered its stage, when a
 * closed deal closed (an open deal's close date is the expected one). */
static int check_dates(struct imp *im, struct row *r, char *why, size_t n)
{
	crm_time created = im->ctx->now, closed;
	const struct crm_stage *s = crm_pipeline_stage(r->p, r->d.stage);
	bool open = s->kind == CRM_STAGE_OPEN;
	if (*r->v[IF_CREATED]) {
		if (crm_time_parse(r->v[IF_CREATED], im->ctx->now, &created) != 0)
			return bad(why, n, "invalid created date", r->v[IF_CREATED]);
		if (created > im->ctx->now)
			return bad(why, n, "created date in the future", r->v[IF_CREATED]);
		crm_time_iso(created, r->created);
		r->d.created_at = r->created;
	}
	if (!*r->v[IF_CLOSE]) {
		if (!open)
			return bad(why, n, "no close date for a deal in stage", s->id);
		return 0;
	}
	if (crm_time_parse(r->v[IF_CLOSE], im->ctx->now, &closed) != 0)
		return bad(why, n, "invalid close date", r->v[IF_CLOSE]);
	crm_time_date(closed, r->close);
	r->d.expected_close = r->close;
	if (open)
		return 0;
	if (closed > im->ctx->now)
		return bad(why, n, "close date in the future", r->v[IF_CLOSE]);
	if (*r->v[IF_CREATED] && closed < created) {
		snprintf(why, n, "close date '%.40s' before the created date '%.40s'", r->v[IF_CLOSE],
			 r->v[IF_CREATED]);
		return EX_DATAERR;
	}
	crm_time_iso(closed, r->closed);
	r->d.closed_at = r->closed;
	/* a closed deal of unknown age existed at least when it closed */
	if (!*r->v[IF_CREATED])
		r->d.created_at = r->closed;
	return 0;
}

static int check_values(struct imp *im, struct row *r, char *why, size_t n)
{
	const char *v, *reason;
	int st;
	if ((st = crm_deal_amount(*r->v[IF_AMOUNT] ? r->v[IF_AMOUNT] : "0", &r->d.amount, why, n)))
		return st;
	v = *r->v[IF_CURRENCY] ? r->v[IF_CURRENCY] : im->o->currency ? im->o->currency : im->cfg->currency;
	if ((st = crm_deal_currency(v, r->currency, why, n)))
		return st;
	r->d.currency = r->currency;
	if (*(v = r->v[IF_SOURCE])) {
		r->source_buf = crm_xstrdup(v);
		if (!(r->d.source = crm_deal_source(im->cfg, r->source_buf, &reason)))
			return bad(why, n, reason, v);
	}
	r->d.campaign = r->v[IF_CAMPAIGN];
	r->d.product = r->v[IF_PRODUCT];
	r->d.external_id = r->v[IF_EXTERNAL];
	if (*(v = r->v[IF_LOSS_REASON])) {
		if (crm_pipeline_stage(r->p, r->d.stage)->kind != CRM_STAGE_LOST)
			return bad(why, n, "a loss reason for a deal in stage", r->d.stage);
		if (!(r->d.loss_reason = crm_deal_loss_reason(im->cfg, v)))
			return bad(why, n, "unknown loss reason", v);
	}
	/* a title: the row's, else product and account, else the other CRM's id */
	if (*r->v[IF_TITLE])
		r->title = crm_xstrdup(r->v[IF_TITLE]);
	else if (*r->v[IF_PRODUCT] || *r->v[IF_ACCOUNT])
		r->title = crm_xasprintf("%s%s%s", r->v[IF_PRODUCT],
					 *r->v[IF_PRODUCT] && *r->v[IF_ACCOUNT] ? " - " : "", r->v[IF_ACCOUNT]);
	else if (*r->v[IF_EXTERNAL])
		r->title = crm_xstrdup(r->v[IF_EXTERNAL]);
	else
		return bad(why, n, "no title, product, account or id for deal", "");
	r->d.title = r->title;
	return 0;
}

/* Fill r from the current row of rows and check every value; 0, or 65
 * with the reason in why. */
static int read_row(struct imp *im, struct crm_rows *rows, const int *handle, struct row *r,
		    char *why, size_t n)
{
	struct crm_buf custom = {0};
	const char *v;
	int st;
	for (int i = 0; i < IF_N; i++)
		r->v[i] = "";
	for (size_t i = 0; i < crm_rows_ncols(rows); i++) {
		if (handle[i] < 0)
			continue;
		v = crm_rows_field(rows, i);
		if (handle[i] < IF_N) {
			r->v[handle[i]] = v;
			continue;
		}
		const struct crm_custom_field *cf = im->cf[handle[i] - IF_N];
		const char *reason;
		if (*v && crm_custom_field_check(cf, v, &reason)) {
			char what[200];
			snprintf(what, sizeof what, "%s: %s", cf->name, reason);
			free(custom.s);
			return bad(why, n, what, v);
		}
		if (*v) {
			char money[CRM_MONEY_LEN];
			crm_json_member(&custom, cf->name, crm_custom_field_stored(cf, v, money));
		}
	}
	crm_json_end(&custom);
	r->custom = custom.s;
	r->d.custom = custom.s;
	v = *r->v[IF_PIPELINE] ? r->v[IF_PIPELINE] : im->o->pipeline;
	if (!(r->p = crm_config_pipeline(im->cfg, v)))
		return bad(why, n, "unknown pipeline", v);
	r->d.pipeline = r->p->id;
	if ((st = check_stage(im, r, why, n)) || (st = check_dates(im, r, why, n)) ||
	    (st = check_values(im, r, why, n)))
		return st;
	if (*(v = r->v[IF_OWNER])) {
		if (!(r->d.owner_id = owner_of(im, v, why, n)))
			return EX_DATAERR;
	} else {
		r->d.owner_id = im->ctx->actor.id;
	}
	return 0;
}

static void note(struct imp *im, int64_t id, char status)
{
	if (im->nids == im->capids) {
		im->capids = im->capids ? 2 * im->capids : 256;
		im->ids = crm_xrealloc(im->ids, im->capids * sizeof *im->ids);
		im->status = crm_xrealloc(im->status, im->capids);
	}
	im->ids[im->nids] = id;
	im->status[im->nids++] = status;
}

/* The deal imported before with this external id, 0 when none; *visible
 * says whether the actor may see it. */
static int64_t existing(struct imp *im, const char *external_id, bool *visible)
{
	struct crm_stmt *s = crm_db_stmt(im->ctx->db, "SELECT id, " CRM_SQL_AS_INT(CRM_SQL_VISIBLE_OWNED("owner_id"))
				      " FROM deals WHERE external_id = :ext");
	if (!s || !*external_id)
		return 0;
	crm_bind_str(s, crm_param_index(s, ":ext"), external_id);
	crm_ctx_bind_actor(im->ctx, s);
	int64_t id = 0;
	if (crm_step(s) == CRM_ROW) {
		id = crm_col_int(s, 0);
		*visible = crm_col_int(s, 1);
	}
	crm_stmt_reset(s);
	if (!id && crm_dialect(im->ctx->db)->row_security) {
		/* one row-level security hides from the importer */
		s = crm_db_stmt(im->ctx->db, "SELECT crm_deal_external(?1)");
		if (!s)
			return 0;
		crm_bind_str(s, 1, external_id);
		if (crm_step(s) == CRM_ROW && (id = crm_col_int(s, 0)))
			*visible = false;
		crm_stmt_reset(s);
	}
	return id;
}

/* Write the checked row: a duplicate of a deal imported before (same
 * external id) is skipped; the account is linked or made, then the deal.
 * While checking, only the duplicate is looked for. */
static int write_row(struct imp *im, struct crm_rows *rows, struct row *r)
{
	bool visible = false, created;
	int64_t id = existing(im, r->d.external_id, &visible);
	int st;
	if (id) {
		/* one out of sight is named by the external id the row gave, no more */
		char target[32] = "a deal owned by someone else";
		if (visible)
			snprintf(target, sizeof target, "deal %lld", (long long)id);
		if (!im->ctx->opts->quiet)
			crm_warn("%s:%ld: duplicate of %s (same external id '%s'), skipped",
				 crm_rows_name(rows), crm_rows_line(rows), target, r->d.external_id);
		if (im->apply) {
			im->dups++;
			note(im, visible ? id : 0, 'd');
		}
		return 0;
	}
	if (!im->apply)
		return 0;
	if (*r->v[IF_ACCOUNT]) {
		struct crm_account_seed seed = {.name = r->v[IF_ACCOUNT], .source = r->d.source,
						.owner_id = r->d.owner_id};
		if ((st = crm_account_link_or_create(im->ctx, &seed, &r->d.account_id, &created)))
			return st;
		im->accounts += created;
	}
	if ((st = crm_deal_insert(im->ctx, &r->d, false, &id)))
		return st;
	im->created++;
	note(im, id, 'n');
	return 0;
}

static int import_file(struct imp *im, int fi)
{
	struct crm_rows *rows = im->in.rows[fi];
	const int *handle = im->in.handle[fi];
	char why[600];
	int st = 0, rc;
	im->rj.header_of = NULL;
	while ((rc = crm_rows_next(rows)) != 0) {
		if (rc < 0) {
			if ((st = -rc) != EX_DATAERR)
				break;
			crm_reject(&im->rj, rows, NULL);
			st = 0;
			continue;
		}
		struct row r = {0};
		st = read_row(im, rows, handle, &r, why, sizeof why);
		/* after a bad row nothing will be written: only check the rest */
		if (!st && (im->rj.bad == 0 || im->rj.skip_bad))
			st = write_row(im, rows, &r);
		row_free(&r);
		if (st == EX_DATAERR) {
			crm_reject(&im->rj, rows, why);
			st = 0;
		} else if (st) {
			break;
		}
	}
	return st;
}

static void print_ids(struct imp *im, FILE *out)
{
	struct crm_out *o = crm_out_new(out, im->ctx->opts->format, !im->ctx->opts->no_header);
	char id[24];
	crm_out_col(o, "id", CRM_COL_NUM);
	crm_out_col(o, "status", CRM_COL_TEXT);
	for (size_t i = 0; i < im->nids; i++) {
		if (im->ids[i])
			snprintf(id, sizeof id, "%lld", (long long)im->ids[i]);
		else
			id[0] = '\0';	/* a duplicate the actor may not see */
		const char *row[] = {id, im->status[i] == 'n' ? "new" : "duplicate"};
		crm_out_row(o, row);
	}
	crm_out_end(o);
}

/* The options, checked before any row is read. */
static int check_opts(struct imp *im)
{
	const struct crm_pipeline *p = crm_config_pipeline(im->cfg, im->o->pipeline);
	char why[300], cur[4];
	const struct crm_stage *s;
	if (!p) {
		crm_warn("unknown pipeline '%s'", im->o->pipeline);
		return EX_DATAERR;
	}
	if (im->o->currency && crm_deal_currency(im->o->currency, cur, why, sizeof why))
		return crm_usage_fail("--currency: %s", why);
	if (im->o->entry_stage) {
		if (crm_deal_stage(p, im->o->entry_stage, &s, why, sizeof why))
			return crm_usage_fail("--entry-stage: %s", why);
		if (s->kind != CRM_STAGE_OPEN)
			return crm_usage_fail("--entry-stage: '%s' is not an open stage", s->id);
	}
	for (size_t i = 0; i < im->cfg->ncustom_fields; i++) {
		if (strcmp(im->cfg->custom_fields[i].entity, "deal") != 0)
			continue;
		im->cf = crm_xrealloc(im->cf, (im->ncf + 1) * sizeof *im->cf);
		im->cf[im->ncf++] = &im->cfg->custom_fields[i];
	}
	return parse_stage_map(im, p);
}

/* One pass over every input: checking only, or writing (crm_import_run). */
static int run(void *arg, bool apply)
{
	struct imp *im = arg;
	int st = 0;
	im->apply = apply;
	for (int i = 0; i < im->nfiles && !st; i++)
		st = import_file(im, i);
	if (!st)
		st = crm_rejects_status(&im->rj);
	return st || !apply ? st : crm_import_audit(im->ctx->db, "deal", im->created, im->files, im->nfiles);
}

int crm_deal_import(struct crm_ctx *ctx, const struct crm_deal_import_opts *o, char **files,
		    int nfiles, FILE *out)
{
	struct imp im = {.ctx = ctx, .o = o, .cfg = ctx->cfg};
	struct crm_colmap_fields f = {&im, field_handle, field_name};
	int st;
	files = crm_import_files(files, &nfiles);
	im.files = files;
	im.nfiles = nfiles;
	if ((st = check_opts(&im)) || (st = crm_colmap_new(o->map, &f, &im.map)) ||
	    (st = crm_rejects_open(&im.rj, ctx, o->skip_bad, o->reject, files, nfiles)) ||
	    (st = crm_import_inputs_open(&im.in, files, nfiles, (enum crm_rows_format)o->format,
					 im.map, "deal", im.cfg, aliases, ctx->opts->quiet)))
		goto out;
	st = crm_ctx_end(ctx, crm_rejects_save(&im.rj, crm_import_run(ctx, &im.in, o->skip_bad,
								       run, &im)));
	if (!st)
		print_ids(&im, out);
	if (!st && !ctx->opts->quiet)
		crm_warn("%s %ld, duplicates %ld, rejected %ld, new accounts %ld",
			 ctx->opts->dry_run ? "would import" : "imported", im.created, im.dups, im.rj.bad,
			 im.accounts);
out:
	st = crm_rejects_close(&im.rj, st);
	crm_import_inputs_close(&im.in);
	for (size_t i = 0; i < im.nstages; i++) {
		free(im.stages[i].theirs);
		free(im.stages[i].ours);
	}
	free(im.stages);
	free(im.cf);
	free(im.ids);
	free(im.status);
	crm_colmap_free(im.map);
	return st;
}
