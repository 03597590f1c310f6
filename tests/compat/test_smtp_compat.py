"""Differential SMTP dialogue tests against sendmail 8.17 (see smtpdiff.py).

One item per scripted session in smtp-sessions/: the real sendmail and
ours run as daemons on the same cf (sendmail's own cf library, the
session's smtp-mc/ fragment) and must answer the session alike, and
write alike the log lines the session names.  Known differences
(known-differences.txt, cell `smtp`) are xfail with their reason.  The
agreement (N/M sessions identical) is printed in the terminal summary.
Everything skips LOUDLY where the reference cannot be had.
"""
import os

import pytest

import smtpdiff as sd

SESSIONS = sorted((sd.read_session(f) for f in sd.list_sessions()),
                  key=lambda s: (s["config"], s["name"]))


class _Summary:
    """Counts the session items and prints the agreement at the end."""

    def __init__(self):
        self.counts = {"same": 0, "differ": 0, "known": 0, "skipped": 0}

    def pytest_runtest_logreport(self, report):
        if "test_smtp_compat.py::test_session[" not in report.nodeid:
            return
        if report.when != "call" and not (report.when == "setup" and report.skipped):
            return
        if hasattr(report, "wasxfail"):
            self.counts["known"] += 1
        elif report.passed:
            self.counts["same"] += 1
        elif report.failed:
            self.counts["differ"] += 1
        elif report.skipped:
            self.counts["skipped"] += 1

    def pytest_terminal_summary(self, terminalreporter):
        c = self.counts
        total = c["same"] + c["differ"] + c["known"]
        terminalreporter.write_sep("=", "compat SMTP dialogue agreement")
        if total:
            terminalreporter.write_line(
                f"smtp sessions: {c['same']}/{total} identical, {c['differ']} differ, "
                f"{c['known']} known differences")
        if c["skipped"]:
            terminalreporter.write_line(f"smtp sessions: {c['skipped']} SKIPPED "
                                        "(REFERENCE SENDMAIL UNAVAILABLE or not built)")


_summary = _Summary()


@pytest.fixture(scope="session", autouse=True)
def _agreement_summary(request):
    pm = request.config.pluginmanager
    if not pm.is_registered(_summary):
        pm.register(_summary, "smtp-compat-summary")
    yield


@pytest.fixture(scope="session")
def harness():
    from swpaths import BUILDDIR
    if not os.access(os.path.join(BUILDDIR, "sendmail", "sendmail"), os.X_OK):
        pytest.skip(f"SMTP COMPAT SKIPPED: {BUILDDIR}/sendmail/sendmail is not built")
    try:
        h = sd.Harness(BUILDDIR)
    except sd.Unavailable as e:
        pytest.skip(f"REFERENCE SENDMAIL UNAVAILABLE: {e}")
    yield h
    h.close()


@pytest.fixture(scope="session")
def known():
    return sd.load_known()


@pytest.mark.parametrize("session", SESSIONS, ids=[s["name"] for s in SESSIONS])
def test_session(harness, known, session):
    ans = harness.run(session)
    same, diff = sd.compare(ans)
    if same:
        return
    why = sd.known_reason(known, session)
    if why:
        pytest.xfail(why)
    pytest.fail(f"{session['name']} ({session['what']}; config {session['config']}) "
                f"differs from sendmail 8.17:\n{diff}", pytrace=False)
