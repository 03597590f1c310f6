/* rewrite: the rule engine (see rewrite.h).  A rule's left side is
 * matched against the workspace by depth-first search, each variable
 * element trying its shortest extent first; the right side is built
 * into a fresh list, then lookups, then subroutine calls are done. */
#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "base/xalloc.h"
#include "addr/addr_util.h"
#include "sendmail/rewrite.h"

struct binding {
	size_t start, end;
};

struct matcher {
	struct rw_env *env;
	const struct rule *r;
	const struct tok *v;
	size_t n;
	struct binding *b;	/* one per variable element */
	dstr phrase;		/* scratch for class phrases */
};

void
rw_message(struct rw_env *env, const char *fmt, ...)
{
	va_list ap;

	if (env->out == NULL)
		return;
	va_start(ap, fmt);
	dstr_vprintf(env->out, fmt, ap);
	va_end(ap);
	dstr_putc(env->out, '\n');
}

/* rw_error: rw_message for what sendmail reports as a system error:
 * it also sets the exit code (-bt then exits 70) */
static void
rw_error(struct rw_env *env, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
rw_error(struct rw_env *env, const char *fmt, ...)
{
	va_list ap;

	if (env->conf->exit_status == 0)
		env->conf->exit_status = EX_SOFTWARE;
	if (env->out == NULL)
		return;
	va_start(ap, fmt);
	dstr_vprintf(env->out, fmt, ap);
	va_end(ap);
	dstr_putc(env->out, '\n');
}

/* lower: ASCII case folding without a call per byte (patterns are kept
 * folded the same way, see lower_dup in ruleset.c) */
static inline unsigned char
lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + ('a' - 'A')) : c;
}

static inline int
tok_eq_lit(const struct tok *t, const struct pat *p)
{
	uint32_t i;

	if (t->op != TOK_TEXT || t->len != p->len)
		return 0;
	for (i = 0; i < p->len; i++)
		if (lower((unsigned char)t->s[i]) != (unsigned char)p->s[i])
			return 0;
	return 1;
}

static int
in_class(const struct conf *c, int cls, const struct tok *t)
{
	return t->op == TOK_TEXT && class_has(c->classes, cls, t->s, t->len);
}

/* deferred_value: the text of $&x at match or build time. */
static void
deferred_value(struct rw_env *env, int id, dstr *out)
{
	const char *v = macro_get(env->macros, id);

	if (v != NULL)
		macro_expand(env->macros, v, out);
}

static int match_at(struct matcher *m, size_t pi, size_t wi, int vi);

/* has_key: the workspace holds the rule's key element somewhere (see
 * struct rule); a cheap test that spares most rules the matcher */
static int
has_key(const struct rule *r, const struct toklist *ws)
{
	const struct pat *k;
	size_t i;

	if (r->key < 0)
		return 1;
	k = &r->lhs[r->key];
	for (i = 0; i < ws->n; i++) {
		if (k->kind == P_OP ? ws->v[i].op == k->op : tok_eq_lit(&ws->v[i], k))
			return 1;
	}
	return 0;
}

static int
match_defer(struct matcher *m, size_t pi, size_t wi, int vi)
{
	dstr val = DSTR_INIT;
	size_t off = 0, w = wi;
	int ok;

	deferred_value(m->env, m->r->lhs[pi].id, &val);
	while (off < val.len) {
		const struct tok *t = &m->v[w];

		if (w >= m->n || t->op != TOK_TEXT || t->len == 0 ||
		    t->len > val.len - off ||
		    strncasecmp(val.s + off, t->s, t->len) != 0) {
			dstr_free(&val);
			return 0;
		}
		off += t->len;
		w++;
	}
	dstr_free(&val);
	ok = match_at(m, pi + 1, w, vi);
	return ok;
}

static int
match_at(struct matcher *m, size_t pi, size_t wi, int vi)
{
	const struct rule *r = m->r;
	const struct pat *p;
	size_t e, maxlen;

	if (pi == r->nlhs)
		return wi == m->n;
	p = &r->lhs[pi];
	if (m->n - wi < p->minrest)
		return 0;	/* not enough tokens left for the rest */
	switch (p->kind) {
	case P_LIT:
		return wi < m->n && tok_eq_lit(&m->v[wi], p) &&
		    match_at(m, pi + 1, wi + 1, vi);
	case P_OP:
		return wi < m->n && m->v[wi].op == p->op &&
		    match_at(m, pi + 1, wi + 1, vi);
	case P_ZERO:
		return match_at(m, pi + 1, wi, vi);
	case P_DEFER:
		return match_defer(m, pi, wi, vi);
	case P_ONE:
		if (wi >= m->n)
			return 0;
		m->b[vi].start = wi;
		m->b[vi].end = wi + 1;
		return match_at(m, pi + 1, wi + 1, vi + 1);
	case P_NCLASS:
		if (wi >= m->n || in_class(m->env->conf, p->id, &m->v[wi]))
			return 0;
		m->b[vi].start = wi;
		m->b[vi].end = wi + 1;
		return match_at(m, pi + 1, wi + 1, vi + 1);
	case P_ZANY:
	case P_ANY:
		m->b[vi].start = wi;
		if (pi + 1 == r->nlhs) {
			/* last element: takes everything left */
			if (p->kind == P_ANY && wi >= m->n)
				return 0;
			m->b[vi].end = m->n;
			return 1;
		}
		for (e = wi + (p->kind == P_ANY); e + r->lhs[pi + 1].minrest <= m->n; e++) {
			const struct pat *next = &r->lhs[pi + 1];

			/* a literal or operator must come next: skip
			 * hopeless extents */
			if (next->kind == P_LIT && (e >= m->n || !tok_eq_lit(&m->v[e], next)))
				continue;
			if (next->kind == P_OP && (e >= m->n || m->v[e].op != next->op))
				continue;
			m->b[vi].end = e;
			if (match_at(m, pi + 1, e, vi + 1))
				return 1;
		}
		return 0;
	case P_CLASS:
		maxlen = class_maxlen(m->env->conf->classes, p->id);
		m->b[vi].start = wi;
		dstr_clear(&m->phrase);
		for (e = wi; e < m->n; e++) {
			const struct tok *t = &m->v[e];

			if (t->op != TOK_TEXT)
				break;
			dstr_append(&m->phrase, t->s, t->len);
			if (m->phrase.len > maxlen)
				break;
			if (class_has(m->env->conf->classes, p->id, m->phrase.s, m->phrase.len)) {
				size_t keep = m->phrase.len;

				m->b[vi].end = e + 1;
				if (match_at(m, pi + 1, e + 1, vi + 1))
					return 1;
				dstr_truncate(&m->phrase, keep);
			}
		}
		return 0;
	}
	return 0;
}

static struct tok
op_tok(int op)
{
	struct tok t = { "", 0, (uint8_t)op, 0 };

	return t;
}

/* tokenize_into: append the tokens of text (a map result or macro
 * value) to l. */
static void
tokenize_into(struct rw_env *env, const char *text, struct toklist *l)
{
	const char *end;

	addr_tokenize(&env->conf->int_syntax, text, '\0', TOK_MODE_INTERNAL,
	    env->pool, l, &end, NULL);
}

/* build_rhs: the right side with $n and $&x filled in; -1 (after the
 * message) when it names a $n its left side does not bind */
static int
build_rhs(struct rw_env *env, int rs, struct rule *r, const struct tok *v,
    const struct binding *b, struct toklist *out)
{
	size_t i, k;
	char buf[16];

	out->n = 0;
	for (i = 0; i < r->nrhs; i++) {
		struct tpl *t = &r->rhs[i];
		struct tok tk;

		switch (t->kind) {
		case T_LIT:
			if (t->op == 1 && t->n > 0)
				t->ran = 1;
			tk.s = t->s;
			tk.len = t->len;
			tk.op = TOK_TEXT;
			tk.aux = (int16_t)t->n;
			toklist_push(out, tk);
			break;
		case T_OP:
			toklist_push(out, op_tok(t->op));
			break;
		case T_REPL:
			if (t->n < 1 || t->n > r->nvars) {
				rw_message(env, "rewrite: ruleset %s: replacement $%d out of bounds",
				    ruleset_display_name(&env->conf->rules, rs, buf), t->n);
				return -1;
			}
			for (k = b[t->n - 1].start; k < b[t->n - 1].end; k++)
				toklist_push(out, v[k]);
			break;
		case T_DEFER: {
			dstr val = DSTR_INIT;

			deferred_value(env, t->n, &val);
			tokenize_into(env, dstr_cstr(&val), out);
			dstr_free(&val);
			break;
		}
		}
	}
	return 0;
}

static void
splice(struct toklist *l, size_t from, size_t to, const struct tok *rep, size_t nrep)
{
	size_t tail = l->n - to;

	while (from + nrep + tail > l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	/* an empty list may have no array: no pointer arithmetic on it */
	if (tail)
		memmove(&l->v[from + nrep], &l->v[to], tail * sizeof(*l->v));
	if (nrep)
		memcpy(&l->v[from], rep, nrep * sizeof(*rep));
	l->n = from + nrep + tail;
}

static map *
lookup_map(struct rw_env *env, const struct tok *name)
{
	struct conf *c = env->conf;
	char nm[256];
	int idx;

	if (name->aux > 0)
		return conf_map_by_index(c, name->aux);
	snprintf(nm, sizeof(nm), "%s", name->s);
	idx = conf_map_index(c, nm);
	return idx > 0 ? conf_map_by_index(c, idx) : NULL;
}

/* do_lookups: replace each $( map key $@ arg $: default $) and
 * $[ host $: default $] with the lookup's result.  No nesting: a
 * lookup ends at the first closing token, as in sendmail. */
static int
do_lookups(struct rw_env *env, struct toklist *l)
{
	int status = EX_OK;
	size_t i = 0;

	while (i < l->n) {
		int begin = l->v[i].op, endop;
		size_t j, e, keyend, defstart = 0;
		int has_default = 0, nargs = 0, st = EX_OK;
		const char *args[10];
		dstr key = DSTR_INIT, argbuf[10];
		struct toklist rep = { 0 };
		const struct tok *namet = NULL;
		map *mp = NULL;
		char *val = NULL;
		int m;

		if (begin != TOK_HOSTBEGIN && begin != TOK_LOOKUPBEGIN) {
			i++;
			continue;
		}
		endop = begin == TOK_HOSTBEGIN ? TOK_HOSTEND : TOK_LOOKUPEND;
		j = i + 1;
		if (begin == TOK_LOOKUPBEGIN && j < l->n && l->v[j].op == TOK_TEXT)
			namet = &l->v[j++];
		for (e = j; e < l->n && l->v[e].op != endop; e++)
			;
		for (m = 0; m < 10; m++)
			dstr_init(&argbuf[m]);
		/* key, then $@ arguments, then $: default; words are joined
		 * with BlankSub as sendmail joins addresses */
		for (keyend = j; keyend < e && l->v[keyend].op != TOK_CANONHOST &&
		    l->v[keyend].op != TOK_CANONUSER; keyend++)
			;
		addr_cat(&env->conf->syntax, &l->v[j], keyend - j, env->conf->blanksub, &key);
		for (m = keyend; (size_t)m < e; ) {
			if (l->v[m].op == TOK_CANONUSER) {
				has_default = 1;
				defstart = (size_t)m + 1;
				break;
			}
			if (l->v[m].op == TOK_CANONHOST && nargs < 9) {
				size_t a = (size_t)m + 1, a0 = a;

				while (a < e && l->v[a].op != TOK_CANONHOST &&
				    l->v[a].op != TOK_CANONUSER)
					a++;
				addr_cat(&env->conf->syntax, &l->v[a0], a - a0,
				    env->conf->blanksub, &argbuf[nargs]);
				nargs++;
				m = (int)a;
				continue;
			}
			m++;
		}
		for (m = 0; m < nargs; m++)
			args[m] = dstr_cstr(&argbuf[m]);
		if (begin == TOK_HOSTBEGIN) {
			int idx = conf_map_index(env->conf, "host");

			mp = idx > 0 ? conf_map_by_index(env->conf, idx) : NULL;
		} else if (namet != NULL)
			mp = lookup_map(env, namet);
		if (mp == NULL) {
			rw_error(env, "rewrite: map %s not found",
			    begin == TOK_HOSTBEGIN ? "host" : namet ? namet->s : "");
		} else {
			val = map_lookup(mp, dstr_cstr(&key), args, nargs, &st);
			/* only a temporary failure becomes the rulesets'
			 * status; other codes (a program's exit, 69 for a
			 * map that cannot answer) just mean no match */
			if (st == MAP_TEMPFAIL)
				status = EX_TEMPFAIL;
		}
		if (val != NULL)
			tokenize_into(env, val, &rep);
		else if (has_default)
			for (m = (int)defstart; (size_t)m < e; m++)
				toklist_push(&rep, l->v[m]);
		else
			for (m = (int)j; (size_t)m < keyend; m++)
				toklist_push(&rep, l->v[m]);
		free(val);
		splice(l, i, e < l->n ? e + 1 : e, rep.v, rep.n);
		i += rep.n;
		toklist_free(&rep);
		dstr_free(&key);
		for (m = 0; m < 10; m++)
			dstr_free(&argbuf[m]);
	}
	return status;
}

static int rewrite_depth(struct rw_env *env, struct toklist *ws, int rs, int depth);

/* do_calls: $>name: the rest of the list goes through the ruleset;
 * calls are made from the last one backwards. */
static int
do_calls(struct rw_env *env, struct toklist *l, int depth)
{
	int status = EX_OK;
	size_t i = l->n;

	while (i-- > 0) {
		const struct tok *name;
		struct toklist arg = { 0 };
		int rs, st;

		if (l->v[i].op != TOK_CALLSUBR)
			continue;
		if (i + 1 >= l->n) {
			l->n = i;
			continue;
		}
		name = &l->v[i + 1];
		if (name->aux > 0)
			rs = name->aux - 1;
		else
			rs = name->op == TOK_TEXT ? ruleset_lookup(&env->conf->rules, name->s) : -1;
		if (rs < 0) {
			rw_message(env, "Unknown ruleset %s", name->s);
			splice(l, i, i + 2, NULL, 0);
			continue;
		}
		if (env->conf->rules.rs[rs].n == 0) {
			/* nothing to run: the argument stands */
			splice(l, i, i + 2, NULL, 0);
			continue;
		}
		splice(&arg, 0, 0, &l->v[i + 2], l->n - (i + 2));
		st = rewrite_depth(env, &arg, rs, depth + 1);
		if (st != EX_OK && status == EX_OK)
			status = st;
		l->n = i;
		splice(l, i, i, arg.v, arg.n);
		toklist_free(&arg);
	}
	return status;
}

static void
trace(struct rw_env *env, int rs, const char *what, const struct toklist *ws)
{
	char buf[16];
	const char *name;
	size_t n;

	if (env->out == NULL)
		return;
	/* "%-16.16s %s:" without printf: traces are most of -bt's work */
	name = ruleset_display_name(&env->conf->rules, rs, buf);
	n = strnlen(name, 16);
	dstr_append(env->out, name, n);
	/* 16 columns, a blank, then "  input" or "returns" and ':' */
	dstr_append(env->out, "                 ", 17 - n);
	dstr_puts(env->out, what);
	dstr_append(env->out, ":", 1);
	tok_print(env->out, ws->v, ws->n);
	dstr_append(env->out, "\n", 1);
}

static int
rewrite_depth(struct rw_env *env, struct toklist *ws, int rs, int depth)
{
	struct ruleset *set;
	struct matcher m;
	struct toklist next = { 0 };
	struct binding bind[64];
	int status = EX_OK, loops = 0;
	size_t ri = 0;
	char buf[16];

	if (rs < 0 || rs >= MAXRWSETS) {
		rw_error(env, "rewrite: illegal ruleset number %d", rs);
		return EX_CONFIG;
	}
	set = &env->conf->rules.rs[rs];
	trace(env, rs, "  input", ws);
	if (depth > MAX_RULE_RECURSION) {
		/* sendmail gives up here without a "returns" line */
		rw_error(env, "rewrite: excessive recursion (max %d), ruleset %s",
		    MAX_RULE_RECURSION, ruleset_display_name(&env->conf->rules, rs, buf));
		return EX_CONFIG;
	}
	memset(&m, 0, sizeof(m));
	m.env = env;
	m.b = bind;
	dstr_init(&m.phrase);
	while (ri < set->n) {
		struct rule *r = &set->rules[ri];
		int st;

		if (ws->n > 0 && ws->v[0].op == TOK_CANONNET)
			break;
		m.r = r;
		m.v = ws->v;
		m.n = ws->n;
		/* cheap rejects first: too few tokens, or a first element
		 * that is a word or operator the workspace does not start
		 * with */
		if (ws->n < r->minlen || r->nvars > 64 ||
		    (r->nlhs > 0 && r->lhs[0].kind == P_LIT &&
		    (ws->n == 0 || !tok_eq_lit(&ws->v[0], &r->lhs[0]))) ||
		    (r->nlhs > 0 && r->lhs[0].kind == P_OP &&
		    (ws->n == 0 || ws->v[0].op != r->lhs[0].op)) ||
		    !has_key(r, ws) || !match_at(&m, 0, 0, 0)) {
			ri++;
			loops = 0;
			continue;
		}
		if (r->prefix != ':' && ++loops > MAX_RULE_LOOPS) {
			rw_error(env, "Infinite loop in ruleset %s, rule %zu",
			    ruleset_display_name(&env->conf->rules, rs, buf), ri + 1);
			break;
		}
		if (build_rhs(env, rs, r, ws->v, bind, &next) != 0) {
			/* a configuration error: no "returns" line either */
			toklist_free(&next);
			dstr_free(&m.phrase);
			return EX_CONFIG;
		}
		/* too long is caught before the lookups and the calls too:
		 * a rule that doubles its input through $> must stop at the
		 * limit, not after it has grown 2^50-fold */
		if (next.n > MAXATOM)
			goto too_long;
		st = do_lookups(env, &next);
		if (st != EX_OK)
			status = st;
		if (next.n > MAXATOM)
			goto too_long;
		st = do_calls(env, &next, depth);
		if (st != EX_OK && (status == EX_OK || st == EX_CONFIG))
			status = st;
		if (next.n > MAXATOM)
			goto too_long;
		/* the new list becomes the workspace */
		{
			struct toklist t = *ws;

			*ws = next;
			next = t;
		}
		if (r->prefix == '@')
			break;
		if (r->prefix == ':') {
			ri++;
			loops = 0;
		}
	}
	toklist_free(&next);
	dstr_free(&m.phrase);
	trace(env, rs, "returns", ws);
	return status;

too_long:
	/* the workspace stays as it was; sendmail prints no "returns" */
	rw_error(env, "rewrite: expansion too long");
	toklist_free(&next);
	dstr_free(&m.phrase);
	return EX_DATAERR;
}

int
rewrite(struct rw_env *env, struct toklist *ws, int rs)
{
	return rewrite_depth(env, ws, rs, 0);
}

int
rw_triple(const struct toklist *ws, size_t *hs, size_t *he, size_t *us)
{
	size_t i;

	*hs = *he = *us = 0;
	if (ws->n < 2 || ws->v[0].op != TOK_CANONNET || ws->v[1].op != TOK_TEXT)
		return 0;
	for (i = 2; i < ws->n; i++) {
		if (ws->v[i].op == TOK_CANONHOST && *hs == 0)
			*hs = i + 1;
		else if (ws->v[i].op == TOK_CANONUSER && *us == 0) {
			if (*hs && *he == 0)
				*he = i;
			*us = i + 1;
		}
	}
	if (*hs && *he == 0)
		*he = ws->n;
	return 1;
}
