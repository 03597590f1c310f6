/* mutf7: IMAP's modified UTF-7 mailbox names (RFC 3501 5.1.3).  The
 * store keeps names in this form on disk (as dovecot does) and mailboxd
 * checks every name a client sends with mutf7_valid(). */
#ifndef SW_STORE_MUTF7_H
#define SW_STORE_MUTF7_H
#include "base/dstr.h"

/* mutf7_valid: 1 when s is well-formed modified UTF-7 (only printable
 * ASCII outside &...-, shift sequences that decode to UTF-16 with paired
 * surrogates, no needlessly encoded ASCII), else 0 */
int mutf7_valid(const char *s);
/* mutf7_to_utf8 / mutf7_from_utf8: append the conversion; -1 on invalid
 * input (out then holds a partial result) */
int mutf7_to_utf8(dstr *out, const char *s);
int mutf7_from_utf8(dstr *out, const char *s);

#endif
