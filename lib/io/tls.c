/* tls: OpenSSL 3 contexts, handshakes and session facts (see tls.h).
 * The only file of Sendwell that builds SSL_CTX/SSL objects; stream.c
 * reads and writes through the SSL it is given.  Called by mailboxd's
 * listeners and sessions, the SMTP server (and later the SMTP client). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

/* the SSL_OP_* names ServerSSLOptions may use (OpenSSL 3 spellings) */
static const struct {
	const char *name;
	unsigned long long bits;
} ssl_op_names[] = {
	{ "SSL_OP_ALL", SSL_OP_ALL },
	{ "SSL_OP_NO_SSLv2", SSL_OP_NO_SSLv2 },
	{ "SSL_OP_NO_SSLv3", SSL_OP_NO_SSLv3 },
	{ "SSL_OP_NO_TLSv1", SSL_OP_NO_TLSv1 },
	{ "SSL_OP_NO_TLSv1_1", SSL_OP_NO_TLSv1_1 },
	{ "SSL_OP_NO_TLSv1_2", SSL_OP_NO_TLSv1_2 },
	{ "SSL_OP_NO_TLSv1_3", SSL_OP_NO_TLSv1_3 },
	{ "SSL_OP_CIPHER_SERVER_PREFERENCE", SSL_OP_CIPHER_SERVER_PREFERENCE },
	{ "SSL_OP_NO_COMPRESSION", SSL_OP_NO_COMPRESSION },
	{ "SSL_OP_NO_TICKET", SSL_OP_NO_TICKET },
	{ "SSL_OP_NO_RENEGOTIATION", SSL_OP_NO_RENEGOTIATION },
	{ "SSL_OP_PRIORITIZE_CHACHA", SSL_OP_PRIORITIZE_CHACHA },
	{ "SSL_OP_TLSEXT_PADDING", SSL_OP_TLSEXT_PADDING },
	{ "SSL_OP_SINGLE_DH_USE", SSL_OP_SINGLE_DH_USE },
	{ "SSL_OP_SINGLE_ECDH_USE", SSL_OP_SINGLE_ECDH_USE },
	{ "SSL_OP_LEGACY_SERVER_CONNECT", SSL_OP_LEGACY_SERVER_CONNECT },
	{ "SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION", SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION },
	{ "SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION", SSL_OP_NO_SESSION_RESUMPTION_ON_RENEGOTIATION },
	{ "SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS", SSL_OP_DONT_INSERT_EMPTY_FRAGMENTS },
	{ "SSL_OP_CRYPTOPRO_TLSEXT_BUG", SSL_OP_CRYPTOPRO_TLSEXT_BUG },
	{ "SSL_OP_SAFARI_ECDHE_ECDSA_BUG", SSL_OP_SAFARI_ECDHE_ECDSA_BUG },
	{ "SSL_OP_TLS_ROLLBACK_BUG", SSL_OP_TLS_ROLLBACK_BUG },
	{ "SSL_OP_NO_QUERY_MTU", SSL_OP_NO_QUERY_MTU },
	{ "SSL_OP_ENABLE_MIDDLEBOX_COMPAT", SSL_OP_ENABLE_MIDDLEBOX_COMPAT },
	{ "SSL_OP_IGNORE_UNEXPECTED_EOF", SSL_OP_IGNORE_UNEXPECTED_EOF },
	{ "SSL_OP_NO_ANTI_REPLAY", SSL_OP_NO_ANTI_REPLAY },
	{ "SSL_OP_NO_ENCRYPT_THEN_MAC", SSL_OP_NO_ENCRYPT_THEN_MAC },
	{ "SSL_OP_NO_EXTENDED_MASTER_SECRET", SSL_OP_NO_EXTENDED_MASTER_SECRET },
	{ NULL, 0 }
};

int
tls_parse_ssl_options(const char *spec, unsigned long long *set,
    unsigned long long *clear, dstr *err)
{
	const char *p = spec ? spec : "";

	*set = *clear = 0;
	while (*p) {
		size_t n;
		int minus = 0, i;
		unsigned long long bits = 0;
		char word[64];

		while (*p == ' ' || *p == ',' || *p == '\t')
			p++;
		if (*p == '\0')
			break;
		if (*p == '-' || *p == '+') {
			minus = *p == '-';
			p++;
		}
		n = strcspn(p, " ,\t");
		if (n == 0 || n >= sizeof(word)) {
			if (err)
				dstr_printf(err, "bad SSL option \"%.*s\"", (int)(n ? n : 1), p);
			return -1;
		}
		memcpy(word, p, n);
		word[n] = '\0';
		p += n;
		if (isdigit((unsigned char)word[0])) {
			char *end;

			bits = strtoull(word, &end, 0);
			if (*end != '\0') {
				if (err)
					dstr_printf(err, "bad SSL option \"%s\"", word);
				return -1;
			}
		} else {
			for (i = 0; ssl_op_names[i].name; i++)
				if (strcasecmp(ssl_op_names[i].name, word) == 0)
					break;
			if (ssl_op_names[i].name == NULL) {
				if (err)
					dstr_printf(err, "unknown SSL option \"%s\"", word);
				return -1;
			}
			bits = ssl_op_names[i].bits;
		}
		if (minus) {
			*clear |= bits;
			*set &= ~bits;
		} else {
			*set |= bits;
			*clear &= ~bits;
		}
	}
	return 0;
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

/* load_crls: the CRLs of set into c's store, and revocation checked for
 * every certificate a peer shows (its CA then needs a CRL too) */
static int
load_crls(SSL_CTX *c, const struct tls_settings *set, dstr *err)
{
	X509_STORE *st = SSL_CTX_get_cert_store(c);
	X509_LOOKUP *lu;

	if (set->crl_file) {
		lu = X509_STORE_add_lookup(st, X509_LOOKUP_file());
		if (lu == NULL || X509_load_crl_file(lu, set->crl_file, X509_FILETYPE_PEM) <= 0) {
			ssl_errors(err, "cannot load CRLs");
			if (err)
				dstr_printf(err, " (%s)", set->crl_file);
			return -1;
		}
	}
	if (set->crl_path) {
		lu = X509_STORE_add_lookup(st, X509_LOOKUP_hash_dir());
		if (lu == NULL || X509_LOOKUP_add_dir(lu, set->crl_path, X509_FILETYPE_PEM) != 1) {
			ssl_errors(err, "cannot use the CRL directory");
			if (err)
				dstr_printf(err, " (%s)", set->crl_path);
			return -1;
		}
	}
	X509_STORE_set_flags(st, X509_V_FLAG_CRL_CHECK);
	return 0;
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
	if (set->ssl_options) {
		unsigned long long on, off;

		if (tls_parse_ssl_options(set->ssl_options, &on, &off, err) != 0)
			goto fail;
		SSL_CTX_clear_options(c, (uint64_t)off);
		SSL_CTX_set_options(c, (uint64_t)on);
	}
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
	if ((set->crl_file || set->crl_path) && load_crls(c, set, err) != 0)
		goto fail;
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
		if (set->verify_peer) {
			SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, verify_any);
			if (set->ca_file) {
				/* tell the client which CAs we trust */
				STACK_OF(X509_NAME) *names = SSL_load_client_CA_file(set->ca_file);

				if (names)
					SSL_CTX_set_client_CA_list(c, names);
			}
		}
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

/* the stream's TLS operations over OpenSSL */
static long
ssl_result(SSL *ssl, int n)
{
	int e;

	if (n > 0)
		return n;
	e = SSL_get_error(ssl, n);
	if (e == SSL_ERROR_WANT_READ)
		return STREAM_TLS_WANT_READ;
	if (e == SSL_ERROR_WANT_WRITE)
		return STREAM_TLS_WANT_WRITE;
	/* close_notify, or the peer just went (no error queued) */
	if (e == SSL_ERROR_ZERO_RETURN || (e == SSL_ERROR_SYSCALL && ERR_peek_error() == 0))
		return STREAM_TLS_EOF;
	return STREAM_TLS_ERROR;
}

static long
ssl_read_op(void *tls, void *buf, size_t n)
{
	ERR_clear_error();
	return ssl_result(tls, SSL_read(tls, buf, n > 1u << 30 ? 1 << 30 : (int)n));
}

static long
ssl_write_op(void *tls, const void *buf, size_t n)
{
	long r;

	ERR_clear_error();
	r = ssl_result(tls, SSL_write(tls, buf, n > 1u << 30 ? 1 << 30 : (int)n));
	/* a write never reads EOF: the peer is gone */
	return r == STREAM_TLS_EOF ? STREAM_TLS_ERROR : r;
}

static size_t
ssl_pending_op(void *tls)
{
	int n = SSL_pending(tls);

	return n > 0 ? (size_t)n : 0;
}

static void
ssl_shutdown_op(void *tls)
{
	(void)SSL_shutdown(tls);
}

static void
ssl_free_op(void *tls)
{
	SSL_free(tls);
}

static const struct stream_tls_ops ssl_ops = {
	ssl_read_op, ssl_write_op, ssl_pending_op, ssl_shutdown_op, ssl_free_op
};

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
	stream_set_tls(s, ssl, &ssl_ops);
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

/* slash_text: OpenSSL's one-line "/C=../CN=.." form of a name */
static void
slash_text(dstr *out, X509_NAME *n)
{
	char *p = X509_NAME_oneline(n, NULL, 0);

	if (p) {
		dstr_puts(out, p);
		OPENSSL_free(p);
	}
}

static void
cn_text(dstr *out, X509_NAME *n)
{
	int i = X509_NAME_get_index_by_NID(n, NID_commonName, -1);
	X509_NAME_ENTRY *e = i >= 0 ? X509_NAME_get_entry(n, i) : NULL;
	ASN1_STRING *d = e ? X509_NAME_ENTRY_get_data(e) : NULL;
	unsigned char *u = NULL;
	int len;

	if (d == NULL)
		return;
	len = ASN1_STRING_to_UTF8(&u, d);
	if (len > 0)
		dstr_append(out, (const char *)u, (size_t)len);
	OPENSSL_free(u);
}

static void
md5_text(char *out, size_t cap, X509 *x)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	size_t o = 0;

	out[0] = '\0';
	if (X509_digest(x, EVP_md5(), md, &n) != 1)
		return;
	for (i = 0; i < n && o + 4 <= cap; i++)
		o += (size_t)snprintf(out + o, cap - o, "%s%02X", i ? ":" : "", md[i]);
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
	dstr_init(&info->peer_dn);
	dstr_init(&info->peer_issuer_dn);
	dstr_init(&info->peer_cn);
	dstr_init(&info->peer_issuer_cn);
	if (ssl == NULL)
		return -1;
	info->peer_requested = (SSL_get_verify_mode(ssl) & SSL_VERIFY_PEER) != 0;
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
		slash_text(&info->peer_dn, X509_get_subject_name(peer));
		slash_text(&info->peer_issuer_dn, X509_get_issuer_name(peer));
		cn_text(&info->peer_cn, X509_get_subject_name(peer));
		cn_text(&info->peer_issuer_cn, X509_get_issuer_name(peer));
		md5_text(info->peer_md5, sizeof(info->peer_md5), peer);
		{
			long v = SSL_get_verify_result(ssl);

			info->verified = v == X509_V_OK;
			snprintf(info->verify_error, sizeof(info->verify_error), "%s",
			    X509_verify_cert_error_string(v));
		}
		X509_free(peer);
	}
	return 0;
}

void
tls_info_free(struct tls_info *info)
{
	dstr_free(&info->peer_subject);
	dstr_free(&info->peer_issuer);
	dstr_free(&info->peer_dn);
	dstr_free(&info->peer_issuer_dn);
	dstr_free(&info->peer_cn);
	dstr_free(&info->peer_issuer_cn);
}
