/* alias: newaliases and alias lookups (see alias.h).  Each AliasFile
 * entry ("class:file" or "file") becomes a map named "aliases.N" the
 * first time it is needed. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include "base/xalloc.h"
#include "map/alias_file.h"
#include "sendmail/alias.h"
#include "sendmail/mailer.h"
#include "sendmail/parseaddr.h"
#include "sendmail/rewrite.h"

/* alias_maps: the maps of the AliasFile option, defined on first use */
static int
alias_maps(struct conf *c, map **maps, const char **files, int max)
{
	const char *opt = options_get(c->opts, "AliasFile");
	char *specs, *spec, *save = NULL;
	int n = 0;

	if (opt == NULL)
		return 0;
	specs = xstrdup(opt);
	for (spec = strtok_r(specs, ",", &save); spec && n < max; spec = strtok_r(NULL, ",", &save)) {
		dstr name = DSTR_INIT, kline = DSTR_INIT, err = DSTR_INIT;
		const char *colon;
		map *m;

		while (isspace((unsigned char)*spec))
			spec++;
		if (*spec == '\0')
			continue;
		dstr_printf(&name, "aliases.%d", n);
		m = map_find(c->maps, name.s);
		if (m == NULL) {
			colon = strchr(spec, ':');
			if (colon && spec[0] != '/')
				dstr_printf(&kline, "%s %.*s -N %s", name.s,
				    (int)(colon - spec), spec, colon + 1);
			else
				dstr_printf(&kline, "%s implicit %s", name.s, spec);
			m = map_define(c->maps, kline.s, &err);
		}
		if (m != NULL) {
			files[n] = map_file(m);
			maps[n++] = m;
		}
		dstr_free(&name);
		dstr_free(&kline);
		dstr_free(&err);
	}
	free(specs);
	return n;
}

void
alias_open(struct conf *c)
{
	map *maps[16];
	const char *files[16];
	int n = alias_maps(c, maps, files, 16), i;

	for (i = 0; i < n; i++) {
		int st;
		char *v = map_lookup_raw(maps[i], "@", &st);

		free(v);
	}
}

char *
alias_lookup(struct conf *c, const char *name, int *status)
{
	map *maps[16];
	const char *files[16];
	int n = alias_maps(c, maps, files, 16), i;
	char *key = xstrdup(name), *v;

	*status = MAP_OK;
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	for (i = 0; i < n; i++) {
		int st = MAP_OK;

		v = map_lookup_raw(maps[i], key, &st);
		if (v != NULL) {
			free(key);
			return v;
		}
		if (st == MAP_TEMPFAIL)
			*status = MAP_TEMPFAIL;
	}
	free(key);
	return NULL;
}

struct rebuild {
	struct conf *c;
	map *m;
	const char *file;
	FILE *out;
	pool *pool;
	dstr *syntax;		/* the reader's messages not yet printed */
	int count, errors;
	size_t longest, total;
};

/* flush_syntax: the reader's messages about lines before this entry, so
 * that everything comes out in file order */
static void
flush_syntax(struct rebuild *rb)
{
	if (rb->syntax->len == 0)
		return;
	fputs(rb->syntax->s, rb->out);
	rb->errors++;
	dstr_clear(rb->syntax);
}

static int
store_entry(void *arg, const char *name, const char *value, int line)
{
	struct rebuild *rb = arg;
	struct rw_env env = { rb->c, &rb->c->macros, rb->pool, NULL };
	struct parsed_addr pa;
	dstr msgs = DSTR_INIT, err = DSTR_INIT;
	char *key;
	int rc;

	flush_syntax(rb);
	rc = parse_address(&env, name, '\0', &pa, NULL, &msgs);
	if (msgs.len) {
		/* each message carries the file and line */
		char *s = msgs.s, *nl;

		while (s && *s) {
			nl = strchr(s, '\n');
			if (nl)
				*nl = '\0';
			fprintf(rb->out, "%s: line %d: %s\n", rb->file, line, s);
			s = nl ? nl + 1 : NULL;
		}
		rb->errors++;
	}
	/* a name that does not parse, or parses to a mailer without F=A
	 * (aliasable; the error mailer included), is not stored */
	if (rc != 0 || pa.is_error || pa.mailer == NULL || !mailer_has_flag(pa.mailer, 'A')) {
		fprintf(rb->out, "%s: line %d: %s... cannot alias non-local names\n",
		    rb->file, line, name);
		rb->errors++;
		parsed_addr_free(&pa);
		dstr_free(&msgs);
		return 0;
	}
	dstr_free(&msgs);
	/* the key is the local user the name parsed to ("Root" -> root,
	 * "user@localhost" -> user, blanks as BlankSub makes them) */
	key = xstrdup(pa.user && *pa.user ? pa.user : name);
	parsed_addr_free(&pa);
	for (char *p = key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	rc = map_rebuild_store(rb->m, key, value, &err);
	if (rc == 1) {
		fprintf(rb->out, "%s: line %d: %s... Warning: duplicate alias name %s\n",
		    rb->file, line, name, key);
		map_set_write_flags(rb->m, 0, 1, 1, 0);
		map_rebuild_store(rb->m, key, value, &err);
		map_set_write_flags(rb->m, 0, 1, 0, 0);
	} else if (rc < 0) {
		fprintf(rb->out, "%s: line %d: %s\n", rb->file, line, dstr_cstr(&err));
		rb->errors++;
	}
	rb->count++;
	rb->total += strlen(key) + strlen(value);
	if (strlen(value) > rb->longest)
		rb->longest = strlen(value);
	free(key);
	dstr_free(&err);
	return 0;
}

int
aliases_rebuild(struct conf *c, FILE *out)
{
	map *maps[16];
	const char *files[16];
	int n = alias_maps(c, maps, files, 16), i, rc = EX_OK;

	for (i = 0; i < n; i++) {
		struct rebuild rb;
		dstr err = DSTR_INIT;
		const char *cls = map_class_name(maps[i]);
		FILE *probe;

		if (strcmp(cls, "hash") != 0 && strcmp(cls, "btree") != 0 &&
		    strcmp(cls, "implicit") != 0)
			continue;
		probe = fopen(files[i], "r");
		if (probe == NULL) {
			fprintf(out, "newaliases: cannot open %s: %s\n", files[i], strerror(errno));
			continue;
		}
		fclose(probe);
		memset(&rb, 0, sizeof(rb));
		rb.c = c;
		rb.m = maps[i];
		rb.file = files[i];
		rb.out = out;
		rb.pool = pool_new();
		rb.syntax = &err;
		/* keys are lower-cased here; they and the values keep their NUL */
		map_set_write_flags(maps[i], 0, 1, 0, 0);
		if (map_rebuild_begin(maps[i], 0, &err) != 0) {
			fprintf(out, "newaliases: %s\n", dstr_cstr(&err));
			rc = EX_CANTCREAT;
			pool_free(rb.pool);
			dstr_free(&err);
			continue;
		}
		alias_file_read(files[i], store_entry, &rb, &err);
		flush_syntax(&rb);
		map_rebuild_store(maps[i], "@", "@", &err);
		if (map_rebuild_commit(maps[i], &err) != 0) {
			fprintf(out, "newaliases: %s\n", dstr_cstr(&err));
			rc = EX_CANTCREAT;
		}
		fprintf(out, "%s: %d aliases, longest %zu bytes, %zu bytes total\n",
		    files[i], rb.count, rb.longest, rb.total);
		if (rb.errors && rc == EX_OK)
			rc = EX_SOFTWARE;
		pool_free(rb.pool);
		dstr_free(&err);
	}
	return rc;
}
