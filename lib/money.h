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
/* An amount as input: a deal's amount, a cost, a custom money field, a
 * filter.  The one set of rules: the syntax above, no minus sign (not even
 * on zero: "-0" is refused), at most 92233720368547758.07 (INT64_MAX
 * cents).  Returns 0, or -1 with *why for the caller to put before the
 * quoted value: "invalid amount" (also "1e5", "12.", "1,00"),
 * "amount with more than two decimals", "negative amount",
 * "amount too large". */
int crm_money_amount(const char *s, int64_t *cents, const char **why);
void crm_money_format(int64_t cents, char out[CRM_MONEY_LEN]);

/* digits[.digits] with at most places decimals, scaled by 10^places (no
 * sign, no grouping): 0, or -1 when malformed or too large. */
int crm_decimal_parse(const char *s, int places, int64_t *out);
/* A percentage "13", "6.5" or "13%", at most two decimals, 0..100, as
 * basis points (1300, 650): 0, or -1. */
int crm_percent_parse(const char *s, int *bp);

#endif
