/* mailboxd.h: what the parts of mailboxd (and mail.local) share: the
 * parsed configuration, user records from the passdb/userdb drivers,
 * the session environment handed from the login process to the mail
 * process, and the entry points of the protocol engines. */
#ifndef SW_MAILBOXD_H
#define SW_MAILBOXD_H
#include <stdint.h>
#include <sys/types.h>
#include "base/dstr.h"
#include "io/stream.h"
#include "io/tls.h"
#include "io/net.h"

#define MAILBOXD_CONFIG "/etc/mail/mailboxd.conf"

enum proto {
	PROTO_IMAP = 1,
	PROTO_POP3 = 2,
	PROTO_LMTP = 4
};

enum ssl_mode {
	SSL_MODE_NO = 0,
	SSL_MODE_YES,
	SSL_MODE_REQUIRED
};

struct listener_conf {
	enum proto proto;
	char *address;		/* NULL: the listen setting */
	int port;		/* 0 for a unix socket */
	char *path;		/* unix socket path */
	int ssl;		/* implicit TLS */
	int mode;		/* unix socket mode */
};

struct db_conf {
	char *driver;		/* passwd-file, shadow, pam, saslauthd, sasl, passwd, static */
	char *args;
};

struct mbconf {
	unsigned protocols;
	char **listen;
	size_t nlisten;
	struct listener_conf *listeners;
	size_t nlisteners;
	int disable_plaintext_auth;
	char *auth_mechanisms;		/* lower-case, space separated */
	char *auth_username_format;
	char *auth_default_realm;
	double auth_failure_delay;	/* seconds */
	enum ssl_mode ssl;
	char *ssl_cert, *ssl_key, *ssl_ca, *ssl_dh;
	char *ssl_min_protocol, *ssl_cipher_list;
	char *mail_location;
	uid_t first_valid_uid, last_valid_uid;
	gid_t first_valid_gid;
	char *mail_uid, *mail_gid;	/* virtual users' owner */
	char *default_login_user;
	int drop_privileges;		/* ours: "no" runs all as the caller */
	struct db_conf *passdbs, *userdbs;
	size_t npassdbs, nuserdbs;
	char *login_greeting;
	char *hostname;
	char *base_dir;
	char *log_path;
	uint64_t quota;			/* quota_rule = *:storage=N */
	uint64_t max_message_size;	/* APPEND/LMTP limit */
	int quota_permanent;		/* quota failures are 5xx (mail.local -b) */
	char *lmtp_recipient_delimiter;
	char *postmaster_address;
	char *special_sent, *special_drafts, *special_trash, *special_junk, *special_archive;
	char *sasl_app;			/* SASL application name */
	char *sasl_conf_path;
	char *sasl_opts[16];		/* key, value pairs for saslsrv_init */
	int verbose;
};

/* config.c */
int mbconf_load(const char *path, struct mbconf *c, dstr *err);
void mbconf_defaults(struct mbconf *c);
/* mbconf_set: one "key = value" on top of the loaded file (-o) */
int mbconf_set(struct mbconf *c, const char *key, const char *value, dstr *err);
uint64_t mbconf_size(const char *s);

/* auth.c: users */
struct mb_user {
	char *name;		/* login name after username_format */
	uid_t uid;
	gid_t gid;
	char *home;
	char *mail;		/* mail_location for this user */
	uint64_t quota;
	int system;		/* from the system passwd: initgroups */
};
enum auth_result {
	AUTH_OK = 0,
	AUTH_FAIL,
	AUTH_TEMPFAIL,
	AUTH_CONTINUE,
	AUTH_BADPROT,
	AUTH_NOMECH
};
/* auth_init: the passdbs (and userdbs) are usable; SASL is started */
int auth_init(const struct mbconf *c, dstr *err);
/* auth_mechs: mechanisms offered now (upper case, space separated) */
void auth_mechs(const struct mbconf *c, int tls, dstr *out);
int auth_plain(const struct mbconf *c, const char *service, const char *user,
    const char *pass, const struct net_peer *peer, dstr *user_out);
/* SASL exchange: start/step with base64 text; on AUTH_OK user_out */
int auth_sasl_start(const struct mbconf *c, const char *service, const char *mech,
    const char *initial, int tls, const struct net_peer *peer, dstr *challenge, dstr *user_out);
int auth_sasl_step(const struct mbconf *c, const char *response, dstr *challenge, dstr *user_out);
/* userdb.c: auth_lookup: the user record (userdb); -1 unknown, -2 temporary */
int auth_lookup(const struct mbconf *c, const char *name, struct mb_user *u, dstr *err);
void auth_user_free(struct mb_user *u);
/* auth_become: switch this process to the user for good (when root and
 * drop_privileges); checks first_valid_uid.  0 or -1 with err. */
int auth_become(const struct mbconf *c, const struct mb_user *u, dstr *err);
/* auth_drop_to_login_user: the pre-login process's identity */
int auth_drop_to_login_user(const struct mbconf *c, dstr *err);
int auth_privileged(const struct mbconf *c);

/* the pre-login side's view of authentication: direct calls (one
 * process) or requests to the privileged monitor (login.c) */
struct login_auth {
	void *ctx;
	void (*mechs)(void *ctx, int tls, dstr *out);
	int (*plain)(void *ctx, const char *user, const char *pass, dstr *user_out);
	int (*sasl_start)(void *ctx, const char *mech, const char *initial, int tls,
	    dstr *challenge, dstr *user_out);
	int (*sasl_step)(void *ctx, const char *response, dstr *challenge, dstr *user_out);
};

/* one client connection */
struct session {
	stream *s;
	const struct mbconf *conf;
	enum proto proto;
	struct net_peer peer;
	int tls;			/* TLS is active */
	tls_ctx *tlsctx;		/* for STARTTLS/STLS, NULL when ssl = no */
	const struct login_auth *auth;	/* pre-login */
	dstr user;			/* who logged in */
	dstr method;			/* PLAIN, LOGIN, ... */
	dstr resume;			/* protocol state for after login (IMAP tag) */
	struct mb_user *mu;		/* post-login: the mail user */
	unsigned auth_failures;
};
void session_init(struct session *ss, stream *s, const struct mbconf *c, enum proto p);
void session_free(struct session *ss);
/* session_log_login: "imap-login: Login: user=<a>, method=PLAIN, ..." */
void session_log_login(const struct session *ss);
void session_log_failure(const struct session *ss, const char *why);
/* session_plaintext_ok: may plaintext mechanisms be used now? */
int session_plaintext_ok(const struct session *ss);
/* session_starttls: TLS handshake after the go-ahead; 0 or -1 */
int session_starttls(struct session *ss);
void session_auth_delay(struct session *ss);

/* imap.c / pop3.c: pre-login returns 1 when a user logged in (the driver
 * then hands over), 0 when the client left; post-login runs to the end */
int imap_prelogin(struct session *ss);
void imap_postlogin(struct session *ss);
int pop3_prelogin(struct session *ss);
void pop3_postlogin(struct session *ss);
/* lmtp.c: serve one LMTP connection (delivering to any user) */
enum {
	LMTP_ADD_RETURN_PATH = 1,	/* mailboxd: add Return-Path and Delivered-To */
	LMTP_NO_8BITMIME = 2		/* mail.local -7 */
};
void lmtp_serve(stream *s, const struct mbconf *c, const struct net_peer *peer, unsigned flags);

/* login.c: the per-connection process pair */
void login_connection(const struct mbconf *c, enum proto p, int fd, int implicit_tls,
    tls_ctx *tlsctx);

/* local.c: deliver one message to one local user (mail.local, LMTP) */
enum local_result {
	LOCAL_OK = 0,
	LOCAL_NOUSER,
	LOCAL_TEMPFAIL,
	LOCAL_QUOTA,
	LOCAL_PERMFAIL
};
int local_deliver(const struct mbconf *c, const char *user, const char *mailbox,
    const char *from, const char *data, size_t len, dstr *err);

#endif
