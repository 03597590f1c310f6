/* map_text: the text class: a flat file read at each lookup, one
 * record per line, columns split by -z (white space by default); the
 * key is column -k, the value column -v (both default to 0). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static int
text_open(map *m, dstr *err)
{
	struct stat st;

	if (m->file == NULL) {
		dstr_printf(err, "text map \"%s\": file name required", m->name);
		return -1;
	}
	if (stat(m->file, &st) != 0 || !S_ISREG(st.st_mode)) {
		dstr_printf(err, "text map \"%s\": unsafe map file %s: %s", m->name,
		    m->file, errno ? strerror(errno) : "not a regular file");
		return -1;
	}
	return 0;
}

/* column: the n-th field of line (modified in place), or NULL */
static char *
column(char *line, int n, char delim)
{
	char *p = line, *start;
	int i = 0;

	for (;;) {
		if (delim == '\0')
			while (*p && isspace((unsigned char)*p))
				p++;
		if (*p == '\0' && delim == '\0')
			return NULL;
		start = p;
		if (delim == '\0')
			while (*p && !isspace((unsigned char)*p))
				p++;
		else
			while (*p && *p != delim)
				p++;
		if (i == n) {
			*p = '\0';
			return start;
		}
		if (*p == '\0')
			return NULL;
		p++;
		i++;
	}
}

static char *
text_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	FILE *fp = fopen(m->file, "r");
	char *line = NULL, *val = NULL;
	size_t cap = 0;

	(void)args;
	(void)nargs;
	if (fp == NULL) {
		*status = MAP_UNAVAIL;
		return NULL;
	}
	while (getline(&line, &cap, fp) > 0) {
		char *copy, *k, *v;
		size_t n = strlen(line);

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		copy = xstrdup(line);
		k = column(copy, m->keycol, m->coldelim);
		if (k != NULL && ((m->flags & MF_NOFOLDCASE) ? strcmp(k, key) : strcasecmp(k, key)) == 0) {
			free(copy);
			copy = xstrdup(line);
			v = column(copy, m->valcol, m->coldelim);
			if (v != NULL)
				val = xstrdup(v);
			free(copy);
			if (val)
				break;
			continue;
		}
		free(copy);
	}
	free(line);
	fclose(fp);
	return val;
}

const struct map_class map_class_text = {
	.name = "text", .open = text_open, .lookup = text_lookup,
};
