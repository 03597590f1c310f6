/* addr_token: the address tokenizer (see addr_token.h).  One pass over
 * the input with a small state (inside quotes, after a backslash, angle
 * bracket depth, comment depth), building tokens in a scratch string. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "addr/addr_token.h"

static const char *const op_names[TOK_OP_MAX] = {
	"", "$#", "$@", "$:", "$|", "$[", "$]", "$(", "$)", "$>"
};

const char *
tok_op_name(int op)
{
	return op > 0 && op < TOK_OP_MAX ? op_names[op] : "";
}

void
addr_syntax_init(struct addr_syntax *syn, const char *opchars)
{
	memset(syn, 0, sizeof(*syn));
	for (; opchars && *opchars; opchars++)
		syn->opchar[(unsigned char)*opchars] = 1;
}

void
toklist_grow(struct toklist *l)
{
	l->cap = l->cap ? l->cap * 2 : 32;
	l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
}

void
toklist_free(struct toklist *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
}

struct scan {
	pool *p;
	struct toklist *out;
	dstr cur;
	int have;		/* cur holds a token being built */
};

static void
finish(struct scan *sc)
{
	struct tok t;

	if (!sc->have)
		return;
	/* dstr_cstr: an empty token (after a 0xff byte) has no buffer yet */
	t.s = pool_strndup(sc->p, dstr_cstr(&sc->cur), sc->cur.len);
	t.len = (uint32_t)sc->cur.len;
	t.op = TOK_TEXT;
	t.aux = 0;
	toklist_push(sc->out, t);
	dstr_clear(&sc->cur);
	sc->have = 0;
}

static void
add(struct scan *sc, int c)
{
	dstr_putc(&sc->cur, c);
	sc->have = 1;
}

static void
single(struct scan *sc, int c)
{
	finish(sc);
	add(sc, c);
	finish(sc);
}

static int
is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' ||
	    c == '\r';
}

static void
soft_error(dstr *err, const char *in, const char *what)
{
	if (err)
		dstr_printf(err, "%s... Unbalanced '%s'\n", in, what);
}

int
addr_8bit_error(const char *in)
{
	const unsigned char *s;

	if (strlen(in) > ADDR_MAXLEN)
		return 0;	/* too long is said first */
	for (s = (const unsigned char *)in; *s; s++)
		if (*s >= 0x80 && *s <= 0x9f)
			return 1;
	return 0;
}

int
addr_tokenize(const struct addr_syntax *syn, const char *in, int delim,
    enum tok_mode mode, pool *p, struct toklist *out, const char **endp,
    dstr *err)
{
	struct scan sc = { p, out, DSTR_INIT, 0 };
	const unsigned char *s;
	size_t len = strlen(in);
	int quoted = 0, bslash = 0, angle = 0, comment = 0;
	int c;

	*endp = in + len;
	if (mode == TOK_MODE_RULE)
		goto scan;
	if (len > ADDR_MAXLEN) {
		if (err)
			dstr_printf(err, "Address \"%.*s\" too long (%d bytes max)\n",
			    ADDR_MAXLEN, in, ADDR_MAXLEN);
		return -1;
	}
	for (s = (const unsigned char *)in; *s; s++) {
		if (*s >= 0x80 && *s <= 0x9f) {
			if (err) {
				dstr_puts(err, "8-bit character in mailbox address \"");
				for (s = (const unsigned char *)in; *s; s++)
					dstr_putc(err, *s >= 0x80 && *s <= 0x9f ? '?' : *s);
				dstr_puts(err, "\"\n");
			}
			return -1;
		}
	}
scan:
	for (s = (const unsigned char *)in; (c = *s) != '\0'; s++) {
		if (quoted) {
			add(&sc, c);
			if (bslash)
				bslash = 0;
			else if (c == '\\')
				bslash = 1;
			else if (c == '"') {
				quoted = 0;
				finish(&sc);
			}
			continue;
		}
		/* a list delimiter inside <...> belongs to a route address
		 * ("<@a,@b:user@host>") */
		if (c == delim && comment == 0 && angle <= 0)
			break;
		if (bslash) {
			bslash = 0;
			add(&sc, c);
			continue;
		}
		if (comment > 0) {
			/* inside a (comment) of an external address */
			if (c == '\\')
				bslash = 1;
			else if (c == '(')
				comment++;
			else if (c == ')')
				comment--;
			continue;
		}
		if (c == TOK_RULE_MARK && mode == TOK_MODE_RULE) {
			single(&sc, c);
		} else if (c == '\\') {
			add(&sc, c);
			bslash = 1;
		} else if (c == '"') {
			finish(&sc);
			add(&sc, c);
			quoted = 1;
		} else if (is_blank(c)) {
			finish(&sc);
		} else if (c == 0xff) {
			/* ends a token and opens a new, so far empty, one */
			finish(&sc);
			sc.have = 1;
		} else if (c == '<') {
			angle++;
			single(&sc, c);
		} else if (c == '>') {
			if (angle <= 0) {
				soft_error(err, in, ">");
				continue;
			}
			angle--;
			single(&sc, c);
		} else if ((c == '(' || c == ')') && mode == TOK_MODE_EXTERNAL) {
			if (c == ')') {
				soft_error(err, in, ")");
				continue;
			}
			finish(&sc);
			comment = 1;
		} else if (c == '(' || c == ')' || c == ',' || c == ';' ||
		    syn->opchar[c]) {
			single(&sc, c);
		} else {
			/* a run of ordinary characters goes in at once */
			const unsigned char *e = s + 1;

			while (*e && (int)*e != delim && !is_blank(*e) &&
			    !strchr("\\\"<>(),;", *e) && *e != 0xff &&
			    !syn->opchar[*e] &&
			    !(*e == TOK_RULE_MARK && mode == TOK_MODE_RULE))
				e++;
			dstr_append(&sc.cur, s, (size_t)(e - s));
			sc.have = 1;
			s = e - 1;
		}
	}
	*endp = (const char *)s;
	if (quoted && mode == TOK_MODE_RULE) {
		/* rule text keeps an unbalanced quote as written */
	} else if (quoted) {
		if (bslash) {
			add(&sc, '"');
			soft_error(err, in, "\"");
		}
		add(&sc, '"');
		soft_error(err, in, "\"");
	} else if (bslash && sc.have) {
		/* a backslash escaping nothing is dropped */
		dstr_truncate(&sc.cur, sc.cur.len - 1);
		if (sc.cur.len == 0)
			sc.have = 0;
	}
	if (comment > 0)
		soft_error(err, in, "(");
	finish(&sc);
	while (angle-- > 0) {
		single(&sc, '>');
		soft_error(err, in, "<");
	}
	dstr_free(&sc.cur);
	return 0;
}

static void
put_visible(dstr *d, const char *s, size_t n)
{
	size_t i;

	/* the common case, a plain printable token, in one piece */
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c >= 0x7f)
			break;
	}
	if (i == n) {
		dstr_append(d, s, n);
		return;
	}
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x80) {
			/* eight-bit bytes are shown as M-x, as sendmail does */
			dstr_puts(d, "M-");
			c &= 0x7f;
		}
		if (c >= 0x20 && c != 0x7f)
			dstr_putc(d, c);
	}
}

/* plain: a text token that prints as it is */
static int
plain(const struct tok *t)
{
	uint32_t i;

	if (t->op != TOK_TEXT)
		return 0;
	for (i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];

		if (c < 0x20 || c >= 0x7f)
			return 0;
	}
	return 1;
}

void
tok_print(dstr *d, const struct tok *v, size_t n)
{
	size_t i, total = 0;
	char *p;

	/* -bt prints a token list for every ruleset it enters and leaves:
	 * when every token is plain text, reserve once and copy */
	for (i = 0; i < n; i++) {
		if (!plain(&v[i]))
			break;
		total += 1 + v[i].len;
	}
	if (i == n) {
		dstr_reserve(d, total);
		p = d->s + d->len;
		for (i = 0; i < n; i++) {
			*p++ = ' ';
			memcpy(p, v[i].s, v[i].len);
			p += v[i].len;
		}
		d->len += total;
		d->s[d->len] = '\0';
		return;
	}
	for (i = 0; i < n; i++) {
		dstr_putc(d, ' ');
		if (v[i].op != TOK_TEXT)
			dstr_puts(d, tok_op_name(v[i].op));
		else
			put_visible(d, v[i].s, v[i].len);
	}
}

void
tok_join(dstr *d, const struct tok *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].op != TOK_TEXT)
			dstr_puts(d, tok_op_name(v[i].op));
		else
			dstr_append(d, v[i].s, v[i].len);
	}
}
