/* queue: queue files (see queue.h).  The control file format follows
 * sendmail's version 8 qf files, so that sendmail's mailq reads ours
 * and we read its. */
#include "config.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/queue.h"

#define MACROEXPAND '\201'	/* sendmail's byte for '$' in queued headers */

static const char id_chars[] =
    "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwx";

const char *
queue_dir(const struct conf *c)
{
	const char *q = options_get(c->opts, "QueueDirectory");

	return q && *q ? q : "/var/spool/mqueue";
}

void
queue_new_id(char out[32])
{
	static unsigned counter;
	static time_t last;
	time_t now = time(NULL);
	struct tm tm;

	if (now != last) {
		last = now;
		counter = (unsigned)(getpid() % 60) * 60 + (unsigned)(now % 60);
	}
	counter = (counter + 1) % 3600;
	localtime_r(&now, &tm);
	snprintf(out, 32, "%c%c%c%c%c%c%c%c%06ld",
	    id_chars[tm.tm_year % 60], id_chars[tm.tm_mon], id_chars[tm.tm_mday],
	    id_chars[tm.tm_hour], id_chars[tm.tm_min], id_chars[tm.tm_sec],
	    id_chars[counter / 60], id_chars[counter % 60],
	    (long)(getpid() % 1000000));
}

static void
path_of(const char *dir, const char *type, const char *qid, dstr *out)
{
	dstr_clear(out);
	dstr_printf(out, "%s/%s%s", dir, type, qid);
}

static int
file_mode(const struct conf *c)
{
	const char *m = options_get(c->opts, "QueueFileMode");

	return m && *m ? (int)strtol(m, NULL, 8) : 0600;
}

/* exact_mode: a QueueFileMode the config names is what the files get,
 * whatever the caller's umask: the client queue's files must stay
 * readable and writable by its group (0660) for the queue runner */
static void
exact_mode(const struct conf *c, int fd)
{
	if (options_is_set(c->opts, "QueueFileMode"))
		(void)fchmod(fd, (mode_t)file_mode(c) & 0777);
}

int
queue_data_open(const struct conf *c, struct envelope *e, struct qdata *d, dstr *err)
{
	dstr path = DSTR_INIT;
	int tries;

	memset(d, 0, sizeof(*d));
	if (e->queue_dir == NULL)
		e->queue_dir = xstrdup(queue_dir(c));
	for (tries = 0; tries < 100; tries++) {
		queue_new_id(e->qid);
		path_of(e->queue_dir, "df", e->qid, &path);
		d->fd = open(path.s, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, file_mode(c));
		if (d->fd >= 0) {
			exact_mode(c, d->fd);
			d->path = dstr_steal(&path);
			return 0;
		}
		if (errno != EEXIST)
			break;
	}
	dstr_printf(err, "cannot create %s: %s", dstr_cstr(&path), strerror(errno));
	dstr_free(&path);
	return -1;
}

int
queue_data_write(struct qdata *d, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i;

	for (i = 0; i < n && !d->has8bit; i++)
		if (s[i] & 0x80)
			d->has8bit = 1;
	while (n > 0) {
		ssize_t w = write(d->fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p = (const char *)p + w;
		n -= (size_t)w;
		d->size += (size_t)w;
	}
	return 0;
}

void
queue_data_abort(struct qdata *d)
{
	if (d->fd >= 0)
		close(d->fd);
	if (d->path)
		unlink(d->path);
	free(d->path);
	d->path = NULL;
	d->fd = -1;
}

/* put_value: a header value into the qf; $ macros of config headers
 * are written as sendmail's macro byte */
static void
put_value(dstr *out, const struct header *h)
{
	const char *p;

	for (p = h->value; *p; p++) {
		if (h->from_config && *p == '$' && p[1] && p[1] != '$')
			dstr_putc(out, MACROEXPAND);
		else
			dstr_putc(out, *p);
	}
}

static void
rcpt_flags(dstr *out, unsigned f)
{
	if (f & RCPT_PRIMARY)
		dstr_putc(out, 'P');
	if (f & RCPT_HAS_NOTIFY)
		dstr_putc(out, 'N');
	if (f & RCPT_NOTIFY_SUCCESS)
		dstr_putc(out, 'S');
	if (f & RCPT_NOTIFY_FAILURE)
		dstr_putc(out, 'F');
	if (f & RCPT_NOTIFY_DELAY)
		dstr_putc(out, 'D');
}

static void
env_flags(dstr *out, unsigned f)
{
	if (f & EF_8BIT) dstr_putc(out, '8');
	if (f & EF_DELETE_BCC) dstr_putc(out, 'b');
	if (f & EF_RET_PARAM) dstr_putc(out, 'd');
	if (f & EF_NO_BODY) dstr_putc(out, 'n');
	if (f & EF_RESPONSE) dstr_putc(out, 'r');
	if (f & EF_SPLIT) dstr_putc(out, 's');
	if (f & EF_WARNED) dstr_putc(out, 'w');
}

/* one line: newlines inside become continuation lines */
static void
put_line(dstr *out, int code, const char *text)
{
	dstr_putc(out, code);
	for (; *text; text++) {
		dstr_putc(out, *text);
		if (*text == '\n' && text[1] != '\t' && text[1] != ' ')
			dstr_putc(out, '\t');
	}
	dstr_putc(out, '\n');
}

static void
format_control(const struct envelope *e, dstr *out)
{
	static const char *const keep[] = { "_", "r", "s", "daemon_flags", "if_addr", NULL };
	size_t i;

	dstr_puts(out, "V8\n");
	dstr_printf(out, "T%ld\nK%ld\nN%d\nP%ld\n", (long)e->ctime,
	    (long)e->last_try, e->tries, e->priority);
	if (e->inode)
		dstr_printf(out, "I%s\n", e->inode);
	if (e->message)
		put_line(out, 'M', e->message);
	dstr_putc(out, 'F');
	env_flags(out, e->flags);
	dstr_putc(out, '\n');
	for (i = 0; keep[i]; i++) {
		const char *v = macro_get(&e->macros, macro_id(keep[i], strlen(keep[i])));

		if (v == NULL)
			continue;
		if (strlen(keep[i]) > 1)
			dstr_printf(out, "${%s}%s\n", keep[i], v);
		else
			dstr_printf(out, "$%s%s\n", keep[i], v);
	}
	if (e->bodytype)
		dstr_printf(out, "B%s\n", e->bodytype);
	put_line(out, 'S', e->sender ? e->sender : "");
	if (e->envid)
		put_line(out, 'Z', e->envid);
	if (e->auth)
		put_line(out, 'A', e->auth);
	for (i = 0; i < e->nrcpts; i++) {
		const struct rcpt *r = &e->rcpts[i];

		if (r->flags & RCPT_DONE)
			continue;
		if (r->owner)
			put_line(out, 'C', r->owner);
		if (r->orcpt)
			put_line(out, 'Q', r->orcpt);
		if (r->final)
			put_line(out, 'r', r->final);
		dstr_putc(out, 'R');
		rcpt_flags(out, r->flags);
		dstr_putc(out, ':');
		dstr_puts(out, r->addr);
		dstr_putc(out, '\n');
	}
	for (i = 0; i < e->nhdrs; i++) {
		const struct header *h = &e->hdrs[i];

		dstr_printf(out, "H?%s?%s: ", h->cond ? h->cond : "", h->name);
		put_value(out, h);
		dstr_putc(out, '\n');
	}
	dstr_puts(out, ".\n");
}

static int
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc;

	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

/* write_control: tfQID, fsynced, renamed to qfQID; the directory is
 * fsynced by the caller */
static int
write_control(const struct conf *c, const struct envelope *e, dstr *err)
{
	dstr text = DSTR_INIT, tf = DSTR_INIT, qf = DSTR_INIT;
	int fd, rc = -1;
	size_t off = 0;

	format_control(e, &text);
	path_of(e->queue_dir, "tf", e->qid, &tf);
	path_of(e->queue_dir, "qf", e->qid, &qf);
	fd = open(tf.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, file_mode(c));
	if (fd < 0) {
		dstr_printf(err, "cannot create %s: %s", tf.s, strerror(errno));
		goto out;
	}
	exact_mode(c, fd);
	while (off < text.len) {
		ssize_t w = write(fd, text.s + off, text.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			dstr_printf(err, "cannot write %s: %s", tf.s, strerror(errno));
			close(fd);
			unlink(tf.s);
			goto out;
		}
		off += (size_t)w;
	}
	if (fsync(fd) != 0) {
		dstr_printf(err, "cannot fsync %s: %s", tf.s, strerror(errno));
		close(fd);
		unlink(tf.s);
		goto out;
	}
	close(fd);
	if (rename(tf.s, qf.s) != 0) {
		dstr_printf(err, "cannot rename %s: %s", tf.s, strerror(errno));
		unlink(tf.s);
		goto out;
	}
	rc = 0;
out:
	dstr_free(&text);
	dstr_free(&tf);
	dstr_free(&qf);
	return rc;
}

int
queue_commit(const struct conf *c, struct envelope *e, struct qdata *d, dstr *err)
{
	struct stat st;

	if (fsync(d->fd) != 0 || fstat(d->fd, &st) != 0) {
		dstr_printf(err, "cannot fsync %s: %s", d->path, strerror(errno));
		queue_data_abort(d);
		return -1;
	}
	close(d->fd);
	d->fd = -1;
	free(e->inode);
	{
		char buf[64];

		snprintf(buf, sizeof(buf), "%u/%u/%lu", major(st.st_dev),
		    minor(st.st_dev), (unsigned long)st.st_ino);
		e->inode = xstrdup(buf);
	}
	e->body_size = d->size;
	if (d->has8bit)
		e->flags |= EF_8BIT;
	if (write_control(c, e, err) != 0) {
		queue_data_abort(d);
		return -1;
	}
	if (fsync_dir(e->queue_dir) != 0) {
		dstr_printf(err, "cannot fsync %s: %s", e->queue_dir, strerror(errno));
		return -1;
	}
	free(d->path);
	d->path = NULL;
	return 0;
}

int
queue_write_control(const struct conf *c, const struct envelope *e, dstr *err)
{
	if (write_control(c, e, err) != 0)
		return -1;
	return fsync_dir(e->queue_dir);
}

/* take_value: the value of a qf line, continuation lines joined (the
 * newline kept), the macro byte turned back into '$' */
static char *
header_value(const char *s)
{
	dstr d = DSTR_INIT;

	for (; *s; s++)
		dstr_putc(&d, *s == MACROEXPAND ? '$' : *s);
	return dstr_steal(&d);
}

static unsigned
parse_rcpt_flags(const char *s, const char **rest)
{
	unsigned f = 0;
	const char *colon = strchr(s, ':');

	if (colon == NULL) {
		*rest = s;
		return 0;
	}
	for (; s < colon; s++) {
		switch (*s) {
		case 'P': f |= RCPT_PRIMARY; break;
		case 'N': f |= RCPT_HAS_NOTIFY; break;
		case 'S': f |= RCPT_NOTIFY_SUCCESS; break;
		case 'F': f |= RCPT_NOTIFY_FAILURE; break;
		case 'D': f |= RCPT_NOTIFY_DELAY; break;
		}
	}
	*rest = colon + 1;
	return f;
}

static void
apply_line(struct envelope *e, const char *line, char **pending_orcpt,
    char **pending_final, char **pending_owner)
{
	const char *v = line + 1;

	switch (line[0]) {
	case 'T': e->ctime = (time_t)atol(v); break;
	case 'K': e->last_try = (time_t)atol(v); break;
	case 'N': e->tries = atoi(v); break;
	case 'P': e->priority = atol(v); break;
	case 'I': free(e->inode); e->inode = xstrdup(v); break;
	case 'M': free(e->message); e->message = xstrdup(v); break;
	case 'S': free(e->sender); e->sender = xstrdup(v); break;
	case 'A': free(e->auth); e->auth = xstrdup(v); break;
	case 'Z': free(e->envid); e->envid = xstrdup(v); break;
	case 'B': free(e->bodytype); e->bodytype = xstrdup(v); break;
	case 'Q': free(*pending_orcpt); *pending_orcpt = xstrdup(v); break;
	case 'r': free(*pending_final); *pending_final = xstrdup(v); break;
	case 'C': free(*pending_owner); *pending_owner = xstrdup(v); break;
	case 'F':
		for (; *v; v++) {
			switch (*v) {
			case '8': e->flags |= EF_8BIT; break;
			case 'b': e->flags |= EF_DELETE_BCC; break;
			case 'd': e->flags |= EF_RET_PARAM; break;
			case 'n': e->flags |= EF_NO_BODY; break;
			case 'r': e->flags |= EF_RESPONSE; break;
			case 's': e->flags |= EF_SPLIT; break;
			case 'w': e->flags |= EF_WARNED; break;
			}
		}
		break;
	case '$': {
		const char *p = v;
		int id = macro_parse_ref(&p);

		if (id != MACRO_NONE)
			macro_set(&e->macros, id, p);
		break;
	}
	case 'R': {
		const char *addr;
		unsigned f = parse_rcpt_flags(v, &addr);
		struct rcpt *r = envelope_add_rcpt(e, addr, f);

		r->orcpt = *pending_orcpt;
		r->final = *pending_final;
		r->owner = *pending_owner;
		*pending_orcpt = *pending_final = *pending_owner = NULL;
		break;
	}
	case 'H': {
		const char *p = v, *cond = NULL, *colon;
		char *c = NULL, *name, *val;

		if (*p == '?') {
			const char *q = strchr(p + 1, '?');

			if (q) {
				c = xstrndup(p + 1, (size_t)(q - p - 1));
				cond = c;
				p = q + 1;
			}
		}
		colon = strchr(p, ':');
		if (colon == NULL) {
			free(c);
			break;
		}
		name = xstrndup(p, (size_t)(colon - p));
		colon++;
		if (*colon == ' ')
			colon++;
		val = header_value(colon);
		envelope_add_header(e, name, val, cond && *cond ? cond : NULL,
		    strchr(colon, MACROEXPAND) != NULL);
		free(name);
		free(val);
		free(c);
		break;
	}
	default:
		break;
	}
}

int
queue_read(const struct conf *c, const char *dir, const char *qid,
    struct envelope *e, dstr *err)
{
	dstr path = DSTR_INIT, cur = DSTR_INIT;
	char *line = NULL, *orcpt = NULL, *final = NULL, *owner = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *fp;
	int seen_end = 0, first = 1;
	struct stat st;

	(void)c;
	path_of(dir, "qf", qid, &path);
	fp = fopen(path.s, "r");
	if (fp == NULL) {
		dstr_printf(err, "%s: %s", path.s, strerror(errno));
		dstr_free(&path);
		return -1;
	}
	snprintf(e->qid, sizeof(e->qid), "%s", qid);
	free(e->queue_dir);
	e->queue_dir = xstrdup(dir);
	while ((len = getline(&line, &cap, fp)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (first && strncmp(line, "V", 1) != 0) {
			/* version 0 files have no V line: fine */
		}
		first = 0;
		if ((line[0] == '\t' || line[0] == ' ') && cur.len) {
			dstr_putc(&cur, '\n');
			dstr_puts(&cur, line);
			continue;
		}
		if (cur.len)
			apply_line(e, cur.s, &orcpt, &final, &owner);
		dstr_clear(&cur);
		if (strcmp(line, ".") == 0) {
			seen_end = 1;
			break;
		}
		dstr_puts(&cur, line);
	}
	free(line);
	fclose(fp);
	free(orcpt);
	free(final);
	free(owner);
	dstr_free(&cur);
	if (!seen_end) {
		dstr_printf(err, "%s: truncated control file", path.s);
		dstr_free(&path);
		return -1;
	}
	path_of(dir, "df", qid, &path);
	if (stat(path.s, &st) == 0)
		e->body_size = (size_t)st.st_size;
	else if (!(e->flags & EF_RESPONSE) || errno != ENOENT) {
		dstr_printf(err, "%s: %s", path.s, strerror(errno));
		dstr_free(&path);
		return -1;
	}
	dstr_free(&path);
	return 0;
}

void
queue_remove(const struct conf *c, const struct envelope *e)
{
	dstr p = DSTR_INIT;

	(void)c;
	path_of(e->queue_dir, "qf", e->qid, &p);
	unlink(p.s);
	path_of(e->queue_dir, "df", e->qid, &p);
	unlink(p.s);
	path_of(e->queue_dir, "xf", e->qid, &p);
	unlink(p.s);
	dstr_free(&p);
}

int
queue_id_valid(const char *qid)
{
	size_t n = strspn(qid, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

	return n > 0 && n <= 64 && qid[n] == '\0';
}

int
queue_lock(const struct conf *c, const char *dir, const char *qid)
{
	dstr p = DSTR_INIT;
	struct stat held, now;
	int fd;

	(void)c;
	path_of(dir, "qf", qid, &p);
	fd = open(p.s, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		dstr_free(&p);
		return -1;
	}
	/* flock, not fcntl: a POSIX lock goes away when the process closes
	 * any descriptor of the file (reading the qf would drop it), and
	 * flock is what sendmail takes on Linux, so the two never work on
	 * one message at once */
	if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
		close(fd);
		dstr_free(&p);
		return -1;
	}
	/* the file may have been finished (removed) or rewritten (renamed
	 * over) between the open and the lock: then this is not the message
	 * any more */
	if (fstat(fd, &held) != 0 || stat(p.s, &now) != 0 || held.st_ino != now.st_ino ||
	    held.st_dev != now.st_dev) {
		close(fd);
		dstr_free(&p);
		return -1;
	}
	dstr_free(&p);
	return fd;
}

void
queue_set_aside(const char *dir, const char *qid, const char *why)
{
	dstr from = DSTR_INIT, to = DSTR_INIT;

	path_of(dir, "qf", qid, &from);
	path_of(dir, "Qf", qid, &to);
	if (rename(from.s, to.s) == 0)
		msg_error("%s: set aside as %s: %s", qid, to.s, why);
	dstr_free(&from);
	dstr_free(&to);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t
queue_list(const char *dir, char ***ids)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t n = 0, cap = 0;

	*ids = NULL;
	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != 'q' || de->d_name[1] != 'f' || de->d_name[2] == '\0')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			*ids = xreallocarray(*ids, cap, sizeof(char *));
		}
		(*ids)[n++] = xstrdup(de->d_name + 2);
	}
	closedir(d);
	if (n)
		qsort(*ids, n, sizeof(char *), cmp_str);
	return n;
}

void
queue_list_free(char **ids, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
}

void
queue_data_path(const struct envelope *e, dstr *out)
{
	path_of(e->queue_dir, "df", e->qid, out);
}
