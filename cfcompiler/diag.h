/* diag: the diagnostics cfcompiler collects while it checks an .mc and
 * the .cf made from it, printed at the end as "<file>:<line>: error|
 * warning: <message>" in file and line order.  Every check module adds
 * to one list; main prints it and decides the exit status. */
#ifndef CFC_DIAG_H
#define CFC_DIAG_H
#include <stddef.h>
#include <stdio.h>

enum diag_sev {
	DIAG_WARNING = 0,
	DIAG_ERROR = 1
};

struct diag {
	int sev;		/* enum diag_sev */
	char *file;		/* NULL: about the run, not a file */
	int line;		/* 0: the file as a whole */
	char *msg;
	size_t order;		/* insertion order, keeps sorting stable */
};

struct diag_list {
	struct diag *v;
	size_t n, cap;
	char **files;		/* file names in the order first seen: the .mc
				 * first, so its lines print before those of
				 * files it includes */
	size_t nfiles;
};

void diag_init(struct diag_list *l);
void diag_free(struct diag_list *l);
/* diag_add: one problem.  An exact repeat (same file, line, severity and
 * text) is dropped. */
void diag_add(struct diag_list *l, int sev, const char *file, int line,
    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* diag_file: file's diagnostics print before those of files named
 * later (main names the .mc first). */
void diag_file(struct diag_list *l, const char *file);
/* diag_at_line: is any diagnostic recorded for file:line? */
int diag_at_line(const struct diag_list *l, const char *file, int line);
size_t diag_count(const struct diag_list *l, int sev);
/* diag_print: sorted by file (first seen first), line, then the order
 * they were found in. */
void diag_print(struct diag_list *l, FILE *fp);

#endif
