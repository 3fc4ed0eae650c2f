/* fuzz.h: the fuzz entry points, one per kind of untrusted input.  Each
 * fuzz_NAME.c is built twice: by `make fuzz` into a libFuzzer binary (clang,
 * with CRM_LIBFUZZER defined, which adds LLVMFuzzerTestOneInput), and into
 * tests/unit/test_fuzz_regress.c, which replays every saved crasher and
 * seed through the same function in make check.  An entry point returns 0;
 * a broken invariant aborts with a message, as a crash would. */
#ifndef CRM_FUZZ_H
#define CRM_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef CRM_LIBFUZZER
#include <sanitizer/common_interface_defs.h>
#endif

int crm_fuzz_tsv(const uint8_t *data, size_t size);
int crm_fuzz_csv_import(const uint8_t *data, size_t size);
int crm_fuzz_config(const uint8_t *data, size_t size);
int crm_fuzz_values(const uint8_t *data, size_t size);

#ifdef CRM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
#endif

/* An invariant the code under test must keep, checked in every build. */
#define CRM_FUZZ_CHECK(cond) \
	((cond) ? (void)0 : crm_fuzz_broken(__FILE__, __LINE__, #cond))

static inline void crm_fuzz_broken(const char *file, int line, const char *what)
{
	char msg[512];
	snprintf(msg, sizeof msg, "%s:%d: fuzz invariant broken: %s", file, line, what);
#ifdef CRM_LIBFUZZER
	/* make fuzz closes the target's stderr (-close_fd_mask=2) to hide
	 * the messages of bad input; the sanitizer's report fd stays open */
	__sanitizer_report_error_summary(msg);
#else
	fprintf(stderr, "%s\n", msg);
#endif
	abort();
}

/* A NUL-terminated copy of the input, for the parsers that take strings. */
static inline char *crm_fuzz_strdup(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* The input as a read-only stream.  glibc's fmemopen refuses size 0, and
 * an empty input is worth trying. */
static inline FILE *crm_fuzz_stream(const uint8_t *data, size_t size)
{
	FILE *fp = size ? fmemopen((void *)data, size, "r") : fopen("/dev/null", "r");
	if (!fp)
		abort();
	return fp;
}

/* Write the input to path (truncating), for the code that opens files. */
static inline void crm_fuzz_write_file(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "w");
	if (!fp || (size && fwrite(data, 1, size, fp) != size) || fclose(fp) != 0)
		abort();
}

#endif
