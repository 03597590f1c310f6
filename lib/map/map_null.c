/* map_null: the null class: never finds anything (a placeholder a config
 * may name where a map is required). */
#include "config.h"
#include "map/map_impl.h"

static char *
null_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	(void)m;
	(void)key;
	(void)args;
	(void)nargs;
	(void)status;
	return NULL;
}

const struct map_class map_class_null = {
	.name = "null", .lookup = null_lookup, .file_kind = MAP_FILE_NONE,
};
