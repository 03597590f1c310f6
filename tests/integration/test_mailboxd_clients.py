"""Real mail clients against mailboxd: mbsync (isync) syncing flags both
ways with a local Maildir, and mutt in batch mode (under script(1) for
its terminal) saving IMAP messages into a local mbox."""
import os
import shutil
import subprocess

import pytest

from mailboxd_env import MailboxdEnv, message


@pytest.fixture
def env(sandbox):
    e = MailboxdEnv(sandbox, fmt="maildir")
    e.start()
    yield e
    e.stop()


def mbsync_rc(env, sandbox):
    local = os.path.join(sandbox, "local")
    os.makedirs(local, exist_ok=True)
    rc = os.path.join(sandbox, "mbsyncrc")
    with open(rc, "w") as f:
        f.write(f"""IMAPAccount test
Host 127.0.0.1
Port {env.ports['imap']}
User alice
Pass secret
SSLType None
AuthMechs LOGIN

IMAPStore remote
Account test

MaildirStore local
Path {local}/
Inbox {local}/INBOX
SubFolders Verbatim

Channel ch
Far :remote:
Near :local:
Patterns *
Create Both
SyncState *
Sync All
""")
    return rc, os.path.join(local, "INBOX")


def mbsync(rc):
    r = subprocess.run(["mbsync", "-c", rc, "-a"], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace") + r.stdout.decode(errors="replace")


@pytest.mark.skipif(shutil.which("mbsync") is None, reason="mbsync (isync) not installed")
def test_mbsync_two_way_flags(env, sandbox):
    import imaplib
    for i in range(3):
        env.deliver("alice", message(f"sync{i}"))
    rc, inbox = mbsync_rc(env, sandbox)
    mbsync(rc)
    cur = os.path.join(inbox, "cur")
    new = os.path.join(inbox, "new")
    files = sorted(os.listdir(cur) + os.listdir(new))
    assert len(files) == 3
    # flag one message locally (Maildir name flags) ...
    src = os.path.join(cur if files[0] in os.listdir(cur) else new, files[0])
    base = os.path.basename(src).split(":2,")[0]
    os.rename(src, os.path.join(cur, base + ":2,F"))
    # ... and another on the server
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    m.login("alice", "secret")
    m.select("INBOX")
    m.store("3", "+FLAGS", "(\\Seen \\Answered)")
    m.logout()
    mbsync(rc)
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    m.login("alice", "secret")
    m.select("INBOX")
    assert len(m.search(None, "FLAGGED")[1][0].split()) == 1
    m.logout()
    names = os.listdir(cur)
    assert any(n.endswith(":2,RS") for n in names), names
    # a message made locally goes up
    with open(os.path.join(new, "1700000000.local.host"), "wb") as f:
        f.write(message("from-local"))
    mbsync(rc)
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    m.login("alice", "secret")
    m.select("INBOX")
    assert m.search(None, "SUBJECT", "from-local")[1] != [b""]
    m.logout()


@pytest.mark.skipif(shutil.which("mutt") is None, reason="mutt not installed")
def test_mutt_batch_saves_imap_messages_to_mbox(env, sandbox):
    for i in range(2):
        env.deliver("alice", message(f"mutt{i}", "read by mutt\r\n"))
    out = os.path.join(sandbox, "saved.mbox")
    muttrc = os.path.join(sandbox, "muttrc")
    with open(muttrc, "w") as f:
        f.write(f"""set imap_user = alice
set imap_pass = secret
set folder = imap://127.0.0.1:{env.ports['imap']}/
set spoolfile = +INBOX
set mbox_type = mbox
set confirmcreate = no
set confirmappend = no
set delete = no
set move = no
set ssl_starttls = no
set ssl_force_tls = no
set header_cache = ""
set message_cachedir = ""
set sort = date
""")
    cmd = (f"mutt -n -F {muttrc} -f imap://127.0.0.1:{env.ports['imap']}/INBOX "
           f"-e 'push \"<tag-pattern>~A<enter><tag-prefix><copy-message>{out}<enter><quit>\"'")
    r = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, timeout=60,
                       env=dict(os.environ, TERM="vt100", HOME=sandbox))
    assert os.path.exists(out), r.stdout.decode(errors="replace")[-2000:]
    data = open(out, "rb").read()
    assert b"Subject: mutt0" in data and b"Subject: mutt1" in data
    assert data.count(b"read by mutt") == 2
