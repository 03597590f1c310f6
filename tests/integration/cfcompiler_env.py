"""Helpers for the cfcompiler tests: run the built cfcompiler against the
source tree's cf library, write .mc files into a sandbox, and read its
diagnostics ("file:line: error|warning: message") back as tuples."""
import os
import re
import subprocess

from swpaths import build_path, src_path

CFCOMPILER = build_path("cfcompiler", "cfcompiler")
CF_DIR = src_path("cf")
CF_M4 = os.path.join(CF_DIR, "m4", "cf.m4")
DIAG = re.compile(r"^(?P<file>[^:\n]+):(?P<line>\d+): (?P<sev>error|warning): (?P<msg>.*)$", re.M)


def run_cfc(args, cwd=None, lang="C"):
    env = dict(os.environ, LANG=lang, LC_ALL=lang)
    env.pop("SENDWELL_CF_DIR", None)
    return subprocess.run([CFCOMPILER, "-I", CF_DIR] + list(args), cwd=cwd,
                          capture_output=True, text=True, env=env, timeout=120)


def diags(stderr):
    """[(basename, line, severity, message), ...] in printed order."""
    return [(os.path.basename(m["file"]), int(m["line"]), m["sev"], m["msg"])
            for m in DIAG.finditer(stderr)]


def write_mc(sandbox, name, body, include=True):
    """An .mc in the sandbox; body lines follow the include of our cf.m4.
    Maps and the aliases file live in the sandbox, so the machine's own
    /etc/mail never matters."""
    path = os.path.join(sandbox, name)
    head = ""
    if include:
        head = ("include(`%s')dnl\n" % CF_M4 +
                "define(`ALIAS_FILE', `%s/aliases')dnl\n" % sandbox)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + body)
    for fn in ("aliases", "aliases.db"):
        p = os.path.join(sandbox, fn)
        if not os.path.exists(p):
            open(p, "w").close()
    # the .db is not older than its text
    st = os.stat(os.path.join(sandbox, "aliases"))
    os.utime(os.path.join(sandbox, "aliases.db"), ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    return path
