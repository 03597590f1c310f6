/* imap_mailbox: IMAP commands about mailboxes as wholes: SELECT/EXAMINE,
 * CREATE/DELETE/RENAME, SUBSCRIBE/UNSUBSCRIBE, LIST (with CHILDREN and
 * SPECIAL-USE attributes) / LSUB, STATUS, NAMESPACE, APPEND (UIDPLUS),
 * COPY/MOVE and EXPUNGE.  Called through imap.c's command table. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/mutf7.h"
#include "imap_int.h"

static const char *
mailbox_arg(struct imap *im, const struct imap_arg *a)
{
	const char *s = imap_arg_string(a);

	if (s == NULL || memchr(s, '\0', a->len))
		return NULL;
	return s;
}

static void
store_error(struct imap *im, const dstr *err)
{
	const char *e = dstr_cstr(err);

	imap_tagged(im, "NO", "%s", *e ? e : "Operation failed.");
}

/* ---- SELECT / EXAMINE ---- */

static int
select_common(struct imap *im, struct imap_arg *args, size_t n, int readonly)
{
	const char *name;
	dstr err = DSTR_INIT;
	store_mailbox *mb;
	size_t i, first_unseen = 0;

	if (n < 1 || (name = mailbox_arg(im, &args[0])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (im->mb) {
		store_close(im->mb);
		im->mb = NULL;
		im->state = IMAP_AUTH;
		im->n = 0;
		im->nrecent = 0;
		imap_untagged(im, "OK [CLOSED] Previous mailbox closed.");
	}
	mb = store_open(im->u, name, readonly, &err);
	if (mb == NULL) {
		store_error(im, &err);
		dstr_free(&err);
		return 0;
	}
	im->mb = mb;
	im->readonly = readonly;
	im->state = IMAP_SELECTED;
	im->n = 0;
	im->nrecent = 0;
	im->recent_told = 0;
	im->nkw_told = 0;
	/* the view starts as the whole mailbox */
	for (i = 0; i < store_count(mb); i++) {
		const struct store_msg *m = store_msg_at(mb, i);

		if (im->n == im->cap) {
			im->cap = im->cap ? im->cap * 2 : 256;
			im->uids = xreallocarray(im->uids, im->cap, sizeof(*im->uids));
			im->flags = xreallocarray(im->flags, im->cap, sizeof(*im->flags));
			im->kws = xreallocarray(im->kws, im->cap, sizeof(*im->kws));
		}
		im->uids[im->n] = m->uid;
		im->flags[im->n] = m->flags;
		im->kws[im->n] = m->keywords;
		im->n++;
		if (!first_unseen && !(m->flags & STORE_SEEN))
			first_unseen = i + 1;
	}
	if (!readonly) {
		uint32_t first = store_claim_recent(mb), last = store_uidnext(mb) - 1;

		if (first != UINT32_MAX && first <= last) {
			im->recent = xreallocarray(im->recent, 1, sizeof(*im->recent));
			im->recent[0].lo = first;
			im->recent[0].hi = last;
			im->nrecent = 1;
		}
	}
	{
		dstr d = DSTR_INIT;

		dstr_puts(&d, "FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft");
		for (i = 0; i < store_keyword_count(mb); i++)
			dstr_printf(&d, " %s", store_keyword(mb, i));
		dstr_putc(&d, ')');
		imap_untagged(im, "%s", d.s);
		dstr_clear(&d);
		if (readonly)
			dstr_puts(&d, "OK [PERMANENTFLAGS ()] Read-only mailbox.");
		else {
			dstr_puts(&d, "OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft");
			for (i = 0; i < store_keyword_count(mb); i++)
				dstr_printf(&d, " %s", store_keyword(mb, i));
			dstr_puts(&d, " \\*)] Flags permitted.");
		}
		imap_untagged(im, "%s", d.s);
		dstr_free(&d);
	}
	im->nkw_told = store_keyword_count(mb);
	imap_untagged(im, "%zu EXISTS", im->n);
	for (i = 0; i < im->n; i++)
		if (imap_is_recent(im, im->uids[i]))
			im->recent_told++;
	imap_untagged(im, "%zu RECENT", im->recent_told);
	if (first_unseen)
		imap_untagged(im, "OK [UNSEEN %zu] First unseen.", first_unseen);
	imap_untagged(im, "OK [UIDVALIDITY %u] UIDs valid", store_uidvalidity(mb));
	imap_untagged(im, "OK [UIDNEXT %u] Predicted next UID", store_uidnext(mb));
	imap_tagged(im, "OK", "[%s] %s completed.", readonly ? "READ-ONLY" : "READ-WRITE",
	    readonly ? "Examine" : "Select");
	dstr_free(&err);
	return 0;
}

int
imap_cmd_select(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return select_common(im, args, n, 0);
}

int
imap_cmd_examine(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return select_common(im, args, n, 1);
}

/* ---- CREATE / DELETE / RENAME / SUBSCRIBE ---- */

int
imap_cmd_create(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *name;
	dstr err = DSTR_INIT;

	if (n != 1 || (name = mailbox_arg(im, &args[0])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (store_create(im->u, name, &err) < 0)
		store_error(im, &err);
	else
		imap_tagged(im, "OK", "Create completed.");
	dstr_free(&err);
	return 0;
}

int
imap_cmd_delete(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *name;
	dstr err = DSTR_INIT;

	if (n != 1 || (name = mailbox_arg(im, &args[0])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (im->mb && strcmp(store_name(im->mb), name) == 0) {
		imap_tagged(im, "NO", "Can't delete the selected mailbox.");
		return 0;
	}
	if (store_delete(im->u, name, &err) < 0)
		store_error(im, &err);
	else
		imap_tagged(im, "OK", "Delete completed.");
	dstr_free(&err);
	return 0;
}

int
imap_cmd_rename(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *from, *to;
	dstr err = DSTR_INIT;

	if (n != 2 || (from = mailbox_arg(im, &args[0])) == NULL ||
	    (to = mailbox_arg(im, &args[1])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (store_rename(im->u, from, to, &err) < 0)
		store_error(im, &err);
	else
		imap_tagged(im, "OK", "Rename completed.");
	dstr_free(&err);
	return 0;
}

static int
subscribe(struct imap *im, struct imap_arg *args, size_t n, int on)
{
	const char *name;
	dstr err = DSTR_INIT;

	if (n != 1 || (name = mailbox_arg(im, &args[0])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (store_subscribe(im->u, name, on, &err) < 0)
		store_error(im, &err);
	else
		imap_tagged(im, "OK", "%s completed.", on ? "Subscribe" : "Unsubscribe");
	dstr_free(&err);
	return 0;
}

int
imap_cmd_subscribe(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return subscribe(im, args, n, 1);
}

int
imap_cmd_unsubscribe(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return subscribe(im, args, n, 0);
}

int
imap_cmd_namespace(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	char sep = store_user_separator(im->u);

	imap_untagged(im, "NAMESPACE ((\"\" \"%s%c\")) NIL NIL", sep == '\\' ? "\\" : "", sep);
	imap_tagged(im, "OK", "Namespace completed.");
	return 0;
}

/* ---- LIST / LSUB ---- */

/* match: IMAP list wildcards, '*' anything, '%' anything but sep.
 * Dynamic programming keeps hostile patterns linear-times-linear. */
static int
match(const char *pat, const char *name, char sep)
{
	size_t pl = strlen(pat), nl = strlen(name), i, j;
	unsigned char *prev, *cur;
	int r;

	prev = xcalloc(nl + 1, 1);
	cur = xcalloc(nl + 1, 1);
	prev[0] = 1;
	for (j = 1; j <= nl; j++)
		prev[j] = 0;
	for (i = 1; i <= pl; i++) {
		char c = pat[i - 1];

		cur[0] = prev[0] && (c == '*' || c == '%');
		for (j = 1; j <= nl; j++) {
			if (c == '*')
				cur[j] = prev[j] || cur[j - 1];
			else if (c == '%')
				cur[j] = prev[j] || (cur[j - 1] && name[j - 1] != sep);
			else
				cur[j] = prev[j - 1] && c == name[j - 1];
		}
		memcpy(prev, cur, nl + 1);
	}
	r = prev[nl];
	free(prev);
	free(cur);
	return r;
}

static int
match_name(const char *pat, const char *name, char sep)
{
	if (strcasecmp(name, "INBOX") == 0 || strncasecmp(name, "INBOX", 5) == 0) {
		/* INBOX is case-insensitive: compare an upper-cased INBOX prefix */
		char *p = xstrdup(pat);
		int r;

		if (strncasecmp(p, "INBOX", 5) == 0)
			memcpy(p, "INBOX", 5);
		r = match(p, name, sep);
		free(p);
		return r;
	}
	return match(pat, name, sep);
}

struct list_ctx {
	struct imap *im;
	const char *pattern;
	const char *verb;
	int special_only;
	int lsub;
};

static const char *
special_use(struct imap *im, const char *name)
{
	const struct mbconf *c = im->ss->conf;

	if (c->special_sent && strcmp(name, c->special_sent) == 0)
		return "\\Sent";
	if (c->special_drafts && strcmp(name, c->special_drafts) == 0)
		return "\\Drafts";
	if (c->special_trash && strcmp(name, c->special_trash) == 0)
		return "\\Trash";
	if (c->special_junk && strcmp(name, c->special_junk) == 0)
		return "\\Junk";
	if (c->special_archive && strcmp(name, c->special_archive) == 0)
		return "\\Archive";
	return NULL;
}

static void
list_one(void *vctx, const char *name, unsigned attrs)
{
	struct list_ctx *lc = vctx;
	struct imap *im = lc->im;
	char sep = store_user_separator(im->u);
	const char *su = special_use(im, name);
	dstr d = DSTR_INIT;
	int first = 1;

	if (!match_name(lc->pattern, name, sep) || (lc->special_only && su == NULL))
		return;
	dstr_printf(&d, "%s (", lc->verb);
#define ATTR(s) do { if (!first) dstr_putc(&d, ' '); dstr_puts(&d, s); first = 0; } while (0)
	if (attrs & STORE_LIST_NOSELECT)
		ATTR("\\Noselect");
	if (attrs & STORE_LIST_HASCHILDREN)
		ATTR("\\HasChildren");
	if (attrs & STORE_LIST_HASNOCHILDREN)
		ATTR("\\HasNoChildren");
	if (su)
		ATTR(su);
#undef ATTR
	dstr_printf(&d, ") \"%s%c\" ", sep == '\\' ? "\\" : "", sep);
	imap_quote(&d, name);
	imap_untagged(im, "%s", d.s);
	dstr_free(&d);
}

static void
lsub_one(void *vctx, const char *name)
{
	struct list_ctx *lc = vctx;

	list_one(vctx, name, store_exists(lc->im->u, name) ? 0 : STORE_LIST_NOSELECT);
}

static int
list_common(struct imap *im, struct imap_arg *args, size_t n, int lsub)
{
	struct list_ctx lc;
	const char *ref, *pat;
	dstr full = DSTR_INIT;
	size_t i = 0;

	memset(&lc, 0, sizeof(lc));
	lc.im = im;
	lc.verb = lsub ? "LSUB" : "LIST";
	if (!lsub && n > 0 && args[0].type == IMAP_ARG_LIST) {
		size_t k;

		for (k = 0; k < args[0].n; k++)
			if (imap_arg_is(&args[0].list[k], "SPECIAL-USE"))
				lc.special_only = 1;
		i = 1;
	}
	if (n < i + 2 || (ref = imap_arg_string(&args[i])) == NULL ||
	    ((pat = imap_arg_string(&args[i + 1])) == NULL && args[i + 1].type != IMAP_ARG_LIST)) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (pat == NULL) {
		/* LIST-EXTENDED pattern lists: take the first */
		pat = args[i + 1].n ? imap_arg_string(&args[i + 1].list[0]) : "";
		if (pat == NULL)
			pat = "";
	}
	if (*pat == '\0' && !lsub) {
		char sep = store_user_separator(im->u);

		imap_untagged(im, "LIST (\\Noselect) \"%s%c\" \"\"", sep == '\\' ? "\\" : "", sep);
		imap_tagged(im, "OK", "List completed.");
		return 0;
	}
	dstr_printf(&full, "%s%s", ref, pat);
	lc.pattern = full.s;
	if (lsub)
		(void)store_subscriptions(im->u, lsub_one, &lc);
	else
		(void)store_list(im->u, list_one, &lc);
	imap_tagged(im, "OK", "%s completed.", lsub ? "Lsub" : "List");
	dstr_free(&full);
	return 0;
}

int
imap_cmd_list(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return list_common(im, args, n, 0);
}

int
imap_cmd_lsub(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return list_common(im, args, n, 1);
}

/* ---- STATUS ---- */

int
imap_cmd_status(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *name;
	struct store_status st;
	dstr err = DSTR_INIT, d = DSTR_INIT;
	size_t i;

	if (n != 2 || (name = mailbox_arg(im, &args[0])) == NULL || args[1].type != IMAP_ARG_LIST) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	for (i = 0; i < args[1].n; i++) {
		const struct imap_arg *a = &args[1].list[i];

		if (!imap_arg_is(a, "MESSAGES") && !imap_arg_is(a, "RECENT") &&
		    !imap_arg_is(a, "UIDNEXT") && !imap_arg_is(a, "UIDVALIDITY") &&
		    !imap_arg_is(a, "UNSEEN")) {
			imap_tagged(im, "BAD", "Invalid status item.");
			return 0;
		}
	}
	if (im->mb && strcmp(store_name(im->mb), name) == 0)
		(void)store_commit(im->mb);
	if (store_status(im->u, name, &st, &err) < 0) {
		store_error(im, &err);
		dstr_free(&err);
		return 0;
	}
	dstr_puts(&d, "STATUS ");
	imap_quote(&d, name);
	dstr_puts(&d, " (");
	for (i = 0; i < args[1].n; i++) {
		const struct imap_arg *a = &args[1].list[i];

		if (i)
			dstr_putc(&d, ' ');
		if (imap_arg_is(a, "MESSAGES"))
			dstr_printf(&d, "MESSAGES %u", st.messages);
		else if (imap_arg_is(a, "RECENT"))
			dstr_printf(&d, "RECENT %u", st.recent);
		else if (imap_arg_is(a, "UIDNEXT"))
			dstr_printf(&d, "UIDNEXT %u", st.uidnext);
		else if (imap_arg_is(a, "UIDVALIDITY"))
			dstr_printf(&d, "UIDVALIDITY %u", st.uidvalidity);
		else
			dstr_printf(&d, "UNSEEN %u", st.unseen);
	}
	dstr_putc(&d, ')');
	imap_untagged(im, "%s", d.s);
	imap_tagged(im, "OK", "Status completed.");
	dstr_free(&d);
	dstr_free(&err);
	return 0;
}

/* ---- APPEND ---- */

int
imap_cmd_append(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *name;
	size_t i = 1;
	uint32_t flags = 0, newuid = 0;
	uint64_t kw = 0;
	int64_t date = 0;
	dstr err = DSTR_INIT;
	store_mailbox *mb, *own = NULL;
	const struct imap_arg *msg;

	if (n < 2 || (name = mailbox_arg(im, &args[0])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (im->mb && strcmp(store_name(im->mb), strcasecmp(name, "INBOX") == 0 ? "INBOX" : name) == 0 &&
	    !im->readonly)
		mb = im->mb;
	else {
		if (!store_exists(im->u, name)) {
			if (store_valid_name(im->u, name, &err) < 0)
				store_error(im, &err);
			else
				imap_tagged(im, "NO", "[TRYCREATE] Mailbox doesn't exist: %s", name);
			dstr_free(&err);
			return 0;
		}
		mb = own = store_open(im->u, name, 0, &err);
		if (mb == NULL) {
			store_error(im, &err);
			dstr_free(&err);
			return 0;
		}
	}
	if (i < n && args[i].type == IMAP_ARG_LIST) {
		int r = imap_parse_flags(im, args[i].list, args[i].n, &flags, &kw, 0);

		if (r == 0 && own) {
			/* keywords belong to the target mailbox */
			store_mailbox *save = im->mb;

			im->mb = own;
			r = imap_parse_flags(im, args[i].list, args[i].n, &flags, &kw, 1);
			im->mb = save;
		} else if (r == 0)
			r = imap_parse_flags(im, args[i].list, args[i].n, &flags, &kw, 1);
		if (r < 0) {
			imap_tagged(im, "BAD", "Invalid flags.");
			goto out;
		}
		i++;
	}
	if (i + 1 < n && args[i].type == IMAP_ARG_QUOTED) {
		date = imap_parse_date_time(args[i].s);
		if (date < 0) {
			imap_tagged(im, "BAD", "Invalid date-time.");
			goto out;
		}
		i++;
	}
	if (i + 1 != n || (args[i].type != IMAP_ARG_LITERAL && args[i].type != IMAP_ARG_QUOTED)) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		goto out;
	}
	msg = &args[i];
	if (msg->len > im->ss->conf->max_message_size) {
		imap_tagged(im, "NO", "[TOOBIG] Message too large.");
		goto out;
	}
	if (store_append(mb, msg->s, msg->len, flags, kw, date, &newuid, &err) < 0) {
		msg_warn("imap(%s): append to %s failed: %s", im->ss->mu ? im->ss->mu->name : "?", name,
		    dstr_cstr(&err));
		imap_tagged(im, "NO", "[SERVERBUG] Append failed.");
		goto out;
	}
	if (mb == im->mb)
		imap_updates(im, 0);
	imap_tagged(im, "OK", "[APPENDUID %u %u] Append completed.", store_uidvalidity(mb), newuid);
out:
	if (own)
		store_close(own);
	dstr_free(&err);
	return 0;
}

/* ---- COPY / MOVE / EXPUNGE ---- */

static void
uid_ranges(dstr *out, const uint32_t *u, size_t n)
{
	size_t i = 0;

	while (i < n) {
		size_t j = i;

		while (j + 1 < n && u[j + 1] == u[j] + 1)
			j++;
		if (out->len)
			dstr_putc(out, ',');
		if (j == i)
			dstr_printf(out, "%u", u[i]);
		else
			dstr_printf(out, "%u:%u", u[i], u[j]);
		i = j + 1;
	}
}

struct expunged {
	uint32_t *uids;
	size_t n;
};

static void
note_expunged(void *ctx, uint32_t uid)
{
	struct expunged *e = ctx;

	e->uids = xreallocarray(e->uids, e->n + 1, sizeof(uint32_t));
	e->uids[e->n++] = uid;
}

/* report_expunged: EXPUNGE responses for UIDs (ascending) leaving the view */
static void
report_expunged(struct imap *im, const struct expunged *e)
{
	size_t k, i = 0;

	for (k = 0; k < e->n; k++) {
		while (i < im->n && im->uids[i] < e->uids[k])
			i++;
		if (i < im->n && im->uids[i] == e->uids[k]) {
			imap_untagged(im, "%zu EXPUNGE", i + 1);
			imap_view_remove(im, i);
		}
	}
}

static int
copy_common(struct imap *im, struct imap_arg *args, size_t n, int uid, int move)
{
	const char *set, *name;
	size_t *idx = NULL, cnt = 0, i;
	dstr err = DSTR_INIT, src = DSTR_INIT, dst = DSTR_INIT;
	store_mailbox *to = NULL;
	uint32_t *srcu = NULL, *dstu = NULL;
	size_t ncopied = 0;
	int r, same;

	if (n != 2 || (set = imap_arg_string(&args[0])) == NULL ||
	    (name = mailbox_arg(im, &args[1])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	r = imap_seqset(im, set, uid, &idx, &cnt);
	if (r < 0) {
		imap_tagged(im, "BAD", r == -2 ? "Invalid messageset" : "Invalid message set.");
		return 0;
	}
	if (move && im->readonly) {
		imap_tagged(im, "NO", "Mailbox is read-only.");
		free(idx);
		return 0;
	}
	if (!store_exists(im->u, name)) {
		if (store_valid_name(im->u, name, &err) < 0)
			store_error(im, &err);
		else
			imap_tagged(im, "NO", "[TRYCREATE] Mailbox doesn't exist: %s", name);
		goto out;
	}
	same = strcmp(store_name(im->mb), strcasecmp(name, "INBOX") == 0 ? "INBOX" : name) == 0;
	to = same ? im->mb : store_open(im->u, name, 0, &err);
	if (to == NULL) {
		store_error(im, &err);
		goto out;
	}
	srcu = xcalloc(cnt + 1, sizeof(uint32_t));
	dstu = xcalloc(cnt + 1, sizeof(uint32_t));
	for (i = 0; i < cnt; i++) {
		ssize_t k = imap_store_index(im, idx[i]);
		const struct store_msg *m;
		dstr data = DSTR_INIT;
		uint64_t kw = 0;
		size_t b;
		uint32_t nu;

		if (k < 0)
			continue;
		m = store_msg_at(im->mb, (size_t)k);
		for (b = 0; b < store_keyword_count(im->mb); b++) {
			int t;

			if (!(m->keywords & (1ull << b)))
				continue;
			t = store_keyword_index(to, store_keyword(im->mb, b), 1);
			if (t >= 0)
				kw |= 1ull << t;
		}
		{
			uint32_t fl = m->flags, u0 = m->uid;
			int64_t idate = m->internaldate;

			if (store_read(im->mb, (size_t)k, &data) < 0 ||
			    store_append(to, data.s ? data.s : "", data.len, fl, kw, idate, &nu, &err) < 0) {
				dstr_free(&data);
				imap_tagged(im, "NO", "[SERVERBUG] Copy failed.");
				goto out;
			}
			srcu[ncopied] = u0;
			dstu[ncopied] = nu;
			ncopied++;
		}
		dstr_free(&data);
	}
	uid_ranges(&src, srcu, ncopied);
	uid_ranges(&dst, dstu, ncopied);
	if (move) {
		struct expunged e = { NULL, 0 };

		for (i = 0; i < ncopied; i++) {
			ssize_t k = store_find_uid(im->mb, srcu[i]);

			if (k >= 0) {
				const struct store_msg *m = store_msg_at(im->mb, (size_t)k);

				(void)store_set_flags(im->mb, (size_t)k, m->flags | STORE_DELETED, m->keywords);
			}
		}
		if (ncopied)
			imap_untagged(im, "OK [COPYUID %u %s %s] Moved UIDs.", store_uidvalidity(to), src.s, dst.s);
		(void)store_expunge(im->mb, srcu, ncopied, note_expunged, &e);
		report_expunged(im, &e);
		free(e.uids);
		if (same)
			imap_updates(im, 1);
		imap_tagged(im, "OK", "Move completed.");
	} else {
		if (same)
			imap_updates(im, 0);
		if (ncopied)
			imap_tagged(im, "OK", "[COPYUID %u %s %s] Copy completed.", store_uidvalidity(to), src.s, dst.s);
		else
			imap_tagged(im, "OK", "No messages found.");
	}
out:
	if (to && to != im->mb)
		store_close(to);
	free(idx);
	free(srcu);
	free(dstu);
	dstr_free(&err);
	dstr_free(&src);
	dstr_free(&dst);
	return 0;
}

int
imap_cmd_copy(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return copy_common(im, args, n, uid, 0);
}

int
imap_cmd_move(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	return copy_common(im, args, n, uid, 1);
}

int
imap_cmd_expunge(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	struct expunged e = { NULL, 0 };
	uint32_t *only = NULL;
	size_t nonly = 0;

	if (im->readonly) {
		imap_tagged(im, "NO", "Mailbox is read-only.");
		return 0;
	}
	if (uid) {
		size_t *idx = NULL, cnt = 0, i;
		const char *set;

		if (n != 1 || (set = imap_arg_string(&args[0])) == NULL ||
		    imap_seqset(im, set, 1, &idx, &cnt) < 0) {
			imap_tagged(im, "BAD", "Invalid arguments.");
			return 0;
		}
		only = xcalloc(cnt + 1, sizeof(uint32_t));
		for (i = 0; i < cnt; i++)
			only[i] = im->uids[idx[i]];
		nonly = cnt;
		free(idx);
	} else if (n != 0) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	(void)store_commit(im->mb);
	if (uid && nonly == 0) {
		free(only);
		imap_tagged(im, "OK", "Expunge completed.");
		return 0;
	}
	if (store_expunge(im->mb, uid ? only : NULL, nonly, note_expunged, &e) < 0) {
		imap_tagged(im, "NO", "[SERVERBUG] Expunge failed.");
		free(only);
		free(e.uids);
		return 0;
	}
	report_expunged(im, &e);
	imap_updates(im, 1);
	imap_tagged(im, "OK", "Expunge completed.");
	free(only);
	free(e.uids);
	return 0;
}
