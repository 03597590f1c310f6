/* map_host: the host class ($[ $]: canonical names, and names for
 * [address] literals), the bestmx class (the best MX host of a domain)
 * and the dns class (records of the type -R gives).  Host answers are
 * kept for the life of the process, as sendmail keeps them; a deferred
 * answer is reported as a name server timeout each time it is used
 * again, and the first time when the answer came from DNS. */
#include "config.h"
#include <arpa/inet.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include "base/xalloc.h"
#include "map/dns.h"
#include "map/map_impl.h"

struct host_entry {
	char *key;		/* lower case */
	char *name;		/* canonical name, or NULL */
	int status;
	struct host_entry *next;
};

/* host answers by key, in buckets of a case-blind hash: a process may
 * look up thousands of names (a queue run, -bt on a long list) */
#define HOST_BUCKETS 1024

struct host_cache {
	struct host_entry *bucket[HOST_BUCKETS];
};

static unsigned
host_hash(const char *key)
{
	unsigned h = 5381;

	for (; *key; key++)
		h = h * 33 + (unsigned char)tolower((unsigned char)*key);
	return h % HOST_BUCKETS;
}

void
map_host_cache_free(map_registry *reg)
{
	struct host_entry *e, *n;
	size_t b;

	if (reg->host_cache == NULL)
		return;
	for (b = 0; b < HOST_BUCKETS; b++)
		for (e = reg->host_cache->bucket[b]; e; e = n) {
			n = e->next;
			free(e->key);
			free(e->name);
			free(e);
		}
	free(reg->host_cache);
	reg->host_cache = NULL;
}

static struct host_entry *
cache_find(map_registry *reg, const char *key)
{
	struct host_entry *e;

	if (reg->host_cache == NULL)
		return NULL;
	for (e = reg->host_cache->bucket[host_hash(key)]; e; e = e->next)
		if (strcasecmp(e->key, key) == 0)
			return e;
	return NULL;
}

static void
cache_add(map_registry *reg, const char *key, const char *name, int status)
{
	struct host_entry *e = xcalloc(1, sizeof(*e));
	unsigned b = host_hash(key);

	if (reg->host_cache == NULL)
		reg->host_cache = xcalloc(1, sizeof(struct host_cache));
	e->key = xstrdup(key);
	for (char *p = e->key; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	e->name = name ? xstrdup(name) : NULL;
	e->status = status;
	e->next = reg->host_cache->bucket[b];
	reg->host_cache->bucket[b] = e;
}

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

/* uses_dns: the service switch sends host lookups to DNS */
static int
uses_dns(const map *m)
{
	return service_switch_has(m->reg, "hosts", "dns");
}

/* reverse: the name of an [address] literal; *name gets it bare */
static int
reverse(const map *m, const char *key, int *status, dstr *name)
{
	char addr[INET6_ADDRSTRLEN + 8];
	size_t n = strlen(key);
	unsigned char bin[16];
	struct hostent *hp = NULL;

	if (n < 2) {
		*status = MAP_NOTFOUND;
		return 0;
	}
	/* the address is what stands between '[' and the first ']' */
	{
		const char *close = strchr(key, ']');
		size_t len = close ? (size_t)(close - key - 1) : n - 1;

		if (len >= sizeof(addr))
			len = sizeof(addr) - 1;
		memcpy(addr, key + 1, len);
		addr[len] = '\0';
	}
	if (inet_pton(AF_INET, addr, bin) == 1)
		hp = gethostbyaddr(bin, 4, AF_INET);
	else if (strncasecmp(addr, "IPv6:", 5) == 0 && inet_pton(AF_INET6, addr + 5, bin) == 1)
		hp = gethostbyaddr(bin, 16, AF_INET6);
	else {
		*status = MAP_NOTFOUND;
		return 0;
	}
	if (hp == NULL || hp->h_name == NULL) {
		*status = h_errno == TRY_AGAIN ? MAP_TEMPFAIL : MAP_NOTFOUND;
		return 0;
	}
	dstr_set(name, hp->h_name);
	return 1;
}

/* say_timeout: "<name>: Name server timeout", a name of 33 bytes or more
 * cut to its first and last 15 with "..." between, as sendmail does */
static void
say_timeout(const map *m, const char *key)
{
	size_t n = strlen(key);

	if (n < 33)
		map_say(m, "%s: Name server timeout", key);
	else
		map_say(m, "%.15s...%s: Name server timeout", key, key + n - 15);
}

static char *
host_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	struct host_entry *e = cache_find(m->reg, key);
	dstr name = DSTR_INIT;
	char *v = NULL;
	int found;

	(void)args;
	(void)nargs;
	if (e != NULL) {
		*status = e->status;
		if (e->status == MAP_TEMPFAIL)
			say_timeout(m, key);
		return e->name ? with_dot(m, e->name) : NULL;
	}
	if (key[0] == '[')
		found = reverse(m, key, status, &name);
	else {
		dstr_set(&name, key);
		found = dns_getcanonname(m->reg, &name, status);
	}
	if (found)
		v = with_dot(m, name.s);
	else if (*status == MAP_TEMPFAIL && uses_dns(m))
		say_timeout(m, key);
	cache_add(m->reg, key, found ? name.s : NULL, found ? MAP_OK : *status);
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
	/* like sendmail, bestmx never defers: a failed MX lookup is no match */
	n = dns_getmxrr(m->reg, key, &mx, status);
	*status = MAP_OK;
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

/* dns_parse: the generic flags and -R -B -Z -r; a missing or unknown
 * -R type is reported but the map stays (it then finds nothing) */
static int
dns_parse(map *m, char *args, dstr *err)
{
	static const char *const types[] = {
		"A", "AAAA", "AFSDB", "CNAME", "MX", "NS", "PTR", "SRV", "TXT", NULL
	};
	int i, known = 0;

	map_parse_args(m, args, err);
	if (m->dns_type != NULL) {
		for (i = 0; types[i]; i++)
			if (strcasecmp(m->dns_type, types[i]) == 0)
				known = 1;
		if (!known) {
			dstr_printf(err, "dns map %s: wrong type %s\n", m->name, m->dns_type);
			free(m->dns_type);
			m->dns_type = NULL;
		}
	}
	if (m->dns_type == NULL)
		dstr_printf(err, "dns map %s: missing -R type\n", m->name);
	return 0;
}

const struct map_class map_class_host = {
	.name = "host", .lookup = host_lookup,
	.flag_letters = "adfkmoqtvzADNOSTr", .lenient = 1, .file_kind = MAP_FILE_NONE,
};

const struct map_class map_class_bestmx = {
	.name = "bestmx", .lookup = bestmx_lookup, .file_kind = MAP_FILE_NONE,
};

const struct map_class map_class_dns = {
	.name = "dns", .parse = dns_parse, .lookup = dns_lookup,
	.flag_letters = "adfkmoqtvzADNOSTRBZr", .lenient = 1, .file_kind = MAP_FILE_NONE,
};
