/* headers: header reading and default headers (see headers.h). */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/xalloc.h"
#include "sendmail/headers.h"

void
headers_arpadate(time_t t, dstr *out)
{
	struct tm tm;
	char buf[64];
	long off;

	localtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%a, %d %b %Y %H:%M:%S", &tm);
	dstr_puts(out, buf);
	off = tm.tm_gmtoff / 60;
	if (off == 0)
		dstr_puts(out, " GMT");
	else {
		dstr_printf(out, " %c%02ld%02ld", off < 0 ? '-' : '+',
		    labs(off) / 60, labs(off) % 60);
		if (tm.tm_zone && *tm.tm_zone)
			dstr_printf(out, " (%s)", tm.tm_zone);
	}
}

void
hdr_reader_init(struct hdr_reader *r, struct envelope *e, struct qdata *d)
{
	memset(r, 0, sizeof(*r));
	r->e = e;
	r->d = d;
	r->first = 1;
	dstr_init(&r->cur);
}

void
hdr_reader_free(struct hdr_reader *r)
{
	dstr_free(&r->cur);
	free(r->unix_from);
}

/* is_header: "Name:" with a printable name of no blanks */
static int
is_header(const char *line, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c == ':')
			return i > 0;
		if (c <= ' ' || c >= 0x7f)
			return 0;
	}
	return 0;
}

static void
flush_header(struct hdr_reader *r)
{
	char *colon, *name, *val;

	if (r->cur.len == 0)
		return;
	colon = strchr(r->cur.s, ':');
	name = xstrndup(r->cur.s, (size_t)(colon - r->cur.s));
	val = colon + 1;
	if (*val == ' ')
		val++;
	envelope_add_header(r->e, name, val, NULL, 0);
	free(name);
	dstr_clear(&r->cur);
}

static int
body_line(struct hdr_reader *r, const char *line, size_t len)
{
	if (queue_data_write(r->d, line, len) != 0 || queue_data_write(r->d, "\n", 1) != 0)
		return -1;
	return 0;
}

int
hdr_reader_line(struct hdr_reader *r, const char *line, size_t len)
{
	if (r->in_body)
		return body_line(r, line, len);
	if (r->first) {
		r->first = 0;
		if (len > 5 && strncmp(line, "From ", 5) == 0) {
			/* the UNIX From line is not a header */
			r->unix_from = xstrndup(line, len);
			return 0;
		}
	}
	r->header_bytes += len + 1;
	if ((line[0] == ' ' || line[0] == '\t') && r->cur.len) {
		dstr_putc(&r->cur, '\n');
		dstr_append(&r->cur, line, len);
		return 0;
	}
	flush_header(r);
	if (len == 0) {
		r->in_body = 1;
		return 0;
	}
	if (!is_header(line, len)) {
		/* not a header: the body begins here */
		r->in_body = 1;
		r->header_bytes -= len + 1;
		return body_line(r, line, len);
	}
	dstr_append(&r->cur, line, len);
	return 0;
}

int
hdr_reader_end(struct hdr_reader *r)
{
	flush_header(r);
	return 0;
}

int
headers_is_resent(const struct envelope *e)
{
	size_t i;

	for (i = 0; i < e->nhdrs; i++)
		if (strncasecmp(e->hdrs[i].name, "Resent-", 7) == 0)
			return 1;
	return 0;
}

/* headers whose value is expanded at delivery, per recipient */
static int
bound_late(const char *name)
{
	return strcasecmp(name, "Return-Path") == 0;
}

/* headers every message gets a new copy of */
static int
always_added(const char *name)
{
	return strcasecmp(name, "Received") == 0;
}

void
headers_add_defaults(const struct conf *c, struct envelope *e)
{
	struct header *old = e->hdrs;
	size_t nold = e->nhdrs, i;
	int resent = headers_is_resent(e);

	/* the defaults go in front, in the order of the H lines */
	e->hdrs = NULL;
	e->nhdrs = e->caphdrs = 0;
	for (i = 0; i < c->nheaders; i++) {
		const struct hdrdef *h = &c->headers[i];
		int have = 0;
		size_t k;

		if (strncasecmp(h->name, "Resent-", 7) == 0 && !resent)
			continue;
		for (k = 0; k < nold && !always_added(h->name); k++)
			if (strcasecmp(old[k].name, h->name) == 0)
				have = 1;
		if (have)
			continue;
		if (h->cond && h->cond[0] == '$') {
			/* ?${macro}?: only when the macro is set */
			const char *p = h->cond + 1;
			int id = macro_parse_ref(&p);
			const char *v = macro_get(&e->macros, id);

			if (v == NULL || *v == '\0')
				continue;
		}
		if (bound_late(h->name))
			envelope_add_header(e, h->name, h->value,
			    h->cond && h->cond[0] != '$' ? h->cond : NULL, 1);
		else {
			dstr v = DSTR_INIT;

			macro_expand(&e->macros, h->value, &v);
			/* a value that expands to nothing is not added */
			if (v.len > 0 || strchr(h->value, '$') == NULL)
				envelope_add_header(e, h->name, dstr_cstr(&v),
				    h->cond && h->cond[0] != '$' ? h->cond : NULL, 0);
			dstr_free(&v);
		}
	}
	for (i = 0; i < nold; i++) {
		envelope_add_header(e, old[i].name, old[i].value, old[i].cond, old[i].from_config);
		free(old[i].name);
		free(old[i].value);
		free(old[i].cond);
	}
	free(old);
}
