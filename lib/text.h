/* text.h: small text pieces every kind of record uses: trimming, the
 * canonical form of a tag list, a growing string and a JSON object of
 * strings built in it. */
#ifndef CRM_TEXT_H
#define CRM_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* Trim ASCII and ideographic spaces at both ends, in place; returns s. */
char *crm_trim(char *s);

/* Split buf on , ， ; ； and rejoin the trimmed tags with "," without empties
 * or repeats, in place (the result is never longer).  buf holds at most
 * 1024 bytes of tags. */
void crm_tags_canonical(char *buf);
/* Canonical tags have plus given (remove: less given); malloc'd. */
char *crm_tags_edit(const char *have, const char *given, bool remove);

/* A growing string. */
struct crm_buf {
	char *s;
	size_t len, cap;
};
void crm_buf_add(struct crm_buf *b, const char *s);
void crm_buf_addn(struct crm_buf *b, const char *s, size_t n);
void crm_buf_addc(struct crm_buf *b, char c);
/* The buffer's text (malloc'd, "" when nothing was added); b is left
 * empty. */
char *crm_buf_take(struct crm_buf *b);

/* All of path ("-" = stdin), at most max bytes, NUL-terminated (*len
 * without it): 0, or after reporting 66 (cannot open), 65 (longer than
 * max) or 74 (read error). */
int crm_read_all(const char *path, size_t max, char **buf, size_t *len);
/* The same for text a person wrote (a reply, an article): 65 after
 * reporting a NUL byte or invalid UTF-8, with the byte's offset. */
int crm_read_text(const char *path, size_t max, char **buf);
/* Add "key":"value" to a JSON object being built in b (b->len 0 starts
 * it); crm_json_end closes it, leaving "" when nothing was added. */
void crm_json_member(struct crm_buf *b, const char *key, const char *value);
void crm_json_end(struct crm_buf *b);

#endif
