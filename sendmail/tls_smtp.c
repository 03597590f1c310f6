/* tls_smtp: the MTA's server-side TLS (see tls_smtp.h).  OpenSSL itself
 * stays behind io/tls; this file turns sendmail's TLS options into
 * tls_settings, keeps two contexts (asking for a client certificate or
 * not, as srv_features may decide per client), and turns a finished
 * handshake into macros and log lines.  Called by smtpd.c and daemon.c. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "io/tls.h"
#include "sendmail/auth.h"
#include "sendmail/options.h"
#include "sendmail/tls_smtp.h"

static tls_ctx *ctx_ask;	/* requests a client certificate */
static tls_ctx *ctx_quiet;	/* does not */
static int init_state;		/* 0 not yet, 1 ready, 2 no certificate, -1 failed */

/* option: a set, non-empty option value or NULL */
static const char *
option(struct conf *c, const char *name)
{
	const char *v = options_get(c->opts, name);

	return v && *v ? v : NULL;
}

/* has_flag: TLSSrvOptions is single letters separated by spaces/commas */
static int
has_flag(const char *v, char flag)
{
	return v && strchr(v, flag) != NULL;
}

int
tls_smtp_init(struct conf *c)
{
	struct tls_settings ts;
	const char *cert = option(c, "ServerCertFile");
	const char *dh = option(c, "DHParameters");
	const char *srvopts = option(c, "TLSSrvOptions");
	dstr err = DSTR_INIT;

	if (init_state != 0)
		return init_state == 1 ? 0 : init_state == 2 ? 1 : -1;
	if (cert == NULL) {
		init_state = 2;
		return 1;
	}
	memset(&ts, 0, sizeof(ts));
	ts.cert_file = cert;
	ts.key_file = option(c, "ServerKeyFile");
	ts.ca_file = option(c, "CACertFile");
	ts.ca_path = option(c, "CACertPath");
	if (ts.ca_file && access(ts.ca_file, R_OK) != 0) {
		msg_warn("STARTTLS=server: CACertFile %s unreadable; client certificates cannot be verified",
		    ts.ca_file);
		ts.ca_file = NULL;
	}
	if (ts.ca_path && access(ts.ca_path, X_OK) != 0)
		ts.ca_path = NULL;
	/* revocation the admin asked for and that cannot be checked: no
	 * STARTTLS, as sendmail does for an unusable CRLFile */
	ts.crl_file = option(c, "CRLFile");
	ts.crl_path = option(c, "CRLPath");
	if (ts.crl_path && access(ts.crl_path, X_OK) != 0) {
		msg_error("STARTTLS=server, error: CRLPath %s: %s; STARTTLS not offered",
		    ts.crl_path, strerror(errno));
		init_state = -1;
		return -1;
	}
	/* sendmail's DHParameters: a file, or a size/"none"/"i" (built in) */
	if (dh && dh[0] == '/')
		ts.dh_file = dh;
	ts.ciphers = option(c, "CipherList");
	ts.ciphersuites = option(c, "CipherSuites");
	ts.ssl_options = option(c, "ServerSSLOptions");
	if (has_flag(srvopts, 'C'))
		msg_notice("STARTTLS=server: TLSSrvOptions C (no server certificate) is not supported; the certificate is used");
	ts.verify_peer = 1;
	ctx_ask = has_flag(srvopts, 'V') ? NULL : tls_server_ctx_new(&ts, &err);
	ts.verify_peer = 0;
	if (err.len == 0)
		ctx_quiet = tls_server_ctx_new(&ts, &err);
	if (ctx_quiet == NULL) {
		msg_error("STARTTLS=server, error: %s; STARTTLS not offered", dstr_cstr(&err));
		tls_ctx_free(ctx_ask);
		ctx_ask = NULL;
		init_state = -1;
	} else
		init_state = 1;
	dstr_free(&err);
	return init_state == 1 ? 0 : -1;
}

int
tls_smtp_available(void)
{
	return init_state == 1;
}

static void
set_xtext(struct macro_table *mt, const char *name, const char *value)
{
	dstr d = DSTR_INIT;

	auth_xtext_encode(&d, value, "=");
	macro_set_name(mt, name, dstr_cstr(&d));
	dstr_free(&d);
}

static void
set_int(struct macro_table *mt, const char *name, int v)
{
	char b[24];

	snprintf(b, sizeof(b), "%d", v);
	macro_set_name(mt, name, b);
}

int
tls_smtp_handshake(struct conf *c, stream *s, int request_cert, const char *relay,
    struct macro_table *mt, struct tls_smtp_result *res)
{
	tls_ctx *ctx = request_cert && ctx_ask ? ctx_ask : ctx_quiet;
	int old = stream_timeout(s), st;
	long secs = options_time(c->opts, "Timeout.starttls", 'm', 3600);
	struct tls_info ti;
	const char *verify;
	dstr err = DSTR_INIT, subj = DSTR_INIT;

	memset(res, 0, sizeof(*res));
	if (ctx == NULL)
		return -1;
	stream_set_timeout(s, secs > 0 ? (int)(secs > 86400 ? 86400 : secs) * 1000 : old);
	st = tls_start(s, ctx, 1, NULL, &err);
	stream_set_timeout(s, old);
	if (st != STREAM_OK) {
		msg_notice("STARTTLS=server, error: accept failed: %s, relay=%s", dstr_cstr(&err), relay);
		macro_set_name(mt, "verify", "SOFTWARE");
		dstr_free(&err);
		return -1;
	}
	dstr_free(&err);
	tls_get_info(s, &ti);
	if (!ti.peer_requested)
		verify = "NOT";
	else if (ti.peer_md5[0] == '\0')
		verify = "NO";	/* asked, none presented */
	else
		verify = ti.verified ? "OK" : "FAIL";
	macro_set_name(mt, "verify", verify);
	macro_set_name(mt, "tls_version", ti.version);
	macro_set_name(mt, "cipher", ti.cipher);
	set_int(mt, "cipher_bits", ti.bits);
	set_int(mt, "alg_bits", ti.alg_bits);
	if (ti.peer_md5[0]) {
		set_xtext(mt, "cert_subject", dstr_cstr(&ti.peer_dn));
		set_xtext(mt, "cert_issuer", dstr_cstr(&ti.peer_issuer_dn));
		set_xtext(mt, "cn_subject", dstr_cstr(&ti.peer_cn));
		set_xtext(mt, "cn_issuer", dstr_cstr(&ti.peer_issuer_cn));
		macro_set_name(mt, "cert_md5", ti.peer_md5);
	} else {
		macro_set_name(mt, "cert_subject", "");
		macro_set_name(mt, "cert_issuer", "");
		macro_set_name(mt, "cn_subject", "");
		macro_set_name(mt, "cn_issuer", "");
		macro_set_name(mt, "cert_md5", NULL);
	}
	msg_info("STARTTLS=server, relay=%s, version=%s, verify=%s, cipher=%s, bits=%d/%d",
	    relay, ti.version, verify, ti.cipher, ti.bits, ti.alg_bits);
	auth_xtext_encode(&subj, dstr_cstr(&ti.peer_dn), "=");
	{
		dstr iss = DSTR_INIT;

		auth_xtext_encode(&iss, dstr_cstr(&ti.peer_issuer_dn), "=");
		msg_info("STARTTLS=server, cert-subject=%s, cert-issuer=%s, verifymsg=%s",
		    dstr_cstr(&subj), dstr_cstr(&iss), ti.peer_md5[0] ? ti.verify_error : "ok");
		dstr_free(&iss);
	}
	res->bits = ti.bits > 0 ? (unsigned)ti.bits : 0;
	if (ti.verified && ti.peer_dn.len)
		res->verified_subject = xstrdup(dstr_cstr(&subj));
	dstr_free(&subj);
	tls_info_free(&ti);
	return 0;
}

void
tls_smtp_result_free(struct tls_smtp_result *res)
{
	free(res->verified_subject);
	res->verified_subject = NULL;
}
