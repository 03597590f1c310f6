/* imap_fetch: FETCH (every RFC 3501 item: FLAGS, UID, INTERNALDATE,
 * RFC822.SIZE, ENVELOPE, BODY, BODYSTRUCTURE, RFC822[.HEADER|.TEXT],
 * BODY[section]<partial> and BODY.PEEK) and STORE.  ENVELOPE and
 * BODYSTRUCTURE come from the store's cache when it has them and are put
 * there when computed.  Called through imap.c's command table. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/mime.h"
#include "store/imapfmt.h"
#include "imap_int.h"

#define MAX_SECTION_PARTS 32

enum fetch_kind {
	F_FLAGS, F_UID, F_INTERNALDATE, F_SIZE, F_ENVELOPE, F_BODYSTRUCTURE, F_BODY,
	F_RFC822, F_RFC822_HEADER, F_RFC822_TEXT, F_SECTION
};

enum section_kind {
	SEC_ALL, SEC_HEADER, SEC_FIELDS, SEC_FIELDS_NOT, SEC_TEXT, SEC_MIME
};

struct fetch_item {
	enum fetch_kind kind;
	int peek;
	unsigned parts[MAX_SECTION_PARTS];
	size_t nparts;
	enum section_kind sec;
	char **fields;
	size_t nfields;
	int partial;
	uint64_t pstart, plen;
	char *label;		/* "BODY[HEADER.FIELDS (FROM)]<0>" */
};

struct fetch_req {
	struct fetch_item *items;
	size_t n;
	int need_header, need_full, sets_seen;
};

static void
add_item(struct fetch_req *r, struct fetch_item *it)
{
	r->items = xreallocarray(r->items, r->n + 1, sizeof(*it));
	r->items[r->n++] = *it;
}

static void
free_req(struct fetch_req *r)
{
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		for (k = 0; k < r->items[i].nfields; k++)
			free(r->items[i].fields[k]);
		free(r->items[i].fields);
		free(r->items[i].label);
	}
	free(r->items);
}

/* parse_section: text inside [...] plus an optional <a.b> after it */
static int
parse_section(struct fetch_item *it, const char *s, const char *kw)
{
	const char *p = s, *close;
	dstr label = DSTR_INIT;

	it->kind = F_SECTION;
	it->sec = SEC_ALL;
	close = strrchr(s, ']');
	if (close == NULL)
		return -1;
	while (isdigit((unsigned char)*p)) {
		unsigned long v = strtoul(p, (char **)&p, 10);

		if (v == 0 || v > 100000 || it->nparts == MAX_SECTION_PARTS)
			return -1;
		it->parts[it->nparts++] = (unsigned)v;
		if (*p == '.')
			p++;
		else
			break;
	}
	if (p < close) {
		if (strncasecmp(p, "HEADER.FIELDS.NOT", 17) == 0) {
			it->sec = SEC_FIELDS_NOT;
			p += 17;
		} else if (strncasecmp(p, "HEADER.FIELDS", 13) == 0) {
			it->sec = SEC_FIELDS;
			p += 13;
		} else if (strncasecmp(p, "HEADER", 6) == 0 && p + 6 == close) {
			it->sec = SEC_HEADER;
			p += 6;
		} else if (strncasecmp(p, "TEXT", 4) == 0 && p + 4 == close) {
			it->sec = SEC_TEXT;
			p += 4;
		} else if (strncasecmp(p, "MIME", 4) == 0 && p + 4 == close && it->nparts > 0) {
			it->sec = SEC_MIME;
			p += 4;
		} else
			return -1;
		if (it->sec == SEC_FIELDS || it->sec == SEC_FIELDS_NOT) {
			const char *q;

			while (*p == ' ')
				p++;
			if (*p != '(')
				return -1;
			p++;
			for (;;) {
				char *f;

				while (*p == ' ')
					p++;
				if (*p == ')')
					break;
				if (*p == '"') {
					q = strchr(p + 1, '"');
					if (q == NULL || q > close)
						return -1;
					f = xstrndup(p + 1, (size_t)(q - p - 1));
					p = q + 1;
				} else {
					q = p;
					while (q < close && *q != ' ' && *q != ')')
						q++;
					if (q == p)
						return -1;
					f = xstrndup(p, (size_t)(q - p));
					p = q;
				}
				it->fields = xreallocarray(it->fields, it->nfields + 1, sizeof(char *));
				it->fields[it->nfields++] = f;
				if (it->nfields > 1000)
					return -1;
			}
			p++;
			if (it->nfields == 0)
				return -1;
		}
		if (p != close)
			return -1;
	}
	p = close + 1;
	/* the label repeats the section as asked, less .PEEK */
	dstr_printf(&label, "%s[%.*s]", kw, (int)(close - s), s);
	if (*p == '<') {
		char *e;

		it->partial = 1;
		it->pstart = strtoull(p + 1, &e, 10);
		if (e == p + 1 || *e != '.')
			goto bad;
		p = e + 1;
		it->plen = strtoull(p, &e, 10);
		if (e == p || *e != '>' || e[1] != '\0' || it->plen == 0)
			goto bad;
		dstr_printf(&label, "<%llu>", (unsigned long long)it->pstart);
	} else if (*p != '\0')
		goto bad;
	it->label = dstr_steal(&label);
	return 0;
bad:
	dstr_free(&label);
	return -1;
}

static int
parse_item(struct fetch_req *r, const struct imap_arg *a)
{
	struct fetch_item it;
	const char *s;

	if (a->type != IMAP_ARG_ATOM)
		return -1;
	s = a->s;
	memset(&it, 0, sizeof(it));
	if (strcasecmp(s, "ALL") == 0 || strcasecmp(s, "FAST") == 0 || strcasecmp(s, "FULL") == 0) {
		int all = toupper((unsigned char)s[0]) == 'A', full = toupper((unsigned char)s[1]) == 'U';

		it.kind = F_FLAGS;
		add_item(r, &it);
		it.kind = F_INTERNALDATE;
		add_item(r, &it);
		it.kind = F_SIZE;
		add_item(r, &it);
		if (all || full) {
			it.kind = F_ENVELOPE;
			add_item(r, &it);
		}
		if (full) {
			it.kind = F_BODY;
			add_item(r, &it);
		}
		return 0;
	}
	if (strcasecmp(s, "FLAGS") == 0)
		it.kind = F_FLAGS;
	else if (strcasecmp(s, "UID") == 0)
		it.kind = F_UID;
	else if (strcasecmp(s, "INTERNALDATE") == 0)
		it.kind = F_INTERNALDATE;
	else if (strcasecmp(s, "RFC822.SIZE") == 0)
		it.kind = F_SIZE;
	else if (strcasecmp(s, "ENVELOPE") == 0)
		it.kind = F_ENVELOPE;
	else if (strcasecmp(s, "BODYSTRUCTURE") == 0)
		it.kind = F_BODYSTRUCTURE;
	else if (strcasecmp(s, "BODY") == 0)
		it.kind = F_BODY;
	else if (strcasecmp(s, "RFC822") == 0)
		it.kind = F_RFC822;
	else if (strcasecmp(s, "RFC822.HEADER") == 0)
		it.kind = F_RFC822_HEADER;
	else if (strcasecmp(s, "RFC822.TEXT") == 0)
		it.kind = F_RFC822_TEXT;
	else if (strncasecmp(s, "BODY.PEEK[", 10) == 0) {
		it.peek = 1;
		if (parse_section(&it, s + 10, "BODY") < 0)
			goto bad;
	} else if (strncasecmp(s, "BODY[", 5) == 0) {
		if (parse_section(&it, s + 5, "BODY") < 0)
			goto bad;
	} else
		return -1;
	add_item(r, &it);
	return 0;
bad:
	{
		size_t k;

		for (k = 0; k < it.nfields; k++)
			free(it.fields[k]);
		free(it.fields);
	}
	return -1;
}

static void
plan(struct fetch_req *r, int readonly)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		struct fetch_item *it = &r->items[i];

		switch (it->kind) {
		case F_ENVELOPE:
			r->need_header = 1;
			break;
		case F_RFC822_HEADER:
			r->need_header = 1;
			break;
		case F_BODY:
		case F_BODYSTRUCTURE:
			r->need_full = 1;
			break;
		case F_RFC822:
		case F_RFC822_TEXT:
			r->need_full = 1;
			r->sets_seen = !readonly;
			break;
		case F_SECTION:
			if (it->nparts == 0 && (it->sec == SEC_HEADER || it->sec == SEC_FIELDS ||
			    it->sec == SEC_FIELDS_NOT))
				r->need_header = 1;
			else
				r->need_full = 1;
			if (!it->peek && !readonly)
				r->sets_seen = 1;
			break;
		default:
			break;
		}
	}
}

/* header_fields: the lines of hdr whose names are (not) listed, plus
 * the empty line */
struct fields_ctx {
	const struct fetch_item *it;
	dstr *out;
};

static void
fields_cb(void *vctx, const char *name, size_t nlen, const char *field, size_t flen)
{
	struct fields_ctx *fc = vctx;
	size_t i;
	int listed = 0;

	for (i = 0; i < fc->it->nfields; i++)
		if (strlen(fc->it->fields[i]) == nlen && strncasecmp(fc->it->fields[i], name, nlen) == 0)
			listed = 1;
	if (listed == (fc->it->sec == SEC_FIELDS))
		dstr_append(fc->out, field, flen);
}

static void
header_fields(const struct fetch_item *it, const char *hdr, size_t hlen, dstr *out)
{
	struct fields_ctx fc = { it, out };

	mime_header_each(hdr, hlen, fields_cb, &fc);
	dstr_puts(out, "\r\n");
}

static void
send_literal(struct imap *im, const char *label, const char *p, size_t len,
    const struct fetch_item *it)
{
	if (it && it->partial) {
		if (it->pstart >= len)
			len = 0;
		else {
			p += it->pstart;
			len -= (size_t)it->pstart;
			if (len > it->plen)
				len = (size_t)it->plen;
		}
	}
	stream_printf(im->s, "%s {%zu}\r\n", label, len);
	stream_write(im->s, p, len);
}

/* the section's bytes (pointer into msg or into tmp) */
static void
section_bytes(const struct fetch_item *it, const dstr *msg, const struct mime_part *root,
    dstr *tmp, const char **p, size_t *len)
{
	const struct mime_part *mp = root;
	const struct mime_part *m;

	*p = "";
	*len = 0;
	if (it->nparts) {
		mp = mime_section(root, it->parts, it->nparts);
		if (mp == NULL)
			return;
	}
	/* HEADER/TEXT/FIELDS of a part address its embedded message */
	m = it->nparts ? mp->message : root;
	switch (it->sec) {
	case SEC_ALL:
		if (it->nparts == 0) {
			*p = msg->s;
			*len = msg->len;
		} else {
			*p = msg->s + mp->body_off;
			*len = mp->body_len;
		}
		break;
	case SEC_MIME:
		*p = msg->s + mp->hdr_off;
		*len = mp->hdr_len;
		break;
	case SEC_HEADER:
		if (m) {
			*p = msg->s + m->hdr_off;
			*len = m->hdr_len;
		}
		break;
	case SEC_TEXT:
		if (m) {
			*p = msg->s + m->body_off;
			*len = m->body_len;
		}
		break;
	case SEC_FIELDS:
	case SEC_FIELDS_NOT:
		if (m) {
			header_fields(it, msg->s + m->hdr_off, m->hdr_len, tmp);
			*p = tmp->s;
			*len = tmp->len;
		}
		break;
	}
}

/* fetch_one: the FETCH response for view index vi; -1 when it vanished */
static int
fetch_one(struct imap *im, struct fetch_req *r, size_t vi, int uid)
{
	ssize_t k = imap_store_index(im, vi);
	const struct store_msg *m;
	dstr hdr = DSTR_INIT, full = DSTR_INIT, head = DSTR_INIT, tmp = DSTR_INIT;
	pool *pl = NULL;
	struct mime_part *root = NULL;
	size_t i;
	int have_uid = 0, first = 1, flags_sent = 0, need_full, need_header;
	uint32_t newflags;

	if (k < 0)
		return -1;
	m = store_msg_at(im->mb, (size_t)k);
	/* cached structures spare us reading the message */
	need_full = need_header = 0;
	for (i = 0; i < r->n; i++) {
		const struct fetch_item *it = &r->items[i];
		int hdr_sec = it->kind == F_SECTION && it->nparts == 0 &&
		    (it->sec == SEC_HEADER || it->sec == SEC_FIELDS || it->sec == SEC_FIELDS_NOT);

		switch (it->kind) {
		case F_RFC822:
		case F_RFC822_TEXT:
			need_full = 1;
			break;
		case F_BODYSTRUCTURE:
			need_full |= m->bodystructure == NULL;
			break;
		case F_BODY:
			need_full |= m->body == NULL;
			break;
		case F_SECTION:
			if (hdr_sec)
				need_header = 1;
			else
				need_full = 1;
			break;
		case F_RFC822_HEADER:
			need_header = 1;
			break;
		case F_ENVELOPE:
			need_header |= m->envelope == NULL;
			break;
		default:
			break;
		}
	}
	if (need_full) {
		if (store_read(im->mb, (size_t)k, &full) < 0)
			goto gone;
		k = store_find_uid(im->mb, im->uids[vi]);
		if (k < 0)
			goto gone;
		m = store_msg_at(im->mb, (size_t)k);
		pl = pool_new();
		root = mime_parse(pl, full.s ? full.s : "", full.len);
		dstr_append(&hdr, full.s ? full.s : "", root->hdr_len);
	} else if (need_header) {
		if (store_read_header(im->mb, (size_t)k, &hdr) < 0)
			goto gone;
		k = store_find_uid(im->mb, im->uids[vi]);
		if (k < 0)
			goto gone;
		m = store_msg_at(im->mb, (size_t)k);
	}
	newflags = m->flags;
	if (r->sets_seen && !(m->flags & STORE_SEEN)) {
		newflags |= STORE_SEEN;
		(void)store_set_flags(im->mb, (size_t)k, newflags, m->keywords);
		m = store_msg_at(im->mb, (size_t)k);
	}
	dstr_printf(&head, "* %zu FETCH (", vi + 1);
	stream_write(im->s, head.s, head.len);
#define SEP() do { if (!first) stream_write(im->s, " ", 1); first = 0; } while (0)
	if (uid) {
		SEP();
		stream_printf(im->s, "UID %u", m->uid);
		have_uid = 1;
	}
	for (i = 0; i < r->n; i++) {
		struct fetch_item *it = &r->items[i];
		dstr d = DSTR_INIT;

		switch (it->kind) {
		case F_UID:
			if (!have_uid) {
				SEP();
				stream_printf(im->s, "UID %u", m->uid);
				have_uid = 1;
			}
			break;
		case F_FLAGS:
			if (!flags_sent) {
				SEP();
				imap_flags_text(im, &d, m->flags, m->keywords, m->uid);
				stream_printf(im->s, "FLAGS %s", d.s);
				flags_sent = 1;
			}
			break;
		case F_INTERNALDATE:
			SEP();
			imap_date_time(&d, m->internaldate);
			stream_printf(im->s, "INTERNALDATE %s", d.s);
			break;
		case F_SIZE:
			SEP();
			stream_printf(im->s, "RFC822.SIZE %llu", (unsigned long long)m->size);
			break;
		case F_ENVELOPE:
			SEP();
			if (m->envelope == NULL) {
				imapfmt_envelope(&d, hdr.s ? hdr.s : "", hdr.len);
				store_cache(im->mb, (size_t)k, 'E', d.s);
				m = store_msg_at(im->mb, (size_t)k);
			}
			stream_puts(im->s, "ENVELOPE ");
			stream_puts(im->s, m->envelope);
			break;
		case F_BODYSTRUCTURE:
		case F_BODY: {
			int ext = it->kind == F_BODYSTRUCTURE;
			const char *cached = ext ? m->bodystructure : m->body;

			SEP();
			if (cached == NULL) {
				imapfmt_body(&d, full.s ? full.s : "", root, ext);
				store_cache(im->mb, (size_t)k, ext ? 'B' : 'b', d.s);
				m = store_msg_at(im->mb, (size_t)k);
				cached = ext ? m->bodystructure : m->body;
			}
			stream_printf(im->s, "%s ", ext ? "BODYSTRUCTURE" : "BODY");
			stream_puts(im->s, cached);
			break;
		}
		case F_RFC822:
			SEP();
			send_literal(im, "RFC822", full.s ? full.s : "", full.len, NULL);
			break;
		case F_RFC822_HEADER:
			SEP();
			send_literal(im, "RFC822.HEADER", hdr.s ? hdr.s : "", hdr.len, NULL);
			break;
		case F_RFC822_TEXT:
			SEP();
			send_literal(im, "RFC822.TEXT", full.s + root->body_off, root->body_len, NULL);
			break;
		case F_SECTION: {
			const char *p;
			size_t len;

			SEP();
			dstr_clear(&tmp);
			if (root == NULL) {
				/* a header section from the header alone */
				struct mime_part hp;

				memset(&hp, 0, sizeof(hp));
				hp.hdr_len = hdr.len;
				hp.body_off = hdr.len;
				if (it->sec == SEC_HEADER) {
					p = hdr.s ? hdr.s : "";
					len = hdr.len;
				} else {
					header_fields(it, hdr.s ? hdr.s : "", hdr.len, &tmp);
					p = tmp.s;
					len = tmp.len;
				}
			} else
				section_bytes(it, &full, root, &tmp, &p, &len);
			send_literal(im, it->label, p, len, it);
			break;
		}
		}
		dstr_free(&d);
	}
	if (r->sets_seen && newflags != im->flags[vi] && !flags_sent) {
		dstr d = DSTR_INIT;

		SEP();
		imap_flags_text(im, &d, m->flags, m->keywords, m->uid);
		stream_printf(im->s, "FLAGS %s", d.s);
		dstr_free(&d);
	}
	if (r->sets_seen || flags_sent) {
		im->flags[vi] = m->flags;
		im->kws[vi] = m->keywords;
	}
#undef SEP
	stream_write(im->s, ")\r\n", 3);
	dstr_free(&hdr);
	dstr_free(&full);
	dstr_free(&head);
	dstr_free(&tmp);
	if (pl)
		pool_free(pl);
	return 0;
gone:
	dstr_free(&hdr);
	dstr_free(&full);
	dstr_free(&head);
	dstr_free(&tmp);
	if (pl)
		pool_free(pl);
	return -1;
}

int
imap_cmd_fetch(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	struct fetch_req r;
	size_t *idx = NULL, cnt = 0, i;
	const char *set;
	int rc, missing = 0;

	memset(&r, 0, sizeof(r));
	if (n != 2 || (set = imap_arg_string(&args[0])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (args[1].type == IMAP_ARG_LIST) {
		if (args[1].n == 0)
			rc = -1;
		else
			for (i = 0, rc = 0; i < args[1].n && rc == 0; i++)
				rc = parse_item(&r, &args[1].list[i]);
	} else
		rc = parse_item(&r, &args[1]);
	if (rc < 0) {
		imap_tagged(im, "BAD", "Error in IMAP command FETCH: Invalid fetch attribute.");
		free_req(&r);
		return 0;
	}
	rc = imap_seqset(im, set, uid, &idx, &cnt);
	if (rc < 0) {
		imap_tagged(im, "BAD", rc == -2 ? "Error in IMAP command FETCH: Invalid messageset" :
		    "Error in IMAP command FETCH: Invalid message set.");
		free_req(&r);
		return 0;
	}
	plan(&r, im->readonly);
	for (i = 0; i < cnt; i++) {
		if (fetch_one(im, &r, idx[i], uid) < 0)
			missing = 1;
		if (stream_status_of(im->s) != STREAM_OK)
			break;
	}
	if (missing)
		imap_tagged(im, "NO", "Some messages were expunged meanwhile.");
	else
		imap_tagged(im, "OK", "Fetch completed.");
	free(idx);
	free_req(&r);
	return 0;
}

int
imap_cmd_store(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *set, *what;
	size_t *idx = NULL, cnt = 0, i;
	uint32_t flags;
	uint64_t kw;
	int mode, silent = 0, rc;
	const struct imap_arg *fl;
	size_t nfl;

	if (n < 3 || (set = imap_arg_string(&args[0])) == NULL || args[1].type != IMAP_ARG_ATOM) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	what = args[1].s;
	mode = what[0] == '+' ? 1 : what[0] == '-' ? -1 : 0;
	if (mode)
		what++;
	if (strcasecmp(what, "FLAGS.SILENT") == 0)
		silent = 1;
	else if (strcasecmp(what, "FLAGS") != 0) {
		imap_tagged(im, "BAD", "Invalid STORE item.");
		return 0;
	}
	if (n == 3 && args[2].type == IMAP_ARG_LIST) {
		fl = args[2].list;
		nfl = args[2].n;
	} else {
		fl = &args[2];
		nfl = n - 2;
	}
	if (im->readonly) {
		imap_tagged(im, "NO", "Mailbox is read-only.");
		return 0;
	}
	rc = imap_parse_flags(im, fl, nfl, &flags, &kw, mode >= 0);
	if (rc < 0) {
		imap_tagged(im, rc == -2 ? "NO" : "BAD", rc == -2 ? "Too many keywords." : "Invalid flags.");
		return 0;
	}
	rc = imap_seqset(im, set, uid, &idx, &cnt);
	if (rc < 0) {
		imap_tagged(im, "BAD", rc == -2 ? "Invalid messageset" : "Invalid message set.");
		return 0;
	}
	if (store_keyword_count(im->mb) != im->nkw_told)
		imap_updates(im, 0);	/* announce new keywords in FLAGS first */
	for (i = 0; i < cnt; i++) {
		ssize_t k = imap_store_index(im, idx[i]);
		const struct store_msg *m;
		uint32_t nf;
		uint64_t nk;

		if (k < 0)
			continue;
		m = store_msg_at(im->mb, (size_t)k);
		nf = mode > 0 ? m->flags | flags : mode < 0 ? m->flags & ~flags : flags;
		nk = mode > 0 ? m->keywords | kw : mode < 0 ? m->keywords & ~kw : kw;
		(void)store_set_flags(im->mb, (size_t)k, nf, nk);
		m = store_msg_at(im->mb, (size_t)k);
		if (!silent) {
			dstr d = DSTR_INIT;

			imap_flags_text(im, &d, m->flags, m->keywords, m->uid);
			if (uid)
				imap_untagged(im, "%zu FETCH (UID %u FLAGS %s)", idx[i] + 1, m->uid, d.s);
			else
				imap_untagged(im, "%zu FETCH (FLAGS %s)", idx[i] + 1, d.s);
			dstr_free(&d);
		}
		if (!silent) {
			im->flags[idx[i]] = m->flags;
			im->kws[idx[i]] = m->keywords;
		}
	}
	(void)store_commit(im->mb);
	imap_tagged(im, "OK", "Store completed.");
	free(idx);
	return 0;
}
