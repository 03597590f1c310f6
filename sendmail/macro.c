/* macro: macro ids, tables and expansion (see macro.h).  Long names are
 * interned once per process and get ids from 256 up. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "sendmail/macro.h"

#define MAX_EXPAND_DEPTH 20
/* an expansion stops growing here: macros that name each other several
 * times per level would otherwise grow exponentially with the depth
 * (sendmail expands into a fixed buffer, so its results are bounded too) */
#define MAX_EXPAND_LEN 65536

static char **long_names;	/* long_names[id - 256] */
static size_t n_long, cap_long;

int
macro_id(const char *name, size_t len)
{
	size_t i;

	if (len == 0)
		return MACRO_NONE;
	if (len == 1)
		return (unsigned char)name[0];
	for (i = 0; i < n_long; i++)
		if (strlen(long_names[i]) == len && memcmp(long_names[i], name, len) == 0)
			return (int)(256 + i);
	if (n_long == cap_long) {
		cap_long = cap_long ? cap_long * 2 : 64;
		long_names = xreallocarray(long_names, cap_long, sizeof(char *));
	}
	long_names[n_long] = xstrndup(name, len);
	return (int)(256 + n_long++);
}

const char *
macro_name(int id)
{
	static char one[256][2];

	if (id < 0)
		return "";
	if (id < 256) {
		one[id][0] = (char)id;
		one[id][1] = '\0';
		return one[id];
	}
	return (size_t)(id - 256) < n_long ? long_names[id - 256] : "";
}

int
macro_parse_ref(const char **pp)
{
	const char *p = *pp, *e;

	if (*p == '\0')
		return MACRO_NONE;
	if (*p == '{') {
		e = strchr(p, '}');
		if (e == NULL)
			return MACRO_NONE;
		*pp = e + 1;
		return macro_id(p + 1, (size_t)(e - p - 1));
	}
	*pp = p + 1;
	return (unsigned char)*p;
}

void
macro_table_init(struct macro_table *mt, const struct macro_table *parent)
{
	mt->v = NULL;
	mt->cap = 0;
	mt->parent = parent;
}

void
macro_table_free(struct macro_table *mt)
{
	size_t i;

	for (i = 0; i < mt->cap; i++)
		free(mt->v[i]);
	free(mt->v);
	mt->v = NULL;
	mt->cap = 0;
}

void
macro_set(struct macro_table *mt, int id, const char *value)
{
	if (id < 0)
		return;
	if ((size_t)id >= mt->cap) {
		size_t cap = mt->cap ? mt->cap : 512;

		while (cap <= (size_t)id)
			cap *= 2;
		mt->v = xreallocarray(mt->v, cap, sizeof(char *));
		memset(mt->v + mt->cap, 0, (cap - mt->cap) * sizeof(char *));
		mt->cap = cap;
	}
	free(mt->v[id]);
	mt->v[id] = value ? xstrdup(value) : NULL;
}

void
macro_set_name(struct macro_table *mt, const char *name, const char *value)
{
	macro_set(mt, macro_id(name, strlen(name)), value);
}

const char *
macro_get(const struct macro_table *mt, int id)
{
	for (; mt != NULL; mt = mt->parent)
		if (id >= 0 && (size_t)id < mt->cap && mt->v[id] != NULL)
			return mt->v[id];
	return NULL;
}

const char *
macro_get_name(const struct macro_table *mt, const char *name)
{
	return macro_get(mt, macro_id(name, strlen(name)));
}

static void
expand(const struct macro_table *mt, const char *s, dstr *out, int depth, size_t limit)
{
	/* skip[] tracks, per open conditional, whether text is dropped */
	int skip[32], level = 0, skipping = 0;
	const char *p = s;
	int id;

	while (*p && out->len < limit) {
		if (*p != '$' || p[1] == '\0') {
			if (!skipping)
				dstr_putc(out, *p);
			p++;
			continue;
		}
		p++;
		switch (*p) {
		case '$':
			if (!skipping)
				dstr_putc(out, '$');
			p++;
			continue;
		case '?':
			p++;
			id = macro_parse_ref(&p);
			if (level < 32)
				skip[level] = skipping;
			level++;
			if (!skipping) {
				const char *v = macro_get(mt, id);

				skipping = (v == NULL || *v == '\0');
			}
			continue;
		case '|':
			p++;
			if (level > 0 && (level > 32 || !skip[level - 1]))
				skipping = !skipping;
			continue;
		case '.':
			p++;
			if (level > 0) {
				level--;
				skipping = level < 32 ? skip[level] : skipping;
			}
			continue;
		case '&':
			p++;
			break;
		default:
			break;
		}
		id = macro_parse_ref(&p);
		if (!skipping && id != MACRO_NONE) {
			const char *v = macro_get(mt, id);

			if (v != NULL) {
				if (depth < MAX_EXPAND_DEPTH && strchr(v, '$'))
					expand(mt, v, out, depth + 1, limit);
				else
					dstr_append(out, v, strnlen(v, limit - out->len));
			}
		}
	}
}

void
macro_expand(const struct macro_table *mt, const char *s, dstr *out)
{
	expand(mt, s, out, 0, out->len + MAX_EXPAND_LEN);
}
