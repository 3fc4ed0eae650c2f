/* err.c: see err.h */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>

#include "err.h"

const char *crm_progname = "crm";

void crm_set_progname(const char *argv0)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;
	if (argv0)
		crm_progname = slash ? slash + 1 : argv0;
}

static FILE *held;		/* messages held back (crm_warn_hold), else NULL */

static void vwarn(int errnum, const char *fmt, va_list ap)
{
	FILE *fp = held ? held : stderr;
	fflush(stdout);
	fprintf(fp, "%s: ", crm_progname);
	vfprintf(fp, fmt, ap);
	if (errnum)
		fprintf(fp, ": %s", strerror(errnum));
	fputc('\n', fp);
}

void crm_warn_hold(void)
{
	if (!held && !(held = tmpfile()))
		crm_die_errno(EX_CANTCREAT, "cannot create a temporary file");
}

void crm_warn_release(bool show)
{
	FILE *fp = held;
	if (!fp)
		return;
	held = NULL;
	if (show) {
		fflush(fp);
		rewind(fp);
		crm_fcopy(fp, stderr);
	}
	fclose(fp);
}

void crm_warn(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
}

int crm_nothing_done(long n, const char *what, const char *done, int st)
{
	if (!n)
		return 0;
	crm_warn("%ld %s%s, nothing %s", n, what, n == 1 ? "" : "s", done);
	return st;
}

void crm_warn_errno(const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vwarn(e, fmt, ap);
	va_end(ap);
}

void crm_die(int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vwarn(0, fmt, ap);
	va_end(ap);
	crm_warn_release(true);
	exit(status);
}

void crm_die_errno(int status, const char *fmt, ...)
{
	int e = errno;
	va_list ap;
	va_start(ap, fmt);
	vwarn(e, fmt, ap);
	va_end(ap);
	crm_warn_release(true);
	exit(status);
}

int crm_finish(int status)
{
	int failed = ferror(stdout);
	if (fflush(stdout) != 0)
		failed = 1;
	if (fclose(stdout) != 0)
		failed = 1;
	if (failed) {
		if (errno == EPIPE)
			return status;
		crm_warn_errno("write error");
		return status ? status : EX_IOERR;
	}
	return status;
}

int crm_fcopy(FILE *from, FILE *to)
{
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof buf, from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return EX_IOERR;
	return ferror(from) ? EX_IOERR : 0;
}

static void *oom(void *p)
{
	if (!p)
		crm_die(EX_SOFTWARE, "out of memory");
	return p;
}

void *crm_xmalloc(size_t n) { return oom(malloc(n ? n : 1)); }
void *crm_xcalloc(size_t n, size_t size) { return oom(calloc(n ? n : 1, size ? size : 1)); }
void *crm_xrealloc(void *p, size_t n) { return oom(realloc(p, n ? n : 1)); }
char *crm_xstrdup(const char *s) { return oom(strdup(s)); }
char *crm_xstrndup(const char *s, size_t n) { return oom(strndup(s, n)); }

char *crm_xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		crm_die(EX_SOFTWARE, "bad format '%s'", fmt);
	char *s = crm_xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

int crm_spool(FILE *in, const char *name, FILE **out, FILE **copy, long *start)
{
	struct stat sb;
	*copy = NULL;
	*out = in;
	if (fstat(fileno(in), &sb) == 0 && S_ISREG(sb.st_mode) && (*start = ftell(in)) >= 0)
		return 0;
	FILE *tmp = tmpfile();
	if (!tmp) {
		crm_warn_errno("cannot create a temporary file");
		return EX_CANTCREAT;
	}
	if (crm_fcopy(in, tmp) != 0 || fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
		crm_warn_errno("%s: cannot copy to a temporary file",
			       !name || strcmp(name, "-") == 0 ? "stdin" : name);
		fclose(tmp);
		return EX_IOERR;
	}
	*out = *copy = tmp;
	*start = 0;
	return 0;
}
