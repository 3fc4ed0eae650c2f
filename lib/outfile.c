/* outfile.c: see outfile.h */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>

#include "err.h"
#include "opts.h"
#include "outfile.h"

/* path with its directory resolved (symbolic links, ".", ".."): the name
 * a file created at path gets.  NULL with errno when the directory is
 * missing. */
static char *resolve(const char *path)
{
	char *copy = crm_xstrdup(path), *slash = strrchr(copy, '/');
	const char *dir = ".", *base = copy;
	if (slash) {
		*slash = '\0';
		dir = slash == copy ? "/" : copy;
		base = slash + 1;
	}
	char *real = realpath(dir, NULL), *out = NULL;
	if (real)
		out = crm_xasprintf("%s%s%s", real, strcmp(real, "/") ? "/" : "", base);
	free(real);
	free(copy);
	return out;
}

/* Is name the file t (when both exist), or the name resolved (when the
 * target does not exist yet)? */
static bool same_file(const char *name, const struct stat *t, const char *resolved)
{
	struct stat s;
	if (stat(name, &s) == 0)
		return t && s.st_dev == t->st_dev && s.st_ino == t->st_ino;
	if (t || !resolved)
		return false;
	char *r = resolve(name);
	bool same = r && strcmp(r, resolved) == 0;
	free(r);
	return same;
}

/* What of the protected files the target is (t: its lstat, NULL when it
 * does not exist; resolved: its resolved name), or NULL. */
static const char *protected_as(const struct crm_outfile *of, const struct stat *t,
				const char *resolved)
{
	static const char *const suffix[] = {"", "-wal", "-shm"};
	static const char *const label[] = {"the database", "the database's -wal file",
					    "the database's -shm file"};
	const char *hit = NULL;
	if (of->db) {
		/* SQLite puts -wal and -shm beside the file a symbolic link names */
		char *db = realpath(of->db, NULL);
		if (!db)
			db = resolve(of->db);
		for (size_t i = 0; db && !hit && i < sizeof suffix / sizeof *suffix; i++) {
			char *name = crm_xasprintf("%s%s", db, suffix[i]);
			if (same_file(name, t, resolved) || (i == 0 && same_file(of->db, t, resolved)))
				hit = label[i];
			free(name);
		}
		free(db);
	}
	for (int i = 0; !hit && i < of->ninputs; i++) {
		struct stat s;
		if (strcmp(of->inputs[i], "-") != 0)
			hit = same_file(of->inputs[i], t, resolved) ? "an input file" : NULL;
		else if (t && fstat(STDIN_FILENO, &s) == 0 && s.st_dev == t->st_dev &&
			 s.st_ino == t->st_ino)
			hit = "the standard input";
	}
	return hit;
}

static int refuse(const struct crm_outfile *of, const char *why, const char *what)
{
	crm_warn("%s '%s': %s%s", of->what, of->path, why, what ? what : "");
	return EX_CANTCREAT;
}

static int refuse_errno(const struct crm_outfile *of, int e)
{
	if (e == EEXIST)
		return refuse(of, "file exists (use --force to replace it)", NULL);
	if (e == ELOOP)
		return refuse(of, "is a symbolic link; refusing to follow it", NULL);
	errno = e;
	crm_warn_errno("cannot create '%s'", of->path);
	return EX_CANTCREAT;
}

int crm_outfile_check(const struct crm_outfile *of)
{
	if (!*of->path)
		return crm_usage_fail("%s: empty file name", of->what);
	char *resolved = resolve(of->path);
	if (!resolved)
		return refuse_errno(of, errno);
	struct stat t;
	bool exists = lstat(of->path, &t) == 0;
	int e = errno, st = 0;
	const char *hit;
	if (!exists && e != ENOENT)
		st = refuse_errno(of, e);
	else if (exists && S_ISLNK(t.st_mode))
		st = refuse_errno(of, ELOOP);
	else if ((hit = protected_as(of, exists ? &t : NULL, resolved)))
		st = refuse(of, "refusing to overwrite ", hit);
	else if (exists && S_ISDIR(t.st_mode))
		st = refuse(of, "is a directory", NULL);
	else if (exists && !S_ISREG(t.st_mode))
		st = refuse(of, "not a regular file", NULL);
	else if (exists && !of->force)
		st = refuse_errno(of, EEXIST);
	free(resolved);
	return st;
}

int crm_outfile_open(const struct crm_outfile *of, FILE **fp)
{
	int st = crm_outfile_check(of);
	if (st)
		return st;
	/* the check and the open are two steps: the open itself follows no
	 * link, creates only when told to, and its result is checked again */
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
	int fd = open(of->path, flags | (of->force ? 0 : O_EXCL), 0600);
	if (fd < 0)
		return refuse_errno(of, errno);
	struct stat t;
	const char *hit;
	if (fstat(fd, &t) != 0 || !S_ISREG(t.st_mode))
		st = refuse(of, "not a regular file", NULL);
	else if ((hit = protected_as(of, &t, NULL)))
		st = refuse(of, "refusing to overwrite ", hit);
	else if (of->force && ftruncate(fd, 0) != 0)
		st = refuse_errno(of, errno);
	else if (fcntl(fd, F_SETFL, O_WRONLY) != 0 || !(*fp = fdopen(fd, "w")))
		st = refuse_errno(of, errno);
	if (st)
		close(fd);
	return st;
}

int crm_outfile_temp(const char *path, char **tmp, int *fd)
{
	const char *slash = strrchr(path, '/');
	/* ".NAME.XXXXXX" beside path: the Xs are mkstemp's template, which it
	 * replaces with a unique suffix */
	*tmp = slash ? crm_xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
		     : crm_xasprintf(".%s.XXXXXX", path);
	/* mkstemp: O_EXCL, mode 0600, and a fresh name, never a link */
	if ((*fd = mkstemp(*tmp)) < 0) {
		crm_warn_errno("cannot create a temporary file beside '%s'", path);
		free(*tmp);
		*tmp = NULL;
		return EX_CANTCREAT;
	}
	fcntl(*fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

int crm_outfile_publish(const struct crm_outfile *of, const char *tmp)
{
	int st = crm_outfile_check(of);
	if (st)
		return st;
	if (of->force) {
		if (rename(tmp, of->path) != 0)
			return refuse_errno(of, errno);
	} else if (link(tmp, of->path) == 0) {
		unlink(tmp);
	} else if (errno == EPERM || errno == EOPNOTSUPP) {
		/* a file system without hard links: the check above must do */
		if (rename(tmp, of->path) != 0)
			return refuse_errno(of, errno);
	} else {
		return refuse_errno(of, errno);
	}
	return crm_outfile_sync_dir(of->path);
}

int crm_outfile_sync_dir(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? crm_xstrndup(path, slash == path ? 1 : (size_t)(slash - path))
			  : crm_xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), st = 0;
	/* some file systems cannot sync a directory (EINVAL): nothing to do */
	if (fd < 0 || (fsync(fd) != 0 && errno != EINVAL)) {
		crm_warn_errno("%s: cannot sync directory", dir);
		st = EX_IOERR;
	}
	if (fd >= 0)
		close(fd);
	free(dir);
	return st;
}
