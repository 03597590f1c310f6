/* daemon: `sendmail -bd` / `-bD`: the master process.  As root it binds
 * every DaemonPortOptions listener, then forks a child per connection
 * that drops to RunAsUser before reading a byte; accepted messages are
 * reported back over a pipe and delivered by root-owned delivery
 * processes; the queue is run every -q interval.  Also `-bs` (one SMTP
 * session on standard input). */
#ifndef SW_DAEMON_H
#define SW_DAEMON_H
#include "sendmail/conf.h"

/* daemon_run: foreground unless detach; interval in seconds (0: no
 * periodic queue runs).  Returns only on a fatal error or SIGTERM. */
int daemon_run(struct conf *c, int detach, long interval);
/* daemon_stdio_session: -bs */
int daemon_stdio_session(struct conf *c, int mode);

#endif
