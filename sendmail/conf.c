/* conf: builds a struct conf from a sendmail.cf (see conf.h).  Items
 * are taken in file order, as sendmail reads them: a rule sees the
 * macros and operator characters defined above it. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <stdarg.h>
#include <string.h>
#include <strings.h>
#include <sysexits.h>
#include <time.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "cf/cf_reader.h"
#include "sendmail/conf.h"
#include "sendmail/identity.h"
#include "sendmail/mailer.h"
#include "sendmail/version.h"

static void
msg_at(struct conf *c, const struct cf_item *it, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
msg_at(struct conf *c, const struct cf_item *it, const char *fmt, ...)
{
	va_list ap;
	size_t start = c->msgs.len;

	cf_put_where(&c->msgs, it->file, it->line);
	va_start(ap, fmt);
	dstr_vprintf(&c->msgs, fmt, ap);
	va_end(ap);
	dstr_putc(&c->msgs, '\n');
	/* errors set the exit code; sendmail's warnings (an option given
	 * by an abbreviation, "WARNING: ...") do not */
	if (c->exit_status == 0 && !strstr(c->msgs.s + start, ": WARNING") &&
	    !strstr(c->msgs.s + start, " used as abbreviation for "))
		c->exit_status = EX_SOFTWARE;
}

/* prefix each line of m with file:line into c->msgs */
static void
msgs_at(struct conf *c, const struct cf_item *it, dstr *m)
{
	char *s = m->s, *nl;

	if (m->len == 0)
		return;
	while (s && *s) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		msg_at(c, it, "%s", s);
		s = nl ? nl + 1 : NULL;
	}
	dstr_clear(m);
}

/* munch: a D value: double quotes removed, backslash escapes undone. */
static char *
munch(const char *v)
{
	dstr d = DSTR_INIT;

	for (; *v; v++) {
		if (*v == '\\' && v[1]) {
			v++;
			dstr_putc(&d, *v);
		} else if (*v != '"')
			dstr_putc(&d, *v);
	}
	return dstr_steal(&d);
}

static void
set_operators(struct conf *c)
{
	const char *v = options_get(c->opts, "OperatorChars");
	dstr ops = DSTR_INIT;

	if (v == NULL)
		v = macro_get(&c->macros, 'o');
	if (v == NULL)
		v = ".:@[]";
	macro_expand(&c->macros, v, &ops);
	addr_syntax_init(&c->syntax, dstr_cstr(&ops));
	dstr_clear(&ops);
	v = options_get(c->opts, "OperatorChars");
	macro_expand(&c->macros, v ? v : ".:@[]", &ops);
	addr_syntax_init(&c->int_syntax, dstr_cstr(&ops));
	dstr_free(&ops);
}

static const char *
env_macro_get(void *ctx, const char *name)
{
	struct conf *c = ctx;

	return macro_get_name(&c->macros, name);
}

static void
env_macro_set(void *ctx, const char *name, const char *value)
{
	struct conf *c = ctx;

	macro_set_name(&c->macros, name, value);
}

static void
env_message(void *ctx, const char *text)
{
	struct conf *c = ctx;

	if (c->user_out) {
		dstr_puts(c->user_out, text);
		dstr_putc(c->user_out, '\n');
	} else
		msg_warn("%s", text);
}

static void
env_failed(void *ctx, int code)
{
	struct conf *c = ctx;

	if (c->exit_status == 0)
		c->exit_status = code;
}

static int
env_class_has(void *ctx, const char *cls, const char *word)
{
	struct conf *c = ctx;

	return class_has(c->classes, macro_id(cls, strlen(cls)), word, strlen(word));
}

static void
add_words(struct conf *c, int cls, const char *text)
{
	const char *p = text, *q;
	char *w;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		for (q = p; *q && !isspace((unsigned char)*q); q++)
			;
		w = xstrndup(p, (size_t)(q - p));
		class_add(c->classes, cls, w);
		free(w);
		p = q;
	}
}

/* class_words: a C line: words are macro-expanded; "$=X" copies class X. */
static void
class_words(struct conf *c, int cls, char **words, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *w = words[i];
		dstr ex = DSTR_INIT;

		if (w[0] == '$' && w[1] == '=') {
			const char *p = w + 2;
			int from = macro_parse_ref(&p);
			dstr list = DSTR_INIT;

			class_list(c->classes, from, &list);
			add_words(c, cls, dstr_cstr(&list));
			dstr_free(&list);
			continue;
		}
		macro_expand(&c->macros, w, &ex);
		add_words(c, cls, dstr_cstr(&ex));
		dstr_free(&ex);
	}
}

/* file_class: an F line: a file (each line's words, or what a scanf
 * format picks), or |program output. */
static void
file_class(struct conf *c, const struct cf_item *it, int cls)
{
	dstr path = DSTR_INIT;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	int is_prog;

	macro_expand(&c->macros, it->value, &path);
	is_prog = path.s && path.s[0] == '|';
	if (is_prog)
		fp = popen(path.s + 1, "r");
	else
		fp = fopen(dstr_cstr(&path), "r");
	if (fp == NULL) {
		if (!it->optional) {
			int e = errno;

			if (c->exit_status == 0)
				c->exit_status = EX_OSERR;
			msg_at(c, it, "fileclass: cannot open '%s': %s",
			    dstr_cstr(&path), strerror(e));
		}
		dstr_free(&path);
		return;
	}
	while (getline(&line, &cap, fp) > 0) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = '\0';
		if (line[0] == '#')
			continue;
		if (it->extra) {
			char *word = xcalloc(strlen(line) + 1, 1);

			if (sscanf(line, it->extra, word) == 1)
				add_words(c, cls, word);
			free(word);
		} else
			add_words(c, cls, line);
	}
	free(line);
	if (is_prog)
		pclose(fp);
	else
		fclose(fp);
	dstr_free(&path);
}

static void
predefine(struct conf *c)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	static const char *const persistent[] = { "_", "r", "s", "{daemon_flags}", "{if_addr}" };
	size_t i;

	macro_set(&c->macros, 'n', "MAILER-DAEMON");
	macro_set(&c->macros, 'v', SENDWELL_COMPAT_VERSION);
	macro_set_name(&c->macros, "opMode", c->test_mode ? "t" : "d");
	macro_set(&c->macros, '_', "root@localhost");
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", gmtime_r(&now, &tm));
	macro_set(&c->macros, 'b', date);
	class_add(c->classes, 'e', "7bit");
	class_add(c->classes, 'e', "8bit");
	class_add(c->classes, 'e', "binary");
	class_add(c->classes, 'n', "multipart/signed");
	class_add(c->classes, 's', "rfc822");
	for (i = 0; i < sizeof(persistent) / sizeof(*persistent); i++)
		class_add(c->classes, macro_id("persistentMacros", 16), persistent[i]);
}

/* version_line: V<level>[/<vendor>]: a number sendmail knows (10), and
 * the one vendor it accepts */
static void
version_line(struct conf *c, const struct cf_item *it)
{
	const char *v = it->value;

	while (isspace((unsigned char)*v))
		v++;
	if (!isdigit((unsigned char)*v)) {
		/* shown as sendmail shows it: the first 20 bytes of the text
		 * with its macro references already turned into a marker
		 * byte (0x01) and the name ("$$" is one '$') */
		dstr shown = DSTR_INIT;
		const char *p;

		for (p = v; *p && shown.len < 20; p++) {
			if (p[0] == '$' && p[1] == '$')
				dstr_putc(&shown, *p++);
			else if (p[0] == '$' && p[1] == '{') {
				const char *e = strchr(p, '}');

				dstr_putc(&shown, 0x01);
				if (e == NULL)
					break;
				dstr_append(&shown, p + 2, (size_t)(e - p - 2));
				p = e;
			} else if (p[0] == '$' && p[1])
				dstr_putc(&shown, 0x01);
			else
				dstr_putc(&shown, *p);
		}
		dstr_truncate(&shown, shown.len > 20 ? 20 : shown.len);
		msg_at(c, it, "invalid argument to V line: \"%s\"", dstr_cstr(&shown));
		dstr_free(&shown);
	} else {
		c->level = atoi(v);
		if (c->level < 10)
			dstr_printf(&c->msgs, "Warning: .cf file is out of date: sendmail %s "
			    "supports version 10, .cf file is version %d\n",
			    SENDWELL_COMPAT_VERSION, c->level);
		else if (c->level > 10) {
			dstr_printf(&c->msgs, "Warning: .cf version level (%d) exceeds "
			    "sendmail version %s functionality (10)\n",
			    c->level, SENDWELL_COMPAT_VERSION);
			if (c->exit_status == 0)
				c->exit_status = EX_SOFTWARE;
		}
	}
	free(c->vendor);
	c->vendor = it->extra ? xstrdup(it->extra) : NULL;
	if (it->extra && strcasecmp(it->extra, "Berkeley") != 0)
		msg_at(c, it, "invalid V line vendor code: \"%s\"", it->extra);
}

static void
load_items(struct conf *c, struct cf_file *cf)
{
	dstr m = DSTR_INIT;
	int cur_rs = -1;
	size_t i;

	for (i = 0; i < cf->nitems; i++) {
		const struct cf_item *it = &cf->items[i];

		switch (it->kind) {
		case CF_ERROR:
			msg_at(c, it, "%s", it->text);
			break;
		case CF_VERSION:
			version_line(c, it);
			break;
		case CF_DEFINE: {
			char *v = munch(it->value);

			macro_set_name(&c->macros, it->name, v);
			free(v);
			if (strcmp(it->name, "o") == 0)
				set_operators(c);
			break;
		}
		case CF_CLASS:
			class_words(c, macro_id(it->name, strlen(it->name)), it->words, it->nwords);
			break;
		case CF_FILECLASS:
			file_class(c, it, macro_id(it->name, strlen(it->name)));
			break;
		case CF_OPTION:
			if (it->extra && it->name[0] == 'M') {
				/* OMxvalue: define macro x */
				char nm[2] = { it->value[0], '\0' };

				if (it->value[0])
					macro_set_name(&c->macros, nm, it->value + 1);
				break;
			}
			options_set(c->opts, it->name, it->extra != NULL, it->value, &m);
			msgs_at(c, it, &m);
			if (strcmp(it->name, "OperatorChars") == 0)
				set_operators(c);
			break;
		case CF_HEADER: {
			struct hdrdef *h;

			if (c->nheaders == c->capheaders) {
				c->capheaders = c->capheaders ? c->capheaders * 2 : 16;
				c->headers = xreallocarray(c->headers, c->capheaders, sizeof(*h));
			}
			h = &c->headers[c->nheaders++];
			memset(h, 0, sizeof(*h));
			h->name = xstrdup(it->name);
			{
				const char *v = it->value;

				while (*v == ' ' || *v == '\t')
					v++;
				h->value = xstrdup(v);
			}
			h->cond = it->extra ? xstrdup(it->extra) : NULL;
			break;
		}
		case CF_MAP: {
			dstr line = DSTR_INIT;

			dstr_printf(&line, "%s %s", it->name, it->value);
			if (map_define(c->maps, line.s, &m) == NULL && m.len == 0)
				dstr_printf(&m, "readcf: map %s: bad map declaration\n", it->name);
			msgs_at(c, it, &m);
			dstr_free(&line);
			break;
		}
		case CF_MAILER:
			mailer_define(c, it->name, it->words, it->nwords, it->file, it->line);
			break;
		case CF_RULESET: {
			dstr nm = DSTR_INIT;

			dstr_puts(&nm, it->name);
			if (it->value)
				dstr_printf(&nm, "=%s", it->value);
			cur_rs = ruleset_declare(&c->rules, nm.s, 1, &m);
			if (cur_rs >= 0)
				c->rules.rs[cur_rs].defined = 1;
			msgs_at(c, it, &m);
			dstr_free(&nm);
			break;
		}
		case CF_RULE:
			if (cur_rs < 0) {
				msg_at(c, it, "missing valid ruleset for \"%s\"", it->text);
				break;
			}
			rule_compile(&c->rules, cur_rs, it->lhs, it->rhs, &c->macros,
			    &c->syntax, c->pool, it->file, it->line, &m);
			msgs_at(c, it, &m);
			break;
		case CF_PRECEDENCE:
			c->precedence_names = xreallocarray(c->precedence_names, c->nprec + 1, sizeof(char *));
			c->precedence_vals = xreallocarray(c->precedence_vals, c->nprec + 1, sizeof(int));
			c->precedence_names[c->nprec] = xstrdup(it->name);
			c->precedence_vals[c->nprec++] = it->value ? atoi(it->value) : 0;
			break;
		case CF_TRUSTED: {
			size_t k;

			for (k = 0; k < it->nwords; k++)
				class_add(c->classes, 't', it->words[k]);
			break;
		}
		default:
			break;
		}
	}
	dstr_free(&m);
}

struct conf *
conf_load(const char *path, int test_mode, char **overrides, int noverrides)
{
	struct conf *c = xcalloc(1, sizeof(*c));
	struct map_env env;
	struct cf_file cf = { 0 };
	dstr errs = DSTR_INIT, m = DSTR_INIT;
	int i;

	c->pool = pool_new();
	c->path = xstrdup(path);
	c->test_mode = test_mode;
	dstr_init(&c->msgs);
	macro_table_init(&c->macros, NULL);
	c->classes = class_table_new();
	c->opts = options_new();
	ruleset_table_init(&c->rules);
	env.ctx = c;
	env.macro_get = env_macro_get;
	env.macro_set = env_macro_set;
	env.class_has = env_class_has;
	env.message = env_message;
	env.failed = env_failed;
	c->maps = map_registry_new(&env);
	predefine(c);
	identity_init(c, NULL);
	mailer_setup_builtins(c);
	set_operators(c);
	if (cf_read(path, &cf, &errs) < 0) {
		dstr_puts(&c->msgs, dstr_cstr(&errs));
		c->nerrors++;
		/* sendmail stops here with EX_OSFILE */
		c->exit_status = EX_OSFILE;
	} else {
		c->nerrors += cf.nerrors;
		load_items(c, &cf);
	}
	for (i = 0; i < noverrides; i++) {
		char *eq = strchr(overrides[i], '=');
		char *name = eq ? xstrndup(overrides[i], (size_t)(eq - overrides[i])) : xstrdup(overrides[i]);

		options_set(c->opts, name, 0, eq ? eq + 1 : "", &m);
		free(name);
	}
	dstr_puts(&c->msgs, dstr_cstr(&m));
	{
		static const char *const mapopts[] = {
			"ServiceSwitchFile", "HostsFile", "ResolverOptions",
			"DontProbeInterfaces", "Timeout.resolver.retrans",
			"Timeout.resolver.retry", "AliasFile", "DeliveryMode", NULL
		};
		const char *const *o;

		for (o = mapopts; *o; o++)
			if (options_get(c->opts, *o) &&
			    /* -bt answers as if delivering now, as sendmail's
			     * does: no map is deferred there */
			    !(test_mode && strcmp(*o, "DeliveryMode") == 0))
				map_registry_set_option(c->maps, *o, options_get(c->opts, *o));
	}
	c->blanksub = options_get(c->opts, "BlankSub") && *options_get(c->opts, "BlankSub") ?
	    (unsigned char)*options_get(c->opts, "BlankSub") : ' ';
	ruleset_resolve_calls(&c->rules);
	mailer_resolve(c);
	identity_after_cf(c, NULL);
	set_operators(c);
	/* sendmail's startup advice when $j has no domain part */
	if (test_mode && macro_get(&c->macros, 'j') && !strchr(macro_get(&c->macros, 'j'), '.'))
		dstr_printf(&c->msgs, "WARNING: local host name (%s) is not qualified; "
		    "see cf/README: WHO AM I?\n", macro_get(&c->macros, 'j'));
	/* main says "No local mailer defined"; it is an error (exit 70) */
	if (conf_mailer(c, "local") == NULL && c->exit_status == 0)
		c->exit_status = EX_SOFTWARE;
	map_define_builtins(c->maps);
	dstr_clear(&m);
	map_open_all(c->maps, &m);
	dstr_puts(&c->msgs, dstr_cstr(&m));
	cf_file_free(&cf);
	dstr_free(&errs);
	dstr_free(&m);
	return c;
}

void
conf_free(struct conf *c)
{
	int i;
	size_t k;

	if (c == NULL)
		return;
	map_registry_free(c->maps);
	for (i = 0; i < c->nmailers; i++)
		mailer_free(c->mailers[i]);
	for (k = 0; k < c->nheaders; k++) {
		free(c->headers[k].name);
		free(c->headers[k].value);
		free(c->headers[k].cond);
	}
	free(c->headers);
	for (k = 0; k < c->nmapnames; k++)
		free(c->mapnames[k]);
	free(c->mapnames);
	for (i = 0; i < MAXRWSETS; i++) {
		free((char *)c->rules.rs[i].name);
		free(c->rules.rs[i].rules);
	}
	for (k = 0; k < c->nprec; k++)
		free(c->precedence_names[k]);
	free(c->precedence_names);
	free(c->precedence_vals);
	macro_table_free(&c->macros);
	class_table_free(c->classes);
	options_free(c->opts);
	dstr_free(&c->msgs);
	free(c->vendor);
	free(c->path);
	pool_free(c->pool);
	free(c);
}

struct mailer *
conf_mailer(const struct conf *c, const char *name)
{
	int i;

	for (i = 0; i < c->nmailers; i++)
		if (c->mailers[i] && strcmp(c->mailers[i]->name, name) == 0)
			return c->mailers[i];
	return NULL;
}

int
conf_map_index(struct conf *c, const char *name)
{
	size_t i;

	for (i = 0; i < c->nmapnames; i++)
		if (strcmp(c->mapnames[i], name) == 0)
			return (int)i + 1;
	if (map_find(c->maps, name) == NULL)
		return 0;
	if (c->nmapnames == c->capmapnames) {
		c->capmapnames = c->capmapnames ? c->capmapnames * 2 : 16;
		c->mapnames = xreallocarray(c->mapnames, c->capmapnames, sizeof(char *));
	}
	c->mapnames[c->nmapnames++] = xstrdup(name);
	return (int)c->nmapnames;
}

map *
conf_map_by_index(const struct conf *c, int idx)
{
	if (idx <= 0 || (size_t)idx > c->nmapnames)
		return NULL;
	return map_find(c->maps, c->mapnames[idx - 1]);
}

void
conf_delivering(struct conf *c)
{
	map_registry_set_option(c->maps, "DeliveryMode", "background");
}
