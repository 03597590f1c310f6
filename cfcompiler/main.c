/* main: the cfcompiler command, run by admins and the /etc/mail
 * Makefile.  Compiles sendmail.mc with GNU m4 and the cf library, checks
 * the .mc and the result (mclint, cflint), prints each problem at its .mc
 * line and writes the .cf atomically only when there is no error; with
 * --explain it describes an .mc or .cf instead. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <unistd.h>
#include "base/dstr.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "cf/cf_reader.h"
#include "cfcompiler/cflint.h"
#include "cfcompiler/confnames.h"
#include "cfcompiler/diag.h"
#include "cfcompiler/explain.h"
#include "cfcompiler/m4run.h"
#include "cfcompiler/mclint.h"
#include "cfcompiler/mcscan.h"

#ifndef CFC_CFDIR
#define CFC_CFDIR "/usr/share/sendmail-cf"
#endif

struct args {
	const char *input;
	const char *output;	/* NULL: derived from the input */
	const char *libdir;
	const char *m4;
	int check_only;
	int strict;
	int explain;
	int lang;
};

static void
usage(int rc)
{
	fprintf(rc ? stderr : stdout,
	    "usage: cfcompiler [-o file.cf] [-I cfdir] [-n] [-W] file.mc\n"
	    "       cfcompiler --explain [--lang en|ko] [-I cfdir] file.mc|file.cf\n"
	    "  -o FILE       write the .cf to FILE (default: the .mc's name with .cf;\n"
	    "                \"-\" for standard output); written only when there is no error\n"
	    "  -I DIR        the cf library (default: $SENDWELL_CF_DIR, the source tree's\n"
	    "                cf/ when run from the build tree, else %s)\n"
	    "  -n, --check   check only, write nothing\n"
	    "  -W, --strict  treat warnings as errors\n"
	    "  --explain     say what the configuration does\n"
	    "  --lang LANG   en or ko (default from LC_ALL, LC_MESSAGES, LANG)\n"
	    "  --m4 PATH     the GNU m4 to run (default %s)\n",
	    CFC_CFDIR, PATH_M4);
	exit(rc);
}

static int
same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];

	return realpath(a, ra) && realpath(b, rb) && strcmp(ra, rb) == 0;
}

/* the cf library: -I, then $SENDWELL_CF_DIR, then the source tree when
 * this binary is the one in the build tree, then the installed one */
static char *
find_libdir(const char *opt)
{
	const char *env = getenv("SENDWELL_CF_DIR");
	char *s;
	size_t n;

	if (opt && *opt)
		s = xstrdup(opt);
	else if (env && *env)
		s = xstrdup(env);
	else {
		s = NULL;
#if defined(CFC_BUILDDIR) && defined(CFC_SRCDIR)
		{
			char exe[PATH_MAX];
			ssize_t len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

			if (len > 0) {
				exe[len] = '\0';
				if (same_dir(dirname(exe), CFC_BUILDDIR "/cfcompiler"))
					s = xstrdup(CFC_SRCDIR "/cf");
			}
		}
#endif
		if (s == NULL)
			s = xstrdup(CFC_CFDIR);
	}
	n = strlen(s);
	while (n > 1 && s[n - 1] == '/')
		s[--n] = '\0';
	{
		char real[PATH_MAX];

		/* a clean absolute path: it is written into messages */
		if (realpath(s, real)) {
			free(s);
			s = xstrdup(real);
		}
	}
	return s;
}

static int
has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && strcmp(s + n - k, suffix) == 0;
}

static char *
default_output(const char *input)
{
	dstr d = DSTR_INIT;

	if (has_suffix(input, ".mc"))
		dstr_append(&d, input, strlen(input) - 3);
	else
		dstr_puts(&d, input);
	dstr_puts(&d, ".cf");
	return dstr_steal(&d);
}

/* a temporary file in dir (or $TMPDIR) holding text; its path */
static char *
write_temp(const char *dir, const char *base, const dstr *text, dstr *why)
{
	dstr path = DSTR_INIT;
	const char *tmp = getenv("TMPDIR");
	size_t off = 0;
	int fd;

	if (dir)
		dstr_printf(&path, "%s/.%s.XXXXXX", dir, base);
	else
		dstr_printf(&path, "%s/cfcompiler.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path.s);
	if (fd < 0) {
		dstr_printf(why, "cannot create a file next to the output (%s): %s", path.s, strerror(errno));
		dstr_free(&path);
		return NULL;
	}
	while (off < text->len) {
		ssize_t n = write(fd, text->s + off, text->len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			dstr_printf(why, "cannot write %s: %s", path.s, strerror(errno));
			close(fd);
			unlink(path.s);
			dstr_free(&path);
			return NULL;
		}
		off += (size_t)n;
	}
	if (fchmod(fd, 0644) < 0 || fsync(fd) < 0 || close(fd) < 0) {
		dstr_printf(why, "cannot finish %s: %s", path.s, strerror(errno));
		unlink(path.s);
		dstr_free(&path);
		return NULL;
	}
	return dstr_steal(&path);
}

static void
sync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

/* a message from a library file (feature/x.m4 ...) belongs at the .mc
 * line that loaded it: FEATURE(`x') ... */
static void
blame_library_file(const char *libdir, const struct mc_scan *sc, const char **file, int *line)
{
	static const struct {
		const char *dir, *macro;
	} loaders[] = {
		{ "feature/", "FEATURE" }, { "mailer/", "MAILER" }, { "ostype/", "OSTYPE" },
		{ "domain/", "DOMAIN" }, { "hack/", "HACK" },
	};
	size_t n = strlen(libdir), i;
	const char *rest;

	if (strncmp(*file, libdir, n) != 0 || (*file)[n] != '/')
		return;
	rest = *file + n + 1;
	for (i = 0; i < sizeof(loaders) / sizeof(loaders[0]); i++) {
		size_t k = strlen(loaders[i].dir);

		if (strncmp(rest, loaders[i].dir, k) == 0 && has_suffix(rest, ".m4")) {
			char *name = xstrndup(rest + k, strlen(rest + k) - 3);
			const struct mc_call *c = mcscan_find(sc, loaders[i].macro, name);

			free(name);
			if (c) {
				*file = sc->file;
				*line = c->line;
			}
			return;
		}
	}
}

/* one line m4 printed: "m4:FILE:LINE: text" from m4 itself, or
 * "FILE:LINE: error|warning: text" from the cf library */
static void
relay_one(char *line, int m4_failed, const struct mc_scan *sc, const char *libdir,
    struct diag_list *dl)
{
	char *s = line, *c1, *end = NULL;
	const char *file, *text;
	int from_m4 = 0, lno;

	if (strncmp(s, "m4:", 3) == 0) {
		s += 3;
		from_m4 = 1;
	}
	c1 = strchr(s, ':');
	lno = c1 ? (int)strtol(c1 + 1, &end, 10) : 0;
	if (c1 == NULL || end == c1 + 1 || *end != ':') {
		if (*line)
			diag_add(dl, m4_failed ? DIAG_ERROR : DIAG_WARNING, sc->file, 0, "m4: %s", line);
		return;
	}
	*c1 = '\0';
	file = s;
	text = end + 1;
	while (*text == ' ')
		text++;
	blame_library_file(libdir, sc, &file, &lno);
	if (strcmp(file, sc->file) == 0) {
		if (from_m4 && (strstr(text, "end of file in string") ||
		    strstr(text, "end of file in argument list")) &&
		    mclint_unclosed(sc, strstr(text, "string") ? 's' : 'a', dl))
			return;
		if (strstr(text, "after MAILER()"))
			return;	/* mclint says it, with the MAILER line */
	}
	if (strncmp(text, "error: unknown ", 15) == 0 && diag_at_line(dl, file, lno))
		return;		/* mclint said it, with "did you mean" */
	if (strncmp(text, "error: ", 7) == 0)
		diag_add(dl, DIAG_ERROR, file, lno, "%s", text + 7);
	else if (strncmp(text, "warning: ", 9) == 0)
		diag_add(dl, DIAG_WARNING, file, lno, "%s", text + 9);
	else if (strncmp(text, "Warning: ", 9) == 0)
		diag_add(dl, DIAG_WARNING, file, lno, "m4: %s", text + 9);
	else if (strncmp(text, "ERROR: ", 7) == 0)
		diag_add(dl, DIAG_ERROR, file, lno, "m4: %s", text + 7);
	else
		diag_add(dl, from_m4 ? DIAG_ERROR : DIAG_WARNING, file, lno, "%s%s",
		    from_m4 ? "m4: " : "", text);
}

static void
relay_m4_stderr(const struct m4_result *r, const struct mc_scan *sc, const char *libdir,
    struct diag_list *dl)
{
	const char *p = dstr_cstr(&r->err);

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, n);

		relay_one(line, r->status != 0, sc, libdir, dl);
		free(line);
		p = nl ? nl + 1 : p + n;
	}
}

static int
explain_cf_file(const struct args *a)
{
	struct cf_file cf = { 0 };
	dstr errs = DSTR_INIT;

	if (cf_read(a->input, &cf, &errs) < 0) {
		fprintf(stderr, "cfcompiler: cannot read %s: %s\n", a->input, strerror(errno));
		dstr_free(&errs);
		return EX_NOINPUT;
	}
	fputs(dstr_cstr(&errs), stderr);
	explain_print(stdout, &cf, NULL, a->input, a->lang);
	cf_file_free(&cf);
	dstr_free(&errs);
	return EX_OK;
}

static int
compile(const struct args *a, const char *libdir)
{
	struct mc_scan sc;
	struct confnames cn;
	struct diag_list dl;
	struct m4_result r;
	dstr why = DSTR_INIT, cfm4 = DSTR_INIT;
	char *out = NULL, *outdir = NULL, *tmp = NULL, *cfname;
	int to_stdout, rc = EX_OK;
	size_t nerr;

	dstr_printf(&cfm4, "%s/m4/cf.m4", libdir);
	if (access(cfm4.s, R_OK) != 0) {
		fprintf(stderr, "cfcompiler: no cf library in %s (%s: %s); name its folder with -I\n",
		    libdir, cfm4.s, strerror(errno));
		dstr_free(&cfm4);
		return EX_CONFIG;
	}
	dstr_free(&cfm4);
	if (mcscan_file(a->input, &sc) < 0) {
		fprintf(stderr, "cfcompiler: cannot read %s: %s\n", a->input, strerror(errno));
		return EX_NOINPUT;
	}
	diag_init(&dl);
	diag_file(&dl, a->input);	/* the .mc's lines print first */
	if (confnames_load(&cn, libdir) < 0)
		diag_add(&dl, DIAG_WARNING, NULL, 0,
		    "cannot read %s/conf-names.txt: confXXX names are not checked", libdir);
	mclint_check(&sc, libdir, same_dir(libdir, CFC_CFDIR), &cn, &dl);
	m4run_init(&r);
	if (m4run_compile(a->m4, libdir, a->input, mclint_cf_include(&sc) == NULL, &r, &why) < 0) {
		fprintf(stderr, "cfcompiler: %s\n", why.s);
		rc = EX_OSERR;
		goto done;
	}
	relay_m4_stderr(&r, &sc, libdir, &dl);
	if (r.status != 0 && diag_count(&dl, DIAG_ERROR) == 0)
		diag_add(&dl, DIAG_ERROR, a->input, 0, "m4 failed (exit status %d)", r.status);
	to_stdout = a->output && strcmp(a->output, "-") == 0;
	out = a->output ? xstrdup(a->output) : default_output(a->input);
	cfname = xstrdup(to_stdout ? "sendmail.cf" : out);
	if (r.status == 0) {
		struct cflint x;
		int in_place = !a->check_only && !a->explain && !to_stdout;

		if (in_place) {
			char *copy = xstrdup(out);

			outdir = xstrdup(dirname(copy));
			free(copy);
		}
		{
			char *copy = xstrdup(out);

			tmp = write_temp(in_place ? outdir : NULL, basename(copy), &r.out, &why);
			free(copy);
		}
		if (tmp == NULL) {
			fprintf(stderr, "cfcompiler: %s\n", why.s);
			rc = EX_CANTCREAT;
			free(cfname);
			goto done;
		}
		x.cfname = cfname;
		x.libdir = libdir;
		x.sc = &sc;
		x.m4 = &r;
		x.cn = &cn;
		x.dl = &dl;
		cflint_check(&x, tmp);
	}
	free(cfname);
	diag_print(&dl, stderr);
	nerr = diag_count(&dl, DIAG_ERROR) + (a->strict ? diag_count(&dl, DIAG_WARNING) : 0);
	if (nerr > 0 || r.status != 0) {
		if (!a->explain)
			fprintf(stderr, "cfcompiler: %zu error%s; %s%s written\n", nerr,
			    nerr == 1 ? "" : "s", to_stdout ? "no .cf" : out,
			    to_stdout ? "" : " not");
		rc = 1;
	}
	if (a->explain && r.status == 0) {
		struct cf_file cf = { 0 };

		if (cf_read_buffer(a->input, dstr_cstr(&r.out), r.out.len, &cf, NULL) == 0)
			explain_print(stdout, &cf, &sc, a->input, a->lang);
		cf_file_free(&cf);
	} else if (rc == EX_OK && to_stdout) {
		fwrite(r.out.s ? r.out.s : "", 1, r.out.len, stdout);
		if (fflush(stdout) != 0)
			rc = EX_IOERR;
	} else if (rc == EX_OK && !a->check_only) {
		if (rename(tmp, out) < 0) {
			fprintf(stderr, "cfcompiler: cannot rename %s to %s: %s\n", tmp, out, strerror(errno));
			rc = EX_CANTCREAT;
		} else {
			sync_dir(outdir);
			free(tmp);
			tmp = NULL;
		}
	}
done:
	if (tmp) {
		unlink(tmp);
		free(tmp);
	}
	free(out);
	free(outdir);
	m4run_free(&r);
	confnames_free(&cn);
	diag_free(&dl);
	mcscan_free(&sc);
	dstr_free(&why);
	return rc;
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "check", no_argument, NULL, 'n' },
		{ "strict", no_argument, NULL, 'W' },
		{ "explain", no_argument, NULL, 'e' },
		{ "lang", required_argument, NULL, 'L' },
		{ "m4", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ "output", required_argument, NULL, 'o' },
		{ NULL, 0, NULL, 0 }
	};
	struct args a;
	char *libdir;
	int ch, rc;

	memset(&a, 0, sizeof(a));
	a.m4 = PATH_M4;
	a.lang = -1;
	/* the MTA code cfcompiler loads the .cf with may log; only real
	 * trouble (out of memory) should interrupt the diagnostics */
	log_open("cfcompiler", LOG_TO_STDERR, NULL);
	log_set_max_priority(LOG_ERR);
	while ((ch = getopt_long(argc, argv, "o:I:nWh", longopts, NULL)) != -1) {
		switch (ch) {
		case 'o': a.output = optarg; break;
		case 'I': a.libdir = optarg; break;
		case 'n': a.check_only = 1; break;
		case 'W': a.strict = 1; break;
		case 'e': a.explain = 1; break;
		case 'M': a.m4 = optarg; break;
		case 'L':
			a.lang = explain_lang_from(optarg);
			if (a.lang < 0) {
				fprintf(stderr, "cfcompiler: --lang %s: en or ko\n", optarg);
				return EX_USAGE;
			}
			break;
		case 'h': usage(EX_OK); break;
		default: usage(EX_USAGE); break;
		}
	}
	if (optind != argc - 1)
		usage(EX_USAGE);
	a.input = argv[optind];
	if (a.lang < 0) {
		const char *vars[] = { "LC_ALL", "LC_MESSAGES", "LANG" };
		size_t i;

		for (i = 0; i < 3 && a.lang < 0; i++) {
			const char *v = getenv(vars[i]);

			if (v && *v)
				a.lang = explain_lang_from(v) == EXPLAIN_KO ? EXPLAIN_KO : EXPLAIN_EN;
		}
		if (a.lang < 0)
			a.lang = EXPLAIN_EN;
	}
	if (a.explain && has_suffix(a.input, ".cf"))
		return explain_cf_file(&a);
	libdir = find_libdir(a.libdir);
	rc = compile(&a, libdir);
	free(libdir);
	return rc;
}
