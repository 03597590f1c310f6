/* map_socket: the socket class: sendmail's socketmap protocol over a
 * unix ("unix:/path") or TCP ("inet:port@host") socket: the request is
 * the netstring "<map> <key>", the answer a netstring "OK value",
 * "NOTFOUND", "TEMP ...", "TIMEOUT ..." or "PERM ...". */
#include "config.h"
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "io/net.h"
#include "map/map_impl.h"

#define SOCKETMAP_TIMEOUT_MS 10000
#define SOCKETMAP_MAXREPLY 65536

static int
sock_connect(map *m)
{
	const char *spec = m->file;
	dstr err = DSTR_INIT;
	int fd = -1;

	if (spec == NULL)
		return -1;
	if (strncmp(spec, "unix:", 5) == 0 || spec[0] == '/') {
		struct sockaddr_un sun;
		const char *path = spec[0] == '/' ? spec : spec + 5;

		if (strlen(path) >= sizeof(sun.sun_path))
			return -1;
		memset(&sun, 0, sizeof(sun));
		sun.sun_family = AF_UNIX;
		strcpy(sun.sun_path, path);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
			close(fd);
			fd = -1;
		}
	} else if (strncmp(spec, "inet:", 5) == 0) {
		const char *at = strchr(spec + 5, '@');

		if (at)
			fd = net_connect_tcp(at + 1, atoi(spec + 5), SOCKETMAP_TIMEOUT_MS, &err);
	}
	dstr_free(&err);
	return fd;
}

static int
read_all(int fd, dstr *out, size_t max)
{
	char buf[4096];
	struct pollfd p = { fd, POLLIN, 0 };
	ssize_t n;

	while (out->len < max) {
		const char *colon;
		unsigned long want;

		colon = memchr(out->s ? out->s : "", ':', out->len);
		if (colon) {
			want = strtoul(out->s, NULL, 10);
			if (want > max)
				return -1;
			if (out->len >= (size_t)(colon - out->s) + 1 + want + 1)
				return 0;
		}
		if (poll(&p, 1, SOCKETMAP_TIMEOUT_MS) <= 0)
			return -1;
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			return -1;
		dstr_append(out, buf, (size_t)n);
	}
	return -1;
}

static char *
sock_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	dstr req = DSTR_INIT, rep = DSTR_INIT;
	char *colon, *body, *val = NULL;
	unsigned long len;
	int fd = sock_connect(m);

	(void)args;
	(void)nargs;
	if (fd < 0) {
		*status = MAP_TEMPFAIL;
		return NULL;
	}
	dstr_printf(&req, "%zu:%s %s,", strlen(m->name) + 1 + strlen(key), m->name, key);
	if (write(fd, req.s, req.len) != (ssize_t)req.len || read_all(fd, &rep, SOCKETMAP_MAXREPLY) != 0) {
		*status = MAP_TEMPFAIL;
		goto done;
	}
	len = strtoul(rep.s, &colon, 10);
	if (*colon != ':' || (size_t)(colon - rep.s) + 1 + len >= rep.len) {
		*status = MAP_TEMPFAIL;
		goto done;
	}
	body = colon + 1;
	body[len] = '\0';
	if (strncmp(body, "OK", 2) == 0)
		val = xstrdup(body[2] == ' ' ? body + 3 : body + 2);
	else if (strncmp(body, "NOTFOUND", 8) == 0)
		;
	else if (strncmp(body, "PERM", 4) == 0)
		*status = MAP_UNAVAIL;
	else
		*status = MAP_TEMPFAIL;
done:
	close(fd);
	dstr_free(&req);
	dstr_free(&rep);
	return val;
}

const struct map_class map_class_socket = {
	.name = "socket", .lookup = sock_lookup,
};
