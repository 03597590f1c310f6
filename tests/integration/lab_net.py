"""lab_net: the two-server lab of the guides on one machine.

Lab(sandbox) picks a private loopback block 127.A.B.0/24, runs Debian's
dnsmasq on 127.A.B.53:53 as the lab's only name server (its records are
the lab's A, PTR and MX records; every other name is NXDOMAIN), and runs
each program of the lab in a private mount namespace where /etc/resolv.conf
names that server and /etc/hosts holds only localhost.  LabMta is a
Sendwell MTA (tests/integration/mta_env.MtaEnv) listening on port 25 of its
own lab address and sending from it (CLIENT_OPTIONS), with a domain of its
own.  Used by test_lab_*.py and test_interop_*.py.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import time

from mta_env import MtaEnv, SENDMAIL


def have_dnsmasq():
    return shutil.which("dnsmasq") or os.path.exists("/usr/sbin/dnsmasq")


def port_open(ip, port, timeout=0.3):
    try:
        with socket.create_connection((ip, port), timeout=timeout):
            return True
    except OSError:
        return False


class Lab:
    def __init__(self, sandbox):
        self.dir = sandbox
        # a /24 nobody else on this machine is likely to use
        for _ in range(50):
            a, b = random.randint(100, 250), random.randint(1, 250)
            if not port_open(f"127.{a}.{b}.53", 53, 0.05):
                break
        self.net = f"127.{a}.{b}"
        self.dns_ip = f"{self.net}.53"
        self.hosts = []       # (name, ip)
        self.mx = []          # (domain, target, pref)
        self.dns = None
        self.resolv = os.path.join(sandbox, "resolv.conf")
        self.etc_hosts = os.path.join(sandbox, "hosts")
        with open(self.resolv, "w") as f:
            f.write(f"nameserver {self.dns_ip}\noptions timeout:1 attempts:2\n")
        with open(self.etc_hosts, "w") as f:
            f.write("127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n")
        self.procs = []

    def ip(self, n):
        return f"{self.net}.{n}"

    def host(self, name, ip):
        self.hosts.append((name, ip))

    def add_mx(self, domain, target, pref):
        self.mx.append((domain, target, pref))

    def start_dns(self):
        if self.dns:
            self.dns.terminate()
            self.dns.wait()
        argv = [shutil.which("dnsmasq") or "/usr/sbin/dnsmasq", "-k",
                "--conf-file=/dev/null", "--no-resolv", "--no-hosts",
                "--bind-interfaces", f"--listen-address={self.dns_ip}", "--port=53",
                "--local=/#/", "--user=root", "--group=root",
                f"--pid-file={self.dir}/dnsmasq.pid", "--log-queries",
                f"--log-facility={self.dir}/dns.log"]
        for name, ip in self.hosts:
            argv.append(f"--host-record={name},{ip}")
        for dom, target, pref in self.mx:
            argv.append(f"--mx-host={dom},{target},{pref}")
        self.dns = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.time() + 5
        while time.time() < deadline:
            r = subprocess.run(self.wrap(["getent", "hosts", self.hosts[0][0]]),
                               capture_output=True, text=True) if self.hosts else None
            if r is None or r.returncode == 0:
                return
            if self.dns.poll() is not None:
                raise AssertionError("dnsmasq exited: " + self.dns.stderr.read().decode())
            time.sleep(0.1)
        raise AssertionError("dnsmasq does not answer")

    def wrap(self, argv, hostname=None):
        """argv run in the lab's name service (private mount namespace;
        with hostname, a private UTS namespace with that host name too)."""
        script = (f"mount --bind {self.etc_hosts} /etc/hosts && "
                  f"mount --bind {self.resolv} /etc/resolv.conf && exec \"$@\"")
        if hostname:
            script = f"hostname {hostname} && " + script
            return ["unshare", "-mu", "sh", "-c", script, "sh", *argv]
        return ["unshare", "-m", "sh", "-c", script, "sh", *argv]

    def etc_hosts_entry(self, ip, *names):
        """A line of the lab's /etc/hosts (a host's own name must resolve
        locally for the real sendmail to start without waiting)."""
        with open(self.etc_hosts, "a") as f:
            f.write(f"{ip}\t{' '.join(names)}\n")

    def stop(self):
        for p in self.procs:
            p.stop()
        if self.dns and self.dns.poll() is None:
            self.dns.send_signal(signal.SIGTERM)
            try:
                self.dns.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.dns.kill()
        self.dns = None


class LabMta(MtaEnv):
    """A Sendwell MTA of the lab: port 25 on ip, domain `domain`, host
    name mail.<domain> (or hostname)."""

    def __init__(self, lab, name, ip, domain, hostname=None, mc_lines=(), **kw):
        self.lab = lab
        self.ip = ip
        self.domain = domain
        self.hostname = hostname or f"mail.{domain}"
        sandbox = os.path.join(lab.dir, name)
        os.makedirs(sandbox, exist_ok=True)
        lines = [f"DAEMON_OPTIONS(`Port=25, Addr={ip}, Name=MTA-lab')dnl",
                 f"CLIENT_OPTIONS(`Family=inet, Addr={ip}')dnl",
                 "define(`confHOST_STATUS_DIRECTORY', `.hoststat')dnl"]
        lines += list(mc_lines)
        super().__init__(sandbox, mc_lines=lines, hostname_domain=self.hostname, **kw)
        with open(os.path.join(sandbox, "local-host-names"), "w") as f:
            f.write(f"{self.hostname}\n{domain}\n")
        lab.procs.append(self)

    def sendmail(self, *args, input=None, check=False):
        return subprocess.run(self.lab.wrap([SENDMAIL, "-C", self.cf, *args]), input=input,
                              capture_output=True, text=True, env=self.env, check=check)

    def start(self, *args):
        self.proc = subprocess.Popen(self.lab.wrap([SENDMAIL, "-C", self.cf, "-bD", *args]),
                                     env=self.env, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.time() + 10
        while time.time() < deadline:
            if port_open(self.ip, 25) and port_open("127.0.0.1", self.port):
                return self
            if self.proc.poll() is not None:
                raise AssertionError("daemon exited: " + self.proc.stdout.read().decode())
            time.sleep(0.05)
        raise AssertionError("daemon did not listen")

    def submit(self, sender, rcpts, subject="lab", body="hello from the lab\n", extra=""):
        """Hand a message to this MTA the way a local user does; queued
        only (-odq), so that the test decides when the queue runs."""
        msg = (f"From: {sender}\nTo: {', '.join(rcpts)}\nSubject: {subject}\n{extra}\n{body}")
        r = self.sendmail("-odq", "-f", sender, *rcpts, input=msg)
        assert r.returncode == 0, r.stdout + r.stderr
        return r

    def runq(self, *args):
        return self.sendmail("-q", *args)

    def wait_log(self, text, timeout=20):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if text in self.log():
                return True
            time.sleep(0.1)
        return False


def make_cert(directory, cn):
    """A self-signed certificate and key for cn (openssl req), for
    STARTTLS between the lab's servers; returns (cert, key) paths."""
    os.makedirs(directory, exist_ok=True)
    cert = os.path.join(directory, f"{cn}.crt")
    key = os.path.join(directory, f"{cn}.key")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", f"/O=Sendwell lab/CN={cn}", "-addext", f"subjectAltName=DNS:{cn}",
                    "-keyout", key, "-out", cert], check=True, capture_output=True)
    os.chmod(key, 0o600)
    os.chmod(directory, 0o755)
    return cert, key
