/* expand: aliasing and recipient resolution (see expand.h). */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include "base/xalloc.h"
#include "sendmail/alias.h"
#include "sendmail/expand.h"
#include "sendmail/mailer.h"
#include "sendmail/parseaddr.h"

#define DEFAULT_MAX_ALIAS_RECURSION 10

size_t
split_address_list(const char *list, char ***out)
{
	const char *p = list, *start = list;
	int quote = 0, angle = 0, comment = 0, bs = 0;
	size_t n = 0;

	*out = NULL;
	for (;; p++) {
		if (*p == '\0' || (*p == ',' && !quote && angle <= 0 && comment <= 0 && !bs)) {
			const char *a = start, *b = p;

			while (a < b && isspace((unsigned char)*a))
				a++;
			while (b > a && isspace((unsigned char)b[-1]))
				b--;
			if (b > a) {
				*out = xreallocarray(*out, n + 1, sizeof(char *));
				(*out)[n++] = xstrndup(a, (size_t)(b - a));
			}
			if (*p == '\0')
				break;
			start = p + 1;
			continue;
		}
		if (bs) {
			bs = 0;
			continue;
		}
		if (*p == '\\')
			bs = 1;
		else if (quote) {
			if (*p == '"')
				quote = 0;
		} else if (*p == '"')
			quote = 1;
		else if (*p == '(')
			comment++;
		else if (*p == ')' && comment > 0)
			comment--;
		else if (*p == '<')
			angle++;
		else if (*p == '>' && angle > 0)
			angle--;
	}
	return n;
}

void
free_address_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void
fail(struct rcpt *r, const char *status, const char *diag)
{
	r->state = RS_FAILED;
	free(r->status);
	free(r->diag);
	r->status = xstrdup(status);
	r->diag = xstrdup(diag);
}

/* add_list: the addresses of an alias value or forward file as new
 * recipients owned by owner (NULL: the original's owner) */
static void
add_list(struct envelope *e, size_t from, const char *list, const char *owner, int depth_mark)
{
	char **v;
	size_t n = split_address_list(list, &v), i;
	unsigned flags = e->rcpts[from].flags & (RCPT_NOTIFY_SUCCESS |
	    RCPT_NOTIFY_FAILURE | RCPT_NOTIFY_DELAY | RCPT_HAS_NOTIFY);
	char *own = owner ? xstrdup(owner) : (e->rcpts[from].owner ? xstrdup(e->rcpts[from].owner) : NULL);
	char *orcpt = e->rcpts[from].orcpt ? xstrdup(e->rcpts[from].orcpt) : NULL;
	char *final = e->rcpts[from].final ? xstrdup(e->rcpts[from].final) : NULL;

	for (i = 0; i < n; i++) {
		size_t k;
		int dup = 0;

		/* an alias that names itself means its own mailbox */
		if (e->rcpts[from].user && strcasecmp(v[i], e->rcpts[from].user) == 0) {
			char *self = xmalloc(strlen(v[i]) + 2);

			self[0] = '\\';
			strcpy(self + 1, v[i]);
			free(v[i]);
			v[i] = self;
		}
		/* a recipient already on the list is not added twice */
		for (k = 0; k < e->nrcpts; k++)
			if (strcasecmp(e->rcpts[k].addr, v[i]) == 0 &&
			    !(e->rcpts[k].flags & RCPT_ALIAS_DONE && k == from))
				dup = 1;
		if (dup)
			continue;
		{
			struct rcpt *r = envelope_add_rcpt(e, v[i], flags);

			r->owner = own ? xstrdup(own) : NULL;
			r->orcpt = orcpt ? xstrdup(orcpt) : NULL;
			r->final = final ? xstrdup(final) : NULL;
			(void)depth_mark;
		}
	}
	free(own);
	free(orcpt);
	free(final);
	free_address_list(v, n);
}

/* read_include: the addresses of a :include: or .forward file */
static int
read_list_file(const char *path, dstr *out)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	if (fp == NULL)
		return -1;
	while ((len = getline(&line, &cap, fp)) >= 0) {
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		if (out->len)
			dstr_putc(out, ',');
		dstr_puts(out, line);
	}
	free(line);
	fclose(fp);
	return 0;
}

/* forward_file: the first readable file of ForwardPath for pw */
static int
forward_file(struct conf *c, const struct passwd *pw, dstr *path)
{
	const char *fp = options_get(c->opts, "ForwardPath");
	char *spec, *one, *save = NULL;
	struct macro_table mt;
	int found = 0;

	macro_table_init(&mt, &c->macros);
	macro_set(&mt, 'z', pw->pw_dir);
	macro_set(&mt, 'u', pw->pw_name);
	spec = xstrdup(fp ? fp : "$z/.forward");
	for (one = strtok_r(spec, ":", &save); one && !found; one = strtok_r(NULL, ":", &save)) {
		struct stat st;

		dstr_clear(path);
		macro_expand(&mt, one, path);
		if (stat(path->s, &st) == 0 && S_ISREG(st.st_mode))
			found = 1;
	}
	free(spec);
	macro_table_free(&mt);
	return found;
}

/* local_addr: ruleset 5 (localaddr) for a local user the aliases did
 * not take, when the local mailer has F=5: MAIL_HUB and LUSER_RELAY
 * send such users elsewhere.  1 when the recipient now goes to another
 * mailer (or failed), 0 when it stays local. */
static int
local_addr(struct conf *c, struct rw_env *env, struct rcpt *r)
{
	/* F=5 on whatever mailer the address resolved to: local in an MTA
	 * config, and the smtp mailers too in submit.cf (FEATURE(msp)),
	 * whose ruleset 5 hands everything to the MTA */
	const struct mailer *lm = conf_mailer(c, r->mailer ? r->mailer : "local"), *m;
	struct toklist ws = { 0 };
	const char *end;
	size_t i, hs, he, us;
	dstr host = DSTR_INIT, user = DSTR_INIT, rn = DSTR_INIT;
	int moved = 0;

	if (lm == NULL || !mailer_has_flag(lm, '5') || c->rules.rs[5].n == 0)
		return 0;
	if (addr_tokenize(&c->syntax, r->user, '\0', TOK_MODE_EXTERNAL, env->pool, &ws, &end,
	    NULL) < 0 || ws.n == 0 || rewrite(env, &ws, 5) != EX_OK ||
	    !rw_triple(&ws, &hs, &he, &us)) {
		toklist_free(&ws);
		return 0;
	}
	if (hs)
		tok_join(&host, &ws.v[hs], he - hs);
	if (us)
		tok_join(&user, &ws.v[us], ws.n - us);
	m = conf_mailer(c, ws.v[1].s);
	if (strcasecmp(ws.v[1].s, "error") == 0) {
		fail(r, host.len ? host.s : "5.0.0", user.len ? user.s : "Unknown user");
		moved = 1;
	} else if (m && m != lm && us && us < ws.n) {
		/* the user part as buildaddr makes it: rulesets 2, R=, 4 */
		struct toklist u = { 0 };

		for (i = us; i < ws.n; i++)
			toklist_push(&u, ws.v[i]);
		rewrite(env, &u, 2);
		if (m->r_env > 0)
			rewrite(env, &u, m->r_env);
		rewrite(env, &u, 4);
		tok_join(&rn, u.v, u.n);
		toklist_free(&u);
		free(r->mailer);
		free(r->host);
		free(r->user);
		r->mailer = xstrdup(m->name);
		r->host = dstr_steal(&host);
		r->user = xstrdup(rn.len ? rn.s : user.s);
		moved = 1;
	}
	toklist_free(&ws);
	dstr_free(&host);
	dstr_free(&user);
	dstr_free(&rn);
	return moved;
}

void
expand_recipients(struct conf *c, struct envelope *e, dstr *msgs)
{
	long maxdepth = options_int(c->opts, "MaxAliasRecursion", DEFAULT_MAX_ALIAS_RECURSION);
	size_t i, expansions = 0;
	pool *p = pool_new();

	for (i = 0; i < e->nrcpts; i++) {
		struct rw_env env = { c, &e->macros, p, NULL };
		struct parsed_addr pa;
		struct rcpt *r = &e->rcpts[i];
		const struct mailer *m;
		char *alias;
		int st;

		if ((r->flags & RCPT_DONE) || r->state != RS_QUEUED || r->mailer)
			continue;
		if (parse_address(&env, r->addr, '\0', &pa, NULL, NULL) != 0) {
			fail(r, "5.1.3", "553 5.1.3 Invalid address");
			if (msgs)
				dstr_printf(msgs, "%s... Invalid address\n", r->addr);
			parsed_addr_free(&pa);
			continue;
		}
		if (pa.is_error) {
			dstr diag = DSTR_INIT;
			const char *dsn = pa.error_dsn && isdigit((unsigned char)pa.error_dsn[0]) &&
			    strchr(pa.error_dsn, '.') ? pa.error_dsn : "5.0.0";

			dstr_printf(&diag, "%s", pa.user);
			fail(r, dsn, pa.error_text);
			if (msgs)
				dstr_printf(msgs, "%s... %s\n", r->addr, pa.error_text);
			dstr_free(&diag);
			parsed_addr_free(&pa);
			continue;
		}
		m = pa.mailer;
		r = &e->rcpts[i];
		r->mailer = xstrdup(m->name);
		r->host = xstrdup(pa.host);
		r->user = xstrdup(pa.user);
		parsed_addr_free(&pa);
		if (strcmp(m->name, "local") != 0) {
			if (mailer_has_flag(m, '5') && !(r->flags & RCPT_ALIAS_DONE))
				local_addr(c, &env, r);
			continue;
		}
		if (r->user[0] == '\\' || (r->flags & RCPT_ALIAS_DONE))
			continue;
		/* aliases first */
		alias = alias_lookup(c, r->user, &st);
		if (alias != NULL && ++expansions <= (size_t)maxdepth * 1000) {
			r->flags |= RCPT_DONE | RCPT_ALIAS_DONE;
			r->state = RS_SENT;
			add_list(e, i, alias, NULL, 0);
			free(alias);
			continue;
		}
		free(alias);
		if (st != MAP_TEMPFAIL && local_addr(c, &env, r))
			continue;
		if (st == MAP_TEMPFAIL) {
			r->state = RS_DEFERRED;
			free(r->status);
			r->status = xstrdup("4.3.0");
			free(r->diag);
			r->diag = xstrdup("451 4.3.0 Alias database unavailable");
			continue;
		}
		{
			/* a local user: .forward, or plain delivery */
			char *name = xstrdup(r->user), *plus = strchr(name, '+');
			struct passwd *pw;
			dstr fwd = DSTR_INIT, list = DSTR_INIT;

			if (plus)
				*plus = '\0';
			pw = getpwnam(name);
			if (pw == NULL) {
				fail(r, "5.1.1", "550 5.1.1 User unknown");
				if (msgs)
					dstr_printf(msgs, "%s... User unknown\n", r->addr);
				free(name);
				continue;
			}
			if (forward_file(c, pw, &fwd) && read_list_file(fwd.s, &list) == 0 && list.len) {
				r = &e->rcpts[i];
				r->flags |= RCPT_DONE | RCPT_ALIAS_DONE;
				r->state = RS_SENT;
				add_list(e, i, list.s, pw->pw_name, 0);
				/* "\user" in a .forward delivers to the mailbox */
			}
			dstr_free(&fwd);
			dstr_free(&list);
			free(name);
		}
	}
	/* the same mailbox reached twice is delivered once */
	for (i = 0; i < e->nrcpts; i++) {
		struct rcpt *r = &e->rcpts[i];
		size_t k;

		if ((r->flags & RCPT_DONE) || r->state != RS_QUEUED || !r->mailer)
			continue;
		for (k = 0; k < i; k++) {
			struct rcpt *o = &e->rcpts[k];

			if ((o->flags & RCPT_DONE) || o->state != RS_QUEUED || !o->mailer)
				continue;
			if (strcmp(o->mailer, r->mailer) == 0 &&
			    strcasecmp(o->host ? o->host : "", r->host ? r->host : "") == 0 &&
			    strcmp(o->user ? o->user : "", r->user ? r->user : "") == 0) {
				r->flags |= RCPT_DONE;
				r->state = RS_SENT;
				break;
			}
		}
	}
	/* :include: entries resolve through the *include* mailer */
	for (i = 0; i < e->nrcpts; i++) {
		struct rcpt *r = &e->rcpts[i];
		dstr list = DSTR_INIT;

		if ((r->flags & RCPT_DONE) || !r->mailer || strcmp(r->mailer, "*include*") != 0)
			continue;
		if (read_list_file(r->user, &list) != 0) {
			dstr diag = DSTR_INIT;

			dstr_printf(&diag, "550 5.2.4 Cannot open %s: %s", r->user, strerror(errno));
			fail(r, "5.2.4", diag.s);
			dstr_free(&diag);
			continue;
		}
		r->flags |= RCPT_DONE | RCPT_ALIAS_DONE;
		r->state = RS_SENT;
		add_list(e, i, list.s, NULL, 0);
		dstr_free(&list);
		i = (size_t)-1;	/* new members may need resolving: start over */
		expand_recipients(c, e, msgs);
		break;
	}
	pool_free(p);
}
