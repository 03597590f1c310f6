/* authinfo: the credentials the SMTP client offers when a server asks
 * for AUTH: the config's authinfo ruleset (FEATURE(authinfo)'s map or
 * AuthInfo: entries of the access map, looked up by ${server_name} and
 * ${server_addr}), else the DefaultAuthInfo file.  Called by smtpc.c. */
#ifndef SW_AUTHINFO_H
#define SW_AUTHINFO_H
#include "sendmail/conf.h"

struct authinfo {
	char *user;		/* U: authorization id */
	char *authid;		/* I: authentication id */
	char *pass;		/* P: password (P= is base64, decoded here) */
	char *realm;		/* R: */
	char *mechs;		/* M: mechanisms allowed, blank separated */
};

/* authinfo_lookup: 1 with *out filled (authinfo_free it), 0 when the
 * config has nothing for this server. */
int authinfo_lookup(struct conf *c, const char *server_name, const char *server_addr,
    struct authinfo *out);
/* authinfo_parse: the "U:user" "P:secret" ... words of an entry; 0 or
 * -1 when no password or no user could be found. */
int authinfo_parse(const char *text, struct authinfo *out);
void authinfo_free(struct authinfo *a);

#endif
