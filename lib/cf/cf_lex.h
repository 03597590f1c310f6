/* cf_lex: the hand-written lexer under cf_grammar.y.  It folds
 * continuation lines, strips comments, and cuts each logical line into
 * the tokens its kind letter calls for.  Only cf_reader.c and the
 * generated parser use it. */
#ifndef SW_CF_LEX_H
#define SW_CF_LEX_H
#include <stddef.h>
#include "base/dstr.h"
#include "base/pool.h"
#include "cf/cf_reader.h"

struct cf_lexer {
	const char *name;	/* file name for messages */
	const char *p, *end;	/* unread input */
	int lineno;		/* next physical line number */
	pool *pool;
	dstr line;		/* current logical line */
	int line_start;		/* its first physical line */
	const char *lp;		/* position inside line */
	int kind;		/* kind letter of the line being lexed */
	int state;		/* per-kind progress */
	int at_eol;		/* EOL token already given */
	struct cf_file *cf;
	dstr *errs;
	struct cf_item cur;	/* item being built by the grammar */
	char **words;		/* words collected for cur */
	size_t nwords, capwords;
};

void cf_lex_init(struct cf_lexer *lx, const char *name, const char *text,
    size_t len, struct cf_file *cf, dstr *errs);
void cf_lex_free(struct cf_lexer *lx);
void cf_lex_error(struct cf_lexer *lx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
