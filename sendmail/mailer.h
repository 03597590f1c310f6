/* mailer: M lines: the builtin mailers (prog, *file*, *include*), the
 * parsing of a mailer definition's fields, and -bt's =M listing. */
#ifndef SW_MAILER_H
#define SW_MAILER_H
#include "base/dstr.h"
#include "sendmail/conf.h"

void mailer_setup_builtins(struct conf *c);
/* mailer_define: one M line: name and its "X=value" fields. */
int mailer_define(struct conf *c, const char *name, char **fields,
    size_t nfields, const char *file, int line);
/* mailer_resolve: S= and R= ruleset names, once the config is read */
void mailer_resolve(struct conf *c);
void mailer_free(struct mailer *m);
void mailer_print(const struct conf *c, const struct mailer *m, dstr *out);
int mailer_has_flag(const struct mailer *m, int flag);

#endif
