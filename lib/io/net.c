/* net: listening and connecting sockets, peer addresses (see net.h).
 * Owns getaddrinfo use; called by daemons' masters and SMTP clients. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <unistd.h>
#include "io/net.h"

int
net_listen_tcp(const char *addr, int port, int backlog, dstr *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char ps[16];
	const char *host = addr;
	int fd = -1, r, on = 1;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if (host == NULL || strcmp(host, "*") == 0 || *host == '\0') {
		host = NULL;
		hints.ai_family = AF_INET;
	} else if (strcmp(host, "::") == 0 || strcmp(host, "[::]") == 0) {
		host = NULL;
		hints.ai_family = AF_INET6;
	}
	snprintf(ps, sizeof(ps), "%d", port);
	if ((r = getaddrinfo(host, ps, &hints, &res)) != 0) {
		dstr_printf(err, "%s: %s", addr, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd < 0)
			continue;
		(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
		if (ai->ai_family == AF_INET6)
			(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0 && listen(fd, backlog) == 0)
			break;
		dstr_printf(err, "%s port %d: %s", addr ? addr : "*", port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0)
		dstr_clear(err);
	return fd;
}

int
net_listen_unix(const char *path, int mode, int backlog, dstr *err)
{
	struct sockaddr_un sun;
	struct stat st;
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		dstr_printf(err, "%s: socket path too long", path);
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
		(void)unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		dstr_printf(err, "socket: %s", strerror(errno));
		return -1;
	}
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0 ||
	    chmod(path, (mode_t)mode) != 0 || listen(fd, backlog) != 0) {
		dstr_printf(err, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

int
net_connect_tcp(const char *host, int port, int timeout_ms, dstr *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char ps[16];
	int fd = -1, r;

	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	snprintf(ps, sizeof(ps), "%d", port);
	if ((r = getaddrinfo(host, ps, &hints, &res)) != 0) {
		dstr_printf(err, "%s: %s", host, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd p;
		int e = 0;
		socklen_t el = sizeof(e);

		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno == EINPROGRESS) {
			p.fd = fd;
			p.events = POLLOUT;
			if (poll(&p, 1, timeout_ms) == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0)
				break;
			errno = e ? e : ETIMEDOUT;
		}
		dstr_printf(err, "%s port %d: %s", host, port, strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd >= 0) {
		(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		dstr_clear(err);
	}
	return fd;
}

static void
addr_text(const struct sockaddr_storage *ss, char *buf, size_t len, int *port)
{
	*port = 0;
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;

		inet_ntop(AF_INET, &in->sin_addr, buf, (socklen_t)len);
		*port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;

		inet_ntop(AF_INET6, &in6->sin6_addr, buf, (socklen_t)len);
		*port = ntohs(in6->sin6_port);
		/* show v4-mapped addresses as plain IPv4 */
		if (strncmp(buf, "::ffff:", 7) == 0 && strchr(buf + 7, '.'))
			memmove(buf, buf + 7, strlen(buf + 7) + 1);
	} else if (ss->ss_family == AF_UNIX)
		snprintf(buf, len, "unix");
	else
		snprintf(buf, len, "unknown");
}

void
net_peer_of(int fd, struct net_peer *p)
{
	struct sockaddr_storage ss;
	socklen_t l;

	memset(p, 0, sizeof(*p));
	l = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getpeername(fd, (struct sockaddr *)&ss, &l) == 0)
		addr_text(&ss, p->rip, sizeof(p->rip), &p->rport);
	else
		snprintf(p->rip, sizeof(p->rip), "local");
	l = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	if (getsockname(fd, (struct sockaddr *)&ss, &l) == 0)
		addr_text(&ss, p->lip, sizeof(p->lip), &p->lport);
	else
		snprintf(p->lip, sizeof(p->lip), "local");
}
