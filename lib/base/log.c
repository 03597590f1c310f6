/* log: syslog/stderr/file sinks for msg_*() (see log.h).  The file sink
 * writes syslog's own line layout so tests read what an admin would see
 * in /var/log/mail.log. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <errno.h>
#include "base/log.h"

static const char *ident = "sendwell";
static int dests = LOG_TO_STDERR;
static int log_fd = -1;
static char qid[64];
static int max_prio = LOG_INFO;
static int syslog_opened;

void
log_open(const char *name, int d, const char *file)
{
	const char *env = getenv("SENDWELL_LOG_FILE");

	ident = name;
	dests = d;
	if (env && *env) {
		file = env;
		dests |= LOG_TO_FILE;
		dests &= ~LOG_TO_SYSLOG;
	}
	if (log_fd >= 0) {
		close(log_fd);
		log_fd = -1;
	}
	if ((dests & LOG_TO_FILE) && file) {
		log_fd = open(file, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (log_fd < 0)
			dests &= ~LOG_TO_FILE;
	}
	if (dests & LOG_TO_SYSLOG) {
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_MAIL);
		syslog_opened = 1;
	}
}

const char *
log_ident(void)
{
	return ident;
}

void
log_set_qid(const char *q)
{
	if (q == NULL)
		qid[0] = '\0';
	else
		snprintf(qid, sizeof(qid), "%s", q);
}

void
log_set_max_priority(int prio)
{
	max_prio = prio;
}

void
msg_vlog(int prio, const char *fmt, va_list ap)
{
	char line[4096];
	int saved = errno;
	size_t n = 0;

	if (prio > max_prio)
		return;
	if (qid[0])
		n = (size_t)snprintf(line, sizeof(line), "%s: ", qid);
	vsnprintf(line + n, sizeof(line) - n, fmt, ap);
	if (dests & LOG_TO_SYSLOG)
		syslog(prio, "%s", line);
	if ((dests & LOG_TO_FILE) && log_fd >= 0) {
		char host[256], stamp[64], out[4600];
		time_t now = time(NULL);
		struct tm tm;
		int len;

		if (gethostname(host, sizeof(host)) != 0)
			strcpy(host, "localhost");
		host[sizeof(host) - 1] = '\0';
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", localtime_r(&now, &tm));
		len = snprintf(out, sizeof(out), "%s %s %s[%ld]: %s\n",
		    stamp, host, ident, (long)getpid(), line);
		if (len > 0)
			(void)!write(log_fd, out, (size_t)len < sizeof(out) ? (size_t)len : sizeof(out) - 1);
	}
	if (dests & LOG_TO_STDERR)
		fprintf(stderr, "%s: %s\n", ident, line);
	errno = saved;
}

void
msg_log(int prio, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(prio, fmt, ap);
	va_end(ap);
}

#define LEVEL_FN(name, prio) \
void name(const char *fmt, ...) \
{ \
	va_list ap; \
	va_start(ap, fmt); \
	msg_vlog(prio, fmt, ap); \
	va_end(ap); \
}
LEVEL_FN(msg_debug, LOG_DEBUG)
LEVEL_FN(msg_info, LOG_INFO)
LEVEL_FN(msg_notice, LOG_NOTICE)
LEVEL_FN(msg_warn, LOG_WARNING)
LEVEL_FN(msg_error, LOG_ERR)

void
msg_fatal(int exitcode, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	msg_vlog(LOG_CRIT, fmt, ap);
	va_end(ap);
	exit(exitcode);
}
