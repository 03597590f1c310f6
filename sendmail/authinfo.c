/* authinfo: client AUTH credentials from the config (see authinfo.h).
 * The ruleset answers "$# <entry>"; the entry is the text of an
 * authinfo (or access) map value such as
 *   "U:smmsp" "I:relayuser" "P:secret" "M:PLAIN LOGIN"  */
#include "config.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/log.h"
#include "base/xalloc.h"
#include "addr/addr_util.h"
#include "io/base64.h"
#include "sendmail/authinfo.h"
#include "sendmail/rewrite.h"

void
authinfo_free(struct authinfo *a)
{
	free(a->user);
	free(a->authid);
	if (a->pass)
		memset(a->pass, 0, strlen(a->pass));
	free(a->pass);
	free(a->realm);
	free(a->mechs);
	memset(a, 0, sizeof(*a));
}

static void
set_item(struct authinfo *a, const char *item, size_t len)
{
	char **slot = NULL;
	char key;
	int b64;

	if (len < 2 || (item[1] != ':' && item[1] != '='))
		return;
	key = (char)toupper((unsigned char)item[0]);
	b64 = item[1] == '=';
	switch (key) {
	case 'U':
		slot = &a->user;
		break;
	case 'I':
		slot = &a->authid;
		break;
	case 'P':
		slot = &a->pass;
		break;
	case 'R':
		slot = &a->realm;
		break;
	case 'M':
		slot = &a->mechs;
		break;
	default:
		return;
	}
	free(*slot);
	if (b64 && key == 'P') {
		dstr d = DSTR_INIT;

		if (base64_decode(&d, item + 2, len - 2) != 0) {
			dstr_free(&d);
			*slot = NULL;
			return;
		}
		*slot = dstr_steal(&d);
	} else
		*slot = xstrndup(item + 2, len - 2);
}

int
authinfo_parse(const char *text, struct authinfo *out)
{
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *start;

		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			break;
		if (*p == '"') {
			start = ++p;
			while (*p && *p != '"')
				p++;
			set_item(out, start, (size_t)(p - start));
			if (*p == '"')
				p++;
			continue;
		}
		start = p;
		while (*p && !isspace((unsigned char)*p) && *p != '"')
			p++;
		set_item(out, start, (size_t)(p - start));
	}
	if (out->authid == NULL && out->user)
		out->authid = xstrdup(out->user);
	if (out->user == NULL && out->authid)
		out->user = xstrdup(out->authid);
	if (out->pass == NULL || out->authid == NULL) {
		authinfo_free(out);
		return -1;
	}
	return 0;
}

/* the DefaultAuthInfo file: user id, authorization id, password,
 * realm and mechanisms, one per line */
static int
default_file(const char *path, struct authinfo *out)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int n = 0;

	memset(out, 0, sizeof(*out));
	if (fp == NULL)
		return 0;
	while (n < 5 && (len = getline(&line, &cap, fp)) >= 0) {
		char **slot[5] = { &out->authid, &out->user, &out->pass, &out->realm, &out->mechs };

		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = '\0';
		*slot[n++] = xstrdup(line);
	}
	free(line);
	fclose(fp);
	if (out->user && *out->user == '\0') {
		free(out->user);
		out->user = NULL;
	}
	if (out->user == NULL && out->authid)
		out->user = xstrdup(out->authid);
	if (out->pass == NULL || out->authid == NULL || *out->authid == '\0') {
		authinfo_free(out);
		return 0;
	}
	return 1;
}

int
authinfo_lookup(struct conf *c, const char *server_name, const char *server_addr,
    struct authinfo *out)
{
	int rs = ruleset_lookup(&c->rules, "authinfo");
	const char *dflt = options_get(c->opts, "DefaultAuthInfo");

	memset(out, 0, sizeof(*out));
	if (rs >= 0 && c->rules.rs[rs].n > 0) {
		struct macro_table mt;
		struct toklist ws = { 0 };
		pool *p = pool_new();
		struct rw_env env;
		const char *end;
		int found = 0;

		macro_table_init(&mt, &c->macros);
		macro_set_name(&mt, "server_name", server_name ? server_name : "");
		macro_set_name(&mt, "server_addr", server_addr ? server_addr : "");
		env.conf = c;
		env.macros = &mt;
		env.pool = p;
		env.out = NULL;
		addr_tokenize(&c->syntax, server_name && *server_name ? server_name : "localhost",
		    '\0', TOK_MODE_EXTERNAL, p, &ws, &end, NULL);
		if (rewrite(&env, &ws, rs) == 0 && ws.n >= 2 && ws.v[0].op == TOK_CANONNET) {
			dstr text = DSTR_INIT;

			addr_cat(&c->syntax, &ws.v[1], ws.n - 1, ' ', &text);
			if (authinfo_parse(dstr_cstr(&text), out) == 0)
				found = 1;
			else
				msg_warn("authinfo for %s: no usable credentials", server_name);
			dstr_free(&text);
		}
		toklist_free(&ws);
		pool_free(p);
		macro_table_free(&mt);
		if (found)
			return 1;
	}
	if (dflt && *dflt)
		return default_file(dflt, out);
	return 0;
}
