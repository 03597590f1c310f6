"""swpaths: where the source and build trees are, and free loopback ports.

Test helpers import these from here, not from conftest: several test
folders have a conftest.py, and which one `import conftest` finds depends
on the order pytest collected them.
"""
import os
import socket

# canonical paths (make hands over "build/.." forms), so tests can compare
# them with what the programs print
SRCDIR = os.path.realpath(os.environ.get("SW_SRCDIR", os.path.join(os.path.dirname(__file__), "..", "..")))
BUILDDIR = os.path.realpath(os.environ.get("SW_BUILDDIR", SRCDIR))


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


def _unsafe(path):
    """Is path, or a folder above it, group- or world-writable?  sendmail
    warns about or refuses files below such folders, sticky bit or not."""
    p = os.path.abspath(path)
    while True:
        if os.path.exists(p) and os.stat(p).st_mode & 0o022:
            return True
        if p == "/":
            return False
        p = os.path.dirname(p)


def test_dir(*parts):
    """A folder for test files (made if missing): under the build tree, or,
    when that lies below /tmp or another writable folder, under
    /var/lib/sendwell-tests (as root) or ~/.cache/sendwell-tests."""
    base = os.path.join(BUILDDIR, "tests")
    if _unsafe(base):
        root = "/var/lib/sendwell-tests" if os.geteuid() == 0 else \
            os.path.expanduser("~/.cache/sendwell-tests")
        base = os.path.join(root, BUILDDIR.strip("/").replace("/", "_"))
    d = os.path.join(base, *parts)
    os.makedirs(d, mode=0o755, exist_ok=True)
    return d
