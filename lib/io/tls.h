/* tls: OpenSSL 3 contexts (server: cert/key/CA files; client: CA and
 * client certificate) and tls_start(), which puts TLS under an existing
 * stream for STARTTLS/STLS or implicit TLS.  Used by mailboxd, the SMTP
 * server (sendmail/tls_smtp.c) and, later, the SMTP client. */
#ifndef SW_IO_TLS_H
#define SW_IO_TLS_H
#include "base/dstr.h"
#include "io/stream.h"

typedef struct tls_ctx tls_ctx;

/* settings of a context; NULL/0 members take the defaults noted */
struct tls_settings {
	const char *cert_file;	/* PEM chain (server: required) */
	const char *key_file;	/* PEM key (default: cert_file) */
	const char *ca_file;	/* CAs to verify peers with */
	const char *ca_path;	/* hashed CA directory */
	const char *crl_file;	/* PEM CRLs: peers' certificates are then
				 * checked for revocation (sendmail's CRLFile) */
	const char *crl_path;	/* hashed directory of CRLs (<hash>.r0) */
	const char *dh_file;	/* DH parameters (default: OpenSSL's auto) */
	const char *ciphers;	/* TLS <= 1.2 cipher list (default: secure set) */
	const char *ciphersuites; /* TLS 1.3 suites (default: OpenSSL's) */
	const char *min_version;	/* "TLSv1.2" (default), "TLSv1.3", ... */
	int verify_peer;	/* server: ask for a client certificate (and
				 * name the CAs of ca_file to the client) */
	const char *ssl_options;	/* sendmail's ServerSSLOptions syntax:
				 * SSL_OP_* names or numbers, "-" clears,
				 * separated by spaces or commas (NULL: none) */
};

/* tls_parse_ssl_options: the ssl_options syntax into the bits to set
 * and to clear; 0, or -1 with the offending word in err */
int tls_parse_ssl_options(const char *spec, unsigned long long *set,
    unsigned long long *clear, dstr *err);

/* tls_server_ctx_new / tls_client_ctx_new: NULL with a reason in err */
tls_ctx *tls_server_ctx_new(const struct tls_settings *set, dstr *err);
tls_ctx *tls_client_ctx_new(const struct tls_settings *set, dstr *err);
void tls_ctx_free(tls_ctx *ctx);

/* tls_start: handshake on s's fds, within s's timeout per wait.  server
 * is 1 for accept, 0 for connect (then sni names the peer, may be NULL).
 * Input still buffered in s in plain text is an error for a server (a
 * client pipelining past STARTTLS): the caller should check
 * stream_pending() first and refuse.  STREAM_OK or a status, with a
 * reason in err. */
int tls_start(stream *s, tls_ctx *ctx, int server, const char *sni, dstr *err);

/* what the session logs and puts in Received: headers */
struct tls_info {
	char version[32];	/* "TLSv1.3" */
	char cipher[128];	/* "TLS_AES_256_GCM_SHA384" */
	int bits;		/* secret bits used */
	int alg_bits;		/* bits of the algorithm */
	dstr peer_subject;	/* "" without a peer certificate */
	dstr peer_issuer;
	int verified;		/* 1 when the peer certificate verified */
	/* the same names as sendmail's ${cert_subject} shows them before
	 * xtext: OpenSSL's one-line "/C=KR/O=Example/CN=host" form */
	dstr peer_dn;
	dstr peer_issuer_dn;
	dstr peer_cn;		/* commonName of the subject, "" if none */
	dstr peer_issuer_cn;
	char peer_md5[48];	/* "AB:CD:..." fingerprint, "" without a cert */
	int peer_requested;	/* 1 when this side asked for a certificate */
	char verify_error[96];	/* OpenSSL's verify result text ("ok") */
};

/* tls_get_info: 0 and info filled for a TLS stream, -1 for plain;
 * tls_info_free releases the dstrs. */
int tls_get_info(stream *s, struct tls_info *info);
void tls_info_free(struct tls_info *info);

#endif
