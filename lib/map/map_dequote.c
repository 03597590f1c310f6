/* map_dequote: the dequote class: the key without its double quotes
 * (backslash escapes stay); no match when there were none, one is left
 * open, or an unescaped blank is left (unless -S gives a character to
 * put in its place). */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static int
dequote_parse(map *m, char *args, dstr *err)
{
	/* the class sees the key as written, quotes and all */
	m->flags |= MF_KEEPQUOTES;
	return map_parse_args(m, args, err);
}

static char *
dequote_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	dstr d = DSTR_INIT;
	const char *p;
	int quoted = 0, bslash = 0, removed = 0, blank = 0;

	(void)args;
	(void)nargs;
	(void)status;
	for (p = key; *p; p++) {
		if (bslash) {
			bslash = 0;
			dstr_putc(&d, *p);
			continue;
		}
		if (*p == '\\') {
			bslash = 1;
			dstr_putc(&d, *p);
			continue;
		}
		if (*p == '"') {
			quoted = !quoted;
			removed = 1;
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			if (m->spacesub == '\0')
				blank = 1;
			dstr_putc(&d, m->spacesub ? m->spacesub : *p);
			continue;
		}
		dstr_putc(&d, *p);
	}
	/* no match unless quotes were removed, all closed, and no bare
	 * blank is left (or -S gives one to put in its place) */
	if (!removed || quoted || bslash || blank) {
		dstr_free(&d);
		return NULL;
	}
	return dstr_steal(&d);
}

const struct map_class map_class_dequote = {
	.name = "dequote", .parse = dequote_parse, .lookup = dequote_lookup,
};
