/* pop3: the POP3 session (RFC 1939, CAPA, AUTH RFC 5034, STLS) over a
 * snapshot of INBOX taken at login, DELE'd messages expunged at QUIT;
 * commands dispatched from a table by state.  Driven by login.c
 * (pop3_prelogin in the login process, pop3_postlogin after login). */
#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/store.h"
#include "mailboxd.h"

#define POP3_LINE_MAX 1024
#define POP3_MAX_BAD 20

enum pop3_state {
	POP3_AUTHORIZATION = 1,
	POP3_TRANSACTION = 2
};

struct pop3_msg {
	uint32_t uid;
	uint64_t size;
	int deleted;
};

struct pop3 {
	struct session *ss;
	stream *s;
	enum pop3_state state;
	dstr user;		/* from USER */
	int done;		/* QUIT or a fatal error */
	int logged_in;
	store_user *u;
	store_mailbox *mb;
	struct pop3_msg *msgs;
	size_t n;
	unsigned bad;
	unsigned long long retr_bytes;
	unsigned retr_count, del_count;
};

typedef void (*pop3_handler)(struct pop3 *p, char *arg);

static void
ok(struct pop3 *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void
ok(struct pop3 *p, const char *fmt, ...)
{
	va_list ap;
	dstr d = DSTR_INIT;

	dstr_puts(&d, "+OK ");
	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	if (d.len == 4)
		dstr_truncate(&d, 3);
	dstr_puts(&d, "\r\n");
	stream_write(p->s, d.s, d.len);
	dstr_free(&d);
}

static void
err(struct pop3 *p, const char *msg)
{
	stream_printf(p->s, "-ERR %s\r\n", msg);
}

/* ---- AUTHORIZATION ---- */

static void
cmd_capa(struct pop3 *p, char *arg)
{
	stream_puts(p->s, "+OK\r\nCAPA\r\nTOP\r\nUIDL\r\nRESP-CODES\r\nPIPELINING\r\nAUTH-RESP-CODE\r\n");
	if (p->state == POP3_AUTHORIZATION) {
		dstr mechs = DSTR_INIT;
		int plain_ok = session_plaintext_ok(p->ss);

		if (p->ss->tlsctx && !p->ss->tls)
			stream_puts(p->s, "STLS\r\n");
		if (plain_ok)
			stream_puts(p->s, "USER\r\n");
		p->ss->auth->mechs(p->ss->auth->ctx, p->ss->tls, &mechs);
		if (!plain_ok) {
			/* plaintext mechanisms only under TLS */
			char *save = NULL, *t;
			dstr keep = DSTR_INIT;

			for (t = strtok_r(mechs.s ? mechs.s : (char *)"", " ", &save); t;
			    t = strtok_r(NULL, " ", &save))
				if (strcmp(t, "PLAIN") != 0 && strcmp(t, "LOGIN") != 0)
					dstr_printf(&keep, "%s%s", keep.len ? " " : "", t);
			dstr_set(&mechs, dstr_cstr(&keep));
			dstr_free(&keep);
		}
		if (mechs.len)
			stream_printf(p->s, "SASL %s\r\n", mechs.s);
		dstr_free(&mechs);
	}
	stream_puts(p->s, "IMPLEMENTATION Sendwell\r\n.\r\n");
}

static void
cmd_quit(struct pop3 *p, char *arg)
{
	if (p->state == POP3_TRANSACTION) {
		uint32_t *uids = xcalloc(p->n + 1, sizeof(uint32_t));
		size_t i, nd = 0;

		for (i = 0; i < p->n; i++) {
			ssize_t k;

			if (!p->msgs[i].deleted)
				continue;
			k = store_find_uid(p->mb, p->msgs[i].uid);
			if (k >= 0) {
				const struct store_msg *m = store_msg_at(p->mb, (size_t)k);

				(void)store_set_flags(p->mb, (size_t)k, m->flags | STORE_DELETED, m->keywords);
			}
			uids[nd++] = p->msgs[i].uid;
		}
		if (nd && store_expunge(p->mb, uids, nd, NULL, NULL) < 0) {
			free(uids);
			err(p, "[SYS/TEMP] Failed to delete messages.");
			p->done = 1;
			return;
		}
		free(uids);
		(void)store_commit(p->mb);
	}
	ok(p, "Logging out.");
	p->done = 1;
}

static void
cmd_stls(struct pop3 *p, char *arg)
{
	if (p->ss->tls) {
		err(p, "TLS is already active.");
		return;
	}
	if (p->ss->tlsctx == NULL) {
		err(p, "TLS support isn't enabled.");
		return;
	}
	if (stream_pending(p->s) > 0) {
		err(p, "STLS can't be pipelined.");
		return;
	}
	ok(p, "Begin TLS negotiation now.");
	if (stream_flush(p->s) != STREAM_OK || session_starttls(p->ss) < 0)
		p->done = 1;
}

static void
cmd_user(struct pop3 *p, char *arg)
{
	if (!session_plaintext_ok(p->ss)) {
		err(p, "[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
		return;
	}
	if (arg == NULL || *arg == '\0') {
		err(p, "No username given.");
		return;
	}
	dstr_set(&p->user, arg);
	ok(p, "%s", "");
}

static void
auth_failed(struct pop3 *p, int r, const char *user)
{
	p->ss->auth_failures++;
	dstr_set(&p->ss->user, user ? user : "");
	if (r == AUTH_TEMPFAIL) {
		err(p, "[SYS/TEMP] Temporary authentication failure.");
		return;
	}
	session_auth_delay(p->ss);
	msg_info("pop3-login: Authentication failed: user=<%s>, method=%s, rip=%s, lip=%s%s",
	    user ? user : "", dstr_cstr(&p->ss->method), p->ss->peer.rip, p->ss->peer.lip,
	    p->ss->tls ? ", TLS" : "");
	err(p, "[AUTH] Authentication failed.");
}

static void
cmd_pass(struct pop3 *p, char *arg)
{
	dstr who = DSTR_INIT;
	int r;

	if (p->user.len == 0) {
		err(p, "No username given.");
		return;
	}
	if (!session_plaintext_ok(p->ss)) {
		err(p, "[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
		return;
	}
	dstr_set(&p->ss->method, "PLAIN");
	r = p->ss->auth->plain(p->ss->auth->ctx, p->user.s, arg ? arg : "", &who);
	if (r == AUTH_OK) {
		dstr_set(&p->ss->user, who.s);
		p->logged_in = 1;
	} else
		auth_failed(p, r, p->user.s);
	dstr_free(&who);
}

static void
cmd_auth(struct pop3 *p, char *arg)
{
	const struct login_auth *la = p->ss->auth;
	dstr chal = DSTR_INIT, who = DSTR_INIT, line = DSTR_INIT;
	char *mech, *initial = NULL;
	int r;

	if (arg == NULL || *arg == '\0') {
		dstr mechs = DSTR_INIT;
		char *save = NULL, *t;

		la->mechs(la->ctx, p->ss->tls, &mechs);
		stream_puts(p->s, "+OK\r\n");
		for (t = strtok_r(mechs.s ? mechs.s : (char *)"", " ", &save); t; t = strtok_r(NULL, " ", &save))
			stream_printf(p->s, "%s\r\n", t);
		stream_puts(p->s, ".\r\n");
		dstr_free(&mechs);
		return;
	}
	mech = arg;
	if ((initial = strchr(arg, ' ')) != NULL) {
		*initial++ = '\0';
		while (*initial == ' ')
			initial++;
	}
	for (char *q = mech; *q; q++)
		*q = (char)toupper((unsigned char)*q);
	if (!session_plaintext_ok(p->ss) && (strcmp(mech, "PLAIN") == 0 || strcmp(mech, "LOGIN") == 0)) {
		err(p, "[AUTH] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
		return;
	}
	dstr_set(&p->ss->method, mech);
	r = la->sasl_start(la->ctx, mech, initial && *initial ? initial : NULL, p->ss->tls, &chal, &who);
	while (r == AUTH_CONTINUE) {
		stream_printf(p->s, "+ %s\r\n", dstr_cstr(&chal));
		dstr_clear(&chal);
		dstr_clear(&line);
		if (stream_flush(p->s) != STREAM_OK ||
		    stream_read_line(p->s, &line, 65536, NULL) != STREAM_OK) {
			p->done = 1;
			goto out;
		}
		if (strcmp(dstr_cstr(&line), "*") == 0) {
			err(p, "Authentication aborted by client.");
			goto out;
		}
		r = la->sasl_step(la->ctx, line.len ? line.s : "=", &chal, &who);
	}
	if (r == AUTH_OK) {
		dstr_set(&p->ss->user, who.s);
		p->logged_in = 1;
	} else if (r == AUTH_NOMECH)
		err(p, "Unsupported authentication mechanism.");
	else if (r == AUTH_BADPROT)
		err(p, "Invalid base64 data in continued response");
	else
		auth_failed(p, r, who.s);
out:
	dstr_free(&chal);
	dstr_free(&who);
	dstr_free(&line);
}

/* ---- TRANSACTION ---- */

/* msg_arg: message number argument -> index, or -1 after an error reply */
static ssize_t
msg_arg(struct pop3 *p, const char *arg)
{
	char *e;
	unsigned long v;

	if (arg == NULL || !isdigit((unsigned char)*arg)) {
		err(p, "Invalid message number.");
		return -1;
	}
	v = strtoul(arg, &e, 10);
	if ((*e && *e != ' ') || v == 0 || v > p->n) {
		err(p, "There's no message with that number.");
		return -1;
	}
	if (p->msgs[v - 1].deleted) {
		err(p, "Message is deleted.");
		return -1;
	}
	return (ssize_t)(v - 1);
}

static void
cmd_stat(struct pop3 *p, char *arg)
{
	size_t i, c = 0;
	unsigned long long sz = 0;

	for (i = 0; i < p->n; i++)
		if (!p->msgs[i].deleted) {
			c++;
			sz += p->msgs[i].size;
		}
	ok(p, "%zu %llu", c, sz);
}

static void
cmd_list(struct pop3 *p, char *arg)
{
	size_t i;

	if (arg && *arg) {
		ssize_t k = msg_arg(p, arg);

		if (k >= 0)
			ok(p, "%zd %llu", k + 1, (unsigned long long)p->msgs[k].size);
		return;
	}
	ok(p, "%s", "");
	for (i = 0; i < p->n; i++)
		if (!p->msgs[i].deleted)
			stream_printf(p->s, "%zu %llu\r\n", i + 1, (unsigned long long)p->msgs[i].size);
	stream_puts(p->s, ".\r\n");
}

static void
cmd_uidl(struct pop3 *p, char *arg)
{
	uint32_t v = store_uidvalidity(p->mb);
	size_t i;

	if (arg && *arg) {
		ssize_t k = msg_arg(p, arg);

		if (k >= 0)
			ok(p, "%zd %08X%08X", k + 1, p->msgs[k].uid, v);
		return;
	}
	ok(p, "%s", "");
	for (i = 0; i < p->n; i++)
		if (!p->msgs[i].deleted)
			stream_printf(p->s, "%zu %08X%08X\r\n", i + 1, p->msgs[i].uid, v);
	stream_puts(p->s, ".\r\n");
}

/* send_dotted: the message with dot-stuffing, body lines limited to
 * max_lines (-1: all), ending in CRLF "." CRLF */
static void
send_dotted(struct pop3 *p, const dstr *m, long max_lines)
{
	size_t i = 0, start;
	int in_body = 0;
	long lines = 0;

	while (i < m->len) {
		const char *nl = memchr(m->s + i, '\n', m->len - i);
		size_t e = nl ? (size_t)(nl - m->s) + 1 : m->len;

		if (in_body && max_lines >= 0 && lines >= max_lines)
			break;
		start = i;
		if (m->s[start] == '.')
			stream_write(p->s, ".", 1);
		stream_write(p->s, m->s + start, e - start);
		if (!in_body && (e - start == 2 && m->s[start] == '\r'))
			in_body = 1;
		else if (in_body)
			lines++;
		i = e;
	}
	if (m->len == 0 || m->s[m->len - 1] != '\n' || (max_lines >= 0 && i < m->len &&
	    i > 0 && m->s[i - 1] != '\n'))
		stream_write(p->s, "\r\n", 2);
	stream_puts(p->s, ".\r\n");
}

static void
retr_common(struct pop3 *p, char *arg, int top)
{
	dstr m = DSTR_INIT;
	ssize_t k, si;
	long lines = -1;

	k = msg_arg(p, arg);
	if (k < 0)
		return;
	if (top) {
		const char *sp = strchr(arg, ' ');
		char *e;

		if (sp == NULL || !isdigit((unsigned char)sp[1])) {
			err(p, "Invalid number of lines.");
			return;
		}
		lines = strtol(sp + 1, &e, 10);
		if (*e || lines < 0) {
			err(p, "Invalid number of lines.");
			return;
		}
	}
	si = store_find_uid(p->mb, p->msgs[k].uid);
	if (si < 0 || store_read(p->mb, (size_t)si, &m) < 0) {
		err(p, "[SYS/TEMP] Message has been deleted by another session.");
		dstr_free(&m);
		return;
	}
	ok(p, "%llu octets", (unsigned long long)p->msgs[k].size);
	send_dotted(p, &m, lines);
	if (!top) {
		const struct store_msg *sm;

		si = store_find_uid(p->mb, p->msgs[k].uid);
		if (si >= 0 && !((sm = store_msg_at(p->mb, (size_t)si))->flags & STORE_SEEN))
			(void)store_set_flags(p->mb, (size_t)si, sm->flags | STORE_SEEN, sm->keywords);
		p->retr_count++;
		p->retr_bytes += m.len;
	}
	dstr_free(&m);
}

static void
cmd_retr(struct pop3 *p, char *arg)
{
	retr_common(p, arg, 0);
}

static void
cmd_top(struct pop3 *p, char *arg)
{
	retr_common(p, arg, 1);
}

static void
cmd_dele(struct pop3 *p, char *arg)
{
	ssize_t k = msg_arg(p, arg);

	if (k < 0)
		return;
	p->msgs[k].deleted = 1;
	p->del_count++;
	ok(p, "Marked to be deleted.");
}

static void
cmd_rset(struct pop3 *p, char *arg)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		p->msgs[i].deleted = 0;
	p->del_count = 0;
	ok(p, "%s", "");
}

static void
cmd_noop(struct pop3 *p, char *arg)
{
	ok(p, "%s", "");
}

/* ---- tables ---- */

struct pop3_command {
	const char *name;
	pop3_handler fn;
	unsigned states;
};

static const struct pop3_command commands[] = {
	{ "CAPA", cmd_capa, POP3_AUTHORIZATION | POP3_TRANSACTION },
	{ "QUIT", cmd_quit, POP3_AUTHORIZATION | POP3_TRANSACTION },
	{ "NOOP", cmd_noop, POP3_TRANSACTION },
	{ "STLS", cmd_stls, POP3_AUTHORIZATION },
	{ "USER", cmd_user, POP3_AUTHORIZATION },
	{ "PASS", cmd_pass, POP3_AUTHORIZATION },
	{ "AUTH", cmd_auth, POP3_AUTHORIZATION },
	{ "STAT", cmd_stat, POP3_TRANSACTION },
	{ "LIST", cmd_list, POP3_TRANSACTION },
	{ "UIDL", cmd_uidl, POP3_TRANSACTION },
	{ "RETR", cmd_retr, POP3_TRANSACTION },
	{ "TOP", cmd_top, POP3_TRANSACTION },
	{ "DELE", cmd_dele, POP3_TRANSACTION },
	{ "RSET", cmd_rset, POP3_TRANSACTION },
};

static void
loop(struct pop3 *p)
{
	dstr line = DSTR_INIT;

	while (!p->done && !p->logged_in) {
		const struct pop3_command *c = NULL;
		char *arg;
		size_t i;
		int st;

		if (stream_flush(p->s) != STREAM_OK)
			break;
		dstr_clear(&line);
		st = stream_read_line(p->s, &line, POP3_LINE_MAX, NULL);
		if (st == STREAM_TOOLONG) {
			err(p, "Line too long.");
			if (++p->bad >= POP3_MAX_BAD)
				break;
			continue;
		}
		if (st != STREAM_OK)
			break;
		if (memchr(line.s ? line.s : "", '\0', line.len)) {
			err(p, "Invalid command.");
			continue;
		}
		arg = strchr(dstr_cstr(&line), ' ');
		if (arg)
			*arg++ = '\0';
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcasecmp(commands[i].name, dstr_cstr(&line)) == 0)
				c = &commands[i];
		if (c == NULL) {
			err(p, "Unknown command.");
			if (++p->bad >= POP3_MAX_BAD) {
				err(p, "Too many bad commands.");
				break;
			}
			continue;
		}
		if (!(c->states & p->state)) {
			err(p, p->state == POP3_AUTHORIZATION ? "[AUTH] Authentication required." :
			    "Command not allowed now.");
			continue;
		}
		c->fn(p, arg);
	}
	(void)stream_flush(p->s);
	dstr_free(&line);
}

int
pop3_prelogin(struct session *ss)
{
	struct pop3 p;

	memset(&p, 0, sizeof(p));
	p.ss = ss;
	p.s = ss->s;
	p.state = POP3_AUTHORIZATION;
	dstr_init(&p.user);
	stream_printf(ss->s, "+OK %s\r\n", ss->conf->login_greeting);
	loop(&p);
	dstr_free(&p.user);
	if (p.logged_in) {
		dstr_set(&ss->resume, "");
		return 1;
	}
	if (ss->auth_failures)
		session_log_failure(ss, "auth failed");
	return 0;
}

void
pop3_postlogin(struct session *ss)
{
	struct pop3 p;
	dstr e = DSTR_INIT;
	size_t i;

	memset(&p, 0, sizeof(p));
	p.ss = ss;
	p.s = ss->s;
	p.state = POP3_TRANSACTION;
	dstr_init(&p.user);
	p.u = store_user_new(ss->mu->mail, ss->mu->name, ss->mu->home, &e);
	if (p.u)
		p.mb = store_open(p.u, "INBOX", 0, &e);
	if (p.mb == NULL) {
		msg_error("pop3(%s): %s", ss->mu->name, dstr_cstr(&e));
		err(&p, "[SYS/PERM] Couldn't open INBOX.");
		(void)stream_flush(p.s);
		store_user_free(p.u);
		dstr_free(&e);
		return;
	}
	p.n = store_count(p.mb);
	p.msgs = xcalloc(p.n + 1, sizeof(*p.msgs));
	for (i = 0; i < p.n; i++) {
		const struct store_msg *m = store_msg_at(p.mb, i);

		p.msgs[i].uid = m->uid;
		p.msgs[i].size = m->size;
	}
	ok(&p, "Logged in.");
	loop(&p);
	msg_info("pop3(%s): Disconnected: %s top=0/0, retr=%u/%llu, del=%u/%zu, size=%llu",
	    ss->mu->name, p.done ? "Logged out" : "Connection closed", p.retr_count, p.retr_bytes,
	    p.del_count, p.n, 0ull);
	store_close(p.mb);
	store_user_free(p.u);
	free(p.msgs);
	dstr_free(&p.user);
	dstr_free(&e);
}
