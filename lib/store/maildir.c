/* maildir: the Maildir backend of the store: scanning new/ and cur/ into
 * the index, reading messages, flags in file names (":2,DFRST" as mutt,
 * dovecot and mbsync read them), unique names and tmp -> new/cur
 * delivery with fsync.  Called by store.c and deliver.c only. */
#include "config.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/store_int.h"

struct entry {
	char *fname;	/* "cur/..." or "new/..." */
	char *key;
	uint32_t flags;
	int has_info;	/* had ":2," */
};

static uint32_t
flags_of_info(const char *info)
{
	uint32_t f = 0;

	for (; *info && *info != ','; info++) {
		switch (*info) {
		case 'D': f |= STORE_DRAFT; break;
		case 'F': f |= STORE_FLAGGED; break;
		case 'R': f |= STORE_ANSWERED; break;
		case 'S': f |= STORE_SEEN; break;
		case 'T': f |= STORE_DELETED; break;
		default: break;
		}
	}
	return f;
}

void
maildir_flag_suffix(dstr *out, uint32_t flags)
{
	dstr_puts(out, ":2,");
	if (flags & STORE_DRAFT)
		dstr_putc(out, 'D');
	if (flags & STORE_FLAGGED)
		dstr_putc(out, 'F');
	if (flags & STORE_ANSWERED)
		dstr_putc(out, 'R');
	if (flags & STORE_SEEN)
		dstr_putc(out, 'S');
	if (flags & STORE_DELETED)
		dstr_putc(out, 'T');
}

static int
cmp_entry(const void *a, const void *b)
{
	const struct entry *x = a, *y = b;
	int c = strcmp(x->key, y->key);

	if (c)
		return c;
	/* cur/ before new/ for the same key */
	return strcmp(x->fname, y->fname);
}

/* Delivery order of two base names: runs of digits compare as numbers,
 * so "1700000000.M99P1" (99 microseconds) comes before "1700000000.M100P1"
 * although strcmp() says otherwise. */
static int
cmp_delivered(const void *a, const void *b)
{
	const char *x = ((const struct entry *)a)->key;
	const char *y = ((const struct entry *)b)->key;

	while (*x && *y) {
		if (isdigit((unsigned char)*x) && isdigit((unsigned char)*y)) {
			size_t nx, ny;
			int c;

			while (*x == '0' && isdigit((unsigned char)x[1]))
				x++;
			while (*y == '0' && isdigit((unsigned char)y[1]))
				y++;
			for (nx = 0; isdigit((unsigned char)x[nx]); nx++)
				;
			for (ny = 0; isdigit((unsigned char)y[ny]); ny++)
				;
			if (nx != ny)
				return nx < ny ? -1 : 1;
			if ((c = strncmp(x, y, nx)) != 0)
				return c;
			x += nx;
			y += ny;
		} else if (*x != *y) {
			return (unsigned char)*x < (unsigned char)*y ? -1 : 1;
		} else {
			x++;
			y++;
		}
	}
	return (unsigned char)*x - (unsigned char)*y;
}

static const store_mailbox *sort_mb;

static int
cmp_idx(const void *a, const void *b)
{
	const struct store_msg *x = &sort_mb->msgs[*(const size_t *)a];
	const struct store_msg *y = &sort_mb->msgs[*(const size_t *)b];

	return strcmp(x->key ? x->key : "", y->key ? y->key : "");
}

static void
read_dir(const char *folder, const char *sub, struct entry **ents, size_t *n, size_t *cap)
{
	dstr path = DSTR_INIT;
	DIR *d;
	struct dirent *de;

	dstr_printf(&path, "%s/%s", folder, sub);
	d = opendir(path.s);
	dstr_free(&path);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		struct entry *e;
		const char *c;

		if (de->d_name[0] == '.' || strchr(de->d_name, '\n') || strchr(de->d_name, ' '))
			continue;
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*ents = xreallocarray(*ents, *cap, sizeof(**ents));
		}
		e = &(*ents)[(*n)++];
		memset(e, 0, sizeof(*e));
		dstr_init(&path);
		dstr_printf(&path, "%s/%s", sub, de->d_name);
		e->fname = dstr_steal(&path);
		c = strstr(de->d_name, ":2,");
		if (c) {
			e->key = xstrndup(de->d_name, (size_t)(c - de->d_name));
			e->flags = flags_of_info(c + 3);
			e->has_info = 1;
		} else
			e->key = xstrdup(de->d_name);
	}
	closedir(d);
}

/* size_from_name: the ,S= and ,W= fields dovecot and we put in names */
static int
size_from_name(const char *key, uint64_t *raw, uint64_t *vsize)
{
	const char *s = strstr(key, ",S="), *w = strstr(key, ",W=");

	if (s == NULL || w == NULL)
		return -1;
	*raw = strtoull(s + 3, NULL, 10);
	*vsize = strtoull(w + 3, NULL, 10);
	return 0;
}

static int
measure(const char *folder, const char *fname, uint64_t *raw, uint64_t *vsize, int64_t *mtime)
{
	dstr path = DSTR_INIT, data = DSTR_INIT;
	struct stat st;
	int fd, rc = -1;
	ssize_t r;

	dstr_printf(&path, "%s/%s", folder, fname);
	fd = open(path.s, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && fstat(fd, &st) == 0) {
		*mtime = st.st_mtime;
		if (*raw == 0 && *vsize == 0) {
			dstr_reserve(&data, (size_t)st.st_size + 1);
			while ((r = read(fd, data.s + data.len, data.cap - data.len - 1)) > 0) {
				data.len += (size_t)r;
				dstr_reserve(&data, 65536);
			}
			*raw = data.len;
			*vsize = store_crlf_size(data.s ? data.s : "", data.len);
		}
		rc = 0;
	}
	if (fd >= 0)
		close(fd);
	dstr_free(&path);
	dstr_free(&data);
	return rc;
}

static void
dir_stamp(const char *folder, dstr *out, int *recent)
{
	static const char *const subs[] = { "new", "cur" };
	struct stat st;
	dstr p = DSTR_INIT;
	time_t now = time(NULL);
	int i;

	for (i = 0; i < 2; i++) {
		dstr_clear(&p);
		dstr_printf(&p, "%s/%s", folder, subs[i]);
		if (stat(p.s, &st) == 0) {
			dstr_printf(out, "%c%lld.%ld", subs[i][0], (long long)st.st_mtim.tv_sec,
			    st.st_mtim.tv_nsec);
			if (st.st_mtim.tv_sec >= now - 2)
				*recent = 1;
		} else
			dstr_printf(out, "%c0", subs[i][0]);
	}
	dstr_free(&p);
}

int
maildir_scan(store_mailbox *mb)
{
	struct entry *ents = NULL;
	size_t nent = 0, capent = 0, i, j, *order = NULL, nnew = 0;
	char *gone = NULL;
	dstr stamp = DSTR_INIT;
	int recent = 0;

	dir_stamp(mb->path, &stamp, &recent);
	if (mb->stamp[0] && strcmp(mb->stamp, stamp.s) == 0) {
		dstr_free(&stamp);
		return 0;
	}
	read_dir(mb->path, "cur", &ents, &nent, &capent);
	read_dir(mb->path, "new", &ents, &nent, &capent);
	if (nent)
		qsort(ents, nent, sizeof(*ents), cmp_entry);
	/* the same key twice: a rename seen half-done; keep the first (cur/) */
	for (i = j = 0; i < nent; i++) {
		if (j > 0 && strcmp(ents[j - 1].key, ents[i].key) == 0) {
			free(ents[i].fname);
			free(ents[i].key);
			continue;
		}
		ents[j++] = ents[i];
	}
	nent = j;
	order = xcalloc(mb->n + 1, sizeof(*order));
	for (i = 0; i < mb->n; i++)
		order[i] = i;
	sort_mb = mb;
	if (mb->n)
		qsort(order, mb->n, sizeof(*order), cmp_idx);
	gone = xcalloc(mb->n + 1, 1);
	/* merge the sorted directory entries with the sorted index */
	i = j = 0;
	while (i < nent || j < mb->n) {
		int c;

		if (i == nent)
			c = 1;
		else if (j == mb->n)
			c = -1;
		else
			c = strcmp(ents[i].key, mb->msgs[order[j]].key ? mb->msgs[order[j]].key : "");
		if (c == 0) {
			struct store_msg *m = &mb->msgs[order[j]];

			if (strcmp(m->fname, ents[i].fname) != 0) {
				free(m->fname);
				m->fname = xstrdup(ents[i].fname);
				mb->dirty = 1;
			}
			if (ents[i].has_info && m->flags != ents[i].flags) {
				m->flags = ents[i].flags;
				mb->dirty = 1;
			}
			free(ents[i].fname);
			free(ents[i].key);
			ents[i].fname = NULL;
			i++;
			j++;
		} else if (c < 0) {
			ents[nnew++] = ents[i];	/* new to the index */
			i++;
		} else {
			gone[order[j]] = 1;
			j++;
		}
	}
	for (j = 0; j < mb->n; j++)
		if (gone[j]) {
			index_remove_marked(mb, gone);
			break;
		}
	/* new messages get UIDs in delivery order (the time in their names) */
	if (nnew > 1)
		qsort(ents, nnew, sizeof(*ents), cmp_delivered);
	for (i = 0; i < nnew; i++) {
		struct entry *e = &ents[i];
		struct store_msg *m;
		uint64_t raw = 0, vsize = 0;
		int64_t mtime = 0;

		(void)size_from_name(e->key, &raw, &vsize);
		if (measure(mb->path, e->fname, &raw, &vsize, &mtime) < 0) {
			free(e->fname);
			free(e->key);
			continue;	/* vanished meanwhile */
		}
		if (!mb->readonly && strncmp(e->fname, "new/", 4) == 0) {
			dstr from = DSTR_INIT, to = DSTR_INIT, nf = DSTR_INIT;

			dstr_printf(&nf, "cur/%s", e->key);
			maildir_flag_suffix(&nf, e->flags);
			dstr_printf(&from, "%s/%s", mb->path, e->fname);
			dstr_printf(&to, "%s/%s", mb->path, nf.s);
			if (rename(from.s, to.s) == 0) {
				free(e->fname);
				e->fname = dstr_steal(&nf);
			}
			dstr_free(&nf);
			dstr_free(&from);
			dstr_free(&to);
		}
		m = index_msg_add(mb);
		m->uid = mb->uidnext++;
		m->flags = e->flags;
		m->fname = e->fname;
		m->key = e->key;
		m->rawsize = raw;
		m->size = vsize;
		m->internaldate = mtime;
		mb->dirty = 1;
	}
	/* a stamp from the last two seconds can hide a change made in the
	 * same clock tick: then scan again next time */
	snprintf(mb->stamp, sizeof(mb->stamp), "%s", recent ? "" : stamp.s);
	if (!recent)
		mb->dirty = 1;
	free(ents);
	free(order);
	free(gone);
	dstr_free(&stamp);
	return 0;
}

static int
read_file(const char *path, dstr *out, int header_only)
{
	dstr raw = DSTR_INIT;
	struct stat st;
	int fd;
	ssize_t r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) == 0)
		dstr_reserve(&raw, header_only ? 8192 : (size_t)st.st_size + 1);
	for (;;) {
		r = read(fd, raw.s + raw.len, raw.cap - raw.len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		raw.len += (size_t)r;
		raw.s[raw.len] = '\0';
		if (header_only) {
			char *e = strstr(raw.s, "\n\n");

			if (e || (raw.len >= 1 && raw.s[0] == '\n')) {
				raw.len = e ? (size_t)(e - raw.s) + 2 : 1;
				break;
			}
			if (memmem(raw.s, raw.len, "\r\n\r\n", 4)) {
				raw.len = (size_t)((char *)memmem(raw.s, raw.len, "\r\n\r\n", 4) - raw.s) + 4;
				break;
			}
		}
		dstr_reserve(&raw, 65536);
	}
	close(fd);
	store_to_crlf(out, raw.s ? raw.s : "", raw.len);
	dstr_free(&raw);
	return 0;
}

int
maildir_read(store_mailbox *mb, size_t i, dstr *out, int header_only)
{
	dstr path = DSTR_INIT;
	uint32_t uid = mb->msgs[i].uid;
	ssize_t k;
	int rc;

	dstr_printf(&path, "%s/%s", mb->path, mb->msgs[i].fname);
	rc = read_file(path.s, out, header_only);
	if (rc < 0 && errno == ENOENT) {
		/* renamed by another session: look again */
		if (index_lock(mb) == 0) {
			mb->stamp[0] = '\0';
			(void)maildir_scan(mb);
			(void)index_save(mb);
			index_unlock(mb);
		}
		k = store_find_uid(mb, uid);
		if (k >= 0) {
			dstr_clear(&path);
			dstr_printf(&path, "%s/%s", mb->path, mb->msgs[k].fname);
			rc = read_file(path.s, out, header_only);
		}
	}
	dstr_free(&path);
	return rc;
}

int
maildir_rename_flags(store_mailbox *mb, size_t i, uint32_t flags)
{
	struct store_msg *m = &mb->msgs[i];
	dstr nf = DSTR_INIT, from = DSTR_INIT, to = DSTR_INIT;
	int rc = 0;

	dstr_printf(&nf, "cur/%s", m->key);
	maildir_flag_suffix(&nf, flags);
	if (strcmp(nf.s, m->fname) != 0) {
		dstr_printf(&from, "%s/%s", mb->path, m->fname);
		dstr_printf(&to, "%s/%s", mb->path, nf.s);
		if (rename(from.s, to.s) == 0) {
			free(m->fname);
			m->fname = dstr_steal(&nf);
		} else
			rc = -1;
	}
	dstr_free(&nf);
	dstr_free(&from);
	dstr_free(&to);
	return rc;
}

int
maildir_unlink(store_mailbox *mb, size_t i)
{
	dstr path = DSTR_INIT;
	int rc;

	dstr_printf(&path, "%s/%s", mb->path, mb->msgs[i].fname);
	rc = unlink(path.s);
	if (rc < 0 && errno == ENOENT)
		rc = 0;	/* someone else expunged it */
	dstr_free(&path);
	return rc;
}

int
maildir_ensure(const char *folder, dstr *err)
{
	static const char *const subs[] = { "", "/cur", "/new", "/tmp" };
	dstr p = DSTR_INIT;
	size_t i;

	for (i = 0; i < 4; i++) {
		dstr_clear(&p);
		dstr_printf(&p, "%s%s", folder, subs[i]);
		if (i == 0 ? store_mkdirs(p.s, 0700) != 0 : (mkdir(p.s, 0700) != 0 && errno != EEXIST)) {
			if (err)
				dstr_printf(err, "%s: %s", p.s, strerror(errno));
			dstr_free(&p);
			return -1;
		}
	}
	dstr_free(&p);
	return 0;
}

static void
fsync_dir(const char *path)
{
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		close(fd);
	}
}

int
maildir_write(const char *folder, const char *data, size_t len, uint32_t flags,
    int64_t idate, int to_cur, dstr *key, dstr *err)
{
	static unsigned counter;
	char host[256];
	dstr name = DSTR_INIT, tmp = DSTR_INIT, dst = DSTR_INIT, body = DSTR_INIT, dir = DSTR_INIT;
	struct timeval tv;
	size_t i, off = 0;
	uint64_t vsize;
	int fd, rc = -1;

	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	gettimeofday(&tv, NULL);
	dstr_printf(&name, "%lld.M%ldP%ldQ%u.", (long long)tv.tv_sec, (long)tv.tv_usec,
	    (long)getpid(), ++counter);
	for (i = 0; host[i]; i++) {
		if (host[i] == '/')
			dstr_puts(&name, "\\057");
		else if (host[i] == ':')
			dstr_puts(&name, "\\072");
		else
			dstr_putc(&name, host[i]);
	}
	/* Maildir files use LF line ends, like every local Maildir reader */
	dstr_reserve(&body, len);
	for (i = 0; i < len; i++) {
		if (data[i] == '\r' && i + 1 < len && data[i + 1] == '\n')
			continue;
		dstr_putc(&body, data[i]);
	}
	vsize = store_crlf_size(body.s ? body.s : "", body.len);
	dstr_printf(&tmp, "%s/tmp/%s", folder, name.s);
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		dstr_printf(err, "%s: %s", tmp.s, strerror(errno));
		goto out;
	}
	while (off < body.len) {
		ssize_t w = write(fd, body.s + off, body.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		off += (size_t)w;
	}
	if (off != body.len || fsync(fd) != 0) {
		dstr_printf(err, "%s: %s", tmp.s, strerror(errno ? errno : EIO));
		close(fd);
		(void)unlink(tmp.s);
		goto out;
	}
	if (idate > 0) {
		struct timespec ts[2];

		ts[0].tv_sec = ts[1].tv_sec = (time_t)idate;
		ts[0].tv_nsec = ts[1].tv_nsec = 0;
		(void)futimens(fd, ts);
	}
	close(fd);
	dstr_printf(&name, ",S=%zu,W=%" PRIu64, body.len, vsize);
	if (key)
		dstr_set(key, name.s);
	dstr_printf(&dst, "%s/%s/%s", folder, to_cur ? "cur" : "new", name.s);
	if (to_cur)
		maildir_flag_suffix(&dst, flags);
	if (rename(tmp.s, dst.s) != 0) {
		dstr_printf(err, "%s: %s", dst.s, strerror(errno));
		(void)unlink(tmp.s);
		goto out;
	}
	dstr_printf(&dir, "%s/%s", folder, to_cur ? "cur" : "new");
	fsync_dir(dir.s);
	rc = 0;
out:
	dstr_free(&name);
	dstr_free(&tmp);
	dstr_free(&dst);
	dstr_free(&body);
	dstr_free(&dir);
	return rc;
}

uint64_t
maildir_size(const char *folder)
{
	struct entry *ents = NULL;
	size_t n = 0, cap = 0, i;
	uint64_t total = 0;

	read_dir(folder, "cur", &ents, &n, &cap);
	read_dir(folder, "new", &ents, &n, &cap);
	for (i = 0; i < n; i++) {
		uint64_t raw = 0, vs = 0;
		int64_t mt;

		if (size_from_name(ents[i].key, &raw, &vs) < 0)
			(void)measure(folder, ents[i].fname, &raw, &vs, &mt);
		total += raw;
		free(ents[i].fname);
		free(ents[i].key);
	}
	free(ents);
	return total;
}
