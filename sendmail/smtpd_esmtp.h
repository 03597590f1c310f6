/* smtpd_esmtp: the arguments of MAIL and RCPT as sendmail 8.17 reads
 * them: "FROM:" / "TO:", the address up to the first blank outside
 * brackets and quotes, then the ESMTP parameters (SIZE BODY RET ENVID
 * AUTH BY; NOTIFY ORCPT) with sendmail's error replies.  Pure parsing,
 * no policy; used by smtpd.c. */
#ifndef SW_SMTPD_ESMTP_H
#define SW_SMTPD_ESMTP_H
#include "base/dstr.h"

/* smtpd_path: split "FROM:<a@b> SIZE=10" (kw "from") into the address
 * as given and the parameter text; -1 with reply set on a syntax
 * error.  *addr and *params are allocated. */
int smtpd_path(const char *arg, const char *kw, char **addr, char **params, dstr *reply);

struct smtpd_mail_params {
	long size;		/* SIZE=, -1 when not given */
	char *body;		/* BODY= (7BIT / 8BITMIME), or NULL */
	int ret;		/* 0, or 'H' (HDRS) / 'F' (FULL) */
	char *envid;		/* ENVID= (xtext), or NULL */
	char *auth;		/* AUTH= (xtext), or NULL */
	char *by;		/* BY=, or NULL */
};

struct smtpd_rcpt_params {
	unsigned notify;	/* RCPT_NOTIFY_* and RCPT_HAS_NOTIFY bits */
	char *orcpt;		/* ORCPT=, or NULL */
};

/* smtpd_mail_params / smtpd_rcpt_params: parse the parameter text;
 * 0, or -1 with the reply (sendmail's words) in reply.  Free the
 * results with the _free functions either way. */
int smtpd_mail_params(const char *text, struct smtpd_mail_params *out, dstr *reply);
void smtpd_mail_params_free(struct smtpd_mail_params *p);
int smtpd_rcpt_params(const char *text, struct smtpd_rcpt_params *out, dstr *reply);
void smtpd_rcpt_params_free(struct smtpd_rcpt_params *p);

#endif
