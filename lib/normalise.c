/* normalise.c: see normalise.h.  Every function decodes UTF-8 code point by
 * code point, folds full-width forms to ASCII first and only then applies
 * its rules, so "１３８" and "138" are the same input. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "normalise.h"
#include "utf8.h"

#define BAD_CP UINT32_MAX	/* an invalid byte, consumed alone */

/* The next code point of s (n bytes left, n > 0); an invalid sequence
 * gives BAD_CP for its first byte so the caller can skip or refuse it. */
static size_t next_cp(const char *s, size_t n, uint32_t *cp)
{
	size_t k = crm_utf8_decode(s, n, cp);
	if (k == 0) {
		*cp = BAD_CP;
		return 1;
	}
	return k;
}

/* Full-width ASCII (U+FF01-FF5E) and the ideographic and no-break spaces
 * to their ASCII forms; 【】〔〕 to square brackets. */
static uint32_t fold_width(uint32_t cp)
{
	if (cp >= 0xFF01 && cp <= 0xFF5E)
		return cp - 0xFEE0;
	switch (cp) {
	case 0x3000: case 0x00A0:
		return ' ';
	case 0x3010: case 0x3014:
		return '[';
	case 0x3011: case 0x3015:
		return ']';
	default:
		return cp;
	}
}

static uint32_t ascii_lower(uint32_t cp)
{
	return cp >= 'A' && cp <= 'Z' ? cp - 'A' + 'a' : cp;
}

static bool is_ascii_letter(uint32_t cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
}

static bool is_space(uint32_t cp)
{
	return cp == ' ' || (cp >= '\t' && cp <= '\r');
}

/* Middle dots written between the parts of transliterated names. */
static bool is_name_dot(uint32_t cp)
{
	return cp == 0x00B7 || cp == 0x2022 || cp == 0x2027 || cp == 0x30FB || cp == 0xFF65;
}

/* What company keys leave out: controls, spaces, ASCII punctuation, the
 * General Punctuation block (dashes, quotes, bullets, zero-width spaces),
 * CJK punctuation 、。〈〉《》「」『』【】〔〕 and the middle dots. */
static bool is_company_separator(uint32_t cp)
{
	if (cp <= 0x20 || cp == 0x7F)
		return true;
	if (cp < 0x7F)
		return !((cp >= '0' && cp <= '9') || is_ascii_letter(cp));
	return cp == 0x00A0 || is_name_dot(cp) || (cp >= 0x2000 && cp <= 0x206F)
	       || (cp >= 0x3000 && cp <= 0x3003) || (cp >= 0x3008 && cp <= 0x301F)
	       || (cp >= 0xFE30 && cp <= 0xFE6F) || cp == 0xFEFF;
}

/* Phones --------------------------------------------------------------- */

#define PHONE_DIGITS 32	/* main-number digits kept; more is never a phone */
#define EXT_MAX 6	/* digits after a '-' that still read as an extension */

struct phone_digits {
	char d[PHONE_DIGITS];
	bool dash_before[PHONE_DIGITS + 1];	/* a '-' stood before d[i] */
	size_t n;
};

/* Length in bytes of an extension marker at s (after folding, so the
 * full-width forms match too), or 0. */
static size_t ext_marker(const char *s, uint32_t cp, size_t cp_len)
{
	static const char zhuan[] = "\xe8\xbd\xac";	/* 转 */
	static const char fenji[] = "\xe5\x88\x86\xe6\x9c\xba";	/* 分机 */

	if (cp == '#' || cp == 'x' || cp == 'X')
		return cp_len;
	if ((s[0] == 'e' || s[0] == 'E') && (s[1] == 'x' || s[1] == 'X')
	    && (s[2] == 't' || s[2] == 'T'))
		return 3;
	if (strncmp(s, zhuan, 3) == 0)
		return 3;
	if (strncmp(s, fenji, 6) == 0)
		return 6;
	return 0;
}

static bool is_mobile(const char *d, size_t n)
{
	return n == 11 && d[0] == '1' && d[1] >= '3' && d[1] <= '9';
}

static bool is_service(const char *d, size_t n)
{
	return n == 10 && (strncmp(d, "400", 3) == 0 || strncmp(d, "800", 3) == 0);
}

/* 0 + area code (010 and 02X take three digits, the rest four) + a local
 * number of 7 or 8 digits. */
static bool is_landline(const char *d, size_t n)
{
	if (n < 10 || d[0] != '0')
		return false;
	size_t area = d[1] == '1' || d[1] == '2' ? 3 : 4;
	return n - area == 7 || n - area == 8;
}

static bool is_complete(const char *d, size_t n)
{
	return is_mobile(d, n) || is_service(d, n) || is_landline(d, n);
}

/* Reads the digits of the main number; returns 1 for a blank input, -1 for
 * anything that is not a phone, else 0. */
static int phone_scan(const char *in, struct phone_digits *num, bool *plus)
{
	size_t len = strlen(in), i = 0;
	bool in_ext = false, dash = false, blank = true;

	while (i < len) {
		uint32_t cp;
		size_t k = next_cp(in + i, len - i, &cp);
		size_t marker = ext_marker(in + i, fold_width(cp), k);
		cp = fold_width(cp);
		if (marker > 0) {
			if (num->n == 0 || in_ext)
				return -1;
			in_ext = true;
			blank = false;
			i += marker;
			continue;
		}
		i += k;
		if (cp >= '0' && cp <= '9') {
			blank = false;
			if (in_ext)
				continue;
			if (num->n == PHONE_DIGITS)
				return -1;
			num->dash_before[num->n] = dash;
			num->d[num->n++] = (char)cp;
			dash = false;
		} else if (cp == '+') {
			if (num->n > 0 || *plus || in_ext)
				return -1;
			*plus = true;
			blank = false;
		} else if (cp == '-' || (cp >= 0x2010 && cp <= 0x2015) || cp == 0x2212) {
			dash = true;
			blank = false;
		} else if (cp == '.' || cp == '(' || cp == ')' || (in_ext && cp == ':')) {
			blank = false;
		} else if (!is_space(cp)) {
			return -1;
		}
	}
	return blank ? 1 : 0;
}

static int phone_emit(const char *prefix, const char *d, size_t n, char *out)
{
	size_t p = strlen(prefix);
	size_t digits = n + (prefix[0] == '0');

	if (digits < 7 || digits > 15) {
		out[0] = '\0';
		return -1;
	}
	memcpy(out, prefix, p);
	memcpy(out + p, d, n);
	out[p + n] = '\0';
	return (int)(p + n);
}

int crm_norm_phone(const char *in, char *out)
{
	struct phone_digits num = { 0 };
	bool plus = false, international = false;
	int scan = phone_scan(in, &num, &plus);

	out[0] = '\0';
	if (scan != 0)
		return scan > 0 ? 0 : -1;

	const char *d = num.d;
	size_t n = num.n, off = 0;
	if (plus || (n >= 2 && d[0] == '0' && d[1] == '0')) {
		off = plus ? 0 : 2;
		if (n - off >= 2 && d[off] == '8' && d[off + 1] == '6') {
			off += 2;
			international = true;
			/* "+86 00..." dials abroad again: no Chinese number, and
			 * its key would read as the foreign "00..." one */
			if (n - off >= 2 && d[off] == '0' && d[off + 1] == '0')
				return -1;
		} else {
			/* Another country: no trunk prefix or extension rules to
			 * apply, and no country code starts with 0. */
			if (off == n || d[off] == '0')
				return -1;
			return phone_emit("+", d + off, n - off, out);
		}
	} else if (n >= 13 && d[0] == '8' && d[1] == '6' && is_mobile(d + 2, 11)
		   && (n == 13 || num.dash_before[13])) {
		off = 2;
	}
	d += off;
	n -= off;

	/* A number dialled from abroad drops the trunk 0 of its area code;
	 * put it back unless it is a mobile or a 400/800 number. */
	bool lead0 = international && n > 0 && d[0] != '0'
		     && !(d[0] == '1' && n > 1 && d[1] >= '3' && d[1] <= '9')
		     && strncmp(d, "400", n < 3 ? n : 3) != 0
		     && strncmp(d, "800", n < 3 ? n : 3) != 0;

	/* "-12" after a complete number is an extension: cut at the first
	 * dash that ends a complete number. */
	char key[PHONE_DIGITS + 2];
	size_t keep = n;
	key[0] = '0';
	memcpy(key + 1, d, n);
	for (size_t k = 1; k < n; k++) {
		if (num.dash_before[off + k] && n - k <= EXT_MAX
		    && is_complete(lead0 ? key : key + 1, k + lead0)) {
			keep = k;
			break;
		}
	}
	return phone_emit(lead0 ? "0" : "", d, keep, out);
}

/* E-mail --------------------------------------------------------------- */

/* Characters that never appear unquoted in an address; quoted local parts
 * are not worth supporting in a CRM. */
static bool is_email_special(unsigned char c)
{
	return c <= ' ' || c == 0x7F || strchr("()<>[]:;,\"\\", c) != NULL;
}

static bool is_blank_cp(uint32_t cp)
{
	return is_space(cp) || cp == 0x3000 || cp == 0x00A0;
}

int crm_norm_email(const char *in, char *out)
{
	size_t len = strlen(in), start = 0, end = len;
	uint32_t cp;

	/* Trim ASCII and ideographic spaces at both ends. */
	while (start < end) {
		size_t k = next_cp(in + start, end - start, &cp);
		if (!is_blank_cp(cp))
			break;
		start += k;
	}
	while (end > start) {
		size_t b = end - 1;
		while (b > start && ((unsigned char)in[b] & 0xC0) == 0x80)
			b--;
		if (next_cp(in + b, end - b, &cp) != end - b || !is_blank_cp(cp))
			break;
		end = b;
	}
	out[0] = '\0';
	if (start == end)
		return 0;

	size_t n = 0, at = 0, ats = 0;
	for (size_t i = start; i < end;) {
		size_t k = next_cp(in + i, end - i, &cp);
		if (cp == BAD_CP || is_blank_cp(cp)
		    || (cp < 0x80 && is_email_special((unsigned char)cp)))
			goto bad;
		if (cp == '@') {
			at = n;
			ats++;
		}
		for (size_t j = 0; j < k; j++) {
			char c = in[i + j];
			out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
		}
		i += k;
	}
	out[n] = '\0';

	const char *domain = out + at + 1;
	size_t dlen = n - at - 1;
	if (ats != 1 || at == 0 || dlen == 0 || strchr(domain, '.') == NULL
	    || domain[0] == '.' || domain[dlen - 1] == '.' || strstr(domain, "..") != NULL)
		goto bad;
	return (int)n;
bad:
	out[0] = '\0';
	return -1;
}

/* Company names -------------------------------------------------------- */

/* Bracketed tags that name a place, compared after the separators are
 * dropped and an administrative suffix (省, 市, 自治区...) removed. */
static const char *const region_names[] = {
	"中国", "中国大陆", "大陆", "大中华区", "亚太", "亚洲", "欧洲",
	"北京", "上海", "天津", "重庆", "河北", "山西", "辽宁", "吉林",
	"黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南",
	"湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西",
	"甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆",
	"香港", "澳门", "深圳", "广州", "杭州", "南京", "苏州", "武汉",
	"成都", "西安", "厦门", "青岛", "大连", "宁波", "无锡", "长沙",
	"郑州", "济南", "沈阳", "哈尔滨", "长春", "合肥", "福州", "昆明",
	"南宁", "石家庄", "太原", "南昌", "贵阳", "兰州", "海口", "三亚",
	"东莞", "佛山", "珠海", "温州", "常州", "泉州", "烟台", "中山",
	"惠州", "绍兴", "嘉兴", "南通", "徐州", "扬州", "乌鲁木齐", "拉萨",
	"呼和浩特", "银川", "西宁", "美国", "日本", "韩国", "德国", "英国",
	"法国", "新加坡",
	"china", "prc", "mainlandchina", "greaterchina", "beijing", "shanghai",
	"tianjin", "chongqing", "hongkong", "hk", "hksar", "macau", "macao",
	"taiwan", "shenzhen", "guangzhou", "hangzhou", "nanjing", "suzhou",
	"wuhan", "chengdu", "xian", "xiamen", "qingdao", "dalian", "ningbo",
	"asia", "asiapacific", "apac", "usa", "us", "japan", "korea", "germany",
	"uk", "singapore",
};

static const char *const region_suffixes[] = {
	"特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区",
	"省", "市",
};

static bool ends_with(const char *s, size_t n, const char *suffix, size_t *slen)
{
	*slen = strlen(suffix);
	return n > *slen && memcmp(s + n - *slen, suffix, *slen) == 0;
}

static bool is_region(char *key, size_t n)
{
	size_t slen;

	for (size_t i = 0; i < sizeof region_suffixes / sizeof *region_suffixes; i++) {
		if (ends_with(key, n, region_suffixes[i], &slen)) {
			n -= slen;
			break;
		}
	}
	key[n] = '\0';
	/* "中国香港", "中国台湾": the country before the region. */
	if (n > 6 && memcmp(key, "中国", 6) == 0)
		key += 6;
	for (size_t i = 0; i < sizeof region_names / sizeof *region_names; i++)
		if (strcmp(key, region_names[i]) == 0)
			return true;
	return false;
}

/* Legal forms, longest first so that 有限公司 wins over 公司.  Latin ones
 * only come off at a word boundary, so "Cisco" keeps its "co". */
static const char *const legal_suffixes[] = {
	"股份有限公司", "有限责任公司", "有限公司", "分公司", "总公司", "集团",
	"公司", "corporation", "incorporated", "company", "limited", "gmbh",
	"corp", "llc", "ltd", "inc", "plc", "llp", "pte", "pty", "co", "ag", "kg",
};

struct text {
	uint32_t *cp;
	bool *upper;	/* the code point was an upper-case ASCII letter */
	size_t n;
};

static void text_decode(const char *in, struct text *t)
{
	size_t len = strlen(in);

	t->cp = crm_xmalloc((len + 1) * sizeof *t->cp);
	t->upper = crm_xmalloc(len + 1);
	t->n = 0;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += next_cp(in + i, len - i, &cp);
		if (cp == BAD_CP)
			continue;
		cp = fold_width(cp);
		t->upper[t->n] = cp >= 'A' && cp <= 'Z';
		t->cp[t->n++] = ascii_lower(cp);
	}
}

/* Closing bracket of the innermost group opened at i, or 0. */
static size_t group_end(const struct text *t, size_t i)
{
	uint32_t close = t->cp[i] == '(' ? ')' : ']';

	for (size_t j = i + 1; j < t->n; j++) {
		if (t->cp[j] == close)
			return j;
		if (t->cp[j] == '(' || t->cp[j] == '[')
			return 0;
	}
	return 0;
}

/* Marks (BAD_CP) every bracketed group whose content names a region. */
static void drop_region_tags(struct text *t)
{
	char key[64];

	for (size_t i = 0; i < t->n; i++) {
		if (t->cp[i] != '(' && t->cp[i] != '[')
			continue;
		size_t end = group_end(t, i), n = 0;
		if (end == 0)
			continue;
		for (size_t j = i + 1; j < end && n + 4 < sizeof key; j++)
			if (!is_company_separator(t->cp[j]))
				n += crm_utf8_encode(t->cp[j], key + n);
		if (n + 4 >= sizeof key || !is_region(key, n))
			continue;
		for (size_t j = i; j <= end; j++)
			t->cp[j] = BAD_CP;
		i = end;
	}
}

size_t crm_norm_company(const char *in, char *out)
{
	struct text t;
	bool *boundary = crm_xmalloc(strlen(in) + 1);
	bool gap = true;
	size_t n = 0;
	uint32_t prev = 0;
	bool prev_upper = false;

	text_decode(in, &t);
	drop_region_tags(&t);
	for (size_t i = 0; i < t.n; i++) {
		uint32_t cp = t.cp[i];
		if (cp == BAD_CP || is_company_separator(cp)) {
			gap = true;
			continue;
		}
		/* A word starts after a dropped separator, after anything but a
		 * Latin letter, and at a camel-case capital ("AcmeCorp"). */
		boundary[n] = gap || !is_ascii_letter(prev) || !is_ascii_letter(cp)
			      || (t.upper[i] && !prev_upper);
		n += crm_utf8_encode(cp, out + n);
		prev = cp;
		prev_upper = t.upper[i];
		gap = false;
	}
	out[n] = '\0';

	for (bool stripped = true; stripped;) {
		stripped = false;
		for (size_t i = 0; i < sizeof legal_suffixes / sizeof *legal_suffixes; i++) {
			const char *suffix = legal_suffixes[i];
			size_t slen;
			bool latin = (unsigned char)suffix[0] < 0x80;
			if (ends_with(out, n, suffix, &slen)
			    && (!latin || boundary[n - slen])) {
				n -= slen;
				out[n] = '\0';
				stripped = true;
				break;
			}
		}
	}
	free(boundary);
	free(t.cp);
	free(t.upper);
	return n;
}

/* Person names --------------------------------------------------------- */

size_t crm_norm_name(const char *in, char *out)
{
	size_t len = strlen(in), n = 0;

	for (size_t i = 0; i < len;) {
		uint32_t cp;
		i += next_cp(in + i, len - i, &cp);
		if (cp == BAD_CP)
			continue;
		cp = fold_width(cp);
		if (is_space(cp) || is_name_dot(cp))
			continue;
		n += crm_utf8_encode(ascii_lower(cp), out + n);
	}
	out[n] = '\0';
	return n;
}
