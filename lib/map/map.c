/* map: the map framework (see map.h): the registry of a config's maps,
 * K-line parsing with the generic flags, opening, and the lookup path
 * every class shares (dequoting, case folding, match-only, %n and -a
 * rewriting, -T, -t and -D).  Called by sendmail's config loader, the
 * rule engine, -bt, the alias code, makemap and praliases. */
#include "config.h"
#include <ctype.h>
#include <resolv.h>
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
	&map_class_implicit, &map_class_socket, &map_class_null,
	&map_class_arpa, NULL
};

/* the flags every file-like class takes */
#define GENERIC_FLAGS "adfkmoqtvzADNOST"

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

/* clear_class_state: what one declaration of a map sets for its class;
 * a later K line of the same name starts these afresh */
static void
clear_class_state(map *m)
{
	size_t i;

	if (m->cls && m->cls->close && (m->flags & MF_OPEN))
		m->cls->close(m);
	m->flags &= ~(MF_OPEN | MF_VALID | MF_BROKEN | MF_TRIED | MF_IN_MEMORY);
	free(m->file);
	m->file = NULL;
	free(m->open_error);
	m->open_error = NULL;
	free(m->regex_delim);
	m->regex_delim = NULL;
	free(m->regex_subst);
	m->regex_subst = NULL;
	m->regex_basic = m->regex_casefold = 0;
	free(m->dns_type);
	m->dns_type = NULL;
	free(m->dns_base);
	m->dns_base = NULL;
	m->dns_maxrec = 0;
	for (i = 0; i < m->nstack; i++)
		free(m->stack[i]);
	free(m->stack);
	m->stack = NULL;
	m->nstack = 0;
}

static void
map_free(map *m)
{
	clear_class_state(m);
	free(m->name);
	free(m->app);
	free(m->tapp);
	free(m->valcolname);
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

/* resolver_options: ResolverOptions ("+AAONLY -DNSRCH HasWildcardMX")
 * into the RES_* bits to set and clear */
static void
resolver_options(map_registry *reg, const char *value)
{
	static const struct {
		const char *name;
		int bit;
	} opts[] = {
		{ "debug", RES_DEBUG }, { "aaonly", 0 },
		{ "usevc", RES_USEVC }, { "primary", 0 },
		{ "igntc", RES_IGNTC }, { "recurse", RES_RECURSE },
		{ "defnames", RES_DEFNAMES }, { "stayopen", RES_STAYOPEN },
		{ "dnsrch", RES_DNSRCH }, { NULL, 0 }
	};
	char *copy = xstrdup(value), *w, *save = NULL;

	reg->res_set = reg->res_clear = 0;
	reg->wildcard_mx = 0;
	for (w = strtok_r(copy, " \t,", &save); w; w = strtok_r(NULL, " \t,", &save)) {
		int neg = 0, i;

		if (strcasecmp(w, "HasWildcardMX") == 0) {
			reg->wildcard_mx = 1;
			continue;
		}
		if (*w == '+' || *w == '-')
			neg = *w++ == '-';
		for (i = 0; opts[i].name; i++)
			if (strcasecmp(w, opts[i].name) == 0) {
				if (neg) {
					reg->res_clear |= opts[i].bit;
					reg->res_set &= ~opts[i].bit;
				} else {
					reg->res_set |= opts[i].bit;
					reg->res_clear &= ~opts[i].bit;
				}
			}
	}
	free(copy);
}

/* define_aliases: AliasFile=spec,spec... becomes the maps sendmail
 * makes of it: "Alias<n>" per file (class implicit unless "class:"
 * is given), the sequence "aliases.files" of them, and the switch
 * "aliases" that follows the service switch's aliases entry */
static void
define_aliases(map_registry *reg, const char *value)
{
	char *copy = xstrdup(value), *spec, *save = NULL;
	dstr seq = DSTR_INIT, err = DSTR_INIT;
	int n = 0;

	dstr_puts(&seq, "aliases.files sequence");
	for (spec = strtok_r(copy, ",", &save); spec; spec = strtok_r(NULL, ",", &save)) {
		dstr line = DSTR_INIT, mname = DSTR_INIT;
		const char *colon;
		map *m;

		while (isspace((unsigned char)*spec))
			spec++;
		if (*spec == '\0')
			continue;
		dstr_printf(&mname, "Alias%d", n);
		colon = strchr(spec, ':');
		if (colon && spec[0] != '/' && colon > spec)
			dstr_printf(&line, "%s %.*s %s", mname.s, (int)(colon - spec), spec, colon + 1);
		else
			dstr_printf(&line, "%s implicit %s", mname.s, spec);
		map_define(reg, line.s, &err);
		if ((m = map_find(reg, mname.s)) != NULL)
			m->flags |= MF_ALIAS;
		dstr_printf(&seq, " %s", mname.s);
		dstr_free(&line);
		dstr_free(&mname);
		dstr_clear(&err);
		n++;
	}
	map_define(reg, seq.s, &err);
	dstr_free(&seq);
	dstr_free(&err);
	free(copy);
}

void
map_registry_set_option(map_registry *reg, const char *name, const char *value)
{
	if (value == NULL)
		value = "";
	if (strcasecmp(name, "ServiceSwitchFile") == 0) {
		free(reg->service_switch);
		reg->service_switch = xstrdup(value);
	} else if (strcasecmp(name, "HostsFile") == 0) {
		free(reg->hosts_file);
		reg->hosts_file = xstrdup(value);
	} else if (strcasecmp(name, "ResolverOptions") == 0) {
		free(reg->resolver_options);
		reg->resolver_options = xstrdup(value);
		resolver_options(reg, value);
	} else if (strcasecmp(name, "Timeout.resolver.retrans") == 0)
		reg->res_retrans = atoi(value);
	else if (strcasecmp(name, "Timeout.resolver.retry") == 0)
		reg->res_retry = atoi(value);
	else if (strcasecmp(name, "DeliveryMode") == 0)
		reg->deferred = (value[0] == 'd' || value[0] == 'D');
	else if (strcasecmp(name, "AliasFile") == 0)
		define_aliases(reg, value);
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

int
map_is_name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.';
}

/* word_end: the end of the word starting at p */
static char *
word_end(char *p)
{
	while (*p && !isspace((unsigned char)*p))
		p++;
	return p;
}

/* next_word: the word after end (skipping blanks), for flags that take
 * their value from the next word ("-k 1", "-R A"); *after is moved past */
static char *
next_word(char *end, char **after)
{
	char *v = end, *ve;

	while (isspace((unsigned char)*v))
		v++;
	ve = word_end(v);
	*after = ve;
	return xstrndup(v, (size_t)(ve - v));
}

/* time_value: sendmail's interval syntax ("5", "10s", "2m", "1h30m"),
 * in seconds; a unit it does not know is reported and read as seconds */
static int
time_value(const char *s, dstr *err)
{
	long total = 0;

	while (*s) {
		char *end;
		long n = strtol(s, &end, 10), mult = 1;

		if (end == s && *s != '\0' && !isalpha((unsigned char)*s))
			break;
		s = end;
		switch (*s) {
		case 'w': mult = 7L * 24 * 3600; s++; break;
		case 'd': mult = 24L * 3600; s++; break;
		case 'h': mult = 3600; s++; break;
		case 'm': mult = 60; s++; break;
		case 's': s++; break;
		case '\0': break;
		default:
			dstr_printf(err, "Invalid time unit `%c'\n", *s);
			s++;
			break;
		}
		if (n > 0 && n < 100000000L / mult)
			total += n * mult;
	}
	return total > 100000000L ? 100000000 : (int)total;
}

/* column_delim: -z's value: one character, or "\n" / "\t" */
static char
column_delim(const char *v)
{
	if (v[0] == '\\' && v[1] == 'n')
		return '\n';
	if (v[0] == '\\' && v[1] == 't')
		return '\t';
	return v[0];
}

int
map_parse_args(map *m, char *args, dstr *err)
{
	const char *accept = m->cls->flag_letters ? m->cls->flag_letters : GENERIC_FLAGS;
	char *p = args;

	for (;;) {
		char *end, *val, *after;
		int c;

		while (isspace((unsigned char)*p))
			p++;
		if (*p != '-')
			break;
		end = word_end(p);
		c = (unsigned char)p[1];
		val = xstrndup(p + (c ? 2 : 1), (size_t)(end - p - (c ? 2 : 1)));
		after = end;
		if (c == '\0' || !strchr(accept, c)) {
			if (!m->cls->lenient)
				dstr_printf(err, "Illegal option %c map %s\n", c ? c : ' ', m->name);
			free(val);
			p = end;
			continue;
		}
		/* these take the next word when nothing follows the letter */
		if (*val == '\0' && strchr("kvRBZ", c)) {
			free(val);
			val = next_word(end, &after);
		}
		switch (c) {
		case 'A': m->flags |= MF_APPEND; break;
		case 'a': free(m->app); m->app = xstrdup(val); break;
		case 'D': m->flags |= MF_DEFER; break;
		case 'd':
			m->timeout = time_value(val, err);
			m->dns_retrans = m->timeout;
			break;
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
		case 'S': m->spacesub = val[0]; break;
		case 's': m->spacesub = val[0]; break;
		case 'T': free(m->tapp); m->tapp = xstrdup(val); break;
		case 't': m->flags |= MF_NODEFER; break;
		case 'k': m->keycol = atoi(val); break;
		case 'v':
			m->valcol = atoi(val);
			free(m->valcolname);
			m->valcolname = xstrdup(val);
			break;
		case 'z': m->coldelim = column_delim(val); break;
		case 'R': free(m->dns_type); m->dns_type = xstrdup(val); break;
		case 'Z': m->dns_maxrec = atoi(val); break;
		case 'B': free(m->dns_base); m->dns_base = xstrdup(val); break;
		case 'r': m->dns_retry = atoi(val); break;
		case 'L': m->log_prio = atoi(val); break;
		default:
			break;
		}
		free(val);
		p = after;
	}
	while (isspace((unsigned char)*p))
		p++;
	switch (m->cls->file_kind) {
	case MAP_FILE_WORD:
		if (*p) {
			m->file = xstrndup(p, (size_t)(word_end(p) - p));
			return 0;
		}
		break;
	case MAP_FILE_REST:
		if (*p) {
			size_t n = strlen(p);

			while (n > 0 && isspace((unsigned char)p[n - 1]))
				n--;
			m->file = xstrndup(p, n);
			return 0;
		}
		break;
	case MAP_FILE_NONE:
		return 0;
	}
	dstr_printf(err, "No file name for %s map %s\n", m->cls->name, m->name);
	return -1;
}

map *
map_define(map_registry *reg, const char *kline, dstr *err)
{
	const char *p = kline, *ns, *cs;
	const struct map_class *const *c;
	size_t nlen, clen, i;
	char *name, *args;
	map *m = NULL;

	while (isspace((unsigned char)*p))
		p++;
	for (ns = p; map_is_name_char((unsigned char)*p); p++)
		;
	nlen = (size_t)(p - ns);
	/* the character that ends the name separates it from the class */
	if (*p)
		p++;
	while (isspace((unsigned char)*p))
		p++;
	for (cs = p; isalnum((unsigned char)*p); p++)
		;
	clen = (size_t)(p - cs);
	if (nlen == 0) {
		dstr_puts(err, "readcf: config K line: no map name\n");
		return NULL;
	}
	name = xstrndup(ns, nlen);
	if (clen == 0) {
		dstr_printf(err, "readcf: config K line, map %s: no map class\n", name);
		free(name);
		return NULL;
	}
	for (c = classes; *c; c++)
		if (strlen((*c)->name) == clen && strncasecmp((*c)->name, cs, clen) == 0)
			break;
	if (*c == NULL) {
		dstr_printf(err, "readcf: map %s: class %.*s not available\n", name, (int)clen, cs);
		free(name);
		return NULL;
	}
	/* a later declaration of the same name (names are case-blind)
	 * takes the map over: its class and file are new, the flags it had
	 * stay and the new ones are added, as in sendmail */
	for (i = 0; i < reg->n; i++)
		if (strcasecmp(reg->maps[i]->name, name) == 0) {
			m = reg->maps[i];
			clear_class_state(m);
			free(m->name);
			break;
		}
	if (m == NULL) {
		m = xcalloc(1, sizeof(*m));
		m->flags = MF_TRY0NULL | MF_TRY1NULL;
		if (reg->n == reg->cap) {
			reg->cap = reg->cap ? reg->cap * 2 : 16;
			reg->maps = xreallocarray(reg->maps, reg->cap, sizeof(map *));
		}
		reg->maps[reg->n++] = m;
	}
	m->name = name;
	m->cls = *c;
	m->reg = reg;
	args = xstrdup(p);
	/* a map whose arguments are wrong (no file, a regex that does not
	 * compile) stays declared but not valid: lookups find nothing and
	 * -bt's /map calls it "not open", as in sendmail */
	if ((m->cls->parse ? m->cls->parse(m, args, err) : map_parse_args(m, args, err)) == 0)
		m->flags |= MF_VALID;
	free(args);
	return (m->flags & MF_VALID) ? m : NULL;
}

void
map_define_builtins(map_registry *reg)
{
	/* sendmail itself has the host map ($[ $]) and the aliases switch
	 * (with its "aliases.files" sequence, empty without AliasFile);
	 * configs declare the others they use */
	static const char *const builtins[] = {
		"host host -a. -D", "aliases.files sequence", "aliases switch aliases", NULL
	};
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

/* open_map: one attempt; the reason of a failure is kept in open_error */
static int
open_map(map *m)
{
	dstr e = DSTR_INIT;
	int rc = 0;

	if (m->flags & MF_OPEN)
		return 0;
	if (!(m->flags & MF_VALID))
		return -1;
	m->open_errno = 0;
	free(m->open_error);
	m->open_error = NULL;
	if (m->cls->open && m->cls->open(m, &e) != 0) {
		m->open_error = dstr_steal(&e);
		rc = -1;
	} else
		m->flags |= MF_OPEN;
	dstr_free(&e);
	return rc;
}

void
map_open_all(map_registry *reg, dstr *err)
{
	size_t i;

	/* a map that does not open now is reported when it is first used,
	 * as sendmail does; an optional one stays closed for good */
	for (i = 0; i < reg->n; i++) {
		map *m = reg->maps[i];

		if ((m->flags & (MF_OPEN | MF_TRIED | MF_BROKEN)) || !(m->flags & MF_VALID))
			continue;
		if (open_map(m) == 0 || (m->flags & MF_OPTIONAL))
			m->flags |= MF_TRIED;
	}
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
		m->flags &= ~(MF_OPEN | MF_TRIED);
	}
}

map *
map_find(map_registry *reg, const char *name)
{
	size_t i;

	for (i = 0; i < reg->n; i++)
		if (strcasecmp(reg->maps[i]->name, name) == 0)
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

int
map_ready(map *m)
{
	if (m->flags & MF_OPEN)
		return 1;
	if (!(m->flags & MF_VALID))
		return 0;
	if (m->flags & MF_BROKEN)
		return 1;
	if (m->flags & MF_TRIED)
		return 0;
	m->flags |= MF_TRIED;
	if (open_map(m) == 0)
		return 1;
	if (m->flags & MF_OPTIONAL)
		return 0;
	if (m->open_error && *m->open_error)
		map_say(m, "%s", m->open_error);
	if (m->reg->env.failed)
		m->reg->env.failed(m->reg->env.ctx, m->open_errno ? EX_OSERR : EX_SOFTWARE);
	m->flags |= MF_BROKEN;
	return 1;
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

	dstr_reserve(&d, len + 1);
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

enum lookup_mode {
	LK_RULE,		/* $( $): dequoting, -D, -T and -t apply */
	LK_CLASS,		/* what the class itself answers (-bt /map,
				 * sequence members) */
	LK_RAW			/* the stored value (aliases, praliases) */
};

static char *
lookup(map *m, const char *key, const char *const *args, int nargs,
    int *status, enum lookup_mode mode)
{
	char *k, *val, *out;

	*status = MAP_OK;
	/* -D: in deferred delivery mode the map is not asked at all */
	if (mode == LK_RULE && (m->flags & MF_DEFER) && m->reg->deferred) {
		*status = MAP_TEMPFAIL;
		return NULL;
	}
	if (!map_ready(m))
		return NULL;
	k = (mode != LK_RULE || (m->flags & MF_KEEPQUOTES)) ? xstrdup(key) : strip_quotes(key);
	if (m->flags & MF_OPEN)
		val = m->cls->lookup(m, k, args, nargs, status);
	else {
		/* broken (see map_ready) */
		val = NULL;
		*status = MAP_TEMPFAIL;
	}
	if (val == NULL) {
		if (mode == LK_RULE && *status == MAP_TEMPFAIL) {
			/* -t: a temporary failure counts as not found;
			 * -T: the (dequoted) key comes back with the -T text */
			if (m->flags & MF_NODEFER)
				*status = MAP_OK;
			if (m->tapp != NULL) {
				dstr d = DSTR_INIT;

				dstr_puts(&d, k);
				dstr_puts(&d, m->tapp);
				free(k);
				return dstr_steal(&d);
			}
		}
		free(k);
		return NULL;
	}
	if (mode == LK_RAW || m->cls->returns_rewritten) {
		free(k);
		return val;
	}
	if (m->flags & MF_MATCHONLY)
		out = map_rewrite(m, k, strlen(k), k, NULL, 0);
	else
		out = map_rewrite(m, val, strlen(val), k, args, nargs);
	free(val);
	free(k);
	return out;
}

char *
map_lookup(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	static const char *const noargs[1] = { NULL };

	return lookup(m, key, args ? args : noargs, args ? nargs : 0, status, LK_RULE);
}

char *
map_lookup_verbatim(map *m, const char *key, int *status)
{
	/* no arguments, but %-rewriting still happens: %0 is the key,
	 * %1..%9 are empty (sendmail's /map does the same) */
	static const char *const noargs[1] = { NULL };

	return lookup(m, key, noargs, 0, status, LK_CLASS);
}

char *
map_lookup_in(map *m, const char *key, const char *const *args, int nargs, int *status)
{
	static const char *const noargs[1] = { NULL };

	return lookup(m, key, args ? args : noargs, args ? nargs : 0, status, LK_CLASS);
}

char *
map_lookup_raw(map *m, const char *key, int *status)
{
	return lookup(m, key, NULL, 0, status, LK_RAW);
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
	m->flags &= ~(MF_OPEN | MF_TRIED | MF_BROKEN);
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

void
map_set_duplicates(map *m, int allow)
{
	if (allow)
		m->flags |= MF_DUPS;
	else
		m->flags &= ~MF_DUPS;
}

void
map_set_alias(map *m)
{
	m->flags |= MF_ALIAS;
}

int
map_each(map *m, void (*fn)(void *, const char *, size_t, const char *, size_t), void *arg)
{
	if (!(m->flags & MF_OPEN) && open_map(m) != 0)
		return -1;
	if (m->cls->each == NULL)
		return -1;
	return m->cls->each(m, fn, arg);
}
