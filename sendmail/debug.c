/* debug: -d flag parsing (see debug.h).  A spec is a comma list of
 * "first[-last][.level]"; a missing level means 1, a missing range all
 * categories. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include "sendmail/debug.h"

unsigned char debug_levels[DEBUG_CATEGORIES];

static int
number(const char **p)
{
	int n = 0;

	if (!isdigit((unsigned char)**p))
		return -1;
	while (isdigit((unsigned char)**p)) {
		if (n < 100000)
			n = n * 10 + (**p - '0');
		(*p)++;
	}
	return n;
}

int
debug_parse(const char *spec)
{
	const char *p = spec;
	int rc = 0;

	if (*p == '\0') {
		for (int i = 0; i < DEBUG_CATEGORIES; i++)
			debug_levels[i] = 1;
		return 0;
	}
	while (*p) {
		int first = 0, last = DEBUG_CATEGORIES - 1, level = 1, i;

		if (isdigit((unsigned char)*p)) {
			first = last = number(&p);
			if (*p == '-') {
				p++;
				last = number(&p);
				if (last < 0)
					return -1;
			}
		}
		if (*p == '.') {
			p++;
			level = number(&p);
			if (level < 0)
				return -1;
		}
		if (*p != ',' && *p != '\0')
			rc = -1;
		for (i = first; i <= last && i < DEBUG_CATEGORIES; i++)
			debug_levels[i] = (unsigned char)(level > 255 ? 255 : level);
		while (*p && *p != ',')
			p++;
		if (*p == ',')
			p++;
	}
	return rc;
}
