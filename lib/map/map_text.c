/* map_text: the text class: a flat file read at each lookup, one
 * record per line ('#' lines skipped), columns split by -z (runs of
 * white space by default); the key is column -k, the value column -v
 * (both default to 0).  Keys match without regard to case.  The file
 * name must be absolute.  Not found is EX_NOTFOUND, as in sendmail. */
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

	if (m->file[0] != '/') {
		dstr_printf(err, "text map \"%s\": file name must be fully qualified", m->name);
		return -1;
	}
	if (stat(m->file, &st) != 0 || !S_ISREG(st.st_mode)) {
		/* sendmail gives no reason here */
		dstr_printf(err, "text map \"%s\": unsafe map file %s", m->name, m->file);
		return -1;
	}
	return 0;
}

/* column: field n of line as sendmail counts them.  With white space
 * as the delimiter, each run of blanks ends a field and column 0 starts
 * at the first non-blank; with a delimiter character every occurrence
 * ends one.  An empty column 0 counts as missing.  Returns the field
 * (line is cut after it) or NULL. */
static char *
column(char *line, int n, char delim)
{
	char *p = line, *start;
	int i;

	for (i = 0; i < n; i++) {
		if (delim == '\0') {
			while (*p && !isspace((unsigned char)*p))
				p++;
			if (*p == '\0')
				return NULL;
			while (isspace((unsigned char)*p))
				p++;
		} else {
			p = strchr(p, delim);
			if (p == NULL)
				return NULL;
			p++;
		}
	}
	if (n == 0 && delim == '\0')
		while (isspace((unsigned char)*p))
			p++;
	start = p;
	if (delim == '\0')
		while (*p && !isspace((unsigned char)*p))
			p++;
	else
		while (*p && *p != delim)
			p++;
	*p = '\0';
	if (n == 0 && *start == '\0')
		return NULL;
	return start;
}

static char *
text_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	FILE *fp = fopen(m->file, "r");
	char *line = NULL, *val = NULL;
	size_t cap = 0;
	ssize_t len;

	(void)args;
	(void)nargs;
	*status = MAP_NOTFOUND;
	if (fp == NULL) {
		*status = MAP_UNAVAIL;
		return NULL;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		char *copy, *k, *v;

		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == '#')
			continue;
		copy = xstrdup(line);
		k = column(copy, m->keycol, m->coldelim);
		/* keys match without case even with -f, as in sendmail */
		if (k == NULL || strcasecmp(k, key) != 0) {
			free(copy);
			continue;
		}
		/* the first line with the key decides */
		strcpy(copy, line);
		v = column(copy, m->valcol, m->coldelim);
		if (v != NULL) {
			val = xstrdup(v);
			*status = MAP_OK;
		}
		free(copy);
		break;
	}
	free(line);
	fclose(fp);
	return val;
}

const struct map_class map_class_text = {
	.name = "text", .open = text_open, .lookup = text_lookup,
};
