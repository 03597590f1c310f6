/* cf_reader: reads a version 10 sendmail.cf into a list of typed items
 * (one per logical line) with their file and line, using the Bison
 * grammar in cf_grammar.y.  Shared by sendmail (which gives the items
 * their meaning) and cfcompiler (which lints them).  The reader knows
 * the line structure only: comments, continuation lines, and the fields
 * of each line kind; macro, ruleset and option semantics live with the
 * callers. */
#ifndef SW_CF_READER_H
#define SW_CF_READER_H
#include <stddef.h>
#include "base/dstr.h"
#include "base/pool.h"

enum cf_kind {
	CF_VERSION = 'V',	/* V<level>[/<vendor>] */
	CF_DEFINE = 'D',	/* D<macro><value> */
	CF_CLASS = 'C',		/* C<class> <word>... */
	CF_FILECLASS = 'F',	/* F<class>[-o] <file|program> [<scanf format>] */
	CF_OPTION = 'O',	/* O <Name>=<value> or O<c><value> */
	CF_HEADER = 'H',	/* H[?<flags>?]<name>: <value> */
	CF_MAP = 'K',		/* K<name> <class> <args> */
	CF_MAILER = 'M',	/* M<name>, <field>=<value>, ... */
	CF_RULESET = 'S',	/* S<number> | S<name>[=<number>] */
	CF_RULE = 'R',		/* R<lhs> TAB <rhs> [TAB <comment>] */
	CF_PRECEDENCE = 'P',	/* P<name>=<number> */
	CF_TRUSTED = 'T',	/* T<user>... (obsolete trusted users) */
	CF_ENVIRON = 'E',	/* E<name>[=<value>] */
	CF_QGROUP = 'Q',	/* Q<name>, <field>=<value>, ... */
	CF_FILTER = 'X',	/* X<name>, <field>=<value>, ... */
	CF_LOCAL = 'L',		/* L<text>: site-local line, kept but unused */
	CF_ERROR = '!'		/* not a line kind: a syntax error, in text */
};

struct cf_item {
	int kind;		/* enum cf_kind */
	const char *file;
	int line;		/* line of the item's first physical line */
	const char *text;	/* the whole logical line, comments removed */
	const char *name;	/* D/C/F: macro or class name (one char or a
				 * long name without braces); O: option name
				 * (long, or the one-letter short name);
				 * H: header name; K/M/Q/X: name; S: ruleset
				 * name or number; P, E: name */
	const char *value;	/* D: value (raw, macros unexpanded); O: value;
				 * H: value; K: class and arguments; S: the
				 * number after '=' (or NULL); P: number;
				 * E: value (NULL without '='); V: level;
				 * F: file or |program; L: text */
	const char *extra;	/* H: ?flags? contents (NULL if none);
				 * V: vendor; F: scanf format (NULL if none);
				 * O: non-NULL ("1") for a short option */
	int optional;		/* F: the -o flag */
	const char *lhs, *rhs, *comment;	/* R */
	char **words;		/* C, T: words; M, Q, X: "F=value" fields */
	size_t nwords;
};

struct cf_file {
	pool *pool;		/* owns every string of the items */
	struct cf_item *items;
	size_t nitems, cap;
	int nerrors;
};

/* cf_read: parse path.  Syntax errors become CF_ERROR items in file
 * order and are also appended to errs (if not NULL), one per line, in
 * sendmail's layout "<file>: line <n>: <message>".  Returns 0 when the
 * file could be read (items may still be partial after syntax errors;
 * nerrors counts them), -1 when it could not be opened. */
int cf_read(const char *path, struct cf_file *cf, dstr *errs);
/* cf_read_buffer: the same over text in memory (name is used in
 * messages). */
int cf_read_buffer(const char *name, const char *text, size_t len,
    struct cf_file *cf, dstr *errs);
void cf_file_free(struct cf_file *cf);
/* cf_put_where: "FILE: line N: " as sendmail words a message about a
 * file's line: a FILE name of 83 bytes or more is shortened to its first
 * and last 40 around "..." (sendmail's shortenstring) */
void cf_put_where(dstr *out, const char *file, int line);

#endif
