/* colmap.c: see colmap.h */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>

#include "audit.h"
#include "colmap.h"
#include "config_yaml.h"
#include "db.h"
#include "err.h"
#include "opts.h"
#include "text.h"

struct map_entry {
	char *header;
	int handle;
	bool used;
};

struct crm_colmap {
	struct crm_colmap_fields f;
	struct map_entry *map;
	size_t nmap;
};

void crm_colmap_free(struct crm_colmap *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->nmap; i++)
		free(m->map[i].header);
	free(m->map);
	free(m);
}

int crm_colmap_new(const char *map, const struct crm_colmap_fields *f, struct crm_colmap **out)
{
	struct crm_colmap *m = crm_xcalloc(1, sizeof *m);
	char *copy = crm_xstrdup(map ? map : ""), *save = NULL;
	int st = 0;
	m->f = *f;
	for (char *tok = strtok_r(copy, ",", &save); tok && !st; tok = strtok_r(NULL, ",", &save)) {
		char *eq = strrchr(tok, '=');
		if (!eq || eq == tok) {
			st = crm_usage_fail("--map wants Header=field, not '%s'", tok);
			break;
		}
		*eq = '\0';
		int h = f->handle(f->arg, eq + 1);
		if (h < 0) {
			st = crm_usage_fail("unknown field '%s' in --map", eq + 1);
			break;
		}
		m->map = crm_xrealloc(m->map, (m->nmap + 1) * sizeof *m->map);
		m->map[m->nmap++] = (struct map_entry){crm_xstrdup(tok), h, false};
	}
	free(copy);
	if (st) {
		crm_colmap_free(m);
		return st;
	}
	*out = m;
	return 0;
}

static bool in_variants(const char *norm, const char *variants)
{
	size_t len = strlen(norm);
	for (const char *p = variants; *p; ) {
		size_t n = strcspn(p, "|");
		if (n == len && memcmp(p, norm, n) == 0)
			return true;
		p += n + (p[n] == '|');
	}
	return false;
}

/* The handle a column header gives, -1 for none. */
static int column_handle(struct crm_colmap *m, const char *col, const char *entity,
			 const struct crm_config *cfg, const struct crm_colmap_alias *aliases)
{
	const char *field;
	int h;
	for (size_t i = 0; i < m->nmap; i++) {
		if (strcmp(m->map[i].header, col) == 0) {
			m->map[i].used = true;
			return m->map[i].handle;
		}
	}
	if ((h = m->f.handle(m->f.arg, col)) >= 0)
		return h;
	if ((field = crm_config_alias(cfg, entity, col)) && (h = m->f.handle(m->f.arg, field)) >= 0)
		return h;
	char *norm = crm_config_header_normalise(col);
	for (const struct crm_colmap_alias *a = aliases; a && a->field && h < 0; a++)
		if (in_variants(norm, a->headers))
			h = m->f.handle(m->f.arg, a->field);
	free(norm);
	return h;
}

int crm_colmap_columns(struct crm_colmap *m, const struct crm_rows *rows, const char *entity,
		       const struct crm_config *cfg, const struct crm_colmap_alias *aliases,
		       bool quiet, int *handle)
{
	const char *name = crm_rows_name(rows);
	size_t ncols = crm_rows_ncols(rows);
	bool any = false;

	for (size_t i = 0; i < m->nmap; i++)
		m->map[i].used = false;
	for (size_t i = 0; i < ncols; i++) {
		const char *col = crm_rows_colname(rows, i);
		int h = handle[i] = column_handle(m, col, entity, cfg, aliases);
		if (h < 0) {
			if (!quiet)
				crm_warn("%s: ignoring column '%s'", name, col);
			continue;
		}
		for (size_t j = 0; j < i; j++) {
			if (handle[j] == h) {
				crm_warn("%s:1: columns '%s' and '%s' both give '%s'", name,
					 crm_rows_colname(rows, j), col, m->f.name(m->f.arg, h));
				return EX_DATAERR;
			}
		}
		any = true;
	}
	for (size_t i = 0; i < m->nmap; i++) {
		if (!m->map[i].used) {
			crm_warn("%s:1: no column '%s' (named in --map)", name, m->map[i].header);
			return EX_DATAERR;
		}
	}
	if (!any) {
		crm_warn("%s:1: no column names %s %s field", name,
			 strchr("aeio", entity[0]) ? "an" : "a", entity);
		return EX_DATAERR;
	}
	return 0;
}

int crm_import_inputs_open(struct crm_import_inputs *in, char *const *files, int nfiles,
			   enum crm_rows_format fmt, struct crm_colmap *m, const char *entity,
			   const struct crm_config *cfg, const struct crm_colmap_alias *aliases,
			   bool quiet)
{
	int st = 0;
	in->n = nfiles;
	in->rows = crm_xcalloc((size_t)nfiles, sizeof *in->rows);
	in->handle = crm_xcalloc((size_t)nfiles, sizeof *in->handle);
	for (int i = 0; i < nfiles && !st; i++) {
		in->rows[i] = in->once ? crm_rows_open(files[i], fmt, &st)
				       : crm_rows_open_twice(files[i], fmt, &st);
		if (!in->rows[i])
			break;
		size_t ncols = crm_rows_ncols(in->rows[i]);
		in->handle[i] = crm_xcalloc(ncols ? ncols : 1, sizeof **in->handle);
		st = crm_colmap_columns(m, in->rows[i], entity, cfg, aliases, quiet, in->handle[i]);
	}
	return st;
}

int crm_import_inputs_rewind(struct crm_import_inputs *in)
{
	int st = 0;
	for (int i = 0; i < in->n && !st; i++)
		st = crm_rows_rewind(in->rows[i]);
	return st;
}

void crm_import_inputs_close(struct crm_import_inputs *in)
{
	for (int i = 0; in->rows && i < in->n; i++) {
		crm_rows_close(in->rows[i]);
		free(in->handle[i]);
	}
	free(in->rows);
	free(in->handle);
	in->rows = NULL;
	in->handle = NULL;
}

int crm_import_run(struct crm_ctx *ctx, struct crm_import_inputs *in, bool skip_bad,
		   int (*run)(void *arg, bool apply), void *arg)
{
	int st = 0;
	if (!skip_bad) {
		/* a statement left half-way would pin a snapshot older than the input */
		crm_db_reset_statements(ctx->db);
		/* what a good row says (a duplicate skipped) it says when written */
		crm_warn_hold();
		st = run(arg, false);
		crm_warn_release(st != 0);
		if (st || (st = crm_import_inputs_rewind(in)))
			return st;
	}
	if (!(st = crm_db_begin(ctx->db)))
		st = run(arg, true);
	return st;
}

int crm_rejects_open(struct crm_rejects *rj, struct crm_ctx *ctx, bool skip_bad,
		     const char *path, char *const *files, int nfiles)
{
	memset(rj, 0, sizeof *rj);
	rj->skip_bad = skip_bad;
	rj->fp = stderr;
	if (!path && ctx->opts->force)
		return crm_usage_fail("--force goes with --reject");
	if (!path)
		return 0;
	rj->out = (struct crm_outfile){.what = "--reject", .path = path,
				       .db = crm_db_path(ctx->db), .inputs = files,
				       .ninputs = nfiles, .force = ctx->opts->force};
	int st = crm_outfile_check(&rj->out);
	if (st || ctx->opts->dry_run) {
		rj->out.path = NULL;
		return st;
	}
	if (!(rj->fp = tmpfile())) {
		crm_warn_errno("cannot create a temporary file");
		rj->fp = stderr;
		rj->out.path = NULL;
		return EX_CANTCREAT;
	}
	return 0;
}

int crm_rejects_save(struct crm_rejects *rj, int st)
{
	FILE *fp;
	if (st || !rj->out.path || (st = crm_outfile_open(&rj->out, &fp)))
		return st;
	rj->saved = true;
	rewind(rj->fp);
	int bad = crm_fcopy(rj->fp, fp) != 0, e = errno;
	if (fclose(fp) != 0) {
		bad = 1;
		e = errno;
	}
	if (bad) {
		errno = e;
		crm_warn_errno("%s: write error", rj->out.path);
		return EX_IOERR;
	}
	return 0;
}

int crm_rejects_close(struct crm_rejects *rj, int st)
{
	if (rj->fp && rj->fp != stderr)
		fclose(rj->fp);
	rj->fp = NULL;
	if (st && rj->saved)
		unlink(rj->out.path);
	rj->saved = false;
	return st;
}

int crm_rejects_status(const struct crm_rejects *rj)
{
	return rj->skip_bad ? 0 : crm_nothing_done(rj->bad, "bad row", "imported", EX_DATAERR);
}

void crm_reject(struct crm_rejects *rj, const struct crm_rows *rows, const char *why)
{
	rj->bad++;
	crm_warn_release(true);	/* the import fails: what was held back is part of why */
	if (!rj->skip_bad) {
		if (why)
			crm_warn("%s:%ld: %s", crm_rows_name(rows), crm_rows_line(rows), why);
		return;
	}
	if (rj->header_of != rows) {
		crm_rows_put_header(rows, rj->fp, "error");
		rj->header_of = rows;
	}
	crm_rows_put_current(rows, rj->fp, why ? why : "malformed row");
}

char **crm_import_files(char **files, int *nfiles)
{
	static char dash[] = "-";
	static char *stdin_only[] = {dash};
	if (*nfiles)
		return files;
	*nfiles = 1;
	return stdin_only;
}

int crm_import_audit(struct crm_db *db, const char *entity, long created, char *const *files,
		     int nfiles)
{
	struct crm_buf b = {0};
	char head[96];
	if (!created)
		return 0;
	snprintf(head, sizeof head, "%ld %ss from ", created, entity);
	crm_buf_add(&b, head);
	for (int i = 0; i < nfiles; i++) {
		crm_buf_add(&b, i ? ", " : "");
		crm_buf_add(&b, strcmp(files[i], "-") ? files[i] : "stdin");
	}
	int st = crm_audit_write(db, entity, 0, "import", NULL, NULL, b.s);
	free(b.s);
	return st;
}
