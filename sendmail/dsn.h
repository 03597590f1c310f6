/* dsn: delivery status notifications (RFC 3464) from MAILER-DAEMON:
 * bounces for recipients that failed, delay warnings after
 * Timeout.queuewarn, and the double bounce to postmaster when a bounce
 * cannot be returned.  The notification is queued as a message of its
 * own and delivered like any other. */
#ifndef SW_DSN_H
#define SW_DSN_H
#include "sendmail/conf.h"
#include "sendmail/envelope.h"

enum dsn_kind { DSN_FAILURE, DSN_DELAY };

/* dsn_send: notify e's sender about the recipients in e marked by
 * kind (failed and not yet bounced, or delayed); returns the new
 * message's queue ID in qid (or "" when none was needed). */
int dsn_send(struct conf *c, struct envelope *e, enum dsn_kind kind, char qid[32]);

#endif
