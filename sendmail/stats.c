/* stats: the statistics file (see stats.h).  Every update is one
 * read-add-write of the whole record under flock(LOCK_EX), the lock
 * sendmail itself takes on this file, so both programs can share it. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include "base/log.h"
#include "sendmail/parseaddr.h"
#include "sendmail/stats.h"

long
stats_kbytes(size_t bytes)
{
	return (long)((bytes + 999) / 1000);
}

void
stats_record_init(struct stats_record *r, time_t now)
{
	memset(r, 0, sizeof(*r));
	r->magic = STATS_MAGIC;
	r->version = STATS_VERSION;
	r->since = now;
	r->size = (short)sizeof(*r);
}

/* read_all: up to n bytes, stopping only at end of file */
static ssize_t
read_all(int fd, void *buf, size_t n)
{
	size_t got = 0;

	while (got < n) {
		ssize_t r = read(fd, (char *)buf + got, n - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* check: what is wrong with a record read (0 nothing, or -2) */
static int
check(const struct stats_record *r, ssize_t got, int *bad_version, dstr *err)
{
	if (got != (ssize_t)sizeof(*r) || r->size != (short)sizeof(*r)) {
		dstr_puts(err, "the file is not the size of a statistics record");
		return -2;
	}
	if (r->magic != STATS_MAGIC) {
		dstr_puts(err, "not a statistics file (bad magic number)");
		return -2;
	}
	if (r->version != STATS_VERSION) {
		if (bad_version)
			*bad_version = r->version;
		dstr_printf(err, "statistics file version %d, expected %d", r->version,
		    STATS_VERSION);
		return -2;
	}
	return 0;
}

int
stats_load(const char *path, struct stats_record *r, int *bad_version, int clear,
    dstr *err)
{
	int fd = open(path, (clear ? O_RDWR : O_RDONLY) | O_CLOEXEC), rc = 0;
	ssize_t got;

	if (bad_version)
		*bad_version = 0;
	if (fd < 0) {
		dstr_printf(err, "%s: %s", path, strerror(errno));
		return -1;
	}
	(void)flock(fd, clear ? LOCK_EX : LOCK_SH);
	memset(r, 0, sizeof(*r));
	got = read_all(fd, r, sizeof(*r));
	if (got == 0)
		stats_record_init(r, time(NULL));
	else if (got < 0) {
		dstr_printf(err, "%s: %s", path, strerror(errno));
		rc = -1;
	} else
		rc = check(r, got, bad_version, err);
	if (rc == 0 && clear && ftruncate(fd, 0) != 0) {
		dstr_printf(err, "%s: %s", path, strerror(errno));
		rc = -1;
	}
	close(fd);
	return rc;
}

static void
add_array(long *to, const long *from)
{
	int i;

	for (i = 0; i < STATS_MAILERS; i++)
		to[i] += from[i];
}

int
stats_add(const char *path, const struct stats_record *d)
{
	struct stats_record r;
	int fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW);
	ssize_t got;
	size_t off = 0;
	dstr err = DSTR_INIT;

	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX) != 0) {
		close(fd);
		return -1;
	}
	got = read_all(fd, &r, sizeof(r));
	if (got <= 0 || check(&r, got, NULL, &err) != 0)
		stats_record_init(&r, time(NULL));
	dstr_free(&err);
	r.conn_from += d->conn_from;
	r.conn_to += d->conn_to;
	r.conn_rejected += d->conn_rejected;
	add_array(r.msgs_from, d->msgs_from);
	add_array(r.kb_from, d->kb_from);
	add_array(r.msgs_to, d->msgs_to);
	add_array(r.kb_to, d->kb_to);
	add_array(r.rejects, d->rejects);
	add_array(r.discards, d->discards);
	add_array(r.quarantines, d->quarantines);
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	while (off < sizeof(r)) {
		ssize_t w = write(fd, (const char *)&r + off, sizeof(r) - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			msg_warn("cannot update statistics file %s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		off += (size_t)w;
	}
	close(fd);
	return 0;
}

static const char *
status_file(const struct conf *c)
{
	const char *p = options_get(c->opts, "StatusFile");

	return p && *p ? p : NULL;
}

/* sender_mailer: the mailer number the sender resolves to, -1 if none */
static int
sender_mailer(struct conf *c, const char *sender)
{
	struct parsed_addr pa;
	struct rw_env env;
	dstr bare = DSTR_INIT;
	int n = -1;
	size_t len;

	if (sender == NULL)
		sender = "";
	len = strlen(sender);
	if (len >= 2 && sender[0] == '<' && sender[len - 1] == '>')
		dstr_append(&bare, sender + 1, len - 2);
	else
		dstr_puts(&bare, sender);
	if (bare.len == 0)
		dstr_puts(&bare, "MAILER-DAEMON");
	memset(&pa, 0, sizeof(pa));
	env.conf = c;
	env.macros = &c->macros;
	env.pool = pool_new();
	env.out = NULL;
	if (parse_address(&env, bare.s, '\0', &pa, NULL, NULL) == 0 && pa.mailer)
		n = pa.mailer->number;
	parsed_addr_free(&pa);
	pool_free(env.pool);
	dstr_free(&bare);
	return n >= 0 && n < STATS_MAILERS ? n : -1;
}

void
stats_note_received(struct conf *c, const struct envelope *e, size_t msgsize)
{
	const char *path = status_file(c);
	struct stats_record d;
	int m;

	if (path == NULL || access(path, F_OK) != 0)
		return;
	m = sender_mailer(c, e->sender);
	if (m < 0)
		return;
	memset(&d, 0, sizeof(d));
	d.msgs_from[m] = 1;
	d.kb_from[m] = stats_kbytes(msgsize);
	stats_add(path, &d);
}

void
stats_note_delivered(struct conf *c, const struct mailer *m, size_t msgsize)
{
	const char *path = status_file(c);
	struct stats_record d;

	if (path == NULL || m == NULL || m->number < 0 || m->number >= STATS_MAILERS)
		return;
	memset(&d, 0, sizeof(d));
	d.msgs_to[m->number] = 1;
	d.kb_to[m->number] = stats_kbytes(msgsize);
	stats_add(path, &d);
}

/* note_sender: one rejection or discard, counted for the mailer the
 * sender resolves to */
static void
note_sender(struct conf *c, const char *sender, int discarded)
{
	const char *path = status_file(c);
	struct stats_record d;
	int m;

	if (path == NULL || access(path, F_OK) != 0)
		return;
	m = sender_mailer(c, sender);
	if (m < 0)
		return;
	memset(&d, 0, sizeof(d));
	if (discarded)
		d.discards[m] = 1;
	else
		d.rejects[m] = 1;
	stats_add(path, &d);
}

void
stats_note_rejected(struct conf *c, const char *sender)
{
	note_sender(c, sender, 0);
}

void
stats_note_discarded(struct conf *c, const char *sender)
{
	note_sender(c, sender, 1);
}

void
stats_note_connection(struct conf *c, int kind)
{
	const char *path = status_file(c);
	struct stats_record d;

	if (path == NULL)
		return;
	memset(&d, 0, sizeof(d));
	if (kind == STATS_CONN_OUT)
		d.conn_to = 1;
	else if (kind == STATS_CONN_REJECTED)
		d.conn_rejected = 1;
	else
		d.conn_from = 1;
	stats_add(path, &d);
}

