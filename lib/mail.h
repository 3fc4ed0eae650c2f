/* mail.h: one RFC 5322 / MIME message read from memory (GMime underneath),
 * its headers and text as UTF-8 for a ticket or an interaction.
 *
 * Charsets: a text part is decoded by its declared charset, where
 * gb2312, gbk and x-gbk mean GB18030 (their superset: mail labelled gb2312
 * is often GBK), big5 means Big5-HKSCS, and unicode/unicodebig/
 * unicodelittle/utf-16* mean UTF-16 (a BOM decides the byte order, else the
 * label; plain UTF-16 is big-endian).  An unknown label is accepted when
 * the bytes are UTF-8, else refused naming the label; bytes invalid in a
 * known charset are refused.  A text part with no charset, and a header in
 * raw 8 bits, is UTF-8 when valid, else GB2312, Big5(-HKSCS) or GB18030,
 * the first that decodes it all (GB2312 before Big5: every Big5 text is
 * also valid GB18030, so GB18030, the widest, comes last).  NUL characters
 * are dropped from the text.  A part whose Content-Transfer-Encoding is
 * unknown is read as 7bit when its bytes are ASCII, else refused.
 * An encoded word in an unknown charset, or holding a NUL character,
 * refuses the message (GMime would put '?' for it, or cut the text there).
 *
 * Not thread-safe on the first call (it initialises GMime). */
#ifndef CRM_MAIL_H
#define CRM_MAIL_H

#include <stddef.h>

struct crm_mail_part {
	char *filename;		/* decoded (RFC 2231 / 2047), UTF-8, "" when none */
	char *content_type;	/* lower-case type/subtype */
	size_t size;		/* bytes after the transfer encoding is undone */
};

struct crm_mail {
	char *subject;		/* decoded encoded-words, UTF-8, never NULL ("" when absent) */
	char *from_name;	/* display name or "" */
	char *from_email;	/* lower-cased addr-spec or "" */
	char *message_id;	/* without <>, or NULL */
	char *in_reply_to;	/* without <>, or NULL */
	char *references;	/* space-separated ids without <>, or NULL */
	char date[21];		/* ISO-8601 UTC "YYYY-MM-DDTHH:MM:SSZ" from Date:, or "" */
	/* the text: text/plain preferred (multipart/alternative), else text/html
	 * reduced to plain text; inline text parts of a multipart/mixed joined
	 * by a blank line; line ends LF; UTF-8, never NULL */
	char *body;
	/* parts that are not text/plain or text/html, or that have a filename
	 * or an attachment disposition, in the order of the message */
	struct crm_mail_part *attachments;
	size_t n_attachments;
};

/* Parse len bytes at buf into *m (all malloc'd: crm_mail_free).  0, or
 * EX_DATAERR with a reason for a person in why (NUL-terminated, cut to
 * whylen) and *m left empty: "not a mail message: no From or Subject
 * header", "part 2 (text/plain): unknown charset 'x-foo' and the text is
 * not UTF-8", "body (text/plain): not valid text in charset gb2312", ... */
int crm_mail_parse(const char *buf, size_t len, struct crm_mail *m, char *why, size_t whylen);

/* Free what crm_mail_parse allocated and empty *m (safe to call twice). */
void crm_mail_free(struct crm_mail *m);

#endif
