/* mailstats: prints the MTA's statistics file (StatusFile) per mailer
 * in the layout sendmail's mailstats uses, so scripts and lab notes
 * that read it keep working; -p/-P print it for programs (-p also
 * clears it).  Run by administrators; reads the file sendmail/stats.c
 * writes. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include <unistd.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "sendmail/stats.h"

#define DEFAULT_CF "/etc/mail/sendmail.cf"
#define SUBMIT_CF "/etc/mail/submit.cf"

/* what the config tells mailstats: the file, and mailer names by number */
struct cfinfo {
	char *status_file;
	char *names[STATS_MAILERS];
	int nnames;
};

static void
usage(void)
{
	fputs("usage: mailstats [-C cffile] [-c] [-P] [-f stfile] [-o] [-p]\n", stderr);
	exit(EX_USAGE);
}

/* mailer_number: sendmail numbers its builtin mailers prog, *file* and
 * *include* 0 to 2; a config's own mailers follow in the order of their
 * M lines, and one that redefines a builtin keeps its number */
static void
add_mailer(struct cfinfo *ci, const char *name, size_t len)
{
	int i;

	for (i = 0; i < ci->nnames; i++)
		if (strlen(ci->names[i]) == len && strncmp(ci->names[i], name, len) == 0)
			return;
	if (ci->nnames < STATS_MAILERS)
		ci->names[ci->nnames++] = xstrndup(name, len);
}

static char *
trimmed(const char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	return xstrndup(s, n);
}

/* read_cf: the M lines and the StatusFile option ("O StatusFile=path"
 * or the old one-letter "OSpath"); 0, or -1 when it cannot be read */
static int
read_cf(const char *path, struct cfinfo *ci)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	memset(ci, 0, sizeof(*ci));
	add_mailer(ci, "prog", 4);
	add_mailer(ci, "*file*", 6);
	add_mailer(ci, "*include*", 9);
	if (fp == NULL)
		return -1;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (line[0] == 'M') {
			const char *p = line + 1;
			size_t n = strcspn(p, ", \t");

			if (n > 0)
				add_mailer(ci, p, n);
		} else if (line[0] == 'O') {
			const char *p = line + 1;

			if (*p == ' ' || *p == '\t') {
				while (*p == ' ' || *p == '\t')
					p++;
				if (strncasecmp(p, "StatusFile", 10) == 0) {
					p += 10;
					while (*p == ' ' || *p == '\t')
						p++;
					if (*p == '=') {
						free(ci->status_file);
						ci->status_file = trimmed(p + 1);
					}
				}
			} else if (*p == 'S') {
				free(ci->status_file);
				ci->status_file = trimmed(p + 1);
			}
		}
	}
	free(line);
	fclose(fp);
	return 0;
}

static int
row_used(const struct stats_record *r, int i)
{
	return r->msgs_from[i] || r->kb_from[i] || r->msgs_to[i] || r->kb_to[i] ||
	    r->rejects[i] || r->discards[i] || r->quarantines[i];
}

static long
sum(const long *v)
{
	long t = 0;
	int i;

	for (i = 0; i < STATS_MAILERS; i++)
		t += v[i];
	return t;
}

/* print: the table for people (program == 0) or for programs */
static void
print(const struct stats_record *r, const struct cfinfo *ci, int names, int program)
{
	const char *k = program ? "" : "K";
	int i;

	if (program)
		printf("%ld %ld\n", (long)r->since, (long)time(NULL));
	else {
		char when[64];
		time_t t = r->since;

		if (ctime_r(&t, when) == NULL)
			snprintf(when, sizeof(when), "%ld", (long)t);
		when[strcspn(when, "\n")] = '\0';
		printf("Statistics from %s\n", when);
		printf(" M   msgsfr  bytes_from   msgsto    bytes_to  msgsrej msgsdis msgsqur%s\n",
		    names ? "  Mailer" : "");
	}
	for (i = 0; i < STATS_MAILERS; i++) {
		if (!row_used(r, i))
			continue;
		printf("%2d %8ld %10ld%s %8ld %10ld%s   %6ld  %6ld  %6ld", i, r->msgs_from[i],
		    r->kb_from[i], k, r->msgs_to[i], r->kb_to[i], k, r->rejects[i],
		    r->discards[i], r->quarantines[i]);
		if (names)
			printf("  %s", i < ci->nnames ? ci->names[i] : "");
		putchar('\n');
	}
	if (!program)
		puts("=====================================================================");
	printf(" T %8ld %10ld%s %8ld %10ld%s   %6ld  %6ld  %6ld\n", sum(r->msgs_from),
	    sum(r->kb_from), k, sum(r->msgs_to), sum(r->kb_to), k, sum(r->rejects),
	    sum(r->discards), sum(r->quarantines));
	if (program)
		printf(" C %8ld %8ld %6ld\n", r->conn_from, r->conn_to, r->conn_rejected);
	else
		printf(" C %8ld%13s%8ld%15s%6ld\n", r->conn_from, "", r->conn_to, "",
		    r->conn_rejected);
}

int
main(int argc, char **argv)
{
	const char *cf = DEFAULT_CF, *file = NULL;
	int ch, names = 1, program = 0, clear = 0, bad_version = 0, rc, i;
	struct cfinfo ci;
	struct stats_record r;
	dstr err = DSTR_INIT;

	while ((ch = getopt(argc, argv, "C:cf:opP")) != -1) {
		switch (ch) {
		case 'C':
			cf = optarg;
			break;
		case 'c':
			cf = SUBMIT_CF;
			break;
		case 'f':
			file = optarg;
			break;
		case 'o':
			names = 0;
			break;
		case 'p':
			program = 1;
			clear = 1;
			break;
		case 'P':
			program = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
	if (read_cf(cf, &ci) != 0) {
		fprintf(stderr, "mailstats: %s: %s\n", cf, strerror(errno));
		return EX_NOINPUT;
	}
	if (file == NULL)
		file = ci.status_file;
	if (file == NULL || *file == '\0') {
		fprintf(stderr, "mailstats: %s names no statistics file (StatusFile)\n", cf);
		return EX_OSFILE;
	}
	rc = stats_load(file, &r, &bad_version, clear, &err);
	if (rc == -1) {
		fprintf(stderr, "mailstats: %s\n", err.s);
		return EX_NOINPUT;
	}
	if (rc == -2) {
		fprintf(stderr, "mailstats: %s: %s\n", file, err.s);
		return EX_OSERR;
	}
	print(&r, &ci, names, program);
	fflush(stdout);
	for (i = 0; i < ci.nnames; i++)
		free(ci.names[i]);
	free(ci.status_file);
	dstr_free(&err);
	return EX_OK;
}
