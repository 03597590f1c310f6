/* dns: resolver lookups the map layer shares with -bt's /canon and /mx
 * commands and with SMTP delivery: the canonical name of a host as
 * sendmail's getcanonname finds it (service switch "hosts" order:
 * files, then dns) and the MX hosts of a domain in preference order. */
#ifndef SW_MAP_DNS_H
#define SW_MAP_DNS_H
#include "base/dstr.h"
#include "map/map.h"

/* dns_getcanonname: replace *name with its canonical form when found;
 * returns 1 if found, 0 if not; *status is MAP_OK, MAP_TEMPFAIL, ... */
int dns_getcanonname(map_registry *reg, dstr *name, int *status);
/* dns_getmxrr: the MX hosts of host, best first (malloc'd array of
 * malloc'd names in *mx); returns their number, -1 on failure. */
int dns_getmxrr(map_registry *reg, const char *host, char ***mx, int *status);
void dns_free_mx(char **mx, int n);
/* dns_query_text: records of one type (A, AAAA, MX, TXT, CNAME, PTR, NS,
 * SRV) for name as text, joined by delim (NULL: the first only), at
 * most maxrec (0: no limit); returns how many. */
int dns_query_text(map_registry *reg, const char *name, const char *type,
    const char *delim, int maxrec, dstr *out, int *status);

#endif
