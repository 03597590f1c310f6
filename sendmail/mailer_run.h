/* mailer_run: running the local kinds of mailer for a batch of
 * recipients: programs (local delivery agents like mail.local or
 * procmail, the prog mailer through smrsh), LMTP-speaking programs
 * (F=z), and the *file* mailer; each recipient gets its state, DSN
 * status and diagnostic.  Called by deliver.c. */
#ifndef SW_MAILER_RUN_H
#define SW_MAILER_RUN_H
#include "sendmail/conf.h"
#include "sendmail/envelope.h"

struct batch {
	const struct mailer *m;
	char *host;
	struct rcpt **rcpts;
	size_t n;
};

void mailer_run_program(struct conf *c, struct envelope *e, struct batch *b);
void mailer_run_file(struct conf *c, struct envelope *e, struct batch *b);
/* mailer_status_of_exit: DSN status, text and temporariness of a
 * sysexits code */
const char *mailer_exit_text(int code, const char **dsn, int *temp);
/* rcpt_result: record one recipient's outcome */
void rcpt_result(struct rcpt *r, enum rcpt_state st, const char *dsn, const char *diag);
/* mailer_macros: $u $h $f $g $z $x for a delivery of e by m */
void mailer_macros(struct conf *c, struct envelope *e, const struct mailer *m,
    const char *host, struct rcpt **rcpts, size_t n, struct macro_table *mt);

#endif
