/* explain: says in plain words (English or Korean) what a sendmail.cf
 * does: listeners, local names, who may relay, maps, SMTP AUTH, TLS
 * files, local delivery, smart host and masquerading, from lib/cf's
 * items (and the .mc's FEATUREs when there is one).  Called by main
 * for --explain. */
#ifndef CFC_EXPLAIN_H
#define CFC_EXPLAIN_H
#include <stdio.h>
#include "cf/cf_reader.h"
#include "cfcompiler/mcscan.h"

enum explain_lang {
	EXPLAIN_EN,
	EXPLAIN_KO
};

/* explain_print: name is what was explained (the .mc or .cf path);
 * sc is the .mc's scan, or NULL when a .cf was given. */
void explain_print(FILE *fp, const struct cf_file *cf, const struct mc_scan *sc,
    const char *name, int lang);
/* explain_lang_from: "ko", "ko_KR.UTF-8" ... -> EXPLAIN_KO; -1 when the
 * text names no language we have, EXPLAIN_EN for en*, C and POSIX. */
int explain_lang_from(const char *s);

#endif
