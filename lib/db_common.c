/* db_common.c: the parts of db.h that every backend shares: the default path,
 * binding conveniences and the re-pointing of references. */
#include <stdio.h>
#include <stdlib.h>
#include <sysexits.h>

#include "db.h"
#include "err.h"

char *crm_db_default_path(void)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	if (xdg && *xdg == '/')
		return crm_xasprintf("%s/crm/crm.db", xdg);
	const char *home = getenv("HOME");
	return crm_xasprintf("%s/.local/share/crm/crm.db", home ? home : ".");
}

int crm_db_row(struct crm_db *db, struct crm_stmt *st, const char *what)
{
	int rc = crm_step(st);
	if (rc == CRM_ROW)
		return 0;
	return rc == CRM_DONE ? CRM_EX_NOTFOUND : crm_db_fail(db, what);
}

int crm_db_run_with_ids(struct crm_db *db, const char *const *sql, size_t n, int64_t a,
			int64_t b, const char *what)
{
	for (size_t i = 0; i < n; i++) {
		struct crm_stmt *s = crm_db_stmt(db, sql[i]);
		if (!s)
			return EX_SOFTWARE;
		crm_bind_int(s, 1, a);
		crm_bind_int(s, 2, b);
		if (crm_step(s) != CRM_DONE) {
			char msg[96];
			snprintf(msg, sizeof msg, "cannot %s", what);
			return crm_db_fail(db, msg);
		}
	}
	return 0;
}

int crm_bind_str(struct crm_stmt *st, int i, const char *s) { return crm_bind_strn(st, i, s, -1); }
int crm_bind_copy(struct crm_stmt *st, int i, const char *s) { return crm_bind_copyn(st, i, s, -1); }

int crm_bind_text(struct crm_stmt *st, int i, const char *s)
{
	if (!s || !*s)
		return crm_bind_null(st, i);
	return crm_bind_copy(st, i, s);
}

int crm_bind_id(struct crm_stmt *st, int i, int64_t id)
{
	return id ? crm_bind_int(st, i, id) : crm_bind_null(st, i);
}

void crm_bind_named_text(struct crm_stmt *st, const char *name, const char *value)
{
	int i = crm_param_index(st, name);
	if (i)
		crm_bind_copy(st, i, value);
}
