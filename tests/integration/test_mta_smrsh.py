"""FEATURE(smrsh): "|program" aliases run through our smrsh, which lets only
the programs in its directory run (the directory is /etc/mail/smrsh when
installed; SENDWELL_SMRSH_DIR points the test at the sandbox's), with
the path of the program stripped, "exec" and "||" kept, and shell tricks
refused (the message then bounces).  smrsh's own rules are checked
directly too."""
import os
import subprocess
import time

import pytest

from mta_env import MtaEnv
from swpaths import build_path

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root", allow_module_level=True)

SMRSH = build_path("smrsh", "smrsh")
if not os.path.exists(SMRSH):
    pytest.skip(f"{SMRSH} is not built (smrsh/ not in this build's SUBDIRS)",
                allow_module_level=True)


@pytest.fixture
def allow(sandbox):
    """The allowed-programs folder with one program, recorder, that saves
    its input and arguments under <sandbox>/out."""
    d = os.path.join(sandbox, "smrsh")
    out = os.path.join(sandbox, "out")
    os.makedirs(d)
    os.makedirs(out)
    os.chmod(out, 0o1777)
    with open(os.path.join(d, "recorder"), "w") as f:
        f.write(f"#!/bin/sh\necho \"$*\" > {out}/args.$1\ncat > {out}/msg.$1\n")
    os.chmod(os.path.join(d, "recorder"), 0o755)
    os.symlink("/bin/false", os.path.join(d, "fails"))
    return d, out


def smrsh(d, cmd):
    return subprocess.run([SMRSH, "-c", cmd], capture_output=True, text=True,
                          env={"SENDWELL_SMRSH_DIR": d, "PATH": "/usr/bin:/bin"})


def test_smrsh_rules(allow):
    d, out = allow
    r = smrsh(d, "/usr/local/bin/recorder one two")
    assert r.returncode == 0, r.stderr
    assert open(os.path.join(out, "args.one")).read() == "one two\n"
    assert smrsh(d, "exec recorder x || exit 75").returncode == 0
    assert smrsh(d, "fails || exit 75").returncode == 75
    assert smrsh(d, "echo hello").stdout == "hello\n"
    for bad in ("sh -c id", "recorder a; id", "recorder `id`", "recorder $HOME", "recorder > /tmp/x",
                "recorder a | cat", "recorder a & id", "recorder (a)", "recorder a\nid", "nosuch"):
        r = smrsh(d, bad)
        assert r.returncode == 69, (bad, r.returncode, r.stderr)
        assert "smrsh" in r.stderr
    assert subprocess.run([SMRSH], capture_output=True).returncode == 64
    assert subprocess.run([SMRSH, "-x", "y"], capture_output=True).returncode == 64


def test_prog_alias_runs_only_allowed_programs(sandbox, allow):
    d, out = allow
    env = MtaEnv(sandbox, aliases=("postmaster: root\n"
                                   "vacation: \"|/usr/bin/recorder vac\"\n"
                                   "evil: \"|/bin/sh -c 'touch /tmp/sw-smrsh-pwned'\"\n"),
                 extra_features=[f"FEATURE(`smrsh', `{SMRSH}')dnl"])
    env.env["SENDWELL_SMRSH_DIR"] = d
    with open(env.cf) as f:
        assert f"P={SMRSH}" in f.read()
    r = env.sendmail("-odi", "-f", "root", "vacation", input="Subject: away\n\nhello prog\n")
    assert r.returncode == 0, r.stderr
    assert "hello prog" in open(os.path.join(out, "msg.vac")).read()
    assert "mailer=prog" in env.log() and "stat=Sent" in env.log()
    r = env.sendmail("-odi", "-f", "root", "evil", input="Subject: x\n\nx\n")
    assert not os.path.exists("/tmp/sw-smrsh-pwned")
    bounces = env.wait_messages("root", 1, timeout=10)
    assert bounces and "Returned mail" in bounces[0]
    assert "evil" in bounces[0]
