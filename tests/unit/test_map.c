/* test_map: the map layer (lib/map) alone: the flags (-a -T -f -m -N -O
 * -q -k -v -z -S -o), %n rewriting, broken and optional maps, and each
 * class the rules use: hash and btree (written to a temporary folder),
 * text, dequote, arith, macro, regex, sequence, user, program, stab.
 * Expected values were checked against sendmail 8.17's -bt. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "map/map.h"

static char dir[256];
static dstr said;			/* messages the maps gave */
static char *macro_names[8], *macro_vals[8];

static const char *
env_get(void *ctx, const char *name)
{
	int i;

	(void)ctx;
	for (i = 0; i < 8; i++)
		if (macro_names[i] && strcmp(macro_names[i], name) == 0)
			return macro_vals[i];
	return NULL;
}

static void
env_set(void *ctx, const char *name, const char *value)
{
	int i, free_slot = -1;

	(void)ctx;
	for (i = 0; i < 8; i++) {
		if (macro_names[i] && strcmp(macro_names[i], name) == 0) {
			free(macro_vals[i]);
			macro_vals[i] = value ? strdup(value) : NULL;
			return;
		}
		if (macro_names[i] == NULL && free_slot < 0)
			free_slot = i;
	}
	assert_true(free_slot >= 0);
	macro_names[free_slot] = strdup(name);
	macro_vals[free_slot] = value ? strdup(value) : NULL;
}

static void
env_message(void *ctx, const char *text)
{
	(void)ctx;
	dstr_puts(&said, text);
	dstr_putc(&said, '\n');
}

static const struct map_env env = { NULL, env_get, env_set, NULL, env_message, NULL };

static char *
path(const char *name)
{
	static char buf[512];

	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static void
write_file(const char *name, const char *text)
{
	FILE *fp = fopen(path(name), "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static int
setup(void **state)
{
	const char *tmp = getenv("TMPDIR");

	(void)state;
	snprintf(dir, sizeof(dir), "%s/test_map.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	assert_non_null(mkdtemp(dir));
	dstr_init(&said);
	return 0;
}

static int
teardown(void **state)
{
	char cmd[600];
	int i;

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	dstr_free(&said);
	for (i = 0; i < 8; i++) {
		free(macro_names[i]);
		free(macro_vals[i]);
		macro_names[i] = macro_vals[i] = NULL;
	}
	return 0;
}

/* define: one K line (printf-style), which must be accepted */
static map *
define(map_registry *reg, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static map *
define(map_registry *reg, const char *fmt, ...)
{
	dstr line = DSTR_INIT, err = DSTR_INIT;
	va_list ap;
	map *m;

	va_start(ap, fmt);
	dstr_vprintf(&line, fmt, ap);
	va_end(ap);
	m = map_define(reg, line.s, &err);
	if (m == NULL)
		fail_msg("K %s: %s", line.s, dstr_cstr(&err));
	dstr_free(&line);
	dstr_free(&err);
	return m;
}

/* look: the value of a rule lookup ($(map key $@ args $)), "<none>"
 * when not found; the status goes to *st */
static const char *
look(map *m, const char *key, int nargs, const char *const *args, int *st)
{
	static char buf[1024];
	int dummy;
	char *v = map_lookup(m, key, args, nargs, st ? st : &dummy);

	snprintf(buf, sizeof(buf), "%s", v ? v : "<none>");
	free(v);
	return buf;
}

static const char *
verbatim(map *m, const char *key, int *st)
{
	static char buf[1024];
	int dummy;
	char *v = map_lookup_verbatim(m, key, st ? st : &dummy);

	snprintf(buf, sizeof(buf), "%s", v ? v : "<none>");
	free(v);
	return buf;
}

/* build: a hash or btree map from pairs, as makemap does */
static void
build(const char *cls, const char *name, int fold, int nul, const char *const *pairs)
{
	map_registry *reg = map_registry_new(&env);
	map *m = define(reg, "w %s %s", cls, path(name));
	dstr err = DSTR_INIT;

	map_set_write_flags(m, fold, nul, 0, 0);
	assert_int_equal(map_rebuild_begin(m, 0, &err), 0);
	for (; pairs[0]; pairs += 2)
		assert_int_equal(map_rebuild_store(m, pairs[0], pairs[1], &err), 0);
	assert_int_equal(map_rebuild_commit(m, &err), 0);
	dstr_free(&err);
	map_registry_free(reg);
}

struct listing {
	dstr text;
	int n;
};

static void
collect(void *arg, const char *k, size_t kl, const char *v, size_t vl)
{
	struct listing *l = arg;

	dstr_append(&l->text, k, strnlen(k, kl));
	dstr_putc(&l->text, '=');
	dstr_append(&l->text, v, strnlen(v, vl));
	dstr_putc(&l->text, ';');
	l->n++;
}

static void
test_db_classes(void **state)
{
	static const char *const pairs[] = {
		"Zed", "last", "alpha", "first", "mid.example", "REJECT", NULL
	};
	static const char *const cls[] = { "hash", "btree" };
	int i, st;

	(void)state;
	for (i = 0; i < 2; i++) {
		map_registry *reg;
		map *m;
		struct listing l = { DSTR_INIT, 0 };

		build(cls[i], cls[i], 1, 0, pairs);
		assert_int_equal(access(path(cls[i]), F_OK), -1);	/* file.db only */
		reg = map_registry_new(&env);
		m = define(reg, "m %s %s", cls[i], path(cls[i]));
		assert_string_equal(look(m, "ALPHA", 0, NULL, &st), "first");
		assert_int_equal(st, 0);
		assert_string_equal(look(m, "zed", 0, NULL, NULL), "last");
		assert_string_equal(look(m, "mid.example", 0, NULL, NULL), "REJECT");
		assert_string_equal(look(m, "nope", 0, NULL, &st), "<none>");
		assert_int_equal(st, 0);
		assert_true(map_is_open(m));
		assert_int_equal(map_each(m, collect, &l), 0);
		assert_int_equal(l.n, 3);
		if (i == 1)	/* a btree lists in key order; keys were folded */
			assert_string_equal(l.text.s, "alpha=first;mid.example=REJECT;zed=last;");
		dstr_free(&l.text);
		map_registry_free(reg);
	}
}

static void
test_db_duplicates(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *m = define(reg, "d hash %s", path("dups"));
	dstr err = DSTR_INIT;

	(void)state;
	map_set_write_flags(m, 1, 0, 0, 0);
	assert_int_equal(map_rebuild_begin(m, 0, &err), 0);
	assert_int_equal(map_rebuild_store(m, "k", "one", &err), 0);
	assert_int_equal(map_rebuild_store(m, "K", "two", &err), 1);	/* kept */
	map_set_write_flags(m, 1, 0, 1, 0);				/* -r */
	assert_int_equal(map_rebuild_store(m, "k", "three", &err), 1);
	map_set_write_flags(m, 1, 0, 0, 1);				/* -A */
	assert_int_equal(map_rebuild_store(m, "a", "x", &err), 0);
	assert_int_equal(map_rebuild_store(m, "a", "y", &err), 0);
	assert_int_equal(map_rebuild_commit(m, &err), 0);
	map_registry_free(reg);
	reg = map_registry_new(&env);
	m = define(reg, "d hash %s", path("dups"));
	assert_string_equal(look(m, "k", 0, NULL, NULL), "three");
	assert_string_equal(look(m, "a", 0, NULL, NULL), "x,y");
	map_registry_free(reg);
	dstr_free(&err);
}

/* -N, -O and the default (try without the NUL, then with it) */
static void
test_db_nul_flags(void **state)
{
	static const char *const with[] = { "withnul", "yes", NULL };
	static const char *const without[] = { "nonul", "yes", NULL };
	map_registry *reg;

	(void)state;
	build("hash", "nul", 1, 1, with);
	build("hash", "plain", 1, 0, without);
	reg = map_registry_new(&env);
	assert_string_equal(look(define(reg, "a hash %s", path("nul")), "withnul", 0, NULL, NULL), "yes");
	assert_string_equal(look(define(reg, "b hash -N %s", path("nul")), "withnul", 0, NULL, NULL), "yes");
	assert_string_equal(look(define(reg, "c hash -O %s", path("nul")), "withnul", 0, NULL, NULL), "<none>");
	assert_string_equal(look(define(reg, "d hash %s", path("plain")), "nonul", 0, NULL, NULL), "yes");
	assert_string_equal(look(define(reg, "e hash -N %s", path("plain")), "nonul", 0, NULL, NULL), "<none>");
	assert_string_equal(look(define(reg, "f hash -O %s", path("plain")), "nonul", 0, NULL, NULL), "yes");
	map_registry_free(reg);
}

/* -f: keys keep their case when written and when looked up */
static void
test_fold_flag(void **state)
{
	static const char *const pairs[] = { "MixedKey", "v", NULL };
	map_registry *reg;
	map *f, *d;

	(void)state;
	build("btree", "case", 0, 0, pairs);
	reg = map_registry_new(&env);
	f = define(reg, "f btree -f %s", path("case"));
	d = define(reg, "d btree %s", path("case"));
	assert_string_equal(look(f, "MixedKey", 0, NULL, NULL), "v");
	assert_string_equal(look(f, "mixedkey", 0, NULL, NULL), "<none>");
	assert_string_equal(look(d, "MixedKey", 0, NULL, NULL), "<none>");	/* folded to lower */
	map_registry_free(reg);
}

/* -a, -m, %0..%9 and %% in values; /map (verbatim) rewrites too, with
 * no arguments */
static void
test_rewrite_flags(void **state)
{
	static const char *const args[] = { "A1", "A2" };
	map_registry *reg = map_registry_new(&env);
	map *z, *za, *zm;

	(void)state;
	write_file("z.txt", "alpha:one %1 two %0 three %% four %9 five %x %2\n"
	    "beta:bee\n");
	z = define(reg, "z text -z: -v1 %s", path("z.txt"));
	za = define(reg, "za text -z: -v1 -a<A> %s", path("z.txt"));
	zm = define(reg, "zm text -z: -m -a<A> %s", path("z.txt"));
	assert_string_equal(look(z, "alpha", 2, args, NULL),
	    "one A1 two alpha three % four  five %x A2");
	assert_string_equal(look(z, "alpha", 1, args, NULL),
	    "one A1 two alpha three % four  five %x ");
	assert_string_equal(verbatim(z, "alpha", NULL),
	    "one  two alpha three % four  five %x ");
	assert_string_equal(look(za, "beta", 0, NULL, NULL), "bee<A>");
	assert_string_equal(look(zm, "BETA", 0, NULL, NULL), "BETA<A>");
	assert_string_equal(look(zm, "gamma", 0, NULL, NULL), "<none>");
	map_registry_free(reg);
}

/* -q keeps quotes in the key; without it they are taken out */
static void
test_quote_flag(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *q, *n;

	(void)state;
	write_file("q.txt", "\"q\":quoted\nq:bare\n");
	q = define(reg, "q text -z: -q -v1 %s", path("q.txt"));
	n = define(reg, "n text -z: -v1 %s", path("q.txt"));
	assert_string_equal(look(q, "\"q\"", 0, NULL, NULL), "quoted");
	assert_string_equal(look(n, "\"q\"", 0, NULL, NULL), "bare");
	assert_string_equal(look(n, "\\q", 0, NULL, NULL), "bare");
	/* /map does not dequote */
	assert_string_equal(verbatim(n, "\"q\"", NULL), "quoted");
	map_registry_free(reg);
}

/* text: -k -v -z columns; keys match without case, even with -f */
static void
test_text_class(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *t, *k, *f;

	(void)state;
	write_file("t.txt", "# comment\nalpha one two\nBeta bee\n\nkey2:val2:col3\n");
	t = define(reg, "t text %s", path("t.txt"));
	k = define(reg, "k text -z: -k1 -v2 %s", path("t.txt"));
	f = define(reg, "f text -f -v1 %s", path("t.txt"));
	assert_string_equal(look(t, "alpha", 0, NULL, NULL), "alpha");	/* -v0 */
	assert_string_equal(look(f, "ALPHA", 0, NULL, NULL), "one");
	assert_string_equal(look(f, "BETA", 0, NULL, NULL), "bee");
	assert_string_equal(look(k, "VAL2", 0, NULL, NULL), "col3");
	assert_string_equal(look(k, "key2", 0, NULL, NULL), "<none>");
	map_registry_free(reg);
}

static void
test_dequote_class(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *d = define(reg, "d dequote"), *s = define(reg, "s dequote -S_");

	(void)state;
	assert_string_equal(look(d, "\"ab\"", 0, NULL, NULL), "ab");
	assert_string_equal(look(d, "\"a\"b", 0, NULL, NULL), "ab");
	assert_string_equal(look(d, "ab", 0, NULL, NULL), "<none>");	/* no quotes */
	assert_string_equal(look(d, "\"a b\"", 0, NULL, NULL), "<none>");	/* a blank left */
	assert_string_equal(look(s, "\"a b\"", 0, NULL, NULL), "a_b");
	assert_string_equal(look(d, "\"a\\\"b\"", 0, NULL, NULL), "a\\\"b");
	assert_string_equal(look(d, "\"open", 0, NULL, NULL), "<none>");
	map_registry_free(reg);
}

static void
test_arith_class(void **state)
{
	static const char *const two_three[] = { "2", "3" };
	static const char *const one_zero[] = { "1", "0" };
	static const char *const seven_three[] = { "7", "3" };
	static const char *const junk[] = { "a", "2" };
	map_registry *reg = map_registry_new(&env);
	map *a = define(reg, "a arith");
	int st;

	(void)state;
	assert_string_equal(look(a, "+", 2, two_three, NULL), "5");
	assert_string_equal(look(a, "-", 2, two_three, NULL), "-1");
	assert_string_equal(look(a, "*", 2, two_three, NULL), "6");
	assert_string_equal(look(a, "/", 2, seven_three, NULL), "2");
	assert_string_equal(look(a, "%", 2, seven_three, NULL), "1");
	assert_string_equal(look(a, "l", 2, two_three, NULL), "TRUE");
	assert_string_equal(look(a, "l", 2, seven_three, NULL), "FALSE");
	assert_string_equal(look(a, "=", 2, two_three, NULL), "FALSE");
	assert_string_equal(look(a, "+", 2, junk, NULL), "2");		/* junk is 0 */
	assert_string_equal(look(a, "/", 2, one_zero, &st), "<none>");
	assert_int_equal(st, 0);
	assert_string_equal(look(a, "x", 2, two_three, NULL), "<none>");
	assert_string_equal(look(a, "+", 1, two_three, &st), "<none>");
	assert_int_equal(st, 78);	/* EX_CONFIG, as sendmail's /map shows */
	map_registry_free(reg);
}

static void
test_macro_class(void **state)
{
	static const char *const hello[] = { "hello" };
	static const char *const empty[] = { "" };
	map_registry *reg = map_registry_new(&env);
	map *m = define(reg, "m macro");

	(void)state;
	assert_string_equal(look(m, "{foo}", 1, hello, NULL), "");
	assert_string_equal(env_get(NULL, "foo"), "hello");
	assert_string_equal(look(m, "x", 1, hello, NULL), "");
	assert_string_equal(env_get(NULL, "x"), "hello");
	look(m, "{foo}", 1, empty, NULL);	/* no value: undefined */
	assert_null(env_get(NULL, "foo"));
	look(m, "x", 0, NULL, NULL);
	assert_null(env_get(NULL, "x"));
	map_registry_free(reg);
}

static void
test_regex_class(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *re = define(reg, "re regex -s3,1 -d+ ^([a-z]+)(x)?@(.*)$");
	map *reb = define(reg, "reb regex -b -s1 ^\\(a*\\)b$");
	map *ref = define(reg, "ref regex -f ^abc$");
	map *ren = define(reg, "ren regex -n ^abc");
	map *rem = define(reg, "rem regex -m -a.YES ^abc");
	dstr err = DSTR_INIT;
	map *bad;
	int st;

	(void)state;
	assert_string_equal(look(re, "ab@c", 0, NULL, NULL), "c+ab");
	assert_string_equal(look(re, "abx@c", 0, NULL, NULL), "c+abx");
	assert_string_equal(look(re, "AB@c", 0, NULL, NULL), "c+AB");	/* case-blind */
	assert_string_equal(look(re, "a-b", 0, NULL, NULL), "<none>");
	assert_string_equal(look(reb, "aaB", 0, NULL, NULL), "aa");
	assert_string_equal(look(ref, "ABC", 0, NULL, NULL), "<none>");	/* -f: case counts */
	assert_string_equal(look(ref, "abc", 0, NULL, NULL), "");
	assert_string_equal(look(ren, "abc", 0, NULL, NULL), "<none>");
	assert_string_equal(look(ren, "xyz", 0, NULL, NULL), "");
	assert_string_equal(look(rem, "Abcd", 0, NULL, NULL), "Abcd.YES");
	/* a pattern that does not compile is reported with the K line; the
	 * map stays declared but never opens: nothing found, no status */
	assert_null(map_define(reg, "bad regex ^(unclosed", &err));
	assert_string_equal(dstr_cstr(&err), "pattern-compile-error: Unmatched ( or \\(\n");
	bad = map_find(reg, "bad");
	assert_non_null(bad);
	assert_int_equal(map_ready(bad), 0);
	dstr_clear(&said);
	assert_string_equal(look(bad, "x", 0, NULL, &st), "<none>");
	assert_int_equal(st, 0);
	assert_string_equal(dstr_cstr(&said), "");
	dstr_free(&err);
	map_registry_free(reg);
}

static void
test_sequence_class(void **state)
{
	map_registry *reg = map_registry_new(&env);
	dstr err = DSTR_INIT;
	map *s;

	(void)state;
	write_file("s1.txt", "one:first\n");
	write_file("s2.txt", "one:second\ntwo:second\n");
	define(reg, "a text -z: -v1 %s", path("s1.txt"));
	define(reg, "b text -z: -v1 -a! %s", path("s2.txt"));
	/* an unknown member is a warning; the sequence works without it */
	assert_non_null(map_define(reg, "s sequence a nosuchmap b", &err));
	assert_string_equal(dstr_cstr(&err), "Sequence map s: unknown member map nosuchmap\n");
	s = map_find(reg, "s");
	assert_string_equal(look(s, "one", 0, NULL, NULL), "first");
	assert_string_equal(look(s, "two", 0, NULL, NULL), "second!");
	assert_string_equal(look(s, "three", 0, NULL, NULL), "<none>");
	dstr_free(&err);
	map_registry_free(reg);
}

static void
test_user_class(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *u = define(reg, "u user"), *uid = define(reg, "uid user -vuid");
	map *dir_ = define(reg, "d user -vdir");

	(void)state;
	assert_string_equal(look(u, "root", 0, NULL, NULL), "root");
	assert_string_equal(look(uid, "root", 0, NULL, NULL), "0");
	assert_string_equal(look(dir_, "root", 0, NULL, NULL), "/root");
	assert_string_equal(look(u, "no-such-user-here", 0, NULL, NULL), "<none>");
	map_registry_free(reg);
}

static void
test_program_class(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *echo = define(reg, "e program /bin/echo hi");
	map *f = define(reg, "f program -T<TMPF> /bin/false");
	map *none = define(reg, "n program /nonexistent/program");
	map *t75, *empty;
	int st;

	(void)state;
	write_file("ex75.sh", "#!/bin/sh\necho out\nexit 75\n");
	write_file("empty.sh", "#!/bin/sh\nexit 0\n");
	chmod(path("ex75.sh"), 0755);
	chmod(path("empty.sh"), 0755);
	t75 = define(reg, "t program -T<TMPF> %s", path("ex75.sh"));
	empty = define(reg, "m program %s", path("empty.sh"));
	dstr_clear(&said);
	assert_string_equal(look(echo, "key", 0, NULL, &st), "hi key");
	assert_int_equal(st, 0);
	/* an exit code is the status, without a message; only 75 is a
	 * temporary failure, and only that gets the -T text */
	assert_string_equal(look(f, "key", 0, NULL, &st), "<none>");
	assert_int_equal(st, 1);
	assert_string_equal(look(t75, "key", 0, NULL, &st), "key<TMPF>");
	assert_int_equal(st, 75);
	assert_string_equal(verbatim(t75, "key", &st), "<none>");	/* /map: no -T */
	assert_int_equal(st, 75);
	assert_string_equal(look(none, "key", 0, NULL, &st), "<none>");
	assert_int_equal(st, 78);
	assert_string_equal(look(empty, "key", 0, NULL, &st), "<none>");
	assert_int_equal(st, 0);
	assert_string_equal(dstr_cstr(&said), "");
	map_registry_free(reg);
}

/* a missing file: optional maps find nothing quietly; others say why
 * once, then every lookup is a temporary failure (-T applies) */
static void
test_missing_files(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *o = define(reg, "o hash -o %s", path("absent"));
	map *t = define(reg, "t hash -T<TMPF> %s", path("absent"));
	map *x = define(reg, "x btree %s", path("absent2"));
	dstr err = DSTR_INIT;
	int st;

	(void)state;
	map_open_all(reg, &err);
	assert_false(map_is_open(o));
	assert_false(map_is_open(t));
	dstr_clear(&said);
	assert_string_equal(look(o, "k", 0, NULL, &st), "<none>");
	assert_int_equal(st, 0);
	assert_int_equal(map_ready(o), 0);
	assert_string_equal(dstr_cstr(&said), "");
	assert_string_equal(look(t, "k", 0, NULL, &st), "k<TMPF>");
	assert_int_equal(st, 75);
	assert_non_null(strstr(dstr_cstr(&said), "hash map \"t\": missing map file"));
	assert_non_null(strstr(dstr_cstr(&said), "absent.db"));
	dstr_clear(&said);
	assert_string_equal(look(t, "k", 0, NULL, &st), "k<TMPF>");
	assert_int_equal(st, 75);
	assert_string_equal(dstr_cstr(&said), "");	/* said once */
	assert_int_equal(map_ready(x), 1);
	assert_non_null(strstr(dstr_cstr(&said), "btree map \"x\""));
	assert_string_equal(verbatim(x, "k", &st), "<none>");
	assert_int_equal(st, 75);
	dstr_free(&err);
	map_registry_free(reg);
}

static void
test_define_errors(void **state)
{
	map_registry *reg = map_registry_new(&env);
	dstr err = DSTR_INIT;

	(void)state;
	assert_null(map_define(reg, "m nosuchclass /x", &err));
	assert_string_equal(dstr_cstr(&err), "readcf: map m: class nosuchclass not available\n");
	dstr_clear(&err);
	assert_null(map_define(reg, "lonely", &err));
	assert_non_null(strstr(dstr_cstr(&err), "no map class"));
	/* a later K line of the same name replaces the first */
	define(reg, "d dequote");
	assert_string_equal(map_class_name(define(reg, "d arith")), "arith");
	assert_string_equal(map_class_name(map_find(reg, "d")), "arith");
	assert_null(map_find(reg, "nope"));
	dstr_free(&err);
	map_registry_free(reg);
}

static void
test_stab_class(void **state)
{
	map_registry *reg = map_registry_new(&env);
	map *s = define(reg, "s stab /dev/null");
	dstr err = DSTR_INIT;

	(void)state;
	map_set_write_flags(s, 1, 0, 0, 0);
	assert_int_equal(map_rebuild_begin(s, 0, &err), 0);
	assert_int_equal(map_rebuild_store(s, "Key", "v1", &err), 0);
	assert_int_equal(map_rebuild_store(s, "key", "v2", &err), 1);
	assert_int_equal(map_rebuild_commit(s, &err), 0);
	assert_string_equal(look(s, "KEY", 0, NULL, NULL), "v1");
	dstr_free(&err);
	map_registry_free(reg);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_db_classes),
		cmocka_unit_test(test_db_duplicates),
		cmocka_unit_test(test_db_nul_flags),
		cmocka_unit_test(test_fold_flag),
		cmocka_unit_test(test_rewrite_flags),
		cmocka_unit_test(test_quote_flag),
		cmocka_unit_test(test_text_class),
		cmocka_unit_test(test_dequote_class),
		cmocka_unit_test(test_arith_class),
		cmocka_unit_test(test_macro_class),
		cmocka_unit_test(test_regex_class),
		cmocka_unit_test(test_sequence_class),
		cmocka_unit_test(test_user_class),
		cmocka_unit_test(test_program_class),
		cmocka_unit_test(test_missing_files),
		cmocka_unit_test(test_define_errors),
		cmocka_unit_test(test_stab_class),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
