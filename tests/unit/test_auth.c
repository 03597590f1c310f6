/* test_auth: the MTA's SMTP AUTH module (sendmail/auth.c) without a
 * daemon: xtext, AuthOptions, the advertised mechanism list, one AUTH
 * command's replies over a socketpair (with a sasldb2 made by
 * saslpasswd2 when it is installed) - and io/tls's ServerSSLOptions parser. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <openssl/ssl.h>
#include "io/base64.h"
#include "io/saslsrv.h"
#include "io/stream.h"
#include "io/tls.h"
#include "sendmail/auth.h"
#include "sendmail/conf.h"

static char tmpdir[256];
static int have_sasldb;

static void
test_xtext(void **state)
{
	dstr d = DSTR_INIT;

	(void)state;
	auth_xtext_encode(&d, "a b+c=d\x01", NULL);
	assert_string_equal(d.s, "a+20b+2Bc+3Dd+01");
	dstr_clear(&d);
	auth_xtext_encode(&d, "/C=KR/O=Ha Map/CN=x", "=");
	assert_string_equal(d.s, "/C=KR/O=Ha+20Map/CN=x");
	dstr_clear(&d);
	assert_int_equal(auth_xtext_decode(&d, "a+20b+2Bc"), 0);
	assert_string_equal(d.s, "a b+c");
	dstr_clear(&d);
	assert_int_equal(auth_xtext_decode(&d, "bad+zz"), -1);
	dstr_clear(&d);
	assert_int_equal(auth_xtext_decode(&d, "lower+2b"), -1);
	dstr_clear(&d);
	assert_int_equal(auth_xtext_decode(&d, "cut+2"), -1);
	dstr_clear(&d);
	assert_int_equal(auth_xtext_decode(&d, "a=b"), -1);
	dstr_free(&d);
}

static void
test_mech_intersect(void **state)
{
	dstr d = DSTR_INIT;

	(void)state;
	/* sendmail's order (AuthMechanisms), not SASL's */
	auth_mech_intersect("EXTERNAL GSSAPI DIGEST-MD5 CRAM-MD5 LOGIN PLAIN",
	    "PLAIN LOGIN CRAM-MD5 DIGEST-MD5 SCRAM-SHA-1", &d);
	assert_string_equal(d.s, "DIGEST-MD5 CRAM-MD5 LOGIN PLAIN");
	dstr_clear(&d);
	auth_mech_intersect("plain,login, plain", "PLAIN LOGIN", &d);
	assert_string_equal(d.s, "PLAIN LOGIN");
	dstr_clear(&d);
	auth_mech_intersect("GSSAPI", "PLAIN", &d);
	assert_string_equal(dstr_cstr(&d), "");
	dstr_clear(&d);
	/* a word is a whole word: LOGIN is not in LOGINX */
	auth_mech_intersect("LOGIN", "LOGINX PLAIN", &d);
	assert_string_equal(dstr_cstr(&d), "");
	dstr_free(&d);
}

static void
test_auth_options(void **state)
{
	(void)state;
	assert_int_equal(auth_options_secflags("A p y"),
	    SASLSRV_SEC_NOPLAINTEXT | SASLSRV_SEC_NOANONYMOUS);
	assert_int_equal(auth_options_secflags("a,c,d,f,m"),
	    SASLSRV_SEC_NOACTIVE | SASLSRV_SEC_PASS_CREDENTIALS | SASLSRV_SEC_NODICTIONARY |
	    SASLSRV_SEC_FORWARD_SECRECY | SASLSRV_SEC_MUTUAL_AUTH);
	assert_int_equal(auth_options_secflags(NULL), 0);
	assert_int_equal(auth_options_secflags("A"), 0);
}

static void
test_ssl_options(void **state)
{
	unsigned long long on, off;
	dstr err = DSTR_INIT;

	(void)state;
	assert_int_equal(tls_parse_ssl_options("+SSL_OP_NO_TLSv1_3, -SSL_OP_NO_TICKET 0x10",
	    &on, &off, &err), 0);
	assert_true((on & SSL_OP_NO_TLSv1_3) != 0);
	assert_true((on & 0x10) != 0);
	assert_true((off & SSL_OP_NO_TICKET) != 0);
	assert_int_equal(tls_parse_ssl_options("", &on, &off, &err), 0);
	assert_true(on == 0 && off == 0);
	assert_int_equal(tls_parse_ssl_options("SSL_OP_BOGUS", &on, &off, &err), -1);
	assert_non_null(strstr(err.s, "SSL_OP_BOGUS"));
	dstr_clear(&err);
	assert_int_equal(tls_parse_ssl_options("12abc", &on, &off, &err), -1);
	dstr_free(&err);
}

/* ---- one AUTH command over a socketpair ---- */

static struct conf *
load_conf(const char *mechs, const char *opts)
{
	char path[512];
	FILE *f;
	struct conf *c;

	snprintf(path, sizeof(path), "%s/test.cf", tmpdir);
	f = fopen(path, "w");
	assert_non_null(f);
	fprintf(f, "V10/Berkeley\nDjmail.test.example\nO AuthMechanisms=%s\nO AuthOptions=%s\n",
	    mechs, opts);
	fclose(f);
	c = conf_load(path, 0, NULL, 0);
	assert_non_null(c);
	return c;
}

static int failures_reported;

static void
count_failure(void *arg, const char *addr)
{
	(void)arg;
	assert_string_equal(addr, "192.0.2.9");
	failures_reported++;
}

/* run: feed the client lines, run "AUTH arg", return what the server said */
static enum auth_result
run(auth_session *a, const char *arg, const char *client, dstr *said)
{
	int sv[2];
	stream *s;
	struct macro_table mt;
	enum auth_result r;
	char buf[4096];
	ssize_t n;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	if (client && *client)
		assert_int_equal(write(sv[1], client, strlen(client)), (ssize_t)strlen(client));
	shutdown(sv[1], SHUT_WR);
	s = stream_new(sv[0], sv[0]);
	stream_set_timeout(s, 5000);
	macro_table_init(&mt, NULL);
	r = auth_session_command(a, s, arg, &mt);
	if (r == AUTH_DONE_OK) {
		assert_string_equal(macro_get_name(&mt, "auth_authen"), "alice");
		assert_string_equal(macro_get_name(&mt, "auth_ssf"), "0");
		assert_non_null(macro_get_name(&mt, "auth_type"));
	}
	macro_table_free(&mt);
	stream_free(s);
	close(sv[0]);
	dstr_clear(said);
	while ((n = read(sv[1], buf, sizeof(buf))) > 0)
		dstr_append(said, buf, (size_t)n);
	close(sv[1]);
	return r;
}

static auth_session *
new_session(struct conf *c)
{
	struct auth_peer p;

	memset(&p, 0, sizeof(p));
	p.relay = "client.example [192.0.2.9]";
	p.addr = "192.0.2.9";
	p.fqdn = "mail.test.example";
	p.failed = count_failure;
	return auth_session_new(c, &p);
}

static void
test_auth_command_errors(void **state)
{
	struct conf *c = load_conf("GSSAPI CRAM-MD5 PLAIN LOGIN", "p");
	auth_session *a = new_session(c);
	dstr said = DSTR_INIT;

	(void)state;
	assert_non_null(a);
	/* p: without TLS only CRAM-MD5 is left */
	assert_string_equal(auth_session_mechs(a), "CRAM-MD5");
	assert_int_equal(run(a, "", NULL, &said), AUTH_DONE_ERROR);
	assert_string_equal(said.s, "501 5.5.2 AUTH mechanism must be specified\r\n");
	assert_int_equal(run(a, "PLAIN AGEAYg==", NULL, &said), AUTH_DONE_ERROR);
	assert_string_equal(said.s, "504 5.3.3 AUTH mechanism PLAIN not available\r\n");
	assert_int_equal(run(a, "CRAM-MD5 not*base64", NULL, &said), AUTH_DONE_ERROR);
	assert_string_equal(said.s, "501 5.5.4 cannot BASE64 decode 'not*base64'\r\n");
	assert_int_equal(run(a, "cram-md5", "*\r\n", &said), AUTH_DONE_ERROR);
	assert_true(strncmp(said.s, "334 ", 4) == 0);
	assert_non_null(strstr(said.s, "\r\n501 5.0.0 AUTH aborted\r\n"));
	/* the client goes away in the middle */
	assert_int_equal(run(a, "CRAM-MD5", NULL, &said), AUTH_DONE_CLOSE);
	/* with TLS, PLAIN appears */
	auth_session_set_tls(a, 256, NULL);
	assert_string_equal(auth_session_mechs(a), "CRAM-MD5 PLAIN LOGIN");
	assert_null(auth_session_user(a));
	dstr_free(&said);
	auth_session_free(a);
	conf_free(c);
}

static void
test_auth_command_with_sasldb(void **state)
{
	struct conf *c;
	auth_session *a;
	dstr said = DSTR_INIT, cred = DSTR_INIT;
	int i;

	(void)state;
	if (!have_sasldb)
		skip();
	c = load_conf("PLAIN LOGIN", "");
	a = new_session(c);
	assert_non_null(a);
	failures_reported = 0;
	for (i = 0; i < 4; i++) {
		assert_int_equal(run(a, "PLAIN AGFsaWNlAHdyb25n", NULL, &said), AUTH_DONE_FAILED);
		assert_string_equal(said.s, "535 5.7.0 authentication failed\r\n");
	}
	assert_int_equal(failures_reported, 4);
	/* PLAIN without an initial response: an empty 334 first */
	base64_encode(&cred, "\0alice\0s3cret", 13);
	dstr_puts(&cred, "\r\n");
	assert_int_equal(run(a, "PLAIN", cred.s, &said), AUTH_DONE_OK);
	assert_string_equal(said.s, "334 \r\n235 2.0.0 OK Authenticated\r\n");
	assert_string_equal(auth_session_user(a), "alice");
	assert_int_equal(run(a, "PLAIN", NULL, &said), AUTH_DONE_ERROR);
	assert_string_equal(said.s, "503 5.5.0 Already Authenticated\r\n");
	auth_session_free(a);
	/* the fifth failure of a connection closes it */
	a = new_session(c);
	for (i = 0; i < 4; i++)
		assert_int_equal(run(a, "LOGIN", "YWxpY2U=\r\neA==\r\n", &said), AUTH_DONE_FAILED);
	assert_int_equal(run(a, "LOGIN", "YWxpY2U=\r\neA==\r\n", &said), AUTH_DONE_CLOSE);
	assert_non_null(strstr(said.s, "535 5.7.0 authentication failed\r\n421 4.7.0 "));
	auth_session_free(a);
	dstr_free(&cred);
	dstr_free(&said);
	conf_free(c);
}

static int
setup(void **state)
{
	char cmd[1024], conf[512];
	FILE *f;

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "%s/sw-auth-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	snprintf(conf, sizeof(conf), "%s/Sendmail.conf", tmpdir);
	f = fopen(conf, "w");
	if (f == NULL)
		return -1;
	fprintf(f, "pwcheck_method: auxprop\nauxprop_plugin: sasldb\nsasldb_path: %s/sasldb2\n"
	    "mech_list: PLAIN LOGIN CRAM-MD5\n", tmpdir);
	fclose(f);
	snprintf(cmd, sizeof(cmd),
	    "printf s3cret | saslpasswd2 -f %s/sasldb2 -p -c -u mail.test.example alice 2>/dev/null",
	    tmpdir);
	have_sasldb = system(cmd) == 0;
	setenv("SENDWELL_SASL_CONF_PATH", tmpdir, 1);
	setenv("SENDWELL_AUTH_FAILURE_DELAY", "0", 1);
	return auth_server_init() == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_xtext),
		cmocka_unit_test(test_mech_intersect),
		cmocka_unit_test(test_auth_options),
		cmocka_unit_test(test_ssl_options),
		cmocka_unit_test(test_auth_command_errors),
		cmocka_unit_test(test_auth_command_with_sasldb),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
