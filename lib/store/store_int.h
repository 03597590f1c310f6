/* store_int: what store.c, index.c, maildir.c, mbox.c and deliver.c
 * share and nobody else sees: the structures behind store.h's handles
 * and the backend entry points. */
#ifndef SW_STORE_INT_H
#define SW_STORE_INT_H
#include <sys/stat.h>
#include "store/store.h"

struct store_user {
	enum store_format fmt;
	char *root;		/* Maildir: ~/Maildir; mbox: ~/mail */
	char *inbox;		/* Maildir: root; mbox: the INBOX file */
	char *indexroot;	/* mbox: where indexes live (root/.imap) */
	char *user;
	char sep;
};

struct store_pending {
	uint32_t uid, flags;
	uint64_t keywords;
};

struct store_mailbox {
	store_user *u;
	char *name;
	char *path;		/* Maildir folder or mbox file */
	int readonly;
	char *idx_path, *cache_path, *lock_path;	/* NULL: memory only */
	int lockfd, lockdepth;
	uint32_t uidvalidity, uidnext, recent_uid;
	struct store_msg *msgs;
	size_t n, cap;
	char *kw[STORE_MAX_KEYWORDS];
	size_t nkw;
	char stamp[192];	/* backend state when last scanned */
	struct stat idx_st;	/* the index file as we last read/wrote it */
	int idx_valid;
	struct store_pending *pend;
	size_t npend, cappend;
	dstr cache_out;		/* cache lines not yet appended */
	int dirty;		/* in-memory index differs from the file */
};

/* index.c */
int index_lock(store_mailbox *mb);
void index_unlock(store_mailbox *mb);
/* index_refresh: reload the index file when another process replaced
 * it (or when never loaded); a missing/corrupt file leaves an empty list
 * with a fresh UIDVALIDITY.  Under the lock. */
void index_refresh(store_mailbox *mb);
int index_save(store_mailbox *mb);
void index_cache_load(store_mailbox *mb);
void index_cache_flush(store_mailbox *mb);
void index_msg_free(struct store_msg *m);
struct store_msg *index_msg_add(store_mailbox *mb);
void index_remove_marked(store_mailbox *mb, const char *gone);

/* backends: scan under the index lock, updating mb->msgs */
int maildir_scan(store_mailbox *mb);
int maildir_read(store_mailbox *mb, size_t i, dstr *out, int header_only);
int maildir_rename_flags(store_mailbox *mb, size_t i, uint32_t flags);
int maildir_unlink(store_mailbox *mb, size_t i);
int maildir_write(const char *folder, const char *data, size_t len, uint32_t flags,
    int64_t idate, int to_cur, dstr *key, dstr *err);
void maildir_flag_suffix(dstr *out, uint32_t flags);
int maildir_ensure(const char *folder, dstr *err);
uint64_t maildir_size(const char *folder);

int mbox_scan(store_mailbox *mb);
int mbox_read(store_mailbox *mb, size_t i, dstr *out, int header_only);
int mbox_compact(store_mailbox *mb, const uint32_t *uids, size_t n,
    void (*fn)(void *ctx, uint32_t uid), void *ctx);
int mbox_write(const char *path, const char *from, const char *data, size_t len,
    int64_t idate, uint32_t flags, uint64_t *offset, dstr *err);
/* mbox_open_locked: open (creating) path and take dot + fcntl locks */
int mbox_open_locked(const char *path, int create, dstr *err);
void mbox_close_locked(const char *path, int fd);

/* helpers */
void store_to_crlf(dstr *out, const char *p, size_t n);
uint64_t store_crlf_size(const char *p, size_t n);
int store_mkdirs(const char *path, mode_t mode);

#endif
