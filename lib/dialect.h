/* dialect.h: the few pieces of SQL that SQLite and PostgreSQL spell
 * differently, in one table per engine.  Everything else in lib/ is
 * written once, in SQL both accept (HACKING, "Portable SQL").
 *
 * The engine is chosen when the database is opened (CRM_DB names a file
 * or a postgresql:// server), so the table is chosen at run time too:
 *
 *	const struct crm_dialect *d = crm_dialect(db);
 *	char *key = crm_xasprintf(d->period[CRM_PERIOD_MONTH][CRM_AT_INSTANT], "d.closed_at");
 *
 * Expressions are printf formats over SQL operands %1$s and %2$s (numbered,
 * as one may be used twice); "%%" is a literal "%".  A statement cached
 * by crm_db_stmt must not hold a piece of a dialect: it is built at run
 * time (the reports, crm-roi, crm-assign, forget), or once per process
 * (remind.c, cost.c).  What is more than a piece of SQL (temporary tables
 * in memory, index statistics, the catalogue) is the backend's: db.h. */
#ifndef CRM_DIALECT_H
#define CRM_DIALECT_H

struct crm_db;

enum crm_period { CRM_PERIOD_MONTH, CRM_PERIOD_QUARTER, CRM_PERIOD_WEEK };
/* What a time column holds: an ISO-8601 UTC instant ("2026-03-05T01:30:00Z"),
 * whose period is that of its local date, or a local date ("2026-03-05"). */
enum crm_at { CRM_AT_INSTANT, CRM_AT_DATE };

struct crm_dialect {
	const char *name;

	/* ---- expressions ---- */
	/* The largest (smallest) of the values listed in %1$s ("a, b"), none
	 * of them NULL: SQLite's scalar max() is NULL when one is, where
	 * PostgreSQL's greatest() passes over it. */
	const char *greatest, *least;
	/* Whole seconds since 1970 of instant %1$s. */
	const char *epoch;
	/* Whole days from date %2$s to date %1$s. */
	const char *days;
	/* Where text %2$s first starts in %1$s, counted from 1; 0 when it
	 * does not occur; NULL when either is. */
	const char *strpos;
	/* The text of a member of the JSON object %1$s (a custom column),
	 * NULL when it has none or it is null: %2$s is an SQL expression
	 * (a literal or a bound parameter) whose value is json_key (a C
	 * format, %s the member's name) of the member. */
	const char *json_text;
	const char *json_key;
	/* A JSON object of the name, value pairs listed in %1$s ("'id', t.id,
	 * 'name', t.name"): an integer a number, a text a string, NULL null;
	 * json_embed makes JSON text %1$s a member's value as it is.  The
	 * text is minified only on SQLite: pass it through crm_json_minify. */
	const char *json_object, *json_embed;
	/* The key of the period (2026-03, 2026-Q1, 2026-W10: ISO weeks) in
	 * which time %1$s falls, in the local time zone.  PostgreSQL reads
	 * it from the session's TimeZone, which must be the zone crm uses
	 * (the config's timezone, else TZ). */
	const char *period[3][2];

	/* ---- pieces of statements ---- */
	/* After a table in FROM: read it whole, through none of its indexes. */
	const char *not_indexed;
	/* %1$s a column compared or grouped on, which no index of its
	 * should serve (SQLite's unary +). */
	const char *no_index;
	/* After the ")" of CREATE TABLE: a table stored in the order of its
	 * primary key, which has no other key. */
	const char *without_rowid;
	/* At the end of a subquery in FROM: keep it a subquery the planner
	 * runs once, not one it folds into the query around it. */
	const char *no_flatten;

	/* ---- full text (search.c, kb.c) ---- */
	/* true: the FTS5 tables kb_fts, ticket_fts, interaction_fts (MATCH,
	 * bm25, snippet); false: the pg_trgm indexes of the base tables, by
	 * ILIKE, ranked by a score of search.c (search.h). */
	int fts5;
	/* The LIKE that ignores case (ASCII at least), for the scans of
	 * words too short for an index: SQLite's LIKE, PostgreSQL's ILIKE. */
	const char *like_nocase;

	/* ---- who may see what ---- */
	/* true: the server's row-level security leaves out of every query
	 * the rows the actor may not see (security_pg.h) */
	int row_security;
};

extern const struct crm_dialect crm_dialect_sqlite, crm_dialect_postgresql;

/* The dialect of the engine that holds db. */
const struct crm_dialect *crm_dialect(struct crm_db *db);

#endif
