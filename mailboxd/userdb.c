/* userdb: as whom a user's mail is read and written: userdb drivers
 * passwd, passwd-file, static (dovecot's), and becoming that user.
 * Shared by mailboxd's logins, LMTP and mail.local, which needs no
 * password check and so links none of auth.c (nor Cyrus SASL). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "mailboxd.h"
#include "userdb.h"

static const struct db_conf default_userdb = { "passwd", NULL };

int
userdb_init(const struct mbconf *c, dstr *err)
{
	size_t i;

	for (i = 0; i < c->nuserdbs; i++) {
		const char *d = c->userdbs[i].driver;

		if (d == NULL || (strcmp(d, "passwd") != 0 && strcmp(d, "passwd-file") != 0 &&
		    strcmp(d, "static") != 0 && strcmp(d, "prefetch") != 0)) {
			dstr_printf(err, "userdb driver %s is not supported", d ? d : "(none)");
			return -1;
		}
	}
	return 0;
}

void
userdb_format_name(const char *fmt, const char *user, dstr *out)
{
	const char *at = strchr(user, '@');
	const char *p;

	if (fmt == NULL || *fmt == '\0') {
		dstr_set(out, user);
		return;
	}
	dstr_clear(out);
	for (p = fmt; *p; p++) {
		int lower = 0, upper = 0;
		size_t start = out->len, i;

		if (*p != '%' || p[1] == '\0') {
			dstr_putc(out, *p);
			continue;
		}
		p++;
		if (*p == 'L' || *p == 'U') {
			lower = *p == 'L';
			upper = *p == 'U';
			p++;
		}
		switch (*p) {
		case 'u':
			dstr_puts(out, user);
			break;
		case 'n':
			dstr_append(out, user, at ? (size_t)(at - user) : strlen(user));
			break;
		case 'd':
			if (at)
				dstr_puts(out, at + 1);
			break;
		default:
			dstr_putc(out, *p);
		}
		for (i = start; i < out->len; i++)
			out->s[i] = lower ? (char)tolower((unsigned char)out->s[i]) :
			    upper ? (char)toupper((unsigned char)out->s[i]) : out->s[i];
	}
}

void
userdb_args(const char *args, const char **path, dstr *scheme, dstr *ufmt)
{
	char *copy = xstrdup(args ? args : ""), *save = NULL, *t;
	static char last[4096];

	*path = NULL;
	for (t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
		if (strncmp(t, "scheme=", 7) == 0)
			dstr_set(scheme, t + 7);
		else if (strncmp(t, "username_format=", 16) == 0)
			dstr_set(ufmt, t + 16);
		else if (strchr(t, '=') == NULL) {
			snprintf(last, sizeof(last), "%s", t);
			*path = last;
		}
	}
	free(copy);
}

/* userdb_pwfile_find: see userdb.h */
int
userdb_pwfile_find(const char *path, const char *user, struct pwfile_entry *e)
{
	FILE *f = fopen(path, "re");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int found = 0;

	memset(e, 0, sizeof(*e));
	if (f == NULL) {
		msg_warn("passwd-file %s: %s", path, strerror(errno));
		return -1;
	}
	while ((len = getline(&line, &cap, f)) > 0) {
		char *p, *colon;
		int i;

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		colon = strchr(line, ':');
		if (colon == NULL || (size_t)(colon - line) != strlen(user) ||
		    strncmp(line, user, strlen(user)) != 0)
			continue;
		e->line = xstrdup(line);
		p = e->line;
		for (i = 0; i < 8 && p; i++) {
			e->fields[i] = p;
			if (i < 7) {
				p = strchr(p, ':');
				if (p)
					*p++ = '\0';
			}
		}
		found = 1;
		break;
	}
	free(line);
	fclose(f);
	return found;
}

const char *
userdb_extra_field(const struct pwfile_entry *e, const char *name)
{
	static char buf[1024];
	const char *p = e->fields[7];
	size_t nl = strlen(name);

	while (p && *p) {
		while (*p == ' ')
			p++;
		if (strncmp(p, name, nl) == 0 && p[nl] == '=') {
			const char *v = p + nl + 1, *end = strchr(v, ' ');
			size_t l = end ? (size_t)(end - v) : strlen(v);

			if (l >= sizeof(buf))
				l = sizeof(buf) - 1;
			memcpy(buf, v, l);
			buf[l] = '\0';
			return buf;
		}
		p = strchr(p, ' ');
	}
	return NULL;
}

/* ---- userdb ---- */

static int
id_of(const char *s, int group, unsigned long *out)
{
	char *end;

	if (s == NULL || *s == '\0')
		return -1;
	*out = strtoul(s, &end, 10);
	if (*end == '\0')
		return 0;
	if (group) {
		struct group *g = getgrnam(s);

		if (g) {
			*out = g->gr_gid;
			return 0;
		}
	} else {
		struct passwd *p = getpwnam(s);

		if (p) {
			*out = p->pw_uid;
			return 0;
		}
	}
	return -1;
}

static void
expand_user(dstr *out, const char *tmpl, const char *user)
{
	userdb_format_name(tmpl, user, out);
}

static int
user_from_passwd(const char *name, struct mb_user *u)
{
	struct passwd pw, *pwp = NULL;
	char buf[4096];

	if (getpwnam_r(name, &pw, buf, sizeof(buf), &pwp) != 0 || pwp == NULL)
		return -1;
	u->uid = pwp->pw_uid;
	u->gid = pwp->pw_gid;
	u->home = xstrdup(pwp->pw_dir);
	u->system = 1;
	return 0;
}

int
auth_lookup(const struct mbconf *c, const char *name, struct mb_user *u, dstr *err)
{
	size_t i, n = c->nuserdbs;
	const struct db_conf *dbs = c->userdbs;
	int found = 0;

	memset(u, 0, sizeof(*u));
	if (name[0] == '\0' || strpbrk(name, "/:\r\n\t") || name[0] == '.') {
		dstr_set(err, "bad user name");
		return -1;
	}
	u->name = xstrdup(name);
	u->quota = c->quota;
	if (n == 0) {
		/* dovecot's default: the passwd-file of the passdb, else passwd */
		size_t k;

		dbs = &default_userdb;
		n = 1;
		for (k = 0; k < c->npassdbs; k++)
			if (strcmp(c->passdbs[k].driver, "passwd-file") == 0) {
				dbs = &c->passdbs[k];
				break;
			}
	}
	for (i = 0; i < n && !found; i++) {
		const struct db_conf *db = &dbs[i];
		unsigned long v;

		if (strcmp(db->driver, "passwd") == 0 || strcmp(db->driver, "prefetch") == 0 ||
		    strcmp(db->driver, "shadow") == 0 || strcmp(db->driver, "pam") == 0 ||
		    strcmp(db->driver, "saslauthd") == 0 || strcmp(db->driver, "sasl") == 0) {
			if (user_from_passwd(name, u) == 0)
				found = 1;
		} else if (strcmp(db->driver, "passwd-file") == 0) {
			dstr scheme = DSTR_INIT, ufmt = DSTR_INIT, key = DSTR_INIT;
			const char *path, *x;
			struct pwfile_entry e;

			userdb_args(db->args, &path, &scheme, &ufmt);
			userdb_format_name(ufmt.len ? ufmt.s : NULL, name, &key);
			if (path && userdb_pwfile_find(path, key.s, &e) > 0) {
				found = 1;
				if (id_of(e.fields[2], 0, &v) == 0)
					u->uid = (uid_t)v;
				else if (id_of(c->mail_uid, 0, &v) == 0)
					u->uid = (uid_t)v;
				else
					u->uid = getuid();
				if (id_of(e.fields[3], 1, &v) == 0)
					u->gid = (gid_t)v;
				else if (id_of(c->mail_gid, 1, &v) == 0)
					u->gid = (gid_t)v;
				else
					u->gid = getgid();
				if (e.fields[5] && e.fields[5][0])
					u->home = xstrdup(e.fields[5]);
				if ((x = userdb_extra_field(&e, "userdb_mail")) != NULL)
					u->mail = xstrdup(x);
				if ((x = userdb_extra_field(&e, "userdb_quota_rule")) != NULL && strstr(x, "storage="))
					u->quota = mbconf_size(strstr(x, "storage=") + 8);
				free(e.line);
			}
			dstr_free(&scheme);
			dstr_free(&ufmt);
			dstr_free(&key);
		} else if (strcmp(db->driver, "static") == 0) {
			char *copy = xstrdup(db->args ? db->args : ""), *save = NULL, *t;
			dstr d = DSTR_INIT;

			found = 1;
			u->uid = id_of(c->mail_uid, 0, &v) == 0 ? (uid_t)v : getuid();
			u->gid = id_of(c->mail_gid, 1, &v) == 0 ? (gid_t)v : getgid();
			for (t = strtok_r(copy, " \t", &save); t; t = strtok_r(NULL, " \t", &save)) {
				if (strncmp(t, "uid=", 4) == 0 && id_of(t + 4, 0, &v) == 0)
					u->uid = (uid_t)v;
				else if (strncmp(t, "gid=", 4) == 0 && id_of(t + 4, 1, &v) == 0)
					u->gid = (gid_t)v;
				else if (strncmp(t, "home=", 5) == 0) {
					expand_user(&d, t + 5, name);
					free(u->home);
					u->home = dstr_steal(&d);
				} else if (strncmp(t, "mail=", 5) == 0) {
					expand_user(&d, t + 5, name);
					free(u->mail);
					u->mail = dstr_steal(&d);
				}
			}
			dstr_free(&d);
			free(copy);
		}
	}
	if (!found) {
		dstr_printf(err, "unknown user %s", name);
		auth_user_free(u);
		return -1;
	}
	if (u->mail == NULL)
		u->mail = xstrdup(c->mail_location);
	if (u->home == NULL)
		u->home = xstrdup("");
	return 0;
}

void
auth_user_free(struct mb_user *u)
{
	free(u->name);
	free(u->home);
	free(u->mail);
	memset(u, 0, sizeof(*u));
}

int
auth_privileged(const struct mbconf *c)
{
	return geteuid() == 0 && c->drop_privileges;
}

int
auth_become(const struct mbconf *c, const struct mb_user *u, dstr *err)
{
	if (!auth_privileged(c))
		return 0;
	if (u->uid == 0 || u->uid < c->first_valid_uid ||
	    (c->last_valid_uid && u->uid > c->last_valid_uid)) {
		dstr_printf(err, "user %s has uid %lu, outside first_valid_uid..last_valid_uid",
		    u->name, (unsigned long)u->uid);
		return -1;
	}
	if (u->gid < c->first_valid_gid) {
		dstr_printf(err, "user %s has gid %lu, below first_valid_gid", u->name, (unsigned long)u->gid);
		return -1;
	}
	if ((u->system ? initgroups(u->name, u->gid) : setgroups(1, &u->gid)) != 0 ||
	    setgid(u->gid) != 0 || setuid(u->uid) != 0) {
		dstr_printf(err, "cannot become %s: %s", u->name, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		dstr_set(err, "could regain root after setuid");
		return -1;
	}
	return 0;
}

int
auth_drop_to_login_user(const struct mbconf *c, dstr *err)
{
	struct passwd *pw;

	if (!auth_privileged(c))
		return 0;
	pw = getpwnam(c->default_login_user);
	if (pw == NULL) {
		dstr_printf(err, "default_login_user %s does not exist", c->default_login_user);
		return -1;
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		dstr_printf(err, "cannot become %s: %s", c->default_login_user, strerror(errno));
		return -1;
	}
	if (pw->pw_uid != 0 && setuid(0) == 0) {
		dstr_set(err, "could regain root after setuid");
		return -1;
	}
	return 0;
}
