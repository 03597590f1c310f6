/* hoststatus: per-host connection status in memory and in
 * HostStatusDirectory (see hoststatus.h).  On disk each host is one
 * small text file named after the host (lower case), rewritten through
 * a temporary file and rename(2) so readers never see half a record:
 *   V1 / T<time tried> / N<consecutive failures> / S<dsn> / R<text> */
#include "config.h"
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/hoststatus.h"
#include "sendmail/maillog.h"
#include "sendmail/queue.h"

#define HS_DEFAULT_TIMEOUT (30 * 60)
#define HS_LINE_MAX 2048

/* what this process has seen: hosts that failed are not tried twice */
struct seen {
	char *host;
	int failed;
	char *why;
};
static struct seen *seen;
static size_t nseen;

static struct seen *
seen_find(const char *host)
{
	size_t i;

	for (i = 0; i < nseen; i++)
		if (strcasecmp(seen[i].host, host) == 0)
			return &seen[i];
	return NULL;
}

void
hoststatus_reset_memory(void)
{
	size_t i;

	for (i = 0; i < nseen; i++) {
		free(seen[i].host);
		free(seen[i].why);
	}
	free(seen);
	seen = NULL;
	nseen = 0;
}

/* status_dir: HostStatusDirectory, relative to the queue directory
 * when not absolute; NULL when not set */
static int
status_dir(struct conf *c, dstr *out)
{
	const char *d = options_get(c->opts, "HostStatusDirectory");

	dstr_clear(out);
	if (d == NULL || *d == '\0')
		return 0;
	if (d[0] != '/')
		dstr_printf(out, "%s/", queue_dir(c));
	dstr_puts(out, d);
	return 1;
}

/* a host name as a file name: lower case, and nothing that could
 * leave the directory */
static int
file_name(const char *host, dstr *out)
{
	const char *p;

	dstr_clear(out);
	if (*host == '\0' || *host == '.' || strlen(host) > 255)
		return -1;
	for (p = host; *p; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '/' || ch < 0x21 || ch > 0x7e)
			return -1;
		dstr_putc(out, tolower(ch));
	}
	/* a trailing dot names the same host */
	if (out->len > 1 && out->s[out->len - 1] == '.')
		dstr_truncate(out, out->len - 1);
	return 0;
}

static int
read_file(const char *path, struct host_status *st)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int version = 0;

	memset(st, 0, sizeof(*st));
	if (fp == NULL)
		return 0;
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (len > HS_LINE_MAX)
			continue;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		switch (line[0]) {
		case 'V':
			version = atoi(line + 1);
			break;
		case 'T':
			st->updated = (time_t)strtoll(line + 1, NULL, 10);
			break;
		case 'N':
			st->failures = atoi(line + 1);
			break;
		case 'S':
			free(st->dsn);
			st->dsn = xstrdup(line + 1);
			break;
		case 'R':
			free(st->text);
			st->text = xstrdup(line + 1);
			break;
		}
	}
	free(line);
	fclose(fp);
	if (version != 1 || st->updated == 0) {
		hoststatus_free(st);
		return 0;
	}
	return 1;
}

void
hoststatus_free(struct host_status *st)
{
	free(st->dsn);
	free(st->text);
	st->dsn = st->text = NULL;
}

int
hoststatus_lookup(struct conf *c, const char *host, struct host_status *out)
{
	dstr dir = DSTR_INIT, name = DSTR_INIT;
	int found = 0;

	memset(out, 0, sizeof(*out));
	if (status_dir(c, &dir) && file_name(host, &name) == 0) {
		dstr_printf(&dir, "/%s", name.s);
		found = read_file(dir.s, out);
	}
	dstr_free(&dir);
	dstr_free(&name);
	return found;
}

int
hoststatus_backoff(struct conf *c, const char *host, dstr *why)
{
	struct seen *s = seen_find(host);
	struct host_status st;
	long t = options_time(c->opts, "Timeout.hoststatus", 'm', HS_DEFAULT_TIMEOUT);
	int skip = 0;

	if (s)
		return s->failed ? (dstr_set(why, s->why ? s->why : "Deferred"), 1) : 0;
	if (t <= 0 || !hoststatus_lookup(c, host, &st))
		return 0;
	if (st.failures > 0) {
		long rest = t;
		int n = st.failures > 4 ? 4 : st.failures;

		/* 1/8, 1/4, 1/2, then all of Timeout.hoststatus */
		rest = (t >> (4 - n));
		if (rest < 1)
			rest = 1;
		if (time(NULL) < st.updated + rest) {
			skip = 1;
			dstr_set(why, st.text ? st.text : "Deferred");
		}
	}
	hoststatus_free(&st);
	return skip;
}

static void
write_file(struct conf *c, const char *host, const struct host_status *st)
{
	dstr dir = DSTR_INIT, name = DSTR_INIT, path = DSTR_INIT, tmp = DSTR_INIT;
	FILE *fp;

	if (!status_dir(c, &dir) || file_name(host, &name) != 0)
		goto out;
	if (mkdir(dir.s, 0700) != 0 && errno != EEXIST) {
		msg_warn("cannot create host status directory %s: %s", dir.s, strerror(errno));
		goto out;
	}
	dstr_printf(&path, "%s/%s", dir.s, name.s);
	dstr_printf(&tmp, "%s/.%s.%ld", dir.s, name.s, (long)getpid());
	fp = fopen(tmp.s, "w");
	if (fp == NULL) {
		msg_warn("cannot write host status %s: %s", tmp.s, strerror(errno));
		goto out;
	}
	fprintf(fp, "V1\nT%lld\nN%d\nS%s\nR", (long long)st->updated, st->failures,
	    st->dsn ? st->dsn : "");
	/* one line: a reply spread over lines keeps only its words */
	if (st->text) {
		const char *p;

		for (p = st->text; *p; p++)
			fputc(*p == '\n' || *p == '\r' ? ' ' : *p, fp);
	}
	fputc('\n', fp);
	if (fclose(fp) != 0 || rename(tmp.s, path.s) != 0) {
		msg_warn("cannot write host status %s: %s", path.s, strerror(errno));
		unlink(tmp.s);
	}
out:
	dstr_free(&dir);
	dstr_free(&name);
	dstr_free(&path);
	dstr_free(&tmp);
}

void
hoststatus_record(struct conf *c, const char *host, int ok, const char *dsn, const char *text)
{
	struct seen *s = seen_find(host);
	struct host_status old, st;

	if (s == NULL) {
		seen = xreallocarray(seen, nseen + 1, sizeof(*seen));
		s = &seen[nseen++];
		s->host = xstrdup(host);
		s->why = NULL;
	}
	s->failed = !ok;
	free(s->why);
	s->why = text ? xstrdup(text) : NULL;
	memset(&st, 0, sizeof(st));
	st.updated = time(NULL);
	if (!ok) {
		st.failures = 1;
		if (hoststatus_lookup(c, host, &old)) {
			st.failures = old.failures + 1;
			hoststatus_free(&old);
		}
	}
	st.dsn = (char *)(dsn ? dsn : (ok ? "2.0.0" : "4.0.0"));
	st.text = (char *)(text ? text : (ok ? "OK" : "Deferred"));
	write_file(c, host, &st);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the host files of the directory, sorted; -1 when there is none */
static long
list_hosts(struct conf *c, dstr *dir, char ***out)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0;

	*out = NULL;
	if (!status_dir(c, dir))
		return -1;
	d = opendir(dir->s);
	if (d == NULL)
		return errno == ENOENT ? 0 : -1;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		v = xreallocarray(v, n + 1, sizeof(char *));
		v[n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(char *), cmp_str);
	*out = v;
	return (long)n;
}

int
hoststatus_print(struct conf *c, FILE *out)
{
	dstr dir = DSTR_INIT;
	char **v;
	long n = list_hosts(c, &dir, &v), i;
	time_t now = time(NULL);

	if (n < 0) {
		int rc = dir.len ? 71 : 0;

		if (dir.len == 0)
			fputs("Host status directory not configured (HostStatusDirectory)\n", out);
		else
			fprintf(out, "%s: %s\n", dir.s, strerror(errno));
		dstr_free(&dir);
		return rc;
	}
	if (n > 0)
		fputs(" -------------- Hostname --------------- How long ago ---------Results---------\n", out);
	for (i = 0; i < n; i++) {
		dstr path = DSTR_INIT;
		struct host_status st;
		char ago[32];

		dstr_printf(&path, "%s/%s", dir.s, v[i]);
		if (read_file(path.s, &st)) {
			maillog_delay((long)(now - st.updated), ago, sizeof(ago));
			fprintf(out, " %-39s %12s %s%s\n", v[i], ago,
			    st.failures > 0 ? "Deferred: " : "",
			    st.text ? st.text : "");
			hoststatus_free(&st);
		}
		dstr_free(&path);
		free(v[i]);
	}
	free(v);
	dstr_free(&dir);
	return 0;
}

int
hoststatus_purge(struct conf *c, FILE *out)
{
	dstr dir = DSTR_INIT;
	char **v;
	long n = list_hosts(c, &dir, &v), i;
	int rc = 0;

	if (n < 0) {
		if (dir.len)
			fprintf(out, "%s: %s\n", dir.s, strerror(errno));
		dstr_free(&dir);
		return 0;
	}
	for (i = 0; i < n; i++) {
		dstr path = DSTR_INIT;

		dstr_printf(&path, "%s/%s", dir.s, v[i]);
		if (unlink(path.s) != 0 && errno != ENOENT) {
			fprintf(out, "%s: %s\n", path.s, strerror(errno));
			rc = 73;
		}
		dstr_free(&path);
		free(v[i]);
	}
	free(v);
	dstr_free(&dir);
	hoststatus_reset_memory();
	return rc;
}
