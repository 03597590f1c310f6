/* addr_util: cataddr and crackaddr (see addr_util.h). */
#include "config.h"
#include <string.h>
#include "addr/addr_util.h"

/* is_operator: a token that is not an atom: a metasymbol, an operator
 * or special character, or a quoted string (sendmail puts no blank next
 * to a quoted string either: "a" b joins as "a"b) */
static int
is_operator(const struct addr_syntax *syn, const struct tok *t)
{
	unsigned char c;

	if (t->op != TOK_TEXT)
		return 1;
	if (t->len > 0 && t->s[0] == '"')
		return 1;
	if (t->len != 1)
		return 0;
	c = (unsigned char)t->s[0];
	return syn->opchar[c] || strchr("()<>,;", c) != NULL;
}

void
addr_cat(const struct addr_syntax *syn, const struct tok *v, size_t n,
    int sep, dstr *out)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].op != TOK_TEXT)
			dstr_puts(out, tok_op_name(v[i].op));
		else
			dstr_append(out, v[i].s, v[i].len);
		if (sep && i + 1 < n && !is_operator(syn, &v[i]) &&
		    !is_operator(syn, &v[i + 1]))
			dstr_putc(out, sep);
	}
}

/*
 * addr_crack: sendmail's crackaddr, as its output shows it behaves.  One
 * pass over the address builds the template.  Outside <...> a run of
 * address characters becomes one "$g"; comments are kept (set off by a
 * blank); text after a closing '>' is kept.  When a '<' turns up, what
 * came before it is rewritten as the display name (quoted when it held
 * characters that need quoting), and a group colon does the same for
 * the group name.  Unbalanced quotes, comments and brackets are closed
 * at the end.
 */
struct crack {
	dstr *out;
	size_t head;		/* output offset where the current part starts */
	const char *src_head;	/* input where the current part starts */
	int copy;		/* >0: input is copied verbatim */
	int quote, comment, angle, bracket;
	int open_quote, open_comment, open_angle;	/* to close at the end */
	int put_g, need_quote, got_angle, got_colon;
};

static void
cr_putc(struct crack *cr, int c)
{
	dstr_putc(cr->out, c);
}

static void
cr_put_g(struct crack *cr)
{
	if (cr->copy > 0 || cr->put_g)
		return;
	if (cr->out->len > 0 && cr->out->s[cr->out->len - 1] == ')')
		cr_putc(cr, ' ');
	dstr_puts(cr->out, "$g");
	cr->put_g = 1;
}

/* cr_rephrase: rewrite the output from the part's head: the input from
 * src_head up to (not including) the delimiter at stop, quoted when it
 * must be, then the blanks and the delimiter itself */
static void
cr_rephrase(struct crack *cr, const char *stop)
{
	const char *end = stop, *q;

	dstr_truncate(cr->out, cr->head);
	if (cr->need_quote) {
		while (end > cr->src_head && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		cr_putc(cr, '"');
	}
	for (q = cr->src_head; q < end; q++) {
		if (cr->need_quote && *q == '"')
			cr_putc(cr, '\\');
		cr_putc(cr, *q);
	}
	if (cr->need_quote) {
		if (cr->out->len == cr->head + 1)
			dstr_truncate(cr->out, cr->head);
		else
			cr_putc(cr, '"');
		for (q = end; q < stop; q++)
			cr_putc(cr, *q);
	}
	cr_putc(cr, *stop);
	cr->copy = 0;
	cr->put_g = cr->need_quote = 0;
}

void
addr_crack(const char *addr, dstr *out)
{
	struct crack cr;
	const char *p = addr;
	int c;

	memset(&cr, 0, sizeof(cr));
	cr.out = out;
	while (*p == ' ' || *p == '\t')
		p++;
	cr.head = out->len;
	cr.src_head = p;
	while ((c = (unsigned char)*p++) != '\0') {
		if (cr.copy > 0)
			cr_putc(&cr, c);
		if (c == '\\') {
			if (cr.comment <= 0 && !cr.quote)
				cr.need_quote = 1;
			if ((c = (unsigned char)*p++) == '\0') {
				p--;
				cr_put_g(&cr);
				continue;
			}
			if (cr.copy > 0)
				cr_putc(&cr, c);
			cr_put_g(&cr);
			continue;
		}
		if (c == '"' && cr.comment <= 0) {
			cr.quote = !cr.quote;
			if (cr.copy > 0)
				cr.open_quote = !cr.open_quote;
			continue;
		}
		if (cr.quote) {
			cr_put_g(&cr);
			continue;
		}
		if (c == '(') {
			cr.comment++;
			cr.open_comment++;
			if (cr.copy++ <= 0) {
				if (out->len != cr.head)
					cr_putc(&cr, ' ');
				cr_putc(&cr, c);
			}
		}
		if (cr.comment > 0) {
			if (c == ')') {
				cr.comment--;
				cr.copy--;
				cr.open_comment--;
			}
			continue;
		} else if (c == ')') {
			/* an unmatched ')' is dropped, and makes the name quoted */
			if (cr.copy > 0 && out->len > cr.head)
				dstr_truncate(out, out->len - 1);
			cr.need_quote = 1;
			cr_put_g(&cr);
			continue;
		}
		if (c == '[')
			cr.bracket++;
		else if (c == ']' && cr.bracket > 0)
			cr.bracket--;
		if (c == ':' && *p == ':') {
			/* "node::user" (DECnet) is part of the address */
			p++;
			cr_put_g(&cr);
			continue;
		}
		if (c == ':' && cr.angle <= 0 && cr.bracket <= 0 && !cr.got_colon &&
		    !cr.got_angle && cr.copy <= 0) {
			/* "name:" begins a group */
			cr.got_colon = 1;
			cr_rephrase(&cr, p - 1);
			while (*p == ' ' || *p == '\t')
				cr_putc(&cr, *p++);
			cr.head = out->len;
			cr.src_head = p;
			continue;
		}
		if (strchr(".@,;:[]", c) != NULL)
			cr.need_quote = 1;
		if (c == ';' && cr.copy <= 0) {
			/* the end of a group: ';' is kept, the address put */
			cr_putc(&cr, c);
			cr_put_g(&cr);
			continue;
		}
		if (c == '<') {
			const char *lt = p - 1;

			if (cr.got_angle)
				cr.need_quote = 1;
			cr.got_angle = 1;
			cr.angle = 1;
			cr.open_angle = 1;
			cr_rephrase(&cr, lt);
			continue;
		}
		if (c == '>') {
			if (cr.angle > 0) {
				cr.angle--;
				cr.open_angle--;
			} else {
				/* an unmatched '>' is dropped, and what came
				 * before it must be quoted */
				if (cr.copy > 0 && out->len > cr.head)
					dstr_truncate(out, out->len - 1);
				cr.need_quote = 1;
				continue;
			}
			if (cr.copy++ <= 0)
				cr_putc(&cr, c);
			continue;
		}
		if (c == ' ' || c == '\t')
			continue;
		cr_put_g(&cr);
	}
	if (cr.open_quote)
		cr_putc(&cr, '"');
	while (cr.open_comment-- > 0)
		cr_putc(&cr, ')');
	if (cr.open_angle > 0)
		cr_putc(&cr, '>');
}
