#!/usr/bin/env python3
"""smtpdiff: differential SMTP dialogue tests against sendmail 8.17.

Both daemons, the real sendmail and ours (`sendmail -bD`), run on one
sendmail.cf built with sendmail's own cf library from a small .mc fragment
(smtp-mc/NAME.mc), each in its own folder, inside a private mount, UTS,
network and pid namespace: hostname mail.hamap.local, an /etc/hosts that
names 127.0.0.1 and 127.0.0.2 (client.example.net, the "outside" client),
a resolver nobody answers, and a /dev/log whose lines are caught.  Scripted
sessions (smtp-sessions/*.txt) are replayed against both, from 127.0.0.1
or 127.0.0.2, and the normalised transcripts (and, where a session asks,
the log lines it caused) must be equal.

The namespace side is this same file run as `smtpdiff.py --serve`: it
reads one JSON request a line on stdin and answers one JSON line on
stdout.  test_smtp_compat.py drives it; by hand:

    python3 tests/compat/smtpdiff.py [-v] [-b] [SESSION-FILE-OR-GLOB ...]
(-v: print the transcript of sessions that agree too; -b: print both)

Session files: header lines `# what:`, `# config: NAME` (default: base),
`# from: IP` (default 127.0.0.1), `# log: REGEX` (compare the log lines
matching REGEX), then one client line each; directives start with `!`:
    !data            send a small message and the final dot, read a reply
    !pipeline ... !end   send the lines between in one write, read one
                     reply per line (a DATA line's message follows !data)
    !raw TEXT        send TEXT with Python escapes (\\r\\n not added)
    !early TEXT      (first lines only) sent before the greeting is read
    !read            read one reply
    !close           close the connection without QUIT
"""
import fnmatch
import glob
import json
import os
import re
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
MC_DIR = os.path.join(HERE, "smtp-mc")
SESSION_DIR = os.path.join(HERE, "smtp-sessions")
HOSTNAME = "mail.hamap.local"
PORTS = {"real": 2525, "ours": 2526}
ROOT = "/srv"
# client addresses besides 127.0.0.1 (localhost), with their names
CLIENTS = {"127.0.0.2": "client.example.net", "127.0.0.3": "tempfail.example.net",
           "127.0.0.4": "discard.example.net", "127.0.0.5": "friend.example.net",
           "127.0.0.6": "error.example.net", "127.0.0.7": "spam.example.org"}
REPLY_TIMEOUT = 20
SETTLE_TIMEOUT = 30
MESSAGE = b"Subject: smtpdiff\r\nFrom: <a@hamap.local>\r\n\r\nbody line\r\n.\r\n"
DEFAULT_ALIASES = ("postmaster: root\nmailer-daemon: postmaster\nlist: root, daemon\n"
                   "badlist: root, nosuchuser\nnested: list, bin\nabuse: :include:@D@/abuse.list\n")
DEFAULT_HELP = ("#vers\t2\n"
                "cpyr\tsmtpdiff test help ($v)\n"
                "smtp\tCommands:\n"
                "smtp\t\tHELO EHLO MAIL RCPT DATA\n"
                "smtp\tFor more, HELP topic.  Host $j.\n"
                "smtp-helo\tHELO <hostname>\n"
                "smtp-helo\t\tIntroduce yourself.\n"
                "smtp-mail\tMAIL FROM:<sender> [ <parameters> ]\n"
                "smtp-mail\t\tStarts a transaction.\n"
                "smtp-rcpt\tRCPT TO:<recipient>\n"
                "smtp-rset\tRSET resets.\n")


class Unavailable(Exception):
    """The reference sendmail or what the runs need cannot be had."""


# ------------------------------------------------------------ pytest side

def reference():
    """REF_SENDMAIL/REF_MAKEMAP/REF_CF_DIR from the environment, else from
    shared/tools/ref-sendmail next to the source tree."""
    keys = ("REF_SENDMAIL", "REF_MAKEMAP", "REF_CF_DIR")
    ref = {k: os.environ[k] for k in keys if os.environ.get(k)}
    if len(ref) < len(keys):
        from swpaths import SRCDIR
        tool = os.path.join(SRCDIR, "..", "shared", "tools", "ref-sendmail")
        if not os.path.exists(tool):
            raise Unavailable(f"reference fetcher {tool} not found")
        r = subprocess.run(["bash", tool], capture_output=True, text=True)
        if r.returncode != 0:
            raise Unavailable(f"ref-sendmail failed (exit {r.returncode}): {r.stderr.strip()[-300:]}")
        ref = dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)
        ref = {k: v.strip("'\"") for k, v in ref.items()}
    for k in keys:
        if not os.path.exists(ref.get(k, "")):
            raise Unavailable(f"no usable {k}")
    return {k: ref[k] for k in keys}


def check_host():
    if os.geteuid() != 0:
        raise Unavailable("needs root (private namespaces via unshare)")
    for tool in ("unshare", "m4", "ip"):
        if shutil.which(tool) is None:
            raise Unavailable(f"{tool} is not installed")


def read_session(path):
    """A session file: its header fields and its lines."""
    s = {"name": os.path.basename(path)[:-4], "what": "", "config": "base",
         "from": "127.0.0.1", "log": [], "lines": []}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        m = re.match(r"#\s*(what|config|from|log):\s*(.*)$", line)
        if m:
            if m.group(1) == "log":
                s["log"].append(m.group(2))
            else:
                s[m.group(1)] = m.group(2).strip()
        elif line.startswith("#") or not line.strip():
            continue
        else:
            s["lines"].append(line)
    return s


def list_sessions():
    return sorted(glob.glob(os.path.join(SESSION_DIR, "*.txt")))


def load_known():
    """Entries of known-differences.txt whose cell is `smtp`:
    `config-glob | smtp | session-name-regex | reason`."""
    out = []
    path = os.path.join(HERE, "known-differences.txt")
    if os.path.exists(path):
        for line in open(path):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.rstrip("\n").split("|", 3)]
            if len(parts) == 4 and parts[1] == "smtp":
                out.append((parts[0], re.compile(parts[2]), parts[3]))
    return out


def known_reason(known, session):
    for cg, rx, reason in known:
        if fnmatch.fnmatch(session["config"], cg) and rx.search(session["name"]):
            return reason
    return None


class Harness:
    """The namespace server: start(config) sets both daemons up for a
    config, run(session) replays one session on both."""

    def __init__(self, builddir):
        check_host()
        self.ref = reference()
        self.builddir = builddir
        self.config = None
        self.proc = None

    def _spawn(self):
        if self.proc and self.proc.poll() is None:
            return
        argv = ["unshare", "-m", "-u", "-n", "-p", "-f", "--mount-proc",
                sys.executable, os.path.abspath(__file__), "--serve"]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1)
        self.config = None

    def _ask(self, req):
        self._spawn()
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            self.proc.wait()
            self.proc = None
            raise RuntimeError("smtpdiff server died")
        ans = json.loads(line)
        if "error" in ans:
            raise RuntimeError(ans["error"])
        return ans

    def start(self, config):
        if self.config == config and self.proc and self.proc.poll() is None:
            return
        mc = open(os.path.join(MC_DIR, config + ".mc")).read()
        self._ask({"op": "start", "config": config, "mc": mc, "ref": self.ref,
                   "build": self.builddir})
        self.config = config

    def run(self, session):
        self.start(session["config"])
        return self._ask({"op": "session", "from": session["from"], "lines": session["lines"],
                          "log": session["log"]})

    def close(self):
        if self.proc and self.proc.poll() is None:
            try:
                self._ask({"op": "quit"})
            except (RuntimeError, OSError, ValueError):
                pass
            self.proc.stdin.close()
            self.proc.wait(timeout=30)
        self.proc = None


def compare(ans):
    """(equal, text of the difference) for one server answer."""
    import difflib
    a, b = ans["real"], ans["ours"]
    out = []
    if a != b:
        out += difflib.unified_diff(a.splitlines(), b.splitlines(), "real", "ours",
                                    lineterm="", n=30)
    la, lb = ans.get("real_log"), ans.get("ours_log")
    if la is not None and la != lb:
        out.append("--- log lines differ")
        out += difflib.unified_diff(la.splitlines(), (lb or "").splitlines(), "real log",
                                    "ours log", lineterm="", n=10)
    return not out, "\n".join(out)


# ------------------------------------------------------------ namespace side

def normalise(t):
    t = re.sub(r"\b[0-9A-Za-z]{8}\d{6}\b", "<qid>", t)
    t = re.sub(r"\w{3}, ?\d+ \w{3} \d{4} \d\d:\d\d:\d\d( [+-]\d{4}| [A-Z]{1,5})?( \(\w+\))?",
               "<date>", t)
    t = re.sub(r"Sendmail [\w.+-]+/[\w.+-]+", "Sendmail <version>", t)
    t = re.sub(r"\b8\.17\.\d+(\.\d+)?(/Debian-\S+)?\b", "<version>", t)
    t = re.sub(r"\bpid=\d+", "pid=<pid>", t)
    t = re.sub(r"\[127\.0\.0\.2\] \(may be forged\)", "[127.0.0.2]", t)
    t = re.sub(r"/srv/(real|ours)/", "<dir>/", t)
    return t


def log_body(line):
    """A log line without its syslog or file prefix."""
    m = re.search(r"\]: (.*)$", line)
    return normalise(m.group(1) if m else line)


class Server:
    def __init__(self):
        self.work = None
        self.procs = {}
        self.syslog = None

    # -- the namespace: loopback, names, /dev with a syslog catcher
    def setup_namespace(self, work):
        self.work = work
        subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
        subprocess.run(["hostname", HOSTNAME], check=True)
        with open(f"{work}/hosts", "w") as f:
            f.write(f"127.0.0.1 localhost\n127.0.0.1 {HOSTNAME} mail\n")
            for ip, name in CLIENTS.items():
                f.write(f"{ip} {name}\n")
        with open(f"{work}/resolv.conf", "w") as f:
            f.write("nameserver 127.0.0.53\noptions timeout:1 attempts:1\n")
        subprocess.run(["mount", "--bind", f"{work}/hosts", "/etc/hosts"], check=True)
        subprocess.run(["mount", "--bind", f"{work}/resolv.conf", "/etc/resolv.conf"], check=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/dev"], check=True)
        for name, major, minor in (("null", 1, 3), ("zero", 1, 5), ("random", 1, 8),
                                   ("urandom", 1, 9), ("tty", 5, 0)):
            os.mknod("/dev/" + name, 0o666 | stat.S_IFCHR, os.makedev(major, minor))
            os.chmod("/dev/" + name, 0o666)
        for name, target in (("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"),
                             ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")):
            os.symlink(target, "/dev/" + name)
        os.makedirs("/dev/shm", mode=0o1777)
        self.syslog = os.path.join(work, "syslog")
        open(self.syslog, "w").close()
        u = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        u.bind("/dev/log")
        os.chmod("/dev/log", 0o666)

        def catch():
            with open(self.syslog, "a") as out:
                while True:
                    out.write(u.recv(65536).decode(errors="replace").rstrip("\n") + "\n")
                    out.flush()
        threading.Thread(target=catch, daemon=True).start()

    def stop_daemons(self):
        for p in self.procs.values():
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.procs = {}
        self.settle()

    def side_files(self, d, mc):
        """Default files of a side, then the fragment's `dnl #file` lines."""
        files = {"aliases": DEFAULT_ALIASES, "local-host-names": f"{HOSTNAME}\nhamap.local\n",
                 "helpfile": DEFAULT_HELP, "abuse.list": "root\n"}
        given = {}
        maps = {}
        for line in mc.splitlines():
            m = re.match(r"dnl #(file|map) (\S+) ?(.*)$", line)
            if not m:
                continue
            text = m.group(3).encode().decode("unicode_escape")
            text = text + "\n" if text else ""
            if m.group(1) == "file":
                given[m.group(2)] = given.get(m.group(2), "") + text
            else:
                maps[m.group(2)] = maps.get(m.group(2), "") + text
        files.update(given)
        for name, text in files.items():
            with open(f"{d}/{name}", "w") as f:
                f.write(text.replace("@D@", d))
        return maps

    def start(self, req):
        self.stop_daemons()
        ref, build = req["ref"], req["build"]
        sides = {"real": (ref["REF_SENDMAIL"], ref["REF_MAKEMAP"]),
                 "ours": (build + "/sendmail/sendmail", build + "/makemap/makemap")}
        for side, (binp, makemap) in sides.items():
            d = f"{ROOT}/{side}"
            shutil.rmtree(d, ignore_errors=True)
            os.makedirs(d + "/mq", mode=0o700)
            os.chmod(d, 0o755)
            maps = self.side_files(d, req["mc"])
            mc = (f"include(`{ref['REF_CF_DIR']}/m4/cf.m4')dnl\n"
                  "OSTYPE(`linux')dnl\n"
                  f"define(`confDOMAIN_NAME', `{HOSTNAME}')dnl\n"
                  f"define(`QUEUE_DIR', `{d}/mq')dnl\n"
                  f"define(`ALIAS_FILE', `{d}/aliases')dnl\n"
                  f"define(`confPID_FILE', `{d}/sendmail.pid')dnl\n"
                  f"define(`confCW_FILE', `{d}/local-host-names')dnl\n"
                  f"define(`STATUS_FILE', `{d}/statistics')dnl\n"
                  f"define(`HELP_FILE', `{d}/helpfile')dnl\n"
                  "define(`confDONT_PROBE_INTERFACES', `true')dnl\n"
                  "define(`confTO_IDENT', `0')dnl\n"
                  "define(`confDELIVERY_MODE', `queue')dnl\n"
                  # the test machine may be busy: no load-average refusals
                  "define(`confREFUSE_LA', `1000')dnl\n"
                  "define(`confQUEUE_LA', `1000')dnl\n"
                  "define(`confDELAY_LA', `0')dnl\n"
                  "FEATURE(`use_cw_file')dnl\n"
                  "FEATURE(`no_default_msa')dnl\n"
                  f"DAEMON_OPTIONS(`Port={PORTS[side]}, Addr=127.0.0.1, Name=MTA')dnl\n"
                  + req["mc"].replace("@D@", d)
                  + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n")
            with open(f"{d}/sendmail.mc", "w") as f:
                f.write(mc)
            r = subprocess.run(["m4", f"{d}/sendmail.mc"], capture_output=True, text=True)
            if r.returncode != 0:
                raise RuntimeError(f"m4 failed: {r.stderr[-500:]}")
            with open(f"{d}/sendmail.cf", "w") as f:
                f.write(r.stdout)
            for name, text in maps.items():
                r = subprocess.run([makemap, "-C", f"{d}/sendmail.cf", "hash", f"{d}/{name}"],
                                   input=text.replace("@D@", d), text=True, capture_output=True)
                if r.returncode != 0:
                    raise RuntimeError(f"{makemap} {name}: {r.stderr[-300:]}")
            subprocess.run([binp, "-C", f"{d}/sendmail.cf", "-bi"], capture_output=True)
            env = dict(os.environ, SENDWELL_LOG_FILE=f"{d}/maillog")
            open(f"{d}/maillog", "w").close()
            self.procs[side] = subprocess.Popen([binp, "-C", f"{d}/sendmail.cf", "-bD"],
                                                stdout=open(f"{d}/out", "w"),
                                                stderr=subprocess.STDOUT, env=env,
                                                stdin=subprocess.DEVNULL)
        for side, port in PORTS.items():
            deadline = time.time() + 30
            while True:
                try:
                    # a whole session, so the daemon's child has surely
                    # been forked when settle() looks for it
                    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                        s.makefile("rb").readline()
                        s.sendall(b"QUIT\r\n")
                        s.makefile("rb").readline()
                    break
                except OSError:
                    if self.procs[side].poll() is not None or time.time() > deadline:
                        out = open(f"{ROOT}/{side}/out").read()
                        raise RuntimeError(f"{side} daemon did not listen: {out[-500:]}")
                    time.sleep(0.1)
        self.settle()
        return {"ok": True}

    def children(self):
        """pids whose parent is one of the daemons."""
        masters = {p.pid for p in self.procs.values() if p.poll() is None}
        out = []
        for ent in os.listdir("/proc"):
            if not ent.isdigit():
                continue
            try:
                fields = open(f"/proc/{ent}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) in masters and fields[0] != "Z":
                out.append(int(ent))
        return out

    def settle(self):
        """Wait (bounded) until no session or delivery child is left, so
        every log line of the last session has been written."""
        deadline = time.time() + SETTLE_TIMEOUT
        while self.children() and time.time() < deadline:
            time.sleep(0.05)

    @staticmethod
    def talk(port, src, lines):
        s = socket.create_connection(("127.0.0.1", port), timeout=REPLY_TIMEOUT,
                                     source_address=(src, 0))
        f = s.makefile("rb")
        out = []

        def reply():
            while True:
                try:
                    l = f.readline()
                except socket.timeout:
                    out.append("<no reply>")
                    return False
                except OSError:	# a reset after the server closed
                    out.append("<closed>")
                    return False
                if not l:
                    out.append("<closed>")
                    return False
                out.append(l.decode(errors="replace").rstrip("\r\n"))
                if l[3:4] != b"-":
                    return True

        def send(data):
            try:
                s.sendall(data)
                return True
            except OSError:	# the server has closed
                out.append("<closed>")
                return False

        # "!early TEXT" lines at the start are sent before the greeting
        # is read (talking before the greeting: greet_pause)
        early = []
        while len(early) < len(lines) and lines[len(early)].startswith("!early "):
            early.append(lines[len(early)][7:])
        if early:
            send(b"".join(e.encode() + b"\r\n" for e in early))
        ok = reply()
        for e in early:
            out.append(">>> (early) " + e)
            ok = ok and reply()
        i = len(early)
        while ok and i < len(lines):
            c = lines[i]
            i += 1
            if c == "!data":
                ok = send(MESSAGE) and reply()
            elif c == "!read":
                ok = reply()
            elif c == "!close":
                break
            elif c.startswith("!raw "):
                data = c[5:].encode().decode("unicode_escape").encode("latin-1")
                out.append(">>> " + c)
                ok = send(data) and reply()
            elif c == "!pipeline":
                batch = []
                while i < len(lines) and lines[i] != "!end":
                    batch.append(lines[i])
                    i += 1
                i += 1
                data = b""
                for b in batch:
                    out.append(">>> " + b)
                    data += MESSAGE if b == "!data" else b.encode() + b"\r\n"
                ok = send(data)
                for _ in batch:
                    ok = ok and reply()
            else:
                out.append(">>> " + c)
                ok = send(c.encode() + b"\r\n") and reply()
        s.close()
        return normalise("\n".join(out))

    def logs_since(self, marks, pats):
        rx = [re.compile(p) for p in pats]
        out = {}
        for side, (path, off) in marks.items():
            with open(path, errors="replace") as f:
                f.seek(off)
                text = f.read()
            keep = [log_body(l) for l in text.splitlines() if any(r.search(l) for r in rx)]
            out[side] = "\n".join(keep)
        return out

    def session(self, req):
        marks = {"real": (self.syslog, os.path.getsize(self.syslog)),
                 "ours": (ROOT + "/ours/maillog",
                          os.path.getsize(ROOT + "/ours/maillog"))}
        ans = {}
        for side, port in PORTS.items():
            ans[side] = self.talk(port, req["from"], req["lines"])
            self.settle()
        if req.get("log"):
            logs = self.logs_since(marks, req["log"])
            ans["real_log"], ans["ours_log"] = logs["real"], logs["ours"]
        return ans

    def serve(self):
        # a tmpfs on a fixed short path (seen only in this namespace) holds
        # everything, so replies and logs naming files read the same on
        # every machine
        subprocess.run(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", ROOT], check=True)
        os.makedirs(ROOT + "/ns", mode=0o755)
        self.setup_namespace(ROOT + "/ns")
        for line in sys.stdin:
            req = json.loads(line)
            try:
                if req["op"] == "quit":
                    self.stop_daemons()
                    ans = {"ok": True}
                elif req["op"] == "start":
                    ans = self.start(req)
                elif req["op"] == "session":
                    ans = self.session(req)
                elif req["op"] == "logs":
                    ans = {"syslog": open(self.syslog).read(),
                           "ours": open(ROOT + "/ours/maillog").read()}
                else:
                    ans = {"error": "unknown op"}
            except Exception as e:  # reported to the pytest side
                ans = {"error": f"{type(e).__name__}: {e}"}
            sys.stdout.write(json.dumps(ans) + "\n")
            sys.stdout.flush()
            if req["op"] == "quit":
                break


# ------------------------------------------------------------ by hand

def main(argv):
    if argv[1:2] == ["--serve"]:
        Server().serve()
        return 0
    verbose = "-v" in argv
    both = "-b" in argv
    pats = [a for a in argv[1:] if a not in ("-v", "-b")] or ["*"]
    files = []
    for p in pats:
        files += [f for f in list_sessions() if fnmatch.fnmatch(os.path.basename(f), p)
                  or fnmatch.fnmatch(f, p)] if not os.path.exists(p) else [p]
    from swpaths import BUILDDIR
    h = Harness(BUILDDIR)
    sessions = sorted((read_session(f) for f in files), key=lambda s: (s["config"], s["name"]))
    same = 0
    known = load_known()
    for s in sessions:
        ans = h.run(s)
        ok, diff = compare(ans)
        same += ok
        why = known_reason(known, s)
        print(f"{'same' if ok else 'DIFF'}: {s['name']} ({s['config']})" +
              (f" [known: {why}]" if why and not ok else ""))
        if both:
            for side in ("real", "ours"):
                print(f"----- {side}\n{ans[side]}")
                if ans.get(side + "_log") is not None:
                    print(f"----- {side} log\n{ans[side + '_log']}")
        elif not ok or verbose:
            print(diff if not ok else ans["real"])
    h.close()
    print(f"{same}/{len(sessions)} sessions identical")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
