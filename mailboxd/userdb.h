/* userdb: helpers userdb.c shares with auth.c's passwd-file passdb (the
 * functions the rest of mailboxd calls are declared in mailboxd.h). */
#ifndef SW_MAILBOXD_USERDB_H
#define SW_MAILBOXD_USERDB_H
#include "base/dstr.h"

struct mbconf;

struct pwfile_entry {
	char *fields[8];	/* user pass uid gid gecos home shell extra */
	char *line;
};

/* userdb_init: the configured userdb drivers are ones we have */
int userdb_init(const struct mbconf *c, dstr *err);
/* userdb_format_name: a username_format (%u %n %d, %L/%U case) */
void userdb_format_name(const char *fmt, const char *user, dstr *out);
/* userdb_args: a driver's args: the file, scheme= and username_format= */
void userdb_args(const char *args, const char **path, dstr *scheme, dstr *ufmt);
/* userdb_pwfile_find: user's line of a passwd-file; 1 found, 0 not,
 * -1 the file cannot be read.  e->line is to be freed. */
int userdb_pwfile_find(const char *path, const char *user, struct pwfile_entry *e);
/* userdb_extra_field: an extra field name=value of the line, or NULL */
const char *userdb_extra_field(const struct pwfile_entry *e, const char *name);

#endif
