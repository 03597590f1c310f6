/* class: word sets shared by all classes of a config (see class.h).  A
 * word is stored once with the list of classes it belongs to, in an
 * open-addressing hash keyed by its lower-case form.  Listing order
 * follows sendmail's symbol table: bucket (a shift-xor hash modulo
 * 2003) first, then first insertion. */
#include "config.h"
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "sendmail/class.h"

#define SM_STAB_SIZE 2003
#define SM_STAB_CLASS 1

struct word {
	char *lower;		/* lookup key */
	char *name;		/* as first added */
	size_t len;
	uint64_t seq;		/* insertion order */
	unsigned sm_bucket;	/* sendmail's symbol table bucket */
	int *cls;		/* classes holding this word */
	size_t ncls, capcls;
};

struct class_table {
	struct word **slot;	/* open addressing, power of two */
	size_t nslot, nword;
	uint64_t seq;
	size_t *maxlen;		/* by class id */
	size_t capmax;
};

static uint64_t
hash_fold(const char *s, size_t len)
{
	uint64_t h = 1469598103934665603ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

static unsigned
sm_bucket(const char *s)
{
	unsigned h = SM_STAB_CLASS;

	for (; *s; s++)
		h = ((h << 1) ^ (unsigned)(unsigned char)tolower((unsigned char)*s)) % SM_STAB_SIZE;
	return h;
}

struct class_table *
class_table_new(void)
{
	struct class_table *ct = xcalloc(1, sizeof(*ct));

	ct->nslot = 256;
	ct->slot = xcalloc(ct->nslot, sizeof(struct word *));
	return ct;
}

void
class_table_free(struct class_table *ct)
{
	size_t i;

	if (ct == NULL)
		return;
	for (i = 0; i < ct->nslot; i++) {
		struct word *w = ct->slot[i];

		if (w) {
			free(w->lower);
			free(w->name);
			free(w->cls);
			free(w);
		}
	}
	free(ct->slot);
	free(ct->maxlen);
	free(ct);
}

static int
key_eq(const struct word *w, const char *s, size_t len)
{
	size_t i;

	if (w->len != len)
		return 0;
	for (i = 0; i < len; i++)
		if (w->lower[i] != (char)tolower((unsigned char)s[i]))
			return 0;
	return 1;
}

static struct word **
find_slot(const struct class_table *ct, const char *s, size_t len)
{
	size_t mask = ct->nslot - 1, i = (size_t)hash_fold(s, len) & mask;

	while (ct->slot[i] != NULL && !key_eq(ct->slot[i], s, len))
		i = (i + 1) & mask;
	return &ct->slot[i];
}

static void
grow(struct class_table *ct)
{
	struct word **old = ct->slot;
	size_t n = ct->nslot, i;

	ct->nslot *= 2;
	ct->slot = xcalloc(ct->nslot, sizeof(struct word *));
	for (i = 0; i < n; i++)
		if (old[i])
			*find_slot(ct, old[i]->lower, old[i]->len) = old[i];
	free(old);
}

void
class_add(struct class_table *ct, int cls, const char *word)
{
	size_t len = strlen(word), i;
	struct word **sp, *w;

	if (cls < 0)
		return;
	if ((ct->nword + 1) * 2 > ct->nslot)
		grow(ct);
	sp = find_slot(ct, word, len);
	w = *sp;
	if (w == NULL) {
		w = xcalloc(1, sizeof(*w));
		w->name = xstrdup(word);
		w->lower = xstrdup(word);
		for (i = 0; i < len; i++)
			w->lower[i] = (char)tolower((unsigned char)w->lower[i]);
		w->len = len;
		w->seq = ct->seq++;
		w->sm_bucket = sm_bucket(word);
		*sp = w;
		ct->nword++;
	}
	for (i = 0; i < w->ncls; i++)
		if (w->cls[i] == cls)
			return;
	if (w->ncls == w->capcls) {
		w->capcls = w->capcls ? w->capcls * 2 : 4;
		w->cls = xreallocarray(w->cls, w->capcls, sizeof(int));
	}
	w->cls[w->ncls++] = cls;
	if ((size_t)cls >= ct->capmax) {
		size_t cap = ct->capmax ? ct->capmax : 512;

		while (cap <= (size_t)cls)
			cap *= 2;
		ct->maxlen = xreallocarray(ct->maxlen, cap, sizeof(size_t));
		memset(ct->maxlen + ct->capmax, 0, (cap - ct->capmax) * sizeof(size_t));
		ct->capmax = cap;
	}
	if (len > ct->maxlen[cls])
		ct->maxlen[cls] = len;
}

int
class_has(const struct class_table *ct, int cls, const char *word, size_t len)
{
	const struct word *w;
	size_t i;

	if (cls < 0 || (size_t)cls >= ct->capmax || len > ct->maxlen[cls])
		return 0;
	w = *find_slot(ct, word, len);
	if (w == NULL)
		return 0;
	for (i = 0; i < w->ncls; i++)
		if (w->cls[i] == cls)
			return 1;
	return 0;
}

size_t
class_maxlen(const struct class_table *ct, int cls)
{
	if (cls < 0 || (size_t)cls >= ct->capmax)
		return 0;
	return ct->maxlen[cls];
}

static int
cmp_order(const void *a, const void *b)
{
	const struct word *x = *(const struct word *const *)a;
	const struct word *y = *(const struct word *const *)b;

	if (x->sm_bucket != y->sm_bucket)
		return x->sm_bucket < y->sm_bucket ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void
class_list(const struct class_table *ct, int cls, dstr *out)
{
	struct word **list = xcalloc(ct->nword + 1, sizeof(*list));
	size_t i, j, n = 0;

	for (i = 0; i < ct->nslot; i++) {
		struct word *w = ct->slot[i];

		if (w == NULL)
			continue;
		for (j = 0; j < w->ncls; j++)
			if (w->cls[j] == cls) {
				list[n++] = w;
				break;
			}
	}
	qsort(list, n, sizeof(*list), cmp_order);
	for (i = 0; i < n; i++) {
		dstr_puts(out, list[i]->name);
		dstr_putc(out, '\n');
	}
	free(list);
}
