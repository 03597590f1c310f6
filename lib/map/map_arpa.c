/* map_arpa: the arpa class: the reverse-lookup form of an address
 * ("1.2.3.4" gives "4.3.2.1", "IPv6:..." its 32 nibbles reversed), the
 * name a PTR query uses without "in-addr.arpa" or "ip6.arpa".  Anything
 * else is EX_DATAERR, no match. */
#include "config.h"
#include <arpa/inet.h>
#include <stdio.h>
#include <strings.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static char *
arpa_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	unsigned char b[16];
	dstr out = DSTR_INIT;
	int i;

	(void)m;
	(void)args;
	(void)nargs;
	if (strncasecmp(key, "IPv6:", 5) == 0 && inet_pton(AF_INET6, key + 5, b) == 1) {
		static const char hex[] = "0123456789abcdef";

		for (i = 15; i >= 0; i--) {
			dstr_putc(&out, hex[b[i] & 0xf]);
			dstr_putc(&out, '.');
			dstr_putc(&out, hex[b[i] >> 4]);
			if (i > 0)
				dstr_putc(&out, '.');
		}
		return dstr_steal(&out);
	}
	if (inet_pton(AF_INET, key, b) == 1) {
		dstr_printf(&out, "%u.%u.%u.%u", b[3], b[2], b[1], b[0]);
		return dstr_steal(&out);
	}
	*status = EX_DATAERR;
	return NULL;
}

const struct map_class map_class_arpa = {
	.name = "arpa", .lookup = arpa_lookup, .file_kind = MAP_FILE_NONE,
};
