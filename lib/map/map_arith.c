/* map_arith: the arith class: $(arith op $@ x $@ y $) with op one of
 * + - * / % (integers) or l = (comparisons giving TRUE or FALSE).
 * Unknown operators and division by zero are no match; missing
 * arguments a configuration error. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

/* operands are read as atoi() reads them: "" and junk count as 0 */
static long
number(const char *s)
{
	return s ? strtol(s, NULL, 10) : 0;
}

static char *
arith_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	long x, y, r;
	char buf[32];

	(void)m;
	if (nargs < 2 || key[0] == '\0' || key[1] != '\0') {
		*status = EX_CONFIG;
		return NULL;
	}
	x = number(args[0]);
	y = number(args[1]);
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
