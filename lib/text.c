/* text.c: see text.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>

#include "err.h"
#include "text.h"
#include "utf8.h"

#define TAGS_MAX 1024

static bool is_space_at(const char *s, size_t *len)
{
	if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v' || *s == '\f') {
		*len = 1;
		return true;
	}
	if ((unsigned char)s[0] == 0xe3 && (unsigned char)s[1] == 0x80 && (unsigned char)s[2] == 0x80) {
		*len = 3;	/* U+3000 ideographic space */
		return true;
	}
	return false;
}

char *crm_trim(char *s)
{
	size_t n, start = 0, end = strlen(s);
	while (s[start] && is_space_at(s + start, &n))
		start += n;
	while (end > start) {
		if (s[end - 1] == ' ' || s[end - 1] == '\t' || s[end - 1] == '\n' || s[end - 1] == '\r')
			end--;
		else if (end - start >= 3 && is_space_at(s + end - 3, &n) && n == 3)
			end -= 3;
		else
			break;
	}
	memmove(s, s + start, end - start);
	s[end - start] = '\0';
	return s;
}

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

/* ---- a growing string, and JSON in it ---- */

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

void crm_buf_addn(struct crm_buf *b, const char *s, size_t n)
{
	buf_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void crm_buf_add(struct crm_buf *b, const char *s) { crm_buf_addn(b, s, strlen(s)); }
void crm_buf_addc(struct crm_buf *b, char c) { crm_buf_addn(b, &c, 1); }

char *crm_buf_take(struct crm_buf *b)
{
	char *s = b->s ? b->s : crm_xstrdup("");
	*b = (struct crm_buf){0};
	return s;
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

int crm_read_all(const char *path, size_t max, char **buf, size_t *len)
{
	bool is_stdin = !strcmp(path, "-");
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	if (!f) {
		crm_warn("cannot open %s: %s", path, strerror(errno));
		return EX_NOINPUT;
	}
	struct crm_buf b = {0};
	char chunk[65536];
	size_t n;
	int st = 0;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + n > max) {
			crm_warn("%s: longer than %zu bytes", is_stdin ? "standard input" : path, max);
			st = EX_DATAERR;
			break;
		}
		crm_buf_addn(&b, chunk, n);
	}
	if (!st && ferror(f)) {
		crm_warn("cannot read %s: %s", is_stdin ? "standard input" : path, strerror(errno));
		st = EX_IOERR;
	}
	if (!is_stdin)
		fclose(f);
	*len = b.len;
	*buf = crm_buf_take(&b);
	if (st) {
		free(*buf);
		*buf = NULL;
	}
	return st;
}

int crm_read_text(const char *path, size_t max, char **buf)
{
	size_t len, bad;
	int st = crm_read_all(path, max, buf, &len);
	if (st)
		return st;
	const char *name = strcmp(path, "-") ? path : "standard input";
	const char *nul = memchr(*buf, '\0', len);
	if (nul) {
		crm_warn("%s: a NUL byte at offset %zu: not text", name, (size_t)(nul - *buf));
		st = EX_DATAERR;
	} else if (!crm_utf8_valid(*buf, len, &bad)) {
		crm_warn("%s: invalid UTF-8 at byte %zu (convert it with iconv)", name, bad);
		st = EX_DATAERR;
	}
	if (st) {
		free(*buf);
		*buf = NULL;
	}
	return st;
}
