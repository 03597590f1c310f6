/* fuzz_addr: libFuzzer harness for the address tokenizer (lib/addr):
 * addr_tokenize in all four modes, with and without a list delimiter,
 * under two operator-character sets, then addr_cat, tok_print, tok_join
 * and addr_crack on the same text.  Built and run by tests/fuzz/build.sh
 * and run.sh; crashers are replayed by tests/unit/test_fuzz_replay.c. */
#include "config.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "base/dstr.h"
#include "base/pool.h"
#include "addr/addr_token.h"
#include "addr/addr_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Debian's cf sets $o to this; ".:@[]" is the default without it */
static const char *const opsets[] = { ".:%@!^/[]+", ".:@[]" };
static const enum tok_mode modes[] = {
	TOK_MODE_TEST, TOK_MODE_EXTERNAL, TOK_MODE_INTERNAL, TOK_MODE_RULE
};

static void
check_tokens(const struct toklist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		/* text tokens are C strings of the length they claim */
		if (l->v[i].op == TOK_TEXT && strlen(l->v[i].s) != l->v[i].len)
			abort();
	}
}

static void
one(const struct addr_syntax *syn, const char *in, enum tok_mode mode, int delim)
{
	const char *p = in, *end;
	dstr err = DSTR_INIT, out = DSTR_INIT;
	int rounds = 0;

	/* walk a list the way -bt's "R addr, addr" does */
	for (;;) {
		pool *pl = pool_new();
		struct toklist l = { 0 };
		int rc = addr_tokenize(syn, p, delim, mode, pl, &l, &end, &err);

		if (end < p || end > p + strlen(p))
			abort();
		if (rc == 0) {
			check_tokens(&l);
			addr_cat(syn, l.v, l.n, ' ', &out);
			addr_cat(syn, l.v, l.n, 0, &out);
			tok_print(&out, l.v, l.n);
			tok_join(&out, l.v, l.n);
		}
		toklist_free(&l);
		pool_free(pl);
		dstr_clear(&out);
		if (*end != delim || delim == '\0' || ++rounds > 64)
			break;
		p = end + 1;
	}
	dstr_free(&err);
	dstr_free(&out);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1);
	struct addr_syntax syn;
	dstr crack = DSTR_INIT;
	size_t s, m;

	memcpy(in, data, size);
	in[size] = '\0';	/* the APIs take C strings: stop at a NUL */
	for (s = 0; s < sizeof(opsets) / sizeof(*opsets); s++) {
		addr_syntax_init(&syn, opsets[s]);
		for (m = 0; m < sizeof(modes) / sizeof(*modes); m++) {
			one(&syn, in, modes[m], '\0');
			one(&syn, in, modes[m], ',');
		}
	}
	addr_crack(in, &crack);
	dstr_free(&crack);
	free(in);
	return 0;
}
