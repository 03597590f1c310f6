/* addr_token: sendmail's address tokenizer ("prescan").  Splits an
 * address into the tokens rulesets work on, driven by the config's
 * operator characters ($o), and reports sendmail's syntax errors
 * (unbalanced quotes and angle brackets, 8-bit bytes, overlong input).
 * Used by the rule engine, -bt, the SMTP server and header parsing. */
#ifndef SW_ADDR_TOKEN_H
#define SW_ADDR_TOKEN_H
#include <stddef.h>
#include <stdint.h>
#include "base/dstr.h"
#include "base/pool.h"

/* Metasymbols that may stand in a token list beside text tokens.  A
 * token with op != TOK_TEXT prints as "$" followed by its letter. */
enum tok_op {
	TOK_TEXT = 0,
	TOK_CANONNET,		/* $# */
	TOK_CANONHOST,		/* $@ */
	TOK_CANONUSER,		/* $: */
	TOK_CONDELSE,		/* $| */
	TOK_HOSTBEGIN,		/* $[ */
	TOK_HOSTEND,		/* $] */
	TOK_LOOKUPBEGIN,	/* $( */
	TOK_LOOKUPEND,		/* $) */
	TOK_CALLSUBR,		/* $> */
	TOK_OP_MAX
};

struct tok {
	const char *s;		/* NUL-terminated text ("" for metasymbols) */
	uint32_t len;
	uint8_t op;		/* enum tok_op */
	int16_t aux;		/* rule engine cache: ruleset or map index + 1 */
};

/* The config's syntax for addresses. */
struct addr_syntax {
	unsigned char opchar[256];	/* 1 for each $o character */
};

void addr_syntax_init(struct addr_syntax *syn, const char *opchars);

enum tok_mode {
	TOK_MODE_TEST,		/* -bt input: parentheses are plain tokens */
	TOK_MODE_EXTERNAL,	/* addresses from mail: (comments) dropped */
	TOK_MODE_INTERNAL,	/* map results and macro values */
	TOK_MODE_RULE		/* rule text: TOK_RULE_MARK bytes are
				 * single-character tokens, no length limit */
};

/* In TOK_MODE_RULE, each TOK_RULE_MARK byte stands for one rule
 * operator ($*, $1, $>, ...) that the caller keeps on the side. */
#define TOK_RULE_MARK 0x80

#define ADDR_MAXLEN 255		/* sendmail's MAXNAME - 1 */

struct toklist {
	struct tok *v;
	size_t n, cap;
};

/* toklist_push: append t; inline, as the rule engine pushes a token at
 * a time (toklist_grow makes room) */
void toklist_grow(struct toklist *l);
static inline void
toklist_push(struct toklist *l, struct tok t)
{
	if (l->n == l->cap)
		toklist_grow(l);
	l->v[l->n++] = t;
}
void toklist_free(struct toklist *l);

/* addr_tokenize: tokenize the address starting at in, ending at the
 * delimiter character delim (',' in lists, '\0' for none) or the end of
 * the string.  Token text is allocated from pool.  *endp is set to the
 * delimiter (or the end).  Soft errors (unbalanced brackets, which are
 * repaired) and hard errors are appended to err as sendmail words them,
 * one per line ("<text>... Unbalanced '<'").  Returns 0 on success or
 * after soft errors, -1 on a hard error (no tokens). */
int addr_tokenize(const struct addr_syntax *syn, const char *in, int delim,
    enum tok_mode mode, pool *p, struct toklist *out, const char **endp,
    dstr *err);
/* addr_8bit_error: 1 when addr_tokenize rejects in (outside rule text)
 * for an 8-bit control byte, the error sendmail counts as a usage error
 * (-bt then exits 64) */
int addr_8bit_error(const char *in);

/* tok_print: append " tok" for each token, as sendmail's -bt prints a
 * token list (control characters are not shown). */
void tok_print(dstr *d, const struct tok *v, size_t n);
/* tok_join: the tokens concatenated with no separator (map keys). */
void tok_join(dstr *d, const struct tok *v, size_t n);
const char *tok_op_name(int op);	/* "$#" ... */

#endif
