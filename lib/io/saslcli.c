/* saslcli: Cyrus SASL 2 client wrapper (see saslcli.h).  Owns the
 * process-wide sasl_client_init, the credentials each connection hands
 * to libsasl2 through callbacks (no prompting), and the base64 both
 * ways.  No SASL security layer is negotiated: the SMTP stream has none
 * (TLS is the layer), so max_ssf is 0. */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <sasl/sasl.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/base64.h"
#include "io/saslcli.h"

typedef int (*sasl_cb_fn)(void);
/* libsasl2 stores every callback as int (*)(void); going through
 * void (*)(void) is the cast C allows between function types */
#define CB(f) ((sasl_cb_fn)(void (*)(void))(f))

struct saslcli {
	sasl_conn_t *conn;
	char *authid, *user, *realm;
	sasl_secret_t *secret;
	sasl_callback_t cbs[5];
	dstr mech;
};

static int initialized;

static int
cb_log(void *ctx, int level, const char *message)
{
	(void)ctx;
	if (message && (level == SASL_LOG_ERR || level == SASL_LOG_FAIL))
		msg_warn("SASL client: %s", message);
	return SASL_OK;
}

static sasl_callback_t global_cbs[] = {
	{ SASL_CB_LOG, CB(cb_log), NULL },
	{ SASL_CB_LIST_END, NULL, NULL }
};

static int
cb_simple(void *ctx, int id, const char **result, unsigned *len)
{
	saslcli *c = ctx;
	const char *v = id == SASL_CB_USER ? c->user : c->authid;

	if (id != SASL_CB_USER && id != SASL_CB_AUTHNAME)
		return SASL_BADPARAM;
	*result = v ? v : "";
	if (len)
		*len = (unsigned)strlen(*result);
	return SASL_OK;
}

static int
cb_pass(sasl_conn_t *conn, void *ctx, int id, sasl_secret_t **secret)
{
	saslcli *c = ctx;

	(void)conn;
	if (id != SASL_CB_PASS)
		return SASL_BADPARAM;
	*secret = c->secret;
	return SASL_OK;
}

static int
cb_realm(void *ctx, int id, const char **avail, const char **result)
{
	saslcli *c = ctx;

	if (id != SASL_CB_GETREALM)
		return SASL_BADPARAM;
	if (c->realm && *c->realm)
		*result = c->realm;
	else if (avail && avail[0])
		*result = avail[0];	/* the server's own, as sendmail takes */
	else
		*result = "";
	return SASL_OK;
}

saslcli *
saslcli_new(const char *service, const char *server, const char *authid,
    const char *user, const char *pass, const char *realm, dstr *err)
{
	sasl_security_properties_t sp;
	size_t plen = strlen(pass);
	saslcli *c;
	int r;

	if (!initialized) {
		r = sasl_client_init(global_cbs);
		if (r != SASL_OK) {
			dstr_printf(err, "sasl_client_init: %s", sasl_errstring(r, NULL, NULL));
			return NULL;
		}
		initialized = 1;
	}
	c = xcalloc(1, sizeof(*c));
	c->authid = xstrdup(authid);
	/* the same name twice is no authorization id of its own */
	c->user = xstrdup(user && strcmp(user, authid) != 0 ? user : "");
	c->realm = realm ? xstrdup(realm) : NULL;
	c->secret = xcalloc(1, sizeof(sasl_secret_t) + plen + 1);
	c->secret->len = plen;
	memcpy(c->secret->data, pass, plen);
	dstr_init(&c->mech);
	c->cbs[0] = (sasl_callback_t){ SASL_CB_AUTHNAME, CB(cb_simple), c };
	c->cbs[1] = (sasl_callback_t){ SASL_CB_USER, CB(cb_simple), c };
	c->cbs[2] = (sasl_callback_t){ SASL_CB_PASS, CB(cb_pass), c };
	c->cbs[3] = (sasl_callback_t){ SASL_CB_GETREALM, CB(cb_realm), c };
	c->cbs[4] = (sasl_callback_t){ SASL_CB_LIST_END, NULL, NULL };
	r = sasl_client_new(service, server, NULL, NULL, c->cbs, 0, &c->conn);
	if (r != SASL_OK) {
		dstr_printf(err, "sasl_client_new: %s", sasl_errstring(r, NULL, NULL));
		c->conn = NULL;
		saslcli_free(c);
		return NULL;
	}
	memset(&sp, 0, sizeof(sp));
	sp.max_ssf = 0;
	sp.maxbufsize = 0;
	(void)sasl_setprop(c->conn, SASL_SEC_PROPS, &sp);
	return c;
}

void
saslcli_free(saslcli *c)
{
	if (c == NULL)
		return;
	if (c->conn)
		sasl_dispose(&c->conn);
	if (c->secret) {
		memset(c->secret->data, 0, c->secret->len);
		free(c->secret);
	}
	free(c->authid);
	free(c->user);
	free(c->realm);
	dstr_free(&c->mech);
	free(c);
}

static int
result_of(int r, const char *out, unsigned outlen, dstr *b64)
{
	switch (r) {
	case SASL_OK:
	case SASL_CONTINUE:
		if (out)
			base64_encode(b64, out, outlen);
		return r == SASL_OK ? SASLCLI_OK : SASLCLI_CONTINUE;
	case SASL_NOMECH:
	case SASL_TOOWEAK:
	case SASL_ENCRYPT:
		return SASLCLI_NOMECH;
	default:
		return SASLCLI_FAIL;
	}
}

int
saslcli_start(saslcli *c, const char *mechs, const char **mech, dstr *initial)
{
	const char *out = NULL, *chosen = NULL;
	unsigned outlen = 0;
	sasl_interact_t *need = NULL;
	int r;

	dstr_clear(initial);
	r = sasl_client_start(c->conn, mechs, &need, &out, &outlen, &chosen);
	/* every answer comes from the callbacks: a prompt means a credential
	 * the authinfo entry lacks */
	if (r == SASL_INTERACT)
		return SASLCLI_FAIL;
	dstr_set(&c->mech, chosen ? chosen : "");
	*mech = dstr_cstr(&c->mech);
	r = result_of(r, out, outlen, initial);
	if (r != SASLCLI_NOMECH && r != SASLCLI_FAIL && out && outlen == 0)
		dstr_set(initial, "=");	/* RFC 4954: an empty initial response */
	return r;
}

int
saslcli_step(saslcli *c, const char *challenge, dstr *response)
{
	dstr in = DSTR_INIT;
	const char *out = NULL;
	unsigned outlen = 0;
	sasl_interact_t *need = NULL;
	int r;

	dstr_clear(response);
	if (base64_decode(&in, challenge, strlen(challenge)) < 0) {
		dstr_free(&in);
		return SASLCLI_FAIL;
	}
	r = sasl_client_step(c->conn, dstr_cstr(&in), (unsigned)in.len, &need, &out, &outlen);
	dstr_free(&in);
	if (r == SASL_INTERACT)
		return SASLCLI_FAIL;
	return result_of(r, out, outlen, response);
}

const char *
saslcli_errdetail(saslcli *c)
{
	return sasl_errdetail(c->conn);
}
