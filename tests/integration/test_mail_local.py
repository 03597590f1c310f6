"""mail.local, sendmail's local delivery agent: mbox delivery with the
From_ line and >From quoting, locking that waits for mutt/procmail-style
dot-locks and fcntl locks, Maildir delivery, LMTP mode on stdin/stdout,
size limits (-b permanent), and the sysexits codes sendmail reads."""
import fcntl
import os
import subprocess
import threading
import time

import pytest

from mailboxd_env import MailboxdEnv, MAIL_LOCAL, message

EX_NOUSER, EX_UNAVAILABLE, EX_TEMPFAIL, EX_USAGE = 67, 69, 75, 64


def run(env, args, data=b"", **kw):
    return subprocess.run([MAIL_LOCAL, "-C", env.conf] + args, input=data,
                          capture_output=True, timeout=120, **kw)


@pytest.fixture
def mbox_env(sandbox):
    return MailboxdEnv(sandbox, fmt="mbox")


@pytest.fixture
def maildir_env(sandbox):
    return MailboxdEnv(sandbox, fmt="maildir")


def test_mbox_from_line_and_quoting(mbox_env):
    body = b"Subject: q\n\nFrom here on\n>From quoted\nnot From\n"
    r = run(mbox_env, ["-f", "sender@example.org", "alice"], body)
    assert r.returncode == 0, r.stderr
    r = run(mbox_env, ["-f", "other@example.org", "alice"], b"Subject: second\n\nx")
    assert r.returncode == 0
    data = open(mbox_env.spool("alice"), "rb").read()
    lines = data.split(b"\n")
    assert lines[0].startswith(b"From sender@example.org ")
    assert b"\n>From here on\n" in data
    assert b"\n>>From quoted\n" in data
    assert b"\nnot From\n" in data
    assert b"\n\nFrom other@example.org " in data
    assert data.endswith(b"x\n\n")


def test_exit_codes(mbox_env):
    assert run(mbox_env, ["nosuchuser"], b"x\n").returncode == EX_NOUSER
    assert run(mbox_env, [], b"x\n").returncode == EX_USAGE
    r = run(mbox_env, ["alice", "nosuchuser", "bob"], b"Subject: multi\n\nx\n")
    assert r.returncode == EX_NOUSER
    assert b"Subject: multi" in open(mbox_env.spool("bob"), "rb").read()


def test_size_limit_tempfail_and_permanent(sandbox):
    env = MailboxdEnv(sandbox, fmt="mbox", extra="quota_rule = *:storage=1K\n")
    big = b"Subject: big\n\n" + b"y" * 2000 + b"\n"
    assert run(env, ["alice"], big).returncode == EX_TEMPFAIL
    assert run(env, ["-b", "alice"], big).returncode == EX_UNAVAILABLE
    assert run(env, ["alice"], b"Subject: small\n\nok\n").returncode == 0


def test_waits_for_dotlock_and_fcntl_lock(mbox_env):
    path = mbox_env.spool("alice")
    assert run(mbox_env, ["alice"], b"Subject: first\n\n1\n").returncode == 0
    lock = path + ".lock"
    open(lock, "w").close()
    f = open(path, "ab")
    fcntl.lockf(f, fcntl.LOCK_EX)
    p = subprocess.Popen([MAIL_LOCAL, "-C", mbox_env.conf, "alice"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    p.stdin.write(b"Subject: second\n\n2\n")
    p.stdin.close()
    time.sleep(1.0)
    assert p.poll() is None, "mail.local did not wait for the locks"
    # (read with cat: closing any fd of the file here would drop our fcntl lock)
    assert b"second" not in subprocess.run(["cat", path], capture_output=True).stdout
    os.unlink(lock)
    time.sleep(0.5)
    assert p.poll() is None, "mail.local did not wait for the fcntl lock"
    fcntl.lockf(f, fcntl.LOCK_UN)
    f.close()
    assert p.wait(30) == 0
    data = open(path, "rb").read()
    assert data.count(b"\nFrom ") + 1 == 2 and b"Subject: second" in data
    assert not os.path.exists(lock)


def test_maildir_delivery(maildir_env):
    r = run(maildir_env, ["-f", "s@x", "alice"], b"Subject: md\n\nbody\n")
    assert r.returncode == 0, r.stderr
    new = os.path.join(maildir_env.maildir("alice"), "new")
    files = os.listdir(new)
    assert len(files) == 1 and ",S=" in files[0]
    assert open(os.path.join(new, files[0]), "rb").read() == b"Subject: md\n\nbody\n"
    assert os.listdir(os.path.join(maildir_env.maildir("alice"), "tmp")) == []


def test_lmtp_mode(maildir_env):
    script = (b"LHLO client\r\nMAIL FROM:<s@x.org>\r\nRCPT TO:<alice@x.org>\r\n"
              b"RCPT TO:<nobody@x.org>\r\nRCPT TO:<bob+tag@x.org>\r\nDATA\r\n"
              b"Subject: lmtp\r\n\r\n..dot\r\nline\r\n.\r\nQUIT\r\n")
    r = run(maildir_env, ["-l"], script)
    out = r.stdout.decode()
    assert out.startswith("220 ")
    assert "250-8BITMIME" in out
    assert "550 5.1.1" in out
    assert out.count("250 2.0.0 <") == 2
    for u in ("alice", "bob"):
        new = os.path.join(maildir_env.maildir(u), "new")
        (f,) = os.listdir(new)
        assert open(os.path.join(new, f), "rb").read() == b"Subject: lmtp\n\n.dot\nline\n"
    r = run(maildir_env, ["-l", "-7"], b"LHLO x\r\nQUIT\r\n")
    assert "8BITMIME" not in r.stdout.decode()


def test_concurrent_deliveries_lose_nothing(mbox_env):
    def deliver(i):
        assert run(mbox_env, ["alice"], f"Subject: c{i}\n\nbody {i}\n".encode()).returncode == 0
    threads = [threading.Thread(target=deliver, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    data = open(mbox_env.spool("alice"), "rb").read()
    for i in range(20):
        assert data.count(f"Subject: c{i}\n".encode()) == 1
    assert data.count(b"\n\nFrom ") == 19


@pytest.mark.skipif(os.geteuid() != 0, reason="delivering as the user needs root")
def test_run_as_root_each_user_gets_files_of_their_own(sandbox):
    """Run as root, mail.local delivers as each recipient in turn (taking
    the user's ids and giving them back): every file is the user's."""
    env = MailboxdEnv(sandbox, fmt="maildir", drop_privileges=True)
    ids = {"alice": 4242, "bob": 4343}
    with open(os.path.join(sandbox, "users"), "w") as f:
        for u, i in ids.items():
            f.write(f"{u}:{{PLAIN}}secret:{i}:{i}::{env.home(u)}::\n")
            os.chown(env.home(u), i, i)
            os.chmod(env.home(u), 0o700)
    r = run(env, ["-f", "a@example.org", "alice", "bob", "alice"], b"Subject: ids\n\nx\n")
    assert r.returncode == 0, r.stderr
    for u, i in ids.items():
        new = os.path.join(env.maildir(u), "new")
        files = os.listdir(new)
        assert len(files) == (2 if u == "alice" else 1)
        for name in files + [".."]:
            st = os.stat(os.path.join(new, name))
            assert (st.st_uid, st.st_gid) == (i, i), (u, name)
