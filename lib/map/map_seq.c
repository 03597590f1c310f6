/* map_seq: the sequence class (the maps named on the K line, first hit
 * wins) and the switch class (the maps "<name>.<method>" for the methods
 * the service switch file gives the named service). */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static void
push_name(map *m, const char *s, size_t n)
{
	m->stack = xreallocarray(m->stack, m->nstack + 1, sizeof(char *));
	m->stack[m->nstack++] = xstrndup(s, n);
}

static int
seq_parse(map *m, char *args, dstr *err)
{
	char *p = args;

	(void)err;
	while (*p) {
		char *q;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q && !isspace((unsigned char)*q); q++)
			;
		push_name(m, p, (size_t)(q - p));
		p = q;
	}
	return 0;
}

static int
switch_parse(map *m, char *args, dstr *err)
{
	char *p = args, *q;

	(void)err;
	while (isspace((unsigned char)*p))
		p++;
	for (q = p; *q && !isspace((unsigned char)*q); q++)
		;
	m->file = xstrndup(p, (size_t)(q - p));
	return 0;
}

static int
switch_open(map *m, dstr *err)
{
	char *methods[10];
	int n, i;

	if (m->nstack)
		return 0;
	n = service_switch_lookup(m->reg, m->file ? m->file : "", methods, 10);
	for (i = 0; i < n; i++) {
		dstr name = DSTR_INIT;

		dstr_printf(&name, "%s.%s", m->name, methods[i]);
		push_name(m, name.s, name.len);
		dstr_free(&name);
		free(methods[i]);
	}
	(void)err;
	return 0;
}

static char *
seq_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	int tempfail = 0;
	size_t i;

	for (i = 0; i < m->nstack; i++) {
		map *sub = map_find(m->reg, m->stack[i]);
		char *v;
		int st = MAP_OK;

		if (sub == NULL)
			continue;
		v = map_lookup_in(sub, key, args, nargs, &st);
		if (v != NULL) {
			*status = MAP_OK;
			return v;
		}
		if (st == MAP_TEMPFAIL)
			tempfail = 1;
	}
	if (tempfail)
		*status = MAP_TEMPFAIL;
	return NULL;
}

const struct map_class map_class_sequence = {
	.name = "sequence", .parse = seq_parse, .lookup = seq_lookup,
	.returns_rewritten = 1,
};

const struct map_class map_class_switch = {
	.name = "switch", .parse = switch_parse, .open = switch_open,
	.lookup = seq_lookup, .returns_rewritten = 1,
};
