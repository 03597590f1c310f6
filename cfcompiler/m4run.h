/* m4run: runs GNU m4 over an .mc with the cf library and keeps, for
 * every .cf line, the input file and line that produced it (m4's -s
 * sync lines, taken out of the text).  Called by main.  A prologue points
 * includes of .../cf.m4 at our library; an epilogue marks the end of
 * the .mc, so text its body copied into the output can be told apart. */
#ifndef CFC_M4RUN_H
#define CFC_M4RUN_H
#include <stddef.h>
#include "base/dstr.h"

struct m4_origin {
	const char *file;	/* interned in files; NULL: unknown */
	int line;
};

struct m4_result {
	int status;		/* m4's exit status; -1: it could not run */
	dstr out;		/* the .cf text, sync lines removed */
	dstr err;		/* what m4 printed on its standard error */
	struct m4_origin *origin;	/* origin[i]: .cf line i + 1 */
	size_t nlines;
	size_t input_lines;	/* .cf lines 1..input_lines were written
				 * while the input was read (the .mc's
				 * own text); 0 when the end marker was
				 * never reached */
	int saw_marker;
	char *partial;		/* text the .mc body left unterminated at its
				 * end (a dnl ate the newline): it begins the
				 * next .cf line, input_lines + 1 */
	struct m4_origin partial_origin;
	char **files;
	size_t nfiles;
	char *prologue;		/* our temporary m4 files: not the user's */
	char *epilogue;
};

/* m4run_compile: run m4 (path m4) on mc with the library in libdir;
 * preload: the .mc does not include cf.m4 itself, so load it first.
 * Returns 0 when m4 ran (look at r->status), -1 with a reason in why. */
int m4run_compile(const char *m4, const char *libdir, const char *mc,
    int preload, struct m4_result *r, dstr *why);
/* m4run_parse: split raw m4 -s output into r->out and r->origin (used
 * by m4run_compile; public for the unit tests). */
void m4run_parse(struct m4_result *r, const char *raw, size_t len);
void m4run_init(struct m4_result *r);
void m4run_free(struct m4_result *r);
/* m4run_marker: the line the epilogue writes */
const char *m4run_marker(void);

#endif
