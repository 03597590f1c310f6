/* cf_reader: runs the cf grammar over a file and collects its items
 * (see cf_reader.h).  The parser's callbacks below turn the item being
 * built into an entry of struct cf_file. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "cf/cf_reader.h"
#include "cf/cf_reader_impl.h"
#include "cf/cf_grammar.h"

void
cf_item_word(struct cf_lexer *lx, const char *w)
{
	if (lx->nwords == lx->capwords) {
		lx->capwords = lx->capwords ? lx->capwords * 2 : 8;
		lx->words = xreallocarray(lx->words, lx->capwords, sizeof(char *));
	}
	lx->words[lx->nwords++] = (char *)w;
}

void
cf_item_done(struct cf_lexer *lx)
{
	struct cf_file *cf = lx->cf;
	struct cf_item *it;

	if (cf->nitems == cf->cap) {
		cf->cap = cf->cap ? cf->cap * 2 : 256;
		cf->items = xreallocarray(cf->items, cf->cap, sizeof(*cf->items));
	}
	it = &cf->items[cf->nitems++];
	*it = lx->cur;
	if (lx->nwords) {
		it->words = pool_memdup(lx->pool, lx->words, lx->nwords * sizeof(char *));
		it->nwords = lx->nwords;
	}
	lx->nwords = 0;
}

/* cf_item_error: a syntax error becomes an item of its own, so that a
 * consumer reports it in file order with its other messages. */
void
cf_item_error(struct cf_lexer *lx, const char *msg)
{
	struct cf_item saved = lx->cur;
	size_t nw = lx->nwords;

	memset(&lx->cur, 0, sizeof(lx->cur));
	lx->cur.kind = CF_ERROR;
	lx->cur.file = lx->name;
	lx->cur.line = lx->line_start;
	lx->cur.text = pool_strdup(lx->pool, msg);
	lx->nwords = 0;
	cf_item_done(lx);
	lx->cur = saved;
	lx->nwords = nw;
}

void
cf_item_drop(struct cf_lexer *lx)
{
	lx->nwords = 0;
}

int
cf_read_buffer(const char *name, const char *text, size_t len,
    struct cf_file *cf, dstr *errs)
{
	struct cf_lexer lx;

	if (cf->pool == NULL)
		cf->pool = pool_new();
	cf_lex_init(&lx, pool_strdup(cf->pool, name), text, len, cf, errs);
	cfg_parse(&lx);
	cf_lex_free(&lx);
	return 0;
}

int
cf_read(const char *path, struct cf_file *cf, dstr *errs)
{
	dstr buf = DSTR_INIT;
	char chunk[65536];
	ssize_t n;
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errs) {
			cf_put_where(errs, path, 0);
			dstr_printf(errs, "cannot open: %s\n", strerror(errno));
		}
		return -1;
	}
	while ((n = read(fd, chunk, sizeof(chunk))) > 0)
		dstr_append(&buf, chunk, (size_t)n);
	close(fd);
	rc = cf_read_buffer(path, dstr_cstr(&buf), buf.len, cf, errs);
	dstr_free(&buf);
	return rc;
}

void
cf_file_free(struct cf_file *cf)
{
	pool_free(cf->pool);
	free(cf->items);
	memset(cf, 0, sizeof(*cf));
}

void
cf_put_where(dstr *out, const char *file, int line)
{
	size_t n = strlen(file);

	if (n < 83)
		dstr_puts(out, file);
	else {
		dstr_append(out, file, 40);
		dstr_puts(out, "...");
		dstr_puts(out, file + n - 40);
	}
	dstr_printf(out, ": line %d: ", line);
}
