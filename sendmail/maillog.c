/* maillog: sendmail-format log lines (see maillog.h). */
#include "config.h"
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>
#include "base/dstr.h"
#include "base/log.h"
#include "sendmail/maillog.h"

void
maillog_delay(long secs, char *buf, size_t n)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 86400)
		snprintf(buf, n, "%ld+%02ld:%02ld:%02ld", secs / 86400,
		    (secs / 3600) % 24, (secs / 60) % 60, secs % 60);
	else
		snprintf(buf, n, "%02ld:%02ld:%02ld", secs / 3600, (secs / 60) % 60, secs % 60);
}

static const char *
macro_or(const struct envelope *e, const char *name)
{
	return macro_get(&e->macros, macro_id(name, strlen(name)));
}

void
maillog_from(const struct envelope *e, size_t msgsize, const char *relay)
{
	dstr d = DSTR_INIT;
	const struct header *mid = NULL;
	size_t i, nrcpts = 0;
	const char *proto = macro_or(e, "r"), *daemon = macro_or(e, "daemon_name");

	for (i = 0; i < e->nhdrs; i++)
		if (strcasecmp(e->hdrs[i].name, "Message-Id") == 0)
			mid = &e->hdrs[i];
	for (i = 0; i < e->nrcpts; i++)
		if (e->rcpts[i].flags & RCPT_PRIMARY)
			nrcpts++;
	/* the sender as it was given: "<a@b>" from SMTP, "user" from the
	 * command line, "<>" for the null sender (sendmail's q_paddr) */
	if (e->sender == NULL || e->sender[0] == '\0' || (e->flags & EF_RESPONSE) ||
	    strcmp(e->sender, "<>") == 0)
		dstr_puts(&d, "from=<>");
	else
		dstr_printf(&d, "from=%s", e->sender);
	dstr_printf(&d, ", size=%zu, class=0, nrcpts=%zu", msgsize, nrcpts);
	if (mid)
		dstr_printf(&d, ", msgid=%s", mid->value);
	if (e->bodytype)
		dstr_printf(&d, ", bodytype=%s", e->bodytype);
	if (proto)
		dstr_printf(&d, ", proto=%s", proto);
	if (daemon)
		dstr_printf(&d, ", daemon=%s", daemon);
	if (relay)
		dstr_printf(&d, ", relay=%s", relay);
	msg_log(LOG_INFO, "%s", d.s);
	dstr_free(&d);
}

void
maillog_to(const struct envelope *e, const char *to, const char *ctladdr,
    const char *mailer, const char *relay, time_t xstart, const char *dsn,
    const char *stat)
{
	dstr d = DSTR_INIT;
	char delay[32], xdelay[32];
	time_t now = time(NULL);

	maillog_delay((long)(now - e->ctime), delay, sizeof(delay));
	maillog_delay((long)(now - xstart), xdelay, sizeof(xdelay));
	dstr_printf(&d, "to=%s", to);
	if (ctladdr)
		dstr_printf(&d, ", ctladdr=%s", ctladdr);
	dstr_printf(&d, ", delay=%s, xdelay=%s, mailer=%s, pri=%ld", delay, xdelay,
	    mailer, e->priority);
	if (relay)
		dstr_printf(&d, ", relay=%s", relay);
	if (dsn)
		dstr_printf(&d, ", dsn=%s", dsn);
	dstr_printf(&d, ", stat=%s", stat);
	msg_log(LOG_INFO, "%s", d.s);
	dstr_free(&d);
}
