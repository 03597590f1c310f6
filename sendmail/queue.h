/* queue: the mail queue on disk in sendmail's layout: dfQID holds the
 * body, qfQID the envelope (version 8 control file), written so that a
 * message exists only once both are on disk: the data file and the
 * control file are fsynced, the control file is renamed into place
 * from tfQID, and the directory is fsynced.  Used by local submission,
 * the SMTP server, queue runs and mailq. */
#ifndef SW_QUEUE_H
#define SW_QUEUE_H
#include <stddef.h>
#include "base/dstr.h"
#include "sendmail/conf.h"
#include "sendmail/envelope.h"

/* queue_dir: QueueDirectory of the config (default /var/spool/mqueue) */
const char *queue_dir(const struct conf *c);
/* queue_new_id: a queue ID in sendmail's format (time, counter, pid) */
void queue_new_id(char out[32]);

/* A data file being written. */
struct qdata {
	int fd;
	char *path;
	size_t size;
	int has8bit;
};

/* queue_data_open: create dfQID for a new envelope (choosing e->qid);
 * 0 or -1 with err. */
int queue_data_open(const struct conf *c, struct envelope *e, struct qdata *d, dstr *err);
int queue_data_write(struct qdata *d, const void *p, size_t n);
/* queue_commit: make the message durable: fsync the data file, write the
 * control file, fsync it, rename it into place, fsync the directory.
 * Only after this returns 0 may the message be acknowledged. */
int queue_commit(const struct conf *c, struct envelope *e, struct qdata *d, dstr *err);
/* queue_abort: remove a data file of a message that will not be queued */
void queue_data_abort(struct qdata *d);

/* queue_write_control: rewrite the control file of a queued message
 * (after a delivery attempt), durably; recipients marked RCPT_DONE are
 * left out. */
int queue_write_control(const struct conf *c, const struct envelope *e, dstr *err);
/* queue_read: read qfQID into e (e initialised by the caller). */
int queue_read(const struct conf *c, const char *dir, const char *qid,
    struct envelope *e, dstr *err);
/* queue_remove: delete a finished message (control file first). */
void queue_remove(const struct conf *c, const struct envelope *e);
/* queue_id_valid: is qid the shape of a queue ID (letters and digits,
 * so that it names a file in the queue directory and nothing else)? */
int queue_id_valid(const char *qid);
/* queue_lock: lock a message's control file for processing; returns the
 * fd holding the lock, -1 if another process has it or it is gone (or
 * was replaced since).  The lock is flock(2)'s: it stays while the fd
 * is open, whatever else the process opens and closes. */
int queue_lock(const struct conf *c, const char *dir, const char *qid);
/* queue_set_aside: a control file that cannot be read is renamed to
 * QfQID so that nobody trips over it again; the reason is logged. */
void queue_set_aside(const char *dir, const char *qid, const char *why);

/* queue_list: the queue IDs with a control file, in dir (malloc'd). */
size_t queue_list(const char *dir, char ***ids);
void queue_list_free(char **ids, size_t n);
/* queue_data_path: dfQID of a message */
void queue_data_path(const struct envelope *e, dstr *out);

#endif
