/* local: deliver one message to one local user, as that user: look the
 * user up in the userdb and, when running as root, take the user's uid
 * and primary gid (with the "mail" group added, so a dot-lock can be
 * made in a group-writable /var/mail) as the effective ids for the delivery alone,
 * then take root's back, as Postfix's local delivery does: the real and
 * saved ids stay root, so the user can neither signal nor trace the
 * process meanwhile, and no process is made per recipient.  Called by
 * mail.local and by the LMTP server. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
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

/* the ids to come back to */
struct saved_ids {
	uid_t euid;
	gid_t egid;
	gid_t *groups;
	int ngroups;
	int cwd;
};

static void
restore_ids(struct saved_ids *sv)
{
	/* root first: without it the rest is not allowed */
	if (seteuid(sv->euid) != 0 || setegid(sv->egid) != 0 ||
	    setgroups((size_t)sv->ngroups, sv->groups) != 0)
		msg_fatal(71, "cannot take back the ids of mail delivery: %s", strerror(errno));
	if (sv->cwd >= 0) {
		(void)!fchdir(sv->cwd);
		close(sv->cwd);
	}
	free(sv->groups);
}

/* as_user: the user's ids as the effective ones, and the user's home as
 * the working folder; sv says how to come back */
static int
as_user(const struct mbconf *c, const struct mb_user *mu, struct saved_ids *sv, dstr *err)
{
	gid_t groups[2];
	int ng = 0;
	struct group *mg = getgrnam("mail");

	if (mu->uid == 0 && c->first_valid_uid > 0) {
		dstr_printf(err, "refusing to deliver as root to %s", mu->name);
		return -1;
	}
	/* the user's own group and "mail", none of the user's other groups:
	 * a mailbox needs no more (Postfix's local delivery takes the same) */
	groups[ng++] = mu->gid;
	if (mg && mg->gr_gid != mu->gid)
		groups[ng++] = mg->gr_gid;
	sv->euid = geteuid();
	sv->egid = getegid();
	sv->ngroups = getgroups(0, NULL);
	if (sv->ngroups < 0)
		sv->ngroups = 0;
	sv->groups = xreallocarray(NULL, (size_t)sv->ngroups + 1, sizeof(gid_t));
	if (getgroups(sv->ngroups, sv->groups) != sv->ngroups)
		sv->ngroups = 0;
	sv->cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (setgroups((size_t)ng, groups) != 0 || setegid(mu->gid) != 0 ||
	    seteuid(mu->uid) != 0) {
		dstr_printf(err, "cannot become %s: %s", mu->name, strerror(errno));
		restore_ids(sv);
		return -1;
	}
	if (mu->home[0])
		(void)!chdir(mu->home);
	return 0;
}

int
local_deliver(const struct mbconf *c, const char *user, const char *mailbox,
    const char *from, const char *data, size_t len, dstr *err)
{
	struct mb_user mu;
	struct saved_ids sv;
	int r;

	if (auth_lookup(c, user, &mu, err) < 0)
		return LOCAL_NOUSER;
	if (!auth_privileged(c) || geteuid() != 0)
		r = deliver_here(&mu, mailbox, from, data, len, err);
	else if (as_user(c, &mu, &sv, err) < 0)
		r = LOCAL_TEMPFAIL;
	else {
		r = deliver_here(&mu, mailbox, from, data, len, err);
		restore_ids(&sv);
	}
	auth_user_free(&mu);
	return r;
}
