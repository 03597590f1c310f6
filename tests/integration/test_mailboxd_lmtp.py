"""mailboxd's LMTP server (RFC 2033) for sendmail's local_lmtp: a TCP
port and a unix socket, one reply per recipient after DATA, unknown
users refused at RCPT, +detail addresses, quota answers, and the
Return-Path/Delivered-To headers it adds."""
import os
import smtplib
import socket

import pytest

from mailboxd_env import MailboxdEnv, message


@pytest.fixture(params=["maildir", "mbox"])
def env(request, sandbox):
    e = MailboxdEnv(sandbox, fmt=request.param, extra="quota_rule = *:storage=50K\n")
    e.start()
    yield e
    e.stop()


def read_inbox(env, user):
    if env.fmt == "mbox":
        return open(env.spool(user), "rb").read()
    d = os.path.join(env.maildir(user), "new")
    return b"".join(open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d)))


def test_lmtp_over_tcp_and_unix_socket(env):
    l = smtplib.LMTP("127.0.0.1", env.ports["lmtp"])
    refused = l.sendmail("s@x.org", ["alice@x.org", "bob+box@x.org", "ghost@x.org"], message("one"))
    assert list(refused) == ["ghost@x.org"]
    l.quit()
    l = smtplib.LMTP(env.lmtp_socket)
    assert l.sendmail("s@x.org", ["alice"], message("two")) == {}
    l.quit()
    a = read_inbox(env, "alice")
    assert b"Subject: one" in a and b"Subject: two" in a
    assert b"Return-Path: <s@x.org>" in a and b"Delivered-To: alice@x.org" in a
    assert b"Subject: one" in read_inbox(env, "bob")


def test_lmtp_per_recipient_quota_reply(env):
    l = smtplib.LMTP("127.0.0.1", env.ports["lmtp"])
    code, _ = l.ehlo_or_helo_if_needed() or (250, b"")
    l.mail("s@x.org")
    assert l.rcpt("alice")[0] == 250
    assert l.rcpt("bob")[0] == 250
    l.putcmd("data")
    assert l.getreply()[0] == 354
    l.send(b"Subject: big\r\n\r\n" + b"z" * 60000 + b"\r\n.\r\n")
    assert l.getreply()[0] == 452
    assert l.getreply()[0] == 452
    l.quit()


def test_lmtp_bad_sequences(env):
    s = socket.create_connection(("127.0.0.1", env.ports["lmtp"]), timeout=5)
    f = s.makefile("rwb")
    assert f.readline().startswith(b"220")
    for cmd, code in ((b"MAIL FROM:<a@b>", b"503"), (b"HELO x", b"500"), (b"LHLO x", b"250"),
                      (b"DATA", b"503"), (b"RCPT TO:<alice>", b"503"), (b"MAIL FROM:<a@b>", b"250"),
                      (b"RCPT TO:<>", b"501"), (b"X" * 10000, b"500"), (b"QUIT", b"221")):
        f.write(cmd + b"\r\n")
        f.flush()
        line = f.readline()
        while line[3:4] == b"-":
            line = f.readline()
        assert line.startswith(code), (cmd, line)
    s.close()
