/* main: the sendmail command: parses sendmail's command line, picks the
 * mode (-bm -bt -bi -bp -bv -bs -bd -q ... or the name it was invoked
 * as: newaliases, mailq, hoststat, purgestat) and hands over to that
 * mode's module. */
#include "config.h"
#include <ctype.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/alias.h"
#include "sendmail/conf.h"
#include "sendmail/daemon.h"
#include "sendmail/debug.h"
#include "sendmail/expand.h"
#include "sendmail/hoststatus.h"
#include "sendmail/identity.h"
#include "sendmail/mailq.h"
#include "sendmail/msp.h"
#include "sendmail/runqueue.h"
#include "sendmail/submit.h"
#include "sendmail/testmode.h"
#include "sendmail/version.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"

struct args {
	int mode;		/* the letter after -b, or 'q' for a queue run */
	const char *cf;		/* -C, or NULL */
	int aflag;		/* -Ac / -Am: submit.cf or sendmail.cf */
	int submit;		/* the submission config was chosen */
	char **opts;		/* -O Name=value (and -o as letters) */
	int nopts;
	struct submit_opts sub;
	struct qfilter qf;
	const char *qinterval;
};

static void
usage(void)
{
	fprintf(stderr, "usage: sendmail [-b mode] [-C file] [-d spec] [-f from] [-F name] [-O option=value] [-t] [address ...]\n");
	exit(EX_USAGE);
}

static void
add_opt(struct args *a, const char *s)
{
	a->opts = xreallocarray(a->opts, (size_t)a->nopts + 1, sizeof(char *));
	a->opts[a->nopts++] = xstrdup(s);
}

/* -oXvalue: old one-letter options; the ones submission reads itself
 * are noted, all go to the config as options */
static void
short_option(struct args *a, const char *s)
{
	static const struct { char c; const char *name; } tab[] = {
		{ 'i', "IgnoreDots" }, { 'd', "DeliveryMode" }, { 'e', "ErrorMode" },
		{ 'm', "MeToo" }, { 'v', "Verbose" }, { 'Q', "QueueDirectory" },
		{ 'A', "AliasFile" }, { 'L', "LogLevel" }, { 'T', "QueueTimeout" },
		{ 'u', "DefaultUser" }, { 'o', "OldStyleHeaders" }, { 's', "SuperSafe" },
		{ 'x', "QueueLA" }, { 'X', "RefuseLA" }, { 'H', "HelpFile" },
	};
	size_t i;
	dstr d = DSTR_INIT;

	if (*s == '\0')
		return;
	if (s[0] == 'i' && s[1] == '\0')
		a->sub.ignore_dots = 1;
	if (s[0] == 'd' && s[1])
		a->sub.mode = s[1];
	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (tab[i].c == s[0]) {
			dstr_printf(&d, "%s=%s", tab[i].name, s[1] ? s + 1 :
			    (s[0] == 'i' ? "true" : ""));
			add_opt(a, d.s);
			break;
		}
	dstr_free(&d);
}

static void
print_version(void)
{
	printf("Version %s\n", SENDWELL_COMPAT_VERSION);
	printf(" Sendwell %s\n", SENDWELL_VERSION);
	printf(" Compiled with: DNSMAP LOG MAP_REGEX MATCHGECOS MIME7TO8 MIME8TO7\n"
	    "\t\tNAMED_BIND NETINET NETINET6 NETUNIX NEWDB=5.3 PIPELINING\n"
	    "\t\tSASLv2 SCANF SOCKETMAP STARTTLS\n");
}

static struct conf *
load(struct args *a, int test_mode)
{
	struct conf *c = conf_load(a->cf, test_mode, a->opts, a->nopts);

	if (c->nerrors && !test_mode)
		fputs(dstr_cstr(&c->msgs), stderr);
	if (msp_settle(c, a->submit) != 0)
		exit(EX_OSERR);
	return c;
}

/* verify: -bv: what would happen to each address */
static int
verify(struct conf *c, char **addrs, int n)
{
	struct envelope e;
	int i, rc = EX_OK;
	size_t k;

	envelope_init(&e, &c->macros);
	for (i = 0; i < n; i++) {
		char **v;
		size_t m = split_address_list(addrs[i], &v), j;

		for (j = 0; j < m; j++)
			envelope_add_rcpt(&e, v[j], RCPT_PRIMARY);
		free_address_list(v, m);
	}
	expand_recipients(c, &e, NULL);
	for (k = 0; k < e.nrcpts; k++) {
		struct rcpt *r = &e.rcpts[k];

		if (r->flags & RCPT_DONE)
			continue;
		if (r->state == RS_FAILED) {
			printf("%s... %s\n", r->addr, r->diag ? r->diag : "failed");
			rc = EX_NOUSER;
		} else if (r->host && *r->host)
			printf("%s... deliverable: mailer %s, host %s, user %s\n", r->addr,
			    r->mailer, r->host, r->user);
		else
			printf("%s... deliverable: mailer %s, user %s\n", r->addr,
			    r->mailer ? r->mailer : "?", r->user ? r->user : r->addr);
	}
	envelope_free(&e);
	return rc;
}

int
main(int argc, char **argv)
{
	struct args a;
	const char *prog = basename(argv[0]);
	struct conf *c;
	int ch, rc;

	/* before anything reads the environment */
	msp_start();
	memset(&a, 0, sizeof(a));
	log_open("sendmail", LOG_TO_SYSLOG, NULL);
	if (strcmp(prog, "newaliases") == 0)
		a.mode = 'i';
	else if (strcmp(prog, "mailq") == 0)
		a.mode = 'p';
	else if (strcmp(prog, "hoststat") == 0)
		a.mode = 'h';
	else if (strcmp(prog, "purgestat") == 0)
		a.mode = 'H';
	else
		a.mode = 'm';
	while ((ch = getopt(argc, argv, "A:B:b:C:d:F:f:Gh:iL:M:N:nO:o:p:q::R:r:tUV:vX:")) != -1) {
		switch (ch) {
		case 'b':
			a.mode = optarg[0];
			break;
		case 'A':
			a.aflag = optarg[0];
			break;
		case 'C':
			a.cf = optarg;
			break;
		case 'd':
			if (debug_parse(optarg) < 0)
				fprintf(stderr, "Bad debug flag %s\n", optarg);
			break;
		case 'O':
			add_opt(&a, optarg);
			break;
		case 'o':
			short_option(&a, optarg);
			break;
		case 'f':
		case 'r':
			a.sub.from = optarg;
			break;
		case 'F':
			a.sub.fullname = optarg;
			break;
		case 't':
			a.sub.read_rcpts = 1;
			break;
		case 'i':
			a.sub.ignore_dots = 1;
			break;
		case 'N':
			a.sub.notify = optarg;
			break;
		case 'R':
			a.sub.ret = optarg;
			break;
		case 'V':
			a.sub.envid = optarg;
			break;
		case 'B':
			a.sub.bodytype = optarg;
			break;
		case 'v':
			a.sub.verbose = 1;
			break;
		case 'L':
			log_open(optarg, LOG_TO_SYSLOG, NULL);
			break;
		case 'q':
			a.mode = a.mode == 'd' || a.mode == 'D' ? a.mode : 'q';
			if (optarg && (optarg[0] == 'I' || optarg[0] == 'R' || optarg[0] == 'S')) {
				a.qf.kind = optarg[0];
				a.qf.text = optarg + 1;
			} else if (optarg && optarg[0] == '!' && optarg[1]) {
				a.qf.kind = optarg[1];
				a.qf.negate = 1;
				a.qf.text = optarg + 2;
			} else if (optarg && isdigit((unsigned char)optarg[0]))
				a.qinterval = optarg;
			break;
		case '?':
			usage();
			break;
		default:
			/* accepted for compatibility (-G -h -n -U -X -A -M -p) */
			break;
		}
	}
	/* submission modes use submit.cf when it exists (sendmail 8.12+);
	 * the set-group-ID privilege goes unless it is needed */
	a.cf = msp_config(a.cf, a.aflag, a.mode, DEFAULT_CF, a.opts, a.nopts, &a.submit);
	if (tTd(0, 1))
		print_version();
	switch (a.mode) {
	case 't':
		c = conf_load(a.cf, 1, a.opts, a.nopts);
		fputs(dstr_cstr(&c->msgs), stdout);
		if (tTd(0, 1)) {
			dstr id = DSTR_INIT;

			identity_print(c, &id);
			fputs(dstr_cstr(&id), stdout);
			dstr_free(&id);
		}
		if (conf_mailer(c, "local") == NULL)
			puts("No local mailer defined");
		rc = testmode_run(c, stdin, stdout);
		break;
	case 'i':
		c = conf_load(a.cf, 0, a.opts, a.nopts);
		fputs(dstr_cstr(&c->msgs), stdout);
		rc = aliases_rebuild(c, stdout);
		break;
	case 'p':
		c = load(&a, 0);
		rc = mailq_print(c, stdout);
		break;
	case 'v':
		c = load(&a, 0);
		rc = verify(c, argv + optind, argc - optind);
		break;
	case 'h':
		c = load(&a, 0);
		rc = hoststatus_print(c, stdout);
		break;
	case 'H':
		c = load(&a, 0);
		rc = hoststatus_purge(c, stdout);
		break;
	case 'q':
		c = load(&a, 0);
		if (!msp_may_run_queue(c)) {
			fputs("sendmail: only root and the queue's owner may run this queue "
			    "(PrivacyOptions restrictqrun)\n", stderr);
			rc = EX_NOPERM;
			break;
		}
		if (a.qinterval) {
			/* -q30m without -bd: a queue runner of its own (the
			 * client queue's, run as `sendmail -Ac -q30m`) */
			int ok;
			long interval = options_parse_time(a.qinterval, 'm', &ok);

			if (ok && interval > 0) {
				rc = msp_queue_runner(c, &a.qf, interval);
				break;
			}
		}
		runqueue_once(c, &a.qf);
		rc = EX_OK;
		break;
	case 's':
		c = load(&a, 0);
		rc = daemon_stdio_session(c, a.sub.mode);
		break;
	case 'd':
	case 'D': {
		long interval = 0;

		c = load(&a, 0);
		if (a.qinterval) {
			int ok;

			interval = options_parse_time(a.qinterval, 'm', &ok);
			if (!ok)
				interval = 0;
		}
		rc = daemon_run(c, a.mode == 'd', interval);
		break;
	}
	case 'm':
		c = load(&a, 0);
		if (optind >= argc && !a.sub.read_rcpts) {
			fputs("Recipient names must be specified\n", stderr);
			rc = EX_USAGE;
			break;
		}
		if (options_bool(c->opts, "IgnoreDots", 0))
			a.sub.ignore_dots = 1;
		rc = submit_message(c, &a.sub, argv + optind, argc - optind, stdin, stderr);
		break;
	default:
		fprintf(stderr, "sendmail: mode -b%c is not available yet in this build\n", a.mode);
		return EX_USAGE;
	}
	conf_free(c);
	for (ch = 0; ch < a.nopts; ch++)
		free(a.opts[ch]);
	free(a.opts);
	return rc;
}
