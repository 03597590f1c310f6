/* stats: the statistics file named by the StatusFile option, in the
 * binary layout sendmail 8.12+ uses on the same machine (one record of
 * native ints, a time_t and longs), so sendmail's mailstats reads ours
 * and we read its.  Delivery, local submission and the SMTP server add
 * to it; the mailstats program reads and clears it. */
#ifndef SW_STATS_H
#define SW_STATS_H
#include <stddef.h>
#include <time.h>
#include "base/dstr.h"
#include "sendmail/conf.h"
#include "sendmail/envelope.h"

#define STATS_MAGIC 0x1B1DE	/* first int of the file */
#define STATS_VERSION 4		/* second int */
#define STATS_MAILERS 25	/* one slot per mailer number */

/* The record, field for field as the file holds it (native layout). */
struct stats_record {
	int magic;
	int version;
	time_t since;			/* when counting began */
	short size;			/* sizeof(struct stats_record) */
	long conn_from;			/* SMTP connections accepted */
	long conn_to;			/* SMTP connections made */
	long conn_rejected;		/* connections with a rejection */
	long msgs_from[STATS_MAILERS];	/* messages received, by the sender's mailer */
	long kb_from[STATS_MAILERS];	/* their size in kbytes (1000) */
	long msgs_to[STATS_MAILERS];	/* deliveries, by mailer */
	long kb_to[STATS_MAILERS];
	long rejects[STATS_MAILERS];	/* transactions with a rejected command */
	long discards[STATS_MAILERS];
	long quarantines[STATS_MAILERS];
};

/* stats_kbytes: sendmail's rounding: any part of 1000 bytes counts */
long stats_kbytes(size_t bytes);

/* stats_record_init: an empty record starting now */
void stats_record_init(struct stats_record *r, time_t now);

/* stats_load: read a statistics file; with clear (mailstats -p) it is
 * emptied under the same lock, so no update falls between reading and
 * clearing.  An empty file reads as an empty record starting now.
 * Returns 0; -1 (err says why) when the file cannot be opened; -2 for a
 * damaged file: wrong magic, wrong version (*bad_version set) or size. */
int stats_load(const char *path, struct stats_record *r, int *bad_version, int clear,
    dstr *err);

/* stats_add: add delta to the file at path under an exclusive lock.
 * The file is only updated when it exists (as sendmail does: creating
 * it is how the administrator turns statistics on); a file that is
 * not a valid record is started again.  Returns 0 or -1. */
int stats_add(const char *path, const struct stats_record *delta);

/* The events, each taking StatusFile from the config (nothing happens
 * when it is unset or the file does not exist). */
/* stats_note_received: a message was queued; counted for the mailer
 * the envelope sender resolves to (esmtp for a remote sender, local
 * for a local one) */
void stats_note_received(struct conf *c, const struct envelope *e, size_t msgsize);
/* stats_note_delivered: one successful mailer run (a batch of
 * recipients counts once, as sendmail counts it) */
void stats_note_delivered(struct conf *c, const struct mailer *m, size_t msgsize);
/* stats_note_rejected: a transaction had a command rejected by policy
 * (count it once per transaction): a rejection for the sender's mailer */
void stats_note_rejected(struct conf *c, const char *sender);
/* stats_note_discarded: a message was accepted and discarded */
void stats_note_discarded(struct conf *c, const char *sender);
/* stats_note_connection: an SMTP connection accepted (STATS_CONN_IN) or
 * made (STATS_CONN_OUT), or a session that saw a rejection
 * (STATS_CONN_REJECTED: once per session) */
enum { STATS_CONN_IN, STATS_CONN_OUT, STATS_CONN_REJECTED };
void stats_note_connection(struct conf *c, int kind);

#endif
