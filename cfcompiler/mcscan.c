/* mcscan: a reader for .mc files that follows m4's rules for quotes,
 * comments, dnl and argument collection without expanding macros (see
 * mcscan.h).  Called by main before m4 runs; its results feed mclint,
 * cflint and explain. */
#include "config.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "cfcompiler/mcscan.h"

static const char *const builtins[] = {
	"__file__", "__gnu__", "__line__", "__program__", "__unix__",
	"builtin", "changecom", "changequote", "changeword", "debugfile",
	"debugmode", "decr", "define", "defn", "divert", "divnum", "dnl",
	"dumpdef", "errprint", "esyscmd", "eval", "format", "ifdef", "ifelse",
	"include", "incr", "index", "indir", "len", "m4exit", "m4wrap",
	"maketemp", "mkstemp", "patsubst", "popdef", "pushdef", "regexp",
	"shift", "sinclude", "substr", "syscmd", "sysval", "traceoff",
	"traceon", "translit", "undefine", "undivert", "unix", NULL
};

/* one call whose arguments are being collected */
struct frame {
	size_t call;
	int paren;		/* unquoted ( seen inside the arguments */
	dstr arg, raw;
	int arg_line;
};

struct lexer {
	struct mc_scan *sc;
	const char *p, *end, *bol;	/* bol: start of the current line */
	int line;
	char *lq, *rq;		/* quote strings; lq "" = quoting off */
	char *bcom, *ecom;	/* comment strings; bcom "" = comments off */
	int qdepth;
	int in_comment;		/* look-alike quotes in comments are fine */
	struct frame *fr;
	size_t nfr, capfr;
	char **userdefs;	/* names the .mc defined */
	size_t nuserdefs;
};

int
mcscan_is_builtin(const char *name)
{
	const char *const *b;

	for (b = builtins; *b; b++)
		if (strcmp(*b, name) == 0)
			return 1;
	return 0;
}

const char *const *
mcscan_builtins(void)
{
	return builtins;
}

static int
is_ident_start(int c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int
is_ident(int c)
{
	return is_ident_start(c) || (c >= '0' && c <= '9');
}

/* the cf library's macros are all upper case (FEATURE, DAEMON_OPTIONS) */
static int
looks_like_library_macro(const char *name)
{
	int letters = 0;

	for (; *name; name++) {
		if (*name >= 'a' && *name <= 'z')
			return 0;
		if (*name >= 'A' && *name <= 'Z')
			letters++;
	}
	return letters > 0;
}

static int
is_call(const struct lexer *lx, const char *name)
{
	size_t i;

	if (mcscan_is_builtin(name) || looks_like_library_macro(name))
		return 1;
	for (i = 0; i < lx->nuserdefs; i++)
		if (strcmp(lx->userdefs[i], name) == 0)
			return 1;
	return 0;
}

static int
at(const struct lexer *lx, const char *s)
{
	size_t n = strlen(s);

	return n > 0 && (size_t)(lx->end - lx->p) >= n && memcmp(lx->p, s, n) == 0;
}

static void
add_word(struct lexer *lx, const char *s, size_t n)
{
	struct mc_scan *sc = lx->sc;

	if (sc->nwords == sc->capwords) {
		sc->capwords = sc->capwords ? sc->capwords * 2 : 64;
		sc->words = xreallocarray(sc->words, sc->capwords, sizeof(*sc->words));
	}
	sc->words[sc->nwords].name = xstrndup(s, n);
	sc->words[sc->nwords].line = lx->line;
	sc->nwords++;
}

/* decode the UTF-8 sequence at p; returns its length (0: not one) */
static size_t
utf8_decode(const unsigned char *p, const unsigned char *end, unsigned *cp)
{
	size_t n, i;
	unsigned v;

	if (p[0] < 0xC0 || p[0] > 0xF4)
		return 0;
	n = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : 2;
	if ((size_t)(end - p) < n)
		return 0;
	v = p[0] & (0x7F >> n);
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		v = (v << 6) | (p[i] & 0x3F);
	}
	*cp = v;
	return n;
}

/* look-alikes of ` and ' that web pages and word processors produce,
 * and the no-break space they put between words */
static int
is_typo_quote(unsigned cp)
{
	switch (cp) {
	case 0x00A0:		/* no-break space */
	case 0x00B4:		/* acute accent */
	case 0x02B9: case 0x02BB: case 0x02BC: case 0x02CA: case 0x02CB:
	case 0x2018: case 0x2019: case 0x201A: case 0x201B:
	case 0x201C: case 0x201D: case 0x201E: case 0x201F:
	case 0x2032: case 0x2033: case 0x2035:
	case 0xFF02: case 0xFF07: case 0xFF40:
		return 1;
	default:
		return 0;
	}
}

static void
note_typo(struct lexer *lx, unsigned cp)
{
	struct mc_scan *sc = lx->sc;

	if (lx->in_comment)
		return;
	if (sc->ntypos == sc->captypos) {
		sc->captypos = sc->captypos ? sc->captypos * 2 : 8;
		sc->typos = xreallocarray(sc->typos, sc->captypos, sizeof(*sc->typos));
	}
	sc->typos[sc->ntypos].line = lx->line;
	sc->typos[sc->ntypos].col = (int)(lx->p - lx->bol) + 1;
	sc->typos[sc->ntypos].cp = cp;
	sc->typos[sc->ntypos].in_quote = lx->qdepth > 0;
	sc->ntypos++;
}

static struct frame *
top(struct lexer *lx)
{
	return lx->nfr ? &lx->fr[lx->nfr - 1] : NULL;
}

/* text that belongs to the argument being collected (if any) */
static void
emit(struct lexer *lx, const char *s, size_t n, int to_arg)
{
	struct frame *f = top(lx);

	if (f == NULL)
		return;
	dstr_append(&f->raw, s, n);
	if (to_arg)
		dstr_append(&f->arg, s, n);
}

/* step over one byte of plain text, keeping line count and noticing
 * look-alike quotes and CR LF line ends */
static void
plain(struct lexer *lx)
{
	unsigned cp;
	size_t n;

	if (*lx->p == '\n') {
		if (lx->p > lx->bol && lx->p[-1] == '\r' && lx->sc->crlf_line == 0)
			lx->sc->crlf_line = lx->line;
		emit(lx, lx->p, 1, 1);
		lx->p++;
		lx->line++;
		lx->bol = lx->p;
		return;
	}
	n = utf8_decode((const unsigned char *)lx->p, (const unsigned char *)lx->end, &cp);
	if (n > 0) {
		if (is_typo_quote(cp))
			note_typo(lx, cp);
		emit(lx, lx->p, n, 1);
		lx->p += n;
		return;
	}
	emit(lx, lx->p, 1, 1);
	lx->p++;
}

static void
skip_arg_space(struct lexer *lx)
{
	while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r')) {
		if (*lx->p == '\n') {
			lx->line++;
			lx->bol = lx->p + 1;
		}
		lx->p++;
	}
	if (top(lx))
		top(lx)->arg_line = lx->line;
}

static void
finish_arg(struct lexer *lx)
{
	struct frame *f = top(lx);
	struct mc_call *c = &lx->sc->calls[f->call];

	c->args = xreallocarray(c->args, c->nargs + 1, sizeof(char *));
	c->raw = xreallocarray(c->raw, c->nargs + 1, sizeof(char *));
	c->arg_line = xreallocarray(c->arg_line, c->nargs + 1, sizeof(int));
	c->args[c->nargs] = dstr_steal(&f->arg);
	c->raw[c->nargs] = dstr_steal(&f->raw);
	c->arg_line[c->nargs] = f->arg_line;
	c->nargs++;
}

static void
set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

/* a call has been read in full: note what it changes for the rest of
 * the file (definitions, quote and comment strings) */
static void
call_done(struct lexer *lx, const struct mc_call *c)
{
	if ((strcmp(c->name, "define") == 0 || strcmp(c->name, "pushdef") == 0) &&
	    c->nargs > 0 && c->args[0][0]) {
		lx->userdefs = xreallocarray(lx->userdefs, lx->nuserdefs + 1, sizeof(char *));
		lx->userdefs[lx->nuserdefs++] = xstrdup(c->args[0]);
	} else if (strcmp(c->name, "changequote") == 0) {
		lx->sc->quotes_changed = 1;
		set_str(&lx->lq, c->nargs > 0 ? c->args[0] : "`");
		set_str(&lx->rq, c->nargs > 1 && c->args[1][0] ? c->args[1] : "'");
		if (c->nargs == 1 && c->args[0][0] == '\0') {
			set_str(&lx->lq, "`");	/* changequote() restores them */
			set_str(&lx->rq, "'");
		}
	} else if (strcmp(c->name, "changecom") == 0) {
		set_str(&lx->bcom, c->nargs > 0 ? c->args[0] : "");
		set_str(&lx->ecom, c->nargs > 1 && c->args[1][0] ? c->args[1] : "\n");
	}
}

static void
open_call(struct lexer *lx, const char *name, size_t n, int line)
{
	struct mc_scan *sc = lx->sc;
	struct frame *f;

	if (sc->ncalls == sc->capcalls) {
		sc->capcalls = sc->capcalls ? sc->capcalls * 2 : 32;
		sc->calls = xreallocarray(sc->calls, sc->capcalls, sizeof(*sc->calls));
	}
	memset(&sc->calls[sc->ncalls], 0, sizeof(sc->calls[0]));
	sc->calls[sc->ncalls].name = xstrndup(name, n);
	sc->calls[sc->ncalls].line = line;
	sc->calls[sc->ncalls].depth = (int)lx->nfr;
	if (lx->nfr == lx->capfr) {
		lx->capfr = lx->capfr ? lx->capfr * 2 : 8;
		lx->fr = xreallocarray(lx->fr, lx->capfr, sizeof(*lx->fr));
	}
	f = &lx->fr[lx->nfr++];
	memset(f, 0, sizeof(*f));
	f->call = sc->ncalls++;
	f->arg_line = line;
}

static void
close_call(struct lexer *lx)
{
	struct frame *f = top(lx);
	struct mc_call *c = &lx->sc->calls[f->call];
	dstr text = DSTR_INIT;
	size_t i;

	finish_arg(lx);
	c->closed = 1;
	lx->nfr--;
	/* the parent's argument gets the call as written */
	dstr_puts(&text, c->name);
	dstr_putc(&text, '(');
	for (i = 0; i < c->nargs; i++)
		dstr_printf(&text, "%s%s", i ? "," : "", c->raw[i]);
	dstr_putc(&text, ')');
	emit(lx, text.s, text.len, 1);
	dstr_free(&text);
	call_done(lx, c);
}

/* what follows an opening quote on its line, shortened for a message */
static char *
quote_context(const char *p, const char *end)
{
	const char *e = p;
	size_t n;

	while (e < end && *e != '\n' && *e != '\r')
		e++;
	n = (size_t)(e - p);
	if (n > 40) {
		dstr d = DSTR_INIT;

		n = 40;
		while (n > 0 && ((unsigned char)p[n] & 0xC0) == 0x80)
			n--;	/* do not cut a UTF-8 character */
		dstr_append(&d, p, n);
		dstr_puts(&d, "...");
		return dstr_steal(&d);
	}
	return xstrndup(p, n);
}

static void
lex_quoted(struct lexer *lx)
{
	if (at(lx, lx->rq)) {
		size_t n = strlen(lx->rq);

		lx->qdepth--;
		emit(lx, lx->p, n, lx->qdepth > 0);
		lx->p += n;
	} else if (at(lx, lx->lq)) {
		size_t n = strlen(lx->lq);

		lx->qdepth++;
		emit(lx, lx->p, n, 1);
		lx->p += n;
	} else if (is_ident_start((unsigned char)*lx->p)) {
		const char *s = lx->p;

		while (lx->p < lx->end && is_ident((unsigned char)*lx->p))
			lx->p++;
		add_word(lx, s, (size_t)(lx->p - s));
		emit(lx, s, (size_t)(lx->p - s), 1);
	} else
		plain(lx);
}

static void
lex_comment(struct lexer *lx)
{
	size_t n = strlen(lx->bcom);

	emit(lx, lx->p, n, 1);
	lx->p += n;
	lx->in_comment = 1;
	while (lx->p < lx->end && !at(lx, lx->ecom))
		plain(lx);
	lx->in_comment = 0;
	if (lx->p < lx->end) {
		if (strcmp(lx->ecom, "\n") == 0)
			plain(lx);
		else {
			n = strlen(lx->ecom);
			emit(lx, lx->p, n, 1);
			lx->p += n;
		}
	}
}

static void
lex_word(struct lexer *lx)
{
	const char *s = lx->p;
	size_t n;
	int line = lx->line;

	while (lx->p < lx->end && is_ident((unsigned char)*lx->p))
		lx->p++;
	n = (size_t)(lx->p - s);
	add_word(lx, s, n);
	if (n == 3 && memcmp(s, "dnl", 3) == 0) {
		/* dnl: the rest of the line and its newline are gone */
		while (lx->p < lx->end && *lx->p != '\n')
			lx->p++;
		if (lx->p < lx->end) {
			if (lx->p > lx->bol && lx->p[-1] == '\r' && lx->sc->crlf_line == 0)
				lx->sc->crlf_line = lx->line;
			lx->p++;
			lx->line++;
			lx->bol = lx->p;
		}
		return;
	}
	if (lx->p < lx->end && *lx->p == '(') {
		char *name = xstrndup(s, n);
		int call = is_call(lx, name);

		free(name);
		if (call) {
			lx->p++;
			open_call(lx, s, n, line);
			skip_arg_space(lx);
			return;
		}
	}
	emit(lx, s, n, 1);
	if (n == 11 && memcmp(s, "changequote", n) == 0) {
		set_str(&lx->lq, "`");
		set_str(&lx->rq, "'");
	} else if (n == 9 && memcmp(s, "changecom", n) == 0)
		set_str(&lx->bcom, "");
}

static void
lex_unquoted(struct lexer *lx)
{
	struct frame *f = top(lx);
	int c = (unsigned char)*lx->p;

	if (lx->lq[0] && at(lx, lx->lq)) {
		size_t n = strlen(lx->lq);

		lx->qdepth = 1;
		lx->sc->open_quote_line = lx->line;
		lx->sc->open_quote_col = (int)(lx->p - lx->bol) + 1;
		free(lx->sc->open_quote_text);
		lx->sc->open_quote_text = quote_context(lx->p + n, lx->end);
		emit(lx, lx->p, n, 0);
		lx->p += n;
	} else if (lx->bcom[0] && at(lx, lx->bcom))
		lex_comment(lx);
	else if (is_ident_start(c))
		lex_word(lx);
	else if (f && c == '(') {
		f->paren++;
		emit(lx, lx->p++, 1, 1);
	} else if (f && c == ')') {
		lx->p++;
		if (f->paren > 0) {
			f->paren--;
			emit(lx, ")", 1, 1);
		} else
			close_call(lx);
	} else if (f && c == ',' && f->paren == 0) {
		lx->p++;
		finish_arg(lx);
		skip_arg_space(lx);
	} else
		plain(lx);
}

void
mcscan_text(const char *name, const char *text, size_t len, struct mc_scan *sc)
{
	struct lexer lx;
	size_t i;

	memset(sc, 0, sizeof(*sc));
	sc->file = xstrdup(name);
	sc->open_call = -1;
	memset(&lx, 0, sizeof(lx));
	lx.sc = sc;
	lx.p = lx.bol = text;
	lx.end = text + len;
	lx.line = 1;
	lx.lq = xstrdup("`");
	lx.rq = xstrdup("'");
	lx.bcom = xstrdup("#");
	lx.ecom = xstrdup("\n");
	while (lx.p < lx.end) {
		if (lx.qdepth > 0)
			lex_quoted(&lx);
		else
			lex_unquoted(&lx);
	}
	sc->nlines = lx.line - (len > 0 && text[len - 1] == '\n' ? 1 : 0);
	if (lx.qdepth == 0) {
		sc->open_quote_line = sc->open_quote_col = 0;
		free(sc->open_quote_text);
		sc->open_quote_text = NULL;
	}
	if (lx.nfr > 0)
		sc->open_call = (long)lx.fr[0].call;
	for (i = 0; i < lx.nfr; i++) {
		dstr_free(&lx.fr[i].arg);
		dstr_free(&lx.fr[i].raw);
	}
	free(lx.fr);
	for (i = 0; i < lx.nuserdefs; i++)
		free(lx.userdefs[i]);
	free(lx.userdefs);
	free(lx.lq);
	free(lx.rq);
	free(lx.bcom);
	free(lx.ecom);
}

int
mcscan_file(const char *path, struct mc_scan *sc)
{
	FILE *fp = fopen(path, "r");
	dstr text = DSTR_INIT;
	char buf[8192];
	size_t n;
	int err;

	if (fp == NULL)
		return -1;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		dstr_append(&text, buf, n);
	err = ferror(fp) ? errno : 0;
	fclose(fp);
	if (err) {
		dstr_free(&text);
		errno = err;
		return -1;
	}
	mcscan_text(path, dstr_cstr(&text), text.len, sc);
	dstr_free(&text);
	return 0;
}

void
mcscan_free(struct mc_scan *sc)
{
	size_t i, k;

	for (i = 0; i < sc->ncalls; i++) {
		struct mc_call *c = &sc->calls[i];

		for (k = 0; k < c->nargs; k++) {
			free(c->args[k]);
			free(c->raw[k]);
		}
		free(c->args);
		free(c->raw);
		free(c->arg_line);
		free(c->name);
	}
	free(sc->calls);
	for (i = 0; i < sc->nwords; i++)
		free(sc->words[i].name);
	free(sc->words);
	free(sc->typos);
	free(sc->open_quote_text);
	free(sc->file);
	memset(sc, 0, sizeof(*sc));
	sc->open_call = -1;
}

const struct mc_call *
mcscan_find(const struct mc_scan *sc, const char *name, const char *arg1)
{
	size_t i;

	for (i = sc->ncalls; i-- > 0;) {
		const struct mc_call *c = &sc->calls[i];

		if (strcmp(c->name, name) != 0)
			continue;
		if (arg1 == NULL || (c->nargs > 0 && strcmp(c->args[0], arg1) == 0))
			return c;
	}
	return NULL;
}

const struct mc_call *
mcscan_first(const struct mc_scan *sc, const char *name)
{
	size_t i;

	for (i = 0; i < sc->ncalls; i++)
		if (strcmp(sc->calls[i].name, name) == 0)
			return &sc->calls[i];
	return NULL;
}

size_t
mcscan_word_count(const struct mc_scan *sc, const char *word)
{
	size_t i, n = 0;

	for (i = 0; i < sc->nwords; i++)
		if (strcmp(sc->words[i].name, word) == 0)
			n++;
	return n;
}
