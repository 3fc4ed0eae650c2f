/* kb.c: see kb.h */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "colmap.h"
#include "db.h"
#include "dialect.h"
#include "err.h"
#include "kb.h"
#include "out.h"
#include "record.h"
#include "rows.h"
#include "search.h"
#include "text.h"
#include "ticket.h"
#include "utf8.h"

#define TITLE_MAX 500
#define BODY_MAX CRM_KB_BODY_MAX
#define TAGS_MAX 1000

/* An article's values, checked and in canonical form. */
struct art {
	char *title, *body, *format, *tags, *status;
};

static void art_free(struct art *a)
{
	free(a->title);
	free(a->body);
	free(a->format);
	free(a->tags);
	free(a->status);
	memset(a, 0, sizeof *a);
}

/* Check one value: into *out (malloc'd, NULL for an emptied tags), or why
 * it is refused in why. */
static int check_value(const char *field, const char *given, char **out, char *why, size_t n)
{
	char *v = crm_xstrdup(given);
	size_t max = strcmp(field, "body") == 0 ? BODY_MAX : strcmp(field, "tags") == 0 ? TAGS_MAX
		     : TITLE_MAX;
	*out = NULL;
	if (!crm_utf8_valid(v, strlen(v), NULL)) {
		snprintf(why, n, "invalid UTF-8 in %s", field);
		free(v);
		return EX_DATAERR;
	}
	if (strcmp(field, "body") != 0)
		memmove(v, crm_trim(v), strlen(crm_trim(v)) + 1);
	if (strlen(v) > max) {
		snprintf(why, n, "%s too long (%zu bytes, at most %zu)", field, strlen(v), max);
		free(v);
		return EX_DATAERR;
	}
	if (strcmp(field, "tags") == 0) {
		crm_tags_canonical(v);
		if (!*v) {
			free(v);
			return 0;
		}
	} else if (!*v || !v[strspn(v, " \t\r\n")]) {
		snprintf(why, n, "an article needs a %s", field);
		free(v);
		return EX_DATAERR;
	} else if (strcmp(field, "format") == 0 && strcmp(v, "text") && strcmp(v, "markdown")) {
		snprintf(why, n, "unknown format '%.40s' (text or markdown)", v);
		free(v);
		return EX_DATAERR;
	} else if (strcmp(field, "status") == 0 && strcmp(v, "draft") && strcmp(v, "published")) {
		snprintf(why, n, "unknown status '%.40s' (draft or published)", v);
		free(v);
		return EX_DATAERR;
	}
	*out = v;
	return 0;
}

/* The values given in a, checked, into c (fields not given stay NULL). */
static int check_art(const struct crm_kb_article *a, struct art *c, char *why, size_t n)
{
	const char *given[] = {a->title, a->body, a->format, a->tags, a->status};
	char **slot[] = {&c->title, &c->body, &c->format, &c->tags, &c->status};
	static const char *const names[] = {"title", "body", "format", "tags", "status"};
	memset(c, 0, sizeof *c);
	for (int i = 0; i < 5; i++) {
		if (!given[i])
			continue;
		int st = check_value(names[i], given[i], slot[i], why, n);
		if (st) {
			art_free(c);
			return st;
		}
	}
	return 0;
}

/* ---- reading ---- */

/* What the actor sees of the knowledge base, as SQL over a: published
 * articles, and drafts their own (reps) or all (managers and admins). */
#define KB_VISIBLE "(a.status = 'published' OR :actor_role >= 1 OR a.author_id = :actor_id)"

#define LIST_COLS "a.id, a.title, a.status, a.format, a.tags," \
	" (SELECT login FROM users u WHERE u.id = a.author_id), a.updated_at FROM kb_articles a"

static const char *const list_names[] = {
	"id", "title", "status", "format", "tags", "author", "updated_at",
};
#define NLIST (sizeof list_names / sizeof list_names[0])

static struct crm_out *list_out(struct crm_ctx *ctx, FILE *out)
{
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	for (size_t i = 0; i < NLIST; i++)
		crm_out_col(o, list_names[i], i == 0 ? CRM_COL_INT : CRM_COL_TEXT);
	return o;
}

static int put_rows(struct crm_ctx *ctx, struct crm_stmt *s, struct crm_out *o, size_t ncols)
{
	const char *row[NLIST + 4];
	int rc;
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (size_t i = 0; i < ncols; i++)
			row[i] = crm_col_str(s, (int)i);
		crm_out_row(o, row);
	}
	crm_stmt_reset(s);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read the knowledge base");
}

static int print_ids(struct crm_ctx *ctx, const int64_t *ids, size_t n, FILE *out)
{
	static const char sql[] = "SELECT " LIST_COLS " WHERE a.id = ?1";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int st = 0;
	if (!out)
		return 0;
	if (!s)
		return EX_SOFTWARE;
	struct crm_out *o = list_out(ctx, out);
	for (size_t i = 0; i < n && !st; i++) {
		crm_bind_int(s, 1, ids[i]);
		st = put_rows(ctx, s, o, NLIST);
	}
	crm_out_end(o);
	return st;
}

/* Load article id into c with its author: 0, 1 after "no such article"
 * (also when the actor may not see it: a draft of someone else's). */
static int load(struct crm_ctx *ctx, int64_t id, struct art *c, int64_t *author)
{
	static const char sql[] =
		"SELECT a.title, a.body, a.format, a.tags, a.status, a.author_id FROM kb_articles a"
		" WHERE a.id = :id AND " KB_VISIBLE;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, s);
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	int rc = crm_step(s);
	memset(c, 0, sizeof *c);
	if (rc == CRM_ROW) {
		char **slot[] = {&c->title, &c->body, &c->format, &c->tags, &c->status};
		for (int i = 0; i < 5; i++)
			*slot[i] = crm_col_null(s, i) ? NULL : crm_xstrdup(crm_col_text(s, i));
		*author = crm_col_int(s, 5);
	}
	crm_stmt_reset(s);
	if (rc == CRM_ROW)
		return 0;
	if (rc != CRM_DONE)
		return crm_db_fail(ctx->db, "cannot read article");
	crm_warn("no such article %lld", (long long)id);
	return CRM_EX_NOTFOUND;
}

int crm_kb_list(struct crm_ctx *ctx, const struct crm_kb_filter *f, FILE *out)
{
	struct crm_buf q = {0};
	struct crm_stmt *s;
	int st;
	if (f->status && strcmp(f->status, "draft") && strcmp(f->status, "published"))
		return crm_usage_fail("unknown status '%s' (draft or published)", f->status);
	crm_buf_add(&q, "SELECT " LIST_COLS " WHERE " KB_VISIBLE);
	if (f->status)
		crm_buf_add(&q, " AND a.status = :status");
	if (f->tag) {
		/* the engine's tag filter is over t: a's tags as t's */
		crm_buf_add(&q, " AND EXISTS (SELECT 1 FROM kb_articles t WHERE t.id = a.id");
		crm_sql_tag_filter(ctx, &q);
		crm_buf_add(&q, ")");
	}
	crm_buf_add(&q, " ORDER BY a.id");
	char *sql = crm_buf_take(&q);
	if (crm_db_prepare(ctx->db, sql, &s) != CRM_OK) {
		free(sql);
		return crm_db_fail(ctx->db, "cannot list articles");
	}
	free(sql);
	crm_ctx_bind_actor(ctx, s);
	crm_bind_named_text(s, ":status", f->status);
	if (f->tag) {
		char *tag = crm_xstrdup(f->tag);
		crm_bind_owned(s, crm_param_index(s, ":tag"), crm_xstrdup(crm_trim(tag)));
		free(tag);
	}
	struct crm_out *o = list_out(ctx, out);
	st = put_rows(ctx, s, o, NLIST);
	crm_out_end(o);
	crm_stmt_finish(s);
	return st;
}

int crm_kb_show(struct crm_ctx *ctx, int64_t id, FILE *out)
{
	static const char sql[] =
		"SELECT a.id, a.title, a.status, a.format, a.tags,"
		" (SELECT login FROM users u WHERE u.id = a.author_id), a.created_at, a.updated_at,"
		" (SELECT count(*) FROM ticket_articles ta WHERE ta.article_id = a.id), a.body"
		" FROM kb_articles a WHERE a.id = :id AND " KB_VISIBLE;
	static const char *const names[] = {
		"id", "title", "status", "format", "tags", "author", "created_at", "updated_at",
		"tickets",
	};
	bool table = ctx->opts->format == CRM_FMT_TABLE;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	int rc;
	if (!s)
		return EX_SOFTWARE;
	crm_ctx_bind_actor(ctx, s);
	crm_bind_int(s, crm_param_index(s, ":id"), id);
	if ((rc = crm_step(s)) != CRM_ROW) {
		crm_stmt_reset(s);
		if (rc != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot read article");
		crm_warn("no such article %lld", (long long)id);
		return CRM_EX_NOTFOUND;
	}
	fputs(table ? "" : "# article\n", out);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, table || !ctx->opts->no_header);
	crm_out_col(o, "field", CRM_COL_TEXT);
	crm_out_col(o, "value", CRM_COL_TEXT);
	for (int i = 0; i < 9; i++) {
		const char *row[] = {names[i], crm_col_str(s, i)};
		crm_out_row(o, row);
	}
	crm_out_end(o);
	/* the body as it is: text, not a TSV cell */
	const char *body = crm_col_text(s, 9);
	size_t len = strlen(body);
	fprintf(out, "\n%sbody\n%s%s", table ? "" : "# ", body, len && body[len - 1] == '\n' ? "" : "\n");
	crm_stmt_reset(s);
	fprintf(out, "\n%shistory\n", table ? "" : "# ");
	o = crm_out_new(out, ctx->opts->format, table || !ctx->opts->no_header);
	rc = crm_history_print(ctx, "article", id, o);
	crm_out_end(o);
	return rc;
}

/* ---- writing ---- */

static int insert(struct crm_ctx *ctx, const struct art *c, int64_t *id)
{
	static const char sql[] =
		"INSERT INTO kb_articles (title, body, format, tags, status, author_id, created_at,"
		" updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) RETURNING id";
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	const char *fmt = c->format ? c->format : "text", *status = c->status ? c->status : "draft";
	int st;
	if (!s)
		return EX_SOFTWARE;
	crm_bind_str(s, 1, c->title);
	crm_bind_str(s, 2, c->body);
	crm_bind_str(s, 3, fmt);
	crm_bind_text(s, 4, c->tags);
	crm_bind_str(s, 5, status);
	crm_bind_id(s, 6, ctx->actor.id);
	crm_bind_str(s, 7, crm_db_now(ctx->db));
	if ((st = crm_db_row(ctx->db, s, "cannot add article")))
		return st;
	*id = crm_col_int(s, 0);
	crm_stmt_reset(s);
	const char *vals[] = {c->title, c->body, fmt, c->tags, status};
	static const char *const names[] = {"title", "body", "format", "tags", "status"};
	for (int i = 0; i < 5 && !st; i++)
		if (vals[i])
			st = crm_audit_write(ctx->db, "article", *id, "create", names[i], NULL, vals[i]);
	return st;
}

int crm_kb_add(struct crm_ctx *ctx, const struct crm_kb_article *a, FILE *out)
{
	struct art c;
	char why[200];
	int64_t id = 0;
	int st;
	if (!a->title || !a->body) {
		crm_warn("an article needs a %s", a->title ? "body" : "title");
		return EX_DATAERR;
	}
	if ((st = check_art(a, &c, why, sizeof why))) {
		crm_warn("%s", why);
		return st;
	}
	if (c.status && strcmp(c.status, "published") == 0 &&
	    (st = crm_ctx_require_manager(ctx, "publish an article"))) {
		art_free(&c);
		return st;
	}
	if (!(st = crm_db_begin(ctx->db)))
		st = insert(ctx, &c, &id);
	art_free(&c);
	return crm_ctx_end_print(ctx, st, print_ids, &id, 1, out);
}

/* May the actor change an article by author in status?  Managers and
 * admins any; the others their own drafts. */
static int may_change(struct crm_ctx *ctx, int64_t author, const char *status)
{
	if (ctx->actor.role >= CRM_ROLE_MANAGER)
		return 0;
	if (author && author == ctx->actor.id && strcmp(status, "draft") == 0)
		return 0;
	crm_warn("permission denied: only a manager or an admin may change %s",
		 strcmp(status, "draft") ? "a published article" : "another author's draft");
	return EX_NOPERM;
}

static int same(const char *a, const char *b)
{
	return (a ? a : "")[0] == (b ? b : "")[0] && strcmp(a ? a : "", b ? b : "") == 0;
}

/* Write the fields of chg that differ from cur to article id. */
static int apply(struct crm_ctx *ctx, int64_t id, const struct art *cur, const struct art *chg,
		 bool given_tags, int *changed)
{
	static const char *const sqls[] = {
		"UPDATE kb_articles SET title = ?2, updated_at = ?3 WHERE id = ?1",
		"UPDATE kb_articles SET body = ?2, updated_at = ?3 WHERE id = ?1",
		"UPDATE kb_articles SET format = ?2, updated_at = ?3 WHERE id = ?1",
		"UPDATE kb_articles SET tags = ?2, updated_at = ?3 WHERE id = ?1",
		"UPDATE kb_articles SET status = ?2, updated_at = ?3 WHERE id = ?1",
	};
	static const char *const names[] = {"title", "body", "format", "tags", "status"};
	const char *old[] = {cur->title, cur->body, cur->format, cur->tags, cur->status};
	const char *new[] = {chg->title, chg->body, chg->format, chg->tags, chg->status};
	int st = 0;
	*changed = 0;
	for (int i = 0; i < 5 && !st; i++) {
		if ((!new[i] && !(i == 3 && given_tags)) || same(old[i], new[i]))
			continue;
		struct crm_stmt *s = crm_db_stmt(ctx->db, sqls[i]);
		if (!s)
			return EX_SOFTWARE;
		crm_bind_int(s, 1, id);
		crm_bind_text(s, 2, new[i]);
		crm_bind_str(s, 3, crm_db_now(ctx->db));
		int rc = crm_step(s);
		crm_stmt_reset(s);
		if (rc != CRM_DONE)
			return crm_db_fail(ctx->db, "cannot change article");
		st = crm_audit_write(ctx->db, "article", id, "update", names[i], old[i], new[i]);
		(*changed)++;
	}
	return st;
}

static int change(struct crm_ctx *ctx, int64_t id, const struct art *chg, bool given_tags,
		  FILE *out)
{
	struct art cur;
	int64_t author = 0;
	int st, changed = 0;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if ((st = load(ctx, id, &cur, &author)))
		return crm_ctx_end(ctx, st);
	st = may_change(ctx, author, cur.status);
	if (!st && chg->status && strcmp(chg->status, cur.status) != 0)
		st = crm_ctx_require_manager(ctx, strcmp(chg->status, "published") == 0
					     ? "publish an article" : "unpublish an article");
	if (!st)
		st = apply(ctx, id, &cur, chg, given_tags, &changed);
	art_free(&cur);
	if (!st && !changed && !ctx->opts->quiet)
		crm_warn("article %lld: nothing to change", (long long)id);
	return crm_ctx_end_print(ctx, st, print_ids, &id, 1, out);
}

int crm_kb_edit(struct crm_ctx *ctx, int64_t id, const struct crm_kb_article *a, FILE *out)
{
	struct art chg;
	char why[200];
	int st;
	if (!a->title && !a->body && !a->format && !a->tags && !a->status)
		return crm_usage_fail("edit: nothing to change (--title, --body, --file, --tags, --format)");
	if ((st = check_art(a, &chg, why, sizeof why))) {
		crm_warn("article %lld: %s", (long long)id, why);
		return st;
	}
	st = change(ctx, id, &chg, a->tags != NULL, out);
	art_free(&chg);
	return st;
}

int crm_kb_publish(struct crm_ctx *ctx, int64_t id, bool publish, FILE *out)
{
	struct art chg = {0};
	int st = crm_ctx_require_manager(ctx, publish ? "publish an article" : "unpublish an article");
	if (st)
		return st;
	chg.status = crm_xstrdup(publish ? "published" : "draft");
	st = change(ctx, id, &chg, false, out);
	art_free(&chg);
	return st;
}

/* ---- import ---- */

static const char *const import_cols[] = {"title", "body", "tags", "status", "format"};

/* The good articles of rows, checked, onto *arts: none is inserted until
 * every file is read, so that input with a bad row inserts nothing (and
 * takes no id: PostgreSQL's identity would not give it back). */
static int import_file(struct crm_rows *rows, struct crm_rejects *rj,
		       struct art **arts, size_t *narts)
{
	int col[5], rc, st = 0;
	for (int i = 0; i < 5; i++)
		col[i] = crm_rows_col(rows, import_cols[i]);
	for (int i = 0; i < 2; i++)
		if (col[i] < 0) {
			crm_warn("%s: missing column '%s'", crm_rows_name(rows), import_cols[i]);
			return EX_DATAERR;
		}
	for (size_t i = 0; i < crm_rows_ncols(rows); i++) {
		const char *name = crm_rows_colname(rows, i);
		int k = 0;
		while (k < 5 && strcmp(name, import_cols[k]) != 0)
			k++;
		if (k == 5) {
			crm_warn("%s: unknown column '%s' (title, body, tags, status, format)",
				 crm_rows_name(rows), name);
			return EX_DATAERR;
		}
	}
	rj->header_of = NULL;
	while ((rc = crm_rows_next(rows)) != 0) {
		if (rc < 0) {
			if ((st = -rc) != EX_DATAERR)
				return st;
			crm_reject(rj, rows, NULL);
			continue;
		}
		const char *v[5];
		for (int i = 0; i < 5; i++) {
			v[i] = col[i] >= 0 ? crm_rows_field(rows, (size_t)col[i]) : NULL;
			if (v[i] && !*v[i] && i >= 2)
				v[i] = NULL;	/* an empty cell: the default */
		}
		struct crm_kb_article a = {v[0] ? v[0] : "", v[1] ? v[1] : "", v[4], v[2], v[3]};
		struct art c;
		char why[200];
		if (check_art(&a, &c, why, sizeof why)) {
			crm_reject(rj, rows, why);
			continue;
		}
		if (rj->bad == 0 || rj->skip_bad) {
			*arts = crm_xrealloc(*arts, (*narts + 1) * sizeof **arts);
			(*arts)[(*narts)++] = c;
		} else {
			art_free(&c);
		}
	}
	return 0;
}

int crm_kb_import(struct crm_ctx *ctx, int format, bool skip_bad, const char *reject,
		  char **files, int nfiles, FILE *out)
{
	static char dash[] = "-";
	char *stdin_only[] = {dash};
	struct crm_rejects rj;
	int64_t *ids = NULL;
	struct art *arts = NULL;
	size_t nids = 0, narts = 0;
	int st;
	if ((st = crm_ctx_require_manager(ctx, "import articles")))
		return st;
	if (nfiles == 0) {
		files = stdin_only;
		nfiles = 1;
	}
	if ((st = crm_rejects_open(&rj, ctx, skip_bad, reject, files, nfiles)))
		return st;
	if ((st = crm_db_begin(ctx->db)))
		return crm_rejects_close(&rj, st);
	for (int i = 0; i < nfiles && !st; i++) {
		struct crm_rows *rows = crm_rows_open(files[i], (enum crm_rows_format)format, &st);
		if (!rows)
			break;
		st = import_file(rows, &rj, &arts, &narts);
		crm_rows_close(rows);
	}
	if (!st && (rj.bad == 0 || rj.skip_bad)) {
		ids = crm_xcalloc(narts ? narts : 1, sizeof *ids);
		for (; nids < narts && !st; nids++)
			st = insert(ctx, &arts[nids], &ids[nids]);
	}
	for (size_t i = 0; i < narts; i++)
		art_free(&arts[i]);
	free(arts);
	if (!st)
		st = crm_rejects_status(&rj);
	st = crm_ctx_end(ctx, crm_rejects_save(&rj, st));
	if (!st && out) {
		struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
		crm_out_col(o, "id", CRM_COL_INT);
		for (size_t i = 0; i < nids; i++) {
			char b[24];
			snprintf(b, sizeof b, "%lld", (long long)ids[i]);
			const char *row[] = {b};
			crm_out_row(o, row);
		}
		crm_out_end(o);
	}
	if (!st && !ctx->opts->quiet)
		crm_warn("%s %zu, rejected %ld", ctx->opts->dry_run ? "would import" : "imported",
			 nids, rj.bad);
	free(ids);
	return crm_rejects_close(&rj, st);
}

/* ---- search ---- */

static const char *const search_names[] = {"id", "title", "status", "tags", "snippet", "rank"};

/* Articles matching the FTS query match (NULL: the words of text by LIKE),
 * published ones only unless all.  terms: the snippet is made here around
 * the first of them (suggest's overlapping pieces would repeat text in
 * FTS5's snippet). */
static int run_search(struct crm_ctx *ctx, const char *match, const char *text, int limit,
		      bool all, char **terms, int nterms, FILE *out)
{
	static const char *const like_cols[] = {"a.title", "a.body", "a.tags", NULL};
	static const int weights[] = {10, 1, 5};	/* bm25's below */
	bool fts5 = crm_dialect(ctx->db)->fts5;
	struct crm_buf q = {0};
	struct crm_stmt *s;
	char **words = NULL, **w;
	int nwords = 0, nw, st;
	crm_buf_add(&q, "SELECT a.id, a.title, a.status, a.tags, ");
	if (match && fts5) {
		crm_buf_add(&q, terms ? "a.body," : "snippet(kb_fts, -1, '[', ']', '...', 32),");
		crm_buf_add(&q, " printf('%.6g', bm25(kb_fts, 10.0, 1.0, 5.0))"
			    " FROM kb_fts JOIN kb_articles a ON a.id = kb_fts.rowid"
			    " WHERE kb_fts MATCH :q");
	} else if (match) {
		/* PostgreSQL: the same terms (suggest's OR-ed) through the trigram
		 * indexes by ILIKE, ranked by crm_search_rank (search.h) */
		if (!terms)
			words = crm_search_words(text, &nwords);
		crm_buf_add(&q, "a.body, ");
		crm_search_rank(&q, like_cols, weights, terms ? nterms : nwords);
		crm_buf_add(&q, " FROM kb_articles a WHERE TRUE");
		crm_search_like(&q, "ILIKE", like_cols, terms ? nterms : nwords, terms != NULL);
	} else {
		words = crm_search_words(text, &nwords);
		crm_buf_add(&q, "a.body, NULL FROM kb_articles a WHERE TRUE");
		crm_search_like(&q, crm_dialect(ctx->db)->like_nocase, like_cols, nwords, false);
		if (!nwords)
			crm_buf_add(&q, " AND FALSE");	/* no words: nothing to find */
	}
	if (!all)
		crm_buf_add(&q, " AND a.status = 'published'");
	if (match && !fts5) {
		crm_buf_add(&q, " ORDER BY 6, ");
		crm_search_length(&q, like_cols);
		crm_buf_add(&q, ", a.id LIMIT :limit");
	} else {
		crm_buf_add(&q, match ? " ORDER BY bm25(kb_fts, 10.0, 1.0, 5.0), a.id LIMIT :limit"
			    : " ORDER BY a.id LIMIT :limit");
	}
	if (crm_db_prepare(ctx->db, q.s, &s) != CRM_OK) {
		free(q.s);
		for (int i = 0; i < nwords; i++)
			free(words[i]);
		free(words);
		return crm_db_fail(ctx->db, "cannot search articles");
	}
	free(q.s);
	if (match && fts5)
		crm_bind_str(s, crm_param_index(s, ":q"), match);
	w = words ? words : terms;
	nw = words ? nwords : nterms;
	crm_search_bind_words(s, w, nw);
	crm_bind_int(s, crm_param_index(s, ":limit"), limit > 0 ? limit : INT32_MAX);
	struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
	for (size_t i = 0; i < 6; i++)
		crm_out_col(o, search_names[i], i == 0 ? CRM_COL_INT : i == 5 ? CRM_COL_NUM
			    : CRM_COL_TEXT);
	int rc;
	while ((rc = crm_step(s)) == CRM_ROW) {
		/* PostgreSQL's snippet: of the title, body or tags */
		const char *texts[] = {crm_col_str(s, 1), crm_col_str(s, 4), crm_col_str(s, 3)};
		char *snip = match && !fts5 ? crm_search_snippet_best(texts, 3, w, nw)
			     : w ? crm_search_snippet(crm_col_text(s, 4), w, nw) : NULL;
		const char *row[] = {crm_col_str(s, 0), crm_col_str(s, 1), crm_col_str(s, 2),
				     crm_col_str(s, 3), snip ? snip : crm_col_str(s, 4),
				     crm_col_str(s, 5)};
		crm_out_row(o, row);
		free(snip);
	}
	crm_out_end(o);
	crm_stmt_finish(s);
	for (int i = 0; i < nwords; i++)
		free(words[i]);
	free(words);
	st = rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot search articles");
	return st;
}

int crm_kb_search(struct crm_ctx *ctx, const char *query, int limit, bool all, FILE *out)
{
	char *match;
	int st;
	if (all && (st = crm_ctx_require_manager(ctx, "search drafts (--all)")))
		return st;
	crm_fts_query(query, false, &match);
	st = run_search(ctx, match, query, limit, all, NULL, 0, out);
	free(match);
	return st;
}

int crm_kb_suggest(struct crm_ctx *ctx, const char *ticket, const char *text, int limit,
		   FILE *out)
{
	static const char sql[] = "SELECT t.subject || ' ' || coalesce(t.body, '') FROM tickets t"
				  " WHERE t.id = ?1";
	char *owned = NULL, *match;
	int64_t tid;
	int st;
	if (ticket) {
		if ((st = crm_ticket_find(ctx, ticket, &tid)))
			return st;
		struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
		if (!s)
			return EX_SOFTWARE;
		crm_bind_int(s, 1, tid);
		int rc = crm_step(s);
		if (rc == CRM_ROW)
			owned = crm_xstrdup(crm_col_text(s, 0));
		crm_stmt_reset(s);
		if (rc != CRM_ROW)
			return crm_db_fail(ctx->db, "cannot read ticket");
		text = owned;
	}
	if (!crm_fts_query(text, true, &match)) {
		/* nothing of three characters or more: no likely article */
		free(owned);
		struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
		for (size_t i = 0; i < 6; i++)
			crm_out_col(o, search_names[i], i == 0 ? CRM_COL_INT : CRM_COL_TEXT);
		crm_out_end(o);
		return 0;
	}
	int nterms;
	char **terms = crm_fts_terms(text, &nterms);
	st = run_search(ctx, match, NULL, limit, false, terms, nterms, out);
	for (int i = 0; i < nterms; i++)
		free(terms[i]);
	free(terms);
	free(match);
	free(owned);
	return st;
}

int crm_kb_link(struct crm_ctx *ctx, const char *ticket, int64_t article, FILE *out)
{
	static const char sql[] =
		"INSERT INTO ticket_articles (ticket_id, article_id, user_id, at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (ticket_id, article_id) DO NOTHING";
	struct art cur;
	int64_t tid, author;
	char aid[24];
	int st;
	if ((st = crm_db_begin(ctx->db)))
		return st;
	if ((st = crm_ticket_find(ctx, ticket, &tid)) || (st = load(ctx, article, &cur, &author)))
		return crm_ctx_end(ctx, st);
	art_free(&cur);
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return crm_ctx_end(ctx, EX_SOFTWARE);
	crm_bind_int(s, 1, tid);
	crm_bind_int(s, 2, article);
	crm_bind_id(s, 3, ctx->actor.id);
	crm_bind_str(s, 4, crm_db_now(ctx->db));
	int rc = crm_step(s);
	crm_stmt_reset(s);
	if (rc != CRM_DONE)
		return crm_ctx_end(ctx, crm_db_fail(ctx->db, "cannot link article"));
	bool added = crm_db_changes(ctx->db) > 0;
	snprintf(aid, sizeof aid, "%lld", (long long)article);
	if (added)
		st = crm_audit_write(ctx->db, "ticket", tid, "link", "article", NULL, aid);
	if ((st = crm_ctx_end(ctx, st)))
		return st;
	if (out) {
		char t[24];
		snprintf(t, sizeof t, "%lld", (long long)tid);
		struct crm_out *o = crm_out_new(out, ctx->opts->format, !ctx->opts->no_header);
		crm_out_col(o, "ticket", CRM_COL_INT);
		crm_out_col(o, "article", CRM_COL_INT);
		crm_out_col(o, "status", CRM_COL_TEXT);
		const char *row[] = {t, aid, added ? "linked" : "already linked"};
		crm_out_row(o, row);
		crm_out_end(o);
	}
	return 0;
}
