/* mutf7: modified UTF-7 <-> UTF-8 (see mutf7.h).  Pure functions over
 * NUL-terminated strings; fuzzed through the IMAP harness. */
#include "config.h"
#include <stdint.h>
#include <string.h>
#include "store/mutf7.h"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+,";

static int
b64val(int c)
{
	const char *p;

	if (c == 0 || (p = strchr(b64, c)) == NULL)
		return -1;
	return (int)(p - b64);
}

static void
put_utf8(dstr *out, uint32_t cp)
{
	if (cp < 0x80)
		dstr_putc(out, (int)cp);
	else if (cp < 0x800) {
		dstr_putc(out, (int)(0xc0 | (cp >> 6)));
		dstr_putc(out, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		dstr_putc(out, (int)(0xe0 | (cp >> 12)));
		dstr_putc(out, (int)(0x80 | ((cp >> 6) & 0x3f)));
		dstr_putc(out, (int)(0x80 | (cp & 0x3f)));
	} else {
		dstr_putc(out, (int)(0xf0 | (cp >> 18)));
		dstr_putc(out, (int)(0x80 | ((cp >> 12) & 0x3f)));
		dstr_putc(out, (int)(0x80 | ((cp >> 6) & 0x3f)));
		dstr_putc(out, (int)(0x80 | (cp & 0x3f)));
	}
}

/* decode one &...- run starting after '&'; *pp is advanced past '-' */
static int
decode_run(const char **pp, dstr *out)
{
	const char *p = *pp;
	uint32_t acc = 0, hi = 0;
	int bits = 0, v, units = 0;

	for (; *p && *p != '-'; p++) {
		if ((v = b64val((unsigned char)*p)) < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 16) {
			uint32_t u;

			bits -= 16;
			u = (acc >> bits) & 0xffff;
			acc &= (1u << bits) - 1;
			units++;
			if (hi) {
				if (u < 0xdc00 || u > 0xdfff)
					return -1;
				put_utf8(out, 0x10000 + ((hi - 0xd800) << 10) + (u - 0xdc00));
				hi = 0;
			} else if (u >= 0xd800 && u <= 0xdbff)
				hi = u;
			else if (u >= 0xdc00 && u <= 0xdfff)
				return -1;
			else if (u >= 0x20 && u <= 0x7e)
				return -1;	/* printable ASCII must not be encoded */
			else
				put_utf8(out, u);
		}
	}
	if (*p != '-' || hi || bits >= 6 || acc != 0 || units == 0)
		return -1;
	*pp = p + 1;
	return 0;
}

int
mutf7_to_utf8(dstr *out, const char *s)
{
	const char *p = s;

	while (*p) {
		unsigned char c = (unsigned char)*p;

		if (c < 0x20 || c > 0x7e)
			return -1;
		if (c != '&') {
			dstr_putc(out, c);
			p++;
			continue;
		}
		p++;
		if (*p == '-') {
			dstr_putc(out, '&');
			p++;
			continue;
		}
		if (decode_run(&p, out) < 0)
			return -1;
		/* two adjacent runs are not the shortest form */
		if (*p == '&' && p[1] != '-')
			return -1;
	}
	return 0;
}

int
mutf7_valid(const char *s)
{
	dstr d = DSTR_INIT;
	int r = mutf7_to_utf8(&d, s);

	dstr_free(&d);
	return r == 0;
}

/* next UTF-8 code point, -1 when invalid */
static int32_t
next_cp(const unsigned char **pp)
{
	const unsigned char *p = *pp;
	uint32_t cp;
	int n, i;

	if (p[0] < 0x80) {
		*pp = p + 1;
		return p[0];
	}
	if ((p[0] & 0xe0) == 0xc0) {
		cp = p[0] & 0x1f;
		n = 1;
	} else if ((p[0] & 0xf0) == 0xe0) {
		cp = p[0] & 0x0f;
		n = 2;
	} else if ((p[0] & 0xf8) == 0xf0) {
		cp = p[0] & 0x07;
		n = 3;
	} else
		return -1;
	for (i = 1; i <= n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return -1;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return -1;
	*pp = p + n + 1;
	return (int32_t)cp;
}

int
mutf7_from_utf8(dstr *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t acc = 0;
		int bits = 0;

		if (*p >= 0x20 && *p <= 0x7e) {
			if (*p == '&')
				dstr_puts(out, "&-");
			else
				dstr_putc(out, *p);
			p++;
			continue;
		}
		dstr_putc(out, '&');
		while (*p && !(*p >= 0x20 && *p <= 0x7e)) {
			int32_t cp = next_cp(&p);
			uint32_t units[2];
			int nu, i;

			if (cp < 0)
				return -1;
			if (cp >= 0x10000) {
				units[0] = 0xd800 + (((uint32_t)cp - 0x10000) >> 10);
				units[1] = 0xdc00 + (((uint32_t)cp - 0x10000) & 0x3ff);
				nu = 2;
			} else {
				units[0] = (uint32_t)cp;
				nu = 1;
			}
			for (i = 0; i < nu; i++) {
				acc = (acc << 16) | units[i];
				bits += 16;
				while (bits >= 6) {
					bits -= 6;
					dstr_putc(out, b64[(acc >> bits) & 0x3f]);
				}
				acc &= (1u << bits) - 1;
			}
		}
		if (bits)
			dstr_putc(out, b64[(acc << (6 - bits)) & 0x3f]);
		dstr_putc(out, '-');
	}
	return 0;
}
