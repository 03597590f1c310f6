/* class: sendmail's classes ($=X, $~X): sets of words or phrases,
 * matched without regard to case.  One table per config; words are kept
 * as sendmail keeps its symbol table, so `$=X` in -bt lists them in the
 * same order.  Class ids are macro ids (see macro.h). */
#ifndef SW_CLASS_H
#define SW_CLASS_H
#include <stddef.h>
#include "base/dstr.h"

struct class_table;

struct class_table *class_table_new(void);
void class_table_free(struct class_table *ct);
void class_add(struct class_table *ct, int cls, const char *word);
int class_has(const struct class_table *ct, int cls, const char *word, size_t len);
/* class_maxlen: length of the longest member of cls (0 when empty), so
 * a phrase match can stop early. */
size_t class_maxlen(const struct class_table *ct, int cls);
/* class_list: members of cls, one per line, in sendmail's order. */
void class_list(const struct class_table *ct, int cls, dstr *out);

#endif
