/* dstr: growable strings (see dstr.h). */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sysexits.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "base/log.h"

void
dstr_init(dstr *d)
{
	d->s = NULL;
	d->len = d->cap = 0;
}

void
dstr_free(dstr *d)
{
	free(d->s);
	dstr_init(d);
}

void
dstr_clear(dstr *d)
{
	d->len = 0;
	if (d->s)
		d->s[0] = '\0';
}

void
dstr_reserve(dstr *d, size_t extra)
{
	size_t need, cap;

	if (extra > SIZE_MAX - d->len - 1)
		msg_fatal(EX_OSERR, "string too long");
	need = d->len + extra + 1;
	if (need <= d->cap)
		return;
	cap = d->cap ? d->cap : 32;
	while (cap < need)
		cap = cap > SIZE_MAX / 2 ? need : cap * 2;
	d->s = xrealloc(d->s, cap);
	d->cap = cap;
	d->s[d->len] = '\0';	/* a fresh buffer is a valid empty string too */
}

void
dstr_putc(dstr *d, int c)
{
	dstr_reserve(d, 1);
	d->s[d->len++] = (char)c;
	d->s[d->len] = '\0';
}

void
dstr_append(dstr *d, const void *p, size_t n)
{
	dstr_reserve(d, n);
	if (n)
		memcpy(d->s + d->len, p, n);
	d->len += n;
	d->s[d->len] = '\0';
}

void
dstr_puts(dstr *d, const char *s)
{
	dstr_append(d, s, strlen(s));
}

void
dstr_set(dstr *d, const char *s)
{
	dstr_clear(d);
	dstr_puts(d, s);
}

void
dstr_vprintf(dstr *d, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		msg_fatal(EX_SOFTWARE, "dstr_vprintf: bad format");
	dstr_reserve(d, (size_t)n);
	vsnprintf(d->s + d->len, (size_t)n + 1, fmt, ap);
	d->len += (size_t)n;
}

void
dstr_printf(dstr *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	dstr_vprintf(d, fmt, ap);
	va_end(ap);
}

void
dstr_truncate(dstr *d, size_t len)
{
	if (len < d->len) {
		d->len = len;
		d->s[len] = '\0';
	}
}

const char *
dstr_cstr(const dstr *d)
{
	return d->s ? d->s : "";
}

char *
dstr_steal(dstr *d)
{
	char *s = d->s ? d->s : xstrdup("");

	dstr_init(d);
	return s;
}
