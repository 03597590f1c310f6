"""mailboxd's IMAP4rev1 service driven by real clients (python imaplib,
curl): login, capabilities, APPEND/FETCH byte-exact (10 MiB), IDLE,
UIDPLUS/MOVE, SEARCH, LIST with SPECIAL-USE and modified UTF-7 names,
concurrent delivery while two sessions expunge and append, and hostile
input answered with protocol errors while others keep being served."""
import imaplib
import os
import random
import socket
import subprocess
import threading
import time

import pytest

from mailboxd_env import MailboxdEnv, message


@pytest.fixture(params=["maildir", "mbox"])
def env(request, sandbox):
    e = MailboxdEnv(sandbox, fmt=request.param)
    e.start()
    yield e
    e.stop()


def login(env, user="alice"):
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    m.login(user, env.password)
    return m


def raw(env, data, port=None, read_until=b"", timeout=5.0):
    """Send raw bytes, return what came back until read_until or close."""
    s = socket.create_connection(("127.0.0.1", port or env.ports["imap"]), timeout=timeout)
    out = s.recv(4096)
    s.sendall(data)
    end = time.time() + timeout
    while time.time() < end and (not read_until or read_until not in out):
        try:
            chunk = s.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        out += chunk
    s.close()
    return out


def test_login_capability_and_logout_are_logged(env):
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    assert "IMAP4REV1" in m.capabilities and "AUTH=PLAIN" in m.capabilities
    typ, data = m.login("alice", "secret")
    assert typ == "OK"
    typ, data = m.capability()
    caps = data[0].decode().split()
    for c in ("UIDPLUS", "MOVE", "IDLE", "NAMESPACE", "LITERAL+", "SPECIAL-USE", "ENABLE",
              "ID", "UNSELECT", "CHILDREN"):
        assert c in caps
    m.logout()
    assert env.wait_log("imap-login: Login: user=<alice>, method=PLAIN, rip=127.0.0.1, lip=127.0.0.1")


def test_wrong_password_is_refused_and_logged(env):
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    with pytest.raises(imaplib.IMAP4.error):
        m.login("alice", "wrong")
    assert m.login("alice", "secret")[0] == "OK"
    m.logout()
    assert env.wait_log("Authentication failed: user=<alice>")


def test_append_fetch_10mib_byte_exact(env):
    rnd = random.Random(5)
    alphabet = bytes(range(32, 127))
    table = bytes(alphabet[i % len(alphabet)] for i in range(256))
    pool = [rnd.randbytes(rnd.randint(0, 200)).translate(table) for _ in range(512)]
    lines = [rnd.choice(pool) for _ in range(95000)]
    # "From " and "." at line starts must survive mbox quoting and dot rules
    lines[10] = b"From someone who starts a line"
    lines[11] = b">From quoted already"
    lines[12] = b"."
    body = b"\r\n".join(lines) + b"\r\n"
    msg = message("big", "") + body
    msg += b"x" * 70 + b"\r\n"
    msg += (b"y" * 70 + b"\r\n") * ((10 * 1024 * 1024 - len(msg)) // 72 + 1)
    m = login(env)
    typ, data = m.append("INBOX", None, None, msg)
    assert typ == "OK" and b"APPENDUID" in data[0]
    m.select("INBOX")
    typ, data = m.fetch("1", "(RFC822.SIZE BODY.PEEK[])")
    assert typ == "OK"
    assert data[0][1] == msg
    assert b"RFC822.SIZE %d" % len(msg) in data[0][0]
    m.logout()


def test_idle_reports_delivery(env):
    m = login(env)
    m.select("INBOX")
    tag = m._new_tag().decode()
    m.send(f"{tag} IDLE\r\n".encode())
    assert m.readline().startswith(b"+")
    assert env.deliver("alice", message("idle")) == 0
    m.sock.settimeout(10)
    line = m.readline()
    assert line == b"* 1 EXISTS\r\n"
    m.send(b"DONE\r\n")
    while not line.startswith(tag.encode()):
        line = m.readline()
    assert b"OK" in line
    m.logout()


def test_uidplus_copy_move_and_expunge(env):
    m = login(env)
    for i in range(3):
        m.append("INBOX", None, None, message(f"m{i}"))
    assert m.create("Archive")[0] == "OK"
    m.select("INBOX")
    typ, data = m.uid("COPY", "1:2", "Archive")
    assert typ == "OK"
    typ, data = m.response("COPYUID")
    assert data[0].split()[1:] == [b"1:2", b"1:2"]
    typ, data = m.uid("MOVE", "3", "Archive")
    assert typ == "OK"
    assert m.response("EXPUNGE")[1] == [b"3"]
    assert m.status("Archive", "(MESSAGES UIDNEXT)")[1][0].endswith(b"(MESSAGES 3 UIDNEXT 4)")
    m.store("1", "+FLAGS", "(\\Deleted)")
    typ, data = m.expunge()
    assert data == [b"1"]
    typ, data = m.search(None, "ALL")
    assert data == [b"1"]
    m.logout()


def test_search_fetch_structure(env):
    m = login(env)
    mime = ("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"XX\"\r\n\r\n"
            "--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nfirst part\r\n"
            "--XX\r\nContent-Type: application/octet-stream\r\nContent-Transfer-Encoding: base64\r\n"
            "\r\naGVsbG8=\r\n--XX--\r\n")
    head, tail = mime.split("\r\n\r\n", 1)
    m.append("INBOX", "(\\Flagged)", None, message("mime", tail, extra=head + "\r\n"))
    m.append("INBOX", None, None, message("plain", "needle in here\r\n", sender="Bob <bob@x.org>"))
    m.select("INBOX")
    assert m.search(None, "FLAGGED")[1] == [b"1"]
    assert m.search(None, "BODY", "needle")[1] == [b"2"]
    assert m.search(None, "FROM", "bob@x.org")[1] == [b"2"]
    assert m.search(None, "NOT", "SUBJECT", "mime")[1] == [b"2"]
    assert m.search(None, "OR", "LARGER", "100000", "SENTON", "2-Jan-2023")[1] == [b"1 2"]
    assert m.uid("SEARCH", "UID", "2:*")[1] == [b"2"]
    typ, data = m.fetch("1", "(BODYSTRUCTURE BODY[1] BODY[2.MIME] ENVELOPE)")
    text = b"".join(x if isinstance(x, bytes) else x[0] + x[1] for x in data)
    assert b'("text" "plain" ("charset" "utf-8") NIL NIL "7bit" 10 0' in text
    assert b'"mixed" ("boundary" "XX")' in text
    assert b"first part" in text
    assert b"Content-Transfer-Encoding: base64" in text
    typ, data = m.fetch("2", "(ENVELOPE)")
    assert b'(("Bob" NIL "bob" "x.org"))' in data[0]
    m.logout()


def test_list_special_use_and_mutf7(env):
    m = login(env)
    for name in ("Sent", "Drafts", "Trash", "&ZeVnLIqe-", "Projects/2024" if env.fmt == "mbox"
                 else "Projects.2024"):
        assert m.create(name)[0] == "OK", name
    typ, data = m.list()
    text = b"\n".join(data)
    assert b'\\Sent) ' in text and b'\\Trash) ' in text
    assert b'"&ZeVnLIqe-"' in text
    assert b"\\HasChildren" in text
    typ, data = m.create("&Jjo")
    assert typ == "NO"
    typ, data = m._simple_command("LIST", '""', '""')
    assert typ == "OK"
    assert m.subscribe("Sent")[0] == "OK"
    assert b'"Sent"' in m.lsub()[1][0]
    assert m.rename("Drafts", "Drafts2")[0] == "OK"
    assert m.delete("Drafts2")[0] == "OK"
    m.logout()


def test_two_sessions_expunge_and_append_while_delivering(env):
    """Nothing is lost when deliveries run while two clients expunge and append."""
    stop = threading.Event()
    errors = []
    appended = []

    def worker(name):
        try:
            m = login(env)
            m.select("INBOX")
            i = 0
            # at least one round each, however fast the deliveries were
            while i == 0 or not stop.is_set():
                subj = f"{name}-{i}"
                typ, _ = m.append("INBOX", None, None, message(subj))
                assert typ == "OK"
                appended.append(subj)
                typ, data = m.search(None, "SUBJECT", "doomed")
                ids = data[0].split()
                if ids:
                    m.store(b",".join(ids).decode(), "+FLAGS", "(\\Deleted)")
                    m.expunge()
                m.noop()
                i += 1
            m.logout()
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(repr(e))

    m0 = login(env)
    for i in range(5):
        m0.append("INBOX", None, None, message(f"doomed{i}"))
    m0.logout()
    threads = [threading.Thread(target=worker, args=(n,)) for n in ("A", "B")]
    for t in threads:
        t.start()
    delivered = []
    for i in range(25):
        subj = f"delivered-{i}"
        assert env.deliver("alice", message(subj)) == 0
        delivered.append(subj)
    stop.set()
    for t in threads:
        t.join(60)
    assert not errors, errors
    m = login(env)
    m.select("INBOX")
    typ, data = m.fetch("1:*", "(BODY.PEEK[HEADER.FIELDS (SUBJECT)])")
    subjects = [x[1].decode().split(":", 1)[1].strip() for x in data if isinstance(x, tuple)]
    for s in delivered + appended:
        assert subjects.count(s) == 1, s
    assert not [s for s in subjects if s.startswith("doomed")]
    m.logout()


def test_commands_before_login_get_protocol_errors(env):
    out = raw(env, b"a SELECT INBOX\r\nb FETCH 1 FLAGS\r\nc LOGOUT\r\n", read_until=b"c OK")
    assert b"a BAD" in out and b"b BAD" in out and b"c OK" in out


def test_hostile_input_gets_errors_and_service_goes_on(env):
    # a 100,000-character command line
    out = raw(env, b"a NOOP " + b"x" * 100000 + b"\r\nb NOOP\r\n", read_until=b"b OK")
    assert b"BAD" in out and b"b OK" in out
    # a literal announcing 1 GB (synchronizing: refused, no go-ahead)
    out = raw(env, b"a LOGIN {1000000000}\r\nb LOGOUT\r\n", read_until=b"b OK")
    assert b"a BAD" in out and b"+ OK" not in out
    # a non-synchronizing 1 GB literal: the server hangs up
    out = raw(env, b"a LOGIN {1000000000+}\r\nxxxx", read_until=b"BYE")
    assert b"BYE" in out
    # an unterminated literal, then the client goes away
    out = raw(env, b"a LOGIN {10}\r\nabc", read_until=b"+ OK", timeout=1)
    assert b"+ OK" in out
    # garbage, NULs, unbalanced parentheses
    out = raw(env, b"\x00\x01\xff\r\n* NOOP\r\na FETCH (((\r\nb (\r\nc LOGOUT\r\n",
              read_until=b"c OK")
    assert b"BAD" in out and b"c OK" in out
    # invalid modified UTF-7 after login
    m = login(env)
    typ, data = m.create("&Jjo")
    assert typ == "NO"
    typ, data = m.create("a&AGE-b")  # encodes ASCII: not the shortest form
    assert typ == "NO"
    m.logout()
    assert env.alive()
    m = login(env)
    assert m.select("INBOX")[0] == "OK"
    m.logout()


def test_curl_lists_and_fetches(env):
    env.deliver("alice", message("for-curl", "curl body\r\n"))
    base = f"imap://127.0.0.1:{env.ports['imap']}"
    r = subprocess.run(["curl", "-s", "--user", "alice:secret", base + "/"],
                       capture_output=True, timeout=30)
    assert r.returncode == 0 and b"INBOX" in r.stdout
    r = subprocess.run(["curl", "-s", "--user", "alice:secret", base + "/INBOX;UID=1"],
                       capture_output=True, timeout=30)
    assert r.returncode == 0 and b"curl body" in r.stdout


def test_authenticate_plain_and_login_mechanisms(env):
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    typ, data = m.authenticate("PLAIN", lambda _: b"\0alice\0secret")
    assert typ == "OK"
    m.logout()
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    answers = iter([b"alice", b"secret"])
    typ, data = m.authenticate("LOGIN", lambda _: next(answers))
    assert typ == "OK"
    m.logout()
