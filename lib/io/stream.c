/* stream: buffered, timed reads and writes over fds with optional TLS
 * (see stream.h).  Owns the read buffer, the write buffer and the waits;
 * io/tls.c installs the TLS layer as an object and its operations, so a
 * program that never speaks TLS (mail.local) links no TLS library.
 * Called by every protocol session of Sendwell. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "io/stream.h"

#define READ_CHUNK 16384
#define WRITE_HIGH_WATER 65536

struct stream {
	int rfd, wfd;
	int rflags_saved, wflags_saved;
	int timeout;
	char *rbuf;		/* input not yet consumed: rbuf[rpos..rlen) */
	size_t rpos, rlen, rcap;
	dstr wbuf;		/* output not yet written */
	int err;		/* sticky status (STREAM_OK while healthy) */
	int eof;
	int wsock;		/* wfd is a socket: use send(MSG_NOSIGNAL) */
	void *tls;		/* the TLS layer's object, NULL for none */
	const struct stream_tls_ops *tls_ops;
	unsigned long long in, out;
};

static int
set_nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl >= 0 && !(fl & O_NONBLOCK))
		(void)fcntl(fd, F_SETFL, fl | O_NONBLOCK);
	return fl;
}

stream *
stream_new(int rfd, int wfd)
{
	stream *s = xcalloc(1, sizeof(*s));
	int type;
	socklen_t tl = sizeof(type);

	s->rfd = rfd;
	s->wfd = wfd;
	s->timeout = -1;
	s->rflags_saved = set_nonblock(rfd);
	s->wflags_saved = wfd == rfd ? s->rflags_saved : set_nonblock(wfd);
	s->wsock = getsockopt(wfd, SOL_SOCKET, SO_TYPE, &type, &tl) == 0;
	dstr_init(&s->wbuf);
	return s;
}

void
stream_free(stream *s)
{
	if (s == NULL)
		return;
	if (s->tls)
		s->tls_ops->free(s->tls);
	if (s->rflags_saved >= 0)
		(void)fcntl(s->rfd, F_SETFL, s->rflags_saved);
	if (s->wfd != s->rfd && s->wflags_saved >= 0)
		(void)fcntl(s->wfd, F_SETFL, s->wflags_saved);
	free(s->rbuf);
	dstr_free(&s->wbuf);
	free(s);
}

void
stream_close(stream *s)
{
	int rfd, wfd;

	if (s == NULL)
		return;
	(void)stream_flush(s);
	if (s->tls && s->err == STREAM_OK)
		s->tls_ops->shutdown(s->tls);
	rfd = s->rfd;
	wfd = s->wfd;
	stream_free(s);
	close(rfd);
	if (wfd != rfd)
		close(wfd);
}

void
stream_set_timeout(stream *s, int ms)
{
	s->timeout = ms;
}

int
stream_timeout(const stream *s)
{
	return s->timeout;
}

int
stream_rfd(const stream *s)
{
	return s->rfd;
}

int
stream_wfd(const stream *s)
{
	return s->wfd;
}

void
stream_set_tls(stream *s, void *tls, const struct stream_tls_ops *ops)
{
	s->tls = tls;
	s->tls_ops = ops;
}

void *
stream_ssl(const stream *s)
{
	return s->tls;
}

/* wait_fd: 1 ready, 0 timed out, -1 error */
static int
wait_fd(int fd, short events, int ms)
{
	struct pollfd p;
	int r;

	p.fd = fd;
	p.events = events;
	p.revents = 0;
	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -1;
	if (r == 0)
		return 0;
	return 1;
}

/* tls_wait: after the TLS layer said it wants to read or write, wait for
 * the fd; a status */
static int
tls_wait(stream *s, long want)
{
	int r;

	if (want == STREAM_TLS_WANT_READ)
		r = wait_fd(s->rfd, POLLIN, s->timeout);
	else if (want == STREAM_TLS_WANT_WRITE)
		r = wait_fd(s->wfd, POLLOUT, s->timeout);
	else
		return STREAM_ERROR;
	if (r == 0)
		return STREAM_TIMEOUT;
	return r < 0 ? STREAM_ERROR : STREAM_OK;
}

/* fill: read more input into rbuf; STREAM_OK when at least one byte came */
static int
fill(stream *s)
{
	ssize_t n;
	int r;

	if (s->eof)
		return STREAM_EOF;
	if (s->err == STREAM_ERROR || s->err == STREAM_TIMEOUT)
		return s->err;
	if (s->rpos == s->rlen)
		s->rpos = s->rlen = 0;
	if (s->rcap - s->rlen < READ_CHUNK) {
		if (s->rpos > 0) {
			memmove(s->rbuf, s->rbuf + s->rpos, s->rlen - s->rpos);
			s->rlen -= s->rpos;
			s->rpos = 0;
		}
		if (s->rcap - s->rlen < READ_CHUNK) {
			s->rcap = s->rlen + READ_CHUNK;
			s->rbuf = xrealloc(s->rbuf, s->rcap);
		}
	}
	for (;;) {
		if (s->tls) {
			n = s->tls_ops->read(s->tls, s->rbuf + s->rlen, s->rcap - s->rlen);
			if (n > 0)
				break;
			if (n == STREAM_TLS_EOF) {
				s->eof = 1;
				return STREAM_EOF;
			}
			if (n == STREAM_TLS_ERROR) {
				s->err = STREAM_ERROR;
				return STREAM_ERROR;
			}
			if ((r = tls_wait(s, (long)n)) != STREAM_OK)
				return r;
			continue;
		}
		n = read(s->rfd, s->rbuf + s->rlen, s->rcap - s->rlen);
		if (n > 0)
			break;
		if (n == 0) {
			s->eof = 1;
			return STREAM_EOF;
		}
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK) {
			s->err = STREAM_ERROR;
			return STREAM_ERROR;
		}
		r = wait_fd(s->rfd, POLLIN, s->timeout);
		if (r == 0)
			return STREAM_TIMEOUT;
		if (r < 0) {
			s->err = STREAM_ERROR;
			return STREAM_ERROR;
		}
	}
	s->rlen += (size_t)n;
	s->in += (unsigned long long)n;
	return STREAM_OK;
}

int
stream_read_line(stream *s, dstr *line, size_t max, unsigned *flags)
{
	size_t start = line->len, clen;
	int toolong = 0, st;
	char *c;

	if (flags)
		*flags = 0;
	for (;;) {
		char *p, *nl;
		size_t avail, take;

		if (s->rpos == s->rlen && (st = fill(s)) != STREAM_OK) {
			if (toolong)
				dstr_truncate(line, start + max);
			return st;
		}
		p = s->rbuf + s->rpos;
		avail = s->rlen - s->rpos;
		nl = memchr(p, '\n', avail);
		take = nl ? (size_t)(nl - p) : avail;
		if (!toolong) {
			size_t have = line->len - start;
			size_t room = max + 1 - have;	/* +1: room for the CR */

			if (take > room) {
				dstr_append(line, p, room);
				toolong = 1;
			} else
				dstr_append(line, p, take);
		}
		s->rpos += take + (nl ? 1 : 0);
		if (nl)
			break;
	}
	if (toolong) {
		dstr_truncate(line, start + max);
		return STREAM_TOOLONG;
	}
	clen = line->len - start;
	if (clen > 0 && line->s[line->len - 1] == '\r') {
		dstr_truncate(line, line->len - 1);
		clen--;
	} else if (flags)
		*flags |= STREAM_LINE_BARE_LF;
	if (clen > max) {
		dstr_truncate(line, start + max);
		return STREAM_TOOLONG;
	}
	if (flags) {
		if ((c = memchr(line->s + start, '\r', clen)) != NULL)
			*flags |= STREAM_LINE_BARE_CR;
		if (memchr(line->s + start, '\0', clen) != NULL)
			*flags |= STREAM_LINE_NUL;
	}
	return STREAM_OK;
}

static int
read_n(stream *s, dstr *out, size_t n)
{
	int st;

	if (out)
		dstr_reserve(out, n < (1u << 20) ? n : (1u << 20));
	while (n > 0) {
		size_t avail, take;

		if (s->rpos == s->rlen && (st = fill(s)) != STREAM_OK)
			return st;
		avail = s->rlen - s->rpos;
		take = avail < n ? avail : n;
		if (out)
			dstr_append(out, s->rbuf + s->rpos, take);
		s->rpos += take;
		n -= take;
	}
	return STREAM_OK;
}

int
stream_read_n(stream *s, dstr *out, size_t n)
{
	return read_n(s, out, n);
}

int
stream_skip_n(stream *s, size_t n)
{
	return read_n(s, NULL, n);
}

int
stream_read_some(stream *s, dstr *out, size_t max)
{
	size_t take;
	int st;

	if (s->rpos == s->rlen && (st = fill(s)) != STREAM_OK)
		return st;
	take = s->rlen - s->rpos;
	if (take > max)
		take = max;
	dstr_append(out, s->rbuf + s->rpos, take);
	s->rpos += take;
	return STREAM_OK;
}

size_t
stream_pending(const stream *s)
{
	size_t n = s->rlen - s->rpos;

	if (s->tls)
		n += s->tls_ops->pending(s->tls);
	return n;
}

void
stream_take_input(stream *s, dstr *out)
{
	dstr_append(out, s->rbuf + s->rpos, s->rlen - s->rpos);
	s->rpos = s->rlen = 0;
}

void
stream_unread(stream *s, const void *p, size_t n)
{
	size_t have = s->rlen - s->rpos;
	char *nb;

	if (n == 0)
		return;
	nb = xmalloc(have + n + READ_CHUNK);
	memcpy(nb, p, n);
	if (have)
		memcpy(nb + n, s->rbuf + s->rpos, have);
	free(s->rbuf);
	s->rbuf = nb;
	s->rcap = have + n + READ_CHUNK;
	s->rpos = 0;
	s->rlen = have + n;
}

int
stream_wait_readable(stream *s, int ms)
{
	int r;

	if (s->rpos < s->rlen || s->eof)
		return 1;
	if (s->tls && s->tls_ops->pending(s->tls) > 0)
		return 1;
	r = wait_fd(s->rfd, POLLIN, ms);
	return r;
}

int
stream_peer_gone(stream *s)
{
	struct pollfd p;
	int avail = 0;

	if (s->rpos < s->rlen || (s->tls && s->tls_ops->pending(s->tls) > 0))
		return 0;	/* it still has something to say */
	if (s->eof)
		return 1;
	p.fd = s->rfd;
	p.events = POLLIN;
	p.revents = 0;
	if (poll(&p, 1, 0) <= 0)
		return 0;
	if (p.revents & (POLLHUP | POLLERR | POLLNVAL))
		return 1;
	/* readable with nothing to read: end of file */
	return (p.revents & POLLIN) && ioctl(s->rfd, FIONREAD, &avail) == 0 && avail == 0;
}

static int
write_some(stream *s, const char *p, size_t n, size_t *done)
{
	ssize_t w;
	int r;

	for (;;) {
		if (s->tls) {
			w = s->tls_ops->write(s->tls, p, n);
			if (w > 0)
				break;
			if (w != STREAM_TLS_WANT_READ && w != STREAM_TLS_WANT_WRITE)
				return STREAM_ERROR;
			if ((r = tls_wait(s, (long)w)) != STREAM_OK)
				return r;
			continue;
		}
		if (s->wsock)
			w = send(s->wfd, p, n, MSG_NOSIGNAL);
		else
			w = write(s->wfd, p, n);
		if (w >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			return STREAM_ERROR;
		r = wait_fd(s->wfd, POLLOUT, s->timeout);
		if (r == 0)
			return STREAM_TIMEOUT;
		if (r < 0)
			return STREAM_ERROR;
	}
	*done = (size_t)w;
	s->out += (unsigned long long)w;
	return STREAM_OK;
}

int
stream_flush(stream *s)
{
	size_t off = 0;

	if (s->err != STREAM_OK) {
		dstr_clear(&s->wbuf);
		return s->err;
	}
	while (off < s->wbuf.len) {
		size_t done = 0;
		int st = write_some(s, s->wbuf.s + off, s->wbuf.len - off, &done);

		if (st != STREAM_OK) {
			s->err = st;
			dstr_clear(&s->wbuf);
			return st;
		}
		off += done;
	}
	dstr_clear(&s->wbuf);
	return STREAM_OK;
}

void
stream_write(stream *s, const void *p, size_t n)
{
	if (s->err != STREAM_OK)
		return;
	dstr_append(&s->wbuf, p, n);
	if (s->wbuf.len >= WRITE_HIGH_WATER)
		(void)stream_flush(s);
}

void
stream_puts(stream *s, const char *str)
{
	stream_write(s, str, strlen(str));
}

void
stream_printf(stream *s, const char *fmt, ...)
{
	va_list ap;

	if (s->err != STREAM_OK)
		return;
	va_start(ap, fmt);
	dstr_vprintf(&s->wbuf, fmt, ap);
	va_end(ap);
	if (s->wbuf.len >= WRITE_HIGH_WATER)
		(void)stream_flush(s);
}

size_t
stream_out_pending(const stream *s)
{
	return s->wbuf.len;
}

int
stream_status_of(const stream *s)
{
	return s->err;
}

unsigned long long
stream_bytes_in(const stream *s)
{
	return s->in;
}

unsigned long long
stream_bytes_out(const stream *s)
{
	return s->out;
}
