#!/usr/bin/env python3
"""bench/imap: mailboxd against dovecot 2.3 in the same run (not a test).

Workloads (the same Maildir content is copied to each server's user):
  imap  LOGIN, SELECT INBOX, FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE),
        LOGOUT on a 10,000-message mailbox; one cold run (indexes built
        from nothing) and --runs warm runs.
  pop3  USER/PASS and RETR of every one of 1,000 messages, QUIT.

Dovecot comes from Debian's packages (`apt-get download dovecot-core
dovecot-imapd dovecot-pop3d`), unpacked into the work folder and run from
there: a private mount namespace (unshare -m) overlays the unpacked
/usr/lib/dovecot and /usr/bin/doveconf on the host's /usr so its
compiled-in paths resolve; nothing is installed.  Both servers run the
same way (root master, unprivileged login processes, mail processes as
uid 65534) pinned to one CPU with the client.  Needs root.

usage: bench.py [--builddir DIR] [--workdir DIR] [--messages N]
                [--pop3-messages N] [--runs N] [--cpu N]
Prints a table and, per workload, the ratio mailboxd/dovecot (below 1.0
means mailboxd was faster).
"""
import argparse
import glob
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
UID = GID = 65534


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return True
        except OSError:
            time.sleep(0.1)
    return False


# ---- test data ----

WORDS = ("mail server index cache message folder lab guide sendmail dovecot "
         "relay queue header body envelope client thunderbird mutt roundcube").split()


def make_message(rnd, i):
    sender = f"{rnd.choice(WORDS).title()} {rnd.choice(WORDS).title()} <u{i % 97}@example.org>"
    to = ", ".join(f"user{rnd.randint(1, 500)}@example.net" for _ in range(rnd.randint(1, 4)))
    subj = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(3, 9)))
    head = (f"Return-Path: <u{i % 97}@example.org>\n"
            f"Received: from relay.example.org by mx.example.net; Mon, 2 Jan 2023 10:{i % 60:02d}:00 +0000\n"
            f"From: {sender}\nTo: {to}\nCc: list@example.com\nSubject: {subj} #{i}\n"
            f"Date: Mon, 2 Jan 2023 10:{i % 60:02d}:{i % 60:02d} +0000\n"
            f"Message-ID: <{i}.{rnd.randint(0, 1 << 30)}@example.org>\n"
            f"In-Reply-To: <{i - 1}@example.org>\nMIME-Version: 1.0\n")
    lines = [" ".join(rnd.choice(WORDS) for _ in range(rnd.randint(5, 14)))
             for _ in range(rnd.randint(20, 120))]
    if i % 5 == 0:
        head += 'Content-Type: multipart/mixed; boundary="b%d"\n' % i
        body = (f"--b{i}\nContent-Type: text/plain; charset=us-ascii\n\n" + "\n".join(lines) +
                f"\n--b{i}\nContent-Type: application/octet-stream; name=x.bin\n"
                f"Content-Transfer-Encoding: base64\n\n" + "QUJD" * 300 + f"\n--b{i}--\n")
    else:
        head += "Content-Type: text/plain; charset=us-ascii\n"
        body = "\n".join(lines) + "\n"
    return (head + "\n" + body).encode()


def make_maildir(path, n, seed):
    rnd = random.Random(seed)
    for sub in ("cur", "new", "tmp"):
        os.makedirs(os.path.join(path, sub), exist_ok=True)
    for i in range(n):
        data = make_message(rnd, i)
        flags = "S" if i % 3 else ""
        name = f"{1672000000 + i}.M{i}P1.bench,S={len(data)}:2,{flags}"
        with open(os.path.join(path, "cur", name), "wb") as f:
            f.write(data)


def chown_tree(path):
    for d, dirs, files in os.walk(path):
        os.chown(d, UID, GID)
        for f in files:
            os.chown(os.path.join(d, f), UID, GID)


# ---- clients ----

def imap_run(port, user):
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb", buffering=1 << 20)
    total = 0

    def cmd(tag, text):
        nonlocal total
        s.sendall(f"{tag} {text}\r\n".encode())
        while True:
            line = f.readline()
            if not line:
                raise RuntimeError("connection closed during " + text)
            total += len(line)
            if line.endswith(b"}\r\n"):
                n = int(line[line.rindex(b"{") + 1:-3])
                total += len(f.read(n))
                continue
            if line.startswith(tag.encode() + b" "):
                if not line.startswith(tag.encode() + b" OK"):
                    raise RuntimeError(line.decode(errors="replace"))
                return

    f.readline()
    t0 = time.perf_counter()
    cmd("a1", f"LOGIN {user} secret")
    cmd("a2", "SELECT INBOX")
    cmd("a3", "FETCH 1:* (FLAGS UID RFC822.SIZE ENVELOPE)")
    cmd("a4", "LOGOUT")
    t = time.perf_counter() - t0
    s.close()
    return t, total


def pop3_run(port, user, n):
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb", buffering=1 << 20)
    total = 0

    def line_cmd(text):
        s.sendall(text.encode() + b"\r\n")
        r = f.readline()
        if not r.startswith(b"+OK"):
            raise RuntimeError(f"{text}: {r!r}")

    f.readline()
    t0 = time.perf_counter()
    line_cmd(f"USER {user}")
    line_cmd("PASS secret")
    for i in range(1, n + 1):
        line_cmd(f"RETR {i}")
        while True:
            r = f.readline()
            if r == b".\r\n":
                break
            total += len(r)
    line_cmd("QUIT")
    t = time.perf_counter() - t0
    s.close()
    return t, total


# ---- servers ----

class Server:
    def __init__(self, name, work, cpu):
        self.name, self.work, self.cpu = name, work, cpu
        self.imap, self.pop3 = free_port(), free_port()
        self.proc = None
        self.home = os.path.join(work, "home")

    def users_file(self, path):
        with open(path, "w") as f:
            for u in ("bench", "pop"):
                f.write(f"{u}:{{PLAIN}}secret:{UID}:{GID}::{self.home}/{u}::\n")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


class Mailboxd(Server):
    def start(self, builddir):
        conf = os.path.join(self.work, "mailboxd.conf")
        self.users_file(os.path.join(self.work, "users"))
        with open(conf, "w") as f:
            f.write(f"""protocols = imap pop3
listen = 127.0.0.1
disable_plaintext_auth = no
ssl = no
mail_location = maildir:~/Maildir
default_login_user = nobody
first_valid_uid = 1
auth_failure_delay = 0
base_dir = {self.work}/run
log_path = {self.work}/mailboxd.log
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.work}/users
}}
service imap-login {{
  inet_listener imap {{
    port = {self.imap}
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {self.pop3}
  }}
}}
""")
        exe = os.path.join(builddir, "mailboxd", "mailboxd")
        self.proc = subprocess.Popen(["taskset", "-c", str(self.cpu), exe, "-F", "-c", conf],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        if not wait_port(self.imap):
            raise RuntimeError("mailboxd did not start")


class Dovecot(Server):
    def start(self, root):
        conf = os.path.join(self.work, "dovecot.conf")
        self.users_file(os.path.join(self.work, "users"))
        with open(conf, "w") as f:
            f.write(f"""base_dir = {self.work}/run
state_dir = {self.work}/state
protocols = imap pop3
listen = 127.0.0.1
disable_plaintext_auth = no
ssl = no
auth_mechanisms = plain
mail_location = maildir:~/Maildir
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
first_valid_uid = 1
log_path = {self.work}/dovecot.log
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {self.work}/users
}}
userdb {{
  driver = passwd-file
  args = {self.work}/users
}}
service imap-login {{
  inet_listener imap {{
    port = {self.imap}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service pop3-login {{
  inet_listener pop3 {{
    port = {self.pop3}
  }}
  inet_listener pop3s {{
    port = 0
  }}
}}
""")
        script = (f"mount --make-rprivate / && "
                  f"mount -t overlay overlay -o lowerdir={root}/usr/lib:/usr/lib /usr/lib && "
                  f"mount -t overlay overlay -o lowerdir={root}/usr/bin:/usr/bin /usr/bin && "
                  f"exec taskset -c {self.cpu} {root}/usr/sbin/dovecot -F -c {conf}")
        self.proc = subprocess.Popen(["unshare", "-m", "sh", "-c", script],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        if not wait_port(self.imap):
            log = open(os.path.join(self.work, "dovecot.log"), errors="replace").read() \
                if os.path.exists(os.path.join(self.work, "dovecot.log")) else ""
            raise RuntimeError("dovecot did not start:\n" + log[-2000:])


def fetch_dovecot(work):
    root = os.path.join(work, "dovecot-root")
    if os.path.exists(os.path.join(root, "usr", "sbin", "dovecot")):
        return root
    debs = os.path.join(work, "debs")
    os.makedirs(debs, exist_ok=True)
    subprocess.run(["apt-get", "download", "dovecot-core", "dovecot-imapd", "dovecot-pop3d"],
                   cwd=debs, check=True, capture_output=True)
    for deb in glob.glob(os.path.join(debs, "*.deb")):
        subprocess.run(["dpkg-deb", "-x", deb, root], check=True)
    return root


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--builddir", default=os.environ.get("SW_BUILDDIR",
                                                        os.path.join(HERE, "..", "..", "build")))
    ap.add_argument("--workdir", default="/var/tmp/sendwell-bench-imap")
    ap.add_argument("--messages", type=int, default=10000)
    ap.add_argument("--pop3-messages", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--cpu", type=int, default=os.cpu_count() - 1)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench.py needs root (dovecot's privilege separation, unshare -m)")
    os.makedirs(a.workdir, exist_ok=True)
    os.chmod(a.workdir, 0o755)
    root = fetch_dovecot(a.workdir)
    src = os.path.join(a.workdir, "data")
    stamp = os.path.join(src, f".made-{a.messages}-{a.pop3_messages}")
    if not os.path.exists(stamp):
        shutil.rmtree(src, ignore_errors=True)
        print(f"making {a.messages} + {a.pop3_messages} messages ...", flush=True)
        make_maildir(os.path.join(src, "bench", "Maildir"), a.messages, 1)
        make_maildir(os.path.join(src, "pop", "Maildir"), a.pop3_messages, 2)
        open(stamp, "w").close()
    servers = []
    results = {}
    try:
        for cls in (Mailboxd, Dovecot):
            name = cls.__name__.lower()
            work = os.path.join(a.workdir, name)
            shutil.rmtree(work, ignore_errors=True)
            os.makedirs(work)
            os.chmod(work, 0o755)
            shutil.copytree(src, os.path.join(work, "home"), ignore=shutil.ignore_patterns(".made-*"))
            chown_tree(os.path.join(work, "home"))
            srv = cls(name, work, a.cpu)
            srv.start(a.builddir if cls is Mailboxd else root)
            servers.append(srv)
            cold, nbytes = imap_run(srv.imap, "bench")
            warm = [imap_run(srv.imap, "bench")[0] for _ in range(a.runs)]
            popt = [pop3_run(srv.pop3, "pop", a.pop3_messages)[0] for _ in range(a.runs)]
            results[name] = dict(cold=cold, warm=min(warm), pop3=min(popt), bytes=nbytes)
            srv.stop()
    finally:
        for s in servers:
            s.stop()
    m, d = results["mailboxd"], results["dovecot"]
    print(f"\n{'workload':<52} {'mailboxd':>10} {'dovecot':>10} {'ratio':>7}")
    rows = [(f"IMAP SELECT+FETCH 1:* {a.messages} msgs, cold", "cold"),
            (f"IMAP SELECT+FETCH 1:* {a.messages} msgs, warm (best of {a.runs})", "warm"),
            (f"POP3 RETR {a.pop3_messages} msgs (best of {a.runs})", "pop3")]
    for label, k in rows:
        print(f"{label:<52} {m[k]:>9.3f}s {d[k]:>9.3f}s {m[k] / d[k]:>7.2f}")
    print(f"\nFETCH response bytes: mailboxd {m['bytes']}, dovecot {d['bytes']}")
    print("ratio = mailboxd time / dovecot time (below 1.00: mailboxd faster)")


if __name__ == "__main__":
    main()
