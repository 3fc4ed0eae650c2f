/* kb.h: the knowledge base (crm-kb): articles (kb_articles) with a title,
 * a body in plain text or Markdown, tags and a status, draft or
 * published; their full-text search (kb_fts, search.h), the articles
 * likely to answer a ticket, and the record of which article helped with
 * which ticket (ticket_articles).
 *
 * Who may: managers and admins write every article, publish and import;
 * anyone may add a draft, which is theirs (author_id), and edit their own
 * drafts.  Everyone reads published articles; a rep reads their own drafts
 * besides, managers and admins every draft.
 *
 * Articles are not a kind of the record engine (record.h): their table has
 * an author instead of an owner, no custom fields and no duplicate keys,
 * and their visibility follows the status, not an owner. */
#ifndef CRM_KB_H
#define CRM_KB_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* The longest body an article may have, in bytes. */
#define CRM_KB_BODY_MAX (1024 * 1024)

#include "ctx.h"

/* The values of an article to add or edit; NULL: not given. */
struct crm_kb_article {
	const char *title, *body, *format, *tags, *status;
};

/* Add a (as a draft unless a->status is "published", which needs a
 * manager) and print it as list does. */
int crm_kb_add(struct crm_ctx *ctx, const struct crm_kb_article *a, FILE *out);
/* Change the fields given in a of article id, one audit row each. */
int crm_kb_edit(struct crm_ctx *ctx, int64_t id, const struct crm_kb_article *a, FILE *out);
/* Publish (or, publish false, take back to draft) article id. */
int crm_kb_publish(struct crm_ctx *ctx, int64_t id, bool publish, FILE *out);

struct crm_kb_filter {
	const char *status;	/* draft or published; NULL: those the actor sees */
	const char *tag;
};
/* Columns id, title, status, format, tags, author, updated_at. */
int crm_kb_list(struct crm_ctx *ctx, const struct crm_kb_filter *f, FILE *out);
/* The article vertically (field, value), then "# body" and its text, then
 * "# history". */
int crm_kb_show(struct crm_ctx *ctx, int64_t id, FILE *out);

/* Import articles from CSV or TSV (columns title, body, tags, status,
 * format): all or nothing, or with skip_bad the good rows and the bad
 * ones to reject (NULL: stderr).  Managers and admins. */
int crm_kb_import(struct crm_ctx *ctx, int format, bool skip_bad, const char *reject,
		  char **files, int nfiles, FILE *out);

/* Published articles (all: drafts too, managers and admins) matching
 * query: id, title, status, tags, snippet, rank (bm25: the title weighs
 * 10, tags 5, the body 1), best first.  limit <= 0: all. */
int crm_kb_search(struct crm_ctx *ctx, const char *query, int limit, bool all, FILE *out);
/* The published articles most likely to answer text (any of its words or
 * pieces, crm_fts_query with any), or the subject and body of ticket (an
 * id or a number, T-000001; the actor must see it) when ticket is not
 * NULL: as search. */
int crm_kb_suggest(struct crm_ctx *ctx, const char *ticket, const char *text, int limit,
		   FILE *out);
/* Record that article helped with ticket (ticket: an id or a number). */
int crm_kb_link(struct crm_ctx *ctx, const char *ticket, int64_t article, FILE *out);

#endif
