/* maillog: the log lines sendmail writes for each message, in its
 * layout, through lib/base/log (syslog "mail", or SENDWELL_LOG_FILE):
 *   QID: from=<a@b>, size=123, class=0, nrcpts=1, msgid=<...>, proto=ESMTP, daemon=MTA, relay=host [1.2.3.4]
 *   QID: to=<c@d>, delay=00:00:01, xdelay=00:00:01, mailer=local, pri=30123, dsn=2.0.0, stat=Sent */
#ifndef SW_MAILLOG_H
#define SW_MAILLOG_H
#include <time.h>
#include "sendmail/envelope.h"

void maillog_from(const struct envelope *e, size_t msgsize, const char *relay);
void maillog_to(const struct envelope *e, const char *to, const char *ctladdr,
    const char *mailer, const char *relay, time_t xstart, const char *dsn,
    const char *stat);
/* maillog_delay: "00:00:01" or "1+02:03:04" */
void maillog_delay(long secs, char *buf, size_t n);

#endif
