"""sendmail_ref: the real sendmail 8.17 for test_makemap*, test_praliases*,
test_newaliases* and test_bt_*: reference() fetches it (skipping loudly
where it cannot), ns_run() runs a command in tests/compat's private
namespace (own /etc/hosts, no DNS, host name mail.hamap.local).
"""
import os
import shutil
import subprocess
import sys

import pytest

from swpaths import BUILDDIR, SRCDIR, build_path  # noqa: F401

sys.path.insert(0, os.path.join(SRCDIR, "tests", "compat"))
import btcompat  # noqa: E402  (split_cases, HOSTNAME)

HOSTNAME = btcompat.HOSTNAME
_REF = {}


def reference():
    """REF_* paths of the real sendmail; pytest.skip when unavailable."""
    if "error" in _REF:
        pytest.skip(_REF["error"])
    if "paths" in _REF:
        return _REF["paths"]
    why = None
    tool = os.path.join(SRCDIR, "..", "shared", "tools", "ref-sendmail")
    keys = ("REF_SENDMAIL", "REF_MAKEMAP", "REF_PRALIASES", "REF_CF_DIR")
    given = {k: os.environ[k] for k in keys if os.environ.get(k)}
    if os.geteuid() == 0 and shutil.which("unshare") and len(given) == len(keys) and \
            all(os.path.exists(v) for v in given.values()):
        # fetched already (tools/test-all.sh exports them), as compat does
        _REF["paths"] = given
        return given
    if os.geteuid() != 0:
        why = "needs root (private mount+UTS namespace via unshare)"
    elif shutil.which("unshare") is None:
        why = "unshare(1) is not available"
    elif not os.path.exists(tool):
        why = f"reference fetcher {tool} not found"
    else:
        r = subprocess.run(["bash", tool], capture_output=True, text=True)
        if r.returncode != 0:
            why = f"ref-sendmail failed (exit {r.returncode}): {r.stderr.strip()[-300:]}"
        else:
            paths = dict(l.split("=", 1) for l in r.stdout.splitlines() if "=" in l)
            missing = [k for k in ("REF_SENDMAIL", "REF_MAKEMAP", "REF_PRALIASES", "REF_CF_DIR")
                       if not os.path.exists(paths.get(k, ""))]
            if missing:
                why = f"ref-sendmail gave no usable {', '.join(missing)}"
            else:
                _REF["paths"] = paths
                return paths
    _REF["error"] = f"REFERENCE SENDMAIL UNAVAILABLE, differential test skipped: {why}"
    pytest.skip(_REF["error"])


def ours(*parts):
    """A built program of ours; skips when it is not built."""
    p = build_path(*parts)
    if not os.access(p, os.X_OK):
        pytest.skip(f"{p} is not built")
    return p


def check_safe(path):
    """sendmail and its makemap refuse files below group/world-writable
    folders: skip when the sandbox is under one."""
    p = os.path.abspath(path)
    while p != "/":
        p = os.path.dirname(p)
        st = os.stat(p)
        if st.st_mode & 0o022 and not st.st_mode & 0o1000:
            pytest.skip(f"{p} is group/world-writable: sendmail refuses files below it "
                        "(set SW_TEST_TMP to a safe folder)")


def ns_files(sandbox):
    """hosts and resolv.conf for ns_run, made once per sandbox."""
    d = os.path.join(sandbox, ".ns")
    if not os.path.isdir(d):
        os.makedirs(d, mode=0o755)
        with open(os.path.join(d, "hosts"), "w") as f:
            f.write(f"127.0.0.1 localhost\n127.0.0.1 {HOSTNAME} mail\n")
        with open(os.path.join(d, "resolv.conf"), "w") as f:
            f.write("nameserver 127.0.0.1\noptions timeout:1 attempts:1\n")
    return d


def ns_run(sandbox, argv, stdin="", cwd=None, timeout=120, binary=False):
    """argv in a private namespace (see the module text).  Returns the
    CompletedProcess (stdout and stderr apart)."""
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        pytest.skip("needs root and unshare(1) for a hermetic namespace")
    d = ns_files(sandbox)
    script = (f"mount --bind {d}/hosts /etc/hosts && "
              f"mount --bind {d}/resolv.conf /etc/resolv.conf && "
              f"hostname {HOSTNAME} && exec \"$@\"")
    kw = {} if binary else {"text": True, "errors": "replace"}
    return subprocess.run(["timeout", str(timeout), "unshare", "-mu", "sh", "-c", script, "sh"]
                          + list(argv), input=stdin, capture_output=True,
                          cwd=cwd or sandbox, **kw)


def mini_cf(sandbox, name="mini.cf", extra="", local_flags="lsm"):
    """The smallest config makemap -C, praliases -C and sendmail -bi need:
    an existing queue folder and the local and prog mailers (newaliases
    stores only names whose mailer has F=A: pass local_flags="lsmA")."""
    q = os.path.join(sandbox, "queue")
    os.makedirs(q, mode=0o755, exist_ok=True)
    path = os.path.join(sandbox, name)
    with open(path, "w") as f:
        f.write("V10/Berkeley\n"
                f"O QueueDirectory={q}\n"
                f"Mlocal, P=/bin/true, F={local_flags}, A=true $u\n"
                "Mprog, P=/bin/sh, F=ls, A=sh -c $u\n" + extra)
    return path


split_cases = btcompat.split_cases


def compile_mc(sandbox, mc, cfdir, mapdir, out_name=None):
    """tests/compat/mc/<mc> compiled with the cf library at cfdir (the
    real one: reference()["REF_CF_DIR"]), its MAPDIR pointing at mapdir.
    Returns the .cf path; skips when m4 is missing or fails."""
    if shutil.which("m4") is None:
        pytest.skip("GNU m4 is not installed")
    with open(os.path.join(SRCDIR, "tests", "compat", "mc", mc)) as f:
        text = f.read().replace("CFDIR", cfdir).replace("MAPDIR", mapdir)
    base = os.path.join(sandbox, out_name or mc[:-3])
    with open(base + ".mc", "w") as f:
        f.write(text)
    r = subprocess.run(["m4", base + ".mc"], capture_output=True, text=True, cwd=sandbox)
    if r.returncode != 0 or "ERROR" in r.stderr:
        pytest.skip(f"m4 could not compile {mc}: {r.stderr[-300:]}")
    with open(base + ".cf", "w") as f:
        f.write(r.stdout)
    os.chmod(base + ".cf", 0o644)
    return base + ".cf"
