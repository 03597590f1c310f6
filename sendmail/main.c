/* main: the sendmail command: parses sendmail's command line, picks the
 * mode (-bt, -bv, ... or the name it was invoked as: newaliases, mailq,
 * hoststat, purgestat) and hands over to that mode's module. */
#include "config.h"
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/alias.h"
#include "sendmail/conf.h"
#include "sendmail/debug.h"
#include "sendmail/identity.h"
#include "sendmail/testmode.h"
#include "sendmail/version.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"

struct args {
	int mode;		/* the letter after -b */
	const char *cf;
	char **opts;		/* -O Name=value and -oXvalue as long names */
	int nopts;
};

static void
usage(void)
{
	fprintf(stderr, "usage: sendmail [-b mode] [-C file] [-d spec] [-O option=value] [address ...]\n");
	exit(EX_USAGE);
}

static void
add_opt(struct args *a, const char *s)
{
	a->opts = xreallocarray(a->opts, (size_t)a->nopts + 1, sizeof(char *));
	a->opts[a->nopts++] = xstrdup(s);
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

int
main(int argc, char **argv)
{
	struct args a = { 0, DEFAULT_CF, NULL, 0 };
	const char *prog = basename(argv[0]);
	struct conf *c;
	int ch, rc;

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
		case 'o': {
			char buf[512];

			/* -oXvalue: an option by its old letter */
			snprintf(buf, sizeof(buf), "%c%s", optarg[0], optarg[0] ? optarg + 1 : "");
			add_opt(&a, buf);
			break;
		}
		case '?':
			usage();
			break;
		default:
			/* accepted for compatibility; used by the modes that need them */
			break;
		}
	}
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
		conf_free(c);
		return rc;
	case 'i':
		c = conf_load(a.cf, 0, a.opts, a.nopts);
		fputs(dstr_cstr(&c->msgs), stdout);
		rc = aliases_rebuild(c, stdout);
		conf_free(c);
		return rc;
	default:
		fprintf(stderr, "sendmail: mode -b%c is not available yet in this build\n", a.mode);
		return EX_USAGE;
	}
}
