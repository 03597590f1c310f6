/* test_imap_parse: mailboxd's IMAP command parser and LMTP/POP3-free
 * pieces: atoms with [sections], quoted strings, literals checked
 * against the buffer, nesting limits, literal announcements at line
 * ends, and the regression inputs found by fuzzing. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "base/pool.h"
#include "imap_parse.h"

static int
parse(pool *p, const char *s, struct imap_cmd *c, const char **err)
{
	return imap_parse_command(p, s, strlen(s), c, err);
}

static void
test_fetch_command(void **state)
{
	pool *p = pool_new();
	struct imap_cmd c;
	const char *err;

	assert_int_equal(parse(p, "a1 uid fetch 1:* (FLAGS BODY.PEEK[HEADER.FIELDS (From To)]<0.100>)",
	    &c, &err), 0);
	assert_string_equal(c.tag, "a1");
	assert_string_equal(c.name, "UID");
	assert_int_equal(c.nargs, 3);
	assert_string_equal(c.args[1].s, "1:*");
	assert_int_equal(c.args[2].type, IMAP_ARG_LIST);
	assert_int_equal(c.args[2].n, 2);
	assert_string_equal(c.args[2].list[1].s, "BODY.PEEK[HEADER.FIELDS (From To)]<0.100>");
	pool_free(p);
}

static void
test_strings_and_literals(void **state)
{
	pool *p = pool_new();
	struct imap_cmd c;
	const char *err;
	static const char lit[] = "t LOGIN {5}\r\nal\0ce \"pa\\\"ss\"";

	assert_int_equal(imap_parse_command(p, lit, sizeof(lit) - 1, &c, &err), 0);
	assert_int_equal(c.nargs, 2);
	assert_int_equal(c.args[0].type, IMAP_ARG_LITERAL);
	assert_int_equal(c.args[0].len, 5);
	assert_memory_equal(c.args[0].s, "al\0ce", 5);
	assert_string_equal(c.args[1].s, "pa\"ss");
	assert_int_equal(parse(p, "t LOGIN {50}\r\nshort", &c, &err), -1);
	assert_string_equal(c.tag, "t");
	assert_int_equal(parse(p, "t LOGIN \"open", &c, &err), -1);
	assert_int_equal(parse(p, "t X \"a\\qb\"", &c, &err), -1);
	assert_int_equal(parse(p, "t X {99999999999999999999999}\r\n", &c, &err), -1);
	assert_int_equal(parse(p, "t X (a (b)", &c, &err), -1);
	assert_int_equal(parse(p, "t X a)", &c, &err), -1);
	assert_int_equal(parse(p, "t X BODY[1", &c, &err), -1);
	assert_int_equal(parse(p, "+tag X", &c, &err), -1);
	assert_int_equal(parse(p, "", &c, &err), -1);
	assert_int_equal(parse(p, "onlytag", &c, &err), -1);
	pool_free(p);
}

static void
test_nesting_limit(void **state)
{
	pool *p = pool_new();
	struct imap_cmd c;
	const char *err;
	char buf[200];
	int i;

	strcpy(buf, "t X ");
	for (i = 0; i < 60; i++)
		strcat(buf, "(");
	assert_int_equal(parse(p, buf, &c, &err), -1);
	assert_non_null(err);
	pool_free(p);
}

static void
test_literal_at_end(void **state)
{
	uint64_t n;
	int ns;

	assert_int_equal(imap_literal_at_end("a APPEND x {12}", 15, &n, &ns), 1);
	assert_int_equal(n, 12);
	assert_int_equal(ns, 0);
	assert_int_equal(imap_literal_at_end("a APPEND x {7+}", 15, &n, &ns), 1);
	assert_int_equal(n, 7);
	assert_int_equal(ns, 1);
	assert_int_equal(imap_literal_at_end("a X {}", 6, &n, &ns), 0);
	assert_int_equal(imap_literal_at_end("a X {+}", 7, &n, &ns), 0);
	assert_int_equal(imap_literal_at_end("a X }", 5, &n, &ns), 0);
	assert_int_equal(imap_literal_at_end("{99999999999999999999999}", 25, &n, &ns), -1);
}

/* inputs the fuzzer once found interesting; kept so they stay harmless */
static void
test_fuzz_regressions(void **state)
{
	static const char *const inputs[] = {
		"a FETCH 1 (BODY[HEADER.FIELDS ()])",
		"a FETCH 1 BODY[]<>",
		"a {0}\r\n",
		"a X {0+}\r\n",
		"a X ((((((((((((((((((((((((((((((((((((((((",
		"\x00 \x00",
		"a X [",
		"a X \"\\",
	};
	pool *p = pool_new();
	struct imap_cmd c;
	const char *err;
	size_t i;

	for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++)
		(void)imap_parse_command(p, inputs[i], strlen(inputs[i]), &c, &err);
	pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fetch_command),
		cmocka_unit_test(test_strings_and_literals),
		cmocka_unit_test(test_nesting_limit),
		cmocka_unit_test(test_literal_at_end),
		cmocka_unit_test(test_fuzz_regressions),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
