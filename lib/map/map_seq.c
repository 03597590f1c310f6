/* map_seq: the sequence class (the maps named on the K line, first hit
 * wins) and the switch class (the maps "<name>.<method>" for the methods
 * the service switch file gives the named service).  Members answer as
 * their class does (their -a applies); a member that is not open is
 * passed over.  Nothing found is EX_NOTFOUND, or EX_TEMPFAIL when a
 * member failed for the time being. */
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

	while (*p) {
		char *q;

		/* a member is a map name: what is no name character
		 * around it goes ("-a!" names the map "a") */
		while (*p && !map_is_name_char((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (q = p; map_is_name_char((unsigned char)*q); q++)
			;
		push_name(m, p, (size_t)(q - p));
		/* members must be declared before the sequence */
		if (map_find(m->reg, m->stack[m->nstack - 1]) == NULL) {
			dstr_printf(err, "Sequence map %s: unknown member map %s\n",
			    m->name, m->stack[m->nstack - 1]);
			free(m->stack[--m->nstack]);
		}
		p = q;
	}
	return 0;
}

static int
switch_parse(map *m, char *args, dstr *err)
{
	char *p = args, *q;

	while (isspace((unsigned char)*p))
		p++;
	for (q = p; *q && !isspace((unsigned char)*q); q++)
		;
	if (q == p) {
		dstr_printf(err, "No file name for switch map %s\n", m->name);
		return -1;
	}
	m->file = xstrndup(p, (size_t)(q - p));
	return 0;
}

/* switch_open: the members are the maps <name>.<method> that exist;
 * one that does not is reported; none at all and the map fails */
static int
switch_open(map *m, dstr *err)
{
	char *methods[16];
	int n, i;
	size_t k;

	for (k = 0; k < m->nstack; k++)
		free(m->stack[k]);
	m->nstack = 0;
	n = service_switch_lookup(m->reg, m->file, methods, 16);
	for (i = 0; i < n; i++) {
		dstr name = DSTR_INIT;

		dstr_printf(&name, "%s.%s", m->name, methods[i]);
		if (map_find(m->reg, name.s) != NULL)
			push_name(m, name.s, name.len);
		else
			map_say(m, "Switch map %s: unknown member map %s", m->name, name.s);
		dstr_free(&name);
		free(methods[i]);
	}
	if (m->nstack == 0) {
		(void)err;
		return -1;
	}
	return 0;
}

/* how deep sequences may name sequences (a loop in the config ends
 * here instead of in a stack overflow) */
#define SEQ_MAXDEPTH 20

static char *
seq_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	static int depth;
	int tempfail = 0;
	size_t i;

	if (depth >= SEQ_MAXDEPTH) {
		*status = MAP_UNAVAIL;
		return NULL;
	}
	for (i = 0; i < m->nstack; i++) {
		map *sub = map_find(m->reg, m->stack[i]);
		char *v;
		int st = MAP_OK;

		if (sub == NULL || sub == m)
			continue;
		depth++;
		v = map_lookup_in(sub, key, args, nargs, &st);
		depth--;
		if (v != NULL) {
			*status = MAP_OK;
			return v;
		}
		if (st == MAP_TEMPFAIL)
			tempfail = 1;
	}
	*status = tempfail ? MAP_TEMPFAIL : MAP_NOTFOUND;
	return NULL;
}

const struct map_class map_class_sequence = {
	.name = "sequence", .parse = seq_parse, .lookup = seq_lookup,
	.returns_rewritten = 1, .lenient = 1, .file_kind = MAP_FILE_NONE,
};

const struct map_class map_class_switch = {
	.name = "switch", .parse = switch_parse, .open = switch_open,
	.lookup = seq_lookup, .returns_rewritten = 1,
	.lenient = 1, .file_kind = MAP_FILE_WORD,
};
