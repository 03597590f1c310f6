/* delivery_pool: the daemon's long-lived delivery processes.  The master
 * hands each newly accepted message (its queue ID) to an idle process of
 * the pool instead of forking a fresh child per message; a process
 * delivers it exactly as a one-shot child would (deliver_by_id) and says
 * when it is done.  When every process is busy and the pool is full,
 * the message waits for the first to be free (the processes are bounded
 * so that a burst does not turn into hundreds of concurrent deliveries
 * competing for the disk); one that waited too long (every process stuck
 * on a slow remote host) gets a child of its own.  A process retires
 * after a number of messages, and the master lets go of one that has
 * been idle too long. */
#ifndef SW_DELIVERY_POOL_H
#define SW_DELIVERY_POOL_H
#include <poll.h>
#include <sys/types.h>
#include "sendmail/conf.h"

#define DPOOL_MAX 16		/* long-lived processes at most */

struct dpool;

/* dpool_new: forker makes a root-owned child that holds none of the
 * master's descriptors (the daemon's worker_fork) */
struct dpool *dpool_new(struct conf *c, pid_t (*forker)(void));
/* dpool_deliver: deliver qid in the background */
void dpool_deliver(struct dpool *p, const char *qid);
/* dpool_one_shot: deliver qid in a child of its own (forker as above) */
void dpool_one_shot(struct conf *c, pid_t (*forker)(void), const char *qid);
/* dpool_pollfds: the descriptors the master watches (at most DPOOL_MAX);
 * dpool_events: after poll, with the same entries */
int dpool_pollfds(struct dpool *p, struct pollfd *pfd);
void dpool_events(struct dpool *p, const struct pollfd *pfd, int n);
/* dpool_timeout_ms: how long until an idle process is let go (-1: none
 * idle); dpool_expire: let go of those idle for too long */
int dpool_timeout_ms(const struct dpool *p);
void dpool_expire(struct dpool *p);
/* dpool_close_child: in a new child of the master: close the pool's
 * descriptors, so that a process of the pool sees its end when the
 * master lets go of it */
void dpool_close_child(struct dpool *p);
/* dpool_free: the master lets go of every process (each finishes the
 * message it has) */
void dpool_free(struct dpool *p);

#endif
