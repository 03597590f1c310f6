/* test_rewrite: the rule engine (rewrite.c, ruleset.c) and -bt on a small
 * config in a temporary folder: every LHS and RHS operator, class
 * phrases, the order of $> calls, lookups that do not nest, the loop
 * guard, the recursion and length limits, $n out of bounds.  Expected
 * answers are sendmail 8.17's for the same config and input. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sysexits.h>
#include <unistd.h>
#include <cmocka.h>
#include "addr/addr_util.h"
#include "sendmail/conf.h"
#include "sendmail/rewrite.h"
#include "sendmail/testmode.h"

/* @DIR@ stands for the temporary folder */
static const char cf_text[] =
	"V10/Berkeley\n"
	"O QueueDirectory=@DIR@\n"
	"O ServiceSwitchFile=@DIR@/sw\n"
	"O HostsFile=@DIR@/hosts\n"
	"Do.:%@!^/[]+\n"
	"DXread-time\n"
	"CPfoo.bar baz\n"
	"CPone.two.three\n"
	"CQ q1 q2\n"
	"Kt text -z: -v1 @DIR@/rt.txt\n"
	"Kt2 text -z: -v1 @DIR@/rt.txt\n"
	"Sops=10\n"
	"R$* < $+ >\t$@ angle $2\n"
	"R$- @ $+\t$@ one $1 at $2\n"
	"R$=P $*\t$@ phrase $1 rest $2\n"
	"R$~Q\t$@ notq $1\n"
	"R$=Q\t$@ isq $1\n"
	"R$@\t$@ empty\n"
	"R$* $| $*\t$@ pipe $1 and $2\n"
	"R$&Y defer $*\t$@ deferred $1\n"
	"R$+\t$@ other $1\n"
	"Srhs=11\n"
	"R$*\t$: $1 $| $&Y $| $X\n"
	"R$* $| $* $| $*\t$@ $# local $@ $2 $: $3 $1\n"
	"Sa=12\n"
	"R$*\t$: A $1\n"
	"Sb=13\n"
	"R$*\t$: B $1\n"
	"Sorder=14\n"
	"R$*\t$@ $>a x $>b y $1\n"
	"Scalls=15\n"
	"R$+\t$: $>13 $1\n"
	"R$+\t$@ $>a $1\n"
	"Slook=16\n"
	"R$*\t$: $(t $1 $@ first $: dflt $) $| $(t2 $1 $@ p $) $| $[ $1 $] $| $(nomap $1 $)\n"
	"Snest=17\n"
	"R$*\t$: $(t $(t2 $1 $) $)\n"
	"Sloop=18\n"
	"R$*\t$: x $1\n"
	"R x x x $*\t$1\n"
	"R$*\tloop $1\n"
	"Srec=19\n"
	"R$*\t$@ $>rec $1\n"
	"Sonce=20\n"
	"R$*\t$: $1 once\n"
	"Sgrow=21\n"
	"R$*\t$@ $>grow $1 $1\n"
	"Soob=22\n"
	"R$* x\t$@ $2\n"
	"Scallempty=23\n"
	"R$*\t$@ $>ops\n"
	"Snamed\n"
	"R$*\t$@ named $1\n"
	"Sother=24\n"
	"R$*\t$: $>named $1\n"
	"R$*\t$@ $>\"a\" $1\n";

static char dir[256];
static struct conf *conf;

static void
write_file(const char *name, const char *text)
{
	char path[512];
	FILE *fp;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");
	dstr cf = DSTR_INIT;
	const char *p, *at;
	char path[512];

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_rewrite.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	write_file("hosts", "127.0.0.1 localhost\n10.1.2.3 mail.example.org mail\n");
	write_file("sw", "hosts files\n");
	write_file("rt.txt", "key1:val1\nk2:%1-%0\n");
	for (p = cf_text; (at = strstr(p, "@DIR@")) != NULL; p = at + 5) {
		dstr_append(&cf, p, (size_t)(at - p));
		dstr_puts(&cf, dir);
	}
	dstr_puts(&cf, p);
	write_file("test.cf", cf.s);
	dstr_free(&cf);
	snprintf(path, sizeof(path), "%s/test.cf", dir);
	conf = conf_load(path, 1, NULL, 0);
	assert_non_null(conf);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];

	(void)state;
	conf_free(conf);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

/* bt: run -bt command lines; the answer to each line (what follows its
 * prompt) goes to blocks[], as tests/compat splits them */
static int
bt(const char *input, char **blocks, int max)
{
	char *out = NULL, *line, *save = NULL;
	size_t outlen = 0;
	FILE *in = fmemopen((void *)input, strlen(input), "r");
	FILE *o = open_memstream(&out, &outlen);
	int n = -1, i;
	dstr cur = DSTR_INIT;

	assert_non_null(in);
	assert_non_null(o);
	/* the config has errors (a nested lookup, $2 out of bounds), so
	 * -bt exits 70 as sendmail's does */
	assert_int_equal(testmode_run(conf, in, o), EX_SOFTWARE);
	fclose(in);
	fclose(o);
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		int k = 0;

		while (strncmp(line, "> ", 2) == 0) {
			line += 2;
			k++;
		}
		for (i = 0; i < k; i++) {
			if (n >= 0 && n < max)
				blocks[n] = strdup(cur.len ? cur.s : "");
			n++;
			dstr_clear(&cur);
		}
		if (n >= 0) {
			if (cur.len)
				dstr_putc(&cur, '\n');
			dstr_puts(&cur, line);
		}
	}
	if (n >= 0 && n < max && cur.len)
		blocks[n++] = strdup(cur.s);
	dstr_free(&cur);
	free(out);
	return n;
}

static const struct { const char *cmd, *want; } cases[] = {
	{ "ops a < b c >",
	    "ops                input: a < b c >\n"
	    "ops              returns: angle b c" },
	{ "ops u @ host",
	    "ops                input: u @ host\n"
	    "ops              returns: one u at host" },
	{ "ops foo.bar x y",
	    "ops                input: foo . bar x y\n"
	    "ops              returns: phrase foo . bar rest x y" },
	{ "ops one.two.three",
	    "ops                input: one . two . three\n"
	    "ops              returns: phrase one . two . three rest" },
	{ "ops one.two",
	    "ops                input: one . two\n"
	    "ops              returns: other one . two" },
	{ "ops zz",
	    "ops                input: zz\n"
	    "ops              returns: notq zz" },
	{ "ops q1",
	    "ops                input: q1\n"
	    "ops              returns: isq q1" },
	{ "ops q1 q2",
	    "ops                input: q1 q2\n"
	    "ops              returns: other q1 q2" },
	{ "callempty x",
	    "callempty          input: x\n"
	    "ops                input:\n"
	    "ops              returns: empty\n"
	    "callempty        returns: empty" },
	{ "ops a $| b",
	    "ops                input: a $| b\n"
	    "ops              returns: other a $| b" },
	{ "ops defer x",
	    "ops                input: defer x\n"
	    "ops              returns: deferred x" },
	{ ".DYdef",
	    "" },
	{ "ops def defer x",
	    "ops                input: def defer x\n"
	    "ops              returns: deferred x" },
	{ "ops defer x",
	    "ops                input: defer x\n"
	    "ops              returns: other defer x" },
	{ "rhs hello",
	    "rhs                input: hello\n"
	    "rhs              returns: $# local $@ def $: read-time hello" },
	{ "order z",
	    "order              input: z\n"
	    "b                  input: y z\n"
	    "b                returns: B y z\n"
	    "a                  input: x B y z\n"
	    "a                returns: A x B y z\n"
	    "order            returns: A x B y z" },
	{ "=Sorder",
	    "R$* \t\t$@ $> a x $> b y $1 " },
	{ "calls w",
	    "calls              input: w\n"
	    "b                  input: w\n"
	    "b                returns: B w\n"
	    "a                  input: B w\n"
	    "a                returns: A B w\n"
	    "calls            returns: A B w" },
	{ "look key1",
	    "look               input: key1\n"
	    "rewrite: map nomap not found\n"
	    "look             returns: val1 $| val1 $| key1 $| key1" },
	{ "look k2",
	    "look               input: k2\n"
	    "rewrite: map nomap not found\n"
	    "look             returns: first-k2 $| p-k2 $| k2 $| k2" },
	{ "look mail",
	    "look               input: mail\n"
	    "rewrite: map nomap not found\n"
	    "look             returns: dflt $| mail $| mail . example . org . $| mail" },
	{ "look nope",
	    "look               input: nope\n"
	    "rewrite: map nomap not found\n"
	    "look             returns: dflt $| nope $| nope $| nope" },
	{ "=Snest",
	    "R$* \t\t$: $( t $( t2 $1 $) $) " },
	{ "nest key1",
	    "nest               input: key1\n"
	    "nest             returns: $( t2 key1 $)" },
	{ "loop a",
	    "loop               input: a\n"
	    "Infinite loop in ruleset loop, rule 3\n"
	    "loop             returns: loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop loop x a" },
	{ "once a",
	    "once               input: a\n"
	    "once             returns: a once" },
	{ "oob a x",
	    "oob                input: a x\n"
	    "rewrite: ruleset oob: replacement $2 out of bounds\n"
	    "== Ruleset oob (22) status 78" },
	{ "3,oob,4 a x",
	    "3                  input: a x\n"
	    "3                returns: a x\n"
	    "oob                input: a x\n"
	    "rewrite: ruleset oob: replacement $2 out of bounds\n"
	    "== Ruleset oob,4 (22) status 78\n"
	    "4                  input: a x\n"
	    "4                returns: a x" },
	{ "other q",
	    "other              input: q\n"
	    "named              input: q\n"
	    "named            returns: named q\n"
	    "a                  input: named q\n"
	    "a                returns: A named q\n"
	    "other            returns: A named q" },
	{ "=Sother",
	    "R$* \t\t$: $> named $1 \n"
	    "R$* \t\t$@ $> a $1 " },
	{ "ops,a,b w",
	    "ops                input: w\n"
	    "ops              returns: notq w\n"
	    "a                  input: notq w\n"
	    "a                returns: A notq w\n"
	    "b                  input: A notq w\n"
	    "b                returns: B A notq w" },
};

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void
test_bt_cases(void **state)
{
	dstr input = DSTR_INIT;
	char *got[NCASES + 2] = { 0 };
	size_t i;
	int bad = 0;

	(void)state;
	for (i = 0; i < NCASES; i++)
		dstr_printf(&input, "%s\n", cases[i].cmd);
	bt(input.s, got, NCASES + 2);
	for (i = 0; i < NCASES; i++) {
		const char *g = got[i] ? got[i] : "<missing>";

		if (strcmp(g, cases[i].want) != 0) {
			print_error("input: %s\n--- want\n%s\n--- got\n%s\n", cases[i].cmd,
			    cases[i].want, g);
			bad++;
		}
	}
	for (i = 0; i < NCASES + 2; i++)
		free(got[i]);
	dstr_free(&input);
	assert_int_equal(bad, 0);
}

static int
count(const char *hay, const char *needle)
{
	int n = 0;

	for (; (hay = strstr(hay, needle)) != NULL; hay++)
		n++;
	return n;
}

/* runaway recursion: 50 levels, then a message and status 78 */
static void
test_recursion_limit(void **state)
{
	char *got[2] = { 0 };

	(void)state;
	assert_int_equal(bt("rec a\n", got, 2), 1);
	assert_int_equal(count(got[0], "rec                input: a\n"), 52);
	assert_int_equal(count(got[0], "rec              returns: a\n"), 51);
	assert_int_equal(count(got[0], "rewrite: excessive recursion (max 50), ruleset rec\n"), 1);
	assert_non_null(strstr(got[0], "\n== Ruleset rec (19) status 78"));
	free(got[0]);
}

/* a rule doubling its input through $>: stops at 1000 tokens (status 65)
 * and the levels below return what they were given */
static void
test_expansion_limit(void **state)
{
	char *got[2] = { 0 };

	(void)state;
	assert_int_equal(bt("grow a\n", got, 2), 1);
	assert_int_equal(count(got[0], "grow               input:"), 10);
	assert_int_equal(count(got[0], "grow             returns:"), 9);
	assert_int_equal(count(got[0], "rewrite: expansion too long\n"), 1);
	assert_non_null(strstr(got[0], "\n== Ruleset grow (21) status 65"));
	free(got[0]);
}

/* the loader's warnings name the file and line */
static void
test_load_messages(void **state)
{
	const char *m = dstr_cstr(&conf->msgs);

	(void)state;
	assert_non_null(strstr(m, "test.cf: line 37: cannot nest map lookups\n"));
	assert_non_null(strstr(m, "test.cf: line 49: replacement $2 out of bounds\n"));
}

/* rewrite() called directly, as the SMTP server and parseaddr do */
static void
test_rewrite_api(void **state)
{
	pool *p = pool_new();
	struct rw_env env = { conf, &conf->macros, p, NULL };
	struct toklist ws = { 0 };
	dstr out = DSTR_INIT;
	const char *end;
	int rs = ruleset_lookup(&conf->rules, "ops");

	(void)state;
	assert_int_equal(rs, 10);
	assert_int_equal(ruleset_lookup(&conf->rules, "named"), 199);	/* names count down */
	assert_int_equal(ruleset_lookup(&conf->rules, "nosuch"), -1);
	assert_int_equal(addr_tokenize(&conf->syntax, "u@host", 0, TOK_MODE_TEST, p, &ws, &end, NULL), 0);
	assert_int_equal(rewrite(&env, &ws, rs), EX_OK);
	addr_cat(&conf->syntax, ws.v, ws.n, ' ', &out);
	assert_string_equal(out.s, "one u at host");
	toklist_free(&ws);
	dstr_clear(&out);
	assert_int_equal(addr_tokenize(&conf->syntax, "a", 0, TOK_MODE_TEST, p, &ws, &end, NULL), 0);
	assert_int_equal(rewrite(&env, &ws, ruleset_lookup(&conf->rules, "rec")), EX_CONFIG);
	assert_int_equal(rewrite(&env, &ws, ruleset_lookup(&conf->rules, "oob")), EX_OK);	/* no "x" */
	toklist_free(&ws);
	assert_int_equal(addr_tokenize(&conf->syntax, "a x", 0, TOK_MODE_TEST, p, &ws, &end, NULL), 0);
	assert_int_equal(rewrite(&env, &ws, ruleset_lookup(&conf->rules, "oob")), EX_CONFIG);
	addr_cat(&conf->syntax, ws.v, ws.n, ' ', &out);
	assert_string_equal(out.s, "a x");	/* left as it was */
	assert_int_equal(rewrite(&env, &ws, MAXRWSETS), EX_CONFIG);
	toklist_free(&ws);
	dstr_free(&out);
	pool_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_load_messages),
		cmocka_unit_test(test_bt_cases),
		cmocka_unit_test(test_recursion_limit),
		cmocka_unit_test(test_expansion_limit),
		cmocka_unit_test(test_rewrite_api),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
