/* test_pool: arena allocations are zeroed, aligned, survive many chunks
 * and large requests, and are freed in one call. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "base/pool.h"

static void
test_many_small_and_large(void **state)
{
	pool *p = pool_new();
	char *big;
	int i;

	for (i = 0; i < 10000; i++) {
		int *v = pool_alloc(p, sizeof(int) * 3);

		assert_int_equal(v[0] | v[1] | v[2], 0);
		assert_int_equal((uintptr_t)v % _Alignof(max_align_t), 0);
		v[0] = i;
	}
	big = pool_alloc(p, 1 << 20);
	memset(big, 'a', 1 << 20);
	assert_string_equal(pool_strdup(p, "hello"), "hello");
	assert_string_equal(pool_strndup(p, "hello", 3), "hel");
	pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_many_small_and_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
