/* map_host: the host class ($[ $]: canonical names, and names for
 * [address] literals), the bestmx class (the best MX host of a domain)
 * and the dns class (records of the type -R gives). */
#include "config.h"
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "base/xalloc.h"
#include "map/dns.h"
#include "map/map_impl.h"

/* with_dot: a found name ends in a dot, unless -a gives its own end */
static char *
with_dot(const map *m, const char *name)
{
	dstr d = DSTR_INIT;

	dstr_puts(&d, name);
	if (m->app == NULL && (d.len == 0 || d.s[d.len - 1] != '.'))
		dstr_putc(&d, '.');
	return dstr_steal(&d);
}

static char *
reverse(const map *m, const char *key, int *status)
{
	char addr[INET6_ADDRSTRLEN + 8];
	size_t n = strlen(key);
	unsigned char bin[16];
	struct hostent *hp = NULL;

	if (n < 3 || n - 2 >= sizeof(addr)) {
		*status = MAP_NOTFOUND;
		return NULL;
	}
	memcpy(addr, key + 1, n - 2);
	addr[n - 2] = '\0';
	if (inet_pton(AF_INET, addr, bin) == 1)
		hp = gethostbyaddr(bin, 4, AF_INET);
	else if (strncasecmp(addr, "IPv6:", 5) == 0 && inet_pton(AF_INET6, addr + 5, bin) == 1)
		hp = gethostbyaddr(bin, 16, AF_INET6);
	else {
		*status = MAP_NOTFOUND;
		return NULL;
	}
	if (hp == NULL || hp->h_name == NULL) {
		*status = h_errno == TRY_AGAIN ? MAP_TEMPFAIL : MAP_NOTFOUND;
		return NULL;
	}
	return with_dot(m, hp->h_name);
}

static char *
host_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	dstr name = DSTR_INIT;
	char *v = NULL;

	(void)args;
	(void)nargs;
	if (key[0] == '[' && key[strlen(key) - 1] == ']')
		return reverse(m, key, status);
	dstr_set(&name, key);
	if (dns_getcanonname(m->reg, &name, status))
		v = with_dot(m, name.s);
	else if (*status == MAP_TEMPFAIL)
		map_say(m, "%s: Name server timeout", key);
	dstr_free(&name);
	return v;
}

static char *
bestmx_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	char **mx = NULL;
	int n, i;
	dstr out = DSTR_INIT;

	(void)args;
	(void)nargs;
	n = dns_getmxrr(m->reg, key, &mx, status);
	if (n <= 0) {
		dns_free_mx(mx, n);
		return NULL;
	}
	for (i = 0; i < (m->coldelim ? n : 1); i++) {
		if (i > 0)
			dstr_putc(&out, m->coldelim);
		dstr_puts(&out, mx[i]);
	}
	dns_free_mx(mx, n);
	return dstr_steal(&out);
}

static char *
dns_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	dstr out = DSTR_INIT, name = DSTR_INIT;
	char delim[2] = { m->coldelim, '\0' };
	int n;

	(void)args;
	(void)nargs;
	dstr_puts(&name, key);
	if (m->dns_base)
		dstr_printf(&name, ".%s", m->dns_base);
	n = dns_query_text(m->reg, name.s, m->dns_type, m->coldelim ? delim : NULL,
	    m->dns_maxrec, &out, status);
	dstr_free(&name);
	if (n <= 0) {
		dstr_free(&out);
		return NULL;
	}
	return dstr_steal(&out);
}

const struct map_class map_class_host = {
	.name = "host", .lookup = host_lookup,
};

const struct map_class map_class_bestmx = {
	.name = "bestmx", .lookup = bestmx_lookup,
};

const struct map_class map_class_dns = {
	.name = "dns", .lookup = dns_lookup,
};
