"""btcompat: the machinery behind tests/compat (differential `sendmail -bt`).

Each .mc under mc/ is compiled with sendmail 8.17's own cf library and
with ours (cf/ in the source tree); every case line is fed to `sendmail -bt`
in four cells, each compared with the real sendmail on the real cf:

    rr  real cf  x real sendmail   (sanity: the reference agrees with itself)
    cr  our cf   x real sendmail   (our m4 library)
    rc  real cf  x our sendmail    (our rule engine and -bt)
    cc  our cf   x our sendmail    (both)

Every run happens as root in a private mount+UTS namespace: its own
/etc/hosts (127.0.0.1 localhost, mail.hamap.local), a resolv.conf naming a
loopback resolver nobody answers (timeout:1 attempts:1), hostname
mail.hamap.local.  Files live in a 0755 folder outside /tmp because
sendmail refuses config and map files under group/world-writable paths.
The compiled .cf and the map folder are bind-mounted on fixed paths, so the
real and the candidate runs print the same file names.

Used by test_bt_compat.py (pytest) and runnable by hand:
    python3 tests/compat/btcompat.py [--mc GLOB] [--cells cr,rc] [-v] [--max N]
"""
import fnmatch
import os
import re
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "integration"))
from swpaths import BUILDDIR, SRCDIR, test_dir  # noqa: E402
HOSTNAME = "mail.hamap.local"
CELLS = ("rr", "cr", "rc", "cc")
CELL_NAMES = {"rr": "real cf x real sendmail", "cr": "our cf x real sendmail",
              "rc": "real cf x our sendmail", "cc": "our cf x our sendmail"}
# text maps built into .db files with makemap (type hash)
DB_MAPS = ("access", "virtusertable", "mailertable", "genericstable",
           "domaintable", "authinfo")
RUN_TIMEOUT = 180


class Unavailable(Exception):
    """The reference (or something the runs need) cannot be had here."""


def sh(argv, **kw):
    kw.setdefault("capture_output", True)
    return subprocess.run(argv, text=True, errors="replace", **kw)


# ---------------------------------------------------------------- inputs

def list_mc():
    return sorted(f for f in os.listdir(os.path.join(HERE, "mc")) if f.endswith(".mc"))


def mc_case_files(mc):
    """Case files an .mc names on `dnl CASES: a.txt b.txt` lines (default: common.txt)."""
    names = []
    with open(os.path.join(HERE, "mc", mc)) as f:
        for line in f:
            m = re.match(r"\s*dnl\s+CASES:\s*(.*)", line)
            if m:
                names += m.group(1).split()
    return names or ["common.txt"]


def read_cases(mc):
    """The -bt input lines for an .mc: [(file, lineno, text)].  Blank lines and
    lines starting with '#' are dropped (sendmail -bt ignores them too)."""
    out = []
    for name in mc_case_files(mc):
        with open(os.path.join(HERE, "cases", name)) as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if line.strip() and not line.lstrip().startswith("#"):
                    out.append((name, n, line))
    return out


def is_setup(line):
    """`.D` and `.C` lines set a macro or class and print nothing to compare."""
    return line.startswith(".")


def load_known():
    """known-differences.txt: `mc-glob | cell-glob[,..] | case-regex | reason`."""
    known = []
    path = os.path.join(HERE, "known-differences.txt")
    if os.path.exists(path):
        for line in open(path):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            parts = [p.strip() for p in line.rstrip("\n").split("|", 3)]
            if len(parts) == 4:
                known.append((parts[0], parts[1].split(","), re.compile(parts[2]), parts[3]))
    return known


def known_reason(known, mc, cell, case):
    for mcg, cells, rx, reason in known:
        if fnmatch.fnmatch(mc, mcg) and any(fnmatch.fnmatch(cell, c) for c in cells) \
                and rx.search(case):
            return reason
    return None


# ---------------------------------------------------------------- output

def split_cases(out, n):
    """Split -bt output into n answers, one per input line.  Each answer
    follows a '> ' prompt; a line printing nothing leaves its prompt on the
    next answer's line ('> > ...')."""
    blocks, cur = [], None
    for line in out.split("\n"):
        k = 0
        while line.startswith("> "):
            line = line[2:]
            k += 1
        for _ in range(k):
            if cur is not None:
                blocks.append("\n".join(cur).rstrip("\n"))
            cur = []
        if cur is not None:
            cur.append(line)
    if cur is not None:
        blocks.append("\n".join(cur).rstrip("\n"))
    while len(blocks) > n and blocks[-1].strip() == "":
        blocks.pop()
    blocks += ["<missing>"] * (n - len(blocks))
    return blocks[:n]


_DATE = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} "
                   r"\d\d:\d\d:\d\d [-+]\d{4}( \([A-Z]+\))?")


def normalise(s):
    """Only what varies by itself between two runs: Unix timestamps
    (10-digit numbers), RFC 5322 dates ($b, $d) and process ids printed as
    `pid=N` or `[N]`."""
    s = re.sub(r"\b1\d{9}\b", "<time>", s)
    s = _DATE.sub("<date>", s)
    s = re.sub(r"\bpid=\d+", "pid=<pid>", s)
    return s


# ---------------------------------------------------------------- the run

class Harness:
    def __init__(self, workdir=None):
        if os.geteuid() != 0:
            raise Unavailable("needs root (private mount+UTS namespace via unshare)")
        if shutil.which("unshare") is None:
            raise Unavailable("unshare(1) is not available (util-linux)")
        if shutil.which("m4") is None:
            raise Unavailable("GNU m4 is not installed")
        ref = {k: os.environ[k] for k in ("REF_SENDMAIL", "REF_MAKEMAP", "REF_CF_DIR")
               if os.environ.get(k)}
        if len(ref) < 3:	# not handed over by tools/test-all.sh: fetch it
            tool = os.path.join(SRCDIR, "..", "shared", "tools", "ref-sendmail")
            if not os.path.exists(tool):
                raise Unavailable(f"reference fetcher {tool} not found")
            r = sh(["bash", tool])
            if r.returncode != 0:
                raise Unavailable(f"ref-sendmail failed (exit {r.returncode}): {r.stderr.strip()[-400:]}")
            ref = dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)
        for k in ("REF_SENDMAIL", "REF_MAKEMAP", "REF_CF_DIR"):
            if not os.path.exists(ref.get(k, "")):
                raise Unavailable(f"ref-sendmail gave no usable {k}")
        self.real_bin = ref["REF_SENDMAIL"]
        self.real_makemap = ref["REF_MAKEMAP"]
        self.real_cf = ref["REF_CF_DIR"]
        self.our_cf = os.path.join(SRCDIR, "cf")
        cand = os.path.join(BUILDDIR, "sendmail", "sendmail")
        self.cand_bin = cand if os.access(cand, os.X_OK) else None
        mk = os.path.join(BUILDDIR, "makemap", "makemap")
        self.cand_makemap = mk if os.access(mk, os.X_OK) else None
        self.notes = []
        if not self.cand_makemap:
            self.notes.append(f"{mk} not built: candidate maps are made with the real makemap")
        self.work = workdir or os.environ.get("SW_COMPAT_WORK") or \
            test_dir("compat", "work")
        self._check_safe_path(self.work)
        self.compiled = {}
        self.results = {}
        self.prepared = False

    @staticmethod
    def _check_safe_path(path):
        p = os.path.abspath(path)
        while True:
            p = os.path.dirname(p)
            if os.path.exists(p) and os.stat(p).st_mode & 0o022:
                raise Unavailable(f"{p} is group/world-writable: sendmail would refuse files below it "
                                  "(set SW_COMPAT_WORK)")
            if p == "/":
                break

    # -- set-up: namespace files and maps
    def prepare(self):
        if self.prepared:
            return
        if os.path.isdir(self.work):
            shutil.rmtree(self.work)
        os.makedirs(self.work, mode=0o755)
        os.chmod(self.work, 0o755)
        for d in ("maps", "run", "cf"):
            os.makedirs(os.path.join(self.work, d), mode=0o755)
        with open(os.path.join(self.work, "hosts"), "w") as f:
            f.write(f"127.0.0.1 localhost\n127.0.0.1 {HOSTNAME} mail\n")
        with open(os.path.join(self.work, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
        # a config the makemaps (-C) and newaliases read: just enough for -bi
        mini = ("V10/Berkeley\n"
                f"O QueueDirectory={self.work}/run\n"
                "Mlocal, P=/bin/true, F=lsm, A=true $u\n"
                "Mprog, P=/bin/sh, F=ls, A=sh -c $u\n")
        for p in (os.path.join(self.work, "run", "sendmail.cf"), os.path.join(self.work, "makemap.cf")):
            with open(p, "w") as f:
                f.write(mini)
        self.map_errors = {}
        for side, mk in (("r", self.real_makemap), ("c", self.cand_makemap or self.real_makemap)):
            self.map_errors[side] = self._build_maps(side, mk)
        self.prepared = True

    def mapdir(self, side):
        return os.path.join(self.work, f"maps-{side}")

    def _build_maps(self, side, makemap):
        d = self.mapdir(side)
        shutil.copytree(os.path.join(HERE, "maps"), d)
        for root, dirs, files in os.walk(d):   # writable copies, 0755/0644
            for x in dirs:
                os.chmod(os.path.join(root, x), 0o755)
            for x in files:
                os.chmod(os.path.join(root, x), 0o644)
        os.chmod(d, 0o755)
        errors = []
        for m in DB_MAPS:
            src = os.path.join(d, m)
            if not os.path.exists(src):
                continue
            with open(src) as f:
                r = sh([makemap, "-C", os.path.join(self.work, "makemap.cf"), "hash", src], stdin=f)
            if r.returncode != 0 or not os.path.exists(src + ".db"):
                errors.append(f"{makemap} hash {m}: exit {r.returncode}: {r.stderr.strip()}")
        # aliases.db: newaliases of the real sendmail (the candidate's -bi when built)
        binp = self.real_bin if side == "r" or not self.cand_bin else self.cand_bin
        r = self.ns_run([binp, "-bi", "-C", os.path.join(self.work, "makemap.cf"),
                         "-oA" + os.path.join(d, "aliases")], "", mapside=None)
        if not os.path.exists(os.path.join(d, "aliases.db")):
            errors.append(f"{binp} -bi did not build aliases.db: {r.strip()[-300:]}")
        return errors

    def ns_run(self, argv, stdin, mapside=None, cf=None):
        """argv in a private mount+UTS namespace with hermetic name service;
        the map set of `mapside` is mounted on <work>/maps, `cf` on
        <work>/run/sendmail.cf."""
        w = self.work
        steps = [f"mount --bind {w}/hosts /etc/hosts",
                 f"mount --bind {w}/resolv.conf /etc/resolv.conf"]
        if mapside:
            steps.append(f"mount --bind {self.mapdir(mapside)} {w}/maps")
        if cf:
            steps.append(f"mount --bind {cf} {w}/run/sendmail.cf")
        steps.append(f"hostname {HOSTNAME}")
        script = " && ".join(steps) + ' && exec "$@"'
        try:
            r = subprocess.run(["timeout", str(RUN_TIMEOUT), "unshare", "-mu", "sh", "-c", script, "sh"]
                               + argv, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, errors="replace", cwd=w)
            return r.stdout
        except OSError as e:
            return f"RUN ERROR {e}"

    # -- compiling
    def compile(self, mc, cfside):
        """m4 the .mc with sendmail's library (r) or ours (c); returns
        (path, m4 diagnostics).  MAPDIR is the fixed mount point."""
        key = (mc, cfside)
        if key not in self.compiled:
            self.prepare()
            cfdir = self.real_cf if cfside == "r" else self.our_cf
            text = open(os.path.join(HERE, "mc", mc)).read()
            text = text.replace("CFDIR", cfdir).replace("MAPDIR", os.path.join(self.work, "maps"))
            base = os.path.join(self.work, "cf", f"{mc[:-3]}-{cfside}")
            with open(base + ".mc", "w") as f:
                f.write(text)
            r = sh(["timeout", "60", "m4", base + ".mc"], cwd=os.path.join(self.work, "cf"))
            with open(base + ".cf", "w") as f:
                f.write(r.stdout)
            os.chmod(base + ".cf", 0o644)
            # m4 warnings (errprint of a feature's advice) are not errors
            err = r.stderr.strip()
            if r.returncode != 0 or "ERROR" in err:
                err = f"m4 exit {r.returncode}: {err}"
            else:
                err = ""
            self.compiled[key] = (base + ".cf", err)
        return self.compiled[key]

    def binary(self, binside):
        return self.real_bin if binside == "r" else self.cand_bin

    def load_output(self, mc, cell):
        """What sendmail prints when it loads the config (-d0.1 style noise
        aside): `-bt < /dev/null`, for the 'loads without a warning' check."""
        cf, _ = self.compile(mc, cell[0])
        return self.ns_run([self.binary(cell[1]), "-bt", "-C", os.path.join(self.work, "run", "sendmail.cf")],
                           "", mapside=cell[1], cf=cf)

    def run(self, mc, cell):
        """-bt answers for every case line of mc in cell: list of strings
        (None for setup lines).  Cached: each (mc, cell) runs once."""
        key = (mc, cell)
        if key not in self.results:
            cases = read_cases(mc)
            cf, err = self.compile(mc, cell[0])
            binp = self.binary(cell[1])
            stdin = "".join(c[2] + "\n" for c in cases)
            raw = self.ns_run([binp, "-bt", "-C", os.path.join(self.work, "run", "sendmail.cf")],
                              stdin, mapside=cell[1], cf=cf)
            raw = normalise(raw)
            # split_cases drops the banner printed before the first prompt
            blocks = split_cases(raw, len(cases)) if "\n> " in "\n" + raw else \
                ["<no prompt: " + raw[-500:] + ">"] * len(cases)
            with open(os.path.join(self.work, "cf", f"{mc[:-3]}-{cell}.out"), "w") as f:
                f.write(raw)
            self.results[key] = (blocks, err)
        return self.results[key]


# ---------------------------------------------------------------- by hand

def main(argv):
    import argparse
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mc", default="*")
    ap.add_argument("--cells", default="rr,cr,rc,cc")
    ap.add_argument("-v", action="store_true", help="print each difference")
    ap.add_argument("--max", type=int, default=40, help="differences shown per (mc, cell)")
    ap.add_argument("--grep", default=None, help="only case lines matching this regex")
    a = ap.parse_args(argv)
    h = Harness()
    h.prepare()
    for side, errs in h.map_errors.items():
        for e in errs:
            print(f"MAP ERROR ({side}): {e}")
    for n in h.notes:
        print("note:", n)
    known = load_known()
    totals = {}
    for mc in list_mc():
        if not fnmatch.fnmatch(mc, a.mc):
            continue
        cases = read_cases(mc)
        ref, referr = h.run(mc, "rr")
        if referr:
            print(f"{mc}: reference m4: {referr[:300]}")
        for cell in a.cells.split(","):
            if cell[1] == "c" and not h.cand_bin:
                print(f"{mc} {cell}: SKIPPED (no {BUILDDIR}/sendmail/sendmail)")
                continue
            got, err = h.run(mc, cell)
            if err and cell[0] == "c":
                print(f"{mc} {cell}: our m4: {err[:600]}")
            ok = bad = xf = shown = 0
            for i, (fn, ln, case) in enumerate(cases):
                if is_setup(case) or (a.grep and not re.search(a.grep, case)):
                    continue
                if got[i] == ref[i]:
                    ok += 1
                    continue
                why = known_reason(known, mc, cell, case)
                if why:
                    xf += 1
                    continue
                bad += 1
                if a.v and shown < a.max:
                    shown += 1
                    print(f"--- {mc} {cell} {fn}:{ln}: {case}")
                    print("want:\n" + ref[i][:3000] + "\ngot:\n" + got[i][:3000])
            t = totals.setdefault(cell, [0, 0, 0])
            t[0] += ok; t[1] += bad; t[2] += xf
            print(f"{mc} {cell}: {ok}/{ok + bad + xf} agree, {bad} differ, {xf} known")
    for cell, (ok, bad, xf) in totals.items():
        print(f"cell {cell} ({CELL_NAMES[cell]}): {ok}/{ok + bad + xf} agree, {xf} known differences")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
