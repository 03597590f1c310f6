/* confnames: what the cf library knows by name: the confXXX list of
 * conf-names.txt (name, kind, target), the upper-case macros its m4
 * files define, and the feature/mailer/ostype/domain files it has;
 * with an edit distance for "did you mean".  Loaded once by main from
 * the library folder; used by mclint, cflint and explain. */
#ifndef CFC_CONFNAMES_H
#define CFC_CONFNAMES_H
#include <stddef.h>

struct confname {
	char *name;		/* confAUTH_MECHANISMS */
	char *kind;		/* option, macro, class, header, m4 */
	char *target;		/* AuthMechanisms, $j, Fw, From:, - */
};

struct confnames {
	struct confname *v;
	size_t n;
	char **macros;		/* FEATURE, DAEMON_OPTIONS, ... */
	size_t nmacros;
};

/* confnames_load: read <libdir>/conf-names.txt and the macro names of
 * the .m4 files of <libdir>/m4.  -1 when conf-names.txt cannot be read (the list
 * is then empty and name checks are skipped). */
int confnames_load(struct confnames *cn, const char *libdir);
void confnames_free(struct confnames *cn);
const struct confname *confnames_get(const struct confnames *cn, const char *name);
/* confnames_by_target: the i-th (from 0) entry of that kind whose
 * target is target, NULL after the last. */
const struct confname *confnames_by_target(const struct confnames *cn,
    const char *kind, const char *target, size_t i);
/* confnames_suggest: the known confXXX name closest to name, or NULL
 * when none is close enough to be a typing slip. */
const char *confnames_suggest(const struct confnames *cn, const char *name);

/* confnames_distance: edit distance (insert, delete, replace, swap of
 * neighbours), letters compared without case. */
size_t confnames_distance(const char *a, const char *b);
/* confnames_closest: the word of cands (n of them) closest to word, if
 * close enough; NULL otherwise. */
const char *confnames_closest(const char *word, char *const *cands, size_t n);
/* confnames_list_dir: the names of the *.m4 files in dir, without .m4
 * (sorted; *n set; NULL when the folder cannot be read). */
char **confnames_list_dir(const char *dir, size_t *n);
void confnames_free_list(char **v, size_t n);

#endif
