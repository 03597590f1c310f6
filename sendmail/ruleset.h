/* ruleset: compiled rewriting rules.  S lines name or number rulesets
 * (numbers below 100; names get numbers from 199 down, as sendmail
 * gives them); R lines are compiled once, at load, into patterns and
 * templates the rule engine (rewrite.c) runs without re-parsing. */
#ifndef SW_RULESET_H
#define SW_RULESET_H
#include <stddef.h>
#include <stdint.h>
#include "base/dstr.h"
#include "base/pool.h"
#include "addr/addr_token.h"

#define MAXRWSETS 200		/* ruleset numbers 0..199 */
#define MAXNUMRWSETS 100	/* numbers a config may give */

enum pat_kind {
	P_LIT,			/* a word, matched without case */
	P_OP,			/* a metasymbol token: $| $# $: ... */
	P_ZANY,			/* $* */
	P_ANY,			/* $+ */
	P_ONE,			/* $- */
	P_ZERO,			/* $@ */
	P_CLASS,		/* $=X */
	P_NCLASS,		/* $~X */
	P_DEFER			/* $&x */
};

struct pat {
	uint8_t kind;
	uint8_t op;		/* P_OP */
	int id;			/* class or macro id */
	const char *s;		/* P_LIT text, lower case */
	uint32_t len;
	uint32_t minrest;	/* fewest tokens this element and the ones
				 * after it can match (the matcher stops
				 * trying longer extents below it) */
	const char *text;	/* as printed by =S */
};

enum tpl_kind {
	T_LIT,			/* a word */
	T_OP,			/* $# $@ $: $| $[ $] $( $) $> */
	T_REPL,			/* $1..$9 */
	T_DEFER			/* $&x */
};

struct tpl {
	uint8_t kind;
	uint8_t op;		/* T_OP: the token; T_LIT: 1 for a $> target */
	int n;			/* T_REPL index, T_DEFER macro id, $> target
				 * ruleset + 1 (0 while unresolved) */
	const char *s;
	uint32_t len;
	const char *text;	/* as printed by =S */
	int ran;		/* a $> target that has been called: sendmail
				 * then shows it by its bare name */
};

struct rule {
	struct pat *lhs;
	size_t nlhs;
	struct tpl *rhs;	/* without the $: / $@ prefix */
	size_t nrhs;
	int prefix;		/* 0, '@' or ':' */
	const char *prefix_text;
	int nvars;		/* LHS elements that bind $n */
	size_t minlen;		/* fewest tokens the LHS can match */
	int key;		/* an LHS word or operator the workspace must
				 * hold for the rule to match (the least
				 * common looking one), or -1 */
	const char *file;
	int line;
};

struct ruleset {
	const char *name;	/* NULL for an unnamed (numbered) ruleset */
	int defined;		/* an S line declared it */
	struct rule *rules;
	size_t n, cap;
};

struct ruleset_table {
	struct ruleset rs[MAXRWSETS];
	int next_named;		/* next number for a named ruleset */
};

struct class_table;
struct macro_table;

void ruleset_table_init(struct ruleset_table *t);
/* ruleset_lookup: number of a ruleset given by name or number; -1 if
 * unknown.  ruleset_declare: the same, creating named rulesets. */
int ruleset_lookup(const struct ruleset_table *t, const char *name);
int ruleset_declare(struct ruleset_table *t, const char *name, int create, dstr *msg);
/* ruleset_display_name: what traces print: the name, or the number. */
const char *ruleset_display_name(const struct ruleset_table *t, int rs, char buf[16]);

/* rule_compile: compile one R line into ruleset rs.  Read-time macro
 * expansion uses macros; warnings go to msg (one line each, no
 * file:line prefix).  Returns 0, or -1 if the rule was dropped. */
int rule_compile(struct ruleset_table *t, int rs, const char *lhs,
    const char *rhs, const struct macro_table *macros,
    const struct addr_syntax *syn, pool *p, const char *file, int line,
    dstr *msg);

/* ruleset_resolve_calls: after the whole config is read, give every
 * $>name its ruleset number; names never defined stay unresolved (a
 * call to them is reported when it runs). */
void ruleset_resolve_calls(struct ruleset_table *t);

/* rule_print: the rule as -bt's =S shows it. */
void rule_print(const struct rule *r, dstr *out);

#endif
