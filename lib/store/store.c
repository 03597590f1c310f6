/* store: the public face of the mailbox store (see store.h): a user's
 * mail_location, mailbox names to paths, listing and folder operations,
 * subscriptions, and the open/sync/commit/expunge/append transactions
 * over index.c and the maildir.c / mbox.c backends.  Called by mailboxd
 * sessions and mail.local. */
#include "config.h"
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/mutf7.h"
#include "store/store_int.h"

/* ---- helpers shared by the backends ---- */

void
store_to_crlf(dstr *out, const char *p, size_t n)
{
	size_t i, start = 0;

	dstr_reserve(out, n + n / 32 + 16);
	for (i = 0; i < n; i++) {
		if (p[i] == '\n' && (i == 0 || p[i - 1] != '\r')) {
			dstr_append(out, p + start, i - start);
			dstr_append(out, "\r\n", 2);
			start = i + 1;
		}
	}
	dstr_append(out, p + start, n - start);
}

uint64_t
store_crlf_size(const char *p, size_t n)
{
	uint64_t size = n;
	const char *e = p + n, *q = p;

	while (q < e && (q = memchr(q, '\n', (size_t)(e - q))) != NULL) {
		if (q == p || q[-1] != '\r')
			size++;
		q++;
	}
	return size;
}

int
store_mkdirs(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int rc = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) != 0 && errno != EEXIST) {
			rc = -1;
			break;
		}
		*s = '/';
	}
	if (rc == 0 && mkdir(p, mode) != 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

/* ---- users and locations ---- */

static void
expand(dstr *out, const char *s, const char *user, const char *home)
{
	const char *at = strchr(user, '@');

	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
		dstr_puts(out, home ? home : "");
		s++;
	}
	for (; *s; s++) {
		if (*s != '%' || s[1] == '\0') {
			dstr_putc(out, *s);
			continue;
		}
		s++;
		switch (*s) {
		case 'u':
			dstr_puts(out, user);
			break;
		case 'n':
			if (at)
				dstr_append(out, user, (size_t)(at - user));
			else
				dstr_puts(out, user);
			break;
		case 'd':
			if (at)
				dstr_puts(out, at + 1);
			break;
		case 'h':
			dstr_puts(out, home ? home : "");
			break;
		case '%':
			dstr_putc(out, '%');
			break;
		default:
			dstr_putc(out, '%');
			dstr_putc(out, *s);
		}
	}
}

store_user *
store_user_new(const char *location, const char *user, const char *home, dstr *err)
{
	store_user *u;
	char *spec, *save = NULL, *part;
	int first = 1;

	if (strchr(user, '/') || user[0] == '.' || user[0] == '\0') {
		dstr_printf(err, "unusable user name");
		return NULL;
	}
	u = xcalloc(1, sizeof(*u));
	u->user = xstrdup(user);
	spec = xstrdup(location);
	for (part = strtok_r(spec, ":", &save); part; part = strtok_r(NULL, ":", &save)) {
		dstr d = DSTR_INIT;

		if (first) {
			first = 0;
			if (strcasecmp(part, "maildir") == 0)
				u->fmt = STORE_MAILDIR;
			else if (strcasecmp(part, "mbox") == 0)
				u->fmt = STORE_MBOX;
			else {
				dstr_printf(err, "unknown mailbox format \"%s\" in mail_location", part);
				goto fail;
			}
			continue;
		}
		if (strncasecmp(part, "INBOX=", 6) == 0) {
			expand(&d, part + 6, user, home);
			free(u->inbox);
			u->inbox = dstr_steal(&d);
		} else if (strncasecmp(part, "INDEX=", 6) == 0) {
			expand(&d, part + 6, user, home);
			free(u->indexroot);
			u->indexroot = dstr_steal(&d);
		} else if (strchr(part, '=') == NULL && u->root == NULL) {
			expand(&d, part, user, home);
			u->root = dstr_steal(&d);
		}
		dstr_free(&d);
	}
	if (u->fmt == 0 || u->root == NULL || u->root[0] != '/') {
		dstr_printf(err, "mail_location \"%s\" names no absolute folder", location);
		goto fail;
	}
	while (strlen(u->root) > 1 && u->root[strlen(u->root) - 1] == '/')
		u->root[strlen(u->root) - 1] = '\0';
	if (u->fmt == STORE_MAILDIR) {
		u->sep = '.';
		free(u->inbox);
		u->inbox = xstrdup(u->root);
	} else {
		dstr d = DSTR_INIT;

		u->sep = '/';
		if (u->inbox == NULL) {
			dstr_printf(&d, "/var/mail/%s", user);
			u->inbox = dstr_steal(&d);
		}
		if (u->indexroot == NULL) {
			dstr_printf(&d, "%s/.imap", u->root);
			u->indexroot = dstr_steal(&d);
		}
	}
	free(spec);
	return u;
fail:
	free(spec);
	store_user_free(u);
	return NULL;
}

void
store_user_free(store_user *u)
{
	if (u == NULL)
		return;
	free(u->root);
	free(u->inbox);
	free(u->indexroot);
	free(u->user);
	free(u);
}

enum store_format
store_user_format(const store_user *u)
{
	return u->fmt;
}

char
store_user_separator(const store_user *u)
{
	return u->sep;
}

const char *
store_user_inbox(const store_user *u)
{
	return u->inbox;
}

static int
is_inbox(const char *name)
{
	return strcasecmp(name, "INBOX") == 0;
}

int
store_valid_name(store_user *u, const char *name, dstr *err)
{
	const char *p;
	size_t comp = 0;

	if (name[0] == '\0') {
		dstr_set(err, "Empty mailbox name");
		return -1;
	}
	if (strlen(name) > 1000) {
		dstr_set(err, "Mailbox name too long");
		return -1;
	}
	if (!mutf7_valid(name)) {
		dstr_set(err, "Mailbox name is not valid mUTF-7");
		return -1;
	}
	if (is_inbox(name))
		return 0;
	for (p = name; *p; p++) {
		if (*p == '/' && u->sep != '/') {
			dstr_set(err, "Character not allowed in mailbox name: '/'");
			return -1;
		}
		if (*p == '~' && p == name) {
			dstr_set(err, "Mailbox name may not start with '~'");
			return -1;
		}
		if (*p == u->sep) {
			if (comp == 0) {
				dstr_set(err, "Empty part in mailbox name");
				return -1;
			}
			comp = 0;
		} else
			comp++;
		if (*p == '.' && (p == name || p[-1] == u->sep) &&
		    (p[1] == '\0' || p[1] == u->sep || (p[1] == '.' && (p[2] == '\0' || p[2] == u->sep)))) {
			dstr_set(err, "Mailbox name may not contain '.' or '..' parts");
			return -1;
		}
	}
	if (u->sep == '/' && name[0] == '.') {
		dstr_set(err, "Mailbox name may not start with '.'");
		return -1;
	}
	return 0;
}

/* path of a mailbox name (not validated here) */
static char *
name_path(store_user *u, const char *name)
{
	dstr d = DSTR_INIT;

	if (is_inbox(name))
		return xstrdup(u->inbox);
	if (u->fmt == STORE_MAILDIR)
		dstr_printf(&d, "%s/.%s", u->root, name);
	else
		dstr_printf(&d, "%s/%s", u->root, name);
	return dstr_steal(&d);
}

int
store_exists(store_user *u, const char *name)
{
	char *p = name_path(u, name);
	struct stat st;
	int r;

	if (u->fmt == STORE_MAILDIR) {
		dstr c = DSTR_INIT;

		dstr_printf(&c, "%s/cur", p);
		r = stat(c.s, &st) == 0 && S_ISDIR(st.st_mode);
		dstr_free(&c);
		if (is_inbox(name))
			r = 1;
	} else
		r = is_inbox(name) || (stat(p, &st) == 0 && S_ISREG(st.st_mode));
	free(p);
	return r;
}

/* ---- listing ---- */

struct names {
	char **v;
	unsigned *attr;
	size_t n, cap;
};

static void
names_add(struct names *l, const char *name, unsigned attr)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i], name) == 0) {
			l->attr[i] &= attr | ~(unsigned)STORE_LIST_NOSELECT;
			return;
		}
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 32;
		l->v = xreallocarray(l->v, l->cap, sizeof(char *));
		l->attr = xreallocarray(l->attr, l->cap, sizeof(unsigned));
	}
	l->v[l->n] = xstrdup(name);
	l->attr[l->n++] = attr;
}

static void
walk_mbox(store_user *u, const char *dir, const char *prefix, struct names *l, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (d == NULL || depth > 20) {
		if (d)
			closedir(d);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		dstr path = DSTR_INIT, name = DSTR_INIT;
		struct stat st;
		size_t nl = strlen(de->d_name);

		if (de->d_name[0] == '.' || (nl > 5 && strcmp(de->d_name + nl - 5, ".lock") == 0))
			continue;
		dstr_printf(&path, "%s/%s", dir, de->d_name);
		dstr_printf(&name, "%s%s", prefix, de->d_name);
		if (lstat(path.s, &st) == 0 && mutf7_valid(name.s)) {
			if (S_ISREG(st.st_mode) && !(depth == 0 && is_inbox(name.s)))
				names_add(l, name.s, 0);
			else if (S_ISDIR(st.st_mode)) {
				dstr sub = DSTR_INIT;

				names_add(l, name.s, STORE_LIST_NOSELECT);
				dstr_printf(&sub, "%s/", name.s);
				walk_mbox(u, path.s, sub.s, l, depth + 1);
				dstr_free(&sub);
			}
		}
		dstr_free(&path);
		dstr_free(&name);
	}
	closedir(d);
}

static void
walk_maildir(store_user *u, struct names *l)
{
	DIR *d = opendir(u->root);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		dstr cur = DSTR_INIT;
		struct stat st;
		const char *name = de->d_name + 1;

		if (de->d_name[0] != '.' || strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		dstr_printf(&cur, "%s/%s/cur", u->root, de->d_name);
		if (stat(cur.s, &st) == 0 && S_ISDIR(st.st_mode) && mutf7_valid(name)) {
			/* parents that are not folders themselves are \Noselect */
			char *copy = xstrdup(name), *p;

			for (p = copy; (p = strchr(p, '.')) != NULL; p++) {
				*p = '\0';
				names_add(l, copy, STORE_LIST_NOSELECT);
				*p = '.';
			}
			free(copy);
			names_add(l, name, 0);
		}
		dstr_free(&cur);
	}
	closedir(d);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
store_list(store_user *u, void (*fn)(void *ctx, const char *name, unsigned attrs), void *ctx)
{
	struct names l = { NULL, NULL, 0, 0 };
	size_t i, j, *order;
	char **sorted;

	if (u->fmt == STORE_MAILDIR)
		walk_maildir(u, &l);
	else
		walk_mbox(u, u->root, "", &l, 0);
	/* children */
	for (i = 0; i < l.n; i++) {
		size_t len = strlen(l.v[i]);
		int kids = 0;

		for (j = 0; j < l.n && !kids; j++)
			if (strncmp(l.v[j], l.v[i], len) == 0 && l.v[j][len] == u->sep)
				kids = 1;
		l.attr[i] |= kids ? STORE_LIST_HASCHILDREN : STORE_LIST_HASNOCHILDREN;
	}
	fn(ctx, "INBOX", STORE_LIST_HASNOCHILDREN);
	sorted = xcalloc(l.n + 1, sizeof(char *));
	order = xcalloc(l.n + 1, sizeof(size_t));
	if (l.n)
		memcpy(sorted, l.v, l.n * sizeof(char *));
	if (l.n)
		qsort(sorted, l.n, sizeof(char *), cmp_str);
	for (i = 0; i < l.n; i++) {
		for (j = 0; j < l.n; j++)
			if (l.v[j] == sorted[i])
				break;
		if (!is_inbox(sorted[i]))
			fn(ctx, sorted[i], l.attr[j]);
	}
	for (i = 0; i < l.n; i++)
		free(l.v[i]);
	free(l.v);
	free(l.attr);
	free(sorted);
	free(order);
	return 0;
}

/* ---- folder operations ---- */

int
store_create(store_user *u, const char *name, dstr *err)
{
	dstr clean = DSTR_INIT;
	char *path;
	int rc = -1, dir_only = 0;

	dstr_set(&clean, name);
	if (clean.len > 1 && clean.s[clean.len - 1] == u->sep) {
		/* "foo/" asks for a hierarchy, not a mailbox */
		dstr_truncate(&clean, clean.len - 1);
		dir_only = u->fmt == STORE_MBOX;
	}
	if (store_valid_name(u, clean.s, err) < 0)
		goto out;
	if (is_inbox(clean.s) || store_exists(u, clean.s)) {
		dstr_set(err, "[ALREADYEXISTS] Mailbox already exists");
		goto out;
	}
	path = name_path(u, clean.s);
	if (u->fmt == STORE_MAILDIR) {
		if (maildir_ensure(path, err) == 0) {
			dstr mf = DSTR_INIT;
			int fd;

			dstr_printf(&mf, "%s/maildirfolder", path);
			fd = open(mf.s, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
			if (fd >= 0)
				close(fd);
			dstr_free(&mf);
			rc = 0;
		}
	} else {
		struct stat st;

		if (dir_only) {
			if (store_mkdirs(path, 0700) == 0)
				rc = 0;
			else
				dstr_printf(err, "%s", strerror(errno));
		} else if (stat(path, &st) == 0) {
			dstr_set(err, "[ALREADYEXISTS] Mailbox already exists");
		} else {
			char *slash = strrchr(path, '/');
			int fd;

			*slash = '\0';
			if (store_mkdirs(path, 0700) != 0) {
				dstr_printf(err, "%s", strerror(errno));
				*slash = '/';
			} else {
				*slash = '/';
				fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
				if (fd >= 0) {
					close(fd);
					rc = 0;
				} else
					dstr_printf(err, "%s", strerror(errno));
			}
		}
	}
	free(path);
out:
	dstr_free(&clean);
	return rc;
}

static void
remove_tree(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;

	if (d) {
		while ((de = readdir(d)) != NULL) {
			dstr p = DSTR_INIT;
			struct stat st;

			if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
				continue;
			dstr_printf(&p, "%s/%s", path, de->d_name);
			if (lstat(p.s, &st) == 0 && S_ISDIR(st.st_mode))
				remove_tree(p.s);
			else
				(void)unlink(p.s);
			dstr_free(&p);
		}
		closedir(d);
	}
	(void)rmdir(path);
}

static char *
index_dir_of(store_user *u, const char *name)
{
	dstr d = DSTR_INIT;

	if (u->fmt != STORE_MBOX)
		return NULL;
	dstr_printf(&d, "%s/%s", u->indexroot, is_inbox(name) ? "INBOX" : name);
	return dstr_steal(&d);
}

int
store_delete(store_user *u, const char *name, dstr *err)
{
	char *path, *idx;
	struct stat st;
	int rc = -1;

	if (store_valid_name(u, name, err) < 0)
		return -1;
	if (is_inbox(name)) {
		dstr_set(err, "INBOX can't be deleted.");
		return -1;
	}
	path = name_path(u, name);
	if (u->fmt == STORE_MAILDIR) {
		if (!store_exists(u, name))
			dstr_set(err, "[NONEXISTENT] Mailbox doesn't exist");
		else {
			remove_tree(path);
			rc = 0;
		}
	} else if (lstat(path, &st) != 0)
		dstr_set(err, "[NONEXISTENT] Mailbox doesn't exist");
	else if (S_ISDIR(st.st_mode)) {
		if (rmdir(path) == 0)
			rc = 0;
		else
			dstr_set(err, "Mailbox has children, delete them first");
	} else if (unlink(path) == 0) {
		rc = 0;
		idx = index_dir_of(u, name);
		remove_tree(idx);
		free(idx);
	} else
		dstr_printf(err, "%s", strerror(errno));
	free(path);
	return rc;
}

/* rename_inbox: RFC 3501: move INBOX's messages to a new mailbox and
 * leave INBOX empty */
static int
rename_inbox(store_user *u, const char *to, dstr *err)
{
	store_mailbox *src, *dst;
	size_t i;
	int rc = 0;

	if (store_create(u, to, err) < 0)
		return -1;
	src = store_open(u, "INBOX", 0, err);
	dst = src ? store_open(u, to, 0, err) : NULL;
	if (dst == NULL) {
		store_close(src);
		return -1;
	}
	for (i = 0; i < store_count(src) && rc == 0; i++) {
		dstr msg = DSTR_INIT;
		const struct store_msg *m = store_msg_at(src, i);
		uint32_t uid;

		if (store_read(src, i, &msg) == 0)
			rc = store_append(dst, msg.s, msg.len, m->flags, 0, m->internaldate, &uid, err);
		dstr_free(&msg);
		if (rc == 0)
			(void)store_set_flags(src, i, m->flags | STORE_DELETED, m->keywords);
	}
	if (rc == 0)
		(void)store_expunge(src, NULL, 0, NULL, NULL);
	store_close(dst);
	store_close(src);
	return rc;
}

int
store_rename(store_user *u, const char *from, const char *to, dstr *err)
{
	char *pf, *pt;
	int rc = -1;

	if (store_valid_name(u, from, err) < 0 || store_valid_name(u, to, err) < 0)
		return -1;
	if (is_inbox(to) || store_exists(u, to)) {
		dstr_set(err, "[ALREADYEXISTS] Target mailbox already exists");
		return -1;
	}
	if (is_inbox(from))
		return rename_inbox(u, to, err);
	if (u->fmt == STORE_MAILDIR && !store_exists(u, from)) {
		dstr_set(err, "[NONEXISTENT] Mailbox doesn't exist");
		return -1;
	}
	pf = name_path(u, from);
	pt = name_path(u, to);
	if (u->fmt == STORE_MBOX) {
		char *slash = strrchr(pt, '/');

		*slash = '\0';
		(void)store_mkdirs(pt, 0700);
		*slash = '/';
	}
	if (rename(pf, pt) != 0)
		dstr_printf(err, "%s", errno == ENOENT ? "[NONEXISTENT] Mailbox doesn't exist" : strerror(errno));
	else {
		rc = 0;
		if (u->fmt == STORE_MAILDIR) {
			/* the children move along: .from.x -> .to.x */
			DIR *d = opendir(u->root);
			struct dirent *de;
			size_t fl = strlen(from);

			while (d && (de = readdir(d)) != NULL) {
				if (de->d_name[0] == '.' && strncmp(de->d_name + 1, from, fl) == 0 &&
				    de->d_name[1 + fl] == '.') {
					dstr a = DSTR_INIT, b = DSTR_INIT;

					dstr_printf(&a, "%s/%s", u->root, de->d_name);
					dstr_printf(&b, "%s/.%s%s", u->root, to, de->d_name + 1 + fl);
					(void)rename(a.s, b.s);
					dstr_free(&a);
					dstr_free(&b);
				}
			}
			if (d)
				closedir(d);
		} else {
			char *ia = index_dir_of(u, from), *ib = index_dir_of(u, to);
			char *slash = strrchr(ib, '/');

			*slash = '\0';
			(void)store_mkdirs(ib, 0700);
			*slash = '/';
			(void)rename(ia, ib);
			free(ia);
			free(ib);
		}
	}
	free(pf);
	free(pt);
	return rc;
}

/* ---- subscriptions ---- */

static char *
subs_path(store_user *u)
{
	dstr d = DSTR_INIT;

	dstr_printf(&d, "%s/%s", u->root, u->fmt == STORE_MAILDIR ? "subscriptions" : ".subscriptions");
	return dstr_steal(&d);
}

int
store_subscriptions(store_user *u, void (*fn)(void *ctx, const char *name), void *ctx)
{
	char *path = subs_path(u), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *f = fopen(path, "re");

	free(path);
	if (f == NULL)
		return 0;
	while ((len = getline(&line, &cap, f)) > 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (len > 0)
			fn(ctx, line);
	}
	free(line);
	fclose(f);
	return 0;
}

struct subs_ctx {
	dstr out;
	const char *name;
	int found;
};

static void
subs_keep(void *vctx, const char *name)
{
	struct subs_ctx *c = vctx;

	if (strcmp(name, c->name) == 0) {
		c->found = 1;
		return;
	}
	dstr_printf(&c->out, "%s\n", name);
}

int
store_subscribe(store_user *u, const char *name, int on, dstr *err)
{
	struct subs_ctx c;
	char *path;
	dstr tmp = DSTR_INIT;
	int fd, rc = -1;

	if (store_valid_name(u, name, err) < 0)
		return -1;
	dstr_init(&c.out);
	c.name = name;
	c.found = 0;
	(void)store_subscriptions(u, subs_keep, &c);
	if (on)
		dstr_printf(&c.out, "%s\n", is_inbox(name) ? "INBOX" : name);
	path = subs_path(u);
	(void)store_mkdirs(u->root, 0700);
	dstr_printf(&tmp, "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp.s, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (write(fd, c.out.s ? c.out.s : "", c.out.len) == (ssize_t)c.out.len &&
		    close(fd) == 0 && rename(tmp.s, path) == 0)
			rc = 0;
		else
			(void)unlink(tmp.s);
	}
	if (rc < 0)
		dstr_printf(err, "cannot write subscriptions: %s", strerror(errno));
	free(path);
	dstr_free(&tmp);
	dstr_free(&c.out);
	return rc;
}

/* ---- mailboxes ---- */

static void
set_index_paths(store_mailbox *mb)
{
	dstr d = DSTR_INIT;
	char *dir;

	if (mb->u->fmt == STORE_MAILDIR)
		dir = xstrdup(mb->path);
	else {
		dir = index_dir_of(mb->u, mb->name);
		if (store_mkdirs(dir, 0700) != 0) {
			free(dir);
			return;	/* memory only */
		}
	}
	if (access(dir, W_OK) != 0) {
		free(dir);
		return;
	}
	dstr_printf(&d, "%s/sendwell.index", dir);
	mb->idx_path = dstr_steal(&d);
	dstr_printf(&d, "%s/sendwell.cache", dir);
	mb->cache_path = dstr_steal(&d);
	dstr_printf(&d, "%s/sendwell.lock", dir);
	mb->lock_path = dstr_steal(&d);
	free(dir);
}

static int
scan(store_mailbox *mb)
{
	return mb->u->fmt == STORE_MAILDIR ? maildir_scan(mb) : mbox_scan(mb);
}

store_mailbox *
store_open(store_user *u, const char *name, int readonly, dstr *err)
{
	store_mailbox *mb;
	struct stat st;

	if (store_valid_name(u, name, err) < 0)
		return NULL;
	if (is_inbox(name) && u->fmt == STORE_MAILDIR && maildir_ensure(u->inbox, err) < 0)
		return NULL;
	if (!store_exists(u, name)) {
		dstr_set(err, "[NONEXISTENT] Mailbox doesn't exist");
		return NULL;
	}
	mb = xcalloc(1, sizeof(*mb));
	mb->u = u;
	mb->name = xstrdup(is_inbox(name) ? "INBOX" : name);
	mb->path = name_path(u, name);
	mb->readonly = readonly;
	mb->lockfd = -1;
	dstr_init(&mb->cache_out);
	if (u->fmt == STORE_MBOX && stat(mb->path, &st) == 0 && !S_ISREG(st.st_mode)) {
		dstr_set(err, "[NONEXISTENT] Mailbox is not selectable");
		store_close(mb);
		return NULL;
	}
	set_index_paths(mb);
	if (index_lock(mb) < 0) {
		dstr_set(err, "[INUSE] Mailbox is locked");
		store_close(mb);
		return NULL;
	}
	index_refresh(mb);
	index_cache_load(mb);
	if (scan(mb) < 0)
		msg_warn("%s: scan failed: %s", mb->path, strerror(errno));
	(void)index_save(mb);
	index_unlock(mb);
	return mb;
}

void
store_close(store_mailbox *mb)
{
	size_t i;

	if (mb == NULL)
		return;
	if (mb->idx_valid)
		(void)store_commit(mb);
	for (i = 0; i < mb->n; i++)
		index_msg_free(&mb->msgs[i]);
	free(mb->msgs);
	for (i = 0; i < mb->nkw; i++)
		free(mb->kw[i]);
	if (mb->lockfd >= 0)
		close(mb->lockfd);
	free(mb->pend);
	dstr_free(&mb->cache_out);
	free(mb->name);
	free(mb->path);
	free(mb->idx_path);
	free(mb->cache_path);
	free(mb->lock_path);
	free(mb);
}

const char *
store_name(const store_mailbox *mb)
{
	return mb->name;
}

/* apply_pending: re-apply our flag changes after a reload; kwnames are
 * the keyword names our bit numbers meant */
static void
apply_pending(store_mailbox *mb, char **kwnames, size_t nkw)
{
	size_t i, b;

	for (i = 0; i < mb->npend; i++) {
		struct store_pending *p = &mb->pend[i];
		ssize_t k = store_find_uid(mb, p->uid);
		uint64_t kw = 0;

		if (k < 0)
			continue;
		for (b = 0; b < nkw && b < 64; b++) {
			if (p->keywords & (1ull << b)) {
				int idx = store_keyword_index(mb, kwnames[b], 1);

				if (idx >= 0)
					kw |= 1ull << idx;
			}
		}
		if (mb->msgs[k].flags != p->flags || mb->msgs[k].keywords != kw) {
			mb->msgs[k].flags = p->flags;
			mb->msgs[k].keywords = kw;
			mb->dirty = 1;
		}
	}
	mb->npend = 0;
}

/* transaction: lock, reload others' changes, re-apply ours, scan */
static int
begin(store_mailbox *mb)
{
	char *names[STORE_MAX_KEYWORDS];
	size_t nkw = mb->nkw, i;

	if (index_lock(mb) < 0)
		return -1;
	for (i = 0; i < nkw; i++)
		names[i] = xstrdup(mb->kw[i]);
	index_refresh(mb);
	apply_pending(mb, names, nkw);
	for (i = 0; i < nkw; i++)
		free(names[i]);
	return 0;
}

static int
end(store_mailbox *mb)
{
	int rc = index_save(mb);

	index_unlock(mb);
	return rc;
}

int
store_sync(store_mailbox *mb)
{
	int rc;

	if (begin(mb) < 0)
		return -1;
	rc = scan(mb);
	if (end(mb) < 0)
		rc = -1;
	return rc;
}

int
store_changed(store_mailbox *mb)
{
	struct stat st;

	if (mb->u->fmt == STORE_MAILDIR) {
		dstr p = DSTR_INIT;
		char buf[64];
		int changed = 0;

		if (mb->stamp[0] == '\0')
			changed = 1;
		dstr_printf(&p, "%s/new", mb->path);
		if (stat(p.s, &st) == 0) {
			snprintf(buf, sizeof(buf), "n%lld.%ld", (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
			if (strncmp(mb->stamp, buf, strlen(buf)) != 0)
				changed = 1;
		}
		dstr_free(&p);
		if (!changed && mb->idx_path && stat(mb->idx_path, &st) == 0 &&
		    (st.st_ino != mb->idx_st.st_ino || st.st_mtim.tv_nsec != mb->idx_st.st_mtim.tv_nsec))
			changed = 1;
		return changed;
	}
	if (stat(mb->path, &st) != 0)
		return mb->n > 0;
	{
		char buf[96];

		snprintf(buf, sizeof(buf), "s%lldm%lld.%ldi%llu", (long long)st.st_size,
		    (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec, (unsigned long long)st.st_ino);
		if (strcmp(buf, mb->stamp) != 0)
			return 1;
	}
	if (mb->idx_path && stat(mb->idx_path, &st) == 0 &&
	    (st.st_ino != mb->idx_st.st_ino || st.st_mtim.tv_nsec != mb->idx_st.st_mtim.tv_nsec))
		return 1;
	return 0;
}

int
store_watch_paths(const store_mailbox *mb, const char *paths[2])
{
	static __thread char a[4096], b[4096];

	if (mb->u->fmt == STORE_MAILDIR) {
		snprintf(a, sizeof(a), "%s/new", mb->path);
		snprintf(b, sizeof(b), "%s/cur", mb->path);
		paths[0] = a;
		paths[1] = b;
		return 2;
	}
	snprintf(a, sizeof(a), "%s", mb->path);
	paths[0] = a;
	if (mb->idx_path) {
		snprintf(b, sizeof(b), "%s", mb->idx_path);
		*strrchr(b, '/') = '\0';
		paths[1] = b;
		return 2;
	}
	return 1;
}

size_t
store_count(const store_mailbox *mb)
{
	return mb->n;
}

const struct store_msg *
store_msg_at(const store_mailbox *mb, size_t i)
{
	return i < mb->n ? &mb->msgs[i] : NULL;
}

ssize_t
store_find_uid(const store_mailbox *mb, uint32_t uid)
{
	size_t lo = 0, hi = mb->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (mb->msgs[mid].uid == uid)
			return (ssize_t)mid;
		if (mb->msgs[mid].uid < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

uint32_t
store_uidvalidity(const store_mailbox *mb)
{
	return mb->uidvalidity;
}

uint32_t
store_uidnext(const store_mailbox *mb)
{
	return mb->uidnext;
}

uint32_t
store_claim_recent(store_mailbox *mb)
{
	uint32_t first;

	if (mb->readonly)
		return UINT32_MAX;
	if (begin(mb) < 0)
		return UINT32_MAX;
	first = mb->recent_uid + 1;
	if (mb->uidnext - 1 > mb->recent_uid) {
		mb->recent_uid = mb->uidnext - 1;
		mb->dirty = 1;
	}
	(void)end(mb);
	return first;
}

size_t
store_keyword_count(const store_mailbox *mb)
{
	return mb->nkw;
}

const char *
store_keyword(const store_mailbox *mb, size_t i)
{
	return i < mb->nkw ? mb->kw[i] : NULL;
}

int
store_keyword_index(store_mailbox *mb, const char *name, int add)
{
	size_t i;

	for (i = 0; i < mb->nkw; i++)
		if (strcasecmp(mb->kw[i], name) == 0)
			return (int)i;
	if (!add || mb->nkw == STORE_MAX_KEYWORDS)
		return -1;
	mb->kw[mb->nkw] = xstrdup(name);
	mb->dirty = 1;
	return (int)mb->nkw++;
}

static int
read_msg(store_mailbox *mb, size_t i, dstr *out, int header_only)
{
	size_t start = out->len;
	uint32_t uid = mb->msgs[i].uid;
	ssize_t k;

	if (mb->u->fmt == STORE_MAILDIR)
		return maildir_read(mb, i, out, header_only);
	if (mbox_read(mb, i, out, header_only) == 0)
		return 0;
	/* rewritten meanwhile: sync and look again */
	dstr_truncate(out, start);
	if (store_sync(mb) < 0 || (k = store_find_uid(mb, uid)) < 0)
		return -1;
	return mbox_read(mb, (size_t)k, out, header_only);
}

int
store_read(store_mailbox *mb, size_t i, dstr *out)
{
	return i < mb->n ? read_msg(mb, i, out, 0) : -1;
}

int
store_read_header(store_mailbox *mb, size_t i, dstr *out)
{
	return i < mb->n ? read_msg(mb, i, out, 1) : -1;
}

int
store_set_flags(store_mailbox *mb, size_t i, uint32_t flags, uint64_t keywords)
{
	struct store_msg *m;
	struct store_pending *p;

	if (i >= mb->n)
		return -1;
	m = &mb->msgs[i];
	flags &= 31;
	if (m->flags == flags && m->keywords == keywords)
		return 0;
	if (mb->u->fmt == STORE_MAILDIR && m->flags != flags)
		(void)maildir_rename_flags(mb, i, flags);
	m->flags = flags;
	m->keywords = keywords;
	if (mb->npend == mb->cappend) {
		mb->cappend = mb->cappend ? mb->cappend * 2 : 16;
		mb->pend = xreallocarray(mb->pend, mb->cappend, sizeof(*mb->pend));
	}
	p = &mb->pend[mb->npend++];
	p->uid = m->uid;
	p->flags = flags;
	p->keywords = keywords;
	return 0;
}

int
store_commit(store_mailbox *mb)
{
	if (mb->npend == 0 && !mb->dirty) {
		index_cache_flush(mb);
		return 0;
	}
	if (begin(mb) < 0)
		return -1;
	return end(mb);
}

int
store_expunge(store_mailbox *mb, const uint32_t *uids, size_t n,
    void (*fn)(void *ctx, uint32_t uid), void *ctx)
{
	size_t i;
	int count = 0;

	if (mb->readonly)
		return 0;
	if (begin(mb) < 0)
		return -1;
	if (mb->u->fmt == STORE_MBOX) {
		count = mbox_compact(mb, uids, n, fn, ctx);
	} else {
		char *gone;

		(void)scan(mb);
		gone = xcalloc(mb->n + 1, 1);
		for (i = 0; i < mb->n; i++) {
			const struct store_msg *m = &mb->msgs[i];
			int listed = uids == NULL;

			if (!listed) {
				size_t lo = 0, hi = n;

				while (lo < hi) {
					size_t mid = (lo + hi) / 2;

					if (uids[mid] == m->uid) {
						listed = 1;
						break;
					}
					if (uids[mid] < m->uid)
						lo = mid + 1;
					else
						hi = mid;
				}
			}
			if ((m->flags & STORE_DELETED) && listed && maildir_unlink(mb, i) == 0) {
				gone[i] = 1;
				count++;
				if (fn)
					fn(ctx, m->uid);
			}
		}
		if (count)
			index_remove_marked(mb, gone);
		free(gone);
	}
	if (end(mb) < 0)
		return -1;
	return count;
}

int
store_append(store_mailbox *mb, const char *data, size_t len, uint32_t flags,
    uint64_t keywords, int64_t internaldate, uint32_t *uid, dstr *err)
{
	ssize_t k = -1;
	size_t i;

	if (begin(mb) < 0) {
		dstr_set(err, "mailbox is locked");
		return -1;
	}
	if (mb->u->fmt == STORE_MAILDIR) {
		dstr key = DSTR_INIT;

		if (maildir_write(mb->path, data, len, flags & 31, internaldate, 1, &key, err) < 0) {
			(void)end(mb);
			dstr_free(&key);
			return -1;
		}
		mb->stamp[0] = '\0';
		(void)maildir_scan(mb);
		for (i = mb->n; i-- > 0;)
			if (mb->msgs[i].key && strcmp(mb->msgs[i].key, key.s) == 0) {
				k = (ssize_t)i;
				break;
			}
		dstr_free(&key);
	} else {
		uint64_t off = 0;

		if (mbox_write(mb->path, "MAILER-DAEMON", data, len, internaldate, flags, &off, err) < 0) {
			(void)end(mb);
			return -1;
		}
		(void)mbox_scan(mb);
		for (i = mb->n; i-- > 0;)
			if (mb->msgs[i].offset == off) {
				k = (ssize_t)i;
				break;
			}
	}
	if (k < 0) {
		(void)end(mb);
		dstr_set(err, "appended message not found");
		return -1;
	}
	mb->msgs[k].flags = flags & 31;
	mb->msgs[k].keywords = keywords;
	if (internaldate > 0)
		mb->msgs[k].internaldate = internaldate;
	mb->dirty = 1;
	*uid = mb->msgs[k].uid;
	return end(mb);
}

int
store_status(store_user *u, const char *name, struct store_status *st, dstr *err)
{
	store_mailbox *mb = store_open(u, name, 1, err);
	size_t i;

	if (mb == NULL)
		return -1;
	memset(st, 0, sizeof(*st));
	st->messages = (uint32_t)mb->n;
	st->uidnext = mb->uidnext;
	st->uidvalidity = mb->uidvalidity;
	for (i = 0; i < mb->n; i++) {
		if (!(mb->msgs[i].flags & STORE_SEEN))
			st->unseen++;
		if (mb->msgs[i].uid > mb->recent_uid)
			st->recent++;
	}
	store_close(mb);
	return 0;
}
