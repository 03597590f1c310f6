/* deliver: one delivery attempt for a queued message: resolve and
 * expand its recipients, hand them to their mailers in batches, log
 * each outcome, send DSNs for failures (and delay warnings), give up
 * after Timeout.queuereturn, then rewrite or remove the queue files.
 * Called by local submission, the SMTP server (through the daemon) and
 * queue runs. */
#ifndef SW_DELIVER_H
#define SW_DELIVER_H
#include "sendmail/conf.h"
#include "sendmail/envelope.h"

/* deliver_queued: the caller holds the message's lock (or just made
 * it).  Returns the number of recipients still pending. */
size_t deliver_queued(struct conf *c, struct envelope *e);

/* deliver_by_id: lock, read and deliver one queued message; 0 done or
 * retried, 1 locked by someone else, -1 unreadable (set aside). */
int deliver_by_id(struct conf *c, const char *dir, const char *qid);

#endif
