/* parseaddr: sendmail's parseaddr/buildaddr: an address is tokenized,
 * run through rulesets 3 and 0, and the resulting mailer triple turned
 * into a mailer, host and user (the user rewritten by ruleset 2, the
 * mailer's R= ruleset and ruleset 4).  Used by -bt's /parse, newaliases,
 * the SMTP server and local submission. */
#ifndef SW_PARSEADDR_H
#define SW_PARSEADDR_H
#include "base/dstr.h"
#include "sendmail/conf.h"
#include "sendmail/rewrite.h"

struct parsed_addr {
	const struct mailer *mailer;	/* NULL for $#error and failures */
	char *mailer_name;		/* as the triple named it */
	char *host;			/* $@ part ("" if none) */
	char *user;			/* $: part after user rewriting */
	int is_error;			/* resolved to the error mailer */
	char *error_dsn;		/* for $#error: the $@ part (e.g. 5.1.1) */
	char *error_text;		/* for $#error: the text without quotes */
	int rw_status;			/* status of the rulesets */
};

/* parse_address: tokenize addr (external syntax: comments dropped) up
 * to delim, rewrite it and build the address.  Messages sendmail prints
 * for the address ("addr... Unbalanced '<'", "addr... <error text>") go
 * to msgs.  Returns 0 when a mailer was resolved (including error), -1
 * when the address could not be parsed. */
int parse_address(struct rw_env *env, const char *addr, int delim,
    struct parsed_addr *out, const char **endp, dstr *msgs);
void parsed_addr_free(struct parsed_addr *pa);

/* remote_name: addr as it goes to mailer m (sendmail's remotename):
 * rulesets 3, then 1 (sender) or 2 (recipient), then the mailer's S= or
 * R= ruleset for envelope or header use, then 4; in header use the
 * phrase and comments around the address are kept.  Returns the
 * rulesets' status; the result is appended to out. */
enum { RN_SENDER = 1, RN_HEADER = 2 };
int remote_name(struct rw_env *env, const char *addr, const struct mailer *m,
    int flags, dstr *out);
/* strip_reply_code: "553 5.1.1 text" -> "text" (quotes removed) */
void strip_reply_code(const char *in, dstr *out);

#endif
