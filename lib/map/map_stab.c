/* map_stab: the stab class: pairs kept in memory (sendmail's symbol
 * table), read from the K line's file (aliases syntax) when the map is
 * opened or filled by a rebuild; the implicit class uses it for aliases
 * where no database is. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/alias_file.h"
#include "map/map_impl.h"

struct pair {
	char *key, *val;
};

struct stab {
	struct pair *v;
	size_t n, cap;
};

static int stab_store(map *m, const char *key, const char *value, dstr *err);
static void stab_close(map *m);

static int
fill(void *arg, const char *name, const char *value, int line)
{
	map *m = arg;
	dstr err = DSTR_INIT;

	(void)line;
	stab_store(m, name, value, &err);
	dstr_free(&err);
	return 0;
}

static int
stab_open(map *m, dstr *err)
{
	if (m->data == NULL)
		m->data = xcalloc(1, sizeof(struct stab));
	/* a stab map of its own (not the implicit class's stand-in) holds
	 * the pairs of its file */
	if (m->cls == &map_class_stab && m->file != NULL) {
		dstr e = DSTR_INIT;
		int rc = alias_file_read(m->file, fill, m, &e);

		dstr_free(&e);
		if (rc < 0) {
			stab_close(m);
			dstr_printf(err, "stab map \"%s\": cannot open %s", m->name, m->file);
			return -1;
		}
	}
	return 0;
}

static char *
stab_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	struct stab *t = m->data;
	char *k = xstrdup(key);
	size_t i;

	(void)args;
	(void)nargs;
	(void)status;
	map_fold(m, k);
	for (i = 0; t && i < t->n; i++)
		if (strcmp(t->v[i].key, k) == 0) {
			free(k);
			return xstrdup(t->v[i].val);
		}
	free(k);
	return NULL;
}

static int
stab_begin(map *m, int append, dstr *err)
{
	struct stab *t;
	size_t i;

	stab_open(m, err);
	t = m->data;
	if (!append) {
		for (i = 0; i < t->n; i++) {
			free(t->v[i].key);
			free(t->v[i].val);
		}
		t->n = 0;
	}
	return 0;
}

static int
stab_store(map *m, const char *key, const char *value, dstr *err)
{
	struct stab *t = m->data;
	char *k = xstrdup(key);
	size_t i;

	(void)err;
	map_fold(m, k);
	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i].key, k) == 0) {
			free(k);
			if (!(m->flags & MF_REPLACE))
				return 1;
			free(t->v[i].val);
			t->v[i].val = xstrdup(value);
			return 0;
		}
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 32;
		t->v = xreallocarray(t->v, t->cap, sizeof(*t->v));
	}
	t->v[t->n].key = k;
	t->v[t->n++].val = xstrdup(value);
	return 0;
}

static int
stab_commit(map *m, dstr *err)
{
	(void)err;
	m->flags |= MF_OPEN;
	return 0;
}

static int
stab_each(map *m, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
	struct stab *t = m->data;
	size_t i;

	for (i = 0; t && i < t->n; i++)
		fn(arg, t->v[i].key, strlen(t->v[i].key), t->v[i].val, strlen(t->v[i].val));
	return 0;
}

static void
stab_close(map *m)
{
	struct stab *t = m->data;
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].val);
	}
	free(t->v);
	free(t);
	m->data = NULL;
}

const struct map_class map_class_stab = {
	.name = "stab", .open = stab_open, .lookup = stab_lookup,
	.close = stab_close, .rebuild_begin = stab_begin, .store = stab_store,
	.commit = stab_commit, .each = stab_each,
};
