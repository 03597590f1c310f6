/* imap: the IMAP4rev1 session: command reading with literals, the command
 * table and states, pre-login commands, NOOP/CHECK/CLOSE/UNSELECT/IDLE/
 * ENABLE/LOGOUT, untagged updates, sequence sets, dates.  Driven by
 * login.c (imap_prelogin in the login process, imap_postlogin in the
 * mail process); other commands live in imap_mailbox/fetch/search.c. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/inotify.h>
#include <time.h>
#include <unistd.h>
#include "base/xalloc.h"
#include "base/log.h"
#include "store/mutf7.h"
#include "imap_int.h"

#define LINE_MAX_LEN 65536		/* one line of a command */
#define COMMAND_MAX (1u << 20)		/* a command without APPEND data */
#define NONSYNC_DISCARD_MAX (1u << 20)	/* a refused LITERAL+ we still eat */
#define IDLE_TIMEOUT_MS (30 * 60 * 1000)

static const char *const month_names[] = {
	"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
};

/* ---- output ---- */

void
imap_tagged(struct imap *im, const char *status, const char *fmt, ...)
{
	va_list ap;
	dstr d = DSTR_INIT;

	dstr_printf(&d, "%s %s ", im->tag ? im->tag : "*", status);
	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	dstr_puts(&d, "\r\n");
	stream_write(im->s, d.s, d.len);
	dstr_free(&d);
}

void
imap_untagged(struct imap *im, const char *fmt, ...)
{
	va_list ap;
	dstr d = DSTR_INIT;

	dstr_puts(&d, "* ");
	va_start(ap, fmt);
	dstr_vprintf(&d, fmt, ap);
	va_end(ap);
	dstr_puts(&d, "\r\n");
	stream_write(im->s, d.s, d.len);
	dstr_free(&d);
}

void
imap_quote(dstr *out, const char *s)
{
	dstr_putc(out, '"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			dstr_putc(out, '\\');
		dstr_putc(out, *s);
	}
	dstr_putc(out, '"');
}

int
imap_is_recent(const struct imap *im, uint32_t uid)
{
	size_t i;

	for (i = 0; i < im->nrecent; i++)
		if (uid >= im->recent[i].lo && uid <= im->recent[i].hi)
			return 1;
	return 0;
}

void
imap_flags_text(struct imap *im, dstr *out, uint32_t flags, uint64_t kw, uint32_t uid)
{
	static const struct {
		uint32_t bit;
		const char *name;
	} names[] = {
		{ STORE_ANSWERED, "\\Answered" }, { STORE_FLAGGED, "\\Flagged" },
		{ STORE_DELETED, "\\Deleted" }, { STORE_SEEN, "\\Seen" }, { STORE_DRAFT, "\\Draft" },
	};
	size_t i, start;
	int first = 1;

	dstr_putc(out, '(');
	start = out->len;
	for (i = 0; i < 5; i++)
		if (flags & names[i].bit) {
			if (!first)
				dstr_putc(out, ' ');
			dstr_puts(out, names[i].name);
			first = 0;
		}
	if (uid && imap_is_recent(im, uid)) {
		if (!first)
			dstr_putc(out, ' ');
		dstr_puts(out, "\\Recent");
		first = 0;
	}
	for (i = 0; im->mb && i < store_keyword_count(im->mb) && i < 64; i++)
		if (kw & (1ull << i)) {
			if (!first)
				dstr_putc(out, ' ');
			dstr_puts(out, store_keyword(im->mb, i));
			first = 0;
		}
	(void)start;
	dstr_putc(out, ')');
}

static void
capability(struct imap *im, dstr *out)
{
	dstr_puts(out, "IMAP4rev1 SASL-IR LOGIN-REFERRALS ID ENABLE IDLE LITERAL+");
	if (im->state == IMAP_NOTAUTH) {
		dstr mechs = DSTR_INIT;
		char *save = NULL, *t;
		int plain_ok = session_plaintext_ok(im->ss);

		if (im->ss->tlsctx && !im->ss->tls)
			dstr_puts(out, " STARTTLS");
		if (!plain_ok)
			dstr_puts(out, " LOGINDISABLED");
		im->ss->auth->mechs(im->ss->auth->ctx, im->ss->tls, &mechs);
		for (t = strtok_r(mechs.s ? mechs.s : (char *)"", " ", &save); t;
		    t = strtok_r(NULL, " ", &save)) {
			if (!plain_ok && (strcmp(t, "PLAIN") == 0 || strcmp(t, "LOGIN") == 0))
				continue;
			dstr_printf(out, " AUTH=%s", t);
		}
		dstr_free(&mechs);
	} else
		dstr_puts(out, " NAMESPACE UIDPLUS MOVE SPECIAL-USE CHILDREN UNSELECT");
}

/* ---- the view of the selected mailbox ---- */

static void
view_append(struct imap *im, uint32_t uid, uint32_t flags, uint64_t kw)
{
	if (im->n == im->cap) {
		im->cap = im->cap ? im->cap * 2 : 256;
		im->uids = xreallocarray(im->uids, im->cap, sizeof(*im->uids));
		im->flags = xreallocarray(im->flags, im->cap, sizeof(*im->flags));
		im->kws = xreallocarray(im->kws, im->cap, sizeof(*im->kws));
	}
	im->uids[im->n] = uid;
	im->flags[im->n] = flags;
	im->kws[im->n] = kw;
	im->n++;
}

void
imap_view_remove(struct imap *im, size_t i)
{
	if (i >= im->n)
		return;
	memmove(im->uids + i, im->uids + i + 1, (im->n - i - 1) * sizeof(*im->uids));
	memmove(im->flags + i, im->flags + i + 1, (im->n - i - 1) * sizeof(*im->flags));
	memmove(im->kws + i, im->kws + i + 1, (im->n - i - 1) * sizeof(*im->kws));
	im->n--;
}

ssize_t
imap_store_index(struct imap *im, size_t i)
{
	return i < im->n ? store_find_uid(im->mb, im->uids[i]) : -1;
}

static size_t
recent_count(const struct imap *im)
{
	size_t i, c = 0;

	for (i = 0; i < im->n; i++)
		if (imap_is_recent(im, im->uids[i]))
			c++;
	return c;
}

static void
claim_recent(struct imap *im)
{
	uint32_t first, last = store_uidnext(im->mb) - 1;

	if (im->readonly)
		return;
	if (im->nrecent && im->recent[im->nrecent - 1].hi >= last)
		return;
	first = store_claim_recent(im->mb);
	if (first == UINT32_MAX || first > last)
		return;
	im->recent = xreallocarray(im->recent, im->nrecent + 1, sizeof(*im->recent));
	im->recent[im->nrecent].lo = first;
	im->recent[im->nrecent].hi = last;
	im->nrecent++;
}

static void
send_flags_lists(struct imap *im)
{
	dstr d = DSTR_INIT;
	size_t i;

	dstr_puts(&d, "FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft");
	for (i = 0; i < store_keyword_count(im->mb); i++)
		dstr_printf(&d, " %s", store_keyword(im->mb, i));
	dstr_putc(&d, ')');
	imap_untagged(im, "%s", d.s);
	dstr_clear(&d);
	if (im->readonly)
		dstr_puts(&d, "OK [PERMANENTFLAGS ()] Read-only mailbox.");
	else {
		dstr_puts(&d, "OK [PERMANENTFLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft");
		for (i = 0; i < store_keyword_count(im->mb); i++)
			dstr_printf(&d, " %s", store_keyword(im->mb, i));
		dstr_puts(&d, " \\*)] Flags permitted.");
	}
	imap_untagged(im, "%s", d.s);
	im->nkw_told = store_keyword_count(im->mb);
	dstr_free(&d);
}

void
imap_updates(struct imap *im, int allow_expunge)
{
	size_t i, j, total, exists_before = im->n;
	uint32_t last;
	int grew = 0;

	if (im->state != IMAP_SELECTED || im->mb == NULL)
		return;
	(void)store_sync(im->mb);
	if (allow_expunge) {
		for (i = j = 0; i < im->n; i++) {
			if (store_find_uid(im->mb, im->uids[i]) < 0) {
				imap_untagged(im, "%zu EXPUNGE", j + 1);
				continue;
			}
			im->uids[j] = im->uids[i];
			im->flags[j] = im->flags[i];
			im->kws[j] = im->kws[i];
			j++;
		}
		im->n = j;
	}
	exists_before = im->n;
	last = im->n ? im->uids[im->n - 1] : 0;
	total = store_count(im->mb);
	for (i = total; i > 0 && store_msg_at(im->mb, i - 1)->uid > last; i--)
		;
	for (; i < total; i++) {
		const struct store_msg *m = store_msg_at(im->mb, i);

		view_append(im, m->uid, m->flags, m->keywords);
		grew = 1;
	}
	if (store_keyword_count(im->mb) != im->nkw_told)
		send_flags_lists(im);
	if (grew) {
		claim_recent(im);
		imap_untagged(im, "%zu EXISTS", im->n);
	}
	if (grew || recent_count(im) != im->recent_told) {
		im->recent_told = recent_count(im);
		imap_untagged(im, "%zu RECENT", im->recent_told);
	}
	/* flag changes made by others */
	for (i = 0; i < exists_before; i++) {
		ssize_t k = store_find_uid(im->mb, im->uids[i]);
		const struct store_msg *m;

		if (k < 0)
			continue;
		m = store_msg_at(im->mb, (size_t)k);
		if (m->flags != im->flags[i] || m->keywords != im->kws[i]) {
			dstr d = DSTR_INIT;

			imap_flags_text(im, &d, m->flags, m->keywords, m->uid);
			imap_untagged(im, "%zu FETCH (UID %u FLAGS %s)", i + 1, m->uid, d.s);
			im->flags[i] = m->flags;
			im->kws[i] = m->keywords;
			dstr_free(&d);
		}
	}
}

/* ---- sequence sets ---- */

static int
seq_number(const char **pp, uint32_t star, uint32_t *out)
{
	const char *p = *pp;
	unsigned long long v = 0;

	if (*p == '*') {
		*out = star;
		*pp = p + 1;
		return 0;
	}
	if (!isdigit((unsigned char)*p) || *p == '0')
		return -1;
	while (isdigit((unsigned char)*p)) {
		v = v * 10 + (unsigned long long)(*p - '0');
		if (v > UINT32_MAX)
			return -1;
		p++;
	}
	*out = (uint32_t)v;
	*pp = p;
	return 0;
}

static int
cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;

	return x < y ? -1 : x > y;
}

/* lower bound of uid in the view */
static size_t
view_lower(const struct imap *im, uint32_t uid)
{
	size_t lo = 0, hi = im->n;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (im->uids[mid] < uid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int
imap_seqset(struct imap *im, const char *set, int uid, size_t **out, size_t *n)
{
	const char *p = set;
	size_t *v = NULL, cnt = 0, cap = 0, i, j;
	uint32_t star = uid ? (im->n ? im->uids[im->n - 1] : 0) : (uint32_t)im->n;

	*out = NULL;
	*n = 0;
	if (set == NULL || *set == '\0')
		return -1;
	for (;;) {
		uint32_t a, b;

		if (seq_number(&p, star, &a) < 0)
			return free(v), -1;
		b = a;
		if (*p == ':') {
			p++;
			if (seq_number(&p, star, &b) < 0)
				return free(v), -1;
		}
		if (a > b) {
			uint32_t t = a;

			a = b;
			b = t;
		}
		if (uid) {
			/* "*" in a UID set means the highest UID even when it is lower */
			if (im->n == 0)
				goto next;
			for (i = view_lower(im, a); i < im->n && im->uids[i] <= b; i++) {
				if (cnt == cap) {
					cap = cap ? cap * 2 : 64;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				v[cnt++] = i;
			}
		} else {
			if (a == 0 || b > im->n) {
				free(v);
				return -2;	/* invalid message sequence number */
			}
			for (i = a; i <= b; i++) {
				if (cnt == cap) {
					cap = cap ? cap * 2 : 64;
					v = xreallocarray(v, cap, sizeof(*v));
				}
				v[cnt++] = i - 1;
			}
		}
next:
		if (*p == ',') {
			p++;
			continue;
		}
		if (*p != '\0')
			return free(v), -1;
		break;
	}
	if (cnt > 1) {
		qsort(v, cnt, sizeof(*v), cmp_size);
		for (i = j = 1; i < cnt; i++)
			if (v[i] != v[j - 1])
				v[j++] = v[i];
		cnt = j;
	}
	*out = v;
	*n = cnt;
	return 0;
}

/* ---- dates ---- */

void
imap_date_time(dstr *out, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	long off;

	localtime_r(&tt, &tm);
	off = tm.tm_gmtoff / 60;
	dstr_printf(out, "\"%02d-%s-%04d %02d:%02d:%02d %c%02ld%02ld\"", tm.tm_mday,
	    month_names[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec,
	    off < 0 ? '-' : '+', labs(off) / 60, labs(off) % 60);
}

static int
month_index(const char *p)
{
	int i;

	for (i = 0; i < 12; i++)
		if (strncasecmp(p, month_names[i], 3) == 0)
			return i;
	return -1;
}

int64_t
imap_parse_date(const char *s)
{
	struct tm tm;
	char *end;
	long d, y;

	memset(&tm, 0, sizeof(tm));
	d = strtol(s, &end, 10);
	if (end == s || *end != '-' || d < 1 || d > 31)
		return -1;
	if ((tm.tm_mon = month_index(end + 1)) < 0 || end[4] != '-')
		return -1;
	y = strtol(end + 5, &end, 10);
	if (y < 1900 || y > 9999 || *end != '\0')
		return -1;
	tm.tm_mday = (int)d;
	tm.tm_year = (int)y - 1900;
	return (int64_t)timegm(&tm);
}

int64_t
imap_parse_date_time(const char *s)
{
	struct tm tm;
	int d, y, hh, mm, ss, zone;
	char mon[4], sign;

	while (*s == ' ')
		s++;
	if (sscanf(s, "%d-%3s-%d %d:%d:%d %c%4d", &d, mon, &y, &hh, &mm, &ss, &sign, &zone) != 8)
		return -1;
	memset(&tm, 0, sizeof(tm));
	if ((tm.tm_mon = month_index(mon)) < 0 || d < 1 || d > 31 || y < 1900 || hh > 23 ||
	    mm > 59 || ss > 60 || (sign != '+' && sign != '-'))
		return -1;
	tm.tm_mday = d;
	tm.tm_year = y - 1900;
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_sec = ss;
	return (int64_t)timegm(&tm) - (sign == '-' ? -1 : 1) * (int64_t)((zone / 100) * 3600 + (zone % 100) * 60);
}

/* ---- flags ---- */

static int
valid_keyword(const char *s)
{
	const char *p;

	if (*s == '\0')
		return 0;
	for (p = s; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("(){%*\"\\]", *p))
			return 0;
	return 1;
}

int
imap_parse_flags(struct imap *im, const struct imap_arg *a, size_t n, uint32_t *flags,
    uint64_t *kw, int add_keywords)
{
	size_t i;

	*flags = 0;
	*kw = 0;
	for (i = 0; i < n; i++) {
		const char *f = imap_arg_string(&a[i]);

		if (f == NULL || a[i].type != IMAP_ARG_ATOM)
			return -1;
		if (strcasecmp(f, "\\Seen") == 0)
			*flags |= STORE_SEEN;
		else if (strcasecmp(f, "\\Answered") == 0)
			*flags |= STORE_ANSWERED;
		else if (strcasecmp(f, "\\Flagged") == 0)
			*flags |= STORE_FLAGGED;
		else if (strcasecmp(f, "\\Deleted") == 0)
			*flags |= STORE_DELETED;
		else if (strcasecmp(f, "\\Draft") == 0)
			*flags |= STORE_DRAFT;
		else if (strcasecmp(f, "\\Recent") == 0)
			;	/* not settable; ignored as dovecot does */
		else if (f[0] == '\\')
			return -1;
		else if (!valid_keyword(f))
			return -1;
		else if (im->mb) {
			int k = store_keyword_index(im->mb, f, add_keywords);

			if (k >= 0)
				*kw |= 1ull << k;
			else if (add_keywords)
				return -2;	/* no room */
		}
	}
	return 0;
}

/* ---- reading commands ---- */

enum read_result {
	READ_OK,
	READ_ERROR_SENT,	/* a BAD went out; read the next command */
	READ_CLOSE
};

static const char *
first_word_after_tag(const char *line, size_t len, size_t *wlen)
{
	const char *sp = memchr(line, ' ', len), *e;

	if (sp == NULL)
		return NULL;
	sp++;
	e = sp;
	while (e < line + len && *e != ' ')
		e++;
	*wlen = (size_t)(e - sp);
	return sp;
}

static int
is_append(const char *line, size_t len)
{
	size_t wl;
	const char *w = first_word_after_tag(line, len, &wl);

	return w && wl == 6 && strncasecmp(w, "APPEND", 6) == 0;
}

static void
bad_untagged_or_tag(struct imap *im, const dstr *cmd, const char *msg)
{
	const char *sp = memchr(cmd->s ? cmd->s : "", ' ', cmd->len);
	size_t tl = sp ? (size_t)(sp - cmd->s) : 0;
	size_t i;
	int ok = tl > 0 && tl < 256;

	for (i = 0; ok && i < tl; i++)
		if (!isgraph((unsigned char)cmd->s[i]) || strchr("(){%*\"\\+", cmd->s[i]))
			ok = 0;
	if (ok)
		stream_printf(im->s, "%.*s BAD %s\r\n", (int)tl, cmd->s, msg);
	else
		stream_printf(im->s, "* BAD %s\r\n", msg);
}

static int
read_command(struct imap *im, dstr *cmd)
{
	uint64_t limit = COMMAND_MAX;

	dstr_clear(cmd);
	for (;;) {
		unsigned flags;
		size_t start = cmd->len;
		int st, nonsync, lit;
		uint64_t n;

		if (stream_flush(im->s) != STREAM_OK)
			return READ_CLOSE;
		st = stream_read_line(im->s, cmd, LINE_MAX_LEN, &flags);
		if (st == STREAM_TOOLONG) {
			bad_untagged_or_tag(im, cmd, "Error in IMAP command received by server: Too long argument.");
			return READ_ERROR_SENT;
		}
		if (st == STREAM_TIMEOUT) {
			stream_puts(im->s, "* BYE Disconnected for inactivity.\r\n");
			(void)stream_flush(im->s);
			return READ_CLOSE;
		}
		if (st != STREAM_OK)
			return READ_CLOSE;
		if (start == 0 && is_append(cmd->s, cmd->len))
			limit = im->ss->conf->max_message_size + COMMAND_MAX;
		lit = imap_literal_at_end(cmd->s + start, cmd->len - start, &n, &nonsync);
		if (lit < 0 || (lit > 0 && (n > limit || cmd->len + n > limit))) {
			if (nonsync) {
				/* the data is coming anyway: eat a little, or hang up */
				if (lit < 0 || n > NONSYNC_DISCARD_MAX) {
					stream_puts(im->s, "* BYE [TOOBIG] Literal too large.\r\n");
					(void)stream_flush(im->s);
					return READ_CLOSE;
				}
				if (stream_skip_n(im->s, (size_t)n) != STREAM_OK)
					return READ_CLOSE;
			}
			bad_untagged_or_tag(im, cmd, "[TOOBIG] Literal too large.");
			return READ_ERROR_SENT;
		}
		if (lit == 0)
			return READ_OK;
		dstr_puts(cmd, "\r\n");
		if (!nonsync) {
			stream_puts(im->s, "+ OK\r\n");
			if (stream_flush(im->s) != STREAM_OK)
				return READ_CLOSE;
		}
		if (stream_read_n(im->s, cmd, (size_t)n) != STREAM_OK)
			return READ_CLOSE;
	}
}

/* ---- not-authenticated state ---- */

static int
cmd_capability(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	dstr d = DSTR_INIT;

	capability(im, &d);
	imap_untagged(im, "CAPABILITY %s", d.s);
	imap_tagged(im, "OK", "Capability completed.");
	dstr_free(&d);
	return 0;
}

static int
cmd_noop(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	if (im->state == IMAP_SELECTED)
		(void)store_commit(im->mb);
	imap_updates(im, 1);
	imap_tagged(im, "OK", "NOOP completed.");
	return 0;
}

static int
cmd_logout(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	imap_untagged(im, "BYE Logging out");
	imap_tagged(im, "OK", "Logout completed.");
	im->state = IMAP_LOGOUT;
	return 0;
}

static int
cmd_id(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	if (n != 1 || (args[0].type != IMAP_ARG_LIST && !imap_arg_is(&args[0], "NIL"))) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	imap_untagged(im, "ID (\"name\" \"Sendwell\" \"version\" \"%s\")", PACKAGE_VERSION);
	imap_tagged(im, "OK", "ID completed.");
	return 0;
}

static int
cmd_starttls(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	if (im->ss->tls) {
		imap_tagged(im, "BAD", "TLS is already active.");
		return 0;
	}
	if (im->ss->tlsctx == NULL) {
		imap_tagged(im, "BAD", "TLS support isn't enabled.");
		return 0;
	}
	if (stream_pending(im->s) > 0) {
		/* a client pipelining past STARTTLS could be an injection */
		imap_tagged(im, "BAD", "STARTTLS can't be pipelined.");
		return 0;
	}
	imap_tagged(im, "OK", "Begin TLS negotiation now.");
	if (stream_flush(im->s) != STREAM_OK || session_starttls(im->ss) < 0)
		return -1;
	return 0;
}

static void
login_failed(struct imap *im, int r, const char *user)
{
	im->ss->auth_failures++;
	dstr_set(&im->ss->user, user ? user : "");
	if (r == AUTH_TEMPFAIL) {
		imap_tagged(im, "NO", "[UNAVAILABLE] Temporary authentication failure.");
		return;
	}
	session_auth_delay(im->ss);
	msg_info("imap-login: Authentication failed: user=<%s>, method=%s, rip=%s, lip=%s%s",
	    user ? user : "", dstr_cstr(&im->ss->method), im->ss->peer.rip, im->ss->peer.lip,
	    im->ss->tls ? ", TLS" : "");
	imap_tagged(im, "NO", "[AUTHENTICATIONFAILED] Authentication failed.");
}

static void
login_ok(struct imap *im, const char *user)
{
	dstr_set(&im->ss->user, user);
	dstr_set(&im->ss->resume, im->tag);
	im->logged_in = 1;
}

static int
cmd_login(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *user, *pass;
	dstr who = DSTR_INIT;
	int r;

	if (n != 2 || (user = imap_arg_string(&args[0])) == NULL ||
	    (pass = imap_arg_string(&args[1])) == NULL) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (!session_plaintext_ok(im->ss)) {
		imap_tagged(im, "NO", "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
		return 0;
	}
	dstr_set(&im->ss->method, "PLAIN");
	if (memchr(user, '\0', args[0].len) || memchr(pass, '\0', args[1].len))
		r = AUTH_FAIL;
	else
		r = im->ss->auth->plain(im->ss->auth->ctx, user, pass, &who);
	if (r == AUTH_OK)
		login_ok(im, who.s);
	else
		login_failed(im, r, user);
	dstr_free(&who);
	return 0;
}

static int
cmd_authenticate(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	const char *mech, *initial = NULL;
	dstr chal = DSTR_INIT, who = DSTR_INIT, line = DSTR_INIT;
	const struct login_auth *la = im->ss->auth;
	int r;

	if (n < 1 || n > 2 || (mech = imap_arg_string(&args[0])) == NULL ||
	    args[0].type != IMAP_ARG_ATOM || (n == 2 && (initial = imap_arg_string(&args[1])) == NULL)) {
		imap_tagged(im, "BAD", "Invalid arguments.");
		return 0;
	}
	if (!session_plaintext_ok(im->ss) &&
	    (strcasecmp(mech, "PLAIN") == 0 || strcasecmp(mech, "LOGIN") == 0)) {
		imap_tagged(im, "NO", "[PRIVACYREQUIRED] Plaintext authentication disallowed on non-secure (SSL/TLS) connections.");
		return 0;
	}
	dstr_set(&im->ss->method, mech);
	for (char *p = im->ss->method.s; *p; p++)
		*p = (char)toupper((unsigned char)*p);
	r = la->sasl_start(la->ctx, im->ss->method.s, initial, im->ss->tls, &chal, &who);
	while (r == AUTH_CONTINUE) {
		unsigned fl;

		stream_printf(im->s, "+ %s\r\n", dstr_cstr(&chal));
		if (stream_flush(im->s) != STREAM_OK)
			goto close;
		dstr_clear(&line);
		dstr_clear(&chal);
		if (stream_read_line(im->s, &line, LINE_MAX_LEN, &fl) != STREAM_OK)
			goto close;
		if (strcmp(dstr_cstr(&line), "*") == 0) {
			imap_tagged(im, "BAD", "Authentication aborted by client.");
			goto out;
		}
		r = la->sasl_step(la->ctx, line.len ? line.s : "=", &chal, &who);
	}
	if (r == AUTH_OK)
		login_ok(im, who.s);
	else if (r == AUTH_NOMECH)
		imap_tagged(im, "NO", "Unsupported authentication mechanism.");
	else if (r == AUTH_BADPROT)
		imap_tagged(im, "BAD", "Invalid base64 data in continued response");
	else
		login_failed(im, r, who.s);
out:
	dstr_free(&chal);
	dstr_free(&who);
	dstr_free(&line);
	return 0;
close:
	dstr_free(&chal);
	dstr_free(&who);
	dstr_free(&line);
	return -1;
}

/* ---- authenticated / selected state ---- */

static int
cmd_enable(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	if (n == 0) {
		imap_tagged(im, "BAD", "Missing capabilities.");
		return 0;
	}
	imap_untagged(im, "ENABLED");
	imap_tagged(im, "OK", "Enabled.");
	return 0;
}

static void
close_mailbox(struct imap *im, int expunge)
{
	if (im->mb == NULL)
		return;
	if (expunge && !im->readonly)
		(void)store_expunge(im->mb, NULL, 0, NULL, NULL);
	store_close(im->mb);
	im->mb = NULL;
	im->n = 0;
	im->nrecent = 0;
	im->recent_told = 0;
	im->state = IMAP_AUTH;
}

static int
cmd_close(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	close_mailbox(im, 1);
	imap_tagged(im, "OK", "Close completed.");
	return 0;
}

static int
cmd_unselect(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	close_mailbox(im, 0);
	imap_tagged(im, "OK", "Unselect completed.");
	return 0;
}

static int
cmd_check(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	(void)store_commit(im->mb);
	imap_updates(im, 1);
	imap_tagged(im, "OK", "Check completed.");
	return 0;
}

static int
watch_setup(struct imap *im)
{
	const char *paths[2];
	int fd, i, np;

	if (im->mb == NULL)
		return -1;
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (fd < 0)
		return -1;
	np = store_watch_paths(im->mb, paths);
	for (i = 0; i < np; i++)
		(void)inotify_add_watch(fd, paths[i], IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
		    IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_ATTRIB);
	return fd;
}

static int
cmd_idle(struct imap *im, struct imap_arg *args, size_t n, int uid)
{
	dstr line = DSTR_INIT;
	int wfd, rc = 0;
	long waited = 0;

	stream_puts(im->s, "+ idling\r\n");
	imap_updates(im, 1);
	if (stream_flush(im->s) != STREAM_OK)
		return -1;
	wfd = watch_setup(im);
	for (;;) {
		struct pollfd p[2];
		int r, np = 1;

		if (stream_pending(im->s) == 0) {
			p[0].fd = stream_rfd(im->s);
			p[0].events = POLLIN;
			p[0].revents = 0;
			if (wfd >= 0) {
				p[1].fd = wfd;
				p[1].events = POLLIN;
				p[1].revents = 0;
				np = 2;
			}
			/* inotify wakes us at once; the timeout covers what it
			 * cannot see (NFS, the index changed by a session) */
			r = poll(p, (nfds_t)np, 500);
			if (r < 0 && errno != EINTR)
				break;
			if (np == 2 && (p[1].revents & POLLIN)) {
				char buf[4096];

				while (read(wfd, buf, sizeof(buf)) > 0)
					;
			}
			if (r <= 0 || !(p[0].revents & (POLLIN | POLLHUP | POLLERR))) {
				waited += 500;
				if (waited >= IDLE_TIMEOUT_MS) {
					stream_puts(im->s, "* BYE Disconnected for inactivity.\r\n");
					rc = -1;
					break;
				}
				if (im->state == IMAP_SELECTED && store_changed(im->mb)) {
					imap_updates(im, 1);
					if (stream_flush(im->s) != STREAM_OK) {
						rc = -1;
						break;
					}
				}
				continue;
			}
		}
		dstr_clear(&line);
		if (stream_read_line(im->s, &line, LINE_MAX_LEN, NULL) != STREAM_OK) {
			rc = -1;
			break;
		}
		if (strcasecmp(dstr_cstr(&line), "DONE") == 0) {
			imap_updates(im, 1);
			imap_tagged(im, "OK", "Idle completed.");
		} else
			imap_tagged(im, "BAD", "Expected DONE.");
		break;
	}
	if (wfd >= 0)
		close(wfd);
	dstr_free(&line);
	return rc;
}

/* ---- the command table ---- */

enum {
	S_NA = IMAP_NOTAUTH,
	S_AU = IMAP_AUTH | IMAP_SELECTED,
	S_SE = IMAP_SELECTED,
	S_ANY = IMAP_NOTAUTH | IMAP_AUTH | IMAP_SELECTED
};

struct imap_command {
	const char *name;
	imap_handler fn;
	unsigned states;
	int uid_ok;		/* may follow UID */
	int expunge_ok;		/* may EXPUNGE responses follow it (non-UID) */
};

static const struct imap_command commands[] = {
	{ "CAPABILITY", cmd_capability, S_ANY, 0, 1 },
	{ "NOOP", cmd_noop, S_ANY, 0, 1 },
	{ "LOGOUT", cmd_logout, S_ANY, 0, 1 },
	{ "ID", cmd_id, S_ANY, 0, 1 },
	{ "STARTTLS", cmd_starttls, S_NA, 0, 1 },
	{ "LOGIN", cmd_login, S_NA, 0, 1 },
	{ "AUTHENTICATE", cmd_authenticate, S_NA, 0, 1 },
	{ "ENABLE", cmd_enable, S_AU, 0, 1 },
	{ "SELECT", imap_cmd_select, S_AU, 0, 1 },
	{ "EXAMINE", imap_cmd_examine, S_AU, 0, 1 },
	{ "CREATE", imap_cmd_create, S_AU, 0, 1 },
	{ "DELETE", imap_cmd_delete, S_AU, 0, 1 },
	{ "RENAME", imap_cmd_rename, S_AU, 0, 1 },
	{ "SUBSCRIBE", imap_cmd_subscribe, S_AU, 0, 1 },
	{ "UNSUBSCRIBE", imap_cmd_unsubscribe, S_AU, 0, 1 },
	{ "LIST", imap_cmd_list, S_AU, 0, 1 },
	{ "LSUB", imap_cmd_lsub, S_AU, 0, 1 },
	{ "STATUS", imap_cmd_status, S_AU, 0, 1 },
	{ "APPEND", imap_cmd_append, S_AU, 0, 1 },
	{ "NAMESPACE", imap_cmd_namespace, S_AU, 0, 1 },
	{ "IDLE", cmd_idle, S_AU, 0, 1 },
	{ "CHECK", cmd_check, S_SE, 0, 1 },
	{ "CLOSE", cmd_close, S_SE, 0, 1 },
	{ "UNSELECT", cmd_unselect, S_SE, 0, 1 },
	{ "EXPUNGE", imap_cmd_expunge, S_SE, 1, 1 },
	{ "SEARCH", imap_cmd_search, S_SE, 1, 0 },
	{ "FETCH", imap_cmd_fetch, S_SE, 1, 0 },
	{ "STORE", imap_cmd_store, S_SE, 1, 0 },
	{ "COPY", imap_cmd_copy, S_SE, 1, 0 },
	{ "MOVE", imap_cmd_move, S_SE, 1, 1 },
};

static const struct imap_command *
find_command(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

/* run_command: one parsed command; -1 ends the session */
static int
run_command(struct imap *im, struct imap_cmd *cmd)
{
	const struct imap_command *c;
	struct imap_arg *args = cmd->args;
	size_t n = cmd->nargs;
	int uid = 0, rc;

	im->tag = cmd->tag;
	if (strcmp(cmd->name, "UID") == 0) {
		char *name;
		size_t i;

		if (n == 0 || args[0].type != IMAP_ARG_ATOM) {
			imap_tagged(im, "BAD", "Error in IMAP command UID: Missing command.");
			return 0;
		}
		name = pool_strdup(im->cmdpool, args[0].s);
		for (i = 0; name[i]; i++)
			name[i] = (char)toupper((unsigned char)name[i]);
		c = find_command(name);
		if (c == NULL || !c->uid_ok) {
			imap_tagged(im, "BAD", "Error in IMAP command UID: Unknown command.");
			return 0;
		}
		uid = 1;
		args++;
		n--;
	} else
		c = find_command(cmd->name);
	if (c == NULL) {
		imap_tagged(im, "BAD", "Error in IMAP command %.40s: Unknown command.", cmd->name);
		return 0;
	}
	if (!(c->states & im->state)) {
		if (im->state == IMAP_NOTAUTH)
			imap_tagged(im, "BAD", "Error in IMAP command %s: Not allowed before login.", c->name);
		else if (c->states == S_SE)
			imap_tagged(im, "BAD", "No mailbox selected.");
		else
			imap_tagged(im, "BAD", "Command not allowed now.");
		return 0;
	}
	rc = c->fn(im, args, n, uid);
	return rc;
}

static void
imap_free(struct imap *im)
{
	if (im->mb)
		store_close(im->mb);
	store_user_free(im->u);
	free(im->uids);
	free(im->flags);
	free(im->kws);
	free(im->recent);
}

/* the command loop shared by both phases; returns when logged in
 * (pre-login), logged out or disconnected */
static void
loop(struct imap *im)
{
	dstr cmdbuf = DSTR_INIT;

	while (im->state != IMAP_LOGOUT && !im->logged_in) {
		struct imap_cmd cmd;
		const char *err;
		int r, allow;

		r = read_command(im, &cmdbuf);
		if (r == READ_CLOSE)
			break;
		if (r == READ_ERROR_SENT)
			continue;
		im->cmdpool = pool_new();
		if (imap_parse_command(im->cmdpool, cmdbuf.s ? cmdbuf.s : "", cmdbuf.len, &cmd, &err) < 0) {
			if (cmd.tag)
				stream_printf(im->s, "%s BAD Error in IMAP command %s: %s\r\n", cmd.tag,
				    cmd.name ? cmd.name : "", err);
			else
				stream_printf(im->s, "* BAD %s\r\n", err);
			pool_free(im->cmdpool);
			continue;
		}
		allow = 1;
		{
			const struct imap_command *c = find_command(cmd.name);

			if (c && !c->expunge_ok)
				allow = 0;
			if (strcmp(cmd.name, "UID") == 0)
				allow = 1;
		}
		/* news from other sessions goes before the command's answers */
		im->tag = cmd.tag;
		if (im->state == IMAP_SELECTED && strcmp(cmd.name, "NOOP") != 0 &&
		    strcmp(cmd.name, "IDLE") != 0 && strcmp(cmd.name, "CHECK") != 0 &&
		    strcmp(cmd.name, "LOGOUT") != 0 && strcmp(cmd.name, "CLOSE") != 0 &&
		    strcmp(cmd.name, "UNSELECT") != 0 && strcmp(cmd.name, "SELECT") != 0 &&
		    strcmp(cmd.name, "EXAMINE") != 0)
			imap_updates(im, allow);
		r = run_command(im, &cmd);
		if (im->state == IMAP_SELECTED && im->mb)
			(void)store_commit(im->mb);
		pool_free(im->cmdpool);
		im->cmdpool = NULL;
		if (r < 0)
			break;
		if (stream_out_pending(im->s) > 0 && stream_flush(im->s) != STREAM_OK)
			break;
	}
	(void)stream_flush(im->s);
	dstr_free(&cmdbuf);
}

int
imap_prelogin(struct session *ss)
{
	struct imap im;
	dstr d = DSTR_INIT;

	memset(&im, 0, sizeof(im));
	im.ss = ss;
	im.s = ss->s;
	im.state = IMAP_NOTAUTH;
	capability(&im, &d);
	stream_printf(ss->s, "* OK [CAPABILITY %s] %s\r\n", d.s, ss->conf->login_greeting);
	dstr_free(&d);
	loop(&im);
	imap_free(&im);
	if (im.logged_in)
		return 1;
	if (ss->auth_failures)
		session_log_failure(ss, "auth failed");
	return 0;
}

void
imap_postlogin(struct session *ss)
{
	struct imap im;
	dstr d = DSTR_INIT, err = DSTR_INIT;

	memset(&im, 0, sizeof(im));
	im.ss = ss;
	im.s = ss->s;
	im.state = IMAP_AUTH;
	im.tag = ss->resume.s;
	im.u = store_user_new(ss->mu->mail, ss->mu->name, ss->mu->home, &err);
	if (im.u == NULL) {
		msg_error("imap(%s): mail_location: %s", ss->mu->name, dstr_cstr(&err));
		imap_tagged(&im, "NO", "[SERVERBUG] Internal error occurred.");
		(void)stream_flush(im.s);
		dstr_free(&err);
		return;
	}
	capability(&im, &d);
	imap_tagged(&im, "OK", "[CAPABILITY %s] Logged in", d.s);
	dstr_free(&d);
	loop(&im);
	msg_info("imap(%s): Logged out in=%llu out=%llu", ss->mu->name, stream_bytes_in(im.s),
	    stream_bytes_out(im.s));
	imap_free(&im);
	dstr_free(&err);
}
