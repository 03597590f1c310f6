/* msp: the mail submission program's privileges and config (see msp.h).
 *
 * Permissions `make install` sets up (what sendmail 8.12+ uses too):
 *   /usr/sbin/sendmail          root:smmsp  2555  (set-group-ID smmsp)
 *   /var/spool/clientmqueue     smmsp:smmsp 0770
 *   /etc/mail/submit.cf         root:root   0644
 * An ordinary user's `sendmail -t` thus runs as the user with the
 * effective group smmsp, which is just enough to write the client queue
 * and nothing else: the group is dropped at once for any other mode,
 * for -C, and for options that could point the program elsewhere. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/msp.h"
#include "sendmail/queue.h"

static int setgid_run;		/* started with egid != gid by a non-root user */
static gid_t real_gid;

#if defined(__SANITIZE_ADDRESS__)
/* sanitizer builds only (never installed): LeakSanitizer cannot inspect
 * a process that still holds its set-group-ID privilege; it asks here */
int __lsan_is_turned_off(void);
int
__lsan_is_turned_off(void)
{
	return setgid_run;
}
#endif

void
msp_start(void)
{
	real_gid = getgid();
	setgid_run = getegid() != real_gid && getuid() != 0;
	if (setgid_run) {
		/* a privileged program trusts nothing its caller set up
		 * except the time zone (submit.cf keeps the caller's TZ) */
		const char *tz = getenv("TZ");
		char *keep = tz && strlen(tz) < 256 && strchr(tz, '/') == NULL ? xstrdup(tz) : NULL;

		clearenv();
		setenv("PATH", "/usr/bin:/bin", 1);
		if (keep) {
			setenv("TZ", keep, 1);
			free(keep);
		}
	}
}

static void
drop_group(void)
{
	if (!setgid_run)
		return;
	if (setresgid(real_gid, real_gid, real_gid) != 0) {
		fprintf(stderr, "sendmail: cannot give up group privileges: %s\n", strerror(errno));
		exit(71);
	}
	setgid_run = 0;
}

/* safe_override: -O/-o settings a user may give without losing the
 * group: the ones that change how this submission behaves, never where
 * files are or what is trusted */
static int
safe_override(const char *o)
{
	static const char *const ok[] = {
		"IgnoreDots", "DeliveryMode", "ErrorMode", "MeToo", "Verbose",
		"OldStyleHeaders", "SendMimeErrors", NULL
	};
	size_t i;

	for (i = 0; ok[i]; i++) {
		size_t n = strlen(ok[i]);

		if (strncasecmp(o, ok[i], n) == 0 && (o[n] == '=' || o[n] == '\0'))
			return 1;
	}
	return 0;
}

const char *
msp_config(const char *cflag, int aflag, int mode, const char *dflt, char **opts, int nopts,
    int *submit)
{
	const char *path;
	int keep = 0, i;

	*submit = 0;
	if (cflag)
		path = cflag;
	else if (aflag == 'm')
		path = dflt;
	else if (aflag == 'c' || ((mode == 'm' || mode == 's') && access(MSP_SUBMIT_CF, F_OK) == 0)) {
		path = MSP_SUBMIT_CF;
		*submit = 1;
	} else
		path = dflt;
	if (*submit && (mode == 'm' || mode == 's' || mode == 'q' || mode == 'p'))
		keep = 1;
	for (i = 0; i < nopts; i++)
		if (!safe_override(opts[i]))
			keep = 0;
	if (!keep)
		drop_group();
	return path;
}

int
msp_settle(struct conf *c, int submit)
{
	const char *u;
	struct passwd *pw = NULL;

	if (!options_bool(c->opts, "UseMSP", 0))
		return 0;
	(void)submit;
	/* root submitting: act as the client queue's owner, so the files
	 * it leaves there can be picked up by the client queue runner; the
	 * real uid stays root, so the message is still root's */
	u = options_get(c->opts, "RunAsUser");
	if (geteuid() == 0 && u && *u) {
		char *name = xstrdup(u), *colon = strchr(name, ':');
		gid_t gid;

		if (colon)
			*colon = '\0';
		pw = strspn(name, "0123456789") == strlen(name) ? getpwuid((uid_t)atol(name)) : getpwnam(name);
		if (pw == NULL) {
			fprintf(stderr, "sendmail: RunAsUser %s: no such user\n", name);
			free(name);
			return -1;
		}
		gid = colon ? (gid_t)atol(colon + 1) : pw->pw_gid;
		free(name);
		if (setegid(gid) != 0 || seteuid(pw->pw_uid) != 0) {
			fprintf(stderr, "sendmail: cannot become %s: %s\n", pw->pw_name, strerror(errno));
			return -1;
		}
	}
	return 0;
}

int
msp_may_run_queue(const struct conf *c)
{
	const char *p = options_get(c->opts, "PrivacyOptions");
	struct stat st;

	if (p == NULL || strcasestr(p, "restrictqrun") == NULL || getuid() == 0)
		return 1;
	return stat(queue_dir(c), &st) == 0 && st.st_uid == getuid();
}

static volatile sig_atomic_t runner_stop;

static void
on_stop(int sig)
{
	(void)sig;
	runner_stop = 1;
}

int
msp_queue_runner(struct conf *c, const struct qfilter *f, long interval)
{
	pid_t pid = fork();
	const char *pf;

	if (pid < 0) {
		fprintf(stderr, "sendmail: cannot start the queue runner: %s\n", strerror(errno));
		return 71;
	}
	if (pid > 0)
		return 0;
	setsid();
	{
		int dn = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (dn >= 0) {
			dup2(dn, 0);
			dup2(dn, 1);
			dup2(dn, 2);
			close(dn);
		}
	}
	pf = options_get(c->opts, "PidFile");
	if (pf && *pf) {
		FILE *fp = fopen(pf, "w");

		if (fp) {
			fprintf(fp, "%ld\n", (long)getpid());
			fclose(fp);
		}
	}
	signal(SIGTERM, on_stop);
	signal(SIGINT, on_stop);
	signal(SIGPIPE, SIG_IGN);
	msg_info("starting queue runner for %s, interval %lds", queue_dir(c), interval);
	while (!runner_stop) {
		time_t next = time(NULL) + interval;

		/* each run in a child of its own: whatever one message does
		 * to a process, the runner lives on */
		pid_t run = fork();

		if (run == 0) {
			signal(SIGTERM, SIG_DFL);
			runqueue_once(c, f);
			_exit(0);
		}
		if (run > 0)
			while (waitpid(run, NULL, 0) < 0 && errno == EINTR && !runner_stop)
				;
		while (!runner_stop && time(NULL) < next)
			sleep(1);
	}
	msg_info("stopping queue runner, reason=signal");
	_exit(0);
}
