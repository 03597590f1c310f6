/* test_mime7bit: the SMTP client's 8-bit to 7-bit conversion keeps the
 * MIME structure: only leaf parts with 8-bit text are encoded (as
 * quoted-printable, replacing their 8bit encoding), base64 parts and
 * boundaries stay as they are, composite types say 7bit, a plain
 * message gets the MIME headers it lacks, and 7-bit text is unchanged. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>
#include "sendmail/mime7bit.h"

static char *
convert(const char *in)
{
	static dstr out;

	dstr_free(&out);
	mime_to_7bit(in, strlen(in), "iso-8859-1", &out);
	return out.s;
}

static int
all_7bit(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s > 127)
			return 0;
	return 1;
}

static void
test_plain_message_gets_mime_headers(void **state)
{
	const char *r;

	(void)state;
	r = convert("Subject: x\n\ncaf\xe9 = ok\n..dot\n");
	assert_string_equal(r, "Subject: x\r\nMIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=iso-8859-1\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "caf=E9 =3D ok\r\n..dot\r\n");
}

static void
test_multipart_encodes_only_its_8bit_leaves(void **state)
{
	const char *r;

	(void)state;
	r = convert("MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed;\r\n boundary=\"b1\"\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "preamble\r\n"
	    "--b1\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: 8bit\r\n\r\n"
	    "gr\xc3\xbc\xc3\x9f\r\n"
	    "--b1\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "AAECAw==\r\n"
	    "--b1\r\n\r\n"
	    "plain ascii\r\n"
	    "--b1--\r\n"
	    "epilogue\r\n");
	assert_true(all_7bit(r));
	assert_string_equal(r, "MIME-Version: 1.0\r\n"
	    "Content-Type: multipart/mixed;\r\n boundary=\"b1\"\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n"
	    "preamble\r\n"
	    "--b1\r\n"
	    "Content-Type: text/plain; charset=utf-8\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n"
	    "gr=C3=BC=C3=9F\r\n"
	    "--b1\r\n"
	    "Content-Type: application/octet-stream\r\n"
	    "Content-Transfer-Encoding: base64\r\n\r\n"
	    "AAECAw==\r\n"
	    "--b1\r\n\r\n"
	    "plain ascii\r\n"
	    "--b1--\r\n"
	    "epilogue\r\n");
}

static void
test_nested_message_and_multipart_are_followed(void **state)
{
	const char *r;

	(void)state;
	r = convert("Content-Type: multipart/mixed; boundary=outer\n\n"
	    "--outer\n"
	    "Content-Type: message/rfc822\n\n"
	    "Subject: inner\n"
	    "Content-Type: multipart/alternative; boundary=\"in ner\"\n\n"
	    "--in ner\n"
	    "Content-Type: text/plain\n\n"
	    "\xe9t\xe9\n"
	    "--in ner--\n"
	    "--outer--\n");
	assert_true(all_7bit(r));
	assert_non_null(strstr(r, "--in ner\r\nContent-Type: text/plain\r\n"
	    "Content-Transfer-Encoding: quoted-printable\r\n\r\n=E9t=E9\r\n--in ner--\r\n"));
	assert_non_null(strstr(r, "--outer\r\nContent-Type: message/rfc822\r\n\r\nSubject: inner\r\n"));
	assert_non_null(strstr(r, "--outer--\r\n"));
}

static void
test_7bit_text_and_long_lines(void **state)
{
	char in[300], *r;

	(void)state;
	assert_string_equal(convert("Subject: a\n\nhello\n"), "Subject: a\r\n\r\nhello\r\n");
	/* a long 8-bit line gets soft breaks at 76 columns */
	memset(in, 0, sizeof(in));
	strcpy(in, "Subject: b\n\n");
	memset(in + strlen(in), '\xe9', 100);
	r = convert(in);
	assert_non_null(strstr(r, "=\r\n"));
	for (char *l = strstr(r, "\r\n\r\n") + 4; *l; ) {
		char *e = strstr(l, "\r\n");

		assert_true(e - l <= 76);
		l = e + 2;
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain_message_gets_mime_headers),
		cmocka_unit_test(test_multipart_encodes_only_its_8bit_leaves),
		cmocka_unit_test(test_nested_message_and_multipart_are_followed),
		cmocka_unit_test(test_7bit_text_and_long_lines),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
