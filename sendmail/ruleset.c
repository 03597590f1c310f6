/* ruleset: ruleset names and numbers, and the rule compiler (see
 * ruleset.h).  A rule's text is first translated: rule operators become
 * marker bytes (their meaning kept aside, in order), other $x macros are
 * expanded; then the address tokenizer cuts the result, and the tokens
 * are turned into pattern or template elements. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "sendmail/ruleset.h"
#include "sendmail/macro.h"

void
ruleset_table_init(struct ruleset_table *t)
{
	memset(t, 0, sizeof(*t));
	t->next_named = MAXRWSETS - 1;
}

static int
all_digits(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

int
ruleset_lookup(const struct ruleset_table *t, const char *name)
{
	int i;

	if (all_digits(name)) {
		long n = strtol(name, NULL, 10);

		return n >= 0 && n < MAXRWSETS ? (int)n : -1;
	}
	for (i = 0; i < MAXRWSETS; i++)
		if (t->rs[i].name && strcmp(t->rs[i].name, name) == 0)
			return i;
	return -1;
}

int
ruleset_declare(struct ruleset_table *t, const char *name, int create, dstr *msg)
{
	const char *eq = strchr(name, '=');
	char *base;
	int n = -1, have_num = 0;

	base = eq ? xstrndup(name, (size_t)(eq - name)) : xstrdup(name);
	if (eq) {
		have_num = 1;
		n = atoi(eq + 1);
	}
	if (all_digits(base)) {
		n = atoi(base);
		if (n >= MAXNUMRWSETS) {
			if (msg)
				dstr_printf(msg, "bad ruleset %d (%d max)\n", n, MAXNUMRWSETS);
			free(base);
			return -1;
		}
		free(base);
		return n;
	}
	if (have_num) {
		int old = ruleset_lookup(t, base);

		if (n < 0 || n >= MAXNUMRWSETS) {
			if (msg)
				dstr_printf(msg, "bad ruleset number %d in \"%s\" (%d max)\n",
				    n, name, MAXNUMRWSETS);
			free(base);
			return -1;
		}
		if (old >= 0 && old != n && msg)
			dstr_printf(msg, "%s: ruleset changed value (old %d, new %d)\n",
			    base, old, n);
		if (t->rs[n].name && strcmp(t->rs[n].name, base) != 0 && msg)
			dstr_printf(msg, "%s: ruleset number %d in use by %s\n",
			    base, n, t->rs[n].name);
		free((char *)t->rs[n].name);
		t->rs[n].name = base;
		return n;
	}
	n = ruleset_lookup(t, base);
	if (n >= 0 || !create) {
		free(base);
		return n;
	}
	while (t->next_named >= MAXNUMRWSETS && t->rs[t->next_named].name)
		t->next_named--;
	if (t->next_named < MAXNUMRWSETS) {
		if (msg)
			dstr_printf(msg, "%s: too many named rulesets\n", base);
		free(base);
		return -1;
	}
	n = t->next_named--;
	t->rs[n].name = base;
	return n;
}

const char *
ruleset_display_name(const struct ruleset_table *t, int rs, char buf[16])
{
	if (rs >= 0 && rs < MAXRWSETS && t->rs[rs].name)
		return t->rs[rs].name;
	snprintf(buf, 16, "%d", rs);
	return buf;
}

/* One rule operator found while translating rule text. */
struct rop {
	char c;			/* the character after '$'; 0 for a literal
				 * byte 0x80 of the rule text (see put_lit) */
	int id;			/* class or macro id for = ~ & */
	const char *text;	/* how =S prints it */
};

struct xlate {
	dstr buf;		/* text with TOK_RULE_MARK for operators */
	struct rop *ops;
	size_t nops, capops;
};

static void
add_op(struct xlate *x, char c, int id, pool *p)
{
	struct rop *o;
	char text[300];

	if (x->nops == x->capops) {
		x->capops = x->capops ? x->capops * 2 : 16;
		x->ops = xreallocarray(x->ops, x->capops, sizeof(*x->ops));
	}
	o = &x->ops[x->nops++];
	o->c = c;
	o->id = id;
	if (c == '=' || c == '~' || c == '&') {
		const char *nm = macro_name(id);

		if (strlen(nm) > 1)
			snprintf(text, sizeof(text), "$%c{%s}", c, nm);
		else
			snprintf(text, sizeof(text), "$%c%s", c, nm);
	} else if (c == 0)
		snprintf(text, sizeof(text), "%c", TOK_RULE_MARK);
	else
		snprintf(text, sizeof(text), "$%c", c);
	o->text = pool_strdup(p, text);
	dstr_putc(&x->buf, TOK_RULE_MARK);
}

/* put_lit: one byte of rule text.  A byte equal to TOK_RULE_MARK is
 * itself kept as a (literal) operator, so that marks and operators stay
 * in step; sendmail also makes such a byte a token of its own. */
static void
put_lit(struct xlate *x, int c, pool *p)
{
	if ((unsigned char)c == TOK_RULE_MARK)
		add_op(x, 0, 0, p);
	else
		dstr_putc(&x->buf, c);
}

static void
translate(const char *s, const struct macro_table *macros, struct xlate *x, pool *p)
{
	const char *q;
	int id;

	while (*s) {
		if (*s != '$' || s[1] == '\0') {
			put_lit(x, *s++, p);
			continue;
		}
		s++;
		switch (*s) {
		case '*': case '+': case '-': case '@': case ':': case '#':
		case '|': case '[': case ']': case '(': case ')': case '>':
		case '0': case '1': case '2': case '3': case '4':
		case '5': case '6': case '7': case '8': case '9':
			add_op(x, *s, 0, p);
			s++;
			break;
		case '=': case '~': case '&':
			q = s + 1;
			id = macro_parse_ref(&q);
			add_op(x, *s, id, p);
			s = q;
			break;
		case '$':
			put_lit(x, '$', p);
			s++;
			break;
		default: {
			/* $x: macro expanded when the config is read */
			dstr ref = DSTR_INIT;

			q = s;
			id = macro_parse_ref(&q);
			dstr_putc(&ref, '$');
			dstr_append(&ref, s, (size_t)(q - s));
			if (id != MACRO_NONE) {
				dstr val = DSTR_INIT;
				size_t i;

				macro_expand(macros, ref.s, &val);
				for (i = 0; i < val.len; i++)
					put_lit(x, val.s[i], p);
				dstr_free(&val);
			}
			dstr_free(&ref);
			s = q;
			break;
		}
		}
	}
}

static const char *
lower_dup(pool *p, const char *s, size_t len)
{
	char *d = pool_strndup(p, s, len);
	size_t i;

	for (i = 0; i < len; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static int
op_of(char c)
{
	switch (c) {
	case '#': return TOK_CANONNET;
	case '@': return TOK_CANONHOST;
	case ':': return TOK_CANONUSER;
	case '|': return TOK_CONDELSE;
	case '[': return TOK_HOSTBEGIN;
	case ']': return TOK_HOSTEND;
	case '(': return TOK_LOOKUPBEGIN;
	case ')': return TOK_LOOKUPEND;
	case '>': return TOK_CALLSUBR;
	}
	return TOK_TEXT;
}

/* marks_in: operators that ended up inside a longer token (a quoted
 * "$*" is text, as in sendmail); their entries in the op list are
 * skipped so the operators after them stay in step */
static size_t
marks_in(const struct tok *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->len; i++)
		if ((unsigned char)t->s[i] == TOK_RULE_MARK)
			n++;
	return n;
}

/* op_tok: the operator a token stands for; NULL for text (a literal
 * 0x80 byte included) */
static const struct rop *
op_tok(const struct tok *t, const struct xlate *x, size_t *k)
{
	const struct rop *o;

	if (!(t->len == 1 && (unsigned char)t->s[0] == TOK_RULE_MARK)) {
		*k += marks_in(t);
		return NULL;
	}
	if (*k >= x->nops)
		return NULL;
	o = &x->ops[(*k)++];
	return o->c == 0 ? NULL : o;
}

/* lit_text: a text token as =S prints it: operators that ended up inside
 * it (from op k on) shown as written ("$*"), as sendmail shows them */
static const char *
lit_text(const struct tok *t, const struct xlate *x, size_t k, pool *p)
{
	dstr d = DSTR_INIT;
	const char *r;
	uint32_t i;

	if (marks_in(t) == 0)
		return t->s;
	for (i = 0; i < t->len; i++) {
		if ((unsigned char)t->s[i] == TOK_RULE_MARK && k < x->nops)
			dstr_puts(&d, x->ops[k++].text);
		else
			dstr_putc(&d, t->s[i]);
	}
	r = pool_strdup(p, dstr_cstr(&d));
	dstr_free(&d);
	return r;
}

static int
compile_lhs(struct rule *r, const struct toklist *tl, const struct xlate *x,
    pool *p, dstr *msg)
{
	size_t i, k = 0;

	r->lhs = pool_alloc(p, (tl->n + 1) * sizeof(struct pat));
	for (i = 0; i < tl->n; i++) {
		struct pat *pt = &r->lhs[r->nlhs++];
		const struct tok *t = &tl->v[i];
		size_t k0 = k;
		const struct rop *o = op_tok(t, x, &k);

		if (o == NULL) {
			pt->kind = P_LIT;
			pt->s = lower_dup(p, t->s, t->len);
			pt->len = t->len;
			pt->text = lit_text(t, x, k0, p);
			r->minlen++;
			continue;
		}

		pt->text = o->text;
		pt->id = o->id;
		/* $+ $- $=X $~X need a token; $* $@ $&x need none */
		if (strchr("+-=~", o->c))
			r->minlen++;
		switch (o->c) {
		case '*': pt->kind = P_ZANY; r->nvars++; break;
		case '+': pt->kind = P_ANY; r->nvars++; break;
		case '-': pt->kind = P_ONE; r->nvars++; break;
		case '=': pt->kind = P_CLASS; r->nvars++; break;
		case '~': pt->kind = P_NCLASS; r->nvars++; break;
		case '@': pt->kind = P_ZERO; break;
		case '&': pt->kind = P_DEFER; break;
		default:
			if (o->c == ':')
				dstr_printf(msg, "Inappropriate use of $%c on LHS\n", o->c);
			if (isdigit((unsigned char)o->c)) {
				/* $n on the left matches the text "$n" */
				pt->kind = P_LIT;
				pt->s = pool_strdup(p, o->text);
				pt->len = 2;
				r->minlen++;
				break;
			}
			pt->kind = P_OP;
			pt->op = (uint8_t)op_of(o->c);
			r->minlen++;
			break;
		}
	}
	return 0;
}

static int
compile_rhs(struct ruleset_table *t, struct rule *r, const struct toklist *tl,
    size_t k, const struct xlate *x, pool *p, dstr *msg)
{
	size_t i = 0;
	int after_call = 0;

	r->rhs = pool_alloc(p, (tl->n + 1) * sizeof(struct tpl));
	if (tl->n > 0 && tl->v[0].len == 1 &&
	    (unsigned char)tl->v[0].s[0] == TOK_RULE_MARK &&
	    (x->ops[k].c == ':' || x->ops[k].c == '@')) {
		r->prefix = x->ops[k].c;
		r->prefix_text = x->ops[k].text;
		k++;
		i = 1;
	}
	int lookup_depth = 0;

	for (; i < tl->n; i++) {
		struct tpl *tp = &r->rhs[r->nrhs++];
		const struct tok *tk = &tl->v[i];
		size_t k0 = k;
		const struct rop *o = op_tok(tk, x, &k);

		if (o == NULL) {
			tp->kind = T_LIT;
			tp->s = lit_text(tk, x, k0, p);
			tp->len = (uint32_t)strlen(tp->s);
			tp->text = tp->s;
			if (after_call) {
				/* the ruleset a $> calls; a name defined further
				 * down is resolved by ruleset_resolve_calls() */
				int rs;

				if (tk->len >= 2 && tk->s[0] == '"' && tk->s[tk->len - 1] == '"') {
					/* $>"name": the quotes are not part of it */
					tp->s = pool_strndup(p, tk->s + 1, tk->len - 2);
					tp->len = tk->len - 2;
				}
				rs = ruleset_lookup(t, tp->s);
				tp->n = rs >= 0 ? rs + 1 : 0;
				/* =S shows the name as written until the rule
				 * first runs (see build_rhs in rewrite.c) */
				tp->op = 1;	/* marks a call target */
				after_call = 0;
			}
			continue;
		}
		tp->text = o->text;
		after_call = 0;
		if (isdigit((unsigned char)o->c)) {
			tp->kind = T_REPL;
			tp->n = o->c - '0';
			if (tp->n == 0 || tp->n > r->nvars)
				dstr_printf(msg, "replacement $%d out of bounds\n", tp->n);
		} else if (o->c == '&') {
			tp->kind = T_DEFER;
			tp->n = o->id;
		} else if (op_of(o->c) != TOK_TEXT) {
			tp->kind = T_OP;
			tp->op = (uint8_t)op_of(o->c);
			after_call = (o->c == '>');
			if (o->c == '(' || o->c == '[') {
				if (lookup_depth++ > 0)
					dstr_puts(msg, "cannot nest map lookups\n");
			} else if ((o->c == ')' || o->c == ']') && lookup_depth > 0)
				lookup_depth--;
		} else {
			/* $* and friends have no meaning on the right */
			dstr_printf(msg, "Inappropriate use of %s on RHS\n", o->text);
			tp->kind = T_LIT;
			tp->s = o->text;
			tp->len = (uint32_t)strlen(o->text);
		}
	}
	return 0;
}

int
rule_compile(struct ruleset_table *t, int rs, const char *lhs,
    const char *rhs, const struct macro_table *macros,
    const struct addr_syntax *syn, pool *p, const char *file, int line,
    dstr *msg)
{
	struct xlate xl = { DSTR_INIT, NULL, 0, 0 }, xr = { DSTR_INIT, NULL, 0, 0 };
	struct toklist tl = { 0 }, tr = { 0 };
	struct ruleset *set = &t->rs[rs];
	struct rule r;
	const char *end;
	size_t nl;

	memset(&r, 0, sizeof(r));
	r.file = file;
	r.line = line;
	translate(lhs, macros, &xl, p);
	translate(rhs, macros, &xr, p);
	addr_tokenize(syn, dstr_cstr(&xl.buf), '\0', TOK_MODE_RULE, p, &tl, &end, NULL);
	addr_tokenize(syn, dstr_cstr(&xr.buf), '\0', TOK_MODE_RULE, p, &tr, &end, NULL);
	compile_lhs(&r, &tl, &xl, p, msg);
	{
		uint32_t need = 0;
		size_t i = r.nlhs;

		while (i-- > 0) {
			int k = r.lhs[i].kind;

			if (k != P_ZANY && k != P_ZERO && k != P_DEFER)
				need++;
			r.lhs[i].minrest = need;
		}
		/* the key: an operator token ($| $#) if there is one, else
		 * the longest word; one-character words ("<" "@" ".") are in
		 * nearly every address, so they are the last choice */
		r.key = -1;
		for (i = 0; i < r.nlhs; i++) {
			const struct pat *pt = &r.lhs[i];

			if (pt->kind == P_OP) {
				r.key = (int)i;
				break;
			}
			if (pt->kind == P_LIT && (r.key < 0 || pt->len > r.lhs[r.key].len))
				r.key = (int)i;
		}
	}
	nl = 0;
	compile_rhs(t, &r, &tr, nl, &xr, p, msg);
	if (set->n == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->rules = xreallocarray(set->rules, set->cap, sizeof(struct rule));
	}
	set->rules[set->n++] = r;
	toklist_free(&tl);
	toklist_free(&tr);
	dstr_free(&xl.buf);
	dstr_free(&xr.buf);
	free(xl.ops);
	free(xr.ops);
	return 0;
}

void
ruleset_resolve_calls(struct ruleset_table *t)
{
	size_t i, k, j;

	for (i = 0; i < MAXRWSETS; i++)
		for (k = 0; k < t->rs[i].n; k++) {
			struct rule *r = &t->rs[i].rules[k];

			for (j = 0; j < r->nrhs; j++) {
				struct tpl *tp = &r->rhs[j];
				int rs;

				if (tp->kind != T_LIT || tp->op != 1 || tp->n != 0)
					continue;
				rs = ruleset_lookup(t, tp->s);
				tp->n = rs >= 0 ? rs + 1 : 0;
			}
		}
}

/* put_shown: text as =S shows it: an 8-bit byte as "M-" and its low
 * seven bits, control characters left out (as -bt shows tokens) */
static void
put_shown(dstr *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x80) {
			dstr_puts(out, "M-");
			c &= 0x7f;
		}
		if (c >= 0x20 && c != 0x7f)
			dstr_putc(out, c);
	}
}

void
rule_print(const struct rule *r, dstr *out)
{
	size_t i;

	dstr_putc(out, 'R');
	for (i = 0; i < r->nlhs; i++) {
		put_shown(out, r->lhs[i].text);
		dstr_putc(out, ' ');
	}
	dstr_puts(out, "\t\t");
	if (r->prefix) {
		dstr_puts(out, r->prefix_text);
		dstr_putc(out, ' ');
	}
	for (i = 0; i < r->nrhs; i++) {
		const struct tpl *tp = &r->rhs[i];

		put_shown(out, tp->kind == T_LIT && tp->op == 1 && tp->ran ? tp->s : tp->text);
		dstr_putc(out, ' ');
	}
	dstr_putc(out, '\n');
}
