/* imapfmt: IMAP4rev1 renderings of message structure: ENVELOPE and
 * BODY/BODYSTRUCTURE lists (RFC 3501 7.4.2) and IMAP strings.  Lives in
 * the store because the index caches these texts; mailboxd's FETCH
 * sends them. */
#ifndef SW_STORE_IMAPFMT_H
#define SW_STORE_IMAPFMT_H
#include <stddef.h>
#include "base/dstr.h"
#include "store/mime.h"

/* imapfmt_string: s[0..len) as a quoted string, or as a literal when it
 * holds CR, LF or 8-bit bytes (NULs are dropped); NIL when s is NULL */
void imapfmt_string(dstr *out, const char *s, size_t len);
void imapfmt_nstring(dstr *out, const char *s);
/* imapfmt_envelope: the ENVELOPE list of the header hdr[0..len) */
void imapfmt_envelope(dstr *out, const char *hdr, size_t len);
/* imapfmt_body: BODYSTRUCTURE (extended=1) or BODY (extended=0) of part
 * mp of the message buf it was parsed from */
void imapfmt_body(dstr *out, const char *buf, const struct mime_part *mp, int extended);

#endif
