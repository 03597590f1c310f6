"""The statistics file: sendmail updates it per mailer after each delivery
(and per message received), mailstats prints it in sendmail's layout, and
the file is sendmail's binary record, so the real sendmail 8.17 and its
mailstats (shared/tools/ref-sendmail) read and write ours and we theirs.
The comparisons with the real programs are skipped, loudly, where the
reference cannot be had."""
import os
import smtplib
import struct
import subprocess
import time

import pytest

from mta_env import MtaEnv, SENDMAIL
from swpaths import build_path
import lab_refsendmail

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root (the daemon binds and drops privileges)",
                allow_module_level=True)

MAILSTATS = build_path("mailstats", "mailstats")
MAIL_LOCAL = build_path("mailboxd", "mail.local")
HEADER = " M   msgsfr  bytes_from   msgsto    bytes_to  msgsrej msgsdis msgsqur  Mailer"


def ref():
    """(real sendmail, real mailstats, its cf dir), or skip saying why."""
    try:
        p = lab_refsendmail.ref_paths()
    except lab_refsendmail.Unavailable as e:
        pytest.skip(f"REFERENCE SENDMAIL UNAVAILABLE, comparison not run: {e}")
    ms = os.path.join(os.path.dirname(p["REF_SENDMAIL"]), "mailstats")
    if not os.path.exists(ms):
        ms = p["REF_MAILSTATS"]
    if not os.path.exists(ms):
        pytest.skip("REFERENCE mailstats UNAVAILABLE, comparison not run")
    return p["REF_SENDMAIL"], ms, p["REF_CF_DIR"]


def run_ref(argv, input=None):
    """The real sendmail, in a UTS namespace whose host name is qualified
    (else it sleeps a minute trying to qualify the machine's)."""
    return subprocess.run(["unshare", "-u", "sh", "-c",
                           'hostname mail.hamap.local && exec "$@"', "sh", *argv],
                          input=input, capture_output=True, text=True)


def stats_env(sandbox):
    stats = os.path.join(sandbox, "statistics")
    env = MtaEnv(sandbox, mc_lines=[f"define(`STATUS_FILE', `{stats}')dnl"])
    open(stats, "wb").close()   # sendmail counts only into a file that exists
    return env, stats


def mailstats(*args, prog=MAILSTATS):
    return subprocess.run([prog, *args], capture_output=True, text=True)


def rows(out):
    """{mailer name: [msgsfr, bytes_from, msgsto, bytes_to, rej, dis, qur]}"""
    res = {}
    for line in out.splitlines()[2:]:
        parts = line.split()
        if len(parts) == 9 and parts[0].isdigit():
            res[parts[8]] = [int(x.rstrip("K")) for x in parts[1:8]]
    return res


def wait_rows(cf, stats, name, field, want, timeout=20):
    deadline = time.time() + timeout
    while time.time() < deadline:
        r = rows(mailstats("-C", cf, "-f", stats).stdout)
        if r.get(name, [0] * 7)[field] >= want:
            return r
        time.sleep(0.1)
    return rows(mailstats("-C", cf, "-f", stats).stdout)


def test_deliveries_and_submissions_are_counted_per_mailer(sandbox):
    env, stats = stats_env(sandbox)
    env.start()
    try:
        with smtplib.SMTP("127.0.0.1", env.port) as c:
            c.sendmail("a@mail.hamap.local", ["root"], "Subject: s\r\n\r\n" + "x" * 3000 + "\r\n")
        r = env.sendmail("-odi", "-f", "root", "root", input="Subject: l\n\nlocal\n")
        assert r.returncode == 0, r.stderr
        got = wait_rows(env.cf, stats, "local", 2, 2)
    finally:
        env.stop()
    local = got["local"]
    assert local[2] == 2                    # two deliveries by the local mailer
    assert local[3] >= 4 + 1                # 3000+ bytes: 4K, and at least 1K
    assert local[0] >= 1 and local[1] >= 1  # the local submission was received
    out = mailstats("-C", env.cf, "-f", stats).stdout
    assert out.splitlines()[1] == HEADER
    assert out.splitlines()[-3] == "=" * 69


def test_mailstats_p_prints_for_programs_and_clears(sandbox):
    env, stats = stats_env(sandbox)
    env.sendmail("-odi", "-f", "root", "root", input="Subject: l\n\nlocal\n")
    assert rows(mailstats("-C", env.cf, "-f", stats).stdout)["local"][2] == 1, \
        (r.stdout, r.stderr, os.listdir(rq), env.messages("root"))
    r = mailstats("-C", env.cf, "-f", stats, "-p")
    lines = r.stdout.splitlines()
    assert len(lines[0].split()) == 2 and all(x.isdigit() for x in lines[0].split())
    assert lines[1].split()[-1] == "local" and "K" not in lines[1]
    assert lines[-1].startswith(" C ")
    assert os.path.getsize(stats) == 0
    assert "local" not in mailstats("-C", env.cf, "-f", stats).stdout


def test_errors_and_usage(sandbox):
    env, stats = stats_env(sandbox)
    assert mailstats("-C", env.cf, "-f", os.path.join(sandbox, "nope")).returncode == 66
    with open(stats, "wb") as f:
        f.write(b"\0" * 1448)
    assert mailstats("-C", env.cf, "-f", stats).returncode == 71
    assert mailstats("-x").returncode == 64
    assert mailstats("-C", os.path.join(sandbox, "no.cf")).returncode == 66


def test_output_is_byte_for_byte_the_real_mailstats(sandbox):
    _, ref_ms, _ = ref()
    env, stats = stats_env(sandbox)
    # every slot used, big numbers, connections: a record made by hand
    rec = struct.pack("<iiqh6xqqq", 0x1B1DE, 4, 1700000000, 1448, 11, 9876543210987, 333)
    for k in range(7):
        rec += struct.pack("<25q", *[(k + 1) * 100000007 + i for i in range(25)])
    with open(stats, "wb") as f:
        f.write(rec)
    for opts in ([], ["-o"], ["-P"], ["-P", "-o"]):
        ours = mailstats("-C", env.cf, "-f", stats, *opts)
        theirs = mailstats("-C", env.cf, "-f", stats, *opts, prog=ref_ms)
        assert ours.returncode == theirs.returncode == 0
        if "-P" in opts:
            # the first line ends with the current time
            assert ours.stdout.splitlines()[1:] == theirs.stdout.splitlines()[1:]
        else:
            assert ours.stdout == theirs.stdout, opts
    # damaged files: the same exit codes
    for blob in (b"", rec[:100], b"\1" + rec[1:], rec[:4] + b"\3" + rec[5:]):
        with open(stats, "wb") as f:
            f.write(blob)
        a = mailstats("-C", env.cf, "-f", stats)
        b = mailstats("-C", env.cf, "-f", stats, prog=ref_ms)
        assert a.returncode == b.returncode, blob[:8]
        if a.returncode == 0:
            assert a.stdout.splitlines()[1:] == b.stdout.splitlines()[1:]


def test_the_file_is_shared_with_the_real_sendmail_both_ways(sandbox):
    ref_sm, ref_ms, ref_cf = ref()
    env, stats = stats_env(sandbox)
    # the real sendmail delivers into the same statistics file
    rq = os.path.join(sandbox, "refq")
    os.makedirs(rq, mode=0o700)
    mc = "\n".join([
        f"include(`{ref_cf}/m4/cf.m4')dnl",
        "OSTYPE(`linux')dnl",
        "define(`confDOMAIN_NAME', `mail.hamap.local')dnl",
        f"define(`QUEUE_DIR', `{rq}')dnl",
        f"define(`STATUS_FILE', `{stats}')dnl",
        f"define(`ALIAS_FILE', `{sandbox}/aliases')dnl",
        "define(`confDONT_PROBE_INTERFACES', `true')dnl",
        # a loaded machine must not make it queue instead of deliver
        "define(`confQUEUE_LA', `10000')dnl", "define(`confREFUSE_LA', `10000')dnl",
        f"FEATURE(`local_lmtp', `{MAIL_LOCAL}', `mail.local -l -M maildir:{env.mail}/%u')dnl",
        "MAILER(`local')dnl", "MAILER(`smtp')dnl"]) + "\n"
    with open(os.path.join(sandbox, "ref.mc"), "w") as f:
        f.write(mc)
    refcf = os.path.join(sandbox, "ref.cf")
    with open(refcf, "w") as f:
        f.write(subprocess.run(["m4", os.path.join(sandbox, "ref.mc")], capture_output=True,
                               text=True, check=True).stdout)
    run_ref([ref_sm, "-C", refcf, "-bi"])
    r = run_ref([ref_sm, "-C", refcf, "-odi", "-f", "root", "root"],
                input="Subject: r\n\nfrom the real one\n")
    assert r.returncode == 0, r.stderr
    assert rows(mailstats("-C", env.cf, "-f", stats).stdout)["local"][2] == 1
    # ours adds to it, and the real mailstats reads the sum
    r = env.sendmail("-odi", "-f", "root", "root", input="Subject: o\n\nfrom ours\n")
    assert r.returncode == 0, r.stderr
    theirs = mailstats("-C", env.cf, "-f", stats, prog=ref_ms)
    assert theirs.returncode == 0, theirs.stderr
    assert rows(theirs.stdout)["local"][2] == 2
    assert mailstats("-C", env.cf, "-f", stats).stdout == theirs.stdout
    # and the real sendmail adds to a file ours started
    os.truncate(stats, 0)
    env.sendmail("-odi", "-f", "root", "root", input="Subject: o\n\nagain\n")
    run_ref([ref_sm, "-C", refcf, "-odi", "-f", "root", "root"], input="Subject: r\n\nagain\n")
    assert rows(mailstats("-C", env.cf, "-f", stats, prog=ref_ms).stdout)["local"][2] == 2
