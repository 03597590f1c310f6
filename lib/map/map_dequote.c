/* map_dequote: the dequote class: the key without its double quotes
 * (backslash escapes stay).  No match when there were none, when one
 * is left open or the key ends in a lone backslash, when the result has
 * an unescaped blank (unless -s or -S gives a character to put in its
 * place), or when it would not scan as an address: a ')' or '>' with
 * nothing open, or a '(' or '<' never closed ('<' and '>' inside a
 * comment do not count). */
#include "config.h"
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

/* scans: the dequoted text would scan as an address */
static int
scans(const char *s)
{
	int comment = 0, angle = 0;

	for (; *s; s++) {
		if (*s == '\\') {
			if (*++s == '\0')
				return 0;
			continue;
		}
		if (*s == '(')
			comment++;
		else if (*s == ')') {
			if (comment == 0)
				return 0;
			comment--;
		} else if (comment > 0)
			continue;
		else if (*s == '<')
			angle++;
		else if (*s == '>') {
			if (angle == 0)
				return 0;
			angle--;
		}
	}
	return comment == 0 && angle == 0;
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
	if (!removed || quoted || bslash || blank || !scans(dstr_cstr(&d))) {
		dstr_free(&d);
		return NULL;
	}
	return dstr_steal(&d);
}

const struct map_class map_class_dequote = {
	.name = "dequote", .parse = dequote_parse, .lookup = dequote_lookup,
	.flag_letters = "adfkmoqtvzADNOSTs", .lenient = 1, .file_kind = MAP_FILE_NONE,
};
