/* session: what every client connection of mailboxd has in common: the
 * session record, the login log lines in dovecot's layout, the
 * plaintext-auth policy, STARTTLS, and the failed-login delay.  Called
 * by the IMAP and POP3 engines and login.c. */
#include "config.h"
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "mailboxd.h"

static const char *
proto_name(enum proto p)
{
	return p == PROTO_IMAP ? "imap" : p == PROTO_POP3 ? "pop3" : "lmtp";
}

void
session_init(struct session *ss, stream *s, const struct mbconf *c, enum proto p)
{
	memset(ss, 0, sizeof(*ss));
	ss->s = s;
	ss->conf = c;
	ss->proto = p;
	dstr_init(&ss->user);
	dstr_init(&ss->method);
	dstr_init(&ss->resume);
	net_peer_of(stream_rfd(s), &ss->peer);
}

void
session_free(struct session *ss)
{
	dstr_free(&ss->user);
	dstr_free(&ss->method);
	dstr_free(&ss->resume);
}

void
session_log_login(const struct session *ss)
{
	msg_info("%s-login: Login: user=<%s>, method=%s, rip=%s, lip=%s, mpid=%ld%s",
	    proto_name(ss->proto), dstr_cstr(&ss->user), dstr_cstr(&ss->method),
	    ss->peer.rip, ss->peer.lip, (long)getpid(), ss->tls ? ", TLS" : "");
}

void
session_log_failure(const struct session *ss, const char *why)
{
	msg_info("%s-login: Disconnected (%s, %u attempts): user=<%s>, method=%s, rip=%s, lip=%s%s",
	    proto_name(ss->proto), why, ss->auth_failures, dstr_cstr(&ss->user),
	    ss->method.len ? ss->method.s : "none", ss->peer.rip, ss->peer.lip,
	    ss->tls ? ", TLS" : "");
}

int
session_plaintext_ok(const struct session *ss)
{
	return ss->tls || !ss->conf->disable_plaintext_auth;
}

int
session_starttls(struct session *ss)
{
	dstr err = DSTR_INIT;
	int r;

	r = tls_start(ss->s, ss->tlsctx, 1, NULL, &err);
	if (r != STREAM_OK) {
		msg_info("%s-login: TLS handshake failed: %s: rip=%s, lip=%s", proto_name(ss->proto),
		    dstr_cstr(&err), ss->peer.rip, ss->peer.lip);
		dstr_free(&err);
		return -1;
	}
	ss->tls = 1;
	dstr_free(&err);
	return 0;
}

void
session_auth_delay(struct session *ss)
{
	double d = ss->conf->auth_failure_delay;
	struct timespec ts;

	if (d <= 0)
		return;
	/* grows with every failure, to slow down guessing */
	d *= ss->auth_failures < 5 ? ss->auth_failures : 5;
	ts.tv_sec = (time_t)d;
	ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}
