/* msp: sendmail as the mail submission program, as sendmail 8.12+ runs
 * it: `sendmail -t`, `-bm` and `-bs` (what mail(1) and mutt call) read
 * /etc/mail/submit.cf, queue the message in the client queue
 * (/var/spool/clientmqueue) and hand it to the MTA on this machine over
 * SMTP; when the MTA is down the message waits there for the client
 * queue runner (`sendmail -Ac -q30m`).  This module picks the config
 * (-Ac / -Am / -C / mode), holds or drops the set-group-ID privilege the
 * installed binary has (root:smmsp, mode 2555; the client queue is
 * smmsp:smmsp 0770), switches root to RunAsUser, and runs the client
 * queue periodically.  Called by main.c only. */
#ifndef SW_MSP_H
#define SW_MSP_H
#include "sendmail/conf.h"
#include "sendmail/runqueue.h"

#ifndef MSP_SUBMIT_CF
#define MSP_SUBMIT_CF "/etc/mail/submit.cf"
#endif

/* msp_start: first thing in main: notes whether the program runs
 * set-group-ID and, if so, clears the environment of what could steer a
 * privileged program (log files, locale, IFS...). */
void msp_start(void);

/* msp_config: the config file for this run.  cflag is -C (NULL if
 * none), aflag the letter after -A (0 if none), mode the -b letter
 * ('q' for queue runs), opts the -O/-o settings.  *submit is set when
 * submit.cf was chosen.  The set-group-ID privilege is kept only for
 * the default submit.cf in a submission mode or a client queue run, and
 * only with harmless -O settings; otherwise it is dropped for good. */
const char *msp_config(const char *cflag, int aflag, int mode, const char *dflt,
    char **opts, int nopts, int *submit);

/* msp_settle: after the config is loaded: a submission run by root
 * takes on RunAsUser (smmsp) as its effective identity, so the client
 * queue's files belong to the queue's owner; everybody's queue files
 * are then created group-readable and -writable (QueueFileMode, umask
 * notwithstanding).  0, or -1 with a message on stderr. */
int msp_settle(struct conf *c, int submit);

/* msp_may_run_queue: PrivacyOptions=restrictqrun (submit.cf has it)
 * leaves queue runs to root and the queue directory's owner */
int msp_may_run_queue(const struct conf *c);

/* msp_queue_runner: `sendmail -q30m` without -bd (the client queue
 * runner sm-msp-queue): goes to the background and runs the queue every
 * interval seconds until killed.  Returns only in the parent. */
int msp_queue_runner(struct conf *c, const struct qfilter *f, long interval);

#endif
