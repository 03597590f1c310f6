/* map_macro: the macro class: $(macro {name} $@ value $) sets a macro
 * of the running config (no value, or an empty one: undefines it) and
 * yields the empty string. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static char *
macro_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	const struct map_env *env = &m->reg->env;
	char *name;
	size_t n = strlen(key);

	(void)status;
	if (n >= 2 && key[0] == '{' && key[n - 1] == '}')
		name = xstrndup(key + 1, n - 2);
	else
		name = xstrdup(key);
	if (env->macro_set)
		env->macro_set(env->ctx, name, nargs > 0 && args && args[0] && *args[0] ? args[0] : NULL);
	free(name);
	return xstrdup("");
}

const struct map_class map_class_macro = {
	.name = "macro", .lookup = macro_lookup, .returns_rewritten = 1,
	.lenient = 1, .flag_letters = "", .file_kind = MAP_FILE_NONE,
};
