/* config_fixture.h: the harness of the config tests (test_config.c,
 * test_config_service.c): a temporary crm.yaml, loading it with stderr
 * captured, and the checks of a good and a bad file.  Include it after
 * cmocka.h, config.h and err.h, with CONFIG_TEST_DIR the mkdtemp
 * template. */
#ifndef CRM_CONFIG_FIXTURE_H
#define CRM_CONFIG_FIXTURE_H

/* Where examples/ and man/ are: $CRM_SRCDIR, else this (the test runner
 * starts unit tests from the top of the repository). */
#ifndef CRM_SRCDIR
#define CRM_SRCDIR "."
#endif

static char tmpdir[] = CONFIG_TEST_DIR;
static char yaml_path[PATH_MAX], err_path[PATH_MAX];

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	char *buf = calloc(1, 1 << 16);
	assert_non_null(buf);
	size_t n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Load path with stderr captured; returns what was written there. */
static char *load_capture(const char *path, bool explicit_path, struct crm_config **cfg,
		int *status)
{
	fflush(stderr);
	int saved = dup(2), fd = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(saved >= 0 && fd >= 0);
	dup2(fd, 2);
	close(fd);
	*cfg = crm_config_load(path, explicit_path, status);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	return read_file(err_path);
}

/* Load yaml text from a file; the config must come back with status 0 and
 * nothing said. */
static struct crm_config *load_ok(const char *yaml)
{
	struct crm_config *cfg;
	int status = -1;
	write_file(yaml_path, yaml);
	char *err = load_capture(yaml_path, true, &cfg, &status);
	assert_string_equal(err, "");
	free(err);
	assert_int_equal(status, 0);
	assert_non_null(cfg);
	return cfg;
}

/* Load yaml text that must fail with status 78 and exactly the messages
 * want, each "LINE:COLUMN: problem" after "crm: FILE:". */
static void load_bad(const char *yaml, const char *want)
{
	struct crm_config *cfg;
	int status = -1;
	char *expected;
	size_t size;
	FILE *out = open_memstream(&expected, &size);
	assert_non_null(out);
	for (const char *p = want; *p; ) {
		size_t n = strcspn(p, "\n");
		fprintf(out, "crm: %s:%.*s\n", yaml_path, (int)n, p);
		p += n + (p[n] == '\n');
	}
	fclose(out);
	write_file(yaml_path, yaml);
	char *err = load_capture(yaml_path, true, &cfg, &status);
	assert_string_equal(err, expected);
	free(err);
	free(expected);
	assert_null(cfg);
	assert_int_equal(status, EX_CONFIG);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(tmpdir))
		return -1;
	snprintf(yaml_path, sizeof yaml_path, "%s/crm.yaml", tmpdir);
	snprintf(err_path, sizeof err_path, "%s/stderr", tmpdir);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(yaml_path);
	unlink(err_path);
	return rmdir(tmpdir);
}

#endif
