/* deliver: a delivery attempt (see deliver.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/deliver.h"
#include "sendmail/dsn.h"
#include "sendmail/expand.h"
#include "sendmail/mailer.h"
#include "sendmail/mailer_run.h"
#include "sendmail/maillog.h"
#include "sendmail/queue.h"
#include "sendmail/smtpc.h"
#include "sendmail/stats.h"

/* batchable: two recipients can share one mailer run */
static int
same_batch(const struct rcpt *a, const struct rcpt *b)
{
	return strcmp(a->mailer, b->mailer) == 0 && strcasecmp(a->host ? a->host : "", b->host ? b->host : "") == 0 &&
	    ((a->owner == NULL && b->owner == NULL) ||
	    (a->owner && b->owner && strcmp(a->owner, b->owner) == 0));
}

static void
run_batch(struct conf *c, struct envelope *e, struct batch *b)
{
	const char *path = b->m->path ? b->m->path : "";
	size_t i;

	for (i = 0; i < b->n; i++)
		b->rcpts[i]->xstart = time(NULL);
	if (strcmp(path, "[IPC]") == 0 || strcmp(path, "[TCP]") == 0)
		smtpc_deliver(c, e, b);
	else if (strcmp(path, "[FILE]") == 0)
		mailer_run_file(c, e, b);
	else
		mailer_run_program(c, e, b);
}

static const char *
to_text(const struct rcpt *r, dstr *d)
{
	/* as it was given: "<a@b>" from SMTP, "a@b" or "user" from the
	 * command line or a header (sendmail's printable address) */
	dstr_clear(d);
	dstr_puts(d, r->addr);
	return d->s;
}

/* failure_text: the stat= of a permanent failure.  A peer's SMTP reply
 * is logged as sendmail logs the exit status it maps the reply to (550,
 * 551, 553: "User unknown"; other 5xx: "Service unavailable"); the full
 * reply stays in the DSN's Diagnostic-Code. */
static const char *
failure_text(const char *diag)
{
	if (diag == NULL)
		return "Service unavailable";
	if (diag[0] == '5' && isdigit((unsigned char)diag[1]) &&
	    isdigit((unsigned char)diag[2]) && (diag[3] == ' ' || diag[3] == '-' ||
	    diag[3] == '\0')) {
		if (strncmp(diag, "550", 3) == 0 || strncmp(diag, "551", 3) == 0 ||
		    strncmp(diag, "553", 3) == 0)
			return "User unknown";
		return "Service unavailable";
	}
	return diag;
}

static void
log_outcome(const struct envelope *e, const struct rcpt *r)
{
	dstr to = DSTR_INIT, stat = DSTR_INIT;

	if (r->state == RS_SENT)
		dstr_printf(&stat, "Sent%s%s%s", r->diag ? " (" : "", r->diag ? r->diag : "",
		    r->diag ? ")" : "");
	else if (r->state == RS_DEFERRED)
		dstr_printf(&stat, "Deferred: %s", r->diag ? r->diag : "");
	else
		dstr_puts(&stat, failure_text(r->diag));
	maillog_to(e, to_text(r, &to), r->owner, r->mailer ? r->mailer : "*error*",
	    r->relay, r->xstart ? r->xstart : time(NULL), r->status, stat.s);
	dstr_free(&to);
	dstr_free(&stat);
}

size_t
deliver_queued(struct conf *c, struct envelope *e)
{
	time_t now = time(NULL);
	long qreturn = options_time(c->opts, "Timeout.queuereturn", 'd', 5 * 86400);
	long qwarn = options_time(c->opts, "Timeout.queuewarn", 'h', 4 * 3600);
	struct rcpt **group = NULL;
	size_t i, k, pending = 0, msgsize = 0;
	char dsnid[32];
	dstr err = DSTR_INIT;
	const char *last_diag = NULL;

	log_set_qid(e->qid);
	conf_delivering(c);
	expand_recipients(c, e, NULL);
	group = xcalloc(e->nrcpts + 1, sizeof(*group));
	/* failures found while expanding */
	for (i = 0; i < e->nrcpts; i++) {
		struct rcpt *r = &e->rcpts[i];

		if (!(r->flags & RCPT_DONE) && r->state == RS_FAILED) {
			r->xstart = now;
			log_outcome(e, r);
		}
	}
	for (i = 0; i < e->nrcpts; i++) {
		struct rcpt *r = &e->rcpts[i];
		struct batch b;
		const struct mailer *m;
		long maxr;
		size_t n = 0;

		if ((r->flags & RCPT_DONE) || r->state != RS_QUEUED || r->mailer == NULL)
			continue;
		m = conf_mailer(c, r->mailer);
		if (m == NULL) {
			rcpt_result(r, RS_FAILED, "5.3.5", "unknown mailer");
			log_outcome(e, r);
			continue;
		}
		maxr = mailer_has_flag(m, 'm') ? (m->maxrcpt > 0 ? m->maxrcpt : 100) : 1;
		group[n++] = r;
		for (k = i + 1; k < e->nrcpts && (long)n < maxr; k++) {
			struct rcpt *o = &e->rcpts[k];

			if (!(o->flags & RCPT_DONE) && o->state == RS_QUEUED && o->mailer &&
			    same_batch(r, o))
				group[n++] = o;
		}
		b.m = m;
		b.host = r->host;
		b.rcpts = group;
		b.n = n;
		run_batch(c, e, &b);
		{
			/* the statistics count a mailer run that delivered */
			int sent = 0;

			for (k = 0; k < n; k++)
				if (group[k]->state == RS_SENT)
					sent = 1;
			if (sent) {
				if (msgsize == 0)
					msgsize = envelope_message_size(e);
				stats_note_delivered(c, m, msgsize);
			}
		}
		for (k = 0; k < n; k++) {
			if (group[k]->state == RS_QUEUED)
				rcpt_result(group[k], RS_DEFERRED, "4.0.0", "not attempted");
			log_outcome(e, group[k]);
		}
	}
	/* messages too old give up; old enough ones warn once */
	for (i = 0; i < e->nrcpts; i++) {
		struct rcpt *r = &e->rcpts[i];

		if ((r->flags & RCPT_DONE) || r->state != RS_DEFERRED)
			continue;
		if (qreturn > 0 && now - e->ctime >= qreturn) {
			dstr d = DSTR_INIT;

			dstr_printf(&d, "Message could not be delivered for %ld days", qreturn / 86400);
			rcpt_result(r, RS_FAILED, "4.4.7", d.s);
			dstr_free(&d);
		}
	}
	dsn_send(c, e, DSN_FAILURE, dsnid);
	if (!(e->flags & EF_WARNED) && !(e->flags & EF_RESPONSE) && qwarn > 0 && now - e->ctime >= qwarn)
		dsn_send(c, e, DSN_DELAY, dsnid);
	for (i = 0; i < e->nrcpts; i++) {
		struct rcpt *r = &e->rcpts[i];

		if (r->flags & RCPT_DONE)
			continue;
		if (r->state == RS_SENT || r->state == RS_FAILED)
			r->flags |= RCPT_DONE;
		else {
			/* tried again at the next queue run */
			pending++;
			last_diag = r->diag;
			r->state = RS_QUEUED;
			free(r->mailer);
			r->mailer = NULL;
		}
	}
	if (pending == 0)
		queue_remove(c, e);
	else {
		e->tries++;
		e->last_try = now;
		free(e->message);
		if (last_diag) {
			dstr m = DSTR_INIT;

			dstr_printf(&m, "Deferred: %s", last_diag);
			e->message = dstr_steal(&m);
		} else
			e->message = NULL;
		if (queue_write_control(c, e, &err) != 0)
			msg_error("cannot rewrite queue file: %s", err.s);
	}
	free(group);
	dstr_free(&err);
	log_set_qid(NULL);
	return pending;
}

int
deliver_by_id(struct conf *c, const char *dir, const char *qid)
{
	struct envelope e;
	dstr err = DSTR_INIT;
	int fd = queue_lock(c, dir, qid);

	if (fd < 0)
		return 1;
	envelope_init(&e, &c->macros);
	if (queue_read(c, dir, qid, &e, &err) != 0) {
		queue_set_aside(dir, qid, err.s);
		envelope_free(&e);
		dstr_free(&err);
		close(fd);
		return -1;
	}
	deliver_queued(c, &e);
	envelope_free(&e);
	dstr_free(&err);
	close(fd);
	return 0;
}
