/* mbox: the mbox backend of the store: From_-line parsing into the
 * index (matching messages to their old UIDs after others rewrote the
 * file), reading with ">From" unquoting (mboxrd), appending under the
 * dot + fcntl locks mail.local, mutt and procmail use, and in-place
 * compaction for EXPUNGE.  Called by store.c and deliver.c only. */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/lock.h"
#include "store/mime.h"
#include "store/store_int.h"

#define LOCK_WAIT 60

static uint32_t
fnv(uint32_t h, const char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)p[i];
		h *= 16777619u;
	}
	return h;
}

int
mbox_open_locked(const char *path, int create, dstr *err)
{
	int fd, dot;

	dot = lock_dot(path, LOCK_WAIT, err);
	if (dot == LOCK_DOT_FAIL)
		return -1;
	fd = open(path, O_RDWR | O_CLOEXEC | O_NOFOLLOW | (create ? O_CREAT : 0), 0600);
	if (fd < 0) {
		if (err)
			dstr_printf(err, "%s: %s", path, strerror(errno));
		if (dot == LOCK_DOT_OK)
			lock_dot_release(path);
		return -1;
	}
	if (lock_fcntl(fd, 1, LOCK_WAIT) < 0) {
		if (err)
			dstr_printf(err, "%s: cannot lock: %s", path, strerror(errno));
		close(fd);
		if (dot == LOCK_DOT_OK)
			lock_dot_release(path);
		return -1;
	}
	return fd;
}

void
mbox_close_locked(const char *path, int fd)
{
	lock_fcntl_release(fd);
	close(fd);
	/* only remove a lock we could have made */
	{
		dstr l = DSTR_INIT;
		struct stat st;

		dstr_printf(&l, "%s.lock", path);
		if (stat(l.s, &st) == 0)
			lock_dot_release(path);
		dstr_free(&l);
	}
}

/* one message found by the parser */
struct found {
	uint64_t offset, rawsize, size;
	uint32_t fromlen, hash, flags;
	int64_t idate;
};

static int64_t
from_line_date(const char *line, size_t len)
{
	struct tm tm;
	char buf[64];
	const char *p;

	/* the date is the last 24 characters of "From addr Www Mmm dd hh:mm:ss yyyy" */
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (len < 5 + 24)
		return 0;
	memcpy(buf, line + len - 24, 24);
	buf[24] = '\0';
	memset(&tm, 0, sizeof(tm));
	p = strptime(buf, "%a %b %d %H:%M:%S %Y", &tm);
	if (p == NULL)
		return 0;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

static int
is_from_line(const char *l, size_t n)
{
	return n >= 5 && memcmp(l, "From ", 5) == 0;
}

/* is ">...>From " (needs one '>' taken away when read) */
static int
is_quoted_from(const char *l, size_t n)
{
	size_t i = 0;

	while (i < n && l[i] == '>')
		i++;
	return i > 0 && n - i >= 5 && memcmp(l + i, "From ", 5) == 0;
}

/* volatile_header: fields mail readers rewrite in place (flags, UIDs,
 * lengths), which must not change a message's identity */
static int
volatile_header(const char *line)
{
	static const char *const names[] = {
		"Status:", "X-Status:", "X-Keywords:", "X-UID:", "X-IMAP:", "X-IMAPbase:",
		"Content-Length:", "Lines:", NULL
	};
	size_t i;

	for (i = 0; names[i]; i++)
		if (strncasecmp(line, names[i], strlen(names[i])) == 0)
			return 1;
	return line[0] == ' ' || line[0] == '\t';
}

/* parse: messages of the file from offset start; every one found is
 * given to the list */
static int
parse(int fd, uint64_t start, struct found **out, size_t *nout)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0, n = 0, fcap = 0;
	ssize_t len;
	uint64_t pos = start;
	struct found *cur = NULL, *list = NULL;
	int in_header = 0, last_empty = 0, dupfd;
	size_t last_len = 0, body_hashed = 0;

	dupfd = dup(fd);
	if (dupfd < 0 || (f = fdopen(dupfd, "r")) == NULL) {
		if (dupfd >= 0)
			close(dupfd);
		return -1;
	}
	if (fseeko(f, (off_t)start, SEEK_SET) != 0) {
		fclose(f);
		return -1;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		size_t l = (size_t)len;

		if (is_from_line(line, l) && (cur == NULL || last_empty || 1)) {
			if (cur && last_empty) {
				cur->rawsize -= last_len;
				cur->size -= 2;
			}
			if (n == fcap) {
				fcap = fcap ? fcap * 2 : 64;
				list = xreallocarray(list, fcap, sizeof(*list));
			}
			cur = &list[n++];
			memset(cur, 0, sizeof(*cur));
			cur->offset = pos;
			cur->fromlen = (uint32_t)l;
			cur->hash = fnv(2166136261u, line, l);
			cur->idate = from_line_date(line, l);
			in_header = 1;
			last_empty = 0;
			pos += l;
			continue;
		}
		pos += l;
		if (cur == NULL)
			continue;	/* junk before the first From_ line */
		cur->rawsize += l;
		/* size with CRLF ends, after unquoting */
		{
			size_t cl = l;

			if (line[l - 1] == '\n' && !(l >= 2 && line[l - 2] == '\r'))
				cl++;
			if (is_quoted_from(line, l))
				cl--;
			cur->size += cl;
		}
		last_empty = (l == 1 && line[0] == '\n') || (l == 2 && line[0] == '\r' && line[1] == '\n');
		last_len = l;
		if (!in_header && body_hashed < 512) {
			/* a little of the body tells identical headers apart */
			cur->hash = fnv(cur->hash, line, l);
			body_hashed += l;
		}
		if (in_header) {
			if (last_empty) {
				in_header = 0;
				body_hashed = 0;
			} else if (!volatile_header(line))
				cur->hash = fnv(cur->hash, line, l);
			if (strncasecmp(line, "Status:", 7) == 0) {
				if (strchr(line + 7, 'R'))
					cur->flags |= STORE_SEEN;
			} else if (strncasecmp(line, "X-Status:", 9) == 0) {
				const char *p = line + 9;

				if (strchr(p, 'A'))
					cur->flags |= STORE_ANSWERED;
				if (strchr(p, 'F'))
					cur->flags |= STORE_FLAGGED;
				if (strchr(p, 'T'))
					cur->flags |= STORE_DRAFT;
				if (strchr(p, 'D'))
					cur->flags |= STORE_DELETED;
			}
		}
	}
	if (cur && last_empty) {
		cur->rawsize -= last_len;
		cur->size -= 2;
	}
	free(line);
	fclose(f);
	*out = list;
	*nout = n;
	return 0;
}

static void
file_stamp(const struct stat *st, char *buf, size_t len)
{
	snprintf(buf, len, "s%lldm%lld.%ldi%llu", (long long)st->st_size,
	    (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec, (unsigned long long)st->st_ino);
}

/* the old stamp's size and inode */
static int
stamp_parts(const char *stamp, unsigned long long *size, unsigned long long *ino)
{
	const char *i = strchr(stamp, 'i');

	if (stamp[0] != 's' || i == NULL)
		return -1;
	*size = strtoull(stamp + 1, NULL, 10);
	*ino = strtoull(i + 1, NULL, 10);
	return 0;
}

/* does the file still hold the indexed messages unchanged? */
static int
prefix_intact(store_mailbox *mb, int fd, const struct stat *st)
{
	unsigned long long osize, oino;
	const struct store_msg *last;
	char *buf;
	ssize_t r;
	int ok;

	if (mb->n == 0 || stamp_parts(mb->stamp, &osize, &oino) < 0)
		return mb->n == 0 && mb->stamp[0] == 's' && stamp_parts(mb->stamp, &osize, &oino) == 0 &&
		    osize == 0;
	if (oino != (unsigned long long)st->st_ino || (unsigned long long)st->st_size < osize)
		return 0;
	last = &mb->msgs[mb->n - 1];
	if (last->fromlen == 0 || last->fromlen > 65536)
		return 0;
	buf = xmalloc(last->fromlen + 6);
	r = pread(fd, buf, last->fromlen, (off_t)last->offset);
	ok = r == (ssize_t)last->fromlen && is_from_line(buf, (size_t)r);
	if (ok && (unsigned long long)st->st_size > osize) {
		/* what follows the old end must start a message */
		r = pread(fd, buf, 6, (off_t)osize);
		ok = (r >= 5 && memcmp(buf, "From ", 5) == 0) ||
		    (r >= 6 && buf[0] == '\n' && memcmp(buf + 1, "From ", 5) == 0);
	}
	free(buf);
	return ok;
}

/* scan_fd: the scan proper over an open fd (fcntl locks belong to the
 * process and die with ANY close of the file, so a caller holding the
 * write lock hands its own fd in) */
static int
scan_fd(store_mailbox *mb, int fd)
{
	struct stat st;
	char stamp[sizeof(mb->stamp)];
	struct found *f = NULL;
	size_t nf = 0, i, p;
	int incremental;

	if (fstat(fd, &st) != 0)
		return -1;
	file_stamp(&st, stamp, sizeof(stamp));
	if (strcmp(stamp, mb->stamp) == 0)
		return 0;
	incremental = prefix_intact(mb, fd, &st);
	if (incremental) {
		unsigned long long osize = 0, oino;

		(void)stamp_parts(mb->stamp, &osize, &oino);
		if (parse(fd, osize, &f, &nf) < 0)
			return -1;
		for (i = 0; i < nf; i++) {
			struct store_msg *m = index_msg_add(mb);

			m->uid = mb->uidnext++;
			m->flags = f[i].flags;
			m->offset = f[i].offset;
			m->fromlen = f[i].fromlen;
			m->rawsize = f[i].rawsize;
			m->size = f[i].size;
			m->hash = f[i].hash;
			m->internaldate = f[i].idate ? f[i].idate : st.st_mtime;
		}
	} else {
		struct store_msg *old = mb->msgs;
		size_t nold = mb->n;
		struct store_msg *nw;

		if (parse(fd, 0, &f, &nf) < 0)
			return -1;
		nw = xcalloc(nf + 1, sizeof(*nw));
		p = 0;
		for (i = 0; i < nf; i++) {
			struct store_msg *m = &nw[i];
			size_t q;

			for (q = p; q < nold && old[q].hash != f[i].hash; q++)
				;
			if (q < nold) {
				*m = old[q];
				memset(&old[q], 0, sizeof(old[q]));
				p = q + 1;
			} else {
				m->uid = mb->uidnext++;
				m->flags = f[i].flags;
				m->hash = f[i].hash;
			}
			m->offset = f[i].offset;
			m->fromlen = f[i].fromlen;
			m->rawsize = f[i].rawsize;
			m->size = f[i].size;
			m->internaldate = f[i].idate ? f[i].idate : st.st_mtime;
		}
		for (i = 0; i < nold; i++)
			index_msg_free(&old[i]);
		free(old);
		mb->msgs = nw;
		mb->n = nf;
		mb->cap = nf + 1;
	}
	/* a file changed within the last two seconds may change again in the
	 * same clock tick: leave the stamp so the next sync looks again, but
	 * keep the size part so the next scan can still be incremental */
	if (st.st_mtime >= time(NULL) - 2)
		snprintf(mb->stamp, sizeof(mb->stamp), "s%lldm0.0i%llu", (long long)st.st_size,
		    (unsigned long long)st.st_ino);
	else
		snprintf(mb->stamp, sizeof(mb->stamp), "%s", stamp);
	mb->dirty = 1;
	free(f);
	return 0;
}

int
mbox_scan(store_mailbox *mb)
{
	int fd, rc;
	char *gone;

	fd = open(mb->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (mb->n) {
			gone = xcalloc(mb->n, 1);
			memset(gone, 1, mb->n);
			index_remove_marked(mb, gone);
			free(gone);
		}
		if (strcmp(mb->stamp, "none") != 0) {
			snprintf(mb->stamp, sizeof(mb->stamp), "none");
			mb->dirty = 1;
		}
		return errno == ENOENT ? 0 : -1;
	}
	/* writers hold an exclusive fcntl lock: read a whole picture */
	(void)lock_fcntl(fd, 0, LOCK_WAIT);
	rc = scan_fd(mb, fd);
	close(fd);
	return rc;
}

static void
unquote_to_crlf(dstr *out, const char *p, size_t n)
{
	size_t i = 0;

	dstr_reserve(out, n + n / 16);
	while (i < n) {
		const char *nl = memchr(p + i, '\n', n - i);
		size_t e = nl ? (size_t)(nl - p) + 1 : n;

		if (is_quoted_from(p + i, e - i))
			i++;
		store_to_crlf(out, p + i, e - i);
		i = e;
	}
}

int
mbox_read(store_mailbox *mb, size_t i, dstr *out, int header_only)
{
	const struct store_msg *m = &mb->msgs[i];
	dstr raw = DSTR_INIT;
	size_t want = (size_t)m->rawsize, got = 0;
	int fd, rc = -1;
	char head[5];

	fd = open(mb->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	(void)lock_fcntl(fd, 0, LOCK_WAIT);
	if (pread(fd, head, 5, (off_t)m->offset) != 5 || memcmp(head, "From ", 5) != 0)
		goto out;	/* the file was rewritten: the caller syncs */
	if (header_only && want > 65536)
		want = 65536;
	dstr_reserve(&raw, want + 1);
	while (got < want) {
		ssize_t r = pread(fd, raw.s + got, want - got, (off_t)(m->offset + m->fromlen + got));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		got += (size_t)r;
		if (header_only) {
			raw.len = got;
			raw.s[got] = '\0';
			if (memmem(raw.s, got, "\n\n", 2))
				break;
		}
	}
	raw.len = got;
	raw.s[got] = '\0';
	if (header_only) {
		size_t h = mime_header_end(raw.s, raw.len);

		raw.len = h;
	}
	unquote_to_crlf(out, raw.s, raw.len);
	rc = 0;
out:
	close(fd);
	dstr_free(&raw);
	return rc;
}

static int
uid_listed(const uint32_t *uids, size_t n, uint32_t uid)
{
	size_t lo = 0, hi = n;

	if (uids == NULL)
		return 1;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (uids[mid] == uid)
			return 1;
		if (uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int
mbox_compact(store_mailbox *mb, const uint32_t *uids, size_t nuids,
    void (*fn)(void *ctx, uint32_t uid), void *ctx)
{
	struct stat st;
	uint64_t w;
	size_t i;
	char *buf, *gone;
	int fd, count = 0;
	dstr err = DSTR_INIT;

	fd = mbox_open_locked(mb->path, 0, &err);
	if (fd < 0) {
		msg_warn("%s", dstr_cstr(&err));
		dstr_free(&err);
		return -1;
	}
	dstr_free(&err);
	/* sync under the mailbox lock so the offsets are the file's */
	(void)scan_fd(mb, fd);
	if (fstat(fd, &st) != 0) {
		mbox_close_locked(mb->path, fd);
		return -1;
	}
	gone = xcalloc(mb->n + 1, 1);
	for (i = 0; i < mb->n; i++)
		if ((mb->msgs[i].flags & STORE_DELETED) && uid_listed(uids, nuids, mb->msgs[i].uid)) {
			gone[i] = 1;
			count++;
		}
	if (count == 0) {
		free(gone);
		mbox_close_locked(mb->path, fd);
		return 0;
	}
	buf = xmalloc(1 << 20);
	w = mb->n ? mb->msgs[0].offset : 0;
	for (i = 0; i < mb->n; i++) {
		uint64_t start = mb->msgs[i].offset;
		uint64_t end = i + 1 < mb->n ? mb->msgs[i + 1].offset : (uint64_t)st.st_size;
		uint64_t off;

		if (gone[i])
			continue;
		if (start != w) {
			for (off = 0; off < end - start;) {
				size_t chunk = end - start - off > (1u << 20) ? (1u << 20) : (size_t)(end - start - off);
				ssize_t r = pread(fd, buf, chunk, (off_t)(start + off));

				if (r <= 0 || pwrite(fd, buf, (size_t)r, (off_t)(w + off)) != r) {
					msg_warn("%s: compaction failed: %s", mb->path, strerror(errno));
					free(buf);
					free(gone);
					mbox_close_locked(mb->path, fd);
					return -1;
				}
				off += (uint64_t)r;
			}
		}
		mb->msgs[i].offset = w;
		w += end - start;
	}
	free(buf);
	if (ftruncate(fd, (off_t)w) != 0 || fsync(fd) != 0)
		msg_warn("%s: %s", mb->path, strerror(errno));
	for (i = 0; i < mb->n; i++)
		if (gone[i] && fn)
			fn(ctx, mb->msgs[i].uid);
	index_remove_marked(mb, gone);
	free(gone);
	if (fstat(fd, &st) == 0) {
		if (st.st_mtime >= time(NULL) - 2)
			snprintf(mb->stamp, sizeof(mb->stamp), "s%lldm0.0i%llu", (long long)st.st_size,
			    (unsigned long long)st.st_ino);
		else
			file_stamp(&st, mb->stamp, sizeof(mb->stamp));
	}
	mb->dirty = 1;
	mbox_close_locked(mb->path, fd);
	return count;
}

/* mbox_write: append one message to path (taking the locks) */
int
mbox_write(const char *path, const char *from, const char *data, size_t len,
    int64_t idate, uint32_t flags, uint64_t *offset, dstr *err)
{
	dstr out = DSTR_INIT;
	struct stat st;
	char tail[2], date[64];
	time_t t = idate > 0 ? (time_t)idate : time(NULL);
	struct tm tm;
	size_t i = 0, off = 0;
	int fd, rc = -1;

	(void)flags;
	fd = mbox_open_locked(path, 1, err);
	if (fd < 0)
		return -1;
	if (fstat(fd, &st) != 0) {
		dstr_printf(err, "%s: %s", path, strerror(errno));
		goto out;
	}
	/* keep a blank line between the previous message and ours */
	if (st.st_size >= 2 && pread(fd, tail, 2, st.st_size - 2) == 2) {
		if (tail[1] != '\n')
			dstr_puts(&out, "\n\n");
		else if (tail[0] != '\n')
			dstr_putc(&out, '\n');
	} else if (st.st_size == 1)
		dstr_putc(&out, '\n');
	if (offset)
		*offset = (uint64_t)st.st_size + out.len;
	localtime_r(&t, &tm);
	strftime(date, sizeof(date), "%a %b %e %H:%M:%S %Y", &tm);
	dstr_printf(&out, "From %s %s\n", from && *from ? from : "MAILER-DAEMON", date);
	dstr_reserve(&out, len + len / 32 + 2);
	while (i < len) {
		const char *nl = memchr(data + i, '\n', len - i);
		size_t e = nl ? (size_t)(nl - data) + 1 : len, l = e - i;

		if (is_from_line(data + i, l) || is_quoted_from(data + i, l))
			dstr_putc(&out, '>');
		/* LF line ends on disk */
		if (l >= 2 && data[e - 1] == '\n' && data[e - 2] == '\r') {
			dstr_append(&out, data + i, l - 2);
			dstr_putc(&out, '\n');
		} else
			dstr_append(&out, data + i, l);
		i = e;
	}
	if (out.len == 0 || out.s[out.len - 1] != '\n')
		dstr_putc(&out, '\n');
	dstr_putc(&out, '\n');
	while (off < out.len) {
		ssize_t wr = pwrite(fd, out.s + off, out.len - off, st.st_size + (off_t)off);

		if (wr < 0 && errno == EINTR)
			continue;
		if (wr <= 0)
			break;
		off += (size_t)wr;
	}
	if (off != out.len || fsync(fd) != 0) {
		dstr_printf(err, "%s: write failed: %s", path, strerror(errno ? errno : EIO));
		/* leave the mailbox as it was, as mail.local does */
		(void)ftruncate(fd, st.st_size);
		goto out;
	}
	rc = 0;
out:
	mbox_close_locked(path, fd);
	dstr_free(&out);
	return rc;
}
