/* smtpc: SMTP delivery (see smtpc.h). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/net.h"
#include "io/stream.h"
#include "map/dns.h"
#include "sendmail/maillog.h"
#include "sendmail/mailer.h"
#include "sendmail/msgwrite.h"
#include "sendmail/smtpc.h"

#define REPLY_MAX 4096

struct conn {
	stream *s;
	char *host;
	char ip[64];
	int esmtp;
	int size_ok, pipelining, eightbit, dsn;
};

static long
timeout_ms(struct conf *c, const char *name, long def_secs)
{
	return options_time(c->opts, name, 'm', def_secs) * 1000;
}

static int
read_reply(struct conn *cn, dstr *text)
{
	dstr line = DSTR_INIT;
	int code = -1;

	dstr_clear(text);
	for (;;) {
		dstr_clear(&line);
		if (stream_read_line(cn->s, &line, REPLY_MAX, NULL) != STREAM_OK || line.len < 3 ||
		    !isdigit((unsigned char)line.s[0])) {
			code = -1;
			break;
		}
		if (text->len)
			dstr_putc(text, '\n');
		dstr_puts(text, line.s);
		code = atoi(line.s);
		if (line.len == 3 || line.s[3] != '-')
			break;
	}
	dstr_free(&line);
	return code;
}

static int
command(struct conn *cn, dstr *reply, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int
command(struct conn *cn, dstr *reply, const char *fmt, ...)
{
	va_list ap;
	dstr d = DSTR_INIT;

	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	dstr_puts(&d, "\r\n");
	stream_write(cn->s, d.s, d.len);
	dstr_free(&d);
	if (stream_flush(cn->s) != STREAM_OK)
		return -1;
	return read_reply(cn, reply);
}

/* the hosts to try: a literal, or MX records, else the name itself */
static size_t
host_list(struct conf *c, const char *host, char ***out)
{
	char **mx = NULL;
	int n, st;
	size_t len = strlen(host);

	*out = NULL;
	if (host[0] == '[' && len > 2 && host[len - 1] == ']') {
		*out = xcalloc(2, sizeof(char *));
		(*out)[0] = xstrndup(host + 1, len - 2);
		return 1;
	}
	n = dns_getmxrr(c->maps, host, &mx, &st);
	if (n > 0) {
		*out = mx;
		return (size_t)n;
	}
	dns_free_mx(mx, n);
	*out = xcalloc(2, sizeof(char *));
	(*out)[0] = xstrdup(host);
	return 1;
}

static int
connect_to(struct conf *c, const char *host, int port, struct conn *cn, dstr *why)
{
	int fd;
	struct net_peer peer;

	fd = net_connect_tcp(host, port, (int)timeout_ms(c, "Timeout.connect", 60), why);
	if (fd < 0)
		return -1;
	memset(cn, 0, sizeof(*cn));
	cn->s = stream_new(fd, fd);
	stream_set_timeout(cn->s, (int)timeout_ms(c, "Timeout.datablock", 3600));
	cn->host = xstrdup(host);
	net_peer_of(fd, &peer);
	snprintf(cn->ip, sizeof(cn->ip), "%s", peer.rip);
	return 0;
}

static void
conn_close(struct conn *cn)
{
	if (cn->s)
		stream_close(cn->s);
	cn->s = NULL;
	free(cn->host);
	cn->host = NULL;
}

static void
note_extensions(struct conn *cn, const char *ehlo)
{
	const char *p = ehlo;

	while (p && *p) {
		const char *kw = p + 4;

		if (strncasecmp(kw, "SIZE", 4) == 0)
			cn->size_ok = 1;
		else if (strncasecmp(kw, "PIPELINING", 10) == 0)
			cn->pipelining = 1;
		else if (strncasecmp(kw, "8BITMIME", 8) == 0)
			cn->eightbit = 1;
		else if (strncasecmp(kw, "DSN", 3) == 0)
			cn->dsn = 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

static const char *
dsn_of(const char *reply, int code)
{
	static char buf[16];
	const char *p = reply + 4;
	int a, b2, c2;

	if (strlen(reply) > 4 && sscanf(p, "%d.%d.%d", &a, &b2, &c2) == 3 && a == code / 100) {
		snprintf(buf, sizeof(buf), "%d.%d.%d", a, b2, c2);
		return buf;
	}
	snprintf(buf, sizeof(buf), "%d.0.0", code / 100);
	return buf;
}

/* outcome of one command for all recipients still pending */
static void
all_result(struct batch *b, int code, const char *reply, const char *fallback)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		struct rcpt *r = b->rcpts[i];

		if (r->state != RS_QUEUED)
			continue;
		if (code / 100 == 5)
			rcpt_result(r, RS_FAILED, dsn_of(reply, code), reply);
		else
			rcpt_result(r, RS_DEFERRED, code > 0 ? dsn_of(reply, code) : "4.4.1",
			    code > 0 ? reply : fallback);
	}
}

static void
transaction(struct conf *c, struct envelope *e, struct batch *b, struct conn *cn,
    struct macro_table *mt)
{
	dstr reply = DSTR_INIT, err = DSTR_INIT, from = DSTR_INIT;
	const char *j = macro_get(&c->macros, 'j');
	size_t i, accepted = 0;
	int code, *ok = xcalloc(b->n + 1, sizeof(int));

	code = read_reply(cn, &reply);
	if (code != 220) {
		all_result(b, code < 0 ? 421 : code, reply.s ? reply.s : "", "Connection closed");
		goto out;
	}
	code = command(cn, &reply, "EHLO %s", j ? j : "localhost");
	if (code == 250) {
		cn->esmtp = 1;
		note_extensions(cn, reply.s);
	} else if ((code = command(cn, &reply, "HELO %s", j ? j : "localhost")) != 250) {
		all_result(b, code, dstr_cstr(&reply), "Connection closed");
		goto out;
	}
	/* bounces go out with the null sender */
	dstr_printf(&from, "MAIL From:<%s>", envelope_sender_bare(e));
	if (cn->esmtp && cn->size_ok)
		dstr_printf(&from, " SIZE=%zu", e->body_size);
	if (cn->esmtp && cn->eightbit && (e->flags & EF_8BIT))
		dstr_puts(&from, " BODY=8BITMIME");
	code = command(cn, &reply, "%s", from.s);
	if (code != 250) {
		all_result(b, code, dstr_cstr(&reply), "Connection closed");
		goto out;
	}
	for (i = 0; i < b->n; i++) {
		code = command(cn, &reply, "RCPT To:<%s>", b->rcpts[i]->user);
		if (code / 100 == 2) {
			ok[i] = 1;
			accepted++;
		} else if (code < 0) {
			all_result(b, code, "", "Connection closed");
			goto out;
		} else
			rcpt_result(b->rcpts[i], code / 100 == 5 ? RS_FAILED : RS_DEFERRED,
			    dsn_of(reply.s, code), reply.s);
	}
	if (accepted == 0)
		goto quit;
	code = command(cn, &reply, "DATA");
	if (code != 354) {
		for (i = 0; i < b->n; i++)
			if (ok[i])
				rcpt_result(b->rcpts[i], code / 100 == 5 ? RS_FAILED : RS_DEFERRED,
				    dsn_of(dstr_cstr(&reply), code), dstr_cstr(&reply));
		goto quit;
	}
	if (message_write(c, e, b->m, mt, cn->s, MW_DOTS | MW_CRLF, &err) != 0) {
		all_result(b, -1, "", "lost connection while sending message");
		goto out;
	}
	stream_puts(cn->s, ".\r\n");
	stream_flush(cn->s);
	code = read_reply(cn, &reply);
	for (i = 0; i < b->n; i++) {
		if (!ok[i])
			continue;
		if (code / 100 == 2)
			rcpt_result(b->rcpts[i], RS_SENT, dsn_of(reply.s, code), reply.s);
		else
			rcpt_result(b->rcpts[i], code / 100 == 5 ? RS_FAILED : RS_DEFERRED,
			    code > 0 ? dsn_of(reply.s, code) : "4.4.2",
			    code > 0 ? reply.s : "lost connection after DATA");
	}
quit:
	command(cn, &reply, "QUIT");
out:
	dstr_free(&reply);
	dstr_free(&err);
	dstr_free(&from);
	free(ok);
}

/* port: the second word after TCP in A= ("TCP $h 2525"), else 25 */
static int
mailer_port(const struct mailer *m)
{
	const char *a = m->argv ? m->argv : "";
	int port = 25;

	if (strncmp(a, "TCP", 3) == 0 || strncmp(a, "IPC", 3) == 0) {
		const char *p = a + 3;

		while (*p == ' ')
			p++;
		while (*p && *p != ' ')
			p++;
		while (*p == ' ')
			p++;
		if (isdigit((unsigned char)*p))
			port = atoi(p);
	}
	return port;
}

void
smtpc_deliver(struct conf *c, struct envelope *e, struct batch *b)
{
	struct macro_table mt;
	char **hosts;
	size_t nh = host_list(c, b->host, &hosts), h;
	dstr why = DSTR_INIT;
	int port = mailer_port(b->m), connected = 0;

	mailer_macros(c, e, b->m, b->host, b->rcpts, b->n, &mt);
	for (h = 0; h < nh && !connected; h++) {
		struct conn cn;
		size_t i;

		dstr_clear(&why);
		if (connect_to(c, hosts[h], port, &cn, &why) != 0)
			continue;
		connected = 1;
		transaction(c, e, b, &cn, &mt);
		{
			/* remember where it went, for the log */
			dstr relay = DSTR_INIT;

			dstr_printf(&relay, "%s. [%s]", cn.host, cn.ip);
			for (i = 0; i < b->n; i++) {
				free(b->rcpts[i]->relay);
				b->rcpts[i]->relay = xstrdup(relay.s);
			}
			dstr_free(&relay);
		}
		conn_close(&cn);
	}
	if (!connected) {
		dstr d = DSTR_INIT;
		size_t i;
		struct addrinfo hints, *res = NULL;
		int gai, perm = 0;
		const char *name = nh ? hosts[nh - 1] : b->host;

		memset(&hints, 0, sizeof(hints));
		hints.ai_socktype = SOCK_STREAM;
		gai = b->host[0] == '[' ? 0 : getaddrinfo(name, NULL, &hints, &res);
		if (res)
			freeaddrinfo(res);
		if (gai == EAI_NONAME) {
			dstr_printf(&d, "Host unknown (Name server: %s: host not found)", name);
			perm = 1;
		} else if (gai != 0)
			dstr_printf(&d, "Name server: %s: host name lookup failure", name);
		else
			dstr_printf(&d, "Connection refused by %s", name);
		for (i = 0; i < b->n; i++)
			if (b->rcpts[i]->state == RS_QUEUED)
				rcpt_result(b->rcpts[i], perm ? RS_FAILED : RS_DEFERRED,
				    perm ? "5.1.2" : "4.4.1", d.s);
		dstr_free(&d);
	}
	for (h = 0; h < nh; h++)
		free(hosts[h]);
	free(hosts);
	dstr_free(&why);
	macro_table_free(&mt);
}
