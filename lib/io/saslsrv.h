/* saslsrv: the Cyrus SASL 2 server side, one wrapper for mailboxd's IMAP
 * AUTHENTICATE / POP3 AUTH and, later, SMTP AUTH, so one sasldb2 or
 * saslauthd store serves them all.  Called by mailboxd/auth.c and the
 * SMTP server's AUTH (sendmail/auth.c). */

/* Base64 is handled HERE: saslsrv_start/step take the client's base64
 * text exactly as it came off the wire and give back the challenge as
 * base64 text; callers only add their protocol framing ("+ ", "334 ").
 * The SASL application name (which <app>.conf is read from /etc/sasl2 or
 * the configured path: pwcheck_method, sasldb_path, mech_list, ...) is
 * chosen by the caller of saslsrv_init(). */
#ifndef SW_IO_SASLSRV_H
#define SW_IO_SASLSRV_H
#include "base/dstr.h"

typedef struct saslsrv saslsrv;

enum saslsrv_result {
	SASLSRV_OK = 0,		/* authenticated: saslsrv_user() names who */
	SASLSRV_CONTINUE,	/* send the challenge, read one more response */
	SASLSRV_FAIL,		/* wrong credentials or unknown user */
	SASLSRV_BADPROT,	/* bad base64 or a client protocol error */
	SASLSRV_NOMECH,		/* mechanism not offered */
	SASLSRV_TEMPFAIL	/* store unavailable (saslauthd down, ...) */
};

/* saslsrv_init: once per process, before any saslsrv_new.  app is the
 * SASL application name ("Sendmail", "mailboxd"); opts is NULL or a
 * NULL-terminated list of key, value pairs that override <app>.conf
 * (e.g. "pwcheck_method", "auxprop", "sasldb_path", "/x/sasldb2");
 * confpath is NULL for libsasl2's default directory.  0 or -1 with err. */
int saslsrv_init(const char *app, const char *const *opts, const char *confpath, dstr *err);
/* saslsrv_done: sasl_server_done at exit (optional) */
void saslsrv_done(void);

/* saslsrv_new: a server connection for service ("imap", "pop", "smtp");
 * fqdn the server's name; realm the default user realm (NULL: fqdn);
 * lip/rip "a.b.c.d;port" or NULL.  NULL with err on failure. */
saslsrv *saslsrv_new(const char *service, const char *fqdn, const char *realm,
    const char *lip, const char *rip, dstr *err);
void saslsrv_free(saslsrv *c);
/* saslsrv_set_external: tell SASL the connection has a TLS layer of ssf
 * bits (lets it offer plaintext mechanisms under no-plaintext policies) */
void saslsrv_set_external(saslsrv *c, unsigned ssf);
/* saslsrv_set_external_id: the identity the TLS layer proved (a verified
 * client certificate's subject); makes SASL offer EXTERNAL */
void saslsrv_set_external_id(saslsrv *c, const char *authid);

/* security properties a mechanism must have (sendmail's AuthOptions) */
enum {
	SASLSRV_SEC_NOPLAINTEXT = 1,	/* p: no PLAIN/LOGIN without a layer */
	SASLSRV_SEC_NOACTIVE = 2,	/* a */
	SASLSRV_SEC_NODICTIONARY = 4,	/* d */
	SASLSRV_SEC_FORWARD_SECRECY = 8,	/* f */
	SASLSRV_SEC_NOANONYMOUS = 16,	/* y */
	SASLSRV_SEC_PASS_CREDENTIALS = 32,	/* c */
	SASLSRV_SEC_MUTUAL_AUTH = 64	/* m */
};
/* saslsrv_set_secprops: flags are SASLSRV_SEC_* bits; max_ssf caps a
 * SASL security layer (0: none - the caller's stream has no SASL layer) */
void saslsrv_set_secprops(saslsrv *c, unsigned flags, unsigned max_ssf);
/* saslsrv_ssf: the security layer negotiated after OK (0: none) */
unsigned saslsrv_ssf(saslsrv *c);
/* saslsrv_mechs: space separated mechanism names offered now */
const char *saslsrv_mechs(saslsrv *c);
/* saslsrv_start: begin with mech; initial is the client's base64 initial
 * response or NULL when none was sent ("=" stands for an empty one).
 * challenge gets the base64 text to send with SASLSRV_CONTINUE (and any
 * final server data with SASLSRV_OK). */
int saslsrv_start(saslsrv *c, const char *mech, const char *initial, dstr *challenge);
/* saslsrv_step: the client's base64 response to the last challenge */
int saslsrv_step(saslsrv *c, const char *response, dstr *challenge);
/* saslsrv_user: the authenticated (authorization) identity after OK;
 * after FAIL the user that tried when the mechanism got that far ("") */
const char *saslsrv_user(saslsrv *c);
/* saslsrv_checkpass: plain user/password check against the same store
 * (USER/PASS, IMAP LOGIN).  SASLSRV_OK, _FAIL or _TEMPFAIL. */
int saslsrv_checkpass(saslsrv *c, const char *user, const char *pass);
/* saslsrv_errdetail: libsasl2's last detail for logs */
const char *saslsrv_errdetail(saslsrv *c);

#endif
