/* map_dequote: the dequote class: the key without its double quotes
 * and escaping backslashes; no match when what is left holds blanks
 * (unless -S gives a character to put in their place) or a quote is
 * left open. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static char *
dequote_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	dstr d = DSTR_INIT;
	const char *p;
	int quoted = 0, blank = 0;

	(void)args;
	(void)nargs;
	(void)status;
	for (p = key; *p; p++) {
		if (*p == '\\' && p[1]) {
			dstr_putc(&d, *++p);
			continue;
		}
		if (*p == '"') {
			quoted = !quoted;
			continue;
		}
		if (isspace((unsigned char)*p)) {
			if (m->spacesub == '\0')
				blank = 1;
			dstr_putc(&d, m->spacesub ? m->spacesub : *p);
			continue;
		}
		dstr_putc(&d, *p);
	}
	if (quoted || blank) {
		dstr_free(&d);
		return NULL;
	}
	return dstr_steal(&d);
}

const struct map_class map_class_dequote = {
	.name = "dequote", .lookup = dequote_lookup,
};
