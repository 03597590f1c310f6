/* mclint: checks on the .mc text (see mclint.h).  Called by main after
 * mcscan has read the file, and again when m4 stops at the end of the
 * file inside a quote or an argument list. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "cfcompiler/mclint.h"

#ifndef CFC_CFDIR
#define CFC_CFDIR "/usr/share/sendmail-cf"
#endif
#ifndef CFC_DATADIR
#define CFC_DATADIR "/usr/share"
#endif

/* the folders of the library a loader macro reads from */
static const struct {
	const char *macro, *dir;
} loaders[] = {
	{ "FEATURE", "feature" },
	{ "MAILER", "mailer" },
	{ "OSTYPE", "ostype" },
	{ "DOMAIN", "domain" },
	{ "HACK", "hack" },
};

void
mclint_codepoint_name(unsigned cp, dstr *out)
{
	/* the character itself, UTF-8 encoded, then its number */
	if (cp < 0x800) {
		dstr_putc(out, (int)(0xC0 | (cp >> 6)));
		dstr_putc(out, (int)(0x80 | (cp & 0x3F)));
	} else {
		dstr_putc(out, (int)(0xE0 | (cp >> 12)));
		dstr_putc(out, (int)(0x80 | ((cp >> 6) & 0x3F)));
		dstr_putc(out, (int)(0x80 | (cp & 0x3F)));
	}
	dstr_printf(out, " (U+%04X)", cp);
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

const struct mc_call *
mclint_cf_include(const struct mc_scan *sc)
{
	size_t i;

	for (i = 0; i < sc->ncalls; i++) {
		const struct mc_call *c = &sc->calls[i];

		if ((strcmp(c->name, "include") == 0 || strcmp(c->name, "sinclude") == 0) &&
		    c->nargs > 0 && (has_suffix(c->args[0], "/cf.m4") || strcmp(c->args[0], "cf.m4") == 0))
			return c;
	}
	return NULL;
}

static int
line_has_typo(const struct mc_scan *sc, int line)
{
	size_t i;

	for (i = 0; i < sc->ntypos; i++)
		if (sc->typos[i].line == line && sc->typos[i].cp != 0xA0)
			return 1;
	return 0;
}

static void
check_typos(const struct mc_scan *sc, struct diag_list *dl)
{
	size_t i;
	int last = 0;

	for (i = 0; i < sc->ntypos; i++) {
		const struct mc_typo *t = &sc->typos[i];
		dstr ch = DSTR_INIT;

		if (t->line == last)
			continue;
		mclint_codepoint_name(t->cp, &ch);
		if (t->cp == 0xA0) {
			diag_add(dl, DIAG_WARNING, sc->file, t->line,
			    "a no-break space %s, pasted from a web page?, is not white space to m4;"
			    " type a plain space", ch.s);
			last = t->line;
		} else if (!t->in_quote) {
			diag_add(dl, DIAG_ERROR, sc->file, t->line,
			    "%s is a typographic quote, pasted from a web page or a word processor?;"
			    " m4 only knows ` (backtick) to open and ' (apostrophe) to close a quote",
			    ch.s);
			last = t->line;
		}
		dstr_free(&ch);
	}
}

/* the argument of a name-taking macro, quoted the wrong way */
static void
check_name_quotes(const struct mc_scan *sc, struct diag_list *dl)
{
	static const char *const takers[] = {
		"define", "pushdef", "undefine", "FEATURE", "MAILER", "OSTYPE",
		"DOMAIN", "HACK", "include", "sinclude", NULL
	};
	size_t i;
	const char *const *t;

	for (i = 0; i < sc->ncalls; i++) {
		const struct mc_call *c = &sc->calls[i];
		const char *a;
		size_t n;

		for (t = takers; *t; t++)
			if (strcmp(*t, c->name) == 0)
				break;
		if (*t == NULL || c->nargs == 0 || line_has_typo(sc, c->line))
			continue;
		a = c->raw[0];
		n = strlen(a);
		if (n >= 2 && a[0] == '\'')
			diag_add(dl, DIAG_ERROR, sc->file, c->line,
			    "%s(%s...): m4 opens a quote with ` (backtick), not ' (apostrophe);"
			    " write %s(`%.*s'...)", c->name, a, c->name,
			    (int)(a[n - 1] == '\'' ? n - 2 : n - 1), a + 1);
		else if (n >= 2 && a[0] == '"')
			diag_add(dl, DIAG_ERROR, sc->file, c->line,
			    "%s(%s...): m4 does not quote with double quotes;"
			    " write %s(`%.*s'...)", c->name, a, c->name,
			    (int)(a[n - 1] == '"' ? n - 2 : n - 1), a + 1);
	}
}

static int
readable(const char *path)
{
	return access(path, R_OK) == 0;
}

static void
check_loaders(const struct mc_scan *sc, const char *libdir, struct diag_list *dl)
{
	size_t i, k, nfiles;
	const struct mc_call *first_mailer = mcscan_first(sc, "MAILER");

	for (i = 0; i < sc->ncalls; i++) {
		const struct mc_call *c = &sc->calls[i];
		dstr path = DSTR_INIT;
		const char *name;

		for (k = 0; k < sizeof(loaders) / sizeof(loaders[0]); k++)
			if (strcmp(loaders[k].macro, c->name) == 0)
				break;
		if (k == sizeof(loaders) / sizeof(loaders[0]) || c->nargs == 0)
			continue;
		name = c->args[0];
		if (name[0] == '\0') {
			diag_add(dl, DIAG_ERROR, sc->file, c->line, "%s() needs a name", c->name);
			continue;
		}
		if (line_has_typo(sc, c->line) || strchr(name, '\'') || strchr(name, '"'))
			continue;	/* the quoting is reported instead */
		if (strchr(name, '/') == NULL) {
			dstr_printf(&path, "%s/%s/%s.m4", libdir, loaders[k].dir, name);
			if (!readable(path.s)) {
				char **files = NULL;
				const char *best;
				dstr dir = DSTR_INIT;

				dstr_printf(&dir, "%s/%s", libdir, loaders[k].dir);
				files = confnames_list_dir(dir.s, &nfiles);
				best = confnames_closest(name, files, nfiles);
				if (best)
					diag_add(dl, DIAG_ERROR, sc->file, c->line,
					    "unknown %s `%s' (did you mean `%s'?): there is no %s/%s.m4 in %s",
					    c->name, name, best, loaders[k].dir, name, libdir);
				else
					diag_add(dl, DIAG_ERROR, sc->file, c->line,
					    "unknown %s `%s': there is no %s/%s.m4 in %s",
					    c->name, name, loaders[k].dir, name, libdir);
				confnames_free_list(files, nfiles);
				dstr_free(&dir);
			}
		} else
			diag_add(dl, DIAG_ERROR, sc->file, c->line,
			    "%s(`%s'): give the name only, not a path", c->name, name);
		dstr_free(&path);
		if (strcmp(c->name, "FEATURE") == 0 && first_mailer && c->line > first_mailer->line &&
		    first_mailer->nargs > 0)
			diag_add(dl, DIAG_WARNING, sc->file, c->line,
			    "FEATURE(`%s') comes after MAILER(`%s') at line %d: sendmail's cf library"
			    " wants every FEATURE before the first MAILER (some features do nothing"
			    " there); move it up", name, first_mailer->args[0], first_mailer->line);
	}
}

static void
check_conf_names(const struct mc_scan *sc, const struct confnames *cn, struct diag_list *dl)
{
	size_t i;

	if (cn->n == 0)
		return;
	for (i = 0; i < sc->ncalls; i++) {
		const struct mc_call *c = &sc->calls[i];
		const char *name, *best;

		if ((strcmp(c->name, "define") != 0 && strcmp(c->name, "pushdef") != 0) ||
		    c->nargs == 0)
			continue;
		name = c->args[0];
		if (strncmp(name, "conf", 4) != 0 || confnames_get(cn, name))
			continue;
		best = confnames_suggest(cn, name);
		if (best)
			diag_add(dl, DIAG_ERROR, sc->file, c->line,
			    "unknown name `%s' (did you mean `%s'?): the cf library ignores it,"
			    " so this setting does nothing", name, best);
		else if (mcscan_word_count(sc, name) <= 1)
			diag_add(dl, DIAG_WARNING, sc->file, c->line,
			    "`%s' is not a name the cf library knows (conf-names.txt):"
			    " this define does nothing", name);
	}
}

/* where a stock .mc (RHEL or Debian style) or this build's install
 * expects the library */
static int
is_standard_path(const char *path)
{
	static const char *const std[] = {
		"/usr/share/sendmail-cf/m4/cf.m4",
		"/usr/share/sendmail/cf/m4/cf.m4",
		CFC_CFDIR "/m4/cf.m4",
		CFC_DATADIR "/sendmail/cf/m4/cf.m4",
	};
	size_t i;

	for (i = 0; i < sizeof(std) / sizeof(std[0]); i++)
		if (strcmp(std[i], path) == 0)
			return 1;
	return 0;
}

static void
check_include(const struct mc_scan *sc, const char *libdir, int lib_installed,
    const struct confnames *cn, struct diag_list *dl)
{
	const struct mc_call *inc = mclint_cf_include(sc);
	size_t i, k;

	if (inc == NULL) {
		diag_add(dl, DIAG_WARNING, sc->file, 1,
		    "no include(`.../m4/cf.m4') line: cfcompiler loads the cf library by itself,"
		    " but `m4 %s' alone will not; put include(`%s/m4/cf.m4')dnl first",
		    sc->file, libdir);
		return;
	}
	if (!line_has_typo(sc, inc->line) && !readable(inc->args[0])) {
		if (!lib_installed && is_standard_path(inc->args[0]))
			diag_add(dl, DIAG_WARNING, sc->file, inc->line,
			    "%s(`%s'): no such file here (the cf library is not installed);"
			    " cfcompiler used %s", inc->name, inc->args[0], libdir);
		else
			diag_add(dl, DIAG_ERROR, sc->file, inc->line,
			    "%s(`%s'): no such file; the cf library on this system is %s:"
			    " write include(`%s/m4/cf.m4')",
			    inc->name, inc->args[0], libdir, libdir);
	}
	/* the library's macros do not exist before that line */
	for (i = 0; i < sc->ncalls; i++) {
		const struct mc_call *c = &sc->calls[i];

		if (c->line >= inc->line)
			break;
		for (k = 0; k < cn->nmacros; k++)
			if (strcmp(cn->macros[k], c->name) == 0) {
				diag_add(dl, DIAG_ERROR, sc->file, c->line,
				    "%s is used before the cf library is included (line %d):"
				    " m4 does not know it yet and copies it into the .cf as text;"
				    " move the include line up", c->name, inc->line);
				break;
			}
	}
}

void
mclint_check(const struct mc_scan *sc, const char *libdir, int lib_installed,
    const struct confnames *cn, struct diag_list *dl)
{
	check_typos(sc, dl);
	check_name_quotes(sc, dl);
	check_include(sc, libdir, lib_installed, cn, dl);
	check_loaders(sc, libdir, dl);
	check_conf_names(sc, cn, dl);
	if (sc->crlf_line)
		diag_add(dl, DIAG_WARNING, sc->file, sc->crlf_line,
		    "this file has Windows line ends (CR LF): m4 copies the CR into the .cf;"
		    " convert it with dos2unix");
}

int
mclint_unclosed(const struct mc_scan *sc, int what, struct diag_list *dl)
{
	size_t i;

	if (what == 's') {
		const char *ctx = sc->open_quote_text ? sc->open_quote_text : "";

		if (sc->open_quote_line == 0)
			return 0;
		/* a pasted ’ inside the open quote is the likely culprit */
		for (i = 0; i < sc->ntypos; i++) {
			const struct mc_typo *t = &sc->typos[i];
			dstr ch = DSTR_INIT;

			if (!t->in_quote || t->cp == 0xA0 || t->line < sc->open_quote_line ||
			    (t->line == sc->open_quote_line && t->col < sc->open_quote_col))
				continue;
			mclint_codepoint_name(t->cp, &ch);
			diag_add(dl, DIAG_ERROR, sc->file, t->line,
			    "%s is a typographic quote, not m4's ' (apostrophe): the quote opened"
			    " at line %d never closes, so m4 read the rest of the file as quoted"
			    " text", ch.s, sc->open_quote_line);
			dstr_free(&ch);
			return 1;
		}
		diag_add(dl, DIAG_ERROR, sc->file, sc->open_quote_line,
		    "unbalanced quote: the ` opened here (before \"%s\") is never closed with ',"
		    " so m4 read the rest of the file as quoted text; add the missing '", ctx);
		return 1;
	}
	if (sc->open_call < 0)
		return 0;
	{
		const struct mc_call *c = &sc->calls[sc->open_call];

		diag_add(dl, DIAG_ERROR, sc->file, c->line,
		    "unbalanced parentheses: %s( opened here is never closed, so m4 took the"
		    " rest of the file as its arguments; add the missing )", c->name);
	}
	return 1;
}
