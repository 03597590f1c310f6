/* deliver: local delivery into a user's mailbox for mail.local and the
 * LMTP server: Maildir tmp -> new with fsync, or an mbox append with
 * the From_ line, >From quoting and the dot + fcntl locks.  The index is
 * left alone; sessions give new messages their UIDs when they sync. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "base/xalloc.h"
#include "store/store_int.h"

/* the whole user's Maildir++ size: INBOX and every .folder */
static uint64_t
maildir_user_size(const store_user *u)
{
	uint64_t total = maildir_size(u->root);
	DIR *d = opendir(u->root);
	struct dirent *de;

	while (d && (de = readdir(d)) != NULL) {
		dstr p = DSTR_INIT;

		if (de->d_name[0] != '.' || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		dstr_printf(&p, "%s/%s", u->root, de->d_name);
		total += maildir_size(p.s);
		dstr_free(&p);
	}
	if (d)
		closedir(d);
	return total;
}

int
store_deliver(store_user *u, const char *mailbox, const char *from,
    const char *data, size_t len, uint64_t quota, dstr *err)
{
	dstr path = DSTR_INIT;
	int inbox = mailbox == NULL || strcasecmp(mailbox, "INBOX") == 0;
	int rc = STORE_DELIVER_OK;

	if (!inbox && store_valid_name(u, mailbox, err) < 0)
		return STORE_DELIVER_NOMAILBOX;
	if (inbox)
		dstr_set(&path, u->inbox);
	else if (u->fmt == STORE_MAILDIR)
		dstr_printf(&path, "%s/.%s", u->root, mailbox);
	else
		dstr_printf(&path, "%s/%s", u->root, mailbox);
	if (u->fmt == STORE_MAILDIR) {
		if (inbox && maildir_ensure(path.s, err) < 0) {
			rc = STORE_DELIVER_TEMPFAIL;
			goto out;
		}
		if (!inbox && !store_exists(u, mailbox)) {
			dstr_printf(err, "mailbox %s does not exist", mailbox);
			rc = STORE_DELIVER_NOMAILBOX;
			goto out;
		}
		if (quota && maildir_user_size(u) + len > quota) {
			dstr_set(err, "mailbox full");
			rc = STORE_DELIVER_QUOTA;
			goto out;
		}
		if (maildir_write(path.s, data, len, 0, 0, 0, NULL, err) < 0)
			rc = STORE_DELIVER_TEMPFAIL;
	} else {
		struct stat st;

		if (!inbox && !store_exists(u, mailbox)) {
			dstr_printf(err, "mailbox %s does not exist", mailbox);
			rc = STORE_DELIVER_NOMAILBOX;
			goto out;
		}
		if (lstat(path.s, &st) == 0) {
			if (!S_ISREG(st.st_mode) || st.st_nlink != 1) {
				dstr_printf(err, "%s: irregular file", path.s);
				rc = STORE_DELIVER_TEMPFAIL;
				goto out;
			}
			if (quota && (uint64_t)st.st_size + len > quota) {
				dstr_set(err, "mailbox full");
				rc = STORE_DELIVER_QUOTA;
				goto out;
			}
		} else if (quota && len > quota) {
			dstr_set(err, "mailbox full");
			rc = STORE_DELIVER_QUOTA;
			goto out;
		}
		if (mbox_write(path.s, from, data, len, 0, 0, NULL, err) < 0)
			rc = STORE_DELIVER_TEMPFAIL;
	}
out:
	dstr_free(&path);
	return rc;
}
