/* smtpd_help: HELP from the HelpFile (see smtpd_help.h).  A help file
 * holds "key<TAB>text" lines; "#" lines are comments, except "#vers N",
 * which tells the file's format: from version 2 on the text may use
 * $-macros, before it the answer to a bare HELP starts with a line
 * naming the version (old files did not carry one). */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sendmail/smtpd_help.h"

/* help_version: the N of a "#vers N" line, or -1 */
static int
help_version(const char *line)
{
	if (strncmp(line, "#vers", 5) != 0 || !isspace((unsigned char)line[5]))
		return -1;
	return atoi(line + 6);
}

/* help_line: one "214-2.0.0 text" line for a matching help line */
static void
help_line(const char *line, int vers, const struct macro_table *mt, dstr *reply)
{
	const char *tab = strchr(line, '\t');
	const char *text = tab ? tab + 1 : "";

	dstr_puts(reply, "214-2.0.0 ");
	if (vers >= 2 && mt)
		macro_expand(mt, text, reply);
	else
		dstr_puts(reply, text);
	dstr_puts(reply, "\r\n");
}

void
smtpd_help(const char *helpfile, const char *topic, const struct macro_table *mt,
    const char *version, dstr *reply)
{
	FILE *fp = helpfile && *helpfile ? fopen(helpfile, "r") : NULL;
	char *line = NULL, *t;
	size_t cap = 0, tl;
	ssize_t n;
	int vers = 1, found = 0;
	dstr key = DSTR_INIT;

	if (fp == NULL) {
		dstr_printf(reply, "502 5.3.0 Sendmail %s -- HELP not implemented\r\n",
		    version ? version : "");
		return;
	}
	dstr_puts(&key, *topic ? topic : "smtp");
	for (t = key.s; *t; t++)
		*t = (char)tolower((unsigned char)*t);
	tl = key.len;
	while ((n = getline(&line, &cap, fp)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#') {
			if (help_version(line) >= 0)
				vers = help_version(line);
			continue;
		}
		if (strncmp(line, key.s, tl) != 0)
			continue;
		if (!found && *topic == '\0' && vers < 2)
			dstr_printf(reply, "214-2.0.0 This is Sendmail version %s\r\n",
			    version ? version : "");
		found = 1;
		help_line(line, vers, mt, reply);
	}
	free(line);
	fclose(fp);
	if (found || *topic == '\0')
		dstr_puts(reply, "214 2.0.0 End of HELP info\r\n");
	else
		dstr_printf(reply, "504 5.3.0 HELP topic \"%s\" unknown\r\n", key.s);
	dstr_free(&key);
}
