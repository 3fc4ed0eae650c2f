/* fuzz_values.c: the value parsers every input field goes through: dates
 * (lib/date.c), money (lib/money.c) and the duplicate keys of
 * lib/normalise.c (phone, e-mail, company, name).  The input, cut at its
 * first NUL, is given to each.  Besides not crashing: what parses prints
 * back in canonical form and parses again to the same value, and a key
 * fits the buffer the header promises (ASan sees one byte too many). */
#include <stdbool.h>
#include <time.h>

#include "date.h"
#include "fuzz.h"
#include "money.h"
#include "normalise.h"
#include "utf8.h"

static crm_time values_now;

static void values_init(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	setenv("TZ", "Asia/Shanghai", 1);
	tzset();
	CRM_FUZZ_CHECK(crm_time_parse_iso("2026-03-02T09:00:00Z", &values_now) == 0);
}

/* A parsed instant prints as ISO text that parses back to it, and its
 * local date parses to the midnight starting that day. */
static void check_instant(crm_time t)
{
	char iso[CRM_ISO_LEN], date[CRM_DATE_LEN];
	crm_time back;
	crm_time_iso(t, iso);
	CRM_FUZZ_CHECK(strlen(iso) == CRM_ISO_LEN - 1);
	CRM_FUZZ_CHECK(crm_time_parse_iso(iso, &back) == 0 && back == t);
	crm_time_date(t, date);
	CRM_FUZZ_CHECK(strlen(date) == CRM_DATE_LEN - 1);
	if (crm_time_parse(date, values_now, &back) == 0)
		CRM_FUZZ_CHECK(back <= t && t - back < 2 * 86400);
}

static void fuzz_dates(const char *s)
{
	crm_time t;
	if (crm_time_parse(s, values_now, &t) == 0)
		check_instant(t);
	if (crm_time_parse_future(s, values_now, &t) == 0)
		check_instant(t);
	if (crm_time_parse_iso(s, &t) == 0) {
		char iso[CRM_ISO_LEN];
		crm_time_iso(t, iso);
		CRM_FUZZ_CHECK(strcmp(iso, s) == 0);
	}
}

static void fuzz_money(const char *s)
{
	int64_t cents, back;
	char text[CRM_MONEY_LEN];
	if (crm_money_parse(s, &cents) != 0)
		return;
	crm_money_format(cents, text);
	CRM_FUZZ_CHECK(crm_money_parse(text, &back) == 0 && back == cents);
	size_t len = strlen(text);
	CRM_FUZZ_CHECK(len >= 4 && text[len - 3] == '.');
}

/* out is exactly strlen(in) + 1 bytes on the heap, as the header allows. */
static void fuzz_keys(const char *s)
{
	size_t len = strlen(s);
	char *out = malloc(len + 1), *again = malloc(len + 1);
	CRM_FUZZ_CHECK(out && again);
	bool utf8 = crm_utf8_valid(s, len, NULL);

	int n = crm_norm_phone(s, out);
	CRM_FUZZ_CHECK(n >= -1 && (n < 0 || (size_t)n == strlen(out)) && (n < 0 || (size_t)n <= len));
	if (n > 0) {
		CRM_FUZZ_CHECK(strspn(out + (out[0] == '+'), "0123456789") == (size_t)n - (out[0] == '+'));
		CRM_FUZZ_CHECK(crm_norm_phone(out, again) == n && strcmp(out, again) == 0);
	}
	n = crm_norm_email(s, out);
	CRM_FUZZ_CHECK(n >= -1 && (n < 0 || ((size_t)n == strlen(out) && (size_t)n <= len)));
	if (n > 0)
		CRM_FUZZ_CHECK(crm_norm_email(out, again) == n && strcmp(out, again) == 0);

	size_t k = crm_norm_company(s, out);
	CRM_FUZZ_CHECK(k == strlen(out) && k <= len && (!utf8 || crm_utf8_valid(out, k, NULL)));
	k = crm_norm_name(s, out);
	CRM_FUZZ_CHECK(k == strlen(out) && k <= len && (!utf8 || crm_utf8_valid(out, k, NULL)));
	free(out);
	free(again);
}

int crm_fuzz_values(const uint8_t *data, size_t size)
{
	values_init();
	char *s = crm_fuzz_strdup(data, size);
	fuzz_dates(s);
	fuzz_money(s);
	fuzz_keys(s);
	free(s);
	return 0;
}

#ifdef CRM_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return crm_fuzz_values(data, size);
}
#endif
