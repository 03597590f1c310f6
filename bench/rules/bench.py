#!/usr/bin/env python3
"""bench/rules: addresses per second through rulesets 3,0 of Debian's
default cf, Sendwell's `sendmail -bt` against sendmail 8.17's in the same
run and namespace (not a test; run by hand through run.sh, as root).
Prints both rates, the ratio, and with --callgrind instructions per address.
"""

# How: tests/compat/mc/debian.mc (Debian 12's sendmail.mc, made hermetic)
# is compiled with sendmail's own cf library; its maps are built by the
# real makemap and newaliases.  Both programs run as root in tests/compat's
# private mount+UTS namespace (own /etc/hosts, a resolver nobody answers,
# host name mail.hamap.local), so no lookup waits on the network.  The
# input is N varied addresses (local users, local and remote domains,
# route addresses, %-hacks, bang paths, comments, quoted parts, address
# literals, malformed ones) as "3,0 <address>".  Each program runs it
# --runs times and once with no input; the best time minus the start-up
# time gives the rate.  --callgrind counts instructions (valgrind), which
# the machine's load does not change.
#
# usage: bench.py [--builddir DIR] [--workdir DIR] [--addresses N] [--seed N]
#                 [--runs N] [--cpu N] [--callgrind] [--keep]
import argparse
import os
import random
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SRCDIR = os.path.abspath(os.path.join(HERE, "..", ".."))
HOSTNAME = "mail.hamap.local"


def die(msg):
    print(f"bench/rules: {msg}", file=sys.stderr)
    sys.exit(1)


def reference():
    tool = os.path.join(SRCDIR, "..", "shared", "tools", "ref-sendmail")
    r = subprocess.run(["bash", tool], capture_output=True, text=True)
    if r.returncode != 0:
        die(f"ref-sendmail failed: {r.stderr[-300:]}")
    return dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)


# ---------------------------------------------------------------- input

USERS = ["root", "postmaster", "alice", "bob", "carol", "dave", "eve", "mallory",
         "john.smith", "first.last", "info", "sales", "noreply", "MAILER-DAEMON",
         "abuse", "webmaster", "user+tag", "x", "a_b", "O'Brien"]
LOCAL_DOMAINS = ["localhost", HOSTNAME, "mail", "[127.0.0.1]", "localhost.localdomain"]
REMOTE = ["example.com", "example.org", "mail.example.net", "sub.dept.example.co.uk",
          "gmail.com", "lists.debian.org", "a.b.c.d.e.example", "xn--bcher-kva.example",
          "[192.0.2.1]", "[IPv6:2001:db8::1]", "host", "example.com.", "EXAMPLE.COM"]


def addresses(n, seed=2003):
    """n varied addresses, the same ones every run."""
    rnd = random.Random(seed)
    forms = [
        lambda u, d: u,
        lambda u, d: f"{u}@{d}",
        lambda u, d: f"<{u}@{d}>",
        lambda u, d: f"Some Name <{u}@{d}>",
        lambda u, d: f'"{u.title()} Q. User" <{u}@{d}>',
        lambda u, d: f"{u}@{d} (comment here)",
        lambda u, d: f"<@relay.example:{u}@{d}>",
        lambda u, d: f"<@a.example,@b.example:{u}@{d}>",
        lambda u, d: f"{u}%{d}@{rnd.choice(LOCAL_DOMAINS)}",
        lambda u, d: f"{d.split('.')[0]}!{u}",
        lambda u, d: f"uucphost!{d.split('.')[0]}!{u}",
        lambda u, d: f'"{u} with space"@{d}',
        lambda u, d: f"{u}@{d}.",
        lambda u, d: f"<>",
        lambda u, d: f"{u}@@{d}",
        lambda u, d: f"<{u}@{d}",
        lambda u, d: f"group: {u}@{d}, other@{d};",
        lambda u, d: f"{u}.{u}@[10.0.0.{rnd.randint(1, 254)}]",
    ]
    out = []
    for i in range(n):
        u = rnd.choice(USERS)
        if rnd.random() < 0.3:
            u = f"{u}{rnd.randint(1, 9999)}"
        d = rnd.choice(LOCAL_DOMAINS if rnd.random() < 0.35 else REMOTE)
        if rnd.random() < 0.2:
            d = f"h{rnd.randint(1, 500)}.{d}" if not d.startswith("[") else d
        out.append(rnd.choice(forms)(u, d))
    return out


# ---------------------------------------------------------------- set-up

class Bench:
    def __init__(self, a):
        if os.geteuid() != 0:
            die("needs root (private mount+UTS namespace via unshare)")
        for tool in ("unshare", "m4"):
            if shutil.which(tool) is None:
                die(f"{tool} is not installed")
        self.a = a
        self.ref = reference()
        self.ours = os.path.join(a.builddir, "sendmail", "sendmail")
        if not os.access(self.ours, os.X_OK):
            die(f"{self.ours} is not built")
        self.work = os.path.abspath(a.workdir)
        p = self.work
        while p != "/":
            p = os.path.dirname(p)
            if os.stat(p).st_mode & 0o022 and not os.stat(p).st_mode & 0o1000:
                die(f"{p} is group/world-writable: sendmail refuses files below it (--workdir)")

    def prepare(self):
        w = self.work
        if os.path.isdir(w):
            shutil.rmtree(w)
        os.makedirs(os.path.join(w, "queue"), mode=0o755)
        maps = os.path.join(w, "maps")
        shutil.copytree(os.path.join(SRCDIR, "tests", "compat", "maps"), maps)
        for root, dirs, files in os.walk(w):
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
            for x in files:
                os.chmod(os.path.join(root, x), 0o644)
        os.chmod(w, 0o755)
        with open(os.path.join(w, "hosts"), "w") as f:
            f.write(f"127.0.0.1 localhost\n127.0.0.1 {HOSTNAME} mail\n")
        with open(os.path.join(w, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
        mini = os.path.join(w, "mini.cf")
        with open(mini, "w") as f:
            f.write(f"V10/Berkeley\nO QueueDirectory={w}/queue\n"
                    "Mlocal, P=/bin/true, F=lsm, A=true $u\n")
        for m in ("access", "virtusertable", "mailertable", "genericstable", "domaintable"):
            src = os.path.join(maps, m)
            if os.path.exists(src):
                with open(src) as f:
                    r = subprocess.run([self.ref["REF_MAKEMAP"], "-C", mini, "hash", src], stdin=f,
                                       capture_output=True, text=True)
                if r.returncode != 0:
                    die(f"makemap {m}: {r.stderr}")
        with open(os.path.join(SRCDIR, "tests", "compat", "mc", "debian.mc")) as f:
            mc = f.read().replace("CFDIR", self.ref["REF_CF_DIR"]).replace("MAPDIR", maps)
        with open(os.path.join(w, "debian.mc"), "w") as f:
            f.write(mc)
        r = subprocess.run(["m4", "debian.mc"], capture_output=True, text=True, cwd=w)
        if r.returncode != 0:
            die(f"m4: {r.stderr[-500:]}")
        self.cf = os.path.join(w, "debian.cf")
        with open(self.cf, "w") as f:
            f.write(r.stdout)
        os.chmod(self.cf, 0o644)
        self.ns(self.ref["REF_SENDMAIL"], ["-bi", "-C", self.cf, "-O", f"QueueDirectory={w}/queue"], "")
        self.addrs = addresses(self.a.addresses, self.a.seed)
        self.input = "".join(f"3,0 {x}\n" for x in self.addrs)

    def ns_argv(self, prog, args, pre=()):
        w = self.work
        script = (f"mount --bind {w}/hosts /etc/hosts && "
                  f"mount --bind {w}/resolv.conf /etc/resolv.conf && "
                  f"hostname {HOSTNAME} && exec \"$@\"")
        cpu = ["taskset", "-c", str(self.a.cpu)] if self.a.cpu is not None and shutil.which("taskset") else []
        return cpu + ["unshare", "-mu", "sh", "-c", script, "sh"] + list(pre) + [prog] + list(args)

    def ns(self, prog, args, stdin, pre=()):
        r = subprocess.run(self.ns_argv(prog, args, pre), input=stdin, capture_output=True,
                           text=True, errors="replace", cwd=self.work)
        return r

    def timed(self, prog, stdin):
        argv = self.ns_argv(prog, ["-bt", "-C", self.cf])
        t0 = time.perf_counter()
        r = subprocess.run(argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           text=True, errors="replace", cwd=self.work)
        return time.perf_counter() - t0, r.stdout

    def rate(self, prog):
        """(addresses per second, output of the last run)"""
        base = min(self.timed(prog, "")[0] for _ in range(self.a.runs))
        best, out = None, ""
        for _ in range(self.a.runs):
            t, out = self.timed(prog, self.input)
            best = t if best is None else min(best, t)
        return len(self.addrs) / max(best - base, 1e-9), best, base, out

    def callgrind(self, prog, tag):
        """instructions (Ir) for the input, start-up subtracted"""
        if shutil.which("valgrind") is None:
            return None
        res = []
        for stdin in ("", self.input):
            out = os.path.join(self.work, f"callgrind.{tag}.{len(stdin)}")
            r = self.ns(prog, ["-bt", "-C", self.cf], stdin,
                        pre=("valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"))
            m = re.search(r"Collected : (\d+)", r.stderr)
            if not m:
                return None
            res.append(int(m.group(1)))
        return res[1] - res[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--builddir", default=os.path.join(SRCDIR, "build"))
    ap.add_argument("--workdir", default=None)
    ap.add_argument("--addresses", type=int, default=3000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=2003, help="another set of addresses")
    ap.add_argument("--cpu", type=int, default=None, help="pin both programs to this CPU")
    ap.add_argument("--callgrind", action="store_true", help="also count instructions")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    a = ap.parse_args()
    a.builddir = os.path.abspath(a.builddir)
    a.workdir = a.workdir or os.path.join(a.builddir, "bench-rules")
    b = Bench(a)
    b.prepare()
    print(f"config: tests/compat/mc/debian.mc compiled with {b.ref['REF_CF_DIR']}")
    print(f"input: {len(b.addrs)} addresses through 3,0; best of {a.runs} runs, start-up subtracted")
    r_rate, r_t, r_base, r_out = b.rate(b.ref["REF_SENDMAIL"])
    c_rate, c_t, c_base, c_out = b.rate(b.ours)
    same = r_out == c_out
    print(f"{'':10} {'addr/s':>12} {'run s':>8} {'start s':>8}")
    print(f"{'sendmail':10} {r_rate:12.0f} {r_t:8.3f} {r_base:8.3f}")
    print(f"{'sendwell':10} {c_rate:12.0f} {c_t:8.3f} {c_base:8.3f}")
    print(f"ratio sendwell/sendmail: {c_rate / r_rate:.2f}x (target >= 3x)")
    print(f"outputs identical: {'yes' if same else 'NO'}")
    if not same:
        for tag, out in (("sendmail", r_out), ("sendwell", c_out)):
            with open(os.path.join(b.work, f"out.{tag}"), "w") as f:
                f.write(out)
        print(f"  (both kept in {b.work}/out.*)")
        a.keep = True
    if a.callgrind:
        # valgrind will not run a set-group-id program: a plain copy
        real = os.path.join(b.work, "sendmail.real")
        shutil.copyfile(b.ref["REF_SENDMAIL"], real)
        os.chmod(real, 0o755)
        ri = b.callgrind(real, "sendmail")
        ci = b.callgrind(b.ours, "sendwell")
        if ri and ci:
            print(f"instructions per address: sendmail {ri / len(b.addrs):.0f}, "
                  f"sendwell {ci / len(b.addrs):.0f}, ratio {ri / ci:.2f}x")
        else:
            print("callgrind: not available")
    if not a.keep:
        shutil.rmtree(b.work, ignore_errors=True)


if __name__ == "__main__":
    main()
