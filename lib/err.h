/* err.h: messages for people and exit statuses for scripts.
 * Every message is "prog: where: what 'value'" on stderr; every exit status
 * is one of sysexits(3), plus CRM_EX_NOTFOUND for "no such record".
 * Library functions report their own errors with crm_warn() and return the
 * exit status (0 on success), so a cmd/ file only passes it on. */
#ifndef CRM_ERR_H
#define CRM_ERR_H

#include <stdbool.h>
#include <stdio.h>
#include <sysexits.h>

enum {
	CRM_EX_OK = 0,
	CRM_EX_NOTFOUND = 1,	/* the record asked for does not exist */
};

extern const char *crm_progname;

void crm_set_progname(const char *argv0);
void crm_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void crm_warn_errno(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Hold messages back, so that a check that may be repeated says nothing
 * unless it fails: crm_warn_release writes what was held to stderr (show)
 * or drops it, and messages go to stderr again.  crm_die shows them. */
void crm_warn_hold(void);
void crm_warn_release(bool show);
/* The end of an all-or-nothing batch: with n > 0 bad rows (what "bad
 * row", or what else went wrong n times) report "N bad rows, nothing DONE"
 * and return st; with none return 0. */
int crm_nothing_done(long n, const char *what, const char *done, int st);
/* noreturn said twice: cppcheck reads the attribute, not _Noreturn, and
 * otherwise follows a crm_die into the code after it */
_Noreturn void crm_die(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
_Noreturn void crm_die_errno(int status, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* Flush and close stdout; on failure report "write error: ..." and return
 * EX_IOERR, else return status unchanged.  Every main() ends with it. */
int crm_finish(int status);

/* Copy the rest of from to to: 0, or EX_IOERR when a read or write failed
 * (not reported: the caller knows the names). */
int crm_fcopy(FILE *from, FILE *to);

/* A stream that can be read again: in itself when it is a regular file
 * (*start its offset now), else a temporary copy of all of it (*copy, for
 * the caller to fclose; *start 0).  0, or 73/74 after reporting, name
 * naming in ("-" or NULL: stdin). */
int crm_spool(FILE *in, const char *name, FILE **out, FILE **copy, long *start);

/* Allocation that never returns NULL: out of memory ends the program (70). */
void *crm_xmalloc(size_t n);
void *crm_xcalloc(size_t n, size_t size);
void *crm_xrealloc(void *p, size_t n);
char *crm_xstrdup(const char *s);
char *crm_xstrndup(const char *s, size_t n);
char *crm_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
