/* praliases: prints the alias database(s) of the configuration (its
 * AliasFile option) or of the file -f names, entirely or for the keys
 * given, in sendmail's "key:value" layout. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* define_spec: a map for one AliasFile entry ("class:file" or "file") */
static map *
define_spec(map_registry *reg, const char *spec, int n)
{
	dstr kline = DSTR_INIT, err = DSTR_INIT;
	const char *colon = strchr(spec, ':');
	map *m;

	if (colon && spec[0] != '/')
		dstr_printf(&kline, "aliases.%d %.*s %s", n, (int)(colon - spec), spec, colon + 1);
	else
		dstr_printf(&kline, "aliases.%d implicit %s", n, spec);
	m = map_define(reg, kline.s, &err);
	if (m == NULL)
		fprintf(stderr, "praliases: %s: %s", spec, dstr_cstr(&err));
	dstr_free(&kline);
	dstr_free(&err);
	return m;
}

int
main(int argc, char **argv)
{
	struct map_env env = { NULL, NULL, NULL, NULL, NULL };
	const char *cf = DEFAULT_CF, *file = NULL;
	char *specs, *spec, *save = NULL;
	map_registry *reg;
	int ch, n = 0, rc = EX_OK;

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
	else if ((specs = alias_files(cf)) == NULL) {
		fprintf(stderr, "praliases: %s: no AliasFile option (or cannot read the file)\n", cf);
		return EX_CONFIG;
	}
	reg = map_registry_new(&env);
	for (spec = strtok_r(specs, ",", &save); spec; spec = strtok_r(NULL, ",", &save)) {
		map *m;
		int i;

		while (isspace((unsigned char)*spec))
			spec++;
		if ((m = define_spec(reg, spec, n++)) == NULL) {
			rc = EX_CONFIG;
			continue;
		}
		if (optind >= argc) {
			if (map_each(m, print_pair, NULL) != 0) {
				fprintf(stderr, "praliases: %s: open: %s\n", spec,
				    "cannot read alias database");
				rc = EX_NOINPUT;
			}
			continue;
		}
		for (i = optind; i < argc; i++) {
			char *key = xstrdup(argv[i]), *v;
			int st;

			for (char *p = key; *p; p++)
				*p = (char)tolower((unsigned char)*p);
			v = map_lookup_raw(m, key, &st);
			if (v)
				printf("%s:%s\n", key, v);
			else
				printf("%s: No such key\n", argv[i]);
			free(v);
			free(key);
		}
	}
	map_registry_free(reg);
	free(specs);
	return rc;
}
