/* lmtp: the LMTP server (RFC 2033) of mailboxd and of mail.local -l:
 * LHLO, MAIL, RCPT (checked against the userdb), DATA with one reply per
 * recipient, RSET, NOOP, VRFY, QUIT, dispatched from a table by state.
 * Delivery goes through local.c as each recipient.  Called by login.c
 * for LMTP listeners and by mail.local. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "mailboxd.h"

#define LMTP_LINE_MAX 4096
#define LMTP_DATA_LINE_MAX (1u << 20)
#define LMTP_MAX_RCPTS 1000
#define LMTP_MAX_BAD 20

enum lmtp_state {
	LMTP_GREETED = 1,	/* before LHLO */
	LMTP_READY = 2,		/* after LHLO */
	LMTP_MAIL = 4,		/* after MAIL FROM */
	LMTP_RCPT = 8		/* at least one RCPT */
};

struct lmtp {
	stream *s;
	const struct mbconf *c;
	const struct net_peer *peer;
	unsigned flags;
	enum lmtp_state state;
	dstr from;
	char **rcpts;		/* user names to deliver to */
	char **addrs;		/* the addresses as given */
	size_t nrcpt;
	int done;
	unsigned bad;
};

typedef void (*lmtp_handler)(struct lmtp *l, const char *arg);

static void
reply(struct lmtp *l, const char *text)
{
	stream_puts(l->s, text);
	stream_puts(l->s, "\r\n");
}

static void
reset(struct lmtp *l)
{
	size_t i;

	for (i = 0; i < l->nrcpt; i++) {
		free(l->rcpts[i]);
		free(l->addrs[i]);
	}
	free(l->rcpts);
	free(l->addrs);
	l->rcpts = l->addrs = NULL;
	l->nrcpt = 0;
	dstr_clear(&l->from);
	if (l->state != LMTP_GREETED)
		l->state = LMTP_READY;
}

/* path_arg: "FROM:<addr> params" -> addr (without <>); NULL when bad */
static char *
path_arg(const char *arg, const char *kw)
{
	size_t kl = strlen(kw);
	const char *p, *e;

	if (arg == NULL || strncasecmp(arg, kw, kl) != 0)
		return NULL;
	p = arg + kl;
	while (*p == ' ')
		p++;
	if (*p != '<') {
		e = p;
		while (*e && *e != ' ')
			e++;
		return e > p ? xstrndup(p, (size_t)(e - p)) : NULL;
	}
	e = strchr(p, '>');
	if (e == NULL)
		return NULL;
	return xstrndup(p + 1, (size_t)(e - p - 1));
}

static void
cmd_lhlo(struct lmtp *l, const char *arg)
{
	if (arg == NULL || *arg == '\0') {
		reply(l, "501 5.5.4 Missing hostname");
		return;
	}
	reset(l);
	l->state = LMTP_READY;
	stream_printf(l->s, "250-%s\r\n250-PIPELINING\r\n250-ENHANCEDSTATUSCODES\r\n", l->c->hostname);
	if (!(l->flags & LMTP_NO_8BITMIME))
		stream_puts(l->s, "250-8BITMIME\r\n");
	stream_printf(l->s, "250 SIZE %llu\r\n", (unsigned long long)l->c->max_message_size);
}

static void
cmd_mail(struct lmtp *l, const char *arg)
{
	char *from = path_arg(arg, "FROM:");
	const char *size;

	if (from == NULL) {
		reply(l, "501 5.5.4 Invalid parameters");
		return;
	}
	size = arg ? strcasestr(arg, " SIZE=") : NULL;
	if (size && strtoull(size + 6, NULL, 10) > l->c->max_message_size) {
		reply(l, "552 5.3.4 Message size exceeds fixed limit");
		free(from);
		return;
	}
	dstr_set(&l->from, from);
	free(from);
	l->state = LMTP_MAIL;
	reply(l, "250 2.1.0 OK");
}

/* user_of: the mailbox owner an address names: the whole address when
 * the userdb knows it (virtual users), else its local part less any
 * +detail */
static char *
user_of(struct lmtp *l, const char *addr)
{
	struct mb_user mu;
	dstr err = DSTR_INIT, local = DSTR_INIT;
	const char *at = strrchr(addr, '@');
	const char *delim = l->c->lmtp_recipient_delimiter;
	char *r = NULL;

	if (auth_lookup(l->c, addr, &mu, &err) == 0) {
		auth_user_free(&mu);
		dstr_free(&err);
		return xstrdup(addr);
	}
	dstr_append(&local, addr, at ? (size_t)(at - addr) : strlen(addr));
	if (delim && *delim) {
		char *d = strpbrk(local.s, delim);

		if (d)
			dstr_truncate(&local, (size_t)(d - local.s));
	}
	dstr_clear(&err);
	if (local.len && auth_lookup(l->c, local.s, &mu, &err) == 0) {
		auth_user_free(&mu);
		r = dstr_steal(&local);
	}
	dstr_free(&local);
	dstr_free(&err);
	return r;
}

static void
cmd_rcpt(struct lmtp *l, const char *arg)
{
	char *to = path_arg(arg, "TO:"), *user;

	if (to == NULL || *to == '\0') {
		free(to);
		reply(l, "501 5.5.4 Invalid parameters");
		return;
	}
	if (l->nrcpt >= LMTP_MAX_RCPTS) {
		free(to);
		reply(l, "452 4.5.3 Too many recipients");
		return;
	}
	user = user_of(l, to);
	if (user == NULL) {
		stream_printf(l->s, "550 5.1.1 <%s> User doesn't exist: %s\r\n", to, to);
		free(to);
		return;
	}
	l->rcpts = xreallocarray(l->rcpts, l->nrcpt + 1, sizeof(char *));
	l->addrs = xreallocarray(l->addrs, l->nrcpt + 1, sizeof(char *));
	l->rcpts[l->nrcpt] = user;
	l->addrs[l->nrcpt] = to;
	l->nrcpt++;
	l->state = LMTP_RCPT;
	reply(l, "250 2.1.5 OK");
}

static void
cmd_data(struct lmtp *l, const char *arg)
{
	dstr body = DSTR_INIT, line = DSTR_INIT, err = DSTR_INIT, msg = DSTR_INIT;
	int toobig = 0, st;
	size_t i;

	reply(l, "354 OK");
	if (stream_flush(l->s) != STREAM_OK) {
		l->done = 1;
		return;
	}
	for (;;) {
		dstr_clear(&line);
		st = stream_read_line(l->s, &line, LMTP_DATA_LINE_MAX, NULL);
		if (st == STREAM_TOOLONG) {
			toobig = 1;
			continue;
		}
		if (st != STREAM_OK) {
			l->done = 1;
			goto out;
		}
		if (line.len == 1 && line.s[0] == '.')
			break;
		if (toobig)
			continue;
		if (line.len && line.s[0] == '.')
			dstr_append(&body, line.s + 1, line.len - 1);
		else
			dstr_append(&body, line.s ? line.s : "", line.len);
		dstr_puts(&body, "\r\n");
		if (body.len > l->c->max_message_size)
			toobig = 1;
	}
	for (i = 0; i < l->nrcpt; i++) {
		int r;

		if (toobig) {
			stream_printf(l->s, "552 5.3.4 <%s> Message too big\r\n", l->addrs[i]);
			continue;
		}
		if (stream_peer_gone(l->s)) {
			/* the client died after sending the data: it never
			 * sees a reply, so it will retry; saving now would
			 * deliver the message twice */
			msg_warn("lmtp(%s): client went away before delivery; not saved",
			    l->rcpts[i]);
			l->done = 1;
			goto out;
		}
		dstr_clear(&msg);
		if (l->flags & LMTP_ADD_RETURN_PATH)
			dstr_printf(&msg, "Return-Path: <%s>\r\nDelivered-To: %s\r\n", dstr_cstr(&l->from),
			    l->addrs[i]);
		dstr_append(&msg, body.s ? body.s : "", body.len);
		dstr_clear(&err);
		r = local_deliver(l->c, l->rcpts[i], NULL, l->from.len ? l->from.s : "MAILER-DAEMON",
		    msg.s ? msg.s : "", msg.len, &err);
		switch (r) {
		case LOCAL_OK:
			msg_info("lmtp(%s): saved mail to INBOX: from=<%s>, size=%zu", l->rcpts[i],
			    dstr_cstr(&l->from), msg.len);
			stream_printf(l->s, "250 2.0.0 <%s> Saved\r\n", l->addrs[i]);
			break;
		case LOCAL_NOUSER:
			stream_printf(l->s, "550 5.1.1 <%s> User doesn't exist\r\n", l->addrs[i]);
			break;
		case LOCAL_QUOTA:
			msg_info("lmtp(%s): quota exceeded: from=<%s>", l->rcpts[i], dstr_cstr(&l->from));
			if (l->c->quota_permanent)
				stream_printf(l->s, "552 5.2.2 <%s> Quota exceeded (mailbox for user is full)\r\n",
				    l->addrs[i]);
			else
				stream_printf(l->s, "452 4.2.2 <%s> Quota exceeded (mailbox for user is full)\r\n",
				    l->addrs[i]);
			break;
		default:
			msg_warn("lmtp(%s): delivery failed: %s", l->rcpts[i], dstr_cstr(&err));
			stream_printf(l->s, "451 4.3.0 <%s> Temporary internal error\r\n", l->addrs[i]);
		}
	}
out:
	reset(l);
	dstr_free(&body);
	dstr_free(&line);
	dstr_free(&err);
	dstr_free(&msg);
}

static void
cmd_rset(struct lmtp *l, const char *arg)
{
	reset(l);
	reply(l, "250 2.0.0 OK");
}

static void
cmd_noop(struct lmtp *l, const char *arg)
{
	reply(l, "250 2.0.0 OK");
}

static void
cmd_vrfy(struct lmtp *l, const char *arg)
{
	reply(l, "252 2.3.3 Try RCPT instead");
}

static void
cmd_quit(struct lmtp *l, const char *arg)
{
	reply(l, "221 2.0.0 OK");
	l->done = 1;
}

struct lmtp_command {
	const char *name;
	lmtp_handler fn;
	unsigned states;
	const char *refusal;
};

#define ANY (LMTP_GREETED | LMTP_READY | LMTP_MAIL | LMTP_RCPT)
static const struct lmtp_command commands[] = {
	{ "LHLO", cmd_lhlo, ANY, NULL },
	{ "MAIL", cmd_mail, LMTP_READY, "503 5.5.1 MAIL needs LHLO first / MAIL already given" },
	{ "RCPT", cmd_rcpt, LMTP_MAIL | LMTP_RCPT, "503 5.5.1 MAIL needed first" },
	{ "DATA", cmd_data, LMTP_RCPT, "503 5.5.1 No valid recipients" },
	{ "RSET", cmd_rset, ANY, NULL },
	{ "NOOP", cmd_noop, ANY, NULL },
	{ "VRFY", cmd_vrfy, ANY, NULL },
	{ "QUIT", cmd_quit, ANY, NULL },
};

void
lmtp_serve(stream *s, const struct mbconf *c, const struct net_peer *peer, unsigned flags)
{
	struct lmtp l;
	dstr line = DSTR_INIT;

	memset(&l, 0, sizeof(l));
	l.s = s;
	l.c = c;
	l.peer = peer;
	l.flags = flags;
	l.state = LMTP_GREETED;
	dstr_init(&l.from);
	stream_printf(s, "220 %s Sendwell LMTP ready\r\n", c->hostname);
	while (!l.done) {
		const struct lmtp_command *cmd = NULL;
		char *arg;
		size_t i;
		int st;

		if (stream_flush(s) != STREAM_OK)
			break;
		dstr_clear(&line);
		st = stream_read_line(s, &line, LMTP_LINE_MAX, NULL);
		if (st == STREAM_TOOLONG) {
			reply(&l, "500 5.5.2 Line too long");
			if (++l.bad > LMTP_MAX_BAD)
				break;
			continue;
		}
		if (st != STREAM_OK)
			break;
		arg = strchr(dstr_cstr(&line), ' ');
		if (arg)
			*arg++ = '\0';
		for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
			if (strcasecmp(commands[i].name, dstr_cstr(&line)) == 0)
				cmd = &commands[i];
		if (cmd == NULL) {
			reply(&l, "500 5.5.1 Unknown command");
			if (++l.bad > LMTP_MAX_BAD)
				break;
			continue;
		}
		if (!(cmd->states & l.state)) {
			reply(&l, cmd->refusal ? cmd->refusal : "503 5.5.1 Bad sequence of commands");
			continue;
		}
		cmd->fn(&l, arg);
	}
	(void)stream_flush(s);
	reset(&l);
	dstr_free(&l.from);
	dstr_free(&line);
}
