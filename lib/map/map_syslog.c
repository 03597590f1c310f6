/* map_syslog: the syslog class: logs the key (at the -L priority,
 * LOG_NOTICE by default; a number or a name like LOG_WARNING) and
 * yields the empty string.  It takes only -D, -L and -S. */
#include "config.h"
#include <stdlib.h>
#include <strings.h>
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
	msg_log(m->log_prio > 0 ? m->log_prio : LOG_NOTICE, "%s", key);
	return xstrdup("");
}

const struct map_class map_class_syslog = {
	.name = "syslog", .lookup = syslog_lookup, .returns_rewritten = 1,
	.flag_letters = "DLS", .file_kind = MAP_FILE_NONE,
};
