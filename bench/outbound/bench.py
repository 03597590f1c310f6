#!/usr/bin/env python3
"""bench/outbound: Sendwell's queue runner against the real sendmail 8.17
delivering the same queue to the same sink, in one run (not a test).

Each MTA gets N queued messages of about 4 KiB (submitted with its own
`sendmail -odq`, not timed), all for remote recipients that SMART_HOST
sends to Postfix's smtp-sink on 127.0.0.2 (Debian's postfix package,
unpacked into a cache by tests/integration/lab_postfix.py, never
installed).  The timed part is one queue run that empties the queue, in the
foreground for both (`sendmail -q` here, `sendmail -qf` for 8.17, whose
plain -q would go on in the background).
Both run as root, in a private UTS+mount namespace with a hosts file
naming the machine (as tests/compat does), with their default
connection cache.  The real sendmail comes from shared/tools/ref-sendmail.

usage: bench.py [--builddir DIR] [--messages N] [--runs N] [--cpu N]
Prints messages/s for each and the ratio Sendwell/sendmail (above 1.0
means Sendwell was faster).  Needs root.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "integration"))

SINK_IP = "127.0.0.2"
HOSTNAME = "mail.bench.lab"


def free_port(ip):
    with socket.socket() as s:
        s.bind((ip, 0))
        return s.getsockname()[1]


def body_4k(i):
    line = "The quick brown fox jumps over the lazy dog, message %06d.\n" % i
    return line * (4096 // len(line))


class Side:
    """One MTA under test: its folder, its .cf, how to run it."""

    def __init__(self, name, work, binary, cf_dir, port, extra_mc, cpu, qflag="-q"):
        self.qflag = qflag
        self.name = name
        self.dir = os.path.join(work, name)
        self.queue = os.path.join(self.dir, "mq")
        os.makedirs(self.queue)
        os.chmod(self.dir, 0o755)
        os.chmod(self.queue, 0o700)
        self.bin = binary
        self.cpu = cpu
        with open(os.path.join(self.dir, "aliases"), "w") as f:
            f.write("postmaster: root\n")
        with open(os.path.join(self.dir, "hosts"), "w") as f:
            # the recipients' domain resolves from the file: no DNS in the timing
            f.write(f"127.0.0.1\tlocalhost\n127.0.0.1\t{HOSTNAME} bench.lab\n"
                    f"{SINK_IP}\tfar.example\n")
        # a name server that refuses at once: nothing waits on DNS
        with open(os.path.join(self.dir, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
        mc = [f"include(`{cf_dir}/m4/cf.m4')dnl", "OSTYPE(`linux')dnl",
              f"define(`confDOMAIN_NAME', `{HOSTNAME}')dnl",
              f"define(`QUEUE_DIR', `{self.queue}')dnl",
              f"define(`ALIAS_FILE', `{self.dir}/aliases')dnl",
              f"define(`confPID_FILE', `{self.dir}/pid')dnl",
              f"define(`STATUS_FILE', `{self.dir}/statistics')dnl",
              "define(`confDONT_PROBE_INTERFACES', `true')dnl",
              "define(`confTO_IDENT', `0')dnl",
              f"define(`SMART_HOST', `[{SINK_IP}]')dnl",
              f"define(`RELAY_MAILER_ARGS', `TCP $h {port}')dnl",
              f"define(`ESMTP_MAILER_ARGS', `TCP $h {port}')dnl",
              "FEATURE(`no_default_msa')dnl"] + extra_mc + \
             ["MAILER(`local')dnl", "MAILER(`smtp')dnl"]
        with open(os.path.join(self.dir, "sendmail.mc"), "w") as f:
            f.write("\n".join(mc) + "\n")
        r = subprocess.run(["m4", os.path.join(self.dir, "sendmail.mc")], capture_output=True,
                           text=True, check=True)
        self.cf = os.path.join(self.dir, "sendmail.cf")
        with open(self.cf, "w") as f:
            f.write(r.stdout)
        self.env = dict(os.environ, SENDWELL_LOG_FILE=os.path.join(self.dir, "maillog"))
        self.run(["-bi"])

    def argv(self, args):
        script = (f"hostname {HOSTNAME} && mount --bind {self.dir}/hosts /etc/hosts && "
                  f"mount --bind {self.dir}/resolv.conf /etc/resolv.conf && exec \"$@\"")
        pin = ["taskset", "-c", str(self.cpu)] if self.cpu is not None else []
        return ["unshare", "-mu", "sh", "-c", script, "sh", *pin, self.bin, "-C", self.cf, *args]

    def run(self, args, input=None):
        return subprocess.run(self.argv(args), input=input, capture_output=True, text=True,
                              env=self.env)

    def fill(self, n):
        """n messages through one long-lived shell: `sendmail -odq` each."""
        script = os.path.join(self.dir, "fill.sh")
        with open(script, "w") as f:
            f.write("#!/bin/sh\nset -e\n")
            for i in range(n):
                msg = (f"From: bench@{HOSTNAME}\nTo: user{i % 50}@far.example\n"
                       f"Subject: bench {i}\n\n{body_4k(i)}")
                f.write(f"\"$@\" -odq -f bench@{HOSTNAME} user{i % 50}@far.example <<'EOM'\n"
                        f"{msg}EOM\n")
        script_ns = (f"hostname {HOSTNAME} && mount --bind {self.dir}/hosts /etc/hosts && "
                     f"mount --bind {self.dir}/resolv.conf /etc/resolv.conf && "
                     f"exec sh {script} \"$@\"")
        r = subprocess.run(["unshare", "-mu", "sh", "-c", script_ns, "sh", self.bin, "-C",
                            self.cf], capture_output=True, text=True, env=self.env)
        if r.returncode != 0:
            raise SystemExit(f"{self.name}: queueing failed: {r.stderr[-500:]}")

    def queued(self):
        return len([f for f in os.listdir(self.queue) if f.startswith("qf")])

    def drain(self):
        # the queue files were just fsynced: let the file system settle
        # so that neither side pays for the other's writeback
        os.sync()
        time.sleep(2)
        t0 = time.perf_counter()
        r = self.run([self.qflag])
        dt = time.perf_counter() - t0
        left = self.queued()
        if r.returncode != 0 or left:
            print(f"{self.name}: -q rc={r.returncode}, {left} left: {r.stderr[-300:]}")
        return dt, left


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--builddir", default=os.path.join(SRC, "build"))
    ap.add_argument("--messages", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--cpu", type=int, default=None, help="pin both MTAs to this CPU")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("bench/outbound needs root")
    os.environ.setdefault("SW_BUILDDIR", os.path.abspath(a.builddir))
    os.environ.setdefault("SW_SRCDIR", SRC)
    from lab_postfix import smtp_sink
    from lab_refsendmail import ref_paths
    sink_bin, sink_env = smtp_sink()
    ref = ref_paths()
    ours_bin = os.path.join(os.path.abspath(a.builddir), "sendmail", "sendmail")
    work = tempfile.mkdtemp(prefix="bench-outbound.", dir=os.path.abspath(a.builddir))
    os.chmod(work, 0o755)
    port = free_port(SINK_IP)
    # smtp-sink: accept everything, as fast as it can; -u: drop to postfix
    sink = subprocess.Popen([sink_bin, "-u", "postfix", f"{SINK_IP}:{port}", "512"],
                            env=sink_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(0.3)
    if sink.poll() is not None:
        raise SystemExit("smtp-sink did not start: " + sink.stderr.read().decode())
    results = {"sendwell": [], "sendmail": []}
    try:
        for run in range(a.runs):
            sides = [Side("sendwell", os.path.join(work, f"r{run}"), ours_bin,
                          os.path.join(SRC, "cf"), port, [], a.cpu),
                     Side("sendmail", os.path.join(work, f"r{run}"), ref["REF_SENDMAIL"],
                          ref["REF_CF_DIR"], port, [], a.cpu, qflag="-qf")]
            for s in sides:
                t0 = time.perf_counter()
                s.fill(a.messages)
                print(f"run {run + 1}: {s.name}: queued {s.queued()} messages "
                      f"in {time.perf_counter() - t0:.1f}s")
            for s in sides:
                dt, left = s.drain()
                rate = (a.messages - left) / dt
                results[s.name].append(rate)
                print(f"run {run + 1}: {s.name}: delivered {a.messages - left} in {dt:.2f}s "
                      f"= {rate:.0f} messages/s")
    finally:
        sink.terminate()
        sink.wait()
        if a.keep:
            print("work folder kept:", work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    ours = max(results["sendwell"])
    theirs = max(results["sendmail"])
    print(f"\nbest of {a.runs}: Sendwell {ours:.0f} msg/s, sendmail 8.17 {theirs:.0f} msg/s, "
          f"ratio {ours / theirs:.2f}x")


if __name__ == "__main__":
    main()
