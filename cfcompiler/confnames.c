/* confnames: the cf library's names and the "did you mean" distance
 * (see confnames.h).  Loaded by main; asked by mclint, cflint, explain. */
#include "config.h"
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "cfcompiler/confnames.h"

static char *
next_field(char **p)
{
	char *s = *p, *t;

	if (s == NULL)
		return NULL;
	t = strchr(s, '\t');
	if (t) {
		*t = '\0';
		*p = t + 1;
	} else
		*p = NULL;
	return s;
}

static void
add_macro(struct confnames *cn, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < cn->nmacros; i++)
		if (strlen(cn->macros[i]) == n && memcmp(cn->macros[i], s, n) == 0)
			return;
	cn->macros = xreallocarray(cn->macros, cn->nmacros + 1, sizeof(char *));
	cn->macros[cn->nmacros++] = xstrndup(s, n);
}

/* the upper-case names an m4 file defines: define(`NAME' */
static void
scan_macros(struct confnames *cn, const char *path)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *p;
	size_t cap = 0;

	if (fp == NULL)
		return;
	while (getline(&line, &cap, fp) > 0) {
		for (p = line; (p = strstr(p, "define(`")) != NULL;) {
			char *s = p + 8, *e = s;
			int upper = 0, lower = 0;

			while (isalnum((unsigned char)*e) || *e == '_') {
				upper |= isupper((unsigned char)*e);
				lower |= islower((unsigned char)*e);
				e++;
			}
			if (*e == '\'' && upper && !lower && s[0] != '_')
				add_macro(cn, s, (size_t)(e - s));
			p = e;
		}
	}
	free(line);
	fclose(fp);
}

int
confnames_load(struct confnames *cn, const char *libdir)
{
	dstr path = DSTR_INIT;
	char *line = NULL;
	size_t cap = 0;
	FILE *fp;
	char **m4files;
	size_t nm4, i;

	memset(cn, 0, sizeof(*cn));
	dstr_printf(&path, "%s/m4", libdir);
	m4files = confnames_list_dir(path.s, &nm4);
	for (i = 0; i < nm4; i++) {
		dstr_clear(&path);
		dstr_printf(&path, "%s/m4/%s.m4", libdir, m4files[i]);
		scan_macros(cn, path.s);
	}
	confnames_free_list(m4files, nm4);
	dstr_clear(&path);
	dstr_printf(&path, "%s/conf-names.txt", libdir);
	fp = fopen(path.s, "r");
	dstr_free(&path);
	if (fp == NULL)
		return -1;
	while (getline(&line, &cap, fp) > 0) {
		char *p = line, *name, *kind, *target;

		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		name = next_field(&p);
		kind = next_field(&p);
		target = next_field(&p);
		if (name == NULL || *name == '\0')
			continue;
		cn->v = xreallocarray(cn->v, cn->n + 1, sizeof(*cn->v));
		cn->v[cn->n].name = xstrdup(name);
		cn->v[cn->n].kind = xstrdup(kind ? kind : "");
		cn->v[cn->n].target = xstrdup(target ? target : "");
		cn->n++;
	}
	free(line);
	fclose(fp);
	return 0;
}

void
confnames_free(struct confnames *cn)
{
	size_t i;

	for (i = 0; i < cn->n; i++) {
		free(cn->v[i].name);
		free(cn->v[i].kind);
		free(cn->v[i].target);
	}
	free(cn->v);
	confnames_free_list(cn->macros, cn->nmacros);
	memset(cn, 0, sizeof(*cn));
}

const struct confname *
confnames_get(const struct confnames *cn, const char *name)
{
	size_t i;

	for (i = 0; i < cn->n; i++)
		if (strcmp(cn->v[i].name, name) == 0)
			return &cn->v[i];
	return NULL;
}

const struct confname *
confnames_by_target(const struct confnames *cn, const char *kind,
    const char *target, size_t nth)
{
	size_t i;

	for (i = 0; i < cn->n; i++)
		if (strcmp(cn->v[i].kind, kind) == 0 &&
		    strcmp(cn->v[i].target, target) == 0 && nth-- == 0)
			return &cn->v[i];
	return NULL;
}

size_t
confnames_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *prev2, *prev, *cur, *t;

	prev2 = xcalloc(lb + 1, sizeof(size_t));
	prev = xcalloc(lb + 1, sizeof(size_t));
	cur = xcalloc(lb + 1, sizeof(size_t));
	for (j = 0; j <= lb; j++)
		prev[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			int ca = tolower((unsigned char)a[i - 1]), cb = tolower((unsigned char)b[j - 1]);
			size_t cost = ca != cb;

			d = prev[j] + 1;
			if (cur[j - 1] + 1 < d)
				d = cur[j - 1] + 1;
			if (prev[j - 1] + cost < d)
				d = prev[j - 1] + cost;
			if (i > 1 && j > 1 && ca == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == cb && prev2[j - 2] + 1 < d)
				d = prev2[j - 2] + 1;
			cur[j] = d;
		}
		t = prev2;
		prev2 = prev;
		prev = cur;
		cur = t;
	}
	d = prev[lb];
	free(prev2);
	free(prev);
	free(cur);
	return d;
}

/* how many slips still count as the same word */
static size_t
slack(const char *word)
{
	size_t n = strlen(word);

	return n < 5 ? 1 : n < 10 ? 2 : 3;
}

const char *
confnames_closest(const char *word, char *const *cands, size_t n)
{
	const char *best = NULL;
	size_t i, bestd = (size_t)-1;

	for (i = 0; i < n; i++) {
		size_t d = confnames_distance(word, cands[i]);

		if (d < bestd) {
			bestd = d;
			best = cands[i];
		}
	}
	return best && bestd <= slack(word) ? best : NULL;
}

const char *
confnames_suggest(const struct confnames *cn, const char *name)
{
	const char *best = NULL;
	size_t i, bestd = (size_t)-1;

	for (i = 0; i < cn->n; i++) {
		size_t d;

		if (strcmp(cn->v[i].kind, "m4") == 0)
			continue;	/* internal names are not suggested */
		d = confnames_distance(name, cn->v[i].name);
		if (d < bestd) {
			bestd = d;
			best = cn->v[i].name;
		}
	}
	return best && bestd <= slack(name) ? best : NULL;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

char **
confnames_list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;

	*n = 0;
	if (d == NULL)
		return NULL;
	while ((e = readdir(d)) != NULL) {
		size_t len = strlen(e->d_name);

		if (len > 3 && strcmp(e->d_name + len - 3, ".m4") == 0 && e->d_name[0] != '.') {
			v = xreallocarray(v, *n + 1, sizeof(char *));
			v[(*n)++] = xstrndup(e->d_name, len - 3);
		}
	}
	closedir(d);
	if (*n > 1)
		qsort(v, *n, sizeof(char *), cmp_str);
	return v;
}

void
confnames_free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}
