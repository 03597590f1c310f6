/* store: the mailbox store of Sendwell — a user's mailboxes in mbox or
 * Maildir(++) form, each with an index (UIDVALIDITY, UIDNEXT, UIDs,
 * flags, keywords, sizes, dates) and a cache of ENVELOPE/BODYSTRUCTURE
 * texts, rebuilt when missing or corrupt.  Called by mailboxd and
 * mail.local. */

/* Concurrency: every change of an index is a transaction under the
 * mailbox's index lock (fcntl on "sendwell.lock"): reload when another
 * process changed it, apply, write a new index and rename it into place.
 * mbox files are also dot-locked and fcntl-locked (mutt/procmail style)
 * while they are written or compacted.  Maildir delivery needs no lock.
 *
 * Message texts are handed out with CRLF line ends (as IMAP and POP3
 * send them) whatever the disk form; sizes are of that form.  Mailbox
 * names are IMAP names (modified UTF-7); "INBOX" in any case is INBOX. */
#ifndef SW_STORE_STORE_H
#define SW_STORE_STORE_H
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/dstr.h"

enum store_format {
	STORE_MAILDIR = 1,
	STORE_MBOX
};

/* system flags; \Recent is a session matter (store_claim_recent) */
enum {
	STORE_SEEN = 1,
	STORE_ANSWERED = 2,
	STORE_FLAGGED = 4,
	STORE_DELETED = 8,
	STORE_DRAFT = 16
};
#define STORE_MAX_KEYWORDS 64

struct store_msg {
	uint32_t uid;
	uint32_t flags;		/* STORE_SEEN | ... */
	uint64_t keywords;	/* bit i: keyword i of store_keyword() */
	uint64_t size;		/* octets with CRLF line ends (RFC822.SIZE) */
	uint64_t rawsize;	/* octets of the message on disk */
	int64_t internaldate;	/* seconds since the epoch */
	uint64_t offset;	/* mbox: offset of the From_ line */
	uint32_t fromlen;	/* mbox: length of the From_ line with its LF */
	uint32_t hash;		/* mbox: identity of the message */
	char *key;		/* maildir: unique base name */
	char *fname;		/* maildir: "cur/<name>" or "new/<name>" */
	char *envelope;		/* cache: ENVELOPE text or NULL */
	char *bodystructure;	/* cache: BODYSTRUCTURE text or NULL */
	char *body;		/* cache: BODY text or NULL */
};

typedef struct store_user store_user;
typedef struct store_mailbox store_mailbox;

/* store_user_new: the mailboxes of one user.  location is dovecot's
 * mail_location syntax: "maildir:~/Maildir", "mbox:~/mail:INBOX=/var/mail/%u"
 * (also INDEX=dir); %u user, %n local part, %d domain, %h and ~ home.
 * NULL with err when the location cannot be understood. */
store_user *store_user_new(const char *location, const char *user,
    const char *home, dstr *err);
void store_user_free(store_user *u);
enum store_format store_user_format(const store_user *u);
/* hierarchy separator of the user's names: '.' (Maildir++) or '/' (mbox) */
char store_user_separator(const store_user *u);

/* listing: attributes of a name */
enum {
	STORE_LIST_NOSELECT = 1,
	STORE_LIST_HASCHILDREN = 2,
	STORE_LIST_HASNOCHILDREN = 4,
	STORE_LIST_NOINFERIORS = 8
};
/* store_list: every mailbox (INBOX first) and \Noselect parent */
int store_list(store_user *u,
    void (*fn)(void *ctx, const char *name, unsigned attrs), void *ctx);
/* store_valid_name: 0 when name can be a mailbox, -1 with a reason */
int store_valid_name(store_user *u, const char *name, dstr *err);
int store_exists(store_user *u, const char *name);
int store_create(store_user *u, const char *name, dstr *err);
int store_delete(store_user *u, const char *name, dstr *err);
int store_rename(store_user *u, const char *from, const char *to, dstr *err);
int store_subscribe(store_user *u, const char *name, int on, dstr *err);
int store_subscriptions(store_user *u,
    void (*fn)(void *ctx, const char *name), void *ctx);

/* store_open: open and sync a mailbox; readonly sessions never rename or
 * move files (EXAMINE, STATUS).  NULL with err (no such mailbox, ...). */
store_mailbox *store_open(store_user *u, const char *name, int readonly, dstr *err);
/* store_close: commit what is pending, free */
void store_close(store_mailbox *mb);
const char *store_name(const store_mailbox *mb);
/* store_sync: pick up deliveries, expunges and flag changes made by other
 * processes; afterwards the list below is the mailbox now.  0 or -1. */
int store_sync(store_mailbox *mb);
/* store_changed: cheap test whether a sync could find anything new (used
 * by IDLE between syncs) */
int store_changed(store_mailbox *mb);
/* store_watch_paths: up to 2 paths an IDLE session may watch with
 * inotify (the new/ and cur/ folders, or the mbox file) */
int store_watch_paths(const store_mailbox *mb, const char *paths[2]);

size_t store_count(const store_mailbox *mb);
const struct store_msg *store_msg_at(const store_mailbox *mb, size_t i);
/* store_find_uid: index of the message with uid, or -1 */
ssize_t store_find_uid(const store_mailbox *mb, uint32_t uid);
uint32_t store_uidvalidity(const store_mailbox *mb);
uint32_t store_uidnext(const store_mailbox *mb);
/* store_claim_recent: messages with UIDs >= the result are \Recent for
 * the caller (and for no later claimer) */
uint32_t store_claim_recent(store_mailbox *mb);

/* keywords of the mailbox (IMAP atoms), at most STORE_MAX_KEYWORDS */
size_t store_keyword_count(const store_mailbox *mb);
const char *store_keyword(const store_mailbox *mb, size_t i);
/* store_keyword_index: index of name, added when add is set; -1 when
 * unknown (add = 0) or the mailbox has no room */
int store_keyword_index(store_mailbox *mb, const char *name, int add);

/* store_read: the whole message i into out (appended), CRLF line ends;
 * store_read_header: its header only (through the empty line).  0, or -1
 * when the message vanished meanwhile. */
int store_read(store_mailbox *mb, size_t i, dstr *out);
int store_read_header(store_mailbox *mb, size_t i, dstr *out);

/* store_set_flags: new flags and keywords of message i (kept in memory
 * and, for Maildir, in the file name at once); written by store_commit */
int store_set_flags(store_mailbox *mb, size_t i, uint32_t flags, uint64_t keywords);
/* store_cache: remember field 'E' (envelope), 'B' (bodystructure) or
 * 'b' (body) of message i; written by store_commit */
void store_cache(store_mailbox *mb, size_t i, char field, const char *value);
/* store_commit: write pending flag changes and cache entries; 0 or -1 */
int store_commit(store_mailbox *mb);

/* store_expunge: remove the messages flagged \Deleted (only those whose
 * UIDs are in uids[0..n) when uids is not NULL); fn is told each expunged
 * UID.  Number expunged, or -1. */
int store_expunge(store_mailbox *mb, const uint32_t *uids, size_t n,
    void (*fn)(void *ctx, uint32_t uid), void *ctx);
/* store_append: add a message (CRLF or LF line ends) with flags, keywords
 * and internal date (<= 0: now); *uid gets its UID.  0 or -1 with err. */
int store_append(store_mailbox *mb, const char *data, size_t len, uint32_t flags,
    uint64_t keywords, int64_t internaldate, uint32_t *uid, dstr *err);

/* store_status: counts for STATUS without keeping the mailbox open */
struct store_status {
	uint32_t messages, recent, uidnext, uidvalidity, unseen;
};
int store_status(store_user *u, const char *name, struct store_status *st, dstr *err);

/* delivery for mail.local and LMTP: append to a user's mailbox without
 * touching its index (sessions give the message a UID when they next
 * look).  from is the envelope sender for the mbox From_ line; quota is
 * the mailbox size limit in octets (0: none). */
enum store_deliver_result {
	STORE_DELIVER_OK = 0,
	STORE_DELIVER_TEMPFAIL,	/* lock busy, disk full, I/O error */
	STORE_DELIVER_NOMAILBOX,	/* no such folder */
	STORE_DELIVER_QUOTA	/* would exceed quota */
};
int store_deliver(store_user *u, const char *mailbox, const char *from,
    const char *data, size_t len, uint64_t quota, dstr *err);
/* the path of INBOX (mbox file or Maildir folder) */
const char *store_user_inbox(const store_user *u);

#endif
