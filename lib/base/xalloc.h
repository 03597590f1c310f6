/* xalloc: allocation that never returns NULL.  Running out of memory is
 * fatal (logged, exit EX_OSERR), so callers never test for it.  Used by
 * every module of Sendwell. */
#ifndef SW_XALLOC_H
#define SW_XALLOC_H
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* xreallocarray: grow an array of count elements of size bytes, checking
 * the multiplication for overflow. */
void *xreallocarray(void *p, size_t count, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xmemdup(const void *p, size_t n);

#endif
