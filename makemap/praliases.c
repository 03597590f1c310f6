/* praliases: prints the alias database(s) of the configuration (its
 * AliasFile option) or of the file -f names, entirely or for the keys
 * given, in sendmail's "key:value" layout, with its messages and exit
 * codes: a database that cannot be read is reported and skipped. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "cf/cf_reader.h"
#include "map/map.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"

/* alias_files: the AliasFile value of the config, or NULL */
static char *
alias_files(const char *cf)
{
	struct cf_file f = { 0 };
	char *val = NULL;
	size_t i;

	if (cf_read(cf, &f, NULL) != 0)
		return NULL;
	for (i = 0; i < f.nitems; i++) {
		const struct cf_item *it = &f.items[i];

		if (it->kind != CF_OPTION)
			continue;
		if ((it->extra && strcmp(it->name, "A") == 0) ||
		    (!it->extra && strcasecmp(it->name, "AliasFile") == 0)) {
			free(val);
			val = xstrdup(it->value);
		}
	}
	cf_file_free(&f);
	return val;
}

static void
print_pair(void *arg, const char *k, size_t kl, const char *v, size_t vl)
{
	(void)arg;
	fwrite(k, 1, strnlen(k, kl), stdout);
	putchar(':');
	fwrite(v, 1, strnlen(v, vl), stdout);
	putchar('\n');
}

/* define_spec: a map for one AliasFile entry ("class:file" or "file",
 * the hash database file.db), keys looked up as given (-f); NULL, after
 * saying why, for classes that are not file databases */
static map *
define_spec(map_registry *reg, const char *spec, int n, const char **file)
{
	dstr kline = DSTR_INIT, err = DSTR_INIT;
	const char *colon = strchr(spec, ':');
	map *m;

	*file = spec;
	if (colon && spec[0] != '/') {
		dstr cls = DSTR_INIT;

		dstr_append(&cls, spec, (size_t)(colon - spec));
		if (strcmp(cls.s, "hash") != 0 && strcmp(cls.s, "btree") != 0) {
			fprintf(stderr, "praliases: Skipping non-file based alias type %s\n", cls.s);
			dstr_free(&cls);
			return NULL;
		}
		*file = colon + 1;
		dstr_printf(&kline, "aliases.%d %s -f %s", n, cls.s, colon + 1);
		dstr_free(&cls);
	} else
		dstr_printf(&kline, "aliases.%d hash -f %s", n, spec);
	m = map_define(reg, kline.s, &err);
	if (m == NULL)
		fprintf(stderr, "praliases: %s: %s", spec, dstr_cstr(&err));
	dstr_free(&kline);
	dstr_free(&err);
	return m;
}

/* why_unreadable: what sendmail's praliases says about a database it
 * cannot open */
static const char *
why_unreadable(const char *spec, const char *file)
{
	dstr db = DSTR_INIT;
	struct stat st;
	int exists;

	dstr_printf(&db, "%s.db", file);
	exists = stat(db.s, &st) == 0;
	dstr_free(&db);
	if (!exists && file == spec)
		return "Unknown database type";	/* no class given */
	return strerror(exists ? EINVAL : ENOENT);
}

int
main(int argc, char **argv)
{
	struct map_env env = { NULL, NULL, NULL, NULL, NULL, NULL };
	const char *cf = DEFAULT_CF, *file = NULL;
	char *specs, *spec, *save = NULL;
	map_registry *reg;
	int ch, n = 0;

	while ((ch = getopt(argc, argv, "C:f:")) != -1) {
		switch (ch) {
		case 'C': cf = optarg; break;
		case 'f': file = optarg; break;
		default:
			fprintf(stderr, "usage: praliases [-C cffile] [-f aliasfile] [key ...]\n");
			return EX_USAGE;
		}
	}
	if (file)
		specs = xstrdup(file);
	else if (access(cf, R_OK) != 0) {
		fprintf(stderr, "praliases: %s: %s\n", cf, strerror(errno));
		return EX_NOINPUT;
	} else if ((specs = alias_files(cf)) == NULL)
		return EX_OK;	/* no AliasFile: nothing to list */
	reg = map_registry_new(&env);
	for (spec = strtok_r(specs, ",", &save); spec; spec = strtok_r(NULL, ",", &save)) {
		const char *path;
		map *m;
		int i;

		while (isspace((unsigned char)*spec))
			spec++;
		if ((m = define_spec(reg, spec, n++, &path)) == NULL)
			continue;
		if (!map_ready(m) || !map_is_open(m)) {
			fprintf(stderr, "praliases: %s: open: %s\n", path, why_unreadable(spec, path));
			continue;
		}
		if (optind >= argc) {
			map_each(m, print_pair, NULL);
			continue;
		}
		for (i = optind; i < argc; i++) {
			int st;
			char *v = map_lookup_raw(m, argv[i], &st);

			/* keys are looked up as given, not folded */
			if (v)
				printf("%s:%s\n", argv[i], v);
			else
				printf("%s: No such key\n", argv[i]);
			free(v);
		}
	}
	map_registry_free(reg);
	free(specs);
	return EX_OK;
}
