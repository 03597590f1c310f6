/* smtpc: the SMTP client behind the [IPC] mailers (smtp, esmtp, smtp8,
 * dsmtp, relay): finds the hosts (a [literal], or MX records in
 * preference order, or the host itself), talks ESMTP to the first that
 * answers and sets each recipient's outcome from the replies. */
#ifndef SW_SMTPC_H
#define SW_SMTPC_H
#include "sendmail/mailer_run.h"

void smtpc_deliver(struct conf *c, struct envelope *e, struct batch *b);

#endif
