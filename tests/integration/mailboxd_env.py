"""mailboxd_env: start a real mailboxd on loopback in a test sandbox.

MailboxdEnv writes a dovecot-style configuration (a passwd-file of test
users, Maildir or mbox storage under the sandbox, free ports for IMAP,
POP3, their TLS twins and LMTP), starts `mailboxd -F`, waits until the
ports answer and stops it again.  Everything runs as the invoking user
(`drop_privileges = no`) unless a test asks for the real privilege
separation.  Used by tests/integration/test_mailboxd*.py,
test_mail_local*.py and test_store*.py.
"""
import os
import signal
import socket
import subprocess
import time

from swpaths import BUILDDIR, SRCDIR, build_path, free_port  # noqa: F401

MAILBOXD = build_path("mailboxd", "mailboxd")
MAIL_LOCAL = build_path("mailboxd", "mail.local")


def make_cert(directory, name="server"):
    """A self-signed certificate and key made with `openssl req`."""
    cert = os.path.join(directory, name + ".pem")
    key = os.path.join(directory, name + ".key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2",
                    "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def wait_port(port, timeout=10.0):
    end = time.time() + timeout
    while time.time() < end:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class MailboxdEnv:
    """One mailboxd instance and its users in directory `root`."""

    def __init__(self, root, fmt="maildir", users=("alice", "bob"), password="secret",
                 tls=False, plaintext=True, extra="", uid=None, gid=None,
                 drop_privileges=False, protocols="imap pop3 lmtp"):
        self.root = root
        self.fmt = fmt
        self.password = password
        self.users = list(users)
        self.uid = os.getuid() if uid is None else uid
        self.gid = os.getgid() if gid is None else gid
        self.ports = {}
        for p in ("imap", "imaps", "pop3", "pop3s", "lmtp"):
            # free_port() may hand out a port twice: each listener its own
            port = free_port()
            while port in self.ports.values():
                port = free_port()
            self.ports[p] = port
        self.log = os.path.join(root, "mailboxd.log")
        self.conf = os.path.join(root, "mailboxd.conf")
        self.lmtp_socket = os.path.join(root, "run", "lmtp")
        self.proc = None
        os.makedirs(os.path.join(root, "run"), exist_ok=True)
        os.makedirs(os.path.join(root, "spool"), exist_ok=True)
        for u in self.users:
            os.makedirs(self.home(u), exist_ok=True)
        with open(os.path.join(root, "users"), "w") as f:
            for u in self.users:
                f.write(f"{u}:{{PLAIN}}{password}:{self.uid}:{self.gid}::{self.home(u)}::\n")
        if fmt == "maildir":
            location = "maildir:~/Maildir"
        else:
            location = f"mbox:~/mail:INBOX={root}/spool/%u"
        ssl = "no"
        ssl_lines = ""
        if tls:
            self.cert, self.key = make_cert(root)
            ssl = "yes"
            ssl_lines = f"ssl_cert = <{self.cert}\nssl_key = <{self.key}\n"
        with open(self.conf, "w") as f:
            f.write(f"""# written by mailboxd_env.py
protocols = {protocols}
listen = 127.0.0.1
disable_plaintext_auth = {"no" if plaintext else "yes"}
auth_mechanisms = plain login
ssl = {ssl}
{ssl_lines}mail_location = {location}
drop_privileges = {"yes" if drop_privileges else "no"}
first_valid_uid = 1
auth_failure_delay = 0
base_dir = {root}/run
log_path = {self.log}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/users
}}
userdb {{
  driver = passwd-file
  args = {root}/users
}}
service imap-login {{
  inet_listener imap {{
    port = {self.ports["imap"]}
  }}
  inet_listener imaps {{
    port = {self.ports["imaps"]}
    ssl = yes
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {self.ports["pop3"]}
  }}
  inet_listener pop3s {{
    port = {self.ports["pop3s"]}
    ssl = yes
  }}
}}
service lmtp {{
  unix_listener {self.lmtp_socket} {{
    mode = 0666
  }}
  inet_listener lmtp {{
    address = 127.0.0.1
    port = {self.ports["lmtp"]}
  }}
}}
{extra}
""")

    def home(self, user):
        return os.path.join(self.root, "home", user)

    def maildir(self, user):
        return os.path.join(self.home(user), "Maildir")

    def spool(self, user):
        return os.path.join(self.root, "spool", user)

    def start(self):
        env = dict(os.environ)
        env.pop("SENDWELL_LOG_FILE", None)
        self.stderr = open(os.path.join(self.root, "mailboxd.stderr"), "wb")
        self.proc = subprocess.Popen([MAILBOXD, "-F", "-c", self.conf], env=env,
                                     stdout=subprocess.DEVNULL, stderr=self.stderr)
        if not wait_port(self.ports["imap"]):
            self.stop()
            raise RuntimeError("mailboxd did not start: " + self.read_log())
        return self

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        if getattr(self, "stderr", None):
            self.stderr.close()
            self.stderr = None
            with open(os.path.join(self.root, "mailboxd.stderr"), errors="replace") as f:
                err = f.read()
            # a sanitizer build reports memory and UB errors here
            if "ERROR: AddressSanitizer" in err or "runtime error:" in err:
                raise AssertionError("mailboxd sanitizer report:\n" + err[-4000:])

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def read_log(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def wait_log(self, text, timeout=10.0):
        """True once text shows up in the log (lines come from other processes)."""
        end = time.time() + timeout
        while time.time() < end:
            if text in self.read_log():
                return True
            time.sleep(0.05)
        return False

    def deliver(self, user, message, sender="sender@example.org"):
        """Deliver through mail.local with this configuration."""
        if isinstance(message, str):
            message = message.encode()
        r = subprocess.run([MAIL_LOCAL, "-C", self.conf, "-f", sender, user],
                           input=message, capture_output=True)
        return r.returncode

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


def message(subject="test", body="hello\r\n", sender="a@example.org", to="alice@example.org",
            extra=""):
    return (f"From: {sender}\r\nTo: {to}\r\nSubject: {subject}\r\n"
            f"Date: Mon, 2 Jan 2023 10:00:00 +0000\r\nMessage-ID: <{subject}.{time.time()}@t>\r\n"
            f"{extra}\r\n{body}").encode()
