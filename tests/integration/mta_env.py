"""mta_env: a private Sendwell MTA for integration tests.

MtaEnv(sandbox, ...) writes a sendmail.mc that uses Sendwell's own cf
library, compiles it with m4, builds the aliases and any text maps given,
and points local delivery at mail.local writing Maildirs under
<sandbox>/mail/<user>.  start() runs `sendmail -bD` on a free loopback
port; the daemon's children drop to user "mail", so the sandbox is kept
readable by it.  Log lines go to <sandbox>/maillog (SENDWELL_LOG_FILE).
"""
import os
import socket
import subprocess
import time

from peers import maildir_messages, stop_process, wait_messages
from swpaths import BUILDDIR, SRCDIR, build_path, free_port

SENDMAIL = build_path("sendmail", "sendmail")
MAKEMAP = build_path("makemap", "makemap")
MAIL_LOCAL = build_path("mailboxd", "mail.local")


class MtaEnv:
    def __init__(self, sandbox, mc_lines=(), aliases="postmaster: root\n",
                 maps=None, hostname_domain="mail.hamap.local", local_lmtp=True,
                 max_message_size=None, extra_features=()):
        self.dir = sandbox
        self.port = free_port()
        self.queue = os.path.join(sandbox, "mq")
        self.mail = os.path.join(sandbox, "mail")
        self.logfile = os.path.join(sandbox, "maillog")
        self.cf = os.path.join(sandbox, "sendmail.cf")
        self.proc = None
        os.makedirs(self.queue, exist_ok=True)
        os.makedirs(self.mail, exist_ok=True)
        os.chmod(self.mail, 0o1777)
        os.chmod(sandbox, 0o755)
        self.env = dict(os.environ, SENDWELL_LOG_FILE=self.logfile)
        with open(os.path.join(sandbox, "aliases"), "w") as f:
            f.write(aliases)
        lines = [
            f"include(`{SRCDIR}/cf/m4/cf.m4')dnl",
            "OSTYPE(`linux')dnl",
            f"define(`confDOMAIN_NAME', `{hostname_domain}')dnl",
            f"define(`QUEUE_DIR', `{self.queue}')dnl",
            f"define(`ALIAS_FILE', `{sandbox}/aliases')dnl",
            f"define(`confPID_FILE', `{sandbox}/sendmail.pid')dnl",
            "define(`confDONT_PROBE_INTERFACES', `true')dnl",
            f"define(`confCW_FILE', `{sandbox}/local-host-names')dnl",
            "FEATURE(`use_cw_file')dnl",
            f"DAEMON_OPTIONS(`Port={self.port}, Addr=127.0.0.1, Name=MTA')dnl",
            "FEATURE(`no_default_msa')dnl",
        ]
        if max_message_size:
            lines.append(f"define(`confMAX_MESSAGE_SIZE', `{max_message_size}')dnl")
        for name, text in (maps or {}).items():
            path = os.path.join(sandbox, name)
            with open(path, "w") as f:
                f.write(text)
            subprocess.run([MAKEMAP, "hash", path], input=text, text=True, check=True)
            if name == "access":
                lines.append(f"FEATURE(`access_db', `hash -T<TMPF> -o {path}')dnl")
            elif name == "virtusertable":
                lines.append(f"FEATURE(`virtusertable', `hash -o {path}')dnl")
            elif name == "mailertable":
                lines.append(f"FEATURE(`mailertable', `hash -o {path}')dnl")
            elif name == "genericstable":
                lines.append(f"FEATURE(`genericstable', `hash -o {path}')dnl")
        with open(os.path.join(sandbox, "local-host-names"), "w") as f:
            f.write(hostname_domain + "\n" + hostname_domain.split(".", 1)[-1] + "\n")
        lines += list(extra_features)
        lines += list(mc_lines)
        if local_lmtp:
            lines.append(f"FEATURE(`local_lmtp', `{MAIL_LOCAL}', "
                         f"`mail.local -l -M maildir:{self.mail}/%u')dnl")
        lines += ["MAILER(`local')dnl", "MAILER(`smtp')dnl"]
        self.mc = os.path.join(sandbox, "sendmail.mc")
        with open(self.mc, "w") as f:
            f.write("\n".join(lines) + "\n")
        r = subprocess.run(["m4", self.mc], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        with open(self.cf, "w") as f:
            f.write(r.stdout)
        r = self.sendmail("-bi")
        assert r.returncode == 0, r.stdout + r.stderr

    def sendmail(self, *args, input=None, check=False):
        return subprocess.run([SENDMAIL, "-C", self.cf, *args], input=input,
                              capture_output=True, text=True, env=self.env, check=check)

    def start(self, *args):
        self.proc = subprocess.Popen([SENDMAIL, "-C", self.cf, "-bD", *args],
                                     env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return self
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("daemon exited: " + self.proc.stdout.read().decode())
                time.sleep(0.05)
        raise AssertionError("daemon did not listen")

    def stop(self):
        stop_process(self.proc)
        self.proc = None

    def messages(self, user):
        """Delivered messages of user, oldest first."""
        return maildir_messages(os.path.join(self.mail, user))

    def wait_messages(self, user, n, timeout=20):
        """Wait (bounded) until user has n messages; return them."""
        return wait_messages(lambda: self.messages(user), n, timeout)

    def log(self):
        try:
            with open(self.logfile) as f:
                return f.read()
        except OSError:
            return ""

    def queue_files(self):
        return sorted(f for f in os.listdir(self.queue) if f.startswith("qf"))
