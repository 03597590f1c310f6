/* imap_parse: tokenizer and argument tree builder for IMAP commands (see
 * imap_parse.h).  Bounded: list depth and argument counts are limited,
 * literal lengths are checked against what is really in the buffer. */
#include "config.h"
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "imap_parse.h"

struct parser {
	pool *p;
	const char *b;
	size_t pos, len;
	size_t total;
	const char *err;
};

static int
atom_end(int c)
{
	return c == ' ' || c == '(' || c == ')' || c == '"' || c == '\r' || c == '\n' ||
	    c == '\0' || (unsigned char)c < 0x20 || c == 0x7f;
}

static int parse_list(struct parser *ps, int depth, int in_list, struct imap_arg **out, size_t *n);

static int
parse_quoted(struct parser *ps, struct imap_arg *a)
{
	size_t i = ps->pos + 1, o = 0;
	char *d;

	d = pool_alloc(ps->p, ps->len - ps->pos + 1);
	for (; i < ps->len; i++) {
		char c = ps->b[i];

		if (c == '"')
			break;
		if (c == '\r' || c == '\n' || c == '\0') {
			ps->err = "Invalid character in quoted string";
			return -1;
		}
		if (c == '\\') {
			if (i + 1 >= ps->len || (ps->b[i + 1] != '"' && ps->b[i + 1] != '\\')) {
				ps->err = "Invalid escape in quoted string";
				return -1;
			}
			c = ps->b[++i];
		}
		d[o++] = c;
	}
	if (i >= ps->len) {
		ps->err = "Missing '\"'";
		return -1;
	}
	d[o] = '\0';
	a->type = IMAP_ARG_QUOTED;
	a->s = d;
	a->len = o;
	ps->pos = i + 1;
	return 0;
}

static int
parse_literal(struct parser *ps, struct imap_arg *a)
{
	size_t i = ps->pos + 1;
	uint64_t n = 0;
	int digits = 0;

	while (i < ps->len && isdigit((unsigned char)ps->b[i])) {
		if (n > (UINT64_MAX - 9) / 10) {
			ps->err = "Literal size too large";
			return -1;
		}
		n = n * 10 + (uint64_t)(ps->b[i] - '0');
		i++;
		digits++;
	}
	if (i < ps->len && ps->b[i] == '+')
		i++;
	if (!digits || i >= ps->len || ps->b[i] != '}') {
		ps->err = "Invalid literal size";
		return -1;
	}
	if (i + 2 >= ps->len || ps->b[i + 1] != '\r' || ps->b[i + 2] != '\n') {
		ps->err = "Missing literal data";
		return -1;
	}
	i += 3;
	if (n > ps->len - i) {
		ps->err = "Literal truncated";
		return -1;
	}
	a->type = IMAP_ARG_LITERAL;
	a->s = pool_memdup(ps->p, ps->b + i, (size_t)n + 1);
	((char *)a->s)[n] = '\0';
	a->len = (size_t)n;
	ps->pos = i + (size_t)n;
	return 0;
}

static int
parse_atom(struct parser *ps, struct imap_arg *a)
{
	size_t i = ps->pos;
	int bracket = 0;

	while (i < ps->len) {
		char c = ps->b[i];

		if (bracket) {
			if (c == ']')
				bracket--;
			else if (c == '[')
				bracket++;
			else if (c == '\r' || c == '\n' || c == '\0')
				break;
			i++;
			continue;
		}
		if (c == '[') {
			bracket = 1;
			i++;
			continue;
		}
		if (atom_end(c))
			break;
		i++;
	}
	if (bracket) {
		ps->err = "Missing ']'";
		return -1;
	}
	if (i == ps->pos) {
		ps->err = "Unexpected character";
		return -1;
	}
	a->type = IMAP_ARG_ATOM;
	a->s = pool_strndup(ps->p, ps->b + ps->pos, i - ps->pos);
	a->len = i - ps->pos;
	ps->pos = i;
	return 0;
}

static int
parse_list(struct parser *ps, int depth, int in_list, struct imap_arg **out, size_t *n)
{
	struct imap_arg *arr = NULL;
	size_t cnt = 0, cap = 0;

	if (depth > IMAP_MAX_LIST_DEPTH) {
		ps->err = "Too deep list nesting";
		return -1;
	}
	for (;;) {
		struct imap_arg a;
		char c;

		if (ps->pos >= ps->len) {
			if (in_list) {
				ps->err = "Missing ')'";
				return -1;
			}
			break;
		}
		c = ps->b[ps->pos];
		if (c == ' ') {
			ps->pos++;
			continue;
		}
		if (c == ')') {
			if (!in_list) {
				ps->err = "Unexpected ')'";
				return -1;
			}
			ps->pos++;
			break;
		}
		memset(&a, 0, sizeof(a));
		if (c == '(') {
			ps->pos++;
			a.type = IMAP_ARG_LIST;
			if (parse_list(ps, depth + 1, 1, &a.list, &a.n) < 0)
				return -1;
		} else if (c == '"') {
			if (parse_quoted(ps, &a) < 0)
				return -1;
		} else if (c == '{') {
			if (parse_literal(ps, &a) < 0)
				return -1;
		} else if (c == '\r' || c == '\n') {
			ps->err = "Unexpected line end";
			return -1;
		} else if (parse_atom(ps, &a) < 0)
			return -1;
		if (++ps->total > IMAP_MAX_ARGS) {
			ps->err = "Too many arguments";
			return -1;
		}
		if (cnt == cap) {
			struct imap_arg *na;

			cap = cap ? cap * 2 : 8;
			na = pool_alloc(ps->p, cap * sizeof(*na));
			if (cnt)
				memcpy(na, arr, cnt * sizeof(*na));
			arr = na;
		}
		arr[cnt++] = a;
	}
	*out = arr;
	*n = cnt;
	return 0;
}

int
imap_parse_command(pool *p, const char *buf, size_t len, struct imap_cmd *cmd, const char **err)
{
	struct parser ps;
	size_t i = 0, start;
	char *name;

	memset(cmd, 0, sizeof(*cmd));
	*err = NULL;
	while (i < len && !atom_end(buf[i]) && buf[i] != '+' && buf[i] != '{' && buf[i] != '[' &&
	    buf[i] != '%' && buf[i] != '*' && buf[i] != ']')
		i++;
	if (i == 0 || i >= len || buf[i] != ' ') {
		*err = "Error in IMAP command received by server.";
		return -1;
	}
	cmd->tag = pool_strndup(p, buf, i);
	start = ++i;
	while (i < len && !atom_end(buf[i]))
		i++;
	if (i == start) {
		*err = "Error in IMAP command received by server.";
		return -1;
	}
	name = pool_strndup(p, buf + start, i - start);
	for (start = 0; name[start]; start++)
		name[start] = (char)toupper((unsigned char)name[start]);
	cmd->name = name;
	memset(&ps, 0, sizeof(ps));
	ps.p = p;
	ps.b = buf;
	ps.pos = i;
	ps.len = len;
	if (i < len && buf[i] != ' ') {
		*err = "Error in IMAP command: Unexpected character after command name";
		return -1;
	}
	if (parse_list(&ps, 0, 0, &cmd->args, &cmd->nargs) < 0) {
		*err = ps.err;
		return -1;
	}
	return 0;
}

int
imap_literal_at_end(const char *line, size_t len, uint64_t *n, int *nonsync)
{
	size_t i;
	uint64_t v = 0;

	if (len < 3 || line[len - 1] != '}')
		return 0;
	i = len - 1;
	*nonsync = 0;
	if (line[i - 1] == '+') {
		*nonsync = 1;
		i--;
	}
	while (i > 0 && isdigit((unsigned char)line[i - 1]))
		i--;
	if (i == 0 || line[i - 1] != '{' || i == len - 1 - (size_t)*nonsync)
		return 0;
	for (; isdigit((unsigned char)line[i]); i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(line[i] - '0');
	}
	*n = v;
	return 1;
}

const char *
imap_arg_string(const struct imap_arg *a)
{
	if (a == NULL || a->type == IMAP_ARG_LIST)
		return NULL;
	return a->s;
}

int
imap_arg_is(const struct imap_arg *a, const char *word)
{
	return a && a->type == IMAP_ARG_ATOM && strcasecmp(a->s, word) == 0;
}
