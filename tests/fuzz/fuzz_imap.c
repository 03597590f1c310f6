/* fuzz_imap: libFuzzer harness for mailboxd's IMAP side: the command
 * parser, literal detection and modified UTF-7 on the raw input, then a
 * whole session (pre-login, and after "LOGIN u p" post-login on a scratch
 * Maildir) reading the input as the client.  Run by hand (see below). */

/* Build (from the source tree, after ./configure so config.h exists in BUILD):
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -IBUILD -Ilib -Imailboxd \
 *     tests/fuzz/fuzz_imap.c mailboxd/{config,auth,session,login,local,lmtp,pop3,imap*}.c \
 *     lib/base/*.c lib/io/*.c lib/store/*.c -lssl -lcrypto -lsasl2 -lcrypt -o fuzz_imap
 * Crashers found become regression cases in tests/unit/test_imap_parse.c. */
#include "config.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <fcntl.h>
#include <unistd.h>
#include "base/log.h"
#include "base/pool.h"
#include "store/mutf7.h"
#include "mailboxd.h"
#include "imap_parse.h"

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
setup(void)
{
	static int done;
	char tmpl[] = "/tmp/fuzz_imap.XXXXXX";

	if (done)
		return;
	done = 1;
	log_open("fuzz", 0, NULL);
	mbconf_defaults(&conf);
	conf.disable_plaintext_auth = 0;
	conf.auth_failure_delay = 0;
	conf.max_message_size = 1 << 20;
	free(conf.mail_location);
	conf.mail_location = strdup("maildir:~/Maildir");
	if (mkdtemp(tmpl) == NULL)
		abort();
	snprintf(home, sizeof(home), "%s", tmpl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	pool *p;
	struct imap_cmd cmd;
	const char *err;
	uint64_t n;
	int nonsync, in, out;
	char *s;
	dstr d = DSTR_INIT;
	struct session ss;
	stream *st;

	setup();
	/* the parser on the raw bytes */
	p = pool_new();
	(void)imap_parse_command(p, (const char *)data, size, &cmd, &err);
	(void)imap_literal_at_end((const char *)data, size, &n, &nonsync);
	pool_free(p);
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';
	(void)mutf7_valid(s);
	(void)mutf7_to_utf8(&d, s);
	dstr_clear(&d);
	(void)mutf7_from_utf8(&d, s);
	dstr_free(&d);
	free(s);
	/* a whole session with the input as the client's bytes */
	in = memfd_create("in", 0);
	if (in < 0 || write(in, data, size) != (ssize_t)size || lseek(in, 0, SEEK_SET) != 0)
		abort();
	out = open("/dev/null", O_WRONLY);
	st = stream_new(in, out);
	session_init(&ss, st, &conf, PROTO_IMAP);
	ss.auth = &fauth;
	if (imap_prelogin(&ss) == 1) {
		struct mb_user mu;

		memset(&mu, 0, sizeof(mu));
		mu.name = (char *)"u";
		mu.home = home;
		mu.mail = conf.mail_location;
		ss.mu = &mu;
		imap_postlogin(&ss);
	}
	session_free(&ss);
	stream_free(st);
	close(in);
	close(out);
	return 0;
}
