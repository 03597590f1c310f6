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
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "io/net.h"
#include "sendmail/alias.h"
#include "sendmail/auth.h"
#include "sendmail/daemon.h"
#include "sendmail/deliver.h"
#include "sendmail/delivery_pool.h"
#include "sendmail/queue.h"
#include "sendmail/runqueue.h"
#include "sendmail/smtpd.h"
#include "sendmail/tls_smtp.h"
#include "sendmail/version.h"

#define MAX_LISTENERS 16
#define MAX_RATE 100000		/* ConnectionRateThrottle beyond this: no limit worth keeping */
#define DEFAULT_RUN_USER "mail"
/* the master remembers failed AUTHs per client address this long */
#define AUTHFAIL_WINDOW 600
#define AUTHFAIL_SLOTS 1024
/* children report a failed AUTH with this line on the notify pipe */
#define AUTHFAIL_TAG "AUTHFAIL "
/* and an ETRN with this one: the master starts the queue run */
#define ETRN_TAG "ETRN "

struct master;

struct listener {
	int fd;
	char name[64];
	char flags[64];		/* M= modifiers */
	char addr[64];
	int port;
};

static volatile sig_atomic_t got_term, got_chld, got_hup;
/* the master keeps its signals blocked but while it waits in ppoll(), so
 * none is lost between a check and the wait; children get the mask it
 * had before */
static sigset_t orig_mask;
static int masked;

static void
child_unblock(void)
{
	if (masked)
		sigprocmask(SIG_SETMASK, &orig_mask, NULL);
}
static int notify_fd = -1;	/* children write queue IDs here */
static struct master *the_master;	/* for worker_fork() */
static pid_t worker_fork(void);

/* failed AUTHs by client address, as children report them */
struct authfail {
	char addr[64];
	int count;
	time_t first;
};
static struct authfail authfails[AUTHFAIL_SLOTS];

static void
on_term(int sig)
{
	(void)sig;
	got_term = 1;
}

static void
on_hup(int sig)
{
	(void)sig;
	got_hup = 1;
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
		} else
			n++;
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

/* drop: become the run user for good (before reading from the net).
 * The group "sasl", where it exists, is kept as the one supplementary
 * group: Debian's /etc/sasldb2 and saslauthd's socket directory belong
 * to it, and SMTP AUTH needs them. */
static int
drop(struct passwd *pw)
{
	struct group *gr;
	gid_t extra;
	int n = 0;

	if (getuid() != 0 || pw == NULL || pw->pw_uid == 0)
		return 0;
	gr = getgrnam("sasl");
	if (gr && gr->gr_gid != pw->pw_gid) {
		extra = gr->gr_gid;
		n = 1;
	}
	if (setgroups((size_t)n, n ? &extra : NULL) != 0 || setgid(pw->pw_gid) != 0 ||
	    setuid(pw->pw_uid) != 0)
		return -1;
	if (setuid(0) == 0)
		return -1;	/* must not be able to get root back */
	return 0;
}

/* queue_access: the run user's group must be able to write the queue
 * and the statistics file */
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
	/* session children count rejections in the statistics file, which
	 * sendmail only updates when it exists: let the group write it */
	dir = options_get(c->opts, "StatusFile");
	if (dir && *dir && stat(dir, &st) == 0 && S_ISREG(st.st_mode) &&
	    (st.st_gid != pw->pw_gid || (st.st_mode & 0060) != 0060)) {
		if (chown(dir, st.st_uid, pw->pw_gid) != 0 ||
		    chmod(dir, (st.st_mode & 07777) | 0060) != 0)
			msg_error("statistics file %s: cannot give group %ld access: %s",
			    dir, (long)pw->pw_gid, strerror(errno));
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

/* authfail_slot: the entry of addr (create: take the oldest slot) */
static struct authfail *
authfail_slot(const char *addr, int create)
{
	time_t now = time(NULL);
	struct authfail *old = &authfails[0];
	size_t i;

	for (i = 0; i < AUTHFAIL_SLOTS; i++) {
		struct authfail *a = &authfails[i];

		if (a->addr[0] && now - a->first > AUTHFAIL_WINDOW)
			a->addr[0] = '\0';	/* aged out */
		if (a->addr[0] && strcmp(a->addr, addr) == 0)
			return a;
		if (!a->addr[0] || (old->addr[0] && a->first < old->first))
			old = a;
	}
	if (!create)
		return NULL;
	snprintf(old->addr, sizeof(old->addr), "%s", addr);
	old->count = 0;
	old->first = now;
	return old;
}

static int
authfail_count(const char *addr)
{
	struct authfail *a = authfail_slot(addr, 0);

	return a ? a->count : 0;
}

/* tell_master_authfail: a child's report of one failed AUTH */
static void
tell_master_authfail(void *arg, const char *addr)
{
	(void)arg;
	if (notify_fd >= 0) {
		dstr d = DSTR_INIT;

		dstr_printf(&d, AUTHFAIL_TAG "%s\n", addr);
		(void)!write(notify_fd, d.s, d.len);
		dstr_free(&d);
	}
}

/* tell_master_etrn: a child's report of "ETRN node" */
static void
tell_master_etrn(void *arg, const char *node)
{
	(void)arg;
	if (notify_fd >= 0) {
		dstr d = DSTR_INIT;

		dstr_printf(&d, ETRN_TAG "%s\n", node);
		(void)!write(notify_fd, d.s, d.len);
		dstr_free(&d);
	}
}

/* etrn_run: a queue run for the messages to node (RFC 1985): "host"
 * has a recipient at host, "@domain" one in domain or below it,
 * "#group" is a whole queue group (we have one queue) */
static void
etrn_run(struct conf *c, const char *node)
{
	pid_t pid;

	pid = worker_fork();
	if (pid == 0) {
		struct qfilter f = { 'R', 0, NULL };
		dstr text = DSTR_INIT;

		if (node[0] == '@')
			dstr_puts(&text, node + 1);
		else if (node[0] != '#')
			dstr_printf(&text, "@%s", node);
		f.text = text.s;
		runqueue_once(c, node[0] == '#' ? NULL : &f);
		_exit(0);
	}
	if (pid < 0)
		msg_error("ETRN %s: cannot fork a queue run: %s", node, strerror(errno));
}

/* delivers_now: DeliveryMode q (queue only) and d (deferred) leave new
 * messages to the next queue run */
static int
delivers_now(struct conf *c)
{
	const char *m = options_get(c->opts, "DeliveryMode");

	return !(m && (m[0] == 'q' || m[0] == 'd'));
}

/* name_confirmed: does the name the client's address maps back to map
 * forward to that address?  (sendmail's "may be forged" test) */
static int
name_confirmed(const char *name, const struct sockaddr_storage *ss)
{
	struct addrinfo hints, *res = NULL, *ai;
	int ok = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = ss->ss_family;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(name, NULL, &hints, &res) != 0)
		return 0;
	for (ai = res; ai && !ok; ai = ai->ai_next) {
		if (ai->ai_family == AF_INET && ss->ss_family == AF_INET)
			ok = memcmp(&((struct sockaddr_in *)ai->ai_addr)->sin_addr,
			    &((const struct sockaddr_in *)ss)->sin_addr, 4) == 0;
		else if (ai->ai_family == AF_INET6 && ss->ss_family == AF_INET6)
			ok = memcmp(&((struct sockaddr_in6 *)ai->ai_addr)->sin6_addr,
			    &((const struct sockaddr_in6 *)ss)->sin6_addr, 16) == 0;
	}
	freeaddrinfo(res);
	return ok;
}

static void
session_child(struct conf *c, struct listener *ls, int nls, int fd, struct passwd *pw)
{
	struct smtpd_peer peer;
	struct net_peer np;
	struct hostent *hp;
	int i;

	/* worker_fork() closed the listeners and reset the signals */
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
		if (hp && hp->h_name) {
			snprintf(peer.name, sizeof(peer.name), "%s", hp->h_name);
			snprintf(peer.resolve, sizeof(peer.resolve), "%s",
			    name_confirmed(peer.name, &ss) ? "OK" : "FORGED");
		} else {
			snprintf(peer.name, sizeof(peer.name), "[%s]", np.rip);
			snprintf(peer.resolve, sizeof(peer.resolve), "%s",
			    h_errno == TRY_AGAIN ? "TEMP" : "FAIL");
		}
	}
	for (i = 0; i < nls; i++)
		if (ls[i].port == np.lport) {
			peer.daemon_name = ls[i].name;
			peer.daemon_flags = ls[i].flags;
			peer.implicit_tls = strchr(ls[i].flags, 's') != NULL;
		}
	/* the table is the master's, as it was at fork */
	peer.auth_failures = authfail_count(peer.addr);
	peer.auth_failed = tell_master_authfail;
	peer.etrn = tell_master_etrn;
	smtpd_session(c, fd, fd, &peer, tell_master, NULL);
	close(fd);
	_exit(0);
}

/* child_report: one line a child wrote on the notify pipe */
static void
child_report(struct conf *c, struct dpool *dp, const char *line)
{
	if (strncmp(line, AUTHFAIL_TAG, strlen(AUTHFAIL_TAG)) == 0) {
		struct authfail *a = authfail_slot(line + strlen(AUTHFAIL_TAG), 1);

		a->count++;
	} else if (strncmp(line, ETRN_TAG, strlen(ETRN_TAG)) == 0)
		etrn_run(c, line + strlen(ETRN_TAG));
	else if (line[0] && delivers_now(c))
		dpool_deliver(dp, line);
}

/* the master's state */
struct master {
	struct conf *c;
	struct passwd *pw;
	struct listener ls[MAX_LISTENERS];
	int nls;
	int paused;			/* listeners closed: MaxDaemonChildren reached */
	long maxchildren;		/* MaxDaemonChildren (0: no limit) */
	long maxrate;			/* ConnectionRateThrottle per second (0: none) */
	long long *accepts;		/* when the last maxrate connections came (ms) */
	long next_accept;		/* ring position of the oldest */
	int rate_logged;
	pid_t *kids;			/* session children alive */
	size_t nkids, capkids;
	int pipefd[2];			/* children report to the master */
	dstr pending;
	struct dpool *pool;		/* delivery processes */
};

/* worker_fork: a child for a session, a delivery or a queue run; it must
 * not hold the listening sockets (a long delivery would keep the port
 * bound after the master stops) nor the master's end of the notify pipe */
static pid_t
worker_fork(void)
{
	pid_t pid = fork();
	int i;

	if (pid != 0)
		return pid;
	if (the_master) {
		for (i = 0; i < the_master->nls; i++)
			if (the_master->ls[i].fd >= 0)
				close(the_master->ls[i].fd);
		close(the_master->pipefd[0]);
		if (the_master->pool)
			dpool_close_child(the_master->pool);
	}
	signal(SIGCHLD, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	child_unblock();
	return 0;
}

/* listeners_pause / listeners_resume: sendmail closes its sockets while
 * MaxDaemonChildren sessions run, so new clients are refused at once
 * instead of waiting in the backlog */
static void
listeners_pause(struct master *m)
{
	int i;

	if (m->paused)
		return;
	msg_info("rejecting connections on daemon %s: %zu children, max %ld",
	    m->ls[0].name, m->nkids, m->maxchildren);
	for (i = 0; i < m->nls; i++) {
		close(m->ls[i].fd);
		m->ls[i].fd = -1;
	}
	m->paused = 1;
}

static void
listeners_resume(struct master *m)
{
	int i;

	if (!m->paused)
		return;
	for (i = 0; i < m->nls; i++) {
		dstr err = DSTR_INIT;
		struct listener *l = &m->ls[i];

		l->fd = net_listen_tcp(strcmp(l->addr, "0.0.0.0") == 0 ? "*" : l->addr, l->port,
		    (int)options_int(m->c->opts, "Listen", 128), &err);
		if (l->fd < 0)
			msg_error("daemon %s: cannot bind %s port %d again: %s", l->name, l->addr,
			    l->port, err.s ? err.s : "");
		dstr_free(&err);
	}
	msg_info("accepting connections again for daemon %s", m->ls[0].name);
	m->paused = 0;
}

/* reap: collect exited children; session children leave the list */
static void
reap(struct master *m)
{
	pid_t pid;
	size_t i;

	while ((pid = waitpid(-1, NULL, WNOHANG)) > 0)
		for (i = 0; i < m->nkids; i++)
			if (m->kids[i] == pid) {
				m->kids[i] = m->kids[--m->nkids];
				break;
			}
}

/* throttled: ConnectionRateThrottle: once maxrate connections came
 * within the last second, the next waits until the oldest of them is a
 * second old; *wait_ms gets how long */
static int
throttled(struct master *m, int *wait_ms)
{
	long long oldest, age;

	if (m->maxrate <= 0)
		return 0;
	oldest = m->accepts[m->next_accept];
	age = clock_ms() - oldest;
	if (oldest == 0 || age >= 1000) {
		m->rate_logged = 0;
		return 0;
	}
	if (!m->rate_logged) {
		msg_info("deferring connections on daemon %s: %ld per second", m->ls[0].name,
		    m->maxrate);
		m->rate_logged = 1;
	}
	*wait_ms = (int)(1000 - age);
	return 1;
}

static void
count_accept(struct master *m)
{
	if (m->maxrate <= 0)
		return;
	m->accepts[m->next_accept] = clock_ms();
	m->next_accept = (m->next_accept + 1) % m->maxrate;
}

/* command_line: our argv as the kernel has it ("" when unknown) */
static void
command_line(dstr *out, char ***argv)
{
	FILE *fp = fopen("/proc/self/cmdline", "r");
	dstr raw = DSTR_INIT;
	char buf[1024];
	size_t n, i, argc = 0;

	if (fp == NULL)
		return;
	while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
		dstr_append(&raw, buf, n);
	fclose(fp);
	for (i = 0; i < raw.len; i++)
		if (raw.s[i] == '\0')
			argc++;
	if (argv) {
		char *p = raw.s;

		*argv = xcalloc(argc + 1, sizeof(char *));
		for (i = 0; i < argc; i++) {
			(*argv)[i] = xstrdup(p);
			p += strlen(p) + 1;
		}
	}
	for (i = 0; i < raw.len; i++)
		dstr_putc(out, raw.s[i] ? raw.s[i] : (i + 1 < raw.len ? ' ' : '\0'));
	if (out->len && out->s[out->len - 1] == '\0')
		dstr_truncate(out, out->len - 1);
	dstr_free(&raw);
}

/* write_pidfile: the pid and the command line, as sendmail writes them */
static void
write_pidfile(struct conf *c)
{
	const char *pf = options_get(c->opts, "PidFile");
	FILE *fp = fopen(pf && *pf ? pf : "/run/sendmail.pid", "w");
	dstr cmd = DSTR_INIT;

	if (fp == NULL)
		return;
	command_line(&cmd, NULL);
	fprintf(fp, "%ld\n%s\n", (long)getpid(), dstr_cstr(&cmd));
	fclose(fp);
	dstr_free(&cmd);
}

/* restart: SIGHUP: run ourselves again, same arguments, same pid, so the
 * new sendmail.cf (and everything it names) takes effect.  Sessions in
 * progress go on in their children. */
static void
restart(struct master *m)
{
	dstr cmd = DSTR_INIT;
	char **argv = NULL;
	int i;

	command_line(&cmd, &argv);
	if (argv == NULL || argv[0] == NULL) {
		msg_error("cannot restart: command line unknown");
		dstr_free(&cmd);
		return;
	}
	msg_info("restarting %s due to signal", argv[0]);
	for (i = 0; i < m->nls; i++)
		if (m->ls[i].fd >= 0)
			close(m->ls[i].fd);
	close(m->pipefd[0]);
	close(m->pipefd[1]);
	signal(SIGHUP, SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	child_unblock();
	execv("/proc/self/exe", argv);
	msg_error("cannot restart %s: %s", argv[0], strerror(errno));
	_exit(EX_OSERR);
}

/* read_reports: the lines children wrote on the notify pipe */
static void
read_reports(struct master *m)
{
	char buf[512];
	ssize_t r;

	while ((r = read(m->pipefd[0], buf, sizeof(buf))) > 0)
		dstr_append(&m->pending, buf, (size_t)r);
	while (m->pending.len) {
		char *nl = memchr(m->pending.s, '\n', m->pending.len);
		size_t len;

		if (nl == NULL)
			break;
		len = (size_t)(nl - m->pending.s);
		*nl = '\0';
		child_report(m->c, m->pool, m->pending.s);
		memmove(m->pending.s, nl + 1, m->pending.len - len - 1);
		dstr_truncate(&m->pending, m->pending.len - len - 1);
	}
}

/* accept_one: a connection on listener i, served by a new child */
static void
accept_one(struct master *m, int i)
{
	int fd = accept(m->ls[i].fd, NULL, NULL);
	pid_t pid;

	if (fd < 0)
		return;
	count_accept(m);
	pid = worker_fork();
	if (pid == 0)
		session_child(m->c, m->ls, m->nls, fd, m->pw);
	if (pid > 0) {
		if (m->nkids == m->capkids) {
			m->capkids = m->capkids ? m->capkids * 2 : 16;
			m->kids = xreallocarray(m->kids, m->capkids, sizeof(*m->kids));
		}
		m->kids[m->nkids++] = pid;
	}
	close(fd);
}

static void
queue_run_child(struct conf *c)
{
	pid_t pid = worker_fork();

	if (pid == 0) {
		runqueue_once(c, NULL);
		_exit(0);
	}
}

/* detach: into the background, as -bd does */
static int
detach_now(void)
{
	pid_t pid = fork();
	int dn;

	if (pid < 0)
		return -1;
	if (pid > 0)
		_exit(0);
	setsid();
	dn = open("/dev/null", O_RDWR);
	if (dn >= 0) {
		dup2(dn, 0);
		dup2(dn, 1);
		dup2(dn, 2);
		if (dn > 2)
			close(dn);
	}
	return 0;
}

int
daemon_run(struct conf *c, int detach, long interval)
{
	static struct master m;
	struct pollfd pfd[MAX_LISTENERS + 1 + DPOOL_MAX];
	time_t next_run = interval > 0 ? time(NULL) : 0;
	int i;

	memset(&m, 0, sizeof(m));
	the_master = &m;
	m.pipefd[0] = m.pipefd[1] = -1;
	m.c = c;
	m.pw = run_user(c);
	m.maxchildren = options_int(c->opts, "MaxDaemonChildren", 0);
	m.maxrate = options_int(c->opts, "ConnectionRateThrottle", 0);
	if (m.maxrate > MAX_RATE)
		m.maxrate = MAX_RATE;
	if (m.maxrate > 0)
		m.accepts = xcalloc((size_t)m.maxrate, sizeof(*m.accepts));
	dstr_init(&m.pending);
	m.nls = open_listeners(c, m.ls);
	if (m.nls <= 0)
		return EX_OSERR;
	msg_info("starting daemon (%s): SMTP%s", SENDWELL_VERSION_TEXT,
	    interval > 0 ? "+queueing" : "");
	/* as root, once: the key file is rarely readable by RunAsUser */
	(void)tls_smtp_init(c);
	(void)auth_server_init();
	alias_open(c);
	queue_access(c, m.pw);
	if (detach && detach_now() != 0)
		return EX_OSERR;
	write_pidfile(c);
	if (pipe(m.pipefd) != 0)
		return EX_OSERR;
	fcntl(m.pipefd[0], F_SETFL, O_NONBLOCK);
	fcntl(m.pipefd[0], F_SETFD, FD_CLOEXEC);
	fcntl(m.pipefd[1], F_SETFD, FD_CLOEXEC);
	notify_fd = m.pipefd[1];
	m.pool = dpool_new(c, worker_fork);
	{
		sigset_t set;

		sigemptyset(&set);
		sigaddset(&set, SIGTERM);
		sigaddset(&set, SIGINT);
		sigaddset(&set, SIGHUP);
		sigaddset(&set, SIGCHLD);
		sigprocmask(SIG_BLOCK, &set, &orig_mask);
		masked = 1;
	}
	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGHUP, on_hup);
	signal(SIGCHLD, on_chld);
	signal(SIGPIPE, SIG_IGN);
	while (!got_term) {
		int n, wait_ms = -1, listen = 1, npool, idle_ms;

		if (got_hup)
			restart(&m);
		if (got_chld) {
			got_chld = 0;
			reap(&m);
		}
		if (m.maxchildren > 0 && (long)m.nkids >= m.maxchildren)
			listeners_pause(&m);
		else
			listeners_resume(&m);
		if (interval > 0) {
			time_t now = time(NULL);

			if (now >= next_run) {
				queue_run_child(c);
				next_run = now + interval;
			}
			wait_ms = (int)(next_run - now) * 1000;
		}
		if (m.paused || throttled(&m, &n)) {
			listen = 0;
			if (!m.paused && (wait_ms < 0 || n < wait_ms))
				wait_ms = n;
		}
		for (i = 0; i < m.nls; i++) {
			pfd[i].fd = listen ? m.ls[i].fd : -1;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		pfd[m.nls].fd = m.pipefd[0];
		pfd[m.nls].events = POLLIN;
		npool = dpool_pollfds(m.pool, pfd + m.nls + 1);
		idle_ms = dpool_timeout_ms(m.pool);
		if (idle_ms >= 0 && (wait_ms < 0 || idle_ms < wait_ms))
			wait_ms = idle_ms;
		{
			struct timespec ts = { wait_ms / 1000, (long)(wait_ms % 1000) * 1000000L };

			n = ppoll(pfd, (nfds_t)(m.nls + 1 + npool), wait_ms < 0 ? NULL : &ts, &orig_mask);
		}
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		dpool_events(m.pool, pfd + m.nls + 1, npool);
		dpool_expire(m.pool);
		if (pfd[m.nls].revents & POLLIN)
			read_reports(&m);
		for (i = 0; i < m.nls && listen; i++)
			if (pfd[i].revents & POLLIN)
				accept_one(&m, i);
	}
	for (i = 0; i < m.nls; i++)
		if (m.ls[i].fd >= 0)
			close(m.ls[i].fd);
	dstr_free(&m.pending);
	dpool_free(m.pool);
	m.pool = NULL;
	free(m.kids);
	free(m.accepts);
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
	dpool_one_shot(c, worker_fork, qid);
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
