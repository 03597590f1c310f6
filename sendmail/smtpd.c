/* smtpd: one SMTP server session (see smtpd.h).  A command table maps
 * verbs to handlers; a session is in one of a few states (no HELO yet,
 * ready, sender given, recipients given).  The config decides: each
 * check_* ruleset runs on what the client sent, and its $#error answers
 * become the replies. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/stream.h"
#include "addr/addr_util.h"
#include "sendmail/auth.h"
#include "sendmail/expand.h"
#include "sendmail/headers.h"
#include "sendmail/maillog.h"
#include "sendmail/parseaddr.h"
#include "sendmail/queue.h"
#include "sendmail/rewrite.h"
#include "sendmail/smtpd.h"
#include "sendmail/stats.h"
#include "sendmail/smtpd_addr.h"
#include "sendmail/smtpd_esmtp.h"
#include "sendmail/smtpd_help.h"
#include "sendmail/tls_smtp.h"

/* a command line, CRLF included, may have this many bytes (sendmail's
 * limit); longer ones end the session as a likely attack.  Lines are
 * read up to SMTP_READ_MAX to tell how long they were. */
#define SMTP_LINE_MAX 2048
#define SMTP_READ_MAX (64 * 1024)
#define SMTP_LOGGED_MAX 12287
#define DATA_LINE_MAX (1024 * 1024)
#define RECIPIENT_FACTOR 30000
#define MAX_BAD_COMMANDS 25
/* commands repeated more often than this slow the session down (the
 * numbers sendmail uses) */
#define MAX_HELO_COMMANDS 3
#define MAX_VRFY_COMMANDS 6
#define MAX_ETRN_COMMANDS 8
#define MAX_NOOP_COMMANDS 20
#define MAX_SLOWDOWN 240	/* seconds, at most */
#define DEFAULT_MIN_FREE_BLOCKS 100

enum state { ST_START, ST_READY, ST_MAIL, ST_RCPT };

/* features of a session: from the listener's M= modifiers and the
 * srv_features ruleset (sendmail's letters in the comments) */
enum {
	F_NO_TLS = 1,		/* S / M=S: no STARTTLS */
	F_NO_AUTH = 2,		/* A / M=A: no AUTH */
	F_REQ_AUTH = 4,		/* l / M=a: MAIL needs AUTH first */
	F_NO_ETRN = 8,		/* E / M=E */
	F_NO_PIPELINING = 16,	/* P */
	F_NO_DSN = 32,		/* D */
	F_NO_CERT_REQ = 64,	/* V: do not ask for a client certificate */
	F_REQ_LAYER = 128	/* c: as AuthOptions p */
};

/* PrivacyOptions that matter to the server */
enum {
	P_NEEDMAILHELO = 1,
	P_NEEDEXPNHELO = 2,
	P_NEEDVRFYHELO = 4,
	P_NOEXPN = 8,
	P_NOVRFY = 16,
	P_NOETRN = 32,
	P_NOVERB = 64
};

/* a recipient accepted in this transaction, as ruleset 0 resolved it:
 * a second RCPT for the same mailer, host and user is answered with the
 * first one's address */
struct accepted {
	char *paddr;
	char *mailer, *host, *user;
	int queueup;
};

struct sess {
	struct conf *c;
	stream *s;
	const struct smtpd_peer *peer;
	struct macro_table mt;		/* session macros; parent: config */
	struct envelope e;
	enum state st;
	int esmtp, helo_seen, quit, rejected, bad;
	int discard;			/* check_mail said $#discard */
	int tx_rejected, session_rejected;	/* counted in the statistics */
	char *reject_reply;		/* check_relay said no */
	long maxsize, maxrcpts;
	size_t nrcpts;
	smtpd_notify notify;
	void *arg;
	const char *j;
	unsigned feat;			/* F_* */
	int tls;			/* the session runs under TLS */
	struct tls_smtp_result tlsres;	/* its bits and verified subject */
	auth_session *auth;		/* NULL: AUTH is not offered */
	char *nullreply;		/* tls_client said no: the answer to most commands */
	dstr relay;			/* "name [addr]" for log lines */
	unsigned priv;			/* P_* */
	long declared_size;		/* MAIL's SIZE= */
	int discard_all;		/* check_relay said $#discard */
	int issued;			/* MAIL, EXPN, VRFY or ETRN was given */
	int n_helo, n_vrfy, n_etrn, n_noop, n_badrcpt;
	char sid[32];			/* queue ID naming the session in the log */
	const char *last_cmd;		/* for "lost input channel ... after" */
	struct accepted *acc;		/* this transaction's recipients */
	size_t nacc, capacc;
	dstr mapmsgs;			/* what maps say while a command runs
					 * (sendmail tells the client only in
					 * verbose mode; never the log) */
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

/* privacy_flags: the P_* bits of a PrivacyOptions value ("goaway" is
 * all of them but noetrn; noexpn implies noverb) */
static unsigned
privacy_flags(const char *opt)
{
	static const struct {
		const char *name;
		unsigned bits;
	} names[] = {
		{ "needmailhelo", P_NEEDMAILHELO }, { "needexpnhelo", P_NEEDEXPNHELO },
		{ "needvrfyhelo", P_NEEDVRFYHELO }, { "noexpn", P_NOEXPN | P_NOVERB },
		{ "novrfy", P_NOVRFY }, { "noetrn", P_NOETRN }, { "noverb", P_NOVERB },
		{ "goaway", P_NEEDMAILHELO | P_NEEDEXPNHELO | P_NEEDVRFYHELO | P_NOEXPN |
		    P_NOVRFY | P_NOVERB },
	};
	char *list = xstrdup(opt ? opt : ""), *w, *save = NULL;
	unsigned bits = 0;
	size_t i;

	for (w = strtok_r(list, ", \t", &save); w; w = strtok_r(NULL, ", \t", &save))
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strcasecmp(w, names[i].name) == 0)
				bits |= names[i].bits;
	free(list);
	return bits;
}

static int
privacy(struct sess *s, unsigned flag)
{
	return (s->priv & flag) != 0;
}

/* timeout_ms: a Timeout.* option (default an hour, as for sendmail's
 * command and datablock timeouts) */
static int
timeout_ms(struct conf *c, const char *name)
{
	long secs = options_time(c->opts, name, 'm', 3600);

	if (secs <= 0 || secs > INT32_MAX / 1000)
		return -1;
	return (int)secs * 1000;
}

/* peer_name: the client's host name (its address in brackets when it
 * has none), as sendmail names it in collect: and timeout lines */
static const char *
peer_name(const struct sess *s)
{
	if (s->peer->local)
		return "localhost";
	return s->peer->name[0] ? s->peer->name : s->peer->addr;
}

/* reply_text: a reply without its code and enhanced status */
static const char *
reply_text(const char *r)
{
	if (isdigit((unsigned char)r[0]) && isdigit((unsigned char)r[1]) &&
	    isdigit((unsigned char)r[2]) && r[3] == ' ') {
		r += 4;
		if (isdigit((unsigned char)r[0]) && r[1] == '.')
			r += strcspn(r, " ") + (r[strcspn(r, " ")] ? 1 : 0);
	}
	return r;
}

/* slog: a log line about the session, under its queue ID */
static void
slog(struct sess *s, int prio, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
slog(struct sess *s, int prio, const char *fmt, ...)
{
	va_list ap;

	log_set_qid(s->e.qid[0] ? s->e.qid : s->sid);
	va_start(ap, fmt);
	msg_vlog(prio, fmt, ap);
	va_end(ap);
	log_set_qid(NULL);
}

/* slowdown: count one more of a command that can be abused by
 * repetition; past its limit the answer is delayed, 1 second doubling
 * up to MAX_SLOWDOWN, as sendmail does.  Returns 1 when the count has
 * reached twice the limit: the session is then closed with 421. */
static int
slowdown(struct sess *s, int *count, int limit, const char *what)
{
	int over;

	++*count;
	if (*count == limit)
		slog(s, LOG_NOTICE, "%s: possible SMTP attack: command=%s, count=%d",
		    dstr_cstr(&s->relay), what, *count);
	over = *count - limit;
	if (over <= 0)
		return 0;
	if (*count >= 2 * limit && MAX_BAD_COMMANDS > 0)
		return 1;
	{
		unsigned secs = over > 8 ? MAX_SLOWDOWN : 1u << (over - 1);

		stream_flush(s->s);
		sleep(secs > MAX_SLOWDOWN ? MAX_SLOWDOWN : secs);
	}
	return 0;
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
	size_t hs, he, us;

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
	if (rw_triple(&ws, &hs, &he, &us)) {
		const char *mailer = ws.v[1].s;
		dstr host = DSTR_INIT, text = DSTR_INIT;

		if (hs)
			addr_cat(&c->syntax, &ws.v[hs], he - hs, 0, &host);
		if (us)
			addr_cat(&c->syntax, &ws.v[us], ws.n - us, ' ', &text);
		if (strcasecmp(mailer, "error") == 0 || strcasecmp(mailer, "TEMP") == 0) {
			int temp = strcasecmp(mailer, "TEMP") == 0 || host.s[0] == '4';
			dstr t = DSTR_INIT;
			const char *q;

			for (q = text.len ? text.s : (temp ? "451 Temporary failure" :
			    "550 Access denied"); *q; q++)
				if (*q != '"')
					dstr_putc(&t, *q);
			smtpd_error_reply(temp ? 451 : 550, dstr_cstr(&host), addr,
			    strcmp(name, "check_rcpt") == 0, t.s, &out->reply);
			out->verdict = out->reply.s[0] == '4' ? 3 : 1;
			dstr_free(&t);
		} else if (strcasecmp(mailer, "discard") == 0)
			out->verdict = 2;
		dstr_free(&host);
		dstr_free(&text);
	}
	/* a lookup that failed for now (EX_TEMPFAIL) without a $#error is
	 * no answer: the config's own rules decide what a tempfail means */
	(void)st;
	toklist_free(&ws);
	pool_free(p);
}

static void
run_check(struct sess *s, const char *name, const char *input, const char *addr,
    struct check *out)
{
	run_check2(s, name, input, NULL, addr, out);
}

/* check_log: sendmail's log line for a ruleset that rejected or
 * discarded: "ruleset=check_rcpt, arg1=<a@b>, relay=..., reject=550 ..." */
static void
check_log(struct sess *s, const char *name, const char *arg1, const char *arg2,
    const struct check *chk)
{
	dstr d = DSTR_INIT;

	dstr_printf(&d, "ruleset=%s, arg1=%s", name, arg1);
	if (arg2)
		dstr_printf(&d, ", arg2=%s", arg2);
	dstr_printf(&d, ", relay=%s", dstr_cstr(&s->relay));
	if (chk->verdict == 2)
		dstr_puts(&d, ", discard");
	else
		dstr_printf(&d, ", reject=%s", chk->reply.s);
	/* the statistics: a rejection counts once per transaction for the
	 * sender's mailer, and once per session as a rejected connection */
	if (chk->verdict != 2) {
		if (strcmp(name, "check_relay") != 0 && !s->tx_rejected) {
			stats_note_rejected(s->c, strcmp(name, "check_mail") == 0 ? arg1 : s->e.sender);
			s->tx_rejected = 1;
		}
		if (!s->session_rejected) {
			stats_note_connection(s->c, STATS_CONN_REJECTED);
			s->session_rejected = 1;
		}
	}
	if (strcmp(name, "check_relay") == 0) {
		msg_notice("%s", d.s);
	} else
		slog(s, LOG_NOTICE, "%s", d.s);
	dstr_free(&d);
}

static void
reset_tx(struct sess *s)
{
	size_t i;

	s->discard = 0;
	s->tx_rejected = 0;
	s->declared_size = 0;
	envelope_free(&s->e);
	envelope_init(&s->e, &s->mt);
	s->nrcpts = 0;
	for (i = 0; i < s->nacc; i++) {
		free(s->acc[i].paddr);
		free(s->acc[i].mailer);
		free(s->acc[i].host);
		free(s->acc[i].user);
	}
	s->nacc = 0;
	if (s->st > ST_READY)
		s->st = ST_READY;
}

/* end_tx: the transaction ends without a message (RSET, HELO, QUIT, a
 * lost connection, a failed DATA): sendmail logs its sender anyway */
static void
end_tx(struct sess *s)
{
	if (s->e.sender) {
		log_set_qid(s->e.qid);
		maillog_from(&s->e, s->declared_size > 0 ? (size_t)s->declared_size : 0,
		    dstr_cstr(&s->relay));
		log_set_qid(NULL);
	}
	reset_tx(s);
}

/* set_proto: $r as RFC 3848 names it: ESMTP plus S for TLS, A for AUTH */
static void
set_proto(struct sess *s)
{
	int a = s->auth && auth_session_user(s->auth);

	if (!s->esmtp)
		set(s, "r", "SMTP");
	else
		set(s, "r", s->tls ? (a ? "ESMTPSA" : "ESMTPS") : (a ? "ESMTPA" : "ESMTP"));
}

static int
offer_tls(struct sess *s)
{
	return !s->tls && !(s->feat & F_NO_TLS) && !s->peer->local && tls_smtp_available();
}

/* helo_name_ok: sendmail's test of a HELO argument: letters, digits
 * and "[].-_#:"; trailing blanks are allowed and dropped */
static int
helo_name_ok(char *arg)
{
	char *p;

	for (p = arg; *p; p++) {
		if (isalnum((unsigned char)*p) || strchr("[].-_#:", *p))
			continue;
		if (*p == ' ' || *p == '\t') {
			char *q = p;

			while (*q == ' ' || *q == '\t')
				q++;
			if (*q != '\0')
				return 0;
			*p = '\0';
			return 1;
		}
		return 0;
	}
	return 1;
}

/* ehlo_keywords: the extensions EHLO offers, in sendmail's order */
static void
ehlo_keywords(struct sess *s)
{
	reply(s, "250-ENHANCEDSTATUSCODES");
	if (!(s->feat & F_NO_PIPELINING))
		reply(s, "250-PIPELINING");
	if (!privacy(s, P_NOEXPN))
		reply(s, "250-EXPN");
	if (!privacy(s, P_NOVERB))
		reply(s, "250-VERB");
	reply(s, "250-8BITMIME");
	if (s->maxsize > 0)
		reply(s, "250-SIZE %ld", s->maxsize);
	else
		reply(s, "250-SIZE");
	if (!(s->feat & F_NO_DSN))
		reply(s, "250-DSN");
	if (!privacy(s, P_NOETRN) && !(s->feat & F_NO_ETRN))
		reply(s, "250-ETRN");
	if (s->auth && auth_session_user(s->auth) == NULL) {
		const char *m = auth_session_mechs(s->auth);

		if (*m)
			reply(s, "250-AUTH %s", m);
	}
	if (offer_tls(s))
		reply(s, "250-STARTTLS");
	reply(s, "250-DELIVERBY");
	reply(s, "250 HELP");
}

static int
cmd_helo(struct sess *s, char *arg, int ehlo)
{
	const char *client = s->peer->local ? s->peer->ident : NULL;
	dstr who = DSTR_INIT;

	if (slowdown(s, &s->n_helo, MAX_HELO_COMMANDS, "HELO/EHLO"))
		return -1;
	/* RFC 2920: HELO/EHLO ends a group; a client that sends more before
	 * the answer is refused for the rest of the session, as sendmail
	 * 8.17 does (it also keeps out SMTP smuggling through pipelining) */
	if (stream_pending(s->s) > 0 || stream_wait_readable(s->s, 0) == 1) {
		reply(s, "554 5.5.0 SMTP protocol error");
		slog(s, LOG_INFO, "rejecting server %s from %s due to traffic before response",
		    ehlo ? "EHLO" : "HELO", dstr_cstr(&s->relay));
		s->rejected = 1;
		free(s->reject_reply);
		s->reject_reply = xstrdup("550 5.0.0 Command rejected");
		return 0;
	}
	if (*arg == '\0' && !options_is_set(s->c->opts, "AllowBogusHELO")) {
		reply(s, "501 5.0.0 %s requires domain address", ehlo ? "EHLO" : "HELO");
		return 0;
	}
	if (!helo_name_ok(arg) && !options_bool(s->c->opts, "AllowBogusHELO", 0)) {
		reply(s, "501 5.0.0 Invalid domain name");
		return 0;
	}
	end_tx(s);
	set(s, "s", arg);
	s->helo_seen = 1;
	s->esmtp = ehlo;
	set_proto(s);
	s->st = ST_READY;
	if (client)
		dstr_puts(&who, client);
	else if (s->peer->name[0] == '[' || s->peer->name[0] == '\0')
		dstr_printf(&who, "[%s]", s->peer->addr);
	else
		dstr_printf(&who, "%s [%s]", s->peer->name, s->peer->addr);
	reply(s, "250%c%s Hello %s, pleased to meet you", ehlo ? '-' : ' ', s->j, who.s);
	dstr_free(&who);
	if (!ehlo)
		return 0;
	if (s->rejected)
		reply(s, "250 ENHANCEDSTATUSCODES");	/* a rejected client learns no more */
	else
		ehlo_keywords(s);
	return 0;
}

/* mail_auth_param: the AUTH= of MAIL (RFC 4954 section 5).  The
 * trust_auth ruleset decides whether the claimed identity is passed on;
 * an authenticated client without AUTH= vouches for itself. */
static void
mail_auth_param(struct sess *s, const char *param, const char *sender)
{
	const char *user = s->auth ? auth_session_user(s->auth) : NULL;
	struct check chk;
	dstr dec = DSTR_INIT;

	free(s->e.auth);
	s->e.auth = NULL;
	if (param == NULL) {
		if (user) {
			dstr x = DSTR_INIT;

			auth_xtext_encode(&x, user, NULL);
			s->e.auth = dstr_steal(&x);
		}
		return;
	}
	if (strcmp(param, "<>") == 0) {
		s->e.auth = xstrdup("<>");
		return;
	}
	(void)auth_xtext_decode(&dec, param);
	macro_set_name(&s->e.macros, "auth_author", dec.s);
	run_check(s, "trust_auth", dec.s, sender, &chk);
	if (chk.verdict == 1 || chk.verdict == 3) {
		/* (another MTA passing on its client's AUTH= is no news) */
		if (user)
			msg_notice("ruleset=trust_auth, arg1=%s, relay=%s, reject=%s", dec.s,
			    dstr_cstr(&s->relay), chk.reply.s);
		macro_set_name(&s->e.macros, "auth_author", NULL);
		s->e.auth = xstrdup("<>");
	} else
		s->e.auth = xstrdup(param);
	dstr_free(&chk.reply);
	dstr_free(&dec);
}

/* enough_disk: room in the queue for a message of size bytes and
 * MinFreeBlocks besides */
static int
enough_disk(struct sess *s, long size)
{
	long minfree = options_int(s->c->opts, "MinFreeBlocks", DEFAULT_MIN_FREE_BLOCKS);
	struct statvfs vf;
	unsigned long long bs, need;

	if (minfree <= 0 && size <= 0)
		return 1;
	if (statvfs(queue_dir(s->c), &vf) != 0)
		return 1;
	bs = vf.f_bsize ? vf.f_bsize : 1024;
	need = (unsigned long long)(minfree > 0 ? minfree : 0) +
	    (size > 0 ? (unsigned long long)size / bs : 0);
	return (unsigned long long)vf.f_bavail >= need;
}

/* address_ok: the address must tokenize; sendmail's 553 otherwise */
static int
address_ok(struct sess *s, const char *addr)
{
	pool *pl = pool_new();
	struct toklist ws = { 0 };
	const char *end;
	dstr err = DSTR_INIT;
	int ok = 1;

	if (addr_tokenize(&s->c->syntax, addr, '\0', TOK_MODE_EXTERNAL, pl, &ws, &end, &err) < 0 ||
	    err.len) {
		if (err.len)
			err.s[strcspn(err.s, "\n")] = '\0';
		reply(s, "553 5.0.0 %s", err.len ? err.s : "Invalid address");
		ok = 0;
	}
	toklist_free(&ws);
	dstr_free(&err);
	pool_free(pl);
	return ok;
}

/* mail_params_apply: the parameters into the envelope (also those of a
 * MAIL refused for a later parameter: sendmail applies each as it reads
 * it); with check, the size limits: 0, or -1 after answering */
static int
mail_params_apply(struct sess *s, const struct smtpd_mail_params *mp, int check)
{
	if (mp->size >= 0)
		s->declared_size = mp->size;
	if (mp->body) {
		free(s->e.bodytype);
		s->e.bodytype = xstrdup(mp->body);
	}
	if (mp->ret) {
		s->e.flags |= EF_RET_PARAM;
		if (mp->ret == 'H')
			s->e.flags |= EF_NO_BODY;
	}
	if (mp->envid) {
		free(s->e.envid);
		s->e.envid = xstrdup(mp->envid);
	}
	if (!check)
		return 0;
	if (mp->size > 0 && s->maxsize > 0 && mp->size > s->maxsize) {
		reply(s, "552 5.2.3 Message size exceeds fixed maximum message size (%ld)",
		    s->maxsize);
		return -1;
	}
	if (!enough_disk(s, mp->size)) {
		reply(s, "452 4.4.5 Insufficient disk space; try again later");
		return -1;
	}
	return 0;
}

/* mail_sender: the sender of a new transaction.  What a refused MAIL
 * left in the envelope stays (sendmail keeps it too, and logs the last
 * sender when the session goes on with RSET or QUIT). */
static void
mail_sender(struct sess *s, const char *addr)
{
	const char *lt = strchr(addr, '<'), *gt = lt ? strchr(lt, '>') : NULL;
	dstr f = DSTR_INIT;

	free(s->e.sender);
	s->e.sender = xstrdup(strcmp(addr, "<>") == 0 || *addr == '\0' ? "<>" : addr);
	if (s->e.qid[0] == '\0')
		queue_new_id(s->e.qid);
	/* $f: the address without its brackets */
	if (lt && gt && gt > lt + 1)
		dstr_append(&f, lt + 1, (size_t)(gt - lt - 1));
	else
		dstr_puts(&f, *addr && strcmp(addr, "<>") != 0 ? addr : "<>");
	macro_set(&s->e.macros, 'f', f.s);
	macro_set_name(&s->e.macros, "mail_addr", addr);
	dstr_free(&f);
}

static void
cmd_mail(struct sess *s, const char *arg)
{
	char *addr = NULL, *params = NULL;
	struct smtpd_mail_params mp;
	struct check chk;
	dstr err = DSTR_INIT;

	memset(&mp, 0, sizeof(mp));
	s->issued = 1;
	if (s->st == ST_START && privacy(s, P_NEEDMAILHELO)) {
		reply(s, "503 5.0.0 Polite people say HELO first");
		return;
	}
	if ((s->feat & F_REQ_AUTH) && !(s->auth && auth_session_user(s->auth))) {
		reply(s, "530 5.7.0 Authentication required");
		return;
	}
	if (s->st >= ST_MAIL) {
		reply(s, "503 5.5.0 Sender already specified");
		return;
	}
	if (smtpd_path(arg, "FROM", &addr, &params, &err) < 0) {
		reply(s, "%s", err.s);
		goto out;
	}
	mail_sender(s, addr);
	if (smtpd_mail_params(params, &mp, &err) < 0) {
		(void)mail_params_apply(s, &mp, 0);
		reply(s, "%s", err.s);
		goto out;
	}
	if (mail_params_apply(s, &mp, 1) < 0 || !address_ok(s, addr))
		goto out;
	mail_auth_param(s, mp.auth, addr);
	run_check(s, "check_mail", addr, addr, &chk);
	if (chk.verdict == 1 || chk.verdict == 3) {
		check_log(s, "check_mail", addr, NULL, &chk);
		reply(s, "%s", chk.reply.s);
		dstr_free(&chk.reply);
		goto out;
	}
	if (chk.verdict == 2) {
		check_log(s, "check_mail", addr, NULL, &chk);
		s->discard = 1;
	}
	dstr_free(&chk.reply);
	s->st = ST_MAIL;
	reply(s, "250 2.1.0 %s... Sender ok", addr);
out:
	smtpd_mail_params_free(&mp);
	dstr_free(&err);
	free(addr);
	free(params);
}

/* accepted_find: an earlier recipient of this transaction with the
 * same mailer, host and user */
static const struct accepted *
accepted_find(struct sess *s, const struct smtpd_addr *a)
{
	size_t i;

	for (i = 0; i < s->nacc; i++)
		if (strcmp(s->acc[i].mailer, a->mailer) == 0 &&
		    strcasecmp(s->acc[i].host, a->host) == 0 && strcmp(s->acc[i].user, a->user) == 0)
			return &s->acc[i];
	return NULL;
}

static void
accepted_add(struct sess *s, const char *paddr, const struct smtpd_addr *a)
{
	struct accepted *n;

	if (s->nacc == s->capacc) {
		s->capacc = s->capacc ? s->capacc * 2 : 16;
		s->acc = xreallocarray(s->acc, s->capacc, sizeof(*s->acc));
	}
	n = &s->acc[s->nacc++];
	n->paddr = xstrdup(paddr);
	n->mailer = xstrdup(a->mailer);
	n->host = xstrdup(a->host);
	n->user = xstrdup(a->user);
	n->queueup = a->queueup;
}

/* bad_rcpt: one more rejected recipient; after BadRcptThrottle of them
 * each further one costs a second, as in sendmail */
static void
bad_rcpt(struct sess *s)
{
	long limit = options_int(s->c->opts, "BadRcptThrottle", 0);

	s->n_badrcpt++;
	if (limit <= 0 || s->n_badrcpt < limit)
		return;
	if (s->n_badrcpt == limit)
		slog(s, LOG_NOTICE, "%s: Possible SMTP RCPT flood, throttling.",
		    dstr_cstr(&s->relay));
	stream_flush(s->s);
	sleep(1);
}

/* rcpt_add: the recipient into the envelope */
static void
rcpt_add(struct sess *s, const char *addr, struct smtpd_rcpt_params *rp)
{
	unsigned flags = RCPT_PRIMARY | (rp->notify ? rp->notify :
	    RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY);
	struct rcpt *r;
	dstr f = DSTR_INIT, b = DSTR_INIT;

	if (addr[0] == '<')
		dstr_puts(&b, addr);
	else
		dstr_printf(&b, "<%s>", addr);
	r = envelope_add_rcpt(&s->e, b.s, flags);
	r->orcpt = rp->orcpt;
	rp->orcpt = NULL;
	/* the final recipient of DSNs: the address without brackets */
	if (memchr(b.s + 1, '@', b.len - 2))
		dstr_printf(&f, "RFC822; %.*s", (int)(b.len - 2), b.s + 1);
	else
		dstr_printf(&f, "RFC822; %.*s@%s", (int)(b.len - 2), b.s + 1, s->j);
	r->final = dstr_steal(&f);
	dstr_free(&b);
}

/* rcpt_refuse: answer a refused recipient; sendmail logs the reply */
static void
rcpt_refuse(struct sess *s, const char *r)
{
	slog(s, LOG_INFO, "%s", reply_text(r));
	reply(s, "%s", r);
	bad_rcpt(s);
}

/* rcpt_discarded: taken and thrown away ($#discard): it counts as a
 * recipient of the message but is never written to the queue */
static void
rcpt_discarded(struct sess *s, const char *addr)
{
	struct rcpt *r = envelope_add_rcpt(&s->e, addr, RCPT_PRIMARY | RCPT_DONE);

	r->state = RS_SENT;
	s->nrcpts++;
	s->st = ST_RCPT;
	reply(s, "250 2.1.5 %s... Recipient ok", addr);
}

/* rcpt_check: check_rcpt; 0 go on, 1 answered (refused or discarded) */
static int
rcpt_check(struct sess *s, const char *addr)
{
	struct check chk;

	run_check(s, "check_rcpt", addr, addr, &chk);
	if (chk.verdict == 0) {
		dstr_free(&chk.reply);
		return 0;
	}
	check_log(s, "check_rcpt", addr, NULL, &chk);
	if (chk.verdict == 2) {
		/* a discarded recipient discards the whole message */
		s->discard = 1;
		rcpt_discarded(s, addr);
	}
	else {
		reply(s, "%s", chk.reply.s);
		bad_rcpt(s);
	}
	dstr_free(&chk.reply);
	return 1;
}

/* cmd_rcpt: in sendmail's order: parameters, the address through
 * ruleset 0, check_rcpt, then whether a local name exists */
static void
cmd_rcpt(struct sess *s, const char *arg)
{
	char *addr = NULL, *params = NULL;
	struct smtpd_rcpt_params rp;
	struct smtpd_addr a;
	const struct accepted *dup;
	dstr err = DSTR_INIT;

	memset(&rp, 0, sizeof(rp));
	memset(&a, 0, sizeof(a));
	if (s->st < ST_MAIL) {
		reply(s, "503 5.0.0 Need MAIL before RCPT");
		return;
	}
	if (smtpd_path(arg, "TO", &addr, &params, &err) < 0) {
		reply(s, "%s", err.s);
		goto out;
	}
	if (smtpd_rcpt_params(params, &rp, &err) < 0) {
		slog(s, LOG_INFO, "%s", reply_text(err.s));
		reply(s, "%s", err.s);
		goto out;
	}
	if (s->maxrcpts > 0 && (long)s->nrcpts >= s->maxrcpts) {
		rcpt_refuse(s, "452 4.5.3 Too many recipients");
		goto out;
	}
	macro_set_name(&s->e.macros, "rcpt_addr", addr);
	if (s->discard || s->discard_all) {
		/* nothing will be delivered: only the syntax and check_rcpt count */
		if (!address_ok(s, addr) || rcpt_check(s, addr))
			goto out;
		rcpt_discarded(s, addr);
		goto out;
	}
	if (smtpd_addr_resolve(s->c, &s->e.macros, addr, &a) < 0) {
		rcpt_refuse(s, a.reply.s);
		goto out;
	}
	if (rcpt_check(s, addr))
		goto out;
	if (smtpd_addr_known(s->c, addr, &a) < 0) {
		rcpt_refuse(s, a.reply.s);
		goto out;
	}
	dup = accepted_find(s, &a);
	if (dup == NULL) {
		accepted_add(s, addr, &a);
		dup = &s->acc[s->nacc - 1];
		rcpt_add(s, addr, &rp);
		s->nrcpts++;
	}
	s->st = ST_RCPT;
	reply(s, "250 2.1.5 %s... Recipient ok%s", dup->paddr, dup->queueup ? " (will queue)" : "");
out:
	smtpd_addr_free(&a);
	smtpd_rcpt_params_free(&rp);
	dstr_free(&err);
	free(addr);
	free(params);
}

/* what reading a message found */
enum data_end {
	DATA_OK,		/* the final dot */
	DATA_EOF,		/* the client went away */
	DATA_TIMEOUT,
	DATA_BARE_CR,		/* a CR without LF: refused, as sendmail does */
	DATA_BARE_LF,		/* an LF without CR */
	DATA_WRITE_ERROR
};

struct data_read {
	size_t size;		/* message bytes, lines counted with LF ends */
	int toobig;		/* over MaxMessageSize (the rest is read and dropped) */
	int in_header;		/* still in the header when it ended */
};

/* data_line: one line of the message (dot-unstuffed) to the queue */
static int
data_line(struct sess *s, struct hdr_reader *hr, struct data_read *r, const char *p, size_t n)
{
	if (n == 0)
		r->in_header = 0;
	r->size += n + 1;
	if (s->maxsize > 0 && (long)r->size > s->maxsize)
		r->toobig = 1;
	if (r->toobig)
		return 0;
	return hdr_reader_line(hr, p, n);
}

/* read_data: the message up to <CRLF>.<CRLF>; only that sequence ends
 * it.  A bare CR or LF ends the reading at once (RFC 5321 2.3.8: such
 * input is how messages are smuggled), counted up to the bare byte. */
static enum data_end
read_data(struct sess *s, struct hdr_reader *hr, struct data_read *r)
{
	dstr line = DSTR_INIT;
	enum data_end end = DATA_OK;
	int werr = 0;

	r->in_header = 1;
	for (;;) {
		unsigned fl = 0;
		int st;
		const char *p;
		size_t n;

		dstr_clear(&line);
		st = stream_read_line(s->s, &line, DATA_LINE_MAX, &fl);
		if (st == STREAM_TOOLONG) {
			r->toobig = 1;
			r->size += line.len;
			continue;
		}
		if (st != STREAM_OK) {
			r->size += line.len;
			end = st == STREAM_TIMEOUT ? DATA_TIMEOUT : DATA_EOF;
			break;
		}
		p = dstr_cstr(&line);
		n = line.len;
		if (fl & STREAM_LINE_BARE_CR) {
			r->size += (size_t)((const char *)memchr(p, '\r', n) - p);
			end = DATA_BARE_CR;
			break;
		}
		if (fl & STREAM_LINE_BARE_LF) {
			r->size += n;
			end = DATA_BARE_LF;
			break;
		}
		if (n == 1 && p[0] == '.')
			break;
		/* transparency: a leading dot was doubled by the client */
		if (n > 0 && p[0] == '.')
			p++, n--;
		if (data_line(s, hr, r, p, n) != 0)
			werr = 1;
	}
	dstr_free(&line);
	return end == DATA_OK && werr ? DATA_WRITE_ERROR : end;
}

/* data_failed: what sendmail logs when a message is not taken */
static void
data_failed(struct sess *s, const struct data_read *r, const char *info)
{
	const char *name = peer_name(s);

	log_set_qid(s->e.qid);
	if (strcmp(info, "unexpected close") == 0)
		msg_notice("collect: premature EOM: %s", info);
	if (strcmp(info, "read timeout") == 0) {
		struct passwd *pw = getpwuid(getuid());

		msg_log(LOG_CRIT, "SYSERR(%s): collect: relay=%s, from=%s, info=%s",
		    pw ? pw->pw_name : "root", name, s->e.sender, info);
	} else
		msg_notice("collect: relay=%s, from=%s, info=%s%s", name, s->e.sender, info,
		    strncmp(info, "Bare", 4) == 0 ? (r->in_header ?
		    ", where=header, status=tempfail" : ", where=body, status=tempfail") : "");
	maillog_from(&s->e, r->size, dstr_cstr(&s->relay));
	log_set_qid(NULL);
}

/* data_too_big: the reply and log lines for a message over
 * MaxMessageSize */
static void
data_too_big(struct sess *s, const struct data_read *r)
{
	size_t i;

	headers_add_defaults(s->c, &s->e);
	log_set_qid(s->e.qid);
	maillog_from(&s->e, r->size, dstr_cstr(&s->relay));
	msg_notice("message size (%zu) exceeds maximum (%ld)", r->size, s->maxsize);
	for (i = 0; i < s->e.nrcpts; i++)
		msg_info("to=%s, delay=00:00:00, pri=%ld, stat=Message exceeds maximum fixed size (%ld)",
		    s->e.rcpts[i].addr, (long)r->size + RECIPIENT_FACTOR * (long)s->e.nrcpts,
		    s->maxsize);
	log_set_qid(NULL);
	reply(s, "552 5.2.3 Message exceeds maximum fixed size (%ld)", s->maxsize);
}

/* data_macros: $i $b $a $t $g $u for the message being received */
static void
data_macros(struct sess *s, time_t now)
{
	dstr date = DSTR_INIT, g = DSTR_INIT;
	char stamp[32];
	struct tm tm;
	const char *f = s->e.sender;
	size_t i;

	macro_set(&s->e.macros, 'i', s->e.qid);
	headers_arpadate(now, &date);
	macro_set(&s->e.macros, 'b', date.s);
	macro_set(&s->e.macros, 'a', date.s);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M", &tm);
	macro_set(&s->e.macros, 't', stamp);
	/* $g for From: when the message has none: the sender bare */
	if (f[0] == '<' && f[strlen(f) - 1] == '>')
		dstr_append(&g, f + 1, strlen(f) - 2);
	else
		dstr_puts(&g, f);
	macro_set(&s->e.macros, 'g', g.s);
	if (s->nrcpts == 1)
		for (i = 0; i < s->e.nrcpts; i++)
			macro_set(&s->e.macros, 'u', s->e.rcpts[i].addr);
	dstr_free(&date);
	dstr_free(&g);
}

/* data_commit: the message to the queue, logged and acknowledged */
static void
data_commit(struct sess *s, struct qdata *d, struct hdr_reader *hr, size_t size)
{
	dstr err = DSTR_INIT;
	size_t i, pending = 0;

	if (s->discard || s->discard_all || envelope_pending(&s->e) == 0) {
		/* everything was discarded: nothing is queued */
		headers_add_defaults(s->c, &s->e);
		log_set_qid(s->e.qid);
		maillog_from(&s->e, size, dstr_cstr(&s->relay));
		msg_info("discarded");
		stats_note_discarded(s->c, s->e.sender);
		log_set_qid(NULL);
		queue_data_abort(d);
		reply(s, "250 2.0.0 %s Message accepted for delivery", s->e.qid);
		return;
	}
	headers_add_defaults(s->c, &s->e);
	for (i = 0; i < s->e.nrcpts; i++)
		if (!(s->e.rcpts[i].flags & RCPT_DONE))
			pending++;
	s->e.priority = (long)(hr->header_bytes + d->size) + RECIPIENT_FACTOR * (long)pending;
	if (queue_commit(s->c, &s->e, d, &err) != 0) {
		msg_error("cannot queue: %s", err.s);
		reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		dstr_free(&err);
		return;
	}
	log_set_qid(s->e.qid);
	maillog_from(&s->e, size, dstr_cstr(&s->relay));
	log_set_qid(NULL);
	stats_note_received(s->c, &s->e, size);
	reply(s, "250 2.0.0 %s Message accepted for delivery", s->e.qid);
	stream_flush(s->s);
	if (s->notify)
		s->notify(s->arg, s->e.qid);
}

static void
cmd_data(struct sess *s, const char *arg)
{
	struct qdata d;
	struct hdr_reader hr;
	struct data_read r;
	dstr err = DSTR_INIT;
	enum data_end end;

	(void)arg;
	if (s->st < ST_MAIL) {
		reply(s, "503 5.0.0 Need MAIL command");
		return;
	}
	if (s->st < ST_RCPT) {
		reply(s, "503 5.0.0 Need RCPT (recipient)");
		return;
	}
	s->e.ctime = time(NULL);
	if (queue_data_open(s->c, &s->e, &d, &err) != 0) {
		msg_error("cannot queue: %s", err.s);
		reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		dstr_free(&err);
		return;
	}
	data_macros(s, s->e.ctime);
	reply(s, "354 End data with <CR><LF>.<CR><LF>");
	stream_flush(s->s);
	memset(&r, 0, sizeof(r));
	hdr_reader_init(&hr, &s->e, &d);
	stream_set_timeout(s->s, timeout_ms(s->c, "Timeout.datablock"));
	end = read_data(s, &hr, &r);
	stream_set_timeout(s->s, timeout_ms(s->c, "Timeout.command"));
	hdr_reader_end(&hr);
	switch (end) {
	case DATA_OK:
		if (r.toobig) {
			data_too_big(s, &r);
			queue_data_abort(&d);
		} else
			data_commit(s, &d, &hr, r.size);
		break;
	case DATA_BARE_CR:
	case DATA_BARE_LF:
		reply(s, "421 4.5.0 Bare %s not allowed",
		    end == DATA_BARE_CR ? "carriage return (CR)" : "linefeed (LF)");
		data_failed(s, &r, end == DATA_BARE_CR ? "Bare carriage return (CR) not allowed" :
		    "Bare linefeed (LF) not allowed");
		queue_data_abort(&d);
		s->quit = 1;
		break;
	case DATA_TIMEOUT:
		reply(s, "421 4.4.1 collect: relay=%s, from=%s, info=read timeout", peer_name(s),
		    s->e.sender);
		data_failed(s, &r, "read timeout");
		queue_data_abort(&d);
		s->quit = 1;
		break;
	case DATA_EOF:
		data_failed(s, &r, "unexpected close");
		queue_data_abort(&d);
		s->quit = 1;
		break;
	case DATA_WRITE_ERROR:
		reply(s, "451 4.3.0 Temporary system failure. Please try again later.");
		queue_data_abort(&d);
		break;
	}
	hdr_reader_free(&hr);
	/* the transaction is over, whatever came of it (logged above) */
	reset_tx(s);
}

static int
cmd_vrfy(struct sess *s, const char *arg, int expn)
{
	const char *verb = expn ? "EXPN" : "VRFY";
	dstr r = DSTR_INIT;

	s->issued = 1;
	if (slowdown(s, &s->n_vrfy, MAX_VRFY_COMMANDS, verb))
		return -1;
	if (expn ? privacy(s, P_NOEXPN) : privacy(s, P_NOVRFY)) {
		slog(s, LOG_INFO, "%s: %s%s%s [rejected]", dstr_cstr(&s->relay), verb,
		    *arg ? " " : "", arg);
		if (expn)
			reply(s, "502 5.7.0 Sorry, we do not allow this operation");
		else
			reply(s, "252 2.5.2 Cannot VRFY user; try RCPT to attempt delivery (or try finger)");
		return 0;
	}
	if (!s->helo_seen && privacy(s, expn ? P_NEEDEXPNHELO : P_NEEDVRFYHELO)) {
		reply(s, "503 5.0.0 I demand that you introduce yourself first");
		return 0;
	}
	slog(s, LOG_INFO, "%s: %s%s%s", dstr_cstr(&s->relay), verb, *arg ? " " : "", arg);
	if (*arg == '\0') {
		reply(s, "501 5.5.2 Argument required");
		return 0;
	}
	smtpd_vrfy(s->c, &s->mt, arg, expn, &r);
	stream_write(s->s, r.s, r.len);
	dstr_free(&r);
	return 0;
}

static int
cmd_help(struct sess *s, const char *arg)
{
	dstr r = DSTR_INIT;

	if (slowdown(s, &s->n_noop, MAX_NOOP_COMMANDS, "HELP"))
		return -1;
	smtpd_help(options_get(s->c->opts, "HelpFile"), arg, &s->mt,
	    macro_get(&s->c->macros, 'v'), &r);
	stream_write(s->s, r.s, r.len);
	dstr_free(&r);
	return 0;
}

/* cmd_etrn: start a queue run for the node (RFC 1985); the daemon does
 * it when it gave us an etrn hook */
static int
cmd_etrn(struct sess *s, const char *arg)
{
	s->issued = 1;
	if (privacy(s, P_NOETRN) || (s->feat & F_NO_ETRN)) {
		slog(s, LOG_INFO, "%s: ETRN%s%s [rejected]", dstr_cstr(&s->relay), *arg ? " " : "", arg);
		reply(s, "502 5.7.0 Sorry, we do not allow this operation");
		return 0;
	}
	if (*arg == '\0') {
		reply(s, "500 5.5.2 Parameter required");
		return 0;
	}
	if (slowdown(s, &s->n_etrn, MAX_ETRN_COMMANDS, "ETRN"))
		return -1;
	slog(s, LOG_INFO, "%s: ETRN %s", dstr_cstr(&s->relay), arg);
	if (arg[0] == '#') {
		/* queue groups: only the default one, "mqueue", exists here */
		if (strcmp(arg + 1, "mqueue") != 0) {
			reply(s, "459 4.5.4 Queue %s unknown", arg + 1);
			return 0;
		}
	}
	if (s->peer->etrn)
		s->peer->etrn(s->arg, arg);
	if (arg[0] == '#')
		reply(s, "250 2.0.0 Queuing for queue group %s started", arg + 1);
	else
		reply(s, "250 2.0.0 Queuing for node %s started", arg);
	return 0;
}

/* after_tls_client: run tls_client on ${verify} $| STARTTLS; when it
 * says no, the session answers most commands with its reply */
static void
after_tls_client(struct sess *s)
{
	struct check chk;
	const char *v = macro_get_name(&s->mt, "verify");

	run_check2(s, "tls_client", v ? v : "", "STARTTLS", NULL, &chk);
	if (chk.verdict == 1 || chk.verdict == 3) {
		msg_notice("ruleset=tls_client, arg1=%s, relay=%s, reject=%s", v ? v : "",
		    dstr_cstr(&s->relay), chk.reply.s);
		free(s->nullreply);
		s->nullreply = xstrdup(chk.reply.s);
	}
	dstr_free(&chk.reply);
}

/* start_tls: the handshake, then what RFC 3207 asks: forget what the
 * client said before it (EHLO and all) */
static int
start_tls(struct sess *s)
{
	if (tls_smtp_handshake(s->c, s->s, !(s->feat & F_NO_CERT_REQ), dstr_cstr(&s->relay),
	    &s->mt, &s->tlsres) != 0)
		return -1;
	s->tls = 1;
	reset_tx(s);
	s->helo_seen = 0;
	s->esmtp = 0;
	s->st = ST_START;
	set(s, "s", NULL);
	if (s->auth)
		auth_session_set_tls(s->auth, s->tlsres.bits, s->tlsres.verified_subject);
	after_tls_client(s);
	return 0;
}

static int
cmd_starttls(struct sess *s, const char *arg)
{
	if ((s->feat & F_NO_TLS) || s->peer->local) {
		reply(s, "500 5.5.1 Command unrecognized: \"STARTTLS\"");
		return 1;
	}
	if (!tls_smtp_available()) {
		/* built with TLS, but no usable certificate and key */
		reply(s, "454 4.3.3 TLS not available after start");
		return 1;
	}
	if (s->tls) {
		reply(s, "503 5.5.0 TLS already active");
		return 1;
	}
	if (*arg) {
		reply(s, "501 5.5.2 Syntax error (no parameters allowed)");
		return 1;
	}
	if (s->st >= ST_MAIL) {
		reply(s, "503 5.5.0 TLS not permitted during a mail transaction");
		return 1;
	}
	if (s->auth && auth_session_user(s->auth)) {
		reply(s, "503 5.5.0 TLS not permitted after AUTH");
		return 1;
	}
	if (stream_pending(s->s) > 0) {
		/* anything sent after STARTTLS in the same flight would be
		 * taken as coming through TLS (CVE-2011-0411 and kin) */
		msg_notice("STARTTLS=server, error: input pipelined after STARTTLS, relay=%s",
		    dstr_cstr(&s->relay));
		reply(s, "554 5.5.0 No commands may follow STARTTLS before the TLS handshake");
		stream_flush(s->s);
		s->quit = 1;
		return 0;
	}
	reply(s, "220 2.0.0 Ready to start TLS");
	stream_flush(s->s);
	if (start_tls(s) != 0)
		s->quit = 1;
	return 0;
}

static int
cmd_auth(struct sess *s, const char *arg)
{
	if (s->auth == NULL || (s->feat & F_NO_AUTH) ||
	    (auth_session_user(s->auth) == NULL && *auth_session_mechs(s->auth) == '\0')) {
		reply(s, "503 5.3.3 AUTH not available");
		return 1;
	}
	if (!s->esmtp) {
		/* AUTH is an ESMTP extension: the client learns of it by EHLO */
		reply(s, "503 5.5.1 Send EHLO before AUTH");
		return 1;
	}
	if (s->st >= ST_MAIL) {
		reply(s, "503 5.5.0 AUTH not permitted during a mail transaction");
		return 1;
	}
	switch (auth_session_command(s->auth, s->s, arg, &s->mt)) {
	case AUTH_DONE_OK:
		set_proto(s);
		return 0;
	case AUTH_DONE_FAILED:
		return 0;
	case AUTH_DONE_ERROR:
		return 1;
	case AUTH_DONE_CLOSE:
	default:
		s->quit = 1;
		return 0;
	}
}

/* command handlers: 0 done, 1 a bad command (counted), -1 the session
 * ends (the handler answered 421) */
static int h_helo(struct sess *s, char *arg) { return cmd_helo(s, arg, 0); }
static int h_ehlo(struct sess *s, char *arg) { return cmd_helo(s, arg, 1); }
static int h_mail(struct sess *s, char *arg) { cmd_mail(s, arg); return 0; }
static int h_rcpt(struct sess *s, char *arg) { cmd_rcpt(s, arg); return 0; }
static int h_data(struct sess *s, char *arg) { cmd_data(s, arg); return 0; }
static int h_vrfy(struct sess *s, char *arg) { return cmd_vrfy(s, arg, 0); }
static int h_expn(struct sess *s, char *arg) { return cmd_vrfy(s, arg, 1); }
static int h_help(struct sess *s, char *arg) { return cmd_help(s, arg); }
static int h_etrn(struct sess *s, char *arg) { return cmd_etrn(s, arg); }
static int h_starttls(struct sess *s, char *arg) { return cmd_starttls(s, arg); }
static int h_auth(struct sess *s, char *arg) { return cmd_auth(s, arg); }

static int
h_rset(struct sess *s, char *arg)
{
	(void)arg;
	end_tx(s);
	reply(s, "250 2.0.0 Reset state");
	return 0;
}

static int
h_noop(struct sess *s, char *arg)
{
	(void)arg;
	if (slowdown(s, &s->n_noop, MAX_NOOP_COMMANDS, "NOOP"))
		return -1;
	reply(s, "250 2.0.0 OK");
	return 0;
}

static int
h_verb(struct sess *s, char *arg)
{
	(void)arg;
	if (slowdown(s, &s->n_noop, MAX_NOOP_COMMANDS, "VERB"))
		return -1;
	if (privacy(s, P_NOVERB))
		reply(s, "502 5.7.0 Verbose unavailable");
	else
		reply(s, "250 2.0.0 Verbose mode");
	return 0;
}

static int
h_quit(struct sess *s, char *arg)
{
	(void)arg;
	end_tx(s);
	reply(s, "221 2.0.0 %s closing connection", s->j);
	s->quit = 1;
	return 0;
}

/* the commands; "gated" ones get check_relay's (or tls_client's)
 * refusal instead of an answer when the client was refused */
static const struct command {
	const char *verb;
	int (*fn)(struct sess *, char *);
	int gated;
} commands[] = {
	{ "HELO", h_helo, 0 }, { "EHLO", h_ehlo, 0 }, { "MAIL", h_mail, 1 },
	{ "RCPT", h_rcpt, 1 }, { "DATA", h_data, 1 }, { "RSET", h_rset, 0 },
	{ "NOOP", h_noop, 0 }, { "QUIT", h_quit, 0 }, { "VRFY", h_vrfy, 1 },
	{ "EXPN", h_expn, 1 }, { "HELP", h_help, 1 }, { "VERB", h_verb, 1 },
	{ "ETRN", h_etrn, 1 }, { "STARTTLS", h_starttls, 1 }, { "AUTH", h_auth, 1 },
};

/* dispatch: one command line (NULs and 8th bits already dealt with) */
static int
dispatch(struct sess *s, char *line)
{
	char *verb = line, *arg;
	size_t i;

	while (*verb == ' ' || *verb == '\t')
		verb++;
	arg = verb + strcspn(verb, " \t");
	if (*arg)
		*arg++ = '\0';
	while (*arg == ' ' || *arg == '\t')
		arg++;
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		const struct command *c = &commands[i];

		if (strcasecmp(verb, c->verb) != 0)
			continue;
		s->last_cmd = c->verb;
		if (c->gated && (s->rejected || s->nullreply)) {
			if (c->fn == h_mail || c->fn == h_vrfy || c->fn == h_expn || c->fn == h_etrn)
				s->issued = 1;
			reply(s, "%s", s->rejected ? s->reject_reply : s->nullreply);
			return 0;
		}
		return c->fn(s, arg);
	}
	if (*arg)
		arg[-1] = ' ';
	if (++s->bad > MAX_BAD_COMMANDS) {
		reply(s, "421 4.7.0 %s Too many bad commands; closing connection", s->j);
		return -1;
	}
	reply(s, "500 5.5.1 Command unrecognized: \"%s\"", verb);
	return 0;
}

/* daemon_features: the listener's M= modifiers that matter here */
static unsigned
daemon_features(const char *m)
{
	unsigned f = 0;

	if (m == NULL)
		return 0;
	if (strchr(m, 'S'))
		f |= F_NO_TLS;
	if (strchr(m, 'A'))
		f |= F_NO_AUTH;
	else if (strchr(m, 'a'))
		f |= F_REQ_AUTH;
	if (strchr(m, 'E'))
		f |= F_NO_ETRN;
	return f;
}

/* srv_features: the ruleset's "$# letters" turn features off (upper
 * case) and on (lower case); "$#temp" is a temporary failure, given
 * as -1 */
static int
srv_features(struct sess *s)
{
	struct conf *c = s->c;
	int rs = ruleset_lookup(&c->rules, "srv_features");
	struct toklist ws = { 0 };
	pool *p;
	const char *end;
	dstr text = DSTR_INIT;
	int rc = 0;

	if (rs < 0 || c->rules.rs[rs].n == 0)
		return 0;
	p = pool_new();
	{
		struct rw_env env = { c, &s->e.macros, p, NULL };

		addr_tokenize(&c->syntax, s->peer->name, '\0', TOK_MODE_EXTERNAL, p, &ws, &end, NULL);
		(void)rewrite(&env, &ws, rs);
	}
	if (ws.n >= 1 && ws.v[0].op == TOK_CANONNET) {
		const char *t;

		addr_cat(&c->syntax, &ws.v[1], ws.n - 1, ' ', &text);
		t = dstr_cstr(&text);
		if (strncasecmp(t, "temp", 4) == 0)
			rc = -1;
		else
			for (; *t; t++)
				switch (*t) {
				case 'S': s->feat |= F_NO_TLS; break;
				case 's': s->feat &= ~F_NO_TLS; break;
				case 'A': s->feat |= F_NO_AUTH; break;
				case 'a': s->feat &= ~F_NO_AUTH; break;
				case 'l': s->feat |= F_REQ_AUTH; break;
				case 'L': s->feat &= ~F_REQ_AUTH; break;
				case 'E': s->feat |= F_NO_ETRN; break;
				case 'e': s->feat &= ~F_NO_ETRN; break;
				case 'P': s->feat |= F_NO_PIPELINING; break;
				case 'p': s->feat &= ~F_NO_PIPELINING; break;
				case 'D': s->feat |= F_NO_DSN; break;
				case 'd': s->feat &= ~F_NO_DSN; break;
				case 'V': s->feat |= F_NO_CERT_REQ; break;
				case 'v': s->feat &= ~F_NO_CERT_REQ; break;
				case 'c': s->feat |= F_REQ_LAYER; break;
				case 'C': s->feat &= ~F_REQ_LAYER; break;
				default: break;
				}
	}
	dstr_free(&text);
	toklist_free(&ws);
	pool_free(p);
	return rc;
}

/* start_auth: the session's SASL side, unless AUTH is off for it */
static void
start_auth(struct sess *s, void *arg)
{
	struct auth_peer ap;
	const char *realm = options_get(s->c->opts, "AuthRealm");

	if (s->feat & F_NO_AUTH)
		return;
	memset(&ap, 0, sizeof(ap));
	ap.relay = dstr_cstr(&s->relay);
	ap.addr = s->peer->addr;
	ap.fqdn = realm && *realm ? realm : s->j;
	ap.recent_failures = s->peer->auth_failures;
	ap.failed = s->peer->auth_failed;
	ap.arg = arg;
	s->auth = auth_session_new(s->c, &ap);
	if (s->auth && (s->feat & F_REQ_LAYER))
		auth_session_require_layer(s->auth);
	if (s->auth && s->tls)
		auth_session_set_tls(s->auth, s->tlsres.bits, s->tlsres.verified_subject);
}

/* check_relay: the ruleset on the client's name and address.  A refused
 * client is still greeted (unless the answer is 421); then most commands
 * get the refusal (sendmail's "nullserver" mode). */
static void
check_relay(struct sess *s)
{
	struct check chk;

	run_check2(s, "check_relay", s->peer->name, s->peer->addr, NULL, &chk);
	if (chk.verdict != 0)
		check_log(s, "check_relay", s->peer->name, s->peer->addr, &chk);
	if (chk.verdict == 1 || chk.verdict == 3) {
		s->rejected = 1;
		s->reject_reply = xstrdup(chk.reply.s);
	} else if (chk.verdict == 2)
		s->discard_all = 1;
	dstr_free(&chk.reply);
}

/* greet_pause_ms: the greet_pause ruleset's "$# milliseconds" for the
 * client (FEATURE(greet_pause), access map GreetPause: entries), or 0 */
static long
greet_pause_ms(struct sess *s)
{
	struct conf *c = s->c;
	int rs = ruleset_lookup(&c->rules, "greet_pause");
	struct toklist ws = { 0 };
	struct tok bar = { "", 0, TOK_CONDELSE, 0 };
	pool *p;
	const char *end;
	dstr text = DSTR_INIT;
	long ms = 0;

	if (rs < 0 || c->rules.rs[rs].n == 0)
		return 0;
	p = pool_new();
	{
		struct rw_env env = { c, &s->e.macros, p, NULL };

		addr_tokenize(&c->syntax, s->peer->name, '\0', TOK_MODE_EXTERNAL, p, &ws, &end, NULL);
		toklist_push(&ws, bar);
		addr_tokenize(&c->syntax, s->peer->addr, '\0', TOK_MODE_EXTERNAL, p, &ws, &end, NULL);
		(void)rewrite(&env, &ws, rs);
	}
	if (ws.n >= 2 && ws.v[0].op == TOK_CANONNET) {
		char *e;

		addr_cat(&c->syntax, &ws.v[1], ws.n - 1, 0, &text);
		ms = strtol(dstr_cstr(&text), &e, 10);
		if (*e != '\0' || ms < 0)
			ms = 0;	/* not a number: ignored, as sendmail does */
	}
	dstr_free(&text);
	toklist_free(&ws);
	pool_free(p);
	return ms;
}

/* greet_pause: wait before the greeting; a client that talks first is
 * an open proxy or a spam engine: it is answered 554 and every command
 * after is refused */
static int
greet_pause(struct sess *s)
{
	long ms = greet_pause_ms(s);
	time_t start = time(NULL);

	if (ms <= 0 || stream_wait_readable(s->s, ms > INT32_MAX ? INT32_MAX : (int)ms) != 1)
		return 0;
	reply(s, "554 %s ESMTP not accepting messages", s->j);
	stream_flush(s->s);
	slog(s, LOG_INFO, "rejecting commands from %s due to pre-greeting traffic after %ld seconds",
	    dstr_cstr(&s->relay), (long)(time(NULL) - start));
	s->rejected = 1;
	free(s->reject_reply);
	s->reject_reply = xstrdup("550 5.0.0 Command rejected");
	return 1;
}

/* greet: the 220 greeting (SmtpGreetingMessage, "ESMTP" after its first
 * word), or a 421 refusal that ends the session */
static void
greet(struct sess *s)
{
	const char *g = options_get(s->c->opts, "SmtpGreetingMessage");
	dstr text = DSTR_INIT, out = DSTR_INIT;
	size_t w;

	if (s->rejected && strncmp(s->reject_reply, "421", 3) == 0) {
		reply(s, "%s", s->reject_reply);
		s->quit = 1;
		stream_flush(s->s);
		return;
	}
	if (!s->rejected && !s->peer->implicit_tls && !s->peer->local && greet_pause(s))
		return;
	macro_expand(&s->mt, g ? g : "$j Sendmail $v/$Z; $b", &text);
	w = strcspn(text.s, " ");
	dstr_append(&out, text.s, w);
	dstr_puts(&out, " ESMTP");
	dstr_puts(&out, text.s + w);
	reply(s, "220 %s", out.s);
	stream_flush(s->s);
	dstr_free(&text);
	dstr_free(&out);
}

/* command_line: NULs end a command line and the 8th bit is dropped, as
 * sendmail does */
static void
command_line(dstr *line)
{
	size_t i;

	line->len = strlen(dstr_cstr(line));
	for (i = 0; i < line->len; i++)
		line->s[i] &= 0x7f;
	line->len = strlen(line->s);
}

/* session_command: read and run one command; -1 when the session ends */
static int
session_command(struct sess *s, dstr *line, int *rc)
{
	unsigned fl = 0;
	int st, r;
	size_t len;

	dstr_clear(line);
	dstr_clear(&s->mapmsgs);
	st = stream_read_line(s->s, line, SMTP_READ_MAX, &fl);
	if (st == STREAM_TIMEOUT) {
		/* sendmail closes without a word */
		slog(s, LOG_NOTICE, "timeout waiting for input from %s during server cmd read",
		    peer_name(s));
		return -1;
	}
	if (st != STREAM_OK && st != STREAM_TOOLONG) {
		if (st == STREAM_EOF && s->st >= ST_MAIL) {
			char cmd[16];
			size_t i;

			snprintf(cmd, sizeof(cmd), "%s", s->last_cmd ? s->last_cmd : "startup");
			for (i = 0; cmd[i]; i++)
				cmd[i] = (char)tolower((unsigned char)cmd[i]);
			slog(s, LOG_NOTICE, "lost input channel from %s to %s after %s",
			    dstr_cstr(&s->relay), s->peer->daemon_name ? s->peer->daemon_name : "MTA", cmd);
		}
		*rc = st == STREAM_EOF ? 0 : -1;
		return -1;
	}
	len = line->len + ((fl & STREAM_LINE_BARE_LF) ? 1 : 2);
	if (st == STREAM_TOOLONG || len > SMTP_LINE_MAX) {
		if (len > SMTP_LOGGED_MAX)
			len = SMTP_LOGGED_MAX;	/* sendmail reads no further */
		slog(s, LOG_NOTICE, "%s: SMTP violation, input too long: %zu", dstr_cstr(&s->relay), len);
		reply(s, "421 4.7.0 %s Command too long, possible attack %s", s->j,
		    dstr_cstr(&s->relay));
		return -1;
	}
	command_line(line);
	r = dispatch(s, line->s);
	if (r == 1 && ++s->bad > MAX_BAD_COMMANDS) {
		reply(s, "421 4.7.0 %s Too many bad commands; closing connection", s->j);
		return -1;
	}
	if (stream_pending(s->s) == 0)
		stream_flush(s->s);
	return r < 0 ? -1 : 0;
}

int
smtpd_session(struct conf *c, int rfd, int wfd, const struct smtpd_peer *peer,
    smtpd_notify notify, void *arg)
{
	struct sess s;
	dstr line = DSTR_INIT;
	int rc = 0;

	memset(&s, 0, sizeof(s));
	s.c = c;
	s.peer = peer;
	s.notify = notify;
	s.arg = arg;
	s.s = stream_new(rfd, wfd);
	stream_set_timeout(s.s, timeout_ms(c, "Timeout.command"));
	dstr_init(&s.mapmsgs);
	c->user_out = &s.mapmsgs;
	s.j = macro_get(&c->macros, 'j');
	if (s.j == NULL)
		s.j = "localhost";
	s.maxsize = options_int(c->opts, "MaxMessageSize", 0);
	s.maxrcpts = options_int(c->opts, "MaxRecipientsPerMessage", 0);
	macro_table_init(&s.mt, &c->macros);
	envelope_init(&s.e, &s.mt);
	dstr_init(&s.relay);
	if (peer->local)
		dstr_puts(&s.relay, peer->ident ? peer->ident : "localhost");
	else if (peer->name[0] && peer->name[0] != '[')
		dstr_printf(&s.relay, "%s [%s]", peer->name, peer->addr);
	else
		dstr_printf(&s.relay, "[%s]", peer->addr);
	s.feat = daemon_features(peer->daemon_flags);
	set(&s, "client_addr", peer->addr);
	set(&s, "client_name", peer->name);
	{
		char port[16];

		snprintf(port, sizeof(port), "%d", peer->port);
		set(&s, "client_port", port);
	}
	set(&s, "client_resolve", peer->resolve[0] ? peer->resolve : "OK");
	{
		/* ${deliveryMode}: the cf's check_* rulesets skip their lookups
		 * in deferred mode ("d") */
		const char *dm = options_get(c->opts, "DeliveryMode");
		char m[2] = { dm && *dm ? (char)tolower((unsigned char)*dm) : 'b', '\0' };

		set(&s, "deliveryMode", m);
	}
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
	s.priv = privacy_flags(options_get(c->opts, "PrivacyOptions"));
	queue_new_id(s.sid);
	if (!peer->local) {
		stats_note_connection(c, STATS_CONN_IN);
		check_relay(&s);
	}
	if (!s.rejected && srv_features(&s) < 0) {
		s.rejected = 1;
		s.reject_reply = xstrdup("421 4.3.0 Temporary failure determining the server features");
	}
	if (!peer->local)
		(void)tls_smtp_init(c);
	if (peer->implicit_tls) {
		/* SMTPS: TLS first, then the greeting (RFC 8314) */
		if (!tls_smtp_available()) {
			msg_error("STARTTLS=server, error: SMTPS listener %s without a usable certificate, relay=%s",
			    peer->daemon_name ? peer->daemon_name : "", dstr_cstr(&s.relay));
			goto done;
		}
		if (start_tls(&s) != 0)
			goto done;
	}
	if (!s.rejected)
		start_auth(&s, arg);
	greet(&s);
	while (!s.quit && session_command(&s, &line, &rc) == 0)
		continue;
	end_tx(&s);
	if (!s.issued && !peer->local && !s.rejected)
		slog(&s, LOG_INFO, "%s did not issue MAIL/EXPN/VRFY/ETRN during connection to %s",
		    dstr_cstr(&s.relay), peer->daemon_name ? peer->daemon_name : "MTA");
	stream_flush(s.s);
done:
	auth_session_free(s.auth);
	tls_smtp_result_free(&s.tlsres);
	reset_tx(&s);
	free(s.acc);
	envelope_free(&s.e);
	macro_table_free(&s.mt);
	stream_free(s.s);
	free(s.reject_reply);
	free(s.nullreply);
	dstr_free(&s.relay);
	dstr_free(&line);
	c->user_out = NULL;
	dstr_free(&s.mapmsgs);
	return rc;
}
