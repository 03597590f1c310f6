/* mime7bit: MIME-aware 8-bit to 7-bit conversion for the SMTP client.
 * The message is split into lines once; entities (the message, the parts
 * of a multipart, the message inside a message/rfc822) are converted
 * recursively over ranges of those lines.  Only leaf parts are encoded,
 * as RFC 2045 forbids any encoding but 7bit/8bit/binary on composite
 * types.  Header text keeps its words but loses the eighth bit. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "sendmail/mime7bit.h"

#define MIME_MAX_DEPTH 20	/* deeper nesting is converted as one leaf */

struct line {
	const char *s;
	size_t n;		/* without the line end */
};

struct lines {
	struct line *v;
	size_t n, cap;
};

void
mime_qp_line(dstr *out, const char *s, size_t n)
{
	size_t col = 0, i;

	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)s[i];
		/* a '.' that a soft break puts first on a line is encoded, so
		 * only the dots already doubled for SMTP start lines */
		int enc = ch > 126 || ch == '=' || (ch < 32 && ch != '\t') ||
		    ((ch == ' ' || ch == '\t') && i + 1 == n) ||
		    (col == 0 && ch == '.' && i > 0);
		size_t w = enc ? 3 : 1;

		if (col + w > 75) {
			dstr_puts(out, "=\r\n");
			col = 0;
		}
		if (enc)
			dstr_printf(out, "=%02X", ch);
		else
			dstr_putc(out, (char)ch);
		col += w;
	}
	dstr_puts(out, "\r\n");
}

static void
split_lines(const char *p, size_t len, struct lines *ls)
{
	const char *end = p + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);

		if (n && p[n - 1] == '\r')
			n--;
		if (ls->n == ls->cap) {
			ls->cap = ls->cap ? ls->cap * 2 : 256;
			ls->v = xreallocarray(ls->v, ls->cap, sizeof(*ls->v));
		}
		ls->v[ls->n].s = p;
		ls->v[ls->n].n = n;
		ls->n++;
		p = nl ? nl + 1 : end;
	}
}

static void
put_stripped(dstr *out, const struct line *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		dstr_putc(out, (char)(l->s[i] & 0x7f));
	dstr_puts(out, "\r\n");
}

static int
header_is(const struct line *l, const char *name)
{
	size_t k = strlen(name);

	return l->n > k && strncasecmp(l->s, name, k) == 0 && l->s[k] == ':';
}

static int
has_8bit(const struct lines *ls, size_t a, size_t b)
{
	size_t i, j;

	for (i = a; i < b; i++)
		for (j = 0; j < ls->v[i].n; j++)
			if ((unsigned char)ls->v[i].s[j] > 127)
				return 1;
	return 0;
}

/* header_value: the unfolded value of the header starting at line i */
static void
header_value(const struct lines *ls, size_t i, size_t hend, dstr *v)
{
	const struct line *l = &ls->v[i];
	const char *colon = memchr(l->s, ':', l->n);

	dstr_clear(v);
	dstr_append(v, colon + 1, l->n - (size_t)(colon + 1 - l->s));
	for (i++; i < hend && ls->v[i].n && (ls->v[i].s[0] == ' ' || ls->v[i].s[0] == '\t'); i++)
		dstr_append(v, ls->v[i].s, ls->v[i].n);
}

/* param: the value of parameter name in a header value, "" if none */
static void
param(const char *v, const char *name, dstr *out)
{
	size_t k = strlen(name);
	const char *p = v;

	dstr_clear(out);
	while ((p = strchr(p, ';')) != NULL) {
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (strncasecmp(p, name, k) != 0)
			continue;
		p += k;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				dstr_putc(out, *p);
			}
		} else
			while (*p && *p != ';' && !isspace((unsigned char)*p))
				dstr_putc(out, *p++);
		return;
	}
}

/* boundary_line: 1 for "--b", 2 for the closing "--b--" */
static int
boundary_line(const struct line *l, const char *b, size_t bn)
{
	size_t n = l->n;

	while (n > 0 && (l->s[n - 1] == ' ' || l->s[n - 1] == '\t'))
		n--;
	if (n < bn + 2 || l->s[0] != '-' || l->s[1] != '-' || memcmp(l->s + 2, b, bn) != 0)
		return 0;
	if (n == bn + 2)
		return 1;
	if (n == bn + 4 && l->s[bn + 2] == '-' && l->s[bn + 3] == '-')
		return 2;
	return 0;
}

static void
entity(const struct lines *ls, size_t a, size_t b, int depth, int top, const char *charset,
    dstr *out)
{
	size_t hend = a, i;
	dstr ct = DSTR_INIT, cte = DSTR_INIT, bnd = DSTR_INIT;
	int have_ct = 0, have_mime = 0, have_cte = 0, composite = 0, encode = 0;
	int multipart = 0, skipping = 0;

	while (hend < b && ls->v[hend].n > 0)
		hend++;
	for (i = a; i < hend; i++) {
		if (header_is(&ls->v[i], "Content-Type")) {
			have_ct = 1;
			header_value(ls, i, hend, &ct);
		} else if (header_is(&ls->v[i], "Content-Transfer-Encoding")) {
			have_cte = 1;
			header_value(ls, i, hend, &cte);
		} else if (header_is(&ls->v[i], "MIME-Version"))
			have_mime = 1;
	}
	{
		const char *t = dstr_cstr(&ct);

		while (*t == ' ' || *t == '\t')
			t++;
		if (depth < MIME_MAX_DEPTH && strncasecmp(t, "multipart/", 10) == 0) {
			param(t, "boundary", &bnd);
			multipart = composite = bnd.len > 0;
		} else if (depth < MIME_MAX_DEPTH && strncasecmp(t, "message/rfc822", 14) == 0)
			composite = 1;
	}
	if (!composite) {
		const char *e = dstr_cstr(&cte);

		while (*e == ' ' || *e == '\t')
			e++;
		/* already 7-bit safe encodings stay as they are */
		encode = has_8bit(ls, hend < b ? hend + 1 : b, b) &&
		    strncasecmp(e, "base64", 6) != 0 && strncasecmp(e, "quoted-printable", 16) != 0;
	}
	/* the headers: a new encoding replaces the old one */
	for (i = a; i < hend; i++) {
		if (ls->v[i].n && (ls->v[i].s[0] == ' ' || ls->v[i].s[0] == '\t')) {
			if (!skipping)
				put_stripped(out, &ls->v[i]);
			continue;
		}
		skipping = (encode || composite) && header_is(&ls->v[i], "Content-Transfer-Encoding");
		if (!skipping)
			put_stripped(out, &ls->v[i]);
	}
	if (encode) {
		if (top && !have_mime)
			dstr_puts(out, "MIME-Version: 1.0\r\n");
		if (!have_ct)
			dstr_printf(out, "Content-Type: text/plain; charset=%s\r\n",
			    charset && *charset ? charset : "unknown-8bit");
		dstr_puts(out, "Content-Transfer-Encoding: quoted-printable\r\n");
	} else if (composite && have_cte)
		dstr_puts(out, "Content-Transfer-Encoding: 7bit\r\n");
	if (hend >= b)
		goto done;
	dstr_puts(out, "\r\n");
	if (multipart) {
		size_t start = 0;	/* first line of the current part, 0: none */
		int closed = 0;

		for (i = hend + 1; i < b; i++) {
			int kind = closed ? 0 : boundary_line(&ls->v[i], bnd.s, bnd.len);

			if (kind == 0) {
				if (!start)
					put_stripped(out, &ls->v[i]);	/* preamble, epilogue */
				continue;
			}
			if (start)
				entity(ls, start, i, depth + 1, 0, charset, out);
			put_stripped(out, &ls->v[i]);
			start = kind == 1 ? i + 1 : 0;
			closed = kind == 2;
		}
		if (start)		/* no closing boundary */
			entity(ls, start, b, depth + 1, 0, charset, out);
	} else if (composite)
		entity(ls, hend + 1, b, depth + 1, 0, charset, out);
	else
		for (i = hend + 1; i < b; i++) {
			if (encode)
				mime_qp_line(out, ls->v[i].s, ls->v[i].n);
			else
				put_stripped(out, &ls->v[i]);
		}
done:
	dstr_free(&ct);
	dstr_free(&cte);
	dstr_free(&bnd);
}

void
mime_to_7bit(const char *msg, size_t len, const char *charset, dstr *out)
{
	struct lines ls = { NULL, 0, 0 };

	split_lines(msg, len, &ls);
	entity(&ls, 0, ls.n, 0, 1, charset, out);
	free(ls.v);
}
