"""Local submission as sendmail 8.12+ does it: `mail -s` and `sendmail -t`
read submit.cf, queue in the client queue and hand the message to the MTA
over SMTP; an ordinary user gets there through the set-group-ID binary
(group "mail" stands in for smmsp in the sandbox), and when the MTA is
down the message waits in the client queue for `sendmail -Ac -q`.

The ordinary-user tests need the binary at its installed config path
/etc/mail/submit.cf, so they run in a private mount namespace where a copy
of /etc with the sandbox's submit.cf is mounted over /etc (unshare -m);
nothing on the machine changes.  `mail` is bsd-mailx: the installed one,
or the Debian package unpacked into a cache folder (installing it would
pull in another MTA)."""
import glob
import grp
import os
import pwd
import shutil
import stat
import subprocess
import time

import pytest

from mta_env import MtaEnv, SENDMAIL
from swpaths import SRCDIR

if os.geteuid() != 0:
    pytest.skip("the MSP tests need root (set-group-ID binary, daemon)", allow_module_level=True)

NOBODY = pwd.getpwnam("nobody")
MAILGRP = grp.getgrnam("mail")
MAILUSER = pwd.getpwnam("mail")
LAB_CMD_TEXT = "This is a Test Email\n"


def bsd_mailx():
    """Path of bsd-mailx, unpacking Debian's package into a cache if needed."""
    found = shutil.which("bsd-mailx")
    if found:
        return found
    cache = os.path.join(os.environ.get("XDG_CACHE_HOME", os.path.expanduser("~/.cache")),
                         "sw-bsd-mailx")
    exe = os.path.join(cache, "root", "usr", "bin", "bsd-mailx")
    if not os.path.exists(exe):
        os.makedirs(cache, exist_ok=True)
        r = subprocess.run(["apt-get", "download", "bsd-mailx"], cwd=cache,
                           capture_output=True, text=True)
        debs = glob.glob(os.path.join(cache, "bsd-mailx_*.deb"))
        if r.returncode != 0 or not debs:
            pytest.skip("bsd-mailx is not installed and its package cannot be fetched: "
                        + r.stderr.strip()[-200:])
        subprocess.run(["dpkg", "-x", debs[0], os.path.join(cache, "root")], check=True)
    # nobody must be able to run it too
    p = exe
    while p != "/":
        st = os.stat(p)
        if not st.st_mode & stat.S_IXOTH:
            os.chmod(p, st.st_mode | stat.S_IXOTH | stat.S_IROTH)
        p = os.path.dirname(p)
    return exe


class Msp:
    """An MTA (MtaEnv) plus a submit.cf whose client queue is in the sandbox."""

    def __init__(self, sandbox, **kw):
        self.mta = MtaEnv(sandbox, **kw)
        self.dir = sandbox
        self.cq = os.path.join(sandbox, "clientmqueue")
        os.makedirs(self.cq)
        os.chown(self.cq, MAILUSER.pw_uid, MAILGRP.gr_gid)
        os.chmod(self.cq, 0o770)
        self.submit_cf = os.path.join(sandbox, "submit.cf")
        mc = "\n".join([
            f"include(`{SRCDIR}/cf/m4/cf.m4')dnl",
            "define(`confCF_VERSION', `Submit')dnl",
            "define(`__OSTYPE__', `')dnl",
            "define(`_USE_DECNET_SYNTAX_', `1')dnl",
            "define(`confTIME_ZONE', `USE_TZ')dnl",
            "define(`confDONT_INIT_GROUPS', `True')dnl",
            f"define(`MSP_QUEUE_DIR', `{self.cq}')dnl",
            "define(`confRUN_AS_USER', `mail')dnl",
            "define(`confTRUSTED_USER', `mail')dnl",
            f"define(`RELAY_MAILER_ARGS', `TCP $h {self.mta.port}')dnl",
            "FEATURE(`msp', `[127.0.0.1]')dnl",
        ]) + "\n"
        with open(os.path.join(sandbox, "submit.mc"), "w") as f:
            f.write(mc)
        r = subprocess.run(["m4", os.path.join(sandbox, "submit.mc")], capture_output=True,
                           text=True, check=True)
        with open(self.submit_cf, "w") as f:
            f.write(r.stdout)
        # root's way in: a wrapper naming the submission config
        self.wrapper = os.path.join(sandbox, "sendmail-msp")
        with open(self.wrapper, "w") as f:
            f.write(f"#!/bin/sh\nexec {SENDMAIL} -Ac -C {self.submit_cf} \"$@\"\n")
        os.chmod(self.wrapper, 0o755)
        self.mailrc = os.path.join(sandbox, "mailrc")
        with open(self.mailrc, "w") as f:
            f.write(f"set sendmail={self.wrapper}\n")

    def client_queue(self):
        return sorted(os.listdir(self.cq))

    def msp(self, *args, input=None):
        return subprocess.run([SENDMAIL, "-Ac", "-C", self.submit_cf, *args], input=input,
                              capture_output=True, text=True, env=self.mta.env)

    def install_setgid(self):
        """The installed layout, in the sandbox: a set-group-ID copy of
        sendmail and a copy of /etc whose mail/submit.cf is ours."""
        bindir = os.path.join(self.dir, "bin")
        os.makedirs(bindir)
        os.chmod(bindir, 0o755)
        self.sgid = os.path.join(bindir, "sendmail")
        shutil.copy(SENDMAIL, self.sgid)
        os.chown(self.sgid, 0, MAILGRP.gr_gid)
        os.chmod(self.sgid, 0o2755)
        self.etc = os.path.join(self.dir, "etc")
        subprocess.run(["cp", "-a", "/etc", self.etc], check=True)
        os.makedirs(os.path.join(self.etc, "mail"), exist_ok=True)
        shutil.copy(self.submit_cf, os.path.join(self.etc, "mail", "submit.cf"))
        os.chmod(os.path.join(self.etc, "mail", "submit.cf"), 0o644)
        self.user_mailrc = os.path.join(self.dir, "mailrc-user")
        with open(self.user_mailrc, "w") as f:
            f.write(f"set sendmail={self.sgid}\n")
        os.chmod(self.user_mailrc, 0o644)
        self.home = os.path.join(self.dir, "home")
        os.makedirs(self.home)
        os.chown(self.home, NOBODY.pw_uid, NOBODY.pw_gid)

    def as_user(self, argv, input=None):
        """argv run as nobody, with /etc/mail/submit.cf being ours."""
        if shutil.which("unshare") is None or shutil.which("setpriv") is None:
            pytest.skip("unshare and setpriv (util-linux) are needed")
        inner = " ".join(_q(a) for a in argv)
        # the sanitizer build's settings go through (LeakSanitizer cannot
        # work in a set-group-ID process: the suite turns it off)
        keep = " ".join(f"{k}={_q(os.environ[k])}" for k in ("ASAN_OPTIONS", "UBSAN_OPTIONS")
                        if k in os.environ)
        script = (f"mount --bind {_q(self.etc)} /etc && exec setpriv --reuid={NOBODY.pw_uid} "
                  f"--regid={NOBODY.pw_gid} --clear-groups env -i HOME={_q(self.home)} "
                  f"PATH=/usr/bin:/bin MAILRC={_q(self.user_mailrc)} {keep} {inner}")
        r = subprocess.run(["unshare", "-m", "sh", "-c", script], input=input,
                           capture_output=True, text=True)
        if "unshare failed" in r.stderr or "mount:" in r.stderr:
            pytest.skip("cannot make a private mount namespace here: " + r.stderr.strip())
        return r


def wait_log(mta, text, timeout=10):
    """The MTA's log once text is in it (delivery logs after the mailbox
    has the message)."""
    deadline = time.time() + timeout
    while time.time() < deadline and text not in mta.log():
        time.sleep(0.05)
    return mta.log()


def _q(s):
    return "'" + s.replace("'", "'\\''") + "'"


LAB_VIRTUSERS = "roror@roror.co.kr\tdaemon\n"


@pytest.fixture
def msp(sandbox):
    # the lab's domains do not resolve in the sandbox
    m = Msp(sandbox, hostname_domain="roror.co.kr",
            maps={"virtusertable": LAB_VIRTUSERS},
            extra_features=["FEATURE(`accept_unresolvable_domains')dnl"])
    m.mta.start()
    yield m
    m.mta.stop()


def test_lab_mail_s_transcript_as_root_lands_in_the_mailbox(msp):
    mailx = bsd_mailx()
    r = subprocess.run([mailx, "-s", "Rocky Test Mail", "-r", "roror@rocky.co.kr",
                        "roror@roror.co.kr"], input=LAB_CMD_TEXT, capture_output=True,
                       text=True, env=dict(msp.mta.env, MAILRC=msp.mailrc))
    assert r.returncode == 0, r.stderr
    msgs = msp.mta.wait_messages("daemon", 1)
    assert len(msgs) == 1, msp.mta.log()
    m = msgs[0]
    assert "Subject: Rocky Test Mail" in m
    assert "This is a Test Email" in m
    assert "From: roror@rocky.co.kr" in m
    assert "Return-Path: <roror@rocky.co.kr>" in m
    # it went MSP -> relay -> MTA -> local, and the client queue is empty
    log = wait_log(msp.mta, "mailer=local")
    assert "mailer=relay" in log and "mailer=local" in log
    assert msp.client_queue() == [] or all(f.startswith("sm-client") for f in msp.client_queue())


def test_sendmail_t_as_root_uses_the_client_queue_and_run_as_user(msp):
    r = msp.msp("-i", "-t", input="To: roror@roror.co.kr\nSubject: t\n\nbody\n")
    assert r.returncode == 0, r.stderr
    assert len(msp.mta.wait_messages("daemon", 1)) == 1
    # submit.cf's Received line names the submitting user
    m = msp.mta.messages("daemon")[0]
    assert "Received: (from root@localhost)" in m


def test_ordinary_user_mail_s_through_the_setgid_msp(msp):
    msp.install_setgid()
    mailx = bsd_mailx()
    r = msp.as_user([mailx, "-s", "Rocky Test Mail", "roror@roror.co.kr"], input=LAB_CMD_TEXT)
    assert r.returncode == 0, r.stdout + r.stderr
    msgs = msp.mta.wait_messages("daemon", 1)
    assert len(msgs) == 1, msp.mta.log() + r.stderr
    assert "Received: (from nobody@localhost)" in msgs[0]
    frm = [l for l in msgs[0].splitlines() if l.startswith("From:")]
    assert frm and "nobody@" in frm[0], msgs[0]


def test_with_the_mta_down_the_message_waits_then_the_client_queue_runner_sends_it(msp):
    msp.install_setgid()
    msp.mta.stop()
    r = msp.as_user([msp.sgid, "-i", "-t"], input="To: roror@roror.co.kr\nSubject: later\n\nwait\n")
    assert r.returncode == 0, r.stdout + r.stderr
    q = [f for f in msp.client_queue() if f[:2] in ("qf", "df")]
    assert len(q) == 2, msp.client_queue()
    for f in q:
        st = os.stat(os.path.join(msp.cq, f))
        # the user's file, the queue's group, readable and writable by it
        assert st.st_uid == NOBODY.pw_uid and st.st_gid == MAILGRP.gr_gid, f
        assert stat.S_IMODE(st.st_mode) == 0o660, oct(st.st_mode)
    assert "Total requests: 1" in msp.msp("-bp").stdout
    msp.mta.start()
    r = msp.msp("-q")
    assert r.returncode == 0, r.stderr
    assert len(msp.mta.wait_messages("daemon", 1)) == 1
    assert [f for f in msp.client_queue() if f[:2] in ("qf", "df")] == []


def test_the_group_is_dropped_for_another_config(msp):
    msp.install_setgid()
    # -C by an ordinary user: no group, so the client queue is out of reach
    r = msp.as_user([msp.sgid, "-C", msp.submit_cf, "-i", "-t"],
                    input="To: roror@roror.co.kr\nSubject: x\n\nx\n")
    assert r.returncode != 0
    assert "cannot create" in r.stderr or "Permission denied" in r.stderr, r.stderr
    # and an option pointing the queue elsewhere drops it as well
    r = msp.as_user([msp.sgid, "-O", f"QueueDirectory={msp.cq}", "-i", "-t"],
                    input="To: roror@roror.co.kr\nSubject: x\n\nx\n")
    assert r.returncode != 0
    assert msp.mta.messages("daemon") == []
