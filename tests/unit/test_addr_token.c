/* test_addr_token: the tokenizer cuts addresses as sendmail's prescan
 * does, repairs unbalanced brackets with sendmail's messages, and
 * rejects overlong and 8-bit-control input. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "addr/addr_token.h"
#include "addr/addr_util.h"

static struct addr_syntax syn;

static void
tokens(const char *in, enum tok_mode mode, const char *want, const char *want_err)
{
	struct toklist l = { 0 };
	dstr out = DSTR_INIT, err = DSTR_INIT;
	pool *p = pool_new();
	const char *end;

	addr_tokenize(&syn, in, ',', mode, p, &l, &end, &err);
	tok_print(&out, l.v, l.n);
	assert_string_equal(dstr_cstr(&out), want);
	assert_string_equal(dstr_cstr(&err), want_err);
	toklist_free(&l);
	dstr_free(&out);
	dstr_free(&err);
	pool_free(p);
}

static void
test_basic(void **state)
{
	tokens("a@b.c", TOK_MODE_TEST, " a @ b . c", "");
	tokens("Full Name <b@x>", TOK_MODE_TEST, " Full Name < b @ x >", "");
	tokens("a\"b c\"d", TOK_MODE_TEST, " a \"b c\" d", "");
	tokens("a\\ b", TOK_MODE_TEST, " a\\ b", "");
	tokens("a;b:c", TOK_MODE_TEST, " a ; b : c", "");
}

static void
test_repairs(void **state)
{
	tokens("<a", TOK_MODE_TEST, " < a >", "<a... Unbalanced '<'\n");
	tokens(">a<", TOK_MODE_TEST, " a < >",
	    ">a<... Unbalanced '>'\n>a<... Unbalanced '<'\n");
	tokens("\"a", TOK_MODE_TEST, " \"a\"", "\"a... Unbalanced '\"'\n");
}

static void
test_comments_by_mode(void **state)
{
	tokens("a (x) b", TOK_MODE_TEST, " a ( x ) b", "");
	tokens("a@b (comment)", TOK_MODE_EXTERNAL, " a @ b", "");
}

static void
test_limits(void **state)
{
	char big[400];

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	{
		struct toklist l = { 0 };
		dstr err = DSTR_INIT;
		pool *p = pool_new();
		const char *end;

		assert_int_equal(addr_tokenize(&syn, big, ',', TOK_MODE_TEST, p, &l, &end, &err), -1);
		assert_non_null(strstr(err.s, "too long (255 bytes max)"));
		assert_int_equal(l.n, 0);
		dstr_clear(&err);
		assert_int_equal(addr_tokenize(&syn, "a\x80" "b", ',', TOK_MODE_TEST, p, &l, &end, &err), -1);
		assert_string_equal(err.s, "8-bit character in mailbox address \"a?b\"\n");
		toklist_free(&l);
		dstr_free(&err);
		pool_free(p);
	}
}

static void
test_cat_and_crack(void **state)
{
	struct toklist l = { 0 };
	dstr out = DSTR_INIT;
	pool *p = pool_new();
	const char *end;

	addr_tokenize(&syn, "a b@c.d", '\0', TOK_MODE_TEST, p, &l, &end, NULL);
	addr_cat(&syn, l.v, l.n, '.', &out);
	assert_string_equal(out.s, "a.b@c.d");
	dstr_clear(&out);
	addr_crack("Full Name <a@b.c>", &out);
	assert_string_equal(out.s, "Full Name <$g>");
	dstr_clear(&out);
	addr_crack("a@b.c (comment)", &out);
	assert_string_equal(out.s, "$g (comment)");
	toklist_free(&l);
	dstr_free(&out);
	pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_repairs),
		cmocka_unit_test(test_comments_by_mode),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_cat_and_crack),
	};

	addr_syntax_init(&syn, ".:%@!^/[]+");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
