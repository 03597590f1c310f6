/* log: the logging API of every Sendwell program.  Lines go to syslog's
 * "mail" facility (as sendmail's do), to stderr, or to a file (tests set
 * SENDWELL_LOG_FILE).  A line about a message carries its queue ID. */
#ifndef SW_LOG_H
#define SW_LOG_H
#include <stdarg.h>
#include <syslog.h>

enum {
	LOG_TO_STDERR = 1,
	LOG_TO_SYSLOG = 2,
	LOG_TO_FILE = 4
};

/* log_open: ident is the program name ("sendmail", "mailboxd");
 * dests a mask of LOG_TO_*; file is used with LOG_TO_FILE.  The
 * environment variable SENDWELL_LOG_FILE, when set, adds LOG_TO_FILE. */
void log_open(const char *ident, int dests, const char *file);
const char *log_ident(void);
/* log_set_qid: prefix later lines with "QID: " (NULL to stop). */
void log_set_qid(const char *qid);
/* log_level: lines above this syslog priority are dropped (LogLevel maps
 * onto it in the MTA); default LOG_INFO. */
void log_set_max_priority(int prio);

void msg_vlog(int prio, const char *fmt, va_list ap);
void msg_log(int prio, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void msg_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_notice(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void msg_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* msg_fatal: log at LOG_CRIT and exit with a sysexits code. */
_Noreturn void msg_fatal(int exitcode, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
