/* runqueue: queue runs: `sendmail -q` (once), `-qI<id> -qR<rcpt>
 * -qS<sender>` (only matching messages), and the periodic runs of the
 * daemon (-q15m).  Messages are taken in queue order, each locked while
 * it is worked on so concurrent runners never deliver one twice. */
#ifndef SW_RUNQUEUE_H
#define SW_RUNQUEUE_H
#include "sendmail/conf.h"

struct qfilter {
	char kind;		/* 0 none, 'I' id, 'R' recipient, 'S' sender */
	int negate;		/* -q!I... */
	const char *text;
};

/* runqueue_once: one pass over the queue; returns the number of
 * messages tried. */
int runqueue_once(struct conf *c, const struct qfilter *f);

#endif
