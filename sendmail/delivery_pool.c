/* delivery_pool: the daemon's long-lived delivery processes (see
 * delivery_pool.h).  Master and process talk over a SOCK_SEQPACKET pair:
 * the master sends one queue ID per packet, the process answers "D"
 * (done, idle again) or "X" (done, retiring).  A process that dies
 * mid-delivery leaves the message locked by nobody and queued, for the
 * next queue run, exactly as a one-shot child would. */
#include "config.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "base/clock.h"
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/deliver.h"
#include "sendmail/delivery_pool.h"
#include "sendmail/queue.h"

#define DPOOL_MAX_USE 100	/* messages before a process retires */
#define DPOOL_MAX_IDLE_MS 60000	/* idle this long: let go */
/* a message waits for a free process at most this long; then it gets a
 * child of its own (every process may be stuck on a slow remote host) */
#define DPOOL_MAX_WAIT_MS 5000

struct dworker {
	int fd;			/* the master's end */
	int busy;
	long long idle_since;	/* ms, monotonic */
};

/* a message waiting for a free process */
struct dwait {
	char *qid;
	long long since;	/* ms, monotonic */
};

struct dpool {
	struct conf *c;
	pid_t (*forker)(void);
	struct dworker w[DPOOL_MAX];
	int n;
	struct dwait *wait;	/* ring of waiting messages, oldest first */
	size_t whead, wlen, wcap;
};

struct dpool *
dpool_new(struct conf *c, pid_t (*forker)(void))
{
	struct dpool *p = xcalloc(1, sizeof(*p));

	p->c = c;
	p->forker = forker;
	return p;
}

static void
drop(struct dpool *p, int i)
{
	close(p->w[i].fd);
	p->w[i] = p->w[--p->n];
}

/* worker_main: the process's life: one message per packet until the
 * master lets go (end of file) or DPOOL_MAX_USE are done */
static void
worker_main(struct conf *c, int fd)
{
	char qid[128];
	int uses = 0;

	for (;;) {
		ssize_t n = recv(fd, qid, sizeof(qid) - 1, 0);
		char done;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		qid[n] = '\0';
		if (queue_id_valid(qid))
			(void)deliver_by_id(c, queue_dir(c), qid);
		else
			msg_error("delivery process: bad queue ID from the master");
		done = ++uses >= DPOOL_MAX_USE ? 'X' : 'D';
		if (send(fd, &done, 1, MSG_NOSIGNAL) != 1 || done == 'X')
			_exit(0);
	}
}

/* spawn: a new process, busy with qid; -1 if none could be made */
static int
spawn(struct dpool *p, const char *qid)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
		return -1;
	pid = p->forker();
	if (pid == 0) {
		close(sv[0]);
		worker_main(p->c, sv[1]);
	}
	close(sv[1]);
	if (pid < 0 || send(sv[0], qid, strlen(qid), MSG_NOSIGNAL) < 0) {
		close(sv[0]);
		return -1;
	}
	p->w[p->n].fd = sv[0];
	p->w[p->n].busy = 1;
	p->n++;
	return 0;
}

void
dpool_one_shot(struct conf *c, pid_t (*forker)(void), const char *qid)
{
	pid_t pid = forker();

	if (pid == 0) {
		deliver_by_id(c, queue_dir(c), qid);
		_exit(0);
	}
	if (pid < 0)
		msg_error("%s: cannot fork delivery: %s", qid, strerror(errno));
}

/* hand: qid to an idle process, or to a new one while there is room;
 * 0 if done */
static int
hand(struct dpool *p, const char *qid)
{
	int i;

	for (i = 0; i < p->n; i++) {
		if (p->w[i].busy)
			continue;
		if (send(p->w[i].fd, qid, strlen(qid), MSG_NOSIGNAL) < 0) {
			drop(p, i--);	/* it went away meanwhile */
			continue;
		}
		p->w[i].busy = 1;
		return 0;
	}
	if (p->n < DPOOL_MAX && spawn(p, qid) == 0)
		return 0;
	return -1;
}

static void
wait_push(struct dpool *p, const char *qid)
{
	if (p->wlen == p->wcap) {
		size_t ncap = p->wcap ? p->wcap * 2 : 64, k;
		struct dwait *nw = xreallocarray(NULL, ncap, sizeof(*nw));

		for (k = 0; k < p->wlen; k++)
			nw[k] = p->wait[(p->whead + k) % p->wcap];
		free(p->wait);
		p->wait = nw;
		p->wcap = ncap;
		p->whead = 0;
	}
	p->wait[(p->whead + p->wlen) % p->wcap].qid = xstrdup(qid);
	p->wait[(p->whead + p->wlen) % p->wcap].since = clock_ms();
	p->wlen++;
}

static void
wait_pop(struct dpool *p)
{
	free(p->wait[p->whead].qid);
	p->whead = (p->whead + 1) % p->wcap;
	p->wlen--;
}

/* drain: waiting messages to processes that became free, and to
 * children of their own those that waited too long */
static void
drain(struct dpool *p)
{
	long long now = clock_ms();

	while (p->wlen) {
		struct dwait *d = &p->wait[p->whead];

		if (hand(p, d->qid) != 0) {
			char *qid;

			if (now - d->since < DPOOL_MAX_WAIT_MS)
				break;
			/* a copy: the child lets go of the ring (dpool_close_child) */
			qid = xstrdup(d->qid);
			dpool_one_shot(p->c, p->forker, qid);
			free(qid);
		}
		wait_pop(p);
	}
}

void
dpool_deliver(struct dpool *p, const char *qid)
{
	if (!queue_id_valid(qid)) {
		msg_error("bad queue ID reported by a session: not delivered");
		return;
	}
	/* first come, first served */
	if (p->wlen == 0 && hand(p, qid) == 0)
		return;
	wait_push(p, qid);
}

int
dpool_pollfds(struct dpool *p, struct pollfd *pfd)
{
	int i;

	for (i = 0; i < p->n; i++) {
		pfd[i].fd = p->w[i].fd;
		pfd[i].events = POLLIN;
		pfd[i].revents = 0;
	}
	return p->n;
}

void
dpool_events(struct dpool *p, const struct pollfd *pfd, int n)
{
	int j, i;

	for (j = 0; j < n; j++) {
		char r = 0;
		ssize_t got;

		if (pfd[j].revents == 0)
			continue;
		for (i = 0; i < p->n && p->w[i].fd != pfd[j].fd; i++)
			;
		if (i == p->n)
			continue;
		got = recv(p->w[i].fd, &r, 1, MSG_DONTWAIT);
		if (got < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (got == 1 && r == 'D') {
			p->w[i].busy = 0;
			p->w[i].idle_since = clock_ms();
		} else
			drop(p, i);	/* retired, or gone */
	}
	drain(p);
}

int
dpool_timeout_ms(const struct dpool *p)
{
	long long now = clock_ms(), best = -1;
	int i;

	if (p->wlen) {
		best = p->wait[p->whead].since + DPOOL_MAX_WAIT_MS - now;
		if (best < 0)
			best = 0;
	}
	for (i = 0; i < p->n; i++) {
		long long left;

		if (p->w[i].busy)
			continue;
		left = p->w[i].idle_since + DPOOL_MAX_IDLE_MS - now;
		if (left < 0)
			left = 0;
		if (best < 0 || left < best)
			best = left;
	}
	return (int)best;
}

void
dpool_expire(struct dpool *p)
{
	long long now = clock_ms();
	int i;

	for (i = 0; i < p->n; i++)
		if (!p->w[i].busy && now - p->w[i].idle_since >= DPOOL_MAX_IDLE_MS)
			drop(p, i--);
	drain(p);
}

void
dpool_close_child(struct dpool *p)
{
	int i;

	for (i = 0; i < p->n; i++)
		close(p->w[i].fd);
	p->n = 0;
	while (p->wlen)
		wait_pop(p);
}

void
dpool_free(struct dpool *p)
{
	if (p == NULL)
		return;
	dpool_close_child(p);
	free(p->wait);
	free(p);
}
