"""mailboxd with TLS: STARTTLS and STLS on the plain ports, implicit TLS
on the imaps/pop3s ports (certificates made with openssl req), plaintext
logins refused (LOGINDISABLED) until TLS is on, the login log line
saying TLS, and curl over imaps/pop3s."""
import imaplib
import poplib
import ssl
import subprocess

import pytest

from mailboxd_env import MailboxdEnv, message


@pytest.fixture
def env(sandbox):
    e = MailboxdEnv(sandbox, tls=True, plaintext=False)
    e.start()
    yield e
    e.stop()


def ctx(env):
    c = ssl.create_default_context(cafile=env.cert)
    c.check_hostname = False
    return c


def test_logindisabled_until_starttls(env):
    m = imaplib.IMAP4("127.0.0.1", env.ports["imap"])
    assert "LOGINDISABLED" in m.capabilities and "STARTTLS" in m.capabilities
    assert "AUTH=PLAIN" not in m.capabilities
    with pytest.raises(imaplib.IMAP4.error):
        m.login("alice", "secret")
    m.starttls(ssl_context=ctx(env))
    assert "LOGINDISABLED" not in m.capabilities
    assert m.login("alice", "secret")[0] == "OK"
    m.select("INBOX")
    m.append("INBOX", None, None, message("over-tls"))
    assert m.search(None, "SUBJECT", "over-tls")[1] == [b"1"]
    m.logout()
    assert env.wait_log("method=PLAIN, rip=127.0.0.1, lip=127.0.0.1")
    assert env.wait_log(", TLS")


def test_implicit_tls_imaps_and_pop3s(env):
    env.deliver("alice", message("tls"))
    m = imaplib.IMAP4_SSL("127.0.0.1", env.ports["imaps"], ssl_context=ctx(env))
    assert m.login("alice", "secret")[0] == "OK"
    m.select("INBOX")
    typ, data = m.fetch("1", "(BODY[])")
    assert b"Subject: tls" in data[0][1]
    m.logout()
    p = poplib.POP3_SSL("127.0.0.1", env.ports["pop3s"], context=ctx(env))
    p.user("alice")
    p.pass_("secret")
    assert p.stat()[0] == 1
    p.quit()
    p = poplib.POP3("127.0.0.1", env.ports["pop3"])
    assert "STLS" in p.capa()
    with pytest.raises(poplib.error_proto):
        p.user("alice")
    p.stls(context=ctx(env))
    p.user("alice")
    assert p.pass_("secret").startswith(b"+OK")
    p.quit()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_tls_versions_and_garbage_handshake(env):
    import socket
    c = ctx(env)
    c.maximum_version = ssl.TLSVersion.TLSv1_1
    c.minimum_version = ssl.TLSVersion.TLSv1
    c.set_ciphers("ALL:@SECLEVEL=0")
    with pytest.raises((ssl.SSLError, OSError)):
        with socket.create_connection(("127.0.0.1", env.ports["imaps"]), timeout=5) as s:
            with c.wrap_socket(s) as t:
                t.recv(10)
    with socket.create_connection(("127.0.0.1", env.ports["imaps"]), timeout=5) as s:
        s.sendall(b"\x16\x03\x01garbage that is not a client hello\r\n" * 10)
        try:
            s.recv(100)
        except OSError:
            pass
    m = imaplib.IMAP4_SSL("127.0.0.1", env.ports["imaps"], ssl_context=ctx(env))
    assert m.login("alice", "secret")[0] == "OK"
    m.logout()


def test_curl_imaps_and_pop3s(env):
    env.deliver("alice", message("curl-tls", "secret body\r\n"))
    r = subprocess.run(["curl", "-s", "--cacert", env.cert, "--user", "alice:secret",
                        f"imaps://localhost:{env.ports['imaps']}/INBOX;UID=1"],
                       capture_output=True, timeout=30)
    assert r.returncode == 0 and b"secret body" in r.stdout
    r = subprocess.run(["curl", "-s", "--cacert", env.cert, "--user", "alice:secret",
                        f"pop3s://localhost:{env.ports['pop3s']}/1"],
                       capture_output=True, timeout=30)
    assert r.returncode == 0 and b"secret body" in r.stdout
    r = subprocess.run(["curl", "-s", "--ssl-reqd", "--cacert", env.cert, "--user", "alice:secret",
                        f"imap://localhost:{env.ports['imap']}/INBOX;UID=1"],
                       capture_output=True, timeout=30)
    assert r.returncode == 0 and b"secret body" in r.stdout
