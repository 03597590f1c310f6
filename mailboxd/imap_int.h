/* imap_int: the IMAP session record and what imap.c, imap_fetch.c,
 * imap_search.c and imap_mailbox.c share.  Not used outside the IMAP
 * engine. */
#ifndef SW_IMAP_INT_H
#define SW_IMAP_INT_H
#include <stdint.h>
#include "base/pool.h"
#include "store/store.h"
#include "mailboxd.h"
#include "imap_parse.h"

enum imap_state {
	IMAP_NOTAUTH = 1,
	IMAP_AUTH = 2,
	IMAP_SELECTED = 4,
	IMAP_LOGOUT = 8
};

struct recent_range {
	uint32_t lo, hi;
};

struct imap {
	struct session *ss;
	stream *s;
	enum imap_state state;
	store_user *u;
	store_mailbox *mb;
	int readonly;
	/* the client's view of the selected mailbox, by sequence number */
	uint32_t *uids;
	uint32_t *flags;	/* flags as last told to the client */
	uint64_t *kws;
	size_t n, cap;
	size_t nkw_told;	/* keywords announced in FLAGS */
	size_t recent_told;
	struct recent_range *recent;
	size_t nrecent;
	pool *cmdpool;
	const char *tag;
	int logged_in;		/* pre-login: a LOGIN/AUTHENTICATE succeeded */
};

/* imap.c */
void imap_tagged(struct imap *im, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void imap_untagged(struct imap *im, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void imap_quote(dstr *out, const char *s);
void imap_flags_text(struct imap *im, dstr *out, uint32_t flags, uint64_t kw, uint32_t uid);
int imap_is_recent(const struct imap *im, uint32_t uid);
/* imap_updates: sync and tell the client about changes (EXPUNGE only when
 * allowed) */
void imap_updates(struct imap *im, int allow_expunge);
/* imap_view_remove: drop sequence i from the view */
void imap_view_remove(struct imap *im, size_t i);
/* store index of the view's message i, -1 when it vanished */
ssize_t imap_store_index(struct imap *im, size_t i);

/* sequence sets: the view indexes (0-based) a set names, sorted */
int imap_seqset(struct imap *im, const char *set, int uid, size_t **out, size_t *n);
/* dates */
void imap_date_time(dstr *out, int64_t t);
int64_t imap_parse_date_time(const char *s);
int64_t imap_parse_date(const char *s);
int imap_parse_flags(struct imap *im, const struct imap_arg *a, size_t n, uint32_t *flags,
    uint64_t *kw, int add_keywords);

/* command handlers: args after the command name; uid for UID variants */
typedef int (*imap_handler)(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_fetch(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_store(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_search(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_copy(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_move(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_expunge(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_list(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_lsub(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_create(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_delete(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_rename(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_subscribe(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_unsubscribe(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_status(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_append(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_select(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_examine(struct imap *im, struct imap_arg *args, size_t n, int uid);
int imap_cmd_namespace(struct imap *im, struct imap_arg *args, size_t n, int uid);

#endif
