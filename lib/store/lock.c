/* lock: dot-lock and fcntl locks (see lock.h).  The dot-lock is created
 * under a unique temporary name and link(2)ed into place, which is safe
 * on NFS and is what procmail's lockfile and mutt's dotlock expect. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "store/lock.h"

#define STALE_SECONDS 300

static void
nap(void)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	nanosleep(&ts, NULL);
}

int
lock_fcntl(int fd, int excl, int wait_seconds)
{
	struct flock fl;
	int tries = wait_seconds * 10;

	for (;;) {
		memset(&fl, 0, sizeof(fl));
		fl.l_type = excl ? F_WRLCK : F_RDLCK;
		fl.l_whence = SEEK_SET;
		if (fcntl(fd, F_SETLK, &fl) == 0)
			return 0;
		if (errno != EAGAIN && errno != EACCES && errno != EINTR)
			return -1;
		if (tries-- <= 0) {
			errno = EAGAIN;
			return -1;
		}
		nap();
	}
}

void
lock_fcntl_release(int fd)
{
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_UNLCK;
	fl.l_whence = SEEK_SET;
	(void)fcntl(fd, F_SETLK, &fl);
}

int
lock_dot(const char *path, int wait_seconds, dstr *err)
{
	dstr lock = DSTR_INIT, tmp = DSTR_INIT;
	char host[256];
	int tries = wait_seconds * 10, fd, result = LOCK_DOT_FAIL;
	struct stat st;

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	dstr_printf(&lock, "%s.lock", path);
	dstr_printf(&tmp, "%s.lock.%s.%ld", path, host, (long)getpid());
	for (;;) {
		(void)unlink(tmp.s);
		fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		if (fd < 0) {
			if (errno == EACCES || errno == EROFS || errno == EPERM)
				result = LOCK_DOT_NOPERM;
			else if (err)
				dstr_printf(err, "%s: %s", tmp.s, strerror(errno));
			break;
		}
		close(fd);
		if (link(tmp.s, lock.s) == 0 ||
		    (stat(tmp.s, &st) == 0 && st.st_nlink == 2)) {
			(void)unlink(tmp.s);
			result = LOCK_DOT_OK;
			break;
		}
		(void)unlink(tmp.s);
		if (stat(lock.s, &st) == 0 && time(NULL) - st.st_mtime > STALE_SECONDS) {
			(void)unlink(lock.s);
			continue;
		}
		if (tries-- <= 0) {
			if (err)
				dstr_printf(err, "%s: mailbox is locked", lock.s);
			break;
		}
		nap();
	}
	dstr_free(&lock);
	dstr_free(&tmp);
	return result;
}

void
lock_dot_release(const char *path)
{
	dstr lock = DSTR_INIT;

	dstr_printf(&lock, "%s.lock", path);
	(void)unlink(lock.s);
	dstr_free(&lock);
}
