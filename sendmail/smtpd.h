/* smtpd: the SMTP server side of one connection (RFC 5321 with
 * ESMTP: PIPELINING, SIZE, 8BITMIME, DSN, ENHANCEDSTATUSCODES, ETRN,
 * STARTTLS, AUTH): commands are dispatched from a table, every policy
 * decision is the config's (check_relay, check_mail, check_rcpt,
 * check_compat, ruleset 0), and a message is acknowledged only after it
 * is committed to the queue.  Run by the daemon in a child per
 * connection and by `sendmail -bs` on standard input. */
#ifndef SW_SMTPD_H
#define SW_SMTPD_H
#include "sendmail/conf.h"

struct smtpd_peer {
	char addr[64];		/* ${client_addr} */
	char name[256];		/* ${client_name} */
	int port;		/* ${client_port} */
	char if_addr[64];	/* ${if_addr} */
	char resolve[8];	/* ${client_resolve}: OK, FAIL, FORGED, TEMP
				 * ("" counts as OK) */
	const char *ident;	/* $_ ("root@localhost" for -bs) */
	const char *daemon_name;	/* ${daemon_name} */
	const char *daemon_flags;	/* ${daemon_flags} (M= modifiers) */
	int local;		/* -bs: the invoking user is the client */
	int implicit_tls;	/* M=s: TLS before the greeting */
	int auth_failures;	/* failed AUTHs from addr the master counted lately */
	/* auth_failed: called with addr after each failed AUTH (the daemon
	 * tells its master); may be NULL */
	void (*auth_failed)(void *arg, const char *addr);
	/* etrn: called for "ETRN node" to start a queue run for node
	 * ("@domain", "#queue" or a host name); may be NULL */
	void (*etrn)(void *arg, const char *node);
};

/* smtpd_notify: called with the queue ID of each accepted message (the
 * daemon uses it to start delivery); may be NULL. */
typedef void (*smtpd_notify)(void *arg, const char *qid);

/* smtpd_session: serve one client on rfd/wfd until QUIT or EOF;
 * returns 0, or -1 after a fatal I/O error. */
int smtpd_session(struct conf *c, int rfd, int wfd, const struct smtpd_peer *peer,
    smtpd_notify notify, void *arg);

#endif
