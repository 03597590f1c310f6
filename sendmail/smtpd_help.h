/* smtpd_help: the SMTP HELP command's answer from the HelpFile, as
 * sendmail 8.17 gives it: the topic ("smtp" when none) is lowercased and
 * every line whose key begins with it is printed as a 214-2.0.0 line.
 * Used by the SMTP server (smtpd.c). */
#ifndef SW_SMTPD_HELP_H
#define SW_SMTPD_HELP_H
#include "base/dstr.h"
#include "sendmail/macro.h"

/* smtpd_help: the whole reply (one or more CRLF-ended lines) for
 * "HELP topic" (topic may be ""), with helpfile (NULL or "" when the
 * option is unset) and the session's macros for $-expansion (version 2
 * help files only); version is $v for the "not implemented" answer. */
void smtpd_help(const char *helpfile, const char *topic, const struct macro_table *mt,
    const char *version, dstr *reply);

#endif
