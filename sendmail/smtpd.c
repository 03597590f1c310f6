/* smtpd: one SMTP server session (see smtpd.h).  A command table maps
 * verbs to handlers; a session is in one of a few states (no HELO yet,
 * ready, sender given, recipients given).  The config decides: each
 * check_* ruleset runs on what the client sent, and its $#error answers
 * become the replies. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/stream.h"
#include "addr/addr_util.h"
#include "sendmail/expand.h"
#include "sendmail/headers.h"
#include "sendmail/maillog.h"
#include "sendmail/parseaddr.h"
#include "sendmail/queue.h"
#include "sendmail/rewrite.h"
#include "sendmail/smtpd.h"

#define SMTP_LINE_MAX 4096	/* commands: RFC 5321 asks for 512 */
#define DATA_LINE_MAX (1024 * 1024)
#define RECIPIENT_FACTOR 30000
#define MAX_BAD_COMMANDS 25

enum state { ST_START, ST_READY, ST_MAIL, ST_RCPT };

struct sess {
	struct conf *c;
	stream *s;
	const struct smtpd_peer *peer;
	struct macro_table mt;		/* session macros; parent: config */
	struct envelope e;
	enum state st;
	int esmtp, helo_seen, quit, rejected, bad;
	int discard;			/* check_mail said $#discard */
	char *reject_reply;		/* check_relay said no */
	long maxsize, maxrcpts;
	size_t nrcpts;
	smtpd_notify notify;
	void *arg;
	const char *j;
};

struct check {
	int verdict;			/* 0 ok, 1 reject, 2 discard, 3 tempfail */
	dstr reply;			/* the reply for a reject */
};

static void
reply(struct sess *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void
reply(struct sess *s, const char *fmt, ...)
{
	va_list ap;
	dstr d = DSTR_INIT;

	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	dstr_puts(&d, "\r\n");
	stream_write(s->s, d.s, d.len);
	dstr_free(&d);
	/* with PIPELINING, replies wait until the client waits for them */
	if (stream_pending(s->s) == 0)
		stream_flush(s->s);
}

static void
set(struct sess *s, const char *name, const char *value)
{
	macro_set_name(&s->mt, name, value);
}

static int
privacy(struct sess *s, const char *flag)
{
	const char *p = options_get(s->c->opts, "PrivacyOptions");

	return p && strcasestr(p, flag) != NULL;
}

/* is_dsn: "x.y.z" */
static int
is_dsn(const char *p)
{
	int a, b, c;
	char t;

	return sscanf(p, "%d.%d.%d%c", &a, &b, &c, &t) >= 3 && (a == 2 || a == 4 || a == 5);
}

/* error_reply: the reply for a $#error triple: code and status from the
 * text or the $@ part, then "<addr>... text" */
static void
error_reply(const char *dsn_part, const char *text, const char *addr, dstr *out)
{
	dstr t = DSTR_INIT;
	const char *p;
	int code = 550;
	char dsn[32] = "";

	for (p = text; *p; p++)
		if (*p != '"')
			dstr_putc(&t, *p);
	p = dstr_cstr(&t);
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && (p[3] == ' ' || p[3] == '\0')) {
		code = atoi(p);
		p += p[3] ? 4 : 3;
	}
	if (isdigit((unsigned char)p[0]) && is_dsn(p)) {
		size_t n = strcspn(p, " ");

		snprintf(dsn, sizeof(dsn), "%.*s", (int)n, p);
		p += n;
		while (*p == ' ')
			p++;
	}
	if (dsn[0] == '\0' && dsn_part && is_dsn(dsn_part))
		snprintf(dsn, sizeof(dsn), "%s", dsn_part);
	if (dsn[0] == '\0')
		snprintf(dsn, sizeof(dsn), "%d.0.0", code / 100);
	if (dsn[0] != (char)('0' + code / 100))
		dsn[0] = (char)('0' + code / 100);
	if (addr)
		dstr_printf(out, "%d %s %s... %s", code, dsn, addr, p);
	else
		dstr_printf(out, "%d %s %s", code, dsn, p);
	dstr_free(&t);
}

/* run_check: the named ruleset over input (two inputs are joined with
 * the $| operator, as check_relay wants them); its verdict */
static void
run_check2(struct sess *s, const char *name, const char *input, const char *input2,
    const char *addr, struct check *out)
{
	struct conf *c = s->c;
	int rs = ruleset_lookup(&c->rules, name), st;
	struct toklist ws = { 0 };
	pool *p;
	const char *end;

	out->verdict = 0;
	dstr_init(&out->reply);
	if (rs < 0 || c->rules.rs[rs].n == 0)
		return;
	p = pool_new();
	{
		struct rw_env env = { c, &s->e.macros, p, NULL };

		addr_tokenize(&c->syntax, input, '\0', TOK_MODE_EXTERNAL, p, &ws, &end, NULL);
		if (input2) {
			struct tok bar = { "", 0, TOK_CONDELSE, 0 };

			toklist_push(&ws, bar);
			addr_tokenize(&c->syntax, input2, '\0', TOK_MODE_EXTERNAL, p, &ws, &end, NULL);
		}
		st = rewrite(&env, &ws, rs);
	}
	if (ws.n >= 2 && ws.v[0].op == TOK_CANONNET && ws.v[1].op == TOK_TEXT) {
		const char *mailer = ws.v[1].s;
		size_t i, hs = 0, us = 0;
		dstr host = DSTR_INIT, text = DSTR_INIT;

		for (i = 2; i < ws.n; i++) {
			if (ws.v[i].op == TOK_CANONHOST && !hs)
				hs = i + 1;
			if (ws.v[i].op == TOK_CANONUSER && !us)
				us = i + 1;
		}
		if (hs)
			addr_cat(&c->syntax, &ws.v[hs], (us ? us - 1 : ws.n) - hs, 0, &host);
		if (us)
			addr_cat(&c->syntax, &ws.v[us], ws.n - us, ' ', &text);
		if (strcasecmp(mailer, "error") == 0 || strcasecmp(mailer, "TEMP") == 0) {
			error_reply(dstr_cstr(&host), text.len ? text.s :
			    (strcasecmp(mailer, "TEMP") == 0 ? "451 Temporary failure" : "550 Access denied"),
			    addr, &out->reply);
			out->verdict = out->reply.s[0] == '4' ? 3 : 1;
		} else if (strcasecmp(mailer, "discard") == 0)
			out->verdict = 2;
		dstr_free(&host);
		dstr_free(&text);
	} else if (st == EX_TEMPFAIL) {
		dstr_puts(&out->reply, "451 4.3.0 Temporary system failure. Please try again later.");
		out->verdict = 3;
	}
	toklist_free(&ws);
	pool_free(p);
}

static void
run_check(struct sess *s, const char *name, const char *input, const char *addr,
    struct check *out)
{
	run_check2(s, name, input, NULL, addr, out);
}

static void
reset_tx(struct sess *s)
{
	s->discard = 0;
	envelope_free(&s->e);
	envelope_init(&s->e, &s->mt);
	s->nrcpts = 0;
	if (s->st > ST_READY)
		s->st = ST_READY;
}

/* angle: the address inside <...> after "FROM:" / "TO:", and the
 * parameters after it */
static int
parse_path(const char *arg, const char *kw, char **addr, char **params)
{
	const char *p = arg;
	size_t klen = strlen(kw);

	if (strncasecmp(p, kw, klen) != 0)
		return -1;
	p += klen;
	while (*p == ' ')
		p++;
	if (*p == '<') {
		const char *q = p + 1;
		int quote = 0;

		for (; *q && (quote || *q != '>'); q++)
			if (*q == '"')
				quote = !quote;
		if (*q != '>') {
			*addr = xstrdup(p);
			*params = xstrdup("");
			return 1;	/* unbalanced: let the tokenizer say so */
		}
		*addr = xstrndup(p + 1, (size_t)(q - p - 1));
		p = q + 1;
	} else {
		const char *q = p;

		while (*q && *q != ' ')
			q++;
		*addr = xstrndup(p, (size_t)(q - p));
		p = q;
	}
	while (*p == ' ')
		p++;
	*params = xstrdup(p);
	return 0;
}

static void
cmd_helo(struct sess *s, const char *arg, int ehlo)
{
	const char *client = s->peer->local ? s->peer->ident : NULL;
	dstr who = DSTR_INIT;

	if (*arg == '\0' && !options_is_set(s->c->opts, "AllowBogusHELO")) {
		reply(s, "501 5.0.0 %s requires domain address", ehlo ? "EHLO" : "HELO");
		return;
	}
	reset_tx(s);
	set(s, "s", arg);
	set(s, "r", ehlo ? "ESMTP" : "SMTP");
	s->helo_seen = 1;
	s->esmtp = ehlo;
	s->st = ST_READY;
	if (client)
		dstr_puts(&who, client);
	else
		dstr_printf(&who, "%s [%s]", s->peer->name[0] ? s->peer->name : s->peer->addr,
		    s->peer->addr);
	if (!ehlo) {
		reply(s, "250 %s Hello %s, pleased to meet you", s->j, who.s);
		dstr_free(&who);
		return;
	}
	reply(s, "250-%s Hello %s, pleased to meet you", s->j, who.s);
	reply(s, "250-ENHANCEDSTATUSCODES");
	reply(s, "250-PIPELINING");
	reply(s, "250-8BITMIME");
	if (s->maxsize > 0)
		reply(s, "250-SIZE %ld", s->maxsize);
	else
		reply(s, "250-SIZE");
	reply(s, "250-DSN");
	if (!privacy(s, "noetrn"))
		reply(s, "250-ETRN");
	reply(s, "250-DELIVERBY");
	reply(s, "250 HELP");
	dstr_free(&who);
}

static void
cmd_mail(struct sess *s, const char *arg)
{
	char *addr = NULL, *params = NULL, *p, *save = NULL;
	struct check chk;
	dstr bracketed = DSTR_INIT;

	if (s->st == ST_START && (privacy(s, "needmailhelo") || privacy(s, "goaway"))) {
		reply(s, "503 5.0.0 Polite people say HELO first");
		return;
	}
	if (s->st >= ST_MAIL) {
		reply(s, "503 5.5.0 Sender already specified");
		return;
	}
	if (parse_path(arg, "FROM:", &addr, &params) < 0) {
		reply(s, "501 5.5.2 Syntax error in parameters scanning \"from\"");
		return;
	}
	reset_tx(s);
	/* parameters */
	for (p = strtok_r(params, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(p, '=');
		char *val = eq ? eq + 1 : NULL;

		if (eq)
			*eq = '\0';
		if (strcasecmp(p, "SIZE") == 0 && val) {
			long size = atol(val);

			if (s->maxsize > 0 && size > s->maxsize) {
				reply(s, "552 5.2.3 Message size exceeds fixed maximum message size (%ld)",
				    s->maxsize);
				goto out;
			}
		} else if (strcasecmp(p, "BODY") == 0 && val) {
			if (strcasecmp(val, "7BIT") != 0 && strcasecmp(val, "8BITMIME") != 0) {
				reply(s, "501 5.5.4 Unknown BODY type %s", val);
				goto out;
			}
			s->e.bodytype = xstrdup(val);
		} else if (strcasecmp(p, "RET") == 0 && val) {
			s->e.flags |= EF_RET_PARAM;
			if (strcasecmp(val, "HDRS") == 0)
				s->e.flags |= EF_NO_BODY;
		} else if (strcasecmp(p, "ENVID") == 0 && val)
			s->e.envid = xstrdup(val);
		else if (strcasecmp(p, "AUTH") == 0 && val)
			s->e.auth = xstrdup(val);
		else {
			reply(s, "555 5.5.4 %s parameter unrecognized", p);
			goto out;
		}
	}
	dstr_printf(&bracketed, "<%s>", addr);
	{
		/* the address must parse */
		pool *pl = pool_new();
		struct toklist ws = { 0 };
		const char *end;
		dstr err = DSTR_INIT;

		if (*addr && addr_tokenize(&s->c->syntax, addr, '\0', TOK_MODE_EXTERNAL, pl, &ws,
		    &end, &err) < 0) {
			char *nl = strchr(dstr_cstr(&err), '\n');

			if (nl)
				*nl = '\0';
			reply(s, "553 5.0.0 %s", err.s ? err.s : "Invalid address");
			toklist_free(&ws);
			dstr_free(&err);
			pool_free(pl);
			goto out;
		}
		if (err.len) {
			char *nl = strchr(err.s, '\n');

			if (nl)
				*nl = '\0';
			reply(s, "553 5.0.0 %s", err.s);
			toklist_free(&ws);
			dstr_free(&err);
			pool_free(pl);
			goto out;
		}
		toklist_free(&ws);
		dstr_free(&err);
		pool_free(pl);
	}
	macro_set(&s->e.macros, 'f', *addr ? addr : "<>");
	macro_set_name(&s->e.macros, "mail_addr", addr);
	run_check(s, "check_mail", bracketed.s, bracketed.s, &chk);
	if (chk.verdict == 1 || chk.verdict == 3) {
		reply(s, "%s", chk.reply.s);
		dstr_free(&chk.reply);
		goto out;
	}
	dstr_free(&chk.reply);
	if (chk.verdict == 2)
		s->discard = 1;
	s->e.sender = xstrdup(bracketed.s);
	if (*addr == '\0') {
		free(s->e.sender);
		s->e.sender = xstrdup("<>");
	}
	s->st = ST_MAIL;
	reply(s, "250 2.1.0 %s... Sender ok", bracketed.s);
out:
	dstr_free(&bracketed);
	free(addr);
	free(params);
}

/* local_check: the recipient resolves and, if local, exists */
static int
local_check(struct sess *s, const char *addr, dstr *why)
{
	struct envelope tmp;
	size_t i;
	int ok = 1;

	envelope_init(&tmp, &s->e.macros);
	envelope_add_rcpt(&tmp, addr, RCPT_PRIMARY);
	expand_recipients(s->c, &tmp, NULL);
	/* only the address itself counts: an alias is accepted even if
	 * some of its members will bounce later */
	for (i = 0; i < 1 && i < tmp.nrcpts; i++)
		if (tmp.rcpts[i].state == RS_FAILED && tmp.rcpts[i].diag) {
			dstr d = DSTR_INIT;
			const char *t = tmp.rcpts[i].diag, *text;

			/* "550 5.1.1 User unknown" or a ruleset's error text */
			text = t;
			if (isdigit((unsigned char)t[0]) && t[3] == ' ')
				text = t + 4;
			if (is_dsn(text))
				text += strcspn(text, " ") + (text[strcspn(text, " ")] ? 1 : 0);
			dstr_printf(&d, "%c%c%c %s <%s>... %s",
			    isdigit((unsigned char)t[0]) ? t[0] : '5',
			    isdigit((unsigned char)t[0]) ? t[1] : '5',
			    isdigit((unsigned char)t[0]) ? t[2] : '0',
			    tmp.rcpts[i].status ? tmp.rcpts[i].status : "5.1.1", addr, text);
			dstr_set(why, d.s);
			dstr_free(&d);
			ok = 0;
			break;
		}
	envelope_free(&tmp);
	return ok;
}

static void
cmd_rcpt(struct sess *s, const char *arg)
{
	char *addr = NULL, *params = NULL, *p, *save = NULL;
	struct check chk;
	dstr bracketed = DSTR_INIT, why = DSTR_INIT;
	unsigned flags = RCPT_PRIMARY | RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY;
	char *orcpt = NULL;
	struct rcpt *r;

	if (s->st < ST_MAIL) {
		reply(s, "503 5.0.0 Need MAIL before RCPT");
		return;
	}
	if (parse_path(arg, "TO:", &addr, &params) < 0) {
		reply(s, "501 5.5.2 Syntax error in parameters scanning \"to\"");
		return;
	}
	if (s->maxrcpts > 0 && (long)s->nrcpts >= s->maxrcpts) {
		reply(s, "452 4.5.3 Too many recipients");
		goto out;
	}
	for (p = strtok_r(params, " ", &save); p; p = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(p, '=');
		char *val = eq ? eq + 1 : NULL;

		if (eq)
			*eq = '\0';
		if (strcasecmp(p, "NOTIFY") == 0 && val) {
			flags = RCPT_PRIMARY | RCPT_HAS_NOTIFY;
			if (strcasestr(val, "SUCCESS"))
				flags |= RCPT_NOTIFY_SUCCESS;
			if (strcasestr(val, "FAILURE"))
				flags |= RCPT_NOTIFY_FAILURE;
			if (strcasestr(val, "DELAY"))
				flags |= RCPT_NOTIFY_DELAY;
		} else if (strcasecmp(p, "ORCPT") == 0 && val) {
			free(orcpt);
			orcpt = xstrdup(val);
		} else {
			reply(s, "555 5.5.4 %s parameter unrecognized", p);
			goto out;
		}
	}
	dstr_printf(&bracketed, "<%s>", addr);
	macro_set_name(&s->e.macros, "rcpt_addr", addr);
	run_check(s, "check_rcpt", bracketed.s, bracketed.s, &chk);
	if (chk.verdict == 1 || chk.verdict == 3) {
		reply(s, "%s", chk.reply.s);
		dstr_free(&chk.reply);
		s->bad++;
		goto out;
	}
	dstr_free(&chk.reply);
	if (chk.verdict == 2) {
		/* accepted and dropped, as sendmail's $#discard does */
		s->nrcpts++;
		s->st = ST_RCPT;
		reply(s, "250 2.1.5 %s... Recipient ok", bracketed.s);
		goto out;
	}
	if (!local_check(s, addr, &why)) {
		reply(s, "%s", why.s);
		s->bad++;
		goto out;
	}
	r = envelope_add_rcpt(&s->e, bracketed.s, flags);
	r->orcpt = orcpt;
	orcpt = NULL;
	{
		dstr f = DSTR_INIT;

		if (strchr(addr, '@'))
			dstr_printf(&f, "RFC822; %s", addr);
		else
			dstr_printf(&f, "RFC822; %s@%s", addr, s->j);
		r->final = dstr_steal(&f);
	}
	s->nrcpts++;
	s->st = ST_RCPT;
	reply(s, "250 2.1.5 %s... Recipient ok", bracketed.s);
out:
	dstr_free(&bracketed);
	dstr_free(&why);
	free(addr);
	free(params);
	free(orcpt);
}

/* read_data: the message up to <CRLF>.<CRLF>; only that sequence ends
 * it (a bare LF or CR never does), so one message is never split */
static int
read_data(struct sess *s, struct qdata *d, struct hdr_reader *hr, int *toobig, int *bare)
{
	dstr line = DSTR_INIT;
	int prev_crlf = 1, rc = 0;
	size_t total = 0;

	for (;;) {
		unsigned fl = 0;
		int st;

		dstr_clear(&line);
		st = stream_read_line(s->s, &line, DATA_LINE_MAX, &fl);
		if (st == STREAM_TOOLONG) {
			*toobig = 1;
			prev_crlf = !(fl & STREAM_LINE_BARE_LF);
			continue;
		}
		if (st != STREAM_OK) {
			rc = -1;
			break;
		}
		if (fl & (STREAM_LINE_BARE_CR | STREAM_LINE_BARE_LF))
			*bare = 1;
		if (line.len == 1 && line.s[0] == '.' && prev_crlf && !(fl & STREAM_LINE_BARE_LF))
			break;
		prev_crlf = !(fl & STREAM_LINE_BARE_LF);
		total += line.len + 2;
		if (s->maxsize > 0 && (long)total > s->maxsize)
			*toobig = 1;
		if (*toobig || *bare)
			continue;
		/* transparency: a leading dot was doubled by the client */
		if (line.len > 0 && line.s[0] == '.') {
			if (hdr_reader_line(hr, line.s + 1, line.len - 1) != 0)
				rc = -2;
		} else if (hdr_reader_line(hr, line.s, line.len) != 0)
			rc = -2;
	}
	(void)d;
	dstr_free(&line);
	return rc;
}

static void
cmd_data(struct sess *s, const char *arg)
{
	struct qdata d;
	struct hdr_reader hr;
	dstr err = DSTR_INIT, date = DSTR_INIT;
	int toobig = 0, bare = 0, rc;
	time_t now = time(NULL);
	char stamp[32];
	struct tm tm;
	size_t i, pending = 0;

	(void)arg;
	if (s->st < ST_MAIL) {
		reply(s, "503 5.0.0 Need MAIL command");
		return;
	}
	if (s->st < ST_RCPT) {
		reply(s, "503 5.0.0 Need RCPT (recipient)");
		return;
	}
	s->e.ctime = now;
	if (queue_data_open(s->c, &s->e, &d, &err) != 0) {
		msg_error("cannot queue: %s", err.s);
		reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		dstr_free(&err);
		return;
	}
	macro_set(&s->e.macros, 'i', s->e.qid);
	headers_arpadate(now, &date);
	macro_set(&s->e.macros, 'b', date.s);
	macro_set(&s->e.macros, 'a', date.s);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M", &tm);
	macro_set(&s->e.macros, 't', stamp);
	{
		/* $g for From: when the message has none: the sender bare */
		const char *f = s->e.sender;
		dstr g = DSTR_INIT;

		if (f[0] == '<' && f[strlen(f) - 1] == '>')
			dstr_append(&g, f + 1, strlen(f) - 2);
		else
			dstr_puts(&g, f);
		macro_set(&s->e.macros, 'g', g.s);
		dstr_free(&g);
	}
	if (s->nrcpts == 1)
		for (i = 0; i < s->e.nrcpts; i++)
			macro_set(&s->e.macros, 'u', s->e.rcpts[i].addr);
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
	stream_flush(s->s);
	hdr_reader_init(&hr, &s->e, &d);
	rc = read_data(s, &d, &hr, &toobig, &bare);
	hdr_reader_end(&hr);
	if (rc == -1) {
		queue_data_abort(&d);
		hdr_reader_free(&hr);
		s->quit = 1;
		goto out;
	}
	if (toobig) {
		reply(s, "552 5.3.4 Message size exceeds fixed limit (%ld)", s->maxsize);
		queue_data_abort(&d);
		goto done;
	}
	if (bare) {
		reply(s, "554 5.6.0 Message contains bare CR or LF; use CRLF line ends");
		queue_data_abort(&d);
		goto done;
	}
	if (rc == -2) {
		reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		queue_data_abort(&d);
		goto done;
	}
	if (s->discard || envelope_pending(&s->e) == 0) {
		/* everything was discarded: nothing is queued */
		msg_info("%s: discarded", s->e.qid);
		queue_data_abort(&d);
		reply(s, "250 2.0.0 %s Message accepted for delivery", s->e.qid);
		goto done;
	}
	headers_add_defaults(s->c, &s->e);
	for (i = 0; i < s->e.nrcpts; i++)
		if (!(s->e.rcpts[i].flags & RCPT_DONE))
			pending++;
	s->e.priority = (long)(hr.header_bytes + d.size) + RECIPIENT_FACTOR * (long)pending;
	if (queue_commit(s->c, &s->e, &d, &err) != 0) {
		msg_error("cannot queue: %s", err.s);
		reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		goto done;
	}
	log_set_qid(s->e.qid);
	{
		dstr relay = DSTR_INIT;

		if (s->peer->local)
			dstr_puts(&relay, s->peer->ident ? s->peer->ident : "localhost");
		else
			dstr_printf(&relay, "%s [%s]", s->peer->name[0] ? s->peer->name : "",
			    s->peer->addr);
		maillog_from(&s->e, hr.header_bytes + d.size, relay.s);
		dstr_free(&relay);
	}
	log_set_qid(NULL);
	reply(s, "250 2.0.0 %s Message accepted for delivery", s->e.qid);
	stream_flush(s->s);
	if (s->notify)
		s->notify(s->arg, s->e.qid);
done:
	hdr_reader_free(&hr);
	reset_tx(s);
out:
	dstr_free(&err);
	dstr_free(&date);
}

static void
cmd_vrfy(struct sess *s, const char *arg, int expn)
{
	if (expn ? privacy(s, "noexpn") : privacy(s, "novrfy")) {
		if (expn)
			reply(s, "502 5.7.0 Sorry, we do not allow this operation");
		else
			reply(s, "252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)");
		return;
	}
	if (*arg == '\0') {
		reply(s, "501 5.5.2 Argument required");
		return;
	}
	{
		dstr why = DSTR_INIT;

		if (local_check(s, arg, &why))
			reply(s, "250 2.1.5 <%s>", arg);
		else
			reply(s, "%s", why.s);
		dstr_free(&why);
	}
}

static void
cmd_help(struct sess *s, const char *arg)
{
	const char *hf = options_get(s->c->opts, "HelpFile");
	FILE *fp = hf ? fopen(hf, "r") : NULL;
	char *line = NULL, topic[64];
	size_t cap = 0;
	int found = 0;
	const char *v = macro_get(&s->c->macros, 'v');

	if (fp == NULL) {
		reply(s, "502 5.3.0 Sendmail %s -- HELP not implemented", v ? v : "");
		return;
	}
	snprintf(topic, sizeof(topic), "%s", *arg ? arg : "smtp");
	for (char *p = topic; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	while (getline(&line, &cap, fp) > 0) {
		size_t tl = strlen(topic);

		line[strcspn(line, "\n")] = '\0';
		if (strncasecmp(line, topic, tl) == 0 && line[tl] == '\t') {
			reply(s, "214-2.0.0 %s", line + tl + 1);
			found = 1;
		}
	}
	free(line);
	fclose(fp);
	if (found)
		reply(s, "214 2.0.0 End of HELP info");
	else
		reply(s, "504 5.3.0 HELP topic \"%s\" unknown", arg);
}

static int
dispatch(struct sess *s, char *line)
{
	char *verb = line, *arg;

	arg = line + strcspn(line, " ");
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ')
		arg++;
	if (s->rejected && strcasecmp(verb, "QUIT") != 0 && strcasecmp(verb, "NOOP") != 0 &&
	    strcasecmp(verb, "RSET") != 0) {
		reply(s, "550 5.0.0 Command rejected");
		return 0;
	}
	if (strcasecmp(verb, "HELO") == 0)
		cmd_helo(s, arg, 0);
	else if (strcasecmp(verb, "EHLO") == 0)
		cmd_helo(s, arg, 1);
	else if (strcasecmp(verb, "MAIL") == 0)
		cmd_mail(s, arg);
	else if (strcasecmp(verb, "RCPT") == 0)
		cmd_rcpt(s, arg);
	else if (strcasecmp(verb, "DATA") == 0)
		cmd_data(s, arg);
	else if (strcasecmp(verb, "RSET") == 0) {
		reset_tx(s);
		reply(s, "250 2.0.0 Reset state");
	} else if (strcasecmp(verb, "NOOP") == 0)
		reply(s, "250 2.0.0 OK");
	else if (strcasecmp(verb, "QUIT") == 0) {
		reply(s, "221 2.0.0 %s closing connection", s->j);
		s->quit = 1;
	} else if (strcasecmp(verb, "VRFY") == 0)
		cmd_vrfy(s, arg, 0);
	else if (strcasecmp(verb, "EXPN") == 0)
		cmd_vrfy(s, arg, 1);
	else if (strcasecmp(verb, "HELP") == 0)
		cmd_help(s, arg);
	else if (strcasecmp(verb, "ETRN") == 0) {
		if (privacy(s, "noetrn"))
			reply(s, "502 5.7.0 Sorry, we do not allow this operation");
		else if (*arg == '\0')
			reply(s, "501 5.5.2 Parameter required");
		else
			reply(s, "250 2.0.0 Queuing for node %s started", arg);
	} else {
		if (arg[0])
			arg[-1] = ' ';
		reply(s, "500 5.5.1 Command unrecognized: \"%s\"", line);
		return 1;
	}
	return 0;
}

int
smtpd_session(struct conf *c, int rfd, int wfd, const struct smtpd_peer *peer,
    smtpd_notify notify, void *arg)
{
	struct sess s;
	dstr line = DSTR_INIT, greet = DSTR_INIT;
	const char *g;
	struct check chk;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.peer = peer;
	s.notify = notify;
	s.arg = arg;
	s.s = stream_new(rfd, wfd);
	stream_set_timeout(s.s, (int)options_time(c->opts, "Timeout.command", 'm', 3600) * 1000);
	s.j = macro_get(&c->macros, 'j');
	if (s.j == NULL)
		s.j = "localhost";
	s.maxsize = options_int(c->opts, "MaxMessageSize", 0);
	s.maxrcpts = options_int(c->opts, "MaxRecipientsPerMessage", 0);
	macro_table_init(&s.mt, &c->macros);
	envelope_init(&s.e, &s.mt);
	set(&s, "client_addr", peer->addr);
	set(&s, "client_name", peer->name);
	{
		char port[16];

		snprintf(port, sizeof(port), "%d", peer->port);
		set(&s, "client_port", port);
	}
	set(&s, "client_resolve", "OK");
	if (peer->daemon_name)
		set(&s, "daemon_name", peer->daemon_name);
	set(&s, "daemon_flags", peer->daemon_flags ? peer->daemon_flags : "");
	if (peer->if_addr[0])
		set(&s, "if_addr", peer->if_addr);
	if (peer->ident)
		set(&s, "_", peer->ident);
	else {
		dstr id = DSTR_INIT;

		dstr_printf(&id, "%s [%s]", peer->name[0] ? peer->name : peer->addr, peer->addr);
		set(&s, "_", id.s);
		dstr_free(&id);
	}
	if (!peer->local) {
		run_check2(&s, "check_relay", peer->name, peer->addr, NULL, &chk);
		if (chk.verdict == 1 || chk.verdict == 3) {
			s.rejected = 1;
			s.reject_reply = xstrdup(chk.reply.s);
		}
		dstr_free(&chk.reply);
	}
	g = options_get(c->opts, "SmtpGreetingMessage");
	macro_expand(&s.mt, g ? g : "$j Sendmail $v/$Z; $b", &greet);
	{
		/* sendmail puts "ESMTP" after the first word */
		size_t w = strcspn(greet.s, " ");
		dstr out = DSTR_INIT;

		dstr_append(&out, greet.s, w);
		dstr_puts(&out, " ESMTP");
		dstr_puts(&out, greet.s + w);
		if (s.rejected)
			reply(&s, "%s", s.reject_reply);
		else
			reply(&s, "220 %s", out.s);
		dstr_free(&out);
	}
	stream_flush(s.s);
	while (!s.quit) {
		unsigned fl = 0;
		int st;

		dstr_clear(&line);
		st = stream_read_line(s.s, &line, SMTP_LINE_MAX, &fl);
		if (st == STREAM_TOOLONG) {
			reply(&s, "500 5.5.0 Command line too long");
			continue;
		}
		if (st == STREAM_TIMEOUT) {
			reply(&s, "421 4.4.2 %s Timeout waiting for input from %s",
			    s.j, peer->name[0] ? peer->name : peer->addr);
			break;
		}
		if (st != STREAM_OK) {
			rc = st == STREAM_EOF ? 0 : -1;
			break;
		}
		if (fl & STREAM_LINE_NUL) {
			reply(&s, "500 5.5.1 NUL in command");
			continue;
		}
		if (dispatch(&s, line.s) && ++s.bad > MAX_BAD_COMMANDS) {
			reply(&s, "421 4.7.0 %s Too many errors", s.j);
			break;
		}
		if (stream_pending(s.s) == 0)
			stream_flush(s.s);
	}
	stream_flush(s.s);
	envelope_free(&s.e);
	macro_table_free(&s.mt);
	stream_free(s.s);
	free(s.reject_reply);
	dstr_free(&line);
	dstr_free(&greet);
	return rc;
}
