/* cflint: the checks made on the .cf that m4 wrote, each reported at
 * the .mc line responsible: text the .mc body copied into the .cf (a
 * missing dnl), syntax errors of lib/cf's reader, the warnings of the
 * MTA's own loader (sendmail/conf.c), and maps whose .db is missing or
 * older than its text.  Called by main after a successful m4 run. */
#ifndef CFC_CFLINT_H
#define CFC_CFLINT_H
#include "cf/cf_reader.h"
#include "cfcompiler/confnames.h"
#include "cfcompiler/diag.h"
#include "cfcompiler/m4run.h"
#include "cfcompiler/mcscan.h"

struct cflint {
	const char *cfname;	/* the .cf's name in messages */
	const char *libdir;
	const struct mc_scan *sc;
	const struct m4_result *m4;
	const struct confnames *cn;
	struct diag_list *dl;
};

/* cflint_check: run every check; path is a file holding m4->out (the
 * MTA's loader reads files, not memory). */
void cflint_check(const struct cflint *x, const char *path);
/* cflint_blame: the input file and line a .cf line (1-based) comes
 * from: its own origin when that is the .mc (or a file it includes),
 * otherwise the .mc line that asked the library for it (it: the item
 * at that line, may be NULL).  *direct is 1 for the first case. */
void cflint_blame(const struct cflint *x, int cfline, const struct cf_item *it,
    const char **file, int *line, int *direct);
/* cflint_map_file: for a K line value ("hash -o /etc/mail/access"), the
 * class ("hash" or "btree"), text file and .db file of such a map and
 * whether it is optional (-o).  0 when it is not such a map. */
int cflint_map_file(const char *value, const char **cls, dstr *text, dstr *db,
    int *optional);
/* cflint_feature_of_map: the FEATURE that declares a map by this name
 * (access -> access_db), NULL when none does. */
const char *cflint_feature_of_map(const char *mapname);

#endif
