/* mcscan: reads an .mc the way m4 will (quotes, comments, dnl, calls
 * and their arguments) without expanding anything: where a quote or a
 * parenthesis was left open, where a typographic quote was pasted, and
 * where each FEATURE, MAILER, define and include sits.  Used by mclint,
 * cflint (to blame .cf lines on .mc lines) and explain. */
#ifndef CFC_MCSCAN_H
#define CFC_MCSCAN_H
#include <stddef.h>

struct mc_call {
	char *name;		/* the macro called */
	int line;		/* line of its name */
	int depth;		/* 0: at top level; n: inside n other calls */
	size_t nargs;
	char **args;		/* as m4 collects them: leading white space
				 * dropped, one level of quotes removed */
	char **raw;		/* the same with their quotes, for checks
				 * of the quoting itself */
	int *arg_line;		/* line each argument starts on */
	int closed;		/* its ) was found */
};

/* a character that looks like a quote but is not one of m4's */
struct mc_typo {
	int line, col;		/* col counts bytes from 1 */
	unsigned cp;		/* the Unicode code point */
	int in_quote;		/* inside a quoted string */
};

struct mc_word {
	char *name;
	int line;
};

struct mc_scan {
	char *file;
	int nlines;
	struct mc_call *calls;	/* in the order their names appear */
	size_t ncalls, capcalls;
	struct mc_word *words;	/* every identifier outside comments */
	size_t nwords, capwords;
	struct mc_typo *typos;
	size_t ntypos, captypos;
	int open_quote_line;	/* a quote still open at the end: where the
				 * outermost one was opened (0: none) */
	int open_quote_col;
	char *open_quote_text;	/* what follows that quote on its line */
	long open_call;		/* the outermost call still open at the end
				 * (index into calls), -1: none */
	int crlf_line;		/* first line ending in CR LF (0: none) */
	int quotes_changed;	/* changequote was used: quote checks are
				 * only as good as our reading of it */
};

/* mcscan_file: scan path; -1 (errno set) when it cannot be read. */
int mcscan_file(const char *path, struct mc_scan *sc);
/* mcscan_text: the same over text in memory, named name in results. */
void mcscan_text(const char *name, const char *text, size_t len,
    struct mc_scan *sc);
void mcscan_free(struct mc_scan *sc);

/* mcscan_find: the last call of macro name whose first argument is arg1
 * (any first argument when arg1 is NULL); NULL when there is none. */
const struct mc_call *mcscan_find(const struct mc_scan *sc, const char *name,
    const char *arg1);
/* mcscan_first: the first call of name, NULL when there is none. */
const struct mc_call *mcscan_first(const struct mc_scan *sc, const char *name);
/* mcscan_word_count: how often word appears (quoted or not, outside
 * comments). */
size_t mcscan_word_count(const struct mc_scan *sc, const char *word);
/* mcscan_is_builtin: one of GNU m4's builtin macro names. */
int mcscan_is_builtin(const char *name);
/* mcscan_builtins: the builtin names, NULL-terminated. */
const char *const *mcscan_builtins(void);

#endif
