/* pool: arena allocator in chunks; large requests get their own chunk. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdalign.h>
#include <sysexits.h>
#include "base/pool.h"
#include "base/xalloc.h"
#include "base/log.h"

#define CHUNK_SIZE 8192

struct chunk {
	struct chunk *next;
	size_t used, size;
	alignas(max_align_t) unsigned char data[];
};

struct pool {
	struct chunk *head;
};

pool *
pool_new(void)
{
	return xcalloc(1, sizeof(pool));
}

void
pool_free(pool *p)
{
	struct chunk *c, *n;

	if (p == NULL)
		return;
	for (c = p->head; c; c = n) {
		n = c->next;
		free(c);
	}
	free(p);
}

void *
pool_alloc(pool *p, size_t n)
{
	const size_t a = alignof(max_align_t);
	struct chunk *c = p->head;
	void *r;

	if (n > SIZE_MAX - a)
		msg_fatal(EX_OSERR, "pool allocation too large");
	n = (n + a - 1) & ~(a - 1);
	if (n == 0)
		n = a;
	if (c == NULL || c->size - c->used < n) {
		size_t size = n > CHUNK_SIZE / 4 ? n : CHUNK_SIZE;

		c = xmalloc(sizeof(*c) + size);
		c->used = 0;
		c->size = size;
		if (n > CHUNK_SIZE / 4 && p->head) {
			/* keep the current chunk in front for small requests */
			c->next = p->head->next;
			p->head->next = c;
		} else {
			c->next = p->head;
			p->head = c;
		}
	}
	r = c->data + c->used;
	c->used += n;
	memset(r, 0, n);
	return r;
}

void *
pool_memdup(pool *p, const void *src, size_t n)
{
	void *d = pool_alloc(p, n);

	if (n)
		memcpy(d, src, n);
	return d;
}

char *
pool_strndup(pool *p, const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *d = pool_alloc(p, len + 1);

	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

char *
pool_strdup(pool *p, const char *s)
{
	return pool_strndup(p, s, SIZE_MAX);
}
