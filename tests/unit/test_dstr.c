/* test_dstr: growable strings keep their terminator, grow without
 * limit and format like printf. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <stdlib.h>
#include <cmocka.h>
#include "base/dstr.h"

static void
test_append_and_terminate(void **state)
{
	dstr d = DSTR_INIT;

	assert_string_equal(dstr_cstr(&d), "");
	dstr_puts(&d, "abc");
	dstr_putc(&d, 'd');
	dstr_append(&d, "e\0f", 3);
	assert_int_equal(d.len, 7);
	assert_memory_equal(d.s, "abcde\0f", 8);
	dstr_truncate(&d, 2);
	assert_string_equal(d.s, "ab");
	dstr_free(&d);
}

/* reserving room in a string never written leaves a valid empty string */
static void
test_reserve_keeps_it_a_string(void **state)
{
	dstr d = DSTR_INIT;

	dstr_reserve(&d, 100);
	assert_non_null(d.s);
	assert_string_equal(dstr_cstr(&d), "");
	dstr_free(&d);
}

static void
test_grows_large(void **state)
{
	dstr d = DSTR_INIT;
	size_t i;

	for (i = 0; i < 100000; i++)
		dstr_putc(&d, 'x');
	assert_int_equal(d.len, 100000);
	assert_int_equal(strlen(d.s), 100000);
	dstr_free(&d);
}

static void
test_printf_appends(void **state)
{
	dstr d = DSTR_INIT;
	char *s;

	dstr_set(&d, "n=");
	dstr_printf(&d, "%d %s", 42, "x");
	assert_string_equal(d.s, "n=42 x");
	s = dstr_steal(&d);
	assert_string_equal(s, "n=42 x");
	assert_null(d.s);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_and_terminate),
		cmocka_unit_test(test_reserve_keeps_it_a_string),
		cmocka_unit_test(test_grows_large),
		cmocka_unit_test(test_printf_appends),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
