/* config_yaml.h: private to config.c, config_yaml.c, config_sales.c,
 * config_service.c and config_lookup.c.
 * Walking a libyaml document with the error collection that gives every
 * config problem its file:line:column, and the entity tables the loader
 * checks custom field names against.  Other modules use config.h. */
#ifndef CRM_CONFIG_YAML_H
#define CRM_CONFIG_YAML_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <yaml.h>

#include "config.h"
#include "err.h"

/* Append a zeroed element to a (pointer, count) array; yields its address. */
#define PUSH(arr, n) \
	((arr) = crm_xrealloc((arr), ((n) + 1) * sizeof *(arr)), \
	 memset(&(arr)[(n)], 0, sizeof *(arr)), &(arr)[(n)++])

#define YNODE(L, index) yaml_document_get_node(&(L)->doc, (index))
#define YTEXT(n) ((const char *)(n)->data.scalar.value)

/* var: each item node of sequence seq; var##_i is its yaml_node_item_t. */
#define EACH_ITEM(L, seq, var) \
	for (yaml_node_item_t *var##_i = (seq)->data.sequence.items.start; \
	     var##_i < (seq)->data.sequence.items.top; var##_i++) \
		for (yaml_node_t *var = YNODE((L), *var##_i); var; var = NULL)

/* k, v: each pair of mapping m whose key is plain and not a repeat. */
#define EACH_PAIR(L, m, k, v) \
	for (yaml_node_pair_t *k##_p = (m)->data.mapping.pairs.start; \
	     k##_p < (m)->data.mapping.pairs.top; k##_p++) \
		if (crm_yaml_key_ok((L), (m), k##_p, NULL, false)) \
			for (yaml_node_t *k = YNODE((L), k##_p->key), *v = YNODE((L), k##_p->value); \
			     k; k = NULL)

struct crm_yaml_problem {
	size_t line, column, seq;
	char *text;
};

struct crm_yaml {
	const char *file;
	yaml_document_t doc;
	struct crm_config *cfg;
	struct crm_yaml_problem *problems;	/* reported sorted by place at the end */
	size_t nproblems;
};

void crm_yaml_error(struct crm_yaml *L, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print the problems in file order, free them, and return their number. */
size_t crm_yaml_report(struct crm_yaml *L);

bool crm_yaml_null(const yaml_node_t *n);
/* Whether n is of type; if not, says "expected a list for 'what'". */
bool crm_yaml_is(struct crm_yaml *L, const yaml_node_t *n, yaml_node_type_t type,
		const char *what);
bool crm_yaml_key_ok(struct crm_yaml *L, yaml_node_t *m, yaml_node_pair_t *p,
		const char *const *known, bool report);
/* The values of a rule's match of field k (value v: one, or a list of
 * them) into x, each kept when ok (NULL: any scalar) says it may be,
 * which reports why not; an empty list or no value is reported. */
void crm_yaml_match_values(struct crm_yaml *L, yaml_node_t *k, yaml_node_t *v,
		struct crm_match *x,
		bool (*ok)(struct crm_yaml *L, yaml_node_t *it, const char *field));

/* Report unknown (known: NULL-terminated, or NULL for any) and repeated keys. */
void crm_yaml_check_keys(struct crm_yaml *L, yaml_node_t *m, const char *const *known);

/* The value of key in mapping m; NULL when m is NULL or the key is absent
 * or null, so that "key:" with nothing after it means the default.  The
 * typed getters leave *out alone when the key is absent or wrong. */
yaml_node_t *crm_yaml_get(struct crm_yaml *L, yaml_node_t *m, const char *key);
const char *crm_yaml_str(struct crm_yaml *L, yaml_node_t *m, const char *key);
bool crm_yaml_node_int(struct crm_yaml *L, yaml_node_t *v, const char *what, long min,
		long max, int *out);
void crm_yaml_int(struct crm_yaml *L, yaml_node_t *m, const char *key, long min, long max,
		int *out);
/* Days: "3", "3d" or "2w"; with may_off also "off", stored as -1. */
void crm_yaml_days(struct crm_yaml *L, yaml_node_t *m, const char *key, bool may_off, int *out);
void crm_yaml_bool(struct crm_yaml *L, yaml_node_t *m, const char *key, bool *out);

/* [a-z0-9][a-z0-9_-]*: stage ids, custom field names, sources, ... */
bool crm_config_valid_id(const char *s);
int crm_config_index_of(const char *const *list, const char *s);

/* config_sales.c: tax_rate, approvers, quotes, contracts, payments. */
void crm_config_load_sales(struct crm_yaml *L, yaml_node_t *root);
void crm_config_free_sales(struct crm_sales *s);

/* config_service.c: the calendar, SLAs, queue, survey and ticket rules. */
void crm_config_load_service(struct crm_yaml *L, yaml_node_t *root);
void crm_config_free_service(struct crm_service *s);

/* From config_lookup.c's entity table. */
bool crm_config_entity_has_custom(const char *entity);
bool crm_config_builtin_field(const char *entity, const char *name);
char *crm_config_header_normalise(const char *header);
bool crm_config_header_eq(const char *normalised, const char *header);

#endif
