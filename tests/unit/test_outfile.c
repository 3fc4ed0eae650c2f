/* test_outfile.c: safe output files in a scratch directory: what is
 * refused (database, -wal, -shm, inputs, symlinks, directories, existing
 * files without force), that a refusal writes nothing, that force truncates
 * only a regular file, and that publish does not replace without force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
#include "outfile.h"

static char dir[] = "/tmp/crm-outfile-XXXXXX";

static void put(const char *name, const char *text)
{
	FILE *fp = fopen(name, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static off_t size_of(const char *name)
{
	struct stat sb;
	return stat(name, &sb) == 0 ? sb.st_size : -1;
}

static int setup(void **state)
{
	if (!mkdtemp(dir) || chdir(dir) != 0)
		return -1;
	put("crm.db", "database");
	put("crm.db-wal", "wal");
	put("in.csv", "a,b\n");
	put("old.txt", "old");
	mkdir("sub", 0700);
	symlink("old.txt", "link");
	symlink("nowhere", "dangling");
	return 0;
}

static int teardown(void **state)
{
	char cmd[64];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *inputs[] = {"-", "in.csv"};

static struct crm_outfile out(const char *path, bool force)
{
	return (struct crm_outfile){.what = "--reject", .path = path, .db = "crm.db",
				    .inputs = inputs, .ninputs = 2, .force = force};
}

static void test_refusals(void **state)
{
	static const char *const refused[] = {"crm.db", "crm.db-wal", "crm.db-shm", "./crm.db",
					      "sub/../crm.db", "in.csv", "link", "dangling", "sub",
					      "nodir/x", "/dev/null"};
	for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
		for (int force = 0; force < 2; force++) {
			struct crm_outfile of = out(refused[i], force);
			FILE *fp = NULL;
			assert_int_equal(crm_outfile_check(&of), EX_CANTCREAT);
			assert_int_equal(crm_outfile_open(&of, &fp), EX_CANTCREAT);
			assert_null(fp);
		}
	}
	assert_int_equal(size_of("crm.db"), 8);
	assert_int_equal(size_of("crm.db-wal"), 3);
	assert_int_equal(size_of("crm.db-shm"), -1);
	assert_int_equal(size_of("nowhere"), -1);
	assert_int_equal(size_of("old.txt"), 3);
	struct crm_outfile empty = out("", true);
	assert_int_equal(crm_outfile_check(&empty), EX_USAGE);
}

static void test_existing_and_new(void **state)
{
	FILE *fp = NULL;
	struct crm_outfile of = out("old.txt", false);
	assert_int_equal(crm_outfile_open(&of, &fp), EX_CANTCREAT);
	assert_int_equal(size_of("old.txt"), 3);
	of.force = true;
	assert_int_equal(crm_outfile_open(&of, &fp), 0);
	assert_int_equal(size_of("old.txt"), 0);
	fclose(fp);
	of = out("new.txt", false);
	assert_int_equal(crm_outfile_open(&of, &fp), 0);
	fclose(fp);
	struct stat sb;
	assert_int_equal(stat("new.txt", &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
}

static void test_temp_and_publish(void **state)
{
	char *tmp;
	int fd;
	assert_int_equal(crm_outfile_temp("sub/copy.db", &tmp, &fd), 0);
	assert_non_null(strstr(tmp, "sub/.copy.db."));
	close(fd);
	put("sub/copy.db", "there");
	struct crm_outfile of = out("sub/copy.db", false);
	assert_int_equal(crm_outfile_publish(&of, tmp), EX_CANTCREAT);
	assert_int_equal(size_of("sub/copy.db"), 5);
	of.force = true;
	assert_int_equal(crm_outfile_publish(&of, tmp), 0);
	assert_int_equal(size_of("sub/copy.db"), 0);
	assert_int_equal(size_of(tmp), -1);
	free(tmp);
	assert_int_equal(crm_outfile_temp("sub/fresh.db", &tmp, &fd), 0);
	close(fd);
	of = out("sub/fresh.db", false);
	assert_int_equal(crm_outfile_publish(&of, tmp), 0);
	assert_int_equal(size_of("sub/fresh.db"), 0);
	assert_int_equal(size_of(tmp), -1);
	free(tmp);
}

int main(void)
{
	crm_set_progname("test");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_existing_and_new),
		cmocka_unit_test(test_temp_and_publish),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
