/* parseaddr: address parsing into mailer triples (see parseaddr.h). */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include "base/xalloc.h"
#include "addr/addr_util.h"
#include "sendmail/mailer.h"
#include "sendmail/parseaddr.h"

void
parsed_addr_free(struct parsed_addr *pa)
{
	free(pa->mailer_name);
	free(pa->host);
	free(pa->user);
	free(pa->error_dsn);
	free(pa->error_text);
	memset(pa, 0, sizeof(*pa));
}

void
strip_reply_code(const char *in, dstr *out)
{
	dstr tmp = DSTR_INIT;
	const char *p;

	for (p = in; *p; p++)
		if (*p != '"')
			dstr_putc(&tmp, *p);
	p = dstr_cstr(&tmp);
	if (isdigit((unsigned char)p[0]) && isdigit((unsigned char)p[1]) &&
	    isdigit((unsigned char)p[2]) && (p[3] == ' ' || p[3] == '\0')) {
		const char *q;

		p += p[3] ? 4 : 3;
		/* and an enhanced status code after it */
		q = p;
		if (isdigit((unsigned char)*q) && q[1] == '.') {
			q += 2;
			while (isdigit((unsigned char)*q))
				q++;
			if (*q == '.') {
				q++;
				while (isdigit((unsigned char)*q))
					q++;
				if (*q == ' ' || *q == '\0')
					p = *q ? q + 1 : q;
			}
		}
	}
	dstr_puts(out, p);
	dstr_free(&tmp);
}

static void
lower(char *s)
{
	for (; *s; s++)
		*s = (char)tolower((unsigned char)*s);
}


/* join tokens [from, to) the way sendmail prints addresses */
static char *
join(const struct conf *c, const struct toklist *ws, size_t from, size_t to)
{
	dstr d = DSTR_INIT;

	if (to > from)
		addr_cat(&c->syntax, &ws->v[from], to - from, c->blanksub, &d);
	return dstr_steal(&d);
}

/* join tokens with blanks between words (the text of an error) */
static char *
join_words(const struct conf *c, const struct toklist *ws, size_t from, size_t to)
{
	dstr d = DSTR_INIT;

	if (to > from)
		addr_cat(&c->syntax, &ws->v[from], to - from, ' ', &d);
	return dstr_steal(&d);
}

int
parse_address(struct rw_env *env, const char *addr, int delim,
    struct parsed_addr *out, const char **endp, dstr *msgs)
{
	struct conf *c = env->conf;
	struct toklist ws = { 0 }, user = { 0 };
	size_t i, hs, he, us;
	const char *end;
	int st;

	memset(out, 0, sizeof(*out));
	st = addr_tokenize(&c->syntax, addr, delim, TOK_MODE_EXTERNAL, env->pool,
	    &ws, &end, msgs);
	if (st < 0 && addr_8bit_error(addr) && c->exit_status == 0)
		c->exit_status = EX_USAGE;	/* an 8-bit control byte */
	if (st < 0 || ws.n == 0) {
		if (endp)
			*endp = end;
		toklist_free(&ws);
		return -1;
	}
	if (endp)
		*endp = end;
	st = rewrite(env, &ws, 3);
	if (st == EX_OK)
		st = rewrite(env, &ws, 0);
	else
		rewrite(env, &ws, 0);
	out->rw_status = st;
	if (!rw_triple(&ws, &hs, &he, &us)) {
		/* sendmail makes it an error address (-bt's /parse then says
		 * "mailer *error*, user "); the message names no address */
		if (msgs)
			dstr_puts(msgs, "buildaddr: no mailer in parsed address\n");
		if (c->exit_status == 0)
			c->exit_status = EX_SOFTWARE;
		out->is_error = 1;
		out->mailer_name = xstrdup("error");
		out->host = xstrdup("");
		out->user = xstrdup("");
		out->error_dsn = xstrdup("");
		out->error_text = xstrdup("buildaddr: no mailer in parsed address");
		toklist_free(&ws);
		return 0;
	}
	out->mailer_name = xstrndup(ws.v[1].s, ws.v[1].len);
	out->host = hs ? join(c, &ws, hs, he) : xstrdup("");
	if (strcmp(out->mailer_name, "error") == 0) {
		char *text = us ? join_words(c, &ws, us, ws.n) : xstrdup("");
		dstr t = DSTR_INIT;

		out->is_error = 1;
		out->error_dsn = xstrdup(out->host);
		strip_reply_code(text, &t);
		out->error_text = dstr_steal(&t);
		out->user = xstrdup(text);
		if (msgs)
			dstr_printf(msgs, "%s... %s\n", addr, out->error_text);
		free(text);
		toklist_free(&ws);
		return 0;
	}
	out->mailer = conf_mailer(c, out->mailer_name);
	if (out->mailer == NULL) {
		/* sendmail turns it into an error with no text */
		if (msgs)
			dstr_printf(msgs, "buildaddr: unknown mailer %s\n", out->mailer_name);
		out->is_error = 1;
		free(out->host);
		out->host = xstrdup("");
		out->user = xstrdup("");
		out->error_text = xstrdup("");
		toklist_free(&ws);
		return 0;
	}
	/* F=@: a user beginning with "@" loses it (and skips ruleset 5) */
	if (us && us < ws.n && mailer_has_flag(out->mailer, '@') &&
	    ws.v[us].op == TOK_TEXT && strcmp(ws.v[us].s, "@") == 0)
		us++;
	/* a local mailer with F=|, F=/ or F=: hands "|program", "/file" and
	 * ":include:file" to the prog, *file* and *include* mailers */
	if (us && us < ws.n && ws.v[us].op == TOK_TEXT && strcmp(out->mailer->name, "local") == 0) {
		const struct mailer *alt = NULL;
		/* "|prog args" in quotes (the usual way to write an alias
		 * with blanks) counts as well: sendmail looks past them */
		char first = ws.v[us].s[0] == '"' ? ws.v[us].s[1] : ws.v[us].s[0];

		if (first == '|' && mailer_has_flag(out->mailer, '|'))
			alt = conf_mailer(c, "prog");
		else if (first == '/' && mailer_has_flag(out->mailer, '/'))
			alt = conf_mailer(c, "*file*");
		else if (ws.v[us].s[0] == ':' && mailer_has_flag(out->mailer, ':') && us + 2 < ws.n &&
		    strcasecmp(ws.v[us + 1].s, "include") == 0 &&
		    ws.v[us + 2].op == TOK_TEXT && strcmp(ws.v[us + 2].s, ":") == 0) {
			out->mailer = conf_mailer(c, "*include*");
			out->user = join(c, &ws, us + 3, ws.n);
			lower(out->host);
			toklist_free(&ws);
			return out->mailer ? 0 : -1;
		}
		if (alt)
			out->mailer = alt;
	}
	for (i = us; us && i < ws.n; i++)
		toklist_push(&user, ws.v[i]);
	rewrite(env, &user, 2);
	if (out->mailer->r_env > 0)
		rewrite(env, &user, out->mailer->r_env);
	rewrite(env, &user, 4);
	out->user = join(c, &user, 0, user.n);
	/* host names are case-blind; user names too unless F=u */
	lower(out->host);
	if (!mailer_has_flag(out->mailer, 'u'))
		lower(out->user);
	if (st == EX_TEMPFAIL && msgs)
		dstr_printf(msgs, "%s... Transient parse error -- message queued for future delivery\n", addr);
	toklist_free(&user);
	toklist_free(&ws);
	return 0;
}

int
remote_name(struct rw_env *env, const char *addr, const struct mailer *m,
    int flags, dstr *out)
{
	struct conf *c = env->conf;
	struct toklist ws = { 0 };
	dstr tmpl = DSTR_INIT, a = DSTR_INIT;
	const char *end, *g;
	int status = EX_OK, s, rs;

	/* syntax complaints go where traces go (-bt) */
	if (addr_tokenize(&c->syntax, addr, '\0', TOK_MODE_EXTERNAL, env->pool,
	    &ws, &end, env->out) < 0) {
		dstr_puts(out, addr);
		return EX_DATAERR;
	}
	s = rewrite(env, &ws, 3);
	if (s != EX_OK)
		status = s;
	s = rewrite(env, &ws, (flags & RN_SENDER) ? 1 : 2);
	if (s != EX_OK)
		status = s;
	if (flags & RN_SENDER)
		rs = (flags & RN_HEADER) ? m->s_hdr : m->s_env;
	else
		rs = (flags & RN_HEADER) ? m->r_hdr : m->r_env;
	if (rs > 0) {
		s = rewrite(env, &ws, rs);
		if (s != EX_OK)
			status = s;
	}
	s = rewrite(env, &ws, 4);
	if (s != EX_OK)
		status = s;
	addr_cat(&c->syntax, ws.v, ws.n, c->blanksub, &a);
	addr_crack(addr, &tmpl);
	g = strstr(dstr_cstr(&tmpl), "$g");
	if (g == NULL)
		dstr_puts(out, dstr_cstr(&tmpl));
	else {
		dstr_append(out, tmpl.s, (size_t)(g - tmpl.s));
		dstr_puts(out, dstr_cstr(&a));
		dstr_puts(out, g + 2);
	}
	toklist_free(&ws);
	dstr_free(&tmpl);
	dstr_free(&a);
	return status;
}
