/* fuzz_smtpd: libFuzzer harness for the SMTP server: each input is what
 * a client sends on one connection, fed to smtpd_session() through a
 * memory file (so it reads to EOF without blocking) while the replies go
 * to /dev/null.  The config is loaded once (FUZZ_SMTPD_CF, made by
 * build_smtpd.sh from an .mc with an access map and a LOCAL_RULESETS
 * rule, host lookups from files only); messages the input manages to
 * queue are removed after each run so every crash replays alone. */
#include "config.h"
#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "base/dstr.h"
#include "base/log.h"
#include "sendmail/alias.h"
#include "sendmail/conf.h"
#include "sendmail/smtpd.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct conf *conf;
static int devnull = -1;
static const char *qdir;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char *cf = getenv("FUZZ_SMTPD_CF");
	static char guess[4096];

	(void)argc;
	(void)argv;
	if (cf == NULL) {
		/* build_smtpd.sh puts it beside the harness */
		ssize_t n = readlink("/proc/self/exe", guess, sizeof(guess) - 32);

		if (n > 0) {
			char *slash;

			guess[n] = '\0';
			slash = strrchr(guess, '/');
			if (slash) {
				snprintf(slash, sizeof(guess) - (size_t)(slash - guess), "%s",
				    "/smtpd/sendmail.cf");
				if (access(guess, R_OK) == 0)
					cf = guess;
			}
		}
	}
	if (cf == NULL) {
		fprintf(stderr, "fuzz_smtpd: set FUZZ_SMTPD_CF to a compiled .cf (build_smtpd.sh makes one)\n");
		exit(2);
	}
	log_open("fuzz_smtpd", 0, NULL);
	conf = conf_load(cf, 0, NULL, 0);
	if (conf->nerrors) {
		fprintf(stderr, "fuzz_smtpd: %s: %s", cf, dstr_cstr(&conf->msgs));
		exit(2);
	}
	qdir = options_get(conf->opts, "QueueDirectory");
	if (qdir == NULL) {
		fprintf(stderr, "fuzz_smtpd: the config names no QueueDirectory\n");
		exit(2);
	}
	alias_open(conf);
	devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	return 0;
}

/* empty_queue: what a run queued (df, qf, tf) goes */
static void
empty_queue(void)
{
	DIR *d = opendir(qdir);
	struct dirent *de;

	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		{
			dstr p = DSTR_INIT;

			dstr_printf(&p, "%s/%s", qdir, de->d_name);
			unlink(p.s);
			dstr_free(&p);
		}
	}
	closedir(d);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct smtpd_peer peer;
	int in = memfd_create("smtp-input", MFD_CLOEXEC);
	size_t off = 0;

	if (in < 0)
		return 0;
	while (off < size) {
		ssize_t w = write(in, data + off, size - off);

		if (w <= 0)
			break;
		off += (size_t)w;
	}
	lseek(in, 0, SEEK_SET);
	memset(&peer, 0, sizeof(peer));
	snprintf(peer.addr, sizeof(peer.addr), "192.0.2.7");
	snprintf(peer.name, sizeof(peer.name), "client.example.org");
	snprintf(peer.if_addr, sizeof(peer.if_addr), "127.0.0.1");
	peer.port = 40000;
	peer.daemon_name = "MTA";
	peer.daemon_flags = "";
	/* the first byte picks a relaying client or an outsider, so both
	 * the relay and the reject paths of the rulesets are reached */
	if (size > 0 && (data[0] & 1))
		snprintf(peer.addr, sizeof(peer.addr), "127.0.0.1");
	smtpd_session(conf, in, devnull, &peer, NULL, NULL);
	close(in);
	empty_queue();
	return 0;
}
