/* envelope: the in-memory message record (see envelope.h). */
#include "config.h"
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "sendmail/envelope.h"

void
envelope_init(struct envelope *e, const struct macro_table *parent)
{
	memset(e, 0, sizeof(*e));
	macro_table_init(&e->macros, parent);
}

static void
rcpt_free(struct rcpt *r)
{
	free(r->addr);
	free(r->orcpt);
	free(r->final);
	free(r->owner);
	free(r->status);
	free(r->diag);
	free(r->mailer);
	free(r->host);
	free(r->user);
	free(r->relay);
}

void
envelope_free(struct envelope *e)
{
	size_t i;

	for (i = 0; i < e->nrcpts; i++)
		rcpt_free(&e->rcpts[i]);
	free(e->rcpts);
	for (i = 0; i < e->nhdrs; i++) {
		free(e->hdrs[i].name);
		free(e->hdrs[i].value);
		free(e->hdrs[i].cond);
	}
	free(e->hdrs);
	macro_table_free(&e->macros);
	free(e->sender);
	free(e->auth);
	free(e->envid);
	free(e->bodytype);
	free(e->message);
	free(e->inode);
	free(e->queue_dir);
	memset(e, 0, sizeof(*e));
}

struct rcpt *
envelope_add_rcpt(struct envelope *e, const char *addr, unsigned flags)
{
	struct rcpt *r;

	if (e->nrcpts == e->caprcpts) {
		e->caprcpts = e->caprcpts ? e->caprcpts * 2 : 8;
		e->rcpts = xreallocarray(e->rcpts, e->caprcpts, sizeof(*r));
	}
	r = &e->rcpts[e->nrcpts++];
	memset(r, 0, sizeof(*r));
	r->addr = xstrdup(addr);
	r->flags = flags;
	r->state = RS_QUEUED;
	return r;
}

void
envelope_add_header(struct envelope *e, const char *name, const char *value,
    const char *cond, int from_config)
{
	struct header *h;

	if (e->nhdrs == e->caphdrs) {
		e->caphdrs = e->caphdrs ? e->caphdrs * 2 : 16;
		e->hdrs = xreallocarray(e->hdrs, e->caphdrs, sizeof(*h));
	}
	h = &e->hdrs[e->nhdrs++];
	h->name = xstrdup(name);
	h->value = xstrdup(value);
	h->cond = cond ? xstrdup(cond) : NULL;
	h->from_config = from_config;
}

struct header *
envelope_header(struct envelope *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nhdrs; i++)
		if (strcasecmp(e->hdrs[i].name, name) == 0)
			return &e->hdrs[i];
	return NULL;
}

void
envelope_remove_header(struct envelope *e, const char *name)
{
	size_t i, o = 0;

	for (i = 0; i < e->nhdrs; i++) {
		if (strcasecmp(e->hdrs[i].name, name) == 0) {
			free(e->hdrs[i].name);
			free(e->hdrs[i].value);
			free(e->hdrs[i].cond);
			continue;
		}
		e->hdrs[o++] = e->hdrs[i];
	}
	e->nhdrs = o;
}

const char *
envelope_sender_bare(const struct envelope *e)
{
	static char buf[1024];
	const char *s = e->sender;
	size_t n;

	if (s == NULL || (e->flags & EF_RESPONSE) || strcmp(s, "<>") == 0)
		return "";
	n = strlen(s);
	if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
		snprintf(buf, sizeof(buf), "%.*s", (int)(n - 2), s + 1);
		return buf;
	}
	return s;
}

size_t
envelope_message_size(const struct envelope *e)
{
	size_t n = e->body_size, i;

	for (i = 0; i < e->nhdrs; i++)
		n += strlen(e->hdrs[i].name) + 2 + strlen(e->hdrs[i].value) + 1;
	return n;
}

size_t
envelope_pending(const struct envelope *e)
{
	size_t i, n = 0;

	for (i = 0; i < e->nrcpts; i++)
		if (!(e->rcpts[i].flags & RCPT_DONE))
			n++;
	return n;
}
