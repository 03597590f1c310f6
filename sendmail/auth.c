/* auth: SMTP AUTH for smtpd (see auth.h).  The SASL work itself is
 * io/saslsrv's; this file decides which mechanisms a session offers,
 * runs the 334 challenge/response loop of one AUTH command, slows down
 * and finally stops clients that keep failing, and writes the log lines
 * sendmail writes.  Called by smtpd.c; auth_server_init() by the daemon. */
#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/base64.h"
#include "io/saslsrv.h"
#include "sendmail/auth.h"
#include "sendmail/options.h"

/* RFC 4954: a response line may be this long */
#define AUTH_LINE_MAX 12288
/* sendmail's built-in AuthMechanisms */
#define DEFAULT_MECHANISMS "EXTERNAL GSSAPI KERBEROS_V4 DIGEST-MD5 CRAM-MD5"
/* where sendmail finds Sendmail.conf */
#define DEFAULT_CONF_PATH "/etc/sasl2:/etc/sasl:/usr/lib/sasl2"
/* failed AUTHs one connection may make before it is closed */
#define SESSION_MAX_FAILURES 5
/* failed AUTHs from one address (as the master counts them) after which
 * AUTH is refused outright until the count has aged out */
#define ADDRESS_MAX_FAILURES 30
/* the delay after a failure grows by the base per failure up to this */
#define DELAY_STEPS_MAX 10
#define DEFAULT_DELAY_MS 1000

struct auth_session {
	struct conf *c;
	saslsrv *sasl;
	struct auth_peer peer;
	char *relay, *addr;
	unsigned secflags;
	unsigned tls_ssf;
	int tls;
	int failures;		/* failed AUTHs on this connection */
	int refused_logged;
	dstr mechs;
	char *user;
};

static int init_state;		/* 0 not yet, 1 ready, -1 unusable */

int
auth_server_init(void)
{
	const char *path = getenv("SENDWELL_SASL_CONF_PATH");
	dstr err = DSTR_INIT;

	if (init_state != 0)
		return init_state > 0 ? 0 : -1;
	if (saslsrv_init("Sendmail", NULL, path && *path ? path : DEFAULT_CONF_PATH, &err) != 0) {
		msg_warn("AUTH: SASL init failed: %s; AUTH not offered", dstr_cstr(&err));
		init_state = -1;
	} else
		init_state = 1;
	dstr_free(&err);
	return init_state > 0 ? 0 : -1;
}

unsigned
auth_options_secflags(const char *o)
{
	unsigned f = 0;

	for (; o && *o; o++)
		switch (*o) {
		case 'a': f |= SASLSRV_SEC_NOACTIVE; break;
		case 'c': f |= SASLSRV_SEC_PASS_CREDENTIALS; break;
		case 'd': f |= SASLSRV_SEC_NODICTIONARY; break;
		case 'f': f |= SASLSRV_SEC_FORWARD_SECRECY; break;
		case 'm': f |= SASLSRV_SEC_MUTUAL_AUTH; break;
		case 'p': f |= SASLSRV_SEC_NOPLAINTEXT; break;
		case 'y': f |= SASLSRV_SEC_NOANONYMOUS; break;
		default: break;	/* A is for the client side; separators */
		}
	return f;
}

/* has_word: is w (n bytes) one of the words of list? */
static int
has_word(const char *list, const char *w, size_t n)
{
	const char *p = list;

	while (*p) {
		size_t k;

		p += strspn(p, " ,\t");
		k = strcspn(p, " ,\t");
		if (k == n && k > 0 && strncasecmp(p, w, n) == 0)
			return 1;
		p += k;
	}
	return 0;
}

void
auth_mech_intersect(const char *allowed, const char *available, dstr *out)
{
	const char *p = allowed ? allowed : "";

	while (*p) {
		size_t k;

		p += strspn(p, " ,\t");
		k = strcspn(p, " ,\t");
		if (k > 0 && has_word(available, p, k) && !has_word(dstr_cstr(out), p, k)) {
			size_t i;

			if (out->len)
				dstr_putc(out, ' ');
			for (i = 0; i < k; i++)
				dstr_putc(out, (char)toupper((unsigned char)p[i]));
		}
		p += k;
	}
}

void
auth_xtext_encode(dstr *out, const char *s, const char *keep)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch < '!' || ch > '~' || ch == '+' || (ch == '=' && !(keep && strchr(keep, '='))))
			dstr_printf(out, "+%02X", ch);
		else
			dstr_putc(out, (char)ch);
	}
}

static int
hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;	/* xtext hex is upper case only */
}

int
auth_xtext_decode(dstr *out, const char *s)
{
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;

		if (ch == '+') {
			int hi = hexval((unsigned char)s[1]), lo = hi < 0 ? -1 : hexval((unsigned char)s[2]);

			if (hi < 0 || lo < 0)
				return -1;
			dstr_putc(out, (char)(hi * 16 + lo));
			s += 2;
		} else if (ch < '!' || ch > '~' || ch == '=')
			return -1;
		else
			dstr_putc(out, (char)ch);
	}
	return 0;
}

auth_session *
auth_session_new(struct conf *c, const struct auth_peer *peer)
{
	auth_session *a;
	saslsrv *sasl;
	dstr err = DSTR_INIT;

	if (auth_server_init() != 0)
		return NULL;
	sasl = saslsrv_new("smtp", peer->fqdn, NULL, NULL, NULL, &err);
	if (sasl == NULL) {
		msg_warn("AUTH: %s, relay=%s", dstr_cstr(&err), peer->relay);
		dstr_free(&err);
		return NULL;
	}
	a = xcalloc(1, sizeof(*a));
	a->c = c;
	a->sasl = sasl;
	a->peer = *peer;
	a->relay = xstrdup(peer->relay ? peer->relay : "");
	a->addr = xstrdup(peer->addr ? peer->addr : "");
	a->peer.relay = a->relay;
	a->peer.addr = a->addr;
	a->peer.fqdn = NULL;
	a->secflags = auth_options_secflags(options_get(c->opts, "AuthOptions"));
	dstr_init(&a->mechs);
	/* no SASL security layer: the stream does not have one to offer */
	saslsrv_set_secprops(sasl, a->secflags, 0);
	return a;
}

void
auth_session_free(auth_session *a)
{
	if (a == NULL)
		return;
	saslsrv_free(a->sasl);
	dstr_free(&a->mechs);
	free(a->relay);
	free(a->addr);
	free(a->user);
	free(a);
}

void
auth_session_set_tls(auth_session *a, unsigned ssf, const char *ext_id)
{
	a->tls = 1;
	a->tls_ssf = ssf;
	saslsrv_set_external(a->sasl, ssf);
	if (ext_id && *ext_id)
		saslsrv_set_external_id(a->sasl, ext_id);
}

void
auth_session_require_layer(auth_session *a)
{
	a->secflags |= SASLSRV_SEC_NOPLAINTEXT;
	saslsrv_set_secprops(a->sasl, a->secflags, 0);
}

const char *
auth_session_mechs(auth_session *a)
{
	const char *allowed = options_get(a->c->opts, "AuthMechanisms");
	const char *avail = saslsrv_mechs(a->sasl);

	dstr_clear(&a->mechs);
	auth_mech_intersect(allowed ? allowed : DEFAULT_MECHANISMS, avail, &a->mechs);
	return dstr_cstr(&a->mechs);
}

const char *
auth_session_user(const auth_session *a)
{
	return a->user;
}

static void
say(stream *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
say(stream *s, const char *fmt, ...)
{
	va_list ap;
	dstr d = DSTR_INIT;

	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	dstr_puts(&d, "\r\n");
	stream_write(s, d.s, d.len);
	stream_flush(s);
	dstr_free(&d);
}

/* delay_ms: the pause before answering a failure; grows with every
 * failure of this connection and of the address */
static long
delay_ms(const auth_session *a)
{
	const char *e = getenv("SENDWELL_AUTH_FAILURE_DELAY");
	long base = e && *e ? atol(e) : DEFAULT_DELAY_MS;
	long steps = a->failures + a->peer.recent_failures;

	if (base < 0)
		base = 0;
	if (steps > DELAY_STEPS_MAX)
		steps = DELAY_STEPS_MAX;
	return base * steps;
}

static void
pause_ms(long ms)
{
	struct timespec ts;

	if (ms <= 0)
		return;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (ms % 1000) * 1000000L;
	while (nanosleep(&ts, &ts) != 0)
		;
}

/* failed: count, report to the master, wait, answer; AUTH_DONE_CLOSE
 * once this connection has failed too often */
static enum auth_result
failed(auth_session *a, stream *s, const char *mech, int tempfail)
{
	const char *who = saslsrv_user(a->sasl);
	const char *detail = saslsrv_errdetail(a->sasl);

	a->failures++;
	if (tempfail)
		msg_warn("AUTH failure (%s): temporary failure: %s, relay=%s", mech,
		    detail ? detail : "", a->relay);
	else
		msg_warn("AUTH failure (%s): %s%s%s, relay=%s", mech, detail ? detail : "",
		    who && *who ? ", user=" : "", who && *who ? who : "", a->relay);
	if (!tempfail && a->peer.failed)
		a->peer.failed(a->peer.arg, a->addr);
	pause_ms(delay_ms(a));
	if (tempfail)
		say(s, "454 4.7.0 Temporary authentication failure");
	else
		say(s, "535 5.7.0 authentication failed");
	if (a->failures >= SESSION_MAX_FAILURES) {
		msg_notice("AUTH: %d failed attempts, closing connection, relay=%s",
		    a->failures, a->relay);
		say(s, "421 4.7.0 Too many AUTH failures; closing connection");
		return AUTH_DONE_CLOSE;
	}
	return AUTH_DONE_FAILED;
}

/* valid_b64: the client's text is base64 (or "=", RFC 4954's empty) */
static int
valid_b64(const char *t)
{
	dstr d = DSTR_INIT;
	int ok = strcmp(t, "=") == 0 || base64_decode(&d, t, strlen(t)) == 0;

	dstr_free(&d);
	return ok;
}

static void
bad_b64(auth_session *a, stream *s, const char *t)
{
	msg_notice("AUTH decode64 error [for \"%.40s%s\"], relay=%s", t,
	    strlen(t) > 40 ? "..." : "", a->relay);
	say(s, "501 5.5.4 cannot BASE64 decode '%.40s%s'", t, strlen(t) > 40 ? "..." : "");
}

static void
succeeded(auth_session *a, const char *mech, struct macro_table *mt)
{
	char bits[16];
	unsigned ssf = saslsrv_ssf(a->sasl);

	free(a->user);
	a->user = xstrdup(saslsrv_user(a->sasl));
	snprintf(bits, sizeof(bits), "%u", ssf);
	macro_set_name(mt, "auth_type", mech);
	macro_set_name(mt, "auth_authen", a->user);
	macro_set_name(mt, "auth_ssf", bits);
	msg_info("AUTH=server, relay=%s, authid=%s, mech=%s, bits=%u", a->relay, a->user,
	    mech, ssf);
}

enum auth_result
auth_session_command(auth_session *a, stream *s, const char *arg, struct macro_table *mt)
{
	char *mech;
	const char *initial;
	size_t n = strcspn(arg, " ");
	dstr challenge = DSTR_INIT, line = DSTR_INIT;
	enum auth_result res;
	int r;

	if (a->user) {
		say(s, "503 5.5.0 Already Authenticated");
		return AUTH_DONE_ERROR;
	}
	if (n == 0) {
		say(s, "501 5.5.2 AUTH mechanism must be specified");
		return AUTH_DONE_ERROR;
	}
	if (!has_word(auth_session_mechs(a), arg, n)) {
		say(s, "504 5.3.3 AUTH mechanism %.*s not available", (int)(n < 64 ? n : 64), arg);
		return AUTH_DONE_ERROR;
	}
	mech = xstrndup(arg, n);
	for (char *p = mech; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	if (a->peer.recent_failures + a->failures >= ADDRESS_MAX_FAILURES) {
		if (!a->refused_logged)
			msg_notice("AUTH: %d failed attempts from %s lately, AUTH refused, relay=%s",
			    a->peer.recent_failures, a->addr, a->relay);
		a->refused_logged = 1;
		say(s, "454 4.7.0 Too many failed AUTH attempts from your address; try again later");
		free(mech);
		return AUTH_DONE_ERROR;
	}
	initial = arg[n] ? arg + n + 1 : NULL;
	while (initial && *initial == ' ')
		initial++;
	if (initial && *initial == '\0')
		initial = NULL;
	if (initial && !valid_b64(initial)) {
		bad_b64(a, s, initial);
		free(mech);
		return AUTH_DONE_ERROR;
	}
	r = saslsrv_start(a->sasl, mech, initial, &challenge);
	for (;;) {
		int st;

		if (r == SASLSRV_OK) {
			succeeded(a, mech, mt);
			say(s, "235 2.0.0 OK Authenticated");
			res = AUTH_DONE_OK;
			break;
		}
		if (r == SASLSRV_FAIL || r == SASLSRV_TEMPFAIL) {
			res = failed(a, s, mech, r == SASLSRV_TEMPFAIL);
			break;
		}
		if (r == SASLSRV_NOMECH) {
			say(s, "504 5.3.3 AUTH mechanism %s not available", mech);
			res = AUTH_DONE_ERROR;
			break;
		}
		if (r == SASLSRV_BADPROT) {
			msg_notice("AUTH failure (%s): protocol error: %s, relay=%s", mech,
			    saslsrv_errdetail(a->sasl), a->relay);
			say(s, "501 5.5.2 AUTH protocol error");
			res = AUTH_DONE_ERROR;
			break;
		}
		/* SASLSRV_CONTINUE: one more round */
		say(s, "334 %s", dstr_cstr(&challenge));
		dstr_clear(&challenge);
		dstr_clear(&line);
		st = stream_read_line(s, &line, AUTH_LINE_MAX, NULL);
		if (st == STREAM_TOOLONG) {
			say(s, "500 5.5.6 AUTH response too long");
			res = AUTH_DONE_ERROR;
			break;
		}
		if (st != STREAM_OK) {
			msg_notice("AUTH: connection lost during %s exchange, relay=%s", mech, a->relay);
			res = AUTH_DONE_CLOSE;
			break;
		}
		if (strcmp(dstr_cstr(&line), "*") == 0) {
			say(s, "501 5.0.0 AUTH aborted");
			res = AUTH_DONE_ERROR;
			break;
		}
		if (!valid_b64(dstr_cstr(&line))) {
			bad_b64(a, s, dstr_cstr(&line));
			res = AUTH_DONE_ERROR;
			break;
		}
		r = saslsrv_step(a->sasl, dstr_cstr(&line), &challenge);
	}
	/* (a later AUTH reuses the SASL connection: sasl_server_start
	 * throws away what a failed mechanism left behind) */
	/* scrub what may have held a password */
	if (line.s)
		memset(line.s, 0, line.cap);
	dstr_free(&line);
	dstr_free(&challenge);
	free(mech);
	return res;
}
