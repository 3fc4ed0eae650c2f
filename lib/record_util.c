/* record_util.c: the pieces every record shares, leads included: tags,
 * the custom-field JSON, the change report of -n, the history section and
 * id parsing.  See record.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "audit.h"
#include "db.h"
#include "err.h"
#include "leadfield.h"
#include "normalise.h"
#include "record.h"
#include "tsv.h"

#define TAGS_MAX 1024

/* ---- tags ---- */

/* Length of a tag separator at s (, ， ; ；), or 0. */
static size_t tag_sep(const char *s)
{
	if (*s == ',' || *s == ';')
		return 1;
	if (strncmp(s, "\xef\xbc\x8c", 3) == 0 || strncmp(s, "\xef\xbc\x9b", 3) == 0)
		return 3;
	return 0;
}

/* Is the tag of n bytes at tag one of the ","-joined list? */
static bool tag_listed(const char *list, const char *tag, size_t n)
{
	for (const char *p = list; *p; ) {
		size_t len = strcspn(p, ",");
		if (len == n && strncmp(p, tag, n) == 0)
			return true;
		p += len + (p[len] == ',');
	}
	return false;
}

void crm_tags_canonical(char *buf)
{
	char copy[TAGS_MAX + 1], *p = copy;
	size_t outlen = 0;
	snprintf(copy, sizeof copy, "%s", buf);
	buf[0] = '\0';
	while (*p) {
		char *start = p;
		size_t n = 0;
		while (*p && !(n = tag_sep(p)))
			p++;
		char save = *p;
		*p = '\0';
		char *tag = crm_trim(start);
		size_t tl = strlen(tag);
		if (tl && !tag_listed(buf, tag, tl)) {
			if (outlen)
				buf[outlen++] = ',';
			memcpy(buf + outlen, tag, tl + 1);
			outlen += tl;
		}
		if (!save)
			break;
		p += n;
	}
}

char *crm_tags_edit(const char *have, const char *given, bool remove)
{
	char *out = crm_xcalloc(1, strlen(have) + strlen(given) + 2);
	if (!remove) {
		strcpy(out, have);
		if (*have && *given)
			strcat(out, ",");
		strcat(out, given);
		return out;
	}
	for (const char *p = have; *p; ) {
		size_t n = strcspn(p, ",");
		if (!tag_listed(given, p, n)) {
			if (*out)
				strcat(out, ",");
			strncat(out, p, n);
		}
		p += n + (p[n] == ',');
	}
	return out;
}

/* ---- JSON, diff, history, ids ---- */

static void buf_reserve(struct crm_buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < b->len + more + 1)
		cap *= 2;
	b->s = crm_xrealloc(b->s, cap);
	b->cap = cap;
}

void crm_buf_add(struct crm_buf *b, const char *s)
{
	size_t n = strlen(s);
	buf_reserve(b, n);
	memcpy(b->s + b->len, s, n + 1);
	b->len += n;
}

/* s as the inside of a JSON string. */
static void json_escaped(struct crm_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		buf_reserve(b, 6);
		if (*p == '"' || *p == '\\') {
			b->s[b->len++] = '\\';
			b->s[b->len++] = (char)*p;
		} else if (*p < 0x20) {
			b->len += (size_t)snprintf(b->s + b->len, 7, "\\u%04x", *p);
		} else {
			b->s[b->len++] = (char)*p;
		}
	}
	buf_reserve(b, 0);
	b->s[b->len] = '\0';
}

void crm_json_member(struct crm_buf *b, const char *key, const char *value)
{
	crm_buf_add(b, b->len ? ",\"" : "{\"");
	json_escaped(b, key);
	crm_buf_add(b, "\":\"");
	json_escaped(b, value);
	crm_buf_add(b, "\"");
}

void crm_json_end(struct crm_buf *b)
{
	if (b->len)
		crm_buf_add(b, "}");
	else
		crm_buf_add(b, "");
}

void crm_diff_row(struct crm_diff *d, int64_t id, const char *field, const char *old_value,
		  const char *new_value)
{
	d->fields++;
	if (!d->fp)
		return;
	if (d->header) {
		static const char *const cols[] = {"id", "field", "old_value", "new_value"};
		crm_tsv_put_row(d->fp, cols, 4);
		d->header = false;
	}
	char idbuf[24];
	snprintf(idbuf, sizeof idbuf, "%lld", (long long)id);
	const char *row[] = {idbuf, field, old_value, new_value};
	crm_tsv_put_row(d->fp, row, 4);
}

int crm_history_print(struct crm_ctx *ctx, const char *entity, int64_t id, struct crm_out *o)
{
	/* its own rows and those of the records merged into it, marked */
	static const char sql[] =
		"WITH RECURSIVE " CRM_AUDIT_MERGED("?1", "?2")
		" SELECT a.at, a.actor, a.tool, a.action, a.field, a.old_value, a.new_value,"
		" CASE WHEN m.hi <> " CRM_AUDIT_NO_END " THEN m.id END"
		" FROM " CRM_AUDIT_MERGED_ROWS("?1") " ORDER BY a.id";
	static const char *const names[] = {
		"at", "actor", "tool", "action", "field", "old_value", "new_value", "merged_from"
	};
	const char *row[8];
	int rc;
	struct crm_stmt *s = crm_db_stmt(ctx->db, sql);
	if (!s)
		return EX_SOFTWARE;
	crm_bind_str(s, 1, entity);
	crm_bind_int(s, 2, id);
	crm_out_cols(o, names, 7);
	crm_out_col(o, names[7], CRM_COL_INT);
	while ((rc = crm_step(s)) == CRM_ROW) {
		for (int i = 0; i < 8; i++)
			row[i] = crm_col_str(s, i);
		crm_out_row(o, row);
	}
	return rc == CRM_DONE ? 0 : crm_db_fail(ctx->db, "cannot read history");
}

int crm_id_parse(const char *entity, const char *s, int64_t *id)
{
	char *end;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || *s == '+' || *s == ' ') {
		crm_warn("invalid %s id '%s'", entity, s);
		return EX_USAGE;
	}
	*id = v;
	return 0;
}

/* ---- seeds for link-or-create ---- */

int crm_rec_seed_put(struct crm_rec *r, const char *name, const char *value, const char *where)
{
	if (!value || !*value)
		return 0;
	int st = crm_rec_put(r, crm_rec_field(r, name), value);
	if (st)
		crm_warn("%s: %s", where, crm_rec_error(r));
	return st;
}

char *crm_rec_login_of(struct crm_ctx *ctx, int64_t id)
{
	struct crm_stmt *s = crm_db_stmt(ctx->db, "SELECT login FROM users WHERE id = ?1");
	if (!s || !id)
		return crm_xstrdup("");
	crm_bind_int(s, 1, id);
	char *login = crm_xstrdup(crm_step(s) == CRM_ROW ? crm_col_text(s, 0) : "");
	crm_stmt_reset(s);
	return login;
}

void crm_rec_bind_key(struct crm_stmt *st, int i, const char *text, enum crm_key kind)
{
	if (!text || !*text) {
		crm_bind_null(st, i);
		return;
	}
	char *out = crm_xmalloc(strlen(text) + 1);
	long n = kind == CRM_KEY_COMPANY ? (long)crm_norm_company(text, out)
		: kind == CRM_KEY_NAME ? (long)crm_norm_name(text, out)
		: kind == CRM_KEY_PHONE ? crm_norm_phone(text, out) : crm_norm_email(text, out);
	if (n > 0) {
		crm_bind_owned(st, i, out);
	} else {
		crm_bind_null(st, i);
		free(out);
	}
}
