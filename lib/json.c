/* json.c: see json.h */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "text.h"

#define MAX_DEPTH 1000

/* ---- scanning ---- */

struct scan {
	const char *p, *end;
	int depth;
	crm_json_leaf_fn *leaf;	/* NULL: only check (and minify) */
	void *arg;
	struct crm_buf path;
};

static void skip_blank(struct scan *sc)
{
	while (sc->p < sc->end && (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r'))
		sc->p++;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_hex4(const char *p, const char *end)
{
	if (end - p < 4)
		return false;
	for (int i = 0; i < 4; i++)
		if (hexval(p[i]) < 0)
			return false;
	return true;
}

/* A string at sc->p: appended to out as written, quotes included. */
static int scan_string(struct scan *sc, struct crm_buf *out)
{
	const char *start = sc->p;
	if (sc->p >= sc->end || *sc->p != '"')
		return -1;
	for (sc->p++; sc->p < sc->end; sc->p++) {
		unsigned char c = (unsigned char)*sc->p;
		if (c < 0x20)
			return -1;
		if (c == '"') {
			sc->p++;
			if (out)
				crm_buf_addn(out, start, (size_t)(sc->p - start));
			return 0;
		}
		if (c != '\\')
			continue;
		if (++sc->p >= sc->end)
			return -1;
		c = (unsigned char)*sc->p;
		if (c == 'u') {
			if (!is_hex4(sc->p + 1, sc->end))
				return -1;
			sc->p += 4;
		} else if (!strchr("\"\\/bfnrt", c)) {
			return -1;
		}
	}
	return -1;
}

static bool is_digit(const struct scan *sc)
{
	return sc->p < sc->end && *sc->p >= '0' && *sc->p <= '9';
}

static int scan_number(struct scan *sc, struct crm_buf *out)
{
	const char *start = sc->p;
	if (sc->p < sc->end && *sc->p == '-')
		sc->p++;
	if (!is_digit(sc))
		return -1;
	if (*sc->p++ != '0')
		while (is_digit(sc))
			sc->p++;
	if (sc->p < sc->end && *sc->p == '.') {
		sc->p++;
		if (!is_digit(sc))
			return -1;
		while (is_digit(sc))
			sc->p++;
	}
	if (sc->p < sc->end && (*sc->p == 'e' || *sc->p == 'E')) {
		sc->p++;
		if (sc->p < sc->end && (*sc->p == '+' || *sc->p == '-'))
			sc->p++;
		if (!is_digit(sc))
			return -1;
		while (is_digit(sc))
			sc->p++;
	}
	if (out)
		crm_buf_addn(out, start, (size_t)(sc->p - start));
	return 0;
}

static void put_utf8(struct crm_buf *b, uint32_t v)
{
	char u[4];
	size_t n;
	if (v < 0x80) {
		u[0] = (char)v, n = 1;
	} else if (v < 0x800) {
		u[0] = (char)(0xc0 | v >> 6), u[1] = (char)(0x80 | (v & 0x3f)), n = 2;
	} else if (v < 0x10000) {
		u[0] = (char)(0xe0 | v >> 12), u[1] = (char)(0x80 | ((v >> 6) & 0x3f));
		u[2] = (char)(0x80 | (v & 0x3f)), n = 3;
	} else {
		u[0] = (char)(0xf0 | v >> 18), u[1] = (char)(0x80 | ((v >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((v >> 6) & 0x3f)), u[3] = (char)(0x80 | (v & 0x3f)), n = 4;
	}
	crm_buf_addn(b, u, n);
}

static uint32_t hex4(const char *p)
{
	return (uint32_t)(hexval(p[0]) << 12 | hexval(p[1]) << 8 | hexval(p[2]) << 4 | hexval(p[3]));
}

/* The text of a string as scanned (quotes included), unescaped. */
static char *unescape(const char *q, size_t len)
{
	struct crm_buf b = {0};
	const char *p = q + 1, *end = q + len - 1;
	crm_buf_addn(&b, "", 0);
	while (p < end) {
		const char *run = p;
		while (p < end && *p != '\\')
			p++;
		crm_buf_addn(&b, run, (size_t)(p - run));
		if (p >= end)
			break;
		char c = p[1];
		p += 2;
		if (c != 'u') {
			static const char from[] = "bfnrt", to[] = "\b\f\n\r\t";
			const char *k = strchr(from, c);
			crm_buf_addc(&b, k ? to[k - from] : c);
			continue;
		}
		uint32_t v = hex4(p);
		p += 4;
		if (v >= 0xd800 && v < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
			uint32_t lo = hex4(p + 2);
			if (lo >= 0xdc00 && lo < 0xe000) {
				v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
				p += 6;
			}
		}
		if (v == 0)
			break;
		put_utf8(&b, v);
	}
	return crm_buf_take(&b);
}

static int scan_value(struct scan *sc, struct crm_buf *out, enum crm_json_type *type);

/* Report a scalar just scanned (text: its JSON) to the leaf function. */
static void leaf(struct scan *sc, enum crm_json_type type, const char *text, size_t len)
{
	if (type == CRM_JSON_STRING) {
		char *s = unescape(text, len);
		sc->leaf(sc->arg, sc->path.s ? sc->path.s : "", type, s);
		free(s);
	} else {
		char *s = crm_xstrndup(text, len);
		sc->leaf(sc->arg, sc->path.s ? sc->path.s : "", type, s);
		free(s);
	}
}

static int scan_members(struct scan *sc, struct crm_buf *out, bool object)
{
	char close = object ? '}' : ']';
	size_t base = sc->path.len;
	long index = 0;
	if (++sc->depth > MAX_DEPTH)
		return -1;
	sc->p++;
	if (out)
		crm_buf_addc(out, object ? '{' : '[');
	skip_blank(sc);
	if (sc->p < sc->end && *sc->p == close) {
		sc->p++;
		if (out)
			crm_buf_addc(out, close);
		sc->depth--;
		return 0;
	}
	for (;;) {
		enum crm_json_type t;
		skip_blank(sc);
		if (object) {
			const char *key = sc->p;
			if (scan_string(sc, out))
				return -1;
			if (sc->leaf) {
				if (base)
					crm_buf_addc(&sc->path, '.');
				crm_buf_addn(&sc->path, key + 1, (size_t)(sc->p - key - 2));
			}
			skip_blank(sc);
			if (sc->p >= sc->end || *sc->p != ':')
				return -1;
			sc->p++;
			if (out)
				crm_buf_addc(out, ':');
			skip_blank(sc);
		} else if (sc->leaf) {
			char i[32];
			snprintf(i, sizeof i, "[%ld]", index++);
			crm_buf_add(&sc->path, i);
		}
		if (scan_value(sc, out, &t))
			return -1;
		if (sc->leaf) {
			sc->path.len = base;
			if (sc->path.s)
				sc->path.s[base] = '\0';
		}
		skip_blank(sc);
		if (sc->p < sc->end && *sc->p == ',') {
			sc->p++;
			if (out)
				crm_buf_addc(out, ',');
			continue;
		}
		if (sc->p < sc->end && *sc->p == close) {
			sc->p++;
			if (out)
				crm_buf_addc(out, close);
			sc->depth--;
			return 0;
		}
		return -1;
	}
}

/* One value at sc->p (no blanks before it), minified onto out. */
static int scan_value(struct scan *sc, struct crm_buf *out, enum crm_json_type *type)
{
	static const struct {
		const char *word;
		enum crm_json_type type;
	} words[] = {{"null", CRM_JSON_NULL}, {"true", CRM_JSON_TRUE}, {"false", CRM_JSON_FALSE}};
	const char *start = sc->p;
	int rc;
	if (sc->p >= sc->end)
		return -1;
	if (*sc->p == '{' || *sc->p == '[') {
		*type = *sc->p == '{' ? CRM_JSON_OBJECT : CRM_JSON_ARRAY;
		return scan_members(sc, out, *sc->p == '{');
	}
	if (*sc->p == '"') {
		*type = CRM_JSON_STRING;
		rc = scan_string(sc, out);
	} else if (*sc->p == '-' || (*sc->p >= '0' && *sc->p <= '9')) {
		*type = CRM_JSON_NUMBER;
		rc = scan_number(sc, out);
	} else {
		rc = -1;
		for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
			size_t n = strlen(words[i].word);
			if ((size_t)(sc->end - sc->p) >= n && memcmp(sc->p, words[i].word, n) == 0) {
				*type = words[i].type;
				sc->p += n;
				if (out)
					crm_buf_addn(out, words[i].word, n);
				rc = 0;
				break;
			}
		}
	}
	if (!rc && sc->leaf)
		leaf(sc, *type, start, (size_t)(sc->p - start));
	return rc;
}

/* The whole of text as one value. */
static int scan_all(struct scan *sc, struct crm_buf *out)
{
	enum crm_json_type t;
	skip_blank(sc);
	if (scan_value(sc, out, &t))
		return -1;
	skip_blank(sc);
	return sc->p == sc->end ? 0 : -1;
}

char *crm_json_minify(const char *text, size_t len)
{
	struct scan sc = {.p = text, .end = text + len};
	struct crm_buf out = {0};
	if (scan_all(&sc, &out)) {
		free(out.s);
		return NULL;
	}
	return crm_buf_take(&out);
}

int crm_json_leaves(const char *text, size_t len, crm_json_leaf_fn *fn, void *arg)
{
	struct scan sc = {.p = text, .end = text + len, .leaf = fn, .arg = arg};
	int rc = scan_all(&sc, NULL);
	free(sc.path.s);
	return rc;
}

char *crm_json_quote(const char *s)
{
	static const char special[32] = {
		['\b'] = 'b', ['\t'] = 't', ['\n'] = 'n', ['\f'] = 'f', ['\r'] = 'r',
	};
	struct crm_buf b = {0};
	crm_buf_addc(&b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		const unsigned char *run = p;
		while (*p >= 0x20 && *p != '"' && *p != '\\')
			p++;
		crm_buf_addn(&b, (const char *)run, (size_t)(p - run));
		if (!*p)
			break;
		char esc[8];
		if (*p == '"' || *p == '\\')
			snprintf(esc, sizeof esc, "\\%c", *p);
		else if (special[*p])
			snprintf(esc, sizeof esc, "\\%c", special[*p]);
		else
			snprintf(esc, sizeof esc, "\\u%04x", *p);
		crm_buf_add(&b, esc);
	}
	crm_buf_addc(&b, '"');
	return crm_buf_take(&b);
}

/* ---- objects ---- */

struct member {
	char *key_json;		/* as written, quoted */
	char *key;		/* unescaped */
	char *json;		/* the value, minified */
	char *text;		/* a string's text unescaped, else NULL */
	enum crm_json_type type;
};

struct crm_json {
	struct member *m;
	size_t n, cap;
};

struct crm_json *crm_json_new(void)
{
	return crm_xcalloc(1, sizeof(struct crm_json));
}

static void member_free(struct member *m)
{
	free(m->key_json);
	free(m->key);
	free(m->json);
	free(m->text);
}

void crm_json_free(struct crm_json *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		member_free(&o->m[i]);
	free(o->m);
	free(o);
}

static struct member *append(struct crm_json *o)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 8;
		o->m = crm_xrealloc(o->m, o->cap * sizeof *o->m);
	}
	struct member *m = &o->m[o->n++];
	memset(m, 0, sizeof *m);
	return m;
}

struct crm_json *crm_json_parse(const char *text, size_t len)
{
	struct scan sc = {.p = text, .end = text + len};
	struct crm_json *o = crm_json_new();
	skip_blank(&sc);
	if (sc.p >= sc.end || *sc.p != '{')
		goto bad;
	sc.p++;
	sc.depth = 1;
	skip_blank(&sc);
	if (sc.p < sc.end && *sc.p == '}') {
		sc.p++;
		goto end;
	}
	for (;;) {
		struct crm_buf key = {0}, value = {0};
		struct member *m = append(o);
		skip_blank(&sc);
		if (scan_string(&sc, &key)) {
			free(key.s);
			goto bad;
		}
		m->key_json = key.s;
		m->key = unescape(key.s, key.len);
		skip_blank(&sc);
		if (sc.p >= sc.end || *sc.p != ':')
			goto bad;
		sc.p++;
		skip_blank(&sc);
		int rc = scan_value(&sc, &value, &m->type);
		m->json = crm_buf_take(&value);
		if (rc)
			goto bad;
		if (m->type == CRM_JSON_STRING)
			m->text = unescape(m->json, strlen(m->json));
		skip_blank(&sc);
		if (sc.p < sc.end && *sc.p == ',') {
			sc.p++;
			continue;
		}
		if (sc.p < sc.end && *sc.p == '}') {
			sc.p++;
			break;
		}
		goto bad;
	}
end:
	skip_blank(&sc);
	if (sc.p == sc.end)
		return o;
bad:
	crm_json_free(o);
	return NULL;
}

size_t crm_json_count(const struct crm_json *o) { return o->n; }
const char *crm_json_key(const struct crm_json *o, size_t i) { return o->m[i].key; }
enum crm_json_type crm_json_type(const struct crm_json *o, size_t i) { return o->m[i].type; }

const char *crm_json_value(const struct crm_json *o, size_t i)
{
	return o->m[i].text ? o->m[i].text : o->m[i].json;
}

const char *crm_json_each_text(const struct crm_json *o, size_t i)
{
	switch (crm_json_type(o, i)) {
	case CRM_JSON_TRUE: return "1";
	case CRM_JSON_FALSE: return "0";
	case CRM_JSON_NULL: return "";
	default: return crm_json_value(o, i);
	}
}

static const struct crm_json *sorting;	/* qsort has no argument for it */

static int by_key(const void *a, const void *b)
{
	const size_t *x = a, *y = b;
	int c = strcmp(sorting->m[*x].key, sorting->m[*y].key);
	return c ? c : (*x > *y) - (*x < *y);
}

size_t *crm_json_by_key(const struct crm_json *o)
{
	size_t *ix = crm_xcalloc(o->n ? o->n : 1, sizeof *ix);
	for (size_t i = 0; i < o->n; i++)
		ix[i] = i;
	sorting = o;
	if (o->n)
		qsort(ix, o->n, sizeof *ix, by_key);
	sorting = NULL;
	return ix;
}

long crm_json_find(const struct crm_json *o, const char *key)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->m[i].key, key) == 0)
			return (long)i;
	return -1;
}

static struct member *slot(struct crm_json *o, const char *key)
{
	long i = crm_json_find(o, key);
	if (i >= 0) {
		struct member *m = &o->m[i];
		free(m->json);
		free(m->text);
		m->text = NULL;
		return m;
	}
	struct member *m = append(o);
	m->key_json = crm_json_quote(key);
	m->key = crm_xstrdup(key);
	return m;
}

void crm_json_set(struct crm_json *o, const char *key, const char *value)
{
	struct member *m = slot(o, key);
	m->type = CRM_JSON_STRING;
	m->json = crm_json_quote(value);
	m->text = crm_xstrdup(value);
}

void crm_json_set_json(struct crm_json *o, const char *key, const char *json)
{
	struct member *m = slot(o, key);
	struct scan sc = {.p = json, .end = json + strlen(json)};
	enum crm_json_type type = CRM_JSON_NULL;
	scan_value(&sc, NULL, &type);
	m->type = type;
	m->json = crm_xstrdup(json);
	if (type == CRM_JSON_STRING)
		m->text = unescape(json, strlen(json));
}

bool crm_json_remove(struct crm_json *o, const char *key)
{
	long i = crm_json_find(o, key);
	if (i < 0)
		return false;
	member_free(&o->m[i]);
	memmove(&o->m[i], &o->m[i + 1], (o->n - (size_t)i - 1) * sizeof *o->m);
	o->n--;
	return true;
}

char *crm_json_text(const struct crm_json *o)
{
	struct crm_buf b = {0};
	crm_buf_addc(&b, '{');
	for (size_t i = 0; i < o->n; i++) {
		if (i)
			crm_buf_addc(&b, ',');
		crm_buf_add(&b, o->m[i].key_json);
		crm_buf_addc(&b, ':');
		crm_buf_add(&b, o->m[i].json);
	}
	crm_buf_addc(&b, '}');
	return crm_buf_take(&b);
}
