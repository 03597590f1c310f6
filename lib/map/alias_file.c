/* alias_file: the aliases text format (see alias_file.h). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/alias_file.h"

static int
entry(const char *path, dstr *text, int line,
    int (*fn)(void *, const char *, const char *, int), void *arg, dstr *err, int *count)
{
	char *s = text->s, *colon, *name, *value, *p;
	int quoted = 0, rc = 0;
	size_t n;

	/* the name ends at the first colon outside quotes */
	for (colon = s; *colon; colon++) {
		if (*colon == '"')
			quoted = !quoted;
		else if (*colon == ':' && !quoted)
			break;
	}
	if (*colon != ':') {
		dstr_printf(err, "%s: line %d: missing colon\n", path, line);
		return 0;
	}
	name = xstrndup(s, (size_t)(colon - s));
	n = strlen(name);
	while (n > 0 && isspace((unsigned char)name[n - 1]))
		name[--n] = '\0';
	p = name;
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		dstr_printf(err, "%s: line %d: %s... illegal alias name\n", path, line, s);
		free(name);
		return 0;
	}
	value = colon + 1;
	while (isspace((unsigned char)*value))
		value++;
	n = strlen(value);
	while (n > 0 && isspace((unsigned char)value[n - 1]))
		value[--n] = '\0';
	if (*value == '\0') {
		dstr_printf(err, "%s: line %d: %s... missing value for alias\n", path, line, s);
		free(name);
		return 0;
	}
	(*count)++;
	rc = fn(arg, p, value, line);
	free(name);
	return rc;
}

/* alias_file_read: a logical line is a non-empty physical line with the
 * lines after it that start with a blank; it is reported by the number
 * of its last physical line, as sendmail does.  Comments swallow their
 * continuation lines too; a logical line that itself starts with a blank
 * (after an empty line) is an error. */
int
alias_file_read(const char *path,
    int (*fn)(void *arg, const char *name, const char *value, int line),
    void *arg, dstr *err)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	dstr cur = DSTR_INIT;
	int lineno = 0, count = 0, stop = 0, c;

	if (fp == NULL) {
		dstr_printf(err, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	while (!stop && (len = getline(&line, &cap, fp)) >= 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '\0')
			continue;
		dstr_set(&cur, line);
		/* the line break goes, the continuation's blanks stay */
		while ((c = getc(fp)) == ' ' || c == '\t') {
			ungetc(c, fp);
			if ((len = getline(&line, &cap, fp)) < 0)
				break;
			lineno++;
			while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
				line[--len] = '\0';
			dstr_puts(&cur, line);
		}
		if (c != EOF)
			ungetc(c, fp);
		if (cur.s[0] == '#')
			continue;
		if (cur.s[0] == ' ' || cur.s[0] == '\t') {
			dstr_printf(err, "%s: line %d: Non-continuation line starts with space\n",
			    path, lineno);
			continue;
		}
		stop = entry(path, &cur, lineno, fn, arg, err, &count);
	}
	free(line);
	fclose(fp);
	dstr_free(&cur);
	return count;
}
