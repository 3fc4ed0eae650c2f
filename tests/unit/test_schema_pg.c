/* test_schema_pg.c: the PostgreSQL schema of lib/schema_pg.h beside
 * SQLite's of lib/schema.h, as text: one step per migration after the
 * folded first, every table and index of SQLite's under the same name,
 * nothing of SQLite's own dialect left.  tests/pg-schema-check.sh
 * compares the two databases built; it runs this with --print, which
 * writes the steps for psql and runs no test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "schema.h"
#include "schema_pg.h"

/* The SQLite migrations step 0 folds: schema versions 1 to 9. */
#define FOLDED 9

static void test_steps(void **state)
{
	(void)state;
	/* a migration appended to schema.c needs its step here */
	assert_int_equal(crm_schema_pg_count() + FOLDED - 1, crm_schema_count());
	for (int i = 0; i < crm_schema_pg_count(); i++) {
		const char *s = crm_schema_pg_step(i);
		assert_non_null(s);
		assert_true(strlen(s) > 0);
		assert_int_equal(s[strlen(s) - 1], ';');
	}
	assert_null(crm_schema_pg_step(-1));
	assert_null(crm_schema_pg_step(crm_schema_pg_count()));
}

static char *all_pg(void)
{
	size_t n = 1;
	for (int i = 0; i < crm_schema_pg_count(); i++)
		n += strlen(crm_schema_pg_step(i));
	char *s = malloc(n);
	assert_non_null(s);
	*s = '\0';
	for (int i = 0; i < crm_schema_pg_count(); i++)
		strcat(s, crm_schema_pg_step(i));
	return s;
}

/* Each name after "CREATE <what> [IF NOT EXISTS]" in the SQLite
 * migrations must follow the same words in pg; skip names starting with
 * one of the prefixes in skip (NULL-terminated). */
static void same_names(const char *pg, const char *what, const char *const *skip)
{
	char key[64];
	snprintf(key, sizeof key, "CREATE %s ", what);
	int seen = 0;
	for (int i = 0; i < crm_schema_count(); i++) {
		for (const char *p = crm_schema_step(i); (p = strstr(p, key)); ) {
			p += strlen(key);
			if (!strncmp(p, "IF NOT EXISTS ", 14))
				p += 14;
			size_t len = strcspn(p, " (");
			char name[64];
			assert_true(len > 0 && len < sizeof name);
			memcpy(name, p, len);
			name[len] = '\0';
			int skipped = 0;
			for (const char *const *k = skip; *k; k++)
				skipped |= !strncmp(name, *k, strlen(*k));
			if (skipped)
				continue;
			/* pg writes it "CREATE TABLE name (" or
			 * "CREATE INDEX [IF NOT EXISTS] name ON " */
			char want[160];
			int found = 0;
			const char *sep = !strcmp(what, "TABLE") ? " (" : " ON ";
			snprintf(want, sizeof want, "%s%s%s", key, name, sep);
			found |= strstr(pg, want) != NULL;
			snprintf(want, sizeof want, "%sIF NOT EXISTS %s%s", key, name, sep);
			found |= strstr(pg, want) != NULL;
			if (!found)
				fail_msg("%s %s of schema.c is not in schema_pg.c", what, name);
			seen++;
		}
	}
	assert_true(seen > 10);
}

static void test_same_tables_and_indexes(void **state)
{
	(void)state;
	char *pg = all_pg();
	/* interactions_v9 is version 9's rebuild: interactions itself here */
	static const char *const tables[] = { "interactions_v9", NULL };
	static const char *const indexes[] = { NULL };
	same_names(pg, "TABLE", tables);
	same_names(pg, "INDEX", indexes);
	free(pg);
}

static void test_no_sqlite_dialect(void **state)
{
	(void)state;
	char *pg = all_pg();
	static const char *const sqlite_only[] = {
		"INTEGER PRIMARY KEY", "WITHOUT ROWID", "VIRTUAL TABLE", "TRIGGER kb", "TRIGGER ticket",
		"TRIGGER interaction",
		"AUTOINCREMENT", "BLOB", "fts5", "ADD COLUMN", "RENAME",
		"INSERT OR", "ifnull", "iif(",
	};
	for (size_t i = 0; i < sizeof sqlite_only / sizeof sqlite_only[0]; i++)
		if (strstr(pg, sqlite_only[i]))
			fail_msg("schema_pg.c has SQLite's \"%s\"", sqlite_only[i]);
	/* the one trigger: an audit row takes the id its hash was chained for */
	const char *trig = strstr(pg, "CREATE TRIGGER ");
	assert_non_null(trig);
	assert_true(strncmp(trig, "CREATE TRIGGER audit_id ", 24) == 0);
	assert_null(strstr(trig + 1, "CREATE TRIGGER "));
	/* INTEGER is 32 bits on PostgreSQL: the one INTEGER column is the version */
	const char *p = strstr(pg, " INTEGER ");
	assert_non_null(p);
	assert_null(strstr(p + 1, " INTEGER"));
	assert_non_null(strstr(pg, "crm_schema_version (version INTEGER NOT NULL)"));
	free(pg);
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "--print")) {
		for (int i = 0; i < crm_schema_pg_count(); i++)
			printf("%s\n", crm_schema_pg_step(i));
		return ferror(stdout) || fflush(stdout) ? 1 : 0;
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps),
		cmocka_unit_test(test_same_tables_and_indexes),
		cmocka_unit_test(test_no_sqlite_dialect),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
