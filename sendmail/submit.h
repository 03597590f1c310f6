/* submit: local submission, `sendmail [-t] [-f from] [-F name] [-oi]
 * [-N dsn] [-R ret] [-V envid] [rcpt ...] < message`: reads the
 * message, checks the recipients, queues it durably and delivers it
 * the way DeliveryMode says (background, interactive, queue-only). */
#ifndef SW_SUBMIT_H
#define SW_SUBMIT_H
#include <stdio.h>
#include "sendmail/conf.h"

struct submit_opts {
	const char *from;	/* -f / -r */
	const char *fullname;	/* -F */
	int read_rcpts;		/* -t */
	int ignore_dots;	/* -i / -oi */
	const char *notify;	/* -N */
	const char *ret;	/* -R */
	const char *envid;	/* -V */
	const char *bodytype;	/* -B */
	int mode;		/* DeliveryMode letter: b i q d (0: config) */
	int verbose;		/* -v */
};

/* submit_message: returns sendmail's exit code (EX_NOUSER when some
 * recipient was refused, the message still going to the others). */
int submit_message(struct conf *c, const struct submit_opts *o, char **rcpts,
    int nrcpts, FILE *in, FILE *errout);

#endif
