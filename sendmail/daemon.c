/* daemon: the master process and -bs (see daemon.h). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/net.h"
#include "sendmail/alias.h"
#include "sendmail/daemon.h"
#include "sendmail/deliver.h"
#include "sendmail/queue.h"
#include "sendmail/runqueue.h"
#include "sendmail/smtpd.h"
#include "sendmail/version.h"

#define MAX_LISTENERS 16
#define DEFAULT_RUN_USER "mail"

struct listener {
	int fd;
	char name[64];
	char flags[64];		/* M= modifiers */
	char addr[64];
	int port;
};

static volatile sig_atomic_t got_term, got_chld;
static int notify_fd = -1;	/* children write queue IDs here */

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void
on_chld(int sig)
{
	(void)sig;
	got_chld = 1;
}

static int
service_port(const char *s)
{
	struct servent *se;

	if (isdigit((unsigned char)*s))
		return atoi(s);
	if (strcasecmp(s, "smtp") == 0)
		return 25;
	if (strcasecmp(s, "submission") == 0)
		return 587;
	if (strcasecmp(s, "smtps") == 0)
		return 465;
	se = getservbyname(s, "tcp");
	return se ? ntohs((unsigned short)se->s_port) : -1;
}

/* parse_daemon_options: one DaemonPortOptions value */
static void
parse_listener(const char *spec, struct listener *l, char *family, size_t fl)
{
	char *s = xstrdup(spec), *f, *save = NULL;

	memset(l, 0, sizeof(*l));
	l->fd = -1;
	l->port = 25;
	snprintf(l->addr, sizeof(l->addr), "*");
	snprintf(l->name, sizeof(l->name), "MTA");
	snprintf(family, fl, "inet");
	for (f = strtok_r(s, ",", &save); f; f = strtok_r(NULL, ",", &save)) {
		char *eq, *k = f, *v;

		while (isspace((unsigned char)*k))
			k++;
		eq = strchr(k, '=');
		if (eq == NULL)
			continue;
		*eq = '\0';
		v = eq + 1;
		while (isspace((unsigned char)*v))
			v++;
		if (strcasecmp(k, "Port") == 0 || strcasecmp(k, "P") == 0)
			l->port = service_port(v);
		else if (strcasecmp(k, "Addr") == 0 || strcasecmp(k, "A") == 0)
			snprintf(l->addr, sizeof(l->addr), "%s", v);
		else if (strcasecmp(k, "Name") == 0 || strcasecmp(k, "N") == 0)
			snprintf(l->name, sizeof(l->name), "%s", v);
		else if (strcasecmp(k, "Family") == 0 || strcasecmp(k, "F") == 0)
			snprintf(family, fl, "%s", v);
		else if (strcasecmp(k, "Modifiers") == 0 || strcasecmp(k, "M") == 0)
			snprintf(l->flags, sizeof(l->flags), "%s", v);
	}
	if (strcasecmp(family, "inet6") == 0 && strcmp(l->addr, "*") == 0)
		snprintf(l->addr, sizeof(l->addr), "::");
	free(s);
}

static int
open_listeners(struct conf *c, struct listener *ls)
{
	const char *opt = options_get(c->opts, "DaemonPortOptions");
	char *all = xstrdup(opt ? opt : "Port=smtp,Addr=0.0.0.0,Name=MTA");
	char *line, *save = NULL;
	int n = 0;

	for (line = strtok_r(all, "\n", &save); line && n < MAX_LISTENERS;
	    line = strtok_r(NULL, "\n", &save)) {
		char family[16];
		dstr err = DSTR_INIT;

		parse_listener(line, &ls[n], family, sizeof(family));
		ls[n].fd = net_listen_tcp(strcmp(ls[n].addr, "0.0.0.0") == 0 ? "*" : ls[n].addr,
		    ls[n].port, (int)options_int(c->opts, "Listen", 128), &err);
		if (ls[n].fd < 0) {
			msg_error("daemon %s: cannot bind %s port %d: %s", ls[n].name,
			    ls[n].addr, ls[n].port, err.s ? err.s : "");
			if (strchr(ls[n].flags, 'O') == NULL) {
				dstr_free(&err);
				free(all);
				return -1;
			}
		} else {
			msg_info("starting daemon (%s): SMTP+queueing@%s (%s port %d)", SENDWELL_VERSION_TEXT,
			    ls[n].name, ls[n].addr, ls[n].port);
			n++;
		}
		dstr_free(&err);
	}
	free(all);
	return n;
}

/* run_user: who connection children become */
static struct passwd *
run_user(struct conf *c)
{
	const char *u = options_get(c->opts, "RunAsUser");
	struct passwd *pw = NULL;

	if (u && *u) {
		char *name = xstrdup(u), *colon = strchr(name, ':');

		if (colon)
			*colon = '\0';
		pw = isdigit((unsigned char)*name) ? getpwuid((uid_t)atoi(name)) : getpwnam(name);
		free(name);
	}
	if (pw == NULL)
		pw = getpwnam(DEFAULT_RUN_USER);
	return pw;
}

/* drop: become the run user for good (before reading from the net) */
static int
drop(struct passwd *pw)
{
	if (getuid() != 0 || pw == NULL || pw->pw_uid == 0)
		return 0;
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
		return -1;
	if (setuid(0) == 0)
		return -1;	/* must not be able to get root back */
	return 0;
}

/* queue_access: the run user's group must be able to write the queue */
static void
queue_access(struct conf *c, struct passwd *pw)
{
	const char *dir = queue_dir(c);
	struct stat st;

	if (pw == NULL || getuid() != 0 || pw->pw_uid == 0)
		return;
	if (stat(dir, &st) != 0) {
		if (mkdir(dir, 0770) != 0) {
			msg_error("cannot create queue directory %s: %s", dir, strerror(errno));
			return;
		}
		stat(dir, &st);
	}
	if (st.st_gid != pw->pw_gid || (st.st_mode & 0070) != 0070) {
		if (chown(dir, 0, pw->pw_gid) != 0 || chmod(dir, 0770) != 0)
			msg_error("queue directory %s: cannot give group %ld access: %s",
			    dir, (long)pw->pw_gid, strerror(errno));
		else
			msg_notice("queue directory %s: group set to %ld, mode 0770",
			    dir, (long)pw->pw_gid);
	}
}

static void
tell_master(void *arg, const char *qid)
{
	(void)arg;
	if (notify_fd >= 0) {
		dstr d = DSTR_INIT;

		dstr_printf(&d, "%s\n", qid);
		(void)!write(notify_fd, d.s, d.len);
		dstr_free(&d);
	}
}

static void
deliver_child(struct conf *c, const char *qid)
{
	pid_t pid = fork();

	if (pid == 0) {
		signal(SIGCHLD, SIG_DFL);
		deliver_by_id(c, queue_dir(c), qid);
		_exit(0);
	}
	if (pid < 0)
		msg_error("%s: cannot fork delivery: %s", qid, strerror(errno));
}

static void
session_child(struct conf *c, struct listener *ls, int nls, int fd, struct passwd *pw)
{
	struct smtpd_peer peer;
	struct net_peer np;
	struct hostent *hp;
	int i;

	for (i = 0; i < nls; i++)
		close(ls[i].fd);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	if (drop(pw) != 0) {
		msg_error("cannot drop privileges to %s", pw ? pw->pw_name : "?");
		_exit(EX_OSERR);
	}
	memset(&peer, 0, sizeof(peer));
	net_peer_of(fd, &np);
	snprintf(peer.addr, sizeof(peer.addr), "%s", np.rip);
	snprintf(peer.if_addr, sizeof(peer.if_addr), "%s", np.lip);
	peer.port = np.rport;
	{
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);

		hp = NULL;
		if (getpeername(fd, (struct sockaddr *)&ss, &sl) == 0) {
			if (ss.ss_family == AF_INET)
				hp = gethostbyaddr(&((struct sockaddr_in *)&ss)->sin_addr, 4, AF_INET);
			else if (ss.ss_family == AF_INET6)
				hp = gethostbyaddr(&((struct sockaddr_in6 *)&ss)->sin6_addr, 16, AF_INET6);
		}
		if (hp && hp->h_name)
			snprintf(peer.name, sizeof(peer.name), "%s", hp->h_name);
		else
			snprintf(peer.name, sizeof(peer.name), "[%s]", np.rip);
	}
	for (i = 0; i < nls; i++)
		if (ls[i].port == np.lport) {
			peer.daemon_name = ls[i].name;
			peer.daemon_flags = ls[i].flags;
		}
	smtpd_session(c, fd, fd, &peer, tell_master, NULL);
	close(fd);
	_exit(0);
}

int
daemon_run(struct conf *c, int detach, long interval)
{
	struct listener ls[MAX_LISTENERS];
	struct pollfd pfd[MAX_LISTENERS + 1];
	struct passwd *pw = run_user(c);
	int nls, i, pipefd[2];
	long maxchildren = options_int(c->opts, "MaxDaemonChildren", 0);
	int children = 0;
	time_t next_run = interval > 0 ? time(NULL) : 0;
	dstr pending = DSTR_INIT;

	nls = open_listeners(c, ls);
	if (nls <= 0)
		return EX_OSERR;
	alias_open(c);
	queue_access(c, pw);
	if (detach) {
		pid_t pid = fork();

		if (pid < 0)
			return EX_OSERR;
		if (pid > 0)
			_exit(0);
		setsid();
		{
			int dn = open("/dev/null", O_RDWR);

			if (dn >= 0) {
				dup2(dn, 0);
				dup2(dn, 1);
				dup2(dn, 2);
				if (dn > 2)
					close(dn);
			}
		}
	}
	{
		const char *pf = options_get(c->opts, "PidFile");
		FILE *fp = fopen(pf && *pf ? pf : "/run/sendmail.pid", "w");

		if (fp) {
			fprintf(fp, "%ld\n", (long)getpid());
			fclose(fp);
		}
	}
	if (pipe(pipefd) != 0)
		return EX_OSERR;
	fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
	fcntl(pipefd[0], F_SETFD, FD_CLOEXEC);
	notify_fd = pipefd[1];
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGCHLD, on_chld);
	signal(SIGPIPE, SIG_IGN);
	while (!got_term) {
		int n, wait_ms = -1;

		if (got_chld) {
			got_chld = 0;
			while (waitpid(-1, NULL, WNOHANG) > 0)
				if (children > 0)
					children--;
		}
		if (interval > 0) {
			time_t now = time(NULL);

			if (now >= next_run) {
				pid_t pid = fork();

				if (pid == 0) {
					signal(SIGCHLD, SIG_DFL);
					runqueue_once(c, NULL);
					_exit(0);
				}
				next_run = now + interval;
			}
			wait_ms = (int)(next_run - now) * 1000;
		}
		for (i = 0; i < nls; i++) {
			pfd[i].fd = ls[i].fd;
			pfd[i].events = (maxchildren > 0 && children >= maxchildren) ? 0 : POLLIN;
		}
		pfd[nls].fd = pipefd[0];
		pfd[nls].events = POLLIN;
		n = poll(pfd, (nfds_t)nls + 1, wait_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[nls].revents & POLLIN) {
			char buf[512];
			ssize_t r;

			while ((r = read(pipefd[0], buf, sizeof(buf))) > 0)
				dstr_append(&pending, buf, (size_t)r);
			while (pending.len) {
				char *nl = memchr(pending.s, '\n', pending.len);
				char qid[64];
				size_t len;

				if (nl == NULL)
					break;
				len = (size_t)(nl - pending.s);
				snprintf(qid, sizeof(qid), "%.*s", (int)len, pending.s);
				memmove(pending.s, nl + 1, pending.len - len - 1);
				dstr_truncate(&pending, pending.len - len - 1);
				if (qid[0])
					deliver_child(c, qid);
			}
		}
		for (i = 0; i < nls; i++) {
			int fd;
			pid_t pid;

			if (!(pfd[i].revents & POLLIN))
				continue;
			fd = accept(ls[i].fd, NULL, NULL);
			if (fd < 0)
				continue;
			pid = fork();
			if (pid == 0) {
				close(pipefd[0]);
				session_child(c, ls, nls, fd, pw);
			}
			if (pid > 0)
				children++;
			close(fd);
		}
	}
	for (i = 0; i < nls; i++)
		close(ls[i].fd);
	dstr_free(&pending);
	msg_info("stopping daemon, reason=signal");
	return EX_OK;
}

static void
stdio_notify(void *arg, const char *qid)
{
	struct conf *c = arg;
	const char *m = options_get(c->opts, "DeliveryMode");
	int mode = m && *m ? m[0] : 'b';

	if (mode == 'q' || mode == 'd')
		return;
	if (mode == 'i') {
		deliver_by_id(c, queue_dir(c), qid);
		return;
	}
	deliver_child(c, qid);
}

int
daemon_stdio_session(struct conf *c, int mode)
{
	struct smtpd_peer peer;
	struct passwd *pw = getpwuid(getuid());
	dstr ident = DSTR_INIT;
	int rc;

	(void)mode;
	memset(&peer, 0, sizeof(peer));
	dstr_printf(&ident, "%s@localhost", pw ? pw->pw_name : "unknown");
	peer.ident = ident.s;
	peer.local = 1;
	peer.daemon_flags = "c u";
	signal(SIGCHLD, SIG_IGN);
	rc = smtpd_session(c, 0, 1, &peer, stdio_notify, c);
	dstr_free(&ident);
	return rc == 0 ? EX_OK : EX_IOERR;
}
