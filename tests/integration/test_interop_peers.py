"""Interop with real peers: Sendwell delivers to Postfix and to the real
sendmail 8.17 and receives from both, all in the lab (own addresses,
MX records from dnsmasq), and uses STARTTLS when the peer offers it.
Postfix is Debian's package unpacked into a cache (lab_postfix.py), the
real sendmail comes from shared/tools/ref-sendmail (lab_refsendmail.py);
either missing skips its tests, loudly."""
import os
import smtplib

import pytest

from lab_net import Lab, LabMta, have_dnsmasq, make_cert

if os.geteuid() != 0:
    pytest.skip("the lab needs root (port 25, mount namespaces)", allow_module_level=True)
if not have_dnsmasq():
    pytest.skip("dnsmasq is not installed (apt-get install dnsmasq-base)",
                allow_module_level=True)

ALIASES = "postmaster: root\nrocky: daemon\n"
MSG = "From: {f}\nTo: {t}\nSubject: {s}\n\nbody of {s}\n"


def lab_with(sandbox):
    lab = Lab(sandbox)
    for name, n in (("rocky.co.kr", 2), ("postfix.lab", 4), ("sendmail.lab", 5)):
        lab.host(f"mail.{name}", lab.ip(n))
        lab.host(name, lab.ip(n))
        lab.add_mx(name, f"mail.{name}", 10)
    lab.start_dns()
    rocky = LabMta(lab, "rocky", lab.ip(2), "rocky.co.kr", aliases=ALIASES)
    return lab, rocky


@pytest.fixture
def postfix_lab(sandbox):
    from lab_postfix import PostfixPeer, Unavailable
    lab, rocky = lab_with(sandbox)
    cert, key = make_cert(os.path.join(sandbox, "certs"), "mail.postfix.lab")
    try:
        pf = PostfixPeer(lab, lab.ip(4), "postfix.lab", users=("alice",), tls_cert=cert,
                         tls_key=key)
    except Unavailable as e:
        lab.stop()
        pytest.skip(f"POSTFIX NOT AVAILABLE: {e}")
    try:
        rocky.start()
        pf.start()
        yield lab, rocky, pf
    finally:
        lab.stop()


@pytest.fixture
def sendmail_lab(sandbox):
    from lab_refsendmail import RefSendmailPeer, Unavailable
    lab, rocky = lab_with(sandbox)
    cert, key = make_cert(os.path.join(sandbox, "certs"), "mail.sendmail.lab")
    try:
        sm = RefSendmailPeer(lab, lab.ip(5), "sendmail.lab", mc_lines=[
            f"define(`confSERVER_CERT', `{cert}')dnl",
            f"define(`confSERVER_KEY', `{key}')dnl",
            f"define(`confCACERT', `{cert}')dnl",
            f"define(`confCACERT_PATH', `{os.path.dirname(cert)}')dnl"])
    except Unavailable as e:
        lab.stop()
        pytest.skip(f"THE REAL SENDMAIL IS NOT AVAILABLE: {e}")
    try:
        rocky.start()
        sm.start()
        yield lab, rocky, sm
    finally:
        lab.stop()


def test_sendwell_delivers_to_postfix_over_starttls(postfix_lab):
    _, rocky, pf = postfix_lab
    rocky.submit("rocky@rocky.co.kr", ["alice@postfix.lab"], subject="to postfix")
    rocky.runq()
    got = pf.wait_messages("alice", 1)
    assert len(got) == 1 and "Subject: to postfix" in got[0]
    log = rocky.log()
    assert "relay=mail.postfix.lab." in log and "stat=Sent (2.0.0 Ok: queued as" in log \
        or "stat=Sent (Ok: queued as" in log
    assert "STARTTLS=client, relay=mail.postfix.lab, version=TLSv1.3" in log
    assert "(using TLSv1.3" in got[0]


def test_postfix_delivers_to_sendwell(postfix_lab):
    lab, rocky, pf = postfix_lab
    with smtplib.SMTP(pf.ip, 25, timeout=10) as c:
        c.sendmail("alice@postfix.lab", ["rocky@rocky.co.kr"],
                   MSG.format(f="alice@postfix.lab", t="rocky@rocky.co.kr", s="from postfix"))
    got = rocky.wait_messages("daemon", 1, timeout=30)
    assert len(got) == 1, pf.log()[-2000:]
    assert "Subject: from postfix" in got[0]
    assert "Received: from mail.postfix.lab" in got[0]
    assert "status=sent" in pf.log()


def test_sendwell_delivers_to_the_real_sendmail_over_starttls(sendmail_lab):
    _, rocky, sm = sendmail_lab
    rocky.submit("rocky@rocky.co.kr", ["root@sendmail.lab"], subject="to sendmail")
    rocky.runq()
    got = sm.wait_messages("root", 1)
    assert len(got) == 1, rocky.log()
    assert "Subject: to sendmail" in got[0]
    assert "version=TLSv1.3" in got[0]          # sendmail's Received: notes the TLS
    assert "STARTTLS=client, relay=mail.sendmail.lab" in rocky.log()


def test_the_real_sendmail_delivers_to_sendwell(sendmail_lab):
    _, rocky, sm = sendmail_lab
    r = sm.run("-odi", "-f", "root@sendmail.lab", "rocky@rocky.co.kr",
               input=MSG.format(f="root@sendmail.lab", t="rocky@rocky.co.kr", s="from sendmail"))
    assert r.returncode == 0, r.stdout + r.stderr
    got = rocky.wait_messages("daemon", 1)
    assert len(got) == 1
    assert "Subject: from sendmail" in got[0]
    assert "Received: from mail.sendmail.lab" in got[0]
