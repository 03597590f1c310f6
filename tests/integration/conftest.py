"""Shared pytest fixtures for Sendwell's integration tests.

Each test gets a private sandbox directory (not under world-writable /tmp,
which sendmail-style safety checks refuse) and can ask for free loopback
ports.  Binaries are found in the build tree given by SW_BUILDDIR.
"""
import os
import shutil
import socket
import tempfile

import pytest

SRCDIR = os.environ.get("SW_SRCDIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILDDIR = os.environ.get("SW_BUILDDIR", SRCDIR)


def build_path(*parts):
    """Path of a built program, e.g. build_path("sendmail", "sendmail")."""
    return os.path.join(BUILDDIR, *parts)


def src_path(*parts):
    return os.path.join(SRCDIR, *parts)


def free_port():
    """A loopback TCP port nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def sandbox():
    """A fresh directory (mode 0755, outside /tmp) removed after the test."""
    base = os.environ.get("SW_TEST_TMP", os.path.join(BUILDDIR, "tests", "sandbox"))
    os.makedirs(base, exist_ok=True)
    os.chmod(base, 0o755)
    d = tempfile.mkdtemp(prefix="t.", dir=base)
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)
