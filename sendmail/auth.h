/* auth: SMTP AUTH (RFC 4954) on the server side.  Owns the mechanism
 * list (AuthMechanisms intersected with what Cyrus SASL offers), the
 * AuthOptions security properties, the exchange of one AUTH command, the
 * failed-AUTH delay and limits, the ${auth_*} macros and the xtext of
 * AUTH=.  Called by smtpd.c; the daemon calls auth_server_init(). */
#ifndef SW_AUTH_H
#define SW_AUTH_H
#include "base/dstr.h"
#include "io/stream.h"
#include "sendmail/conf.h"
#include "sendmail/macro.h"

typedef struct auth_session auth_session;

/* auth_server_init: the SASL library for application "Sendmail" (so
 * Sendmail.conf decides pwcheck_method), once per process.  The conf
 * path is $SENDWELL_SASL_CONF_PATH or /etc/sasl2:/etc/sasl:/usr/lib/sasl2.
 * 0, or -1 after logging why AUTH will not be offered. */
int auth_server_init(void);

/* what a session tells auth_session_new about itself */
struct auth_peer {
	const char *relay;	/* "name [addr]" for log lines */
	const char *addr;	/* client address (for the failure reports) */
	const char *fqdn;	/* AuthRealm or $j */
	int recent_failures;	/* failed AUTHs from addr the master knows of */
	/* called after each failed AUTH with addr; may be NULL */
	void (*failed)(void *arg, const char *addr);
	void *arg;
};

/* auth_session_new: NULL when AUTH cannot be offered (SASL unusable) */
auth_session *auth_session_new(struct conf *c, const struct auth_peer *peer);
void auth_session_free(auth_session *a);
/* auth_session_set_tls: STARTTLS happened: ssf is the cipher's bits,
 * ext_id the verified certificate subject (NULL: none) for EXTERNAL */
void auth_session_set_tls(auth_session *a, unsigned ssf, const char *ext_id);
/* auth_session_require_layer: srv_features "c": as AuthOptions p */
void auth_session_require_layer(auth_session *a);
/* auth_session_mechs: the mechanisms to advertise now ("" for none) */
const char *auth_session_mechs(auth_session *a);
/* auth_session_user: the authenticated identity, NULL before success */
const char *auth_session_user(const auth_session *a);

/* results of auth_session_command */
enum auth_result {
	AUTH_DONE_OK,		/* 235 sent; macros set */
	AUTH_DONE_FAILED,	/* 535/454 sent */
	AUTH_DONE_ERROR,	/* a protocol error was answered (bad command) */
	AUTH_DONE_CLOSE		/* 421 sent, or the connection is gone: end */
};

/* auth_session_command: run "AUTH arg" on s (reading the client's
 * responses from it, at most 12288 bytes a line), answer every step,
 * log as sendmail does and, on success, set ${auth_type},
 * ${auth_authen} and ${auth_ssf} in mt. */
enum auth_result auth_session_command(auth_session *a, stream *s, const char *arg,
    struct macro_table *mt);

/* auth_options_secflags: AuthOptions letters as SASLSRV_SEC_* bits */
unsigned auth_options_secflags(const char *authoptions);
/* auth_mech_intersect: the words of allowed (AuthMechanisms, separated
 * by spaces or commas) that available (SASL's list) also has, in
 * allowed's order (as sendmail advertises them), into out separated by
 * single spaces */
void auth_mech_intersect(const char *allowed, const char *available, dstr *out);

/* xtext (RFC 3461), the encoding of AUTH= and ${cert_subject}:
 * auth_xtext_encode appends, leaving the characters of keep (NULL: none)
 * as they are (sendmail keeps "=" in certificate names);
 * auth_xtext_decode appends and is -1 for text that is not valid xtext */
void auth_xtext_encode(dstr *out, const char *s, const char *keep);
int auth_xtext_decode(dstr *out, const char *s);

#endif
