/* smtpd_addr: recipient checks, VRFY and EXPN (see smtpd_addr.h).
 * EXPN follows sendmail's model of a recipient list: the members of a
 * list are taken last to first, each is appended to the list of results
 * unless an equal one (same mailer, host and user) is there already, an
 * alias is replaced by its members (but never by itself), and the first
 * error ends the answer. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include "base/pool.h"
#include "base/xalloc.h"
#include "sendmail/alias.h"
#include "sendmail/expand.h"
#include "sendmail/mailer.h"
#include "sendmail/parseaddr.h"
#include "sendmail/smtpd_addr.h"

#define DEFAULT_MAX_ALIAS_RECURSION 10
#define MAX_LIST_FILE (1024 * 1024)

/* one result of VRFY / EXPN */
struct ventry {
	char *paddr;			/* as given */
	char *mailer, *host, *user;
	char *fullname;			/* from the passwd entry, or NULL */
	int expanded;			/* an alias replaced by its members */
	int local;
};

struct vstate {
	struct conf *c;
	const struct macro_table *mt;
	int expn;
	struct ventry *v;
	size_t n, cap;
	dstr err;			/* the first error, as a reply line */
	long maxdepth;
};

static int
reply_code(const char *t)
{
	if (isdigit((unsigned char)t[0]) && isdigit((unsigned char)t[1]) &&
	    isdigit((unsigned char)t[2]) && (t[3] == ' ' || t[3] == '\0'))
		return atoi(t);
	return 0;
}

static int
is_status(const char *p, size_t n)
{
	int a, b, c;
	char t;

	if (n == 0 || n > 16 || (p[0] != '2' && p[0] != '4' && p[0] != '5'))
		return 0;
	return sscanf(p, "%d.%d.%d%c", &a, &b, &c, &t) >= 3;
}

void
smtpd_error_reply(int code, const char *dsn, const char *addr, int all_codes,
    const char *text, dstr *out)
{
	const char *p = text;
	size_t n;
	dstr status = DSTR_INIT;

	if (reply_code(p)) {
		code = reply_code(p);
		p += p[3] ? 4 : 3;
	}
	n = strcspn(p, " ");
	if (is_status(p, n)) {
		dstr_append(&status, p, n);
		p += n;
		while (*p == ' ')
			p++;
	} else if (dsn && is_status(dsn, strlen(dsn)))
		dstr_puts(&status, dsn);
	else
		dstr_printf(&status, "%d.0.0", code / 100);
	status.s[0] = (char)('0' + code / 100);
	if (addr && (code >= 500 || all_codes))
		dstr_printf(out, "%d %s %s... %s", code, status.s, addr, p);
	else
		dstr_printf(out, "%d %s %s", code, status.s, p);
	dstr_free(&status);
}

/* parse: ruleset 3 and 0 over addr; -1 with the reply set when the
 * address is wrong */
static int
parse(struct conf *c, const struct macro_table *mt, const char *addr, struct parsed_addr *pa,
    dstr *reply)
{
	pool *p = pool_new();
	struct rw_env env = { c, mt, p, NULL };
	dstr msgs = DSTR_INIT;
	int rc = parse_address(&env, addr, '\0', pa, NULL, &msgs);
	char *t;

	pool_free(p);
	/* a lookup deferred is no error here (it is what "will queue"
	 * means); parse_address words it for -bt */
	if ((t = strstr(dstr_cstr(&msgs), "... Transient parse error")) != NULL) {
		while (t > msgs.s && t[-1] != '\n')
			t--;
		dstr_truncate(&msgs, (size_t)(t - msgs.s));
	}
	if (rc < 0 || (msgs.len && !pa->is_error)) {
		msgs.s[strcspn(msgs.s, "\n")] = '\0';
		dstr_printf(reply, "553 5.0.0 %s", msgs.len ? msgs.s : "Invalid address");
		rc = -1;
	} else if (pa->is_error) {
		int code = pa->error_dsn && pa->error_dsn[0] == '4' ? 451 : 553;
		dstr text = DSTR_INIT;

		for (t = pa->user ? pa->user : ""; *t; t++)
			if (*t != '"')
				dstr_putc(&text, *t);
		dstr_clear(reply);
		smtpd_error_reply(code, pa->error_dsn, addr, 1, text.len ? text.s : "Invalid address",
		    reply);
		dstr_free(&text);
		rc = -1;
	}
	dstr_free(&msgs);
	return rc;
}

static int
is_local(const struct parsed_addr *pa)
{
	return pa->mailer && strcmp(pa->mailer->name, "local") == 0;
}

/* direct_error: programs and files may be reached only through aliases
 * and .forward files, never named by the client */
static int
direct_error(const struct parsed_addr *pa, const char *addr, dstr *reply)
{
	const char *what = NULL;

	if (pa->mailer && strcmp(pa->mailer->name, "prog") == 0)
		what = "programs";
	else if (pa->mailer && strcmp(pa->mailer->name, "*file*") == 0)
		what = "files";
	else if (pa->mailer && strcmp(pa->mailer->name, "*include*") == 0)
		what = ":include:s";	/* sic: sendmail's words */
	if (what == NULL)
		return 0;
	dstr_printf(reply, "550 5.7.1 %s... Cannot mail directly to %s", addr, what);
	return 1;
}

/* full_name: the passwd GECOS up to the first comma, "&" standing for
 * the login name capitalized */
static char *
full_name(const struct passwd *pw)
{
	dstr d = DSTR_INIT;
	const char *g = pw->pw_gecos ? pw->pw_gecos : "";

	for (; *g && *g != ','; g++) {
		if (*g == '&') {
			dstr_putc(&d, (char)toupper((unsigned char)pw->pw_name[0]));
			if (pw->pw_name[0])
				dstr_puts(&d, pw->pw_name + 1);
		} else
			dstr_putc(&d, *g);
	}
	if (d.len == 0) {
		dstr_free(&d);
		return NULL;
	}
	return dstr_steal(&d);
}

/* local_user: the passwd entry of a local user name (case-blind, as the
 * local mailer lowercases names) */
static struct passwd *
local_user(const char *user)
{
	struct passwd *pw;
	char *name;

	if (*user == '\\')
		user++;
	if (*user == '\0')
		return NULL;
	pw = getpwnam(user);
	if (pw)
		return pw;
	name = xstrdup(user);
	for (char *t = name; *t; t++)
		*t = (char)tolower((unsigned char)*t);
	pw = getpwnam(name);
	free(name);
	return pw;
}

static int
alias_exists(struct conf *c, const char *user, char **value)
{
	int st = 0;
	char *v;

	if (*user == '\\')
		return 0;
	v = alias_lookup(c, user, &st);
	if (value)
		*value = v;
	else
		free(v);
	return v != NULL;
}

int
smtpd_addr_resolve(struct conf *c, const struct macro_table *mt, const char *paddr,
    struct smtpd_addr *out)
{
	struct parsed_addr pa;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	dstr_init(&out->reply);
	if (parse(c, mt, paddr, &pa, &out->reply) < 0) {
		parsed_addr_free(&pa);
		return -1;
	}
	out->mailer = xstrdup(pa.mailer->name);
	out->host = xstrdup(pa.host ? pa.host : "");
	out->user = xstrdup(pa.user ? pa.user : "");
	out->queueup = pa.rw_status == EX_TEMPFAIL;
	if (direct_error(&pa, paddr, &out->reply))
		rc = -1;
	parsed_addr_free(&pa);
	return rc;
}

int
smtpd_addr_known(struct conf *c, const char *paddr, struct smtpd_addr *a)
{
	if (a->queueup || a->mailer == NULL || strcmp(a->mailer, "local") != 0)
		return 0;
	if (alias_exists(c, a->user, NULL) || local_user(a->user) != NULL)
		return 0;
	dstr_clear(&a->reply);
	dstr_printf(&a->reply, "550 5.1.1 %s... User unknown", paddr);
	return -1;
}

void
smtpd_addr_free(struct smtpd_addr *a)
{
	free(a->mailer);
	free(a->host);
	free(a->user);
	dstr_free(&a->reply);
	memset(a, 0, sizeof(*a));
}

/* ---------------------------------------------------------- VRFY/EXPN */

static void vrfy_list(struct vstate *st, const char *list, const char *parent, int depth);

static struct ventry *
vrfy_find(struct vstate *st, const struct parsed_addr *pa)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		struct ventry *e = &st->v[i];

		if (!e->expanded && strcmp(e->mailer, pa->mailer->name) == 0 &&
		    strcasecmp(e->host, pa->host ? pa->host : "") == 0 &&
		    strcmp(e->user, pa->user ? pa->user : "") == 0)
			return e;
	}
	return NULL;
}

/* vrfy_add: a new result, kept in order of host names (sendmail keeps
 * its recipient list so, a new one after those of the same host) */
static struct ventry *
vrfy_add(struct vstate *st, const char *paddr, const struct parsed_addr *pa)
{
	const char *host = pa->host ? pa->host : "";
	struct ventry *e;
	size_t at;

	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 8;
		st->v = xreallocarray(st->v, st->cap, sizeof(*st->v));
	}
	for (at = 0; at < st->n && strcasecmp(st->v[at].host, host) <= 0; at++)
		continue;
	memmove(&st->v[at + 1], &st->v[at], (st->n - at) * sizeof(*st->v));
	st->n++;
	e = &st->v[at];
	memset(e, 0, sizeof(*e));
	e->paddr = xstrdup(paddr);
	e->mailer = xstrdup(pa->mailer->name);
	e->host = xstrdup(pa->host ? pa->host : "");
	e->user = xstrdup(pa->user ? pa->user : "");
	e->local = is_local(pa);
	return e;
}

/* vrfy_include: the members of a :include: file */
static void
vrfy_include(struct vstate *st, const char *path, const char *parent, int depth)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, total = 0;
	ssize_t n;

	if (fp == NULL) {
		dstr_printf(&st->err, "550 5.2.4 %s... Cannot open %s: %s", path, path,
		    strerror(errno));
		return;
	}
	while ((n = getline(&line, &cap, fp)) > 0 && st->err.len == 0) {
		total += (size_t)n;
		if (total > MAX_LIST_FILE)
			break;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '#' || line[0] == '\0')
			continue;
		vrfy_list(st, line, parent, depth + 1);
	}
	free(line);
	fclose(fp);
}

/* vrfy_local: a local name: an alias (EXPN: its members), a user, or
 * unknown */
static void
vrfy_local(struct vstate *st, const char *paddr, const struct parsed_addr *pa,
    const char *parent, int depth)
{
	char *members = NULL;
	struct passwd *pw;
	struct ventry *e;
	int self = parent && strcmp(parent, pa->user) == 0;

	if (!self && alias_exists(st->c, pa->user, st->expn ? &members : NULL)) {
		e = vrfy_add(st, paddr, pa);
		if (members) {
			e->expanded = 1;
			vrfy_list(st, members, pa->user, depth + 1);
			free(members);
		}
		return;
	}
	pw = local_user(pa->user);
	if (pw == NULL) {
		dstr_printf(&st->err, "550 5.1.1 %s... User unknown", paddr);
		return;
	}
	e = vrfy_add(st, paddr, pa);
	e->fullname = full_name(pw);
}

static void
vrfy_one(struct vstate *st, const char *addr, const char *parent, int depth)
{
	struct parsed_addr pa;

	if (st->err.len)
		return;
	if (depth > st->maxdepth) {
		dstr_puts(&st->err, "554 5.4.6 aliasing/forwarding loop broken");
		return;
	}
	if (parse(st->c, st->mt, addr, &pa, &st->err) < 0) {
		parsed_addr_free(&pa);
		return;
	}
	if (depth == 0 && direct_error(&pa, addr, &st->err)) {
		parsed_addr_free(&pa);
		return;
	}
	if (vrfy_find(st, &pa) == NULL) {
		if (strcmp(pa.mailer->name, "*include*") == 0 && st->expn)
			vrfy_include(st, pa.user, parent, depth);
		else if (is_local(&pa) && pa.rw_status != EX_TEMPFAIL)
			vrfy_local(st, addr, &pa, parent, depth);
		else
			(void)vrfy_add(st, addr, &pa);
	}
	parsed_addr_free(&pa);
}

/* vrfy_list: the members of a list, last first (sendmail's order) */
static void
vrfy_list(struct vstate *st, const char *list, const char *parent, int depth)
{
	char **v;
	size_t n = split_address_list(list, &v), i;

	for (i = n; i > 0 && st->err.len == 0; i--)
		vrfy_one(st, v[i - 1], parent, depth);
	free_address_list(v, n);
}

static void
vrfy_print(struct vstate *st, dstr *reply)
{
	const char *j = macro_get(st->mt, 'j');
	size_t i, last = 0, any = 0;

	for (i = 0; i < st->n; i++)
		if (!st->v[i].expanded) {
			last = i;
			any = 1;
		}
	for (i = 0; any && i <= last; i++) {
		struct ventry *e = &st->v[i];
		int code = st->expn || e->local ? 250 : 252;

		if (e->expanded)
			continue;
		dstr_printf(reply, "%d%c2.1.5 ", code, i == last ? ' ' : '-');
		if (e->fullname)
			dstr_printf(reply, "%s ", e->fullname);
		if (e->local && strchr(e->user, '@') == NULL)
			dstr_printf(reply, "<%s@%s>\r\n", e->user, j ? j : "localhost");
		else
			dstr_printf(reply, "<%s>\r\n", e->user);
	}
}

void
smtpd_vrfy(struct conf *c, const struct macro_table *mt, const char *list, int expn,
    dstr *reply)
{
	struct vstate st;
	size_t i;

	memset(&st, 0, sizeof(st));
	st.c = c;
	st.mt = mt;
	st.expn = expn;
	dstr_init(&st.err);
	st.maxdepth = options_int(c->opts, "MaxAliasRecursion", DEFAULT_MAX_ALIAS_RECURSION);
	vrfy_list(&st, list, NULL, 0);
	if (st.err.len)
		dstr_printf(reply, "%s\r\n", st.err.s);
	else if (st.n == 0)
		dstr_puts(reply, "553 5.0.0 Address required\r\n");
	else
		vrfy_print(&st, reply);
	for (i = 0; i < st.n; i++) {
		free(st.v[i].paddr);
		free(st.v[i].mailer);
		free(st.v[i].host);
		free(st.v[i].user);
		free(st.v[i].fullname);
	}
	free(st.v);
	dstr_free(&st.err);
}
