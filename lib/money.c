/* money.c: see money.h.  The magnitude is accumulated as uint64_t so that
 * INT64_MIN cents parses and prints without signed overflow. */
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "money.h"

/* UTF-8 spellings of the accepted currency signs, then the codes. */
static const char *const currency_signs[] = {
	"\xc2\xa5",		/* ¥ U+00A5 */
	"\xef\xbf\xa5",		/* ￥ U+FFE5 */
	"$",
	"\xe2\x82\xac",		/* € U+20AC */
	"\xc2\xa3",		/* £ U+00A3 */
};
static const char *const currency_codes[] = { "CNY", "RMB", "USD", "EUR" };

static const char *skip_spaces(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool has_prefix_nocase(const char *s, const char *prefix)
{
	for (; *prefix; s++, prefix++) {
		char c = *s;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		if (c != *prefix)
			return false;
	}
	return true;
}

/* Skips a currency sign or code (and spaces after it); NULL when there is
 * none.  A code must not run on into letters: "CNYX 12" is not CNY. */
static const char *skip_currency(const char *p)
{
	for (size_t i = 0; i < sizeof currency_signs / sizeof *currency_signs; i++) {
		size_t n = strlen(currency_signs[i]);
		if (strncmp(p, currency_signs[i], n) == 0)
			return skip_spaces(p + n);
	}
	for (size_t i = 0; i < sizeof currency_codes / sizeof *currency_codes; i++) {
		if (has_prefix_nocase(p, currency_codes[i])) {
			char c = p[3];
			if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
				return NULL;
			return skip_spaces(p + 3);
		}
	}
	return NULL;
}

static bool add_digit(uint64_t *acc, int digit, uint64_t limit)
{
	if (*acc > (limit - (uint64_t)digit) / 10)
		return false;
	*acc = *acc * 10 + (uint64_t)digit;
	return true;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

enum outcome { OK, MALFORMED, DECIMALS, RANGE };

/* The syntax money.h describes; *minus says a minus sign was given (even
 * on zero). */
static enum outcome parse(const char *s, int64_t *cents, bool *minus)
{
	const char *p = skip_spaces(s);
	bool negative = false, have_sign = false, grouped = false;
	const char *cur;

	/* The sign may stand before or after the currency: "-¥12", "¥-12". */
	if (*p == '-' || *p == '+') {
		negative = *p++ == '-';
		have_sign = true;
	}
	if ((cur = skip_currency(p)) != NULL) {
		p = cur;
		if (!have_sign && (*p == '-' || *p == '+'))
			negative = *p++ == '-';
	}
	*minus = negative;

	/* Work in cents from the start, so the limit check covers the whole
	 * amount: 2^63 for negatives (INT64_MIN), 2^63 - 1 otherwise. */
	uint64_t limit = negative ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	uint64_t units = 0;
	int group_len = 0;

	if (!is_digit(*p))
		return MALFORMED;
	for (;; p++) {
		if (is_digit(*p)) {
			if (!add_digit(&units, *p - '0', limit / 100))
				return RANGE;
			group_len++;
		} else if (*p == ',') {
			/* First group 1-3 digits, every later group exactly 3. */
			if (grouped ? group_len != 3 : group_len > 3)
				return MALFORMED;
			if (!is_digit(p[1]))
				return MALFORMED;
			grouped = true;
			group_len = 0;
		} else {
			break;
		}
	}
	if (grouped && group_len != 3)
		return MALFORMED;

	uint64_t frac = 0;
	if (*p == '.') {
		p++;
		if (!is_digit(p[0]))
			return MALFORMED;
		frac = (uint64_t)(p[0] - '0') * 10;
		p++;
		if (is_digit(p[0])) {
			frac += (uint64_t)(p[0] - '0');
			p++;
		}
		if (is_digit(p[0]))
			return DECIMALS;
	}
	p = skip_spaces(p);
	if (*p != '\0')
		return MALFORMED;
	if (units > (limit - frac) / 100)
		return RANGE;

	uint64_t magnitude = units * 100 + frac;
	if (negative)
		*cents = magnitude == (uint64_t)INT64_MAX + 1 ? INT64_MIN : -(int64_t)magnitude;
	else
		*cents = (int64_t)magnitude;
	return OK;
}

int crm_money_parse(const char *s, int64_t *cents)
{
	bool minus;
	return parse(s, cents, &minus) == OK ? 0 : -1;
}

int crm_money_amount(const char *s, int64_t *cents, const char **why)
{
	bool minus = false;
	int64_t v;

	switch (parse(s, &v, &minus)) {
	case OK:
		break;
	case DECIMALS:
		*why = "amount with more than two decimals";
		return -1;
	case RANGE:
		*why = minus ? "negative amount" : "amount too large";
		return -1;
	default:
		*why = "invalid amount";
		return -1;
	}
	if (minus) {
		*why = "negative amount";
		return -1;
	}
	*cents = v;
	return 0;
}

int crm_decimal_parse(const char *s, int places, int64_t *out)
{
	int64_t v = 0;
	int d = -1;
	if (!s || !*s)
		return -1;
	for (const char *p = s; *p; p++) {
		if (*p == '.' && d < 0 && p != s && p[1]) {
			d = 0;
			continue;
		}
		if (*p < '0' || *p > '9' || (d >= 0 && ++d > places) || v > (INT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (*p - '0');
	}
	for (d = d < 0 ? 0 : d; d < places; d++) {
		if (v > INT64_MAX / 10)
			return -1;
		v *= 10;
	}
	*out = v;
	return 0;
}

int crm_percent_parse(const char *s, int *bp)
{
	char buf[32];
	size_t n = s ? strlen(s) : 0;
	int64_t v;
	if (n && s[n - 1] == '%')
		n--;
	if (n >= sizeof buf)
		return -1;
	memcpy(buf, s, n);
	buf[n] = '\0';
	if (crm_decimal_parse(buf, 2, &v) || v > 10000)
		return -1;
	*bp = (int)v;
	return 0;
}

void crm_money_format(int64_t cents, char out[CRM_MONEY_LEN])
{
	/* 0 - (uint64_t)cents is the magnitude for every negative value,
	 * INT64_MIN included, without negating a signed integer. */
	uint64_t magnitude = cents < 0 ? (uint64_t)0 - (uint64_t)cents : (uint64_t)cents;

	snprintf(out, CRM_MONEY_LEN, "%s%" PRIu64 ".%02u", cents < 0 ? "-" : "",
		 magnitude / 100, (unsigned)(magnitude % 100));
}
