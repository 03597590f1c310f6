/* expand: recipient resolution before delivery: each address goes
 * through rulesets 3 and 0; local recipients are expanded through the
 * aliases database, :include: files and the users' .forward files
 * (ForwardPath); unknown local users fail with "User unknown".  Used by
 * delivery, local submission and the SMTP server's RCPT checks. */
#ifndef SW_EXPAND_H
#define SW_EXPAND_H
#include "base/dstr.h"
#include "sendmail/conf.h"
#include "sendmail/envelope.h"

/* expand_recipients: resolve every pending recipient of e; new ones
 * from aliases are added to e, expanded ones marked done.  Failures set
 * the recipient's state to RS_FAILED with status and diag.  Messages
 * for the user (e.g. "x... User unknown") go to msgs when not NULL. */
void expand_recipients(struct conf *c, struct envelope *e, dstr *msgs);

/* split_address_list: the addresses of a comma-separated list, commas
 * inside quotes, angle brackets and comments not counting. */
size_t split_address_list(const char *list, char ***out);
void free_address_list(char **v, size_t n);

#endif
