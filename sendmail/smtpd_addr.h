/* smtpd_addr: what the SMTP server asks about an address, answered the
 * way sendmail 8.17 answers it: RCPT's recipient check (syntax, ruleset
 * 0, "User unknown"), and VRFY / EXPN replies, EXPN expanding aliases
 * and :include: lists.  Used by smtpd.c. */
#ifndef SW_SMTPD_ADDR_H
#define SW_SMTPD_ADDR_H
#include "base/dstr.h"
#include "sendmail/conf.h"
#include "sendmail/macro.h"

/* the resolution of one recipient */
struct smtpd_addr {
	char *mailer, *host, *user;	/* the triple of ruleset 0 */
	int queueup;			/* a lookup was deferred: checks wait
					 * for the queue run ("will queue") */
	dstr reply;			/* the error reply, without CRLF */
};

/* smtpd_addr_resolve: run the address paddr (as the client gave it)
 * through rulesets 3 and 0; 0, or -1 with out->reply set (bad syntax,
 * an error mailer, a program or file named directly).  Free out with
 * smtpd_addr_free() either way. */
int smtpd_addr_resolve(struct conf *c, const struct macro_table *mt, const char *paddr,
    struct smtpd_addr *out);
/* smtpd_addr_known: a resolved local name must be an alias or a user
 * (unless its lookups were deferred); 0, or -1 with a->reply set */
int smtpd_addr_known(struct conf *c, const char *paddr, struct smtpd_addr *a);
void smtpd_addr_free(struct smtpd_addr *a);

/* smtpd_vrfy: the reply to "VRFY list" (expn 0) or "EXPN list" (expn 1),
 * CRLF-ended lines appended to reply. */
void smtpd_vrfy(struct conf *c, const struct macro_table *mt, const char *list, int expn,
    dstr *reply);

/* smtpd_error_reply: "code dsn addr... text" for an error of address
 * addr (NULL: none), as sendmail words it: the address is named in
 * permanent (5xx) replies, and in temporary ones too when all_codes
 * (RCPT does so, MAIL does not).  text may begin with a reply code and
 * a status, else code and dsn (may be NULL) are used. */
void smtpd_error_reply(int code, const char *dsn, const char *addr, int all_codes,
    const char *text, dstr *out);

#endif
