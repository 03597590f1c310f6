"""cfcompiler: compiles a good .mc to the same .cf plain m4 makes (written
atomically, only without errors), and for each mistake lab users make
prints one diagnostic at the .mc line that needs fixing: unbalanced
quotes and parentheses, typographic quotes, unknown FEATURE / MAILER /
OSTYPE / DOMAIN and confXXX names (with "did you mean"), FEATURE after
MAILER, text copied into the .cf by a missing dnl, a wrong include path,
maps whose .db is missing or stale, and bad .cf lines written through
LOCAL_CONFIG."""
import os
import subprocess

import pytest

from cfcompiler_env import CF_DIR, CF_M4, diags, run_cfc, write_mc

GOOD = """VERSIONID(`cfcompiler test')dnl
OSTYPE(`linux')dnl
define(`confAUTH_MECHANISMS', `LOGIN PLAIN')dnl
TRUST_AUTH_MECH(`LOGIN PLAIN')dnl
DAEMON_OPTIONS(`Port=smtp, Name=MTA')dnl
DAEMON_OPTIONS(`Port=submission, Name=MSA, M=Ea')dnl
FEATURE(`no_default_msa')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
"""


def errors(r):
    return [d for d in diags(r.stderr) if d[2] == "error"]


def only_error(r, line, *words):
    """exactly one error, at line, whose text has every word"""
    errs = errors(r)
    assert r.returncode != 0, r.stderr
    assert len(errs) == 1, r.stderr
    assert errs[0][1] == line, r.stderr
    for w in words:
        assert w in errs[0][3], r.stderr
    return errs[0]


def test_good_mc_same_cf_as_plain_m4(sandbox):
    mc = write_mc(sandbox, "good.mc", GOOD)
    r = run_cfc([mc, "-o", os.path.join(sandbox, "good.cf")])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    plain = subprocess.run(["m4", mc], capture_output=True, check=True).stdout
    assert open(os.path.join(sandbox, "good.cf"), "rb").read() == plain
    # no temporary file is left beside it
    assert sorted(os.listdir(sandbox)) == ["aliases", "aliases.db", "good.cf", "good.mc"]


def test_default_output_name_and_stdout(sandbox):
    mc = write_mc(sandbox, "sendmail.mc", GOOD)
    r = run_cfc([mc])
    assert r.returncode == 0, r.stderr
    assert os.path.exists(os.path.join(sandbox, "sendmail.cf"))
    r = run_cfc([mc, "-o", "-"])
    assert r.returncode == 0
    assert "V10/Berkeley" in r.stdout
    assert r.stdout == open(os.path.join(sandbox, "sendmail.cf")).read()


def test_check_only_writes_nothing(sandbox):
    mc = write_mc(sandbox, "c.mc", GOOD)
    r = run_cfc(["-n", mc])
    assert r.returncode == 0, r.stderr
    assert not os.path.exists(os.path.join(sandbox, "c.cf"))


def test_error_keeps_the_old_cf(sandbox):
    mc = write_mc(sandbox, "k.mc", GOOD + "FEATURE(`acess_db')dnl\n")
    out = os.path.join(sandbox, "k.cf")
    with open(out, "w") as f:
        f.write("# the old one\n")
    r = run_cfc([mc, "-o", out])
    assert r.returncode == 1
    assert "k.cf not written" in r.stderr
    assert open(out).read() == "# the old one\n"
    assert sorted(os.listdir(sandbox)) == ["aliases", "aliases.db", "k.cf", "k.mc"]


def test_unbalanced_quote_names_the_opening_line(sandbox):
    mc = write_mc(sandbox, "q.mc", """OSTYPE(`linux')dnl
define(`confAUTH_MECHANISMS', `EXTERNAL GSSAPI DIGEST-MD5 CRAM-MD5 LOGIN PLAIN)dnl
TRUST_AUTH_MECH(`EXTERNAL DIGEST-MD5 CRAM-MD5 LOGIN PLAIN')dnl
FEATURE(`access_db')dnl
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 4, "unbalanced quote", "EXTERNAL GSSAPI")


def test_unbalanced_parenthesis(sandbox):
    mc = write_mc(sandbox, "p.mc", """OSTYPE(`linux')dnl
FEATURE(`use_cw_file')dnl
FEATURE(`access_db'dnl
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 5, "unbalanced parentheses", "FEATURE(")


def test_typographic_quotes_outside_quotes(sandbox):
    mc = write_mc(sandbox, "t.mc", """OSTYPE(`linux')dnl
define(\u2018confAUTH_MECHANISMS\u2019, \u2018LOGIN PLAIN\u2019)dnl
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 4, "U+2018", "typographic quote")


def test_typographic_closing_quote_inside_a_quote(sandbox):
    mc = write_mc(sandbox, "t2.mc", """OSTYPE(`linux')dnl
dnl a comment with \u201cfancy\u201d quotes is fine
define(`confAUTH_MECHANISMS\u2019, `LOGIN PLAIN')dnl
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 5, "U+2019", "never closes")


def test_apostrophe_instead_of_backtick(sandbox):
    mc = write_mc(sandbox, "a.mc", """OSTYPE(`linux')dnl
define('confAUTH_MECHANISMS', 'LOGIN PLAIN')dnl
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 4, "backtick", "define(`confAUTH_MECHANISMS'")


@pytest.mark.parametrize("macro,name,hint", [
    ("FEATURE", "acess_db", "did you mean `access_db'"),
    ("MAILER", "procmal", "did you mean `procmail'"),
    ("OSTYPE", "linx", "did you mean `linux'"),
    ("DOMAIN", "generik", "did you mean `generic'"),
    ("FEATURE", "no_such_thing_at_all", "no feature/no_such_thing_at_all.m4"),
])
def test_unknown_names(sandbox, macro, name, hint):
    body = "OSTYPE(`linux')dnl\n%s(`%s')dnl\nMAILER(`local')dnl\n" % (macro, name)
    if macro == "OSTYPE":
        body = "%s(`%s')dnl\nMAILER(`local')dnl\n" % (macro, name)
    mc = write_mc(sandbox, "u.mc", body)
    line = 3 if macro == "OSTYPE" else 4
    only_error(run_cfc(["-n", mc]), line, "unknown %s `%s'" % (macro, name), hint)


def test_feature_after_mailer_is_a_warning(sandbox):
    mc = write_mc(sandbox, "f.mc", """OSTYPE(`linux')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
FEATURE(`always_add_domain')dnl
""")
    r = run_cfc(["-n", mc])
    assert r.returncode == 0, r.stderr
    ds = diags(r.stderr)
    assert len(ds) == 1, r.stderr
    assert ds[0][1:3] == (6, "warning")
    assert "after MAILER(`local') at line 4" in ds[0][3]


def test_unknown_conf_name_did_you_mean(sandbox):
    mc = write_mc(sandbox, "n.mc", """OSTYPE(`linux')dnl
define(`confAUTH_MECHANISM', `LOGIN PLAIN')dnl
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 4, "confAUTH_MECHANISM'", "did you mean `confAUTH_MECHANISMS'")


def test_conf_name_nobody_knows_is_a_warning(sandbox):
    mc = write_mc(sandbox, "n2.mc", """OSTYPE(`linux')dnl
define(`confTOTALLY_MADE_UP_SETTING', `1')dnl
MAILER(`local')dnl
""")
    r = run_cfc(["-n", mc])
    assert r.returncode == 0, r.stderr
    assert [d[1:3] for d in diags(r.stderr)] == [(4, "warning")]


def test_missing_dnl_copies_text_into_the_cf(sandbox):
    mc = write_mc(sandbox, "j.mc", """OSTYPE(`linux')dnl
FEATURE(`use_cw_file')dnl
Enable relaying for our LAN
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 5, "Enable relaying for our LAN", "missing dnl")


def test_misspelled_macro_is_copied_too(sandbox):
    mc = write_mc(sandbox, "j2.mc", """OSTYPE(`linux')dnl
FEATUER(`access_db')dnl
MAILER(`local')dnl
""")
    only_error(run_cfc(["-n", mc]), 4, "did you mean `FEATURE'")


def test_wrong_include_path(sandbox):
    bad = os.path.join(sandbox, "no", "sendmail", "cf", "m4", "cf.m4")
    mc = write_mc(sandbox, "i.mc", "include(`%s')dnl\nOSTYPE(`linux')dnl\nMAILER(`local')dnl\n" % bad,
                  include=False)
    err = only_error(run_cfc(["-n", mc]), 1, "no such file")
    assert "include(`%s')" % CF_M4 in err[3]


def test_library_macro_before_include(sandbox):
    mc = write_mc(sandbox, "o.mc", "OSTYPE(`linux')dnl\ninclude(`%s')dnl\nMAILER(`local')dnl\n" % CF_M4,
                  include=False)
    only_error(run_cfc(["-n", mc]), 1, "OSTYPE is used before the cf library is included")


def test_missing_and_stale_map_db(sandbox):
    acc = os.path.join(sandbox, "access")
    vut = os.path.join(sandbox, "virtusertable")
    for p in (acc, vut):
        with open(p, "w") as f:
            f.write("x y\n")
    open(vut + ".db", "w").close()
    st = os.stat(vut)
    os.utime(vut + ".db", ns=(st.st_atime_ns, st.st_mtime_ns - 10**9))	# older than its text
    mc = write_mc(sandbox, "m.mc", """OSTYPE(`linux')dnl
FEATURE(`access_db', `hash -o %s')dnl
FEATURE(`virtusertable', `hash -o %s')dnl
MAILER(`local')dnl
""" % (acc, vut))
    r = run_cfc(["-n", mc])
    assert r.returncode == 0, r.stderr
    ds = diags(r.stderr)
    assert [d[1:3] for d in ds] == [(4, "warning"), (5, "warning")], r.stderr
    assert "access.db is missing" in ds[0][3] and "makemap hash %s < %s" % (acc, acc) in ds[0][3]
    assert "virtusertable.db is older than" in ds[1][3]


def test_bad_local_config_lines_map_to_the_mc(sandbox):
    mc = write_mc(sandbox, "l.mc", """OSTYPE(`linux')dnl
LOCAL_CONFIG
Zthis is not a cf line
LOCAL_RULE_0
R$* < @ foo > $*	$#error $@ 5.1.1 $: "550 no"
R$*  no tab here
MAILER(`local')dnl
""")
    r = run_cfc(["-n", mc])
    errs = errors(r)
    assert [e[1] for e in errs] == [5, 8], r.stderr
    assert "unknown configuration line" in errs[0][3]
    assert "tab expected" in errs[1][3] and "l.mc" == errs[1][0]


def test_strict_turns_warnings_into_errors(sandbox):
    mc = write_mc(sandbox, "s.mc", """OSTYPE(`linux')dnl
MAILER(`local')dnl
FEATURE(`always_add_domain')dnl
""")
    assert run_cfc(["-n", mc]).returncode == 0
    assert run_cfc(["-n", "--strict", mc]).returncode == 1


def test_mc_without_include_still_compiles(sandbox):
    mc = write_mc(sandbox, "x.mc", "OSTYPE(`linux')dnl\nMAILER(`local')dnl\n", include=False)
    r = run_cfc([mc])
    assert r.returncode == 0, r.stderr
    ds = diags(r.stderr)
    assert ds[0][1:3] == (1, "warning") and "no include(`.../m4/cf.m4')" in ds[0][3]
    plain = subprocess.run(["m4", CF_M4, mc], capture_output=True, check=True).stdout
    assert open(os.path.join(sandbox, "x.cf"), "rb").read() == plain


def test_library_examples_compile_without_errors(sandbox):
    for mc in ("generic-linux.mc", "submit.mc", "sendwell-lab.mc"):
        r = run_cfc(["-n", os.path.join(CF_DIR, "cf", mc)])
        assert errors(r) == [], (mc, r.stderr)


def test_unterminated_last_line_keeps_the_cf_identical(sandbox):
    # the dnl of the last line eats its newline: the two spaces before
    # MAILER are the .mc's last output and run into the library's text
    mc = write_mc(sandbox, "w.mc", "OSTYPE(`linux')dnl\nMAILER(`local')dnl\n  MAILER(`smtp')dnl\n")
    r = run_cfc([mc, "-o", "-"])
    assert r.returncode == 0, r.stderr
    plain = subprocess.run(["m4", mc], capture_output=True, check=True, text=True).stdout
    assert r.stdout == plain


MC_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cfcompiler-mc")


@pytest.mark.parametrize("name", sorted(f for f in os.listdir(MC_DIR) if f.endswith(".mc")))
def test_mistake_files(name, sandbox):
    """each file's first line says "dnl expect: LINE SEVERITY TEXT": that
    is its one diagnostic (warnings about the machine's own /etc/mail
    files may come on top)"""
    path = os.path.join(MC_DIR, name)
    first = open(path, encoding="utf-8").readline()
    assert first.startswith("dnl expect: ")
    line, sev, text = first[len("dnl expect: "):].rstrip("\n").split(" ", 2)
    r = run_cfc(["-n", path], cwd=sandbox)
    ds = diags(r.stderr)
    found = [d for d in ds if d[1] == int(line) and d[2] == sev and text in d[3]]
    assert len(found) == 1, r.stderr
    if sev == "error":
        assert r.returncode == 1
        assert errors(r) == found, r.stderr
    else:
        assert r.returncode == 0 and errors(r) == [], r.stderr
