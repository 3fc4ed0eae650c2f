/* search.c: see search.h */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "db.h"
#include "dialect.h"
#include "err.h"
#include "record.h"
#include "search.h"
#include "ticket.h"
#include "subject.h"
#include "text.h"
#include "utf8.h"

/* ---- the query builder ---- */

static bool is_space(uint32_t cp)
{
	return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == '\f' || cp == '\v' ||
	       cp == 0x3000;
}

/* Punctuation that ends a word for suggest: ASCII other than letters and
 * digits, CJK symbols and punctuation, full-width forms' punctuation. */
static bool is_punct(uint32_t cp)
{
	if (cp < 0x80)
		return !((cp >= '0' && cp <= '9') || (cp >= 'a' && cp <= 'z') ||
			 (cp >= 'A' && cp <= 'Z') || cp == '_');
	return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
	       (cp >= 0xFF01 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
	       (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65);
}

/* Ideographs, kana and hangul: the scripts written without spaces. */
static bool is_cjk(uint32_t cp)
{
	return (cp >= 0x2E80 && cp <= 0x9FFF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
	       (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFF);
}

/* The next code point of s at *i (an invalid byte reads as U+FFFD, one
 * byte); its length in *len. */
static uint32_t next_cp(const char *s, size_t n, size_t i, size_t *len)
{
	uint32_t cp;
	*len = crm_utf8_decode(s + i, n - i, &cp);
	if (*len == 0) {
		*len = 1;
		return 0xFFFD;
	}
	return cp;
}

struct terms {
	struct crm_buf q;
	int n;
	bool any;
	char **seen;	/* suggest: each term once */
};

/* Add s[0..len) as one FTS string. */
static void add_term(struct terms *t, const char *s, size_t len)
{
	if (t->any) {
		for (int i = 0; i < t->n; i++)
			if (strlen(t->seen[i]) == len && memcmp(t->seen[i], s, len) == 0)
				return;
		t->seen = crm_xrealloc(t->seen, (size_t)(t->n + 1) * sizeof *t->seen);
		t->seen[t->n] = crm_xstrndup(s, len);
	}
	if (t->n)
		crm_buf_add(&t->q, t->any ? " OR " : " ");
	crm_buf_addc(&t->q, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			crm_buf_addc(&t->q, '"');
		crm_buf_addc(&t->q, s[i]);
	}
	crm_buf_addc(&t->q, '"');
	t->n++;
}

/* A word of suggest: a CJK run longer than 3 goes in overlapping pieces
 * of 3 code points; anything else of at least 3 as it is. */
static void add_word(struct terms *t, const char *s, size_t len, size_t ncp, bool cjk)
{
	if (ncp < 3)
		return;
	if (!cjk || ncp == 3) {
		add_term(t, s, len);
		return;
	}
	size_t off[4], k = 0, i = 0, l;
	/* a window of the byte offsets of the last three code points */
	while (i < len) {
		off[k % 4] = i;
		next_cp(s, len, i, &l);
		i += l;
		k++;
		if (k >= 3)
			add_term(t, s + off[(k - 3) % 4], i - off[(k - 3) % 4]);
	}
}

/* The terms of text into t (see crm_fts_query); 0 when a search word is
 * too short. */
static int build(const char *text, bool any, struct terms *t)
{
	size_t n = text ? strlen(text) : 0, i = 0, len;
	t->any = any;
	while (i < n) {
		/* skip the separators */
		uint32_t cp = next_cp(text, n, i, &len);
		if (is_space(cp) || (any && (is_punct(cp) || cp == 0xFFFD))) {
			i += len;
			continue;
		}
		size_t start = i, ncp = 0;
		bool cjk = is_cjk(cp);
		while (i < n) {
			cp = next_cp(text, n, i, &len);
			if (is_space(cp))
				break;
			/* suggest splits at punctuation and where the script changes */
			if (any && (is_punct(cp) || cp == 0xFFFD || is_cjk(cp) != cjk))
				break;
			i += len;
			ncp++;
		}
		if (any)
			add_word(t, text + start, i - start, ncp, cjk);
		else if (ncp < 3)
			return 0;
		else
			add_term(t, text + start, i - start);
	}
	return t->n;
}

int crm_fts_query(const char *text, bool any, char **out)
{
	struct terms t = {0};
	int n = build(text, any, &t);
	for (int k = 0; k < t.n && t.seen; k++)
		free(t.seen[k]);
	free(t.seen);
	*out = NULL;
	if (!n) {
		free(t.q.s);
		return 0;
	}
	*out = crm_buf_take(&t.q);
	return n;
}

char **crm_fts_terms(const char *text, int *n)
{
	struct terms t = {0};
	*n = build(text, true, &t);
	free(t.q.s);
	if (!*n) {
		free(t.seen);
		return NULL;
	}
	return t.seen;
}

char **crm_search_words(const char *text, int *n)
{
	char **w = NULL;
	size_t len = text ? strlen(text) : 0, i = 0, l;
	*n = 0;
	while (i < len) {
		if (is_space(next_cp(text, len, i, &l))) {
			i += l;
			continue;
		}
		size_t start = i;
		while (i < len && !is_space(next_cp(text, len, i, &l)))
			i += l;
		w = crm_xrealloc(w, (size_t)(*n + 1) * sizeof *w);
		w[(*n)++] = crm_xstrndup(text + start, i - start);
	}
	return w;
}

void crm_search_like(struct crm_buf *q, const char *like, const char *const *cols, int nwords,
		     bool any)
{
	char p[32];
	if (any && nwords)
		crm_buf_add(q, " AND (");
	for (int k = 1; k <= nwords; k++) {
		snprintf(p, sizeof p, ":w%d", k);
		crm_buf_add(q, !any ? " AND (" : k > 1 ? " OR (" : "(");
		for (size_t c = 0; cols[c]; c++) {
			crm_buf_add(q, c ? " OR " : "");
			crm_buf_add(q, cols[c]);
			crm_buf_addc(q, ' ');
			crm_buf_add(q, like);
			crm_buf_addc(q, ' ');
			crm_buf_add(q, p);
			crm_buf_add(q, " ESCAPE '\\'");
		}
		crm_buf_add(q, ")");
	}
	if (any && nwords)
		crm_buf_add(q, ")");
}

void crm_search_rank(struct crm_buf *q, const char *const *cols, const int *weights,
		     int nwords)
{
	char t[64];
	crm_buf_add(q, "-(0");
	for (size_t c = 0; cols[c]; c++)
		for (int k = 1; k <= nwords; k++) {
			/* the characters the word's occurrences take, over its
			 * length (3 or more: words of a match); SQL of both engines */
			snprintf(t, sizeof t, "lower(CAST(:t%d AS TEXT))", k);
			char *e = crm_xasprintf(
				" + %d * ((length(lower(coalesce(%s, ''))) - length(replace(lower("
				"coalesce(%s, '')), %s, ''))) / length(%s))",
				weights[c], cols[c], cols[c], t, t);
			crm_buf_add(q, e);
			free(e);
		}
	crm_buf_add(q, ")");
}

void crm_search_length(struct crm_buf *q, const char *const *cols)
{
	for (size_t c = 0; cols[c]; c++) {
		crm_buf_add(q, c ? " + length(coalesce(" : "length(coalesce(");
		crm_buf_add(q, cols[c]);
		crm_buf_add(q, ", ''))");
	}
}

void crm_search_bind_words(struct crm_stmt *st, char **words, int nwords)
{
	char p[32];
	for (int k = 0; k < nwords; k++) {
		struct crm_buf b = {0};
		crm_buf_addc(&b, '%');
		for (const char *s = words[k]; *s; s++) {
			if (*s == '%' || *s == '_' || *s == '\\')
				crm_buf_addc(&b, '\\');
			crm_buf_addc(&b, *s);
		}
		crm_buf_addc(&b, '%');
		snprintf(p, sizeof p, ":w%d", k + 1);
		int i = crm_param_index(st, p);
		if (i > 0)
			crm_bind_owned(st, i, crm_buf_take(&b));
		else
			free(b.s);
		/* the word itself, for crm_search_rank */
		snprintf(p, sizeof p, ":t%d", k + 1);
		if ((i = crm_param_index(st, p)) > 0)
			crm_bind_str(st, i, words[k]);
	}
}

/* Back n code points from byte i of s (not before 0). */
static size_t back_cps(const char *s, size_t i, int n)
{
	while (i > 0 && n > 0) {
		i--;
		while (i > 0 && ((unsigned char)s[i] & 0xC0) == 0x80)
			i--;
		n--;
	}
	return i;
}

static size_t fwd_cps(const char *s, size_t len, size_t i, int n)
{
	size_t l;
	while (i < len && n-- > 0) {
		next_cp(s, len, i, &l);
		i += l;
	}
	return i;
}

/* The snippet of text around hit (wl bytes), or of its start when hit is
 * NULL. */
static char *snippet_at(const char *text, const char *hit, size_t wl)
{
	size_t len = text ? strlen(text) : 0;
	if (!hit) {
		size_t end = fwd_cps(text ? text : "", len, 0, 24);
		return crm_xasprintf("%.*s%s", (int)end, text ? text : "", end < len ? "..." : "");
	}
	size_t at = (size_t)(hit - text);
	size_t from = back_cps(text, at, 12), to = fwd_cps(text, len, at + wl, 12);
	return crm_xasprintf("%s%.*s[%.*s]%.*s%s", from ? "..." : "", (int)(at - from), text + from,
			     (int)wl, hit, (int)(to - at - wl), hit + wl, to < len ? "..." : "");
}

char *crm_search_snippet(const char *text, char **words, int nwords)
{
	const char *hit = NULL;
	int w = 0;
	for (; w < nwords && !hit; w++)
		hit = text ? strstr(text, words[w]) : NULL;
	return snippet_at(text, hit, hit ? strlen(words[w - 1]) : 0);
}

static int lower_ascii(int c) { return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c; }

/* Where word first occurs in text, ASCII case ignored; NULL: nowhere. */
static const char *find_nocase(const char *text, const char *word)
{
	size_t wl = strlen(word);
	for (const char *t = text; t && *t; t++) {
		size_t i = 0;
		while (i < wl && t[i] && lower_ascii((unsigned char)t[i]) ==
		       lower_ascii((unsigned char)word[i]))
			i++;
		if (i == wl)
			return t;
	}
	return NULL;
}

char *crm_search_snippet_best(const char *const *texts, int ntexts, char **words, int nwords)
{
	int best = 0, most = -1;
	for (int c = 0; c < ntexts; c++) {
		int found = 0;
		for (int w = 0; w < nwords; w++)
			found += find_nocase(texts[c], words[w]) != NULL;
		if (found > most) {
			most = found;
			best = c;
		}
	}
	const char *text = ntexts ? texts[best] : NULL, *hit = NULL;
	int w = 0;
	for (; w < nwords && !hit; w++)
		hit = find_nocase(text, words[w]);
	return snippet_at(text, hit, hit ? strlen(words[w - 1]) : 0);
}

/* ---- the searches ---- */

static int prepare(struct crm_ctx *ctx, const char *sql, struct crm_stmt **st)
{
	if (crm_db_prepare(ctx->db, sql, st) != CRM_OK) {
		crm_warn("internal error: cannot prepare statement: %s", crm_db_errmsg(ctx->db));
		return EX_SOFTWARE;
	}
	crm_ctx_bind_actor(ctx, *st);
	return 0;
}

/* Run st (its last column the rank, else NULL), each row out; words: the
 * snippet is made here around the first of them: from column text_col
 * for a scan (no rank), from the best of the columns text_cols (ntext)
 * for PostgreSQL's ranked matches. */
static int rows(struct crm_ctx *ctx, struct crm_stmt *st, struct crm_out *o, int ncols,
		char **words, int nwords, int text_col, const int *text_cols, int ntext,
		const char *what)
{
	const char *row[16], *texts[4];
	int rc;
	while ((rc = crm_step(st)) == CRM_ROW) {
		char *snip = NULL;
		for (int i = 0; i < ncols; i++)
			row[i] = crm_col_str(st, i);
		if (words && text_cols) {	/* PostgreSQL's match: ranked */
			for (int c = 0; c < ntext; c++)
				texts[c] = crm_col_str(st, text_cols[c]);
			snip = crm_search_snippet_best(texts, ntext, words, nwords);
			row[ncols - 2] = snip;
		} else if (words) {	/* the LIKE scan: the snippet made here, no rank */
			snip = crm_search_snippet(crm_col_text(st, text_col), words, nwords);
			row[ncols - 2] = snip;
			row[ncols - 1] = NULL;
		}
		crm_out_row(o, row);
		free(snip);
	}
	crm_stmt_finish(st);
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, what);
}

static void free_words(char **w, int n)
{
	for (int i = 0; i < n; i++)
		free(w[i]);
	free(w);
}

/* A limit the statement takes: none as the largest. */
static int64_t limit_of(int limit) { return limit > 0 ? limit : INT64_MAX; }

/* Prepare the search built in q and print its rows (rows above): bound
 * are the FTS query match (NULL: none; taken, as words are) and the words
 * of a scan.  0 or a status. */
static int run_search(struct crm_ctx *ctx, struct crm_buf *q, char *match, char **words,
		      int nwords, int limit, struct crm_out *o, int ncols, int text_col,
		      const int *text_cols, int ntext, const char *what)
{
	struct crm_stmt *st;
	int rc = prepare(ctx, q->s, &st);
	free(q->s);
	q->s = NULL;
	if (!rc) {
		if (match)
			crm_bind_owned(st, crm_param_index(st, ":q"), match);
		match = NULL;
		crm_search_bind_words(st, words, nwords);
		crm_bind_int(st, crm_param_index(st, ":limit"), limit_of(limit));
		rc = rows(ctx, st, o, ncols, words, nwords, text_col, text_cols, ntext, what);
	}
	free(match);
	free_words(words, nwords);
	return rc;
}

int crm_search_tickets(struct crm_ctx *ctx, const char *query, int limit, struct crm_out *o)
{
	static const char *const like_cols[] = {"t.subject", "t.body", NULL};
	static const char *const names[] = {"id", "number", "status", "subject", "snippet", "rank"};
	static const char head[] = "SELECT t.id, t.number, t.status, t.subject, ";
	static const char vis[] = " AND " CRM_SQL_TICKET_SEEN("t");
	struct crm_buf q = {0};
	char *match, **words = NULL;
	int nwords = 0;
	for (size_t i = 0; i < 6; i++)
		crm_out_col(o, names[i], i == 0 ? CRM_COL_INT : i == 5 ? CRM_COL_NUM : CRM_COL_TEXT);
	static const int weights[] = {5, 1};
	static const int text_cols[] = {3, 4};	/* subject, body */
	bool fts5 = crm_dialect(ctx->db)->fts5, ranked = false;
	crm_buf_add(&q, head);
	if (crm_fts_query(query, false, &match) && !fts5) {
		/* PostgreSQL: the trigram indexes by ILIKE, crm_search_rank */
		ranked = true;
		words = crm_search_words(query, &nwords);
		crm_buf_add(&q, "t.body, ");
		crm_search_rank(&q, like_cols, weights, nwords);
		crm_buf_add(&q, " FROM tickets t WHERE TRUE");
		crm_search_like(&q, "ILIKE", like_cols, nwords, false);
		if (ctx->actor.role != CRM_ROLE_ADMIN)
			crm_buf_add(&q, vis);
		crm_buf_add(&q, " ORDER BY 6, ");
		crm_search_length(&q, like_cols);
		crm_buf_add(&q, ", t.id LIMIT :limit");
	} else if (match) {
		crm_buf_add(&q, "snippet(ticket_fts, -1, '[', ']', '...', 32),"
			    " printf('%.6g', bm25(ticket_fts, 5.0, 1.0))"
			    " FROM ticket_fts JOIN tickets t ON t.id = ticket_fts.rowid"
			    " WHERE ticket_fts MATCH :q");
		if (ctx->actor.role != CRM_ROLE_ADMIN)
			crm_buf_add(&q, vis);
		crm_buf_add(&q, " ORDER BY bm25(ticket_fts, 5.0, 1.0), t.id LIMIT :limit");
	} else {
		words = crm_search_words(query, &nwords);
		crm_buf_add(&q, "coalesce(t.body, t.subject), NULL FROM tickets t WHERE TRUE");
		crm_search_like(&q, crm_dialect(ctx->db)->like_nocase, like_cols, nwords, false);
		if (!nwords)
			crm_buf_add(&q, " AND FALSE");	/* no words: nothing to find */
		if (ctx->actor.role != CRM_ROLE_ADMIN)
			crm_buf_add(&q, vis);
		crm_buf_add(&q, " ORDER BY t.id DESC LIMIT :limit");
	}
	if (!fts5) {	/* the scan binds words, no FTS query */
		free(match);
		match = NULL;
	}
	return run_search(ctx, &q, match, words, nwords, limit, o, 6, 4,
			  ranked ? text_cols : NULL, 2, "cannot search tickets");
}

int crm_search_interactions(struct crm_ctx *ctx, const char *query, int limit,
			    struct crm_out *o)
{
	static const char *const like_cols[] = {"i.summary", NULL};
	static const char *const names[] = {
		"id", "at", "subject_type", "subject_id", "kind", "user", "snippet", "rank",
	};
	struct crm_buf q = {0};
	char *match, **words = NULL, *vis = NULL;
	int nwords = 0;
	for (size_t i = 0; i < 8; i++)
		crm_out_col(o, names[i], i == 0 || i == 3 ? CRM_COL_INT
			    : i == 7 ? CRM_COL_NUM : CRM_COL_TEXT);
	/* whom crm-log shows the interaction: an admin sees every subject */
	if (ctx->actor.role != CRM_ROLE_ADMIN)
		vis = crm_subject_sql(ctx, CRM_SUBJECT_VISIBLE, "i.subject_type", "i.subject_id");
	static const int weights[] = {1};
	static const int text_cols[] = {6};	/* summary */
	bool fts5 = crm_dialect(ctx->db)->fts5, ranked = false;
	crm_buf_add(&q, "SELECT i.id, i.at, i.subject_type, i.subject_id, i.kind, u.login, ");
	if (crm_fts_query(query, false, &match) && !fts5) {
		/* PostgreSQL: the trigram index by ILIKE, crm_search_rank */
		ranked = true;
		words = crm_search_words(query, &nwords);
		crm_buf_add(&q, "i.summary, ");
		crm_search_rank(&q, like_cols, weights, nwords);
		crm_buf_add(&q, " FROM interactions i LEFT JOIN users u ON u.id = i.user_id WHERE TRUE");
		crm_search_like(&q, "ILIKE", like_cols, nwords, false);
		if (vis) {
			crm_buf_add(&q, " AND ");
			crm_buf_add(&q, vis);
		}
		crm_buf_add(&q, " ORDER BY 8, ");
		crm_search_length(&q, like_cols);
		crm_buf_add(&q, ", i.id LIMIT :limit");
	} else if (match) {
		crm_buf_add(&q, "snippet(interaction_fts, 0, '[', ']', '...', 32),"
			    " printf('%.6g', bm25(interaction_fts))"
			    " FROM interaction_fts JOIN interactions i ON i.id = interaction_fts.rowid"
			    " LEFT JOIN users u ON u.id = i.user_id"
			    " WHERE interaction_fts MATCH :q");
		if (vis) {
			crm_buf_add(&q, " AND ");
			crm_buf_add(&q, vis);
		}
		crm_buf_add(&q, " ORDER BY bm25(interaction_fts), i.id LIMIT :limit");
	} else {
		words = crm_search_words(query, &nwords);
		crm_buf_add(&q, "i.summary, NULL FROM interactions i"
			    " LEFT JOIN users u ON u.id = i.user_id WHERE TRUE");
		crm_search_like(&q, crm_dialect(ctx->db)->like_nocase, like_cols, nwords, false);
		if (!nwords)
			crm_buf_add(&q, " AND FALSE");
		if (vis) {
			crm_buf_add(&q, " AND ");
			crm_buf_add(&q, vis);
		}
		crm_buf_add(&q, " ORDER BY i.at DESC, i.id DESC LIMIT :limit");
	}
	free(vis);
	if (!fts5) {	/* the scan binds words, no FTS query */
		free(match);
		match = NULL;
	}
	return run_search(ctx, &q, match, words, nwords, limit, o, 8, 6,
			  ranked ? text_cols : NULL, 1, "cannot search interactions");
}
