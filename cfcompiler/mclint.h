/* mclint: the checks made on the .mc text itself, from mcscan's
 * reading: look-alike quotes, quotes and parentheses left open, unknown
 * FEATURE/MAILER/OSTYPE/DOMAIN/HACK names, FEATURE after MAILER, unknown
 * confXXX names ("did you mean"), the include line of cf.m4, library
 * macros used before it, and CR LF line ends.  Called by main. */
#ifndef CFC_MCLINT_H
#define CFC_MCLINT_H
#include "base/dstr.h"
#include "cfcompiler/confnames.h"
#include "cfcompiler/diag.h"
#include "cfcompiler/mcscan.h"

/* mclint_check: every check that needs only the .mc and the library.
 * lib_installed: libdir is the installed library (not a source tree),
 * so an include line that misses it is wrong, not just early. */
void mclint_check(const struct mc_scan *sc, const char *libdir,
    int lib_installed, const struct confnames *cn, struct diag_list *dl);
/* mclint_unclosed: m4 reached the end of the .mc inside a quoted string
 * (what 's') or an argument list ('a'); report where it began.  0 when
 * the scan does not see it that way (the caller then reports m4's own
 * message). */
int mclint_unclosed(const struct mc_scan *sc, int what, struct diag_list *dl);
/* mclint_cf_include: the include(`.../cf.m4') (or sinclude) call of
 * the .mc, NULL when there is none. */
const struct mc_call *mclint_cf_include(const struct mc_scan *sc);
/* mclint_codepoint_name: "‘ (U+2018)"-style text for a message. */
void mclint_codepoint_name(unsigned cp, dstr *out);

#endif
