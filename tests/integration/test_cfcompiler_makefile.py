"""The /etc/mail Makefile (etc/mail-Makefile.in): `make -C /etc/mail'
builds sendmail.cf and submit.cf from their .mc files with cfcompiler
(or plain m4 with USE_M4=yes), every map whose .db is missing or older
than its text, and the aliases named by sendmail.cf; it does nothing
when all is fresh, rebuilds only what changed, keeps the old .cf when
the .mc has an error, and `restart' finds the running daemon.  Runs in a
sandbox copy of /etc/mail with the build tree's programs."""
import os
import signal
import subprocess
import sys

import pytest

from swpaths import build_path, src_path
from cfcompiler_env import CF_DIR, CF_M4

MAKEMAP = build_path("makemap", "makemap")
SENDMAIL = build_path("sendmail", "sendmail")


def template():
    """the template, with configure's paths as etc/Makefile.am fills them"""
    text = open(src_path("etc", "mail-Makefile.in")).read()
    return (text.replace("@SBINDIR@", "/nonexistent/sbin").replace("@CFDIR@", CF_DIR)
            .replace("@M4@", "m4"))


class EtcMail:
    def __init__(self, sandbox):
        self.dir = os.path.join(sandbox, "etc", "mail")
        os.makedirs(self.dir)
        with open(self.path("Makefile"), "w") as f:
            f.write(template())
        self.write("sendmail.mc", """include(`%(cf)s')dnl
OSTYPE(`linux')dnl
define(`ALIAS_FILE', `%(d)s/aliases')dnl
FEATURE(`access_db', `hash -o %(d)s/access')dnl
FEATURE(`virtusertable', `hash -o %(d)s/virtusertable')dnl
FEATURE(`mailertable', `hash -o %(d)s/mailertable')dnl
MAILER(`local')dnl
MAILER(`smtp')dnl
""" % {"cf": CF_M4, "d": self.dir})
        submit = open(src_path("etc", "submit.mc.in")).read()
        self.write("submit.mc", submit.replace("@CFDIR@", CF_DIR).replace("@SYSCONFDIR@", sandbox))
        self.write("access", "Connect:10.1.2\tRELAY\n")
        self.write("virtusertable", "info@example.com\talice\n")
        self.write("mailertable", "example.net\tesmtp:[mx.example.net]\n")
        self.write("aliases", "postmaster: root\n")

    def path(self, name):
        return os.path.join(self.dir, name)

    def write(self, name, text):
        with open(self.path(name), "w") as f:
            f.write(text)

    def make(self, *args):
        cmd = ["make", "-C", self.dir,
               "CFCOMPILER=%s -I %s" % (build_path("cfcompiler", "cfcompiler"), CF_DIR),
               "MAKEMAP=%s" % MAKEMAP,
               "NEWALIASES=%s -bi -C %s" % (SENDMAIL, self.path("sendmail.cf"))] + list(args)
        env = dict(os.environ, LANG="C", LC_ALL="C")
        for v in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL"):	# `make -s check' must not silence it
            env.pop(v, None)
        return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)

    def mtime(self, name):
        return os.stat(self.path(name)).st_mtime_ns

    def age(self, name, ref, ns):
        """set name's mtime to ref's plus ns (explicit times, no sleeping)"""
        t = self.mtime(ref) + ns
        os.utime(self.path(name), ns=(t, t))


@pytest.fixture
def etc(sandbox):
    return EtcMail(sandbox)


BUILT = ["sendmail.cf", "submit.cf", "access.db", "virtusertable.db", "mailertable.db", "aliases.db"]


def test_make_builds_everything(etc):
    r = etc.make()
    assert r.returncode == 0, r.stdout + r.stderr
    for f in BUILT:
        assert os.path.exists(etc.path(f)), (f, r.stdout)
    assert "makemap hash access < access" in r.stdout
    # the maps are real: makemap can list them back
    out = subprocess.run([MAKEMAP, "-u", "hash", etc.path("access")], capture_output=True, text=True)
    assert out.stdout == "connect:10.1.2\tRELAY\n"
    cf = open(etc.path("sendmail.cf")).read()
    assert "O AliasFile=%s/aliases" % etc.dir in cf
    assert "MTAHost" in open(etc.path("submit.cf")).read()


def test_nothing_to_do_when_fresh(etc):
    assert etc.make().returncode == 0
    before = {f: etc.mtime(f) for f in BUILT}
    r = etc.make()
    assert r.returncode == 0
    assert "cfcompiler" not in r.stdout and "makemap" not in r.stdout
    assert {f: etc.mtime(f) for f in BUILT} == before


def test_only_stale_maps_are_rebuilt(etc):
    assert etc.make().returncode == 0
    etc.write("access", "Connect:10.1.2\tRELAY\nConnect:10.9\tREJECT\n")
    etc.age("access", "access.db", 10**9)	# edited after the last makemap
    etc.age("aliases", "aliases.db", 10**9)
    vdb = etc.mtime("virtusertable.db")
    r = etc.make()
    assert r.returncode == 0, r.stderr
    assert "makemap hash access < access" in r.stdout
    assert "virtusertable" not in r.stdout
    assert "-bi" in r.stdout	# newaliases ran
    assert etc.mtime("virtusertable.db") == vdb
    out = subprocess.run([MAKEMAP, "-u", "hash", etc.path("access")], capture_output=True, text=True)
    assert "10.9" in out.stdout


def test_edited_mc_rebuilds_the_cf(etc):
    assert etc.make().returncode == 0
    mc = open(etc.path("sendmail.mc")).read()
    etc.write("sendmail.mc", mc.replace("MAILER(`local')", "define(`SMART_HOST', `[relay.example]')dnl\nMAILER(`local')"))
    etc.age("sendmail.mc", "sendmail.cf", 10**9)
    r = etc.make()
    assert r.returncode == 0, r.stderr
    assert "-o sendmail.cf sendmail.mc" in r.stdout
    assert "submit.cf" not in r.stdout
    assert "DS[relay.example]" in open(etc.path("sendmail.cf")).read()


def test_broken_mc_keeps_the_old_cf(etc):
    assert etc.make().returncode == 0
    old = open(etc.path("sendmail.cf")).read()
    mc = open(etc.path("sendmail.mc")).read()
    etc.write("sendmail.mc", mc.replace("FEATURE(`mailertable'", "FEATURE(`mailertabel'"))
    etc.age("sendmail.mc", "sendmail.cf", 10**9)
    r = etc.make()
    assert r.returncode != 0
    assert "sendmail.mc:6: error: unknown FEATURE `mailertabel' (did you mean `mailertable'?)" in r.stderr
    assert open(etc.path("sendmail.cf")).read() == old
    r = etc.make("check")
    assert r.returncode != 0 and "mailertabel" in r.stderr


def test_plain_m4_when_asked(etc):
    r = etc.make("USE_M4=yes", "sendmail.cf")
    assert r.returncode == 0, r.stderr
    assert "m4 sendmail.mc > sendmail.cf.new" in r.stdout
    plain = subprocess.run(["m4", etc.path("sendmail.mc")], capture_output=True, text=True).stdout
    assert open(etc.path("sendmail.cf")).read() == plain


def test_check_and_explain_targets(etc):
    r = etc.make("check")
    assert r.returncode == 0, r.stderr
    assert "sendmail.mc: no errors" in r.stdout and "submit.mc: no errors" in r.stdout
    r = etc.make("explain", "EXPLAIN_LANG=ko")
    assert r.returncode == 0
    assert "설정 요약" in r.stdout


def test_restart_signals_the_running_daemon(etc, sandbox):
    flag = os.path.join(sandbox, "got-hup")
    pidfile = os.path.join(sandbox, "sendmail.pid")
    # a stand-in daemon that records SIGHUP, as sendmail restarts on it
    code = ("import os, signal, sys\n"
            "def hup(*a):\n    open(%r, 'w').write('hup'); sys.exit(0)\n"
            "signal.signal(signal.SIGHUP, hup)\n"
            "open(%r, 'w').write(str(os.getpid()) + '\\n')\n"
            "print('ready', flush=True)\n"
            "signal.pause()\n") % (flag, pidfile)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline() == "ready\n"
        r = etc.make("restart", "SERVICE=sendwell-test-no-such-service", "PIDFILE=" + pidfile)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "kill -HUP %d" % proc.pid in r.stdout
        proc.wait(timeout=60)
        assert open(flag).read() == "hup"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()


def test_restart_without_a_service_says_how(etc, sandbox):
    r = etc.make("restart", "SERVICE=sendwell-test-no-such-service",
                 "PIDFILE=" + os.path.join(sandbox, "none.pid"))
    assert r.returncode != 0
    assert "no sendwell-test-no-such-service service is known here" in r.stderr


def test_shipped_defaults_build_cleanly(sandbox):
    """etc/'s default sendmail.mc, submit.mc, text maps and aliases, laid
    out as `make install' does, build with no error and no warning"""
    etc = os.path.join(sandbox, "etc")
    mail = os.path.join(etc, "mail")
    os.makedirs(mail)

    def fill(text):
        return (text.replace("@CFDIR@", CF_DIR).replace("@SYSCONFDIR@", etc)
                .replace("@LIBEXECDIR@", sandbox).replace("@SBINDIR@", "/nonexistent")
                .replace("@M4@", "m4"))

    for name, dest in [("mail-Makefile.in", "Makefile"), ("sendmail.mc.in", "sendmail.mc"),
                       ("submit.mc.in", "submit.mc")]:
        with open(os.path.join(mail, dest), "w") as f:
            f.write(fill(open(src_path("etc", name)).read()))
    for name in ("access", "local-host-names", "virtusertable", "mailertable", "domaintable",
                 "genericstable", "trusted-users", "helpfile"):
        with open(os.path.join(mail, name), "w") as f:
            f.write(open(src_path("etc", name)).read())
    with open(os.path.join(etc, "aliases"), "w") as f:
        f.write(open(src_path("etc", "aliases")).read())
    env = dict(os.environ, LANG="C", LC_ALL="C")
    r = subprocess.run(["make", "-C", mail,
                        "CFCOMPILER=%s -I %s" % (build_path("cfcompiler", "cfcompiler"), CF_DIR),
                        "MAKEMAP=%s" % MAKEMAP,
                        "NEWALIASES=%s -bi -C %s/sendmail.cf" % (SENDMAIL, mail)],
                       capture_output=True, text=True, env=env, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    for f in ("sendmail.cf", "submit.cf", "access.db", "virtusertable.db", "mailertable.db"):
        assert os.path.exists(os.path.join(mail, f)), f
    assert os.path.exists(os.path.join(etc, "aliases.db"))
    r = subprocess.run([build_path("cfcompiler", "cfcompiler"), "-I", CF_DIR, "-n",
                        os.path.join(mail, "sendmail.mc")], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stderr == "", r.stderr
    out = subprocess.run([MAKEMAP, "-u", "hash", os.path.join(mail, "access")],
                         capture_output=True, text=True).stdout
    assert "connect:127.0.0.1\tRELAY" in out
