/* cf_lex: folds continuation lines, removes comments and splits each
 * logical line of a sendmail.cf into tokens for cf_grammar.y.  The kind
 * letter decides how the rest of the line is cut (see cf_reader.h). */
#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "cf/cf_lex.h"
#include "cf/cf_reader_impl.h"
#include "cf/cf_grammar.h"

void
cf_lex_init(struct cf_lexer *lx, const char *name, const char *text,
    size_t len, struct cf_file *cf, dstr *errs)
{
	memset(lx, 0, sizeof(*lx));
	lx->name = name;
	lx->p = text;
	lx->end = text + len;
	lx->lineno = 1;
	lx->pool = cf->pool;
	dstr_init(&lx->line);
	lx->cf = cf;
	lx->errs = errs;
	lx->at_eol = 1;
}

void
cf_lex_free(struct cf_lexer *lx)
{
	dstr_free(&lx->line);
	free(lx->words);
}

void
cf_lex_error(struct cf_lexer *lx, const char *fmt, ...)
{
	va_list ap;

	dstr msg = DSTR_INIT;

	va_start(ap, fmt);
	dstr_vprintf(&msg, fmt, ap);
	va_end(ap);
	if (lx->errs) {
		cf_put_where(lx->errs, lx->name, lx->line_start);
		dstr_printf(lx->errs, "%s\n", msg.s);
	}
	cf_item_error(lx, msg.s);
	dstr_free(&msg);
	lx->cf->nerrors++;
}

/* next_physical: one physical line without its newline; 0 at the end. */
static int
next_physical(struct cf_lexer *lx, const char **s, size_t *n)
{
	const char *nl;

	if (lx->p >= lx->end)
		return 0;
	nl = memchr(lx->p, '\n', (size_t)(lx->end - lx->p));
	*s = lx->p;
	*n = nl ? (size_t)(nl - lx->p) : (size_t)(lx->end - lx->p);
	lx->p = nl ? nl + 1 : lx->end;
	lx->lineno++;
	return 1;
}

/* strip_comment: '#' ends the line unless escaped as "\#", which stands
 * for a literal '#', or part of the rule operator "$#"; trailing white
 * space goes too. */
static void
strip_comment(dstr *d)
{
	size_t i, o = 0;

	for (i = 0; i < d->len; i++) {
		if (d->s[i] == '\\' && i + 1 < d->len && d->s[i + 1] == '#') {
			d->s[o++] = '#';
			i++;
			continue;
		}
		if (d->s[i] == '#' && !(i > 0 && d->s[i - 1] == '$'))
			break;
		d->s[o++] = d->s[i];
	}
	while (o > 0 && isspace((unsigned char)d->s[o - 1]))
		o--;
	d->len = o;
	d->s[o] = '\0';
}

/* next_logical: the next line with content, continuation lines (those
 * starting with a blank) folded into it with their newline kept. */
static int
next_logical(struct cf_lexer *lx)
{
	const char *s;
	size_t n;

	for (;;) {
		dstr_clear(&lx->line);
		if (!next_physical(lx, &s, &n))
			return 0;
		lx->line_start = lx->lineno - 1;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		dstr_append(&lx->line, s, n);
		while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t')) {
			next_physical(lx, &s, &n);
			if (n > 0 && s[n - 1] == '\r')
				n--;
			dstr_putc(&lx->line, '\n');
			dstr_append(&lx->line, s, n);
		}
		if (lx->line.len == 0 || lx->line.s[0] == '#')
			continue;
		strip_comment(&lx->line);
		if (lx->line.len == 0)
			continue;
		return 1;
	}
}

static const char *
save(struct cf_lexer *lx, const char *s, size_t n)
{
	return pool_strndup(lx->pool, s, n);
}

/* skip_blank: every isspace() byte, as the word scans below stop at
 * them: a form feed left here would be an empty word, forever */
static const char *
skip_blank(const char *p)
{
	while (isspace((unsigned char)*p))
		p++;
	return p;
}

/* take_name: a macro or class name: "{long}" or one character. */
static const char *
take_name(struct cf_lexer *lx)
{
	const char *p = lx->lp, *e;

	if (*p == '{') {
		e = strchr(p, '}');
		if (e == NULL) {
			lx->lp = p + strlen(p);
			return save(lx, p + 1, strlen(p + 1));
		}
		lx->lp = e + 1;
		return save(lx, p + 1, (size_t)(e - p - 1));
	}
	if (*p == '\0')
		return "";
	lx->lp = p + 1;
	return save(lx, p, 1);
}

/* take_until: text up to (not including) any of stop, trimmed. */
static const char *
take_until(struct cf_lexer *lx, const char *stop)
{
	const char *p = lx->lp, *e;
	size_t n;

	e = p + strcspn(p, stop);
	n = (size_t)(e - p);
	while (n > 0 && isspace((unsigned char)p[n - 1]))
		n--;
	lx->lp = e;
	return save(lx, p, n);
}

static const char *
take_rest(struct cf_lexer *lx)
{
	const char *p = lx->lp;

	lx->lp = p + strlen(p);
	return save(lx, p, strlen(p));
}

static int
kind_token(int c)
{
	switch (c) {
	case 'V': return K_V;
	case 'D': return K_D;
	case 'C': return K_C;
	case 'F': return K_F;
	case 'O': return K_O;
	case 'H': return K_H;
	case 'K': return K_K;
	case 'M': return K_M;
	case 'S': return K_S;
	case 'R': return K_R;
	case 'P': return K_P;
	case 'T': return K_T;
	case 'E': return K_E;
	case 'Q': return K_Q;
	case 'X': return K_X;
	case 'L': return K_L;
	default: return 0;
	}
}

/* The lexer is a small state machine per line: state counts the fields
 * given so far; each kind below says what field comes next. */
int
cfg_lex(void *lval_, struct cf_lexer *lx)
{
	CFG_STYPE *lval = lval_;
	const char *p;
	int k;

	if (lx->at_eol) {
		if (!next_logical(lx))
			return CFG_EOF;
		lx->at_eol = 0;
		lx->state = 0;
		lx->kind = (unsigned char)lx->line.s[0];
		lx->lp = lx->line.s + 1;
		memset(&lx->cur, 0, sizeof(lx->cur));
		lx->cur.kind = lx->kind;
		lx->cur.file = lx->name;
		lx->cur.line = lx->line_start;
		lx->cur.text = save(lx, lx->line.s, lx->line.len);
		k = kind_token(lx->kind);
		if (k == 0) {
			lval->str = lx->cur.text;
			lx->lp += strlen(lx->lp);
			lx->state = -1;
			return BADLINE;
		}
		if (k == K_O && *lx->lp != ' ' && *lx->lp != '\t')
			k = K_OSHORT;
		lval->str = lx->cur.text;
		lx->state = 1;
		return k;
	}
	if (lx->state < 0)
		goto eol;
	switch (lx->kind) {
	case 'V':
		if (lx->state == 1) {
			lx->state = 2;
			lval->str = take_until(lx, "/");
			return VALUE;
		}
		if (lx->state == 2 && *lx->lp == '/') {
			lx->lp++;
			lx->state = 3;
			return SLASH;
		}
		if (lx->state == 3) {
			lx->state = -1;
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'D':
		if (lx->state == 1) {
			lx->state = 2;
			lval->str = take_name(lx);
			return NAME;
		}
		if (lx->state == 2) {
			lx->state = -1;
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'C':
	case 'T':
		if (lx->state == 1 && lx->kind == 'C') {
			lx->state = 2;
			lval->str = take_name(lx);
			return NAME;
		}
		lx->lp = skip_blank(lx->lp);
		if (*lx->lp == '\0')
			break;
		p = lx->lp;
		while (*lx->lp != '\0' && !isspace((unsigned char)*lx->lp))
			lx->lp++;
		lval->str = save(lx, p, (size_t)(lx->lp - p));
		return WORD;
	case 'F':
		if (lx->state == 1) {
			lx->state = 2;
			lval->str = take_name(lx);
			return NAME;
		}
		if (lx->state == 2) {
			lx->lp = skip_blank(lx->lp);
			lx->state = 3;
			if (lx->lp[0] == '-' && lx->lp[1] == 'o') {
				lx->lp += 2;
				return OPTFLAG;
			}
		}
		if (lx->state == 3) {
			lx->lp = skip_blank(lx->lp);
			lx->state = 4;
			if (*lx->lp == '|') {
				lx->state = -1;
				lval->str = take_rest(lx);
				return VALUE;
			}
			p = lx->lp;
			while (*lx->lp != '\0' && !isspace((unsigned char)*lx->lp))
				lx->lp++;
			lval->str = save(lx, p, (size_t)(lx->lp - p));
			return VALUE;
		}
		if (lx->state == 4) {
			lx->lp = skip_blank(lx->lp);
			lx->state = -1;
			if (*lx->lp == '\0')
				break;
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'O':
		if (lx->line.s[1] != ' ' && lx->line.s[1] != '\t') {
			/* short form: O<letter><value> */
			if (lx->state == 1) {
				lx->state = 2;
				lval->str = save(lx, lx->lp, *lx->lp ? 1 : 0);
				if (*lx->lp)
					lx->lp++;
				return NAME;
			}
			if (lx->state == 2) {
				lx->state = -1;
				lval->str = take_rest(lx);
				return VALUE;
			}
			break;
		}
		if (lx->state == 1) {
			lx->lp++;	/* the one blank after 'O' */
			lx->state = 2;
			lval->str = take_until(lx, "=");
			return NAME;
		}
		if (lx->state == 2 && *lx->lp == '=') {
			lx->lp++;
			lx->state = 3;
			return EQ;
		}
		if (lx->state == 3) {
			lx->lp = skip_blank(lx->lp);
			lx->state = -1;
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'H':
		if (lx->state == 1 && *lx->lp == '?') {
			lx->lp++;
			lx->state = 10;
			return QMARK;
		}
		if (lx->state == 10) {
			p = lx->lp;
			lx->lp += strcspn(lx->lp, "?");
			lval->str = save(lx, p, (size_t)(lx->lp - p));
			lx->state = 11;
			return VALUE;
		}
		if (lx->state == 11) {
			if (*lx->lp != '?')
				break;
			lx->lp++;
			lx->state = 1;
			return QMARK;
		}
		if (lx->state == 1) {
			lx->state = 2;
			lval->str = take_until(lx, ":");
			return NAME;
		}
		if (lx->state == 2 && *lx->lp == ':') {
			lx->lp++;
			lx->state = 3;
			return COLON;
		}
		if (lx->state == 3) {
			lx->state = -1;
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'K':
		if (lx->state == 1) {
			lx->state = 2;
			lx->lp = skip_blank(lx->lp);
			p = lx->lp;
			while (*lx->lp != '\0' && !isspace((unsigned char)*lx->lp))
				lx->lp++;
			lval->str = save(lx, p, (size_t)(lx->lp - p));
			return NAME;
		}
		if (lx->state == 2) {
			lx->state = -1;
			lx->lp = skip_blank(lx->lp);
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'M':
	case 'Q':
	case 'X':
		if (lx->state == 1) {
			lx->state = 2;
			lval->str = take_until(lx, ", \t\n");
			return NAME;
		}
		lx->lp = skip_blank(lx->lp);
		if (*lx->lp == '\0')
			break;
		if (*lx->lp == ',' || lx->state == 2) {
			if (*lx->lp == ',')
				lx->lp++;
			lx->state = 3;
			return COMMA;
		}
		lval->str = take_until(lx, ",");
		lx->state = 2;
		return FIELD;
	case 'S':
		if (lx->state == 1) {
			lx->state = 2;
			lx->lp = skip_blank(lx->lp);
			lval->str = take_until(lx, "=");
			return NAME;
		}
		if (lx->state == 2 && *lx->lp == '=') {
			lx->lp++;
			lx->state = 3;
			return EQ;
		}
		if (lx->state == 3) {
			lx->state = -1;
			lx->lp = skip_blank(lx->lp);
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'R':
		if (lx->state == 1) {
			p = strchr(lx->lp, '\t');
			if (p == NULL) {
				cf_lex_error(lx, "invalid rewrite line \"%s\" (tab expected)",
				    lx->cur.text);
				lx->state = -1;
				return LEXERR;
			}
			lval->str = save(lx, lx->lp, (size_t)(p - lx->lp));
			lx->lp = p;
			lx->state = 2;
			return VALUE;
		}
		if (lx->state == 2 || lx->state == 3) {
			while (*lx->lp == '\t')
				lx->lp++;
			if (lx->state == 3 && *lx->lp == '\0')
				break;
			p = lx->lp;
			lx->lp += lx->state == 2 ? strcspn(p, "\t") : strlen(p);
			lval->str = save(lx, p, (size_t)(lx->lp - p));
			lx->state++;
			return VALUE;
		}
		break;
	case 'P':
	case 'E':
		if (lx->state == 1) {
			lx->state = 2;
			lval->str = take_until(lx, "=");
			return NAME;
		}
		if (lx->state == 2 && *lx->lp == '=') {
			lx->lp++;
			lx->state = 3;
			return EQ;
		}
		if (lx->state == 3) {
			lx->state = -1;
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	case 'L':
		if (lx->state == 1) {
			lx->state = -1;
			lval->str = take_rest(lx);
			return VALUE;
		}
		break;
	}
eol:
	lx->at_eol = 1;
	return EOL;
}
