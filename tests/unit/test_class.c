/* test_class: sendmail's classes (sendmail/class.c): words matched
 * without case, a word in several classes, phrases (members made of
 * several tokens, e.g. "foo.bar"), the longest-member bound the rule
 * engine's phrase matching relies on, growth past the first table, and
 * -bt's listing order (sendmail's symbol table order). */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "sendmail/class.h"
#include "sendmail/macro.h"

static int
has(const struct class_table *ct, int cls, const char *w)
{
	return class_has(ct, cls, w, strlen(w));
}

static void
test_membership(void **state)
{
	struct class_table *ct = class_table_new();
	int lng = macro_id("VirtHost", 8);

	(void)state;
	class_add(ct, 'w', "Mail.Example.ORG");
	class_add(ct, 'w', "localhost");
	class_add(ct, 'R', "localhost");
	class_add(ct, lng, "virt.example");
	assert_true(has(ct, 'w', "mail.example.org"));
	assert_true(has(ct, 'w', "MAIL.EXAMPLE.ORG"));
	assert_true(has(ct, 'R', "LocalHost"));
	assert_false(has(ct, 'R', "mail.example.org"));
	assert_false(has(ct, 'x', "localhost"));
	assert_true(has(ct, lng, "virt.example"));
	assert_false(has(ct, 'w', "virt.example"));
	/* a prefix of a member is not a member */
	assert_false(class_has(ct, 'w', "localhost", 5));
	assert_true(class_has(ct, 'w', "localhostXX", 9));
	assert_false(has(ct, MACRO_NONE, "localhost"));
	class_add(ct, MACRO_NONE, "ignored");
	class_table_free(ct);
}

static void
test_maxlen(void **state)
{
	struct class_table *ct = class_table_new();

	(void)state;
	assert_int_equal(class_maxlen(ct, 'P'), 0);
	class_add(ct, 'P', "a.b");
	class_add(ct, 'P', "one.two.three");
	class_add(ct, 'P', "x");
	assert_int_equal(class_maxlen(ct, 'P'), 13);
	assert_int_equal(class_maxlen(ct, 'Q'), 0);
	assert_int_equal(class_maxlen(ct, 100000), 0);
	class_table_free(ct);
}

/* many words: the table grows and keeps every member */
static void
test_growth(void **state)
{
	struct class_table *ct = class_table_new();
	char w[32];
	int i;

	(void)state;
	for (i = 0; i < 5000; i++) {
		snprintf(w, sizeof(w), "host%d.example", i);
		class_add(ct, i % 2 ? 'a' : 'b', w);
	}
	for (i = 0; i < 5000; i++) {
		snprintf(w, sizeof(w), "HOST%d.EXAMPLE", i);
		assert_true(has(ct, i % 2 ? 'a' : 'b', w));
		assert_false(has(ct, i % 2 ? 'b' : 'a', w));
	}
	class_table_free(ct);
}

/* $=X lists members as first added, in sendmail's symbol table order
 * (hash bucket, then insertion); a duplicate is listed once */
static void
test_listing(void **state)
{
	struct class_table *ct = class_table_new();
	dstr out = DSTR_INIT;

	(void)state;
	class_add(ct, 'w', "b");
	class_add(ct, 'w', "a");
	class_add(ct, 'w', "B");		/* the same word */
	class_add(ct, 'w', "Longer");
	class_list(ct, 'w', &out);
	/* as sendmail 8.17 lists ".Cz b a B Longer" */
	assert_string_equal(out.s, "b\na\nLonger\n");
	dstr_clear(&out);
	class_list(ct, 'z', &out);
	assert_string_equal(dstr_cstr(&out), "");
	dstr_free(&out);
	class_table_free(ct);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_membership),
		cmocka_unit_test(test_maxlen),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_listing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
