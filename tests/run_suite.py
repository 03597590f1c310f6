#!/usr/bin/env python3
"""run_suite: run every Sendwell test and end with one line "N passed, M failed".

Unit tests are cmocka binaries (run with TAP output, one count per test
case); integration and compat tests are pytest modules under
tests/integration and tests/compat (one count per test item).  Skipped
items are listed loudly but counted in neither total.

usage: run_suite.py --srcdir=DIR --builddir=DIR [unit/test_x ...]
env:   SW_PYTEST_ARGS  extra pytest arguments (e.g. "-k smtp")
       SW_SKIP_PYTEST  set to run only the unit tests
"""
import os
import re
import shlex
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET


def run_unit(builddir, names):
    passed = failed = 0
    for name in names:
        path = os.path.join(builddir, "tests", name)
        env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
        try:
            r = subprocess.run([path], capture_output=True, text=True,
                               errors="replace", env=env, timeout=600)
            out, rc = r.stdout + r.stderr, r.returncode
        except (OSError, subprocess.TimeoutExpired) as e:
            out, rc = f"cannot run: {e}", -1
        ok = len(re.findall(r"^ok \d+", out, re.M))
        bad = len(re.findall(r"^not ok \d+", out, re.M))
        if rc != 0 and bad == 0:
            bad = 1  # crashed or died before reporting
        passed += ok
        failed += bad
        status = "ok" if bad == 0 else "FAILED"
        print(f"unit {name}: {ok} passed, {bad} failed [{status}]")
        if bad:
            for line in out.splitlines():
                if not line.startswith("ok "):
                    print("    " + line)
    return passed, failed


def run_pytest(srcdir, builddir):
    dirs = [d for d in ("integration", "compat")
            if os.path.isdir(os.path.join(srcdir, "tests", d))]
    if not dirs:
        return 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        xml = os.path.join(tmp, "junit.xml")
        env = dict(os.environ, SW_SRCDIR=srcdir, SW_BUILDDIR=builddir,
                   PYTHONDONTWRITEBYTECODE="1")
        args = [sys.executable, "-m", "pytest", "-q", "-rfE", "-p", "no:cacheprovider",
                f"--junitxml={xml}", f"--rootdir={srcdir}/tests"]
        args += shlex.split(os.environ.get("SW_PYTEST_ARGS", ""))
        args += [os.path.join(srcdir, "tests", d) for d in dirs]
        r = subprocess.run(args, env=env, cwd=os.path.join(srcdir, "tests"))
        if not os.path.exists(xml):
            print(f"pytest did not run (exit {r.returncode})")
            return 0, 1
        root = ET.parse(xml).getroot()
        passed = failed = skipped = 0
        skips = {}	# (module, reason) -> how many, said once each below
        for case in root.iter("testcase"):
            kinds = {child.tag for child in case}
            if "failure" in kinds or "error" in kinds:
                failed += 1
            elif "skipped" in kinds:
                skipped += 1
                key = (case.get("classname"), case.find("skipped").get("message", ""))
                skips[key] = skips.get(key, 0) + 1
            else:
                passed += 1
        if r.returncode not in (0, 1, 5) and failed == 0:
            failed = 1  # pytest itself broke (collection error, crash)
        for (module, reason), n in sorted(skips.items()):
            print(f"SKIPPED {n} in {module}: {reason}")
        if skipped:
            print(f"*** {skipped} integration/compat tests SKIPPED (see above) ***")
        return passed, failed


def main():
    srcdir = builddir = "."
    names = []
    for a in sys.argv[1:]:
        if a.startswith("--srcdir="):
            srcdir = a.split("=", 1)[1]
        elif a.startswith("--builddir="):
            builddir = a.split("=", 1)[1]
        else:
            names.append(a)
    srcdir, builddir = os.path.realpath(srcdir), os.path.realpath(builddir)
    p1, f1 = run_unit(builddir, names)
    p2 = f2 = 0
    if not os.environ.get("SW_SKIP_PYTEST"):
        p2, f2 = run_pytest(srcdir, builddir)
    print(f"{p1 + p2} passed, {f1 + f2} failed")
    return 1 if f1 + f2 else 0


if __name__ == "__main__":
    sys.exit(main())
