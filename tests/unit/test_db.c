/* test_db.c: the engine-neutral store of db.h, on a scratch database:
 * statements cached and not, binding (NULL, "", copies, owned strings,
 * named parameters), columns, transactions and their serial, SQL
 * functions written in C, the audit chain attached as an extension, and
 * whole-file copies verified. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <cmocka.h>

#include "audit.h"
#include "db.h"
#include "err.h"

struct scratch {
	char dir[64];
	char path[96];
	struct crm_db *db;
};

static int setup(void **state)
{
	struct scratch *s = calloc(1, sizeof *s);
	snprintf(s->dir, sizeof s->dir, "/tmp/crm-test-db.XXXXXX");
	if (!mkdtemp(s->dir))
		return -1;
	snprintf(s->path, sizeof s->path, "%s/crm.db", s->dir);
	if (crm_db_open(s->path, CRM_DB_CREATE, &crm_audit_ext, &s->db) != 0)
		return -1;
	crm_db_set_origin(s->db, "alice", "root", "test_db", "2026-03-02T09:00:00Z");
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	struct scratch *s = *state;
	char cmd[160];
	crm_db_close(s->db);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->dir);
	if (system(cmd) != 0)
		return -1;
	free(s);
	return 0;
}

static void test_open_refuses_missing(void **state)
{
	struct scratch *s = *state;
	char path[128];
	struct crm_db *db = (struct crm_db *)1;
	snprintf(path, sizeof path, "%s/none.db", s->dir);
	assert_int_equal(crm_db_open(path, CRM_DB_EXISTING, NULL, &db), EX_NOINPUT);
	assert_null(db);
	assert_int_equal(access(path, F_OK), -1);
}

static void test_cached_statement(void **state)
{
	struct scratch *s = *state;
	static const char sql[] = "SELECT ?1 + 1";
	struct crm_stmt *a = crm_db_stmt(s->db, sql);
	assert_non_null(a);
	crm_bind_int(a, 1, 41);
	assert_int_equal(crm_step(a), CRM_ROW);
	assert_int_equal(crm_col_int(a, 0), 42);
	/* the same string is the same statement, reset and cleared */
	struct crm_stmt *b = crm_db_stmt(s->db, sql);
	assert_ptr_equal(a, b);
	assert_int_equal(crm_step(b), CRM_ROW);
	assert_true(crm_col_null(b, 0));
	assert_int_equal(crm_step(b), CRM_DONE);
}

static void test_binding(void **state)
{
	struct scratch *s = *state;
	struct crm_stmt *st;
	assert_int_equal(crm_db_prepare(s->db, "SELECT ?1, ?2, ?3, ?4, :name, length(?6)", &st), CRM_OK);
	char buf[8] = "abc";
	crm_bind_text(st, 1, "");		/* "" is no value */
	crm_bind_copy(st, 2, "");		/* unless copied as it is */
	crm_bind_copy(st, 3, buf);
	crm_bind_owned(st, 4, crm_xstrdup("mine"));
	crm_bind_named_text(st, ":name", "名字");
	crm_bind_named_text(st, ":absent", "ignored");
	crm_bind_strn(st, 6, "abcdef", 2);
	strcpy(buf, "xyz");			/* the copy is not the buffer */
	assert_int_equal(crm_param_count(st), 6);
	assert_int_equal(crm_param_index(st, ":name"), 5);
	assert_int_equal(crm_step(st), CRM_ROW);
	assert_true(crm_col_null(st, 0));
	assert_null(crm_col_str(st, 0));
	assert_string_equal(crm_col_text(st, 0), "");
	assert_false(crm_col_null(st, 1));
	assert_string_equal(crm_col_str(st, 1), "");
	assert_string_equal(crm_col_text(st, 2), "abc");
	assert_string_equal(crm_col_text(st, 3), "mine");
	assert_string_equal(crm_col_text(st, 4), "名字");
	assert_int_equal(crm_col_bytes(st, 4), 6);
	assert_int_equal(crm_col_int(st, 5), 2);
	assert_int_equal(crm_col_count(st), 6);
	assert_int_equal(crm_step(st), CRM_DONE);
	crm_stmt_finish(st);
	/* a syntax error is an engine error, unreported, for crm_db_fail */
	st = (struct crm_stmt *)1;
	assert_int_not_equal(crm_db_prepare(s->db, "SELEKT 1", &st), CRM_OK);
	assert_null(st);
	crm_stmt_finish(NULL);
}

static void test_transactions(void **state)
{
	struct scratch *s = *state;
	unsigned long serial = crm_db_tx_serial(s->db);
	assert_false(crm_db_in_transaction(s->db));
	assert_int_equal(crm_db_begin(s->db), 0);
	assert_true(crm_db_in_transaction(s->db));
	assert_true(crm_db_tx_serial(s->db) != serial);
	assert_int_equal(crm_db_exec(s->db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)"), 0);
	assert_true(crm_db_has_table(s->db, "t"));
	crm_db_rollback(s->db);
	assert_false(crm_db_in_transaction(s->db));
	assert_false(crm_db_has_table(s->db, "t"));

	assert_int_equal(crm_db_begin(s->db), 0);
	assert_int_equal(crm_db_exec(s->db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);"
				     " INSERT INTO t (v) VALUES ('a'), ('b'), ('c')"), 0);
	assert_int_equal(crm_db_last_id(s->db), 3);
	assert_int_equal(crm_db_exec(s->db, "UPDATE t SET v = 'x' WHERE id > 1"), 0);
	assert_int_equal(crm_db_changes(s->db), 2);
	assert_int_equal(crm_db_commit(s->db), 0);
	assert_true(crm_db_has_table(s->db, "t"));
	/* a constraint violation is 65 */
	assert_int_equal(crm_db_exec(s->db, "INSERT INTO t (id, v) VALUES (1, 'dup')"), EX_DATAERR);
}

static void twice(struct crm_fn *fn, int argc)
{
	(void)argc;
	if (crm_fn_null(fn, 0)) {
		crm_fn_return_null(fn);
		return;
	}
	if (crm_fn_int(fn, 0) < 0) {
		crm_fn_return_error(fn, "negative");
		return;
	}
	const char *tag = crm_fn_data(fn);
	char *out = crm_xasprintf("%s%lld", tag, (long long)(2 * crm_fn_int(fn, 0)));
	crm_fn_return_owned(fn, out, -1);
}

static void test_functions(void **state)
{
	struct scratch *s = *state;
	static char tag[] = "=";
	assert_int_equal(crm_db_define(s->db, "twice", 1, CRM_FN_DETERMINISTIC, twice, tag), 0);
	struct crm_stmt *st;
	assert_int_equal(crm_db_prepare(s->db, "SELECT twice(21), twice(NULL)", &st), CRM_OK);
	assert_int_equal(crm_step(st), CRM_ROW);
	assert_string_equal(crm_col_text(st, 0), "=42");
	assert_true(crm_col_null(st, 1));
	crm_stmt_finish(st);
	assert_int_equal(crm_db_prepare(s->db, "SELECT twice(-1)", &st), CRM_OK);
	assert_int_not_equal(crm_step(st), CRM_ROW);
	assert_string_equal(crm_db_errmsg(s->db), "negative");
	crm_stmt_finish(st);
}

static void test_audit_extension(void **state)
{
	struct scratch *s = *state;
	int64_t rows = -1, id;
	char hash[CRM_SHA256_HEX];
	assert_int_equal(crm_db_begin(s->db), 0);
	assert_int_equal(crm_audit_write(s->db, "lead", 7, "update", "name", "a", "b"), 0);
	assert_int_equal(crm_audit_write(s->db, "lead", 7, "update", "phone", NULL, "138"), 0);
	assert_int_equal(crm_db_commit(s->db), 0);
	assert_int_equal(crm_audit_verify(s->db, &rows), 0);
	assert_true(rows >= 2);
	assert_int_equal(crm_audit_head(s->db, &id, hash), 0);
	assert_int_equal(id, rows);
	assert_int_equal(strlen(hash), 64);
	/* the origin set on the connection is what the rows name */
	struct crm_stmt *st;
	assert_int_equal(crm_db_prepare(s->db, "SELECT actor, real_actor, tool FROM audit"
				       " ORDER BY id DESC LIMIT 1", &st), CRM_OK);
	assert_int_equal(crm_step(st), CRM_ROW);
	assert_string_equal(crm_col_text(st, 0), "alice");
	assert_string_equal(crm_col_text(st, 1), "root");
	assert_string_equal(crm_col_text(st, 2), "test_db");
	crm_stmt_finish(st);
	/* a row changed behind the chain's back is found */
	assert_int_equal(crm_db_exec(s->db, "UPDATE audit SET new_value = 'c' WHERE field = 'name'"), 0);
	assert_int_equal(crm_audit_verify(s->db, &rows), EX_DATAERR);
}

static void test_copy_verified(void **state)
{
	struct scratch *s = *state;
	char copy[128], other[128];
	snprintf(copy, sizeof copy, "%s/copy.db", s->dir);
	snprintf(other, sizeof other, "%s/other.db", s->dir);
	/* the copy goes into a file the caller made (crm_outfile_temp) */
	fclose(fopen(copy, "w"));
	fclose(fopen(other, "w"));
	assert_int_equal(crm_db_integrity(s->db), 0);
	assert_int_equal(crm_db_check(s->db), 0);
	assert_int_equal(crm_db_copy_into(s->db, NULL, copy, "copy.db"), 0);
	assert_int_equal(crm_db_file_verify(copy, "copy.db", true), 0);
	/* and from the file, without the live connection */
	assert_int_equal(crm_db_copy_into(NULL, copy, other, "other.db"), 0);
	assert_int_equal(crm_db_file_verify(other, "other.db", false), 0);
	FILE *fp = fopen(other, "w");	/* now something else */
	assert_non_null(fp);
	fputs("not a database, and long enough to be read as one's header......"
	      "................................................................", fp);
	fclose(fp);
	assert_int_not_equal(crm_db_file_verify(other, "other.db", false), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_open_refuses_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cached_statement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_binding, setup, teardown),
		cmocka_unit_test_setup_teardown(test_transactions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_functions, setup, teardown),
		cmocka_unit_test_setup_teardown(test_audit_extension, setup, teardown),
		cmocka_unit_test_setup_teardown(test_copy_verified, setup, teardown),
	};
	crm_progname = "test_db";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
