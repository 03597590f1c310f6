/* map: the K-line map layer shared by sendmail (rulesets, aliases),
 * makemap, praliases and cfcompiler.  A map_registry holds the maps one
 * loaded config declares; the rule engine looks keys up through
 * map_lookup(), which applies the map flags (-a -T -f -m -N -O -q -k -v
 * -z -S -A -D -o ...) exactly as sendmail 8.17 does and rewrites %0..%9 in
 * the value.  Each map class (hash, btree, text, host, dns, bestmx,
 * dequote, macro, arith, sequence, switch, stab, user, regex, program,
 * syslog, implicit, socket, nis-less "null") lives in its own map_<class>.c
 * and registers a struct map_class. */
#ifndef SW_MAP_H
#define SW_MAP_H
#include <stddef.h>
#include "base/dstr.h"

/* Lookup status: sendmail's sysexits values. */
#include <sysexits.h>
#define MAP_OK		EX_OK		/* found, or cleanly not found */
#define MAP_TEMPFAIL	EX_TEMPFAIL	/* try again later (-T applies) */
#define MAP_UNAVAIL	EX_UNAVAILABLE	/* map not usable */
#define MAP_NOTFOUND	EX_NOHOST	/* host/dns: name does not exist */

typedef struct map map;
typedef struct map_registry map_registry;

/* What the loaded config lends the map layer.  Macro names are given the
 * way the config spells them: one character ("j") or a long name without
 * braces ("client_addr"). */
struct map_env {
	void *ctx;
	const char *(*macro_get)(void *ctx, const char *name);
	void (*macro_set)(void *ctx, const char *name, const char *value);
	/* class lookup for maps that need it (may be NULL) */
	int (*class_has)(void *ctx, const char *cls, const char *word);
	/* a message for the user (-bt output, or the log); may be NULL */
	void (*message)(void *ctx, const char *text);
	/* a map could not be opened (after its message): what sendmail
	 * counts as a system error, with the exit code it implies
	 * (EX_OSERR when the system said why, else EX_SOFTWARE); may be
	 * NULL */
	void (*failed)(void *ctx, int exit_code);
};

map_registry *map_registry_new(const struct map_env *env);
void map_registry_free(map_registry *reg);

/* map_registry_set_option: options of the config that change how maps
 * behave, given by their long names: "ServiceSwitchFile", "HostsFile",
 * "ResolverOptions" (+FLAG -FLAG HasWildcardMX), "Timeout.resolver.retrans",
 * "Timeout.resolver.retry", "DeliveryMode" (deferred: -D maps look
 * nothing up) and "AliasFile" (defines sendmail's Alias0, Alias1 ...
 * maps and the "aliases.files" sequence of them, as sendmail does when
 * it reads the option).  Unknown names are ignored. */
void map_registry_set_option(map_registry *reg, const char *name, const char *value);

/* map_define: one K line, the text after "K" ("access hash -T<TMPF> -o
 * /etc/mail/access").  Does not open the map.  On error returns NULL and
 * puts a message (without file:line, which the caller adds) in err; a
 * map whose class exists but whose arguments are bad stays declared, not
 * valid (never opened, lookups find nothing).  Warnings about a map that
 * is still defined (a sequence naming an unknown map) also go to err. */
map *map_define(map_registry *reg, const char *kline, dstr *err);
/* map_define_builtin: the maps sendmail always has (host, dequote, ...)
 * unless the config declared them itself. */
void map_define_builtins(map_registry *reg);
/* map_open_all: open every declared map, as sendmail does after reading
 * its config.  Maps that fail to open are marked "not open" (optional
 * maps silently, others with a message in err, one line per map). */
void map_open_all(map_registry *reg, dstr *err);
void map_close_all(map_registry *reg);

map *map_find(map_registry *reg, const char *name);
const char *map_name(const map *m);
const char *map_class_name(const map *m);
int map_is_open(const map *m);
/* map_ready: called before a lookup (map_lookup does it itself): opens
 * the map if needed.  A map that cannot be opened says why, once,
 * through the environment's message function, and from then on answers
 * every lookup with a temporary failure (so -T applies), as sendmail's
 * stand-in for a broken map does.  An optional (-o) map that is not
 * open stays closed: map_ready returns 0 (lookups find nothing). */
int map_ready(map *m);

/* map_lookup: look key up the way a rule's $( name key $@ args $) does:
 * quotes and backslashes are taken out of the key unless -q.
 * args[0..nargs-1] are the $@ arguments (%1..%n; %0 is the key).
 * Returns a malloc'd value (the map's value, or the key for -m, with
 * %-substitution and the -a string appended) or NULL when not found.
 * *status gets MAP_OK, MAP_TEMPFAIL, ... ; on tempfail with -T the
 * returned value is the -T string appended to the key, as sendmail does. */
char *map_lookup(map *m, const char *key, const char *const *args, int nargs, int *status);

/* map_lookup_verbatim: as map_lookup, but the key is used as given, not
 * dequoted (-bt's /map command). */
char *map_lookup_verbatim(map *m, const char *key, int *status);

/* map_lookup_raw: the stored value, without -a or %-rewriting (used by
 * praliases and the alias code). */
char *map_lookup_raw(map *m, const char *key, int *status);

/* map_registry_env: the environment the registry was made with. */
const struct map_env *map_registry_env(const map_registry *reg);
/* map_file: the file (or specification) a map was declared with. */
const char *map_file(const map *m);
/* map_each: call fn for every stored pair (hash, btree, text, stab);
 * returns -1 when the class cannot be listed. */
int map_each(map *m, void (*fn)(void *arg, const char *key, size_t klen,
    const char *val, size_t vlen), void *arg);

/* Writing, for newaliases and makemap: open the map's file for
 * rebuilding (a new file, put in place by commit, unless append),
 * store pairs, commit.  map_rebuild_store returns 0, 1 for a duplicate
 * key kept (see map_set_replace), or -1 on error.  Keys are folded and
 * given their NUL as the map's flags say. */
int map_rebuild_begin(map *m, int append, dstr *err);
int map_rebuild_store(map *m, const char *key, const char *value, dstr *err);
int map_rebuild_commit(map *m, dstr *err);
/* map_set_flags: makemap's switches on a map declared for writing:
 * fold (0 = -f), nul (1 = -N), replace (-r), append (-A). */
void map_set_write_flags(map *m, int fold, int nul, int replace, int append_dups);
/* map_set_duplicates: makemap -d: the database keeps every value of a
 * repeated key (Berkeley DB's DB_DUP); must be set before the map is
 * opened, for writing and for listing such a map with -u. */
void map_set_duplicates(map *m, int allow);
/* map_set_alias: the map holds aliases (sendmail's own Alias<n> maps
 * are made so by map_registry_set_option("AliasFile")): an implicit
 * map without its database then reads the aliases text file instead. */
void map_set_alias(map *m);

#endif
