"""The SMTP client on the wire: a scripted peer (lab_peer.Peer) records
what Sendwell sends when it routes through SMART_HOST, mailertable,
MAIL_HUB and LUSER_RELAY: PIPELINING, SIZE, 8BITMIME and 8->7 bit
conversion, DSN parameters, AUTH from the authinfo map, per-recipient
outcomes, per-phase timeouts, connection reuse within a queue run,
IPv6 literals and the client's source address (CLIENT_OPTIONS)."""
import os
import socket
import time

import pytest

from lab_peer import Peer
from mta_env import MtaEnv

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root", allow_module_level=True)

SENDER = "bin@mail.hamap.local"   # a real user: bounces come back to it
# not 127.0.0.1: that is one of our own names ([127.0.0.1] is in class w)
IP = "127.0.0.2"


def mta(sandbox, peer, mc=(), maps=None, smart=f"[{IP}]", **kw):
    lines = [f"define(`ESMTP_MAILER_ARGS', `TCP $h {peer.port}')dnl",
             f"define(`RELAY_MAILER_ARGS', `TCP $h {peer.port}')dnl",
             f"define(`SMTP_MAILER_ARGS', `TCP $h {peer.port}')dnl"]
    if smart:
        lines.append(f"define(`SMART_HOST', `{smart}')dnl")
    lines += list(mc)
    return MtaEnv(sandbox, mc_lines=lines, maps=maps, **kw)


def send(env, rcpts, body="hello\n", args=(), subject="t", headers=""):
    msg = f"From: {SENDER}\nTo: {', '.join(rcpts)}\nSubject: {subject}\n{headers}\n{body}"
    r = env.sendmail("-odq", "-f", SENDER, *args, *rcpts, input=msg)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.fixture
def peer():
    p = Peer(ip=IP)
    yield p
    p.stop()


def test_smart_host_gets_the_mail_pipelined_with_size(sandbox, peer):
    env = mta(sandbox, peer)
    send(env, ["friend@far.example"])
    env.sendmail("-q")
    msgs = peer.messages()
    assert len(msgs) == 1
    mail, rcpts, data = msgs[0]
    assert mail.startswith(f"MAIL From:<{SENDER}>")
    assert rcpts == ["RCPT To:<friend@far.example>"]
    assert "Subject: t" in data and "hello" in data
    s = peer.sessions[0]
    assert s.commands[0] == "EHLO mail.hamap.local"
    assert s.pipelined
    assert s.commands[-1] == "QUIT"
    log = env.log()
    assert f"relay=[{IP}] [{IP}]" in log
    assert "mailer=relay" in log and "stat=Sent (Ok: queued as M1)" in log
    assert env.queue_files() == []


def test_no_pipelining_without_the_extension_and_size_is_sent(sandbox):
    p = Peer(ip=IP, ext=("SIZE 100000",))
    try:
        env = mta(sandbox, p)
        send(env, ["a@far.example", "b@far.example"])
        env.sendmail("-q")
        assert len(p.messages()) == 1
        s = p.sessions[0]
        assert not s.pipelined
        assert " SIZE=" in p.messages()[0][0]
        assert len(p.messages()[0][1]) == 2
    finally:
        p.stop()


def test_too_big_for_the_peer_bounces_without_sending(sandbox):
    p = Peer(ip=IP, size=50)
    try:
        env = mta(sandbox, p)
        send(env, ["a@far.example"], body="x" * 500 + "\n")
        env.sendmail("-q")
        assert p.messages() == []
        log = env.log()
        assert "dsn=5.3.4" in log
    finally:
        p.stop()


def test_dsn_parameters_are_passed_on_when_offered(sandbox, peer):
    env = mta(sandbox, peer)
    send(env, ["a@far.example"], args=("-N", "success,failure", "-R", "hdrs", "-V", "env+id=1"))
    env.sendmail("-q")
    mail, rcpts, _ = peer.messages()[0]
    assert "RET=HDRS" in mail
    assert "ENVID=env+2Bid+3D1" in mail
    assert "NOTIFY=SUCCESS,FAILURE" in rcpts[0]


def test_dsn_parameters_are_left_out_when_not_offered(sandbox):
    p = Peer(ip=IP, ext=("PIPELINING",))
    try:
        env = mta(sandbox, p)
        send(env, ["a@far.example"], args=("-N", "never", "-V", "abc"))
        env.sendmail("-q")
        mail, rcpts, _ = p.messages()[0]
        assert "ENVID" not in mail and "NOTIFY" not in rcpts[0]
    finally:
        p.stop()


def test_8bit_body_goes_as_8bitmime_when_offered(sandbox, peer):
    env = mta(sandbox, peer)
    send(env, ["a@far.example"], body="caf\u00e9 \ud55c\uae00\n")
    env.sendmail("-q")
    mail, _, data = peer.messages()[0]
    assert "BODY=8BITMIME" in mail
    assert "\u00e9".encode().decode("latin-1") in data


def test_8bit_body_is_made_quoted_printable_for_a_7bit_peer(sandbox):
    p = Peer(ip=IP, ext=("PIPELINING",))
    try:
        # esmtp, not relay: the relay mailer has F=8 and would send as is
        env = mta(sandbox, p, smart=f"esmtp:[{IP}]",
                  mc=["define(`confEIGHT_BIT_HANDLING', `m')dnl"])
        send(env, ["a@far.example"], body="caf\u00e9 =ok\n.dot\n")
        env.sendmail("-q")
        mail, _, data = p.messages()[0]
        assert "BODY=" not in mail
        assert "Content-Transfer-Encoding: quoted-printable" in data
        assert "caf=C3=A9 =3Dok" in data
        assert all(ord(ch) < 128 for ch in data)
        assert "\r\n.dot\r\n" in data
    finally:
        p.stop()


def test_multipart_8bit_parts_are_encoded_one_by_one_for_a_7bit_peer(sandbox):
    """EightBitMode=m with a multipart message: the 8-bit text part is made
    quoted-printable, the base64 part and the structure stay, and the
    message the peer gets decodes to what was sent."""
    import email
    import email.policy
    p = Peer(ip=IP, ext=("PIPELINING",))
    try:
        env = mta(sandbox, p, smart=f"esmtp:[{IP}]",
                  mc=["define(`confEIGHT_BIT_HANDLING', `m')dnl"])
        body = ("--sep\n"
                "Content-Type: text/plain; charset=utf-8\n"
                "Content-Transfer-Encoding: 8bit\n\n"
                "gr\u00fc\u00df dich\n.leading dot\n"
                "--sep\n"
                "Content-Type: application/octet-stream\n"
                "Content-Transfer-Encoding: base64\n\n"
                "AAECAw==\n"
                "--sep--\n")
        send(env, ["a@far.example"], body=body,
             headers="MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=sep\n"
                     "Content-Transfer-Encoding: 8bit\n")
        env.sendmail("-q")
        mail, _, data = p.messages()[0]
        assert "BODY=" not in mail
        assert all(ord(ch) < 128 for ch in data)
        msg = email.message_from_string(data, policy=email.policy.default)
        assert msg.is_multipart() and msg["Content-Transfer-Encoding"] == "7bit"
        text, blob = msg.get_payload()
        assert text["Content-Transfer-Encoding"] == "quoted-printable"
        # (the line end before a boundary belongs to the boundary)
        assert text.get_content().replace("\r\n", "\n") == "gr\u00fc\u00df dich\n.leading dot"
        assert blob.get_content() == b"\x00\x01\x02\x03"
    finally:
        p.stop()


def test_f7_strips_the_eighth_bit(sandbox, peer):
    env = mta(sandbox, peer, mc=["MODIFY_MAILER_FLAGS(`RELAY', `+7')dnl"])
    send(env, ["a@far.example"], body="caf\u00e9\n")
    env.sendmail("-q")
    mail, _, data = peer.messages()[0]
    assert all(ord(ch) < 128 for ch in data)
    assert "BODY=8BITMIME" not in mail


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_auth_to_the_smart_host_from_the_authinfo_map(sandbox, mech):
    p = Peer(ip=IP, auth=("relayuser", "s3cret pw", "PLAIN LOGIN CRAM-MD5"))
    try:
        authinfo = f'AuthInfo:{IP} "U:relayuser" "P:s3cret pw" "M:{mech}"\n'
        env = mta(sandbox, p, mc=[
            f"FEATURE(`authinfo', `hash -o {sandbox}/authinfo')dnl"])
        from mta_env import MAKEMAP
        import subprocess
        path = os.path.join(sandbox, "authinfo")
        with open(path, "w") as f:
            f.write(authinfo)
        subprocess.run([MAKEMAP, "hash", path], input=authinfo, text=True, check=True)
        send(env, ["a@far.example"])
        env.sendmail("-q")
        assert p.sessions and p.sessions[0].auth == "relayuser"
        assert any(c.upper().startswith("AUTH " + mech) for c in p.sessions[0].commands)
        assert " AUTH=" in p.messages()[0][0]
        assert f"AUTH=client, relay=[{IP}], mech=" + mech in env.log()
    finally:
        p.stop()


def test_wrong_auth_password_defers(sandbox):
    p = Peer(ip=IP, auth=("relayuser", "right", "PLAIN"))
    try:
        authinfo = f'AuthInfo:{IP} "U:relayuser" "P:wrong"\n'
        env = mta(sandbox, p, mc=[f"FEATURE(`authinfo', `hash -o {sandbox}/authinfo')dnl"])
        from mta_env import MAKEMAP
        import subprocess
        path = os.path.join(sandbox, "authinfo")
        subprocess.run([MAKEMAP, "hash", path], input=authinfo, text=True, check=True)
        send(env, ["a@far.example"])
        env.sendmail("-q")
        assert p.messages() == []
        assert len(env.queue_files()) == 1
        assert "stat=Deferred: 535 5.7.8" in env.log()
    finally:
        p.stop()


def test_per_recipient_outcomes_bounce_defer_and_deliver(sandbox):
    p = Peer(ip=IP, rcpt_replies={"bad@far.example": "550 5.1.1 <bad@far.example>... User unknown",
                           "later@far.example": "451 4.3.0 try later"})
    try:
        env = mta(sandbox, p)
        send(env, ["good@far.example", "bad@far.example", "later@far.example"])
        env.sendmail("-q")
        assert [r for _, r, _ in p.messages()] == [["RCPT To:<good@far.example>"]]
        bounce = env.wait_messages("bin", 1)
        assert bounce and "bad@far.example" in bounce[0] and "5.1.1" in bounce[0]
        assert len(env.queue_files()) == 1
        log = env.log()
        assert any("later@far.example" in ln and "stat=Deferred: 451 4.3.0 try later" in ln
                   for ln in log.splitlines())
        # a refused recipient is logged as sendmail logs it: the mapped
        # status text, the reply itself only in the bounce
        assert any("bad@far.example" in ln and "dsn=5.1.1, stat=User unknown" in ln
                   for ln in log.splitlines())
        assert "550 5.1.1 <bad@far.example>... User unknown" in bounce[0]
        # the next run tries only the deferred one
        p.rcpt_replies.clear()
        env.sendmail("-q")
        assert [r for _, r, _ in p.messages()][1] == ["RCPT To:<later@far.example>"]
        assert env.queue_files() == []
    finally:
        p.stop()


def test_one_connection_carries_the_whole_queue_run(sandbox, peer):
    env = mta(sandbox, peer)
    for i in range(5):
        send(env, [f"u{i}@far.example"], subject=f"n{i}")
    env.sendmail("-q")
    assert len(peer.messages()) == 5
    assert len(peer.sessions) == 1
    assert env.queue_files() == []


def test_connection_cache_size_zero_opens_one_per_message(sandbox, peer):
    env = mta(sandbox, peer, mc=["define(`confMCI_CACHE_SIZE', `0')dnl"])
    for i in range(3):
        send(env, [f"u{i}@far.example"])
    env.sendmail("-q")
    assert len(peer.messages()) == 3
    assert len(peer.sessions) == 3


def test_greeting_timeout_defers(sandbox):
    p = Peer(ip=IP, greeting_delay=3)
    try:
        env = mta(sandbox, p, mc=["define(`confTO_INITIAL', `1s')dnl"])
        send(env, ["a@far.example"])
        t0 = time.time()
        env.sendmail("-q")
        assert time.time() - t0 < 3
        assert len(env.queue_files()) == 1
        assert "stat=Deferred" in env.log()
    finally:
        p.stop()


def test_mailertable_domain_and_subdomain_entries_and_error(sandbox, peer):
    mt = (f".sub.example esmtp:[{IP}]\n"
          f"exact.example relay:[{IP}]\n"
          f"blocked.example error:5.7.1:\"550 no mail for blocked.example\"\n")
    env = mta(sandbox, peer, smart=None, maps={"mailertable": mt})
    send(env, ["x@host.sub.example", "y@exact.example"])
    env.sendmail("-q")
    rc = sorted(r for _, rs, _ in peer.messages() for r in rs)
    assert rc == ["RCPT To:<x@host.sub.example>", "RCPT To:<y@exact.example>"]
    r = env.sendmail("-odi", "-f", SENDER, "z@blocked.example", input="Subject: b\n\nb\n")
    assert "no mail for blocked.example" in r.stderr + r.stdout + env.log()


def test_host_list_falls_back_to_the_next_host(sandbox, peer):
    mt = f"list.example esmtp:[127.0.0.9]:[{IP}]\n"
    env = mta(sandbox, peer, smart=None, maps={"mailertable": mt})
    send(env, ["x@list.example"])
    env.sendmail("-q")
    assert len(peer.messages()) == 1
    assert f"relay=[{IP}] [{IP}]" in env.log()


def test_luser_relay_takes_unknown_local_users(sandbox, peer):
    env = mta(sandbox, peer, smart=None, mc=[f"define(`LUSER_RELAY', `relay:[{IP}]')dnl"])
    r = env.sendmail("-odq", "-f", SENDER, "nosuchuser", input="Subject: l\n\nl\n")
    assert r.returncode == 0, r.stderr
    env.sendmail("-q")
    msgs = peer.messages()
    assert len(msgs) == 1 and "nosuchuser" in msgs[0][1][0]
    # a real user stays local
    env.sendmail("-odi", "-f", SENDER, "root", input="Subject: r\n\nr\n")
    assert len(env.wait_messages("root", 1)) == 1


def test_mail_hub_takes_local_mail(sandbox, peer):
    env = mta(sandbox, peer, smart=None, mc=[f"define(`MAIL_HUB', `relay:[{IP}]')dnl"])
    env.sendmail("-odq", "-f", SENDER, "daemon", input="Subject: h\n\nh\n")
    env.sendmail("-q")
    msgs = peer.messages()
    assert len(msgs) == 1 and "daemon@" in msgs[0][1][0]


def test_ipv6_literal_smart_host(sandbox):
    try:
        p = Peer(ip="::1")
    except OSError:
        pytest.skip("no IPv6 loopback")
    try:
        env = mta(sandbox, p, smart="[IPv6:::1]")
        send(env, ["a@far.example"])
        env.sendmail("-q")
        assert len(p.messages()) == 1
        assert "[::1]" in env.log()
    finally:
        p.stop()


def test_client_options_source_address(sandbox):
    seen = []
    p = Peer(ip=IP)
    orig = p._session

    def spy(c):
        seen.append(c.getpeername()[0])
        orig(c)
    p._session = spy
    try:
        env = mta(sandbox, p, mc=["CLIENT_OPTIONS(`Family=inet, Addr=127.0.0.7')dnl"])
        send(env, ["a@far.example"])
        env.sendmail("-q")
        assert seen == ["127.0.0.7"]
    finally:
        p.stop()


def test_refused_connection_defers_and_is_remembered(sandbox):
    s = socket.socket()
    s.bind((IP, 0))
    port = s.getsockname()[1]
    s.close()

    class Dead:
        pass
    d = Dead()
    d.port = port
    env = mta(sandbox, d, mc=["define(`confHOST_STATUS_DIRECTORY', `.hoststat')dnl"])
    send(env, ["a@far.example"])
    env.sendmail("-q")
    assert len(env.queue_files()) == 1
    assert f"stat=Deferred: Connection refused by [{IP}]" in env.log()
    hs = env.sendmail("-bh").stdout
    assert f"[{IP}]" in hs and "Connection refused" in hs
    env.sendmail("-bH")
    assert IP not in env.sendmail("-bh").stdout


def test_default_auth_info_file_when_no_map_entry(sandbox):
    p = Peer(ip=IP, auth=("fileuser", "filepw", "LOGIN"))
    try:
        path = os.path.join(sandbox, "default-auth-info")
        with open(path, "w") as f:
            f.write("fileuser\nfileuser\nfilepw\nlab\nLOGIN\n")
        os.chmod(path, 0o600)
        env = mta(sandbox, p, mc=[f"define(`confDEF_AUTH_INFO', `{path}')dnl"])
        send(env, ["a@far.example"])
        env.sendmail("-q")
        assert p.sessions[0].auth == "fileuser"
        assert len(p.messages()) == 1
    finally:
        p.stop()


@pytest.mark.parametrize("mech", ["SCRAM-SHA-256", "DIGEST-MD5", None])
def test_auth_through_cyrus_to_our_own_server(sandbox, mech):
    """The client authenticates through libsasl2, so every mechanism the
    plugins have works against a Cyrus server (our daemon with a sasldb2):
    the one the entry's M: names, else the strongest both sides have."""
    from mta_env import MAKEMAP
    from secure_mta import SecureMta
    import subprocess
    from swpaths import free_port
    port = free_port()
    offered = "SCRAM-SHA-256 DIGEST-MD5 CRAM-MD5"
    srv = SecureMta(os.path.join(sandbox, "srv"), users=(("relayuser", "s3cret pw"),),
                    mechanisms=offered, mech_list=offered, trust=offered,
                    mc_lines=[f"DAEMON_OPTIONS(`Port={port}, Addr={IP}, Name=SH')dnl",
                              "FEATURE(`accept_unresolvable_domains')dnl"])
    srv.start()
    try:
        import smtplib
        with smtplib.SMTP(IP, port) as c:
            c.ehlo("probe.example")
            if mech != "DIGEST-MD5" and "SCRAM-SHA-256" not in c.esmtp_features.get("auth", ""):
                pytest.skip("this Cyrus SASL has no SCRAM plugin")
        cli_dir = os.path.join(sandbox, "cli")
        os.makedirs(cli_dir)
        m = f' "M:{mech}"' if mech else ""
        authinfo = f'AuthInfo:{IP} "U:relayuser" "P:s3cret pw"{m}\n'
        path = os.path.join(cli_dir, "authinfo")
        cli = MtaEnv(cli_dir, hostname_domain="client.example.net", mc_lines=[
            f"define(`RELAY_MAILER_ARGS', `TCP $h {port}')dnl",
            f"define(`SMART_HOST', `[{IP}]')dnl",
            f"FEATURE(`authinfo', `hash -o {path}')dnl"])
        subprocess.run([MAKEMAP, "hash", path], input=authinfo, text=True, check=True)
        msg = "From: bin@client.example.net\nSubject: via cyrus\n\nhello\n"
        assert cli.sendmail("-odq", "-f", "bin@client.example.net", "root@mail.hamap.local",
                            input=msg).returncode == 0
        cli.sendmail("-q")
        used = mech or "SCRAM-SHA-256"
        assert f"AUTH=client, relay=[{IP}], mech={used}, bits=0" in cli.log(), cli.log()
        assert srv.wait_log(f"authid=relayuser, mech={used}"), srv.log()
        assert len(srv.mta.wait_messages("root", 1)) == 1, srv.log()
        assert cli.queue_files() == []
    finally:
        srv.stop()
