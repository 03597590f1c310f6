/* config: mailboxd's configuration file in dovecot's syntax and setting
 * names (protocols, listen, ssl_cert = <file, mail_location, passdb { },
 * service ... { inet_listener ... }, !include globs); unknown settings are
 * ignored so a guide's dovecot.conf loads.  Called by the main() of
 * mailboxd and mail.local. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "mailboxd.h"

#define MAX_INCLUDE_DEPTH 10
#define MAX_SECTION_DEPTH 10

/* the section stack while reading: "service imap-login", "inet_listener imaps" */
struct frame {
	char *type, *name;
	struct listener_conf *listener;	/* an inet/unix listener being filled */
	struct db_conf *db;		/* a passdb/userdb being filled */
	enum proto service;		/* service imap-login etc.: its protocol */
	enum proto protocol;		/* protocol imap { } */
};

struct reader {
	struct mbconf *c;
	struct frame stack[MAX_SECTION_DEPTH];
	int depth;
	dstr *err;
};

static void
set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

static int
parse_bool(const char *v)
{
	return strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 || strcmp(v, "1") == 0;
}

uint64_t
mbconf_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	while (*end == ' ')
		end++;
	switch (toupper((unsigned char)*end)) {
	case 'K': return v << 10;
	case 'M': return v << 20;
	case 'G': return v << 30;
	case 'T': return v << 40;
	default: return v;
	}
}

void
mbconf_defaults(struct mbconf *c)
{
	char host[256];

	memset(c, 0, sizeof(*c));
	c->protocols = PROTO_IMAP | PROTO_POP3;
	c->disable_plaintext_auth = 1;
	c->auth_mechanisms = xstrdup("plain");
	c->auth_failure_delay = 2;
	c->ssl = SSL_MODE_YES;
	c->ssl_min_protocol = xstrdup("TLSv1.2");
	c->mail_location = xstrdup("mbox:~/mail:INBOX=/var/mail/%u");
	c->first_valid_uid = 500;
	c->first_valid_gid = 1;
	c->default_login_user = xstrdup("nobody");
	c->drop_privileges = 1;
	c->login_greeting = xstrdup("Sendwell mailboxd ready.");
	if (gethostname(host, sizeof(host)) != 0)
		snprintf(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	c->hostname = xstrdup(host);
	c->base_dir = xstrdup("/run/mailboxd");
	c->max_message_size = 64ull << 20;
	c->lmtp_recipient_delimiter = xstrdup("+");
	c->sasl_app = xstrdup("Sendmail");
	c->special_sent = xstrdup("Sent");
	c->special_drafts = xstrdup("Drafts");
	c->special_trash = xstrdup("Trash");
	c->special_junk = xstrdup("Junk");
	c->special_archive = xstrdup("Archive");
}

static enum proto
proto_of_service(const char *name)
{
	if (name == NULL)
		return 0;
	if (strncmp(name, "imap", 4) == 0)
		return PROTO_IMAP;
	if (strncmp(name, "pop3", 4) == 0)
		return PROTO_POP3;
	if (strncmp(name, "lmtp", 4) == 0)
		return PROTO_LMTP;
	return 0;
}

/* a listener named like dovecot's: imaps/pop3s default to implicit TLS */
static struct listener_conf *
find_listener(struct mbconf *c, enum proto p, const char *name, int unix_sock)
{
	struct listener_conf *l;
	size_t i;
	int tls = name && (strcmp(name, "imaps") == 0 || strcmp(name, "pop3s") == 0);

	for (i = 0; i < c->nlisteners; i++) {
		l = &c->listeners[i];
		if (l->proto == p && (unix_sock ? l->path && name && strcmp(l->path, name) == 0 :
		    l->path == NULL && l->ssl == tls && !l->mode))
			return l;
	}
	c->listeners = xreallocarray(c->listeners, c->nlisteners + 1, sizeof(*c->listeners));
	l = &c->listeners[c->nlisteners++];
	memset(l, 0, sizeof(*l));
	l->proto = p;
	l->ssl = tls;
	if (unix_sock) {
		l->path = xstrdup(name ? name : "lmtp");
		l->mode = 0666;
	} else
		l->port = p == PROTO_IMAP ? (tls ? 993 : 143) : p == PROTO_POP3 ? (tls ? 995 : 110) : 24;
	return l;
}

static int
set_listener(struct listener_conf *l, const char *key, const char *v, dstr *err)
{
	if (strcmp(key, "port") == 0) {
		long p = strtol(v, NULL, 10);

		if (p < 0 || p > 65535) {
			dstr_printf(err, "bad port %s", v);
			return -1;
		}
		l->port = (int)p;
	} else if (strcmp(key, "address") == 0)
		set_str(&l->address, v);
	else if (strcmp(key, "ssl") == 0)
		l->ssl = parse_bool(v);
	else if (strcmp(key, "mode") == 0)
		l->mode = (int)strtol(v, NULL, 8);
	return 0;
}

static void
split_list(const char *v, char ***out, size_t *n)
{
	char *copy = xstrdup(v), *save = NULL, *t;
	size_t i;

	for (i = 0; i < *n; i++)
		free((*out)[i]);
	free(*out);
	*out = NULL;
	*n = 0;
	for (t = strtok_r(copy, ", \t", &save); t; t = strtok_r(NULL, ", \t", &save)) {
		*out = xreallocarray(*out, *n + 1, sizeof(char *));
		(*out)[(*n)++] = xstrdup(t);
	}
	free(copy);
}

/* sasl_opt: add a key/value for saslsrv_init */
static void
sasl_opt(struct mbconf *c, const char *k, const char *v)
{
	size_t i;

	for (i = 0; i + 1 < 15 && c->sasl_opts[i]; i += 2) {
		if (strcmp(c->sasl_opts[i], k) == 0) {
			set_str(&c->sasl_opts[i + 1], v);
			return;
		}
	}
	if (i + 1 < 15) {
		c->sasl_opts[i] = xstrdup(k);
		c->sasl_opts[i + 1] = xstrdup(v);
	}
}

/* global settings (outside sections or in sections we flatten) */
static int
set_global(struct mbconf *c, const char *key, const char *v, dstr *err)
{
	if (strcmp(key, "protocols") == 0) {
		char **l = NULL;
		size_t n = 0, i;

		split_list(v, &l, &n);
		c->protocols = 0;
		for (i = 0; i < n; i++) {
			if (strcmp(l[i], "imap") == 0)
				c->protocols |= PROTO_IMAP;
			else if (strcmp(l[i], "pop3") == 0)
				c->protocols |= PROTO_POP3;
			else if (strcmp(l[i], "lmtp") == 0)
				c->protocols |= PROTO_LMTP;
			else if (strcmp(l[i], "none") != 0 && strcmp(l[i], "sieve") != 0) {
				dstr_printf(err, "unknown protocol %s", l[i]);
				return -1;
			}
			free(l[i]);
		}
		free(l);
	} else if (strcmp(key, "listen") == 0)
		split_list(v, &c->listen, &c->nlisten);
	else if (strcmp(key, "disable_plaintext_auth") == 0)
		c->disable_plaintext_auth = parse_bool(v);
	else if (strcmp(key, "auth_mechanisms") == 0) {
		char *p;

		set_str(&c->auth_mechanisms, v);
		for (p = c->auth_mechanisms; *p; p++)
			*p = (char)tolower((unsigned char)*p);
	} else if (strcmp(key, "auth_username_format") == 0)
		set_str(&c->auth_username_format, v);
	else if (strcmp(key, "auth_default_realm") == 0)
		set_str(&c->auth_default_realm, v);
	else if (strcmp(key, "auth_failure_delay") == 0)
		c->auth_failure_delay = strtod(v, NULL);
	else if (strcmp(key, "ssl") == 0) {
		if (strcasecmp(v, "required") == 0)
			c->ssl = SSL_MODE_REQUIRED;
		else
			c->ssl = parse_bool(v) ? SSL_MODE_YES : SSL_MODE_NO;
	} else if (strcmp(key, "ssl_cert") == 0)
		set_str(&c->ssl_cert, v[0] == '<' ? v + 1 : v);
	else if (strcmp(key, "ssl_key") == 0)
		set_str(&c->ssl_key, v[0] == '<' ? v + 1 : v);
	else if (strcmp(key, "ssl_ca") == 0)
		set_str(&c->ssl_ca, v[0] == '<' ? v + 1 : v);
	else if (strcmp(key, "ssl_dh") == 0)
		set_str(&c->ssl_dh, v[0] == '<' ? v + 1 : v);
	else if (strcmp(key, "ssl_min_protocol") == 0)
		set_str(&c->ssl_min_protocol, v);
	else if (strcmp(key, "ssl_cipher_list") == 0)
		set_str(&c->ssl_cipher_list, v);
	else if (strcmp(key, "mail_location") == 0)
		set_str(&c->mail_location, v);
	else if (strcmp(key, "first_valid_uid") == 0)
		c->first_valid_uid = (uid_t)strtoul(v, NULL, 10);
	else if (strcmp(key, "last_valid_uid") == 0)
		c->last_valid_uid = (uid_t)strtoul(v, NULL, 10);
	else if (strcmp(key, "first_valid_gid") == 0)
		c->first_valid_gid = (gid_t)strtoul(v, NULL, 10);
	else if (strcmp(key, "mail_uid") == 0)
		set_str(&c->mail_uid, v);
	else if (strcmp(key, "mail_gid") == 0)
		set_str(&c->mail_gid, v);
	else if (strcmp(key, "default_login_user") == 0)
		set_str(&c->default_login_user, v);
	else if (strcmp(key, "drop_privileges") == 0)
		c->drop_privileges = parse_bool(v);
	else if (strcmp(key, "login_greeting") == 0)
		set_str(&c->login_greeting, v);
	else if (strcmp(key, "hostname") == 0)
		set_str(&c->hostname, v);
	else if (strcmp(key, "base_dir") == 0)
		set_str(&c->base_dir, v);
	else if (strcmp(key, "log_path") == 0 || strcmp(key, "info_log_path") == 0)
		set_str(&c->log_path, v);
	else if (strcmp(key, "quota_rule") == 0) {
		const char *s = strstr(v, "storage=");

		if (s)
			c->quota = mbconf_size(s + 8);
	} else if (strcmp(key, "quota_permanent") == 0)
		c->quota_permanent = parse_bool(v);
	else if (strcmp(key, "mail_max_message_size") == 0 || strcmp(key, "lmtp_max_message_size") == 0)
		c->max_message_size = mbconf_size(v);
	else if (strcmp(key, "recipient_delimiter") == 0)
		set_str(&c->lmtp_recipient_delimiter, v);
	else if (strcmp(key, "postmaster_address") == 0)
		set_str(&c->postmaster_address, v);
	else if (strcmp(key, "sasl_app_name") == 0)
		set_str(&c->sasl_app, v);
	else if (strcmp(key, "sasl_conf_path") == 0)
		set_str(&c->sasl_conf_path, v);
	else if (strncmp(key, "sasl_option_", 12) == 0)
		sasl_opt(c, key + 12, v);
	else if (strcmp(key, "mail_debug") == 0 || strcmp(key, "auth_verbose") == 0 ||
	    strcmp(key, "auth_debug") == 0)
		c->verbose = c->verbose || parse_bool(v);
	return 0;
}

static void
push(struct reader *r, const char *type, const char *name)
{
	struct frame *f = &r->stack[r->depth++], *up = r->depth > 1 ? &r->stack[r->depth - 2] : NULL;
	struct mbconf *c = r->c;

	memset(f, 0, sizeof(*f));
	f->type = xstrdup(type);
	f->name = name ? xstrdup(name) : NULL;
	if (up) {
		f->service = up->service;
		f->protocol = up->protocol;
	}
	if (strcmp(type, "service") == 0)
		f->service = proto_of_service(name);
	else if (strcmp(type, "protocol") == 0)
		f->protocol = proto_of_service(name);
	else if ((strcmp(type, "inet_listener") == 0 || strcmp(type, "unix_listener") == 0) &&
	    f->service) {
		int unix_sock = type[0] == 'u';

		/* only the LMTP service's unix listeners are ours to create */
		if (!unix_sock || f->service == PROTO_LMTP)
			f->listener = find_listener(c, f->service, name, unix_sock);
	} else if (strcmp(type, "passdb") == 0 || strcmp(type, "userdb") == 0) {
		struct db_conf **arr = type[0] == 'p' ? &c->passdbs : &c->userdbs;
		size_t *n = type[0] == 'p' ? &c->npassdbs : &c->nuserdbs;

		*arr = xreallocarray(*arr, *n + 1, sizeof(**arr));
		f->db = &(*arr)[(*n)++];
		memset(f->db, 0, sizeof(*f->db));
	}
}

static void
pop(struct reader *r)
{
	struct frame *f = &r->stack[--r->depth];

	free(f->type);
	free(f->name);
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static char *
unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && ((v[0] == '"' && v[n - 1] == '"') || (v[0] == '\'' && v[n - 1] == '\''))) {
		v[n - 1] = '\0';
		return v + 1;
	}
	return v;
}

static int read_file(struct reader *r, const char *path, int depth, int must);

static int
include(struct reader *r, const char *base, const char *pattern, int depth, int must)
{
	dstr full = DSTR_INIT;
	glob_t g;
	size_t i;
	int rc = 0, gr;

	if (pattern[0] == '/')
		dstr_set(&full, pattern);
	else {
		const char *slash = strrchr(base, '/');

		if (slash)
			dstr_append(&full, base, (size_t)(slash - base) + 1);
		dstr_puts(&full, pattern);
	}
	memset(&g, 0, sizeof(g));
	gr = glob(full.s, 0, NULL, &g);
	if (gr == GLOB_NOMATCH && (!must || strpbrk(pattern, "*?[")))
		rc = 0;
	else if (gr != 0) {
		dstr_printf(r->err, "!include %s: no such file", full.s);
		rc = -1;
	} else
		for (i = 0; i < g.gl_pathc && rc == 0; i++)
			rc = read_file(r, g.gl_pathv[i], depth + 1, must);
	globfree(&g);
	dstr_free(&full);
	return rc;
}

static int
handle_line(struct reader *r, const char *path, int lineno, char *line, int depth)
{
	char *p = trim(line), *eq, *brace;
	struct frame *top = r->depth ? &r->stack[r->depth - 1] : NULL;

	if (*p == '\0' || *p == '#')
		return 0;
	if (strncmp(p, "!include_try ", 13) == 0)
		return include(r, path, trim(p + 13), depth, 0);
	if (strncmp(p, "!include ", 9) == 0)
		return include(r, path, trim(p + 9), depth, 1);
	if (strcmp(p, "}") == 0) {
		if (r->depth == 0) {
			dstr_printf(r->err, "%s line %d: unexpected }", path, lineno);
			return -1;
		}
		pop(r);
		return 0;
	}
	eq = strchr(p, '=');
	brace = strchr(p, '{');
	if (brace && (eq == NULL || brace < eq)) {
		/* "type [name] {" possibly with "key = value }" after it */
		char *head = p, *rest = brace + 1, *name;

		*brace = '\0';
		head = trim(head);
		name = strpbrk(head, " \t");
		if (name) {
			*name++ = '\0';
			name = unquote(trim(name));
		}
		if (r->depth == MAX_SECTION_DEPTH) {
			dstr_printf(r->err, "%s line %d: sections nested too deep", path, lineno);
			return -1;
		}
		push(r, head, name && *name ? name : NULL);
		rest = trim(rest);
		if (*rest) {
			/* one-line section: "inet_listener imaps { port = 993 }" */
			char *close = strrchr(rest, '}');
			int rc = 0;

			if (close) {
				char *s = rest, *save = NULL, *stmt;

				*close = '\0';
				for (stmt = strtok_r(s, ";\n", &save); stmt && rc == 0; stmt = strtok_r(NULL, ";\n", &save))
					rc = handle_line(r, path, lineno, stmt, depth);
				pop(r);
				return rc;
			}
			return handle_line(r, path, lineno, rest, depth);
		}
		return 0;
	}
	if (eq == NULL) {
		dstr_printf(r->err, "%s line %d: expected \"key = value\"", path, lineno);
		return -1;
	}
	*eq = '\0';
	{
		char *key = trim(p), *v = unquote(trim(eq + 1));
		char *close = NULL;

		/* "port = 993 }" closes a one-line section body */
		if (r->depth && (close = strrchr(v, '}')) != NULL && close[1] == '\0' &&
		    strchr(v, '{') == NULL) {
			*close = '\0';
			v = trim(v);
		} else
			close = NULL;
		if (top && top->listener) {
			if (set_listener(top->listener, key, v, r->err) < 0)
				return -1;
		} else if (top && top->db) {
			if (strcmp(key, "driver") == 0)
				set_str(&top->db->driver, v);
			else if (strcmp(key, "args") == 0)
				set_str(&top->db->args, v);
		} else if (top && strcmp(top->type, "mailbox") == 0) {
			if (strcmp(key, "special_use") == 0 && top->name) {
				char **slot = NULL;

				if (strcasestr(v, "\\Sent"))
					slot = &r->c->special_sent;
				else if (strcasestr(v, "\\Drafts"))
					slot = &r->c->special_drafts;
				else if (strcasestr(v, "\\Trash"))
					slot = &r->c->special_trash;
				else if (strcasestr(v, "\\Junk"))
					slot = &r->c->special_junk;
				else if (strcasestr(v, "\\Archive"))
					slot = &r->c->special_archive;
				if (slot)
					set_str(slot, top->name);
			}
		} else if (top && top->protocol && strcmp(key, "mail_plugins") == 0) {
			/* plugins are not ours */
		} else if (set_global(r->c, key, v, r->err) < 0) {
			{
				dstr msg = DSTR_INIT;

				dstr_printf(&msg, "%s line %d: %s", path, lineno, dstr_cstr(r->err));
				dstr_set(r->err, msg.s);
				dstr_free(&msg);
			}
			return -1;
		}
		if (close)
			pop(r);
	}
	return 0;
}

static int
read_file(struct reader *r, const char *path, int depth, int must)
{
	FILE *f;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int lineno = 0, rc = 0;
	dstr joined = DSTR_INIT;

	if (depth > MAX_INCLUDE_DEPTH) {
		dstr_printf(r->err, "%s: !include nested too deep", path);
		return -1;
	}
	f = fopen(path, "re");
	if (f == NULL) {
		if (!must && errno == ENOENT)
			return 0;
		dstr_printf(r->err, "%s: %s", path, strerror(errno));
		return -1;
	}
	while (rc == 0 && (len = getline(&line, &cap, f)) > 0) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		/* a trailing backslash continues the line */
		if (len > 0 && line[len - 1] == '\\') {
			line[len - 1] = ' ';
			dstr_puts(&joined, line);
			continue;
		}
		dstr_puts(&joined, line);
		rc = handle_line(r, path, lineno, joined.s, depth);
		dstr_clear(&joined);
	}
	free(line);
	dstr_free(&joined);
	fclose(f);
	return rc;
}

int
mbconf_load(const char *path, struct mbconf *c, dstr *err)
{
	struct reader r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.c = c;
	r.err = err;
	rc = read_file(&r, path, 0, 1);
	if (rc == 0 && r.depth) {
		dstr_printf(err, "%s: section \"%s\" is not closed", path, r.stack[r.depth - 1].type);
		rc = -1;
	}
	while (r.depth)
		pop(&r);
	return rc;
}

int
mbconf_set(struct mbconf *c, const char *key, const char *value, dstr *err)
{
	return set_global(c, key, value, err);
}
