/* map_user: the user class: a field of the user's passwd entry (-v
 * name, passwd, uid, gid, gecos, dir or shell; the name by default). */
#include "config.h"
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static char *
user_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	struct passwd *pw = getpwnam(key);
	const char *f = m->valcolname;
	char buf[32];

	(void)args;
	(void)nargs;
	(void)status;
	if (pw == NULL)
		return NULL;
	if (f == NULL || *f == '\0' || strcasecmp(f, "name") == 0 || strcmp(f, "1") == 0)
		return xstrdup(pw->pw_name);
	if (strcasecmp(f, "passwd") == 0 || strcmp(f, "2") == 0)
		return xstrdup(pw->pw_passwd);
	if (strcasecmp(f, "uid") == 0 || strcmp(f, "3") == 0) {
		snprintf(buf, sizeof(buf), "%ld", (long)pw->pw_uid);
		return xstrdup(buf);
	}
	if (strcasecmp(f, "gid") == 0 || strcmp(f, "4") == 0) {
		snprintf(buf, sizeof(buf), "%ld", (long)pw->pw_gid);
		return xstrdup(buf);
	}
	if (strcasecmp(f, "gecos") == 0 || strcmp(f, "5") == 0)
		return xstrdup(pw->pw_gecos);
	if (strcasecmp(f, "dir") == 0 || strcmp(f, "6") == 0)
		return xstrdup(pw->pw_dir);
	if (strcasecmp(f, "shell") == 0 || strcmp(f, "7") == 0)
		return xstrdup(pw->pw_shell);
	return xstrdup(pw->pw_name);
}

const struct map_class map_class_user = {
	.name = "user", .lookup = user_lookup,
};
