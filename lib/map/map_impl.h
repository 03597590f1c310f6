/* map_impl: what the map framework (map.c) and the map classes share:
 * the map record, the class interface and the helpers classes use.
 * Private to lib/map. */
#ifndef SW_MAP_IMPL_H
#define SW_MAP_IMPL_H
#include <stddef.h>
#include "base/dstr.h"
#include "map/map.h"

/* map flags, named after what they do */
enum {
	MF_OPTIONAL = 1 << 0,	/* -o: missing file is not an error */
	MF_NOFOLDCASE = 1 << 1,	/* -f: keep the key's case */
	MF_MATCHONLY = 1 << 2,	/* -m: return the key, not the value */
	MF_INCLNULL = 1 << 3,	/* -N: keys include the NUL byte */
	MF_TRY0NULL = 1 << 4,	/* try keys without the NUL */
	MF_TRY1NULL = 1 << 5,	/* try keys with the NUL */
	MF_KEEPQUOTES = 1 << 6,	/* -q: do not dequote the key */
	MF_APPEND = 1 << 7,	/* -A: append values of duplicate keys */
	MF_DEFER = 1 << 8,	/* -D: no lookups in deferred mode */
	MF_NODEFER = 1 << 9,	/* -t: tempfail is not fatal */
	MF_OPEN = 1 << 10,
	MF_VALID = 1 << 11,	/* declared without error */
	MF_REGEX_NOT = 1 << 12,	/* regex -n */
	MF_ALIAS = 1 << 13,	/* an alias map (AliasFile) */
	MF_REPLACE = 1 << 14,	/* rebuild: a duplicate key replaces */
	MF_IN_MEMORY = 1 << 15,	/* implicit map read from its text file */
	MF_BROKEN = 1 << 16,	/* could not be opened when first used: said
				 * so once, now every lookup is a tempfail */
	MF_DUPS = 1 << 17,	/* makemap -d: a key may be stored many times */
	MF_TRIED = 1 << 18	/* an open was tried and its outcome is final */
};

/* what follows a class's flags on the K line */
enum map_file_kind {
	MAP_FILE_WORD,		/* a file name (one word), required */
	MAP_FILE_REST,		/* the rest of the line, required (program) */
	MAP_FILE_NONE		/* nothing (host, user, arith ...) */
};

struct map_class;

struct map {
	char *name;		/* as the latest K line spelled it */
	const struct map_class *cls;
	map_registry *reg;
	unsigned flags;
	char *file;		/* file name or class specification */
	char *app;		/* -a */
	char *tapp;		/* -T */
	int keycol, valcol;	/* -k -v (text) */
	char coldelim;		/* -z (text), 0 = white space */
	char spacesub;		/* -S */
	char *valcolname;	/* -v for user maps */
	int timeout;		/* -d in seconds (socket, host, dns) */
	char *open_error;	/* why the last open failed */
	int open_errno;		/* and the system's reason, if it gave one */
	void *data;		/* class state */
	/* class-specific settings */
	char *regex_delim;	/* regex -d */
	char *regex_subst;	/* regex -s */
	int regex_basic, regex_casefold;
	char *dns_type;		/* dns -R */
	int dns_maxrec;		/* dns -Z */
	char *dns_base;		/* dns -B */
	int dns_retrans, dns_retry;
	char **stack;		/* sequence/switch member names */
	size_t nstack;
	int log_prio;		/* syslog -L */
};

struct map_class {
	const char *name;
	/* parse: class flags and file; default = map_parse_args() */
	int (*parse)(map *m, char *args, dstr *err);
	int (*open)(map *m, dstr *err);
	/* lookup: key already dequoted; return a malloc'd raw value (or
	 * NULL); set *status.  vlen may be set for values with NULs. */
	char *(*lookup)(map *m, const char *key, const char *const *args,
	    int nargs, int *status);
	void (*close)(map *m);
	int (*rebuild_begin)(map *m, int append, dstr *err);
	int (*store)(map *m, const char *key, const char *value, dstr *err);
	int (*commit)(map *m, dstr *err);
	int (*each)(map *m, void (*fn)(void *, const char *, size_t,
	    const char *, size_t), void *arg);
	int returns_rewritten;	/* lookup applies -a and %n itself */
	/* K-line syntax for map_parse_args: the flag letters the class
	 * takes (NULL: the generic "adfkmoqtvzADNOST"), whether letters it
	 * does not know pass without a word (sendmail's host, dns and
	 * dequote classes say nothing), and what follows the flags */
	const char *flag_letters;
	int lenient;
	enum map_file_kind file_kind;
};

struct map_registry {
	map **maps;
	size_t n, cap;
	struct map_env env;
	char *service_switch;	/* ServiceSwitchFile */
	char *hosts_file;	/* HostsFile */
	char *resolver_options;
	int res_retrans, res_retry;
	int res_set, res_clear;	/* RES_* bits ResolverOptions turns on, off */
	int wildcard_mx;	/* ResolverOptions HasWildcardMX */
	int deferred;		/* DeliveryMode=deferred: -D maps look nothing up */
	struct host_cache *host_cache;	/* host class results (map_host.c) */
};

/* the classes */
extern const struct map_class map_class_hash, map_class_btree,
    map_class_text, map_class_host, map_class_dns, map_class_bestmx,
    map_class_dequote, map_class_macro, map_class_arith,
    map_class_sequence, map_class_switch, map_class_stab, map_class_user,
    map_class_regex, map_class_program, map_class_syslog,
    map_class_implicit, map_class_socket, map_class_null, map_class_arpa;

/* map_parse_args: the flags (generic and the class's own), then what
 * the class wants after them (see enum map_file_kind).  Returns 0, or
 * -1 when the map cannot be used (no file name). */
int map_parse_args(map *m, char *args, dstr *err);
/* map_is_name_char: a character of a map name (letters, digits, '_',
 * '.'), as K lines and sequence members spell them */
int map_is_name_char(int c);
/* map_fold: lower-case a key in place unless -f */
void map_fold(const map *m, char *key);
/* map_rewrite: value with %0..%9 replaced and -a appended */
char *map_rewrite(const map *m, const char *value, size_t len,
    const char *key, const char *const *args, int nargs);
/* map_say: a message through the registry's environment */
void map_say(const map *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* service_switch_lookup: the methods for service ("hosts", "aliases"),
 * e.g. {"files", "dns"}; returns their number (at most max). */
int service_switch_lookup(const map_registry *reg, const char *service,
    char **methods, int max);
/* service_switch_has: 1 if service lists method ("hosts", "dns") */
int service_switch_has(const map_registry *reg, const char *service, const char *method);
void map_host_cache_free(map_registry *reg);
/* map_lookup_in: a lookup with the full framework on another map (used
 * by sequence and switch). */
char *map_lookup_in(map *m, const char *key, const char *const *args,
    int nargs, int *status);

#endif
