"""Bad input to `sendmail -bt`, ours against sendmail 8.17's: bad .cf
lines, unknown map class, missing map files, loops, runaway recursion,
100 KB addresses, NUL bytes, unbalanced quotes, an unreadable config:
the same messages (file:line or ruleset) and exit code, never a crash.
"""
import os

import pytest

import sendmail_ref as sr

HEAD = "V10/Berkeley\nO QueueDirectory={q}\nMlocal, P=/bin/true, F=lsm, A=true $u\n"


def normalise(b):
    """sendmail shows a '$' of rule or V-line text, once it has read it,
    as a 0x01 byte; ours shows the '$' (see the report of issue 2)"""
    return b.replace(b"\x01", b"$")


@pytest.fixture
def bt(sandbox):
    ref = sr.reference()
    sr.check_safe(sandbox)
    ours = sr.ours("sendmail", "sendmail")
    q = os.path.join(sandbox, "queue")
    os.makedirs(q, mode=0o755)
    cfpath = os.path.join(sandbox, "t.cf")

    def run(cf_body, stdin, head=True):
        """(real, ours) as (exit code, stdout, stderr), bytes"""
        data = (HEAD.format(q=q).encode() if head else b"") + cf_body
        with open(cfpath, "wb") as f:
            f.write(data)
        out = []
        for binp in (ref["REF_SENDMAIL"], ours):
            r = sr.ns_run(sandbox, [binp, "-bt", "-C", cfpath], stdin, binary=True)
            out.append((r.returncode, normalise(r.stdout), r.stderr))
        return out

    run.cf = cfpath
    run.dir = sandbox
    run.ref = ref
    run.ours = ours
    return run


def same(res):
    (rc1, o1, e1), (rc2, o2, e2) = res
    assert rc2 >= 0 and rc2 not in (134, 139), f"ours crashed: exit {rc2}"
    assert o2 == o1, "stdout differs:\n--- sendmail\n%s\n--- ours\n%s" % (
        o1.decode("latin-1")[-3000:], o2.decode("latin-1")[-3000:])
    assert e2 == e1
    assert rc2 == rc1
    return o2.decode("latin-1")


def test_bad_cf_lines(bt):
    out = same(bt(b"Zfoo bar\n"
                  b"Sx=10\n"
                  b"R$* no tab here\n"
                  b"R$:\t$@ x\n"
                  b"R$*\t$@ $3\n"
                  b"S200\n"
                  b"Sfoo=300\n"
                  b"R$*\t$@ lost\n"
                  b"K\n"
                  b"Kname\n"
                  b"O NoSuchOption=1\n"
                  b"O MaxHop=5\n"
                  b"Mbad, P=/bin/true\n"
                  b"Mbad2, A=x\n"
                  b"Mbad3, P=/bin/true, A=x, Z=1\n"
                  b"V10/Vendor\n", b"/quit\n"))
    cf = bt.cf
    assert f'{cf}: line 4: unknown configuration line "Zfoo bar"\n' in out
    assert f'{cf}: line 6: invalid rewrite line "R$* no tab here" (tab expected)\n' in out
    assert f"{cf}: line 7: Inappropriate use of $: on LHS\n" in out
    assert f"{cf}: line 8: replacement $3 out of bounds\n" in out
    assert f"{cf}: line 9: bad ruleset 200 (100 max)\n" in out
    assert f'{cf}: line 11: missing valid ruleset for "R$*\t$@ lost"\n' in out
    assert f"{cf}: line 12: readcf: config K line: no map name\n" in out
    assert f"{cf}: line 14: readcf: unknown option name NoSuchOption\n" in out
    assert f"{cf}: line 17: Mbad2: P= argument required\n" in out
    assert f'{cf}: line 19: invalid V line vendor code: "Vendor"\n' in out


def test_unknown_map_class(bt):
    out = same(bt(b"Km nosuch /x\nSx=10\nR$*\t$: $(m $1 $: dflt $)\n",
                  b"x a\n/map m a\n"))
    assert f"{bt.cf}: line 4: readcf: map m: class nosuch not available\n" in out
    assert "rewrite: map m not found\n" in out


@pytest.mark.parametrize("flags", ["", "-o", "-T<TMPF>", "-o -T<TMPF>"])
@pytest.mark.parametrize("cls", ["hash", "btree", "text"])
def test_missing_map_file(bt, cls, flags):
    """Optional maps find nothing quietly; others say why (once), then
    every lookup is a temporary failure."""
    cf = (f"Km {cls} {flags} {bt.dir}/no-such-map\nSx=10\n"
          "R$*\t$: $(m $1 $: dflt $)\n").encode()
    same(bt(cf, b"x a\nx b\n/map m a\n"))


def test_ruleset_loop(bt):
    out = same(bt(b"Sloop=10\nR$*\t$1 x\nSvia=11\nR$*\t$@ $>loop $1\n", b"loop a\nvia b\n"))
    assert "Infinite loop in ruleset loop, rule 1\n" in out


def test_runaway_recursion(bt):
    out = same(bt(b"Srec=10\nR$*\t$@ $>rec $1\nSgrow=11\nR$*\t$@ $>grow $1 $1\n",
                  b"rec a\ngrow a\n"))
    assert "rewrite: excessive recursion (max 50), ruleset rec\n" in out
    assert "rewrite: expansion too long\n" in out


@pytest.mark.parametrize("size", [256, 2047, 2048, 5000, 100000])
def test_long_address(bt, size):
    addr = b"a" * size
    same(bt(b"Sx=10\nR$*\t$@ x $1\n", b"x " + addr + b"\nx ok\nx " + b"a." * (size // 2) + b"\n"))


def test_nul_bytes_in_input(bt):
    same(bt(b"Sx=10\nR$*\t$@ x $1\n", b"x a\x00b c\nx d\n\x00\n/map\x00 x\nx \x00\n"))


def test_nul_bytes_in_cf(bt):
    same(bt(b"Sn=10\nR$* a\x00b\t$@ x\nD{xy}v\x00w\nR$*\t$@ z\nCw a\x00b c\n",
            b"n q\n$x\n=Sn\n$=w\n"))


def test_unbalanced_quotes_in_rules(bt):
    out = same(bt(b'Sq=10\nR"foo $*\t$@ x $1\nR$*\t$@ y "bar\nR"$*"\t$@ "$1 z\n',
                  b'q "foo a\nq z\n=Sq\n'))
    assert 'R"foo $* \t\t$@ x $1 \n' in out


def test_8bit_and_marker_bytes(bt):
    same(bt(b"Sx=10\nR$* a\x80b $*\t$@ x\x80y $1\n", b"=Sx\nx z a\x80b w\nx \xff\xfe\n"))


def test_config_cannot_be_read(bt):
    """sendmail stops with EX_OSFILE (72), naming the file"""
    missing = os.path.join(bt.dir, "no-such.cf")
    real = sr.ns_run(bt.dir, [bt.ref["REF_SENDMAIL"], "-bt", "-C", missing], "/quit\n")
    ours = sr.ns_run(bt.dir, [bt.ours, "-bt", "-C", missing], "/quit\n")
    assert ours.returncode == real.returncode == 72
    # (a long path is shortened: see the test after the next)
    name = missing if len(missing) < 83 else missing[:40] + "..." + missing[-40:]
    first = f"{name}: line 0: cannot open: No such file or directory\n"
    assert real.stdout.startswith(first)
    assert ours.stdout.startswith(first)


def test_a_long_config_name_is_shortened_in_messages(bt):
    """sendmail names a file of 83 bytes or more by its first and last 40
    bytes around "..." (its shortenstring), in "cannot open" and in the
    file:line of a bad line alike"""
    deep = os.path.join(bt.dir, "d" * 90)
    os.makedirs(deep)
    bad = os.path.join(deep, "bad.cf")
    with open(bad, "w") as f:
        f.write("V10\nZ bogus line\nMlocal, P=/bin/true, F=lsm, A=true $u\n")
    for cf in (bad, os.path.join(deep, "missing.cf")):
        real = sr.ns_run(bt.dir, [bt.ref["REF_SENDMAIL"], "-bt", "-C", cf], "/quit\n")
        ours = sr.ns_run(bt.dir, [bt.ours, "-bt", "-C", cf], "/quit\n")
        first = real.stdout.splitlines()[0]
        assert "..." in first and cf not in first
        assert ours.stdout.splitlines()[0] == first
        assert ours.returncode == real.returncode
