/* saslcli: the Cyrus SASL 2 client side, for the SMTP client's AUTH to a
 * smart host or relay: every mechanism the installed plugins have
 * (SCRAM-SHA-*, DIGEST-MD5, CRAM-MD5, PLAIN, LOGIN, ...), the strongest
 * of those both sides allow chosen by libsasl2, as sendmail chooses.
 * Base64 is handled here, as in saslsrv: the caller moves the text as it
 * goes on the wire.  Called by sendmail/smtpc.c. */
#ifndef SW_IO_SASLCLI_H
#define SW_IO_SASLCLI_H
#include "base/dstr.h"

typedef struct saslcli saslcli;

enum saslcli_result {
	SASLCLI_OK = 0,		/* done on our side */
	SASLCLI_CONTINUE,	/* send the response, expect another challenge */
	SASLCLI_NOMECH,		/* no mechanism of the list can be used */
	SASLCLI_FAIL		/* bad challenge, or the server's proof is wrong */
};

/* saslcli_new: a client for service ("smtp") at server (its name);
 * authid the authentication id, user the authorization id (NULL or the
 * same as authid: none), realm NULL or the one to use.  Once per process
 * it initialises libsasl2's client side.  NULL with err. */
saslcli *saslcli_new(const char *service, const char *server, const char *authid,
    const char *user, const char *pass, const char *realm, dstr *err);
/* saslcli_free: also wipes the password */
void saslcli_free(saslcli *c);
/* saslcli_start: pick a mechanism from mechs (blank separated, in any
 * order); *mech names it; initial gets the base64 initial response
 * ("=" for an empty one) or is left empty when the mechanism has none */
int saslcli_start(saslcli *c, const char *mechs, const char **mech, dstr *initial);
/* saslcli_step: the server's base64 challenge; response gets the base64
 * answer (maybe empty) */
int saslcli_step(saslcli *c, const char *challenge, dstr *response);
/* saslcli_errdetail: libsasl2's last detail for logs */
const char *saslcli_errdetail(saslcli *c);

#endif
