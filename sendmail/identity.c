/* identity: host names and addresses for $w $j $m $k and class w (see
 * identity.h).  Names come from gethostname(), the resolver entry of
 * that name, and, after the config, each IPv4 interface address with
 * the names its reverse entry gives. */
#include "config.h"
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>
#include "sendmail/conf.h"
#include "sendmail/identity.h"

static int
in_w(struct conf *c, const char *s)
{
	return class_has(c->classes, 'w', s, strlen(s));
}

/* add_w: add to class w, noting it as -d0.4 does when it is new. */
static void
add_w(struct conf *c, const char *s, dstr *aka)
{
	if (in_w(c, s))
		return;
	class_add(c->classes, 'w', s);
	if (aka)
		dstr_printf(aka, "\ta.k.a.: %s\n", s);
}

void
identity_init(struct conf *c, dstr *aka)
{
	char host[1025], buf[1100];
	struct hostent *hp;
	struct utsname un;
	const char *canon, *dot;
	char **pp;

	if (gethostname(host, sizeof(host)) != 0)
		strcpy(host, "localhost");
	host[sizeof(host) - 1] = '\0';
	canon = host;
	hp = gethostbyname(host);
	if (hp != NULL && hp->h_name != NULL)
		canon = hp->h_name;
	snprintf(buf, sizeof(buf), "%s", canon);
	if (aka)
		dstr_printf(aka, "Canonical name: %s\n", buf);
	macro_set(&c->macros, 'j', buf);
	dot = strchr(buf, '.');
	if (dot) {
		char shortname[1100];

		snprintf(shortname, sizeof(shortname), "%.*s", (int)(dot - buf), buf);
		macro_set(&c->macros, 'w', shortname);
		macro_set(&c->macros, 'm', dot + 1);
		class_add(c->classes, 'm', dot + 1);
	} else
		macro_set(&c->macros, 'w', buf);
	class_add(c->classes, 'w', buf);
	if (uname(&un) == 0) {
		macro_set(&c->macros, 'k', un.nodename);
		class_add(c->classes, 'k', un.nodename);
		if (aka)
			dstr_printf(aka, " UUCP nodename: %s\n", un.nodename);
	}
	if (hp != NULL) {
		for (pp = hp->h_aliases; pp && *pp; pp++)
			add_w(c, *pp, aka);
		if (hp->h_addrtype == AF_INET)
			for (pp = hp->h_addr_list; pp && *pp; pp++) {
				char ip[INET_ADDRSTRLEN], br[INET_ADDRSTRLEN + 2];

				inet_ntop(AF_INET, *pp, ip, sizeof(ip));
				snprintf(br, sizeof(br), "[%s]", ip);
				add_w(c, br, aka);
			}
	}
}

static void
probe_interfaces(struct conf *c, dstr *aka)
{
	struct ifaddrs *ifs, *ifa;

	if (getifaddrs(&ifs) != 0)
		return;
	for (ifa = ifs; ifa; ifa = ifa->ifa_next) {
		struct sockaddr_in *sin;
		char ip[INET_ADDRSTRLEN], br[INET_ADDRSTRLEN + 2], brn[1100];
		struct hostent *hp;
		char **pp;

		if (ifa->ifa_addr == NULL || ifa->ifa_addr->sa_family != AF_INET)
			continue;
		sin = (struct sockaddr_in *)ifa->ifa_addr;
		inet_ntop(AF_INET, &sin->sin_addr, ip, sizeof(ip));
		snprintf(br, sizeof(br), "[%s]", ip);
		add_w(c, br, aka);
		hp = gethostbyaddr(&sin->sin_addr, sizeof(sin->sin_addr), AF_INET);
		if (hp == NULL || hp->h_name == NULL)
			continue;
		/* a name new to class w comes with its bracketed form */
		if (!in_w(c, hp->h_name)) {
			add_w(c, hp->h_name, aka);
			snprintf(brn, sizeof(brn), "[%s]", hp->h_name);
			class_add(c->classes, 'w', brn);
		}
		for (pp = hp->h_aliases; pp && *pp; pp++) {
			if (in_w(c, *pp))
				continue;
			add_w(c, *pp, aka);
			snprintf(brn, sizeof(brn), "[%s]", *pp);
			class_add(c->classes, 'w', brn);
		}
	}
	freeifaddrs(ifs);
}

void
identity_after_cf(struct conf *c, dstr *aka)
{
	dstr j = DSTR_INIT;
	const char *v = macro_get(&c->macros, 'j');

	if (!options_bool(c->opts, "DontProbeInterfaces", 0))
		probe_interfaces(c, aka);
	if (v != NULL) {
		macro_expand(&c->macros, v, &j);
		if (j.len)
			class_add(c->classes, 'w', j.s);
	}
	dstr_free(&j);
}

void
identity_print(const struct conf *c, dstr *out)
{
	static const struct { int m; const char *label; } rows[] = {
		{ 'w', "(short domain name)" },
		{ 'j', "(canonical domain name)" },
		{ 'm', "(subdomain name)" },
		{ 'k', "(node name)" },
	};
	size_t i;

	dstr_puts(out, "\n============ SYSTEM IDENTITY (after readcf) ============\n");
	for (i = 0; i < 4; i++) {
		const char *v = macro_get(&c->macros, rows[i].m);

		dstr_printf(out, "%25s $%c = %s\n", rows[i].label, rows[i].m,
		    v ? v : "<null>");
	}
	dstr_puts(out, "========================================================\n\n");
}
