/* login: the processes of one IMAP/POP3 connection: an unprivileged login
 * process (TLS, pre-login protocol) asking the root monitor to check
 * credentials over a socketpair; the monitor then becomes the mail user
 * and runs the session, the login process relays TLS or exits.  Called by
 * main.c for every accepted connection (see doc/mailboxd.md). */
#include "config.h"
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "io/base64.h"
#include "mailboxd.h"

#define MONITOR_LINE_MAX 65536
#define PRELOGIN_TIMEOUT_MS (180 * 1000)
#define MAIL_TIMEOUT_MS (30 * 60 * 1000)

/* ---- the login process's side: requests to the monitor ---- */

struct mon_client {
	stream *m;
	enum proto proto;
};

static int
mon_request(struct mon_client *mc, const char *line, dstr *reply)
{
	stream_puts(mc->m, line);
	stream_puts(mc->m, "\n");
	if (stream_flush(mc->m) != STREAM_OK)
		return -1;
	dstr_clear(reply);
	return stream_read_line(mc->m, reply, MONITOR_LINE_MAX, NULL) == STREAM_OK ? 0 : -1;
}

static void
b64(dstr *out, const char *s)
{
	if (s == NULL || *s == '\0')
		dstr_putc(out, '=');
	else
		base64_encode(out, s, strlen(s));
}

static void
unb64(const char *s, dstr *out)
{
	dstr_set(out, "");
	if (strcmp(s, "=") != 0)
		(void)base64_decode(out, s, strlen(s));
}

/* decode a monitor answer: "OK\tuser", "CONT\tchallenge", ... */
static int
answer(const dstr *reply, dstr *challenge, dstr *user_out)
{
	const char *tab = strchr(dstr_cstr(reply), '\t');
	const char *arg = tab ? tab + 1 : "";
	size_t kw = tab ? (size_t)(tab - reply->s) : reply->len;

	if (kw == 2 && strncmp(reply->s, "OK", 2) == 0) {
		unb64(arg, user_out);
		return AUTH_OK;
	}
	if (kw == 4 && strncmp(reply->s, "CONT", 4) == 0) {
		dstr_set(challenge, strcmp(arg, "=") == 0 ? "" : arg);
		return AUTH_CONTINUE;
	}
	if (kw == 4 && strncmp(reply->s, "FAIL", 4) == 0) {
		unb64(arg, user_out);
		return AUTH_FAIL;
	}
	if (kw == 3 && strncmp(reply->s, "BAD", 3) == 0)
		return AUTH_BADPROT;
	if (kw == 6 && strncmp(reply->s, "NOMECH", 6) == 0)
		return AUTH_NOMECH;
	return AUTH_TEMPFAIL;
}

static void
mc_mechs(void *ctx, int tls, dstr *out)
{
	struct mon_client *mc = ctx;
	dstr reply = DSTR_INIT;

	dstr_clear(out);
	if (mon_request(mc, tls ? "MECHS\t1" : "MECHS\t0", &reply) == 0 &&
	    strncmp(dstr_cstr(&reply), "OK\t", 3) == 0)
		dstr_set(out, reply.s + 3);
	dstr_free(&reply);
}

static int
mc_plain(void *ctx, const char *user, const char *pass, dstr *user_out)
{
	struct mon_client *mc = ctx;
	dstr req = DSTR_INIT, reply = DSTR_INIT;
	int r = AUTH_TEMPFAIL;

	dstr_puts(&req, "PLAIN\t");
	b64(&req, user);
	dstr_putc(&req, '\t');
	b64(&req, pass);
	if (mon_request(mc, req.s, &reply) == 0)
		r = answer(&reply, NULL, user_out);
	dstr_free(&req);
	dstr_free(&reply);
	return r;
}

static int
mc_sasl_start(void *ctx, const char *mech, const char *initial, int tls, dstr *challenge,
    dstr *user_out)
{
	struct mon_client *mc = ctx;
	dstr req = DSTR_INIT, reply = DSTR_INIT;
	int r = AUTH_TEMPFAIL;

	if (strpbrk(mech, "\t\n") || (initial && strpbrk(initial, "\t\n")))
		return AUTH_BADPROT;
	dstr_printf(&req, "START\t%d\t%s\t%s", tls, mech, initial ? initial : "-");
	if (mon_request(mc, req.s, &reply) == 0)
		r = answer(&reply, challenge, user_out);
	dstr_free(&req);
	dstr_free(&reply);
	return r;
}

static int
mc_sasl_step(void *ctx, const char *response, dstr *challenge, dstr *user_out)
{
	struct mon_client *mc = ctx;
	dstr req = DSTR_INIT, reply = DSTR_INIT;
	int r = AUTH_TEMPFAIL;

	if (strpbrk(response, "\t\n"))
		return AUTH_BADPROT;
	dstr_printf(&req, "STEP\t%s", response);
	if (mon_request(mc, req.s, &reply) == 0)
		r = answer(&reply, challenge, user_out);
	dstr_free(&req);
	dstr_free(&reply);
	return r;
}

/* relay: move bytes between the TLS client and the mail process */
static void
relay(stream *client, int inner)
{
	stream *in = stream_new(inner, inner);
	dstr buf = DSTR_INIT;

	stream_set_timeout(in, MAIL_TIMEOUT_MS);
	for (;;) {
		struct pollfd p[2];
		int r;

		if (stream_pending(client) == 0 && stream_pending(in) == 0) {
			p[0].fd = stream_rfd(client);
			p[0].events = POLLIN;
			p[1].fd = inner;
			p[1].events = POLLIN;
			p[0].revents = p[1].revents = 0;
			r = poll(p, 2, MAIL_TIMEOUT_MS);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0)
				break;
		} else {
			p[0].revents = stream_pending(client) ? POLLIN : 0;
			p[1].revents = stream_pending(in) ? POLLIN : 0;
		}
		if (p[0].revents) {
			dstr_clear(&buf);
			if (stream_read_some(client, &buf, 65536) != STREAM_OK)
				break;
			stream_write(in, buf.s, buf.len);
			if (stream_flush(in) != STREAM_OK)
				break;
		}
		if (p[1].revents) {
			dstr_clear(&buf);
			if (stream_read_some(in, &buf, 65536) != STREAM_OK)
				break;
			stream_write(client, buf.s, buf.len);
			if (stream_flush(client) != STREAM_OK)
				break;
		}
	}
	dstr_free(&buf);
	stream_free(in);
}

static void
login_process(const struct mbconf *c, enum proto p, int fd, int implicit_tls, tls_ctx *tlsctx,
    int mfd)
{
	struct mon_client mc;
	struct login_auth la;
	struct session ss;
	stream *cs;
	dstr err = DSTR_INIT, msg = DSTR_INIT, left = DSTR_INIT;
	int r;

	if (auth_drop_to_login_user(c, &err) < 0)
		msg_fatal(75, "%s", dstr_cstr(&err));
	cs = stream_new(fd, fd);
	stream_set_timeout(cs, PRELOGIN_TIMEOUT_MS);
	mc.m = stream_new(mfd, mfd);
	mc.proto = p;
	la.ctx = &mc;
	la.mechs = mc_mechs;
	la.plain = mc_plain;
	la.sasl_start = mc_sasl_start;
	la.sasl_step = mc_sasl_step;
	session_init(&ss, cs, c, p);
	ss.auth = &la;
	ss.tlsctx = tlsctx;
	if (implicit_tls) {
		if (session_starttls(&ss) < 0)
			_exit(0);
	}
	r = p == PROTO_IMAP ? imap_prelogin(&ss) : pop3_prelogin(&ss);
	if (r != 1) {
		stream_close(cs);
		_exit(0);
	}
	/* hand the connection over: whatever the client already sent too */
	stream_take_input(cs, &left);
	dstr_printf(&msg, "HANDOFF\t%d\t", ss.tls);
	b64(&msg, ss.user.s);
	dstr_putc(&msg, '\t');
	b64(&msg, ss.method.s);
	dstr_putc(&msg, '\t');
	b64(&msg, ss.resume.s);
	dstr_printf(&msg, "\t%zu\n", left.len);
	stream_write(mc.m, msg.s, msg.len);
	stream_write(mc.m, left.s ? left.s : "", left.len);
	if (stream_flush(mc.m) != STREAM_OK)
		_exit(1);
	if (ss.tls)
		relay(cs, mfd);
	else
		stream_free(cs);	/* the monitor has the socket */
	_exit(0);
}

/* ---- the monitor's side ---- */

static void
reply_result(stream *m, int r, const dstr *challenge, const dstr *user)
{
	dstr line = DSTR_INIT;

	switch (r) {
	case AUTH_OK:
		dstr_puts(&line, "OK\t");
		b64(&line, dstr_cstr(user));
		break;
	case AUTH_CONTINUE:
		dstr_printf(&line, "CONT\t%s", challenge->len ? challenge->s : "=");
		break;
	case AUTH_FAIL:
		dstr_puts(&line, "FAIL\t");
		b64(&line, dstr_cstr(user));
		break;
	case AUTH_BADPROT:
		dstr_puts(&line, "BAD");
		break;
	case AUTH_NOMECH:
		dstr_puts(&line, "NOMECH");
		break;
	default:
		dstr_puts(&line, "TEMP");
	}
	dstr_putc(&line, '\n');
	stream_write(m, line.s, line.len);
	(void)stream_flush(m);
	dstr_free(&line);
}

static int
split(char *line, char **f, int max)
{
	int n = 0;

	while (n < max) {
		f[n++] = line;
		line = strchr(line, '\t');
		if (line == NULL)
			break;
		*line++ = '\0';
	}
	return n;
}

static void
mail_failure(stream *s, enum proto p, const char *resume, const char *why)
{
	if (p == PROTO_IMAP)
		stream_printf(s, "%s NO [UNAVAILABLE] %s\r\n", resume, why);
	else
		stream_printf(s, "-ERR [SYS/TEMP] %s\r\n", why);
	(void)stream_flush(s);
}

static void
monitor(const struct mbconf *c, enum proto p, int fd, int mfd, pid_t child)
{
	stream *m = stream_new(mfd, mfd);
	dstr line = DSTR_INIT, user = DSTR_INIT, chal = DSTR_INIT, authed = DSTR_INIT, err = DSTR_INIT;
	const char *service = p == PROTO_IMAP ? "imap" : "pop";
	struct net_peer peer;
	int tls = 0;

	net_peer_of(fd, &peer);
	for (;;) {
		char *f[8];
		int n, r;

		dstr_clear(&line);
		if (stream_read_line(m, &line, MONITOR_LINE_MAX, NULL) != STREAM_OK)
			goto done;
		n = split(line.s, f, 8);
		dstr_clear(&user);
		dstr_clear(&chal);
		if (strcmp(f[0], "MECHS") == 0) {
			auth_mechs(c, n > 1 && f[1][0] == '1', &chal);
			stream_printf(m, "OK\t%s\n", dstr_cstr(&chal));
			(void)stream_flush(m);
		} else if (strcmp(f[0], "PLAIN") == 0 && n == 3) {
			dstr u = DSTR_INIT, pw = DSTR_INIT;

			unb64(f[1], &u);
			unb64(f[2], &pw);
			r = AUTH_FAIL;
			if (!memchr(dstr_cstr(&u), '\0', u.len) && !memchr(dstr_cstr(&pw), '\0', pw.len))
				r = auth_plain(c, service, dstr_cstr(&u), dstr_cstr(&pw), &peer, &user);
			if (r == AUTH_OK)
				dstr_set(&authed, user.s);
			else
				dstr_set(&user, dstr_cstr(&u));
			reply_result(m, r, &chal, &user);
			dstr_free(&u);
			dstr_free(&pw);
		} else if (strcmp(f[0], "START") == 0 && n == 4) {
			tls = f[1][0] == '1';
			r = auth_sasl_start(c, service, f[2], strcmp(f[3], "-") == 0 ? NULL : f[3], tls,
			    &peer, &chal, &user);
			if (r == AUTH_OK)
				dstr_set(&authed, user.s);
			reply_result(m, r, &chal, &user);
		} else if (strcmp(f[0], "STEP") == 0 && n == 2) {
			r = auth_sasl_step(c, f[1], &chal, &user);
			if (r == AUTH_OK)
				dstr_set(&authed, user.s);
			reply_result(m, r, &chal, &user);
		} else if (strcmp(f[0], "HANDOFF") == 0 && n == 6) {
			struct session ss;
			struct mb_user mu;
			dstr left = DSTR_INIT, who = DSTR_INIT, method = DSTR_INIT, resume = DSTR_INIT;
			size_t len = strtoul(f[5], NULL, 10);
			stream *cs;
			int use_tls = f[1][0] == '1';

			unb64(f[2], &who);
			unb64(f[3], &method);
			unb64(f[4], &resume);
			/* only the user this monitor itself authenticated */
			if (authed.len == 0 || strcmp(who.s, authed.s) != 0 || len > (64u << 20) ||
			    stream_read_n(m, &left, len) != STREAM_OK)
				goto done;
			if (use_tls)
				cs = m;
			else {
				stream_free(m);
				m = NULL;
				close(mfd);
				cs = stream_new(fd, fd);
			}
			stream_set_timeout(cs, MAIL_TIMEOUT_MS);
			stream_unread(cs, left.s, left.len);
			session_init(&ss, cs, c, p);
			if (use_tls)
				ss.peer = peer;
			ss.tls = use_tls;
			dstr_set(&ss.user, who.s);
			dstr_set(&ss.method, method.s);
			dstr_set(&ss.resume, resume.s);
			if (auth_lookup(c, who.s, &mu, &err) < 0) {
				msg_warn("%s: userdb lookup failed: %s", who.s, dstr_cstr(&err));
				mail_failure(cs, p, resume.s, "User unknown in userdb");
			} else if (auth_become(c, &mu, &err) < 0) {
				msg_error("%s", dstr_cstr(&err));
				mail_failure(cs, p, resume.s, "Internal login failure");
			} else {
				if (mu.home[0])
					(void)!chdir(mu.home);
				ss.mu = &mu;
				session_log_login(&ss);
				if (p == PROTO_IMAP)
					imap_postlogin(&ss);
				else
					pop3_postlogin(&ss);
			}
			(void)stream_flush(cs);
			if (use_tls) {
				shutdown(mfd, SHUT_RDWR);
			} else
				stream_close(cs);
			if (m == cs)
				m = NULL;
			auth_user_free(&mu);
			session_free(&ss);
			dstr_free(&left);
			dstr_free(&who);
			dstr_free(&method);
			dstr_free(&resume);
			goto done;
		} else
			goto done;
	}
done:
	if (m)
		stream_free(m);
	dstr_free(&line);
	dstr_free(&user);
	dstr_free(&chal);
	dstr_free(&authed);
	dstr_free(&err);
	(void)waitpid(child, NULL, 0);
}

void
login_connection(const struct mbconf *c, enum proto p, int fd, int implicit_tls, tls_ctx *tlsctx)
{
	int sp[2];
	pid_t pid;
	dstr err = DSTR_INIT;

	if (p == PROTO_LMTP) {
		stream *s = stream_new(fd, fd);
		struct net_peer peer;

		net_peer_of(fd, &peer);
		stream_set_timeout(s, MAIL_TIMEOUT_MS);
		lmtp_serve(s, c, &peer, LMTP_ADD_RETURN_PATH);
		stream_close(s);
		return;
	}
	if (auth_init(c, &err) < 0)
		msg_fatal(78, "%s", dstr_cstr(&err));
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) != 0)
		msg_fatal(71, "socketpair: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		msg_fatal(71, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(sp[0]);
		login_process(c, p, fd, implicit_tls, tlsctx, sp[1]);
		_exit(0);
	}
	close(sp[1]);
	monitor(c, p, fd, sp[0], pid);
	dstr_free(&err);
}
