/* imap_search: SEARCH and UID SEARCH with every RFC 3501 key, parsed into
 * a tree and evaluated per message, reading the header or the whole
 * message only when a key needs it.  Text keys match case-insensitively
 * as substrings; header keys also match RFC 2047-decoded values.  Called
 * through imap.c's command table. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/xalloc.h"
#include "store/mime.h"
#include "imap_int.h"

enum key {
	K_ALL, K_ANSWERED, K_BCC, K_BEFORE, K_BODY, K_CC, K_DELETED, K_DRAFT, K_FLAGGED,
	K_FROM, K_HEADER, K_KEYWORD, K_LARGER, K_NEW, K_NOT, K_OLD, K_ON, K_OR, K_RECENT,
	K_SEEN, K_SENTBEFORE, K_SENTON, K_SENTSINCE, K_SINCE, K_SMALLER, K_SUBJECT, K_TEXT,
	K_TO, K_UID, K_UNANSWERED, K_UNDELETED, K_UNDRAFT, K_UNFLAGGED, K_UNKEYWORD,
	K_UNSEEN, K_SET, K_AND
};

struct node {
	enum key k;
	const char *s, *field;
	uint64_t num;
	int64_t day;
	char *inset;		/* K_SET / K_UID: view indexes that match */
	struct node *a, *b;	/* NOT/OR children; AND list via next */
	struct node *kids;
	struct node *next;
};

static const struct {
	const char *name;
	enum key k;
	int arg;		/* 0 none, 1 string, 2 date, 3 number, 4 set, 5 header, 6 atom */
} keys[] = {
	{ "ALL", K_ALL, 0 }, { "ANSWERED", K_ANSWERED, 0 }, { "BCC", K_BCC, 1 },
	{ "BEFORE", K_BEFORE, 2 }, { "BODY", K_BODY, 1 }, { "CC", K_CC, 1 },
	{ "DELETED", K_DELETED, 0 }, { "DRAFT", K_DRAFT, 0 }, { "FLAGGED", K_FLAGGED, 0 },
	{ "FROM", K_FROM, 1 }, { "HEADER", K_HEADER, 5 }, { "KEYWORD", K_KEYWORD, 6 },
	{ "LARGER", K_LARGER, 3 }, { "NEW", K_NEW, 0 }, { "NOT", K_NOT, 0 }, { "OLD", K_OLD, 0 },
	{ "ON", K_ON, 2 }, { "OR", K_OR, 0 }, { "RECENT", K_RECENT, 0 }, { "SEEN", K_SEEN, 0 },
	{ "SENTBEFORE", K_SENTBEFORE, 2 }, { "SENTON", K_SENTON, 2 },
	{ "SENTSINCE", K_SENTSINCE, 2 }, { "SINCE", K_SINCE, 2 }, { "SMALLER", K_SMALLER, 3 },
	{ "SUBJECT", K_SUBJECT, 1 }, { "TEXT", K_TEXT, 1 }, { "TO", K_TO, 1 }, { "UID", K_UID, 4 },
	{ "UNANSWERED", K_UNANSWERED, 0 }, { "UNDELETED", K_UNDELETED, 0 },
	{ "UNDRAFT", K_UNDRAFT, 0 }, { "UNFLAGGED", K_UNFLAGGED, 0 },
	{ "UNKEYWORD", K_UNKEYWORD, 6 }, { "UNSEEN", K_UNSEEN, 0 },
};

struct parse {
	struct imap *im;
	pool *p;
	struct imap_arg *args;
	size_t n, pos;
	int depth;
	const char *err;
};

static struct node *parse_key(struct parse *ps);

static char *
set_bitmap(struct parse *ps, const char *set, int uid)
{
	size_t *idx = NULL, cnt = 0, i;
	char *bm = pool_alloc(ps->p, ps->im->n + 1);

	if (imap_seqset(ps->im, set, uid, &idx, &cnt) < 0) {
		ps->err = "Invalid message set";
		return NULL;
	}
	for (i = 0; i < cnt; i++)
		bm[idx[i]] = 1;
	free(idx);
	return bm;
}

static struct node *
parse_key(struct parse *ps)
{
	struct imap_arg *a;
	struct node *nd;
	size_t i;

	if (ps->pos >= ps->n) {
		ps->err = "Missing search key";
		return NULL;
	}
	if (++ps->depth > 64) {
		ps->err = "Search too deeply nested";
		return NULL;
	}
	a = &ps->args[ps->pos++];
	nd = pool_alloc(ps->p, sizeof(*nd));
	if (a->type == IMAP_ARG_LIST) {
		struct parse sub = *ps;
		struct node **tail = &nd->kids;

		sub.args = a->list;
		sub.n = a->n;
		sub.pos = 0;
		nd->k = K_AND;
		if (a->n == 0) {
			ps->err = "Empty search list";
			return NULL;
		}
		while (sub.pos < sub.n) {
			struct node *c = parse_key(&sub);

			if (c == NULL) {
				ps->err = sub.err;
				return NULL;
			}
			*tail = c;
			tail = &c->next;
		}
		ps->depth--;
		return nd;
	}
	if (a->type != IMAP_ARG_ATOM) {
		ps->err = "Unknown search key";
		return NULL;
	}
	if (isdigit((unsigned char)a->s[0]) || a->s[0] == '*') {
		nd->k = K_SET;
		nd->inset = set_bitmap(ps, a->s, 0);
		ps->depth--;
		return nd->inset ? nd : NULL;
	}
	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcasecmp(a->s, keys[i].name) == 0)
			break;
	if (i == sizeof(keys) / sizeof(keys[0])) {
		ps->err = "Unknown search key";
		return NULL;
	}
	nd->k = keys[i].k;
	if (nd->k == K_NOT) {
		if ((nd->a = parse_key(ps)) == NULL)
			return NULL;
	} else if (nd->k == K_OR) {
		if ((nd->a = parse_key(ps)) == NULL || (nd->b = parse_key(ps)) == NULL)
			return NULL;
	} else if (keys[i].arg) {
		const char *v;

		if (ps->pos >= ps->n || (v = imap_arg_string(&ps->args[ps->pos])) == NULL) {
			ps->err = "Missing search argument";
			return NULL;
		}
		ps->pos++;
		switch (keys[i].arg) {
		case 1:
		case 6:
			nd->s = v;
			break;
		case 2:
			if ((nd->day = imap_parse_date(v)) < 0) {
				ps->err = "Invalid search date";
				return NULL;
			}
			nd->day /= 86400;
			break;
		case 3: {
			char *e;

			nd->num = strtoull(v, &e, 10);
			if (e == v || *e) {
				ps->err = "Invalid search number";
				return NULL;
			}
			break;
		}
		case 4:
			if ((nd->inset = set_bitmap(ps, v, 1)) == NULL)
				return NULL;
			break;
		case 5:
			nd->field = v;
			if (ps->pos >= ps->n || (nd->s = imap_arg_string(&ps->args[ps->pos])) == NULL) {
				ps->err = "Missing search argument";
				return NULL;
			}
			ps->pos++;
			break;
		}
	}
	ps->depth--;
	return nd;
}

/* ---- evaluation ---- */

struct msgctx {
	struct imap *im;
	size_t vi;
	ssize_t k;
	const struct store_msg *m;
	dstr hdr, full;
	int have_hdr, have_full;
};

static const char *
memcase(const char *hay, size_t hl, const char *needle)
{
	size_t nl = strlen(needle), i;

	if (nl == 0)
		return hay;
	for (i = 0; i + nl <= hl; i++)
		if (strncasecmp(hay + i, needle, nl) == 0)
			return hay + i;
	return NULL;
}

static int
load_hdr(struct msgctx *mc)
{
	if (mc->have_hdr)
		return 0;
	mc->have_hdr = 1;
	if (mc->have_full) {
		dstr_append(&mc->hdr, mc->full.s, mime_header_end(mc->full.s, mc->full.len));
		return 0;
	}
	return store_read_header(mc->im->mb, (size_t)mc->k, &mc->hdr);
}

static int
load_full(struct msgctx *mc)
{
	if (mc->have_full)
		return 0;
	mc->have_full = 1;
	return store_read(mc->im->mb, (size_t)mc->k, &mc->full);
}

static int
header_match(struct msgctx *mc, const char *field, const char *s)
{
	dstr v = DSTR_INIT, dec = DSTR_INIT;
	int r;

	if (load_hdr(mc) < 0)
		return 0;
	if (!mime_header_get(mc->hdr.s ? mc->hdr.s : "", mc->hdr.len, field, &v)) {
		dstr_free(&v);
		return 0;
	}
	r = memcase(v.s, v.len, s) != NULL;
	if (!r) {
		mime_decode_words(&dec, v.s, v.len);
		r = memcase(dec.s ? dec.s : "", dec.len, s) != NULL;
	}
	dstr_free(&v);
	dstr_free(&dec);
	return r;
}

static int64_t
local_day(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return ((int64_t)timegm(&tm)) / 86400;
}

static int64_t
sent_day(struct msgctx *mc)
{
	dstr v = DSTR_INIT;
	long long t;
	int off = 0;

	if (load_hdr(mc) < 0 || !mime_header_get(mc->hdr.s ? mc->hdr.s : "", mc->hdr.len, "Date", &v)) {
		dstr_free(&v);
		return local_day(mc->m->internaldate);
	}
	t = mime_parse_date(v.s, &off);
	dstr_free(&v);
	if (t < 0)
		return local_day(mc->m->internaldate);
	return (t + off * 60) / 86400;
}

static int
keyword_set(struct msgctx *mc, const char *kw)
{
	int i = store_keyword_index(mc->im->mb, kw, 0);

	return i >= 0 && (mc->m->keywords & (1ull << i));
}

static int
eval(struct msgctx *mc, const struct node *nd)
{
	uint32_t f = mc->m->flags;
	const struct node *c;

	switch (nd->k) {
	case K_ALL: return 1;
	case K_AND:
		for (c = nd->kids; c; c = c->next)
			if (!eval(mc, c))
				return 0;
		return 1;
	case K_ANSWERED: return (f & STORE_ANSWERED) != 0;
	case K_UNANSWERED: return !(f & STORE_ANSWERED);
	case K_DELETED: return (f & STORE_DELETED) != 0;
	case K_UNDELETED: return !(f & STORE_DELETED);
	case K_DRAFT: return (f & STORE_DRAFT) != 0;
	case K_UNDRAFT: return !(f & STORE_DRAFT);
	case K_FLAGGED: return (f & STORE_FLAGGED) != 0;
	case K_UNFLAGGED: return !(f & STORE_FLAGGED);
	case K_SEEN: return (f & STORE_SEEN) != 0;
	case K_UNSEEN: return !(f & STORE_SEEN);
	case K_RECENT: return imap_is_recent(mc->im, mc->m->uid);
	case K_OLD: return !imap_is_recent(mc->im, mc->m->uid);
	case K_NEW: return imap_is_recent(mc->im, mc->m->uid) && !(f & STORE_SEEN);
	case K_KEYWORD: return keyword_set(mc, nd->s);
	case K_UNKEYWORD: return !keyword_set(mc, nd->s);
	case K_LARGER: return mc->m->size > nd->num;
	case K_SMALLER: return mc->m->size < nd->num;
	case K_NOT: return !eval(mc, nd->a);
	case K_OR: return eval(mc, nd->a) || eval(mc, nd->b);
	case K_SET:
	case K_UID: return nd->inset[mc->vi] != 0;
	case K_BEFORE: return local_day(mc->m->internaldate) < nd->day;
	case K_ON: return local_day(mc->m->internaldate) == nd->day;
	case K_SINCE: return local_day(mc->m->internaldate) >= nd->day;
	case K_SENTBEFORE: return sent_day(mc) < nd->day;
	case K_SENTON: return sent_day(mc) == nd->day;
	case K_SENTSINCE: return sent_day(mc) >= nd->day;
	case K_FROM: return header_match(mc, "From", nd->s);
	case K_TO: return header_match(mc, "To", nd->s);
	case K_CC: return header_match(mc, "Cc", nd->s);
	case K_BCC: return header_match(mc, "Bcc", nd->s);
	case K_SUBJECT: return header_match(mc, "Subject", nd->s);
	case K_HEADER:
		if (nd->s[0] == '\0') {
			dstr v = DSTR_INIT;
			int r;

			if (load_hdr(mc) < 0)
				return 0;
			r = mime_header_get(mc->hdr.s ? mc->hdr.s : "", mc->hdr.len, nd->field, &v);
			dstr_free(&v);
			return r;
		}
		return header_match(mc, nd->field, nd->s);
	case K_BODY:
	case K_TEXT: {
		size_t off;

		if (load_full(mc) < 0 || mc->full.s == NULL)
			return 0;
		off = nd->k == K_BODY ? mime_header_end(mc->full.s, mc->full.len) : 0;
		return memcase(mc->full.s + off, mc->full.len - off, nd->s) != NULL;
	}
	}
	return 0;
}

int
imap_cmd_search(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	struct parse ps;
	struct node *root, **tail;
	dstr out = DSTR_INIT;
	size_t i;
	pool *pl = pool_new();

	memset(&ps, 0, sizeof(ps));
	ps.im = im;
	ps.p = pl;
	ps.args = args;
	ps.n = n;
	if (n >= 2 && imap_arg_is(&args[0], "CHARSET")) {
		const char *cs = imap_arg_string(&args[1]);

		if (cs == NULL || (strcasecmp(cs, "UTF-8") != 0 && strcasecmp(cs, "US-ASCII") != 0)) {
			imap_tagged(im, "NO", "[BADCHARSET (UTF-8 US-ASCII)] Unsupported charset.");
			pool_free(pl);
			return 0;
		}
		ps.pos = 2;
	}
	root = pool_alloc(pl, sizeof(*root));
	root->k = K_AND;
	tail = &root->kids;
	if (ps.pos >= n) {
		imap_tagged(im, "BAD", "Missing search keys.");
		pool_free(pl);
		return 0;
	}
	while (ps.pos < n) {
		struct node *c = parse_key(&ps);

		if (c == NULL) {
			imap_tagged(im, "BAD", "Error in IMAP command SEARCH: %s", ps.err ? ps.err : "Invalid");
			pool_free(pl);
			return 0;
		}
		*tail = c;
		tail = &c->next;
	}
	dstr_puts(&out, "* SEARCH");
	for (i = 0; i < im->n; i++) {
		struct msgctx mc;

		memset(&mc, 0, sizeof(mc));
		mc.im = im;
		mc.vi = i;
		mc.k = imap_store_index(im, i);
		if (mc.k < 0)
			continue;
		mc.m = store_msg_at(im->mb, (size_t)mc.k);
		dstr_init(&mc.hdr);
		dstr_init(&mc.full);
		if (eval(&mc, root))
			dstr_printf(&out, " %lu", uid ? (unsigned long)im->uids[i] : (unsigned long)(i + 1));
		dstr_free(&mc.hdr);
		dstr_free(&mc.full);
	}
	dstr_puts(&out, "\r\n");
	stream_write(im->s, out.s, out.len);
	imap_tagged(im, "OK", "Search completed.");
	dstr_free(&out);
	pool_free(pl);
	return 0;
}
