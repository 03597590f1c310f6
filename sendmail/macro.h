/* macro: sendmail's macros ($x, ${name}): ids, tables with a parent for
 * per-envelope overlays, and expansion with $?x ... $| ... $.
 * conditionals.  Used by the config loader, the rule engine, headers and
 * the SMTP server. */
#ifndef SW_MACRO_H
#define SW_MACRO_H
#include <stddef.h>
#include "base/dstr.h"

#define MACRO_NONE (-1)

/* macro_id: the id of a macro name: one character, or a long name
 * (without braces).  A long name of one character is that character. */
int macro_id(const char *name, size_t len);
/* macro_name: the name as the config spells it: "x" or "{name}". */
const char *macro_name(int id);
/* macro_parse_ref: at *p (just after a '$'), read "x" or "{name}";
 * advance *p; MACRO_NONE if nothing usable. */
int macro_parse_ref(const char **p);

struct macro_table {
	char **v;		/* values by id, NULL when undefined */
	size_t cap;
	const struct macro_table *parent;	/* consulted when undefined here */
};

void macro_table_init(struct macro_table *mt, const struct macro_table *parent);
void macro_table_free(struct macro_table *mt);
void macro_set(struct macro_table *mt, int id, const char *value);
void macro_set_name(struct macro_table *mt, const char *name, const char *value);
const char *macro_get(const struct macro_table *mt, int id);
const char *macro_get_name(const struct macro_table *mt, const char *name);
/* macro_expand: expand $x, ${x}, $&x, $$ and conditionals in s, values
 * expanded recursively. */
void macro_expand(const struct macro_table *mt, const char *s, dstr *out);

#endif
