/* testmode: -bt (see testmode.h).  Each input line is one command;
 * output is built in a string and written when the command is done. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include "base/xalloc.h"
#include "addr/addr_token.h"
#include "addr/addr_util.h"
#include "map/dns.h"
#include "sendmail/conf.h"
#include "sendmail/debug.h"
#include "sendmail/mailer.h"
#include "sendmail/parseaddr.h"
#include "sendmail/rewrite.h"
#include "sendmail/testmode.h"
#include "sendmail/version.h"

#define TEST_LINE_MAX 2048	/* sendmail reads test lines in this buffer */

struct tm_state {
	struct conf *c;
	dstr out;
	pool *pool;
	int header;		/* /tryflags: H (1) or E (0) */
	int sender;		/* S (1) or R (0) */
	int quit;
};

/* macro or class name after '$', '$=', '.D' or '.C' */
static int
parse_name(struct tm_state *st, const char **pp)
{
	const char *p = *pp, *e;

	if (*p == '\0' || isspace((unsigned char)*p)) {
		dstr_puts(&st->out, "Name required for macro/class\n");
		return MACRO_NONE;
	}
	if (*p == '{') {
		e = strchr(p, '}');
		if (e == NULL) {
			dstr_printf(&st->out, "Unbalanced { on %s\n", p + 1);
			dstr_puts(&st->out, "Unable to assign macro/class ID (mid = 0xffffffff)\n");
			return MACRO_NONE;
		}
		if (e == p + 1) {
			dstr_puts(&st->out, "Name required for macro/class\n");
			return MACRO_NONE;
		}
		*pp = e + 1;
		return macro_id(p + 1, (size_t)(e - p - 1));
	}
	*pp = p + 1;
	return (unsigned char)*p;
}

static void
print_raw_value(dstr *out, const char *v)
{
	for (; *v; v++) {
		if (v[0] == '$' && v[1] == '$')
			v++;
		dstr_putc(out, *v);
	}
	dstr_putc(out, '\n');
}

static void
cmd_dollar(struct tm_state *st, const char *p)
{
	int id;

	p++;
	if (*p == '=') {
		p++;
		id = parse_name(st, &p);
		if (id != MACRO_NONE)
			class_list(st->c->classes, id, &st->out);
		return;
	}
	id = parse_name(st, &p);
	if (id == MACRO_NONE)
		return;
	if (macro_get(&st->c->macros, id) == NULL)
		dstr_puts(&st->out, "Undefined\n");
	else
		print_raw_value(&st->out, macro_get(&st->c->macros, id));
}

static void
cmd_dot(struct tm_state *st, const char *p)
{
	int id;

	switch (p[1]) {
	case '\0':
		dstr_puts(&st->out, "Usage: .[DC]macro value(s)\n");
		break;
	case 'D':
		p += 2;
		id = parse_name(st, &p);
		if (id != MACRO_NONE)
			macro_set(&st->c->macros, id, p);
		break;
	case 'C':
		p += 2;
		if (*p == '\0')
			break;	/* sendmail says nothing here */
		id = parse_name(st, &p);
		if (id != MACRO_NONE) {
			while (*p) {
				const char *q;
				char *w;

				while (isspace((unsigned char)*p))
					p++;
				if (*p == '\0')
					break;
				for (q = p; *q && !isspace((unsigned char)*q); q++)
					;
				w = xstrndup(p, (size_t)(q - p));
				class_add(st->c->classes, id, w);
				free(w);
				p = q;
			}
		}
		break;
	default:
		dstr_printf(&st->out, "Unknown \".\" command %s\n", p);
		break;
	}
}

/* parse_ruleset: sendmail's strtorwset for test mode: a number below
 * 100 or a known name; reports and returns -1 otherwise. */
static int
parse_ruleset(struct tm_state *st, const char *p, const char **endp)
{
	const char *q;
	int rs;

	*endp = p;
	if (isdigit((unsigned char)*p)) {
		long n = strtol(p, (char **)&q, 10);

		*endp = q;
		if (n >= MAXNUMRWSETS) {
			dstr_printf(&st->out, "bad ruleset %ld (%d max)\n", n, MAXNUMRWSETS);
			return -1;
		}
		return (int)n;
	}
	if (!isalpha((unsigned char)*p) && *p != '_') {
		dstr_printf(&st->out, "invalid ruleset name: \"%s\"\n", p);
		*endp = p + strlen(p);
		return -1;
	}
	for (q = p; isalnum((unsigned char)*q) || *q == '_'; q++)
		;
	{
		char *name = xstrndup(p, (size_t)(q - p));

		rs = ruleset_lookup(&st->c->rules, name);
		free(name);
	}
	*endp = q;
	return rs;
}

static void
cmd_equal(struct tm_state *st, const char *p)
{
	const char *end;
	int rs, i;
	size_t k;

	switch (p[1]) {
	case 'S':
		p += 2;
		{
			const char *q = p;

			while (isspace((unsigned char)*q))
				q++;
			rs = parse_ruleset(st, q, &end);
		}
		if (rs < 0) {
			dstr_printf(&st->out, "Undefined ruleset %s\n", p);
			return;
		}
		for (k = 0; k < st->c->rules.rs[rs].n; k++)
			rule_print(&st->c->rules.rs[rs].rules[k], &st->out);
		break;
	case 'M':
		for (i = 0; i < st->c->nmailers; i++)
			if (st->c->mailers[i])
				mailer_print(st->c, st->c->mailers[i], &st->out);
		break;
	default:
		dstr_printf(&st->out, "Unknown \"=\" command %s\n", p);
		break;
	}
}

static struct rw_env
rw_env_for(struct tm_state *st)
{
	struct rw_env env;

	env.conf = st->c;
	env.macros = &st->c->macros;
	env.pool = st->pool;
	env.out = &st->out;
	return env;
}

static int
run_ruleset(struct tm_state *st, struct toklist *ws, int rs)
{
	struct rw_env env = rw_env_for(st);

	return rewrite(&env, ws, rs);
}

/* the rulesets of a list, one after the other, over one address */
static void
run_list(struct tm_state *st, const char *list, struct toklist *ws)
{
	const char *p = list, *end;
	int rs, status;
	char name[256];

	while (*p) {
		rs = parse_ruleset(st, p, &end);
		if (rs < 0) {
			dstr_printf(&st->out, "Undefined ruleset %s\n", p);
			return;
		}
		/* sendmail names the ruleset by the rest of the list */
		{
			size_t n = strnlen(p, sizeof(name) - 1);

			memcpy(name, p, n);
			name[n] = '\0';
		}
		status = run_ruleset(st, ws, rs);
		if (status != EX_OK)
			dstr_printf(&st->out, "== Ruleset %s (%d) status %d\n", name, rs, status);
		if (*end != ',')
			break;
		p = end + 1;
	}
}

static void
cmd_rewrite(struct tm_state *st, const char *line)
{
	const char *p = line, *addr, *end;
	char *list;
	dstr err = DSTR_INIT;

	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		dstr_puts(&st->out, "No address!\n");
		return;
	}
	list = xstrndup(line, (size_t)(p - line));
	addr = p + 1;
	for (;;) {
		struct toklist ws = { 0 };
		int rc;

		rc = addr_tokenize(&st->c->syntax, addr, ',', TOK_MODE_TEST,
		    st->pool, &ws, &end, &err);
		dstr_append(&st->out, err.s ? err.s : "", err.len);
		dstr_clear(&err);
		if (rc < 0 && addr_8bit_error(addr) && st->c->exit_status == 0)
			st->c->exit_status = EX_USAGE;
		if (rc < 0) {
			toklist_free(&ws);
			break;
		}
		if (ws.n > 0)
			run_list(st, list, &ws);
		toklist_free(&ws);
		if (*end != ',')
			break;
		addr = end + 1;
	}
	dstr_free(&err);
	free(list);
}

static void
cmd_tryflags(struct tm_state *st, const char *p)
{
	if (*p == '\0') {
		dstr_puts(&st->out, "Usage: /tryflags [Hh|Ee][Ss|Rr]\n");
		return;
	}
	for (; *p; p++) {
		switch (*p) {
		case 'H': case 'h': st->header = 1; break;
		case 'E': case 'e': st->header = 0; break;
		case 'S': case 's': st->sender = 1; break;
		case 'R': case 'r': st->sender = 0; break;
		}
	}
}

/* word: the next blank-separated word of *pp */
static char *
next_word(const char **pp)
{
	const char *p = *pp, *q;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0')
		return NULL;
	for (q = p; *q && !isspace((unsigned char)*q); q++)
		;
	*pp = q;
	while (isspace((unsigned char)**pp))
		(*pp)++;
	return xstrndup(p, (size_t)(q - p));
}

static void
cmd_try(struct tm_state *st, const char *p)
{
	char *mname = next_word(&p);
	struct rw_env env = rw_env_for(st);
	struct mailer *m;
	dstr out = DSTR_INIT;
	int status;

	if (mname == NULL || *p == '\0') {
		dstr_puts(&st->out, "Usage: /try mailer address\n");
		free(mname);
		return;
	}
	m = conf_mailer(st->c, mname);
	if (m == NULL) {
		dstr_printf(&st->out, "Unknown mailer %s\n", mname);
		free(mname);
		return;
	}
	dstr_printf(&st->out, "Trying %s %s address %s for mailer %s\n",
	    st->header ? "header" : "envelope",
	    st->sender ? "sender" : "recipient", p, mname);
	free(mname);
	status = remote_name(&env, p, m, (st->sender ? RN_SENDER : 0) |
	    (st->header ? RN_HEADER : 0), &out);
	dstr_printf(&st->out, "Rcode = %d, addr = %s\n", status, dstr_cstr(&out));
	dstr_free(&out);
}

static void
cmd_parse(struct tm_state *st, const char *p)
{
	struct rw_env env = rw_env_for(st);
	struct parsed_addr pa;
	dstr tmpl = DSTR_INIT;

	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		dstr_puts(&st->out, "Usage: /parse address\n");
		return;
	}
	addr_crack(p, &tmpl);
	dstr_printf(&st->out, "Cracked address = %s\n", dstr_cstr(&tmpl));
	dstr_printf(&st->out, "Parsing %s %s address\n",
	    st->header ? "header" : "envelope",
	    st->sender ? "sender" : "recipient");
	if (parse_address(&env, p, '\0', &pa, NULL, &st->out) == 0) {
		if (pa.is_error && *pa.host)
			dstr_printf(&st->out, "mailer *error*, host %s, user %s\n",
			    pa.host, pa.user);
		else if (pa.is_error)
			dstr_printf(&st->out, "mailer *error*, user %s\n", pa.user);
		else if (*pa.host)
			dstr_printf(&st->out, "mailer %s, host %s, user %s\n",
			    pa.mailer->name, pa.host, pa.user);
		else
			dstr_printf(&st->out, "mailer %s, user %s\n",
			    pa.mailer->name, pa.user);
	}
	parsed_addr_free(&pa);
	dstr_free(&tmpl);
}

static void
cmd_map(struct tm_state *st, const char *p)
{
	char *name = next_word(&p);
	map *mp;
	char *val;
	int status = 0;

	if (name == NULL) {
		dstr_puts(&st->out, "Usage: /map mapname key\n");
		return;
	}
	if (*p == '\0') {
		dstr_puts(&st->out, "No key specified\n");
		free(name);
		return;
	}
	mp = map_find(st->c->maps, name);
	if (mp == NULL)
		dstr_printf(&st->out, "Map named \"%s\" not found\n", name);
	else if (!map_ready(mp))
		dstr_printf(&st->out, "Map named \"%s\" not open\n", name);
	else {
		/* messages of the lookup itself come in the middle */
		dstr_printf(&st->out, "map_lookup: %s (%s) ", name, p);
		val = map_lookup_verbatim(mp, p, &status);
		if (val)
			dstr_printf(&st->out, "returns %s (%d)\n", val, status);
		else
			dstr_printf(&st->out, "no match (%d)\n", status);
		free(val);
	}
	free(name);
}

static void
cmd_canon(struct tm_state *st, const char *p)
{
	char *host = next_word(&p);
	dstr name = DSTR_INIT;
	int status = 0;

	if (host == NULL) {
		dstr_puts(&st->out, "Usage: /canon address\n");
		return;
	}
	dstr_set(&name, host);
	dns_getcanonname(st->c->maps, &name, &status);
	dstr_printf(&st->out, "getcanonname(%s) returns %s\n", host, dstr_cstr(&name));
	dstr_free(&name);
	free(host);
}

static void
cmd_mx(struct tm_state *st, const char *p)
{
	char *host = next_word(&p);
	char **mx = NULL;
	int n, i, status = 0;

	if (host == NULL) {
		dstr_puts(&st->out, "Usage: /mx address\n");
		return;
	}
	n = dns_getmxrr(st->c->maps, host, &mx, &status);
	dstr_printf(&st->out, "getmxrr(%s) returns %d value(s):\n", host, n);
	for (i = 0; i < n; i++)
		dstr_printf(&st->out, "\t%s\n", mx[i]);
	dns_free_mx(mx, n);
	free(host);
}

static void
cmd_slash(struct tm_state *st, const char *line)
{
	const char *p = line + 1, *q;
	char cmd[32];

	for (q = p; *q && !isspace((unsigned char)*q); q++)
		;
	snprintf(cmd, sizeof(cmd), "%.*s", (int)(q - p), p);
	while (isspace((unsigned char)*q))
		q++;
	if (strcasecmp(cmd, "tryflags") == 0)
		cmd_tryflags(st, q);
	else if (strcasecmp(cmd, "try") == 0)
		cmd_try(st, q);
	else if (strcasecmp(cmd, "parse") == 0)
		cmd_parse(st, q);
	else if (strcasecmp(cmd, "canon") == 0)
		cmd_canon(st, q);
	else if (strcasecmp(cmd, "mx") == 0)
		cmd_mx(st, q);
	else if (strcasecmp(cmd, "map") == 0)
		cmd_map(st, q);
	else if (strcasecmp(cmd, "quit") == 0)
		st->quit = 1;
	else
		dstr_printf(&st->out, "Unknown \"/\" command %s\n", line);
}

static void
testmode_line(struct tm_state *st, char *line)
{
	char *p = line;
	size_t n = strlen(line);

	while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		line[--n] = '\0';
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0' || *p == '#')
		return;
	switch (*p) {
	case '?':
		dstr_printf(&st->out, "Sendmail %s -- HELP not implemented\n",
		    SENDWELL_COMPAT_VERSION);
		break;
	case '.':
		cmd_dot(st, p);
		break;
	case '=':
		cmd_equal(st, p);
		break;
	case '-':
		if (p[1] == 'd')
			debug_parse(p + 2);
		break;
	case '$':
		cmd_dollar(st, p);
		break;
	case '/':
		cmd_slash(st, p);
		break;
	default:
		cmd_rewrite(st, p);
		break;
	}
}

int
testmode_run(struct conf *c, FILE *in, FILE *out)
{
	struct tm_state st;
	char buf[TEST_LINE_MAX];

	/* no config to test: sendmail gives up before test mode */
	if (c->exit_status == EX_OSFILE)
		return EX_OSFILE;
	memset(&st, 0, sizeof(st));
	st.c = c;
	dstr_init(&st.out);
	fputs("ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\n"
	    "Enter <ruleset> <address>\n", out);
	for (;;) {
		fputs("> ", out);
		fflush(out);
		if (fgets(buf, sizeof(buf), in) == NULL)
			break;
		st.pool = pool_new();
		c->user_out = &st.out;
		testmode_line(&st, buf);
		c->user_out = NULL;
		fwrite(dstr_cstr(&st.out), 1, st.out.len, out);
		dstr_clear(&st.out);
		pool_free(st.pool);
		if (st.quit)
			break;
	}
	fflush(out);
	dstr_free(&st.out);
	/* errors in the config or while rewriting make -bt exit 70 */
	return c->exit_status;
}
