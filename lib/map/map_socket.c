/* map_socket: the socket class: sendmail's socketmap protocol over a
 * unix ("unix:/path", "local:/path") or TCP ("inet:port@host",
 * "inet6:port@host") socket.  The request is the netstring
 * "<map> <key>" (the key folded unless -f), the answer a netstring
 * "OK value", "NOTFOUND", "TEMP ...", "TIMEOUT ..." or "PERM ...".
 * The connection stays open between lookups and is made again after an
 * error.  -d sets the timeout (seconds) for each read and write. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "io/net.h"
#include "map/map_impl.h"

#define SOCKETMAP_DEFAULT_TIMEOUT 10	/* seconds, without -d */
#define SOCKETMAP_MAXREPLY (1024 * 1024)

struct sockmap {
	int fd;
};

static int
timeout_ms(const map *m)
{
	return (m->timeout > 0 ? m->timeout : SOCKETMAP_DEFAULT_TIMEOUT) * 1000;
}

/* unsafe_path: why a unix socket path is not to be trusted, or NULL:
 * it must exist and no directory above it may be world writable */
static const char *
unsafe_path(const char *path)
{
	struct stat st;
	char *dir, *slash;
	const char *why = NULL;

	if (stat(path, &st) != 0)
		return strerror(errno);
	dir = xstrdup(path);
	while ((slash = strrchr(dir, '/')) != NULL) {
		*slash = '\0';
		if (stat(*dir ? dir : "/", &st) == 0 && (st.st_mode & S_IWOTH)) {
			why = "World writable directory";
			break;
		}
		if (*dir == '\0')
			break;
	}
	free(dir);
	return why;
}

/* sock_check: the specification is understood (at open, as sendmail
 * checks it); reasons go to err */
static int
sock_check(map *m, dstr *err)
{
	const char *spec = m->file, *colon = strchr(spec, ':');
	size_t tlen = colon ? (size_t)(colon - spec) : strlen(spec);

	if (colon && ((tlen == 4 && strncmp(spec, "unix", 4) == 0) ||
	    (tlen == 5 && strncmp(spec, "local", 5) == 0))) {
		const char *why = unsafe_path(colon + 1);

		if (why) {
			dstr_printf(err, "socket map \"%s\": local socket name %s unsafe: %s",
			    m->name, colon + 1, why);
			return -1;
		}
		return 0;
	}
	if (colon && ((tlen == 4 && strncmp(spec, "inet", 4) == 0) ||
	    (tlen == 5 && strncmp(spec, "inet6", 5) == 0))) {
		const char *port = colon + 1, *at = strchr(port, '@');
		char *pname = xstrndup(port, at ? (size_t)(at - port) : strlen(port));
		int ok = isdigit((unsigned char)*pname) || getservbyname(pname, "tcp") != NULL;

		if (!ok)
			dstr_printf(err, "socket map \"%s\": unknown port name %s", m->name, pname);
		free(pname);
		return ok ? 0 : -1;
	}
	dstr_printf(err, "socket map \"%s\": unknown socket type %.*s: %s",
	    m->name, (int)tlen, spec, strerror(EPROTONOSUPPORT));
	return -1;
}

static int
sock_connect(map *m)
{
	const char *spec = m->file, *colon = strchr(spec, ':');
	dstr err = DSTR_INIT;
	int fd = -1;

	if (colon == NULL)
		return -1;
	if (strncmp(spec, "unix:", 5) == 0 || strncmp(spec, "local:", 6) == 0) {
		struct sockaddr_un sun;
		const char *path = colon + 1;

		if (strlen(path) >= sizeof(sun.sun_path))
			return -1;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		memcpy(sun.sun_path, path, strlen(path) + 1);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
			close(fd);
			fd = -1;
		}
	} else {
		const char *port = colon + 1, *at = strchr(port, '@');
		char *pname = xstrndup(port, at ? (size_t)(at - port) : strlen(port));
		struct servent *se = isdigit((unsigned char)*pname) ? NULL : getservbyname(pname, "tcp");
		int pn = se ? ntohs((unsigned short)se->s_port) : atoi(pname);

		free(pname);
		if (at)
			fd = net_connect_tcp(at + 1, pn, timeout_ms(m), &err);
	}
	dstr_free(&err);
	return fd;
}

static int
sock_open(map *m, dstr *err)
{
	struct sockmap *s;

	if (sock_check(m, err) != 0)
		return -1;
	s = xcalloc(1, sizeof(*s));
	s->fd = -1;
	m->data = s;
	return 0;
}

static void
sock_close(map *m)
{
	struct sockmap *s = m->data;

	if (s == NULL)
		return;
	if (s->fd >= 0)
		close(s->fd);
	free(s);
	m->data = NULL;
}

static void
drop(struct sockmap *s)
{
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
}

static int
write_all(int fd, const char *p, size_t n, int ms)
{
	struct pollfd pf = { fd, POLLOUT, 0 };

	while (n > 0) {
		ssize_t w;

		if (poll(&pf, 1, ms) <= 0)
			return -1;
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w <= 0) {
			if (w < 0 && errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* read_reply: one netstring; 0, -1 on a broken connection or timeout
 * (*why says which), -2 on a reply that is no netstring */
static int
read_reply(int fd, dstr *out, int ms, const char **why)
{
	char buf[4096];
	struct pollfd pf = { fd, POLLIN, 0 };
	size_t want = 0, digits = 0;
	int have_len = 0;

	*why = NULL;
	for (;;) {
		ssize_t n;

		if (!have_len) {
			for (; digits < out->len && isdigit((unsigned char)out->s[digits]); digits++)
				;
			if (digits < out->len) {
				if (digits == 0 || out->s[digits] != ':')
					return -2;
				want = (size_t)strtoul(out->s, NULL, 10);
				if (want > SOCKETMAP_MAXREPLY)
					return -2;
				have_len = 1;
			} else if (digits > 9)
				return -2;
		}
		if (have_len && out->len >= digits + 1 + want + 1)
			return out->s[digits + 1 + want] == ',' ? 0 : -2;
		if (poll(&pf, 1, ms) <= 0) {
			*why = "read timeout";
			return -1;
		}
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return out->len ? -2 : -1;
		dstr_append(out, buf, (size_t)n);
	}
}

static char *
sock_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	struct sockmap *s = m->data;
	dstr req = DSTR_INIT, rep = DSTR_INIT;
	char *k = xstrdup(key), *body, *val = NULL, *colon;
	const char *why;
	size_t len;
	int rc;

	(void)args;
	(void)nargs;
	map_fold(m, k);
	if (s->fd < 0)
		s->fd = sock_connect(m);
	if (s->fd < 0) {
		*status = MAP_TEMPFAIL;
		free(k);
		return NULL;
	}
	dstr_printf(&req, "%zu:%s %s,", strlen(m->name) + 1 + strlen(k), m->name, k);
	free(k);
	if (write_all(s->fd, req.s, req.len, timeout_ms(m)) != 0) {
		drop(s);
		*status = MAP_TEMPFAIL;
		goto done;
	}
	rc = read_reply(s->fd, &rep, timeout_ms(m), &why);
	if (rc != 0) {
		if (rc == -2)
			map_say(m, "socket_map_lookup(%s): failed to read length parameter of reply %d",
			    m->name, 0);
		else if (why)
			map_say(m, "socket_map_lookup(%s): %s: %s", m->name, why, strerror(EAGAIN));
		drop(s);
		*status = MAP_TEMPFAIL;
		goto done;
	}
	len = (size_t)strtoul(rep.s, &colon, 10);
	body = colon + 1;
	body[len] = '\0';
	if (strncmp(body, "OK", 2) == 0 && (body[2] == ' ' || body[2] == '\0'))
		val = xstrdup(body[2] ? body + 3 : body + 2);
	else if (strncmp(body, "NOTFOUND", 8) == 0)
		*status = MAP_NOTFOUND;
	else if (strncmp(body, "TEMP", 4) == 0 || strncmp(body, "TIMEOUT", 7) == 0)
		*status = MAP_TEMPFAIL;
	else if (strncmp(body, "PERM", 4) == 0)
		*status = MAP_UNAVAIL;
	else
		*status = EX_PROTOCOL;
done:
	dstr_free(&req);
	dstr_free(&rep);
	return val;
}

const struct map_class map_class_socket = {
	.name = "socket", .open = sock_open, .lookup = sock_lookup, .close = sock_close,
};
