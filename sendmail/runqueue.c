/* runqueue: queue runs (see runqueue.h). */
#include "config.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "sendmail/deliver.h"
#include "sendmail/queue.h"
#include "sendmail/runqueue.h"
#include "sendmail/smtpc.h"

static int
matches(const struct envelope *e, const struct qfilter *f)
{
	size_t i;
	int hit = 0;

	if (f == NULL || f->kind == 0)
		return 1;
	switch (f->kind) {
	case 'I':
		hit = strstr(e->qid, f->text) != NULL;
		break;
	case 'S':
		hit = e->sender && strcasestr(e->sender, f->text) != NULL;
		break;
	case 'R':
		for (i = 0; i < e->nrcpts; i++)
			if (strcasestr(e->rcpts[i].addr, f->text))
				hit = 1;
		break;
	}
	return f->negate ? !hit : hit;
}

struct job {
	char *qid;
	long priority;
	time_t ctime;
};

static int
cmp_job(const void *a, const void *b)
{
	const struct job *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	if (x->ctime != y->ctime)
		return x->ctime < y->ctime ? -1 : 1;
	return strcmp(x->qid, y->qid);
}

int
runqueue_once(struct conf *c, const struct qfilter *f)
{
	const char *dir = queue_dir(c);
	char **ids;
	size_t n = queue_list(dir, &ids), i, nj = 0;
	struct job *jobs = xcalloc(n + 1, sizeof(*jobs));
	int tried = 0;

	for (i = 0; i < n; i++) {
		struct envelope e;
		dstr err = DSTR_INIT;

		envelope_init(&e, &c->macros);
		if (queue_read(c, dir, ids[i], &e, &err) != 0) {
			/* gone meanwhile, or damaged: deliver_by_id locks it,
			 * reads it again and sets a damaged file aside */
			(void)deliver_by_id(c, dir, ids[i]);
		} else if (matches(&e, f)) {
			jobs[nj].qid = xstrdup(ids[i]);
			jobs[nj].priority = e.priority;
			jobs[nj].ctime = e.ctime;
			nj++;
		}
		envelope_free(&e);
		dstr_free(&err);
	}
	qsort(jobs, nj, sizeof(*jobs), cmp_job);
	/* SMTP connections stay open from one message to the next */
	smtpc_cache_hold(1);
	for (i = 0; i < nj; i++) {
		if (deliver_by_id(c, dir, jobs[i].qid) == 0)
			tried++;
		free(jobs[i].qid);
	}
	smtpc_cache_flush();
	smtpc_cache_hold(0);
	free(jobs);
	queue_list_free(ids, n);
	return tried;
}
