/* mail.c: one e-mail message to UTF-8 strings (see mail.h).  GMime parses
 * the message (headers, MIME structure, transfer encodings, RFC 2047 and
 * 2231); this file chooses the charsets, converts with iconv, checks the
 * results and reduces HTML to text. */
#include <ctype.h>
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "err.h"
#include "mail.h"
#include "text.h"
#include "utf8.h"

struct parse {
	GMimeParserOptions *opts;
	GPtrArray *leaves;	/* the leaf parts in order, to name them "part N" */
	struct crm_mail *m;
	size_t att_cap;
	struct crm_buf body;
	char *why;
	size_t whylen;
	bool failed;
};

static int refuse(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int refuse(struct parse *p, const char *fmt, ...)
{
	if (!p->failed && p->why && p->whylen) {
		va_list ap;

		va_start(ap, fmt);
		vsnprintf(p->why, p->whylen, fmt, ap);
		va_end(ap);
	}
	p->failed = true;
	return EX_DATAERR;
}

/* ---- charsets ---- */

static bool is_ascii(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			return false;
	return true;
}

static bool label_is(const char *l, const char *const *names)
{
	for (; *names; names++)
		if (!g_ascii_strcasecmp(l, *names))
			return true;
	return false;
}

/* The iconv name for a charset label, or NULL when iconv has none. */
static const char *iconv_name(const char *label)
{
	static const char *const gb[] = { "gb2312", "gbk", "x-gbk", "gb_2312-80", "euc-cn", "x-euc-cn",
		"cp936", "windows-936", "ms936", "csgb2312", "gb18030", NULL };
	static const char *const big5[] = { "big5", "x-big5", "cn-big5", "csbig5", "big5-hkscs",
		"big5hkscs", "x-x-big5", NULL };
	static const char *const u16be[] = { "unicodebig", "unicodefffe", "utf-16be", NULL };
	static const char *const u16le[] = { "unicode", "unicodelittle", "utf-16le", "ucs-2le", NULL };
	static const char *const u16[] = { "utf-16", "utf16", "ucs-2", NULL };
	const char *name;
	iconv_t cd;

	if (!label || !*label)
		return NULL;
	if (label_is(label, gb))
		return "GB18030";
	if (label_is(label, big5))
		return "BIG5-HKSCS";
	if (label_is(label, u16be))
		return "UTF-16BE";
	if (label_is(label, u16le))
		return "UTF-16LE";
	if (label_is(label, u16))
		return "UTF-16";
	name = g_mime_charset_iconv_name(label);
	if (!name)
		return NULL;
	cd = iconv_open("UTF-8", name);
	if (cd == (iconv_t)-1)
		return NULL;
	iconv_close(cd);
	return name;
}

/* n bytes of s in charset name as UTF-8 without NULs, malloc'd (*outlen its
 * length), or NULL when they are not all valid text in it. */
static char *to_utf8(const char *name, const char *s, size_t n, size_t *outlen)
{
	size_t cap = n * 2 + 16, len = 0, j = 0;
	char *out, *in = (char *)s;
	size_t left = n;
	iconv_t cd;

	if (!g_ascii_strcasecmp(name, "UTF-8") || !g_ascii_strcasecmp(name, "US-ASCII")) {
		if (!crm_utf8_valid(s, n, NULL))
			return NULL;
		out = crm_xmalloc(n + 1);
		memcpy(out, s, n);
		len = n;
	} else {
		/* a BOM names the byte order of UTF-16 whatever the label said */
		if (!strncmp(name, "UTF-16", 6) && n >= 2 &&
		    (((unsigned char)s[0] == 0xFE && (unsigned char)s[1] == 0xFF) ||
		     ((unsigned char)s[0] == 0xFF && (unsigned char)s[1] == 0xFE)))
			name = "UTF-16";
		cd = iconv_open("UTF-8", name);
		if (cd == (iconv_t)-1)
			return NULL;
		out = crm_xmalloc(cap);
		while (left) {
			char *o = out + len;
			size_t room = cap - len - 1;

			if (iconv(cd, &in, &left, &o, &room) != (size_t)-1) {
				len = (size_t)(o - out);
				break;
			}
			len = (size_t)(o - out);
			if (errno != E2BIG) {	/* EILSEQ, EINVAL: not this charset */
				iconv_close(cd);
				free(out);
				return NULL;
			}
			cap *= 2;
			out = crm_xrealloc(out, cap);
		}
		iconv_close(cd);
		if (!crm_utf8_valid(out, len, NULL)) {
			free(out);
			return NULL;
		}
	}
	for (size_t i = 0; i < len; i++)
		if (out[i])
			out[j++] = out[i];
	out[j] = '\0';
	if (outlen)
		*outlen = j;
	return out;
}

/* Bytes that name no charset: UTF-8, else the Chinese charsets of mail. */
static char *guess_utf8(const char *s, size_t n, size_t *outlen)
{
	static const char *const guesses[] = { "UTF-8", "GB2312", "BIG5-HKSCS", "GB18030" };
	for (size_t i = 0; i < sizeof guesses / sizeof *guesses; i++) {
		char *out = to_utf8(guesses[i], s, n, outlen);

		if (out)
			return out;
	}
	return NULL;
}

/* ---- headers ---- */

/* Does the payload at s (up to "?=") of an encoded word in charset name
 * (enc b or q) decode to a NUL character: a 00 byte, or a 00 00 unit in
 * UTF-16? */
static bool word_has_nul(const char *name, char enc, const char *s)
{
	const char *end = strstr(s, "?=");
	size_t n = 0;
	guchar *bytes;
	bool wide = !strncmp(name, "UTF-16", 6) || !strncmp(name, "UCS-2", 5), nul = false;

	if (!end)
		return false;
	if (enc == 'b' || enc == 'B') {
		char *b64 = g_strndup(s, (gsize)(end - s));

		bytes = g_base64_decode(b64, &n);
		g_free(b64);
	} else {
		bytes = g_malloc((gsize)(end - s) + 1);
		for (const char *c = s; c < end; c++)
			if (*c == '=' && c + 2 < end && g_ascii_isxdigit(c[1]) && g_ascii_isxdigit(c[2])) {
				bytes[n++] = (guchar)(g_ascii_xdigit_value(c[1]) * 16 + g_ascii_xdigit_value(c[2]));
				c += 2;
			} else
				bytes[n++] = *c == '_' ? ' ' : (guchar)*c;
	}
	for (size_t i = 0; i < n && !nul; i += wide ? 2 : 1)
		nul = wide ? i + 1 < n && !bytes[i] && !bytes[i + 1] : !bytes[i];
	g_free(bytes);
	return nul;
}

/* The raw value of header name as UTF-8 text still holding its encoded
 * words, unfolded, or NULL (absent, or refused: p->failed). */
static char *header_raw(struct parse *p, GMimeObject *o, const char *name)
{
	GMimeHeader *h = g_mime_header_list_get_header(g_mime_object_get_header_list(o), name);
	const char *raw, *q;
	char *text, *unfolded;
	size_t n;

	if (!h || !(raw = g_mime_header_get_raw_value(h)))
		return NULL;
	n = strlen(raw);
	if (is_ascii(raw, n))
		text = crm_xstrdup(raw);
	else if (!(text = guess_utf8(raw, n, NULL))) {
		refuse(p, "%s header: raw 8-bit text that is not UTF-8, GB18030 or Big5", name);
		return NULL;
	}
	/* GMime puts '?' for what an encoded word in an unknown charset
	 * holds, and ends the text at a NUL character in one: look at the
	 * labels and payloads of =?charset[*lang]?b|q?...?= first */
	for (q = text; (q = strstr(q, "=?")); q += 2) {
		const char *e = q + 2;
		size_t l = strcspn(e, "?* \t\r\n\""), k = l + strcspn(e + l, "? \t\r\n");
		char label[64];

		if (!l || l >= sizeof label || e[k] != '?' || !e[k + 1] || !strchr("bBqQ", e[k + 1]) ||
		    e[k + 2] != '?')
			continue;
		memcpy(label, e, l);
		label[l] = '\0';
		if (!iconv_name(label)) {
			refuse(p, "%s header: unknown charset '%s' in an encoded word", name, label);
			free(text);
			return NULL;
		}
		if (word_has_nul(iconv_name(label), e[k + 1], e + k + 3)) {
			refuse(p, "%s header: an encoded word holds a NUL character", name);
			free(text);
			return NULL;
		}
	}
	unfolded = g_mime_utils_header_unfold(text);
	free(text);
	text = crm_xstrdup(g_strstrip(unfolded));
	g_free(unfolded);
	return text;
}

/* A GMime string as a malloc'd valid UTF-8 one, or NULL. */
static char *checked(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return s && crm_utf8_valid(s, n, NULL) ? crm_xstrdup(s) : NULL;
}

/* s (malloc'd or NULL) with its control characters (the tab of a fold,
 * a stray CR) made spaces, a line of text fit for a TSV field, trimmed. */
static char *one_line(char *s)
{
	if (!s)
		return NULL;
	for (char *c = s; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7F)
			*c = ' ';
	return crm_trim(s);
}

static int read_subject(struct parse *p, GMimeMessage *msg)
{
	char *raw = header_raw(p, GMIME_OBJECT(msg), "Subject"), *dec;

	if (p->failed)
		return EX_DATAERR;
	if (!raw) {
		p->m->subject = crm_xstrdup("");
		return 0;
	}
	dec = g_mime_utils_header_decode_text(p->opts, raw);
	free(raw);
	p->m->subject = one_line(checked(dec));
	g_free(dec);
	if (!p->m->subject)
		return refuse(p, "Subject header: not valid UTF-8 once decoded");
	return 0;
}

static InternetAddressMailbox *first_mailbox(InternetAddressList *l)
{
	for (int i = 0; l && i < internet_address_list_length(l); i++) {
		InternetAddress *a = internet_address_list_get_address(l, i);
		InternetAddressMailbox *mb;

		if (INTERNET_ADDRESS_IS_MAILBOX(a))
			return INTERNET_ADDRESS_MAILBOX(a);
		if (INTERNET_ADDRESS_IS_GROUP(a) &&
		    (mb = first_mailbox(internet_address_group_get_members(INTERNET_ADDRESS_GROUP(a)))))
			return mb;
	}
	return NULL;
}

static int read_from(struct parse *p, GMimeMessage *msg)
{
	char *raw = header_raw(p, GMIME_OBJECT(msg), "From");
	InternetAddressList *l;
	InternetAddressMailbox *mb;
	const char *name = NULL, *addr = NULL;

	if (p->failed)
		return EX_DATAERR;
	l = raw ? internet_address_list_parse(p->opts, raw) : NULL;
	free(raw);
	if ((mb = first_mailbox(l))) {
		name = internet_address_get_name(INTERNET_ADDRESS(mb));
		addr = internet_address_mailbox_get_addr(mb);
	}
	p->m->from_name = one_line(checked(name ? name : ""));
	if (addr && crm_utf8_valid(addr, strlen(addr), NULL)) {
		char *low = g_utf8_strdown(addr, -1);

		p->m->from_email = crm_xstrdup(low);
		g_free(low);
	} else
		p->m->from_email = crm_xstrdup("");
	if (l)
		g_object_unref(l);
	if (!p->m->from_name)
		return refuse(p, "From header: the name is not valid UTF-8 once decoded");
	return 0;
}

/* The ids of a header of message ids, space-separated, or NULL. */
static char *read_ids(struct parse *p, GMimeMessage *msg, const char *name, bool first_only)
{
	const char *v = g_mime_object_get_header(GMIME_OBJECT(msg), name);
	GMimeReferences *refs;
	struct crm_buf b = { 0 };

	if (!v || !(refs = g_mime_references_parse(p->opts, v)))
		return NULL;
	for (int i = 0; i < g_mime_references_length(refs); i++) {
		const char *id = g_mime_references_get_message_id(refs, i);

		if (!id || !*id || !crm_utf8_valid(id, strlen(id), NULL))
			continue;
		if (b.len)
			crm_buf_addc(&b, ' ');
		crm_buf_add(&b, id);
		if (first_only)
			break;
	}
	g_mime_references_free(refs);
	if (!b.len) {
		free(b.s);
		return NULL;
	}
	return crm_buf_take(&b);
}

static void read_date(struct parse *p, GMimeMessage *msg)
{
	GDateTime *d = g_mime_message_get_date(msg), *u;
	gchar *s;

	p->m->date[0] = '\0';
	if (!d || !(u = g_date_time_to_utc(d)))
		return;
	s = g_date_time_format(u, "%Y-%m-%dT%H:%M:%SZ");
	if (s && strlen(s) == 20)
		memcpy(p->m->date, s, 21);
	g_free(s);
	g_date_time_unref(u);
}

/* ---- parts ---- */

static void where(struct parse *p, GMimeObject *o, char *buf, size_t n)
{
	gchar *type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(o));
	guint i;

	if (p->leaves->len == 1)
		snprintf(buf, n, "body (%s)", type);
	else if (g_ptr_array_find(p->leaves, o, &i))
		snprintf(buf, n, "part %u (%s)", i + 1, type);
	else
		snprintf(buf, n, "a part (%s)", type);
	g_free(type);
}

static void collect_leaves(GMimeObject *o, GPtrArray *leaves)
{
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);

		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			collect_leaves(g_mime_multipart_get_part(mp, i), leaves);
	} else
		g_ptr_array_add(leaves, o);
}

/* The content of a leaf part with its transfer encoding undone, malloc'd
 * (*n its length), or NULL when refused. */
static char *part_bytes(struct parse *p, GMimeObject *o, size_t *n)
{
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *ba;
	char *out;
	const char *cte = g_mime_object_get_header(o, "Content-Transfer-Encoding");
	bool unknown = false;

	if (GMIME_IS_MESSAGE_PART(o)) {
		GMimeMessage *inner = g_mime_message_part_get_message(GMIME_MESSAGE_PART(o));

		if (inner)
			g_mime_object_write_to_stream(GMIME_OBJECT(inner), NULL, mem);
	} else if (GMIME_IS_PART(o)) {
		GMimeDataWrapper *dw = g_mime_part_get_content(GMIME_PART(o));

		if (cte) {
			char *c = g_strstrip(g_strdup(cte));

			unknown = *c && g_mime_content_encoding_from_string(c) == GMIME_CONTENT_ENCODING_DEFAULT;
			g_free(c);
		}
		if (dw)
			g_mime_data_wrapper_write_to_stream(dw, mem);
	}
	ba = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*n = ba->len;
	if (unknown && !is_ascii((const char *)ba->data, ba->len)) {
		char *c = g_strstrip(g_strdup(cte)), w[96];

		where(p, o, w, sizeof w);
		refuse(p, "%s: unknown Content-Transfer-Encoding '%s' and the content is not ASCII", w, c);
		g_free(c);
		g_object_unref(mem);
		return NULL;
	}
	out = crm_xmalloc(ba->len + 1);
	memcpy(out, ba->data, ba->len);
	out[ba->len] = '\0';
	g_object_unref(mem);
	return out;
}

static bool is_attachment(GMimeObject *o)
{
	GMimeContentType *ct = g_mime_object_get_content_type(o);
	const char *disp = g_mime_object_get_disposition(o);

	if (!GMIME_IS_PART(o))
		return true;
	if (g_mime_part_get_filename(GMIME_PART(o)))
		return true;
	if (disp && !g_ascii_strcasecmp(disp, "attachment"))
		return true;
	return !(g_mime_content_type_is_type(ct, "text", "plain") || g_mime_content_type_is_type(ct, "text", "html"));
}

static void add_entity(struct crm_buf *b, const char *name, size_t n)
{
	static const struct { const char *n; const char *s; } ent[] = {
		{ "nbsp", " " }, { "amp", "&" }, { "lt", "<" }, { "gt", ">" }, { "quot", "\"" },
		{ "apos", "'" }, { "mdash", "\xE2\x80\x94" }, { "ndash", "\xE2\x80\x93" },
		{ "hellip", "\xE2\x80\xA6" }, { "copy", "\xC2\xA9" }, { "ldquo", "\xE2\x80\x9C" },
		{ "rdquo", "\xE2\x80\x9D" }, { "lsquo", "\xE2\x80\x98" }, { "rsquo", "\xE2\x80\x99" },
	};
	if (n > 1 && name[0] == '#') {
		char *end;
		unsigned long cp = name[1] == 'x' || name[1] == 'X' ? strtoul(name + 2, &end, 16)
								     : strtoul(name + 1, &end, 10);

		if (end == name + n && cp && cp <= 0x10FFFF && (cp < 0xD800 || cp > 0xDFFF)) {
			char u[4];

			crm_buf_addn(b, u, crm_utf8_encode((uint32_t)cp, u));
			return;
		}
	}
	for (size_t i = 0; i < sizeof ent / sizeof *ent; i++)
		if (strlen(ent[i].n) == n && !strncmp(ent[i].n, name, n)) {
			crm_buf_add(b, ent[i].s);
			return;
		}
	crm_buf_addc(b, '&');
	crm_buf_addn(b, name, n);
	crm_buf_addc(b, ';');
}

/* HTML reduced to plain text: tags dropped (with what script, style, head
 * and title hold), block tags ending lines, entities decoded, runs of
 * spaces made one, no empty lines. */
static char *html_text(const char *s)
{
	static const char *const blocks[] = { "br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4",
		"h5", "h6", "table", "blockquote", "hr", "pre", "ul", "ol", NULL };
	static const char *const hidden[] = { "script", "style", "head", "title", NULL };
	struct crm_buf b = { 0 }, t = { 0 };
	bool space = false;

	while (*s) {
		if (!strncmp(s, "<!--", 4)) {
			const char *e = strstr(s + 4, "-->");

			s = e ? e + 3 : s + strlen(s);
		} else if (*s == '<') {
			char name[16];
			size_t n = 0;
			const char *q = s + 1;
			char quote = 0;
			bool closing = *q == '/';

			if (closing)
				q++;
			while (n + 1 < sizeof name && (isalnum((unsigned char)*q)))
				name[n++] = (char)tolower((unsigned char)*q++);
			name[n] = '\0';
			for (; *q && (quote || *q != '>'); q++)
				if (quote ? *q == quote : (*q == '"' || *q == '\''))
					quote = quote ? 0 : *q;
			s = *q ? q + 1 : q;
			if (n && !closing && label_is(name, hidden) && q[-1] != '/') {
				/* skip to the closing tag */
				const char *e = s;

				while ((e = strchr(e, '<')) && !(e[1] == '/' && !g_ascii_strncasecmp(e + 2, name, n)))
					e++;
				if (e) {
					e = strchr(e, '>');
					s = e ? e + 1 : s + strlen(s);
				} else
					s += strlen(s);
			} else if (n && label_is(name, blocks)) {
				crm_buf_addc(&b, '\n');
				space = false;
			}
		} else if (*s == '&') {
			size_t n = strspn(s + 1, "#abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");

			if (n && n < 12 && s[1 + n] == ';') {
				add_entity(&b, s + 1, n);
				s += n + 2;
			} else
				crm_buf_addc(&b, *s++);
			space = false;
		} else if (isspace((unsigned char)*s)) {
			if (!space)
				crm_buf_addc(&b, ' ');
			space = true;
			s++;
		} else {
			crm_buf_addc(&b, *s++);
			space = false;
		}
	}
	/* each line trimmed, the empty ones dropped: a block is a line */
	{
		char *all = crm_buf_take(&b), *line = all;

		while (line) {
			char *nl = strchr(line, '\n');

			if (nl)
				*nl = '\0';
			crm_trim(line);
			if (*line) {
				if (t.len)
					crm_buf_addc(&t, '\n');
				crm_buf_add(&t, line);
			}
			line = nl ? nl + 1 : NULL;
		}
		free(all);
	}
	return crm_buf_take(&t);
}

/* Add the text of a text/plain or text/html part to the body. */
static int add_text(struct parse *p, GMimeObject *o)
{
	const char *label = g_mime_object_get_content_type_parameter(o, "charset");
	const char *name;
	char *bytes, *text, w[96];
	size_t n, tn;

	if (!(bytes = part_bytes(p, o, &n)))
		return EX_DATAERR;
	if (!label || !*label || !g_ascii_strcasecmp(label, "us-ascii")) {
		text = guess_utf8(bytes, n, &tn);
		if (!text) {
			where(p, o, w, sizeof w);
			free(bytes);
			return refuse(p, "%s: no charset given and the text is not UTF-8, GB18030 or Big5", w);
		}
	} else if (!(name = iconv_name(label))) {
		text = to_utf8("UTF-8", bytes, n, &tn);
		if (!text) {
			where(p, o, w, sizeof w);
			free(bytes);
			return refuse(p, "%s: unknown charset '%s' and the text is not UTF-8", w, label);
		}
	} else if (!(text = to_utf8(name, bytes, n, &tn))) {
		where(p, o, w, sizeof w);
		free(bytes);
		return refuse(p, "%s: not valid text in charset %s", w, label);
	}
	free(bytes);
	if (g_mime_content_type_is_type(g_mime_object_get_content_type(o), "text", "html")) {
		char *plain = html_text(text);

		free(text);
		text = plain;
	}
	if (p->body.len && *text)
		crm_buf_add(&p->body, "\n\n");
	for (const char *c = text; *c; c++)	/* CRLF to LF */
		if (!(c[0] == '\r' && c[1] == '\n'))
			crm_buf_addc(&p->body, *c);
	free(text);
	/* no blank lines at the end, where the next part's text would follow */
	while (p->body.len && isspace((unsigned char)p->body.s[p->body.len - 1]))
		p->body.s[--p->body.len] = '\0';
	return 0;
}

/* Does o give text for the body: a text part or a multipart holding one? */
static bool has_text(GMimeObject *o, bool plain)
{
	if (GMIME_IS_MULTIPART(o)) {
		GMimeMultipart *mp = GMIME_MULTIPART(o);

		for (int i = 0; i < g_mime_multipart_get_count(mp); i++)
			if (has_text(g_mime_multipart_get_part(mp, i), plain))
				return true;
		return false;
	}
	if (is_attachment(o))
		return false;
	return !plain || g_mime_content_type_is_type(g_mime_object_get_content_type(o), "text", "plain");
}

static int collect_body(struct parse *p, GMimeObject *o)
{
	GMimeMultipart *mp;
	int n;

	if (!GMIME_IS_MULTIPART(o))
		return is_attachment(o) ? 0 : add_text(p, o);
	mp = GMIME_MULTIPART(o);
	n = g_mime_multipart_get_count(mp);
	if (g_mime_content_type_is_type(g_mime_object_get_content_type(o), "multipart", "alternative")) {
		/* the first alternative with plain text, else the first with text */
		for (int i = 0; i < n; i++)
			if (has_text(g_mime_multipart_get_part(mp, i), true))
				return collect_body(p, g_mime_multipart_get_part(mp, i));
		for (int i = 0; i < n; i++)
			if (has_text(g_mime_multipart_get_part(mp, i), false))
				return collect_body(p, g_mime_multipart_get_part(mp, i));
		return 0;
	}
	if (g_mime_content_type_is_type(g_mime_object_get_content_type(o), "multipart", "related") ||
	    g_mime_content_type_is_type(g_mime_object_get_content_type(o), "multipart", "signed"))
		n = n ? 1 : 0;	/* the root; the rest are its pictures or signature */
	for (int i = 0; i < n; i++)
		if (collect_body(p, g_mime_multipart_get_part(mp, i)))
			return EX_DATAERR;
	return 0;
}

static int collect_attachments(struct parse *p)
{
	for (guint i = 0; i < p->leaves->len; i++) {
		GMimeObject *o = g_ptr_array_index(p->leaves, i);
		struct crm_mail_part *a;
		const char *fn = GMIME_IS_PART(o) ? g_mime_part_get_filename(GMIME_PART(o)) : NULL;
		gchar *type;
		char *bytes;
		size_t n;

		if (!is_attachment(o))
			continue;
		if (!(bytes = part_bytes(p, o, &n)))
			return EX_DATAERR;
		free(bytes);
		if (fn && !crm_utf8_valid(fn, strlen(fn), NULL)) {
			char w[96];

			where(p, o, w, sizeof w);
			return refuse(p, "%s: the file name is not valid UTF-8 once decoded", w);
		}
		if (p->m->n_attachments == p->att_cap) {
			p->att_cap = p->att_cap ? p->att_cap * 2 : 4;
			p->m->attachments = crm_xrealloc(p->m->attachments, p->att_cap * sizeof *a);
		}
		a = &p->m->attachments[p->m->n_attachments++];
		a->filename = crm_xstrdup(fn ? fn : "");
		type = g_mime_content_type_get_mime_type(g_mime_object_get_content_type(o));
		a->content_type = crm_xstrdup(type);
		g_free(type);
		for (char *c = a->content_type; *c; c++)
			*c = (char)tolower((unsigned char)*c);
		a->size = n;
	}
	return 0;
}

/* ---- the message ---- */

static void init_once(void)
{
	static gsize done;

	if (g_once_init_enter(&done)) {
		g_mime_init();
		g_once_init_leave(&done, 1);
	}
}

static int parse_message(struct parse *p, const char *buf, size_t len)
{
	GMimeStream *s;
	GMimeParser *parser;
	GMimeMessage *msg;
	GMimeObject *top;
	GMimeHeaderList *hl;
	int st = 0;

	if (!len)
		return refuse(p, "not a mail message: the input is empty");
	s = g_mime_stream_mem_new_with_buffer(buf, len);
	parser = g_mime_parser_new_with_stream(s);
	g_object_unref(s);
	msg = g_mime_parser_construct_message(parser, p->opts);
	g_object_unref(parser);
	if (!msg)
		return refuse(p, "not a mail message: no From or Subject header");
	hl = g_mime_object_get_header_list(GMIME_OBJECT(msg));
	if (!g_mime_header_list_contains(hl, "From") && !g_mime_header_list_contains(hl, "Subject")) {
		g_object_unref(msg);
		return refuse(p, "not a mail message: no From or Subject header");
	}
	if ((st = read_subject(p, msg)) || (st = read_from(p, msg)))
		goto out;
	p->m->message_id = checked(g_mime_message_get_message_id(msg));
	p->m->in_reply_to = read_ids(p, msg, "In-Reply-To", true);
	p->m->references = read_ids(p, msg, "References", false);
	read_date(p, msg);
	if ((top = g_mime_message_get_mime_part(msg))) {
		collect_leaves(top, p->leaves);
		if ((st = collect_body(p, top)) || (st = collect_attachments(p)))
			goto out;
	}
	p->m->body = crm_buf_take(&p->body);
out:
	g_object_unref(msg);
	return st;
}

int crm_mail_parse(const char *buf, size_t len, struct crm_mail *m, char *why, size_t whylen)
{
	static const char *fallback[] = { "UTF-8", NULL };
	struct parse p = { .m = m, .why = why, .whylen = whylen };
	int st;

	memset(m, 0, sizeof *m);
	if (why && whylen)
		why[0] = '\0';
	init_once();
	p.opts = g_mime_parser_options_new();
	g_mime_parser_options_set_fallback_charsets(p.opts, fallback);
	p.leaves = g_ptr_array_new();
	st = parse_message(&p, buf, len);
	g_ptr_array_free(p.leaves, TRUE);
	g_mime_parser_options_free(p.opts);
	free(p.body.s);
	if (st)
		crm_mail_free(m);
	return st;
}

void crm_mail_free(struct crm_mail *m)
{
	free(m->subject);
	free(m->from_name);
	free(m->from_email);
	free(m->message_id);
	free(m->in_reply_to);
	free(m->references);
	free(m->body);
	for (size_t i = 0; i < m->n_attachments; i++) {
		free(m->attachments[i].filename);
		free(m->attachments[i].content_type);
	}
	free(m->attachments);
	memset(m, 0, sizeof *m);
}
