/* mailer_run: program, LMTP and file mailers (see mailer_run.h).  Each
 * runs in a child process under the identity the mailer calls for (F=S
 * keeps root, U= names a user, otherwise the recipient's controlling
 * user or DefaultUser). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/stream.h"
#include "sendmail/headers.h"
#include "sendmail/mailer.h"
#include "sendmail/mailer_run.h"
#include "sendmail/msgwrite.h"
#include "sendmail/parseaddr.h"

#define MAILER_TIMEOUT_MS (10 * 60 * 1000)
#define LMTP_REPLY_MAX 4096

void
rcpt_result(struct rcpt *r, enum rcpt_state st, const char *dsn, const char *diag)
{
	r->state = st;
	free(r->status);
	free(r->diag);
	r->status = xstrdup(dsn ? dsn : (st == RS_SENT ? "2.0.0" : st == RS_DEFERRED ? "4.0.0" : "5.0.0"));
	r->diag = diag ? xstrdup(diag) : NULL;
}

const char *
mailer_exit_text(int code, const char **dsn, int *temp)
{
	static const struct { int code; const char *dsn, *text; int temp; } tab[] = {
		{ EX_OK, "2.0.0", "Sent", 0 },
		{ EX_USAGE, "5.5.4", "Bad usage", 0 },
		{ EX_DATAERR, "5.6.0", "Data format error", 0 },
		{ EX_NOINPUT, "5.3.0", "Cannot open input", 0 },
		{ EX_NOUSER, "5.1.1", "User unknown", 0 },
		{ EX_NOHOST, "5.1.2", "Host unknown", 0 },
		{ EX_UNAVAILABLE, "5.5.0", "Service unavailable", 0 },
		{ EX_SOFTWARE, "5.3.0", "Internal error", 0 },
		{ EX_OSERR, "4.0.0", "Operating system error", 1 },
		{ EX_OSFILE, "5.3.5", "System file missing", 0 },
		{ EX_CANTCREAT, "5.3.0", "Can't create output", 0 },
		{ EX_IOERR, "4.0.0", "I/O error", 1 },
		{ EX_TEMPFAIL, "4.0.0", "Deferred", 1 },
		{ EX_PROTOCOL, "5.5.0", "Remote protocol error", 0 },
		{ EX_NOPERM, "5.0.0", "Insufficient permission", 0 },
		{ EX_CONFIG, "5.3.5", "Local configuration error", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].code == code) {
			*dsn = tab[i].dsn;
			*temp = tab[i].temp;
			return tab[i].text;
		}
	*dsn = "5.3.0";
	*temp = 0;
	return "unknown mailer error";
}

void
mailer_macros(struct conf *c, struct envelope *e, const struct mailer *m,
    const char *host, struct rcpt **rcpts, size_t n, struct macro_table *mt)
{
	struct rw_env env;
	pool *p = pool_new();
	dstr g = DSTR_INIT, d = DSTR_INIT;
	time_t now = time(NULL);
	char ct[32];

	env.conf = c;
	env.macros = &e->macros;
	env.pool = p;
	env.out = NULL;
	macro_table_init(mt, &e->macros);
	macro_set(mt, 'h', host ? host : "");
	macro_set(mt, 'u', n == 1 && rcpts[0]->user ? rcpts[0]->user : "");
	/* the null sender: $g is empty, so "Return-Path: <$g>" is "<>";
	 * the UNIX From line names MAILER-DAEMON instead (msgwrite.c) */
	if (*envelope_sender_bare(e) == '\0')
		;
	else
		remote_name(&env, envelope_sender_bare(e), m, RN_SENDER, &g);
	macro_set(mt, 'g', dstr_cstr(&g));
	macro_set(mt, 'f', e->sender && *e->sender ? e->sender : "MAILER-DAEMON");
	ctime_r(&now, ct);
	ct[strcspn(ct, "\n")] = '\0';
	macro_set(mt, 'd', ct);
	if (n == 1 && rcpts[0]->owner == NULL && rcpts[0]->user) {
		struct passwd *pw = getpwnam(rcpts[0]->user);

		if (pw)
			macro_set(mt, 'z', pw->pw_dir);
	}
	dstr_free(&g);
	dstr_free(&d);
	pool_free(p);
}

/* build_argv: A= split on blanks, each word expanded; with several
 * recipients a word naming $u is repeated for each of them */
static char **
build_argv(const struct mailer *m, struct macro_table *mt, struct rcpt **rcpts, size_t n)
{
	char **argv = NULL, *spec = xstrdup(m->argv ? m->argv : ""), *w, *save = NULL;
	size_t argc = 0, i;

	for (w = strtok_r(spec, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (strstr(w, "$u") && n > 1) {
			for (i = 0; i < n; i++) {
				dstr d = DSTR_INIT;

				macro_set(mt, 'u', rcpts[i]->user);
				macro_expand(mt, w, &d);
				argv = xreallocarray(argv, argc + 2, sizeof(char *));
				argv[argc++] = dstr_steal(&d);
			}
			continue;
		}
		{
			dstr d = DSTR_INIT;

			macro_expand(mt, w, &d);
			argv = xreallocarray(argv, argc + 2, sizeof(char *));
			argv[argc++] = dstr_steal(&d);
		}
	}
	if (argv == NULL)
		argv = xcalloc(1, sizeof(char *));
	argv[argc] = NULL;
	free(spec);
	return argv;
}

static void
free_argv(char **argv)
{
	size_t i;

	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* identity: the uid/gid a mailer runs as for this batch */
static void
identity(struct conf *c, const struct mailer *m, struct batch *b, uid_t *uid, gid_t *gid,
    char **dir)
{
	const char *owner = b->n > 0 ? b->rcpts[0]->owner : NULL;
	struct passwd *pw = NULL;

	*uid = getuid();
	*gid = getgid();
	*dir = NULL;
	if (mailer_has_flag(m, 'S'))
		return;
	if (m->uid >= 0) {
		*uid = (uid_t)m->uid;
		*gid = m->gid >= 0 ? (gid_t)m->gid : (gid_t)m->uid;
		return;
	}
	if (owner)
		pw = getpwnam(owner);
	if (pw == NULL) {
		const char *du = options_get(c->opts, "DefaultUser");

		if (du && *du) {
			char *name = xstrdup(du), *colon = strchr(name, ':');

			if (colon)
				*colon = '\0';
			pw = isdigit((unsigned char)*name) ? getpwuid((uid_t)atoi(name)) : getpwnam(name);
			if (pw == NULL && isdigit((unsigned char)*name)) {
				*uid = (uid_t)atoi(name);
				*gid = colon ? (gid_t)atoi(colon + 1) : *uid;
				free(name);
				return;
			}
			free(name);
		}
		if (pw == NULL)
			pw = getpwnam("mailnull");
		if (pw == NULL)
			pw = getpwnam("daemon");
	}
	if (pw) {
		*uid = pw->pw_uid;
		*gid = pw->pw_gid;
		*dir = xstrdup(pw->pw_dir);
	}
}

static void
become(uid_t uid, gid_t gid)
{
	if (getuid() != 0)
		return;
	if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
		_exit(EX_OSERR);
}

/* exec_failed: what a vfork child may do when exec fails (no stdio, no
 * malloc: it shares the parent's memory) */
static void
exec_failed(const char *path)
{
	static const char msg[] = "cannot exec ";

	(void)!write(2, msg, sizeof(msg) - 1);
	(void)!write(2, path, strlen(path));
	(void)!write(2, "\n", 1);
	_exit(EX_OSERR);
}

/* vfork_exec: the child of spawn(); a function of its own, so nothing
 * the parent keeps in registers lives across the vfork */
static pid_t
vfork_exec(const char *path, char **argv, const int in[2], const int out[2], uid_t uid,
    gid_t gid, char *const *dirv, size_t ndirs)
{
	pid_t pid = vfork();
	size_t i;

	if (pid != 0)
		return pid;
	dup2(in[0], 0);
	dup2(out[1], 1);
	dup2(out[1], 2);
	close(in[0]); close(in[1]); close(out[0]); close(out[1]);
	signal(SIGPIPE, SIG_DFL);
	become(uid, gid);	/* system calls and _exit only: safe after vfork */
	for (i = 0; i < ndirs; i++)
		if (dirv[i] && chdir(dirv[i]) == 0)
			break;
	execv(path, argv);
	exec_failed(path);
	return -1;
}

/* spawn: run the mailer with its stdin and stdout on pipes.  vfork: a
 * mailer runs once per delivery, and copying this process's page tables
 * for a child that only execs was the larger part of starting it; so
 * the child touches nothing of the parent's memory (the D= directories
 * are split here, before). */
static pid_t
spawn(struct conf *c, const struct mailer *m, struct batch *b, char **argv, int *to, int *from)
{
	int in[2], out[2];
	uid_t uid;
	gid_t gid;
	char *home, *dirs = NULL, **dirv = NULL;
	size_t ndirs = 0;
	pid_t pid;

	identity(c, m, b, &uid, &gid, &home);
	if (m->dir) {
		/* D=: the first directory that works; $z is the home */
		char *d, *save = NULL;

		dirs = xstrdup(m->dir);
		for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			dirv = xreallocarray(dirv, ndirs + 1, sizeof(*dirv));
			dirv[ndirs++] = strcmp(d, "$z") == 0 ? home : d;
		}
	}
	if (pipe(in) != 0)
		goto fail;
	if (pipe(out) != 0) {
		close(in[0]);
		close(in[1]);
		goto fail;
	}
	pid = vfork_exec(m->path, argv, in, out, uid, gid, dirv, ndirs);
	free(home);
	free(dirs);
	free(dirv);
	close(in[0]);
	close(out[1]);
	if (pid < 0) {
		close(in[1]);
		close(out[0]);
		return -1;
	}
	*to = in[1];
	*from = out[0];
	return pid;
fail:
	free(home);
	free(dirs);
	free(dirv);
	return -1;
}

static int
wait_exit(pid_t pid)
{
	int st;

	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			return EX_OSERR;
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	return EX_SOFTWARE;
}

/* read_reply: an LMTP reply (all lines); returns its code or -1 */
static int
read_reply(stream *s, dstr *text)
{
	dstr line = DSTR_INIT;
	int code = -1;

	dstr_clear(text);
	for (;;) {
		dstr_clear(&line);
		if (stream_read_line(s, &line, LMTP_REPLY_MAX, NULL) != STREAM_OK || line.len < 3) {
			code = -1;
			break;
		}
		if (text->len)
			dstr_putc(text, ' ');
		dstr_puts(text, line.s);
		code = atoi(line.s);
		if (line.len == 3 || line.s[3] != '-')
			break;
	}
	dstr_free(&line);
	return code;
}

static void
lmtp_batch(struct conf *c, struct envelope *e, struct batch *b, struct macro_table *mt,
    int to, int from)
{
	stream *s = stream_new(from, to);
	dstr reply = DSTR_INIT, err = DSTR_INIT;
	const char *j = macro_get(&c->macros, 'j');
	size_t i, accepted = 0;
	int code, *ok = xcalloc(b->n + 1, sizeof(int));

	stream_set_timeout(s, MAILER_TIMEOUT_MS);
	if (read_reply(s, &reply) != 220)
		goto proto;
	stream_printf(s, "LHLO %s\r\n", j ? j : "localhost");
	stream_flush(s);
	if (read_reply(s, &reply) != 250)
		goto proto;
	stream_printf(s, "MAIL FROM:<%s>\r\n", envelope_sender_bare(e));
	stream_flush(s);
	if ((code = read_reply(s, &reply)) != 250) {
		for (i = 0; i < b->n; i++)
			rcpt_result(b->rcpts[i], code / 100 == 5 ? RS_FAILED : RS_DEFERRED, NULL, reply.s);
		goto quit;
	}
	for (i = 0; i < b->n; i++) {
		stream_printf(s, "RCPT TO:<%s>\r\n", b->rcpts[i]->user);
		stream_flush(s);
		code = read_reply(s, &reply);
		if (code / 100 == 2) {
			ok[i] = 1;
			accepted++;
		} else
			rcpt_result(b->rcpts[i], code / 100 == 5 ? RS_FAILED : RS_DEFERRED,
			    code / 100 == 5 ? "5.1.1" : "4.0.0", reply.s);
	}
	if (accepted == 0)
		goto quit;
	stream_puts(s, "DATA\r\n");
	stream_flush(s);
	if ((code = read_reply(s, &reply)) != 354) {
		for (i = 0; i < b->n; i++)
			if (ok[i])
				rcpt_result(b->rcpts[i], code / 100 == 5 ? RS_FAILED : RS_DEFERRED, NULL, reply.s);
		goto quit;
	}
	if (message_write(c, e, b->m, mt, s, MW_DOTS | MW_CRLF, &err) != 0)
		goto proto;
	stream_puts(s, ".\r\n");
	stream_flush(s);
	for (i = 0; i < b->n; i++) {
		if (!ok[i])
			continue;
		code = read_reply(s, &reply);
		if (code / 100 == 2)
			rcpt_result(b->rcpts[i], RS_SENT, "2.0.0", reply.s);
		else
			rcpt_result(b->rcpts[i], code / 100 == 5 ? RS_FAILED : RS_DEFERRED,
			    NULL, code < 0 ? "lost connection with mailer" : reply.s);
	}
quit:
	stream_puts(s, "QUIT\r\n");
	stream_flush(s);
	goto done;
proto:
	for (i = 0; i < b->n; i++)
		if (b->rcpts[i]->state == RS_QUEUED)
			rcpt_result(b->rcpts[i], RS_DEFERRED, "4.5.0", "local mailer protocol error");
done:
	stream_free(s);
	dstr_free(&reply);
	dstr_free(&err);
	free(ok);
}

/* unquoted: a recipient as the prog and file mailers want it: without
 * the quotes an alias needs around blanks ("\"|prog a b\""), and for
 * the prog mailer without the bar: its A= is "sh -c $u" or "smrsh -c $u" */
static char *
unquoted(const char *user, int prog)
{
	dstr d = DSTR_INIT;
	const char *p = user;

	if (*p == '"') {
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && p[1])
				p++;
			dstr_putc(&d, *p);
		}
	} else
		dstr_puts(&d, p);
	if (prog && d.len && d.s[0] == '|') {
		char *t = xstrdup(d.s + 1);

		dstr_set(&d, t);
		free(t);
	}
	return dstr_steal(&d);
}

/* swap_users: the batch's users unquoted while the mailer runs */
static void
swap_users(struct batch *b, char **saved, int prog)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		char *u = saved[i];

		saved[i] = b->rcpts[i]->user;
		b->rcpts[i]->user = u ? u : unquoted(saved[i] ? saved[i] : "", prog);
	}
}

static void run_program(struct conf *c, struct envelope *e, struct batch *b);

void
mailer_run_program(struct conf *c, struct envelope *e, struct batch *b)
{
	char **saved;
	size_t i;

	if (strcmp(b->m->name, "prog") != 0) {
		run_program(c, e, b);
		return;
	}
	saved = xcalloc(b->n + 1, sizeof(char *));
	swap_users(b, saved, 1);
	run_program(c, e, b);
	for (i = 0; i < b->n; i++) {
		free(b->rcpts[i]->user);
		b->rcpts[i]->user = saved[i];
	}
	free(saved);
}

static void
run_program(struct conf *c, struct envelope *e, struct batch *b)
{
	struct macro_table mt;
	char **argv;
	int to = -1, from = -1, code, temp;
	pid_t pid;
	const char *dsn, *text;
	size_t i;

	mailer_macros(c, e, b->m, b->host, b->rcpts, b->n, &mt);
	argv = build_argv(b->m, &mt, b->rcpts, b->n);
	if (b->n == 1)
		macro_set(&mt, 'u', b->rcpts[0]->user);
	pid = spawn(c, b->m, b, argv, &to, &from);
	if (pid < 0) {
		for (i = 0; i < b->n; i++)
			rcpt_result(b->rcpts[i], RS_DEFERRED, "4.0.0", "cannot start mailer");
		goto out;
	}
	if (mailer_has_flag(b->m, 'z')) {
		lmtp_batch(c, e, b, &mt, to, from);
		close(to);
		close(from);
		wait_exit(pid);
		goto out;
	}
	{
		stream *s = stream_new(-1, to);
		dstr err = DSTR_INIT, output = DSTR_INIT;
		char buf[1024];
		ssize_t n;

		stream_set_timeout(s, MAILER_TIMEOUT_MS);
		signal(SIGPIPE, SIG_IGN);
		message_write(c, e, b->m, &mt, s, 0, &err);
		stream_free(s);
		close(to);
		while ((n = read(from, buf, sizeof(buf))) > 0)
			if (output.len < 4096)
				dstr_append(&output, buf, (size_t)n);
		close(from);
		code = wait_exit(pid);
		text = mailer_exit_text(code, &dsn, &temp);
		for (i = 0; i < b->n; i++) {
			dstr diag = DSTR_INIT;

			if (code == EX_OK)
				rcpt_result(b->rcpts[i], RS_SENT, dsn, NULL);
			else {
				const char *first = output.len ? output.s : NULL;

				if (first) {
					char *nl = strchr(output.s, '\n');

					if (nl)
						*nl = '\0';
				}
				dstr_printf(&diag, "%s", first && *first ? first : text);
				rcpt_result(b->rcpts[i], temp ? RS_DEFERRED : RS_FAILED, dsn, diag.s);
				free(b->rcpts[i]->diag);
				b->rcpts[i]->diag = xstrdup(text);
			}
			dstr_free(&diag);
		}
		dstr_free(&err);
		dstr_free(&output);
	}
out:
	free_argv(argv);
	macro_table_free(&mt);
}

void
mailer_run_file(struct conf *c, struct envelope *e, struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct rcpt *r = b->rcpts[i];
		struct batch one = { b->m, b->host, &b->rcpts[i], 1 };
		struct macro_table mt;
		uid_t uid;
		gid_t gid;
		char *home;
		pid_t pid;
		int code, temp;
		const char *dsn, *text;

		mailer_macros(c, e, b->m, b->host, &b->rcpts[i], 1, &mt);
		identity(c, b->m, &one, &uid, &gid, &home);
		free(home);
		pid = fork();
		if (pid == 0) {
			int fd;
			stream *s;
			dstr err = DSTR_INIT, from = DSTR_INIT;
			const char *l = options_get(c->opts, "UnixFromLine");

			become(uid, gid);
			{
				char *file = unquoted(r->user, 0);

				fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
				free(file);
			}
			if (fd < 0)
				_exit(errno == EACCES ? EX_NOPERM : EX_CANTCREAT);
			s = stream_new(-1, fd);
			if (*envelope_sender_bare(e) == '\0')
				macro_set(&mt, 'g', "MAILER-DAEMON");
			macro_expand(&mt, l ? l : "From $g $d", &from);
			stream_write(s, from.s, from.len);
			stream_puts(s, "\n");
			if (message_write(c, e, b->m, &mt, s, 0, &err) != 0)
				_exit(EX_IOERR);
			stream_puts(s, "\n");
			if (stream_flush(s) != STREAM_OK || fsync(fd) != 0)
				_exit(EX_IOERR);
			_exit(EX_OK);
		}
		code = pid < 0 ? EX_OSERR : wait_exit(pid);
		text = mailer_exit_text(code, &dsn, &temp);
		if (code == EX_OK)
			rcpt_result(r, RS_SENT, dsn, NULL);
		else
			rcpt_result(r, temp ? RS_DEFERRED : RS_FAILED, dsn, text);
		macro_table_free(&mt);
	}
}
