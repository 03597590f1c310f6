/* mailq: the queue listing (see mailq.h).  Jobs are shown in queue
 * order (priority, then age) as sendmail sorts them by default. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <time.h>
#include "base/xalloc.h"
#include "sendmail/mailq.h"
#include "sendmail/queue.h"

struct job {
	struct envelope e;
	int ok;
};

static int
cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->e.priority != y->e.priority)
		return x->e.priority < y->e.priority ? -1 : 1;
	if (x->e.ctime != y->e.ctime)
		return x->e.ctime < y->e.ctime ? -1 : 1;
	return strcmp(x->e.qid, y->e.qid);
}

int
mailq_print(const struct conf *c, FILE *out)
{
	const char *dir = queue_dir(c);
	char **ids;
	size_t n = queue_list(dir, &ids), i, k, shown = 0;
	struct job *jobs = xcalloc(n + 1, sizeof(*jobs));

	for (i = 0; i < n; i++) {
		dstr err = DSTR_INIT;

		envelope_init(&jobs[i].e, &c->macros);
		jobs[i].ok = queue_read(c, dir, ids[i], &jobs[i].e, &err) == 0;
		dstr_free(&err);
		if (jobs[i].ok)
			shown++;
	}
	qsort(jobs, n, sizeof(*jobs), cmp_job);
	if (shown == 0)
		fprintf(out, "%s is empty\n", dir);
	else {
		fprintf(out, "\t\t%s (%zu request%s)\n", dir, shown, shown == 1 ? "" : "s");
		fputs("-----Q-ID----- --Size-- -----Q-Time----- "
		    "------------Sender/Recipient-----------\n", out);
	}
	for (i = 0; i < n; i++) {
		struct envelope *e = &jobs[i].e;
		char when[32];

		if (!jobs[i].ok)
			continue;
		ctime_r(&e->ctime, when);
		fprintf(out, "%-14s %8zu %.16s %s\n", e->qid, e->body_size, when,
		    e->sender && *e->sender ? e->sender : "<>");
		if (e->message && *e->message)
			fprintf(out, "                 (%s)\n", e->message);
		for (k = 0; k < e->nrcpts; k++)
			fprintf(out, "\t\t\t\t\t %s\n", e->rcpts[k].addr);
	}
	fprintf(out, "\t\tTotal requests: %zu\n", shown);
	for (i = 0; i < n; i++)
		envelope_free(&jobs[i].e);
	free(jobs);
	queue_list_free(ids, n);
	return EX_OK;
}
