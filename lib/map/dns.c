/* dns: name lookups for the host, dns and bestmx maps, for -bt's
 * /canon and /mx and for SMTP delivery (see dns.h).  Forward lookups
 * follow the service switch's "hosts" methods: "files" reads HostsFile
 * (/etc/hosts), "dns" asks the resolver with the configured timeouts, so
 * nothing waits longer than ResolverOptions and Timeout.resolver.* say. */
#include "config.h"
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "map/dns.h"
#include "map/map_impl.h"

/* dns_resolver: a resolver state with the config's timeouts. */
static int
resolver(const map_registry *reg, res_state rs)
{
	memset(rs, 0, sizeof(*rs));
	if (res_ninit(rs) != 0)
		return -1;
	if (reg->res_retrans > 0)
		rs->retrans = reg->res_retrans;
	if (reg->res_retry > 0)
		rs->retry = reg->res_retry;
	return 0;
}

/* default_domain: what unqualified names found in the hosts file get */
static void
default_domain(dstr *out)
{
	struct __res_state rs;
	char host[256], *dot;

	memset(&rs, 0, sizeof(rs));
	if (res_ninit(&rs) == 0) {
		if (rs.defdname[0]) {
			dstr_puts(out, rs.defdname);
			res_nclose(&rs);
			return;
		}
		res_nclose(&rs);
	}
	if (gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		dot = strchr(host, '.');
		if (dot)
			dstr_puts(out, dot + 1);
	}
}

/* hosts_file: the canonical name (first name) of the line listing name */
static int
hosts_file(const map_registry *reg, const char *name, dstr *canon)
{
	FILE *fp = fopen(reg->hosts_file ? reg->hosts_file : "/etc/hosts", "r");
	char *line = NULL;
	size_t cap = 0;
	int found = 0;

	if (fp == NULL)
		return 0;
	while (!found && getline(&line, &cap, fp) > 0) {
		char *p = strchr(line, '#'), *save = NULL, *w, *first = NULL;

		if (p)
			*p = '\0';
		w = strtok_r(line, " \t\r\n", &save);	/* the address */
		if (w == NULL)
			continue;
		while ((w = strtok_r(NULL, " \t\r\n", &save)) != NULL) {
			if (first == NULL)
				first = w;
			if (strcasecmp(w, name) == 0) {
				dstr_set(canon, first);
				found = 1;
				break;
			}
		}
	}
	free(line);
	fclose(fp);
	return found;
}

/* dns_query_name: the owner name an A/AAAA search for name ends at
 * (CNAMEs followed).  1 found, 0 not found, -1 temporary failure. */
static int
dns_canon(const map_registry *reg, const char *name, dstr *canon)
{
	struct __res_state rs;
	unsigned char ans[4096];
	int types[2] = { ns_t_a, ns_t_aaaa }, i, len, herr = 0;

	if (resolver(reg, &rs) != 0)
		return -1;
	for (i = 0; i < 2; i++) {
		ns_msg msg;
		ns_rr rr;
		int k;

		len = res_nsearch(&rs, name, ns_c_in, types[i], ans, sizeof(ans));
		if (len < 0) {
			herr = rs.res_h_errno;
			continue;
		}
		if (ns_initparse(ans, len, &msg) != 0)
			continue;
		for (k = 0; k < ns_msg_count(msg, ns_s_an); k++) {
			if (ns_parserr(&msg, ns_s_an, k, &rr) != 0)
				break;
			if ((int)ns_rr_type(rr) == types[i]) {
				dstr_set(canon, ns_rr_name(rr));
				res_nclose(&rs);
				return 1;
			}
		}
	}
	res_nclose(&rs);
	/* only a server that did not answer defers; a name that cannot
	 * even be asked for (empty labels) is simply not found */
	return herr == TRY_AGAIN ? -1 : 0;
}

int
dns_getcanonname(map_registry *reg, dstr *name, int *status)
{
	char *methods[8], *key;
	int n, i, found = 0;
	dstr canon = DSTR_INIT;

	*status = MAP_OK;
	key = xstrdup(dstr_cstr(name));
	if (*key && key[strlen(key) - 1] == '.')
		key[strlen(key) - 1] = '\0';
	n = service_switch_lookup(reg, "hosts", methods, 8);
	for (i = 0; i < n && !found; i++) {
		if (strcmp(methods[i], "files") == 0) {
			if (hosts_file(reg, key, &canon)) {
				if (strchr(canon.s, '.') == NULL) {
					dstr dom = DSTR_INIT;

					default_domain(&dom);
					if (dom.len)
						dstr_printf(&canon, ".%s", dom.s);
					dstr_free(&dom);
				}
				found = 1;
			}
		} else if (strcmp(methods[i], "dns") == 0) {
			int r = dns_canon(reg, key, &canon);

			if (r > 0)
				found = 1;
			else if (r < 0)
				*status = MAP_TEMPFAIL;
		}
	}
	for (i = 0; i < n; i++)
		free(methods[i]);
	if (found) {
		dstr_set(name, canon.s);
		*status = MAP_OK;
	} else if (*status == MAP_OK)
		*status = MAP_NOTFOUND;
	dstr_free(&canon);
	free(key);
	return found;
}

struct mx {
	int pref;
	char *host;
};

static int
cmp_mx(const void *a, const void *b)
{
	const struct mx *x = a, *y = b;

	if (x->pref != y->pref)
		return x->pref < y->pref ? -1 : 1;
	return strcasecmp(x->host, y->host);
}

int
dns_getmxrr(map_registry *reg, const char *host, char ***out, int *status)
{
	struct __res_state rs;
	unsigned char ans[8192];
	struct mx mx[64];
	int len, k, n = 0;
	ns_msg msg;
	ns_rr rr;

	*out = NULL;
	*status = MAP_OK;
	/* without DNS in the service switch there are no MX records */
	if (!service_switch_has(reg, "hosts", "dns"))
		return 0;
	if (resolver(reg, &rs) != 0) {
		*status = MAP_TEMPFAIL;
		return -1;
	}
	len = res_nsearch(&rs, host, ns_c_in, ns_t_mx, ans, sizeof(ans));
	if (len < 0) {
		int tmp = rs.res_h_errno == TRY_AGAIN;

		*status = tmp ? MAP_TEMPFAIL : MAP_NOTFOUND;
		res_nclose(&rs);
		return tmp ? -1 : 0;
	}
	if (ns_initparse(ans, len, &msg) == 0) {
		for (k = 0; k < ns_msg_count(msg, ns_s_an) && n < 64; k++) {
			char name[NS_MAXDNAME];

			if (ns_parserr(&msg, ns_s_an, k, &rr) != 0 || ns_rr_type(rr) != ns_t_mx)
				continue;
			if (ns_rr_rdlen(rr) < 3 ||
			    dn_expand(ns_msg_base(msg), ns_msg_end(msg), ns_rr_rdata(rr) + 2,
			    name, sizeof(name)) < 0)
				continue;
			mx[n].pref = ns_get16(ns_rr_rdata(rr));
			mx[n].host = xstrdup(name);
			n++;
		}
	}
	res_nclose(&rs);
	qsort(mx, (size_t)n, sizeof(mx[0]), cmp_mx);
	*out = xcalloc((size_t)n + 1, sizeof(char *));
	for (k = 0; k < n; k++)
		(*out)[k] = mx[k].host;
	return n;
}

void
dns_free_mx(char **mx, int n)
{
	int i;

	for (i = 0; mx && i < n; i++)
		free(mx[i]);
	free(mx);
}

int
dns_query_text(map_registry *reg, const char *name, const char *type,
    const char *delim, int maxrec, dstr *out, int *status)
{
	struct __res_state rs;
	unsigned char ans[8192];
	int qtype = ns_t_a, len, k, count = 0;
	ns_msg msg;
	ns_rr rr;

	*status = MAP_OK;
	if (type == NULL || strcasecmp(type, "A") == 0)
		qtype = ns_t_a;
	else if (strcasecmp(type, "AAAA") == 0)
		qtype = ns_t_aaaa;
	else if (strcasecmp(type, "MX") == 0)
		qtype = ns_t_mx;
	else if (strcasecmp(type, "TXT") == 0)
		qtype = ns_t_txt;
	else if (strcasecmp(type, "CNAME") == 0)
		qtype = ns_t_cname;
	else if (strcasecmp(type, "PTR") == 0)
		qtype = ns_t_ptr;
	else if (strcasecmp(type, "NS") == 0)
		qtype = ns_t_ns;
	else if (strcasecmp(type, "SRV") == 0)
		qtype = ns_t_srv;
	if (resolver(reg, &rs) != 0) {
		*status = MAP_TEMPFAIL;
		return 0;
	}
	len = res_nquery(&rs, name, ns_c_in, qtype, ans, sizeof(ans));
	if (len < 0) {
		*status = rs.res_h_errno == TRY_AGAIN || rs.res_h_errno == NO_RECOVERY ?
		    MAP_TEMPFAIL : MAP_NOTFOUND;
		res_nclose(&rs);
		return 0;
	}
	if (ns_initparse(ans, len, &msg) == 0) {
		for (k = 0; k < ns_msg_count(msg, ns_s_an); k++) {
			char buf[NS_MAXDNAME];
			const unsigned char *rd;

			if (ns_parserr(&msg, ns_s_an, k, &rr) != 0 || (int)ns_rr_type(rr) != qtype)
				continue;
			if (maxrec > 0 && count >= maxrec)
				break;
			if (count > 0) {
				if (delim == NULL)
					break;
				dstr_puts(out, delim);
			}
			rd = ns_rr_rdata(rr);
			switch (qtype) {
			case ns_t_a:
				inet_ntop(AF_INET, rd, buf, sizeof(buf));
				dstr_puts(out, buf);
				break;
			case ns_t_aaaa:
				inet_ntop(AF_INET6, rd, buf, sizeof(buf));
				dstr_puts(out, buf);
				break;
			case ns_t_mx:
				if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd + 2, buf, sizeof(buf)) >= 0)
					dstr_puts(out, buf);
				break;
			case ns_t_txt: {
				int pos = 0, rl = ns_rr_rdlen(rr);

				while (pos < rl) {
					int l = rd[pos];

					dstr_append(out, rd + pos + 1, (size_t)(l < rl - pos - 1 ? l : rl - pos - 1));
					pos += l + 1;
				}
				break;
			}
			default:
				if (dn_expand(ns_msg_base(msg), ns_msg_end(msg), rd, buf, sizeof(buf)) >= 0)
					dstr_puts(out, buf);
				break;
			}
			count++;
		}
	}
	res_nclose(&rs);
	if (count == 0 && *status == MAP_OK)
		*status = MAP_NOTFOUND;
	return count;
}
