/* money.h: amounts as integer cents, never floating point.
 * Input: "1234", "1234.5", "1234.50", "-12.30", with optional grouping
 * commas ("1,234.50") and a leading currency sign (¥ ￥ $ € £) or code
 * ("CNY 12"); more than two decimals is an error, not a rounding.  Output:
 * "1234.50", no grouping, "-" for negatives. */
#ifndef CRM_MONEY_H
#define CRM_MONEY_H

#include <stdint.h>

#define CRM_MONEY_LEN 32

/* 0 or -1 (malformed, too many decimals, overflow); nothing reported. */
int crm_money_parse(const char *s, int64_t *cents);
void crm_money_format(int64_t cents, char out[CRM_MONEY_LEN]);

#endif
