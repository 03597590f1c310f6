/* cflint: checks on the generated .cf (see cflint.h).  Called by main;
 * runs lib/cf's reader and sendmail's conf_load over the .cf and maps
 * what they say back to the .mc through m4's sync lines. */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "base/dstr.h"
#include "base/xalloc.h"
#include "cfcompiler/cflint.h"
#include "cfcompiler/mclint.h"
#include "sendmail/conf.h"

static const struct {
	const char *map, *feature;
} map_features[] = {
	{ "access", "access_db" },
	{ "virtuser", "virtusertable" },
	{ "mailertable", "mailertable" },
	{ "generics", "genericstable" },
	{ "domaintable", "domaintable" },
	{ "authinfo", "authinfo" },
	{ "dnsbl", "dnsbl" },
	{ "enhdnsbl", "enhdnsbl" },
	{ "bcc", "bcc" },
};

/* options and macros that a non-conf macro of the .mc sets */
static const struct {
	int kind;
	const char *name, *macro;
	int is_define;		/* set with define(`MACRO') (else MACRO(...)) */
} settings[] = {
	{ CF_OPTION, "AliasFile", "ALIAS_FILE", 1 },
	{ CF_OPTION, "HelpFile", "HELP_FILE", 1 },
	{ CF_OPTION, "QueueDirectory", "QUEUE_DIR", 1 },
	{ CF_OPTION, "StatusFile", "STATUS_FILE", 1 },
	{ CF_OPTION, "DaemonPortOptions", "DAEMON_OPTIONS", 0 },
	{ CF_OPTION, "ClientPortOptions", "CLIENT_OPTIONS", 0 },
	{ CF_DEFINE, "S", "SMART_HOST", 1 },
	{ CF_DEFINE, "H", "MAIL_HUB", 1 },
	{ CF_DEFINE, "L", "LUSER_RELAY", 1 },
	{ CF_DEFINE, "M", "MASQUERADE_AS", 0 },
	{ CF_CLASS, "w", "LOCAL_DOMAIN", 0 },
	{ CF_FILECLASS, "w", "use_cw_file", 2 },
	{ CF_FILECLASS, "t", "use_ct_file", 2 },
	{ CF_CLASS, "R", "RELAY_DOMAIN", 0 },
	{ CF_FILECLASS, "R", "RELAY_DOMAIN_FILE", 0 },
	{ CF_CLASS, "M", "MASQUERADE_DOMAIN", 0 },
	{ CF_FILECLASS, "M", "MASQUERADE_DOMAIN_FILE", 0 },
	{ CF_CLASS, "E", "EXPOSED_USER", 0 },
	{ CF_FILECLASS, "E", "EXPOSED_USER_FILE", 0 },
	{ CF_CLASS, "TrustAuthMech", "TRUST_AUTH_MECH", 0 },
};

static const struct {
	const char *mailer, *macro;
} mailer_files[] = {
	{ "local", "local" }, { "prog", "local" },
	{ "smtp", "smtp" }, { "esmtp", "smtp" }, { "smtp8", "smtp" },
	{ "dsmtp", "smtp" }, { "relay", "smtp" },
	{ "procmail", "procmail" }, { "lmtp", "lmtp" },
};

const char *
cflint_feature_of_map(const char *mapname)
{
	size_t i;

	for (i = 0; i < sizeof(map_features) / sizeof(map_features[0]); i++)
		if (strcmp(map_features[i].map, mapname) == 0)
			return map_features[i].feature;
	return NULL;
}

static int
is_user_file(const struct cflint *x, const char *file)
{
	size_t n = strlen(x->libdir);

	if (file == NULL)
		return 0;
	if (x->m4 && ((x->m4->prologue && strcmp(file, x->m4->prologue) == 0) ||
	    (x->m4->epilogue && strcmp(file, x->m4->epilogue) == 0)))
		return 0;
	return !(strncmp(file, x->libdir, n) == 0 && file[n] == '/');
}

static int
call_line(const struct mc_scan *sc, const char *name, const char *arg1)
{
	const struct mc_call *c = mcscan_find(sc, name, arg1);

	return c ? c->line : 0;
}

/* the .mc line that asked for an item the library wrote */
static int
item_line(const struct cflint *x, const struct cf_item *it)
{
	const struct mc_scan *sc = x->sc;
	const struct confname *cn;
	dstr t = DSTR_INIT;
	size_t i;
	int line = 0;

	for (i = 0; i < sizeof(settings) / sizeof(settings[0]) && line == 0; i++) {
		if (settings[i].kind != it->kind || strcmp(settings[i].name, it->name) != 0)
			continue;
		if (settings[i].is_define == 1)
			line = call_line(sc, "define", settings[i].macro);
		else if (settings[i].is_define == 2)
			line = call_line(sc, "FEATURE", settings[i].macro);
		else
			line = call_line(sc, settings[i].macro, NULL);
	}
	if (line)
		return line;
	switch (it->kind) {
	case CF_OPTION:
		dstr_puts(&t, it->name);
		for (i = 0; (cn = confnames_by_target(x->cn, "option", t.s, i)) != NULL && !line; i++)
			line = call_line(sc, "define", cn->name);
		break;
	case CF_DEFINE:
		dstr_printf(&t, strlen(it->name) == 1 ? "$%s" : "${%s}", it->name);
		for (i = 0; (cn = confnames_by_target(x->cn, "macro", t.s, i)) != NULL && !line; i++)
			line = call_line(sc, "define", cn->name);
		break;
	case CF_CLASS:
	case CF_FILECLASS:
		dstr_printf(&t, strlen(it->name) == 1 ? "%c%s" : "%c{%s}", it->kind, it->name);
		for (i = 0; (cn = confnames_by_target(x->cn, "class", t.s, i)) != NULL && !line; i++)
			line = call_line(sc, "define", cn->name);
		break;
	case CF_HEADER:
		dstr_printf(&t, "%s:", it->name);
		for (i = 0; (cn = confnames_by_target(x->cn, "header", t.s, i)) != NULL && !line; i++)
			line = call_line(sc, "define", cn->name);
		break;
	case CF_MAP:
		if (cflint_feature_of_map(it->name))
			line = call_line(sc, "FEATURE", cflint_feature_of_map(it->name));
		break;
	case CF_MAILER:
		for (i = 0; i < sizeof(mailer_files) / sizeof(mailer_files[0]); i++)
			if (strcmp(mailer_files[i].mailer, it->name) == 0)
				line = call_line(sc, "MAILER", mailer_files[i].macro);
		if (line == 0)
			line = call_line(sc, "MAILER", it->name);
		if (line == 0 && strcmp(it->name, "local") == 0)
			line = call_line(sc, "FEATURE", "local_lmtp");
		break;
	default:
		break;
	}
	dstr_free(&t);
	return line;
}

void
cflint_blame(const struct cflint *x, int cfline, const struct cf_item *it,
    const char **file, int *line, int *direct)
{
	const struct mc_call *inc;

	*direct = 0;
	if (x->m4 && cfline >= 1 && (size_t)cfline <= x->m4->nlines) {
		const struct m4_origin *o = &x->m4->origin[cfline - 1];

		if (is_user_file(x, o->file) && o->line > 0) {
			*file = o->file;
			*line = o->line;
			*direct = 1;
			return;
		}
	}
	*file = x->sc->file;
	*line = it ? item_line(x, it) : 0;
	if (*line == 0) {
		inc = mclint_cf_include(x->sc);
		*line = inc ? inc->line : 1;
	}
}

/* ---- text the .mc body wrote into the .cf */

static const char *
closest_builtin(const char *word)
{
	const char *const *b = mcscan_builtins();
	size_t n = 0;

	while (b[n])
		n++;
	return confnames_closest(word, (char *const *)b, n);
}

static void junk_line(const struct cflint *x, const char *p, size_t n, const struct m4_origin *o);

static void
check_junk(const struct cflint *x)
{
	const char *p = dstr_cstr(&x->m4->out);
	size_t i;

	if (!x->m4->saw_marker)
		return;
	for (i = 0; i < x->m4->input_lines && *p; i++) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		junk_line(x, p, n, &x->m4->origin[i]);
		p = nl ? nl + 1 : p + n;
	}
	if (x->m4->partial)
		junk_line(x, x->m4->partial, strlen(x->m4->partial), &x->m4->partial_origin);
}

/* one line of the .cf written while the .mc was read: unless blank or a
 * comment it is junk; a misspelled macro or dnl at its start is named */
static void
junk_line(const struct cflint *x, const char *p, size_t n, const struct m4_origin *o)
{
	dstr word = DSTR_INIT;
	const char *best = NULL;
	size_t k = 0, w;

	while (k < n && isspace((unsigned char)p[k]))
		k++;
	if (k == n || p[0] == '#' || !is_user_file(x, o->file) || o->line <= 0 ||
	    diag_at_line(x->dl, o->file, o->line))
		return;
	for (w = k; w < n && (isalnum((unsigned char)p[w]) || p[w] == '_'); w++)
		;
	if (w > k && w < n && p[w] == '(') {
		dstr_append(&word, p + k, w - k);
		best = confnames_closest(word.s, x->cn->macros, x->cn->nmacros);
		if (best == NULL)
			best = closest_builtin(word.s);
	} else if (w > k && (w == n || isspace((unsigned char)p[w]))) {
		dstr_append(&word, p + k, w - k);
		if (confnames_distance(word.s, "dnl") <= 1)
			best = "dnl";
	}
	if (best && strcmp(best, word.s) != 0)
		diag_add(x->dl, DIAG_ERROR, o->file, o->line,
		    "\"%.*s\" is copied into %s as text: `%s' is not a macro m4 knows"
		    " (did you mean `%s'?)", (int)(n - k), p + k, x->cfname, word.s, best);
	else
		diag_add(x->dl, DIAG_ERROR, o->file, o->line,
		    "\"%.*s\" is copied into %s as text, above its V line (a missing dnl?);"
		    " end the line with dnl, or put .cf lines after LOCAL_CONFIG",
		    (int)(n - k), p + k, x->cfname);
	dstr_free(&word);
}

/* ---- maps */

int
cflint_map_file(const char *value, const char **cls, dstr *text, dstr *db, int *optional)
{
	char *v = xstrdup(value), *save = NULL, *tok, *c;
	int found = 0;

	*optional = 0;
	c = strtok_r(v, " \t", &save);
	if (c == NULL || (strcmp(c, "hash") != 0 && strcmp(c, "btree") != 0)) {
		free(v);
		return 0;
	}
	*cls = strcmp(c, "hash") == 0 ? "hash" : "btree";
	while ((tok = strtok_r(NULL, " \t", &save)) != NULL) {
		if (tok[0] == '-') {
			if (strcmp(tok, "-o") == 0)
				*optional = 1;
			continue;
		}
		if (strchr(tok, '$'))
			break;	/* a macro in the path: cannot tell */
		dstr_clear(text);
		dstr_clear(db);
		dstr_puts(text, tok);
		if (text->len > 3 && strcmp(text->s + text->len - 3, ".db") == 0)
			dstr_truncate(text, text->len - 3);
		dstr_printf(db, "%s.db", text->s);
		found = 1;
		break;
	}
	free(v);
	return found;
}

/* a missing or stale .db: what names the map; rebuild is the command;
 * the text's folder is offered for `make -C' when it holds the maps */
static void
check_db(const struct cflint *x, const char *file, int line, const char *what,
    const char *text, const char *db, int optional, const char *rebuild)
{
	struct stat st_text, st_db;
	int has_text = stat(text, &st_text) == 0, has_db = stat(db, &st_db) == 0;
	const char *slash = strrchr(text, '/');
	dstr dir = DSTR_INIT;

	if (strcmp(what, "aliases") == 0)
		dstr_puts(&dir, "");	/* newaliases is the whole answer */
	else if (slash && slash > text)
		dstr_printf(&dir, " (or: make -C %.*s)", (int)(slash - text), text);
	else
		dstr_printf(&dir, " (or: make -C %s)", slash ? "/" : ".");

	if (!has_db && has_text)
		diag_add(x->dl, DIAG_WARNING, file, line,
		    "%s: %s is missing; build it from %s: %s%s",
		    what, db, text, rebuild, dstr_cstr(&dir));
	else if (!has_db && !optional)
		diag_add(x->dl, DIAG_WARNING, file, line,
		    "%s: neither %s nor its text %s exists, and the map is not optional (-o):"
		    " lookups in it will fail", what, db, text);
	else if (has_db && has_text &&
	    (st_text.st_mtim.tv_sec > st_db.st_mtim.tv_sec ||
	    (st_text.st_mtim.tv_sec == st_db.st_mtim.tv_sec &&
	    st_text.st_mtim.tv_nsec > st_db.st_mtim.tv_nsec)))
		diag_add(x->dl, DIAG_WARNING, file, line,
		    "%s: %s is older than %s (edited since the last rebuild);"
		    " rebuild it: %s%s", what, db, text, rebuild, dstr_cstr(&dir));
	dstr_free(&dir);
}

static void
check_maps(const struct cflint *x, const struct cf_file *cf)
{
	size_t i;

	for (i = 0; i < cf->nitems; i++) {
		const struct cf_item *it = &cf->items[i];
		const char *file;
		int line, direct, optional;
		const char *cls;
		dstr text = DSTR_INIT, db = DSTR_INIT, what = DSTR_INIT, cmd = DSTR_INIT;

		if (it->kind == CF_MAP && it->value &&
		    cflint_map_file(it->value, &cls, &text, &db, &optional)) {
			cflint_blame(x, it->line, it, &file, &line, &direct);
			dstr_printf(&what, "map %s", it->name);
			dstr_printf(&cmd, "makemap %s %s < %s", cls, text.s, text.s);
			check_db(x, file, line, what.s, text.s, db.s, optional, cmd.s);
		} else if (it->kind == CF_OPTION && strcmp(it->name, "AliasFile") == 0 && it->value) {
			char *v = xstrdup(it->value), *save = NULL, *tok;

			cflint_blame(x, it->line, it, &file, &line, &direct);
			for (tok = strtok_r(v, ", \t", &save); tok; tok = strtok_r(NULL, ", \t", &save)) {
				char *colon = strchr(tok, ':');
				const char *path = tok;

				if (colon && colon[1] != '\0') {
					*colon = '\0';
					if (strcmp(tok, "hash") != 0 && strcmp(tok, "btree") != 0)
						continue;
					path = colon + 1;
				}
				if (strchr(path, '$') || path[0] == '\0')
					continue;
				dstr_clear(&db);
				dstr_printf(&db, "%s.db", path);
				check_db(x, file, line, "aliases", path, db.s, 0, "newaliases");
			}
			free(v);
		}
		dstr_free(&text);
		dstr_free(&db);
		dstr_free(&what);
		dstr_free(&cmd);
	}
}

/* ---- the reader and the MTA's loader */

static const struct cf_item *
item_at(const struct cf_file *cf, int line)
{
	size_t lo = 0, hi = cf->nitems;

	/* items are in file order */
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cf->items[mid].line < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo < cf->nitems && cf->items[lo].line == line) {
		if (cf->items[lo].kind != CF_ERROR)
			return &cf->items[lo];
		lo++;
	}
	return NULL;
}

static int
in_body_text(const struct cflint *x, int cfline)
{
	size_t last = x->m4->input_lines + (x->m4->partial ? 1 : 0);

	return x->m4->saw_marker && cfline >= 1 && (size_t)cfline <= last;
}

static void
report(const struct cflint *x, int sev, int cfline, const struct cf_item *it, const char *msg)
{
	const char *file;
	int line, direct;

	if (in_body_text(x, cfline))
		return;		/* check_junk spoke about that line */
	cflint_blame(x, cfline, it, &file, &line, &direct);
	if (cfline > 0)
		diag_add(x->dl, sev, file, line, "%s (%s line %d)", msg, x->cfname, cfline);
	else
		diag_add(x->dl, sev, file, line, "%s", msg);
}

static void
check_loader(const struct cflint *x, const char *path, const struct cf_file *cf)
{
	struct conf *c = conf_load(path, 1, NULL, 0);
	const char *p = dstr_cstr(&c->msgs);
	dstr name = DSTR_INIT;	/* the file name as the messages give it */
	size_t plen, i;

	cf_put_where(&name, path, 0);
	dstr_truncate(&name, name.len - strlen(": line 0: "));
	plen = name.len;

	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		char *msg = xstrndup(p, n);
		int cfline = 0, skip = 0;

		if (strncmp(msg, name.s, plen) == 0 && strncmp(msg + plen, ": line ", 7) == 0) {
			char *rest = msg + plen + 7, *end;

			cfline = (int)strtol(rest, &end, 10);
			if (*end == ':')
				end++;
			while (*end == ' ')
				end++;
			for (i = 0; i < cf->nitems; i++)
				if (cf->items[i].kind == CF_ERROR && cf->items[i].line == cfline)
					skip = 1;	/* already reported as an error */
			if (!skip)
				report(x, DIAG_WARNING, cfline, item_at(cf, cfline), end);
		}
		/* lines without a .cf line are about this machine (its host
		 * name, say), not about the config: they are not ours to judge */
		free(msg);
		p = nl ? nl + 1 : p + n;
	}
	dstr_free(&name);
	conf_free(c);
}

void
cflint_check(const struct cflint *x, const char *path)
{
	struct cf_file cf = { 0 };
	size_t i;

	check_junk(x);
	if (cf_read_buffer(x->cfname, dstr_cstr(&x->m4->out), x->m4->out.len, &cf, NULL) < 0) {
		cf_file_free(&cf);
		return;
	}
	for (i = 0; i < cf.nitems; i++)
		if (cf.items[i].kind == CF_ERROR)
			report(x, DIAG_ERROR, cf.items[i].line, NULL, cf.items[i].text);
	check_loader(x, path, &cf);
	check_maps(x, &cf);
	cf_file_free(&cf);
}
