/* map_regex: the regex class: the key matched against a POSIX regular
 * expression (the rest of the K line after the flags; extended unless
 * -b, case-blind unless -f).  A match gives the empty string, or with
 * -s the substrings it names (all of them, the whole match first, when
 * -s has no list) joined by -d's string, sendmail's internal $| by
 * default; a substring holding a blank makes it no match, as in
 * sendmail.  -n turns the test around.  The pattern is compiled when
 * the K line is read, so errors name the config line. */
#include "config.h"
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

/* sendmail's internal byte for $| (CONDELSE), the default delimiter */
#define REGEX_DEFAULT_DELIM "\233"

static int
regex_compile(map *m, regex_t *re, dstr *err)
{
	int rc, flags = 0;
	char msg[256];

	if (!m->regex_basic)
		flags |= REG_EXTENDED;
	if (!(m->flags & MF_NOFOLDCASE))
		flags |= REG_ICASE;
	if (m->regex_subst == NULL)
		flags |= REG_NOSUB;
	rc = regcomp(re, m->file ? m->file : "", flags);
	if (rc != 0) {
		regerror(rc, re, msg, sizeof(msg));
		dstr_printf(err, "pattern-compile-error: %s", msg);
		return -1;
	}
	return 0;
}

static int
regex_open(map *m, dstr *err)
{
	regex_t *re = xcalloc(1, sizeof(*re));

	if (regex_compile(m, re, err) != 0) {
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

/* check_fields: every number -s names must be a group of the pattern */
static int
check_fields(const map *m, const regex_t *re, dstr *err)
{
	const char *p = m->regex_subst;

	while (p && *p) {
		char *end;
		long n = strtol(p, &end, 10);

		if (end == p) {
			p++;
			continue;
		}
		if (n < 0 || (size_t)n > re->re_nsub) {
			dstr_printf(err, "field (%ld) out of range, only %zu substrings in pattern\n",
			    n, re->re_nsub + 1);
			return -1;
		}
		p = end;
	}
	return 0;
}

static int
regex_parse(map *m, char *args, dstr *err)
{
	char *p = args;
	regex_t re;
	dstr e = DSTR_INIT;
	int rc;

	for (;;) {
		char *end;

		while (isspace((unsigned char)*p))
			p++;
		if (*p != '-')
			break;
		for (end = p; *end && !isspace((unsigned char)*end); end++)
			;
		switch (p[1]) {
		case 'n': m->flags |= MF_REGEX_NOT; break;
		case 'f': m->flags |= MF_NOFOLDCASE; break;
		case 'b': m->regex_basic = 1; break;
		case 's':
			free(m->regex_subst);
			m->regex_subst = xstrndup(p + 2, (size_t)(end - p - 2));
			break;
		case 'd':
			free(m->regex_delim);
			m->regex_delim = xstrndup(p + 2, (size_t)(end - p - 2));
			break;
		case 'a':
			free(m->app);
			m->app = xstrndup(p + 2, (size_t)(end - p - 2));
			break;
		case 'T':
			free(m->tapp);
			m->tapp = xstrndup(p + 2, (size_t)(end - p - 2));
			break;
		case 'm': m->flags |= MF_MATCHONLY; break;
		case 'D': m->flags |= MF_DEFER; break;
		case 'q': m->flags |= MF_KEEPQUOTES; break;
		case 't': m->flags |= MF_NODEFER; break;
		case 'S': m->spacesub = p[2]; break;
		default:
			/* sendmail's regex class ignores what it does not know */
			break;
		}
		p = end;
	}
	{
		size_t n = strlen(p);

		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		m->file = xstrndup(p, n);
	}
	if (regex_compile(m, &re, &e) != 0) {
		dstr_printf(err, "%s\n", dstr_cstr(&e));
		dstr_free(&e);
		return -1;
	}
	rc = check_fields(m, &re, err);
	regfree(&re);
	dstr_free(&e);
	return rc;
}

/* add_group: substring n of the match; -1 when it holds a blank */
static int
add_group(dstr *out, const char *key, const regmatch_t *pm, size_t n)
{
	size_t len;

	if (pm[n].rm_so < 0)
		return 0;
	len = (size_t)(pm[n].rm_eo - pm[n].rm_so);
	if (memchr(key + pm[n].rm_so, ' ', len) != NULL)
		return -1;
	dstr_append(out, key + pm[n].rm_so, len);
	return 0;
}

static char *
regex_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	regex_t *re = m->data;
	regmatch_t *pm;
	size_t npm = re->re_nsub + 1;
	int matched;
	dstr out = DSTR_INIT;

	(void)args;
	(void)nargs;
	(void)status;
	pm = xcalloc(npm, sizeof(*pm));
	matched = regexec(re, key, npm, pm, 0) == 0;
	if (m->flags & MF_REGEX_NOT)
		matched = !matched;
	if (!matched) {
		free(pm);
		return NULL;
	}
	if (m->regex_subst != NULL && !(m->flags & MF_REGEX_NOT)) {
		const char *delim = m->regex_delim ? m->regex_delim : REGEX_DEFAULT_DELIM;
		const char *p = m->regex_subst;
		int first = 1, bad = 0;

		if (*p == '\0') {
			size_t i;

			for (i = 0; i < npm && !bad; i++) {
				if (i > 0)
					dstr_puts(&out, delim);
				bad = add_group(&out, key, pm, i) < 0;
			}
		}
		while (*p && !bad) {
			char *end;
			long n = strtol(p, &end, 10);

			if (end == p) {
				p++;
				continue;
			}
			p = end;
			if (!first)
				dstr_puts(&out, delim);
			first = 0;
			if (n >= 0 && (size_t)n < npm)
				bad = add_group(&out, key, pm, (size_t)n) < 0;
		}
		if (bad) {
			dstr_free(&out);
			free(pm);
			return NULL;
		}
	}
	free(pm);
	return dstr_steal(&out);
}

const struct map_class map_class_regex = {
	.name = "regex", .parse = regex_parse, .open = regex_open,
	.lookup = regex_lookup, .close = regex_close,
	.lenient = 1, .file_kind = MAP_FILE_NONE,
};
