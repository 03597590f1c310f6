"""Mail between servers in the lab of the guides: rocky.co.kr and
roror.co.kr, each a Sendwell MTA on its own loopback address, finding each
other through MX records served by a real DNS server (dnsmasq).  Proves
MX preference and fallback, delivery both ways, queued mail reaching a
server that comes back, bounces and delay warnings, and host status
(hoststat/purgestat)."""
import os
import time

import pytest

from lab_net import Lab, LabMta, have_dnsmasq, port_open
from peers import wait_until

if os.geteuid() != 0:
    pytest.skip("the lab needs root (port 25, mount namespaces)", allow_module_level=True)
if not have_dnsmasq():
    pytest.skip("dnsmasq is not installed (apt-get install dnsmasq-base)",
                allow_module_level=True)


ALIASES = "postmaster: root\nroror: root\nrocky: daemon\nbin: bin\n"


def build_lab(sandbox, rocky_mc=(), roror_mc=()):
    lab = Lab(sandbox)
    lab.host("mail.rocky.co.kr", lab.ip(2))
    lab.host("mail.roror.co.kr", lab.ip(3))
    lab.host("mx1.hamap.kr", lab.ip(9))       # nobody listens there
    lab.host("mx2.hamap.kr", lab.ip(3))
    # the domains have addresses too, as in the guides' zone files
    lab.host("rocky.co.kr", lab.ip(2))
    lab.host("roror.co.kr", lab.ip(3))
    lab.add_mx("rocky.co.kr", "mail.rocky.co.kr", 10)
    lab.add_mx("roror.co.kr", "mail.roror.co.kr", 10)
    lab.add_mx("hamap.kr", "mx2.hamap.kr", 20)
    lab.add_mx("hamap.kr", "mx1.hamap.kr", 5)
    lab.start_dns()
    rocky = LabMta(lab, "rocky", lab.ip(2), "rocky.co.kr", aliases=ALIASES,
                   mc_lines=list(rocky_mc))
    roror = LabMta(lab, "roror", lab.ip(3), "roror.co.kr", aliases=ALIASES,
                   mc_lines=list(roror_mc))
    with open(os.path.join(roror.dir, "local-host-names"), "a") as f:
        f.write("hamap.kr\n")
    return lab, rocky, roror


@pytest.fixture
def lab(sandbox):
    lab, rocky, roror = build_lab(sandbox)
    rocky.start()
    roror.start()
    yield lab, rocky, roror
    lab.stop()


def test_mail_goes_both_ways_through_mx_records(lab):
    _, rocky, roror = lab
    rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="to roror")
    r = rocky.runq()
    assert r.returncode == 0, r.stderr
    got = roror.wait_messages("root", 1)
    assert len(got) == 1 and "Subject: to roror" in got[0]
    assert "relay=mail.roror.co.kr." in rocky.log()
    assert "stat=Sent" in rocky.log()
    roror.submit("roror@roror.co.kr", ["rocky@rocky.co.kr"], subject="to rocky")
    roror.runq()
    got = rocky.wait_messages("daemon", 1)
    assert len(got) == 1 and "Subject: to rocky" in got[0]
    assert "Received: from mail.roror.co.kr" in got[0]
    # the receiving daemon's delivery removes its queue files just after
    # the message is in the mailbox
    assert wait_until(lambda: rocky.queue_files() == [] and roror.queue_files() == [])


def test_mx_preference_falls_back_when_the_first_mx_is_down(lab):
    _, rocky, roror = lab
    assert not port_open(lab[0].ip(9), 25)
    rocky.submit("rocky@rocky.co.kr", ["roror@hamap.kr"], subject="fallback")
    rocky.runq()
    got = roror.wait_messages("root", 1)
    assert len(got) == 1 and "Subject: fallback" in got[0]
    log = rocky.log()
    assert "relay=mx2.hamap.kr." in log and "stat=Sent" in log
    # the dead first MX was tried first and is remembered
    hs = rocky.sendmail("-bh").stdout
    assert "mx1.hamap.kr" in hs and "Connection refused" in hs


def test_a_down_server_gets_the_queued_mail_when_it_comes_back(lab):
    _, rocky, roror = lab
    roror.stop()
    rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="queued")
    rocky.runq()
    assert len(rocky.queue_files()) == 1
    assert "stat=Deferred: Connection refused by mail.roror.co.kr" in rocky.log()
    roror.start()
    # within the back-off the host is not even tried ...
    rocky.runq()
    assert len(rocky.queue_files()) == 1
    assert roror.messages("root") == []
    # ... purgestat forgets it, and the next queue run delivers
    rocky.sendmail("-bH")
    assert rocky.sendmail("-bh").stdout.strip() == ""
    rocky.runq()
    got = roror.wait_messages("root", 1)
    assert len(got) == 1 and "Subject: queued" in got[0]
    assert rocky.queue_files() == []


def test_short_hoststatus_timeout_retries_at_the_next_run(sandbox):
    lab, rocky, roror = build_lab(sandbox, rocky_mc=["define(`confTO_HOSTSTATUS', `2s')dnl"])
    try:
        rocky.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="later")
        rocky.runq()
        assert len(rocky.queue_files()) == 1
        roror.start()
        time.sleep(1.2)
        rocky.runq()
        got = roror.wait_messages("root", 1)
        assert len(got) == 1 and "Subject: later" in got[0]
    finally:
        lab.stop()


def test_unknown_recipient_bounces_to_the_sender(lab):
    _, rocky, roror = lab
    rocky.submit("rocky@rocky.co.kr", ["nosuchuser@roror.co.kr", "roror@roror.co.kr"],
                 subject="half")
    rocky.runq()
    assert len(roror.wait_messages("root", 1)) == 1
    bounces = rocky.wait_messages("daemon", 1)
    assert len(bounces) == 1
    b = bounces[0]
    assert "MAILER-DAEMON" in b
    assert "nosuchuser@roror.co.kr" in b
    assert "5.1.1" in b
    assert rocky.queue_files() == []


def test_delay_warning_after_queuewarn(sandbox):
    lab, rocky, roror = build_lab(sandbox, rocky_mc=[
        "define(`confTO_QUEUEWARN', `1s')dnl", "define(`confTO_HOSTSTATUS', `1s')dnl"])
    try:
        rocky.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="slow")
        rocky.runq()
        time.sleep(1.5)
        rocky.runq()
        warn = rocky.wait_messages("daemon", 1)
        assert len(warn) == 1
        assert "Warning" in warn[0] or "delayed" in warn[0].lower()
        assert "roror@roror.co.kr" in warn[0]
        # still queued, and warned only once
        assert len(rocky.queue_files()) == 1
        time.sleep(1.2)
        rocky.runq()
        time.sleep(0.5)
        assert len(rocky.messages("daemon")) == 1
    finally:
        lab.stop()


def test_queuereturn_bounces_an_old_message(sandbox):
    lab, rocky, roror = build_lab(sandbox, rocky_mc=[
        "define(`confTO_QUEUERETURN', `2s')dnl", "define(`confTO_HOSTSTATUS', `1s')dnl"])
    try:
        rocky.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@roror.co.kr"], subject="too old")
        rocky.runq()
        assert len(rocky.queue_files()) == 1
        time.sleep(2.2)
        rocky.runq()
        bounce = rocky.wait_messages("daemon", 1)
        assert len(bounce) == 1 and "roror@roror.co.kr" in bounce[0]
        assert rocky.queue_files() == []
    finally:
        lab.stop()


def test_smart_host_takes_mail_past_the_mx_records(sandbox):
    lab, rocky, roror = build_lab(sandbox, rocky_mc=[
        "define(`SMART_HOST', `mail.roror.co.kr')dnl"])
    try:
        rocky.start()
        roror.start()
        rocky.submit("rocky@rocky.co.kr", ["roror@hamap.kr"], subject="smart")
        rocky.runq()
        got = roror.wait_messages("root", 1)
        assert len(got) == 1 and "Subject: smart" in got[0]
        log = rocky.log()
        assert "mailer=relay" in log and "relay=mail.roror.co.kr." in log
        # the MX records of hamap.kr were never used: its dead first MX
        # was not tried
        assert "mx1.hamap.kr" not in rocky.sendmail("-bh").stdout
    finally:
        lab.stop()


def test_mailertable_routes_a_domain_and_its_subdomains(sandbox):
    lab, rocky, roror = build_lab(sandbox)
    mt = ("hamap.kr esmtp:mail.roror.co.kr\n"
          ".hamap.kr esmtp:[%s]\n" % lab.ip(3))
    from mta_env import MAKEMAP
    import subprocess
    try:
        rocky2 = LabMta(lab, "rocky2", lab.ip(6), "rocky.co.kr", aliases=ALIASES,
                        maps={"mailertable": mt})
        with open(os.path.join(roror.dir, "local-host-names"), "a") as f:
            f.write("sub.hamap.kr\n")
        rocky2.start()
        roror.start()
        rocky2.submit("rocky@rocky.co.kr", ["roror@hamap.kr", "roror@sub.hamap.kr"],
                      subject="table")
        rocky2.runq()
        assert len(roror.wait_messages("root", 2)) == 2
        log = rocky2.log()
        assert "relay=mail.roror.co.kr." in log
        assert f"relay=[{lab.ip(3)}] [{lab.ip(3)}]" in log
        assert "mx1.hamap.kr" not in rocky2.sendmail("-bh").stdout
        assert MAKEMAP and subprocess
    finally:
        lab.stop()
