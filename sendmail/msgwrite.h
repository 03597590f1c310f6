/* msgwrite: the message as one mailer gets it: an optional UNIX From
 * line (F=U), the headers whose ?flags? the mailer has, late-bound
 * values expanded, sender and recipient headers rewritten through the
 * mailer's header rulesets, then the body; line ends per E=, leading
 * dots doubled for SMTP and F=X, ">From " for F=E.  Used by program
 * mailers, LMTP, the SMTP client and bounces. */
#ifndef SW_MSGWRITE_H
#define SW_MSGWRITE_H
#include "base/dstr.h"
#include "io/stream.h"
#include "sendmail/conf.h"
#include "sendmail/envelope.h"

enum {
	MW_DOTS = 1,		/* double leading dots (SMTP, LMTP) */
	MW_CRLF = 2,		/* force CRLF line ends */
	MW_NO_BODY = 4,		/* headers only (RET=HDRS bounces) */
	MW_RAW_HEADERS = 8	/* no header rewriting */
};

/* message_write: write e as mailer m gets it; macros are e's plus
 * those set for this delivery ($u $h $g ...) in mt.  0 or -1. */
int message_write(struct conf *c, struct envelope *e, const struct mailer *m,
    const struct macro_table *mt, stream *out, unsigned flags, dstr *err);
/* message_headers_text: the headers as they would be written (for the
 * text/rfc822-headers part of bounces) */
void message_headers_text(struct conf *c, struct envelope *e, const struct macro_table *mt,
    dstr *out);

#endif
