/* index: the per-mailbox index file and cache file of the store, and its
 * lock (see store.h for the transaction rule).  The index is text, one
 * message a line, ending with a count line; anything that does not parse
 * makes it "corrupt" and the mailbox is rescanned with a new UIDVALIDITY.
 * The cache is an append-only file of ENVELOPE/BODYSTRUCTURE texts. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/lock.h"
#include "store/store_int.h"

#define INDEX_MAGIC "SWIDX1"
#define CACHE_MAGIC "SWCACHE1"

int
index_lock(store_mailbox *mb)
{
	if (mb->lock_path == NULL)
		return 0;
	if (mb->lockdepth++ > 0)
		return 0;
	if (mb->lockfd < 0) {
		mb->lockfd = open(mb->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
		if (mb->lockfd < 0) {
			msg_warn("%s: %s", mb->lock_path, strerror(errno));
			return -1;
		}
	}
	if (lock_fcntl(mb->lockfd, 1, 60) < 0) {
		msg_warn("%s: cannot lock: %s", mb->lock_path, strerror(errno));
		mb->lockdepth--;
		return -1;
	}
	return 0;
}

void
index_unlock(store_mailbox *mb)
{
	if (mb->lock_path == NULL || mb->lockdepth == 0)
		return;
	if (--mb->lockdepth == 0)
		lock_fcntl_release(mb->lockfd);
}

void
index_msg_free(struct store_msg *m)
{
	free(m->key);
	free(m->fname);
	free(m->envelope);
	free(m->bodystructure);
	free(m->body);
	memset(m, 0, sizeof(*m));
}

struct store_msg *
index_msg_add(store_mailbox *mb)
{
	struct store_msg *m;

	if (mb->n == mb->cap) {
		mb->cap = mb->cap ? mb->cap * 2 : 64;
		mb->msgs = xreallocarray(mb->msgs, mb->cap, sizeof(*mb->msgs));
	}
	m = &mb->msgs[mb->n++];
	memset(m, 0, sizeof(*m));
	return m;
}

/* index_remove_marked: drop messages i with gone[i] set, keeping order */
void
index_remove_marked(store_mailbox *mb, const char *gone)
{
	size_t i, j = 0;

	for (i = 0; i < mb->n; i++) {
		if (gone[i]) {
			index_msg_free(&mb->msgs[i]);
			continue;
		}
		if (i != j)
			mb->msgs[j] = mb->msgs[i];
		j++;
	}
	mb->n = j;
	mb->dirty = 1;
}

static void
free_list(struct store_msg *msgs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		index_msg_free(&msgs[i]);
	free(msgs);
}

static char *
key_of_fname(const char *fname)
{
	const char *b = strchr(fname, '/'), *c;

	b = b ? b + 1 : fname;
	c = strstr(b, ":2,");
	return c ? xstrndup(b, (size_t)(c - b)) : xstrdup(b);
}

/* parse: the index text into mb (list replaced); -1 when corrupt */
static int
parse_index(store_mailbox *mb, char *text, size_t len)
{
	char *line, *next, *end = text + len;
	unsigned long long v[9];
	uint32_t uidv, uidn, rec, last = 0;
	char stamp[sizeof(mb->stamp)];
	struct store_msg *msgs = NULL;
	size_t n = 0, cap = 0, count, i;
	char *kw[STORE_MAX_KEYWORDS];
	size_t nkw = 0;
	int ok = 0;

	if (len == 0 || text[len - 1] != '\n')
		return -1;
	line = text;
	next = memchr(line, '\n', (size_t)(end - line));
	*next = '\0';
	stamp[0] = '\0';
	if (sscanf(line, INDEX_MAGIC " %" SCNu32 " %" SCNu32 " %" SCNu32 " %191s",
	    &uidv, &uidn, &rec, stamp) < 3 || uidv == 0 || uidn == 0)
		return -1;
	if (strcmp(stamp, "-") == 0)
		stamp[0] = '\0';
	line = next + 1;
	if (line >= end || strncmp(line, "K", 1) != 0)
		return -1;
	next = memchr(line, '\n', (size_t)(end - line));
	*next = '\0';
	{
		char *save = NULL, *t;

		for (t = strtok_r(line + 1, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			if (nkw == STORE_MAX_KEYWORDS)
				break;
			kw[nkw++] = t;
		}
	}
	for (line = next + 1; line < end; line = next + 1) {
		struct store_msg *m;
		char *p = line;
		int k;

		next = memchr(line, '\n', (size_t)(end - line));
		*next = '\0';
		if (line[0] == 'E') {
			if (sscanf(line, "E %zu", &count) == 1 && count == n && next + 1 == end)
				ok = 1;
			break;
		}
		for (k = 0; k < 9; k++) {
			char *e;

			errno = 0;
			v[k] = strtoull(p, &e, (k == 1 || k == 2 || k == 8) ? 16 : 10);
			if (e == p || *e != ' ' || errno)
				goto out;
			p = e + 1;
		}
		if (v[0] == 0 || v[0] <= last || v[0] >= uidn || v[0] > UINT32_MAX)
			goto out;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			msgs = xreallocarray(msgs, cap, sizeof(*msgs));
		}
		m = &msgs[n++];
		memset(m, 0, sizeof(*m));
		m->uid = (uint32_t)v[0];
		m->flags = (uint32_t)v[1] & 31;
		m->keywords = v[2];
		m->size = v[3];
		m->rawsize = v[4];
		m->internaldate = (int64_t)v[5];
		m->offset = v[6];
		m->fromlen = (uint32_t)v[7];
		m->hash = (uint32_t)v[8];
		if (strcmp(p, "-") != 0) {
			m->fname = xstrdup(p);
			m->key = key_of_fname(p);
		}
		last = m->uid;
	}
out:
	if (!ok) {
		free_list(msgs, n);
		return -1;
	}
	/* carry cached texts over from the list we had */
	{
		size_t a = 0;

		for (i = 0; i < n && a < mb->n; i++) {
			while (a < mb->n && mb->msgs[a].uid < msgs[i].uid)
				a++;
			if (a < mb->n && mb->msgs[a].uid == msgs[i].uid) {
				msgs[i].envelope = mb->msgs[a].envelope;
				msgs[i].bodystructure = mb->msgs[a].bodystructure;
				msgs[i].body = mb->msgs[a].body;
				mb->msgs[a].envelope = mb->msgs[a].bodystructure = mb->msgs[a].body = NULL;
			}
		}
	}
	free_list(mb->msgs, mb->n);
	mb->msgs = msgs;
	mb->n = n;
	mb->cap = cap;
	if (mb->uidvalidity != uidv) {
		/* another index generation: our cache lines are for the old one */
		dstr_clear(&mb->cache_out);
	}
	mb->uidvalidity = uidv;
	mb->uidnext = uidn;
	mb->recent_uid = rec;
	snprintf(mb->stamp, sizeof(mb->stamp), "%s", stamp);
	for (i = 0; i < mb->nkw; i++)
		free(mb->kw[i]);
	for (i = 0; i < nkw; i++)
		mb->kw[i] = xstrdup(kw[i]);
	mb->nkw = nkw;
	return 0;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	    a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

static void
fresh(store_mailbox *mb)
{
	size_t i;

	free_list(mb->msgs, mb->n);
	mb->msgs = NULL;
	mb->n = mb->cap = 0;
	for (i = 0; i < mb->nkw; i++)
		free(mb->kw[i]);
	mb->nkw = 0;
	/* a new UIDVALIDITY must differ from any earlier one of this name */
	mb->uidvalidity = (uint32_t)time(NULL);
	if (mb->uidvalidity == 0)
		mb->uidvalidity = 1;
	mb->uidnext = 1;
	mb->recent_uid = 0;
	mb->stamp[0] = '\0';
	mb->dirty = 1;
	dstr_clear(&mb->cache_out);
	if (mb->cache_path)
		(void)unlink(mb->cache_path);
}

void
index_refresh(store_mailbox *mb)
{
	struct stat st;
	dstr text = DSTR_INIT;
	int fd;
	ssize_t r;

	if (mb->idx_path == NULL) {
		if (!mb->idx_valid) {
			fresh(mb);
			mb->idx_valid = 1;
		}
		return;
	}
	if (stat(mb->idx_path, &st) != 0) {
		if (!mb->idx_valid) {
			fresh(mb);
			mb->idx_valid = 1;
		} else
			mb->dirty = 1;	/* removed under us: write ours back */
		return;
	}
	if (mb->idx_valid && same_file(&st, &mb->idx_st))
		return;
	fd = open(mb->idx_path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (fstat(fd, &st) == 0) {
			dstr_reserve(&text, (size_t)st.st_size + 1);
			while ((r = read(fd, text.s + text.len, text.cap - text.len - 1)) > 0) {
				text.len += (size_t)r;
				text.s[text.len] = '\0';
				dstr_reserve(&text, 65536);
			}
		}
		close(fd);
	}
	if (fd < 0 || parse_index(mb, text.s ? text.s : (char *)"", text.len) < 0) {
		if (!mb->idx_valid || fd >= 0) {
			msg_warn("%s: index missing or corrupt, rebuilding", mb->idx_path);
			fresh(mb);
		}
		mb->idx_valid = 1;
		dstr_free(&text);
		return;
	}
	mb->idx_st = st;
	mb->idx_valid = 1;
	mb->dirty = 0;
	dstr_free(&text);
}

int
index_save(store_mailbox *mb)
{
	dstr out = DSTR_INIT, tmp = DSTR_INIT;
	size_t i;
	int fd, rc = -1;

	index_cache_flush(mb);
	if (!mb->dirty)
		return 0;
	if (mb->idx_path == NULL) {
		mb->dirty = 0;
		return 0;
	}
	dstr_reserve(&out, mb->n * 80 + 256);
	dstr_printf(&out, INDEX_MAGIC " %" PRIu32 " %" PRIu32 " %" PRIu32 " %s\nK",
	    mb->uidvalidity, mb->uidnext, mb->recent_uid, mb->stamp[0] ? mb->stamp : "-");
	for (i = 0; i < mb->nkw; i++)
		dstr_printf(&out, " %s", mb->kw[i]);
	dstr_putc(&out, '\n');
	for (i = 0; i < mb->n; i++) {
		const struct store_msg *m = &mb->msgs[i];

		dstr_printf(&out, "%" PRIu32 " %" PRIx32 " %" PRIx64 " %" PRIu64 " %" PRIu64
		    " %" PRId64 " %" PRIu64 " %" PRIu32 " %" PRIx32 " %s\n",
		    m->uid, m->flags, m->keywords, m->size, m->rawsize, m->internaldate,
		    m->offset, m->fromlen, m->hash, m->fname ? m->fname : "-");
	}
	dstr_printf(&out, "E %zu\n", mb->n);
	dstr_printf(&tmp, "%s.tmp.%ld", mb->idx_path, (long)getpid());
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		size_t off = 0;

		while (off < out.len) {
			ssize_t w = write(fd, out.s + off, out.len - off);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0)
				break;
			off += (size_t)w;
		}
		if (close(fd) == 0 && off == out.len && rename(tmp.s, mb->idx_path) == 0) {
			rc = 0;
			if (stat(mb->idx_path, &mb->idx_st) == 0)
				mb->idx_valid = 1;
			mb->dirty = 0;
		} else
			(void)unlink(tmp.s);
	}
	if (rc < 0)
		msg_warn("%s: cannot write index: %s", mb->idx_path, strerror(errno));
	dstr_free(&out);
	dstr_free(&tmp);
	return rc;
}

/* ---- cache ---- */

static void
unescape(char *s)
{
	char *d = s;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			*d++ = *s == 'r' ? '\r' : *s == 'n' ? '\n' : *s == 't' ? '\t' : *s;
		} else
			*d++ = *s;
	}
	*d = '\0';
}

void
index_cache_load(store_mailbox *mb)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	uint32_t v = 0;
	size_t lines = 0, used = 0;

	if (mb->cache_path == NULL || (f = fopen(mb->cache_path, "re")) == NULL)
		return;
	if ((len = getline(&line, &cap, f)) <= 0 ||
	    sscanf(line, CACHE_MAGIC " %" SCNu32, &v) != 1 || v != mb->uidvalidity) {
		fclose(f);
		free(line);
		(void)unlink(mb->cache_path);
		return;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char *t1, *t2;
		unsigned long uid;
		ssize_t i;
		char **slot;

		lines++;
		if (line[len - 1] != '\n')
			break;	/* a torn last line */
		line[len - 1] = '\0';
		t1 = strchr(line, '\t');
		if (t1 == NULL || t1[1] == '\0' || t1[2] != '\t')
			continue;
		uid = strtoul(line, NULL, 10);
		t2 = t1 + 3;
		i = store_find_uid(mb, (uint32_t)uid);
		if (i < 0)
			continue;
		slot = t1[1] == 'E' ? &mb->msgs[i].envelope : t1[1] == 'B' ? &mb->msgs[i].bodystructure :
		    t1[1] == 'b' ? &mb->msgs[i].body : NULL;
		if (slot == NULL || *slot)
			continue;
		unescape(t2);
		*slot = xstrdup(t2);
		used++;
	}
	free(line);
	fclose(f);
	/* mostly garbage (expunged messages): start it over */
	if (lines > 1000 && used * 3 < lines) {
		size_t i;

		(void)unlink(mb->cache_path);
		for (i = 0; i < mb->n; i++) {
			if (mb->msgs[i].envelope)
				store_cache(mb, i, 'E', mb->msgs[i].envelope);
			if (mb->msgs[i].bodystructure)
				store_cache(mb, i, 'B', mb->msgs[i].bodystructure);
			if (mb->msgs[i].body)
				store_cache(mb, i, 'b', mb->msgs[i].body);
		}
	}
}

void
index_cache_flush(store_mailbox *mb)
{
	int fd;
	struct stat st;
	dstr all = DSTR_INIT;

	if (mb->cache_out.len == 0 || mb->cache_path == NULL) {
		dstr_clear(&mb->cache_out);
		return;
	}
	fd = open(mb->cache_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0) {
		dstr_clear(&mb->cache_out);
		return;
	}
	if (fstat(fd, &st) == 0 && st.st_size == 0)
		dstr_printf(&all, CACHE_MAGIC " %" PRIu32 "\n", mb->uidvalidity);
	dstr_append(&all, mb->cache_out.s, mb->cache_out.len);
	if (write(fd, all.s, all.len) != (ssize_t)all.len)
		msg_warn("%s: short write", mb->cache_path);
	close(fd);
	dstr_free(&all);
	dstr_clear(&mb->cache_out);
}

void
store_cache(store_mailbox *mb, size_t i, char field, const char *value)
{
	struct store_msg *m;
	char **slot;
	const char *p;

	if (i >= mb->n)
		return;
	m = &mb->msgs[i];
	slot = field == 'E' ? &m->envelope : field == 'B' ? &m->bodystructure :
	    field == 'b' ? &m->body : NULL;
	if (slot == NULL)
		return;
	if (*slot != value) {
		free(*slot);
		*slot = xstrdup(value);
	}
	dstr_printf(&mb->cache_out, "%" PRIu32 "\t%c\t", m->uid, field);
	for (p = value; *p; p++) {
		switch (*p) {
		case '\\':
			dstr_puts(&mb->cache_out, "\\\\");
			break;
		case '\r':
			dstr_puts(&mb->cache_out, "\\r");
			break;
		case '\n':
			dstr_puts(&mb->cache_out, "\\n");
			break;
		case '\t':
			dstr_puts(&mb->cache_out, "\\t");
			break;
		default:
			dstr_putc(&mb->cache_out, *p);
		}
	}
	dstr_putc(&mb->cache_out, '\n');
}
