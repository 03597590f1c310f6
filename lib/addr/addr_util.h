/* addr_util: turning token lists back into text (sendmail's cataddr)
 * and finding the address inside a header value ("crackaddr": the
 * template with $g where the address stands).  Used by -bt, header
 * rewriting and the SMTP server. */
#ifndef SW_ADDR_UTIL_H
#define SW_ADDR_UTIL_H
#include <stddef.h>
#include "base/dstr.h"
#include "addr/addr_token.h"

/* addr_cat: tokens joined; sep (usually ' ') is put between two tokens
 * that are both words, 0 for none. */
void addr_cat(const struct addr_syntax *syn, const struct tok *v, size_t n,
    int sep, dstr *out);
/* addr_crack: the template of addr with "$g" standing for the address. */
void addr_crack(const char *addr, dstr *out);

#endif
