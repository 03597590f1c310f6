/* map_syslog: the syslog class: logs the key (at the -L priority,
 * LOG_NOTICE by default) and yields nothing. */
#include "config.h"
#include <syslog.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "map/map_impl.h"

static char *
syslog_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	(void)args;
	(void)nargs;
	(void)status;
	msg_log(m->log_prio ? m->log_prio : LOG_NOTICE, "%s", key);
	return xstrdup("");
}

const struct map_class map_class_syslog = {
	.name = "syslog", .lookup = syslog_lookup, .returns_rewritten = 1,
};
