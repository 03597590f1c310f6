/* smtpd_esmtp: MAIL and RCPT arguments (see smtpd_esmtp.h).  Every
 * length comes from the client's line; nothing is copied into a fixed
 * buffer. */
#include "config.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "base/xalloc.h"
#include "sendmail/envelope.h"
#include "sendmail/smtpd_esmtp.h"

/* addr_end: where the address ends: the first blank outside <>,
 * quotes, comments and backslash escapes */
static const char *
addr_end(const char *p)
{
	int angle = 0, quote = 0, comment = 0;

	for (; *p; p++) {
		if (*p == '\\' && p[1]) {
			p++;
			continue;
		}
		if (quote) {
			if (*p == '"')
				quote = 0;
			continue;
		}
		if (*p == '"')
			quote = 1;
		else if (*p == '(')
			comment++;
		else if (*p == ')' && comment > 0)
			comment--;
		else if (comment == 0 && *p == '<')
			angle++;
		else if (comment == 0 && *p == '>' && angle > 0)
			angle--;
		else if (angle == 0 && comment == 0 && (*p == ' ' || *p == '\t'))
			break;
	}
	return p;
}

int
smtpd_path(const char *arg, const char *kw, char **addr, char **params, dstr *reply)
{
	size_t wl = strcspn(arg, ": \t");
	const char *colon = arg[wl] == ':' ? arg + wl : NULL, *p, *e;

	*addr = *params = NULL;
	if (colon == NULL || wl != strlen(kw) || strncasecmp(arg, kw, wl) != 0) {
		dstr_printf(reply, "501 5.5.2 Syntax error in parameters scanning \"%.*s\"",
		    (int)wl, arg);
		return -1;
	}
	p = colon + 1;
	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0') {
		dstr_printf(reply, "501 5.5.2 Syntax error in parameters scanning \"%.*s\"",
		    (int)wl, arg);
		return -1;
	}
	e = addr_end(p);
	*addr = xstrndup(p, (size_t)(e - p));
	while (*e == ' ' || *e == '\t')
		e++;
	*params = xstrdup(e);
	return 0;
}

/* xtext_ok: RFC 3461 xtext: printable ASCII but "+" and "=", and "+"
 * followed by two hex digits */
static int
xtext_ok(const char *v)
{
	for (; *v; v++) {
		if (*v == '+') {
			if (!isxdigit((unsigned char)v[1]) || !isxdigit((unsigned char)v[2]))
				return 0;
			v += 2;
		} else if (*v < '!' || *v > '~' || *v == '=')
			return 0;
	}
	return 1;
}

/* next_param: the next "KEY[=VALUE]" word of text (from *pos); the
 * key and value are allocated, *val NULL when there is no "=" */
static int
next_param(const char **pos, char **key, char **val)
{
	const char *p = *pos, *w, *eq;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0')
		return 0;
	w = p;
	while (*p && *p != ' ' && *p != '\t')
		p++;
	eq = memchr(w, '=', (size_t)(p - w));
	*key = xstrndup(w, (size_t)((eq ? eq : p) - w));
	*val = eq ? xstrndup(eq + 1, (size_t)(p - eq - 1)) : NULL;
	*pos = p;
	return 1;
}

/* by_ok: DELIVERBY's "BY=seconds;R|N[T]" (RFC 2852) */
static int
by_ok(const char *v, dstr *reply)
{
	char *end;
	const char *semi = strchr(v, ';');

	if (semi == NULL) {
		dstr_puts(reply, "501 5.5.2 BY= missing ';'");
		return 0;
	}
	(void)strtol(v, &end, 10);
	if (end != semi || end == v) {
		dstr_puts(reply, "501 5.5.2 BY= bad time");
		return 0;
	}
	semi++;
	if (toupper((unsigned char)*semi) != 'R' && toupper((unsigned char)*semi) != 'N') {
		dstr_puts(reply, "501 5.5.2 BY= bad mode");
		return 0;
	}
	if (semi[1] && (toupper((unsigned char)semi[1]) != 'T' || semi[2])) {
		dstr_puts(reply, "501 5.5.2 BY= bad trace");
		return 0;
	}
	return 1;
}

/* mail_param: one MAIL parameter; 0 or -1 with the reply */
static int
mail_param(const char *k, const char *v, struct smtpd_mail_params *out, dstr *reply)
{
	static const char *const need_value[] = { "SIZE", "BODY", "RET", "ENVID", "AUTH", "BY" };
	size_t i;

	for (i = 0; i < sizeof(need_value) / sizeof(need_value[0]); i++)
		if (strcasecmp(k, need_value[i]) == 0 && (v == NULL || *v == '\0')) {
			dstr_printf(reply, "501 5.5.2 %s requires a value", need_value[i]);
			return -1;
		}
	if (strcasecmp(k, "SIZE") == 0)
		out->size = strtol(v, NULL, 10);
	else if (strcasecmp(k, "BODY") == 0) {
		if (strcasecmp(v, "7BIT") != 0 && strcasecmp(v, "8BITMIME") != 0) {
			dstr_printf(reply, "501 5.5.4 Unknown BODY type %s", v);
			return -1;
		}
		free(out->body);
		out->body = xstrdup(v);
	} else if (strcasecmp(k, "RET") == 0) {
		if (out->ret) {
			dstr_puts(reply, "501 5.5.0 Duplicate RET parameter");
			return -1;
		}
		if (strcasecmp(v, "HDRS") == 0)
			out->ret = 'H';
		else if (strcasecmp(v, "FULL") == 0)
			out->ret = 'F';
		else {
			dstr_printf(reply, "501 5.5.2 Bad argument \"%s\" to RET", v);
			return -1;
		}
	} else if (strcasecmp(k, "ENVID") == 0) {
		if (out->envid) {
			dstr_puts(reply, "501 5.5.0 Duplicate ENVID parameter");
			return -1;
		}
		if (!xtext_ok(v)) {
			dstr_puts(reply, "501 5.5.4 Syntax error in ENVID parameter value");
			return -1;
		}
		out->envid = xstrdup(v);
	} else if (strcasecmp(k, "AUTH") == 0) {
		if (strcmp(v, "<>") != 0 && !xtext_ok(v)) {
			dstr_puts(reply, "501 5.5.4 Syntax error in AUTH parameter value");
			return -1;
		}
		free(out->auth);
		out->auth = xstrdup(v);
	} else if (strcasecmp(k, "BY") == 0) {
		if (!by_ok(v, reply))
			return -1;
		free(out->by);
		out->by = xstrdup(v);
	} else {
		dstr_printf(reply, "555 5.5.4 %s parameter unrecognized", k);
		return -1;
	}
	return 0;
}

int
smtpd_mail_params(const char *text, struct smtpd_mail_params *out, dstr *reply)
{
	char *k, *v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->size = -1;
	while (rc == 0 && next_param(&text, &k, &v)) {
		rc = mail_param(k, v, out, reply);
		free(k);
		free(v);
	}
	return rc;
}

void
smtpd_mail_params_free(struct smtpd_mail_params *p)
{
	free(p->body);
	free(p->envid);
	free(p->auth);
	free(p->by);
	memset(p, 0, sizeof(*p));
}

/* notify_words: NOTIFY=NEVER or a list of SUCCESS, FAILURE, DELAY */
static int
notify_words(const char *v, unsigned *bits, dstr *reply)
{
	char *list = xstrdup(v), *w, *save = NULL;
	int never = 0, other = 0, rc = 0;

	*bits = RCPT_HAS_NOTIFY;
	for (w = strtok_r(list, ",", &save); w && rc == 0; w = strtok_r(NULL, ",", &save)) {
		if (strcasecmp(w, "NEVER") == 0)
			never = 1;
		else if (strcasecmp(w, "SUCCESS") == 0)
			*bits |= RCPT_NOTIFY_SUCCESS, other = 1;
		else if (strcasecmp(w, "FAILURE") == 0)
			*bits |= RCPT_NOTIFY_FAILURE, other = 1;
		else if (strcasecmp(w, "DELAY") == 0)
			*bits |= RCPT_NOTIFY_DELAY, other = 1;
		else {
			dstr_printf(reply, "501 5.5.4 Bad argument \"%s\"  to NOTIFY", w);
			rc = -1;
		}
	}
	if (rc == 0 && never && other) {
		dstr_puts(reply, "501 5.5.4 Bad argument \"NEVER\"  to NOTIFY");
		rc = -1;
	}
	free(list);
	return rc;
}

/* orcpt_ok: "addr-type;xtext" */
static int
orcpt_ok(const char *v)
{
	const char *semi = strchr(v, ';');
	const char *p;

	if (semi == NULL || semi == v)
		return 0;
	for (p = v; p < semi; p++)
		if (!isalnum((unsigned char)*p) && *p != '-')
			return 0;
	return semi[1] != '\0' && xtext_ok(semi + 1);
}

int
smtpd_rcpt_params(const char *text, struct smtpd_rcpt_params *out, dstr *reply)
{
	char *k, *v;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	while (rc == 0 && next_param(&text, &k, &v)) {
		if ((strcasecmp(k, "NOTIFY") == 0 || strcasecmp(k, "ORCPT") == 0) &&
		    (v == NULL || *v == '\0')) {
			dstr_printf(reply, "501 5.5.2 %s requires a value", k);
			rc = -1;
		} else if (strcasecmp(k, "NOTIFY") == 0)
			rc = notify_words(v, &out->notify, reply);
		else if (strcasecmp(k, "ORCPT") == 0) {
			if (out->orcpt) {
				dstr_puts(reply, "501 5.5.0 Duplicate ORCPT parameter");
				rc = -1;
			} else if (!orcpt_ok(v)) {
				dstr_puts(reply, "501 5.5.4 Syntax error in ORCPT parameter value");
				rc = -1;
			} else
				out->orcpt = xstrdup(v);
		} else {
			dstr_printf(reply, "555 5.5.4 %s parameter unrecognized", k);
			rc = -1;
		}
		free(k);
		free(v);
	}
	return rc;
}

void
smtpd_rcpt_params_free(struct smtpd_rcpt_params *p)
{
	free(p->orcpt);
	memset(p, 0, sizeof(*p));
}
