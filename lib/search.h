/* search.h: full-text search over the FTS5 trigram indexes of schema 9
 * (kb_fts, ticket_fts, interaction_fts), and the query builder that turns
 * what someone typed into a MATCH expression no text can break.
 *
 * A trigram index matches substrings of three characters or more, so a
 * word of one or two characters (打印, "ab") cannot go through MATCH: the
 * searches here then scan the table with LIKE instead (no rank, and the
 * time grows with the table).  Ranks are bm25 scores: lower is a better
 * match.
 *
 * FTS5 is SQLite's.  On PostgreSQL (the dialect's fts5 false) the same
 * terms are matched by ILIKE '%term%' over the columns, which the pg_trgm
 * GIN indexes (kb_fts_title, ..., interaction_fts_summary) serve for
 * terms of 3 characters or more: every term a substring of some column,
 * case ignored, as FTS5's trigram MATCH of a quoted string.  The rank is
 * crm_search_rank's score, the snippet crm_search_snippet's. */
#ifndef CRM_SEARCH_H
#define CRM_SEARCH_H

#include <stdbool.h>

#include "ctx.h"
#include "out.h"

/* Build into *out (malloc'd) an FTS5 query from text, every term an FTS
 * string ("..." with " doubled), so that no operator (AND OR NOT NEAR * ^
 * - : + parentheses) in text is read as one.
 *   any false (a search): the words of text split at white space, all
 *   required; when one is shorter than 3 characters (code points) the
 *   index cannot take the query: *out is NULL and 0 returned.
 *   any true (likely matches, suggest): words split at white space and
 *   punctuation (ASCII and CJK); a word of CJK characters longer than 3
 *   becomes its overlapping 3-character pieces (打印机卡纸: 打印机 印机卡
 *   机卡纸); words under 3 characters are dropped; the terms OR-ed, each
 *   once.
 * Returns the number of terms (0: *out NULL). */
int crm_fts_query(const char *text, bool any, char **out);

/* The terms crm_fts_query with any makes of text, unquoted, malloc'd
 * (free each and the array); NULL and *n 0 when none. */
char **crm_fts_terms(const char *text, int *n);

/* The words of text split at white space, malloc'd (free each and the
 * array); for the LIKE scans. */
char **crm_search_words(const char *text, int *n);

/* Append to q " AND (col1 LIKE :wK ESCAPE '\' OR col2 ...)" for word k
 * of words, the columns NULL-ended, like the operator ("LIKE", or the
 * dialect's like_nocase); any: one AND of the words OR-ed instead
 * (" AND ((...:w1...) OR (...:w2...))").  crm_search_bind_words binds
 * :w1... (the word between %, its % _ \ escaped) and :t1... (the word). */
struct crm_buf;
struct crm_stmt;
void crm_search_like(struct crm_buf *q, const char *like, const char *const *cols, int nwords,
		     bool any);
void crm_search_bind_words(struct crm_stmt *st, char **words, int nwords);

/* PostgreSQL's rank in place of bm25: append to q the expression
 *	-(sum over columns c and words k of weight[c] * occurrences of :tK in c)
 * the occurrences counted without regard to case (lower()), a NULL column
 * none.  Lower is better, as with bm25.  A tie goes to the shorter text
 * (bm25 weighs a hit in a short text more), crm_search_length's sum of
 * the columns' lengths, then to the lower id. */
void crm_search_rank(struct crm_buf *q, const char *const *cols, const int *weights,
		     int nwords);
void crm_search_length(struct crm_buf *q, const char *const *cols);

/* A snippet of text around the first of words, for the LIKE scans:
 * at most about 12 characters each side, the word in [ ]; malloc'd. */
char *crm_search_snippet(const char *text, char **words, int nwords);

/* PostgreSQL's snippet in place of FTS5's snippet(-1): of the ntexts
 * texts (the FTS table's columns in its order; NULL ones have nothing)
 * the one in which the most of words occur, the first on a tie, its
 * snippet as crm_search_snippet's but with ASCII case ignored, as the
 * match does; malloc'd. */
char *crm_search_snippet_best(const char *const *texts, int ntexts, char **words, int nwords);

/* Tickets the actor sees (CRM_SQL_VISIBLE_OWNED on the owner) whose
 * subject or body match query: columns id, number, status, subject,
 * snippet, rank (bm25; the subject weighs 5, the body 1), best first.
 * limit <= 0: every match.  o is new, with no columns yet: this declares
 * them and writes the rows; the caller ends it.  0 or an exit status
 * after reporting. */
int crm_search_tickets(struct crm_ctx *ctx, const char *query, int limit, struct crm_out *o);

/* Interactions (notes, calls, replies) on subjects the actor sees, as
 * crm-log lists them, whose summary matches query: columns id, at,
 * subject_type, subject_id, kind, user, snippet, rank.  As above. */
int crm_search_interactions(struct crm_ctx *ctx, const char *query, int limit,
			    struct crm_out *o);

#endif
