"""SMTP AUTH on the MTA through Cyrus SASL, as the lab guides set it up:
AuthMechanisms intersected with what SASL offers, AuthOptions p hiding
PLAIN/LOGIN until STARTTLS, relaying for authenticated users decided by
TRUST_AUTH_MECH in the config, sasldb2 (virtual users) and saslauthd
(system users from /etc/shadow), AUTH= on MAIL and trust_auth, protocol
errors, and failed AUTHs: a delay that grows, 421 after a few on one
connection, 454 for an address that keeps failing - while the daemon
goes on serving everybody else."""
import base64
import hashlib
import hmac
import os
import secrets
import shutil
import smtplib
import subprocess
import threading
import time

import pytest

from secure_mta import HOST, Conn, SecureMta, sasl_group, swaks

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root (the daemon binds and drops privileges)",
                allow_module_level=True)


def b64(s):
    return base64.b64encode(s.encode()).decode()


def plain(user, password):
    return b64(f"\0{user}\0{password}")


@pytest.fixture
def smta(sandbox):
    env = SecureMta(sandbox, users=(("alice", "secret"), ("bob", "hunter2"))).start()
    yield env
    env.stop()


def test_plaintext_mechanisms_only_after_starttls_with_authoptions_p(smta):
    c = Conn(smta.p587)
    c.reply()
    ehlo = c.cmd("EHLO client.example")
    assert "250-AUTH DIGEST-MD5 CRAM-MD5\n" in ehlo + "\n", ehlo
    # PLAIN is not offered, so it is not accepted either
    assert c.cmd("AUTH PLAIN " + plain("alice", "secret")) == \
        "504 5.3.3 AUTH mechanism PLAIN not available"
    c.starttls()
    ehlo = c.cmd("EHLO client.example")
    assert "250-AUTH DIGEST-MD5 CRAM-MD5 LOGIN PLAIN" in ehlo
    assert c.cmd("AUTH PLAIN " + plain("alice", "secret")) == "235 2.0.0 OK Authenticated"
    # once authenticated: no second AUTH, and EHLO stops offering it
    assert c.cmd("AUTH PLAIN " + plain("alice", "secret")) == "503 5.5.0 Already Authenticated"
    assert "AUTH" not in c.cmd("EHLO client.example")
    c.close()


def test_without_p_plain_is_offered_on_a_plain_connection(sandbox):
    env = SecureMta(sandbox, auth_options="A").start()
    try:
        with smtplib.SMTP("127.0.0.1", env.port) as c:
            c.ehlo()
            assert c.esmtp_features["auth"].strip() == "DIGEST-MD5 CRAM-MD5 LOGIN PLAIN"
            c.user, c.password = "alice", "secret"
            assert c.auth("PLAIN", c.auth_plain)[0] == 235
    finally:
        env.stop()


def test_advertised_list_is_authmechanisms_intersected_with_sasl(sandbox):
    # SCRAM-SHA-1 is in SASL's list but not in AuthMechanisms; GSSAPI the
    # other way round: neither is offered
    env = SecureMta(sandbox, auth_options="", mechanisms="GSSAPI CRAM-MD5 PLAIN",
                    mech_list="PLAIN LOGIN CRAM-MD5 SCRAM-SHA-1").start()
    try:
        c = Conn(env.port)
        c.reply()
        assert "250-AUTH CRAM-MD5 PLAIN\n" in c.cmd("EHLO x.example") + "\n"
        assert c.cmd("AUTH LOGIN").startswith("504 5.3.3")
        assert c.cmd("AUTH SCRAM-SHA-1").startswith("504 5.3.3")
        c.close()
    finally:
        env.stop()


def test_relaying_refused_for_outside_client_and_accepted_with_auth(smta):
    msg = "Subject: relay\r\n\r\nbody\r\n"
    # 127.0.0.2 is not loopback's 127.0.0.1: an outside client
    c = Conn(smta.port, source="127.0.0.2")
    c.reply()
    c.cmd("EHLO outside.example")
    assert c.cmd("MAIL FROM:<alice@mail.hamap.local>").startswith("250")
    r = c.cmd("RCPT TO:<victim@elsewhere.example>")
    # 127.0.0.2 has no name here: the cf gives that reason before the
    # "Proper authentication required." it gives a resolved client
    assert r == "550 5.7.1 <victim@elsewhere.example>... Relaying denied. " \
                "IP name lookup failed [127.0.0.2]", r
    c.close()
    # the same with AUTH (swaks: STARTTLS, then PLAIN)
    r = swaks("--server", f"127.0.0.1:{smta.port}", "--local-interface", "127.0.0.2",
              "--tls", "--auth", "PLAIN", "--au", "alice", "--ap", "secret",
              "--from", "alice@" + HOST, "--to", "victim@elsewhere.example",
              "--data", msg)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "250 2.1.5 <victim@elsewhere.example>... Recipient ok" in r.stdout
    assert "Message accepted for delivery" in r.stdout
    assert smta.wait_log("proto=ESMTPSA, daemon=MTA, relay=[127.0.0.2]")
    # and with python's smtplib over the SMTPS port
    with smtplib.SMTP_SSL("127.0.0.1", smta.p465, source_address=("127.0.0.2", 0),
                          context=smta.context()) as s:
        s.login("bob", "hunter2")
        refused = s.sendmail("bob@" + HOST, ["victim@elsewhere.example"], msg)
        assert refused == {}


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN", "CRAM-MD5"])
def test_sasldb_users_with_swaks_on_submission(smta, mech):
    r = swaks("--server", f"127.0.0.1:{smta.p587}", "--tls", "--auth", mech,
              "--au", "bob", "--ap", "hunter2", "--from", "bob@" + HOST,
              "--to", "root@" + HOST)
    assert r.returncode == 0, r.stdout + r.stderr
    assert smta.wait_log(f"authid=bob, mech={mech}, bits=0")
    r = swaks("--server", f"127.0.0.1:{smta.p587}", "--tls", "--auth", mech,
              "--au", "bob", "--ap", "wrong", "--from", "bob@" + HOST,
              "--to", "root@" + HOST)
    assert r.returncode != 0
    assert "535 5.7.0 authentication failed" in r.stdout
    assert smta.wait_log(f"AUTH failure ({mech}): ")
    assert len(smta.mta.wait_messages("root", 1)) == 1


def test_digest_md5_by_hand(smta):
    """DIGEST-MD5 (RFC 2831), the guides' default mechanism, spoken by
    hand since neither swaks nor smtplib know it without extra modules."""
    c = Conn(smta.port)
    c.reply()
    c.cmd("EHLO client.example")
    r = c.cmd("AUTH DIGEST-MD5")
    assert r.startswith("334 "), r
    chal = base64.b64decode(r[4:]).decode()
    fields = {}
    for part in chal.split(","):
        k, _, v = part.partition("=")
        fields[k.strip()] = v.strip().strip('"')
    realm = fields.get("realm", HOST)
    nonce, cnonce = fields["nonce"], secrets.token_hex(8)
    uri = "smtp/" + HOST

    def md5(b):
        return hashlib.md5(b).digest()
    a1 = md5(f"bob:{realm}:hunter2".encode()) + f":{nonce}:{cnonce}".encode()
    a2 = f"AUTHENTICATE:{uri}".encode()
    resp = hashlib.md5(("%s:%s:00000001:%s:auth:%s" % (
        hashlib.md5(a1).hexdigest(), nonce, cnonce,
        hashlib.md5(a2).hexdigest())).encode()).hexdigest()
    answer = (f'username="bob",realm="{realm}",nonce="{nonce}",cnonce="{cnonce}",'
              f'nc=00000001,qop=auth,digest-uri="{uri}",response={resp}')
    r = c.cmd(b64(answer))
    assert r.startswith("334 "), r           # rspauth
    assert c.cmd("") == "235 2.0.0 OK Authenticated"
    c.close()
    assert smta.wait_log("authid=bob, mech=DIGEST-MD5, bits=0")


def test_cram_md5_by_hand_and_the_auth_macros_in_received(smta):
    c = Conn(smta.port, source="127.0.0.2")
    c.reply()
    c.cmd("EHLO client.example")
    r = c.cmd("AUTH CRAM-MD5")
    chal = base64.b64decode(r[4:])
    digest = hmac.new(b"secret", chal, hashlib.md5).hexdigest()
    assert c.cmd(b64("alice " + digest)) == "235 2.0.0 OK Authenticated"
    assert c.cmd("MAIL FROM:<alice@mail.hamap.local>").startswith("250")
    assert c.cmd("RCPT TO:<root@mail.hamap.local>").startswith("250")
    assert c.cmd("DATA").startswith("354")
    assert c.cmd("Subject: cram\r\n\r\nbody\r\n.").startswith("250 2.0.0")
    c.cmd("QUIT")
    c.close()
    m = smta.mta.wait_messages("root", 1)[0]
    assert "(authenticated bits=0)" in m
    assert "with ESMTPA id" in m                  # AUTH without TLS: ESMTPA
    assert "version=" not in m.split("\n\n")[0]   # no TLS: nothing about it


def test_bad_auth_input_gets_protocol_errors(smta):
    c = Conn(smta.port)
    c.reply()
    assert c.cmd("AUTH CRAM-MD5") == "503 5.5.1 Send EHLO before AUTH"
    c.cmd("HELO client.example")
    assert c.cmd("AUTH CRAM-MD5") == "503 5.5.1 Send EHLO before AUTH"
    c.cmd("EHLO client.example")
    assert c.cmd("AUTH") == "501 5.5.2 AUTH mechanism must be specified"
    assert c.cmd("AUTH NOSUCH") == "504 5.3.3 AUTH mechanism NOSUCH not available"
    assert c.cmd("AUTH CRAM-MD5 !!not-base64!!").startswith("501 5.5.4 cannot BASE64 decode")
    assert c.cmd("AUTH CRAM-MD5").startswith("334 ")
    assert c.cmd("%%%").startswith("501 5.5.4 cannot BASE64 decode '%%%'")
    assert c.cmd("AUTH CRAM-MD5").startswith("334 ")
    assert c.cmd("*") == "501 5.0.0 AUTH aborted"
    assert c.cmd("AUTH CRAM-MD5").startswith("334 ")
    assert c.cmd("A" * 20000).startswith("500 5.5.6")
    # AUTH= must be xtext
    assert c.cmd("MAIL FROM:<alice@mail.hamap.local> AUTH=bad+zz") == \
        "501 5.5.4 Syntax error in AUTH parameter value"
    assert c.cmd("MAIL FROM:<alice@mail.hamap.local>").startswith("250")
    assert c.cmd("AUTH CRAM-MD5") == "503 5.5.0 AUTH not permitted during a mail transaction"
    assert c.cmd("NOOP").startswith("250")
    c.close()
    assert smta.wait_log('AUTH decode64 error [for "%%%"], relay=localhost [127.0.0.1]')
    # an AUTH line of any length does not hurt the daemon
    assert swaks("--server", f"127.0.0.1:{smta.p587}", "--tls", "--auth", "PLAIN",
                 "--au", "alice", "--ap", "secret", "--from", "alice@" + HOST,
                 "--to", "root@" + HOST).returncode == 0


def test_auth_parameter_and_trust_auth(sandbox):
    env = SecureMta(sandbox, auth_options="A",
                    mc_lines=["define(`confDELIVERY_MODE', `queue')dnl"]).start()
    try:
        c = Conn(env.port)
        c.reply()
        c.cmd("EHLO client.example")
        assert c.cmd("AUTH PLAIN " + plain("alice", "secret")).startswith("235")
        sent = []
        for param, rcpt in (("AUTH=bob", "r1"), ("AUTH=alice", "r2"), ("", "r3"),
                            ("AUTH=<>", "r4")):
            assert c.cmd(f"MAIL FROM:<alice@mail.hamap.local> {param}".strip()).startswith("250")
            assert c.cmd(f"RCPT TO:<{rcpt}@elsewhere.example>").startswith("250")
            assert c.cmd("DATA").startswith("354")
            r = c.cmd(f"Subject: {rcpt}\r\n\r\nx\r\n.")
            assert r.startswith("250 2.0.0"), r
            sent.append((rcpt, r.split()[2]))
        c.cmd("QUIT")
        c.close()
        assert env.wait_log("ruleset=trust_auth, arg1=bob, relay=localhost [127.0.0.1], "
                            "reject=550 5.7.1 <alice@mail.hamap.local>... alice not allowed "
                            "to act as bob")
        want = {"r1": "<>", "r2": "alice", "r3": "alice", "r4": "<>"}
        for rcpt, qid in sent:
            with open(os.path.join(env.mta.queue, "qf" + qid), "rb") as f:
                alines = [ln[1:].strip().decode() for ln in f if ln.startswith(b"A")]
            assert alines == [want[rcpt]], (rcpt, alines)
    finally:
        env.stop()


def test_failed_auths_slow_down_then_close_the_connection(sandbox):
    env = SecureMta(sandbox, auth_options="A", fail_delay_ms=150).start()
    try:
        c = Conn(env.port, source="127.0.0.4")
        c.reply()
        c.cmd("EHLO client.example")
        times = []
        for i in range(5):
            t = time.time()
            r = c.cmd("AUTH PLAIN " + plain("alice", f"wrong{i}"))
            times.append(time.time() - t)
            assert r.startswith("535 5.7.0 authentication failed"), r
        # the fifth failure also ends the connection
        assert c.reply().startswith("421 4.7.0")
        assert c.f.readline() == b""
        c.close()
        assert times[0] >= 0.14 and times[3] >= 0.55 and times[3] > times[0] + 0.3, times
        log = env.log()
        assert log.count("AUTH failure (PLAIN): ") == 5
        assert "user=alice, relay=[127.0.0.4]" in log
        assert "AUTH: 5 failed attempts, closing connection, relay=[127.0.0.4]" in log
    finally:
        env.stop()


def test_hundred_failed_auths_from_one_client_while_others_are_served(sandbox):
    env = SecureMta(sandbox, auth_options="A", fail_delay_ms=2,
                    users=(("alice", "secret"), ("bob", "hunter2"))).start()
    try:
        counts = {"535": 0, "421": 0, "454": 0, "other": 0}
        good = []

        def legit():
            # meanwhile another client keeps authenticating and sending
            for i in range(5):
                with smtplib.SMTP("127.0.0.1", env.port, source_address=("127.0.0.2", 0),
                                  timeout=30) as s:
                    s.login("bob", "hunter2")
                    s.sendmail("bob@" + HOST, ["root@" + HOST], f"Subject: ok {i}\r\n\r\nx\r\n")
                    good.append(i)

        t = threading.Thread(target=legit)
        t.start()
        attempts = 0
        while attempts < 100:
            c = Conn(env.port, source="127.0.0.3")
            c.reply()
            c.cmd("EHLO attacker.example")
            fails = 0
            while attempts < 100:
                r = c.cmd("AUTH PLAIN " + plain("alice", f"guess{attempts}"))
                attempts += 1
                code = r[:3]
                if code == "421":       # too many bad commands on this one
                    counts["421"] += 1
                    break
                counts[code if code in counts else "other"] += 1
                if code == "535":
                    fails += 1
                    if fails == 5:      # the connection's last failure
                        assert c.reply().startswith("421 4.7.0")
                        counts["421"] += 1
                        break
            c.close()
        t.join(timeout=120)
        assert good == list(range(5))
        assert counts["other"] == 0, counts
        assert counts["535"] == 30 and counts["421"] >= 6, counts
        # the address is throttled: AUTH refused outright at the end
        assert counts["454"] >= 30, counts
        log = env.log()
        assert "failed attempts from 127.0.0.3 lately, AUTH refused, relay=[127.0.0.3]" in log
        assert "AUTH=server, relay=[127.0.0.2], authid=bob" in log
        assert len(env.mta.wait_messages("root", 5)) == 5
        # and a third client is not affected at all
        assert swaks("--server", f"127.0.0.1:{env.p587}", "--tls", "--auth", "LOGIN",
                     "--au", "alice", "--ap", "secret", "--from", "alice@" + HOST,
                     "--to", "root@" + HOST).returncode == 0
    finally:
        env.stop()


# ---- saslauthd: system users (shadow) -------------------------------------

@pytest.fixture
def system_user():
    if shutil.which("useradd") is None or shutil.which("saslauthd") is None:
        pytest.skip("useradd or saslauthd missing")
    name = "swt" + secrets.token_hex(3)
    password = "Pw-" + secrets.token_hex(6)
    r = subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", name],
                       capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip("useradd failed: " + r.stderr)
    try:
        subprocess.run(["chpasswd"], input=f"{name}:{password}\n", text=True, check=True)
        yield name, password
    finally:
        subprocess.run(["userdel", name], capture_output=True)


@pytest.fixture
def saslauthd(sandbox):
    run = os.path.join(sandbox, "saslauthd")
    os.makedirs(run)
    group = sasl_group()
    # as Debian sets up /run/saslauthd: root:sasl, mode 0710
    if group:
        shutil.chown(run, "root", group)
        os.chmod(run, 0o710)
    else:
        os.chmod(run, 0o711)
    # its own session: saslauthd signals its whole process group on exit
    proc = subprocess.Popen(["saslauthd", "-d", "-a", "shadow", "-m", run, "-n", "1"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    mux = os.path.join(run, "mux")
    deadline = time.time() + 10
    while not os.path.exists(mux):
        if proc.poll() is not None or time.time() > deadline:
            pytest.skip("saslauthd did not start")
        time.sleep(0.05)
    yield mux
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_saslauthd_shadow_for_system_users(sandbox, system_user, saslauthd):
    name, password = system_user
    conf = ("pwcheck_method: saslauthd\n"
            f"saslauthd_path: {saslauthd}\n"
            "mech_list: PLAIN LOGIN\n")
    env = SecureMta(sandbox, users=(), sasl_conf=conf).start()
    try:
        c = Conn(env.port)
        c.reply()
        # CRAM-MD5 cannot work through saslauthd; mech_list leaves it out
        assert "250-AUTH\n" not in c.cmd("EHLO client.example")
        c.starttls()
        assert "250-AUTH LOGIN PLAIN" in c.cmd("EHLO client.example")
        assert c.cmd("AUTH PLAIN " + plain(name, "wrong")) == "535 5.7.0 authentication failed"
        assert c.cmd("AUTH PLAIN " + plain(name, password)) == "235 2.0.0 OK Authenticated"
        c.close()
        r = swaks("--server", f"127.0.0.1:{env.p587}", "--tls", "--auth", "LOGIN",
                  "--au", name, "--ap", password, "--from", f"{name}@{HOST}",
                  "--to", "root@" + HOST, "--local-interface", "127.0.0.2")
        assert r.returncode == 0, r.stdout + r.stderr
        log = env.log()
        assert f"AUTH=server, relay=localhost [127.0.0.1], authid={name}, mech=PLAIN" in log
        assert f"AUTH=server, relay=[127.0.0.2], authid={name}, mech=LOGIN" in log
        assert "AUTH failure (PLAIN)" in log
    finally:
        env.stop()


def test_saslauthd_down_is_a_temporary_failure(sandbox):
    conf = ("pwcheck_method: saslauthd\n"
            f"saslauthd_path: {sandbox}/nowhere/mux\n"
            "mech_list: PLAIN LOGIN\n")
    env = SecureMta(sandbox, users=(), sasl_conf=conf, auth_options="A").start()
    try:
        c = Conn(env.port)
        c.reply()
        c.cmd("EHLO client.example")
        r = c.cmd("AUTH PLAIN " + plain("someone", "pw"))
        assert r in ("454 4.7.0 Temporary authentication failure",
                     "535 5.7.0 authentication failed"), r
        c.close()
    finally:
        env.stop()


def test_auth_external_with_a_verified_client_certificate(smta):
    ctx = smta.context()
    client = os.path.join(smta.certs, "client1")
    ctx.load_cert_chain(client + ".crt", client + ".key")
    c = Conn(smta.port)
    c.reply()
    assert "EXTERNAL" not in c.cmd("EHLO client.example")
    c.starttls(ctx)
    ehlo = c.cmd("EHLO client.example")
    assert "250-AUTH EXTERNAL DIGEST-MD5 CRAM-MD5 LOGIN PLAIN" in ehlo, ehlo
    assert c.cmd("AUTH EXTERNAL =") == "235 2.0.0 OK Authenticated"
    c.close()
    assert smta.wait_log("authid=/O=Sendwell+20lab/CN=client1, mech=EXTERNAL")


def test_scram_sha_256_where_sasl_has_it(sandbox):
    env = SecureMta(sandbox, auth_options="", users=(("alice", "secret"),),
                    mechanisms="SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5",
                    mech_list="SCRAM-SHA-256 SCRAM-SHA-1 CRAM-MD5").start()
    try:
        c = Conn(env.port)
        c.reply()
        ehlo = c.cmd("EHLO client.example")
        if "SCRAM-SHA-256" not in ehlo:
            pytest.skip("this Cyrus SASL has no SCRAM plugin")
        cnonce = secrets.token_hex(12)
        first_bare = f"n=alice,r={cnonce}"
        r = c.cmd("AUTH SCRAM-SHA-256 " + b64("n,," + first_bare))
        assert r.startswith("334 "), r
        server_first = base64.b64decode(r[4:]).decode()
        f = dict(kv.split("=", 1) for kv in server_first.split(","))
        assert f["r"].startswith(cnonce)
        salted = hashlib.pbkdf2_hmac("sha256", b"secret", base64.b64decode(f["s"]), int(f["i"]))
        ckey = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
        stored = hashlib.sha256(ckey).digest()
        final_wo = f"c=biws,r={f['r']}"
        msg = ",".join((first_bare, server_first, final_wo)).encode()
        sig = hmac.new(stored, msg, hashlib.sha256).digest()
        proof = bytes(a ^ b for a, b in zip(ckey, sig))
        r = c.cmd(b64(final_wo + ",p=" + base64.b64encode(proof).decode()))
        assert r.startswith("334 "), r         # v=server signature
        assert base64.b64decode(r[4:]).startswith(b"v=")
        assert c.cmd("") == "235 2.0.0 OK Authenticated"
        c.close()
        assert env.wait_log("authid=alice, mech=SCRAM-SHA-256, bits=0")
    finally:
        env.stop()
