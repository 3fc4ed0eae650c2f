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

/* ---- the bulk writer ---- */

/* Values COPY's text format must escape, and the NULL/empty distinction. */
static const char *const hostile[] = {
	"tab\there", "line\nbreak", "back\\slash", "\\N", "", NULL, "中文 客户 ☎", "\\.",
	"cr\rlf\r\n", "\\x41", "trailing\\", "\t\n\\",
};
enum { NHOSTILE = sizeof hostile / sizeof hostile[0] };

static void bulk_hostile(struct crm_db *db)
{
	static const char *const cols[] = {"id", "s", "b", "n"};
	unsigned char bytes[256];
	for (int i = 0; i < 256; i++)
		bytes[i] = (unsigned char)i;
	struct crm_bulk *b;
	assert_int_equal(crm_db_begin(db), 0);
	assert_int_equal(crm_db_bulk_begin(db, "bulk_t", cols, 4, &b), 0);
	for (int i = 0; i < NHOSTILE; i++) {
		crm_bulk_int(b, 100 + i);
		crm_bulk_text(b, hostile[i]);
		if (i % 3 == 2)
			crm_bulk_blob(b, NULL, 0);
		else
			crm_bulk_blob(b, bytes + i, 256 - i);
		crm_bulk_id(b, i);	/* 0 is NULL */
		assert_int_equal(crm_bulk_row(b), 0);
	}
	assert_int_equal(crm_bulk_rows(b), NHOSTILE);
	assert_int_equal(crm_bulk_end(b, "cannot write rows"), 0);
	assert_int_equal(crm_db_commit(db), 0);
	struct crm_stmt *st;
	assert_int_equal(crm_db_prepare(db, "SELECT id, s, b, n FROM bulk_t ORDER BY id", &st), CRM_OK);
	for (int i = 0; i < NHOSTILE; i++) {
		assert_int_equal(crm_step(st), CRM_ROW);
		assert_int_equal(crm_col_int(st, 0), 100 + i);
		if (hostile[i])
			assert_string_equal(crm_col_str(st, 1), hostile[i]);
		else
			assert_null(crm_col_str(st, 1));
		if (i % 3 == 2) {
			assert_true(crm_col_null(st, 2));
		} else {
			assert_int_equal(crm_col_bytes(st, 2), 256 - i);
			assert_memory_equal(crm_col_blob(st, 2), bytes + i, 256 - i);
		}
		assert_int_equal(crm_col_null(st, 3), i == 0);
	}
	assert_int_equal(crm_step(st), CRM_DONE);
	crm_stmt_finish(st);
}

static int64_t bulk_count(struct crm_db *db)
{
	struct crm_stmt *st;
	assert_int_equal(crm_db_prepare(db, "SELECT count(*) FROM bulk_t", &st), CRM_OK);
	assert_int_equal(crm_step(st), CRM_ROW);
	int64_t n = crm_col_int(st, 0);
	crm_stmt_finish(st);
	return n;
}

/* Row 700 repeats a unique value: the writer fails, now or at its end,
 * with 65 (a constraint), and the rollback leaves nothing. */
static void bulk_constraint(struct crm_db *db)
{
	static const char *const cols[] = {"s", "n"};
	struct crm_bulk *b;
	assert_int_equal(crm_db_begin(db), 0);
	assert_int_equal(crm_db_bulk_begin(db, "bulk_t", cols, 2, &b), 0);
	int failed_at = -1;
	for (int i = 0; i < 2000 && failed_at < 0; i++) {
		char s[32];
		snprintf(s, sizeof s, "row %d", i);
		crm_bulk_text(b, s);
		crm_bulk_int(b, i == 700 ? 3 : i);
		if (crm_bulk_row(b))
			failed_at = i;
	}
	assert_true(failed_at < 0 || failed_at == 700);
	assert_int_equal(crm_bulk_end(b, "cannot write rows"), EX_DATAERR);
	crm_db_rollback(db);
	assert_int_equal(bulk_count(db), 0);
	/* a row with too few values is the caller's bug: 70, nothing kept */
	assert_int_equal(crm_db_begin(db), 0);
	assert_int_equal(crm_db_bulk_begin(db, "bulk_t", cols, 2, &b), 0);
	crm_bulk_text(b, "alone");
	assert_int_not_equal(crm_bulk_row(b), 0);
	assert_int_equal(crm_bulk_end(b, "cannot write rows"), EX_SOFTWARE);
	crm_db_rollback(db);
	/* an unknown column: begin or end says so */
	static const char *const bad[] = {"nope"};
	int st = crm_db_begin(db);
	assert_int_equal(st, 0);
	st = crm_db_bulk_begin(db, "bulk_t", bad, 1, &b);
	if (!st) {
		crm_bulk_int(b, 1);
		crm_bulk_row(b);
		st = crm_bulk_end(b, "cannot write rows");
	}
	assert_int_not_equal(st, 0);
	crm_db_rollback(db);
	assert_int_equal(bulk_count(db), 0);
}

/* Another statement between rows sees the rows before it; the stream
 * goes on after it. */
static void bulk_interleaved(struct crm_db *db)
{
	static const char *const cols[] = {"n"};
	struct crm_bulk *b;
	assert_int_equal(crm_db_begin(db), 0);
	assert_int_equal(crm_db_bulk_begin(db, "bulk_t", cols, 1, &b), 0);
	for (int i = 0; i < 10; i++) {
		crm_bulk_int(b, i);
		assert_int_equal(crm_bulk_row(b), 0);
	}
	assert_int_equal(bulk_count(db), 10);
	for (int i = 10; i < 25; i++) {
		crm_bulk_int(b, i);
		assert_int_equal(crm_bulk_row(b), 0);
	}
	assert_int_equal(crm_bulk_end(b, "cannot write rows"), 0);
	assert_int_equal(crm_db_commit(db), 0);
	assert_int_equal(bulk_count(db), 25);
	/* an empty writer writes nothing and ends well */
	assert_int_equal(crm_db_begin(db), 0);
	assert_int_equal(crm_db_bulk_begin(db, "bulk_t", cols, 1, &b), 0);
	assert_int_equal(crm_bulk_end(b, "cannot write rows"), 0);
	/* abort drops what it has not written */
	assert_int_equal(crm_db_bulk_begin(db, "bulk_t", cols, 1, &b), 0);
	crm_bulk_int(b, 99);
	crm_bulk_row(b);
	crm_bulk_abort(b);
	crm_db_rollback(db);
	assert_int_equal(bulk_count(db), 25);
	int64_t max;
	assert_int_equal(crm_db_max_id(db, "bulk_t", &max), 0);
	assert_true(max >= 25);
}

static void test_bulk(void **state)
{
	struct scratch *s = *state;
	assert_int_equal(crm_db_exec(s->db, "CREATE TABLE bulk_t (id INTEGER PRIMARY KEY,"
				     " s TEXT, b BLOB, n INTEGER UNIQUE)"), 0);
	bulk_hostile(s->db);
	assert_int_equal(crm_db_exec(s->db, "DELETE FROM bulk_t"), 0);
	bulk_constraint(s->db);
	bulk_interleaved(s->db);
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
		cmocka_unit_test_setup_teardown(test_bulk, setup, teardown),
	};
	crm_progname = "test_db";
	return cmocka_run_group_tests(tests, NULL, NULL);
}
