/* lock: mailbox locking compatible with mutt, procmail and sendmail's
 * mail.local: a "<mbox>.lock" dot-lock file made with the link(2) trick
 * plus an fcntl(2) lock on the open mailbox.  Used by the mbox store,
 * mail.local and the index lock of every mailbox. */
#ifndef SW_STORE_LOCK_H
#define SW_STORE_LOCK_H
#include "base/dstr.h"

/* lock_fcntl: take a whole-file read (excl=0) or write (excl=1) lock,
 * retrying up to wait_seconds; 0 or -1 (errno EAGAIN on timeout) */
int lock_fcntl(int fd, int excl, int wait_seconds);
void lock_fcntl_release(int fd);

enum lock_dot_result {
	LOCK_DOT_OK = 0,	/* we hold path.lock */
	LOCK_DOT_NOPERM,	/* the directory is not writable for us:
				   callers go on with the fcntl lock alone */
	LOCK_DOT_FAIL		/* busy past the wait or an error (err) */
};
/* lock_dot: create path.lock; a lock file older than 5 minutes is
 * stale and removed (as procmail and mail.local do) */
int lock_dot(const char *path, int wait_seconds, dstr *err);
void lock_dot_release(const char *path);

#endif
