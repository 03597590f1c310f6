/* mail_local: main() of mail.local, sendmail's local delivery agent
 * (mail.local [-7bdl] [-D mbdb] [-f|-r from] [-h file] [-C conf] [-M loc]
 * user ...): delivers standard input to each user, or speaks LMTP with
 * -l, and exits with a sysexits code.  Run by sendmail's local mailer. */
#include "config.h"
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "io/stream.h"
#include "mailboxd.h"
#include "userdb.h"

#define INPUT_MAX (1ull << 31)

static void
usage(void)
{
	fprintf(stderr, "usage: mail.local [-7] [-b] [-d] [-l] [-f from|-r from] [-h filename] "
	    "[-C config] [-M mail_location] user ...\n");
	exit(EX_USAGE);
}

/* rank: which failure wins when several users fail (temporary ones, so
 * sendmail retries) */
static int
rank(int ex)
{
	switch (ex) {
	case EX_OK: return 0;
	case EX_TEMPFAIL: return 3;
	case EX_NOUSER: return 1;
	default: return 2;
	}
}

int
main(int argc, char **argv)
{
	const char *from = NULL, *conf_path = NULL, *location = NULL, *homefile = NULL;
	struct mbconf c;
	dstr err = DSTR_INIT, data = DSTR_INIT;
	int lmtp = 0, perm_quota = 0, no8bit = 0, ch, status = EX_OK, i;
	stream *in;

	while ((ch = getopt(argc, argv, "7bdD:lf:r:h:C:M:")) != -1) {
		switch (ch) {
		case '7':
			no8bit = 1;
			break;
		case 'b':
			perm_quota = 1;
			break;
		case 'd':
		case 'D':
			break;	/* delivery mode / mailbox database: compatibility */
		case 'l':
			lmtp = 1;
			break;
		case 'f':
		case 'r':
			if (from) {
				fprintf(stderr, "mail.local: multiple -f options\n");
				usage();
			}
			from = optarg;
			break;
		case 'h':
			homefile = optarg;
			break;
		case 'C':
			conf_path = optarg;
			break;
		case 'M':
			location = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	log_open("mail.local", LOG_TO_SYSLOG, NULL);
	mbconf_defaults(&c);
	/* as sendmail's local delivery agent, root's mail is delivered
	 * like anyone's (a config may still set first_valid_uid) */
	c.first_valid_uid = 0;
	/* without a config of ours, deliver to sendmail's usual place */
	if (conf_path == NULL && access(MAILBOXD_CONFIG, R_OK) == 0)
		conf_path = MAILBOXD_CONFIG;
	if (conf_path && mbconf_load(conf_path, &c, &err) < 0) {
		fprintf(stderr, "mail.local: %s\n", dstr_cstr(&err));
		msg_error("%s", dstr_cstr(&err));
		return EX_TEMPFAIL;
	}
	if (c.log_path && getenv("SENDWELL_LOG_FILE") == NULL)
		log_open("mail.local", LOG_TO_FILE, c.log_path);
	if (location) {
		free(c.mail_location);
		c.mail_location = xstrdup(location);
	}
	if (homefile) {
		if (strchr(homefile, '/') || homefile[0] == '.') {
			fprintf(stderr, "mail.local: -h: file name without slashes wanted\n");
			return EX_USAGE;
		}
		free(c.mail_location);
		dstr_printf(&err, "mbox:~:INBOX=~/%s", homefile);
		c.mail_location = dstr_steal(&err);
	}
	if (perm_quota)
		c.quota_permanent = 1;
	if (userdb_init(&c, &err) < 0) {
		fprintf(stderr, "mail.local: %s\n", dstr_cstr(&err));
		return EX_TEMPFAIL;
	}
	if (lmtp) {
		stream *s;

		if (argc != 0)
			usage();
		s = stream_new(0, 1);
		stream_set_timeout(s, 30 * 60 * 1000);
		lmtp_serve(s, &c, NULL, no8bit ? LMTP_NO_8BITMIME : 0);
		(void)stream_flush(s);
		stream_free(s);
		return EX_OK;
	}
	if (argc == 0)
		usage();
	if (from == NULL) {
		struct passwd *pw = getpwuid(getuid());

		from = pw ? pw->pw_name : "MAILER-DAEMON";
	}
	/* the whole message first: one copy for every user */
	in = stream_new(0, 0);
	for (;;) {
		int st = stream_read_some(in, &data, 1 << 20);

		if (st == STREAM_EOF)
			break;
		if (st != STREAM_OK) {
			fprintf(stderr, "mail.local: read error on standard input\n");
			return EX_TEMPFAIL;
		}
		if (data.len > INPUT_MAX) {
			fprintf(stderr, "mail.local: message too large\n");
			return EX_DATAERR;
		}
	}
	stream_free(in);
	for (i = 0; i < argc; i++) {
		int r, ex;

		dstr_clear(&err);
		r = local_deliver(&c, argv[i], NULL, from, data.s ? data.s : "", data.len, &err);
		switch (r) {
		case LOCAL_OK:
			ex = EX_OK;
			msg_info("delivered to %s: from=<%s>, size=%zu", argv[i], from, data.len);
			break;
		case LOCAL_NOUSER:
			ex = EX_NOUSER;
			fprintf(stderr, "mail.local: unknown user: %s\n", argv[i]);
			msg_notice("unknown user: %s", argv[i]);
			break;
		case LOCAL_QUOTA:
			ex = perm_quota ? EX_UNAVAILABLE : EX_TEMPFAIL;
			fprintf(stderr, "mail.local: %s: mailbox full\n", argv[i]);
			msg_notice("%s: mailbox full", argv[i]);
			break;
		default:
			ex = EX_TEMPFAIL;
			fprintf(stderr, "mail.local: %s: %s\n", argv[i], dstr_cstr(&err));
			msg_warn("%s: %s", argv[i], dstr_cstr(&err));
		}
		if (rank(ex) > rank(status))
			status = ex;
	}
	dstr_free(&data);
	dstr_free(&err);
	return status;
}
