"""secure_mta: a sandbox MTA with TLS and SMTP AUTH for the integration
tests (test_tls_smtp.py, test_auth_smtp.py): a lab CA and certificates
from sendwell-certs, a sasldb2 of its own, and listeners like 25, 465
(M=s) and 587 (M=Ea); Conn, a raw SMTP connection that can switch to
TLS; swaks()."""
import os
import shutil
import socket
import ssl
import subprocess
import time

from mta_env import MtaEnv
from swpaths import SRCDIR, build_path, free_port

HOST = "mail.hamap.local"
CERTS_TOOL = build_path("sendmail", "sendwell-certs")
if not os.path.exists(CERTS_TOOL):
    CERTS_TOOL = os.path.join(SRCDIR, "tools", "sendwell-certs")


def sasl_group():
    r = subprocess.run(["getent", "group", "sasl"], capture_output=True, text=True)
    return r.stdout.split(":")[0] if r.returncode == 0 else None


class SecureMta:
    """A sandbox MTA with a certificate from sendwell-certs, a sasldb2 of
    its own, and three listeners: the 25-like MtaEnv port, a 465-like
    one (M=s) and a 587-like one (M=Ea)."""

    def __init__(self, sandbox, auth_options="A p y", mechanisms=None, trust=None,
                 users=(("alice", "secret"),), mc_lines=(), sasl_conf=None,
                 fail_delay_ms=20, maps=None,
                 mech_list="EXTERNAL PLAIN LOGIN CRAM-MD5 DIGEST-MD5"):
        self.dir = sandbox
        self.certs = os.path.join(sandbox, "certs")
        r = subprocess.run(["sh", CERTS_TOOL, "-d", self.certs, "-a", "127.0.0.1", HOST],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        self.certs_output = r.stdout
        r = subprocess.run(["sh", CERTS_TOOL, "-d", self.certs, "-t", "client", "client1"],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        self.ca = os.path.join(self.certs, "cacert.pem")
        self.sasldb = os.path.join(sandbox, "sasldb2")
        for user, password in users:
            self.add_sasl_user(user, password)
        self.sasl_dir = os.path.join(sandbox, "sasl")
        os.makedirs(self.sasl_dir, exist_ok=True)
        with open(os.path.join(self.sasl_dir, "Sendmail.conf"), "w") as f:
            f.write(sasl_conf if sasl_conf is not None else
                    "pwcheck_method: auxprop\nauxprop_plugin: sasldb\n"
                    f"sasldb_path: {self.sasldb}\nmech_list: {mech_list}\n")
        self.p465 = free_port()
        self.p587 = free_port()
        lines = [
            f"define(`confSERVER_CERT', `{self.certs}/{HOST}.crt')dnl",
            f"define(`confSERVER_KEY', `{self.certs}/{HOST}.key')dnl",
            f"define(`confCACERT', `{self.ca}')dnl",
            f"define(`confCACERT_PATH', `{self.certs}')dnl",
            "define(`confAUTH_MECHANISMS', `%s')dnl" %
            (mechanisms or "EXTERNAL GSSAPI DIGEST-MD5 CRAM-MD5 LOGIN PLAIN"),
            "TRUST_AUTH_MECH(`%s')dnl" % (trust or "EXTERNAL DIGEST-MD5 CRAM-MD5 LOGIN PLAIN"),
            f"DAEMON_OPTIONS(`Port={self.p465}, Addr=127.0.0.1, Name=TLSMTA, M=s')dnl",
            f"DAEMON_OPTIONS(`Port={self.p587}, Addr=127.0.0.1, Name=MSA, M=Ea')dnl",
        ]
        if auth_options is not None:
            lines.append(f"define(`confAUTH_OPTIONS', `{auth_options}')dnl")
        self.mta = MtaEnv(sandbox, mc_lines=lines + list(mc_lines), maps=maps)
        self.port = self.mta.port
        self.mta.env["SENDWELL_SASL_CONF_PATH"] = self.sasl_dir
        self.mta.env["SENDWELL_AUTH_FAILURE_DELAY"] = str(fail_delay_ms)

    def add_sasl_user(self, user, password):
        r = subprocess.run(["saslpasswd2", "-f", self.sasldb, "-p", "-c", "-u", HOST, user],
                           input=password.encode(), capture_output=True)
        assert r.returncode == 0, r.stderr
        # as on Debian: root:sasl 0640, read through the daemon's sasl group
        group = sasl_group()
        if group:
            shutil.chown(self.sasldb, "root", group)
            os.chmod(self.sasldb, 0o640)
        else:
            os.chmod(self.sasldb, 0o644)

    def start(self):
        self.mta.start()
        for p in (self.p465, self.p587):
            deadline = time.time() + 10
            while True:
                try:
                    socket.create_connection(("127.0.0.1", p), timeout=1).close()
                    break
                except OSError:
                    assert time.time() < deadline, f"port {p} does not answer"
                    time.sleep(0.05)
        return self

    def stop(self):
        self.mta.stop()

    def log(self):
        return self.mta.log()

    def wait_log(self, text, timeout=10):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log():
                return True
            time.sleep(0.05)
        return False

    def context(self):
        """A client SSL context that trusts the lab CA."""
        ctx = ssl.create_default_context(cafile=self.ca)
        return ctx


def swaks(*args, timeout=60):
    return subprocess.run(["swaks", "--timeout", "20", *args], capture_output=True,
                          text=True, timeout=timeout)


class Conn:
    """A raw SMTP connection that can switch to TLS."""

    def __init__(self, port, source=None, tls_now=False, ctx=None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=15,
                                             source_address=(source, 0) if source else None)
        if tls_now:
            self.sock = (ctx or insecure()).wrap_socket(self.sock, server_hostname=HOST)
        self.f = self.sock.makefile("rb")

    def reply(self):
        out = []
        while True:
            line = self.f.readline().decode(errors="replace")
            if not line:
                out.append("")
                return "\n".join(out)
            out.append(line.rstrip("\r\n"))
            if len(line) < 4 or line[3] != "-":
                return "\n".join(out)

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reply()

    def starttls(self, ctx=None):
        r = self.cmd("STARTTLS")
        assert r.startswith("220 "), r
        self.sock = (ctx or insecure()).wrap_socket(self.sock, server_hostname=HOST)
        self.f = self.sock.makefile("rb")
        return r

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def insecure():
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    return ctx
