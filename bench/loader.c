/* loader.c: the practical upper bound for a lead import, to measure
 * crm-lead import against: read the CSV that gen-leads.sh writes (split by
 * hand, no checks), insert every row with one reused prepared statement in
 * one transaction into the same leads table, with its secondary indexes
 * dropped first and built again after the load, as crm-lead does.  The
 * duplicate-key columns get the raw values, so that the indexes over them
 * hold as much as crm-lead's do, but no normalising is done.  With -a it
 * appends into the table as it is, indexes and all, which is what
 * crm-lead does when the table already holds leads.
 *
 *   crm -d x.db init                      # creates the schema
 *   build/bench/loader [-a] x.db leads.csv
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "schema.h"

#define NF 10

/* Split line in place on commas outside double quotes (the generator never
 * doubles a quote inside a field); returns the number of fields. */
static int split(char *line, char **f)
{
	int n = 0;
	char *p = line;
	while (n < NF) {
		if (*p == '"') {
			f[n++] = ++p;
			p = strchr(p, '"');
			if (!p)
				return n;
			*p++ = '\0';
		} else {
			f[n++] = p;
			p += strcspn(p, ",\n");
		}
		if (*p != ',') {
			*p = '\0';
			return n;
		}
		*p++ = '\0';
	}
	return n;
}

static void die(sqlite3 *db, const char *what)
{
	fprintf(stderr, "loader: %s: %s\n", what, sqlite3_errmsg(db));
	exit(1);
}

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *st;
	char *line = NULL, *f[NF];
	size_t cap = 0;
	long rows = 0;
	int append = argc == 4 && strcmp(argv[1], "-a") == 0;

	argv += append;
	argc -= append;
	if (argc != 3) {
		fprintf(stderr, "usage: loader [-a] DB CSV\n");
		return 64;
	}
	FILE *in = fopen(argv[2], "r");
	if (!in || sqlite3_open(argv[1], &db) != SQLITE_OK) {
		perror(argv[2]);
		return 66;
	}
	sqlite3_exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;", NULL, NULL, NULL);
	if (sqlite3_exec(db, append ? "BEGIN IMMEDIATE" : "BEGIN IMMEDIATE;" CRM_LEAD_DROP_INDEXES,
			 NULL, NULL, NULL) != SQLITE_OK)
		die(db, "begin");
	if (sqlite3_prepare_v2(db,
	    "INSERT INTO leads (name, company, title, phone, email, region, city, industry,"
	    " source, campaign, status, created_at, updated_at, name_norm, company_norm,"
	    " phone_norm, email_norm) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 'new',"
	    " ?11, ?11, ?1, ?2, ?4, ?5)", -1, &st, NULL) != SQLITE_OK)
		die(db, "prepare");
	if (getline(&line, &cap, in) < 0)	/* header */
		return 65;
	while (getline(&line, &cap, in) > 0) {
		int n = split(line, f);
		for (int i = 0; i < NF; i++)
			sqlite3_bind_text(st, i + 1, i < n ? f[i] : "", -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 11, "2026-03-02T09:00:00Z", -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			die(db, "insert");
		sqlite3_reset(st);
		rows++;
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, append ? "COMMIT" : CRM_LEAD_INDEXES "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		die(db, "indexes");
	sqlite3_close(db);
	free(line);
	fclose(in);
	fprintf(stderr, "loader: %ld rows\n", rows);
	return 0;
}
