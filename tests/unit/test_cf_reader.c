/* test_cf_reader: the .cf reader cuts every line kind into its fields,
 * folds continuation lines, strips comments (but not "$#" or "\#"), and
 * reports bad lines with file and line in file order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cf/cf_reader.h"

static struct cf_file cf;
static dstr errs;

static void
read_text(const char *text)
{
	cf_file_free(&cf);
	dstr_free(&errs);
	memset(&cf, 0, sizeof(cf));
	assert_int_equal(cf_read_buffer("t.cf", text, strlen(text), &cf, &errs), 0);
}

static const struct cf_item *
item(size_t i)
{
	assert_true(i < cf.nitems);
	return &cf.items[i];
}

static void
test_line_kinds(void **state)
{
	read_text("V10/Berkeley\n"
	    "Dj$w.example\n"
	    "D{long}value here\n"
	    "Cw one two\n"
	    "Fw-o /etc/mail/local-host-names\n"
	    "FL/etc/passwd %[^:]\n"
	    "O LogLevel=9\n"
	    "OL9\n"
	    "H?F?From: $q\n"
	    "Kaccess hash -o /etc/mail/access\n"
	    "Mlocal, P=/bin/true, F=lsDFM,\n\tA=mail.local $u\n"
	    "Scheck_rcpt=42\n"
	    "R$*\t$@ $1\tcomment\n"
	    "Pbulk=-60\n"
	    "Troot daemon\n"
	    "E TZ=UTC\n");
	assert_int_equal(cf.nerrors, 0);
	assert_int_equal(cf.nitems, 16);
	assert_string_equal(item(0)->value, "10");
	assert_string_equal(item(0)->extra, "Berkeley");
	assert_string_equal(item(1)->name, "j");
	assert_string_equal(item(1)->value, "$w.example");
	assert_string_equal(item(2)->name, "long");
	assert_int_equal(item(3)->nwords, 2);
	assert_int_equal(item(4)->optional, 1);
	assert_string_equal(item(4)->value, "/etc/mail/local-host-names");
	assert_string_equal(item(5)->extra, "%[^:]");
	assert_string_equal(item(6)->name, "LogLevel");
	assert_string_equal(item(6)->value, "9");
	assert_string_equal(item(7)->name, "L");
	assert_non_null(item(7)->extra);
	assert_string_equal(item(8)->extra, "F");
	assert_string_equal(item(8)->name, "From");
	assert_string_equal(item(9)->name, "access");
	assert_string_equal(item(9)->value, "hash -o /etc/mail/access");
	assert_string_equal(item(10)->name, "local");
	assert_int_equal(item(10)->nwords, 3);
	assert_string_equal(item(10)->words[2], "A=mail.local $u");
	assert_int_equal(item(10)->line, 11);
	assert_string_equal(item(11)->name, "check_rcpt");
	assert_string_equal(item(11)->value, "42");
	assert_string_equal(item(12)->lhs, "$*");
	assert_string_equal(item(12)->rhs, "$@ $1");
	assert_string_equal(item(12)->comment, "comment");
	assert_int_equal(item(12)->line, 14);
}

static void
test_comments(void **state)
{
	read_text("DXa#b\nDYa\\#b\nS0\nR$*\t$#local $: $1 # trailing\n# whole line\n\n");
	assert_int_equal(cf.nitems, 4);
	assert_string_equal(item(0)->value, "a");
	assert_string_equal(item(1)->value, "a#b");
	assert_string_equal(item(3)->rhs, "$#local $: $1");
}

static void
test_errors_in_order(void **state)
{
	read_text("V10\nZ junk\nR$+ no tab\nDXok\n");
	assert_int_equal(cf.nerrors, 2);
	assert_int_equal(item(1)->kind, CF_ERROR);
	assert_int_equal(item(1)->line, 2);
	assert_string_equal(item(1)->text, "unknown configuration line \"Z junk\"");
	assert_int_equal(item(2)->kind, CF_ERROR);
	assert_int_equal(item(2)->line, 3);
	assert_int_equal(item(3)->kind, CF_DEFINE);
	assert_non_null(strstr(errs.s, "t.cf: line 3: invalid rewrite line"));
}

static void
test_nul_and_garbage_do_not_crash(void **state)
{
	static const char bin[] = "V10\0\nR\0\t\0\nM\0,,,\nH?\nS=\nK\n\t\tcont\n";

	cf_file_free(&cf);
	memset(&cf, 0, sizeof(cf));
	assert_int_equal(cf_read_buffer("t.cf", bin, sizeof(bin) - 1, &cf, NULL), 0);
}

static void
test_missing_file(void **state)
{
	struct cf_file f = { 0 };
	dstr e = DSTR_INIT;

	assert_int_equal(cf_read("/nonexistent/sendmail.cf", &f, &e), -1);
	assert_non_null(strstr(e.s, "/nonexistent/sendmail.cf"));
	cf_file_free(&f);
	dstr_free(&e);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_kinds),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_errors_in_order),
		cmocka_unit_test(test_nul_and_garbage_do_not_crash),
		cmocka_unit_test(test_missing_file),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	cf_file_free(&cf);
	dstr_free(&errs);
	return rc;
}
