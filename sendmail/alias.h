/* alias: the aliases database: newaliases (sendmail -bi) rebuilds every
 * AliasFile from its text file, checking names as sendmail does; the
 * delivery code looks names up through alias_lookup(). */
#ifndef SW_ALIAS_H
#define SW_ALIAS_H
#include <stdio.h>
#include "sendmail/conf.h"

/* aliases_rebuild: returns sendmail's exit code; messages go to out. */
int aliases_rebuild(struct conf *c, FILE *out);
/* alias_open: define and open the AliasFile maps now (the daemon does
 * this before its children give up root) */
void alias_open(struct conf *c);
/* alias_lookup: the value of name in the AliasFile maps, or NULL.
 * *status gets MAP_OK or MAP_TEMPFAIL. */
char *alias_lookup(struct conf *c, const char *name, int *status);

#endif
