/* smrsh: the restricted shell of the prog mailer (FEATURE(smrsh) makes
 * the cf run "smrsh -c command" for "|command" aliases and .forward
 * lines).  Only programs the administrator put in /etc/mail/smrsh may
 * run, plus the builtins echo, exit and exec; shell tricks that could
 * run anything else are refused.  Called by sendmail's delivery only. */
#include "config.h"
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sysexits.h>
#include <syslog.h>
#include <unistd.h>
#include "base/dstr.h"

#ifndef SMRSH_CMDDIR
#define SMRSH_CMDDIR "/etc/mail/smrsh"
#endif
#define SMRSH_PATH "PATH=/usr/bin:/bin"
#define SHELL "/bin/sh"

static const char *prog = "smrsh";

static void refuse(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* refuse: say why on stderr (the bounce shows it) and in the log */
static void
refuse(int code, const char *fmt, ...)
{
	dstr d = DSTR_INIT;
	va_list ap;

	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	fprintf(stderr, "%s: %s\n", prog, d.s);
	syslog(LOG_CRIT, "%s", d.s);
	dstr_free(&d);
	exit(code);
}

/* forbidden: characters that would let a command start another one,
 * redirect, or expand something; a lone | or & too (only || and &&,
 * between allowed commands, are kept) */
static void
check_characters(const char *cmd)
{
	const char *p;

	for (p = cmd; *p; p++) {
		char c = *p;

		if (c == '|' || c == '&') {
			if (p[1] == c) {
				p++;
				continue;
			}
		} else if (strchr("`<>;$()^\r\n", c) == NULL)
			continue;
		{
			char s[2] = { c, '\0' };

			refuse(EX_UNAVAILABLE, "the character '%s' is not allowed in a mail program",
			    c == '\r' ? "\\r" : c == '\n' ? "\\n" : s);
		}
	}
}

static int
builtin(const char *name, size_t n)
{
	return (n == 4 && strncmp(name, "echo", 4) == 0) ||
	    (n == 4 && strncmp(name, "exit", 4) == 0);
}

/* allowed_path: dir/name, if it is an executable regular file (links
 * are followed: the administrator made them) */
static void
allowed_path(const char *dir, const char *name, size_t n, dstr *out)
{
	struct stat st;
	dstr shown = DSTR_INIT;

	dstr_clear(out);
	dstr_printf(out, "%s/", dir);
	dstr_append(out, name, n);
	dstr_append(&shown, name, n);
	if (stat(out->s, &st) != 0)
		refuse(EX_UNAVAILABLE, "\"%s\" is not in the list of mail programs%s", shown.s,
		    errno == ENOENT ? "" : " (cannot look it up)");
	if (!S_ISREG(st.st_mode))
		refuse(EX_UNAVAILABLE, "\"%s\" is not a program file", shown.s);
	if (access(out->s, X_OK) != 0)
		refuse(EX_UNAVAILABLE, "\"%s\" may not be run", shown.s);
	dstr_free(&shown);
}

/* rewrite: each command of a "a || b && c" line: an "exec " prefix
 * kept, the program's directory dropped and the allowed directory put
 * in its place; the rest of the words go to the shell as given */
static void
rewrite(const char *dir, const char *cmd, dstr *out)
{
	const char *p = cmd;
	dstr path = DSTR_INIT;

	while (*p) {
		const char *word, *end, *base, *next;
		size_t n;

		while (*p == ' ')
			dstr_putc(out, *p++);
		if (strncmp(p, "exec ", 5) == 0) {
			dstr_puts(out, "exec ");
			p += 5;
			while (*p == ' ')
				dstr_putc(out, *p++);
		}
		/* the program word ends at a blank (only a space counts, as
		 * the shell would see a tab inside a name anyway) */
		word = p;
		end = word + strcspn(word, " ");
		next = strstr(word, "||");
		{
			const char *amp = strstr(word, "&&");

			if (next == NULL || (amp && amp < next))
				next = amp;
		}
		if (next && next < end)
			end = next;
		if (end == word)
			refuse(EX_UNAVAILABLE, "%s", "an empty command is not allowed");
		for (base = end; base > word && base[-1] != '/'; base--)
			;
		n = (size_t)(end - base);
		if (builtin(base, n))
			dstr_append(out, base, n);
		else {
			allowed_path(dir, base, n, &path);
			dstr_puts(out, path.s);
		}
		/* the arguments, up to the next || or && */
		if (next == NULL) {
			dstr_puts(out, end);
			break;
		}
		dstr_append(out, end, (size_t)(next - end));
		dstr_append(out, next, 2);
		p = next + 2;
	}
	dstr_free(&path);
}

int
main(int argc, char **argv)
{
	const char *dir = SMRSH_CMDDIR, *env_dir = getenv("SENDWELL_SMRSH_DIR");
	char *const envp[] = { SMRSH_PATH, NULL };
	dstr cmd = DSTR_INIT;

	if (argv[0] && *argv[0])
		prog = argv[0];
	openlog("smrsh", LOG_PID, LOG_MAIL);
	if (argc != 3 || strcmp(argv[1], "-c") != 0 || argv[2][0] == '\0') {
		fprintf(stderr, "usage: %s -c command\n", prog);
		return EX_USAGE;
	}
	/* tests and unusual installs name another directory; it only
	 * narrows or moves the list, smrsh has no privileges to give */
	if (env_dir && *env_dir)
		dir = env_dir;
	check_characters(argv[2]);
	rewrite(dir, argv[2], &cmd);
	{
		char *const sh[] = { "sh", "-c", cmd.s, NULL };

		execve(SHELL, sh, envp);
	}
	fprintf(stderr, "%s: cannot run %s: %s\n", prog, SHELL, strerror(errno));
	return EX_OSERR;
}
