/* net: sockets for daemons and clients: TCP and unix listeners, the
 * textual local/remote addresses a session logs (rip=, lip=) and a timed
 * TCP connect.  Used by mailboxd's master and, later, sendmail -bd and
 * the SMTP client. */
#ifndef SW_IO_NET_H
#define SW_IO_NET_H
#include "base/dstr.h"

/* net_listen_tcp: a listening socket on addr ("*" = every IPv4 address,
 * "::" = every IPv6 address (v6 only), "localhost", a literal) and port;
 * close-on-exec, SO_REUSEADDR.  -1 with err. */
int net_listen_tcp(const char *addr, int port, int backlog, dstr *err);
/* net_listen_unix: a listening unix socket at path (an old socket file
 * is replaced) with the given mode.  -1 with err. */
int net_listen_unix(const char *path, int mode, int backlog, dstr *err);
/* net_connect_tcp: connect to host:port within timeout_ms; -1 with err */
int net_connect_tcp(const char *host, int port, int timeout_ms, dstr *err);

/* the two ends of a connected socket as text ("127.0.0.1", "::1"; for a
 * unix socket "unix"); port 0 when it has none */
struct net_peer {
	char rip[64], lip[64];
	int rport, lport;
};
void net_peer_of(int fd, struct net_peer *p);

#endif
