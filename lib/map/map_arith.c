/* map_arith: the arith class: $(arith op $@ x $@ y $) with op one of
 * + - * / % (integers) or l = (comparisons giving TRUE or FALSE).
 * Bad operands or operators, and division by zero, are no match. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static int
number(const char *s, long *out)
{
	char *end;

	if (s == NULL || *s == '\0')
		return 0;
	errno = 0;
	*out = strtol(s, &end, 10);
	return *end == '\0' && errno == 0;
}

static char *
arith_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	long x, y, r;
	char buf[32];

	(void)m;
	if (nargs < 2 || !number(args[0], &x) || !number(args[1], &y) || key[0] == '\0' || key[1] != '\0') {
		*status = EX_CONFIG;
		return NULL;
	}
	switch (key[0]) {
	case '+': r = x + y; break;
	case '-': r = x - y; break;
	case '*': r = x * y; break;
	case '/':
		if (y == 0)
			return NULL;
		r = x / y;
		break;
	case '%':
		if (y == 0)
			return NULL;
		r = x % y;
		break;
	case 'l':
		return xstrdup(x < y ? "TRUE" : "FALSE");
	case '=':
		return xstrdup(x == y ? "TRUE" : "FALSE");
	default:
		return NULL;
	}
	snprintf(buf, sizeof(buf), "%ld", r);
	return xstrdup(buf);
}

const struct map_class map_class_arith = {
	.name = "arith", .lookup = arith_lookup,
};
