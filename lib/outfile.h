/* outfile.h: safe output files (reject files, backups).  An output path is
 * checked before anything is written to it: never the database, its -wal
 * or -shm, nor an input file of the command; never through a symbolic link
 * (dangling or not) and never a directory; a file that exists only with
 * --force, and then only a regular one.  A new file is created exclusively;
 * a whole-file output (a backup) is written to a temporary name beside its
 * final one and renamed into place once complete. */
#ifndef CRM_OUTFILE_H
#define CRM_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct crm_outfile {
	const char *what;	/* names the file in messages: "--reject", "backup" */
	const char *path;
	const char *db;		/* the database path (its -wal and -shm too), or NULL */
	char *const *inputs;	/* the command's input files ("-" = stdin) */
	int ninputs;
	bool force;		/* may replace an existing regular file */
};

/* May of->path be written?  0, or after reporting 64 (empty path) or 73
 * (a refusal, or a directory that does not exist).  Writes nothing. */
int crm_outfile_check(const struct crm_outfile *of);

/* Check, then open of->path for writing: created mode 0600 with O_EXCL,
 * or with force an existing regular file truncated (never followed through
 * a symbolic link).  0 with *fp, or 64/73 after reporting. */
int crm_outfile_open(const struct crm_outfile *of, FILE **fp);

/* Create an empty temporary file (mode 0600, O_EXCL) in the directory of
 * path, named after it; 0 with *fd and *tmp (free it), or 73 after
 * reporting. */
int crm_outfile_temp(const char *path, char **tmp, int *fd);

/* Move the complete temporary file tmp to of->path: without force only if
 * nothing is there yet (link, then unlink tmp), with force replacing it
 * (rename); then fsync the directory.  0, or 73/74 after reporting; tmp is
 * left for the caller to remove on failure. */
int crm_outfile_publish(const struct crm_outfile *of, const char *tmp);

/* fsync the directory holding path, so a rename in it is durable; 0 or 74
 * after reporting. */
int crm_outfile_sync_dir(const char *path);

#endif
