/* envelope: one message as the MTA handles it: queue ID, sender,
 * recipients with their DSN flags and delivery state, the macros that
 * travel with it ($_ $r $s ${daemon_flags} ...), its headers, and where
 * its body is.  Built by local submission and the SMTP server, written
 * to and read from the queue (queue.c), consumed by delivery. */
#ifndef SW_ENVELOPE_H
#define SW_ENVELOPE_H
#include <stddef.h>
#include <time.h>
#include "base/dstr.h"
#include "sendmail/macro.h"

/* recipient flags, as the qf R line spells them */
enum {
	RCPT_PRIMARY = 1 << 0,		/* P: given by the sender */
	RCPT_NOTIFY_SUCCESS = 1 << 1,	/* S */
	RCPT_NOTIFY_FAILURE = 1 << 2,	/* F */
	RCPT_NOTIFY_DELAY = 1 << 3,	/* D */
	RCPT_HAS_NOTIFY = 1 << 4,	/* N: NOTIFY= was given */
	RCPT_DONE = 1 << 8,		/* delivered or bounced: not in the qf */
	RCPT_ALIAS_DONE = 1 << 9	/* already expanded this run */
};

enum rcpt_state {
	RS_QUEUED,		/* to be tried */
	RS_SENT,		/* delivered */
	RS_DEFERRED,		/* temporary failure */
	RS_FAILED		/* permanent failure: bounce */
};

struct rcpt {
	char *addr;		/* as given (printable) */
	char *orcpt;		/* ORCPT= ("rfc822;user@host"), or NULL */
	char *final;		/* final recipient for DSNs ("RFC822; a@b") */
	char *owner;		/* controlling user (C line), or NULL */
	unsigned flags;
	enum rcpt_state state;
	char *status;		/* DSN status "2.0.0", "4.4.1", ... */
	char *diag;		/* the reply or reason */
	char *mailer, *host, *user;	/* resolved triple (not in the qf) */
	char *relay;		/* where it went: "mx.example. [192.0.2.1]" */
	time_t xstart;		/* when this delivery attempt began */
	int bounced;		/* a DSN has been made for it */
};

/* envelope flags, as the qf F line spells them */
enum {
	EF_RESPONSE = 1 << 0,	/* r: a bounce or warning */
	EF_WARNED = 1 << 1,	/* w: delay warning sent */
	EF_8BIT = 1 << 2,	/* 8: body has 8-bit data */
	EF_DELETE_BCC = 1 << 3,	/* b: remove Bcc: */
	EF_RET_PARAM = 1 << 4,	/* d: RET= was given */
	EF_NO_BODY = 1 << 5,	/* n: RET=HDRS */
	EF_SPLIT = 1 << 6	/* s: envelope has been split */
};

struct header {
	char *name;
	char *value;		/* as in the message (may hold $ macros when
				 * it came from an H line: expanded at
				 * delivery, as sendmail does) */
	char *cond;		/* ?flags? condition, or NULL */
	int from_config;	/* added from an H line */
};

struct envelope {
	char qid[32];
	char *sender;		/* S line: envelope sender ("" for <>) */
	char *auth;		/* A line */
	char *envid;		/* Z line: ENVID= */
	char *bodytype;		/* B line: 7BIT / 8BITMIME */
	char *message;		/* M line: status for mailq */
	time_t ctime;		/* T */
	time_t last_try;	/* K */
	int tries;		/* N */
	long priority;		/* P */
	unsigned flags;		/* F */
	char *inode;		/* I */
	struct rcpt *rcpts;
	size_t nrcpts, caprcpts;
	struct header *hdrs;
	size_t nhdrs, caphdrs;
	struct macro_table macros;	/* $ lines; parent is the config's */
	size_t body_size;	/* df size */
	char *queue_dir;	/* where its files are */
};

void envelope_init(struct envelope *e, const struct macro_table *parent);
void envelope_free(struct envelope *e);
struct rcpt *envelope_add_rcpt(struct envelope *e, const char *addr, unsigned flags);
void envelope_add_header(struct envelope *e, const char *name, const char *value,
    const char *cond, int from_config);
struct header *envelope_header(struct envelope *e, const char *name);
void envelope_remove_header(struct envelope *e, const char *name);
/* envelope_pending: recipients still to be tried */
size_t envelope_pending(const struct envelope *e);
/* envelope_message_size: what sendmail logs, counts and announces with
 * SIZE=: the headers as they will be written plus the data file */
size_t envelope_message_size(const struct envelope *e);
/* envelope_sender_bare: the sender without <>; "" for the null sender
 * and for bounces (EF_RESPONSE) */
const char *envelope_sender_bare(const struct envelope *e);

#endif
