/* imap_parse: IMAP4rev1 command syntax.  A command arrives as one buffer
 * holding its lines and literals exactly as sent ("{5}\r\n" + 5 octets
 * inline); imap_parse_command() turns it into a tag, a name and an
 * argument tree without copying more than quoted strings.  Pure code,
 * no I/O: the session reads, this parses, and the fuzzer drives it. */
#ifndef SW_IMAP_PARSE_H
#define SW_IMAP_PARSE_H
#include <stddef.h>
#include <stdint.h>
#include "base/pool.h"

#define IMAP_MAX_LIST_DEPTH 32
#define IMAP_MAX_ARGS 100000

enum imap_arg_type {
	IMAP_ARG_ATOM = 1,	/* may contain [...] with spaces: BODY[HEADER.FIELDS (A B)] */
	IMAP_ARG_QUOTED,
	IMAP_ARG_LITERAL,
	IMAP_ARG_LIST
};

struct imap_arg {
	enum imap_arg_type type;
	const char *s;		/* NUL-terminated (literals may hold NULs: use len) */
	size_t len;
	struct imap_arg *list;	/* IMAP_ARG_LIST */
	size_t n;
};

struct imap_cmd {
	const char *tag;	/* NULL when even the tag was unusable */
	const char *name;	/* upper-cased */
	struct imap_arg *args;
	size_t nargs;
};

/* imap_parse_command: 0, or -1 with *err saying what is wrong (cmd->tag
 * is set when the tag was fine, so the BAD reply can be tagged) */
int imap_parse_command(pool *p, const char *buf, size_t len, struct imap_cmd *cmd,
    const char **err);
/* imap_literal_at_end: does the line end with a literal announcement?
 * 1 with *n and *nonsync ({n+}), 0 no, -1 malformed number */
int imap_literal_at_end(const char *line, size_t len, uint64_t *n, int *nonsync);
/* imap_arg_string: text of an atom/quoted/literal (astring), NULL for a list */
const char *imap_arg_string(const struct imap_arg *a);
/* imap_arg_is: atom equal to word, case-insensitive */
int imap_arg_is(const struct imap_arg *a, const char *word);

#endif
