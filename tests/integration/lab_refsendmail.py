"""lab_refsendmail: the real sendmail 8.17 (shared/tools/ref-sendmail:
Debian's build, unpacked, never installed) as a peer of the lab.

RefSendmailPeer compiles a .mc with sendmail's own cf library (its host
name, port 25 on one lab address, local delivery through Sendwell's
mail.local into Maildirs) and runs `sendmail -bD` as root inside the
lab's name service, in a UTS namespace carrying its host name.  Used by
test_interop_*.py and bench/outbound.
"""
import os
import subprocess
import time

from peers import maildir_messages, stop_process, wait_messages
from swpaths import BUILDDIR, SRCDIR  # no pytest needed: bench/ uses this too

MAIL_LOCAL = os.path.join(BUILDDIR, "mailboxd", "mail.local")


class Unavailable(Exception):
    pass


def ref_paths():
    env = {k: os.environ[k] for k in ("REF_SENDMAIL", "REF_MAKEMAP", "REF_CF_DIR")
           if os.environ.get(k)}
    if len(env) == 3:	# handed over by tools/test-all.sh
        return env
    tool = os.path.join(SRCDIR, "..", "shared", "tools", "ref-sendmail")
    if not os.path.exists(tool):
        raise Unavailable("shared/tools/ref-sendmail is missing")
    r = subprocess.run(["bash", tool], capture_output=True, text=True)
    if r.returncode != 0:
        raise Unavailable("ref-sendmail failed: " + r.stderr[-300:])
    out = {}
    for line in r.stdout.splitlines():
        k, _, v = line.partition("=")
        out[k] = v
    return out


class RefSendmailPeer:
    def __init__(self, lab, ip, domain, mc_lines=()):
        self.lab = lab
        self.ip = ip
        self.domain = domain
        self.hostname = f"mail.{domain}"
        ref = ref_paths()
        self.bin = ref["REF_SENDMAIL"]
        self.dir = os.path.join(lab.dir, "refsendmail")
        self.queue = os.path.join(self.dir, "mq")
        self.mail = os.path.join(self.dir, "mail")
        os.makedirs(self.queue, exist_ok=True)
        os.makedirs(self.mail, exist_ok=True)
        os.chmod(self.dir, 0o755)
        os.chmod(self.queue, 0o700)
        os.chmod(self.mail, 0o1777)
        lab.etc_hosts_entry(ip, self.hostname, domain)
        with open(os.path.join(self.dir, "aliases"), "w") as f:
            f.write("postmaster: root\nmailer-daemon: postmaster\n")
        with open(os.path.join(self.dir, "local-host-names"), "w") as f:
            f.write(f"{self.hostname}\n{domain}\n")
        lines = [
            f"include(`{ref['REF_CF_DIR']}/m4/cf.m4')dnl",
            "OSTYPE(`linux')dnl",
            f"define(`confDOMAIN_NAME', `{self.hostname}')dnl",
            f"define(`QUEUE_DIR', `{self.queue}')dnl",
            f"define(`ALIAS_FILE', `{self.dir}/aliases')dnl",
            f"define(`confPID_FILE', `{self.dir}/sendmail.pid')dnl",
            f"define(`confCW_FILE', `{self.dir}/local-host-names')dnl",
            f"define(`STATUS_FILE', `{self.dir}/statistics')dnl",
            "define(`confDONT_PROBE_INTERFACES', `true')dnl",
            "define(`confTO_IDENT', `0')dnl",
            # a loaded machine (a benchmark just ran) must not make it
            # refuse connections or queue instead of deliver
            "define(`confREFUSE_LA', `10000')dnl", "define(`confQUEUE_LA', `10000')dnl",
            "FEATURE(`use_cw_file')dnl",
            "FEATURE(`no_default_msa')dnl",
            f"DAEMON_OPTIONS(`Port=25, Addr={ip}, Name=MTA')dnl",
            f"CLIENT_OPTIONS(`Family=inet, Addr={ip}')dnl",
            f"FEATURE(`local_lmtp', `{MAIL_LOCAL}')dnl",
            f"define(`LOCAL_MAILER_ARGS', `mail.local -l -M maildir:{self.mail}/%u')dnl",
        ] + list(mc_lines) + ["MAILER(`local')dnl", "MAILER(`smtp')dnl"]
        with open(os.path.join(self.dir, "sendmail.mc"), "w") as f:
            f.write("\n".join(lines) + "\n")
        r = subprocess.run(["m4", os.path.join(self.dir, "sendmail.mc")], capture_output=True,
                           text=True)
        if r.returncode != 0:
            raise Unavailable("m4 with sendmail's cf library failed: " + r.stderr[-300:])
        self.cf = os.path.join(self.dir, "sendmail.cf")
        with open(self.cf, "w") as f:
            f.write(r.stdout)
        self.run("-bi")
        self.proc = None
        lab.procs.append(self)

    def run(self, *args, input=None):
        return subprocess.run(self.lab.wrap([self.bin, "-C", self.cf, *args],
                                            hostname=self.hostname),
                              input=input, capture_output=True, text=True, timeout=120)

    def start(self):
        self.proc = subprocess.Popen(self.lab.wrap([self.bin, "-C", self.cf, "-bD"],
                                                   hostname=self.hostname),
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        from lab_net import port_open
        deadline = time.time() + 20
        while time.time() < deadline:
            if port_open(self.ip, 25):
                return self
            if self.proc.poll() is not None:
                raise AssertionError("sendmail exited: " + self.proc.stdout.read().decode())
            time.sleep(0.1)
        raise AssertionError("the real sendmail does not listen")

    def stop(self):
        stop_process(self.proc)
        self.proc = None

    def messages(self, user):
        """Delivered messages of user, oldest first."""
        return maildir_messages(os.path.join(self.mail, user))

    def wait_messages(self, user, n, timeout=30):
        """Wait (bounded) until user has n messages; return them."""
        return wait_messages(lambda: self.messages(user), n, timeout)

