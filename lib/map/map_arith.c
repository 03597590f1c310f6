/* map_arith: the arith class: $(arith op $@ x $@ y $) with op (the
 * key's first character) one of + - * / % | & (integers) or l = (TRUE
 * or FALSE) or r (a random number from x to y).  Operands are read as
 * strtol(3) with base 0 reads them; results wrap around as sendmail's
 * 64-bit longs do and are cut to 15 characters, as sendmail's are.
 * Missing operands are EX_CONFIG (what -bt's /map shows); an unknown
 * operator, division by zero and r with x > y are no match.  The class
 * ignores every map flag. */
#include "config.h"
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

/* the longest result sendmail gives: it formats into 16 bytes */
#define ARITH_MAXRESULT 15

static long
number(const char *s)
{
	return s ? strtol(s, NULL, 0) : 0;
}

/* wrap: two's complement arithmetic without signed overflow */
static long
wrap(unsigned long u)
{
	return u <= (unsigned long)LONG_MAX ? (long)u : -(long)(~u) - 1;
}

static char *
arith_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	long x, y, r;
	char buf[32];

	(void)m;
	if (nargs < 2 || args == NULL) {
		*status = EX_CONFIG;
		return NULL;
	}
	x = number(args[0]);
	y = number(args[1]);
	switch (key[0]) {
	case '+': r = wrap((unsigned long)x + (unsigned long)y); break;
	case '-': r = wrap((unsigned long)x - (unsigned long)y); break;
	case '*': r = wrap((unsigned long)x * (unsigned long)y); break;
	case '|': r = x | y; break;
	case '&': r = x & y; break;
	case '/':
	case '%':
		if (y == 0)
			return NULL;
		/* LONG_MIN / -1 traps on most machines; sendmail dies there,
		 * we give the wrapped quotient */
		if (y == -1)
			r = key[0] == '/' ? wrap(0UL - (unsigned long)x) : 0;
		else
			r = key[0] == '/' ? x / y : x % y;
		break;
	case 'l':
		return xstrdup(x < y ? "TRUE" : "FALSE");
	case '=':
		return xstrdup(x == y ? "TRUE" : "FALSE");
	case 'r': {
		unsigned long span;

		if (x > y)
			return NULL;
		span = (unsigned long)y - (unsigned long)x;
		r = wrap((unsigned long)x + (span == ULONG_MAX ?
		    (unsigned long)random() : (unsigned long)random() % (span + 1)));
		break;
	}
	default:
		return NULL;
	}
	snprintf(buf, sizeof(buf), "%ld", r);
	buf[ARITH_MAXRESULT] = '\0';
	return xstrdup(buf);
}

const struct map_class map_class_arith = {
	.name = "arith", .lookup = arith_lookup, .returns_rewritten = 1,
	.lenient = 1, .flag_letters = "", .file_kind = MAP_FILE_NONE,
};
