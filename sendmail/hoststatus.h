/* hoststatus: what the last connection to each remote host gave, kept
 * in memory for one process and, with HostStatusDirectory, on disk so
 * that later queue runs back off from hosts that keep failing.  Used by
 * the SMTP client (smtpc.c) and by `hoststat` / `purgestat` (sendmail
 * -bh / -bH, from main.c). */
#ifndef SW_HOSTSTATUS_H
#define SW_HOSTSTATUS_H
#include <stdio.h>
#include <time.h>
#include "base/dstr.h"
#include "sendmail/conf.h"

struct host_status {
	time_t updated;		/* when it was last tried */
	int failures;		/* consecutive temporary failures; 0 after
				 * a good connection */
	char *dsn;		/* "4.4.1", "2.0.0", ... */
	char *text;		/* "Connection refused by mx.example." or
				 * the reply that ended the attempt */
};

/* hoststatus_lookup: the status of host (names are case-insensitive),
 * in memory or on disk; 1 found (the caller frees with
 * hoststatus_free), 0 none. */
int hoststatus_lookup(struct conf *c, const char *host, struct host_status *out);
void hoststatus_free(struct host_status *st);

/* hoststatus_backoff: 1 when host failed recently enough that it
 * should not be tried now; why gets the remembered reason.  After n
 * consecutive failures a host rests min(T, T * 2^(n-1) / 8) where T is
 * Timeout.hoststatus (30m); a host that failed during this process is
 * not tried again by it. */
int hoststatus_backoff(struct conf *c, const char *host, dstr *why);

/* hoststatus_record: the outcome of a connection: ok (a session was
 * held, whatever the recipients got) or a temporary failure with its
 * status and text. */
void hoststatus_record(struct conf *c, const char *host, int ok, const char *dsn,
    const char *text);

/* hoststatus_print: `hoststat`: every host in HostStatusDirectory;
 * hoststatus_purge: `purgestat`: forget them all.  Exit codes. */
int hoststatus_print(struct conf *c, FILE *out);
int hoststatus_purge(struct conf *c, FILE *out);

/* hoststatus_reset_memory: forget what this process saw (tests, and a
 * daemon's queue runner between runs). */
void hoststatus_reset_memory(void);

#endif
