"""tests/compat: make btcompat importable and print the agreement per cell.

The summary counts test_bt items only: agree = passed, differ = failed,
known = xfailed; skipped items are counted apart.  It is also written to
<work>/summary.txt so it can be quoted.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

_counts = {}


def pytest_runtest_logreport(report):
    if "test_bt_compat.py::test_bt[" not in report.nodeid:
        return
    if report.when != "call" and not (report.when == "setup" and report.skipped):
        return
    cell = report.nodeid.split("[", 1)[1].split("/")[1]
    c = _counts.setdefault(cell, {"agree": 0, "differ": 0, "known": 0, "skipped": 0})
    if hasattr(report, "wasxfail"):
        c["known"] += 1
    elif report.passed:
        c["agree"] += 1
    elif report.failed:
        c["differ"] += 1
    elif report.skipped:
        c["skipped"] += 1


def pytest_terminal_summary(terminalreporter):
    if not _counts:
        return
    import btcompat as bc
    lines = []
    for cell in bc.CELLS:
        c = _counts.get(cell)
        if not c:
            continue
        total = c["agree"] + c["differ"] + c["known"]
        if total:
            lines.append(f"cell {cell} ({bc.CELL_NAMES[cell]}): {c['agree']}/{total} agree "
                         f"({100.0 * c['agree'] / total:.2f}%), {c['differ']} differ, "
                         f"{c['known']} known differences")
        if c["skipped"]:
            lines.append(f"cell {cell} ({bc.CELL_NAMES[cell]}): {c['skipped']} items SKIPPED")
    terminalreporter.write_sep("=", "compat -bt agreement")
    for l in lines:
        terminalreporter.write_line(l)
    try:
        work = os.environ.get("SW_COMPAT_WORK") or bc.test_dir("compat", "work")
        if os.path.isdir(work):
            with open(os.path.join(work, "summary.txt"), "w") as f:
                f.write("\n".join(lines) + "\n")
    except OSError:
        pass
