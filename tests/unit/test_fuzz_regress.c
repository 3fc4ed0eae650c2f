/* test_fuzz_regress.c: every input the fuzzers ever crashed on
 * (tests/fuzz/regress/NAME/) and every seed (tests/fuzz/corpus/NAME/),
 * replayed through the fuzz entry points, so a fixed crash stays fixed.
 * The harnesses are included whole: the Makefile builds a unit test from
 * one source file, and this way both builds share one copy of them.  Each
 * input runs in a child process, so an abort, a sanitizer report or a leak
 * fails the test with the file's name instead of ending the whole run. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../fuzz/fuzz_config.c"
#include "../fuzz/fuzz_csv_import.c"
#include "../fuzz/fuzz_tsv.c"
#include "../fuzz/fuzz_values.c"

typedef int (*entry_fn)(const uint8_t *data, size_t size);

static char fuzz_dir[PATH_MAX];

/* tests/fuzz: $CRM_FUZZ_DIR, else found from this binary, which lives in
 * BUILD/tests/ under the top of the tree. */
static int find_fuzz_dir(void **state)
{
	(void)state;
	const char *env = getenv("CRM_FUZZ_DIR");
	if (env && *env) {
		snprintf(fuzz_dir, sizeof fuzz_dir, "%s", env);
		return 0;
	}
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	if (n <= 0)
		return -1;
	exe[n] = '\0';
	char *top = dirname(dirname(dirname(exe)));
	snprintf(fuzz_dir, sizeof fuzz_dir, "%s/tests/fuzz", top);
	return 0;
}

static uint8_t *slurp_file(const char *path, size_t *size)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return NULL;
	size_t cap = 4096, n = 0, got;
	uint8_t *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, fp)) > 0)
		if ((n += got) == cap)
			buf = realloc(buf, cap *= 2);
	fclose(fp);
	*size = n;
	return buf;
}

/* Run fn on the file's bytes in a child with stderr captured; true when
 * the child exits 0.  On failure the captured stderr is shown if loud. */
static bool replay(entry_fn fn, const char *path, bool loud)
{
	FILE *log = tmpfile();
	assert_non_null(log);
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		size_t size;
		dup2(fileno(log), STDERR_FILENO);
		uint8_t *data = slurp_file(path, &size);
		if (!data) {
			fprintf(stderr, "cannot read: %s\n", strerror(errno));
			_exit(2);
		}
		fn(data, size);
		free(data);
		exit(0);	/* not _exit: LeakSanitizer checks at exit */
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		assert_int_equal(errno, EINTR);
	bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
	if (!ok && loud) {
		char line[1024];
		print_message("# %s: %s %d\n", path, WIFSIGNALED(status) ? "killed by signal" :
			      "exit status", WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status));
		rewind(log);
		while (fgets(line, sizeof line, log))
			print_message("#   %s", line);
	}
	fclose(log);
	return ok;
}

static int no_dot(const struct dirent *d)
{
	return d->d_name[0] != '.';
}

/* Replay every file of fuzz_dir/sub/name; the count, or -1 when the
 * directory does not exist.  Failures are counted in *bad. */
static int replay_dir(entry_fn fn, const char *sub, const char *name, int *bad)
{
	char dir[PATH_MAX + 64], path[2 * PATH_MAX];
	struct dirent **list;
	snprintf(dir, sizeof dir, "%s/%s/%s", fuzz_dir, sub, name);
	int n = scandir(dir, &list, no_dot, alphasort);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
		if (!replay(fn, path, true))
			(*bad)++;
		free(list[i]);
	}
	free(list);
	return n;
}

/* The seeds must be there (they are what make fuzz starts from); the
 * crashers are there once a fuzzer has found something. */
static void replay_target(entry_fn fn, const char *name)
{
	int bad = 0;
	int seeds = replay_dir(fn, "corpus", name, &bad);
	int crashers = replay_dir(fn, "regress", name, &bad);
	if (seeds <= 0)
		fail_msg("no seeds in %s/corpus/%s", fuzz_dir, name);
	if (bad)
		fail_msg("%d of %d inputs of %s failed", bad, seeds + (crashers > 0 ? crashers : 0), name);
}

static void test_tsv(void **state) { (void)state; replay_target(crm_fuzz_tsv, "tsv"); }
static void test_csv_import(void **state) { (void)state; replay_target(crm_fuzz_csv_import, "csv_import"); }
static void test_config(void **state) { (void)state; replay_target(crm_fuzz_config, "config"); }
static void test_values(void **state) { (void)state; replay_target(crm_fuzz_values, "values"); }

/* The replay must notice a broken invariant, or every test above could
 * pass for nothing. */
static int always_broken(const uint8_t *data, size_t size)
{
	(void)data;
	CRM_FUZZ_CHECK(size == 0xdeadbeef);
	return 0;
}

static void test_replay_catches_abort(void **state)
{
	(void)state;
	char path[PATH_MAX + 64];
	snprintf(path, sizeof path, "%s/corpus/values", fuzz_dir);
	struct dirent **list;
	int n = scandir(path, &list, no_dot, alphasort);
	assert_true(n > 0);
	snprintf(path + strlen(path), sizeof path - strlen(path), "/%s", list[0]->d_name);
	for (int i = 0; i < n; i++)
		free(list[i]);
	free(list);
	assert_false(replay(always_broken, path, false));
	assert_true(replay(crm_fuzz_values, path, true));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_replay_catches_abort),
		cmocka_unit_test(test_tsv),
		cmocka_unit_test(test_csv_import),
		cmocka_unit_test(test_config),
		cmocka_unit_test(test_values),
	};
	return cmocka_run_group_tests(tests, find_fuzz_dir, NULL);
}
