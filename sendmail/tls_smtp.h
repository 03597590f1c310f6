/* tls_smtp: STARTTLS (RFC 3207) and SMTPS (M=s) on the MTA's server side:
 * the server TLS contexts built from the config's certificate and TLS
 * options, one session's handshake, its log lines and the ${verify}
 * ${tls_version} ${cipher} ${cipher_bits} ${cert_*} macros.  Called by
 * smtpd.c; the daemon calls tls_smtp_init() as root before forking. */
#ifndef SW_TLS_SMTP_H
#define SW_TLS_SMTP_H
#include "io/stream.h"
#include "sendmail/conf.h"
#include "sendmail/macro.h"

/* tls_smtp_init: build the contexts once per process (the key file is
 * usually readable by root only, so the daemon does this before it
 * forks).  0 with TLS ready, 1 when the config has no certificate, -1
 * after logging an error (STARTTLS is then not offered). */
int tls_smtp_init(struct conf *c);
/* tls_smtp_available: STARTTLS/SMTPS can be done */
int tls_smtp_available(void);

/* what a handshake gives the session */
struct tls_smtp_result {
	unsigned bits;		/* ${cipher_bits}: SASL's external ssf */
	char *verified_subject;	/* ${cert_subject} when ${verify} is OK */
};

/* tls_smtp_handshake: the server side of a handshake on s, within
 * Timeout.starttls.  request_cert is 0 to not ask for a client
 * certificate (srv_features V; TLSSrvOptions V already does so).
 * Logs "STARTTLS=server, ..." and sets the TLS macros in mt.  0, or -1
 * when the handshake failed (logged; the session cannot go on). */
int tls_smtp_handshake(struct conf *c, stream *s, int request_cert, const char *relay,
    struct macro_table *mt, struct tls_smtp_result *res);
void tls_smtp_result_free(struct tls_smtp_result *res);

#endif
