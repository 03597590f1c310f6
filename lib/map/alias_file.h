/* alias_file: reads an aliases text file ("name: value", continuation
 * lines starting with a blank, '#' comments) and hands each entry, with
 * its line number, to a callback.  Used by the implicit map (aliases
 * without a database) and by newaliases. */
#ifndef SW_ALIAS_FILE_H
#define SW_ALIAS_FILE_H
#include "base/dstr.h"

/* fn returns 0 to go on, nonzero to stop.  Syntax problems are reported
 * in err as "<file>: line <n>: <message>" lines and the entry skipped.
 * Returns the number of entries, -1 if the file cannot be read. */
int alias_file_read(const char *path,
    int (*fn)(void *arg, const char *name, const char *value, int line),
    void *arg, dstr *err);

#endif
