/* version: the version Sendwell reports.  $v carries the sendmail
 * release whose behaviour Sendwell follows, so rulesets and scripts that
 * test it keep working; Sendwell's own version is shown beside it where
 * sendmail shows its version to people (-d0.1, the SMTP greeting). */
#ifndef SW_VERSION_H
#define SW_VERSION_H
#define SENDWELL_VERSION "0.1.0"
#define SENDWELL_COMPAT_VERSION "8.17.1.9"
#define SENDWELL_VERSION_TEXT "Sendwell " SENDWELL_VERSION
#endif
