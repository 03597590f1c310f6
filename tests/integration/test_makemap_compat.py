"""makemap against sendmail 8.17's makemap: maps either one makes, the
other lists identically (`makemap -u`); both say the same about bad
input lines and exit alike; and maps made by the real makemap work in our
`sendmail -bt` (/map, a check_rcpt lookup through the access map) and in
our praliases.  Skips loudly where the reference cannot be had.
"""
import os
import subprocess

import pytest

import sendmail_ref as sr

TEXT = ("Alpha\tone\n"
        "beta two words\n"
        "# a comment\n"
        "\n"
        "gamma\t3\n"
        "Beta dup\n"
        "empty\n"
        "x:y\tz\n"
        "%c comment\n"
        "Mixed.Case@Example.COM\tREJECT\n")

FLAGS = [[], ["-N"], ["-f"], ["-r"], ["-d"], ["-e"], ["-t:"], ["-D%"], ["-N", "-f"], ["-o"]]


def run(argv, stdin=None, cwd=None):
    """(exit code, stdout, stderr); getopt names the program by its path"""
    r = subprocess.run(argv, input=stdin, capture_output=True, text=True, errors="replace", cwd=cwd)
    return r.returncode, r.stdout, r.stderr.replace(argv[0] + ":", os.path.basename(argv[0]) + ":")


@pytest.fixture
def env(sandbox):
    ref = sr.reference()
    sr.check_safe(sandbox)
    ours = sr.ours("makemap", "makemap")
    cf = sr.mini_cf(sandbox)
    for side in ("r", "c"):
        os.makedirs(os.path.join(sandbox, side), mode=0o755)
    return {"real": ref["REF_MAKEMAP"], "ours": ours, "cf": cf, "dir": sandbox, "ref": ref}


def build(env, side, typ, flags, text=TEXT, pre=None):
    """makemap (real for side r, ours for c) in <sandbox>/<side>/x"""
    mk = env["real"] if side == "r" else env["ours"]
    d = os.path.join(env["dir"], side)
    if pre is not None:
        assert run([mk, "-C", env["cf"], typ, "x"], pre, cwd=d)[0] == 0
    return run([mk, "-C", env["cf"]] + flags + [typ, "x"], text, cwd=d)


def dump(env, mk, side, typ, flags):
    return run([env[mk], "-C", env["cf"]] + flags + ["-u", typ, os.path.join(env["dir"], side, "x")])


@pytest.mark.parametrize("typ", ["hash", "btree"])
@pytest.mark.parametrize("flags", FLAGS, ids=lambda f: "".join(f) or "plain")
def test_maps_interchangeable(env, typ, flags):
    """Same messages and exit code while building; each makemap lists
    both maps identically."""
    pre = "pre\tx\nalpha\told\n" if flags == ["-o"] else None
    real = build(env, "r", typ, flags, pre=pre)
    ours = build(env, "c", typ, flags, pre=pre)
    assert ours == real, f"building with {flags}: real {real}, ours {ours}"
    want = dump(env, "real", "r", typ, flags)
    assert want[0] == 0, want
    assert want[1].strip(), "the real makemap listed nothing"
    for mk, side in (("real", "c"), ("ours", "r"), ("ours", "c")):
        got = dump(env, mk, side, typ, flags)
        assert got == want, f"{mk} makemap -u of the {side} map"


@pytest.mark.parametrize("args", [["-l"], ["-x"], [], ["hash"], ["-u", "hash", "nonexistent"],
                                  ["nosuchtype", "x"], ["-q", "hash", "x"]],
                         ids=lambda a: " ".join(a) or "none")
def test_same_answers(env, args):
    """Listing types, usage errors and unknown types or files."""
    real = run([env["real"], "-C", env["cf"]] + args, "a\tb\n", cwd=os.path.join(env["dir"], "r"))
    ours = run([env["ours"], "-C", env["cf"]] + args, "a\tb\n", cwd=os.path.join(env["dir"], "c"))
    assert ours == real


def test_missing_config(env):
    real = run([env["real"], "-C", os.path.join(env["dir"], "no.cf"), "hash", "x"], "a\tb\n",
               cwd=os.path.join(env["dir"], "r"))
    ours = run([env["ours"], "-C", os.path.join(env["dir"], "no.cf"), "hash", "x"], "a\tb\n",
               cwd=os.path.join(env["dir"], "c"))
    assert ours == real
    assert ours[0] == 66


def test_verbose(env):
    real = build(env, "r", "hash", ["-v"])
    ours = build(env, "c", "hash", ["-v"])
    assert ours == real


ACCESS = ("Connect:10.1.2.3\tREJECT\n"
          "From:spammer@bad.example\tDISCARD\n"
          "To:blocked.example\tERROR:550 nope\n"
          "To:ok@blocked.example\tOK\n"
          "To:bad.example\tREJECT\n")

# a small check_rcpt in the style of sendmail's cf: the whole address
# first, then its domain; REJECT and ERROR: answers become $#error
CHECK_CF = """Kaccess hash -T<TMPF> {maps}/access
Kdeq dequote
Scanonify=3
R$* < $* >\t$2
R$+ @ $+\t$: $1 < @ $2 >
Scheck_rcpt
R$*\t$: $>canonify $1
R$+ < @ $+ >\t$: $(access To:$1@$2 $: <?> $1 < @ $2 > $)
R<?> $+ < @ $+ >\t$: $(access To:$2 $: OK $)
RREJECT\t$#error $@ 5.7.1 $: "550 Access denied"
RERROR:$-\t$#error $@ 5.0.0 $: $1
RERROR:$+\t$#error $@ 5.0.0 $: $1
ROK\t$@ OK
"""


def test_real_maps_in_our_sendmail(env):
    """A map made by the real makemap answers our -bt (/map and a
    check_rcpt ruleset) exactly as it answers the real sendmail."""
    ours_sm = sr.ours("sendmail", "sendmail")
    d = env["dir"]
    maps = os.path.join(d, "r")
    for typ in ("hash",):
        rc, out, err = run([env["real"], "-C", env["cf"], typ, os.path.join(maps, "access")], ACCESS)
        assert rc == 0, err
    cf = sr.mini_cf(d, "check.cf", CHECK_CF.format(maps=maps))
    cases = ("/map access Connect:10.1.2.3\n/map access connect:10.1.2.3\n/map access nope\n"
             "/map access To:ok@blocked.example\n"
             "check_rcpt <user@blocked.example>\ncheck_rcpt <ok@blocked.example>\n"
             "check_rcpt <x@bad.example>\ncheck_rcpt <x@good.example>\n")
    real = sr.ns_run(d, [env["ref"]["REF_SENDMAIL"], "-bt", "-C", cf], cases)
    ours = sr.ns_run(d, [ours_sm, "-bt", "-C", cf], cases)
    assert ours.stdout == real.stdout
    assert "map_lookup: access (Connect:10.1.2.3) returns REJECT (0)" in ours.stdout
    assert "check_rcpt       returns: $# error $@ 5 . 0 . 0 $: 550 nope\n" in ours.stdout
    assert "check_rcpt       returns: $# error $@ 5 . 7 . 1 $: \"550 Access denied\"\n" in ours.stdout
    assert "check_rcpt       returns: OK\n" in ours.stdout
    assert ours.returncode == real.returncode


def test_real_aliases_in_our_praliases(env):
    """aliases.db made by the real newaliases, listed by our praliases
    (all of it, and by key) as by the real one."""
    ours_pa = sr.ours("makemap", "praliases")
    d = env["dir"]
    with open(os.path.join(d, "aliases"), "w") as f:
        f.write("root: admin\nPostmaster: root\nlist: a, b,\n  c\n")
    cf = sr.mini_cf(d, "al.cf", f"O AliasFile={d}/aliases\n"
                    "Scanonify=3\nR$*\t$@ $1\nSparse=0\nR$+\t$#local $: $1\n", local_flags="lsmA")
    r = sr.ns_run(d, [env["ref"]["REF_SENDMAIL"], "-bi", "-C", cf])
    assert os.path.exists(os.path.join(d, "aliases.db")), r.stdout + r.stderr
    for args in ([], ["root", "postmaster", "nobody"], ["-f", os.path.join(d, "aliases")]):
        real = run([env["ref"]["REF_PRALIASES"], "-C", cf] + args)
        ours = run([ours_pa, "-C", cf] + args)
        assert ours == real, args
    listing = run([ours_pa, "-C", cf])[1]
    assert "list:a, b,  c\n" in listing and "postmaster:root\n" in listing
