/* saslsrv: Cyrus SASL 2 server wrapper (see saslsrv.h).  Owns the
 * process-wide sasl_server_init state, the option table given by the
 * application, and the base64 on both directions of an exchange.
 * Called by mailboxd's auth monitor and the SMTP server's AUTH. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sasl/sasl.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "io/base64.h"
#include "io/saslsrv.h"

struct saslsrv {
	sasl_conn_t *conn;
	dstr mechs;
	dstr user;
};

static char **options;		/* key, value, ..., NULL */
static char *conf_path;
static int initialized;

static int
cb_getopt(void *ctx, const char *plugin, const char *option,
    const char **result, unsigned *len)
{
	size_t i;

	(void)ctx;
	(void)plugin;
	for (i = 0; options && options[i] && options[i + 1]; i += 2) {
		if (strcmp(options[i], option) == 0) {
			*result = options[i + 1];
			if (len)
				*len = (unsigned)strlen(options[i + 1]);
			return SASL_OK;
		}
	}
	return SASL_FAIL;
}

static int
cb_log(void *ctx, int level, const char *message)
{
	(void)ctx;
	if (message == NULL)
		return SASL_OK;
	switch (level) {
	case SASL_LOG_ERR:
	case SASL_LOG_FAIL:
		msg_warn("SASL: %s", message);
		break;
	case SASL_LOG_WARN:
		msg_notice("SASL: %s", message);
		break;
	default:
		break;
	}
	return SASL_OK;
}

static int
cb_confpath(void *ctx, const char **path)
{
	(void)ctx;
	*path = conf_path;
	return SASL_OK;
}

typedef int (*sasl_cb_fn)(void);
/* libsasl2 stores every callback as int (*)(void); going through
 * void (*)(void) is the cast C allows between function types */
#define CB(f) ((sasl_cb_fn)(void (*)(void))(f))

static sasl_callback_t callbacks[] = {
	{ SASL_CB_GETOPT, CB(cb_getopt), NULL },
	{ SASL_CB_LOG, CB(cb_log), NULL },
	{ SASL_CB_GETCONFPATH, CB(cb_confpath), NULL },
	{ SASL_CB_LIST_END, NULL, NULL }
};

int
saslsrv_init(const char *app, const char *const *opts, const char *confpath, dstr *err)
{
	size_t n = 0, i;
	int r;

	if (initialized)
		return 0;
	while (opts && opts[n])
		n++;
	options = xcalloc(n + 2, sizeof(char *));
	for (i = 0; i < n; i++)
		options[i] = xstrdup(opts[i]);
	if (confpath) {
		conf_path = xstrdup(confpath);
	} else {
		/* no path of ours: drop the callback so libsasl2 uses its default */
		callbacks[2].id = SASL_CB_LIST_END;
	}
	r = sasl_server_init(callbacks, app);
	if (r != SASL_OK) {
		if (err)
			dstr_printf(err, "sasl_server_init: %s", sasl_errstring(r, NULL, NULL));
		return -1;
	}
	initialized = 1;
	return 0;
}

void
saslsrv_done(void)
{
	if (initialized)
		sasl_server_done();
	initialized = 0;
}

saslsrv *
saslsrv_new(const char *service, const char *fqdn, const char *realm,
    const char *lip, const char *rip, dstr *err)
{
	saslsrv *c;
	int r;

	c = xcalloc(1, sizeof(*c));
	dstr_init(&c->mechs);
	dstr_init(&c->user);
	r = sasl_server_new(service, fqdn, realm, lip, rip, NULL, 0, &c->conn);
	if (r != SASL_OK) {
		if (err)
			dstr_printf(err, "sasl_server_new: %s", sasl_errstring(r, NULL, NULL));
		free(c);
		return NULL;
	}
	return c;
}

void
saslsrv_free(saslsrv *c)
{
	if (c == NULL)
		return;
	sasl_dispose(&c->conn);
	dstr_free(&c->mechs);
	dstr_free(&c->user);
	free(c);
}

void
saslsrv_set_external(saslsrv *c, unsigned ssf)
{
	sasl_ssf_t s = ssf;

	(void)sasl_setprop(c->conn, SASL_SSF_EXTERNAL, &s);
}

void
saslsrv_set_external_id(saslsrv *c, const char *authid)
{
	(void)sasl_setprop(c->conn, SASL_AUTH_EXTERNAL, authid);
}

void
saslsrv_set_secprops(saslsrv *c, unsigned flags, unsigned max_ssf)
{
	static const struct {
		unsigned ours, theirs;
	} map[] = {
		{ SASLSRV_SEC_NOPLAINTEXT, SASL_SEC_NOPLAINTEXT },
		{ SASLSRV_SEC_NOACTIVE, SASL_SEC_NOACTIVE },
		{ SASLSRV_SEC_NODICTIONARY, SASL_SEC_NODICTIONARY },
		{ SASLSRV_SEC_FORWARD_SECRECY, SASL_SEC_FORWARD_SECRECY },
		{ SASLSRV_SEC_NOANONYMOUS, SASL_SEC_NOANONYMOUS },
		{ SASLSRV_SEC_PASS_CREDENTIALS, SASL_SEC_PASS_CREDENTIALS },
		{ SASLSRV_SEC_MUTUAL_AUTH, SASL_SEC_MUTUAL_AUTH },
	};
	sasl_security_properties_t sp;
	size_t i;

	memset(&sp, 0, sizeof(sp));
	sp.min_ssf = 0;
	sp.max_ssf = max_ssf;
	sp.maxbufsize = max_ssf ? 65536 : 0;
	for (i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (flags & map[i].ours)
			sp.security_flags |= map[i].theirs;
	(void)sasl_setprop(c->conn, SASL_SEC_PROPS, &sp);
}

unsigned
saslsrv_ssf(saslsrv *c)
{
	const void *v = NULL;

	if (sasl_getprop(c->conn, SASL_SSF, &v) != SASL_OK || v == NULL)
		return 0;
	return (unsigned)*(const sasl_ssf_t *)v;
}

const char *
saslsrv_mechs(saslsrv *c)
{
	const char *list = NULL;
	unsigned len = 0;
	int count = 0;

	dstr_clear(&c->mechs);
	if (sasl_listmech(c->conn, NULL, "", " ", "", &list, &len, &count) == SASL_OK && list)
		dstr_append(&c->mechs, list, len);
	return dstr_cstr(&c->mechs);
}

static int
result_of(saslsrv *c, int r, const char *out, unsigned outlen, dstr *challenge)
{
	const void *u = NULL;

	if (r == SASL_OK || r == SASL_CONTINUE) {
		if (challenge && out)
			base64_encode(challenge, out, outlen);
	}
	switch (r) {
	case SASL_OK:
		if (sasl_getprop(c->conn, SASL_USERNAME, &u) == SASL_OK && u)
			dstr_set(&c->user, u);
		return SASLSRV_OK;
	case SASL_CONTINUE:
		return SASLSRV_CONTINUE;
	case SASL_NOMECH:
	case SASL_TOOWEAK:
	case SASL_ENCRYPT:
		return SASLSRV_NOMECH;
	case SASL_BADPROT:
	case SASL_BADPARAM:
		return SASLSRV_BADPROT;
	case SASL_TRYAGAIN:
	case SASL_UNAVAIL:
		return SASLSRV_TEMPFAIL;
	default:
		/* who tried, for the caller's log line */
		if (sasl_getprop(c->conn, SASL_USERNAME, &u) == SASL_OK && u)
			dstr_set(&c->user, u);
		return SASLSRV_FAIL;
	}
}

/* decode: the client's base64 into d; -1 when it is not base64 */
static int
decode(const char *b64, dstr *d)
{
	if (b64[0] == '=' && b64[1] == '\0')
		return 0;
	return base64_decode(d, b64, strlen(b64));
}

int
saslsrv_start(saslsrv *c, const char *mech, const char *initial, dstr *challenge)
{
	dstr in = DSTR_INIT;
	const char *out = NULL;
	unsigned outlen = 0;
	int r;

	dstr_clear(&c->user);
	if (initial && decode(initial, &in) < 0) {
		dstr_free(&in);
		return SASLSRV_BADPROT;
	}
	r = sasl_server_start(c->conn, mech, initial ? dstr_cstr(&in) : NULL,
	    initial ? (unsigned)in.len : 0, &out, &outlen);
	dstr_free(&in);
	return result_of(c, r, out, outlen, challenge);
}

int
saslsrv_step(saslsrv *c, const char *response, dstr *challenge)
{
	dstr in = DSTR_INIT;
	const char *out = NULL;
	unsigned outlen = 0;
	int r;

	if (decode(response, &in) < 0) {
		dstr_free(&in);
		return SASLSRV_BADPROT;
	}
	r = sasl_server_step(c->conn, dstr_cstr(&in), (unsigned)in.len, &out, &outlen);
	dstr_free(&in);
	return result_of(c, r, out, outlen, challenge);
}

const char *
saslsrv_user(saslsrv *c)
{
	return dstr_cstr(&c->user);
}

int
saslsrv_checkpass(saslsrv *c, const char *user, const char *pass)
{
	int r = sasl_checkpass(c->conn, user, (unsigned)strlen(user), pass, (unsigned)strlen(pass));

	if (r == SASL_OK) {
		dstr_set(&c->user, user);
		return SASLSRV_OK;
	}
	if (r == SASL_TRYAGAIN || r == SASL_UNAVAIL)
		return SASLSRV_TEMPFAIL;
	return SASLSRV_FAIL;
}

const char *
saslsrv_errdetail(saslsrv *c)
{
	return sasl_errdetail(c->conn);
}
