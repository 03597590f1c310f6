/* mailq: `mailq` / `sendmail -bp`: the queue listed in sendmail's
 * layout (ID, size, time, sender, status, recipients). */
#ifndef SW_MAILQ_H
#define SW_MAILQ_H
#include <stdio.h>
#include "sendmail/conf.h"

int mailq_print(const struct conf *c, FILE *out);

#endif
