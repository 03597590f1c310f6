/* pool: an arena for memory that lives as long as one session, message
 * or loaded config, freed in one call.  Allocation failure is fatal. */
#ifndef SW_POOL_H
#define SW_POOL_H
#include <stddef.h>

typedef struct pool pool;

pool *pool_new(void);
void pool_free(pool *p);	/* frees every allocation and the pool */
void *pool_alloc(pool *p, size_t n);	/* zeroed, aligned for any type */
char *pool_strdup(pool *p, const char *s);
char *pool_strndup(pool *p, const char *s, size_t n);
void *pool_memdup(pool *p, const void *src, size_t n);

#endif
