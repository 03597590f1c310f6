/* base64: RFC 4648 base64 (see base64.h); the alphabet with '+' and '/'
 * and '=' padding that SASL and MIME use. */
#include "config.h"
#include <string.h>
#include "io/base64.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
base64_encode(dstr *out, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	if (n == 0)
		return;	/* (reserving room would leave an empty dstr unterminated) */
	dstr_reserve(out, (n + 2) / 3 * 4);
	for (i = 0; i + 2 < n; i += 3) {
		dstr_putc(out, alphabet[b[i] >> 2]);
		dstr_putc(out, alphabet[((b[i] & 3) << 4) | (b[i + 1] >> 4)]);
		dstr_putc(out, alphabet[((b[i + 1] & 15) << 2) | (b[i + 2] >> 6)]);
		dstr_putc(out, alphabet[b[i + 2] & 63]);
	}
	if (n - i == 1) {
		dstr_putc(out, alphabet[b[i] >> 2]);
		dstr_putc(out, alphabet[(b[i] & 3) << 4]);
		dstr_puts(out, "==");
	} else if (n - i == 2) {
		dstr_putc(out, alphabet[b[i] >> 2]);
		dstr_putc(out, alphabet[((b[i] & 3) << 4) | (b[i + 1] >> 4)]);
		dstr_putc(out, alphabet[(b[i + 1] & 15) << 2]);
		dstr_putc(out, '=');
	}
}

static int
value_of(int c)
{
	const char *p;

	if (c == 0 || (p = strchr(alphabet, c)) == NULL)
		return -1;
	return (int)(p - alphabet);
}

int
base64_decode(dstr *out, const char *s, size_t n)
{
	unsigned long acc = 0;
	size_t i, pad = 0, bits = 0;

	if (n % 4 != 0)
		return -1;
	for (i = 0; i < n; i++) {
		int v;

		if (s[i] == '=') {
			if (i < n - 2)
				return -1;
			pad++;
			continue;
		}
		if (pad)
			return -1;
		if ((v = value_of((unsigned char)s[i])) < 0)
			return -1;
		acc = (acc << 6) | (unsigned long)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			dstr_putc(out, (int)((acc >> bits) & 0xff));
		}
	}
	/* leftover bits must be zero padding */
	if (bits && (acc & ((1ul << bits) - 1)) != 0)
		return -1;
	return 0;
}
