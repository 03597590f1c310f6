/* addr_util: cataddr and crackaddr (see addr_util.h). */
#include "config.h"
#include <string.h>
#include "addr/addr_util.h"

static int
is_operator(const struct addr_syntax *syn, const struct tok *t)
{
	unsigned char c;

	if (t->op != TOK_TEXT)
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

/* addr_crack: keep phrases, comments and brackets, put $g where the
 * address proper is.  With <...>, the inside of the (last) outermost
 * pair is the address; without, everything outside comments is. */
void
addr_crack(const char *addr, dstr *out)
{
	const char *p, *lt = NULL, *gt = NULL;
	int quoted = 0, comment = 0, angle = 0, bs = 0, put_g = 0;

	for (p = addr; *p; p++) {
		if (bs) {
			bs = 0;
			continue;
		}
		if (*p == '\\') {
			bs = 1;
			continue;
		}
		if (quoted) {
			if (*p == '"')
				quoted = 0;
			continue;
		}
		if (comment) {
			if (*p == '(')
				comment++;
			else if (*p == ')')
				comment--;
			continue;
		}
		if (*p == '"')
			quoted = 1;
		else if (*p == '(')
			comment = 1;
		else if (*p == '<') {
			if (angle++ == 0)
				lt = p;
		} else if (*p == '>' && angle > 0) {
			if (--angle == 0)
				gt = p;
		}
	}
	if (lt != NULL && gt != NULL && gt > lt) {
		const char *in = lt + 1;

		while (in < gt && (*in == ' ' || *in == '\t'))
			in++;
		dstr_append(out, addr, (size_t)(lt - addr + 1));
		if (in < gt)
			dstr_puts(out, "$g");
		dstr_puts(out, gt);
		return;
	}
	/* no brackets: comments stay, the rest becomes one $g */
	quoted = comment = bs = 0;
	for (p = addr; *p; p++) {
		if (comment) {
			dstr_putc(out, *p);
			if (bs)
				bs = 0;
			else if (*p == '\\')
				bs = 1;
			else if (*p == '(')
				comment++;
			else if (*p == ')')
				comment--;
			continue;
		}
		if (quoted) {
			if (bs)
				bs = 0;
			else if (*p == '\\')
				bs = 1;
			else if (*p == '"')
				quoted = 0;
			continue;
		}
		if (*p == '(') {
			comment = 1;
			dstr_putc(out, *p);
			continue;
		}
		if (*p == ' ' || *p == '\t') {
			/* blanks between the address and a comment are kept */
			const char *q = p;

			while (*q == ' ' || *q == '\t')
				q++;
			if (*q == '(' || *q == '\0') {
				dstr_append(out, p, (size_t)(q - p));
				p = q - 1;
			}
			continue;
		}
		if (*p == '"')
			quoted = 1;
		if (!put_g) {
			dstr_puts(out, "$g");
			put_g = 1;
		}
	}
}
