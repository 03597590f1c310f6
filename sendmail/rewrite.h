/* rewrite: the rule engine.  Runs a token list through a ruleset the
 * way sendmail 8.17 does: leftmost-shortest matching with backtracking,
 * $n substitution, $&x, map and host lookups, $> subroutine calls, the
 * $: / $@ / $# controls, the 100-iteration loop guard and the recursion
 * limit.  Called by -bt, the SMTP server (check_* rulesets), address
 * parsing and header rewriting. */
#ifndef SW_REWRITE_H
#define SW_REWRITE_H
#include "base/dstr.h"
#include "base/pool.h"
#include "addr/addr_token.h"
#include "sendmail/conf.h"

#define MAX_RULE_RECURSION 50
#define MAX_RULE_LOOPS 100
#define MAXATOM 1000

struct rw_env {
	struct conf *conf;
	const struct macro_table *macros;	/* for $&x (envelope macros) */
	pool *pool;			/* text of tokens made while rewriting */
	dstr *out;			/* -bt output: traces and messages; NULL = quiet */
};

/* rewrite: rewrite *ws through ruleset rs.  Returns sendmail's status:
 * EX_OK, EX_TEMPFAIL when a lookup deferred, EX_CONFIG on runaway
 * recursion, EX_DATAERR when the result grew too long. */
int rewrite(struct rw_env *env, struct toklist *ws, int rs);
/* rw_triple: where the parts of a "$# mailer $@ host $: user" result lie
 * in ws: host tokens [*hs, *he), user tokens [*us, ws->n), a start of 0
 * for a part that is absent.  0 when ws is no such result. */
int rw_triple(const struct toklist *ws, size_t *hs, size_t *he, size_t *us);

/* rw_message: a message line in the output stream (-bt), if any. */
void rw_message(struct rw_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
