/* test_cfcompiler: cfcompiler's .mc reader follows m4's quoting, comment
 * and dnl rules and finds where a quote or call was left open; the name
 * lists suggest the right confXXX or feature; m4's sync lines map output
 * lines back to input lines; map K lines name their text and .db files;
 * diagnostics come out sorted and without repeats. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "cfcompiler/cflint.h"
#include "cfcompiler/confnames.h"
#include "cfcompiler/diag.h"
#include "cfcompiler/explain.h"
#include "cfcompiler/m4run.h"
#include "cfcompiler/mcscan.h"

static void
scan(const char *text, struct mc_scan *sc)
{
	mcscan_text("t.mc", text, strlen(text), sc);
}

static void
test_calls_and_args(void **state)
{
	struct mc_scan sc;
	const struct mc_call *c;

	scan("divert(-1)\n# a comment with `quotes and FEATURE(x)\ndivert(0)dnl\n"
	    "OSTYPE(`linux')dnl\n"
	    "define(`confAUTH_MECHANISMS', `LOGIN PLAIN')dnl a comment\n"
	    "FEATURE(`access_db',\n  `hash -T<TMPF> -o /etc/mail/access')dnl\n"
	    "dnl FEATURE(`not_this_one')\n"
	    "MAILER(local)dnl\n", &sc);
	assert_int_equal(sc.open_quote_line, 0);
	assert_int_equal(sc.open_call, -1);
	c = mcscan_find(&sc, "OSTYPE", NULL);
	assert_non_null(c);
	assert_int_equal(c->line, 4);
	assert_string_equal(c->args[0], "linux");
	assert_string_equal(c->raw[0], "`linux'");
	c = mcscan_find(&sc, "define", "confAUTH_MECHANISMS");
	assert_non_null(c);
	assert_int_equal(c->line, 5);
	assert_int_equal(c->nargs, 2);
	assert_string_equal(c->args[1], "LOGIN PLAIN");
	c = mcscan_find(&sc, "FEATURE", "access_db");
	assert_non_null(c);
	assert_int_equal(c->line, 6);
	assert_int_equal(c->arg_line[1], 7);
	assert_string_equal(c->args[1], "hash -T<TMPF> -o /etc/mail/access");
	assert_null(mcscan_find(&sc, "FEATURE", "not_this_one"));
	assert_null(mcscan_find(&sc, "FEATURE", "x"));
	c = mcscan_find(&sc, "MAILER", NULL);
	assert_int_equal(c->line, 9);
	assert_string_equal(c->args[0], "local");
	assert_int_equal(mcscan_word_count(&sc, "confAUTH_MECHANISMS"), 1);
	mcscan_free(&sc);
}

static void
test_nested_quotes_and_parens(void **state)
{
	struct mc_scan sc;
	const struct mc_call *c;

	scan("define(`confX', `a `nested' (paren) b')dnl\n"
	    "ifdef(`confX', `FEATURE(`inside_quotes')')dnl\n"
	    "LOCAL_CONFIG\nKfoo ldap -k (&(uid=%0))\nR$* $: $(dequote $1 $)\n", &sc);
	assert_int_equal(sc.open_quote_line, 0);
	assert_int_equal(sc.open_call, -1);
	c = mcscan_find(&sc, "define", "confX");
	assert_string_equal(c->args[1], "a `nested' (paren) b");
	/* a FEATURE inside a quoted argument is not read as a call */
	assert_null(mcscan_find(&sc, "FEATURE", NULL));
	mcscan_free(&sc);
}

static void
test_unclosed_quote(void **state)
{
	struct mc_scan sc;

	scan("OSTYPE(`linux')dnl\n"
	    "define(`confAUTH_MECHANISMS', `EXTERNAL GSSAPI DIGEST-MD5 CRAM-MD5 LOGIN PLAIN)dnl\n"
	    "TRUST_AUTH_MECH(`EXTERNAL DIGEST-MD5 CRAM-MD5 LOGIN PLAIN')dnl\n"
	    "MAILER(`local')dnl\n", &sc);
	assert_int_equal(sc.open_quote_line, 2);
	assert_int_equal(sc.open_quote_col, 31);
	assert_non_null(strstr(sc.open_quote_text, "EXTERNAL GSSAPI"));
	mcscan_free(&sc);
}

static void
test_unclosed_call(void **state)
{
	struct mc_scan sc;

	scan("OSTYPE(`linux')dnl\nFEATURE(`access_db'dnl\nMAILER(`local')dnl\n", &sc);
	assert_int_equal(sc.open_quote_line, 0);
	assert_true(sc.open_call >= 0);
	assert_string_equal(sc.calls[sc.open_call].name, "FEATURE");
	assert_int_equal(sc.calls[sc.open_call].line, 2);
	mcscan_free(&sc);
}

static void
test_typographic_quotes(void **state)
{
	struct mc_scan sc;

	/* “ ” in a comment, ‘ ’ outside any quote, then ’ inside an open ` quote */
	scan("# \xe2\x80\x9c" "fine in a comment\xe2\x80\x9d\n"
	    "define(\xe2\x80\x98" "confX\xe2\x80\x99, `y')dnl\n"
	    "define(`confY\xe2\x80\x99, `z')dnl\n", &sc);
	assert_int_equal(sc.ntypos, 3);
	assert_int_equal(sc.typos[0].line, 2);
	assert_int_equal(sc.typos[0].col, 8);
	assert_int_equal(sc.typos[0].cp, 0x2018);
	assert_false(sc.typos[0].in_quote);
	assert_int_equal(sc.typos[1].cp, 0x2019);
	assert_int_equal(sc.typos[2].line, 3);
	assert_true(sc.typos[2].in_quote);
	assert_int_equal(sc.open_quote_line, 3);
	mcscan_free(&sc);
}

static void
test_changequote_and_crlf(void **state)
{
	struct mc_scan sc;
	const struct mc_call *c;

	scan("changequote([,])dnl\r\ndefine([confX], [a ` b])dnl\r\n", &sc);
	assert_true(sc.quotes_changed);
	assert_int_equal(sc.open_quote_line, 0);
	c = mcscan_find(&sc, "define", "confX");
	assert_non_null(c);
	assert_string_equal(c->args[1], "a ` b");
	assert_int_equal(sc.crlf_line, 1);
	mcscan_free(&sc);
}

static void
test_distance_and_suggestions(void **state)
{
	char *feats[] = { "access_db", "mailertable", "virtusertable", "use_cw_file" };
	struct confnames cn;

	assert_int_equal(confnames_distance("acess_db", "access_db"), 1);
	assert_int_equal(confnames_distance("mialertable", "mailertable"), 1);
	assert_int_equal(confnames_distance("abc", "abc"), 0);
	assert_int_equal(confnames_distance("", "abc"), 3);
	assert_string_equal(confnames_closest("acess_db", feats, 4), "access_db");
	assert_string_equal(confnames_closest("virtusertabel", feats, 4), "virtusertable");
	assert_null(confnames_closest("promiscuous_relay", feats, 4));
	memset(&cn, 0, sizeof(cn));
	cn.n = 2;
	cn.v = calloc(2, sizeof(*cn.v));
	cn.v[0].name = "confAUTH_MECHANISMS";
	cn.v[0].kind = "option";
	cn.v[0].target = "AuthMechanisms";
	cn.v[1].name = "confSMTP_MAILER";
	cn.v[1].kind = "m4";
	cn.v[1].target = "-";
	assert_string_equal(confnames_suggest(&cn, "confAUTH_MECHANISM"), "confAUTH_MECHANISMS");
	assert_null(confnames_suggest(&cn, "confSMTP_MAILR"));	/* internal names are not offered */
	assert_null(confnames_suggest(&cn, "confSOMETHING_ELSE"));
	assert_ptr_equal(confnames_by_target(&cn, "option", "AuthMechanisms", 0), &cn.v[0]);
	assert_null(confnames_by_target(&cn, "option", "AuthMechanisms", 1));
	free(cn.v);
}

static void
test_sync_lines(void **state)
{
	struct m4_result r;
	char raw[512];

	snprintf(raw, sizeof(raw),
	    "#line 8 \"s.mc\"\njunk\n#line 5\n##### x #####\n%s\n"
	    "#line 32 \"/lib/m4/sw_emit.m4\"\nV10/Berkeley\nCwlocalhost\n#line 11 \"s.mc\"\nKfoo hash /x\n",
	    m4run_marker());
	m4run_init(&r);
	m4run_parse(&r, raw, strlen(raw));
	assert_string_equal(r.out.s, "junk\n##### x #####\nV10/Berkeley\nCwlocalhost\nKfoo hash /x\n");
	assert_int_equal(r.nlines, 5);
	assert_true(r.saw_marker);
	assert_int_equal(r.input_lines, 2);
	assert_string_equal(r.origin[0].file, "s.mc");
	assert_int_equal(r.origin[0].line, 8);
	assert_string_equal(r.origin[1].file, "s.mc");
	assert_int_equal(r.origin[1].line, 5);
	assert_string_equal(r.origin[2].file, "/lib/m4/sw_emit.m4");
	assert_int_equal(r.origin[3].line, 33);
	assert_string_equal(r.origin[4].file, "s.mc");
	assert_int_equal(r.origin[4].line, 11);
	m4run_free(&r);
}

static void
test_map_files(void **state)
{
	dstr text = DSTR_INIT, db = DSTR_INIT;
	const char *cls = NULL;
	int opt;

	assert_true(cflint_map_file("hash -T<TMPF> -o /etc/mail/access.db", &cls, &text, &db, &opt));
	assert_string_equal(cls, "hash");
	assert_string_equal(text.s, "/etc/mail/access");
	assert_string_equal(db.s, "/etc/mail/access.db");
	assert_true(opt);
	assert_true(cflint_map_file("btree /etc/mail/virtusertable", &cls, &text, &db, &opt));
	assert_string_equal(cls, "btree");
	assert_string_equal(db.s, "/etc/mail/virtusertable.db");
	assert_false(opt);
	assert_false(cflint_map_file("host -a<OKR> -T<TEMP>", &cls, &text, &db, &opt));
	assert_false(cflint_map_file("hash -o $z/x", &cls, &text, &db, &opt));
	assert_false(cflint_map_file("dequote", &cls, &text, &db, &opt));
	assert_string_equal(cflint_feature_of_map("virtuser"), "virtusertable");
	assert_null(cflint_feature_of_map("arith"));
	dstr_free(&text);
	dstr_free(&db);
}

static void
test_diag_order(void **state)
{
	struct diag_list dl;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	diag_init(&dl);
	diag_add(&dl, DIAG_WARNING, "s.mc", 9, "late %d", 1);
	diag_add(&dl, DIAG_ERROR, "s.mc", 3, "early");
	diag_add(&dl, DIAG_ERROR, "s.mc", 3, "early");	/* a repeat */
	diag_add(&dl, DIAG_WARNING, "inc.m4", 1, "included");
	diag_add(&dl, DIAG_ERROR, NULL, 0, "about the run");
	assert_int_equal(dl.n, 4);
	assert_int_equal(diag_count(&dl, DIAG_ERROR), 2);
	assert_true(diag_at_line(&dl, "s.mc", 3));
	assert_false(diag_at_line(&dl, "s.mc", 4));
	diag_print(&dl, fp);
	fclose(fp);
	assert_string_equal(buf,
	    "cfcompiler: error: about the run\n"
	    "s.mc:3: error: early\n"
	    "s.mc:9: warning: late 1\n"
	    "inc.m4:1: warning: included\n");
	free(buf);
	diag_free(&dl);
}

static void
test_lang(void **state)
{
	assert_int_equal(explain_lang_from("ko"), EXPLAIN_KO);
	assert_int_equal(explain_lang_from("ko_KR.UTF-8"), EXPLAIN_KO);
	assert_int_equal(explain_lang_from("en_US.UTF-8"), EXPLAIN_EN);
	assert_int_equal(explain_lang_from("C"), EXPLAIN_EN);
	assert_int_equal(explain_lang_from("de"), -1);
	assert_int_equal(explain_lang_from(""), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls_and_args),
		cmocka_unit_test(test_nested_quotes_and_parens),
		cmocka_unit_test(test_unclosed_quote),
		cmocka_unit_test(test_unclosed_call),
		cmocka_unit_test(test_typographic_quotes),
		cmocka_unit_test(test_changequote_and_crlf),
		cmocka_unit_test(test_distance_and_suggestions),
		cmocka_unit_test(test_sync_lines),
		cmocka_unit_test(test_map_files),
		cmocka_unit_test(test_diag_order),
		cmocka_unit_test(test_lang),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
