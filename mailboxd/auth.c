/* auth: who may log in to mailboxd: passdb drivers passwd-file, shadow,
 * saslauthd/pam, sasl (Cyrus: the store sendmail's SMTP AUTH uses), and
 * the PLAIN/LOGIN/SASL exchanges.  Called by the privileged monitor of
 * each connection (login.c).  As whom mail is read is userdb.c's. */
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
#include "userdb.h"

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
	return userdb_init(c, err);
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

static int
pass_pwfile(const struct db_conf *db, const char *user, const char *pass)
{
	dstr scheme = DSTR_INIT, ufmt = DSTR_INIT, name = DSTR_INIT;
	const char *path;
	struct pwfile_entry e;
	int r = AUTH_FAIL, f;

	userdb_args(db->args, &path, &scheme, &ufmt);
	if (path == NULL) {
		msg_warn("passdb passwd-file: no file in args");
		r = AUTH_TEMPFAIL;
		goto out;
	}
	userdb_format_name(ufmt.len ? ufmt.s : NULL, user, &name);
	f = userdb_pwfile_find(path, name.s, &e);
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
	userdb_format_name(c->auth_username_format, user, &name);
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

