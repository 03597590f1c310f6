/* fuzz_pop3: libFuzzer harness for mailboxd's POP3 side: a whole session
 * (AUTHORIZATION, and after "USER u"/"PASS p" or AUTH PLAIN the
 * TRANSACTION state over a scratch Maildir holding a few messages)
 * reading the input as the client.  Build as fuzz_imap.c says, with
 * tests/fuzz/fuzz_pop3.c instead. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>
#include "base/log.h"
#include "store/store.h"
#include "mailboxd.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct mbconf conf;
static char home[256];

static void
f_mechs(void *ctx, int tls, dstr *out)
{
	dstr_set(out, "PLAIN LOGIN");
}

static int
f_plain(void *ctx, const char *user, const char *pass, dstr *who)
{
	dstr_set(who, user);
	return strcmp(user, "u") == 0 && strcmp(pass, "p") == 0 ? AUTH_OK : AUTH_FAIL;
}

static int
f_start(void *ctx, const char *mech, const char *initial, int tls, dstr *chal, dstr *who)
{
	dstr_set(who, "u");
	if (initial && strcmp(initial, "AHUAcA==") == 0)
		return AUTH_OK;
	if (initial == NULL) {
		dstr_set(chal, "");
		return AUTH_CONTINUE;
	}
	return AUTH_FAIL;
}

static int
f_step(void *ctx, const char *resp, dstr *chal, dstr *who)
{
	return strcmp(resp, "AHUAcA==") == 0 ? (dstr_set(who, "u"), AUTH_OK) : AUTH_FAIL;
}

static const struct login_auth fauth = { NULL, f_mechs, f_plain, f_start, f_step };

static void
refill(void)
{
	store_user *u;
	dstr err = DSTR_INIT;
	int i;

	u = store_user_new(conf.mail_location, "u", home, &err);
	if (u == NULL)
		abort();
	for (i = 0; i < 3; i++) {
		static const char msg[] = "From: a@b\r\nSubject: s\r\n\r\nline\r\n.dot\r\n\r\nend\r\n";

		(void)store_deliver(u, NULL, "a@b", msg, sizeof(msg) - 1, 0, &err);
	}
	store_user_free(u);
	dstr_free(&err);
}

static void
setup(void)
{
	static int done;
	char tmpl[] = "/tmp/fuzz_pop3.XXXXXX";

	if (done)
		return;
	done = 1;
	log_open("fuzz", 0, NULL);
	mbconf_defaults(&conf);
	conf.disable_plaintext_auth = 0;
	conf.auth_failure_delay = 0;
	free(conf.mail_location);
	conf.mail_location = strdup("maildir:~/Maildir");
	if (mkdtemp(tmpl) == NULL)
		abort();
	snprintf(home, sizeof(home), "%s", tmpl);
	refill();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static unsigned runs;
	int in, out;
	struct session ss;
	stream *st;

	setup();
	if (++runs % 200 == 0)
		refill();	/* DELE+QUIT empties the mailbox now and then */
	in = memfd_create("in", 0);
	if (in < 0 || write(in, data, size) != (ssize_t)size || lseek(in, 0, SEEK_SET) != 0)
		abort();
	out = open("/dev/null", O_WRONLY);
	st = stream_new(in, out);
	session_init(&ss, st, &conf, PROTO_POP3);
	ss.auth = &fauth;
	if (pop3_prelogin(&ss) == 1) {
		struct mb_user mu;

		memset(&mu, 0, sizeof(mu));
		mu.name = (char *)"u";
		mu.home = home;
		mu.mail = conf.mail_location;
		ss.mu = &mu;
		pop3_postlogin(&ss);
	}
	session_free(&ss);
	stream_free(st);
	close(in);
	close(out);
	return 0;
}
