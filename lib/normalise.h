/* normalise.h: the keys duplicate detection compares, knowing Chinese data.
 * Each function writes into out, which needs room for strlen(in) + 1
 * bytes (normalising never makes text longer), and returns the length
 * written; an empty result means "no key" (it never matches anything). */
#ifndef CRM_NORMALISE_H
#define CRM_NORMALISE_H

#include <stddef.h>

/* Phones: full-width digits folded; spaces, dashes, dots, brackets dropped;
 * +86 / 0086 / 86 country prefixes dropped before an 11-digit mobile
 * (1[3-9]xxxxxxxxx); landlines keep their area code with its 0
 * ("(010) 6552-1234" => "01065521234", "+86 10 65521234" => "01065521234");
 * 400/800 numbers kept as 10 digits; extensions ("ext 12", "转12", "-12"
 * after a complete number) dropped.  Returns -1 when what is left is not a
 * plausible phone (letters, too few or too many digits), else the length;
 * blank input gives 0. */
int crm_norm_phone(const char *in, char *out);

/* E-mail: trimmed and lowercased; -1 when it is not name@domain.tld, 0 for
 * blank input. */
int crm_norm_email(const char *in, char *out);

/* Company names: full-width ASCII and brackets folded to half-width, case
 * folded, spaces and punctuation dropped, region tags in brackets removed
 * ("(中国)", "（北京）", "(Shanghai)"), and legal suffixes stripped
 * repeatedly from the end: 股份有限公司 有限责任公司 有限公司 集团 公司
 * Co. Ltd. Inc. LLC Corp. GmbH and their spellings.  "北京百度网讯科技
 * 有限公司" and "北京百度网讯科技（北京）有限公司" give the same key. */
size_t crm_norm_company(const char *in, char *out);

/* Person names: width folded, case folded, spaces (ASCII and U+3000) and
 * the middle dots of transliterated names dropped. */
size_t crm_norm_name(const char *in, char *out);

#endif
