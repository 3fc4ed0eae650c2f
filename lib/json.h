/* json.h: JSON handled in C, so that SQL only ever reads one member of a
 * custom-fields column (dialect.h json_text) whatever the engine: a JSON
 * object parsed, read, edited and written back as text; any JSON text
 * checked and minified, or walked value by value.
 *
 * Text comes out as SQLite's json functions write it, so that an edit moved
 * here from SQL changes no byte: no blank between tokens, members in their
 * order, keys and values kept as written (escapes included), and a string
 * set here escaped as \" \\ \b \t \n \f \r, other control characters as
 * \u00XX (lowercase).  Input is strict RFC 8259, as SQLite's before 3.42:
 * no control character inside a string, no leading zero, no trailing
 * comma. */
#ifndef CRM_JSON_H
#define CRM_JSON_H

#include <stdbool.h>
#include <stddef.h>

enum crm_json_type {
	CRM_JSON_NULL, CRM_JSON_TRUE, CRM_JSON_FALSE, CRM_JSON_NUMBER, CRM_JSON_STRING,
	CRM_JSON_ARRAY, CRM_JSON_OBJECT,
};

struct crm_json;	/* an object: its members in order */

/* text (len bytes) as an object; NULL when it is not JSON or not an object. */
struct crm_json *crm_json_parse(const char *text, size_t len);
struct crm_json *crm_json_new(void);
void crm_json_free(struct crm_json *o);	/* NULL is fine */

size_t crm_json_count(const struct crm_json *o);
const char *crm_json_key(const struct crm_json *o, size_t i);	/* unescaped */
enum crm_json_type crm_json_type(const struct crm_json *o, size_t i);
/* A string's text unescaped (a \u0000 ends it); any other value's JSON
 * text, minified: a number as written, "true", "null", "[1,2]". */
const char *crm_json_value(const struct crm_json *o, size_t i);
/* A member's value as SQLite's json_each gives it as text, so that what
 * a custom field shows is the same on every engine: a string unescaped,
 * true "1", false "0", null "", a number as written, an array or object
 * its JSON text. */
const char *crm_json_each_text(const struct crm_json *o, size_t i);
/* The indexes of o's members in the order of their keys (byte order, as
 * ORDER BY key), malloc'd (count entries). */
size_t *crm_json_by_key(const struct crm_json *o);

/* The first member named key: its index, or -1. */
long crm_json_find(const struct crm_json *o, const char *key);

/* Set the first member named key (as SQLite's json_set does) to the string
 * value, or add it at the end. */
void crm_json_set(struct crm_json *o, const char *key, const char *value);
/* The same with a value given as JSON text, which must be valid ("12",
 * "true", or what crm_json_minify made). */
void crm_json_set_json(struct crm_json *o, const char *key, const char *json);
/* Remove the first member named key (as json_remove does); false when
 * there is none. */
bool crm_json_remove(struct crm_json *o, const char *key);
/* The object as text (malloc'd); "{}" when it has no members. */
char *crm_json_text(const struct crm_json *o);

/* s as a JSON string, quoted and escaped (malloc'd). */
char *crm_json_quote(const char *s);
/* Any JSON text (len bytes) minified, as SQLite's json(); NULL when it is
 * not valid JSON. */
char *crm_json_minify(const char *text, size_t len);

/* Call leaf for every value of the JSON text that is neither an object
 * nor an array, in document order, with its path from the top ("name",
 * "custom.size", "tags[0]": member names as written, without quotes) and
 * its text (strings unescaped, others as written).  -1 when the text is
 * not valid JSON (leaf may have been called already), else 0. */
typedef void crm_json_leaf_fn(void *arg, const char *path, enum crm_json_type type,
			      const char *value);
int crm_json_leaves(const char *text, size_t len, crm_json_leaf_fn *leaf, void *arg);

#endif
