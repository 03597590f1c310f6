/* mime: parse a message's MIME tree, look up header fields, decode
 * RFC 2047 words and dates (see mime.h).  Works on a CRLF buffer the
 * store hands over; never writes to it.  All results live in the pool. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include "base/xalloc.h"
#include "io/base64.h"
#include "store/mime.h"

size_t
mime_header_end(const char *buf, size_t len)
{
	const char *p;

	if (len >= 2 && buf[0] == '\r' && buf[1] == '\n')
		return 2;
	if (len >= 1 && buf[0] == '\n')
		return 1;
	p = memmem(buf, len, "\r\n\r\n", 4);
	if (p)
		return (size_t)(p - buf) + 4;
	p = memmem(buf, len, "\n\n", 2);
	if (p)
		return (size_t)(p - buf) + 2;
	return len;
}

/* end of the line starting at i (index after its LF, or len) */
static size_t
line_end(const char *buf, size_t len, size_t i)
{
	const char *nl = memchr(buf + i, '\n', len - i);

	return nl ? (size_t)(nl - buf) + 1 : len;
}

void
mime_header_each(const char *hdr, size_t len,
    void (*fn)(void *ctx, const char *name, size_t nlen, const char *field, size_t flen),
    void *ctx)
{
	size_t i = 0;

	while (i < len) {
		size_t start = i, e, nlen;
		const char *colon;

		e = line_end(hdr, len, i);
		if (e - i <= 2 && (hdr[i] == '\r' || hdr[i] == '\n'))
			break;	/* the empty line */
		i = e;
		while (i < len && (hdr[i] == ' ' || hdr[i] == '\t'))
			i = line_end(hdr, len, i);
		if (hdr[start] == ' ' || hdr[start] == '\t')
			continue;	/* stray continuation */
		colon = memchr(hdr + start, ':', e - start);
		if (colon == NULL)
			continue;
		nlen = (size_t)(colon - (hdr + start));
		while (nlen > 0 && (hdr[start + nlen - 1] == ' ' || hdr[start + nlen - 1] == '\t'))
			nlen--;
		fn(ctx, hdr + start, nlen, hdr + start, i - start);
	}
}

struct get_ctx {
	const char *name;
	size_t nlen;
	dstr *out;
	int found;
};

static void
unfold_value(dstr *out, const char *field, size_t flen)
{
	const char *colon = memchr(field, ':', flen);
	size_t i, start;

	if (colon == NULL)
		return;
	i = (size_t)(colon - field) + 1;
	while (i < flen && (field[i] == ' ' || field[i] == '\t'))
		i++;
	start = out->len;
	for (; i < flen; i++) {
		if (field[i] == '\r' || field[i] == '\n')
			continue;
		dstr_putc(out, field[i]);
	}
	while (out->len > start && (out->s[out->len - 1] == ' ' || out->s[out->len - 1] == '\t'))
		dstr_truncate(out, out->len - 1);
}

static void
get_cb(void *vctx, const char *name, size_t nlen, const char *field, size_t flen)
{
	struct get_ctx *g = vctx;

	if (g->found || nlen != g->nlen || strncasecmp(name, g->name, nlen) != 0)
		return;
	g->found = 1;
	unfold_value(g->out, field, flen);
}

int
mime_header_get(const char *hdr, size_t len, const char *name, dstr *out)
{
	struct get_ctx g = { name, strlen(name), out, 0 };

	mime_header_each(hdr, len, get_cb, &g);
	return g.found;
}

/* ---- Content-* parsing ---- */

static const char *
skip_cfws(const char *p)
{
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '(')
			return p;
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
		}
	}
}

static int
tspecial(int c)
{
	return c <= ' ' || c >= 127 || strchr("()<>@,;:\\\"/[]?=", c) != NULL;
}

/* token or quoted string at *pp; NULL when neither */
static const char *
take_value(pool *pl, const char **pp)
{
	const char *p = skip_cfws(*pp);
	dstr d = DSTR_INIT;
	const char *r;

	if (*p == '"') {
		p++;
		while (*p && *p != '"') {
			if (*p == '\\' && p[1])
				p++;
			dstr_putc(&d, *p++);
		}
		if (*p == '"')
			p++;
	} else {
		while (*p && !tspecial((unsigned char)*p))
			dstr_putc(&d, *p++);
		if (d.len == 0) {
			*pp = p;
			return NULL;
		}
	}
	r = pool_strdup(pl, dstr_cstr(&d));
	dstr_free(&d);
	*pp = p;
	return r;
}

static void
parse_params(pool *pl, const char *p, struct mime_param **out, size_t *n)
{
	struct mime_param *arr = NULL;
	size_t cnt = 0, cap = 0;

	for (;;) {
		const char *name, *value;

		p = skip_cfws(p);
		if (*p != ';')
			break;
		p++;
		name = take_value(pl, &p);
		p = skip_cfws(p);
		if (name == NULL || *p != '=') {
			while (*p && *p != ';')
				p++;
			continue;
		}
		p++;
		value = take_value(pl, &p);
		if (value == NULL)
			value = "";
		if (cnt == cap) {
			struct mime_param *na;

			cap = cap ? cap * 2 : 4;
			na = pool_alloc(pl, cap * sizeof(*na));
			if (cnt)
				memcpy(na, arr, cnt * sizeof(*na));
			arr = na;
		}
		arr[cnt].name = name;
		arr[cnt].value = value;
		cnt++;
		if (cnt > 64)
			break;
	}
	*out = arr;
	*n = cnt;
}

static const char *
param_value(const struct mime_param *ps, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(ps[i].name, name) == 0)
			return ps[i].value;
	return NULL;
}

static const char *
field_dup(pool *pl, const char *hdr, size_t len, const char *name)
{
	dstr d = DSTR_INIT;
	const char *r = NULL;

	if (mime_header_get(hdr, len, name, &d))
		r = pool_strdup(pl, dstr_cstr(&d));
	dstr_free(&d);
	return r;
}

static void parse_part(pool *pl, struct mime_part *mp, const char *buf,
    size_t off, size_t len, int depth, int digest_default);

static size_t
count_lines(const char *p, size_t len)
{
	size_t n = 0;
	const char *e = p + len;

	while (p < e && (p = memchr(p, '\n', (size_t)(e - p))) != NULL) {
		n++;
		p++;
	}
	return n;
}

/* is the line at buf[i..e) a delimiter for boundary b? 1 part, 2 close */
static int
is_delim(const char *buf, size_t i, size_t e, const char *b, size_t blen)
{
	size_t j;

	if (e - i < 2 + blen || buf[i] != '-' || buf[i + 1] != '-' ||
	    memcmp(buf + i + 2, b, blen) != 0)
		return 0;
	j = i + 2 + blen;
	if (j + 1 < e && buf[j] == '-' && buf[j + 1] == '-')
		return 2;
	for (; j < e; j++)
		if (buf[j] != ' ' && buf[j] != '\t' && buf[j] != '\r' && buf[j] != '\n')
			return 0;
	return 1;
}

static void
parse_multipart(pool *pl, struct mime_part *mp, const char *buf, const char *boundary, int depth)
{
	size_t blen = strlen(boundary), i = mp->body_off, end = mp->body_off + mp->body_len;
	size_t part_start = 0, cap = 0;
	int in_part = 0, digest = strcasecmp(mp->subtype, "digest") == 0;

	while (i < end) {
		size_t e = line_end(buf, end, i);
		int d = is_delim(buf, i, e, boundary, blen);

		if (d) {
			if (in_part) {
				size_t pend = i;
				struct mime_part *c;

				/* the CRLF before the delimiter belongs to it */
				if (pend > part_start && buf[pend - 1] == '\n')
					pend--;
				if (pend > part_start && buf[pend - 1] == '\r')
					pend--;
				if (mp->nchildren == cap) {
					struct mime_part *na;

					cap = cap ? cap * 2 : 4;
					na = pool_alloc(pl, cap * sizeof(*na));
					if (mp->nchildren)
						memcpy(na, mp->children, mp->nchildren * sizeof(*na));
					mp->children = na;
				}
				c = &mp->children[mp->nchildren++];
				parse_part(pl, c, buf, part_start, pend - part_start, depth + 1, digest);
			}
			if (d == 2)
				return;
			in_part = 1;
			part_start = e;
		}
		i = e;
	}
	if (in_part && part_start < end) {
		/* unterminated last part: up to the end */
		struct mime_part *c;

		if (mp->nchildren == cap) {
			struct mime_part *na = pool_alloc(pl, (cap + 1) * sizeof(*na));

			if (mp->nchildren)
				memcpy(na, mp->children, mp->nchildren * sizeof(*na));
			mp->children = na;
		}
		c = &mp->children[mp->nchildren++];
		parse_part(pl, c, buf, part_start, end - part_start, depth + 1, digest);
	}
}

static void
parse_part(pool *pl, struct mime_part *mp, const char *buf, size_t off, size_t len,
    int depth, int digest_default)
{
	const char *hdr = buf + off, *ct, *p;
	size_t hlen = mime_header_end(hdr, len);

	mp->hdr_off = off;
	mp->hdr_len = hlen;
	mp->body_off = off + hlen;
	mp->body_len = len - hlen;
	mp->body_lines = count_lines(buf + mp->body_off, mp->body_len);
	ct = field_dup(pl, hdr, hlen, "Content-Type");
	mp->type = digest_default ? "message" : "text";
	mp->subtype = digest_default ? "rfc822" : "plain";
	if (ct) {
		const char *t, *s = NULL;

		p = ct;
		t = take_value(pl, &p);
		p = skip_cfws(p);
		if (t && *p == '/') {
			p++;
			s = take_value(pl, &p);
		}
		if (t && s) {
			mp->type = t;
			mp->subtype = s;
			mp->has_ctype = 1;
		}
		parse_params(pl, p, &mp->params, &mp->nparams);
	}
	mp->id = field_dup(pl, hdr, hlen, "Content-ID");
	mp->description = field_dup(pl, hdr, hlen, "Content-Description");
	mp->encoding = field_dup(pl, hdr, hlen, "Content-Transfer-Encoding");
	if (mp->encoding) {
		p = mp->encoding;
		mp->encoding = take_value(pl, &p);
	}
	mp->md5 = field_dup(pl, hdr, hlen, "Content-MD5");
	mp->language = field_dup(pl, hdr, hlen, "Content-Language");
	mp->location = field_dup(pl, hdr, hlen, "Content-Location");
	p = field_dup(pl, hdr, hlen, "Content-Disposition");
	if (p) {
		mp->disposition = take_value(pl, &p);
		if (mp->disposition)
			parse_params(pl, p, &mp->dparams, &mp->ndparams);
	}
	if (depth >= MIME_MAX_DEPTH)
		return;
	if (strcasecmp(mp->type, "multipart") == 0) {
		const char *b = param_value(mp->params, mp->nparams, "boundary");

		if (b && *b)
			parse_multipart(pl, mp, buf, b, depth);
	} else if (strcasecmp(mp->type, "message") == 0 &&
	    strcasecmp(mp->subtype, "rfc822") == 0) {
		mp->message = pool_alloc(pl, sizeof(*mp->message));
		parse_part(pl, mp->message, buf, mp->body_off, mp->body_len, depth + 1, 0);
	}
}

struct mime_part *
mime_parse(pool *pl, const char *buf, size_t len)
{
	struct mime_part *root = pool_alloc(pl, sizeof(*root));

	parse_part(pl, root, buf, 0, len, 0, 0);
	return root;
}

const struct mime_part *
mime_section(const struct mime_part *root, const unsigned *nums, size_t n)
{
	const struct mime_part *cur = root, *box;
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned k = nums[i];

		/* the node whose parts number k counts */
		if (i == 0)
			box = root;
		else if (cur->message)
			box = cur->message;
		else if (cur->nchildren)
			box = cur;
		else
			return NULL;
		if (box->nchildren) {
			if (k == 0 || k > box->nchildren)
				return NULL;
			cur = &box->children[k - 1];
		} else if (k == 1)
			cur = box;	/* a single-part body is its own part 1 */
		else
			return NULL;
	}
	return cur;
}

/* ---- RFC 2047 ---- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* decode one encoded word at s (length up to e); bytes written to out;
 * returns chars consumed or 0 when it is not an encoded word */
static size_t
decode_word(dstr *out, const char *s, const char *e)
{
	const char *cs, *q1, *q2, *end;
	dstr raw = DSTR_INIT;
	int latin1;
	char enc;

	if (e - s < 8 || s[0] != '=' || s[1] != '?')
		return 0;
	cs = s + 2;
	q1 = memchr(cs, '?', (size_t)(e - cs));
	if (q1 == NULL || q1 + 3 >= e || q1[2] != '?')
		return 0;
	enc = (char)toupper((unsigned char)q1[1]);
	if (enc != 'Q' && enc != 'B')
		return 0;
	q2 = q1 + 3;
	end = q2;
	while (end + 1 < e && !(end[0] == '?' && end[1] == '='))
		end++;
	if (end + 1 >= e)
		return 0;
	if (enc == 'B') {
		if (base64_decode(&raw, q2, (size_t)(end - q2)) < 0) {
			dstr_free(&raw);
			return 0;
		}
	} else {
		const char *p;

		for (p = q2; p < end; p++) {
			if (*p == '_')
				dstr_putc(&raw, ' ');
			else if (*p == '=' && p + 2 < end + 1 && hexval((unsigned char)p[1]) >= 0 &&
			    hexval((unsigned char)p[2]) >= 0) {
				dstr_putc(&raw, hexval((unsigned char)p[1]) * 16 + hexval((unsigned char)p[2]));
				p += 2;
			} else
				dstr_putc(&raw, *p);
		}
	}
	latin1 = (q1 - cs == 10 && strncasecmp(cs, "iso-8859-1", 10) == 0) ||
	    (q1 - cs == 12 && strncasecmp(cs, "windows-1252", 12) == 0);
	if (latin1) {
		size_t i;

		for (i = 0; i < raw.len; i++) {
			unsigned char c = (unsigned char)raw.s[i];

			if (c < 0x80)
				dstr_putc(out, c);
			else {
				dstr_putc(out, 0xc0 | (c >> 6));
				dstr_putc(out, 0x80 | (c & 0x3f));
			}
		}
	} else
		dstr_append(out, raw.s ? raw.s : "", raw.len);
	dstr_free(&raw);
	return (size_t)(end + 2 - s);
}

void
mime_decode_words(dstr *out, const char *s, size_t len)
{
	const char *p = s, *e = s + len;
	int last_was_word = 0;

	while (p < e) {
		size_t n = decode_word(out, p, e);

		if (n) {
			p += n;
			last_was_word = 1;
			continue;
		}
		if (last_was_word && (*p == ' ' || *p == '\t')) {
			/* white space between two encoded words disappears */
			const char *q = p;

			while (q < e && (*q == ' ' || *q == '\t' || *q == '\r' || *q == '\n'))
				q++;
			if (q < e && q[0] == '=' && q + 1 < e && q[1] == '?') {
				dstr tmp = DSTR_INIT;

				if (decode_word(&tmp, q, e)) {
					dstr_free(&tmp);
					p = q;
					continue;
				}
				dstr_free(&tmp);
			}
		}
		last_was_word = 0;
		dstr_putc(out, *p++);
	}
}

/* ---- dates ---- */

static const char *const months[] = {
	"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"
};

static int
month_of(const char *p)
{
	int i;

	for (i = 0; i < 12; i++)
		if (strncasecmp(p, months[i], 3) == 0)
			return i;
	return -1;
}

static const char *
skip_ws(const char *p)
{
	return skip_cfws(p);
}

long long
mime_parse_date(const char *s, int *tzoff)
{
	struct tm tm;
	const char *p = skip_ws(s);
	char *end;
	long v;
	int off = 0, sign = 1;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	if (isalpha((unsigned char)*p)) {
		while (isalpha((unsigned char)*p))
			p++;
		p = skip_ws(p);
		if (*p == ',')
			p++;
		p = skip_ws(p);
	}
	v = strtol(p, &end, 10);
	if (end == p || v < 1 || v > 31)
		return -1;
	tm.tm_mday = (int)v;
	p = skip_ws(end);
	if ((tm.tm_mon = month_of(p)) < 0)
		return -1;
	while (isalpha((unsigned char)*p))
		p++;
	p = skip_ws(p);
	v = strtol(p, &end, 10);
	if (end == p || v < 0 || v > 9999)
		return -1;
	if (end - p <= 2)
		v += v < 50 ? 2000 : 1900;
	tm.tm_year = (int)v - 1900;
	p = skip_ws(end);
	v = strtol(p, &end, 10);
	if (end != p && *end == ':') {
		tm.tm_hour = (int)v % 24;
		p = end + 1;
		tm.tm_min = (int)strtol(p, &end, 10) % 60;
		p = end;
		if (*p == ':') {
			p++;
			tm.tm_sec = (int)strtol(p, &end, 10) % 61;
			p = end;
		}
		p = skip_ws(p);
		if (*p == '+' || *p == '-') {
			sign = *p == '-' ? -1 : 1;
			v = strtol(p + 1, &end, 10);
			if (end - (p + 1) == 4)
				off = sign * (int)((v / 100) * 60 + v % 100);
		} else if (strncasecmp(p, "EST", 3) == 0)
			off = -300;
		else if (strncasecmp(p, "EDT", 3) == 0 || strncasecmp(p, "CST", 3) == 0)
			off = strncasecmp(p, "EDT", 3) == 0 ? -240 : -360;
		else if (strncasecmp(p, "CDT", 3) == 0 || strncasecmp(p, "MST", 3) == 0)
			off = strncasecmp(p, "CDT", 3) == 0 ? -300 : -420;
		else if (strncasecmp(p, "MDT", 3) == 0 || strncasecmp(p, "PST", 3) == 0)
			off = strncasecmp(p, "MDT", 3) == 0 ? -360 : -480;
		else if (strncasecmp(p, "PDT", 3) == 0)
			off = -420;
	}
	t = timegm(&tm);
	if (tzoff)
		*tzoff = off;
	return (long long)t - (long long)off * 60;
}
