/* base64: RFC 4648 encoding for SASL exchanges (IMAP AUTHENTICATE, POP3
 * AUTH, SMTP AUTH) and MIME.  Used by io/saslsrv.c, mailboxd and the
 * SMTP code. */
#ifndef SW_IO_BASE64_H
#define SW_IO_BASE64_H
#include <stddef.h>
#include "base/dstr.h"

/* base64_encode: append the encoding of p[0..n) to out (no line breaks) */
void base64_encode(dstr *out, const void *p, size_t n);
/* base64_decode: append the decoding of s[0..n) to out; -1 (out left
 * with a partial result) on a character outside the alphabet or bad
 * padding.  Whitespace is refused: SASL does not allow it. */
int base64_decode(dstr *out, const char *s, size_t n);

#endif
