/* mailer: mailer definitions (see mailer.h).  Numbering follows
 * sendmail: the three builtins take 0..2, the config's mailers follow,
 * and a config mailer named like a builtin replaces it in place. */
#include "config.h"
#include <ctype.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/xalloc.h"
#include "cf/cf_reader.h"
#include "sendmail/mailer.h"

static void
conf_msg(struct conf *c, const char *file, int line, const char *fmt, const char *a)
{
	/* every message here is an error: -bt then exits 70, as sendmail */
	if (c->exit_status == 0)
		c->exit_status = EX_SOFTWARE;
	cf_put_where(&c->msgs, file, line);
	dstr_printf(&c->msgs, fmt, a);
	dstr_putc(&c->msgs, '\n');
}

static struct mailer *
new_mailer(const char *name)
{
	struct mailer *m = xcalloc(1, sizeof(*m));

	m->name = xstrdup(name);
	m->uid = m->gid = -1;
	m->maxrcpt = 100;
	m->eol = xstrdup("\n");
	return m;
}

void
mailer_free(struct mailer *m)
{
	if (m == NULL)
		return;
	free(m->name); free(m->path); free(m->eol); free(m->argv);
	free(m->dir); free(m->charset); free(m->mtype); free(m->atype);
	free(m->dtype); free(m->uidname); free(m->gidname); free(m->wait);
	free(m->qgroup); free(m->root);
	free(m->s_env_name); free(m->s_hdr_name); free(m->r_env_name); free(m->r_hdr_name);
	free(m);
}

static void
set_flags(struct mailer *m, const char *f)
{
	for (; *f && !isspace((unsigned char)*f); f++)
		m->flags[(unsigned char)*f] = 1;
}

static void
install(struct conf *c, struct mailer *m)
{
	int i;

	for (i = 0; i < c->nmailers; i++) {
		if (c->mailers[i] && strcmp(c->mailers[i]->name, m->name) == 0) {
			m->number = i;
			mailer_free(c->mailers[i]);
			c->mailers[i] = m;
			return;
		}
	}
	if (c->nmailers >= MAXMAILERS) {
		mailer_free(m);
		return;
	}
	m->number = c->nmailers;
	c->mailers[c->nmailers++] = m;
}

void
mailer_setup_builtins(struct conf *c)
{
	static const char *const defs[][4] = {
		/* name, path, flags, argv */
		{ "prog", "/bin/sh", "lsouDq9", "sh -c $u" },
		{ "*file*", "[FILE]", "lsDFMPEouq9", "FILE $u" },
		{ "*include*", "/dev/null", "su", "INCLUDE $u" },
	};
	size_t i;

	for (i = 0; i < 3; i++) {
		struct mailer *m = new_mailer(defs[i][0]);

		m->path = xstrdup(defs[i][1]);
		set_flags(m, defs[i][2]);
		m->argv = xstrdup(defs[i][3]);
		if (i < 2) {
			m->mtype = xstrdup("X-Unix");
			m->atype = xstrdup("X-Unix");
			m->dtype = xstrdup("X-Unix");
		}
		install(c, m);
	}
}

/* ruleset reference "name" or "number" in S= and R= */
static int
rs_ref(struct conf *c, const char *s, size_t n, char **name)
{
	char *t = xstrndup(s, n);
	int rs;

	while (n > 0 && isspace((unsigned char)t[n - 1]))
		t[--n] = '\0';
	/* names defined further down are resolved by mailer_resolve() */
	rs = ruleset_lookup(&c->rules, t);
	*name = t;
	return rs < 0 ? 0 : rs;
}

static void
set_rulesets(struct conf *c, const char *v, int *env, int *hdr,
    char **envname, char **hdrname)
{
	const char *slash = strchr(v, '/');

	free(*envname);
	free(*hdrname);
	if (slash) {
		*env = rs_ref(c, v, (size_t)(slash - v), envname);
		*hdr = rs_ref(c, slash + 1, strlen(slash + 1), hdrname);
	} else {
		*env = rs_ref(c, v, strlen(v), envname);
		*hdr = *env;
		*hdrname = xstrdup(*envname);
	}
}

static char *
unescape_eol(const char *v)
{
	dstr d = DSTR_INIT;

	for (; *v; v++) {
		if (*v == '\\' && v[1]) {
			v++;
			if (*v == 'n')
				dstr_putc(&d, '\n');
			else if (*v == 'r')
				dstr_putc(&d, '\r');
			else
				dstr_putc(&d, *v);
		} else
			dstr_putc(&d, *v);
	}
	return dstr_steal(&d);
}

static int
set_user(struct conf *c, struct mailer *m, const char *v, const char *file, int line)
{
	const char *colon = strchr(v, ':');
	char *user = colon ? xstrndup(v, (size_t)(colon - v)) : xstrdup(v);
	const char *grp = colon ? colon + 1 : NULL;
	struct passwd *pw;
	struct group *gr;
	int rc = 0;

	if (*user == '\0') {
		conf_msg(c, file, line, "mailer %s: null user name", m->name);
		free(user);
		return -1;
	}
	if (isdigit((unsigned char)*user))
		m->uid = atoi(user);
	else if ((pw = getpwnam(user)) != NULL) {
		m->uid = (int)pw->pw_uid;
		m->gid = (int)pw->pw_gid;
	} else {
		conf_msg(c, file, line, "readcf: mailer U= flag: unknown user %s", user);
		rc = -1;
	}
	m->uidname = user;
	if (grp && *grp) {
		if (isdigit((unsigned char)*grp))
			m->gid = atoi(grp);
		else if ((gr = getgrnam(grp)) != NULL)
			m->gid = (int)gr->gr_gid;
		else
			conf_msg(c, file, line, "readcf: mailer U= flag: unknown group %s", grp);
		m->gidname = xstrdup(grp);
	}
	return rc;
}

int
mailer_define(struct conf *c, const char *name, char **fields,
    size_t nfields, const char *file, int line)
{
	struct mailer *m = new_mailer(name);
	size_t i;
	int eol_given = 0;

	m->file = (char *)file;
	m->line = line;
	for (i = 0; i < nfields; i++) {
		const char *f = fields[i], *v;
		char key;

		while (isspace((unsigned char)*f))
			f++;
		if (*f == '\0')
			continue;
		key = *f;
		v = strchr(f, '=');
		if (v == NULL) {
			conf_msg(c, file, line, "mailer %s: `=' expected", name);
			continue;
		}
		v++;
		while (isspace((unsigned char)*v))
			v++;
		switch (key) {
		case 'P':
			free(m->path);
			m->path = xstrdup(v);
			if (strcmp(v, "[IPC]") == 0 || strcmp(v, "[TCP]") == 0) {
				free(m->eol);
				m->eol = xstrdup("\r\n");
			}
			break;
		case 'F': set_flags(m, v); break;
		case 'S': set_rulesets(c, v, &m->s_env, &m->s_hdr, &m->s_env_name, &m->s_hdr_name); break;
		case 'R': set_rulesets(c, v, &m->r_env, &m->r_hdr, &m->r_env_name, &m->r_hdr_name); break;
		case 'E': free(m->eol); m->eol = unescape_eol(v); eol_given = 1; break;
		case 'A': free(m->argv); m->argv = xstrdup(v); break;
		case 'M': m->maxsize = atol(v); break;
		case 'm': m->maxmsgs = atoi(v); break;
		case 'r': m->maxrcpt = atoi(v); break;
		case 'L': m->linelimit = atol(v); break;
		case 'N': m->nice = atoi(v); break;
		case 'D': free(m->dir); m->dir = xstrdup(v); break;
		case 'C': free(m->charset); m->charset = xstrdup(v); break;
		case 'W': free(m->wait); m->wait = xstrdup(v); break;
		case 'Q': free(m->qgroup); m->qgroup = xstrdup(v); break;
		case '/': free(m->root); m->root = xstrdup(v); break;
		case 'U': set_user(c, m, v, file, line); break;
		case 'T': {
			const char *a = v, *b = strchr(a, '/'), *d2 = b ? strchr(b + 1, '/') : NULL;

			free(m->mtype); free(m->atype); free(m->dtype);
			m->mtype = b ? xstrndup(a, (size_t)(b - a)) : xstrdup(a);
			m->atype = b ? (d2 ? xstrndup(b + 1, (size_t)(d2 - b - 1)) : xstrdup(b + 1)) : NULL;
			m->dtype = d2 ? xstrdup(d2 + 1) : NULL;
			break;
		}
		default: {
			char eq[3] = { key, '=', '\0' };
			dstr what = DSTR_INIT;

			dstr_printf(&what, "%s: unknown mailer equate %s", name, eq);
			conf_msg(c, file, line, "M%s", what.s);
			dstr_free(&what);
			break;
		}
		}
	}
	if (m->path == NULL) {
		conf_msg(c, file, line, "M%s: P= argument required", name);
		mailer_free(m);
		return -1;
	}
	if (m->argv == NULL) {
		conf_msg(c, file, line, "M%s: A= argument required", name);
		mailer_free(m);
		return -1;
	}
	/* LMTP (F=z) talks with CRLF line ends unless E= says otherwise */
	if (m->flags['z'] && !eol_given) {
		free(m->eol);
		m->eol = xstrdup("\r\n");
	}
	/* the prog mailer runs one program per recipient */
	if (strcmp(m->name, "prog") == 0)
		m->flags['m'] = 0;
	if (strcmp(m->path, "[IPC]") == 0 && m->mtype == NULL) {
		m->mtype = xstrdup("dns");
		m->atype = xstrdup("rfc822");
		m->dtype = xstrdup("smtp");
	}
	install(c, m);
	return 0;
}

static int
resolve_one(struct conf *c, const char *name)
{
	int rs;

	if (name == NULL || *name == '\0')
		return 0;
	rs = ruleset_declare(&c->rules, name, 1, NULL);
	return rs < 0 ? 0 : rs;
}

void
mailer_resolve(struct conf *c)
{
	int i;

	for (i = 0; i < c->nmailers; i++) {
		struct mailer *m = c->mailers[i];

		if (m == NULL)
			continue;
		m->s_env = resolve_one(c, m->s_env_name);
		m->s_hdr = resolve_one(c, m->s_hdr_name);
		m->r_env = resolve_one(c, m->r_env_name);
		m->r_hdr = resolve_one(c, m->r_hdr_name);
	}
}

int
mailer_has_flag(const struct mailer *m, int flag)
{
	return m->flags[(unsigned char)flag] != 0;
}

static void
put_escaped(dstr *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			dstr_puts(out, "\\n");
		else if (*s == '\r')
			dstr_puts(out, "\\r");
		else
			dstr_putc(out, *s);
	}
}

static const char *
rs_name(const struct conf *c, int rs, char buf[16])
{
	return ruleset_display_name(&c->rules, rs, buf);
}

void
mailer_print(const struct conf *c, const struct mailer *m, dstr *out)
{
	char b1[16], b2[16], b3[16], b4[16];
	int i;

	dstr_printf(out, "mailer %d (%s): P=%s S=%s/%s R=%s/%s M=%ld U=%d:%d F=",
	    m->number, m->name, m->path,
	    rs_name(c, m->s_env, b1), rs_name(c, m->s_hdr, b2),
	    rs_name(c, m->r_env, b3), rs_name(c, m->r_hdr, b4),
	    m->maxsize, m->uid, m->gid);
	for (i = 1; i < 256; i++)
		if (m->flags[i])
			dstr_putc(out, i);
	dstr_printf(out, " L=%ld E=", m->linelimit);
	put_escaped(out, m->eol);
	if (m->charset)
		dstr_printf(out, " C=%s", m->charset);
	dstr_printf(out, " T=%s/%s/%s r=%d A=%s\n",
	    m->mtype ? m->mtype : "<undefined>",
	    m->atype ? m->atype : "<undefined>",
	    m->dtype ? m->dtype : "<undefined>", m->maxrcpt, m->argv);
}
