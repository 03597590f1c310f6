/* local: deliver one message to one local user, as that user: look the
 * user up in the userdb, switch to the user's uid (with the "mail" group
 * added, so a dot-lock can be made in a group-writable /var/mail) in a
 * child process when running as root, and append through the store.
 * Called by mail.local and by the LMTP server. */
#include "config.h"
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "base/log.h"
#include "store/store.h"
#include "mailboxd.h"

static int
deliver_here(const struct mb_user *mu, const char *mailbox, const char *from,
    const char *data, size_t len, dstr *err)
{
	store_user *su = store_user_new(mu->mail, mu->name, mu->home, err);
	int r;

	if (su == NULL)
		return LOCAL_TEMPFAIL;
	r = store_deliver(su, mailbox, from, data, len, mu->quota, err);
	store_user_free(su);
	switch (r) {
	case STORE_DELIVER_OK:
		return LOCAL_OK;
	case STORE_DELIVER_QUOTA:
		return LOCAL_QUOTA;
	case STORE_DELIVER_NOMAILBOX:
		/* a missing folder is no reason to lose the mail: INBOX then */
		if (mailbox)
			return deliver_here(mu, NULL, from, data, len, err);
		return LOCAL_TEMPFAIL;
	default:
		return LOCAL_TEMPFAIL;
	}
}

static int
become_for_delivery(const struct mbconf *c, const struct mb_user *mu, dstr *err)
{
	gid_t groups[NGROUPS_MAX + 1];
	int ng = NGROUPS_MAX;
	struct group *mg = getgrnam("mail");

	if (mu->uid == 0 && c->first_valid_uid > 0) {
		dstr_printf(err, "refusing to deliver as root to %s", mu->name);
		return -1;
	}
	if (mu->system && getgrouplist(mu->name, mu->gid, groups, &ng) < 0)
		ng = 0;
	if (!mu->system) {
		groups[0] = mu->gid;
		ng = 1;
	}
	if (mg && ng < NGROUPS_MAX)
		groups[ng++] = mg->gr_gid;
	if (setgroups((size_t)ng, groups) != 0 || setgid(mu->gid) != 0 || setuid(mu->uid) != 0) {
		dstr_printf(err, "cannot become %s: %s", mu->name, strerror(errno));
		return -1;
	}
	return 0;
}

int
local_deliver(const struct mbconf *c, const char *user, const char *mailbox,
    const char *from, const char *data, size_t len, dstr *err)
{
	struct mb_user mu;
	int pfd[2], r, status;
	pid_t pid;

	if (auth_lookup(c, user, &mu, err) < 0)
		return LOCAL_NOUSER;
	if (!auth_privileged(c) || geteuid() != 0) {
		r = deliver_here(&mu, mailbox, from, data, len, err);
		auth_user_free(&mu);
		return r;
	}
	if (pipe(pfd) != 0) {
		dstr_printf(err, "pipe: %s", strerror(errno));
		auth_user_free(&mu);
		return LOCAL_TEMPFAIL;
	}
	pid = fork();
	if (pid < 0) {
		dstr_printf(err, "fork: %s", strerror(errno));
		close(pfd[0]);
		close(pfd[1]);
		auth_user_free(&mu);
		return LOCAL_TEMPFAIL;
	}
	if (pid == 0) {
		close(pfd[0]);
		if (become_for_delivery(c, &mu, err) < 0)
			r = LOCAL_TEMPFAIL;
		else {
			if (mu.home[0])
				(void)!chdir(mu.home);
			r = deliver_here(&mu, mailbox, from, data, len, err);
		}
		if (err->len)
			(void)!write(pfd[1], err->s, err->len);
		_exit(r);
	}
	close(pfd[1]);
	dstr_clear(err);
	for (;;) {
		char buf[512];
		ssize_t n = read(pfd[0], buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (err->len < 4096)
			dstr_append(err, buf, (size_t)n);
	}
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	auth_user_free(&mu);
	if (!WIFEXITED(status))
		return LOCAL_TEMPFAIL;
	return WEXITSTATUS(status);
}
