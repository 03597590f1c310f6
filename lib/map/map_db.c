/* map_db: the hash and btree classes over Berkeley DB 5.3, in the same
 * on-disk format as sendmail's own maps (the file is the map's name
 * plus ".db"), for lookups, makemap and newaliases. */
#include "config.h"
#include <db.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

struct dbmap {
	DB *db;
	char *path;		/* file.db */
	char *tmp;		/* while rebuilding: the new file */
	struct stat st;		/* the file as opened: a rebuilt one (makemap,
				 * newaliases) is opened again, as sendmail
				 * does, so a running daemon needs no restart */
};

static char *
db_path(const map *m)
{
	size_t n = strlen(m->file);
	char *p;

	if (n > 3 && strcmp(m->file + n - 3, ".db") == 0)
		return xstrdup(m->file);
	p = xmalloc(n + 4);
	memcpy(p, m->file, n);
	memcpy(p + n, ".db", 4);
	return p;
}

static DBTYPE
db_type(const map *m)
{
	return m->cls == &map_class_btree ? DB_BTREE : DB_HASH;
}

static int
db_open_file(map *m, const char *path, u_int32_t flags, int mode, DB **out, dstr *err)
{
	DB *db;
	int rc;

	if ((rc = db_create(&db, NULL, 0)) != 0) {
		dstr_printf(err, "%s map \"%s\": %s", m->cls->name, m->name, db_strerror(rc));
		return -1;
	}
	/* Berkeley DB's own messages would go to stderr, in the middle of
	 * -bt or praliases output; the caller reports the failure */
	db->set_errcall(db, NULL);
	db->set_errfile(db, NULL);
	if (m->flags & MF_DUPS)
		db->set_flags(db, DB_DUP);
	rc = db->open(db, NULL, path, NULL, db_type(m), flags, mode);
	if (rc != 0) {
		m->open_errno = rc > 0 ? rc : EIO;
		if (rc == ENOENT)
			dstr_printf(err, "%s map \"%s\": missing map file %s: %s",
			    m->cls->name, m->name, path, strerror(rc));
		else
			dstr_printf(err, "Cannot open %s database %s: %s",
			    m->cls->name, path, rc > 0 ? strerror(rc) : db_strerror(rc));
		db->close(db, 0);
		return -1;
	}
	*out = db;
	return 0;
}

static int
db_open(map *m, dstr *err)
{
	struct dbmap *d;
	char *path;
	DB *db;

	path = db_path(m);
	if (db_open_file(m, path, DB_RDONLY, 0, &db, err) != 0) {
		free(path);
		return -1;
	}
	d = xcalloc(1, sizeof(*d));
	d->db = db;
	d->path = path;
	(void)stat(path, &d->st);
	m->data = d;
	return 0;
}

/* rebuilt: the file at the path is not the one open (or has changed) */
static int
rebuilt(const struct dbmap *d)
{
	struct stat st;

	if (d->tmp || stat(d->path, &st) != 0)
		return 0;
	return st.st_ino != d->st.st_ino || st.st_dev != d->st.st_dev ||
	    st.st_size != d->st.st_size || st.st_mtim.tv_sec != d->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != d->st.st_mtim.tv_nsec;
}

/* reopen: the rebuilt file in place of the old; on failure the old one
 * stays in use */
static void
reopen(map *m, struct dbmap *d)
{
	DB *db;
	dstr err = DSTR_INIT;

	if (db_open_file(m, d->path, DB_RDONLY, 0, &db, &err) == 0) {
		d->db->close(d->db, 0);
		d->db = db;
		(void)stat(d->path, &d->st);
	}
	dstr_free(&err);
}

static void
db_close(map *m)
{
	struct dbmap *d = m->data;

	if (d == NULL)
		return;
	if (d->db)
		d->db->close(d->db, 0);
	if (d->tmp) {
		unlink(d->tmp);
		free(d->tmp);
	}
	free(d->path);
	free(d);
	m->data = NULL;
}

static int
db_get(DB *db, const char *key, size_t len, char **val, int *status)
{
	DBT k, v;
	int rc;

	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	k.data = (void *)key;
	k.size = (u_int32_t)len;
	rc = db->get(db, NULL, &k, &v, 0);
	if (rc == 0) {
		*val = xstrndup(v.data, v.size);
		return 1;
	}
	if (rc != DB_NOTFOUND)
		*status = MAP_TEMPFAIL;
	return 0;
}

static char *
db_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	struct dbmap *d = m->data;
	char *k = xstrdup(key), *val = NULL;
	size_t len = strlen(k);

	(void)args;
	(void)nargs;
	if (rebuilt(d))
		reopen(m, d);
	map_fold(m, k);
	if ((m->flags & MF_TRY0NULL) && db_get(d->db, k, len, &val, status)) {
		if (m->flags & MF_TRY1NULL)
			m->flags &= ~MF_TRY1NULL;
	} else if ((m->flags & MF_TRY1NULL) && db_get(d->db, k, len + 1, &val, status)) {
		if (m->flags & MF_TRY0NULL)
			m->flags &= ~MF_TRY0NULL;
	}
	free(k);
	return val;
}

static int
db_rebuild_begin(map *m, int append, dstr *err)
{
	struct dbmap *d = xcalloc(1, sizeof(*d));
	u_int32_t flags = DB_CREATE;

	d->path = db_path(m);
	if (append) {
		if (db_open_file(m, d->path, flags, 0644, &d->db, err) != 0) {
			free(d->path);
			free(d);
			return -1;
		}
	} else {
		dstr t = DSTR_INIT;

		dstr_printf(&t, "%s.new%ld", d->path, (long)getpid());
		d->tmp = dstr_steal(&t);
		unlink(d->tmp);
		if (db_open_file(m, d->tmp, flags | DB_EXCL, 0644, &d->db, err) != 0) {
			free(d->tmp);
			free(d->path);
			free(d);
			return -1;
		}
	}
	m->data = d;
	return 0;
}

static int
db_store(map *m, const char *key, const char *value, dstr *err)
{
	struct dbmap *d = m->data;
	char *k = xstrdup(key);
	DBT dk, dv, old;
	int rc, dup = 0;
	dstr joined = DSTR_INIT;

	map_fold(m, k);
	memset(&dk, 0, sizeof(dk));
	memset(&dv, 0, sizeof(dv));
	memset(&old, 0, sizeof(old));
	dk.data = k;
	dk.size = (u_int32_t)(strlen(k) + ((m->flags & MF_INCLNULL) ? 1 : 0));
	dv.data = (void *)value;
	dv.size = (u_int32_t)(strlen(value) + ((m->flags & MF_INCLNULL) ? 1 : 0));
	if (!(m->flags & MF_DUPS) && d->db->get(d->db, NULL, &dk, &old, 0) == 0) {
		if (m->flags & MF_APPEND) {
			dstr_append(&joined, old.data, strnlen(old.data, old.size));
			dstr_putc(&joined, ',');
			dstr_puts(&joined, value);
			dv.data = joined.s;
			dv.size = (u_int32_t)(joined.len + ((m->flags & MF_INCLNULL) ? 1 : 0));
		} else if (!(m->flags & MF_REPLACE)) {
			free(k);
			return 1;
		} else
			dup = 1;
	}
	rc = d->db->put(d->db, NULL, &dk, &dv, 0);
	free(k);
	dstr_free(&joined);
	if (rc != 0) {
		dstr_printf(err, "%s: error storing key: %s", d->tmp ? d->tmp : d->path, db_strerror(rc));
		return -1;
	}
	return dup;
}

static int
db_commit(map *m, dstr *err)
{
	struct dbmap *d = m->data;
	int rc = 0, fd;

	if (d->db->sync(d->db, 0) != 0 || d->db->close(d->db, 0) != 0) {
		dstr_printf(err, "%s: cannot write", d->tmp ? d->tmp : d->path);
		rc = -1;
	}
	d->db = NULL;
	if (rc == 0 && d->tmp) {
		/* durable before it replaces the old map */
		fd = open(d->tmp, O_RDONLY);
		if (fd >= 0) {
			fsync(fd);
			close(fd);
		}
		if (rename(d->tmp, d->path) != 0) {
			dstr_printf(err, "cannot rename %s to %s: %s", d->tmp, d->path, strerror(errno));
			rc = -1;
		}
	}
	if (d->tmp) {
		if (rc != 0)
			unlink(d->tmp);
		free(d->tmp);
		d->tmp = NULL;
	}
	free(d->path);
	free(d);
	m->data = NULL;
	return rc;
}

static int
db_each(map *m, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
	struct dbmap *d = m->data;
	DBC *cur;
	DBT k, v;

	if (d->db->cursor(d->db, NULL, &cur, 0) != 0)
		return -1;
	memset(&k, 0, sizeof(k));
	memset(&v, 0, sizeof(v));
	while (cur->get(cur, &k, &v, DB_NEXT) == 0)
		fn(arg, k.data, k.size, v.data, v.size);
	cur->close(cur);
	return 0;
}

const struct map_class map_class_hash = {
	.name = "hash", .open = db_open, .lookup = db_lookup, .close = db_close,
	.rebuild_begin = db_rebuild_begin, .store = db_store, .commit = db_commit,
	.each = db_each,
};

const struct map_class map_class_btree = {
	.name = "btree", .open = db_open, .lookup = db_lookup, .close = db_close,
	.rebuild_begin = db_rebuild_begin, .store = db_store, .commit = db_commit,
	.each = db_each,
};
