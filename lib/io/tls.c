/* tls: OpenSSL 3 contexts, handshakes and session facts (see tls.h).
 * The only file of Sendwell that builds SSL_CTX/SSL objects; stream.c
 * reads and writes through the SSL it is given.  Called by mailboxd's
 * listeners and sessions (and later the SMTP server and client). */
#include "config.h"
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/pem.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "io/tls.h"

struct tls_ctx {
	SSL_CTX *ctx;
	int server;
};

/* the default cipher list: forward-secret AEAD suites only */
#define DEFAULT_CIPHERS "ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:!aNULL:!eNULL"

static void
ssl_errors(dstr *err, const char *what)
{
	unsigned long e;
	char buf[256];

	if (err == NULL)
		return;
	dstr_set(err, what);
	while ((e = ERR_get_error()) != 0) {
		ERR_error_string_n(e, buf, sizeof(buf));
		dstr_printf(err, ": %s", buf);
	}
}

static int
version_of(const char *name)
{
	if (name == NULL || *name == '\0')
		return TLS1_2_VERSION;
	if (strcasecmp(name, "TLSv1") == 0 || strcasecmp(name, "TLSv1.0") == 0)
		return TLS1_VERSION;
	if (strcasecmp(name, "TLSv1.1") == 0)
		return TLS1_1_VERSION;
	if (strcasecmp(name, "TLSv1.2") == 0)
		return TLS1_2_VERSION;
	if (strcasecmp(name, "TLSv1.3") == 0)
		return TLS1_3_VERSION;
	return -1;
}

/* accept any peer certificate: the verdict is recorded, not enforced
 * here (policy belongs to the caller, as sendmail's ${verify}) */
static int
verify_any(int ok, X509_STORE_CTX *x)
{
	(void)ok;
	(void)x;
	return 1;
}

static tls_ctx *
ctx_new(const struct tls_settings *set, int server, dstr *err)
{
	static const unsigned char sid[] = "sendwell";
	struct tls_settings none;
	tls_ctx *t;
	SSL_CTX *c;
	int v;

	if (set == NULL) {
		memset(&none, 0, sizeof(none));
		set = &none;
	}
	ERR_clear_error();
	c = SSL_CTX_new(server ? TLS_server_method() : TLS_client_method());
	if (c == NULL) {
		ssl_errors(err, "SSL_CTX_new");
		return NULL;
	}
	v = version_of(set->min_version);
	if (v < 0) {
		if (err)
			dstr_printf(err, "unknown TLS version %s", set->min_version);
		SSL_CTX_free(c);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(c, v);
	SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE |
	    SSL_OP_IGNORE_UNEXPECTED_EOF | SSL_OP_NO_RENEGOTIATION);
	SSL_CTX_set_mode(c, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (SSL_CTX_set_cipher_list(c, set->ciphers ? set->ciphers : DEFAULT_CIPHERS) != 1) {
		ssl_errors(err, "bad cipher list");
		goto fail;
	}
	if (set->ciphersuites && SSL_CTX_set_ciphersuites(c, set->ciphersuites) != 1) {
		ssl_errors(err, "bad TLS 1.3 cipher suites");
		goto fail;
	}
	if (set->cert_file) {
		if (SSL_CTX_use_certificate_chain_file(c, set->cert_file) != 1) {
			ssl_errors(err, "cannot load certificate");
			if (err)
				dstr_printf(err, " (%s)", set->cert_file);
			goto fail;
		}
		if (SSL_CTX_use_PrivateKey_file(c, set->key_file ? set->key_file : set->cert_file,
		    SSL_FILETYPE_PEM) != 1) {
			ssl_errors(err, "cannot load private key");
			if (err)
				dstr_printf(err, " (%s)", set->key_file ? set->key_file : set->cert_file);
			goto fail;
		}
		if (SSL_CTX_check_private_key(c) != 1) {
			ssl_errors(err, "private key does not match the certificate");
			goto fail;
		}
	} else if (server) {
		if (err)
			dstr_set(err, "no server certificate configured");
		goto fail;
	}
	if (set->ca_file || set->ca_path) {
		if (SSL_CTX_load_verify_locations(c, set->ca_file, set->ca_path) != 1) {
			ssl_errors(err, "cannot load CA certificates");
			goto fail;
		}
	} else if (!server)
		(void)SSL_CTX_set_default_verify_paths(c);
	if (set->dh_file) {
		BIO *b = BIO_new_file(set->dh_file, "r");
		EVP_PKEY *dh = b ? PEM_read_bio_Parameters(b, NULL) : NULL;

		BIO_free(b);
		if (dh == NULL || SSL_CTX_set0_tmp_dh_pkey(c, dh) != 1) {
			EVP_PKEY_free(dh);
			ssl_errors(err, "cannot load DH parameters");
			goto fail;
		}
	} else
		SSL_CTX_set_dh_auto(c, 1);
	if (server) {
		SSL_CTX_set_session_id_context(c, sid, sizeof(sid) - 1);
		if (set->verify_peer)
			SSL_CTX_set_verify(c, SSL_VERIFY_PEER, verify_any);
	} else
		SSL_CTX_set_verify(c, SSL_VERIFY_NONE, NULL);
	t = xcalloc(1, sizeof(*t));
	t->ctx = c;
	t->server = server;
	return t;
fail:
	SSL_CTX_free(c);
	return NULL;
}

tls_ctx *
tls_server_ctx_new(const struct tls_settings *set, dstr *err)
{
	return ctx_new(set, 1, err);
}

tls_ctx *
tls_client_ctx_new(const struct tls_settings *set, dstr *err)
{
	return ctx_new(set, 0, err);
}

void
tls_ctx_free(tls_ctx *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t);
}

static int
wait_for(int fd, short ev, int ms)
{
	struct pollfd p = { fd, ev, 0 };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r;
}

int
tls_start(stream *s, tls_ctx *t, int server, const char *sni, dstr *err)
{
	SSL *ssl;

	if (stream_ssl(s) != NULL) {
		if (err)
			dstr_set(err, "TLS already active");
		return STREAM_ERROR;
	}
	if (stream_flush(s) != STREAM_OK) {
		if (err)
			dstr_set(err, "write error before TLS");
		return STREAM_ERROR;
	}
	ERR_clear_error();
	ssl = SSL_new(t->ctx);
	if (ssl == NULL) {
		ssl_errors(err, "SSL_new");
		return STREAM_ERROR;
	}
	SSL_set_rfd(ssl, stream_rfd(s));
	SSL_set_wfd(ssl, stream_wfd(s));
	if (!server && sni)
		SSL_set_tlsext_host_name(ssl, sni);
	for (;;) {
		int r = server ? SSL_accept(ssl) : SSL_connect(ssl), e, w;

		if (r == 1)
			break;
		e = SSL_get_error(ssl, r);
		if (e == SSL_ERROR_WANT_READ)
			w = wait_for(stream_rfd(s), POLLIN, stream_timeout(s));
		else if (e == SSL_ERROR_WANT_WRITE)
			w = wait_for(stream_wfd(s), POLLOUT, stream_timeout(s));
		else {
			ssl_errors(err, "TLS handshake failed");
			if (err && e == SSL_ERROR_SYSCALL)
				dstr_puts(err, ": connection closed");
			SSL_free(ssl);
			return STREAM_ERROR;
		}
		if (w <= 0) {
			if (err)
				dstr_set(err, w == 0 ? "TLS handshake timed out" : "poll failed");
			SSL_free(ssl);
			return w == 0 ? STREAM_TIMEOUT : STREAM_ERROR;
		}
	}
	stream_set_ssl(s, ssl);
	return STREAM_OK;
}

static void
name_text(dstr *out, X509_NAME *n)
{
	BIO *b = BIO_new(BIO_s_mem());
	char *p;
	long len;

	if (b == NULL)
		return;
	X509_NAME_print_ex(b, n, 0, XN_FLAG_ONELINE & ~ASN1_STRFLGS_ESC_MSB);
	len = BIO_get_mem_data(b, &p);
	if (len > 0)
		dstr_append(out, p, (size_t)len);
	BIO_free(b);
}

int
tls_get_info(stream *s, struct tls_info *info)
{
	SSL *ssl = stream_ssl(s);
	const SSL_CIPHER *c;
	X509 *peer;

	memset(info, 0, sizeof(*info));
	dstr_init(&info->peer_subject);
	dstr_init(&info->peer_issuer);
	if (ssl == NULL)
		return -1;
	snprintf(info->version, sizeof(info->version), "%s", SSL_get_version(ssl));
	c = SSL_get_current_cipher(ssl);
	if (c) {
		snprintf(info->cipher, sizeof(info->cipher), "%s", SSL_CIPHER_get_name(c));
		info->bits = SSL_CIPHER_get_bits(c, &info->alg_bits);
	}
	peer = SSL_get1_peer_certificate(ssl);
	if (peer) {
		name_text(&info->peer_subject, X509_get_subject_name(peer));
		name_text(&info->peer_issuer, X509_get_issuer_name(peer));
		info->verified = SSL_get_verify_result(ssl) == X509_V_OK;
		X509_free(peer);
	}
	return 0;
}

void
tls_info_free(struct tls_info *info)
{
	dstr_free(&info->peer_subject);
	dstr_free(&info->peer_issuer);
}
