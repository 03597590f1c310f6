/* auth: who may log in to mailboxd and as whom mail is read: passdb
 * drivers passwd-file, shadow, saslauthd/pam, sasl (Cyrus: the store
 * sendmail's SMTP AUTH uses); userdb drivers passwd, passwd-file, static.
 * Called by the privileged monitor of each connection (login.c), by LMTP
 * and by mail.local. */
#include "config.h"
#include <crypt.h>
#include <ctype.h>
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <shadow.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "io/base64.h"
#include "io/saslsrv.h"
#include "mailboxd.h"

enum mech {
	MECH_NONE = 0,
	MECH_PLAIN,
	MECH_LOGIN,
	MECH_SASL
};

/* the exchange in progress (one per connection process) */
static struct {
	enum mech mech;
	int step;
	dstr user;
	const char *service;
	struct net_peer peer;
	saslsrv *sasl;
} xchg;

static int have_sasl;

static const struct db_conf default_passdb = { "shadow", NULL };
static const struct db_conf default_userdb = { "passwd", NULL };

int
auth_init(const struct mbconf *c, dstr *err)
{
	size_t i;

	for (i = 0; i < c->npassdbs; i++) {
		const char *d = c->passdbs[i].driver;

		if (d == NULL) {
			dstr_set(err, "passdb without driver");
			return -1;
		}
		if (strcmp(d, "sasl") == 0) {
			const char *opts[18];
			size_t k;

			for (k = 0; k < 16 && c->sasl_opts[k]; k++)
				opts[k] = c->sasl_opts[k];
			opts[k] = NULL;
			if (saslsrv_init(c->sasl_app, opts, c->sasl_conf_path, err) < 0)
				return -1;
			have_sasl = 1;
		} else if (strcmp(d, "passwd-file") != 0 && strcmp(d, "shadow") != 0 &&
		    strcmp(d, "pam") != 0 && strcmp(d, "saslauthd") != 0) {
			dstr_printf(err, "passdb driver %s is not supported", d);
			return -1;
		}
	}
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

/* ---- user name formats ---- */

static void
format_name(const char *fmt, const char *user, dstr *out)
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

/* ---- passwords ---- */

static int
consttime_eq(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i;
	unsigned char d = la != lb;

	for (i = 0; i < la && i < lb; i++)
		d |= (unsigned char)(a[i] ^ b[i]);
	return d == 0;
}

static int
crypt_eq(const char *pass, const char *hash)
{
	struct crypt_data *cd = xcalloc(1, sizeof(*cd));
	const char *r = crypt_r(pass, hash, cd);
	int ok = r != NULL && r[0] != '*' && consttime_eq(r, hash);

	free(cd);
	return ok;
}

/* verify: a stored password in dovecot's {SCHEME}value form */
static int
verify(const char *stored, const char *pass, const char *default_scheme)
{
	const char *scheme = default_scheme ? default_scheme : "CRYPT", *val = stored;
	char sch[32];

	if (stored[0] == '{') {
		const char *e = strchr(stored, '}');

		if (e && (size_t)(e - stored - 1) < sizeof(sch)) {
			memcpy(sch, stored + 1, (size_t)(e - stored - 1));
			sch[e - stored - 1] = '\0';
			scheme = sch;
			val = e + 1;
		}
	}
	if (strcasecmp(scheme, "PLAIN") == 0 || strcasecmp(scheme, "CLEARTEXT") == 0 ||
	    strcasecmp(scheme, "CLEAR") == 0)
		return consttime_eq(val, pass);
	if (strcasestr(scheme, "CRYPT") != NULL)
		return val[0] != '\0' && crypt_eq(pass, val);
	msg_warn("password scheme %s is not supported", scheme);
	return 0;
}

/* ---- passwd-file ---- */

struct pwfile_entry {
	char *fields[8];	/* user pass uid gid gecos home shell extra */
	char *line;
};

static void
db_args(const char *args, const char **path, dstr *scheme, dstr *ufmt)
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

/* pwfile_find: the line for user; 1 found, 0 not, -1 file error */
static int
pwfile_find(const char *path, const char *user, struct pwfile_entry *e)
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

static const char *
extra_field(const struct pwfile_entry *e, const char *name)
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

static int
pass_pwfile(const struct db_conf *db, const char *user, const char *pass)
{
	dstr scheme = DSTR_INIT, ufmt = DSTR_INIT, name = DSTR_INIT;
	const char *path;
	struct pwfile_entry e;
	int r = AUTH_FAIL, f;

	db_args(db->args, &path, &scheme, &ufmt);
	if (path == NULL) {
		msg_warn("passdb passwd-file: no file in args");
		r = AUTH_TEMPFAIL;
		goto out;
	}
	format_name(ufmt.len ? ufmt.s : NULL, user, &name);
	f = pwfile_find(path, name.s, &e);
	if (f < 0)
		r = AUTH_TEMPFAIL;
	else if (f > 0) {
		if (e.fields[1] && verify(e.fields[1], pass, scheme.len ? scheme.s : NULL))
			r = AUTH_OK;
		free(e.line);
	}
out:
	dstr_free(&scheme);
	dstr_free(&ufmt);
	dstr_free(&name);
	return r;
}

static int
pass_shadow(const char *user, const char *pass)
{
	struct spwd sp, *spp = NULL;
	struct passwd pw, *pwp = NULL;
	char buf[4096];

	if (getspnam_r(user, &sp, buf, sizeof(buf), &spp) == 0 && spp)
		return crypt_eq(pass, spp->sp_pwdp) ? AUTH_OK : AUTH_FAIL;
	if (getpwnam_r(user, &pw, buf, sizeof(buf), &pwp) == 0 && pwp &&
	    strcmp(pwp->pw_passwd, "x") != 0 && pwp->pw_passwd[0])
		return crypt_eq(pass, pwp->pw_passwd) ? AUTH_OK : AUTH_FAIL;
	return AUTH_FAIL;
}

/* saslauthd's protocol: four counted strings out, one counted reply */
static int
put_counted(dstr *d, const char *s)
{
	size_t n = strlen(s);

	if (n > 65535)
		return -1;
	dstr_putc(d, (int)(n >> 8));
	dstr_putc(d, (int)(n & 0xff));
	dstr_append(d, s, n);
	return 0;
}

static int
pass_saslauthd(const struct db_conf *db, const char *service, const char *user, const char *pass,
    const char *realm)
{
	const char *path = db->args && db->args[0] == '/' ? db->args : "/var/run/saslauthd/mux";
	struct sockaddr_un sun;
	dstr req = DSTR_INIT;
	unsigned char hdr[2], reply[1024];
	size_t off = 0, len;
	int fd, r = AUTH_TEMPFAIL;

	if (strlen(path) >= sizeof(sun.sun_path))
		return AUTH_TEMPFAIL;
	if (put_counted(&req, user) < 0 || put_counted(&req, pass) < 0 ||
	    put_counted(&req, service) < 0 || put_counted(&req, realm ? realm : "") < 0) {
		dstr_free(&req);
		return AUTH_FAIL;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun)) != 0) {
		msg_warn("saslauthd %s: %s", path, strerror(errno));
		goto out;
	}
	if (write(fd, req.s, req.len) != (ssize_t)req.len)
		goto out;
	while (off < 2) {
		ssize_t n = read(fd, hdr + off, 2 - off);

		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	len = ((size_t)hdr[0] << 8) | hdr[1];
	if (len >= sizeof(reply))
		goto out;
	for (off = 0; off < len;) {
		ssize_t n = read(fd, reply + off, len - off);

		if (n <= 0)
			goto out;
		off += (size_t)n;
	}
	r = len >= 2 && memcmp(reply, "OK", 2) == 0 ? AUTH_OK : AUTH_FAIL;
out:
	if (fd >= 0)
		close(fd);
	dstr_free(&req);
	return r;
}

static int
pass_sasl(const struct mbconf *c, const char *service, const char *user, const char *pass)
{
	dstr err = DSTR_INIT;
	saslsrv *s = saslsrv_new(service, c->hostname, c->auth_default_realm, NULL, NULL, &err);
	int r;

	if (s == NULL) {
		msg_warn("%s", dstr_cstr(&err));
		dstr_free(&err);
		return AUTH_TEMPFAIL;
	}
	r = saslsrv_checkpass(s, user, pass);
	saslsrv_free(s);
	dstr_free(&err);
	return r == SASLSRV_OK ? AUTH_OK : r == SASLSRV_TEMPFAIL ? AUTH_TEMPFAIL : AUTH_FAIL;
}

int
auth_plain(const struct mbconf *c, const char *service, const char *user,
    const char *pass, const struct net_peer *peer, dstr *user_out)
{
	dstr name = DSTR_INIT;
	size_t i, n = c->npassdbs ? c->npassdbs : 1;
	int r = AUTH_FAIL, temp = 0;

	(void)peer;
	if (user[0] == '\0' || strlen(user) > 255 || strpbrk(user, "/:\r\n\t") || pass[0] == '\0')
		return AUTH_FAIL;
	format_name(c->auth_username_format, user, &name);
	for (i = 0; i < n && r != AUTH_OK; i++) {
		const struct db_conf *db = c->npassdbs ? &c->passdbs[i] : &default_passdb;

		if (strcmp(db->driver, "passwd-file") == 0)
			r = pass_pwfile(db, name.s, pass);
		else if (strcmp(db->driver, "shadow") == 0)
			r = pass_shadow(name.s, pass);
		else if (strcmp(db->driver, "saslauthd") == 0 || strcmp(db->driver, "pam") == 0)
			r = pass_saslauthd(db, service, name.s, pass, c->auth_default_realm);
		else if (strcmp(db->driver, "sasl") == 0)
			r = pass_sasl(c, service, name.s, pass);
		if (r == AUTH_TEMPFAIL)
			temp = 1;
	}
	if (r == AUTH_OK)
		dstr_set(user_out, name.s);
	else if (temp)
		r = AUTH_TEMPFAIL;
	dstr_free(&name);
	return r;
}

/* ---- mechanisms and SASL exchanges ---- */

void
auth_mechs(const struct mbconf *c, int tls, dstr *out)
{
	char *copy = xstrdup(c->auth_mechanisms), *save = NULL, *t;
	const char *sasl_list = NULL;
	saslsrv *s = NULL;

	(void)tls;
	dstr_clear(out);
	if (have_sasl) {
		s = saslsrv_new("imap", c->hostname, c->auth_default_realm, NULL, NULL, NULL);
		if (s)
			sasl_list = saslsrv_mechs(s);
	}
	for (t = strtok_r(copy, " ,\t", &save); t; t = strtok_r(NULL, " ,\t", &save)) {
		char up[64];
		size_t i;

		for (i = 0; t[i] && i < sizeof(up) - 1; i++)
			up[i] = (char)toupper((unsigned char)t[i]);
		up[i] = '\0';
		if (strcmp(up, "PLAIN") != 0 && strcmp(up, "LOGIN") != 0) {
			/* only SASL's plugins do the others */
			if (sasl_list == NULL)
				continue;
			{
				char *l = xstrdup(sasl_list), *sv = NULL, *m;
				int ok = 0;

				for (m = strtok_r(l, " ", &sv); m; m = strtok_r(NULL, " ", &sv))
					if (strcasecmp(m, up) == 0)
						ok = 1;
				free(l);
				if (!ok)
					continue;
			}
		}
		if (out->len)
			dstr_putc(out, ' ');
		dstr_puts(out, up);
	}
	saslsrv_free(s);
	free(copy);
}

static void
xchg_reset(void)
{
	xchg.mech = MECH_NONE;
	xchg.step = 0;
	dstr_free(&xchg.user);
	saslsrv_free(xchg.sasl);
	xchg.sasl = NULL;
}

static int
plain_response(const struct mbconf *c, const char *b64, dstr *user_out)
{
	dstr d = DSTR_INIT;
	const char *authz, *authc, *pass;
	size_t l1, l2;
	int r = AUTH_BADPROT;

	if (base64_decode(&d, b64, strlen(b64)) < 0 || d.len == 0)
		goto out;
	authz = d.s;
	l1 = strnlen(authz, d.len);
	if (l1 >= d.len)
		goto out;
	authc = authz + l1 + 1;
	l2 = strnlen(authc, d.len - l1 - 1);
	if (l1 + 1 + l2 >= d.len)
		goto out;
	pass = authc + l2 + 1;
	if (memchr(pass, '\0', d.len - l1 - l2 - 2))
		goto out;
	if (l1 && strcmp(authz, authc) != 0) {
		r = AUTH_FAIL;	/* no proxy authorization */
		goto out;
	}
	r = auth_plain(c, xchg.service, authc, pass, &xchg.peer, user_out);
	if (r != AUTH_OK && user_out->len == 0)
		dstr_set(user_out, authc);
out:
	dstr_free(&d);
	return r;
}

int
auth_sasl_start(const struct mbconf *c, const char *service, const char *mech,
    const char *initial, int tls, const struct net_peer *peer, dstr *challenge, dstr *user_out)
{
	dstr offered = DSTR_INIT;
	int ok = 0, r;
	char *copy, *save = NULL, *t;

	xchg_reset();
	xchg.service = service;
	if (peer)
		xchg.peer = *peer;
	auth_mechs(c, tls, &offered);
	copy = xstrdup(dstr_cstr(&offered));
	for (t = strtok_r(copy, " ", &save); t; t = strtok_r(NULL, " ", &save))
		if (strcasecmp(t, mech) == 0)
			ok = 1;
	free(copy);
	dstr_free(&offered);
	if (!ok)
		return AUTH_NOMECH;
	if (strcasecmp(mech, "PLAIN") == 0) {
		xchg.mech = MECH_PLAIN;
		if (initial == NULL) {
			dstr_clear(challenge);
			return AUTH_CONTINUE;
		}
		r = plain_response(c, initial, user_out);
		xchg_reset();
		return r;
	}
	if (strcasecmp(mech, "LOGIN") == 0) {
		xchg.mech = MECH_LOGIN;
		dstr_init(&xchg.user);
		if (initial && strcmp(initial, "=") != 0) {
			if (base64_decode(&xchg.user, initial, strlen(initial)) < 0) {
				xchg_reset();
				return AUTH_BADPROT;
			}
			xchg.step = 1;
			dstr_set(challenge, "UGFzc3dvcmQ6");	/* "Password:" */
		} else
			dstr_set(challenge, "VXNlcm5hbWU6");	/* "Username:" */
		return AUTH_CONTINUE;
	}
	{
		dstr err = DSTR_INIT;
		char lip[96], rip[96];

		snprintf(lip, sizeof(lip), "%s;%d", peer ? peer->lip : "127.0.0.1", peer ? peer->lport : 0);
		snprintf(rip, sizeof(rip), "%s;%d", peer ? peer->rip : "127.0.0.1", peer ? peer->rport : 0);
		xchg.sasl = saslsrv_new(service, c->hostname, c->auth_default_realm, lip, rip, &err);
		dstr_free(&err);
		if (xchg.sasl == NULL)
			return AUTH_TEMPFAIL;
		if (tls)
			saslsrv_set_external(xchg.sasl, 256);
		xchg.mech = MECH_SASL;
		r = saslsrv_start(xchg.sasl, mech, initial, challenge);
	}
	switch (r) {
	case SASLSRV_CONTINUE:
		return AUTH_CONTINUE;
	case SASLSRV_OK:
		dstr_set(user_out, saslsrv_user(xchg.sasl));
		xchg_reset();
		return AUTH_OK;
	case SASLSRV_BADPROT:
		xchg_reset();
		return AUTH_BADPROT;
	case SASLSRV_NOMECH:
		xchg_reset();
		return AUTH_NOMECH;
	case SASLSRV_TEMPFAIL:
		xchg_reset();
		return AUTH_TEMPFAIL;
	default:
		xchg_reset();
		return AUTH_FAIL;
	}
}

int
auth_sasl_step(const struct mbconf *c, const char *response, dstr *challenge, dstr *user_out)
{
	int r;

	switch (xchg.mech) {
	case MECH_PLAIN:
		r = plain_response(c, response, user_out);
		xchg_reset();
		return r;
	case MECH_LOGIN:
		if (xchg.step == 0) {
			if (base64_decode(&xchg.user, response, strlen(response)) < 0) {
				xchg_reset();
				return AUTH_BADPROT;
			}
			xchg.step = 1;
			dstr_set(challenge, "UGFzc3dvcmQ6");
			return AUTH_CONTINUE;
		} else {
			dstr pass = DSTR_INIT;

			if (base64_decode(&pass, response, strlen(response)) < 0 ||
			    memchr(dstr_cstr(&xchg.user), '\0', xchg.user.len) ||
			    memchr(dstr_cstr(&pass), '\0', pass.len)) {
				dstr_free(&pass);
				xchg_reset();
				return AUTH_BADPROT;
			}
			r = auth_plain(c, xchg.service, dstr_cstr(&xchg.user), dstr_cstr(&pass),
			    &xchg.peer, user_out);
			if (r != AUTH_OK && user_out->len == 0)
				dstr_set(user_out, dstr_cstr(&xchg.user));
			dstr_free(&pass);
			xchg_reset();
			return r;
		}
	case MECH_SASL:
		r = saslsrv_step(xchg.sasl, response, challenge);
		if (r == SASLSRV_CONTINUE)
			return AUTH_CONTINUE;
		if (r == SASLSRV_OK)
			dstr_set(user_out, saslsrv_user(xchg.sasl));
		xchg_reset();
		return r == SASLSRV_OK ? AUTH_OK : r == SASLSRV_BADPROT ? AUTH_BADPROT :
		    r == SASLSRV_TEMPFAIL ? AUTH_TEMPFAIL : AUTH_FAIL;
	default:
		return AUTH_BADPROT;
	}
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
	format_name(tmpl, user, out);
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

			db_args(db->args, &path, &scheme, &ufmt);
			format_name(ufmt.len ? ufmt.s : NULL, name, &key);
			if (path && pwfile_find(path, key.s, &e) > 0) {
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
				if ((x = extra_field(&e, "userdb_mail")) != NULL)
					u->mail = xstrdup(x);
				if ((x = extra_field(&e, "userdb_quota_rule")) != NULL && strstr(x, "storage="))
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
