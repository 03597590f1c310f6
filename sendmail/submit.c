/* submit: local submission (see submit.h). */
#include "config.h"
#include <ctype.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/deliver.h"
#include "sendmail/dsn.h"
#include "sendmail/expand.h"
#include "sendmail/headers.h"
#include "sendmail/maillog.h"
#include "sendmail/queue.h"
#include "sendmail/stats.h"
#include "sendmail/submit.h"

#define RECIPIENT_FACTOR 30000

static unsigned
notify_flags(const char *n)
{
	unsigned f = RCPT_PRIMARY;

	if (n == NULL)
		return f | RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY;
	f |= RCPT_HAS_NOTIFY;
	if (strcasestr(n, "success"))
		f |= RCPT_NOTIFY_SUCCESS;
	if (strcasestr(n, "failure"))
		f |= RCPT_NOTIFY_FAILURE;
	if (strcasestr(n, "delay"))
		f |= RCPT_NOTIFY_DELAY;
	return f;
}

static void
add_rcpts(struct envelope *e, const char *list, unsigned flags)
{
	char **v;
	size_t n = split_address_list(list, &v), i;

	for (i = 0; i < n; i++) {
		size_t k;
		int dup = 0;

		for (k = 0; k < e->nrcpts; k++)
			if (strcasecmp(e->rcpts[k].addr, v[i]) == 0)
				dup = 1;
		if (!dup)
			envelope_add_rcpt(e, v[i], flags);
	}
	free_address_list(v, n);
}

static int
delivery_mode(const struct conf *c, const struct submit_opts *o)
{
	const char *m = options_get(c->opts, "DeliveryMode");

	if (o->mode)
		return o->mode;
	return m && *m ? m[0] : 'b';
}

int
submit_message(struct conf *c, const struct submit_opts *o, char **rcpts,
    int nrcpts, FILE *in, FILE *errout)
{
	struct envelope e;
	struct qdata d;
	struct hdr_reader hr;
	struct passwd *pw = getpwuid(getuid());
	dstr err = DSTR_INIT, msgs = DSTR_INIT, date = DSTR_INIT;
	/* copied: the sender's passwd entry is looked up below too */
	char *user = xstrdup(pw ? pw->pw_name : "unknown");
	char *line = NULL, stamp[32];
	size_t cap = 0, i;
	ssize_t len;
	time_t now = time(NULL);
	struct tm tm;
	int rc = EX_OK, mode = delivery_mode(c, o), failed = 0;
	unsigned flags = notify_flags(o->notify);

	envelope_init(&e, &c->macros);
	e.ctime = now;
	e.sender = xstrdup(o->from ? o->from : user);
	/* A: who submitted it; s: the envelope may be split */
	{
		dstr auth = DSTR_INIT;
		const char *j = macro_get(&c->macros, 'j');

		if (strchr(e.sender, '@'))
			dstr_puts(&auth, e.sender);
		else
			dstr_printf(&auth, "%s@%s", e.sender, j ? j : "localhost");
		e.auth = dstr_steal(&auth);
	}
	e.flags |= EF_SPLIT;
	if (o->envid)
		e.envid = xstrdup(o->envid);
	if (o->bodytype)
		e.bodytype = xstrdup(o->bodytype);
	if (o->ret) {
		e.flags |= EF_RET_PARAM;
		if (strcasecmp(o->ret, "hdrs") == 0)
			e.flags |= EF_NO_BODY;
	}
	{
		dstr ident = DSTR_INIT;
		const char *mods = options_get(c->opts, "DirectSubmissionModifiers");

		dstr_printf(&ident, "%s@localhost", user);
		macro_set(&e.macros, '_', ident.s);
		macro_set_name(&e.macros, "daemon_flags", mods ? mods : "c u");
		dstr_free(&ident);
	}
	/* $x, the full name of From: -F, or the gecos of the sender when
	 * the sender is a local user (-f user included, as sendmail does) */
	if (o->from && strchr(o->from, '@') == NULL && strchr(o->from, '!') == NULL) {
		struct passwd *spw = getpwnam(o->from);

		if (spw)
			pw = spw;
	}
	if (o->fullname)
		macro_set(&e.macros, 'x', o->fullname);
	else if (pw && (o->from == NULL || strcmp(o->from, pw->pw_name) == 0) &&
	    pw->pw_gecos && *pw->pw_gecos) {
		char *g = xstrdup(pw->pw_gecos), *comma = strchr(g, ',');

		if (comma)
			*comma = '\0';
		if (*g)
			macro_set(&e.macros, 'x', g);
		free(g);
	}
	macro_set(&e.macros, 'g', e.sender);
	macro_set(&e.macros, 'f', e.sender);
	headers_arpadate(now, &date);
	macro_set(&e.macros, 'b', date.s);
	macro_set(&e.macros, 'a', date.s);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%d%H%M", &tm);
	macro_set(&e.macros, 't', stamp);
	if (queue_data_open(c, &e, &d, &err) != 0) {
		fprintf(errout, "queueing: %s\n", err.s);
		envelope_free(&e);
		dstr_free(&err);
		free(user);
		return EX_CANTCREAT;
	}
	macro_set(&e.macros, 'i', e.qid);
	hdr_reader_init(&hr, &e, &d);
	while ((len = getline(&line, &cap, in)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (len > 0 && line[len - 1] == '\r')
			line[--len] = '\0';
		if (!o->ignore_dots && len == 1 && line[0] == '.')
			break;
		if (hdr_reader_line(&hr, line, (size_t)len) != 0) {
			fprintf(errout, "queueing: cannot write the message\n");
			queue_data_abort(&d);
			hdr_reader_free(&hr);
			envelope_free(&e);
			free(line);
			free(user);
			return EX_IOERR;
		}
	}
	free(line);
	hdr_reader_end(&hr);
	/* recipients: the command line, or with -t the headers */
	if (o->read_rcpts) {
		static const char *const hdrs[] = { "To", "Cc", "Bcc", NULL };
		const char *const *h;

		for (h = hdrs; *h; h++)
			for (i = 0; i < e.nhdrs; i++)
				if (strcasecmp(e.hdrs[i].name, *h) == 0)
					add_rcpts(&e, e.hdrs[i].value, flags);
		/* -t: addresses on the command line are taken out */
		for (i = 0; i < (size_t)nrcpts; i++) {
			size_t k;

			for (k = 0; k < e.nrcpts; k++)
				if (strcasecmp(e.rcpts[k].addr, rcpts[i]) == 0)
					e.rcpts[k].flags |= RCPT_DONE;
		}
		e.flags |= EF_DELETE_BCC;
	} else
		for (i = 0; i < (size_t)nrcpts; i++)
			add_rcpts(&e, rcpts[i], flags);
	if (envelope_pending(&e) == 0) {
		fputs("No recipient addresses found in header\n", errout);
		queue_data_abort(&d);
		hdr_reader_free(&hr);
		envelope_free(&e);
		free(user);
		return EX_USAGE;
	}
	/* $u (Received's "for"): the one recipient named on the command
	 * line; with -t sendmail builds Received before it reads the
	 * recipients from the headers, so there is none */
	if (envelope_pending(&e) == 1 && !o->read_rcpts)
		for (i = 0; i < e.nrcpts; i++)
			if (!(e.rcpts[i].flags & RCPT_DONE))
				macro_set(&e.macros, 'u', e.rcpts[i].addr);
	/* check the recipients now, as sendmail does, so the user hears
	 * about unknown ones right away */
	for (i = 0; i < e.nrcpts; i++) {
		/* the final recipient DSNs name, qualified */
		struct rcpt *r = &e.rcpts[i];
		dstr f = DSTR_INIT;
		const char *j = macro_get(&c->macros, 'j');

		if (r->flags & RCPT_DONE)
			continue;
		if (strchr(r->addr, '@'))
			dstr_printf(&f, "RFC822; %s", r->addr);
		else
			dstr_printf(&f, "RFC822; %s@%s", r->addr, j ? j : "localhost");
		r->final = dstr_steal(&f);
	}
	expand_recipients(c, &e, &msgs);
	for (i = 0; i < e.nrcpts; i++)
		if (e.rcpts[i].state == RS_FAILED)
			failed++;
	if (msgs.len)
		fputs(msgs.s, errout);
	headers_add_defaults(c, &e);
	e.priority = (long)(hr.header_bytes + d.size) + RECIPIENT_FACTOR * (long)envelope_pending(&e);
	if (queue_commit(c, &e, &d, &err) != 0) {
		fprintf(errout, "queueing: %s\n", err.s);
		rc = EX_CANTCREAT;
		goto out;
	}
	log_set_qid(e.qid);
	maillog_from(&e, hr.header_bytes + d.size, macro_get(&e.macros, '_'));
	stats_note_received(c, &e, hr.header_bytes + d.size);
	if (failed)
		rc = EX_NOUSER;
	switch (mode) {
	case 'q':
	case 'd':
		/* queue only: failures found now are bounced now */
		{
			char id[32];

			dsn_send(c, &e, DSN_FAILURE, id);
			for (i = 0; i < e.nrcpts; i++)
				if (e.rcpts[i].state == RS_FAILED)
					e.rcpts[i].flags |= RCPT_DONE;
			if (envelope_pending(&e) == 0)
				queue_remove(c, &e);
			else
				queue_write_control(c, &e, &err);
		}
		break;
	case 'i': {
		/* delivered now, under the lock: a queue run that found the
		 * new qf first is delivering it already */
		int fd = queue_lock(c, e.queue_dir, e.qid);

		if (fd >= 0) {
			deliver_queued(c, &e);
			close(fd);
		}
		break;
	}
	default: {
		/* background: the caller gets on; a child delivers */
		pid_t pid = fork();

		if (pid == 0) {
			int fd = queue_lock(c, e.queue_dir, e.qid);

			setsid();
			if (fd >= 0) {
				deliver_queued(c, &e);
				close(fd);
			}
			_exit(0);
		}
		if (pid < 0) {
			int fd = queue_lock(c, e.queue_dir, e.qid);

			if (fd >= 0) {
				deliver_queued(c, &e);
				close(fd);
			}
		}
		break;
	}
	}
out:
	free(user);
	hdr_reader_free(&hr);
	envelope_free(&e);
	dstr_free(&err);
	dstr_free(&msgs);
	dstr_free(&date);
	return rc;
}
