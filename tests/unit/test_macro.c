/* test_macro: sendmail's macros (sendmail/macro.c): ids of one-letter
 * and long names, tables with a parent, and expansion: $x, ${name}, $$,
 * $&x, nested values, $?x ... $| ... $. conditionals, and the bound on
 * runaway expansions (found by fuzz_cf). */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sendmail/macro.h"

static const char *
expand(const struct macro_table *mt, const char *s)
{
	static dstr out;

	dstr_clear(&out);
	macro_expand(mt, s, &out);
	return dstr_cstr(&out);
}

static void
test_ids(void **state)
{
	const char *p;

	(void)state;
	assert_int_equal(macro_id("j", 1), 'j');
	assert_int_equal(macro_id("{", 1), '{');
	assert_int_equal(macro_id("", 0), MACRO_NONE);
	assert_true(macro_id("client_addr", 11) >= 256);
	assert_int_equal(macro_id("client_addr", 11), macro_id("client_addr", 11));
	assert_string_equal(macro_name(macro_id("client_addr", 11)), "client_addr");
	assert_string_equal(macro_name('w'), "w");
	p = "{auth_type}rest";
	assert_int_equal(macro_parse_ref(&p), macro_id("auth_type", 9));
	assert_string_equal(p, "rest");
	p = "{open";
	assert_int_equal(macro_parse_ref(&p), MACRO_NONE);
	p = "";
	assert_int_equal(macro_parse_ref(&p), MACRO_NONE);
}

static void
test_tables(void **state)
{
	struct macro_table base, env;

	(void)state;
	macro_table_init(&base, NULL);
	macro_table_init(&env, &base);
	macro_set(&base, 'j', "host.example");
	macro_set_name(&base, "daemon_name", "MTA");
	assert_string_equal(macro_get(&env, 'j'), "host.example");	/* from the parent */
	macro_set(&env, 'j', "other");
	assert_string_equal(macro_get(&env, 'j'), "other");
	assert_string_equal(macro_get(&base, 'j'), "host.example");
	assert_string_equal(macro_get_name(&env, "daemon_name"), "MTA");
	macro_set(&base, 'j', NULL);
	assert_null(macro_get(&base, 'j'));
	assert_null(macro_get(&env, 'x'));
	macro_set(&base, MACRO_NONE, "ignored");
	macro_table_free(&env);
	macro_table_free(&base);
}

static void
test_expand(void **state)
{
	struct macro_table mt;

	(void)state;
	macro_table_init(&mt, NULL);
	macro_set(&mt, 'w', "host");
	macro_set(&mt, 'm', "example.org");
	macro_set(&mt, 'j', "$w.$m");
	macro_set_name(&mt, "long", "L");
	macro_set(&mt, 'e', "");
	assert_string_equal(expand(&mt, "$j"), "host.example.org");	/* values expand too */
	assert_string_equal(expand(&mt, "<${long}>"), "<L>");
	assert_string_equal(expand(&mt, "$$j costs $$5"), "$j costs $5");
	assert_string_equal(expand(&mt, "$&w"), "host");
	assert_string_equal(expand(&mt, "[$x]"), "[]");		/* undefined: empty */
	assert_string_equal(expand(&mt, "trailing $"), "trailing $");
	assert_string_equal(expand(&mt, "$?w yes $| no $."), " yes ");
	assert_string_equal(expand(&mt, "$?x yes $| no $."), " no ");
	assert_string_equal(expand(&mt, "$?e set$|empty$."), "empty");	/* empty counts as unset */
	assert_string_equal(expand(&mt, "$?x$?w a$|b$.$|c$."), "c");
	assert_string_equal(expand(&mt, "$?w$?x a$|b$.$|c$."), "b");
	assert_string_equal(expand(&mt, "$?{long}L$."), "L");
	macro_table_free(&mt);
}

/* values that name each other: recursion stops at a fixed depth, and a
 * value naming another several times cannot grow without bound */
static void
test_runaway(void **state)
{
	struct macro_table mt;
	const char *v;

	(void)state;
	macro_table_init(&mt, NULL);
	macro_set(&mt, 'a', "x$a");
	v = expand(&mt, "$a");
	assert_true(strlen(v) > 10 && strlen(v) < 100);
	macro_set(&mt, 'b', "$c$c$c$c$c$c$c$c");
	macro_set(&mt, 'c', "$d$d$d$d$d$d$d$d");
	macro_set(&mt, 'd', "$b$b$b$b$b$b$b$bzz");
	v = expand(&mt, "$b");		/* 8^20 without the bound */
	assert_true(strlen(v) <= 65536 + 16);
	assert_true(strlen(v) >= 65536);
	macro_table_free(&mt);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_expand),
		cmocka_unit_test(test_runaway),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
