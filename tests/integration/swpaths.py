"""swpaths: where the source and build trees are, and free loopback ports.

Test helpers import these from here, not from conftest: several test
folders have a conftest.py, and which one `import conftest` finds depends
on the order pytest collected them.
"""
import os
import socket

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
