/* msgwrite: writing a message for a mailer (see msgwrite.h). */
#include "config.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "sendmail/expand.h"
#include "sendmail/mailer.h"
#include "sendmail/msgwrite.h"
#include "sendmail/parseaddr.h"
#include "sendmail/queue.h"

static const char *const sender_headers[] = {
	"From", "Sender", "Reply-To", "Resent-From", "Resent-Sender",
	"Resent-Reply-To", "Errors-To", "Return-Receipt-To", NULL
};
static const char *const rcpt_headers[] = {
	"To", "Cc", "Bcc", "Resent-To", "Resent-Cc", "Resent-Bcc",
	"Apparently-To", NULL
};

static int
in_list(const char *name, const char *const *list)
{
	for (; *list; list++)
		if (strcasecmp(name, *list) == 0)
			return 1;
	return 0;
}

/* cond_ok: a ?flags? header goes to mailers having one of the flags */
static int
cond_ok(const struct header *h, const struct mailer *m)
{
	const char *p;

	if (h->cond == NULL || *h->cond == '\0')
		return 1;
	if (m == NULL)
		return 1;
	for (p = h->cond; *p; p++)
		if (mailer_has_flag(m, *p))
			return 1;
	return 0;
}

/* rewrite_addresses: each address of a header value through the mailer's
 * header rulesets */
static void
rewrite_addresses(struct conf *c, const struct macro_table *mt, const struct mailer *m,
    const char *value, int sender, dstr *out)
{
	char **v;
	size_t n = split_address_list(value, &v), i;
	pool *p = pool_new();
	struct rw_env env = { c, mt, p, NULL };

	if (n == 0)
		dstr_puts(out, value);
	for (i = 0; i < n; i++) {
		if (i > 0)
			dstr_puts(out, ", ");
		remote_name(&env, v[i], m, RN_HEADER | (sender ? RN_SENDER : 0), out);
	}
	free_address_list(v, n);
	pool_free(p);
}

static void
header_value(struct conf *c, const struct envelope *e, const struct header *h,
    const struct mailer *m, const struct macro_table *mt, unsigned flags, dstr *out)
{
	dstr v = DSTR_INIT;

	if (h->from_config)
		macro_expand(mt, h->value, &v);
	else
		dstr_puts(&v, h->value);
	(void)e;
	if (!(flags & MW_RAW_HEADERS) && m != NULL && strchr(v.s ? v.s : "", '\n') == NULL &&
	    (in_list(h->name, sender_headers) || in_list(h->name, rcpt_headers)))
		rewrite_addresses(c, mt, m, dstr_cstr(&v), in_list(h->name, sender_headers), out);
	else
		dstr_puts(out, dstr_cstr(&v));
	dstr_free(&v);
}

/* put: text with "\n" turned into eol */
static void
put(stream *s, const char *p, size_t n, const char *eol)
{
	size_t i, start = 0;

	for (i = 0; i < n; i++) {
		if (p[i] == '\n') {
			stream_write(s, p + start, i - start);
			stream_puts(s, eol);
			start = i + 1;
		}
	}
	stream_write(s, p + start, n - start);
}

void
message_headers_text(struct conf *c, struct envelope *e, const struct macro_table *mt,
    dstr *out)
{
	size_t i;

	for (i = 0; i < e->nhdrs; i++) {
		const struct header *h = &e->hdrs[i];

		if ((e->flags & EF_DELETE_BCC) && strcasecmp(h->name, "Bcc") == 0)
			continue;
		dstr_printf(out, "%s: ", h->name);
		header_value(c, e, h, NULL, mt, MW_RAW_HEADERS, out);
		dstr_putc(out, '\n');
	}
}

int
message_write(struct conf *c, struct envelope *e, const struct mailer *m,
    const struct macro_table *mt, stream *out, unsigned flags, dstr *err)
{
	const char *eol = (flags & MW_CRLF) ? "\r\n" : (m && m->eol ? m->eol : "\n");
	int dots = (flags & MW_DOTS) || (m && mailer_has_flag(m, 'X'));
	int from_quote = m && mailer_has_flag(m, 'E');
	dstr line = DSTR_INIT, path = DSTR_INIT;
	size_t i;
	FILE *body;
	char *buf = NULL;
	size_t cap = 0;
	ssize_t len;

	if (m && mailer_has_flag(m, 'U')) {
		const char *l = options_get(c->opts, "UnixFromLine");
		dstr from = DSTR_INIT;
		struct macro_table fm;

		/* a bounce's From line names MAILER-DAEMON ($g is empty) */
		macro_table_init(&fm, mt);
		if (*envelope_sender_bare(e) == '\0')
			macro_set(&fm, 'g', "MAILER-DAEMON");
		macro_expand(&fm, l ? l : "From $g $d", &from);
		macro_table_free(&fm);
		put(out, from.s ? from.s : "", from.len, eol);
		stream_puts(out, eol);
		dstr_free(&from);
	}
	for (i = 0; i < e->nhdrs; i++) {
		const struct header *h = &e->hdrs[i];

		if (!cond_ok(h, m))
			continue;
		if ((e->flags & EF_DELETE_BCC) &&
		    (strcasecmp(h->name, "Bcc") == 0 || strcasecmp(h->name, "Resent-Bcc") == 0))
			continue;
		dstr_clear(&line);
		dstr_printf(&line, "%s: ", h->name);
		header_value(c, e, h, m, mt, flags, &line);
		put(out, line.s, line.len, eol);
		stream_puts(out, eol);
	}
	stream_puts(out, eol);
	if (!(flags & MW_NO_BODY)) {
		queue_data_path(e, &path);
		body = fopen(path.s, "r");
		if (body == NULL) {
			dstr_printf(err, "cannot open %s: %s", path.s, strerror(errno));
			dstr_free(&line);
			dstr_free(&path);
			return -1;
		}
		while ((len = getline(&buf, &cap, body)) >= 0) {
			int nl = len > 0 && buf[len - 1] == '\n';

			if (nl)
				len--;
			if (dots && len > 0 && buf[0] == '.')
				stream_write(out, ".", 1);
			if (from_quote && len >= 5 && strncmp(buf, "From ", 5) == 0)
				stream_write(out, ">", 1);
			stream_write(out, buf, (size_t)len);
			if (nl)
				stream_puts(out, eol);
			if (stream_out_pending(out) > 65536 && stream_flush(out) != STREAM_OK)
				break;
		}
		free(buf);
		fclose(body);
	}
	dstr_free(&line);
	dstr_free(&path);
	if (stream_flush(out) != STREAM_OK) {
		dstr_printf(err, "write error: %s", strerror(errno));
		return -1;
	}
	return 0;
}
