/* xalloc: allocation wrappers that die with a log line on exhaustion. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sysexits.h>
#include "base/xalloc.h"
#include "base/log.h"

static void *
check(void *p, size_t n)
{
	if (p == NULL && n != 0)
		msg_fatal(EX_OSERR, "out of memory allocating %zu bytes", n);
	return p;
}

void *
xmalloc(size_t n)
{
	return check(malloc(n ? n : 1), n ? n : 1);
}

void *
xcalloc(size_t count, size_t size)
{
	if (count == 0 || size == 0)
		count = size = 1;
	return check(calloc(count, size), count * size);
}

void *
xrealloc(void *p, size_t n)
{
	return check(realloc(p, n ? n : 1), n ? n : 1);
}

void *
xreallocarray(void *p, size_t count, size_t size)
{
	if (size != 0 && count > SIZE_MAX / size)
		msg_fatal(EX_OSERR, "allocation overflow: %zu x %zu", count, size);
	return xrealloc(p, count * size);
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = xmalloc(len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

void *
xmemdup(const void *p, size_t n)
{
	void *d = xmalloc(n);

	if (n)
		memcpy(d, p, n);
	return d;
}
