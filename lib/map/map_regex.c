/* map_regex: the regex class: the key matched against a POSIX regular
 * expression (extended unless -b, case-blind unless -f).  A match gives
 * the substrings -s names (joined by -d, a space by default) or an empty
 * value; -n turns the test around. */
#include "config.h"
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

#define REGEX_MAXSUB 10

static int
regex_open(map *m, dstr *err)
{
	regex_t *re;
	int rc, flags = 0;
	char msg[256];

	if (m->file == NULL) {
		dstr_printf(err, "regex map \"%s\": no regular expression", m->name);
		return -1;
	}
	re = xcalloc(1, sizeof(*re));
	if (!m->regex_basic)
		flags |= REG_EXTENDED;
	if (!(m->flags & MF_NOFOLDCASE))
		flags |= REG_ICASE;
	if (m->regex_subst == NULL)
		flags |= REG_NOSUB;
	rc = regcomp(re, m->file, flags);
	if (rc != 0) {
		regerror(rc, re, msg, sizeof(msg));
		dstr_printf(err, "regex map \"%s\": %s: %s", m->name, m->file, msg);
		free(re);
		return -1;
	}
	m->data = re;
	return 0;
}

static void
regex_close(map *m)
{
	if (m->data) {
		regfree(m->data);
		free(m->data);
		m->data = NULL;
	}
}

static char *
regex_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	regmatch_t pm[REGEX_MAXSUB];
	int matched;
	dstr out = DSTR_INIT;

	(void)args;
	(void)nargs;
	(void)status;
	matched = regexec(m->data, key, REGEX_MAXSUB, pm, 0) == 0;
	if (m->flags & MF_REGEX_NOT)
		matched = !matched;
	if (!matched)
		return NULL;
	if (m->regex_subst != NULL && !(m->flags & MF_REGEX_NOT)) {
		const char *p = m->regex_subst;
		const char *delim = m->regex_delim ? m->regex_delim : " ";
		int first = 1;

		while (*p) {
			int n = 0;

			while (*p >= '0' && *p <= '9')
				n = n * 10 + (*p++ - '0');
			if (*p == ',')
				p++;
			else if (*p)
				p++;
			if (n < REGEX_MAXSUB && pm[n].rm_so >= 0) {
				if (!first)
					dstr_puts(&out, delim);
				dstr_append(&out, key + pm[n].rm_so, (size_t)(pm[n].rm_eo - pm[n].rm_so));
				first = 0;
			}
		}
	}
	return dstr_steal(&out);
}

const struct map_class map_class_regex = {
	.name = "regex", .open = regex_open, .lookup = regex_lookup,
	.close = regex_close,
};
