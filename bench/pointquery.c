/* pointquery.c: the practical upper bound for a one-row command, to
 * measure "crm-lead show ID" against: open the database, run one prepared
 * point query for the lead and its owner's login, print the row as TSV
 * with a header, close.  No config, no schema check, no history.
 *
 *   pointquery DB ID
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
	sqlite3 *db;
	sqlite3_stmt *st;

	if (argc != 3) {
		fputs("usage: pointquery DB ID\n", stderr);
		return 64;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT l.*, u.login AS owner FROM leads l"
			       " LEFT JOIN users u ON u.id = l.owner_id WHERE l.id = ?1",
			       -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "pointquery: %s: %s\n", argv[1], sqlite3_errmsg(db));
		return 66;
	}
	sqlite3_bind_int64(st, 1, strtoll(argv[2], NULL, 10));
	int rc = sqlite3_step(st), n = sqlite3_column_count(st);
	if (rc == SQLITE_ROW) {
		for (int i = 0; i < n; i++)
			printf("%s%s", i ? "\t" : "", sqlite3_column_name(st, i));
		putchar('\n');
		for (int i = 0; i < n; i++) {
			const unsigned char *v = sqlite3_column_text(st, i);
			printf("%s%s", i ? "\t" : "", v ? (const char *)v : "");
		}
		putchar('\n');
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	if (rc != SQLITE_ROW) {
		fprintf(stderr, "pointquery: lead %s not found\n", argv[2]);
		return 1;
	}
	return fflush(stdout) == 0 ? 0 : 74;
}
