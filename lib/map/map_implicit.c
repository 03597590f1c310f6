/* map_implicit: the implicit class sendmail uses for AliasFile entries
 * without a class: the hash database file.db.  An alias map without its
 * database reads the aliases text file itself into memory (with
 * sendmail's warning); any other implicit map then fails to open. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* alias_map: maps that hold aliases: sendmail's Alias<n> (see
 * map_set_alias) and the "aliases.<n>" maps sendmail/alias.c defines */
static int
alias_map(const map *m)
{
	return (m->flags & MF_ALIAS) || strncasecmp(m->name, "aliases.", 8) == 0;
}

static int
implicit_open(map *m, dstr *err)
{
	dstr e = DSTR_INIT;
	int rc;

	if (map_class_hash.open(m, &e) == 0) {
		dstr_free(&e);
		return 0;
	}
	dstr_free(&e);
	if (!alias_map(m))
		return -1;
	if (m->flags & MF_ALIAS)
		map_say(m, "WARNING: cannot open alias database %s; reading text version", m->file);
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
