#!/usr/bin/env python3
"""bench/smtp: Sendwell's MTA against the real sendmail 8.17 in the same
run (not a test): accept-to-mailbox throughput of MESSAGES messages of
4 KiB sent over 10 and then 50 concurrent SMTP sessions.

Both MTAs get the same .mc (each compiled with its own cf library), the
same durability (SuperSafe=True: data and control file fsynced before the
250) and the same local delivery agent (Sendwell's mail.local over LMTP
into Maildirs on the same file system), DeliveryMode=background, on
loopback.  The real sendmail comes from shared/tools/ref-sendmail (an
unpacked Debian build) and runs in a UTS namespace whose host name is
qualified.  A message counts when its file is in the Maildir; the clock
runs from the first connection to the last message in the mailbox.

fsyncs per message are counted with `strace -f -y -e trace=fsync,fdatasync`
attached to each daemon for a smaller end-to-end run (--strace-messages),
split by the file synced: the queue (data file, control file, queue
directory: the accept path, plus any control file rewrite) or the
mailbox (mail.local's Maildir file and folder).

usage: bench.py [--builddir DIR] [--workdir DIR] [--messages N]
                [--strace-messages N] [--sessions 10,50] [--only ours|ref]
Needs root (the daemons bind and drop privileges).  Prints messages/s per
MTA and session count, the ratio ours/sendmail, and fsyncs per message.
"""
import argparse
import multiprocessing
import os
import shutil
import signal
import smtplib
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
HOST = "mail.bench.example"
BODY = ("x" * 76 + "\r\n") * 52          # 4,056 bytes of body


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ref_paths():
    tool = os.path.join(SRC, "..", "shared", "tools", "ref-sendmail")
    r = subprocess.run(["bash", tool], capture_output=True, text=True)
    if r.returncode != 0:
        return None
    return dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)


class Mta:
    def __init__(self, name, tag, work, cfdir, binary, mail_local, deliver_mode="b"):
        self.name = name
        self.bin = binary
        # a folder of its own per run, all removed at the end: removing
        # a run's thousands of files just before the next run would make
        # ext4 step over the freshly freed inodes at every file the next
        # run creates, slowing whichever MTA happens to run next
        self.dir = os.path.join(work, f"{name}-{tag}")
        shutil.rmtree(self.dir, ignore_errors=True)
        self.q = os.path.join(self.dir, "mq")
        self.mail = os.path.join(self.dir, "mail")
        os.makedirs(self.q, mode=0o700)
        os.makedirs(self.mail)
        os.chmod(self.dir, 0o755)
        os.chmod(self.mail, 0o1777)
        self.port = free_port()
        with open(os.path.join(self.dir, "aliases"), "w") as f:
            f.write("postmaster: root\n")
        # host names from /etc/hosts only: the bench measures the MTAs,
        # not the resolver (a burst of $[ $] lookups overruns it)
        with open(os.path.join(self.dir, "service.switch"), "w") as f:
            f.write("hosts\tfiles\naliases\tfiles\n")
        mc = [
            f"include(`{cfdir}/m4/cf.m4')dnl",
            "OSTYPE(`linux')dnl",
            f"define(`confDOMAIN_NAME', `{HOST}')dnl",
            f"define(`QUEUE_DIR', `{self.q}')dnl",
            f"define(`ALIAS_FILE', `{self.dir}/aliases')dnl",
            f"define(`confPID_FILE', `{self.dir}/pid')dnl",
            "define(`confDONT_PROBE_INTERFACES', `true')dnl",
            f"define(`confSERVICE_SWITCH_FILE', `{self.dir}/service.switch')dnl",
            "define(`confSAFE_QUEUE', `True')dnl",
            f"define(`confDELIVERY_MODE', `{deliver_mode}')dnl",
            "define(`confMAX_DAEMON_CHILDREN', `0')dnl",
            "define(`confCONNECTION_RATE_THROTTLE', `0')dnl",
            "define(`confQUEUE_LA', `100000')dnl",
            "define(`confREFUSE_LA', `100000')dnl",
            "define(`confDELAY_LA', `100000')dnl",
            "define(`confTO_IDENT', `0')dnl",
            "FEATURE(`no_default_msa')dnl",
            "FEATURE(`accept_unresolvable_domains')dnl",
            f"DAEMON_OPTIONS(`Port={self.port}, Addr=127.0.0.1, Name=MTA, Listen=256')dnl",
            f"FEATURE(`local_lmtp', `{mail_local}', `mail.local -l -M maildir:{self.mail}/%u')dnl",
            "MAILER(`local')dnl", "MAILER(`smtp')dnl",
        ]
        with open(os.path.join(self.dir, "s.mc"), "w") as f:
            f.write("\n".join(mc) + "\n")
        self.cf = os.path.join(self.dir, "s.cf")
        with open(self.cf, "w") as f:
            f.write(subprocess.run(["m4", os.path.join(self.dir, "s.mc")], capture_output=True,
                                   text=True, check=True).stdout)
        self.run("-bi")
        self.proc = None

    def cmd(self, *args):
        return ["unshare", "-u", "sh", "-c", f'hostname {HOST} && exec "$@"', "sh",
                self.bin, "-C", self.cf, *args]

    def run(self, *args):
        return subprocess.run(self.cmd(*args), capture_output=True, text=True)

    def start(self):
        # a port found free may be taken by someone else before we bind
        # it (other test runs share the machine): then try another
        for _ in range(5):
            self.proc = subprocess.Popen(self.cmd("-bD"), stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
            deadline = time.time() + 15
            while time.time() < deadline:
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                        if s.recv(100).startswith(b"220 " + HOST.encode()):
                            return
                except OSError:
                    pass
                time.sleep(0.05)
            self.stop()
            old = self.port
            self.port = free_port()
            for name in ("s.mc", "s.cf"):
                path = os.path.join(self.dir, name)
                with open(path) as f:
                    text = f.read()
                with open(path, "w") as f:
                    f.write(text.replace(f"Port={old},", f"Port={self.port},"))
        raise RuntimeError(f"{self.name} did not start")

    def master_pid(self):
        # the process that -bD became inside unshare (sh execs it)
        return self.proc.pid

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    def delivered(self):
        d = os.path.join(self.mail, "root", "new")
        try:
            return len(os.listdir(d))
        except OSError:
            return 0

    def queued(self):
        return sum(1 for f in os.listdir(self.q) if f.startswith("qf"))


def client(args):
    port, n, start_at = args
    while time.time() < start_at:
        time.sleep(0.001)
    c = smtplib.SMTP("127.0.0.1", port, timeout=600)
    c.ehlo("bench.client")
    for i in range(n):
        msg = (f"From: bench@client.example\r\nTo: root@{HOST}\r\nSubject: bench {i}\r\n"
               f"Message-Id: <b{os.getpid()}.{i}@client.example>\r\n\r\n" + BODY)
        c.sendmail("bench@client.example", [f"root@{HOST}"], msg)
    c.quit()
    return n


def load(mta, messages, sessions, wait_for):
    per = [messages // sessions + (1 if i < messages % sessions else 0) for i in range(sessions)]
    start_at = time.time() + 0.5
    with multiprocessing.Pool(sessions) as pool:
        t0 = start_at
        res = pool.map_async(client, [(mta.port, n, start_at) for n in per])
        res.get(timeout=3600)
        t_accept = time.time() - t0
        deadline = time.time() + 1800
        while wait_for(mta) < messages and time.time() < deadline:
            time.sleep(0.02)
        t_done = time.time() - t0
    return t_accept, t_done


def strace_fsyncs(mta, messages):
    """fsync+fdatasync calls of the daemon and every process below it
    during an end-to-end run, split by what was synced: the queue (data
    and control files, the queue directory) or the mailboxes (mail.local)."""
    out = os.path.join(mta.dir, "strace.txt")
    st = subprocess.Popen(["strace", "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync", "-o", out,
                           "-p", str(mta.master_pid())], stderr=subprocess.DEVNULL)
    time.sleep(1.0)
    load(mta, messages, 10, lambda m: m.delivered())
    time.sleep(1.0)
    st.send_signal(signal.SIGINT)
    st.wait(timeout=60)
    queue = mailbox = other = 0
    with open(out) as f:
        for line in f:
            if "fsync(" not in line and "fdatasync(" not in line:
                continue
            if mta.q in line:
                queue += 1
            elif mta.mail in line:
                mailbox += 1
            else:
                other += 1
    return queue / messages, mailbox / messages, other / messages


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--builddir", default=os.environ.get("SW_BUILDDIR", os.path.join(SRC, "build")))
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--strace-messages", type=int, default=500)
    ap.add_argument("--sessions", default="10,50")
    ap.add_argument("--only", choices=["ours", "ref"], default=None)
    a = ap.parse_args()
    if os.geteuid() != 0:
        sys.exit("bench/smtp: run as root")
    build = os.path.abspath(a.builddir)
    work = os.path.abspath(a.workdir or os.path.join(build, "bench-smtp"))
    os.makedirs(work, exist_ok=True)
    os.chmod(work, 0o755)
    try:
        run(a, build, work)
    finally:
        for d in os.listdir(work):
            shutil.rmtree(os.path.join(work, d), ignore_errors=True)


def run(a, build, work):
    mail_local = os.path.join(build, "mailboxd", "mail.local")
    kinds = []
    if a.only != "ref":
        kinds.append(("ours", os.path.join(SRC, "cf"), os.path.join(build, "sendmail", "sendmail")))
    if a.only != "ours":
        ref = ref_paths()
        if ref is None:
            print("REFERENCE SENDMAIL UNAVAILABLE: only Sendwell is measured")
        else:
            kinds.append(("sendmail", ref["REF_CF_DIR"], ref["REF_SENDMAIL"]))
    sessions = [int(x) for x in a.sessions.split(",")]
    results = {}
    fsyncs = {}
    # interleaved (ours, sendmail, ours, ...) so that a change in the
    # machine's load hits both alike
    for s in sessions:
        for name, cfdir, binary in kinds:
            mta = Mta(name, f"{s}", work, cfdir, binary, mail_local)
            mta.start()
            try:
                ta, td = load(mta, a.messages, s, lambda m: m.delivered())
            finally:
                mta.stop()
            results[(name, s)] = (a.messages / td, a.messages / ta, mta.queued())
            print(f"{name:9s} {s:3d} sessions: {a.messages / td:8.1f} msg/s to mailbox "
                  f"({td:6.1f}s), accepted at {a.messages / ta:8.1f} msg/s; left queued "
                  f"{mta.queued()}", flush=True)
    for name, cfdir, binary in kinds:
        if shutil.which("strace") and a.strace_messages > 0:
            mta = Mta(name, "strace", work, cfdir, binary, mail_local)
            mta.start()
            try:
                fsyncs[name] = strace_fsyncs(mta, a.strace_messages)
            finally:
                mta.stop()
            qf, mb, ot = fsyncs[name]
            print(f"{name:9s} fsyncs per message: queue {qf:.2f}, mailbox {mb:.2f}, other {ot:.2f}",
                  flush=True)
    print()
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (other work on the machine "
          "slows both alike only roughly)")
    print(f"{'':9s} " + " ".join(f"{s:>4d} sessions msg/s" for s in sessions))
    for name, _, _ in kinds:
        print(f"{name:9s} " + " ".join(f"{results[(name, s)][0]:>18.1f}" for s in sessions))
    if len(kinds) == 2:
        for s in sessions:
            r = results[("ours", s)][0] / results[("sendmail", s)][0]
            print(f"ratio ours/sendmail at {s} sessions: {r:.2f}x (target >= 2x)")
    for name, (qf, mb, ot) in sorted(fsyncs.items()):
        print(f"fsyncs per message {name:9s} queue {qf:.2f} (accept path and queue updates), "
              f"mailbox {mb:.2f} (mail.local), other {ot:.2f}")

if __name__ == "__main__":
    main()
