/* map_program: the program class: runs the program of the K line with
 * its arguments and the key as the last one; the first line it prints
 * is the value.  A program exiting non-zero finds nothing, and its exit
 * code is the lookup status (75, EX_TEMPFAIL, is a temporary failure);
 * one that cannot be run gives EX_CONFIG, as sendmail's does. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

#define PROGRAM_MAXARGS 32

static char *
program_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	char *argv[PROGRAM_MAXARGS + 2], *spec, *p, *save = NULL;
	int fds[2], n = 0, wst;
	pid_t pid;
	dstr out = DSTR_INIT;
	char buf[512];
	ssize_t r;

	(void)args;
	(void)nargs;
	if (m->file == NULL)
		return NULL;
	spec = xstrdup(m->file);
	for (p = strtok_r(spec, " \t", &save); p && n < PROGRAM_MAXARGS; p = strtok_r(NULL, " \t", &save))
		argv[n++] = p;
	argv[n++] = (char *)key;
	argv[n] = NULL;
	if (pipe(fds) != 0) {
		free(spec);
		*status = MAP_TEMPFAIL;
		return NULL;
	}
	pid = fork();
	if (pid == 0) {
		int devnull = open("/dev/null", 0);

		dup2(devnull, 0);
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execv(argv[0], argv);
		_exit(EX_CONFIG);
	}
	close(fds[1]);
	free(spec);
	if (pid < 0) {
		close(fds[0]);
		*status = MAP_TEMPFAIL;
		return NULL;
	}
	while ((r = read(fds[0], buf, sizeof(buf))) > 0)
		if (out.len < 65536)
			dstr_append(&out, buf, (size_t)r);
	close(fds[0]);
	while (waitpid(pid, &wst, 0) < 0 && errno == EINTR)
		;
	if (!WIFEXITED(wst)) {
		map_say(m, "prog_map_lookup(%s): child died on signal %d", m->name,
		    WIFSIGNALED(wst) ? WTERMSIG(wst) : 0);
		dstr_free(&out);
		*status = MAP_UNAVAIL;
		return NULL;
	}
	if (WEXITSTATUS(wst) != 0) {
		/* no message: the status says it (sendmail prints none) */
		dstr_free(&out);
		*status = WEXITSTATUS(wst);
		return NULL;
	}
	if (out.len == 0) {
		dstr_free(&out);
		return NULL;
	}
	p = memchr(out.s, '\n', out.len);
	if (p)
		dstr_truncate(&out, (size_t)(p - out.s));
	return dstr_steal(&out);
}

const struct map_class map_class_program = {
	.name = "program", .lookup = program_lookup, .file_kind = MAP_FILE_REST,
};
