/* m4run: running m4 with sync lines and mapping the output back to its
 * input lines (see m4run.h).  Called by main for every compile. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "cfcompiler/m4run.h"

#define MARKER "#@@@ cfcompiler: end of the .mc @@@"

const char *
m4run_marker(void)
{
	return MARKER;
}

void
m4run_init(struct m4_result *r)
{
	memset(r, 0, sizeof(*r));
	r->status = -1;
	dstr_init(&r->out);
	dstr_init(&r->err);
}

void
m4run_free(struct m4_result *r)
{
	size_t i;

	dstr_free(&r->out);
	dstr_free(&r->err);
	free(r->origin);
	for (i = 0; i < r->nfiles; i++)
		free(r->files[i]);
	free(r->files);
	free(r->prologue);
	free(r->epilogue);
	free(r->partial);
	m4run_init(r);
}

static const char *
intern(struct m4_result *r, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < r->nfiles; i++)
		if (strlen(r->files[i]) == n && memcmp(r->files[i], s, n) == 0)
			return r->files[i];
	r->files = xreallocarray(r->files, r->nfiles + 1, sizeof(char *));
	r->files[r->nfiles] = xstrndup(s, n);
	return r->files[r->nfiles++];
}

/* "#line N" or "#line N \"file\"": set *line (and *file); 1 if it was one */
static int
sync_line(struct m4_result *r, const char *s, size_t n, const char **file, int *line)
{
	const char *p = s + 6, *e = s + n, *q1, *q2;
	long v = 0;

	if (n < 7 || memcmp(s, "#line ", 6) != 0)
		return 0;
	if (p >= e || *p < '0' || *p > '9')
		return 0;
	while (p < e && *p >= '0' && *p <= '9')
		v = v * 10 + (*p++ - '0');
	if (p < e) {
		if (*p != ' ')
			return 0;
		q1 = memchr(p, '"', (size_t)(e - p));
		q2 = e - 1;
		if (q1 == NULL || q2 <= q1 || *q2 != '"')
			return 0;
		*file = intern(r, q1 + 1, (size_t)(q2 - q1 - 1));
	}
	*line = (int)v;
	return 1;
}

void
m4run_parse(struct m4_result *r, const char *raw, size_t len)
{
	const char *p = raw, *end = raw + len, *file = NULL;
	size_t mlen = strlen(MARKER);
	int line = 0;
	size_t cap = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (sync_line(r, p, n, &file, &line)) {
			/* the next output line comes from that input line */
		} else if (!r->saw_marker && n >= mlen && memcmp(p + n - mlen, MARKER, mlen) == 0) {
			r->input_lines = r->nlines;
			r->saw_marker = 1;
			if (n > mlen) {
				/* the .mc's last output line had no newline */
				r->partial = xstrndup(p, n - mlen);
				r->partial_origin.file = file;
				r->partial_origin.line = line;
			}
			line++;
		} else {
			if (r->nlines == cap) {
				cap = cap ? cap * 2 : 1024;
				r->origin = xreallocarray(r->origin, cap, sizeof(*r->origin));
			}
			r->origin[r->nlines].file = file;
			r->origin[r->nlines].line = line;
			if (r->partial && r->nlines == r->input_lines) {
				dstr_puts(&r->out, r->partial);
				r->origin[r->nlines] = r->partial_origin;
			}
			r->nlines++;
			line++;
			dstr_append(&r->out, p, n);
			if (nl)
				dstr_putc(&r->out, '\n');
		}
		p = nl ? nl + 1 : end;
	}
	if (r->partial && r->nlines == r->input_lines)
		dstr_puts(&r->out, r->partial);	/* nothing followed it */
}

static int
write_file(const char *path, const char *text, dstr *why)
{
	FILE *fp = fopen(path, "w");

	if (fp == NULL || fputs(text, fp) == EOF || fclose(fp) != 0) {
		dstr_printf(why, "cannot write %s: %s", path, strerror(errno));
		if (fp)
			fclose(fp);
		return -1;
	}
	return 0;
}

/* the prologue: any include of ".../m4/cf.m4" loads libdir's cf.m4, so
 * the .mc keeps its own include line (for plain m4) and still gets the
 * library cfcompiler checks against */
static int
write_helpers(struct m4_result *r, const char *libdir, dstr *why)
{
	const char *tmp = getenv("TMPDIR");
	dstr dir = DSTR_INIT, text = DSTR_INIT;
	char *d;
	int rc;

	dstr_printf(&dir, "%s/cfcompiler.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	d = mkdtemp(dir.s);
	if (d == NULL) {
		dstr_printf(why, "cannot make a temporary folder: %s", strerror(errno));
		dstr_free(&dir);
		return -1;
	}
	dstr_printf(&text, "%s/prologue.m4", d);
	r->prologue = dstr_steal(&text);
	dstr_printf(&text, "%s/epilogue.m4", d);
	r->epilogue = dstr_steal(&text);
	dstr_printf(&text,
	    "divert(-1)dnl\n"
	    "define(`_cfc_include', defn(`include'))\n"
	    "define(`_cfc_sinclude', defn(`sinclude'))\n"
	    "define(`include', `ifelse(`$#', `0', ``include'',"
	    " regexp(`$1', `\\(^\\|/\\)cf\\.m4$'), `-1', `_cfc_include(`$1')',"
	    " `_cfc_include(`%s/m4/cf.m4')')')\n"
	    "define(`sinclude', `ifelse(`$#', `0', ``sinclude'',"
	    " regexp(`$1', `\\(^\\|/\\)cf\\.m4$'), `-1', `_cfc_sinclude(`$1')',"
	    " `_cfc_include(`%s/m4/cf.m4')')')\n"
	    "divert(0)dnl\n", libdir, libdir);
	rc = write_file(r->prologue, text.s, why);
	dstr_clear(&text);
	dstr_printf(&text,
	    "define(`_cfc_divnum', divnum)divert(0)dnl\n"
	    "%s\n"
	    "divert(_cfc_divnum)dnl\n", MARKER);
	if (rc == 0)
		rc = write_file(r->epilogue, text.s, why);
	dstr_free(&text);
	dstr_free(&dir);
	return rc;
}

static void
remove_helpers(struct m4_result *r)
{
	char *slash;

	if (r->prologue)
		unlink(r->prologue);
	if (r->epilogue)
		unlink(r->epilogue);
	if (r->prologue && (slash = strrchr(r->prologue, '/')) != NULL) {
		*slash = '\0';
		rmdir(r->prologue);
		*slash = '/';
	}
}

/* read both pipes until the child closes them */
static void
drain(int outfd, int errfd, dstr *out, dstr *err)
{
	struct pollfd pf[2];
	char buf[16384];

	pf[0].fd = outfd;
	pf[1].fd = errfd;
	pf[0].events = pf[1].events = POLLIN;
	while (pf[0].fd >= 0 || pf[1].fd >= 0) {
		int i;

		if (poll(pf, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		for (i = 0; i < 2; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || pf[i].revents == 0)
				continue;
			n = read(pf[i].fd, buf, sizeof(buf));
			if (n > 0)
				dstr_append(i == 0 ? out : err, buf, (size_t)n);
			else if (n == 0 || errno != EINTR) {
				close(pf[i].fd);
				pf[i].fd = -1;
			}
		}
	}
}

int
m4run_compile(const char *m4, const char *libdir, const char *mc,
    int preload, struct m4_result *r, dstr *why)
{
	int outp[2], errp[2], st;
	dstr def = DSTR_INIT, cfm4 = DSTR_INIT, raw = DSTR_INIT;
	const char *argv[10];
	int argc = 0;
	pid_t pid;

	if (write_helpers(r, libdir, why) < 0) {
		remove_helpers(r);
		return -1;
	}
	dstr_printf(&def, "-D_CF_DIR_=%s/", libdir);
	dstr_printf(&cfm4, "%s/m4/cf.m4", libdir);
	argv[argc++] = "m4";	/* m4 names itself so in messages */
	argv[argc++] = "-s";
	argv[argc++] = def.s;
	argv[argc++] = r->prologue;
	if (preload)
		argv[argc++] = cfm4.s;
	argv[argc++] = mc;
	argv[argc++] = r->epilogue;
	argv[argc] = NULL;
	if (pipe(outp) < 0 || pipe(errp) < 0) {
		dstr_printf(why, "pipe: %s", strerror(errno));
		goto fail;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		dstr_printf(why, "fork: %s", strerror(errno));
		close(outp[0]);
		close(outp[1]);
		close(errp[0]);
		close(errp[1]);
		goto fail;
	}
	if (pid == 0) {
		int devnull = open("/dev/null", O_RDONLY);

		if (devnull >= 0)
			dup2(devnull, 0);
		dup2(outp[1], 1);
		dup2(errp[1], 2);
		close(outp[0]);
		close(errp[0]);
		close(outp[1]);
		close(errp[1]);
		execv(m4, (char *const *)argv);
		fprintf(stderr, "cannot run %s: %s\n", m4, strerror(errno));
		_exit(127);
	}
	close(outp[1]);
	close(errp[1]);
	drain(outp[0], errp[0], &raw, &r->err);
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR) {
			st = 127 << 8;
			break;
		}
	r->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	if (r->status == 127 && strstr(dstr_cstr(&r->err), "cannot run ") == dstr_cstr(&r->err)) {
		dstr_printf(why, "cannot run GNU m4 (%s): %s", m4, dstr_cstr(&r->err));
		goto fail;
	}
	m4run_parse(r, dstr_cstr(&raw), raw.len);
	remove_helpers(r);
	dstr_free(&raw);
	dstr_free(&def);
	dstr_free(&cfm4);
	return 0;
fail:
	remove_helpers(r);
	dstr_free(&raw);
	dstr_free(&def);
	dstr_free(&cfm4);
	return -1;
}
