/* map: the map framework (see map.h): the registry of a config's maps,
 * K-line parsing with the generic flags, opening, and the lookup path
 * every class shares (dequoting, case folding, match-only, %n and -a
 * rewriting, -T on temporary failure). */
#include "config.h"
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "map/map_impl.h"

static const struct map_class *const classes[] = {
	&map_class_hash, &map_class_btree, &map_class_text, &map_class_host,
	&map_class_dns, &map_class_bestmx, &map_class_dequote,
	&map_class_macro, &map_class_arith, &map_class_sequence,
	&map_class_switch, &map_class_stab, &map_class_user,
	&map_class_regex, &map_class_program, &map_class_syslog,
	&map_class_implicit, &map_class_socket, &map_class_null, NULL
};

map_registry *
map_registry_new(const struct map_env *env)
{
	map_registry *reg = xcalloc(1, sizeof(*reg));

	if (env)
		reg->env = *env;
	reg->res_retrans = -1;
	reg->res_retry = -1;
	return reg;
}

static void
map_free(map *m)
{
	size_t i;

	if (m->cls && m->cls->close && (m->flags & MF_OPEN))
		m->cls->close(m);
	free(m->name);
	free(m->file);
	free(m->app);
	free(m->tapp);
	free(m->valcolname);
	free(m->open_error);
	free(m->regex_delim);
	free(m->regex_subst);
	free(m->dns_type);
	free(m->dns_base);
	for (i = 0; i < m->nstack; i++)
		free(m->stack[i]);
	free(m->stack);
	free(m);
}

void
map_registry_free(map_registry *reg)
{
	size_t i;

	if (reg == NULL)
		return;
	for (i = 0; i < reg->n; i++)
		map_free(reg->maps[i]);
	free(reg->maps);
	map_host_cache_free(reg);
	free(reg->service_switch);
	free(reg->hosts_file);
	free(reg->resolver_options);
	free(reg);
}

const struct map_env *
map_registry_env(const map_registry *reg)
{
	return &reg->env;
}

void
map_registry_set_option(map_registry *reg, const char *name, const char *value)
{
	if (strcasecmp(name, "ServiceSwitchFile") == 0) {
		free(reg->service_switch);
		reg->service_switch = xstrdup(value);
	} else if (strcasecmp(name, "HostsFile") == 0) {
		free(reg->hosts_file);
		reg->hosts_file = xstrdup(value);
	} else if (strcasecmp(name, "ResolverOptions") == 0) {
		free(reg->resolver_options);
		reg->resolver_options = xstrdup(value);
	} else if (strcasecmp(name, "Timeout.resolver.retrans") == 0)
		reg->res_retrans = atoi(value);
	else if (strcasecmp(name, "Timeout.resolver.retry") == 0)
		reg->res_retry = atoi(value);
}

void
map_say(const map *m, const char *fmt, ...)
{
	dstr d = DSTR_INIT;
	va_list ap;

	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	if (m->reg->env.message)
		m->reg->env.message(m->reg->env.ctx, d.s);
	dstr_free(&d);
}

void
map_fold(const map *m, char *key)
{
	if (m->flags & MF_NOFOLDCASE)
		return;
	for (; *key; key++)
		*key = (char)tolower((unsigned char)*key);
}

/* parse_flag_value: "-k0" gives "0"; an empty value takes nothing */
static char *
flag_value(const char *word)
{
	return xstrdup(word + 2);
}

int
map_parse_args(map *m, char *args, dstr *err)
{
	char *p = args;

	for (;;) {
		char *w, *end;

		while (isspace((unsigned char)*p))
			p++;
		if (*p != '-')
			break;
		for (end = p; *end && !isspace((unsigned char)*end); end++)
			;
		w = xstrndup(p, (size_t)(end - p));
		if (w[1] && w[2] == '\0' && strchr("RBZ", w[1])) {
			/* the dns class lets these take their value from the
			 * next word ("-R A") */
			char *v = end, *ve;

			while (isspace((unsigned char)*v))
				v++;
			for (ve = v; *ve && !isspace((unsigned char)*ve); ve++)
				;
			if (ve > v && *v != '-') {
				char *nw = xmalloc(3 + (size_t)(ve - v) + 1);

				nw[0] = '-';
				nw[1] = w[1];
				memcpy(nw + 2, v, (size_t)(ve - v));
				nw[2 + (ve - v)] = '\0';
				free(w);
				w = nw;
				end = ve;
			}
		}
		switch (w[1]) {
		case 'A': m->flags |= MF_APPEND; break;
		case 'a': free(m->app); m->app = flag_value(w); break;
		case 'D': m->flags |= MF_DEFER; break;
		case 'f': m->flags |= MF_NOFOLDCASE; break;
		case 'm': m->flags |= MF_MATCHONLY; break;
		case 'N':
			m->flags |= MF_INCLNULL;
			m->flags &= ~MF_TRY0NULL;
			break;
		case 'O':
			m->flags &= ~MF_TRY1NULL;
			break;
		case 'o': m->flags |= MF_OPTIONAL; break;
		case 'q': m->flags |= MF_KEEPQUOTES; break;
		case 'S': m->spacesub = w[2]; break;
		case 'T': free(m->tapp); m->tapp = flag_value(w); break;
		case 't': m->flags |= MF_NODEFER; break;
		case 'k': m->keycol = atoi(w + 2); break;
		case 'v':
			m->valcol = atoi(w + 2);
			free(m->valcolname);
			m->valcolname = flag_value(w);
			break;
		case 'z': m->coldelim = w[2]; break;
		/* class-specific flags shared by several classes */
		case 'n': m->flags |= MF_REGEX_NOT; break;
		case 'b': m->regex_basic = 1; break;
		case 's': free(m->regex_subst); m->regex_subst = flag_value(w); break;
		case 'd':
			if (m->cls == &map_class_dns || m->cls == &map_class_host)
				m->dns_retrans = atoi(w + 2);
			else {
				free(m->regex_delim);
				m->regex_delim = flag_value(w);
			}
			break;
		case 'R': free(m->dns_type); m->dns_type = flag_value(w); break;
		case 'Z': m->dns_maxrec = atoi(w + 2); break;
		case 'B': free(m->dns_base); m->dns_base = flag_value(w); break;
		case 'r': m->dns_retry = atoi(w + 2); break;
		case 'L': m->log_prio = atoi(w + 2); break;
		default:
			/* sendmail ignores flags a class does not know */
			break;
		}
		free(w);
		p = end;
	}
	while (isspace((unsigned char)*p))
		p++;
	if (*p) {
		size_t n = strlen(p);

		while (n > 0 && isspace((unsigned char)p[n - 1]))
			n--;
		m->file = xstrndup(p, n);
	}
	(void)err;
	return 0;
}

map *
map_define(map_registry *reg, const char *kline, dstr *err)
{
	char *line = xstrdup(kline), *p = line, *name, *cls;
	const struct map_class *const *c;
	map *m;
	size_t i;

	while (isspace((unsigned char)*p))
		p++;
	name = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	while (isspace((unsigned char)*p))
		p++;
	cls = p;
	while (*p && !isspace((unsigned char)*p))
		p++;
	if (*p)
		*p++ = '\0';
	if (*name == '\0' || *cls == '\0') {
		dstr_printf(err, "readcf: map %s: no map class\n", name);
		free(line);
		return NULL;
	}
	for (c = classes; *c; c++)
		if (strcasecmp((*c)->name, cls) == 0)
			break;
	if (*c == NULL) {
		dstr_printf(err, "readcf: map %s: class %s not available\n", name, cls);
		free(line);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->name = xstrdup(name);
	m->cls = *c;
	m->reg = reg;
	m->valcol = 0;
	m->flags = MF_TRY0NULL | MF_TRY1NULL;
	if ((m->cls->parse ? m->cls->parse(m, p, err) : map_parse_args(m, p, err)) != 0) {
		map_free(m);
		free(line);
		return NULL;
	}
	m->flags |= MF_VALID;
	/* a later declaration of the same name replaces the earlier one */
	for (i = 0; i < reg->n; i++)
		if (strcmp(reg->maps[i]->name, m->name) == 0) {
			map_free(reg->maps[i]);
			reg->maps[i] = m;
			free(line);
			return m;
		}
	if (reg->n == reg->cap) {
		reg->cap = reg->cap ? reg->cap * 2 : 16;
		reg->maps = xreallocarray(reg->maps, reg->cap, sizeof(map *));
	}
	reg->maps[reg->n++] = m;
	free(line);
	return m;
}

void
map_define_builtins(map_registry *reg)
{
	/* sendmail itself only has the host map ($[ $]); configs declare
	 * the others they use */
	static const char *const builtins[] = { "host host", NULL };
	const char *const *b;
	dstr err = DSTR_INIT;

	for (b = builtins; *b; b++) {
		char name[32];

		sscanf(*b, "%31s", name);
		if (map_find(reg, name) == NULL)
			map_define(reg, *b, &err);
	}
	dstr_free(&err);
}

static int
open_map(map *m, dstr *err)
{
	dstr e = DSTR_INIT;
	int rc = 0;

	if (m->flags & MF_OPEN)
		return 0;
	if (m->cls->open && m->cls->open(m, &e) != 0) {
		free(m->open_error);
		m->open_error = dstr_steal(&e);
		if (!(m->flags & MF_OPTIONAL) && err)
			dstr_printf(err, "%s\n", m->open_error);
		rc = -1;
	} else {
		m->flags |= MF_OPEN;
		free(m->open_error);
		m->open_error = NULL;
	}
	dstr_free(&e);
	return rc;
}

void
map_open_all(map_registry *reg, dstr *err)
{
	size_t i;

	/* failures are reported when the map is used, as sendmail does */
	for (i = 0; i < reg->n; i++)
		open_map(reg->maps[i], NULL);
	(void)err;
}

void
map_close_all(map_registry *reg)
{
	size_t i;

	for (i = 0; i < reg->n; i++) {
		map *m = reg->maps[i];

		if ((m->flags & MF_OPEN) && m->cls->close)
			m->cls->close(m);
		m->flags &= ~MF_OPEN;
	}
}

map *
map_find(map_registry *reg, const char *name)
{
	size_t i;

	for (i = 0; i < reg->n; i++)
		if (strcmp(reg->maps[i]->name, name) == 0)
			return reg->maps[i];
	return NULL;
}

const char *
map_name(const map *m)
{
	return m->name;
}

const char *
map_class_name(const map *m)
{
	return m->cls->name;
}

const char *
map_file(const map *m)
{
	return m->file;
}

int
map_is_open(const map *m)
{
	return (m->flags & MF_OPEN) != 0;
}

/* strip_quotes: sendmail's stripquotes: drop double quotes and the
 * backslashes that escape a character. */
static char *
strip_quotes(const char *s)
{
	dstr d = DSTR_INIT;

	for (; *s; s++) {
		if (*s == '\\' && s[1]) {
			s++;
			dstr_putc(&d, *s);
		} else if (*s != '"')
			dstr_putc(&d, *s);
	}
	return dstr_steal(&d);
}

char *
map_rewrite(const map *m, const char *value, size_t len, const char *key,
    const char *const *args, int nargs)
{
	dstr d = DSTR_INIT;
	size_t i;

	for (i = 0; i < len; i++) {
		if (value[i] == '%' && i + 1 < len && args != NULL) {
			char c = value[i + 1];

			if (c == '%') {
				dstr_putc(&d, '%');
				i++;
				continue;
			}
			if (c >= '0' && c <= '9') {
				int n = c - '0';

				if (n == 0)
					dstr_puts(&d, key);
				else if (n <= nargs && args[n - 1])
					dstr_puts(&d, args[n - 1]);
				i++;
				continue;
			}
		}
		dstr_putc(&d, value[i]);
	}
	if (m->app)
		dstr_puts(&d, m->app);
	return dstr_steal(&d);
}

/* lookup: the full path; the value is rewritten unless raw; the key is
 * dequoted when the map wants it (rule lookups) and dequote is set */
static char *
lookup(map *m, const char *key, const char *const *args, int nargs,
    int *status, int raw, int dequote)
{
	char *k, *val, *out;

	*status = MAP_OK;
	if (!(m->flags & MF_OPEN)) {
		dstr err = DSTR_INIT;

		if (m->flags & MF_OPTIONAL)
			return NULL;
		if (open_map(m, &err) != 0) {
			map_say(m, "%s", m->open_error ? m->open_error : "map not open");
			dstr_free(&err);
			*status = MAP_TEMPFAIL;
			return NULL;
		}
		dstr_free(&err);
	}
	k = (!dequote || (m->flags & MF_KEEPQUOTES)) ? xstrdup(key) : strip_quotes(key);
	val = m->cls->lookup(m, k, args, nargs, status);
	if (val == NULL) {
		/* -T: rules (not /map) see the key with the -T text */
		if (*status == MAP_TEMPFAIL && m->tapp != NULL && dequote) {
			dstr d = DSTR_INIT;

			dstr_puts(&d, key);
			dstr_puts(&d, m->tapp);
			free(k);
			return dstr_steal(&d);
		}
		free(k);
		return NULL;
	}
	if (raw || m->cls->returns_rewritten) {
		free(k);
		return val;
	}
	if (m->flags & MF_MATCHONLY)
		out = map_rewrite(m, key, strlen(key), key, NULL, 0);
	else
		out = map_rewrite(m, val, strlen(val), key, args, nargs);
	free(val);
	free(k);
	return out;
}

char *
map_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	return lookup(m, key, args, nargs, status, 0, 1);
}

char *
map_lookup_verbatim(map *m, const char *key, int *status)
{
	return lookup(m, key, NULL, 0, status, 0, 0);
}

char *
map_lookup_in(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	return lookup(m, key, args, nargs, status, 0, 0);
}

char *
map_lookup_raw(map *m, const char *key, int *status)
{
	return lookup(m, key, NULL, 0, status, 1, 0);
}

int
map_rebuild_begin(map *m, int append, dstr *err)
{
	if (m->cls->rebuild_begin == NULL) {
		dstr_printf(err, "%s map \"%s\": cannot be rebuilt\n", m->cls->name, m->name);
		return -1;
	}
	if ((m->flags & MF_OPEN) && m->cls->close)
		m->cls->close(m);
	m->flags &= ~MF_OPEN;
	return m->cls->rebuild_begin(m, append, err);
}

int
map_rebuild_store(map *m, const char *key, const char *value, dstr *err)
{
	return m->cls->store(m, key, value, err);
}

int
map_rebuild_commit(map *m, dstr *err)
{
	return m->cls->commit(m, err);
}

void
map_set_write_flags(map *m, int fold, int nul, int replace, int append_dups)
{
	m->flags &= ~(MF_NOFOLDCASE | MF_INCLNULL | MF_REPLACE | MF_APPEND);
	if (!fold)
		m->flags |= MF_NOFOLDCASE;
	if (nul)
		m->flags |= MF_INCLNULL;
	if (replace)
		m->flags |= MF_REPLACE;
	if (append_dups)
		m->flags |= MF_APPEND;
}

int
map_each(map *m, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
	if (!(m->flags & MF_OPEN) && open_map(m, NULL) != 0)
		return -1;
	if (m->cls->each == NULL)
		return -1;
	return m->cls->each(m, fn, arg);
}
