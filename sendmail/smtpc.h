/* smtpc: the SMTP client behind the [IPC] mailers (smtp, esmtp, smtp8,
 * dsmtp, relay).  Called by deliver.c for each batch of recipients that
 * share a mailer and host, and by queue runs to keep connections open
 * from one message to the next (ConnectionCacheSize/Timeout). */
#ifndef SW_SMTPC_H
#define SW_SMTPC_H
#include "sendmail/mailer_run.h"

/* smtpc_deliver: deliver e to the recipients of b.  The host part
 * ($@) may be a name (MX records in preference order, else its own
 * A/AAAA records), a [literal] (no MX lookup; [IPv6:...] too) or a
 * colon-separated list of either, tried in order.  Each recipient gets
 * its outcome (rcpt_result) and relay. */
void smtpc_deliver(struct conf *c, struct envelope *e, struct batch *b);

/* smtpc_cache_hold: while held (a queue run), a connection stays open
 * after its transaction for the next message to the same mailer and
 * host; otherwise each batch ends with QUIT.  smtpc_cache_flush: QUIT
 * and close every cached connection. */
void smtpc_cache_hold(int on);
void smtpc_cache_flush(void);

#endif
