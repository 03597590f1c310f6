"""Differential `sendmail -bt` tests against sendmail 8.17 (see btcompat.py).

One item per (mc, cell, case line): the cell's answer must equal the real
sendmail's answer on the real cf.  Known differences (known-differences.txt)
are xfail with their reason.  Also per .mc: both libraries compile it, the
maps were built, and the real sendmail loads our cf without a warning.
Everything skips loudly where the reference cannot be had (not root, no
unshare, ref-sendmail failing) and the cells needing our sendmail skip
while sendmail/sendmail is not built.
"""
import os

import pytest

import btcompat as bc

MCS = bc.list_mc()


CAND_BUILT = os.access(os.path.join(bc.BUILDDIR, "sendmail", "sendmail"), os.X_OK)


def _items():
    """One item per (mc, cell, case line).  While our sendmail is not built
    the rc and cc cells get one (skipped) item per .mc instead, so the
    suite does not list thousands of identical skips."""
    out = []
    for mc in MCS:
        for cell in bc.CELLS:
            if cell[1] == "c" and not CAND_BUILT:
                out.append(pytest.param(mc, cell, -1, id=f"{mc[:-3]}/{cell}/all"))
                continue
            for i, (fn, ln, case) in enumerate(bc.read_cases(mc)):
                if not bc.is_setup(case):
                    out.append(pytest.param(mc, cell, i, id=f"{mc[:-3]}/{cell}/{fn[:-4]}:{ln}"))
    return out


@pytest.fixture(scope="session")
def harness():
    try:
        h = bc.Harness()
        h.prepare()
    except bc.Unavailable as e:
        pytest.skip(f"COMPAT TESTS SKIPPED: {e}")
    return h


@pytest.fixture(scope="session")
def known():
    return bc.load_known()


@pytest.mark.parametrize("side", ["r", "c"])
def test_maps_built(harness, side):
    """Every text map became a .db (the shared bt-diff silently built none)."""
    assert not harness.map_errors[side], "\n".join(harness.map_errors[side])
    for m in bc.DB_MAPS + ("aliases",):
        if os.path.exists(os.path.join(harness.mapdir(side), m)):
            assert os.path.exists(os.path.join(harness.mapdir(side), m + ".db")), m


@pytest.mark.parametrize("mc", MCS)
def test_real_library_compiles(harness, mc):
    _, err = harness.compile(mc, "r")
    assert not err, f"sendmail's cf library on {mc}: {err}"


@pytest.mark.parametrize("mc", MCS)
def test_our_library_compiles(harness, mc):
    _, err = harness.compile(mc, "c")
    assert not err, f"our cf library on {mc}: {err}"


def _load_messages(text):
    """What sendmail said while reading a config, without the line numbers
    (our options and classes come in another order than sendmail-cf's)."""
    import re
    out = set()
    for line in text.splitlines():
        if line.startswith(("ADDRESS TEST MODE", "Enter <ruleset>", ">")) or not line.strip():
            continue
        out.add(re.sub(r": line \d+: ", ": line N: ", line))
    return out


@pytest.mark.parametrize("mc", MCS)
def test_real_sendmail_loads_our_cf_quietly(harness, mc):
    """The real sendmail says nothing about our cf that it does not also
    say about its own (e.g. an unknown TrustedUser on this machine)."""
    want = harness.load_output(mc, "rr")
    got = harness.load_output(mc, "cr")
    extra = _load_messages(got) - _load_messages(want)
    assert not extra, f"loading our cf:\n{got}\nloading sendmail's cf:\n{want}"


@pytest.mark.parametrize("mc,cell,idx", _items())
def test_bt(harness, known, mc, cell, idx):
    if cell[1] == "c" and not harness.cand_bin:
        pytest.skip(f"COMPAT CELL {cell} SKIPPED for {mc}: our sendmail "
                    f"({bc.BUILDDIR}/sendmail/sendmail) is not built")
    if idx < 0:
        pytest.fail("sendmail/sendmail appeared during the run; run the suite again", pytrace=False)
    fn, ln, case = bc.read_cases(mc)[idx]
    want, _ = harness.run(mc, "rr")
    got, err = harness.run(mc, cell)
    if got[idx] == want[idx]:
        return
    why = bc.known_reason(known, mc, cell, case)
    if why:
        pytest.xfail(why)
    msg = f"{mc} cell {cell} ({bc.CELL_NAMES[cell]}) {fn}:{ln}\ninput: {case}\n"
    if err and cell[0] == "c":
        msg += f"m4 said: {err[:1000]}\n"
    msg += f"--- expected (real sendmail, real cf)\n{want[idx]}\n--- actual\n{got[idx]}"
    pytest.fail(msg, pytrace=False)
