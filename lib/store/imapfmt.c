/* imapfmt: ENVELOPE, BODYSTRUCTURE and string quoting for IMAP (see
 * imapfmt.h).  The address parser here is tolerant: it never fails, it
 * gives the best reading of a broken header, as mail clients expect. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "store/imapfmt.h"

void
imapfmt_string(dstr *out, const char *s, size_t len)
{
	size_t i, nul = 0;
	int lit = 0;

	if (s == NULL) {
		dstr_puts(out, "NIL");
		return;
	}
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '\r' || c == '\n' || c >= 0x80)
			lit = 1;
		else if (c == 0)
			nul++;
	}
	if (lit) {
		dstr_printf(out, "{%zu}\r\n", len - nul);
		for (i = 0; i < len; i++)
			if (s[i])
				dstr_putc(out, s[i]);
		return;
	}
	dstr_putc(out, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == 0)
			continue;
		if (s[i] == '"' || s[i] == '\\')
			dstr_putc(out, '\\');
		dstr_putc(out, s[i]);
	}
	dstr_putc(out, '"');
}

void
imapfmt_nstring(dstr *out, const char *s)
{
	imapfmt_string(out, s, s ? strlen(s) : 0);
}

/* ---- addresses ---- */

struct addr {
	dstr name, route, mailbox, host;
	int group_start, group_end;
};

struct addrs {
	struct addr *a;
	size_t n, cap;
};

static struct addr *
addr_new(struct addrs *l)
{
	struct addr *a;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 4;
		l->a = xreallocarray(l->a, l->cap, sizeof(*l->a));
	}
	a = &l->a[l->n++];
	memset(a, 0, sizeof(*a));
	return a;
}

static const char *
skip_comment(const char *p)
{
	int depth = 0;

	do {
		if (*p == '\\' && p[1])
			p++;
		else if (*p == '(')
			depth++;
		else if (*p == ')')
			depth--;
		p++;
	} while (*p && depth > 0);
	return p;
}

static const char *
skip_ws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (*p != '(')
			return p;
		p = skip_comment(p);
	}
}

/* a phrase / local part: words and quoted strings up to a special */
static const char *
take_words(const char *p, dstr *out, const char *stops, int keep_dots_tight)
{
	int need_space = 0;

	for (;;) {
		p = skip_ws(p);
		if (*p == '\0' || strchr(stops, *p))
			return p;
		if (need_space && !keep_dots_tight)
			dstr_putc(out, ' ');
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && p[1])
					p++;
				dstr_putc(out, *p++);
			}
			if (*p == '"')
				p++;
		} else {
			while (*p && !strchr(stops, *p) && *p != ' ' && *p != '\t' &&
			    *p != '"' && *p != '(' && *p != '\r' && *p != '\n')
				dstr_putc(out, *p++);
		}
		need_space = 1;
	}
}

static const char *
take_domain(const char *p, dstr *out, const char *stops)
{
	p = skip_ws(p);
	if (*p == '[') {
		while (*p && *p != ']')
			dstr_putc(out, *p++);
		if (*p == ']')
			dstr_putc(out, *p++);
		return p;
	}
	return take_words(p, out, stops, 1);
}

static void
parse_addrs(const char *p, struct addrs *l)
{
	int in_group = 0;

	while (*p) {
		dstr phrase = DSTR_INIT;
		struct addr *a;

		p = skip_ws(p);
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p == ';') {
			if (in_group) {
				addr_new(l)->group_end = 1;
				in_group = 0;
			}
			p++;
			continue;
		}
		if (*p == '\0')
			break;
		p = take_words(p, &phrase, "<:,;@", 0);
		if (*p == ':' && !in_group) {
			a = addr_new(l);
			a->group_start = 1;
			dstr_set(&a->mailbox, dstr_cstr(&phrase));
			in_group = 1;
			p++;
		} else if (*p == '<') {
			a = addr_new(l);
			dstr_set(&a->name, dstr_cstr(&phrase));
			p = skip_ws(p + 1);
			if (*p == '@') {
				/* obsolete source route @a,@b: */
				while (*p && *p != ':' && *p != '>')
					dstr_putc(&a->route, *p++);
				if (*p == ':')
					p++;
			}
			p = take_words(p, &a->mailbox, "@>,;", 1);
			if (*p == '@')
				p = take_domain(p + 1, &a->host, ">,;");
			p = skip_ws(p);
			while (*p && *p != '>' && *p != ',')
				p++;
			if (*p == '>')
				p++;
		} else if (*p == '@') {
			a = addr_new(l);
			dstr_set(&a->mailbox, dstr_cstr(&phrase));
			/* the local part had no spaces in it really */
			{
				size_t i, j = 0;

				for (i = 0; i < a->mailbox.len; i++)
					if (a->mailbox.s[i] != ' ')
						a->mailbox.s[j++] = a->mailbox.s[i];
				dstr_truncate(&a->mailbox, j);
			}
			p = take_domain(p + 1, &a->host, ",;<");
			p = skip_ws(p);
			while (*p && *p != ',' && *p != ';')
				p++;
		} else if (phrase.len) {
			a = addr_new(l);
			dstr_set(&a->mailbox, dstr_cstr(&phrase));
		} else if (*p == ':' || *p == '>') {
			p++;
		}
		dstr_free(&phrase);
	}
	if (in_group)
		addr_new(l)->group_end = 1;
}

static void
put_opt(dstr *out, const dstr *d)
{
	if (d->len == 0)
		dstr_puts(out, "NIL");
	else
		imapfmt_string(out, d->s, d->len);
}

static void
address_list(dstr *out, const char *hdr, size_t hlen, const char *field)
{
	dstr v = DSTR_INIT;
	struct addrs l = { NULL, 0, 0 };
	size_t i;

	if (!mime_header_get(hdr, hlen, field, &v) || v.len == 0) {
		dstr_puts(out, "NIL");
		dstr_free(&v);
		return;
	}
	parse_addrs(v.s, &l);
	if (l.n == 0)
		dstr_puts(out, "NIL");
	else {
		dstr_putc(out, '(');
		for (i = 0; i < l.n; i++) {
			struct addr *a = &l.a[i];

			if (a->group_end)
				dstr_puts(out, "(NIL NIL NIL NIL)");
			else if (a->group_start) {
				dstr_puts(out, "(NIL NIL ");
				put_opt(out, &a->mailbox);
				dstr_puts(out, " NIL)");
			} else {
				dstr_putc(out, '(');
				put_opt(out, &a->name);
				dstr_putc(out, ' ');
				put_opt(out, &a->route);
				dstr_putc(out, ' ');
				put_opt(out, &a->mailbox);
				dstr_putc(out, ' ');
				put_opt(out, &a->host);
				dstr_putc(out, ')');
			}
		}
		dstr_putc(out, ')');
	}
	for (i = 0; i < l.n; i++) {
		dstr_free(&l.a[i].name);
		dstr_free(&l.a[i].route);
		dstr_free(&l.a[i].mailbox);
		dstr_free(&l.a[i].host);
	}
	free(l.a);
	dstr_free(&v);
}

static void
field_string(dstr *out, const char *hdr, size_t hlen, const char *field)
{
	dstr v = DSTR_INIT;

	if (mime_header_get(hdr, hlen, field, &v))
		imapfmt_string(out, dstr_cstr(&v), v.len);
	else
		dstr_puts(out, "NIL");
	dstr_free(&v);
}

void
imapfmt_envelope(dstr *out, const char *hdr, size_t hlen)
{
	dstr tmp = DSTR_INIT;

	dstr_putc(out, '(');
	field_string(out, hdr, hlen, "Date");
	dstr_putc(out, ' ');
	field_string(out, hdr, hlen, "Subject");
	dstr_putc(out, ' ');
	address_list(out, hdr, hlen, "From");
	dstr_putc(out, ' ');
	address_list(out, hdr, hlen, mime_header_get(hdr, hlen, "Sender", &tmp) ? "Sender" : "From");
	dstr_clear(&tmp);
	dstr_putc(out, ' ');
	address_list(out, hdr, hlen, mime_header_get(hdr, hlen, "Reply-To", &tmp) ? "Reply-To" : "From");
	dstr_putc(out, ' ');
	address_list(out, hdr, hlen, "To");
	dstr_putc(out, ' ');
	address_list(out, hdr, hlen, "Cc");
	dstr_putc(out, ' ');
	address_list(out, hdr, hlen, "Bcc");
	dstr_putc(out, ' ');
	field_string(out, hdr, hlen, "In-Reply-To");
	dstr_putc(out, ' ');
	field_string(out, hdr, hlen, "Message-ID");
	dstr_putc(out, ')');
	dstr_free(&tmp);
}

/* ---- body structure ---- */

static void
params(dstr *out, const struct mime_param *ps, size_t n, int text_default)
{
	size_t i;

	if (n == 0) {
		dstr_puts(out, text_default ? "(\"charset\" \"us-ascii\")" : "NIL");
		return;
	}
	dstr_putc(out, '(');
	for (i = 0; i < n; i++) {
		if (i)
			dstr_putc(out, ' ');
		imapfmt_nstring(out, ps[i].name);
		dstr_putc(out, ' ');
		imapfmt_nstring(out, ps[i].value);
	}
	dstr_putc(out, ')');
}

static void
disposition_etc(dstr *out, const struct mime_part *mp)
{
	dstr_putc(out, ' ');
	if (mp->disposition) {
		dstr_putc(out, '(');
		imapfmt_nstring(out, mp->disposition);
		dstr_putc(out, ' ');
		params(out, mp->dparams, mp->ndparams, 0);
		dstr_putc(out, ')');
	} else
		dstr_puts(out, "NIL");
	dstr_putc(out, ' ');
	imapfmt_nstring(out, mp->language);
	dstr_putc(out, ' ');
	imapfmt_nstring(out, mp->location);
}

void
imapfmt_body(dstr *out, const char *buf, const struct mime_part *mp, int extended)
{
	size_t i;

	if (strcasecmp(mp->type, "multipart") == 0) {
		dstr_putc(out, '(');
		if (mp->nchildren == 0)
			dstr_puts(out, "(\"text\" \"plain\" (\"charset\" \"us-ascii\") NIL NIL \"7bit\" 0 0)");
		for (i = 0; i < mp->nchildren; i++)
			imapfmt_body(out, buf, &mp->children[i], extended);
		dstr_putc(out, ' ');
		imapfmt_nstring(out, mp->subtype);
		if (extended) {
			dstr_putc(out, ' ');
			params(out, mp->params, mp->nparams, 0);
			disposition_etc(out, mp);
		}
		dstr_putc(out, ')');
		return;
	}
	dstr_putc(out, '(');
	imapfmt_nstring(out, mp->type);
	dstr_putc(out, ' ');
	imapfmt_nstring(out, mp->subtype);
	dstr_putc(out, ' ');
	params(out, mp->params, mp->nparams, strcasecmp(mp->type, "text") == 0);
	dstr_putc(out, ' ');
	imapfmt_nstring(out, mp->id);
	dstr_putc(out, ' ');
	imapfmt_nstring(out, mp->description);
	dstr_putc(out, ' ');
	imapfmt_nstring(out, mp->encoding ? mp->encoding : "7bit");
	dstr_printf(out, " %zu", mp->body_len);
	if (mp->message) {
		const struct mime_part *m = mp->message;

		dstr_putc(out, ' ');
		imapfmt_envelope(out, buf + m->hdr_off, m->hdr_len);
		dstr_putc(out, ' ');
		imapfmt_body(out, buf, m, extended);
		dstr_printf(out, " %zu", mp->body_lines);
	} else if (strcasecmp(mp->type, "text") == 0)
		dstr_printf(out, " %zu", mp->body_lines);
	if (extended) {
		dstr_putc(out, ' ');
		imapfmt_nstring(out, mp->md5);
		disposition_etc(out, mp);
	}
	dstr_putc(out, ')');
}
