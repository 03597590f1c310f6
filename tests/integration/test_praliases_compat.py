"""praliases against sendmail 8.17's: whole databases and single keys,
-f, several AliasFile entries (hash: and btree:), and the errors (no
database, no config, no AliasFile option) with their exit codes.  The
databases are made by the real makemap and newaliases.  Skips loudly
where the reference cannot be had.
"""
import os
import subprocess

import pytest

import sendmail_ref as sr


def run(argv):
    r = subprocess.run(argv, capture_output=True, text=True, errors="replace")
    return r.returncode, r.stdout, r.stderr.replace(argv[0] + ":", os.path.basename(argv[0]) + ":")


@pytest.fixture
def env(sandbox):
    ref = sr.reference()
    sr.check_safe(sandbox)
    ours = sr.ours("makemap", "praliases")
    mk = ref["REF_MAKEMAP"]
    mini = sr.mini_cf(sandbox)
    # alias databases as newaliases writes them: keys and values with
    # their NUL (-N), and the "@" marker
    for name, typ, text in (("one", "hash", "root\tadmin\npostmaster\troot\n@\t@\n"),
                            ("two", "btree", "list\ta, b, c\nroot\tshadowed\n@\t@\n")):
        r = subprocess.run([mk, "-C", mini, "-N", typ, os.path.join(sandbox, name)],
                           input=text, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
    return {"dir": sandbox, "real": ref["REF_PRALIASES"], "ours": ours}


def cf_with(env, value, name="p.cf"):
    extra = f"O AliasFile={value}\n" if value is not None else ""
    return sr.mini_cf(env["dir"], name, extra)


def same(env, args):
    real = run([env["real"]] + args)
    ours = run([env["ours"]] + args)
    assert ours == real, f"praliases {' '.join(args)}"
    return ours


@pytest.mark.parametrize("keys", [[], ["root"], ["ROOT", "list", "nobody"], ["@"]],
                         ids=lambda k: ",".join(k) or "all")
def test_several_databases(env, keys):
    d = env["dir"]
    cf = cf_with(env, f"hash:{d}/one,btree:{d}/two")
    rc, out, err = same(env, ["-C", cf] + keys)
    assert rc == 0


def test_implicit_and_f(env):
    d = env["dir"]
    same(env, ["-C", cf_with(env, f"{d}/one")])
    same(env, ["-f", f"{d}/one"])
    same(env, ["-f", f"{d}/one", "root", "nobody"])
    same(env, ["-C", cf_with(env, f"{d}/nothing")])


def test_errors(env):
    d = env["dir"]
    same(env, ["-C", os.path.join(d, "no-such.cf")])
    same(env, ["-C", cf_with(env, None)])
    same(env, ["-C", cf_with(env, f"hash:{d}/missing")])
    same(env, ["-x"])
