/* test_normalise_pg.c: the normalisers of lib/schema_pg.c (crm_norm_phone,
 * crm_norm_email, crm_norm_name, crm_norm_company in plpgsql) give what
 * lib/normalise.c gives, as privacy.c's SQL functions return it: the key,
 * or NULL where C reports no key (0 or -1).  Every input of
 * test_normalise.c (collected by running its tests) and some 900
 * generated ones (phones, addresses, names and companies made of digits,
 * full-width forms, spaces, dashes, brackets, region tags and legal
 * forms) go through all four functions on both sides.  Inputs that are
 * not valid UTF-8 cannot be text in a UTF8 database and are left out.
 *
 * CRM_TEST_PG is a libpq connection string (tests/run.sh sets it); the
 * test makes a database of its own there, builds the real schema in it
 * with crm_db_open and drops it at the end.  Without CRM_TEST_PG it
 * skips. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <libpq-fe.h>

#include "db.h"
#include "err.h"
#include "utf8.h"

#define MAX_INPUTS 4096
static char *inputs[MAX_INPUTS];
static size_t ninputs;

static void note(const char *in)
{
	if (ninputs < MAX_INPUTS)
		inputs[ninputs++] = crm_xstrdup(in);
}

#define NOTE_INPUT(kind, in) ((void)(kind), note(in))
#define NORMALISE_NO_MAIN
#include "test_normalise.c"

static const char *conninfo;
static char dbname[64];

/* CREATE (create true) or DROP our database, with libpq itself. */
static int admin(bool create)
{
	PGconn *c = PQconnectdb(conninfo);
	char *sql = create ? crm_xasprintf("CREATE DATABASE %s TEMPLATE template0 LC_COLLATE 'C'",
					   dbname)
			   : crm_xasprintf("DROP DATABASE IF EXISTS %s", dbname);
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	PGresult *r = PQexec(c, sql);
	int ok = PQresultStatus(r) == PGRES_COMMAND_OK;
	if (!ok)
		fprintf(stderr, "%s: %s", sql, PQerrorMessage(c));
	free(sql);
	PQclear(r);
	PQfinish(c);
	return ok ? 0 : -1;
}

static int setup(void **state)
{
	struct crm_db *db;
	if (!conninfo)
		return 0;
	snprintf(dbname, sizeof dbname, "crm_test_norm_%ld", (long)getpid());
	if (admin(false) || admin(true))
		return -1;
	/* the last dbname of a connection string is the one used */
	char *info = crm_xasprintf("%s dbname=%s", conninfo, dbname);
	int st = crm_db_open(info, CRM_DB_CREATE, NULL, &db);
	free(info);
	if (st)
		return -1;
	*state = db;
	return 0;
}

static int teardown(void **state)
{
	if (!conninfo)
		return 0;
	crm_db_close(*state);
	return admin(false);
}

/* Generated inputs ---------------------------------------------------- */

static uint32_t seed = 20260302;

static unsigned pick(unsigned n)
{
	seed = seed * 1103515245u + 12345u;
	return (seed >> 16) % n;
}

#define N(a) (sizeof a / sizeof *a)

static const char *const phone_parts[] = {
	"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "138", "0013", "8000", "010",
	"021", "0755", "400", "800", "86", "0086", "+86", "+", "+1", "00", " ", " ", "-",
	"-", "(", ")", ".", "ext", "EXT ", "x", "#", ":", "转", "分机", "\xe3\x80\x80",
	"\xe2\x80\x93", "\xe2\x88\x92", "\xef\xbc\x8d", "\xef\xbc\x8b", "\xef\xbc\x88",
	"\xef\xbc\x89", "\xef\xbc\x91", "\xef\xbc\x93", "\xef\xbc\x98", "\xef\xbc\x90",
	"\xef\xbd\x98", "\xef\xbc\x83", "a", "/", "65521234", "13912345678", "5012",
};

static const char *const email_parts[] = {
	"a", "Z", "foo", "Bar", ".", ".", "@", "@", "example", "COM", "cn", "qq", "+", "_",
	"-", " ", "\t", "\xe3\x80\x80", "\xc2\xa0", "..", "张", "例子", "<", ">", ",", ";",
	"\"", "\\", "(", "[", "\x7f", "\x01", "\xef\xbc\xa0", "ＡＢ",
};

static const char *const name_parts[] = {
	"张", "三", "李", "Zhang", "SAN", "li", " ", "  ", "\xe3\x80\x80", "\xc2\xb7",
	"\xe2\x80\xa2", "\xe2\x80\xa7", "\xe3\x83\xbb", "\xef\xbd\xa5", "\xef\xbc\xba",
	"\xef\xbd\x81", "O'", "-", ".", "\t", "阿卜杜", "ジョン", "\xc2\xa0",
};

static const char *const company_parts[] = {
	"北京", "百度", "网讯", "科技", "平安", "中国", "香港", "华为", "某某", "腾讯",
	"有限公司", "股份有限公司", "有限责任公司", "分公司", "总公司", "集团", "公司",
	"（北京）", "（中国）", "(深圳)", "【上海】", "〔杭州〕", "（广东省）",
	"(广西壮族自治区)", "（中国香港）", "（香港特别行政区）", "（北京朝阳）", "（科技）",
	"(", ")", "（", "）", "[", "]", "【", "】", "((", "))",
	"Acme", "ACME", "Foo", "Cisco", "Costco", "Zinc", " ", " ", ",", ".", "&", "'",
	"-", "、", "。", "《", "》", "\xc2\xb7", "\xe2\x80\x9c", "\xe2\x80\x9d",
	"\xe3\x80\x80", "\xe2\x80\x8b", "\xef\xbb\xbf",
	" Co.", ",Ltd.", " Ltd", " Inc", "Inc.", " LLC", " Corp", "Corporation", " Limited",
	" GmbH", " & Co. KG", " PLC", " Company", "co", "ag", "Holdings",
	"(China)", "(Hong Kong)", "(H.K.)", "(USA)", "( Shenzhen )", "[Beijing]", "(Bar)",
	"\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3", "\xef\xbc\xa3\xef\xbd\x8f\xef\xbc\x8e",
	"\xef\xbc\xac\xef\xbd\x94\xef\xbd\x84", "3M", "X",
};

/* count inputs of up to max parts from parts */
static void generate(const char *const *parts, size_t nparts, int count, int max)
{
	char buf[512];
	for (int i = 0; i < count; i++) {
		size_t n = 0;
		int k = 1 + (int)pick((unsigned)max);
		for (int j = 0; j < k; j++) {
			const char *p = parts[pick((unsigned)nparts)];
			size_t l = strlen(p);
			if (n + l >= sizeof buf)
				break;
			memcpy(buf + n, p, l);
			n += l;
		}
		buf[n] = '\0';
		note(buf);
	}
}

/* Well-formed phones with random separators: the cases the rules are
 * for, more often than random parts give them. */
static void generate_phones(int count)
{
	static const char *const pre[] = {"", "", "+86 ", "0086", "86", "+86-", "(+86)", "+1 ",
					  "0", "00"};
	static const char *const sep[] = {"", " ", "-", "\xe3\x80\x80", "\xe2\x80\x93"};
	static const char *const ext[] = {"", "", "-12", "-123456", "-1234567", " ext 5",
					  "转8", "#9", " x 1", "-"};
	static const char *const head[] = {"138", "199", "10", "010", "21", "021", "755",
					   "0755", "400", "800", "12", "0"};
	char buf[128];
	for (int i = 0; i < count; i++) {
		const char *s = sep[pick(N(sep))];
		int n = snprintf(buf, sizeof buf, "%s%s", pre[pick(N(pre))], head[pick(N(head))]);
		int digits = 4 + (int)pick(7);
		for (int j = 0; j < digits; j++) {
			if (j % 4 == 0)
				n += snprintf(buf + n, sizeof buf - (size_t)n, "%s", s);
			if (pick(6) == 0)	/* a full-width digit */
				n += snprintf(buf + n, sizeof buf - (size_t)n, "\xef\xbc%c",
					      (char)(0x90 + pick(10)));
			else
				buf[n++] = (char)('0' + pick(10));
			buf[n] = '\0';
		}
		snprintf(buf + n, sizeof buf - (size_t)n, "%s", ext[pick(N(ext))]);
		note(buf);
	}
}

/* The comparison ------------------------------------------------------- */

/* What privacy.c's SQL function returns: the key, or NULL. */
static char *c_key(int fn, const char *in)
{
	char *out = crm_xcalloc(1, strlen(in) + 1);
	long n;
	switch (fn) {
	case 0: n = crm_norm_phone(in, out); break;
	case 1: n = crm_norm_email(in, out); break;
	case 2: n = (long)crm_norm_name(in, out); break;
	default: n = (long)crm_norm_company(in, out); break;
	}
	if (n > 0)
		return out;
	free(out);
	return NULL;
}

static void test_same_keys(void **state)
{
	static const char *const sql[] = {
		"SELECT crm_norm_phone(?1)", "SELECT crm_norm_email(?1)",
		"SELECT crm_norm_name(?1)", "SELECT crm_norm_company(?1)",
	};
	static const char *const blank[] = {
		"", " ", " \t ", "\xe3\x80\x80", " ,.\xe3\x80\x80 ", " \xe3\x80\x80\xc2\xb7 ",
	};
	if (!conninfo)
		skip();
	struct crm_db *db = *state;

	/* every input of test_normalise.c, then the generated ones */
#define COLLECT(f) f(state);
	NORMALISE_TESTS(COLLECT)
	size_t given = ninputs;
	for (size_t i = 0; i < N(blank); i++)
		note(blank[i]);
	generate_phones(250);
	generate(phone_parts, N(phone_parts), 150, 12);
	generate(email_parts, N(email_parts), 150, 8);
	generate(name_parts, N(name_parts), 100, 6);
	generate(company_parts, N(company_parts), 250, 7);
	assert_true(given >= 200);	/* some 210 today */
	assert_true(ninputs < MAX_INPUTS);

	size_t compared = 0, invalid = 0, keys = 0, differ = 0;
	for (size_t i = 0; i < ninputs; i++) {
		const char *in = inputs[i];
		if (!crm_utf8_valid(in, strlen(in), NULL)) {
			invalid++;
			continue;
		}
		for (int fn = 0; fn < 4; fn++) {
			struct crm_stmt *st = crm_db_stmt(db, sql[fn]);
			assert_non_null(st);
			crm_bind_str(st, 1, in);
			if (crm_step(st) != CRM_ROW)
				fail_msg("%s with '%s': %s", sql[fn], in, crm_db_errmsg(db));
			const char *server = crm_col_str(st, 0);
			char *c = c_key(fn, in);
			if ((c == NULL) != (server == NULL) || (c && strcmp(c, server) != 0)) {
				print_error("%s('%s'): C %s%s%s, server %s%s%s\n", sql[fn] + 7, in,
					    c ? "'" : "", c ? c : "NULL", c ? "'" : "",
					    server ? "'" : "", server ? server : "NULL",
					    server ? "'" : "");
				differ++;
			}
			keys += c != NULL;
			compared++;
			free(c);
			crm_stmt_reset(st);
		}
	}
	print_message("%zu inputs (%zu from test_normalise.c), %zu comparisons, %zu keys,"
		      " %zu not UTF-8 left out, %zu differ\n", ninputs - invalid, given,
		      compared, keys, invalid, differ);
	/* the comparison must see both keys and no-keys in numbers */
	assert_true(keys > compared / 4 && keys < compared * 3 / 4);
	assert_int_equal(differ, 0);
	for (size_t i = 0; i < ninputs; i++)
		free(inputs[i]);
	ninputs = 0;
}

/* NULL in, NULL out, as the C function returns it. */
static void test_null(void **state)
{
	if (!conninfo)
		skip();
	struct crm_db *db = *state;
	struct crm_stmt *st = crm_db_stmt(db, "SELECT crm_norm_phone(NULL), crm_norm_email(NULL),"
					  " crm_norm_name(NULL), crm_norm_company(NULL)");
	assert_non_null(st);
	assert_int_equal(crm_step(st), CRM_ROW);
	for (int i = 0; i < 4; i++)
		assert_true(crm_col_null(st, i));
	crm_stmt_reset(st);
}

int main(void)
{
	conninfo = getenv("CRM_TEST_PG");
	if (conninfo && !*conninfo)
		conninfo = NULL;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_keys),
		cmocka_unit_test(test_null),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
