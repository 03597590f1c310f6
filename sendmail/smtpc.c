/* smtpc: SMTP delivery (see smtpc.h).  One delivery walks the host
 * list (MX records, literals, FallbackMXhost), skips hosts that are
 * resting after failures (hoststatus.c), opens a session (greeting,
 * EHLO/HELO, opportunistic STARTTLS, AUTH from authinfo.c) and runs one
 * transaction, pipelined when the server offers PIPELINING.  Replies
 * are read with the Timeout.* of their phase; no reply line may be
 * longer than REPLY_LINE_MAX and no reply more than REPLY_LINES lines. */
#include "config.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "addr/addr_util.h"
#include "io/net.h"
#include "io/saslcli.h"
#include "io/stream.h"
#include "io/tls.h"
#include "map/dns.h"
#include "sendmail/auth.h"
#include "sendmail/authinfo.h"
#include "sendmail/hoststatus.h"
#include "sendmail/maillog.h"
#include "sendmail/mailer.h"
#include "sendmail/msgwrite.h"
#include "sendmail/rewrite.h"
#include "sendmail/mime7bit.h"
#include "sendmail/smtpc.h"
#include "sendmail/stats.h"

#define REPLY_LINE_MAX 4096
#define REPLY_LINES 200
#define DEFAULT_CACHE_SIZE 2
#define DEFAULT_CACHE_TIMEOUT (5 * 60)

/* extensions the server offered */
enum {
	X_SIZE = 1 << 0,
	X_PIPELINING = 1 << 1,
	X_8BITMIME = 1 << 2,
	X_DSN = 1 << 3,
	X_STARTTLS = 1 << 4,
	X_AUTH = 1 << 5,
	X_ENHSTATUS = 1 << 6
};

/* one open SMTP session */
struct sconn {
	stream *s;
	char *key;		/* mailer, host spec and port: what may reuse it */
	char *name;		/* the host connected to, as tried */
	char ip[64];
	int esmtp;
	unsigned ext;
	unsigned long maxsize;	/* SIZE n; 0 = no limit given */
	char *mechs;		/* AUTH mechanisms offered */
	int tls, authed;
	time_t idle_since;
	unsigned long uses;
};

/* the cache: connections kept open between messages of a queue run */
static struct sconn **cache;
static size_t ncache;
static int cache_held;

/* client options from ClientPortOptions */
struct client_opts {
	int family;		/* AF_UNSPEC, AF_INET, AF_INET6 */
	char *addr;		/* source address, or NULL */
	int port;		/* source port, 0 any */
	int no_tls, no_auth, helo_iface;
};

/* the TLS context of this process (NULL until first needed; tls_failed
 * when it could not be made) */
static tls_ctx *client_tls;
static int client_tls_failed;

static long
timeout_ms(struct conf *c, const char *name, long def_secs)
{
	/* a bare number in a Timeout.* option counts minutes, as in sendmail */
	long t = options_time(c->opts, name, 'm', def_secs);

	if (t <= 0)
		t = def_secs;
	return t * 1000;
}

static void
client_options(struct conf *c, struct client_opts *co)
{
	const char *v = options_get(c->opts, "ClientPortOptions");
	char *spec, *item, *save = NULL;

	memset(co, 0, sizeof(*co));
	co->family = AF_UNSPEC;
	if (v == NULL || *v == '\0')
		return;
	spec = xstrdup(v);
	for (item = strtok_r(spec, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *val;
		char *k = item;

		while (isspace((unsigned char)*k))
			k++;
		if (eq == NULL)
			continue;
		*eq = '\0';
		val = eq + 1;
		while (isspace((unsigned char)*val))
			val++;
		if (strcasecmp(k, "Family") == 0 || strcasecmp(k, "F") == 0) {
			if (strcasecmp(val, "inet6") == 0)
				co->family = AF_INET6;
			else if (strcasecmp(val, "inet") == 0)
				co->family = AF_INET;
		} else if (strcasecmp(k, "Addr") == 0 || strcasecmp(k, "A") == 0) {
			free(co->addr);
			co->addr = xstrdup(val);
		} else if (strcasecmp(k, "Port") == 0 || strcasecmp(k, "P") == 0)
			co->port = atoi(val);
		else if (strcasecmp(k, "Modifiers") == 0 || strcasecmp(k, "M") == 0) {
			co->no_tls = strchr(val, 'S') != NULL;
			co->no_auth = strchr(val, 'A') != NULL;
			co->helo_iface = strchr(val, 'h') != NULL;
		}
	}
	free(spec);
}

/* ------------------------------------------------------------------ */
/* replies */

struct reply {
	int code;		/* -1: connection lost or timed out */
	dstr all;		/* every line, '\n' between */
	dstr last;		/* the last line */
	char dsn[16];		/* enhanced status, or derived from the code */
	const char *text;	/* last line after code and status */
};

static void
reply_init(struct reply *r)
{
	memset(r, 0, sizeof(*r));
	r->code = -1;
}

static void
reply_free(struct reply *r)
{
	dstr_free(&r->all);
	dstr_free(&r->last);
}

static int
read_reply(struct sconn *cn, long ms, struct reply *r)
{
	dstr line = DSTR_INIT;
	int n = 0, st;

	dstr_clear(&r->all);
	dstr_clear(&r->last);
	r->code = -1;
	r->text = "";
	stream_set_timeout(cn->s, (int)ms);
	for (;;) {
		dstr_clear(&line);
		st = stream_read_line(cn->s, &line, REPLY_LINE_MAX, NULL);
		if (st != STREAM_OK && st != STREAM_TOOLONG)
			break;
		if (line.len < 3 || !isdigit((unsigned char)line.s[0]) ||
		    !isdigit((unsigned char)line.s[1]) || !isdigit((unsigned char)line.s[2]))
			break;
		if (n++ < REPLY_LINES) {
			if (r->all.len)
				dstr_putc(&r->all, '\n');
			dstr_puts(&r->all, line.s);
		}
		if (line.len == 3 || line.s[3] != '-') {
			r->code = atoi(line.s);
			dstr_set(&r->last, line.s);
			break;
		}
	}
	dstr_free(&line);
	if (r->code < 0) {
		r->text = "";
		snprintf(r->dsn, sizeof(r->dsn), "4.4.2");
		return -1;
	}
	{
		const char *p = r->last.s + 3;
		int a, b, c2, used = 0;

		while (*p == ' ' || *p == '-')
			p++;
		if (sscanf(p, "%1d.%3d.%3d%n", &a, &b, &c2, &used) == 3 && a == r->code / 100 &&
		    (p[used] == ' ' || p[used] == '\0')) {
			snprintf(r->dsn, sizeof(r->dsn), "%d.%d.%d", a, b, c2);
			p += used;
			while (*p == ' ')
				p++;
		} else
			snprintf(r->dsn, sizeof(r->dsn), "%d.0.0", r->code / 100);
		r->text = p;
	}
	return r->code;
}

static void
send_line(struct sconn *cn, const char *text)
{
	stream_puts(cn->s, text);
	stream_puts(cn->s, "\r\n");
}

/* command: send one line and read its reply */
static int
command(struct sconn *cn, long ms, struct reply *r, const char *text)
{
	send_line(cn, text);
	if (stream_flush(cn->s) != STREAM_OK) {
		r->code = -1;
		snprintf(r->dsn, sizeof(r->dsn), "4.4.2");
		return -1;
	}
	return read_reply(cn, ms, r);
}

/* ------------------------------------------------------------------ */
/* connections */

static void
conn_free(struct sconn *cn)
{
	if (cn == NULL)
		return;
	if (cn->s)
		stream_close(cn->s);
	free(cn->key);
	free(cn->name);
	free(cn->mechs);
	free(cn);
}

static void
conn_quit(struct conf *c, struct sconn *cn)
{
	if (cn->s && stream_status_of(cn->s) == STREAM_OK) {
		struct reply r;

		reply_init(&r);
		if (c)
			command(cn, timeout_ms(c, "Timeout.quit", 120), &r, "QUIT");
		else
			command(cn, 2 * 60 * 1000, &r, "QUIT");
		reply_free(&r);
	}
	conn_free(cn);
}

static void
note_extensions(struct sconn *cn, const char *ehlo)
{
	const char *p = ehlo;
	int first = 1;

	cn->ext = 0;
	cn->maxsize = 0;
	free(cn->mechs);
	cn->mechs = NULL;
	while (p && *p) {
		const char *kw = p + 4, *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - kw) : strlen(kw);

		if (strlen(p) < 4)
			break;
		if (!first) {
			if (len >= 4 && strncasecmp(kw, "SIZE", 4) == 0 && (len == 4 || kw[4] == ' ')) {
				cn->ext |= X_SIZE;
				if (len > 5)
					cn->maxsize = strtoul(kw + 5, NULL, 10);
			} else if (len == 10 && strncasecmp(kw, "PIPELINING", 10) == 0)
				cn->ext |= X_PIPELINING;
			else if (len == 8 && strncasecmp(kw, "8BITMIME", 8) == 0)
				cn->ext |= X_8BITMIME;
			else if (len == 3 && strncasecmp(kw, "DSN", 3) == 0)
				cn->ext |= X_DSN;
			else if (len == 8 && strncasecmp(kw, "STARTTLS", 8) == 0)
				cn->ext |= X_STARTTLS;
			else if (len == 19 && strncasecmp(kw, "ENHANCEDSTATUSCODES", 19) == 0)
				cn->ext |= X_ENHSTATUS;
			else if (len > 5 && strncasecmp(kw, "AUTH", 4) == 0 &&
			    (kw[4] == ' ' || kw[4] == '=')) {
				cn->ext |= X_AUTH;
				free(cn->mechs);
				cn->mechs = xstrndup(kw + 5, len - 5);
			}
		}
		first = 0;
		p = eol ? eol + 1 : NULL;
	}
}

/* sock_connect: one address, within the connect timeout, from the
 * client's source address when one is set */
static int
sock_connect(const struct addrinfo *ai, const struct client_opts *co, long ms, int *err)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    ai->ai_protocol);
	struct pollfd p;
	int e = 0;
	socklen_t el = sizeof(e);

	*err = 0;
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	if (co->addr || co->port) {
		struct addrinfo hints, *src = NULL;
		char ps[16];

		memset(&hints, 0, sizeof(hints));
		hints.ai_family = ai->ai_family;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
		snprintf(ps, sizeof(ps), "%d", co->port);
		if (getaddrinfo(co->addr, ps, &hints, &src) == 0 && src) {
			int one = 1;

			(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
			if (bind(fd, src->ai_addr, src->ai_addrlen) != 0)
				msg_warn("ClientPortOptions: cannot bind to %s: %s",
				    co->addr ? co->addr : "*", strerror(errno));
			freeaddrinfo(src);
		}
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
		if (errno != EINPROGRESS) {
			*err = errno;
			close(fd);
			return -1;
		}
		p.fd = fd;
		p.events = POLLOUT;
		p.revents = 0;
		if (poll(&p, 1, (int)ms) != 1) {
			*err = ETIMEDOUT;
			close(fd);
			return -1;
		}
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) != 0 || e != 0) {
			*err = e ? e : errno;
			close(fd);
			return -1;
		}
	}
	(void)fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	/* the stream buffers whole command groups itself: Nagle would only
	 * hold back the last segment of each until the peer's delayed ACK */
	{
		int one = 1;

		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	}
	return fd;
}

static tls_ctx *
tls_context(struct conf *c)
{
	struct tls_settings set;
	dstr err = DSTR_INIT;

	if (client_tls || client_tls_failed)
		return client_tls;
	memset(&set, 0, sizeof(set));
	set.cert_file = options_get(c->opts, "ClientCertFile");
	set.key_file = options_get(c->opts, "ClientKeyFile");
	set.ca_file = options_get(c->opts, "CACertFile");
	set.ca_path = options_get(c->opts, "CACertPath");
	set.ciphers = options_get(c->opts, "CipherList");
	set.crl_file = options_get(c->opts, "CRLFile");
	set.crl_path = options_get(c->opts, "CRLPath");
	if (set.crl_file && *set.crl_file == '\0')
		set.crl_file = NULL;
	if (set.crl_path && *set.crl_path == '\0')
		set.crl_path = NULL;
	if (set.cert_file && *set.cert_file == '\0')
		set.cert_file = NULL;
	if (set.key_file && *set.key_file == '\0')
		set.key_file = NULL;
	if (set.ca_file && *set.ca_file == '\0')
		set.ca_file = NULL;
	if (set.ca_path && *set.ca_path == '\0')
		set.ca_path = NULL;
	if (set.ciphers && *set.ciphers == '\0')
		set.ciphers = NULL;
	client_tls = tls_client_ctx_new(&set, &err);
	if (client_tls == NULL && set.cert_file) {
		/* a bad client certificate still leaves plain STARTTLS */
		msg_warn("STARTTLS=client: %s; going on without a client certificate",
		    dstr_cstr(&err));
		set.cert_file = set.key_file = NULL;
		dstr_clear(&err);
		client_tls = tls_client_ctx_new(&set, &err);
	}
	if (client_tls == NULL) {
		msg_warn("STARTTLS=client: cannot make a TLS context: %s", dstr_cstr(&err));
		client_tls_failed = 1;
	}
	dstr_free(&err);
	return client_tls;
}

/* check_ruleset: the config's verdict on this connection: the named
 * ruleset (try_tls, tls_server) run on input (and input2 after $|) with
 * the connection's macros; 0 when it says nothing against it, else 1
 * with its reply text in why and status in dsn */
static int
check_ruleset(struct conf *c, const char *name, const char *input, const char *input2,
    const struct macro_table *mt, dstr *why, char dsn[16])
{
	int rs = ruleset_lookup(&c->rules, name), bad = 0;
	struct toklist ws = { 0 };
	pool *p;
	const char *end;
	size_t hs, he, us;
	struct rw_env env;

	if (rs < 0 || c->rules.rs[rs].n == 0)
		return 0;
	p = pool_new();
	env.conf = c;
	env.macros = mt;
	env.pool = p;
	env.out = NULL;
	addr_tokenize(&c->syntax, input && *input ? input : "<>", '\0', TOK_MODE_EXTERNAL, p, &ws,
	    &end, NULL);
	if (input2) {
		struct tok bar = { "", 0, TOK_CONDELSE, 0 };

		toklist_push(&ws, bar);
		addr_tokenize(&c->syntax, input2, '\0', TOK_MODE_EXTERNAL, p, &ws, &end, NULL);
	}
	rewrite(&env, &ws, rs);
	if (rw_triple(&ws, &hs, &he, &us) && strcasecmp(ws.v[1].s, "error") == 0) {
		dstr host = DSTR_INIT, text = DSTR_INIT;

		if (hs)
			addr_cat(&c->syntax, &ws.v[hs], he - hs, 0, &host);
		if (us)
			addr_cat(&c->syntax, &ws.v[us], ws.n - us, ' ', &text);
		dstr_clear(why);
		{
			/* the text may be quoted pieces: drop the quotes */
			const char *t;

			for (t = dstr_cstr(&text); *t; t++)
				if (*t != '"')
					dstr_putc(why, *t);
		}
		snprintf(dsn, 16, "%s", host.len && isdigit((unsigned char)host.s[0]) ? host.s : "4.7.0");
		dstr_free(&host);
		dstr_free(&text);
		bad = 1;
	}
	toklist_free(&ws);
	pool_free(p);
	return bad;
}

/* ------------------------------------------------------------------ */
/* AUTH */

/* smtp_auth: 1 authenticated, 0 not (go on without), -1 connection
 * lost, -2 the server refused the credentials for good (5xx).  The
 * mechanism is libsasl2's pick among those the server offers and the
 * authinfo entry's M: (else AuthMechanisms) allows, as sendmail picks. */
static int
smtp_auth(struct conf *c, struct sconn *cn, struct reply *r, dstr *why)
{
	struct authinfo ai;
	const char *want = options_get(c->opts, "AuthMechanisms");
	const char *mech = NULL, *offered;
	long ms = timeout_ms(c, "Timeout.auth", 10 * 60);
	dstr line = DSTR_INIT, b = DSTR_INIT, mechs = DSTR_INIT, err = DSTR_INIT;
	saslcli *sc = NULL;
	int rc = 0, st = SASLCLI_NOMECH;

	if (!authinfo_lookup(c, cn->name, cn->ip, &ai))
		return 0;
	/* the server's mechanisms, narrowed by M: (else AuthMechanisms);
	 * the order does not matter, libsasl2 ranks them itself */
	if (ai.mechs && *ai.mechs)
		want = ai.mechs;
	offered = cn->mechs ? cn->mechs : "";
	auth_mech_intersect(want && *want ? want : offered, offered, &mechs);
	if (mechs.len) {
		sc = saslcli_new("smtp", cn->name, ai.authid, ai.user, ai.pass, ai.realm, &err);
		if (sc == NULL)
			msg_warn("AUTH=client, relay=%s, %s", cn->name, dstr_cstr(&err));
		else
			st = saslcli_start(sc, mechs.s, &mech, &b);
	}
	if (sc == NULL || st == SASLCLI_NOMECH || st == SASLCLI_FAIL) {
		msg_notice("AUTH=client, relay=%s, no common mechanism (offered: %s)",
		    cn->name, cn->mechs ? cn->mechs : "");
		goto out;
	}
	dstr_printf(&line, "AUTH %s%s%s", mech, b.len ? " " : "", dstr_cstr(&b));
	command(cn, ms, r, line.s);
	while (r->code == 334) {
		st = saslcli_step(sc, r->text, &b);
		if (st != SASLCLI_OK && st != SASLCLI_CONTINUE) {
			msg_notice("AUTH=client, relay=%s, mech=%s, bad server challenge: %s",
			    cn->name, mech, saslcli_errdetail(sc));
			command(cn, ms, r, "*");	/* RFC 4954: cancel */
			break;
		}
		command(cn, ms, r, dstr_cstr(&b));
	}
	if (r->code == 235) {
		cn->authed = 1;
		rc = 1;
		msg_info("AUTH=client, relay=%s, mech=%s, bits=0", cn->name, mech);
	} else if (r->code < 0)
		rc = -1;
	else {
		msg_notice("AUTH=client, relay=%s, temporary failure, connection abort: %s",
		    cn->name, r->last.s ? r->last.s : "");
		dstr_printf(why, "%s", r->last.s ? r->last.s : "AUTH failed");
		rc = r->code / 100 == 5 ? -2 : 0;
	}
out:
	saslcli_free(sc);
	authinfo_free(&ai);
	dstr_free(&line);
	dstr_free(&b);
	dstr_free(&mechs);
	dstr_free(&err);
	return rc;
}

/* ------------------------------------------------------------------ */
/* opening a session */

/* ehlo: EHLO, else HELO; 0 or -1 with the reply in r */
static int
greet(struct conf *c, struct sconn *cn, const char *helo, struct reply *r)
{
	dstr line = DSTR_INIT;
	long ms = timeout_ms(c, "Timeout.helo", 5 * 60);

	dstr_printf(&line, "EHLO %s", helo);
	command(cn, ms, r, line.s);
	if (r->code == 250) {
		cn->esmtp = 1;
		note_extensions(cn, r->all.s);
		dstr_free(&line);
		return 0;
	}
	cn->esmtp = 0;
	cn->ext = 0;
	if (r->code < 0 || r->code == 421) {
		dstr_free(&line);
		return -1;
	}
	dstr_clear(&line);
	dstr_printf(&line, "HELO %s", helo);
	command(cn, ms, r, line.s);
	dstr_free(&line);
	return r->code == 250 ? 0 : -1;
}

enum open_result { OPEN_OK, OPEN_FAIL, OPEN_TLS_FAILED };

/* open_session: greeting, EHLO, STARTTLS, AUTH on a connected socket.
 * On failure why holds the reason and *dsn its status. */
static enum open_result
open_session(struct conf *c, struct sconn *cn, const struct client_opts *co, int try_tls,
    dstr *why, char dsn[16], int *permanent)
{
	struct reply r;
	const char *helo = options_get(c->opts, "HeloName");
	enum open_result res = OPEN_FAIL;
	struct macro_table cm;	/* ${server_name}, ${verify}, ... */

	*permanent = 0;
	reply_init(&r);
	macro_table_init(&cm, &c->macros);
	if (helo == NULL || *helo == '\0')
		helo = macro_get(&c->macros, 'j');
	if (helo == NULL || *helo == '\0')
		helo = "localhost";
	if (read_reply(cn, timeout_ms(c, "Timeout.initial", 5 * 60), &r) != 220) {
		if (r.code < 0)
			dstr_printf(why, "Connection reset by %s", cn->name);
		else
			dstr_set(why, r.last.s);
		snprintf(dsn, 16, "%s", r.code < 0 ? "4.4.2" : r.dsn);
		goto out;
	}
	if (greet(c, cn, helo, &r) != 0)
		goto failed;
	macro_set_name(&cm, "server_name", cn->name);
	macro_set_name(&cm, "server_addr", cn->ip);
	if (try_tls && (cn->ext & X_STARTTLS) && !co->no_tls && tls_context(c)) {
		dstr ignored = DSTR_INIT;
		char d2[16];

		/* Try_TLS: entries of the access map may say not to */
		if (check_ruleset(c, "try_tls", cn->name, NULL, &cm, &ignored, d2))
			try_tls = 0;
		dstr_free(&ignored);
	}
	if (try_tls && (cn->ext & X_STARTTLS) && !co->no_tls && tls_context(c)) {
		dstr err = DSTR_INIT;

		command(cn, timeout_ms(c, "Timeout.starttls", 60 * 60), &r, "STARTTLS");
		if (r.code == 220) {
			stream_set_timeout(cn->s, (int)timeout_ms(c, "Timeout.starttls", 60 * 60));
			if (tls_start(cn->s, client_tls, 0, cn->name, &err) != STREAM_OK) {
				msg_notice("STARTTLS=client, relay=%s, error: %s", cn->name,
				    dstr_cstr(&err));
				dstr_printf(why, "403 4.7.0 TLS handshake failed with %s", cn->name);
				snprintf(dsn, 16, "4.7.0");
				dstr_free(&err);
				res = OPEN_TLS_FAILED;
				goto out;
			}
			cn->tls = 1;
			{
				struct tls_info ti;
				const char *verify = "NONE";

				if (tls_get_info(cn->s, &ti) == 0) {
					char bits[16];

					verify = ti.peer_subject.len == 0 ? "NO" : ti.verified ? "OK" : "FAIL";
					msg_info("STARTTLS=client, relay=%s, version=%s, verify=%s, cipher=%s, bits=%d/%d",
					    cn->name, ti.version, verify, ti.cipher, ti.bits, ti.alg_bits);
					snprintf(bits, sizeof(bits), "%d", ti.bits);
					macro_set_name(&cm, "verify", verify);
					macro_set_name(&cm, "tls_version", ti.version);
					macro_set_name(&cm, "cipher", ti.cipher);
					macro_set_name(&cm, "cipher_bits", bits);
					macro_set_name(&cm, "cert_subject", dstr_cstr(&ti.peer_subject));
					macro_set_name(&cm, "cert_issuer", dstr_cstr(&ti.peer_issuer));
					tls_info_free(&ti);
				}
				/* TLS_Srv: the config may require more of this server */
				if (check_ruleset(c, "tls_server", verify, NULL, &cm, why, dsn)) {
					msg_notice("STARTTLS=client, relay=%s, tls_server: %s", cn->name,
					    dstr_cstr(why));
					dstr_free(&err);
					goto out;
				}
			}
			if (greet(c, cn, helo, &r) != 0) {
				dstr_free(&err);
				goto failed;
			}
		} else if (r.code < 0) {
			dstr_free(&err);
			goto failed;
		}
		dstr_free(&err);
	}
	if ((cn->ext & X_AUTH) && !co->no_auth) {
		int a = smtp_auth(c, cn, &r, why);

		if (a == -1)
			goto failed;
		if (a == -2) {
			/* bad credentials: deferred, an admin can fix them */
			snprintf(dsn, 16, "4.7.0");
			goto out;
		}
		dstr_clear(why);
	}
	res = OPEN_OK;
	goto out;
failed:
	/* a refusal while opening is never final: the next host, or the
	 * next queue run, may do better */
	if (r.code < 0)
		dstr_printf(why, "Connection reset by %s", cn->name);
	else
		dstr_set(why, r.last.s);
	snprintf(dsn, 16, "%s", r.code < 0 ? "4.4.2" : r.dsn);
out:
	reply_free(&r);
	macro_table_free(&cm);
	return res;
}

/* ------------------------------------------------------------------ */
/* the host list */

struct target {
	char *name;		/* what to resolve (no brackets) */
	char *shown;		/* as the log shows it */
	int literal;
};

static void
add_target(struct target **v, size_t *n, const char *name, int literal)
{
	size_t i, len = strlen(name);
	char *nm;

	if (len == 0)
		return;
	nm = xstrdup(name);
	if (!literal && len > 1 && nm[len - 1] == '.')
		nm[len - 1] = '\0';
	for (i = 0; i < *n; i++)
		if (strcasecmp((*v)[i].name, nm) == 0) {
			free(nm);
			return;
		}
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[*n].name = nm;
	(*v)[*n].literal = literal;
	if (literal) {
		dstr d = DSTR_INIT;

		dstr_printf(&d, "[%s]", nm);
		(*v)[*n].shown = dstr_steal(&d);
	} else
		(*v)[*n].shown = xstrdup(nm);
	(*n)++;
}

static void
free_targets(struct target *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].shown);
	}
	free(v);
}

/* targets: the hosts of a $@ value in the order to try them; *tempfail
 * is set when an MX lookup could not be answered */
static size_t
targets(struct conf *c, const char *spec, struct target **out, int *tempfail)
{
	struct target *v = NULL;
	size_t n = 0;
	const char *p = spec;
	const char *fb = options_get(c->opts, "FallbackMXhost");
	int any_mx = 0;

	*tempfail = 0;
	while (*p) {
		const char *start = p;
		int depth = 0;
		char *one;
		size_t len;

		while (*p && (depth > 0 || *p != ':')) {
			if (*p == '[')
				depth++;
			else if (*p == ']' && depth > 0)
				depth--;
			p++;
		}
		one = xstrndup(start, (size_t)(p - start));
		if (*p == ':')
			p++;
		len = strlen(one);
		while (len && isspace((unsigned char)one[len - 1]))
			one[--len] = '\0';
		if (len > 2 && one[0] == '[' && one[len - 1] == ']') {
			char *lit = xstrndup(one + 1, len - 2);
			const char *l = lit;

			if (strncasecmp(l, "IPv6:", 5) == 0)
				l += 5;
			add_target(&v, &n, l, 1);
			free(lit);
		} else if (len) {
			char **mx = NULL;
			int st, k, got = dns_getmxrr(c->maps, one, &mx, &st);

			if (got > 0) {
				any_mx = 1;
				for (k = 0; k < got; k++)
					add_target(&v, &n, mx[k], 0);
			} else {
				if (st == MAP_TEMPFAIL)
					*tempfail = 1;
				else
					add_target(&v, &n, one, 0);
			}
			dns_free_mx(mx, got);
		}
		free(one);
	}
	if (fb && *fb && any_mx) {
		size_t fl = strlen(fb);

		if (fl > 2 && fb[0] == '[' && fb[fl - 1] == ']') {
			char *lit = xstrndup(fb + 1, fl - 2);

			add_target(&v, &n, lit, 1);
			free(lit);
		} else
			add_target(&v, &n, fb, 0);
	}
	*out = v;
	return n;
}

/* ------------------------------------------------------------------ */
/* the transaction */

static void
xtext(dstr *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		if (*p == '+' && isxdigit(p[1]) && isxdigit(p[2])) {
			/* already encoded */
			dstr_putc(out, '+');
			continue;
		}
		if (*p < 33 || *p > 126 || *p == '+' || *p == '=')
			dstr_printf(out, "+%02X", *p);
		else
			dstr_putc(out, *p);
	}
}

static void
mail_from(struct conf *c, struct envelope *e, const struct mailer *m, struct sconn *cn,
    const struct macro_table *mt, int eightbit, dstr *out)
{
	const char *g = macro_get(mt, 'g');
	size_t len;

	dstr_puts(out, "MAIL From:<");
	if (*envelope_sender_bare(e) != '\0' && g) {
		/* $g may come back as <addr> */
		while (*g == '<')
			g++;
		len = strlen(g);
		while (len && g[len - 1] == '>')
			len--;
		dstr_append(out, g, len);
	}
	dstr_putc(out, '>');
	if (!cn->esmtp)
		return;
	if (cn->ext & X_SIZE)
		dstr_printf(out, " SIZE=%zu", envelope_message_size(e));
	if ((cn->ext & X_8BITMIME) && eightbit)
		dstr_puts(out, " BODY=8BITMIME");
	if (cn->ext & X_DSN) {
		if (e->flags & EF_RET_PARAM)
			dstr_puts(out, (e->flags & EF_NO_BODY) ? " RET=HDRS" : " RET=FULL");
		if (e->envid && *e->envid) {
			dstr_puts(out, " ENVID=");
			xtext(out, e->envid);
		}
	}
	if (cn->authed) {
		dstr_puts(out, " AUTH=");
		if (e->auth && *e->auth)
			xtext(out, e->auth);
		else
			dstr_puts(out, "<>");
	}
	(void)c;
	(void)m;
}

static void
rcpt_to(const struct rcpt *r, struct sconn *cn, dstr *out)
{
	const char *u = r->user ? r->user : r->addr;
	size_t len;

	while (*u == '<')
		u++;
	len = strlen(u);
	while (len && u[len - 1] == '>')
		len--;
	dstr_puts(out, "RCPT To:<");
	dstr_append(out, u, len);
	dstr_putc(out, '>');
	if (cn->esmtp && (cn->ext & X_DSN)) {
		if (r->flags & RCPT_HAS_NOTIFY) {
			int k = 0;

			dstr_puts(out, " NOTIFY=");
			if (r->flags & RCPT_NOTIFY_SUCCESS)
				dstr_puts(out, k++ ? ",SUCCESS" : "SUCCESS");
			if (r->flags & RCPT_NOTIFY_FAILURE)
				dstr_puts(out, k++ ? ",FAILURE" : "FAILURE");
			if (r->flags & RCPT_NOTIFY_DELAY)
				dstr_puts(out, k++ ? ",DELAY" : "DELAY");
			if (k == 0)
				dstr_puts(out, "NEVER");
		}
		if (r->orcpt && *r->orcpt) {
			dstr_puts(out, " ORCPT=");
			xtext(out, r->orcpt);
		}
	}
}

static void
set_outcome(struct rcpt *r, const struct reply *rp, const char *fallback_dsn,
    const char *fallback)
{
	if (rp->code / 100 == 2)
		rcpt_result(r, RS_SENT, rp->dsn, rp->text);
	else if (rp->code / 100 == 5)
		rcpt_result(r, RS_FAILED, rp->dsn, rp->last.s);
	else if (rp->code > 0)
		rcpt_result(r, RS_DEFERRED, rp->dsn, rp->last.s);
	else
		rcpt_result(r, RS_DEFERRED, fallback_dsn, fallback);
}

/* the body needs 8->7 bit handling for this peer */
enum body_mode { BODY_AS_IS, BODY_TO_QP, BODY_STRIP };

/* convert_body: the message as written for the mailer, made 7-bit: MIME
 * aware quoted-printable for a peer without 8BITMIME (EightBitMode=m),
 * the eighth bit stripped for an F=7 mailer */
static void
convert_body(struct conf *c, const dstr *in, enum body_mode mode, dstr *out)
{
	const char *p = in->s, *end = in->s + in->len;

	if (mode == BODY_TO_QP) {
		mime_to_7bit(in->s, in->len, options_get(c->opts, "DefaultCharSet"), out);
		return;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p), i;

		if (n && p[n - 1] == '\r')
			n--;
		for (i = 0; i < n; i++)
			dstr_putc(out, (char)(p[i] & 0x7f));
		dstr_puts(out, "\r\n");
		p = nl ? nl + 1 : end;
	}
}

/* send_converted: write the message to a memory file (leading dots
 * already doubled), convert it and send it */
static int
send_converted(struct conf *c, struct envelope *e, const struct mailer *m,
    const struct macro_table *mt, struct sconn *cn, enum body_mode mode, dstr *err)
{
	int fd = memfd_create("smtpc", MFD_CLOEXEC);
	stream *ms;
	dstr raw = DSTR_INIT, conv = DSTR_INIT;
	int rc = -1;

	if (fd < 0) {
		dstr_printf(err, "memfd: %s", strerror(errno));
		return -1;
	}
	ms = stream_new(fd, fd);
	if (message_write(c, e, m, mt, ms, MW_CRLF | MW_DOTS, err) != 0 ||
	    stream_flush(ms) != STREAM_OK) {
		stream_free(ms);
		close(fd);
		return -1;
	}
	stream_free(ms);
	if (lseek(fd, 0, SEEK_SET) == 0) {
		char buf[65536];
		ssize_t got;

		while ((got = read(fd, buf, sizeof(buf))) > 0)
			dstr_append(&raw, buf, (size_t)got);
	}
	close(fd);
	convert_body(c, &raw, mode, &conv);
	stream_write(cn->s, conv.s ? conv.s : "", conv.len);
	rc = stream_flush(cn->s) == STREAM_OK ? 0 : -1;
	dstr_free(&raw);
	dstr_free(&conv);
	return rc;
}

enum tx_result { TX_DONE, TX_BROKEN, TX_STALE };

/* transaction: MAIL, RCPT..., DATA on an open session.  TX_STALE: a
 * reused connection turned out dead before anything was accepted (try
 * a fresh one); TX_BROKEN: the session is unusable afterwards. */
static enum tx_result
transaction(struct conf *c, struct envelope *e, struct batch *b, struct sconn *cn,
    const struct macro_table *mt, int reused)
{
	struct reply mr, rr, dr;
	dstr line = DSTR_INIT, err = DSTR_INIT;
	const struct mailer *m = b->m;
	int eightbit = (e->flags & EF_8BIT) ||
	    (e->bodytype && strcasecmp(e->bodytype, "8BITMIME") == 0);
	int pipelining = cn->esmtp && (cn->ext & X_PIPELINING);
	long t_mail = timeout_ms(c, "Timeout.mail", 10 * 60);
	long t_rcpt = timeout_ms(c, "Timeout.rcpt", 60 * 60);
	long t_data = timeout_ms(c, "Timeout.datainit", 5 * 60);
	enum body_mode mode = BODY_AS_IS;
	enum tx_result res = TX_DONE;
	size_t i, accepted = 0;
	int *ok = xcalloc(b->n + 1, sizeof(int)), data_sent = 0;

	reply_init(&mr);
	reply_init(&rr);
	reply_init(&dr);
	/* what this peer can take */
	if (cn->maxsize && envelope_message_size(e) > cn->maxsize) {
		dstr d = DSTR_INIT;

		dstr_printf(&d, "552 5.3.4 Message size exceeds fixed limit of %lu for %s",
		    cn->maxsize, cn->name);
		for (i = 0; i < b->n; i++)
			rcpt_result(b->rcpts[i], RS_FAILED, "5.3.4", d.s);
		dstr_free(&d);
		goto out;
	}
	if (mailer_has_flag(m, '7'))
		mode = BODY_STRIP;
	else if (eightbit && !(cn->ext & X_8BITMIME) && !mailer_has_flag(m, '8')) {
		const char *ebm = options_get(c->opts, "EightBitMode");
		int how = ebm && *ebm ? tolower((unsigned char)*ebm) : 'p';

		if (how == 's') {
			for (i = 0; i < b->n; i++)
				rcpt_result(b->rcpts[i], RS_FAILED, "5.6.3",
				    "554 5.6.3 Cannot send 8-bit data to 7-bit destination");
			goto out;
		}
		if (how == 'm')
			mode = BODY_TO_QP;
	}
	mail_from(c, e, m, cn, mt, eightbit && mode == BODY_AS_IS, &line);
	send_line(cn, line.s);
	if (!pipelining) {
		if (stream_flush(cn->s) != STREAM_OK || read_reply(cn, t_mail, &mr) < 0)
			goto lost;
		if (mr.code / 100 != 2) {
			for (i = 0; i < b->n; i++)
				set_outcome(b->rcpts[i], &mr, "4.4.2", "lost connection");
			goto reset;
		}
	}
	for (i = 0; i < b->n; i++) {
		dstr_clear(&line);
		rcpt_to(b->rcpts[i], cn, &line);
		send_line(cn, line.s);
		if (!pipelining) {
			if (stream_flush(cn->s) != STREAM_OK || read_reply(cn, t_rcpt, &rr) < 0)
				goto lost;
			if (rr.code / 100 == 2) {
				ok[i] = 1;
				accepted++;
			} else
				set_outcome(b->rcpts[i], &rr, "4.4.2", "lost connection");
		}
	}
	if (pipelining) {
		send_line(cn, "DATA");
		data_sent = 1;
		if (stream_flush(cn->s) != STREAM_OK)
			goto lost;
		if (read_reply(cn, t_mail, &mr) < 0)
			goto lost;
		for (i = 0; i < b->n; i++) {
			if (read_reply(cn, t_rcpt, &rr) < 0)
				goto lost;
			if (mr.code / 100 != 2)
				set_outcome(b->rcpts[i], &mr, "4.4.2", "lost connection");
			else if (rr.code / 100 == 2) {
				ok[i] = 1;
				accepted++;
			} else
				set_outcome(b->rcpts[i], &rr, "4.4.2", "lost connection");
		}
		if (read_reply(cn, t_data, &dr) < 0)
			goto lost;
	} else if (accepted > 0) {
		if (command(cn, t_data, &dr, "DATA") < 0)
			goto lost;
		data_sent = 1;
	}
	reused = 0;	/* the connection answered: no fresh try after this */
	if (accepted == 0) {
		if (data_sent && dr.code == 354) {
			/* a server that opened DATA without recipients */
			stream_puts(cn->s, ".\r\n");
			if (stream_flush(cn->s) != STREAM_OK ||
			    read_reply(cn, timeout_ms(c, "Timeout.datafinal", 60 * 60), &dr) < 0)
				goto lost;
		}
		goto reset;
	}
	if (dr.code != 354) {
		for (i = 0; i < b->n; i++)
			if (ok[i])
				set_outcome(b->rcpts[i], &dr, "4.4.2", "lost connection");
		goto reset;
	}
	stream_set_timeout(cn->s, (int)timeout_ms(c, "Timeout.datablock", 60 * 60));
	if (mode == BODY_AS_IS) {
		if (message_write(c, e, m, mt, cn->s, MW_DOTS | MW_CRLF, &err) != 0)
			goto lost;
	} else if (send_converted(c, e, m, mt, cn, mode, &err) != 0)
		goto lost;
	stream_puts(cn->s, ".\r\n");
	if (stream_flush(cn->s) != STREAM_OK)
		goto lost;
	read_reply(cn, timeout_ms(c, "Timeout.datafinal", 60 * 60), &dr);
	for (i = 0; i < b->n; i++)
		if (ok[i])
			set_outcome(b->rcpts[i], &dr, "4.4.2", "lost connection after DATA");
	if (dr.code < 0)
		res = TX_BROKEN;
	goto out;
reset:
	if (command(cn, timeout_ms(c, "Timeout.rset", 5 * 60), &rr, "RSET") != 250)
		res = TX_BROKEN;
	goto out;
lost:
	if (reused && accepted == 0 && mr.code < 0) {
		res = TX_STALE;
		goto out;
	}
	for (i = 0; i < b->n; i++) {
		struct rcpt *r = b->rcpts[i];

		if (r->state == RS_QUEUED || ok[i]) {
			dstr d = DSTR_INIT;

			dstr_printf(&d, "Connection reset by %s", cn->name);
			rcpt_result(r, RS_DEFERRED, "4.4.2", d.s);
			dstr_free(&d);
		}
	}
	res = TX_BROKEN;
out:
	reply_free(&mr);
	reply_free(&rr);
	reply_free(&dr);
	dstr_free(&line);
	dstr_free(&err);
	free(ok);
	return res;
}

/* ------------------------------------------------------------------ */
/* the connection cache */

static long
cache_size(struct conf *c)
{
	long n = options_int(c->opts, "ConnectionCacheSize", DEFAULT_CACHE_SIZE);

	return n < 0 ? 0 : n;
}

static struct sconn *
cache_take(struct conf *c, const char *key)
{
	long tmo = options_time(c->opts, "ConnectionCacheTimeout", 'm', DEFAULT_CACHE_TIMEOUT);
	time_t now = time(NULL);
	size_t i;

	for (i = 0; i < ncache; i++) {
		struct sconn *cn = cache[i];

		if (strcmp(cn->key, key) != 0)
			continue;
		memmove(&cache[i], &cache[i + 1], (ncache - i - 1) * sizeof(*cache));
		ncache--;
		if (now - cn->idle_since > tmo || stream_status_of(cn->s) != STREAM_OK) {
			conn_quit(c, cn);
			return NULL;
		}
		/* a server that hung up meanwhile shows as readable */
		if (stream_wait_readable(cn->s, 0) != 0) {
			conn_free(cn);
			return NULL;
		}
		return cn;
	}
	return NULL;
}

static void
cache_put(struct conf *c, struct sconn *cn)
{
	long max = cache_size(c);

	if (!cache_held || max == 0) {
		conn_quit(c, cn);
		return;
	}
	while (ncache > 0 && (long)ncache >= max) {
		/* the oldest goes */
		conn_quit(c, cache[0]);
		memmove(&cache[0], &cache[1], (ncache - 1) * sizeof(*cache));
		ncache--;
	}
	cn->idle_since = time(NULL);
	cache = xreallocarray(cache, ncache + 1, sizeof(*cache));
	cache[ncache++] = cn;
}

void
smtpc_cache_hold(int on)
{
	cache_held = on;
}

void
smtpc_cache_flush(void)
{
	size_t i;

	for (i = 0; i < ncache; i++)
		conn_quit(NULL, cache[i]);
	free(cache);
	cache = NULL;
	ncache = 0;
}

/* ------------------------------------------------------------------ */

/* port: the word after $h in A= ("TCP $h 2525"), else 25 */
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

static void
set_relay(struct batch *b, const char *name, const char *ip)
{
	dstr relay = DSTR_INIT;
	size_t i;

	if (name[0] == '[')
		dstr_printf(&relay, "%s [%s]", name, ip);
	else
		dstr_printf(&relay, "%s. [%s]", name, ip);
	for (i = 0; i < b->n; i++) {
		free(b->rcpts[i]->relay);
		b->rcpts[i]->relay = xstrdup(relay.s);
	}
	dstr_free(&relay);
}

static int
pending(const struct batch *b)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->rcpts[i]->state == RS_QUEUED)
			return 1;
	return 0;
}

static void
defer_all(struct batch *b, const char *dsn, const char *why, int permanent)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (b->rcpts[i]->state == RS_QUEUED)
			rcpt_result(b->rcpts[i], permanent ? RS_FAILED : RS_DEFERRED, dsn, why);
}

static const char *
connect_error(int err, const char *host, dstr *why)
{
	dstr_clear(why);
	if (err == ECONNREFUSED)
		dstr_printf(why, "Connection refused by %s", host);
	else if (err == ETIMEDOUT)
		dstr_printf(why, "Connection timed out with %s", host);
	else
		dstr_printf(why, "%s with %s", strerror(err), host);
	return why->s;
}

/* try_host: every address of one target; 1 when a session ran a
 * transaction (outcomes set), 0 when the host could not be used (why
 * and dsn set), and *unknown when its name does not exist */
static int
try_host(struct conf *c, struct envelope *e, struct batch *b, const struct target *t,
    int port, const struct client_opts *co, const char *key, const struct macro_table *mt,
    dstr *why, char dsn[16], int *unknown, int *permanent)
{
	struct addrinfo hints, *res = NULL, *ai;
	char ps[16];
	int gai, done = 0;
	long cms = timeout_ms(c, "Timeout.connect", 60);

	*unknown = 0;
	*permanent = 0;
	if (hoststatus_backoff(c, t->shown, why)) {
		snprintf(dsn, 16, "4.4.1");
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = co->family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV | (t->literal ? AI_NUMERICHOST : 0);
	snprintf(ps, sizeof(ps), "%d", port);
	gai = getaddrinfo(t->name, ps, &hints, &res);
	if (gai != 0) {
		dstr_clear(why);
		if (gai == EAI_NONAME || gai == EAI_NODATA) {
			dstr_printf(why, "Host unknown (Name server: %s: host not found)", t->shown);
			snprintf(dsn, 16, "5.1.2");
			*unknown = 1;
		} else {
			dstr_printf(why, "Name server: %s: host name lookup failure", t->shown);
			snprintf(dsn, 16, "4.4.3");
		}
		return 0;
	}
	for (ai = res; ai && !done; ai = ai->ai_next) {
		int err, fd, tls = 1;
		struct sconn *cn;
		struct net_peer peer;

		for (;;) {
			enum open_result o;

			fd = sock_connect(ai, co, cms, &err);
			if (fd < 0) {
				connect_error(err, t->shown, why);
				snprintf(dsn, 16, "4.4.1");
				hoststatus_record(c, t->shown, 0, dsn, why->s);
				break;
			}
			stats_note_connection(c, STATS_CONN_OUT);
			cn = xcalloc(1, sizeof(*cn));
			cn->s = stream_new(fd, fd);
			cn->key = xstrdup(key);
			cn->name = xstrdup(t->shown);
			net_peer_of(fd, &peer);
			snprintf(cn->ip, sizeof(cn->ip), "%s", peer.rip);
			o = open_session(c, cn, co, tls, why, dsn, permanent);
			if (o == OPEN_OK) {
				hoststatus_record(c, t->shown, 1, "2.0.0", "OK");
				set_relay(b, cn->name, cn->ip);
				if (transaction(c, e, b, cn, mt, 0) == TX_DONE)
					cache_put(c, cn);
				else
					conn_free(cn);
				done = 1;
				break;
			}
			conn_free(cn);
			if (o == OPEN_TLS_FAILED && options_bool(c->opts, "TLSFallbacktoClear", 0)) {
				tls = 0;
				continue;
			}
			hoststatus_record(c, t->shown, 0, dsn, why->s);
			break;
		}
		if (*permanent)
			break;
	}
	freeaddrinfo(res);
	return done;
}

void
smtpc_deliver(struct conf *c, struct envelope *e, struct batch *b)
{
	struct macro_table mt;
	struct client_opts co;
	struct target *tv = NULL;
	size_t nt = 0, h;
	dstr why = DSTR_INIT, key = DSTR_INIT;
	char dsn[16] = "4.4.1";
	int port = mailer_port(b->m), tempfail = 0, all_unknown = 1, permanent = 0;
	const char *host = b->host ? b->host : "";

	mailer_macros(c, e, b->m, host, b->rcpts, b->n, &mt);
	client_options(c, &co);
	dstr_printf(&key, "%s|%s|%d", b->m->name, host, port);
	for (h = 0; h < key.len; h++)
		key.s[h] = (char)tolower((unsigned char)key.s[h]);
	/* a connection kept from an earlier message */
	{
		struct sconn *cn = cache_take(c, key.s);

		if (cn) {
			enum tx_result tr;

			set_relay(b, cn->name, cn->ip);
			cn->uses++;
			tr = transaction(c, e, b, cn, &mt, 1);
			if (tr == TX_DONE)
				cache_put(c, cn);
			else
				conn_free(cn);
			if (tr != TX_STALE)
				goto done;
		}
	}
	nt = targets(c, host, &tv, &tempfail);
	for (h = 0; h < nt && pending(b); h++) {
		int unknown = 0;

		dstr_clear(&why);
		if (try_host(c, e, b, &tv[h], port, &co, key.s, &mt, &why, dsn, &unknown, &permanent))
			break;
		if (!unknown)
			all_unknown = 0;
		if (permanent)
			break;
	}
	if (pending(b)) {
		if (nt == 0) {
			dstr_clear(&why);
			if (tempfail)
				dstr_printf(&why, "Name server: %s: host name lookup failure", host);
			else
				dstr_printf(&why, "Host unknown (Name server: %s: host not found)", host);
			snprintf(dsn, sizeof(dsn), "%s", tempfail ? "4.4.3" : "5.1.2");
			defer_all(b, dsn, why.s, !tempfail);
		} else if (all_unknown && !tempfail)
			defer_all(b, "5.1.2", why.s, 1);
		else
			defer_all(b, permanent ? dsn : (dsn[0] == '5' ? "4.4.1" : dsn), why.s, permanent);
	}
done:
	free_targets(tv, nt);
	free(co.addr);
	dstr_free(&why);
	dstr_free(&key);
	macro_table_free(&mt);
}
