"""`sendmail -d0.1 -bt`: the SYSTEM IDENTITY block ($w $j $m $k) ours
prints equals sendmail 8.17's, both run in the same private namespace
(host name mail.hamap.local, its own /etc/hosts, no DNS), for a config
that leaves $j alone, one that sets it (Dj), and Debian's default cf.
Skips loudly where the reference cannot be had.
"""
import os
import re

import pytest

import sendmail_ref as sr

BLOCK = re.compile(r"^=+ SYSTEM IDENTITY \(after readcf\) =+\n.*?^=+\n", re.M | re.S)


def identity(out):
    m = BLOCK.search(out)
    assert m, f"no SYSTEM IDENTITY block in:\n{out[-2000:]}"
    return m.group(0)


@pytest.fixture
def env(sandbox):
    ref = sr.reference()
    sr.check_safe(sandbox)
    return {"dir": sandbox, "ref": ref, "ours": sr.ours("sendmail", "sendmail")}


def both(env, cf):
    res = []
    for binp in (env["ref"]["REF_SENDMAIL"], env["ours"]):
        r = sr.ns_run(env["dir"], [binp, "-d0.1", "-bt", "-C", cf], "")
        res.append(identity(r.stdout))
    return res


@pytest.mark.parametrize("extra", ["", "Djmx.example.org\n", "Dwshort\nDjshort.example.net\n",
                                   "DjlocalOnly\n"],
                         ids=["plain", "Dj", "Dw-Dj", "Dj-unqualified"])
def test_identity_block(env, extra):
    cf = sr.mini_cf(env["dir"], "id.cf", extra)
    real, ours = both(env, cf)
    assert ours == real
    assert "(canonical domain name) $j = " in ours


def test_identity_debian_cf(env):
    d = env["dir"]
    with open(os.path.join(d, "service.switch"), "w") as f:
        f.write("hosts\tfiles\naliases\tfiles\n")
    cf = sr.compile_mc(d, "debian.mc", env["ref"]["REF_CF_DIR"], d)
    real, ours = both(env, cf)
    assert ours == real
    assert f"$j = {sr.HOSTNAME}\n" in ours
