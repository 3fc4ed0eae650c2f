/* utf8.h: UTF-8 validation, decoding and terminal display width.
 * Display width follows East Asian Width: CJK ideographs, kana, hangul and
 * full-width forms take two cells, combining marks none, the rest one. */
#ifndef CRM_UTF8_H
#define CRM_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates,
 * nothing above U+10FFFF).  On false, *bad (when not NULL) gets the byte
 * offset of the first invalid sequence. */
bool crm_utf8_valid(const char *s, size_t n, size_t *bad);

/* Decode one code point at s (at most n bytes); returns its length in bytes,
 * or 0 for an invalid sequence (then *cp is left unspecified). */
size_t crm_utf8_decode(const char *s, size_t n, uint32_t *cp);

/* Encode cp into out (room for 4 bytes); returns the number of bytes. */
size_t crm_utf8_encode(uint32_t cp, char *out);

int crm_utf8_cp_width(uint32_t cp);	/* 0, 1 or 2 cells */
size_t crm_utf8_width(const char *s);	/* cells for a NUL-terminated string */

#endif
