/* diag: collecting and printing cfcompiler's diagnostics (see diag.h).
 * Used by every check in cfcompiler/ and printed once by main. */
#include "config.h"
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "cfcompiler/diag.h"

void
diag_init(struct diag_list *l)
{
	memset(l, 0, sizeof(*l));
}

void
diag_free(struct diag_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->v[i].file);
		free(l->v[i].msg);
	}
	free(l->v);
	for (i = 0; i < l->nfiles; i++)
		free(l->files[i]);
	free(l->files);
	diag_init(l);
}

static int
same_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

void
diag_file(struct diag_list *l, const char *file)
{
	size_t i;

	if (file == NULL)
		return;
	for (i = 0; i < l->nfiles; i++)
		if (strcmp(l->files[i], file) == 0)
			return;
	l->files = xreallocarray(l->files, l->nfiles + 1, sizeof(char *));
	l->files[l->nfiles++] = xstrdup(file);
}

void
diag_add(struct diag_list *l, int sev, const char *file, int line,
    const char *fmt, ...)
{
	dstr m = DSTR_INIT;
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	dstr_vprintf(&m, fmt, ap);
	va_end(ap);
	for (i = 0; i < l->n; i++) {
		const struct diag *d = &l->v[i];

		if (d->sev == sev && d->line == line && same_str(d->file, file) &&
		    strcmp(d->msg, dstr_cstr(&m)) == 0) {
			dstr_free(&m);
			return;
		}
	}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	diag_file(l, file);
	l->v[l->n].sev = sev;
	l->v[l->n].file = file ? xstrdup(file) : NULL;
	l->v[l->n].line = line;
	l->v[l->n].msg = dstr_steal(&m);
	l->v[l->n].order = l->n;
	l->n++;
}

int
diag_at_line(const struct diag_list *l, const char *file, int line)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].line == line && same_str(l->v[i].file, file))
			return 1;
	return 0;
}

size_t
diag_count(const struct diag_list *l, int sev)
{
	size_t i, n = 0;

	for (i = 0; i < l->n; i++)
		if (l->v[i].sev == sev)
			n++;
	return n;
}

/* the file order used for sorting: diagnostics about the run come first */
static size_t
file_rank(const struct diag_list *l, const char *file)
{
	size_t i;

	if (file == NULL)
		return 0;
	for (i = 0; i < l->nfiles; i++)
		if (strcmp(l->files[i], file) == 0)
			return i + 1;
	return l->nfiles + 1;
}

static const struct diag_list *sort_list;

static int
cmp_diag(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	size_t rx = file_rank(sort_list, x->file), ry = file_rank(sort_list, y->file);

	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->order < y->order ? -1 : x->order > y->order;
}

void
diag_print(struct diag_list *l, FILE *fp)
{
	size_t i;

	sort_list = l;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_diag);
	sort_list = NULL;
	for (i = 0; i < l->n; i++) {
		const struct diag *d = &l->v[i];
		const char *sev = d->sev == DIAG_ERROR ? "error" : "warning";

		if (d->file && d->line > 0)
			fprintf(fp, "%s:%d: %s: %s\n", d->file, d->line, sev, d->msg);
		else if (d->file)
			fprintf(fp, "%s: %s: %s\n", d->file, sev, d->msg);
		else
			fprintf(fp, "cfcompiler: %s: %s\n", sev, d->msg);
	}
}
