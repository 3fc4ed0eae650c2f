/* colmap.h: what the importers share: which field each column of a CSV or
 * TSV file fills (--map first, then the field's own name, then the
 * config's import aliases, then the importer's built-in aliases), and the
 * bad rows (reported with file:line, or with --skip-bad written unchanged
 * with an "error" column to the reject file). */
#ifndef CRM_COLMAP_H
#define CRM_COLMAP_H

#include <stdbool.h>
#include <stdio.h>

#include "config.h"
#include "ctx.h"
#include "outfile.h"
#include "rows.h"

/* Built-in header variants of a field, normalised as by
 * crm_config_header_normalise(), separated by '|'; a NULL field ends a
 * list. */
struct crm_colmap_alias {
	const char *field;
	const char *headers;
};

/* The fields an importer knows: handle of a name (-1 when unknown) and
 * name of a handle. */
struct crm_colmap_fields {
	void *arg;
	int (*handle)(void *arg, const char *name);
	const char *(*name)(void *arg, int handle);
};

struct crm_colmap;

/* Parse --map ("Header=field,...", may be NULL); 64 after reporting an
 * unknown field or a malformed entry. */
int crm_colmap_new(const char *map, const struct crm_colmap_fields *f, struct crm_colmap **out);
void crm_colmap_free(struct crm_colmap *m);

/* Fill handle[i] for each column of rows (-1: ignored, with a warning
 * unless quiet).  65 after reporting two columns giving one field, a
 * --map header the file lacks, or no column naming a field at all. */
int crm_colmap_columns(struct crm_colmap *m, const struct crm_rows *rows, const char *entity,
		       const struct crm_config *cfg, const struct crm_colmap_alias *aliases,
		       bool quiet, int *handle);

/* The inputs of one import, each opened to be read twice
 * (crm_rows_open_twice) and its columns mapped before the write lock is
 * taken, so that a missing file or a bad header never waits for it. */
struct crm_import_inputs {
	bool once;		/* set by the caller: read once, a pipe not copied */
	int n;
	struct crm_rows **rows;
	int **handle;		/* per file and column: the field it fills, -1 none */
};

/* Open files (nfiles of them, "-" stdin; to be read twice unless
 * in->once) and map their columns as crm_colmap_columns; 0, or a status
 * after reporting. */
int crm_import_inputs_open(struct crm_import_inputs *in, char *const *files, int nfiles,
			   enum crm_rows_format fmt, struct crm_colmap *m, const char *entity,
			   const struct crm_config *cfg, const struct crm_colmap_alias *aliases,
			   bool quiet);
int crm_import_inputs_rewind(struct crm_import_inputs *in);
/* The files an import reads: those named, or standard input ("-") when
 * none is (*nfiles 0 becomes 1). */
char **crm_import_files(char **files, int *nfiles);
/* The one audit row of an import that created records: "N ENTITYs from
 * FILE, ..." (stdin for "-").  0 or an exit status after reporting. */
int crm_import_audit(struct crm_db *db, const char *entity, long created, char *const *files,
		     int nfiles);
void crm_import_inputs_close(struct crm_import_inputs *in);

/* An import reads its rows twice, as a bulk update does (batch.h), so that
 * the write lock is held only while rows are written.  Without skip_bad,
 * run(arg, false) first checks every row outside any transaction, reports
 * each bad one and, when there were any, "N bad rows, nothing imported"
 * (its status then ends the import: the lock is never taken).  Then, or
 * at once with skip_bad (a bad row is no error then, and the reject file
 * must see each bad row once), the inputs are rewound, the transaction is
 * begun and run(arg, true) reads and checks them again and writes.
 * Returns the status of the last run; a transaction may be open. */
int crm_import_run(struct crm_ctx *ctx, struct crm_import_inputs *in, bool skip_bad,
		   int (*run)(void *arg, bool apply), void *arg);

/* Bad rows of one import.  With --skip-bad and a reject file they are
 * held in a temporary file while the import runs and reach the reject file
 * only when the import has succeeded (crm_rejects_save), so a failed or
 * refused import creates none; in a dry run they go to stderr and the
 * reject file is only checked. */
struct crm_rejects {
	bool skip_bad;
	FILE *fp;		/* where rejected rows go meanwhile: stderr or the holding file */
	struct crm_outfile out;	/* the reject file; out.path NULL: none */
	bool saved;		/* the reject file has been written */
	long bad;
	const struct crm_rows *header_of;	/* the file whose header was written */
};

/* Check the reject file path (NULL: stderr) as an output of an import of
 * files into ctx's database (see outfile.h); 64 or 73 after reporting. */
int crm_rejects_open(struct crm_rejects *rj, struct crm_ctx *ctx, bool skip_bad,
		     const char *path, char *const *files, int nfiles);
/* With st, the status of the import's work, 0: write the reject file,
 * before the import commits.  Returns st, or 73/74 after reporting. */
int crm_rejects_save(struct crm_rejects *rj, int st);
/* Done with the import, whose final status is st: a reject file saved for
 * an import that failed after all is removed.  Returns st. */
int crm_rejects_close(struct crm_rejects *rj, int st);
/* What the bad rows make of an import: without skip_bad, when there were
 * any, 65 after "N bad rows, nothing imported"; else 0. */
int crm_rejects_status(const struct crm_rejects *rj);
/* Count the current row of rows as bad: report "file:line: why" (why NULL:
 * the reader has reported it), or with skip_bad write it to the reject
 * file with why in its error column. */
void crm_reject(struct crm_rejects *rj, const struct crm_rows *rows, const char *why);

#endif
