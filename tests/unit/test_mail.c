/* test_mail.c: e-mail messages to UTF-8 (lib/mail.h).  The messages are
 * written here; the expected strings are typed as their authors meant
 * them, not copied from the parser.  The Chinese mail of
 * ../shared/data/mail-zh is read too when it is there ($CRM_SHARED, else
 * found from this binary, BUILD/tests/ under the top of the tree). */
#include <dirent.h>
#include <libgen.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "mail.h"
#include "utf8.h"

static char why[256];

static int parse(const char *msg, struct crm_mail *m)
{
	return crm_mail_parse(msg, strlen(msg), m, why, sizeof why);
}

/* msg must be refused with a reason holding part */
static void refused(const char *msg, const char *part)
{
	struct crm_mail m;

	assert_int_equal(parse(msg, &m), 65);
	assert_non_null(strstr(why, part));
	assert_null(m.subject);
	assert_null(m.body);
	crm_mail_free(&m);
}

static void test_headers(void **state)
{
	struct crm_mail m;
	const char *msg =
		"Return-Path: <x@y>\r\n"
		"From: =?gb2312?B?1cXI/Q==?= <Zhang.San@Example.COM>\r\n"
		"To: support@example.com\r\n"
		"Subject: =?gb2312?B?xOO6w6OsysC95w==?=\r\n"
		"Date: Tue, 03 Mar 2026 09:30:00 +0800\r\n"
		"Message-ID: <abc.123@mail.example.com>\r\n"
		"In-Reply-To: <first@example.com>\r\n"
		"References: <root@example.com>\r\n"
		"  <first@example.com>\r\n"
		"\r\n"
		"hello\r\n";

	(void)state;
	assert_int_equal(parse(msg, &m), 0);
	assert_string_equal(m.subject, "你好，世界");
	assert_string_equal(m.from_name, "张三");
	assert_string_equal(m.from_email, "zhang.san@example.com");
	assert_string_equal(m.message_id, "abc.123@mail.example.com");
	assert_string_equal(m.in_reply_to, "first@example.com");
	assert_string_equal(m.references, "root@example.com first@example.com");
	assert_string_equal(m.date, "2026-03-03T01:30:00Z");	/* 09:30 at +08:00 */
	assert_string_equal(m.body, "hello");
	assert_int_equal(m.n_attachments, 0);
	crm_mail_free(&m);
	crm_mail_free(&m);	/* twice is harmless */
}

static void test_folded_q(void **state)
{
	struct crm_mail m;

	(void)state;
	/* UTF-8 Q words over two lines: the space between them goes */
	assert_int_equal(parse("From: \"Ann\" <ann@x.org>\n"
			       "Subject: =?UTF-8?Q?caf=C3=A9_cr=C3=A8me?=\n"
			       " =?utf-8?q?_br=C3=BBl=C3=A9e?=\n\nx\n", &m), 0);
	assert_string_equal(m.subject, "café crème brûlée");
	assert_string_equal(m.from_name, "Ann");
	assert_null(m.message_id);
	assert_null(m.in_reply_to);
	assert_null(m.references);
	assert_string_equal(m.date, "");
	crm_mail_free(&m);
	/* plain folded text keeps one space per fold */
	assert_int_equal(parse("From: b@x.org\nSubject: a subject\n\tthat goes on\n\nx\n", &m), 0);
	assert_string_equal(m.subject, "a subject that goes on");
	assert_string_equal(m.from_name, "");
	assert_string_equal(m.from_email, "b@x.org");
	crm_mail_free(&m);
	/* no Subject at all: "" */
	assert_int_equal(parse("From: c@x.org\n\nx\n", &m), 0);
	assert_string_equal(m.subject, "");
	crm_mail_free(&m);
}

static void test_alternative(void **state)
{
	struct crm_mail m;

	(void)state;
	/* the HTML comes first and the plain text is still chosen */
	assert_int_equal(parse("From: a@x.org\nSubject: alt\nMIME-Version: 1.0\n"
			       "Content-Type: multipart/alternative; boundary=\"b1\"\n\n"
			       "--b1\nContent-Type: text/html; charset=utf-8\n\n<p>HTML</p>\n"
			       "--b1\nContent-Type: text/plain; charset=utf-8\n"
			       "Content-Transfer-Encoding: quoted-printable\n\n"
			       "Plain =E4=BD=A0=E5=A5=BD\n--b1--\n", &m), 0);
	assert_string_equal(m.body, "Plain 你好");
	assert_int_equal(m.n_attachments, 0);
	crm_mail_free(&m);
	/* HTML only: reduced to its text */
	assert_int_equal(parse("From: a@x.org\nSubject: html\nMIME-Version: 1.0\n"
			       "Content-Type: multipart/alternative; boundary=b2\n\n"
			       "--b2\nContent-Type: text/html; charset=utf-8\n\n"
			       "<html><head><title>T</title><style>p{x:1}</style></head>\n"
			       "<body><p>Hello&nbsp;<b>world</b></p>\n<p>x &amp; y &#20320;&#x597D;</p>"
			       "<!-- note --><br>end</body></html>\n--b2--\n", &m), 0);
	assert_string_equal(m.body, "Hello world\nx & y 你好\nend");
	crm_mail_free(&m);
}

static void test_gbk_labelled_gb2312(void **state)
{
	struct crm_mail m;

	(void)state;
	/* 讀取報告 in GBK: outside GB2312, as Outlook sends it */
	assert_int_equal(parse("From: a@x.org\nSubject: gbk\nMIME-Version: 1.0\n"
			       "Content-Type: text/plain; charset=\"gb2312\"\n"
			       "Content-Transfer-Encoding: 8bit\n\n"
			       "\xD7x\xC8\xA1\x88\xF3\xB8\xE6\r\n", &m), 0);
	assert_string_equal(m.body, "讀取報告");
	crm_mail_free(&m);
	/* a lead byte with no trail byte is no GB text */
	refused("From: a@x.org\nSubject: bad\nContent-Type: text/plain; charset=gb2312\n\n\xC4\n",
		"not valid text in charset gb2312");
}

static void test_attachment_rfc2231(void **state)
{
	struct crm_mail m;

	(void)state;
	assert_int_equal(parse("From: a@x.org\nSubject: quote\nMIME-Version: 1.0\n"
			       "Content-Type: multipart/mixed; boundary=\"m\"\n\n"
			       "--m\nContent-Type: text/plain; charset=utf-8\n\nsee attached\n"
			       "--m\nContent-Type: application/pdf\n"
			       "Content-Disposition: attachment;\n"
			       " filename*=gb2312''%B1%A8%BC%DB%B5%A5%2E%70%64%66\n"
			       "Content-Transfer-Encoding: base64\n\naGVsbG8=\n"
			       "--m\nContent-Type: IMAGE/PNG;\n name*0*=UTF-8''%E5%9B%BE;\n name*1=\".png\"\n"
			       "Content-Transfer-Encoding: base64\n\nAAECAw==\n"
			       "--m--\n", &m), 0);
	assert_string_equal(m.body, "see attached");
	assert_int_equal(m.n_attachments, 2);
	assert_string_equal(m.attachments[0].filename, "报价单.pdf");
	assert_string_equal(m.attachments[0].content_type, "application/pdf");
	assert_int_equal(m.attachments[0].size, 5);	/* "hello" */
	assert_string_equal(m.attachments[1].filename, "图.png");
	assert_string_equal(m.attachments[1].content_type, "image/png");
	assert_int_equal(m.attachments[1].size, 4);	/* 00 01 02 03 */
	crm_mail_free(&m);
}

static void test_raw_8bit_headers(void **state)
{
	struct crm_mail m;

	(void)state;
	/* 養樂多客服 in Big5, raw, no encoded word */
	assert_int_equal(parse("From: \xBEi\xBC\xD6\xA6h <c@y.tw>\n"
			       "Subject: \xBEi\xBC\xD6\xA6h\xAB\xC8\xAA" "A\n\nbody\n", &m), 0);
	assert_string_equal(m.subject, "養樂多客服");
	assert_string_equal(m.from_name, "養樂多");
	crm_mail_free(&m);
	/* raw UTF-8 */
	assert_int_equal(parse("From: a@x.org\nSubject: \xE4\xBD\xA0\xE5\xA5\xBD\n\nb\n", &m), 0);
	assert_string_equal(m.subject, "你好");
	crm_mail_free(&m);
	/* raw GB2312 */
	assert_int_equal(parse("From: a@x.org\nSubject: \xC4\xE3\xBA\xC3\n\nb\n", &m), 0);
	assert_string_equal(m.subject, "你好");
	crm_mail_free(&m);
	/* 0xFF is no lead byte in any of them */
	refused("From: a@x.org\nSubject: \xFF\xFF\n\nb\n", "Subject header: raw 8-bit");
}

static void test_utf16(void **state)
{
	struct crm_mail m;

	(void)state;
	/* little-endian with a BOM though labelled utf-16 */
	assert_int_equal(parse("From: a@x.org\nSubject: =?utf-16be?B?XeVTVQ==?=\n"
			       "Content-Type: text/plain; charset=utf-16\n"
			       "Content-Transfer-Encoding: base64\n\n//5gT31ZIABvAGsA\n", &m), 0);
	assert_string_equal(m.subject, "工单");
	assert_string_equal(m.body, "你好 ok");
	crm_mail_free(&m);
	/* Microsoft's unicodebig: big-endian, no BOM */
	assert_int_equal(parse("From: a@x.org\nSubject: u\n"
			       "Content-Type: text/plain; charset=unicodebig\n"
			       "Content-Transfer-Encoding: base64\n\nTi1lhwAgAG8Aaw==\n", &m), 0);
	assert_string_equal(m.body, "中文 ok");
	crm_mail_free(&m);
	/* a NUL in an encoded word would cut the subject there: refused */
	refused("From: a@x.org\nSubject: =?unicodebig?B?AGEAAABi?=\n\nb\n",
		"Subject header: an encoded word holds a NUL character");
	refused("From: a@x.org\nSubject: =?utf-8?Q?a=00b?=\n\nb\n", "a NUL character");
	/* 00 bytes that are halves of UTF-16 characters are no NUL */
	assert_int_equal(parse("From: a@x.org\nSubject: =?utf-16be?Q?=00v?= =?utf-16be?Q?=00=2E?=\n\nb\n", &m), 0);
	assert_string_equal(m.subject, "v.");
	crm_mail_free(&m);
	/* a NUL character in the text is dropped: "a\0b" in UTF-16BE */
	assert_int_equal(parse("From: a@x.org\nSubject: u\n"
			       "Content-Type: text/plain; charset=utf-16be\n"
			       "Content-Transfer-Encoding: base64\n\nAGEAAABi\n", &m), 0);
	assert_string_equal(m.body, "ab");
	crm_mail_free(&m);
}

static void test_broken_charset(void **state)
{
	struct crm_mail m;

	(void)state;
	/* an unknown label over UTF-8 bytes: read as UTF-8 */
	assert_int_equal(parse("From: a@x.org\nSubject: s\n"
			       "Content-Type: text/plain; charset=\"x-foo\"\n\n\xE4\xBD\xA0\xE5\xA5\xBD\n", &m), 0);
	assert_string_equal(m.body, "你好");
	crm_mail_free(&m);
	/* over Latin-1 bytes: refused, naming the label */
	refused("From: a@x.org\nSubject: s\nContent-Type: text/plain; charset=x-foo\n\ncaf\xE9\n",
		"body (text/plain): unknown charset 'x-foo' and the text is not UTF-8");
	/* in an encoded word */
	refused("From: a@x.org\nSubject: =?x-foo?Q?caf=E9?=\n\nb\n",
		"Subject header: unknown charset 'x-foo'");
}

static void test_transfer_encoding(void **state)
{
	struct crm_mail m;
	const char *head = "From: a@x.org\nSubject: t\nMIME-Version: 1.0\n"
			   "Content-Type: multipart/mixed; boundary=\"_\"\n\n"
			   "--_\nContent-Type: text/plain\n\nhi\n"
			   "--_\nContent-Type: image/x-unknown\nContent-Transfer-Encoding: x-unknown\n\n";
	char msg[512];

	(void)state;
	/* ASCII content is read as 7bit */
	snprintf(msg, sizeof msg, "%s%s", head, "=E2=98=BA\n--_--\n");
	assert_int_equal(parse(msg, &m), 0);
	assert_string_equal(m.body, "hi");
	assert_int_equal(m.n_attachments, 1);
	assert_string_equal(m.attachments[0].content_type, "image/x-unknown");
	assert_string_equal(m.attachments[0].filename, "");
	assert_int_equal(m.attachments[0].size, 9);	/* "=E2=98=BA", the line end is the boundary's */
	crm_mail_free(&m);
	snprintf(msg, sizeof msg, "%s%s", head, "\xE2\x98\xBA\n--_--\n");
	refused(msg, "part 2 (image/x-unknown): unknown Content-Transfer-Encoding 'x-unknown'");
}

static void test_not_a_message(void **state)
{
	struct crm_mail m;

	(void)state;
	refused("", "not a mail message");
	refused("just some words\nand more words\n", "not a mail message: no From or Subject header");
	refused("\x89PNG\r\n\x1A\n binary", "not a mail message");
	/* a NUL in the body is dropped */
	assert_int_equal(crm_mail_parse("From: a@x.org\n\nju\0nk", 20, &m, why, sizeof why), 0);
	assert_string_equal(m.body, "junk");
	crm_mail_free(&m);
}

/* ---- the shared Chinese mail ---- */

static char shared[PATH_MAX];

static bool find_shared(void)
{
	const char *env = getenv("CRM_SHARED");
	struct stat st;

	if (env && *env)
		snprintf(shared, sizeof shared, "%s/data/mail-zh", env);
	else {
		char exe[PATH_MAX];
		ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);

		if (n <= 0)
			return false;
		exe[n] = '\0';
		snprintf(shared, sizeof shared, "%s/../shared/data/mail-zh", dirname(dirname(dirname(exe))));
	}
	return stat(shared, &st) == 0 && S_ISDIR(st.st_mode);
}

static char *slurp(const char *path, size_t *n)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long len;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	len = ftell(f);
	rewind(f);
	buf = malloc((size_t)len + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)len, f), (size_t)len);
	fclose(f);
	*n = (size_t)len;
	return buf;
}

static int parse_file(const char *path, struct crm_mail *m)
{
	size_t n;
	char *buf = slurp(path, &n);
	int st = crm_mail_parse(buf, n, m, why, sizeof why);

	free(buf);
	return st;
}

static void test_shared_all(void **state)
{
	static const char *const dirs[] = { "real", "fixtures" };
	int seen = 0;

	(void)state;
	if (!find_shared())
		skip();
	for (size_t d = 0; d < 2; d++) {
		char dir[PATH_MAX + 16], path[2 * PATH_MAX];
		DIR *dp;
		struct dirent *e;

		snprintf(dir, sizeof dir, "%s/%s", shared, dirs[d]);
		assert_non_null(dp = opendir(dir));
		while ((e = readdir(dp))) {
			struct crm_mail m;

			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
			seen++;
			if (parse_file(path, &m)) {
				print_message("# %s: refused: %s\n", e->d_name, why);
				assert_true(why[0] != '\0');
				continue;
			}
			print_message("# %s: %s\n", e->d_name, m.subject);
			assert_true(m.subject[0] != '\0');
			assert_true(m.from_email[0] != '\0');
			assert_true(crm_utf8_valid(m.subject, strlen(m.subject), NULL));
			assert_true(crm_utf8_valid(m.from_name, strlen(m.from_name), NULL));
			assert_true(crm_utf8_valid(m.body, strlen(m.body), NULL));
			crm_mail_free(&m);
		}
		closedir(dp);
	}
	assert_true(seen >= 2);
}

static void test_shared_real(void **state)
{
	struct crm_mail m;
	char path[PATH_MAX + 64];

	(void)state;
	if (!find_shared())
		skip();
	snprintf(path, sizeof path, "%s/real/ltp-gb2312-reply.eml", shared);
	assert_int_equal(parse_file(path, &m), 0);
	/* two gb2312 base64 words: 答复 is "reply" */
	assert_string_equal(m.subject, "[LTP] 答复:  [PATCH v3 0/3] Fix bug caused by default umask");
	assert_string_equal(m.from_name, "Zouwei (Samuel)");
	assert_string_equal(m.from_email, "zou_wei@huawei.com");
	assert_string_equal(m.in_reply_to, "5E81A0EF.4040508@cn.fujitsu.com");
	assert_string_equal(m.date, "2020-03-30T08:22:43Z");
	assert_non_null(strstr(m.body, "I found that these 3 cases have the umask issue."));
	crm_mail_free(&m);

	snprintf(path, sizeof path, "%s/real/spice-devel-gb2312-alternative.eml", shared);
	assert_int_equal(parse_file(path, &m), 0);
	/* the subject is English; the Chinese is the sender and the footer */
	assert_string_equal(m.subject, "[Spice-devel] why does X11 SHM backend is not compatible with GTK3?");
	assert_string_equal(m.from_name, "谢 昆明");
	assert_string_equal(m.from_email, "kunming.xie@hotmail.com");
	assert_string_equal(m.date, "2019-07-18T03:15:03Z");
	assert_non_null(strstr(m.body, "发送自 Windows 10 版邮件"));
	assert_non_null(strstr(m.body, "Spice-devel mailing list"));	/* the UTF-8 footer */
	assert_null(strstr(m.body, "<html"));
	crm_mail_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_folded_q),
		cmocka_unit_test(test_alternative),
		cmocka_unit_test(test_gbk_labelled_gb2312),
		cmocka_unit_test(test_attachment_rfc2231),
		cmocka_unit_test(test_raw_8bit_headers),
		cmocka_unit_test(test_utf16),
		cmocka_unit_test(test_broken_charset),
		cmocka_unit_test(test_transfer_encoding),
		cmocka_unit_test(test_not_a_message),
		cmocka_unit_test(test_shared_all),
		cmocka_unit_test(test_shared_real),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
