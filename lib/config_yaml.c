/* config_yaml.c: the libyaml document walking and error collection used
 * by the config loader; see config_yaml.h. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "config_yaml.h"

int crm_config_index_of(const char *const *list, const char *s)
{
	for (int i = 0; list[i]; i++)
		if (!strcmp(list[i], s))
			return i;
	return -1;
}

void crm_yaml_error(struct crm_yaml *L, const yaml_node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	struct crm_yaml_problem *p = PUSH(L->problems, L->nproblems);
	p->text = crm_xmalloc((size_t)len + 1);
	va_start(ap, fmt);
	vsnprintf(p->text, (size_t)len + 1, fmt, ap);
	va_end(ap);
	p->line = n->start_mark.line + 1;
	p->column = n->start_mark.column + 1;
	p->seq = L->nproblems;
}

static int problem_cmp(const void *a, const void *b)
{
	const struct crm_yaml_problem *p = a, *q = b;
	if (p->line != q->line)
		return p->line < q->line ? -1 : 1;
	if (p->column != q->column)
		return p->column < q->column ? -1 : 1;
	return p->seq < q->seq ? -1 : p->seq > q->seq;
}

size_t crm_yaml_report(struct crm_yaml *L)
{
	size_t n = L->nproblems;
	if (!n)
		return 0;
	qsort(L->problems, L->nproblems, sizeof *L->problems, problem_cmp);
	for (size_t i = 0; i < L->nproblems; i++) {
		crm_warn("%s:%zu:%zu: %s", L->file, L->problems[i].line,
				L->problems[i].column, L->problems[i].text);
		free(L->problems[i].text);
	}
	free(L->problems);
	L->problems = NULL;
	L->nproblems = 0;
	return n;
}

bool crm_yaml_null(const yaml_node_t *n)
{
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	const char *s = YTEXT(n);
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null")
		|| !strcmp(s, "NULL");
}

bool crm_yaml_is(struct crm_yaml *L, const yaml_node_t *n, yaml_node_type_t type,
		const char *what)
{
	static const char *const names[] = {
		[YAML_SCALAR_NODE] = "a value", [YAML_SEQUENCE_NODE] = "a list",
		[YAML_MAPPING_NODE] = "a mapping",
	};
	if (n->type != type) {
		crm_yaml_error(L, n, "expected %s for '%s'", names[type], what);
		return false;
	}
	if (type == YAML_SCALAR_NODE && strlen(YTEXT(n)) != n->data.scalar.length) {
		crm_yaml_error(L, n, "NUL byte in '%s'", what);
		return false;
	}
	return true;
}

/* Whether pair p of mapping m has a plain key, in known (NULL: any key),
 * not given earlier in m; with report, says why not. */
bool crm_yaml_key_ok(struct crm_yaml *L, yaml_node_t *m, yaml_node_pair_t *p,
		const char *const *known, bool report)
{
	yaml_node_t *k = YNODE(L, p->key);
	const char *why = NULL;
	if (k->type != YAML_SCALAR_NODE || strlen(YTEXT(k)) != k->data.scalar.length) {
		if (report)
			crm_yaml_error(L, k, "expected a plain key");
		return false;
	}
	if (known && crm_config_index_of(known, YTEXT(k)) < 0)
		why = "unknown key";
	for (yaml_node_pair_t *q = m->data.mapping.pairs.start; !why && q < p; q++) {
		yaml_node_t *k2 = YNODE(L, q->key);
		if (k2->type == YAML_SCALAR_NODE && !strcmp(YTEXT(k2), YTEXT(k)))
			why = "duplicate key";
	}
	if (why && report)
		crm_yaml_error(L, k, "%s '%s'", why, YTEXT(k));
	return !why;
}

void crm_yaml_check_keys(struct crm_yaml *L, yaml_node_t *m, const char *const *known)
{
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++)
		crm_yaml_key_ok(L, m, p, known, true);
}

yaml_node_t *crm_yaml_get(struct crm_yaml *L, yaml_node_t *m, const char *key)
{
	if (!m)
		return NULL;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = YNODE(L, p->key);
		if (k->type == YAML_SCALAR_NODE && !strcmp(YTEXT(k), key)) {
			yaml_node_t *v = YNODE(L, p->value);
			return crm_yaml_null(v) ? NULL : v;
		}
	}
	return NULL;
}

const char *crm_yaml_str(struct crm_yaml *L, yaml_node_t *m, const char *key)
{
	yaml_node_t *v = crm_yaml_get(L, m, key);
	return v && crm_yaml_is(L, v, YAML_SCALAR_NODE, key) ? YTEXT(v) : NULL;
}

static bool parse_long(const char *s, long *out)
{
	const char *p = s + (*s == '-' || *s == '+');
	if (!isdigit((unsigned char)*p))
		return false;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p)
		return false;
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno || v < INT_MIN || v > INT_MAX)
		return false;
	*out = v;
	return true;
}

/* An integer in min..max into *out; *out is untouched on error. */
bool crm_yaml_node_int(struct crm_yaml *L, yaml_node_t *v, const char *what, long min,
		long max, int *out)
{
	long n;
	if (!crm_yaml_is(L, v, YAML_SCALAR_NODE, what))
		return false;
	if (!parse_long(YTEXT(v), &n)) {
		crm_yaml_error(L, v, "invalid %s '%s'", what, YTEXT(v));
		return false;
	}
	if (n < 0 && min == 0 && max == INT_MAX) {
		crm_yaml_error(L, v, "negative %s '%s'", what, YTEXT(v));
		return false;
	}
	if (n < min || n > max) {
		crm_yaml_error(L, v, "%s out of range %ld..%ld '%s'", what, min, max, YTEXT(v));
		return false;
	}
	*out = (int)n;
	return true;
}

void crm_yaml_int(struct crm_yaml *L, yaml_node_t *m, const char *key, long min, long max,
		int *out)
{
	yaml_node_t *v = crm_yaml_get(L, m, key);
	if (v)
		crm_yaml_node_int(L, v, key, min, max, out);
}

void crm_yaml_days(struct crm_yaml *L, yaml_node_t *m, const char *key, bool may_off,
		int *out)
{
	yaml_node_t *v = crm_yaml_get(L, m, key);
	if (!v || !crm_yaml_is(L, v, YAML_SCALAR_NODE, key))
		return;
	const char *s = YTEXT(v), *p = s + (*s == '-');
	long n = 0;
	if (may_off && !strcasecmp(s, "off")) {
		*out = -1;
		return;
	}
	if (!isdigit((unsigned char)*p))
		goto invalid;
	for (; isdigit((unsigned char)*p); p++)
		if ((n = n * 10 + (*p - '0')) > 1000000)
			goto invalid;
	if (*p == 'w')
		n *= 7;
	if (*p == 'd' || *p == 'w')
		p++;
	if (*p)
		goto invalid;
	if (*s == '-') {
		crm_yaml_error(L, v, "negative duration '%s'", s);
		return;
	}
	*out = (int)n;
	return;
invalid:
	crm_yaml_error(L, v, "invalid duration '%s'", s);
}

void crm_yaml_bool(struct crm_yaml *L, yaml_node_t *m, const char *key, bool *out)
{
	static const char *const yes[] = {"true", "yes", "on", NULL};
	static const char *const no[] = {"false", "no", "off", NULL};
	yaml_node_t *v = crm_yaml_get(L, m, key);
	if (!v || !crm_yaml_is(L, v, YAML_SCALAR_NODE, key))
		return;
	for (int i = 0; yes[i]; i++) {
		if (!strcasecmp(YTEXT(v), yes[i])) {
			*out = true;
			return;
		}
		if (!strcasecmp(YTEXT(v), no[i])) {
			*out = false;
			return;
		}
	}
	crm_yaml_error(L, v, "invalid boolean '%s'", YTEXT(v));
}

bool crm_config_valid_id(const char *s)
{
	static const char allowed[] = "abcdefghijklmnopqrstuvwxyz0123456789_-";
	return *s && *s != '_' && *s != '-' && !s[strspn(s, allowed)];
}

void crm_yaml_match_values(struct crm_yaml *L, yaml_node_t *k, yaml_node_t *v,
		struct crm_match *x,
		bool (*ok)(struct crm_yaml *L, yaml_node_t *it, const char *field))
{
	if (v->type == YAML_SEQUENCE_NODE) {
		if (v->data.sequence.items.start == v->data.sequence.items.top)
			crm_yaml_error(L, v, "empty list for '%s'", YTEXT(k));
		EACH_ITEM(L, v, it)
			if (crm_yaml_is(L, it, YAML_SCALAR_NODE, YTEXT(k)) && (!ok || ok(L, it, YTEXT(k))))
				*PUSH(x->values, x->nvalues) = crm_xstrdup(YTEXT(it));
	} else if (crm_yaml_null(v)) {
		crm_yaml_error(L, v, "missing value for '%s'", YTEXT(k));
	} else if (crm_yaml_is(L, v, YAML_SCALAR_NODE, YTEXT(k)) && (!ok || ok(L, v, YTEXT(k)))) {
		*PUSH(x->values, x->nvalues) = crm_xstrdup(YTEXT(v));
	}
}
