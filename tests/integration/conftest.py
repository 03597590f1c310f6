"""Shared pytest fixtures for Sendwell's integration tests.

Each test gets a private sandbox directory (not under world-writable /tmp,
which sendmail-style safety checks refuse) and can ask for free loopback
ports.  Binaries are found in the build tree given by SW_BUILDDIR.
"""
import os
import shutil
import tempfile

import pytest

from swpaths import BUILDDIR, SRCDIR, build_path, free_port, src_path, test_dir  # noqa: F401


@pytest.fixture
def sandbox():
    """A fresh directory (mode 0755, outside /tmp) removed after the test."""
    base = os.environ.get("SW_TEST_TMP") or test_dir("sandbox")
    os.makedirs(base, exist_ok=True)
    os.chmod(base, 0o755)
    d = tempfile.mkdtemp(prefix="t.", dir=base)
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)
