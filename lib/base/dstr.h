/* dstr: the one growable byte string of Sendwell.  Always NUL-terminated
 * (s[len] == 0) but may hold NULs inside; used for all network and file
 * input so nothing is read into a fixed array. */
#ifndef SW_DSTR_H
#define SW_DSTR_H
#include <stddef.h>
#include <stdarg.h>

typedef struct dstr {
	char *s;		/* contents, NUL-terminated, never NULL after init */
	size_t len;		/* bytes used, excluding the terminator */
	size_t cap;		/* bytes allocated */
} dstr;

#define DSTR_INIT { NULL, 0, 0 }

void dstr_init(dstr *d);
void dstr_free(dstr *d);
void dstr_clear(dstr *d);	/* len = 0, keep the allocation */
void dstr_reserve(dstr *d, size_t extra);
void dstr_putc(dstr *d, int c);
void dstr_append(dstr *d, const void *p, size_t n);
void dstr_puts(dstr *d, const char *s);
void dstr_set(dstr *d, const char *s);
void dstr_printf(dstr *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dstr_vprintf(dstr *d, const char *fmt, va_list ap);
void dstr_truncate(dstr *d, size_t len);
/* dstr_cstr: the contents; "" for a string never written. */
const char *dstr_cstr(const dstr *d);
/* dstr_steal: hand the buffer to the caller and reset d. */
char *dstr_steal(dstr *d);

#endif
