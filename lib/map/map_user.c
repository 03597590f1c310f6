/* map_user: the user class: a field of the user's passwd entry (-v
 * name, passwd, uid, gid, gecos, dir or shell; the name by default).
 * A column name the class does not know makes the map fail when it is
 * opened, as sendmail's does; an unknown user is EX_NOUSER. */
#include "config.h"
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static const char *const columns[] = {
	"name", "passwd", "uid", "gid", "gecos", "dir", "shell", NULL
};

/* column: the index of -v's column, 0 (name) without -v, -1 unknown */
static int
column(const map *m)
{
	int i;

	if (m->valcolname == NULL)
		return 0;
	for (i = 0; columns[i]; i++)
		if (strcasecmp(m->valcolname, columns[i]) == 0)
			return i;
	return -1;
}

static int
user_open(map *m, dstr *err)
{
	if (column(m) < 0) {
		dstr_printf(err, "User map %s: unknown column name %s", m->name, m->valcolname);
		return -1;
	}
	return 0;
}

static char *
user_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	struct passwd *pw;
	char *k = xstrdup(key), buf[32];

	(void)args;
	(void)nargs;
	map_fold(m, k);
	pw = getpwnam(k);
	free(k);
	if (pw == NULL) {
		*status = EX_NOUSER;
		return NULL;
	}
	switch (column(m)) {
	case 1:
		return xstrdup(pw->pw_passwd);
	case 2:
		snprintf(buf, sizeof(buf), "%ld", (long)pw->pw_uid);
		return xstrdup(buf);
	case 3:
		snprintf(buf, sizeof(buf), "%ld", (long)pw->pw_gid);
		return xstrdup(buf);
	case 4:
		return xstrdup(pw->pw_gecos);
	case 5:
		return xstrdup(pw->pw_dir);
	case 6:
		return xstrdup(pw->pw_shell);
	default:
		return xstrdup(pw->pw_name);
	}
}

const struct map_class map_class_user = {
	.name = "user", .open = user_open, .lookup = user_lookup,
	.file_kind = MAP_FILE_NONE,
};
