"""mailboxd's POP3 service with real clients: poplib (USER/PASS, AUTH,
CAPA, UIDL, TOP, RETR, DELE), curl, and fetchmail pulling over POP3 and
IMAP into an mbox through mail.local; bad input gets -ERR."""
import os
import poplib
import socket
import subprocess
import time

import pytest

from mailboxd_env import MailboxdEnv, MAIL_LOCAL, message


@pytest.fixture(params=["maildir", "mbox"])
def env(request, sandbox):
    e = MailboxdEnv(sandbox, fmt=request.param)
    e.start()
    yield e
    e.stop()


def test_pop3_session(env):
    for i in range(3):
        assert env.deliver("alice", message(f"p{i}", ".starts with a dot\r\nbody\r\n")) == 0
    p = poplib.POP3("127.0.0.1", env.ports["pop3"])
    caps = p.capa()
    assert "UIDL" in caps and "TOP" in caps and "USER" in caps and "SASL" in caps
    p.user("alice")
    assert p.pass_("secret").startswith(b"+OK")
    count, size = p.stat()
    assert count == 3
    resp, listing, _ = p.uidl()
    uidls = [x.split()[1] for x in listing]
    assert len(set(uidls)) == 3
    resp, lines, octets = p.retr(2)
    assert b".starts with a dot" in lines
    assert b"Subject: p1" in lines
    resp, lines, _ = p.top(1, 0)
    assert lines[-1] == b"" and b"Subject: p0" in lines
    p.dele(1)
    with pytest.raises(poplib.error_proto):
        p.retr(1)
    p.quit()
    p = poplib.POP3("127.0.0.1", env.ports["pop3"])
    p.user("alice")
    p.pass_("secret")
    assert p.stat()[0] == 2
    resp, listing, _ = p.uidl()
    assert [x.split()[1] for x in listing] == uidls[1:]
    p.quit()
    assert env.wait_log("pop3-login: Login: user=<alice>")


def test_pop3_auth_plain_and_bad_input(env):
    s = socket.create_connection(("127.0.0.1", env.ports["pop3"]), timeout=5)
    f = s.makefile("rwb")
    assert f.readline().startswith(b"+OK")
    for cmd, want in ((b"STAT", b"-ERR"), (b"RETR 1", b"-ERR"), (b"BOGUS", b"-ERR"),
                      (b"X" * 5000, b"-ERR"), (b"AUTH PLAIN !!!notbase64", b"-ERR"),
                      (b"AUTH PLAIN AGFsaWNlAHNlY3JldA==", b"+OK"), (b"STAT", b"+OK"),
                      (b"RETR 99", b"-ERR"), (b"TOP 1 x", b"-ERR"), (b"QUIT", b"+OK")):
        f.write(cmd + b"\r\n")
        f.flush()
        assert f.readline().startswith(want), cmd
    s.close()


def test_curl_pop3(env):
    env.deliver("alice", message("curlpop", "via curl\r\n"))
    url = f"pop3://127.0.0.1:{env.ports['pop3']}/1"
    r = subprocess.run(["curl", "-s", "--user", "alice:secret", url], capture_output=True, timeout=30)
    assert r.returncode == 0 and b"via curl" in r.stdout


@pytest.mark.parametrize("proto", ["POP3", "IMAP"])
def test_fetchmail_into_mbox(env, sandbox, proto):
    for i in range(3):
        env.deliver("alice", message(f"fm{i}", "From the start\r\nfetched\r\n"))
    home = os.path.join(sandbox, "fmhome")
    os.makedirs(home, exist_ok=True)
    out = os.path.join(sandbox, "fetched.mbox")
    rc = os.path.join(home, ".fetchmailrc")
    port = env.ports["pop3" if proto == "POP3" else "imap"]
    with open(rc, "w") as f:
        f.write(f'poll 127.0.0.1 service {port} proto {proto} auth password\n'
                f'  user "alice" there with password "secret" is "bob" here\n'
                f'  sslproto "" fetchall\n'
                f'  mda "{MAIL_LOCAL} -M mbox:{sandbox}:INBOX={out} -C {env.conf} -f %F bob"\n')
    os.chmod(rc, 0o600)
    r = subprocess.run(["fetchmail", "-f", rc, "--nosyslog", "-N", "-s"],
                       env=dict(os.environ, HOME=home, FETCHMAILHOME=home),
                       capture_output=True, timeout=60)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    data = open(out, "rb").read()
    assert data.count(b"\nFrom ") + data.startswith(b"From ") == 3
    assert b">From the start" in data
    for i in range(3):
        assert f"Subject: fm{i}".encode() in data
