/* dsn: bounce and warning messages (see dsn.h).  The layout follows
 * sendmail's: a human part with the failed addresses and the
 * transcript, a message/delivery-status part, and the original message
 * (or its headers when RET=HDRS or PrivacyOptions=nobodyreturn). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/deliver.h"
#include "sendmail/dsn.h"
#include "sendmail/headers.h"
#include "sendmail/maillog.h"
#include "sendmail/msgwrite.h"
#include "sendmail/parseaddr.h"
#include "sendmail/queue.h"

static int
privacy(struct conf *c, const char *flag)
{
	const char *p = options_get(c->opts, "PrivacyOptions");

	return p && strcasestr(p, flag) != NULL;
}

static void
part_text(struct conf *c, struct envelope *e, enum dsn_kind kind, dstr *b)
{
	dstr date = DSTR_INIT;
	const char *from = macro_get(&e->macros, '_');
	size_t i;

	headers_arpadate(e->ctime, &date);
	dstr_printf(b, "The original message was received at %s\n", date.s);
	if (from)
		dstr_printf(b, "from %s\n", from);
	dstr_putc(b, '\n');
	if (kind == DSN_FAILURE)
		dstr_puts(b, "   ----- The following addresses had permanent fatal errors -----\n");
	else
		dstr_puts(b, "   ----- The following addresses had transient non-fatal errors -----\n");
	for (i = 0; i < e->nrcpts; i++) {
		const struct rcpt *r = &e->rcpts[i];

		if (kind == DSN_FAILURE ? (r->state != RS_FAILED || r->bounced) : r->state != RS_DEFERRED)
			continue;
		dstr_printf(b, "%s\n", r->addr);
		if (r->diag)
			dstr_printf(b, "    (reason: %s)\n", r->diag);
	}
	dstr_puts(b, "\n   ----- Transcript of session follows -----\n");
	for (i = 0; i < e->nrcpts; i++) {
		const struct rcpt *r = &e->rcpts[i];

		if (kind == DSN_FAILURE ? (r->state != RS_FAILED || r->bounced) : r->state != RS_DEFERRED)
			continue;
		dstr_printf(b, "%s %s... %s\n", kind == DSN_FAILURE ? "550" : "451",
		    r->addr, r->diag ? r->diag : (kind == DSN_FAILURE ? "failed" : "Deferred"));
	}
	if (kind == DSN_DELAY) {
		dstr_puts(b, "Warning: message still undelivered after ");
		{
			char d[32];

			maillog_delay(options_time(c->opts, "Timeout.queuewarn", 'h', 4 * 3600), d, sizeof(d));
			dstr_puts(b, d);
		}
		dstr_puts(b, "\nWill keep trying until message is ");
		dstr_printf(b, "%ld days old\n",
		    options_time(c->opts, "Timeout.queuereturn", 'd', 5 * 86400) / 86400);
	}
	dstr_free(&date);
}

static void
part_status(struct conf *c, struct envelope *e, enum dsn_kind kind, dstr *b)
{
	dstr date = DSTR_INIT, now = DSTR_INIT;
	const char *j = macro_get(&c->macros, 'j');
	size_t i;

	headers_arpadate(e->ctime, &date);
	headers_arpadate(time(NULL), &now);
	dstr_printf(b, "Reporting-MTA: dns; %s\n", j ? j : "localhost");
	if (e->envid)
		dstr_printf(b, "Original-Envelope-Id: %s\n", e->envid);
	dstr_printf(b, "Arrival-Date: %s\n", date.s);
	for (i = 0; i < e->nrcpts; i++) {
		const struct rcpt *r = &e->rcpts[i];

		if (kind == DSN_FAILURE ? (r->state != RS_FAILED || r->bounced) : r->state != RS_DEFERRED)
			continue;
		dstr_putc(b, '\n');
		if (r->orcpt)
			dstr_printf(b, "Original-Recipient: %s\n", r->orcpt);
		if (r->final)
			dstr_printf(b, "Final-Recipient: %s\n", r->final);
		else
			dstr_printf(b, "Final-Recipient: RFC822; %s\n", r->addr);
		dstr_printf(b, "Action: %s\n", kind == DSN_FAILURE ? "failed" : "delayed");
		dstr_printf(b, "Status: %s\n", r->status ? r->status : (kind == DSN_FAILURE ? "5.0.0" : "4.0.0"));
		if (r->relay)
			dstr_printf(b, "Remote-MTA: DNS; %s\n", r->relay);
		if (r->diag)
			dstr_printf(b, "Diagnostic-Code: %s; %s\n",
			    r->mailer && (strncmp(r->mailer, "smtp", 4) == 0 || strcmp(r->mailer, "esmtp") == 0 ||
			    strcmp(r->mailer, "relay") == 0 || strcmp(r->mailer, "dsmtp") == 0) ? "SMTP" : "X-Unix",
			    r->diag);
		dstr_printf(b, "Last-Attempt-Date: %s\n", now.s);
		if (kind == DSN_DELAY) {
			dstr until = DSTR_INIT;

			headers_arpadate(e->ctime + options_time(c->opts, "Timeout.queuereturn", 'd', 5 * 86400), &until);
			dstr_printf(b, "Will-Retry-Until: %s\n", until.s);
			dstr_free(&until);
		}
	}
	dstr_free(&date);
	dstr_free(&now);
}

/* the original message, or its headers */
static void
part_original(struct conf *c, struct envelope *e, int headers_only, dstr *b)
{
	dstr path = DSTR_INIT;
	FILE *fp;
	char buf[8192];
	size_t n;

	message_headers_text(c, e, &e->macros, b);
	if (headers_only)
		return;
	dstr_putc(b, '\n');
	queue_data_path(e, &path);
	fp = fopen(path.s, "r");
	if (fp) {
		while ((n = fread(buf, 1, sizeof(buf), fp)) > 0)
			dstr_append(b, buf, n);
		fclose(fp);
	}
	dstr_free(&path);
}

static int
needs_notice(const struct envelope *e, enum dsn_kind kind)
{
	size_t i;

	for (i = 0; i < e->nrcpts; i++) {
		const struct rcpt *r = &e->rcpts[i];

		if (kind == DSN_FAILURE && r->state == RS_FAILED && !r->bounced &&
		    (!(r->flags & RCPT_HAS_NOTIFY) || (r->flags & RCPT_NOTIFY_FAILURE)))
			return 1;
		if (kind == DSN_DELAY && r->state == RS_DEFERRED &&
		    (!(r->flags & RCPT_HAS_NOTIFY) || (r->flags & RCPT_NOTIFY_DELAY)))
			return 1;
	}
	return 0;
}

int
dsn_send(struct conf *c, struct envelope *e, enum dsn_kind kind, char qid[32])
{
	struct envelope b;
	struct qdata d;
	dstr body = DSTR_INIT, boundary = DSTR_INIT, err = DSTR_INIT, to = DSTR_INIT;
	const char *j = macro_get(&c->macros, 'j');
	int headers_only = (e->flags & EF_NO_BODY) || privacy(c, "nobodyreturn");
	time_t now = time(NULL);
	size_t i;

	qid[0] = '\0';
	if (!needs_notice(e, kind))
		goto mark;
	/* to the sender; a bounce of a bounce goes to postmaster */
	if ((e->flags & EF_RESPONSE) || e->sender == NULL || *e->sender == '\0' ||
	    strcasecmp(e->sender, "MAILER-DAEMON") == 0 || strcmp(e->sender, "<>") == 0) {
		const char *dba = options_get(c->opts, "DoubleBounceAddress");

		if (kind == DSN_DELAY)
			goto mark;
		dstr_puts(&to, dba && *dba ? dba : "postmaster");
	} else
		dstr_puts(&to, e->sender);
	envelope_init(&b, &c->macros);
	b.sender = xstrdup("MAILER-DAEMON");
	b.flags = EF_RESPONSE | EF_NO_BODY | EF_SPLIT;
	b.ctime = now;
	if (queue_data_open(c, &b, &d, &err) != 0) {
		msg_error("%s: cannot queue notification: %s", e->qid, err.s);
		envelope_free(&b);
		goto out;
	}
	dstr_printf(&boundary, "%s.%ld/%s", b.qid, (long)now, j ? j : "localhost");
	dstr_puts(&body, "This is a MIME-encapsulated message\n\n");
	dstr_printf(&body, "--%s\n\n", boundary.s);
	part_text(c, e, kind, &body);
	dstr_printf(&body, "\n--%s\nContent-Type: message/delivery-status\n\n", boundary.s);
	part_status(c, e, kind, &body);
	dstr_printf(&body, "\n--%s\nContent-Type: %s\n\n", boundary.s,
	    headers_only ? "text/rfc822-headers" : "message/rfc822");
	part_original(c, e, headers_only, &body);
	dstr_printf(&body, "\n--%s--\n\n", boundary.s);
	queue_data_write(&d, body.s, body.len);
	{
		dstr t = DSTR_INIT, date = DSTR_INIT, mid = DSTR_INIT;
		struct tm tm;
		char stamp[32];

		macro_set(&b.macros, 'i', b.qid);
		macro_set_name(&b.macros, "_", "localhost");
		localtime_r(&now, &tm);
		strftime(stamp, sizeof(stamp), "%Y%m%d%H%M", &tm);
		macro_set(&b.macros, 't', stamp);
		headers_arpadate(now, &date);
		macro_set(&b.macros, 'b', date.s);
		macro_set(&b.macros, 'a', date.s);
		macro_set(&b.macros, 'x', "Mail Delivery Subsystem");
		macro_set(&b.macros, 'g', "MAILER-DAEMON");
		macro_set(&b.macros, 's', "localhost");
		macro_set_name(&b.macros, "daemon_flags", "c u");
		envelope_add_header(&b, "To", to.s, NULL, 0);
		envelope_add_header(&b, "MIME-Version", "1.0", NULL, 0);
		dstr_printf(&t, "multipart/report; report-type=delivery-status;\n\tboundary=\"%s\"", boundary.s);
		envelope_add_header(&b, "Content-Type", t.s, NULL, 0);
		envelope_add_header(&b, "Subject", kind == DSN_FAILURE ?
		    "Returned mail: see transcript for details" :
		    "Warning: could not send message for past 4 hours", NULL, 0);
		envelope_add_header(&b, "Auto-Submitted", kind == DSN_FAILURE ?
		    "auto-generated (failure)" : "auto-generated (warning)", NULL, 0);
		headers_add_defaults(c, &b);
		{
			struct header *f = envelope_header(&b, "From");

			if (f) {
				free(f->value);
				f->value = xstrdup("Mail Delivery Subsystem <MAILER-DAEMON>");
			}
		}
		dstr_free(&t);
		dstr_free(&date);
		dstr_free(&mid);
	}
	{
		struct rcpt *r = envelope_add_rcpt(&b, to.s, RCPT_PRIMARY | RCPT_NOTIFY_FAILURE);

		dstr_clear(&err);
		dstr_printf(&err, "RFC822; %s", to.s);
		r->final = xstrdup(err.s);
	}
	b.priority = (long)body.len + 30000;
	dstr_clear(&err);
	if (queue_commit(c, &b, &d, &err) != 0) {
		msg_error("%s: cannot queue notification: %s", e->qid, err.s);
		envelope_free(&b);
		goto out;
	}
	snprintf(qid, 32, "%s", b.qid);
	{
		/* "QID: BOUNCEQID: DSN: why", why being the first failure's
		 * text; the bounce's own lines carry its queue ID, and the
		 * message's lines after it carry the message's again */
		dstr why = DSTR_INIT;

		for (i = 0; i < e->nrcpts && kind == DSN_FAILURE; i++)
			if (e->rcpts[i].state == RS_FAILED && !e->rcpts[i].bounced &&
			    e->rcpts[i].diag) {
				strip_reply_code(e->rcpts[i].diag, &why);
				break;
			}
		if (why.len == 0)
			dstr_puts(&why, kind == DSN_FAILURE ? "Service unavailable" :
			    "Warning: could not send message");
		log_set_qid(e->qid);
		msg_info("%s: DSN: %s", b.qid, why.s);
		dstr_free(&why);
	}
	log_set_qid(b.qid);
	maillog_from(&b, body.len, NULL);
	{
		/* under its lock, as every delivery: a queue run may have
		 * found the new notification already */
		int fd = queue_lock(c, b.queue_dir, b.qid);

		if (fd >= 0) {
			deliver_queued(c, &b);
			close(fd);
		}
	}
	log_set_qid(e->qid);
	envelope_free(&b);
mark:
	for (i = 0; i < e->nrcpts; i++)
		if (kind == DSN_FAILURE && e->rcpts[i].state == RS_FAILED)
			e->rcpts[i].bounced = 1;
	if (kind == DSN_DELAY)
		e->flags |= EF_WARNED;
out:
	dstr_free(&body);
	dstr_free(&boundary);
	dstr_free(&err);
	dstr_free(&to);
	return 0;
}
