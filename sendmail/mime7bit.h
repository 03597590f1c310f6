/* mime7bit: a message made fit for a peer that takes 7-bit data only
 * (sendmail's EightBitMode=m, "mime8to7"): every MIME leaf part that
 * holds 8-bit text gets quoted-printable, the structure of multipart
 * and message/rfc822 entities is kept, their 8bit/binary encodings
 * become 7bit. */
#ifndef SW_MIME7BIT_H
#define SW_MIME7BIT_H
#include <stddef.h>
#include "base/dstr.h"

/* mime_to_7bit: msg (headers, blank line, body; CRLF or LF line ends,
 * leading dots already doubled for SMTP) converted into out with CRLF
 * line ends.  charset names 8-bit text that has no Content-Type. */
void mime_to_7bit(const char *msg, size_t len, const char *charset, dstr *out);

/* mime_qp_line: one line of text as quoted-printable with soft breaks
 * at 76 columns, and its CRLF */
void mime_qp_line(dstr *out, const char *s, size_t n);

#endif
