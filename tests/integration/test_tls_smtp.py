"""STARTTLS (RFC 3207), SMTPS (M=s) and the submission port (M=Ea) of the
MTA, driven by the .mc settings the lab guides use, tested with real
clients (swaks, python smtplib/ssl, openssl): the certificate from
sendwell-certs, the EHLO list before and after TLS, Received: noting the
TLS version and cipher, client certificates and ${verify}, the
tls_client ruleset, pipelined input after STARTTLS and garbage in the
handshake.  The MTA itself is secure_mta.SecureMta."""
import os
import smtplib
import socket
import ssl
import subprocess
import warnings

import pytest

from mta_env import MtaEnv
from secure_mta import CERTS_TOOL, HOST, Conn, SecureMta, insecure, swaks
from swpaths import free_port

if os.geteuid() != 0:
    pytest.skip("the MTA tests need root (the daemon binds and drops privileges)",
                allow_module_level=True)


@pytest.fixture
def smta(sandbox):
    env = SecureMta(sandbox).start()
    yield env
    env.stop()


def test_sendwell_certs_makes_a_ca_and_a_server_certificate_with_san(smta):
    crt = os.path.join(smta.certs, HOST + ".crt")
    r = subprocess.run(["openssl", "x509", "-in", crt, "-noout", "-ext", "subjectAltName"],
                       capture_output=True, text=True)
    assert f"DNS:{HOST}" in r.stdout and "IP Address:127.0.0.1" in r.stdout
    r = subprocess.run(["openssl", "verify", "-CApath", smta.certs, crt],
                       capture_output=True, text=True)
    assert r.stdout.strip().endswith(": OK"), r.stdout + r.stderr
    assert os.stat(os.path.join(smta.certs, HOST + ".key")).st_mode & 0o077 == 0
    assert f"define(`confSERVER_CERT', `{smta.certs}/{HOST}.crt')dnl" in smta.certs_output
    # a second run reuses the CA and refuses to overwrite without -f
    r = subprocess.run(["sh", CERTS_TOOL, "-d", smta.certs, HOST], capture_output=True, text=True)
    assert r.returncode != 0 and "exists" in r.stderr


def test_starttls_with_smtplib_verifies_the_lab_ca_and_resets_the_session(smta):
    c = smtplib.SMTP("127.0.0.1", smta.port, local_hostname="client.example")
    code, text = c.ehlo()
    features = text.decode()
    assert "STARTTLS" in features
    # AuthOptions p: no plaintext mechanisms before TLS
    assert "AUTH DIGEST-MD5 CRAM-MD5" in features and "PLAIN" not in features
    c.starttls(context=smta.context())       # checks the certificate and its name
    code, text = c.ehlo()
    features = text.decode()
    assert "STARTTLS" not in features
    assert "AUTH DIGEST-MD5 CRAM-MD5 LOGIN PLAIN" in features
    c.login("alice", "secret")
    c.sendmail("alice@" + HOST, ["root@" + HOST], "Subject: over tls\r\n\r\nhello\r\n")
    c.quit()
    msgs = smta.mta.wait_messages("root", 1)
    assert len(msgs) == 1
    m = msgs[0]
    assert "with ESMTPSA id" in m
    assert "(version=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 verify=NO)" in m
    assert "(authenticated bits=0)" in m
    log = smta.log()
    assert "STARTTLS=server, relay=localhost [127.0.0.1], version=TLSv1.3, verify=NO, " \
           "cipher=TLS_AES_256_GCM_SHA384, bits=256/256" in log
    # smtplib prefers CRAM-MD5 when it is offered
    assert "AUTH=server, relay=localhost [127.0.0.1], authid=alice, mech=CRAM-MD5, bits=0" in log
    assert "proto=ESMTPSA, daemon=MTA" in log


def test_swaks_tls_on_25_and_tlsc_on_465(smta):
    r = swaks("--server", f"127.0.0.1:{smta.port}", "--tls", "--auth", "LOGIN",
              "--au", "alice", "--ap", "secret", "--from", "alice@" + HOST,
              "--to", "root@" + HOST)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "TLS started with cipher TLSv1.3" in r.stdout
    assert "235 2.0.0 OK Authenticated" in r.stdout
    r = swaks("--server", f"127.0.0.1:{smta.p465}", "--tlsc", "--auth", "PLAIN",
              "--au", "alice", "--ap", "secret", "--from", "alice@" + HOST,
              "--to", "root@" + HOST)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "TLS started with cipher" in r.stdout
    # inside SMTPS, STARTTLS is not offered again, PLAIN is
    assert "250-STARTTLS" not in r.stdout
    assert "AUTH DIGEST-MD5 CRAM-MD5 LOGIN PLAIN" in r.stdout
    msgs = smta.mta.wait_messages("root", 2)
    assert len(msgs) == 2
    assert all("version=TLSv1.3" in m and "ESMTPSA" in m for m in msgs)
    assert "daemon=TLSMTA" in smta.log()


def test_smtps_with_python_smtp_ssl(smta):
    with smtplib.SMTP_SSL("127.0.0.1", smta.p465, context=smta.context(),
                          local_hostname="client.example") as c:
        # the certificate names mail.hamap.local; python checks the IP SAN
        c.ehlo()
        assert not c.has_extn("starttls")
        c.login("alice", "secret")
        c.sendmail("alice@" + HOST, ["root@" + HOST], "Subject: smtps\r\n\r\nx\r\n")
    assert len(smta.mta.wait_messages("root", 1)) == 1


def test_submission_port_needs_auth_and_has_no_etrn(smta):
    c = Conn(smta.p587)
    assert c.reply().startswith("220 ")
    ehlo = c.cmd("EHLO client.example")
    assert "250-ETRN" not in ehlo and "250-STARTTLS" in ehlo
    assert c.cmd("MAIL FROM:<alice@mail.hamap.local>") == "530 5.7.0 Authentication required"
    assert c.cmd("ETRN example.org").startswith("502 5.7.0")
    c.starttls()
    assert "AUTH DIGEST-MD5 CRAM-MD5 LOGIN PLAIN" in c.cmd("EHLO client.example")
    assert c.cmd("AUTH PLAIN AGFsaWNlAHNlY3JldA==") == "235 2.0.0 OK Authenticated"
    assert c.cmd("MAIL FROM:<alice@mail.hamap.local>").startswith("250 2.1.0")
    c.cmd("QUIT")
    c.close()
    r = swaks("--server", f"127.0.0.1:{smta.p587}", "--tls", "--auth", "CRAM-MD5",
              "--au", "alice", "--ap", "secret", "--from", "alice@" + HOST,
              "--to", "root@" + HOST)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "daemon=MSA" in smta.log() or smta.wait_log("daemon=MSA")


def test_starttls_errors_are_protocol_errors(smta):
    c = Conn(smta.port)
    c.reply()
    c.cmd("EHLO client.example")
    assert c.cmd("STARTTLS now").startswith("501 5.5.2")
    assert c.cmd("MAIL FROM:<alice@mail.hamap.local>").startswith("250")
    assert c.cmd("STARTTLS") == "503 5.5.0 TLS not permitted during a mail transaction"
    assert c.cmd("RSET").startswith("250")
    c.starttls()
    assert c.cmd("STARTTLS") == "503 5.5.0 TLS already active"
    # RFC 3207: the EHLO of before TLS is forgotten, the client says it again
    assert c.cmd("EHLO client.example").startswith("250-")
    c.cmd("QUIT")
    c.close()


def test_pipelined_command_after_starttls_is_refused(smta):
    """The 'STARTTLS command injection' class of bug: a command sent in
    the same packet as STARTTLS must never be run as if it came over TLS."""
    c = Conn(smta.port)
    c.reply()
    c.cmd("EHLO client.example")
    c.sock.sendall(b"STARTTLS\r\nMAIL FROM:<evil@example.org>\r\n")
    r = c.reply()
    assert r.startswith("554 5.5.0"), r
    # and the connection is over
    assert c.f.readline() == b""
    c.close()
    assert smta.wait_log("STARTTLS=server, error: input pipelined after STARTTLS, "
                         "relay=localhost [127.0.0.1]")
    assert "evil@example.org" not in smta.log()


def test_garbage_during_the_handshake_is_logged_and_others_are_served(smta):
    # plaintext SMTP to the SMTPS port
    s = socket.create_connection(("127.0.0.1", smta.p465), timeout=10)
    s.sendall(b"EHLO plain.example\r\n")
    try:
        data = s.recv(100)
    except OSError:
        data = b""
    assert not data.startswith(b"220"), data
    s.close()
    # random bytes where the ClientHello should be, after STARTTLS
    c = Conn(smta.port)
    c.reply()
    c.cmd("EHLO client.example")
    assert c.cmd("STARTTLS").startswith("220 ")
    c.sock.sendall(os.urandom(3000))
    c.sock.settimeout(10)
    try:
        rest = c.sock.recv(100)
    except OSError:
        rest = b""
    assert b"250" not in rest
    c.close()
    # a handshake that starts and then stops half-way
    raw = socket.create_connection(("127.0.0.1", smta.p465), timeout=10)
    raw.sendall(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + os.urandom(40))
    raw.close()
    assert smta.wait_log("STARTTLS=server, error: accept failed:")
    # the daemon goes on
    r = swaks("--server", f"127.0.0.1:{smta.p465}", "--tlsc", "--auth", "PLAIN",
              "--au", "alice", "--ap", "secret", "--from", "alice@" + HOST,
              "--to", "root@" + HOST)
    assert r.returncode == 0, r.stdout + r.stderr


def test_client_certificate_verify_ok_and_relaying_by_certificate_issuer(sandbox):
    # ${cert_issuer} as sendmail spells it: "/O=.../CN=..." in xtext
    # (spaces as +20); sendwell-certs names its CA after the host
    host = subprocess.run(["hostname"], capture_output=True, text=True).stdout.strip()
    issuer = f"/O=Sendwell lab/CN=Sendwell lab CA {host}".replace(" ", "+20")
    env = SecureMta(sandbox, maps={"access": f"CERTISSUER:{issuer}\tRELAY\n"}).start()
    try:
        client = os.path.join(env.certs, "client1")
        r = swaks("--server", f"127.0.0.1:{env.port}", "--tls",
                  "--tls-cert", client + ".crt", "--tls-key", client + ".key",
                  "--from", "alice@" + HOST, "--to", "victim@elsewhere.example",
                  "--quit-after", "RCPT", "--local-interface", "127.0.0.2")
        assert "250 2.1.5 <victim@elsewhere.example>... Recipient ok" in r.stdout, r.stdout
        log = env.log()
        assert "verify=OK" in log
        assert f"cert-subject=/O=Sendwell+20lab/CN=client1, cert-issuer={issuer}, verifymsg=ok" in log
        # without the certificate the same client may not relay
        r = swaks("--server", f"127.0.0.1:{env.port}", "--tls",
                  "--from", "alice@" + HOST, "--to", "victim@elsewhere.example",
                  "--quit-after", "RCPT", "--local-interface", "127.0.0.2")
        assert "550 5.7.1 <victim@elsewhere.example>... Relaying denied" in r.stdout, r.stdout
    finally:
        env.stop()


def test_tls_client_ruleset_can_demand_a_certificate(sandbox):
    env = SecureMta(sandbox, maps={"access": "TLS_Clt:127.0.0.2\tVERIFY\n"}).start()
    try:
        c = Conn(env.port, source="127.0.0.2")
        c.reply()
        c.cmd("EHLO client.example")
        # plaintext: check_mail asks tls_client, which wants a verified cert
        r = c.cmd("MAIL FROM:<alice@mail.hamap.local>")
        assert r.startswith("454 4.7.0") and "authentication required" in r, r
        c.starttls()
        c.cmd("EHLO client.example")
        r = c.cmd("MAIL FROM:<alice@mail.hamap.local>")
        assert r.startswith("454 4.7.0") and "not authenticated" in r, r
        c.close()
        assert env.wait_log("ruleset=tls_client, arg1=NO")
        # with a certificate from the lab CA it goes through
        client = os.path.join(env.certs, "client1")
        r = swaks("--server", f"127.0.0.1:{env.port}", "--tls",
                  "--tls-cert", client + ".crt", "--tls-key", client + ".key",
                  "--from", "alice@" + HOST, "--to", "root@" + HOST,
                  "--local-interface", "127.0.0.2")
        assert r.returncode == 0, r.stdout + r.stderr
    finally:
        env.stop()


def test_tls_options_from_the_config(sandbox):
    """TLSSrvOptions V: no client certificate is asked for (${verify} is
    NOT); ServerSSLOptions can switch TLS 1.3 off; CipherList applies to
    TLS 1.2; a missing certificate only means no STARTTLS."""
    env = SecureMta(sandbox, mc_lines=[
        "define(`confTLS_SRV_OPTIONS', `V')dnl",
        "define(`confSERVER_SSL_OPTIONS', `+SSL_OP_NO_TLSv1_3')dnl",
        "define(`confCIPHER_LIST', `ECDHE+CHACHA20')dnl"]).start()
    try:
        c = smtplib.SMTP("127.0.0.1", env.port)
        c.starttls(context=env.context())
        assert c.sock.version() == "TLSv1.2"
        assert c.sock.cipher()[0] == "ECDHE-RSA-CHACHA20-POLY1305"
        c.quit()
        assert env.wait_log("version=TLSv1.2, verify=NOT, cipher=ECDHE-RSA-CHACHA20-POLY1305")
        # old protocols are refused
        ctx = insecure()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
            ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        try:
            ctx.set_ciphers("ALL:@SECLEVEL=0")
        except ssl.SSLError:
            pass
        with pytest.raises((ssl.SSLError, OSError)):
            with socket.create_connection(("127.0.0.1", env.p465), timeout=10) as s:
                ctx.wrap_socket(s).do_handshake()
    finally:
        env.stop()
    # no certificate at all: STARTTLS is not offered, nothing breaks
    nocert = os.path.join(sandbox, "nocert")
    os.makedirs(nocert)
    env = MtaEnv(nocert)
    env.start()
    try:
        c = Conn(env.port)
        c.reply()
        assert "STARTTLS" not in c.cmd("EHLO client.example")
        # as sendmail 8.17 answers where TLS could not be set up
        assert c.cmd("STARTTLS").startswith("454 4.3.3 TLS not available after start")
        c.close()
    finally:
        env.stop()


def test_listener_modifiers_and_srv_features(sandbox):
    """M=S (no STARTTLS) and M=A (no AUTH) on a listener; srv_features
    switching PIPELINING and STARTTLS off for 127.0.0.2 only."""
    port = free_port()
    env = SecureMta(sandbox, mc_lines=[
        f"DAEMON_OPTIONS(`Port={port}, Addr=127.0.0.1, Name=PLAIN, M=SA')dnl",
        "LOCAL_SRV_FEATURES",
        "R$*\t$: $&{client_addr}",
        "R127.0.0.2\t$# P S",
        "R$*\t$@ OK"]).start()
    try:
        c = Conn(port)
        c.reply()
        ehlo = c.cmd("EHLO client.example")
        assert "STARTTLS" not in ehlo and "AUTH" not in ehlo and "PIPELINING" in ehlo
        assert c.cmd("STARTTLS").startswith("500 5.5.1")
        assert c.cmd("AUTH PLAIN").startswith("503 5.3.3")
        c.close()
        c = Conn(env.port, source="127.0.0.2")
        c.reply()
        ehlo = c.cmd("EHLO client.example")
        assert "STARTTLS" not in ehlo and "PIPELINING" not in ehlo and "AUTH " in ehlo
        c.close()
        c = Conn(env.port)
        c.reply()
        ehlo = c.cmd("EHLO client.example")
        assert "STARTTLS" in ehlo and "PIPELINING" in ehlo
        c.close()
        # mail through the named listener is logged with its name
        c = smtplib.SMTP("127.0.0.1", port)
        c.sendmail("alice@" + HOST, ["root@" + HOST], "Subject: plain\r\n\r\nx\r\n")
        c.quit()
        assert env.wait_log("daemon=PLAIN")
    finally:
        env.stop()


def write_crl(certs, revoked_cert, path):
    """A CRL from the lab CA (sendwell-certs' cakey.pem) that revokes
    revoked_cert."""
    import datetime
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    with open(os.path.join(certs, "cacert.pem"), "rb") as f:
        ca = x509.load_pem_x509_certificate(f.read())
    with open(os.path.join(certs, "cakey.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    with open(revoked_cert, "rb") as f:
        serial = x509.load_pem_x509_certificate(f.read()).serial_number
    now = datetime.datetime.now(datetime.timezone.utc)
    crl = (x509.CertificateRevocationListBuilder()
           .issuer_name(ca.subject).last_update(now - datetime.timedelta(hours=1))
           .next_update(now + datetime.timedelta(days=1))
           .add_revoked_certificate(x509.RevokedCertificateBuilder().serial_number(serial)
                                    .revocation_date(now - datetime.timedelta(hours=1)).build())
           .sign(key, hashes.SHA256()))
    with open(path, "wb") as f:
        f.write(crl.public_bytes(serialization.Encoding.PEM))


def test_crl_file_makes_a_revoked_client_certificate_fail(sandbox):
    """CRLFile (confCRL): a revoked client certificate gets ${verify}
    FAIL (so it relays nothing), one not revoked still OK."""
    host = subprocess.run(["hostname"], capture_output=True, text=True).stdout.strip()
    issuer = f"/O=Sendwell lab/CN=Sendwell lab CA {host}".replace(" ", "+20")
    crl = os.path.join(sandbox, "crl.pem")
    env = SecureMta(sandbox, maps={"access": f"CERTISSUER:{issuer}\tRELAY\n"},
                    mc_lines=[f"define(`confCRL', `{crl}')dnl"])
    r = subprocess.run(["sh", CERTS_TOOL, "-d", env.certs, "-t", "client", "client2"],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    write_crl(env.certs, os.path.join(env.certs, "client2.crt"), crl)
    env.start()
    try:
        for name, verify, reply in (
                ("client1", "verify=OK", "250 2.1.5 <victim@elsewhere.example>... Recipient ok"),
                ("client2", "verify=FAIL",
                 "550 5.7.1 <victim@elsewhere.example>... Relaying denied")):
            client = os.path.join(env.certs, name)
            r = swaks("--server", f"127.0.0.1:{env.port}", "--tls",
                      "--tls-cert", client + ".crt", "--tls-key", client + ".key",
                      "--from", "alice@" + HOST, "--to", "victim@elsewhere.example",
                      "--quit-after", "RCPT", "--local-interface", "127.0.0.2")
            assert reply in r.stdout, r.stdout
            assert env.wait_log(verify), env.log()
        assert env.wait_log(f"cert-subject=/O=Sendwell+20lab/CN=client2, cert-issuer={issuer}, "
                            "verifymsg=certificate revoked"), env.log()
    finally:
        env.stop()


def test_an_unusable_crl_file_turns_starttls_off(sandbox):
    """As sendmail documents: a CRLFile that cannot be used disables
    STARTTLS (rather than pretending to check revocation)."""
    crl = os.path.join(sandbox, "crl.pem")
    with open(crl, "w") as f:
        f.write("not a CRL\n")
    env = SecureMta(sandbox, mc_lines=[f"define(`confCRL', `{crl}')dnl"]).start()
    try:
        with smtplib.SMTP("127.0.0.1", env.port) as c:
            c.ehlo("client.example")
            assert not c.has_extn("starttls")
        assert env.wait_log("cannot load CRLs"), env.log()
        assert f"({crl}); STARTTLS not offered" in env.log()
    finally:
        env.stop()
