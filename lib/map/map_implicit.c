/* map_implicit: the implicit class sendmail uses for AliasFile entries
 * without a class: the hash database file.db when it exists, else the
 * text file itself, read into memory. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "map/alias_file.h"
#include "map/map_impl.h"

static int
fill(void *arg, const char *name, const char *value, int line)
{
	map *m = arg;
	dstr err = DSTR_INIT;

	(void)line;
	map_class_stab.store(m, name, value, &err);
	dstr_free(&err);
	return 0;
}

static int
implicit_open(map *m, dstr *err)
{
	dstr path = DSTR_INIT, e = DSTR_INIT;
	int rc;

	if (m->file == NULL) {
		dstr_printf(err, "implicit map \"%s\": file name required", m->name);
		return -1;
	}
	dstr_printf(&path, "%s.db", m->file);
	if (access(path.s, R_OK) == 0 && map_class_hash.open(m, err) == 0) {
		dstr_free(&path);
		m->flags &= ~MF_TRY0NULL;	/* alias keys carry their NUL */
		m->flags |= MF_INCLNULL | MF_TRY1NULL;
		return 0;
	}
	dstr_free(&path);
	dstr_clear(err);
	map_class_stab.open(m, err);
	rc = alias_file_read(m->file, fill, m, &e);
	dstr_free(&e);
	if (rc < 0) {
		map_class_stab.close(m);
		dstr_printf(err, "implicit map \"%s\": cannot open %s", m->name, m->file);
		return -1;
	}
	m->flags |= MF_IN_MEMORY;
	return 0;
}

static int
is_stab(const map *m)
{
	return (m->flags & MF_IN_MEMORY) != 0;
}

static char *
implicit_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	return is_stab(m) ? map_class_stab.lookup(m, key, args, nargs, status)
	    : map_class_hash.lookup(m, key, args, nargs, status);
}

static void
implicit_close(map *m)
{
	if (is_stab(m))
		map_class_stab.close(m);
	else
		map_class_hash.close(m);
	m->flags &= ~MF_IN_MEMORY;
}

static int
implicit_begin(map *m, int append, dstr *err)
{
	m->flags |= MF_INCLNULL;
	return map_class_hash.rebuild_begin(m, append, err);
}

static int
implicit_store(map *m, const char *key, const char *value, dstr *err)
{
	return map_class_hash.store(m, key, value, err);
}

static int
implicit_commit(map *m, dstr *err)
{
	return map_class_hash.commit(m, err);
}

static int
implicit_each(map *m, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
	return is_stab(m) ? map_class_stab.each(m, fn, arg) : map_class_hash.each(m, fn, arg);
}

const struct map_class map_class_implicit = {
	.name = "implicit", .open = implicit_open, .lookup = implicit_lookup,
	.close = implicit_close, .rebuild_begin = implicit_begin,
	.store = implicit_store, .commit = implicit_commit, .each = implicit_each,
};
